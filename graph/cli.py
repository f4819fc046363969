"""The `r2pkg` command line: a thin layer over the library.

Each module in graph/commands/ defines `COMMANDS`, a list of click commands, so
adding a command is adding a module. Modules are imported when needed: a
command named like its module imports that module alone, so `r2pkg query`
does not pay for the imports of `r2pkg build`.
"""

from __future__ import annotations

import importlib
import os

import click

from graph import commands as commands_pkg

# Commands that live in a module of another name (a missing entry is still found, by importing every module).
_MODULE_OF = {"stats": "counts", "pathways": "pathway_report", "queries": "query", "render": "build",
              "release-ontology": "ontology", "mappings-sssom": "ontology",
              "w3id-rules": "ontology"}


class CommandModules(click.Group):
    """The commands of every module in graph/commands/, imported on first use."""

    def _modules(self) -> list[str]:
        # A listing of the folder rather than pkgutil, whose import cost a shell query 2 ms.
        return sorted(name[:-3] for folder in commands_pkg.__path__ for name in os.listdir(folder)
                      if name.endswith(".py") and name != "__init__.py")

    def _load(self, module: str) -> None:
        for cmd in importlib.import_module(f"graph.commands.{module}").COMMANDS:
            self.commands.setdefault(cmd.name, cmd)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = _MODULE_OF.get(cmd_name, cmd_name)
        if cmd_name not in self.commands and module in self._modules():
            self._load(module)
        if cmd_name not in self.commands:
            for module in self._modules():
                self._load(module)
        return self.commands.get(cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        for module in self._modules():
            self._load(module)
        return sorted(self.commands)


@click.group(cls=CommandModules, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="r2pkg", prog_name="r2pkg")
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


def main() -> None:
    cli(prog_name="r2pkg")


if __name__ == "__main__":
    main()
