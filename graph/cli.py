"""The `r2pkg` command line: a thin layer over the library.

Each module in graph/commands/ defines `COMMANDS`, a list of click commands;
they are registered here in module-name order, so adding a command is adding
a module.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import click

from graph import __version__
from graph import commands as commands_pkg


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="r2pkg")
def cli() -> None:
    """r2pkg: structured-argument knowledge graphs of policy documents on preventing mass atrocities.

    Validate the ontology and data, query them with SPARQL, derive prevention
    pathways, render offline maps and serve a SPARQL endpoint. `r2pkg init`
    starts a project for your own documents; outside any project the commands
    use the 2013 policy dialogue brief packaged with r2pkg.

    \b
    Example:
      r2pkg init my-corpus && cd my-corpus && r2pkg source add my-note note.md
    """


for _mod in sorted(m.name for m in pkgutil.iter_modules(commands_pkg.__path__)):
    for _cmd in importlib.import_module(f"graph.commands.{_mod}").COMMANDS:
        cli.add_command(_cmd)


def main() -> None:
    cli(prog_name="r2pkg")


if __name__ == "__main__":
    sys.exit(main())
