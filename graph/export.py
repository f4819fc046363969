"""Export of the built graph: ontology, data and derived triples."""

from __future__ import annotations

import pyoxigraph as ox

from graph.errors import InputError
from graph.namespaces import PREFIXES
from graph.results import serialize_triples
from graph.store import KnowledgeGraph

EXPORT_FORMATS = ("turtle", "nt", "jsonld", "trig")


def export_graph(kg: KnowledgeGraph, fmt: str) -> str:
    """The whole graph as text. trig keeps the derived layer in its named graph; the others merge it."""
    if fmt == "trig":
        return ox.serialize(kg.store, format=ox.RdfFormat.TRIG, prefixes=PREFIXES).decode("utf-8")
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format {fmt!r} (use one of: {', '.join(EXPORT_FORMATS)})")
    triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in kg.store}, key=str)
    return serialize_triples(triples, fmt)
