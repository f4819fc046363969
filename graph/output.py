"""Formatting rows for people (table) and programs (csv, tsv, json); atomic file writes."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from graph.errors import InputError
from graph.namespaces import curie

ROW_FORMATS = ("table", "csv", "tsv", "json")


def cell(value: object) -> str:
    """A value as a person reads it: CURIEs for project IRIs, plain text for literals."""
    if value is None:
        return ""
    if isinstance(value, ox.NamedNode):  # a query's rows are pyoxigraph terms: no rdflib on that path
        return curie(value.value)
    if isinstance(value, (ox.Literal, ox.BlankNode)):
        return value.value
    from rdflib import URIRef

    if isinstance(value, URIRef):
        return curie(str(value))
    return str(value)


def plain(value: object) -> object:
    """A value for JSON: numbers and booleans as such, terms as strings."""
    from rdflib import Literal
    from rdflib.term import Identifier

    if isinstance(value, Literal):
        py = value.toPython()
        return py if isinstance(py, (int, float, bool)) else str(value)
    if isinstance(value, Identifier):
        return str(value)
    return value


def table(rows: Sequence[dict], columns: Sequence[str], max_width: int = 60) -> str:
    if not rows:
        return "(no rows)"
    def clip(s: str) -> str:
        s = " ".join(s.split())
        return s if len(s) <= max_width else s[: max_width - 1] + "…"
    cells = [[clip(cell(r.get(c))) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    line = "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    return "\n".join([line.rstrip(), rule, *body])


def format_rows(rows: Sequence[dict], columns: Sequence[str], fmt: str) -> str:
    """Rows of dicts in one of ROW_FORMATS (json here is a plain list of objects)."""
    if fmt == "table":
        return table(rows, columns)
    if fmt == "json":
        return json.dumps([{c: plain(r.get(c)) for c in columns} for r in rows], indent=2, ensure_ascii=False)
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        for r in rows:
            writer.writerow([str(r.get(c)) if r.get(c) is not None else "" for c in columns])
        return buf.getvalue().rstrip("\n")
    raise ValueError(f"unknown format {fmt!r}")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def standard_stream(path: str | Path) -> BinaryIO | None:
    """Standard output or error when `path` is `-` or names the stream itself (/dev/stdout, /dev/fd/2...)."""
    if str(path) == "-":
        return sys.stdout.buffer
    try:
        target = os.stat(path)
    except (OSError, ValueError):
        return None
    for stream in (sys.stdout, sys.stderr):
        try:
            own = os.fstat(stream.fileno())
        except (OSError, ValueError, AttributeError):
            continue
        if (own.st_dev, own.st_ino) == (target.st_dev, target.st_ino):
            stream.flush()
            return stream.buffer
    return None


def refuse_special(path: Path) -> None:
    """An existing output that is not a regular file (symlink, FIFO, device, socket) is never replaced."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as e:
        raise InputError(f"cannot write: {e.strerror}", path) from None
    if stat.S_ISREG(mode):
        return
    kind = ("a symbolic link" if stat.S_ISLNK(mode) else "a folder" if stat.S_ISDIR(mode)
            else "a FIFO" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
    raise InputError(f"will not replace {kind} with a file: give a regular file's path, or - for standard output",
                     path)


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    """Write a file whole or not at all: a temporary file in the same folder, then a rename.

    `-` (or standard output or error named by path) writes to that stream; an
    existing symlink, FIFO or device is refused, never replaced. The file gets
    the mode a plain open() would give it (0666 less the umask), not
    mkstemp's private 0600. A missing folder or an unwritable place is an InputError,
    and nothing is left behind.
    """
    stream = standard_stream(path)
    if stream is not None:
        stream.write(data.encode("utf-8") if isinstance(data, str) else data)
        stream.flush()
        return Path(path)
    path = Path(path)
    refuse_special(path)
    if not path.parent.is_dir():
        raise InputError(f"cannot write: the folder {path.parent} does not exist", path)
    import tempfile  # here: a query printed to the terminal needs none of it

    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as e:
        raise InputError(f"cannot write: {e.strerror}", path) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write: {e.strerror}", path) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def make_output_dir(path: str | Path) -> Path:
    """Create an output folder (and its parents) as build and render do; an error is one InputError."""
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"cannot create the output folder: {e.strerror}", path) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise InputError("cannot write to the output folder: permission denied", path)
    return path
