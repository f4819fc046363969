"""How specific a node is to a risk: how many risk units reach it by a chain the text ties, and which end
harms are generic.

``reach(n)`` is the number of risk units (risk factors, joint conditions
counted once) from whose members a chain of at most ``depth`` signed steps
leads to ``n`` (``depth`` is max_steps - 1: the longest risk half a route can
have) *and every two consecutive steps of the chain are tied by the text*,
with the same tie a route's joins need (grounding.Grounder: one claim, one
paragraph, a support chain, a shared case or a section). A chain whose
steps no passage ties is no argument of the brief that the risk leads
there, so it neither makes a node generic nor dilutes a meeting point's
specificity: two passages stitched together at an actor (programme
bureaucracy leaves international actors unprepared; international actors
should build confidence in institutions) do not make institutional
confidence a node that bureaucracy reaches. A one-step chain is its own
claim. The route's further rule that a section tie counts only at a node
specific to the risk is not applied here: it is defined by reach itself,
and counting such a chain only lowers specificity, never raises it.

A node is *generic* when it is an r2p:Harm (an end harm) that at least
``GENERIC_MIN_UNITS`` units reach: in the brief mass atrocities, mass
violence and conflict. Generic nodes are never a meeting point and
no route passes through them. Reach is then counted again with the generic
nodes left out, and a meeting point's *specificity* is 1 / reach: 1.0 for the
risk factor itself or a node only it reaches, 0.5 for a node two units
reach, and so on.

The search walks (node, step it arrived by) states breadth-first, each state
once per unit: a walk, not necessarily a simple chain. Within three steps
(the default budget) a walk that revisits a node ends where a shorter simple
chain already reached, so the two counts agree; longer budgets may count a
few more walks, which only lowers specificity.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

import networkx as nx

from graph.pathways.model import HARM, Step
from graph.pathways.signed import SignedGraph

GENERIC_MIN_UNITS = 3

# Whether the text ties step a (arriving at a node) to step b (leaving it): grounding.Grounder.tied.
Tied = Callable[[Step, Step], bool]


def reach_counts(
    sg: SignedGraph, units: Iterable[tuple[str, tuple[str, ...]]], depth: int, tied: Tied,
    blocked: frozenset[str] = frozenset(),
) -> dict[str, int]:
    """Node -> how many units reach it within ``depth`` tied steps (members count as reached by their unit)."""
    return {n: len(us) for n, us in reach_units(sg, units, depth, tied, blocked).items()}


def reach_units(
    sg: SignedGraph, units: Iterable[tuple[str, tuple[str, ...]]], depth: int, tied: Tied,
    blocked: frozenset[str] = frozenset(),
) -> dict[str, frozenset[str]]:
    """Node -> the units that reach it within ``depth`` tied steps (a node only one unit reaches is specific
    to it)."""
    reached: dict[str, set[str]] = defaultdict(set)
    joins: dict[tuple[int, int], bool] = {}  # (step in, step out) -> tied, shared by every unit

    def joined(a: int, b: int) -> bool:
        if (a, b) not in joins:
            joins[(a, b)] = tied(sg.steps[a], sg.steps[b])
        return joins[(a, b)]

    for unit, members in units:
        member_set = set(members)
        seen = set(member_set)
        states: set[tuple[str, int]] = set()
        frontier: list[tuple[str, int | None]] = [(m, None) for m in members]
        for _ in range(depth):
            nxt: list[tuple[str, int | None]] = []
            for node, came_by in frontier:
                for target, _, step in sg.out.get(node, ()):
                    if target in member_set or target in blocked or (target, step) in states:
                        continue
                    if came_by is not None and not joined(came_by, step):
                        continue
                    states.add((target, step))
                    seen.add(target)
                    nxt.append((target, step))
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
