"""Exports that other tools read back, one module per format.

Each module registers its writer in the one formats registry with
``graph.formats.exporter`` (name, media type, file ending, which tool opens it);
``load()`` imports them all, so the CLI, ``graph.export`` and the tests find
every format there. A writer takes an ``ExportContent`` (graph.exports.content)
and returns the text of one file, or ``{relative path: bytes}`` for a folder.
Heavy libraries are imported inside the writers, so listing the formats is cheap.
"""

from __future__ import annotations

import importlib
import pkgutil


def load() -> None:
    """Import every module of this package once: each format module registers its formats (the shared
    helpers, content and networks, register none)."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        importlib.import_module(f"{__name__}.{info.name}")
