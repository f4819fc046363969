"""The project you stand in: a folder with an r2pkg.toml names its ontology, shapes, data and source texts.

Like dbt_project.yml or mkdocs.yml: commands run in a project folder or below
it use that project's files, never the installed copy; outside any project
they use the brief packaged with r2pkg. Paths in the file are relative to it.

    [project]
    name = "brief-2013"
    ontology = ["ontology/r2p.ttl"]
    shapes = "ontology/shapes.ttl"
    data = ["data"]
    output = "build"

    [sources]          # document slug (r2pr:<slug>) = its plain text
    brief-2013 = "../shared/sources/preventing-mass-atrocities-2013.txt"

    [derive]
    max_steps = 4
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import InputError
from graph.resources import project_dir

PROJECT_FILE = "r2pkg.toml"
_KNOWN = {
    "project": {"name", "ontology", "shapes", "data", "output", "tours"},
    "sources": None,  # any slug
    "derive": {"max_steps", "include_hypothetical"},
}


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
    sources: dict[str, Path] = field(default_factory=dict)
    derive_options: dict[str, object] = field(default_factory=dict)
    config: Path | None = None  # the r2pkg.toml, None for the packaged brief

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
        """The one source text the checks read (the first listed), if any is given."""
        return next(iter(self.sources.values()), None)


def _paths(root: Path, value: object, key: str, config: Path) -> tuple[Path, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        raise InputError(f"{key} must be a path or a list of paths", config)
    return tuple((root / v).resolve() for v in items)


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
            raise InputError(f"unknown key {unknown[0]!r} in [{table}] (known: {', '.join(sorted(known))})", config)
    root = config.parent.resolve()
    p = doc.get("project", {})
    ontology = _paths(root, p.get("ontology", ["ontology/r2p.ttl"]), "ontology", config)
    (shapes,) = _paths(root, p.get("shapes", "ontology/shapes.ttl"), "shapes", config)
    data = _paths(root, p.get("data", ["data"]), "data", config)
    for path in (*ontology, shapes, *data):
        if not path.exists():
            raise InputError(f"names {path}, which does not exist", config)
    sources = {}
    for slug, value in doc.get("sources", {}).items():
        (sources[slug],) = _paths(root, value, f"sources.{slug}", config)
    tours = p.get("tours")
    return Project(
        root=root,
        name=str(p.get("name", root.name)),
        ontology=ontology,
        shapes=shapes,
        data=data,
        output=_paths(root, p.get("output", "build"), "output", config)[0],
        tours=_paths(root, tours, "tours", config)[0] if tours else None,
        sources=sources,
        derive_options=dict(doc.get("derive", {})),
        config=config,
    )


def find_project_file(start: Path | None = None) -> Path | None:
    """The nearest r2pkg.toml in `start` (default: the working folder) or a folder above it."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / PROJECT_FILE
        if candidate.is_file():
            return candidate
    return None


def packaged_project() -> Project:
    """The brief that ships inside r2pkg (no source text: it is not packaged)."""
    root = project_dir()
    return Project(
        root=root,
        name="brief-2013 (packaged)",
        ontology=(root / "ontology" / "r2p.ttl",),
        shapes=root / "ontology" / "shapes.ttl",
        data=(root / "data",),
        output=Path("build"),
        tours=(root / "data" / "tours") if (root / "data" / "tours").is_dir() else None,
    )


def current_project(start: Path | None = None) -> Project:
    """The project the working folder is in, else the packaged brief."""
    config = find_project_file(start)
    return read_project(config) if config else packaged_project()
