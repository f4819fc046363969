"""SHACL shapes that follow from the ontology's own axioms, written at validation time so they are never stale.

Two kinds, both derived from whatever ontology (and extension) the graph holds:

- Disjointness: every `owl:AllDisjointClasses` and `owl:disjointWith` pair becomes a shape that rejects a node
  typed into both sides, with every subclass of the disjoint side listed (the superclass walk is done here, once,
  not by pySHACL for every node). Under RDFS inference a range axiom types a wrong value into the range class;
  these shapes then find it in two disjoint classes. Each pair is checked once, on the side that costs less:
  its instances times the classes listed for the other side (a shape over a class without instances costs
  nothing). The inner shapes carry a message so that pySHACL does not spell out the whole list for every value.
- Required values: a class that is a subclass of an `owl:hasValue` restriction (a security institution is in
  the security sector) has a shape that asks every instance to state that value, so queries over the asserted
  triples see it (a warning: the value follows from the class, and older data stays valid).
- Scheme values: an object property whose range is a concept class of a scheme accepts exactly the concepts
  that are `skos:inScheme` a scheme and typed with that class, a closed `sh:in` list no range axiom extends.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

SHAPES = rdflib.Namespace("https://w3id.org/r2pkg/shapes#")
_SCHEMED_BY_HAND = {SKOS.Concept}  # a range of any concept (a mapping's target) is not a closed list


def disjoint_pairs(g: rdflib.Graph) -> set[frozenset[rdflib.URIRef]]:
    """Every pair of named classes that an axiom of `g` declares disjoint."""
    pairs: set[frozenset[rdflib.URIRef]] = set()
    for node in g.subjects(RDF.type, OWL.AllDisjointClasses):
        head = g.value(node, OWL.members)
        if head is None:
            continue
        members = [m for m in Collection(g, head) if isinstance(m, rdflib.URIRef)]
        pairs |= {frozenset((a, b)) for a in members for b in members if a != b}
    pairs |= {frozenset((a, b)) for a, b in g.subject_objects(OWL.disjointWith)
              if isinstance(a, rdflib.URIRef) and isinstance(b, rdflib.URIRef) and a != b}
    return pairs


def subclasses(g: rdflib.Graph, cls: rdflib.URIRef) -> set[rdflib.URIRef]:
    """cls and its named subclasses in g (rdfs:subClassOf*)."""
    return {c for c in g.transitive_subjects(RDFS.subClassOf, cls) if isinstance(c, rdflib.URIRef)}


def instance_counts(g: rdflib.Graph) -> Counter[rdflib.URIRef]:
    """How many asserted instances each class has, counting those of its subclasses."""
    own = Counter(o for o in g.objects(None, RDF.type) if isinstance(o, rdflib.URIRef))
    counts: Counter[rdflib.URIRef] = Counter()
    for cls in own:
        for sup in g.transitive_objects(cls, RDFS.subClassOf):
            if isinstance(sup, rdflib.URIRef):
                counts[sup] += own[cls]
    return counts


def _local(iri: rdflib.term.Node) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1] if "#" in text else text.rstrip("/").rsplit("/", 1)[-1]


def _curie(g: rdflib.Graph, iri: rdflib.term.Node) -> str:
    try:
        return g.namespace_manager.normalizeUri(str(iri))
    except ValueError:
        return f"<{iri}>"


def _add_list(shapes: rdflib.Graph, items: list[rdflib.term.Node]) -> rdflib.BNode:
    head = rdflib.BNode()
    Collection(shapes, head, items)
    return head


def disjointness_shapes(g: rdflib.Graph, counts: Mapping[rdflib.URIRef, int] | None = None) -> rdflib.Graph:
    """One node shape per class that checks its disjoint pairs (see the module docstring)."""
    counts = instance_counts(g) if counts is None else counts
    subs: dict[rdflib.URIRef, set[rdflib.URIRef]] = {}

    def subs_of(c: rdflib.URIRef) -> set[rdflib.URIRef]:
        if c not in subs:
            subs[c] = subclasses(g, c)
        return subs[c]

    assigned: dict[rdflib.URIRef, set[rdflib.URIRef]] = {}
    for pair in sorted(disjoint_pairs(g), key=lambda pr: sorted(map(str, pr))):
        a, b = sorted(pair, key=lambda c: (counts.get(c, 0) * len(subs_of(next(iter(pair - {c})))), str(c)))
        assigned.setdefault(a, set()).add(b)
    shapes = rdflib.Graph()
    shapes.bind("sh", SH)
    shapes.bind("r2ps", SHAPES)
    for target in sorted(assigned, key=str):
        name = _curie(g, target)
        others = sorted(assigned[target], key=str)
        listed = sorted({s for b in others for s in subs_of(b)}, key=str)
        shape = SHAPES[f"Disjoint-{_local(target)}"]
        message = rdflib.Literal(f"a node of {name} cannot also belong to a class disjoint with it")
        inner, prop = rdflib.BNode(), rdflib.BNode()
        shapes.add((shape, RDF.type, SH.NodeShape))
        shapes.add((shape, RDFS.label, rdflib.Literal(f"disjointness of {_local(target)}")))
        shapes.add((shape, RDFS.comment, rdflib.Literal(
            "Generated from the ontology's axioms: disjoint with " + " ".join(_curie(g, b) for b in others)
            + " (and their subclasses).")))
        shapes.add((shape, SH.targetClass, target))
        shapes.add((shape, SH.property, prop))
        shapes.add((shape, SH.message, message))
        shapes.add((prop, SH.path, RDF.type))
        shapes.add((prop, SH["not"], inner))
        shapes.add((prop, SH.message, message))
        shapes.add((inner, SH["in"], _add_list(shapes, list(listed))))
        shapes.add((inner, SH.message, rdflib.Literal(f"a class disjoint with {name}")))
    return shapes


def scheme_concepts(g: rdflib.Graph) -> dict[rdflib.URIRef, set[rdflib.URIRef]]:
    """Concept class -> the concepts typed with it (or a subclass) that some scheme holds."""
    out: dict[rdflib.URIRef, set[rdflib.URIRef]] = {}
    in_a_scheme = {c for c in g.subjects(SKOS.inScheme, None) if isinstance(c, rdflib.URIRef)}
    for concept in in_a_scheme:
        for cls in g.objects(concept, RDF.type):
            if not isinstance(cls, rdflib.URIRef):
                continue
            for sup in g.transitive_objects(cls, RDFS.subClassOf):
                if isinstance(sup, rdflib.URIRef):
                    out.setdefault(sup, set()).add(concept)
    return out


def concept_classes(g: rdflib.Graph) -> set[rdflib.URIRef]:
    """skos:Concept and every class the graph declares beneath it."""
    return subclasses(g, SKOS.Concept)


def scheme_value_shapes(g: rdflib.Graph) -> rdflib.Graph:
    """For every object property ranging over a concept class: its values are that class's scheme concepts."""
    shapes = rdflib.Graph()
    shapes.bind("sh", SH)
    concepts = scheme_concepts(g)
    classes = concept_classes(g) - _SCHEMED_BY_HAND
    for prop in sorted(set(g.subjects(RDF.type, OWL.ObjectProperty)), key=str):
        if not isinstance(prop, rdflib.URIRef):
            continue
        ranges = [r for r in g.objects(prop, RDFS.range) if isinstance(r, rdflib.URIRef) and r in classes]
        if len(ranges) != 1 or not concepts.get(ranges[0]):
            continue
        rng = ranges[0]
        shape = SHAPES[f"SchemeValue-{_local(prop)}"]
        prop_shape = rdflib.BNode()
        shapes.add((shape, RDF.type, SH.NodeShape))
        shapes.add((shape, RDFS.label, rdflib.Literal(f"values of {_local(prop)}")))
        shapes.add((shape, RDFS.comment, rdflib.Literal(
            f"Generated from the ontology: {_curie(g, prop)} ranges over {_curie(g, rng)}, whose concepts are "
            "listed here as they are in their schemes.")))
        shapes.add((shape, SH.targetSubjectsOf, prop))
        shapes.add((shape, SH.property, prop_shape))
        shapes.add((prop_shape, SH.path, prop))
        shapes.add((prop_shape, SH["in"], _add_list(shapes, sorted(concepts[rng], key=str))))
        shapes.add((prop_shape, SH.message, rdflib.Literal(
            f"{_curie(g, prop)} must be a concept of a scheme of {_curie(g, rng)}")))
    return shapes


def has_value_shapes(g: rdflib.Graph) -> rdflib.Graph:
    """For every `C rdfs:subClassOf [ owl:onProperty p ; owl:hasValue v ]`: each instance of C states `p v`."""
    shapes = rdflib.Graph()
    shapes.bind("sh", SH)
    for cls, restriction in sorted(g.subject_objects(RDFS.subClassOf), key=lambda t: str(t[0])):
        prop, value = g.value(restriction, OWL.onProperty), g.value(restriction, OWL.hasValue)
        if not isinstance(cls, rdflib.URIRef) or prop is None or value is None:
            continue
        shape = SHAPES[f"HasValue-{_local(cls)}-{_local(prop)}"]
        prop_shape = rdflib.BNode()
        shapes.add((shape, RDF.type, SH.NodeShape))
        shapes.add((shape, RDFS.label, rdflib.Literal(f"{_local(prop)} of {_local(cls)}")))
        shapes.add((shape, RDFS.comment, rdflib.Literal(
            f"Generated from the ontology: every {_curie(g, cls)} has {_curie(g, prop)} {_curie(g, value)}.")))
        shapes.add((shape, SH.targetClass, cls))
        shapes.add((shape, SH.property, prop_shape))
        shapes.add((prop_shape, SH.path, prop))
        shapes.add((prop_shape, SH.hasValue, value))
        # A warning: the value follows from the class, and data written before the axiom stays valid.
        shapes.add((shape, SH.severity, SH.Warning))
        shapes.add((prop_shape, SH.severity, SH.Warning))
        shapes.add((prop_shape, SH.message, rdflib.Literal(
            f"a node of {_curie(g, cls)} states {_curie(g, prop)} {_curie(g, value)}, as the ontology says")))
    return shapes


def axiom_shapes(g: rdflib.Graph, counts: Mapping[rdflib.URIRef, int] | None = None) -> rdflib.Graph:
    """Every shape the ontology in `g` implies: disjointness, required values and closed scheme values."""
    return disjointness_shapes(g, counts) + has_value_shapes(g) + scheme_value_shapes(g)


__all__ = ["axiom_shapes", "disjointness_shapes", "has_value_shapes", "scheme_value_shapes", "disjoint_pairs",
           "subclasses", "instance_counts", "scheme_concepts", "concept_classes"]
