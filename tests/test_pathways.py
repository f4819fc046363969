"""Prevention pathways: the read model, the definition (forms, grounding, modality, contests, joint conditions,
gaps, requirements), the outputs and write-back, the CLI, determinism, and a brute-force oracle.

Fixture tests run on tests/fixtures/pathways/brief.ttl (hand-checked; each block there exercises one clause
of docs/PATHWAYS.md); real-data tests run on the repository's brief and look nodes up by IRI, skipping
(with the reason) only where the data does not contain them.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import subprocess
import sys
from collections import defaultdict

import networkx as nx
import pytest
from click.testing import CliRunner
from conftest import FIXTURES, REPO
from rdflib import URIRef

from graph import __version__, load_graph
from graph.cli import cli
from graph.namespaces import R2PR
from graph.pathways import (
    DERIVED_NS,
    derive,
    derive_pathways,
    pathway_rows,
    pathway_triples,
    project,
    to_json,
    to_markdown,
    to_turtle,
    write_pathways,
)
from graph.pathways.model import (
    ASSERTED,
    CASE,
    CLAIM,
    GROUNDINGS,
    HARM,
    HYPOTHETICAL,
    MEASURE,
    OUTCOME,
    PARAGRAPH,
    QUALIFIED,
    RISK,
    SECTION,
    SUPPORT,
)
from graph.readmodel import ASSERTED as ASSERTED_IRI
from graph.readmodel import Claim, Quote, read
from graph.resources import data_dir, ontology_file

FIXTURE = FIXTURES / "pathways" / "brief.ttl"
FIXTURE_INPUTS = [ontology_file(), data_dir() / "sources.ttl", FIXTURE]
CLI_INPUTS = [arg for p in FIXTURE_INPUTS for arg in ("--input", str(p))]


def r(slug: str) -> str:
    return str(R2PR[slug])


SSR, JSR = r("security-sector-reform"), r("justice-sector-reform")
GRIEVANCE, EXCLUSION = r("group-grievance"), r("political-exclusion")
MASS_ATROCITIES = r("mass-atrocities")


@pytest.fixture(scope="module")
def kg():
    return load_graph(FIXTURE_INPUTS)


@pytest.fixture(scope="module")
def report(kg):
    return derive_pathways(kg)


def entry(rep, risk: str, measure: str):
    found = [p for p in rep.pathways if p.risk == risk and p.measure == measure]
    assert len(found) <= 1
    return found[0] if found else None


def measures_of(rep, risk: str) -> list[str]:
    return [p.measure.rsplit("/", 1)[-1] for p in rep.pathways if p.risk == risk]


# --- the read model --------------------------------------------------------------------------------------
def test_read_model_keeps_breadth_apart_from_speaker_and_reads_modality(kg):
    m = read(kg)
    rapporteur = m.claims[r("claim-c07")]
    assert rapporteur.breadth is None and rapporteur.speaker_role.endswith("#RapporteurRole")
    participants = m.claims[r("claim-c01")]
    assert participants.breadth == 6 and participants.paragraph == 29 and participants.section == r("section-a")
    assert participants.quotes == (Quote("inclusive politics may ease group grievance", source=r("brief-2013")),)
    assert m.links[r("link-inclusive-politics-mitigates-grievance")].modality.endswith("#Possible")
    assert m.links[r("link-ddr-mitigates-politicization")].modality.endswith("#Hypothetical")
    req = m.requirements[r("requirement-ssr-jsr")]
    assert (req.dependent, req.prerequisite, req.cases) == (SSR, JSR, (r("case-sierra-leone-accountability"),))
    assert not req.inferred_by_curators and m.requirements[r("requirement-jsr-ssr")].inferred_by_curators
    assert m.attackers()[r("claim-c12")] == (r("claim-c13"),)
    assert m.issues[r("issue-rotation")].positions == (r("claim-c14"), r("claim-c15"))
    assert m.cases[r("case-sierra-leone-accountability")].places == (r("sierra-leone"),)
    assert m.is_a(r("adaptable-plural-design"), "https://w3id.org/r2pkg/ontology#Approach")


def test_read_model_defaults_a_missing_modality_to_asserted_and_old_consensus_to_speaker(tmp_path):
    extra = tmp_path / "old.ttl"
    extra.write_text(
        "@prefix r2p: <https://w3id.org/r2pkg/ontology#> . @prefix r2pr: <https://w3id.org/r2pkg/resource/> .\n"
        "r2pr:x a r2p:PreventionMeasure . r2pr:y a r2p:RiskFactor .\n"
        "r2pr:c a r2p:Claim ; r2p:consensus r2p:RapporteurSummary .\n"
        "r2pr:l a r2p:CausalLink ; r2p:cause r2pr:x ; r2p:effect r2pr:y ; r2p:relation r2p:MitigatesRelation ;\n"
        "  r2p:assertedBy r2pr:c .\n",
        encoding="utf-8",
    )
    m = read(load_graph([ontology_file(), extra]))
    assert m.links[r("l")].modality == ASSERTED_IRI
    assert m.claims[r("c")].speaker_role.endswith("#RapporteurRole") and m.claims[r("c")].breadth is None


def test_slim_read_leaves_texts_for_the_cited_claims_only(kg, report):
    slim = read(kg, derived=False, texts=False)
    c = slim.claims[r("claim-c05")]
    assert c.quotes == () and c.statement == "" and c.paragraph == 30 and c.breadth == 6
    # cases, risks and measures only (a measure's claims: a passage may caution against it)
    assert slim.claims[r("claim-c19")].about == (
        r("case-sierra-leone-accountability"), r("justice-sector-reform"), r("security-sector-reform"))
    from graph.readmodel import claim_texts

    texts = claim_texts(kg, [r("claim-c05")])
    assert [q.exact for q in texts[r("claim-c05")]["quotes"]] == ["justice sector reform builds social trust"]
    cited = report.claims[r("claim-c05")]
    assert [q.exact for q in cited.quotes] == ["justice sector reform builds social trust"]
    assert report.agents(cited) == ("the roundtable participants",)
    assert r("claim-c05") in report.cited_claims()
    bare = derive_pathways(kg, cite=False)  # what the RDF write-back uses: the same triples, no texts fetched
    assert bare.claims[r("claim-c05")].quotes == () and to_turtle(bare) == to_turtle(report)


def test_read_model_queries_are_flat(kg, monkeypatch):
    calls = []
    original = type(kg).query

    def counting(self, sparql, *args, **kwargs):
        calls.append(sparql)
        return original(self, sparql, *args, **kwargs)

    monkeypatch.setattr(type(kg), "query", counting)
    read(kg)
    assert 20 < len(calls) < 100  # a fixed number (per class and property), whatever the size of the graph
    # each one a scan of one predicate or of one class: no OPTIONAL, no closure path, no join (the quotes
    # too are scans of their predicates, joined in Python)
    scan = r"SELECT \?s \?o WHERE \{ \?s [\w:]+ \?o \}|SELECT \?s WHERE \{ \?s (a|prov:wasAttributedTo) <[^>]+> \}"
    assert [q for q in calls if not re.fullmatch(scan, q)] == []


# --- requirements and bundles: the Sierra Leone example ------------------------------------------------------
def test_sierra_leone_requirement_bundle_and_order(report):
    ssr_jsr = next(x for x in report.requirement_links if (x.dependent, x.prerequisite) == (SSR, JSR))
    assert ssr_jsr.cases == (r("case-sierra-leone-accountability"),) and not ssr_jsr.inferred_by_curators
    assert next(x for x in report.requirement_links if x.dependent == JSR).inferred_by_curators
    assert report.requirements[SSR] == (JSR,)
    assert report.requirements[r("judicial-integrators")] == (JSR, SSR)  # transitive through the bundle
    assert [b.members for b in report.bundles] == [(JSR, SSR)]
    assert report.bundles[0].cases == (r("case-sierra-leone-accountability"),)
    assert [s.members for s in report.stages] == [(JSR, SSR), (r("judicial-integrators"),)]
    # An entry's prerequisites are its measure's requirements.
    assert entry(report, EXCLUSION, JSR).prerequisites == (SSR,)


# --- forms -------------------------------------------------------------------------------------------------------
def test_direct_at_the_risk_itself_and_at_a_node_specific_to_it(report):
    one_step = entry(report, GRIEVANCE, r("inclusive-politics"))
    assert one_step.form == "direct" and one_step.meeting == GRIEVANCE and one_step.grounding == CLAIM
    assert one_step.specificity == 1.0
    via = entry(report, EXCLUSION, r("inclusive-politics"))  # exclusion raises grievance, which the measure lowers
    assert via.form == "direct" and via.meeting == GRIEVANCE and via.grounding == PARAGRAPH
    assert via.specificity == 0.5  # two units reach group grievance: itself and political exclusion
    assert [(s.source, s.target) for s in via.steps] == [(r("inclusive-politics"), GRIEVANCE), (EXCLUSION, GRIEVANCE)]


def test_restores_the_outcome_the_risk_erodes(report):
    p = entry(report, EXCLUSION, JSR)
    assert p.form == "restores" and p.meeting == r("social-trust") and p.grounding == PARAGRAPH
    assert [s.polarity for s in p.steps] == [1, -1]  # JSR builds trust; exclusion erodes it
    assert p.lead.ties[0].evidence == (r("claim-c05"), r("claim-c04"))
    # grounded by a shared case only (different paragraphs and sections, no support)
    assert entry(report, r("political-interference"), r("hybrid-justice")).grounding == CASE
    # grounded by a support chain only
    support = entry(report, r("misdirection-of-resources"), r("local-participation"))
    assert support.form == "restores" and support.grounding == SUPPORT
    assert support.lead.ties[0].evidence == (r("claim-c17"), r("claim-c16"))


def test_approaches_are_measures(report):
    p = entry(report, r("program-bureaucracy"), r("adaptable-plural-design"))
    assert p is not None and p.form == "direct"


# --- generic harms and specificity ---------------------------------------------------------------------------
def test_a_generic_harm_meets_only_where_one_passage_ties_both_halves(kg, report):
    assert report.generic == (MASS_ATROCITIES,)  # three units reach it: identity politics, inequality, grievance
    assert report.reach[MASS_ATROCITIES] >= 3
    # identity politics (c08) and the citizenship model (c10) meet at mass atrocities in one paragraph (12)
    p = entry(report, r("identity-politics"), r("citizenship-model"))
    assert p is not None and p.meeting == MASS_ATROCITIES and p.grounding == PARAGRAPH
    assert p.specificity == round(1 / report.reach[MASS_ATROCITIES], 6)
    # structural inequality (c09, paragraph 7) shares only the section with it: no pathway, a gap
    assert not measures_of(report, r("structural-inequality"))
    assert r("structural-inequality") in {g.risk for g in report.gaps}
    wide = derive_pathways(kg, include_inferred=True)
    inferred = {x.measure: x for x in wide.inferred if x.risk == r("structural-inequality")}
    assert inferred[r("citizenship-model")].grounding is None
    assert inferred[r("citizenship-model")].meeting == MASS_ATROCITIES
    # a generic harm is met, never passed through
    for q in report.pathways:
        for route in q.routes:
            assert MASS_ATROCITIES not in route.nodes[:-1] or route.meeting == MASS_ATROCITIES


def test_a_generic_node_only_needs_three_units():
    # each link its own claim, tied to the others only by a shared case: enough at a specific node, not at
    # a generic harm (there one passage must tie both halves)
    claims = {c: Claim(iri=c, about=("k",), speaker_role="") for c in ("c0", "c1", "c3", "cm")}
    g = nx.MultiDiGraph(claims=claims, cases=frozenset({"k"}), supports=[], issues={})
    for node, kinds in (("r1", {RISK}), ("r2", {RISK}), ("harm", {HARM, OUTCOME}), ("m", {MEASURE})):
        g.add_node(node, label=node, kinds=frozenset(kinds))
    for i, risk in enumerate(("r1", "r2")):
        g.add_edge(risk, "harm", key=f"l{i}", relation="r", polarity=1, claims=(f"c{i}",))
    g.add_edge("m", "harm", key="lm", relation="r", polarity=-1, claims=("cm",))
    assert {p.risk for p in derive(g).pathways} == {"r1", "r2"}  # two units: specific enough (0.5)
    g.add_node("r3", label="r3", kinds=frozenset({RISK}))
    g.add_edge("r3", "harm", key="l3", relation="r", polarity=1, claims=("c3",))
    assert not derive(g).pathways and derive(g).generic == ("harm",)


# --- grounding ------------------------------------------------------------------------------------------------
def test_an_ungrounded_pairing_is_only_inferred_and_never_rdf(kg, report):
    risk, measure = r("socioeconomic-inequality"), r("local-participation")
    assert entry(report, risk, measure) is None and not report.inferred
    gap = next(g for g in report.gaps if g.risk == risk)
    assert gap.inferred == 1 and gap.claims == (r("claim-c18"),)
    # it lacks every kind of address; the nearest the text comes is the ungrounded pairing, with its claim
    assert gap.lacks == ("measure", "aim", "hypothetical", "question")
    assert [(k, m) for k, m, _ in gap.nearest] == [("measure", measure)]
    wide = derive_pathways(kg, include_inferred=True)
    [inferred] = [p for p in wide.inferred if p.risk == risk]
    assert inferred.measure == measure and inferred.grounding is None and inferred.form == "restores"
    assert {p.iri for p in wide.pathways} == {p.iri for p in report.pathways}
    assert inferred.iri not in to_turtle(wide)
    assert not any(t.subject.value == inferred.iri for t in pathway_triples(wide))
    assert "## Inferred: pairings the text does not tie" in to_markdown(wide)


# --- modality ------------------------------------------------------------------------------------------------
def test_hypothetical_link_makes_no_pathway_by_default_and_one_flagged_when_asked(kg, report):
    politicization, ddr = r("military-politicization"), r("ddr")
    assert entry(report, politicization, ddr) is None and politicization not in {g.risk for g in report.gaps}
    # only a hypothetical addresses it: "only hypothetically addressed", not a gap
    [only] = [p for p in report.hypothetical_only if p.risk == politicization]
    assert only.measure == ddr and only.hypothetical
    assert "## Only hypothetically addressed" in to_markdown(report)
    assert {t.subject.value for t in pathway_triples(report)} >= {only.iri}
    wide = derive_pathways(kg, include_hypothetical=True)
    p = entry(wide, politicization, ddr)
    assert p is not None and p.hypothetical and p.modality == HYPOTHETICAL
    assert [x for x in wide.pathways if x.hypothetical] == [p]
    assert politicization not in {g.risk for g in wide.gaps}
    assert "modality: Hypothetical" in to_markdown(wide.select(risk=politicization))
    assert wide.run_iri != report.run_iri
    modality = {t.object.value for t in pathway_triples(wide) if t.subject.value == p.iri
                and t.predicate.value.endswith("#modality")}
    assert modality == {"https://w3id.org/r2pkg/ontology#Hypothetical"}


def test_possible_and_normative_lower_the_rank(report):
    # Group grievance: by grounding first (two one-claim entries before the one tied by a paragraph at mass
    # atrocities), then mediation (asserted, one participant) above inclusive politics (possible, participants).
    assert measures_of(report, GRIEVANCE) == ["mediation", "inclusive-politics", "citizenship-model"]
    assert entry(report, GRIEVANCE, r("mediation")).modality == ASSERTED
    assert entry(report, GRIEVANCE, r("inclusive-politics")).modality == QUALIFIED
    assert entry(report, r("contested-election"), r("rotational-power-sharing")).modality == QUALIFIED  # normative


# --- disagreement ----------------------------------------------------------------------------------------------
def test_a_claim_and_its_attacker_together_are_contested_and_named(report):
    p = entry(report, r("contested-election"), r("rotational-power-sharing"))
    attack = next(c for c in p.contests if c.kind == "attack")
    assert attack.claims == (r("claim-c14"),) and attack.by == (r("claim-c15"),) and attack.inside
    issue = next(c for c in p.contests if c.kind == "issue")
    assert issue.issue == r("issue-rotation") and issue.claims == (r("claim-c14"), r("claim-c15"))
    ombudsmen = entry(report, r("group-marginalization"), r("federal-ombudsmen"))
    # attacked by c13, and c12 is a position of the issue whose other position is c13: one contest of each kind
    assert ombudsmen.contested and [(c.kind, c.by, c.inside) for c in ombudsmen.contests] == [
        ("attack", (r("claim-c13"),), False), ("issue", (r("claim-c13"),), False)]
    assert not entry(report, EXCLUSION, JSR).contested
    text = to_markdown(report)
    ombudsmen_text = text.split("**Federal ombudsmen**", 1)[1].split("\n1. ", 1)[0]
    # the objection in the objector's words (not "a challenge to" the claim it is aimed at, which read as if the
    # text disputed what the claim reports), quoted once: the issue's other position is that same claim
    assert "*Contested:* The text reports an objection: The ombudsman model carries risks." in ombudsmen_text
    assert "“the ombudsman model risks entrenching ethnicity”" in ombudsmen_text  # the other side, verbatim
    assert ombudsmen_text.count("risks entrenching ethnicity") == 1 and "*Other side:*" not in ombudsmen_text
    assert "challenge to" not in text
    assert "This entry rests on the objection too." in text
    assert "*Contested:* The text reports a disagreement: Whether rotation ended post-election violence." in text


def test_an_objection_the_curators_read_is_told_as_theirs(report):
    """An attack the text does not state (r2p:inferredByCurators: paras 33 and 36 never name the claim they object
    to) is the curators' reading in the handout: in an entry's contests and beside a gap's nearest measure."""
    from dataclasses import replace

    def ombudsmen(rep):
        return to_markdown(rep).split("**Federal ombudsmen**", 1)[1].split("\n1. ", 1)[0]

    read = replace(report, curators_attacks=frozenset({(r("claim-c13"), r("claim-c12"))}))
    assert "*Contested:* The curators read an objection: The ombudsman model carries risks." in ombudsmen(read)
    assert "The text reports an objection" not in ombudsmen(read)
    gap = next(g for g in report.gaps if g.nearest)
    claims = gap.nearest[0][2]
    attacked = {**report.attackers, **{c: (r("claim-c13"),) for c in claims}}
    for curators, said, unsaid in ((frozenset(), "The text reports objections", "The curators read objections"),
                                   (frozenset((r("claim-c13"), c) for c in claims), "The curators read objections",
                                    "The text reports objections")):
        gaps = to_markdown(replace(report, attackers=attacked, curators_attacks=curators)).split("## Gaps", 1)[1]
        assert f"{said} to it (¶" in gaps and unsaid not in gaps


# --- joint conditions ----------------------------------------------------------------------------------------------
def test_will_capacity_acquiescence_and_the_crisis_are_one_joint_condition(report):
    [joint] = report.joint_conditions
    assert set(joint.members) == {r("will-to-commit-atrocities"), r("capacity-to-commit-atrocities"),
                                  r("acquiescence-to-atrocities"), r("escalatory-crisis")}
    assert joint.claims == (r("claim-c22"),)
    assert joint.iri in report.units and not set(joint.members) & set(report.units)
    [p] = [p for p in report.pathways if p.risk == joint.iri]
    assert p.measure == r("civil-society-peer-review") and p.meeting == r("escalatory-crisis")
    assert not [p for p in report.pathways if p.risk in joint.members]
    assert report.select(risk=r("will-to-commit-atrocities")).pathways == (p,)


# --- entries, ranking, gaps -----------------------------------------------------------------------------------------
def test_one_entry_per_risk_and_measure_ranked(report):
    pairs = [(p.risk, p.measure) for p in report.pathways]
    assert len(pairs) == len(set(pairs))
    assert all(p.grounding in GROUNDINGS for p in report.pathways)
    for _, group in itertools.groupby(report.pathways, key=lambda p: p.risk):
        keys = [(GROUNDINGS.index(p.grounding), p.modality, -p.strength) for p in group]
        assert keys == sorted(keys)  # grounding first


def test_gaps_name_the_claims_about_the_risk(report):
    gaps = {g.risk: g for g in report.gaps}
    assert set(gaps) == {r(x) for x in ("structural-inequality", "political-instability", "socioeconomic-inequality")}
    assert gaps[r("political-instability")].claims == (r("claim-c26"),)
    assert "political instability threatens vulnerable populations" in to_markdown(report)


def tiny(*edges: tuple[str, str, int], kinds: dict[str, set[str]]) -> nx.MultiDiGraph:
    """A projection with one claim per link, all in one paragraph (so every join is tied)."""
    claims = {f"c{i}": Claim(iri=f"c{i}", paragraph=1, section="s", speaker_role="") for i in range(len(edges))}
    g = nx.MultiDiGraph(claims=claims, supports=[], issues={})
    for node, k in kinds.items():
        g.add_node(node, label=node, kinds=frozenset(k))
    for i, (a, b, polarity) in enumerate(edges):
        extra = {"requirement": True} if polarity == 0 else {}
        g.add_edge(a, b, key=f"l{i}", relation="r", polarity=polarity, claims=(f"c{i}",), **extra)
    return g


def test_a_measure_that_undermines_what_the_risk_erodes_does_not_restore_it():
    kinds = {"risk": {RISK}, "trust": {OUTCOME}, "good": {MEASURE}, "bad": {MEASURE}}
    g = tiny(("risk", "trust", -1), ("good", "trust", 1), ("bad", "trust", -1), kinds=kinds)
    assert [(p.measure, p.form) for p in derive(g).pathways] == [("good", "restores")]


def test_requirements_never_form_steps():
    kinds = {"risk": {RISK}, "x": {OUTCOME}, "m": {MEASURE}}
    assert not derive(tiny(("risk", "x", 1), ("m", "x", 0), kinds=kinds)).pathways
    assert [p.measure for p in derive(tiny(("risk", "x", 1), ("m", "x", -1), kinds=kinds)).pathways] == ["m"]


def test_max_steps_bounds_both_halves(kg):
    g = project(kg)
    one = derive(g, max_steps=1)
    assert one.pathways and all(len(r.steps) == 1 for p in one.pathways for r in p.routes)
    assert entry(one, EXCLUSION, JSR) is None  # a restores route needs a step on each side
    assert {p.iri for p in one.pathways} < {p.iri for p in derive(g, max_steps=4).pathways}


def test_entry_iris_are_readable_and_stable(report):
    p = entry(report, EXCLUSION, JSR)
    assert p.iri == DERIVED_NS + "pathway-political-exclusion--justice-sector-reform"
    iris = [r.iri for p in report.pathways for r in p.routes]
    assert len(iris) == len(set(iris)) and all(i.startswith(p.iri + "-route-") for i in iris if "exclusion--jus" in i)


def test_keystones_count_the_entries_each_measure_takes_part_in(report):
    counts = {x.measure.rsplit("/", 1)[-1]: x.pathway_count for x in report.rankings}
    assert counts["inclusive-politics"] == 2 and counts["justice-sector-reform"] == 1 and counts["ddr"] == 0
    assert [x.pathway_count for x in report.rankings] == sorted((x.pathway_count for x in report.rankings),
                                                                reverse=True)


# --- write-back ---------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def written():
    kg = load_graph(FIXTURE_INPUTS)
    write_pathways(kg)
    return kg


def test_sparql_sees_entries_routes_steps_and_the_run(written, report):
    n = int(written.select("SELECT (COUNT(?p) AS ?n) WHERE { ?p a r2p:Pathway }")[0]["n"])
    assert n == len(report.pathways) + len(report.hypothetical_only)
    rows = written.select(
        """SELECT ?p ?risk ?m ?claim ?form ?meets ?grounding ?run ?version WHERE {
             ?p a r2p:Pathway ; r2p:startsFrom ?risk ; r2p:addressedBy ?m ; r2p:pathwayForm ?form ;
                r2p:meetingPoint ?meets ; r2p:grounding ?grounding ; prov:wasDerivedFrom ?claim ;
                prov:wasGeneratedBy ?run . ?run r2p:softwareVersion ?version }""",
        {"risk": URIRef(EXCLUSION), "m": URIRef(JSR), "claim": URIRef(r("claim-c04"))},
    )
    assert [(str(x["form"]).rsplit("#")[-1], str(x["meets"]), str(x["grounding"]).rsplit("#")[-1]) for x in rows] \
        == [("RestoresPathway", r("social-trust"), "GroundedInParagraph")]
    assert str(rows[0]["version"]) == __version__
    steps = written.select(
        """SELECT ?risk ?m ?i ?from ?to ?link WHERE { ?p r2p:startsFrom ?risk ; r2p:addressedBy ?m ; r2p:hasStep ?s .
             ?s r2p:stepIndex ?i ; r2p:stepFrom ?from ; r2p:stepTo ?to ; r2p:viaLink ?link .
             ?link r2p:cause ?from ; r2p:effect ?to } ORDER BY ?i""",
        {"risk": URIRef(EXCLUSION), "m": URIRef(JSR)},
    )
    assert [(int(s["i"]), str(s["link"]).rsplit("/", 1)[-1]) for s in steps] == [
        (1, "link-jsr-strengthens-trust"), (2, "link-exclusion-undermines-trust")]
    contested = written.select("SELECT ?m ?by WHERE { ?p r2p:addressedBy ?m ; r2p:contestedBy ?by }",
                               {"m": URIRef(r("rotational-power-sharing"))})
    assert sorted(str(x["by"]) for x in contested) == [r("claim-c15"), r("issue-rotation")]
    members = written.select("SELECT ?m WHERE { ?j a r2p:JointCondition ; r2p:member ?m }")
    assert len(members) == 4
    bundle = written.select("SELECT ?case WHERE { ?b a r2p:CoRequisiteBundle ; r2p:caseExample ?case }")
    assert [str(x["case"]) for x in bundle] == [r("case-sierra-leone-accountability")]


def test_the_rdf_agrees_with_the_gaps(written, report):
    rows = written.select(
        """SELECT DISTINCT ?risk WHERE { ?risk a ?c . ?c rdfs:subClassOf* r2p:RiskFactor .
             MINUS { ?p r2p:startsFrom ?risk } MINUS { ?p r2p:startsFrom ?j . ?j r2p:member ?risk } }"""
    )
    assert {str(x["risk"]) for x in rows} == {m for g in report.gaps for m in g.members}


# --- outputs and CLI ----------------------------------------------------------------------------------------------
def run_cli(*args: str):
    return CliRunner().invoke(cli, ["pathways", *args, *CLI_INPUTS])


@pytest.mark.parametrize("term", ["r2pr:group-grievance", GRIEVANCE, f"<{GRIEVANCE}>", "group-grievance"])
def test_cli_accepts_curie_iri_and_slug(term):
    result = run_cli("--risk", term, "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert {p["risk"] for p in doc["pathways"]} == {GRIEVANCE} and len(doc["pathways"]) == 3


@pytest.mark.parametrize(
    "args, message",
    [
        (["--risk", "group-grievence"], "did you mean r2pr:group-grievance?"),
        (["--risk", "security-sector-reform"], "is not a risk factor"),
        (["--measure", "nope:x"], "unknown prefix"),
        (["--measure", "group-grievance"], "is not a prevention measure"),
    ],
)
def test_cli_unknown_term_is_one_line_and_exit_2(args, message):
    result = run_cli(*args)
    assert result.exit_code == 2
    assert message in result.output and len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_cli_flags_add_hypothetical_and_inferred_entries():
    plain = run_cli("--risk", "military-politicization", "--format", "json")
    assert plain.exit_code == 0, plain.output
    assert not json.loads(plain.output)["pathways"]
    wide = run_cli("--risk", "military-politicization", "--include-hypothetical", "--format", "json")
    [p] = json.loads(wide.output)["pathways"]
    assert p["hypothetical"] and p["modality"] == "hypothetical"  # the ontology's label of r2p:Hypothetical
    table = run_cli("--risk", "socioeconomic-inequality", "--include-inferred")
    assert table.exit_code == 0 and " inferred " in table.output
    assert "inferred" not in run_cli("--risk", "socioeconomic-inequality").output.split("\n", 2)[-1]


def test_cli_table_header_and_output_file(tmp_path):
    result = run_cli("--risk", "political-exclusion")
    assert result.exit_code == 0
    assert result.output.splitlines()[0].split()[:4] == ["pathway", "form", "risk", "measure"]
    assert "justice sector reform → social trust ← political exclusion" in result.output
    out = tmp_path / "p.ttl"
    assert run_cli("--format", "turtle", "-o", str(out)).exit_code == 0
    assert "r2p:Pathway" in out.read_text(encoding="utf-8")


def test_rows_and_json_have_one_entry_per_pathway(report):
    rows = pathway_rows(report)
    assert len(rows) == len(report.pathways) + len(report.hypothetical_only)
    assert set(rows[0]) >= {"grounding", "specificity", "routes", "issue", "with"}
    doc = json.loads(to_json(report))
    first = doc["pathways"][0]
    assert set(first) >= {"form", "meeting_point", "grounding", "contests", "routes", "specificity"}
    assert doc["gaps"] and doc["joint_conditions"] and doc["requirement_links"]
    assert all(c in doc["claims"] for p in doc["pathways"] for r_ in p["routes"] for s in r_["steps"]
               for c in s["claims"])


def test_markdown_handout_sections_quotes_and_sierra_leone(report):
    text = to_markdown(report)
    # the brief's frame first, then the sections in the brief's order (section-a is 1, d 2, b 3, c 4)
    parts = re.findall(r"^## (.+)$", text, flags=re.M)
    assert parts[0].startswith("The frame")
    titles = {report.label(s): report.section_place(s) for s in report.sections}
    numbered = [titles[x] for x in parts if x in titles]
    assert numbered == sorted(numbered) and len(numbered) >= 3
    exclusion = text.split("### Political exclusion", 1)[1].split("\n### ", 1)[0]
    assert ". **Justice sector reform**" in exclusion
    assert "   - Justice sector reform strengthens social trust." in exclusion
    assert "> “justice sector reform builds social trust” — the roundtable participants (participants), ¶30" \
        in exclusion
    # inside the bundle: advance together, with the brief's words and marked as the curators' reading (the text
    # gives one direction); never "needs first" either way
    assert "Justice sector reform and security sector reform advance together (curators' reading)." in exclusion
    assert "needs first" not in text.lower()
    reqs = text.split("## What measures need first", 1)[1]
    assert "Case: military accountability in post-war Sierra Leone." in reqs
    assert "Co-requisite bundle: justice sector reform and security sector reform" in reqs
    assert ("The text's words give one direction: security sector reform needs justice sector reform. That they "
            "advance together is the curators' reading.") in reqs
    gaps = text.split("## Gaps", 1)[1].split("\n## ", 1)[0]
    assert "**Structural inequality**" in gaps and "Lacks a grounded measure, aim, hypothetical and question." in gaps
    assert "**Structural inequality**" not in text.split("## Gaps", 1)[0]


def quote_counts(text: str) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for q in re.findall(r"^\s*> “(.+?)” — ", text, flags=re.M):
        counts[q] += 1
    return counts


@pytest.mark.parametrize("which", ["fixture", "real"])
def test_handout_prints_no_quote_more_than_twice(which, report, real):
    rep = report if which == "fixture" else real[1]
    counts = quote_counts(to_markdown(rep))
    assert counts and max(counts.values()) <= 2, [q for q, n in counts.items() if n > 2]


@pytest.mark.parametrize("which", ["fixture", "real"])
def test_handout_sentence_quotes_are_of_claims_that_state_that_step(which, report, real):
    """Each step's sentence is followed by a quote of a claim of that step's own links, sharing its words when
    one of them does (none may: "which eventually favored one ethnic group over another" is the
    only quote of the political character principle's effect, para 31)."""
    from graph.pathways.handout import build_handout, overlap

    rep = report if which == "fixture" else real[1]
    steps = shared = 0
    for part in build_handout(rep).parts:
        for group in part.groups:
            for e in group.entries:
                for line in e.lines:
                    if not line.claims:
                        continue
                    steps += 1
                    assert line.cite is not None, line.text
                    quotes = {q.exact for c in line.claims for q in rep.claims[c].quotes}
                    assert line.cite.quote in quotes, (line.text, line.cite.quote)
                    best = max(overlap(line.text, q) for q in quotes)
                    assert overlap(line.text, line.cite.quote) >= min(best, 1), (line.text, line.cite.quote)
                    shared += best >= 1
    assert steps >= len(rep.pathways) and shared >= steps - 2  # nearly every step shares words with its quote


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


@pytest.mark.parametrize("label, plural", [
    ("government restrictions on prevention work", True), ("atrocity triggers", True),
    ("protracted political, social and economic tensions", True), ("inclusive politics", False),
    ("structural weakness of the state", False), ("escalatory crisis of mass atrocities", False),
    ("acquiescence to atrocities", False), ("long-range education programmes", True), ("ombudsmen", True),
])
def test_plural_subjects_take_plural_verbs(label, plural):
    from graph.link_sentence import is_plural, verb

    assert is_plural(label) is plural
    assert verb("undermines", plural) == ("undermine" if plural else "undermines")
    assert verb("increases risk of", True) == "increase risk of" and verb("leads to", True) == "lead to"


def test_real_handout_grammar_modality_names_and_contested_other_side(real):
    _, rep = real
    text = to_markdown(rep)
    # grammar of the pathway sentences, in every modality's form ("X mitigates Y.", "X can mitigate Y.", "X is/are
    # meant to mitigate Y.", "X should mitigate Y (a recommendation).", "X could mitigate Y (hypothetical).", "The
    # text asks whether X mitigates Y.", "The text asks how X might mitigate Y."): a plural subject never takes a
    # singular verb, after a modal the verb is
    # bare, and "is meant to" has a singular subject
    from graph.link_sentence import is_plural, verb

    forms: set[str] = set()
    for line in re.findall(r"^   - ([A-Z][^*\n]+?)\.$", text, flags=re.M):
        sentence = re.sub(r" \((?:a recommendation|hypothetical|curators' reading)(?:; curators' reading)?\)$", "",
                          line)
        for relation in ("undermines", "mitigates", "strengthens", "enables", "leads to", "increases risk of",
                         "prevents"):
            bare = verb(relation, True)
            hit = re.search(rf" (?:(can|should|could|might|is meant to|are meant to) )?({relation}|{bare}) ",
                            f" {sentence} ")
            if hit is None:
                continue
            subject = f" {sentence} "[:hit.start()].strip()
            asks = ("The text asks whether ", "The text asks how ", "The curators read the text as asking whether ",
                    "The curators read the text as asking how ")
            asked = subject.startswith(asks)
            for prefix in asks:
                subject = subject.removeprefix(prefix)
            modal, said = hit.group(1), hit.group(2)
            forms.add("asked" if asked else modal or "plain")
            if modal:
                assert said == bare and (modal == "might") == asked, line
                assert modal != "is meant to" or not is_plural(subject), line
            elif said == relation:
                assert not is_plural(subject), line
            if is_plural(subject):
                assert said == bare and modal != "is meant to", line
            assert (modal in ("should", "could")) == bool(re.search(r"\((a recommendation|hypothetical)\b", line)), line
            break
    assert {"plain", "can", "should", "could", "asked"} <= forms, forms
    assert "possible or recommended" not in text and "possible or normative" not in text
    assert re.search(r"modality: (Possible|Normative|Asserted)", text)
    # every contested entry names what is disputed in the text's words: each objection and each disagreement with
    # a quote (or a pointer back to it), the other side of a disagreement quoted too, or said to be missing (an
    # issue whose one reported position is the entry's own: paragraph 15); no bare "The other side."
    assert "The other side." not in text and "challenge to" not in text
    none_stated = 0
    for block in text.split("\n1. ")[1:]:
        for entry in re.split(r"\n\d+\. ", block):
            lines = entry.splitlines()
            for i, line in enumerate(lines):
                if "*Contested:*" in line or ("*Other side:*" in line and "no position in it" not in line):
                    assert lines[i + 1].lstrip().startswith(">"), entry[:300]
            if "*Other side:* The text reports no position in it other than this entry's." in entry:
                none_stated += 1
    assert none_stated  # the development-strategy issue reports one position only


def test_cli_help_ends_with_an_example():
    text = CliRunner().invoke(cli, ["pathways", "--help"]).output.rstrip().splitlines()
    assert any(line.strip() == "Example:" for line in text)
    assert text[-1].strip().startswith("r2pkg pathways")


# --- determinism -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["table", "json", "turtle", "markdown"])
def test_same_input_gives_identical_bytes_across_hash_seeds(fmt):
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-m", "graph.cli", "pathways", "--include-inferred", "--format", fmt, *CLI_INPUTS],
            cwd=REPO, env=env, capture_output=True, check=True,
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] and len(outputs[0]) > 200


def test_two_loads_give_identical_outputs():
    a, b = derive_pathways(load_graph(FIXTURE_INPUTS)), derive_pathways(load_graph(FIXTURE_INPUTS))
    assert to_turtle(a) == to_turtle(b) and to_markdown(a) == to_markdown(b) and to_json(a) == to_json(b)


# --- the definition, read literally: a brute-force oracle on random graphs --------------------------------------------
def oracle(g: nx.MultiDiGraph, max_steps: int) -> dict[tuple, str | None]:
    """Every route of the definition by enumerating all simple chains of signed steps, with its grounding.

    Returns {(unit, form, meeting, ((source, target, sign), ...) in walking order): grounding or None}.
    No joint conditions in these graphs: every risk factor is its own unit.
    """
    kinds = {n: g.nodes[n]["kinds"] for n in g}
    steps: dict[tuple[str, str, int], set[str]] = defaultdict(set)  # parallel links are one step
    for u, v, data in g.edges(data=True):
        if data["polarity"] and u != v:
            steps[(u, v, data["polarity"])].update(data["claims"])
    out = defaultdict(list)
    for u, v, p in steps:
        out[u].append((v, p))
    chains = []  # (nodes, signed steps, net sign) of every simple chain of 0..max_steps steps

    def walk(nodes, chain, sign):
        chains.append((nodes, chain, sign))
        if len(chain) < max_steps:
            for v, p in out[nodes[-1]]:
                if v not in nodes:
                    walk((*nodes, v), (*chain, (nodes[-1], v, p)), sign * p)

    for n in g:
        walk((n,), (), 1)
    claims, supports = g.graph["claims"], g.graph["supports"]
    linked = nx.Graph(list(supports))

    def tie(a, b):
        ca, cb = steps[a], steps[b]
        if ca & cb:
            return CLAIM
        if {(claims[c].section, claims[c].paragraph) for c in ca} & {(claims[c].section, claims[c].paragraph)
                                                                    for c in cb}:
            return PARAGRAPH
        if any(x in linked and y in linked and nx.has_path(linked, x, y)
               and nx.shortest_path_length(linked, x, y) <= 3 for x in ca for y in cb):
            return SUPPORT
        if {k for c in ca for k in claims[c].about} & {k for c in cb for k in claims[c].about}:
            return CASE
        if {claims[c].section for c in ca} & {claims[c].section for c in cb}:
            return SECTION
        return None

    def counts(chain):  # a chain counts for reach when the text ties every two consecutive steps of it
        return len(chain) <= max_steps - 1 and all(tie(chain[i], chain[i + 1]) for i in range(len(chain) - 1))

    risks = sorted(n for n in g if RISK in kinds[n])
    reached = defaultdict(set)
    for nodes, chain, _ in chains:
        if RISK in kinds[nodes[0]] and counts(chain):
            reached[nodes[-1]].add(nodes[0])
    generic = {n for n, units in reached.items() if len(units) >= 3 and HARM in kinds[n]}
    owners = defaultdict(set)  # reach again, through no generic node: who reaches each node
    for nodes, chain, _ in chains:
        if RISK in kinds[nodes[0]] and counts(chain) and not generic & set(nodes):
            owners[nodes[-1]].add(nodes[0])

    def admissible(kind, node, risk):
        if node in generic:
            return kind in (CLAIM, PARAGRAPH, SUPPORT)
        return kind != SECTION or owners[node] == {risk}

    found = {}
    for risk in risks:
        for r_nodes, r_chain, s in chains:
            if r_nodes[0] != risk or len(r_chain) > max_steps - 1 or generic & set(r_nodes[:-1]):
                continue
            meet = r_nodes[-1]
            if not r_chain:
                form, need = "direct", -1
            elif MEASURE in kinds[meet]:
                continue
            elif s == 1:
                form, need = "direct", -1
            elif meet in generic:
                continue
            elif OUTCOME in kinds[meet] and HARM not in kinds[meet]:
                form, need = "restores", 1
            else:
                continue
            for m_nodes, m_chain, t in chains:
                if (m_chain and m_nodes[-1] == meet and t == need and MEASURE in kinds[m_nodes[0]]
                        and len(m_chain) + len(r_chain) <= max_steps and not generic & set(m_nodes[:-1])
                        and not set(m_nodes[:-1]) & set(r_nodes)):
                    walk_steps = (*m_chain, *reversed(r_chain))
                    joins = [*m_nodes[1:], *reversed(r_nodes[:-1])][:-1]
                    ties = [tie(walk_steps[i], walk_steps[i + 1]) for i in range(len(walk_steps) - 1)]
                    ties = [k if k is not None and admissible(k, joins[i], risk) else None for i, k in enumerate(ties)]
                    grounding = CLAIM if not ties else (
                        None if None in ties else max(ties, key=GROUNDINGS.index))
                    found[(risk, form, meet, walk_steps)] = grounding
    return found


def random_graph(seed: int) -> nx.MultiDiGraph:
    rng = random.Random(seed)
    kinds = [{RISK}, {RISK}, {RISK}, {RISK}, {MEASURE}, {MEASURE}, {MEASURE}, {OUTCOME}, {OUTCOME}, {OUTCOME},
             {OUTCOME, HARM}, {OUTCOME, HARM}]
    claim_ids = [f"c{i}" for i in range(14)]
    claims = {
        c: Claim(iri=c, paragraph=rng.randint(1, 5), section=f"s{rng.randint(1, 3)}", speaker_role="",
                 about=tuple(sorted(rng.sample(["k1", "k2", "k3"], rng.randint(0, 1)))))
        for c in claim_ids
    }
    supports = sorted({tuple(rng.sample(claim_ids, 2)) for _ in range(4)})
    g = nx.MultiDiGraph(claims=claims, cases=frozenset({"k1", "k2", "k3"}), supports=supports, issues={})
    for i, k in enumerate(kinds):
        g.add_node(f"n{i:02d}", label=f"node {i}", kinds=frozenset(k))
    for k in range(rng.randint(20, 36)):
        a, b = rng.sample(sorted(g), 2)
        g.add_edge(a, b, key=f"l{k:02d}", relation="r", polarity=rng.choice((1, 1, -1, -1)),
                   claims=tuple(sorted(rng.sample(claim_ids, rng.randint(1, 2)))), rank=rng.randint(0, 8))
    return g


@pytest.mark.parametrize("seed", range(12))
def test_derivation_matches_the_definition_on_random_graphs(seed):
    g = random_graph(seed)
    for max_steps in (2, 3, 4):
        expected = oracle(g, max_steps)
        rep = derive(g, max_steps, max_pathways_per_risk=10**6, include_inferred=True)
        assert not rep.truncated
        got = {}
        for p in (*rep.pathways, *rep.inferred):
            for route in p.routes:
                key = (p.risk, route.form, route.meeting, tuple((s.source, s.target, s.polarity) for s in route.steps))
                got[key] = route.grounding
        # An entry lists its grounded routes; a pair with none is inferred, with all its routes.
        grounded_pairs = {(k[0], k[3][0][0]) for k, v in expected.items() if v}
        assert {(p.risk, m) for p in rep.pathways for m in p.measures} == grounded_pairs
        assert got == {k: v for k, v in expected.items() if v or (k[0], k[3][0][0]) not in grounded_pairs}


def test_betweenness_matches_networkx_exactly_and_sampling_is_seeded(kg):
    from graph.pathways.ranking import betweenness
    from graph.pathways.signed import SignedGraph

    g = project(kg)
    sg = SignedGraph(g, frozenset({ASSERTED, QUALIFIED}))
    signed = nx.DiGraph()
    signed.add_nodes_from(g)
    signed.add_edges_from((s.source, s.target) for s in sg.steps)
    expected = nx.betweenness_centrality(signed)
    assert betweenness(sg, sorted(g), samples=1000) == pytest.approx(expected, abs=1e-12)
    assert betweenness(sg, sorted(g), samples=5) == betweenness(sg, sorted(g), samples=5) != expected


def test_cap_truncates_and_says_so(kg):
    capped = derive(project(kg), max_pathways_per_risk=1)
    assert EXCLUSION in capped.truncated and len([p for p in capped.pathways if p.risk == EXCLUSION]) == 1


# --- the brief's data -------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def real(repo_project):
    kg = load_graph(project=repo_project)
    return kg, derive_pathways(kg)


def need(kg, *slugs: str) -> None:
    for slug in slugs:
        if not kg.query("ASK { ?n a ?t }", {"n": URIRef(r(slug))}):
            pytest.skip(f"data/brief-2013 does not contain r2pr:{slug} yet")


def test_real_ssr_requires_jsr_with_sierra_leone_case(real):
    kg, rep = real
    need(kg, "security-sector-reform", "justice-sector-reform", "sierra-leone")
    [req] = [x for x in rep.requirement_links if (x.dependent, x.prerequisite) == (SSR, JSR)]
    places = {p for c in req.cases for p in read(kg).cases[c].places}
    assert r("sierra-leone") in places and not req.inferred_by_curators
    assert JSR in rep.requirements[SSR]
    text = to_markdown(rep)
    assert "Sierra Leone" in text.split("## What measures need first", 1)[1]


def test_real_generic_harms_meet_only_where_one_passage_ties_both_halves(real):
    kg, rep = real
    need(kg, "mass-atrocities")
    assert MASS_ATROCITIES in rep.generic
    assert rep.pathways and all(p.grounding in GROUNDINGS for p in rep.pathways)
    pairs = [(p.risk, p.measure) for p in rep.pathways]
    assert len(pairs) == len(set(pairs))
    for p in (*rep.pathways, *rep.hypothetical_only):
        for route in p.routes:
            inner = route.nodes[1:-1]
            assert not set(rep.generic) & (set(inner) - {route.meeting}), route.label  # never passed through
            if route.meeting in rep.generic:
                at = inner.index(route.meeting)
                assert route.ties[at].kind in (CLAIM, PARAGRAPH, SUPPORT), route.label


def test_real_every_pathway_is_tied_by_the_text_and_section_only_at_a_node_of_its_own(real):
    """One claim, one paragraph, a support chain or a shared case; a section only at a node no other risk
    reaches (never at a hub such as preventive capacity)."""
    from graph.pathways.grounding import Grounder
    from graph.pathways.signed import SignedGraph
    from graph.pathways.specificity import reach_units
    from graph.pathways.units import joint_conditions, risk_units

    kg, rep = real
    g = project(kg)
    units = risk_units(g, joint_conditions(g))
    owners = reach_units(SignedGraph(g, frozenset({ASSERTED, QUALIFIED})), units, rep.max_steps - 1,
                         Grounder(g).tied, frozenset(rep.generic))
    hub = r("preventive-capacity")
    for p in rep.pathways:
        for route in p.routes:
            assert route.grounding in GROUNDINGS
            for tie, node in zip(route.ties, route.nodes[1:-1], strict=True):
                if tie.kind == SECTION:
                    assert owners.get(node) == frozenset({p.risk}) and node != hub, route.label


def test_real_no_two_pathways_share_one_quote_as_their_only_ground(real):
    _, rep = real
    only = {}
    for p in rep.pathways:
        quotes = {q.exact for c in p.claims for q in rep.claims[c].quotes}
        if len(quotes) == 1:
            [q] = quotes
            assert q not in only, (p.label, only.get(q))
            only[q] = p.label


def test_real_paragraphs_16_to_40_ground_a_third_of_the_pathways(real):
    _, rep = real
    late = [p for p in rep.pathways if any(16 <= (rep.claims[c].paragraph or 0) <= 40 for c in p.lead.claims)]
    assert 3 * len(late) >= len(rep.pathways), [p.label for p in late]


def test_real_strength_never_exceeds_the_weakest_stated_breadth(real):
    _, rep = real
    for p in (*rep.pathways, *rep.hypothetical_only):
        for route in p.routes:
            stated = [max((rep.rank(rep.claims[c]) for c in s.claims if rep.claims[c].breadth is not None), default=0)
                      for s in route.steps]
            assert route.strength == min(stated), route.label  # a step with no stated breadth counts as 0


def test_real_pathways_on_paragraph_12_are_contested_by_the_non_state_actors_issue(real):
    kg, rep = real
    issue = r("issue-role-of-nonstate-actors")
    need(kg, "issue-role-of-nonstate-actors")
    on_12 = [p for p in rep.pathways if {rep.claims[c].paragraph for c in p.lead.claims} == {12}]
    assert on_12
    for p in on_12:
        assert p.contested and issue in {c.issue for c in p.contests}, p.label
    assert issue in to_turtle(rep.select(risk=on_12[0].risk)).replace("r2pr:", str(R2PR))


def test_real_gaps_lack_everything_and_no_gap_has_a_measure_in_its_own_paragraph(real):
    """A gap is true: its paragraphs name no mitigating measure, aim, hypothetical or question for it."""
    kg, rep = real
    m = read(kg)
    g = project(kg)
    for gap in rep.gaps:
        assert gap.lacks == ("measure", "aim", "hypothetical", "question")
        paragraphs = {m.claims[c].paragraph for c in gap.claims}
        for link in m.links.values():
            if link.effect in gap.members and link.polarity == -1 and MEASURE in g.nodes[link.cause]["kinds"]:
                here = {m.claims[c].paragraph for c in link.claims if c in m.claims}
                assert not here & paragraphs, (gap.risk, link.iri)
    hyp = {p.risk for p in rep.hypothetical_only}
    assert not hyp & {g.risk for g in rep.gaps}


def test_real_an_aim_from_what_is_not_a_measure_makes_no_gap(real):
    """Para 1: good governance structures are developed "to do this" (manage the triggers of violence)."""
    kg, rep = real
    need(kg, "good-governance", "atrocity-triggers")
    if not kg.query("ASK { ?l r2p:cause r2pr:good-governance ; r2p:effect r2pr:preventive-capacity }"):
        pytest.skip("data/brief-2013 does not state the aim of paragraph 1 yet")
    [p] = [x for x in rep.aim_only if x.risk == r("atrocity-triggers")]
    assert p.measure == r("good-governance") and p.lead.grounding in (CLAIM, PARAGRAPH)
    assert r("atrocity-triggers") not in {g.risk for g in rep.gaps}
    assert "## Addressed only by an aim the text states" in to_markdown(rep)
    assert p.iri in {t.subject.value for t in pathway_triples(rep)}


def test_real_joint_condition_replaces_will_capacity_and_acquiescence(real):
    kg, rep = real
    need(kg, "will-to-commit-atrocities", "escalatory-crisis")
    [joint] = [j for j in rep.joint_conditions if r("escalatory-crisis") in j.members]
    assert r("will-to-commit-atrocities") in joint.members and r("acquiescence-to-atrocities") in joint.members
    assert not [p for p in rep.pathways if p.risk in joint.members]


def test_real_contested_flag_matches_attacks_and_issues(real):
    """Contested: a claim of the route, of a support chain tying it, or of the support chains it stands in
    (premises and conclusions within three relations, in a paragraph of the route) is attacked or is a
    position of an issue (reached only as a premise: an issue about a node of the route); or a claim about the
    route's measure is attacked from one of the route's paragraphs."""
    kg, rep = real
    m = read(kg)
    attacked = set(m.attackers())
    attackers = m.attackers()
    positions = {c for i in m.issues.values() for c in i.positions}
    issues_of = defaultdict(set)
    for i in m.issues.values():
        for c in i.positions:
            issues_of[c].add(i.iri)
    up, down = defaultdict(set), defaultdict(set)
    for a in m.supports:
        up[a.premise].add(a.conclusion)
        down[a.conclusion].add(a.premise)
    for p in rep.pathways:
        for route in p.routes:
            tying = {c for t in route.ties if t.kind == SUPPORT for c in t.evidence}
            held = set(route.claims) | tying
            places = {m.claims[c].paragraph for c in route.claims}
            reached = {}
            for name, edges in (("up", up), ("down", down)):
                frontier = set(route.claims)
                for _ in range(3):
                    frontier = {n for c in frontier for n in edges[c]} - set(reached) - held
                    reached.update({c: name for c in frontier})
            held |= {c for c in reached if m.claims[c].paragraph in places}
            nodes = set(route.nodes)
            premise_only = {c for c, how in reached.items() if how == "down"} - tying - set(route.claims)
            on_issue = {c for c in held & positions
                        if c not in premise_only or any(nodes & set(m.issues[i].about) for i in issues_of[c])}
            measure = route.steps[0].source
            nearby = any(measure in m.claims[c].about and any(m.claims[a].paragraph in places for a in attackers[c])
                         for c in attacked)
            assert route.contested == (bool(held & attacked) or bool(on_issue) or nearby), route.label
    citizenship = next(p for p in rep.pathways if p.measure.endswith("/citizenship-model"))
    assert citizenship.contested  # paragraph 33 cautions against the model it states
    # "Nigeria is a laboratory" (paragraph 31) rests on the rotation of paragraph 32 too; the dispute of the
    # rotation's problems there does not contest the political character principle
    character = next(p for p in rep.pathways if p.measure.endswith("/political-character-principle"))
    assert not character.contested
    # a case offered for adaptable design (paragraph 15) is also the one position on how to integrate
    # prevention into development: that question does not contest adaptable design
    assert not any(p.contested for p in rep.pathways if p.measure.endswith("/adaptable-plural-design"))
    assert all(p.contested for p in rep.pathways if p.measure.endswith("/development-integration"))


def test_real_no_hypothetical_link_in_a_default_pathway(real):
    kg, rep = real
    m = read(kg)
    weak = {link.iri for link in m.links.values() if link.modality.rsplit("#", 1)[-1] in ("Hypothetical", "Questioned")}
    assert not {x for p in rep.pathways for route in p.routes for s in route.steps for x in s.links} & weak


def test_real_handout_is_a_few_pages(real):
    _, rep = real
    text = to_markdown(rep)
    assert len(text.splitlines()) < 400 and len(text.split()) < 6000
    assert "## Gaps: risks no measure, aim, hypothetical or question in the text addresses" in text


@pytest.mark.parametrize("fmt", ["turtle", "markdown"])
def test_real_outputs_are_identical_across_hash_seeds(fmt):
    outputs = []
    for seed in ("5", "6"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-m", "graph.cli", "pathways", "--format", fmt],
                              cwd=REPO, env=env, capture_output=True, check=True)
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] and len(outputs[0]) > 1000


def test_real_derivation_is_deterministic(real, repo_project):
    _, rep = real
    again = derive_pathways(load_graph(project=repo_project))
    assert to_turtle(again) == to_turtle(rep) and to_markdown(again) == to_markdown(rep)


# --- the project is the one source of the derivation's defaults ----------------------------------------------------
def test_project_max_steps_rules_pathways_build_and_query_alike(tmp_path, monkeypatch, repo_project):
    from graph.derive_options import DEFAULTS

    assert DEFAULTS["max_steps"] != 2  # the copy below must differ from the default to show anything
    config = tmp_path / "r2pkg.toml"
    onto = [str(p) for p in repo_project.ontology]
    config.write_text(
        "[project]\nname = 'copy'\n"
        f"ontology = {json.dumps(onto)}\nshapes = {json.dumps(str(repo_project.shapes))}\n"
        f"data = {json.dumps([str(p) for p in repo_project.data])}\noutput = 'build'\n"
        "[derive]\nmax_steps = 2\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    doc = json.loads(runner.invoke(cli, ["pathways", "--format", "json"]).stdout)
    assert doc["max_steps"] == 2 and doc["pathways"]
    assert max(len(route["steps"]) for p in doc["pathways"] for route in p["routes"]) <= 2
    count = runner.invoke(cli, ["query", "--format", "json", "--sparql",
                                "SELECT (COUNT(?p) AS ?n) ?label WHERE { ?p a r2p:Pathway . "
                                "?run a r2p:DerivationRun ; rdfs:label ?label } GROUP BY ?label"])
    [row] = json.loads(count.stdout)["results"]["bindings"]
    written = len(doc["pathways"]) + len(doc["only_hypothetically_addressed"]) + len(doc["addressed_by_an_aim_only"])
    assert int(row["n"]["value"]) == written and "at most 2 steps" in row["label"]["value"]
    built = runner.invoke(cli, ["build", "--force"])
    assert built.exit_code == 0, built.output
    assert re.search(rf"\b{len(doc['pathways'])} pathways\b", built.stdout), built.stdout
    # the site carries the printable handout, linked from the index, derived with the project's options too
    handout = (tmp_path / "build" / "handout.html").read_text(encoding="utf-8")
    assert "chains of at most 2 links" in handout
    assert 'href="handout.html"' in (tmp_path / "build" / "index.html").read_text(encoding="utf-8")
    # A flag the user gives overrides the project.
    wider = json.loads(runner.invoke(cli, ["pathways", "--format", "json", "--max-steps", "3"]).stdout)
    assert wider["max_steps"] == 3
    config.write_text(config.read_text(encoding="utf-8").replace("max_steps = 2", "max_steps = 'two'"),
                      encoding="utf-8")
    bad = runner.invoke(cli, ["pathways"])
    assert bad.exit_code == 2 and "max_steps must be a whole number" in bad.stderr and "Traceback" not in bad.output


def test_a_handout_without_pathways_says_there_are_none():
    """A project whose documents tie no measure to a risk gets a handout that says so, not an intro alone."""
    empty = derive_pathways(load_graph([ontology_file(), data_dir() / "sources.ttl"]))
    assert not empty.pathways
    text = to_markdown(empty)
    assert "No pathways" in text and "no pathway to list" in text
    assert "No pathways" not in to_markdown(derive_pathways(load_graph(FIXTURE_INPUTS)))


def test_real_a_link_only_the_curators_read_starts_no_aim_entry(real):
    """Para 1 links the state's ability to prevent atrocities with its capacity to manage triggers, with no
    direction: that preventive capacity mitigates them is the curators' reading (r2p:Possible), marked as such
    in the one entry that uses it, and no entry of its own ("addressed only by an aim the text states")."""
    kg, rep = real
    need(kg, "preventive-capacity", "atrocity-triggers")
    entries = [p for p in rep.aim_only if p.risk == r("atrocity-triggers")]
    assert [p.measure for p in entries] == [r("good-governance")]
    assert "Preventive capacity can mitigate atrocity triggers (curators' reading)." in to_markdown(rep)


def test_real_what_the_text_states_ranks_before_the_curators_reading(real):
    """Para 28 names "preventive SSR, DDR, and JSR" against mass violence, to which the military's politicisation
    leads: the entry keeps all three measures, led by what the text states, rather than splitting off security
    sector reform behind the curators' one-step reading (SSR against politicisation). Likewise the Nigerian
    provincial administrations (an aim the text states) come before the political character principle (an aim
    only in the curators' reading), para 31."""
    kg, rep = real
    need(kg, "military-politicization", "ddr", "provincial-administrations")
    first = next(p for p in rep.hypothetical_only if p.risk == r("military-politicization"))
    assert set(first.measures) == {r("ddr"), r("justice-sector-reform"), r("security-sector-reform")}
    assert not any(s.curators for s in first.lead.steps)
    division = [p.measure for p in rep.pathways if p.risk == r("ethnic-division")]
    assert division.index(r("provincial-administrations")) < division.index(r("political-character-principle"))
