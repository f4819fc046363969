"""r2pkg render / build: the offline workshop maps (issue 6)."""

from __future__ import annotations

import click

from graph.commands.options import example, inputs_option, load_inputs, user_errors

DEFAULT_OUT = "build"


def output_dir_option(help_text: str):
    """-o/--output DIR, default build/ (git-ignored)."""
    return click.option("-o", "--output", default=DEFAULT_OUT, show_default=True,
                        type=click.Path(file_okay=False), help=help_text)


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
def render_command(views: tuple[str, ...], list_only: bool, output: str, inputs: tuple[str, ...]) -> None:
    """Render interactive maps as self-contained HTML files that work offline.

    Prints the path of the index page, or of each view given with --view.
    """
    from graph.render import list_views, render_views

    kg = load_inputs(inputs)
    if list_only:
        for spec in list_views(kg):
            click.echo(f"{spec.name}\t{spec.description}")
        return
    rendered = render_views(kg, output, list(views) or None)
    if views:
        for r in rendered:
            click.echo(str(r.path))
    else:
        from graph.render import INDEX

        click.echo(str(rendered[0].path.parent / INDEX) if rendered else output)


@click.command(
    "build",
    epilog=example(
        "r2pkg build -o build",
        "r2pkg build --source-text ../shared/sources/preventing-mass-atrocities-2013.txt",
    ),
)
@output_dir_option("Folder to write the maps, the graph export and index.html to.")
@click.option(
    "--source-text",
    type=click.Path(exists=True, dir_okay=False),
    help="The brief's plain text: also check that every quote occurs in it verbatim.",
)
@click.option("--force", is_flag=True, help="Build even when validation reports errors (the index says so).")
@inputs_option
@user_errors(exit_code=2)
def build_command(output: str, source_text: str | None, force: bool, inputs: tuple[str, ...]) -> None:
    """Validate, derive, render every view, export the graph and write the index page.

    Exit status: 0 on success, 1 when validation reports errors (nothing is
    written unless --force), 2 when an input cannot be read. Prints the path of
    index.html.
    """
    from graph.derive import derive_all
    from graph.render import build_site
    from graph.source_text import read_source
    from graph.validate import validate

    kg = load_inputs(inputs, derive=False)
    report = validate(kg, read_source(source_text) if source_text else None)
    c = report.counts()
    summary = f"Validation: {c['ERROR']} errors, {c['WARNING']} warnings, {c['INFO']} notes."
    if not report.ok:
        click.echo(f"{summary} Run `r2pkg validate` for the details.", err=True)
        if not force:
            raise SystemExit(1)
    derive_all(kg)
    files = build_site(kg, output, notes=[summary + ("" if report.ok else " Built with --force.")])
    click.echo(str(files[-1]))


COMMANDS = [render_command, build_command]
