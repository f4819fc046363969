"""SPARQL a project brings (rules/, qc/, queries/, the shapes' sh:select) is held to the same rules as a query from
the shell: it never calls out (SERVICE) or writes, and its errors are one line naming the file."""

from __future__ import annotations

import http.server
import shutil
import threading
from pathlib import Path

import pytest
from conftest import FIXTURES
from test_project import one_error_line, run

SERVICE = "SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }}"


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("R2PKG_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "data").mkdir()
    shutil.copy(FIXTURES / "corpus" / "workshop-nodes.ttl", tmp_path / "data")
    (tmp_path / "r2pkg.toml").write_text("[project]\n")
    return tmp_path


@pytest.fixture
def listener():
    """A local HTTP server that records every request made to it (none may come)."""
    asked: list[str] = []

    class Record(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            asked.append(self.path)
            self.send_response(500)
            self.end_headers()

        do_POST = do_GET  # noqa: N815

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Record)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_port, asked
    finally:
        server.shutdown()


def test_a_rule_with_service_is_refused_before_anything_is_fetched(project, listener):
    port, asked = listener
    rule = project / "rules" / "federated.rq"
    rule.parent.mkdir()
    rule.write_text("CONSTRUCT { ?s ?p ?o } WHERE { " + SERVICE.format(port=port) + " }\n")
    line = one_error_line(run("query", "--sparql", "ASK { ?s ?p ?o }", cwd=project))  # derives, running the rule
    assert line.startswith(f"Error: {rule}: a rule uses SERVICE"), line
    assert asked == []


def test_a_qc_check_with_service_is_refused(project, listener):
    port, asked = listener
    check = project / "qc" / "federated.rq"
    check.parent.mkdir()
    check.write_text("# severity: WARNING\nSELECT ?entity ?message WHERE { " + SERVICE.format(port=port) + " }\n")
    line = one_error_line(run("validate", cwd=project))
    assert str(check) in line and "a QC check uses SERVICE" in line, line
    assert asked == []


def test_a_shapes_sh_select_with_service_is_refused(project, listener, tmp_path):
    port, asked = listener
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
        "ex:Shape a sh:NodeShape ; sh:targetClass ex:Thing ;\n"
        f'  sh:sparql [ sh:select "SELECT $this WHERE {{ {SERVICE.format(port=port)} }}" ] .\n')
    for engine in ("sparql", "pyshacl"):
        line = one_error_line(run("validate", "--shapes", shapes, "--engine", engine, cwd=project))
        assert str(shapes) in line and "the sh:select of ex:Shape uses SERVICE" in line, line
    assert asked == []


@pytest.mark.parametrize(("text", "says"), [
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p }", "SPARQL syntax error: error at "),
    ("SELECT ?s WHERE { ?s ?p ?o }", "expected a CONSTRUCT or DESCRIBE query"),
])
def test_a_broken_rule_is_one_line_naming_its_file(project, text, says):
    rule = project / "rules" / "broken.rq"
    rule.parent.mkdir()
    rule.write_text(text + "\n")
    line = one_error_line(run("query", "--sparql", "ASK { ?s ?p ?o }", cwd=project))
    assert line.startswith(f"Error: {rule}: ") and says in line, line
    assert len(line) < 300  # pyoxigraph's lists of character ranges are left out


def test_a_broken_qc_check_is_one_line_naming_its_file(project):
    check = project / "qc" / "broken.rq"
    check.parent.mkdir()
    check.write_text("# severity: WARNING\nSELECT ?entity WHERE { ?entity ?p }\n")
    line = one_error_line(run("validate", cwd=project))
    assert line.startswith(f"Error: {check}: SPARQL syntax error"), line


def test_a_bad_param_line_in_a_project_query_is_one_line_for_queries_and_query(project):
    query = project / "queries" / "mine.rq"
    query.parent.mkdir()
    query.write_text("# title: mine\n# param: x color required\nSELECT ?x WHERE { ?x ?p ?o }\n")
    for command in (["queries"], ["query", "mine"]):
        line = one_error_line(run(*command, cwd=project))
        assert line.startswith(f"Error: {query}: bad param line"), line


def test_an_unknown_prefix_is_named():
    line = one_error_line(run("query", "--sparql", "SELECT * WHERE { ?s r2p:label ?o . ?s nope:x ?z }"))
    assert "unknown prefix nope:" in line and "r2pr:" in line, line
    query = "PREFIX nope: <http://e/> SELECT * WHERE { ?s nope:x ?z ; un:y 1 }"
    declared = one_error_line(run("query", "--sparql", query))
    assert "unknown prefix un:" in declared, declared
