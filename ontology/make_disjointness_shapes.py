"""Regenerate the disjointness section of ontology/shapes.ttl from the OWL axioms of ontology/r2p.ttl.

Each disjoint pair is checked once, by the shape of the class with fewer instances in the brief's data (a shape
over a class with no instances costs nothing). The check reads the node's asserted rdf:type values (one or two per
node, instead of the whole superclass closure) against every ontology subclass of the disjoint classes.

Run it after changing a disjointness axiom: `python ontology/make_disjointness_shapes.py` (tests/test_ontology.py
checks that the shapes mirror the axioms).
"""
from collections import Counter
from pathlib import Path

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

import graph

HERE = Path(__file__).resolve().parent
R2P = "https://w3id.org/r2pkg/ontology#"
onto = rdflib.Graph().parse(HERE / "r2p.ttl")
pairs = set()
for node in onto.subjects(RDF.type, OWL.AllDisjointClasses):
    members = list(Collection(onto, onto.value(node, OWL.members)))
    pairs |= {frozenset((a, b)) for a in members for b in members if a != b}
pairs |= {frozenset(p) for p in onto.subject_objects(OWL.disjointWith)}

def subs(c):
    out, todo = set(), [c]
    while todo:
        x = todo.pop()
        if x in out or not isinstance(x, rdflib.URIRef):
            continue
        out.add(x)
        todo += list(onto.subjects(RDFS.subClassOf, x))
    return out

kg = graph.load_graph()
counts = Counter()
for row in kg.select("SELECT ?c (COUNT(DISTINCT ?n) AS ?k) WHERE { ?n a/rdfs:subClassOf* ?c } GROUP BY ?c",
                     asserted_only=True):
    counts[str(row["c"])] = int(row["k"])

assigned = {}
for pair in sorted(pairs, key=lambda pr: sorted(map(str, pr))):
    # The cost of checking the pair on a: a's instances times the classes listed for b (pySHACL reads the
    # sh:in list again for every value it checks).
    a, b = sorted(pair, key=lambda c: (counts[str(c)] * len(subs(next(iter(pair - {c})))), str(c)))
    assigned.setdefault(a, set()).add(b)

def q(c):
    return "r2p:" + str(c).removeprefix(R2P)

out = ["""#################################################################
# Disjointness: mirrors every owl:AllDisjointClasses and owl:disjointWith axiom of the ontology
# (tests/test_ontology.py checks that the two agree). Under RDFS inference a range axiom types a wrong
# value into the range class; these shapes then find it in two disjoint classes.
# Each disjoint pair is checked once, on the side that costs less on the brief (instances of the target times
# the classes listed; a shape over a class without instances costs nothing). The inner shapes carry a message
# so that pySHACL does not spell out the whole list for every value that passes. A target's own rdf:type
# values (one or two per node without inference, its superclasses too with RDFS inference) may not be any
# ontology subclass of a class disjoint with the target: the superclass walk is done once, when these shapes
# are written (ontology/make_disjointness_shapes.py), not for every node at validation time.
#################################################################
"""]
for a in sorted(assigned, key=str):
    listed = sorted({s for b in assigned[a] for s in subs(b)}, key=str)
    name = str(a).removeprefix(R2P)
    disjoint = " ".join(q(b) for b in sorted(assigned[a], key=str))
    out.append(f"""r2ps:Disjoint-{name} a sh:NodeShape ;
    rdfs:label "disjointness of {name}" ;
    rdfs:comment "Disjoint with {disjoint} (and their subclasses)." ;
    sh:targetClass {q(a)} ;
    sh:property [ sh:path rdf:type ;
        sh:not [ sh:in ( {" ".join(q(s) for s in listed)} ) ; sh:message "a class disjoint with {q(a)}" ] ;
        sh:message "a node of {q(a)} cannot also belong to a class disjoint with it" ] ;
    sh:message "a node of {q(a)} cannot also belong to a class disjoint with it" .
""")
p = HERE / "shapes.ttl"
t = p.read_text(encoding="utf-8")
head = t[: t.index("#################################################################\n# Disjointness:")]
p.write_text(head + "\n".join(out), encoding="utf-8")
print(len(assigned), "shapes", sum(counts[str(a)] for a in assigned), "focus nodes")
print(sorted(((counts[str(a)], q(a)) for a in assigned), reverse=True)[:12])
