"""GEXF 1.2 (networkx's writer), Gephi's own format. Two files: the causal and requirement layer (`gexf`)
and the argument layer (`gexf-arguments`)."""

from __future__ import annotations

import io
import re

from graph import formats
from graph.exports.content import ExportContent
from graph.exports.networks import argument_layer, causal_layer

MEDIA_TYPE = "application/gexf+xml"


def _gexf(g) -> str:
    import networkx as nx

    buf = io.BytesIO()
    nx.write_gexf(g, buf, encoding="utf-8", version="1.2draft")
    # networkx stamps today's date: left out, so the same graph gives the same bytes on any day.
    return re.sub(r' lastmodifieddate="[^"]*"', "", buf.getvalue().decode("utf-8"), count=1)


@formats.exporter("gexf", media_type=MEDIA_TYPE, extension=".gexf",
                  opens_with="Gephi (causes, effects and requirements, with quotes and modality)")
def write_gexf(content: ExportContent) -> str:
    return _gexf(causal_layer(content))


@formats.exporter("gexf-arguments", media_type=MEDIA_TYPE, extension=".gexf",
                  opens_with="Gephi (claims, supports and attacks)")
def write_gexf_arguments(content: ExportContent) -> str:
    return _gexf(argument_layer(content))
