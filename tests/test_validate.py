"""Validation: the ontology passes its own QC, every shape is proven both ways, inputs stay untouched."""

from __future__ import annotations

import hashlib
import shutil

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, REPO, SOURCE_TEXT

from graph import load_graph
from graph.cli import cli
from graph.resources import ontology_file
from graph.validation import run_qc, validate

VALID = FIXTURES / "shapes" / "valid.ttl"
P = """PREFIX r2p: <https://w3id.org/r2pkg/ontology#> PREFIX r2pr: <https://w3id.org/r2pkg/resource/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX oa: <http://www.w3.org/ns/oa#>
"""


def test_ontology_passes_its_own_qc():
    kg = load_graph([ontology_file()])
    errors = [f for f in run_qc(kg) if f.severity == "ERROR"]
    assert errors == []


def test_repository_validates_clean():
    report = validate(load_graph(derive=False))
    assert report.ok, [f for f in report.findings if f.severity == "ERROR"][:10]


def test_valid_fixture_conforms():
    report = validate(load_graph([ontology_file(), VALID], derive=False))
    assert report.ok, report.findings


# Each case breaks the valid fixture in one way; the named shape must report it.
BREAKS = {
    "ClaimShape-label": ("ClaimShape", "DELETE WHERE { r2pr:fx-claim-1 rdfs:label ?l }"),
    "ClaimShape-statement": ("ClaimShape", "DELETE WHERE { r2pr:fx-claim-1 r2p:statement ?s }"),
    "ClaimShape-quote": ("ClaimShape", "DELETE WHERE { r2pr:fx-claim-1 r2p:hasQuote ?q }"),
    "ClaimShape-section": ("ClaimShape", "DELETE WHERE { r2pr:fx-claim-1 r2p:section ?s }"),
    "ClaimShape-consensus": ("ClaimShape", "DELETE WHERE { r2pr:fx-claim-1 r2p:consensus ?c }"),
    "ClaimShape-two-consensus": ("ClaimShape", "INSERT DATA { r2pr:fx-claim-1 r2p:consensus r2p:OneParticipant }"),
    "ClaimShape-attribution": ("ClaimShape", "DELETE WHERE { r2pr:fx-claim-1 prov:wasAttributedTo ?a }"),
    "ClaimShape-about": ("ClaimShape", "DELETE WHERE { r2pr:fx-claim-2 r2p:about ?a }"),
    "QuoteShape-source": ("ClaimShape", "DELETE WHERE { r2pr:fx-claim-1 r2p:hasQuote ?q . ?q oa:hasSource ?d }"),
    "SelectorShape-exact": ("ClaimShape",
                            "DELETE WHERE { r2pr:fx-claim-1 r2p:hasQuote ?q . ?q oa:hasSelector ?s . ?s oa:exact ?e }"),
    "CausalLinkShape-cause": ("CausalLinkShape", "DELETE WHERE { r2pr:fx-link r2p:cause ?c }"),
    "CausalLinkShape-two-effects": ("CausalLinkShape", "INSERT DATA { r2pr:fx-link r2p:effect r2pr:fx-ssr }"),
    "CausalLinkShape-relation": ("CausalLinkShape", "DELETE WHERE { r2pr:fx-link r2p:relation ?r }"),
    "CausalLinkShape-asserted": ("CausalLinkShape", "DELETE WHERE { r2pr:fx-link r2p:assertedBy ?c }"),
    "ArgumentRelationShape-conclusion": ("ArgumentRelationShape",
                                         "DELETE WHERE { r2pr:fx-support r2p:conclusion ?c }"),
    "ArgumentRelationShape-premise": ("ArgumentRelationShape", "DELETE WHERE { r2pr:fx-attack r2p:premise ?c }"),
    "ArgumentRelationShape-self": ("ArgumentRelationShape",
                                   "INSERT DATA { r2pr:fx-attack r2p:premise r2pr:fx-claim-1 }"),
    "IssueShape-positions": ("IssueShape", "DELETE WHERE { r2pr:fx-issue r2p:position ?c }"),
    "DomainEntityShape-definition": ("DomainEntityShape", "DELETE WHERE { r2pr:fx-jsr skos:definition ?d }"),
    "DomainReferenceShape-untyped": ("DomainReferenceShape",
                                     "INSERT DATA { r2pr:fx-claim-2 r2p:about r2pr:fx-ghost . "
                                     "r2pr:fx-ghost rdfs:label \"ghost\"@en }"),
    "CountryShape-wikidata": ("CountryShape", "DELETE WHERE { r2pr:fx-country skos:exactMatch ?w }"),
    # A reported view is an actor's or an institution's, not a measure's.
    "ClaimShape-view-of-a-measure": ("ClaimShape", "INSERT DATA { r2pr:fx-claim-1 r2p:reportsViewOf r2pr:fx-ssr }"),
    # Two positions on one side are positions of one issue.
    "SameSideShape": ("SameSideShape", "DELETE DATA { r2pr:fx-issue r2p:position r2pr:fx-claim-2 } ; "
                                       "INSERT DATA { r2pr:fx-claim-1 r2p:sameSideAs r2pr:fx-claim-2 }"),
    # Only a risk factor is the absence of something, and never of a risk factor.
    "AbsenceShape-not-a-risk": ("AbsenceShape", "INSERT DATA { r2pr:fx-ssr r2p:absenceOf r2pr:fx-jsr }"),
    "AbsenceShape-of-a-risk": ("AbsenceShape",
                               "INSERT DATA { r2pr:fx-risk a r2p:StructuralRiskFactor ; "
                               "rdfs:label \"fixture risk\"@en ; skos:definition \"Fixture.\"@en ; "
                               "r2p:absenceOf r2pr:fx-risk }"),
}


@pytest.mark.parametrize("case", sorted(BREAKS))
def test_each_shape_catches_its_violation(case):
    shape, update = BREAKS[case]
    kg = load_graph([ontology_file(), VALID], derive=False)
    kg.store.update(P + update)
    report = validate(kg)
    assert not report.ok
    checks = {f.check for f in report.findings if f.severity == "ERROR"}
    assert f"shacl:{shape}" in checks, checks


QC_BREAKS = {
    "missing-label": "DELETE WHERE { r2p:Claim rdfs:label ?l }",
    "multiple-labels": 'INSERT DATA { r2p:Claim rdfs:label "assertion"@en }',
    "duplicate-labels": 'DELETE WHERE { r2p:Trigger rdfs:label ?l } ; '
                        'INSERT DATA { r2p:Trigger rdfs:label "claim"@en }',
    "missing-definition": "DELETE WHERE { r2p:Claim skos:definition ?d }",
    "label-whitespace": 'DELETE WHERE { r2p:Trigger rdfs:label ?l } ; '
                        'INSERT DATA { r2p:Trigger rdfs:label " trigger"@en }',
    "ontology-metadata": "DELETE WHERE { <https://w3id.org/r2pkg/ontology> <http://purl.org/dc/terms/license> ?l }",
    "property-domain-range": "DELETE WHERE { r2p:cause rdfs:range ?r }",
    "undeclared-terms": "INSERT DATA { r2pr:x r2p:notDeclared r2pr:y }",
    "undescribed-resources": "INSERT DATA { r2pr:fx-claim-1 r2p:about r2pr:nowhere }",
    "subclass-cycle": "INSERT DATA { r2p:Actor rdfs:subClassOf r2p:StateActor }",
    "label-language": 'INSERT DATA { r2pr:fx-case rdfs:label "no tag" }',
    "concept-scheme": "DELETE WHERE { r2p:Asserted skos:topConceptOf ?s }",
    "broader-entity-unrefined": "INSERT DATA { r2pr:fx-jsr r2p:broaderEntity r2pr:fx-ssr }",
}


def test_every_qc_query_has_a_break():
    from graph.validation import qc_queries

    assert {q.check for q in qc_queries()} - {"missing-defined-by", "orphan-domain-nodes"} <= set(QC_BREAKS)


@pytest.mark.parametrize("check", sorted(QC_BREAKS))
def test_each_qc_query_catches_its_problem(check):
    kg = load_graph([ontology_file(), VALID], derive=False)
    assert check not in {f.check for f in run_qc(kg)}
    kg.store.update(P + QC_BREAKS[check])
    assert check in {f.check for f in run_qc(kg)}


def test_broken_turtle_exits_2_with_file_and_line(tmp_path):
    bad = tmp_path / "broken.ttl"
    bad.write_text("@prefix a: <http://x/> .\na:b a:c a:d .\na:b a:c \"unterminated .\n")
    result = CliRunner().invoke(cli, ["validate", "--input", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:3" in result.output
    assert "Traceback" not in result.output


def test_violations_exit_1_and_name_focus_and_file(tmp_path):
    broken = tmp_path / "data.ttl"
    broken.write_text(VALID.read_text().replace('r2p:consensus r2p:OneParticipant ;', ""))
    result = CliRunner().invoke(cli, ["validate", "--input", str(ontology_file()), "--input", str(broken)])
    assert result.exit_code == 1, result.output
    assert "r2pr:fx-claim-2" in result.output and str(broken) in result.output
    assert result.output.index("ERROR") < result.output.index("FAILED")
    # file:line of the node, as an editor opens it
    line = next(n for n, text in enumerate(broken.read_text().splitlines(), start=1)
                if text.startswith("r2pr:fx-claim-2 "))
    assert f"r2pr:fx-claim-2  ({broken}:{line})" in result.output, result.output


def test_validation_leaves_inputs_untouched(tmp_path):
    work = tmp_path / "repo"
    shutil.copytree(REPO / "ontology", work / "ontology")
    shutil.copytree(REPO / "data", work / "data")
    files = sorted(p for p in work.rglob("*") if p.is_file())
    before = {p: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in files}
    args = ["validate", "--input", str(work / "ontology" / "r2p.ttl"), "--input", str(work / "data")]
    if SOURCE_TEXT.exists():
        args += ["--source-text", str(SOURCE_TEXT)]
    CliRunner().invoke(cli, args)
    after = {p: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in files}
    assert before == after
    assert sorted(p for p in work.rglob("*") if p.is_file()) == files


def test_a_finding_of_a_shape_two_node_shapes_share_is_named_by_that_shape(tmp_path):
    """The attribution shape is held by the claim shape and the issue shape: a claim attributed to a measure
    is reported under the attribution shape, never as the issue shape's (which said nothing about claims)."""
    bad = tmp_path / "bad.ttl"
    text = VALID.read_text()
    bad.write_text(text.replace("prov:wasAttributedTo r2pr:fx-author ;", "prov:wasAttributedTo r2pr:fx-ssr ;", 1))
    report = validate(load_graph([ontology_file(), bad], derive=False))
    found = {(f.check, f.focus) for f in report.findings if "must be an agent" in f.message}
    assert found == {("shacl:attribution-value", "r2pr:fx-claim-1")}, found


def test_the_ontology_alone_validates_clean():
    """README: `r2pkg validate --input ontology/r2p.ttl` runs the QC queries on the ontology alone; the
    project's tours walk its data, which --input leaves out, so they are not checked."""
    result = CliRunner().invoke(cli, ["validate", "--input", str(REPO / "ontology" / "r2p.ttl")])
    assert result.exit_code == 0, result.output[-2000:]
    assert "[tour]" not in result.output and " 0 errors" in result.output


def test_quote_check_finds_a_quote_not_in_the_text(tmp_path, source_text):
    bad = tmp_path / "q.ttl"
    bad.write_text(VALID.read_text().replace("required the simultaneous growth", "required the gradual growth"))
    report = validate(load_graph([ontology_file(), bad], derive=False), source_text)
    assert "quote-verbatim" in {f.check for f in report.findings}
    good = validate(load_graph([ontology_file(), VALID], derive=False), source_text)
    assert "quote-verbatim" not in {f.check for f in good.findings}


def test_a_quote_never_runs_across_a_page_break(tmp_path, source_text):
    """Para 33 is split between two pages after "contrasted Nigeria with South": a quote across the join is in
    the paragraph as read, but an annotation tool cannot anchor it on either page (docs/MODELLING.md)."""
    def findings(exact: str) -> set[str]:
        data = tmp_path / "q.ttl"
        text = VALID.read_text().replace("required the simultaneous growth of justice systems", exact)
        data.write_text(text.replace("r2p:paragraph 21 ; r2p:documentOrder 2101",
                                     "r2p:paragraph 33 ; r2p:documentOrder 3301"))
        return {f.check for f in validate(load_graph([ontology_file(), data], derive=False), source_text).findings}

    across = findings("contrasted Nigeria with South Africa's attempts")
    assert "quote-page-break" in across and "quote-verbatim" not in across and "quote-paragraph" not in across
    assert "quote-page-break" not in findings("contrasted Nigeria with South")
    assert "quote-page-break" not in findings("Africa's attempts at managing ethnic diversity")


def test_version_and_help_examples():
    runner = CliRunner()
    assert runner.invoke(cli, ["--version"]).output.startswith("r2pkg, version")
    for name in cli.commands:
        text = runner.invoke(cli, [name, "--help"]).output
        assert "Example:" in text, f"{name} --help has no example"
        tail = text[text.rindex("Example:"):]
        assert "Options:" not in tail and tail.strip().splitlines()[-1].startswith("  "), \
            f"{name} --help must end with its example"


def test_statements_and_labels_are_paraphrases(tmp_path, source_text):
    repo = validate(load_graph(derive=False), source_text)
    assert [f for f in repo.findings if f.check == "paraphrase"] == []
    copied = tmp_path / "copied.ttl"
    copied.write_text(VALID.read_text().replace(
        "Security reform in the fixture needs justice reform alongside it.",
        "military accountability in the aftermath of Sierra Leone's second civil war required growth"))
    report = validate(load_graph([ontology_file(), copied], derive=False), source_text)
    flagged = [f for f in report.findings if f.check == "paraphrase"]
    assert [(f.severity, f.focus) for f in flagged] == [("WARNING", "r2pr:fx-claim-1")]
    assert report.ok  # a warning, not a violation


def test_quote_index_finds_what_a_scan_of_every_paragraph_finds(source_text):
    from graph.validation import QuoteIndex

    kg = load_graph(derive=False)
    quotes = {str(r["e"]) for r in kg.select("SELECT ?e WHERE { ?s oa:exact ?e }")}
    words = source_text.paragraphs[3].text.split()
    # A quote in several paragraphs, one across two paragraphs, one absent, one empty, and every quote of the data.
    quotes |= {"the", "security", " ".join(words[-3:]) + " " + source_text.paragraphs[4].text.split()[0],
               "not a phrase of the brief at all", ""}
    index = QuoteIndex(source_text)
    for q in sorted(quotes):
        expected = (source_text.contains(q), [p.number for p in source_text.paragraphs_containing(q)])
        assert index.lookup(q) == expected, q
        assert index.lookup(q) == expected  # the second lookup is remembered, and the same
    assert len(index.lookup("security")[1]) > 3


def test_a_findings_line_follows_its_file_when_the_file_is_rewritten(tmp_path):
    """file:line is read from the file as it is: rewritten in the same process (an editor's save between two
    validations in one session), the line moves with it."""
    import os

    from graph.findings import Finding, where

    data = tmp_path / "claims.ttl"
    data.write_text("@prefix r2pr: <https://w3id.org/r2pkg/resource/> .\n\nr2pr:c a r2pr:X .\n")
    finding = Finding("ERROR", "check", "r2pr:c", "message", str(data))
    assert where(finding) == f"{data}:3"
    data.write_text("@prefix r2pr: <https://w3id.org/r2pkg/resource/> .\n# a comment\n\n\nr2pr:c a r2pr:X .\n")
    os.utime(data, ns=(1, 1))  # a different time, whatever the clock's resolution
    assert where(finding) == f"{data}:5"
    assert where(Finding("ERROR", "check", "r2pr:absent", "message", str(data))) == str(data)
