"""Query results, embedded or remote, in one shape, and their output formats.

SELECT gives table, csv, tsv and json (the SPARQL 1.1 Query Results JSON
format); CONSTRUCT and DESCRIBE give turtle, nt and jsonld; ASK gives true or
false. CSV and TSV follow the SPARQL 1.1 CSV/TSV results format.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.errors import InputError
from graph.namespaces import PREFIXES, curie
from graph.output import table
from graph.terms import from_ox

SELECT_FORMATS = ("table", "csv", "tsv", "json")
GRAPH_FORMATS = ("turtle", "nt", "jsonld")
OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass
class QueryResult:
    kind: str  # "SELECT", "ASK" or "GRAPH" (CONSTRUCT and DESCRIBE)
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, OxTerm | None]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)

    @classmethod
    def from_ox(cls, result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> QueryResult:
        if isinstance(result, ox.QuerySolutions):
            names = [v.value for v in result.variables]
            return cls("SELECT", names, [{n: s[n] for n in names} for s in result])
        if isinstance(result, ox.QueryBoolean):
            return cls("ASK", boolean=bool(result))
        return cls("GRAPH", triples=list(result))

    # --- for Python callers (notebooks, pandas) ------------------------
    def terms(self) -> list[dict]:
        """Rows as dicts of rdflib terms (None where unbound)."""
        return [{k: from_ox(v) for k, v in row.items()} for row in self.rows]

    def records(self) -> list[dict]:
        """Rows as dicts of plain Python values: IRIs as strings, typed literals as numbers, booleans, dates.

        `pandas.DataFrame(result.records())` gives a frame with one column per variable.
        """
        out = []
        for row in self.rows:
            rec = {}
            for k, v in row.items():
                term = from_ox(v)
                rec[k] = term.toPython() if hasattr(term, "toPython") and term is not None else term
                if rec[k] is not None and not isinstance(rec[k], (int, float, bool, str)):
                    rec[k] = str(rec[k]) if not hasattr(rec[k], "isoformat") else rec[k]
            out.append(rec)
        return out

    # --- output --------------------------------------------------------
    def formats(self) -> tuple[str, ...]:
        return {"SELECT": SELECT_FORMATS, "GRAPH": GRAPH_FORMATS, "ASK": ("table", "json")}[self.kind]

    def serialize(self, fmt: str) -> str:
        if fmt not in self.formats():
            kind = {"GRAPH": "CONSTRUCT/DESCRIBE"}.get(self.kind, self.kind)
            raise InputError(f"--format {fmt} does not fit a {kind} query (use one of: {', '.join(self.formats())})")
        if self.kind == "ASK":
            return json.dumps({"head": {}, "boolean": self.boolean}) if fmt == "json" else str(self.boolean).lower()
        if self.kind == "GRAPH":
            return serialize_triples(self.triples, fmt)
        if fmt == "table":
            return table([{k: from_ox(v) for k, v in r.items()} for r in self.rows], self.variables)
        if fmt == "json":
            return json.dumps(
                {"head": {"vars": self.variables},
                 "results": {"bindings": [{k: _json_term(v) for k, v in r.items() if v is not None}
                                          for r in self.rows]}},
                ensure_ascii=False, indent=1)
        buf = io.StringIO()
        if fmt == "csv":
            w = csv.writer(buf, lineterminator="\r\n")
            w.writerow(self.variables)
            for r in self.rows:
                w.writerow(["" if r.get(v) is None else _csv_value(r[v]) for v in self.variables])
            return buf.getvalue()
        buf.write("\t".join(f"?{v}" for v in self.variables) + "\n")
        for r in self.rows:
            buf.write("\t".join("" if r.get(v) is None else str(r[v]) for v in self.variables) + "\n")
        return buf.getvalue()


def _json_term(term: OxTerm) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def _csv_value(term: OxTerm) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def serialize_triples(triples: list[ox.Triple] | ox.QueryTriples, fmt: str) -> str:
    """Triples as Turtle (with the project's prefixes), N-Triples or JSON-LD (with a prefix context)."""
    if fmt == "turtle":
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES).decode("utf-8")
    if fmt == "nt":
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    if fmt == "jsonld":
        import rdflib

        g = rdflib.Graph()
        for t in triples:
            g.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
        return g.serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True)
    raise InputError(f"unknown RDF format {fmt!r}")


__all__ = ["QueryResult", "SELECT_FORMATS", "GRAPH_FORMATS", "serialize_triples", "curie"]
