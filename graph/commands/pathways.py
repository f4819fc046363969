"""`r2pkg pathways`: prevention pathways, requirements and keystones (a thin layer over graph.pathways)."""

from __future__ import annotations

import difflib

import click
from rdflib import URIRef

from graph.errors import InputError
from graph.namespaces import R2PR, curie, expand
from graph.output import format_rows, write_atomic
from graph.pathways import PathwayReport, derive_pathways, pathway_rows, to_json, to_markdown, to_turtle
from graph.pathways.render import ROW_COLUMNS
from graph.store import KnowledgeGraph

from .options import example, inputs_option, load_inputs, user_errors

FORMATS = ("table", "json", "turtle", "markdown")


def resolve_term(term: str) -> str:
    """A CURIE (r2pr:x), a full IRI (<...> or scheme://...) or a bare slug (x, read as r2pr:x) as an IRI."""
    term = term.strip()
    if term.startswith("<") and term.endswith(">"):
        return term[1:-1]
    if "://" in term:
        return term
    if ":" in term:
        try:
            return expand(term)
        except ValueError as e:
            raise InputError(str(e)) from None
    return str(R2PR[term])


def _check(term: str, iri: str, known: set[str], what: str, kg: KnowledgeGraph) -> None:
    """Refuse a term that is not a node of the wanted kind, with a suggestion when one is close."""
    if iri in known:
        return
    exists = bool(kg.query("ASK { ?s ?p ?o }", {"s": URIRef(iri)}))
    close = [] if exists else difflib.get_close_matches(curie(iri), sorted(curie(k) for k in known), n=1)
    hint = f"; did you mean {close[0]}?" if close else ""
    reason = f"{curie(iri)} is not a {what}" if exists else f"{curie(iri)} is not in the graph"
    raise InputError(f"unknown {what} {term!r}: {reason}{hint}")


def render(report: PathwayReport, fmt: str) -> str:
    if fmt == "json":
        return to_json(report) + "\n"
    if fmt == "turtle":
        return to_turtle(report)
    if fmt == "markdown":
        return to_markdown(report)
    return format_rows(pathway_rows(report), ROW_COLUMNS, "table") + "\n"


@click.command(
    "pathways",
    epilog=example(
        "r2pkg pathways --risk r2pr:group-grievance --format markdown",
        "r2pkg pathways --measure security-sector-reform --format json -o build/ssr.json",
    ),
)
@click.option("--risk", metavar="TERM", help="Only pathways from this risk factor (CURIE, IRI or slug).")
@click.option("--measure", metavar="TERM", help="Only pathways through this measure (CURIE, IRI or slug).")
@click.option(
    "--max-steps", type=click.IntRange(1, 12), default=4, show_default=True, help="Longest pathway, in links."
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to this file (atomically).")
@inputs_option
@user_errors()
def pathways(
    risk: str | None,
    measure: str | None,
    max_steps: int,
    fmt: str,
    output: str | None,
    inputs: tuple[str, ...],
) -> None:
    """Prevention pathways: which measures address which risk factors, and what each needs first.

    A direct pathway is a chain of causal links from a prevention measure to a
    risk factor whose effects multiply out to lowering the risk; a pathway that
    counters a consequence joins a chain by which the risk factor raises some
    node to a chain by which a measure lowers it (see graph.pathways; the
    `form` column tells them apart). Each step cites its claims; strength is the weakest consensus among them;
    a pathway is contested when a claim behind it is attacked. `markdown`
    writes a handout with the quotes; `turtle` the derived-layer triples.
    """
    kg = load_inputs(inputs, derive=False)  # the report is derived below; no need to derive it twice
    report = derive_pathways(kg, max_steps)
    risk_iri = resolve_term(risk) if risk else None
    measure_iri = resolve_term(measure) if measure else None
    if risk_iri and risk:
        _check(risk, risk_iri, set(report.risks), "risk factor", kg)
    if measure_iri and measure:
        _check(measure, measure_iri, {r.measure for r in report.rankings}, "prevention measure", kg)
    selected = report.select(risk=risk_iri, measure=measure_iri)
    for r in selected.truncated:
        cap = report.max_pathways_per_risk
        click.echo(f"note: only the first {cap} pathways of each form to {curie(r)} are listed", err=True)
    text = render(selected, fmt)
    if output:
        write_atomic(output, text)
    else:
        click.echo(text, nl=False)


COMMANDS = [pathways]
