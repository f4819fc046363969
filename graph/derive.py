"""The derived layer: rule-based shortcut triples (SPARQL CONSTRUCT files in sparql/rules/)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph.pathways import write_pathways
from graph.resources import package_queries_dir

if TYPE_CHECKING:
    from graph.store import KnowledgeGraph


def rule_files() -> list:
    return sorted(package_queries_dir("rules").glob("*.rq"))


def apply_rules(kg: KnowledgeGraph) -> int:
    """Run every CONSTRUCT rule once over asserted data and add its triples to the derived graph."""
    triples = []
    for rule in rule_files():
        triples.extend(kg.construct(rule.read_text(encoding="utf-8")))
    return kg.replace_derived(triples)


def derive_all(kg: KnowledgeGraph) -> None:
    apply_rules(kg)
    write_pathways(kg)
