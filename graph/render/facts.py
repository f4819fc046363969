"""What the views need from the graph, as the views use it: built from the one read model (graph.readmodel).

The maps and the pathways read the graph the same way (labels, classes, claims
with breadth and speaker role, causal links, requirements, arguments, derived
pathways); this module only regroups that model for the views.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from graph import readmodel as rm
from graph.documents import document_citation, document_title
from graph.namespaces import R2P
from graph.terms import literal_int

if TYPE_CHECKING:
    from graph.store import KnowledgeGraph

DOMAIN_ENTITY = str(R2P.DomainEntity)
HARMFUL = (str(R2P.RiskFactor), str(R2P.Harm))
# Consensus levels that say who spoke, not how widely a view was held (CONTRACT item 3).
NOT_BREADTH = {"BreadthNotStated", "RapporteurSummary", "AuthorPosition"}
ROLE_OF_OLD_LEVEL = {"RapporteurSummary": "RapporteurRole", "AuthorPosition": "CommissionedAuthorRole"}


def _text(term: object) -> str:
    return "" if term is None else str(term)


def _int(term: object, default: int = 0) -> int:
    return literal_int(term, default)  # type: ignore[return-value]  # an int default gives an int


@dataclass
class ClaimInfo:
    iri: str
    label: str
    statement: str = ""
    consensus: str = ""
    section: str = ""
    paragraph: int = 0
    order: int = 0
    quotes: list[str] = field(default_factory=list)
    holders: list[str] = field(default_factory=list)
    about: list[str] = field(default_factory=list)
    speaker_role: str = ""


@dataclass
class RequirementInfo:
    iri: str
    dependent: str
    prerequisite: str
    claims: list[str] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)
    inferred: bool = False


@dataclass
class LinkInfo:
    iri: str
    cause: str
    effect: str
    relation: str
    claims: list[str] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)


@dataclass
class ArgRelation:
    iri: str
    kind: str  # r2p:Support or r2p:Attack
    premise: str
    conclusion: str
    support_kind: str = ""


@dataclass
class PathwayInfo:
    iri: str
    start: str
    measure: str = ""
    strength: int | None = None
    contested: bool = False
    steps: list[tuple[int, str, str, str]] = field(default_factory=list)  # (index, from, to, link)
    prerequisites: list[str] = field(default_factory=list)


@dataclass
class BundleInfo:
    iri: str
    members: list[str]
    order: int | None = None


@dataclass
class Facts:
    labels: dict[str, str]
    definitions: dict[str, str]
    node_class: dict[str, str]  # domain node -> its most specific class
    superclasses: dict[str, list[str]]  # class -> direct superclasses
    sectors: dict[str, list[str]]
    located_in: dict[str, list[str]]
    claims: dict[str, ClaimInfo]
    issues: dict[str, ClaimInfo]
    issue_positions: dict[str, list[str]]
    links: dict[str, LinkInfo]
    arguments: list[ArgRelation]
    relation_polarity: dict[str, int]
    consensus_rank: dict[str, int]
    sector_list: list[str]
    pathways: list[PathwayInfo]
    bundles: list[BundleInfo]
    claims_about: dict[str, list[str]]  # node -> claims (and issues) about it
    requirements: list[RequirementInfo] = field(default_factory=list)
    joint_members: dict[str, list[str]] = field(default_factory=dict)  # derived r2p:JointCondition -> members
    title: str = ""  # the documents' titles and citation, from the data (graph.documents)
    citation: str = ""

    def label(self, iri: str) -> str:
        if iri in self.labels:
            return self.labels[iri]
        return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def ancestors(self, cls: str) -> list[str]:
        """The class and its superclasses, nearest first (breadth-first, so deterministic)."""
        out, frontier = [cls], [cls]
        while frontier:
            nxt = []
            for c in frontier:
                for s in sorted(self.superclasses.get(c, [])):
                    if s not in out:
                        out.append(s)
                        nxt.append(s)
            frontier = nxt
        return out

    def breadth(self, level: str) -> int:
        """Breadth rank of a consensus level; 0 when the brief does not state breadth."""
        if level.rsplit("#", 1)[-1] in NOT_BREADTH:
            return 0
        return self.consensus_rank.get(level, 0)

    def is_harmful(self, node: str) -> bool:
        return any(a in HARMFUL for a in self.ancestors(self.node_class.get(node, DOMAIN_ENTITY)))

    def effect(self, link: LinkInfo) -> str:
        """raises / lowers / depends: the link's polarity times whether its target is a harm or risk."""
        p = self.relation_polarity.get(link.relation, 0)
        if p == 0:
            return "depends"
        return "raises" if (p > 0) == self.is_harmful(link.effect) else "lowers"

    def speaker_role(self, claim: str) -> str:
        info = self.claims.get(claim)
        if info is None:
            return ""
        if info.speaker_role:
            return info.speaker_role
        local = info.consensus.rsplit("#", 1)[-1]  # data not yet migrated (CONTRACT item 3)
        return str(R2P[ROLE_OF_OLD_LEVEL[local]]) if local in ROLE_OF_OLD_LEVEL else str(R2P.ParticipantRole)

    def link_consensus(self, link: LinkInfo) -> str:
        """The most widely held level among the claims that assert a link ('' when none is known)."""
        levels = [self.claims[c].consensus for c in link.claims if c in self.claims and self.claims[c].consensus]
        return max(levels, key=lambda lv: self.consensus_rank.get(lv, 0), default="")


def _depths(superclasses: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """How far below its farthest superclass each class sits (the most specific class wins a node)."""
    cache: dict[str, int] = {}

    def depth(cls: str) -> int:
        if cls not in cache:
            best, frontier, seen, d = 0, [cls], {cls}, 0
            while frontier:
                d += 1
                frontier = [s for c in frontier for s in superclasses.get(c, ()) if s not in seen]
                seen.update(frontier)
                if frontier:
                    best = d
            cache[cls] = best
        return cache[cls]

    return {c: depth(c) for c in superclasses}


def _claim_info(c: rm.Claim) -> ClaimInfo:
    return ClaimInfo(c.iri, c.label, c.statement, c.consensus, c.section, c.paragraph or 0,
                     c.order if c.order is not None else 10**9, list(c.quotes), list(c.agents), list(c.about),
                     c.speaker_role)


def _issue_info(i: rm.Issue) -> ClaimInfo:
    return ClaimInfo(i.iri, i.label, "", i.consensus, i.section, i.paragraph or 0, 10**9, list(i.quotes),
                     list(i.agents), list(i.about))


def collect_facts(kg: KnowledgeGraph) -> Facts:
    """The views' facts, from the project's one read model (graph.readmodel), grouped as the views use them."""
    m = rm.read(kg)
    depth = _depths(m.superclasses)
    node_class = {n: max(cs, key=lambda c: (depth.get(c, 0), c)) for n, cs in m.classes.items() if cs}
    claims = {c: _claim_info(info) for c, info in m.claims.items()}
    issues = {i: _issue_info(info) for i, info in m.issues.items()}
    links = {
        lk.iri: LinkInfo(lk.iri, lk.cause, lk.effect, lk.relation, list(lk.claims), list(lk.cases))
        for lk in m.links.values()
    }
    pathways = [
        PathwayInfo(
            p.iri, p.risk, p.measure, p.strength, p.contested,
            sorted((s.index, s.source, s.target, link) for s in p.steps for link in (s.links or ("",))),
            list(p.prerequisites),
        )
        for p in m.pathways
        if not p.hypothetical_only  # the maps draw what the brief argues; the RDF keeps these entries
    ]
    return Facts(
        labels=dict(m.labels),
        definitions=dict(m.definitions),
        node_class=node_class,
        superclasses={k: list(v) for k, v in m.superclasses.items()},
        sectors={k: list(v) for k, v in m.sectors.items()},
        located_in={k: list(v) for k, v in m.located_in.items()},
        claims=claims,
        issues=issues,
        issue_positions={i: list(info.positions) for i, info in m.issues.items() if info.positions},
        links=links,
        arguments=sorted((ArgRelation(a.iri, a.kind, a.premise, a.conclusion, a.support_kind) for a in m.arguments),
                         key=lambda a: (a.iri, a.premise, a.conclusion)),
        relation_polarity=dict(m.relation_polarity),
        consensus_rank={level: rank or 0 for level, (_, rank) in m.consensus_levels.items()},
        sector_list=sorted(m.sector_list, key=lambda s: m.labels.get(s, s)),
        pathways=pathways,
        bundles=[BundleInfo(b.iri, list(b.members), b.order) for b in m.bundles],
        claims_about={n: list(v) for n, v in m.claims_about().items()},
        requirements=[
            RequirementInfo(r.iri, r.dependent, r.prerequisite, list(r.claims), list(r.cases), r.inferred_by_curators)
            for r in m.requirements.values()
        ],
        joint_members={j: list(v) for j, v in m.joint_conditions.items()},
        title=document_title(kg),
        citation=document_citation(kg),
    )
