"""The confined worker of `r2pkg query`, started before the command line is read.

A named query from the shell spends most of its time starting: importing click and
the command (which no change in r2pkg removes), and opening the project's stored
graph. The `r2pkg` executable (graph/__main__.py) therefore asks for the worker that
will run the query before it imports click:

- the query host for this folder, if one is running (graph/query_host.py): a process
  that keeps the stored graph open between commands and checks it against the files
  for every command;
- else a forked child (graph.server.sandbox.Worker), which opens the stored graph
  while the parent reads the command line, so the command costs the longer of the
  two rather than their sum; when the command has used it, the executable starts a
  host for the next command.

Either only reads a store that is there and complete (graph.store_cache), and writes
nothing, so stopping it at any point is safe. The command uses it only when it reads
the project's own graph as it is now (no --input, no --endpoint, no query typed on
standard input, during which the files may change); otherwise, or when no store is
written yet or it could not be read, the command stops the worker and loads the graph
as before.
"""

from __future__ import annotations

from graph import query_host
from graph.errors import InputError
from graph.server.sandbox import Worker

_started: Worker | query_host.HostConnection | None = None
_host_wanted = False  # a forked worker answered for the project's graph: a host would answer the next one


def start() -> None:
    """Connect to the host, else fork the worker, which opens the project's stored graph now (the
    executable calls this first)."""
    global _started
    if _started is None:
        _started = query_host.connect()
    if _started is None:
        try:
            _started = Worker(_stored_project_graph)
        except InputError:  # no fork to be had: the command starts its own worker (and says so if it fails)
            _started = None


def take(usable: bool) -> Worker | query_host.HostConnection | None:
    """The started worker if `usable` (the command reads the graph the worker opened), else None, stopped."""
    global _host_wanted
    if _started is not None and not usable:
        _started.close()
    _host_wanted = usable and _started is not None and not isinstance(_started, query_host.HostConnection)
    return _started if usable else None


def stop() -> None:
    """Stop the started worker unless it has answered (the executable calls this last, whatever happened);
    start the host if the command read the project's graph without one."""
    global _started, _host_wanted
    answered = _started is not None and _started.finished  # not cut short (Ctrl-C), not let go unasked
    if _started is not None:
        _started.close()
        _started = None
    if _host_wanted and answered:
        query_host.start_host()
    _host_wanted = False


def answer(kg, *args):
    """What a worker runs for `r2pkg query`: graph.queries.run_query_as_text. Named in this module, which the
    command has imported already, so that sending it imports no query module into the command."""
    from graph.queries import run_query_as_text

    return run_query_as_text(kg, *args)


def _stored_project_graph():
    """The project's derived graph from the store `r2pkg query` would read, or None when it is not written
    yet. The query modules are imported here, while the parent is still reading the command line, not
    after the request comes."""
    from graph.store_cache import read_store

    kg = read_store(query_host.project_store_folder())
    import graph.guard  # noqa: F401  (the guard compiles its patterns on import)
    import graph.query_results  # noqa: F401
    return kg
