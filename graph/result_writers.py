"""Writing query results and graphs in the formats of the registry (graph/formats.py).

SELECT and ASK results in the SPARQL 1.1 results formats (JSON, XML, CSV, TSV), and
triples or quads in an RDF syntax by pyoxigraph's serialisers (JSON-LD by rdflib),
with the project's prefixes.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Protocol

import pyoxigraph as ox

from graph.formats import Format
from graph.namespaces import PREFIXES


def escape(text: str) -> str:
    """XML character data (what xml.sax.saxutils.escape does, without importing urllib at start-up)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    """A double-quoted XML attribute value, whitespace kept as character references."""
    value = escape(text).replace('"', "&quot;")
    return '"' + value.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;") + '"'


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


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
    if fmt.rdf_syntax is None:
        raise ValueError(f"not an RDF format: {fmt.name}")
    prefixes = None if fmt.name in ("ntriples", "nquads") else PREFIXES
    data = ox.serialize(statements, format=getattr(ox.RdfFormat, fmt.rdf_syntax), prefixes=prefixes)
    assert data is not None  # with no output file, pyoxigraph returns the bytes
    return data
