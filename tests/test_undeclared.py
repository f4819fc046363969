"""Queries mean what the ontology says: its own entailments are materialised, undeclared r2p terms are warned
about (stderr for `r2pkg query`, a Warning header at the endpoint), named queries answer each row once."""

from __future__ import annotations

import http.client
import threading
import urllib.parse

import pytest
from click.testing import CliRunner

import graph
from graph.cli import cli
from graph.namespaces import R2P, R2PR
from graph.queries import named_queries, run_query
from graph.undeclared import declared_terms, query_terms, undeclared_terms


@pytest.fixture(scope="module")
def derived():
    kg = graph.load_graph()
    graph.derive(kg)
    return kg


def test_a_sub_property_answers_a_query_of_its_super_property(derived):
    # r2p:dateQuote rdfs:subPropertyOf r2p:hasQuote; the brief's date is quoted with r2p:dateQuote only.
    asserted = derived.select("SELECT ?q WHERE { ?x r2p:dateQuote ?q }", asserted_only=True)
    assert asserted and not derived.select("SELECT ?q WHERE { ?x r2p:dateQuote ?q . ?x r2p:hasQuote ?q }",
                                           asserted_only=True)
    assert derived.select("SELECT ?q WHERE { ?x r2p:dateQuote ?q . ?x r2p:hasQuote ?q }")
    # r2p:chair rdfs:subPropertyOf prov:wasAssociatedWith: the meeting's chair is associated with it.
    chairs = derived.select("SELECT ?m ?who WHERE { ?m r2p:chair ?who }")
    assert chairs
    for row in chairs:
        assert derived.query("ASK { ?m prov:wasAssociatedWith ?who }", {"m": row["m"], "who": row["who"]})


def test_an_instance_of_a_sub_class_is_an_instance_of_its_super_class(derived):
    ghana = R2PR["ghana"]
    assert not derived.query("ASK { ?x a r2p:Place }", {"x": ghana}, asserted_only=True)
    assert derived.query("ASK { ?x a r2p:Place }", {"x": ghana})


def test_entailment_writes_no_triple_twice(derived):
    every = derived.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    once = derived.select("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
    assert int(every[0]["n"]) == int(once[0]["n"])


@pytest.mark.parametrize("name", list(named_queries()))
def test_named_queries_return_each_answer_once(derived, name):
    q = named_queries()[name]
    examples = {p.name: p.example for p in q.params if p.example}
    for params in ({p.name: p.example for p in q.params if p.required}, {**examples}):
        rows = run_query(derived, name=name, params=params).terms()
        keys = [tuple(sorted((k, str(v)) for k, v in r.items())) for r in rows]
        assert len(keys) == len(set(keys)), name


def test_query_terms_resolve_prefixes_and_skip_strings_and_comments():
    text = ("PREFIX x: <https://w3id.org/r2pkg/ontology#>\nSELECT * WHERE { ?l x:relation x:RequiresRelation "
            "# r2p:InAComment\n FILTER(?x = 'r2p:InAString') }")
    assert query_terms(text) == {str(R2P.relation), str(R2P.RequiresRelation)}
    assert query_terms("SELECT * WHERE { ?s ?p") == frozenset()  # the store reports the syntax error


def test_undeclared_terms_are_found_against_the_ontology(derived):
    declared = declared_terms(derived)
    assert str(R2P.hasQuote) in declared and str(R2P.Claim) in declared and str(R2P.Possible) in declared
    assert undeclared_terms("SELECT * WHERE { ?l r2p:relation r2p:RequiresRelation }", declared) == [
        str(R2P.RequiresRelation)]
    assert undeclared_terms("SELECT * WHERE { ?c a r2p:Claim ; r2p:hasQuote ?q }", declared) == []


def test_cli_query_warns_on_stderr_and_still_answers():
    result = CliRunner().invoke(cli, ["query", "--sparql", "SELECT ?l WHERE { ?l r2p:relation r2p:RequiresRelation }"])
    assert result.exit_code == 0
    assert "warning: the query names an r2p term the ontology does not declare (or keeps only as deprecated) " \
           "(r2p:RequiresRelation)" \
        in result.stderr
    assert "(no rows)" in result.stdout
    clean = CliRunner().invoke(cli, ["query", "--sparql", "SELECT ?c WHERE { ?c a r2p:Claim } LIMIT 1"])
    assert clean.exit_code == 0 and "warning" not in clean.stderr


def test_endpoint_sends_a_warning_header():
    from graph.server import make_server

    kg = graph.load_graph()
    srv = make_server(lambda: kg, "127.0.0.1", 0, 30, "build-none", workers=1, quiet=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        host, port = srv.server_address[:2]

        def get(query: str) -> tuple[int, dict[str, str]]:
            conn = http.client.HTTPConnection(host, port, timeout=30)
            try:
                conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}))
                r = conn.getresponse()
                r.read()
                return r.status, {k.lower(): v for k, v in r.getheaders()}
            finally:
                conn.close()

        status, headers = get("SELECT ?l WHERE { ?l r2p:relation r2p:RequiresRelation }")
        assert status == 200 and "r2p:RequiresRelation" in headers.get("warning", "")
        status, headers = get("SELECT ?c WHERE { ?c a r2p:Claim } LIMIT 1")
        assert status == 200 and "warning" not in headers
    finally:
        srv.shutdown()
        srv.close()


def test_a_generated_query_longer_than_the_check_is_not_parsed_again():
    from graph.undeclared import MAX_CHECKED_CHARS

    query = "SELECT * WHERE { ?s r2p:NoSuchTerm ?o }"
    assert query_terms(query) == {"https://w3id.org/r2pkg/ontology#NoSuchTerm"}
    assert query_terms("#" + "x" * MAX_CHECKED_CHARS + "\n" + query) == frozenset()


@pytest.mark.parametrize("name", list(named_queries()))
def test_named_queries_name_only_declared_terms(derived, name):
    """`r2pkg query NAME` does not check its own queries at run time: this test does, once."""
    assert undeclared_terms(named_queries()[name].sparql, declared_terms(derived)) == [], name
