"""Benchmark: load and every named query through r2pkg, raw pyoxigraph and plain rdflib, in one run.

    python scripts/bench_query.py                 # N = 10, 50, 200 briefs (about 1M triples at 200)
    python scripts/bench_query.py --sizes 10 --rdflib-timeout 30
    python scripts/bench_query.py --sizes 100 --load-only   # load vs bulk_load, derive vs load, at ~500k triples

The machine is shared and noisy, so the figures that matter are the ratios
measured in the same run: r2pkg over raw pyoxigraph (the wrapper's overhead:
same store, same query text, same parameter, results fully materialised in
both, the two run alternately) and plain in-memory rdflib over r2pkg. Each query time is the median of
--repeat runs. rdflib queries run in a forked child that is killed at
--rdflib-timeout; a killed query counts as that timeout, so its ratio is a
lower bound (shown with '>').
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
import rdflib

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import synthetic_corpus  # noqa: E402

from graph.deriving import derive  # noqa: E402
from graph.namespaces import PREFIXES, sparql_prologue  # noqa: E402
from graph.queries import named_queries, run_query  # noqa: E402
from graph.resources import ontology_file  # noqa: E402
from graph.store import load_graph  # noqa: E402
from graph.terms import to_ox  # noqa: E402

# Queries that join claims with shared domain nodes through several hops or property paths.
JOIN_HEAVY = {"CQ02", "CQ04", "CQ06", "CQ10"}


def synthetic_params(q) -> dict[str, str]:
    """Defaults that name a per-brief resource (a section) point at the first synthetic brief's copy;
    a required parameter gets its example value."""
    out = {}
    for p in q.params:
        value = p.default or (p.example if p.required else None)
        if value and value.startswith("r2pr:") and synthetic_corpus.PER_BRIEF.match(value[5:]):
            out[p.name] = f"{value}-b0"
        elif value and not p.default:
            out[p.name] = value
    return out


def timed_pair(fa, fb, repeat: int) -> tuple[float, float]:
    """Median times of two functions, run alternately so that drift and warm-up hit both alike."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for fn, out in ((fa, times[0]), (fb, times[1])):
            t0 = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t0)
    return statistics.median(times[0]), statistics.median(times[1])


def raw_query(store: ox.Store, body: str, bindings: dict):
    subs = {ox.Variable(k): to_ox(v) for k, v in bindings.items()}
    result = store.query(body, prefixes=PREFIXES, use_default_graph_as_union=True, substitutions=subs)
    names = [v.value for v in result.variables]
    return [{n: s[n] for n in names} for s in result]


_RDFLIB_GRAPH: rdflib.Graph | None = None


def _rdflib_child(text: str, bindings: dict, conn) -> None:
    t0 = time.perf_counter()
    n = len(list(_RDFLIB_GRAPH.query(text, initBindings=bindings)))
    conn.send((time.perf_counter() - t0, n))


def rdflib_query(text: str, bindings: dict, timeout: float) -> tuple[float, bool]:
    """Time one rdflib query in a forked child (which shares the loaded graph); kill it at the timeout."""
    parent, child = mp.Pipe()
    proc = mp.get_context("fork").Process(target=_rdflib_child, args=(text, bindings, child))
    proc.start()
    if parent.poll(timeout):
        seconds, _ = parent.recv()
        proc.join()
        return seconds, False
    proc.kill()
    proc.join()
    return timeout, True


def main() -> None:
    global _RDFLIB_GRAPH
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10, 50, 200], help="numbers of briefs")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--rdflib-timeout", type=float, default=60.0)
    ap.add_argument("--load-only", action="store_true",
                    help="measure loading (r2pkg against pyoxigraph's bulk_load) and derivation, no queries")
    ap.add_argument("--rdflib-all-sizes", action="store_true",
                    help="run rdflib on every size (default: the smallest and the largest)")
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"pyoxigraph {ox.__version__}, rdflib {rdflib.__version__}")
    base = synthetic_corpus.brief_quads()
    queries = named_queries()
    for n in args.sizes:
        quads = synthetic_corpus.generate(n, base)
        with tempfile.TemporaryDirectory() as tmp:
            corpus = Path(tmp) / "corpus.nt"
            ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads], str(corpus),
                         format=ox.RdfFormat.N_TRIPLES)
            print(f"\n== {n} briefs: {len(quads):,} data triples")
            # Loading is timed against a plain bulk_load of the same files, the two alternately, best of 3.
            loads: tuple[list[float], list[float]] = ([], [])
            for _ in range(3):
                t0 = time.perf_counter()
                kg = load_graph([ontology_file(), corpus])
                loads[0].append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                raw = ox.Store()
                raw.bulk_load(path=str(ontology_file()), format=ox.RdfFormat.TURTLE)
                raw.bulk_load(path=str(corpus), format=ox.RdfFormat.N_TRIPLES)
                loads[1].append(time.perf_counter() - t0)
            t_load, t_raw_load = min(loads[0]), min(loads[1])
            import graph.pathways  # noqa: F401  (imported before timing: a one-off cost, not derivation work)

            t0 = time.perf_counter()
            derive(kg)
            t_derive = time.perf_counter() - t0
            print(f"load: r2pkg {t_load:.2f} s, pyoxigraph bulk_load {t_raw_load:.2f} s: {t_load / t_raw_load:.2f}x; "
                  f"derive {t_derive:.2f} s: {t_derive / t_load:.2f}x the load", flush=True)
            if args.load_only:
                continue
            run_rdflib = args.rdflib_all_sizes or n in (min(args.sizes), max(args.sizes))
            t_rdflib_load = None
            if run_rdflib:
                t0 = time.perf_counter()
                g = rdflib.Graph()
                g.parse(ontology_file(), format="turtle")
                g.parse(corpus, format="nt")
                t_rdflib_load = time.perf_counter() - t0
                # Give rdflib the derived triples too, so that it answers the same questions.
                for q in kg.store.quads_for_pattern(None, None, None, ox.NamedNode(
                        "https://w3id.org/r2pkg/graph/derived")):
                    g.add(tuple(rdflib.URIRef(t.value) if isinstance(t, ox.NamedNode) else
                                rdflib.Literal(t.value, datatype=rdflib.URIRef(t.datatype.value))
                                if isinstance(t, ox.Literal) else rdflib.BNode(t.value)
                                for t in (q.subject, q.predicate, q.object)))
                _RDFLIB_GRAPH = g
            print((f"rdflib load {t_rdflib_load:.2f} s; " if t_rdflib_load else "")
                  + f"store holds {len(kg):,} triples")
            print(f"{'query':6} {'rows':>7} {'r2pkg ms':>9} {'raw ms':>8} {'overhead':>8}"
                  + (f" {'rdflib ms':>10} {'rdflib/r2pkg':>12}" if run_rdflib else ""))
            for qid, q in queries.items():
                params = synthetic_params(q)
                bindings = q.bindings(params)
                rows = len(run_query(kg, name=qid, params=params).rows)
                t_r2, t_raw = timed_pair(
                    lambda qid=qid, kg=kg, params=params: run_query(kg, name=qid, params=params),
                    lambda q=q, b=bindings, kg=kg: raw_query(kg.store, q.body, b),
                    args.repeat,
                )
                line = f"{qid:6} {rows:>7} {t_r2 * 1000:>9.2f} {t_raw * 1000:>8.2f} {t_r2 / t_raw:>7.2f}x"
                if run_rdflib and (qid in JOIN_HEAVY or n == min(args.sizes)):
                    t_rdf, killed = rdflib_query(sparql_prologue() + q.body, bindings, args.rdflib_timeout)
                    mark = ">" if killed else ""
                    line += f" {mark + format(t_rdf * 1000, '.0f'):>10} {mark + format(t_rdf / t_r2, '.0f'):>11}x"
                print(line + ("  join-heavy" if qid in JOIN_HEAVY else ""), flush=True)
            del kg, raw
            _RDFLIB_GRAPH = None


if __name__ == "__main__":
    main()
