from __future__ import annotations

import contextlib
import fcntl
import json
import os
from dataclasses import dataclass
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


@dataclass(frozen=True)
class BuiltSite:
    """What `r2pkg build` of the repository printed and wrote (under umask 022)."""

    output: Path
    exit_code: int
    stdout: str


@pytest.fixture(scope="session")
def brief_site(tmp_path_factory) -> BuiltSite:
    """The repository's site, built once per test session by `r2pkg build`, shared by every test that only reads it.

    Under pytest-xdist the workers share one build: the first takes a lock and builds, the
    others wait for it and read the same folder.
    """
    from click.testing import CliRunner

    from graph.cli import cli

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the folder all workers' temp folders sit in
    out, record = shared / "brief-site", shared / "brief-site.json"
    with open(shared / "brief-site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.exists():
            old = os.umask(0o022)
            try:
                with contextlib.chdir(REPO):  # the repository's project, wherever pytest was started
                    done = CliRunner().invoke(cli, ["build", "-o", str(out)], catch_exceptions=False)
            finally:
                os.umask(old)
            record.write_text(json.dumps({"exit_code": done.exit_code, "stdout": done.stdout}))
        data = json.loads(record.read_text())
    return BuiltSite(out, data["exit_code"], data["stdout"])
