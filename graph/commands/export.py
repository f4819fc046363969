"""r2pkg export: the graph in every registered export format (RDF syntaxes, GraphML, AIF, Argdown, ...)."""

from __future__ import annotations

import inspect

import click

from graph import formats
from graph.commands.options import example, inputs_option, load_inputs, user_errors
from graph.errors import InputError
from graph.exporting import export_formats, export_graph, write_export

FORMATS = export_formats()
_NAMES = tuple(f.name for f in FORMATS)
_ALIASES = tuple(a for a, name in formats.ALIASES.items() if name in _NAMES)
_LIST = "\n".join(f"  {f.name:<18} {f.opens_with}" for f in FORMATS)


@click.command("export", epilog=example("r2pkg export --format turtle -o build/r2pkg.ttl",
                                        "r2pkg export --format graphml -o build/causal.graphml",
                                        "r2pkg export --format datapackage -o build/tables.zip --document brief-2013"))
@click.option("--format", "fmt", type=click.Choice(_NAMES + _ALIASES), default="turtle", show_default=True,
              help="The export format (listed above, with the tools that open each).")
@click.option("-o", "--output", type=click.Path(), help="Write to this file (atomically; its folder must exist). "
              "datapackage writes a folder, or a zip when the name ends in .zip.")
@click.option("--document", metavar="SLUG", help="Only this document's claims and what they assert (r2pr:SLUG).")
@inputs_option
@user_errors()
def export_command(fmt: str, output: str | None, document: str | None, inputs: tuple[str, ...]) -> None:
    """Export the built graph (asserted and derived) for the tools people already use.

    trig and nquads keep the derived triples in their named graph; re-loaded
    with --input, such an export validates like the project it came from.
    """
    from graph.api import project_texts
    from graph.project import current_project

    if not output and formats.get(fmt, formats.EXPORT, "graph export").is_bundle:
        raise InputError(f"--format {fmt} writes several files: give -o FOLDER or -o FILE.zip")
    kg = load_inputs(inputs)
    texts = project_texts(current_project(), kg=kg)  # the annotations' text positions
    if output:
        click.echo(write_export(kg, fmt, output, document, texts))
        return
    click.echo(export_graph(kg, fmt, document, texts).rstrip("\n"))


# The list of formats goes into --help, built from the registry.
export_command.help = inspect.cleandoc(export_command.help or "") + "\n\n\b\nFormats:\n" + _LIST

COMMANDS = [export_command]
