"""Conversion between pyoxigraph terms (the store) and rdflib terms (the Python API)."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

_XSD_STRING = str(XSD.string)


def from_ox(term: object) -> Identifier | None:
    """The rdflib term of a pyoxigraph term; None for an unbound variable."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        return Literal(term.value, datatype=None if dt == _XSD_STRING else URIRef(dt))
    raise TypeError(f"unsupported RDF term: {term!r}")


def node(term: object) -> Identifier:
    """The rdflib term of a bound pyoxigraph term (a quad's subject, predicate or object)."""
    converted = from_ox(term)
    if converted is None:
        raise TypeError("an unbound term where a bound one is required")
    return converted


def to_ox(term: Identifier) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported RDF term: {term!r}")


def literal_int(term: object, default: int | None = None) -> int | None:
    """An integer literal's value; `default` for anything else (unbound, IRI, non-numeric text)."""
    if isinstance(term, Literal):
        try:
            return int(term.toPython())
        except (TypeError, ValueError):
            return default
    return default
