"""The query host (graph/query_host.py): a process that keeps a project's stored graph open between commands.

These tests turn the host on (tests/conftest.py turns it off for every other test) and stop every host they
started. They check what a scholar relies on: the host's answer is the command's answer on the files as they
are, never a stale graph; it answers only its folder and user; it never holds the caller's pipes; nothing it
runs can call out; a crash in it costs nothing but the host's speed; and it goes away by itself.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import REPO

from graph import query_host
from graph.errors import InputError
from graph.queries import run_query_as_text
from graph.server.sandbox import NoGraph

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the query host is Linux only (peer credentials, the network filter)")

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s a r2p:Claim }"
CLAIM = """@prefix r2p: <https://w3id.org/r2pkg/ontology#> .
<https://example.org/claim-{n}> a r2p:Claim .
"""


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A project of one data file, with the host on (60 s idle), the cache in tmp_path and the hosts' sockets
    in a runtime folder of its own; every host started for it is stopped at the end."""
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    (root / "r2pkg.toml").write_text('[project]\nname = "host-test"\ndata = ["data"]\n[derive]\nmax_steps = 3\n')
    (root / "data" / "claims.ttl").write_text(CLAIM.format(n=1))
    runtime = tempfile.mkdtemp(prefix="r2pkg-test-")  # short: a socket's address holds 108 bytes
    monkeypatch.setenv("XDG_RUNTIME_DIR", runtime)
    monkeypatch.setenv("R2PKG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("R2PKG_QUERY_HOST", "60")
    monkeypatch.chdir(root)
    yield root
    for pid in hosts():
        os.kill(pid, signal.SIGTERM)
        wait_for(lambda: not running(pid))  # noqa: B023  (it removes its socket on the way out)
    shutil.rmtree(runtime)


def hosts() -> list[int]:
    """The process ids of the hosts listening in this test's runtime folder (whatever r2pkg started them)."""
    folder = Path(query_host.socket_folder())
    found = []
    for path in folder.glob("*.sock") if folder.is_dir() else ():
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            try:
                conn.connect(str(path))
            except OSError:
                continue
            found.append(query_host._peer(conn)[0])
    return found


def r2pkg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`r2pkg ARGS` as installed (graph/__main__.py), in the current folder and environment."""
    return subprocess.run([sys.executable, "-m", "graph", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def wait_for(condition, seconds: float = 30):
    end = time.monotonic() + seconds
    while not (value := condition()):
        if time.monotonic() > end:
            raise AssertionError(f"not within {seconds} s: {condition.__doc__ or condition}")
        time.sleep(0.05)
    return value


def running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def count() -> list[str]:
    done = r2pkg("query", "--sparql", COUNT, "--format", "csv")
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def in_process(monkeypatch, capsys) -> tuple[list[str], int, int]:
    """graph/__main__.py in this process: (what it printed, workers it forked, graphs it loaded itself)."""
    import graph.__main__ as executable_main
    import graph.commands.query as query_command
    from graph import query_worker

    forked, loaded = [], []
    real_worker, real_confined = query_worker.Worker, query_command.run_confined
    monkeypatch.setattr(query_worker, "Worker", lambda open_graph: forked.append(1) or real_worker(open_graph))
    monkeypatch.setattr(query_command, "run_confined", lambda *a: loaded.append(1) or real_confined(*a))
    monkeypatch.setattr(sys, "argv", ["r2pkg", "query", "--sparql", COUNT, "--format", "csv"])
    monkeypatch.setattr(query_host, "start_host", lambda: None)  # never fork pytest itself
    with pytest.raises(SystemExit) as done:
        executable_main.main()
    assert (done.value.code or 0) == 0
    return capsys.readouterr().out.split(), len(forked), len(loaded)


def test_the_host_answers_for_the_files_as_they_are_never_a_stale_graph(project, monkeypatch, capsys):
    assert count() == ["n", "1"]  # no store yet: loaded, stored, and a host started for the next query
    wait_for(query_host.host_pid)
    # The host answers: no worker forked here, no graph loaded here.
    assert in_process(monkeypatch, capsys) == (["n", "1"], 0, 0)
    (project / "data" / "more.ttl").write_text(CLAIM.format(n=2))
    # The files changed and no store holds them yet: the host says so and the command loads them itself ...
    assert in_process(monkeypatch, capsys) == (["n", "2"], 0, 1)
    # ... and stores them, which the host then reads.
    assert in_process(monkeypatch, capsys) == (["n", "2"], 0, 0)
    (project / "data" / "more.ttl").unlink()
    assert in_process(monkeypatch, capsys)[0] == ["n", "1"]


def test_the_host_answers_a_named_query_as_the_command_without_it(project):
    cold = r2pkg("query", "CQ01", "--format", "tsv", env={"R2PKG_QUERY_HOST": "0"})
    r2pkg("query", "CQ01")
    wait_for(query_host.host_pid)
    warm = r2pkg("query", "CQ01", "--format", "tsv")
    assert cold.returncode == warm.returncode == 0, cold.stderr + warm.stderr
    assert warm.stdout == cold.stdout and warm.stderr == cold.stderr


def test_a_query_that_starts_a_host_returns_at_once_and_the_host_holds_no_pipe_of_the_callers(project):
    """Run with its output captured (as `$(r2pkg query ...)` is): the command's pipes close when it ends, not when
    the host it started stops (60 s later); subprocess.run would wait for them otherwise."""
    start = time.monotonic()
    r2pkg("query", "--sparql", COUNT)
    assert time.monotonic() - start < 50  # well before the host's 60 idle seconds
    pid = wait_for(query_host.host_pid)
    fds = {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in (0, 1, 2)}
    assert fds == {os.devnull}


def test_no_host_with_r2pkg_query_host_0(project, monkeypatch):
    monkeypatch.setenv("R2PKG_QUERY_HOST", "0")
    assert count() == ["n", "1"] and count() == ["n", "1"]
    time.sleep(1)
    assert query_host.socket_path() is None
    assert not Path(query_host.socket_folder()).exists()


@pytest.mark.parametrize("args", [["--help"], [], ["--input", "data", "--sparql", COUNT],
                                  ["--sparql", "SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }"]])
def test_a_command_that_read_no_stored_graph_starts_no_host(project, args):
    """Help, a usage error, a graph given by --input, a refused query: nothing a host would have answered."""
    r2pkg("query", "--sparql", COUNT, env={"R2PKG_QUERY_HOST": "0"})  # the store is written
    r2pkg("query", *args)
    time.sleep(1)
    assert hosts() == []
    r2pkg("query", "--sparql", COUNT)
    wait_for(query_host.host_pid)  # and a query that read it does


def test_a_host_stops_when_idle_and_when_its_socket_is_removed(project, monkeypatch):
    monkeypatch.setenv("R2PKG_QUERY_HOST", "1")
    count()
    pid = wait_for(query_host.host_pid)
    wait_for(lambda: not running(pid))
    assert not list(Path(query_host.socket_folder()).iterdir())  # it removed its socket on the way out
    monkeypatch.setenv("R2PKG_QUERY_HOST", "60")
    count()
    pid = wait_for(query_host.host_pid)
    os.unlink(query_host.socket_path())
    wait_for(lambda: not running(pid))


def test_a_host_answers_only_its_own_folder_and_r2pkg(project):
    """Socket names are short hashes: a client of another folder or r2pkg that lands on the same name is turned
    away by the hello, and loads its graph itself."""
    count()
    wait_for(query_host.host_pid)
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.connect(query_host.socket_path())
    query_host._send(conn, b"another folder\0another r2pkg")
    with pytest.raises(NoGraph):
        query_host.HostConnection(conn).run(run_query_as_text, None, None, None, COUNT, None, {}, "csv")
    assert count() == ["n", "1"]


def test_a_crash_in_the_hosts_child_leaves_the_host_serving(project, tmp_path, monkeypatch):
    """An engine crash kills the child that ran the request, not the host; the command is told there is no graph,
    runs the query itself and reports the crash as it does without a host."""
    (tmp_path / "crashing.py").write_text("import ctypes\n\ndef crash(graph):\n    ctypes.string_at(0)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    from crashing import crash  # the host imports it from the same folder (PYTHONPATH)

    r2pkg("query", "--sparql", COUNT, env={"PYTHONPATH": str(tmp_path)})
    pid = wait_for(query_host.host_pid)
    host = query_host.connect()
    assert host is not None
    with pytest.raises(NoGraph):
        host.run(crash)
    assert query_host.host_pid() == pid and count() == ["n", "1"]


def test_nothing_the_host_runs_can_call_out(project):
    """A request of our own user may ask for anything the worker's functions do; the network stays shut."""
    listener = socket.create_server(("127.0.0.1", 0))
    try:
        count()
        wait_for(query_host.host_pid)
        host = query_host.connect()
        assert host is not None
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
        with pytest.raises(InputError, match="Permission denied"):  # socket(AF_INET) refused by the filter
            host.run(run_query_as_text, url, None, None, "SELECT * WHERE { ?s ?p ?o }", None, {}, "csv")
        listener.settimeout(0.5)
        with pytest.raises(TimeoutError):
            listener.accept()
    finally:
        listener.close()


def test_a_host_stops_when_r2pkgs_code_changes(project, tmp_path):
    """A host runs the code it started with: after an edit (or an upgrade) it answers no more, and stops."""
    copy = tmp_path / "package"
    for folder in ("graph", "ontology"):  # the package, and the ontology a project uses by default
        shutil.copytree(REPO / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__"))
    env = {"PYTHONPATH": str(copy)}
    assert r2pkg("query", "--sparql", COUNT, "--format", "csv", env=env).stdout.split() == ["n", "1"]
    (pid,) = wait_for(hosts)
    with (copy / "graph" / "errors.py").open("a") as edited:
        edited.write("\n# edited\n")
    again = r2pkg("query", "--sparql", COUNT, "--format", "csv", env=env)
    assert again.returncode == 0 and again.stdout.split() == ["n", "1"], again.stderr
    wait_for(lambda: not running(pid))
