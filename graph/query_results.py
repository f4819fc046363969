"""Query results, embedded or remote, in one shape, and their output formats.

SELECT gives table (for people) and the SPARQL 1.1 results formats json,
xml, csv and tsv; CONSTRUCT and DESCRIBE give the RDF syntaxes turtle,
ntriples (nt), jsonld and rdfxml; ASK gives true or false. The formats and
their serialisers are those of graph.formats and graph.result_writers, shared
with export and serve.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph import formats, result_writers
from graph.errors import InputError
from graph.namespaces import curie
from graph.output import table

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
        from graph.terms import from_ox

        return [{k: from_ox(v) for k, v in row.items()} for row in self.rows]

    def records(self) -> list[dict]:
        """Rows as dicts of plain Python values: IRIs as strings, typed literals as numbers, booleans, dates.

        `pandas.DataFrame(result.records())` gives a frame with one column per variable.
        """
        from graph.terms import from_ox

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
        """The format names this result can be written in (`table` is for people, the rest from graph.formats)."""
        kind = {"SELECT": formats.SOLUTIONS, "ASK": formats.BOOLEAN, "GRAPH": formats.GRAPH}[self.kind]
        return ("table", *formats.names(kind))

    def serialize(self, fmt: str) -> str:
        kind = {"SELECT": formats.SOLUTIONS, "ASK": formats.BOOLEAN, "GRAPH": formats.GRAPH}[self.kind]
        if fmt == "table" and self.kind != "GRAPH":
            if self.kind == "ASK":
                return str(self.boolean).lower()
            return table(self.rows, self.variables)
        what = {"GRAPH": "CONSTRUCT/DESCRIBE query", "SELECT": "SELECT query", "ASK": "ASK query"}[self.kind]
        f = formats.find(fmt, kind)
        if f is None:
            raise InputError(f"--format {fmt} does not fit a {what} (use one of: {', '.join(self.formats())})")
        if self.kind == "GRAPH":
            return result_writers.serialize_rdf(self.triples, f).decode("utf-8")
        out = io.StringIO()
        if self.kind == "ASK":
            result_writers.write_boolean(out, bool(self.boolean), f)
        else:
            rows = ([r.get(v) for v in self.variables] for r in self.rows)
            result_writers.write_solutions(out, self.variables, rows, f)
        return out.getvalue()


def serialize_triples(triples: list[ox.Triple] | ox.QueryTriples, fmt: str) -> str:
    """Triples in an RDF syntax of the formats registry (turtle, ntriples or nt, jsonld, rdfxml)."""
    f = formats.find(fmt, formats.GRAPH)
    if f is None:
        raise InputError(f"unknown RDF format {fmt!r} (use one of: {', '.join(formats.names(formats.GRAPH))})")
    return result_writers.serialize_rdf(triples, f).decode("utf-8")


__all__ = ["QueryResult", "serialize_triples", "curie"]
