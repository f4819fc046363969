"""The signed step graph the searches walk: parallel causal links that say the same thing are one step.

Links with the same cause, effect and polarity collapse into one ``Step`` (graph.readmodel)
whose evidence is all of them (their claims, cases, ranks and modalities), so
a claim repeated by many links (or many briefs of a corpus) widens the
evidence of a step instead of multiplying the routes. Links whose modality is
not allowed (hypothetical and questioned ones, unless asked for) are left out
before collapsing.
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from graph import readmodel
from graph.readmodel import MODALITY_LEVELS, Step, modality_level

__all__ = ["MODALITY_LEVELS", "SignedGraph", "modality_level"]

# An adjacency entry: (the node at the other end, polarity, step id).
Adj = tuple[str, int, int]


class SignedGraph:
    """Collapsed signed steps with sorted out- and in-adjacency (so every search visits them in a fixed order)."""

    def __init__(self, g: nx.MultiDiGraph, levels: frozenset[int]) -> None:
        groups: dict[tuple[str, str, int], list[tuple[str, dict]]] = defaultdict(list)
        for u, v, key, data in g.edges(keys=True, data=True):
            polarity = data.get("polarity")
            if polarity not in (1, -1) or u == v or data.get("requirement"):
                continue
            if modality_level(data.get("modality")) not in levels:
                continue
            groups[(u, v, polarity)].append((key, data))
        self.steps: list[Step] = []  # index 0: a route gives each its place
        self.out: dict[str, list[Adj]] = defaultdict(list)
        self.inc: dict[str, list[Adj]] = defaultdict(list)
        for (u, v, polarity), links in sorted(groups.items()):
            links.sort(key=lambda kd: kd[0])
            relations = sorted({d["relation"] for _, d in links})
            labels = sorted({d.get("relation_label") or d["relation"].rsplit("#", 1)[-1] for _, d in links})
            modalities = sorted({d.get("modality") or readmodel.ASSERTED for _, d in links})
            step = Step(
                index=0,
                source=u,
                target=v,
                polarity=polarity,
                links=tuple(k for k, _ in links),
                relation=relations[0],
                relation_label=" / ".join(labels),
                claims=tuple(sorted({c for _, d in links for c in d.get("claims", ())})),
                rank=max((d.get("rank", 0) for _, d in links), default=0),
                contested=any(d.get("contested", False) for _, d in links),
                cases=tuple(sorted({c for _, d in links for c in d.get("cases", ())})),
                modality=min(modality_level(m) for m in modalities),
                modalities=tuple(modalities),
                curators=all(d.get("curators", False) for _, d in links),
            )
            index = len(self.steps)
            self.steps.append(step)
            self.out[u].append((v, polarity, index))
            self.inc[v].append((u, polarity, index))
        for adj in self.inc.values():
            adj.sort()
