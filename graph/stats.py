"""Counts and coverage of the loaded graph (what `r2pkg stats` prints)."""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.documents import Texts, documents
from graph.namespaces import R2PR, curie
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
_QUOTES = """
SELECT ?c ?exact ?doc WHERE {
  ?c a r2p:Claim ; r2p:hasQuote ?sr . ?sr oa:hasSelector/oa:exact ?exact . OPTIONAL { ?sr oa:hasSource ?doc }
}
"""


@dataclass
class DocumentCoverage:
    """One document's share of the graph: its claims and quotes, and how many of its paragraphs they cover."""

    document: str  # CURIE of the r2p:SourceDocument ('' for quotes that name no document)
    title: str
    claims: int = 0
    quotes: int = 0
    paragraphs_total: int | None = None  # None: its text is missing, see `not_measured`
    paragraphs_quoted: int | None = None
    paragraphs_unquoted: list[int] = field(default_factory=list)
    not_measured: str = ""  # why coverage is not measured ('' when it is)

    @property
    def paragraph_coverage(self) -> float | None:
        if not self.paragraphs_total:
            return None
        return (self.paragraphs_quoted or 0) / self.paragraphs_total


@dataclass
class Stats:
    counts: dict[str, int] = field(default_factory=dict)
    terms: dict[str, int] = field(default_factory=dict)
    instances: dict[str, int] = field(default_factory=dict)
    claims_per_section: dict[str, int] = field(default_factory=dict)
    claims_without_argument_link: list[str] = field(default_factory=list)
    domain_nodes_no_claim_mentions: list[str] = field(default_factory=list)
    documents: list[DocumentCoverage] = field(default_factory=list)  # coverage of each document, in IRI order
    # Totals over the documents whose text was given (None when none was): 40 + 6 paragraphs for two documents.
    paragraphs_total: int | None = None
    paragraphs_quoted: int | None = None
    paragraphs_unquoted: list[int] | None = field(default_factory=list)  # None when several were: see `documents`

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


def _text_of(texts: Texts, slug: str) -> SourceText | None:
    """The document's own text, else a text given for every document (one whose slug names no other document)."""
    text = texts.by_slug.get(slug)
    if text is None:
        text = texts.by_slug.get("")
        if text is not None and text.slug not in (None, "", slug):
            return None
    return text


def document_coverage(kg: KnowledgeGraph, source: SourceText | Texts | None = None) -> list[DocumentCoverage]:
    """Claims, quotes and paragraph coverage of each document: a quote counts for the document it names
    (oa:hasSource), against that document's text only."""
    texts = Texts.of(source)
    quotes: dict[str, list[tuple[str, str]]] = {}  # document IRI -> (claim, quote)
    for row in kg.select(_QUOTES, asserted_only=True):
        quotes.setdefault(str(row.get("doc") or ""), []).append((str(row["c"]), str(row["exact"])))
    titles = {d.iri: d.title for d in documents(kg)}
    out = []
    for iri in sorted(titles.keys() | quotes.keys()):
        slug = iri.removeprefix(str(R2PR)) if iri else ""
        mine = quotes.get(iri, [])
        cov = DocumentCoverage(curie(iri) if iri else "", titles.get(iri, "quotes that name no document"),
                               len({c for c, _ in mine}), len(mine))
        text = _text_of(texts, slug)
        if text is None:
            cov.not_measured = (texts.missing.get(slug) or texts.missing.get("")
                                or f"no text of it was given (register one with `r2pkg source add {slug} FILE`)")
        else:
            quoted = {p.number for _, exact in mine for p in text.paragraphs_containing(exact)}
            cov.paragraphs_total = len(text.paragraphs)
            cov.paragraphs_quoted = sum(1 for p in text.paragraphs if p.number in quoted)
            cov.paragraphs_unquoted = [p.number for p in text.paragraphs if p.number not in quoted]
        out.append(cov)
    return out


def compute_stats(kg: KnowledgeGraph, source: SourceText | Texts | None = None) -> Stats:
    """Counts, terms, instances and, per document, claims, quotes and paragraph coverage.

    `source` is one text (for every quote) or the project's texts by document (graph.api.project_texts).
    """
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
    s.documents = document_coverage(kg, source)
    measured = [d for d in s.documents if d.paragraphs_total is not None]
    if measured:
        s.paragraphs_total = sum(d.paragraphs_total or 0 for d in measured)
        s.paragraphs_quoted = sum(d.paragraphs_quoted or 0 for d in measured)
        s.paragraphs_unquoted = measured[0].paragraphs_unquoted if len(measured) == 1 else None
    return s
