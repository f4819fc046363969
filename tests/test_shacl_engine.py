"""The SPARQL SHACL engine (graph/shacl_sparql.py) reports what pySHACL reports.

Every shape fixture (the valid fixture, each of its breaks in tests/test_validate.py and
tests/test_ontology.py, the curators' mappings) and the brief run through both engines, with and
without RDFS inference, and give the same results: focus node, path, value, constraint component,
source shape, severity and message. A shape the engine cannot compile is refused, never passed.
"""

from __future__ import annotations

from functools import cache

import pytest
import rdflib
import test_ontology
import test_validate
from click.testing import CliRunner
from conftest import FIXTURES
from rdflib.namespace import SH

from graph import load_graph
from graph.axiom_shapes import axiom_shapes
from graph.cli import cli
from graph.resources import data_dir, ontology_file, shapes_file
from graph.shacl_sparql import ShaclResult, UnsupportedShape, validate_graph
from graph.store import expand_inputs
from graph.validation import load_shapes, pyshacl_results, run_shacl

VALID = FIXTURES / "shapes" / "valid.ttl"
BREAKS = {
    **{f"validate:{k}": v[1] for k, v in test_validate.BREAKS.items()},
    **test_ontology.TYPE_ERRORS,
    **{f"mapping:{k}": "INSERT DATA {" + test_ontology.MAPPING_FIXTURE + "} ; " + v
       for k, v in test_ontology.MAPPING_ERRORS.items()},
    "mapping:valid": "INSERT DATA {" + test_ontology.MAPPING_FIXTURE + "}",
}


@cache
def shapes() -> rdflib.Graph:
    """The hand-written shapes and those the ontology implies, as validation runs them."""
    return rdflib.Graph().parse(shapes_file()) + axiom_shapes(rdflib.Graph().parse(ontology_file()))


def key(r: ShaclResult) -> tuple:
    return (r.focus, r.path, r.value, r.component, r.source_shape, r.severity, r.message)


def both(data: rdflib.Graph, inference: str, shape_graph: rdflib.Graph | None = None) -> tuple[set, set]:
    shape_graph = shapes() if shape_graph is None else shape_graph
    copy = rdflib.Graph()
    for t in data:
        copy.add(t)
    reference = {key(r) for r in pyshacl_results(copy, shape_graph, inference)}
    return reference, {key(r) for r in validate_graph(data, shape_graph, inference)}


@pytest.mark.parametrize("inference", ["none", "rdfs"])
@pytest.mark.parametrize("case", sorted(BREAKS))
def test_every_shape_fixture_gives_pyshacls_results(case, inference):
    data = test_ontology.merged([ontology_file(), VALID], BREAKS[case])
    reference, ours = both(data, inference)
    assert ours == reference
    if case != "mapping:valid":
        assert reference, "the break must be found (else the comparison shows nothing)"


@pytest.mark.parametrize("inference", ["none", "rdfs"])
def test_the_brief_gives_pyshacls_results(inference):
    data = test_ontology.merged([ontology_file(), *expand_inputs([data_dir()])])
    # The brief validates clean; a few breaks spread over it make the comparison say something.
    data.update(test_ontology.PREFIXES + """
        DELETE { ?c r2p:paragraph ?p } WHERE { { SELECT ?c ?p WHERE { ?c a r2p:Claim ; r2p:paragraph ?p }
                                                 ORDER BY ?c LIMIT 3 } } ;
        INSERT { ?c r2p:consensus r2p:MitigatesRelation } WHERE { { SELECT ?c WHERE { ?c a r2p:Claim }
                                                                    ORDER BY DESC(?c) LIMIT 2 } } ;
        INSERT { ?l r2p:effect r2p:SecuritySector } WHERE { { SELECT ?l WHERE { ?l a r2p:CausalLink }
                                                              ORDER BY ?l LIMIT 2 } }""")
    reference, ours = both(data, inference)
    assert len(reference) >= 7
    assert ours == reference


def test_findings_of_the_project_are_the_same_with_either_engine():
    kg = load_graph()
    kg.store.update(test_validate.P + "DELETE { ?q oa:hasSource ?d } WHERE { { SELECT ?q ?d WHERE { "
                    "?q oa:hasSource ?d } ORDER BY ?q LIMIT 3 } } ; "
                    "INSERT DATA { r2pr:security-sector-reform r2p:sector r2p:PillarTwo }")
    reference = run_shacl(kg, load_shapes(), "pyshacl")
    assert reference
    assert run_shacl(kg, load_shapes(), "sparql") == reference


# Shapes that use every constraint kind the engine compiles, on nodes that break and keep each one.
KINDS_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:S a sh:NodeShape ; sh:targetClass ex:T ; sh:targetNode ex:n9 ;
  sh:property [ sh:path ex:p ; sh:minCount 2 ; sh:maxCount 2 ; sh:datatype xsd:integer ; sh:minInclusive 0 ;
                sh:maxExclusive 10 ] ;
  sh:property [ sh:path ex:s ; sh:datatype xsd:dateTime ; sh:minLength 4 ; sh:maxLength 30 ;
                sh:pattern "^20" ; sh:languageIn ( "en" ) ] ;
  sh:property [ sh:path ex:d ; sh:datatype xsd:decimal ; sh:maxInclusive 2.5 ; sh:minExclusive 0.5 ] ;
  sh:property [ sh:path ( ex:q [ sh:zeroOrMorePath ex:r ] ) ; sh:nodeKind sh:IRI ; sh:class ex:C ] ;
  sh:property [ sh:path [ sh:inversePath ex:q ] ; sh:maxCount 1 ] ;
  sh:property [ sh:path [ sh:alternativePath ( ex:a ex:b ) ] ; sh:in ( ex:x "y" 3 ) ; sh:disjoint ex:q ] ;
  sh:property [ sh:path ex:h ; sh:hasValue ex:x ; sh:node ex:N ; sh:not ex:N ;
                sh:message "h is wrong"@en ] ;
  sh:or ( [ sh:class ex:C ] [ sh:path ex:h ; sh:minCount 1 ] ) ;
  sh:and ( [ sh:path ex:a ; sh:maxCount 1 ] ) ;
  sh:xone ( [ sh:class ex:C ] [ sh:path ex:b ; sh:minCount 1 ] ) ;
  sh:sparql [ sh:select "SELECT $this ?value WHERE { $this ex:a ?value . FILTER(isLiteral(?value)) }" ;
              sh:prefixes [ sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] ] ;
              sh:message "literal {?value} on {$this}" ] .
ex:N a sh:NodeShape ; sh:property [ sh:path ex:k ; sh:minCount 1 ; sh:datatype xsd:string ] ;
  sh:nodeKind sh:BlankNodeOrIRI .
ex:W a sh:NodeShape ; sh:targetSubjectsOf ex:w ; sh:severity sh:Warning ; sh:message "a warning" ;
  sh:property [ sh:path ex:w ; sh:maxCount 1 ; sh:severity sh:Info ] .
ex:O a sh:PropertyShape ; sh:targetObjectsOf ex:q ; sh:path ex:r ; sh:minCount 1 ;
  sh:property [ sh:path ex:k ; sh:minCount 1 ] .
"""
KINDS_DATA = """
@prefix ex: <http://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:D rdfs:subClassOf ex:C .
ex:n1 a ex:T ; ex:p 1, 2 ; ex:s "2013-10-16T00:00:00"^^xsd:dateTime ; ex:d 1.5 ; ex:q ex:m1 ; ex:h ex:x ;
  ex:a ex:x .
ex:m1 a ex:D ; ex:r ex:m2 . ex:m2 a ex:C ; ex:r ex:m2 ; ex:k "k" .
ex:n2 a ex:T, ex:D ; ex:p 1, "2", 3, 11, -1, "x"^^xsd:integer ; ex:s "1999"@fr, "2013-02-30T00:00:00"^^xsd:dateTime,
  _:b ; ex:d 3.5, 0.5, "a" ; ex:q "lit", ex:m3, _:b ; ex:h ex:y ; ex:a "y", 3, ex:z, ex:x ; ex:b ex:x ;
  ex:w 1, 2 .
ex:m3 ex:r ex:m4 . ex:m4 a ex:E .
ex:n3 a ex:T ; ex:q ex:m1 ; ex:h ex:x, [ ex:k 1 ] ; ex:b 4 .
ex:n9 ex:p 5 .
"""


def test_every_compiled_constraint_kind_gives_pyshacls_results():
    shape_graph = rdflib.Graph().parse(data=KINDS_SHAPES, format="turtle")
    data = rdflib.Graph().parse(data=KINDS_DATA, format="turtle")
    for inference in ("none", "rdfs"):
        reference, ours = both(data, inference, shape_graph)
        assert ours == reference, inference
        components = {r[3] for r in reference}
        assert len(components) >= 18, sorted(components)


@pytest.mark.parametrize("extra", [
    "ex:S sh:property [ sh:path ex:p ; sh:equals ex:q ] .",
    "ex:S sh:closed true .",
    "ex:S sh:property [ sh:path ex:p ; sh:qualifiedValueShape ex:N ; sh:qualifiedMinCount 1 ] .",
    "ex:S sh:property [ sh:path ex:p ; sh:uniqueLang true ] .",
])
def test_a_constraint_kind_it_does_not_compile_is_refused(extra):
    shape_graph = rdflib.Graph().parse(data=KINDS_SHAPES + extra, format="turtle")
    data = rdflib.Graph().parse(data=KINDS_DATA, format="turtle")
    with pytest.raises(UnsupportedShape, match="--engine pyshacl"):
        validate_graph(data, shape_graph)


def test_validate_says_which_engine_ran_and_finds_the_same(tmp_path):
    broken = tmp_path / "data.ttl"
    broken.write_text(VALID.read_text().replace('r2p:consensus r2p:OneParticipant ;', ""))
    args = ["validate", "--input", str(ontology_file()), "--input", str(broken)]
    ours = CliRunner().invoke(cli, args)
    reference = CliRunner().invoke(cli, [*args, "--engine", "pyshacl"])
    assert ours.exit_code == reference.exit_code == 1
    assert "SHACL by SPARQL on the store" in ours.output and "SHACL by pySHACL" in reference.output
    # Only the SPARQL engine keeps findings between runs, so only it says what it re-checked.
    assert "SHACL: checked all" in ours.output and "SHACL: " not in reference.output

    def strip(output: str) -> list[str]:
        return [line for line in output.splitlines() if "SHACL by" not in line and not line.startswith("SHACL: ")]

    assert strip(ours.output) == strip(reference.output)
    assert "r2pr:fx-claim-2" in ours.output
    unsupported = tmp_path / "shapes.ttl"
    unsupported.write_text(shapes_file().read_text() + "\nr2ps:ClaimShape sh:closed true .\n")
    refused = CliRunner().invoke(cli, [*args, "--shapes", str(unsupported)])
    assert refused.exit_code == 2 and "sh:closed" in refused.output and "Traceback" not in refused.output


def test_shapes_of_the_project_use_only_compiled_kinds():
    used = {p for p in shapes().predicates() if str(p).startswith(str(SH))}
    from graph.shacl_sparql import DESCRIPTIVE, SUPPORTED

    assert used <= set(SUPPORTED) | DESCRIPTIVE | {SH.select, SH.zeroOrMorePath}
