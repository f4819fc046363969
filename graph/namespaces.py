"""The project's namespaces and prefixes: one table that queries, output and parsing share."""

import re

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

R2P = Namespace("https://w3id.org/r2pkg/ontology#")
R2PR = Namespace("https://w3id.org/r2pkg/resource/")
OA = Namespace("http://www.w3.org/ns/oa#")
AIF = Namespace("http://www.arg.dundee.ac.uk/aif#")
ORG = Namespace("http://www.w3.org/ns/org#")
VANN = Namespace("http://purl.org/vocab/vann/")
WD = Namespace("http://www.wikidata.org/entity/")

ONTOLOGY_IRI = "https://w3id.org/r2pkg/ontology"
# Named graph that holds what r2pkg derives (shortcuts, pathways); asserted data is in the default graph.
DERIVED_GRAPH = "https://w3id.org/r2pkg/graph/derived"

PREFIXES: dict[str, str] = {
    "r2p": str(R2P),
    "r2pr": str(R2PR),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "oa": str(OA),
    "foaf": str(FOAF),
    "org": str(ORG),
    "aif": str(AIF),
    "vann": str(VANN),
    "sh": str(SH),
    "wd": str(WD),
}


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
