"""The handout as one HTML page of the built site, made to be printed (A4 or Letter) as it stands.

The same blocks as the Markdown handout (handout.py), so both say the same
thing in the same order. Every text from the data is escaped; the page loads
nothing from anywhere (its style is inline) and opens from a USB stick. Print
rules: no fixed paper size (the printer's A4 or Letter), margins in
millimetres, headings and an entry's title kept with what follows, a sentence
and its quote never split across pages, long words wrapped, links shown as
plain text.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from graph.output import write_atomic
from graph.pathways.handout import Cite, Handout, Line, build_handout

if TYPE_CHECKING:
    from graph.pathways.model import PathwayReport
    from graph.store import KnowledgeGraph

PAGE_NAME = "handout.html"
TITLE = "Handout: prevention pathways"
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
STYLE = """
:root { color-scheme: light; }
body { font: 11pt/1.45 Georgia, "DejaVu Serif", serif; color: #111; background: #fff;
       max-width: 48em; margin: 2em auto; padding: 0 1.2em; overflow-wrap: anywhere; }
h1 { font-size: 1.6em; margin: 0 0 .4em; }
h2 { font-size: 1.3em; margin: 1.4em 0 .4em; border-bottom: 1px solid #999; break-after: avoid; }
h3 { font-size: 1.1em; margin: 1em 0 .3em; break-after: avoid; }
p.note, p.intro { margin: .3em 0 .6em; }
ol.entries { padding-left: 1.6em; margin: .2em 0 .8em; }
ol.entries > li { margin: 0 0 .7em; }
ol.entries > li > strong { display: block; break-after: avoid; }
ul.lines { list-style: none; padding-left: 0; margin: .15em 0; }
ul.lines > li { margin: .15em 0; break-inside: avoid; }
.label { font-style: italic; }
blockquote { margin: .15em 0 .35em 1em; padding-left: .6em; border-left: 3px solid #777; }
blockquote q { font-style: italic; quotes: "\\201C" "\\201D"; }
.who { color: #333; font-size: .92em; }
nav { font-size: .9em; margin-bottom: 1em; }
@page { margin: 16mm 15mm 18mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10.5pt; }
  nav { display: none; }
  a { color: inherit; text-decoration: none; }
  h2 { break-before: auto; }
}
"""


def _cite(c: Cite) -> str:
    e = html.escape
    where = c.where()
    if c.back:
        return f'<blockquote class="back">(quoted above{e(where)}: <span class="who">{e(c.who)}</span>)</blockquote>'
    return (f"<blockquote><q>{e(c.quote)}</q> <span class=\"who\">— {e(c.who)}{e(where)}</span></blockquote>")


def _line(line: Line) -> str:
    e = html.escape
    head = f'<span class="label">{e(line.label)}:</span> ' if line.label and not line.text.startswith(
        line.label) else ""
    return f"<li>{head}{e(line.text)}{_cite(line.cite) if line.cite is not None else ''}</li>"


def render_html(h: Handout, index_href: str | None = "index.html") -> str:
    e = html.escape
    out = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
           f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',  # a constant: no double quote
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{e(TITLE)}</title><style>{STYLE}</style></head><body>"]
    if index_href:
        out.append(f'<nav><a href="{e(index_href)}">← all maps</a> · print this page for a workshop '
                   "(A4 or Letter)</nav>")
    out.append(f"<h1>{e(h.title)}</h1>")
    out += [f'<p class="intro">{e(p.replace("*", ""))}</p>' for p in h.intro]
    for part in h.parts:
        out.append(f"<section><h2>{e(part.title)}</h2>")
        if part.intro:
            out.append(f'<p class="intro">{e(part.intro)}</p>')
        for group in part.groups:
            out.append(f"<h3>{e(group.title)}</h3>")
            if group.note:
                out.append(f'<p class="note">{e(group.note)}</p>')
            out.append('<ol class="entries">')
            for entry in group.entries:
                out.append(f"<li><strong>{e(entry.title)}</strong><ul class=\"lines\">"
                           + "".join(_line(x) for x in entry.lines) + "</ul></li>")
            out.append("</ol>")
        out.append("</section>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def to_html(report: PathwayReport, index_href: str | None = "index.html") -> str:
    """The handout as a printable HTML page."""
    return render_html(build_handout(report), index_href)


def write_handout_page(kg: KnowledgeGraph, out_dir: str | Path) -> Path:
    """Derive the cited pathway report with the project's options and write the page into the site."""
    from graph.derive_options import derive_options
    from graph.pathways.derive_report import derive_pathways
    from graph.project import current_project

    report = derive_pathways(kg, **derive_options(current_project()))
    return write_atomic(Path(out_dir) / PAGE_NAME, to_html(report))
