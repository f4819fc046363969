"""Strength, ordering and keystones.

A step's *rank* is the best stated breadth (r2p:rank of the consensus level)
among its claims, 0 when no claim states a breadth (the rapporteur's framing,
a commissioned author's position). A route's *strength* is its weakest step
rank: a step whose breadth the brief does not state counts as the lowest,
never as a pass; its *modality* its weakest step modality
(asserted, then possible or normative, then hypothetical or questioned); it is
*participants'* when every step rests on at least one claim of the
participants (speaker role r2p:ParticipantRole).

Routes, and entries by their lead route, are ranked by grounding first (one
claim, then one paragraph, a support chain, a shared case, a section), then
modality (firmer first), strength (higher first), participants' before
others, specificity (higher first), fewer steps, then IRI. The speaker role is a
mark of its own, after breadth: it never stands in for a breadth the brief
does not state.

*Keystones*: for each measure, the entries it takes part in (as the measure or
on the way) and its betweenness in the signed step graph (exact up to
``samples`` nodes, seeded sampling above).
"""

from __future__ import annotations

import random
from array import array

from graph.pathways.model import GROUNDINGS, Pathway, Route
from graph.pathways.signed import SignedGraph


def route_key(r: Route) -> tuple:
    """What the text states before what rests on the curators' reading (para 28: the text's "preventive SSR, DDR,
    and JSR" for mass violence, before the curators' SSR against the military's politicisation), then the
    tighter grounding, the firmer modality, the wider support, the more specific, the shorter."""
    grounding = GROUNDINGS.index(r.grounding) if r.grounding else len(GROUNDINGS)
    return (r.curators, grounding, r.modality, -r.strength, not r.participants, -r.specificity, len(r.steps), r.iri)


def entry_key(p: Pathway) -> tuple:
    return (*route_key(p.lead)[:-1], p.measure)


def betweenness(sg: SignedGraph, nodes: list[str], samples: int) -> dict[str, float]:
    """Betweenness over the signed steps (Brandes): exact up to `samples` nodes, seeded sampling above.

    Normalised as networkx does for directed graphs (and scaled by n/k when
    sampling). Written over integer adjacency arrays rather than calling
    networkx because it dominates the run time on large graphs; the tests
    check it against networkx.
    """
    n = len(nodes)
    if n < 3:
        return dict.fromkeys(nodes, 0.0)
    index = {node: i for i, node in enumerate(nodes)}
    pairs = sorted({(index[s.source], index[s.target]) for s in sg.steps if s.source in index and s.target in index})
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
