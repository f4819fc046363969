"""Load test for `r2pkg serve`, side by side with `oxigraph serve-read-only` on the same data.

Both servers hold the same triples: the asserted graph and the derived graph,
loaded and derived as `r2pkg serve` does, exported as N-Quads for Oxigraph
(`--union-default-graph`, as r2pkg queries the union). Before any timing, every
named query runs once on each server; if the row counts differ, the script
says which and stops without reporting.

Two scenarios, bounded and on loopback only:

- named (default): C concurrent clients (keep-alive connections) send N named
  queries in all (the query page's examples, defaults bound by a VALUES
  clause) to each server in turn: throughput, p50/p99 latency and errors,
  overall and per query.
- fairness: C clients loop the named queries for S seconds alone, then again
  while K more clients loop a pathological query; the simple clients'
  throughput, p99 and errors in both phases, the ratio between them, side
  by side with Oxigraph and with the machine's load average.

    python scripts/bench_serve.py                      # 32 clients, 3000 queries per server
    python scripts/bench_serve.py --scenario fairness --no-cache --clients 16 --seconds 20
    python scripts/bench_serve.py --requests 600 --clients 8 --input tests/fixtures/serve/mini.ttl

Needs the `oxigraph` command (PyPI package `oxigraph`); --skip-oxigraph runs ours alone.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from graph.commands.options import load_inputs  # noqa: E402
from graph.server.app import examples  # noqa: E402

ACCEPT = "application/sparql-results+json"
# Six copies of every triple joined and counted: minutes of work for any engine.
PATHOLOGICAL = "SELECT (COUNT(*) AS ?n) WHERE { " + " . ".join(f"?s{i} ?p{i} ?o{i}" for i in range(6)) + " }"


@dataclass
class Run:
    name: str
    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)

    def all_latencies(self) -> list[float]:
        return sorted(x for xs in self.latencies.values() for x in xs)


def pct(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    i = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values)) - 1))
    return sorted_values[i]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(host: str, port: int, path: str, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            c = http.client.HTTPConnection(host, port, timeout=2)
            c.request("GET", path)
            c.getresponse().read()
            c.close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server on port {port} did not come up")


def post(conn: http.client.HTTPConnection, path: str, query: str) -> tuple[int, bytes]:
    conn.request("POST", path, query.encode(), {"Content-Type": "application/sparql-query", "Accept": ACCEPT})
    r = conn.getresponse()
    return r.status, r.read()


def load(name: str, port: int, path: str, queries: list[tuple[str, str]], total: int, clients: int) -> Run:
    """`clients` threads, each with one keep-alive connection, share `total` requests round-robin."""
    run = Run(name, latencies={qid: [] for qid, _ in queries}, errors={qid: 0 for qid, _ in queries})
    counter = iter(range(total))
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        start.wait()
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            qid, text = queries[i % len(queries)]
            t0 = time.perf_counter()
            try:
                status, _ = post(conn, path, text)
            except (OSError, http.client.HTTPException):
                status = 0
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            dt = time.perf_counter() - t0
            with lock:
                run.latencies[qid].append(dt)
                if status != 200:
                    run.errors[qid] += 1
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    run.seconds = time.perf_counter() - t0
    return run


@dataclass
class Phase:
    server: str
    name: str
    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    slow_statuses: dict[int, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds


def big_query(kilobytes: int = 300) -> str:
    """A harmless query of about `kilobytes` KB: a long VALUES list, the shape that costs a guard the most."""
    items, size = [], 0
    while size < kilobytes * 1024:
        items.append(f"<https://w3id.org/r2pkg/resource/item-{len(items)}>")
        size += len(items[-1]) + 1
    return "SELECT (COUNT(*) AS ?n) WHERE { VALUES ?x { " + " ".join(items) + " } ?x ?p ?o }"


def timed_load(server: str, name: str, port: int, path: str, queries: list[tuple[str, str]], clients: int,
               seconds: float, slow_clients: int = 0, slow_timeout: float = 60,
               slow_query: str = PATHOLOGICAL) -> Phase:
    """`clients` loop the queries for `seconds` (each from its own offset); `slow_clients` loop `slow_query`."""
    phase = Phase(server, name, seconds)
    stop = threading.Event()
    lock = threading.Lock()

    def tally(into: dict[int, int], status: int) -> None:
        with lock:
            into[status] = into.get(status, 0) + 1

    def simple(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        i = offset
        while not stop.is_set():
            t0 = time.perf_counter()
            try:
                status, _ = post(conn, path, queries[i % len(queries)][1])
            except (OSError, http.client.HTTPException):
                status = 0
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            dt = time.perf_counter() - t0
            if not stop.is_set():
                with lock:
                    phase.latencies.append(dt)
                tally(phase.statuses, status)
            i += 1
        conn.close()

    def slow() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=slow_timeout)
        while not stop.is_set():
            try:
                status, _ = post(conn, path, slow_query)
            except (OSError, http.client.HTTPException):
                status = 0
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=slow_timeout)
            if not stop.is_set():
                tally(phase.slow_statuses, status)
        conn.close()

    threads = [threading.Thread(target=slow, daemon=True) for _ in range(slow_clients)]
    for t in threads:
        t.start()
    if slow_clients:
        time.sleep(1.0)  # the slow queries are running before the measured clients start
    simple_threads = [threading.Thread(target=simple, args=(k,), daemon=True) for k in range(clients)]
    t0 = time.perf_counter()
    for t in simple_threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    phase.seconds = time.perf_counter() - t0
    for t in simple_threads:
        t.join(timeout=60)
    return phase


def load_average() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f} (1, 5, 15 min) on {os.cpu_count()} CPUs"


def fairness_report(phases: list[Phase], args: argparse.Namespace, load_before: str, load_after: str) -> str:
    lines = [
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        f"Load average before: {load_before}; after: {load_after}",
        f"Run: {args.clients} clients loop the named queries for {args.seconds:g} s alone, then for "
        f"{args.seconds:g} s beside {args.slow_clients} clients looping a pathological query (slow) and "
        f"{args.big_clients} clients looping a 300 KB query (big); "
        f"r2pkg serve with {args.workers or 'default'} workers, --timeout {args.timeout:g}"
        f"{', no reply cache' if args.no_cache else ', reply cache on'}",
        "",
        "| server | phase | requests | non-200 | req/s | p50 ms | p99 ms | slow clients' answers |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for ph in phases:
        lat = sorted(ph.latencies)
        errors = sum(n for st, n in ph.statuses.items() if st != 200)
        slow = ", ".join(f"{n}x {st or 'no answer'}" for st, n in sorted(ph.slow_statuses.items())) or "-"
        lines.append(f"| {ph.server} | {ph.name} | {len(lat)} | {errors} | {ph.rate:.0f} | "
                     f"{pct(lat, 50) * 1000:.1f} | {pct(lat, 99) * 1000:.1f} | {slow} |")
    lines += ["", "| server | phase | throughput kept (vs alone) | p99 |", "|---|---|---:|---:|"]
    for ph in phases:
        if ph.name == "alone":
            continue
        alone = next(a for a in phases if a.server == ph.server and a.name == "alone")
        lines.append(f"| {ph.server} | {ph.name} | {ph.rate / alone.rate:.0%} | "
                     f"{pct(sorted(ph.latencies), 99) * 1000:.0f} ms |")
    ours = [ph for ph in phases if ph.server == "r2pkg serve"]
    alone = next((ph for ph in ours if ph.name == "alone"), None)
    if alone is not None:
        lines += ["", "Targets for r2pkg serve (p99 on an idle machine: see the load average above):"]
        for ph in ours:
            p99 = pct(sorted(ph.latencies), 99) * 1000
            refused = sum(n for st, n in ph.statuses.items() if st == 503)
            kept = "" if ph is alone else f", {ph.rate / alone.rate:.0%} of the throughput alone (target >= 50%)"
            lines.append(f"- {ph.name}: p99 {p99:.0f} ms (target < 250 ms), {refused} answers 503 to the simple "
                         f"clients (target 0){kept}")
    servers = list(dict.fromkeys(ph.server for ph in phases))
    if len(servers) == 2:
        for name in dict.fromkeys(ph.name for ph in phases):
            ours, theirs = (next(ph for ph in phases if ph.server == s and ph.name == name) for s in servers)
            lines.append(f"\nPhase {name}: r2pkg serve answered {ours.rate / theirs.rate:.2f}x the simple requests "
                         "Oxigraph answered (same run, same data).")
    return "\n".join(lines)


def rows_per_query(port: int, path: str, queries: list[tuple[str, str]]) -> dict[str, int | str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    out: dict[str, int | str] = {}
    for qid, text in queries:
        status, body = post(conn, path, text)
        out[qid] = len(list(ox.parse_query_results(body, ox.QueryResultsFormat.JSON))) if status == 200 \
            else f"HTTP {status}"
    conn.close()
    return out


def report(runs: list[Run], rows: dict[str, int | str], args: argparse.Namespace) -> str:
    lines = [
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        f"Run: {args.clients} concurrent clients, {args.requests} requests per server, "
        f"{len(rows)} named queries round-robin, r2pkg serve with {args.workers or 'default'} workers"
        f"{' and no reply cache' if args.no_cache else ' and its reply cache'}",
        "",
        "| server | requests | errors | seconds | queries/s | p50 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        lat = r.all_latencies()
        lines.append(f"| {r.name} | {len(lat)} | {sum(r.errors.values())} | {r.seconds:.2f} | "
                     f"{len(lat) / r.seconds:.0f} | {pct(lat, 50) * 1000:.1f} | {pct(lat, 99) * 1000:.1f} |")
    lines += ["", "Per query (p50 / p99 ms):", "",
              "| query | rows | " + " | ".join(r.name for r in runs) + " |",
              "|---|---:|" + "---:|" * len(runs)]
    for qid in rows:
        cells = []
        for r in runs:
            lat = sorted(r.latencies[qid])
            err = f", {r.errors[qid]} errors" if r.errors[qid] else ""
            cells.append(f"{pct(lat, 50) * 1000:.1f} / {pct(lat, 99) * 1000:.1f}{err}")
        lines.append(f"| {qid} | {rows[qid]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def start_r2pkg(args: argparse.Namespace, tmp: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    cmd = [sys.executable, "-m", "graph.cli", "serve", "--port", str(port), "--quiet",
           "--site", str(Path(tmp) / "no-site"), "--timeout", f"{args.timeout:g}"]
    cmd += [x for i in args.input for x in ("--input", i)]
    cmd += ["--workers", str(args.workers)] if args.workers else []
    cmd += ["--no-cache"] if args.no_cache else []
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL)
    wait_for("127.0.0.1", port, "/queries.json")
    return proc, port


def start_oxigraph(args: argparse.Namespace, tmp: str) -> tuple[subprocess.Popen, int]:
    """Oxigraph on the triples r2pkg serves: asserted and derived, loaded as `r2pkg serve` loads them."""
    kg = load_inputs(tuple(args.input))
    data = Path(tmp) / "graph.nq"
    ox.serialize(kg.store, str(data), ox.RdfFormat.N_QUADS)
    db = Path(tmp) / "db"
    subprocess.run(["oxigraph", "load", "--location", str(db), "--file", str(data)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = free_port()
    proc = subprocess.Popen(["oxigraph", "serve-read-only", "--location", str(db), "--bind", f"127.0.0.1:{port}",
                             "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for("127.0.0.1", port, "/")
    return proc, port


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenario", choices=["named", "fairness"], default="named")
    ap.add_argument("--requests", type=int, default=3000, help="named: requests per server (bounded run)")
    ap.add_argument("--seconds", type=float, default=20, help="fairness: seconds per phase")
    ap.add_argument("--slow-clients", type=int, default=2, help="fairness: clients looping the slow query")
    ap.add_argument("--big-clients", type=int, default=0,
                    help="fairness: clients looping a harmless 300 KB query, in a phase of their own")
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--workers", type=int, default=None, help="r2pkg serve --workers")
    ap.add_argument("--timeout", type=float, default=10, help="r2pkg serve --timeout (seconds)")
    ap.add_argument("--input", action="append", default=[],
                    help="Turtle file or folder (default: the project's data)")
    ap.add_argument("--skip-oxigraph", action="store_true")
    ap.add_argument("--no-cache", action="store_true", help="r2pkg serve --no-cache: run every query")
    ap.add_argument("--exclude", action="append", default=[], help="leave out a named query (repeatable)")
    args = ap.parse_args()
    if not 1 <= args.clients <= 256 or not 1 <= args.requests <= 100_000 or not 1 <= args.seconds <= 600 \
            or not 0 <= args.slow_clients <= 64 or not 0 <= args.big_clients <= 64:
        ap.error("keep the run bounded: 1-256 clients, 1-100000 requests, 1-600 s, 0-64 slow or big clients")

    queries = [(e["id"], e["sparql"]) for e in examples() if e["id"] not in args.exclude]
    if not queries:
        sys.exit("no named queries to run")
    use_oxigraph = not args.skip_oxigraph and shutil.which("oxigraph") is not None
    if not args.skip_oxigraph and not use_oxigraph:
        print("oxigraph command not found (pip install oxigraph); running r2pkg serve alone", file=sys.stderr)
    load_before = load_average()
    runs: list[Run] = []
    phases: list[Phase] = []
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        servers = [("r2pkg serve", "/sparql", start_r2pkg)]
        if use_oxigraph:
            servers.append(("oxigraph serve-read-only", "/query", start_oxigraph))
        rows: dict[str, dict[str, int | str]] = {}
        for name, path, start in servers:  # same data first: no timing unless every count agrees
            proc, port = start(args, tmp)
            try:
                rows[name] = rows_per_query(port, path, queries)
            finally:
                stop(proc)
        counts = list(rows.values())
        if any(c != counts[0] for c in counts[1:]):
            differ = {qid: {n: r[qid] for n, r in rows.items()} for qid in counts[0] if
                      len({r[qid] for r in rows.values()}) > 1}
            sys.exit(f"row counts differ, so the servers do not hold the same data; no figures reported: {differ}")
        for name, path, start in servers:
            proc, port = start(args, tmp)
            try:
                rows_per_query(port, path, queries)  # warm up (and teach r2pkg which queries are quick)
                if args.scenario == "named":
                    runs.append(load(name, port, path, queries, args.requests, args.clients))
                else:
                    phases.append(timed_load(name, "alone", port, path, queries, args.clients, args.seconds))
                    if args.slow_clients:
                        phases.append(timed_load(name, "slow", port, path, queries, args.clients, args.seconds,
                                                 # a slow client waits for its answer (Oxigraph has no
                                                 # time limit): it never abandons a query to send another
                                                 args.slow_clients, slow_timeout=2 * args.seconds + 60))
                    if args.big_clients:
                        phases.append(timed_load(name, "big", port, path, queries, args.clients, args.seconds,
                                                 args.big_clients, slow_timeout=2 * args.seconds + 60,
                                                 slow_query=big_query()))
            finally:
                stop(proc)
    if args.scenario == "named":
        print(report(runs, counts[0], args))
        print(f"\nLoad average before: {load_before}; after: {load_average()}")
    else:
        print(fairness_report(phases, args, load_before, load_average()))
    print("\nCommand: python " + " ".join([re.sub(r"^.*/scripts/", "scripts/", sys.argv[0]), *sys.argv[1:]]))


if __name__ == "__main__":
    main()
