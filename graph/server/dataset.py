"""What the endpoint says about its data: the SPARQL 1.1 Service Description and Graph Store reads.

GET /sparql without a query answers with a service description (SD, with
VoID triple counts for the default graph and each named graph); GET /store
answers Graph Store Protocol reads (`?default`, `?graph=IRI`, or nothing for
the whole dataset). The graph never changes while the server runs, so the
counts are taken once and each serialisation is cached by the HTTP layer.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from graph import formats, result_writers
from graph.formats import Format
from graph.server import results

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
FORMATS_NS = "http://www.w3.org/ns/formats/"
# The W3C format IRIs for what the endpoint can answer in (sd:resultFormat).
_RESULT_FORMAT_IRIS = {"json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML", "csv": "SPARQL_Results_CSV",
                       "tsv": "SPARQL_Results_TSV", "turtle": "Turtle", "ntriples": "N-Triples",
                       "jsonld": "JSON-LD", "rdfxml": "RDF_XML"}
GRAPH_FORMATS = results.FORMATS_BY_KIND[formats.GRAPH]
STORE_FORMATS = GRAPH_FORMATS + results.FORMATS_BY_KIND[formats.DATASET]
DATASET_FORMATS = results.FORMATS_BY_KIND[formats.DATASET]


class GraphNotFound(LookupError):
    pass


def _integer(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))


class DatasetViews:
    """Counts taken once from the store; the SD and graph reads built from them on demand."""

    def __init__(self, store: ox.Store):
        self.store = store
        self.default_count = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        self.named = {g: sum(1 for _ in store.quads_for_pattern(None, None, None, g))
                      for g in sorted(store.named_graphs(), key=str) if isinstance(g, ox.NamedNode)}
        self.union_count = len({(q.subject, q.predicate, q.object) for q in store})

    # --- service description ---------------------------------------------------------
    def description_triples(self, endpoint: str) -> list[ox.Triple]:
        sd = lambda name: ox.NamedNode(SD + name)  # noqa: E731
        void = lambda name: ox.NamedNode(VOID + name)  # noqa: E731
        service, dataset, default = ox.NamedNode(endpoint), ox.BlankNode("dataset"), ox.BlankNode("default")
        out = [
            ox.Triple(service, RDF_TYPE, sd("Service")),
            ox.Triple(service, sd("endpoint"), service),
            ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
            ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
            ox.Triple(service, sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
            ox.Triple(service, sd("defaultDataset"), dataset),
            ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
            ox.Triple(dataset, sd("defaultGraph"), default),
            ox.Triple(default, RDF_TYPE, sd("Graph")),
            ox.Triple(default, RDF_TYPE, void("Dataset")),
            ox.Triple(default, void("triples"), _integer(self.union_count)),
        ]
        out += [ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS_NS + iri))
                for iri in _RESULT_FORMAT_IRIS.values()]
        for i, (name, count) in enumerate(self.named.items()):
            named, graph = ox.BlankNode(f"named{i}"), ox.BlankNode(f"graph{i}")
            out += [ox.Triple(dataset, sd("namedGraph"), named),
                    ox.Triple(named, RDF_TYPE, sd("NamedGraph")),
                    ox.Triple(named, sd("name"), name),
                    ox.Triple(named, sd("graph"), graph),
                    ox.Triple(graph, RDF_TYPE, sd("Graph")),
                    ox.Triple(graph, void("triples"), _integer(count))]
        return out

    def description(self, endpoint: str, fmt: Format) -> bytes:
        return result_writers.serialize_rdf(self.description_triples(endpoint), fmt)

    # --- Graph Store Protocol reads ------------------------------------------------------
    def graph_quads(self, target: ox.NamedNode | ox.DefaultGraph | None) -> Iterable[ox.Quad]:
        """The quads of one graph (None: every graph); GraphNotFound for a name the store does not hold."""
        if target is None:
            return list(self.store)
        if isinstance(target, ox.NamedNode) and target not in self.named:
            raise GraphNotFound(target.value)
        return list(self.store.quads_for_pattern(None, None, None, target))

    def serialize(self, quads: Iterable[ox.Quad], fmt: Format) -> bytes:
        quads = list(quads)
        if formats.DATASET in fmt.kinds:
            return result_writers.serialize_rdf(quads, fmt)
        return result_writers.serialize_rdf([ox.Triple(q.subject, q.predicate, q.object) for q in quads], fmt)
