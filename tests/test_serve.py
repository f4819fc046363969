"""r2pkg serve: SPARQL 1.1 Protocol, refusals, timeouts, the site folder, shutdown.

Protocol tests run a real server (in-process thread, real worker processes) on
a small fixture graph; the named queries run through SPARQLWrapper against a
server on the repository's graph and must give the rows the embedded graph gives.
"""

from __future__ import annotations

import http.client
import http.server
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.guard import is_update
from graph.server import Job, Limits, QueryPool, Refused, check_query, make_server, sandbox, static
from graph.server import results as res
from graph.server.app import listen_notice
from graph.server.pool import Reply, ReplyCache, execute
from graph.store import load_graph

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "serve"
MINI = FIXTURES / "mini.ttl"
SITE = FIXTURES / "site"
TIMEOUT = 1.5
# Six copies of every triple joined: 41^6 rows to count, minutes of work for any engine.
PATHOLOGICAL = "SELECT (COUNT(*) AS ?n) WHERE { " + " . ".join(f"?s{i} ?p{i} ?o{i}" for i in range(6)) + " }"
COUNT_CLAIMS = "SELECT (COUNT(*) AS ?n) WHERE { ?c a r2p:Claim }"


def mini_graph():
    return load_graph([MINI], derive=False)


class Client:
    """A tiny HTTP client (one connection per request) that returns status, headers and body."""

    def __init__(self, base: str):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port

    def request(self, method: str, path: str, body: bytes | str | None = None,
                headers: dict[str, str] | None = None, timeout: float = 30) -> tuple[int, dict, bytes]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()

    def get(self, query: str, accept: str | None = None, **params: str) -> tuple[int, dict, bytes]:
        qs = urllib.parse.urlencode({"query": query, **params})
        return self.request("GET", f"/sparql?{qs}", headers={"Accept": accept} if accept else {})

    def post_form(self, fields: dict[str, str], accept: str | None = None) -> tuple[int, dict, bytes]:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if accept:
            headers["Accept"] = accept
        return self.request("POST", "/sparql", urllib.parse.urlencode(fields), headers)

    def post_query(self, query: str, accept: str | None = None,
                   path: str = "/sparql") -> tuple[int, dict, bytes]:
        headers = {"Content-Type": "application/sparql-query"}
        if accept:
            headers["Accept"] = accept
        return self.request("POST", path, query.encode(), headers)


@pytest.fixture(scope="module")
def server() -> Iterator:
    srv = make_server(mini_graph, "127.0.0.1", 0, TIMEOUT, SITE, workers=2, quiet=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.close()


@pytest.fixture
def client(server) -> Client:
    return Client(server.url)


# --- the SERVICE and update guard ------------------------------------------------
REFUSED = [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "select * where { service silent <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o SERVICE<http://127.0.0.1:9/>{?s ?p ?o} }",
    "SELECT * WHERE { ?s ?p ?o SERVICE ?s { ?s ?p ?o } }",
    # pyoxigraph's keywords need no word boundary: these are SERVICE calls to it
    "SELECT * WHERE { ?s ?p trueSERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "PREFIX ex: <http://127.0.0.1:9/> SELECT * WHERE { ?s ?p ?o SERVICEex:x { ?s ?p ?o } }",
    "PREFIX : <http://127.0.0.1:9/> SELECT * WHERE { ?s ?p ?o SERVICE:x { ?s ?p ?o } }",
    # `<` is less-than here, so what looks like an IRI hides the keyword from a naive lexer
    "SELECT * WHERE { ?s ?p ?o FILTER(1<2)SERVICE#>\n<http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o FILTER(1<2&&'>')SERVICE<http://127.0.0.1:9/>{?s ?p ?o}FILTER(?s!='') }",
    "SELECT * WHERE { ?s ?p ?o FILTER(EXISTS{?s ?p ?o}<?o)SERVICE#>\n<http://127.0.0.1:9/>{?s ?p ?o} }",
    "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
]
ALLOWED = [
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://127.0.0.1:9/> { }",
    "SELECT * WHERE { ?s ?p 'SERVICE <http://127.0.0.1:9/> { }' }",
    'SELECT * WHERE { ?s ?p """a "SERVICE" b""" }',
    "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
    "SELECT ?service WHERE { ?service ?p ?o }",
    "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:service ?o }",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o = <http://example.org/service>) }",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o < 3) }",
]


@pytest.mark.parametrize("query", REFUSED)
def test_guard_refuses_service(query):
    with pytest.raises(Refused) as e:
        check_query(query)
    assert e.value.status == 403 and "SERVICE" in e.value.message


@pytest.mark.parametrize("query", ALLOWED)
def test_guard_lets_service_in_comments_strings_iris_and_names_pass(query):
    check_query(query)
    ox.Store().query(query)  # and each is a valid query


@pytest.mark.parametrize("text", [
    "INSERT DATA { <a> <b> <c> }",
    "PREFIX ex: <http://x/> # comment\n DELETE WHERE { ?s ex:p ?o }",
    "BASE <http://x/> LOAD <http://example.org/data.ttl>",
    "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
])
def test_guard_refuses_updates(text):
    assert is_update(text)
    with pytest.raises(Refused) as e:
        check_query(text)
    assert e.value.status == 403


def test_guard_does_not_take_queries_for_updates():
    assert not is_update("PREFIX insert: <http://x/> SELECT * WHERE { ?s insert:p ?o }")
    assert not is_update("# DELETE\nSELECT * WHERE { ?s ?p ?o }")


class _Sink(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_POST(self):  # noqa: N802
        type(self).hits += 1
        self.send_response(500)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST  # noqa: N815

    def log_message(self, *args):
        pass


@pytest.fixture
def sink() -> Iterator[tuple[str, type[_Sink]]]:
    """A local HTTP server that counts the requests pyoxigraph makes for SERVICE."""
    handler = type("Sink", (_Sink,), {"hits": 0})
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/", handler
    srv.shutdown()
    srv.server_close()


def test_guard_refuses_every_query_that_makes_pyoxigraph_call_out(sink):
    """Random token soup around SERVICE: whenever pyoxigraph really calls the sink, the guard said no."""
    url, handler = sink
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://a"), ox.NamedNode("http://p"), ox.Literal("x")))
    junk = ["FILTER(1<2)", "FILTER(1<2&&'>')", "FILTER(?o<'y')", "FILTER(EXISTS{?s ?p ?o}<?o)", "#>\n", "#",
            "\n", "'''", "'", '"', "?s ?p ?o", ".", " ", "true", "(", ")", "<", ">", "ex:x", ":x", "<http://a>",
            "BIND(1 AS ?z)", "{", "}", "SERVICE", "OPTIONAL"]
    rng = random.Random(20131016)
    called = refused = 0
    for _ in range(3000):
        body = "".join(rng.choice(junk) for _ in range(rng.randint(0, 4)))
        body += rng.choice(["SERVICE", "service", "SeRvIcE"]) + rng.choice(["", " ", " SILENT ", "#x\n"])
        body += rng.choice([f"<{url}>", "ex:x", ":x"]) + rng.choice(["", " "]) + "{?s ?p ?o}"
        body += "".join(rng.choice(junk) for _ in range(rng.randint(0, 3)))
        query = f"PREFIX ex: <{url}> PREFIX : <{url}> SELECT * WHERE {{ ?s ?p ?o . {body} }}"
        try:
            check_query(query)
            ok = True
        except Refused:
            ok, refused = False, refused + 1
        before = handler.hits
        try:
            list(store.query(query))
        except (SyntaxError, OSError, RuntimeError, ValueError):
            pass
        if handler.hits > before:
            called += 1
            assert not ok, f"the guard let through a query that called out: {query!r}"
    assert called > 20 and refused >= called  # the soup did reach the network, so the check had teeth


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the seccomp sandbox is Linux only")
def test_sandboxed_worker_cannot_call_out_even_past_the_guard(sink, monkeypatch):
    import graph.server.pool as pool

    monkeypatch.setattr(pool, "check_query", lambda text: None)  # the worker's own guard, switched off
    url, handler = sink
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: confine, then run SERVICE directly (no guard)
        code = 0
        try:
            installed = sandbox.confine_worker()
            store = ox.Store()
            store.add(ox.Quad(ox.NamedNode("http://a"), ox.NamedNode("http://p"), ox.Literal("x")))
            reply = execute(store, Job(f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"), Limits())
            os.write(write, json.dumps([installed, reply.status, reply.body.decode()]).encode())
        except BaseException:
            code = 1
        os._exit(code)
    os.close(write)
    _, status = os.waitpid(pid, 0)
    data = os.read(read, 65536)
    os.close(read)
    assert status == 0
    installed, code, message = json.loads(data)
    if not installed:
        pytest.skip("seccomp filters are not available on this machine")
    assert code == 403 and "network" in message
    assert handler.hits == 0


# --- results and negotiation -----------------------------------------------------
QRF = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML, "tsv": ox.QueryResultsFormat.TSV}
SELECT_ALL = ("SELECT ?s ?label ?rank ?none WHERE { ?s ?p ?o OPTIONAL { ?s rdfs:label ?label } "
              "OPTIONAL { ?s r2p:rank ?rank } OPTIONAL { ?s r2p:nothing ?none } } ORDER BY ?s ?p ?o")


@pytest.fixture(scope="module")
def mini_store() -> ox.Store:
    return mini_graph().store


def _q(store: ox.Store, text: str):
    from graph.namespaces import PREFIXES

    return store.query(text, prefixes=PREFIXES)


@pytest.mark.parametrize("name", ["json", "xml", "tsv"])
def test_solutions_serialise_as_pyoxigraph_reads_them(mini_store, name):
    fmt = next(f for f in res.SOLUTION_FORMATS if f.name == name)
    ours = res.serialize_solutions(_q(mini_store, SELECT_ALL), fmt, 10_000, 10**7)
    parsed = [str(s) for s in ox.parse_query_results(ours, QRF[name])]
    direct = [str(s) for s in _q(mini_store, SELECT_ALL)]
    assert parsed == direct and len(direct) > 40


def test_csv_is_byte_for_byte_pyoxigraphs(mini_store):
    fmt = next(f for f in res.SOLUTION_FORMATS if f.name == "csv")
    ours = res.serialize_solutions(_q(mini_store, SELECT_ALL), fmt, 10_000, 10**7)
    assert ours == _q(mini_store, SELECT_ALL).serialize(format=ox.QueryResultsFormat.CSV)
    assert b'"Tab\tand\nnewline, comma"' in ours


def test_row_and_byte_caps_give_422_not_a_truncated_result(mini_store):
    assert execute(mini_store, Job("SELECT * WHERE { ?s ?p ?o }"), Limits(max_rows=41)).status == 200
    over = execute(mini_store, Job("SELECT * WHERE { ?s ?p ?o }"), Limits(max_rows=40))
    assert over.status == 422 and b"more than 40 rows" in over.body
    graph = execute(mini_store, Job("CONSTRUCT WHERE { ?s ?p ?o }"), Limits(max_rows=10))
    assert graph.status == 422 and b"more than 10 triples" in graph.body
    big = execute(mini_store, Job("SELECT * WHERE { ?s ?p ?o }"), Limits(max_bytes=1000))
    assert big.status == 422 and b"1,000 bytes" in big.body


@pytest.mark.parametrize(("kind", "accept", "fmt", "expected"), [
    ("solutions", None, None, "json"),
    ("solutions", "text/html,application/xhtml+xml,*/*;q=0.8", None, "json"),
    ("solutions", "application/sparql-results+xml;q=0.9, application/sparql-results+json", None, "json"),
    ("solutions", "application/sparql-results+json;q=0.5, text/csv", None, "csv"),
    ("solutions", "text/*", None, "csv"),  # by the format's own type: text/xml is only an alias of XML
    ("solutions", "application/json", "tsv", "tsv"),
    ("solutions", "text/turtle", None, None),
    ("solutions", "text/csv;q=0", None, None),
    ("boolean", "text/csv", None, None),
    ("boolean", "application/xml", None, "xml"),
    ("graph", None, None, "turtle"),
    ("graph", "application/n-triples, text/turtle;q=0.5", None, "ntriples"),
    ("graph", "application/ld+json", None, "jsonld"),
    ("graph", "text/csv", None, None),
    ("graph", None, "ttl", "turtle"),
    ("graph", None, "csv", "turtle"),  # a format= the result cannot take is ignored: Accept decides
    ("solutions", "text/csv", "bogus", "csv"),
    # SPARQLWrapper's names, which mean different formats for graphs and for solutions
    ("graph", "application/rdf+xml", "xml", "rdfxml"),
    ("graph", None, "rdf+xml", "rdfxml"),
    ("graph", None, "n3", "turtle"),
    ("graph", None, "json", "jsonld"),
    ("graph", None, "json-ld", "jsonld"),
    ("solutions", None, "xml", "xml"),
    ("solutions", None, "json", "json"),
    ("solutions", "application/sparql-results+json", "turtle", "json"),
])
def test_negotiate(kind, accept, fmt, expected):
    chosen = res.negotiate(kind, accept, fmt)
    assert (chosen.name if chosen else None) == expected


# --- the site folder ---------------------------------------------------------------
@pytest.mark.parametrize("url", [
    "/../tests/fixtures/serve/mini.ttl", "/%2e%2e/mini.ttl", "/maps/%2e%2e/%2e%2e/mini.ttl",
    "/maps%2f..%2f..%2fmini.ttl", "/..%5cmini.ttl", "/%252e%252e/mini.ttl", "/.hidden", "/nothing.html",
    "/maps/%00", "/%ff",
])
def test_static_never_leaves_the_site(url):
    assert static.resolve(SITE, url) is None


def test_static_serves_files_and_folder_index():
    assert static.resolve(SITE, "/") == (SITE / "index.html").resolve()
    assert static.resolve(SITE, "/maps/overview.html?x=1") == (SITE / "maps" / "overview.html").resolve()
    assert static.resolve(SITE, "/maps/%6Fverview.html") == (SITE / "maps" / "overview.html").resolve()


def test_static_does_not_follow_symlinks_out(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (site / "inside.txt").write_text("ok")
    (site / "out.txt").symlink_to(secret)
    (site / "outdir").symlink_to(tmp_path)
    (site / "in.txt").symlink_to(site / "inside.txt")
    assert static.resolve(site, "/out.txt") is None
    assert static.resolve(site, "/outdir/secret.txt") is None
    assert static.resolve(site, "/in.txt") == (site / "inside.txt").resolve()


# --- the protocol, over HTTP -------------------------------------------------------
def test_get_select_json(client):
    status, headers, body = client.get(COUNT_CLAIMS)
    assert status == 200 and headers["content-type"] == "application/sparql-results+json"
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "4"
    assert headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize(("accept", "ctype", "marker"), [
    ("application/sparql-results+xml", "application/sparql-results+xml", b"<sparql"),
    ("text/csv", "text/csv", b"n\r\n4\r\n"),
    ("text/tab-separated-values", "text/tab-separated-values", b"?n\n"),
])
def test_post_form_negotiates_result_formats(client, accept, ctype, marker):
    status, headers, body = client.post_form({"query": COUNT_CLAIMS}, accept)
    assert status == 200 and headers["content-type"].startswith(ctype) and marker in body


def test_post_sparql_query_body_and_format_parameter(client):
    status, _, body = client.post_query(COUNT_CLAIMS, "text/csv")
    assert status == 200 and body == b"n\r\n4\r\n"
    status, headers, _ = client.get(COUNT_CLAIMS, "application/json", format="tsv")
    assert status == 200 and headers["content-type"].startswith("text/tab-separated-values")


@pytest.mark.parametrize(("accept", "rdf_format"), [
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", ox.RdfFormat.JSON_LD),
])
def test_construct_in_each_graph_format(client, mini_store, accept, rdf_format):
    query = "CONSTRUCT { ?l r2p:cause ?c } WHERE { ?l a r2p:CausalLink ; r2p:cause ?c }"
    status, headers, body = client.post_query(query, accept)
    assert status == 200 and headers["content-type"].startswith(accept)
    got = {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=rdf_format)}
    assert got == set(_q(mini_store, query)) and len(got) == 4


def test_ask(client):
    status, _, body = client.get("ASK { r2pr:claim-1 a r2p:Claim }")
    assert status == 200 and json.loads(body)["boolean"] is True


def test_dataset_parameters(client):
    status, _, body = client.get(COUNT_CLAIMS, default_graph_uri="http://example.org/empty")
    assert status == 200  # unknown dataset parameter names are ignored, as the protocol allows
    qs = urllib.parse.urlencode({"query": COUNT_CLAIMS, "default-graph-uri": "http://example.org/empty"})
    status, _, body = client.request("GET", f"/sparql?{qs}")
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "0"


def test_syntax_error_is_400_with_the_parsers_message(client):
    status, headers, body = client.get("SELECT ?s WHERE { ?s ?p }")
    assert status == 400 and headers["content-type"].startswith("text/plain")
    assert body.startswith(b"SPARQL syntax error: error at 1:")


@pytest.mark.parametrize(("method", "path", "body", "headers", "status"), [
    ("GET", "/sparql?query=ASK%7B%7D&query=ASK%7B%7D", None, {}, 400),  # two queries
    ("POST", "/sparql", "ASK {}", {"Content-Type": "text/plain"}, 415),
    ("POST", "/sparql", "update=INSERT+DATA+%7B%3Ca%3E+%3Cb%3E+%3Cc%3E%7D",
     {"Content-Type": "application/x-www-form-urlencoded"}, 403),
    ("POST", "/sparql", "INSERT DATA { <a> <b> <c> }", {"Content-Type": "application/sparql-update"}, 403),
    ("POST", "/sparql", "query=INSERT+DATA+%7B%3Ca%3E+%3Cb%3E+%3Cc%3E%7D",
     {"Content-Type": "application/x-www-form-urlencoded"}, 403),
    ("PUT", "/sparql?default", "<a> <b> <c> .", {"Content-Type": "application/n-triples"}, 403),
    ("POST", "/sparql?graph=http://g", "<a> <b> <c> .", {"Content-Type": "text/turtle"}, 403),
    ("DELETE", "/sparql?graph=http://g", None, {}, 403),
    ("POST", "/store", "<a> <b> <c> .", {"Content-Type": "text/turtle"}, 403),
])
def test_status_codes(client, method, path, body, headers, status):
    got, _, text = client.request(method, path, body, headers)
    assert got == status, text


def test_406_for_a_format_the_result_cannot_take(client):
    status, _, body = client.post_query("CONSTRUCT WHERE { ?s ?p ?o }", "text/csv")
    assert status == 406 and b"text/turtle" in body
    status, _, _ = client.get(COUNT_CLAIMS, "text/turtle")
    assert status == 406


def test_service_is_refused_over_http(client, sink):
    url, handler = sink
    status, _, body = client.get(f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}")
    assert status == 403 and b"SERVICE" in body and handler.hits == 0


def test_slow_query_times_out_while_others_are_answered(server, client):
    """The order of the answers is the behaviour: a simple query sent while the slow one holds a worker comes back
    before the slow one's time-out (were it queued behind the slow one, it would come back after)."""
    killed = server.pool.killed
    answers: list[tuple[str, tuple[int, dict, bytes]]] = []

    thread = threading.Thread(target=lambda: answers.append(("slow", client.post_query(PATHOLOGICAL))))
    thread.start()
    while server.pool.admission.running == 0 and thread.is_alive():  # until the slow query holds a worker
        time.sleep(0.01)
    answers.append(("simple", client.get(COUNT_CLAIMS + " # not cached yet", "text/csv")))
    thread.join()
    assert [who for who, _ in answers] == ["simple", "slow"]
    status, _, body = answers[0][1]
    assert status == 200 and body == b"n\r\n4\r\n"
    status, headers, body = answers[1][1]
    assert status == 503 and f"stopped after {TIMEOUT:g} s".encode() in body
    assert headers["content-type"].startswith("text/plain")
    assert server.pool.killed == killed + 1  # the slow query's worker was killed, not left to finish
    for _ in range(3):  # the replacement worker answers
        reply = client.get(COUNT_CLAIMS)
        assert reply[0] == 200, reply


def test_a_quick_query_stays_light_when_the_machine_is_busy_once():
    """Its best time classes a query text: one slow answer on a loaded machine does not send a known-quick
    query to wait behind the slow ones; a time-out does, and a text never seen is not light yet."""
    from graph.server.pool import FAST_SECONDS, Admission

    admission, job = Admission(2), Job(COUNT_CLAIMS)
    assert admission.light(job) is None and admission.enter(job, "a", 0.01) != 0  # unknown: not admitted as light
    admission.leave(1)
    admission.learn(job, FAST_SECONDS / 10, completed=True)
    admission.learn(job, FAST_SECONDS * 4, completed=True)  # the machine was busy this time
    assert admission.light(job) and admission.enter(job, "a", 0.01) == 0
    admission.learn(job, FAST_SECONDS * 20, completed=False)  # timed out
    assert admission.light(job) is False
    slow = Job(PATHOLOGICAL)
    admission.learn(slow, FAST_SECONDS * 3, completed=True)
    assert admission.light(slow) is False


def test_site_and_query_page(client):
    status, headers, body = client.request("GET", "/")
    assert status == 200 and b"Fixture site" in body and headers["content-type"].startswith("text/html")
    assert client.request("GET", "/maps/overview.html")[0] == 200
    assert client.request("GET", "/%2e%2e/mini.ttl")[0] == 404
    assert client.request("GET", "/maps/..%2f..%2fmini.ttl")[0] == 404
    head = client.request("HEAD", "/")
    assert head[0] == 200 and head[2] == b""
    status, headers, page = client.request("GET", "/query")
    assert status == 200 and headers["content-type"].startswith("text/html")
    # Works offline: no script, style, image or font from anywhere else.
    assert not re.search(rb"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert not re.search(rb"@import|url\(", page)
    browser = client.request("GET", "/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert browser[0] == 200 and browser[2] == page


def test_query_page_offers_the_named_queries(client):
    queries = pytest.importorskip("graph.queries")
    named = queries.named_queries()
    if not named:
        pytest.skip("no named queries are shipped yet")
    _, _, page = client.request("GET", "/query")
    data = re.search(rb'<script type="application/json" id="example-data">(.*?)</script>', page, re.S)
    examples = json.loads(data.group(1))
    assert [e["id"] for e in examples] == list(named)
    assert all(e["sparql"].startswith("PREFIX ") for e in examples)
    status, _, listing = client.request("GET", "/queries.json")
    assert status == 200 and json.loads(listing) == examples


def test_missing_site_still_serves_the_endpoint(tmp_path):
    srv = make_server(mini_graph, "127.0.0.1", 0, TIMEOUT, tmp_path / "nope", workers=1, quiet=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        assert any("r2pkg build" in line for line in srv.startup_lines())
        c = Client(srv.url)
        status, _, body = c.request("GET", "/")
        assert status == 200 and b"r2pkg build" in body
        assert c.get(COUNT_CLAIMS)[0] == 200
    finally:
        srv.shutdown()
        srv.close()


def test_listen_notice_names_non_loopback_addresses():
    assert listen_notice("127.0.0.1") is None and listen_notice("::1") is None
    assert listen_notice("localhost") is None and listen_notice("127.0.0.2") is None
    assert "0.0.0.0" in listen_notice("0.0.0.0") and "not loopback" in listen_notice("192.168.1.5")


def test_reply_cache_keeps_complete_answers_within_its_budget():
    entry = 40 + len("text/plain") + 256  # body, content type and the entry's own overhead
    cache = ReplyCache(max_bytes=2 * entry + 10, max_item=60)
    jobs = [Job(f"ASK {{ ?s ?p {i} }}") for i in range(4)]
    cache.put(jobs[0], Reply(200, "text/plain", b"x" * 40))
    cache.put(jobs[1], Reply(200, "text/plain", b"y" * 40))
    cache.get(jobs[0])  # now the most recently used
    cache.put(jobs[2], Reply(200, "text/plain", b"z" * 40))  # over budget: jobs[1] goes
    assert cache.get(jobs[0]) and cache.get(jobs[2]) and cache.get(jobs[1]) is None
    cache.put(jobs[3], Reply(503, "text/plain", b"timed out"))
    cache.put(Job("big"), Reply(200, "text/plain", b"b" * 61))
    assert cache.get(jobs[3]) is None and cache.get(Job("big")) is None
    assert cache.get(Job(jobs[0].sparql, accept="text/csv")) is None  # another format is another answer


def test_pool_needs_a_worker(mini_store):
    with pytest.raises(ValueError):
        QueryPool(mini_store, 0, Limits())


# --- the named queries through SPARQLWrapper ---------------------------------------
@pytest.fixture(scope="module")
def repo_server():
    from graph.errors import InputError

    try:
        kg = load_graph()
    except InputError as e:
        pytest.skip(f"the repository's data does not load yet: {e}")
    srv = make_server(lambda: kg, "127.0.0.1", 0, 30, SITE, workers=2, quiet=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv, kg
    srv.shutdown()
    srv.close()


def _named_ids() -> list[str]:
    try:
        from graph.queries import named_queries
    except ImportError:
        return []
    return list(named_queries())


@pytest.mark.skipif(not _named_ids(), reason="graph.queries provides no named queries yet")
@pytest.mark.parametrize("query_id", _named_ids())
def test_named_query_through_sparqlwrapper_matches_the_embedded_graph(repo_server, query_id):
    """The example the query page offers, sent by SPARQLWrapper, gives the embedded graph's rows."""
    SPARQLWrapper = pytest.importorskip("SPARQLWrapper")
    from graph.queries import run_named

    srv, kg = repo_server
    example = next(e for e in srv.examples if e["id"] == query_id)  # defaults bound by a VALUES clause
    from graph.queries import get_query

    q = get_query(query_id)  # a required parameter is offered with its example value
    needed = q.example_values() if any(p.required and not p.default for p in q.params) else {}
    expected = json.loads(run_named(kg, query_id, needed).serialize(format=ox.QueryResultsFormat.JSON))
    sw = SPARQLWrapper.SPARQLWrapper(srv.url + "sparql")
    sw.setQuery(example["sparql"])
    assert sw.queryType == SPARQLWrapper.SELECT
    sw.setReturnFormat(SPARQLWrapper.JSON)
    sw.setMethod(SPARQLWrapper.POST)
    got = sw.queryAndConvert()
    assert got["head"]["vars"] == expected["head"]["vars"]

    def rows(doc: dict) -> list[str]:
        return sorted(json.dumps(b, sort_keys=True) for b in doc["results"]["bindings"])

    assert rows(got) == rows(expected)


# --- the command ---------------------------------------------------------------------
def test_help_ends_with_an_example():
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    tail = result.output.rstrip().split("\n")
    assert any(line.strip() == "Example:" for line in tail[-4:])
    assert tail[-1].strip().startswith(("r2pkg serve", "curl"))


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_command_serves_and_stops_cleanly(tmp_path, sig):
    # Started as a background job is (nohup, `&` in a script): with SIGINT ignored, which the server must undo.
    proc = subprocess.Popen(
        [sys.executable, "-m", "graph.cli", "serve", "--port", "0", "--input", str(MINI),
         "--site", str(tmp_path / "no-site"), "--quiet", "--timeout", "5"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("Press Ctrl-C"):
                break
        output = "".join(lines)
        url = re.search(r"serving on (http://127\.0\.0\.1:\d+/)", output)
        assert url, output + proc.stderr.read() if proc.poll() is not None else output
        assert "r2pkg build" in output
        workers = _children(proc.pid)
        status, _, body = Client(url.group(1)).get(COUNT_CLAIMS, "text/csv")
        assert status == 200 and body == b"n\r\n4\r\n"
        proc.send_signal(sig)
        assert proc.wait(timeout=60) == 0  # stops, however loaded the machine (no timing asserted)
        for pid in workers:  # gone, or a zombie waiting for init to reap it
            stat = Path(f"/proc/{pid}/stat")
            assert not stat.exists() or stat.read_text().split()[2] == "Z"
        assert "Traceback" not in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
