"""The pathway report for programs: table rows, JSON and Turtle (the Markdown handout is handout.py).

Every renderer reads only the (already sorted) report, so output is
deterministic. The JSON field names are documented in docs/PATHWAYS.md.
"""

from __future__ import annotations

import json

import pyoxigraph as ox
from rdflib import Literal, URIRef

from graph.namespaces import PREFIXES, curie
from graph.pathways.handout import to_markdown
from graph.pathways.model import Contest, Pathway, PathwayReport, Route, Step, Tie
from graph.pathways.report_rdf import DERIVED_NS, contest_objects, pathway_triples, route_modality
from graph.readmodel import Claim

__all__ = ["ROW_COLUMNS", "pathway_rows", "row_columns", "to_json", "to_markdown", "to_turtle"]

ROW_COLUMNS = (
    "pathway", "form", "risk", "measure", "with", "routes", "steps", "strength", "modality", "specificity",
    "grounding", "contested", "issue", "prerequisites",
)
TURTLE_PREFIXES = {**PREFIXES, "r2pd": DERIVED_NS}


def _documents(report: PathwayReport, p: Pathway) -> str:
    """The short titles of the documents whose claims an entry rests on."""
    return "; ".join(sorted({report.document(report.claims[c]) for c in p.claims if c in report.claims} - {""}))


def row_columns(report: PathwayReport) -> tuple[str, ...]:
    """The table's columns: ROW_COLUMNS, and ``documents`` when the report's claims come from several."""
    documents = {report.document(c) for c in report.claims.values()} - {""}
    return (*ROW_COLUMNS, "documents") if len(documents) > 1 else ROW_COLUMNS


def pathway_rows(report: PathwayReport) -> list[dict]:
    """One row per entry (risk unit and measure), with rdflib terms for the shared table/csv/json formatter.

    Entries of risks only a hypothetical or a question addresses follow (their grounding says so), then
    the inferred list (only derived with include_inferred), its grounding column saying "inferred".
    ``with`` names the other measures one passage argues for in the same words; ``issue`` the disputed
    questions and attacking claims the entry rests on; ``modality`` the RDF's name of its weakest link.
    """
    entries = [(p, p.grounding) for p in report.pathways]
    entries += [(p, "only hypothetically") for p in report.hypothetical_only]
    entries += [(p, "aim only") for p in report.aim_only]
    entries += [(p, "inferred") for p in report.inferred]
    return [
        {
            "pathway": Literal(p.lead.label),
            "form": Literal(p.form),
            "risk": URIRef(p.risk),
            "measure": URIRef(p.measure),
            "with": Literal(" ".join(curie(x) for x in p.also)),
            "routes": Literal(len(p.routes)),
            "steps": Literal(len(p.steps)),
            "strength": Literal(p.strength),
            "modality": Literal(modality_name(report, p.lead)),
            "specificity": Literal(f"{p.specificity:.2f}"),
            "grounding": Literal(grounding),
            "contested": Literal(p.contested),
            "issue": Literal(" ".join(curie(x) for x in contest_objects(p.contests))),
            "prerequisites": Literal(" ".join(curie(x) for x in p.prerequisites)),
            "documents": Literal(_documents(report, p)),
        }
        for p, grounding in entries
    ]


def modality_name(report: PathwayReport, r: Route) -> str:
    """The route's weakest modality as the ontology names it (its label: Possible, Normative...)."""
    iri = route_modality(r)
    return report.modality_labels.get(iri) or iri.rsplit("#", 1)[-1]


def _step_json(s: Step, report: PathwayReport) -> dict:
    return {
        "index": s.index,
        "links": list(s.links),
        "from": s.source,
        "to": s.target,
        "relation": s.relation,
        "relation_label": s.relation_label,
        "polarity": s.polarity,
        "rank": s.rank,
        "modality": " / ".join(report.modality_labels.get(m) or m.rsplit("#", 1)[-1] for m in s.modalities),
        "modalities": list(s.modalities),
        "curators_reading": s.curators,
        "contested": s.contested,
        "claims": list(s.claims),
        "cases": list(s.cases),
    }


def _tie_json(t: Tie) -> dict:
    return {"after_step": t.after, "kind": t.kind, "evidence": list(t.evidence)}


def _contest_json(c: Contest, report: PathwayReport) -> dict:
    info = report.issues.get(c.issue)
    issue = {"iri": c.issue, "label": info.label if info else "", "quotes": [q.exact for q in info.quotes] if info
             else []} if c.issue else None
    return {"kind": c.kind, "claims": list(c.claims), "by": list(c.by), "issue": issue,
            "attacker_in_pathway": c.inside}


def _route_json(r: Route, report: PathwayReport) -> dict:
    return {
        "iri": r.iri,
        "label": r.label,
        "form": r.form,
        "member": r.member,
        "meeting_point": r.meeting,
        "grounding": r.grounding,
        "ties": [_tie_json(t) for t in r.ties],
        "strength": r.strength,
        "modality": modality_name(report, r),
        "hypothetical": r.hypothetical,
        "participants": r.participants,
        "speakers": list(r.speakers),
        "specificity": r.specificity,
        "contested": r.contested,
        "contests": [_contest_json(c, report) for c in r.contests],
        "steps": [_step_json(s, report) for s in r.steps],
    }


def _entry_json(p: Pathway, report: PathwayReport) -> dict:
    return {
        "iri": p.iri,
        "label": p.label,
        "risk": p.risk,
        "measure": p.measure,
        "also": list(p.also),
        "form": p.form,
        "meeting_point": p.meeting,
        "strength": p.strength,
        "modality": modality_name(report, p.lead),
        "specificity": p.specificity,
        "grounding": p.grounding,
        "hypothetical": p.hypothetical,
        "contested": p.contested,
        "contests": [_contest_json(c, report) for c in p.contests],
        "prerequisites": list(p.prerequisites),
        "routes": [_route_json(r, report) for r in p.routes],
    }


def _claim_json(c: Claim, report: PathwayReport) -> dict:
    return {
        "label": c.label,
        "statement": c.statement,
        "quotes": [q.exact for q in c.quotes],
        "attributed_to": list(report.agents(c)),
        "consensus": report.consensus(c),
        "rank": c.breadth,
        "speaker_role": report.speaker(c),
        "paragraph": c.paragraph,
        "section": c.section or None,
        "document": report.document(c) or None,
        "attacked_by": list(report.attackers.get(c.iri, ())),
    }


def to_json(report: PathwayReport) -> str:
    """The whole report as JSON with full IRIs (documented field names, stable order)."""
    doc = {
        "version": report.version,
        "max_steps": report.max_steps,
        "max_pathways_per_risk": report.max_pathways_per_risk,
        "include_hypothetical": report.include_hypothetical,
        "include_inferred": report.include_inferred,
        "run": report.run_iri,
        "risks": list(report.risks),
        "units": list(report.units),
        "joint_conditions": [
            {"iri": j.iri, "label": j.label, "members": list(j.members), "claims": list(j.claims)}
            for j in report.joint_conditions
        ],
        "generic": list(report.generic),
        "truncated": list(report.truncated),
        "pathways": [_entry_json(p, report) for p in report.pathways],
        "only_hypothetically_addressed": [_entry_json(p, report) for p in report.hypothetical_only],
        "addressed_by_an_aim_only": [_entry_json(p, report) for p in report.aim_only],
        "inferred": [_entry_json(p, report) for p in report.inferred],
        "gaps": [
            {"risk": g.risk, "members": list(g.members), "claims": list(g.claims), "inferred": g.inferred,
             "lacks": list(g.lacks),
             "nearest": [{"kind": k, "measure": m, "claims": list(cs)} for k, m, cs in g.nearest]}
            for g in report.gaps
        ],
        # The curators read each risk as the absence of `opposite` (r2p:absenceOf); the text supports the opposite
        # by the links of `steps` (it acts through them, or they build it).
        "supported_opposites": [
            {"risk": o.risk, "opposite": o.opposite, "claims": list(o.claims), "reading": "curators",
             "steps": [{"links": list(s.links), "from": s.source, "to": s.target, "relation": s.relation,
                        "modalities": list(s.modalities), "claims": list(s.claims)} for s in o.steps]}
            for o in report.supported_opposites
        ],
        "raises": {m: [{"links": list(s.links), "from": s.source, "to": s.target, "relation": s.relation,
                        "modalities": list(s.modalities), "claims": list(s.claims)} for s in steps]
                   for m, steps in report.raises.items()},
        "issues": {i: {"label": info.label, "quotes": [q.exact for q in info.quotes]}
                   for i, info in report.issues.items()},
        "requirements": {k: list(v) for k, v in sorted(report.requirements.items())},
        "requirement_links": [
            {
                "iri": r.iri,
                "dependent": r.dependent,
                "prerequisite": r.prerequisite,
                "claims": list(r.claims),
                "cases": list(r.cases),
                "modality": r.modality,
                "inferred_by_curators": r.inferred_by_curators,
            }
            for r in report.requirement_links
        ],
        "implementation_order": [
            {
                "order": s.order,
                "members": list(s.members),
                "bundle": s.is_bundle,
                "iri": s.iri,
                "claims": list(s.claims),
                "cases": list(s.cases),
            }
            for s in report.stages
        ],
        "rankings": [
            {"measure": r.measure, "pathway_count": r.pathway_count, "betweenness": r.betweenness, "iri": r.iri}
            for r in report.rankings
        ],
        "labels": dict(sorted(report.labels.items())),
        "claims": {c: _claim_json(report.claims[c], report) for c in report.cited_claims()},
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
    text = (ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=used) or b"").decode()
    lines = text.splitlines()
    header = sorted(line for line in lines if line.startswith("@prefix "))
    body = [line for line in lines if not line.startswith("@prefix ")]
    return "\n".join([*header, "", *body]) + "\n"
