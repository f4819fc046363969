"""`r2pkg validate`, `build` and `query` when their input files misbehave: one line, exit 2, nothing replaced.

Each case once ended in a traceback or left files behind: a data file removed or
rewritten while the command was reading it, a Turtle file that starts with a byte
order mark, a build killed outright that left its staging folder in the output.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO

import graph
from graph import store
from graph.api import STAGING_PREFIX, build_staging, remove_dead_staging
from graph.cli import cli
from graph.ontology_release import Ontology

MINI = Path(__file__).resolve().parent / "fixtures" / "serve" / "mini.ttl"
ONTOLOGY = REPO / "ontology" / "r2p.ttl"
BOM = b"\xef\xbb\xbf"


def run(*args: str | Path):
    return CliRunner().invoke(cli, [str(a) for a in args])


def one_error_line(result) -> str:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


@pytest.fixture
def data(tmp_path) -> Path:
    path = tmp_path / "data.ttl"
    shutil.copy(MINI, path)
    return path


def after_loading(monkeypatch, target: Path, action) -> None:
    """Run `action` on `target` right after it is loaded: the file changes while the command reads its inputs."""
    load = store.KnowledgeGraph.add_file

    def add_file(self, path):
        n = load(self, path)
        if Path(path).resolve() == target.resolve():
            action(target)
        return n

    monkeypatch.setattr(store.KnowledgeGraph, "add_file", add_file)


CHANGES = {
    "removed": (Path.unlink, "was removed while r2pkg was reading it"),
    "broken": (lambda p: p.write_text('@prefix r2p: <https://w3id.org/r2pkg/ontology#> .\nr2p:a r2p:b "x\n'),
               "changed while r2pkg was reading it"),
    "still valid": (lambda p: p.write_text(p.read_text() + "\n<http://example.org/a> <http://example.org/b> 1 .\n"),
                    "changed while r2pkg was reading it"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_validate_when_a_data_file_changes_while_it_runs(monkeypatch, data, change):
    action, words = CHANGES[change]
    after_loading(monkeypatch, data, action)
    line = one_error_line(run("validate", "--input", ONTOLOGY, "--input", data))
    assert line == f"Error: {data}: {words}" + ("; run the command again" if "changed" in words else "")


@pytest.mark.parametrize("change", CHANGES)
def test_build_when_a_data_file_changes_replaces_nothing_and_leaves_nothing(monkeypatch, tmp_path, data, change):
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("the previous site\n")
    action, words = CHANGES[change]
    after_loading(monkeypatch, data, action)
    line = one_error_line(run("build", "--force", "-o", out, "--input", ONTOLOGY, "--input", data))
    assert data.name in line and words in line
    assert sorted(p.name for p in out.iterdir()) == ["index.html"]  # no staging folder, no new file
    assert (out / "index.html").read_text() == "the previous site\n"


def test_validate_when_a_data_folder_vanishes_while_it_is_listed(monkeypatch, tmp_path, data):
    folder = tmp_path / "corpus" / "sub"
    folder.mkdir(parents=True)
    shutil.copy(data, folder / "data.ttl")
    scandir = os.scandir

    def vanishing(path="."):
        if isinstance(path, (str, os.PathLike)) and Path(path) == folder:
            shutil.rmtree(folder)
        return scandir(path)

    monkeypatch.setattr(os, "scandir", vanishing)
    line = one_error_line(run("validate", "--input", tmp_path / "corpus"))
    assert line == f"Error: {tmp_path / 'corpus'}: cannot read the folder: No such file or directory"


def test_unchanged_files_still_validate(data):
    result = run("validate", "--input", ONTOLOGY, "--input", data)
    assert result.exit_code in (0, 1) and "Traceback" not in result.output, result.output
    assert "2 files" in result.output.splitlines()[0]


# --- a UTF-8 byte order mark is read as every Turtle reader reads it: not at all ---------------------------------
@pytest.fixture
def with_bom(tmp_path, data) -> Path:
    path = tmp_path / "bom" / "data.ttl"
    path.parent.mkdir()
    path.write_bytes(BOM + data.read_bytes())
    return path


def test_a_byte_order_mark_loads_the_same_triples(data, with_bom):
    plain, marked = graph.load_graph([data]), graph.load_graph([with_bom])  # no blank nodes: comparable as text
    assert len(marked) == len(plain)
    assert set(map(str, marked.store)) == set(map(str, plain.store))
    assert set(map(str, store.parse_turtle(with_bom))) == set(map(str, store.parse_turtle(data)))


def test_a_byte_order_mark_changes_nothing_in_validate_and_query(data, with_bom):
    plain = run("validate", "--input", ONTOLOGY, "--input", data)
    marked = run("validate", "--input", ONTOLOGY, "--input", with_bom)
    assert marked.exit_code == plain.exit_code and "\ufeff" not in marked.output
    assert marked.output.replace(str(with_bom), str(data)) == plain.output
    query = ["query", "--sparql", "SELECT ?c ?l WHERE { ?c a r2p:Claim ; rdfs:label ?l } ORDER BY ?c",
             "--format", "csv"]
    assert run(*query, "--input", with_bom).output == run(*query, "--input", data).output
    assert run(*query, "--input", with_bom).output.count("claim-") == 4


def test_a_byte_order_mark_in_the_ontology_changes_nothing_in_its_page(tmp_path):
    marked = tmp_path / "r2p.ttl"
    marked.write_bytes(BOM + ONTOLOGY.read_bytes())
    plain, bom = Ontology.read(ONTOLOGY), Ontology.read(marked)
    assert bom.ntriples == plain.ntriples and bom.prefixes == plain.prefixes


def test_a_byte_order_mark_in_the_middle_is_still_a_syntax_error(tmp_path, data):
    broken = tmp_path / "broken.ttl"
    broken.write_bytes(data.read_bytes() + b"\n" + BOM + b"<http://a> <http://b> <http://c> .\n")
    line = one_error_line(run("validate", "--input", broken))
    assert line.startswith(f"Error: {broken}:") and "syntax error" in line


# --- a build killed outright ---------------------------------------------------------------------------------------
def start_build(out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "from graph.cli import cli; cli()", "build", "-o", str(out)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def staging_with_files(out: Path, proc: subprocess.Popen, exclude: set[Path] = frozenset()) -> Path:
    """Wait until the build `proc` is writing into a staging folder (not one of `exclude`); that folder."""
    while proc.poll() is None:
        for folder in out.glob(STAGING_PREFIX + "*"):
            if folder not in exclude and any(folder.iterdir()):
                return folder
        time.sleep(0.02)
    pytest.fail(f"the build ended before it staged anything: {proc.communicate()}")


def test_a_killed_build_leaves_a_folder_the_next_build_removes_while_running_builds_keep_theirs(tmp_path):
    out = tmp_path / "site"
    killed = start_build(out)
    dead = staging_with_files(out, killed)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    assert dead.is_dir()  # SIGKILL: nothing in the build could clean up

    running = start_build(out)
    try:
        alive = staging_with_files(out, running, exclude={dead})
        assert not dead.exists()  # the new build removed the dead one's folder before staging its own
        assert remove_dead_staging(out) == [] and alive.is_dir()  # a running build's folder is not taken
        stdout, stderr = running.communicate(timeout=600)
    finally:
        if running.poll() is None:
            running.kill()
            running.wait()
    assert running.returncode == 0, stderr
    assert stdout.strip().endswith("index.html") and (out / "index.html").is_file()
    assert not list(out.glob(STAGING_PREFIX + "*"))


def test_staging_held_by_this_process_is_not_taken_and_is_removed_after(tmp_path):
    with build_staging(tmp_path) as held:
        (held / "page.html").write_text("half written")
        assert remove_dead_staging(tmp_path) == [] and (held / "page.html").is_file()
    assert not held.exists()
    orphan = tmp_path / (STAGING_PREFIX + "orphan")  # a folder no running build holds
    orphan.mkdir()
    (orphan / "page.html").write_text("left behind")
    assert remove_dead_staging(tmp_path) == [orphan] and not orphan.exists()


def test_staging_cleaner_follows_no_symlink(tmp_path):
    victim = tmp_path / "keep"
    victim.mkdir()
    (victim / "file").write_text("mine")
    os.symlink(victim, tmp_path / (STAGING_PREFIX + "link"))
    assert remove_dead_staging(tmp_path) == []
    assert (victim / "file").read_text() == "mine"
