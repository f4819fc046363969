"""The graph's mappings published as SSSOM: the committed table is the graph's, and sssom-py accepts it."""

from __future__ import annotations

import csv
import logging
from pathlib import Path

import pytest
import yaml
from conftest import REPO

from graph import load_graph
from graph.documents import documents
from graph.resources import ontology_file
from graph.sssom_export import sssom_metadata, sssom_rows, sssom_table

TABLE = REPO / "data" / "mappings" / "r2pkg.sssom.tsv"
META = TABLE.with_suffix(".yml")


@pytest.fixture(scope="module")
def kg():
    return load_graph()


def rows() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def sssom_problems(table: Path, meta: Path, caplog) -> list[str]:
    """sssom-py's validation results (JSON schema, prefix map, strict CURIEs) and its parser's warnings."""
    from sssom.constants import SchemaValidationType as V
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    caplog.clear()
    with caplog.at_level(logging.WARNING):
        msdf = parse_sssom_table(table, meta=yaml.safe_load(meta.read_text(encoding="utf-8")))
        reports = validate(msdf, [V.JsonSchema, V.PrefixMapCompleteness, V.StrictCurieFormat], fail_on_error=False)
    found = [str(r) for report in reports.values() for r in report.results]
    return found + [r.getMessage() for r in caplog.records if r.name.startswith("sssom") or "SSSOM" in r.getMessage()]


def test_committed_table_is_the_graphs(kg):
    """Never stale: regenerate with `r2pkg mappings-sssom`."""
    assert TABLE.read_text(encoding="utf-8") == sssom_table(sssom_rows(kg))
    version = str(kg.select("SELECT ?v WHERE { ?o a owl:Ontology ; owl:versionInfo ?v }")[0]["v"])
    assert META.read_text(encoding="utf-8") == sssom_metadata(version, [d.citation() for d in documents(kg)])


def test_each_mapping_names_the_document_that_speaks_of_its_subject(tmp_path):
    """With two documents, a node only the brief speaks of has the brief as its source, a node both speak of
    none (SSSOM's subject_source is one document), a node only the note speaks of the note; the title names both."""
    corpus = REPO / "tests" / "fixtures" / "corpus"
    extra = tmp_path / "note-mappings.ttl"
    extra.write_text("""@prefix r2p: <https://w3id.org/r2pkg/ontology#> .
@prefix r2pr: <https://w3id.org/r2pkg/resource/> .
r2pr:mapping-local-participation-un-rf-01 a r2p:Mapping ; r2p:mappedNode r2pr:local-participation ;
    r2p:mappingRelation r2p:RelatedMatchMapping ; r2p:mappedConcept r2pr:un-rf-01 .
r2pr:mapping-early-warning-messengers-un-rf-01 a r2p:Mapping ; r2p:mappedNode r2pr:early-warning-messengers ;
    r2p:mappingRelation r2p:RelatedMatchMapping ; r2p:mappedConcept r2pr:un-rf-01 .
""", encoding="utf-8")
    kg = load_graph([ontology_file(), REPO / "data", corpus / "workshop-note-document.ttl",
                     corpus / "workshop-note-claims.ttl", corpus / "workshop-nodes.ttl", extra])
    source = {(r.subject_id, r.object_id): r.subject_source for r in sssom_rows(kg)}
    assert source[("r2pr:acquiescence-to-atrocities", "r2pr:un-rf-06")] == "r2pr:brief-2013"
    assert source[("r2pr:local-participation", "r2pr:un-rf-01")] == ""
    assert source[("r2pr:early-warning-messengers", "r2pr:un-rf-01")] == "r2pr:workshop-note"
    title = yaml.safe_load(sssom_metadata("0.0.0", [d.citation() for d in documents(kg)]))["mapping_set_title"]
    assert "Preventing Mass Atrocities" in title and "Field Notes from a Community Resilience Workshop" in title


def test_sssom_py_validates_the_table(caplog):
    assert sssom_problems(TABLE, META, caplog) == []


def test_sssom_py_rejects_a_broken_table(tmp_path, caplog):
    broken = tmp_path / "broken.sssom.tsv"
    # an object in a prefix the metadata does not declare
    broken.write_text(TABLE.read_text(encoding="utf-8").replace("wikidata:Q", "wd:Q", 1), encoding="utf-8")
    assert sssom_problems(broken, META, caplog)


def test_every_un_framework_mapping_has_a_rationale(kg):
    un = [r for r in rows() if r["object_id"].startswith("r2pr:un-rf-")]
    n = kg.select("SELECT (COUNT(*) AS ?n) WHERE { ?m a r2p:Mapping ; r2p:mappedConcept/a r2p:UNRiskFactor }")
    assert len(un) == int(n[0]["n"]) > 30
    assert all(len(r["comment"].split()) >= 6 for r in un), [r for r in un if len(r["comment"].split()) < 6]
    kinds = {r["predicate_id"] for r in rows()}
    assert {"skos:closeMatch", "skos:broadMatch", "skos:relatedMatch", "r2p:servesPillar", "skos:exactMatch"} <= kinds
    assert any(r["object_id"].startswith("wikidata:Q") for r in rows())
    assert any(r["object_id"].startswith("RO:") for r in rows())


def test_the_disputed_mappings_are_decided():
    decided = {(r["subject_id"], r["object_id"]): r["predicate_id"] for r in rows()}
    assert decided[("r2pr:group-grievance", "r2pr:un-rf-09")] == "skos:relatedMatch"
    assert decided[("r2pr:group-grievance", "r2pr:un-rf-04")] == "skos:broadMatch"
    assert decided[("r2pr:lack-of-judicial-confidence", "r2pr:un-rf-03")] == "skos:relatedMatch"
    assert decided[("r2pr:program-bureaucracy", "r2pr:un-rf-06")] == "skos:relatedMatch"
    # RF9 balance: inequalities the brief does not tie to a protected group also bear on RF1 (all crimes).
    for node in ("structural-inequality", "socioeconomic-inequality", "intersecting-inequalities",
                 "political-exclusion"):
        assert decided[(f"r2pr:{node}", "r2pr:un-rf-01")] == "skos:relatedMatch"
    broad_rf9 = [s for (s, o), p in decided.items() if o == "r2pr:un-rf-09" and p == "skos:broadMatch"]
    assert len(broad_rf9) <= 4, broad_rf9
