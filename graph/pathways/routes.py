"""Route search: chains of signed steps from a measure to a risk unit, in the two forms of the definition.

A route has a *risk half* (0 or more steps from a member of the unit forwards
to the meeting point, net sign s) and a *measure half* (1 or more steps from a
measure to the meeting point, net sign t):

- direct: s = +1 (the meeting point is the member itself, with no risk half,
  or a node the risk raises) and t = -1 (the measure lowers it);
- restores: s = -1, the meeting point is an outcome that is not a harm (the
  risk erodes it), and t = +1 (the measure builds it).

Meeting points are never measures; a generic end harm may be the meeting
point of a direct route (grounding.py then asks one passage of the text to tie
both halves) but no route passes through one. No node occurs twice and no
route passes through another member of the unit. Both halves together have at
most max_steps steps.

Cost: one signed BFS from all measures (``measure_reach``), one bucketed
backward pass over (node, sign) states (``completion``) that lets the forward
search follow only steps that can still end in a route within the budget,
and per unit a forward search with at most ``cap`` partial chains per depth.
Measure halves are enumerated once per (meeting point, sign, budget) and
shared between units (at most ``cap`` each).
"""

from __future__ import annotations

from collections import deque

import networkx as nx

from graph.pathways.model import DIRECT, HARM, MEASURE, OUTCOME, RESTORES
from graph.pathways.signed import SignedGraph

FAR = 1 << 30
# A measure half, from the meeting point backwards: (source node, step id) per step.
Half = tuple[tuple[str, int], ...]


def _kinds(g: nx.MultiDiGraph, node: str) -> frozenset[str]:
    return g.nodes[node].get("kinds", frozenset()) if node in g else frozenset()


class RouteSearch:
    def __init__(self, g: nx.MultiDiGraph, sg: SignedGraph, blocked: frozenset[str], max_steps: int, cap: int,
                 starts: frozenset[str] | None = None):
        """``starts``: the nodes a measure half may start from (default: the measures); never meeting points."""
        self.g, self.sg, self.blocked, self.max_steps, self.cap = g, sg, blocked, max_steps, cap
        self.measures = sorted(n for n in g if MEASURE in _kinds(g, n) and n not in blocked)
        self.is_measure = frozenset(self.measures)
        self.starts = sorted(starts - blocked) if starts is not None else self.measures
        self.is_start = frozenset(self.starts)
        self.reach = self.measure_reach()
        self.need = self.completion()
        self._halves: dict[tuple[str, int, int], tuple[list[Half], bool]] = {}

    def meeting_sign(self, node: str, risk_sign: int, depth: int) -> tuple[str, int] | None:
        """(form, sign the measure half needs) for a risk half ending at node, or None if it cannot meet there."""
        if depth == 0:
            return DIRECT, -1
        if node in self.is_measure or node in self.is_start:
            return None
        if risk_sign == 1:
            return DIRECT, -1
        if node in self.blocked:
            return None
        kinds = _kinds(self.g, node)
        if OUTCOME in kinds and HARM not in kinds:
            return RESTORES, 1
        return None

    def measure_reach(self) -> dict[tuple[str, int], int]:
        """Fewest steps from any measure to each (node, net sign) state, up to max_steps."""
        dist = {(m, 1): 0 for m in self.starts}
        queue = deque(dist)
        while queue:
            node, sign = queue.popleft()
            d = dist[(node, sign)]
            if d == self.max_steps:
                continue
            for target, polarity, _ in self.sg.out.get(node, ()):
                state = (target, sign * polarity)
                if state not in dist:
                    dist[state] = d + 1
                    if target not in self.blocked:  # a generic node may be met, never passed through
                        queue.append(state)
        return dist

    def completion(self) -> dict[tuple[str, int], int]:
        """Fewest further steps that complete a route from a forward state (x, s) of the risk half.

        need(x, s) = min(meet(x, s), 1 + min need(y, s * p) over steps x -> y),
        where meet(x, s) is the measure-half length needed to meet at x. Bucketed
        by distance over the in-adjacency: one pass over the states within budget.
        """
        need: dict[tuple[str, int], int] = {}
        buckets: list[list[tuple[str, int]]] = [[] for _ in range(self.max_steps + 1)]
        for (node, sign), d in self.reach.items():
            # A measure reaching node with sign t completes a risk half arriving with sign s when
            # (s, t) is (+1, -1) (direct) or (-1, +1) at a restorable outcome (restores).
            state = (node, -sign)
            meet = self.meeting_sign(node, -sign, 1)
            if meet is not None and meet[1] == sign and d <= self.max_steps and d < need.get(state, FAR):
                need[state] = d
                buckets[d].append(state)
        for d in range(self.max_steps):
            for node, sign in buckets[d]:
                if need[(node, sign)] != d:
                    continue
                for source, polarity, _ in self.sg.inc.get(node, ()):
                    if source in self.blocked:
                        continue
                    state = (source, sign * polarity)
                    if d + 1 < need.get(state, FAR):
                        need[state] = d + 1
                        buckets[d + 1].append(state)
        return need

    def measure_halves(self, meeting: str, sign: int, budget: int) -> tuple[list[Half], bool]:
        """Chains from measures to the meeting point with net sign ``sign``, of at most ``budget`` steps,
        shortest first (then in adjacency order); at most ``cap``. Returns (halves, truncated)."""
        key = (meeting, sign, budget)
        if key in self._halves:
            return self._halves[key]
        found: list[Half] = []
        truncated = False
        frontier: list[tuple[str, int, frozenset[str], Half]] = [(meeting, 1, frozenset([meeting]), ())]
        for depth in range(1, budget + 1):
            nxt: list[tuple[str, int, frozenset[str], Half]] = []
            for node, net_here, on, half in frontier:
                for source, polarity, step in self.sg.inc.get(node, ()):
                    if source in on or source in self.blocked:
                        continue
                    net = polarity * net_here
                    chain = (*half, (source, step))
                    if net == sign and source in self.is_start:
                        if len(found) >= self.cap:
                            truncated = True
                        else:
                            found.append(chain)
                    if depth < budget and self.reach.get((source, sign * net), FAR) <= budget - depth:
                        if len(nxt) >= self.cap:
                            truncated = True
                            continue
                        nxt.append((source, net, on | {source}, chain))
            frontier = nxt
            if not frontier:
                break
        self._halves[key] = (found, truncated)
        return found, truncated

    def search(self, members: tuple[str, ...]) -> tuple[list[tuple[str, str, tuple[int, ...], int]], bool]:
        """Routes to a unit: (form, meeting point, step ids in walking order, turn), and whether a cap cut it.

        Walking order: the measure half from the measure to the meeting point,
        then the risk half from the meeting point back to the member.
        """
        member_set = frozenset(members)
        routes: list[tuple[str, str, tuple[int, ...], int]] = []
        truncated = False
        # A risk half: (node reached, net sign from the member, nodes on it, step ids from the member).
        frontier: list[tuple[str, int, frozenset[str], tuple[int, ...]]] = [
            (m, 1, frozenset([m]), ()) for m in members if m not in self.blocked
        ]
        for depth in range(self.max_steps):
            budget = self.max_steps - depth
            for node, sign, on, risk_half in frontier:
                meet = self.meeting_sign(node, sign, depth)
                if meet is None or self.reach.get((node, meet[1]), FAR) > budget:
                    continue
                halves, cut = self.measure_halves(node, meet[1], budget)
                truncated |= cut
                avoid = on | member_set
                for half in halves:
                    if any(source in avoid for source, _ in half):
                        continue
                    if len(routes) >= self.cap:
                        return routes, True
                    walk = tuple(step for _, step in reversed(half)) + tuple(reversed(risk_half))
                    routes.append((meet[0], node, walk, len(half)))
            if depth + 1 >= self.max_steps:
                break
            nxt: list[tuple[str, int, frozenset[str], tuple[int, ...]]] = []
            left = self.max_steps - depth - 1
            for node, sign, on, risk_half in frontier:
                if node in self.blocked:  # met at a generic node, never passed through
                    continue
                for target, polarity, step in self.sg.out.get(node, ()):
                    if target in on or target in member_set:
                        continue
                    state = (target, sign * polarity)
                    if self.need.get(state, FAR) > left:
                        continue
                    if len(nxt) >= self.cap:
                        truncated = True
                        continue
                    nxt.append((target, state[1], on | {target}, (*risk_half, step)))
            frontier = nxt
            if not frontier:
                break
        return routes, truncated
