"""Options and error handling that several commands share."""

from __future__ import annotations

import functools
from collections.abc import Callable

import click

from graph.errors import InputError

COMMANDS: list[click.Command] = []  # this module only holds shared pieces


def example(*lines: str) -> str:
    """An epilog that ends a command's --help with examples, kept unwrapped."""
    return "\b\nExample:\n" + "\n".join(f"  {line}" for line in lines)


def inputs_option(f: Callable) -> Callable:
    """--input PATH (repeatable): Turtle files or folders instead of the project's ontology and data."""
    return click.option(
        "--input",
        "inputs",
        multiple=True,
        type=click.Path(exists=False),
        help="Turtle file or folder to load instead of the project's ontology and data (repeatable).",
    )(f)


def shapes_option(f: Callable) -> Callable:
    return click.option("--shapes", type=click.Path(exists=False, dir_okay=False),
                        help="SHACL shapes file to validate with instead of the project's.")(f)


def engine_option(f: Callable) -> Callable:
    return click.option("--engine", type=click.Choice(["sparql", "pyshacl"]), default="sparql", show_default=True,
                        help="What checks the SHACL shapes: SPARQL on the embedded store, or pySHACL "
                             "(the reference; minutes at a million triples).")(f)


def source_text_option(help_text: str) -> Callable:
    return click.option("--source-text", type=click.Path(exists=False, dir_okay=False),
                        help=help_text + " Default: the source text the project's r2pkg.toml names.")


def user_errors(exit_code: int = 2) -> Callable:
    """Turn InputError into one clear line on stderr and an exit code, never a traceback."""

    def decorate(f: Callable) -> Callable:
        @functools.wraps(f)
        def wrapper(*args, **kwargs):
            try:
                return f(*args, **kwargs)
            except InputError as e:
                click.echo(f"Error: {e}", err=True)
                raise SystemExit(exit_code) from None

        return wrapper

    return decorate


def open_project(inputs: tuple[str, ...]):
    """The project of the working folder and its graph (asserted triples; --input files when given)."""
    from graph.project import current_project
    from graph.store import load_graph

    project = current_project()
    return project, (load_graph(list(inputs)) if inputs else load_graph(project=project))


def load_inputs(inputs: tuple[str, ...], derive: bool = True):
    """The loaded graph, derived with the project's options unless `derive` is False.

    The derived graph is read from the persistent store of the same content when there is
    one (graph.store_cache), so a command that only reads it does not parse every file again.
    """
    if not derive:
        return open_project(inputs)[1]
    from graph.deriving import rule_files
    from graph.project import current_project
    from graph.store import load_graph
    from graph.store_cache import cached_graph

    def run_derivation(kg) -> None:
        from graph.api import derive  # only when the store is written: derivation imports networkx

        derive(kg, project=project)

    project = current_project()
    paths = list(inputs) if inputs else project.inputs()
    kg = cached_graph(paths, project.derive_options, run_derivation, rules=rule_files(project))
    if kg is None:  # no writable cache folder
        kg = load_graph(paths)
        run_derivation(kg)
    return kg


def loaded_line(project, kg) -> str:
    """The first line of validate and build: which project, how many files and triples."""
    return f"{project.describe()}: {len(kg.files)} files, {len(kg):,} triples loaded"


def write_output(path: str, text: str) -> None:
    """-o FILE: written whole (its folder must exist); the path is not echoed."""
    from graph.output import write_atomic

    write_atomic(path, text if text.endswith("\n") else text + "\n")
