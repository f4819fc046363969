"""The CSV tables as a Frictionless data package, validated by the frictionless library (types, primary and
foreign keys), written as a folder or a zip, with row counts and cells checked against the graph."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from frictionless import Package, validate

from graph.api import project_texts
from graph.exporting import write_export

TABLES = {"claims", "quotes", "causal_links", "requirements", "arguments", "pathways"}


def count(kg, sparql) -> int:
    return int(next(iter(kg.query(sparql)))["n"].value)


@pytest.fixture(scope="module")
def folder(repo_graph, repo_project, tmp_path_factory):
    return write_export(repo_graph, "datapackage", tmp_path_factory.mktemp("dp") / "tables",
                        texts=project_texts(repo_project))


def test_frictionless_validates_the_package_and_its_foreign_keys(folder):
    report = validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    package = Package(str(folder / "datapackage.json"))
    assert {r.name for r in package.resources} == TABLES
    fks = {(r.name, fk["fields"][0]) for r in package.resources for fk in r.schema.foreign_keys}
    assert {("quotes", "claim"), ("arguments", "premise"), ("arguments", "conclusion")} <= fks


def test_row_counts_and_cells_match_the_graph(repo_graph, folder):
    package = Package(str(folder / "datapackage.json"))
    rows = {r.name: r.read_rows() for r in package.resources}
    assert len(rows["claims"]) == count(repo_graph, "SELECT (COUNT(?c) AS ?n) WHERE { ?c a r2p:Claim }")
    assert len(rows["quotes"]) == count(repo_graph, """SELECT (COUNT(*) AS ?n) WHERE {
        ?c a r2p:Claim ; r2p:hasQuote/oa:hasSelector/oa:exact ?q }""")
    assert len(rows["causal_links"]) == count(repo_graph, """SELECT (COUNT(?l) AS ?n) WHERE {
        ?l a r2p:CausalLink ; r2p:relation/r2p:polarity ?p }""")
    assert len(rows["requirements"]) == count(repo_graph, "SELECT (COUNT(?r) AS ?n) WHERE { ?r a r2p:Requirement }")
    assert len(rows["arguments"]) == count(repo_graph, """SELECT (COUNT(*) AS ?n) WHERE {
        VALUES ?k { r2p:Support r2p:Attack } ?a a ?k ; r2p:premise ?p ; r2p:conclusion ?c }""")
    assert len(rows["pathways"]) == count(repo_graph, """SELECT (COUNT(*) AS ?n) WHERE {
        ?p a r2p:Pathway ; r2p:hasStep ?s }""") > 0
    # typed cells: integers and booleans, not text
    claim = next(r for r in rows["claims"] if r["iri"].endswith("claim-p01-01"))
    assert claim["paragraph"] == 1 and claim["speaker"] and claim["breadth"] is None  # the brief states no breadth
    assert all(isinstance(r["contested"], bool) and r["polarity"] in (1, -1) for r in rows["causal_links"])
    agreed = [r for r in rows["claims"] if r["breadth_rank"] is not None]
    assert agreed and all(r["breadth"] for r in agreed)


def test_quotes_have_their_positions_in_the_source_text(folder, source_text):
    with (folder / "quotes.csv").open(encoding="utf-8", newline="") as f:
        quotes = list(csv.DictReader(f))
    assert quotes and all(q["start"] for q in quotes)
    for q in quotes:
        assert source_text.full_text[int(q["start"]):int(q["end"])] == " ".join(q["exact"].split())


def test_a_zip_name_gives_the_same_tables_in_a_zip(repo_graph, repo_project, folder, tmp_path):
    path = write_export(repo_graph, "datapackage", tmp_path / "tables.zip", texts=project_texts(repo_project))
    with zipfile.ZipFile(path) as z:
        assert sorted(z.namelist()) == sorted(p.name for p in folder.iterdir())
        assert z.read("claims.csv") == (folder / "claims.csv").read_bytes()
        header = next(csv.reader(io.StringIO(z.read("quotes.csv").decode("utf-8"))))
    assert header[:2] == ["claim", "exact"]
    assert validate(str(path)).valid



def test_pathway_steps_say_how_the_text_puts_them_and_whose_reading_they_are(repo_graph, folder):
    """A pathway resting on a question (para 6's "How professionalization ... can transform") or on the curators'
    reading says so in its rows, as do its grounding and what contests it."""
    from graph import readmodel

    model = readmodel.read(repo_graph)
    rows = Package(str(folder / "datapackage.json")).get_resource("pathways").read_rows()
    asked = [r for r in rows if r["iri"].endswith("pathway-security-force-abuse--security-sector-professionalization")]
    assert asked and all("question" in r["step_modality"].lower() for r in asked)
    by_curators = {(p.iri, s.index) for p in model.pathways for s in p.steps
                   if all(model.links[x].inferred_by_curators for x in s.links)}
    assert by_curators and {(r["iri"], r["step"]) for r in rows if r["step_by_curators"]} == by_curators
    # para 1's "inextricably linked to its capacity to manage the triggers of violence": read one way by the curators
    assert any(r["step_by_curators"] and "link-preventive-capacity-mitigates-triggers" in r["via_links"] for r in rows)
    grounding = {p.iri: p.grounding or None for p in model.pathways}
    assert all(r["grounding"] == grounding[r["iri"]] for r in rows)
    contested = [r for r in rows if r["contested"]]
    assert contested and all(r["contested_by"] for r in contested)
    assert not [r for r in rows if r["contested_by"] and not r["contested"]]



def test_a_pathway_says_the_modality_of_its_weakest_step(repo_graph, folder):
    """The package holds every derived entry, and a hypothetical (para 28's Venezuela: "a hypothetical
    opportunity for preventive SSR, DDR, and JSR measures") or a question is no grounded pathway: each row says
    the modality of the entry's weakest step."""
    from graph import readmodel as rm

    model = rm.read(repo_graph)
    by_label = {model.label(m): m for m in (rm.ASSERTED, rm.POSSIBLE, rm.NORMATIVE, rm.HYPOTHETICAL, rm.QUESTIONED)}
    rows = Package(str(folder / "datapackage.json")).get_resource("pathways").read_rows()
    for p in model.pathways:
        # a step is as firm as its firmest link; a higher level is a weaker modality
        weakest = max(min(rm.modality_level(m) for m in s.modalities) for s in p.steps)
        mine = {r["modality"] for r in rows if r["iri"] == p.iri}
        assert len(mine) == 1, p.iri
        modality = mine.pop()
        assert {rm.modality_level(by_label[x]) for x in modality.split(" | ")} == {weakest}, (p.iri, modality)
    supposed = {r["iri"] for r in rows if r["modality"] in (model.label(rm.HYPOTHETICAL), model.label(rm.QUESTIONED))}
    assert 3 <= len(supposed) < len({r["iri"] for r in rows})
