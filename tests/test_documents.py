"""Any document, any project: documents and layouts as data, a project of one's own, a corpus of two documents.

The second document is tests/fixtures/corpus/workshop-note.md, a test document the project wrote in its own
words (it reports no real meeting); it disagrees with the brief on purpose: where the brief says local
participation strengthens resilience, the note says captured committees weakened it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import click
import pyoxigraph as ox
import pytest
from conftest import FIXTURES, NO_TEXT, REPO, SOURCE_TEXT

import graph
from graph.documents import Texts, document_citation, document_title, documents
from graph.errors import InputError
from graph.namespaces import DERIVED_GRAPH
from graph.project import read_project
from graph.queries import named_queries, run_query
from graph.resources import ontology_file
from graph.source_text import Layout, normalise, read_layout, read_source
from graph.stats import compute_stats
from graph.validation import validate

CORPUS = FIXTURES / "corpus"
NOTE = CORPUS / "workshop-note.md"
NOTE_TITLE = "Field Notes from a Community Resilience Workshop"
DISAGREEING = "local participation, where a few families captured the new committees, weakened rather than"
BRIEF_QUOTE = "Multiple participants cited a constructive trend toward local participation in preventive resilience"


def r2pkg(script: Path, *args, cwd: Path, check: int | None = 0) -> subprocess.CompletedProcess:
    done = subprocess.run([str(script), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300)
    if check is not None:
        assert done.returncode == check, (args, done.stdout, done.stderr)
    return done


def write_pdf(markdown: Path, pdf: Path) -> None:
    """The test document as a two-page PDF with a running header and a page footer (fpdf2, core fonts)."""
    from fpdf import FPDF

    class Note(FPDF):
        def header(self):
            self.set_font("Helvetica", size=8)
            self.cell(0, 8, "Workshop note (test document)", new_x="LMARGIN", new_y="NEXT")
            self.ln(6)

        def footer(self):
            self.set_y(-15)
            self.set_font("Helvetica", size=8)
            self.cell(0, 8, f"Page {self.page_no()}")

    doc = Note()
    doc.add_page()
    for block in markdown.read_text(encoding="utf-8").split("\n\n"):
        block = block.strip()
        heading = re.match(r"(#+) (.*)", block)
        if heading and heading.group(2) == "Next steps":
            doc.add_page()  # a second page, so that the header and footer repeat
        if heading:
            doc.set_font("Helvetica", "B", 16 if heading.group(1) == "#" else 13)
            doc.multi_cell(0, 7, heading.group(2), align="L")
        else:
            doc.set_font("Helvetica", size=11)
            doc.multi_cell(0, 5, block.strip("*"), align="L")
        doc.ln(6)
    doc.output(str(pdf))


# --- layouts are data ------------------------------------------------------------------------------------------
def test_no_title_layout_or_participant_of_the_brief_is_left_in_the_code():
    """The brief's title, layout strings and participants live in data/ and sources/, never in graph/."""
    layout = read_layout(REPO / "sources" / "brief-2013.layout.toml")
    kg = graph.load_graph(project=read_project(REPO / "r2pkg.toml"))
    people = {str(r["name"]) for r in kg.select(
        "SELECT ?name WHERE { { ?m r2p:participant|r2p:staffMember|r2p:chair|r2p:rapporteur ?p }"
        " UNION { ?claim prov:wasAttributedTo ?p . ?p a foaf:Person } ?p rdfs:label ?name }")}
    title = next(d.title for d in documents(kg) if d.slug == "brief-2013")
    needles = {title, "Stanley Foundation", layout.body_starts_after, *layout.skip_blocks_starting, *people}
    surnames = {name.split()[-1] for name in people}  # "McFate" alone is the participants list too
    assert len(people) > 25 and layout.body_starts_after == title and {"McFate", "Baker", "Simon"} <= surnames
    code = {p: p.read_text(encoding="utf-8") for p in (REPO / "graph").rglob("*") if p.is_file()
            and p.suffix in (".py", ".rq", ".ttl", ".js", ".css", ".html", ".toml", ".md")}
    found = sorted((str(p.relative_to(REPO)), n) for p, text in code.items() for n in needles if n and n in text)
    words = {p: re.sub(r"\\[bBwWsSdD]", " ", text) for p, text in code.items()}  # a name inside a regex too
    found += sorted((str(p.relative_to(REPO)), n) for p, text in words.items() for n in surnames
                    if re.search(rf"\b{re.escape(n)}\b", text))
    assert found == []


def test_the_briefs_layout_gives_its_body_paragraphs(source_text):
    assert source_text.slug == "brief-2013"
    # the opening has no heading in the brief: named as data/sources.ttl names it
    assert len(source_text.paragraphs) == 40 and source_text.sections[0] == "Introduction (untitled opening)"
    # Without its layout the same text is read whole: the title becomes a section, the sidebar a paragraph.
    bare = read_source(SOURCE_TEXT, Layout())
    assert len(bare.paragraphs) > len(source_text.paragraphs)
    layout = read_layout(REPO / "sources" / "brief-2013.layout.toml")
    assert layout.body_starts_after in bare.sections
    assert any(layout.skip_blocks_starting[0] in p.text for p in bare.paragraphs)


def test_markdown_headings_sections_and_inline_markup():
    text = read_source(NOTE)
    assert text.sections == ("Introduction", "Purpose of the workshop", "What the facilitators reported", "Next steps")
    assert [p.number for p in text.paragraphs] == [1, 2, 3, 4, 5, 6]
    assert text.paragraphs[0].text.startswith("A test document written by the r2pkg project")  # emphasis dropped
    assert "*" not in text.paragraphs[0].text and text.paragraphs_containing(DISAGREEING)[0].number == 4
    assert not text.contains("# Field Notes")  # markup is not text a quote can match


def test_normalisation_of_extracted_text(tmp_path):
    """NFKC (ligatures), typographic quotes, end-of-line hyphens and page furniture named in the layout."""
    raw = tmp_path / "extracted.txt"
    raw.write_text("A Report\n\nThe \ufb01rst \u201cwarning\u201d reached the commu-\nnity too late.\n\n"
                   "Running head 3\n\nIt was the group\u2019s view.\n", encoding="utf-8")
    (tmp_path / "extracted.layout.toml").write_text(
        'body_starts_after = "A Report"\nnormalise = true\ndrop_lines = ["Running head \\\\d+"]\n')
    text = read_source(raw)  # the layout next to the text is found by name
    assert [p.text for p in text.paragraphs] == ['The first "warning" reached the community too late.',
                                                 "It was the group's view."]
    assert text.contains("The \ufb01rst \u201cwarning\u201d reached")  # a quote is normalised the same way
    assert normalise("\ufb02ow \u2018x\u2019") == "flow 'x'"
    plain = read_source(raw, Layout(body_starts_after="A Report"))
    assert not plain.contains('The first "warning"')  # off by default for plain text: nothing is changed


@pytest.mark.parametrize(("layout", "message"), [
    ("colour = 1\n", "unknown layout key 'colour'"),
    ("heading_max_words = 0\n", "heading_max_words must be a positive integer"),
    ('drop_lines = ["("]\n', "bad regular expression"),
    ('body_starts_after = "No such title"\n', "is not a block of this text"),
])
def test_bad_layouts_are_one_clear_error(tmp_path, layout, message):
    shutil.copy(NOTE, tmp_path / "note.md")
    (tmp_path / "note.layout.toml").write_text(layout)
    with pytest.raises(InputError, match=re.escape(message)) as e:
        read_source(tmp_path / "note.md")
    assert "note." in str(e.value)


# --- quotes per document; what is not checked is said ---------------------------------------------------------
def corpus_graph(*extra: Path):
    return graph.load_graph([ontology_file(), REPO / "data", CORPUS / "workshop-note-document.ttl",
                             CORPUS / "workshop-note-claims.ttl", *extra])


def test_quotes_are_checked_per_document_and_unchecked_documents_are_named(tmp_path):
    kg = corpus_graph()
    note = read_source(NOTE, slug="workshop-note")
    report = validate(kg, Texts({"workshop-note": note}, {"brief-2013": "no text for the brief here"}))
    assert report.ok and report.unchecked == {"brief-2013": "no text for the brief here"}
    assert "quotes NOT checked" in report.unchecked_line()
    # A wrong quote in the note is found in the note; the brief's quotes are not held against the note's text.
    bad = tmp_path / "bad.ttl"
    bad.write_text((CORPUS / "workshop-note-claims.ttl").read_text().replace("weakened rather", "weakened far"))
    kg = graph.load_graph([ontology_file(), REPO / "data", CORPUS / "workshop-note-document.ttl", bad])
    report = validate(kg, Texts({"workshop-note": note}))
    wrong = [f for f in report.findings if f.check == "quote-verbatim"]
    assert len(wrong) == 1 and "r2pr:workshop-note (cited paragraph 4)" in wrong[0].message
    assert "weakened far" in wrong[0].message and wrong[0].focus == "r2pr:workshop-note-p04-01"
    # Without any text nothing is reported as checked.
    assert validate(kg, None).unchecked


def test_a_group_the_data_names_is_a_speaker_the_sentence_names(tmp_path):
    """The note's "Most facilitators agreed ..." names its speakers by the group's own word; the same sentence
    without it ("Most agreed ...") is the rapporteur's, and the warning says so."""
    from graph.reading_rules import check_unattributed_sentences

    note = read_source(NOTE, slug="workshop-note")
    assert check_unattributed_sentences(corpus_graph(), note) == []
    unnamed = tmp_path / "note.md"
    unnamed.write_text(NOTE.read_text(encoding="utf-8").replace("Most facilitators agreed", "Most agreed"),
                       encoding="utf-8")
    bad = tmp_path / "claims.ttl"
    bad.write_text((CORPUS / "workshop-note-claims.ttl").read_text(encoding="utf-8")
                   .replace("Most facilitators agreed", "Most agreed"), encoding="utf-8")
    kg = graph.load_graph([ontology_file(), REPO / "data", CORPUS / "workshop-note-document.ttl", bad])
    found = check_unattributed_sentences(kg, read_source(unnamed, slug="workshop-note"))
    assert [f.focus for f in found] == ["r2pr:workshop-note-p03-01"]


def test_titles_come_from_the_data():
    kg = corpus_graph()
    assert document_title(graph.load_graph([ontology_file(), CORPUS / "workshop-note-document.ttl",
                                            CORPUS / "workshop-note-claims.ttl", CORPUS / "workshop-nodes.ttl"])) \
        == NOTE_TITLE
    both = document_citation(kg)
    assert NOTE_TITLE + " (r2pkg tests, 2026)" in both and "(The Stanley Foundation, 2014)" in both


# --- named queries are discovered, with their example values ---------------------------------------------------
QUERIES = named_queries(read_project(REPO / "r2pkg.toml"))


@pytest.fixture(scope="module")
def corpus():
    kg = corpus_graph()
    graph.derive(kg, project=read_project(REPO / "r2pkg.toml"))
    return kg


@pytest.mark.parametrize("query_id", sorted(QUERIES))
def test_every_named_query_answers_for_its_example_values(corpus, query_id):
    q = QUERIES[query_id]
    assert q.title and q.description
    for p in q.params:
        assert p.example, f"{q.id}: parameter {p.name} has no example value"
        if p.required:
            with pytest.raises(InputError, match=f"needs --param {p.name}="):
                run_query(corpus, query=q)
    assert run_query(corpus, query=q, params=q.example_values()).rows, f"{q.id} found nothing for its examples"


def test_the_two_cross_document_queries_find_the_test_documents_disagreement(corpus):
    rows = run_query(corpus, name="documents-disagree", params={"document": "workshop-note"}).records()
    opposite = [r for r in rows if r["kind"] == "opposite effects"]
    assert len(opposite) == 1
    row = opposite[0]
    assert row["quote"].startswith(DISAGREEING) and row["otherQuote"] == BRIEF_QUOTE
    assert row["otherDocument"].endswith("/brief-2013") and row["cause"].endswith("/local-participation")
    for side in ("", "other"):  # both claims citable: quote, consensus level, speaker role, attribution
        for column in ("quote", "consensus", "speakerRole", "attributedTo"):
            key = side + (column[0].upper() + column[1:] if side else column)
            assert all(r[key] for r in rows), key
    said = run_query(corpus, name="documents-on-node", params={"node": "societal-resilience"}).records()
    by_doc = {r["document"].rsplit("/", 1)[-1]: r for r in said}
    assert set(by_doc) == {"brief-2013", "workshop-note"}
    assert by_doc["workshop-note"]["title"] == NOTE_TITLE
    assert any(r["quote"] == BRIEF_QUOTE for r in said)
    # The brief alone disagrees with no other document.
    alone = graph.load_graph(project=read_project(REPO / "r2pkg.toml"))
    assert run_query(alone, name="documents-disagree").rows == []


# --- a fresh clone: no text, and the user's own copy ------------------------------------------------------------
def clone_without_text(tmp_path: Path) -> Path:
    """The repository's tracked files as a clone has them: no ../shared beside it, no sources/*.txt."""
    clone = tmp_path / "clone"
    for part in ("ontology", "data"):
        shutil.copytree(REPO / part, clone / part)
    (clone / "sources").mkdir()
    shutil.copy(REPO / "sources" / "brief-2013.layout.toml", clone / "sources")
    shutil.copy(REPO / "r2pkg.toml", clone / "r2pkg.toml")
    return clone


def test_a_clone_without_the_text_says_quotes_were_not_checked_and_a_copy_fixes_it(tmp_path):
    from test_project import run

    clone = clone_without_text(tmp_path)
    done = run("build", "-o", clone / "site", cwd=clone)
    assert done.exit_code == 0, done.output
    line = done.stdout.splitlines()[1]
    # the checks that need no text still run (hedges against modalities), so there may be warnings
    assert line.startswith("validation: 0 errors, ") and "quotes NOT checked" in line
    assert "stanleycenter.org" in line and "r2pkg source add brief-2013 FILE" in line
    assert "NOT checked" in (clone / "site" / "index.html").read_text()
    assert not (clone / "site" / "reading.html").exists()
    checked = run("validate", cwd=clone)
    assert checked.exit_code == 0 and "quotes NOT checked" in checked.stdout.splitlines()[-1]
    if NO_TEXT:
        pytest.skip(NO_TEXT)
    added = run("source", "add", "brief-2013", SOURCE_TEXT, cwd=clone)
    assert added.exit_code == 0, added.output
    assert (clone / "sources" / "brief-2013.txt").read_bytes() == SOURCE_TEXT.read_bytes()
    assert "kept layout" in added.stdout and "kept the description of r2pr:brief-2013" in added.stdout
    assert not (clone / "data" / "brief-2013" / "claims.ttl").exists()  # the curated data is left alone
    assert (clone / "r2pkg.toml").read_text() == (REPO / "r2pkg.toml").read_text()  # it already names sources/
    done = run("build", "-o", clone / "site", cwd=clone)
    assert done.exit_code == 0 and "NOT checked" not in done.stdout
    assert done.stdout.splitlines()[1].startswith("validation: 0 errors, 2 warnings")
    assert (clone / "site" / "reading.html").is_file()


# --- a project of one's own, with r2pkg installed non-editable, outside the repository -----------------------------
PROJECT_QC = """\
# check: claims-need-a-case
# severity: WARNING
# description: In this project every claim should name a case it rests on.
SELECT ?entity ?message WHERE {
  ?entity a r2p:Claim .
  FILTER NOT EXISTS { ?entity r2p:about ?case . ?case a r2p:Case }
  BIND("claim names no case" AS ?message)
}
"""


@pytest.fixture(scope="module")
def own_project(installed, tmp_path_factory) -> Path:
    """`r2pkg init`, `r2pkg source add` of the Markdown note, its claims: a project outside the repository."""
    root = tmp_path_factory.mktemp("own")
    r2pkg(installed, "init", "notes", cwd=root)
    project = root / "notes"
    added = r2pkg(installed, "source", "add", "workshop-note", NOTE, "--publisher", "r2pkg tests",
                  "--date", "2026-01-01", "--url", "https://example.org/workshop-note", cwd=project)
    assert "r2pr:workshop-note: 6 body paragraphs" in added.stdout
    return project


def test_init_writes_a_project_that_inherits_nothing_of_the_brief(own_project):
    p = read_project(own_project / "r2pkg.toml")
    assert {d.name for d in own_project.iterdir()} >= {"r2pkg.toml", "README.md", "data", "sources", "queries",
                                                       "tours", "qc", "rules"}
    assert p.ontology[0].name == "r2p.ttl" and p.tours == own_project / "tours"
    assert not list((own_project / "tours").iterdir()) and p.data == (own_project / "data",)


def test_source_add_writes_text_layout_description_and_skeleton(own_project):
    assert (own_project / "sources" / "workshop-note.md").read_bytes() == NOTE.read_bytes()
    assert read_layout(own_project / "sources" / "workshop-note.layout.toml").format == "markdown"
    source = read_project(own_project / "r2pkg.toml").sources["workshop-note"]
    assert source.path() == own_project / "sources" / "workshop-note.md"
    described = (own_project / "data" / "workshop-note" / "document.ttl").read_text()
    assert f'dcterms:title "{NOTE_TITLE}"' in described and "<https://example.org/workshop-note>" in described
    skeleton = (own_project / "data" / "workshop-note" / "claims.ttl").read_text()
    blocks = re.findall(r"^# --- paragraph (\d+) \(([^)]*)\): (.*)$", skeleton, re.M)
    assert [int(b[0]) for b in blocks] == [1, 2, 3, 4, 5, 6]
    assert blocks[3][1] == "What the facilitators reported" and blocks[3][2].startswith("Several facilitators")


@pytest.fixture(scope="module")
def curated(own_project) -> Path:
    """The note's claims filled in, with the two nodes it shares with the brief described for itself."""
    shutil.copy(CORPUS / "workshop-note-claims.ttl", own_project / "data" / "workshop-note" / "claims.ttl")
    shutil.copy(CORPUS / "workshop-nodes.ttl", own_project / "data" / "nodes.ttl")
    (own_project / "qc" / "claims-need-a-case.rq").write_text(PROJECT_QC)
    return own_project


def test_the_projects_quotes_are_checked_and_its_qc_check_fires(installed, curated):
    done = r2pkg(installed, "validate", cwd=curated)
    assert "NOT checked" not in done.stdout
    assert done.stdout.count("[claims-need-a-case]") == 3  # the project's own check, next to the packaged ones
    claims = curated / "data" / "workshop-note" / "claims.ttl"
    good = claims.read_text()
    claims.write_text(good.replace("weakened rather than strengthened", "weakened and never strengthened"))
    try:
        bad = r2pkg(installed, "validate", cwd=curated, check=1)
    finally:
        claims.write_text(good)
    assert "[quote-verbatim] r2pr:workshop-note-p04-01" in bad.stdout
    assert 'r2pr:workshop-note (cited paragraph 4): quote not found verbatim in workshop-note.md: "local ' \
           'participation, where a few families captured the new committees, weakened and never' in bad.stdout


def test_a_project_query_with_a_required_parameter_is_listed_and_runs(installed, curated):
    listed = r2pkg(installed, "queries", cwd=curated).stdout
    assert re.search(r"^claims-of-document\s+Claims of one document\s+document:iri\s*$", listed, re.M)
    missing = r2pkg(installed, "query", "claims-of-document", cwd=curated, check=2)
    assert "needs --param document=" in missing.stderr
    rows = r2pkg(installed, "query", "claims-of-document", "--param", "document=workshop-note", "--format", "csv",
                 cwd=curated).stdout.splitlines()
    assert len(rows) == 4 and DISAGREEING in rows[2]


def test_build_titles_pages_with_the_projects_document_and_plays_no_tour_of_the_brief(installed, curated):
    done = r2pkg(installed, "build", cwd=curated)
    assert done.stdout.splitlines()[1].startswith("validation: 0 errors") and "NOT checked" not in done.stdout
    site = curated / "build"
    index = (site / "index.html").read_text()
    assert f"<h1>{NOTE_TITLE}</h1>" in index and f"<title>{NOTE_TITLE}: a workshop guide" in index
    assert not list(site.glob("tour-*.html")) and "Tour:" not in index
    assert f"{NOTE_TITLE}: the text, paragraph by paragraph" in (site / "reading.html").read_text()
    pages = {p.name: p.read_text() for p in site.glob("*.html") if p.name != "ontology.html"}
    assert all("Preventing Mass Atrocities" not in text and "Stanley" not in text for text in pages.values())


def test_a_pdf_of_the_note_is_read_with_a_proposed_layout(installed, curated, tmp_path):
    pdf = tmp_path / "workshop-note.pdf"
    write_pdf(NOTE, pdf)
    copy = tmp_path / "pdf-project"
    shutil.copytree(curated, copy, ignore=shutil.ignore_patterns("build", "sources"))
    (copy / "sources").mkdir()
    toml = copy / "r2pkg.toml"
    toml.write_text(re.sub(r"\[sources\.workshop-note\][^\[]*", "", toml.read_text()))
    added = r2pkg(installed, "source", "add", "workshop-note", pdf, cwd=copy)
    assert "kept the description of r2pr:workshop-note" in added.stdout
    layout = read_layout(copy / "sources" / "workshop-note.layout.toml")
    assert layout.format == "pdf" and layout.body_starts_after == NOTE_TITLE
    assert set(layout.drop_lines) >= {r"Workshop\ note\ \(test\ document\)", r"Page\ \d+"}
    done = r2pkg(installed, "validate", cwd=copy)
    assert "NOT checked" not in done.stdout and "quote-" not in done.stdout  # the note's quotes, found in the PDF
    text = read_source(copy / "sources" / "workshop-note.pdf", layout)
    assert [p.number for p in text.paragraphs_containing(DISAGREEING)] == [4] and len(text.paragraphs) == 6
    assert not any("Page" in p.text or "test document)" in p.text for p in text.paragraphs)


def test_the_corpus_project_answers_on_its_endpoint(installed, curated, tmp_path):
    """The note beside the brief's data: the disagreement query on the project's own endpoint."""
    corpus = tmp_path / "corpus"
    shutil.copytree(curated, corpus, ignore=shutil.ignore_patterns("build", "nodes.ttl"))
    toml = corpus / "r2pkg.toml"
    toml.write_text(toml.read_text().replace('data = ["data"]', f'data = ["data", "{REPO / "data"}"]'))
    server = subprocess.Popen([str(installed), "serve", "--port", "0", "--quiet", "--workers", "1"], cwd=corpus,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = re.search(r"serving on (\S+)", server.stdout.readline()).group(1)
        listed = json.loads(urllib.request.urlopen(url + "queries.json", timeout=60).read())
        assert {"claims-of-document", "documents-disagree", "documents-on-node"} <= {q["id"] for q in listed}
        query = next(q for q in QUERIES.values() if q.id == "documents-disagree").sparql
        body = urllib.parse.urlencode({"query": query, "format": "json"}).encode()
        answer = json.loads(urllib.request.urlopen(url + "sparql", body, timeout=120).read())
        quotes = {(b["quote"]["value"], b["otherQuote"]["value"]) for b in answer["results"]["bindings"]
                  if b["kind"]["value"] == "opposite effects"}
        assert any(q.startswith(DISAGREEING) and o == BRIEF_QUOTE for q, o in quotes), quotes
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_project_may_switch_the_packaged_extensions_off(tmp_path):
    from test_project import run

    from graph.queries import extension_files
    from graph.validation import qc_queries

    (tmp_path / "data").mkdir()
    shutil.copy(CORPUS / "workshop-nodes.ttl", tmp_path / "data")
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "nodes.rq").write_text("# title: Nodes\n# description: every node\n"
                                                   "SELECT ?node WHERE { ?node a r2p:PreventionMeasure }\n")
    (tmp_path / "qc").mkdir()
    (tmp_path / "qc" / "measures.rq").write_text(PROJECT_QC.replace("r2p:Claim", "r2p:PreventionMeasure"))
    (tmp_path / "r2pkg.toml").write_text('[project]\npackaged = ["rules"]\n')
    project = read_project(tmp_path / "r2pkg.toml")
    assert list(named_queries(project)) == ["nodes"]
    assert [q.check for q in qc_queries(project)] == ["claims-need-a-case"]
    assert [f.parent.name for f in extension_files("rules", project)] == ["rules"] * 3  # the packaged rules kept
    done = run("validate", cwd=tmp_path)
    assert done.stdout.splitlines()[1] == "own extensions: 1 named query (queries/), 1 QC check (qc/); " \
                                          "packaged queries, qc off"
    assert "[claims-need-a-case] r2pr:local-participation" in done.stdout and "missing-label" not in done.stdout
    (tmp_path / "r2pkg.toml").write_text('[project]\npackaged = ["cq"]\n')
    assert "packaged must be a list of queries, qc, rules" in run("validate", cwd=tmp_path).stderr


def test_a_rule_in_the_projects_rules_folder_is_derived_and_queried(tmp_path):
    """Adding a derivation rule is one .rq file: derive runs it, and the derived graph that query reads holds
    what it constructs (and no longer once the file is gone)."""
    from test_project import run

    (tmp_path / "data").mkdir()
    shutil.copy(CORPUS / "workshop-nodes.ttl", tmp_path / "data")
    (tmp_path / "rules").mkdir()
    rule = tmp_path / "rules" / "measures-are-remedies.rq"
    rule.write_text("# every prevention measure, marked for a view of remedies\n"
                    "CONSTRUCT { ?m rdfs:comment \"a remedy\" } WHERE { ?m a r2p:PreventionMeasure }\n")
    (tmp_path / "r2pkg.toml").write_text("[project]\n")
    ask = f"SELECT ?m WHERE {{ GRAPH <{DERIVED_GRAPH}> {{ ?m rdfs:comment \"a remedy\" }} }}"
    done = run("query", "--sparql", ask, "--format", "csv", cwd=tmp_path)
    assert done.exit_code == 0, done.output
    assert "https://w3id.org/r2pkg/resource/local-participation" in done.output
    rule.unlink()
    assert "local-participation" not in run("query", "--sparql", ask, "--format", "csv", cwd=tmp_path).output


@pytest.mark.parametrize(("args", "message"), [
    (["source", "add", "Bad Slug", NOTE], "slug 'Bad Slug': use lower-case letters, digits and hyphens"),
    (["source", "add", "note", "nowhere.md"], "no such file"),
    (["source", "add", "note", NOTE, "--date", "May 2024"], "--date 'May 2024': give a date as YYYY-MM-DD"),
    (["source", "add", "note", FIXTURES / "corpus" / "workshop-nodes.ttl"], "not a text r2pkg reads"),
])
def test_source_add_refuses_bad_input_in_one_line_and_writes_nothing(tmp_path, args, message):
    from test_project import one_error_line, run

    assert run("init", tmp_path / "p").exit_code == 0
    before = sorted(p for p in (tmp_path / "p").rglob("*"))
    done = run(*args, cwd=tmp_path / "p")
    assert done.exit_code == 2 and message in one_error_line(done)
    assert sorted(p for p in (tmp_path / "p").rglob("*")) == before


def test_two_documents_with_the_same_headings_validate(tmp_path):
    """Sections are labelled with their document: a corpus's shared headings are no duplicate labels."""
    from test_project import run

    project = tmp_path / "p"
    assert run("init", project).exit_code == 0
    assert run("source", "add", "workshop-note", NOTE, cwd=project).exit_code == 0
    assert run("source", "add", "note-copy", NOTE, "--title", "A copy of the note", cwd=project).exit_code == 0
    assert '"Section 3 of note-copy: What the facilitators reported"@en' in \
        (project / "data" / "note-copy" / "document.ttl").read_text()
    done = run("validate", cwd=project)
    assert done.exit_code == 0 and "duplicate-labels" not in done.stdout, done.stdout


def test_init_refuses_an_existing_project_and_source_add_needs_one(tmp_path):
    from test_project import one_error_line, run

    made = run("init", tmp_path / "p")
    assert made.exit_code == 0
    # every folder the help promises is there, and said: an empty folder is easy to miss
    for sub in ("data", "sources", "queries", "qc", "rules", "tours"):
        assert (tmp_path / "p" / sub).is_dir() and f"made {tmp_path / 'p' / sub}/" in made.stdout, sub
    again = run("init", tmp_path / "p")
    assert again.exit_code == 2 and "is already an r2pkg project" in one_error_line(again)
    outside = run("source", "add", "note", NOTE, cwd=tmp_path)
    assert outside.exit_code == 2 and "not inside an r2pkg project" in one_error_line(outside)


# --- generic code names the project's documents, never the brief --------------------------------------------------
# "the brief" (or "the brief's") in any case; the brief's title and publisher as they are written.
BRIEF_WORDS = re.compile(r"(?i:\bthe brief\b|\bbrief's)|Stanley|Preventing Mass Atrocities")


def _command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = []
    for name, command in group.commands.items():
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths += _command_paths(command, (*prefix, name))
    return paths


def _site_texts(site: Path) -> dict[str, str]:
    """Every text the build wrote, by name, but the ontology's own documentation (ontology.html, ontology/, and
    the Turtle export that carries the ontology): those print the packaged ontology's definitions."""
    texts = {}
    for p in sorted(site.rglob("*")):
        name = str(p.relative_to(site))
        if not p.is_file() or name.startswith("ontology") or name == "r2pkg-graph.ttl":
            continue
        if p.suffix == ".zip":
            with zipfile.ZipFile(p) as z:
                texts.update({f"{name}/{m}": z.read(m).decode("utf-8") for m in z.namelist()})
        else:
            texts[name] = p.read_text(encoding="utf-8")
    return texts


def test_a_project_of_another_document_never_mentions_the_brief(tmp_path):
    """Pages, handout, reading view, exports, summaries and every --help of a one-document project name that
    document (from its data) or speak of "the documents", never of the brief."""
    from test_project import run

    from graph.cli import cli

    project = tmp_path / "p"
    said = {"init": run("init", project)}
    said["source add"] = run("source", "add", "workshop-note", NOTE, "--publisher", "r2pkg tests", "--date",
                             "2026-01-01", "--url", "https://example.org/workshop-note", cwd=project)
    shutil.copy(CORPUS / "workshop-note-claims.ttl", project / "data" / "workshop-note" / "claims.ttl")
    shutil.copy(CORPUS / "workshop-nodes.ttl", project / "data" / "nodes.ttl")
    for args in (["validate"], ["build"], ["stats"], ["pathways"], ["pathways", "--format", "markdown"], ["queries"],
                 ["render", "--list"]):
        said[" ".join(args)] = run(*args, cwd=project)
    said["--help"] = run("--help", cwd=project)
    for path in _command_paths(cli):
        said[" ".join((*path, "--help"))] = run(*path, "--help", cwd=project)
    assert all(done.exit_code == 0 for done in said.values()), {k: d.output for k, d in said.items() if d.exit_code}
    texts = {f"r2pkg {k}": d.output for k, d in said.items()} | _site_texts(project / "build")
    # what is checked is there: the document's title on the index, the handout, the reading view and the exports
    assert f"<h1>{NOTE_TITLE}</h1>" in texts["index.html"]
    assert "what the documents say addresses each risk" in texts["handout.html"]
    assert {"reading.html", "r2pkg-argdown.argdown", "r2pkg-annotations.jsonld"} <= set(texts)
    assert "NOT checked" not in texts["r2pkg build"]
    found = sorted({(name, m.group(0)) for name, text in texts.items() for m in BRIEF_WORDS.finditer(text)})
    assert found == []


# --- coverage per document ---------------------------------------------------------------------------------------
def test_stats_measure_each_documents_coverage_against_its_own_text():
    kg = corpus_graph()
    note = read_source(NOTE, slug="workshop-note")
    s = compute_stats(kg, Texts({"workshop-note": note}, {"brief-2013": "no text for the brief here"}))
    by = {d.document: d for d in s.documents}
    assert set(by) == {"r2pr:brief-2013", "r2pr:workshop-note"}
    mine = by["r2pr:workshop-note"]
    assert (mine.title, mine.claims, mine.quotes) == (NOTE_TITLE, 3, 3)
    assert (mine.paragraphs_total, mine.paragraphs_quoted, mine.paragraphs_unquoted) == (6, 3, [1, 2, 6])
    brief = by["r2pr:brief-2013"]
    assert brief.claims > 150 and brief.quotes >= brief.claims
    assert brief.paragraphs_total is None and brief.not_measured == "no text for the brief here"
    assert (s.paragraphs_total, s.paragraphs_quoted) == (6, 3)  # the totals count only what was measured


def test_stats_with_both_texts_count_each_quote_in_its_own_document(source_text):
    kg = corpus_graph()
    note = read_source(NOTE, slug="workshop-note")
    s = compute_stats(kg, Texts({"brief-2013": source_text, "workshop-note": note}))
    by = {d.document: d for d in s.documents}
    assert (by["r2pr:brief-2013"].paragraphs_quoted, by["r2pr:brief-2013"].paragraphs_total) == (40, 40)
    assert (by["r2pr:workshop-note"].paragraphs_quoted, by["r2pr:workshop-note"].paragraphs_total) == (3, 6)
    assert (s.paragraphs_quoted, s.paragraphs_total, s.paragraphs_unquoted) == (43, 46, None)
    # A text that names its document is not held against another document's quotes.
    alone = {d.document: d for d in compute_stats(kg, note).documents}
    assert alone["r2pr:brief-2013"].paragraphs_total is None and alone["r2pr:workshop-note"].paragraphs_quoted == 3


def test_r2pkg_stats_prints_coverage_for_every_document_of_the_project(tmp_path):
    from test_project import run

    project = tmp_path / "corpus"
    assert run("init", project).exit_code == 0
    assert run("source", "add", "workshop-note", NOTE, cwd=project).exit_code == 0
    shutil.copy(CORPUS / "workshop-note-claims.ttl", project / "data" / "workshop-note" / "claims.ttl")
    toml = project / "r2pkg.toml"
    toml.write_text(toml.read_text().replace('data = ["data"]', f'data = ["data", "{REPO / "data"}"]'))
    table = run("stats", cwd=project).stdout
    coverage = table.split("Coverage by document")[1].split("Claims per section")[0]
    assert f"r2pr:workshop-note  {NOTE_TITLE}: 3 claims, 3 quotes; paragraphs 3/6 (50%)" in coverage
    assert "paragraphs without one: 1, 2, 6" in coverage
    assert re.search(r"r2pr:brief-2013  .*: \d+ claims, \d+ quotes; paragraphs not measured \(no text of it was "
                     r"given \(register one with `r2pkg source add brief-2013 FILE`\)\)", coverage), coverage
    docs = json.loads(run("stats", "--format", "json", cwd=project).stdout)["documents"]
    assert [(d["document"], d["paragraph_coverage"]) for d in docs] == [("r2pr:brief-2013", None),
                                                                       ("r2pr:workshop-note", 0.5)]


# --- the synthetic corpus keeps each copy's provenance ----------------------------------------------------------
def test_the_synthetic_corpus_names_each_claims_document(tmp_path):
    sys.path.insert(0, str(REPO / "scripts"))
    import synthetic_corpus

    corpus = tmp_path / "corpus.nt"
    ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in synthetic_corpus.generate(2)], str(corpus),
                 format=ox.RdfFormat.N_TRIPLES)
    kg = graph.load_graph([ontology_file(), corpus])
    docs = {d.slug: d.title for d in documents(kg)}
    assert set(docs) == {"brief-2013-b0", "brief-2013-b1"} and docs["brief-2013-b1"].endswith("(synthetic copy 1)")
    per_doc = {d.document: d.claims for d in compute_stats(kg).documents}
    brief_claims = compute_stats(graph.load_graph(project=read_project(REPO / "r2pkg.toml"))).counts["claims"]
    assert per_doc == {"r2pr:brief-2013-b0": brief_claims, "r2pr:brief-2013-b1": brief_claims}
    # Whatever rests on claims or sections (links, requirements, supports, attacks, issues, claims' sections)
    # rests on those of one copy only.
    mixed = kg.select("""
        SELECT DISTINCT ?x WHERE {
          ?x ?p ?c . ?c r2p:hasQuote/oa:hasSource ?a . ?x ?q ?d . ?d r2p:hasQuote/oa:hasSource ?b FILTER(?a != ?b)
          FILTER NOT EXISTS { ?x a r2p:Meeting } FILTER NOT EXISTS { ?x a r2p:SourceDocument }
        }""")
    assert mixed == []
    assert kg.select("SELECT ?c WHERE { ?c r2p:hasQuote/oa:hasSource ?d ; r2p:section/r2p:sectionOf ?e "
                     "FILTER(?d != ?e) }") == []
    said = run_query(kg, name="documents-on-node", params={"node": "societal-resilience"}).records()
    assert {r["document"].rsplit("/", 1)[-1] for r in said} == {"brief-2013-b0", "brief-2013-b1"}
