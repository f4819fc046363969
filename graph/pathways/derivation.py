"""Derive pathways, requirements, bundles, implementation order and keystones from the projection.

Works on the networkx graph only (see projection.py for its schema), so it can
be run and benchmarked on synthetic graphs. Costs: one pass over the edges to
index them, a breadth-first search over (node, sign) states that prunes every
branch that cannot end at a measure with the right sign in the steps left, a
second (bucketed, backward) pass over those states that prunes consequence
searches the same way, two bounded searches per risk factor (direct and
consequence pathways, each with at most ``max_pathways_per_risk`` partial
chains per length), a condensation of the requires graph, and betweenness from
at most ``betweenness_samples`` sources. The transitive requirements are
output-sized: linear as long as dependency chains stay local.
"""

from __future__ import annotations

import gc
import hashlib
import random
from array import array
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import networkx as nx

from graph import __version__
from graph.pathways.model import CONSEQUENCE, DIRECT, MEASURE, RISK, Pathway, PathwayReport, Ranking, Stage, Step
from graph.pathways.projection import project

if TYPE_CHECKING:
    from graph.store import KnowledgeGraph

DERIVED_BASE = "https://w3id.org/r2pkg/resource/derived/"
_RESOURCE_BASE = "https://w3id.org/r2pkg/resource/"
DEFAULT_MAX_STEPS = 4
DEFAULT_MAX_PATHWAYS_PER_RISK = 500
DEFAULT_BETWEENNESS_SAMPLES = 1000

# An incoming signed edge, as the backward search reads it: (source, link IRI, polarity).
InEdge = tuple[str, str, int]
# An outgoing signed edge, as the consequence search reads it: (target, link IRI, polarity).
OutEdge = tuple[str, str, int]
# A consequence chain: the links from the risk factor forwards to the consequence, then the
# links from the consequence backwards to the measure.
ConsequenceChain = tuple[tuple[OutEdge, ...], tuple[InEdge, ...]]
_FAR = 1 << 30  # "not within the step budget"


def digest(*parts: str, size: int = 12) -> str:
    """A short content hash: the stable part of derived IRIs."""
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:size]


def slug(iri: str) -> str:
    """A readable IRI fragment: the local name of a project resource, else a hash."""
    if iri.startswith(_RESOURCE_BASE):
        local = iri[len(_RESOURCE_BASE):]
        cleaned = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in local)
        if cleaned:
            return cleaned
    return "h" + digest(iri, size=10)


def _safe(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text)


def _kinds(g: nx.MultiDiGraph, node: str) -> frozenset[str]:
    return g.nodes[node].get("kinds", frozenset())


def _signed_reach(
    g: nx.MultiDiGraph, measures: list[str], max_steps: int
) -> dict[tuple[str, int], int]:
    """Fewest steps from any measure to each (node, net sign) state, up to max_steps.

    A state (n, s) is reachable in d steps when some chain of d signed links
    leads from a measure to n with net effect s. The backward search uses it to
    expand only predecessors that can still end at a measure with the sign it needs.
    """
    dist: dict[tuple[str, int], int] = {(m, 1): 0 for m in measures}
    queue = deque(dist)
    while queue:
        node, sign = queue.popleft()
        d = dist[(node, sign)]
        if d == max_steps:
            continue
        for _, target, polarity in g.out_edges(node, data="polarity"):
            if not polarity:
                continue
            state = (target, sign * polarity)
            if state not in dist:
                dist[state] = d + 1
                queue.append(state)
    return dist


def _incoming(g: nx.MultiDiGraph) -> dict[str, list[InEdge]]:
    """Signed in-edges of every node, sorted by (source, link) so the search order is fixed."""
    incoming: dict[str, list[InEdge]] = defaultdict(list)
    for source, target, link, polarity in g.edges(keys=True, data="polarity"):
        if polarity:
            incoming[target].append((source, link, polarity))
    for edges in incoming.values():
        edges.sort()
    return incoming


def _outgoing(g: nx.MultiDiGraph) -> dict[str, list[OutEdge]]:
    """Signed out-edges of every node, sorted by (target, link) so the search order is fixed."""
    outgoing: dict[str, list[OutEdge]] = defaultdict(list)
    for source, target, link, polarity in g.edges(keys=True, data="polarity"):
        if polarity:
            outgoing[source].append((target, link, polarity))
    for edges in outgoing.values():
        edges.sort()
    return outgoing


def _consequence_need(
    incoming: dict[str, list[InEdge]], reach: dict[tuple[str, int], int], max_steps: int
) -> dict[tuple[str, int], int]:
    """Fewest further steps that can complete a consequence pathway from a forward state, past one more link.

    A forward state (x, s) is a chain from the risk factor to x with net effect
    s. It completes by turning at x when s is +1 (x is then a consequence, and
    some measure must reach x with net effect -1: ``reach[(x, -1)]`` steps), or
    by going on along a link x -> y first. ``need(x, s) = min(turn(x, s),
    1 + min need(y, s * polarity))``; the function returns only the second term
    ("go on": the forward search keeps a chain only where going on can pay off,
    since turning is tried on its own). Bucketed by distance, so one pass over
    the in-edges of the states within the budget.
    """
    need: dict[tuple[str, int], int] = {}
    go_on: dict[tuple[str, int], int] = {}
    buckets: list[list[tuple[str, int]]] = [[] for _ in range(max_steps + 1)]
    for (node, sign), d in reach.items():
        if sign == -1 and d <= max_steps:
            need[(node, 1)] = d
            buckets[d].append((node, 1))
    for d in range(max_steps):
        for node, sign in buckets[d]:
            if need[(node, sign)] != d:
                continue  # reached more cheaply since it was queued
            for source, _, polarity in incoming.get(node, ()):
                state = (source, sign * polarity)
                if d + 1 < go_on.get(state, _FAR):
                    go_on[state] = d + 1
                if d + 1 < need.get(state, _FAR):
                    need[state] = d + 1
                    buckets[d + 1].append(state)
    return go_on


def _chains_to(
    risk: str,
    g: nx.MultiDiGraph,
    incoming: dict[str, list[InEdge]],
    reach: dict[tuple[str, int], int],
    max_steps: int,
    cap: int,
) -> tuple[list[tuple[InEdge, ...]], bool]:
    """Chains (backwards from the risk factor) that end at a measure with net effect -1.

    Breadth first, so shorter chains come first; at most ``cap`` partial chains
    are kept per length and ``cap`` chains returned. Returns (chains, truncated).
    """
    found: list[tuple[InEdge, ...]] = []
    truncated = False
    # A partial chain: (node reached, net sign from node to the risk factor, nodes on it, edges on it).
    frontier: list[tuple[str, int, frozenset[str], tuple[InEdge, ...]]] = [(risk, 1, frozenset([risk]), ())]
    for depth in range(1, max_steps + 1):
        steps_left = max_steps - depth
        nxt: list[tuple[str, int, frozenset[str], tuple[InEdge, ...]]] = []
        for node, sign, on_chain, edges in frontier:
            for edge in incoming.get(node, ()):
                source, _, polarity = edge
                if source in on_chain:
                    continue
                net = sign * polarity
                chain = (*edges, edge)
                if net == -1 and MEASURE in _kinds(g, source):
                    if len(found) >= cap:
                        return found, True
                    found.append(chain)
                # Go on only if some measure reaches `source` with the sign still needed (-net).
                if steps_left and reach.get((source, -net), max_steps + 1) <= steps_left:
                    if len(nxt) >= cap:
                        truncated = True
                        continue
                    nxt.append((source, net, on_chain | {source}, chain))
        frontier = nxt
        if not frontier:
            break
    return found, truncated


def _keep(frontier: list, partial: tuple, cap: int) -> bool:
    """Add a partial chain to the next frontier unless it is full; False when it was full."""
    if len(frontier) >= cap:
        return False
    frontier.append(partial)
    return True


def _consequence_chains(
    risk: str,
    g: nx.MultiDiGraph,
    incoming: dict[str, list[InEdge]],
    outgoing: dict[str, list[OutEdge]],
    reach: dict[tuple[str, int], int],
    go_on: dict[tuple[str, int], int],
    max_steps: int,
    cap: int,
) -> tuple[list[ConsequenceChain], bool]:
    """Chains that counter a consequence of the risk factor: risk -> ... -> C (net +1) <- ... <- measure (net -1).

    One breadth-first search over total length: a partial chain first runs
    forwards from the risk factor along signed links; wherever its net effect
    is +1 it may turn at that node (the consequence C, never the risk factor
    itself) and then runs backwards from C as the direct search does. No node
    twice across both halves, so a chain that reaches C through the risk factor
    (a direct pathway extended) never counts. Both halves are pruned with the
    precomputed distances, at most ``cap`` partial chains are kept per length,
    and the chains found at one length are taken in order of pathway IRI until
    ``cap`` are found. Returns (chains, truncated).
    """
    found: list[ConsequenceChain] = []
    truncated = False
    # A partial chain: (turned?, node reached, net sign, nodes on it, forward links, backward links).
    # Before the turn the sign is the risk factor's net effect on the node; after it, the node's on C.
    Partial = tuple[bool, str, int, frozenset[str], tuple[OutEdge, ...], tuple[InEdge, ...]]
    frontier: list[Partial] = [(False, risk, 1, frozenset([risk]), (), ())]
    for depth in range(1, max_steps + 1):
        steps_left = max_steps - depth
        nxt: list[Partial] = []
        here: list[ConsequenceChain] = []
        for turned, node, sign, on_chain, forward, backward in frontier:
            if not turned:
                for edge in outgoing.get(node, ()):
                    target, _, polarity = edge
                    if target in on_chain:
                        continue
                    net, chain, nodes = sign * polarity, (*forward, edge), on_chain | {target}
                    # Turn at the target: some measure must lower it within the steps left.
                    if net == 1 and reach.get((target, -1), _FAR) <= steps_left:
                        truncated |= not _keep(nxt, (True, target, 1, nodes, chain, ()), cap)
                    # Or go on forwards, if that can still end in a pathway within the budget.
                    if go_on.get((target, net), _FAR) <= steps_left:
                        truncated |= not _keep(nxt, (False, target, net, nodes, chain, ()), cap)
                continue
            for edge in incoming.get(node, ()):
                source, _, polarity = edge
                if source in on_chain:
                    continue
                net, chain = sign * polarity, (*backward, edge)
                if net == -1 and MEASURE in _kinds(g, source):
                    here.append((forward, chain))
                if steps_left and reach.get((source, -net), _FAR) <= steps_left:
                    truncated |= not _keep(nxt, (True, source, net, on_chain | {source}, forward, chain), cap)
        here.sort(key=lambda c: _consequence_iri(risk, c))
        room = cap - len(found)
        if len(here) > room:
            found.extend(here[:room])
            return found, True
        found.extend(here)
        frontier = nxt
        if not frontier:
            break
    return found, truncated


def _requirements(
    g: nx.MultiDiGraph,
) -> tuple[nx.DiGraph, dict[str, tuple[str, ...]], dict[tuple[str, str], set[str]]]:
    """The requires condensation, every node's transitive requirements, the claims behind requires edges."""
    req = nx.DiGraph()
    claims: dict[tuple[str, str], set[str]] = defaultdict(set)
    for source, target, data in g.edges(data=True):
        if data.get("polarity") == 0 and source != target:
            req.add_edge(source, target)
            claims[(source, target)].update(data.get("claims", ()))
    cond = nx.condensation(req)
    members = cond.graph["mapping"]  # node -> component id
    reach: dict[int, frozenset[str]] = {}
    for comp in reversed(list(nx.topological_sort(cond))):
        acc: set[str] = set(cond.nodes[comp]["members"]) if len(cond.nodes[comp]["members"]) > 1 else set()
        for succ in cond.successors(comp):
            acc |= cond.nodes[succ]["members"]
            acc |= reach[succ]
        reach[comp] = frozenset(acc)
    requirements = {
        node: tuple(sorted(reach[members[node]] - {node}))
        for node in sorted(req)
        if reach[members[node]] - {node}
    }
    return cond, requirements, claims


def _stages(cond: nx.DiGraph, claims: dict[tuple[str, str], set[str]]) -> tuple[Stage, ...]:
    """Condensation components in implementation order: what a component requires comes first."""
    component = cond.graph.get("mapping", {})
    inside: dict[int, set[str]] = defaultdict(set)  # claims of requires links within one component
    for (source, target), cs in claims.items():
        if component[source] == component[target]:
            inside[component[source]].update(cs)
    smallest = {c: min(cond.nodes[c]["members"]) for c in cond}
    order = nx.lexicographical_topological_sort(cond.reverse(copy=False), key=lambda c: smallest[c])
    stages = []
    for i, comp in enumerate(order, start=1):
        mem = tuple(sorted(cond.nodes[comp]["members"]))
        kind = "bundle" if len(mem) > 1 else "stage"
        stages.append(
            Stage(
                order=i,
                members=mem,
                claims=tuple(sorted(inside.get(comp, ()))),
                iri=f"{DERIVED_BASE}{kind}-{slug(mem[0])}-{digest(*mem, size=8)}",
            )
        )
    return tuple(stages)


def _pathway_iri(risk: str, links: list[str] | tuple[str, ...], form: str = DIRECT) -> str:
    """Direct pathways hash the risk factor and the links; consequence pathways add their form."""
    parts = (risk, *links) if form == DIRECT else (risk, form, *links)
    return f"{DERIVED_BASE}pathway-{slug(risk)}-{digest(*parts)}"


def _consequence_links(chain: ConsequenceChain) -> list[str]:
    """The links of a consequence chain in step order: measure -> ... -> C, then C back to the risk factor."""
    forward, backward = chain
    return [link for _, link, _ in reversed(backward)] + [link for _, link, _ in reversed(forward)]


def _consequence_iri(risk: str, chain: ConsequenceChain) -> str:
    return _pathway_iri(risk, _consequence_links(chain), CONSEQUENCE)


def _step(g: nx.MultiDiGraph, index: int, source: str, target: str, link: str) -> Step:
    data = g.edges[source, target, link]
    return Step(
        index=index,
        link=link,
        source=source,
        target=target,
        relation=data["relation"],
        relation_label=data.get("relation_label", ""),
        polarity=data["polarity"],
        claims=tuple(data.get("claims", ())),
        rank=data.get("rank", 0),
        contested=bool(data.get("contested", False)),
        cases=tuple(data.get("cases", ())),
    )


def _label(g: nx.MultiDiGraph, node: str) -> str:
    return g.nodes[node].get("label") or slug(node)


def _assemble(
    risk: str,
    form: str,
    steps: list[Step],
    label: str,
    requirements: dict[str, tuple[str, ...]],
    consequence: str = "",
) -> Pathway:
    """Strength, contested flag and prerequisites, the same way for both forms."""
    measure = steps[0].source
    return Pathway(
        iri=_pathway_iri(risk, [s.link for s in steps], form),
        risk=risk,
        measure=measure,
        steps=tuple(steps),
        strength=min(s.rank for s in steps),
        contested=any(s.contested for s in steps),
        prerequisites=requirements.get(measure, ()),
        label=label,
        form=form,
        consequence=consequence,
    )


def _pathway(
    risk: str, chain: tuple[InEdge, ...], g: nx.MultiDiGraph, requirements: dict[str, tuple[str, ...]]
) -> Pathway:
    """A direct pathway from a backward chain (risk factor first)."""
    # The chain runs backwards from the risk factor; steps are numbered forwards from the measure.
    ends = [risk, *(source for source, _, _ in chain)]  # ends[i + 1] --chain[i]--> ends[i]
    steps = [
        _step(g, index, ends[i + 1], ends[i], chain[i][1])
        for index, i in enumerate(reversed(range(len(chain))), start=1)
    ]
    label = " ← ".join(_label(g, n) for n in ends)
    return _assemble(risk, DIRECT, steps, label, requirements)


def _consequence_pathway(
    risk: str, chain: ConsequenceChain, g: nx.MultiDiGraph, requirements: dict[str, tuple[str, ...]]
) -> Pathway:
    """A consequence pathway: the measure's chain to C, then the links from C back to the risk factor.

    Every step keeps its link's own direction (source = cause), so the second
    half runs against the walking order: step k+1 is the link that reaches C.
    """
    forward, backward = chain
    raised = [risk, *(target for target, _, _ in forward)]  # raised[i] --forward[i]--> raised[i + 1]
    consequence = raised[-1]
    lowering = [consequence, *(source for source, _, _ in backward)]  # lowering[i + 1] --backward[i]--> lowering[i]
    ends = [(lowering[i + 1], lowering[i], backward[i][1]) for i in reversed(range(len(backward)))]
    ends += [(raised[i], raised[i + 1], forward[i][1]) for i in reversed(range(len(forward)))]
    steps = [_step(g, index, *e) for index, e in enumerate(ends, start=1)]
    label = " → ".join(_label(g, n) for n in raised) + " ← " + " ← ".join(_label(g, n) for n in lowering[1:])
    return _assemble(risk, CONSEQUENCE, steps, label, requirements, consequence)


def _order(p: Pathway) -> tuple:
    """Report order: per risk factor, direct pathways (strongest, then shortest, first), then
    consequence pathways (shortest first, then by IRI)."""
    if p.form == DIRECT:
        return (p.risk, 0, -p.strength, len(p.steps), p.measure, [s.link for s in p.steps])
    return (p.risk, 1, 0, len(p.steps), p.iri, [])


def _betweenness(g: nx.MultiDiGraph, samples: int) -> dict[str, float]:
    """Betweenness over the signed links (Brandes): exact up to `samples` nodes, seeded sampling above.

    Normalised as networkx does for directed graphs (and scaled by n/k when
    sampling). Written over integer adjacency lists rather than calling
    networkx because it dominates the run time on large graphs; the tests
    check it against networkx.
    """
    nodes = sorted(g)
    n = len(nodes)
    if n < 3:
        return dict.fromkeys(nodes, 0.0)
    index = {node: i for i, node in enumerate(nodes)}
    pairs = sorted({(index[s], index[t]) for s, t, p in g.edges(data="polarity") if p and s != t})
    # Compressed adjacency in flat typed arrays: far fewer cache misses than lists of lists.
    succ_ptr, succ = _csr(n, pairs)
    pred_ptr, pred = _csr(n, sorted((t, s) for s, t in pairs))
    sources = range(n) if n <= samples else sorted(random.Random(0).sample(range(n), samples))
    score = array("d", bytes(8 * n))
    for source in sources:
        dist = array("l", [-1]) * n
        sigma = array("d", bytes(8 * n))
        dist[source], sigma[source] = 0, 1.0
        order, queue = [source], 0
        while queue < len(order):
            v = order[queue]
            queue += 1
            dv, sv = dist[v] + 1, sigma[v]
            for w in succ[succ_ptr[v]:succ_ptr[v + 1]]:
                if dist[w] < 0:
                    dist[w] = dv
                    order.append(w)
                if dist[w] == dv:
                    sigma[w] += sv
        delta = array("d", bytes(8 * n))
        for w in reversed(order):
            dw = dist[w] - 1
            coeff = (1.0 + delta[w]) / sigma[w]
            for v in pred[pred_ptr[w]:pred_ptr[w + 1]]:
                if dist[v] == dw:
                    delta[v] += sigma[v] * coeff
            if w != source:
                score[w] += delta[w]
    scale = 1.0 / ((n - 1) * (n - 2)) * (n / len(sources))
    return {node: score[i] * scale for i, node in enumerate(nodes)}


def _csr(n: int, pairs: list[tuple[int, int]]) -> tuple[array, array]:
    """Sorted (row, column) pairs as compressed sparse rows: row i's columns are cols[ptr[i]:ptr[i+1]]."""
    ptr = array("l", bytes(8 * (n + 1)))
    for row, _ in pairs:
        ptr[row + 1] += 1
    for i in range(n):
        ptr[i + 1] += ptr[i]
    return ptr, array("l", [col for _, col in pairs])


@contextmanager
def _without_cycle_collector() -> Iterator[None]:
    """Pause Python's cycle collector while deriving.

    The derivation allocates millions of small tuples and creates no reference
    cycles (reference counting frees everything), but each full collection
    walks the whole heap, graph included, which makes time grow faster than
    the graph on large inputs.
    """
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
) -> PathwayReport:
    """Pathways, requirements, bundles, implementation order and keystones of a projected graph."""
    if max_steps < 1:
        raise ValueError("max_steps must be at least 1")
    with _without_cycle_collector():
        return _derive(g, max_steps, max_pathways_per_risk, betweenness_samples, version)


def _derive(
    g: nx.MultiDiGraph, max_steps: int, max_pathways_per_risk: int, betweenness_samples: int, version: str
) -> PathwayReport:
    nodes = sorted(g)
    measures = [n for n in nodes if MEASURE in _kinds(g, n)]
    risks = tuple(n for n in nodes if RISK in _kinds(g, n))

    cond, requirements, req_claims = _requirements(g)
    stages = _stages(cond, req_claims)

    incoming, outgoing = _incoming(g), _outgoing(g)
    reach = _signed_reach(g, measures, max_steps)
    go_on = _consequence_need(incoming, reach, max_steps)
    pathways: list[Pathway] = []
    truncated: list[str] = []
    for risk in risks:
        chains, cut = _chains_to(risk, g, incoming, reach, max_steps, max_pathways_per_risk)
        pathways.extend(_pathway(risk, chain, g, requirements) for chain in chains)
        if max_steps > 1:
            via, cut_via = _consequence_chains(
                risk, g, incoming, outgoing, reach, go_on, max_steps, max_pathways_per_risk
            )
            pathways.extend(_consequence_pathway(risk, chain, g, requirements) for chain in via)
            cut = cut or cut_via
        if cut:
            truncated.append(risk)
    pathways.sort(key=_order)

    through: dict[str, list[str]] = defaultdict(list)
    for p in pathways:
        for n in p.nodes:
            if MEASURE in _kinds(g, n):
                through[n].append(p.iri)
    betweenness = _betweenness(g, betweenness_samples)
    rankings = sorted(
        (
            Ranking(
                measure=m,
                pathway_count=len(through[m]),
                betweenness=round(betweenness.get(m, 0.0), 6),
                pathways=tuple(sorted(through[m])),
                iri=f"{DERIVED_BASE}ranking-{slug(m)}",
            )
            for m in measures
        ),
        key=lambda r: (-r.pathway_count, -r.betweenness, r.measure),
    )
    return PathwayReport(
        version=version,
        max_steps=max_steps,
        max_pathways_per_risk=max_pathways_per_risk,
        run_iri=f"{DERIVED_BASE}run-pathways-{_safe(version)}-max{max_steps}-cap{max_pathways_per_risk}",
        risks=risks,
        pathways=tuple(pathways),
        requirements=requirements,
        stages=stages,
        rankings=tuple(rankings),
        truncated=tuple(truncated),
        labels={n: g.nodes[n]["label"] for n in nodes if g.nodes[n].get("label")},
        claims=dict(sorted(g.graph.get("claims", {}).items())),
    )


def derive_pathways(kg: KnowledgeGraph, max_steps: int = DEFAULT_MAX_STEPS, **options: int) -> PathwayReport:
    """Project a loaded graph's causal layer and derive its pathway report."""
    return derive(project(kg), max_steps, **options)
