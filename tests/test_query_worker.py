"""`r2pkg query` forks its confined worker before it reads its command line (graph/query_worker.py).

The worker opens the project's stored graph while the parent imports click and parses
the arguments. These tests run the executable as the console script does (`python -m
graph`) and check that what it answers is what the command answers without the worker:
the stored graph of the same content, never a stale one, never the project's graph when
--input or --endpoint asks for another, and errors still one line.
"""

from __future__ import annotations

import http.server
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO

from graph.cli import cli
from graph.errors import InputError
from graph.server.sandbox import NoGraph, Worker

MINI = REPO / "tests" / "fixtures" / "serve" / "mini.ttl"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s a r2p:Claim }"
CLAIM = """@prefix r2p: <https://w3id.org/r2pkg/ontology#> .
<https://example.org/claim-{n}> a r2p:Claim .
"""


def executable(*args: str, cwd: Path, cache: Path, **kw) -> subprocess.CompletedProcess:
    """`r2pkg ARGS` as installed: graph/__main__.py, which starts the worker for a query."""
    env = {**os.environ, "R2PKG_CACHE_DIR": str(cache)}
    return subprocess.run([sys.executable, "-m", "graph", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300, **kw)


def in_process(*args: str, cwd: Path, cache: Path, monkeypatch) -> str:
    """The same command through click alone (no worker started): what the executable must print."""
    monkeypatch.setenv("R2PKG_CACHE_DIR", str(cache))
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def run_main(argv: list[str], cwd: Path, cache: Path, monkeypatch, stdin: str = "") -> tuple[list[Worker], int]:
    """graph/__main__.py in this process, recording the workers it starts and whether they answered."""
    import io

    import graph.__main__ as executable_main
    from graph import query_worker

    started: list[Worker] = []

    def start_worker(open_graph):
        started.append(Worker(open_graph))
        return started[-1]

    monkeypatch.setattr(query_worker, "Worker", start_worker)
    monkeypatch.setenv("R2PKG_CACHE_DIR", str(cache))
    monkeypatch.chdir(cwd)
    monkeypatch.setattr(sys, "argv", ["r2pkg", *argv])
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    with pytest.raises(SystemExit) as done:
        executable_main.main()
    return started, done.value.code or 0


def assert_reaped(workers: list[Worker]) -> None:
    assert len(workers) == 1
    with pytest.raises(ChildProcessError):  # reaped: no process left running, nor a zombie
        os.waitpid(workers[0].pid, os.WNOHANG)


@pytest.fixture
def small_project(tmp_path) -> Path:
    """A project of one data file beside the packaged ontology: quick to load and derive."""
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    (root / "r2pkg.toml").write_text('[project]\nname = "worker-test"\ndata = ["data"]\n[derive]\nmax_steps = 3\n')
    (root / "data" / "claims.ttl").write_text(CLAIM.format(n=1))
    return root


def test_the_worker_opens_the_store_the_command_would_load(tmp_path, small_project, monkeypatch):
    """The worker's graph is the one `load_inputs` writes and reads: same files, same triples; none before."""
    from graph.commands.options import load_inputs
    from graph.query_worker import _stored_project_graph

    monkeypatch.setenv("R2PKG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(small_project)
    assert _stored_project_graph() is None  # nothing stored yet: the command loads (and stores) itself
    loaded = load_inputs(())
    opened = _stored_project_graph()
    assert opened is not None and opened.files == loaded.files and len(opened) == len(loaded) > 0


def test_cold_and_warm_queries_answer_as_in_process_and_never_stale(tmp_path, small_project, monkeypatch):
    cache = tmp_path / "cache"
    args = ("query", "--sparql", COUNT, "--format", "csv")
    cold = executable(*args, cwd=small_project, cache=cache)
    warm = executable(*args, cwd=small_project, cache=cache)
    assert cold.returncode == warm.returncode == 0, cold.stderr + warm.stderr
    assert cold.stdout == warm.stdout == in_process(*args, cwd=small_project, cache=cache, monkeypatch=monkeypatch)
    assert cold.stdout.split() == ["n", "1"]
    (small_project / "data" / "more.ttl").write_text(CLAIM.format(n=2))  # the stored graph is now stale
    assert executable(*args, cwd=small_project, cache=cache).stdout.split() == ["n", "2"]


def test_the_started_worker_answers_once_the_store_is_written(tmp_path, small_project, monkeypatch, capsys):
    """Cold: no store yet, so the command loads, stores and runs its own worker; warm: the started one answers."""
    import graph.commands.query as query_command

    cache, own = tmp_path / "cache", []
    real = query_command.run_confined
    monkeypatch.setattr(query_command, "run_confined", lambda *a: own.append(1) or real(*a))
    argv = ["query", "--sparql", COUNT, "--format", "csv"]
    for expected_own in (1, 1):  # the cold run used its own worker; the warm run adds none
        workers, code = run_main(argv, small_project, cache, monkeypatch)
        assert code == 0 and capsys.readouterr().out.split() == ["n", "1"]
        assert len(own) == expected_own and len(workers) == 1


def test_a_query_typed_on_standard_input_reads_the_files_after_it(tmp_path, small_project):
    """The worker opened the graph when the command started; a person typing the query may edit the data
    meanwhile, so the query from standard input is answered from the files as they are when it is read."""
    cache = tmp_path / "cache"
    executable("query", "--sparql", COUNT, cwd=small_project, cache=cache)  # stored: the worker would open it
    env = {**os.environ, "R2PKG_CACHE_DIR": str(cache)}
    typing_it = subprocess.Popen([sys.executable, "-m", "graph", "query", "--sparql", "-", "--format", "csv"],
                                 cwd=small_project, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
    time.sleep(2)  # the worker has opened the stored graph by now
    (small_project / "data" / "more.ttl").write_text(CLAIM.format(n=2))
    out, err = typing_it.communicate(COUNT, timeout=300)
    assert typing_it.returncode == 0, err
    assert out.split() == ["n", "2"]


@pytest.mark.parametrize("damage", ["dump removed", "dump cut short"])
def test_a_damaged_store_is_written_again_not_an_error(tmp_path, small_project, damage):
    from graph.store_cache import DUMP, MANIFEST

    cache = tmp_path / "cache"
    args = ("query", "--sparql", COUNT, "--format", "csv")
    assert executable(*args, cwd=small_project, cache=cache).stdout.split() == ["n", "1"]
    (store,) = [p for p in (cache / "stores").iterdir() if (p / MANIFEST).is_file()]
    if damage == "dump removed":
        (store / DUMP).unlink()
    else:
        (store / DUMP).write_text((store / DUMP).read_text()[:500])
    again = executable(*args, cwd=small_project, cache=cache)
    assert again.returncode == 0 and again.stdout.split() == ["n", "1"], again.stderr
    assert (store / DUMP).stat().st_size > 500  # written again


def test_input_is_answered_from_its_files_not_the_projects_store(tmp_path, small_project, monkeypatch):
    cache = tmp_path / "cache"
    count = ("query", "--sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv")
    own = executable(*count, cwd=small_project, cache=cache)  # the project's graph, stored
    given = executable(*count, "--input", str(MINI), cwd=small_project, cache=cache)
    assert own.returncode == given.returncode == 0, own.stderr + given.stderr
    assert given.stdout == in_process(*count, "--input", str(MINI), cwd=small_project, cache=cache,
                                      monkeypatch=monkeypatch)
    assert given.stdout != own.stdout


class _Endpoint(http.server.BaseHTTPRequestHandler):
    BODY = b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"literal","value":"from the endpoint"}}]}}'

    def do_GET(self):  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(self.BODY)))
        self.end_headers()
        self.wfile.write(self.BODY)

    do_POST = do_GET  # noqa: N815

    def log_message(self, *args):
        pass


def test_endpoint_is_asked_and_the_worker_let_go(tmp_path, small_project, monkeypatch, capsys):
    cache = tmp_path / "cache"
    executable("query", "--sparql", COUNT, cwd=small_project, cache=cache)  # a stored graph the worker could open
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Endpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/sparql"
        args = ["--endpoint", url, "--sparql", "SELECT ?s WHERE { ?s ?p ?o }", "--format", "csv"]
        done = executable("query", *args, cwd=small_project, cache=cache)
        workers, code = run_main(["query", *args], small_project, cache, monkeypatch)
    finally:
        server.shutdown()
    assert done.returncode == 0 and code == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["s", "from the endpoint"]
    assert_reaped(workers)


def test_a_broken_project_is_the_same_one_line_with_the_worker(tmp_path, small_project):
    cache = tmp_path / "cache"
    (small_project / "r2pkg.toml").write_text('[project]\nname = "worker-test"\ndata = ["data"\n')
    with_worker = executable("query", "CQ01", cwd=small_project, cache=cache)
    env = {**os.environ, "R2PKG_CACHE_DIR": str(cache)}
    without = subprocess.run([sys.executable, "-m", "graph.cli", "query", "CQ01"], cwd=small_project, env=env,
                             capture_output=True, text=True, timeout=300)
    assert with_worker.returncode == without.returncode == 2
    assert with_worker.stderr == without.stderr
    assert len(with_worker.stderr.splitlines()) == 1 and with_worker.stderr.startswith("Error: ")
    assert "r2pkg.toml: TOML syntax error" in with_worker.stderr


# --- the worker itself (graph.server.sandbox.Worker) ------------------------------------------------------------
def plus_one(graph: int) -> int:
    return graph + 1


def connect(graph, port: int) -> None:
    socket.create_connection(("127.0.0.1", port), timeout=5).close()


def crash(graph) -> None:
    import ctypes

    ctypes.string_at(0)  # reads address 0: SIGSEGV


def fail_to_open():
    raise InputError("the graph could not be opened", "data/x.ttl", 3)


def test_the_worker_runs_the_request_on_the_graph_it_opened():
    assert Worker(lambda: 41).run(plus_one) == 42


def test_a_worker_that_opened_nothing_says_so_and_an_opening_error_is_the_requests():
    with pytest.raises(NoGraph):
        Worker(lambda: None).run(plus_one)
    with pytest.raises(InputError) as e:
        Worker(fail_to_open).run(plus_one)
    assert (e.value.message, e.value.path, e.value.line) == ("the graph could not be opened", "data/x.ttl", 3)


def test_a_crash_in_the_worker_is_one_message():
    with pytest.raises(InputError, match=r"crashed on the query \(SIGSEGV\)"):
        Worker(lambda: 0).run(crash)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the seccomp sandbox is Linux only")
def test_the_worker_cannot_call_out():
    listener = socket.create_server(("127.0.0.1", 0))
    try:
        with pytest.raises(InputError, match="network"):
            Worker(lambda: 0).run(connect, listener.getsockname()[1])
    finally:
        listener.close()


ON_DISK_WORKER = """
import sys
from pathlib import Path
from graph import store_cache
from graph.commands.options import load_inputs
if sys.argv[1] == "write":
    store_cache.DUMP_MAX_BYTES = 0  # every store on disk (RocksDB), as a large project's is
    load_inputs(())
else:  # a fresh process, as the executable is: RocksDB starts its threads in the worker
    from graph.query_worker import _stored_project_graph
    from graph.server.sandbox import Worker

    def seccomp_modes(graph):
        modes = []
        for task in Path("/proc/self/task").iterdir():
            status = (task / "status").read_text()
            modes += [line.split()[1] for line in status.splitlines() if line.startswith("Seccomp:")]
        return modes

    print(" ".join(Worker(_stored_project_graph).run(seccomp_modes)))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the seccomp sandbox is Linux only")
def test_every_thread_of_a_worker_on_an_on_disk_store_is_filtered(tmp_path, small_project):
    """A large project's store is RocksDB, whose opening starts threads: they must inherit the filter (mode 2)."""
    env = {**os.environ, "R2PKG_CACHE_DIR": str(tmp_path / "cache")}
    for step in ("write", "read"):
        done = subprocess.run([sys.executable, "-c", ON_DISK_WORKER, step], cwd=small_project, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    modes = done.stdout.split()
    assert len(modes) > 1 and set(modes) == {"2"}, modes


def test_a_worker_ignores_ctrl_c_its_caller_stops_it():
    worker = Worker(lambda: 41)
    os.kill(worker.pid, signal.SIGINT)
    assert worker.run(plus_one) == 42


class CtrlC:
    """An argument whose sending is cut short as Ctrl-C would cut it."""

    def __reduce__(self):
        raise KeyboardInterrupt


def test_a_worker_whose_request_ctrl_c_cut_short_is_still_stopped_and_reaped():
    worker = Worker(lambda: 41)
    with pytest.raises(KeyboardInterrupt):
        worker.run(plus_one, CtrlC())
    worker.close()  # as the executable does on its way out: no error on the pipe end already closed
    with pytest.raises(ChildProcessError):
        os.waitpid(worker.pid, os.WNOHANG)


def test_no_fork_is_one_line_and_leaves_no_pipe_open(monkeypatch):
    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    opened: list[int] = []
    real_pipe = os.pipe

    def pipe():
        ends = real_pipe()
        opened.extend(ends)
        return ends

    monkeypatch.setattr(os, "pipe", pipe)
    monkeypatch.setattr(os, "fork", no_fork)
    with pytest.raises(InputError, match="could not start the worker for the query"):
        Worker(lambda: 0)
    assert len(opened) == 4
    for fd in opened:
        with pytest.raises(OSError):  # closed
            os.fstat(fd)


def test_a_worker_let_go_unasked_stops_at_once():
    worker = Worker(lambda: time.sleep(60))
    started = time.monotonic()
    worker.close()
    assert time.monotonic() - started < 10
    with pytest.raises(ChildProcessError):  # reaped: no process left behind
        os.waitpid(worker.pid, os.WNOHANG)


def test_a_worker_the_command_cannot_use_is_stopped_when_it_says_so(monkeypatch):
    """take(usable=False) (--input, --endpoint, a query on standard input) frees the worker at once, not at exit."""
    from graph import query_worker

    monkeypatch.setattr(query_worker, "_stored_project_graph", lambda: time.sleep(60))
    query_worker.start()
    started = query_worker._started
    try:
        assert started is not None
        assert query_worker.take(usable=False) is None
        with pytest.raises(ChildProcessError):  # already reaped, before the command ends
            os.waitpid(started.pid, os.WNOHANG)
    finally:
        query_worker.stop()


@pytest.mark.parametrize("args", [["--help"], []])  # help, and a usage error (no query named)
def test_the_executable_leaves_no_worker_behind(monkeypatch, args):
    """A query command that never asks its worker (help, a usage error) still stops and reaps it."""
    import graph.__main__ as executable_main
    from graph import query_worker

    started: list[Worker] = []

    def start_worker(open_graph):
        started.append(Worker(open_graph))
        return started[-1]

    monkeypatch.setattr(query_worker, "Worker", start_worker)
    monkeypatch.setattr(sys, "argv", ["r2pkg", "query", *args])
    with pytest.raises(SystemExit):
        executable_main.main()
    assert len(started) == 1
    with pytest.raises(ChildProcessError):  # reaped, not a process left running or a zombie
        os.waitpid(started[0].pid, os.WNOHANG)


class _Left(Exception):
    """os._exit, recorded instead of ending the test process."""


@pytest.mark.parametrize("command, code, leaves", [
    ("query", 0, True), ("query", 2, True),  # answered, or one line of error: both leave at once
    ("build", 0, False),  # other commands end as the interpreter ends them (threads, temporary folders)
])
def test_a_query_leaves_without_teardown_once_its_output_is_flushed(monkeypatch, capsys, command, code, leaves):
    import graph.__main__ as executable_main

    def command_ends():
        print("the answer")
        raise SystemExit(code)

    def left(status):
        raise _Left(status)

    monkeypatch.setattr(executable_main, "main", command_ends)
    monkeypatch.setattr(os, "_exit", left)
    monkeypatch.setattr(sys, "argv", ["r2pkg", command])
    with pytest.raises(_Left if leaves else SystemExit) as ended:
        executable_main.run()
    assert ended.value.args[0] == code if leaves else ended.value.code == code
    assert capsys.readouterr().out == "the answer\n"  # written before it left


def test_a_query_whose_output_cannot_be_flushed_ends_as_the_interpreter_would(monkeypatch):
    """A closed pipe: no os._exit, so the interpreter reports the lost output as it always has."""
    import graph.__main__ as executable_main

    class ClosedPipe:
        def write(self, text):
            return len(text)

        def flush(self):
            raise BrokenPipeError("closed")

    monkeypatch.setattr(executable_main, "main", lambda: sys.exit(0))
    monkeypatch.setattr(os, "_exit", lambda status: pytest.fail("left without reporting the lost output"))
    monkeypatch.setattr(sys, "argv", ["r2pkg", "query"])
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    with pytest.raises(SystemExit):
        executable_main.run()
