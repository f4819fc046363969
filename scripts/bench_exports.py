"""Benchmark: every export format of the brief against the Turtle export, in one run.

    python scripts/bench_exports.py              # median of 5 runs each
    python scripts/bench_exports.py --repeat 9

The machine is shared and noisy, so the figure that matters is each format's
time over the Turtle export's, measured alternately in the same run on the
same loaded and derived graph. Each export is written to a temporary folder
through `graph.exporting.write_export`, as `r2pkg export -o` writes it (the
graph read, the writer, the atomic write).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.api import derive  # noqa: E402
from graph.exporting import export_formats, write_export  # noqa: E402
from graph.project import read_project  # noqa: E402
from graph.store import load_graph  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    project = read_project(Path(__file__).resolve().parent.parent / "r2pkg.toml")
    kg = load_graph(project=project)
    derive(kg, project=project)
    out = Path(tempfile.mkdtemp(prefix="r2pkg-bench-exports-"))
    times: dict[str, list[float]] = {}

    def timed(name: str, path: Path) -> None:
        started = time.perf_counter()
        write_export(kg, name, path, sources=project.sources)
        times.setdefault(name, []).append(time.perf_counter() - started)

    fmts = export_formats()
    for _ in range(args.repeat):
        for f in fmts:  # Turtle before each format, so both see the same state of the machine
            timed("turtle", out / "baseline.ttl")
            timed(f.name, out / f"x-{f.name}{'.zip' if f.is_bundle else f.extension}")
    base = statistics.median(times["turtle"])
    print(f"{len(kg):,} triples; median of {args.repeat} runs; Turtle export {base * 1000:.0f} ms")
    print(f"{'format':<20}{'ms':>8}{'x Turtle':>10}{'size':>12}")
    for f in fmts:
        t = statistics.median(times[f.name])
        path = out / f"x-{f.name}{'.zip' if f.is_bundle else f.extension}"
        size = sum(p.stat().st_size for p in path.rglob("*")) if path.is_dir() else path.stat().st_size
        print(f"{f.name:<20}{t * 1000:>8.0f}{t / base:>10.2f}{size:>12,}")


if __name__ == "__main__":
    main()
