"""How far a SHACL shape reads from its focus node: which focus nodes a change of some triples can affect.

Checking a focus node against a shape reads only triples along the shape's paths:
its target triple (`?x a C`, `?x p []`, `[] p ?x`), the triples of each sh:path,
the types of values (sh:class reads `rdf:type/rdfs:subClassOf*`), and the paths
of the shapes it refers to (sh:node, sh:not, sh:or, sh:and, sh:xone, sh:property)
from those values. Each triple read hangs off an *anchor*: the node the walk stands
on when it reads it (the subject of a forward step, the object of an inverse one).

`ShapeReach.path` is one SPARQL property path, closed under prefixes, from a
focus node to every anchor it may read beyond itself. When some triples change,
the first changed triple on any walk from a focus node hangs off an anchor of a
changed triple, and the walk up to it uses unchanged triples, which the current
graph still holds; so the focus nodes whose results may change are those that
reach, by that path in the current graph, a subject (or, for inverse steps and
sh:targetObjectsOf, an object) of a changed triple. A shape that reads beyond any
path (sh:sparql runs arbitrary SPARQL) is *global*: it is checked whole.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from graph.shacl_sparql import ShapeCompiler, UnsupportedShape

# sh:class and sh:targetClass read the node's types and their superclasses.
TYPE_WALK = f"(<{RDF.type}>/<{RDFS.subClassOf}>*)"
_REFERS = (SH.node, SH["not"])
_LISTS = (SH["or"], SH["and"], SH.xone)


class GlobalShape(Exception):
    """The shape reads beyond its paths (arbitrary SPARQL): only a whole run checks it."""


@dataclass(frozen=True)
class ShapeReach:
    """What checking one focus node of `shape` reads, as far as a change is concerned."""

    shape: Node
    path: str | None  # anchors beyond the focus node itself; None: the focus node alone
    object_predicates: frozenset[str]  # objects of changed triples with these predicates are anchors too
    all_objects: bool = False  # inverse steps: every object of a changed triple is an anchor
    is_global: bool = False


def _alt(parts: Iterable[str | None]) -> str | None:
    kept = sorted({p for p in parts if p})
    if not kept:
        return None
    return kept[0] if len(kept) == 1 else "(" + "|".join(kept) + ")"


class ReachAnalysis:
    """The reach of every shape with targets of one shapes graph."""

    def __init__(self, compiler: ShapeCompiler) -> None:
        self.c = compiler
        self.g = compiler.g
        self._inverse = False

    def of(self, shape: Node) -> ShapeReach:
        self._inverse = False
        objects: set[str] = set()
        parts: list[str | None] = []
        try:
            if list(self.g.objects(shape, SH.targetClass)) or self.c.implicit_class(shape):
                parts.append(TYPE_WALK)
            objects |= {str(p) for p in self.g.objects(shape, SH.targetObjectsOf)}
            parts.append(self.reach(shape))
        except (GlobalShape, UnsupportedShape):
            return ShapeReach(shape, None, frozenset(), is_global=True)
        return ShapeReach(shape, _alt(parts), frozenset(objects), all_objects=self._inverse)

    def reach(self, shape: Node) -> str | None:
        """The anchors, beyond the node checked, of checking one node against `shape`."""
        if self.c.deactivated(shape):
            return None
        if not self.c.is_property_shape(shape):
            return self.at_node(shape)
        path = self.g.value(shape, SH.path)
        full = self.c.path(path)  # refuses a property shape without a path
        assert path is not None
        values = self.at_node(shape)
        return _alt([self.prefixes(path), f"{full}/{values}" if values else None])

    def at_node(self, shape: Node) -> str | None:
        """The anchors of the constraints and property shapes a shape applies to each of its value nodes."""
        parts: list[str | None] = []
        for param, arg in self.c.constraints(shape):
            if param == SH.sparql:
                raise GlobalShape(shape)
            if param == SH["class"]:
                parts.append(TYPE_WALK)
            elif param in _REFERS:
                parts.append(self.reach(arg))
            elif param in _LISTS:
                parts += [self.reach(m) for m in self.c.items(arg, str(param))]
        parts += [self.reach(child) for child in self.g.objects(shape, SH.property)]
        return _alt(parts)

    def prefixes(self, path: Node) -> str:
        """A path matching every non-empty prefix of `path`'s walks (the nodes a walk passes)."""
        if isinstance(path, rdflib.URIRef):
            return f"<{path}>"
        if (path, RDF.first, None) in self.g:
            steps = self.c.items(path, "sh:path")
            out = self.prefixes(steps[-1])
            for step in reversed(steps[:-1]):
                out = f"({self.prefixes(step)}|{self.c.path(step)}/{out})"
            return out
        alternatives = self.g.value(path, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self.prefixes(p) for p in self.c.items(alternatives, "sh:alternativePath")) + ")"
        inverse = self.g.value(path, SH.inversePath)
        if inverse is not None:
            if not isinstance(inverse, rdflib.URIRef):
                raise GlobalShape(path)  # the prefixes of an inverted sequence: not worth the care
            self._inverse = True
            return f"^<{inverse}>"
        for kind in (SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath):
            inner = self.g.value(path, kind)
            if inner is None:
                continue
            if kind == SH.zeroOrOnePath:
                return self.prefixes(inner)
            return f"({self.c.path(inner)}*/{self.prefixes(inner)})"
        return self.c.path(path)  # raises for what the compiler does not read


def affected_focus(store: ox.Store, reach: ShapeReach, anchors: set[ox.NamedNode], *, union: bool = False,
                   batch: int = 2000) -> set[ox.NamedNode]:
    """The nodes that are anchors, or reach one by the shape's path: its focus nodes among them may change."""
    out = set(anchors)
    if reach.path is None or not anchors:
        return out
    ordered = sorted(anchors, key=str)
    for i in range(0, len(ordered), batch):
        values = " ".join(str(a) for a in ordered[i:i + batch])
        sparql = f"SELECT DISTINCT ?r WHERE {{ VALUES ?s {{ {values} }} ?r {reach.path} ?s }}"
        for row in store.query(sparql, use_default_graph_as_union=union):  # type: ignore[union-attr]
            r = row["r"]
            if isinstance(r, ox.NamedNode):
                out.add(r)
    return out


__all__ = ["ReachAnalysis", "ShapeReach", "GlobalShape", "affected_focus", "TYPE_WALK"]
