"""The HTTP side of `r2pkg serve`: SPARQL 1.1 Protocol at /sparql, a query page, the built site.

Request threads only parse, check and route; queries run in the worker pool
(graph.server.pool), so a slow query holds one worker, never the server.
"""

from __future__ import annotations

import ipaddress
import json
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from graph import __version__
from graph.guard import UPDATE_REFUSED, Refused, check_query
from graph.namespaces import PREFIXES
from graph.server import static
from graph.server.pool import Job, Limits, QueryPool, Reply, ReplyCache

if TYPE_CHECKING:
    from graph.store import KnowledgeGraph

MAX_BODY = 1024 * 1024  # a query or form bigger than this is not a query
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
    """Enough to keep answering while one worker is stuck on a slow query, not more than the CPUs use."""
    return max(2, min(4, os.cpu_count() or 2))


def examples() -> list[dict]:
    """The named queries as ready-to-run examples: parameters with defaults become a VALUES clause."""
    from graph.errors import InputError
    from graph.namespaces import sparql_prologue
    from graph.queries import named_queries
    from graph.remote import values_clause

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
            text += values_clause(q.bindings({}))
        except InputError:  # a required parameter without a default: bound to its example value, if any
            try:
                text += values_clause(q.bindings(q.example_values()))
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
    request_queue_size = 128  # 32+ concurrent clients connect at once

    def __init__(self, address: tuple[str, int], pool: QueryPool, site_dir: Path, page: bytes,
                 examples: list[dict], quiet: bool = False, cache: ReplyCache | None = None):
        self.pool = pool
        self.cache = cache
        self.site_dir = site_dir
        self.page = page
        self.examples = examples
        self.quiet = quiet
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, SparqlHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
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
        if notice := listen_notice(host):
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

    def _send(self, reply: Reply, head: bool = False) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Access-Control-Allow-Origin", "*")  # YASGUI and notebooks served from elsewhere
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        if not head:
            try:
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting: nothing to do
                self.close_connection = True

    def _error(self, status: int, message: str) -> None:
        self._send(Reply.text(status, message))

    def _body(self) -> bytes | None:
        """The request body, or None after answering 411/413."""
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self._error(HTTPStatus.LENGTH_REQUIRED, "A POST needs a Content-Length.")
            self.close_connection = True
            return None
        if int(length) > MAX_BODY:
            self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"The request body is over {MAX_BODY:,} bytes.")
            self.close_connection = True
            return None
        return self.rfile.read(int(length))

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
        try:
            check_query(query)
        except Refused as e:
            return self._error(e.status, e.message)
        fmt = (params.get("format") or [None])[0]
        job = Job(query, self.headers.get("Accept"), fmt,
                  tuple(params.get("default-graph-uri", [])), tuple(params.get("named-graph-uri", [])))
        cache = self.server.cache
        reply = cache.get(job) if cache else None
        if reply is None:
            reply = self.server.pool.run(job)
            if cache:
                cache.put(job, reply)
        self._send(reply)

    def _params(self, text: str) -> dict[str, list[str]] | None:
        try:
            return parse_qs(text, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            self._error(HTTPStatus.BAD_REQUEST, "The parameters are not valid UTF-8.")
            return None

    # --- methods -------------------------------------------------------
    def do_GET(self, head: bool = False) -> None:  # noqa: N802 (http.server's naming)
        url = urlsplit(self.path)
        if url.path in ("/sparql", "/query"):
            params = self._params(url.query)
            if params is None:
                return
            # /query is the page; a browser visiting /sparql without a query gets it too.
            browser = "text/html" in (self.headers.get("Accept") or "")
            if "query" not in params and "update" not in params and (url.path == "/query" or browser):
                return self._send(Reply(200, "text/html; charset=utf-8", self.server.page), head)
            return self._run(params, None)
        if url.path == "/queries.json":
            body = json.dumps(self.server.examples, indent=1).encode()
            return self._send(Reply(200, "application/json", body), head)
        path = static.resolve(self.server.site_dir, self.path)
        if path is not None:
            return self._send(Reply(200, static.content_type(path), path.read_bytes()), head)
        if url.path in ("/", "/index.html") and not self.server.site_exists:
            page = _NO_SITE.format(site=self.server.site_dir).encode()
            return self._send(Reply(200, "text/html; charset=utf-8", page), head)
        self._send(Reply.text(HTTPStatus.NOT_FOUND, f"Not found: {url.path}"), head)

    def do_HEAD(self) -> None:  # noqa: N802
        self.do_GET(head=True)

    def do_POST(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        body = self._body()
        if body is None:
            return
        writes = ctype in RDF_TYPES or ctype == "application/sparql-update"
        if writes or url.path not in ("/sparql", "/query"):
            return self._error(HTTPStatus.FORBIDDEN, READ_ONLY)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return self._error(HTTPStatus.BAD_REQUEST, "The request body is not valid UTF-8.")
        if ctype == "application/x-www-form-urlencoded":
            params = self._params(text)
            if params is not None:
                extra = self._params(url.query) or {}
                self._run({**extra, **params}, None)
        elif ctype == "application/sparql-query":
            params = self._params(url.query)
            if params is not None:
                self._run(params, text)
        else:
            self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                        "POST a query as application/sparql-query or application/x-www-form-urlencoded.")

    def _refuse_write(self) -> None:
        length = self.headers.get("Content-Length", "0")
        if length.isdigit() and int(length) <= MAX_BODY:
            self.rfile.read(int(length))  # drain, so a keep-alive connection stays in step
        else:
            self.close_connection = True
        self._error(HTTPStatus.FORBIDDEN, READ_ONLY)

    do_PUT = do_DELETE = do_PATCH = _refuse_write  # noqa: N815 (Graph Store Protocol writes)

    def do_OPTIONS(self) -> None:  # noqa: N802 (CORS preflight)
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, HEAD, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        self.send_header("Content-Length", "0")
        self.end_headers()


def make_server(kg_loader: Callable[[], KnowledgeGraph], host: str = "127.0.0.1", port: int = 8000,
                timeout: float = 30.0, site_dir: str | Path = "build", *, workers: int | None = None,
                max_rows: int = Limits.max_rows, max_bytes: int = Limits.max_bytes,
                quiet: bool = False, cache: bool = True) -> R2pServer:
    """Load the graph once, start the query workers, bind the HTTP server (port 0: any free port).

    Call serve_forever() (or serve_until_signalled()) on the result, and close() when done.
    """
    kg = kg_loader()
    # Workers fork before the socket exists, so the first ones never inherit it.
    pool = QueryPool(kg.store, workers or default_workers(), Limits(timeout, max_rows, max_bytes))
    try:
        example_list = examples()
        page = query_page(example_list, timeout)
        return R2pServer((host, port), pool, Path(site_dir), page, example_list, quiet,
                         ReplyCache() if cache else None)
    except BaseException:
        pool.close()
        raise


class _Stop(Exception):
    pass


def serve_until_signalled(server: R2pServer, on_ready: Callable[[], None] | None = None) -> None:
    """Serve until Ctrl-C (SIGINT) or SIGTERM, then stop the workers and return."""

    def stop(signum: int, frame: object) -> None:
        raise _Stop

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        if on_ready:
            threading.Thread(target=on_ready, daemon=True).start()
        server.serve_forever()
    except (KeyboardInterrupt, _Stop):
        print("Stopping.", file=sys.stderr)
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.close()
