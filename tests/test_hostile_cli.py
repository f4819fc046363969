"""`r2pkg query` under hostile input: one line, exit 2, nothing replaced, nothing fetched.

Every case here once ended in a traceback, a segfault, a replaced special file
or a request to a canary server on loopback.
"""

from __future__ import annotations

import http.server
import json
import os
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph import remote
from graph.cli import cli
from graph.errors import InputError
from graph.guard import TOO_COMPLEX, Refused, check_query

MINI = Path(__file__).resolve().parent / "fixtures" / "serve" / "mini.ttl"


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input)


def assert_one_line_error(result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    for w in words:
        assert w in lines[0], lines[0]


class _Canary(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_POST(self):  # noqa: N802
        type(self).hits += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        body = b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST  # noqa: N815

    def log_message(self, *args):
        pass


@pytest.fixture
def canary() -> Iterator[tuple[str, type[_Canary]]]:
    handler = type("Canary", (_Canary,), {"hits": 0})
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/canary", handler
    srv.shutdown()
    srv.server_close()


# --- the guard: failing to decide is a refusal ---------------------------------------------------
def exploding(n: int = 1000) -> str:
    """`<x(>` is an IRI in one reading and `<`, `x`, `(`, `>` in the other: the readings multiply."""
    return "SELECT * WHERE { ?s ?p ?o FILTER(" + "?o<x(>" * n + ") }"


def test_guard_that_cannot_decide_refuses():
    with pytest.raises(Refused) as e:
        check_query(exploding())
    assert e.value.message == TOO_COMPLEX


def test_query_file_the_guard_cannot_decide_is_refused_and_calls_nobody(tmp_path, canary):
    url, handler = canary
    big_values = " ".join(f"<http://example.org/item/{i}>" for i in range(25_000))
    for i, text in enumerate([
        exploding() + f" SERVICE <{url}> {{ ?s ?p ?o }}",  # the original hole: "too complex" let it through
        f"SELECT * WHERE {{ VALUES ?x {{ {big_values} }} SERVICE <{url}> {{ ?s ?p ?o }} }}",  # 729 KB
    ]):
        q = tmp_path / f"q{i}.rq"
        q.write_text(text)
        assert_one_line_error(run("query", "--input", str(MINI), "--file", str(q)))
    assert handler.hits == 0


def test_embedded_query_runs_without_network_even_past_the_guard(monkeypatch, canary):
    """With the guard switched off, SERVICE reaches pyoxigraph: the confined child cannot connect."""
    import graph.queries as queries

    url, handler = canary
    monkeypatch.setattr(queries, "refuse_unsafe", lambda text, *of_a_file: None)
    result = run("query", "--input", str(MINI), "--sparql", f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}")
    assert_one_line_error(result, "network")
    assert handler.hits == 0


# --- the library API: graph.run_query passes the same guard ----------------------------------------
@pytest.fixture(scope="module")
def mini_graph():
    from graph.store import load_graph

    return load_graph([MINI])


def test_library_run_query_refuses_what_the_guard_cannot_decide_and_calls_nobody(mini_graph, canary):
    """graph.run_query runs in the caller's process (no sandbox there): the guard alone must stop these."""
    import graph

    url, handler = canary
    big_values = " ".join(f"<http://example.org/item/{i}>" for i in range(25_000))
    hostile = {
        "too complex": exploding() + f" SERVICE <{url}> {{ ?s ?p ?o }}",
        "729 KB VALUES": f"SELECT * WHERE {{ VALUES ?x {{ {big_values} }} SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "plain SERVICE": f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "SERVICE after a less-than": f"SELECT * WHERE {{ FILTER(1<2&&'>')SERVICE<{url}>{{}} }}",
    }
    for what, text in hostile.items():
        with pytest.raises(InputError):
            graph.run_query(mini_graph, sparql=text)
        assert handler.hits == 0, what
    with pytest.raises(InputError) as e:
        graph.run_query(mini_graph, sparql=exploding())
    assert e.value.message == TOO_COMPLEX


@pytest.mark.parametrize("text, words", [
    ("SELECT * WHERE { FILTER(" + "&&".join(["1<2"] * 75_000) + ") }", "operators"),
    ("SELECT * WHERE { FILTER(" + "(" * 20_000 + "1" + ")" * 20_000 + ") }", "deep"),  # would kill the caller
    ("INSERT DATA { <http://a> <http://b> <http://c> }", "Update"),
])
def test_library_run_query_refuses_shapes_and_updates_before_the_parser(mini_graph, monkeypatch, text, words):
    import graph

    ran = []
    monkeypatch.setattr(type(mini_graph), "query", lambda *a, **k: ran.append(a))
    with pytest.raises(InputError) as e:
        graph.run_query(mini_graph, sparql=text)
    assert words in e.value.message and not ran


def test_library_run_query_still_runs_ordinary_queries(mini_graph):
    import graph

    assert graph.run_query(mini_graph, sparql="SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").records()[0]["n"] > 0


# --- shapes that overflow the engine's stack -------------------------------------------------------
@pytest.mark.parametrize("text, words", [
    ("SELECT * WHERE { FILTER(" + "&&".join(["1<2"] * 75_000) + ") }", ("operators",)),  # 300 KB, once exit 139
    ("SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }", ("deep",)),
    ("SELECT * WHERE " + "{" * 5000 + "}" * 5000, ("deep",)),
    ("SELECT * WHERE { BIND(" + "+".join(["1"] * 9000) + " AS ?x) }", ("operators",)),
    ("SELECT * WHERE { ?s ?p '" + "x" * 300_000 + "' }", ("longer",)),
])
def test_deep_or_huge_queries_are_one_line(tmp_path, text, words):
    q = tmp_path / "deep.rq"
    q.write_text(text)
    assert_one_line_error(run("query", "--input", str(MINI), "--file", str(q)), *words)


def test_an_engine_crash_is_one_line(monkeypatch):
    """Should a shape the guard lets through still crash the engine, the command says so in one line."""
    import graph.queries as queries

    monkeypatch.setattr(queries, "refuse_unsafe", lambda text, *of_a_file: None)
    text = "SELECT * WHERE { FILTER(" + "(" * 20_000 + "1" + ")" * 20_000 + ") }"
    assert_one_line_error(run("query", "--input", str(MINI), "--sparql", text), "crashed")


# --- parameters ------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["r2pr:a#b#c", "r2pr:%zz", "<http://[::1>", "http://x/a#b#c"])
def test_bad_iri_parameters_are_one_line(value):
    assert_one_line_error(run("query", "--input", str(MINI), "CQ03", "--param", f"outcome={value}"), "outcome")


# --- -o writes regular files only ------------------------------------------------------------------
def _special(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / kind
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "symlink":
        (tmp_path / "target.txt").write_text("keep me\n")
        path.symlink_to(tmp_path / "target.txt")
    elif kind == "device":
        if os.geteuid() != 0:
            pytest.skip("making a device node needs root")
        os.mknod(path, 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # like /dev/null
    return path


@pytest.mark.parametrize("kind, check", [("fifo", stat.S_ISFIFO), ("symlink", stat.S_ISLNK), ("device", stat.S_ISCHR)])
def test_output_never_replaces_a_special_file(tmp_path, kind, check):
    path = _special(tmp_path, kind)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = run("query", "--input", str(MINI), "--sparql", "ASK {}", "-o", str(path))
    assert_one_line_error(result, "will not replace")
    assert check(os.lstat(path).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no temporary file left behind
    if kind == "symlink":
        assert (tmp_path / "target.txt").read_text() == "keep me\n"


def test_output_dash_writes_to_standard_output():
    result = run("query", "--input", str(MINI), "--sparql", "ASK {}", "-o", "-")
    assert result.exit_code == 0 and result.output.strip() == "true"


# --- --endpoint answers that are not answers -------------------------------------------------------
ANSWERS = {
    "/invalid-json": ("application/sparql-results+json", b'{"head": {"vars": ["s"]}, "results": {"bind'),
    "/not-results": ("application/sparql-results+json", b'{"hello": "world"}'),
    "/bad-ntriples": ("application/n-triples", b"<http://a> <http://b> oops .\n"),
    "/big": ("application/sparql-results+json",
             json.dumps({"head": {"vars": ["s"]}, "results": {"bindings": [
                 {"s": {"type": "literal", "value": "x" * 100}}] * 200}}).encode()),
}


class _Answers(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            try:
                for _ in range(1000):  # a byte every 0.2 s: each read is quick, the whole is not
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                pass
            return
        ctype, body = ANSWERS[self.path]
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def answers() -> Iterator[str]:
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


@pytest.mark.parametrize("path, words", [
    ("/invalid-json", ("not valid",)), ("/not-results", ("not valid",)), ("/bad-ntriples", ("not valid",)),
])
def test_malformed_endpoint_answers_are_one_line(answers, path, words):
    query = "CONSTRUCT WHERE { ?s ?p ?o }" if "ntriples" in path else "SELECT ?s WHERE { ?s ?p ?o }"
    assert_one_line_error(run("query", "--sparql", query, "--endpoint", answers + path), *words)


def test_endpoint_that_trickles_is_stopped_at_the_deadline(answers):
    result = run("query", "--sparql", "SELECT ?s WHERE { ?s ?p ?o }", "--endpoint", answers + "/trickle",
                 "--timeout", "1.5")
    assert_one_line_error(result, "within 1.5 s")


def test_endpoint_answer_over_the_cap_is_refused(answers, monkeypatch):
    monkeypatch.setattr(remote, "MAX_ANSWER", 10_000)
    result = run("query", "--sparql", "SELECT ?s WHERE { ?s ?p ?o }", "--endpoint", answers + "/big")
    assert_one_line_error(result, "larger than")
    monkeypatch.setattr(remote, "MAX_ANSWER", 10_000_000)
    assert run("query", "--sparql", "SELECT ?s WHERE { ?s ?p ?o }", "--endpoint", answers + "/big",
               "--format", "csv").output.count("x" * 100) == 200


def test_warnings_from_the_confined_child_reach_the_user():
    result = run("query", "--input", str(MINI), "--sparql", "SELECT ?x WHERE { ?x ?p ?o }",
                 "--param", "x=<https://w3id.org/r2pkg/resource/nothing-here>")
    assert result.exit_code == 0
    assert "warning: --param x: https://w3id.org/r2pkg/resource/nothing-here is not in the graph" in result.output
