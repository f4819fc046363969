"""Deterministic positions computed in Python, so a projected map stands still and opens at once.

vis-network gets fixed x/y and physics off: no stabilisation in the browser, the
same picture on every run (fixed seeds, inputs sorted before layout).
"""

from __future__ import annotations

import functools
import math
import multiprocessing
import os
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

import networkx as nx
import numpy as np

from graph.render.labels import clear_labels
from graph.render.position_cache import cached_placement, cached_placements, cached_positions
from graph.render.routing import RouteMemo, Smooth, crossings, overlaps, route, shapes
from graph.render.style import LABEL_MAX_WIDTH
from graph.render.view_model import View

Positions = dict[str, tuple[float, float]]

NODE_SPACING = 165.0  # typical distance between neighbouring node centres, in pixels
LAYER_GAP = 420.0
ROW_GAP = 120.0
COMPONENT_GAP = 120.0
SEED = 42


def layout_view(view: View) -> Positions:
    if view.layout == "layered":
        return layered(view)
    return spring(view)


def place(view: View) -> tuple[Positions, dict[str, Smooth]]:
    """Layout, then routing: bend or nudge until no edge passes over a node, keeping nodes apart.

    A view placed before, with the same content and code, is not placed again (position_cache)."""
    return cached_placement(view, _place)


def place_all(views: Sequence[View]) -> list[tuple[Positions, dict[str, Smooth]]]:
    """place() for each view, in order. The views not placed before are placed side by side in two
    processes where the machine has two cores: each placement is independent and deterministic, so
    the maps are the ones place() draws one at a time."""
    return cached_placements(views, _place_side_by_side)


def _place_side_by_side(views: list[View]) -> list[tuple[Positions, dict[str, Smooth]]]:
    workers = min(2, len(views), os.cpu_count() or 1)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [_place(v) for v in views]
    # Forked workers share what this process has loaded (a fresh interpreter would spend longer
    # importing than placing); the biggest views go first so that the two finish together.
    order = sorted(range(len(views)), key=lambda i: -(len(views[i].nodes) + len(views[i].edges)))
    _blas()  # scipy's solver imported here, once, not in each worker
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        done = dict(zip(order, pool.map(_place_with_labels, [views[i] for i in order]), strict=True))
    out = []
    for i, view in enumerate(views):
        pos, smooth, labels = done[i]
        for e in view.edges:  # the labels placement dropped or shifted, as _place leaves them
            e.label, e.label_shift = labels[e.id]
        out.append((pos, smooth))
    return out


def _place_with_labels(view: View) -> tuple[Positions, dict[str, Smooth], dict[str, tuple[str, float]]]:
    pos, smooth = _place(view)
    return pos, smooth, {e.id: (e.label, e.label_shift) for e in view.edges}


def _place(view: View) -> tuple[Positions, dict[str, Smooth]]:
    pos = layout_view(view)
    sizes = {n: (s.w, s.h) for n, s in shapes(view).items()}
    smooth: dict[str, Smooth] = {}
    if len(view.nodes) > 600 or len(view.edges) > 1500:  # benchmark-sized: a bounded routing pass
        return route(view, pos, rounds=1, budget_s=3.0)
    memo = RouteMemo()  # each pass re-tests only the edges near a node that moved
    for _ in range(10):
        pos, smooth = route(view, pos, memo=memo)
        if not overlaps(view, pos, gap=4.0):
            if not crossings(view, pos, smooth):
                break
        pos = _apart(pos, sizes, rounds=80)
    from graph.render.routing import move_to_clear, relocate_leaves

    if crossings(view, pos, smooth):
        # Last resort: a leaf end of a still-blocked edge moves to the clear side of its blocker.
        pos = relocate_leaves(view, pos, smooth)
        pos, smooth = route(view, pos, rounds=1, memo=memo)
        if crossings(view, pos, smooth):  # still: move one node where its edges and the others clear
            pos, smooth = move_to_clear(view, pos, smooth)
    if overlaps(view, pos):
        # Routing and separating took turns ten times and left two boxes on each other (Kamada-Kawai's
        # start differs in the last bits between CPUs' BLAS kernels, and with it what the rounds meet):
        # apart until none touch, routed again, and a node an edge then crosses moved as above.
        pos = _apart(pos, sizes, rounds=400)
        pos, smooth = route(view, pos, rounds=1, memo=memo)
        if crossings(view, pos, smooth):
            pos, smooth = move_to_clear(view, pos, smooth)
    return clear_labels(view, pos, smooth)


def _apart(pos: Positions, sizes: dict[str, tuple[float, float]], rounds: int) -> Positions:
    """`separate` on placed positions, rounded as placed positions are."""
    sep = separate({n: np.array(p, dtype=float) for n, p in pos.items()}, sizes, rounds=rounds)
    return {n: (round(float(p[0]), 1), round(float(p[1]), 1)) for n, p in sep.items()}


def _graph(view: View) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(sorted(view.nodes))
    g.add_edges_from(sorted((e.source, e.target) for e in view.edges if e.source != e.target))
    for group in view.groups:  # a tour step's nodes pull together, so one frame shows them all
        members = sorted(n for n in set(group) if n in view.nodes)
        g.add_edges_from((a, b) for i, a in enumerate(members) for b in members[i + 1 :])
    return g


def _component(g: nx.Graph, nodes: list[str]) -> nx.Graph:
    """The component as a graph of its own, in sorted node and edge order.

    (networkx's subgraph view iterates its nodes through a set, so its order, and with it
    Kamada-Kawai's starting circle, changed with the hash seed: maps moved between builds.)
    """
    sub = nx.Graph()
    sub.add_nodes_from(sorted(nodes))
    sub.add_edges_from(sorted(tuple(sorted(e)) for e in g.subgraph(nodes).edges))
    return sub


def _normalise(pos: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Scale so the median nearest-neighbour distance is NODE_SPACING, whatever the algorithm returned."""
    if len(pos) < 2:
        return {n: np.zeros(2) for n in pos}
    keys = list(pos)
    pts = np.array([pos[k] for k in keys], dtype=float)
    pts -= pts.mean(axis=0)
    if len(pts) <= 3000:
        from scipy.spatial import cKDTree

        dist, _ = cKDTree(pts).query(pts, k=2)
        nearest = float(np.median(dist[:, 1]))
    else:  # pragma: no cover - very large views only
        nearest = float(np.ptp(pts, axis=0).max()) / math.sqrt(len(pts))
    scale = NODE_SPACING / nearest if nearest > 1e-9 else 1.0
    # Turn the longest axis horizontal: screens and projectors are wide. The sign is fixed
    # so the picture does not flip between runs.
    _, _, vt = np.linalg.svd(pts, full_matrices=False)
    axes = vt.copy()
    for i in range(axes.shape[0]):
        j = int(np.argmax(np.abs(axes[i])))
        if axes[i, j] < 0:
            axes[i] = -axes[i]
    pts = pts @ axes.T
    # Boxes are wider than tall: stretch x a little so labels overlap less.
    return {k: p * scale * np.array([1.25, 1.0]) for k, p in zip(keys, pts, strict=True)}


def _component_layout(g: nx.Graph) -> dict[str, np.ndarray]:
    if g.number_of_nodes() <= 2:
        return _lay_out_component(g)
    return cached_positions(g, _lay_out_component)


def _lay_out_component(g: nx.Graph) -> dict[str, np.ndarray]:
    n = g.number_of_nodes()
    if n == 1:
        return {next(iter(g.nodes)): np.zeros(2)}
    if n == 2:
        a, b = sorted(g.nodes)
        return {a: np.array([-0.5, 0.0]), b: np.array([0.5, 0.0])}
    if n <= 120:
        # Kamada-Kawai starts from a circle (no randomness) and keeps graph distances readable.
        # Hop counts by breadth-first search: the distances networkx would find by Dijkstra, sooner.
        dist = dict(nx.all_pairs_shortest_path_length(g))
        with _blas().limit(limits=1, user_api="blas"):
            return nx.kamada_kawai_layout(g, dist=dist)
    return force_directed(g)


@functools.cache
def _blas():
    """BLAS libraries, held to one thread around Kamada-Kawai: its solver (scipy's L-BFGS-B) calls
    BLAS on vectors of a few hundred numbers, where waking OpenBLAS's worker threads costs several
    times the work itself (the same positions, a fraction of the CPU time)."""
    import scipy.optimize  # noqa: F401  (loads scipy's own BLAS before the controller lists libraries)
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def force_directed(g: nx.Graph, iterations: int = 60) -> dict[str, np.ndarray]:
    """Fruchterman-Reingold, vectorised with numpy (networkx's takes ~15 s on 2,000 nodes).

    Fixed seed and sorted node order: the same graph always gives the same picture.
    """
    nodes = sorted(g.nodes)
    n = len(nodes)
    index = {v: i for i, v in enumerate(nodes)}
    edges = np.array(sorted((index[a], index[b]) for a, b in g.edges), dtype=np.int64).reshape(-1, 2)
    rows, cols = edges[:, 0], edges[:, 1]
    pos = np.random.default_rng(SEED).random((n, 2)).astype(np.float32)
    k = np.float32(1.0 / math.sqrt(n))
    temp, cool = 0.1, 0.1 / (iterations + 1)
    for _ in range(iterations):
        # Every pair repels with k^2/d: sum_j w_ij (p_i - p_j) = p_i * sum_j w_ij - (W @ p)_i,
        # with w_ij = k^2/d_ij^2, so one matrix product replaces an n x n x 2 tensor.
        x, y = pos[:, 0], pos[:, 1]
        dx = x[:, None] - x[None, :]
        dy = y[:, None] - y[None, :]
        w = dx * dx
        w += dy * dy
        np.maximum(w, np.float32(1e-6), out=w)
        np.divide(k * k, w, out=w)
        np.fill_diagonal(w, 0)
        disp = pos * w.sum(axis=1)[:, None] - w @ pos
        d = pos[rows] - pos[cols]
        pull = d * (np.sqrt((d * d).sum(axis=1)) / k)[:, None]  # linked nodes attract
        np.subtract.at(disp, rows, pull)
        np.add.at(disp, cols, pull)
        length = np.maximum(np.sqrt((disp * disp).sum(axis=1)), np.float32(1e-9))
        pos += disp * (np.minimum(length, temp) / length)[:, None]
        temp -= cool
    return {v: pos[i].astype(float) for i, v in enumerate(nodes)}


def box_size(label: str, shape: str = "box", font: float = 22) -> tuple[float, float]:
    """On-canvas size of a node (see routing.node_shape)."""
    from graph.render.routing import node_shape

    s = node_shape(label, font, shape)
    return s.w, s.h


def separate(
    pos: dict[str, np.ndarray], sizes: dict[str, tuple[float, float]], gap: float = 24.0, rounds: int = 60
) -> dict[str, np.ndarray]:
    """Push overlapping boxes apart along the axis where they overlap least (deterministic).

    Spring layouts place centres, not boxes; without this pass long labels cover each other.
    Quadratic in memory, so very large views (benchmarks) keep the spring positions as they are.
    """
    keys = list(pos)
    n = len(keys)
    if n < 2 or n > 1200:
        return pos
    p = np.array([pos[k] for k in keys], dtype=float)
    half = np.array([sizes[k] for k in keys], dtype=float) / 2 + gap / 2
    order = np.arange(n)
    tie = np.where(order[:, None] < order[None, :], -1.0, 1.0)  # equal centres split by index
    hx, hy = half[:, 0], half[:, 1]
    for _ in range(rounds):
        dx, dy = p[:, 0, None] - p[None, :, 0], p[:, 1, None] - p[None, :, 1]
        ox, oy = hx[:, None] + hx[None, :] - np.abs(dx), hy[:, None] + hy[None, :] - np.abs(dy)
        hit = (ox > 0) & (oy > 0)
        np.fill_diagonal(hit, False)
        rows = np.flatnonzero(hit.any(axis=1))
        if not len(rows):
            break
        # Only the rows of boxes that overlap another move; each is summed whole, as a full pass would.
        hit, dx, dy, ox, oy = hit[rows], dx[rows], dy[rows], ox[rows], oy[rows]
        sx, sy = np.where(dx == 0, tie[rows], np.sign(dx)), np.where(dy == 0, tie[rows], np.sign(dy))
        along_x = ox * 1.0 <= oy * 2.0  # boxes are wide: prefer sideways pushes less
        push = np.zeros_like(p)
        push[rows, 0] = np.where(hit & along_x, ox * sx, 0).sum(axis=1) / 2
        push[rows, 1] = np.where(hit & ~along_x, oy * sy, 0).sum(axis=1) / 2
        p += push * 0.5
    return {k: p[i] for i, k in enumerate(keys)}


def spring(view: View) -> Positions:
    """Lay out each connected component on its own, then pack them in rows, largest first."""
    g = _graph(view)
    comps = sorted((sorted(c) for c in nx.connected_components(g)), key=lambda c: (-len(c), c[0]))
    blocks: list[tuple[list[str], dict[str, np.ndarray]]] = []
    singles: list[str] = []
    sizes = {n: (s.w, s.h) for n, s in shapes(view).items()}
    for comp in comps:
        if len(comp) == 1:
            singles.append(comp[0])
            continue
        pos = _normalise(_component_layout(_component(g, comp)))
        blocks.append((comp, separate(pos, sizes)))
    if singles:  # isolated nodes go in a tidy grid, alphabetically, after the connected parts
        singles.sort(key=lambda n: view.nodes[n].label.lower())
        cols = max(1, math.ceil(math.sqrt(len(singles) * 2)))
        blocks.append(
            (
                singles,
                {
                    n: np.array([(i % cols) * (LABEL_MAX_WIDTH + 110.0), (i // cols) * ROW_GAP * 1.3])
                    for i, n in enumerate(singles)
                },
            )
        )
    return _pack(blocks)


def _pack(blocks: list[tuple[list[str], dict[str, np.ndarray]]]) -> Positions:
    sizes = []
    for _, pos in blocks:
        pts = np.array(list(pos.values()))
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        sizes.append((lo, hi - lo + np.array([LABEL_MAX_WIDTH + 30.0, 90.0])))
    total_area = sum(float(s[0] * s[1]) for _, s in sizes)
    row_width = max(max((float(s[0]) for _, s in sizes), default=0.0), math.sqrt(total_area) * 1.6)
    out: Positions = {}
    x = y = row_h = 0.0
    for (_, pos), (lo, size) in zip(blocks, sizes, strict=True):
        if x > 0 and x + size[0] > row_width:
            x, y, row_h = 0.0, y + row_h + COMPONENT_GAP, 0.0
        for n, p in pos.items():  # rounded so the same graph gives byte-identical pages
            out[n] = (round(float(p[0] - lo[0] + x), 1), round(float(p[1] - lo[1] + y), 1))
        x += float(size[0]) + COMPONENT_GAP
        row_h = max(row_h, float(size[1]))
    return out


def layered(view: View) -> Positions:
    """Columns by view.layers (left to right); rows ordered by neighbours' barycentre to limit crossings."""
    connected = {e.source for e in view.edges} | {e.target for e in view.edges}
    attached = {n: [e.target for e in view.edges if e.source == n] for n in view.attached}
    layers: dict[int, list[str]] = defaultdict(list)
    loose = []
    for n in view.nodes:
        if n in attached:
            continue
        if n in connected or n in view.layers and len(view.nodes) == 1:
            layers[view.layers.get(n, 0)].append(n)
        else:
            loose.append(n)
    neighbours: dict[str, set[str]] = defaultdict(set)
    for e in view.edges:
        neighbours[e.source].add(e.target)
        neighbours[e.target].add(e.source)
    order = sorted(layers)
    rows = {k: sorted(layers[k], key=lambda n: (view.nodes[n].label.lower(), n)) for k in order}
    index = {n: i for k in order for i, n in enumerate(rows[k])}
    for sweep in range(6):
        seq = order if sweep % 2 == 0 else list(reversed(order))
        for k in seq:
            row = set(rows[k])

            def bary(n: str, row: set[str] = row) -> tuple[float, str]:
                ys = [index[m] for m in neighbours[n] if m in index and m not in row]
                return (sum(ys) / len(ys) if ys else index[n], view.nodes[n].label.lower())

            rows[k].sort(key=bary)
            index.update({n: i for i, n in enumerate(rows[k])})
    out: Positions = {}
    sh = shapes(view)
    gap = 46.0

    def col_height(k: int) -> float:
        return sum(sh[n].h for n in rows[k]) + gap * max(0, len(rows[k]) - 1)

    tallest_h = max((col_height(k) for k in order), default=0.0)
    x = 0.0
    for col, k in enumerate(order):
        width = max((sh[n].w for n in rows[k]), default=0.0)
        if col:
            prev = max((sh[n].w for n in rows[order[col - 1]]), default=0.0)
            x += max(LAYER_GAP, prev / 2 + width / 2 + 170.0)
        y = (tallest_h - col_height(k)) / 2
        for n in rows[k]:
            out[n] = (round(x, 1), round(y + sh[n].h / 2, 1))
            y += sh[n].h + gap
    tallest = max(1, math.ceil(tallest_h / ROW_GAP))
    for n, targets in attached.items():  # e.g. a bundle, just left of the members it groups
        pts = [out[t] for t in targets if t in out]
        if pts:
            out[n] = (
                round(min(x for x, _ in pts) - LAYER_GAP * 0.5, 1),
                round(sum(y for _, y in pts) / len(pts), 1),
            )
        else:
            loose.append(n)
    if loose:  # nodes with no edge: a grid below the layered part
        loose.sort(key=lambda n: view.nodes[n].label.lower())
        cols = max(1, len(order), math.ceil(math.sqrt(len(loose))))
        top = tallest * ROW_GAP + COMPONENT_GAP
        for i, n in enumerate(loose):
            out[n] = ((i % cols) * LAYER_GAP, round(top + (i // cols) * ROW_GAP, 1))
    return out
