"""SHACL shapes compiled to SPARQL and evaluated where the data lives: the embedded Oxigraph store.

pySHACL walks the data node by node in Python, on an rdflib copy of it; that is
minutes and gigabytes at a million triples. Here each constraint of a shape that
has targets becomes one SPARQL query over the store ("the focus nodes of this
shape whose values break this constraint"), and a shape a constraint refers to
(sh:node, sh:not, sh:or, sh:and, sh:xone, sh:property) becomes a correlated
`EXISTS` inside it, so every check is an index lookup in Rust.

The results are those pySHACL gives: the same focus node, path, value,
constraint component, source shape, severity and message (pySHACL's own generic
message where a shape has none). pySHACL stays the reference: the tests run both
engines over every shape fixture and the brief and compare.

Only the constraint kinds listed in `SUPPORTED` are compiled (the kinds the
project's shapes use, and their plain relatives). A shape with anything else
(sh:closed, sh:qualifiedValueShape, sh:equals, SHACL-AF targets and rules, ...)
is refused with a message naming the shape and the parameter, so a new kind of
constraint never passes silently; `--engine pyshacl` runs such shapes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import Node

from graph.errors import InputError
from graph.terms import from_ox, to_ox
from graph.terms import node as bound_term

# Constraint parameters the compiler understands (SHACL Core, plus SHACL-SPARQL sh:sparql with sh:select).
SUPPORTED = {
    SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent,
    SH["class"]: SH.ClassConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH.minLength: SH.MinLengthConstraintComponent,
    SH.maxLength: SH.MaxLengthConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH.hasValue: SH.HasValueConstraintComponent,
    SH.disjoint: SH.DisjointConstraintComponent,
    SH.node: SH.NodeConstraintComponent,
    SH["not"]: SH.NotConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
    SH["and"]: SH.AndConstraintComponent,
    SH.xone: SH.XoneConstraintComponent,
    SH.sparql: SH.SPARQLConstraintComponent,
}
# Parameters that describe a shape or belong to another parameter (not constraints of their own).
DESCRIPTIVE = {SH.path, SH.property, SH.message, SH.severity, SH.deactivated, SH.name, SH.description, SH.order,
               SH.group, SH.defaultValue, SH.flags, SH.targetClass, SH.targetNode, SH.targetSubjectsOf,
               SH.targetObjectsOf, RDF.type, RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy,
               SH.prefixes, SH.declare}
SH_NS = str(SH)
_PATH_KINDS = (SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath)
_TYPE_WALK = f"<{RDF.type}>/<{RDFS.subClassOf}>*"
# Literal forms certainly well typed for their datatype: SPARQL lets them pass, Python looks at the rest.
_WELL_TYPED = {
    XSD.integer: "^[+-]?[0-9]+$",
    XSD.boolean: "^(true|false|1|0)$",
}
# Datatypes whose check SPARQL makes exactly as pySHACL does (also inside sh:node, sh:or...).
_EXACT_DATATYPES = (XSD.string, RDF.langString, RDFS.Literal)
_RANGES = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}


class UnsupportedShape(InputError):
    """A shape uses a constraint the SPARQL engine does not compile (run it with pySHACL)."""


@dataclass(frozen=True)
class ShaclResult:
    """One validation result, as pySHACL reports it (shapes-graph nodes for path and source shape)."""

    focus: Node
    path: Node | None
    value: Node | None
    component: rdflib.URIRef
    source_shape: Node
    severity: rdflib.URIRef
    message: str


def _sparql_term(term: Node, where: str) -> str:
    if isinstance(term, rdflib.BNode):
        raise UnsupportedShape(f"{where}: a blank node as a value to compare with (use an IRI or a literal)")
    return str(to_ox(term))  # type: ignore[arg-type]  # a term of the shapes graph: an IRI or a literal here


class _Vars:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self, stem: str = "v") -> str:
        self.n += 1
        return f"?{stem}_{self.n}"


class ShapeCompiler:
    """Turns the shapes of one shapes graph into SPARQL patterns; see the module docstring."""

    def __init__(self, shapes: rdflib.Graph) -> None:
        self.g = shapes
        self.var = _Vars()
        self._checking: list[Node] = []

    # --- reading the shapes graph ------------------------------------------
    def name(self, node: Node) -> str:
        if isinstance(node, rdflib.URIRef):
            try:
                return self.g.namespace_manager.normalizeUri(node)
            except ValueError:
                return f"<{node}>"
        return f"a blank-node shape ({node})"

    def items(self, node: Node, where: str) -> list[Node]:
        if (node, RDF.first, None) not in self.g and node != RDF.nil:
            raise UnsupportedShape(f"{where}: expected an RDF list")
        return list(Collection(self.g, node))

    def is_property_shape(self, shape: Node) -> bool:
        return (shape, SH.path, None) in self.g

    def deactivated(self, shape: Node) -> bool:
        flags = self.g.objects(shape, SH.deactivated)
        return any(isinstance(v, rdflib.Literal) and v.toPython() is True for v in flags)

    def severity(self, shape: Node) -> rdflib.URIRef:
        value = self.g.value(shape, SH.severity)
        return value if isinstance(value, rdflib.URIRef) else SH.Violation

    def messages(self, shape: Node) -> list[str]:
        return [str(m) for m in self.g.objects(shape, SH.message)]

    def implicit_class(self, shape: Node) -> bool:
        return isinstance(shape, rdflib.URIRef) and any(
            (shape, RDF.type, c) in self.g for c in (RDFS.Class, OWL.Class))

    def check_supported(self, shape: Node) -> None:
        """Refuse a shape with a constraint parameter this engine does not compile."""
        for p in sorted(set(self.g.predicates(shape, None)), key=str):
            if str(p).startswith(SH_NS) and p not in SUPPORTED and p not in DESCRIPTIVE:
                raise UnsupportedShape(f"shape {self.name(shape)} uses {self.name(p)}, which the SPARQL engine "
                                       "does not evaluate: run it with `--engine pyshacl`")

    def target_shapes(self) -> list[Node]:
        shapes = {s for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
                  for s in self.g.subjects(p, None)}
        shapes |= {s for s in self.g.subjects(RDF.type, SH.NodeShape) if self.implicit_class(s)}
        shapes |= {s for s in self.g.subjects(RDF.type, SH.PropertyShape) if self.implicit_class(s)}
        if any(True for _ in self.g.subjects(SH.target, None)):
            raise UnsupportedShape("sh:target (SHACL-AF targets) is not evaluated by the SPARQL engine: "
                                   "run `--engine pyshacl`")
        return sorted(shapes, key=str)

    # --- paths and targets ---------------------------------------------------
    def path(self, node: Node | None) -> str:
        if node is None:
            raise UnsupportedShape("a property shape without sh:path")
        if isinstance(node, rdflib.URIRef):
            return f"<{node}>"
        if (node, RDF.first, None) in self.g:
            return "(" + "/".join(self.path(p) for p in self.items(node, "sh:path")) + ")"
        for kind in _PATH_KINDS:
            inner = self.g.value(node, kind)
            if inner is None:
                continue
            if kind == SH.alternativePath:
                return "(" + "|".join(self.path(p) for p in self.items(inner, "sh:alternativePath")) + ")"
            op = {SH.inversePath: "^{}", SH.zeroOrMorePath: "{}*", SH.oneOrMorePath: "{}+",
                  SH.zeroOrOnePath: "{}?"}[kind]
            return "(" + op.format(self.path(inner)) + ")"
        raise UnsupportedShape(f"a sh:path the SPARQL engine does not read ({node})")

    def focus_pattern(self, shape: Node, var: str) -> str:
        """A pattern binding `var` to each focus node of a shape with targets (once each)."""
        return f"{{ SELECT DISTINCT {var} WHERE {{ {self.focus_union(shape, var)} }} }}"

    def focus_union(self, shape: Node, var: str) -> str:
        """A pattern binding `var` to the focus nodes of a shape with targets (maybe more than once each)."""
        parts = []
        classes = list(self.g.objects(shape, SH.targetClass))
        if self.implicit_class(shape):
            classes.append(shape)
        parts += [f"{{ {var} {_TYPE_WALK} {_sparql_term(c, 'sh:targetClass')} }}" for c in classes]
        nodes = list(self.g.objects(shape, SH.targetNode))
        if nodes:
            parts.append(f"{{ VALUES {var} {{ {' '.join(_sparql_term(n, 'sh:targetNode') for n in nodes)} }} }}")
        parts += [f"{{ {var} {_sparql_term(p, 'sh:targetSubjectsOf')} [] }}"
                  for p in self.g.objects(shape, SH.targetSubjectsOf)]
        parts += [f"{{ [] {_sparql_term(p, 'sh:targetObjectsOf')} {var} }}"
                  for p in self.g.objects(shape, SH.targetObjectsOf)]
        return " UNION ".join(parts)

    # --- constraints ---------------------------------------------------------
    def constraints(self, shape: Node) -> list[tuple[rdflib.URIRef, Node]]:
        """The (parameter, value) pairs of a shape's own constraints, in a stable order."""
        self.check_supported(shape)
        out = []
        for p in SUPPORTED:
            for o in sorted(self.g.objects(shape, p), key=str):
                out.append((p, o))
        return out

    def value_step(self, shape: Node, focus: str) -> tuple[str, str]:
        """The pattern from a focus node to a value node of the shape, and the value's variable."""
        if not self.is_property_shape(shape):
            return "", focus
        value = self.var("v")
        return f"{focus} {self.path(self.g.value(shape, SH.path))} {value} .", value

    def constraint(self, shape: Node, param: rdflib.URIRef, arg: Node, focus: str
                   ) -> tuple[str, str | None] | None:
        """The pattern whose solutions are the violations of one constraint for focus `focus` (bound or
        bound by an enclosing pattern), and the variable of the reported value; None: never violated."""
        where = f"shape {self.name(shape)}, {self.g.namespace_manager.normalizeUri(param)}"
        prop = self.is_property_shape(shape)
        path = self.path(self.g.value(shape, SH.path)) if prop else ""
        if param in (SH.minCount, SH.maxCount):
            n = int(arg)  # type: ignore[call-overload]
            if not prop:
                raise UnsupportedShape(f"{where}: a cardinality on a node shape")
            if param == SH.minCount:
                if n <= 0:
                    return None
                vs = [self.var("c") for _ in range(n)]
                return f"FILTER NOT EXISTS {{ {self._distinct_values(focus, path, vs)} }}", None
            vs = [self.var("c") for _ in range(n + 1)]
            return self._distinct_values(focus, path, vs), None
        if param == SH.hasValue:
            term = _sparql_term(arg, where)
            if prop:
                return f"FILTER NOT EXISTS {{ {focus} {path} {term} }}", None
            return f"FILTER(!sameTerm({focus}, {term}))", None
        step, v = self.value_step(shape, focus)
        if param == SH.disjoint:
            return f"{step} {focus} {_sparql_term(arg, where)} {v} .", v
        if param == SH.sparql:
            raise UnsupportedShape(f"{where}: sh:sparql is evaluated on shapes with targets only")
        test = self.value_test(shape, param, arg, v, where)
        if test is None:
            return None
        return f"{step} FILTER({test})", v

    @staticmethod
    def _distinct_values(focus: str, path: str, vs: list[str]) -> str:
        triples = " ".join(f"{focus} {path} {v} ." for v in vs)
        pairs = [f"!sameTerm({a}, {b})" for i, a in enumerate(vs) for b in vs[i + 1:]]
        return triples + (f" FILTER({' && '.join(pairs)})" if pairs else "")

    def value_test(self, shape: Node, param: rdflib.URIRef, arg: Node, v: str, where: str) -> str | None:
        """A SPARQL expression true when value `v` breaks the constraint (None: it never does).

        For sh:datatype (other than strings) and the range constraints it is true for every value that may
        break it: `python_breaks` has the last word, at the top level (`breaks` refuses them inside)."""
        if param == SH["class"]:
            return f"NOT EXISTS {{ {v} {_TYPE_WALK} {_sparql_term(arg, where)} }}"
        if param == SH.datatype:
            return self.datatype_test(arg, v, where)
        if param == SH.nodeKind:
            ok = {SH.IRI: f"isIRI({v})", SH.BlankNode: f"isBlank({v})", SH.Literal: f"isLiteral({v})",
                  SH.BlankNodeOrIRI: f"!isLiteral({v})", SH.BlankNodeOrLiteral: f"!isIRI({v})",
                  SH.IRIOrLiteral: f"!isBlank({v})"}.get(arg)  # type: ignore[call-overload]
            if ok is None:
                raise UnsupportedShape(f"{where}: unknown node kind {arg}")
            return f"!({ok})"
        if param in (SH.minLength, SH.maxLength):
            op = "<" if param == SH.minLength else ">"
            return f"isBlank({v}) || STRLEN(STR({v})) {op} {int(arg)}"  # type: ignore[call-overload]
        if param == SH.pattern:
            flags = self.g.value(shape, SH.flags)
            regex = str(to_ox(rdflib.Literal(str(arg))))
            flag_arg = f", {to_ox(rdflib.Literal(str(flags)))}" if flags is not None else ""
            return f"isBlank({v}) || !REGEX(STR({v}), {regex}{flag_arg})"
        if param == SH.languageIn:
            tags = [str(t).lower() for t in self.items(arg, where)]
            listed = ", ".join(str(to_ox(rdflib.Literal(t))) for t in tags) or '""'
            return (f"!isLiteral({v}) || LANG({v}) = \"\" || !(LCASE(LANG({v})) IN ({listed}) || "
                    f"LCASE(STRBEFORE(CONCAT(LANG({v}), \"-\"), \"-\")) IN ({listed}))")
        if param in _RANGES:
            if not isinstance(arg, rdflib.Literal):
                raise UnsupportedShape(f"{where}: a range bound must be a literal")
            # Numbers that compare as they should pass here; everything else goes to python_breaks.
            return f"!(isNumeric({v}) && isNumeric({to_ox(arg)}) && COALESCE({v} {_RANGES[param]} {to_ox(arg)}, false))"
        if param == SH["in"]:
            members = self.items(arg, where)
            if not members:
                return "true"
            if all(isinstance(m, rdflib.URIRef) for m in members):
                return f"{v} NOT IN ({', '.join(_sparql_term(m, where) for m in members)})"
            return "!(" + " || ".join(f"sameTerm({v}, {_sparql_term(m, where)})" for m in members) + ")"
        if param == SH.node:
            return self.breaks(arg, v)
        if param == SH["not"]:
            inner = self.breaks(arg, v)
            return "true" if inner is None else f"!({inner})"
        if param in (SH["or"], SH["and"], SH.xone):
            tests = [self.breaks(m, v) for m in self.items(arg, where)]
            if param == SH["or"]:
                return None if any(m is None for m in tests) or not tests else " && ".join(
                    f"({m})" for m in tests)
            if param == SH["and"]:
                kept = [f"({m})" for m in tests if m is not None]
                return " || ".join(kept) if kept else None
            ones = " + ".join("1" if m is None else f"IF({m}, 0, 1)" for m in tests) or "0"
            return f"({ones}) != 1"
        raise UnsupportedShape(f"{where}: not compiled")

    def datatype_test(self, dt: Node, v: str, where: str) -> str:
        if not isinstance(dt, rdflib.URIRef):
            raise UnsupportedShape(f"{where}: sh:datatype must be an IRI")
        if dt == RDFS.Literal:
            return f"!isLiteral({v})"
        same = f"isLiteral({v}) && DATATYPE({v}) = <{dt}>"
        if dt in _EXACT_DATATYPES:
            return f"!({same})"
        safe = _WELL_TYPED.get(dt)
        return f"!({same} && REGEX(STR({v}), \"{safe}\"))" if safe else "true"

    @staticmethod
    def exact(param: rdflib.URIRef, arg: Node) -> bool:
        """Whether the SPARQL test of a constraint is the whole check (else python_breaks decides)."""
        return not (param in _RANGES or (param == SH.datatype and arg not in _EXACT_DATATYPES))

    def breaks(self, shape: Node, v: str) -> str | None:
        """An expression true when node `v` does not conform to `shape` (None: it always conforms)."""
        if shape in self._checking:
            raise UnsupportedShape(f"shape {self.name(shape)} refers to itself (recursive shapes are not compiled)")
        if self.deactivated(shape):
            return None
        self._checking.append(shape)
        try:
            branches = []
            for param, arg in self.constraints(shape):
                if param == SH.sparql:
                    raise UnsupportedShape(f"shape {self.name(shape)}: sh:sparql inside sh:node, sh:not, sh:or... "
                                           "is not compiled: run `--engine pyshacl`")
                if not self.exact(param, arg):
                    raise UnsupportedShape(
                        f"shape {self.name(shape)}: {self.name(param)} {arg} inside sh:node, sh:not, sh:or... "
                        "needs a check the engine makes only on shapes with targets: run `--engine pyshacl`")
                compiled = self.constraint(shape, param, arg, v)
                if compiled is not None:
                    branches.append(f"{{ {compiled[0]} }}")
            for child in self.g.objects(shape, SH.property):
                step, value = self.value_step(shape, v)
                inner = self.breaks(child, value)
                if inner is not None:
                    branches.append(f"{{ {step} FILTER({inner}) }}")
            if not branches:
                return None
            return f"EXISTS {{ {' UNION '.join(branches)} }}"
        finally:
            self._checking.pop()


# --- pySHACL's checks for the values SPARQL cannot settle alone ---------------------------------------

def _datatype_matches(value: Node | None, dt: Node) -> bool:
    """pySHACL's sh:datatype rule: the literal's datatype, well typed, with a parsed value of the right kind."""
    from datetime import date, datetime, time
    from decimal import Decimal

    if not isinstance(value, rdflib.Literal):
        return False
    datatype, lang = value.datatype, value.language
    if datatype == dt:
        if getattr(value, "ill_typed", None) is True:
            return False
    elif dt == RDFS.Literal:
        return True
    elif dt == RDFS.Datatype and datatype:
        return True
    elif not (datatype is None and lang is None and dt == XSD.string) and not (dt == RDF.langString and lang):
        return False
    kinds: dict[Node, type | tuple[type, ...]] = {
        XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int, XSD.float: float,
        XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: date, XSD.time: time, XSD.dateTime: datetime}
    kind = kinds.get(dt)
    return kind is None or isinstance(value.value, kind)


def _range_holds(value: Node | None, param: rdflib.URIRef, bound: rdflib.Literal) -> bool:
    """pySHACL's range rule: strings compare with strings, other literals with other literals."""
    from pyshacl.rdfutil.compare import compare_literal

    if not isinstance(value, rdflib.Literal):
        return False
    if isinstance(bound.value, str) != isinstance(value.value, str):
        return False
    try:
        cmp = compare_literal(value, bound)
    except (TypeError, NotImplementedError):
        return False
    return {SH.minInclusive: cmp >= 0, SH.maxInclusive: cmp <= 0, SH.minExclusive: cmp > 0,
            SH.maxExclusive: cmp < 0}[param]


def python_breaks(param: rdflib.URIRef, arg: Node, value: Node | None) -> bool:
    if param == SH.datatype:
        return not _datatype_matches(value, arg)
    return not _range_holds(value, param, arg)  # type: ignore[arg-type]


# --- running ---------------------------------------------------------------------------------------------

@dataclass
class _Run:
    store: ox.Store
    union: bool

    def select(self, sparql: str, substitutions: dict | None = None) -> Iterator[ox.QuerySolution]:
        try:
            result = self.store.query(sparql, use_default_graph_as_union=self.union,
                                      substitutions=substitutions or {})
        except SyntaxError as e:  # a compiler bug or a malformed sh:select: say which query
            raise InputError(f"SHACL engine: invalid SPARQL ({e}):\n{sparql}") from None
        assert isinstance(result, ox.QuerySolutions)
        return iter(result)


class SparqlValidator:
    """Validate a store against a shapes graph; `results()` lists what pySHACL would report."""

    def __init__(self, store: ox.Store, shapes: rdflib.Graph, *, union_default_graph: bool = False) -> None:
        self.run = _Run(store, union_default_graph)
        self.shapes = shapes
        self.compiler = ShapeCompiler(shapes)
        self.checked: set[ox.NamedNode | ox.BlankNode] = set()  # the roots the last run checked

    @cached_property
    def _generic(self) -> Callable[[Node, rdflib.URIRef, Node, Node | None], str]:
        return _generic_messages(self.shapes, self.run.store)

    def reachable(self) -> list[Node]:
        """The shapes with targets and every shape they refer to."""
        c = self.compiler
        seen: list[Node] = []
        todo = c.target_shapes()
        while todo:
            shape = todo.pop()
            if shape in seen:
                continue
            seen.append(shape)
            todo += list(c.g.objects(shape, SH.property)) + list(c.g.objects(shape, SH.node))
            todo += list(c.g.objects(shape, SH["not"]))
            for p in (SH["or"], SH["and"], SH.xone):
                for head in c.g.objects(shape, p):
                    todo += c.items(head, f"shape {c.name(shape)}, {c.name(p)}")
        return seen

    def results(self) -> list[ShaclResult]:
        return sorted({r for _, _, r in self.tagged_results()},
                      key=lambda r: (str(r.source_shape), str(r.focus), str(r.component), str(r.value)))

    def tagged_results(self, only: Mapping[Node, Iterable[ox.NamedNode]] | None = None
                       ) -> list[tuple[Node, Node, ShaclResult]]:
        """Each result with the shape with targets and the focus node ("root") whose check gave it (a nested
        result, of a value against its sh:node shape, say, comes once per root that reaches it).

        `only` restricts the shapes it names to those roots (and to blank-node roots, which no name holds from
        one load to the next); the other shapes are checked whole. `checked` then holds every root checked.
        """
        out: list[tuple[Node, Node, ShaclResult]] = []
        c = self.compiler
        for shape in self.reachable():  # refuse what is not compiled before running anything
            c.check_supported(shape)
        self.checked = set()
        for shape in c.target_shapes():
            if c.deactivated(shape):
                continue
            focus = self._top_focus(shape, None if only is None or shape not in only else only[shape])
            if focus is None:
                continue
            for row in self.run.select(f"SELECT DISTINCT ?root WHERE {{ {focus('?this')} }}"):
                self.checked.add(row["root"])
            out.extend((shape, root, result) for root, result in self._shape_results(shape, focus))
        return list(dict.fromkeys(out))

    def _top_focus(self, shape: Node, roots: Iterable[ox.NamedNode] | None) -> Callable[[str], str] | None:
        """The focus pattern of a shape with targets: binds the variable and ?root to each focus node (None: the
        shape has no focus node among `roots` and no blank-node one)."""
        union = self.compiler.focus_union(shape, "?root")
        if roots is None:
            inner = f"{{ {union} }}"
        else:
            # The roots that are focus nodes of this shape, listed once, so each constraint's query is short.
            listed = " ".join(sorted(str(r) for r in roots))
            targets = [row["root"] for row in self.run.select(
                f"SELECT DISTINCT ?root WHERE {{ VALUES ?root {{ {listed} }} {{ {union} }} }}")] if listed else []
            blank = self.run.store.query(f"ASK {{ {{ {union} }} FILTER(isBlank(?root)) }}",
                                         use_default_graph_as_union=self.run.union)
            parts = [f"{{ VALUES ?root {{ {' '.join(str(t) for t in targets)} }} }}"] if targets else []
            parts += [f"{{ {{ {union} }} FILTER(isBlank(?root)) }}"] if blank else []
            if not parts:
                return None
            inner = " UNION ".join(parts)

        def pattern(var: str) -> str:
            return f"{{ SELECT DISTINCT ?root (?root AS {var}) WHERE {{ {inner} }} }}"
        return pattern

    def _shape_results(self, shape: Node, focus: Callable[[str], str]) -> Iterable[tuple[Node, ShaclResult]]:
        c = self.compiler
        for param, arg in c.constraints(shape):
            if param == SH.sparql:
                yield from self._sparql_results(shape, arg, focus)
                continue
            compiled = c.constraint(shape, param, arg, "?this")
            if compiled is None:
                continue
            pattern, value = compiled
            exact = c.exact(param, arg)
            value = None if value == "?this" else value
            # LATERAL (Oxigraph): the constraint runs for each focus node, not over the whole graph first.
            select = (f"SELECT DISTINCT ?root ?this {value or ''} WHERE {{ {focus('?this')} "
                      f"LATERAL {{ {pattern} }} }}")
            found = False
            for row in self.run.select(select):
                this = bound_term(row["this"])
                v = from_ox(row[value[1:]]) if value else None
                if not exact and not python_breaks(param, arg, v):
                    continue
                found = True
                yield bound_term(row["root"]), self._result(shape, SUPPORTED[param], this, v)
            if found and param == SH.node:
                # pySHACL nests the results of the value against the node shape under each result (sh:detail).
                yield from self._shape_results(arg, self._failing_values(shape, arg, focus))
        for child in c.g.objects(shape, SH.property):
            if c.deactivated(child):
                continue
            if c.is_property_shape(shape):
                path = c.path(c.g.value(shape, SH.path))

                def child_focus(var: str, parent=focus, path=path) -> str:
                    outer = self.compiler.var("f")
                    return f"{{ SELECT DISTINCT ?root {var} WHERE {{ {parent(outer)} {outer} {path} {var} . }} }}"
                yield from self._shape_results(child, child_focus)
            else:
                yield from self._shape_results(child, focus)

    def _failing_values(self, shape: Node, node_shape: Node, focus: Callable[[str], str]
                        ) -> Callable[[str], str]:
        """A focus pattern for the values of `shape` that do not conform to `node_shape` (its sh:node)."""
        c = self.compiler

        def values(var: str) -> str:
            if not c.is_property_shape(shape):
                return (f"{{ SELECT DISTINCT ?root {var} WHERE {{ {focus(var)} "
                        f"FILTER({c.breaks(node_shape, var)}) }} }}")
            outer = c.var("f")
            step = f"{outer} {c.path(c.g.value(shape, SH.path))} {var} ."
            return (f"{{ SELECT DISTINCT ?root {var} WHERE {{ {focus(outer)} {step} "
                    f"FILTER({c.breaks(node_shape, var)}) }} }}")
        return values

    def _result(self, shape: Node, component: rdflib.URIRef, focus: Node, value: Node | None,
                path: Node | None = None, messages: list[str] | None = None) -> ShaclResult:
        c = self.compiler
        if path is None and c.is_property_shape(shape):
            path = c.g.value(shape, SH.path)
        if component in (SH.MinCountConstraintComponent, SH.MaxCountConstraintComponent,
                         SH.HasValueConstraintComponent):
            value = None
        elif value is None and not c.is_property_shape(shape):
            value = focus
        texts = messages if messages is not None else c.messages(shape)
        message = texts[0] if texts else self._generic(shape, component, focus, value)
        return ShaclResult(focus, path, value, component, shape, c.severity(shape), message)

    def _sparql_results(self, shape: Node, constraint: Node, focus: Callable[[str], str]
                        ) -> Iterable[tuple[Node, ShaclResult]]:
        """SHACL-SPARQL: the sh:select query run once per focus node with $this pre-bound, as the spec says."""
        c = self.compiler
        g = c.g
        if c.deactivated(constraint):
            return
        select = g.value(constraint, SH.select)
        if select is None:
            raise UnsupportedShape(f"shape {c.name(shape)}: a sh:sparql constraint without sh:select")
        text = str(select)
        for var in ("$shapesGraph", "$currentShape", "$PATH"):
            if var in text and var != "$PATH":
                raise UnsupportedShape(f"shape {c.name(shape)}: {var} in sh:select is not supported")
        if "$PATH" in text:
            if not c.is_property_shape(shape):
                raise UnsupportedShape(f"shape {c.name(shape)}: $PATH on a node shape")
            text = text.replace("$PATH", c.path(g.value(shape, SH.path)))
        prefixes = ""
        for declared in g.objects(constraint, SH.prefixes):
            for decl in g.objects(declared, SH.declare):
                prefixes += f"PREFIX {g.value(decl, SH.prefix)}: <{g.value(decl, SH.namespace)}>\n"
        text = prefixes + text
        extra = [str(m) for m in g.objects(constraint, SH.message)]
        shape_messages = c.messages(shape)
        roots_of: dict[ox.NamedNode | ox.BlankNode, list[Node]] = {}
        for row in self.run.select(f"SELECT ?this ?root WHERE {{ {focus('?this')} }}"):
            roots_of.setdefault(row["this"], []).append(bound_term(row["root"]))
        for node, roots in roots_of.items():
            f = from_ox(node)
            seen = []
            try:
                rows = list(self.run.select(text, {ox.Variable("this"): node}))
            except RuntimeError as e:
                raise UnsupportedShape(f"shape {c.name(shape)}: its sh:select cannot bind $this ({e})") from None
            for row in rows:
                names = {str(v.value) for v in getattr(rows, "variables", [])} or {"this", "path", "value"}
                bound = {}
                for name in ("this", "path", "value"):
                    try:
                        bound[name] = from_ox(row[name])
                    except (KeyError, IndexError, TypeError):
                        bound[name] = None
                del names
                if all(bound[k] is None for k in ("this", "path", "value")):
                    continue
                key = (bound["this"], bound["path"], bound["value"])
                if key in seen:
                    continue
                seen.append(key)
                value = bound["value"]
                if value is None and not c.is_property_shape(shape):
                    value = f
                fill = {k: val for k, val in bound.items() if val is not None}
                texts = [_fill(m, fill) for m in extra if m not in shape_messages] + [
                    _fill(m, fill) for m in shape_messages]
                result = self._result(shape, SH.SPARQLConstraintComponent, bound["this"] or f, value,  # type: ignore[arg-type]
                                      bound["path"], texts or None)
                for root in roots:
                    yield root, result


def _fill(message: str, bound: Mapping[str, Node]) -> str:
    import re

    for var, val in bound.items():
        message = re.sub("{[?$]" + var + "}", str(val).replace("\\", "\\\\"), message)
    return message


def _generic_messages(shapes: rdflib.Graph, store: ox.Store
                      ) -> Callable[[Node, rdflib.URIRef, Node, Node | None], str]:
    """pySHACL's own wording for a result whose shape has no sh:message (built by pySHACL's components)."""
    from pyshacl.constraints import CONSTRAINT_PARAMETERS_MAP
    from pyshacl.shapes_graph import ShapesGraph

    from graph.namespaces import PREFIXES

    sg = ShapesGraph(shapes)
    sg.shapes  # noqa: B018 - reads every shape of the graph, so that each can be looked up
    by_component = {cls.shacl_constraint_component: (param, cls) for param, cls in CONSTRAINT_PARAMETERS_MAP.items()}

    def describe(shape: Node, component: rdflib.URIRef, focus: Node, value: Node | None) -> str:
        data = rdflib.Graph()
        for prefix, ns in PREFIXES.items():
            data.bind(prefix, ns, override=True)
        for node in (focus, value):  # a blank node is spelled out from its triples
            if isinstance(node, rdflib.BNode):
                for q in store.quads_for_pattern(ox.BlankNode(str(node)), None, None, None):
                    data.add((bound_term(q.subject), bound_term(q.predicate), bound_term(q.object)))
        _, cls = by_component[component]
        messages = cls(sg.lookup_shape_from_node(shape)).make_generic_messages(data, focus, value)
        return str(messages[0]) if messages else "violates a shape"

    return describe


def validate_store(store: ox.Store, shapes: rdflib.Graph, *, union_default_graph: bool = False) -> list[ShaclResult]:
    """Every validation result of the store's default graph (or the union of its graphs) against `shapes`."""
    return SparqlValidator(store, shapes, union_default_graph=union_default_graph).results()


INFERENCE = ("none", "rdfs")


def validate_graph(data: rdflib.Graph, shapes: rdflib.Graph, inference: str = "none") -> list[ShaclResult]:
    """Validate an rdflib graph (not changed): loaded into a new store, after pySHACL's own RDFS pre-inference
    when `inference` is "rdfs" (the entailments pySHACL's `inference="rdfs"` adds), then `validate_store`."""
    if inference not in INFERENCE:
        raise InputError(f"unknown inference mode {inference!r} (known: {', '.join(INFERENCE)})")
    if inference == "rdfs":
        import owlrl
        from pyshacl.inference import CustomRDFSSemantics

        copy = rdflib.Graph()
        for t in data:
            copy.add(t)
        owlrl.DeductiveClosure(CustomRDFSSemantics).expand(copy)
        data = copy
    store = ox.Store()
    # The closure also states things of literals (generalised RDF), which no store holds and no shape here reads.
    store.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.DefaultGraph())  # type: ignore[arg-type]
                 for s, p, o in data if not isinstance(s, rdflib.Literal))
    return validate_store(store, shapes)


__all__ = ["ShaclResult", "SparqlValidator", "ShapeCompiler", "UnsupportedShape", "validate_store", "validate_graph",
           "SUPPORTED", "INFERENCE"]
