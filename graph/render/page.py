"""One self-contained HTML file per view: our template, pyvis's network data, vis-network inlined.

pyvis 0.3.2's own template pulls Bootstrap from a CDN, shows tooltip HTML as raw
text and mangles option strings, so we only use pyvis to assemble the node and
edge records and write the page ourselves. The page makes no request to any host:
vis-network is read from the pyvis package and inlined, and a Content Security
Policy forbids anything else.
"""

from __future__ import annotations

import html
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pyvis.network import Network

from graph import __version__
from graph.namespaces import curie
from graph.render.facts import Facts
from graph.render.layout import Positions
from graph.render.model import View
from graph.render.style import (
    CLASS_STYLE,
    DEFAULT_EDGE,
    EDGE_FONT_SIZE,
    EDGE_WIDTH,
    LABEL_MAX_WIDTH,
    NODE_FONT_SIZE,
    RELATION_STYLE,
    consensus_fill,
    text_colour,
)

ASSETS = Path(__file__).resolve().parent / "assets"
VIS_VERSION = "9.1.2"

# No network, no plugins, no frames: only the inline script and styles the page carries.
CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data: blob:; base-uri 'none'; form-action 'none'"
)


@cache
def vis_assets() -> tuple[str, str]:
    """The vis-network JS and CSS that pyvis ships (lib/vis-9.1.2 in the pyvis package)."""
    root = resources.files("pyvis")
    for base in (root / "lib" / f"vis-{VIS_VERSION}", root / "templates" / "lib" / f"vis-{VIS_VERSION}"):
        js, css = base / "vis-network.min.js", base / "vis-network.css"
        if js.is_file() and css.is_file():
            return js.read_text(encoding="utf-8"), css.read_text(encoding="utf-8")
    raise FileNotFoundError(f"vis-network {VIS_VERSION} not found in the pyvis package")


@cache
def own_assets() -> tuple[str, str]:
    return (ASSETS / "map.js").read_text(encoding="utf-8"), (ASSETS / "map.css").read_text(encoding="utf-8")


def script_json(data: Any) -> str:
    """JSON that is safe inside <script type="application/json">: no <, > or & survive literally."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def inline_script(code: str) -> str:
    # A literal "</script" inside inlined code would end the element early.
    return code.replace("</script", "<\\/script")


def inline_style(css: str) -> str:
    return css.replace("</style", "<\\/style")


def _edge_style(rel: str) -> tuple[str, bool | list[int]]:
    return RELATION_STYLE.get(rel, DEFAULT_EDGE)


def network_data(view: View, positions: Positions) -> tuple[list[dict], list[dict]]:
    """Node and edge records for vis-network, assembled with pyvis."""
    net = Network(directed=True)  # directed: pyvis skips its quadratic duplicate-edge scan
    for n in view.nodes.values():
        x, y = positions[n.id]
        fg = text_colour(n.fill)
        net.add_node(
            n.id,
            label=n.label or n.id,
            shape=n.shape,
            x=x,
            y=y,
            color={
                "background": n.fill,
                "border": n.border,
                "highlight": {"background": n.fill, "border": "#000000"},
                "hover": {"background": n.fill, "border": "#000000"},
            },
            # The node a view is about reads first from the back of the room.
            font={"color": fg, "size": 34} if n.id == view.anchor else {"color": fg},
            borderWidth=3 if n.border != "#1f2937" else 2,
            r2p={
                "cls": curie(n.cls),
                "sectors": [curie(s) for s in n.sectors],
                "consensus": curie(n.consensus) if n.consensus else "",
                "details": n.details,
            },
        )
    # Edges between the same two nodes would draw on top of each other: bend them all,
    # clockwise relative to their own direction, so opposite edges bow to opposite sides.
    per_pair: dict[frozenset[str], int] = {}
    for e in view.edges:
        pair = frozenset((e.source, e.target))
        per_pair[pair] = per_pair.get(pair, 0) + 1
    seen: dict[tuple[str, str], int] = {}
    for e in view.edges:
        colour, dashes = _edge_style(e.rel)
        k = seen.get((e.source, e.target), 0)
        seen[(e.source, e.target)] = k + 1
        smooth: dict | bool = False
        if per_pair[frozenset((e.source, e.target))] > 1:
            smooth = {"enabled": True, "type": "curvedCW", "roundness": 0.4 + 0.2 * k}
        options: dict[str, Any] = {
            "id": e.id,
            "color": {"color": colour, "highlight": colour, "hover": colour},
            "dashes": dashes,
            "width": EDGE_WIDTH,
            "smooth": smooth,
            "r2p": {
                "rel": curie(e.rel),
                "consensus": curie(e.consensus) if e.consensus else "",
                "details": e.details,
            },
        }
        if view.edge_labels and e.label:
            options["label"] = e.label
        net.add_edge(e.source, e.target, **options)
    return net.nodes, net.edges


def legend(view: View, facts: Facts) -> dict[str, list[dict]]:
    """Legend and filter entries for what this view shows, labelled from the ontology."""
    class_counts: dict[str, int] = {}
    for n in view.nodes.values():
        class_counts[n.cls] = class_counts.get(n.cls, 0) + 1
    classes = []
    for cls, fill, shape in CLASS_STYLE:
        if cls in class_counts:
            sample = next(n for n in view.nodes.values() if n.cls == cls)
            classes.append(
                {
                    "key": curie(cls),
                    "label": facts.label(cls),
                    "fill": fill,
                    "border": sample.border,
                    "shape": shape,
                    "count": class_counts[cls],
                    "definition": facts.definitions.get(cls, ""),
                }
            )
    rel_counts: dict[str, int] = {}
    for e in view.edges:
        rel_counts[e.rel] = rel_counts.get(e.rel, 0) + 1
    relations = []
    for rel in sorted(rel_counts, key=lambda r: (list(RELATION_STYLE).index(r) if r in RELATION_STYLE else 99, r)):
        colour, dashes = _edge_style(rel)
        relations.append(
            {
                "key": curie(rel),
                "label": facts.label(rel),
                "color": colour,
                "dashes": bool(dashes),
                "count": rel_counts[rel],
                "definition": facts.definitions.get(rel, ""),
            }
        )
    sector_counts: dict[str, int] = {}
    for n in view.nodes.values():
        for s in n.sectors:
            sector_counts[s] = sector_counts.get(s, 0) + 1
    sectors = [
        {"key": curie(s), "label": facts.label(s), "count": sector_counts[s]}
        for s in facts.sector_list
        if s in sector_counts
    ]
    sectors += [
        {"key": curie(s), "label": facts.label(s), "count": c}
        for s, c in sorted(sector_counts.items())
        if s not in facts.sector_list
    ]
    cons_counts: dict[str, int] = {}
    for item in [*view.nodes.values(), *view.edges]:
        if item.consensus:
            cons_counts[item.consensus] = cons_counts.get(item.consensus, 0) + 1
    consensus = []
    for lv in sorted(cons_counts, key=lambda lv: (-facts.consensus_rank.get(lv, 0), lv)):
        rank = facts.consensus_rank.get(lv, 0)
        fill = consensus_fill(rank)
        consensus.append(
            {
                "key": curie(lv),
                "label": facts.label(lv),
                "rank": rank,
                "fill": fill,
                "text": text_colour(fill),
                "count": cons_counts[lv],
            }
        )
    return {"classes": classes, "relations": relations, "sectors": sectors, "consensus": consensus}


def page_data(view: View, facts: Facts, positions: Positions, index_href: str | None) -> dict[str, Any]:
    nodes, edges = network_data(view, positions)
    return {
        "view": {
            "name": view.name,
            "title": view.title,
            "description": view.description,
            "index": index_href,
            "version": __version__,
        },
        "nodes": nodes,
        "edges": edges,
        "legend": legend(view, facts),
        "steps": [{"caption": s.caption, "nodes": s.nodes, "edges": s.edges} for s in view.steps],
        "style": {"nodeFont": NODE_FONT_SIZE, "edgeFont": EDGE_FONT_SIZE, "labelWidth": LABEL_MAX_WIDTH},
    }


def render_page(data: dict[str, Any]) -> str:
    vis_js, vis_css = vis_assets()
    app_js, app_css = own_assets()
    title = html.escape(data["view"]["title"])
    desc = html.escape(data["view"]["description"])
    index = data["view"].get("index")
    back = f'<a class="btn" href="{html.escape(index)}">&#8592; All maps</a>' if index else ""
    return "".join(
        [
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n',
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
            f'<meta name="generator" content="r2pkg {html.escape(__version__)}">\n',
            f"<title>{title}</title>\n",
            f"<style>{inline_style(vis_css)}</style>\n<style>{inline_style(app_css)}</style>\n",
            "</head>\n<body>\n",
            '<header id="top">',
            back,
            f'<div class="titles"><h1>{title}</h1><p class="desc">{desc}</p></div>',
            '<div class="tools">',
            '<input id="search" type="search" placeholder="Search nodes" aria-label="Search nodes" autocomplete="off">',
            '<button id="present" class="btn" type="button" '
            'title="Presentation mode: arrow keys step through">Present</button>',
            '<button id="reset" class="btn" type="button" title="Show the whole map (Esc)">Show all</button>',
            '<button id="smaller" class="btn" type="button" title="Smaller labels">A&#8722;</button>',
            '<button id="larger" class="btn" type="button" title="Larger labels">A+</button>',
            '<button id="png" class="btn" type="button" title="Save the current view as a PNG image">PNG</button>',
            "</div></header>\n",
            '<ul id="matches" role="listbox" hidden></ul>\n',
            '<nav id="legend" aria-label="Legend and filters"></nav>\n',
            '<main id="map" aria-label="Map"></main>\n',
            '<aside id="panel" hidden aria-live="polite"></aside>\n',
            '<div id="caption" hidden></div>\n',
            '<div id="status" role="status"></div>\n',
            f'<script type="application/json" id="r2p-data">{script_json(data)}</script>\n',
            f"<script>{inline_script(vis_js)}</script>\n",
            f"<script>{inline_script(app_js)}</script>\n",
            "</body>\n</html>\n",
        ]
    )
