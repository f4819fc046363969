"""The project you stand in: a folder with an r2pkg.toml names its ontology, shapes, data and source texts.

Like dbt_project.yml or mkdocs.yml: commands run in a project folder or below
it use that project's files, never the installed copy; outside any project
they use the brief packaged with r2pkg. Paths in the file are relative to it.

    [project]
    name = "my-corpus"
    data = ["data"]            # every .ttl below these folders
    output = "build"
    # ontology, shapes: the packaged ones unless named here
    # queries, qc, rules, tours: the project's own folders (default: those folders, if present)
    # packaged = ["queries", "qc", "rules"]   # the packaged extensions to keep (default: all three)

    [sources.workshop-note]    # document slug (r2pr:<slug>)
    text = "sources/workshop-note.md"      # or a list: the first that exists is read
    layout = "sources/workshop-note.layout.toml"

    [derive]
    max_steps = 4

    [publish]
    site = "https://example.net/my-corpus"   # where the build output is published (w3id rules point there)

The short form `slug = "path"` names a text with no layout file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import InputError
from graph.resources import ontology_file, project_dir, shapes_file

PROJECT_FILE = "r2pkg.toml"
EXTENSIONS = ("queries", "qc", "rules")  # packaged SPARQL folders a project may add to or switch off
_KNOWN = {
    "project": {"name", "ontology", "shapes", "data", "output", "tours", "queries", "qc", "rules", "packaged"},
    "sources": None,  # any slug
    "derive": {"max_steps", "include_hypothetical"},
    "publish": {"site"},
}
_SOURCE_KEYS = {"text", "layout"}


@dataclass(frozen=True)
class DocumentSource:
    """Where a document's text may be (the first candidate that exists is read) and its layout file."""

    slug: str
    candidates: tuple[Path, ...]
    layout: Path | None = None

    def path(self) -> Path | None:
        """The text to read: the first candidate that is a file, else None."""
        return next((p for p in self.candidates if p.is_file()), None)

    def where(self) -> str:
        return " or ".join(str(p) for p in self.candidates)


@dataclass(frozen=True)
class Project:
    """Where a project's files are; `root` is the folder of its r2pkg.toml (or the packaged copy)."""

    root: Path
    name: str
    ontology: tuple[Path, ...]
    shapes: Path
    data: tuple[Path, ...]
    output: Path
    tours: Path | None = None
    sources: dict[str, DocumentSource] = field(default_factory=dict)
    derive_options: dict[str, object] = field(default_factory=dict)
    config: Path | None = None  # the r2pkg.toml, None for the packaged brief
    queries: Path | None = None  # the project's own named queries, QC checks and rules (folders)
    qc: Path | None = None
    rules: Path | None = None
    packaged_extensions: frozenset[str] = frozenset(EXTENSIONS)
    publish_site: str | None = None  # where the output folder is published ([publish] site), if anywhere yet

    @property
    def packaged(self) -> bool:
        return self.config is None

    def inputs(self) -> list[Path]:
        """The ontology files and the data folders, in load order."""
        return [*self.ontology, *self.data]

    def describe(self) -> str:
        """Which project this is, for the first line a command prints."""
        return f"project {self.name} ({self.config})" if self.config else f"the packaged brief ({self.root})"

    def source_path(self) -> Path | None:
        """The text of the first listed document, if it is there."""
        first = next(iter(self.sources.values()), None)
        return first.path() if first else None

    def extension_dirs(self, kind: str) -> tuple[Path, ...]:
        """The folders SPARQL files of one kind (queries, qc, rules) are read from: packaged first, then own."""
        from graph.resources import package_queries_dir

        packaged = package_queries_dir("cq" if kind == "queries" else kind)
        own = getattr(self, kind)
        return tuple(d for d in ((packaged if kind in self.packaged_extensions else None), own)
                     if d is not None and d.is_dir())


def extensions_line(project: Project) -> str:
    """'own extensions: 1 named query (queries/), 2 QC checks (qc/); packaged rules off', '' when there are none."""
    own = []
    for kind, one, many in (("queries", "named query", "named queries"), ("qc", "QC check", "QC checks"),
                            ("rules", "rule", "rules")):
        folder = getattr(project, kind)
        n = len(list(folder.glob("*.rq"))) if folder is not None and folder.is_dir() else 0
        if n:
            own.append(f"{n} {one if n == 1 else many} ({folder.name}/)")
    off = [k for k in EXTENSIONS if k not in project.packaged_extensions]
    parts = (["own extensions: " + ", ".join(own)] if own else []) + ([f"packaged {', '.join(off)} off"] if off else [])
    return "; ".join(parts)


def _paths(root: Path, value: object, key: str, config: Path) -> tuple[Path, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        raise InputError(f"{key} must be a path or a list of paths", config)
    return tuple((root / v).resolve() for v in items)


def _source(root: Path, slug: str, value: object, config: Path) -> DocumentSource:
    if isinstance(value, dict):
        unknown = sorted(set(value) - _SOURCE_KEYS)
        if unknown:
            raise InputError(f"unknown key {unknown[0]!r} in [sources.{slug}] (known: text, layout)", config)
        if "text" not in value:
            raise InputError(f"[sources.{slug}] needs text = \"PATH\"", config)
        layout = _paths(root, value["layout"], f"sources.{slug}.layout", config)[0] if "layout" in value else None
        return DocumentSource(slug, _paths(root, value["text"], f"sources.{slug}.text", config), layout)
    return DocumentSource(slug, _paths(root, value, f"sources.{slug}", config))


def _own_dir(root: Path, p: dict, key: str, config: Path) -> Path | None:
    """A folder the project names, else the folder of that name beside r2pkg.toml (when it exists)."""
    if key in p:
        return _paths(root, p[key], key, config)[0]
    default = root / key
    return default if default.is_dir() else None


def read_project(config: Path) -> Project:
    """Parse an r2pkg.toml; an unknown key, a wrong type or a missing file is one clear error."""
    try:
        doc = tomllib.loads(config.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"TOML syntax error: {e}", config) from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", config) from None
    for table, value in doc.items():
        if table not in _KNOWN or not isinstance(value, dict):
            raise InputError(f"unknown table [{table}] (known: {', '.join(_KNOWN)})", config)
        known = _KNOWN[table]
        unknown = sorted(set(value) - known) if known is not None else []
        if unknown:
            raise InputError(f"unknown key {unknown[0]!r} in [{table}] (known: {', '.join(sorted(known or ()))})",
                             config)
    root = config.parent.resolve()
    p = doc.get("project", {})
    # The packaged ontology and shapes unless the project names its own.
    ontology = _paths(root, p["ontology"], "ontology", config) if "ontology" in p else (ontology_file(),)
    shapes = _paths(root, p["shapes"], "shapes", config)[0] if "shapes" in p else shapes_file()
    data = _paths(root, p.get("data", ["data"]), "data", config)
    for path in (*ontology, shapes, *data):
        if not path.exists():
            raise InputError(f"names {path}, which does not exist", config)
    sources = {slug: _source(root, slug, value, config) for slug, value in doc.get("sources", {}).items()}
    packaged = p.get("packaged", list(EXTENSIONS))
    if not isinstance(packaged, list) or not set(packaged) <= set(EXTENSIONS):
        raise InputError(f"packaged must be a list of {', '.join(EXTENSIONS)}", config)
    return Project(
        root=root,
        name=str(p.get("name", root.name)),
        ontology=ontology,
        shapes=shapes,
        data=data,
        output=_paths(root, p.get("output", "build"), "output", config)[0],
        # A project's tours are its own: none of the brief's unless it names them.
        tours=_paths(root, p.get("tours", "tours"), "tours", config)[0],
        sources=sources,
        derive_options=dict(doc.get("derive", {})),
        config=config,
        queries=_own_dir(root, p, "queries", config),
        qc=_own_dir(root, p, "qc", config),
        rules=_own_dir(root, p, "rules", config),
        packaged_extensions=frozenset(packaged),
        publish_site=_publish_site(doc.get("publish", {}), config),
    )


def _publish_site(publish: dict, config: Path) -> str | None:
    if "site" not in publish:
        return None
    from graph.w3id import check_site

    try:
        return check_site(publish["site"])
    except InputError as e:
        raise InputError(e.message, config) from None


def find_project_file(start: Path | None = None) -> Path | None:
    """The nearest r2pkg.toml in `start` (default: the working folder) or a folder above it."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / PROJECT_FILE
        if candidate.is_file():
            return candidate
    return None


def packaged_project() -> Project:
    """The brief that ships inside r2pkg, with its text's layout but no text (it is not redistributed): a text
    given with --source-text is read by that layout, as a project reads its own."""
    root = project_dir()
    layout = root / "sources" / "brief-2013.layout.toml"
    return Project(
        root=root,
        name="brief-2013 (packaged)",
        ontology=(root / "ontology" / "r2p.ttl",),
        shapes=root / "ontology" / "shapes.ttl",
        data=(root / "data",),
        output=Path("build"),
        tours=(root / "data" / "tours") if (root / "data" / "tours").is_dir() else None,
        sources={"brief-2013": DocumentSource("brief-2013", (), layout)} if layout.is_file() else {},
    )


def current_project(start: Path | None = None) -> Project:
    """The project the working folder is in, else the packaged brief."""
    config = find_project_file(start)
    return read_project(config) if config else packaged_project()
