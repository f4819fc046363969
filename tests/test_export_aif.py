"""AIF JSON read back by arguebuf (a maintained AIF library): I-nodes, RA- and CA-nodes and their edges
counted against the graph; the AIF+ locutions carry each quote verbatim and the participant who said it; the
schemes are the ontology's alignment, and an attack on a support is stateable and exported."""

from __future__ import annotations

import io
import json
from collections import Counter, defaultdict

import arguebuf
import pytest
from arguebuf.model.scheme import Attack, Support

from graph import load_graph
from graph.errors import InputError
from graph.exporting import export_graph
from graph.validation import validate

P = """PREFIX r2p: <https://w3id.org/r2pkg/ontology#> PREFIX r2pr: <https://w3id.org/r2pkg/resource/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX aif: <http://www.arg.dundee.ac.uk/aif#>
"""


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
    part = {r["c"] for r in rows(repo_graph, """SELECT ?c WHERE { ?c a r2p:Claim ; prov:wasAttributedTo ?g ;
            r2p:consensus ?level . ?g a foaf:Group . ?level r2p:rank ?rank .
            r2p:Participants r2p:rank ?whole FILTER(?rank < ?whole) }""")}
    for r in rows(repo_graph, """SELECT ?c ?quote ?agent WHERE { ?c a r2p:Claim ;
            r2p:hasQuote/oa:hasSelector/oa:exact ?quote ; prov:wasAttributedTo ?agent }"""):
        quotes[r["c"]].add(r["quote"])
        # a view of part of a group ("some participants") is that part's, unnamed, never the whole group's
        speakers[r["c"]] = f"{r['c']}#speakers" if r["c"] in part else r["agent"]
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
        if iri.endswith("#speakers"):
            assert p["firstname"].endswith("(of the roundtable participants, unnamed)"), p
        else:
            assert f"{p['firstname']} {p['surname']}".strip() == labels[iri]
    assert len(part) >= 20 and part <= {c for c in quotes}
    # para 12's two sides, "some participants" and "other participants", are not one speaker contradicting itself
    for attack in ("attack-p12-01", "attack-p12-02"):
        ends = [e for e in aif["edges"] if attack in (e["fromID"].rsplit("/", 1)[-1], e["toID"].rsplit("/", 1)[-1])]
        claims = {e["fromID"] for e in ends if e["toID"].endswith(attack)} | {e["toID"] for e in ends
                                                                               if e["fromID"].endswith(attack)}
        assert len({speakers[c] for c in claims}) == len(claims) == 2, (attack, claims)


def test_a_relation_the_text_does_not_state_is_marked_the_curators_reading(repo_graph, aif_text):
    want = {r["rel"] for r in rows(repo_graph, """SELECT ?rel WHERE { ?rel a r2p:ArgumentRelation ;
        r2p:inferredByCurators true }""")}
    got = {n["nodeID"] for n in json.loads(aif_text)["nodes"] if n.get("curatorsReading")}
    assert want and got == want


def test_s_node_schemes_are_the_ontologys_alignment_and_arguebuf_reads_them(repo_graph, aif_text):
    """Each RA/CA node carries the r2p:aifScheme of its support kind (else of its class), a name arguebuf knows."""
    kinds = {r["rel"]: (r["kind"], r.get("sk")) for r in rows(repo_graph, """SELECT ?rel ?kind ?sk WHERE {
        VALUES ?kind { r2p:Support r2p:Attack } ?rel a ?kind OPTIONAL { ?rel r2p:supportKind ?sk } }""")}
    scheme = {r["t"]: r["s"] for r in rows(repo_graph, "SELECT ?t ?s WHERE { ?t r2p:aifScheme ?s }")}
    nodes = {n["nodeID"]: n for n in json.loads(aif_text)["nodes"]}
    for rel, (kind, support_kind) in kinds.items():
        assert nodes[rel]["scheme"] == scheme.get(support_kind, scheme[kind])
        assert nodes[rel]["type"] == ("RA" if kind.endswith("Support") else "CA")
    g = arguebuf.load.io(io.StringIO(aif_text), ".json")
    r2p = "https://w3id.org/r2pkg/ontology#"
    by_kind = Counter((kinds[i][1], g.scheme_nodes[i].scheme) for i in g.scheme_nodes)
    assert by_kind[(r2p + "CaseExampleSupport", Support.EXAMPLE)] > 0
    assert by_kind[(r2p + "CausalSupport", Support.CAUSE_TO_EFFECT)] > 0
    assert not any(k == r2p + "CausalSupport" and s != Support.CAUSE_TO_EFFECT for k, s in by_kind)
    ya = {n["text"] for n in nodes.values() if n["type"] == "YA"}
    assert ya == {scheme[r2p + "hasQuote"]}


def test_the_export_follows_the_ontology_when_the_alignment_changes():
    """One source: change the alignment in the graph and the export changes with it; remove it and the export
    says what is missing instead of guessing."""
    kg = load_graph()
    kg.store.update(P + 'DELETE WHERE { r2p:CausalSupport r2p:aifScheme ?s } ; '
                        'INSERT DATA { r2p:CausalSupport r2p:aifScheme "Sign" }')
    aif = json.loads(export_graph(kg, "aif"))
    causal = {r["rel"] for r in rows(kg, "SELECT ?rel WHERE { ?rel r2p:supportKind r2p:CausalSupport }")}
    assert causal and {n["nodeID"] for n in aif["nodes"] if n.get("scheme") == "Sign"} == causal
    kg.store.update(P + "DELETE DATA { r2p:Attack rdfs:subClassOf aif:CA-node }")
    with pytest.raises(InputError, match="Attack"):
        export_graph(kg, "aif")


def test_an_attack_on_a_support_is_a_ca_node_on_the_ra_node():
    """An undercutter: the ontology lets an attack conclude a support; validation accepts it, the export draws the
    CA-node's edge to the RA-node and arguebuf reads it back. A support that concludes a support is refused."""
    kg = load_graph(derive=False)
    support, premise = next((r["s"], r["c"]) for r in rows(kg, """SELECT ?s ?c WHERE {
        ?s a r2p:Support ; r2p:premise ?p . ?c a r2p:Claim FILTER NOT EXISTS { ?s r2p:premise|r2p:conclusion ?c } }
        ORDER BY ?s ?c LIMIT 1"""))
    kg.store.update(P + f"""INSERT DATA {{ r2pr:fx-undercut a r2p:Attack ; rdfs:label "fixture undercutter"@en ;
        r2p:premise <{premise}> ; r2p:conclusion <{support}> ; r2p:supportKind r2p:DisagreementAttack }}""")
    assert [f for f in validate(kg).findings if f.severity == "ERROR"] == []
    g = arguebuf.load.io(io.StringIO(export_graph(kg, "aif")), ".json")
    undercut = "https://w3id.org/r2pkg/resource/fx-undercut"
    assert isinstance(g.scheme_nodes[undercut].scheme, Attack)
    assert isinstance(g.scheme_nodes[support].scheme, Support)
    assert {(e.source.id, e.target.id) for e in g.edges.values()} >= {(premise, undercut), (undercut, support)}
    kg.store.update(P + "DELETE WHERE { r2pr:fx-undercut a r2p:Attack } ; "
                        "INSERT DATA { r2pr:fx-undercut a r2p:Support }")
    assert "shacl:SupportShape" in {f.check for f in validate(kg).findings if f.severity == "ERROR"}
