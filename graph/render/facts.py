"""What the views need from the graph, as the views use it: built from the one read model (graph.readmodel).

The maps and the pathways read the graph the same way (labels, classes, claims
with breadth and speaker role, causal links, requirements, arguments, derived
pathways); this module only regroups that model for the views.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from graph import readmodel as rm
from graph.documents import document_citation, document_title
from graph.namespaces import R2P

if TYPE_CHECKING:
    from graph.store import KnowledgeGraph

DOMAIN_ENTITY = str(R2P.DomainEntity)
# Says that a node is a kind, not what it is: a kind is drawn as its other class (institutions as an institution).
KIND = str(R2P.Kind)
# What a node is for the risk of mass atrocities, by the ontology's definitions of its class: more of a risk
# factor or harm raises it; a preventive outcome "protects against mass atrocities", so more of it lowers it.
# Of anything else (a measure, an actor, a norm, an outcome of neither kind) the class says nothing.
HARMFUL = (str(R2P.RiskFactor), str(R2P.Harm))
PROTECTIVE = (str(R2P.PreventiveOutcome),)
# Consensus levels that state no breadth (older data's levels named the speaker instead).
NOT_BREADTH = frozenset({rm.BREADTH_NOT_STATED, *rm.SPEAKER_AS_CONSENSUS})


@dataclass
class Facts:
    """The read model and what the views derive from it: each node's most specific class, the claims about
    each node, the documents' titles. Every fact of the graph is the model's own object, read once."""

    model: rm.ReadModel
    node_class: dict[str, str]  # domain node -> its most specific class
    claims_about: dict[str, tuple[str, ...]]  # node -> claims (and issues) about it, in document order
    title: str = ""  # the documents' titles and citation, from the data (graph.documents)
    citation: str = ""
    documents: dict[str, str] = field(default_factory=dict)  # document IRI -> its short title
    node_documents: dict[str, tuple[str, ...]] = field(default_factory=dict)  # domain node -> the documents
    # whose claims are about it or assert a link or requirement it takes part in

    # --- the model's parts, by the names the views use -------------------------------------------
    @cached_property
    def attackers(self) -> dict[str, tuple[str, ...]]:
        """Claim -> the claims that attack it (read once per site, asked for every claim shown)."""
        return self.model.attackers()

    @property
    def labels(self) -> dict[str, str]:
        return self.model.labels

    @property
    def definitions(self) -> dict[str, str]:
        return self.model.definitions

    @property
    def superclasses(self) -> dict[str, tuple[str, ...]]:
        return self.model.superclasses

    @property
    def sectors(self) -> dict[str, tuple[str, ...]]:
        return self.model.sectors

    @property
    def located_in(self) -> dict[str, tuple[str, ...]]:
        return self.model.located_in

    @property
    def claims(self) -> dict[str, rm.Claim]:
        return self.model.claims

    @property
    def issues(self) -> dict[str, rm.Issue]:
        return self.model.issues

    @property
    def links(self) -> dict[str, rm.CausalLink]:
        return self.model.links

    @property
    def requirements(self) -> list[rm.Requirement]:
        return list(self.model.requirements.values())

    @property
    def relation_polarity(self) -> dict[str, int]:
        return self.model.relation_polarity

    @property
    def sector_list(self) -> tuple[str, ...]:
        return self.model.sector_list

    @property
    def bundles(self) -> tuple[rm.Stage, ...]:
        return self.model.bundles

    @property
    def joint_members(self) -> dict[str, tuple[str, ...]]:
        return {j: info.members for j, info in self.model.joint_conditions.items()}

    @property
    def arguments(self) -> list[rm.ArgumentRelation]:
        """Supports and attacks premise by premise, by relation IRI."""
        return sorted(self.model.arguments, key=lambda a: (a.iri, a.premise, a.conclusion))

    @property
    def pathways(self) -> list[rm.Pathway]:
        """The derived pathways the maps draw: what the brief argues (the RDF also keeps entries that only a
        hypothetical or a question of the brief addresses)."""
        return [p for p in self.model.pathways if not p.hypothetical]

    @property
    def consensus_rank(self) -> dict[str, int]:
        return {level: rank or 0 for level, (_, rank) in self.model.consensus_levels.items()}

    def issue_positions(self, issue: str) -> tuple[str, ...]:
        info = self.model.issues.get(issue)
        return info.positions if info is not None else ()

    @staticmethod
    def walk(p: rm.Pathway) -> list[tuple[int, str, str, str]]:
        """A pathway's steps as (index, from, to, link), one per link of a step ("" for a step with none)."""
        return sorted((s.index, s.source, s.target, link) for s in p.steps for link in (s.links or ("",)))

    def order(self, claim: str) -> int:
        """A claim's place in the document (issues, and claims without r2p:documentOrder, come last)."""
        info = self.model.claims.get(claim)
        return info.order if info is not None and info.order is not None else 10**9

    def documents_of(self, iris) -> tuple[str, ...]:
        return self.model.documents_of(iris)

    def item_documents(self, iri: str) -> tuple[str, ...]:
        """The documents a map item comes from: a claim's or issue's own, a domain node's (node_documents)."""
        if iri in self.model.claims or iri in self.model.issues:
            return self.model.documents_of([iri])
        return self.node_documents.get(iri, ())

    def label(self, iri: str) -> str:
        return self.model.label(iri)

    def ancestors(self, cls: str) -> tuple[str, ...]:
        """The class and its superclasses, nearest first (breadth-first, so deterministic)."""
        return self.model.ancestors(cls)

    def breadth(self, level: str) -> int:
        """Breadth rank of a consensus level; 0 when the brief does not state breadth."""
        if level in NOT_BREADTH:
            return 0
        return self.model.consensus_levels.get(level, ("", None))[1] or 0

    def is_a(self, node: str, classes: tuple[str, ...]) -> bool:
        return any(a in classes for a in self.ancestors(self.node_class.get(node, DOMAIN_ENTITY)))

    def effect(self, link: rm.CausalLink) -> str:
        """raises / lowers: the link's polarity times what its target is for risk (a harm or risk factor, or a
        preventive outcome); unstated when the target is neither (the ICC "prompted debates"; a measure
        undermined); depends for a relation without polarity."""
        p = self.relation_polarity.get(link.relation, 0)
        if p == 0:
            return "depends"
        if self.is_a(link.effect, HARMFUL):
            return "raises" if p > 0 else "lowers"
        if self.is_a(link.effect, PROTECTIVE):
            return "lowers" if p > 0 else "raises"
        return "unstated"

    def speaker_role(self, claim: str) -> str:
        """The claim's speaker role (IRI; the read model reads older data's roles too), "" for anything else."""
        info = self.model.claims.get(claim)
        return info.speaker_role if info is not None else ""

    def link_consensus(self, link: rm.CausalLink) -> str:
        """The most widely held level among the claims that assert a link ('' when none is known)."""
        levels = [self.claims[c].consensus for c in link.claims if c in self.claims and self.claims[c].consensus]
        return max(levels, key=lambda lv: self.model.consensus_levels.get(lv, ("", None))[1] or 0, default="")


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


def collect_facts(kg: KnowledgeGraph) -> Facts:
    """The views' facts: the project's one read model (graph.readmodel) and what the views derive from it."""
    m = rm.read(kg)
    depth = _depths(m.superclasses)
    node_class = {n: max(set(cs) - {KIND} or cs, key=lambda c: (depth.get(c, 0), c))
                  for n, cs in m.classes.items() if cs}
    return Facts(m, node_class, m.claims_about(), title=document_title(kg), citation=document_citation(kg),
                 documents=m.documents(), node_documents=_node_documents(m))


def _node_documents(m: rm.ReadModel) -> dict[str, tuple[str, ...]]:
    """Domain node -> the documents whose claims are about it or assert a link or requirement it is an end of."""
    out: dict[str, set[str]] = defaultdict(set)
    for node, claims in m.claims_about().items():
        out[node].update(m.documents_of(claims))
    for link in m.links.values():
        for node in (link.cause, link.effect):
            out[node].update(m.documents_of([link.iri]))
    for req in m.requirements.values():
        for node in (req.dependent, req.prerequisite):
            out[node].update(m.documents_of([req.iri]))
    return {n: tuple(sorted(docs)) for n, docs in sorted(out.items()) if docs}
