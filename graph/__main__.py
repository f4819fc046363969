"""The `r2pkg` executable (also `python -m graph`): the command line of graph/cli.py.

For `r2pkg query`, the worker that will run the query is forked first, before
click is imported, so that it opens the stored graph while the command line is
read (graph/query_worker.py).
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


if __name__ == "__main__":
    main()
