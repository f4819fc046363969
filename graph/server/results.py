"""Content negotiation and complete, size-capped serialisation of query results.

Results are serialised whole in the worker before any byte is sent, so a
client gets either a complete answer or an error status, never a truncated 200.
SELECT results are written here (not with pyoxigraph's serialiser) because the
row cap must be checked while rows are read, and pyoxigraph only serialises a
whole result iterator.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from graph.namespaces import PREFIXES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str  # what the response says it is
    accepts: tuple[str, ...]  # media types a client may ask for to get it


SOLUTION_FORMATS = (
    Format("json", "application/sparql-results+json",
           ("application/sparql-results+json", "application/json")),
    Format("xml", "application/sparql-results+xml",
           ("application/sparql-results+xml", "application/xml", "text/xml")),
    Format("csv", "text/csv; charset=utf-8", ("text/csv",)),
    Format("tsv", "text/tab-separated-values; charset=utf-8", ("text/tab-separated-values",)),
)
GRAPH_FORMATS = (
    Format("turtle", "text/turtle; charset=utf-8", ("text/turtle", "application/x-turtle")),
    Format("ntriples", "application/n-triples", ("application/n-triples", "text/plain")),
    Format("jsonld", "application/ld+json", ("application/ld+json",)),
    Format("rdfxml", "application/rdf+xml", ("application/rdf+xml",)),
)
# CSV and TSV are defined for SELECT only (SPARQL 1.1 CSV/TSV results).
BOOLEAN_FORMATS = SOLUTION_FORMATS[:2]
FORMATS_BY_KIND = {"solutions": SOLUTION_FORMATS, "boolean": BOOLEAN_FORMATS, "graph": GRAPH_FORMATS}
# Short names for the non-standard but common `format=` parameter (YASGUI, curl users).
FORMAT_ALIASES = {
    "ttl": "turtle", "nt": "ntriples", "n-triples": "ntriples", "json-ld": "jsonld", "rdf": "rdfxml",
}


class ResultTooLarge(Exception):
    """The result is over the row or byte cap."""


NARROW = "add a LIMIT or narrow the query"


def _parse_accept(header: str) -> list[tuple[float, int, str]]:
    """(q, position, media range) for each entry of an Accept header, q=0 dropped."""
    out = []
    for i, part in enumerate(header.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for p in params:
            key, _, value = p.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media and q > 0:
            out.append((q, i, media.lower()))
    return out


def negotiate(kind: str, accept: str | None, fmt: str | None = None) -> Format | None:
    """The format to answer with, or None (406). `fmt` (a name or media type) overrides Accept."""
    formats = FORMATS_BY_KIND[kind]
    if fmt:
        want = FORMAT_ALIASES.get(fmt.lower(), fmt.lower())
        return next((f for f in formats if want == f.name or want in f.accepts), None)
    if not accept or not accept.strip():
        return formats[0]
    best: tuple[float, int, int, int] | None = None  # (q, specificity, -position, -server order)
    chosen = None
    for q, pos, media in _parse_accept(accept):
        for order, f in enumerate(formats):
            if media in f.accepts:
                spec = 2
            elif media == "*/*":
                spec = 0
            elif media.endswith("/*") and any(a.startswith(media[:-1]) for a in f.accepts):
                spec = 1
            else:
                continue
            key = (q, spec, -pos, -order)
            if best is None or key > best:
                best, chosen = key, f
    return chosen


# --- terms -------------------------------------------------------------------
def _json_term(t) -> dict:
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
        parts = ("subject", "predicate", "object")
        return {"type": "triple", "value": {p: _json_term(getattr(t, p)) for p in parts}}
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
        return (
            f"<triple><subject>{_xml_term(t.subject)}</subject><predicate>{_xml_term(t.predicate)}"
            f"</predicate><object>{_xml_term(t.object)}</object></triple>"
        )
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
class _CappedBuffer:
    """A byte buffer that refuses to grow past `limit`."""

    def __init__(self, limit: int):
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes | str) -> int:
        b = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        self.size += len(b)
        if self.size > self.limit:
            raise ResultTooLarge(f"the result is larger than {self.limit:,} bytes; {NARROW}")
        self.parts.append(b)
        return len(b)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


def _rows(solutions: Iterable[ox.QuerySolution], names: Sequence[str], max_rows: int) -> list[list]:
    rows = []
    for s in solutions:
        if len(rows) >= max_rows:
            raise ResultTooLarge(f"the result has more than {max_rows:,} rows; {NARROW}")
        rows.append([s[n] for n in names])
    return rows


def serialize_solutions(result: ox.QuerySolutions, fmt: Format, max_rows: int, max_bytes: int) -> bytes:
    names = [v.value for v in result.variables]
    rows = _rows(result, names, max_rows)
    out = _CappedBuffer(max_bytes)
    if fmt.name == "json":
        out.write('{"head":{"vars":' + json.dumps(names) + '},"results":{"bindings":[')
        for i, row in enumerate(rows):
            binding = {n: _json_term(t) for n, t in zip(names, row, strict=True) if t is not None}
            out.write(("," if i else "") + json.dumps(binding, ensure_ascii=False))
        out.write("]}}\n")
    elif fmt.name == "xml":
        out.write('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>')
        out.write("".join(f"<variable name={quoteattr(n)}/>" for n in names) + "</head><results>")
        for row in rows:
            cells = "".join(
                f"<binding name={quoteattr(n)}>{_xml_term(t)}</binding>"
                for n, t in zip(names, row, strict=True)
                if t is not None
            )
            out.write(f"<result>{cells}</result>")
        out.write("</results></sparql>\n")
    elif fmt.name == "csv":
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n")  # RFC 4180, as the SPARQL CSV format says
        writer.writerow(names)
        for row in rows:
            writer.writerow([_csv_term(t) for t in row])
            if text.tell() > 65536:
                out.write(text.getvalue())
                text.seek(0)
                text.truncate()
        out.write(text.getvalue())
    elif fmt.name == "tsv":
        out.write("\t".join(f"?{n}" for n in names) + "\n")
        for row in rows:
            out.write("\t".join(_tsv_term(t) for t in row) + "\n")
    else:
        raise ValueError(f"not a solutions format: {fmt.name}")
    return out.getvalue()


def serialize_boolean(value: bool, fmt: Format) -> bytes:
    if fmt.name == "json":
        return (json.dumps({"head": {}, "boolean": value}) + "\n").encode()
    if fmt.name == "xml":
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
            f"<boolean>{'true' if value else 'false'}</boolean></sparql>\n"
        ).encode()
    raise ValueError(f"not a boolean format: {fmt.name}")


_RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


def serialize_triples(triples: Iterable[ox.Triple], fmt: Format, max_rows: int, max_bytes: int) -> bytes:
    kept: list[ox.Triple] = []
    for t in triples:
        if len(kept) >= max_rows:
            raise ResultTooLarge(f"the result has more than {max_rows:,} triples; {NARROW}")
        kept.append(t)
    out = _CappedBuffer(max_bytes)
    prefixes = PREFIXES if fmt.name in ("turtle", "jsonld", "rdfxml") else None
    ox.serialize(kept, out, _RDF_FORMATS[fmt.name], prefixes=prefixes)
    return out.getvalue()
