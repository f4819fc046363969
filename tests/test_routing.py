"""Routing's checks and last resorts: the incremental crossing test gives the full check's answer, and a
node moved to clear an edge leaves no edge over any node."""

from __future__ import annotations

import math

from graph.render.routing import crossings, crossings_after_move, edge_points, move_to_clear, overlaps
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


def test_an_edge_no_bend_clears_is_cleared_by_moving_the_node_it_passes_over():
    """a-b runs straight through c, and every bend of a-b is kept (as when no route exists): c moves,
    the least it can, to where no edge passes over any node, its own edge to d re-bent if need be."""
    view = _view()
    view.edges = [e for e in view.edges if (e.source, e.target) in {("a", "b"), ("c", "d")}]
    pos = {"a": (0.0, 0.0), "b": (900.0, 0.0), "c": (450.0, 0.0), "d": (450.0, 300.0), "e": (450.0, -160.0),
           "f": (2000.0, 2000.0)}
    smooth = {e.id: False for e in view.edges}
    assert crossings(view, pos, smooth) == [("e0", "c")]
    moved, bends = move_to_clear(view, pos, smooth)
    assert crossings(view, moved, bends) == [] and overlaps(view, moved) == []
    assert {n for n in pos if moved[n] != pos[n]} == {"c"}
    assert bends["e0"] is False  # the blocked edge itself kept its line
    assert math.dist(moved["c"], pos["c"]) < 200  # a near spot, not the far side of the map


def test_the_nigeria_map_shows_its_parties_in_nigeria_with_every_edge_clear(repo_graph):
    """Nigeria's political parties are located in Nigeria, so the country's map draws that link; with it,
    no bend alone clears one edge there, and placement still leaves no edge over a node."""
    from graph.namespaces import R2P
    from graph.render.facts import collect_facts
    from graph.render.layout import place
    from graph.render.views import country_case

    r2pr = "https://w3id.org/r2pkg/resource/"
    view = country_case(collect_facts(repo_graph), r2pr + "nigeria")
    located = {(e.source, e.target) for e in view.edges if e.rel == str(R2P.locatedIn)}
    assert (r2pr + "nigeria-political-parties", r2pr + "nigeria") in located
    pos, smooth = place(view)
    assert crossings(view, pos, smooth) == [] and overlaps(view, pos) == []
