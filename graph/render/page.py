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

from pyvis.edge import Edge
from pyvis.network import Network
from pyvis.node import Node

from graph import __version__
from graph.namespaces import curie
from graph.render.facts import Facts
from graph.render.routing import Positions, Smooth
from graph.render.style import (
    ANCHOR_FONT_SIZE,
    CLASS_STYLE,
    DEFAULT_EDGE,
    DIRECTION_LABEL,
    EDGE_FONT_SIZE,
    EDGE_WIDTH,
    EFFECT_LABEL,
    EFFECT_STYLE,
    HEAD_OF,
    LABEL_MAX_WIDTH,
    NEUTRAL_EDGE,
    NODE_FONT_SIZE,
    READABLE_PX,
    RELATION_STYLE,
    SPEAKER_LABEL,
    SPEAKER_STYLE,
    VOICE_LABEL,
    VOICE_WIDTH,
    consensus_border,
    text_colour,
)
from graph.render.view_model import MapEdge, MapNode, View

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


# The map's script, one module per responsibility (assets/map/), in the order they run.
MODULES = ("data", "page", "presenting", "interaction", "export", "start")


def map_script() -> str:
    """The modules inside one function: one scope, one strict-mode script, nothing global but r2pMap."""
    parts = [(ASSETS / "map" / f"{m}.js").read_text(encoding="utf-8") for m in MODULES]
    return '(function () {\n"use strict";\n' + "\n".join(parts) + "})();\n"


@cache
def own_assets() -> tuple[str, str]:
    return map_script(), (ASSETS / "map.css").read_text(encoding="utf-8")


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


def edge_style(rel: str, effect: str = "", direction: str = "") -> tuple[str, bool | list[int], str]:
    """(colour, dashes, head): a causal link's colour and line by its effect on risk and its head by what
    it does to its target (arrow: more of it, bar: less); any other edge by its relation."""
    if effect:
        colour, dashes, _ = EFFECT_STYLE[effect]
        return colour, dashes, HEAD_OF[direction if effect != "depends" else ""]
    return RELATION_STYLE.get(rel, DEFAULT_EDGE)


def _margin(g: float) -> dict[str, float]:
    return {"top": round(10 * g, 2), "right": round(12 * g, 2), "bottom": round(10 * g, 2), "left": round(12 * g, 2)}


def node_records(view: View, positions: Positions) -> list[dict[str, Any]]:
    """One vis-network node record per node: position, look and the page's own data (r2p)."""
    records = []
    for n in view.nodes.values():
        x, y = positions[n.id]
        fg = text_colour(n.fill)
        font = ANCHOR_FONT_SIZE if n.id == view.anchor else NODE_FONT_SIZE
        g = font / NODE_FONT_SIZE  # the subject's larger label wraps at a wider width, as the layout assumes
        sized = {"widthConstraint": {"maximum": LABEL_MAX_WIDTH * g}, "margin": _margin(g)} if g != 1 else {}
        # Hover and selection keep the node's own colours: a thicker border, never a black blob.
        colour = {"background": n.fill, "border": n.border}
        records.append(
            {
                "id": n.id,
                "label": n.label or n.id,
                "shape": n.shape,
                "x": x,
                "y": y,
                "color": {**colour, "highlight": dict(colour), "hover": dict(colour)},
                "font": {"color": fg, "size": font},
                "borderWidth": n.border_width,
                "borderWidthSelected": n.border_width + 3,
                "shapeProperties": {"borderDashes": n.dashed, "borderRadius": 6},
                "r2p": {
                    "cls": curie(n.cls),
                    "sectors": [curie(s) for s in n.sectors],
                    "consensus": curie(n.consensus) if n.consensus else "",
                    "speaker": curie(n.speaker) if n.speaker else "",
                    "documents": [curie(d) for d in n.documents],
                    "fill": n.fill,
                    "font": font,
                    "details": n.details,
                },
                **sized,
            }
        )
    return records


def edge_records(view: View, smooth: dict[str, Smooth] | None = None) -> list[dict[str, Any]]:
    """One vis-network edge record per edge: colour and line by effect on risk, head by direction."""
    smooth = smooth or {}
    records = []
    for e in view.edges:
        colour, dashes, head = edge_style(e.rel, e.effect, e.direction)
        options: dict[str, Any] = {
            "id": e.id,
            "from": e.source,
            "to": e.target,
            "color": {"color": colour, "highlight": colour, "hover": colour},
            "dashes": dashes,
            "width": VOICE_WIDTH.get(e.voice, EDGE_WIDTH),
            "arrows": {"to": {"enabled": True, "type": head, "scaleFactor": 1.0 if head == "bar" else 1.1}},
            "smooth": smooth.get(e.id, False),
            "r2p": {
                "rel": curie(e.rel),
                "effect": e.effect,
                "direction": e.direction,
                "voice": e.voice,
                "head": head,
                "consensus": curie(e.consensus) if e.consensus else "",
                "documents": [curie(d) for d in e.documents],
                "colour": colour,
                "details": e.details,
            },
        }
        if view.edge_labels and e.label:
            options["label"] = e.label
            if e.label_shift:
                options["font"] = {"vadjust": round(e.label_shift, 1)}
        records.append(options)
    return records


def pyvis_network(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> Network:
    """A pyvis Network holding these records, assembled in one pass.

    pyvis's add_node and add_edge look the id up in a list of every node added before (quadratic:
    seconds at 6,000 nodes); here its own Node and Edge build each record and the lists are handed
    over whole, with the same checks (unique ids, both ends present) against a set.
    """
    net = Network(directed=True)
    ids: set[str] = set()
    for rec in nodes:
        opts = dict(rec)
        n_id, shape, label = opts.pop("id"), opts.pop("shape"), opts.pop("label")
        if n_id in ids:
            raise ValueError(f"two nodes with the id {n_id!r}")
        ids.add(n_id)
        node = Node(n_id, shape, label=label, **opts).options
        net.nodes.append(node)
        net.node_ids.append(n_id)
        net.node_map[n_id] = node
    for rec in edges:
        opts = dict(rec)
        source, target = opts.pop("from"), opts.pop("to")
        if source not in ids or target not in ids:
            raise ValueError(f"edge {opts.get('id')!r} joins a node the map does not have")
        net.edges.append(Edge(source, target, True, **opts).options)
    return net


def network_data(view: View, positions: Positions, smooth: dict[str, Smooth] | None = None) -> tuple[list, list]:
    """Node and edge records for vis-network, assembled with pyvis (in linear time)."""
    net = pyvis_network(node_records(view, positions), edge_records(view, smooth))
    return net.nodes, net.edges


def legend(view: View, facts: Facts) -> dict[str, list[dict]]:
    """Legend and filter entries for what this view shows, labelled from the ontology."""
    class_counts: dict[str, int] = {}
    for n in view.nodes.values():
        class_counts[n.cls] = class_counts.get(n.cls, 0) + 1
    classes = []
    for cls, fill, shape, dashed in CLASS_STYLE:
        if cls in class_counts:
            classes.append(
                {
                    "key": curie(cls),
                    "label": facts.label(cls),
                    "fill": fill,
                    "border": "#111827",
                    "dashed": dashed,
                    "shape": shape,
                    "count": class_counts[cls],
                    "definition": facts.definitions.get(cls, ""),
                }
            )
    effect_counts: dict[str, int] = {}
    rel_counts: dict[str, int] = {}
    for e in view.edges:
        rel_counts[e.rel] = rel_counts.get(e.rel, 0) + 1
        if e.effect:
            effect_counts[e.effect] = effect_counts.get(e.effect, 0) + 1
    effects = [
        {
            "key": k,
            "label": EFFECT_LABEL[k],
            "color": EFFECT_STYLE[k][0],
            "dashes": bool(EFFECT_STYLE[k][1]),
            "head": "" if k != "depends" else EFFECT_STYLE[k][2],
            "count": effect_counts[k],
        }
        for k in EFFECT_STYLE
        if k in effect_counts
    ]
    direction_rels: dict[str, set[str]] = {}
    for e in view.edges:
        if e.effect and e.effect != "depends" and e.direction:
            direction_rels.setdefault(e.direction, set()).add(facts.label(e.rel))
    directions = [
        {
            "key": d,
            "label": f"{DIRECTION_LABEL[d]} ({', '.join(sorted(direction_rels[d]))})",
            "short": DIRECTION_LABEL[d],
            "color": NEUTRAL_EDGE,
            "dashes": False,
            "head": HEAD_OF[d],
            "count": sum(1 for e in view.edges if e.effect and e.effect != "depends" and e.direction == d),
        }
        for d in DIRECTION_LABEL
        if d in direction_rels
    ]
    causal = {e.rel: e for e in view.edges if e.effect}
    relations = []
    for rel in sorted(rel_counts, key=lambda r: (r not in causal, facts.label(r).lower(), r)):
        colour, dashes, head = edge_style(rel)
        if rel in causal:  # a causal relation's swatch is its head, in a neutral colour (the colour is the effect)
            colour, dashes, head = NEUTRAL_EDGE, False, edge_style(rel, causal[rel].effect, causal[rel].direction)[2]
        relations.append(
            {
                "key": curie(rel),
                "label": facts.label(rel),
                "color": colour,
                "causal": rel in causal,
                "dashes": bool(dashes),
                "head": head,
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
    items: list[MapNode | MapEdge] = [*view.nodes.values(), *view.edges]
    for item in items:
        if item.consensus:
            cons_counts[item.consensus] = cons_counts.get(item.consensus, 0) + 1
    consensus = []
    for lv in sorted(cons_counts, key=lambda lv: (-facts.breadth(lv), lv)):
        rank = facts.breadth(lv)
        consensus.append(
            {
                "key": curie(lv),
                "label": facts.label(lv) if rank or "not stated" in facts.label(lv)
                else f"{facts.label(lv)} (breadth not stated)",
                "rank": rank,
                "width": consensus_border(rank),
                "count": cons_counts[lv],
            }
        )
    speaker_counts: dict[str, int] = {}
    for n in view.nodes.values():
        if n.speaker:
            speaker_counts[n.speaker] = speaker_counts.get(n.speaker, 0) + 1
    speakers = [
        {"key": curie(r), "label": SPEAKER_LABEL[r], "dashes": SPEAKER_STYLE[r] or [], "count": speaker_counts[r]}
        for r in SPEAKER_LABEL
        if r in speaker_counts
    ]
    voice_counts: dict[str, int] = {}
    for e in view.edges:
        if e.voice:
            voice_counts[e.voice] = voice_counts.get(e.voice, 0) + 1
    voices = [
        {"key": k, "label": VOICE_LABEL[k], "color": NEUTRAL_EDGE, "width": VOICE_WIDTH[k], "count": voice_counts[k]}
        for k in VOICE_LABEL
        if k in voice_counts
    ]
    return {
        "classes": classes,
        "effects": effects,
        "directions": directions,
        "voices": voices,
        "relations": relations,
        "sectors": sectors,
        "consensus": consensus,
        "speakers": speakers,
        "documents": _documents_legend(view, facts),
    }


def _documents_legend(view: View, facts: Facts) -> list[dict]:
    """The documents the view's items come from, with how many items each: a filter only when the project
    has more than one document (with one, every item is that document's and a control would say nothing)."""
    if len(facts.documents) < 2:
        return []
    counts: dict[str, int] = {}
    items: list[MapNode | MapEdge] = [*view.nodes.values(), *view.edges]
    for item in items:
        for d in item.documents:
            counts[d] = counts.get(d, 0) + 1
    return [{"key": curie(d), "label": title, "count": counts[d]}
            for d, title in facts.documents.items() if d in counts]


SOURCE_LINE = "Source: {citation}; map by r2pkg {version}."  # the citation comes from the data (Facts)


def page_data(
    view: View,
    facts: Facts,
    positions: Positions,
    index_href: str | None,
    smooth: dict[str, Smooth] | None = None,
) -> dict[str, Any]:
    nodes, edges = network_data(view, positions, smooth)
    return {
        "view": {
            "name": view.name,
            "title": view.title,
            "description": view.description,
            "index": index_href,
            "version": __version__,
            "source": SOURCE_LINE.format(citation=facts.citation, version=__version__),
            "opening": view.opening,
            "anchor": view.anchor,
            "autoplay": view.purpose == "tour" or view.guided,
            "tour": view.purpose == "tour",
            "point": view.point,
        },
        "nodes": nodes,
        "edges": edges,
        "legend": legend(view, facts),
        "steps": [
            {"caption": s.caption, "nodes": s.nodes, "edges": s.edges, "narration": s.narration, "quote": s.quote}
            for s in view.steps
        ],
        "style": {
            "nodeFont": NODE_FONT_SIZE,
            "edgeFont": EDGE_FONT_SIZE,
            "labelWidth": LABEL_MAX_WIDTH,
            "readable": READABLE_PX,
        },
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
            '<button id="png" class="btn" type="button" '
            'title="Save the map as a print-resolution PNG with title, legend and source">PNG</button>',
            '<button id="svg" class="btn" type="button" title="Save the map as an SVG drawing">SVG</button>',
            '<button id="print" class="btn" type="button" '
            'title="Print the whole map on one page (a tour: one page per step), or save it as PDF">'
            "Print / PDF</button>",
            "</div></header>\n",
            '<ul id="matches" role="listbox" hidden></ul>\n',
            '<nav id="legend" aria-label="Legend and filters"></nav>\n',
            '<main id="map" tabindex="0" aria-label="Map: Tab walks the nodes on screen, Enter opens one, '
            'arrow keys pan"></main>\n',
            '<div id="announce" class="sr-only" aria-live="polite"></div>\n',
            '<aside id="panel" hidden aria-live="polite"></aside>\n',
            '<div id="caption" hidden></div>\n',
            '<div id="print-pages"></div>\n',
            '<div id="key" aria-label="Key"></div>\n',
            '<div id="status" role="status"></div>\n',
            f'<script type="application/json" id="r2p-data">{script_json(data)}</script>\n',
            f"<script>{inline_script(vis_js)}</script>\n",
            f"<script>{inline_script(app_js)}</script>\n",
            "</body>\n</html>\n",
        ]
    )
