"""The brief's kinds as a SKOS hierarchy that follows r2p:kindOf, and the particulars the brief names by country."""

from __future__ import annotations

import pytest

from graph import load_graph
from graph.validation import validate

P = "PREFIX r2p: <https://w3id.org/r2pkg/ontology#> PREFIX r2pr: <https://w3id.org/r2pkg/resource/>\n" \
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
R2PR = "https://w3id.org/r2pkg/resource/"


def pairs(kg, query: str) -> set[tuple[str, str]]:
    return {(str(r["a"]).removeprefix(R2PR), str(r["b"]).removeprefix(R2PR)) for r in kg.select(query)}


def test_the_kinds_scheme_is_the_hierarchy_of_kind_of(repo_graph):
    """skos:broader between kinds is exactly r2p:kindOf between kinds, skos:narrower its inverse, and only the
    kinds with no broader kind are top concepts."""
    kind_of = pairs(repo_graph, "SELECT ?a ?b WHERE { ?a a r2p:Kind ; r2p:kindOf ?b . ?b a r2p:Kind }")
    broader = pairs(repo_graph, "SELECT ?a ?b WHERE { ?a a r2p:Kind ; skos:broader ?b }")
    narrower = pairs(repo_graph, "SELECT ?a ?b WHERE { ?b a r2p:Kind ; skos:narrower ?a }")
    assert kind_of == broader == narrower
    assert {("security-institutions", "institutions"), ("justice-institutions", "institutions"),
            ("military", "security-institutions"), ("police", "security-institutions"),
            ("judiciary", "justice-institutions"), ("federal-ombudsmen", "justice-institutions")} <= broader
    kinds = {str(r["k"]).removeprefix(R2PR) for r in repo_graph.select(
        "SELECT ?k WHERE { ?k a r2p:Kind ; skos:inScheme r2pr:kinds-2013 }")}
    tops = {str(r["k"]).removeprefix(R2PR) for r in repo_graph.select(
        "SELECT ?k WHERE { ?k skos:topConceptOf r2pr:kinds-2013 . r2pr:kinds-2013 skos:hasTopConcept ?k }")}
    assert tops == kinds - {a for a, _ in broader}
    assert "military" not in tops and "security-institutions" not in tops and "institutions" in tops


@pytest.mark.parametrize("update, check", [
    # the hierarchy drops a kindOf the data states
    ("DELETE DATA { r2pr:military skos:broader r2pr:security-institutions }", "shacl:KindShape"),
    # the hierarchy states a broader kind the data does not
    ("INSERT DATA { r2pr:police skos:broader r2pr:justice-institutions . "
     "r2pr:justice-institutions skos:narrower r2pr:police }", "shacl:KindShape"),
    # narrower out of step with broader
    ("DELETE DATA { r2pr:justice-institutions skos:narrower r2pr:judiciary }", "shacl:KindShape"),
    # a narrower kind listed as a top concept
    ("INSERT DATA { r2pr:military skos:topConceptOf r2pr:kinds-2013 . "
     "r2pr:kinds-2013 skos:hasTopConcept r2pr:military }", "concept-scheme"),
    # a root kind no longer a top concept
    ("DELETE DATA { r2pr:police skos:broader r2pr:security-institutions . "
     "r2pr:security-institutions skos:narrower r2pr:police . r2pr:police r2p:kindOf r2pr:security-institutions }",
     "concept-scheme"),
])
def test_validation_keeps_the_hierarchy_and_kind_of_in_agreement(update, check):
    kg = load_graph(derive=False)
    assert check not in {f.check for f in validate(kg).findings if f.severity == "ERROR"}
    kg.store.update(P + update)
    errors = {f.check for f in validate(kg).findings if f.severity == "ERROR"}
    assert check in errors, (update, errors)


def about(kg, claim: str) -> set[str]:
    return {str(r["n"]).removeprefix(R2PR) for r in kg.select(f"SELECT ?n WHERE {{ r2pr:{claim} r2p:about ?n }}")}


@pytest.mark.parametrize("claim, particular, kind, place", [
    ("claim-p28-02", "venezuela-military", "military", "venezuela"),  # "politicization of the military" (para. 28)
    ("claim-p21-03", "sierra-leone-justice-systems", "justice-institutions", "sierra-leone"),  # para. 21
    ("claim-p26-02", "argentina-security-sector", "security-institutions", "argentina"),  # "security sector bodies"
])
def test_a_country_s_body_is_a_particular_of_its_kind(repo_graph, claim, particular, kind, place):
    assert particular in about(repo_graph, claim) and kind not in about(repo_graph, claim)
    assert repo_graph.select(f"SELECT * WHERE {{ r2pr:{particular} r2p:ofKind r2pr:{kind} ; "
                             f"r2p:locatedIn r2pr:{place} ; r2p:sector ?s }}")


def test_kinds_of_and_parts_of_justice_institutions(repo_graph):
    """Federal ombudsmen of unnamed Latin American countries are a kind; hybrid legal officers, who act for courts,
    are part of the justice institutions, not a kind of them; Argentina's military is one of its security bodies."""
    assert repo_graph.select("SELECT * WHERE { r2pr:federal-ombudsmen a r2p:Kind ; "
                             "r2p:kindOf r2pr:justice-institutions }")
    assert not repo_graph.select("SELECT * WHERE { r2pr:federal-ombudsmen r2p:ofKind ?k }")
    assert repo_graph.select("SELECT * WHERE { r2pr:hybrid-legal-officers r2p:partOf r2pr:justice-institutions }")
    assert not repo_graph.select("SELECT * WHERE { r2pr:hybrid-legal-officers r2p:kindOf ?k }")
    assert repo_graph.select("SELECT * WHERE { r2pr:argentina-military r2p:partOf r2pr:argentina-security-sector }")


def test_the_institutions_of_claim_p11_01_are_the_kind_its_examples_narrow(repo_graph):
    """'international actors need to develop institutions, norms, and commitment' (para. 11): a link to each of the
    three, and the paragraph's examples of institutions (security, justice) are narrower kinds of institutions."""
    rows = repo_graph.select("""SELECT ?e WHERE { ?l a r2p:CausalLink ; r2p:assertedBy r2pr:claim-p11-01 ;
        r2p:cause r2pr:international-community ; r2p:effect ?e }""")
    assert {"institutions", "anti-atrocity-norms", "prevention-commitment"} <= {
        str(r["e"]).removeprefix(R2PR) for r in rows}
    assert "institutions" in about(repo_graph, "claim-p11-01")
    assert pairs(repo_graph, "SELECT ?a ?b WHERE { ?a r2p:kindOf ?b FILTER(?b = r2pr:institutions) }") == {
        ("security-institutions", "institutions"), ("justice-institutions", "institutions")}


def test_a_kind_is_drawn_as_what_it_is(repo_graph):
    """Being a kind says nothing of what a node is: the maps draw institutions as an institution and the state as a
    state actor, never as a bare domain entity because it is also a kind."""
    from graph.render.facts import collect_facts

    node_class = collect_facts(repo_graph).node_class
    assert node_class[R2PR + "institutions"] == "https://w3id.org/r2pkg/ontology#Institution"
    kinds = {str(r["k"]) for r in repo_graph.select("SELECT ?k WHERE { ?k a r2p:Kind }")}
    assert kinds and not any(node_class.get(k, "").endswith("#Kind") for k in kinds)
