"""The derivation stage: rule-based shortcut triples and the prevention pathways, into the derived graph.

It runs after loading and validation, on the asserted triples (the entailments
of the ontology's own hierarchy also over what it derived), and writes
only the DERIVED_GRAPH named graph (replacing what an earlier run put there), so
deriving twice gives the same graph and validation sees the same data before
and after. Nothing below this stage (store, validate, queries) imports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from graph.derive_options import DEFAULT_MAX_STEPS
from graph.queries import extension_files, read_sparql_file
from graph.resources import package_queries_dir

if TYPE_CHECKING:
    from graph.pathways import PathwayReport
    from graph.store import KnowledgeGraph

__all__ = ["DEFAULT_MAX_STEPS", "Derivation", "apply_rules", "derive", "entail", "entailment_files", "rule_files"]


@dataclass(frozen=True)
class Derivation:
    """What one derivation run wrote."""

    rule_triples: int
    pathway_triples: int
    report: PathwayReport

    @property
    def triples(self) -> int:
        return self.rule_triples + self.pathway_triples

    def counts(self) -> dict[str, int]:
        """Derived counts for a summary line (pathways by form, requirements, bundles, gaps...)."""
        summary = getattr(self.report, "summary_counts", None)
        if callable(summary):
            return dict(summary())
        return {"pathways": len(getattr(self.report, "pathways", ())),
                "bundles": len(getattr(self.report, "bundles", ()))}


def rule_files(project=None) -> list[Path]:
    return extension_files("rules", project)  # the packaged rules and the project's rules/


def entailment_files() -> list[Path]:
    return sorted(package_queries_dir("rules").joinpath("entailment").glob("*.rq"))


def apply_rules(kg: KnowledgeGraph, project=None) -> int:
    """Run every CONSTRUCT rule once over the asserted triples; add the results to the derived graph."""
    from graph.errors import InputError

    triples = []
    for rule in rule_files(project):
        text = read_sparql_file(rule, "a rule")
        try:
            triples.extend(kg.construct(text, asserted_only=True))
        except InputError as e:  # a syntax error, or not a CONSTRUCT: said of the rule's file
            raise InputError(e.message, rule) from None
    return kg.add_derived(triples)


def entail(kg: KnowledgeGraph) -> int:
    """Materialise the ontology's own rdfs:subPropertyOf and rdfs:subClassOf entailments for r2p terms, over
    asserted and derived triples alike, so a query of a super-property or super-class sees every instance.

    Each rule closes the hierarchy itself (a property path), so one pass is enough; a triple the graph
    already holds is not written again (the union of the graphs would return it twice).
    """
    found: set[ox.Triple] = set()
    for rule in entailment_files():
        found.update(kg.construct(rule.read_text(encoding="utf-8")))
    return kg.add_derived(sorted(found, key=str))


def derive(kg: KnowledgeGraph, *, max_steps: int = DEFAULT_MAX_STEPS, project=None,
           **pathway_options: Any) -> Derivation:
    """Replace the derived graph: shortcut rules, the pathway report written back as RDF, then the
    ontology's entailments for r2p terms (over both)."""
    from graph.pathways import derive_pathways, pathway_triples

    kg.clear_derived()
    rules = apply_rules(kg, project)
    # The write-back needs no quote texts (cite=False); `graph.pathway_report` gives the cited report.
    report = derive_pathways(kg, max_steps, cite=False, **pathway_options)
    written = kg.add_derived(pathway_triples(report))
    rules += entail(kg)
    return Derivation(rules, written, report)
