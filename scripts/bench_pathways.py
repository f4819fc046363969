"""Benchmark the pathway derivation on synthetic causal graphs of 10k, 100k and 1M edges.

The graphs are built in memory directly in the projection's schema (see
graph/pathways/projection.py), so the timing covers the derivation, not Turtle
parsing or SPARQL. Shape (seeded, so every run builds the same graphs):

- nodes = edges / 4; 5% risk factors, 25% prevention measures, 70% outcomes;
- 90% of edges are signed causal links between random nodes (+1 or -1 with
  equal odds), each asserted by one claim with a random consensus rank 1..8,
  10% of the claims attacked;
- 10% are requires links among measures, kept inside sectors of 32 measures
  (dependencies are local, as in the brief), a few of them mutual so that
  co-requisite bundles exist.

Path enumeration is capped per risk factor (``--cap``, default 20 pathways,
and as many partial chains per length) and betweenness is sampled from
``--samples`` sources (default 16), so work per risk factor and per sample is
bounded and the total grows with the number of edges.

Usage: python scripts/bench_pathways.py [--sizes 10000 100000 1000000] [--cap 20] [--samples 16]
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import platform
import random
import sys
import time

import networkx as nx

from graph.pathways import derive, pathway_triples
from graph.pathways.model import MEASURE, OUTCOME, RISK

BASE = "https://w3id.org/r2pkg/resource/bench/"
SECTOR = 32
POSITIVE = ("https://w3id.org/r2pkg/ontology#StrengthensRelation", "strengthens", 1)
NEGATIVE = ("https://w3id.org/r2pkg/ontology#MitigatesRelation", "mitigates", -1)
REQUIRES = ("https://w3id.org/r2pkg/ontology#RequiresRelation", "requires", 0)


def synthetic(edges: int, seed: int = 0) -> nx.MultiDiGraph:
    """A causal graph with `edges` links in the projection's schema (nodes, kinds, signed keyed edges)."""
    rng = random.Random(seed)
    n = max(edges // 4, 16)
    kinds = [RISK if i % 20 == 0 else MEASURE if i % 4 == 1 else OUTCOME for i in range(n)]
    names = [f"{BASE}n{i:07d}" for i in range(n)]
    measures = [i for i in range(n) if kinds[i] == MEASURE]
    g = nx.MultiDiGraph(claims={}, unsigned_links=0)
    g.add_nodes_from((names[i], {"label": f"node {i}", "kinds": frozenset([kinds[i]])}) for i in range(n))

    def edge(k: int) -> tuple[str, str, str, dict]:
        if k % 10 == 0:  # requires, within a sector of measures; every fourth one mutual
            sector = rng.randrange(max(len(measures) // SECTOR, 1))
            pool = measures[sector * SECTOR:(sector + 1) * SECTOR] or measures
            a, b = rng.sample(pool, 2) if len(pool) > 1 else (pool[0], pool[0])
            if k % 40 != 0 and a < b:
                a, b = b, a  # mostly one direction, so the order is not trivial
            relation = REQUIRES
        else:
            a, b = rng.randrange(n), rng.randrange(n)
            relation = POSITIVE if rng.random() < 0.5 else NEGATIVE
        claim = f"{BASE}claim-{k:07d}"
        return names[a], names[b], f"{BASE}link-{k:07d}", {
            "relation": relation[0],
            "relation_label": relation[1],
            "polarity": relation[2],
            "claims": (claim,),
            "rank": rng.randint(1, 8),
            "contested": rng.random() < 0.1,
            "cases": (),
        }

    g.add_edges_from(edge(k) for k in range(edges))
    return g


def fit_exponent(sizes: list[int], seconds: list[float]) -> float:
    """Least-squares slope of log(time) against log(edges)."""
    xs, ys = [math.log(s) for s in sizes], [math.log(t) for t in seconds]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--cap", type=int, default=20, help="pathways (and partial chains) per risk factor")
    parser.add_argument("--samples", type=int, default=16, help="betweenness sources")
    parser.add_argument("--max-steps", type=int, default=4)
    args = parser.parse_args(argv)

    print(f"machine: {platform.machine()}, nproc {os.cpu_count()}, Python {platform.python_version()}, "
          f"networkx {nx.__version__}")
    print(f"max_steps={args.max_steps} cap={args.cap}/risk factor, betweenness samples={args.samples}")
    header = f"{'edges':>10} {'nodes':>9} {'risks':>7} {'pathways':>9} {'bundles':>8} " \
             f"{'build s':>8} {'derive s':>9} {'cpu s':>7} {'triples s':>9} {'us/edge':>8}"
    print(header)
    print("-" * len(header))
    sizes, times, cpu_times = [], [], []
    for size in args.sizes:
        t0 = time.perf_counter()
        g = synthetic(size)
        built = time.perf_counter() - t0
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        report = derive(g, args.max_steps, max_pathways_per_risk=args.cap, betweenness_samples=args.samples)
        derived, cpu = time.perf_counter() - t0, time.process_time() - c0
        t0 = time.perf_counter()
        triples = pathway_triples(report)
        written = time.perf_counter() - t0
        sizes.append(g.number_of_edges())
        times.append(derived)
        cpu_times.append(cpu)
        print(f"{g.number_of_edges():>10} {g.number_of_nodes():>9} {len(report.risks):>7} "
              f"{len(report.pathways):>9} {len(report.bundles):>8} {built:>8.2f} {derived:>9.2f} {cpu:>7.2f} "
              f"{written:>9.2f} {derived / size * 1e6:>8.1f}")
        del g, report, triples
        gc.collect()
    if len(sizes) > 1:
        k, k_cpu = fit_exponent(sizes, times), fit_exponent(sizes, cpu_times)
        print(f"fitted exponent (time ~ edges^k, log-log least squares): k = {k:.2f} wall, {k_cpu:.2f} cpu")
    return 0


if __name__ == "__main__":
    sys.exit(main())
