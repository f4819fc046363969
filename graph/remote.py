"""Talking to a standard SPARQL 1.1 server: the Protocol for queries, the Graph Store Protocol for upload.

Any conforming server serves (Oxigraph server, Jena Fuseki, GraphDB, Virtuoso,
QLever). Parameters are sent as a VALUES clause built from RDF terms in
N-Triples syntax (escaped by the term, never by string pasting), placed last in
the WHERE group of a SELECT query: that equals the embedded substitution because
a parameter is always a variable of the SELECT projection. (A VALUES clause
after the whole query means the same, but Virtuoso 7.2 mis-applies it when the
group has a BIND: rows for other values of the parameter come back.)
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import time
import zlib
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from graph.errors import InputError
from graph.namespaces import DERIVED_GRAPH

# urllib, http.client, tempfile, threading, pyoxigraph and the result types are imported where they are used: they
# pull in email, ssl and socket (some 25 ms) that a query on the embedded store, which imports this module, never
# needs.
if TYPE_CHECKING:
    import urllib.request

    from rdflib.term import Identifier

    from graph.query_results import QueryResult

ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"
TIMEOUT = 120  # seconds for a whole exchange, however slowly the bytes come
PUSH_TIMEOUT = 3600  # seconds for an upload: a big graph to a busy server
MAX_ANSWER = 256 * 2**20  # bytes: more is not an answer to a query a person reads
_SECONDS: contextvars.ContextVar[float] = contextvars.ContextVar("seconds", default=TIMEOUT)


def _check_url(url: str) -> str:
    import urllib.parse

    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise InputError(f"endpoint must be an http(s) URL, not {url!r}")
    return url


def values_clause(bindings: Mapping[str, Identifier]) -> str:
    if not bindings:
        return ""
    names = sorted(bindings)
    from graph.terms import to_ox

    terms = " ".join(str(to_ox(bindings[n])) for n in names)
    return f"\nVALUES ({' '.join('?' + n for n in names)}) {{ ({terms}) }}\n"


def bind_values(sparql: str, bindings: Mapping[str, Identifier]) -> str:
    """The query with its parameters as a VALUES clause: last in the WHERE group, else after the query."""
    clause = values_clause(bindings)
    if not clause:
        return sparql
    from graph.guard import where_group_end

    end = where_group_end(sparql)
    if end is None:
        return sparql + clause
    return sparql[:end] + clause.lstrip("\n").replace("VALUES", "  VALUES", 1) + sparql[end:]


def _read_capped(resp, url: str, deadline: float) -> bytes:
    parts: list[bytes] = []
    size = 0
    while chunk := resp.read1(1 << 16):
        size += len(chunk)
        if size > MAX_ANSWER:
            raise InputError(f"{url}: the answer is larger than {MAX_ANSWER // 2**20} MB; add a LIMIT")
        if time.monotonic() > deadline:
            raise TimeoutError
        parts.append(chunk)
    return b"".join(parts)


def _exchange(req: urllib.request.Request, deadline: float,
              opener: urllib.request.OpenerDirector | None = None) -> tuple[bytes, str]:
    import http.client
    import urllib.error
    import urllib.request
    open_url = opener.open if opener else urllib.request.urlopen
    try:
        with open_url(req, timeout=max(1.0, deadline - time.monotonic())) as resp:
            return _read_capped(resp, req.full_url, deadline), resp.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        detail = e.read(4096).decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"{req.full_url}: HTTP {e.code}: {detail[0] if detail else e.reason}") from None
    except TimeoutError:
        raise
    except (urllib.error.URLError, OSError, http.client.HTTPException) as e:
        reason = getattr(e, "reason", None) or e
        if isinstance(reason, TimeoutError):
            raise TimeoutError from None
        raise InputError(f"{req.full_url}: cannot reach the endpoint ({reason})") from None


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Give every exchange inside the block at most `seconds` overall (the CLI's --timeout)."""
    token = _SECONDS.set(seconds)
    try:
        yield
    finally:
        _SECONDS.reset(token)


def _request(req: urllib.request.Request, seconds: float | None = None,
             opener: urllib.request.OpenerDirector | None = None) -> tuple[bytes, str]:
    """Send, read the whole answer within `seconds` overall (a server that trickles bytes counts too)."""
    import threading
    seconds = _SECONDS.get() if seconds is None else seconds
    deadline = time.monotonic() + seconds
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(("ok", _exchange(req, deadline, opener)))
        except BaseException as e:  # handed to the caller's thread
            outcome.append(("error", e))

    worker = threading.Thread(target=run, name="sparql-request", daemon=True)
    worker.start()
    worker.join(seconds + 1)
    if not outcome or isinstance(outcome[0][1], TimeoutError):
        raise InputError(f"{req.full_url}: no complete answer within {seconds:g} s")
    status, value = outcome[0]
    if status == "error":
        raise value
    return value


def remote_query(endpoint: str, sparql: str, bindings: Mapping[str, Identifier] | None = None,
                 default_graph: str | None = None) -> QueryResult:
    """Run a query on a SPARQL 1.1 endpoint and parse the answer into a QueryResult."""
    import urllib.parse
    import urllib.request

    url = _check_url(endpoint)
    # A form POST, not the query as the body: every server takes forms (Virtuoso 7 hangs on the other).
    fields = [("query", bind_values(sparql, bindings or {}))]
    if default_graph:
        fields.append(("default-graph-uri", default_graph))
    body = urllib.parse.urlencode(fields).encode("ascii")
    req = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT})
    data, ctype = _request(req)
    return parse_answer(data, ctype, endpoint)


def parse_answer(data: bytes, ctype: str, endpoint: str) -> QueryResult:
    """A server's answer as a QueryResult; anything malformed is one InputError naming the endpoint."""
    import pyoxigraph as ox

    from graph.query_results import QueryResult

    mime = ctype.split(";")[0].strip().lower()
    try:
        if mime in ("application/sparql-results+json", "application/json"):
            return QueryResult.from_ox(ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON))
        if mime in ("application/sparql-results+xml", "application/xml", "text/xml"):
            return QueryResult.from_ox(ox.parse_query_results(data, format=ox.QueryResultsFormat.XML))
        if mime in ("application/n-triples", "text/turtle", "text/plain"):
            fmt = ox.RdfFormat.TURTLE if mime == "text/turtle" else ox.RdfFormat.N_TRIPLES
            return QueryResult("GRAPH", triples=list(ox.parse(data, format=fmt)))
    except (SyntaxError, ValueError, UnicodeDecodeError) as e:
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise InputError(f"{endpoint}: the answer is not valid {mime}: {first}") from None
    raise InputError(f"{endpoint}: unexpected response type {ctype!r}")


def authenticating(url: str, user: str, password: str) -> urllib.request.OpenerDirector:
    """An opener that answers a server's Digest or Basic challenge (Virtuoso asks for Digest)."""
    import urllib.request
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, url, user, password)
    return urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords),
                                       urllib.request.HTTPBasicAuthHandler(passwords))


# How `push` hands the graph over HTTP: the Graph Store Protocol PUT any server takes, or Oxigraph server's bulk
# loader (the graph deleted, then a POST with `no_transaction`: loaded like `oxigraph load`, not in one transaction).
# The loaders of servers on the same machine (`oxigraph load`, Virtuoso's ld_dir) are in graph.server_loaders.
VIA = ("gsp", "oxigraph-bulk")
_BLOCK = 1 << 20  # bytes read and sent at a time


def write_ntriples(kg, path: str) -> int:
    """The built graph's distinct triples (asserted and derived) as N-Triples in `path`; how many there are.

    Each graph of the store is written by Oxigraph in Rust: the default graph as it
    is (a dump, no query), then each named graph without the triples an earlier
    graph holds, so a triple asserted and derived is written once; a DISTINCT over
    the union of the graphs costs as much as the servers' loading itself.
    """
    import pyoxigraph as ox

    store = kg.store
    store.dump(path, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    graphs = sorted(store.named_graphs(), key=str)
    with open(path, "ab") as out:
        for i, g in enumerate(graphs):
            earlier = " UNION ".join(["{ ?s ?p ?o }", *(f"{{ GRAPH {h} {{ ?s ?p ?o }} }}" for h in graphs[:i])])
            rest = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} FILTER NOT EXISTS {{ {earlier} }} }}"
            store.query(rest).serialize(out, format=ox.RdfFormat.N_TRIPLES)
    lines = 0
    with open(path, "rb") as f:
        while block := f.read(1 << 22):
            lines += block.count(b"\n")
    return lines


def gzipped(path: str) -> Iterator[bytes]:
    """The file gzip-compressed, block by block (level 1: on a fast link the CPU is the limit, not the bytes)."""
    packer = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    with open(path, "rb") as f:
        while block := f.read(_BLOCK):
            if packed := packer.compress(block):
                yield packed
    yield packer.flush()


def push(kg, store_url: str, graph: str | None = None, *, user: str | None = None, password: str | None = None,
         seconds: float = PUSH_TIMEOUT, via: str = "gsp", gzip: bool = False) -> int:
    """Replace a graph on a server with the built graph; the number of triples sent.

    The asserted and the derived triples go together into one graph: the
    default graph, or `graph` when given. The triples are written to a temporary
    N-Triples file by Oxigraph and streamed from it, so memory stays flat however
    big the graph. `via` "gsp" is a SPARQL 1.1 Graph Store HTTP Protocol PUT (any
    server: one transaction); "oxigraph-bulk" drives Oxigraph server's bulk loader
    (the graph is deleted, then posted with `no_transaction`: about four times as
    fast into an empty graph, not atomic). `gzip` sends the body compressed and
    chunked (`Content-Encoding: gzip`: Oxigraph server decodes it, Virtuoso 7.2
    refuses it). With `user`, the server's Digest or Basic challenge is answered.
    """
    import tempfile
    import urllib.parse

    if via not in VIA:
        raise InputError(f"unknown --via {via!r} (known: {', '.join(VIA)})")
    url = _check_url(store_url)
    target = {"graph": graph} if graph else {"default": ""}
    url += ("&" if "?" in url else "?") + urllib.parse.urlencode(target)
    fd, path = tempfile.mkstemp(suffix=".nt", prefix="r2pkg-push-")
    os.close(fd)
    try:
        n = write_ntriples(kg, path)
        if gzip:
            _send(url, gzipped(path), None, store_url, user, password, seconds, via)
        else:
            with open(path, "rb") as body:
                _send(url, body, os.path.getsize(path), store_url, user, password, seconds, via)
    finally:
        os.unlink(path)
    return n


def _send(url: str, body, size: int | None, store_url: str, user: str | None, password: str | None,
          seconds: float, via: str) -> None:
    import urllib.request
    headers = {"Content-Type": "application/n-triples"}
    if size is None:  # compressed as it goes: urllib sends it chunked
        headers["Content-Encoding"] = "gzip"
    else:
        headers["Content-Length"] = str(size)
    if via == "oxigraph-bulk":
        try:  # replace, as PUT does: the graph goes first (a graph not there yet is no error)
            _request(urllib.request.Request(url, method="DELETE"), min(seconds, TIMEOUT),
                     authenticating(url, user, password or "") if user else None)
        except InputError as e:
            if ": HTTP 404" not in str(e):
                raise
        req = urllib.request.Request(url + "&no_transaction", data=body, method="POST", headers=headers)
    else:
        req = urllib.request.Request(url, data=body, method="PUT", headers=headers)
    opener = authenticating(url, user, password or "") if user else None
    if opener is not None:  # check the credentials with a small request before sending the whole graph
        try:
            _request(urllib.request.Request(url, method="GET"), min(seconds, TIMEOUT), opener)
        except InputError as e:
            if ": HTTP 401" in str(e):
                message = f"{store_url}: the server refused user {user!r} (HTTP 401): check the password"
                raise InputError(message) from None
            # anything else (such as 404 for a graph not there yet) is for the upload to find out
        digest = _digest_authorization(req, user or "", password or "", min(seconds, TIMEOUT))
        if digest:
            # Answered up front: a server that challenges the upload itself may close the connection while
            # the graph is still being sent (a broken pipe, not an answer).
            req.add_unredirected_header("Authorization", digest)
    try:
        _request(req, seconds, opener)
    except InputError as e:
        if size is None and ": HTTP " in str(e):
            raise InputError(f"{e} (sent gzip-compressed: a server that does not decode Content-Encoding: gzip "
                             "needs a push without --gzip)") from None
        raise


def _digest_authorization(req: urllib.request.Request, user: str, password: str, seconds: float) -> str | None:
    """The Digest Authorization header for `req`, from the challenge the server gives a bodiless request
    to the same URL (None when it asks for none, or for Basic only)."""
    import urllib.error
    import urllib.request
    try:
        _request(urllib.request.Request(req.full_url, method="HEAD"), seconds)
        return None
    except urllib.error.HTTPError as e:
        challenge = e.headers.get("WWW-Authenticate", "") if e.code == 401 else ""
    except InputError as e:
        cause = e.__cause__ or e.__context__
        headers = getattr(cause, "headers", None)
        challenge = headers.get("WWW-Authenticate", "") if getattr(cause, "code", None) == 401 and headers else ""
    if not challenge.lower().startswith("digest "):
        return None
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, req.full_url, user, password)
    handler = urllib.request.HTTPDigestAuthHandler(passwords)
    fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(challenge[len("digest "):]))
    value = handler.get_authorization(req, fields)
    return f"Digest {value}" if value else None


__all__ = ["remote_query", "push", "authenticating", "bind_values", "values_clause", "deadline", "parse_answer",
           "DERIVED_GRAPH", "VIA", "write_ntriples", "gzipped"]
