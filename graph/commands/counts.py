"""r2pkg stats: counts and coverage."""

from __future__ import annotations

import dataclasses
import json

import click

from graph.commands.options import example, inputs_option, open_project, source_text_option, user_errors
from graph.stats import DocumentCoverage, Stats, compute_stats


def _section(title: str, items: dict[str, int]) -> list[str]:
    width = max((len(k) for k in items), default=0)
    return ["", title, *(f"  {k.ljust(width)}  {v:>7}" for k, v in items.items())]


def render_table(s: Stats) -> str:
    lines = ["r2pkg graph statistics"]
    lines += _section("Counts", s.counts)
    lines += _section("Ontology terms (r2p:)", s.terms)
    lines += _section("Instances by class", s.instances)
    lines += ["", "Coverage by document (body paragraphs with a quoted claim)"]
    lines += [line for d in s.documents for line in _coverage(d)] or ["  no document is described or quoted"]
    lines += _section("Claims per section", s.claims_per_section)
    lines.append("")
    lines.append(f"Claims with no support or attack link: {len(s.claims_without_argument_link)}")
    lines += [f"  {c}" for c in s.claims_without_argument_link]
    lines.append(f"Domain nodes that no claim mentions: {len(s.domain_nodes_no_claim_mentions)}")
    lines += [f"  {c}" for c in s.domain_nodes_no_claim_mentions]
    return "\n".join(lines)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _coverage(d: DocumentCoverage) -> list[str]:
    head = f"  {d.document or '(no document)'}  {d.title}: {_n(d.claims, 'claim')}, {_n(d.quotes, 'quote')}"
    if d.paragraph_coverage is None:
        measured = "no body paragraphs in its text" if d.paragraphs_total == 0 else f"not measured ({d.not_measured})"
        return [f"{head}; paragraphs {measured}"]
    lines = [f"{head}; paragraphs {d.paragraphs_quoted}/{d.paragraphs_total} ({d.paragraph_coverage:.0%})"]
    if d.paragraphs_unquoted:
        lines.append(f"    paragraphs without one: {', '.join(map(str, d.paragraphs_unquoted))}")
    return lines


@click.command("stats", epilog=example(
    "r2pkg stats --source-text ~/Downloads/preventing-mass-atrocities-2013.txt",
    "r2pkg stats --format json"))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@source_text_option("A text of the project's first document (plain text, Markdown or PDF), to measure its "
                    "paragraph coverage.")
@inputs_option
@user_errors()
def stats_command(fmt: str, source_text: str | None, inputs: tuple[str, ...]) -> None:
    """Counts (triples, terms, instances, claims, quotes, supports, attacks, causal links) and, for each
    document, its claims, quotes and the share of its body paragraphs that a quoted claim covers (measured
    against the document's text; a document whose text is missing says so)."""
    from graph.api import derive, project_texts

    project, kg = open_project(inputs)
    derive(kg, project=project)
    s = compute_stats(kg, project_texts(project, source_text, kg))
    if fmt == "json":
        out = dataclasses.asdict(s)
        out["paragraph_coverage"] = s.paragraph_coverage
        for doc, d in zip(out["documents"], s.documents, strict=True):
            doc["paragraph_coverage"] = d.paragraph_coverage
        click.echo(json.dumps(out, indent=2))
    else:
        click.echo(render_table(s))


COMMANDS = [stats_command]
