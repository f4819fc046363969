"""Argdown: the brief's claims as statements and the supports and attacks between them, one section per
section of the document, for the Argdown editor and `argdown map`.

Each statement is titled by the claim's slug; its text is our paraphrase,
tagged with the speaker, the breadth of agreement and, for a claim that reports
another's view, whose view (`view of:`); its data (YAML in braces) keeps the IRI,
the verbatim quotes, the longer statement, who it is attributed to, whose view it
reports and the paragraph. Relations are written under their conclusion: `+ [premise]`
for a support, `- [premise]` for an attack, followed by `// the curators' reading`
where the relation is theirs, not the brief's (Argdown has no data on relations).
"""

from __future__ import annotations

import json
import re

from graph import formats
from graph.exports.content import ExportContent

# Characters Argdown reads as syntax inside a statement's text or a heading.
_SPECIAL = re.compile(r"([\\\[\]<>{}#*_])")


def escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _tag(name: str, value: str) -> str:
    return f"#({name}: {value.replace('(', '').replace(')', '')})"


def _data(values: dict[str, object]) -> str:
    # JSON strings and numbers are YAML flow scalars, so the quotes keep every character.
    pairs = (f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in values.items() if v not in ("", None, []))
    return "{" + ", ".join(pairs) + "}"


def slug(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def write_argdown_text(content: ExportContent) -> str:
    m = content.model
    title = content.label(content.document) if content.document else "r2pkg: the arguments of every document"
    lines = ["===", f"title: {json.dumps(title, ensure_ascii=False)}", "===", ""]
    incoming: dict[str, list[tuple[str, str, bool]]] = {}
    for a in content.arguments:
        sign = "-" if a.kind.endswith("#Attack") else "+"
        if (sign, a.premise, a.inferred_by_curators) not in incoming.setdefault(a.conclusion, []):
            incoming[a.conclusion].append((sign, a.premise, a.inferred_by_curators))
    by_section: dict[str, list] = {}
    for c in content.claims.values():
        by_section.setdefault(c.section if c.section in m.sections else "", []).append(c)
    order = sorted(by_section, key=lambda s: (s == "", m.sections[s].index if s in m.sections else 0, s))
    for section in order:
        lines += [f"# {escape(content.label(section)) if section else 'Claims outside any section'}", ""]
        for c in sorted(by_section[section], key=lambda c: (c.order if c.order is not None else 10**9, c.iri)):
            tags = [_tag("speaker", content.speaker(c)), _tag("breadth", content.breadth(c) or "not stated")]
            # a claim that reports another's view (para 14: "international actors see ..."): an attack on it
            # disputes the view reported, not the speakers' report of it
            tags += [_tag("view of", content.label(v)) for v in c.views_of]
            data = {"iri": c.iri, "quote": [q.exact for q in content.quotes_of(c.iri)], "statement": c.statement,
                    "attributed_to": list(content.agents(c)), "view_of": [content.label(v) for v in c.views_of],
                    "paragraph": c.paragraph}
            lines.append(f"[{slug(c.iri)}]: {escape(c.label or c.statement)} {' '.join(tags)} {_data(data)}")
            lines += [f"  {sign} [{slug(premise)}]" + (" // the curators' reading" if curators else "")
                      for sign, premise, curators in sorted(incoming.get(c.iri, ()))]
            lines.append("")
    return "\n".join(lines)


@formats.exporter("argdown", media_type="text/x-argdown; charset=utf-8", extension=".argdown",
                  opens_with="the Argdown editor and argdown map (a picture of the argument map)")
def write_argdown(content: ExportContent) -> str:
    return write_argdown_text(content)
