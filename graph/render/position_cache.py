"""Layouts kept on disk by content: component positions, and whole placed views.

Layout, routing and label placement are deterministic but cost most of a build's
time, and a rebuild places the same views again. Results are stored as JSON
(floats round-trip exactly) in the cache folder of the persistent store, keyed
by everything the computation reads (the component's nodes and edges; the whole
view) and by the code that computes it, so a cached picture is the picture the
code would draw; an unreadable or unwritable cache is simply not used.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import networkx as nx
import numpy as np

from graph.render.view_model import View
from graph.store_cache import cache_root

Layout = Callable[[nx.Graph], dict[str, np.ndarray]]
Placed = tuple[dict[str, tuple[float, float]], dict]
_CODE = Path(__file__).with_name("layout.py")
# Entries kept in the folder, the most recently used first: a few builds' worth of every view and component
# of a large project (the brief's site uses about 60), each a few kB.
KEEP = 2000
# Every module whose code decides where a placed view's nodes, bends and labels go.
_PLACEMENT_CODE = tuple(Path(__file__).with_name(m) for m in ("layout.py", "routing.py", "labels.py", "style.py"))


def _key(g: nx.Graph) -> str:
    h = hashlib.sha256(_CODE.read_bytes())
    h.update(nx.__version__.encode() + np.__version__.encode())
    h.update(json.dumps([sorted(g.nodes), sorted(sorted(e) for e in g.edges)]).encode())
    return h.hexdigest()[:32]


def _read(name: str) -> object | None:
    path = cache_root() / "layouts" / name
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
        _touch(path)
        return value
    except (OSError, ValueError):
        return None


def _touch(path: Path) -> None:
    """Mark an entry used now (pruning drops those unused longest), to the nanosecond: the file system's own
    clock ticks in milliseconds, too coarse to order entries written in one build."""
    now = time.time_ns()
    os.utime(path, ns=(now, now))


def _prune() -> None:
    """Keep the KEEP most recently used entries; every changed view or component leaves one behind."""
    folder = cache_root() / "layouts"
    try:
        entries = sorted(((p.stat().st_mtime_ns, p) for p in folder.glob("*.json")), reverse=True)
        for _, old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def _write(name: str, value: object) -> None:
    folder = cache_root() / "layouts"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(value, f)
        os.replace(tmp, folder / name)
        _touch(folder / name)
    except OSError:
        pass


def cached_positions(g: nx.Graph, layout: Layout) -> dict[str, np.ndarray]:
    name = f"{_key(g)}.json"
    stored = _read(name)
    if isinstance(stored, dict) and set(stored) == set(g.nodes):
        return {n: np.array(xy, dtype=float) for n, xy in stored.items()}
    pos = layout(g)
    _write(name, {n: [float(v) for v in xy] for n, xy in pos.items()})
    _prune()
    return pos


def _view_key(view: View) -> str:
    h = hashlib.sha256()
    for code in _PLACEMENT_CODE:
        h.update(code.read_bytes())
    h.update(nx.__version__.encode() + np.__version__.encode())
    h.update(json.dumps(view, sort_keys=True, default=_plain).encode())
    return h.hexdigest()[:32]


def _plain(value: object) -> object:
    """The view's dataclasses as their fields, sets sorted (dataclasses.asdict copies deeply: slow here)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return vars(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not part of a view")


def cached_placement(view: View, place: Callable[[View], Placed]) -> Placed:
    """``place(view)``, or what it returned for the same view before: positions, bends, and the
    edge labels it dropped or shifted (applied to ``view`` as ``place`` would have)."""
    return cached_placements([view], lambda views: [place(v) for v in views])[0]


def cached_placements(views: Sequence[View], place_many: Callable[[list[View]], list[Placed]]) -> list[Placed]:
    """cached_placement() for each view; the views not placed before go to ``place_many`` together
    (which may place them side by side), and what it returns is kept for next time."""
    names: list[str | None] = []
    for view in views:
        try:
            names.append(f"view-{_view_key(view)}.json")  # before placement changes the view's labels
        except TypeError:  # a value the key cannot spell: placed, never kept
            names.append(None)
    out = [_stored(view, name) if name else None for view, name in zip(views, names, strict=True)]
    todo = [i for i, placed in enumerate(out) if placed is None]
    for i, placed in zip(todo, place_many([views[i] for i in todo]), strict=True):
        out[i] = placed
        name = names[i]
        if name:
            labels = {e.id: [e.label, e.label_shift] for e in views[i].edges}
            _write(name, {"pos": placed[0], "smooth": placed[1], "labels": labels})
    if todo:
        _prune()
    return [placed for placed in out if placed is not None]


def _stored(view: View, name: str) -> Placed | None:
    """The entry for this view, its labels applied to ``view``; None when there is none (or not one this code wrote)."""
    stored = _read(name)
    edges = {e.id: e for e in view.edges}
    try:
        if set(stored["labels"]) == set(edges) and set(stored["pos"]) == set(view.nodes):  # type: ignore[index]
            pos = {n: (float(x), float(y)) for n, (x, y) in stored["pos"].items()}  # type: ignore[index]
            labels = {eid: (str(label), float(shift)) for eid, (label, shift) in stored["labels"].items()}  # type: ignore[index]
            for eid, (label, shift) in labels.items():  # applied only once the whole entry has been read
                edges[eid].label, edges[eid].label_shift = label, shift
            return pos, stored["smooth"]  # type: ignore[index]
    except (KeyError, TypeError, ValueError):
        pass
    return None
