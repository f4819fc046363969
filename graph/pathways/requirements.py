"""Requirements, co-requisite bundles and the implementation order, from the requirement edges.

``a requires b`` (an r2p:Requirement with r2p:dependent a and r2p:prerequisite
b) means b must be in place for a. A node's requirements are its descendants
in that graph (transitive); *co-requisite bundles* are its strongly connected
components with two or more members (they must advance together); the
*implementation order* numbers the components of the condensation so that
every component comes after all it requires, ties going to the component
whose smallest member IRI sorts first. Requirements whose modality is not
allowed (hypothetical or questioned, unless asked for) are left out.
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from graph.pathways.ids import DERIVED_BASE, digest, slug
from graph.pathways.model import Stage
from graph.pathways.signed import modality_level
from graph.readmodel import Requirement


def requirement_links(g: nx.MultiDiGraph, levels: frozenset[int]) -> tuple[Requirement, ...]:
    out = []
    for source, target, key, data in g.edges(keys=True, data=True):
        if data.get("polarity") != 0 or source == target:
            continue
        if modality_level(data.get("modality")) not in levels:
            continue
        out.append(
            Requirement(
                iri=key,
                dependent=source,
                prerequisite=target,
                claims=tuple(data.get("claims", ())),
                cases=tuple(data.get("cases", ())),
                modality=data.get("modality") or "",
                inferred_by_curators=bool(data.get("inferred", False)),
                note=data.get("note", ""),
            )
        )
    return tuple(sorted(out, key=lambda r: (r.dependent, r.prerequisite, r.iri)))


def requirements(links: tuple[Requirement, ...]) -> tuple[dict[str, tuple[str, ...]], tuple[Stage, ...]]:
    """Every node's transitive requirements, and the condensation's components in implementation order."""
    req = nx.DiGraph()
    req.add_edges_from((r.dependent, r.prerequisite) for r in links)
    cond = nx.condensation(req)
    component = cond.graph["mapping"]  # node -> component id
    reach: dict[int, frozenset[str]] = {}
    for comp in reversed(list(nx.topological_sort(cond))):
        members = cond.nodes[comp]["members"]
        acc: set[str] = set(members) if len(members) > 1 else set()
        for succ in cond.successors(comp):
            acc |= cond.nodes[succ]["members"]
            acc |= reach[succ]
        reach[comp] = frozenset(acc)
    transitive = {
        node: tuple(sorted(reach[component[node]] - {node}))
        for node in sorted(req)
        if reach[component[node]] - {node}
    }
    inside: dict[int, list[Requirement]] = defaultdict(list)
    for r in links:
        if component[r.dependent] == component[r.prerequisite]:
            inside[component[r.dependent]].append(r)
    smallest = {c: min(cond.nodes[c]["members"]) for c in cond}
    order = nx.lexicographical_topological_sort(cond.reverse(copy=False), key=lambda c: smallest[c])
    stages = []
    for i, comp in enumerate(order, start=1):
        mem = tuple(sorted(cond.nodes[comp]["members"]))
        kind = "bundle" if len(mem) > 1 else "stage"
        reqs = inside.get(comp, [])
        stages.append(
            Stage(
                order=i,
                members=mem,
                claims=tuple(sorted({c for r in reqs for c in r.claims})),
                iri=f"{DERIVED_BASE}{kind}-{slug(mem[0])}-{digest(*mem, size=8)}",
                cases=tuple(sorted({c for r in reqs for c in r.cases})),
                requirements=tuple(sorted(r.iri for r in reqs)),
            )
        )
    return transitive, tuple(stages)
