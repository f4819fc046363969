"""GraphML (networkx's writer): Gephi, Cytoscape, yEd and igraph open it. Two files: the causal and
requirement layer (`graphml`) and the argument layer (`graphml-arguments`)."""

from __future__ import annotations

import io

from graph import formats
from graph.exports.content import ExportContent
from graph.exports.networks import argument_layer, causal_layer

MEDIA_TYPE = "application/graphml+xml"


def _graphml(g) -> str:
    import networkx as nx

    buf = io.BytesIO()
    # Numbered key ids: named ones repeat where a node and an edge attribute share a name (iri, label), and
    # GraphML's key ids must be unique (tools read the attr.name, which stays).
    nx.write_graphml(g, buf, encoding="utf-8")
    return buf.getvalue().decode("utf-8")


@formats.exporter("graphml", media_type=MEDIA_TYPE, extension=".graphml",
                  opens_with="Gephi, Cytoscape, yEd (causes, effects and requirements, with quotes and modality)")
def write_graphml(content: ExportContent) -> str:
    return _graphml(causal_layer(content))


@formats.exporter("graphml-arguments", media_type=MEDIA_TYPE, extension=".graphml",
                  opens_with="Gephi, Cytoscape, yEd (claims, supports and attacks)")
def write_graphml_arguments(content: ExportContent) -> str:
    return _graphml(argument_layer(content))
