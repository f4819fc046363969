"""Benchmark: every named query on the embedded store, on an Oxigraph server and on Virtuoso, side by side.

    python scripts/bench_servers.py --triples 1M --repeat 3
    python scripts/bench_servers.py --briefs 2 --repeat 1 --no-virtuoso

A synthetic corpus (scripts/synthetic_corpus.py, written once into --data and
reused, as scripts/bench_scale.py does) plus the ontology is loaded and derived
once on the embedded store, then `r2pkg push`ed (graph.remote.push, a Graph
Store Protocol PUT into a named graph) into an Oxigraph server and into
Virtuoso, each started here on loopback ports in a temporary folder and
stopped at the end, whatever happens. After each push the triples the server
holds are counted: an upload answered with success that left fewer behind is
a WARNING line (Virtuoso 7.2 did so once at 1.3M triples on a busy machine).

Every named query then runs twice over: with its defaults (a required parameter
at its example) and, when it has parameters, with every parameter at the
example value its header gives, as the tests run them. A value naming a
resource of one brief points at the first synthetic copy's (r2pr:claim-p12-02
becomes r2pr:claim-p12-02-b0). Each query runs embedded (`run_query` on the
loaded store, in a forked child so that it can be stopped), and through
`--endpoint` on each server (`run_query(endpoint=...)`, the answer parsed the
same way), the three alternately, --repeat times; a cell is the median. A run
past --timeout is stopped and the cell reads "> T s". The rows of the three
answers are compared as tests/test_virtuoso.py compares them (only the
representation is forgiven: a boolean as 1/0, a GROUP_CONCAT's order and
language tag). The exit status is 1 when any answer differs.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import multiprocessing as mp
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent
REPO = SCRIPTS.parent
sys.path[:0] = [str(SCRIPTS), str(REPO), str(REPO / "tests")]

import bench_scale  # noqa: E402 - the corpora and the servers, shared with the scale benchmark
import pyoxigraph as ox  # noqa: E402
import synthetic_corpus  # noqa: E402
import test_virtuoso  # noqa: E402 - the tests' Virtuoso configuration and their way of comparing rows
from bench_query import synthetic_params  # noqa: E402

from graph import remote  # noqa: E402
from graph.deriving import derive  # noqa: E402
from graph.errors import InputError  # noqa: E402
from graph.queries import NamedQuery, named_queries, run_query  # noqa: E402
from graph.resources import ontology_file  # noqa: E402
from graph.store import KnowledgeGraph, load_graph  # noqa: E402

GRAPH = "https://w3id.org/r2pkg/graph/bench"
VIRTUOSO_USER = VIRTUOSO_PASSWORD = "dba"  # a throwaway instance's own administrator, on a loopback port
STORES = ("embedded", "Oxigraph server", "Virtuoso")


@dataclass
class Case:
    """One named query with one set of parameter values."""

    query: NamedQuery
    bound: str  # "defaults" or "examples"
    params: dict[str, str]


@dataclass
class Cell:
    """One query on one store: the time of each completed run, and the normalised rows of the last answer.

    A run past the timeout ends the cell's runs; the cell then reads "> T s" whatever the earlier runs took."""

    times: list[float] = field(default_factory=list)
    rows: Counter | None = None
    count: int | None = None
    timed_out: bool = False
    error: str = ""

    def shown(self, timeout: float) -> str:
        if self.error:
            return "error"
        if self.timed_out:
            return f"> {timeout:g} s"
        return f"{statistics.median(self.times):.3f} s" if self.times else "-"


def on_first_copy(value: str) -> str:
    """An example naming one brief's resource, pointed at the first synthetic copy's."""
    if value.startswith("r2pr:") and synthetic_corpus.PER_BRIEF.match(value[5:]):
        return f"{value}-b0"
    return value


def cases() -> list[Case]:
    out = []
    for q in named_queries().values():
        out.append(Case(q, "defaults", synthetic_params(q)))
        if q.params:
            out.append(Case(q, "examples", {k: on_first_copy(v) for k, v in q.example_values().items()}))
    return out


def compared(result, case: Case) -> Counter:
    return test_virtuoso.rows(result, test_virtuoso.concatenations(case.query.body))


# --- embedded: each run in a forked child that shares the loaded store, so a slow query can be stopped ---
_KG: KnowledgeGraph | None = None


def _embedded_child(case: Case, conn) -> None:
    try:
        t = time.perf_counter()
        result = run_query(_KG, name=case.query.id, params=case.params)
        seconds = time.perf_counter() - t
        conn.send(("ok", seconds, compared(result, case), len(result.rows)))
    except Exception as e:  # handed to the parent, which shows it
        conn.send(("error", 0.0, None, f"{type(e).__name__}: {e}"))


def run_embedded(case: Case, timeout: float, cell: Cell) -> None:
    parent, child = mp.Pipe(duplex=False)
    proc = mp.get_context("fork").Process(target=_embedded_child, args=(case, child), daemon=True)
    proc.start()
    try:
        if not parent.poll(timeout):
            cell.timed_out = True
            return
        status, seconds, rows, extra = parent.recv()
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
    if status == "error":
        cell.error = extra
    else:
        cell.times.append(seconds)
        cell.rows, cell.count = rows, extra


def remote_runner(endpoint: str) -> Callable[[Case, float, Cell], None]:
    def run(case: Case, timeout: float, cell: Cell) -> None:
        t = time.perf_counter()
        try:
            with remote.deadline(timeout):
                result = run_query(name=case.query.id, params=case.params, endpoint=endpoint, default_graph=GRAPH)
        except InputError as e:
            if "no complete answer within" in str(e):
                cell.timed_out = True
            else:
                cell.error = str(e)
            return
        seconds = time.perf_counter() - t
        cell.times.append(seconds)
        cell.rows, cell.count = compared(result, case), len(result.rows)
    return run


def agreement(cells: dict[str, Cell]) -> str:
    """"yes" when every store that answered gave the same rows; else which stores differ from the embedded one.

    A store whose later run timed out still answered in an earlier one: those rows count."""
    answered = {name: c.rows for name, c in cells.items() if c.rows is not None}
    if len(answered) < 2:
        return "-"
    reference = answered.get("embedded", next(iter(answered.values())))
    differ = [name for name, rows in answered.items() if rows != reference]
    return "yes" if not differ else "NO: " + ", ".join(differ) + " differ"


# --- servers ---------------------------------------------------------------------------------------------
def stop(server) -> None:
    try:
        server.stop()
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait()


def server_count(endpoint: str) -> int:
    result = run_query(sparql="SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", endpoint=endpoint, default_graph=GRAPH)
    return int(result.records()[0]["n"])


def report_push(server: str, sent: int, seconds: float, held: int) -> None:
    print(f"push into {server}: {sent:,} triples in {seconds:.1f} s; the server holds {held:,}", flush=True)
    if held != sent:  # the upload was answered with success, yet the graph there is not the graph sent
        print(f"WARNING: {server} holds {held:,} of the {sent:,} distinct triples pushed: its rows will differ",
              flush=True)


def start_oxigraph(folder: Path, kg: KnowledgeGraph, stack: contextlib.ExitStack) -> str:
    server = bench_scale.OxigraphServer(folder)
    stack.callback(stop, server)
    t = time.perf_counter()
    sent = remote.push(kg, f"{server.base}/store", GRAPH)
    report_push("Oxigraph server", sent, time.perf_counter() - t, server_count(f"{server.base}/query"))
    return f"{server.base}/query"


def start_virtuoso(folder: Path, kg: KnowledgeGraph, timeout: float, stack: contextlib.ExitStack) -> str:
    # Virtuoso answers a query that runs past MaxQueryExecutionTime with partial rows: let it stop a query only
    # after this script has given up on it, so that every answer read here is whole.
    test_virtuoso.INI = re.sub(r"MaxQueryExecutionTime = \d+", f"MaxQueryExecutionTime = {math.ceil(timeout) + 5}",
                               test_virtuoso.INI)
    server = bench_scale.Virtuoso(folder)
    stack.callback(stop, server)
    t = time.perf_counter()
    sent = remote.push(kg, f"{server.base}/sparql-graph-crud-auth", GRAPH, user=VIRTUOSO_USER,
                       password=VIRTUOSO_PASSWORD)
    report_push("Virtuoso", sent, time.perf_counter() - t, server_count(f"{server.base}/sparql"))
    return f"{server.base}/sparql"


def version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    lines = [line for line in (out.stdout + out.stderr).splitlines() if re.search(r"\d+\.\d+", line)]
    return lines[0].strip() if lines else "?"


def machine() -> str:
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    memory = ""
    with contextlib.suppress(OSError), open("/proc/meminfo") as f:
        memory = f"{int(f.readline().split()[1]) / 2**20:.0f} GB, "
    return (f"uptime: {uptime}\nmachine: {platform.machine()}, {os.cpu_count()} cores, {memory}"
            f"Python {platform.python_version()}, pyoxigraph {ox.__version__}")


_STOPPED = threading.Event()


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Ctrl-C and SIGTERM unwind the run, so that the servers started here are stopped. The signal is also
    remembered and checked between runs: a KeyboardInterrupt raised inside a library call can be swallowed
    there (a fork's callbacks, say), the remembered one cannot."""
    def interrupt(signum, frame):
        _STOPPED.set()
        raise KeyboardInterrupt
    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def main() -> int:
    global _KG
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--triples", default="1M", help="corpus size, e.g. 1M (rounded to whole briefs)")
    ap.add_argument("--briefs", type=int, help="corpus size in synthetic briefs instead, e.g. 200")
    ap.add_argument("--data", default=str(Path(tempfile.gettempdir()) / "r2pkg-scale"),
                    help="folder for the corpora (written once, reused; the same as bench_scale.py's)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per query and store (the median is shown)")
    ap.add_argument("--timeout", type=float, default=60, help="seconds before a query's run is given up")
    ap.add_argument("--no-oxigraph", action="store_true", help="leave out the Oxigraph server")
    ap.add_argument("--no-virtuoso", action="store_true", help="leave out Virtuoso")
    args = ap.parse_args()
    if args.repeat < 1 or args.timeout <= 0:
        print("--repeat must be at least 1 and --timeout above 0", file=sys.stderr)
        return 2
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    use_oxigraph = not args.no_oxigraph and Path(oxigraph).exists()
    use_virtuoso = not args.no_virtuoso and bool(shutil.which("virtuoso-t") and shutil.which("isql-vt"))
    print(machine())
    if use_oxigraph:
        print(f"Oxigraph server: {version([oxigraph, '--version'])}")
    elif not args.no_oxigraph:
        print("Oxigraph server: skipped (no `oxigraph` binary; pip install oxigraph)")
    if use_virtuoso:
        print(f"Virtuoso: {version(['virtuoso-t', '-?'])}")
    elif not args.no_virtuoso:
        print("Virtuoso: skipped (no virtuoso-t / isql-vt; Debian: virtuoso-opensource-7-bin)")
    sys.stdout.flush()

    briefs = args.briefs or max(1, round(bench_scale.parse_size(args.triples) / bench_scale.TRIPLES_PER_BRIEF))
    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True)
    nt = bench_scale.corpus(briefs, data)
    t = time.perf_counter()
    _KG = load_graph([ontology_file(), nt])
    loaded = time.perf_counter() - t
    derive(_KG)
    print(f"{briefs} briefs ({nt.name}): {len(_KG):,} triples with the derived ones; load {loaded:.1f} s, "
          f"derive {time.perf_counter() - t - loaded:.1f} s", flush=True)

    runners: dict[str, Callable[[Case, float, Cell], None]] = {"embedded": run_embedded}
    all_cases = cases()
    results: dict[tuple[str, str], dict[str, Cell]] = {}
    with interruptible(), contextlib.ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="r2pkg-bench-servers-")))
        if use_oxigraph:
            runners["Oxigraph server"] = remote_runner(start_oxigraph(work / "oxigraph", _KG, stack))
        if use_virtuoso:
            runners["Virtuoso"] = remote_runner(start_virtuoso(work / "virtuoso", _KG, args.timeout, stack))
        for case in all_cases:
            cells = {name: Cell() for name in runners}
            # The stores take turns within each round, so that drift and warm-up hit them alike.
            for _ in range(args.repeat):
                for name, run in runners.items():
                    cell = cells[name]
                    if _STOPPED.is_set():
                        raise KeyboardInterrupt
                    if not (cell.timed_out or cell.error):  # one run past the timeout is enough
                        run(case, args.timeout, cell)
            results[(case.query.id, case.bound)] = cells
            print(f"  {case.query.id} ({case.bound}): "
                  + ", ".join(f"{n} {c.shown(args.timeout)}" for n, c in cells.items()), flush=True)

    columns = [s for s in STORES if s in runners]
    load = os.getloadavg()
    print(f"\nload average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; median of {args.repeat} "
          f"run(s) per cell; rows compared as tests/test_virtuoso.py compares them\n")
    print("| query | parameters | " + " | ".join(columns) + " | rows (" + " / ".join(columns)
          + ") | same rows |")
    print("|---|---|" + "---:|" * len(columns) + "---:|---|")
    differ = 0
    for case in all_cases:
        cells = results[(case.query.id, case.bound)]
        verdict = agreement(cells)
        differ += verdict.startswith("NO")
        counts = " / ".join("-" if cells[c].count is None else f"{cells[c].count:,}" for c in columns)
        times = " | ".join(cells[c].shown(args.timeout) for c in columns)
        params = ", ".join(f"{k}={v}" for k, v in sorted(case.params.items())) or "-"
        print(f"| {case.query.id} | {case.bound}: {params} | {times} | {counts} | {verdict} |")
    for case in all_cases:
        for name, cell in results[(case.query.id, case.bound)].items():
            if cell.error:
                print(f"{case.query.id} ({case.bound}) on {name}: {cell.error}")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
