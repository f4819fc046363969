"""Talking to a standard SPARQL 1.1 server: the Protocol for queries, the Graph Store Protocol for upload.

Any conforming server serves (Oxigraph server, Jena Fuseki, GraphDB, Virtuoso,
QLever). Parameters are sent as a trailing VALUES clause built from RDF terms
in N-Triples syntax (escaped by the term, never by string pasting); that
equals the embedded substitution because a parameter is always a variable of
the SELECT projection.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping

import pyoxigraph as ox
from rdflib.term import Identifier

from graph.errors import InputError
from graph.namespaces import DERIVED_GRAPH
from graph.results import QueryResult
from graph.terms import to_ox

ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"
TIMEOUT = 120


def _check_url(url: str) -> str:
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise InputError(f"endpoint must be an http(s) URL, not {url!r}")
    return url


def values_clause(bindings: Mapping[str, Identifier]) -> str:
    if not bindings:
        return ""
    names = sorted(bindings)
    terms = " ".join(str(to_ox(bindings[n])) for n in names)
    return f"\nVALUES ({' '.join('?' + n for n in names)}) {{ ({terms}) }}\n"


def _request(req: urllib.request.Request) -> tuple[bytes, str]:
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
            return resp.read(), resp.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        detail = e.read().decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"{req.full_url}: HTTP {e.code}: {detail[0] if detail else e.reason}") from None
    except (urllib.error.URLError, OSError) as e:
        raise InputError(f"{req.full_url}: cannot reach the endpoint ({getattr(e, 'reason', e)})") from None


def remote_query(endpoint: str, sparql: str, bindings: Mapping[str, Identifier] | None = None,
                 default_graph: str | None = None) -> QueryResult:
    """Run a query on a SPARQL 1.1 endpoint and parse the answer into a QueryResult."""
    url = _check_url(endpoint)
    if default_graph:
        url += ("&" if "?" in url else "?") + urllib.parse.urlencode({"default-graph-uri": default_graph})
    body = (sparql + values_clause(bindings or {})).encode("utf-8")
    req = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/sparql-query; charset=utf-8", "Accept": ACCEPT})
    data, ctype = _request(req)
    mime = ctype.split(";")[0].strip().lower()
    if mime in ("application/sparql-results+json", "application/json"):
        result = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
        return QueryResult.from_ox(result)
    if mime in ("application/n-triples", "text/turtle", "text/plain"):
        fmt = ox.RdfFormat.TURTLE if mime == "text/turtle" else ox.RdfFormat.N_TRIPLES
        return QueryResult("GRAPH", triples=list(ox.parse(data, format=fmt)))
    raise InputError(f"{endpoint}: unexpected response type {ctype!r}")


def push(kg, store_url: str, graph: str | None = None) -> int:
    """Replace a graph on a server (SPARQL 1.1 Graph Store HTTP Protocol PUT) with the built graph.

    The asserted and the derived triples go together into one graph: the
    default graph, or `graph` when given. Returns the number of triples sent.
    """
    url = _check_url(store_url)
    target = {"graph": graph} if graph else {"default": ""}
    url += ("&" if "?" in url else "?") + urllib.parse.urlencode(target)
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in kg.store]
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    req = urllib.request.Request(url, data=body, method="PUT",
                                 headers={"Content-Type": "application/n-triples"})
    _request(req)
    return len(triples)


__all__ = ["remote_query", "push", "values_clause", "DERIVED_GRAPH"]
