"""The one SPARQL read model of the graph: claims, quotes, causal links, requirements, arguments, issues.

Pathways (graph.pathways) and maps (graph.render) read the graph through
``read(kg)`` and nothing else, so both see the same facts the same way: one
English-preferred label per node, a claim's breadth apart from its speaker's
role, a link's modality, a requirement's direction.

Every fact is fetched by one flat SELECT per property (a basic graph pattern,
no OPTIONAL, no property path with two unbound ends) and grouped in Python:
on Oxigraph a flat pattern is an index scan, while OPTIONALs in the middle of
a group or ``a/rdfs:subClassOf*`` joins turn into nested loops on large
graphs. The cost is a fixed number of queries (about 40), whatever the size
of the graph.

Transitional readings, until the data and the ontology of wave 2 land
(see /tmp/wave2/CONTRACT.md items 1-3):

- a causal link or requirement without ``r2p:modality`` reads as r2p:Asserted;
- a claim without ``r2p:speakerRole`` gets one from its old consensus value
  (r2p:RapporteurSummary -> r2p:RapporteurRole, r2p:AuthorPosition ->
  r2p:CommissionedAuthorRole, anything else -> r2p:ParticipantRole), and those
  two old values, like r2p:BreadthNotStated, state no breadth
  (``Claim.breadth`` is None).

Requirements are read only as ``r2p:Requirement`` nodes (r2p:dependent,
r2p:prerequisite): the data no longer has the old r2p:RequiresRelation links.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import Literal

from graph.namespaces import R2P
from graph.terms import literal_int

if TYPE_CHECKING:
    from graph.store import KnowledgeGraph

_R2P = str(R2P)
ASSERTED, POSSIBLE, HYPOTHETICAL, NORMATIVE, QUESTIONED = (
    _R2P + name for name in ("Asserted", "Possible", "Hypothetical", "Normative", "Questioned")
)
PARTICIPANT_ROLE, RAPPORTEUR_ROLE, AUTHOR_ROLE = (
    _R2P + name for name in ("ParticipantRole", "RapporteurRole", "CommissionedAuthorRole")
)
BREADTH_NOT_STATED = _R2P + "BreadthNotStated"
# Old consensus values that named a speaker, not a breadth (removed from the scheme in wave 2).
_SPEAKER_AS_CONSENSUS = {_R2P + "RapporteurSummary": RAPPORTEUR_ROLE, _R2P + "AuthorPosition": AUTHOR_ROLE}
DOMAIN_ENTITY = _R2P + "DomainEntity"
CURATORS = "https://w3id.org/r2pkg/resource/curators"


@dataclass(frozen=True)
class Claim:
    """An r2p:Claim: our paraphrase, the brief's verbatim quotes, where it stands, who holds it and how widely.

    ``breadth`` is the r2p:rank of its consensus level, None when the brief
    states no breadth (r2p:BreadthNotStated); ``speaker_role`` is the IRI of
    its r2p:speakerRole. ``agents`` are IRIs of prov:wasAttributedTo.
    ``order`` is r2p:documentOrder (None when absent).
    """

    iri: str
    label: str = ""
    statement: str = ""
    quotes: tuple[str, ...] = ()
    paragraph: int | None = None
    section: str = ""
    order: int | None = None
    consensus: str = ""
    breadth: int | None = None
    speaker_role: str = PARTICIPANT_ROLE
    agents: tuple[str, ...] = ()
    about: tuple[str, ...] = ()


@dataclass(frozen=True)
class Issue:
    """An r2p:Issue: a question the brief reports disagreement on, with its competing positions (claim IRIs)."""

    iri: str
    label: str = ""
    definition: str = ""
    positions: tuple[str, ...] = ()
    quotes: tuple[str, ...] = ()
    paragraph: int | None = None
    section: str = ""
    consensus: str = ""
    agents: tuple[str, ...] = ()
    about: tuple[str, ...] = ()


@dataclass(frozen=True)
class CausalLink:
    """An r2p:CausalLink: cause --relation--> effect, its polarity (+1, -1; None when the relation has none),
    its modality (IRI; r2p:Asserted when not given), the claims asserting it and its cases.

    ``malformed`` is set when the link has more than one cause, effect or relation
    (SHACL reports it; readers skip it rather than guess).
    """

    iri: str
    cause: str
    effect: str
    relation: str
    relation_label: str = ""
    polarity: int | None = None
    modality: str = ASSERTED
    claims: tuple[str, ...] = ()
    cases: tuple[str, ...] = ()
    label: str = ""
    malformed: bool = False


@dataclass(frozen=True)
class Requirement:
    """An r2p:Requirement: ``dependent`` needs ``prerequisite`` (a dependency, not a cause).

    ``inferred_by_curators`` is True when the direction is the curators' reading
    (r2p:inferredByCurators), never the brief's.
    """

    iri: str
    dependent: str
    prerequisite: str
    modality: str = ASSERTED
    claims: tuple[str, ...] = ()
    cases: tuple[str, ...] = ()
    label: str = ""
    inferred_by_curators: bool = False


@dataclass(frozen=True)
class ArgumentRelation:
    """One premise of an r2p:Support or r2p:Attack: ``premise`` supports (or attacks) ``conclusion``.

    A relation with two premises appears twice, once per premise, with the same ``iri``.
    ``kind`` is the class IRI (r2p:Support or r2p:Attack); ``support_kind`` the r2p:supportKind IRI or "".
    """

    iri: str
    kind: str
    premise: str
    conclusion: str
    support_kind: str = ""


@dataclass(frozen=True)
class Section:
    iri: str
    label: str = ""
    index: int | None = None
    document: str = ""


@dataclass(frozen=True)
class Case:
    """An r2p:Case the brief cites: its label, definition and places (r2p:locatedIn)."""

    iri: str
    label: str = ""
    definition: str = ""
    places: tuple[str, ...] = ()


@dataclass(frozen=True)
class DerivedStep:
    index: int
    source: str
    target: str
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class DerivedPathway:
    """A derived r2p:Pathway as the RDF has it (see graph.pathways.rdf): the steps are its lead route's."""

    iri: str
    risk: str
    measure: str = ""
    form: str = ""
    strength: int | None = None
    contested: bool = False
    steps: tuple[DerivedStep, ...] = ()
    prerequisites: tuple[str, ...] = ()


@dataclass(frozen=True)
class DerivedBundle:
    iri: str
    members: tuple[str, ...]
    order: int | None = None


@dataclass
class ReadModel:
    """Everything the readers need, keyed by IRI and sorted, so iteration order is fixed.

    ``classes`` maps every node to its asserted classes; ``kinds(node)`` adds
    their superclasses (closure over ``superclasses``). ``consensus_levels``
    maps a level to (label, rank or None). ``arguments`` lists supports and
    attacks premise by premise; ``supports``/``attacks`` are the same split by kind.
    """

    labels: dict[str, str] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)
    classes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    superclasses: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sectors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    located_in: dict[str, tuple[str, ...]] = field(default_factory=dict)
    claims: dict[str, Claim] = field(default_factory=dict)
    issues: dict[str, Issue] = field(default_factory=dict)
    links: dict[str, CausalLink] = field(default_factory=dict)
    requirements: dict[str, Requirement] = field(default_factory=dict)
    arguments: tuple[ArgumentRelation, ...] = ()
    sections: dict[str, Section] = field(default_factory=dict)
    cases: dict[str, Case] = field(default_factory=dict)
    relation_polarity: dict[str, int] = field(default_factory=dict)
    consensus_levels: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    sector_list: tuple[str, ...] = ()
    pathways: tuple[DerivedPathway, ...] = ()
    bundles: tuple[DerivedBundle, ...] = ()

    def label(self, iri: str) -> str:
        return self.labels.get(iri) or iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def ancestors(self, cls: str) -> tuple[str, ...]:
        """The class and its superclasses, nearest first (breadth first, sorted, so deterministic)."""
        cache = self.__dict__.setdefault("_ancestors", {})
        if cls in cache:
            return cache[cls]
        out, frontier = [cls], [cls]
        while frontier:
            nxt = []
            for c in frontier:
                for s in sorted(self.superclasses.get(c, ())):
                    if s not in out:
                        out.append(s)
                        nxt.append(s)
            frontier = nxt
        cache[cls] = tuple(out)
        return cache[cls]

    def kinds(self, node: str) -> frozenset[str]:
        """Every class of a node, asserted or inherited through rdfs:subClassOf."""
        return frozenset(a for c in self.classes.get(node, ()) for a in self.ancestors(c))

    def is_a(self, node: str, cls: str) -> bool:
        return cls in self.kinds(node)

    @property
    def supports(self) -> tuple[ArgumentRelation, ...]:
        return tuple(a for a in self.arguments if a.kind == _R2P + "Support")

    @property
    def attacks(self) -> tuple[ArgumentRelation, ...]:
        return tuple(a for a in self.arguments if a.kind == _R2P + "Attack")

    def attackers(self) -> dict[str, tuple[str, ...]]:
        """Claim -> the claims that attack it (premises of an r2p:Attack whose conclusion it is)."""
        out: dict[str, set[str]] = defaultdict(set)
        for a in self.attacks:
            out[a.conclusion].add(a.premise)
        return {c: tuple(sorted(v)) for c, v in sorted(out.items())}

    def claims_about(self) -> dict[str, tuple[str, ...]]:
        """Node -> the claims and issues about it, in document order (then by IRI)."""
        out: dict[str, list[str]] = defaultdict(list)
        for c in self.claims.values():
            for n in c.about:
                out[n].append(c.iri)
        for i in self.issues.values():
            for n in i.about:
                out[n].append(i.iri)

        def key(iri: str) -> tuple[int, str]:
            c = self.claims.get(iri)
            return (c.order if c is not None and c.order is not None else 10**9, iri)

        return {n: tuple(sorted(v, key=key)) for n, v in sorted(out.items())}

    def paragraph_key(self, claim: str) -> tuple[str, int] | None:
        """(section, paragraph) of a claim: paragraphs are numbered per document, sections belong to one."""
        c = self.claims.get(claim)
        if c is None or c.paragraph is None:
            return None
        return (c.section, c.paragraph)


# --- queries: one flat pattern each --------------------------------------------------------------
def _pairs(kg: KnowledgeGraph, pattern: str) -> list[tuple]:
    """Rows of ``SELECT ?s ?o WHERE { pattern }`` as (s, o) rdflib terms."""
    return [(r["s"], r["o"]) for r in kg.select(f"SELECT ?s ?o WHERE {{ {pattern} }}")]


def _grouped(kg: KnowledgeGraph, pattern: str, as_int: bool = False) -> dict[str, list]:
    out: dict[str, list] = defaultdict(list)
    for s, o in _pairs(kg, pattern):
        out[str(s)].append(literal_int(o) if as_int else str(o))
    return out


def _first(values: list | None, default=""):
    """The smallest value, so that a node with two values (a validation error) still reads the same way."""
    vals = [v for v in (values or ()) if v is not None]
    return min(vals) if vals else default


def _labels(kg: KnowledgeGraph) -> dict[str, str]:
    labels: dict[str, tuple[int, str]] = {}
    for s, o in _pairs(kg, "?s rdfs:label ?o FILTER(isIRI(?s))"):
        # An English label wins over an untagged one, then the smallest text (so the choice is stable).
        rank = 0 if isinstance(o, Literal) and o.language == "en" else 1
        key = (rank, str(o))
        if str(s) not in labels or key < labels[str(s)]:
            labels[str(s)] = key
    return {k: v[1] for k, v in sorted(labels.items())}


def _claims(kg: KnowledgeGraph, levels: dict[str, tuple[str, int | None]]) -> dict[str, Claim]:
    typed = {str(s) for s, _ in _pairs(kg, "?s a r2p:Claim . BIND(1 AS ?o)")}
    label = _grouped(kg, "?s a r2p:Claim ; rdfs:label ?o")
    statement = _grouped(kg, "?s a r2p:Claim ; r2p:statement ?o")
    quotes = _grouped(kg, "?s a r2p:Claim ; r2p:hasQuote ?q . ?q oa:hasSelector ?x . ?x oa:exact ?o")
    paragraph = _grouped(kg, "?s a r2p:Claim ; r2p:paragraph ?o", as_int=True)
    section = _grouped(kg, "?s a r2p:Claim ; r2p:section ?o")
    order = _grouped(kg, "?s a r2p:Claim ; r2p:documentOrder ?o", as_int=True)
    consensus = _grouped(kg, "?s a r2p:Claim ; r2p:consensus ?o")
    role = _grouped(kg, "?s a r2p:Claim ; r2p:speakerRole ?o")
    agents = _grouped(kg, "?s a r2p:Claim ; prov:wasAttributedTo ?o")
    about = _grouped(kg, "?s a r2p:Claim ; r2p:about ?o FILTER(isIRI(?o))")
    out = {}
    for c in sorted(typed):
        level = _first(consensus.get(c))
        speaker = _first(role.get(c)) or _SPEAKER_AS_CONSENSUS.get(level, PARTICIPANT_ROLE)
        breadth = None
        if level and level not in _SPEAKER_AS_CONSENSUS and level != BREADTH_NOT_STATED:
            breadth = levels.get(level, ("", None))[1]
        out[c] = Claim(
            iri=c,
            label=_first(label.get(c)),
            statement=_first(statement.get(c)),
            quotes=tuple(sorted(set(quotes.get(c, ())))),
            paragraph=_first(paragraph.get(c), None),
            section=_first(section.get(c)),
            order=_first(order.get(c), None),
            consensus=level,
            breadth=breadth,
            speaker_role=speaker,
            agents=tuple(sorted(set(agents.get(c, ())))),
            about=tuple(sorted(set(about.get(c, ())))),
        )
    return out


def _issues(kg: KnowledgeGraph) -> dict[str, Issue]:
    typed = {str(s) for s, _ in _pairs(kg, "?s a r2p:Issue . BIND(1 AS ?o)")}
    g = {
        name: _grouped(kg, f"?s a r2p:Issue ; {prop} ?o", as_int=name == "paragraph")
        for name, prop in (
            ("label", "rdfs:label"),
            ("definition", "skos:definition"),
            ("positions", "r2p:position"),
            ("paragraph", "r2p:paragraph"),
            ("section", "r2p:section"),
            ("consensus", "r2p:consensus"),
            ("agents", "prov:wasAttributedTo"),
            ("about", "r2p:about"),
        )
    }
    quotes = _grouped(kg, "?s a r2p:Issue ; r2p:hasQuote ?q . ?q oa:hasSelector ?x . ?x oa:exact ?o")
    return {
        i: Issue(
            iri=i,
            label=_first(g["label"].get(i)),
            definition=_first(g["definition"].get(i)),
            positions=tuple(sorted(set(g["positions"].get(i, ())))),
            quotes=tuple(sorted(set(quotes.get(i, ())))),
            paragraph=_first(g["paragraph"].get(i), None),
            section=_first(g["section"].get(i)),
            consensus=_first(g["consensus"].get(i)),
            agents=tuple(sorted(set(g["agents"].get(i, ())))),
            about=tuple(sorted(set(g["about"].get(i, ())))),
        )
        for i in sorted(typed)
    }


def _links(kg: KnowledgeGraph, labels: dict[str, str], polarity: dict[str, int]) -> dict[str, CausalLink]:
    cause = _grouped(kg, "?s a r2p:CausalLink ; r2p:cause ?o")
    effect = _grouped(kg, "?s a r2p:CausalLink ; r2p:effect ?o")
    relation = _grouped(kg, "?s a r2p:CausalLink ; r2p:relation ?o")
    modality = _grouped(kg, "?s a r2p:CausalLink ; r2p:modality ?o")
    claims = _grouped(kg, "?s a r2p:CausalLink ; r2p:assertedBy ?o")
    cases = _grouped(kg, "?s a r2p:CausalLink ; r2p:caseExample ?o")
    out = {}
    for link in sorted(set(cause) & set(effect) & set(relation)):
        rel = _first(relation[link])
        out[link] = CausalLink(
            iri=link,
            cause=_first(cause[link]),
            effect=_first(effect[link]),
            relation=rel,
            relation_label=labels.get(rel, rel.rsplit("#", 1)[-1]),
            polarity=polarity.get(rel),
            modality=_first(modality.get(link)) or ASSERTED,
            claims=tuple(sorted(set(claims.get(link, ())))),
            cases=tuple(sorted(set(cases.get(link, ())))),
            label=labels.get(link, ""),
            malformed=any(len(set(x[link])) != 1 for x in (cause, effect, relation))
            or len(set(modality.get(link, ()))) > 1,
        )
    return out


def _requirements(kg: KnowledgeGraph, labels: dict[str, str]) -> dict[str, Requirement]:
    dependent = _grouped(kg, "?s a r2p:Requirement ; r2p:dependent ?o")
    prerequisite = _grouped(kg, "?s a r2p:Requirement ; r2p:prerequisite ?o")
    modality = _grouped(kg, "?s a r2p:Requirement ; r2p:modality ?o")
    claims = _grouped(kg, "?s a r2p:Requirement ; r2p:assertedBy ?o")
    cases = _grouped(kg, "?s a r2p:Requirement ; r2p:caseExample ?o")
    inferred = _grouped(kg, "?s a r2p:Requirement ; r2p:inferredByCurators ?o")
    curators = _grouped(kg, "?s a r2p:Requirement ; prov:wasAttributedTo ?o")
    out = {}
    for req in sorted(set(dependent) & set(prerequisite)):
        if len(set(dependent[req])) != 1 or len(set(prerequisite[req])) != 1:
            continue  # malformed: SHACL reports it
        out[req] = Requirement(
            iri=req,
            dependent=dependent[req][0],
            prerequisite=prerequisite[req][0],
            modality=_first(modality.get(req)) or ASSERTED,
            claims=tuple(sorted(set(claims.get(req, ())))),
            cases=tuple(sorted(set(cases.get(req, ())))),
            label=labels.get(req, ""),
            inferred_by_curators="true" in {v.lower() for v in inferred.get(req, ())}
            or CURATORS in curators.get(req, ()),
        )
    return out


def _arguments(kg: KnowledgeGraph) -> tuple[ArgumentRelation, ...]:
    out = []
    for kind in ("Support", "Attack"):
        premise = _grouped(kg, f"?s a r2p:{kind} ; r2p:premise ?o")
        conclusion = _grouped(kg, f"?s a r2p:{kind} ; r2p:conclusion ?o")
        support_kind = _grouped(kg, f"?s a r2p:{kind} ; r2p:supportKind ?o")
        for rel in sorted(set(premise) & set(conclusion)):
            for p in sorted(set(premise[rel])):
                for c in sorted(set(conclusion[rel])):
                    out.append(ArgumentRelation(rel, _R2P + kind, p, c, _first(support_kind.get(rel))))
    return tuple(out)


def _derived(kg: KnowledgeGraph) -> tuple[tuple[DerivedPathway, ...], tuple[DerivedBundle, ...]]:
    """Derived pathways and bundles as written by graph.pathways.rdf (empty before derivation)."""
    risk = _grouped(kg, "?s a r2p:Pathway ; r2p:startsFrom ?o")
    if not risk:
        pathways: tuple[DerivedPathway, ...] = ()
    else:
        measure = _grouped(kg, "?s a r2p:Pathway ; r2p:addressedBy ?o")
        form = _grouped(kg, "?s a r2p:Pathway ; r2p:pathwayForm ?o")
        strength = _grouped(kg, "?s a r2p:Pathway ; r2p:strength ?o", as_int=True)
        contested = _grouped(kg, "?s a r2p:Pathway ; r2p:contested ?o")
        prereq = _grouped(kg, "?s a r2p:Pathway ; r2p:prerequisite ?o")
        steps: dict[str, list[DerivedStep]] = defaultdict(list)
        step_links = _grouped(kg, "?s a r2p:PathwayStep ; r2p:viaLink ?o")
        for r in kg.select(
            "SELECT ?p ?s ?i ?f ?t WHERE { ?p a r2p:Pathway ; r2p:hasStep ?s . "
            "?s r2p:stepIndex ?i ; r2p:stepFrom ?f ; r2p:stepTo ?t }"
        ):
            links = tuple(sorted(step_links.get(str(r["s"]), ())))
            steps[str(r["p"])].append(DerivedStep(literal_int(r["i"], 0), str(r["f"]), str(r["t"]), links))
        pathways = tuple(
            DerivedPathway(
                iri=p,
                risk=_first(risk[p]),
                measure=_first(measure.get(p)),
                form=_first(form.get(p)),
                strength=_first(strength.get(p), None),
                contested="true" in contested.get(p, ()),
                steps=tuple(sorted(steps.get(p, ()), key=lambda s: (s.index, s.source, s.target))),
                prerequisites=tuple(sorted(set(prereq.get(p, ())))),
            )
            for p in sorted(risk)
        )
    members = _grouped(kg, "?s a r2p:CoRequisiteBundle ; r2p:member ?o")
    order = _grouped(kg, "?s a r2p:CoRequisiteBundle ; r2p:implementationOrder ?o", as_int=True)
    bundles = sorted(
        (DerivedBundle(b, tuple(sorted(set(m))), _first(order.get(b), None)) for b, m in members.items()),
        key=lambda b: (b.order if b.order is not None else 10**9, b.iri),
    )
    return pathways, tuple(bundles)


def read(kg: KnowledgeGraph, *, derived: bool = True) -> ReadModel:
    """Read the whole model from a loaded graph (``derived=False`` skips the derived pathways and bundles)."""
    labels = _labels(kg)
    polarity = {
        k: v[0] for k, v in _grouped(kg, "?s a r2p:CausalRelationType ; r2p:polarity ?o", as_int=True).items()
        if v and v[0] is not None
    }
    level_rank = _grouped(kg, "?s a r2p:ConsensusLevel ; r2p:rank ?o", as_int=True)
    levels = {
        str(s): (labels.get(str(s), ""), _first(level_rank.get(str(s)), None))
        for s, _ in _pairs(kg, "?s a r2p:ConsensusLevel . BIND(1 AS ?o)")
    }
    classes = _grouped(kg, "?s a ?o FILTER(isIRI(?s) && isIRI(?o))")
    superclasses = _grouped(kg, "?s rdfs:subClassOf ?o FILTER(isIRI(?s) && isIRI(?o))")
    sections = {
        s: Section(s, labels.get(s, ""), _first(idx, None), _first(doc.get(s)))
        for doc in [_grouped(kg, "?s a r2p:DocumentSection ; r2p:sectionOf ?o")]
        for s, idx in sorted(_grouped(kg, "?s a r2p:DocumentSection ; r2p:sectionIndex ?o", as_int=True).items())
    }
    for s in _grouped(kg, "?s a r2p:DocumentSection ; rdfs:label ?o"):
        sections.setdefault(s, Section(s, labels.get(s, "")))
    located = _grouped(kg, "?s r2p:locatedIn ?o")
    definitions = {k: _first(v) for k, v in sorted(_grouped(kg, "?s skos:definition ?o FILTER(isIRI(?s))").items())}
    cases = {
        c: Case(c, labels.get(c, ""), definitions.get(c, ""), tuple(sorted(set(located.get(c, ())))))
        for c in sorted(_grouped(kg, "?s a r2p:Case . BIND(1 AS ?o)"))
    }
    sector_list = tuple(
        sorted(_grouped(kg, "?s a r2p:Sector . BIND(1 AS ?o)"), key=lambda s: (labels.get(s, s), s))
    )
    pathways, bundles = _derived(kg) if derived else ((), ())
    return ReadModel(
        labels=labels,
        definitions=definitions,
        classes={k: tuple(sorted(set(v))) for k, v in sorted(classes.items())},
        superclasses={k: tuple(sorted(set(v))) for k, v in sorted(superclasses.items())},
        sectors={k: tuple(sorted(set(v))) for k, v in sorted(_grouped(kg, "?s r2p:sector ?o").items())},
        located_in={k: tuple(sorted(set(v))) for k, v in sorted(located.items())},
        claims=_claims(kg, levels),
        issues=_issues(kg),
        links=_links(kg, labels, polarity),
        requirements=_requirements(kg, labels),
        arguments=_arguments(kg),
        sections=dict(sorted(sections.items())),
        cases=cases,
        relation_polarity=dict(sorted(polarity.items())),
        consensus_levels=dict(sorted(levels.items())),
        sector_list=sector_list,
        pathways=pathways,
        bundles=bundles,
    )
