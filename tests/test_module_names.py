"""Module names say what they hold: no two modules or packages of graph/ share a name across layers."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import graph

PACKAGE_ROOT = Path(graph.__file__).parent


def module_names(root: Path) -> dict[str, list[str]]:
    """Each last name of a module or package under root -> the paths that carry it (packages by their folder;
    __init__.py itself names nothing)."""
    names: dict[str, list[str]] = defaultdict(list)
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if "__pycache__" in rel.parts:
            continue
        if path.name == "__init__.py":
            if path.parent != root:
                names[path.parent.name].append(str(rel.parent) + "/")
        else:
            names[path.stem].append(str(rel))
    return names


def duplicates(root: Path) -> dict[str, list[str]]:
    return {name: paths for name, paths in module_names(root).items() if len(paths) > 1}


def test_no_two_modules_of_graph_share_a_name():
    assert duplicates(PACKAGE_ROOT) == {}


def test_a_duplicate_name_is_found(tmp_path):
    for rel in ("a/__init__.py", "a/results.py", "b/__init__.py", "b/results.py", "b/a.py", "c.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    assert duplicates(tmp_path) == {"results": ["a/results.py", "b/results.py"], "a": ["a/", "b/a.py"]}
