"""Write the maps: one HTML file per view, the graph export, and an index page that lists them."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from graph import __version__
from graph.errors import InputError
from graph.output import write_atomic
from graph.render.facts import Facts, collect_facts
from graph.render.layout import layout_view
from graph.render.page import CSP, page_data, render_page
from graph.render.views import ViewSpec, view_specs

if TYPE_CHECKING:
    from graph.store import KnowledgeGraph

INDEX = "index.html"
EXPORT_NAME = "r2pkg-graph.ttl"


@dataclass(frozen=True)
class RenderedView:
    name: str
    title: str
    description: str
    path: Path
    nodes: int
    edges: int
    steps: int


def list_views(kg: KnowledgeGraph) -> list[ViewSpec]:
    return view_specs(collect_facts(kg))


def render_view(spec: ViewSpec, facts: Facts, out_dir: Path, index_href: str | None = INDEX) -> RenderedView:
    view = spec.build()
    positions = layout_view(view)
    data = page_data(view, facts, positions, index_href)
    path = write_atomic(out_dir / f"{spec.name}.html", render_page(data))
    return RenderedView(
        spec.name, view.title, spec.description, path, len(view.nodes), len(view.edges), len(view.steps)
    )


def render_views(
    kg: KnowledgeGraph, out_dir: str | Path, names: Sequence[str] | None = None, *, index: bool = True
) -> list[RenderedView]:
    """Render the named views (all when names is None); an unknown name is a user error."""
    out = Path(out_dir)
    facts = collect_facts(kg)
    specs = view_specs(facts)
    if names:
        known = {s.name: s for s in specs}
        missing = [n for n in names if n not in known]
        if missing:
            raise InputError(f"unknown view {', '.join(missing)!s}; available: {', '.join(known)}")
        specs = [known[n] for n in names]
    rendered = [render_view(s, facts, out, INDEX if index else None) for s in specs]
    if index and not names:
        write_index(out, rendered, facts)
    return rendered


def build_site(
    kg: KnowledgeGraph,
    out_dir: str | Path,
    *,
    export: Callable[[KnowledgeGraph, Path], Path] | None = None,
    notes: Sequence[str] = (),
) -> list[Path]:
    """Every view, the graph as Turtle, and index.html (written last); returns the written files.

    `export` writes the graph to the given path; by default rdflib's Turtle serialiser.
    """
    out = Path(out_dir)
    facts = collect_facts(kg)
    rendered = [render_view(s, facts, out) for s in view_specs(facts)]
    export_path = (export or export_turtle)(kg, out / EXPORT_NAME)
    index = write_index(out, rendered, facts, export_path=export_path, notes=notes)
    return [*(r.path for r in rendered), export_path, index]


def export_turtle(kg: KnowledgeGraph, path: Path) -> Path:
    """The whole graph (asserted and derived) as Turtle, through the project's export (issue 4)."""
    from graph.export import export_graph

    return write_atomic(path, export_graph(kg, "turtle"))


def _missing_notes(rendered: Sequence[RenderedView], facts: Facts) -> list[str]:
    names = {r.name for r in rendered}
    notes = []
    if not facts.pathways:
        notes.append(
            "No pathway maps: the graph has no derived r2p:Pathway nodes "
            "(the pathway derivation has not run or found none)."
        )
    if not facts.bundles and "requirements" in names:
        notes.append("The requirements map shows no co-requisite bundles: none were derived.")
    if "requirements" not in names:
        notes.append("No requirements map: the graph states no requires or enables links and no bundles.")
    if not any(r.name.startswith("country-") for r in rendered):
        notes.append("No country maps: no r2p:Country has claims, cases or links tied to it.")
    return notes


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def write_index(
    out_dir: Path,
    rendered: Sequence[RenderedView],
    facts: Facts,
    *,
    export_path: Path | None = None,
    notes: Sequence[str] = (),
) -> Path:
    e = html.escape
    groups = [
        ("Overview and arguments", [r for r in rendered if r.name in ("overview", "arguments")]),
        ("Prevention pathways", [r for r in rendered if r.name.startswith("pathways-")]),
        ("Country cases", [r for r in rendered if r.name.startswith("country-")]),
        ("Measures", [r for r in rendered if r.name == "requirements"]),
    ]
    parts = []
    for heading, items in groups:
        if not items:
            continue
        rows = "".join(
            f'<li><a href="{e(r.path.name)}">{e(r.title)}</a>'
            f'<span class="meta">{_n(r.nodes, "node")}, {_n(r.edges, "link")}, {_n(r.steps, "step")}</span>'
            f"<p>{e(r.description)}</p></li>"
            for r in items
        )
        parts.append(f"<section><h2>{e(heading)}</h2><ul>{rows}</ul></section>")
    all_notes = [*notes, *_missing_notes(rendered, facts)]
    notes_html = "".join(f"<li>{e(n)}</li>" for n in all_notes)
    export_html = (
        (
            f'<p>The whole graph as Turtle: <a href="{e(export_path.name)}">{e(export_path.name)}</a>'
            " (load it in any RDF tool).</p>"
        )
        if export_path
        else ""
    )
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Preventing Mass Atrocities: maps</title>
<style>
body {{ font: 20px/1.45 Arial, Helvetica, sans-serif; color: #111827; margin: 0; background: #ffffff; }}
header {{ background: #0f172a; color: #ffffff; padding: 20px 32px; }}
header h1 {{ margin: 0; font-size: 32px; }}
header p {{ margin: 6px 0 0; color: #e2e8f0; }}
main {{ padding: 8px 32px 40px; max-width: 1100px; }}
h2 {{ font-size: 24px; border-bottom: 3px solid #cbd5e1; padding-bottom: 4px; margin-top: 28px; }}
ul {{ list-style: none; padding: 0; }}
li {{ margin: 0 0 14px; }}
a {{ color: #1d4ed8; font-weight: bold; font-size: 22px; }}
a:focus-visible {{ outline: 3px solid #f59e0b; }}
.meta {{ margin-left: 12px; font-size: 16px; color: #374151; }}
li p {{ margin: 2px 0 0; }}
.notes li {{ font-size: 17px; color: #1f2937; margin-bottom: 6px; }}
footer {{ font-size: 15px; color: #374151; padding: 0 32px 24px; }}
</style>
</head>
<body>
<header><h1>Preventing Mass Atrocities: Resilient Societies, State Capacity, and Structural Reform</h1>
<p>Maps of the Stanley Foundation's 2013 policy dialogue brief. Every map works offline from this folder:
click a node for its claims and quotes, press P to present step by step.</p></header>
<main>
{"".join(parts) or "<p>No views could be built from this graph.</p>"}
{f'<section class="notes"><h2>Notes</h2><ul>{notes_html}</ul></section>' if notes_html else ""}
{export_html}
</main>
<footer>Built by r2pkg {e(__version__)}.</footer>
</body>
</html>
"""
    return write_atomic(out_dir / INDEX, page)
