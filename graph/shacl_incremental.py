"""SHACL findings that outlive a run: after one file changes, check only the subjects that change can affect.

Each run leaves a state file in r2pkg's cache folder (written whole, then renamed
into place): the content hash of every input file with the subjects (and the
objects the shapes target) that file states, and every SHACL result with the
shape with targets and the focus node ("root") whose check gave it. The next run
compares the files' hashes with it. For the subjects of the old and new versions
of the changed files (graph.shacl_reach: plus every focus node that reaches them
by the paths its shape reads) it checks the shapes again; every other root keeps
its earlier results, which give exactly what a whole run would, because nothing
its check reads has changed.

A whole run instead whenever the state cannot be trusted: no state or an
unreadable one, other shapes (the project's, or those the ontology implies) or
another release of the code, a changed ontology file, or no file unchanged.
Shapes that read beyond their paths (sh:sparql) are checked whole each time, and
so are blank-node focus nodes, whose names do not last from one load to the next.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH
from rdflib.term import Node
from rdflib.util import from_n3

from graph.errors import InputError
from graph.shacl_reach import ReachAnalysis, affected_focus
from graph.shacl_sparql import ShaclResult, SparqlValidator
from graph.store import CHANGED, REMOVED, KnowledgeGraph, fingerprint, rdf_format, rdf_source

STATE_VERSION = 1
T = TypeVar("T")
KEEP = 8  # state files kept in the cache folder (one per project)


@dataclass(frozen=True, order=True)
class Record:
    """One SHACL result as a finding needs it (no blank node of the shapes graph, whose names change)."""

    focus: Node
    path: Node | None
    value: Node | None
    component: rdflib.URIRef
    severity: rdflib.URIRef
    message: str
    check: str  # the node shape that holds the constraint, as findings name it


def record_of(result: ShaclResult, shapes: rdflib.Graph) -> Record:
    """A result as a Record: the node shape that holds its property shape names the check; a named property shape
    that several node shapes share (the attribution of a claim and of an issue) names it itself, never one of
    its holders picked at random (a claim's finding reported as the issue shape's)."""
    from graph.namespaces import curie

    holders = sorted(shapes.subjects(SH.property, result.source_shape), key=str)
    if len(holders) == 1 or (holders and not isinstance(result.source_shape, rdflib.URIRef)):
        node_shape = holders[0]
    else:
        node_shape = result.source_shape
    check = f"shacl:{curie(str(node_shape)).split('#')[-1]}" if isinstance(node_shape, rdflib.URIRef) else "shacl"
    return Record(result.focus, result.path, result.value, result.component, result.severity, result.message, check)


@dataclass
class Rechecked:
    """What one SHACL run checked: every subject, or those a change can affect."""

    incremental: bool
    subjects: int  # focus nodes checked (each once, whatever the number of its shapes)
    changed_files: list[str] = field(default_factory=list)  # changed, added or removed since the earlier run
    reason: str = ""  # why every subject was checked

    def line(self) -> str:
        if not self.incremental:
            return f"checked all {self.subjects:,} subjects" + (f" ({self.reason})" if self.reason else "")
        n = len(self.changed_files)
        if n == 0:
            return f"no file changed: re-checked {self.subjects:,} subjects; findings of the others reused"
        files = "1 changed file" if n == 1 else f"{n} changed files"
        return f"re-checked {self.subjects:,} subjects of {files}; findings of the others reused"


# --- terms in the state file (N-Triples forms; a term that does not read back is not kept) ---------------

def _text(term: Node | None) -> str | None:
    return None if term is None else term.n3()


def _term(text: str | None) -> Node | None:
    if text is None:
        return None
    term = from_n3(text)
    return term if isinstance(term, Node) else None


def _keeps(*terms: Node | None) -> bool:
    """Whether terms can be written and read back as the same terms in another load (no blank node)."""
    for t in terms:
        if t is None:
            continue
        if isinstance(t, rdflib.BNode) or _term(_text(t)) != t:
            return False
    return True


def _ox(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


# --- what each file states -------------------------------------------------------------------------------

def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def file_anchors(path: Path, object_predicates: set[str] | None) -> dict[str, list[str]]:
    """The IRIs a file states things of (its subjects) and the IRI objects of the given predicates
    (None: of every predicate), for finding the focus nodes its change can affect."""
    subjects: set[str] = set()
    objects: dict[str, set[str]] = {}
    with rdf_source(path) as source:
        for q in ox.parse(**source, format=rdf_format(path)):
            if isinstance(q.subject, ox.NamedNode):
                subjects.add(q.subject.value)
            o = q.object
            if isinstance(o, ox.NamedNode) and (object_predicates is None or q.predicate.value in object_predicates):
                objects.setdefault("*" if object_predicates is None else q.predicate.value, set()).add(o.value)
    return {"subjects": sorted(subjects), **{f"objects {p}": sorted(v) for p, v in objects.items()}}


# --- the state file ------------------------------------------------------------------------------------------

def state_path(cache_dir: Path, shapes_path: Path, files: Sequence[Path]) -> Path:
    """One state per project: named by its shapes file and the folder that holds its inputs."""
    folders = [str(p.resolve().parent) for p in files]
    common = os.path.commonpath(folders) if folders else ""
    key = hashlib.sha256(f"{shapes_path.resolve()}\0{common}".encode()).hexdigest()[:24]
    return cache_dir / f"shacl-{key}.json"


def read_state(path: Path) -> dict | None:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) and state.get("version") == STATE_VERSION else None


def write_state(path: Path, state: dict) -> None:
    """Written whole beside its place, then renamed: a reader sees the old state or the new, never half."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".writing-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(state, f)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        states = sorted(path.parent.glob("shacl-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in states[KEEP:]:  # one state per project: the projects used least recently go
            old.unlink(missing_ok=True)
    except OSError:
        pass  # no writable cache folder: the next run checks everything again


def graph_digest(g: rdflib.Graph) -> str:
    """A digest of a graph that does not depend on its blank nodes' names: a blank node counts as the digest
    of what it states (the shapes' blank nodes are trees: property shapes, lists, nested shapes)."""
    memo: dict[Node, str] = {}

    def term(t: Node, depth: int = 0) -> str:
        if not isinstance(t, rdflib.BNode):
            return t.n3()
        if t not in memo:
            if depth > 64:  # a cycle of blank nodes: no digest that another load would give again
                raise ValueError("blank-node cycle")
            inner = sorted(f"{p.n3()} {term(o, depth + 1)}" for p, o in g.predicate_objects(t))
            memo[t] = "_:" + hashlib.sha256("\n".join(inner).encode()).hexdigest()
        return memo[t]

    h = hashlib.sha256()
    for line in sorted(f"{term(s)} {p.n3()} {term(o)}" for s, p, o in g):
        h.update(line.encode() + b"\n")
    return h.hexdigest()


def shape_digest(g: rdflib.Graph, shape: Node) -> str:
    """The digest of one shape with all it refers to (its blank nodes and the shapes it names)."""
    seen, todo = {shape}, [shape]
    sub = rdflib.Graph()
    while todo:
        node = todo.pop()
        for p, o in g.predicate_objects(node):
            sub.add((node, p, o))
            if o not in seen and (isinstance(o, rdflib.BNode) or (o, None, None) in g) and p != RDF.type:
                seen.add(o)
                todo.append(o)
    try:
        return graph_digest(sub)
    except ValueError:
        return os.urandom(16).hex()  # never the same twice: the shape is checked whole


def context_digest(shapes_path: Path, union: bool) -> str:
    """What every result depends on besides the data and the shapes the ontology implies: the shapes file and
    the code that evaluates it. (The ontology's shapes are compared one by one: shape_digest.)"""
    from graph.code_digest import code_digest

    h = hashlib.sha256(code_digest().encode())
    h.update(shapes_path.read_bytes())
    h.update(b"\0union" if union else b"\0default")
    return h.hexdigest()


# --- the run ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Entry:
    shape: str  # the shape with targets that was checked (an IRI)
    root: Node
    record: Record


def _entry_row(e: _Entry) -> list:
    r = e.record
    return [e.shape, _text(e.root), _text(r.focus), _text(r.path), _text(r.value), str(r.component), str(r.severity),
            r.message, r.check]


def _entry_of(row: list) -> _Entry:
    shape, root, focus, path, value, component, severity, message, check = row
    return _Entry(shape, _term(root), Record(_term(focus), _term(path), _term(value),  # type: ignore[arg-type]
                                             rdflib.URIRef(component), rdflib.URIRef(severity), message, check))


def shacl_records(kg: KnowledgeGraph, ran: rdflib.Graph, shapes_path: Path, cache_dir: Path | None, *,
                  ontology: Iterable[Path] = (), union: bool = False) -> tuple[list[Record], Rechecked]:
    """The SHACL results of `kg` against the shapes `ran` (the project's and those of its ontology), checking
    only what changed since the run that left its state in `cache_dir` (None: no state, check everything)."""
    validator = SparqlValidator(kg.store, ran, union_default_graph=union)
    compiler = validator.compiler
    analysis = ReachAnalysis(compiler)
    targets = [s for s in compiler.target_shapes() if not compiler.deactivated(s)]
    reaches = {s: analysis.of(s) for s in targets}
    object_predicates: set[str] | None = set()
    for reach in reaches.values():
        if reach.all_objects:
            object_predicates = None
        elif object_predicates is not None:
            object_predicates |= reach.object_predicates

    files = {str(p.resolve()): p for p in kg.files}
    digests = {f: _read(kg, file_digest, p) for f, p in files.items()}
    context = context_digest(shapes_path, union) if cache_dir is not None else ""
    digests_of_shapes = {str(s): shape_digest(ran, s) for s in targets if isinstance(s, rdflib.URIRef)}
    where = state_path(cache_dir, shapes_path, kg.files) if cache_dir is not None else None
    state = read_state(where) if where is not None else None

    reason = _why_whole(state, context, digests, {str(p.resolve()) for p in ontology})
    old_files: dict[str, dict] = state["files"] if state else {}
    changed = sorted(f for f in digests if old_files.get(f, {}).get("sha") != digests[f])
    removed = sorted(f for f in old_files if f not in digests)

    # What each file states: read again for the changed files (for all, when the shapes read other objects).
    objects_read = "*" if object_predicates is None else sorted(object_predicates)
    same_reads = state is not None and state.get("context") == context and state.get("objects") == objects_read
    stale = changed if same_reads else list(digests)
    anchors_now = {f: old_files[f] for f in digests if f not in stale}
    for f in stale:
        anchors_now[f] = {"sha": digests[f], **_read(kg, lambda p: file_anchors(p, object_predicates), files[f])
                          } if cache_dir else {}

    only: dict[Node, set[ox.NamedNode]] | None = None
    kept: list[_Entry] = []
    if reason is None:
        assert state is not None
        touched = [old_files[f] for f in changed + removed if f in old_files] + [anchors_now[f] for f in changed]
        subjects = {_ox(s) for info in touched for s in info.get("subjects", [])}
        recheck: dict[str, set[ox.NamedNode]] = {}
        for shape, root in state.get("recheck", []):
            recheck.setdefault(shape, set()).add(_ox(root))
        only = {}
        old_shapes = state.get("shapes", {})
        for shape, reach in reaches.items():
            if reach.is_global or not isinstance(shape, rdflib.URIRef):
                continue
            if old_shapes.get(str(shape)) != digests_of_shapes[str(shape)]:
                continue  # a shape of the ontology's that changed (or is new): checked whole
            anchors = set(subjects)
            for info in touched:
                for key, values in info.items():
                    if key == "objects *" or (key.startswith("objects ") and key[8:] in reach.object_predicates):
                        anchors |= {_ox(v) for v in values}
            only[shape] = affected_focus(kg.store, reach, anchors, union=union) | recheck.get(str(shape), set())
        entries = [_entry_of(row) for row in state.get("results", [])]
        kept = [e for e in entries
                if rdflib.URIRef(e.shape) in only and _ox(str(e.root)) not in only[rdflib.URIRef(e.shape)]]

    fresh = [_Entry(str(shape), root, record_of(result, ran))
             for shape, root, result in validator.tagged_results(only)]
    summary = Rechecked(reason is None, len(validator.checked), changed + removed, reason or "")

    if where is not None:
        rows, recheck_rows = [], set()
        for e in kept + fresh:
            if isinstance(e.root, rdflib.BNode):
                continue  # blank-node roots are checked again each time
            r = e.record
            if isinstance(e.root, rdflib.URIRef) and _keeps(e.root, r.focus, r.path, r.value) and e.shape.startswith(
                    ("http:", "https:", "urn:")):
                rows.append(_entry_row(e))
            else:
                recheck_rows.add((e.shape, str(e.root)))
        kg.check_unchanged()  # findings of files that changed meanwhile would describe neither version
        write_state(where, {"version": STATE_VERSION, "context": context, "shapes": digests_of_shapes,
                            "objects": objects_read, "files": anchors_now,
                            "results": rows, "recheck": sorted(recheck_rows)})
    return sorted({e.record for e in kept + fresh}, key=_order), summary


def _read(kg: KnowledgeGraph, read: Callable[[Path], T], path: Path) -> T:
    """Read a loaded file again; one InputError naming it when it changed or went away since it was loaded."""
    try:
        return read(path)
    except (OSError, SyntaxError, UnicodeDecodeError):
        kg.check_unchanged([path])
        raise InputError(REMOVED if fingerprint(path) is None else CHANGED, path) from None


def _order(r: Record) -> tuple[str, ...]:
    return (r.check, str(r.focus), str(r.component), str(r.path), str(r.value), r.message)


def _why_whole(state: dict | None, context: str, digests: dict[str, str], ontology: set[str]) -> str | None:
    """Why every subject must be checked (None: the earlier run's findings can be reused)."""
    if state is None:
        return "no earlier findings to reuse"
    if state.get("context") != context:
        return "the shapes file or the code changed"
    old = state.get("files", {})
    changed = {f for f in digests if old.get(f, {}).get("sha") != digests[f]} | {f for f in old if f not in digests}
    if changed & ontology:
        return "the ontology changed"
    if changed and len(changed) >= len(digests):
        return "every file changed"
    return None


__all__ = ["Record", "Rechecked", "record_of", "shacl_records", "file_anchors", "state_path"]
