"""r2pkg push into a real Oxigraph server: streamed from a temporary file, by PUT or by the server's bulk loader."""

from __future__ import annotations

import tempfile

import pytest
from click.testing import CliRunner
from test_query import canonical, oxigraph_server  # noqa: F401 - the server fixture

from graph.cli import cli
from graph.errors import InputError
from graph.queries import run_query
from graph.remote import push

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
GRAPH = "https://w3id.org/r2pkg/graph/brief-2013"


def server_count(base: str, graph: str | None = None) -> int:
    return int(run_query(sparql=COUNT, endpoint=f"{base}/query", default_graph=graph).records()[0]["n"])


@pytest.mark.parametrize("via", ["gsp", "oxigraph-bulk"])
def test_push_replaces_the_graph_with_every_distinct_triple(oxigraph_server, repo_graph, via, tmp_path,  # noqa: F811
                                                           monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    distinct = len({(q.subject, q.predicate, q.object) for q in repo_graph.store})
    for _ in range(2):  # the second push replaces the first, it does not add to it
        assert push(repo_graph, f"{oxigraph_server}/store", GRAPH, via=via) == distinct
        assert server_count(oxigraph_server, GRAPH) == distinct
    assert list(tmp_path.iterdir()) == [], "the temporary N-Triples file is removed"
    for name in ("CQ01", "CQ09", "CQ13"):
        remote = run_query(name=name, endpoint=f"{oxigraph_server}/query", default_graph=GRAPH)
        assert canonical(remote) == canonical(run_query(repo_graph, name=name)), name


def test_push_via_the_bulk_loader_from_the_shell(oxigraph_server):  # noqa: F811
    result = CliRunner().invoke(cli, ["push", "--endpoint", f"{oxigraph_server}/store", "--via", "oxigraph-bulk"])
    assert result.exit_code == 0, result.output
    assert "pushed" in result.output
    n = int(result.output.split("pushed ")[1].split(" ")[0].replace(",", ""))
    assert server_count(oxigraph_server) == n > 1000


def test_unknown_via_is_one_clear_error(repo_graph):
    with pytest.raises(InputError, match="unknown --via"):
        push(repo_graph, "http://127.0.0.1:1/store", via="ftp")
