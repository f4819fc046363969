"""Frames a room can read: steps and first frames small enough to show at 28 px labels on 1920x1080.

A step that names more nodes than fit on the screen at that scale is split, nearest nodes
together, so that presenting it never has to shrink the labels; a view's first frame is its
subject and the nodes nearest it that fit.
"""

from __future__ import annotations

import math

from graph.render.routing import Positions, shapes
from graph.render.style import NODE_FONT_SIZE, READABLE_PX
from graph.render.view_model import View, ViewStep

# The map's share of a 1920x1080 screen while presenting (header above, narration on the right),
# and when exploring (header above, legend on the left).
SCREEN_W, SCREEN_H = 1920 - 540, 1080 - 90
EXPLORE_W = 1920 - 330
MARGIN = 0.88


def budget(font: float = NODE_FONT_SIZE, presenting: bool = True) -> tuple[float, float]:
    """Canvas units that fit on the map at the readable scale."""
    scale = (READABLE_PX + 1) / font
    return (SCREEN_W if presenting else EXPLORE_W) * MARGIN / scale, SCREEN_H * MARGIN / scale


def _bbox(nodes: list[str], pos: Positions, sh) -> tuple[float, float]:
    xs0 = [pos[n][0] - sh[n].w / 2 for n in nodes]
    xs1 = [pos[n][0] + sh[n].w / 2 for n in nodes]
    ys0 = [pos[n][1] - sh[n].h / 2 for n in nodes]
    ys1 = [pos[n][1] + sh[n].h / 2 for n in nodes]
    return max(xs1) - min(xs0), max(ys1) - min(ys0)


def fits(nodes: list[str], pos: Positions, sh, presenting: bool = True) -> bool:
    bw, bh = budget(presenting=presenting)
    w, h = _bbox(nodes, pos, sh)
    return w <= bw and h <= bh


def nearest_that_fit(seed: str, pool: list[str], pos: Positions, sh) -> list[str]:
    """The seed and, nearest first, every node of the pool that still fits in one frame with it."""
    bw, bh = budget()
    sx, sy = pos[seed]

    def box(n: str) -> tuple[float, float, float, float]:
        x, y = pos[n]
        return x - sh[n].w / 2, y - sh[n].h / 2, x + sh[n].w / 2, y + sh[n].h / 2

    chosen = [seed]
    x0, y0, x1, y1 = box(seed)
    for n in sorted((m for m in pool if m != seed), key=lambda m: (math.dist(pos[m], (sx, sy)), m)):
        a0, b0, a1, b1 = box(n)
        nx0, ny0, nx1, ny1 = min(x0, a0), min(y0, b0), max(x1, a1), max(y1, b1)
        if nx1 - nx0 <= bw and ny1 - ny0 <= bh:
            chosen.append(n)
            x0, y0, x1, y1 = nx0, ny0, nx1, ny1
        elif math.dist(pos[n], (sx, sy)) > bw + bh:  # everything further is out of reach
            break
    return chosen


def split_steps(view: View, pos: Positions) -> None:
    """Split every step too large for one readable frame into frames of nearby nodes."""
    sh = shapes(view)
    ends = {e.id: (e.source, e.target) for e in view.edges}
    out: list[ViewStep] = []
    for s in view.steps:
        nodes = [n for n in s.nodes if n in pos]
        if not nodes or fits(nodes, pos, sh):
            out.append(s)
            continue
        rest = sorted(nodes, key=lambda n: (n != view.anchor, pos[n][0], pos[n][1], n))  # the subject first
        parts = []
        while rest:
            part = nearest_that_fit(rest[0], rest, pos, sh)
            parts.append(part)
            taken = set(part)
            rest = [n for n in rest if n not in taken]
        for i, part in enumerate(parts, 1):
            members = set(part)
            edges = [e for e in s.edges if e in ends and (ends[e][0] in members or ends[e][1] in members)]
            out.append(
                ViewStep(
                    f"{s.caption} ({i} of {len(parts)})",
                    part,
                    edges,
                    s.narration if i == 1 else "",
                    # a tour step's quote is the claim the step rests on: every frame of it shows that one, never
                    # one picked from the frame's nodes (paragraph 25's under paragraph 18's pillars)
                    s.quote if i == 1 or view.purpose == "tour" else {},
                )
            )
    view.steps = out


def choose_opening(view: View, pos: Positions) -> None:
    """The first frame: every node the view exists to show (its point) and what fits around them,
    at a readable scale; when the point does not fit, the view opens on its first step (guided)."""
    if not pos:
        return
    sh = shapes(view)
    point = [n for n in view.point if n in pos]
    if point and view.purpose != "tour":
        if fits(point, pos, sh, presenting=False):
            view.opening = _with_neighbours(view, point, pos, sh)
            return
        if view.steps:
            view.guided = True
            view.opening = [n for n in view.steps[0].nodes if n in pos] or point[:1]
            return
    if view.opening:
        seeds = [n for n in view.opening if n in pos]
    elif view.anchor in pos:
        seeds = [view.anchor]
    elif view.steps and view.steps[0].nodes:
        seeds = [n for n in view.steps[0].nodes if n in pos]
    else:
        seeds = sorted(pos)
    seeds = seeds or sorted(pos)
    if view.purpose == "tour" and fits(seeds, pos, sh):  # a tour opens on its first step, exactly
        view.opening = seeds
        return
    if fits(seeds, pos, sh, presenting=False):
        view.opening = _with_neighbours(view, seeds, pos, sh)
    else:
        view.opening = nearest_that_fit(seeds[0], seeds, pos, sh)


def _with_neighbours(view: View, seeds: list[str], pos: Positions, sh) -> list[str]:
    """The seeds and, nearest first, each of their neighbours that still fits one readable frame."""
    neighbours = {e.target for e in view.edges if e.source in seeds} | {
        e.source for e in view.edges if e.target in seeds
    }
    extra = [n for n in sorted(neighbours) if n not in seeds and n in pos]
    chosen = list(seeds)
    for n in sorted(extra, key=lambda m: (min(math.dist(pos[m], pos[s]) for s in seeds), m)):
        if fits([*chosen, n], pos, sh, presenting=False):
            chosen.append(n)
    return chosen
