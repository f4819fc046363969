"""The HTTP side of `r2pkg serve`: SPARQL 1.1 Protocol at /sparql, a query page, the built site.

Request threads only parse, check and route; queries run in the worker pool
(graph.server.pool), so a slow query holds one worker, never the server.
"""

from __future__ import annotations

import gzip
import hashlib
import ipaddress
import json
import os
import re
import signal
import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from graph import __version__, formats
from graph.guard import UPDATE_REFUSED
from graph.namespaces import PREFIXES
from graph.server import dataset, results, static
from graph.server.pool import Job, Limits, QueryPool, Reply, ReplyCache
from graph.undeclared import declared_terms, undeclared_message, undeclared_terms

if TYPE_CHECKING:
    from graph.store import KnowledgeGraph

MAX_BODY = 1024 * 1024  # a query or form bigger than this is not a query
MAX_CONNECTIONS = 256  # open connections (one thread each); more are closed at once
GZIP_MIN = 1024  # smaller answers are sent as they are
ENDPOINT_PATHS = ("/sparql", "/sparql/", "/query")
STORE_PATHS = ("/store", "/store/")
CORS = (("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Expose-Headers", "ETag, Content-Length, Content-Encoding, Retry-After"))
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
READ_ONLY = "This endpoint is read-only: SPARQL Update and Graph Store writes are refused."
RDF_TYPES = {"text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml",
             "application/n-quads", "application/trig", "text/n3"}


def listen_notice(host: str) -> str | None:
    """The startup warning for an address other machines can reach, or None for loopback."""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: say so rather than guess what it resolves to
        loopback = False
    if loopback:
        return None
    return (f"Listening on {host}, not loopback: other machines can reach this endpoint (read-only) "
            "and the site.")


def default_workers() -> int:
    """One per CPU (up to 4) for quick queries, and one more that a slow query may hold meanwhile."""
    return min(4, os.cpu_count() or 1) + 1


def examples() -> list[dict]:
    """The named queries as ready-to-run examples: parameters with defaults become a VALUES clause."""
    from graph.errors import InputError
    from graph.namespaces import sparql_prologue
    from graph.queries import named_queries
    from graph.remote import bind_values

    out = []
    for q in named_queries().values():
        # The page shows title and description itself. Dropping the metadata comments also keeps
        # SPARQLWrapper from reading words like "address" in them as an update form (ADD) and
        # sending the query as an update.
        lines = q.body.splitlines(keepends=True)
        while lines and (lines[0].startswith("#") or not lines[0].strip()):
            lines.pop(0)
        text = sparql_prologue() + "".join(lines)
        try:
            text = bind_values(text, q.bindings({}))
        except InputError:  # a required parameter without a default: bound to its example value, if any
            try:
                text = bind_values(text, q.bindings(q.example_values()))
            except InputError:
                pass
        params = "; ".join(
            f"{p.name} ({p.kind}{', default ' + p.default if p.default else ''}): {p.description}"
            for p in q.params
        )
        if params:
            description = f"{q.description} Parameters: {params}. Edit the VALUES line to change them."
        else:
            description = q.description
        out.append({"id": q.id, "title": q.title, "description": description, "sparql": text})
    return out


def _json_for_html(value: object) -> str:
    # Inside <script>: no "</script>" or "<!--" may appear, so escape < > & as JSON \u escapes.
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def query_page(example_list: list[dict], timeout: float) -> bytes:
    template = files("graph.server").joinpath("query.html").read_text(encoding="utf-8")
    return (template.replace("__EXAMPLES__", _json_for_html(example_list))
            .replace("__TIMEOUT__", f"{timeout:g}")
            .replace("__PREFIXES__", ", ".join(f"{p}:" for p in PREFIXES))).encode("utf-8")


_NO_SITE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>r2pkg</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 2em auto">
<h1>r2pkg</h1><p>The site (index and maps) has not been built in <code>{site}</code>:
run <code>r2pkg build</code>, then restart <code>r2pkg serve</code>.</p>
<p>The SPARQL endpoint works: <a href="/query">open the query page</a> or send queries to
<code>/sparql</code>.</p></body></html>
"""


class R2pServer(ThreadingHTTPServer):
    """ThreadingHTTPServer holding the query pool, the site folder and the query page."""

    daemon_threads = True  # keep-alive connections must not hold up shutdown
    declared: frozenset[str] = frozenset()  # the ontology's r2p terms (graph.undeclared)
    request_queue_size = 128  # 32+ concurrent clients connect at once

    def __init__(self, address: tuple[str, int], pool: QueryPool, site_dir: Path, page: bytes,
                 examples: list[dict], quiet: bool = False, cache: ReplyCache | None = None,
                 views: dataset.DatasetViews | None = None):
        self.pool = pool
        self.cache = cache
        self.views = views or dataset.DatasetViews(pool.store)
        self._connections = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self.site_dir = site_dir
        self.page = page
        self.examples = examples
        self.quiet = quiet
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, SparqlHandler)

    def process_request(self, request, client_address) -> None:  # noqa: ANN001 (socketserver's signature)
        """One thread per connection, at most MAX_CONNECTIONS of them: more are closed at once."""
        if not self._connections.acquire(blocking=False):
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._connections.release()
            raise

    def process_request_thread(self, request, client_address) -> None:  # noqa: ANN001
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._connections.release()

    @property
    def url(self) -> str:
        address, port = self.server_address[:2]
        host = str(address)
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}/"

    @property
    def site_exists(self) -> bool:
        return (self.site_dir / "index.html").is_file()

    def close(self) -> None:
        """Stop accepting, then stop every query worker."""
        self.server_close()
        self.pool.close()

    def startup_lines(self) -> list[str]:
        host = self.server_address[0]
        lines = [f"r2pkg {__version__} serving on {self.url}",
                 f"  SPARQL endpoint: {self.url}sparql   query page: {self.url}query",
                 f"  {self.pool.size} query workers, time limit {self.pool.limits.timeout:g} s, "
                 f"at most {self.pool.limits.max_rows:,} rows"]
        if notice := listen_notice(str(host)):
            lines.append(f"  {notice}")
        if self.site_exists:
            lines.append(f"  Site: {self.site_dir}")
        else:
            lines.append(f"  No site in {self.site_dir} (no index.html): run `r2pkg build` for the maps; "
                         "the SPARQL endpoint works without it.")
        lines.append("Press Ctrl-C to stop.")
        return lines


class SparqlHandler(BaseHTTPRequestHandler):
    server: R2pServer
    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse connections
    server_version = f"r2pkg/{__version__}"
    timeout = 60  # a client that stalls mid-request gives its thread back
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall

    # --- plumbing ------------------------------------------------------
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
        if not self.server.quiet:
            super().log_message(format, *args)

    def _send(self, reply: Reply) -> None:
        """Send a reply: CORS always; ETag, 304 and gzip for 200s; no body for HEAD."""
        body, headers = reply.body, list(reply.headers)
        status = reply.status
        if status == 200:
            zipped = len(body) >= GZIP_MIN and _compressible(reply.content_type) and \
                _accepts_gzip(self.headers.get("Accept-Encoding") if self.headers else None)
            tag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + ('-gz"' if zipped else '"')
            headers += [("ETag", tag), ("Vary", "Accept, Accept-Encoding")]
            if _matches(self.headers.get("If-None-Match") if self.headers else None, tag):
                status, body = HTTPStatus.NOT_MODIFIED, b""
            elif zipped:
                body = gzip.compress(body, compresslevel=5)
                headers.append(("Content-Encoding", "gzip"))
        self.send_response(status)
        if status != HTTPStatus.NOT_MODIFIED:
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(body)))
        for name, value in (*CORS, *headers):
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD" and body:
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting: nothing to do
                self.close_connection = True

    def _error(self, status: int, message: str) -> None:
        self._send(Reply.text(status, message))

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The HTTP layer's own errors (bad request line, 414, 431, 501) in plain text with CORS, like ours."""
        self.close_connection = True
        if not str(getattr(self, "request_version", "")).startswith("HTTP/1."):
            self.request_version = "HTTP/1.1"  # so that the status line and headers are written at all
        try:
            phrase = HTTPStatus(code).phrase
        except ValueError:
            phrase = "Error"
        self._send(Reply.text(code, f"{code} {phrase}: {message or explain or phrase}",
                              ("Connection", "close")))

    def _body(self) -> bytes | None:
        """The request body (Content-Length or chunked), or None after answering 400/411/413."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._chunked_body()
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self._error(HTTPStatus.LENGTH_REQUIRED, "A POST needs a Content-Length or chunked transfer encoding.")
            self.close_connection = True
            return None
        if int(length) > MAX_BODY:
            self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"The request body is over {MAX_BODY:,} bytes.")
            self.close_connection = True
            return None
        return self.rfile.read(int(length))

    def _chunked_body(self) -> bytes | None:
        parts: list[bytes] = []
        size = 0
        while True:
            line = self.rfile.readline(1024)
            try:
                n = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                self.close_connection = True
                self._error(HTTPStatus.BAD_REQUEST, "Malformed chunked request body.")
                return None
            if n == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):  # trailers
                    pass
                return b"".join(parts)
            size += n
            if size > MAX_BODY:
                self.close_connection = True
                self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"The request body is over {MAX_BODY:,} bytes.")
                return None
            parts.append(self.rfile.read(n))
            self.rfile.readline(16)  # the CRLF after each chunk

    def _params(self, text: str) -> dict[str, list[str]] | None:
        try:
            return parse_qs(text, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            self._error(HTTPStatus.BAD_REQUEST, "The parameters are not valid UTF-8.")
            return None

    # --- SPARQL --------------------------------------------------------
    def _run(self, params: dict[str, list[str]], query: str | None) -> None:
        if "update" in params:
            return self._error(HTTPStatus.FORBIDDEN, UPDATE_REFUSED)
        if query is None:
            queries = params.get("query", [])
            if len(queries) != 1:
                return self._error(HTTPStatus.BAD_REQUEST,
                                   "Give exactly one 'query' parameter (SPARQL 1.1 Protocol)." if queries
                                   else "Missing 'query' parameter. Open /query for the query page.")
            query = queries[0]
        graphs = {name: tuple(params.get(name, [])) for name in ("default-graph-uri", "named-graph-uri")}
        for name, iris in graphs.items():
            for iri in iris:
                try:
                    ox.NamedNode(iri)
                except ValueError as e:
                    return self._error(HTTPStatus.BAD_REQUEST, f"{name} is not an IRI: {iri[:200]!r} ({e})")
        fmt = next((v[0] for k in ("format", "output", "results") if (v := params.get(k))), None)
        job = Job(query, self.headers.get("Accept"), fmt, graphs["default-graph-uri"], graphs["named-graph-uri"],
                  base_iri=self.server.url + "sparql")
        cache = self.server.cache
        reply = cache.get(job) if cache else None
        if reply is None:
            reply = self.server.pool.run(job, client=self.client_address[0])
            if cache:
                cache.put(job, reply)
        if terms := undeclared_terms(query, self.server.declared):
            reply = replace(reply, headers=(*reply.headers, ("Warning", f'299 r2pkg "{undeclared_message(terms)}"')))
        self._send(reply)

    def _describe(self) -> None:
        """The SPARQL 1.1 Service Description (GET on the endpoint without a query)."""
        # A client that asks for results formats (a SPARQL client probing the endpoint) gets Turtle.
        fmt = results.negotiate(formats.GRAPH, self.headers.get("Accept")) or results.FORMATS_BY_KIND[formats.GRAPH][0]
        self._send(self._cached(("sd", fmt.name), lambda: Reply(
            200, fmt.media_type, self.server.views.description(self.server.url + "sparql", fmt))))

    def _not_acceptable(self, offered: tuple) -> None:
        self._error(HTTPStatus.NOT_ACCEPTABLE, "Not Acceptable: this can be given as "
                    + ", ".join(f.accepts[0] for f in offered) + ".")

    def _cached(self, key: tuple[str, ...], make: Callable[[], Reply]) -> Reply:
        job = Job("\x00".join(key))  # not SPARQL: a key no query text can equal (queries hold no NUL)
        cache = self.server.cache
        reply = cache.get(job) if cache else None
        if reply is None:
            reply = make()
            if cache:
                cache.put(job, reply)
        return reply

    # --- Graph Store Protocol (reads) ----------------------------------
    def _store(self, query: str) -> None:
        params = self._params(query)
        if params is None:
            return
        if "default" in params and "graph" in params or len(params.get("graph", [])) > 1:
            return self._error(HTTPStatus.BAD_REQUEST, "Give either ?default or one ?graph=IRI, not both.")
        target: ox.NamedNode | ox.DefaultGraph | None = None
        if "graph" in params:
            try:
                target = ox.NamedNode(params["graph"][0])
            except ValueError as e:
                return self._error(HTTPStatus.BAD_REQUEST, f"graph is not an IRI ({e}).")
        elif "default" in params:
            target = ox.DefaultGraph()
        offered = dataset.DATASET_FORMATS if target is None else dataset.STORE_FORMATS
        fmt = results.choose(offered, self.headers.get("Accept"))
        if fmt is None:
            return self._not_acceptable(offered)
        views = self.server.views
        if isinstance(target, ox.NamedNode) and target not in views.named:
            return self._error(HTTPStatus.NOT_FOUND, f"No graph named <{target.value}> in this store.")
        name = "all" if target is None else "default" if isinstance(target, ox.DefaultGraph) else target.value
        self._send(self._cached(("gsp", name, fmt.name), lambda: Reply(
            200, fmt.media_type, views.serialize(views.graph_quads(target), fmt))))

    # --- methods -------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        url = urlsplit(self.path)
        if url.path in ENDPOINT_PATHS:
            params = self._params(url.query)
            if params is None:
                return
            if "query" in params or "update" in params:
                return self._run(params, None)
            # /query is the page; a browser visiting /sparql without a query gets it too.
            if url.path == "/query" or "text/html" in (self.headers.get("Accept") or ""):
                return self._send(Reply(200, "text/html; charset=utf-8", self.server.page))
            return self._describe()
        if url.path in STORE_PATHS:
            return self._store(url.query)
        if url.path == "/queries.json":
            body = json.dumps(self.server.examples, indent=1).encode()
            return self._send(Reply(200, "application/json", body))
        path = static.resolve(self.server.site_dir, self.path)
        if path is not None:
            return self._send(Reply(200, static.content_type(path), path.read_bytes()))
        if url.path in ("/", "/index.html") and not self.server.site_exists:
            page = _NO_SITE.format(site=self.server.site_dir).encode()
            return self._send(Reply(200, "text/html; charset=utf-8", page))
        self._send(Reply.text(HTTPStatus.NOT_FOUND, f"Not found: {url.path}"))

    do_HEAD = do_GET  # noqa: N815 (_send leaves the body out)

    def do_POST(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        body = self._body()
        if body is None:
            return
        writes = ctype in RDF_TYPES or ctype == "application/sparql-update"
        if writes or url.path not in ENDPOINT_PATHS:
            return self._error(HTTPStatus.FORBIDDEN, READ_ONLY)
        charset = _charset(self.headers.get("Content-Type") or "")
        if charset not in (None, "utf-8", "utf8", "us-ascii"):
            return self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, f"Send the query as UTF-8, not {charset}.")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return self._error(HTTPStatus.BAD_REQUEST, "The request body is not valid UTF-8.")
        in_url = self._params(url.query)
        if in_url is None:
            return
        if ctype == "application/x-www-form-urlencoded":
            params = self._params(text)
            if params is None:
                return
            both = {"query", "update"} & set(in_url) and {"query", "update"} & set(params)
        elif ctype == "application/sparql-query":
            params = {"query": [text]}
            both = {"query", "update"} & set(in_url)
        else:
            return self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                               "POST a query as application/sparql-query or application/x-www-form-urlencoded.")
        if both:
            return self._error(HTTPStatus.BAD_REQUEST, "The query is given both in the URL and in the body: "
                               "give it once (SPARQL 1.1 Protocol).")
        merged = {**in_url, **params}
        self._run(merged, None)

    def _refuse_write(self) -> None:
        length = self.headers.get("Content-Length", "0")
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            if self._chunked_body() is None:
                return
        elif length.isdigit() and int(length) <= MAX_BODY:
            self.rfile.read(int(length))  # drain, so a keep-alive connection stays in step
        else:
            self.close_connection = True
        self._error(HTTPStatus.FORBIDDEN, READ_ONLY)

    do_PUT = do_DELETE = do_PATCH = _refuse_write  # noqa: N815 (Graph Store Protocol writes)

    def do_OPTIONS(self) -> None:  # noqa: N802 (CORS preflight)
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, HEAD, OPTIONS")
        requested = self.headers.get("Access-Control-Request-Headers") or ""
        # Any header a browser asks to send is fine: the endpoint is read-only and takes no credentials.
        allowed = ", ".join(h for h in (x.strip() for x in requested.split(",")) if _TOKEN.fullmatch(h))
        self.send_header("Access-Control-Allow-Headers", allowed or "*")
        self.send_header("Access-Control-Max-Age", "86400")
        self.send_header("Content-Length", "0")
        self.end_headers()


def _charset(content_type: str) -> str | None:
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None


def _accepts_gzip(header: str | None) -> bool:
    for part in (header or "").split(","):
        coding, *params = (p.strip().lower() for p in part.split(";"))
        if coding in ("gzip", "*"):
            return not any(p.replace(" ", "") in ("q=0", "q=0.0", "q=0.00", "q=0.000") for p in params)
    return False


def _compressible(content_type: str) -> bool:
    mime = content_type.split(";")[0].strip()
    return mime.startswith("text/") or mime.endswith(("json", "xml", "trig", "n-triples", "n-quads")) or \
        mime.endswith("javascript")


def _matches(if_none_match: str | None, tag: str) -> bool:
    if not if_none_match:
        return False
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in tags or tag in tags


def make_server(kg_loader: Callable[[], KnowledgeGraph], host: str = "127.0.0.1", port: int = 8000,
                timeout: float = 30.0, site_dir: str | Path = "build", *, workers: int | None = None,
                max_rows: int = Limits.max_rows, max_bytes: int = Limits.max_bytes,
                quiet: bool = False, cache: bool = True) -> R2pServer:
    """Load the graph once, start the query workers, bind the HTTP server (port 0: any free port).

    Call serve_forever() (or serve_until_signalled()) on the result, and close() when done.
    """
    kg = kg_loader()
    declared = declared_terms(kg)  # a query naming an r2p term the ontology does not declare gets a Warning header
    # Workers fork before the socket exists, so the first ones never inherit it.
    # Queries run on an in-memory copy: the persistent store a command opens from the cache (graph.store_cache)
    # answers the named queries five to ten times slower, and forked workers should share no database handle.
    store = ox.Store()
    store.bulk_extend(kg.store)
    del kg
    pool = QueryPool(store, workers or default_workers(), Limits(timeout, max_rows, max_bytes))
    try:
        example_list = examples()
        page = query_page(example_list, timeout)
        server = R2pServer((host, port), pool, Path(site_dir), page, example_list, quiet,
                           ReplyCache() if cache else None)
        server.declared = declared
        return server
    except BaseException:
        pool.close()
        raise


class _Stop(Exception):
    pass


def serve_until_signalled(server: R2pServer, on_ready: Callable[[], None] | None = None) -> None:
    """Serve until Ctrl-C (SIGINT) or SIGTERM, then stop the workers and return."""

    def stop(signum: int, frame: object) -> None:
        raise _Stop

    # SIGINT too, not Python's default: a process started in the background (nohup, `&` in a script) inherits
    # SIGINT ignored, and Ctrl-C or `kill -INT` would then not stop the server.
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        if on_ready:
            threading.Thread(target=on_ready, daemon=True).start()
        server.serve_forever()
    except (KeyboardInterrupt, _Stop):
        print("Stopping.", file=sys.stderr)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        server.close()
