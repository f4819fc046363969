"""Source documents as data: their descriptions in the graph and their texts in the project.

A document is an r2p:SourceDocument in the data (title, publisher, date, landing
page, licence note); its text is whatever copy the project names in r2pkg.toml,
read by the document's layout. Render and handout code print the title from
here, never a title of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import InputError
from graph.namespaces import R2PR
from graph.project import DocumentSource, Project
from graph.source_text import SourceText, layout_beside, read_layout, read_source

_DOCUMENTS = """
SELECT ?doc ?title ?label ?publisher ?issued ?page ?rights WHERE {
  ?doc a r2p:SourceDocument .
  OPTIONAL { ?doc dcterms:title ?title }
  OPTIONAL { ?doc rdfs:label ?label }
  OPTIONAL { ?doc dcterms:publisher ?p . OPTIONAL { ?p rdfs:label ?plabel } BIND(COALESCE(?plabel, ?p) AS ?publisher) }
  OPTIONAL { ?doc dcterms:issued ?issued }
  OPTIONAL { ?doc <http://www.w3.org/ns/dcat#landingPage> ?page }
  OPTIONAL { ?doc dcterms:rights ?rights }
} ORDER BY ?doc
"""


@dataclass(frozen=True)
class Document:
    iri: str
    title: str
    publisher: str = ""
    issued: str = ""  # as written in the data (a date or dateTime)
    url: str = ""  # the publisher's landing page
    rights: str = ""  # licence note: may the text be redistributed?

    @property
    def slug(self) -> str:
        return self.iri.removeprefix(str(R2PR))

    @property
    def year(self) -> str:
        return self.issued[:4]

    def citation(self) -> str:
        """'Title (Publisher, 2014)': how maps, the reading view and the handout name the document."""
        said = ", ".join(x for x in (self.publisher, self.year) if x)
        return f"{self.title} ({said})" if said else self.title


def documents(kg) -> list[Document]:
    """Every source document the asserted data describes, in IRI order."""
    out: dict[str, Document] = {}
    for row in kg.select(_DOCUMENTS, asserted_only=True):
        iri = str(row["doc"])
        if iri in out:
            continue
        title = str(row.get("title") or row.get("label") or iri.rsplit("/", 1)[-1])
        out[iri] = Document(iri, title, str(row.get("publisher") or ""), str(row.get("issued") or ""),
                            str(row.get("page") or ""), str(row.get("rights") or ""))
    return list(out.values())


def quoted_documents(kg) -> list[Document]:
    """The documents claims quote (every described document when no claim quotes one), in IRI order."""
    quoted = {str(r["doc"]) for r in kg.select(
        "SELECT DISTINCT ?doc WHERE { ?c a r2p:Claim ; r2p:hasQuote/oa:hasSource ?doc }", asserted_only=True)}
    docs = documents(kg)
    return [d for d in docs if d.iri in quoted] or docs


def document_title(kg) -> str:
    """The title to print for the graph: its documents' titles (those claims quote), joined by '; '."""
    return "; ".join(d.title for d in quoted_documents(kg)) or "r2pkg"


def document_citation(kg) -> str:
    """'Title (Publisher, year)' for each document claims quote, joined by '; '."""
    return "; ".join(d.citation() for d in quoted_documents(kg))


@dataclass
class Texts:
    """The texts a project has, by document slug, and why the others are missing."""

    by_slug: dict[str, SourceText] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)  # slug -> why its quotes are not checked

    def primary(self) -> SourceText | None:
        """The first document's text (the one the reading view shows)."""
        return next(iter(self.by_slug.values()), None)

    def for_document(self, iri: str | None) -> SourceText | None:
        slug = str(iri).removeprefix(str(R2PR)) if iri is not None else None
        return self.by_slug.get(slug or "") or self.by_slug.get("")  # "" is a text for every document

    @classmethod
    def of(cls, source: SourceText | Texts | None) -> Texts:
        """Texts from what a caller gives: one text (for every quote), Texts, or None (no text)."""
        if isinstance(source, Texts):
            return source
        return cls({"": source}) if source is not None else cls(missing={"": "no source text was given"})


def read_document_text(source: DocumentSource, path: Path | None = None) -> SourceText:
    """A document's text read by its layout (the project's layout file, else one next to the text)."""
    path = path or source.path()
    if path is None:
        raise InputError(missing_reason(source))
    layout = read_layout(source.layout) if source.layout else None
    if layout is None and layout_beside(path).is_file():
        layout = read_layout(layout_beside(path))
    return read_source(path, layout, slug=source.slug)


def missing_reason(source: DocumentSource, kg=None) -> str:
    """Why a document's quotes are not checked, and how to fix it (its landing page, from the data)."""
    url = ""
    if kg is not None:
        url = next((d.url for d in documents(kg) if d.slug == source.slug and d.url), "")
    where = f"get it from {url} and " if url else ""
    if not source.candidates:  # the packaged brief, outside any project: nowhere to register a copy
        return (f"no text of {source.slug} is given: {where}check the quotes against your copy with "
                f"`--source-text FILE` (or make a project, `r2pkg init`, and `r2pkg source add {source.slug} FILE`)")
    return (f"the text of {source.slug} is not at {source.where()}: {where}register your copy with "
            f"`r2pkg source add {source.slug} FILE`")


def project_texts(project: Project, source_text: str | Path | None = None, kg=None) -> Texts:
    """Every text the project names, read by its layout; `source_text` replaces the first document's."""
    texts = Texts()
    for i, (slug, source) in enumerate(project.sources.items()):
        given = Path(source_text) if (i == 0 and source_text is not None) else None
        path = given or source.path()
        if path is None:
            texts.missing[slug] = missing_reason(source, kg)
            continue
        texts.by_slug[slug] = read_document_text(source, path)
    if not project.sources and source_text is not None:
        texts.by_slug[""] = read_source(source_text)  # a text for every quote: the project names no document
    return texts
