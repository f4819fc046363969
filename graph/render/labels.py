"""Edge labels a room can read: none touches another label or lies on a node.

vis-network 9.1 writes an edge's label horizontally at the middle of the drawn edge (t = 0.5
of its quadratic curve, the midpoint of a straight one) in a white halo. Two labels that touch
read as one phrase ("requires requires"), and parallel edges put theirs on top of each other.
After routing, clear_labels tries, in this order and only while labels still clash:
  1. another bend of the labelled edge, or of two clashing edges together, that keeps every
     edge clear of every node (settle_labels);
  2. sliding a node the label sits on, or an end of its edge, if fewer labels clash and every
     edge stays off every node and the nodes apart;
  3. moving the label up or down (vis-network's font.vadjust) by at most its height, so that
     it still touches its edge; twice that between the same two nodes;
  4. for parallel edges too short for two labels, moving one end away along the edge.
label_clashes is the check the Python tests run; the browser test measures the boxes
vis-network actually draws.
"""

from __future__ import annotations

import math

from graph.render.routing import (
    Grid,
    Positions,
    Shape,
    Smooth,
    candidate_bends,
    crossings,
    crossings_after_move,
    edge_points,
    overlaps_one,
    shapes,
    text_width,
    via_point,
)
from graph.render.style import EDGE_FONT_SIZE
from graph.render.view_model import View

Box = tuple[float, float, float, float]
LABEL_GAP = 12.0  # clear space between a label and any other label or node, canvas units
HALO = 3.0  # half the white stroke drawn around label text
PASSES = 3


def label_centre(a: tuple[float, float], b: tuple[float, float], smooth: Smooth) -> tuple[float, float]:
    via = via_point(a, b, smooth)
    if via is None:
        return (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    return 0.25 * a[0] + 0.5 * via[0] + 0.25 * b[0], 0.25 * a[1] + 0.5 * via[1] + 0.25 * b[1]


def label_box(a: tuple[float, float], b: tuple[float, float], smooth: Smooth, text: str, shift: float = 0.0) -> Box:
    """The label's box as drawn (glyph widths estimated on the generous side), shift px down."""
    x, y = label_centre(a, b, smooth)
    y += shift
    w = text_width(text, EDGE_FONT_SIZE) + 2 * HALO
    h = EDGE_FONT_SIZE * 1.05 + 2 * HALO
    return x - w / 2, y - h / 2, x + w / 2, y + h / 2


def meets(p: Box, q: Box, gap: float = LABEL_GAP) -> bool:
    return p[0] < q[2] + gap and q[0] < p[2] + gap and p[1] < q[3] + gap and q[1] < p[3] + gap


def label_clashes(
    view: View, pos: Positions, smooth: dict[str, Smooth], gap: float = LABEL_GAP
) -> list[tuple[str, str]]:
    """(edge id, edge or node id) for every label that meets another label or a node."""
    boxes = _label_boxes(view, pos, smooth)
    nodes = _node_boxes(view, pos)
    ids = sorted(boxes)
    out = [(i, j) for k, i in enumerate(ids) for j in ids[k + 1 :] if meets(boxes[i], boxes[j], gap)]
    out += [(i, n) for i in ids for n, box in nodes.items() if meets(boxes[i], box, gap)]
    return out


def settle_labels(view: View, pos: Positions, smooth: dict[str, Smooth]) -> dict[str, Smooth]:
    """Re-bend labelled edges whose labels clash, never over a node.

    Each clashing label first tries the other bends of its own edge; a label that still clashes
    with another label then tries bends for both edges together (two parallel edges, say, must
    bow apart at once: either alone cannot clear the other's label)."""
    if not view.edge_labels:
        return smooth
    smooth = dict(smooth)
    boxes = _label_boxes(view, pos, smooth)
    nodes = _node_boxes(view, pos)
    grid = Grid(pos, shapes(view))
    edges = {e.id: e for e in view.edges}
    parallel: dict[frozenset[str], list[str]] = {}
    for e in view.edges:
        parallel.setdefault(frozenset((e.source, e.target)), []).append(e.id)
    bends = candidate_bends(twin=False)

    def clashes(eid: str, box: Box, trial: dict[str, Box]) -> list[str]:
        """What this label meets: other labels (as in trial, else as placed) and nodes."""
        out = [o for o in boxes if o != eid and meets(box, trial.get(o, boxes[o]))]
        return out + [n for n, q in nodes.items() if meets(box, q)]

    def meets_any(eid: str, box: Box, trial: dict[str, Box]) -> bool:
        """Whether clashes() would find anything: stops at the first."""
        return any(o != eid and meets(box, trial.get(o, q)) for o, q in boxes.items()) or any(
            meets(box, q) for q in nodes.values()
        )

    blocked: dict[tuple[str, str], bool] = {}  # (edge, bend) -> over a node; nodes stand still here

    def over_a_node(eid: str, bend: Smooth) -> bool:
        key = (eid, repr(bend))
        if key not in blocked:
            e = edges[eid]
            blocked[key] = bool(grid.hits(edge_points(pos[e.source], pos[e.target], bend), (e.source, e.target)))
        return blocked[key]

    def fits(moves: dict[str, Smooth]) -> dict[str, Box] | None:
        """The label boxes of these moves if every moved edge is clear of nodes and labels."""
        trial = {}
        for eid, bend in moves.items():
            e = edges[eid]
            a, b = pos[e.source], pos[e.target]
            if over_a_node(eid, bend):
                return None
            centre = label_centre(a, b, bend)
            for o in parallel[frozenset((e.source, e.target))]:  # never on a parallel edge's curve
                if o != eid:
                    oe = edges[o]
                    other = label_centre(pos[oe.source], pos[oe.target], moves.get(o, smooth.get(o, False)))
                    if math.dist(centre, other) < EDGE_FONT_SIZE:
                        return None
            trial[eid] = label_box(a, b, bend, e.label, e.label_shift)
        if any(meets_any(eid, box, trial) for eid, box in trial.items()):
            return None
        return trial

    def settle(moves: dict[str, Smooth]) -> bool:
        trial = fits(moves)
        if trial is None:
            return False
        smooth.update(moves)
        boxes.update(trial)
        return True

    order = [e.id for e in view.edges if e.id in boxes]
    pairs = sorted(((c, d) for c in bends for d in bends), key=lambda cd: bends.index(cd[0]) + bends.index(cd[1]))
    for _ in range(PASSES):  # a later move can free an earlier label
        for eid in order:
            if not meets_any(eid, boxes[eid], {}):
                continue
            if any(settle({eid: c}) for c in bends if c != smooth.get(eid, False)):
                continue
            for other in [o for o in clashes(eid, boxes[eid], {}) if o in boxes]:
                if any(settle({eid: c, other: d}) for c, d in pairs):
                    break
    return smooth


def clear_labels(view: View, pos: Positions, smooth: dict[str, Smooth]) -> tuple[Positions, dict[str, Smooth]]:
    """Bends first (settle_labels); then, for a label no bend frees, slide a node it sits on,
    or one end of its edge, a little further each try, if that clashes less and keeps every
    edge off every node and the nodes apart."""
    smooth = settle_labels(view, pos, smooth)
    clashes = label_clashes(view, pos, smooth)
    if not clashes:
        return pos, smooth
    sh = shapes(view)
    edges = {e.id: e for e in view.edges}
    for eid, other in clashes:
        if not any(c[0] == eid and c[1] == other for c in label_clashes(view, pos, smooth)):
            continue  # an earlier move settled it
        e = edges[eid]
        movers = [other] if other in pos else [edges[other].target, edges[other].source]
        movers += [e.target, e.source]
        cx, cy = label_centre(pos[e.source], pos[e.target], smooth.get(eid, False))
        done = False
        for n in movers:
            x, y = pos[n]
            crosses, clashing = crossings_after_move(view, pos, smooth, n), len(label_clashes(view, pos, smooth))
            away = math.atan2(y - cy, x - cx) if (x, y) != (cx, cy) else 0.0
            for dist in (30, 60, 90, 120, 160, 220):
                for turn in (0.0, 0.8, -0.8, 1.6, -1.6, 2.4, -2.4, math.pi):
                    ang = away + turn
                    trial = {**pos, n: (round(x + dist * math.cos(ang), 1), round(y + dist * math.sin(ang), 1))}
                    if overlaps_one(view, trial, n, sh) or crosses(trial):
                        continue
                    if len(label_clashes(view, trial, smooth)) < clashing:
                        pos, done = trial, True
                        break
                if done:
                    break
            if done:
                break
    smooth = settle_labels(view, pos, smooth)  # a slid node may open a bend
    _shift_labels(view, pos, smooth)
    pos = _lengthen_parallels(view, pos, smooth, sh)
    # Labels are shown where they fit: one that still meets another label or a node goes (its link
    # keeps its colour and head, which the legend names; a tour step's narration says it too).
    for eid, _ in label_clashes(view, pos, smooth):
        edges[eid].label = ""
    return pos, smooth


def _lengthen_parallels(view: View, pos: Positions, smooth: dict[str, Smooth], sh: dict[str, Shape]) -> Positions:
    """Parallel edges too short for their two labels: move one end away along the edge, the
    least that lets the labels shift apart, keeping every edge off every node."""
    edges = {e.id: e for e in view.edges}
    for eid, other in label_clashes(view, pos, smooth):
        if other not in edges:
            continue
        a, b = edges[eid], edges[other]
        if {a.source, a.target} != {b.source, b.target}:
            continue
        (x0, y0), (x1, y1) = pos[a.source], pos[a.target]
        length = math.hypot(x1 - x0, y1 - y0) or 1.0
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        for dist in (30, 60, 90, 120, 160):
            moved = False
            for n, sign in ((a.target, 1.0), (a.source, -1.0)):
                x, y = pos[n]
                trial = {**pos, n: (round(x + sign * ux * dist, 1), round(y + sign * uy * dist, 1))}
                if overlaps_one(view, trial, n, sh) or crossings(view, trial, smooth):
                    continue
                before = len(label_clashes(view, pos, smooth))
                shifts = {e.id: e.label_shift for e in view.edges}
                _shift_labels(view, trial, smooth)
                if len(label_clashes(view, trial, smooth)) < before:
                    pos, moved = trial, True
                    break
                for e in view.edges:  # not taken: every label back where it was
                    e.label_shift = shifts[e.id]
            if moved:
                break
    return pos


def _shift_labels(view: View, pos: Positions, smooth: dict[str, Smooth]) -> None:
    """Last resort for two labels still on each other: move one up or down by at most its own
    height, so that it still touches its edge (vis-network's font.vadjust); between the same
    two nodes (parallel edges, too short to bow apart) by up to twice that, as both labels
    still sit between the nodes they join."""
    edges = {e.id: e for e in view.edges}
    h = EDGE_FONT_SIZE * 1.05 + 2 * HALO
    for eid, other in label_clashes(view, pos, smooth):
        if other not in edges or (eid, other) not in set(label_clashes(view, pos, smooth)):
            continue
        a, b = edges[eid], edges[other]
        limit = 2.0 if {a.source, a.target} == {b.source, b.target} else 1.0
        steps = [round(i / 4 * h, 1) for i in range(-int(4 * limit), int(4 * limit) + 1)]
        best = (len(label_clashes(view, pos, smooth)), 0.0, a.label_shift, b.label_shift)
        for sa in steps:  # both labels may have to move, in opposite directions
            for sb in steps:
                a.label_shift, b.label_shift = sa, sb
                cand = (len(label_clashes(view, pos, smooth)), abs(sa) + abs(sb), sa, sb)
                if cand < best:
                    best = cand
        a.label_shift, b.label_shift = best[2], best[3]


def _label_boxes(view: View, pos: Positions, smooth: dict[str, Smooth]) -> dict[str, Box]:
    return {
        e.id: label_box(pos[e.source], pos[e.target], smooth.get(e.id, False), e.label, e.label_shift)
        for e in view.edges
        if view.edge_labels and e.label and e.source != e.target and e.source in pos and e.target in pos
    }


def _node_boxes(view: View, pos: Positions) -> dict[str, Box]:
    sh = shapes(view)
    return {n: (x - sh[n].w / 2, y - sh[n].h / 2, x + sh[n].w / 2, y + sh[n].h / 2) for n, (x, y) in pos.items()}
