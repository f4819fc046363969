"""Load test for `r2pkg serve`, side by side with `oxigraph serve-read-only` on the same data.

A bounded run on loopback only: C concurrent clients (keep-alive connections)
send N named queries in all (the query page's examples, defaults bound by a
VALUES clause) to each server in turn, and the script prints throughput,
p50/p99 latency and errors as Markdown, overall and per query.

    python scripts/bench_serve.py                      # 32 clients, 3000 queries per server
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

from graph.server.app import examples  # noqa: E402
from graph.store import load_graph  # noqa: E402

ACCEPT = "application/sparql-results+json"


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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--requests", type=int, default=3000, help="requests per server (bounded run)")
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--workers", type=int, default=None, help="r2pkg serve --workers")
    ap.add_argument("--input", action="append", default=[],
                    help="Turtle file or folder (default: the packaged data)")
    ap.add_argument("--skip-oxigraph", action="store_true")
    ap.add_argument("--no-cache", action="store_true", help="r2pkg serve --no-cache: run every query")
    ap.add_argument("--exclude", action="append", default=[], help="leave out a named query (repeatable)")
    args = ap.parse_args()
    if not 1 <= args.clients <= 256 or not 1 <= args.requests <= 100_000:
        ap.error("keep the run bounded: 1-256 clients, 1-100000 requests")

    queries = [(e["id"], e["sparql"]) for e in examples() if e["id"] not in args.exclude]
    if not queries:
        sys.exit("no named queries to run")
    runs: list[Run] = []
    procs: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        try:
            port = free_port()
            cmd = [sys.executable, "-m", "graph.cli", "serve", "--port", str(port), "--quiet",
                   "--site", str(Path(tmp) / "no-site")]
            cmd += [x for i in args.input for x in ("--input", i)]
            cmd += ["--workers", str(args.workers)] if args.workers else []
            cmd += ["--no-cache"] if args.no_cache else []
            procs.append(subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL))
            wait_for("127.0.0.1", port, "/queries.json")
            rows = rows_per_query(port, "/sparql", queries)
            runs.append(load("r2pkg serve", port, "/sparql", queries, args.requests, args.clients))

            if not args.skip_oxigraph and shutil.which("oxigraph"):
                kg = load_graph(args.input or None)
                data = Path(tmp) / "graph.nq"
                ox.serialize(kg.store, str(data), ox.RdfFormat.N_QUADS)
                db = Path(tmp) / "db"
                subprocess.run(["oxigraph", "load", "--location", str(db), "--file", str(data)], check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                oport = free_port()
                procs.append(subprocess.Popen(
                    ["oxigraph", "serve-read-only", "--location", str(db), "--bind", f"127.0.0.1:{oport}",
                     "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
                wait_for("127.0.0.1", oport, "/")
                orows = rows_per_query(oport, "/query", queries)
                if orows != rows:
                    print(f"warning: row counts differ: r2pkg {rows} oxigraph {orows}", file=sys.stderr)
                runs.append(load("oxigraph serve-read-only", oport, "/query", queries, args.requests,
                                 args.clients))
            elif not args.skip_oxigraph:
                print("oxigraph command not found (pip install oxigraph); running r2pkg serve alone",
                      file=sys.stderr)
        finally:
            for p in procs:
                p.terminate()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
    print(report(runs, rows, args))
    print("\nCommand: python " + " ".join([re.sub(r"^.*/scripts/", "scripts/", sys.argv[0]), *sys.argv[1:]]))


if __name__ == "__main__":
    main()
