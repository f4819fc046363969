"""The pathway report: what the derivation found, as the renderers and the RDF writer share it.

A report holds one ``Pathway`` per risk (or joint condition) and measure; its
``routes`` are the chains of causal links by which the brief ties the two, the
evidence for the entry. Pathways, routes, steps, ties, contests, joint
conditions and stages are the read model's types (graph.readmodel); this module
adds what only the report has (gaps, rankings) and the report itself, whose
lookups (labels, names, attackers) are derived from the model, never copies of
its fields. See the package docstring for what each field means.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from graph.readmodel import (
    CASE,
    CLAIM,
    DIRECT,
    FORMS,
    GROUNDINGS,
    LEVEL_ASSERTED,
    LEVEL_HYPOTHETICAL,
    LEVEL_QUALIFIED,
    PARAGRAPH,
    RESTORES,
    SECTION,
    SUPPORT,
    Contest,
    JointCondition,
    Pathway,
    Route,
    Stage,
    Step,
    Tie,
)

if TYPE_CHECKING:
    from graph.readmodel import Claim, Issue, Requirement, Section

__all__ = [
    "ADDRESS_KINDS", "APPROACH", "ASSERTED", "CASE", "CLAIM", "DIRECT", "ESCALATORY", "FORMS", "GROUNDINGS", "HARM",
    "HYPOTHETICAL", "MEASURE", "MODALITY_WORDS", "OUTCOME", "PARAGRAPH", "PRECONDITION", "QUALIFIED", "RESTORES",
    "RISK", "SECTION", "SUPPORT", "Contest", "Gap", "JointCondition", "Pathway", "PathwayReport",
    "Ranking", "Route", "Stage", "Step", "SupportedOpposite", "Tie",
]

# Node kinds the projection recognises (from the node's rdf:type and its superclasses).
RISK, MEASURE, HARM, OUTCOME = "risk", "measure", "harm", "outcome"
PRECONDITION, ESCALATORY, APPROACH = "precondition", "escalatory", "approach"

# The derived layer's types and vocabulary are the read model's (graph.readmodel): one type per concept,
# made by the derivation and read back from the derived graph alike.
ASSERTED, QUALIFIED, HYPOTHETICAL = LEVEL_ASSERTED, LEVEL_QUALIFIED, LEVEL_HYPOTHETICAL
MODALITY_WORDS = {ASSERTED: "asserted", QUALIFIED: "possible or normative", HYPOTHETICAL: "hypothetical or questioned"}


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
class SupportedOpposite:
    """A risk factor whose opposite the text supports, listed apart from the gaps: the curators read it as the
    absence of a measure or outcome (r2p:absenceOf), and the text states links (not as a hypothetical or a
    question, and not only in the curators' reading) by which that opposite acts, or by which something builds
    it. The text does not say the opposite lowers the risk, and no pathway starts from it: a measure does not
    mitigate its own absence (hard case 7)."""

    risk: str
    opposite: str
    claims: tuple[str, ...]  # about the risk, by paragraph: what the text says of it
    steps: tuple[Step, ...]  # the supporting links, one step each, in the text's order


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
    curators_attacks: frozenset[tuple[str, str]] = frozenset()  # (attacker, claim): attacks the curators read
    joint_conditions: tuple[JointCondition, ...] = ()
    units: tuple[str, ...] = ()  # risk units: risk factors outside joint conditions, and joint conditions
    gaps: tuple[Gap, ...] = ()
    supported_opposites: tuple[SupportedOpposite, ...] = ()  # risks whose opposite the text supports
    raises: dict[str, tuple[Step, ...]] = field(default_factory=dict)  # measure -> the steps by which the text says
    # it raises a risk factor or a harm (any modality: an open concern too)
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
    sections: dict[str, Section] = field(default_factory=dict)  # the read model's sections
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
        out |= {c for o in self.supported_opposites for c in (*o.claims, *(c for s in o.steps for c in s.claims))}
        out |= {c for steps in self.raises.values() for s in steps for c in s.claims}
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
                "whose opposite the text supports": len(self.supported_opposites),
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
        section = self.sections.get(claim.section)
        doc = section.document if section is not None and section.document else \
            min((q.source for q in claim.quotes if q.source), default="")
        return self.name(doc) if doc else ""

    def section_place(self, section: str) -> int:
        """A section's place in its document (r2p:sectionIndex); sections without one come last."""
        info = self.sections.get(section)
        return info.index if info is not None and info.index is not None else 10**6

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
            supported_opposites=tuple(o for o in self.supported_opposites
                                      if (unit is None or o.risk == unit) and measure in (None, o.opposite)),
            requirements={k: v for k, v in self.requirements.items() if k in involved},
            requirement_links=tuple(
                r for r in self.requirement_links if r.dependent in involved or r.prerequisite in involved
            ),
            stages=tuple(s for s in self.stages if involved.intersection(s.members)),
            rankings=tuple(r for r in self.rankings if r.measure in involved),
            truncated=tuple(r for r in self.truncated if unit is None or r == unit),
            joint_conditions=tuple(j for j in self.joint_conditions if unit is None or j.iri == unit),
        )
