"""r2pkg push: hand the built graph to a SPARQL server, over HTTP or through the server's own loader."""

from __future__ import annotations

import os
import time
from pathlib import Path

import click

from graph.commands.options import example, inputs_option, load_inputs, user_errors
from graph.errors import InputError

# HTTP ways first (graph.remote.VIA), then the loaders of a server on the same machine (graph.server_loaders.VIA).
WAYS = ("gsp", "oxigraph-bulk", "oxigraph-load", "virtuoso-bulk")
PUSH_TIMEOUT = 3600


def _password(user: str | None, password_env: str | None) -> str | None:
    if not password_env:
        return None
    if not user:
        raise InputError("--password-env needs --user")
    password = os.environ.get(password_env)
    if password is None:
        raise InputError(f"--password-env {password_env}: that environment variable is not set")
    return password


@click.command("push", epilog=example(
    "r2pkg push --endpoint http://127.0.0.1:7878/store",
    "r2pkg push --endpoint http://127.0.0.1:7878/store --via oxigraph-bulk",
    "r2pkg push --via oxigraph-load --location /srv/oxigraph   # then: oxigraph serve --location /srv/oxigraph",
    "r2pkg push --endpoint http://localhost:3030/ds/data --graph https://w3id.org/r2pkg/graph/brief-2013",
    "VIRTUOSO_PASSWORD=... r2pkg push --endpoint http://127.0.0.1:8890/sparql-graph-crud-auth "
    "--graph https://w3id.org/r2pkg/graph/brief-2013 --user dba --password-env VIRTUOSO_PASSWORD",
    "VIRTUOSO_PASSWORD=... r2pkg push --via virtuoso-bulk --dump-dir /srv/virtuoso/load "
    "--graph https://w3id.org/r2pkg/graph/brief-2013 --user dba --password-env VIRTUOSO_PASSWORD"))
@click.option("--endpoint", help="HTTP ways: the server's Graph Store Protocol URL (Oxigraph: /store; Virtuoso: "
                                 "/sparql-graph-crud-auth).")
@click.option("--graph", "graph_iri", help="Replace this named graph instead of the default graph.")
@click.option("--via", type=click.Choice(WAYS), default="gsp", show_default=True,
              help="gsp: a Graph Store Protocol PUT (any server, one transaction); oxigraph-bulk: Oxigraph server's "
                   "bulk loader over HTTP (not atomic); oxigraph-load: `oxigraph load` into --location, a store no "
                   "server holds open; virtuoso-bulk: Virtuoso's ld_dir + rdf_loader_run through isql, the dump "
                   "written into --dump-dir.")
@click.option("--gzip", "compress", is_flag=True,
              help="HTTP ways: send the body gzip-compressed (Oxigraph server decodes it; Virtuoso 7.2 does not). "
                   "Worth it over a network, not on this machine.")
@click.option("--location", type=click.Path(file_okay=True, dir_okay=True),
              help="--via oxigraph-load: the store folder `oxigraph serve --location` opens (a new folder is made).")
@click.option("--dump-dir", type=click.Path(file_okay=True, dir_okay=True),
              help="--via virtuoso-bulk: a folder Virtuoso may read (DirsAllowed in virtuoso.ini).")
@click.option("--isql-port", default="1111", show_default=True,
              help="--via virtuoso-bulk: Virtuoso's SQL port, or HOST:PORT ([Parameters] ServerPort).")
@click.option("--user", help="Answer the server's Digest or Basic authentication as this user (virtuoso-bulk: the "
                             "SQL user, default dba).")
@click.option("--password-env", metavar="VARIABLE",
              help="With --user: the environment variable that holds the password (never on the command line).")
@click.option("--timeout", type=click.FloatRange(1, 86400), default=PUSH_TIMEOUT, show_default=True,
              help="Seconds the whole upload or load may take.")
@inputs_option
@user_errors()
def push_command(endpoint: str | None, graph_iri: str | None, via: str, compress: bool, location: str | None,
                 dump_dir: str | None, isql_port: str, user: str | None, password_env: str | None, timeout: float,
                 inputs: tuple[str, ...]) -> None:
    """Put the built graph (asserted and derived triples) on a SPARQL server, replacing the target graph.

    Over HTTP (gsp, oxigraph-bulk) any server anywhere; for a server on this
    machine its own bulk loader is the fastest way (oxigraph-load,
    virtuoso-bulk). Every way replaces the graph; only gsp does it in one
    transaction.
    """
    password = _password(user, password_env)
    http = via in ("gsp", "oxigraph-bulk")
    given = {"--gzip": compress, "--endpoint": endpoint, "--location": location, "--dump-dir": dump_dir}
    belongs = {"--gzip": http, "--endpoint": http, "--location": via == "oxigraph-load",
               "--dump-dir": via == "virtuoso-bulk"}
    for option, value in given.items():
        if value and not belongs[option]:
            raise InputError(f"{option} does not go with --via {via} (see r2pkg push --help)")
    if http and not endpoint:
        raise InputError(f"--via {via} needs --endpoint URL (the server's Graph Store Protocol URL)")
    if via == "oxigraph-load" and not location:
        raise InputError("--via oxigraph-load needs --location DIR (the store folder `oxigraph serve` opens)")
    if via == "virtuoso-bulk" and not dump_dir:
        raise InputError("--via virtuoso-bulk needs --dump-dir DIR (a folder DirsAllowed in virtuoso.ini lists)")
    from graph import server_loaders

    if via == "oxigraph-load":  # refused before the graph is loaded: a wrong folder costs nothing
        server_loaders.check_oxigraph_location(Path(location or "").expanduser().resolve())
    if via == "virtuoso-bulk":
        if password is None:
            raise InputError("--via virtuoso-bulk needs --user and --password-env (Virtuoso's SQL login)")
        if not Path(dump_dir or "").expanduser().is_dir():
            raise InputError(f"--dump-dir {dump_dir}: not a folder (give one that DirsAllowed in virtuoso.ini lists)")
    kg = load_inputs(inputs)
    start = time.perf_counter()
    if http:
        from graph.remote import push

        n = push(kg, endpoint or "", graph_iri, user=user, password=password, seconds=timeout, via=via,
                 gzip=compress)
        where = endpoint
    elif via == "oxigraph-load":
        n = server_loaders.oxigraph_load(kg, location or "", graph_iri, timeout)
        where = f"the Oxigraph store {location}"
    else:
        n = server_loaders.virtuoso_bulk(kg, dump_dir or "", graph_iri, port=isql_port, user=user or "dba",
                                         password=password or "", seconds=timeout)
        where = f"Virtuoso (SQL port {isql_port})"
    seconds = time.perf_counter() - start
    target = f"graph <{graph_iri}>" if graph_iri else "default graph"
    click.echo(f"pushed {n:,} triples to {where} ({target}) via {via} in {seconds:.1f} s, "
               f"{n / max(seconds, 1e-6):,.0f} triples/s")


COMMANDS = [push_command]
