"""r2pkg stats: counts and coverage."""

from __future__ import annotations

import dataclasses
import json

import click

from graph.commands.options import example, inputs_option, open_project, source_text_option, user_errors
from graph.stats import Stats, compute_stats


def _section(title: str, items: dict[str, int]) -> list[str]:
    width = max((len(k) for k in items), default=0)
    return ["", title, *(f"  {k.ljust(width)}  {v:>7}" for k, v in items.items())]


def render_table(s: Stats) -> str:
    lines = ["r2pkg graph statistics"]
    lines += _section("Counts", s.counts)
    lines += _section("Ontology terms (r2p:)", s.terms)
    lines += _section("Instances by class", s.instances)
    lines += ["", "Coverage"]
    if s.paragraph_coverage is None:
        lines.append("  paragraphs with a quoted claim: give --source-text to measure")
    else:
        lines.append(f"  paragraphs with a quoted claim: {s.paragraphs_quoted}/{s.paragraphs_total}"
                     f" ({s.paragraph_coverage:.0%})")
        if s.paragraphs_unquoted:
            lines.append(f"  paragraphs without one: {', '.join(map(str, s.paragraphs_unquoted))}")
    lines += _section("Claims per section", s.claims_per_section)
    lines.append("")
    lines.append(f"Claims with no support or attack link: {len(s.claims_without_argument_link)}")
    lines += [f"  {c}" for c in s.claims_without_argument_link]
    lines.append(f"Domain nodes that no claim mentions: {len(s.domain_nodes_no_claim_mentions)}")
    lines += [f"  {c}" for c in s.domain_nodes_no_claim_mentions]
    return "\n".join(lines)


@click.command("stats", epilog=example(
    "r2pkg stats --source-text ../shared/sources/preventing-mass-atrocities-2013.txt",
    "r2pkg stats --format json"))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@source_text_option("The brief's plain text, to measure paragraph coverage.")
@inputs_option
@user_errors()
def stats_command(fmt: str, source_text: str | None, inputs: tuple[str, ...]) -> None:
    """Counts (triples, terms, instances, claims, quotes, supports, attacks, causal links) and coverage."""
    from graph.api import derive, project_source

    project, kg = open_project(inputs)
    derive(kg, project=project)
    s = compute_stats(kg, project_source(project, source_text))
    if fmt == "json":
        out = dataclasses.asdict(s)
        out["paragraph_coverage"] = s.paragraph_coverage
        click.echo(json.dumps(out, indent=2))
    else:
        click.echo(render_table(s))


COMMANDS = [stats_command]
