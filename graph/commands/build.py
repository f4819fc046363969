"""r2pkg render / build: the offline workshop maps and the whole main job."""

from __future__ import annotations

import sys

import click

from graph.commands.options import (
    engine_option,
    example,
    inputs_option,
    load_inputs,
    shapes_option,
    source_text_option,
    user_errors,
)


def output_dir_option(help_text: str):
    """-o/--output DIR (created if missing); default: the project's output folder (build/)."""
    return click.option("-o", "--output", default=None, type=click.Path(file_okay=False),
                        help=help_text + " Created if missing. Default: the project's output folder (build/).")


@click.command(
    "render", epilog=example("r2pkg render --view overview --view arguments -o build", "r2pkg render --list")
)
@click.option(
    "--view",
    "views",
    multiple=True,
    metavar="NAME",
    help="A view to render (repeatable); all views and the index page when omitted.",
)
@click.option("--list", "list_only", is_flag=True, help="List the views this graph supports and exit.")
@output_dir_option("Folder to write the HTML files to.")
@inputs_option
@user_errors(exit_code=2)
def render_command(views: tuple[str, ...], list_only: bool, output: str | None, inputs: tuple[str, ...]) -> None:
    """Render interactive maps as self-contained HTML files that work offline.

    Prints the path of the index page, or of each view given with --view.
    """
    from graph.output import make_output_dir
    from graph.project import current_project
    from graph.render import INDEX, list_views, render_views

    kg = load_inputs(inputs)
    if list_only:
        for spec in list_views(kg):
            click.echo(f"{spec.name}\t{spec.description}")
        return
    out = make_output_dir(output or current_project().output)
    rendered = render_views(kg, out, list(views) or None)
    if views:
        for r in rendered:
            click.echo(str(r.path))
    else:
        click.echo(str(rendered[0].path.parent / INDEX) if rendered else str(out))


class _StageLine:
    """On a terminal, one line on stderr that shows the stage the build is in, erased when it ends."""

    def __init__(self, enabled: bool):
        from graph.api import STAGES

        self.enabled, self.stages, self.width = enabled, STAGES, 0

    def __call__(self, stage: str) -> None:
        if self.enabled:
            n = self.stages.index(stage) + 1 if stage in self.stages else 0
            text = f"r2pkg build [{n}/{len(self.stages)}] {stage}..."
            self.width = max(self.width, len(text))
            click.echo("\r" + text.ljust(self.width), err=True, nl=False)

    def close(self) -> None:
        if self.enabled and self.width:
            click.echo("\r" + " " * self.width + "\r", err=True, nl=False)


@click.command(
    "build",
    epilog=example(
        "r2pkg build",
        "r2pkg build -o site --source-text ~/Downloads/preventing-mass-atrocities-2013.txt",
    ),
)
@output_dir_option("Folder to write the maps, the graph export and index.html to.")
@source_text_option("A text of the project's first document (plain text, Markdown or PDF): also check that "
                    "every quote citing it occurs in it verbatim.")
@click.option("--force", is_flag=True, help="Build even when validation reports errors (the index says so).")
@click.option("--quiet", "-q", is_flag=True, help="Print only the path of index.html.")
@inputs_option
@shapes_option
@engine_option
@user_errors(exit_code=2)
def build_command(output: str | None, source_text: str | None, force: bool, quiet: bool,
                  inputs: tuple[str, ...], shapes: str | None, engine: str) -> None:
    """Validate, derive, render every view, export the graph and write the index page.

    Prints a short summary (project, files, triples, findings, derived counts,
    views written, seconds) and, last, the path of index.html; on a terminal a
    progress bar while it works. Exit status: 0 on success, 1 when validation
    reports errors (nothing is written unless --force), 2 when an input cannot
    be read or the output cannot be written.
    """
    from graph.api import build

    bar = _StageLine(enabled=not quiet and sys.stderr.isatty())
    try:
        summary = build(inputs=list(inputs) or None, shapes=shapes, source_text=source_text, output=output,
                        force=force, progress=bar, engine=engine)
    finally:
        bar.close()
    if not quiet or not summary.written:
        for line in summary.lines():
            click.echo(line, err=not summary.written)
    if not summary.written:
        click.echo("Nothing written: validation reports errors. Run `r2pkg validate` for the details, "
                   "or build anyway with --force.", err=True)
        raise SystemExit(1)
    click.echo(str(summary.index))


COMMANDS = [render_command, build_command]
