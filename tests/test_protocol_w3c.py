"""The W3C SPARQL 1.1 Protocol tests, as this project's own test data, against `r2pkg serve`.

tests/fixtures/serve/w3c-protocol/manifest.json holds the request/response
pairs of the W3C rdf-tests manifest (sparql/sparql11/protocol) for queries and
refused updates; dataset.trig the graphs they name. Each request goes over a
real socket to a real server, byte for byte as the manifest gives it.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.server import make_server
from graph.store import load_graph

HERE = Path(__file__).resolve().parent / "fixtures" / "serve" / "w3c-protocol"
MANIFEST = json.loads((HERE / "manifest.json").read_text())
RESULTS = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
           "application/sparql-results+xml": ox.QueryResultsFormat.XML,
           "text/csv": ox.QueryResultsFormat.CSV, "text/tab-separated-values": ox.QueryResultsFormat.TSV}
RDF = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
       "application/rdf+xml": ox.RdfFormat.RDF_XML, "application/ld+json": ox.RdfFormat.JSON_LD}


@pytest.fixture(scope="module")
def base() -> Iterator[tuple[str, int]]:
    srv = make_server(lambda: load_graph([HERE / MANIFEST["data"]]), "127.0.0.1", 0, 10, HERE / "no-site",
                      workers=2, quiet=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv.server_address[:2]
    srv.shutdown()
    srv.close()


def test_the_manifest_holds_every_query_test():
    ids = [t["id"] for t in MANIFEST["tests"]]
    assert len(ids) == len(set(ids)) == 27
    assert sum(i.startswith("query_") for i in ids) == 13 and sum(i.startswith("bad_") for i in ids) == 14


@pytest.mark.parametrize("test", MANIFEST["tests"], ids=[t["id"] for t in MANIFEST["tests"]])
def test_w3c_protocol(base, test):
    conn = http.client.HTTPConnection(*base, timeout=30)
    body = test.get("body")
    data = body.encode(test.get("body_encoding", "utf-8")) if body is not None else None
    conn.request(test["method"], test["path"], body=data, headers=test.get("headers", {}))
    resp = conn.getresponse()
    payload = resp.read()
    conn.close()
    expect = test["expect"]
    if expect["status"] == "4xx":
        assert 400 <= resp.status < 500, (resp.status, payload)
        return
    assert 200 <= resp.status < 400, (resp.status, payload)
    mime = (resp.getheader("Content-Type") or "").split(";")[0].strip()
    if expect["format"] in ("boolean", "tabular"):
        assert mime in RESULTS, mime
        parsed = ox.parse_query_results(payload, RESULTS[mime])
        if expect["format"] == "boolean":
            assert isinstance(parsed, ox.QueryBoolean)
            if "boolean" in expect:
                assert bool(parsed) is expect["boolean"]
        else:
            assert isinstance(parsed, ox.QuerySolutions) and len(list(parsed)) == 1
    else:
        assert mime in RDF, mime
        triples = list(ox.parse(payload, RDF[mime]))
        # Relative IRIs in a CONSTRUCT template are resolved against the endpoint's own address.
        assert all(isinstance(t.subject, ox.NamedNode | ox.BlankNode) for t in triples)
        if "CONSTRUCT" in test["body"]:
            assert len(triples) == 1 and triples[0].subject.value.startswith(f"http://{base[0]}:{base[1]}/")
