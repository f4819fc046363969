"""Checks follow the ontology: a developer who extends it in a copy of the project gets every check on the new terms
without regenerating or listing anything (disjointness and scheme-value shapes, label, definition, scheme QC)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO

from graph import load_graph, validate
from graph.project import read_project

NEW_MEASURE_CLASS = """
r2p:EarlyWarningSystem a owl:Class ; rdfs:isDefinedBy r2po:ontology ; rdfs:subClassOf r2p:PreventionMeasure ;
    rdfs:label "early warning system"@en ;
    skos:definition "A prevention measure that watches for signs of coming violence and alerts those who can act."@en .
"""
# A measure of the new subclass that a curator also types as an actor: a contradiction the disjointness of
# prevention measures and actors forbids, whatever subclass the measure has.
MEASURE_THAT_IS_AN_ACTOR = """
r2pr:ecowarn a r2p:EarlyWarningSystem , r2p:StateActor ;
    rdfs:label "ECOWARN"@en ;
    skos:definition "ECOWAS's early warning and response network, as an example of a new subclass."@en .
"""
NEW_CONCEPT_CLASS = """
r2p:Indicator a owl:Class ; rdfs:isDefinedBy r2po:ontology ; rdfs:subClassOf skos:Concept ;
    rdfs:label "indicator"@en ;
    skos:definition "A SKOS concept naming an observable sign of a risk factor."@en .
r2p:IndicatorScheme a skos:ConceptScheme ; rdfs:isDefinedBy r2po:ontology ;
    rdfs:label "indicators"@en ; skos:prefLabel "indicators"@en ;
    skos:definition "Observable signs of risk factors."@en ;
    skos:hasTopConcept r2p:HateSpeechIndicator .
r2p:HateSpeechIndicator a r2p:Indicator ; rdfs:isDefinedBy r2po:ontology ;
    skos:inScheme r2p:IndicatorScheme ; skos:topConceptOf r2p:IndicatorScheme ;
    rdfs:label "hate speech"@en ; skos:prefLabel "hate speech"@en ;
    skos:definition "Public speech that vilifies a group."@en .
r2p:indicator a owl:ObjectProperty ; rdfs:isDefinedBy r2po:ontology ;
    rdfs:label "has indicator"@en ;
    skos:definition "An observable sign of the risk factor."@en ;
    rdfs:domain r2p:RiskFactor ; rdfs:range r2p:Indicator .
"""
# A concept of the new class with no label, no definition and no scheme; a risk factor whose indicator is not a
# concept of the indicator scheme.
BAD_CONCEPT = """
r2p:BareIndicator a r2p:Indicator ; rdfs:isDefinedBy r2po:ontology .
"""
BAD_VALUE = """
r2pr:structural-inequality r2p:indicator r2p:PillarTwo .
"""
PREFIXES = """@prefix r2p: <https://w3id.org/r2pkg/ontology#> . @prefix r2po: <https://w3id.org/r2pkg/> .
@prefix r2pr: <https://w3id.org/r2pkg/resource/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """The repository's project (ontology, shapes, data, the texts' layouts) copied, so the test can extend it."""
    for folder in ("ontology", "data", "sources"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    text = (REPO / "r2pkg.toml").read_text(encoding="utf-8")
    (tmp_path / "r2pkg.toml").write_text(text.replace("../shared/", str(REPO.parent / "shared") + "/"),
                                         encoding="utf-8")
    return tmp_path


def extend(root: Path, ontology: str = "", data: str = "") -> None:
    with (root / "ontology" / "r2p.ttl").open("a", encoding="utf-8") as f:
        f.write("\n" + ontology)
    if data:
        (root / "data" / "extension.ttl").write_text(PREFIXES + data, encoding="utf-8")


def errors(root: Path) -> dict[str, set[str]]:
    project = read_project(root / "r2pkg.toml")
    report = validate(load_graph(project=project), project=project)
    out: dict[str, set[str]] = {}
    for f in report.findings:
        if f.severity == "ERROR":
            out.setdefault(f.check, set()).add(f.focus)
    return out


def test_a_new_subclass_keeps_the_disjointness_check(project_copy):
    extend(project_copy, NEW_MEASURE_CLASS)
    assert errors(project_copy) == {}, "the new subclass alone is valid"
    extend(project_copy, data=MEASURE_THAT_IS_AN_ACTOR)
    found = errors(project_copy)
    assert any(check.startswith("shacl:Disjoint-") for check in found), found
    assert {"r2pr:ecowarn"} == set().union(*(v for k, v in found.items() if k.startswith("shacl:Disjoint-")))


def test_a_new_disjointness_axiom_is_checked_at_once(project_copy):
    # Norms and approaches are not disjoint today; a developer declares them so, and a node typed as both fails.
    extend(project_copy, "r2p:Norm owl:disjointWith r2p:Approach .\n")
    extend(project_copy, data='r2pr:civic-rights a r2p:Approach .\n')
    found = errors(project_copy)
    assert "r2pr:civic-rights" in set().union(*(v for k, v in found.items() if k.startswith("shacl:Disjoint-")))


def test_a_new_concept_class_gets_label_definition_scheme_and_value_checks(project_copy):
    extend(project_copy, NEW_CONCEPT_CLASS)
    assert errors(project_copy) == {}, "the new concept class, scheme, concept and property are complete"
    extend(project_copy, BAD_CONCEPT, BAD_VALUE)
    found = errors(project_copy)
    assert "r2p:BareIndicator" in found.get("missing-label", set()), found
    assert "r2p:BareIndicator" in found.get("missing-definition", set()), found
    assert "r2p:BareIndicator" in found.get("concept-scheme", set()), found
    assert "r2pr:structural-inequality" in found.get("shacl:SchemeValue-indicator", set()), found
