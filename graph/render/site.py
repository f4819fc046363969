"""Write the maps: one HTML file per view, the graph export, and an index page that lists them."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from graph import __version__
from graph.errors import InputError
from graph.output import make_output_dir, write_atomic
from graph.render.facts import Facts, collect_facts
from graph.render.framing import choose_opening, split_steps
from graph.render.layout import place_all
from graph.render.page import CSP, page_data, render_page
from graph.render.reading import write_reading_view
from graph.render.registry import ViewContext, ViewSpec, index_sections, view_specs

# Importing the modules that define views registers them (graph.render.registry).
from graph.render.tour_views import default_tours_dir, load_tours
from graph.render.view_model import RenderedView, View
from graph.render.views import narrate_steps

if TYPE_CHECKING:
    from graph.documents import Texts
    from graph.source_text import SourceText
    from graph.store import KnowledgeGraph

INDEX = "index.html"
EXPORT_NAME = "r2pkg-graph.ttl"


def all_specs(facts: Facts, tours_dir: str | Path | None = None) -> list[ViewSpec]:
    """Every registered view the graph supports (graph.render.registry), tours first."""
    folder = Path(tours_dir) if tours_dir is not None else default_tours_dir()
    return view_specs(ViewContext(facts, tuple(load_tours(folder))))


def list_views(kg: KnowledgeGraph, tours_dir: str | Path | None = None) -> list[ViewSpec]:
    return all_specs(collect_facts(kg), tours_dir)


def render_view(spec: ViewSpec, facts: Facts, out_dir: Path, index_href: str | None = INDEX,
                placed: tuple[View, tuple] | None = None) -> RenderedView:
    """One view's page; ``placed`` is the view as built and placed already (place_all), else it is done here."""
    view, (positions, smooth) = placed or _built_and_placed([spec])[0]
    split_steps(view, positions)
    narrate_steps(facts, view)
    choose_opening(view, positions)
    data = page_data(view, facts, positions, index_href, smooth)
    path = write_atomic(out_dir / f"{spec.name}.html", render_page(data))
    return RenderedView(
        spec.name,
        view.title,
        spec.description,
        path,
        len(view.nodes),
        len(view.edges),
        len(view.steps),
        spec.purpose or view.purpose,
        frozenset(view.nodes),
    )


def _built_and_placed(specs: Sequence[ViewSpec]) -> list[tuple[View, tuple]]:
    """Every view built, then placed together (side by side where there are cores to spare)."""
    views = [s.build() for s in specs]
    return list(zip(views, place_all(views), strict=True))


def render_views(
    kg: KnowledgeGraph,
    out_dir: str | Path,
    names: Sequence[str] | None = None,
    *,
    index: bool = True,
    tours_dir: str | Path | None = None,
) -> list[RenderedView]:
    """Render the named views (all when names is None); an unknown name is a user error."""
    out = Path(out_dir)
    make_output_dir(out)
    facts = collect_facts(kg)
    specs = all_specs(facts, tours_dir)
    if names:
        known = {s.name: s for s in specs}
        missing = [n for n in names if n not in known]
        if missing:
            raise InputError(f"unknown view {', '.join(missing)!s}; available: {', '.join(known)}")
        specs = [known[n] for n in names]
    placed = _built_and_placed(specs)
    rendered = [render_view(s, facts, out, INDEX if index else None, p) for s, p in zip(specs, placed, strict=True)]
    if index and not names:
        write_index(out, rendered, facts)
    return rendered


def build_site(
    kg: KnowledgeGraph,
    out_dir: str | Path,
    *,
    export: Callable[[KnowledgeGraph, Path], Path] | None = None,
    notes: Sequence[str] = (),
    source: SourceText | None = None,
    tours_dir: str | Path | None = None,
    sources: Texts | None = None,
) -> list[Path]:
    """Every tour and view, the reading view (when `source` is given), the graph as Turtle, and
    index.html (written last); returns the written files.

    `export` writes the graph to the given path; by default the project's Turtle export.
    `tours_dir` defaults to the packaged data/tours. The exports for other tools (GraphML, AIF, Argdown,
    ...) are written beside it; `sources` (document slug -> source text) gives the annotations positions.
    """
    out = Path(out_dir)
    make_output_dir(out)
    facts = collect_facts(kg)
    specs = all_specs(facts, tours_dir)
    rendered = [render_view(s, facts, out, INDEX, p) for s, p in zip(specs, _built_and_placed(specs), strict=True)]
    readings = _write_reading_views(kg, facts, out, rendered, source, sources)
    export_path = (export or export_turtle)(kg, out / EXPORT_NAME)
    # --- the printable pathway handout (graph.pathways.handout_page), linked from the index ---
    from graph.pathways.handout_page import write_handout_page

    handout = write_handout_page(kg, out)
    # --- end of the handout ---
    from graph.exporting import site_exports, write_exports

    exports = write_exports(kg, out, site_exports(), sources)
    index = write_index(out, rendered, facts, export_path=export_path, notes=notes, readings=readings,
                        exports=[(path, f.opens_with) for path, f in exports])
    return [*(r.path for r in rendered), *(path for path, _ in readings), handout, export_path,
            *(path for path, _ in exports), index]


def _write_reading_views(
    kg: KnowledgeGraph, facts: Facts, out: Path, rendered: Sequence[RenderedView], source: SourceText | None,
    sources: Texts | None,
) -> list[tuple[Path, str]]:
    """The reading view of each text the project has: reading.html for one, reading-SLUG.html each for several
    (each places only its own document's quotes); with the document's title for the index ("" for one)."""
    maps = {r.name: r for r in rendered}
    texts = [t for slug, t in (sources.by_slug.items() if sources else ()) if slug]
    if len(texts) < 2:
        return [(write_reading_view(facts, source, out, maps), "")] if source is not None else []
    from graph.documents import quoted_documents

    described = {d.slug: d for d in quoted_documents(kg)}
    return [(write_reading_view(facts, t, out, maps, described[t.slug]), described[t.slug].title)
            for t in texts if t.slug in described]


def export_turtle(kg: KnowledgeGraph, path: Path) -> Path:
    """The whole graph (asserted and derived) as Turtle, through the project's export (issue 4)."""
    from graph.exporting import export_graph

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


ONTOLOGY_DOC = "ontology.html"
HANDOUT_PAGE = "handout.html"  # written by graph.pathways.handout_page


def write_index(
    out_dir: Path,
    rendered: Sequence[RenderedView],
    facts: Facts,
    *,
    export_path: Path | None = None,
    notes: Sequence[str] = (),
    readings: Sequence[tuple[Path, str]] = (),
    exports: Sequence[tuple[Path, str]] = (),
) -> Path:
    """The index as a workshop guide: tours first, then views grouped by purpose, the reading view,
    the ontology documentation (when written beside it) and the graph export."""
    e = html.escape
    parts = []
    sections = index_sections()
    number = 0  # sections are numbered as listed: a family with no map here takes no number
    for key, heading, intro in sections:
        items = [r for r in rendered if r.purpose == key]
        if not items:
            continue
        number += 1
        rows = "".join(
            f'<li><a href="{e(r.path.name)}">{e(r.title)}</a>'
            f'<span class="meta">{_n(r.steps, "step") if key == "tour" else _n(r.nodes, "node")}</span>'
            f"<p>{e(r.description)}</p></li>"
            for r in items
        )
        parts.append(
            f'<section data-group="{e(key)}"><h2>{number}. {e(heading)}</h2><p class="intro">{e(intro)}</p>'
            f"<ul>{rows}</ul></section>"
        )
    others = [r for r in rendered if r.purpose not in {g[0] for g in sections}]
    if others:
        rows = "".join(f'<li><a href="{e(r.path.name)}">{e(r.title)}</a><p>{e(r.description)}</p></li>' for r in others)
        parts.append(f"<section><h2>Other maps</h2><ul>{rows}</ul></section>")
    more = []
    for path, title in readings:
        more.append(
            f'<li><a href="{e(path.name)}">{e(title + ": the" if title else "The")} text, paragraph by paragraph</a>'
            "<p>The source text with every quote lit by how widely it was held; click one for its claims, "
            "links and maps.</p></li>"
        )
    if (out_dir / HANDOUT_PAGE).exists():  # --- the printable pathway handout (graph.pathways.handout_page) ---
        more.append(
            f'<li><a href="{HANDOUT_PAGE}">Handout: prevention pathways</a>'
            "<p>What the documents say addresses each risk, with its quotes, in the order of the text; prints on A4 "
            "or Letter.</p></li>"
        )
    if (out_dir / ONTOLOGY_DOC).exists():
        more.append(
            f'<li><a href="{ONTOLOGY_DOC}">Ontology documentation</a>'
            "<p>The classes and properties the maps are drawn from, with their definitions.</p></li>"
        )
    if export_path:
        more.append(
            f'<li><a href="{e(export_path.name)}">{e(export_path.name)}</a>'
            "<p>The whole graph as Turtle, for any RDF tool.</p></li>"
        )
    more += [f'<li><a href="{e(path.name)}">{e(path.name)}</a><p>Opens in {e(opens_with)}.</p></li>'
             for path, opens_with in exports]
    if more:
        parts.append(
            f'<section data-group="reference"><h2>{number + 1}. Read and reuse</h2>'
            f"<ul>{''.join(more)}</ul></section>"
        )
    all_notes = [*notes, *_missing_notes(rendered, facts)]
    notes_html = "".join(f"<li>{e(n)}</li>" for n in all_notes)
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(facts.title)}: a workshop guide to the maps</title>
<style>
body {{ font: 21px/1.45 Arial, Helvetica, sans-serif; color: #111827; margin: 0; background: #ffffff; }}
header {{ background: #0f172a; color: #ffffff; padding: 20px 32px; }}
header h1 {{ margin: 0; font-size: 32px; }}
header p {{ margin: 6px 0 0; color: #e2e8f0; }}
main {{ padding: 8px 32px 40px; max-width: 1500px; columns: 2 640px; column-gap: 48px; }}
section {{ break-inside: avoid; }}
h2 {{ font-size: 26px; border-bottom: 3px solid #cbd5e1; padding-bottom: 4px; margin: 24px 0 4px; }}
.intro {{ margin: 0 0 8px; color: #374151; font-size: 19px; }}
ul {{ list-style: none; padding: 0; margin: 0; }}
li {{ margin: 0 0 12px; }}
a {{ color: #1d4ed8; font-weight: bold; font-size: 22px; }}
a:focus-visible {{ outline: 3px solid #f59e0b; }}
.meta {{ margin-left: 12px; font-size: 16px; color: #374151; }}
li p {{ margin: 2px 0 0; font-size: 18px; }}
.notes li {{ font-size: 17px; color: #1f2937; margin-bottom: 6px; }}
footer {{ font-size: 15px; color: #374151; padding: 0 32px 24px; }}
</style>
</head>
<body>
<header><h1>{e(facts.title)}</h1>
<p>A workshop guide to the maps of {e(facts.citation)}. Everything works offline
from this folder. Start with the first map listed; on any map, click a node for its claims and quotes,
press P to present.</p>
</header>
<main>
{"".join(parts) or "<p>No views could be built from this graph.</p>"}
{f'<section class="notes"><h2>Notes</h2><ul>{notes_html}</ul></section>' if notes_html else ""}
</main>
<footer>Built by r2pkg {e(__version__)}.</footer>
</body>
</html>
"""
    return write_atomic(out_dir / INDEX, page)


def render_reading_view(kg: KnowledgeGraph, source: SourceText, out_dir: str | Path) -> Path:
    """Write reading.html into out_dir; maps already rendered there are linked from the claims."""
    out = make_output_dir(Path(out_dir))
    facts = collect_facts(kg)
    maps = {}
    for spec in all_specs(facts):
        if (out / f"{spec.name}.html").exists():
            v = spec.build()
            maps[spec.name] = RenderedView(
                spec.name,
                v.title,
                spec.description,
                out / f"{spec.name}.html",
                len(v.nodes),
                len(v.edges),
                len(v.steps),
                spec.purpose,
                frozenset(v.nodes),
            )
    return write_reading_view(facts, source, out, maps)
