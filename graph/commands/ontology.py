"""r2pkg release-ontology, mappings-sssom and w3id-rules: the ontology's release record, the SSSOM mapping table and
the w3id.org redirect rules."""

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


@click.command("w3id-rules", epilog=example("r2pkg w3id-rules", "r2pkg w3id-rules -o site/w3id/.htaccess"))
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="w3id/.htaccess", show_default=True,
              help="The rules file to propose to perma-id/w3id.org as r2pkg/.htaccess.")
@user_errors()
def w3id_rules_command(output: str) -> None:
    """Write the w3id.org redirect rules for the ontology's IRIs, pointing at the project's publishing site.

    The site is `[publish] site` in r2pkg.toml: the URL where the output folder of `r2pkg build` is published.
    docs/ONTOLOGY.md says how to register the rules at w3id.org.
    """
    from graph.errors import InputError
    from graph.output import make_output_dir, write_atomic
    from graph.project import current_project
    from graph.w3id import htaccess

    project = current_project()
    if project.publish_site is None:
        raise InputError("sets no [publish] site: the project is published nowhere yet, so there is nothing for "
                         "w3id.org to redirect to (add site = \"https://...\" under [publish])",
                         project.config or "r2pkg.toml")
    rules = htaccess(project.publish_site)
    make_output_dir(Path(output).parent)
    click.echo(f"wrote {write_atomic(output, rules)} (site {project.publish_site})")


COMMANDS = [release_ontology_command, mappings_sssom_command, w3id_rules_command]
