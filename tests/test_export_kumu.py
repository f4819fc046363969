"""The Kumu blueprint checked against the structure Kumu documents (tests/fixtures/exports/
kumu-blueprint.schema.json) and against the graph: every causal link and requirement a connection with
its modality, polarity, quotes, speaker and breadth; every node an element with its type and mappings."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import jsonschema
import pytest

from graph.exporting import export_graph

SCHEMA = Path(__file__).resolve().parent / "fixtures" / "exports" / "kumu-blueprint.schema.json"


def rows(kg, sparql):
    res = kg.query(sparql)
    names = [v.value for v in res.variables]
    return [{k: (r[k].value if r[k] is not None else None) for k in names} for r in res]


@pytest.fixture(scope="module")
def blueprint(repo_graph):
    return json.loads(export_graph(repo_graph, "kumu"))


def test_blueprint_has_the_structure_kumu_documents(blueprint):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(blueprint, schema, cls=jsonschema.Draft202012Validator)
    ids = [e["id"] for e in blueprint["elements"]] + [c["id"] for c in blueprint["connections"]]
    assert len(ids) == len(set(ids)), "Kumu: ids are unique across elements and connections"
    elements = {e["id"] for e in blueprint["elements"]}
    assert all(c["from"] in elements and c["to"] in elements for c in blueprint["connections"])


def test_every_link_and_requirement_is_a_connection_with_its_fields(repo_graph, blueprint):
    links: dict[str, dict] = defaultdict(lambda: {"quotes": set()})
    for r in rows(repo_graph, """SELECT ?link ?cause ?effect ?modality ?quote ?rel WHERE {
            ?link a r2p:CausalLink ; r2p:cause ?cause ; r2p:effect ?effect ; r2p:relation ?rel .
            ?rel r2p:polarity ?p . OPTIONAL { ?link r2p:modality ?modality }
            OPTIONAL { ?link r2p:assertedBy/r2p:hasQuote/oa:hasSelector/oa:exact ?quote } }"""):
        links[r["link"]].update(ends=(r["cause"], r["effect"]), modality=r["modality"], relation=r["rel"])
        links[r["link"]]["quotes"].add(r["quote"])
    reqs = {r["req"]: (r["d"], r["p"]) for r in rows(repo_graph, """SELECT ?req ?d ?p WHERE {
            ?req a r2p:Requirement ; r2p:dependent ?d ; r2p:prerequisite ?p }""")}
    labels = {r["x"]: r["l"] for r in rows(repo_graph, "SELECT ?x ?l WHERE { ?x rdfs:label ?l }")}
    connections = {c["id"]: c for c in blueprint["connections"]}
    assert set(connections) == set(links) | set(reqs)
    for iri, want in links.items():
        c = connections[iri]
        assert (c["from"], c["to"]) == want["ends"] and c["direction"] == "directed" and c["IRI"] == iri
        assert c["Relation IRI"] == want["relation"] and c["type"] == labels[want["relation"]]
        assert c["Modality"] == labels[want["modality"] or "https://w3id.org/r2pkg/ontology#Asserted"]
        assert set(c["Quote"]) == want["quotes"] - {None} and c["Speaker"] and c["Breadth"]
        assert c["Polarity"] in (1, -1)
    for iri, ends in reqs.items():
        assert (connections[iri]["from"], connections[iri]["to"]) == ends and connections[iri]["Layer"] == "requirement"
    elements = {e["id"]: e for e in blueprint["elements"]}
    for e in elements.values():
        assert e["label"] == labels[e["id"]] and e["type"]
    mapped = {r["n"] for r in rows(repo_graph, "SELECT ?n WHERE { ?m a r2p:Mapping ; r2p:mappedNode ?n }")}
    assert any(elements[n]["UN Framework (curators' mapping)"] for n in mapped if n in elements)
    assert all(elements[n]["UN Framework (curators' mapping)"] for n in mapped if n in elements)
