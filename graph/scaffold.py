"""New projects and new documents: what `r2pkg init` and `r2pkg source add` write.

`init_project` writes a project folder that inherits nothing of the brief (the
packaged ontology and shapes only). `add_source` registers a document's text:
copies it into sources/ (or records its path), proposes a layout next to it,
names both in r2pkg.toml, describes the document in data/<slug>/document.ttl and
writes a claims skeleton, one commented block per paragraph, for the curator.
Nothing the user already wrote is overwritten.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from graph.errors import InputError
from graph.output import write_atomic
from graph.project import PROJECT_FILE, Project, read_project
from graph.source_text import (
    FORMATS,
    Layout,
    SourceText,
    blocks_of,
    collapse,
    pdf_pages,
    raw_text,
    read_layout,
    read_source,
)

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")

PROJECT_TOML = """\
# An r2pkg project: commands run in this folder (or below it) use these files. Paths are relative to this file.
[project]
name = {name}
data = ["data"]          # every .ttl below these folders
output = "build"
# The packaged ontology and shapes are used unless you name your own:
# ontology = ["ontology/my-ontology.ttl"]
# shapes = "ontology/my-shapes.ttl"
# Your own named queries, QC checks, CONSTRUCT rules and tours (these folders, when present) add to the
# packaged ones; keep only some packaged ones with e.g.  packaged = ["qc"]
# queries = "queries"
# qc = "qc"
# rules = "rules"
# tours = "tours"

[derive]
max_steps = 4

# Source texts by document slug (r2pr:<slug>): `r2pkg source add SLUG FILE` adds them below.
[sources]
"""

README = """\
# {name}

An r2pkg project. Register a document's text, describe its claims, check and build:

```bash
r2pkg source add my-document path/to/text.md --title "Its title" --publisher "Who published it" --date 2024-05-01
# fill in data/my-document/claims.ttl (one commented block per paragraph), then
r2pkg validate       # shapes, QC checks, every quote against the text
r2pkg build          # the maps, the reading view and the exported graph in build/
```

- `sources/`: the documents' texts and their layouts (`<slug>.layout.toml`: how the body, headings and
  page headers are recognised).
- `data/`: the graph, in Turtle (a document's description and its claims).
- `queries/`: named SPARQL queries (`# title:`, `# param: NAME KIND required|optional example=V -- text`),
  listed by `r2pkg queries`.
- `qc/`: quality checks (SELECT ?entity ?message, with `# severity: ERROR|WARNING|INFO`).
- `rules/`: CONSTRUCT rules the derivation runs.
- `tours/`: YAML tours the maps play.
"""

EXAMPLE_QUERY = """\
# title: Claims of one document
# description: Every claim quoting the document, in paragraph order, with its quote.
# param: document iri required example=r2pr:{slug} -- the document (r2pr:<slug>)
SELECT ?claim ?label ?paragraph ?quote ?document WHERE {{
  ?claim a r2p:Claim ; rdfs:label ?label ;
         r2p:hasQuote [ oa:hasSource ?document ; oa:hasSelector/oa:exact ?quote ] .
  OPTIONAL {{ ?claim r2p:paragraph ?paragraph }}
}} ORDER BY ?paragraph ?claim
"""

PREFIXES = """\
@prefix r2p:     <https://w3id.org/r2pkg/ontology#> .
@prefix r2pr:    <https://w3id.org/r2pkg/resource/> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix dcat:    <http://www.w3.org/ns/dcat#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix oa:      <http://www.w3.org/ns/oa#> .
"""


def init_project(folder: str | Path, name: str | None = None) -> list[Path]:
    """Write a new project folder; refuses a folder that already holds an r2pkg.toml. Returns what it made: the
    folders, then the files."""
    folder = Path(folder).resolve()
    if (folder / PROJECT_FILE).exists():
        raise InputError("is already an r2pkg project", folder / PROJECT_FILE)
    if folder.exists() and not folder.is_dir():
        raise InputError("is not a folder", folder)
    name = name or folder.name
    written = []
    try:
        for sub in ("data", "sources", "queries", "qc", "rules", "tours"):
            if not (folder / sub).is_dir():
                (folder / sub).mkdir(parents=True)
                written.append(folder / sub)  # said too: an empty folder is easy to miss
    except OSError as e:
        raise InputError(f"cannot create the project: {e.strerror}", folder) from None
    files = {
        "README.md": README.format(name=name),
        ".gitignore": "build/\n",
        "queries/claims-of-document.rq": EXAMPLE_QUERY.format(slug="my-document"),
        PROJECT_FILE: PROJECT_TOML.format(name=_toml_str(name)),  # last: a folder is a project once complete
    }
    for rel, text in files.items():
        if not (folder / rel).exists():
            written.append(write_atomic(folder / rel, text))
    return written


@dataclass
class Added:
    """What `add_source` did, for the lines `r2pkg source add` prints."""

    slug: str
    text: Path
    paragraphs: int
    written: list[Path] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # what was there already and left alone


def propose_layout(path: Path, fmt: str) -> tuple[Layout, str]:
    """A layout for a text and the TOML that says it, with comments: the curator checks and edits it."""
    lines = [f"# How the text of {path.name} is laid out: proposed by `r2pkg source add`; check and edit.",
             f"format = \"{fmt}\""]
    drop: list[str] = []
    starts = None
    if fmt == "pdf":
        # Page headers and footers: short lines found on every page (any number in them read as any number).
        pages = [p for p in pdf_pages(path) if p.strip()]
        seen: Counter[str] = Counter()
        for page in pages:
            seen.update({re.sub(r"\d+", r"\\d+", re.escape(collapse(x))) for x in page.splitlines()
                         if 0 < len(x.split()) <= 8})
        drop = sorted(p for p, c in seen.items() if len(pages) > 1 and c == len(pages))
        lines.append("# Page headers and footers (regular expressions for whole lines): they are dropped.")
        lines.append("drop_lines = [" + ", ".join(_toml_str(p) for p in drop) + "]")
    if fmt != "markdown":
        text = raw_text(path, fmt)
        kept = [collapse(b) for _, b in blocks_of(text.splitlines()) if collapse(b) and not any(
            re.fullmatch(p, collapse(b)) for p in drop)]
        first = kept[0] if kept else ""
        if first and len(first.split()) <= 14 and not first.endswith((".", ":", ",")):
            starts = first
            lines.append("# The body starts after the title block:")
            lines.append(f"body_starts_after = {_toml_str(first)}")
    lines += ["# The body ends at this block (e.g. a list of references); none: the body runs to the end.",
              "# body_ends_at = \"References\"",
              "# Blocks to skip inside the body (sidebars, boilerplate), by their first words:",
              "skip_blocks_starting = []",
              "first_section = \"Introduction\"",
              "# Text and PDF: a block of at most this many words without end punctuation is a heading.",
              "heading_max_words = 14",
              "# A block that stops mid-sentence (a page break) continues in the next one.",
              "join_page_breaks = true"]
    layout = Layout(format=fmt, drop_lines=tuple(drop), body_starts_after=starts)
    return layout, "\n".join(lines) + "\n"


def _toml_str(value: str) -> str:
    """A TOML basic string (JSON's string escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


def _toml_source_block(slug: str, text: str, layout: str) -> str:
    return f"[sources.{slug}]\ntext = {_toml_str(text)}\nlayout = {_toml_str(layout)}\n"


def _register(config: Path, slug: str, text: str, layout: str) -> bool:
    """Name the text and layout in r2pkg.toml's [sources.<slug>] (replacing an older entry); False if unchanged."""
    project = read_project(config)
    entry = project.sources.get(slug)
    target = (config.parent / text).resolve()
    if entry is not None and target in entry.candidates and entry.layout is not None:
        return False
    lines = config.read_text(encoding="utf-8").splitlines(keepends=True)
    out, table, skipping = [], "", False
    for line in lines:
        header = re.match(r"^\s*\[([^\]]+)\]", line)
        if header:
            table = header.group(1).strip()
            skipping = table == f"sources.{slug}"
            if skipping:
                continue
        if skipping or (table == "sources" and re.match(rf"^\s*\"?{re.escape(slug)}\"?\s*=", line)):
            continue
        out.append(line)
    body = "".join(out).rstrip("\n") + "\n\n" + _toml_source_block(slug, text, layout)
    write_atomic(config, body)
    read_project(config)  # what we wrote must read back
    return True


def _described(project: Project, slug: str) -> bool:
    """Does the project's data already describe r2pr:<slug> as a source document?"""
    pattern = re.compile(rf"r2pr:{re.escape(slug)}\s+a\s+r2p:SourceDocument|/resource/{re.escape(slug)}>\s+a\s+r2p:")
    return any(pattern.search(f.read_text(encoding="utf-8", errors="replace"))
               for d in project.data for f in (d.rglob("*.ttl") if d.is_dir() else [d]))


def _check_metadata(date: str | None, url: str | None) -> None:
    if date and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        raise InputError(f"--date {date!r}: give a date as YYYY-MM-DD")
    if url and not re.match(r"https?://\S+$", url):
        raise InputError(f"--url {url!r}: give the landing page's http(s) address")


def describe_document(slug: str, title: str, publisher: str | None, date: str | None, url: str | None,
                      licence: str | None, source: SourceText) -> str:
    """The document's description and its sections, in Turtle."""
    doc = f"r2pr:{slug}"
    lines = [PREFIXES, f"# The document r2pr:{slug} and its sections (written by `r2pkg source add`; edit freely).",
             f"{doc} a r2p:SourceDocument ;", f"    rdfs:label {Literal(title, lang='en').n3()} ;",
             f"    dcterms:title {Literal(title).n3()} ;"]
    if publisher:
        lines.append(f"    dcterms:publisher {Literal(publisher).n3()} ;")
    _check_metadata(date, url)
    if date:
        lines.append(f"    dcterms:issued {Literal(date, datatype=XSD.date).n3()} ;")
    if url:
        lines.append(f"    dcat:landingPage {URIRef(url).n3()} ;")
    if licence:
        lines.append(f"    dcterms:rights {Literal(licence).n3()} ;")
    lines[-1] = lines[-1][:-2] + " ."
    # The label names the document: two documents of a corpus often share headings ("Introduction"),
    # and labels are unique across the graph (the duplicate-labels check).
    for i, section in enumerate(source.sections, start=1):
        lines += ["", f"r2pr:{slug}-section-{i} a r2p:DocumentSection ;",
                  f"    rdfs:label {Literal(f'Section {i} of {slug}: {section}', lang='en').n3()} ;",
                  f"    dcterms:title {Literal(section).n3()} ;",
                  f"    r2p:sectionIndex \"{i}\"^^xsd:positiveInteger ;", f"    r2p:sectionOf {doc} ."]
    return "\n".join(lines) + "\n"


def claims_skeleton(slug: str, source: SourceText) -> str:
    """One commented claim block per paragraph, with its number, section and first words."""
    index = {s: i for i, s in reversed(list(enumerate(source.sections, start=1)))}
    out = [PREFIXES, f"# Claims of r2pr:{slug}, one block per paragraph: uncomment, paraphrase in your own words,",
           "# quote at most 25 words verbatim (oa:exact), and name who said it and how widely it was shared."]
    for p in source.paragraphs:
        words = p.text.split()
        opening = " ".join(words[:10]) + (" ..." if len(words) > 10 else "")
        out += ["", f"# --- paragraph {p.number} ({p.section}): {opening}",
                f"# r2pr:{slug}-p{p.number:02d}-01 a r2p:Claim ;",
                "#     rdfs:label \"...\"@en ;",
                "#     r2p:statement \"...\" ;",
                f"#     r2p:hasQuote [ a oa:SpecificResource ; oa:hasSource r2pr:{slug} ;",
                "#         oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact \"...\" ] ] ;",
                f"#     r2p:section r2pr:{slug}-section-{index.get(p.section, 1)} ;",
                f"#     r2p:paragraph {p.number} ;",
                f"#     r2p:documentOrder {p.number * 100 + 1} ;",
                "#     r2p:consensus r2p:BreadthNotStated ;",
                "#     r2p:speakerRole r2p:ParticipantRole ;",
                "#     prov:wasAttributedTo r2pr:... ;",
                "#     r2p:about r2pr:... ."]
    return "\n".join(out) + "\n"


def add_source(project: Project, slug: str, path: str | Path, *, title: str | None = None,
               publisher: str | None = None, date: str | None = None, url: str | None = None,
               licence: str | None = None, copy: bool = True) -> Added:
    """Register a document's text in the project (see the module docstring)."""
    if project.config is None:
        raise InputError("not inside an r2pkg project: make one with `r2pkg init DIR` and run this there")
    if not SLUG.match(slug):
        raise InputError(f"slug {slug!r}: use lower-case letters, digits and hyphens (it becomes r2pr:{slug})")
    _check_metadata(date, url)  # before anything is written
    src = Path(path).resolve()
    if not src.is_file():
        raise InputError("no such file", src)
    fmt = FORMATS.get(src.suffix.lower())
    if fmt is None:
        raise InputError(f"not a text r2pkg reads (file endings: {', '.join(FORMATS)})", src)
    root = project.root
    sources = root / "sources"
    done = Added(slug, src, 0)
    # The layout: the one the project names or that sits in sources/, else a proposal. The text is read
    # with it before anything is written, so a text that cannot be read leaves the project as it was.
    entry = project.sources.get(slug)
    layout_path = entry.layout if entry is not None and entry.layout is not None else sources / f"{slug}.layout.toml"
    proposal = None
    if layout_path.is_file():
        layout = read_layout(layout_path)
        done.kept.append(f"layout {layout_path}")
    else:
        layout, proposal = propose_layout(src, fmt)
    text = read_source(src, layout, slug=slug)
    done.paragraphs = len(text.paragraphs)
    # The text: a copy in sources/, or the path as given.
    sources.mkdir(exist_ok=True)
    dest = sources / f"{slug}{src.suffix.lower()}" if copy else src
    if copy and dest != src:
        try:
            shutil.copyfile(src, dest)
        except OSError as e:
            raise InputError(f"cannot copy: {e.strerror}", dest) from None
        done.written.append(dest)
    done.text = dest
    if proposal is not None:
        done.written.append(write_atomic(layout_path, proposal))
    if _register(project.config, slug, _relative(dest, root), _relative(layout_path, root)):
        done.written.append(project.config)
    # The description and the claims skeleton, unless the data already describes the document.
    if _described(project, slug):
        done.kept.append(f"the description of r2pr:{slug} in the data")
        return done
    folder = project.data[0] / slug
    folder.mkdir(parents=True, exist_ok=True)
    description = describe_document(slug, title or _first_heading(text) or slug, publisher, date, url, licence,
                                    text)
    for name, body in (("document.ttl", description), ("claims.ttl", claims_skeleton(slug, text))):
        if (folder / name).exists():
            done.kept.append(str(folder / name))
        else:
            done.written.append(write_atomic(folder / name, body))
    return done


def _relative(path: Path, root: Path) -> str:
    """A path as r2pkg.toml names it: relative to the project when inside it."""
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def _first_heading(text: SourceText) -> str | None:
    """A title for a document given none: a Markdown level-1 heading, else the layout's title block."""
    if text.path.suffix.lower() in (".md", ".markdown"):
        m = re.search(r"(?m)^#\s+(.+?)\s*$", text.path.read_text(encoding="utf-8"))
        return m.group(1) if m else None
    return None
