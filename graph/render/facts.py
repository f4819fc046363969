"""What the views need from the graph, fetched once with a handful of SPARQL queries.

Every view reads the same facts (labels, classes, claims, causal links), so they
are queried in bulk and grouped in Python rather than asked node by node.
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


def _rows(kg: KnowledgeGraph, sparql: str) -> list[dict]:
    return kg.select(sparql)


def collect_facts(kg: KnowledgeGraph) -> Facts:
    labels: dict[str, str] = {}
    # An English label wins over an untagged one; otherwise the first one seen (sorted, so stable).
    for r in sorted(
        _rows(kg, "SELECT ?x ?l WHERE { ?x rdfs:label ?l FILTER(isIRI(?x)) }"),
        key=lambda r: (str(r["x"]), str(r["l"])),
    ):
        x, lab = str(r["x"]), r["l"]
        if x not in labels or (isinstance(lab, Literal) and lab.language == "en"):
            labels[x] = str(lab)
    definitions = {
        str(r["x"]): str(r["d"])
        for r in _rows(kg, "SELECT ?x ?d WHERE { ?x skos:definition ?d FILTER(isIRI(?x)) } ORDER BY ?x ?d")
    }

    superclasses: dict[str, list[str]] = defaultdict(list)
    for r in _rows(kg, "SELECT ?c ?s WHERE { ?c rdfs:subClassOf ?s FILTER(isIRI(?c) && isIRI(?s)) }"):
        superclasses[str(r["c"])].append(str(r["s"]))

    def depth(cls: str) -> int:
        best, frontier, seen, d = 0, [cls], {cls}, 0
        while frontier:
            d += 1
            frontier = [s for c in frontier for s in superclasses.get(c, []) if s not in seen]
            seen.update(frontier)
            if frontier:
                best = d
        return best

    node_class: dict[str, str] = {}
    for r in _rows(
        kg,
        """SELECT ?n ?c WHERE { ?n a ?c . ?c rdfs:subClassOf* r2p:DomainEntity
                          FILTER(isIRI(?n)) }""",
    ):
        n, c = str(r["n"]), str(r["c"])
        if n not in node_class or (depth(c), c) > (depth(node_class[n]), node_class[n]):
            node_class[n] = c

    sectors: dict[str, list[str]] = defaultdict(list)
    for r in _rows(kg, "SELECT ?n ?s WHERE { ?n r2p:sector ?s } ORDER BY ?n ?s"):
        sectors[str(r["n"])].append(str(r["s"]))
    located_in: dict[str, list[str]] = defaultdict(list)
    for r in _rows(kg, "SELECT ?n ?p WHERE { ?n r2p:locatedIn ?p } ORDER BY ?n ?p"):
        located_in[str(r["n"])].append(str(r["p"]))

    claims = _claim_like(kg, "r2p:Claim")
    issues = _claim_like(kg, "r2p:Issue")
    issue_positions: dict[str, list[str]] = defaultdict(list)
    for r in _rows(kg, "SELECT ?i ?c WHERE { ?i a r2p:Issue ; r2p:position ?c } ORDER BY ?i ?c"):
        issue_positions[str(r["i"])].append(str(r["c"]))
    claims_about: dict[str, list[str]] = defaultdict(list)
    for info in [*claims.values(), *issues.values()]:
        for n in info.about:
            claims_about[n].append(info.iri)
    for lst in claims_about.values():
        lst.sort(key=lambda c: (claims[c].order if c in claims else 10**9, c))

    links: dict[str, LinkInfo] = {}
    for r in _rows(
        kg,
        """SELECT ?l ?c ?e ?r WHERE { ?l a r2p:CausalLink ; r2p:cause ?c ; r2p:effect ?e ;
                          r2p:relation ?r } ORDER BY ?l ?c ?e ?r""",
    ):
        lk = str(r["l"])
        if lk not in links:  # a malformed link with two causes is validate's business; draw the first
            links[lk] = LinkInfo(lk, str(r["c"]), str(r["e"]), str(r["r"]))
    for r in _rows(kg, "SELECT ?l ?c WHERE { ?l a r2p:CausalLink ; r2p:assertedBy ?c } ORDER BY ?l ?c"):
        if str(r["l"]) in links:
            links[str(r["l"])].claims.append(str(r["c"]))
    for r in _rows(kg, "SELECT ?l ?k WHERE { ?l a r2p:CausalLink ; r2p:caseExample ?k } ORDER BY ?l ?k"):
        if str(r["l"]) in links:
            links[str(r["l"])].cases.append(str(r["k"]))

    arguments = [
        ArgRelation(str(r["a"]), str(r["t"]), str(r["p"]), str(r["c"]), _text(r["k"]))
        for r in _rows(
            kg,
            """SELECT ?a ?t ?p ?c ?k WHERE {
                VALUES ?t { r2p:Support r2p:Attack }
                ?a a ?t ; r2p:premise ?p ; r2p:conclusion ?c .
                OPTIONAL { ?a r2p:supportKind ?k } } ORDER BY ?a ?p ?c""",
        )
    ]
    relation_polarity = {
        str(r["r"]): _int(r["p"])
        for r in _rows(kg, "SELECT ?r ?p WHERE { ?r a r2p:CausalRelationType . OPTIONAL { ?r r2p:polarity ?p } }")
    }
    consensus_rank = {
        str(r["l"]): _int(r["k"])
        for r in _rows(kg, "SELECT ?l ?k WHERE { ?l a r2p:ConsensusLevel . OPTIONAL { ?l r2p:rank ?k } }")
    }
    sector_list = sorted(
        (str(r["s"]) for r in _rows(kg, "SELECT ?s WHERE { ?s a r2p:Sector }")),
        key=lambda s: labels.get(s, s),
    )

    return Facts(
        labels,
        definitions,
        node_class,
        dict(superclasses),
        dict(sectors),
        dict(located_in),
        claims,
        issues,
        dict(issue_positions),
        links,
        arguments,
        relation_polarity,
        consensus_rank,
        sector_list,
        _pathways(kg),
        _bundles(kg),
        dict(claims_about),
        _requirements(kg),
        _joint_members(kg),
    )


def _claim_like(kg: KnowledgeGraph, cls: str) -> dict[str, ClaimInfo]:
    out: dict[str, ClaimInfo] = {}
    for r in _rows(
        kg,
        f"""SELECT ?c ?label ?st ?cons ?sec ?par ?ord WHERE {{ ?c a {cls} .
            OPTIONAL {{ ?c rdfs:label ?label }} OPTIONAL {{ ?c r2p:statement ?st }}
            OPTIONAL {{ ?c r2p:consensus ?cons }} OPTIONAL {{ ?c r2p:section ?sec }}
            OPTIONAL {{ ?c r2p:paragraph ?par }} OPTIONAL {{ ?c r2p:documentOrder ?ord }}
            FILTER(isIRI(?c)) }} ORDER BY ?c""",
    ):
        c = str(r["c"])
        if c in out:
            continue
        out[c] = ClaimInfo(
            c,
            _text(r["label"]),
            _text(r["st"]),
            _text(r["cons"]),
            _text(r["sec"]),
            _int(r["par"]),
            _int(r["ord"], 10**9),
        )
    for r in _rows(
        kg,
        f"""SELECT ?c ?q WHERE {{ ?c a {cls} ; r2p:hasQuote ?sr . ?sr oa:hasSelector ?s .
                           ?s oa:exact ?q }} ORDER BY ?c ?q""",
    ):
        if str(r["c"]) in out:
            out[str(r["c"])].quotes.append(str(r["q"]))
    for r in _rows(kg, f"SELECT ?c ?a WHERE {{ ?c a {cls} ; prov:wasAttributedTo ?a }} ORDER BY ?c ?a"):
        if str(r["c"]) in out:
            out[str(r["c"])].holders.append(str(r["a"]))
    for r in _rows(kg, f"SELECT ?c ?n WHERE {{ ?c a {cls} ; r2p:about ?n FILTER(isIRI(?n)) }} ORDER BY ?c ?n"):
        if str(r["c"]) in out:
            out[str(r["c"])].about.append(str(r["n"]))
    for r in _rows(kg, f"SELECT ?c ?s WHERE {{ ?c a {cls} ; r2p:speakerRole ?s }} ORDER BY ?c ?s"):
        if str(r["c"]) in out and not out[str(r["c"])].speaker_role:
            out[str(r["c"])].speaker_role = str(r["s"])
    return out


def _joint_members(kg: KnowledgeGraph) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for r in _rows(kg, "SELECT ?j ?m WHERE { ?j a r2p:JointCondition ; r2p:member ?m } ORDER BY ?j ?m"):
        out[str(r["j"])].append(str(r["m"]))
    return dict(out)


def _requirements(kg: KnowledgeGraph) -> list[RequirementInfo]:
    """r2p:Requirement nodes (CONTRACT item 2): a measure and what it needs first."""
    out: dict[str, RequirementInfo] = {}
    for r in _rows(
        kg,
        """SELECT ?q ?d ?p ?inf WHERE { ?q a r2p:Requirement ; r2p:dependent ?d ; r2p:prerequisite ?p .
            OPTIONAL { ?q r2p:inferredByCurators ?inf } } ORDER BY ?q ?d ?p""",
    ):
        q = str(r["q"])
        if q not in out:
            inf = r["inf"]
            out[q] = RequirementInfo(
                q, str(r["d"]), str(r["p"]), inferred=bool(inf.toPython()) if isinstance(inf, Literal) else False
            )
    for r in _rows(kg, "SELECT ?q ?c WHERE { ?q a r2p:Requirement ; r2p:assertedBy ?c } ORDER BY ?q ?c"):
        if str(r["q"]) in out:
            out[str(r["q"])].claims.append(str(r["c"]))
    for r in _rows(kg, "SELECT ?q ?k WHERE { ?q a r2p:Requirement ; r2p:caseExample ?k } ORDER BY ?q ?k"):
        if str(r["q"]) in out:
            out[str(r["q"])].cases.append(str(r["k"]))
    return list(out.values())


def _pathways(kg: KnowledgeGraph) -> list[PathwayInfo]:
    """Derived pathways (issue 5), read through SPARQL only; an empty list when none were derived."""
    out: dict[str, PathwayInfo] = {}
    for r in _rows(
        kg,
        """SELECT ?p ?s ?m ?st ?ct WHERE { ?p a r2p:Pathway ; r2p:startsFrom ?s .
            OPTIONAL { ?p r2p:addressedBy ?m } OPTIONAL { ?p r2p:strength ?st }
            OPTIONAL { ?p r2p:contested ?ct } } ORDER BY ?p""",
    ):
        p = str(r["p"])
        if p not in out:
            ct = r["ct"]
            out[p] = PathwayInfo(
                p,
                str(r["s"]),
                _text(r["m"]),
                _int(r["st"]) if r["st"] is not None else None,
                bool(ct.toPython()) if isinstance(ct, Literal) else False,
            )
    for r in _rows(
        kg,
        """SELECT ?p ?i ?f ?t ?l WHERE { ?p a r2p:Pathway ; r2p:hasStep ?s .
            ?s r2p:stepIndex ?i ; r2p:stepFrom ?f ; r2p:stepTo ?t . OPTIONAL { ?s r2p:viaLink ?l } }
            ORDER BY ?p ?i""",
    ):
        if str(r["p"]) in out:
            out[str(r["p"])].steps.append((_int(r["i"]), str(r["f"]), str(r["t"]), _text(r["l"])))
    for r in _rows(kg, "SELECT ?p ?m WHERE { ?p a r2p:Pathway ; r2p:prerequisite ?m } ORDER BY ?p ?m"):
        if str(r["p"]) in out:
            out[str(r["p"])].prerequisites.append(str(r["m"]))
    for p in out.values():
        p.steps.sort()
    return list(out.values())


def _bundles(kg: KnowledgeGraph) -> list[BundleInfo]:
    out: dict[str, BundleInfo] = {}
    for r in _rows(
        kg,
        """SELECT ?b ?m ?o WHERE { ?b a r2p:CoRequisiteBundle ; r2p:member ?m .
                          OPTIONAL { ?b r2p:implementationOrder ?o } } ORDER BY ?b ?m""",
    ):
        b = str(r["b"])
        out.setdefault(b, BundleInfo(b, [], _int(r["o"]) if r["o"] is not None else None))
        out[b].members.append(str(r["m"]))
    return sorted(out.values(), key=lambda b: (b.order if b.order is not None else 10**9, b.iri))
