"""Load the ontology and data into the embedded Oxigraph store; query it.

Loading parses files and loads asserted triples, nothing else: derivation is
a stage of its own (graph.derive). Asserted triples sit in the default graph,
derived ones in the DERIVED_GRAPH named graph; queries see the union of both
unless they ask for the asserted graph alone (validation does).

Each file is parsed and loaded in Rust (`Store.bulk_load`), so loading costs
about what pyoxigraph's own bulk load costs. Which file a subject came from is
worked out only when someone asks (a validation finding names its file).

A file that starts with a UTF-8 byte order mark is read without it, as rdflib and
other Turtle readers do. A file that changes or disappears between loading and a
later read (the origin of a finding, the end of a build) is one InputError that
names it: the results would describe neither the old text nor the new one.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

import pyoxigraph as ox

from graph.errors import InputError
from graph.namespaces import DERIVED_GRAPH, PREFIXES

if TYPE_CHECKING:  # rdflib terms are made on demand: a query from the shell returns pyoxigraph terms without it
    import rdflib
    from rdflib.term import Identifier

Row: TypeAlias = "dict[str, Identifier | None]"
Bindings: TypeAlias = "Mapping[str, Identifier]"

# The RDF syntaxes loading reads, by file ending.
RDF_SUFFIXES = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
}


def rdf_format(path: Path) -> ox.RdfFormat:
    fmt = RDF_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(RDF_SUFFIXES)
        raise InputError(f"not an RDF file this tool reads (file endings: {known})", path)
    return fmt


def expand_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, folders as every .ttl below them (sorted), duplicates dropped."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            try:
                out.extend(sorted(p.rglob("*.ttl")))
            except OSError as e:  # a folder removed or made unreadable while it is listed
                raise InputError(f"cannot read the folder: {e.strerror or e}", p) from None
        elif p.is_file():
            out.append(p)
        else:
            raise InputError("no such file or folder", p)
    unique: dict[Path, Path] = {}
    for f in out:
        unique.setdefault(f.resolve(), f)
    return list(unique.values())


_BOM = b"\xef\xbb\xbf"


def sparql_syntax_message(error: SyntaxError, sparql: str) -> str:
    """pyoxigraph's parse error in one line: where, and what it expected without the character classes it also
    lists (lines of Unicode ranges); an unknown prefix is named as such."""
    import re

    text = " ".join(str(error).split())
    where, said, expected = text.partition(": expected ")
    expected = expected.removeprefix("one of ")
    # pyoxigraph names a missing prefix only in some places ("Prefix not found" among what it expected): look
    bare = re.sub(r"#[^\n]*|<[^<>\s]*>|\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'", " ", sparql)
    declared = set(re.findall(r"PREFIX\s+([A-Za-z][\w.-]*)?\s*:", bare, re.I))
    used = re.findall(r"(?<![\w?$:.-])([A-Za-z][\w.-]*)?:", bare)
    unknown = [p for p in dict.fromkeys(used) if p not in PREFIXES and p not in declared]
    if unknown or "Prefix not found" in expected:
        name = f"{unknown[0]}:" if unknown else "a prefix"
        return (f"SPARQL syntax error ({where}): unknown prefix {name} (declare it with PREFIX, or use one of "
                f"{', '.join(f'{p}:' for p in sorted(PREFIXES) if p)})")
    if said:
        items = [i.strip() for i in re.findall(r'"[^"]*"|\[(?:\'[^\']*\'|[^\]\'])*\]|[^,\s][^,]*', expected)]
        named = [i for i in items if not i.startswith("[")]
        problems = [i for i in named if " " in i and not i.startswith('"')]  # "IRI parsing failed": not a token
        if problems:
            return f"SPARQL syntax error: {where}: {problems[0]}"
        return f"SPARQL syntax error: {where}: expected {' or '.join(named) or 'something else'}"
    return f"SPARQL syntax error: {text}"


CHANGED = "changed while r2pkg was reading it; run the command again"
REMOVED = "was removed while r2pkg was reading it"

Fingerprint = tuple[int, int, int]


def fingerprint(path: Path) -> Fingerprint | None:
    """What tells one version of a file from another without reading it (None when it is gone)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


@contextmanager
def rdf_source(path: Path) -> Iterator[dict]:
    """Keyword arguments for pyoxigraph's parse/bulk_load: the path, or the open file past a byte order mark."""
    with open(path, "rb") as f:
        if f.read(len(_BOM)) == _BOM:
            yield {"input": f}
            return
    yield {"path": str(path)}


def _syntax_error(e: SyntaxError, path: Path) -> InputError:
    message = str(e.msg if hasattr(e, "msg") else e)
    if message.startswith("Parser error") and ": " in message:
        message = message.split(": ", 1)[1]
    return InputError(f"Turtle syntax error: {message}", path, e.lineno)


def parse_turtle(path: Path) -> list[ox.Quad]:
    """Parse one RDF file into quads of the default graph; a syntax error becomes an InputError with its line."""
    fmt = rdf_format(path)
    try:
        with rdf_source(path) as source:
            return [
                ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                for t in ox.parse(**source, format=fmt, rename_blank_nodes=True)
            ]
    except SyntaxError as e:
        raise _syntax_error(e, path) from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read: {e}", path) from None


@dataclass
class KnowledgeGraph:
    """The loaded graph: an embedded Oxigraph store and the files it was loaded from."""

    store: ox.Store = field(default_factory=ox.Store)
    files: list[Path] = field(default_factory=list)
    fingerprints: dict[Path, Fingerprint] = field(default_factory=dict)  # of each file as loaded
    _origins: dict[str, Path] | None = field(default=None, repr=False)

    def add_file(self, path: Path) -> None:
        """Parse and load one file (in Rust, all or nothing).

        Nothing is counted per file: the length of an in-memory store is a scan of every quad, so counting
        before and after each file made a corpus of many files load in quadratic time (a 5M-triple corpus
        in 921 files took minutes of counting per load).
        """
        fmt = rdf_format(path)
        version = fingerprint(path)
        try:
            with rdf_source(path) as source:
                self.store.bulk_load(**source, format=fmt)
        except SyntaxError as e:
            raise self._unless_changed(path, version) or _syntax_error(e, path) from None
        except (OSError, UnicodeDecodeError) as e:
            raise self._unless_changed(path, version) or InputError(f"cannot read: {e}", path) from None
        if version is None or fingerprint(path) != version:
            raise InputError(CHANGED, path)
        self.fingerprints[path] = version
        self.files.append(path)
        self._origins = None

    def origin(self, iri: str) -> Path | None:
        """The first loaded file in which `iri` is a subject (worked out once, on first use)."""
        if self._origins is None:
            origins: dict[str, Path] = {}
            for path in self.files:
                self.check_unchanged([path])
                try:
                    with rdf_source(path) as source:
                        for t in ox.parse(**source, format=rdf_format(path)):
                            if isinstance(t.subject, ox.NamedNode):
                                origins.setdefault(t.subject.value, path)
                except (SyntaxError, OSError, UnicodeDecodeError):
                    # loaded once without error: it changed since (a store opened from the cache keeps no fingerprint)
                    raise InputError(REMOVED if fingerprint(path) is None else CHANGED, path) from None
                self.check_unchanged([path])
            self._origins = origins
        return self._origins.get(iri)

    def check_unchanged(self, paths: Iterable[Path] | None = None) -> None:
        """Raise an InputError naming the first loaded file that changed or disappeared since it was loaded."""
        for path in self.files if paths is None else paths:
            known = self.fingerprints.get(path)
            if known is None:
                continue
            now = fingerprint(path)
            if now != known:
                raise InputError(REMOVED if now is None else CHANGED, path)

    @staticmethod
    def _unless_changed(path: Path, version: Fingerprint | None) -> InputError | None:
        """The error to give when a read failed because the file changed or went away meanwhile."""
        now = fingerprint(path)
        if now is None:
            return InputError(REMOVED, path)
        return InputError(CHANGED, path) if now != version else None

    # --- queries -------------------------------------------------------
    def query(self, sparql: str, bindings: Bindings | None = None, *, asserted_only: bool = False):
        """Run SPARQL on asserted and derived triples (or the asserted ones alone), binding terms natively."""
        substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {}
        if bindings:
            from graph.terms import to_ox

            substitutions = {ox.Variable(k): to_ox(v) for k, v in bindings.items()}
        try:
            return self.store.query(
                sparql, prefixes=PREFIXES, use_default_graph_as_union=not asserted_only, substitutions=substitutions
            )
        except SyntaxError as e:
            raise InputError(sparql_syntax_message(e, sparql)) from None
        except RuntimeError as e:
            if "SELECT projection" in str(e):
                # pyoxigraph binds a parameter only where the query returns it.
                raise InputError(f"a parameter must be a variable of the SELECT clause: {e}") from None
            raise

    def select(self, sparql: str, bindings: Bindings | None = None, *, asserted_only: bool = False) -> list[Row]:
        result = self.query(sparql, bindings, asserted_only=asserted_only)
        if not isinstance(result, ox.QuerySolutions):
            raise InputError("expected a SELECT query")
        from graph.terms import from_ox

        names = [v.value for v in result.variables]
        return [{n: from_ox(s[n]) for n in names} for s in result]

    def construct(self, sparql: str, bindings: Bindings | None = None, *, asserted_only: bool = False
                  ) -> list[ox.Triple]:
        result = self.query(sparql, bindings, asserted_only=asserted_only)
        if not isinstance(result, ox.QueryTriples):
            raise InputError("expected a CONSTRUCT or DESCRIBE query")
        return list(result)

    # --- derived layer (written by graph.derive) -----------------------
    def clear_derived(self) -> None:
        g = ox.NamedNode(DERIVED_GRAPH)
        if g in set(self.store.named_graphs()):
            self.store.clear_graph(g)

    def add_derived(self, triples: Iterable[ox.Triple]) -> int:
        g = ox.NamedNode(DERIVED_GRAPH)
        quads = [ox.Quad(t.subject, t.predicate, t.object, g) for t in triples]
        self.store.extend(quads)
        return len(quads)

    def derived_count(self) -> int:
        return sum(1 for _ in self.store.quads_for_pattern(None, None, None, ox.NamedNode(DERIVED_GRAPH)))

    # --- views ---------------------------------------------------------
    def __len__(self) -> int:
        return len(self.store)

    def asserted_triples(self) -> Iterable[ox.Quad]:
        return self.store.quads_for_pattern(None, None, None, ox.DefaultGraph())

    def to_rdflib(self, include_derived: bool = True) -> rdflib.Graph:
        """An in-memory rdflib copy (for pySHACL and rdflib serialisers)."""
        import rdflib

        from graph.terms import node

        g = rdflib.Graph()
        for prefix, ns in PREFIXES.items():
            g.bind(prefix, ns, override=True)
        quads = self.store if include_derived else self.asserted_triples()
        for q in quads:
            g.add((node(q.subject), node(q.predicate), node(q.object)))
        return g


def load_graph(paths: Iterable[str | Path] | None = None, *, project=None, derive: bool = False,
               store: ox.Store | None = None) -> KnowledgeGraph:
    """Load asserted triples: the given files and folders, else the project's (or the packaged) ontology and data.

    Loading never derives: call `graph.derive(kg)` for the derived layer. No triple
    loaded at all is an InputError that names what was given. `store` is an empty store
    to load into (an on-disk one, say); by default a new in-memory store.
    """
    if derive:
        raise TypeError("load_graph() no longer derives: call graph.derive(kg) after loading")
    if paths is None:
        from graph.project import current_project

        paths = (project or current_project()).inputs()
    given = list(paths)
    kg = KnowledgeGraph() if store is None else KnowledgeGraph(store=store)
    for path in expand_inputs(given):
        kg.add_file(path)
    if len(kg) == 0:
        what = ", ".join(map(str, given)) or "nothing"
        reason = "no .ttl file" if not kg.files else "only empty files"
        raise InputError(f"no triples loaded from {what} ({reason})")
    return kg
