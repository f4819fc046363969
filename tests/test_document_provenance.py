"""Which document says it: claims, issues, links, pathways and map items name their document; maps filter by
document when a project has several; pathways and the handout cite each quote's document.

The two-document project is built in a temporary folder from the brief's data and the test document of
tests/fixtures/corpus (a workshop note the project wrote in its own words for its tests).
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO

import graph
from graph.pathways import derive_pathways, pathway_rows, to_json
from graph.pathways.handout import _Quotes, to_markdown
from graph.pathways.handout_page import to_html
from graph.pathways.report_formats import row_columns
from graph.project import read_project
from graph.render.facts import collect_facts
from graph.render.site import all_specs, render_view

R = "https://w3id.org/r2pkg/resource/"
BRIEF, NOTE = R + "brief-2013", R + "workshop-note"
NOTE_TITLE = "Field Notes from a Community Resilience Workshop"
NOTE_CLAIM = R + "workshop-note-p04-01"
NOTE_LINK = R + "link-workshop-captured-participation-undermines-resilience"


def make_project(folder: Path, with_note: bool) -> Path:
    """A project folder with the brief's data (and the test document's), the packaged ontology and no tours."""
    shutil.copytree(REPO / "data", folder / "data", ignore=shutil.ignore_patterns("tours"))
    if with_note:
        for name in ("workshop-note-document.ttl", "workshop-note-claims.ttl"):
            shutil.copy(FIXTURES / "corpus" / name, folder / "data" / name)
    (folder / "tours").mkdir()
    (folder / "r2pkg.toml").write_text(
        f'[project]\nname = "provenance"\nontology = ["{REPO / "ontology" / "r2p.ttl"}"]\n'
        f'shapes = "{REPO / "ontology" / "shapes.ttl"}"\ndata = ["data"]\noutput = "build"\ntours = "tours"\n'
        "[derive]\nmax_steps = 4\n", encoding="utf-8")
    return folder / "r2pkg.toml"


def load(toml: Path):
    project = read_project(toml)
    kg = graph.load_graph(project=project)
    graph.derive(kg, project=project)
    return kg


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    return load(make_project(tmp_path_factory.mktemp("two-documents"), with_note=True))


@pytest.fixture(scope="module")
def one(tmp_path_factory):
    return load(make_project(tmp_path_factory.mktemp("one-document"), with_note=False))


def page_data(path: Path) -> dict:
    html = path.read_text(encoding="utf-8")
    return json.loads(re.search(r'<script type="application/json" id="r2p-data">(.*?)</script>', html, re.S)[1])


def rendered(kg, out: Path, name: str) -> Path:
    facts = collect_facts(kg)
    spec = next(s for s in all_specs(facts, out / "no-tours") if s.name == name)
    return render_view(spec, facts, out).path


# --- the model ---------------------------------------------------------------------------------------------------
def test_every_claim_issue_link_and_pathway_names_its_document(two):
    m = graph.readmodel.read(two)
    assert m.documents() == {BRIEF: "Preventing Mass Atrocities (policy dialogue brief, 2014)", NOTE: NOTE_TITLE}
    assert {m.document_of(c) for c in m.claims} == {BRIEF, NOTE}
    assert m.document_of(NOTE_CLAIM) == NOTE and m.document_of(R + "claim-p10-01") == BRIEF
    assert all(m.document_of(i) == BRIEF for i in m.issues)
    assert m.documents_of([NOTE_LINK]) == (NOTE,)
    assert all(m.documents_of([k]) for k in m.links)  # every link: the documents of the claims asserting it
    assert m.pathways and all(m.documents_of([p.iri]) == (BRIEF,) for p in m.pathways)  # the note's link makes none


# --- maps --------------------------------------------------------------------------------------------------------
def test_map_items_carry_their_documents_and_the_legend_offers_a_filter(two, tmp_path):
    data = page_data(rendered(two, tmp_path, "arguments"))
    docs = {n["id"]: n["r2p"]["documents"] for n in data["nodes"]}
    assert docs[NOTE_CLAIM] == ["r2pr:workshop-note"] and docs[R + "claim-p10-01"] == ["r2pr:brief-2013"]
    assert {e["r2p"]["documents"][0] for e in data["edges"] if e["r2p"]["documents"]} == {"r2pr:brief-2013"}
    legend = {d["key"]: d for d in data["legend"]["documents"]}
    assert legend["r2pr:workshop-note"]["label"] == NOTE_TITLE
    assert legend["r2pr:workshop-note"]["count"] == sum(n["r2p"]["documents"] == ["r2pr:workshop-note"]
                                                        for n in data["nodes"])
    overview = page_data(rendered(two, tmp_path, "overview"))
    shared = {n["id"]: n["r2p"]["documents"] for n in overview["nodes"]}[R + "local-participation"]
    assert shared == ["r2pr:brief-2013", "r2pr:workshop-note"]  # the brief's claims and the note's link
    link = next(e for e in overview["edges"] if e["id"] == NOTE_LINK)
    assert link["r2p"]["documents"] == ["r2pr:workshop-note"]
    claim = next(n for n in data["nodes"] if n["id"] == NOTE_CLAIM)
    assert claim["r2p"]["details"]["document"] == NOTE_TITLE  # the side panel names it


def test_one_document_shows_no_document_control(one, tmp_path):
    data = page_data(rendered(one, tmp_path, "arguments"))
    assert data["legend"]["documents"] == []
    assert all(n["r2p"]["documents"] in ([], ["r2pr:brief-2013"]) for n in data["nodes"])
    assert not any("document" in n["r2p"]["details"] for n in data["nodes"])


def test_the_document_filter_hides_one_documents_items(two, tmp_path):
    browser_tests = pytest.importorskip("test_browser")
    page_path = rendered(two, tmp_path, "overview")
    with browser_tests.sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(browser_tests.CHROMIUM), args=browser_tests.ARGS)
        try:
            page = b.new_page(viewport={"width": 1400, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_path.as_uri())
            page.wait_for_selector("body[data-ready='1']", state="attached", timeout=15000)
            if page.evaluate("r2pMap.step !== null && r2pMap.step !== undefined"):  # a large map opens presenting
                page.evaluate("r2pMap.present.stop()")
            group = page.locator('section[data-group="document"]')
            assert group.get_by_text(NOTE_TITLE, exact=True).is_visible()
            link = NOTE_LINK
            assert link in page.evaluate("r2pMap.visibleEdgeIds()")
            page.locator('input[data-filter="document"][data-key="r2pr:workshop-note"]').uncheck()
            edges, nodes = page.evaluate("r2pMap.visibleEdgeIds()"), page.evaluate("r2pMap.visibleNodeIds()")
            assert link not in edges  # the note's own link goes
            assert R + "local-participation" in nodes  # the brief also speaks of it: it stays
            page.locator('input[data-filter="document"][data-key="r2pr:brief-2013"]').uncheck()
            nodes = page.evaluate("r2pMap.visibleNodeIds()")
            assert R + "local-participation" not in nodes  # both off: what only documents say goes
            assert not errors, errors
        finally:
            b.close()


# --- pathways and the handout ------------------------------------------------------------------------------------
def test_pathways_and_the_handout_cite_each_quotes_document(two, one):
    report = derive_pathways(two)
    claims = json.loads(to_json(report))["claims"]
    assert claims and all(c["document"] == report.document(report.claims[i]) for i, c in claims.items())
    assert report.document(report.claims[NOTE_CLAIM]) == NOTE_TITLE
    # the note's claims make no pathway: cite one with its texts, as the report cites its own claims
    full = graph.readmodel.read(two).claims[NOTE_CLAIM]
    cite = _Quotes(replace(report, claims={**report.claims, NOTE_CLAIM: full})).cite([NOTE_CLAIM])
    assert cite is not None and cite.document == NOTE_TITLE and cite.where() == f", {NOTE_TITLE} ¶4"
    brief_title = "Preventing Mass Atrocities (policy dialogue brief, 2014)"
    markdown = to_markdown(report)
    quoted = [line for line in markdown.splitlines() if line.strip().startswith("> “")]
    assert quoted and all(f", {brief_title} ¶" in line for line in quoted if "¶" in line)
    assert f"{brief_title} ¶" in to_html(report)
    # the table names each entry's documents when the claims come from several
    assert row_columns(report)[-1] == "documents"
    assert {r["documents"].value for r in pathway_rows(report)} == {brief_title}
    # one document: the short citation of before, no title on every quote, no documents column
    alone = derive_pathways(one)
    assert brief_title not in to_markdown(alone) and _Quotes(alone).cite(list(alone.cited_claims())).document == ""
    assert "documents" not in row_columns(alone)


def test_the_reading_view_places_only_its_own_documents_claims(two):
    from graph.render.reading import reading_data
    from graph.source_text import read_source

    facts = collect_facts(two)
    data = reading_data(facts, read_source(FIXTURES / "corpus" / "workshop-note.md", slug="workshop-note"))
    note = {i for i, c in enumerate(data["claims"]) if c["iri"].startswith("r2pr:workshop-note-")}
    by_number = {p["n"]: p for p in data["paragraphs"]}
    placed = {i for p in data["paragraphs"] for _, ids in p["segments"] for i in ids}
    assert placed and placed <= note  # the note's text marks the note's quotes, never the brief's
    # paragraph 4 of the note holds its one claim of paragraph 4, not the brief's claims of its paragraph 4
    assert by_number[4]["claims"] == 1


def test_a_project_of_two_texts_gets_a_reading_view_of_each(two, tmp_path):
    """Each text its own page, titled with its own document and placing only its own quotes; the index links both."""
    from graph.documents import Texts
    from graph.render import build_site
    from graph.source_text import read_source

    note = read_source(FIXTURES / "corpus" / "workshop-note.md", slug="workshop-note")
    other = read_source(FIXTURES / "corpus" / "workshop-note.md", slug="brief-2013")  # any text will do for the brief
    build_site(two, tmp_path, source=other, tours_dir=tmp_path / "no-tours",
               sources=Texts({"brief-2013": other, "workshop-note": note}))
    pages = sorted(p.name for p in tmp_path.glob("reading*.html"))
    assert pages == ["reading-brief-2013.html", "reading-workshop-note.html"]
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert f'href="reading-workshop-note.html">{NOTE_TITLE}: the text, paragraph by paragraph' in index
    assert 'href="reading-brief-2013.html">Preventing Mass Atrocities' in index
    page = (tmp_path / "reading-workshop-note.html").read_text(encoding="utf-8")
    assert f"<title>{NOTE_TITLE}: the text, paragraph by paragraph</title>" in page
