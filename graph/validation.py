"""Validation: SHACL shapes, ontology QC queries and the verbatim-quote check.

`validate(kg)` reads the asserted triples only (never the derived graph), so its
findings are the same before and after `graph.derive`. It never changes its
inputs: SHACL runs on an in-memory copy, and the QC queries only read the store.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib.namespace import SH

from graph.axiom_shapes import axiom_shapes
from graph.documents import Texts
from graph.errors import InputError
from graph.faithfulness import check_faithfulness
from graph.findings import Finding, Report, file_of
from graph.namespaces import PREFIXES, R2PR, curie
from graph.queries import extension_files, read_sparql_file, refuse_unsafe
from graph.reading_rules import check_unattributed_sentences
from graph.shacl_incremental import Rechecked, Record, record_of, shacl_records
from graph.shacl_sparql import ShaclResult, validate_store
from graph.source_text import SourceText
from graph.store import KnowledgeGraph, parse_turtle
from graph.terms import from_ox, node
from graph.tours import check_tours

MAX_QUOTE_WORDS = 25
_SHACL_SEVERITY = {SH.Violation: "ERROR", SH.Warning: "WARNING", SH.Info: "INFO"}


@dataclass(frozen=True)
class QCQuery:
    check: str
    severity: str
    description: str
    sparql: str
    path: Path | None = None  # the .rq file it was read from: its errors name it


def qc_queries(project=None) -> list[QCQuery]:
    """The packaged QC checks (unless the project switches them off) and the project's own qc/ folder."""
    out = []
    for path in extension_files("qc", project):
        text = read_sparql_file(path, "a QC check")
        meta = dict(re.findall(r"^#\s*(\w+):\s*(.*)$", text, re.M))
        if meta.get("severity") not in ("ERROR", "WARNING", "INFO"):
            raise InputError("a QC check needs a '# severity: ERROR|WARNING|INFO' line", path)
        out.append(QCQuery(meta.get("check", path.stem), meta["severity"], meta.get("description", ""), text, path))
    return out


def run_qc(kg: KnowledgeGraph, project=None) -> list[Finding]:
    findings = []
    for q in qc_queries(project):
        try:
            rows = kg.select(q.sparql, asserted_only=True)
        except InputError as e:  # a syntax error, or not a SELECT: said of the check's file
            raise InputError(e.message, q.path) from None
        for row in rows:
            node = str(row["entity"])
            findings.append(Finding(q.severity, q.check, curie(node), str(row["message"]), file_of(kg, node)))
    return findings


def load_shapes(path: Path | None = None) -> rdflib.Graph:
    """The SHACL shapes: the given file, else the current project's."""
    if path is None:
        from graph.project import current_project

        path = current_project().shapes
    parse_turtle(path)  # a syntax error in the shapes is reported like any other input
    shapes = rdflib.Graph().parse(path, format="turtle")
    _refuse_unsafe_sparql(shapes, path)
    return shapes


def _refuse_unsafe_sparql(shapes: rdflib.Graph, path: Path) -> None:
    """The SPARQL of SHACL-SPARQL constraints past the guard, as a rule's: either engine would run SERVICE."""
    for key in (SH.select, SH.ask, SH.construct):
        for constraint, text in shapes.subject_objects(key):
            shape = shapes.value(predicate=SH.sparql, object=constraint) or constraint  # its constraint is a blank node
            where = shapes.namespace_manager.normalizeUri(shape) if isinstance(shape, rdflib.URIRef) else "a shape"
            refuse_unsafe(str(text), f"the sh:{key.fragment} of {where}", path)


# The engines that evaluate the SHACL shapes: SPARQL on the embedded store (the default) or pySHACL.
ENGINES = {"sparql": "SPARQL on the store", "pyshacl": "pySHACL"}
DEFAULT_ENGINE = "sparql"


def engine_line(engine: str) -> str:
    """'SHACL by SPARQL on the store': which engine checked the shapes, for a summary."""
    return f"SHACL by {ENGINES.get(engine, engine)}"

# What the ontology's axiom shapes are read from (graph.axiom_shapes): the schema, not the whole data.
_SCHEMA_VIEW = """
CONSTRUCT { ?s ?p ?o } WHERE {
  { VALUES ?p { rdfs:subClassOf owl:disjointWith owl:members rdf:first rdf:rest skos:inScheme rdfs:range
                owl:onProperty owl:hasValue }
    ?s ?p ?o }
  UNION { VALUES ?o { owl:AllDisjointClasses owl:ObjectProperty } ?s a ?o BIND(rdf:type AS ?p) }
  UNION { ?s skos:inScheme ?scheme ; a ?o BIND(rdf:type AS ?p) }
}
"""
_TYPE_COUNTS = "SELECT ?c (COUNT(?x) AS ?n) WHERE { ?x a ?c FILTER(isIRI(?c)) } GROUP BY ?c"


def _rdflib_graph() -> rdflib.Graph:
    """An empty rdflib graph with the prefixes KnowledgeGraph.to_rdflib binds (axiom shape messages use them)."""
    g = rdflib.Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True)
    return g


def store_axiom_shapes(kg: KnowledgeGraph) -> rdflib.Graph:
    """graph.axiom_shapes of the asserted graph, read from its schema triples and class counts in the store
    (the same shapes as from a whole rdflib copy, without making one)."""
    schema = _rdflib_graph()
    for t in kg.construct(_SCHEMA_VIEW, asserted_only=True):
        schema.add((node(t.subject), node(t.predicate), node(t.object)))
    own = Counter({rdflib.URIRef(str(r["c"])): int(str(r["n"])) for r in kg.select(_TYPE_COUNTS, asserted_only=True)})
    counts: Counter[rdflib.URIRef] = Counter()
    for cls, n in own.items():
        for sup in schema.transitive_objects(cls, rdflib.RDFS.subClassOf):
            if isinstance(sup, rdflib.URIRef):
                counts[sup] += n
    return axiom_shapes(schema, counts)


def pyshacl_results(data: rdflib.Graph, shapes: rdflib.Graph, inference: str = "none") -> list[ShaclResult]:
    """pySHACL's results (it may change `data`: give it a copy you own)."""
    import pyshacl

    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference=inference, inplace=True)
    out = []
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        message = report.value(result, SH.resultMessage)
        out.append(ShaclResult(report.value(result, SH.focusNode), report.value(result, SH.resultPath),
                               report.value(result, SH.value), report.value(result, SH.sourceConstraintComponent),
                               report.value(result, SH.sourceShape), report.value(result, SH.resultSeverity),
                               str(message) if message is not None else ""))
    return out


def shacl_results(kg: KnowledgeGraph, shapes: rdflib.Graph, engine: str = DEFAULT_ENGINE
                  ) -> tuple[list[ShaclResult], rdflib.Graph]:
    """The results of the given shapes plus those the graph's own ontology implies (graph.axiom_shapes),
    written now, on the asserted triples; and the shapes that ran."""
    if engine == "pyshacl":
        data = kg.to_rdflib(include_derived=False)
        shapes = shapes + axiom_shapes(data)
        # The copy is ours, so pySHACL may work on it in place; no SHACL-AF features are used.
        return pyshacl_results(data, shapes), shapes
    if engine != "sparql":
        raise InputError(f"unknown SHACL engine {engine!r} (known: {', '.join(ENGINES)})")
    shapes = shapes + store_axiom_shapes(kg)
    return validate_store(kg.store, shapes), shapes


def findings_of(kg: KnowledgeGraph, shapes: rdflib.Graph, results: list[ShaclResult]) -> list[Finding]:
    """Validation results as findings: the node shape that holds a property shape names the check."""
    return findings_of_records(kg, [record_of(r, shapes) for r in results])


def findings_of_records(kg: KnowledgeGraph, records: Iterable[Record]) -> list[Finding]:
    findings = []
    for r in records:
        severity = _SHACL_SEVERITY.get(r.severity, "ERROR")
        message = r.message or "violates a shape"
        if r.path is not None:
            message = f"{curie(str(r.path))}: {message}"
        focus = r.focus
        focus_text = curie(str(focus)) if isinstance(focus, rdflib.URIRef) else f"_:{focus}"
        findings.append(Finding(severity, r.check, focus_text, message, file_of(kg, str(focus))))
    return sorted(set(findings))


def run_shacl(kg: KnowledgeGraph, shapes: rdflib.Graph, engine: str = DEFAULT_ENGINE) -> list[Finding]:
    """The SHACL findings of the asserted graph (see shacl_results)."""
    results, ran = shacl_results(kg, shapes, engine)
    return findings_of(kg, ran, results)


def shacl_since_last_run(kg: KnowledgeGraph, shapes: rdflib.Graph, shapes_path: Path, cache_dir: Path,
                         project=None) -> tuple[list[Record], Rechecked]:
    """The SHACL results (by SPARQL on the store), checking again only the subjects the files changed since the
    run that left its findings in `cache_dir` can affect (graph.shacl_incremental); all, when that cannot be trusted."""
    ran = shapes + store_axiom_shapes(kg)
    ontology = project.ontology if project is not None else ()
    return shacl_records(kg, ran, shapes_path, cache_dir, ontology=ontology)


_QUOTES = """
SELECT ?owner ?exact ?paragraph ?doc WHERE {
  ?owner r2p:hasQuote ?sr . ?sr oa:hasSelector/oa:exact ?exact .
  OPTIONAL { ?sr oa:hasSource ?doc }
  OPTIONAL { ?owner r2p:paragraph ?paragraph }
}
"""


class QuoteIndex:
    """Where quotes occur in one text: the whole text, and its paragraphs joined once with a newline (which no
    collapsed quote holds), so finding a quote's paragraphs is one search of the text, not one per paragraph.
    Each distinct quote is looked up once."""

    def __init__(self, text: SourceText) -> None:
        self.text = text
        self.joined = "\n".join(p.text for p in text.paragraphs)
        self.starts: list[int] = []
        at = 0
        for p in text.paragraphs:
            self.starts.append(at)
            at += len(p.text) + 1
        self._seen: dict[str, tuple[bool, list[int]]] = {}

    def lookup(self, quote: str) -> tuple[bool, list[int]]:
        """Whether the quote occurs in the text, and the numbers of the paragraphs that hold it, in order."""
        if quote not in self._seen:
            q = self.text.match_form(quote)
            numbers: list[int] = []
            if not q:
                numbers = [p.number for p in self.text.paragraphs]
            else:
                i = self.joined.find(q)
                while i >= 0:
                    number = self.text.paragraphs[bisect_right(self.starts, i) - 1].number
                    if number not in numbers:
                        numbers.append(number)
                    i = self.joined.find(q, i + 1)
            self._seen[quote] = (q in self.text.full_text, numbers)
        return self._seen[quote]

    def spans_page_break(self, quote: str) -> bool:
        """Whether the quote is found in the paragraphs only across the join of a page-break split: an annotation
        tool cannot anchor it on the page, and the reader finds it on two pages."""
        q = self.text.match_form(quote)
        found = False
        i = self.joined.find(q) if q else -1
        while i >= 0:
            k = bisect_right(self.starts, i) - 1
            at = i - self.starts[k]
            if not any(at < b < at + len(q) for b in self.text.paragraphs[k].breaks):
                return False
            found = True
            i = self.joined.find(q, i + 1)
        return found


def check_quotes(kg: KnowledgeGraph, source: SourceText | Texts | None,
                 unchecked: dict[str, str] | None = None) -> list[Finding]:
    """Quotes are at most 25 words and occur verbatim in the paragraph cited of their document's text.

    `source` is one text (for every quote) or the project's texts by document; the documents
    whose quotes could not be checked are added to `unchecked` with the reason. Each text is
    indexed once (QuoteIndex), so the check is linear in the number of quotes.
    """
    texts = Texts.of(source)
    indexes: dict[int, QuoteIndex] = {}
    findings = []
    for row in kg.select(_QUOTES, asserted_only=True):
        owner, exact = str(row["owner"]), str(row["exact"])
        focus = curie(owner)
        words = len(exact.split())
        if words > MAX_QUOTE_WORDS:
            message = f"quote has {words} words (max {MAX_QUOTE_WORDS})"
            findings.append(Finding("ERROR", "quote-length", focus, message, file_of(kg, owner)))
        doc = row.get("doc")
        text = texts.for_document(doc)
        if text is None:
            if unchecked is not None:
                slug = str(doc).removeprefix(str(R2PR)) if doc is not None else ""
                named = curie(str(doc)) if doc is not None else "quotes without a source"
                unchecked.setdefault(slug, texts.missing.get(slug) or texts.missing.get("") or f"no text for {named}")
            continue
        name = curie(str(doc)) if doc is not None else text.path.name
        paragraph = row.get("paragraph")
        if id(text) not in indexes:
            indexes[id(text)] = QuoteIndex(text)
        index = indexes[id(text)]
        found, numbers = index.lookup(exact)
        if not found:
            cited = f" (cited paragraph {paragraph})" if paragraph is not None else ""
            message = f"{name}{cited}: quote not found verbatim in {text.path.name}: \"{exact}\""
            findings.append(Finding("ERROR", "quote-verbatim", focus, message, file_of(kg, owner)))
            continue
        if numbers and index.spans_page_break(exact):
            findings.append(Finding("ERROR", "quote-page-break", focus,
                                    f"{name}: the quote runs across a page break (paragraph {numbers[0]} is split "
                                    f"between two pages): quote one side of it: \"{exact}\"", file_of(kg, owner)))
        if paragraph is not None and numbers and int(paragraph) not in numbers:
            findings.append(Finding("ERROR", "quote-paragraph", focus,
                                    f"{name}: r2p:paragraph is {paragraph} but the quote is in paragraph "
                                    f"{numbers[0]}: \"{exact}\"", file_of(kg, owner)))
    return findings


# Labels and statements are paraphrases: a run this long copied from the source is flagged.
COPIED_RUN = {"rdfs:label": 8, "r2p:statement": 10}
_WORD = re.compile(r"[\w'\u2019-]+")
_PARAPHRASES = """
SELECT ?claim ?label ?statement WHERE { ?claim a r2p:Claim ; rdfs:label ?label ; r2p:statement ?statement }
"""


def _ngrams(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def check_paraphrases(kg: KnowledgeGraph, source: SourceText) -> list[Finding]:
    """Claim labels and statements are in the graph's own words, not runs copied from the source."""
    source_words = _WORD.findall(source.full_text.lower())
    grams = {n: _ngrams(source_words, n) for n in set(COPIED_RUN.values())}
    findings = []
    for row in kg.select(_PARAPHRASES, asserted_only=True):
        claim = str(row["claim"])
        for prop, key in (("rdfs:label", "label"), ("r2p:statement", "statement")):
            n = COPIED_RUN[prop]
            if _ngrams(_WORD.findall(str(row[key]).lower()), n) & grams[n]:
                findings.append(Finding("WARNING", "paraphrase", curie(claim),
                                        f"{prop} copies {n} or more consecutive words of the source; "
                                        "paraphrase it (quotes go in oa:exact)", file_of(kg, claim)))
    return findings


def validate(kg: KnowledgeGraph, source: SourceText | Texts | None = None, shapes_path: Path | None = None,
             tours_dir: Path | None = None, project=None, engine: str = DEFAULT_ENGINE,
             findings_cache: Path | None = None) -> Report:
    """Run SHACL, the QC queries, the quote check and (given a folder) the tour check.

    `engine` evaluates the SHACL shapes: "sparql" (on the store) or "pyshacl" (the reference).
    `source` is one text or the project's texts by document; with a text, also the
    paraphrase and faithfulness (hedge, concession) checks. The report's `unchecked`
    names the documents whose quotes were not checked, and why.
    `findings_cache` (a folder; SPARQL engine only) keeps the SHACL findings from one run to the next, so that
    after a file changes only the subjects that change can affect are checked again (shacl_since_last_run);
    the other checks run whole. An unreadable shapes file raises InputError.
    """
    if shapes_path is None:
        from graph.project import current_project

        shapes_path = current_project().shapes
    shapes = load_shapes(shapes_path)
    report = Report(engine=engine)
    if findings_cache is not None and engine == "sparql":
        records, rechecked = shacl_since_last_run(kg, shapes, shapes_path, findings_cache, project)
        report.findings.extend(findings_of_records(kg, records))
        report.shacl_run = rechecked.line()
    else:
        report.findings.extend(run_shacl(kg, shapes, engine))
    report.findings.extend(run_qc(kg, project))
    report.findings.extend(check_quotes(kg, source, report.unchecked))
    if tours_dir is not None:
        report.findings.extend(check_tours(kg, tours_dir))
    texts = Texts.of(source)
    for text in texts.by_slug.values():
        report.findings.extend(check_paraphrases(kg, text))
        report.findings.extend(check_unattributed_sentences(kg, text))
    report.findings = list(dict.fromkeys(report.findings))  # duplicates dropped, first ones kept in order
    report.findings.extend(check_faithfulness(kg))
    return report


__all__ = ["Finding", "InputError", "Report", "validate", "run_qc", "qc_queries", "check_quotes", "from_ox"]
