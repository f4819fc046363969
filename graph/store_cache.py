"""A persistent store per project content: commands that only read the built graph open it from disk.

`r2pkg query`, `export` and `push` need the loaded and derived graph, not the work of
loading and deriving it. The first such command writes pyoxigraph's on-disk store of
the asserted and derived triples into a cache folder named by a content hash of
everything the graph depends on (every input file, the derivation options, the code
and rules that derive it); later commands open that store read-only. A small graph
(the brief's 13k triples) is kept as an N-Quads dump instead and read back into
memory: that takes about 16 ms where opening RocksDB takes 30-50 ms, and queries run
about 5 times faster in memory. A changed file,
option or release gives another hash, so a stale store is never read. Stores are
written into a temporary folder and renamed into place, so a reader never sees a
half-written one; the oldest are removed beyond a few.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph.code_digest import code_digest
from graph.errors import InputError
from graph.store import KnowledgeGraph, expand_inputs, load_graph

KEEP = 4  # stores kept per cache folder; each is a few MB for the brief
MANIFEST = "r2pkg-store.json"
DUMP = "graph.nq"
# Inputs up to this size are cached as a dump read into memory: re-reading costs about 1.2 us a triple,
# so at some 100k triples it overtakes RocksDB's constant open time and on-disk queries win.
DUMP_MAX_BYTES = 8_000_000


def cache_root() -> Path:
    """r2pkg's cache folder: $R2PKG_CACHE_DIR, else $XDG_CACHE_HOME/r2pkg, else ~/.cache/r2pkg."""
    explicit = os.environ.get("R2PKG_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "r2pkg"


def content_key(files: Iterable[Path], options: Mapping[str, Any], rules: Iterable[Path] = ()) -> str:
    """The hash that names a store: the input files' contents and order, the derive options, the code, and the
    rule files the derivation runs (a project's own rules/ lie outside the package's code)."""
    h = hashlib.sha256(code_digest().encode())
    for kind, paths in ((b"file", files), (b"rule", rules)):
        for path in paths:
            h.update(b"\0" + kind + b"\0" + str(path.resolve()).encode() + b"\0")
            h.update(path.read_bytes())
    h.update(json.dumps(options, sort_keys=True, default=str).encode())
    return h.hexdigest()[:32]


def _open(folder: Path) -> KnowledgeGraph:
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    files = [Path(f) for f in manifest["files"]]
    if manifest.get("dump"):
        store = ox.Store()
        # lenient: the dump is pyoxigraph's own output of triples that were checked when first loaded
        store.load(path=str(folder / DUMP), format=ox.RdfFormat.N_QUADS, lenient=True)
    else:
        store = ox.Store.read_only(str(folder))
    return KnowledgeGraph(store=store, files=files)


def read_store(folder: Path) -> KnowledgeGraph | None:
    """The store in `folder` if one was written there (marked most recently used, for pruning), else None.

    Writes no store: a reader that may be stopped at any time (graph/query_worker.py) leaves nothing half-done.
    """
    if not (folder / MANIFEST).is_file():
        return None
    kg = _open(folder)
    os.utime(folder)
    return kg


def _write(folder: Path, files: list[Path], derive: Callable[[KnowledgeGraph], object]) -> None:
    """Load and derive into a new on-disk store beside `folder`, then rename it into place."""
    import shutil  # here and in _prune: a command that finds its store writes nothing (and shutil imports bz2, lzma)
    import tempfile

    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".writing-"))
    dump = sum(p.stat().st_size for p in files) <= DUMP_MAX_BYTES
    try:
        kg = load_graph(files, store=None if dump else ox.Store(str(staging)))
        derive(kg)
        manifest = {"files": [str(p) for p in kg.files], "dump": dump}
        if dump:
            kg.store.dump(output=str(staging / DUMP), format=ox.RdfFormat.N_QUADS)
        else:
            kg.store.flush()
        del kg  # closes the store before the folder moves
        (staging / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        try:
            os.rename(staging, folder)
        except OSError:
            if not (folder / MANIFEST).is_file():  # not another process that won the race
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _prune(root: Path, keep: Path) -> None:
    import shutil

    stores = sorted((p for p in root.iterdir() if (p / MANIFEST).is_file() and p != keep),
                    key=lambda p: p.stat().st_mtime, reverse=True)
    for old in stores[KEEP - 1:]:
        shutil.rmtree(old, ignore_errors=True)


def _folder(paths: Iterable[str | Path], options: Mapping[str, Any], root: Path | None,
            rules: Iterable[Path]) -> tuple[list[Path], Path]:
    given = list(paths)
    files = expand_inputs(given)
    if not files:  # said as load_graph says it, of what was given rather than of the empty list it expanded to
        raise InputError(f"no triples loaded from {', '.join(map(str, given)) or 'nothing'} (no .ttl file)")
    return files, (root or cache_root() / "stores") / content_key(files, options, rules)


def store_folder(paths: Iterable[str | Path], options: Mapping[str, Any], root: Path | None = None,
                 rules: Iterable[Path] = ()) -> Path:
    """The folder that holds (or will hold) the derived graph of `paths`: named by their content key."""
    return _folder(paths, options, root, rules)[1]


def cached_graph(paths: Iterable[str | Path], options: Mapping[str, Any],
                 derive: Callable[[KnowledgeGraph], object], root: Path | None = None,
                 rules: Iterable[Path] = ()) -> KnowledgeGraph | None:
    """The derived graph of `paths` from the cache, written there first when it is not yet.

    `rules` are the rule files `derive` runs: part of the store's name, so a changed, added or removed rule
    derives again.

    None when the cache folder cannot be written (a read-only home, say): the caller loads in memory.
    Input errors (a missing file, bad Turtle) are raised as from `load_graph`.
    """
    files, folder = _folder(paths, options, root, rules)
    try:
        kg = read_store(folder)
    except (OSError, SyntaxError, ValueError, KeyError):  # damaged (a file removed or cut short): written again
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        kg = None
    if kg is not None:
        return kg
    try:
        _write(folder, files, derive)
    except OSError:  # not writable, full: the caller loads in memory
        return None
    _prune(folder.parent, folder)
    return read_store(folder)
