"""Benchmark: the main job and a named query from the shell, each beside its bare baseline, in one run.

    python scripts/bench_main.py              # 5 rounds each
    python scripts/bench_main.py --repeat 9

Two ratios, each the median over rounds that run the command and its baseline
alternately (the machine is shared and noisy, so only same-run ratios count):

- `r2pkg build` of the project over a bare pySHACL validation of the same files
  with the same shapes, twice: a rebuild (caches written by an earlier build of
  the same files: the persistent store, placed views, the ontology page) and a
  first build (every round with an empty cache folder) (a fresh Python process that parses the files with rdflib
  and calls `pyshacl.validate`, as validation does; the shapes are the project's
  file plus those its ontology implies, written out beforehand as validation
  writes them). Target: at most 2x.
- `r2pkg query CQ01` from the shell (its persistent store already written, and
  its query host started, by a first run: graph/query_host.py) over a bare
  pyoxigraph script in a fresh Python process that parses the same files and runs
  the same query text. Target: at most 2x. Beside it, the start of the interpreter
  and the import of click alone, in the same rounds: the part of a command-line
  query that no change inside r2pkg removes. Then the same query with no host
  (R2PKG_QUERY_HOST=0), as the first query from a folder runs: the target is not
  set for it, the figure says what the host saves.

Run it from the project folder (the repository is one).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph import query_host  # noqa: E402
from graph.project import current_project  # noqa: E402
from graph.queries import get_query  # noqa: E402
from graph.store import expand_inputs  # noqa: E402

BARE_SHACL = """
import sys, pyshacl, rdflib
data = rdflib.Graph()
for f in sys.argv[2:]:
    data.parse(f, format="turtle")
shapes = rdflib.Graph().parse(sys.argv[1], format="turtle")
conforms, _, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", inplace=True)
print(conforms)
"""

BARE_QUERY = """
import sys, pyoxigraph as ox
store = ox.Store()
for f in sys.argv[2:]:
    store.bulk_load(path=f, format=ox.RdfFormat.TURTLE)
text = open(sys.argv[1], encoding="utf-8").read()
for row in store.query(text, use_default_graph_as_union=True):
    print(*(t.value if t is not None else "" for t in row), sep="\\t")
"""


# Both sides run as an installed program does: with Python's bytecode cache (some machines set
# PYTHONDONTWRITEBYTECODE, which would make every run of ours compile the package again).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str], env: dict[str, str] | None = None) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**ENV, **(env or {})})
    return time.perf_counter() - t0


def compare(name: str, ours: list[str], bare: list[str], repeat: int, target: float | None,
            before: Callable[[], None] = lambda: None, floors: dict[str, list[str]] | None = None,
            env: dict[str, str] | None = None) -> float:
    """``before`` runs ahead of each timed run of ours (untimed), ``env`` is added to its environment;
    ``floors`` are commands timed in the same rounds and printed against the baseline (what part of ours no
    change to r2pkg can remove). No ``target``: the ratio is printed for what it says, not judged."""
    a, b = [], []
    f: dict[str, list[float]] = {label: [] for label in floors or {}}
    for _ in range(repeat):
        before()
        a.append(timed(ours, env))
        b.append(timed(bare))
        for label, cmd in (floors or {}).items():
            f[label].append(timed(cmd))
    ma, mb = statistics.median(a), statistics.median(b)
    ratio = ma / mb
    verdict = "" if target is None else f"   (target <= {target:g}x: {'met' if ratio <= target else 'NOT met'})"
    print(f"{name:<30} {ma:7.3f} s   baseline {mb:6.3f} s   ratio {ratio:4.1f}x{verdict}")
    for label, times in f.items():
        mf = statistics.median(times)
        print(f"  floor: {label:<40} {mf:5.3f} s = {mf / mb:4.2f}x the baseline")
    return ratio


def same_shapes(project, files: list[str], out: Path) -> Path:
    """The shapes validation runs: the project's file plus the shapes its ontology implies (where the
    installed version generates them)."""
    import rdflib

    shapes = rdflib.Graph().parse(project.shapes, format="turtle")
    try:
        from graph.axiom_shapes import axiom_shapes
    except ImportError:  # an older version: every shape is in the file
        return Path(project.shapes)
    data = rdflib.Graph()
    for f in files:
        data.parse(f, format="turtle")
    (shapes + axiom_shapes(data)).serialize(out, format="turtle")
    return out


def wait_for_host(seconds: float = 10) -> None:
    """Until the query host the first run started answers (it imports and binds in about 0.2 s)."""
    end = time.monotonic() + seconds
    while query_host.host_pid() is None:
        if time.monotonic() > end:
            raise SystemExit("the query host did not start: is R2PKG_QUERY_HOST 0, or this not Linux?")
        time.sleep(0.05)


def stop_host() -> None:
    pid = query_host.host_pid()
    if pid is not None:
        os.kill(pid, signal.SIGTERM)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--only", choices=("query", "build"), help="run one of the two comparisons")
    args = ap.parse_args()
    project = current_project()
    files = [str(f) for f in expand_inputs(project.inputs())]
    r2pkg = [str(Path(sys.executable).with_name("r2pkg"))]
    load = os.getloadavg()
    print(f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load {load[0]:.2f} {load[1]:.2f}; {len(files)} files; median of {args.repeat} alternating rounds")
    with tempfile.TemporaryDirectory() as tmp:
        query_file = Path(tmp, "CQ01.rq")
        query_file.write_text(get_query("CQ01").sparql, encoding="utf-8")
        shacl_script, query_script = Path(tmp, "shacl.py"), Path(tmp, "query.py")
        shacl_script.write_text(BARE_SHACL, encoding="utf-8")
        query_script.write_text(BARE_QUERY, encoding="utf-8")
        env_cache = Path(tmp, "cache")
        ENV["R2PKG_CACHE_DIR"] = os.environ["R2PKG_CACHE_DIR"] = str(env_cache)  # ours, and query_host's here
        ENV.pop("R2PKG_QUERY_HOST", None)  # the default: a host is started
        timed(r2pkg + ["query", "CQ01"])  # writes the persistent store (and the bytecode) once, starts the host
        try:
            if args.only != "build":
                bare_query = [sys.executable, str(query_script), str(query_file), *files]
                wait_for_host()
                compare("r2pkg query CQ01", r2pkg + ["query", "CQ01"], bare_query, args.repeat, 2,
                        floors={"python -c 'import click' (the CLI library)": [sys.executable, "-c", "import click"],
                                "python -c 'pass' (the interpreter)": [sys.executable, "-c", "pass"]})
                compare("  the same with no host", r2pkg + ["query", "CQ01"], bare_query, args.repeat, None,
                        env={"R2PKG_QUERY_HOST": "0"})
        finally:
            stop_host()
        if args.only == "query":
            return 0
        build = r2pkg + ["build", "--quiet", "-o", str(Path(tmp, "site"))]
        bare_shacl = [sys.executable, str(shacl_script), str(same_shapes(project, files, Path(tmp, "shapes.ttl"))),
                      *files]
        timed(build)  # the caches a rebuild finds
        compare("r2pkg build (rebuild)", build, bare_shacl, args.repeat, 2)
        compare("r2pkg build (first build)", build, bare_shacl, args.repeat, 2,
                before=lambda: shutil.rmtree(env_cache, ignore_errors=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
