"""r2pkg validate: SHACL, ontology QC and the verbatim-quote check."""

from __future__ import annotations

import json

import click

from graph.commands.options import example, inputs_option, load_inputs, user_errors
from graph.source_text import read_source
from graph.validate import SEVERITIES, Report, validate


def render_report(report: Report, n_files: int, n_triples: int) -> str:
    lines = [f"Checked {n_files} files, {n_triples} triples."]
    for severity in SEVERITIES:
        findings = report.by_severity(severity)
        if not findings:
            continue
        lines.append("")
        lines.append(f"{severity} ({len(findings)})")
        for f in findings:
            where = f"  ({f.file})" if f.file else ""
            lines.append(f"  [{f.check}] {f.focus}{where}")
            lines.append(f"      {f.message}")
    c = report.counts()
    verdict = "OK" if report.ok else "FAILED"
    lines.append("")
    lines.append(f"{verdict}: {c['ERROR']} errors, {c['WARNING']} warnings, {c['INFO']} notes.")
    return "\n".join(lines)


@click.command("validate", epilog=example(
    "r2pkg validate --source-text ../shared/sources/preventing-mass-atrocities-2013.txt"))
@click.option("--source-text", type=click.Path(exists=True, dir_okay=False),
              help="The brief's plain text: check that every quote occurs in it verbatim.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@inputs_option
@user_errors(exit_code=2)
def validate_command(source_text: str | None, fmt: str, inputs: tuple[str, ...]) -> None:
    """Validate the ontology and data: SHACL shapes, QC queries, verbatim quotes.

    Exit status: 0 when there is no ERROR, 1 when there are violations, 2 when
    an input cannot be read (a Turtle syntax error names the file and line).
    Input files are never modified.
    """
    source = read_source(source_text) if source_text else None
    kg = load_inputs(inputs, derive=False)
    report = validate(kg, source)
    if fmt == "json":
        click.echo(json.dumps({"ok": report.ok, "counts": report.counts(),
                               "findings": [f.__dict__ for f in sorted(report.findings)]}, indent=2))
    else:
        click.echo(render_report(report, len(kg.files), len(kg)))
    raise SystemExit(0 if report.ok else 1)


COMMANDS = [validate_command]
