"""Benchmark the pathway derivation: scaling on synthetic graphs, and side by side with loading on a corpus.

Two measurements (see docs/perf-pathways.md for figures):

1. ``--sizes``: ``graph.pathways.derive(g)`` on synthetic causal graphs built in
   memory in the projection's schema (graph/pathways/projection.py), so the
   timing covers the derivation, not Turtle parsing or SPARQL. Shape (seeded):
   nodes = edges / 4; 5% risk factors, 25% measures, 70% outcomes (one in ten
   of them harms); 90% of edges are signed causal links between random nodes
   (+1 or -1, one in ten possible, one in fifty hypothetical), each asserted
   by one claim whose paragraph and section follow its cause (so routes that
   stay near one node are grounded), 10% of claims attacked, one support per
   twenty claims; 10% are requirements among measures, kept inside sectors of
   32 measures, a few mutual. Work is bounded: ``--cap`` routes (and partial
   chains per depth) per risk unit, betweenness from ``--samples`` sources.
   The fitted exponent of time against edges is printed.

2. ``--corpus N``: the synthetic corpus of scripts/bench_query.py
   (scripts/synthetic_corpus.py, N briefs; 100 briefs is about 530k triples):
   ``load_graph`` against the pathway derivation as the derivation stage runs
   it (slim read model, projection, derivation, triples written into the
   store), the two alternately, best of ``--repeat``, in one run, with its
   parts, and apart the cited claims' texts that ``r2pkg pathways`` adds.

Usage:
    python scripts/bench_pathways.py [--sizes 10000 100000 1000000] [--cap 20] [--samples 16]
    python scripts/bench_pathways.py --corpus 100 [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.pathways import derive, pathway_triples  # noqa: E402
from graph.pathways.model import HARM, MEASURE, OUTCOME, RISK  # noqa: E402
from graph.readmodel import Claim  # noqa: E402

BASE = "https://w3id.org/r2pkg/resource/bench/"
R2P = "https://w3id.org/r2pkg/ontology#"
SECTOR = 32
POSITIVE = (R2P + "StrengthensRelation", "strengthens", 1)
NEGATIVE = (R2P + "MitigatesRelation", "mitigates", -1)


def synthetic(edges: int, seed: int = 0) -> nx.MultiDiGraph:
    """A causal graph with `edges` links and requirements in the projection's schema."""
    rng = random.Random(seed)
    n = max(edges // 4, 16)

    def kinds_of(i: int) -> frozenset[str]:
        if i % 20 == 0:
            return frozenset([RISK])
        if i % 4 == 1:
            return frozenset([MEASURE])
        return frozenset([OUTCOME, HARM]) if i % 40 == 2 else frozenset([OUTCOME])

    names = [f"{BASE}n{i:07d}" for i in range(n)]
    measures = [i for i in range(n) if i % 4 == 1 and i % 20 != 0]
    claims: dict[str, Claim] = {}
    attackers: dict[str, tuple[str, ...]] = {}
    g = nx.MultiDiGraph(claims=claims, attackers=attackers, supports=[], issues={}, about={})
    g.add_nodes_from((names[i], {"label": f"node {i}", "kinds": kinds_of(i)}) for i in range(n))

    def edge(k: int) -> tuple[str, str, str, dict]:
        claim = f"{BASE}claim-{k:07d}"
        if k % 10 == 0:  # a requirement, within a sector of measures; every fourth one mutual
            sector = rng.randrange(max(len(measures) // SECTOR, 1))
            pool = measures[sector * SECTOR:(sector + 1) * SECTOR] or measures
            a, b = rng.sample(pool, 2) if len(pool) > 1 else (pool[0], pool[0])
            if k % 40 != 0 and a < b:
                a, b = b, a  # mostly one direction, so the order is not trivial
            data = {"relation": R2P + "Requirement", "relation_label": "requires", "polarity": 0,
                    "requirement": True, "modality": R2P + "Asserted", "claims": (claim,), "cases": (),
                    "inferred": False}
        else:
            a, b = rng.randrange(n), rng.randrange(n)
            relation = POSITIVE if rng.random() < 0.5 else NEGATIVE
            roll = rng.random()
            modality = "Hypothetical" if roll < 0.02 else "Possible" if roll < 0.12 else "Asserted"
            data = {"relation": relation[0], "relation_label": relation[1], "polarity": relation[2],
                    "modality": R2P + modality, "claims": (claim,), "rank": rng.randint(0, 8),
                    "contested": rng.random() < 0.1, "cases": ()}
        # The claim stands in a paragraph and section that follow its cause: routes near one node are tied.
        claims[claim] = Claim(iri=claim, paragraph=a // 2, section=f"{BASE}section-{a // 64}",
                              breadth=data.get("rank", 0), speaker_role=R2P + "ParticipantRole")
        if rng.random() < 0.1:
            attackers[claim] = (f"{BASE}claim-attacker-{k}",)
        return names[a], names[b], f"{BASE}link-{k:07d}", data

    g.add_edges_from(edge(k) for k in range(edges))
    keys = sorted(claims)
    g.graph["supports"] = sorted({(keys[i], keys[rng.randrange(len(keys))]) for i in range(0, len(keys), 20)})
    return g


def fit_exponent(sizes: list[int], seconds: list[float]) -> float:
    """Least-squares slope of log(time) against log(edges)."""
    xs, ys = [math.log(s) for s in sizes], [math.log(t) for t in seconds]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def scaling(args: argparse.Namespace) -> None:
    print(f"max_steps={args.max_steps} cap={args.cap} routes/risk unit, betweenness samples={args.samples}")
    header = (f"{'edges':>10} {'nodes':>9} {'units':>7} {'entries':>8} {'inferred':>8} {'bundles':>8} "
              f"{'build s':>8} {'derive s':>9} {'cpu s':>7} {'triples s':>9} {'us/edge':>8}")
    print(header)
    print("-" * len(header))
    sizes, times, cpu_times = [], [], []
    for size in args.sizes:
        t0 = time.perf_counter()
        g = synthetic(size)
        built = time.perf_counter() - t0
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        report = derive(g, args.max_steps, max_pathways_per_risk=args.cap, betweenness_samples=args.samples,
                        include_inferred=True)
        derived, cpu = time.perf_counter() - t0, time.process_time() - c0
        t0 = time.perf_counter()
        triples = pathway_triples(report)
        written = time.perf_counter() - t0
        sizes.append(g.number_of_edges())
        times.append(derived)
        cpu_times.append(cpu)
        print(f"{g.number_of_edges():>10} {g.number_of_nodes():>9} {len(report.units):>7} "
              f"{len(report.pathways):>8} {len(report.inferred):>8} {len(report.bundles):>8} {built:>8.2f} "
              f"{derived:>9.2f} {cpu:>7.2f} {written:>9.2f} {derived / size * 1e6:>8.1f}", flush=True)
        del g, report, triples
        gc.collect()
    if len(sizes) > 1:
        k, k_cpu = fit_exponent(sizes, times), fit_exponent(sizes, cpu_times)
        print(f"fitted exponent (time ~ edges^k, log-log least squares): k = {k:.2f} wall, {k_cpu:.2f} cpu")


def corpus(args: argparse.Namespace) -> None:
    """Load against the pathway stage on the synthetic corpus, alternately, best of --repeat."""
    import pyoxigraph as ox
    import synthetic_corpus

    from graph import readmodel
    from graph.pathways.projection import project_model
    from graph.resources import ontology_file
    from graph.store import load_graph

    quads = synthetic_corpus.generate(args.corpus)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.nt"
        ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads], str(path),
                     format=ox.RdfFormat.N_TRIPLES)
        print(f"corpus: {args.corpus} briefs, {len(quads):,} data triples")
        loads, stages, parts = [], [], []
        for _ in range(args.repeat):
            gc.collect()
            t0 = time.perf_counter()
            kg = load_graph([ontology_file(), path])
            loads.append(time.perf_counter() - t0)
            gc.collect()
            # What the derivation stage does (derive_pathways(cite=False), then the triples into the store),
            # timed by part; then, apart, the cited claims' texts that `r2pkg pathways` fetches for its outputs.
            gc.disable()
            t0 = time.perf_counter()
            model = readmodel.read(kg, derived=False, texts=False)
            t1 = time.perf_counter()
            g = project_model(model)
            t2 = time.perf_counter()
            report = derive(g)
            t3 = time.perf_counter()
            written = kg.add_derived(pathway_triples(report))
            t4 = time.perf_counter()
            texts = readmodel.claim_texts(kg, report.cited_claims())
            t5 = time.perf_counter()
            gc.enable()
            stages.append(t4 - t0)
            parts.append((t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4))
            del kg, model, g
        best = min(range(len(stages)), key=stages.__getitem__)
        read_s, project_s, derive_s, write_s, texts_s = parts[best]
        print(f"load (load_graph) best of {args.repeat}: {min(loads):.2f} s; "
              f"pathway derivation best of {args.repeat}: {stages[best]:.2f} s = read model {read_s:.2f} + project "
              f"{project_s:.2f} + derive {derive_s:.2f} + triples into the store {write_s:.2f}; "
              f"the cited claims' texts for the CLI's outputs: {texts_s:.2f} more")
        print(f"pathway derivation / load = {stages[best] / min(loads):.2f}, with the cited texts "
              f"{(stages[best] + texts_s) / min(loads):.2f}  ({len(report.pathways)} entries, "
              f"{len(texts)} cited claims, {written} triples; every run: load " + ", ".join(f"{x:.2f}" for x in loads)
              + "; derivation " + ", ".join(f"{x:.2f}" for x in stages) + ")")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--cap", type=int, default=20, help="routes (and partial chains per depth) per risk unit")
    parser.add_argument("--samples", type=int, default=16, help="betweenness sources")
    parser.add_argument("--max-steps", type=int, default=4)
    parser.add_argument("--corpus", type=int, help="instead: load against the pathway stage on N synthetic briefs")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"machine: {platform.machine()}, nproc {os.cpu_count()}, Python {platform.python_version()}, "
          f"networkx {nx.__version__}, load average {os.getloadavg()[0]:.2f}")
    if args.corpus:
        corpus(args)
    else:
        scaling(args)
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
