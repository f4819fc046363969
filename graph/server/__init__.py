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

from graph.guard import Refused, check_query
from graph.server.app import R2pServer, make_server, serve_until_signalled
from graph.server.pool import Job, Limits, QueryPool, Reply

__all__ = ["Job", "Limits", "QueryPool", "R2pServer", "Refused", "Reply", "check_query", "make_server",
           "serve_until_signalled"]
