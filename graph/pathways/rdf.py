"""Write the pathway report back as RDF in the derived layer, so SPARQL sees it like the rest.

IRIs are built from slugs and content hashes (see derivation.py), and the run
records the software version but no timestamp: the same input gives the same
triples. Pathways, steps, bundles and rankings are ``prov:wasDerivedFrom`` the
claims (rankings: the pathways) they rest on and ``prov:wasGeneratedBy`` the run.

Each pathway names its form (``r2p:pathwayForm`` r2p:DirectPathway or
r2p:ConsequencePathway) and, for the second, the consequence it counters
(``r2p:viaConsequence``).
Steps keep their link's own direction in ``r2p:stepFrom``/``r2p:stepTo``: in a
consequence pathway the steps after the consequence run from cause to effect,
i.e. against the walking order, and are still numbered 1..n in that order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox

from graph.namespaces import PREFIXES
from graph.pathways.derivation import DEFAULT_MAX_STEPS, DERIVED_BASE, derive_pathways
from graph.pathways.model import CONSEQUENCE, DIRECT, PathwayReport

if TYPE_CHECKING:
    from graph.store import KnowledgeGraph

DERIVED_NS = DERIVED_BASE
_R2P = PREFIXES["r2p"]
_XSD = PREFIXES["xsd"]
_A = ox.NamedNode(PREFIXES["rdf"] + "type")
_LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")
_DERIVED_FROM = ox.NamedNode(PREFIXES["prov"] + "wasDerivedFrom")
_GENERATED_BY = ox.NamedNode(PREFIXES["prov"] + "wasGeneratedBy")
# The concept of the ontology's pathway-form scheme for each form.
FORM_CONCEPTS = {
    DIRECT: "DirectPathway",
    CONSEQUENCE: "ConsequencePathway",
}


def _r2p(name: str) -> ox.NamedNode:
    return ox.NamedNode(_R2P + name)


def _typed(value: object, datatype: str) -> ox.Literal:
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return ox.Literal(text, datatype=ox.NamedNode(_XSD + datatype))


def _en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def pathway_triples(report: PathwayReport) -> list[ox.Triple]:
    """The report as triples: the run, pathways with their steps, bundles and rankings, in a fixed order."""
    run = ox.NamedNode(report.run_iri)
    out: list[ox.Triple] = [
        ox.Triple(run, _A, _r2p("DerivationRun")),
        ox.Triple(run, _LABEL, _en(f"r2pkg pathway derivation (at most {report.max_steps} steps)")),
        ox.Triple(run, _r2p("softwareVersion"), ox.Literal(report.version)),
    ]

    def add(s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> None:
        out.append(ox.Triple(s, p, o))

    for p in report.pathways:
        node = ox.NamedNode(p.iri)
        add(node, _A, _r2p("Pathway"))
        add(node, _LABEL, _en(p.label))
        add(node, _r2p("pathwayForm"), _r2p(FORM_CONCEPTS[p.form]))
        if p.consequence:
            add(node, _r2p("viaConsequence"), ox.NamedNode(p.consequence))
        add(node, _r2p("startsFrom"), ox.NamedNode(p.risk))
        add(node, _r2p("addressedBy"), ox.NamedNode(p.measure))
        add(node, _r2p("strength"), _typed(p.strength, "integer"))
        add(node, _r2p("contested"), _typed(p.contested, "boolean"))
        for pre in p.prerequisites:
            add(node, _r2p("prerequisite"), ox.NamedNode(pre))
        for claim in p.claims:
            add(node, _DERIVED_FROM, ox.NamedNode(claim))
        add(node, _GENERATED_BY, run)
        for s in p.steps:
            step = ox.NamedNode(f"{p.iri}-step-{s.index}")
            add(node, _r2p("hasStep"), step)
            add(step, _A, _r2p("PathwayStep"))
            add(step, _LABEL, _en(f"{report.label(s.source)} {s.relation_label} {report.label(s.target)}"))
            add(step, _r2p("stepIndex"), _typed(s.index, "positiveInteger"))
            add(step, _r2p("viaLink"), ox.NamedNode(s.link))
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
        for claim in b.claims:
            add(node, _DERIVED_FROM, ox.NamedNode(claim))
        add(node, _GENERATED_BY, run)

    for r in report.rankings:
        node = ox.NamedNode(r.iri)
        add(node, _A, _r2p("MeasureRanking"))
        add(node, _LABEL, _en(f"ranking of {report.label(r.measure)}"))
        add(node, _r2p("rankedMeasure"), ox.NamedNode(r.measure))
        add(node, _r2p("pathwayCount"), _typed(r.pathway_count, "integer"))
        add(node, _r2p("betweenness"), _typed(f"{r.betweenness:.6f}", "decimal"))
        for pathway in r.pathways:
            add(node, _DERIVED_FROM, ox.NamedNode(pathway))
        add(node, _GENERATED_BY, run)
    return out


def write_pathways(kg: KnowledgeGraph, max_steps: int = DEFAULT_MAX_STEPS) -> int:
    """Derive a loaded graph's pathway report and add it to the derived layer; returns the triple count."""
    return kg.add_derived(pathway_triples(derive_pathways(kg, max_steps)))
