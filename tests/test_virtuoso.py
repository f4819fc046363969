"""A second real engine: `r2pkg push` into Virtuoso, then the named queries there and embedded.

The test starts its own Virtuoso (Debian's virtuoso-opensource binaries,
`virtuoso-t`) on loopback ports with its own configuration and database in a
temporary folder, pushes the built graph through the Graph Store Protocol with
Digest authentication and through Virtuoso's own bulk loader (`ld_dir` +
`rdf_loader_run` through isql, `--via virtuoso-bulk`), and compares every
named query's rows with the embedded store's for both. Skipped, with the
reason, when `virtuoso-t` is not installed (scripts/setup-test-env.sh installs it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from conftest import free_port, wait_until_answering

from graph import remote
from graph.cli import cli
from graph.errors import InputError
from graph.queries import named_queries, run_query

VIRTUOSO = shutil.which("virtuoso-t")
pytestmark = pytest.mark.skipif(VIRTUOSO is None, reason="virtuoso-t is not installed (Debian: "
                                "virtuoso-opensource-7-bin; scripts/setup-test-env.sh installs it)")
GRAPH = "https://w3id.org/r2pkg/graph/brief-2013"
PASSWORD = "dba"  # the fresh database's own administrator, on a loopback port of a throwaway instance

INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
ServerThreads = 10
CheckpointInterval = 60
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = ., {d}

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
MaxClientConnections = 10
ServerThreads = 10
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""


@dataclass(frozen=True)
class Instance:
    base: str  # the HTTP address
    sql: str  # the SQL port isql talks to
    folder: Path  # its database folder, which DirsAllowed lists


def started(tmp_path_factory) -> Iterator[Instance]:
    folder = tmp_path_factory.mktemp("virtuoso")
    http_port, sql_port = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(INI.format(d=folder, sql=sql_port, http=http_port))
    proc = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", str(folder / "virtuoso.ini")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=folder)
    base = f"http://127.0.0.1:{http_port}"
    try:
        wait_until_answering(f"{base}/sparql?query=ASK%7B%7D", proc, 120, "Virtuoso", log=folder / "virtuoso.log")
        yield Instance(base, str(sql_port), folder)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory) -> Iterator[str]:
    """A Virtuoso for the Graph Store Protocol pushes."""
    for instance in started(tmp_path_factory):
        yield instance.base


@pytest.fixture(scope="module")
def virtuoso_instance(tmp_path_factory) -> Iterator[Instance]:
    """Another Virtuoso for its bulk loader: Virtuoso 7.2 plans a query by what the whole database holds, so
    each way of pushing gets a database of its own, as a user's server would."""
    yield from started(tmp_path_factory)


@pytest.fixture(scope="module")
def pushed(virtuoso, repo_graph) -> str:
    result = CliRunner(env={"R2PKG_TEST_VIRTUOSO": PASSWORD}).invoke(cli, [
        "push", "--endpoint", f"{virtuoso}/sparql-graph-crud-auth", "--graph", GRAPH,
        "--user", "dba", "--password-env", "R2PKG_TEST_VIRTUOSO"])
    assert result.exit_code == 0, result.output
    assert f"graph <{GRAPH}>" in result.output and "triples/s" in result.output
    return virtuoso


BULK_GRAPH = "https://w3id.org/r2pkg/graph/brief-2013-bulk"


def bulk_push(instance: Instance, *extra: str, password: str = PASSWORD, dump_dir: Path | None = None):
    return CliRunner(env={"R2PKG_TEST_VIRTUOSO": password}).invoke(cli, [
        "push", "--via", "virtuoso-bulk", "--dump-dir", str(dump_dir or instance.folder), "--graph", BULK_GRAPH,
        "--isql-port", instance.sql, "--user", "dba", "--password-env", "R2PKG_TEST_VIRTUOSO", *extra])


@pytest.fixture(scope="module")
def bulk_loaded(virtuoso_instance) -> str:
    """The built graph loaded twice by Virtuoso's own loader (the second load replaces the first)."""
    for _ in range(2):
        result = bulk_push(virtuoso_instance)
        assert result.exit_code == 0, result.output
        assert f"graph <{BULK_GRAPH}>" in result.output and "via virtuoso-bulk" in result.output
    assert not list(virtuoso_instance.folder.glob("r2pkg-push-*")), "the dump is removed"
    return virtuoso_instance.base


def test_push_needs_the_password(virtuoso):
    result = CliRunner(env={"R2PKG_TEST_VIRTUOSO": "wrong"}).invoke(cli, [
        "push", "--endpoint", f"{virtuoso}/sparql-graph-crud-auth", "--graph", GRAPH,
        "--user", "dba", "--password-env", "R2PKG_TEST_VIRTUOSO"])
    assert result.exit_code == 2 and "refused user 'dba' (HTTP 401)" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("way", ["put", "bulk"])
def test_the_pushed_graph_holds_every_triple(way, request, repo_graph):
    base, graph = (request.getfixturevalue("pushed"), GRAPH) if way == "put" else \
        (request.getfixturevalue("bulk_loaded"), BULK_GRAPH)
    result = run_query(sparql="SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", endpoint=f"{base}/sparql",
                       default_graph=graph)
    distinct = len({(q.subject, q.predicate, q.object) for q in repo_graph.store})
    assert result.records()[0]["n"] == distinct


def test_bulk_push_refuses_a_wrong_password_and_port(virtuoso_instance):
    for extra, password, message in ([], "wrong", "refused user 'dba': check the password"), \
            (["--isql-port", str(free_port())], PASSWORD, "cannot reach Virtuoso's SQL port"):
        result = bulk_push(virtuoso_instance, *extra, password=password)
        assert result.exit_code == 2 and message in result.output, result.output
        assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_bulk_push_refuses_a_folder_virtuoso_may_not_read(virtuoso_instance, bulk_loaded, repo_graph):
    # Virtuoso lets every process read the system's temporary folder, so the refused folder is elsewhere.
    home = Path.home()
    if str(home).startswith(tempfile.gettempdir()) or not os.access(home, os.W_OK):
        pytest.skip("needs a writable folder outside the temporary one")
    outside = Path(tempfile.mkdtemp(prefix=".r2pkg-test-", dir=home))
    try:
        result = bulk_push(virtuoso_instance, dump_dir=outside)
        assert result.exit_code == 2 and "DirsAllowed" in result.output, result.output
        assert len(result.output.strip().splitlines()) == 1
        assert list(outside.iterdir()) == [], "the dump is removed"
        count = run_query(sparql="SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", endpoint=f"{bulk_loaded}/sparql",
                          default_graph=BULK_GRAPH)
        assert count.records()[0]["n"] == len({(q.subject, q.predicate, q.object) for q in repo_graph.store}), \
            "the graph loaded before is untouched"
    finally:
        shutil.rmtree(outside)


def test_a_loader_error_is_one_line_and_leaves_the_graph_empty(virtuoso_instance):
    from graph.server_loaders import virtuoso_load_file

    bad = virtuoso_instance.folder / "broken.nt"
    bad.write_text('<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n'
                   '<https://example.org/s> <https://example.org/p> "unterminated .\n')
    graph = "https://example.org/graph/broken"
    with pytest.raises(InputError, match=r"Virtuoso's loader failed on broken\.nt: .*Unterminated") as failed:
        virtuoso_load_file(str(bad), graph, port=virtuoso_instance.sql, password=PASSWORD)
    assert "\n" not in str(failed.value) and "left empty" in str(failed.value)
    count = run_query(sparql="SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", endpoint=f"{virtuoso_instance.base}/sparql",
                      default_graph=graph)
    assert count.records()[0]["n"] == 0


XSD = "http://www.w3.org/2001/XMLSchema#"
_AGGREGATE = re.compile(r"GROUP_CONCAT\s*\((?:DISTINCT\s+)?\?\w+\s*(?:;\s*separator\s*=\s*(\"[^\"]*\"|'[^']*'))?\s*\)"
                        r"\s+AS\s+\?(\w+)", re.I)


def concatenations(text: str) -> dict[str, str]:
    """The GROUP_CONCAT result variables of a query and their separators."""
    return {m.group(2): (m.group(1) or '" "')[1:-1] for m in _AGGREGATE.finditer(text)}


def term(value, joined: str | None = None):
    """A result term as compared across engines; only representation is normalised, never content.

    - xsd:boolean true/false and xsd:integer 1/0 are one value: Virtuoso has no boolean type and answers
      a computed boolean as 1 or 0.
    - A GROUP_CONCAT result is its parts, in any order and without a language tag: SPARQL leaves the order
      of the parts open, and Virtuoso returns the concatenation as a plain literal where Oxigraph keeps
      the common language tag of the parts.
    """
    if value is None:
        return None
    if isinstance(value, rdflib.Literal):
        if joined is not None:
            return ("concatenation", tuple(sorted(str(value).split(joined))))
        datatype = str(value.datatype or "")
        if datatype == XSD + "boolean" or (datatype == XSD + "integer" and str(value) in ("0", "1")):
            return ("truth", str(value) in ("true", "1"))
        return ("literal", str(value), datatype, value.language)
    return (type(value).__name__, str(value))


def rows(result, joined: dict[str, str]) -> Counter:
    return Counter(tuple(term(rec.get(v), joined.get(v)) for v in result.variables) for rec in result.terms())


# Queries that compare documents answer nothing on the repository, which holds one document (the two-document
# case runs in tests/test_documents.py).
ONE_DOCUMENT_EMPTY = {"documents-disagree"}
CASES = [pytest.param(name, bound, way, id=f"{name}-{bound}-{way}") for name in named_queries()
         for bound in ("defaults", "examples") for way in ("put", "bulk")]


@pytest.mark.parametrize("name, bound, way", CASES)
def test_named_query_gives_the_same_rows_in_virtuoso(request, repo_graph, name, bound, way):
    """Every named query, with its defaults (required parameters at their examples) and with every optional
    parameter bound to its example (sent as VALUES, which the embedded store binds natively)."""
    query = named_queries()[name]
    if bound == "defaults":
        params = {p.name: p.example for p in query.params if p.required and p.example}
    else:
        params = query.example_values()
        if not params:
            pytest.skip(f"{name} has no parameter")
    base, graph = (request.getfixturevalue("pushed"), GRAPH) if way == "put" else \
        (request.getfixturevalue("bulk_loaded"), BULK_GRAPH)
    local = run_query(repo_graph, name=name, params=params)
    with remote.deadline(60):
        there = run_query(name=name, params=params, endpoint=f"{base}/sparql", default_graph=graph)
    assert there.variables == local.variables
    joined = concatenations(query.body)
    assert rows(there, joined) == rows(local, joined)
    if name not in ONE_DOCUMENT_EMPTY:
        assert local.rows, f"{name} has no rows to compare"


def test_the_cli_gives_the_same_rows_from_virtuoso(pushed):
    """`r2pkg query NAME --param ... --endpoint` as a scholar types it, against the embedded answer."""
    args = ["query", "CQ04", "--param", "claim=r2pr:claim-p12-02", "--format", "csv"]
    there = CliRunner().invoke(cli, [*args, "--endpoint", f"{pushed}/sparql", "--graph", GRAPH])
    here = CliRunner().invoke(cli, args)
    assert there.exit_code == 0 and here.exit_code == 0, there.output + here.output
    lines = here.output.splitlines()
    assert len(lines) == 3 and sorted(there.output.splitlines()) == sorted(lines)


def test_comparison_tells_content_from_representation():
    """The normalisation above forgives representation only: another value is still another value."""
    yes, one, two = (rdflib.Literal(True), rdflib.Literal(1), rdflib.Literal(2))
    assert term(yes) == term(one) and term(yes) != term(two) and term(rdflib.Literal(False)) != term(one)
    en, plain = rdflib.Literal("a; b", lang="en"), rdflib.Literal("b; a")
    assert term(en, "; ") == term(plain, "; ") and term(en, "; ") != term(rdflib.Literal("a; c"), "; ")
    assert term(en) != term(rdflib.Literal("a; b"))  # outside a concatenation the language tag counts
    assert concatenations(named_queries()["CQ10"].body) == {"prerequisites": "; "}


def test_setup_script_installs_virtuoso():
    script = (Path(__file__).resolve().parent.parent / "scripts" / "setup-test-env.sh").read_text()
    assert "virtuoso-opensource-7-bin" in script
