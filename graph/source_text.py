"""A document's text: body paragraphs, sections, and verbatim-quote lookup, read by the document's layout.

Texts are plain text, Markdown or PDF (text extracted with pdfminer.six). How
a text is laid out (where the body starts and ends, which blocks are sidebars,
how long a heading may be, which lines are page headers or footers) is data: a
layout TOML next to the text (see `Layout`), so this module holds no title,
marker or prefix of any one document. Paragraphs are numbered over the body,
so coverage and the quote check speak of the document's own paragraphs.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, fields
from pathlib import Path

from graph.errors import InputError

FORMATS = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown", ".pdf": "pdf"}
_TERMINAL = (".", "?", "!", ":", '"', "\u201d")
# Typographic quotes and dashes a PDF extraction may give for the plain ones a curator types.
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00ad": None})
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")


def collapse(text: str) -> str:
    """Collapse runs of whitespace to one space (the quote-matching normal form)."""
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Layout:
    """How a text is laid out: read from a TOML file whose keys are these fields."""

    format: str | None = None  # text, markdown or pdf; default: from the file ending
    body_starts_after: str | None = None  # the block (e.g. the title line) after which the body starts
    body_ends_at: str | None = None  # the block where the body ends (e.g. a participants list heading)
    skip_blocks_starting: tuple[str, ...] = ()  # sidebars and boilerplate inside the body
    drop_lines: tuple[str, ...] = ()  # regular expressions for page headers and footers (whole lines)
    first_section: str = "Introduction"  # the section of paragraphs before the first heading
    heading_max_words: int = 14  # text and PDF: a shorter block without end punctuation is a heading
    join_page_breaks: bool = True  # a block that stops mid-sentence continues in the next one
    normalise: bool | None = None  # NFKC, ligatures, typographic quotes, end-of-line hyphens; default: PDF only

    def format_of(self, path: Path) -> str:
        fmt = self.format or FORMATS.get(path.suffix.lower(), "text")
        if fmt not in FORMATS.values():
            raise InputError(f"unknown text format {fmt!r} (known: text, markdown, pdf)", path)
        return fmt


def read_layout(path: str | Path) -> Layout:
    """A layout TOML; an unknown key or a wrong type is one clear error."""
    path = Path(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"TOML syntax error: {e}", path) from None
    except OSError as e:
        raise InputError(f"cannot read the layout: {e.strerror}", path) from None
    types = {f.name: f for f in fields(Layout)}
    values: dict[str, object] = {}
    for key, value in doc.items():
        if key not in types:
            raise InputError(f"unknown layout key {key!r} (known: {', '.join(types)})", path)
        default = types[key].default
        if isinstance(default, tuple):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise InputError(f"{key} must be a list of strings", path)
            value = tuple(value)
        elif isinstance(default, bool) or key == "normalise":
            if not isinstance(value, bool):
                raise InputError(f"{key} must be true or false", path)
        elif isinstance(default, int) and (not isinstance(value, int) or value < 1):
            raise InputError(f"{key} must be a positive integer", path)
        elif not isinstance(value, str | int) or isinstance(value, bool):
            raise InputError(f"{key} must be a string", path)
        values[key] = value
    drop_lines = values.get("drop_lines", ())
    for pattern in drop_lines if isinstance(drop_lines, list | tuple) else ():
        try:
            re.compile(str(pattern))
        except re.error as e:
            raise InputError(f"drop_lines: bad regular expression {pattern!r}: {e}", path) from None
    return Layout(**values)  # type: ignore[arg-type]


def layout_beside(text: Path) -> Path:
    """Where a text's layout file is by default: <name>.layout.toml next to it."""
    return text.with_name(text.stem + ".layout.toml")


@dataclass(frozen=True)
class Paragraph:
    number: int  # 1-based, in document order over the body
    section: str  # heading of the section it stands in
    text: str  # whitespace-collapsed, page-break splits joined
    line: int  # line of the (extracted) text where it starts
    breaks: tuple[int, ...] = ()  # offsets in text of the joins of page-break splits (a quote never spans one)


@dataclass(frozen=True)
class SourceText:
    path: Path
    paragraphs: tuple[Paragraph, ...]
    sections: tuple[str, ...]
    full_text: str  # the whole text, whitespace-collapsed
    slug: str | None = None  # the document (r2pr:<slug>) this is the text of
    normalised: bool = False  # quotes are matched after the same normalisation as the text

    def match_form(self, quote: str) -> str:
        return collapse(normalise(quote) if self.normalised else quote)

    def contains(self, quote: str) -> bool:
        return self.match_form(quote) in self.full_text

    def paragraphs_containing(self, quote: str) -> list[Paragraph]:
        q = self.match_form(quote)
        return [p for p in self.paragraphs if q in p.text]


def normalise(text: str) -> str:
    """Unicode NFKC (ligatures become letters), typographic quotes made plain, soft hyphens dropped."""
    return unicodedata.normalize("NFKC", text).translate(_QUOTES)


def blocks_of(lines: list[str]) -> list[tuple[int, str]]:
    """Blank-line separated blocks with the 1-based line number where each starts."""
    blocks: list[tuple[int, str]] = []
    start, buf = 0, []  # type: tuple[int, list[str]]
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


def pdf_pages(path: Path) -> list[str]:
    """The text of each page of a PDF, as pdfminer.six lays it out (text boxes separated by blank lines)."""
    from pdfminer.high_level import extract_text
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    try:
        return extract_text(str(path)).split("\f")
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as e:
        raise InputError(f"cannot read the PDF: {e or type(e).__name__}", path) from None


def raw_text(path: Path, fmt: str) -> str:
    """The text of a file as read before its layout is applied (a PDF's pages separated by blank lines)."""
    try:
        if fmt == "pdf":
            return "\n\n".join(pdf_pages(path))
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read the source text: {e}", path) from None


def _join_hyphenated(lines: list[str]) -> list[str]:
    """'preven-' at a line end followed by 'tion' becomes 'prevention' (the line numbers are kept)."""
    out = list(lines)
    for i in range(len(out) - 1):
        if re.search(r"[a-z]-$", out[i]) and re.match(r"\s*[a-z]", out[i + 1]):
            head, _, tail = out[i + 1].lstrip().partition(" ")
            out[i], out[i + 1] = out[i][:-1] + head, tail
    return out


def _markdown_inline(text: str) -> str:
    text = _MD_LINK.sub(r"\1", text)
    for _ in range(2):  # nested emphasis (**_x_**)
        text = _MD_EMPHASIS.sub(r"\2", text)
    return text


def read_source(path: str | Path, layout: Layout | str | Path | None = None, *, slug: str | None = None) -> SourceText:
    """Parse a text into numbered body paragraphs and sections, by its layout.

    `layout` is a Layout, a layout file, or None for the <name>.layout.toml next to the
    text when there is one (else the defaults: the whole text is the body).
    """
    path = Path(path)
    if layout is None:
        beside = layout_beside(path)
        layout = read_layout(beside) if beside.is_file() else Layout()
    elif not isinstance(layout, Layout):
        layout = read_layout(layout)
    fmt = layout.format_of(path)
    clean = layout.normalise if layout.normalise is not None else fmt == "pdf"
    raw = raw_text(path, fmt)
    if clean:
        raw = normalise(raw)
    lines = raw.splitlines()
    if layout.drop_lines:
        dropped = re.compile("|".join(f"(?:{p})" for p in layout.drop_lines))
        lines = ["" if dropped.fullmatch(line.strip()) else line for line in lines]
    if clean:
        lines = _join_hyphenated(lines)
    blocks = blocks_of(lines)
    start = 0
    if layout.body_starts_after is not None:
        marker = collapse(layout.body_starts_after)
        titles = [i for i, (_, b) in enumerate(blocks) if collapse(b) == marker]
        if not titles:
            raise InputError(f"the layout's body_starts_after {marker!r} is not a block of this text", path)
        start = titles[0] + 1
    end = len(blocks)
    if layout.body_ends_at is not None:
        marker = collapse(layout.body_ends_at)
        end = next((i for i, (_, b) in enumerate(blocks) if i >= start and collapse(b) == marker), end)
    section = layout.first_section
    sections = [section]
    paragraphs: list[Paragraph] = []
    pending: tuple[int, str, str, tuple[int, ...]] | None = None  # (line, section, text, breaks) awaiting its rest
    skip = tuple(collapse(s) for s in layout.skip_blocks_starting)
    for line, block in blocks[start:end]:
        heading = None
        if fmt == "markdown":
            m = _MD_HEADING.match(block) if "\n" not in block else None
            if m:
                if len(m.group(1)) == 1 and not paragraphs and pending is None and layout.body_starts_after is None:
                    continue  # the document's title, not a section
                heading = _markdown_inline(m.group(2))
            block = _markdown_inline(re.sub(r"(?m)^(?:>\s?|[-*+]\s+|\d+\.\s+)", "", block))
        text = collapse(block)
        if skip and text.startswith(skip):
            continue
        if heading is None and fmt != "markdown" and pending is None and _is_heading(text, layout):
            heading = text
        if heading is not None:
            if pending is not None:  # a heading ends whatever paragraph was open
                paragraphs.append(Paragraph(len(paragraphs) + 1, pending[1], pending[2], pending[0], pending[3]))
                pending = None
            section = heading
            sections.append(section)
            continue
        breaks: tuple[int, ...] = ()
        if pending is not None:
            line, para_section, breaks = pending[0], pending[1], (*pending[3], len(pending[2]))
            text = pending[2] + " " + text
        else:
            para_section = section
        if text.endswith(_TERMINAL) or not layout.join_page_breaks or fmt == "markdown":
            paragraphs.append(Paragraph(len(paragraphs) + 1, para_section, text, line, breaks))
            pending = None
        else:
            pending = (line, para_section, text, breaks)
    if pending is not None:
        paragraphs.append(Paragraph(len(paragraphs) + 1, pending[1], pending[2], pending[0], pending[3]))
    full = collapse("\n".join(lines))
    if fmt == "markdown":  # quotes are matched against what a reader sees, without the markup
        full = collapse(_markdown_inline(re.sub(r"(?m)^\s*(?:#{1,6}|>|[-*+]|\d+\.)\s+", "", "\n".join(lines))))
    return SourceText(path, tuple(paragraphs), tuple(sections), full, slug, clean)


def _is_heading(text: str, layout: Layout) -> bool:
    return len(text.split()) <= layout.heading_max_words and not text.endswith((".", ":", ","))
