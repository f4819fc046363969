"""Export of the graph in every registered export format, written whole or not at all.

The formats are those of the formats registry with a writer (graph.exports
registers them); a writer returns one file's text or a bundle of files, which
is written as a folder, or as a zip when the path ends in ``.zip``.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from graph import formats
from graph.errors import InputError
from graph.output import write_atomic
from graph.store import KnowledgeGraph

if TYPE_CHECKING:
    from graph.documents import Texts


def export_formats() -> list[formats.Format]:
    """Every export format, in the registry's order (RDF syntaxes first)."""
    from graph import exports

    exports.load()
    return [formats.BY_NAME[n] for n in formats.names(formats.EXPORT)]


def export_format(name: str) -> formats.Format:
    """An export format by name or alias, or an InputError that lists them."""
    export_formats()
    return formats.get(name, formats.EXPORT, "graph export")


def render_export(kg: KnowledgeGraph, fmt: str, document: str | None = None,
                  texts: Texts | None = None) -> str | dict[str, bytes]:
    """The export's text, or {relative path: bytes} for a format of several files.

    `document` (a slug) limits it to one document; `texts` (the project's source texts, graph.documents) lets the
    annotations give text positions.
    """
    from graph.exports.content import ExportContent

    f = export_format(fmt)
    assert f.writer is not None
    return f.writer(ExportContent(kg, document, texts))


def export_graph(kg: KnowledgeGraph, fmt: str, document: str | None = None,
                 texts: Texts | None = None) -> str:
    """A one-file export as text, the same bytes for the same graph."""
    out = render_export(kg, fmt, document, texts)
    if not isinstance(out, str):
        raise InputError(f"the {fmt} export is several files: give a path (a folder, or a file ending in .zip)")
    return out


def write_export(kg: KnowledgeGraph, fmt: str, path: str | Path, document: str | None = None,
                 texts: Texts | None = None) -> Path:
    """Write an export to `path` atomically (a bundle as a folder, or a zip when the path ends in .zip)."""
    path = Path(path)
    if not path.parent.is_dir():  # said before the work, as write_atomic would say it after
        raise InputError(f"cannot write: the folder {path.parent} does not exist", path)
    out = render_export(kg, fmt, document, texts)
    if isinstance(out, str):
        return write_atomic(path, out if out.endswith("\n") else out + "\n")
    if path.suffix.lower() == ".zip":
        return write_atomic(path, _zip(out))
    return _write_folder(path, out)


def site_exports() -> list[formats.Format]:
    """The formats a built site offers beside its Turtle export: every one that is not an RDF syntax."""
    return [f for f in export_formats() if not f.kinds & {formats.GRAPH, formats.DATASET}]


def write_exports(kg: KnowledgeGraph, folder: str | Path, fmts: list[formats.Format],
                  texts: Texts | None = None, stem: str = "r2pkg") -> list[tuple[Path, formats.Format]]:
    """Write several exports into `folder` from one reading of the graph, each file atomically
    (a format of several files as a zip); returns (path, format) in the order given."""
    from graph.exports.content import ExportContent

    content = ExportContent(kg, None, texts)
    out = []
    for f in fmts:
        assert f.writer is not None
        data = f.writer(content)
        if isinstance(data, str):
            path = write_atomic(Path(folder) / f"{stem}-{f.name}{f.extension}", data)
        else:
            path = write_atomic(Path(folder) / f"{stem}-{f.name}.zip", _zip(data))
        out.append((path, f))
    return out


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in sorted(files.items()):
            info = zipfile.ZipInfo(name, date_time=(2013, 10, 18, 0, 0, 0))  # fixed: same graph, same bytes
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return buf.getvalue()


def _write_folder(path: Path, files: dict[str, bytes]) -> Path:
    """Fill a staging folder beside `path`, then rename it into place (an old folder is replaced whole)."""
    if path.exists() and not path.is_dir():
        raise InputError("cannot write a folder: a file of that name is there", path)
    try:
        staging = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}."))
    except OSError as e:
        raise InputError(f"cannot write: {e.strerror}", path) from None
    old = None
    try:
        for name, data in files.items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_bytes(data)
        os.chmod(staging, 0o755)
        if path.exists():
            old = path.with_name(f".{path.name}.old-{os.getpid()}")
            os.replace(path, old)
        os.replace(staging, path)
    except OSError as e:
        if old is not None and not path.exists():
            os.replace(old, path)
        raise InputError(f"cannot write: {e.strerror}", path) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return path
