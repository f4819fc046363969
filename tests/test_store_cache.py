"""The persistent store: written once per content, reused, never stale, never required."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import REPO

from graph.namespaces import DERIVED_GRAPH
from graph.store_cache import MANIFEST, cached_graph

MARK = ox.Triple(ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"), ox.Literal("derived"))


def _data(tmp_path: Path, text: str = "<https://example.org/a> <https://example.org/b> 1 .") -> Path:
    folder = tmp_path / "data"
    folder.mkdir(exist_ok=True)
    (folder / "a.ttl").write_text(text + "\n", encoding="utf-8")
    return folder


class Deriver:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, kg) -> None:
        self.calls += 1
        kg.add_derived([MARK])


@pytest.mark.parametrize("dump_max", [10**6, 0], ids=["small-dump-in-memory", "large-on-disk-store"])
def test_written_once_then_read_back_unchangeable(tmp_path, monkeypatch, dump_max):
    """A small graph comes back as an in-memory copy of the dump, a large one as RocksDB opened read-only:
    either way, a command that reads cannot change what the next command reads."""
    import graph.store_cache as store_cache

    monkeypatch.setattr(store_cache, "DUMP_MAX_BYTES", dump_max)
    data, derive = _data(tmp_path), Deriver()
    first = cached_graph([data], {"max_steps": 4}, derive, root=tmp_path / "cache")
    second = cached_graph([data], {"max_steps": 4}, derive, root=tmp_path / "cache")
    assert derive.calls == 1
    assert len(second) == len(first) == 2
    assert second.derived_count() == 1
    assert [p.name for p in second.files] == ["a.ttl"]
    (folder,) = [p for p in (tmp_path / "cache").iterdir() if (p / MANIFEST).is_file()]
    assert (folder / store_cache.DUMP).is_file() == bool(dump_max)
    extra = ox.Quad(MARK.subject, MARK.predicate, ox.Literal("x"), ox.NamedNode(DERIVED_GRAPH))
    try:
        second.store.add(extra)
    except (OSError, RuntimeError):  # the on-disk store refuses
        assert not dump_max
    third = cached_graph([data], {"max_steps": 4}, derive, root=tmp_path / "cache")
    assert len(third) == 2 and derive.calls == 1


def test_a_changed_file_or_option_is_never_served_stale(tmp_path):
    data, derive = _data(tmp_path), Deriver()
    root = tmp_path / "cache"
    cached_graph([data], {"max_steps": 4}, derive, root=root)
    _data(tmp_path, "<https://example.org/a> <https://example.org/b> 1, 2 .")
    changed = cached_graph([data], {"max_steps": 4}, derive, root=root)
    assert derive.calls == 2 and len(changed) == 3
    cached_graph([data], {"max_steps": 2}, derive, root=root)
    assert derive.calls == 3
    assert not [p for p in root.iterdir() if p.name.startswith(".writing-")]  # nothing half-written left


def test_bad_turtle_is_an_input_error_and_leaves_nothing(tmp_path):
    from graph.errors import InputError

    data = _data(tmp_path, "<https://example.org/a> <https://example.org/b> .")
    with pytest.raises(InputError, match="a.ttl"):
        cached_graph([data], {}, Deriver(), root=tmp_path / "cache")
    assert not any((p / MANIFEST).exists() for p in (tmp_path / "cache").iterdir())
    assert not list((tmp_path / "cache").iterdir())


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_an_unwritable_cache_means_no_cache(tmp_path):
    root = tmp_path / "cache"
    root.mkdir()
    root.chmod(0o500)
    try:
        assert cached_graph([_data(tmp_path)], {}, Deriver(), root=root) is None
    finally:
        root.chmod(0o700)


def test_query_from_the_shell_reads_the_store_and_answers_as_in_memory(tmp_path, repo_graph):
    from graph.queries import run_query

    env = {**os.environ, "R2PKG_CACHE_DIR": str(tmp_path / "cache")}
    run = [sys.executable, "-m", "graph", "query", "CQ01", "--format", "tsv"]  # as installed: the worker first
    cold = subprocess.run(run, cwd=REPO, env=env, capture_output=True, text=True, check=True)
    stores = [p for p in (tmp_path / "cache" / "stores").iterdir() if (p / MANIFEST).is_file()]
    warm = subprocess.run(run, cwd=REPO, env=env, capture_output=True, text=True, check=True)
    assert len(stores) == 1 and cold.stdout == warm.stdout
    in_memory = run_query(repo_graph, name="CQ01").records()
    assert len(warm.stdout.splitlines()) == len(in_memory) + 1  # a header line, then one line per row


def test_a_named_query_from_the_shell_imports_neither_rdflib_nor_the_derivation(tmp_path):
    """What makes `r2pkg query` start fast, checked as behaviour: with the store written, the command
    reads it and formats pyoxigraph's rows itself (rdflib costs more to import than the query takes).
    -X importtime logs every import, the confined child's included (it is forked, not started afresh)."""
    env = {**os.environ, "R2PKG_CACHE_DIR": str(tmp_path / "cache")}
    run = [sys.executable, "-X", "importtime", "-m", "graph", "query", "CQ01"]
    subprocess.run(run, cwd=REPO, env=env, capture_output=True, check=True)  # writes the store
    done = subprocess.run(run, cwd=REPO, env=env, capture_output=True, text=True, check=True)
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "r2pr:" in done.stdout and "graph.store" in imported
    assert not {m for m in imported if m.split(".")[0] in ("rdflib", "pyshacl", "networkx")}
    # nor HTTP (email, ssl, socket come with it) nor multiprocessing: the embedded store needs neither
    assert not {m for m in imported if m.split(".")[0] in ("http", "email", "ssl", "multiprocessing")}
