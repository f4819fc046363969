"""`r2pkg serve`: a read-only SPARQL 1.1 Protocol endpoint and the built site, from the embedded store.

    from graph.server import make_server
    server = make_server(load_graph, port=8000, timeout=30, site_dir="build")
    server.serve_forever()

Modules: app (HTTP), pool (killable query workers, admission by cost
class), sandbox (worker confinement; `r2pkg query` runs the embedded store
confined too), results (negotiation, capped serialisation), dataset (the
Service Description and Graph Store reads), static (the site folder). The
SERVICE, update and shape refusal is graph.guard, which `r2pkg query` uses too.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: `r2pkg query` forks before it
if TYPE_CHECKING:
    from typing import Any

# Imported on first use: `r2pkg query` needs only the sandbox module, not the HTTP server.
_NAMES = {
    "Refused": "graph.guard", "check_query": "graph.guard",
    "R2pServer": "graph.server.app", "make_server": "graph.server.app", "serve_until_signalled": "graph.server.app",
    "Job": "graph.server.pool", "Limits": "graph.server.pool", "QueryPool": "graph.server.pool",
    "Reply": "graph.server.pool",
}


def __getattr__(name: str) -> Any:
    if name in _NAMES:
        return getattr(importlib.import_module(_NAMES[name]), name)
    raise AttributeError(f"module 'graph.server' has no attribute {name!r}")


__all__ = ["Job", "Limits", "QueryPool", "R2pServer", "Refused", "Reply", "check_query", "make_server",
           "serve_until_signalled"]
