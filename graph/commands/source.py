"""r2pkg source add: register a document's text (plain text, Markdown or PDF) in the project."""

from __future__ import annotations

import click

from graph.commands.options import example, user_errors


@click.group("source", epilog=example("r2pkg source add brief-2013 ~/Downloads/preventing-mass-atrocities-2013.txt"))
def source_group() -> None:
    """The project's source documents: their texts, layouts and descriptions."""


@source_group.command("add", epilog=example(
    "r2pkg source add brief-2013 ~/Downloads/preventing-mass-atrocities-2013.txt",
    "r2pkg source add workshop-note notes/workshop.pdf --title \"Workshop note\" --publisher \"Our group\" "
    "--date 2024-05-01 --url https://example.org/workshop"))
@click.argument("slug")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--title", help="The document's title (default: its first Markdown heading, else the slug).")
@click.option("--publisher", help="Who published it (its authors or organisation).")
@click.option("--date", help="When it was published, YYYY-MM-DD.")
@click.option("--url", help="The publisher's landing page, where a reader gets the text.")
@click.option("--licence", help="A licence note: may the text be redistributed?")
@click.option("--link", is_flag=True, help="Record the file's path instead of copying it into sources/.")
@user_errors(exit_code=2)
def add_command(slug: str, path: str, title: str | None, publisher: str | None, date: str | None,
                url: str | None, licence: str | None, link: bool) -> None:
    """Register the text of document SLUG (r2pr:SLUG) from PATH.

    Copies the text into sources/ (or records its path with --link), proposes a
    layout (sources/SLUG.layout.toml) unless there is one, names both in
    r2pkg.toml, and, unless the data already describes the document, writes its
    description (data/SLUG/document.ttl) and a claims skeleton with one commented
    block per paragraph (data/SLUG/claims.ttl). Quotes are then checked against it.
    """
    from graph.project import current_project
    from graph.scaffold import add_source

    done = add_source(current_project(), slug, path, title=title, publisher=publisher, date=date, url=url,
                      licence=licence, copy=not link)
    for p in done.written:
        click.echo(f"wrote {p}")
    for k in done.kept:
        click.echo(f"kept {k}")
    click.echo(f"r2pr:{slug}: {done.paragraphs} body paragraphs in {done.text}; "
               "quotes citing it are checked by r2pkg validate")


COMMANDS = [source_group]
