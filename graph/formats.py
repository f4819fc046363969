"""One registry of output formats: name, media types, file ending and serialiser.

`r2pkg query`, `r2pkg export` and `r2pkg serve` all choose formats here, by the
same names (aliases such as `nt` or `ttl` are accepted everywhere). The result
formats are listed below; an export format is registered by the module that
writes it (graph/exports/*.py, with `exporter`), so adding one touches that
module and its test, and `names(EXPORT)` lists them all. RDF syntaxes
are written by pyoxigraph's serialisers; JSON-LD by rdflib, because pyoxigraph
writes expanded JSON-LD without a context and our users read the compacted form
with the project's prefixes. SELECT and ASK results are written here in the
SPARQL 1.1 results formats (JSON, XML, CSV, TSV), row by row, so a caller can
cap their size while they are written (the server does).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from graph.errors import InputError

# The writers are graph/result_writers.py: `r2pkg query` reads the registry's names for its options and hands the
# writing to the worker that runs the query (graph/query_worker.py), so it need not import pyoxigraph, json or csv.


SOLUTIONS, BOOLEAN, GRAPH, DATASET = "solutions", "boolean", "graph", "dataset"
EXPORT = "export"  # a whole-graph export (`r2pkg export`, `graph.export`): any format with a writer


@dataclass(frozen=True)
class Format:
    name: str
    kinds: frozenset[str]  # which results it can carry: solutions, boolean, graph (triples), dataset (quads)
    media_type: str  # what a response says it is
    accepts: tuple[str, ...]  # media types a client may ask for to get it
    extension: str
    rdf_syntax: str | None = None  # pyoxigraph's serialiser, for RDF syntaxes: the name of its RdfFormat
    # Export formats only: writer(content) -> text (one file) or {relative path: bytes} (a folder or a zip);
    # `opens_with` says in one line which tool reads it (CLI help, the site's "Read and reuse" list).
    # Not compared: an RDF syntax that gains its writer stays equal to the result format it was.
    writer: Callable[[Any], str | dict[str, bytes]] | None = field(default=None, compare=False)
    opens_with: str = field(default="", compare=False)

    def fits(self, kind: str) -> bool:
        return self.writer is not None if kind == EXPORT else kind in self.kinds

    @property
    def is_bundle(self) -> bool:
        """Written as several files (a folder, or a zip when the path ends in .zip)."""
        return self.extension in ("", "/")


def _f(name, kinds, media_type, accepts, extension, rdf_syntax=None) -> Format:
    return Format(name, frozenset(kinds), media_type, tuple(accepts), extension, rdf_syntax)


# In preference order: the first format of a kind is its default for content negotiation.
FORMATS: tuple[Format, ...] = (
    _f("json", {SOLUTIONS, BOOLEAN}, "application/sparql-results+json",
       ("application/sparql-results+json", "application/json"), ".srj"),
    _f("xml", {SOLUTIONS, BOOLEAN}, "application/sparql-results+xml",
       ("application/sparql-results+xml", "application/xml", "text/xml"), ".srx"),
    _f("csv", {SOLUTIONS}, "text/csv; charset=utf-8", ("text/csv",), ".csv"),
    _f("tsv", {SOLUTIONS}, "text/tab-separated-values; charset=utf-8", ("text/tab-separated-values",), ".tsv"),
    _f("turtle", {GRAPH}, "text/turtle; charset=utf-8", ("text/turtle", "application/x-turtle"), ".ttl",
       "TURTLE"),
    _f("ntriples", {GRAPH}, "application/n-triples", ("application/n-triples", "text/plain"), ".nt",
       "N_TRIPLES"),
    _f("jsonld", {GRAPH}, "application/ld+json", ("application/ld+json",), ".jsonld"),
    _f("rdfxml", {GRAPH}, "application/rdf+xml", ("application/rdf+xml",), ".rdf", "RDF_XML"),
    _f("trig", {DATASET}, "application/trig", ("application/trig",), ".trig", "TRIG"),
    _f("nquads", {DATASET}, "application/n-quads", ("application/n-quads",), ".nq", "N_QUADS"),
)
# The registry: every format by name, the result formats above first, then export formats as their modules
# register them (`exporter`). Lookups go through it, so a registered format is found everywhere.
BY_NAME: dict[str, Format] = {f.name: f for f in FORMATS}
ALIASES = {"ttl": "turtle", "nt": "ntriples", "n-triples": "ntriples", "json-ld": "jsonld", "rdf": "rdfxml",
           "nq": "nquads", "n-quads": "nquads"}


def names(kind: str) -> list[str]:
    return [f.name for f in BY_NAME.values() if f.fits(kind)]


def exporter(name: str, *, opens_with: str, media_type: str | None = None, extension: str | None = None,
             accepts: tuple[str, ...] = ()) -> Callable:
    """Register the decorated function as the writer of export format `name` (a decorator).

    A name the registry already has (an RDF syntax) gains the writer and keeps its media types;
    a new name needs its media type and file ending ("/" for a folder or zip of several files).
    """

    def register(writer: Callable) -> Callable:
        known = BY_NAME.get(name)
        if known is not None:
            BY_NAME[name] = replace(known, writer=writer, opens_with=opens_with)
        elif media_type is None or extension is None:
            raise ValueError(f"export format {name} needs a media type and a file ending")
        else:
            BY_NAME[name] = Format(name, frozenset({EXPORT}), media_type, accepts, extension,
                                   writer=writer, opens_with=opens_with)
        return writer

    return register


def find(name_or_media_type: str, kind: str | None = None) -> Format | None:
    """A format by name, alias or media type (of the given kind, if one is given), or None."""
    want = name_or_media_type.strip().lower()
    want = ALIASES.get(want, want)
    for f in BY_NAME.values():
        if (want == f.name or want in f.accepts) and (kind is None or f.fits(kind)):
            return f
    return None


def get(name: str, kind: str, what: str = "result") -> Format:
    """A format by name or alias, or an InputError that lists the names that fit."""
    f = find(name, kind)
    if f is None:
        raise InputError(f"--format {name} does not fit a {what} (use one of: {', '.join(names(kind))})")
    return f
