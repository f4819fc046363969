"""The pathway report for people and programs: table rows, JSON, Turtle, and a Markdown handout.

Every renderer reads only the (already sorted) report, so output is
deterministic. The Markdown explains each pathway as numbered steps in plain
words with the quotes, attribution and consensus behind them, for trainers to
paste into a handout. Every renderer states each pathway's form: ``direct``
(the measure lowers the risk factor) or ``consequence`` (the measure lowers
something the risk factor raises).
"""

from __future__ import annotations

import json

import pyoxigraph as ox
from rdflib import Literal, URIRef

from graph.namespaces import PREFIXES, curie
from graph.pathways.model import CONSEQUENCE, DIRECT, ClaimInfo, Pathway, PathwayReport, Step
from graph.pathways.rdf import DERIVED_NS, pathway_triples

ROW_COLUMNS = ("pathway", "form", "risk", "measure", "steps", "strength", "contested", "prerequisites")
TURTLE_PREFIXES = {**PREFIXES, "r2pd": DERIVED_NS}


def pathway_rows(report: PathwayReport) -> list[dict]:
    """One row per pathway, with rdflib terms so the shared table/csv/json formatter can print it."""
    return [
        {
            "pathway": Literal(p.label),
            "form": Literal(p.form),
            "risk": URIRef(p.risk),
            "measure": URIRef(p.measure),
            "steps": Literal(len(p.steps)),
            "strength": Literal(p.strength),
            "contested": Literal(p.contested),
            "prerequisites": Literal(" ".join(curie(x) for x in p.prerequisites)),
        }
        for p in report.pathways
    ]


def _step_json(s: Step) -> dict:
    return {
        "index": s.index,
        "link": s.link,
        "from": s.source,
        "to": s.target,
        "relation": s.relation,
        "relation_label": s.relation_label,
        "polarity": s.polarity,
        "rank": s.rank,
        "contested": s.contested,
        "claims": list(s.claims),
        "cases": list(s.cases),
    }


def _claim_json(c: ClaimInfo) -> dict:
    return {
        "label": c.label,
        "statement": c.statement,
        "quotes": list(c.quotes),
        "attributed_to": list(c.agents),
        "consensus": c.consensus,
        "rank": c.rank,
        "paragraph": c.paragraph,
        "attacked_by": list(c.attacked_by),
    }


def _cited(report: PathwayReport) -> list[str]:
    """Claims the report rests on, with the claims that attack them, sorted."""
    cited = {c for p in report.pathways for c in p.claims} | {c for s in report.stages for c in s.claims}
    cited |= {a for c in list(cited) if c in report.claims for a in report.claims[c].attacked_by}
    return sorted(c for c in cited if c in report.claims)


def to_json(report: PathwayReport) -> str:
    """The whole report as JSON with full IRIs (documented field names, stable order)."""
    doc = {
        "version": report.version,
        "max_steps": report.max_steps,
        "max_pathways_per_risk": report.max_pathways_per_risk,
        "run": report.run_iri,
        "risks": list(report.risks),
        "truncated": list(report.truncated),
        "pathways": [
            {
                "iri": p.iri,
                "label": p.label,
                "form": p.form,
                "risk": p.risk,
                "measure": p.measure,
                "consequence": p.consequence or None,
                "strength": p.strength,
                "contested": p.contested,
                "prerequisites": list(p.prerequisites),
                "steps": [_step_json(s) for s in p.steps],
            }
            for p in report.pathways
        ],
        "requirements": {k: list(v) for k, v in sorted(report.requirements.items())},
        "implementation_order": [
            {
                "order": s.order,
                "members": list(s.members),
                "bundle": s.is_bundle,
                "iri": s.iri,
                "claims": list(s.claims),
            }
            for s in report.stages
        ],
        "rankings": [
            {
                "measure": r.measure,
                "pathway_count": r.pathway_count,
                "betweenness": r.betweenness,
                "iri": r.iri,
            }
            for r in report.rankings
        ],
        "labels": dict(sorted(report.labels.items())),
        "claims": {c: _claim_json(report.claims[c]) for c in _cited(report)},
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)


def to_turtle(report: PathwayReport) -> str:
    """The report's derived-layer triples as Turtle (what write_pathways adds to the store).

    Only the prefixes in use are declared, in sorted order, so the text does not
    depend on the serializer's internal ordering.
    """
    triples = pathway_triples(report)
    terms = [t for tr in triples for t in (tr.subject, tr.predicate, tr.object)]
    iris = {t.value for t in terms if isinstance(t, ox.NamedNode)}
    iris |= {tr.object.datatype.value for tr in triples if isinstance(tr.object, ox.Literal)}
    used = {p: ns for p, ns in TURTLE_PREFIXES.items() if any(i.startswith(ns) for i in iris)}
    text = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=used).decode()
    lines = text.splitlines()
    header = sorted(line for line in lines if line.startswith("@prefix "))
    body = [line for line in lines if not line.startswith("@prefix ")]
    return "\n".join([*header, "", *body]) + "\n"


# --- Markdown -----------------------------------------------------------------
def _consensus_names(report: PathwayReport) -> dict[int, str]:
    names: dict[int, str] = {}
    for c in sorted(report.claims.values(), key=lambda c: (c.rank, c.consensus)):
        if c.consensus:
            names.setdefault(c.rank, c.consensus)
    return names


def _strength(rank: int, names: dict[int, str]) -> str:
    if rank == 0:
        return "no ranked claim"
    return f"{names[rank]} (rank {rank})" if rank in names else f"rank {rank}"


def _sentence(report: PathwayReport, s: Step) -> str:
    source, target = report.label(s.source), report.label(s.target)
    return f"**{source[:1].upper()}{source[1:]}** {s.relation_label or curie(s.relation)} **{target}**."


def _listed(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def _effect(subject: str, verb: str, obj: str, through: list[str]) -> str:
    return f"{subject} {verb} {obj}" + (f" through {_listed(through)}" if through else "")


def _gist(report: PathwayReport, p: Pathway) -> str:
    """The pathway in one plain sentence, e.g. "Group grievance raises the risk of mass atrocities;
    inclusive politics may mitigate mass atrocities."."""
    walk = [report.label(n) for n in p.nodes]  # the measure first, the risk factor last
    turn = len(p.measure_steps)  # walk[turn] is the node the measure lowers
    lowers = _effect(walk[0], "may mitigate", walk[turn], walk[1:turn])
    if p.form == DIRECT:
        text = lowers
    else:
        raised = walk[turn:][::-1]  # the risk factor first, the consequence last
        text = _effect(raised[0], "raises the risk of", raised[-1], raised[1:-1]) + "; " + lowers
    return text[:1].upper() + text[1:] + "."


FORM_NAMES = {DIRECT: "Direct", CONSEQUENCE: "Counters a consequence"}


def _claim_lines(report: PathwayReport, iri: str) -> list[str]:
    c = report.claims.get(iri)
    if c is None:
        return [f"   - {curie(iri)}"]
    who = ", ".join(c.agents) or "unattributed"
    where = f", paragraph {c.paragraph}" if c.paragraph is not None else ""
    how = f" ({c.consensus})" if c.consensus else ""
    quotes = " … ".join(f"“{q}”" for q in c.quotes) or f"{c.label} (no quote recorded)"
    lines = [f"   - {quotes} — {who}{how}{where}. [{curie(iri)}]"]
    for attacker in c.attacked_by:
        a = report.claims.get(attacker)
        text = curie(attacker)
        if a is not None:
            by = ", ".join([", ".join(a.agents) or "unattributed", *([a.consensus] if a.consensus else [])])
            quote = f": “{a.quotes[0]}”" if a.quotes else ""
            text = f"{a.label} ({by}){quote}"
        lines.append(f"     - *Contested:* {text} [{curie(attacker)}]")
    return lines


def _pathway_md(report: PathwayReport, number: int, p: Pathway, names: dict[int, str]) -> list[str]:
    lines = [f"### {number}. {p.label}", "", f"*{FORM_NAMES[p.form]}:* {_gist(report, p)}", ""]
    lines.append(
        f"Weakest support: {_strength(p.strength, names)}. Contested: {'yes' if p.contested else 'no'}."
    )
    if p.prerequisites:
        lines.append(
            f"Before {report.label(p.measure)} can work, it needs: "
            + ", ".join(report.label(x) for x in p.prerequisites)
            + "."
        )
    lines.append("")
    for s in p.steps:
        lines.append(f"{s.index}. {_sentence(report, s)}")
        for claim in s.claims:
            lines.extend(_claim_lines(report, claim))
        for case in s.cases:
            lines.append(f"   - Case: {report.label(case)}")
    lines.append("")
    return lines


def to_markdown(report: PathwayReport) -> str:
    """A handout: per risk factor, each pathway as numbered plain-language steps with quotes."""
    names = _consensus_names(report)
    lines = [
        "# Prevention pathways",
        "",
        f"Derived by r2pkg {report.version} from the graph's causal links: chains of at most "
        f"{report.max_steps} steps. A *direct* pathway runs from a prevention measure to a risk factor, "
        "where the effects multiply out to lowering the risk. A pathway that *counters a consequence* "
        "joins two chains at a third node: the risk factor raises it (the effects multiply out to "
        "raising it) and the measure lowers it; its steps run from the measure to that node, then "
        "back along the links by which the risk factor raises it. Each step cites the claims behind it. "
        "*Weakest support* is the lowest consensus level among the steps; *contested* means a claim "
        "behind a step is challenged in the source.",
        "",
    ]
    by_risk: dict[str, list[Pathway]] = {r: [] for r in report.risks}
    for p in report.pathways:
        by_risk.setdefault(p.risk, []).append(p)
    unreached = [r for r, ps in by_risk.items() if not ps]
    for risk, pathways in by_risk.items():
        if not pathways:
            continue
        title = report.label(risk)
        via = sum(p.form == CONSEQUENCE for p in pathways)
        count = f"{len(pathways)} pathway(s)"
        if via:
            count += f" ({len(pathways) - via} direct, {via} countering a consequence)"
        lines += [f"## {title[:1].upper()}{title[1:]}", "", f"{curie(risk)}: {count}.", ""]
        if risk in report.truncated:
            lines += [f"(Only the first {report.max_pathways_per_risk} pathways of each form are listed.)", ""]
        for i, p in enumerate(pathways, start=1):
            lines += _pathway_md(report, i, p, names)
    if unreached:
        lines += [
            "## Risk factors no measure reaches",
            "",
            *(f"- {report.label(r)} ({curie(r)})" for r in unreached),
            "",
        ]
    if report.requirements:
        lines += ["## What each measure needs first", ""]
        lines += [
            f"- **{report.label(n)}** needs " + ", ".join(report.label(x) for x in reqs) + "."
            for n, reqs in sorted(report.requirements.items())
        ]
        lines.append("")
    if report.stages:
        lines += ["## Implementation order", "", "Start at the top; co-requisites are listed together.", ""]
        for s in report.stages:
            together = " (co-requisites: advance together)" if s.is_bundle else ""
            lines.append(f"{s.order}. " + " + ".join(report.label(m) for m in s.members) + together)
        lines.append("")
    keystones = [r for r in report.rankings if r.pathway_count]
    if keystones:
        lines += ["## Keystone measures", "", "| measure | pathways through it | betweenness |"]
        lines.append("|---|---|---|")
        for r in keystones:
            lines.append(f"| {report.label(r.measure)} | {r.pathway_count} | {r.betweenness:.3f} |")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
