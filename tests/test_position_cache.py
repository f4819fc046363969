"""Positions of laid-out components are reused from disk only when they are the positions the code would draw."""

from __future__ import annotations

import networkx as nx
import numpy as np

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


def test_an_unwritable_cache_still_lays_out(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("R2PKG_CACHE_DIR", str(blocker / "cache"))
    pos = cached_positions(nx.path_graph(["a", "b", "c"]), Counting())
    assert set(pos) == {"a", "b", "c"}
