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
def repo_graph():
    """The repository's ontology, data and derived layer, loaded once for the session."""
    from graph import load_graph

    return load_graph()


@pytest.fixture
def ontology_path() -> Path:
    return ontology_file()
