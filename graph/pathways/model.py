"""The pathway report's dataclasses: plain, frozen values that the renderers and the RDF writer share.

A report holds one ``Pathway`` per risk (or joint condition) and measure; its
``routes`` are the chains of causal links by which the brief ties the two, the
evidence for the entry. See the package docstring for what each field means.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graph.readmodel import Claim, Issue, Requirement

# Node kinds the projection recognises (from the node's rdf:type and its superclasses).
RISK, MEASURE, HARM, OUTCOME = "risk", "measure", "harm", "outcome"
PRECONDITION, ESCALATORY, APPROACH = "precondition", "escalatory", "approach"

# Pathway (route) forms: the measure lowers the risk factor or a node specific to it, or it
# builds an outcome the risk factor erodes.
DIRECT, RESTORES = "direct", "restores"
FORMS = (DIRECT, RESTORES)

# How the text ties two consecutive steps of a route, strongest first; a route is as well
# grounded as its weakest tie.
CLAIM, PARAGRAPH, SUPPORT, CASE, SECTION = "claim", "paragraph", "support", "case", "section"
GROUNDINGS = (CLAIM, PARAGRAPH, SUPPORT, CASE, SECTION)

# Modality levels (graph.readmodel IRIs map onto them): how firmly the brief states a link.
ASSERTED, QUALIFIED, HYPOTHETICAL = 0, 1, 2
MODALITY_WORDS = {ASSERTED: "asserted", QUALIFIED: "possible or normative", HYPOTHETICAL: "hypothetical or questioned"}


@dataclass(frozen=True)
class Step:
    """One step: the causal links that say source --relation--> target (parallel links count once).

    ``rank`` is the best stated breadth among its claims (0: none stated);
    ``modality`` the firmest modality among its links (ASSERTED, QUALIFIED, HYPOTHETICAL).
    """

    index: int  # 1-based, in walking order (step 1 leaves the measure)
    links: tuple[str, ...]
    source: str
    target: str
    relation: str
    relation_label: str
    polarity: int
    claims: tuple[str, ...]
    rank: int
    contested: bool
    cases: tuple[str, ...] = ()
    modality: int = ASSERTED
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
    turn: int
    ties: tuple[Tie, ...]
    grounding: str | None  # weakest tie (GROUNDINGS), None when some join is not tied by the text
    strength: int  # weakest stated breadth among the steps (0: none stated)
    modality: int  # weakest modality among the steps
    speakers: tuple[str, ...]  # speaker-role labels of the claims
    participants: bool  # every step rests on at least one claim of the participants
    specificity: float
    contests: tuple[Contest, ...] = ()
    label: str = ""

    @property
    def contested(self) -> bool:
        return bool(self.contests)

    @property
    def hypothetical(self) -> bool:
        return self.modality == HYPOTHETICAL

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

    order: int  # 1-based: stage 1 has no unmet requirement
    members: tuple[str, ...]
    claims: tuple[str, ...]  # claims of the requirements inside the component
    iri: str
    cases: tuple[str, ...] = ()  # cases of the requirements inside the component
    requirements: tuple[str, ...] = ()  # IRIs of the requirements inside the component

    @property
    def is_bundle(self) -> bool:
        return len(self.members) > 1


# What may address a risk, by the modality of the brief's link: a measure it asserts, an aim it states as
# possible or recommended, a hypothetical it supposes, a question it asks.
ADDRESS_KINDS = ("measure", "aim", "hypothetical", "question")


@dataclass(frozen=True)
class Gap:
    """A risk factor or joint condition that no grounded measure, aim, hypothetical or question of the brief
    addresses, with the claims that name it and the nearest the text comes to addressing it."""

    risk: str
    members: tuple[str, ...]
    claims: tuple[str, ...]
    inferred: int = 0  # ungrounded pairings found for it (listed only with include_inferred)
    lacks: tuple[str, ...] = ADDRESS_KINDS  # of ADDRESS_KINDS: what no grounded route of the brief gives it
    nearest: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # (kind, measure, claims) of ungrounded pairings


@dataclass(frozen=True)
class Ranking:
    """How central a measure is: entries it takes part in and its betweenness."""

    measure: str
    pathway_count: int
    betweenness: float
    pathways: tuple[str, ...]  # IRIs of the entries it takes part in (as measure or on the way)
    iri: str


@dataclass(frozen=True)
class PathwayReport:
    """Everything the derivation found, sorted; the input of every renderer and of the RDF writer."""

    version: str
    max_steps: int
    max_pathways_per_risk: int
    run_iri: str
    risks: tuple[str, ...]  # every risk factor considered, sorted
    pathways: tuple[Pathway, ...]  # grounded entries, by risk unit then rank
    requirements: dict[str, tuple[str, ...]]  # node -> its transitive requirements
    stages: tuple[Stage, ...]
    rankings: tuple[Ranking, ...]  # keystones first
    truncated: tuple[str, ...] = ()  # risk units where the per-risk cap cut the search off
    labels: dict[str, str] = field(default_factory=dict)
    claims: dict[str, Claim] = field(default_factory=dict)  # the read model's claims (texts of the cited ones)
    attackers: dict[str, tuple[str, ...]] = field(default_factory=dict)  # claim -> the claims attacking it
    joint_conditions: tuple[JointCondition, ...] = ()
    units: tuple[str, ...] = ()  # risk units: risk factors outside joint conditions, and joint conditions
    gaps: tuple[Gap, ...] = ()
    inferred: tuple[Pathway, ...] = ()  # ungrounded pairings (only when asked for); never written as RDF
    requirement_links: tuple[Requirement, ...] = ()
    reach: dict[str, int] = field(default_factory=dict)  # node -> risk units that reach it (generic nodes: before
    # they were left out, the count that made them generic)
    generic: tuple[str, ...] = ()  # generic end harms: never a meeting point
    include_hypothetical: bool = False
    include_inferred: bool = False
    issues: dict[str, Issue] = field(default_factory=dict)  # the read model's issues (with their quotes when cited)
    hypothetical_only: tuple[Pathway, ...] = ()  # entries of units only a hypothetical or question addresses
    aim_only: tuple[Pathway, ...] = ()  # entries of units only an aim the brief states addresses (not from a measure)
    modality_labels: dict[str, str] = field(default_factory=dict)  # modality IRI -> its label in the ontology
    section_order: dict[str, int] = field(default_factory=dict)  # section IRI -> its place in the brief
    section_documents: dict[str, str] = field(default_factory=dict)  # section IRI -> its document (r2p:sectionOf)
    source: str = ""  # the documents cited, 'Title (Publisher, year)' (graph.documents)
    names: dict[str, str] = field(default_factory=dict)  # labels of what a claim cites: agents, consensus levels,
    # speaker roles and documents (kept apart from ``labels``, the nodes' and sections' labels)

    @property
    def bundles(self) -> tuple[Stage, ...]:
        return tuple(s for s in self.stages if s.is_bundle)

    def cited_claims(self) -> list[str]:
        """Claims the report rests on (entries, inferred, requirements, gaps, joint conditions) and their attackers."""
        out = {c for p in (*self.pathways, *self.inferred, *self.hypothetical_only, *self.aim_only) for c in p.claims}
        out |= {c for g in self.gaps for _, _, cs in g.nearest for c in cs}
        out |= {c for p in (*self.pathways, *self.hypothetical_only) for k in p.contests for c in (*k.claims, *k.by)}
        out |= {c for r in self.requirement_links for c in r.claims}
        out |= {c for g in self.gaps for c in g.claims} | {c for j in self.joint_conditions for c in j.claims}
        out |= {a for c in list(out) if c in self.claims for a in self.attackers.get(c, ())}
        return sorted(c for c in out if c in self.claims)

    def summary_counts(self) -> dict[str, int]:
        """Counts for a one-line summary: entries by form and by grounding, gaps, requirements, bundles."""
        out = {f"pathways {form}": sum(p.form == form for p in self.pathways) for form in FORMS}
        out.update({f"grounded by {g}": sum(p.grounding == g for p in self.pathways) for g in GROUNDINGS})
        out.update(
            {
                "pathways": len(self.pathways),
                "contested": sum(p.contested for p in self.pathways),
                "only hypothetically addressed": len({p.risk for p in self.hypothetical_only}),
                "addressed by an aim only": len({p.risk for p in self.aim_only}),
                "gaps": len(self.gaps),
                "requirements": len(self.requirement_links),
                "bundles": len(self.bundles),
            }
        )
        return out

    def label(self, iri: str) -> str:
        return self.labels.get(iri) or iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    # --- a claim in words: who holds it and how widely (derived from the model's claim, never stored) ------
    def name(self, iri: str) -> str:
        return self.names.get(iri) or iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def rank(self, claim: Claim) -> int:
        """The breadth rank of a claim's consensus level, 0 when the brief states no breadth."""
        return claim.breadth or 0

    def consensus(self, claim: Claim) -> str:
        """The label of the claim's consensus level ("" when it has none)."""
        return self.names.get(claim.consensus, "") if claim.consensus else ""

    def speaker(self, claim: Claim) -> str:
        """The label of the claim's speaker role."""
        return self.name(claim.speaker_role) if claim.speaker_role else ""

    def agents(self, claim: Claim) -> tuple[str, ...]:
        """The labels of who the claim is attributed to (prov:wasAttributedTo), sorted."""
        return tuple(sorted(self.name(a) for a in claim.agents))

    def document(self, claim: Claim) -> str:
        """The short title of the document the claim comes from (its section's, else its quotes'), ""
        when the data names none."""
        section = self.section_documents.get(claim.section, "")
        doc = section or min((q.source for q in claim.quotes if q.source), default="")
        return self.name(doc) if doc else ""

    def members(self, unit: str) -> tuple[str, ...]:
        """The risk factors a unit stands for: a joint condition's members, else the risk factor itself."""
        for j in self.joint_conditions:
            if j.iri == unit:
                return j.members
        return (unit,)

    def unit_of(self, risk: str) -> str:
        for j in self.joint_conditions:
            if risk in j.members:
                return j.iri
        return risk

    def select(self, risk: str | None = None, measure: str | None = None) -> PathwayReport:
        """The part of the report about one risk factor (or its joint condition) and/or one measure."""
        if risk is None and measure is None:
            return self
        unit = self.unit_of(risk) if risk is not None else None

        def keep(p: Pathway) -> bool:
            return (unit is None or p.risk in (unit, risk)) and (
                measure is None or measure in p.all_nodes or measure in p.also)

        pathways = tuple(p for p in self.pathways if keep(p))
        inferred = tuple(p for p in self.inferred if keep(p))
        hypothetical_only = tuple(p for p in self.hypothetical_only if keep(p))
        aim_only = tuple(p for p in self.aim_only if keep(p))
        involved = {n for p in pathways for n in p.all_nodes} | {n for p in pathways for n in p.prerequisites}
        if measure is not None:
            involved.add(measure)
            involved.update(self.requirements.get(measure, ()))
        return replace(
            self,
            risks=tuple(r for r in self.risks if unit is None or self.unit_of(r) == unit),
            units=tuple(u for u in self.units if unit is None or u == unit),
            pathways=pathways,
            inferred=inferred,
            hypothetical_only=hypothetical_only,
            aim_only=aim_only,
            gaps=tuple(g for g in self.gaps if (unit is None or g.risk == unit) and measure is None),
            requirements={k: v for k, v in self.requirements.items() if k in involved},
            requirement_links=tuple(
                r for r in self.requirement_links if r.dependent in involved or r.prerequisite in involved
            ),
            stages=tuple(s for s in self.stages if involved.intersection(s.members)),
            rankings=tuple(r for r in self.rankings if r.measure in involved),
            truncated=tuple(r for r in self.truncated if unit is None or r == unit),
            joint_conditions=tuple(j for j in self.joint_conditions if unit is None or j.iri == unit),
        )
