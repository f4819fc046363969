"""The one SPARQL read model of the graph: claims, quotes, causal links, requirements, arguments, issues.

Pathways (graph.pathways) and maps (graph.render) read the graph through
``read(kg)`` and nothing else, so both see the same facts the same way: one
English-preferred label per node, a claim's breadth apart from its speaker's
role, a link's modality, a requirement's direction.

Every fact is fetched by one scan of one predicate (``?s P ?o``) or of one
class (``?s a C``), with no OPTIONAL and no closure path, and joined and
grouped in Python: on Oxigraph such a scan costs about a microsecond a row,
while type joins, OPTIONALs in the middle of a group or
``a/rdfs:subClassOf*`` patterns cost several times that on large graphs. The
one join is the quotes' fixed-length path (r2p:hasQuote/oa:hasSelector/oa:exact),
which reads a third of the rows three scans would. The number of queries is
fixed by the ontology (about 80, most of them tiny), whatever the size of the graph.

Readings for data written against ontology 0.2 (before modalities and speaker
roles), so that older projects still load:

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

import gc
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graph.namespaces import R2P

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
# Consensus values of ontology 0.2 that named a speaker, not a breadth (removed from the scheme in 0.3).
SPEAKER_AS_CONSENSUS = {_R2P + "RapporteurSummary": RAPPORTEUR_ROLE, _R2P + "AuthorPosition": AUTHOR_ROLE}
DOMAIN_ENTITY = _R2P + "DomainEntity"
CURATORS = "https://w3id.org/r2pkg/resource/curators"


@dataclass(frozen=True, order=True)
class Quote:
    """One oa:TextQuoteSelector of a claim or issue: the verbatim text, its context where the data gives it,
    and the document it quotes (oa:hasSource, "" when the data names none)."""

    exact: str
    prefix: str = ""
    suffix: str = ""
    source: str = ""


@dataclass(frozen=True)
class Mapping:
    """The curators' mapping of a node to a concept of the UN Framework (or an R2P pillar)."""

    node: str
    concept: str
    relation: str
    note: str = ""


@dataclass(frozen=True)
class Claim:
    """An r2p:Claim: our paraphrase, the brief's verbatim quotes, where it stands, who holds it and how widely.

    ``breadth`` is the r2p:rank of its consensus level, None when the brief
    states no breadth (r2p:BreadthNotStated); ``speaker_role`` is the IRI of
    its r2p:speakerRole. ``agents`` are IRIs of prov:wasAttributedTo; ``views_of`` of r2p:reportsViewOf (whose
    view the claim reports, in its speaker's words).
    ``order`` is r2p:documentOrder (None when absent).
    """

    iri: str
    label: str = ""
    statement: str = ""
    quotes: tuple[Quote, ...] = ()
    paragraph: int | None = None
    section: str = ""
    order: int | None = None
    consensus: str = ""
    breadth: int | None = None
    speaker_role: str = PARTICIPANT_ROLE
    agents: tuple[str, ...] = ()
    about: tuple[str, ...] = ()
    views_of: tuple[str, ...] = ()


@dataclass(frozen=True)
class Issue:
    """An r2p:Issue: a question the brief reports disagreement on, with its competing positions (claim IRIs).

    ``sides`` are the positions by side (r2p:sameSideAs, the curators' reading), each side sorted; a position
    no such statement joins to another is a side of its own.
    """

    iri: str
    label: str = ""
    definition: str = ""
    positions: tuple[str, ...] = ()
    quotes: tuple[Quote, ...] = ()
    paragraph: int | None = None
    section: str = ""
    consensus: str = ""
    agents: tuple[str, ...] = ()
    about: tuple[str, ...] = ()
    sides: tuple[tuple[str, ...], ...] = ()

    def opposing(self, held: Iterable[str]) -> tuple[str, ...]:
        """The positions on another side than every claim of ``held``: those that challenge them."""
        held = set(held)
        mine = held.union(*(side for side in self.sides if held & set(side)))
        return tuple(p for p in self.positions if p not in mine)


def issues_of(issues: dict[str, Issue]) -> dict[str, tuple[str, ...]]:
    """Claim -> the issues (of ``issues``, by IRI) it is a position of, in IRI order."""
    out: dict[str, list[str]] = defaultdict(list)
    for iri in sorted(issues):
        for claim in issues[iri].positions:
            out[claim].append(iri)
    return {c: tuple(v) for c, v in out.items()}


@dataclass(frozen=True)
class CausalLink:
    """An r2p:CausalLink: cause --relation--> effect, its polarity (+1, -1; None when the relation has none),
    its modality (IRI; r2p:Asserted when not given), the claims asserting it and its cases.

    ``inferred_by_curators`` is True when the link is the curators' reading (r2p:inferredByCurators), never
    the text's words.

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
    inferred_by_curators: bool = False
    malformed: bool = False


@dataclass(frozen=True)
class Requirement:
    """An r2p:Requirement: ``dependent`` needs ``prerequisite`` (a dependency, not a cause).

    ``inferred_by_curators`` is True when the direction is the curators' reading
    (r2p:inferredByCurators), never the brief's; ``note`` is the curators' skos:editorialNote (a
    reading of the text it rests on that the direction alone does not show).
    """

    iri: str
    dependent: str
    prerequisite: str
    modality: str = ASSERTED
    claims: tuple[str, ...] = ()
    cases: tuple[str, ...] = ()
    label: str = ""
    inferred_by_curators: bool = False
    note: str = ""


@dataclass(frozen=True)
class ArgumentRelation:
    """One premise of an r2p:Support or r2p:Attack: ``premise`` supports (or attacks) ``conclusion``.

    A relation with two premises appears twice, once per premise, with the same ``iri``.
    ``kind`` is the class IRI (r2p:Support or r2p:Attack); ``support_kind`` the r2p:supportKind IRI or "".
    ``inferred_by_curators`` is True when the relation is the curators' reading (r2p:inferredByCurators):
    the source sets the two claims side by side, or does not say which claim the disagreement is against.
    """

    iri: str
    kind: str
    premise: str
    conclusion: str
    support_kind: str = ""
    inferred_by_curators: bool = False


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


# --- the derived layer: pathways, their routes and steps, joint conditions, stages and bundles ---------------
# The derivation (graph.pathways) makes these; ``read`` reads them back from the derived graph, with what the
# RDF records: a pathway's lead route (its form, meeting point, grounding, strength, modality, contests and
# steps), a step's index, ends and links; the rest keeps its default there.

# Pathway (route) forms: the measure lowers the risk factor or a node specific to it, or it
# builds an outcome the risk factor erodes.
DIRECT, RESTORES = "direct", "restores"
FORMS = (DIRECT, RESTORES)
FORM_CONCEPTS = {DIRECT: "DirectPathway", RESTORES: "RestoresPathway"}  # the ontology's pathway-form scheme

# How the text ties two consecutive steps of a route, strongest first; a route is as well
# grounded as its weakest tie.
CLAIM, PARAGRAPH, SUPPORT, CASE, SECTION = "claim", "paragraph", "support", "case", "section"
GROUNDINGS = (CLAIM, PARAGRAPH, SUPPORT, CASE, SECTION)
GROUNDING_CONCEPTS = {
    CLAIM: "GroundedInOneClaim",
    PARAGRAPH: "GroundedInParagraph",
    SUPPORT: "GroundedBySupportChain",
    CASE: "GroundedByCase",
    SECTION: "GroundedInSection",
}

# Modality levels (the modality IRIs above map onto them): how firmly the brief states a link.
LEVEL_ASSERTED, LEVEL_QUALIFIED, LEVEL_HYPOTHETICAL = 0, 1, 2
MODALITY_LEVELS = {
    ASSERTED: LEVEL_ASSERTED,
    POSSIBLE: LEVEL_QUALIFIED,
    NORMATIVE: LEVEL_QUALIFIED,
    HYPOTHETICAL: LEVEL_HYPOTHETICAL,
    QUESTIONED: LEVEL_HYPOTHETICAL,
}


def modality_level(iri: str | None) -> int:
    """How firmly a link is stated; an unknown or missing modality reads as asserted."""
    return MODALITY_LEVELS.get(iri or ASSERTED, LEVEL_ASSERTED)


@dataclass(frozen=True)
class Step:
    """One step: the causal links that say source --relation--> target (parallel links count once).

    ``rank`` is the best stated breadth among its claims (0: none stated);
    ``modality`` the firmest modality among its links (LEVEL_ASSERTED, LEVEL_QUALIFIED, LEVEL_HYPOTHETICAL).
    """

    index: int  # 1-based, in walking order (step 1 leaves the measure); 0 before a route places it
    links: tuple[str, ...]
    source: str
    target: str
    relation: str = ""
    relation_label: str = ""
    polarity: int = 0
    claims: tuple[str, ...] = ()
    rank: int = 0
    contested: bool = False
    cases: tuple[str, ...] = ()
    modality: int = LEVEL_ASSERTED
    modalities: tuple[str, ...] = ()  # modality IRIs of its links
    curators: bool = False  # the step is the curators' reading (r2p:inferredByCurators on every link)

    @property
    def link(self) -> str:
        return self.links[0]


@dataclass(frozen=True)
class Tie:
    """How the text ties two consecutive steps: ``kind`` (one of GROUNDINGS) and what they share."""

    kind: str
    after: int  # the tie joins step ``after`` and step ``after + 1``
    evidence: tuple[str, ...]  # the shared claim(s), paragraph, case(s), section, or the support chain


@dataclass(frozen=True)
class Contest:
    """Why a route is contested: a claim it rests on (its own, or one of a support chain that ties it) is
    attacked (``by`` the attackers; ``inside`` when an attacker is itself one of the route's claims), or is a
    position of an r2p:Issue (``by`` the issue's other positions; ``inside`` when the route rests on two)."""

    kind: str  # "attack" or "issue"
    claims: tuple[str, ...]  # the attacked claim, or the positions the route rests on
    by: tuple[str, ...] = ()  # the other side: the attackers, or the issue's other positions
    issue: str = ""
    inside: bool = False


@dataclass(frozen=True)
class Route:
    """A chain of steps from a measure to a risk factor (or a member of a joint condition).

    The steps run from the measure to the meeting point, then back along the
    links by which the risk raises (direct) or erodes (restores) it, each step in
    its own link's direction; ``turn`` is the number of steps up to the meeting
    point. A direct route at the risk itself has ``meeting == member``.
    """

    iri: str
    form: str
    member: str  # the risk factor the route ends at
    meeting: str
    steps: tuple[Step, ...]
    turn: int = 0
    ties: tuple[Tie, ...] = ()
    grounding: str | None = None  # weakest tie (GROUNDINGS), None when some join is not tied by the text
    strength: int = 0  # weakest stated breadth among the steps (0: none stated)
    modality: int = LEVEL_ASSERTED  # weakest modality among the steps
    speakers: tuple[str, ...] = ()  # speaker-role labels of the claims
    participants: bool = False  # every step rests on at least one claim of the participants
    specificity: float = 0.0
    contests: tuple[Contest, ...] = ()
    label: str = ""

    @property
    def contested(self) -> bool:
        return bool(self.contests)

    @property
    def hypothetical(self) -> bool:
        return self.modality == LEVEL_HYPOTHETICAL

    @property
    def curators(self) -> bool:
        """Some step of the route is the curators' reading, not the text's words."""
        return any(s.curators for s in self.steps)

    @property
    def nodes(self) -> tuple[str, ...]:
        """Nodes in walking order: the measure first, the risk factor last."""
        walk = [self.steps[0].source]
        for s in self.steps:
            walk.append(s.target if s.source == walk[-1] else s.source)
        return tuple(walk)

    @property
    def claims(self) -> tuple[str, ...]:
        return tuple(sorted({c for s in self.steps for c in s.claims}))

    @property
    def measure_steps(self) -> tuple[Step, ...]:
        return self.steps[: self.turn]

    @property
    def risk_steps(self) -> tuple[Step, ...]:
        return self.steps[self.turn:]


@dataclass(frozen=True)
class Pathway:
    """One entry: a measure for a risk factor (or a joint condition), with its routes as evidence, best first."""

    iri: str
    risk: str  # a risk factor IRI, or a joint condition IRI
    measure: str
    routes: tuple[Route, ...]
    prerequisites: tuple[str, ...]
    label: str
    also: tuple[str, ...] = ()  # other measures the same passage argues for with the same quotes (one argument)

    @property
    def measures(self) -> tuple[str, ...]:
        return (self.measure, *self.also)

    @property
    def lead(self) -> Route:
        return self.routes[0]

    @property
    def form(self) -> str:
        return self.lead.form

    @property
    def steps(self) -> tuple[Step, ...]:
        return self.lead.steps

    @property
    def nodes(self) -> tuple[str, ...]:
        return self.lead.nodes

    @property
    def meeting(self) -> str:
        return self.lead.meeting

    @property
    def strength(self) -> int:
        return self.lead.strength

    @property
    def modality(self) -> int:
        return self.lead.modality

    @property
    def specificity(self) -> float:
        return self.lead.specificity

    @property
    def grounding(self) -> str | None:
        return self.lead.grounding

    @property
    def hypothetical(self) -> bool:
        return self.lead.hypothetical

    @property
    def contests(self) -> tuple[Contest, ...]:
        seen: dict[tuple, Contest] = {}
        for r in self.routes:
            for c in r.contests:
                seen.setdefault((c.kind, c.claims, c.by, c.issue), c)
        return tuple(seen[k] for k in sorted(seen))

    @property
    def contested(self) -> bool:
        return any(r.contested for r in self.routes)

    @property
    def claims(self) -> tuple[str, ...]:
        return tuple(sorted({c for r in self.routes for c in r.claims}))

    @property
    def all_nodes(self) -> frozenset[str]:
        return frozenset(n for r in self.routes for n in r.nodes)


@dataclass(frozen=True)
class JointCondition:
    """Conditions the brief says combine (the will, capacity and acquiescence, and the escalatory crisis
    they feed): one unit of the derivation, addressed as a whole."""

    iri: str
    members: tuple[str, ...]
    label: str
    claims: tuple[str, ...]  # the claims of the links that tie the members together


@dataclass(frozen=True)
class Stage:
    """One component of the requires-condensation, at its place in the implementation order."""

    order: int | None  # 1-based: stage 1 has no unmet requirement (None: the derived layer gives none)
    members: tuple[str, ...]
    claims: tuple[str, ...]  # claims of the requirements inside the component
    iri: str
    cases: tuple[str, ...] = ()  # cases of the requirements inside the component
    requirements: tuple[str, ...] = ()  # IRIs of the requirements inside the component

    @property
    def is_bundle(self) -> bool:
        return len(self.members) > 1



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
    absence_of: dict[str, tuple[str, ...]] = field(default_factory=dict)  # risk -> what it is the absence of
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
    pathways: tuple[Pathway, ...] = ()
    bundles: tuple[Stage, ...] = ()  # derived r2p:CoRequisiteBundle
    joint_conditions: dict[str, JointCondition] = field(default_factory=dict)  # derived r2p:JointCondition

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

    def issues_of(self) -> dict[str, tuple[str, ...]]:
        """Claim -> the issues it is a position of, in IRI order."""
        return issues_of(self.issues)

    # --- which document says it ------------------------------------------------------------------
    def document_of(self, iri: str) -> str:
        """The document a claim or issue comes from: its section's (r2p:sectionOf), else the document its
        quotes cite (oa:hasSource); "" when the data says neither."""
        item: Claim | Issue | None = self.claims.get(iri) or self.issues.get(iri)
        if item is None:
            return ""
        section = self.sections.get(item.section)
        if section is not None and section.document:
            return section.document
        return min((q.source for q in item.quotes if q.source), default="")

    def documents_of(self, iris: Iterable[str]) -> tuple[str, ...]:
        """The documents of some claims, issues, causal links, requirements, argument relations or derived
        pathways, sorted: a link or requirement names the documents of the claims that assert it, an argument
        relation those of its premises and conclusion, a pathway those of the links of its steps."""
        out: set[str] = set()
        if "_pathway_index" not in self.__dict__:  # built once: maps ask this for every item they draw
            self.__dict__["_pathway_index"] = {p.iri: p for p in self.pathways}
        pathways: dict[str, Pathway] = self.__dict__["_pathway_index"]
        for iri in iris:
            if iri in self.claims or iri in self.issues:
                out.add(self.document_of(iri))
            elif (asserted := self.links.get(iri) or self.requirements.get(iri)) is not None:
                out.update(self.document_of(c) for c in asserted.claims)
            elif iri in pathways:
                links = {x for s in pathways[iri].steps for x in s.links}
                out.update(self.document_of(c) for x in links if x in self.links for c in self.links[x].claims)
            else:
                out.update(self.document_of(c) for a in self.arguments if a.iri == iri
                           for c in (a.premise, a.conclusion))
        return tuple(sorted(out - {""}))

    def documents(self) -> dict[str, str]:
        """Document IRI -> its short title (its rdfs:label in the data), for every document a section or a
        quote belongs to, in IRI order."""
        docs = {s.document for s in self.sections.values() if s.document}
        owners: list[Claim | Issue] = [*self.claims.values(), *self.issues.values()]
        docs |= {q.source for c in owners for q in c.quotes if q.source}
        return {d: self.label(d) for d in sorted(docs)}

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


# --- queries: one predicate each ----------------------------------------------------------------
class _Scan:
    """Per-predicate index scans (``SELECT ?s ?o WHERE { ?s P ?o }``), each run once and grouped by subject.

    Types are read once too and joined in Python: on Oxigraph a single-predicate
    scan costs about a microsecond a row, while ``?s a C ; P ?o`` joins cost
    several. Rows are read from the store's own solutions, not through
    kg.select, because converting every term to rdflib costs more than the query.
    """

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg
        self._values: dict[tuple[str, bool], dict[str, list]] = {}
        self._types: dict[str, set[str]] = {}
        self.quotes: dict[str, list[Quote]] | None = None

    def terms(self, predicate: str) -> list[tuple]:
        return [(row[0], row[1]) for row in self.kg.query(f"SELECT ?s ?o WHERE {{ ?s {predicate} ?o }}")]

    def values(self, predicate: str, as_int: bool = False) -> dict[str, list]:
        """Subject -> its values (IRI strings, lexical forms, or ints with ``as_int``)."""
        key = (predicate, as_int)
        if key not in self._values:
            out: dict[str, list] = defaultdict(list)
            solutions = self.kg.query(f"SELECT ?s ?o WHERE {{ ?s {predicate} ?o }}")
            if as_int:
                for subject, obj in solutions:
                    out[subject.value].append(_int(obj))
            else:
                for subject, obj in solutions:
                    out[subject.value].append(obj.value)
            self._values[key] = out
        return self._values[key]

    def typed(self, cls: str) -> set[str]:
        """Instances of one class (an r2p local name or a full IRI): a scan of the type index for that class
        only, so quote selectors and other untyped-for-us nodes are never read."""
        iri = cls if "://" in cls else _R2P + cls
        if iri not in self._types:
            self._types[iri] = {row[0].value for row in self.kg.query(f"SELECT ?s WHERE {{ ?s a <{iri}> }}")}
        return self._types[iri]


def _int(term) -> int | None:
    try:
        return int(term.value)
    except (AttributeError, ValueError):
        return None


def _first(values: list | None, default=""):
    """The smallest value, so that a node with two values (a validation error) still reads the same way."""
    if not values:
        return default
    if len(values) == 1:  # the common case, kept cheap: this runs once per property of every claim
        return default if values[0] is None else values[0]
    vals = [v for v in values if v is not None]
    return min(vals) if vals else default


def _set(values: Iterable[Any] | None) -> tuple:
    return tuple(sorted(set(values or ())))


def _best_labels(rows) -> dict[str, str]:
    labels: dict[str, tuple[int, str]] = {}
    for s, o in rows:
        # An English label wins over an untagged one, then the smallest text (so the choice is stable).
        # (Blank-node subjects are kept: their ids never look like an IRI, so nobody looks them up.)
        key = (0 if getattr(o, "language", None) == "en" else 1, o.value)
        old = labels.setdefault(s.value, key)
        if key < old:
            labels[s.value] = key
    return {k: v[1] for k, v in sorted(labels.items())}


def _labels(scan: _Scan) -> dict[str, str]:
    return _best_labels(scan.kg.query("SELECT ?s ?o WHERE { ?s rdfs:label ?o }"))


def labels_of(kg: KnowledgeGraph, iris) -> dict[str, str]:
    """Labels of some nodes only, bound with VALUES a few hundred at a time (index lookups, not a scan)."""
    wanted = sorted({i for i in iris if "://" in i and ">" not in i})
    rows = []
    for i in range(0, len(wanted), 400):
        values = " ".join(f"<{x}>" for x in wanted[i:i + 400])
        rows.extend(kg.query(f"SELECT ?s ?o WHERE {{ VALUES ?s {{ {values} }} ?s rdfs:label ?o }}"))
    return _best_labels(rows)


def _quotes(scan: _Scan) -> dict[str, list[Quote]]:
    """Owner -> its r2p:hasQuote selectors as Quotes: five scans joined on the quote and selector nodes
    (r2p:hasQuote, oa:hasSelector, oa:exact, oa:prefix/oa:suffix, oa:hasSource), no OPTIONAL."""
    if scan.quotes is None:
        has_quote, selector = scan.values("r2p:hasQuote"), scan.values("oa:hasSelector")
        exact, source = scan.values("oa:exact"), scan.values("oa:hasSource")
        prefix, suffix = scan.values("oa:prefix"), scan.values("oa:suffix")
        out: dict[str, list[Quote]] = defaultdict(list)
        for owner, quotes in has_quote.items():
            for q in quotes:
                for sel in selector.get(q, ()):
                    for text in exact.get(sel, ()):
                        out[owner].append(Quote(text, _first(prefix.get(sel)), _first(suffix.get(sel)),
                                                _first(source.get(q))))
        scan.quotes = out
    return scan.quotes


_QUOTES_OF = """SELECT ?s ?exact ?prefix ?suffix ?source WHERE {{ VALUES ?s {{ {values} }}
    ?s r2p:hasQuote ?q . ?q oa:hasSelector ?sel . ?sel oa:exact ?exact .
    OPTIONAL {{ ?sel oa:prefix ?prefix }} OPTIONAL {{ ?sel oa:suffix ?suffix }}
    OPTIONAL {{ ?q oa:hasSource ?source }} }}"""


def _quotes_of(kg: KnowledgeGraph, values: str) -> dict[str, list[Quote]]:
    """The quotes of some owners (bound with VALUES): few rows, so the OPTIONALs cost little."""
    out: dict[str, list[Quote]] = defaultdict(list)
    for s, exact, prefix, suffix, source in kg.query(_QUOTES_OF.format(values=values)):
        out[s.value].append(Quote(exact.value, *(t.value if t is not None else "" for t in (prefix, suffix, source))))
    return out


def _about(scan: _Scan, targets: set[str] | None) -> dict[str, list[str]]:
    """Subject -> what it is r2p:about: every object, or (slim read) only ``targets``, one index lookup each."""
    if targets is None:
        return scan.values("r2p:about")
    out: dict[str, list[str]] = defaultdict(list)
    for target in sorted(targets):
        for row in scan.kg.query(f"SELECT ?s WHERE {{ ?s r2p:about <{target}> }}"):
            out[row[0].value].append(target)
    return out


def _claims(
    scan: _Scan, levels: dict[str, tuple[str, int | None]], labels: dict[str, str], texts: bool,
    about: dict[str, list[str]],
) -> dict[str, Claim]:
    paragraph, section = scan.values("r2p:paragraph", True), scan.values("r2p:section")
    consensus, role = scan.values("r2p:consensus"), scan.values("r2p:speakerRole")
    statement = scan.values("r2p:statement") if texts else {}
    quotes = _quotes(scan) if texts else {}
    order = scan.values("r2p:documentOrder", True) if texts else {}
    agents = scan.values("prov:wasAttributedTo") if texts else {}
    views = scan.values("r2p:reportsViewOf") if texts else {}
    out = {}
    for c in sorted(scan.typed("Claim")):
        level = _first(consensus.get(c))
        speaker = _first(role.get(c)) or SPEAKER_AS_CONSENSUS.get(level, PARTICIPANT_ROLE)
        breadth = None
        if level and level not in SPEAKER_AS_CONSENSUS and level != BREADTH_NOT_STATED:
            breadth = levels.get(level, ("", None))[1]
        out[c] = Claim(
            iri=c,
            label=labels.get(c, ""),
            statement=_first(statement.get(c)),
            quotes=_set(quotes.get(c)),
            paragraph=_first(paragraph.get(c), None),
            section=_first(section.get(c)),
            order=_first(order.get(c), None),
            consensus=level,
            breadth=breadth,
            speaker_role=speaker,
            agents=_set(agents.get(c)),
            about=tuple(sorted({n for n in about.get(c, ()) if "://" in n})),
            views_of=_set(views.get(c)),
        )
    return out


def claim_texts(kg: KnowledgeGraph, claims: list[str] | tuple[str, ...]) -> dict[str, dict[str, tuple]]:
    """The texts a slim read leaves out, for some claims (or issues) only: label, statement, quotes (as
    Quotes), attribution, order.

    Bound with VALUES, a few hundred IRIs a query, so citing a report's claims
    costs index lookups, not scans of every claim in the store.
    """
    out: dict[str, dict[str, tuple]] = {c: {} for c in claims}
    wanted = sorted(c for c in set(claims) if "://" in c and ">" not in c)
    props = {"statement": "r2p:statement", "agents": "prov:wasAttributedTo", "order": "r2p:documentOrder",
             "label": "rdfs:label"}
    for i in range(0, len(wanted), 400):
        values = " ".join(f"<{c}>" for c in wanted[i:i + 400])
        for name, prop in props.items():
            found: dict[str, list] = defaultdict(list)
            for s, o in kg.query(f"SELECT ?s ?o WHERE {{ VALUES ?s {{ {values} }} ?s {prop} ?o }}"):
                found[s.value].append(_int(o) if name == "order" else o.value)
            for c, vals in found.items():
                out[c][name] = tuple(sorted(set(vals)))
        for c, quotes in _quotes_of(kg, values).items():
            out[c]["quotes"] = _set(quotes)
    return out


def _issues(scan: _Scan, labels: dict[str, str], texts: bool, about: dict[str, list[str]]) -> dict[str, Issue]:
    definition = scan.values("skos:definition")
    positions, paragraph = scan.values("r2p:position"), scan.values("r2p:paragraph", True)
    section, consensus = scan.values("r2p:section"), scan.values("r2p:consensus")
    agents, quotes = scan.values("prov:wasAttributedTo") if texts else {}, _quotes(scan) if texts else {}
    same_side = scan.values("r2p:sameSideAs")
    return {
        i: Issue(
            iri=i,
            label=labels.get(i, ""),
            definition=_first(definition.get(i)),
            positions=_set(positions.get(i)),
            quotes=_set(quotes.get(i)),
            paragraph=_first(paragraph.get(i), None),
            section=_first(section.get(i)),
            consensus=_first(consensus.get(i)),
            agents=_set(agents.get(i)),
            about=_set(about.get(i)),
            sides=_sides(_set(positions.get(i)), same_side),
        )
        for i in sorted(scan.typed("Issue"))
    }


def _true(values: list[str] | None) -> bool:
    """Whether a boolean property (r2p:inferredByCurators) is stated true among its lexical forms."""
    return "true" in {v.lower() for v in values or ()}


def _sides(positions: tuple[str, ...], same_side: dict[str, list[str]]) -> tuple[tuple[str, ...], ...]:
    """An issue's positions grouped by side: joined by r2p:sameSideAs in either direction, between positions."""
    side = {p: {p} for p in positions}
    for a in positions:
        for b in same_side.get(a, ()):
            if b in side and side[b] is not side[a]:
                merged = side[a] | side[b]
                for p in merged:
                    side[p] = merged
    return tuple(sorted({tuple(sorted(s)) for s in side.values()}))


def _links(scan: _Scan, labels: dict[str, str], polarity: dict[str, int]) -> dict[str, CausalLink]:
    cause, effect, relation = scan.values("r2p:cause"), scan.values("r2p:effect"), scan.values("r2p:relation")
    modality, claims, cases = scan.values("r2p:modality"), scan.values("r2p:assertedBy"), scan.values("r2p:caseExample")
    inferred = scan.values("r2p:inferredByCurators")
    out = {}
    for link in sorted(scan.typed("CausalLink")):
        if not (cause.get(link) and effect.get(link) and relation.get(link)):
            continue
        rel = _first(relation[link])
        out[link] = CausalLink(
            iri=link,
            cause=_first(cause[link]),
            effect=_first(effect[link]),
            relation=rel,
            relation_label=labels.get(rel, rel.rsplit("#", 1)[-1]),
            polarity=polarity.get(rel),
            modality=_first(modality.get(link)) or ASSERTED,
            claims=_set(claims.get(link)),
            cases=_set(cases.get(link)),
            label=labels.get(link, ""),
            inferred_by_curators=_true(inferred.get(link)),
            malformed=any(len(set(x[link])) != 1 for x in (cause, effect, relation))
            or len(set(modality.get(link, ()))) > 1,
        )
    return out


def _requirements(scan: _Scan, labels: dict[str, str]) -> dict[str, Requirement]:
    dependent, prerequisite = scan.values("r2p:dependent"), scan.values("r2p:prerequisite")
    modality, claims, cases = scan.values("r2p:modality"), scan.values("r2p:assertedBy"), scan.values("r2p:caseExample")
    inferred, notes = scan.values("r2p:inferredByCurators"), scan.values("skos:editorialNote")
    # Only who the curators are credited for: an index lookup, not a scan of every attribution.
    by_curators = {row[0].value for row in scan.kg.query(f"SELECT ?s WHERE {{ ?s prov:wasAttributedTo <{CURATORS}> }}")}
    out = {}
    for req in sorted(scan.typed("Requirement")):
        if len(set(dependent.get(req, ()))) != 1 or len(set(prerequisite.get(req, ()))) != 1:
            continue  # malformed: SHACL reports it
        out[req] = Requirement(
            iri=req,
            dependent=dependent[req][0],
            prerequisite=prerequisite[req][0],
            modality=_first(modality.get(req)) or ASSERTED,
            claims=_set(claims.get(req)),
            cases=_set(cases.get(req)),
            label=labels.get(req, ""),
            inferred_by_curators=_true(inferred.get(req))
            or req in by_curators,
            note=_first(notes.get(req)),
        )
    return out


def _arguments(scan: _Scan, texts: bool) -> tuple[ArgumentRelation, ...]:
    premise, conclusion = scan.values("r2p:premise"), scan.values("r2p:conclusion")
    support_kind = scan.values("r2p:supportKind") if texts else {}
    inferred = scan.values("r2p:inferredByCurators")
    out = []
    for kind in ("Support", "Attack"):
        for rel in sorted(scan.typed(kind)):
            for p in sorted(set(premise.get(rel, ()))):
                for c in sorted(set(conclusion.get(rel, ()))):
                    out.append(ArgumentRelation(rel, _R2P + kind, p, c, _first(support_kind.get(rel)),
                                                _true(inferred.get(rel))))
    return tuple(out)


def _derived(scan: _Scan, labels: dict[str, str]
             ) -> tuple[tuple[Pathway, ...], tuple[Stage, ...], dict[str, JointCondition]]:
    """Derived pathways, bundles and joint conditions as pathways.report_rdf writes them (none before deriving)."""
    pathways: tuple[Pathway, ...] = ()
    iris = scan.typed("Pathway")
    modality = scan.values("r2p:modality")
    if iris:
        risk, measure = scan.values("r2p:startsFrom"), scan.values("r2p:addressedBy")
        form, meeting = scan.values("r2p:pathwayForm"), scan.values("r2p:meetingPoint")
        grounding, specificity = scan.values("r2p:grounding"), scan.values("r2p:specificity")
        strength, contested = scan.values("r2p:strength", True), scan.values("r2p:contested")
        contested_by, issues = scan.values("r2p:contestedBy"), scan.typed("Issue")
        prereq, has_step = scan.values("r2p:prerequisite"), scan.values("r2p:hasStep")
        index, source = scan.values("r2p:stepIndex", True), scan.values("r2p:stepFrom")
        target = scan.values("r2p:stepTo")
        via = scan.values("r2p:viaLink")
        inferred = scan.values("r2p:inferredByCurators")
        forms = {_R2P + concept: f for f, concept in FORM_CONCEPTS.items()}
        groundings = {_R2P + concept: g for g, concept in GROUNDING_CONCEPTS.items()}

        def contests(p: str) -> tuple[Contest, ...]:
            if "true" not in contested.get(p, ()):
                return ()
            return tuple(Contest("issue", (), issue=x) if x in issues else Contest("attack", (), (x,))
                         for x in sorted(set(contested_by.get(p, ()))))

        def step(s: str) -> Step:
            links = _set(via.get(s))  # how the text puts them, and whether the step is the curators' reading
            modalities = tuple(dict.fromkeys(_first(modality.get(x), ASSERTED) for x in links))
            return Step(_first(index.get(s), 0), links, _first(source.get(s)), _first(target.get(s)),
                        modality=min((modality_level(m) for m in modalities), default=LEVEL_ASSERTED),
                        modalities=modalities, curators=bool(links) and all(_true(inferred.get(x)) for x in links))

        def lead(p: str) -> Route:
            steps = sorted((step(s) for s in has_step.get(p, ())), key=lambda x: (x.index, x.source, x.target))
            spec = _first(specificity.get(p), None)
            return Route(
                iri="",
                form=forms.get(_first(form.get(p)), ""),
                member="",
                meeting=_first(meeting.get(p)),
                steps=tuple(steps),
                grounding=groundings.get(_first(grounding.get(p))),
                strength=_first(strength.get(p), 0),
                modality=max((modality_level(m) for m in modality.get(p, ())), default=LEVEL_ASSERTED),
                specificity=float(spec) if spec is not None else 0.0,
                contests=contests(p),
            )

        pathways = tuple(
            Pathway(p, _first(risk.get(p)), _first(measure.get(p)), (lead(p),), _set(prereq.get(p)),
                    labels.get(p, ""))
            for p in sorted(iris)
        )
    members, order = scan.values("r2p:member"), scan.values("r2p:implementationOrder", True)
    bundles = sorted(
        (Stage(_first(order.get(b), None), _set(members.get(b)), (), b) for b in scan.typed("CoRequisiteBundle")),
        key=lambda b: (b.order if b.order is not None else 10**9, b.iri),
    )
    joints = {j: JointCondition(j, _set(members.get(j)), labels.get(j, ""), ())
              for j in sorted(scan.typed("JointCondition"))}
    return pathways, tuple(bundles), joints


def read(kg: KnowledgeGraph, *, derived: bool = True, texts: bool = True) -> ReadModel:
    """Read the model from a loaded graph.

    ``derived=False`` skips the derived pathways and bundles. ``texts=False``
    is the slim read the pathway derivation uses: claims and issues come
    without statements, quotes, attribution and document order, and
    ``about`` only names cases, risk factors and measures; ``claim_texts`` fetches the
    rest for the claims a report cites.
    """
    # Pause the cycle collector: reading makes hundreds of thousands of small objects and no cycles,
    # and each full collection would walk them all again (it tripled the time at 500k triples).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _read(kg, derived, texts)
    finally:
        if enabled:
            gc.enable()


def _slim_labels(scan: _Scan) -> set[str]:
    """Labels of what the pathway derivation names: domain nodes, sections, cases, issues and concepts
    (claims' labels come with their texts, for the claims a report cites)."""
    subjects: set[str] = set()
    for cls in ("DomainEntity", "DocumentSection", "SourceDocument", "Case", "Issue", "CausalRelationType",
                "ConsensusLevel", "SpeakerRole", "Modality", "Sector"):
        subjects |= scan.typed(cls)
    subjects |= {r for rs in scan.values("r2p:speakerRole").values() for r in rs}
    subjects |= {r for rs in scan.values("r2p:relation").values() for r in rs}
    subjects |= {r for rs in scan.values("r2p:consensus").values() for r in rs}
    return subjects


def _read(kg: KnowledgeGraph, derived: bool, texts: bool) -> ReadModel:
    scan = _Scan(kg)
    labels = _labels(scan) if texts else {}
    polarity_values = scan.values("r2p:polarity", True)
    polarity = {
        k: v for k in scan.typed("CausalRelationType") if (v := _first(polarity_values.get(k), None)) is not None
    }
    rank = scan.values("r2p:rank", True)
    levels = {s: (labels.get(s, ""), _first(rank.get(s), None)) for s in scan.typed("ConsensusLevel")}
    # Named superclasses only (OWL restrictions are blank nodes, and say nothing a map or a pathway draws).
    superclasses = {
        k: named for k, v in scan.values("rdfs:subClassOf").items()
        if "://" in k and (named := _set(x for x in v if "://" in x))
    }
    domain = {c for c in superclasses if DOMAIN_ENTITY in _closure(c, superclasses)} | {DOMAIN_ENTITY}
    by_node: dict[str, set[str]] = defaultdict(set)
    for cls in domain:
        for node in scan.typed(cls):
            by_node[node].add(cls)
    classes = {k: tuple(sorted(v)) for k, v in sorted(by_node.items()) if "://" in k}
    if not texts:
        labels = labels_of(kg, _slim_labels(scan) | set(classes))
        levels = {s: (labels.get(s, ""), r) for s, (_, r) in levels.items()}
    index, document = scan.values("r2p:sectionIndex", True), scan.values("r2p:sectionOf")
    sections = {
        s: Section(s, labels.get(s, ""), _first(index.get(s), None), _first(document.get(s)))
        for s in sorted(scan.typed("DocumentSection"))
    }
    located = scan.values("r2p:locatedIn")
    definitions = {k: _first(v) for k, v in sorted(scan.values("skos:definition").items()) if "://" in k}
    cases = {
        c: Case(c, labels.get(c, ""), definitions.get(c, ""), _set(located.get(c))) for c in sorted(scan.typed("Case"))
    }
    sector_list = tuple(sorted(scan.typed("Sector"), key=lambda s: (labels.get(s, s), s)))
    pathways, bundles, joints = _derived(scan, labels) if derived else ((), (), {})
    targets = None
    if not texts:  # the slim read: only what claims say about cases, risk factors and measures (and approaches)
        kinds = {k: {c for c in domain if _R2P + k in _closure(c, superclasses)}
                 for k in ("RiskFactor", "PreventionMeasure", "Approach")}
        wanted = set().union(*kinds.values())
        targets = set(cases) | {n for n, cls in classes.items() if wanted.intersection(cls)}
    about = _about(scan, targets)
    return ReadModel(
        labels=labels,
        definitions=definitions,
        classes=classes,
        superclasses=dict(sorted(superclasses.items())),
        sectors={k: _set(v) for k, v in sorted(scan.values("r2p:sector").items())},
        located_in={k: _set(v) for k, v in sorted(located.items())},
        absence_of={k: _set(v) for k, v in sorted(scan.values("r2p:absenceOf").items())},
        claims=_claims(scan, levels, labels, texts, about),
        issues=_issues(scan, labels, texts, about),
        links=_links(scan, labels, polarity),
        requirements=_requirements(scan, labels),
        arguments=_arguments(scan, texts),
        sections=sections,
        cases=cases,
        relation_polarity=dict(sorted(polarity.items())),
        consensus_levels=dict(sorted(levels.items())),
        sector_list=sector_list,
        pathways=pathways,
        bundles=bundles,
        joint_conditions=joints,
    )


def mappings(kg: KnowledgeGraph) -> dict[str, tuple[Mapping, ...]]:
    """Node -> the curators' mappings of it (r2p:Mapping), by concept and relation (exports read them; maps
    and pathways do not, so ``read`` leaves them out)."""
    rows = kg.query("""SELECT ?node ?concept ?relation ?note WHERE {
        ?m a r2p:Mapping ; r2p:mappedNode ?node ; r2p:mappedConcept ?concept ; r2p:mappingRelation ?relation .
        OPTIONAL { ?m skos:editorialNote ?note } }""")
    out: dict[str, set[Mapping]] = defaultdict(set)
    for node, concept, relation, note in rows:
        out[node.value].add(Mapping(node.value, concept.value, relation.value, note.value if note is not None else ""))
    return {n: tuple(sorted(ms, key=lambda m: (m.concept, m.relation))) for n, ms in sorted(out.items())}


def _closure(cls: str, superclasses: dict[str, tuple[str, ...]]) -> set[str]:
    seen, frontier = {cls}, [cls]
    while frontier:
        frontier = [s for c in frontier for s in superclasses.get(c, ()) if s not in seen]
        seen.update(frontier)
    return seen
