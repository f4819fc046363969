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
A one-step route is grounded by its own claim. Where two steps join matters:

- a ``section`` tie counts only at a node specific to the risk (one that no
  other risk unit reaches): two passages of a section that meet at a hub such
  as *preventive capacity* are two arguments, not one;
- at a generic end harm (mass atrocities), only a ``claim``, ``paragraph`` or
  ``support`` tie counts: one passage must tie both halves.

The strongest tie is taken; when it does not count at that node, the join is untied.
The same ties decide which chains count for a node's reach (specificity.py).
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from graph.pathways.model import CASE, CLAIM, GROUNDINGS, PARAGRAPH, SECTION, SUPPORT, Contest, Step, Tie
from graph.readmodel import issues_of

SUPPORT_DEPTH = 3
_ONE_PASSAGE = (CLAIM, PARAGRAPH, SUPPORT)  # ties that make one passage of the text


class Grounder:
    """Ties between steps and contests of claim sets, from the projection's claims, supports and issues."""

    def __init__(self, g: nx.MultiDiGraph) -> None:
        self.claims = g.graph.get("claims", {})
        self.attackers: dict[str, tuple[str, ...]] = g.graph.get("attackers", {})
        self.case_iris: frozenset[str] = g.graph.get("cases", frozenset())
        self.neighbours: dict[str, set[str]] = defaultdict(set)
        self.up: dict[str, set[str]] = defaultdict(set)  # premise -> its conclusions
        self.down: dict[str, set[str]] = defaultdict(set)  # conclusion -> its premises
        for premise, conclusion in g.graph.get("supports", ()):
            self.neighbours[premise].add(conclusion)
            self.neighbours[conclusion].add(premise)
            self.up[premise].add(conclusion)
            self.down[conclusion].add(premise)
        self.issues = g.graph.get("issues", {})
        self.positions = issues_of(self.issues)  # claim -> the issues it is a position of
        self.issue_positions: dict[str, tuple[str, ...]] = {i: info.positions for i, info in self.issues.items()}
        self.issue_about: dict[str, tuple[str, ...]] = {i: info.about for i, info in self.issues.items()}
        self.attacked_about: dict[str, list[str]] = defaultdict(list)  # node -> the attacked claims about it
        for c in sorted(self.attackers):
            for n in getattr(self.claims.get(c), "about", ()):
                self.attacked_about[n].append(c)
        self._ties: dict[tuple, Tie | None] = {}
        self._near: dict[str, dict[str, tuple[str, ...]]] = {}

    def _paragraphs(self, claims: tuple[str, ...]) -> dict[tuple[str, int], str]:
        out: dict[tuple[str, int], str] = {}
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
                out.update(n for n in self.claims[c].about if n in self.case_iris)
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

    def tied(self, a: Step, b: Step) -> bool:
        """Whether any passage of the text ties step a to step b (what a chain needs to count for reach)."""
        return self.tie(a, b, 0) is not None

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

    def ground(
        self, steps: tuple[Step, ...], joins: tuple[str, ...] = (), specific: frozenset[str] | None = None,
        generic: frozenset[str] = frozenset(),
    ) -> tuple[tuple[Tie, ...], str | None]:
        """Ties of every join of a route and its grounding (the weakest tie; None when a join is untied).

        ``joins[i]`` is the node where step i+1 and step i+2 meet; ``specific`` the nodes where a section
        tie counts (None: everywhere); at a node of ``generic`` only a claim, paragraph or support tie counts.
        """
        if len(steps) == 1:
            return (), CLAIM
        ties: list[Tie] = []
        for i in range(len(steps) - 1):
            t = self.tie(steps[i], steps[i + 1], steps[i].index)
            node = joins[i] if i < len(joins) else None
            if t is not None and node is not None:
                if t.kind == SECTION and specific is not None and node not in specific:
                    t = None
                elif node in generic and t.kind not in _ONE_PASSAGE:
                    t = None
            if t is None:
                return tuple(ties), None
            ties.append(t)
        return tuple(ties), max((t.kind for t in ties), key=GROUNDINGS.index)

    def contests(self, claims: tuple[str, ...], ties: tuple[Tie, ...] = (), measure: str | None = None,
                 nodes: frozenset[str] = frozenset()) -> tuple[Contest, ...]:
        """The disagreements a route rests on: a claim of it, of a support chain that ties it, or of the
        support chains it stands in (its premises, and the conclusions it argues for, within SUPPORT_DEPTH
        relations) in a paragraph of the route, that is attacked or is a position of an issue; and a claim
        about the route's `measure` that is attacked from a paragraph of the route (paragraph 33 states South
        Africa's citizenship model and, in the same passage, cautions against that model).

        The chains count within the route's own passages: "Nigeria is a laboratory" (paragraph 31) rests on
        the rotation of paragraph 32 too, but one participant's dispute of the rotation's problems does not
        contest the political character principle of paragraph 31. An issue reached only through a premise
        counts when it is about one of the route's `nodes`: a case offered for adaptable design (paragraph 15)
        is also the one position the text gives on how to integrate prevention into development, a question
        about development integration, not about adaptable design."""
        mine = set(claims)
        places = set(self._paragraphs(claims))
        tying = {c for t in ties if t.kind == SUPPORT for c in t.evidence}
        chain = set(tying)
        premises: set[str] = set()  # reached only downwards, from a claim of the route to what supports it
        for edges in (self.up, self.down):
            frontier = set(mine)
            for _ in range(SUPPORT_DEPTH):
                frontier = {n for c in frontier for n in edges.get(c, ())} - chain - mine
                chain |= frontier
                if edges is self.down:
                    premises |= frontier
        chain = tying | {c for c in chain if places & set(self._paragraphs((c,)))}
        premises -= tying
        rests = sorted(mine | chain)
        out = []
        for c in rests:
            attackers = self.attackers.get(c, ()) if c in self.claims else ()
            if attackers:
                out.append(Contest("attack", (c,), attackers, inside=bool(mine & set(attackers))))
        if measure is not None:
            for c in self.attacked_about.get(measure, ()):
                if c in mine or c in chain:
                    continue
                attackers = tuple(a for a in self.attackers.get(c, ()) if places & set(self._paragraphs((a,))))
                if attackers:
                    out.append(Contest("attack", (c,), attackers, inside=bool(mine & set(attackers))))
        by_issue: dict[str, set[str]] = defaultdict(set)
        for c in rests:
            for issue in self.positions.get(c, ()):
                if c not in premises or nodes & set(self.issue_about.get(issue, ())):
                    by_issue[issue].add(c)
        for issue, held in sorted(by_issue.items()):
            # the other side: positions on no side of the route's own (allies on its side challenge nothing)
            info = self.issues[issue]
            inside = any(held & set(info.opposing((c,))) for c in held)  # it rests on two sides of the issue
            out.append(Contest("issue", tuple(sorted(held)), info.opposing(held), issue=issue, inside=inside))
        return tuple(out)
