"""Where the ontology, shapes, data and queries live: in the source tree or in the installed wheel.

The wheel ships ontology/ and data/ under graph/_resources/ (see pyproject.toml);
a source checkout or an editable install finds them at the repository root.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def project_dir() -> Path:
    """The folder that holds ontology/ and data/."""
    bundled = PACKAGE_DIR / "_resources"
    if (bundled / "ontology").is_dir():
        return bundled
    return PACKAGE_DIR.parent


def ontology_dir() -> Path:
    return project_dir() / "ontology"


def data_dir() -> Path:
    return project_dir() / "data"


def ontology_file() -> Path:
    return ontology_dir() / "r2p.ttl"


def shapes_file() -> Path:
    return ontology_dir() / "shapes.ttl"


def package_queries_dir(kind: str) -> Path:
    """SPARQL files shipped inside the package: qc/, rules/, cq/."""
    return PACKAGE_DIR / "sparql" / kind
