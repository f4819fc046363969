"""Derive the pathway report from the projection: units, specificity, routes, grounding, entries, gaps, keystones.

Works on the networkx graph only (see projection.py for its schema), so it can
be run and benchmarked on synthetic graphs. The parts live in their own
modules: units.py (joint conditions), signed.py (the collapsed step graph),
specificity.py, routes.py (the search), grounding.py (ties and contests),
ranking.py (strength, order, keystones), requirements.py (requirements,
bundles, order). This module puts them together.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

import networkx as nx

from graph import __version__, readmodel
from graph.derive_options import DEFAULT_MAX_STEPS
from graph.pathways.grounding import Grounder
from graph.pathways.ids import DERIVED_BASE, digest, safe, slug
from graph.pathways.model import (
    ADDRESS_KINDS,
    ASSERTED,
    HARM,
    HYPOTHETICAL,
    MEASURE,
    QUALIFIED,
    RISK,
    Gap,
    Pathway,
    PathwayReport,
    Ranking,
    Route,
    Step,
    SupportedOpposite,
)
from graph.pathways.projection import paragraph_order, project_model
from graph.pathways.ranking import betweenness, entry_key, route_key
from graph.pathways.requirements import requirement_links, requirements
from graph.pathways.routes import RouteSearch
from graph.pathways.signed import SignedGraph
from graph.pathways.specificity import generic_nodes, reach_counts, reach_units, specificity
from graph.pathways.units import joint_conditions, risk_units

if TYPE_CHECKING:
    from graph.store import KnowledgeGraph

__all__ = ["DEFAULT_MAX_STEPS", "DERIVED_BASE", "derive", "derive_pathways", "digest", "slug"]

DEFAULT_MAX_PATHWAYS_PER_RISK = 500
DEFAULT_BETWEENNESS_SAMPLES = 1000
_PARTICIPANT_ROLE = "https://w3id.org/r2pkg/ontology#ParticipantRole"


@contextmanager
def _without_cycle_collector() -> Iterator[None]:
    """Pause Python's cycle collector while deriving: the derivation makes millions of small tuples and
    no reference cycles, but each full collection walks the whole heap, graph included."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def derive(
    g: nx.MultiDiGraph,
    max_steps: int = DEFAULT_MAX_STEPS,
    *,
    max_pathways_per_risk: int = DEFAULT_MAX_PATHWAYS_PER_RISK,
    betweenness_samples: int = DEFAULT_BETWEENNESS_SAMPLES,
    version: str = __version__,
    include_hypothetical: bool = False,
    include_inferred: bool = False,
) -> PathwayReport:
    """The pathway report of a projected graph (see the package docstring for the definition)."""
    if max_steps < 1:
        raise ValueError("max_steps must be at least 1")
    with _without_cycle_collector():
        return _Derivation(
            g, max_steps, max_pathways_per_risk, betweenness_samples, version, include_hypothetical, include_inferred
        ).report()


def derive_pathways(
    kg: KnowledgeGraph, max_steps: int = DEFAULT_MAX_STEPS, *, cite: bool = True, **options
) -> PathwayReport:
    """Read a loaded graph, project it and derive its pathway report (options as for ``derive``).

    The read is the slim one (graph.readmodel: no claim texts); the texts of the
    claims the report cites (labels, quotes, statements, attribution) are
    fetched afterwards, so the cost of citing grows with the report, not with
    the corpus. ``cite=False`` skips them: the RDF write-back needs none.
    """
    with _without_cycle_collector():
        return _derive_pathways(kg, max_steps, cite, **options)


def _derive_pathways(kg: KnowledgeGraph, max_steps: int, cite: bool, **options) -> PathwayReport:
    model = readmodel.read(kg, derived=False, texts=False)
    report = derive(project_model(model), max_steps, **options)
    if not cite:
        return report
    # The slim read's claims and issues, completed with their texts: the same model objects, read in two steps.
    cited = report.cited_claims()
    issue_texts = readmodel.claim_texts(kg, sorted(report.issues))
    issues = {i: replace(info, quotes=issue_texts.get(i, {}).get("quotes", ()),
                         agents=issue_texts.get(i, {}).get("agents", ())) for i, info in report.issues.items()}
    texts = readmodel.claim_texts(kg, cited)
    agent_iris = {a for t in (*texts.values(), *issue_texts.values()) for a in t.get("agents", ())}
    agents = readmodel.labels_of(kg, agent_iris)
    claims = dict(report.claims)
    for c in cited:
        t = texts.get(c, {})
        claims[c] = replace(
            claims[c],
            label=min(t.get("label", ()), default=""),
            statement=min(t.get("statement", ()), default=""),
            quotes=t.get("quotes", ()),
            agents=t.get("agents", ()),
        )
    names = {**report.names, **{a: agents.get(a) or model.label(a) for a in sorted(agent_iris)}}
    from graph.documents import document_citation  # the title from the data, never one of the code's own

    links = sorted({k for p in (*report.pathways, *report.hypothetical_only, *report.aim_only, *report.inferred)
                    for r in p.routes for s in r.steps for k in s.links}
                   | {k for steps in report.raises.values() for s in steps for k in s.links})
    # the links' own labels: the handout's aims and open concerns
    labels = {**report.labels, **readmodel.labels_of(kg, links)}
    return replace(report, claims=claims, issues=issues, names=names, labels=labels,
                   source=document_citation(kg))


class _Derivation:
    def __init__(self, g, max_steps, cap, samples, version, include_hypothetical, include_inferred):
        self.g, self.max_steps, self.cap, self.samples, self.version = g, max_steps, cap, samples, version
        self.include_hypothetical, self.include_inferred = include_hypothetical, include_inferred
        self.levels = frozenset({ASSERTED, QUALIFIED, HYPOTHETICAL} if include_hypothetical else {ASSERTED, QUALIFIED})
        self.claims = g.graph.get("claims", {})
        self.names: dict[str, str] = g.graph.get("names", {})
        self.grounder = Grounder(g)
        self._labels: dict[str, str] = {}

    def _label(self, node: str) -> str:
        if node not in self._labels:
            self._labels[node] = (self.g.nodes[node].get("label") if node in self.g else "") or slug(node)
        return self._labels[node]

    def _role(self, iri: str) -> str:
        return self.names.get(iri) or iri.rsplit("#", 1)[-1]

    def _step(self, index: int, step_id: int, sg: SignedGraph) -> Step:
        return replace(sg.steps[step_id], index=index)

    def _route(self, unit: str, form: str, meeting: str, walk: tuple[int, ...], turn: int, entry: str,
               sg: SignedGraph) -> Route:
        steps = tuple(self._step(i, step_id, sg) for i, step_id in enumerate(walk, start=1))
        nodes = [steps[0].source]
        for s in steps:
            nodes.append(s.target if s.source == nodes[-1] else s.source)
        # A section tie counts only at a node this unit alone reaches (not a hub such as preventive capacity).
        specific = frozenset(n for n in nodes[1:-1] if self.owners.get(n) == frozenset({unit}))
        ties, grounding = self.grounder.ground(steps, tuple(nodes[1:-1]), specific, self.generic)
        claims = tuple(sorted({c for s in steps for c in s.claims}))
        roles = {self._role(self.claims[c].speaker_role) for c in claims
                 if c in self.claims and self.claims[c].speaker_role}
        participants = all(
            any(self.claims[c].speaker_role == _PARTICIPANT_ROLE for c in s.claims if c in self.claims) for s in steps
        )
        member = steps[-1].source if turn < len(steps) else meeting
        parts = [unit, form, *(f"{s.source}>{s.target}{s.polarity:+d}" for s in steps)]
        measure_half = [self._label(n) for n in ([s.source for s in steps[:turn]] + [meeting])]
        risk_half = [self._label(s.source) for s in steps[turn:]][::-1]
        label = " → ".join(measure_half)
        if risk_half:
            label += " ← " + " ← ".join(reversed(risk_half))
        return Route(
            iri=f"{entry}-route-{digest(*parts, size=10)}",
            form=form,
            member=member,
            meeting=meeting,
            steps=steps,
            turn=turn,
            ties=ties,
            grounding=grounding,
            strength=min(s.rank for s in steps),  # an unstated breadth (0) is the lowest, never a pass
            modality=max(s.modality for s in steps),
            speakers=tuple(sorted(roles)),
            participants=participants,
            specificity=1.0 if meeting == member else specificity(self.first if meeting in self.generic
                                                                  else self.reach, meeting),
            contests=self.grounder.contests(claims, ties, steps[0].source, frozenset(nodes)),
            label=label,
        )

    def report(self) -> PathwayReport:
        g = self.g
        self.joints = joint_conditions(g)
        units = risk_units(g, self.joints)
        self.sg = SignedGraph(g, self.levels)
        depth = max(self.max_steps - 1, 1)
        # Reach counts only chains the text ties, with the ties a route's joins need.
        tied = self.grounder.tied
        first = self.first = reach_counts(self.sg, units, depth, tied)
        generic = generic_nodes(g, first)
        self.owners = reach_units(self.sg, units, depth, tied, generic)
        self.reach = {n: len(us) for n, us in self.owners.items()}
        self.generic = generic
        req_links = requirement_links(g, self.levels)
        transitive, stages = requirements(req_links)
        self.transitive = transitive
        search = RouteSearch(g, self.sg, generic, self.max_steps, self.cap)
        # Hypothetical and questioned links make no pathway by default, but a risk they alone address is
        # "only hypothetically addressed", not a gap: a second search over every link finds those.
        wide_sg = None if self.include_hypothetical else SignedGraph(g, frozenset({ASSERTED, QUALIFIED, HYPOTHETICAL}))
        wide = None if wide_sg is None else RouteSearch(g, wide_sg, generic, self.max_steps, self.cap)

        # An aim the brief states from what is not a measure (an outcome, an actor: "good governance
        # structures ... to build" capacity) also addresses a risk: such a risk is no gap either. Stated by the
        # brief: a link that is only the curators' reading starts no entry of its own.
        aim_starts = frozenset(
            u for u, _, d in g.edges(data=True)
            if d.get("modality") in _AIMS and d.get("polarity") in (1, -1) and not d.get("curators")
            and not {RISK, MEASURE} & g.nodes[u].get("kinds", frozenset())
        )
        aims = RouteSearch(g, self.sg, generic, self.max_steps, self.cap, starts=aim_starts) if aim_starts else None

        pathways: list[Pathway] = []
        inferred: list[Pathway] = []
        hypothetical_only: list[Pathway] = []
        aim_only: list[Pathway] = []
        truncated: list[str] = []
        gaps: list[Gap] = []
        opposites: list[SupportedOpposite] = []
        about = g.graph.get("about", {})
        for unit, members in units:
            grounded_here, inferred_here, cut = self._entries(unit, members, search, self.sg)
            if cut:
                truncated.append(unit)
            pathways.extend(grounded_here)
            if self.include_inferred:
                inferred.extend(inferred_here)
            if grounded_here:
                continue
            ungrounded = [p.lead for p in inferred_here]
            if wide is not None and wide_sg is not None:
                grounded_wide, inferred_wide, _ = self._entries(unit, members, wide, wide_sg)
                if grounded_wide:
                    hypothetical_only.extend(grounded_wide)
                    continue
                ungrounded += [p.lead for p in inferred_wide if p.lead.modality == HYPOTHETICAL]
            if aims is not None:
                grounded_aims, _, _ = self._entries(unit, members, aims, self.sg)
                stated = [p for p in grounded_aims if set(p.lead.steps[0].modalities) & _AIMS]
                if stated:
                    aim_only.extend(stated)
                    continue
            opposite = self._supported_opposite(members, about)
            if opposite is not None:
                opposites.append(opposite)
                continue
            claims = sorted({c for m in members for c in about.get(m, ())})
            nearest = tuple(
                (_address_kind(r), r.steps[0].source, r.steps[0].claims)
                for r in sorted(ungrounded, key=route_key)[:3]
            )
            gaps.append(Gap(unit, members, tuple(claims), len(inferred_here), ADDRESS_KINDS, nearest))

        nodes = sorted(g)
        measures = [n for n in nodes if MEASURE in g.nodes[n].get("kinds", ())]
        through: dict[str, list[str]] = defaultdict(list)
        for p in pathways:
            for n in sorted(p.all_nodes):
                if MEASURE in g.nodes[n].get("kinds", ()):
                    through[n].append(p.iri)
        between = betweenness(self.sg, nodes, self.samples)
        rankings = sorted(
            (
                Ranking(
                    measure=m,
                    pathway_count=len(through[m]),
                    betweenness=round(between.get(m, 0.0), 6),
                    pathways=tuple(sorted(through[m])),
                    iri=f"{DERIVED_BASE}ranking-{slug(m)}",
                )
                for m in measures
            ),
            key=lambda r: (-r.pathway_count, -r.betweenness, r.measure),
        )
        # What the text says a measure also raises (a risk or a harm), in any modality: the same sentence that
        # tells of the political character principle says it "eventually favored one ethnic group over another".
        every = wide_sg or self.sg
        raises = {m: steps for m in measures if (steps := tuple(sorted(
            (every.steps[i] for v, polarity, i in every.out.get(m, ())
             if polarity == 1 and {RISK, HARM} & set(g.nodes[v].get("kinds", ()))),
            key=self._text_order)))}
        flags = ("-hyp" if self.include_hypothetical else "") + ("-inf" if self.include_inferred else "")
        labels = {n: g.nodes[n]["label"] for n in nodes if g.nodes[n].get("label")}
        labels.update(g.graph.get("labels", {}))
        labels.update({j.iri: j.label for j in self.joints})
        return PathwayReport(
            version=self.version,
            max_steps=self.max_steps,
            max_pathways_per_risk=self.cap,
            run_iri=f"{DERIVED_BASE}run-pathways-{safe(self.version)}-max{self.max_steps}-cap{self.cap}{flags}",
            risks=tuple(n for n in nodes if RISK in g.nodes[n].get("kinds", ())),
            pathways=tuple(pathways),
            requirements=transitive,
            stages=stages,
            rankings=tuple(rankings),
            truncated=tuple(truncated),
            labels=dict(sorted(labels.items())),
            claims=dict(sorted(self.claims.items())),
            attackers=dict(sorted(g.graph.get("attackers", {}).items())),
            curators_attacks=g.graph.get("curators_attacks", frozenset()),
            names=dict(g.graph.get("names", {})),
            sections=dict(sorted(g.graph.get("sections", {}).items())),
            joint_conditions=self.joints,
            units=tuple(u for u, _ in units),
            gaps=tuple(gaps),
            supported_opposites=tuple(opposites),
            raises=raises,
            inferred=tuple(inferred),
            requirement_links=req_links,
            reach=dict(sorted({**self.reach, **{n: first[n] for n in generic}}.items())),
            generic=tuple(sorted(generic)),
            include_hypothetical=self.include_hypothetical,
            include_inferred=self.include_inferred,
            issues=dict(sorted(g.graph.get("issues", {}).items())),
            hypothetical_only=tuple(hypothetical_only),
            aim_only=tuple(aim_only),
            modality_labels={m: lab for m, lab in sorted(g.graph.get("labels", {}).items()) if m in _MODALITIES},
        )

    def _supported_opposite(self, members: tuple[str, ...], about: dict[str, tuple[str, ...]]
                            ) -> SupportedOpposite | None:
        """The first measure or outcome a lone risk factor is the absence of (r2p:absenceOf) that the text
        supports; None if there is none (the risk is a gap)."""
        if len(members) != 1:  # a joint condition is the absence of nothing as a whole
            return None
        risk = members[0]
        for opposite in self.g.graph.get("absence_of", {}).get(risk, ()):
            steps = self._supporting(opposite)
            if steps:
                return SupportedOpposite(risk, opposite, tuple(about.get(risk, ())), steps)
        return None

    def _supporting(self, node: str) -> tuple[Step, ...]:
        """The steps by which the text supports `node`: it acts through them (their source), or something builds
        it (a step into it that raises it); each stated by a claim, not as a hypothetical or a question (also
        when those are asked for), and not only the curators' reading. In the text's order."""
        sg = self.sg
        ids = [i for _, _, i in sg.out.get(node, ())] + [i for _, polarity, i in sg.inc.get(node, ()) if polarity == 1]
        kept = [s for s in (sg.steps[i] for i in ids) if s.claims and not s.curators and s.modality != HYPOTHETICAL]
        return tuple(sorted(kept, key=self._text_order))

    def _text_order(self, s: Step) -> tuple:
        """A step's place in the text: its first claim's paragraph, then its link."""
        return (min((paragraph_order(self.claims, c) for c in s.claims), default=(10**9, "")), s.link)

    def _entries(self, unit: str, members: tuple[str, ...], search: RouteSearch, sg: SignedGraph
                 ) -> tuple[list[Pathway], list[Pathway], bool]:
        """A unit's grounded entries (ranked; entries the text grounds in the very same claims merged into one
        argument), its ungrounded pairings, and whether the cap cut its search."""
        found, cut = search.search(members)
        by_measure: dict[str, list[Route]] = defaultdict(list)
        for form, meeting, walk, turn in found:
            measure = sg.steps[walk[0]].source
            entry = f"{DERIVED_BASE}pathway-{slug(unit)}--{slug(measure)}"
            by_measure[measure].append(self._route(unit, form, meeting, walk, turn, entry, sg))
        grounded, ungrounded = [], []
        for measure, routes in sorted(by_measure.items()):
            entry = f"{DERIVED_BASE}pathway-{slug(unit)}--{slug(measure)}"
            prereqs = self.transitive.get(measure, ())
            good = sorted((r for r in routes if r.grounding is not None), key=route_key)
            bad = sorted((r for r in routes if r.grounding is None), key=route_key)
            if good:
                grounded.append(Pathway(entry, unit, measure, tuple(good), prereqs,
                                        f"{self._label(measure)} for {self._reached(unit, good)}"))
            elif bad:
                ungrounded.append(Pathway(entry + "-inferred", unit, measure, tuple(bad), prereqs,
                                          f"{self._label(measure)} for {self._reached(unit, bad)}"))
        merged = [
            replace(p, label=f"{_listing([self._label(m) for m in p.measures])} for {self._reached(unit, p.routes)}")
            if p.also else p
            for p in _merge_same_ground(sorted(grounded, key=entry_key))
        ]
        return merged, sorted(ungrounded, key=entry_key), cut

    def _reached(self, unit: str, routes: list[Route] | tuple[Route, ...]) -> str:
        """What an entry's title says it is for: the risk, or of a joint condition only the members its routes
        reach (para 12's "fewer opportunities for atrocity escalation" is said of the escalatory crisis, not of the
        will, the capacity and the acquiescence it combines)."""
        joint = next((j for j in self.joints if j.iri == unit), None)
        if joint is None:
            return self._unit_label(unit)
        reached = [m for m in joint.members if any(r.member == m for r in routes)]
        return f"{_listing([self._label(m) for m in reached])}, in the joint condition"

    def _unit_label(self, unit: str) -> str:
        for j in self.joints:
            if j.iri == unit:
                return j.label
        return self._label(unit)



_KIND_OF_MODALITY = {readmodel.ASSERTED: "measure", readmodel.POSSIBLE: "aim", readmodel.NORMATIVE: "aim",
                     readmodel.HYPOTHETICAL: "hypothetical", readmodel.QUESTIONED: "question"}
_MODALITIES = frozenset(_KIND_OF_MODALITY)
_AIMS = frozenset({readmodel.POSSIBLE, readmodel.NORMATIVE})


def _address_kind(r: Route) -> str:
    """What an (ungrounded) route would give its risk: a measure, an aim, a hypothetical or a question."""
    weakest = [m for s in r.steps if s.modality == r.modality for m in s.modalities]
    kinds = sorted({_KIND_OF_MODALITY.get(m, "measure") for m in weakest}, key=ADDRESS_KINDS.index)
    return kinds[-1] if kinds else "measure"


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _merge_same_ground(entries: list[Pathway]) -> list[Pathway]:
    """Entries of one unit whose routes rest on exactly the same claims, by the same steps after each
    measure's first, are one argument of the brief (one passage names several measures for one thing):
    the first keeps its place, names the others in ``also`` and keeps their routes after its own."""
    first: dict[tuple, int] = {}
    out: list[Pathway] = []
    for p in entries:
        lead = p.lead  # the same argument: same claims, and the same steps after the measure's own
        key = (p.claims, lead.form, lead.steps[0].target, lead.steps[0].polarity,
               tuple((s.source, s.target, s.polarity) for s in lead.steps[1:]))
        if key in first:
            i = first[key]
            out[i] = replace(out[i], also=(*out[i].also, p.measure), routes=(*out[i].routes, *p.routes))
        else:
            first[key] = len(out)
            out.append(p)
    return out
