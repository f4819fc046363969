"""Risk units: each risk factor on its own, except conditions the brief says combine, which form one joint condition.

The brief models mass atrocities as the meeting of three preconditions (the
will, the capacity and acquiescence) in an escalatory crisis. In the data the
preconditions are r2p:AtrocityPrecondition nodes with a raising link to an
r2p:EscalatoryDynamic node. For each escalatory dynamic, the preconditions
that feed it and the dynamic itself form one ``JointCondition``: a measure that
lowers any member addresses the condition once, instead of the same measures
appearing three times, once per precondition.
"""

from __future__ import annotations

import networkx as nx

from graph.pathways.ids import DERIVED_BASE, slug
from graph.pathways.model import ESCALATORY, PRECONDITION, RISK, JointCondition


def _kinds(g: nx.MultiDiGraph, node: str) -> frozenset[str]:
    return g.nodes[node].get("kinds", frozenset())


def joint_conditions(g: nx.MultiDiGraph) -> tuple[JointCondition, ...]:
    """One joint condition per escalatory dynamic fed (polarity +1) by at least one atrocity precondition."""
    out = []
    taken: set[str] = set()
    for dynamic in sorted(n for n in g if ESCALATORY in _kinds(g, n)):
        feeding: dict[str, set[str]] = {}
        for source, _, data in g.in_edges(dynamic, data=True):
            if data.get("polarity") == 1 and PRECONDITION in _kinds(g, source) and source not in taken:
                feeding.setdefault(source, set()).update(data.get("claims", ()))
        if not feeding:
            continue
        members = (*sorted(feeding), dynamic)
        taken.update(members)
        labels = [g.nodes[m].get("label") or slug(m) for m in sorted(feeding)]
        listed = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
        dyn_label = g.nodes[dynamic].get("label") or slug(dynamic)
        out.append(
            JointCondition(
                iri=f"{DERIVED_BASE}joint-condition-{slug(dynamic)}",
                members=members,
                label=f"{listed}, combined in the {dyn_label}",
                claims=tuple(sorted({c for cs in feeding.values() for c in cs})),
            )
        )
    return tuple(out)


def risk_units(g: nx.MultiDiGraph, joints: tuple[JointCondition, ...]) -> list[tuple[str, tuple[str, ...]]]:
    """(unit IRI, member risk factors) for every joint condition and every other risk factor, sorted by IRI."""
    in_joint = {m for j in joints for m in j.members}
    units = [(j.iri, j.members) for j in joints]
    units += [(n, (n,)) for n in g if RISK in _kinds(g, n) and n not in in_joint]
    return sorted(units)
