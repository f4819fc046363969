"""The brief's plain text: body paragraphs, sections, and verbatim-quote lookup.

The text file is a PDF extraction: page breaks split paragraphs (a block that
stops mid-sentence continues in a later block), a sidebar sits in the middle
of a paragraph, and the participants list and the foundation's boilerplate
follow the body. This module turns it into numbered body paragraphs so that
coverage and the quote check speak of the brief's own paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from graph.errors import InputError

# Blocks that belong to the layout, not to the argued body of the brief.
SIDEBAR_PREFIXES = (
    "This brief summarizes the primary findings",
    "Participants neither reviewed nor approved this brief",
)
# The body ends where the participants list starts.
BODY_END_MARKER = "Participants"
TITLE = "Preventing Mass Atrocities: Resilient Societies, State Capacity, and Structural Reform"
INTRODUCTION = "Introduction"
_TERMINAL = (".", "?", "!", ":", '"', "\u201d")
_HEADING_MAX_WORDS = 14


def collapse(text: str) -> str:
    """Collapse runs of whitespace to one space (the quote-matching normal form)."""
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Paragraph:
    number: int  # 1-based, in document order over the body
    section: str  # heading of the section it stands in
    text: str  # whitespace-collapsed, page-break splits joined
    line: int  # line of the source file where it starts


@dataclass(frozen=True)
class SourceText:
    path: Path
    paragraphs: tuple[Paragraph, ...]
    sections: tuple[str, ...]
    full_text: str  # the whole file, whitespace-collapsed

    def contains(self, quote: str) -> bool:
        return collapse(quote) in self.full_text

    def paragraphs_containing(self, quote: str) -> list[Paragraph]:
        q = collapse(quote)
        return [p for p in self.paragraphs if q in p.text]


def _blocks(lines: list[str]) -> list[tuple[int, str]]:
    """Blank-line separated blocks with the 1-based line number where each starts."""
    blocks: list[tuple[int, str]] = []
    start, buf = 0, []
    for i, line in enumerate(lines, start=1):
        if line.strip():
            if not buf:
                start = i
            buf.append(line.strip())
        elif buf:
            blocks.append((start, "\n".join(buf)))
            buf = []
    if buf:
        blocks.append((start, "\n".join(buf)))
    return blocks


def _is_heading(block: str) -> bool:
    text = collapse(block)
    return len(text.split()) <= _HEADING_MAX_WORDS and not text.endswith((".", ":", ","))


def read_source(path: str | Path) -> SourceText:
    """Parse the brief's text into numbered body paragraphs and sections."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read the source text: {e}", path) from None
    blocks = _blocks(raw.splitlines())
    # The body starts after the title line and ends at the participants list.
    titles = [i for i, (_, b) in enumerate(blocks) if collapse(b) == TITLE]
    if not titles:
        raise InputError(f"not the brief's text: no title line {TITLE!r}", path)
    start = titles[0] + 1
    end = next((i for i, (_, b) in enumerate(blocks) if i > start and collapse(b) == BODY_END_MARKER), len(blocks))
    section = INTRODUCTION
    sections = [INTRODUCTION]
    paragraphs: list[Paragraph] = []
    pending: tuple[int, str, str] | None = None  # (line, section, text) awaiting its continuation
    for line, block in blocks[start:end]:
        text = collapse(block)
        if text.startswith(SIDEBAR_PREFIXES):
            continue
        if pending is None and _is_heading(block):
            section = text
            sections.append(section)
            continue
        if pending is not None:
            line, para_section, text = pending[0], pending[1], pending[2] + " " + text
        else:
            para_section = section
        if text.endswith(_TERMINAL):
            paragraphs.append(Paragraph(len(paragraphs) + 1, para_section, text, line))
            pending = None
        else:
            pending = (line, para_section, text)
    if pending is not None:
        paragraphs.append(Paragraph(len(paragraphs) + 1, pending[1], pending[2], pending[0]))
    return SourceText(path, tuple(paragraphs), tuple(sections), collapse(raw))
