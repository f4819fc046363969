"""No edge drawn through a node that is not one of its ends: geometry of nodes and edges, and routing.

A straight edge that passes over a third node reads as a chain that the brief never stated.
After layout, every edge is tested against every node whose box meets the edge's (numpy, at once);
a blocked edge is bent (vis-network's curvedCW / curvedCCW, whose control point we compute
exactly as vis-network 9.1 does), and when no bend clears it the blocking node is nudged
aside. `crossings()` is the check the tests run on every view.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from graph.render.style import ANCHOR_FONT_SIZE, LABEL_MAX_WIDTH, NODE_FONT_SIZE
from graph.render.view_model import View

Positions = dict[str, tuple[float, float]]
Smooth = dict | bool
PAD = 10.0  # clearance between an edge and a node it does not touch, canvas units
ROUNDNESS = (0.15, 0.3, 0.45, 0.6, 0.75, 0.9, 1.0)
# Advance widths (thousandths of an em) of the printable ASCII characters in the widest font the pages
# fall back to: "Arial, Helvetica, sans-serif" without Arial is DejaVu Sans (about 10% wider than Arial),
# measured with canvas measureText in Chromium. Laid out for the widest, a label never outgrows its
# node on any machine; the browser tests check the real boxes.
GLYPH_WIDTHS = [
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636, 636,
    636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656,
    557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613,
    635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818,
    592, 592, 525, 636, 337, 636, 838,
]
OTHER_GLYPH = 0.7  # any other character, in ems
GLYPH_SAFETY = 1.02


@lru_cache(maxsize=65536)  # pure, and asked for the same labels thousands of times while routing
def text_width(text: str, font: float) -> float:
    """Width of a line of text at this font size, in canvas units."""
    em = sum(GLYPH_WIDTHS[o - 32] / 1000 if 32 <= (o := ord(ch)) < 127 else OTHER_GLYPH for ch in text)
    return em * font * GLYPH_SAFETY


@dataclass(frozen=True)
class Shape:
    w: float
    h: float
    ellipse: bool


def font_of(view: View, node: str) -> float:
    return ANCHOR_FONT_SIZE if node == view.anchor else NODE_FONT_SIZE


def wrap_lines(label: str, font: float) -> list[str]:
    """Word wrap as vis-network does at widthConstraint.maximum (estimated glyph widths)."""
    limit = (LABEL_MAX_WIDTH * font / NODE_FONT_SIZE) - 24 * font / NODE_FONT_SIZE
    lines, cur = [], ""
    for word in (label or " ").split():
        cand = f"{cur} {word}".strip()
        if cur and text_width(cand, font) > limit:
            lines.append(cur)
            cur = word
        else:
            cur = cand
    lines.append(cur)
    return lines


@lru_cache(maxsize=65536)
def node_shape(label: str, font: float, shape: str) -> Shape:
    """On-canvas size of a node as vis-network 9.1 draws it, calibrated against getBoundingBox:
    box = label + 36 x 32; ellipse = (label w + label h) x (2 label h); database = square of label w + 24."""
    k = font / NODE_FONT_SIZE
    lines = wrap_lines(label, font)
    limit = LABEL_MAX_WIDTH * k * 1.04  # vis lets a wrapped label reach the whole constraint
    # never narrower than the real label: a label that wraps fills the limit, one that does not is its length
    text_w = min(limit, text_width(label or " ", font))
    text_h = len(lines) * font * 1.05
    if shape in ("ellipse", "circle"):
        return Shape(text_w + text_h + 10, 2 * text_h + 8, True)
    if shape == "database":
        w = text_w + 24 * k + 8
        return Shape(w, w, False)
    return Shape(text_w + 36 * k + 8, text_h + 32 * k + 6, False)


def shapes(view: View) -> dict[str, Shape]:
    return {n: node_shape(m.label or n, font_of(view, n), m.shape) for n, m in view.nodes.items()}


def via_point(a: tuple[float, float], b: tuple[float, float], smooth: Smooth) -> tuple[float, float] | None:
    """vis-network 9.1's control point for curvedCW / curvedCCW (BezierEdgeStatic._getViaCoordinates)."""
    if not smooth or not isinstance(smooth, dict) or not smooth.get("enabled"):
        return None
    i = float(smooth.get("roundness", 0.5))
    dx, dy = b[0] - a[0], a[1] - b[1]
    r = math.hypot(dx, dy)
    turn = (0.5 * i + 0.5) if smooth["type"] == "curvedCW" else (-0.5 * i + 0.5)
    g = (math.atan2(dy, dx) + turn * math.pi) % (2 * math.pi)
    return a[0] + (0.5 * i + 0.5) * r * math.sin(g), a[1] + (0.5 * i + 0.5) * r * math.cos(g)


def edge_points(a: tuple[float, float], b: tuple[float, float], smooth: Smooth, step: float = 12.0) -> np.ndarray:
    """Points along the edge as drawn, one every ``step`` units (read-only: shared between callers)."""
    bend = None
    if isinstance(smooth, dict) and smooth.get("enabled"):  # where via_point() gives a control point
        bend = (str(smooth["type"]), float(smooth.get("roundness", 0.5)))
    return _sampled_edge(a, b, bend, step)


@lru_cache(maxsize=1024)
def _steps(n: int) -> np.ndarray:
    t = np.linspace(0.0, 1.0, n)[:, None]
    t.flags.writeable = False  # shared by every edge of n samples
    return t


@lru_cache(maxsize=65536)
def _sampled_edge(
    a: tuple[float, float], b: tuple[float, float], bend: tuple[str, float] | None, step: float
) -> np.ndarray:
    # Routing and label placement test the same edges against many trial positions: sample each once.
    via = via_point(a, b, {"enabled": True, "type": bend[0], "roundness": bend[1]}) if bend else None
    length = math.hypot(b[0] - a[0], b[1] - a[1])
    n = max(2, int(length * (1.4 if via else 1.0) / step) + 1)
    t = _steps(n)
    pa, pb = np.array(a), np.array(b)
    if via is None:
        pts = pa + (pb - pa) * t
    else:
        pv = np.array(via)
        pts = (1 - t) ** 2 * pa + 2 * (1 - t) * t * pv + t**2 * pb
    pts.flags.writeable = False
    return pts


class Grid:
    """Nodes' padded shapes as arrays, so that a run of points is tested against all of them at once."""

    def __init__(self, pos: Positions, sh: dict[str, Shape], pad: float = PAD):
        self.pos, self.sh, self.pad = pos, sh, pad
        self.keys = sorted(pos)
        self.index = {k: i for i, k in enumerate(self.keys)}
        self.xy = np.array([pos[k] for k in self.keys], dtype=float).reshape(-1, 2)
        # the same half-sizes covers() computes, so both give the same answer to the last bit
        self.half = np.array([(sh[k].w / 2 + pad, sh[k].h / 2 + pad) for k in self.keys], dtype=float).reshape(-1, 2)
        self.ellipse = np.array([sh[k].ellipse for k in self.keys], dtype=bool)
        self.lo, self.hi = self.xy - self.half - 1.0, self.xy + self.half + 1.0  # boxes, a little generous

    def hits(self, pts: np.ndarray, ends: tuple[str, ...]) -> list[str]:
        """Nodes (other than the edge's ends) whose padded shape contains one of the points."""
        return self.hits_each([pts], ends)[0]

    def hits_each(self, runs: list[np.ndarray], ends: tuple[str, ...]) -> list[list[str]]:
        """hits() for each run of points (the candidate bends of one edge), in one pass."""
        if not self.keys:
            return [[] for _ in runs]
        pts = runs[0] if len(runs) == 1 else np.concatenate(runs)
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        near = (self.lo[:, 0] < hi[0]) & (self.hi[:, 0] > lo[0]) & (self.lo[:, 1] < hi[1]) & (self.hi[:, 1] > lo[1])
        for n in ends:
            if n in self.index:
                near[self.index[n]] = False
        idx = np.flatnonzero(near)
        if not len(idx):
            return [[] for _ in runs]
        hw, hh = self.half[idx, 0, None], self.half[idx, 1, None]
        dx = np.abs(pts[None, :, 0] - self.xy[idx, 0, None])
        dy = np.abs(pts[None, :, 1] - self.xy[idx, 1, None])
        box = (dx < hw) & (dy < hh)
        ell = self.ellipse[idx]
        if ell.any():
            box[ell] = ((dx[ell] / hw[ell]) ** 2 + (dy[ell] / hh[ell]) ** 2) < 1.0
        if len(runs) == 1:
            return [[self.keys[i] for i in idx[box.any(axis=1)]]]
        starts = np.cumsum([0] + [len(r) for r in runs[:-1]])
        inside = np.logical_or.reduceat(box, starts, axis=1)  # node x run
        return [[self.keys[i] for i in idx[inside[:, j]]] for j in range(len(runs))]


def covers(s: Shape, at: tuple[float, float], pts: np.ndarray, pad: float = 0.0) -> bool:
    """Whether the node's shape (grown by pad), centred at `at`, contains one of the points."""
    hw, hh = s.w / 2 + pad, s.h / 2 + pad
    dx, dy = np.abs(pts[:, 0] - at[0]), np.abs(pts[:, 1] - at[1])
    inside = (dx / hw) ** 2 + (dy / hh) ** 2 < 1.0 if s.ellipse else (dx < hw) & (dy < hh)
    return bool(inside.any())


def crossings(view: View, pos: Positions, smooth: dict[str, Smooth], pad: float = 0.0) -> list[tuple[str, str]]:
    """(edge id, node id) for every edge drawn over a node that is not one of its ends."""
    sh = shapes(view)
    grid = Grid(pos, sh, pad)
    out: list = []
    for e in view.edges:
        if e.source == e.target or e.source not in pos or e.target not in pos:
            continue
        pts = edge_points(pos[e.source], pos[e.target], smooth.get(e.id, False))
        out.extend((e.id, n) for n in grid.hits(pts, (e.source, e.target)))
    return out


def crossings_after_move(
    view: View, pos: Positions, smooth: dict[str, Smooth], n: str
) -> Callable[[Positions], bool]:
    """A test equal to ``bool(crossings(view, trial, smooth))`` for trials that move only node ``n``.

    Only the edges at ``n`` and node ``n`` itself can change; the crossings between the other
    edges and nodes are computed once, here, instead of once per trial position.
    """
    at_n = [e for e in view.edges if n in (e.source, e.target) and e.source != e.target]
    others = [e for e in view.edges if n not in (e.source, e.target) and e.source != e.target]
    sh = shapes(view)
    moving = {e.id for e in at_n}
    if any(eid not in moving and node != n for eid, node in crossings(view, pos, smooth)):
        return lambda trial: True  # a crossing the move cannot touch
    drawn = [edge_points(pos[e.source], pos[e.target], smooth.get(e.id, False))
             for e in others if e.source in pos and e.target in pos]

    def crosses(trial: Positions) -> bool:
        grid = Grid(trial, sh, 0.0)
        for e in at_n:
            if e.source in trial and e.target in trial and grid.hits(
                edge_points(trial[e.source], trial[e.target], smooth.get(e.id, False)), (e.source, e.target)
            ):
                return True
        return any(covers(sh[n], trial[n], pts) for pts in drawn)

    return crosses


def candidate_bends(twin: int) -> list[Smooth]:
    """Straight first, then bends of growing roundness on either side; parallel edges must bend."""
    out: list[Smooth] = [] if twin else [False]
    for r in ROUNDNESS:
        for side in ("curvedCW", "curvedCCW"):
            out.append({"enabled": True, "type": side, "roundness": r})
    return out


@dataclass
class RouteMemo:
    """Each edge's last routing and the positions it was chosen at: an edge whose ends stand still
    and near which no node moved gets the same bend again, so it is not tested again."""

    at: Positions = field(default_factory=dict)
    edges: dict[str, tuple] = field(default_factory=dict)

    def moved_boxes(self, pos: Positions, sh: dict[str, Shape]) -> list[tuple[float, float, float, float]]:
        """The padded boxes, where they were and where they are, of the nodes that moved."""
        out = []
        for n, p in pos.items():
            q = self.at.get(n)
            if q != p:
                hw, hh = sh[n].w / 2 + PAD + 1.0, sh[n].h / 2 + PAD + 1.0
                out += [(x - hw, y - hh, x + hw, y + hh) for x, y in ([p] if q is None else [p, q])]
        return out


def route(
    view: View, pos: Positions, rounds: int = 6, max_edges: int = 20000, budget_s: float | None = None,
    memo: RouteMemo | None = None,
) -> tuple[Positions, dict[str, Smooth]]:
    """Choose a bend for every edge so that none passes over another node; nudge nodes when none does.

    budget_s bounds the search on very large views (benchmarks): past it, edges keep the first
    candidate (straight, or the twin's own bend) and no node is nudged. A memo shared between
    calls on the same view skips the edges nothing near has changed for (same bends either way).
    """
    import time

    deadline = time.perf_counter() + budget_s if budget_s else None
    memo = memo if memo is not None else RouteMemo()
    pos = dict(pos)
    sh = shapes(view)
    pair_count: dict[frozenset[str], int] = defaultdict(int)
    for e in view.edges:
        pair_count[frozenset((e.source, e.target))] += 1
    smooth: dict[str, Smooth] = {}
    if len(view.edges) > max_edges:
        return pos, {e.id: False for e in view.edges}
    for _ in range(rounds):
        grid = Grid(pos, sh)
        moved = memo.moved_boxes(pos, sh)
        blocked: dict[str, list[str]] = {}
        seen_pair: dict[tuple[str, str], int] = defaultdict(int)
        for e in view.edges:
            if e.source == e.target:
                smooth[e.id] = False
                continue
            a, b = pos[e.source], pos[e.target]
            twin = pair_count[frozenset((e.source, e.target))] > 1
            k = seen_pair[(e.source, e.target)]
            seen_pair[(e.source, e.target)] += 1
            last = memo.edges.pop(e.id, None)
            if last is not None and last[:3] == (a, b, k) and not any(
                x0 < last[3][2] and x1 > last[3][0] and y0 < last[3][3] and y1 > last[3][1] for x0, y0, x1, y1 in moved
            ):
                best, best_hits = last[4], last[5]
            else:
                cands = candidate_bends(twin)
                if twin:  # the k-th parallel edge starts at its own roundness, so twins never coincide
                    cands = cands[2 * k :] + cands[: 2 * k]
                if deadline is not None and time.perf_counter() > deadline:
                    smooth[e.id] = cands[0]
                    continue
                best, best_hits = _choose_bend(grid, e.source, e.target, a, b, cands)
                # what decided it: every bend up to the clear one, or all of them when none is clear
                tried = cands if best_hits else cands[: next(i for i, c in enumerate(cands) if c is best) + 1]
                vias = [v for c in tried if (v := via_point(a, b, c)) is not None]
                xs, ys = [a[0], b[0], *(v[0] for v in vias)], [a[1], b[1], *(v[1] for v in vias)]
                last = (a, b, k, (min(xs), min(ys), max(xs), max(ys)), best, best_hits)
            memo.edges[e.id] = last
            smooth[e.id] = best
            if best_hits:
                blocked[e.id] = best_hits
        memo.at = dict(pos)
        if not blocked or (deadline is not None and time.perf_counter() > deadline):
            break
        _nudge(view, pos, sh, blocked)
    return pos, smooth


def _choose_bend(
    grid: Grid, source: str, target: str, a: tuple[float, float], b: tuple[float, float], cands: list[Smooth]
) -> tuple[Smooth, list[str]]:
    """The first candidate clear of every node, else the first that passes over the fewest."""
    best, best_hits = cands[0], None  # type: Smooth, list[str] | None
    start = 0
    for size in (1, 4, len(cands)):  # most edges clear straight or at a slight bend: test those first
        chunk = cands[start : start + size]
        tried = grid.hits_each([edge_points(a, b, c) for c in chunk], (source, target)) if chunk else []
        for c, hits in zip(chunk, tried, strict=True):
            if not hits:
                return c, []
            if best_hits is None or len(hits) < len(best_hits):
                best, best_hits = c, hits
        start += size
    return best, best_hits or []


def _nudge(view: View, pos: Positions, sh: dict[str, Shape], blocked: dict[str, list[str]]) -> None:
    """Move each blocking node off the straight line of the edge it blocks, perpendicular to it."""
    edges = {e.id: e for e in view.edges}
    moved: set[str] = set()
    for eid in sorted(blocked):
        e = edges[eid]
        (ax, ay), (bx, by) = pos[e.source], pos[e.target]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy) or 1.0
        nx_, ny_ = -dy / length, dx / length
        for n in blocked[eid]:
            if n in moved:
                continue
            x, y = pos[n]
            side = (x - ax) * nx_ + (y - ay) * ny_
            s = sh[n]
            need = abs(nx_) * s.w / 2 + abs(ny_) * s.h / 2 + PAD * 2 - abs(side)
            if need > 0:
                sign = 1.0 if side >= 0 else -1.0
                pos[n] = (round(x + sign * nx_ * need, 1), round(y + sign * ny_ * need, 1))
                moved.add(n)


def overlaps(view: View, pos: Positions, gap: float = 0.0) -> list[tuple[str, str]]:
    """Pairs of nodes whose shapes' boxes overlap (labels covering each other)."""
    sh = shapes(view)
    keys = sorted(pos)
    if len(keys) < 2:
        return []
    p = np.array([pos[k] for k in keys])
    half = np.array([(sh[k].w / 2 + gap / 2, sh[k].h / 2 + gap / 2) for k in keys])
    out: list = []
    for i in range(len(keys)):
        d = np.abs(p[i + 1 :] - p[i])
        lim = half[i + 1 :] + half[i]
        hit = np.nonzero((d[:, 0] < lim[:, 0]) & (d[:, 1] < lim[:, 1]))[0]
        out.extend((keys[i], keys[i + 1 + j]) for j in hit)
    return out


def relocate_leaves(view: View, pos: Positions, smooth: dict[str, Smooth]) -> Positions:
    """Move the one-edge end of each blocked edge next to its other end, on a free spot."""
    pos = dict(pos)
    degree: dict[str, int] = defaultdict(int)
    for e in view.edges:
        degree[e.source] += 1
        degree[e.target] += 1
    sh = shapes(view)
    edges = {e.id: e for e in view.edges}
    for eid, _ in crossings(view, pos, smooth):
        e = edges[eid]
        leaf, hub = (e.source, e.target) if degree[e.source] <= degree[e.target] else (e.target, e.source)
        if degree[leaf] != 1:
            _push_blocker(view, pos, sh, e, smooth)
            continue
        hx, hy = pos[hub]
        r = (sh[hub].w + sh[leaf].w) / 2 + 40
        for k in range(48):  # spiral out from the hub until the leaf and its edge are clear
            ang = k * 2.399963
            rad = r * (1 + k / 12)
            cand = (round(hx + rad * math.cos(ang), 1), round(hy + rad * math.sin(ang) * 0.7, 1))
            trial = {**pos, leaf: cand}
            grid = Grid(trial, sh)
            box = np.array([cand])
            if grid.hits(box, (leaf,)) or grid.hits(
                edge_points(trial[e.source], trial[e.target], False), (e.source, e.target)
            ):
                continue
            if overlaps_one(view, trial, leaf, sh):
                continue
            pos = trial
            smooth[eid] = False
            break
    return pos


def overlaps_one(view: View, pos: Positions, n: str, sh: dict[str, Shape]) -> bool:
    x, y = pos[n]
    for m, (mx, my) in pos.items():
        if m != n and abs(mx - x) < (sh[m].w + sh[n].w) / 2 + 8 and abs(my - y) < (sh[m].h + sh[n].h) / 2 + 8:
            return True
    return False


def _push_blocker(view: View, pos: Positions, sh: dict[str, Shape], e, smooth: dict[str, Smooth]) -> None:
    """Slide the nodes that block edge e sideways, further each try, until the edge and they are clear."""
    (ax, ay), (bx, by) = pos[e.source], pos[e.target]
    length = math.hypot(bx - ax, by - ay) or 1.0
    nx_, ny_ = -(by - ay) / length, (bx - ax) / length
    for n in Grid(pos, sh).hits(
        edge_points(pos[e.source], pos[e.target], smooth.get(e.id, False)), (e.source, e.target)
    ):
        x, y = pos[n]
        for dist in (60, 100, 140, 180, 240, 300, 380):
            done = False
            for sign in (1.0, -1.0):
                cand = (round(x + sign * nx_ * dist, 1), round(y + sign * ny_ * dist, 1))
                trial = {**pos, n: cand}
                if overlaps_one(view, trial, n, sh):
                    continue
                if crossings(view, trial, smooth):
                    continue
                pos[n] = cand
                done = True
                break
            if done:
                break


def move_to_clear(view: View, pos: Positions, smooth: dict[str, Smooth]) -> tuple[Positions, dict[str, Smooth]]:
    """When no bend clears an edge and nudging did not either, move one node to the nearest free spot:
    the node the edge passes over, else one of the edge's ends (fewest edges first). A spot is taken
    when the moved node overlaps no other, no edge passes over it, each of its own edges finds a clear
    bend there, and fewer edges pass over nodes than before. Crossings no spot clears stay."""
    pos, smooth = dict(pos), dict(smooth)
    sh = shapes(view)
    edges = {e.id: e for e in view.edges}
    degree: dict[str, int] = defaultdict(int)
    for e in view.edges:
        degree[e.source] += 1
        degree[e.target] += 1
    for _ in range(len(view.edges)):
        found = crossings(view, pos, smooth)
        if not found:
            break
        eid, blocker = found[0]
        e = edges[eid]
        for n in [blocker, *sorted((e.source, e.target), key=lambda m: (degree[m], m))]:
            moved = _free_spot(view, pos, smooth, sh, n, len(found))
            if moved:
                pos, smooth = moved
                break
        else:
            break
    return pos, smooth


def _free_spot(
    view: View, pos: Positions, smooth: dict[str, Smooth], sh: dict[str, Shape], n: str, before: int
) -> tuple[Positions, dict[str, Smooth]] | None:
    """The nearest spot for node n (a sunflower spiral around it) that clears more than it blocks."""
    at = [e for e in view.edges if n in (e.source, e.target) and e.source != e.target]
    pair_count: dict[frozenset[str], int] = defaultdict(int)
    for e in view.edges:
        pair_count[frozenset((e.source, e.target))] += 1
    order: dict[str, int] = {}  # the k-th parallel edge starts at its own bend, as in route()
    seen: dict[tuple[str, str], int] = defaultdict(int)
    for e in view.edges:
        order[e.id] = seen[(e.source, e.target)]
        seen[(e.source, e.target)] += 1
    drawn = [
        edge_points(pos[e.source], pos[e.target], smooth.get(e.id, False))
        for e in view.edges
        if n not in (e.source, e.target) and e.source != e.target and e.source in pos and e.target in pos
    ]
    others = np.concatenate(drawn) if drawn else np.empty((0, 2))
    x, y = pos[n]
    for k in range(1, 400):
        rad, ang = 40.0 * math.sqrt(k), k * 2.399963  # golden angle: spots spread evenly, nearest first
        spot = (round(x + rad * math.cos(ang), 1), round(y + rad * math.sin(ang), 1))
        trial = {**pos, n: spot}
        if overlaps_one(view, trial, n, sh) or (len(others) and covers(sh[n], spot, others, PAD)):
            continue
        grid = Grid(trial, sh)
        bends: dict[str, Smooth] = {}
        for e in at:
            cands = candidate_bends(pair_count[frozenset((e.source, e.target))] > 1)
            if pair_count[frozenset((e.source, e.target))] > 1:
                cands = cands[2 * order[e.id] :] + cands[: 2 * order[e.id]]
            a, b = trial[e.source], trial[e.target]
            hits = grid.hits_each([edge_points(a, b, c) for c in cands], (e.source, e.target))
            clear = next((c for c, h in zip(cands, hits, strict=True) if not h), None)
            if clear is None:
                break
            bends[e.id] = clear
        else:
            new = {**smooth, **bends}
            if len(crossings(view, trial, new)) < before:
                return trial, new
    return None
