"""r2pkg push into a real Oxigraph server and store: by PUT, by the server's bulk loader over HTTP (plain and
gzip), and by `oxigraph load` into the store folder; every named query gives the embedded store's rows."""

from __future__ import annotations

import contextlib
import gzip
import http.server
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from conftest import free_port, wait_until_answering
from test_query import canonical, oxigraph_server  # noqa: F401 - the server fixture

from graph.cli import cli
from graph.errors import InputError
from graph.queries import named_queries, run_query
from graph.remote import push, write_ntriples
from graph.server_loaders import oxigraph_load, oxigraph_load_file
from graph.store import KnowledgeGraph

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
GRAPH = "https://w3id.org/r2pkg/graph/brief-2013"
OXIGRAPH = shutil.which("oxigraph")
needs_oxigraph = pytest.mark.skipif(OXIGRAPH is None, reason="the oxigraph command (pip install oxigraph) is missing")


def server_count(base: str, graph: str | None = None) -> int:
    return int(run_query(sparql=COUNT, endpoint=f"{base}/query", default_graph=graph).records()[0]["n"])


def distinct_triples(kg) -> int:
    return len({(q.subject, q.predicate, q.object) for q in kg.store})


def assert_every_named_query_matches(base: str, kg, graph: str | None = None) -> None:
    for name, q in named_queries().items():
        params = q.example_values() if any(p.required for p in q.params) else {}
        local = run_query(kg, name=name, params=params)
        there = run_query(name=name, params=params, endpoint=f"{base}/query", default_graph=graph)
        assert there.variables == local.variables, name
        assert canonical(there) == canonical(local), name
        assert local.rows or name in ("CQ07", "documents-disagree"), f"{name} has no rows to compare"


@pytest.mark.parametrize("via, gzip", [("gsp", False), ("oxigraph-bulk", False), ("oxigraph-bulk", True)])
def test_push_replaces_the_graph_with_every_distinct_triple(oxigraph_server, repo_graph, via, gzip,  # noqa: F811
                                                           tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    distinct = distinct_triples(repo_graph)
    for _ in range(2):  # the second push replaces the first, it does not add to it
        assert push(repo_graph, f"{oxigraph_server}/store", GRAPH, via=via, gzip=gzip) == distinct
        assert server_count(oxigraph_server, GRAPH) == distinct
    assert list(tmp_path.iterdir()) == [], "the temporary N-Triples file is removed"
    for name in ("CQ01", "CQ09", "CQ13"):
        remote = run_query(name=name, endpoint=f"{oxigraph_server}/query", default_graph=GRAPH)
        assert canonical(remote) == canonical(run_query(repo_graph, name=name)), name


def test_push_via_the_bulk_loader_from_the_shell(oxigraph_server):  # noqa: F811
    result = CliRunner().invoke(cli, ["push", "--endpoint", f"{oxigraph_server}/store", "--via", "oxigraph-bulk",
                                      "--gzip"])
    assert result.exit_code == 0, result.output
    assert "pushed" in result.output and "via oxigraph-bulk" in result.output
    n = int(result.output.split("pushed ")[1].split(" ")[0].replace(",", ""))
    assert server_count(oxigraph_server) == n > 1000


def test_a_triple_asserted_and_derived_is_written_once(tmp_path):
    kg = KnowledgeGraph()
    a, p, b, c = (ox.NamedNode(f"https://example.org/{x}") for x in "apbc")
    kg.store.add(ox.Quad(a, p, b))
    kg.add_derived([ox.Triple(a, p, b), ox.Triple(a, p, c)])  # the first is asserted too
    other = ox.NamedNode("https://example.org/graph/other")
    kg.store.add(ox.Quad(a, p, c, other))  # and a third graph repeating a derived one
    kg.store.add(ox.Quad(c, p, a, other))
    out = tmp_path / "all.nt"
    assert write_ntriples(kg, str(out)) == 3
    lines = out.read_text(encoding="utf-8").splitlines()
    assert sorted(lines) == sorted(set(lines)) and len(lines) == 3
    assert {str(t) + " ." for t in (ox.Triple(a, p, b), ox.Triple(a, p, c), ox.Triple(c, p, a))} == set(lines)


def test_unknown_via_is_one_clear_error(repo_graph):
    with pytest.raises(InputError, match="unknown --via"):
        push(repo_graph, "http://127.0.0.1:1/store", via="ftp")


def one_line_error(args: list[str], env: dict | None = None) -> str:
    result = CliRunner(env=env).invoke(cli, ["push", *args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1, result.output
    return result.output


@pytest.mark.parametrize("args, message", [
    (["--endpoint", "http://127.0.0.1:{port}/store"], "cannot reach the endpoint"),
    (["--endpoint", "http://127.0.0.1:{port}/store", "--via", "oxigraph-bulk", "--gzip"], "cannot reach"),
    (["--via", "oxigraph-bulk"], "--via oxigraph-bulk needs --endpoint"),
    (["--via", "oxigraph-load"], "--via oxigraph-load needs --location"),
    (["--via", "virtuoso-bulk", "--graph", GRAPH], "--via virtuoso-bulk needs --dump-dir"),
    (["--via", "oxigraph-load", "--location", "db", "--gzip"], "--gzip does not go with --via oxigraph-load"),
    (["--endpoint", "http://127.0.0.1:{port}/store", "--location", "db"], "--location does not go with --via gsp"),
])
def test_bad_push_is_one_line(args, message):
    port = str(free_port())  # nothing listens there
    assert message in one_line_error([a.replace("{port}", port) for a in args])


# --- `oxigraph load` into the store folder -----------------------------------------------------------------------

@contextlib.contextmanager
def serving(location: Path, mode: str = "serve-read-only") -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen([OXIGRAPH, mode, "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(f"{base}/query?query=ASK%7B%7D", proc, 30, f"oxigraph {mode}")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@needs_oxigraph
def test_push_via_oxigraph_load_then_every_named_query_matches(repo_graph, tmp_path):
    location = tmp_path / "store"
    for _ in range(2):  # a new store, then the same store again: replaced, not doubled
        result = CliRunner().invoke(cli, ["push", "--via", "oxigraph-load", "--location", str(location)])
        assert result.exit_code == 0, result.output
        assert "via oxigraph-load" in result.output
    with serving(location) as base:
        assert server_count(base) == distinct_triples(repo_graph)
        assert_every_named_query_matches(base, repo_graph)


@needs_oxigraph
def test_oxigraph_load_into_a_named_graph_keeps_the_others(repo_graph, tmp_path):
    location = tmp_path / "store"
    other = tmp_path / "other.nt"
    other.write_text("<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n")
    oxigraph_load_file(str(other), location)  # the default graph holds something of its own
    distinct = distinct_triples(repo_graph)
    assert oxigraph_load(repo_graph, location, GRAPH) == distinct
    assert oxigraph_load(repo_graph, location, GRAPH) == distinct
    with serving(location) as base:
        assert server_count(base, GRAPH) == distinct
        assert server_count(base) == 1
        for name in ("CQ01", "CQ13"):
            there = run_query(name=name, endpoint=f"{base}/query", default_graph=GRAPH)
            assert canonical(there) == canonical(run_query(repo_graph, name=name)), name


@needs_oxigraph
def test_oxigraph_load_refuses_a_store_a_server_holds(tmp_path):
    location = tmp_path / "store"
    (tmp_path / "one.nt").write_text("<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n")
    oxigraph_load_file(str(tmp_path / "one.nt"), location)
    with serving(location, "serve") as base:
        out = one_line_error(["--via", "oxigraph-load", "--location", str(location)])
        assert "open in another process" in out and "stop the server" in out
        assert server_count(base) == 1, "nothing was written"


@needs_oxigraph
def test_oxigraph_load_refuses_a_folder_that_is_no_store(tmp_path):
    (tmp_path / "notes.txt").write_text("not a store")
    assert "not an Oxigraph store" in one_line_error(["--via", "oxigraph-load", "--location", str(tmp_path)])
    assert "not a folder" in one_line_error(["--via", "oxigraph-load", "--location", str(tmp_path / "notes.txt")])
    missing = tmp_path / "no" / "such"
    assert "parent folder does not exist" in one_line_error(["--via", "oxigraph-load", "--location", str(missing)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"], "nothing written"


@needs_oxigraph
def test_a_loader_error_is_one_line(tmp_path):
    bad = tmp_path / "bad.nt"
    bad.write_text('<https://example.org/s> <https://example.org/p> "unterminated .\n')
    with pytest.raises(InputError, match=r"`oxigraph load` failed: .*bad\.nt") as failed:
        oxigraph_load_file(str(bad), tmp_path / "store")
    assert "\n" not in str(failed.value)


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Keeps each PUT's headers and body (chunked bodies read chunk by chunk, as urllib sends them)."""

    received: list[tuple[dict, bytes]] = []

    def do_PUT(self) -> None:  # noqa: N802 - the name http.server calls
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = b""
            while size := int(self.rfile.readline().strip(), 16):
                body += self.rfile.read(size)
                self.rfile.readline()
            self.rfile.readline()
        else:
            body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def test_gzip_sends_the_same_triples_compressed(repo_graph):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/store"
        plain_n = push(repo_graph, url, GRAPH)
        packed_n = push(repo_graph, url, GRAPH, gzip=True)
    finally:
        server.shutdown()
        server.server_close()
    (plain_headers, plain), (packed_headers, packed) = _Recorder.received[-2:]
    assert plain_n == packed_n == plain.count(b"\n") == distinct_triples(repo_graph)
    assert "Content-Encoding" not in plain_headers and packed_headers["Content-Encoding"] == "gzip"
    assert len(packed) < len(plain) / 4 and gzip.decompress(packed) == plain
