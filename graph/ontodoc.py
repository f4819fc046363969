"""The ontology's documentation page: pyLODE (OntPub) for classes and properties, plus the concept schemes.

pyLODE 3 reads every skos:ConceptScheme as the document's subject (so the page title would be a scheme's) and
lists no concepts; it also shows borrowed terms (prov:, foaf:, ...) as if they were r2p's. So pyLODE is given the
ontology without the scheme typing and with each borrowed term pointed at its owner (rdfs:isDefinedBy), and the
page then gets a "borrowed" mark on those terms and a section listing every scheme with its concepts.
"""

from __future__ import annotations

import html
import logging
import re
from pathlib import Path

import rdflib
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from graph.errors import InputError
from graph.resources import ontology_file
from graph.store import parse_turtle

R2P = "https://w3id.org/r2pkg/ontology#"

# Who owns each borrowed namespace: (ontology IRI, name shown on the page).
OWNERS = {
    "http://www.w3.org/2004/02/skos/core#": ("http://www.w3.org/2004/02/skos/core", "SKOS"),
    "http://www.w3.org/ns/prov#": ("http://www.w3.org/ns/prov-o", "PROV-O"),
    "http://www.w3.org/ns/oa#": ("http://www.w3.org/ns/oa", "Web Annotation"),
    "http://xmlns.com/foaf/0.1/": ("http://xmlns.com/foaf/0.1/", "FOAF"),
    "http://www.w3.org/ns/org#": ("http://www.w3.org/ns/org", "W3C ORG"),
    "http://purl.org/dc/terms/": ("http://purl.org/dc/terms/", "DCMI Metadata Terms"),
    "http://purl.org/vocab/vann/": ("http://purl.org/vocab/vann/", "VANN"),
    "http://www.arg.dundee.ac.uk/aif#": ("http://www.arg.dundee.ac.uk/aif", "AIF"),
}


def owner_of(iri: str) -> tuple[str, str] | None:
    for namespace, owner in OWNERS.items():
        if iri.startswith(namespace):
            return owner
    return None


def borrowed_terms(g: rdflib.Graph) -> dict[str, str]:
    """Declared terms of other vocabularies: IRI -> owner's name."""
    out = {}
    for s in set(g.subjects(RDF.type, None)):
        if isinstance(s, rdflib.URIRef) and not str(s).startswith(R2P) and (owner := owner_of(str(s))):
            out[str(s)] = owner[1]
    return out


def pylode_input(g: rdflib.Graph) -> rdflib.Graph:
    """The graph pyLODE documents: schemes untyped (so the ontology is the one subject), borrowed terms owned."""
    doc = rdflib.Graph()
    for s, p, o in g:
        # pyLODE renders literal values as Markdown into raw HTML: neutralise markup that came with the data.
        # (skos:example goes into <pre> and is escaped by pyLODE itself.)
        if isinstance(o, rdflib.Literal) and p != SKOS.example and ("<" in o or ">" in o):
            o = rdflib.Literal(str(o).replace("<", "&lt;").replace(">", "&gt;"), lang=o.language, datatype=o.datatype)
        doc.add((s, p, o))
    for scheme in list(doc.subjects(RDF.type, SKOS.ConceptScheme)):
        doc.remove((scheme, RDF.type, SKOS.ConceptScheme))
    for iri, name in borrowed_terms(g).items():
        owner = owner_of(iri)
        if owner is None:  # borrowed_terms only lists terms of a known owner
            continue
        owner_iri, _ = owner
        doc.add((rdflib.URIRef(iri), RDFS.isDefinedBy, rdflib.URIRef(owner_iri)))
        doc.add((rdflib.URIRef(iri), SKOS.scopeNote,
                 rdflib.Literal(f"Borrowed from {name}; r2p declares it only with the type {name} gives it.")))
    return doc


_ENTITY = re.compile(r'(<div class="property entity" id="[^"]*">\s*<h3>)(.*?)(</h3>\s*<table>\s*<tr>\s*<th>IRI</th>'
                     r'\s*<td>\s*<code>)([^<]+)(</code>)', re.S)


def mark_borrowed(page: str, borrowed: dict[str, str]) -> str:
    """Put a visible "borrowed from ..." mark on the heading of every borrowed term."""
    def mark(m: re.Match) -> str:
        iri = html.unescape(m.group(4))
        if iri not in borrowed:
            return m.group(0)
        owner = html.escape(borrowed[iri])
        badge = f' <sup class="sup-borrowed" title="borrowed from {owner}">borrowed from {owner}</sup>'
        return m.group(1) + m.group(2).rstrip() + badge + m.group(3) + m.group(4) + m.group(5)
    return _ENTITY.sub(mark, page)


def _text(g: rdflib.Graph, s, p) -> str:
    value = g.value(s, p)
    return html.escape(str(value)) if value is not None else ""


def concepts_section(g: rdflib.Graph) -> tuple[str, str]:
    """(section HTML, table-of-contents HTML) for every concept scheme of the ontology and its concepts."""
    schemes = sorted(g.subjects(RDF.type, SKOS.ConceptScheme), key=lambda s: str(g.value(s, RDFS.label)))
    parts = ['<div class="section" id="conceptschemes"><h2>Concept schemes</h2>',
             "<p>Every concept is a top concept of its flat scheme (skos:topConceptOf, skos:hasTopConcept).</p>"]
    toc = ['<li><h4><a href="#conceptschemes">Concept schemes</a></h4><ul class="second">']
    for scheme in schemes:
        anchor = "scheme-" + html.escape(str(scheme).rsplit("#", 1)[-1])
        label = _text(g, scheme, RDFS.label)
        toc.append(f'<li><a href="#{anchor}">{label}</a></li>')
        parts.append(f'<div class="property entity" id="{anchor}"><h3>{label}'
                     f' <sup class="sup-cs" title="SKOS concept scheme">cs</sup></h3>'
                     f"<table><tr><th>IRI</th><td><code>{html.escape(str(scheme))}</code></td></tr>"
                     f"<tr><th>Definition</th><td>{_text(g, scheme, SKOS.definition)}</td></tr></table>"
                     '<table class="concepts"><tr><th>Concept</th><th>Preferred label</th><th>Definition</th>'
                     "<th>Example</th></tr>")
        concepts = sorted(g.subjects(SKOS.inScheme, scheme), key=str)
        for c in concepts:
            name = html.escape(str(c).rsplit("#", 1)[-1])
            parts.append(f'<tr id="{name}"><td><code>r2p:{name}</code></td><td>{_text(g, c, SKOS.prefLabel)}</td>'
                         f"<td>{_text(g, c, SKOS.definition)}</td><td>{_text(g, c, SKOS.example)}</td></tr>")
        parts.append("</table></div>")
    parts.append("</div>")
    toc.append("</ul></li>")
    return "".join(parts), "".join(toc)


def _canonical(g: rdflib.Graph) -> rdflib.Graph:
    """The graph with canonical blank-node labels, so pyLODE and the serialisers give the same bytes every run."""
    from rdflib.compare import to_canonical_graph

    out = rdflib.Graph()
    for prefix, ns in g.namespaces():
        out.bind(prefix, ns, override=True)
    for t in sorted(to_canonical_graph(g)):  # insertion order is what the serialisers follow
        out.add(t)
    return out


def ontology_html(path: Path | None = None) -> str:
    """The documentation page of the ontology at `path` (the project's r2p.ttl by default)."""
    from pylode import OntPub  # heavy import: only when documentation is asked for

    path = Path(path or ontology_file())
    parse_turtle(path)  # a syntax error is an InputError with file and line, like everywhere else
    g = _canonical(rdflib.Graph().parse(path, format="turtle"))
    header = next(iter(g.subjects(RDF.type, OWL.Ontology)), None)
    if header is None or g.value(header, DCTERMS.title) is None:
        raise InputError("no owl:Ontology with a dcterms:title to document", path)
    logging.getLogger().setLevel(max(logging.getLogger().level, logging.WARNING))  # pyLODE logs at INFO
    page = OntPub(pylode_input(g), sort_subjects=True).make_html()
    page = mark_borrowed(page, borrowed_terms(g))
    section, toc = concepts_section(g)
    page = page.replace('<div id="namespaces">', section + '<div id="namespaces">', 1)
    page = page.replace('<li>\n          <h4>\n            <a href="#namespaces">', toc + '<li>\n          <h4>\n'
                        '            <a href="#namespaces">', 1)
    style = ('<style>.sup-borrowed{background:#6b7280;color:#fff;padding:0 .3em;border-radius:.2em;'
             'font-size:.6em}.sup-cs{background:#0f766e;color:#fff;padding:0 .3em}'
             'table.concepts td,table.concepts th{vertical-align:top;padding:.2em .4em}</style>')
    return page.replace("</head>", style + "</head>", 1)


def write_ontology_docs(out_dir: Path, ontology_path: Path | None = None) -> Path:
    """Write ontology.html into out_dir and return its path (written whole, or not at all)."""
    out_dir = Path(out_dir)
    page = ontology_html(ontology_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "ontology.html"
    partial = target.with_suffix(".html.part")
    partial.write_text(page, encoding="utf-8")
    partial.replace(target)
    return target


# Release artefacts: the ontology in the three serialisations the w3id rules negotiate (w3id/.htaccess).
RELEASE_FORMATS = {"ttl": "turtle", "owl": "xml", "jsonld": "json-ld"}


def write_ontology_release(out_dir: Path, ontology_path: Path | None = None) -> dict[str, Path]:
    """Write r2p.ttl, r2p.owl (RDF/XML) and r2p.jsonld into out_dir/<version>/ and out_dir/latest/.

    The version folder is the last segment of the ontology's owl:versionIRI, so each release keeps its own files;
    latest/ is what https://w3id.org/r2pkg/ontology negotiates to. Returns the versioned files by suffix.
    """
    path = Path(ontology_path or ontology_file())
    parse_turtle(path)
    g = _canonical(rdflib.Graph().parse(path, format="turtle"))
    header = next(iter(g.subjects(RDF.type, OWL.Ontology)), None)
    version_iri = g.value(header, OWL.versionIRI) if header is not None else None
    if version_iri is None:
        raise InputError("the ontology has no owl:versionIRI to release under", path)
    folder = Path(out_dir) / str(version_iri).rstrip("/").rsplit("/", 1)[-1]
    written: dict[str, Path] = {}
    for folder_ in (folder, Path(out_dir) / "latest"):
        folder_.mkdir(parents=True, exist_ok=True)
        for suffix, fmt in RELEASE_FORMATS.items():
            target = folder_ / f"r2p.{suffix}"
            partial = target.with_name(target.name + ".part")
            g.serialize(partial, format=fmt, encoding="utf-8")
            partial.replace(target)
            written.setdefault(suffix, target)
    return written
