from __future__ import annotations

from pathlib import Path

import pytest

from graph.resources import ontology_file
from graph.source_text import read_source

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURES = TESTS / "fixtures"
SOURCE_TEXT = REPO.parent / "shared" / "sources" / "preventing-mass-atrocities-2013.txt"


@pytest.fixture(scope="session")
def source_text():
    if not SOURCE_TEXT.exists():
        pytest.skip(f"the brief's text is not at {SOURCE_TEXT}")
    return read_source(SOURCE_TEXT)


@pytest.fixture(scope="session")
def repo_project():
    """The repository as an r2pkg project (its r2pkg.toml), whatever folder pytest runs in."""
    from graph.project import read_project

    return read_project(REPO / "r2pkg.toml")


@pytest.fixture(scope="session")
def repo_graph(repo_project):
    """The repository's ontology, data and derived layer, loaded once for the session."""
    from graph import derive, load_graph

    kg = load_graph(project=repo_project)
    derive(kg, project=repo_project)
    return kg


@pytest.fixture
def ontology_path() -> Path:
    return ontology_file()
