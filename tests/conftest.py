from __future__ import annotations

from pathlib import Path

import pytest

from graph.documents import missing_reason, read_document_text
from graph.project import read_project
from graph.resources import ontology_file

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURES = TESTS / "fixtures"
# The brief's text where the repository's r2pkg.toml finds it (a copy registered with `r2pkg source add`,
# or the team's copy beside the repository); the repository does not redistribute it.
BRIEF = read_project(REPO / "r2pkg.toml").sources["brief-2013"]
SOURCE_TEXT = BRIEF.path() or BRIEF.candidates[-1]
NO_TEXT = None if BRIEF.path() else missing_reason(BRIEF)


@pytest.fixture(scope="session")
def source_text():
    """The brief's text read by its layout; tests that need it skip, saying why, when it is absent."""
    if NO_TEXT:
        pytest.skip(NO_TEXT)
    return read_document_text(BRIEF)


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
