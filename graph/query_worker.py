"""The confined worker of `r2pkg query`, started before the command line is read.

A named query from the shell spends most of its time starting: importing click and
the command (which no change in r2pkg removes), and opening the project's stored
graph. The `r2pkg` executable (graph/__main__.py) therefore forks the worker that
will run the query (graph.server.sandbox.Worker) before it imports click: the child
opens the stored graph while the parent reads the command line, so the command
costs the longer of the two rather than their sum.

The worker only reads a store that is there and complete (graph.store_cache), and
writes nothing, so stopping it at any point is safe. The command uses it only when
it reads the project's own graph as it is now (no --input, no --endpoint, no query
typed on standard input, during which the files may change); otherwise, or when no
store is written yet or it could not be read, the command stops the worker and loads
the graph as before.
"""

from __future__ import annotations

from graph.errors import InputError
from graph.server.sandbox import Worker

_started: Worker | None = None


def start() -> None:
    """Fork the worker, which opens the project's stored graph now (the executable calls this first)."""
    global _started
    if _started is None:
        try:
            _started = Worker(_stored_project_graph)
        except InputError:  # no fork to be had: the command starts its own worker (and says so if it fails)
            _started = None


def take(usable: bool) -> Worker | None:
    """The started worker if `usable` (the command reads the graph the worker opened), else None, stopped."""
    if _started is not None and not usable:
        _started.close()
    return _started if usable else None


def stop() -> None:
    """Stop the started worker unless it has answered (the executable calls this last, whatever happened)."""
    global _started
    if _started is not None:
        _started.close()
        _started = None


def _stored_project_graph():
    """The project's derived graph from the store `r2pkg query` would read (commands.options.load_inputs
    without --input), or None when it is not written yet. The query modules are imported here, while the
    parent is still reading the command line, not after the request comes."""
    from graph.deriving import rule_files
    from graph.project import current_project
    from graph.store_cache import stored_graph

    project = current_project()
    kg = stored_graph(project.inputs(), project.derive_options, rules=rule_files(project))
    import graph.guard  # noqa: F401  (the guard compiles its patterns on import)
    import graph.query_results  # noqa: F401
    return kg
