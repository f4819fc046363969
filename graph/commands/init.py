"""r2pkg init: a new project folder that inherits nothing of the packaged example project (the 2013 brief)."""

from __future__ import annotations

from pathlib import Path

import click

from graph.commands.options import example, user_errors


@click.command("init", epilog=example("r2pkg init my-corpus && cd my-corpus",
                                      "r2pkg source add workshop-note ~/notes/workshop.md --title \"Workshop note\""))
@click.argument("folder", default=".", type=click.Path(file_okay=False))
@click.option("--name", help="The project's name (default: the folder's name).")
@user_errors(exit_code=2)
def init_command(folder: str, name: str | None) -> None:
    """Write a project folder: r2pkg.toml, data/, sources/, queries/, qc/, rules/, tours/ and a README.

    The project uses the packaged ontology and shapes unless its r2pkg.toml names
    its own, and none of the packaged example project's data, texts or tours. Next: `r2pkg source add`.
    """
    from graph.scaffold import init_project

    written = init_project(folder, name)
    for path in written:
        click.echo(f"made {path}/" if path.is_dir() else f"wrote {path}")
    click.echo(f"project ready in {Path(folder).resolve()}: next, r2pkg source add SLUG FILE")


COMMANDS = [init_command]
