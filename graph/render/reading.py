"""The reading view: the brief's text paragraph by paragraph, every quote lit by how widely it was held.

Clicking a lit quote opens its claim or claims, the links they state and the maps they appear
in; each paragraph shows how many claims it carries, so coverage shows at a glance. The text
and the data travel as JSON and enter the page through textContent only: never as HTML.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph import __version__
from graph.link_sentence import say_link
from graph.namespaces import R2PR, curie
from graph.output import write_atomic
from graph.render.builder import Builder
from graph.render.facts import Facts
from graph.render.page import CSP, SOURCE_LINE, inline_script, inline_style, script_json
from graph.render.style import BREADTH_FILL, EFFECT_LABEL, SPEAKER_LABEL, text_colour
from graph.render.view_model import RenderedView, View
from graph.source_text import collapse

if TYPE_CHECKING:
    from graph.documents import Document
    from graph.source_text import SourceText

READING = "reading.html"
ASSETS = Path(__file__).resolve().parent / "assets"


def _segments(text: str, spans: list[tuple[int, int, int]]) -> list[list[Any]]:
    """Cut a paragraph at every quote boundary: [[text, [claim indexes]], ...]."""
    cuts = sorted({0, len(text), *(a for a, _, _ in spans), *(b for _, b, _ in spans)})
    out: list[list[Any]] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        if a == b:
            continue
        ids = sorted({c for s, e, c in spans if s <= a and b <= e})
        if out and out[-1][1] == ids:
            out[-1][0] += text[a:b]
        else:
            out.append([text[a:b], ids])
    return out


def reading_data(facts: Facts, source: SourceText, maps: Mapping[str, RenderedView] | None = None,
                 document: Document | None = None) -> dict[str, Any]:
    """The page data of one text; `document` names it when the project has several (else the graph's title)."""
    f = facts
    b = Builder(f, View("reading", "", ""))
    claim_ids = sorted(f.claims, key=lambda c: (f.order(c), c))
    index = {c: i for i, c in enumerate(claim_ids)}
    links_of: dict[str, list[dict]] = defaultdict(list)
    for lk in sorted(f.links.values(), key=lambda x: x.iri):
        for c in lk.claims:
            links_of[c].append(
                {
                    "title": say_link(lk, f.label(lk.cause), f.label(lk.effect)),  # its hedge and whose reading
                    "effect": EFFECT_LABEL[f.effect(lk)],
                    # the sentence is built from the two nodes: the recorded label keeps what they leave out
                    # ("in the past", para 12; "the potential for", para 24), and the case a link is said of
                    "recorded": lk.label,
                    "cases": [f.label(c) for c in lk.cases],
                    "ends": [lk.cause, lk.effect],
                }
            )
    for req in f.requirements:
        for c in req.claims:
            links_of[c].append(
                {
                    "title": f"{f.label(req.dependent)} requires {f.label(req.prerequisite)}"
                    + (" (curators' reading)" if req.inferred_by_curators else ""),
                    "effect": EFFECT_LABEL["depends"],
                    "ends": [req.dependent, req.prerequisite],
                }
            )
    maps = maps or {}
    claims_out = []
    for c in claim_ids:
        info = f.claims[c]
        in_maps = [
            {"href": r.path.name, "title": r.title}
            for r in maps.values()
            if c in r.nodes_shown or any(set(lk["ends"]) <= r.nodes_shown for lk in links_of.get(c, []))
        ]
        claims_out.append(
            {
                "iri": curie(c),
                "label": info.label,
                "statement": info.statement,
                "breadth": b.breadth_label(info),
                "rank": f.breadth(info.consensus),
                "speaker": SPEAKER_LABEL.get(f.speaker_role(c), ""),
                "who": b.who(info),
                "quotes": [q.exact for q in info.quotes],
                "links": [{k: lk[k] for k in ("title", "effect", "recorded", "cases") if k in lk}
                          for lk in links_of.get(c, [])],
                "maps": in_maps,
            }
        )
    # Where each quote stands in the text: only this document's claims and quotes (another document's
    # paragraph 4 is not this one's).
    doc_iri = str(R2PR) + source.slug if source.slug else ""
    spans: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    counted: dict[int, set[int]] = defaultdict(set)
    for c in claim_ids:
        info = f.claims[c]
        if doc_iri and f.model.document_of(c) not in ("", doc_iri):
            continue
        if info.paragraph:
            counted[info.paragraph].add(index[c])
        for q in info.quotes:
            needle = collapse(q.exact)
            if not needle or doc_iri and q.source not in ("", doc_iri):
                continue
            for p in source.paragraphs:
                start = p.text.find(needle)
                while start >= 0:
                    spans[p.number].append((start, start + len(needle), index[c]))
                    counted[p.number].add(index[c])
                    start = p.text.find(needle, start + 1)
    paragraphs = [
        {
            "n": p.number,
            "section": p.section,
            "segments": _segments(p.text, spans.get(p.number, [])),
            "claims": len(counted.get(p.number, ())),
        }
        for p in source.paragraphs
    ]
    legend = [
        {"rank": r, "fill": BREADTH_FILL[r], "text": text_colour(BREADTH_FILL[r]), "label": lab}
        for r, lab in [(0, "breadth not stated")]
        + sorted(
            ((f.breadth(lv), f.label(lv)) for lv in f.consensus_rank if f.breadth(lv)),
            key=lambda x: x[0],
        )
    ]
    return {
        # The title comes from the data (Facts, graph.documents).
        "title": f"{document.title if document else f.title}: the text, paragraph by paragraph",
        "source": SOURCE_LINE.format(citation=document.citation() if document else f.citation, version=__version__),
        "paragraphs": paragraphs,
        "claims": claims_out,
        "fills": {str(k): v for k, v in BREADTH_FILL.items()},
        "inks": {str(k): text_colour(v) for k, v in BREADTH_FILL.items()},
        "legend": legend,
    }


def reading_page(data: dict[str, Any]) -> str:
    js = (ASSETS / "reading.js").read_text(encoding="utf-8")
    css = (ASSETS / "reading.css").read_text(encoding="utf-8")
    title = html.escape(data["title"])
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>{inline_style(css)}</style>\n</head>\n<body>\n"
        f'<header id="top"><a class="btn" href="index.html">&#8592; All maps</a><div><h1>{title}</h1>'
        '<p class="desc">Every quote the graph holds is lit; the colour says how widely the view was held. '
        "Click a quote (or Tab to it and press Enter) for its claims, links and maps.</p></div></header>\n"
        '<nav id="legend" aria-label="How widely held"></nav>\n'
        '<main id="text"></main>\n<aside id="panel" hidden aria-live="polite"></aside>\n'
        f'<script type="application/json" id="r2p-reading">{script_json(data)}</script>\n'
        f"<script>{inline_script(js)}</script>\n</body>\n</html>\n"
    )


def reading_file(document: Document | None) -> str:
    """reading.html for a project's one text; reading-SLUG.html for each text of a project of several."""
    return f"reading-{document.slug}.html" if document else READING


def write_reading_view(
    facts: Facts, source: SourceText, out_dir: Path, maps: Mapping[str, RenderedView] | None = None,
    document: Document | None = None,
) -> Path:
    page = reading_page(reading_data(facts, source, maps, document))
    return write_atomic(Path(out_dir) / reading_file(document), page)
