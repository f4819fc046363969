"""The maps a trainer projects: which nodes and edges each view shows, and in what order to reveal them.

Every view is built from `Facts` (queried once); pathway and bundle views read the
derived layer through SPARQL, so they simply do not appear when it is absent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import partial

from graph.namespaces import R2P, curie
from graph.render.builder import BUNDLE, Builder, best_claim, quote_of, shows, slug
from graph.render.facts import DOMAIN_ENTITY, Facts
from graph.render.registry import ViewContext, ViewSpec, view_family
from graph.render.view_model import MapEdge, View, ViewStep

SUPPORT, ATTACK = str(R2P.Support), str(R2P.Attack)
REQUIRES, ENABLES = str(R2P.RequiresRelation), str(R2P.EnablesRelation)
COUNTRY, CASE = str(R2P.Country), str(R2P.Case)
MEASURE = str(R2P.PreventionMeasure)

# Reading order of the overview's presentation: the problem first, then what answers it.
OVERVIEW_ORDER = [
    ("Risk factors and the harms they lead to", [str(R2P.RiskFactor), str(R2P.Harm)]),
    ("Actors, institutions and norms", [str(R2P.Actor), str(R2P.Institution), str(R2P.Norm)]),
    ("Prevention measures and approaches", [str(R2P.PreventionMeasure), str(R2P.Approach)]),
    ("Outcomes that protect", [str(R2P.PreventiveOutcome)]),
    ("Other outcomes", [str(R2P.Outcome)]),  # neither protective nor harmful (a debate a measure prompted)
    ("Everything else: places, cases, events", [DOMAIN_ENTITY]),
]


__all__ = ["narrate_steps", "slug"]


def narrate_steps(f: Facts, v: View) -> None:
    """Give every step without one a narration from the data: what it shows and one quote."""
    b = Builder(f, v)
    edges = {e.id: e for e in v.edges}
    for s in v.steps:
        if not s.narration:
            s.narration = shows(v, s.nodes)
        if not s.quote:
            claim = best_claim(f, s.nodes, [edges[e] for e in s.edges if e in edges])
            s.quote = quote_of(b, claim) if claim else {}


def _claim_order(f: Facts, c: str) -> tuple[int, str]:
    return (f.order(c), c)


# --- the views -----------------------------------------------------------
def overview(f: Facts) -> View:
    v = View(
        "overview",
        "Overview: causes, risks and remedies",
        "Every domain node that takes part in a causal link, with the links drawn from the documents: what they "
        "state, suppose or ask about, and the curators' readings (drawn thin).",
    )
    b = Builder(f, v)
    for link in sorted(f.links.values(), key=lambda lk: lk.iri):
        b.link(link)
    groups: list[tuple[str, list[str]]] = []
    placed: set[str] = set()
    for caption, classes in OVERVIEW_ORDER:
        members = sorted(
            (
                n
                for n in v.nodes
                if n not in placed and any(c in f.ancestors(f.node_class.get(n, DOMAIN_ENTITY)) for c in classes)
            ),
            key=lambda n: v.nodes[n].label.lower(),
        )
        placed.update(members)
        if members:
            groups.append((caption, members))
    _cumulative_steps(v, groups)
    v.point = list(v.nodes)  # the map exists to show every stated link
    return v


def _cumulative_steps(v: View, groups: Iterable[tuple[str, list[str]]]) -> None:
    """Steps that add groups of nodes in turn; each step brings the edges whose ends are now shown."""
    shown: set[str] = set()
    edges_shown: set[str] = set()
    for caption, members in groups:
        shown.update(members)
        new_edges = [e.id for e in v.edges if e.id not in edges_shown and e.source in shown and e.target in shown]
        edges_shown.update(new_edges)
        v.steps.append(ViewStep(caption, list(members), new_edges))


def argument_map(f: Facts) -> View:
    v = View(
        "arguments",
        "Argument map: claims, support and attack",
        "Claims joined by support (green) and attack (red, dashed); the heavier its border, the more widely held.",
    )
    b = Builder(f, v)
    for arg in f.arguments:
        b.argument(arg)
    for issue, about in sorted(f.issues.items()):
        if not about.positions:
            continue
        b.node(issue)
        for c in about.positions:
            b.node(c)
            b.plain(issue, c, str(R2P.position))
    # Claims outside any argument still belong on the argument map: they are what the brief says.
    for c in f.claims:
        b.node(c)
    by_section: dict[str, list[str]] = defaultdict(list)
    for n in v.nodes:
        info = f.claims.get(n) or f.issues.get(n)
        by_section[info.section if info else ""].append(n)
    order = sorted(by_section, key=lambda s: min(_claim_order(f, n) for n in by_section[s]))
    _cumulative_steps(
        v,
        [
            (
                f.label(s) if s else "Claims without a section",  # a section label names itself ("Section 1: ...")
                sorted(by_section[s], key=lambda n: _claim_order(f, n)),
            )
            for s in order
        ],
    )
    v.point = list(v.nodes)
    return v


def pathway_family(f: Facts, start: str) -> View:
    paths = sorted(
        (p for p in f.pathways if p.risk == start),
        key=lambda p: (-(p.strength or 0), f.label(p.measure).lower(), p.iri),
    )
    members = f.joint_members.get(start, ())
    name = pathway_subject(f, start)
    v = View(
        f"pathways-{slug(start)}",
        f"Pathways from {name}",
        f"How measures address {name} ({len(paths)} derived pathway"
        f"{'s' if len(paths) != 1 else ''}), with the measures they require.",
        layout="layered",
        edge_labels=True,
    )
    b = Builder(f, v)
    v.anchor = start
    if members:  # a joint condition: one node, its members drawn into it
        b.extra_node(
            start,
            "joint condition",
            str(R2P.JointCondition),
            {
                "kind": "joint condition",
                "iri": curie(start),
                "definition": f.label(start),
                "members": [f.label(m) for m in members],
            },
        )
        for m in members:
            b.node(m)
            b.plain(m, start, str(R2P.member), label="")
        v.steps.append(
            ViewStep(f"Start: a joint condition of {len(members)} parts", [start, *members], [e.id for e in v.edges])
        )
    else:
        b.node(start)
        first = f.walk(paths[0])[0] if paths and paths[0].steps else None
        if not first or start not in (first[1], first[2]):  # else the first step opens on the risk already
            v.steps.append(ViewStep(f"Start: {f.label(start)}", [start], []))
    prereq_nodes: set[str] = set()
    told: set[str] = set()
    # The map's point: the risk, the measures and every step of the routes between them.
    v.point = [start, *members]
    for p in paths:
        for _, frm, to, _via in f.walk(p):
            v.point += [n for n in (frm, to) if n not in v.point]
    for i, p in enumerate(paths, 1):
        head = f"Pathway {i} of {len(paths)}"
        if p.strength is not None:
            rank_label = next((f.label(lv) for lv, r in f.consensus_rank.items() if r == p.strength), "")
            head += f" (weakest consensus: {rank_label or p.strength})"
        if p.contested:
            head += ", contested"
        for _index, frm, to, via in f.walk(p):
            b.node(frm)
            b.node(to)
            link = f.links.get(via)
            edge = b.link(link) if link else b.plain(frm, to, str(R2P.causalShortcut))
            if edge in told:  # an earlier pathway already told this step: say it once
                continue
            told.add(edge)
            # The brief's step: the link in words, narrated by the claim that states it.
            stating = [f.claims[c] for c in (link.claims if link else []) if c in f.claims]
            narration = stating[0].statement if stating and stating[0].statement else ""
            v.steps.append(ViewStep(f"{head}: {b.edges[edge].details['title']}", [frm, to], [edge], narration))
        if p.prerequisites:
            base = p.measure or (f.walk(p)[-1][2] if p.steps else start)
            new_nodes, new_edges = [], []
            for m in p.prerequisites:
                b.node(m)
                prereq_nodes.add(m)
                new_nodes.append(m)
            # Draw the stated requires/enables links between them; fall back to a derived edge.
            ends = [base, *p.prerequisites]
            linked: set[str] = set()
            for lk in sorted(f.links.values(), key=lambda x: x.iri):
                if lk.relation in (REQUIRES, ENABLES) and lk.cause in ends and lk.effect in ends:
                    new_edges.append(b.link(lk))
                    linked.update({lk.cause, lk.effect})
            # A direct prerequisite is drawn as its requirement, whose claim the step then quotes and whose
            # reading (the text's or the curators') it names; one reached through others, as the derived edge.
            stated = {r.prerequisite: r for r in f.requirements if r.dependent == base}
            for m in p.prerequisites:
                if m in stated:
                    new_edges.append(b.requirement(stated[m]))
                elif m not in linked:
                    new_edges.append(b.plain(base, m, str(R2P.prerequisite)))
            needs = [f.label(m) + (" (curators' reading)" if m in stated and stated[m].inferred_by_curators else "")
                     for m in p.prerequisites]
            v.steps.append(
                ViewStep(
                    f"{head}: {f.label(base)} requires " + _and(needs)
                    if len(p.prerequisites) <= 2
                    else f"{head}: {f.label(base)} and its {_count(len(p.prerequisites), 'prerequisite')}",
                    new_nodes,
                    new_edges,
                )
            )
    # Columns by distance from the risk factor (steps may run either way along the links);
    # prerequisites get a column of their own, right of every pathway step.
    step_edges = [
        e
        for e in v.edges
        if e.rel != str(R2P.prerequisite) and not (e.source in prereq_nodes and e.target in prereq_nodes)
    ]
    v.layers.update(_distances(start, step_edges))
    last = max(v.layers.values(), default=0) + 1
    for m in sorted(prereq_nodes - set(v.layers)):
        v.layers[m] = last
    return v


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def pathway_groups(f: Facts) -> list[list[str]]:
    """Risk factors whose pathway maps would share more than half their nodes go on one map:
    the same story told once, not once per risk factor."""
    starts = sorted({p.risk for p in f.pathways}, key=lambda s: (f.label(s).lower(), s))
    nodes = {s: set(pathway_family(f, s).nodes) for s in starts}
    parent = {s: s for s in starts}

    def root(s: str) -> str:
        while parent[s] != s:
            s = parent[s]
        return s

    for i, a in enumerate(starts):
        for b in starts[i + 1 :]:
            if len(nodes[a] & nodes[b]) > min(len(nodes[a]), len(nodes[b])) / 2:
                parent[root(b)] = root(a)
    groups: dict[str, list[str]] = defaultdict(list)
    for s in starts:
        groups[root(s)].append(s)
    return sorted(groups.values(), key=lambda g: (f.label(g[0]).lower(), g[0]))


def merged_pathway_family(f: Facts, starts: list[str]) -> View:
    parts = [pathway_family(f, s) for s in starts]
    names = _and([pathway_subject(f, s) for s in starts])
    v = View(
        f"pathways-{slug(starts[0])}-and-{len(starts) - 1}-more",
        f"Pathways from {names}",
        f"How measures address {names}, whose pathways share most of their measures and steps.",
        layout="layered",
        edge_labels=True,
    )
    seen_edges: set[str] = set()
    for part in parts:
        for n, node in part.nodes.items():
            v.nodes.setdefault(n, node)
        for e in part.edges:
            if e.id not in seen_edges:
                seen_edges.add(e.id)
                v.edges.append(e)
        for n, layer in part.layers.items():
            v.layers[n] = min(layer, v.layers.get(n, layer))
        v.steps.extend(part.steps)
        v.point += [n for n in part.point if n not in v.point]
    v.opening = list(starts)
    return v


def _through_curators(f: Facts, start: str) -> str:
    """", N of them only through the curators' reading" for the pathways from `start` each of whose routes takes a
    step the curators read (the index must not say the documents state what only the curators read)."""
    n = sum(1 for p in f.pathways if p.risk == start and p.routes and all(r.curators for r in p.routes))
    return f", {n} of them only through the curators' reading" if n else ""


def pathway_subject(f: Facts, start: str) -> str:
    members = f.joint_members.get(start, ())
    if not members:
        return f.label(start)
    return "the joint condition of " + _and([f.label(m) for m in members])


def _distances(start: str, edges: list[MapEdge]) -> dict[str, int]:
    adj: dict[str, set[str]] = defaultdict(set)
    for e in edges:
        adj[e.source].add(e.target)
        adj[e.target].add(e.source)
    dist, frontier = {start: 0}, [start]
    while frontier:
        nxt = []
        for n in frontier:
            for m in sorted(adj[n]):
                if m not in dist:
                    dist[m] = dist[n] + 1
                    nxt.append(m)
        frontier = nxt
    return dist


def country_case(f: Facts, country: str) -> View:
    v = View(
        f"country-{slug(country)}",
        f"Country case: {f.label(country)}",
        f"What the documents say about {f.label(country)}: its regions, cases, the claims about them "
        "and the causal links they illustrate.",
    )
    b = Builder(f, v)
    v.anchor = country
    places = [
        country,
        *sorted(n for n, ps in f.located_in.items() if country in ps and f.node_class.get(n, "") != CASE),
    ]
    cases = sorted(
        n for n, ps in f.located_in.items() if f.node_class.get(n, "") == CASE and any(p in places for p in ps)
    )
    v.point = [*places, *cases]  # the country's own nodes: it, its regions and the cases there
    for p in places:
        b.node(p)
        if p != country:
            b.plain(p, country, str(R2P.locatedIn))
    for k in cases:
        b.node(k)
        for p in f.located_in.get(k, []):
            if p in places:
                b.plain(k, p, str(R2P.locatedIn))
    anchors = set(places) | set(cases)
    links = sorted(
        (lk for lk in f.links.values() if set(lk.cases) & anchors or lk.cause in anchors or lk.effect in anchors),
        key=lambda lk: lk.iri,
    )
    claims = {c for a in anchors for c in f.claims_about.get(a, []) if c in f.claims}
    claims |= {c for lk in links for c in lk.claims if c in f.claims}
    claims_sorted = sorted(claims, key=lambda c: _claim_order(f, c))
    for c in claims_sorted:
        b.node(c)
        for a in f.claims[c].about:
            if a in anchors:
                b.plain(c, a, str(R2P.about))
    for lk in links:
        b.link(lk)
    for arg in f.arguments:
        if arg.premise in claims and arg.conclusion in claims:
            b.argument(arg)
    groups = [(f"{f.label(country)} and its regions", places)]
    if cases:
        groups.append(("Cases the documents cite", cases))
    by_section: dict[str, list[str]] = defaultdict(list)
    for c in claims_sorted:
        by_section[f.claims[c].section].append(c)
    for s, members in by_section.items():
        groups.append((f"Claims in {f.label(s)}" if s else "Claims", members))
    rest = [n for n in v.nodes if not any(n in g for _, g in groups)]
    if rest:
        groups.append(("Causes and effects in the causal links", rest))
    _cumulative_steps(v, groups)
    return v


def requirements(f: Facts) -> View:
    v = View(
        "requirements",
        "Requirements and co-requisites of the measures",
        "Which measures require or enable which, and the bundles that must advance together; "
        "prerequisites on the left.",
        layout="layered",
        edge_labels=True,
    )
    b = Builder(f, v)
    dep_links = sorted(
        (
            lk
            for lk in f.links.values()
            if lk.relation == REQUIRES
            or (
                lk.relation == ENABLES
                and f.node_class.get(lk.cause)
                and f.node_class.get(lk.effect)
                and _is_measure(f, lk.cause)
                and _is_measure(f, lk.effect)
            )
        ),
        key=lambda lk: lk.iri,
    )
    for lk in dep_links:
        b.link(lk)
    for req in f.requirements:
        b.requirement(req)
    loose = sorted(
        n
        for n in f.node_class
        if _is_measure(f, n) and n not in v.nodes and not any(n in bundle.members for bundle in f.bundles)
    )
    if loose:  # they would fill the projected map with unconnected boxes
        v.description += (
            f" {len(loose)} measure{'s' if len(loose) != 1 else ''} with no stated requirement "
            "are left out (see the overview)."
        )
    for bundle in f.bundles:
        members = [b.node(m) for m in bundle.members]
        order = f" (implementation order {bundle.order})" if bundle.order is not None else ""
        # a bundle closes a cycle of requirements: where one of them is the curators' reading, so is the bundle
        # (para 21 states one direction, security sector reform needing justice sector reform)
        read = any(r.inferred_by_curators for r in f.requirements
                   if r.dependent in bundle.members and r.prerequisite in bundle.members)
        bid = b.extra_node(
            bundle.iri,
            f"{_and([f.label(m) for m in members])} advance together",
            BUNDLE,
            {
                "kind": f.label(BUNDLE),
                "iri": curie(bundle.iri),
                "definition": f.definitions.get(BUNDLE, "") + order,
                "members": [f.label(m) for m in members],
                "reading": ("the curators' reading: the text states one direction only; that the measures advance "
                            "together rests on a requirement the curators read off the text") if read else "",
            },
        )
        v.attached.add(bid)
        for m in members:
            b.plain(bid, m, str(R2P.member), label="")
    v.layers.update(_dependency_layers(v, f))
    # Presentation: prerequisites first, one layer at a time.
    by_layer: dict[int, list[str]] = defaultdict(list)
    for n in v.nodes:
        by_layer[v.layers.get(n, 0)].append(n)
    groups: list[tuple[str, list[str]]] = []
    for layer in sorted(by_layer):
        members = sorted(by_layer[layer], key=lambda n: v.nodes[n].label.lower())
        connected = [n for n in members if any(e.source == n or e.target == n for e in v.edges)]
        if connected:
            groups.append((_stage_title(v, len(groups) + 1, layer == 0, connected), connected))
    _cumulative_steps(v, groups)
    v.point = list(v.nodes)
    return v


def _prerequisites(v: View) -> dict[str, set[str]]:
    """What each node of the view needs first: what it requires and what enables it."""
    needs: dict[str, set[str]] = defaultdict(set)
    for e in v.edges:
        if e.rel in (REQUIRES, str(R2P.requires)):
            needs[e.source].add(e.target)
        elif e.rel == ENABLES:
            needs[e.target].add(e.source)
    return needs


def _stage_title(v: View, number: int, first: bool, members: list[str]) -> str:
    """A stage's title as a trainer would say it: the node it is about and how many come with it.
    The first stage is about what the others need most; a later one about what needs most."""
    needs = _prerequisites(v)
    needed_by: dict[str, int] = defaultdict(int)
    for wants in needs.values():
        for n in wants:
            needed_by[n] += 1
    weight = (lambda n: needed_by[n]) if first else (lambda n: len(needs[n]))
    # ties: the shortest name, which a slide's title can carry
    lead = min(members, key=lambda n: (-weight(n), len(v.nodes[n].label), v.nodes[n].label.lower(), n))
    name = v.nodes[lead].label
    more = f" and {len(members) - 1} more" if len(members) > 1 else ""
    if first:
        return f"Stage {number}: {name}{more} to start from"
    return f"Stage {number}: {name} ({_count(len(needs[lead]), 'prerequisite')}){more}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _is_measure(f: Facts, n: str) -> bool:
    return MEASURE in f.ancestors(f.node_class.get(n, DOMAIN_ENTITY))


def _dependency_layers(v: View, f: Facts) -> dict[str, int]:
    """Layer 0 holds what needs nothing; a node sits one layer right of everything it requires."""
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(v.nodes)
    for e in v.edges:
        if e.rel in (REQUIRES, str(R2P.requires)):
            g.add_edge(e.target, e.source)  # the requirement comes first
        elif e.rel == ENABLES:
            g.add_edge(e.source, e.target)
    cond = nx.condensation(g)
    layer_of_scc: dict[int, int] = {}
    for scc in nx.topological_sort(cond):
        preds = list(cond.predecessors(scc))
        layer_of_scc[scc] = 1 + max(layer_of_scc[p] for p in preds) if preds else 0
    layers = {n: layer_of_scc[cond.graph["mapping"][n]] for n in v.nodes}
    for e in v.edges:  # a bundle node sits with its members
        if e.rel == str(R2P.member):
            layers[e.source] = layers[e.target]
    return layers


@view_family("whole", order=20, heading="The whole argument",
             intro="The causal links and claims of the documents, to explore or to project.")
def whole_views(ctx: ViewContext) -> list[ViewSpec]:
    f = ctx.facts
    return [
        ViewSpec(
            "overview",
            "Overview",
            f"All {len(f.links)} causal links drawn from the documents, "
            f"{sum(lk.inferred_by_curators for lk in f.links.values())} of them the curators' reading: what raises "
            "the risk of atrocities and what lowers it.",
            lambda: overview(f),
            "whole",
        ),
        ViewSpec(
            "arguments",
            "Argument map",
            f"All {len(f.claims)} claims of the documents, section by section, with who supports or attacks whom.",
            lambda: argument_map(f),
            "whole",
        ),
    ]


@view_family("pathways", order=30, heading="Risks and what addresses them",
             intro="One map per risk factor or joint condition.")
def pathway_views(ctx: ViewContext) -> list[ViewSpec]:
    f = ctx.facts
    specs = []
    for group in pathway_groups(f):
        if len(group) == 1:
            start = group[0]
            specs.append(
                ViewSpec(
                    f"pathways-{slug(start)}",
                    f"Pathways from {pathway_subject(f, start)}",
                    f"What addresses {pathway_subject(f, start)} in the documents: "
                    f"{sum(1 for p in f.pathways if p.risk == start)} pathway(s)"
                    + _through_curators(f, start) + ", and what their measures need first.",
                    partial(pathway_family, f, start),
                    "pathways",
                )
            )
        else:
            names = _and([pathway_subject(f, s) for s in group])
            specs.append(
                ViewSpec(
                    f"pathways-{slug(group[0])}-and-{len(group) - 1}-more",
                    f"Pathways from {names}",
                    f"{names}: their pathways share most of their measures and steps, so one map "
                    f"({sum(1 for p in f.pathways if p.risk in group)} pathways).",
                    partial(merged_pathway_family, f, list(group)),
                    "pathways",
                )
            )
    return specs


@view_family("measures", order=40, heading="What the measures need",
             intro="Requirements between measures, with their cases.")
def requirement_views(ctx: ViewContext) -> list[ViewSpec]:
    f = ctx.facts
    if not (any(lk.relation in (REQUIRES, ENABLES) for lk in f.links.values()) or f.bundles or f.requirements):
        return []
    return [
        ViewSpec(
            "requirements",
            "Requirements of the measures",
            f"What each measure needs first ({len(f.requirements)} requirements) and which must advance together.",
            lambda: requirements(f),
            "measures",
        )
    ]


@view_family("countries", order=50, heading="Country cases",
             intro="What the documents say about each country they discuss.")
def country_views(ctx: ViewContext) -> list[ViewSpec]:
    f = ctx.facts
    countries = sorted((n for n, c in f.node_class.items() if c == COUNTRY), key=lambda n: f.label(n).lower())
    return [
        ViewSpec(
            f"country-{slug(c)}",
            f"Country case: {f.label(c)}",
            f"{f.label(c)}: {_country_summary(f, c)}",
            partial(country_case, f, c),
            "countries",
        )
        for c in countries
        if _country_has_content(f, c)
    ]


def _country_summary(f: Facts, country: str) -> str:
    anchors = {country} | {n for n, ps in f.located_in.items() if country in ps}
    cases = sorted({n for n in anchors if f.node_class.get(n) == CASE}, key=lambda n: f.label(n).lower())
    claims = {c for a in anchors for c in f.claims_about.get(a, []) if c in f.claims}
    head = f"{len(claims)} claim{'s' if len(claims) != 1 else ''}"
    if cases:
        return head + "; cases: " + "; ".join(f.label(c) for c in cases[:3]) + (" ..." if len(cases) > 3 else "")
    # the links country_case draws: those of its cases, or from or to the country and its places
    links = sum(1 for lk in f.links.values() if set(lk.cases) & anchors or lk.cause in anchors or lk.effect in anchors)
    return head + (f" and {_count(links, 'causal link')} tied to it." if links else ".")


def _country_has_content(f: Facts, country: str) -> bool:
    anchors = {country} | {n for n, ps in f.located_in.items() if country in ps}
    return any(f.claims_about.get(a) for a in anchors) or any(
        set(lk.cases) & anchors or lk.cause in anchors or lk.effect in anchors for lk in f.links.values()
    )
