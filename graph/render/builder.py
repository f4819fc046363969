"""Adding the graph's nodes and edges to a view, with their marks and side-panel details.

One place decides how a class, a claim (breadth, speaker role) and a causal link (effect on
risk) look, so every view draws them alike; `narrate` writes a step's narration from the data.
"""

from __future__ import annotations

import re
from typing import Any

from graph.link_sentence import how_put, say_link
from graph.namespaces import R2P, curie
from graph.readmodel import CURATORS, HYPOTHETICAL, QUESTIONED, CausalLink, Claim, Issue, Requirement
from graph.render.facts import DOMAIN_ENTITY, Facts
from graph.render.style import (
    CLASS_STYLE,
    DEFAULT_BORDER,
    EFFECT_LABEL,
    NODE_DASHES,
    SPEAKER_LABEL,
    SPEAKER_STYLE,
    consensus_border,
)
from graph.render.view_model import MapEdge, MapNode, View

CLAIM, ISSUE, BUNDLE = str(R2P.Claim), str(R2P.Issue), str(R2P.CoRequisiteBundle)

CURATORS_READING = "the curators (its definition, kind and sectors are their reading of the documents)"
CURATORS_INFERENCE = "the curators' reading of the text, not its words (r2p:inferredByCurators)"


def _with_term(words: str, term: str) -> str:
    """How the text puts a link, with the ontology's name of its modality when that says something more."""
    return words if not term or term.lower() == words.lower() else f"{words} ({term})"


def voice(modality: str, curators: bool) -> str:
    """How the text puts a link or requirement, as the map draws it (style.VOICE_LABEL): the curators' reading
    first, whatever its modality."""
    if curators:
        return "curators"
    return {HYPOTHETICAL: "hypothetical", QUESTIONED: "asked"}.get(modality, "stated")


def slug(iri: str) -> str:
    local = re.split(r"[/#]", iri.rstrip("/#"))[-1]
    return re.sub(r"[^a-z0-9]+", "-", local.lower()).strip("-") or "node"


class Builder:
    """Adds nodes and edges to a view with their styles and side-panel details."""

    def __init__(self, facts: Facts, view: View):
        self.f = facts
        self.v = view
        self.edges: dict[str, MapEdge] = {}

    # --- nodes ---------------------------------------------------------
    def legend_class(self, cls: str) -> tuple[str, str, str, bool]:
        keys = {c[0]: c for c in CLASS_STYLE}
        for anc in self.f.ancestors(cls):
            if anc in keys:
                return keys[anc]
        return keys[DOMAIN_ENTITY]

    def who(self, info: Claim | Issue) -> str:
        """Who said it, in words: the holders and the speaker's role."""
        holders = ", ".join(self.f.label(h) for h in info.agents)
        role_iri = self.f.speaker_role(info.iri)
        if role_iri == str(R2P.ParticipantRole):  # "the roundtable participants (participants)" says it twice
            return holders or SPEAKER_LABEL[role_iri]
        role = SPEAKER_LABEL.get(role_iri, "")
        return f"{holders} ({role})" if holders and role else holders or role

    def breadth_label(self, info: Claim | Issue) -> str:
        if not info.consensus or self.f.breadth(info.consensus) == 0:
            return "breadth not stated"
        return self.f.label(info.consensus)

    def claim_summary(self, c: str) -> dict:
        info = self.f.claims.get(c) or self.f.issues.get(c)
        if info is None:
            return {"label": self.f.label(c), "iri": curie(c)}
        return {
            "label": info.label or self.f.label(c),
            "iri": curie(c),
            "consensus": self.breadth_label(info) if c in self.f.claims else self.f.label(info.consensus),
            "speaker": SPEAKER_LABEL.get(self.f.speaker_role(c), ""),
            # an issue the curators read off the text quotes the text's words: the grouping is theirs, not the quote
            "heldBy": [f"grouped as a disagreement by {self.f.label(h)}" if c in self.f.issues and h == CURATORS
                       else self.f.label(h) for h in info.agents],
            "quotes": [q.exact for q in info.quotes],
            "section": self.f.label(info.section) if info.section else "",
            "paragraph": info.paragraph or None,
            # who disputes it, so a link drawn from it is never shown as undisputed (para 33's caution)
            "contestedBy": [self.f.claims[a].label or self.f.label(a) for a in self.f.attackers.get(c, ())
                            if a in self.f.claims],
            **self.document_of(c),
            **self.view_of(info),
        }

    def view_of(self, info: Claim | Issue) -> dict[str, list[str]]:
        """{"viewOf": the actors or institutions} when the claim reports their view (r2p:reportsViewOf), else {}."""
        views = info.views_of if isinstance(info, Claim) else ()
        return {"viewOf": [self.f.label(v) for v in views]} if views else {}

    def document_of(self, item: str) -> dict[str, str]:
        """{"document": its short title} for a claim or issue when the project has several documents, else {}."""
        if len(self.f.documents) < 2:
            return {}
        docs = self.f.documents_of([item])
        return {"document": ", ".join(self.f.documents.get(d, self.f.label(d)) for d in docs)} if docs else {}

    def node(self, iri: str) -> str:
        if iri in self.v.nodes:
            return iri
        f = self.f
        if iri in f.claims or iri in f.issues:
            info: Claim | Issue = f.claims.get(iri) or f.issues[iri]
            cls = CLAIM if iri in f.claims else ISSUE
            _, fill, shape, dashed = self.legend_class(cls)
            details = self.claim_summary(iri)
            details.update(
                {
                    "kind": f.label(cls),
                    "statement": info.statement if isinstance(info, Claim) else "",
                    "definition": f.definitions.get(iri, ""),
                    "about": [f.label(a) for a in info.about],
                }
            )
            node = MapNode(
                iri, info.label or f.label(iri), cls, f.label(cls), fill, shape, DEFAULT_BORDER, [], "", details
            )
            if cls == CLAIM:
                role = f.speaker_role(iri)
                node.consensus = info.consensus
                node.speaker = role
                node.dashed = SPEAKER_STYLE.get(role, False)  # type: ignore[assignment]  # a dash pattern or none
                node.border_width = consensus_border(f.breadth(info.consensus))
            else:
                node.dashed = NODE_DASHES if dashed else False
                details["claims"] = [self.claim_summary(c) for c in f.issue_positions(iri)]
                details["claimsHeading"] = "Positions taken"
            node.documents = list(f.item_documents(iri))
            self.v.nodes[iri] = node
            return iri
        cls = f.node_class.get(iri, DOMAIN_ENTITY)
        legend, fill, shape, dashed = self.legend_class(cls)
        self.v.nodes[iri] = MapNode(
            iri,
            f.label(iri),
            legend,
            f.label(cls),
            fill,
            shape,
            DEFAULT_BORDER,
            list(f.sectors.get(iri, [])),
            "",
            {
                "kind": f.label(cls),
                "iri": curie(iri),
                "definition": f.definitions.get(iri, ""),
                # A domain node's wording and classification are the curators' reading, not the brief's words.
                "definedBy": CURATORS_READING,
                "sectors": [f.label(s) for s in f.sectors.get(iri, [])],
                "claims": [self.claim_summary(c) for c in f.claims_about.get(iri, [])],
                "claimsHeading": "What the documents say about it",
            },
            dashed=NODE_DASHES if dashed else False,
            documents=list(f.item_documents(iri)),
        )
        return iri

    def extra_node(self, iri: str, label: str, cls: str, details: dict) -> str:
        legend, fill, shape, dashed = self.legend_class(cls)
        self.v.nodes[iri] = MapNode(
            iri,
            label,
            legend,
            self.f.label(cls),
            fill,
            shape,
            DEFAULT_BORDER,
            details=details,
            dashed=NODE_DASHES if dashed else False,
        )
        return iri

    # --- edges ---------------------------------------------------------
    def _add(self, edge: MapEdge) -> str:
        if edge.id not in self.edges:
            self.edges[edge.id] = edge
            self.v.edges.append(edge)
        return edge.id

    def link(self, link: CausalLink) -> str:
        f = self.f
        self.node(link.cause)
        self.node(link.effect)
        rel = f.label(link.relation)
        # in the link's own voice: a question, a hypothetical or the curators' reading is never drawn as a finding
        title = say_link(link, f.label(link.cause), f.label(link.effect))
        effect = f.effect(link)
        polarity = f.relation_polarity.get(link.relation, 0)
        direction = "more" if polarity > 0 else "less" if polarity < 0 else ""
        return self._add(
            MapEdge(
                link.iri,
                link.cause,
                link.effect,
                link.relation,
                rel,
                f.link_consensus(link),
                {
                    "title": title,
                    # the title is built from the two nodes; the recorded label keeps the qualifiers they leave
                    # out ("in the past", para 12; "the debates that followed", para 8)
                    "recorded": link.label,
                    "kind": f.label(str(R2P.CausalLink)),
                    "iri": curie(link.iri),
                    "relation": f"{rel} ({EFFECT_LABEL[effect]})",
                    "stated": _with_term(how_put(link), f.label(link.modality)),
                    "reading": CURATORS_INFERENCE if link.inferred_by_curators else "",
                    "claims": [self.claim_summary(c) for c in link.claims],
                    "claimsHeading": ("Claims the curators read it from" if link.inferred_by_curators
                                      else "Claims that ask about it" if link.modality == QUESTIONED
                                      else "Claims that state this link"),
                    "cases": [f.label(c) for c in link.cases],
                },
                effect,
                direction=direction,
                documents=list(f.documents_of([link.iri])),
                voice=voice(link.modality, link.inferred_by_curators),
            )
        )

    def requirement(self, req: Requirement) -> str:
        """A requirement: the measure points at what it needs first (never a causal arrow)."""
        f = self.f
        self.node(req.dependent)
        self.node(req.prerequisite)
        title = f"{f.label(req.dependent)} requires {f.label(req.prerequisite)}"
        return self._add(
            MapEdge(
                req.iri,
                req.dependent,
                req.prerequisite,
                str(R2P.requires),
                "requires",
                "",
                {
                    "title": title,
                    "kind": f.label(str(R2P.Requirement)) if str(R2P.Requirement) in f.labels else "requirement",
                    "iri": curie(req.iri),
                    "relation": "requires"
                    + (" (direction inferred by the curators)" if req.inferred_by_curators else ""),
                    "reading": CURATORS_INFERENCE if req.inferred_by_curators else "",
                    "claims": [self.claim_summary(c) for c in req.claims],
                    "claimsHeading": "Claims that state this requirement",
                    "cases": [f.label(c) for c in req.cases],
                },
                "depends",
                documents=list(f.documents_of([req.iri])),
                voice=voice(req.modality, req.inferred_by_curators),
            )
        )

    def argument(self, arg) -> str:
        f = self.f
        self.node(arg.premise)
        self.node(arg.conclusion)
        kind = f.label(arg.support_kind) if arg.support_kind else ""
        rel = f.label(arg.kind)
        ours = " (curators' reading)" if arg.inferred_by_curators else ""
        return self._add(
            MapEdge(
                f"{arg.iri}|{arg.premise}",
                arg.premise,
                arg.conclusion,
                arg.kind,
                kind or rel,
                "",
                {
                    "title": f"{rel}: {f.label(arg.iri)}{ours}",
                    "kind": rel,
                    "iri": curie(arg.iri),
                    "relation": kind,
                    "reading": CURATORS_INFERENCE if arg.inferred_by_curators else "",
                    "from": f.label(arg.premise),
                    "to": f.label(arg.conclusion),
                },
                documents=list(f.documents_of([arg.premise, arg.conclusion])),
                voice="curators" if arg.inferred_by_curators else "",  # drawn thin, as a curators' link is
            )
        )

    def plain(self, source: str, target: str, prop: str, label: str | None = None) -> str:
        """A structural edge (about, located in, member...); label "" keeps it unlabelled on the map."""
        f = self.f
        rel = f.label(prop)
        return self._add(
            MapEdge(
                f"{source}|{prop}|{target}",
                source,
                target,
                prop,
                rel if label is None else label,
                "",
                # a property's label is a noun ("member", "prerequisite"): named first, not read as a verb
                {"title": f"{rel}: {f.label(source)} \u2192 {f.label(target)}", "kind": rel},
            )
        )


def best_claim(f: Facts, nodes: list[str], edges: list[MapEdge] | None = None) -> str:
    """A claim that states a link the step draws, else the one that speaks most about its nodes (then the most
    widely held, then the first in the text): a quote about the nodes alone may argue something else."""
    node_set = set(nodes)
    scores: dict[str, tuple] = {}
    for c in node_set & set(f.claims):
        scores[c] = (0, 3)
    for n in nodes:
        for c in f.claims_about.get(n, []):
            if c in f.claims:
                scores[c] = (0, len(node_set & set(f.claims[c].about)))
    for e in edges or []:
        for c in [x.get("iri") for x in e.details.get("claims", [])]:
            full = next((k for k in f.claims if curie(k) == c), None)
            if full:
                scores[full] = (1, max(scores.get(full, (0, 0))[1], 2))
    if not scores:
        return ""
    return max(
        (c for c in scores if f.claims[c].quotes),
        key=lambda c: (scores[c][0], scores[c][1], f.breadth(f.claims[c].consensus), -f.order(c)),
        default="",
    )


def quote_of(b: Builder, claim: str, text: str = "") -> dict[str, Any]:
    """One quote with who said it and how widely it was held, for a narration."""
    f = b.f
    info = f.claims.get(claim)
    if info is None or not (text or info.quotes):
        return {}
    where = [b.document_of(claim).get("document", ""), f.label(info.section) if info.section else "",
             f"paragraph {info.paragraph}" if info.paragraph else ""]
    src = ", ".join(x for x in where if x)
    return {
        "text": text or info.quotes[0].exact,
        "who": b.who(info),
        "breadth": b.breadth_label(info),
        "source": src,
        "claim": info.label,
    }


def shows(v: View, nodes: list[str]) -> str:
    """What a step shows, in words: how many of each kind."""
    kinds: dict[str, int] = {}
    for n in nodes:
        if n in v.nodes:
            k = v.nodes[n].kind
            kinds[k] = kinds.get(k, 0) + 1
    parts = [f"{k} ({c})" for k, c in sorted(kinds.items(), key=lambda x: (-x[1], x[0]))]
    return "Shows: " + ", ".join(parts) + "." if parts else ""
