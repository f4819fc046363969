"""Content negotiation and complete, size-capped serialisation of query results.

The formats are graph.formats' and their writers graph.result_writers' (the
same names as `r2pkg query` and `r2pkg export`). Results are serialised whole in the worker before
any byte is sent, so a client gets either a complete answer or an error
status, never a truncated 200; the caps are checked while rows are read and
bytes are written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import pyoxigraph as ox

from graph import formats, result_writers
from graph.formats import Format

FORMATS_BY_KIND = {kind: tuple(f for f in formats.FORMATS if kind in f.kinds)
                   for kind in (formats.SOLUTIONS, formats.BOOLEAN, formats.GRAPH, formats.DATASET)}
SOLUTION_FORMATS = FORMATS_BY_KIND[formats.SOLUTIONS]


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


# Names clients put in format= or output= (SPARQLWrapper's included) that mean a different
# format for graphs than for solutions: "xml" is RDF/XML for CONSTRUCT, results XML for SELECT.
_GRAPH_NAMES = {"xml": "rdfxml", "rdf+xml": "rdfxml", "rdf": "rdfxml", "json": "jsonld", "json-ld": "jsonld",
                "n3": "turtle", "text/n3": "turtle", "text/rdf+n3": "turtle", "application/json": "jsonld",
                "application/xml": "rdfxml", "text/xml": "rdfxml"}
_SOLUTION_NAMES = {"sparql-results+json": "json", "sparql-results+xml": "xml"}


def named_format(kind: str, name: str | None) -> Format | None:
    """The format a format=/output= value names for this kind of result, or None (then Accept decides)."""
    if not name or not name.strip():
        return None
    want = name.strip().lower()
    table = _GRAPH_NAMES if kind == formats.GRAPH else _SOLUTION_NAMES
    return formats.find(table.get(want, want), kind)


def negotiate(kind: str, accept: str | None, fmt: str | None = None) -> Format | None:
    """The format to answer with, or None (406).

    A format=/output= value that names a format this result can take wins;
    any other value is ignored and the Accept header decides. A wildcard
    (text/*) matches a format by its own media type, not by an alias
    (text/* gives CSV for SELECT, not XML through text/xml).
    """
    named = named_format(kind, fmt)
    if named is not None:
        return named
    return choose(FORMATS_BY_KIND[kind], accept)


def choose(offered: Sequence[Format], accept: str | None) -> Format | None:
    """The offered format the Accept header prefers (the first offered when there is none), or None."""
    if not accept or not accept.strip():
        return offered[0]
    best: tuple[float, int, int, int] | None = None  # (q, specificity, -position, -server order)
    chosen = None
    for q, pos, media in _parse_accept(accept):
        for order, f in enumerate(offered):
            if media in f.accepts:
                spec = 2
            elif media == "*/*":
                spec = 0
            elif media.endswith("/*") and f.media_type.startswith(media[:-1]):
                spec = 1
            else:
                continue
            key = (q, spec, -pos, -order)
            if best is None or key > best:
                best, chosen = key, f
    return chosen


class _CappedBuffer:
    """A text sink that refuses to grow past `limit` bytes."""

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

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


def _capped(items: Iterable, max_rows: int, what: str) -> Iterator:
    for i, item in enumerate(items):
        if i >= max_rows:
            raise ResultTooLarge(f"the result has more than {max_rows:,} {what}; {NARROW}")
        yield item


def serialize_solutions(result: ox.QuerySolutions, fmt: Format, max_rows: int, max_bytes: int) -> bytes:
    names: Sequence[str] = [v.value for v in result.variables]
    rows = list(_capped(([s[n] for n in names] for s in result), max_rows, "rows"))
    out = _CappedBuffer(max_bytes)
    result_writers.write_solutions(out, names, rows, fmt)
    return out.getvalue()


def serialize_boolean(value: bool, fmt: Format) -> bytes:
    out = _CappedBuffer(1 << 16)
    result_writers.write_boolean(out, value, fmt)
    return out.getvalue()


def serialize_triples(triples: Iterable[ox.Triple], fmt: Format, max_rows: int, max_bytes: int) -> bytes:
    kept = list(_capped(triples, max_rows, "triples"))
    body = result_writers.serialize_rdf(kept, fmt)
    if len(body) > max_bytes:
        raise ResultTooLarge(f"the result is larger than {max_bytes:,} bytes; {NARROW}")
    return body
