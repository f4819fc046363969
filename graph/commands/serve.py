"""r2pkg serve: the SPARQL endpoint and the built site on one local port."""

from __future__ import annotations

import webbrowser

import click

from graph.commands.options import example, inputs_option, load_inputs, user_errors


@click.command("serve", epilog=example(
    "r2pkg serve --open",
    "r2pkg serve --port 8080 --timeout 10 --site build/",
    "curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s a r2p:Claim } LIMIT 5' "
    "http://127.0.0.1:8000/sparql"))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback lets other machines in.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port).")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(0.1, 3600),
              help="Seconds a query may run before it is stopped (503).")
@click.option("--site", "site_dir", default="build", show_default=True, type=click.Path(file_okay=False),
              help="Folder with the built site (index.html and maps), from `r2pkg build`.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Query worker processes. [default: one per CPU, up to 4, and one more]")
@click.option("--max-rows", default=200_000, show_default=True, type=click.IntRange(1),
              help="Largest result (rows or triples) the endpoint returns; bigger ones get 422.")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a web browser.")
@click.option("--quiet", is_flag=True, help="Do not log each request.")
@click.option("--no-cache", is_flag=True, help="Run every query, even one answered before (for benchmarks).")
@inputs_option
@user_errors()
def serve_command(host: str, port: int, timeout: float, site_dir: str, workers: int | None, max_rows: int,
                  open_browser: bool, quiet: bool, no_cache: bool, inputs: tuple[str, ...]) -> None:
    """Serve the built site and a read-only SPARQL 1.1 endpoint at /sparql.

    The endpoint answers GET and POST (form or application/sparql-query) with
    JSON, XML, CSV or TSV results and Turtle, N-Triples, JSON-LD or RDF/XML
    graphs, by Accept header (or a format= that fits). GET /sparql without a
    query describes the service; /store gives Graph Store Protocol reads.
    SERVICE and updates are refused; a query that runs past --timeout is
    stopped, and slow queries never take every worker. /query is a query page
    with the named queries as examples. Ctrl-C stops the server.
    """
    from graph.server import make_server, serve_until_signalled

    try:
        server = make_server(lambda: load_inputs(inputs), host, port, timeout, site_dir,
                             workers=workers, max_rows=max_rows, quiet=quiet, cache=not no_cache)
    except OSError as e:
        raise click.ClickException(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
    for line in server.startup_lines():
        click.echo(line)
    def open_in_browser() -> None:
        webbrowser.open(server.url)

    ready = open_in_browser if open_browser else None
    serve_until_signalled(server, ready)


COMMANDS = [serve_command]
