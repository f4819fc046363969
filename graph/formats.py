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

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import pyoxigraph as ox

from graph.errors import InputError
from graph.namespaces import PREFIXES


def escape(text: str) -> str:
    """XML character data (what xml.sax.saxutils.escape does, without importing urllib at start-up)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    """A double-quoted XML attribute value, whitespace kept as character references."""
    value = escape(text).replace('"', "&quot;")
    return '"' + value.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;") + '"'


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

SOLUTIONS, BOOLEAN, GRAPH, DATASET = "solutions", "boolean", "graph", "dataset"
EXPORT = "export"  # a whole-graph export (`r2pkg export`, `graph.export`): any format with a writer


@dataclass(frozen=True)
class Format:
    name: str
    kinds: frozenset[str]  # which results it can carry: solutions, boolean, graph (triples), dataset (quads)
    media_type: str  # what a response says it is
    accepts: tuple[str, ...]  # media types a client may ask for to get it
    extension: str
    rdf_format: ox.RdfFormat | None = None  # pyoxigraph's serialiser, for RDF syntaxes
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


def _f(name, kinds, media_type, accepts, extension, rdf_format=None) -> Format:
    return Format(name, frozenset(kinds), media_type, tuple(accepts), extension, rdf_format)


# In preference order: the first format of a kind is its default for content negotiation.
FORMATS: tuple[Format, ...] = (
    _f("json", {SOLUTIONS, BOOLEAN}, "application/sparql-results+json",
       ("application/sparql-results+json", "application/json"), ".srj"),
    _f("xml", {SOLUTIONS, BOOLEAN}, "application/sparql-results+xml",
       ("application/sparql-results+xml", "application/xml", "text/xml"), ".srx"),
    _f("csv", {SOLUTIONS}, "text/csv; charset=utf-8", ("text/csv",), ".csv"),
    _f("tsv", {SOLUTIONS}, "text/tab-separated-values; charset=utf-8", ("text/tab-separated-values",), ".tsv"),
    _f("turtle", {GRAPH}, "text/turtle; charset=utf-8", ("text/turtle", "application/x-turtle"), ".ttl",
       ox.RdfFormat.TURTLE),
    _f("ntriples", {GRAPH}, "application/n-triples", ("application/n-triples", "text/plain"), ".nt",
       ox.RdfFormat.N_TRIPLES),
    _f("jsonld", {GRAPH}, "application/ld+json", ("application/ld+json",), ".jsonld"),
    _f("rdfxml", {GRAPH}, "application/rdf+xml", ("application/rdf+xml",), ".rdf", ox.RdfFormat.RDF_XML),
    _f("trig", {DATASET}, "application/trig", ("application/trig",), ".trig", ox.RdfFormat.TRIG),
    _f("nquads", {DATASET}, "application/n-quads", ("application/n-quads",), ".nq", ox.RdfFormat.N_QUADS),
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


# --- terms -------------------------------------------------------------------
def json_term(t) -> dict:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Literal):
        d = {"type": "literal", "value": t.value}
        if t.language:
            d["xml:lang"] = t.language
        elif t.datatype.value != XSD_STRING:
            d["datatype"] = t.datatype.value
        return d
    if isinstance(t, ox.Triple):
        return {"type": "triple", "value": {p: json_term(getattr(t, p)) for p in ("subject", "predicate", "object")}}
    raise TypeError(f"unsupported term {t!r}")


def _xml_term(t) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{escape(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{escape(t.value)}</bnode>"
    if isinstance(t, ox.Literal):
        if t.language:
            return f"<literal xml:lang={quoteattr(t.language)}>{escape(t.value)}</literal>"
        if t.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(t.datatype.value)}>{escape(t.value)}</literal>"
        return f"<literal>{escape(t.value)}</literal>"
    if isinstance(t, ox.Triple):
        return (f"<triple><subject>{_xml_term(t.subject)}</subject><predicate>{_xml_term(t.predicate)}"
                f"</predicate><object>{_xml_term(t.object)}</object></triple>")
    raise TypeError(f"unsupported term {t!r}")


def _csv_term(t) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.BlankNode):
        return f"_:{t.value}"
    if isinstance(t, ox.Triple):
        return str(t)
    return t.value


def _tsv_term(t) -> str:
    # TSV results write terms in SPARQL/Turtle syntax; str() of a pyoxigraph term is N-Triples.
    return "" if t is None else str(t)


# --- writers -----------------------------------------------------------------
class Sink(Protocol):
    def write(self, data: str) -> object: ...


def write_solutions(out: Sink, variables: Sequence[str], rows: Iterable[Sequence], fmt: Format) -> None:
    """SELECT results in a SPARQL 1.1 results format; rows are sequences of terms (None where unbound)."""
    if fmt.name == "json":
        out.write('{"head":{"vars":' + json.dumps(list(variables)) + '},"results":{"bindings":[')
        for i, row in enumerate(rows):
            binding = {n: json_term(t) for n, t in zip(variables, row, strict=True) if t is not None}
            out.write(("," if i else "") + "\n" + json.dumps(binding, ensure_ascii=False))
        out.write("\n]}}\n")
    elif fmt.name == "xml":
        out.write('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>')
        out.write("".join(f"<variable name={quoteattr(n)}/>" for n in variables) + "</head><results>")
        for row in rows:
            cells = "".join(f"<binding name={quoteattr(n)}>{_xml_term(t)}</binding>"
                            for n, t in zip(variables, row, strict=True) if t is not None)
            out.write(f"<result>{cells}</result>")
        out.write("</results></sparql>\n")
    elif fmt.name == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")  # RFC 4180, as the SPARQL CSV format says
        writer.writerow(variables)
        for row in rows:
            writer.writerow([_csv_term(t) for t in row])
            if buf.tell() > 65536:
                out.write(buf.getvalue())
                buf.seek(0)
                buf.truncate()
        out.write(buf.getvalue())
    elif fmt.name == "tsv":
        out.write("\t".join(f"?{n}" for n in variables) + "\n")
        for row in rows:
            out.write("\t".join(_tsv_term(t) for t in row) + "\n")
    else:
        raise ValueError(f"not a solutions format: {fmt.name}")


def write_boolean(out: Sink, value: bool, fmt: Format) -> None:
    if fmt.name == "json":
        out.write(json.dumps({"head": {}, "boolean": value}) + "\n")
    elif fmt.name == "xml":
        out.write('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                  f"<boolean>{'true' if value else 'false'}</boolean></sparql>\n")
    else:
        raise ValueError(f"not a boolean format: {fmt.name}")


def serialize_rdf(statements: Iterable[ox.Triple] | Iterable[ox.Quad], fmt: Format) -> bytes:
    """Triples (graph formats) or quads (dataset formats) in an RDF syntax, with the project's prefixes."""
    if fmt.name == "jsonld":
        import rdflib

        from graph.terms import node

        g = rdflib.Graph()
        for t in statements:
            g.add((node(t.subject), node(t.predicate), node(t.object)))
        return g.serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True).encode("utf-8")
    if fmt.rdf_format is None:
        raise ValueError(f"not an RDF format: {fmt.name}")
    prefixes = None if fmt.name in ("ntriples", "nquads") else PREFIXES
    data = ox.serialize(statements, format=fmt.rdf_format, prefixes=prefixes)
    assert data is not None  # with no output file, pyoxigraph returns the bytes
    return data
