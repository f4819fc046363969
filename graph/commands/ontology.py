"""r2pkg release-ontology and r2pkg mappings-sssom: the ontology's release record and the SSSOM mapping table."""

from __future__ import annotations

from pathlib import Path

import click

from graph.commands.options import example, inputs_option, open_project, user_errors


@click.command("release-ontology", epilog=example("r2pkg release-ontology"))
@user_errors()
def release_ontology_command() -> None:
    """Record the project's ontology version as released (ontology/releases/<version>.nt).

    A recorded version never changes: `r2pkg build` then refuses an ontology that carries the same version IRI
    with other content, or that lost a term of any release (deprecate it instead).
    """
    from graph.ontodoc import R2P
    from graph.ontology_release import Ontology, record_release
    from graph.project import current_project

    onto = Ontology.read(current_project().ontology[0])
    click.echo(f"released {onto.version()}: {record_release(onto, R2P)}")


@click.command("mappings-sssom", epilog=example("r2pkg mappings-sssom", "r2pkg mappings-sssom -o site/r2pkg.sssom.tsv"))
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="data/mappings/r2pkg.sssom.tsv",
              show_default=True, help="The SSSOM table; its metadata file is written beside it (.yml).")
@inputs_option
@user_errors()
def mappings_sssom_command(output: str, inputs: tuple[str, ...]) -> None:
    """Write every mapping of the graph (UN Framework, R2P pillars, Wikidata, OBO RO, AIF) as an SSSOM table."""
    from graph.ontology_release import Ontology
    from graph.sssom_export import write_sssom

    project, kg = open_project(inputs)
    version = Ontology.read(project.ontology[0]).version()
    table, meta = write_sssom(kg, Path(output), version)
    click.echo(f"wrote {table} and {meta}")


COMMANDS = [release_ontology_command, mappings_sssom_command]
