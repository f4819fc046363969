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
from graph.pathways.grounding import Grounder
from graph.pathways.ids import DERIVED_BASE, digest, safe, slug
from graph.pathways.model import (
    ASSERTED,
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
)
from graph.pathways.projection import project_model
from graph.pathways.ranking import betweenness, entry_key, route_key
from graph.pathways.requirements import requirement_links, requirements
from graph.pathways.routes import RouteSearch
from graph.pathways.signed import SignedGraph
from graph.pathways.specificity import generic_nodes, reach_counts, specificity
from graph.pathways.units import joint_conditions, risk_units

if TYPE_CHECKING:
    from graph.store import KnowledgeGraph

__all__ = ["DEFAULT_MAX_STEPS", "DERIVED_BASE", "derive", "derive_pathways", "digest", "slug"]

DEFAULT_MAX_STEPS = 4
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
    cited = report.cited_claims()
    texts = readmodel.claim_texts(kg, cited)
    agents = readmodel.labels_of(kg, {a for t in texts.values() for a in t.get("agents", ())})
    claims = dict(report.claims)
    for c in cited:
        t = texts.get(c, {})
        claims[c] = replace(
            claims[c],
            label=min(t.get("label", ()), default=""),
            statement=min(t.get("statement", ()), default=""),
            quotes=t.get("quotes", ()),
            agents=tuple(sorted(agents.get(a) or model.label(a) for a in t.get("agents", ()))),
        )
    from graph.documents import document_citation  # the title from the data, never one of the code's own

    return replace(report, claims=claims, source=document_citation(kg))


class _Derivation:
    def __init__(self, g, max_steps, cap, samples, version, include_hypothetical, include_inferred):
        self.g, self.max_steps, self.cap, self.samples, self.version = g, max_steps, cap, samples, version
        self.include_hypothetical, self.include_inferred = include_hypothetical, include_inferred
        self.levels = frozenset({ASSERTED, QUALIFIED, HYPOTHETICAL} if include_hypothetical else {ASSERTED, QUALIFIED})
        self.claims = g.graph.get("claims", {})
        self.grounder = Grounder(g)
        self._labels: dict[str, str] = {}

    def _label(self, node: str) -> str:
        if node not in self._labels:
            self._labels[node] = (self.g.nodes[node].get("label") if node in self.g else "") or slug(node)
        return self._labels[node]

    def _step(self, index: int, step_id: int) -> Step:
        s = self.sg.steps[step_id]
        return Step(
            index=index,
            links=s.links,
            source=s.source,
            target=s.target,
            relation=s.relation,
            relation_label=s.relation_label,
            polarity=s.polarity,
            claims=s.claims,
            rank=s.rank,
            contested=s.contested,
            cases=s.cases,
            modality=s.modality,
            modalities=s.modalities,
        )

    def _route(self, unit: str, form: str, meeting: str, walk: tuple[int, ...], turn: int, entry: str) -> Route:
        steps = tuple(self._step(i, step_id) for i, step_id in enumerate(walk, start=1))
        ties, grounding = self.grounder.ground(steps)
        claims = tuple(sorted({c for s in steps for c in s.claims}))
        stated = [s.rank for s in steps if s.rank > 0]
        roles = {self.claims[c].speaker for c in claims if c in self.claims and self.claims[c].speaker}
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
            strength=min(stated, default=0),
            modality=max(s.modality for s in steps),
            speakers=tuple(sorted(roles)),
            participants=participants,
            specificity=1.0 if meeting == member else specificity(self.reach, meeting),
            contests=self.grounder.contests(claims),
            label=label,
        )

    def report(self) -> PathwayReport:
        g = self.g
        self.joints = joint_conditions(g)
        units = risk_units(g, self.joints)
        self.sg = SignedGraph(g, self.levels)
        depth = max(self.max_steps - 1, 1)
        first = reach_counts(self.sg, units, depth)
        generic = generic_nodes(g, first)
        self.reach = reach_counts(self.sg, units, depth, generic)

        req_links = requirement_links(g, self.levels)
        transitive, stages = requirements(req_links)
        search = RouteSearch(g, self.sg, generic, self.max_steps, self.cap)

        pathways: list[Pathway] = []
        inferred: list[Pathway] = []
        truncated: list[str] = []
        gaps: list[Gap] = []
        about = g.graph.get("about", {})
        for unit, members in units:
            found, cut = search.search(members)
            if cut:
                truncated.append(unit)
            by_measure: dict[str, list[Route]] = defaultdict(list)
            for form, meeting, walk, turn in found:
                measure = self.sg.steps[walk[0]].source
                entry = f"{DERIVED_BASE}pathway-{slug(unit)}--{slug(measure)}"
                by_measure[measure].append(self._route(unit, form, meeting, walk, turn, entry))
            grounded_here, inferred_here = [], []
            for measure, routes in sorted(by_measure.items()):
                entry = f"{DERIVED_BASE}pathway-{slug(unit)}--{slug(measure)}"
                prereqs = transitive.get(measure, ())
                title = f"{self._label(measure)} for {self._unit_label(unit)}"
                good = sorted((r for r in routes if r.grounding is not None), key=route_key)
                bad = sorted((r for r in routes if r.grounding is None), key=route_key)
                if good:
                    grounded_here.append(Pathway(entry, unit, measure, tuple(good), prereqs, title))
                elif bad and self.include_inferred:
                    inferred_here.append(Pathway(entry + "-inferred", unit, measure, tuple(bad), prereqs, title))
            pathways.extend(sorted(grounded_here, key=entry_key))
            inferred.extend(sorted(inferred_here, key=entry_key))
            if not grounded_here:
                claims = sorted({c for m in members for c in about.get(m, ())})
                n_bad = sum(1 for rs in by_measure.values() if not any(r.grounding for r in rs))
                gaps.append(Gap(unit, members, tuple(claims), n_bad))

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
            joint_conditions=self.joints,
            units=tuple(u for u, _ in units),
            gaps=tuple(gaps),
            inferred=tuple(inferred),
            requirement_links=req_links,
            reach=dict(sorted({**self.reach, **{n: first[n] for n in generic}}.items())),
            generic=tuple(sorted(generic)),
            include_hypothetical=self.include_hypothetical,
            include_inferred=self.include_inferred,
            issues=dict(sorted(g.graph.get("issue_labels", {}).items())),
        )

    def _unit_label(self, unit: str) -> str:
        for j in self.joints:
            if j.iri == unit:
                return j.label
        return self._label(unit)

