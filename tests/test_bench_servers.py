"""scripts/bench_servers.py: every named query on the embedded store and on the servers it starts, same rows.

Behaviour only (no timing is asserted): on a corpus of one synthetic brief, the
table lists every named query with its defaults and with its examples, each
answered by every store with the same rows, and no server the script started
outlives it, also when it is interrupted.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from test_virtuoso import VIRTUOSO

from graph.queries import named_queries

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "bench_servers.py"
OXIGRAPH = shutil.which("oxigraph") or (str(Path(sys.executable).with_name("oxigraph"))
                                        if Path(sys.executable).with_name("oxigraph").exists() else None)
pytestmark = pytest.mark.skipif(OXIGRAPH is None, reason="the oxigraph server binary (pip install oxigraph) "
                                "is not installed")


def processes_under(folder: Path) -> list[str]:
    """Command lines of running processes that name `folder` (the servers keep their databases there)."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if str(folder) in cmdline:
                found.append(cmdline)
    return found


def bench(tmp_path: Path, *args: str) -> subprocess.Popen:
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    # TMPDIR: the servers' folders go under work/, so that a server left running would be seen there.
    return subprocess.Popen([sys.executable, str(SCRIPT), "--briefs", "1", "--data", str(tmp_path / "data"), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path,
                            env={**os.environ, "TMPDIR": str(work)})


def table(output: str) -> list[list[str]]:
    lines = [line for line in output.splitlines() if line.startswith("| ")]
    return [[c.strip() for c in line.strip("|").split("|")] for line in lines]


def test_every_named_query_gives_the_same_rows_on_each_store(tmp_path):
    stores = ["embedded", "Oxigraph server"] + (["Virtuoso"] if VIRTUOSO else [])
    proc = bench(tmp_path, "--repeat", "1", "--timeout", "120", *([] if VIRTUOSO else ["--no-virtuoso"]))
    output, _ = proc.communicate(timeout=900)
    assert proc.returncode == 0, output[-3000:]
    assert "load average" in output.splitlines()[0] and "cores" in output
    assert "WARNING" not in output  # every server holds every triple pushed
    header, *rows = table(output)
    assert header[2:2 + len(stores)] == stores and header[-1] == "same rows"
    expected = Counter()
    for name, q in named_queries().items():
        expected[(name, "defaults")] += 1
        if q.params:
            expected[(name, "examples")] += 1
    assert Counter((r[0], r[1].split(":")[0]) for r in rows) == expected
    for row in rows:
        assert row[-1] == "yes", row
        times = row[2:2 + len(stores)]
        assert all(t.endswith(" s") and not t.startswith(">") for t in times), row
        counts = row[2 + len(stores)].split(" / ")
        assert len(counts) == len(stores) and len(set(counts)) == 1, row
    # The answers compared are real ones: on one synthetic brief most queries have rows, and the examples that
    # name one brief's resource were pointed at the copy's (the claim of CQ04 is contested there too).
    nonempty = [r for r in rows if r[2 + len(stores)].split(" / ")[0] != "0"]
    assert len(nonempty) >= len(rows) - 2
    cq04 = next(r for r in rows if r[0] == "CQ04" and r[1].startswith("examples"))
    assert "claim=r2pr:claim-p12-02-b0" in cq04[1] and cq04[2 + len(stores)].split(" / ")[0] != "0"
    assert processes_under(tmp_path / "work") == []


def test_an_interrupted_run_stops_the_servers_it_started(tmp_path):
    proc = bench(tmp_path, "--repeat", "50", "--no-virtuoso")
    assert proc.stdout is not None
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if line.startswith("push into Oxigraph server"):
            break
    assert any(line.startswith("push into Oxigraph server") for line in seen), "".join(seen)[-3000:]
    assert processes_under(tmp_path / "work"), "the Oxigraph server runs while the queries are timed"
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=120)
    deadline = time.monotonic() + 10
    while processes_under(tmp_path / "work") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_under(tmp_path / "work") == []


def test_rows_that_differ_are_reported():
    sys.path.insert(0, str(REPO / "scripts"))
    from bench_servers import Cell, agreement

    same = Counter({("a",): 1})
    assert agreement({"embedded": Cell(rows=same), "Virtuoso": Cell(rows=Counter(same))}) == "yes"
    assert agreement({"embedded": Cell(rows=same), "Oxigraph server": Cell(rows=same),
                      "Virtuoso": Cell(rows=Counter({("b",): 1}))}) == "NO: Virtuoso differ"
    # A store that gave up has no rows to compare; one answer alone agrees with nothing.
    assert agreement({"embedded": Cell(rows=same), "Virtuoso": Cell(timed_out=True)}) == "-"
    # One that answered, then ran past the timeout in a later run, is compared by its answer.
    late = Cell(times=[1.0], rows=Counter({("b",): 1}), timed_out=True)
    assert agreement({"embedded": Cell(rows=same), "Virtuoso": late}) == "NO: Virtuoso differ"
    assert late.shown(60) == "> 60 s"
    assert Cell(timed_out=True).shown(5) == "> 5 s"
