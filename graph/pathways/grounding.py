"""Is a route an argument the brief makes? Ties between steps, and the disagreements a route rests on.

Two consecutive steps of a route are *tied by the text* when their claims
(strongest first):

- ``claim``: share a claim (one claim states both links);
- ``paragraph``: include claims of the same paragraph;
- ``support``: include claims joined by a chain of at most ``SUPPORT_DEPTH``
  r2p:Support relations (read in either direction: a premise and its
  conclusion, two premises of one conclusion);
- ``case``: share a case (a case of a link, or a case a claim is about);
- ``section``: include claims of the same section.

A route is grounded when every join is tied; its grounding is its weakest tie.
A one-step route is grounded by its own claim.
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from graph.pathways.model import CASE, CLAIM, GROUNDINGS, PARAGRAPH, SECTION, SUPPORT, Contest, Step, Tie

SUPPORT_DEPTH = 3


class Grounder:
    """Ties between steps and contests of claim sets, from the projection's claims, supports and issues."""

    def __init__(self, g: nx.MultiDiGraph) -> None:
        self.claims = g.graph.get("claims", {})
        self.neighbours: dict[str, set[str]] = defaultdict(set)
        for premise, conclusion in g.graph.get("supports", ()):
            self.neighbours[premise].add(conclusion)
            self.neighbours[conclusion].add(premise)
        self.positions: dict[str, list[str]] = defaultdict(list)  # claim -> the issues it is a position of
        for issue, positions in sorted(g.graph.get("issues", {}).items()):
            for claim in positions:
                self.positions[claim].append(issue)
        self._ties: dict[tuple, Tie | None] = {}
        self._near: dict[str, dict[str, tuple[str, ...]]] = {}

    def _paragraphs(self, claims: tuple[str, ...]) -> dict[tuple[str, int], str]:
        out = {}
        for c in claims:
            info = self.claims.get(c)
            if info is not None and info.paragraph is not None:
                out.setdefault((info.section, info.paragraph), c)
        return out

    def _sections(self, claims: tuple[str, ...]) -> set[str]:
        return {self.claims[c].section for c in claims if c in self.claims and self.claims[c].section}

    def _cases(self, step: Step) -> set[str]:
        out = set(step.cases)
        for c in step.claims:
            if c in self.claims:
                out.update(self.claims[c].cases)
        return out

    def _support_near(self, claim: str) -> dict[str, tuple[str, ...]]:
        """Claims within SUPPORT_DEPTH support relations of a claim, with the chain that joins them."""
        if claim not in self._near:
            chains: dict[str, tuple[str, ...]] = {claim: (claim,)}
            frontier = [claim]
            for _ in range(SUPPORT_DEPTH):
                nxt = []
                for c in frontier:
                    for n in sorted(self.neighbours.get(c, ())):
                        if n not in chains:
                            chains[n] = (*chains[c], n)
                            nxt.append(n)
                frontier = nxt
            self._near[claim] = chains
        return self._near[claim]

    def tie(self, a: Step, b: Step, after: int) -> Tie | None:
        """The strongest way the text ties step a to step b, or None."""
        key = (a.links, b.links)
        if key not in self._ties:
            self._ties[key] = self._tie(a, b)
        found = self._ties[key]
        return None if found is None else Tie(found.kind, after, found.evidence)

    def _tie(self, a: Step, b: Step) -> Tie | None:
        shared = sorted(set(a.claims) & set(b.claims))
        if shared:
            return Tie(CLAIM, 0, tuple(shared))
        pa, pb = self._paragraphs(a.claims), self._paragraphs(b.claims)
        both = sorted(set(pa) & set(pb))
        if both:
            return Tie(PARAGRAPH, 0, (pa[both[0]], pb[both[0]]))
        if self.neighbours:
            targets = set(b.claims)
            for c in a.claims:
                near = self._support_near(c)
                hits = sorted(targets.intersection(near))
                if hits:
                    return Tie(SUPPORT, 0, near[hits[0]])
        cases = sorted(self._cases(a) & self._cases(b))
        if cases:
            return Tie(CASE, 0, tuple(cases))
        sections = sorted(self._sections(a.claims) & self._sections(b.claims))
        if sections:
            return Tie(SECTION, 0, (sections[0],))
        return None

    def ground(self, steps: tuple[Step, ...]) -> tuple[tuple[Tie, ...], str | None]:
        """Ties of every join of a route and its grounding (the weakest tie; None when a join is untied)."""
        if len(steps) == 1:
            return (), CLAIM
        ties = []
        for i in range(len(steps) - 1):
            t = self.tie(steps[i], steps[i + 1], steps[i].index)
            if t is None:
                return tuple(ties), None
            ties.append(t)
        return tuple(ties), max((t.kind for t in ties), key=GROUNDINGS.index)

    def contests(self, claims: tuple[str, ...]) -> tuple[Contest, ...]:
        """The disagreements a set of claims rests on: attacked claims, and two positions of one issue."""
        mine = set(claims)
        out = []
        for c in claims:
            info = self.claims.get(c)
            if info is not None and info.attacked_by:
                out.append(Contest("attack", (c,), info.attacked_by, inside=bool(mine & set(info.attacked_by))))
        by_issue: dict[str, set[str]] = defaultdict(set)
        for c in claims:
            for issue in self.positions.get(c, ()):
                by_issue[issue].add(c)
        for issue, held in sorted(by_issue.items()):
            if len(held) > 1:
                out.append(Contest("issue", tuple(sorted(held)), issue=issue))
        return tuple(out)
