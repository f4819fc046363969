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
    """--input PATH (repeatable): Turtle files or folders instead of the packaged ontology and data."""
    return click.option(
        "--input",
        "inputs",
        multiple=True,
        type=click.Path(exists=False),
        help="Turtle file or folder to load instead of the packaged ontology and data (repeatable).",
    )(f)


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


def load_inputs(inputs: tuple[str, ...], derive: bool = True):
    from graph.store import load_graph

    return load_graph(list(inputs) or None, derive=derive)
