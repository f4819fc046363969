"""How specific a node is to a risk: how many risk units reach it, and which end harms are generic.

``reach(n)`` is the number of risk units (risk factors, joint conditions
counted once) from whose members a chain of at most ``depth`` signed steps
leads to ``n`` (``depth`` is max_steps - 1: the longest risk half a route can
have). A node is *generic* when it is an r2p:Harm (an end harm) that at
least ``GENERIC_MIN_UNITS`` units reach: in the brief mass atrocities, mass
violence and violent conflict. Generic nodes are never a meeting point and no route
passes through them. Reach is then counted again with the generic nodes left
out, and a meeting point's *specificity* is 1 / reach: 1.0 for the risk factor
itself or a node only it reaches, 0.5 for a node two units reach, and so on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import networkx as nx

from graph.pathways.model import HARM
from graph.pathways.signed import SignedGraph

GENERIC_MIN_UNITS = 3


def reach_counts(
    sg: SignedGraph, units: Iterable[tuple[str, tuple[str, ...]]], depth: int, blocked: frozenset[str] = frozenset()
) -> dict[str, int]:
    """Node -> how many units reach it within ``depth`` steps (members count as reached by their unit)."""
    return {n: len(us) for n, us in reach_units(sg, units, depth, blocked).items()}


def reach_units(
    sg: SignedGraph, units: Iterable[tuple[str, tuple[str, ...]]], depth: int, blocked: frozenset[str] = frozenset()
) -> dict[str, frozenset[str]]:
    """Node -> the units that reach it within ``depth`` steps (a node only one unit reaches is specific to it)."""
    reached: dict[str, set[str]] = defaultdict(set)
    for unit, members in units:
        seen = set(members)
        frontier = list(members)
        for _ in range(depth):
            nxt = []
            for node in frontier:
                for target, _, _ in sg.out.get(node, ()):
                    if target not in seen and target not in blocked:
                        seen.add(target)
                        nxt.append(target)
            frontier = nxt
        for node in seen:
            reached[node].add(unit)
    return {n: frozenset(us) for n, us in reached.items()}


def generic_nodes(g: nx.MultiDiGraph, counts: dict[str, int]) -> frozenset[str]:
    return frozenset(
        node for node, k in counts.items() if k >= GENERIC_MIN_UNITS and HARM in g.nodes[node].get("kinds", ())
    )


def specificity(counts: dict[str, int], node: str) -> float:
    return round(1.0 / max(counts.get(node, 1), 1), 6)
