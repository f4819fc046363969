"""The RDF syntaxes: the whole graph (ontology, data, derived triples), or one document's part of it.

Blank nodes get their W3C RDFC-1.0 canonical labels, so the same graph
exports to the same bytes (a parse gives them random ones): a rebuilt site or
export can be diffed against the last. trig and nquads keep the derived layer
in its named graph; the others merge it.
"""

from __future__ import annotations

import pyoxigraph as ox

from graph import formats, result_writers
from graph.exports.content import ExportContent

_OPENS_WITH = {
    "turtle": "Protégé, rdflib, Apache Jena, any triple store",
    "ntriples": "any RDF tool; one triple a line, for grep and diff",
    "jsonld": "JSON-LD processors (the compacted form, with the project's prefixes)",
    "rdfxml": "Protégé and older OWL tools",
    "trig": "triple stores; keeps the derived triples in their named graph (r2pkg validate --input reads it)",
    "nquads": "triple stores; one quad a line",
}


def _document_quads(content: ExportContent, dataset: ox.Dataset) -> list[ox.Quad]:
    """One document's part: its document and sections, its claims, the links, requirements, arguments and
    pathways they ground, and the labels and types of every node these name, each with its blank nodes."""
    m = content.model
    subjects = {content.document, *(s.iri for s in m.sections.values() if s.document == content.document)}
    subjects |= set(content.claims) | {k for _, _, k in content.causal.edges(keys=True)}
    subjects |= {a.iri for a in content.arguments} | {p.iri for p in content.pathways}
    subjects |= {i for i, issue in m.issues.items() if set(issue.positions) & set(content.claims)}
    by_subject: dict[ox.NamedNode | ox.BlankNode, list[ox.Quad]] = {}
    for q in dataset:
        by_subject.setdefault(q.subject, []).append(q)
    out: list[ox.Quad] = []
    seen: set = set()
    todo: list[ox.NamedNode | ox.BlankNode] = [ox.NamedNode(s) for s in sorted(subjects)]
    named: set[ox.NamedNode] = set()
    while todo:
        s = todo.pop()
        if s in seen:
            continue
        seen.add(s)
        for q in by_subject.get(s, ()):
            out.append(q)
            if isinstance(q.object, ox.BlankNode):
                todo.append(q.object)  # quotes, selectors, steps written as blank nodes
            elif isinstance(q.object, ox.NamedNode):
                named.add(q.object)
    # What the part names keeps its label and type, so a reader sees words, not bare IRIs.
    keep = {ox.NamedNode(p) for p in ("http://www.w3.org/2000/01/rdf-schema#label",
                                      "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
                                      "http://www.w3.org/2004/02/skos/core#prefLabel")}
    for n in sorted(named - seen, key=str):
        out.extend(q for q in by_subject.get(n, ()) if q.predicate in keep)
    return out


def write_rdf(content: ExportContent, name: str) -> str:
    f = formats.BY_NAME[name]
    dataset = ox.Dataset(content.kg.store)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    quads = _document_quads(content, dataset) if content.document else list(dataset)
    if formats.DATASET in f.kinds:
        return result_writers.serialize_rdf(sorted(quads, key=str), f).decode("utf-8")
    triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)
    return result_writers.serialize_rdf(triples, f).decode("utf-8")


def _register(name: str) -> None:
    formats.exporter(name, opens_with=_OPENS_WITH[name])(lambda content: write_rdf(content, name))


for _name in _OPENS_WITH:
    _register(_name)
