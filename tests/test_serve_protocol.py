"""`r2pkg serve` speaks the protocol as clients speak it.

SPARQLWrapper (every query form x return format x method), rdflib's
SPARQLStore, browsers (CORS, preflight), HTTP itself (HEAD, chunked bodies,
ETag and 304, gzip, the HTTP layer's own errors), the Service Description
and Graph Store Protocol reads, and datasets named by FROM or by the request.
"""

from __future__ import annotations

import csv
import gzip
import http.client
import io
import socket
import threading
import urllib.parse
import warnings
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from graph.server import make_server
from graph.store import load_graph

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "serve"
MINI = FIXTURES / "mini.ttl"
W3C_DATA = FIXTURES / "w3c-protocol" / "dataset.trig"
DATA1 = "http://kasei.us/2009/09/sparql/data/data1.rdf"
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")


@pytest.fixture(scope="module")
def server() -> Iterator:
    srv = make_server(lambda: load_graph([MINI, W3C_DATA]), "127.0.0.1", 0, 10, FIXTURES / "site", workers=2,
                      quiet=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv
    srv.shutdown()
    srv.close()


def call(server, method: str, path: str, body: bytes | str | None = None, headers: dict | None = None,
         conn: http.client.HTTPConnection | None = None) -> tuple[int, dict, bytes]:
    own = conn is None
    conn = conn or http.client.HTTPConnection(*server.server_address[:2], timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        if own:
            conn.close()


def q(text: str, **params: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": text, **params})


def raw(server, data: bytes) -> bytes:
    """Bytes on a bare socket, the answer as bytes: for requests http.client refuses to send."""
    with socket.create_connection(server.server_address[:2], timeout=10) as s:
        s.sendall(data)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


# --- SPARQLWrapper: 3 query forms x 9 return formats x 2 methods = 54 ----------------------------------
SW = pytest.importorskip("SPARQLWrapper")
FORMS = {
    "SELECT": "SELECT ?c ?label WHERE { ?c a r2p:Claim ; rdfs:label ?label }",
    "CONSTRUCT": "CONSTRUCT { ?c rdfs:label ?label } WHERE { ?c a r2p:Claim ; rdfs:label ?label }",
    "DESCRIBE": "DESCRIBE r2pr:claim-2",
}
PROLOGUE = ("PREFIX r2p: <https://w3id.org/r2pkg/ontology#> PREFIX r2pr: <https://w3id.org/r2pkg/resource/> "
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> ")
RETURN_FORMATS = [SW.JSON, SW.JSONLD, SW.XML, SW.TURTLE, SW.N3, SW.RDF, SW.RDFXML, SW.CSV, SW.TSV]
# The media type each request must be answered in, where the format fits the form (else: the default).
EXPECTED_TYPE = {
    ("SELECT", SW.JSON): "application/sparql-results+json", ("SELECT", SW.XML): "application/sparql-results+xml",
    ("SELECT", SW.CSV): "text/csv", ("SELECT", SW.TSV): "text/tab-separated-values",
    ("GRAPH", SW.XML): "application/rdf+xml", ("GRAPH", SW.RDFXML): "application/rdf+xml",
    ("GRAPH", SW.RDF): "application/rdf+xml", ("GRAPH", SW.TURTLE): "text/turtle", ("GRAPH", SW.N3): "text/turtle",
    ("GRAPH", SW.JSONLD): "application/ld+json", ("GRAPH", SW.JSON): "application/ld+json",
}
MATRIX = [(form, fmt, method) for form in FORMS for fmt in RETURN_FORMATS for method in (SW.GET, SW.POST)]


def test_the_matrix_has_54_combinations():
    assert len(MATRIX) == 54


@pytest.mark.parametrize("form, fmt, method", MATRIX, ids=[f"{a}-{b}-{c}" for a, b, c in MATRIX])
def test_sparqlwrapper_matrix(server, form, fmt, method):
    store = ox.Store()
    store.bulk_load(path=str(MINI), format=ox.RdfFormat.TURTLE)
    expected = store.query(PROLOGUE + FORMS[form])
    expected_count = len(list(expected))
    sw = SW.SPARQLWrapper(server.url + "sparql")
    sw.setQuery(PROLOGUE + FORMS[form])
    sw.setReturnFormat(fmt)
    sw.setMethod(method)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # SPARQLWrapper's "sending */*" notice
        response = sw.query()
        mime = response.response.headers.get("Content-Type", "").split(";")[0]
        converted = response.convert()
    kind = "SELECT" if form == "SELECT" else "GRAPH"
    want = EXPECTED_TYPE.get((kind, fmt))
    if want:
        assert mime == want
    if form == "SELECT":
        if mime == "application/sparql-results+json":
            assert len(converted["results"]["bindings"]) == expected_count
        elif mime == "application/sparql-results+xml":
            assert len(converted.getElementsByTagName("result")) == expected_count
        else:  # CSV and TSV come back as text: a header row and one row per solution
            delimiter = "," if mime == "text/csv" else "\t"
            assert len(list(csv.reader(io.StringIO(converted.decode()), delimiter=delimiter))) == expected_count + 1
    else:
        if isinstance(converted, bytes):  # SPARQLWrapper leaves Turtle and N-Triples as bytes
            syntax = {"text/turtle": "turtle", "application/n-triples": "nt"}[mime]
            converted = rdflib.Graph().parse(data=converted.decode(), format=syntax)
        assert isinstance(converted, rdflib.Graph)
        assert len(converted) == expected_count > 0


# --- rdflib's SPARQLStore ---------------------------------------------------------------------------------
def test_rdflib_sparqlstore(server):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    for fmt in ("json", "xml"):
        graph = rdflib.Graph(SPARQLStore(server.url + "sparql", returnFormat=fmt))
        rows = list(graph.query(PROLOGUE + FORMS["SELECT"]))
        assert len(rows) == 4 and all(isinstance(r.c, rdflib.URIRef) for r in rows)
        assert graph.query(PROLOGUE + "ASK { r2pr:claim-1 a r2p:Claim }").askAnswer is True
    # rdflib's default (xml) asks for RDF/XML too, so CONSTRUCT answers come back as a graph
    constructed = graph.query(PROLOGUE + FORMS["CONSTRUCT"]).graph
    assert len(constructed) == 4
    assert (rdflib.URIRef("https://w3id.org/r2pkg/resource/claim-2"), rdflib.RDFS.label,
            rdflib.Literal("Trust underpins resilience", lang="en")) in constructed


# --- negotiation ----------------------------------------------------------------------------------------
COUNT = PROLOGUE + "SELECT (COUNT(*) AS ?n) WHERE { ?c a r2p:Claim }"


@pytest.mark.parametrize("params, accept, ctype", [
    ({"format": "bogus"}, "text/csv", "text/csv"),  # an unknown name is ignored: Accept decides
    ({}, "text/*", "text/csv"),
    ({"output": "tsv"}, "application/sparql-results+json", "text/tab-separated-values"),
    ({"format": "turtle"}, "text/csv", "text/csv"),  # a graph format cannot carry solutions: ignored
])
def test_format_parameters_only_when_they_fit(server, params, accept, ctype):
    status, headers, _ = call(server, "GET", q(COUNT, **params), headers={"Accept": accept})
    assert status == 200 and headers["content-type"].startswith(ctype)


# --- HTTP ----------------------------------------------------------------------------------------------
def test_head_has_no_body_and_the_connection_stays_usable(server):
    conn = http.client.HTTPConnection(*server.server_address[:2], timeout=30)
    try:
        for path in (q(COUNT), "/sparql", "/store?default", "/query", "/nothing"):
            status, headers, body = call(server, "HEAD", path, conn=conn)
            assert body == b"" and "access-control-allow-origin" in headers, path
            got, get_headers, get_body = call(server, "GET", path, conn=conn)  # same connection: still in step
            assert got == status and int(headers.get("content-length", -1)) == len(get_body), path
    finally:
        conn.close()


def test_the_http_layers_own_errors_are_plain_text_with_cors(server):
    for request, status in [
        (b"GARBAGE\r\n\r\n", b"400"),
        (b"GET /sparql?" + b"x" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", b"414"),
        (b"FROB /sparql HTTP/1.1\r\nHost: x\r\n\r\n", b"501"),
        (b"GET /sparql HTTP/1.1\r\nHost: x\r\nX-Big: " + b"y" * 70_000 + b"\r\n\r\n", b"431"),
    ]:
        answer = raw(server, request)
        head = answer.split(b"\r\n\r\n")[0].lower()
        assert answer.startswith(b"HTTP/1.1 " + status), answer[:100]
        assert b"access-control-allow-origin: *" in head and b"content-type: text/plain" in head


def test_preflight_allows_any_requested_header(server):
    status, headers, _ = call(server, "OPTIONS", "/sparql", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Authorization, X-Requested-With, Content-Type"})
    assert status == 204
    allowed = {h.strip().lower() for h in headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "x-requested-with", "content-type"} <= allowed
    assert int(headers["access-control-max-age"]) > 0 and "POST" in headers["access-control-allow-methods"]


def test_chunked_post(server):
    conn = http.client.HTTPConnection(*server.server_address[:2], timeout=30)
    try:
        conn.request("POST", "/sparql", body=iter([COUNT[:40].encode(), COUNT[40:].encode()]), encode_chunked=True,
                     headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"})
        r = conn.getresponse()
        assert r.status == 200 and r.read() == b"n\r\n4\r\n"
    finally:
        conn.close()


def test_trailing_slash_and_a_query_given_twice(server):
    assert call(server, "GET", q(COUNT).replace("/sparql?", "/sparql/?"))[0] == 200
    status, _, body = call(server, "POST", q(COUNT), COUNT, {"Content-Type": "application/sparql-query"})
    assert status == 400 and b"both" in body
    form = urllib.parse.urlencode({"query": COUNT})
    status, _, _ = call(server, "POST", q(COUNT), form, {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400


def test_etag_and_304(server):
    status, headers, body = call(server, "GET", q(COUNT), headers={"Accept": "text/csv"})
    assert status == 200 and headers["etag"]
    status, again, body2 = call(server, "GET", q(COUNT), headers={"Accept": "text/csv",
                                                                 "If-None-Match": headers["etag"]})
    assert status == 304 and body2 == b"" and again["etag"] == headers["etag"]
    assert call(server, "GET", q(COUNT), headers={"Accept": "text/csv", "If-None-Match": '"other"'})[0] == 200


def test_gzip_when_asked(server):
    text = PROLOGUE + "SELECT * WHERE { ?s ?p ?o }"
    plain = call(server, "GET", q(text), headers={"Accept": "application/sparql-results+json"})
    zipped = call(server, "GET", q(text), headers={"Accept": "application/sparql-results+json",
                                                   "Accept-Encoding": "gzip, deflate"})
    assert "content-encoding" not in plain[1] and zipped[1]["content-encoding"] == "gzip"
    assert gzip.decompress(zipped[2]) == plain[2] and len(zipped[2]) < len(plain[2])


# --- datasets ---------------------------------------------------------------------------------------------
def test_from_and_from_named_are_honoured(server):
    def count(text: str, **params: str) -> int:
        status, _, body = call(server, "GET", q(text, **params), headers={"Accept": "text/csv"})
        assert status == 200, body
        return int(body.split()[1])

    everything = count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert count(f"SELECT (COUNT(*) AS ?n) FROM <{DATA1}> WHERE {{ ?s ?p ?o }}") == 1 < everything
    assert count(f"SELECT (COUNT(*) AS ?n) FROM NAMED <{DATA1}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}") == 1
    assert count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **{"default-graph-uri": DATA1}) == 1
    # a word "from" that is not the keyword leaves the union default graph alone
    assert count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(?o != 'FROM <x>') }") == everything


def test_bad_dataset_iris_are_400_and_kill_no_worker(server):
    before = (server.pool.killed, server.pool.deaths)
    for _ in range(40):
        status, _, body = call(server, "GET", q("ASK {}", **{"default-graph-uri": "not an iri"}))
        assert status == 400 and b"not an IRI" in body
    assert call(server, "GET", q("ASK {}", **{"named-graph-uri": "http://[::1"}))[0] == 400
    assert (server.pool.killed, server.pool.deaths) == before


# --- Service Description and Graph Store reads -------------------------------------------------------------
def test_service_description(server):
    status, headers, body = call(server, "GET", "/sparql", headers={"Accept": "text/turtle"})
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=body.decode(), format="turtle")
    service = rdflib.URIRef(server.url + "sparql")
    assert (service, rdflib.RDF.type, SD.Service) in g and (service, SD.endpoint, service) in g
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in g
    kg = load_graph([MINI, W3C_DATA])
    dataset = g.value(service, SD.defaultDataset)
    default = g.value(dataset, SD.defaultGraph)
    assert int(g.value(default, VOID.triples)) == len(kg)  # the union of all graphs, as queries see it
    names = {str(g.value(n, SD.name)): int(g.value(g.value(n, SD.graph), VOID.triples))
             for n in g.objects(dataset, SD.namedGraph)}
    assert names == {f"http://kasei.us/2009/09/sparql/data/data{i}.rdf": 1 for i in range(4)}
    # a SPARQL client that asks for results formats still gets a description it can read
    assert call(server, "GET", "/sparql", headers={"Accept": "application/sparql-results+json"})[0] == 200


@pytest.mark.parametrize("accept, parse", [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml"),
])
def test_graph_store_reads_the_default_graph(server, accept, parse):
    status, headers, body = call(server, "GET", "/store?default", headers={"Accept": accept})
    assert status == 200 and headers["content-type"].startswith(accept)
    assert len(rdflib.Graph().parse(data=body.decode(), format=parse)) == len(load_graph([MINI]))


def test_graph_store_reads_named_graphs_and_the_dataset(server):
    path = "/store?" + urllib.parse.urlencode({"graph": DATA1})
    status, _, body = call(server, "GET", path, headers={"Accept": "application/n-triples"})
    assert status == 200 and body.decode().count(" .\n") == 1 and DATA1 in body.decode()
    status, _, body = call(server, "GET", path, headers={"Accept": "application/trig"})
    ds = rdflib.Dataset().parse(data=body.decode(), format="trig")
    assert status == 200 and len(ds.graph(rdflib.URIRef(DATA1))) == 1
    status, _, body = call(server, "GET", "/store", headers={"Accept": "application/n-quads"})
    assert status == 200 and len(list(ox.parse(body, ox.RdfFormat.N_QUADS))) == len(load_graph([MINI, W3C_DATA]))
    unknown = "/store?" + urllib.parse.urlencode({"graph": "http://example.org/none"})
    assert call(server, "GET", unknown)[0] == 404
    assert call(server, "GET", "/store?default&" + urllib.parse.urlencode({"graph": DATA1}))[0] == 400
    assert call(server, "GET", "/store?graph=not%20an%20iri")[0] == 400


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE", "PATCH"])
def test_graph_store_writes_are_refused(server, method):
    status, headers, _ = call(server, method, "/store?default", b"<a:a> <a:b> <a:c> .",
                              {"Content-Type": "application/n-triples"})
    assert status == 403 and headers["access-control-allow-origin"] == "*"
    assert call(server, "GET", q(COUNT), headers={"Accept": "text/csv"})[2] == b"n\r\n4\r\n"


def test_answers_read_back_unchanged(server):
    """gzip and caching never alter a body: the cached, the fresh and the unzipped answers are one."""
    text = PROLOGUE + "CONSTRUCT WHERE { ?s ?p ?o }"
    first = call(server, "GET", q(text), headers={"Accept": "application/n-triples"})[2]
    second = call(server, "GET", q(text), headers={"Accept": "application/n-triples", "Accept-Encoding": "gzip"})[2]
    assert gzip.GzipFile(fileobj=io.BytesIO(second)).read() == first
