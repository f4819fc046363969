"""The graph's mappings as an SSSOM table (https://w3id.org/sssom/) with its metadata file.

One row per mapping the graph states: the curators' mappings to the UN Framework's risk factors and the R2P pillars
(`r2p:Mapping` nodes, with their rationale as the comment), the countries' Wikidata items (`skos:exactMatch`), the
causal relation types' OBO RO relations (`skos:broadMatch`) and the argument classes' AIF node types
(`rdfs:subClassOf`). Rows are sorted, so the same graph gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from graph.documents import documents
from graph.store import KnowledgeGraph

MAPPING_SET_ID = "https://w3id.org/r2pkg/mappings/r2pkg.sssom.tsv"
CURIE_MAP = {
    "r2p": "https://w3id.org/r2pkg/ontology#",
    "r2pr": "https://w3id.org/r2pkg/resource/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "semapv": "https://w3id.org/semapv/vocab/",
    "wikidata": "http://www.wikidata.org/entity/",
    "RO": "http://purl.obolibrary.org/obo/RO_",
    "aif": "http://www.arg.dundee.ac.uk/aif#",
}
COLUMNS = ["subject_id", "subject_label", "predicate_id", "object_id", "object_label", "mapping_justification",
           "author_id", "subject_source", "object_source", "comment"]
MANUAL = "semapv:ManualMappingCuration"

_CURATED = """
SELECT ?node ?nodeLabel ?shortcut ?concept ?conceptLabel ?scheme ?note WHERE {
  ?m a r2p:Mapping ; r2p:mappedNode ?node ; r2p:mappedConcept ?concept ; r2p:mappingRelation ?rel .
  ?rel r2p:shortcutProperty ?shortcut .
  OPTIONAL { ?m skos:editorialNote ?note }
  OPTIONAL { ?node rdfs:label ?nodeLabel }
  OPTIONAL { ?concept rdfs:label ?conceptLabel }
  OPTIONAL { ?concept skos:inScheme ?scheme }
}
"""
# The documents whose claims speak of a node: a mapping's subject_source when there is exactly one.
_SOURCES = """
SELECT DISTINCT ?node ?document WHERE {
  { ?claim r2p:about ?node }
  UNION { ?link r2p:assertedBy ?claim . { ?link r2p:cause ?node } UNION { ?link r2p:effect ?node } }
  ?claim r2p:hasQuote/oa:hasSource ?document .
}
"""
_WIKIDATA = """
SELECT ?node ?nodeLabel ?item WHERE {
  ?node a r2p:Country ; skos:exactMatch ?item ; rdfs:label ?nodeLabel .
  FILTER(STRSTARTS(STR(?item), "http://www.wikidata.org/entity/"))
}
"""
_RO = """
SELECT ?node ?nodeLabel ?target WHERE {
  ?node a r2p:CausalRelationType ; skos:broadMatch ?target ; rdfs:label ?nodeLabel .
  FILTER(STRSTARTS(STR(?target), "http://purl.obolibrary.org/obo/RO_"))
}
"""
_AIF = """
SELECT ?node ?nodeLabel ?target WHERE {
  ?node rdfs:subClassOf ?target ; rdfs:label ?nodeLabel .
  FILTER(STRSTARTS(STR(?node), STR(r2p:)) && STRSTARTS(STR(?target), "http://www.arg.dundee.ac.uk/aif#"))
}
"""


def curie(iri: str) -> str:
    for prefix, ns in sorted(CURIE_MAP.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    raise ValueError(f"no SSSOM prefix for {iri}")


@dataclass(frozen=True, order=True)
class Row:
    subject_id: str
    predicate_id: str
    object_id: str
    subject_label: str = ""
    object_label: str = ""
    object_source: str = ""
    comment: str = ""
    subject_source: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"subject_id": self.subject_id, "subject_label": self.subject_label,
                "predicate_id": self.predicate_id, "object_id": self.object_id, "object_label": self.object_label,
                "mapping_justification": MANUAL, "author_id": "r2pr:curators",
                "subject_source": self.subject_source,
                "object_source": self.object_source, "comment": self.comment}


def _text(row: dict, key: str) -> str:
    value = row.get(key)
    return " ".join(str(value).split()) if value is not None else ""


def _subject_sources(kg: KnowledgeGraph) -> dict[str, str]:
    """Node IRI -> the one source document its claims quote; with one document in the graph, that one for all."""
    found: dict[str, set[str]] = {}
    for r in kg.select(_SOURCES, asserted_only=True):
        found.setdefault(str(r["node"]), set()).add(str(r["document"]))
    only = [d.iri for d in documents(kg)]
    sources = {node: curie(next(iter(docs))) for node, docs in found.items() if len(docs) == 1}
    if len(only) == 1:
        sources = defaultdict(lambda: curie(only[0]), sources)
    return sources


def sssom_rows(kg: KnowledgeGraph) -> list[Row]:
    rows = set()
    sources = _subject_sources(kg)
    for r in kg.select(_CURATED, asserted_only=True):
        scheme = r.get("scheme")
        rows.add(Row(curie(str(r["node"])), curie(str(r["shortcut"])), curie(str(r["concept"])),
                     _text(r, "nodeLabel"), _text(r, "conceptLabel"), curie(str(scheme)) if scheme else "",
                     _text(r, "note"), sources.get(str(r["node"]), "")))
    for r in kg.select(_WIKIDATA, asserted_only=True):
        rows.add(Row(curie(str(r["node"])), "skos:exactMatch", curie(str(r["item"])), _text(r, "nodeLabel"),
                     comment="The country's Wikidata item.", subject_source=sources.get(str(r["node"]), "")))
    for r in kg.select(_RO, asserted_only=True):
        rows.add(Row(curie(str(r["node"])), "skos:broadMatch", curie(str(r["target"])), _text(r, "nodeLabel"),
                     comment="The causal relation type is a case of this OBO RO relation."))
    for r in kg.select(_AIF, asserted_only=True):
        rows.add(Row(curie(str(r["node"])), "rdfs:subClassOf", curie(str(r["target"])), _text(r, "nodeLabel"),
                     comment="Argument layer aligned with the AIF node types."))
    return sorted(rows)


def sssom_table(rows: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, delimiter="\t", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row.as_dict())
    return out.getvalue()


def sssom_metadata(version: str, titles: list[str]) -> str:
    """The mapping set's metadata (SSSOM's external metadata file), as YAML; `titles` name the source documents."""
    title = "r2pkg: the curators' mappings of the graph of " + ("; ".join(titles) or "the project's documents")
    lines = [f"mapping_set_id: {MAPPING_SET_ID}",
             f"mapping_set_version: \"{version}\"",
             f"mapping_set_title: {json.dumps(title)}",  # JSON's quoting is YAML's
             "mapping_set_description: \"The r2pkg curators' mappings (never claims of the documents): risk factors "
             "and triggers of the documents to the risk factors of the UN Framework of Analysis for Atrocity "
             "Crimes (2014), measures to the R2P pillars, countries to Wikidata, causal relation types to OBO RO, "
             "argument classes to AIF.\"",
             "license: https://creativecommons.org/licenses/by/4.0/",
             "creator_id:", "  - r2pr:curators",
             "mapping_provider: https://w3id.org/r2pkg/",
             "curie_map:"]
    lines += [f"  {prefix}: {ns}" for prefix, ns in CURIE_MAP.items()]
    return "\n".join(lines) + "\n"


def write_sssom(kg: KnowledgeGraph, tsv: Path, version: str) -> tuple[Path, Path]:
    """Write the table and, beside it (same name, .yml), its metadata; each written whole."""
    meta = tsv.with_suffix(".yml")
    titles = [d.citation() for d in documents(kg)]
    for target, text in ((tsv, sssom_table(sssom_rows(kg))), (meta, sssom_metadata(version, titles))):
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)
    return tsv, meta


__all__ = ["sssom_rows", "sssom_table", "sssom_metadata", "write_sssom", "CURIE_MAP", "MAPPING_SET_ID"]
