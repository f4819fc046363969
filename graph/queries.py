"""Named SPARQL queries, QC checks and rules: where they are found, and typed parameter binding.

The packaged ones are graph/sparql/cq/, qc/ and rules/; a project adds its own
queries/, qc/ and rules/ folders (and may switch the packaged ones off: see
graph.project). Each named query is a file <ID>.rq whose leading comment lines
carry its metadata:

    # title: Conditions that combine into mass atrocities
    # description: ...
    # param: outcome iri optional example=mass-atrocities -- the outcome the causal links end in
    # param: measure iri required example=security-sector-reform -- the measure

A parameter is NAME KIND required|optional [default=V] [example=V] -- description;
the example is a value the query answers for, run by the tests and shown by `r2pkg queries`.

Parameter values are turned into RDF terms and bound by the store
(pyoxigraph substitutions), never pasted into the query text, so a value with
quotes or braces cannot change the query. A bound parameter must be a variable
of the query's SELECT projection; an optional parameter left unset stays a
free variable, so the query answers for every value, unless its header gives
it a default (which `r2pkg queries` shows).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from graph.errors import InputError
from graph.namespaces import PREFIXES, resolve_iri, sparql_prologue

if TYPE_CHECKING:  # rdflib is imported where a parameter is bound: a query without one starts without it
    from rdflib.term import Identifier

PARAM_KINDS = ("iri", "string", "integer", "decimal", "boolean")
_META = re.compile(r"^#\s*(\w+):\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s+(\w+)\s+(required|optional)(?:\s+default=(\S+))?(?:\s+example=(\S+))?"
                    r"(?:\s+--\s*(.*))?$")


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    required: bool
    default: str | None = None
    description: str = ""
    example: str | None = None  # a value the query answers for (the tests run every query with its examples)


@dataclass(frozen=True)
class NamedQuery:
    id: str
    title: str
    description: str
    body: str  # the query as written in the file, without the project's PREFIX lines
    params: tuple[Param, ...] = field(default_factory=tuple)
    path: Path | None = None

    def example_values(self) -> dict[str, str]:
        """The parameters' example values (a required one without an example gets its default)."""
        return {p.name: v for p in self.params if (v := p.example or (p.default if p.required else None))}

    @property
    def sparql(self) -> str:
        """Self-contained query text: every project prefix declared, for remote endpoints too."""
        return sparql_prologue() + self.body

    def bindings(self, values: dict[str, str]) -> dict[str, Identifier]:
        """Typed RDF terms for the given values plus defaults; unknown or missing names are errors."""
        known = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(known))
        if unknown:
            expected = ", ".join(known) or "none"
            raise InputError(f"{self.id} has no parameter {unknown[0]!r} (parameters: {expected})")
        out: dict[str, Identifier] = {}
        for p in self.params:
            raw = values.get(p.name, p.default)
            if raw is None:
                if p.required:
                    raise InputError(f"{self.id} needs --param {p.name}=<{p.kind}>: {p.description}")
                continue
            out[p.name] = to_term(raw, p.kind, p.name)
        return out


def to_term(raw: str, kind: str, name: str = "value") -> Identifier:
    """One parameter value as an RDF term of the declared kind."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    if kind == "iri":
        try:
            iri = resolve_iri(raw)
        except ValueError as e:
            raise InputError(f"--param {name}: {e}") from None
        try:
            ox.NamedNode(iri)  # the store's own IRI check: a#b#c, %zz, http://[::1 fail here, not later
        except ValueError as e:
            raise InputError(f"--param {name}: {raw!r} is not a valid IRI ({e})") from None
        return URIRef(iri)
    if kind == "string":
        return Literal(raw)
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", raw):
            raise InputError(f"--param {name}: {raw!r} is not an integer")
        return Literal(raw, datatype=XSD.integer)
    if kind == "decimal":
        from decimal import Decimal, InvalidOperation

        try:
            Decimal(raw)
        except InvalidOperation:
            raise InputError(f"--param {name}: {raw!r} is not a decimal number") from None
        return Literal(raw, datatype=XSD.decimal)
    if kind == "boolean":
        if raw not in ("true", "false"):
            raise InputError(f"--param {name}: {raw!r} is not true or false")
        return Literal(raw, datatype=XSD.boolean)
    raise ValueError(f"unknown parameter kind {kind!r}")


def read_query_file(path: str | Path) -> NamedQuery:
    """A user's query file, with its `# param:` lines honoured exactly as in the named queries."""
    path = Path(path)
    try:
        return parse_query_file(path)
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", path) from None
    except UnicodeDecodeError as e:
        raise InputError(f"cannot read: {e}", path) from None
    except ValueError as e:
        raise InputError(str(e).removeprefix(f"{path}: "), path) from None


def parse_query_file(path: Path) -> NamedQuery:
    meta: dict[str, str] = {}
    params: list[Param] = []
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = 0
    for header, line in enumerate(lines):  # noqa: B007 (header is used after the loop)
        m = _META.match(line)
        if not m:
            if line.strip() and not line.startswith("#"):
                break
            continue
        key, value = m.group(1), m.group(2).strip()
        if key == "param":
            pm = _PARAM.match(value)
            if not pm or pm.group(2) not in PARAM_KINDS:
                raise ValueError(f"{path}: bad param line {value!r}")
            params.append(Param(pm.group(1), pm.group(2), pm.group(3) == "required", pm.group(4), pm.group(6) or "",
                                pm.group(5)))
        else:
            meta[key] = value
    return NamedQuery(
        id=path.stem,
        title=meta.get("title", path.stem),
        description=meta.get("description", ""),
        # The metadata header stays out of the query text: some clients (SPARQLWrapper)
        # misread comment lines when they guess the query type.
        body="".join(lines[header:]),
        params=tuple(params),
        path=path,
    )


def extension_files(kind: str, project=None) -> list[Path]:
    """The .rq files of one kind (queries, qc, rules): the packaged ones unless switched off, then the
    project's own; a project file with the name of a packaged one replaces it."""
    from graph.project import current_project

    project = project or current_project()
    by_name: dict[str, Path] = {}
    for folder in project.extension_dirs(kind):
        by_name.update({f.name: f for f in folder.glob("*.rq")})
    return [by_name[n] for n in sorted(by_name)]


def named_queries(project=None) -> dict[str, NamedQuery]:
    """Every named query of the project (default: the one you stand in), by id, in id order."""
    return _parsed(tuple((f, f.stat().st_mtime_ns) for f in extension_files("queries", project)))


@cache
def _parsed(files: tuple[tuple[Path, int], ...]) -> dict[str, NamedQuery]:
    out = {}
    for f, _ in files:
        try:
            q = parse_query_file(f)
        except ValueError as e:
            raise InputError(str(e).removeprefix(f"{f}: "), f) from None
        out[q.id] = q
    return out


def get_query(query_id: str, project=None) -> NamedQuery:
    queries = named_queries(project)
    by_key = {k.upper(): q for k, q in queries.items()}  # ids are matched whatever their case (cq01, CQ01)
    if query_id.upper() not in by_key:
        raise InputError(f"unknown query {query_id!r} (known: {', '.join(queries) or 'none'}; see r2pkg queries)")
    return by_key[query_id.upper()]


def guess_term(raw: str, name: str = "value") -> Identifier:
    """A value for an ad-hoc query, whose parameters have no declared kind.

    <...> or a CURIE with a project prefix is an IRI; an integer or decimal is a
    typed number; true/false a boolean; anything else a plain string literal.
    """
    if raw.startswith("<") and raw.endswith(">"):
        return to_term(raw, "iri", name)
    prefix, sep, _ = raw.partition(":")
    if sep and prefix in PREFIXES:
        return to_term(raw, "iri", name)
    if re.fullmatch(r"[+-]?\d+", raw):
        return to_term(raw, "integer", name)
    if re.fullmatch(r"[+-]?\d*\.\d+", raw):
        return to_term(raw, "decimal", name)
    if raw in ("true", "false"):
        return to_term(raw, "boolean", name)
    return to_term(raw, "string", name)


SERVICE_OFFLINE = ("SERVICE (federated query) is not available on the embedded store: r2pkg works offline by "
                   "design. Query a SPARQL server that federates with --endpoint instead.")
UPDATE_OFFLINE = "SPARQL Update is not run: r2pkg query only reads the graph (edit the project's files instead)."


def refuse_unsafe(text: str, what: str | None = None, path: Path | None = None) -> None:
    """The shared guard (graph.guard), said as an InputError: SERVICE, updates, shapes it cannot check.

    The CLI, the endpoint and the library run every query past it before any parser
    sees it; a query the guard cannot decide is refused, never run. SPARQL a project
    brings (`what`: a rule, a QC check, a shape's sh:select, read from `path`) passes
    it too: a derivation or a check never calls out or writes.
    """
    from graph.guard import SERVICE_REFUSED, UPDATE_REFUSED, Refused, check_query

    try:
        check_query(text)
    except Refused as e:
        if what is None:
            message = {SERVICE_REFUSED: SERVICE_OFFLINE, UPDATE_REFUSED: UPDATE_OFFLINE}.get(e.message, e.message)
        else:
            message = what + " " + {
                SERVICE_REFUSED: "uses SERVICE, which would fetch another address: r2pkg works offline",
                UPDATE_REFUSED: "is a SPARQL Update: r2pkg only reads the graph"}.get(e.message, e.message)
        raise InputError(message, path) from None


def read_sparql_file(path: Path, what: str) -> str:
    """A project's SPARQL file (`what`: a rule, a QC check), read and past the guard; its errors name the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read: {getattr(e, 'strerror', None) or e}", path) from None
    refuse_unsafe(text, what, path)
    return text


def unknown_iris(kg, bindings: dict[str, Identifier]) -> list[str]:
    """Names of IRI parameters whose IRI occurs nowhere in the graph (a typo, or a label given as an IRI)."""
    if not bindings:
        return []
    from rdflib import URIRef

    missing = []
    for name, term in bindings.items():
        if isinstance(term, URIRef) and not kg.query(
                "ASK { { ?x ?p ?o } UNION { ?s ?x ?o } UNION { ?s ?p ?x } }", {"x": term}):
            missing.append(name)
    return missing


def run_query(kg=None, *, name: str | None = None, sparql: str | None = None, query: NamedQuery | None = None,
              params: dict[str, str] | None = None, endpoint: str | None = None,
              default_graph: str | None = None, warn=None):
    """Run a named query (`name`), a parsed query file (`query`) or an ad-hoc one (`sparql`), embedded or remote.

    Returns a QueryResult: `.records()` gives plain dicts (for pandas), `.terms()`
    rdflib terms, `.serialize(fmt)` the CLI's output. With `endpoint`, the query
    goes to that SPARQL 1.1 endpoint instead of the loaded graph `kg`. `warn`, if
    given, is called with a message for each IRI parameter that is not in the graph.
    """
    from graph.query_results import QueryResult

    params = params or {}
    if sum(x is not None for x in (name, sparql, query)) != 1:
        raise InputError("give exactly one of a named query, a query file or a SPARQL string")
    if name is not None:
        query = get_query(name)
    if query is not None:
        text, bindings = query.body, query.bindings(params)
    else:
        text = sparql or ""
        bindings = {k: guess_term(v, k) for k, v in params.items()}
    if endpoint is not None:
        from graph.remote import remote_query

        # A remote server knows none of our prefixes: declare them all.
        return remote_query(endpoint, sparql_prologue() + text, bindings, default_graph)
    refuse_unsafe(text)
    if kg is None:
        from graph.store import load_graph

        kg = load_graph()
    if warn is not None:
        if name is None:  # a query the user wrote; the named ones are checked against the ontology by the tests
            from graph.undeclared import undeclared_warnings  # a term the ontology does not declare matches nothing

            for message in undeclared_warnings(kg, text):
                warn(message)
        for p in unknown_iris(kg, bindings):
            warn(f"--param {p}: {bindings[p]} is not in the graph, so it matches nothing (check the spelling; "
                 "a label is a literal, not an IRI)")
    return QueryResult.from_ox(kg.query(text, bindings))


def run_query_as_text(kg, endpoint: str | None, default_graph: str | None, name: str | None, sparql: str | None,
                      query: NamedQuery | None, params: dict[str, str], fmt: str | None) -> tuple[str, list[str]]:
    """What `r2pkg query` prints: the result as text in `fmt` (default: a table, or Turtle for a graph) and
    the warnings to show, collected (this runs in the command's confined worker, graph.server.sandbox)."""
    warnings: list[str] = []
    result = run_query(kg, name=name, sparql=sparql, query=query, params=params, endpoint=endpoint,
                       default_graph=default_graph, warn=warnings.append)
    return result.serialize(fmt or ("turtle" if result.kind == "GRAPH" else "table")), warnings


def run_named(kg, query_id: str, params: dict[str, str] | None = None):
    """Run a named query on a loaded graph with typed parameters; the raw pyoxigraph result."""
    q = get_query(query_id)
    return kg.query(q.body, q.bindings(params or {}))


__all__ = ["NamedQuery", "Param", "PREFIXES", "extension_files", "get_query", "guess_term", "named_queries",
           "read_query_file", "read_sparql_file", "run_named", "run_query", "run_query_as_text",
           "to_term"]
