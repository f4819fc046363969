"""The library API: what every `r2pkg` command calls, for notebooks and scripts too.

    import graph
    kg = graph.load_graph()                 # asserted triples of the project you stand in
    report = graph.validate(kg)             # shapes, QC, quotes (the project's source text)
    graph.derive(kg)                        # shortcut rules and pathways, into the derived graph
    rows = graph.run_query(kg, name="CQ02").records()
    graph.export(kg, "trig", "build/graph.trig")
    summary = graph.build()                 # the whole main job, as `r2pkg build`

Data flows one way: load, validate, derive, then query, render, serve.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.derive_options import derive_options
from graph.documents import Texts
from graph.documents import project_texts as read_project_texts
from graph.errors import InputError
from graph.findings import Report
from graph.output import make_output_dir
from graph.project import Project, current_project
from graph.queries import run_query
from graph.source_text import SourceText
from graph.store import KnowledgeGraph, load_graph

Progress = Callable[[str], None]


def project_texts(project: Project, source_text: str | Path | None = None, kg: KnowledgeGraph | None = None) -> Texts:
    """The project's source texts by document (`source_text` replaces the first one's), and why any is missing.

    A text the project names but that is not there is not an error: the report and the
    summary say that those quotes were not checked, and where to get the text (from `kg`).
    """
    return read_project_texts(project, source_text, kg)


def project_source(project: Project, source_text: str | Path | None = None) -> SourceText | None:
    """The first document's text (read by its layout): the one given, else the project's (None when absent)."""
    return project_texts(project, source_text).primary()


def validate(kg: KnowledgeGraph, source: SourceText | Texts | None = None, *, shapes: str | Path | None = None,
             project: Project | None = None, engine: str = "sparql", findings_cache: Path | None = None) -> Report:
    """Shapes, QC queries, verbatim quotes and hedges, and the project's tours, on the asserted triples only.

    `shapes` defaults to the project's shapes, `source` to the project's texts; the report's
    `unchecked` names the documents whose quotes could not be checked (their text is missing).
    `engine` evaluates the shapes: "sparql" (on the store) or "pyshacl" (the reference). With `findings_cache`
    (a folder) the SHACL findings of the files unchanged since the last run there are reused.
    """
    from graph.validation import validate as run_validation

    project = project or current_project()
    if source is None:
        source = project_texts(project, kg=kg)
    return run_validation(kg, source, Path(shapes) if shapes else project.shapes, project.tours, project=project,
                          engine=engine, findings_cache=findings_cache)


def derive(kg: KnowledgeGraph, *, project: Project | None = None, **options: Any):
    """Replace the derived graph (shortcut rules, pathways) with the project's derivation options.

    Keyword options (max_steps, ...) override those of the project's [derive] table.
    """
    from graph.deriving import derive as run_derivation

    project = project or current_project()
    return run_derivation(kg, project=project, **derive_options(project, **options))


def pathway_report(kg: KnowledgeGraph, *, project: Project | None = None, **options: Any):
    """The prevention pathway report of a loaded graph (not written into it)."""
    from graph.pathways import derive_pathways

    project = project or current_project()
    return derive_pathways(kg, **derive_options(project, **options))


def export(kg: KnowledgeGraph, fmt: str = "turtle", path: str | Path | None = None, *,
           document: str | None = None, project: Project | None = None) -> str | Path:
    """The graph in a registered export format (`r2pkg export --help` lists them): its text, or written
    atomically to `path` when one is given (a format of several files needs a path: a folder or a .zip).

    `document` (a slug) limits the export to one document; the project's source texts give the
    annotations their text positions.
    """
    from graph.exporting import export_graph, write_export

    texts = project_texts(project or current_project(), kg=kg)
    if path is not None:
        return write_export(kg, fmt, path, document, texts)
    return export_graph(kg, fmt, document, texts)


@dataclass
class BuildSummary:
    """What `build` did: the figures `r2pkg build` prints."""

    project: str
    files: int
    triples: int
    findings: dict[str, int]
    ok: bool
    output: Path
    unchecked: str = ""  # why quotes were not checked ('' when they all were)
    derived: dict[str, int] = field(default_factory=dict)
    derived_triples: int = 0
    views: int = 0
    written: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    engine: str = ""  # the SHACL engine that ran

    @property
    def index(self) -> Path:
        return self.output / "index.html"

    def lines(self) -> list[str]:
        from graph.validation import engine_line

        f = self.findings
        out = [f"{self.project}: {self.files} files, {self.triples:,} triples loaded",
               f"validation: {f['ERROR']} errors, {f['WARNING']} warnings, {f['INFO']} notes"
               + (f"; {self.unchecked}" if self.unchecked else "") + (f" ({engine_line(self.engine)})"
                                                                       if self.engine else "")]
        if not self.written:
            return out
        out.append(f"derived: {self.derived_triples:,} triples" + _derived_text(self.derived))
        out.append(f"wrote {self.views} views and {len(self.written) - self.views} other files to {self.output}"
                   f" in {self.seconds:.1f} s")
        return out


def _derived_text(counts: dict[str, int]) -> str:
    """'; 24 pathways (15 direct, 9 restores), 0 contested, 21 gaps, ...' from the derivation's counts."""
    forms = ", ".join(f"{v} {k.removeprefix('pathways ')}" for k, v in counts.items() if k.startswith("pathways "))
    parts = [f"{counts['pathways']} pathways" + (f" ({forms})" if forms else "")] if "pathways" in counts else []
    parts += [f"{counts[k]} {k}" for k in ("contested", "gaps", "requirements", "bundles") if k in counts]
    return "; " + ", ".join(parts) if parts else ""


STAGES = ("load", "validate", "derive", "render")  # what `progress` is told, in order


def build(project: Project | None = None, *, inputs: list[str | Path] | None = None,
          shapes: str | Path | None = None, source_text: str | Path | None = None,
          output: str | Path | None = None, force: bool = False,
          progress: Progress | None = None, engine: str = "sparql", **derive_options: Any) -> BuildSummary:
    """The main job: load, validate, derive, render every view, export the graph, write the index.

    When validation reports errors nothing is written (unless `force`), and the
    summary says so with ok=False. The site is written into a staging folder
    next to the output folder and moved into place file by file, index last,
    so the output folder never holds a half-written file.
    """
    started = time.perf_counter()
    step = progress or (lambda stage: None)
    project = project or current_project()
    step("load")
    kg = load_graph(inputs) if inputs else load_graph(project=project)
    step("validate")
    texts = project_texts(project, source_text, kg)
    report = validate(kg, texts, shapes=shapes, project=project, engine=engine)
    out = Path(output) if output else project.output
    summary = BuildSummary(project.describe(), len(kg.files), len(kg), report.counts(), report.ok, out,
                           unchecked=report.unchecked_line(), engine=engine)
    if not report.ok and not force:
        return summary
    make_output_dir(out)
    step("derive")
    derivation = derive(kg, project=project, **derive_options)
    summary.derived, summary.derived_triples = derivation.counts(), derivation.triples
    c = report.counts()
    note = f"Validation: {c['ERROR']} errors, {c['WARNING']} warnings, {c['INFO']} notes."
    if report.unchecked:
        note += " " + report.unchecked_line()[0].upper() + report.unchecked_line()[1:] + "."
    with build_staging(out) as staging:
        step("render")
        from graph.ontodoc import write_ontology_site
        from graph.ontology_release import cache_root_for
        from graph.render import build_site

        # The ontology page and release first: the index links what is already in the folder. Both are reused
        # from the project's cache while the ontology is unchanged.
        write_ontology_site(staging, project.ontology[0], cache_root=cache_root_for(project))
        build_site(kg, staging, notes=[note + ("" if report.ok else " Built with --force.")],
                   source=texts.primary(), tours_dir=project.tours, sources=texts)
        kg.check_unchanged()  # an input edited during the build: replace nothing with a site of neither version
        summary.written = _move_into(staging, out, [p for p in staging.rglob("*") if p.is_file()])
    summary.views = sum(1 for p in summary.written if p.suffix == ".html" and p.parent == out
                        and p.name not in ("index.html", "ontology.html") and not p.name.startswith("reading"))
    summary.seconds = time.perf_counter() - started
    return summary


STAGING_PREFIX = ".r2pkg-build-"


@contextlib.contextmanager
def build_staging(out: Path) -> Iterator[Path]:
    """A private staging folder in `out`, locked (flock) for as long as this build runs, removed after.

    A build killed outright (SIGKILL, power loss) cannot remove its folder, but the kernel
    drops its lock: the next build removes every staging folder whose lock it can take,
    and leaves alone those of builds still running.
    """
    remove_dead_staging(out)
    while True:
        folder = Path(tempfile.mkdtemp(dir=out, prefix=STAGING_PREFIX))
        try:
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        except FileNotFoundError:  # another build took it for a dead one in the instant before our lock
            continue
        _lock(fd, wait=True)
        if _same_folder(fd, folder):
            break
        os.close(fd)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        os.close(fd)


def remove_dead_staging(out: Path) -> list[Path]:
    """Remove the staging folders in `out` of builds that are no longer running; the folders removed."""
    removed = []
    for folder in out.glob(STAGING_PREFIX + "*"):
        try:
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        except OSError:
            continue  # gone already, or not a folder
        try:
            if _lock(fd, wait=False) and _same_folder(fd, folder):
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
        finally:
            os.close(fd)  # releases the lock
    return removed


def _lock(fd: int, *, wait: bool) -> bool:
    """An exclusive lock on an open folder; False when another process holds it (and wait is False)."""
    try:
        import fcntl
    except ImportError:  # no flock (Windows): never take another build's folder for a dead one
        return wait
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def _same_folder(fd: int, path: Path) -> bool:
    """True if `path` still names the folder open as `fd` (not removed, not replaced, meanwhile)."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    held = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (held.st_dev, held.st_ino)


def _move_into(staging: Path, out: Path, files: list[Path]) -> list[Path]:
    """Move the staged files into `out` (index.html last); each rename is atomic."""
    ordered = sorted(files, key=lambda p: (p.name == "index.html", str(p)))
    moved = []
    for f in ordered:
        target = out / f.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(f, target)
        except OSError as e:
            raise InputError(f"cannot write: {e.strerror}", target) from None
        moved.append(target)
    return moved


__all__ = ["BuildSummary", "build", "derive", "export", "load_graph", "pathway_report", "run_query",
           "validate", "project_source", "project_texts"]
