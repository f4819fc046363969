"""AIF JSON read back by arguebuf (a maintained AIF library): I-nodes, RA- and CA-nodes and their edges
counted against the graph; the AIF+ locutions carry each quote verbatim and the participant who said it."""

from __future__ import annotations

import io
import json
from collections import Counter, defaultdict

import arguebuf
import pytest
from arguebuf.model.scheme import Attack, Support

from graph.exporting import export_graph


def rows(kg, sparql):
    res = kg.query(sparql)
    names = [v.value for v in res.variables]
    return [{k: r[k].value for k in names} for r in res]


@pytest.fixture(scope="module")
def aif_text(repo_graph):
    return export_graph(repo_graph, "aif")


def test_arguebuf_reads_claims_supports_attacks_and_edges(repo_graph, aif_text):
    g = arguebuf.load.io(io.StringIO(aif_text), ".json")
    claims = {r["c"] for r in rows(repo_graph, "SELECT ?c WHERE { ?c a r2p:Claim }")}
    relations = rows(repo_graph, """SELECT ?kind ?rel ?premise ?conclusion WHERE {
        VALUES ?kind { r2p:Support r2p:Attack } ?rel a ?kind ; r2p:premise ?premise ; r2p:conclusion ?conclusion }""")
    kinds = {r["rel"]: r["kind"].rsplit("#", 1)[-1] for r in relations}
    assert set(g.atom_nodes) == claims
    assert set(g.scheme_nodes) == set(kinds)
    got = Counter(type(n.scheme).__name__ for n in g.scheme_nodes.values())
    assert got == Counter(kinds.values()) and got["Attack"] > 0
    for iri, node in g.scheme_nodes.items():
        assert isinstance(node.scheme, Support if kinds[iri] == "Support" else Attack)
    ends = {(r["premise"], r["rel"]) for r in relations} | {(r["rel"], r["conclusion"]) for r in relations}
    assert {(e.source.id, e.target.id) for e in g.edges.values()} == ends and len(g.edges) == len(ends)


def test_locutions_carry_each_quote_verbatim_and_who_said_it(repo_graph, aif_text):
    aif = json.loads(aif_text)
    nodes = {n["nodeID"]: n for n in aif["nodes"]}
    quotes, speakers = defaultdict(set), {}
    for r in rows(repo_graph, """SELECT ?c ?quote ?agent WHERE { ?c a r2p:Claim ;
            r2p:hasQuote/oa:hasSelector/oa:exact ?quote ; prov:wasAttributedTo ?agent }"""):
        quotes[r["c"]].add(r["quote"])
        speakers[r["c"]] = r["agent"]
    # L -> YA -> I: each claim's locutions are its quotes, each spoken by the claim's attributed agent
    targets = {e["fromID"]: e["toID"] for e in aif["edges"]}
    person = {loc["nodeID"]: loc["personID"] for loc in aif["locutions"]}
    participants = {p["participantID"]: p for p in aif["participants"]}
    said: dict[str, set] = defaultdict(set)
    for n in nodes.values():
        if n["type"] == "L":
            anchor = nodes[targets[n["nodeID"]]]
            assert anchor["type"] == "YA" and anchor["text"] == "Asserting"
            claim = targets[anchor["nodeID"]]
            said[claim].add(n["text"])
            assert person[n["nodeID"]] == speakers[claim] and speakers[claim] in participants
    assert said == quotes
    labels = {r["a"]: r["label"] for r in rows(repo_graph, "SELECT ?a ?label WHERE { ?a a ?t ; rdfs:label ?label }")}
    for iri, p in participants.items():
        assert f"{p['firstname']} {p['surname']}".strip() == labels[iri]
