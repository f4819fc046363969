"""`r2pkg pathways`: prevention pathways, requirements and keystones (a thin layer over graph.pathways)."""

from __future__ import annotations

import difflib

import click
from rdflib import URIRef

from graph.derive_options import DEFAULT_MAX_STEPS
from graph.errors import InputError
from graph.namespaces import curie, resolve_iri
from graph.output import format_rows
from graph.store import KnowledgeGraph

from .options import example, inputs_option, load_inputs, user_errors, write_output

FORMATS = ("table", "json", "turtle", "markdown")


def resolve_term(term: str) -> str:
    """A CURIE, a full IRI or a bare slug as an IRI (graph.namespaces.resolve_iri); a bad one is an InputError."""
    try:
        return resolve_iri(term)
    except ValueError as e:
        raise InputError(str(e)) from None


def _check(term: str, iri: str, known: set[str], what: str, kg: KnowledgeGraph) -> None:
    """Refuse a term that is not a node of the wanted kind, with a suggestion when one is close."""
    if iri in known:
        return
    exists = bool(kg.query("ASK { ?s ?p ?o }", {"s": URIRef(iri)}))
    close = [] if exists else difflib.get_close_matches(curie(iri), sorted(curie(k) for k in known), n=1)
    hint = f"; did you mean {close[0]}?" if close else ""
    reason = f"{curie(iri)} is not a {what}" if exists else f"{curie(iri)} is not in the graph"
    raise InputError(f"unknown {what} {term!r}: {reason}{hint}")


def render(report, fmt: str) -> str:
    """The report in one of FORMATS (graph.pathways is imported here: the CLI starts without it)."""
    from graph.pathways import pathway_rows, to_json, to_markdown, to_turtle
    from graph.pathways.report_formats import row_columns

    if fmt == "json":
        return to_json(report) + "\n"
    if fmt == "turtle":
        return to_turtle(report)
    if fmt == "markdown":
        return to_markdown(report)
    return format_rows(pathway_rows(report), row_columns(report), "table") + "\n"


def _why_no_entry(report, risk: str) -> str | None:
    """Why a risk factor has no row in the table, when it is a gap or its opposite is supported (else None)."""
    unit, name = report.unit_of(risk), report.label(risk)
    for o in report.supported_opposites:
        if o.risk == unit:
            return (f"no pathway starts from {name}: the text supports its opposite, {report.label(o.opposite)}, "
                    f"in no link that lowers the risk; that {name} is its absence is the curators' reading")
    if any(g.risk == unit for g in report.gaps):
        return f"{name} is a gap: no measure, aim, hypothetical or question in the text addresses it"
    return None


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
    "--max-steps", type=click.IntRange(1, 12), default=None,
    help=f"Longest pathway, in links. [default: the project's [derive] max_steps, else {DEFAULT_MAX_STEPS}]",
)
@click.option(
    "--include-hypothetical/--exclude-hypothetical", default=None,
    help="Also use links the text states only as hypothetical or as a question (flagged as such). "
         "[default: the project's [derive] include_hypothetical, else exclude]",
)
@click.option(
    "--include-inferred", is_flag=True,
    help="Also list pairings the text does not tie, labelled inferred (never written as RDF).",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to this file (atomically).")
@inputs_option
@user_errors()
def pathways(
    risk: str | None,
    measure: str | None,
    max_steps: int | None,
    include_hypothetical: bool | None,
    include_inferred: bool,
    fmt: str,
    output: str | None,
    inputs: tuple[str, ...],
) -> None:
    """Prevention pathways: which measures address which risk factors, and what each needs first.

    One entry per risk factor (or joint condition) and measure, each an
    argument the text makes: the measure lowers the risk or a node specific to
    it (direct), or builds what the risk erodes (restores), and the text ties
    the two halves (one claim, paragraph, section, case or support chain; see
    docs/PATHWAYS.md). Strength is the weakest stated breadth; contested names
    the attacking claim or the disputed issue. `markdown` writes a handout with
    the quotes, gaps and requirements; `turtle` the derived-layer triples.
    """
    from graph.api import pathway_report

    kg = load_inputs(inputs, derive=False)  # the report is derived below; no need to derive it twice
    report = pathway_report(
        kg, max_steps=max_steps, include_hypothetical=include_hypothetical, include_inferred=include_inferred
    )
    risk_iri = resolve_term(risk) if risk else None
    measure_iri = resolve_term(measure) if measure else None
    if risk_iri and risk:
        _check(risk, risk_iri, set(report.risks), "risk factor", kg)
    if measure_iri and measure:
        _check(measure, measure_iri, {r.measure for r in report.rankings}, "prevention measure", kg)
    selected = report.select(risk=risk_iri, measure=measure_iri)
    for r in selected.truncated:
        cap = report.max_pathways_per_risk
        click.echo(f"note: only the first {cap} routes to {curie(r)} were searched", err=True)
    if risk_iri and fmt == "table":
        why = _why_no_entry(selected, risk_iri)
        if why:
            click.echo(f"note: {why} (see --format markdown)", err=True)
    text = render(selected, fmt)
    if output:
        write_output(output, text)
    else:
        click.echo(text, nl=False)


COMMANDS = [pathways]
