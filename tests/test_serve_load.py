"""`r2pkg serve` under load: memory stays bounded, slow queries never starve simple ones, deaths are counted.

No test here asserts a timing: they count statuses, bytes and workers.
Throughput figures live in scripts/bench_serve.py.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest

from graph.server import make_server
from graph.server.pool import Job
from graph.store import load_graph

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "serve"
MINI = FIXTURES / "mini.ttl"
COUNT = ("PREFIX r2p: <https://w3id.org/r2pkg/ontology#> "
         "SELECT (COUNT(*) AS ?n) WHERE { ?c a r2p:Claim }")
# Six copies of every triple joined: far more rows to count than any timeout allows.
PATHOLOGICAL = "SELECT (COUNT(*) AS ?n) WHERE { " + " . ".join(f"?s{i} ?p{i} ?o{i}" for i in range(6)) + " }"
MEMORY_BOUND_MIB = 100  # growth allowed over 1,000 distinct 1 MB queries (the reply cache alone may hold 64 MB)


def rss_mib(pid: int) -> float:
    """Resident memory of a process and its children (the query workers), in MiB."""
    total = 0
    for p in [pid, *_children(pid)]:
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        total += int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
    return total / 1024


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads memory from /proc (Linux)")
def test_memory_stays_bounded_under_a_thousand_distinct_megabyte_queries(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "graph.cli", "serve", "--port", "0", "--input", str(MINI), "--quiet",
         "--site", str(tmp_path / "no-site"), "--workers", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        port = None
        for line in proc.stdout:
            if m := re.search(r"serving on http://127\.0\.0\.1:(\d+)/", line):
                port = int(m.group(1))
                break
        assert port, proc.stderr.read()
        padding = "#" + "x" * (1024 * 1024 - 200) + "\n"  # a comment: cheap to check, 1 MB to keep
        statuses: Counter[int] = Counter()
        lock = threading.Lock()

        def send(start: int, count: int) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            for i in range(start, start + count):
                body = (f"{padding}ASK {{ ?s ?p {i} }}").encode()
                conn.request("POST", "/sparql", body, {"Content-Type": "application/sparql-query"})
                r = conn.getresponse()
                r.read()
                with lock:
                    statuses[r.status] += 1
            conn.close()

        send(0, 20)  # warm up: the workers and the first allocations exist
        before = rss_mib(proc.pid)
        threads = [threading.Thread(target=send, args=(1000 + k * 250, 250)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        after = rss_mib(proc.pid)
        assert statuses[200] == 1020, statuses
        print(f"server and workers: {before:.0f} MiB -> {after:.0f} MiB")
        assert after - before < MEMORY_BOUND_MIB, f"{before:.0f} MiB -> {after:.0f} MiB"
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_slow_queries_never_starve_simple_ones():
    """Two clients loop a query that always times out; simple clients keep getting 200s, never 503.

    The run ends when each slow client has been told "timed out" twice, whatever the machine's speed;
    simple answers must have come between those time-outs (served while slow queries held workers).
    """
    srv = make_server(lambda: load_graph([MINI]), "127.0.0.1", 0, 2.0, FIXTURES / "site", workers=2, quiet=True,
                      cache=False)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    host, port = srv.server_address[:2]
    stop = threading.Event()
    events: list[tuple[str, int]] = []  # (who, status) in the order the answers came
    lock = threading.Lock()

    def loop(query: str, who: str) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=60)
        while not stop.is_set():
            conn.request("POST", "/sparql", query.encode(), {"Content-Type": "application/sparql-query",
                                                              "Accept": "text/csv"})
            r = conn.getresponse()
            r.read()
            with lock:
                events.append((who, r.status))
                if sum(w == "slow" for w, _ in events) >= 4:
                    stop.set()
        conn.close()

    try:
        assert srv.pool.run(Job(COUNT)).status == 200  # now known to be quick
        threads = [threading.Thread(target=loop, args=(PATHOLOGICAL, "slow")) for _ in range(2)]
        threads += [threading.Thread(target=loop, args=(COUNT, "simple")) for _ in range(4)]
        for t in threads:
            t.start()
        niceness = set()
        while not stop.wait(0.1):
            for w in list(srv.pool._all):  # noqa: SLF001 (looking at the workers from outside)
                try:
                    niceness.add(os.getpriority(os.PRIO_PROCESS, w.process.pid))
                except OSError:
                    pass  # just killed
        for t in threads:
            t.join()
        simple = Counter(status for who, status in events if who == "simple")
        slow = Counter(status for who, status in events if who == "slow")
        assert set(simple) == {200}, simple  # never a 503 for the simple clients
        assert set(slow) == {503}, slow  # the slow ones ran, timed out, and were told so
        slow_at = [i for i, (who, _) in enumerate(events) if who == "slow"]
        between = [who for who, _ in events[slow_at[0] + 1:slow_at[-1]]]
        assert "simple" in between, events  # served while slow ones held workers
        assert srv.pool.deaths == 0
        assert 19 in niceness and 0 in niceness  # the slow query ran at the lowest priority, the others not
    finally:
        stop.set()
        srv.shutdown()
        srv.close()


def test_a_worker_that_dies_is_counted_logged_and_replaced(capsys):
    srv = make_server(lambda: load_graph([MINI]), "127.0.0.1", 0, 5.0, FIXTURES / "site", workers=1, quiet=True,
                      cache=False)
    try:
        assert srv.pool.run(Job(COUNT)).status == 200
        victims = [w for w in srv.pool._all]  # noqa: SLF001 (the one worker there is)
        os.kill(victims[0].process.pid, signal.SIGKILL)
        victims[0].process.join(5)
        replies = [srv.pool.run(Job(COUNT)).status for _ in range(3)]
        assert replies[0] == 500 and replies[1:] == [200, 200], replies
        assert srv.pool.deaths == 1 and srv.pool.killed == 1
        assert "query worker died" in capsys.readouterr().err
    finally:
        srv.close()
