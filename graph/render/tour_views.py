"""Tours as maps: `tour_view` turns a tour (graph.tours: the YAML data, read and checked) into a view
whose presentation plays the tour step by step.
"""

from __future__ import annotations

from functools import partial

from graph.namespaces import R2P
from graph.render.builder import Builder, quote_of, slug
from graph.render.facts import Facts
from graph.render.registry import ViewContext, ViewSpec, view_family
from graph.render.view_model import View, ViewStep
from graph.tours import CHECK, Tour, TourError, TourStep, check_tours, default_tours_dir, load_tours, read_tour

__all__ = ["CHECK", "Tour", "TourError", "TourStep", "check_tours", "default_tours_dir", "load_tours", "read_tour",
           "tour_view", "tour_views"]


def tour_view(f: Facts, tour: Tour) -> View:
    """The tour's nodes, the links among them, and one presentation step per tour step."""
    v = View(
        f"tour-{slug(tour.name)}",
        f"Tour: {tour.title}",
        tour.summary or f"A guided walk in {len(tour.steps)} steps.",
        purpose="tour",
        edge_labels=True,  # the room reads each link's relation ("undermines") on the map itself
    )
    b = Builder(f, v)
    named = [n for s in tour.steps for n in s.nodes]
    for n in named:
        if n in f.labels or n in f.node_class or n in f.claims:
            b.node(n)
    present = set(v.nodes)
    for lk in sorted(f.links.values(), key=lambda x: x.iri):
        if lk.cause in present and lk.effect in present:
            b.link(lk)
    for req in f.requirements:
        if req.dependent in present and req.prerequisite in present:
            b.requirement(req)
    for arg in f.arguments:
        if arg.premise in present and arg.conclusion in present:
            b.argument(arg)
    for n in sorted(present):
        for place in f.located_in.get(n, []):
            if place in present:
                b.plain(n, place, str(R2P.locatedIn))
    for c in sorted(present & set(f.claims)):
        for a in f.claims[c].about:
            if a in present:
                b.plain(c, a, str(R2P.about))
    for s in tour.steps:
        nodes = [n for n in s.nodes if n in v.nodes]
        # The links the quoted claim states are what the step argues: lit, with both their ends.
        stated = [b.link(lk) for lk in sorted(f.links.values(), key=lambda x: x.iri) if s.claim in lk.claims]
        stated += [b.requirement(r) for r in f.requirements if s.claim in r.claims]
        for eid in stated:
            edge = b.edges[eid]
            nodes += [n for n in (edge.source, edge.target) if n not in nodes]
        members = set(nodes)
        edges = [e.id for e in v.edges if e.source in members and e.target in members]
        loose = untied(v, ViewStep("", nodes, edges))
        claim = f.claims.get(s.claim)
        if loose and claim and set(claim.about) & set(loose):
            # No stated link ties them, but the quoted claim is about them: the claim is what ties them.
            nodes.append(b.node(s.claim))
            edges += [b.plain(s.claim, a, str(R2P.about)) for a in claim.about if a in members]
        quote = quote_of(b, s.claim, s.quote) if s.claim else {}
        narration = f"{s.narration} {s.apart}".strip() if s.apart else s.narration
        v.steps.append(ViewStep(s.caption, nodes, edges, narration, quote))
        v.groups.append(nodes)
    for e in v.edges:  # only what a link says is labelled: "about" and "located in" speak for themselves
        if not e.effect:
            e.label = ""
    v.opening = list(v.steps[0].nodes) if v.steps else []
    return v


@view_family("tour", order=10, heading="Tours: a session in steps",
             intro="Open one and press the arrow keys: each step frames a few nodes, with a narration and a quote "
             "from the source.")
def tour_views(ctx: ViewContext) -> list[ViewSpec]:
    return [
        ViewSpec(f"tour-{t.name}", f"Tour: {t.title}", t.summary, partial(tour_view, ctx.facts, t), "tour")
        for t in ctx.tours
    ]


def untied(view: View, step: ViewStep) -> list[str]:
    """The step's nodes that none of its lit links touches (a step of one node has none)."""
    if len(step.nodes) < 2:
        return []
    ends = {e.id: (e.source, e.target) for e in view.edges}
    touched = {n for eid in step.edges if eid in ends for n in ends[eid]}
    return [n for n in step.nodes if n not in touched]
