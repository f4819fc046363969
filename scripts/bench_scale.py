"""Benchmark: the whole pipeline on synthetic corpora of a million triples and more, before and after, in one run.

    python scripts/bench_scale.py --triples 1M,5M
    python scripts/bench_scale.py --triples 1M --before-commit 07fe587 --data /tmp/scale
    python scripts/bench_scale.py --briefs 200 --no-servers --pyshacl-timeout 300
    python scripts/bench_scale.py --triples 1M,5M --push-only --data ~/scale-data

For each size, a corpus of N synthetic briefs (scripts/synthetic_corpus.py, written
once into --data and reused) plus the ontology is measured stage by stage, each
stage beside its baseline from the same run:

- load (r2pkg `load_graph`) beside a bare pyoxigraph `bulk_load` of the same files;
- derive beside the load;
- `r2pkg query CQ01` from the shell (cold: it builds its persistent store; warm: it
  opens it) beside a bare pyoxigraph script that loads the files and runs the same text;
- CQ13 and the slowest named query, on the embedded store after derive;
- the quote and paragraph checks (`check_quotes`) against the brief's text;
- `validate` (SHACL, QC, quotes, paraphrases, reading rules, faithfulness) with the
  SPARQL engine, and with pySHACL, killed after --pyshacl-timeout seconds (the figure
  then reads "killed at T s");
- push, every way, beside the server's own loader given the same built graph as a
  file: into an Oxigraph server (Graph Store PUT, --via oxigraph-bulk plain and
  --gzip, each into a server of its own) and into a store folder (--via
  oxigraph-load), beside `oxigraph load` into a fresh folder; into Virtuoso (PUT
  with Digest authentication, --via virtuoso-bulk) beside `ld_dir` +
  `rdf_loader_run` + checkpoint through isql; when `oxigraph` and `virtuoso-t` are
  installed. --push-only measures these alone.

"before" is the code of --before-commit (unpacked with `git archive`), run by the
same Python on the same corpus: every stage the older code has is measured with it
too. Each stage's peak memory is the peak resident size of the process during the
stage (Linux: VmHWM, reset before each stage). Times are wall-clock seconds; the
machine's load average is printed first, because only same-run ratios count.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TEXT = REPO.parent / "shared" / "sources" / "preventing-mass-atrocities-2013.txt"
TRIPLES_PER_BRIEF = 5_430  # what scripts/synthetic_corpus.py writes per brief (shared nodes counted once)

# One child process per code tree and size: it loads once and reports each stage as a JSON line.
STAGES = r'''
import json, sys, time
tree, corpus, text, layout, stages = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5].split(",")
sys.path.insert(0, tree)

def peak_reset():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass

def peak_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    return 0

def stage(name, fn):
    print("START " + name, flush=True)
    peak_reset()
    t, cpu = time.perf_counter(), time.process_time()
    extra = fn() or {}
    print("RESULT " + json.dumps({"stage": name, "seconds": time.perf_counter() - t, "cpu": time.process_time() - cpu,
                                  "peak_mb": peak_mb(), **extra}), flush=True)

from graph.resources import ontology_file
from graph.store import load_graph
kg = None
def load():
    global kg
    kg = load_graph([ontology_file(), corpus])
    return {"triples": len(kg)}
stage("load", load)

def texts():
    from graph.documents import Texts
    from graph.source_text import read_source
    return Texts({"": read_source(text, layout)})

for name in stages:
    if name == "quotes":
        from graph.validation import check_quotes
        t = texts()
        stage("quotes", lambda: {"findings": len(check_quotes(kg, t, {}))})
    elif name in ("validate", "validate-pyshacl"):
        import inspect
        from graph.validation import validate
        t = texts()
        kw = {"engine": "pyshacl"} if name == "validate-pyshacl" else {}
        if "engine" not in inspect.signature(validate).parameters:
            if name == "validate":
                continue  # the older code has pySHACL only: measured as validate-pyshacl
            kw = {}
        def run(t=t, kw=kw):
            report = validate(kg, t, **kw)
            return {"findings": len(report.findings), "errors": report.counts()["ERROR"]}
        stage(name, run)
    elif name == "derive":
        try:
            from graph.deriving import derive
        except ImportError:  # its older name
            from graph.derivation import derive
        stage("derive", lambda: {"derived": derive(kg).triples})
    elif name == "queries":
        from graph.queries import named_queries, run_query
        sys.path.insert(0, tree + "/scripts")
        from bench_query import synthetic_params
        def each():
            times = {}
            for qid, q in named_queries().items():
                t0 = time.perf_counter()
                rows = len(run_query(kg, name=qid, params=synthetic_params(q)).rows)
                times[qid] = [time.perf_counter() - t0, rows]
            return {"queries": times}
        stage("queries", each)
    elif name.startswith("push:"):
        target, via = name[len("push:"):].rsplit("|", 1)
        import inspect
        from graph.remote import push
        kw, user, password = {}, None, None
        if via.endswith("+gzip"):
            via, kw["gzip"] = via[:-len("+gzip")], True
        if "@" in target:  # user:password@ for Virtuoso's Digest authentication and its SQL login
            creds, target = target.split("@", 1)
            user, password = creds.split(":", 1)
        if via in ("oxigraph-load", "virtuoso-bulk"):
            try:
                from graph.server_loaders import oxigraph_load, virtuoso_bulk
            except ImportError:
                continue  # the older code has no local loaders
            if via == "oxigraph-load":
                run = lambda target=target: oxigraph_load(kg, target, "https://w3id.org/r2pkg/graph/bench")
            else:
                folder, port = target.rsplit("#", 1)
                run = lambda folder=folder, port=port: virtuoso_bulk(
                    kg, folder, "https://w3id.org/r2pkg/graph/bench", port=port, user=user, password=password)
        else:
            params = inspect.signature(push).parameters
            if (via != "gsp" and "via" not in params) or ("gzip" in kw and "gzip" not in params):
                continue
            if "via" in params:
                kw["via"] = via
            if user:
                kw.update(user=user, password=password)
            run = lambda target=target, kw=kw: push(kg, target, "https://w3id.org/r2pkg/graph/bench", **kw)
        stage(name, lambda run=run: {"sent": run()})
'''

BARE_LOAD = r'''
import sys, time, pyoxigraph as ox
t = time.perf_counter()
store = ox.Store()
for f in sys.argv[1:]:
    store.bulk_load(path=f, format=ox.RdfFormat.TURTLE if f.endswith(".ttl") else ox.RdfFormat.N_TRIPLES)
print(time.perf_counter() - t, len(store))
'''

BARE_QUERY = r'''
import sys, pyoxigraph as ox
store = ox.Store()
for f in sys.argv[2:]:
    store.bulk_load(path=f, format=ox.RdfFormat.TURTLE if f.endswith(".ttl") else ox.RdfFormat.N_TRIPLES)
text = open(sys.argv[1], encoding="utf-8").read()
for row in store.query(text, use_default_graph_as_union=True):
    print(*(t.value if t is not None else "" for t in row), sep="\t")
'''


# --- validate after one file changed (the incremental SHACL check) --------------------------------------------
# One child on a copy of the corpus split into files (one per brief, one shared): a whole validation that writes
# the findings cache, the same after one brief's file lost a claim's statement, and, as the baseline, a whole
# validation of those same changed files. Each line: stage, seconds, findings, what SHACL re-checked.
CHANGED_FILE = r'''
import json, re, shutil, sys, tempfile, time
from pathlib import Path
folder, text, layout = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
from graph.documents import Texts
from graph.resources import ontology_file
from graph.source_text import read_source
from graph.store import load_graph
from graph.validation import validate
texts = Texts({"": read_source(text, layout)})
work = Path(tempfile.mkdtemp())
files = work / "corpus"
shutil.copytree(folder, files)
cache = work / "cache"
found = {}
def run(name, **kw):
    kg = load_graph([ontology_file(), files])
    t, cpu = time.perf_counter(), time.process_time()
    report = validate(kg, texts, **kw)
    blank = re.compile(r"_:\w+")  # blank nodes have other names in every load
    found[name] = sorted((f.severity, f.check, blank.sub("_:", f.focus), blank.sub("_:", f.message), f.file)
                         for f in report.findings)
    print("RESULT " + json.dumps({"stage": name, "seconds": time.perf_counter() - t, "cpu": time.process_time() - cpu,
                                  "findings": len(report.findings), "shacl_run": report.shacl_run,
                                  "triples": len(kg)}), flush=True)
run("whole, writing the cache", findings_cache=cache)
brief = files / "brief-0001.ttl"
claim = "<https://w3id.org/r2pkg/resource/claim-p23-01-b1> <https://w3id.org/r2pkg/ontology#statement>"
lines = brief.read_text(encoding="utf-8").splitlines(keepends=True)
brief.write_text("".join(x for x in lines if not x.startswith(claim)), encoding="utf-8")
run("after one file changed", findings_cache=cache)
run("whole, same files")
same = found["after one file changed"] == found["whole, same files"]
# The SHACL shapes alone (the part that re-checks less; QC, quotes and the reading checks run whole), after
# another brief's file changed: incremental, then whole, on the same graph.
from graph.resources import shapes_file
from graph.shacl_incremental import record_of
from graph.validation import load_shapes, shacl_results, shacl_since_last_run
brief = files / "brief-0002.ttl"
claim = claim.replace("-b1>", "-b2>")
lines = brief.read_text(encoding="utf-8").splitlines(keepends=True)
brief.write_text("".join(x for x in lines if not x.startswith(claim)), encoding="utf-8")
kg = load_graph([ontology_file(), files])
shapes = load_shapes(shapes_file())
def timed(name, fn):
    t, cpu = time.perf_counter(), time.process_time()
    out = fn()
    print("RESULT " + json.dumps({"stage": name, "seconds": time.perf_counter() - t,
                                  "cpu": time.process_time() - cpu}), flush=True)
    return out
records, rechecked = timed("shacl after one file changed", lambda: shacl_since_last_run(kg, shapes, shapes_file(),
                                                                                        cache))
results, ran = timed("shacl whole", lambda: shacl_results(kg, shapes))
whole = {(r.focus, r.path, r.value, r.component, r.message) for r in map(lambda x: record_of(x, ran), results)
         if "_:" not in r.focus.n3() + (r.value.n3() if r.value is not None else "")}
part = {(r.focus, r.path, r.value, r.component, r.message) for r in records
        if "_:" not in r.focus.n3() + (r.value.n3() if r.value is not None else "")}
print("RESULT " + json.dumps({"stage": "same findings", "same": same, "same shacl": whole == part,
                              "shacl_run": rechecked.line()}))
shutil.rmtree(work, ignore_errors=True)
'''


def changed_file_rows(briefs: int, data: Path) -> list[tuple[str, str, str, str]]:
    """The rows of 'validate after one file changed', beside a whole validation of the same files."""
    folder = data / f"corpus-{briefs}-files"
    if not (folder / "shared.ttl").exists():
        print(f"  writing {folder} ({briefs} briefs, one file each) ...", flush=True)
        subprocess.run([sys.executable, str(REPO / "scripts" / "synthetic_corpus.py"), str(briefs), "--files", "-o",
                        str(folder)], check=True, stdout=subprocess.DEVNULL)
    layout = REPO / "sources" / "brief-2013.layout.toml"
    proc = subprocess.run([sys.executable, "-c", CHANGED_FILE, str(folder), str(TEXT), str(layout)], cwd=REPO,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    got = {r.pop("stage"): r for r in (json.loads(x[7:]) for x in proc.stdout.splitlines() if x.startswith("RESULT "))}
    if "same findings" not in got:
        print(f"  (the changed-file stage failed: {proc.stderr[-1500:]})")
        return []
    whole, after, cold = got["whole, same files"], got["after one file changed"], got["whole, writing the cache"]
    same = got["same findings"]
    print(f"  changed-file stage: {after['triples']:,} triples in {len(list(folder.glob('*.ttl')))} files; "
          f"findings {after['findings']} (whole {whole['findings']}), the same: {same['same']}; first run "
          f"{cold['shacl_run']}; then {after['shacl_run']}; SHACL alone after another file changed: "
          f"{same['shacl_run']}, the same results as whole: {same['same shacl']}", flush=True)

    def t(r: dict) -> str:
        return f"{r['seconds']:.1f} s (CPU {r['cpu']:.1f} s)"
    part, entire = got["shacl after one file changed"], got["shacl whole"]
    return [("`validate`, first run (writes the findings cache)", "-", t(cold), f"whole `validate` {t(whole)}"),
            ("`validate` after one file changed", "-", t(after),
             f"whole `validate` {t(whole)}: {whole['cpu'] / after['cpu']:.1f}x in CPU"),
            ("SHACL shapes alone after one file changed", "-", t(part),
             f"SHACL whole {t(entire)}: {entire['cpu'] / part['cpu']:.1f}x in CPU")]
# --- end of validate after one file changed -------------------------------------------------------------------


def parse_size(text: str) -> int:
    text = text.strip().upper()
    factor = {"K": 1_000, "M": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("KM")) * factor)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def corpus(briefs: int, data: Path) -> Path:
    path = data / f"corpus-{briefs}.nt"
    if not path.exists():
        print(f"  writing {path} ({briefs} briefs) ...", flush=True)
        subprocess.run([sys.executable, str(REPO / "scripts" / "synthetic_corpus.py"), str(briefs), "-o", str(path)],
                       check=True, stdout=subprocess.DEVNULL)
    return path


def run_stages(tree: Path, nt: Path, stages: list[str], timeout_stage: str = "", timeout: float = 0) -> dict:
    """Run the stage child for one code tree; kill it when `timeout_stage` runs longer than `timeout`."""
    layout = tree / "sources" / "brief-2013.layout.toml"
    args = [str(tree), str(nt), str(TEXT), str(layout), ",".join(stages)]
    proc = subprocess.Popen([sys.executable, "-c", STAGES, *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tree,
                            env={**os.environ, "PYTHONPATH": str(tree)})
    results: dict = {}
    timer: threading.Timer | None = None
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("START "):
            name = line.split(" ", 1)[1].strip()
            if timer:
                timer.cancel()
                timer = None
            if name == timeout_stage and timeout:
                timer = threading.Timer(timeout, proc.kill)
                timer.start()
                results[name] = {"killed": timeout}
        elif line.startswith("RESULT "):
            r = json.loads(line[7:])
            results[r.pop("stage")] = r
            if timer:
                timer.cancel()
                timer = None
    proc.wait()
    if timer:
        timer.cancel()
    if proc.returncode not in (0, -signal.SIGKILL):
        print(f"  ({tree.name}: the stage process failed: {proc.stderr.read()[-1500:] if proc.stderr else ''})")
    return results


def timed(cmd: list[str], **kw) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - t


def shell_query(tree: Path, nt: Path, cache: Path) -> tuple[float, float]:
    """`r2pkg query CQ01` of `tree`'s code: cold (writes its persistent store) and warm."""
    from graph.resources import ontology_file

    entry = f"import sys; sys.path.insert(0, {str(tree)!r}); sys.argv[0] = 'r2pkg'; from graph.cli import main; main()"
    cmd = [sys.executable, "-c", entry, "query", "CQ01", "--input", str(ontology_file()), "--input", str(nt)]
    env = {**os.environ, "R2PKG_CACHE_DIR": str(cache), "PYTHONPATH": str(tree)}
    return timed(cmd, env=env, cwd=tree), timed(cmd, env=env, cwd=tree)


class OxigraphServer:
    def __init__(self, folder: Path) -> None:
        self.binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.proc = subprocess.Popen([self.binary, "serve", "--location", str(folder / "db"), "--bind",
                                      f"127.0.0.1:{self.port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{self.port}"
        wait_for(f"{self.base}/query?query=ASK%7B%7D", self.proc)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=60)


def wait_for(url: str, proc: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"server did not start: {url}") from None
            time.sleep(0.5)


class Virtuoso:
    def __init__(self, folder: Path) -> None:
        sys.path.insert(0, str(REPO / "tests"))
        from test_virtuoso import INI  # the tests' own throwaway configuration

        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.sql, http = folder, free_port(), free_port()
        (folder / "virtuoso.ini").write_text(INI.format(d=folder, sql=self.sql, http=http).replace(
            "NumberOfBuffers = 10000", "NumberOfBuffers = 170000").replace("MaxDirtyBuffers = 6000",
                                                                           "MaxDirtyBuffers = 130000"))
        self.proc = subprocess.Popen([shutil.which("virtuoso-t") or "virtuoso-t", "+foreground", "+configfile",
                                      str(folder / "virtuoso.ini")], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, cwd=folder)
        self.base = f"http://127.0.0.1:{http}"
        wait_for(f"{self.base}/sparql?query=ASK%7B%7D", self.proc)

    def isql(self, *statements: str) -> None:
        isql = shutil.which("isql-vt") or "isql-vt"
        subprocess.run([isql, str(self.sql), "dba", "dba", "exec=" + " ".join(statements)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def export_nt(nt: Path, out: Path) -> None:
    """The built graph (asserted and derived) as one N-Triples file, for the servers' own loaders."""
    code = ("from graph.resources import ontology_file; from graph.store import load_graph; "
            "from graph.deriving import derive; from graph.remote import write_ntriples; "
            f"kg = load_graph([ontology_file(), {str(nt)!r}]); derive(kg); write_ntriples(kg, {str(out)!r})")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def versus(r: dict | None, own: float) -> str:
    """A push figure and how many times the server's own loader it took."""
    if not r or "seconds" not in r:
        return fmt(r)
    return f"{fmt(r)}; **{r['seconds'] / own:.1f}x** the loader"


PUSH_WAYS = ("gsp", "oxigraph-bulk", "oxigraph-bulk+gzip", "oxigraph-load", "virtuoso-gsp", "virtuoso-bulk")


def servers(nt: Path, work: Path, before: Path | None, only: tuple[str, ...] = PUSH_WAYS
            ) -> list[tuple[str, str, str, str]]:
    """Push rows: each way of `r2pkg push` (before and after) beside the server's own loader, same built graph.

    Every push goes into a server or store of its own that holds nothing yet, as the loader's does; a push
    includes writing the N-Triples, the loader starts from the written file.
    """
    rows = []
    work.mkdir(parents=True, exist_ok=True)
    built = work / "built.nt"
    export_nt(nt, built)
    print(f"  built graph for the servers: {built.stat().st_size / 2**20:,.0f} MB of N-Triples", flush=True)
    if shutil.which("oxigraph") or Path(sys.executable).with_name("oxigraph").exists():
        binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
        loader = work / "ox-load"
        own = timed([binary, "load", "--location", str(loader), "--file", str(built)])
        shutil.rmtree(loader, ignore_errors=True)
        base = f"`oxigraph load` {own:.1f} s"
        ways = {via: label for via, label in (("gsp", "PUT"), ("oxigraph-bulk", "--via oxigraph-bulk"),
                                              ("oxigraph-bulk+gzip", "--via oxigraph-bulk --gzip")) if via in only}
        started = {via: OxigraphServer(work / f"ox-{via}") for via in ways}
        try:
            keys = {via: f"push:{started[via].base}/store|{via}" for via in ways}
            load_into = work / "ox-push-load"
            local = [f"push:{load_into}|oxigraph-load"] if "oxigraph-load" in only else []
            after = run_stages(REPO, nt, ["derive", *keys.values(), *local])
            old: dict = {}
            old_keys = keys
            if before:  # into servers of their own again
                for server in started.values():
                    server.stop()
                started = {via: OxigraphServer(work / f"ox-before-{via}") for via in ways}
                old_keys = {via: f"push:{started[via].base}/store|{via}" for via in ways}
                old = run_stages(before, nt, ["derive", *old_keys.values()])
            for via, label in ways.items():
                rows.append((f"push into Oxigraph server ({label})", fmt(old.get(old_keys[via])),
                             versus(after.get(keys[via]), own), base))
            if local:
                rows.append(("push into the Oxigraph store folder (--via oxigraph-load)", "-",
                             versus(after.get(local[0]), own), base))
        finally:
            for server in started.values():
                server.stop()
    else:
        print("  Oxigraph server: skipped (no `oxigraph` binary; pip install oxigraph)")
    if not {"virtuoso-gsp", "virtuoso-bulk"} & set(only):
        pass
    elif shutil.which("virtuoso-t") and shutil.which("isql-vt"):
        v = Virtuoso(work / "virtuoso")
        try:
            shutil.copy(built, v.folder / "built.nt")
            t = time.perf_counter()
            v.isql(f"ld_dir('{v.folder}', 'built.nt', 'urn:bench:loader');", "rdf_loader_run();", "checkpoint;")
            own = time.perf_counter() - t
            (v.folder / "built.nt").unlink()
            url = f"dba:dba@{v.base}/sparql-graph-crud-auth"
            bulk = f"dba:dba@{v.folder}#{v.sql}"
            put = [f"push:{url}|gsp"] if "virtuoso-gsp" in only else []
            via = [f"push:{bulk}|virtuoso-bulk"] if "virtuoso-bulk" in only else []
            after = run_stages(REPO, nt, ["derive", *put, *via])
            old = run_stages(before, nt, ["derive", *put]) if before and put else {}
            base = f"`ld_dir` + `rdf_loader_run` + checkpoint {own:.1f} s (first, into the empty database)"
            if put:
                rows.append(("push into Virtuoso (PUT, Digest)", fmt(old.get(put[0])), versus(after.get(put[0]), own),
                             base))
            if via:
                rows.append(("push into Virtuoso (--via virtuoso-bulk)", "-", versus(after.get(via[0]), own), base))
        finally:
            v.stop()
    else:
        print("  Virtuoso: skipped (no virtuoso-t / isql-vt; Debian: virtuoso-opensource)")
    return rows


def fmt(r: dict | float | None) -> str:
    if r is None:
        return "-"
    if isinstance(r, int | float):
        return f"{r:.1f} s"
    if "killed" in r and "seconds" not in r:
        return f"killed at {r['killed']:.0f} s"
    cpu = f" (CPU {r['cpu']:.1f} s)" if "cpu" in r else ""
    return f"{r['seconds']:.1f} s{cpu}, {r['peak_mb']:,} MB"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--triples", default="1M,5M", help="corpus sizes, e.g. 1M,5M (rounded to whole briefs)")
    ap.add_argument("--briefs", help="corpus sizes in briefs instead, e.g. 200,920")
    ap.add_argument("--data", default=str(Path(tempfile.gettempdir()) / "r2pkg-scale"),
                    help="folder for the corpora (written once, reused)")
    ap.add_argument("--before-commit", default="", help="a commit of this repository to measure as 'before'")
    ap.add_argument("--pyshacl-timeout", type=float, default=600, help="seconds before pySHACL is killed")
    ap.add_argument("--pyshacl-max-triples", type=parse_size, default=parse_size("2M"),
                    help="largest corpus validated with --engine pyshacl in this code (default 2M)")
    ap.add_argument("--no-servers", action="store_true", help="skip the Oxigraph server and Virtuoso figures")
    ap.add_argument("--push-ways", default=",".join(PUSH_WAYS),
                    help=f"the ways of pushing to measure (default all: {','.join(PUSH_WAYS)})")
    ap.add_argument("--push-only", action="store_true",
                    help="only the push figures (each way beside the servers' own loaders): no other stage")
    ap.add_argument("--no-shell-query", action="store_true", help="skip `r2pkg query CQ01` from the shell")
    ap.add_argument("--changed-file-only", action="store_true",
                    help="only `validate` after one file changed, beside a whole `validate` of the same files")
    args = ap.parse_args()
    if not TEXT.exists():
        print(f"the brief's text is not at {TEXT}", file=sys.stderr)
        return 2
    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True)
    sizes = ([int(b) for b in args.briefs.split(",")] if args.briefs
             else [max(1, round(parse_size(s) / TRIPLES_PER_BRIEF)) for s in args.triples.split(",")])
    load = os.getloadavg()
    print(f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; sizes {sizes} briefs", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        before = None
        if args.before_commit:
            before = Path(tmp, "before")
            before.mkdir()
            archive = subprocess.run(["git", "-C", str(REPO), "archive", args.before_commit], check=True,
                                     capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", str(before)], input=archive, check=True)
        for briefs in sizes:
            if args.changed_file_only:  # validate after one file changed, alone
                print(f"\n== {briefs} briefs, one file each ==\n| stage | before | after | baseline, same run |\n"
                      "|---|---|---|---|")
                for row in changed_file_rows(briefs, data):
                    print("| " + " | ".join(row) + " |", flush=True)
                continue
            nt = corpus(briefs, data)
            print(f"\n== {briefs} briefs ({nt.name}) ==", flush=True)
            if args.push_only:
                print("| stage | before | after | baseline, same run |\n|---|---|---|---|")
                for row in servers(nt, Path(tmp, f"servers-{briefs}"), before, tuple(args.push_ways.split(","))):
                    print("| " + " | ".join(row) + " |", flush=True)
                continue
            from graph.resources import ontology_file

            bare = subprocess.run([sys.executable, "-c", BARE_LOAD, str(ontology_file()), str(nt)], check=True,
                                  capture_output=True, text=True).stdout.split()
            stages = ["derive", "quotes", "queries", "validate"]
            # pySHACL in this code (the reference engine) up to --pyshacl-max-triples; the older code's validation
            # is pySHACL too, run at every size (killed after --pyshacl-timeout).
            reference = briefs * TRIPLES_PER_BRIEF <= args.pyshacl_max_triples
            if not reference:
                print(f"  validate with --engine pyshacl: skipped above {args.pyshacl_max_triples:,} triples "
                      "(the older code's pySHACL validation stands for it)", flush=True)
            after = run_stages(REPO, nt, stages + (["validate-pyshacl"] if reference else []), "validate-pyshacl",
                               args.pyshacl_timeout)
            print(f"  after: {sorted(after)}", flush=True)
            old = run_stages(before, nt, [*stages, "validate-pyshacl"], "validate-pyshacl",
                             args.pyshacl_timeout) if before else {}
            print(f"  before: {sorted(old)}", flush=True)
            query_file = Path(tmp, "CQ01.rq")
            from graph.queries import get_query

            query_file.write_text(get_query("CQ01").sparql, encoding="utf-8")
            shell = shell_before = None
            bare_query = 0.0
            if not args.no_shell_query:
                bare_query = timed([sys.executable, "-c", BARE_QUERY, str(query_file), str(ontology_file()), str(nt)])
                shell = shell_query(REPO, nt, Path(tmp, f"cache-after-{briefs}"))
                shell_before = shell_query(before, nt, Path(tmp, f"cache-before-{briefs}")) if before else None
            rows: list[tuple[str, str, str, str]] = []

            def q(r: dict, qid: str) -> str:
                return f"{r['queries']['queries'][qid][0]:.1f} s" if r and "queries" in r else "-"

            def slowest(r: dict) -> str:
                if not r or "queries" not in r:
                    return "-"
                qid, (sec, _) = max(r["queries"]["queries"].items(), key=lambda kv: kv[1][0])
                return f"{qid} {sec:.1f} s"

            triples = after.get("load", {}).get("triples", 0)
            rows.append(("load", fmt(old.get("load")), fmt(after.get("load")),
                         f"bare bulk_load {float(bare[0]):.1f} s"))
            rows.append(("derive", fmt(old.get("derive")), fmt(after.get("derive")),
                         f"{after['derive']['seconds'] / after['load']['seconds']:.1f}x the load"
                         if "derive" in after else "-"))
            if shell:
                rows.append(("`r2pkg query CQ01` from the shell, cold / warm",
                             f"{shell_before[0]:.1f} s / {shell_before[1]:.1f} s" if shell_before else "-",
                             f"{shell[0]:.1f} s / {shell[1]:.1f} s", f"bare pyoxigraph script {bare_query:.1f} s"))
            rows.append(("CQ13 (UN Framework)", q(old, "CQ13"), q(after, "CQ13"), "-"))
            rows.append(("slowest named query", slowest(old), slowest(after), "target 5 s"))
            rows.append(("quote and paragraph checks", fmt(old.get("quotes")), fmt(after.get("quotes")), "-"))
            rows.append(("`validate`, SPARQL engine", "-", fmt(after.get("validate")), "target 60 s (1M), 300 s (5M)"))
            rows.append(("`validate`, pySHACL", fmt(old.get("validate-pyshacl")),
                         fmt(after.get("validate-pyshacl")), f"killed after {args.pyshacl_timeout:.0f} s"))
            rows += changed_file_rows(briefs, data)  # validate after one file changed
            if not args.no_servers:
                rows += servers(nt, Path(tmp, f"servers-{briefs}"), before, tuple(args.push_ways.split(",")))
            reference = next((r["validate-pyshacl"]["findings"] for r in (after, old)
                              if "findings" in r.get("validate-pyshacl", {})), None)
            print(f"{triples:,} triples (ontology + corpus); validate findings: SPARQL engine "
                  f"{after.get('validate', {}).get('findings')}, pySHACL {reference}")
            print("| stage | before | after | baseline, same run |\n|---|---|---|---|")
            for row in rows:
                print("| " + " | ".join(row) + " |", flush=True)
    load = os.getloadavg()
    print(f"\nload average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
