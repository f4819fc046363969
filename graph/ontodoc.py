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
import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from graph.errors import InputError
from graph.ontology_release import (
    Ontology,
    cache_key,
    cached_files,
    check_release,
    recorded_releases,
    store_in_cache,
)
from graph.resources import ontology_file

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


def pylode_input(g: rdflib.Graph, prefixes: dict[str, str] | None = None) -> rdflib.Graph:
    """The graph pyLODE documents: schemes untyped (so the ontology is the one subject), borrowed terms owned,
    and the ontology file's own prefixes bound (pyLODE's namespace table lists the bound prefixes)."""
    doc = rdflib.Graph(bind_namespaces="none")
    for prefix, ns in (prefixes or {}).items():
        doc.bind(prefix, ns, override=True)
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


_SET_CLASS = re.compile(r'(<td>\s*)((?:<span>(?:(?!</span>).)*</span>\s*'
                        r'<span class="cardinality">(?:or|and)</span>\s*)+<span>(?:(?!</span>).)*</span>)'
                        r'(\s*</td>)', re.S)
_SET_ITEM = re.compile(r'<span>(?:(?!</span>).)*</span>', re.S)
_SET_JOIN = re.compile(r'</span>(\s*<span class="cardinality">(?:or|and)</span>\s*)<span>', re.S)


def sort_set_classes(page: str) -> str:
    """pyLODE lists the members of a union or intersection in the order of a Python set of HTML elements (their
    memory addresses): put them in the order of their text, so that every run gives the same page."""
    def ordered(m: re.Match) -> str:
        items = sorted(_SET_ITEM.findall(m.group(2)), key=lambda s: re.sub(r"<[^>]+>", "", s).strip())
        join = _SET_JOIN.search(m.group(2))
        separator = join.group(1) if join else " "
        return m.group(1) + separator.join(items) + m.group(3)
    return _SET_CLASS.sub(ordered, page)


_NAMESPACES = re.compile(r'<div id="namespaces">.*?</dl>\s*</div>', re.S)
_TOC_NAMESPACES = re.compile(r'(<a href="#namespaces">Namespaces</a>\s*</h4>\s*<ul class="second">).*?(</ul>)', re.S)


def namespaces_section(prefixes: dict[str, str]) -> tuple[str, str]:
    """(the namespace table, its table-of-contents entries): every prefix the ontology file declares, r2p: first.

    pyLODE lists only the prefixes it binds itself, and uses the bare prefix as the id (which a term may share)."""
    ordered = sorted(prefixes.items(), key=lambda kv: (kv[0] != "r2p", kv[0]))
    rows = "".join(f'<dt id="ns-{html.escape(prefix)}">{html.escape(prefix or ":")}</dt>'
                   f"<dd><code>{html.escape(ns)}</code></dd>" for prefix, ns in ordered)
    toc = "".join(f'<li><a href="#ns-{html.escape(prefix)}">{html.escape(prefix or ":")}</a></li>'
                  for prefix, _ in ordered)
    return f'<div id="namespaces"><h2>Namespaces</h2><dl>{rows}</dl></div>', toc


def replace_namespaces(page: str, prefixes: dict[str, str]) -> str:
    section, toc = namespaces_section(prefixes)
    page = _NAMESPACES.sub(lambda m: section, page, count=1)
    return _TOC_NAMESPACES.sub(lambda m: m.group(1) + toc + m.group(2), page, count=1)


_SECTION = re.compile(r'<div class="section" id="([^"]+)"')


def dedupe_ids(page: str) -> str:
    """pyLODE writes a functional property twice (under its kind and under functional properties) with one id:
    a repeated id gets its section's name in front, and that section's table of contents follows."""
    seen: set[str] = set()
    renamed: dict[str, list[tuple[str, str]]] = {}
    out, last = [], 0
    sections = [(m.start(), m.group(1)) for m in _SECTION.finditer(page)]
    for m in re.finditer(r'(\sid=")([^"]*)(")', page):
        ident = m.group(2)
        if ident in seen:
            section = next((name for start, name in reversed(sections) if start < m.start()), "page")
            new = f"{section}-{ident}"
            renamed.setdefault(section, []).append((ident, new))
            out.append(page[last:m.start(2)] + new)
            last = m.end(2)
        seen.add(ident)
    page = "".join(out) + page[last:]
    for section, pairs in renamed.items():
        toc = re.compile(rf'(<a href="#{re.escape(section)}">.*?</h4>\s*<ul class="second">)(.*?)(</ul>)', re.S)

        def relink(m: re.Match, pairs=pairs) -> str:
            body = m.group(2)
            for old, new in pairs:
                body = body.replace(f'href="#{old}"', f'href="#{new}"')
            return m.group(1) + body + m.group(3)
        page = toc.sub(relink, page, count=1)
    return page


_ENTITY_ID = re.compile(r'<div class="property entity" id="([^"]*)">\s*<h3>.*?</h3>\s*<table>\s*<tr>\s*<th>IRI</th>'
                        r'\s*<td>\s*<code>([^<]+)</code>', re.S)


def add_disjointness(page: str, g: rdflib.Graph) -> str:
    """A "Disjoint with" row on every r2p class that an axiom makes disjoint with others (pyLODE shows none)."""
    from graph.axiom_shapes import disjoint_pairs

    ids = {html.unescape(m.group(2)): m.group(1) for m in _ENTITY_ID.finditer(page)}
    disjoint: dict[rdflib.URIRef, set[rdflib.URIRef]] = {}
    for pair in disjoint_pairs(g):
        a, b = sorted(pair)
        disjoint.setdefault(a, set()).add(b)
        disjoint.setdefault(b, set()).add(a)
    for cls, others in sorted(disjoint.items()):
        if str(cls) not in ids:
            continue
        start = page.find(f'<div class="property entity" id="{ids[str(cls)]}">')
        end = page.find("</table>", start)
        labelled = sorted((str(g.value(o, RDFS.label) or o), ids.get(str(o), "")) for o in others)
        links = ", ".join(f'<a href="#{html.escape(anchor)}">{html.escape(label)}</a>' if anchor
                          else html.escape(label) for label, anchor in labelled)
        page = page[:end] + f'<tr><th>Disjoint with</th><td class="disjoint">{links}</td></tr>' + page[end:]
    return page


def _text(g: rdflib.Graph, s, p) -> str:
    value = g.value(s, p)
    return html.escape(str(value)) if value is not None else ""


# Values of a concept the page shows beside its definition, where a scheme's concepts have them: the sign of a
# causal relation type, the rank of a consensus level, the property a rule derives.
CONCEPT_COLUMNS = [(rdflib.URIRef(R2P + "polarity"), "Polarity"), (rdflib.URIRef(R2P + "rank"), "Rank"),
                   (rdflib.URIRef(R2P + "shortcutProperty"), "Derived property")]


def _value(g: rdflib.Graph, s, p) -> str:
    value = g.value(s, p)
    if value is None:
        return ""
    if isinstance(value, rdflib.URIRef):
        return f"<code>{html.escape(g.namespace_manager.normalizeUri(value))}</code>"
    return html.escape(str(value))


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
                     '<table class="concepts"><tr><th>Concept</th><th>Preferred label</th><th>Definition</th>')
        concepts = sorted(g.subjects(SKOS.inScheme, scheme), key=str)
        extra = [(prop, head) for prop, head in CONCEPT_COLUMNS if any(g.value(c, prop) is not None for c in concepts)]
        parts.append("".join(f"<th>{head}</th>" for _, head in extra) + "<th>Example</th></tr>")
        for c in concepts:
            name = html.escape(str(c).rsplit("#", 1)[-1])
            cells = "".join(f"<td>{_value(g, c, prop)}</td>" for prop, _ in extra)
            parts.append(f'<tr id="{name}"><td><code>r2p:{name}</code></td><td>{_text(g, c, SKOS.prefLabel)}</td>'
                         f"<td>{_text(g, c, SKOS.definition)}</td>{cells}<td>{_text(g, c, SKOS.example)}</td></tr>")
        parts.append("</table></div>")
    parts.append("</div>")
    toc.append("</ul></li>")
    return "".join(parts), "".join(toc)


def ontology_html(path: Path | None = None, onto: Ontology | None = None) -> str:
    """The documentation page of the ontology at `path` (the project's r2p.ttl by default)."""
    from pylode import OntPub  # heavy import: only when documentation is asked for

    onto = onto or Ontology.read(Path(path or ontology_file()))
    g = onto.graph()
    header = next(iter(g.subjects(RDF.type, OWL.Ontology)), None)
    if header is None or g.value(header, DCTERMS.title) is None:
        raise InputError("no owl:Ontology with a dcterms:title to document", onto.path)
    logging.getLogger().setLevel(max(logging.getLogger().level, logging.WARNING))  # pyLODE logs at INFO
    page = OntPub(pylode_input(g, onto.prefixes), sort_subjects=True).make_html()
    page = mark_borrowed(sort_set_classes(page), borrowed_terms(g))
    page = add_disjointness(dedupe_ids(replace_namespaces(page, onto.prefixes)), g)
    section, toc = concepts_section(g)
    page = page.replace('<div id="namespaces">', section + '<div id="namespaces">', 1)
    page = page.replace('<li>\n          <h4>\n            <a href="#namespaces">', toc + '<li>\n          <h4>\n'
                        '            <a href="#namespaces">', 1)
    style = ('<style>.sup-borrowed{background:#6b7280;color:#fff;padding:0 .3em;border-radius:.2em;'
             'font-size:.6em}.sup-cs{background:#0f766e;color:#fff;padding:0 .3em}'
             'table.concepts td,table.concepts th{vertical-align:top;padding:.2em .4em}</style>')
    return page.replace("</head>", style + "</head>", 1)


def _write(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.write_text(text, encoding="utf-8")
    partial.replace(target)


def write_ontology_docs(out_dir: Path, ontology_path: Path | None = None) -> Path:
    """Write ontology.html into out_dir and return its path (written whole, or not at all)."""
    target = Path(out_dir) / "ontology.html"
    _write(target, ontology_html(ontology_path))
    return target


# Release artefacts: the ontology in the three serialisations the w3id rules negotiate (graph/w3id.py), written by
# pyoxigraph from the canonical triples in sorted order, so the bytes are the same on every run.
RELEASE_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "owl": ox.RdfFormat.RDF_XML, "jsonld": ox.RdfFormat.JSON_LD}


def _write_serialisations(ntriples: str, prefixes: dict[str, str], folder: Path) -> dict[str, Path]:
    triples = list(ox.parse(ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    written = {}
    for suffix, fmt in RELEASE_FORMATS.items():
        target = folder / f"r2p.{suffix}"
        data = ox.serialize(triples, format=fmt, prefixes=prefixes if fmt != ox.RdfFormat.JSON_LD else None)
        assert data is not None  # with no output file, pyoxigraph returns the bytes
        _write(target, data.decode("utf-8"))
        written[suffix] = target
    return written


def write_ontology_release(out_dir: Path, ontology_path: Path | None = None,
                           onto: Ontology | None = None) -> dict[str, Path]:
    """Write r2p.ttl, r2p.owl (RDF/XML) and r2p.jsonld into out_dir/<version>/ and out_dir/latest/.

    The version folder is the last segment of the ontology's owl:versionIRI, so each release keeps its own files;
    latest/ is what https://w3id.org/r2pkg/ontology negotiates to. Every recorded release (releases/<version>.nt
    beside the ontology) is written from its record, never from the current file. Refused (InputError) when the
    ontology carries a released version IRI with other content, or lost a term of a release. Returns the
    current version's files by suffix.
    """
    onto = onto or Ontology.read(Path(ontology_path or ontology_file()))
    check_release(onto, R2P)
    out_dir = Path(out_dir)
    for version, record in recorded_releases(onto).items():
        _write_serialisations(record.read_text(encoding="utf-8"), onto.prefixes, out_dir / version)
    written = _write_serialisations(onto.ntriples, onto.prefixes, out_dir / onto.version())
    _write_serialisations(onto.ntriples, onto.prefixes, out_dir / "latest")
    return written


def write_ontology_site(out_dir: Path, ontology_path: Path | None = None, cache_root: Path | None = None) -> list[Path]:
    """ontology.html and the release files (ontology/...) into out_dir, reused from the cache under `cache_root`
    when neither the ontology, its release records nor the software changed. Returns the files written."""
    onto = Ontology.read(Path(ontology_path or ontology_file()))  # canonicalised once, for page and release
    check_release(onto, R2P)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    key = cache_key(onto)
    cached = cached_files(cache_root, key) if cache_root is not None else None
    if cached is None:
        made = Path(tempfile.mkdtemp(dir=out_dir, prefix=".ontology-"))
        try:
            _write(made / "ontology.html", ontology_html(onto=onto))
            write_ontology_release(made / "ontology", onto=onto)
            if cache_root is not None:
                store_in_cache(cache_root, key, made)
            return _copy_tree(cached_files(cache_root, key) or made if cache_root is not None else made, out_dir)
        finally:
            shutil.rmtree(made, ignore_errors=True)
    return _copy_tree(cached, out_dir)


def _copy_tree(source: Path, out_dir: Path) -> list[Path]:
    written = []
    for f in sorted(p for p in source.rglob("*") if p.is_file() and p.name != "complete"):
        target = out_dir / f.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        shutil.copyfile(f, partial)
        partial.replace(target)
        written.append(target)
    return written
