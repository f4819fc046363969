"""Counts and coverage of the loaded graph (what `r2pkg stats` prints)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from graph.namespaces import curie
from graph.source_text import SourceText
from graph.store import KnowledgeGraph
from graph.terms import literal_int

_ONE = "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }}"
COUNTS = {
    "triples (asserted)": None,
    "claims": "?x a r2p:Claim",
    "quotes": "?c r2p:hasQuote ?x",
    "supports": "?x a r2p:Support",
    "attacks": "?x a r2p:Attack",
    "issues": "?x a r2p:Issue",
    "causal links": "?x a r2p:CausalLink",
    "domain nodes": "?x a/rdfs:subClassOf* r2p:DomainEntity",
    "derived shortcut triples": (
        "GRAPH <https://w3id.org/r2pkg/graph/derived> { ?s ?p ?o } ?p rdfs:subPropertyOf r2p:causalShortcut"
        " BIND(CONCAT(STR(?s), STR(?p), STR(?o)) AS ?x)"
    ),
    "pathways": "?x a r2p:Pathway",
}
TERM_KINDS = {
    "classes": "owl:Class",
    "object properties": "owl:ObjectProperty",
    "datatype properties": "owl:DatatypeProperty",
    "annotation properties": "owl:AnnotationProperty",
    "concept schemes": "skos:ConceptScheme",
}
_INSTANCES = """
SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE {
  ?x a ?class . FILTER(STRSTARTS(STR(?class), STR(r2p:)))
  FILTER NOT EXISTS { ?x a owl:Class } FILTER NOT EXISTS { ?x a owl:ObjectProperty }
} GROUP BY ?class ORDER BY DESC(?n) ?class
"""
_CONCEPTS = """
SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a/rdfs:subClassOf* skos:Concept FILTER(STRSTARTS(STR(?x), STR(r2p:))) }
"""
_PER_SECTION = """
SELECT ?section ?index (COUNT(DISTINCT ?c) AS ?n) WHERE {
  ?section a r2p:DocumentSection ; r2p:sectionIndex ?index .
  OPTIONAL { ?c a r2p:Claim ; r2p:section ?section }
} GROUP BY ?section ?index ORDER BY ?index
"""
_UNLINKED_CLAIMS = """
SELECT ?c WHERE {
  ?c a r2p:Claim .
  FILTER NOT EXISTS { ?r r2p:premise|r2p:conclusion ?c }
} ORDER BY ?c
"""
_UNMENTIONED_NODES = """
SELECT DISTINCT ?x WHERE {
  ?x a/rdfs:subClassOf* r2p:DomainEntity . FILTER(STRSTARTS(STR(?x), STR(r2pr:)))
  FILTER NOT EXISTS { ?c a r2p:Claim ; r2p:about|r2p:holdsUpAsModel|r2p:modelFor ?x }
} ORDER BY ?x
"""
_QUOTES = "SELECT ?exact WHERE { ?c a r2p:Claim ; r2p:hasQuote/oa:hasSelector/oa:exact ?exact }"


@dataclass
class Stats:
    counts: dict[str, int] = field(default_factory=dict)
    terms: dict[str, int] = field(default_factory=dict)
    instances: dict[str, int] = field(default_factory=dict)
    claims_per_section: dict[str, int] = field(default_factory=dict)
    claims_without_argument_link: list[str] = field(default_factory=list)
    domain_nodes_no_claim_mentions: list[str] = field(default_factory=list)
    paragraphs_total: int | None = None
    paragraphs_quoted: int | None = None
    paragraphs_unquoted: list[int] = field(default_factory=list)

    @property
    def paragraph_coverage(self) -> float | None:
        if not self.paragraphs_total:
            return None
        return (self.paragraphs_quoted or 0) / self.paragraphs_total


def _count(kg: KnowledgeGraph, pattern: str) -> int:
    return _int(kg.select(_ONE.format(pattern=pattern))[0]["n"])


def _int(term: object) -> int:
    """A count a SELECT returned (COUNT always binds an integer)."""
    n = literal_int(term)
    assert n is not None, term
    return n


def compute_stats(kg: KnowledgeGraph, source: SourceText | None = None) -> Stats:
    s = Stats()
    for name, pattern in COUNTS.items():
        s.counts[name] = sum(1 for _ in kg.asserted_triples()) if pattern is None else _count(kg, pattern)
    s.counts["triples (with derived)"] = len(kg)
    for name, kind in TERM_KINDS.items():
        s.terms[name] = _count(kg, f"?x a {kind} FILTER(STRSTARTS(STR(?x), STR(r2p:)))")
    s.terms["scheme concepts"] = _int(kg.select(_CONCEPTS)[0]["n"])
    s.instances = {curie(str(r["class"])): _int(r["n"]) for r in kg.select(_INSTANCES)}
    s.claims_per_section = {curie(str(r["section"])): _int(r["n"]) for r in kg.select(_PER_SECTION)}
    s.claims_without_argument_link = [curie(str(r["c"])) for r in kg.select(_UNLINKED_CLAIMS)]
    s.domain_nodes_no_claim_mentions = [curie(str(r["x"])) for r in kg.select(_UNMENTIONED_NODES)]
    if source is not None:
        quoted: Counter[int] = Counter()
        for row in kg.select(_QUOTES):
            for p in source.paragraphs_containing(str(row["exact"])):
                quoted[p.number] += 1
        s.paragraphs_total = len(source.paragraphs)
        s.paragraphs_quoted = sum(1 for p in source.paragraphs if quoted[p.number])
        s.paragraphs_unquoted = [p.number for p in source.paragraphs if not quoted[p.number]]
    return s
