"""`r2pkg export` and `graph.export` over the one formats registry: every registered format is a CLI choice,
listed in --help with the tool that opens it, and written by the library; bad paths are one line and exit 2
with nothing written; --document keeps one document's claims and what they assert."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import graph
from graph import formats
from graph.cli import cli
from graph.commands.export import export_command
from graph.errors import InputError
from graph.exporting import export_formats, write_export

REPO = Path(__file__).resolve().parent.parent

OTHER_DOCUMENT = """
@prefix r2p: <https://w3id.org/r2pkg/ontology#> . @prefix r2pr: <https://w3id.org/r2pkg/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix oa: <http://www.w3.org/ns/oa#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
r2pr:other-brief a r2p:SourceDocument ; rdfs:label "Another brief"@en .
r2pr:other-section a r2p:DocumentSection ; rdfs:label "Another section"@en ; r2p:sectionIndex 1 ;
    r2p:sectionOf r2pr:other-brief .
r2pr:claim-other-01 a r2p:Claim ; rdfs:label "Another claim"@en ; r2p:section r2pr:other-section ;
    r2p:paragraph 1 ; r2p:consensus r2p:SomeParticipants ; r2p:speakerRole r2p:ParticipantRole ;
    prov:wasAttributedTo r2pr:roundtable-participants ;
    r2p:hasQuote [ a oa:SpecificResource ; oa:hasSource r2pr:other-brief ;
        oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "a quote from another brief" ] ] .
r2pr:link-other-01 a r2p:CausalLink ; r2p:cause r2pr:good-governance ; r2p:effect r2pr:institutional-resilience ;
    r2p:relation r2p:LeadsToRelation ; r2p:modality r2p:Possible ; r2p:assertedBy r2pr:claim-other-01 .
"""


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_every_registered_format_is_a_choice_in_help_and_written_by_graph_export(repo_graph, tmp_path):
    fmts = export_formats()
    assert {"turtle", "trig", "graphml", "gexf", "aif", "argdown", "kumu", "datapackage", "annotations"} <= {
        f.name for f in fmts}
    choices = next(p for p in export_command.params if p.name == "fmt").type.choices
    help_text = run("export", "--help").output
    for f in fmts:
        assert f.name in choices and f.writer and f.media_type and f.extension and f.opens_with
        assert f.name in help_text and f.opens_with.split(" (")[0] in " ".join(help_text.split())
        path = graph.export(repo_graph, f.name, tmp_path / f"g{'' if f.is_bundle else f.extension}")
        assert path.exists() and (any(path.iterdir()) if f.is_bundle else path.stat().st_size > 100)


def test_rdf_syntaxes_with_their_writers_are_still_the_formats_query_and_serve_offer():
    from graph.server import results

    export_formats()
    turtle, trig = formats.BY_NAME["turtle"], formats.BY_NAME["trig"]
    assert turtle.writer and trig.writer
    assert turtle in results.FORMATS_BY_KIND[formats.GRAPH] and results.negotiate("graph", "text/turtle") == turtle
    assert formats.find("nt", formats.GRAPH) == formats.find("nt", formats.EXPORT)
    assert "json" not in formats.names(formats.EXPORT) and "turtle" not in formats.names(formats.SOLUTIONS)


def test_a_format_registered_in_one_place_is_exported_by_the_library(repo_graph, tmp_path):
    @formats.exporter("claim-labels", media_type="text/plain", extension=".txt", opens_with="any text editor")
    def write_labels(content):
        return "\n".join(c.label for c in content.claims.values())

    try:
        assert "claim-labels" in {f.name for f in export_formats()}
        text = graph.export(repo_graph, "claim-labels")
        assert len(text.splitlines()) == len(list(repo_graph.query("SELECT ?c WHERE { ?c a r2p:Claim }")))
    finally:
        del formats.BY_NAME["claim-labels"]


@pytest.mark.parametrize("fmt, name", [("graphml", "x.graphml"), ("aif", "x.json"), ("datapackage", "tables"),
                                       ("datapackage", "tables.zip"), ("argdown", "x.argdown")])
def test_a_bad_path_is_one_line_exit_2_and_nothing_written(tmp_path, fmt, name):
    target = tmp_path / "missing" / name
    done = run("export", "--format", fmt, "-o", target)
    assert done.exit_code == 2 and "Traceback" not in done.output
    assert done.stderr.strip().count("\n") == 0 and "does not exist" in done.stderr
    assert not (tmp_path / "missing").exists()


def test_several_files_need_a_path(tmp_path):
    done = run("export", "--format", "datapackage")
    assert done.exit_code == 2 and "-o FOLDER or -o FILE.zip" in done.stderr and not done.stdout


def test_a_folder_export_replaces_the_old_folder_whole_or_not_at_all(repo_graph, tmp_path, monkeypatch):
    out = tmp_path / "tables"
    out.mkdir()
    (out / "stale.csv").write_text("old")
    write_export(repo_graph, "datapackage", out)
    assert not (out / "stale.csv").exists() and (out / "claims.csv").exists()
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(content):
        raise InputError("the writer failed")

    monkeypatch.setitem(formats.BY_NAME, "datapackage", formats.BY_NAME["datapackage"].__class__(
        **{**formats.BY_NAME["datapackage"].__dict__, "writer": broken}))
    with pytest.raises(InputError):
        write_export(repo_graph, "datapackage", out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tables"]  # no staging folder left behind


@pytest.fixture(scope="module")
def two_documents(tmp_path_factory):
    extra = tmp_path_factory.mktemp("docs") / "other.ttl"
    extra.write_text(OTHER_DOCUMENT, encoding="utf-8")
    return ["--input", REPO / "ontology" / "r2p.ttl", "--input", REPO / "data", "--input", extra]


def test_document_keeps_one_documents_claims_and_what_they_assert(two_documents, tmp_path):
    kumu = json.loads(run("export", "--format", "kumu", "--document", "other-brief", *two_documents).stdout)
    assert [c["id"] for c in kumu["connections"]] == ["https://w3id.org/r2pkg/resource/link-other-01"]
    assert kumu["connections"][0]["Modality"] == "possible"
    assert kumu["connections"][0]["Quote"] == ["a quote from another brief"]
    assert kumu["connections"][0]["Breadth"] == "some participants"
    aif = json.loads(run("export", "--format", "aif", "--document", "other-brief", *two_documents).stdout)
    assert [n["nodeID"] for n in aif["nodes"] if n["type"] == "I"] == ["https://w3id.org/r2pkg/resource/claim-other-01"]
    brief = json.loads(run("export", "--format", "aif", "--document", "brief-2013", *two_documents).stdout)
    whole = json.loads(run("export", "--format", "aif", *two_documents).stdout)
    i_nodes = [n["nodeID"] for n in brief["nodes"] if n["type"] == "I"]
    assert "https://w3id.org/r2pkg/resource/claim-other-01" not in i_nodes
    assert len(i_nodes) + 1 == sum(1 for n in whole["nodes"] if n["type"] == "I")
    turtle = run("export", "--format", "turtle", "--document", "other-brief", *two_documents).stdout
    assert "claim-other-01" in turtle and "a quote from another brief" in turtle and "claim-p01-01" not in turtle


def test_an_unknown_document_is_one_line_naming_the_documents(two_documents):
    done = run("export", "--format", "graphml", "--document", "no-such-brief", *two_documents)
    assert done.exit_code == 2 and done.stderr.strip().count("\n") == 0
    assert "no-such-brief" in done.stderr and "brief-2013" in done.stderr and "other-brief" in done.stderr
