"""r2pkg queries and query: SPARQL for scholars (export is graph/commands/export.py, push graph/commands/push.py)."""

from __future__ import annotations

import sys

import click

from graph import formats, query_worker, remote
from graph.commands.options import example, inputs_option, load_inputs, user_errors, write_output
from graph.errors import InputError
from graph.server.sandbox import NoGraph, run_confined

# The query modules (graph.queries and the result writers) are imported where they are used: a named query the
# started worker answers needs none of them in this process (graph/query_worker.py).

# One set of names with export and serve (graph.formats); `table` is for people; aliases such as nt are accepted.
RESULT_FORMATS = ("table", *formats.names(formats.SOLUTIONS), *formats.names(formats.GRAPH))
_ALIASES = tuple(a for a, name in formats.ALIASES.items() if name in RESULT_FORMATS)


@click.command("queries", epilog=example("r2pkg queries", "r2pkg queries --format json"))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@user_errors(exit_code=2)
def queries_command(fmt: str) -> None:
    """List the named queries (the competency questions) with their parameters."""
    import json  # here, as the table's module: a query needs neither (it gets its text from the worker)

    from graph.output import format_rows
    from graph.queries import named_queries

    rows = [{"id": q.id, "title": q.title,
             "params": ", ".join(f"{p.name}:{p.kind}{'' if p.required else '?'}"
                                 + (f" (default {p.default})" if p.default else "") for p in q.params),
             "description": q.description} for q in named_queries().values()]
    if fmt == "json":
        out = [{"id": q.id, "title": q.title, "description": q.description,
                "params": [{"name": p.name, "kind": p.kind, "required": p.required, "default": p.default,
                            "description": p.description} for p in q.params]}
               for q in named_queries().values()]
        click.echo(json.dumps(out, indent=2))
    else:
        click.echo(format_rows(rows, ["id", "title", "params"], "table"))


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for v in values:
        name, sep, value = v.partition("=")
        if not sep or not name:
            raise InputError(f"--param takes NAME=VALUE, not {v!r}")
        out[name] = value
    return out


@click.command("query", epilog=example(
    "r2pkg query CQ03 --param outcome=r2pr:societal-resilience",
    "r2pkg query --sparql 'SELECT (COUNT(*) AS ?n) WHERE { ?c a r2p:Claim }' --format csv",
    "r2pkg query CQ02 --endpoint http://127.0.0.1:7878/query --format json"))
@click.argument("name", required=False)
@click.option("--file", "file_", type=click.Path(dir_okay=False), help="Run the SPARQL query in this file.")
@click.option("--sparql", help="Run this SPARQL query; '-' reads it from standard input.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a parameter as an RDF term (CURIE, <IRI>, bare slug, number, text); repeatable.")
@click.option("--format", "fmt", type=click.Choice(RESULT_FORMATS + _ALIASES), default=None,
              help="table|json|xml|csv|tsv for SELECT, turtle|ntriples|jsonld|rdfxml for CONSTRUCT/DESCRIBE. "
                   "[default: table or turtle]")
@click.option("--endpoint", help="Run on this SPARQL 1.1 query endpoint instead of the embedded store.")
@click.option("--graph", "graph_iri", help="With --endpoint: query this named graph as the default graph.")
@click.option("--timeout", type=click.FloatRange(0.1, 86400), default=remote.TIMEOUT, show_default=True,
              help="With --endpoint: seconds for the whole exchange, however slowly the answer comes.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the result to this regular file (- for standard output).")
@inputs_option
@user_errors(exit_code=2)
def query_command(name, file_, sparql, params, fmt, endpoint, graph_iri, timeout, output, inputs) -> None:
    """Run a named query, a query file or a SPARQL string on the graph.

    Parameters are bound as RDF terms by the store, never pasted into the
    query text; a query file's `# param: NAME KIND required|optional` lines
    are honoured as in the named queries. The project's prefixes (r2p:, r2pr:,
    prov:, oa:, skos: ...) are predeclared; a bare slug such as
    security-sector-reform is read as r2pr:security-sector-reform. SERVICE is
    refused on the embedded store (it works offline by design).

    The first query on the project's graph starts a query host that keeps it
    open for the next ones from this folder, checked against the files each
    time, until it idles (R2PKG_QUERY_HOST=SECONDS sets how long; 0, none).
    """
    given = [x for x in (name, file_, sparql) if x]
    if len(given) != 1:
        raise InputError("give exactly one of: a query NAME, --file or --sparql (see r2pkg queries)")
    if file_ or sparql or endpoint:  # a named query is read, checked and run by the worker
        from graph.queries import read_query_file, refuse_unsafe, run_query_as_text
    query = read_query_file(file_) if file_ else None
    # The worker the executable started holds the project's graph as it was then: not what --input or
    # --endpoint ask for, nor current after a person has typed the query on standard input.
    worker = query_worker.take(usable=not (inputs or endpoint or sparql == "-"))
    if sparql == "-":
        sparql = sys.stdin.read()
    text_given = sparql if sparql is not None else (query.body if query else None)
    if text_given is not None and not endpoint:
        refuse_unsafe(text_given)  # before any parser sees it: the guard's "cannot decide" is a refusal too
    request = dict(name=name, sparql=sparql, query=query, params=_parse_params(params), fmt=fmt)
    if endpoint:
        with remote.deadline(timeout):
            text, warnings = run_query_as_text(None, endpoint, graph_iri, **request)
    else:
        text, warnings = _embedded(worker, inputs, (None, None, *request.values()))
    for message in warnings:
        click.echo(f"warning: {message}", err=True)
    if output:
        write_output(output, text)
    else:
        click.echo(text.rstrip("\n"))


def _embedded(worker, inputs: tuple[str, ...], args: tuple) -> tuple[str, list[str]]:
    """The query on the embedded store, run in a child without network: nothing can call out, and an
    engine crash is one line. In the worker the executable started, if it found the graph stored."""
    if worker is not None:
        try:
            return worker.run(query_worker.answer, *args)
        except NoGraph:  # no store written yet, or one it could not read: loaded (and stored) below
            pass
    return run_confined(query_worker.answer, load_inputs(inputs), *args)


COMMANDS = [queries_command, query_command]
