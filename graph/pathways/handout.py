"""The pathway report as a Markdown handout that a trainer prints.

One section per risk factor (or joint condition) that has grounded measures:
each measure in one plain sentence, with one verbatim quote, who said it and
how widely, how the text ties the argument together, any disagreement and
what the measure needs first. Then the gaps (risks the brief names but gives
no grounded measure for, each with a quote), then the requirements and
co-requisite bundles with their cases, then the implementation order. The
inferred list, when asked for, comes last and says plainly what it is.
"""

from __future__ import annotations

from graph.namespaces import curie
from graph.pathways.model import (
    CASE,
    CLAIM,
    DIRECT,
    PARAGRAPH,
    QUALIFIED,
    SECTION,
    SUPPORT,
    ClaimInfo,
    Contest,
    Pathway,
    PathwayReport,
    Route,
    Step,
)

GROUNDING_WORDS = {
    CLAIM: "one claim states it",
    PARAGRAPH: "its claims stand in the same paragraph",
    SUPPORT: "its claims are joined by a chain of support",
    CASE: "its claims share a case",
    SECTION: "its claims stand in the same section",
}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _is_title(quote: str) -> bool:
    return quote.startswith("*") and quote.endswith("*")  # a paper's title, italic in the source


def _best_claim(report: PathwayReport, claims: tuple[str, ...]) -> ClaimInfo | None:
    """The claim to quote: widest stated breadth, then the participants' words, then a sentence rather than
    a paper's title, then first in the brief."""
    known = [report.claims[c] for c in claims if c in report.claims and report.claims[c].quotes]
    if not known:
        return None
    return min(known, key=lambda c: (-c.rank, not c.speaker_role.endswith("ParticipantRole"), _is_title(c.quotes[0]),
                                     c.paragraph if c.paragraph is not None else 10**6, c.iri))


def _who(c: ClaimInfo) -> str:
    who = ", ".join(c.agents) or "unattributed"
    how = c.consensus if c.breadth_stated else f"{c.speaker.lower() or 'speaker'}; breadth not stated"
    where = f", ¶{c.paragraph}" if c.paragraph is not None else ""
    return f"{who} ({how}){where}"


def _quote_line(report: PathwayReport, claims: tuple[str, ...], indent: str = "   ") -> list[str]:
    c = _best_claim(report, claims)
    if c is None:
        return []
    return [f"{indent}> “{c.quotes[0]}” — {_who(c)}"]


def _chain(report: PathwayReport, steps: tuple[Step, ...]) -> str:
    """Steps in causal order as one phrase: "a strengthens b, which mitigates c"."""
    text = f"{report.label(steps[0].source)} {steps[0].relation_label} {report.label(steps[0].target)}"
    for s in steps[1:]:
        text += f", which {s.relation_label} {report.label(s.target)}"
    return text


def gist(report: PathwayReport, r: Route) -> str:
    """The route in one plain sentence: what the measure does, then (if any) what the risk does."""
    text = _chain(report, r.measure_steps)
    if r.risk_steps:
        text += "; " + _chain(report, tuple(reversed(r.risk_steps)))
    return _cap(text) + "."


def _contest_words(report: PathwayReport, c: Contest) -> str:
    if c.kind == "issue":
        return (f"rests on two positions of the disputed question “{report.issues.get(c.issue, curie(c.issue))}”"
                f" ({', '.join(curie(x) for x in c.claims)})")
    by = []
    for a in c.by:
        info = report.claims.get(a)
        by.append(f"{info.label} ({', '.join(info.agents) or 'unattributed'})" if info else curie(a))
    target = report.claims.get(c.claims[0])
    what = target.label if target else curie(c.claims[0])
    inside = " — and this pathway rests on that objection too" if c.inside else ""
    return f"“{what}” is challenged: {'; '.join(by)}{inside}"


VOICES = {"RapporteurRole": "the rapporteur's own framing", "CommissionedAuthorRole": "a commissioned paper"}


def _strength_words(r: Route, report: PathwayReport) -> str:
    levels = [report.claims[c] for s in r.steps for c in s.claims if c in report.claims]
    stated = sorted(c.consensus.lower() for c in levels if c.breadth_stated and c.rank == r.strength)
    words = f"support: {stated[0]}" if stated else "support: breadth not stated"
    if not r.participants:
        roles = sorted({VOICES.get(c.speaker_role.rsplit("#", 1)[-1], "") for c in levels} - {""})
        some = any(c.speaker_role.endswith("ParticipantRole") for c in levels)
        words += f" ({'in part ' if some else ''}{' and '.join(roles)})" if roles else ""
    if r.modality == QUALIFIED:
        words += "; stated as possible or recommended, not as established"
    elif r.modality > QUALIFIED:
        words += "; **hypothetical or questioned in the brief**"
    return words


def _entry(report: PathwayReport, n: int, p: Pathway) -> list[str]:
    r = p.lead
    form = "direct" if r.form == DIRECT else "restores what the risk erodes"
    lines = [f"{n}. **{_cap(report.label(p.measure))}** ({form}). {gist(report, r)}"]
    lines += _quote_line(report, r.steps[0].claims)
    facts = [_strength_words(r, report), f"tied: {GROUNDING_WORDS[r.grounding]}" if r.grounding else "not tied"]
    if r.meeting != r.member:
        facts.append(f"meets at {report.label(r.meeting)} (specificity {r.specificity:.2f})")
    lines.append("   - " + "; ".join(facts) + ".")
    for c in p.contests:
        lines.append(f"   - *Contested:* {_contest_words(report, c)}.")
    if p.prerequisites:
        lines.append("   - *Needs first:* " + ", ".join(report.label(x) for x in p.prerequisites) + ".")
    if len(p.routes) > 1:
        lines.append(f"   - Also argued through {len(p.routes) - 1} other route(s): "
                     + "; ".join(x.label for x in p.routes[1:3]) + ("; …" if len(p.routes) > 3 else "") + ".")
    return lines


def _unit_title(report: PathwayReport, unit: str) -> str:
    for j in report.joint_conditions:
        if j.iri == unit:
            return "Joint condition: " + j.label
    return _cap(report.label(unit))


def to_markdown(report: PathwayReport) -> str:
    """A handout: per risk factor or joint condition, its measures with one quote each; gaps; requirements."""
    hyp = " Hypothetical and questioned links are included and marked." if report.include_hypothetical else \
        " Links the brief states only as hypothetical or as a question are left out."
    lines = [
        "# Prevention pathways: what the brief says addresses each risk",
        "",
        f"From {report.source or 'the source documents'}. "  # the title comes from the data (graph.documents)
        f"Derived by r2pkg {report.version}, chains of at most {report.max_steps} links.",
        "",
        "Each entry is an argument the brief makes: a measure lowers the risk, or something specific to that "
        "risk (*direct*), or builds what the risk erodes, such as resilience or trust (*restores*). The two "
        "halves are tied by the text: one claim, the same paragraph or section, a shared case, or a chain of "
        "support. End harms that most risks lead to ("
        + (", ".join(report.label(g) for g in report.generic) or "none here")
        + ") never count as the meeting point. The quote is verbatim; *weakest support* is the narrowest "
        "breadth of agreement the brief states for its links (the rapporteur's own framing and the commissioned papers "
        "state none); *contested* names who disagrees." + hyp,
        "",
    ]
    by_unit: dict[str, list[Pathway]] = {}
    for p in report.pathways:
        by_unit.setdefault(p.risk, []).append(p)
    order = sorted(by_unit, key=lambda u: (_unit_title(report, u).lower(), u))
    for unit in order:
        entries = by_unit[unit]
        lines += [f"## {_unit_title(report, unit)}", ""]
        members = report.members(unit)
        if len(members) > 1:
            lines += ["Members: " + ", ".join(report.label(m) for m in members) + ".", ""]
        for i, p in enumerate(entries, start=1):
            lines += _entry(report, i, p)
        lines.append("")
    if report.gaps:
        lines += [
            "## Gaps: risks the brief names with no grounded measure",
            "",
            "The brief discusses these, but ties no measure to them in its text.",
            "",
        ]
        for g in sorted(report.gaps, key=lambda g: _unit_title(report, g.risk).lower()):
            line = f"- **{_unit_title(report, g.risk)}**"
            c = _best_claim(report, g.claims)
            if c is not None:
                line += f" — “{c.quotes[0]}” ({_who(c)})"
            if g.inferred:
                line += f". {g.inferred} pairing(s) the text does not tie" + (
                    " are listed under *Inferred*." if report.include_inferred else " (see `--include-inferred`)."
                )
            lines.append(line)
        lines.append("")
    if report.requirement_links:
        lines += ["## What measures need first, and what must advance together", ""]
        for r in report.requirement_links:
            who = "the curators' reading, not the brief's words" if r.inferred_by_curators else "the brief"
            line = f"- **{_cap(report.label(r.dependent))}** needs **{report.label(r.prerequisite)}** ({who})."
            lines.append(line)
            lines += _quote_line(report, r.claims, indent="  ")
            for case in r.cases:
                lines.append(f"  - Case: {report.label(case)}.")
        lines.append("")
        inferred = {r.iri for r in report.requirement_links if r.inferred_by_curators}
        for b in report.bundles:
            reading = " It rests in part on the curators' reading." if inferred & set(b.requirements) else ""
            lines.append(
                "**Co-requisite bundle:** " + " + ".join(report.label(m) for m in b.members)
                + " must advance together"
                + (" (case: " + ", ".join(report.label(c) for c in b.cases) + ")" if b.cases else "")
                + "." + reading
            )
        if report.bundles:
            lines.append("")
    staged = [s for s in report.stages if s.is_bundle or report.requirements.get(s.members[0])]
    if staged:
        lines += ["Order of work (each item after what it needs): "
                  + "; ".join(" + ".join(report.label(m) for m in s.members) for s in report.stages) + ".", ""]
    if report.inferred:
        lines += [
            "## Inferred: pairings the text does not tie",
            "",
            "Not arguments of the brief: a risk and a measure meet in the causal graph, but no paragraph, "
            "section, case or support chain ties the two halves. Not written to the graph as pathways.",
            "",
        ]
        for p in report.inferred:
            lines.append(f"- {_unit_title(report, p.risk)} ← {report.label(p.measure)}: {gist(report, p.lead)}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
