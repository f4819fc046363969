"""Project the read model (graph.readmodel) into a typed, signed networkx MultiDiGraph.

The graph is the only input of the derivation, so benchmarks and tests can
build it directly. Its schema:

Nodes: IRI strings, attributes ``label`` (str) and ``kinds`` (frozenset of
model.RISK / MEASURE / HARM / OUTCOME / PRECONDITION / ESCALATORY / APPROACH;
an approach is also a MEASURE: the brief recommends approaches as it does measures).

Edges: one per causal link, cause -> effect, key = the link's IRI,
attributes ``relation`` (IRI), ``relation_label``, ``polarity`` (+1 or -1),
``modality`` (IRI, r2p:Asserted when the data gives none), ``claims`` (sorted
claim IRIs), ``rank`` (best stated breadth among the claims, 0 when none),
``contested`` (a claim is attacked), ``cases`` (sorted case IRIs), ``curators``
(the link is the curators' reading, r2p:inferredByCurators). One per
requirement, dependent -> prerequisite, key = the requirement's IRI, with
``polarity`` 0, ``requirement`` True, ``modality``, ``claims``, ``cases`` and
``inferred`` (the curators' reading of the direction) and ``note`` (the curators' editorial note).

Graph attributes: ``claims`` (IRI -> graph.readmodel.Claim), ``attackers``
(claim -> the claims attacking it), ``curators_attacks`` ((attacker, claim)
pairs of the attacks that are the curators' reading), ``cases`` (the r2p:Case IRIs: what a claim
is about that counts as its case), ``supports`` (sorted (premise, conclusion)
pairs), ``issues`` (IRI -> graph.readmodel.Issue), ``names`` (labels of
consensus levels, speaker roles and documents), ``sections`` (IRI ->
graph.readmodel.Section), ``about`` (risk factor -> the claims about
it, by paragraph), ``absence_of`` (risk factor -> the measures or outcomes
whose absence it is: r2p:absenceOf, the curators' reading), ``labels`` (IRI ->
label, for sections, cases, speaker roles and modalities) and
``unsigned_links`` (links left out: no polarity, or malformed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx

from graph import readmodel
from graph.pathways.model import APPROACH, ESCALATORY, HARM, MEASURE, OUTCOME, PRECONDITION, RISK

if TYPE_CHECKING:
    from graph.store import KnowledgeGraph

_R2P = "https://w3id.org/r2pkg/ontology#"
_KINDS = {
    _R2P + "RiskFactor": (RISK,),
    _R2P + "PreventionMeasure": (MEASURE,),
    _R2P + "Approach": (MEASURE, APPROACH),
    _R2P + "Harm": (HARM,),
    _R2P + "Outcome": (OUTCOME,),
    _R2P + "AtrocityPrecondition": (PRECONDITION,),
    _R2P + "EscalatoryDynamic": (ESCALATORY,),
}


def node_kinds(model: readmodel.ReadModel, node: str) -> frozenset[str]:
    return frozenset(k for cls in model.kinds(node) for k in _KINDS.get(cls, ()))


def paragraph_order(claims: dict[str, readmodel.Claim], iri: str) -> tuple[int, str]:
    """A claim's place for listing by paragraph: its paragraph (claims without one last), then its IRI."""
    info = claims.get(iri)
    return (info.paragraph if info is not None and info.paragraph is not None else 10**9, iri)


def _about_risks(model: readmodel.ReadModel) -> dict[str, tuple[str, ...]]:
    """Risk factor -> the claims about it, by paragraph (what a gap report quotes)."""
    risks = {n for n in model.classes if RISK in node_kinds(model, n)}
    out: dict[str, list[str]] = {}
    for c in model.claims.values():
        for n in c.about:
            if n in risks:
                out.setdefault(n, []).append(c.iri)
    return {n: tuple(sorted(cs, key=lambda c: paragraph_order(model.claims, c))) for n, cs in sorted(out.items())}


def _names(model: readmodel.ReadModel) -> dict[str, str]:
    """Labels of what claims cite: consensus levels, speaker roles, documents (agents' come with the texts)."""
    out = {level: label for level, (label, _) in model.consensus_levels.items()}
    out.update({r: model.label(r) for r in {c.speaker_role for c in model.claims.values()} if r})
    out.update(model.documents())
    return dict(sorted(out.items()))


def project_model(model: readmodel.ReadModel) -> nx.MultiDiGraph:
    """The read model's causal layer and requirements as a MultiDiGraph (schema above)."""
    claims, attackers = model.claims, model.attackers()
    g = nx.MultiDiGraph(
        claims=claims,
        attackers=attackers,
        curators_attacks=frozenset((a.premise, a.conclusion) for a in model.attacks if a.inferred_by_curators),
        cases=frozenset(model.cases),
        supports=sorted({(a.premise, a.conclusion) for a in model.supports}),
        issues=dict(model.issues),
        names=_names(model),
        labels={
            **{s: model.label(s) for s in model.sections},
            **{c: model.label(c) for c in model.cases},
            **{r: model.label(r) for r in {c.speaker_role for c in model.claims.values()}},
            **{m: model.label(m) for m in {k.modality for k in model.links.values()}
               | {k.modality for k in model.requirements.values()} if m},
        },
        sections=dict(model.sections),
        about=_about_risks(model),
        absence_of=dict(model.absence_of),
        unsigned_links=0,
    )
    nodes = {n for link in model.links.values() for n in (link.cause, link.effect)}
    nodes |= {n for r in model.requirements.values() for n in (r.dependent, r.prerequisite)}
    kinds = {n: node_kinds(model, n) for n in model.classes}
    nodes |= {n for n, k in kinds.items() if k & {RISK, MEASURE}}
    for node in sorted(nodes):
        g.add_node(node, label=model.labels.get(node, ""), kinds=kinds.get(node, frozenset()))
    for iri, link in model.links.items():
        if link.malformed or link.polarity not in (1, -1):
            g.graph["unsigned_links"] += 1
            continue
        g.add_edge(
            link.cause,
            link.effect,
            key=iri,
            relation=link.relation,
            relation_label=link.relation_label,
            polarity=link.polarity,
            modality=link.modality,
            claims=link.claims,
            rank=max((claims[c].breadth or 0 for c in link.claims if c in claims), default=0),
            contested=any(c in attackers for c in link.claims if c in claims),
            cases=link.cases,
            curators=link.inferred_by_curators,
        )
    for iri, req in model.requirements.items():
        g.add_edge(
            req.dependent,
            req.prerequisite,
            key=iri,
            relation=_R2P + "Requirement",
            relation_label="requires",
            polarity=0,
            requirement=True,
            modality=req.modality,
            claims=req.claims,
            cases=req.cases,
            inferred=req.inferred_by_curators,
            note=req.note,
        )
    return g


def project(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    """Read a loaded graph (asserted layer) and project it."""
    return project_model(readmodel.read(kg, derived=False))
