"""The registry of views: each kind of map registers itself where it is defined.

    @view_family("countries", order=50, heading="Country cases",
                 intro="What the documents say about each country they discuss.")
    def country_views(ctx: ViewContext) -> list[ViewSpec]:
        return [ViewSpec("country-ghana", "Country case: Ghana", "...", lambda: country_case(...), "countries")]

The CLI (`render --list`), the site builder, the index page (its sections, their order and
numbers) and the tests all read `view_specs` and `index_sections`, so a new kind of map is one
decorated function in the module that draws it, plus its test. The modules that define views
register them when imported; graph.render.site imports them all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graph.render.facts import Facts
    from graph.render.view_model import View
    from graph.tours import Tour


@dataclass(frozen=True)
class ViewSpec:
    name: str
    title: str
    description: str
    build: Callable[[], View]
    purpose: str = ""


@dataclass(frozen=True)
class ViewContext:
    """What a family of views is drawn from: the graph's facts and the trainer's tours."""

    facts: Facts
    tours: Sequence[Tour] = field(default_factory=tuple)


@dataclass(frozen=True)
class ViewFamily:
    key: str  # the index section and each spec's purpose
    order: int
    heading: str
    intro: str
    specs: Callable[[ViewContext], list[ViewSpec]]


_FAMILIES: dict[str, ViewFamily] = {}


def view_family(key: str, *, order: int, heading: str, intro: str):
    """Register a function that lists the views of one kind (one section of the index)."""

    def register(fn: Callable[[ViewContext], list[ViewSpec]]) -> Callable[[ViewContext], list[ViewSpec]]:
        if key in _FAMILIES and _FAMILIES[key].specs is not fn:
            raise ValueError(f"two view families named {key!r}")
        _FAMILIES[key] = ViewFamily(key, order, heading, intro, fn)
        return fn

    return register


def families() -> list[ViewFamily]:
    return sorted(_FAMILIES.values(), key=lambda fam: (fam.order, fam.key))


def view_specs(ctx: ViewContext) -> list[ViewSpec]:
    """Every view the graph supports, family by family, in the order the index lists them."""
    return [spec for fam in families() for spec in fam.specs(ctx)]


def index_sections() -> list[tuple[str, str, str]]:
    """(key, heading, intro) for each family, in index order (the index numbers those it lists)."""
    return [(fam.key, fam.heading, fam.intro) for fam in families()]

