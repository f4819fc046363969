from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import venv
from dataclasses import dataclass
from pathlib import Path

import pytest

from graph.documents import missing_reason, read_document_text
from graph.project import read_project
from graph.resources import ontology_file

# No test leaves a query host running behind it (graph/query_host.py): the commands they run, in this process
# or as children that inherit this environment, start none; tests/test_query_host.py turns it on and stops it.
os.environ["R2PKG_QUERY_HOST"] = "0"

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


@pytest.fixture(scope="session")
def installed(tmp_path_factory) -> Path:
    """A virtual environment with r2pkg installed from its wheel (not editable); returns its r2pkg script.

    The wheel is built from this checkout with the current interpreter's hatchling, and the new
    environment sees the current one's packages (rdflib, pyoxigraph...) through a .pth line, so the
    test needs no network and works inside or outside a virtual environment.
    """
    root = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "-w", str(root / "dist"), str(REPO)], check=True, capture_output=True)
    env_dir = root / "venv"
    venv.create(env_dir, with_pip=False)
    purelib = subprocess.run([str(env_dir / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()"
                              "['purelib'])"], check=True, capture_output=True, text=True).stdout.strip()
    deps = [p for p in sys.path if p.endswith("site-packages")]
    Path(purelib, "outer-env.pth").write_text("\n".join(deps) + "\n")
    wheel = next((root / "dist").glob("r2pkg-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "--python", str(env_dir / "bin" / "python"), "install", "-q",
                    "--no-deps", "--force-reinstall", str(wheel)], check=True, capture_output=True)
    return env_dir / "bin" / "r2pkg"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_answering(url: str, proc: subprocess.Popen, seconds: float, what: str,
                         log: Path | None = None) -> None:
    """Poll a server's query URL until it answers; fail the test (with its log's end) if it died or never did."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                tail = log.read_text()[-2000:] if log is not None and log.exists() else ""
                pytest.fail(f"{what} did not start {tail}".strip())
            time.sleep(0.2)
