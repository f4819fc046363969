"""Write the pathway report back as RDF in the derived layer, so SPARQL sees it like the rest.

IRIs are built from slugs and content hashes, and the run records the
software version and options but no timestamp: the same input gives the same
triples. Only grounded entries are written: the inferred list (pairings the
text does not tie) never becomes an ``r2p:Pathway``.

Shape (terms marked * were added with the pathway definition, see docs/PATHWAYS.md):

- ``r2p:Pathway`` (one per risk unit and measure): ``r2p:startsFrom`` the risk
  factor or the joint condition, ``r2p:addressedBy`` the measure,
  ``r2p:pathwayForm`` (r2p:DirectPathway or r2p:RestoresPathway*) and
  ``r2p:meetingPoint``* of its lead route, ``r2p:strength``,
  ``r2p:specificity``*, ``r2p:grounding``* (r2p:GroundedInOneClaim*,
  r2p:GroundedInParagraph*, r2p:GroundedBySupportChain*, r2p:GroundedByCase*,
  r2p:GroundedInSection*), ``r2p:modality`` (the weakest of its lead route),
  ``r2p:contested`` and ``r2p:contestedBy``* (the attacking claims, or the
  issue whose positions it rests on), ``r2p:prerequisite``, ``r2p:hasStep``
  (its lead route's steps), ``r2p:hasRoute``* (every route),
  ``prov:wasDerivedFrom`` its claims, ``prov:wasGeneratedBy`` the run.
- ``r2p:PathwayRoute``*: form, meeting point, grounding, strength, contested, steps.
- ``r2p:PathwayStep``: ``r2p:stepIndex``, ``r2p:viaLink`` (every causal link of
  the step), ``r2p:stepFrom``/``r2p:stepTo`` in the link's own direction.
- ``r2p:JointCondition``*: ``r2p:member`` each risk factor it joins.
- ``r2p:CoRequisiteBundle`` (members, order, ``r2p:caseExample`` its cases) and
  ``r2p:MeasureRanking`` as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox

from graph.namespaces import PREFIXES
from graph.pathways.derive_report import DEFAULT_MAX_STEPS, DERIVED_BASE, derive_pathways
from graph.pathways.model import (
    ASSERTED,
    CLAIM,
    HYPOTHETICAL,
    QUALIFIED,
    Contest,
    PathwayReport,
    Route,
)
from graph.readmodel import FORM_CONCEPTS, GROUNDING_CONCEPTS, modality_level

if TYPE_CHECKING:
    from graph.store import KnowledgeGraph

DERIVED_NS = DERIVED_BASE
_R2P = PREFIXES["r2p"]
_XSD = PREFIXES["xsd"]
_A = ox.NamedNode(PREFIXES["rdf"] + "type")
_LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")
_DERIVED_FROM = ox.NamedNode(PREFIXES["prov"] + "wasDerivedFrom")
_GENERATED_BY = ox.NamedNode(PREFIXES["prov"] + "wasGeneratedBy")
# The concepts of the ontology's pathway-form and grounding schemes: the read model's (graph.readmodel).
# The weakest modality of a route, as a concept of r2p:ModalityScheme.
MODALITY_CONCEPTS = {ASSERTED: "Asserted", QUALIFIED: "Possible", HYPOTHETICAL: "Hypothetical"}


def _r2p(name: str) -> ox.NamedNode:
    return ox.NamedNode(_R2P + name)


def _typed(value: object, datatype: str) -> ox.Literal:
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return ox.Literal(text, datatype=ox.NamedNode(_XSD + datatype))


def _en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def route_modality(r: Route) -> str:
    """The concept for a route's weakest step: its own link modality when one link decides it."""
    weakest = [m for s in r.steps if s.modality == r.modality for m in s.modalities]
    exact = sorted({m for m in weakest if modality_level(m) == r.modality})
    return exact[0] if exact else _R2P + MODALITY_CONCEPTS[r.modality]


def contest_objects(contests: tuple[Contest, ...]) -> list[str]:
    out: set[str] = set()
    for c in contests:
        if c.kind == "attack":
            out.update(c.by)
        elif c.issue:
            out.add(c.issue)
    return sorted(out)


def pathway_triples(report: PathwayReport) -> list[ox.Triple]:
    """The report as triples: the run, joint conditions, pathways with routes and steps, bundles, rankings."""
    run = ox.NamedNode(report.run_iri)
    out: list[ox.Triple] = []

    def add(s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> None:
        out.append(ox.Triple(s, p, o))

    options = f"at most {report.max_steps} steps"
    if report.include_hypothetical:
        options += ", hypothetical and questioned links included"
    add(run, _A, _r2p("DerivationRun"))
    add(run, _LABEL, _en(f"r2pkg pathway derivation ({options})"))
    add(run, _r2p("softwareVersion"), ox.Literal(report.version))

    for j in report.joint_conditions:
        node = ox.NamedNode(j.iri)
        add(node, _A, _r2p("JointCondition"))
        add(node, _LABEL, _en(j.label))
        for m in j.members:
            add(node, _r2p("member"), ox.NamedNode(m))
        for claim in j.claims:
            add(node, _DERIVED_FROM, ox.NamedNode(claim))
        add(node, _GENERATED_BY, run)

    written_steps: set[str] = set()
    # Entries of risks only a hypothetical or a question addresses are written too, with that modality, so the
    # graph's gaps (no r2p:Pathway starts from them) are the report's.
    for p in (*report.pathways, *report.hypothetical_only, *report.aim_only):
        node = ox.NamedNode(p.iri)
        lead = p.lead
        add(node, _A, _r2p("Pathway"))
        add(node, _LABEL, _en(p.label))
        add(node, _r2p("startsFrom"), ox.NamedNode(p.risk))
        # r2p:addressedBy is functional: the first measure; the others of one passage are in the label and
        # in the routes (each route's first step starts from its measure).
        add(node, _r2p("addressedBy"), ox.NamedNode(p.measure))
        add(node, _r2p("pathwayForm"), _r2p(FORM_CONCEPTS[lead.form]))
        add(node, _r2p("meetingPoint"), ox.NamedNode(lead.meeting))
        add(node, _r2p("strength"), _typed(p.strength, "integer"))
        add(node, _r2p("specificity"), _typed(f"{p.specificity:.6f}", "decimal"))
        add(node, _r2p("grounding"), _r2p(GROUNDING_CONCEPTS[lead.grounding or CLAIM]))
        add(node, _r2p("modality"), ox.NamedNode(route_modality(lead)))
        add(node, _r2p("contested"), _typed(p.contested, "boolean"))
        for by in contest_objects(p.contests):
            add(node, _r2p("contestedBy"), ox.NamedNode(by))
        for pre in p.prerequisites:
            add(node, _r2p("prerequisite"), ox.NamedNode(pre))
        for claim in p.claims:
            add(node, _DERIVED_FROM, ox.NamedNode(claim))
        add(node, _GENERATED_BY, run)
        for s in lead.steps:
            add(node, _r2p("hasStep"), ox.NamedNode(f"{lead.iri}-step-{s.index}"))
        for r in p.routes:
            route = ox.NamedNode(r.iri)
            add(node, _r2p("hasRoute"), route)
            add(route, _A, _r2p("PathwayRoute"))
            add(route, _LABEL, _en(r.label))
            add(route, _r2p("pathwayForm"), _r2p(FORM_CONCEPTS[r.form]))
            add(route, _r2p("meetingPoint"), ox.NamedNode(r.meeting))
            add(route, _r2p("grounding"), _r2p(GROUNDING_CONCEPTS[r.grounding or CLAIM]))
            add(route, _r2p("strength"), _typed(r.strength, "integer"))
            add(route, _r2p("contested"), _typed(r.contested, "boolean"))
            for claim in r.claims:
                add(route, _DERIVED_FROM, ox.NamedNode(claim))
            add(route, _GENERATED_BY, run)
            for s in r.steps:
                step = ox.NamedNode(f"{r.iri}-step-{s.index}")
                add(route, _r2p("hasStep"), step)
                if step.value in written_steps:
                    continue
                written_steps.add(step.value)
                add(step, _A, _r2p("PathwayStep"))
                add(step, _LABEL, _en(f"{report.label(s.source)} {s.relation_label} {report.label(s.target)}"))
                add(step, _r2p("stepIndex"), _typed(s.index, "positiveInteger"))
                for link in s.links:
                    add(step, _r2p("viaLink"), ox.NamedNode(link))
                add(step, _r2p("stepFrom"), ox.NamedNode(s.source))
                add(step, _r2p("stepTo"), ox.NamedNode(s.target))
                add(step, _r2p("contested"), _typed(s.contested, "boolean"))
                for claim in s.claims:
                    add(step, _DERIVED_FROM, ox.NamedNode(claim))
                add(step, _GENERATED_BY, run)

    # Only components of two or more members are co-requisite bundles (the ontology's definition);
    # their implementationOrder is their place among all components of the condensation.
    for b in report.bundles:
        node = ox.NamedNode(b.iri)
        add(node, _A, _r2p("CoRequisiteBundle"))
        add(node, _LABEL, _en("co-requisite bundle: " + " + ".join(report.label(m) for m in b.members)))
        for m in b.members:
            add(node, _r2p("member"), ox.NamedNode(m))
        add(node, _r2p("implementationOrder"), _typed(b.order, "positiveInteger"))
        for case in b.cases:
            add(node, _r2p("caseExample"), ox.NamedNode(case))
        for claim in b.claims:
            add(node, _DERIVED_FROM, ox.NamedNode(claim))
        add(node, _GENERATED_BY, run)

    for k in report.rankings:
        node = ox.NamedNode(k.iri)
        add(node, _A, _r2p("MeasureRanking"))
        add(node, _LABEL, _en(f"ranking of {report.label(k.measure)}"))
        add(node, _r2p("rankedMeasure"), ox.NamedNode(k.measure))
        add(node, _r2p("pathwayCount"), _typed(k.pathway_count, "integer"))
        add(node, _r2p("betweenness"), _typed(f"{k.betweenness:.6f}", "decimal"))
        for pathway in k.pathways:
            add(node, _DERIVED_FROM, ox.NamedNode(pathway))
        add(node, _GENERATED_BY, run)
    return out


def write_pathways(kg: KnowledgeGraph, max_steps: int = DEFAULT_MAX_STEPS, **options) -> int:
    """Derive a loaded graph's pathway report and add it to the derived layer; returns the triple count."""
    return kg.add_derived(pathway_triples(derive_pathways(kg, max_steps, cite=False, **options)))
