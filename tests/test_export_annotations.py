"""W3C Web Annotations: parsed as JSON-LD with the Web Annotation context (its terms, kept offline in
tests/fixtures/exports/anno-context.jsonld), one oa:Annotation per quote whose body is the claim, and every
selector re-anchored in the brief's text."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import rdflib

from graph.api import project_texts
from graph.exporting import export_graph

CONTEXT = Path(__file__).resolve().parent / "fixtures" / "exports" / "anno-context.jsonld"
ANNOTATIONS = """PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?a ?claim ?source ?exact ?prefix ?suffix ?start ?end WHERE {
  ?a a oa:Annotation ; oa:motivatedBy oa:describing ; oa:hasBody ?claim ; oa:hasTarget ?t .
  FILTER NOT EXISTS { ?claim a oa:TextualBody }
  ?t oa:hasSource ?source ; oa:hasSelector ?q . ?q a oa:TextQuoteSelector ; oa:exact ?exact .
  OPTIONAL { ?q oa:prefix ?prefix } OPTIONAL { ?q oa:suffix ?suffix }
  OPTIONAL { ?t oa:hasSelector ?p . ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end } }"""


@pytest.fixture(scope="module")
def annotations(repo_graph, repo_project):
    return json.loads(export_graph(repo_graph, "annotations", texts=project_texts(repo_project)))


@pytest.fixture(scope="module")
def parsed(annotations):
    assert annotations["@context"] == "http://www.w3.org/ns/anno.jsonld"
    doc = {**annotations, "@context": json.loads(CONTEXT.read_text(encoding="utf-8"))["@context"]}
    return rdflib.Graph().parse(data=json.dumps(doc), format="json-ld")


@pytest.fixture(scope="module")
def rows(parsed):
    return list(parsed.query(ANNOTATIONS))


def test_one_annotation_per_quote_with_the_claim_as_body(repo_graph, parsed, rows, annotations):
    quotes = Counter((r["c"].value, r["q"].value) for r in repo_graph.query(
        "SELECT ?c ?q WHERE { ?c a ?t ; r2p:hasQuote/oa:hasSelector/oa:exact ?q VALUES ?t { r2p:Claim r2p:Issue } }"))
    got = Counter((str(r.claim), str(r.exact)) for r in rows)
    assert got == quotes and annotations["total"] == len(rows) == sum(quotes.values())
    assert len({r.a for r in rows}) == len(rows)
    labels = {r["c"].value: r["l"].value for r in repo_graph.query("SELECT ?c ?l WHERE { ?c rdfs:label ?l }")}
    said = {r["c"].value: (r["role"].value, r["level"].value) for r in repo_graph.query(
        "SELECT ?c ?role ?level WHERE { ?c a r2p:Claim ; r2p:speakerRole ?role ; r2p:consensus ?level }")}
    tags = parsed.query("""PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?a ?purpose ?value WHERE { ?a oa:hasBody ?b . ?b a oa:TextualBody ; oa:hasPurpose ?purpose ;
        rdf:value ?value }""")
    by_annotation: dict = {}
    for r in tags:
        by_annotation.setdefault(r.a, set()).add((str(r.purpose).rsplit("#", 1)[-1], str(r.value)))
    attributed: dict = {}
    for r in repo_graph.query("SELECT ?c ?agent WHERE { ?c a r2p:Claim ; prov:wasAttributedTo ?agent }"):
        attributed.setdefault(r["c"].value, set()).add(f"attributed to: {labels[r['agent'].value]}")
    issues = {r["i"].value for r in repo_graph.query("SELECT ?i WHERE { ?i a r2p:Issue }")}
    for r in rows:
        values = by_annotation[r.a]
        assert ("describing", labels[str(r.claim)]) in values
        if str(r.claim) in issues:  # a disagreement: said so, and whose reading of the text it is
            assert {v for p, v in values if p == "tagging"} & {"disagreement the text reports",
                                                               "disagreement: the curators' reading of the text"}
            continue
        role, level = said[str(r.claim)]
        breadth = "not stated" if level.endswith("#BreadthNotStated") else labels[level]
        # who said it: the role, the breadth and whom the claim is attributed to (para 30's "Citizenship is the
        # ultimate protection" is Baker's, not any commissioned author's)
        assert {v for p, v in values if p == "tagging"} == {f"speaker: {labels[role]}", f"breadth: {breadth}",
                                                            *attributed[str(r.claim)]}
    assert ("tagging", "attributed to: Pauline H. Baker") in by_annotation[next(
        r.a for r in rows if str(r.claim).endswith("/claim-p30-02"))]
    # the paraphrase and the anchoring are the curators' work, never the brief's
    made = {(str(r.a), str(r.who)) for r in parsed.query("""PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?a ?who WHERE { ?a dcterms:creator ?who }""")}
    assert made == {(str(r.a), "https://w3id.org/r2pkg/resource/curators") for r in rows}


def test_the_collection_and_its_page_have_the_ids_the_model_requires(annotations, repo_graph, repo_project):
    """W3C Web Annotation Data Model 5.1 and 5.2: a collection and a page MUST have exactly one IRI; the same
    export gives the same ones."""
    again = json.loads(export_graph(repo_graph, "annotations", texts=project_texts(repo_project)))
    ids = (annotations["id"], annotations["first"]["id"])
    assert all(i.startswith("urn:uuid:") for i in ids) and len(set(ids)) == 2
    assert (again["id"], again["first"]["id"]) == ids


def test_every_selector_re_anchors_in_the_brief(rows, source_text):
    assert rows and all(r.start is not None for r in rows)
    text = source_text.full_text
    for r in rows:
        exact, start, end = str(r.exact), int(r.start), int(r.end)
        assert str(r.source) == "https://w3id.org/r2pkg/resource/brief-2013"
        assert text[start:end] == " ".join(exact.split())
        assert text[:start].endswith(str(r.prefix)) and text[end:].startswith(str(r.suffix))
        # prefix + exact + suffix picks out this occurrence and no other
        assert text.count(f"{r.prefix}{exact}{r.suffix}") == 1
