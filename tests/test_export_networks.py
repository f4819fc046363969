"""GraphML and GEXF exports read back by networkx: every link, requirement, claim and relation, with its
attributes, against what SPARQL says the graph holds."""

from __future__ import annotations

import io
from collections import defaultdict

import networkx as nx
import pytest

from graph.exporting import export_graph

R2P = "https://w3id.org/r2pkg/ontology#"
R2PR = "https://w3id.org/r2pkg/resource/"
READERS = {
    "graphml": lambda text: nx.read_graphml(io.BytesIO(text.encode("utf-8")), force_multigraph=True),
    "gexf": lambda text: nx.read_gexf(io.BytesIO(text.encode("utf-8"))),
}


def rows(kg, sparql):
    return [{k: (r[k].value if r[k] is not None else None) for k in (v.value for v in res.variables)}
            for res in [kg.query(sparql)] for r in res]


@pytest.fixture(scope="module")
def expected(repo_graph):
    """Links (with a signed relation), requirements, claims, supports and attacks, straight from SPARQL."""
    links: dict[str, dict] = defaultdict(lambda: {"claims": set(), "quotes": set()})
    for r in rows(repo_graph, """SELECT ?link ?cause ?effect ?polarity ?modality ?claim ?quote WHERE {
            ?link a r2p:CausalLink ; r2p:cause ?cause ; r2p:effect ?effect ; r2p:relation ?rel .
            ?rel r2p:polarity ?polarity . OPTIONAL { ?link r2p:modality ?modality }
            OPTIONAL { ?link r2p:assertedBy ?claim
                       OPTIONAL { ?claim r2p:hasQuote/oa:hasSelector/oa:exact ?quote } } }"""):
        d = links[r["link"]]
        d.update(cause=r["cause"], effect=r["effect"], polarity=int(r["polarity"]),
                 modality=r["modality"] or R2P + "Asserted")
        d["claims"].add(r["claim"])
        d["quotes"].add(r["quote"])
    requirements = {r["req"]: r for r in rows(repo_graph, """SELECT ?req ?dependent ?prerequisite WHERE {
            ?req a r2p:Requirement ; r2p:dependent ?dependent ; r2p:prerequisite ?prerequisite }""")}
    claims: dict[str, dict] = defaultdict(lambda: {"quotes": set()})
    for r in rows(repo_graph, """SELECT ?c ?label ?quote WHERE { ?c a r2p:Claim ; rdfs:label ?label ;
            r2p:hasQuote/oa:hasSelector/oa:exact ?quote }"""):
        claims[r["c"]]["label"] = r["label"]
        claims[r["c"]]["quotes"].add(r["quote"])
    relations = {(r["kind"], r["rel"], r["premise"], r["conclusion"]) for r in rows(repo_graph, """
        SELECT ?kind ?rel ?premise ?conclusion WHERE { VALUES ?kind { r2p:Support r2p:Attack }
            ?rel a ?kind ; r2p:premise ?premise ; r2p:conclusion ?conclusion }""")}
    mappings = defaultdict(set)
    for r in rows(repo_graph, """SELECT ?node ?label WHERE { ?m a r2p:Mapping ; r2p:mappedNode ?node ;
            r2p:mappedConcept ?c . ?c rdfs:label ?label }"""):
        mappings[r["node"]].add(r["label"])
    return {"links": dict(links), "requirements": requirements, "claims": dict(claims), "relations": relations,
            "mappings": mappings}


def edges_by_iri(g) -> dict[str, tuple[str, str, dict]]:
    return {d["iri"]: (u, v, d) for u, v, d in g.edges(data=True)}


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_causal_layer_reads_back_with_every_link_requirement_and_attribute(repo_graph, expected, fmt):
    g = READERS[fmt](export_graph(repo_graph, fmt))
    links, reqs = expected["links"], expected["requirements"]
    edges = edges_by_iri(g)
    assert g.number_of_edges() == len(links) + len(reqs) == len(edges)
    assert set(edges) == set(links) | set(reqs)
    for iri, want in links.items():
        u, v, d = edges[iri]
        assert (u, v) == (want["cause"], want["effect"]) and d["layer"] == "causal"
        assert d["polarity"] == want["polarity"] and d["modality_iri"] == want["modality"]
        assert set(d["claims"].split()) == want["claims"] - {None}
        assert all(q in d["quote"] for q in want["quotes"] - {None}), iri
        assert d["speaker"] and d["breadth"] and d["modality"]
    curators = {r["x"] for r in rows(repo_graph, """SELECT ?x WHERE { ?x r2p:inferredByCurators true
        FILTER NOT EXISTS { ?x a r2p:ArgumentRelation } }""")}
    assert curators and {iri for iri, (_, _, d) in edges.items() if d["inferred_by_curators"]} == curators
    for iri, want in reqs.items():
        u, v, d = edges[iri]
        assert (u, v) == (want["dependent"], want["prerequisite"]) and d["layer"] == "requirement"
        assert d["relation"] == "requires"
    nodes = {n for link in links.values() for n in (link["cause"], link["effect"])}
    assert nodes <= set(g.nodes)
    labels = {r["n"]: r["label"] for r in rows(repo_graph, "SELECT ?n ?label WHERE { ?n rdfs:label ?label }")}
    for n in nodes:
        assert g.nodes[n]["label"] == labels[n] and g.nodes[n]["iri"] == n and g.nodes[n]["type"]
    mapped = [n for n in g.nodes if n in expected["mappings"]]
    assert mapped, "risk factors carry the curators' UN Framework mappings"
    for n in mapped:
        assert all(label in g.nodes[n]["curators_un_framework"] for label in expected["mappings"][n])


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_argument_layer_reads_back_with_every_claim_and_relation(repo_graph, expected, fmt):
    g = READERS[fmt](export_graph(repo_graph, f"{fmt}-arguments"))
    claims = expected["claims"]
    assert set(g.nodes) == set(claims)
    for iri, want in claims.items():
        d = g.nodes[iri]
        assert d["label"] == want["label"] and all(q in d["quote"] for q in want["quotes"])
        assert d["speaker"] and d["breadth"] and d["section"]
    got = sorted((d["relation"], d["iri"], u, v) for u, v, d in g.edges(data=True))
    want = sorted((k.rsplit("#", 1)[-1].lower(), rel, p, c) for k, rel, p, c in expected["relations"])
    assert got == want
    assert sum(1 for x in got if x[0] == "attack") > 0
    # a support or attack the text does not state is the curators' reading there too
    curators = {r["x"] for r in rows(repo_graph, """SELECT ?x WHERE { ?x a r2p:ArgumentRelation ;
        r2p:inferredByCurators true }""")}
    assert curators and {d["iri"] for _, _, d in g.edges(data=True) if d["inferred_by_curators"]} == curators


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_a_link_keeps_its_label_and_one_speaker_and_attribution_per_claim(repo_graph, fmt):
    """The label is where an aim, a proposal or the curators' reading is said as such; speakers, breadths and
    attributions line up with the claims, so a tool shows who said what (para 35's "to lessen" is an aim)."""
    g = READERS[fmt](export_graph(repo_graph, fmt))
    edges = edges_by_iri(g)
    labels = {r["l"]: r["label"] for r in rows(repo_graph, "SELECT ?l ?label WHERE { VALUES ?k { r2p:CausalLink "
                                                   "r2p:Requirement } ?l a ?k ; rdfs:label ?label }")}
    assert {iri: d["label"] for iri, (_, _, d) in edges.items()} == {iri: labels[iri] for iri in edges}
    assert edges[R2PR + "link-ombudsman-model-mitigates-group-marginalization"][2]["label"].startswith("aim")
    for iri, (_, _, d) in edges.items():
        n = len(d["claims"].split())
        assert len(d["speaker"].split(" | ")) == len(d["breadth"].split(" | ")) == n, iri
        assert len(d["attributed_to"].split(" | ")) == n, iri
    baker = edges[R2PR + "link-citizenship-model-prevents-mass-atrocities"][2]
    assert "Baker" in baker["attributed_to"]


def test_graphml_key_ids_are_unique(repo_graph):
    """GraphML's key ids are XML IDs: a node and an edge attribute of one name (iri, label) must not share one."""
    import xml.etree.ElementTree as ET

    for fmt in ("graphml", "graphml-arguments"):
        root = ET.fromstring(export_graph(repo_graph, fmt))
        ids = [k.get("id") for k in root.iter("{http://graphml.graphdrawing.org/xmlns}key")]
        assert ids and len(ids) == len(set(ids)), fmt


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_a_link_is_contested_as_the_pathways_count_it(repo_graph, fmt):
    """Attacked, or resting on a position of an issue whose other side holds one: para 15's "still no consensus
    about the strategy" contests the development route as the pathways table says it does."""
    edges = edges_by_iri(READERS[fmt](export_graph(repo_graph, fmt)))
    development = edges[R2PR + "link-development-integration-mitigates-government-restrictions"][2]
    assert development["contested"] and R2PR + "issue-prevention-development-strategy" in development["contested_by"]
    ombudsman = edges[R2PR + "link-ombudsman-model-strengthens-identity-politics"][2]
    assert R2PR + "issue-ombudsman-model" in ombudsman["contested_by"].split()
    assert all(d["contested"] == bool(d["contested_by"]) for _, _, d in edges.values())
    assert not edges[R2PR + "link-conflict-undermines-trust"][2]["contested"]


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_a_requirement_whose_label_names_the_curators_reading_carries_their_note(repo_graph, fmt):
    """Para 25: McFate's "these processes" read as DDR and SSR is the curators' reading of an antecedent, said in
    the label and explained in the note; a Gephi user who filters on the label's words finds why."""
    g = READERS[fmt](export_graph(repo_graph, fmt))
    notes = {r["x"]: r["note"] for r in rows(repo_graph, """SELECT ?x ?note WHERE { ?x a r2p:Requirement ;
        skos:editorialNote ?note }""")}
    edges = edges_by_iri(g)
    assert notes and all(edges[x][2]["curators_note"] == note for x, note in notes.items())
    assert all(not d.get("curators_note") for iri, (_, _, d) in edges.items() if iri not in notes)
    assert any("these processes" in n for n in notes.values())


def test_a_claims_quotes_come_in_the_order_the_text_reads_them(repo_graph, repo_project):
    """Para 33's claim is quoted on both sides of a page break: with the brief's text, "... contrasted Nigeria with
    South" comes before "Africa's attempts ...", so the joined field reads as the text does."""
    from graph.api import project_texts

    g = READERS["graphml"](export_graph(repo_graph, "graphml-arguments", texts=project_texts(repo_project)))
    quotes = g.nodes["https://w3id.org/r2pkg/resource/claim-p33-01"]["quote"].split(" | ")
    assert len(quotes) == 2 and quotes[0].endswith("contrasted Nigeria with South"), quotes
    assert quotes[1].startswith("Africa's attempts"), quotes
