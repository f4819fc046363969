"""The incremental crossing test used when label placement slides one node gives the full check's answer."""

from __future__ import annotations

import math

from graph.render.routing import crossings, crossings_after_move, edge_points
from graph.render.view_model import MapEdge, MapNode, View


def _view() -> View:
    nodes = {n: MapNode(n, f"node {n}", "c", "k", "#fff", "ellipse" if n in "ae" else "box", "#000") for n in "abcdef"}
    pairs = [("a", "b"), ("b", "c"), ("c", "d"), ("d", "a"), ("a", "c"), ("e", "f"), ("f", "b")]
    return View("v", "V", "", nodes=nodes, edges=[MapEdge(f"e{i}", s, t, "r") for i, (s, t) in enumerate(pairs)])


def test_moving_one_node_is_judged_as_the_full_check_judges_it():
    view = _view()
    pos = {"a": (0.0, 0.0), "b": (400.0, 0.0), "c": (400.0, 400.0), "d": (0.0, 400.0), "e": (900.0, 900.0),
           "f": (-500.0, 900.0)}
    smooth = {"e4": {"enabled": True, "type": "curvedCW", "roundness": 0.45}}
    answers = set()
    for n in pos:
        crosses = crossings_after_move(view, pos, smooth, n)
        for dist in range(0, 700, 35):
            for k in range(12):
                ang = k * math.pi / 6
                trial = {**pos, n: (round(pos[n][0] + dist * math.cos(ang), 1),
                                    round(pos[n][1] + dist * math.sin(ang), 1))}
                expected = bool(crossings(view, trial, smooth))
                assert crosses(trial) == expected, (n, trial[n])
                answers.add(expected)
    assert answers == {True, False}  # both answers were exercised


def test_sampled_edges_are_shared_and_cannot_be_changed_by_a_caller():
    pts = edge_points((0.0, 0.0), (100.0, 50.0), {"enabled": True, "type": "curvedCCW", "roundness": 0.3})
    assert pts is edge_points((0.0, 0.0), (100.0, 50.0), {"enabled": True, "type": "curvedCCW", "roundness": 0.3})
    assert not pts.flags.writeable
    straight = edge_points((0.0, 0.0), (100.0, 50.0), False)
    assert straight[0].tolist() == [0.0, 0.0] and straight[-1].tolist() == [100.0, 50.0]
