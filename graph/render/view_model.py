"""A view: the nodes, edges and presentation steps of one map, before layout and HTML."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
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
    dashed: bool | list[int] = False  # border pattern: class (dashed classes) or a claim's speaker role
    border_width: int = 2  # a claim's consensus breadth
    speaker: str = ""  # a claim's r2p:speakerRole
    documents: list[str] = field(default_factory=list)  # the documents that say it (IRIs; none: structural)


@dataclass
class MapEdge:
    id: str
    source: str
    target: str
    rel: str  # legend relation (a relation type, class or property IRI)
    label: str = ""
    consensus: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    effect: str = ""  # causal links: raises / lowers / depends (style.EFFECT_STYLE)
    direction: str = ""  # causal links: "more" / "less" of the target (the head), "" for a dependency
    label_shift: float = 0.0  # label moved up (-) or down (+) off the edge's middle (labels.clear_labels)
    documents: list[str] = field(default_factory=list)  # the documents of the claims that state it
    # causal links and requirements: how the text puts it; supports and attacks: only "curators" (style.VOICE_LABEL)
    voice: str = ""


@dataclass
class ViewStep:
    """One press of the arrow key in presentation mode: the nodes it frames (the rest is dimmed), and why."""

    caption: str
    nodes: list[str] = field(default_factory=list)
    edges: list[str] = field(default_factory=list)
    narration: str = ""
    quote: dict[str, Any] = field(default_factory=dict)  # text, who, breadth, source


@dataclass
class View:
    name: str
    title: str
    description: str
    nodes: dict[str, MapNode] = field(default_factory=dict)
    edges: list[MapEdge] = field(default_factory=list)
    steps: list[ViewStep] = field(default_factory=list)
    layout: str = "spring"  # "spring" or "layered"
    layers: dict[str, int] = field(default_factory=dict)
    edge_labels: bool = False
    anchor: str = ""  # the node the view is about (a country, a risk factor): drawn larger
    attached: set[str] = field(default_factory=set)  # layered layout: placed beside their edges' targets
    opening: list[str] = field(default_factory=list)  # what the first frame shows (its subject)
    point: list[str] = field(default_factory=list)  # the nodes the map exists to show: all in the first frame
    guided: bool = False  # the point does not fit one readable frame: the map opens on its first step
    purpose: str = ""  # index group
    groups: list[list[str]] = field(default_factory=list)  # layout only: nodes to keep together (a tour step)

    def edge_ids(self) -> set[str]:
        return {e.id for e in self.edges}


@dataclass(frozen=True)
class RenderedView:
    name: str
    title: str
    description: str
    path: Path
    nodes: int
    edges: int
    steps: int
    purpose: str = ""
    nodes_shown: frozenset[str] = frozenset()
