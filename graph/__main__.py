"""The `r2pkg` executable (also `python -m graph`): the command line of graph/cli.py.

For `r2pkg query`, the worker that will run the query is found first, before
click is imported: the folder's query host, else a forked child that opens the
stored graph while the command line is read (graph/query_worker.py). Once the
query's answer is written, the process ends without the interpreter's teardown
(`run`).
"""

from __future__ import annotations

import sys


def main() -> None:
    query = sys.argv[1:2] == ["query"]
    try:
        if query:
            from graph import query_worker

            query_worker.start()
        from graph.cli import main as cli_main

        cli_main()
    except KeyboardInterrupt:  # Ctrl-C before click took over (while importing): no traceback
        sys.exit(130)
    finally:
        workers = sys.modules.get("graph.query_worker")  # imported, unless Ctrl-C came first
        if workers is not None:
            workers.stop()  # not left behind after --help, a usage error, an error


def run() -> None:
    """main(), the console script. A query then leaves by os._exit once its output is flushed: tearing down
    the 300-odd modules it imported took 14 ms, a tenth of the command, and it holds nothing that needs a
    finaliser (the worker is stopped, files written are closed). A failed flush (a closed pipe) leaves as
    the interpreter would, reporting it."""
    try:
        main()
    except SystemExit as done:
        if sys.argv[1:2] == ["query"] and isinstance(done.code, int | None):
            _leave(done.code or 0)
        raise
    if sys.argv[1:2] == ["query"]:
        _leave(0)


def _leave(code: int) -> None:
    import os

    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(code)


if __name__ == "__main__":
    run()
