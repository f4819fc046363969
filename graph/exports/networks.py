"""The two layers as networkx graphs with flat attributes (text, numbers, booleans), for GraphML and GEXF.

The causal and requirement layer: nodes are domain entities (type, sectors,
the curators' UN Framework mappings), edges the causal links and requirements
of the pathways' projection (its label, which says an aim or a proposal as
such; relation, polarity, modality, quotes, speaker, breadth and attribution
one per asserting claim, the claims' IRIs, and whether the reading is the
curators' rather than the brief's). The argument layer: nodes are claims
(paraphrase, quotes, speaker, breadth, section), edges supports and attacks
from premise to conclusion. Several values in one field are joined by " | ",
IRIs by spaces; every node and edge keeps its IRI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph.exports.content import ExportContent

if TYPE_CHECKING:
    import networkx as nx

JOIN = " | "


def causal_layer(content: ExportContent) -> nx.MultiDiGraph:
    import networkx as nx

    g = nx.MultiDiGraph(name="causal and requirement layer", document=content.document or "all")
    for node, data in sorted(content.causal.nodes(data=True)):
        g.add_node(node, label=data.get("label") or content.label(node), iri=node, type=content.node_type(node),
                   kinds=" ".join(sorted(data.get("kinds", ()))), sectors=JOIN.join(content.sectors(node)),
                   curators_un_framework=JOIN.join(content.framework(node)))  # the curators' mappings, not the brief's
    for u, v, key, d in content.causal_links() + content.requirements():
        claims = tuple(d.get("claims", ()))
        g.add_edge(u, v, key=key, id=key, iri=key, label=content.label(key),  # its label says an aim, a proposal
                   layer="requirement" if d.get("requirement") else "causal",
                   relation=d.get("relation_label", ""), relation_iri=d.get("relation", ""),
                   polarity=int(d.get("polarity", 0)),
                   modality=content.label(d["modality"]) if d.get("modality") else "",
                   modality_iri=d.get("modality", ""),
                   quote=content.claims_text(claims, "quote"),
                   speaker=content.claims_text(claims, "speaker"),
                   breadth=content.claims_text(claims, "breadth"),
                   attributed_to=content.claims_text(claims, "attributed_to"),
                   claims=" ".join(claims),
                   contested=bool(content.contested_by(claims)),
                   contested_by=" ".join(content.contested_by(claims)),
                   inferred_by_curators=content.curators_reading(d),
                   curators_note=d.get("note") or "",  # para 25: whose reading "these processes" is
                   cases=JOIN.join(content.label(c) for c in d.get("cases", ())))
    return g


def argument_layer(content: ExportContent) -> nx.MultiDiGraph:
    import networkx as nx

    g = nx.MultiDiGraph(name="argument layer", document=content.document or "all")
    for iri, c in content.claims.items():
        g.add_node(iri, label=c.label, iri=iri, statement=c.statement,
                   quote=JOIN.join(q.exact for q in content.quotes_of(iri)),
                   speaker=content.speaker(c), breadth=content.breadth(c) or "not stated",
                   attributed_to=JOIN.join(content.agents(c)), section=content.section_label(c),
                   view_of=JOIN.join(content.label(v) for v in c.views_of),
                   paragraph=c.paragraph if c.paragraph is not None else 0)
    for a in content.arguments:
        kind = "attack" if a.kind.endswith("#Attack") else "support"
        # A relation with two premises is two edges: the id names relation and premise, `iri` the relation.
        edge_id = f"{_slug(a.iri)}:{_slug(a.premise)}"
        g.add_edge(a.premise, a.conclusion, key=edge_id, id=edge_id, iri=a.iri, relation=kind,
                   support_kind=content.label(a.support_kind) if a.support_kind else "",
                   inferred_by_curators=a.inferred_by_curators)
    return g


def _slug(iri: str) -> str:
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
