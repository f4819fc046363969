"""The project's namespaces and prefixes: one table that queries, output and parsing share."""

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
