"""One model of the graph: each concept is one type, defined once in graph.readmodel, and what the views and the
pathway report hold beside it is derived from it (lookups, rankings, references to its objects), never a copy.

Two checks on the types (every dataclass of graph/, imported and inspected) and one on the objects a real read
gives (the maps' facts and the pathway report of the brief):

- no two dataclasses share a name;
- no dataclass outside the read model carries the fields of a model type under another name: it shares at most
  two fields with any model type, not counting ``iri`` and ``label`` (what names a thing) and fields that hold
  model objects (their annotation names a model type);
- no object of the facts or of the report, other than the model's own, repeats a model object's field: neither
  as a field of an object that stands for a model object (same ``iri``), nor as a lookup keyed by model objects'
  IRIs whose values are one of their fields (``{section: its index}`` is a copy; ``{node: label}`` is a lookup).
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import re
from collections import defaultdict
from collections.abc import Iterator

import pytest

import graph
from graph import readmodel

NAMING = {"iri", "label"}  # what names a thing: every type that stands for one carries them


def graph_dataclasses() -> dict[str, type]:
    """'module.Class' -> class, for every dataclass defined in a module of graph/."""
    out = {}
    for info in pkgutil.walk_packages(graph.__path__, "graph."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and dataclasses.is_dataclass(obj) and obj.__module__ == module.__name__:
                out[f"{module.__name__}.{name}"] = obj
    return out


MODEL_TYPES = {name: cls for name, cls in vars(readmodel).items()
               if inspect.isclass(cls) and dataclasses.is_dataclass(cls) and cls.__module__ == readmodel.__name__}
_MODEL_NAME = re.compile(r"\b(" + "|".join(sorted(MODEL_TYPES)) + r")\b")


def _fields(cls: type) -> dict[str, str]:
    return {f.name: str(f.type) for f in dataclasses.fields(cls)}


def copied_fields(cls: type, model: type) -> set[str]:
    """Fields of ``cls`` that a model type also has, less naming fields and fields holding model objects."""
    own = {name for name, annotation in _fields(cls).items() if not _MODEL_NAME.search(annotation)}
    return (own & set(_fields(model))) - NAMING


def same_concept_twice(classes: dict[str, type]) -> list[tuple[str, str, list[str]]]:
    out = []
    for name, cls in sorted(classes.items()):
        if cls.__module__ == readmodel.__name__:
            continue
        for model_name, model in sorted(MODEL_TYPES.items()):
            shared = copied_fields(cls, model)
            if len(shared) >= 3:
                out.append((name, model_name, sorted(shared)))
    return out


def test_every_dataclass_of_graph_has_its_own_name():
    classes = graph_dataclasses()
    by_name = defaultdict(list)
    for qualified in classes:
        by_name[qualified.rsplit(".", 1)[1]].append(qualified)
    assert {n: q for n, q in by_name.items() if len(q) > 1} == {}
    assert len(classes) > 40  # the walk found the package's modules


def test_no_dataclass_outside_the_read_model_repeats_a_model_types_fields():
    assert same_concept_twice(graph_dataclasses()) == []


def test_a_second_claim_type_is_found():
    @dataclasses.dataclass
    class ClaimCopy:  # the shape the pathway report's own claim type had
        iri: str
        label: str
        quotes: tuple[str, ...]
        consensus: str
        paragraph: int | None

    @dataclasses.dataclass
    class HoldsClaims:  # a reference to the model's objects is no copy
        claims: dict[str, readmodel.Claim]
        quotes: tuple[readmodel.Quote, ...]
        label: str

    found = same_concept_twice({"t.ClaimCopy": ClaimCopy, "t.HoldsClaims": HoldsClaims})
    assert ("t.ClaimCopy", "Claim", ["consensus", "paragraph", "quotes"]) in found
    assert not [f for f in found if f[0] == "t.HoldsClaims"]


# --- the objects: what the views and the report hold beside the model -----------------------------------------
def _model_objects(m: readmodel.ReadModel) -> dict[str, object]:
    out: dict[str, object] = {}
    for part in (m.claims, m.issues, m.links, m.requirements, m.sections, m.cases, m.joint_conditions):
        out.update(part)
    out.update({p.iri: p for p in m.pathways})
    out.update({b.iri: b for b in m.bundles})
    return out


def _instances(root: object) -> Iterator[object]:
    """Every dataclass instance reachable from root through fields, dicts, lists and tuples, model objects and
    what they hold excepted (they are the model)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        x = stack.pop()
        if id(x) in seen or isinstance(x, str | int | float | bool) or x is None:
            continue
        seen.add(id(x))
        if dataclasses.is_dataclass(x) and not isinstance(x, type):
            if type(x).__module__ == readmodel.__name__:
                continue
            yield x
            stack.extend(getattr(x, f.name) for f in dataclasses.fields(x))
        elif isinstance(x, dict):
            stack.extend(x.values())
        elif isinstance(x, list | tuple | set | frozenset):
            stack.extend(x)


def _blank(value: object) -> bool:
    return value in (None, "", (), [], 0, False)


def copies(root: object, objects: dict[str, object]) -> list[str]:
    """Fields of non-model objects under root that repeat a model object's field (see the module docstring)."""
    out = []
    for x in _instances(root):
        kind = type(x).__name__
        names = [f.name for f in dataclasses.fields(x)]  # type: ignore[arg-type]
        twin = objects.get(getattr(x, "iri", None) or "")
        if twin is not None and type(twin) is not type(x):
            out += [f"{kind}.{n} repeats {type(twin).__name__}.{n}" for n in names
                    if n not in NAMING and hasattr(twin, n)]
        for n in names:
            value = getattr(x, n)
            if n in NAMING or not isinstance(value, dict):
                continue
            keyed = [(objects[k], v) for k, v in value.items() if isinstance(k, str) and k in objects]
            if not keyed or any(type(o) is not type(keyed[0][0]) for o, _ in keyed):
                continue
            for f in dataclasses.fields(keyed[0][0]):  # type: ignore[arg-type]
                if f.name not in NAMING and all(getattr(o, f.name) == v and not _blank(v) for o, v in keyed):
                    out.append(f"{kind}.{n} repeats {type(keyed[0][0]).__name__}.{f.name}")
    return sorted(set(out))


@pytest.fixture(scope="module")
def derived_brief():
    from conftest import REPO

    from graph.project import read_project

    kg = graph.load_graph(project=read_project(REPO / "r2pkg.toml"))
    graph.derive(kg)
    return kg


def test_the_facts_and_the_report_hold_the_models_objects_and_no_copy(derived_brief):
    from graph.pathways import derive_pathways
    from graph.render.facts import collect_facts

    facts = collect_facts(derived_brief)
    report = derive_pathways(derived_brief)
    objects = _model_objects(facts.model)
    assert facts.pathways and report.pathways and report.claims  # there is something to compare
    assert copies(facts, objects) == []
    assert copies(report, objects) == []
    # the report's claims are the model's type, and the read's claims are the facts' own objects
    assert all(type(c) is readmodel.Claim for c in report.claims.values())
    assert all(facts.claims[c] is facts.model.claims[c] for c in facts.claims)


def test_a_copied_field_is_found(derived_brief):
    from graph.render.facts import collect_facts

    facts = collect_facts(derived_brief)
    objects = _model_objects(facts.model)

    @dataclasses.dataclass
    class Lookups:
        section_index: dict[str, int | None]  # a model field keyed by its object: a copy
        names: dict[str, str]  # a label lookup: allowed

    @dataclasses.dataclass
    class LinkView:
        iri: str
        cause: str  # the link's own field, again

    sections = facts.model.sections
    link = next(iter(facts.model.links.values()))
    found = copies([Lookups({s: i.index for s, i in sections.items()}, {s: i.label for s, i in sections.items()}),
                    LinkView(link.iri, link.cause)], objects)
    assert found == ["LinkView.cause repeats CausalLink.cause", "Lookups.section_index repeats Section.index"]
