"""Positions of laid-out components are reused from disk only when they are the positions the code would draw."""

from __future__ import annotations

import networkx as nx
import numpy as np

from graph.render import position_cache
from graph.render.layout import _lay_out_component
from graph.render.position_cache import cached_positions


class Counting:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, g: nx.Graph) -> dict[str, np.ndarray]:
        self.calls += 1
        return _lay_out_component(g)


def test_second_layout_of_the_same_component_is_read_back_exactly(tmp_path, monkeypatch):
    monkeypatch.setenv("R2PKG_CACHE_DIR", str(tmp_path / "cache"))
    g = nx.cycle_graph([f"n{i}" for i in range(7)])
    layout = Counting()
    first, second = cached_positions(g, layout), cached_positions(g, layout)
    assert layout.calls == 1
    assert set(first) == set(second) == set(g.nodes)
    assert all(np.array_equal(first[n], second[n]) for n in g.nodes)  # bit for bit: the same picture


def test_another_component_is_laid_out_afresh(tmp_path, monkeypatch):
    monkeypatch.setenv("R2PKG_CACHE_DIR", str(tmp_path / "cache"))
    layout = Counting()
    cached_positions(nx.path_graph(["a", "b", "c", "d"]), layout)
    other = cached_positions(nx.star_graph(["a", "b", "c", "d"]), layout)
    assert layout.calls == 2 and set(other) == {"a", "b", "c", "d"}


def test_the_cache_keeps_the_entries_used_last(tmp_path, monkeypatch):
    monkeypatch.setenv("R2PKG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(position_cache, "KEEP", 3)
    layout = Counting()
    graphs = [nx.path_graph([f"{k}{i}" for i in range(3)]) for k in "abcde"]
    cached_positions(graphs[0], layout)
    for g in graphs[1:4]:
        cached_positions(graphs[0], layout)  # read again: the most recently used stays
        cached_positions(g, layout)
    assert len(list((tmp_path / "cache" / "layouts").glob("*.json"))) == 3
    calls = layout.calls
    cached_positions(graphs[0], layout)
    cached_positions(graphs[3], layout)
    assert layout.calls == calls, "the entries used last are kept"
    cached_positions(graphs[1], layout)
    assert layout.calls == calls + 1, "the entry used longest ago was dropped"


def test_an_unwritable_cache_still_lays_out(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("R2PKG_CACHE_DIR", str(blocker / "cache"))
    pos = cached_positions(nx.path_graph(["a", "b", "c"]), Counting())
    assert set(pos) == {"a", "b", "c"}


class CountingPlacement:
    """graph.render.layout's placement, counting the views it places."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, view):
        from graph.render.layout import _place

        self.calls.append(view.name)
        return _place(view)


def _crowded_view():
    """A small view whose labels clash, so placement drops or shifts some of them (mutates the edges)."""
    from graph.render.view_model import MapEdge, MapNode, View

    nodes = {n: MapNode(n, f"node {n}", "c", "k", "#fff", "box", "#000") for n in "abcde"}
    edges = [MapEdge(f"e{i}", s, t, "r", label="a rather long relation label")
             for i, (s, t) in enumerate([("a", "b"), ("b", "a"), ("a", "c"), ("c", "d"), ("a", "d"), ("e", "a")])]
    return View("v", "V", "", nodes=nodes, edges=edges, edge_labels=True)


def test_a_placed_view_is_read_back_with_its_labels_as_placement_left_them(tmp_path, monkeypatch):
    from graph.render.position_cache import cached_placement

    monkeypatch.setenv("R2PKG_CACHE_DIR", str(tmp_path / "cache"))
    placing = CountingPlacement()

    cold, warm = _crowded_view(), _crowded_view()
    first = cached_placement(cold, placing)
    second = cached_placement(warm, placing)
    assert placing.calls == ["v"]  # the second view was not placed again
    assert first == second
    assert [(e.label, e.label_shift) for e in warm.edges] == [(e.label, e.label_shift) for e in cold.edges]
    assert [(e.label, e.label_shift) for e in cold.edges] != [(e.label, e.label_shift) for e in _crowded_view().edges]


def test_a_view_that_differs_in_anything_is_placed_afresh(tmp_path, monkeypatch):
    from graph.render.position_cache import cached_placement

    monkeypatch.setenv("R2PKG_CACHE_DIR", str(tmp_path / "cache"))
    placing = CountingPlacement()

    cached_placement(_crowded_view(), placing)
    renamed = _crowded_view()
    renamed.nodes["a"].label = "a much longer label for node a"
    cached_placement(renamed, placing)
    (tmp_path / "cache" / "layouts").joinpath("broken").write_text("{")
    for f in (tmp_path / "cache" / "layouts").glob("view-*.json"):
        f.write_text("{not json")
    cached_placement(_crowded_view(), placing)  # an unreadable entry is placed again, not trusted
    assert len(placing.calls) == 3


def _three_views():
    views = [_crowded_view() for _ in range(3)]
    views[1].nodes["a"].label = "a node with another label"
    views[2].edges.pop()
    return views


def test_views_placed_side_by_side_are_the_maps_placed_one_at_a_time(tmp_path, monkeypatch):
    """place_all hands the views not placed before to worker processes; each comes back with the
    positions, bends and label changes that placing it alone gives, and is kept for the next build."""
    import os

    from graph.render import layout

    monkeypatch.setenv("R2PKG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    ran = tmp_path / "pids"
    alone = layout._place

    def recording(view):
        with ran.open("a") as f:
            f.write(f"{os.getpid()}\n")
        return alone(view)

    monkeypatch.setattr(layout, "_place", recording)
    expected_views = _three_views()
    expected = [alone(v) for v in expected_views]
    views = _three_views()
    assert layout.place_all(views) == expected
    for v, w in zip(views, expected_views, strict=True):
        assert [(e.label, e.label_shift) for e in v.edges] == [(e.label, e.label_shift) for e in w.edges]
    assert str(os.getpid()) not in ran.read_text().split()  # placed in the workers
    ran.unlink()
    again = _three_views()
    assert layout.place_all(again) == expected and not ran.exists()  # read back, not placed again
    assert [(e.label, e.label_shift) for e in again[0].edges] == [(e.label, e.label_shift) for e in views[0].edges]
