"""The project's namespaces and prefixes: one table that queries, output and parsing share.

The prefixes are plain strings. The rdflib ``Namespace`` objects (R2P, R2PR, ...) are made on first
use, so commands that need only prefixes (``r2pkg query``, the endpoint) start without importing rdflib.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rdflib import Namespace

    R2P: Namespace
    R2PR: Namespace
    OA: Namespace
    AIF: Namespace
    ORG: Namespace
    VANN: Namespace
    WD: Namespace

ONTOLOGY_IRI = "https://w3id.org/r2pkg/ontology"
# Named graph that holds what r2pkg derives (shortcuts, pathways); asserted data is in the default graph.
DERIVED_GRAPH = "https://w3id.org/r2pkg/graph/derived"

PREFIXES: dict[str, str] = {
    "r2p": "https://w3id.org/r2pkg/ontology#",
    "r2pr": "https://w3id.org/r2pkg/resource/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "aif": "http://www.arg.dundee.ac.uk/aif#",
    "vann": "http://purl.org/vocab/vann/",
    "sh": "http://www.w3.org/ns/shacl#",
    "wd": "http://www.wikidata.org/entity/",
}

# Module attribute -> prefix, for the rdflib Namespace objects made on first use.
_NAMESPACE_PREFIX = {"R2P": "r2p", "R2PR": "r2pr", "OA": "oa", "AIF": "aif", "ORG": "org", "VANN": "vann", "WD": "wd"}


def __getattr__(name: str) -> Namespace:
    if name not in _NAMESPACE_PREFIX:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from rdflib import Namespace

    namespace = Namespace(PREFIXES[_NAMESPACE_PREFIX[name]])
    globals()[name] = namespace
    return namespace


def sparql_prologue() -> str:
    """PREFIX lines for every project prefix, for query text shown to or sent by users."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def curie(iri: str) -> str:
    """Shorten an IRI with the project's prefixes (longest namespace wins)."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri


def expand(value: str) -> str:
    """Expand a CURIE with the project's prefixes; raise ValueError for an unknown prefix."""
    prefix, sep, local = value.partition(":")
    if not sep or prefix not in PREFIXES:
        raise ValueError(f"unknown prefix in {value!r} (known: {', '.join(sorted(PREFIXES))})")
    return PREFIXES[prefix] + local


_BAD_IRI = re.compile(r"[\s<>\"{}|\\^`]")
_SLUG = re.compile(r"[\w.-]+")


def resolve_iri(text: str) -> str:
    """The one way a user's term becomes an IRI: <IRI>, a full IRI, a CURIE (r2pr:x) or a bare slug (x = r2pr:x).

    Raises ValueError with a message fit for the user when it is none of these.
    """
    raw = text.strip()
    if raw.startswith("<") and raw.endswith(">"):
        iri = raw[1:-1]
    elif _SLUG.fullmatch(raw):
        iri = PREFIXES["r2pr"] + raw
    else:
        prefix = raw.partition(":")[0]
        if prefix in PREFIXES:
            iri = PREFIXES[prefix] + raw[len(prefix) + 1:]
        elif "://" in raw or raw.startswith("urn:"):
            iri = raw
        else:
            raise ValueError(f"unknown prefix in {raw!r} (known: {', '.join(sorted(PREFIXES))})")
    if not iri or _BAD_IRI.search(iri):
        raise ValueError(f"{text!r} is not a valid IRI")
    return iri
