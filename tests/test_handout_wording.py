"""The handout's wording keeps the brief's hedges: each step's sentence says its link's modality in words a trainer
reads aloud (plain when asserted, "can" or "is meant to", "should ... (a recommendation)", "could ...
(hypothetical)", "The text asks whether ..." or, for a question of how, "The text asks how ... might"), marks
the curators' readings, and an issue's quote names who said it, how widely and the paragraph, as every other
quote does. Checked on the repository's brief (nodes looked up by
IRI, skipping with the reason where the data does not contain them) and on the say() helper itself."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from graph import load_graph
from graph.link_sentence import say
from graph.pathways import derive_pathways, to_json, to_markdown
from graph.pathways.handout import build_handout
from graph.pathways.handout_page import to_html
from graph.readmodel import ASSERTED, CURATORS, HYPOTHETICAL, NORMATIVE, POSSIBLE, QUESTIONED, read

R = "https://w3id.org/r2pkg/resource/"
OMBUDSMAN_LINK = R + "link-ombudsman-model-mitigates-group-marginalization"


@pytest.fixture(scope="module")
def real(repo_project):
    kg = load_graph(project=repo_project)
    return kg, derive_pathways(kg)


def step_lines(report) -> list:
    """Every step's sentence of the handout (the lines that carry a step's claims)."""
    return [line for part in build_handout(report).parts for group in part.groups for entry in group.entries
            for line in entry.lines if line.claims]


def line_of(report, source: str, target: str) -> str:
    """The handout's sentence for the step source -> target (slugs), skipping when the report has none."""
    src, tgt = report.label(R + source), report.label(R + target)
    found = [x.text for x in step_lines(report) if tgt in x.text and src.lower() in x.text.lower()]
    if not found:
        pytest.skip(f"the handout has no step {source} -> {target} in the current data")
    return found[0]


# --- say(): one sentence per modality, with the subject's number ----------------------------------------------
@pytest.mark.parametrize(("modality", "aim", "singular", "plural"), [
    (ASSERTED, False, "Ombudsman model mitigates group marginalization.",
     "Government restrictions mitigate group marginalization."),
    (POSSIBLE, False, "Ombudsman model can mitigate group marginalization.",
     "Government restrictions can mitigate group marginalization."),
    (POSSIBLE, True, "Ombudsman model is meant to mitigate group marginalization.",
     "Government restrictions are meant to mitigate group marginalization."),
    (NORMATIVE, False, "Ombudsman model should mitigate group marginalization (a recommendation).",
     "Government restrictions should mitigate group marginalization (a recommendation)."),
    (HYPOTHETICAL, False, "Ombudsman model could mitigate group marginalization (hypothetical).",
     "Government restrictions could mitigate group marginalization (hypothetical)."),
    (QUESTIONED, False, "The text asks whether ombudsman model mitigates group marginalization.",
     "The text asks whether government restrictions mitigate group marginalization."),
])
def test_say_keeps_the_modality_and_the_grammar(modality, aim, singular, plural):
    assert say("ombudsman model", False, "mitigates", "group marginalization", modality, aim=aim) == singular
    assert say("government restrictions", True, "mitigates", "group marginalization", modality, aim=aim) == plural


def test_say_gives_a_question_or_concern_the_curators_read_to_the_curators():
    """A question or concern the curators read off the text is never "the text reports a concern" with the
    curators named after it (para 40 walks "a fine line" and reports no concern)."""
    assert say("unconditional external support", False, "increases risk of", "unintended consequences",
               QUESTIONED, concern=True, curators=True) == \
        "The curators read a concern that unconditional external support may increase risk of unintended consequences."
    assert say("x", False, "mitigates", "y", QUESTIONED, how=True, curators=True) == \
        "The curators read the text as asking how x might mitigate y."
    assert say("x", False, "mitigates", "y", QUESTIONED, curators=True) == \
        "The curators read the text as asking whether x mitigates y."
    assert say("x", False, "mitigates", "y", QUESTIONED, concern=True) == \
        "The text reports a concern that x may mitigate y."
    assert say("x", False, "mitigates", "y", POSSIBLE, curators=True) == "X can mitigate y (curators' reading)."


def test_say_asks_how_for_a_question_of_how():
    assert say("ombudsman model", False, "mitigates", "group marginalization", QUESTIONED, how=True) == \
        "The text asks how ombudsman model might mitigate group marginalization."
    assert say("government restrictions", True, "leads to", "group marginalization", QUESTIONED, how=True) == \
        "The text asks how government restrictions might lead to group marginalization."
    # "how" is a question's form: it does not turn another modality into a question
    assert say("x", False, "mitigates", "y", POSSIBLE, how=True) == "X can mitigate y."


def test_real_a_question_of_how_is_told_as_one(real):
    """The brief's questions ask how, taking the link as possible ("How professionalization of the security
    sector can transform the sector to defend rights rather than abuse rights", para 6): where every quote of a
    questioned step asks how, the handout asks how, never whether (which would doubt what the text assumes)."""
    _, rep = real
    asked = [line for line in step_lines(rep) if line.text.startswith("The text asks ")]
    how = [line for line in asked
           if all(re.search(r"\bhow\b", q.exact, re.I) for c in line.claims for q in rep.claims[c].quotes)]
    if not how:
        pytest.skip("the handout asks about no step in the current data")
    for line in how:
        assert line.text.startswith("The text asks how ") and " might " in line.text, line.text


def test_say_marks_the_curators_reading_and_conjugates_every_relation():
    assert say("security sector reform", False, "mitigates", "politicization", HYPOTHETICAL, curators=True) == \
        "Security sector reform could mitigate politicization (hypothetical; curators' reading)."
    assert say("inclusive politics", False, "enables", "dispute resolution", POSSIBLE, curators=True) == \
        "Inclusive politics can enable dispute resolution (curators' reading)."
    assert say("x", False, "increases risk of", "y", POSSIBLE) == "X can increase risk of y."
    assert say("x", False, "leads to", "y", NORMATIVE) == "X should lead to y (a recommendation)."
    assert say("x", False, "strengthens / mitigates", "y", HYPOTHETICAL) == \
        "X could strengthen / mitigate y (hypothetical)."


# --- the real brief's handout ---------------------------------------------------------------------------------
def test_real_possible_step_is_hedged_not_stated_as_an_effect(real):
    """¶35: Latin American countries work with ombudsmen "to lessen" group marginalization: an aim (Possible),
    not an effect the brief reports."""
    _, rep = real
    text = line_of(rep, "ombudsman-model", "group-marginalization")
    assert text in ("Ombudsman model can mitigate group marginalization.",
                    "Ombudsman model is meant to mitigate group marginalization."), text
    assert "Ombudsman model mitigates group marginalization." not in to_markdown(rep)


def test_real_aim_link_reads_is_meant_to(real):
    """A link whose label states an aim ("aim (Latin America): ...") reads "is meant to" once the report knows
    the label (the labels map is the report's one lookup of IRIs to labels)."""
    kg, rep = real
    link = read(kg).links.get(OMBUDSMAN_LINK)
    if link is None or not link.label.lower().startswith("aim"):
        pytest.skip("the ombudsman link is not labelled as an aim in the current data")
    with_label = replace(rep, labels={**rep.labels, OMBUDSMAN_LINK: link.label})
    assert line_of(with_label, "ombudsman-model", "group-marginalization") == \
        "Ombudsman model is meant to mitigate group marginalization."


def test_real_normative_step_says_it_is_a_recommendation(real):
    """¶23: societies in conflict "must undergo" justice sector reform "to build institutional confidence"."""
    _, rep = real
    text = line_of(rep, "justice-sector-reform", "institutional-confidence")
    assert text == "Justice sector reform should strengthen institutional confidence (a recommendation).", text


def test_real_asserted_step_is_plain(real):
    """¶29: group grievance is "a core element" of high-risk societies: asserted, said plainly."""
    _, rep = real
    text = line_of(rep, "group-grievance", "mass-atrocities")
    assert text == "Group grievance increases risk of mass atrocities.", text


def test_real_hypothetical_questioned_and_curators_steps(real):
    _, rep = real
    hypothetical = line_of(rep, "ddr", "mass-violence")
    assert hypothetical.endswith("security sector reform could mitigate mass violence (hypothetical)."), hypothetical
    curators = line_of(rep, "preventive-capacity", "atrocity-triggers")
    assert curators == "Preventive capacity can mitigate atrocity triggers (curators' reading).", curators
    # both marks at once (para 28's curators' SSR against the military's politicisation, now ranked after what
    # the text states, so no longer the lead of an entry)
    assert say("security sector reform", False, "mitigates", "politicization of the military", HYPOTHETICAL,
               curators=True) == ("Security sector reform could mitigate politicization of the military "
                                  "(hypothetical; curators' reading).")
    asked = line_of(rep, "security-sector-professionalization", "security-force-abuse")
    assert asked == "The text asks how security sector professionalization might mitigate rights abuse by " \
        "security forces.", asked
    assert "(The curators' reading of the text.)" not in to_markdown(rep)


def test_real_every_step_sentence_says_its_modality(real):
    """Each step's sentence, matched to its step by its claims, is worded for the step's modality and says
    when it is the curators' reading."""
    _, rep = real
    voices = (ASSERTED, POSSIBLE, NORMATIVE, HYPOTHETICAL, QUESTIONED)
    steps: dict[tuple[str, ...], set[tuple[str, bool]]] = {}
    for p in (*rep.pathways, *rep.hypothetical_only, *rep.aim_only):
        for r in p.routes:
            for s in r.steps:
                steps.setdefault(s.claims, set()).add((" ".join(sorted(s.modalities)), s.curators))
    words = {
        ASSERTED: lambda t: not re.search(r" (can|should|could|meant to) |^The text asks|\((a recommendation|hypo)", t),
        POSSIBLE: lambda t: " can " in t or " meant to " in t,
        NORMATIVE: lambda t: " should " in t and "(a recommendation" in t,
        HYPOTHETICAL: lambda t: " could " in t and "(hypothetical" in t,
        QUESTIONED: lambda t: t.startswith(("The text asks whether ", "The curators read the text as asking whether "))
        or (t.startswith(("The text asks how ", "The curators read the text as asking how ")) and " might " in t),
    }
    checked = set()
    for line in step_lines(rep):
        kinds = steps.get(line.claims, set())
        if len(kinds) != 1:  # claims shared by steps of different modalities: not matched to one step
            continue
        [(modality, curators)] = kinds
        if modality not in voices:
            continue
        assert words[modality](line.text), (modality, line.text)
        assert ("curators' reading)." in line.text or line.text.startswith("The curators read")) == curators, \
            line.text
        checked.add(modality)
    assert set(voices) <= checked, checked


def test_real_issue_quotes_name_who_how_widely_and_the_paragraph(real):
    """Under "Contested: The text reports a disagreement: ...", the issue's quote carries the paragraph and the
    breadth the data gives the issue, as every other quote does (never a bare "— the text")."""
    _, rep = real
    text = to_markdown(rep)
    lines = text.splitlines()
    seen = 0
    for i, line in enumerate(lines):
        m = re.search(r"\*Contested:\* The (?:text reports|curators read) a disagreement(?: here)?: (.+?)\."
                      r"(?: This entry rests on one side of it: .*)?$", line)
        if not m:
            continue
        info = next(x for x in rep.issues.values() if x.label == m.group(1))
        quote = lines[i + 1].strip()
        assert not quote.endswith("— the text"), quote
        assert info.paragraph is not None and f"¶{info.paragraph}" in quote, quote
        breadth = rep.names.get(info.consensus) or "breadth not stated"
        assert f"({breadth}" in quote, quote
        seen += 1
    assert seen >= 3
    assert "(participants), ¶12" in text  # the role of non-state actors, ¶12
    page = to_html(rep)
    assert "there was no consensus about the role of nonstate actors" in page and "¶12" in page


def test_real_issue_quote_names_whom_the_data_attributes_it_to(real):
    """When the report carries the issue's prov:wasAttributedTo, the quote names it; an issue the curators
    attribute is marked as their reading."""
    _, rep = real
    contested = [c.issue for p in rep.pathways for c in p.contests if c.kind == "issue"]
    if not contested:
        pytest.skip("no entry rests on an issue in the current data")
    first = contested[0]
    participants = R + "roundtable-participants"
    named = replace(rep, issues={**rep.issues, first: replace(rep.issues[first], agents=(participants,))},
                    names={**rep.names, participants: "Roundtable participants"})
    info = named.issues[first]
    quote = info.quotes[0].exact
    assert f"“{quote}” — Roundtable participants (" in to_markdown(named)
    curated = replace(rep, issues={**rep.issues, first: replace(rep.issues[first], agents=(CURATORS,))},
                      names={**rep.names, CURATORS: "Curators"})
    # the quote is the text's words, the grouping the curators': the quote is never credited to them
    assert re.search(rf"“{re.escape(quote)}” — the text \([^)]*; the disagreement is the curators' reading\), "
                     rf"¶{info.paragraph}", to_markdown(curated))
    assert f"“{quote}” — Curators" not in to_markdown(curated)


def test_real_requirement_resting_on_an_ambiguous_antecedent_carries_the_curators_note(real):
    """McFate's "these processes" (para. 25) may mean train-and-equip: the requirements that read it as DDR and SSR
    are the curators' reading (the necessity is McFate's, which processes it is of is theirs), with their note."""
    _, rep = real
    text = to_markdown(rep)
    for measure in ("disarmament, demobilization and reintegration", "security sector reform"):
        entry = text.split(f"**Long-term atrocity prevention needs {measure}**", 1)[1].split("\n4. ", 1)[0]
        entry = entry.split("\n5. ", 1)[0]
        assert "*Whose reading:* The curators' reading, not the text's words." in entry, entry
        assert "*Curators' note:* The antecedent of \"these processes\" is ambiguous" in entry  # said once
    plain = text.split("**Preventive capacity needs good governance**", 1)[1].split("\n", 2)[1]
    assert plain.strip() == "- *Whose reading:* The text's words."  # no note: the words alone


def test_real_objections_are_said_in_the_objectors_words_and_the_curators_grouping_is_theirs(real):
    """Para 35 doubts the ombudsman model, not that Latin American countries use it: the entry names the
    objection (the concerns), and the disagreement the brief names no question for is the curators' grouping."""
    _, rep = real
    text = to_markdown(rep)
    entry = text.split("1. **Ombudsman model**", 1)[1].split("\n## ", 1)[0]
    assert ("*Contested:* The text reports an objection: Participants remained concerned about the ombudsman "
            "model's dangers.\n     > “concerns remained among the participants") in entry
    assert re.search(r"acknowledged the dangers of this model, they believed .*” — the text \(breadth not "
                     r"stated; the disagreement is the curators' reading\), ¶35", entry)
    # the grouping is said to be the curators', and the entry's own side of it is named
    assert ("*Contested:* The curators read a disagreement here: Dangers and value of the ombudsman model. This "
            "entry rests on one side of it: Latin American countries work with ombudsmen") in entry
    assert "challenge to" not in text and "The other side." not in text


def test_real_gap_nearest_says_where_its_weakest_step_is(real):
    """The nearest untied chain of a gap is named by its weakest step, which may lie at the risk's end: the
    mix of approaches (a consensus recommendation, para 37) reaches misdirected resources only through the
    question of para 6, and is said so rather than called 'an ungrounded question'."""
    _, rep = real
    gaps = to_markdown(rep).split("## Gaps", 1)[1].split("\n## ", 1)[0]
    entry = gaps.split("**Misdirection of resources**", 1)[1].split("\n3. ", 1)[0]
    assert ("Nearest: mix of top-down and bottom-up approaches, which no passage ties to this risk (a chain whose "
            "weakest step is a question the text asks).") in entry
    assert "ungrounded" not in gaps


def test_real_entries_say_what_the_text_says_a_measure_also_raises(real):
    """Para 31's sentence that adopts the political character principle ends "which eventually favored one
    ethnic group over another": its entry says so, with the quote, beside the aim it reads; an open concern
    keeps its hedge (the ombudsman model and identity politics, para 35). The JSON carries the same steps."""
    _, rep = real
    text = to_markdown(rep)
    character = text.split("**Political character principle**", 1)[1].split("\n1. ", 1)[0].split("\n2. ", 1)[0]
    assert ("*Also in the passage:* Political character principle leads to structural inequality.\n"
            "     > “which eventually favored one ethnic group over another”") in character
    ombudsman = text.split("1. **Ombudsman model**", 1)[1].split("\n## ", 1)[0]
    assert ("*Also in the passage:* The text reports a concern that ombudsman model may strengthen identity "
            "politics.\n"
            "     > “the inherent risks of using ethnicity as a basis of political identity") in ombudsman
    # only what raises a risk or a harm: no line for what a measure builds or lowers
    for line in re.findall(r"\*Also in the passage:\* (.+)", text):
        assert re.search(r"(leads? to|strengthens?|increases? risk of|enables?)", line), line
    # only from the entry's own passages: judicial reform's clash of values (para 23) is said in the entry of
    # paras 23-24, not in those of para 2 or of Venezuela (para 28)
    assert text.count("*Also in the passage:* Justice sector reform can lead to clash") == 1
    raised = json.loads(to_json(rep))["raises"]
    assert [s["to"] for s in raised[R + "political-character-principle"]] == [R + "structural-inequality"]


def test_real_gap_quotes_carry_the_objections_to_them_but_not_another_issues(real):
    """The post-election crisis gap quotes para 32's "creating constitutional crises", which one participant
    disputes in the next sentence: the entry says so. Structural inequality's quote (para 12) is one side of the
    non-state actors question, which does not dispute it: no objection there."""
    _, rep = real
    gaps = to_markdown(rep).split("## Gaps", 1)[1].split("\n## ", 1)[0]
    crisis = gaps.split("**Post-election constitutional crisis**", 1)[1].split("**", 1)[0]
    assert ("*Contested:* The text reports an objection: Rotation is a party creation, not part of Nigeria's "
            "constitution.") in crisis and "a creation of the party system" in crisis
    inequality = gaps.split("**Structural inequality**", 1)[1].split("**", 1)[0]
    assert "reports an objection" not in inequality and "Non-state actors" not in inequality
    # the citizenship model's objections (paras 33, 36) are the curators' reading: an entry that rests on the model
    # says so, never that the text reports them
    text = to_markdown(rep)
    assert "The curators read an objection: South Africa's nonracialism should not be romanticised." in text
    assert "The text reports an objection: South Africa's nonracialism" not in text


def test_real_an_entry_names_its_case_and_each_other_position_with_its_quote(real):
    """Para 15's step rests on one participant's case and says so; the disagreement of paras 23-24 gives each
    other position in its own words, and the side the entry rests on."""
    _, rep = real
    text = to_markdown(rep)
    restrictions = text.split("### Government restrictions", 1)[1].split("\n### ", 1)[0]
    assert "   - Case: prevention routed through a development agenda." in restrictions
    assert "*Other side:* The text reports no position in it other than this entry's." in restrictions
    confidence = text.split("1. **Justice sector reform**\n   - Justice sector reform should strengthen "
                            "institutional confidence", 1)[1].split("\n1. ", 1)[0]
    assert "This entry rests on one side of it: The international community should not create hybrid" in confidence
    others = re.findall(r"\*Other side:\* (.+)\n     > “(.+?)”", confidence)
    assert [o[0] for o in others] == ["Shared ground between local and international justice norms as an entry "
                                      "point.", "A hybrid approach could pair international programmes with "
                                      "judicial integrators."]


def test_real_an_entry_with_a_curators_step_says_no_claim_states_it(real):
    """Para 31 states no link from the political character principle to ethnic division: the entry the curators
    read off it never says "one claim states it", and its breadth is of the claims it was read from; an entry
    whose steps the text states keeps "one claim states it"."""
    _, rep = real
    facts = {}
    for part in build_handout(rep).parts:
        for group in part.groups:
            for entry in group.entries:
                found = [x.text for x in entry.lines if x.label == "How the text argues it"]
                if found:
                    facts[entry.title] = found[0]
    character = next(v for k, v in facts.items() if "Political character principle" in k)
    assert "the curators read it from one claim" in character and "one claim states it" not in character
    assert ", of the claims the curators read a step from" in character
    assert any("one claim states it" in v for v in facts.values())
    # para 1's aim reaches the triggers only through the curators' reading: the section says the aim is the text's
    # and its steps may be the curators'
    aim = next(p for p in build_handout(rep).parts if p.title.startswith("Addressed only by an aim"))
    assert aim.intro.endswith("Where a step is the curators' reading, each entry says so.")


def test_real_a_joint_condition_entry_is_titled_by_what_its_routes_reach(real):
    """Para 12: space for non-state actors' norm compliance means "fewer opportunities for atrocity escalation";
    the entry under the joint condition is for the escalatory crisis, never for the will, the capacity and the
    acquiescence that para 10 says combine in it."""
    _, rep = real
    [joint] = rep.joint_conditions
    entries = [p for p in rep.pathways if p.risk == joint.iri]
    assert entries
    for p in entries:
        reached = {r.member for r in p.routes}
        for m in joint.members:
            assert (rep.label(m) in p.label) == (m in reached), (p.label, rep.label(m))
        assert p.label.endswith(", in the joint condition")
