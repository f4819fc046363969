"""r2pkg validate: SHACL, ontology QC and the verbatim-quote check."""

from __future__ import annotations

import json

import click

from graph.commands.options import (
    engine_option,
    example,
    inputs_option,
    loaded_line,
    open_project,
    shapes_option,
    source_text_option,
    user_errors,
)
from graph.findings import SEVERITIES, Report, where


def render_report(report: Report, first_line: str) -> str:
    from graph.validation import engine_line

    lines = [first_line]
    for severity in SEVERITIES:
        findings = report.by_severity(severity)
        if not findings:
            continue
        lines.append("")
        lines.append(f"{severity} ({len(findings)})")
        for f in findings:
            place = where(f)  # file:line, where the file writes the node
            lines.append(f"  [{f.check}] {f.focus}" + (f"  ({place})" if place else ""))
            lines.append(f"      {f.message}")
    c = report.counts()
    verdict = "OK" if report.ok else "FAILED"
    lines.append("")
    unchecked = f"; {report.unchecked_line()}" if report.unchecked else ""
    if report.shacl_run:  # what SHACL re-checked, above the verdict, which stays the last line
        lines.append(f"SHACL: {report.shacl_run}.")
    lines.append(f"{verdict}: {c['ERROR']} errors, {c['WARNING']} warnings, {c['INFO']} notes{unchecked}"
                 + (f" ({engine_line(report.engine)})." if report.engine else "."))
    return "\n".join(lines)


@click.command("validate", epilog=example(
    "r2pkg validate",
    "r2pkg validate --source-text ~/Downloads/preventing-mass-atrocities-2013.txt",
    "r2pkg validate --input ontology/r2p.ttl --input data/ --shapes my-shapes.ttl"))
@source_text_option("A text of the project's first document (plain text, Markdown or PDF): check that every "
                    "quote citing it occurs in it verbatim.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@inputs_option
@shapes_option
@engine_option
@click.option("--full", is_flag=True, help="Check every subject again, not only those the files changed since the "
              "last validation can affect (whose findings are kept in r2pkg's cache folder).")
@user_errors(exit_code=2)
def validate_command(source_text: str | None, fmt: str, inputs: tuple[str, ...], shapes: str | None,
                     engine: str, full: bool) -> None:
    """Validate the ontology and data: SHACL shapes, QC queries, verbatim quotes.

    Inside a project (a folder with r2pkg.toml, or below one) it checks that
    project's files; elsewhere the example project packaged with r2pkg (the 2013
    policy dialogue brief). The first line
    says which, and how many files and triples were loaded. With --input
    (`--input ontology/r2p.ttl`: the ontology alone) the project's tours,
    which walk its data, are not checked.

    Exit status: 0 when there is no ERROR, 1 when there are violations, 2 when
    an input cannot be read (a Turtle syntax error names the file and line) or
    changed while it was being read. Input files are never modified.
    """
    from graph.api import project_texts, validate

    project, kg = open_project(inputs)
    if inputs and project.tours is not None:  # the tours walk the project's data, not what --input loads instead
        from dataclasses import replace

        project = replace(project, tours=None)
    texts = project_texts(project, source_text, kg)
    from graph.store_cache import cache_root

    report = validate(kg, texts, shapes=shapes, project=project, engine=engine,
                      findings_cache=None if full else cache_root() / "findings")
    kg.check_unchanged()  # a report on files that changed meanwhile would describe neither version
    if fmt == "json":
        click.echo(json.dumps({"project": project.describe(), "files": len(kg.files), "triples": len(kg),
                               "ok": report.ok, "counts": report.counts(), "shacl_engine": engine,
                               "shacl_run": report.shacl_run,
                               "quotes_not_checked": report.unchecked,
                               "findings": [f.__dict__ for f in sorted(report.findings)]}, indent=2))
    else:
        from graph.project import extensions_line

        extensions = extensions_line(project)  # the project's own queries, QC checks and rules, when it has any
        click.echo(render_report(report, loaded_line(project, kg) + (f"\n{extensions}" if extensions else "")))
    raise SystemExit(0 if report.ok else 1)


COMMANDS = [validate_command]
