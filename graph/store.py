"""Load the ontology and data into the embedded Oxigraph store; query it.

One loaded graph flows forward: files are parsed once, here. Asserted triples
sit in the default graph, derived ones in the DERIVED_GRAPH named graph;
queries see the union of both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.term import Identifier

from graph.errors import InputError
from graph.namespaces import DERIVED_GRAPH, PREFIXES
from graph.resources import default_inputs
from graph.terms import from_ox, to_ox

Row = dict[str, Identifier | None]
Bindings = Mapping[str, Identifier]


def expand_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, folders as every .ttl below them (sorted), duplicates dropped."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(p.rglob("*.ttl")))
        elif p.is_file():
            out.append(p)
        else:
            raise InputError("no such file or folder", p)
    seen: set[Path] = set()
    return [f for f in out if not (f.resolve() in seen or seen.add(f.resolve()))]


def parse_turtle(path: Path) -> list[ox.Quad]:
    """Parse one Turtle file; a syntax error becomes an InputError with its line."""
    try:
        return [
            ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
            for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, rename_blank_nodes=True)
        ]
    except SyntaxError as e:
        message = str(e.msg if hasattr(e, "msg") else e)
        message = message.split(": ", 1)[1] if message.startswith("Parser error at line") else message
        raise InputError(f"Turtle syntax error: {message}", path, e.lineno) from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read: {e}", path) from None


@dataclass
class KnowledgeGraph:
    """The built graph: an embedded Oxigraph store plus where each subject came from."""

    store: ox.Store = field(default_factory=ox.Store)
    files: list[Path] = field(default_factory=list)
    origins: dict[str, Path] = field(default_factory=dict)

    def add_file(self, path: Path) -> int:
        quads = parse_turtle(path)
        self.store.extend(quads)
        self.files.append(path)
        for q in quads:
            self.origins.setdefault(q.subject.value, path)
        return len(quads)

    # --- queries -------------------------------------------------------
    def query(self, sparql: str, bindings: Bindings | None = None):
        """Run SPARQL on the union of asserted and derived triples, binding terms natively."""
        substitutions = {ox.Variable(k): to_ox(v) for k, v in (bindings or {}).items()}
        try:
            return self.store.query(
                sparql, prefixes=PREFIXES, use_default_graph_as_union=True, substitutions=substitutions
            )
        except SyntaxError as e:
            raise InputError(f"SPARQL syntax error: {e}") from None
        except RuntimeError as e:
            if "SELECT projection" in str(e):
                # pyoxigraph binds a parameter only where the query returns it.
                raise InputError(f"a parameter must be a variable of the SELECT clause: {e}") from None
            raise

    def select(self, sparql: str, bindings: Bindings | None = None) -> list[Row]:
        result = self.query(sparql, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise InputError("expected a SELECT query")
        names = [v.value for v in result.variables]
        return [{n: from_ox(s[n]) for n in names} for s in result]

    def construct(self, sparql: str, bindings: Bindings | None = None) -> list[ox.Triple]:
        result = self.query(sparql, bindings)
        if not isinstance(result, ox.QueryTriples):
            raise InputError("expected a CONSTRUCT or DESCRIBE query")
        return list(result)

    # --- derived layer -------------------------------------------------
    def replace_derived(self, triples: Iterable[ox.Triple]) -> int:
        g = ox.NamedNode(DERIVED_GRAPH)
        if g in set(self.store.named_graphs()):
            self.store.clear_graph(g)
        quads = [ox.Quad(t.subject, t.predicate, t.object, g) for t in triples]
        self.store.extend(quads)
        return len(quads)

    def add_derived(self, triples: Iterable[ox.Triple]) -> int:
        g = ox.NamedNode(DERIVED_GRAPH)
        quads = [ox.Quad(t.subject, t.predicate, t.object, g) for t in triples]
        self.store.extend(quads)
        return len(quads)

    # --- views ---------------------------------------------------------
    def __len__(self) -> int:
        return len(self.store)

    def asserted_triples(self) -> Iterable[ox.Quad]:
        return self.store.quads_for_pattern(None, None, None, ox.DefaultGraph())

    def to_rdflib(self, include_derived: bool = True) -> rdflib.Graph:
        """An in-memory rdflib copy (for pySHACL and rdflib serialisers)."""
        g = rdflib.Graph()
        for prefix, ns in PREFIXES.items():
            g.bind(prefix, ns, override=True)
        quads = self.store if include_derived else self.asserted_triples()
        for q in quads:
            g.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
        return g


def load_graph(paths: Iterable[str | Path] | None = None, *, derive: bool = True) -> KnowledgeGraph:
    """Load the ontology and data (the packaged ones by default) and derive the derived layer."""
    kg = KnowledgeGraph()
    for path in expand_inputs(default_inputs() if paths is None else paths):
        kg.add_file(path)
    if derive:
        from graph.derive import derive_all

        derive_all(kg)
    return kg
