"""Risks whose opposite the text supports (r2p:absenceOf): not gaps, not pathways, and CQ07 agrees.

The curators read a risk as the absence of a measure or outcome (political exclusion, inclusive politics).
When the text supports that measure or outcome (a link it states by which it acts, or by which something
builds it), the pathway report lists the risk apart from the gaps, with those links told as steps that keep
their hedge; a question, a hypothetical, a link that weakens it or the curators' own reading leaves the risk a
gap. On the brief: political exclusion (¶11, ¶29) and the lack of confidence in the judiciary (¶23-24).
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import FIXTURES

from graph import load_graph, run_query
from graph.cli import cli
from graph.deriving import derive
from graph.namespaces import R2PR
from graph.pathways import derive_pathways, to_json, to_markdown
from graph.reading_rules import check_definition_restated
from graph.resources import data_dir, ontology_file

PREFIXES = """@prefix r2p: <https://w3id.org/r2pkg/ontology#> . @prefix r2pr: <https://w3id.org/r2pkg/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
"""
NODES = """
r2pr:x-risk a r2p:StructuralRiskFactor ; rdfs:label "x risk"@en ; skos:definition "Fixture: the absence of x."@en ;
    r2p:absenceOf r2pr:x-opposite .
r2pr:x-opposite a {kind} ; rdfs:label "x opposite"@en ; skos:definition "Fixture: x."@en .
r2pr:x-builder a r2p:PreventionMeasure ; rdfs:label "x builder"@en ; skos:definition "Fixture: builds x."@en .
r2pr:claim-x-risk a r2p:Claim ; rdfs:label "x risk is named"@en ; r2p:paragraph 40 ; r2p:about r2pr:x-risk .
r2pr:claim-x a r2p:Claim ; rdfs:label "The text on x"@en ; r2p:paragraph 41 ; r2p:about r2pr:x-opposite .
r2pr:link-x a r2p:CausalLink ; r2p:cause {cause} ; r2p:effect {effect} ; r2p:relation {relation} ;
    r2p:modality {modality} ; r2p:assertedBy r2pr:claim-x {extra} .
"""
MEASURE, OUTCOME = "r2p:PreventionMeasure", "r2p:PreventiveOutcome"
ACTS = dict(kind=MEASURE, cause="r2pr:x-opposite", effect="r2pr:mass-atrocities", relation="r2p:MitigatesRelation")
BUILT = dict(kind=OUTCOME, cause="r2pr:x-builder", effect="r2pr:x-opposite", relation="r2p:StrengthensRelation")
WEAKENED = dict(BUILT, relation="r2p:UnderminesRelation")
CURATORS = "; r2p:inferredByCurators true ; prov:wasAttributedTo r2pr:curators"


def x(slug: str) -> str:
    return str(R2PR[slug])


def graph_with(tmp_path, modality="r2p:Asserted", extra="", **link):
    path = tmp_path / "opposite.ttl"
    path.write_text(PREFIXES + NODES.format(modality=modality, extra=extra, **link), encoding="utf-8")
    return load_graph([ontology_file(), data_dir() / "sources.ttl", FIXTURES / "pathways" / "brief.ttl", path])


def cq07_risks(kg) -> set[str]:
    derive(kg)
    return {str(r["risk"]) for r in run_query(kg, name="CQ07").records()}


@pytest.mark.parametrize("link", [ACTS, BUILT], ids=["the opposite acts", "something builds the opposite"])
def test_a_risk_whose_opposite_the_text_supports_is_listed_apart_from_the_gaps(tmp_path, link):
    kg = graph_with(tmp_path, modality="r2p:Possible", **link)
    report = derive_pathways(kg)
    (found,) = [o for o in report.supported_opposites if o.risk == x("x-risk")]
    (step,) = found.steps
    assert (found.opposite, step.links, step.claims) == (x("x-opposite"), (x("link-x"),), (x("claim-x"),))
    assert found.claims == (x("claim-x-risk"),)
    assert x("x-risk") not in {g.risk for g in report.gaps}
    assert x("x-risk") not in {p.risk for p in report.pathways}  # no pathway: a measure does not mitigate its absence
    assert report.summary_counts()["whose opposite the text supports"] == 1
    assert json.loads(to_json(report))["supported_opposites"][0]["steps"][0]["links"] == [x("link-x")]
    part = to_markdown(report).split("## Risks whose opposite the text supports", 1)[1].split("\n## ", 1)[0]
    said = "X opposite can mitigate mass atrocities." if link is ACTS else "X builder can strengthen x opposite."
    assert "**X risk**" in part and said in part, part  # the link's hedge (Possible: "can") is kept
    assert "That x risk is the absence of x opposite is the curators' reading" in part
    assert x("x-risk") not in cq07_risks(kg)


@pytest.mark.parametrize("modality, extra, link", [
    ("r2p:Questioned", "", ACTS),
    ("r2p:Hypothetical", "", BUILT),
    ("r2p:Possible", CURATORS, ACTS),
    ("r2p:Asserted", "", WEAKENED),
], ids=["a question", "a hypothetical", "the curators' reading", "a link that weakens it"])
def test_a_risk_stays_a_gap_unless_the_text_itself_argues_for_its_opposite(tmp_path, modality, extra, link):
    kg = graph_with(tmp_path, modality, extra, **link)
    report = derive_pathways(kg)
    assert not report.supported_opposites
    assert x("x-risk") in {g.risk for g in report.gaps}
    assert x("x-risk") in cq07_risks(kg)


def test_a_link_by_which_a_measure_mitigates_its_own_absence_is_flagged(tmp_path):
    kg = graph_with(tmp_path, **dict(ACTS, effect="r2pr:x-risk"))
    assert [f.focus for f in check_definition_restated(kg)] == ["r2pr:link-x"]
    assert check_definition_restated(graph_with(tmp_path, **ACTS)) == []


@pytest.fixture(scope="module")
def brief_report():
    return derive_pathways(load_graph())


def test_on_the_brief_exclusion_and_judicial_confidence_have_their_opposite_supported(brief_report):
    found = {o.risk: o for o in brief_report.supported_opposites}
    assert set(found) == {x("political-exclusion"), x("lack-of-judicial-confidence")}
    inclusion = found[x("political-exclusion")]
    assert inclusion.opposite == x("inclusive-politics")
    claims = {c for s in inclusion.steps for c in s.claims}
    # ¶11 (political processes inclusive of minority groups) and ¶29 (a potential tool to mitigate atrocities)
    assert {brief_report.claims[c].paragraph for c in claims} == {11, 29}
    # the curators' split of "institutions and norms" is no support of the text's
    links = {k for s in inclusion.steps for k in s.links}
    assert x("link-inclusive-politics-enables-nonviolent-dispute-resolution") not in links
    confidence = found[x("lack-of-judicial-confidence")]
    assert confidence.opposite == x("institutional-confidence")
    quotes = {q.exact for s in confidence.steps for c in s.claims for q in brief_report.claims[c].quotes}
    assert any("should emphasize building institutional confidence" in q for q in quotes)
    assert not set(found) & {g.risk for g in brief_report.gaps}
    # what the text says of the risk quotes the risk's own words, not the question about inclusion (¶5)
    part = to_markdown(brief_report).split("## Risks whose opposite the text supports", 1)[1].split("\n## ", 1)[0]
    exclusion = part.split("**Political exclusion**", 1)[1].split("*What it says of", 1)[0]
    assert "political exclusion" in exclusion.lower() and "manage political inclusion" not in exclusion


def test_the_table_says_why_a_risk_has_no_row():
    runner = CliRunner()
    supported = runner.invoke(cli, ["pathways", "--risk", "political-exclusion"])
    assert supported.exit_code == 0 and supported.stdout.strip() == "(no rows)"
    assert ("no pathway starts from political exclusion: the text supports its opposite, inclusive politics, in no "
            "link that lowers the risk; that political exclusion is its absence is the curators' reading"
            ) in supported.stderr
    gap = runner.invoke(cli, ["pathways", "--risk", "corruption"])
    assert "corruption is a gap: no measure, aim, hypothetical or question in the text addresses it" in gap.stderr
    addressed = runner.invoke(cli, ["pathways", "--risk", "group-grievance"])
    assert addressed.exit_code == 0 and "note:" not in addressed.stderr
