"""The pathway report's dataclasses: plain, frozen values that the renderers and the RDF writer share."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

# Node kinds the projection recognises (from the node's rdf:type and its superclasses).
RISK, MEASURE, HARM, OUTCOME = "risk", "measure", "harm", "outcome"

# Pathway forms (see graph.pathways): the measure acts on the risk factor itself, or it counters
# a consequence of the risk factor (something the risk factor raises).
DIRECT, CONSEQUENCE = "direct", "consequence"
FORMS = (DIRECT, CONSEQUENCE)


@dataclass(frozen=True)
class ClaimInfo:
    """What a trainer needs to cite a claim: paraphrase, quote, who holds it and how widely."""

    iri: str
    label: str = ""
    statement: str = ""
    quotes: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()  # labels of prov:wasAttributedTo
    consensus: str = ""  # label of the consensus level
    rank: int = 0
    paragraph: int | None = None
    attacked_by: tuple[str, ...] = ()  # IRIs of claims that are premises of an attack on this one

    @property
    def contested(self) -> bool:
        return bool(self.attacked_by)


@dataclass(frozen=True)
class Step:
    """One causal link taken as a step: source --relation--> target, with its claims."""

    index: int  # 1-based, in causal order (step 1 leaves the measure)
    link: str
    source: str
    target: str
    relation: str
    relation_label: str
    polarity: int
    claims: tuple[str, ...]
    rank: int
    contested: bool
    cases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pathway:
    """A chain of steps from a measure to the risk factor it addresses, directly or through a consequence.

    ``form`` is DIRECT (the steps run measure -> ... -> risk factor) or
    CONSEQUENCE (measure -> ... -> consequence, then the links by which the
    risk factor raises that consequence, each step in its own link's direction,
    from the consequence back to the risk factor); ``consequence`` is then the
    node where the two halves meet ("" for a direct pathway).
    """

    iri: str
    risk: str
    measure: str
    steps: tuple[Step, ...]
    strength: int
    contested: bool
    prerequisites: tuple[str, ...]
    label: str
    form: str = DIRECT
    consequence: str = ""

    @property
    def nodes(self) -> tuple[str, ...]:
        """Nodes in walking order: the measure first, the risk factor last (through the consequence, if any)."""
        walk = [self.steps[0].source]
        for s in self.steps:
            walk.append(s.target if s.source == walk[-1] else s.source)
        return tuple(walk)

    @property
    def measure_steps(self) -> tuple[Step, ...]:
        """The steps from the measure to the node it lowers (the risk factor, or the consequence)."""
        if self.form == DIRECT:
            return self.steps
        return tuple(s for s in self.steps if s.index <= self._turn)

    @property
    def consequence_steps(self) -> tuple[Step, ...]:
        """The links by which the risk factor raises the consequence, from the consequence back (empty if direct)."""
        if self.form == DIRECT:
            return ()
        return tuple(s for s in self.steps if s.index > self._turn)

    @property
    def _turn(self) -> int:
        """Index of the step that reaches the consequence."""
        return next(s.index for s in self.steps if s.target == self.consequence)

    @property
    def claims(self) -> tuple[str, ...]:
        return tuple(sorted({c for s in self.steps for c in s.claims}))


@dataclass(frozen=True)
class Stage:
    """One component of the requires-condensation, at its place in the implementation order."""

    order: int  # 1-based: stage 1 has no unmet requirement
    members: tuple[str, ...]
    claims: tuple[str, ...]  # claims of the requires links inside the component
    iri: str

    @property
    def is_bundle(self) -> bool:
        return len(self.members) > 1


@dataclass(frozen=True)
class Ranking:
    """How central a measure is: pathways through it and its betweenness."""

    measure: str
    pathway_count: int
    betweenness: float
    pathways: tuple[str, ...]  # IRIs of the pathways through it
    iri: str


@dataclass(frozen=True)
class PathwayReport:
    """Everything the derivation found, sorted; the input of every renderer and of the RDF writer."""

    version: str
    max_steps: int
    max_pathways_per_risk: int
    run_iri: str
    risks: tuple[str, ...]  # every risk factor considered, sorted
    pathways: tuple[Pathway, ...]
    requirements: dict[str, tuple[str, ...]]  # node -> its transitive requirements
    stages: tuple[Stage, ...]
    rankings: tuple[Ranking, ...]  # keystones first
    truncated: tuple[str, ...] = ()  # risk factors where the per-risk cap cut the search off
    labels: dict[str, str] = field(default_factory=dict)
    claims: dict[str, ClaimInfo] = field(default_factory=dict)

    @property
    def bundles(self) -> tuple[Stage, ...]:
        return tuple(s for s in self.stages if s.is_bundle)

    def label(self, iri: str) -> str:
        return self.labels.get(iri) or iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def select(self, risk: str | None = None, measure: str | None = None) -> PathwayReport:
        """The part of the report about one risk factor and/or one measure (pathways passing through it)."""
        pathways = tuple(
            p
            for p in self.pathways
            if (risk is None or p.risk == risk) and (measure is None or measure in p.nodes)
        )
        if risk is None and measure is None:
            return self
        involved = {n for p in pathways for n in p.nodes} | {n for p in pathways for n in p.prerequisites}
        if measure is not None:
            involved.add(measure)
            involved.update(self.requirements.get(measure, ()))
        return replace(
            self,
            risks=tuple(r for r in self.risks if risk is None or r == risk),
            pathways=pathways,
            requirements={k: v for k, v in self.requirements.items() if k in involved},
            stages=tuple(s for s in self.stages if involved.intersection(s.members)),
            rankings=tuple(r for r in self.rankings if r.measure in involved),
            truncated=tuple(r for r in self.truncated if risk is None or r == risk),
        )
