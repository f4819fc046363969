"""Export of the graph: ontology, data and (when derived) the derived triples."""

from __future__ import annotations

import pyoxigraph as ox

from graph import formats
from graph.store import KnowledgeGraph

EXPORT_FORMATS = ("turtle", "ntriples", "jsonld", "rdfxml", "trig", "nquads")


def export_graph(kg: KnowledgeGraph, fmt: str) -> str:
    """The whole graph as text, the same bytes for the same graph. trig and nquads keep the derived layer in its
    named graph; the others merge it."""
    f = formats.get(fmt, formats.DATASET) if formats.find(fmt, formats.DATASET) else formats.get(
        fmt, formats.GRAPH, "graph export")
    # Blank nodes get their W3C RDFC-1.0 canonical labels, so the same graph exports to the same bytes
    # (a parse gives them random ones): a rebuilt site or export can be diffed against the last.
    dataset = ox.Dataset(kg.store)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    if formats.DATASET in f.kinds:
        return formats.serialize_rdf(sorted(dataset, key=str), f).decode("utf-8")
    triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in dataset}, key=str)
    return formats.serialize_rdf(triples, f).decode("utf-8")
