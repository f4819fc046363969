"""A view: the nodes, edges and presentation steps of one map, before layout and HTML."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class MapNode:
    id: str
    label: str
    cls: str  # legend class (an ontology class IRI)
    kind: str  # label of the node's most specific class
    fill: str
    shape: str
    border: str
    sectors: list[str] = field(default_factory=list)
    consensus: str = ""
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class MapEdge:
    id: str
    source: str
    target: str
    rel: str  # legend relation (a relation type, class or property IRI)
    label: str = ""
    consensus: str = ""
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Step:
    """One press of the arrow key in presentation mode: what it adds to the map, and why."""

    caption: str
    nodes: list[str] = field(default_factory=list)
    edges: list[str] = field(default_factory=list)


@dataclass
class View:
    name: str
    title: str
    description: str
    nodes: dict[str, MapNode] = field(default_factory=dict)
    edges: list[MapEdge] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    layout: str = "spring"  # "spring" or "layered"
    layers: dict[str, int] = field(default_factory=dict)
    edge_labels: bool = False
    anchor: str = ""  # the node the view is about (a country, a risk factor): drawn larger
    attached: set[str] = field(default_factory=set)  # layered layout: placed beside their edges' targets

    def edge_ids(self) -> set[str]:
        return {e.id for e in self.edges}
