"""Positions of laid-out graph components, kept on disk by the component's content.

Kamada-Kawai is deterministic but costs most of a build's layout time, and a
rebuild lays out the same components again. Positions are stored as JSON
(floats round-trip exactly) in the cache folder of the persistent store, keyed
by the component's nodes and edges and by the code that lays them out, so a
cached picture is the picture the code would draw; an unreadable or unwritable
cache is simply not used.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import numpy as np

from graph.store_cache import cache_root

Layout = Callable[[nx.Graph], dict[str, np.ndarray]]
_CODE = Path(__file__).with_name("layout.py")


def _key(g: nx.Graph) -> str:
    h = hashlib.sha256(_CODE.read_bytes())
    h.update(nx.__version__.encode() + np.__version__.encode())
    h.update(json.dumps([sorted(g.nodes), sorted(sorted(e) for e in g.edges)]).encode())
    return h.hexdigest()[:32]


def cached_positions(g: nx.Graph, layout: Layout) -> dict[str, np.ndarray]:
    folder = cache_root() / "layouts"
    path = folder / f"{_key(g)}.json"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if set(stored) == set(g.nodes):
            return {n: np.array(xy, dtype=float) for n, xy in stored.items()}
    except (OSError, ValueError):
        pass
    pos = layout(g)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({n: [float(v) for v in xy] for n, xy in pos.items()}, f)
        os.replace(tmp, path)
    except OSError:
        pass
    return pos
