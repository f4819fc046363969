"""r2pkg: a structured-argument knowledge graph of atrocity-prevention policy briefs.

The library API (what the `r2pkg` CLI wraps):

    from graph import load_graph
    kg = load_graph()                  # ontology + data + derived triples, embedded Oxigraph
    rows = kg.select("SELECT ...")     # list of dicts
"""

__version__ = "0.1.0"

from graph.errors import InputError  # noqa: E402
from graph.store import KnowledgeGraph, load_graph  # noqa: E402

__all__ = ["InputError", "KnowledgeGraph", "load_graph", "__version__"]
