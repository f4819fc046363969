"""Terms a query names in the r2p namespace that the ontology does not declare.

A query with a misspelt or retired term (last version's ``r2p:RequiresRelation``, now deprecated)
runs without error and matches nothing, which reads as "the brief says nothing".
``r2pkg query`` says so on stderr and the endpoint in a ``Warning`` response
header; the query still runs.

The query's terms come from rdflib's SPARQL parser (prefixes resolved, strings
and comments ignored); a query it cannot parse gets no warning here (the store
reports its syntax error). Declared terms are the r2p IRIs the loaded graph
gives a type (every class, property and concept of the ontology has one).
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from typing import TYPE_CHECKING

from rdflib import URIRef

from graph.namespaces import PREFIXES, curie

if TYPE_CHECKING:
    from graph.store import KnowledgeGraph

R2P_NS = PREFIXES["r2p"]
_OWN_PREFIX = re.compile(r"PREFIX\s+([\w.-]*):\s*<([^>]*)>", re.IGNORECASE)


def declared_terms(kg: KnowledgeGraph) -> frozenset[str]:
    """Every r2p IRI the graph types (classes, properties, concepts and named individuals of the ontology),
    except the terms it keeps only as deprecated (owl:deprecated true: a removed term that data may no longer use)."""
    rows = kg.select(
        "SELECT DISTINCT ?t WHERE { ?t a ?type FILTER(STRSTARTS(STR(?t), STR(r2p:))) "
        "FILTER NOT EXISTS { ?t owl:deprecated true } }", asserted_only=True
    )
    return frozenset(str(r["t"]) for r in rows)


def _collect(node: object, out: set[str], seen: set[int]) -> None:
    if isinstance(node, URIRef):
        out.add(str(node))
    elif isinstance(node, str | bytes | int | float | bool) or node is None or id(node) in seen:
        return
    elif isinstance(node, dict):
        seen.add(id(node))
        for value in node.values():
            _collect(value, out, seen)
    elif isinstance(node, list | tuple | set | frozenset):
        for value in node:
            _collect(value, out, seen)
    elif hasattr(node, "__dict__"):
        seen.add(id(node))
        for value in vars(node).values():
            _collect(value, out, seen)


_TERMS: OrderedDict[bytes, frozenset[str]] = OrderedDict()  # by the query's digest: a key never keeps the text
_TERMS_KEPT = 512
# Longer queries (generated, not typed by a person) are not parsed a second time for the warning: rdflib's
# parser costs time and memory in proportion, where the endpoint must stay fast and bounded.
MAX_CHECKED_CHARS = 64 * 1024


def query_terms(query: str) -> frozenset[str]:
    """The r2p IRIs a SPARQL query names (the project's prefixes predeclared, as the store does); the last
    few hundred answers are remembered by the digest of the query text, so memory stays small whatever the
    queries' size."""
    if len(query) > MAX_CHECKED_CHARS:
        return frozenset()
    key = hashlib.sha256(query.encode("utf-8", "surrogatepass")).digest()
    if key in _TERMS:
        _TERMS.move_to_end(key)
        return _TERMS[key]
    terms = _query_terms(query)
    _TERMS[key] = terms
    if len(_TERMS) > _TERMS_KEPT:
        _TERMS.popitem(last=False)
    return terms


def _query_terms(query: str) -> frozenset[str]:
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    # rdflib keeps one prefix per namespace: predeclare only what the query does not declare itself.
    own = _OWN_PREFIX.findall(query)
    names, iris = {n for n, _ in own}, {i for _, i in own}
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if p not in names and ns not in iris)
    try:
        algebra = translateQuery(parseQuery(prologue + query)).algebra
    except Exception:  # noqa: BLE001 (any parse failure: the store gives the user its own syntax error)
        return frozenset()
    found: set[str] = set()
    _collect(algebra, found, set())
    return frozenset(t for t in found if t.startswith(R2P_NS) and t != R2P_NS)


def undeclared_terms(query: str, declared: frozenset[str]) -> list[str]:
    """The query's r2p terms that are not declared, sorted."""
    return sorted(t for t in query_terms(query) if t not in declared)


def undeclared_message(terms: list[str]) -> str:
    """One line for stderr or a response header (plain ASCII)."""
    names = ", ".join(curie(t) for t in terms)
    if len(terms) == 1:
        return (f"the query names an r2p term the ontology does not declare (or keeps only as deprecated) "
                f"({names}), which matches nothing")
    return (f"the query names r2p terms the ontology does not declare (or keeps only as deprecated) ({names}), "
            "which match nothing")


def undeclared_warnings(kg: KnowledgeGraph, query: str) -> list[str]:
    """The warning for a query run on `kg`, or none."""
    terms = undeclared_terms(query, declared_terms(kg))
    return [undeclared_message(terms)] if terms else []
