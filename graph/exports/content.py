"""What every export writes from: the read model, the causal projection the pathways use, and the quotes.

``ExportContent(kg, document)`` reads the graph once (asserted and derived
layers), each part when a writer first asks for it. With ``--document SLUG``
it keeps the claims of that document's sections and what they assert: causal
links and requirements asserted by a kept claim, supports and attacks between
kept claims, the quotes of kept claims, the pathways whose steps run over kept
links.

The causal and requirement layer is ``graph.pathways.projection``'s graph, the
one the pathway derivation reads, so an export shows the links exactly as the
pathways see them (links without a polarity are left out there, and counted).
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import TYPE_CHECKING

from graph.documents import Texts
from graph.errors import InputError
from graph.namespaces import R2PR
from graph.source_text import collapse

if TYPE_CHECKING:
    import networkx as nx

    from graph.readmodel import ArgumentRelation, Claim, Issue, Mapping, Pathway, Quote, ReadModel
    from graph.source_text import SourceText
    from graph.store import KnowledgeGraph

_R2P = "https://w3id.org/r2pkg/ontology#"


class ExportContent:
    """The graph as the writers read it; each part is read on first use (the RDF syntaxes need none of it)."""

    def __init__(self, kg: KnowledgeGraph, document: str | None = None, texts: Texts | None = None) -> None:
        self.kg = kg
        self._document = document
        self._texts = texts or Texts()

    @cached_property
    def model(self) -> ReadModel:
        from graph import readmodel

        return readmodel.read(self.kg)

    @cached_property
    def document(self) -> str:
        """The document's IRI with --document, else ""."""
        if not self._document:
            return ""
        known = documents(self.model)
        doc = self._document if self._document in known else str(R2PR[self._document])
        if doc not in known:
            raise InputError(f"--document {self._document}: no such document in the graph "
                             f"(documents: {', '.join(known.values()) or 'none'})")
        return doc

    @cached_property
    def claims(self) -> dict[str, Claim]:
        m, doc = self.model, self.document
        return {i: c for i, c in m.claims.items()
                if not doc or (s := m.sections.get(c.section)) is not None and s.document == doc}

    @cached_property
    def issues(self) -> dict[str, Issue]:
        """The disagreements the text reports (r2p:Issue), of the document's sections with --document."""
        m, doc = self.model, self.document
        return {i: x for i, x in m.issues.items()
                if not doc or (s := m.sections.get(x.section)) is not None and s.document == doc}

    @cached_property
    def causal(self) -> nx.MultiDiGraph:
        """The pathways' projection (graph.pathways.projection), limited to the document's claims."""
        from graph.pathways.projection import project_model

        g = project_model(self.model)
        if self.document:
            claims = self.claims
            g.remove_edges_from([(u, v, k) for u, v, k, d in g.edges(keys=True, data=True)
                                 if not any(c in claims for c in d.get("claims", ()))])
            g.remove_nodes_from([n for n in list(g) if g.degree(n) == 0])
        return g

    @cached_property
    def arguments(self) -> tuple[ArgumentRelation, ...]:
        """Supports and attacks, premise by premise, between claims of the export."""
        claims = self.claims
        return tuple(a for a in self.model.arguments if a.premise in claims and a.conclusion in claims)

    @cached_property
    def pathways(self) -> tuple[Pathway, ...]:
        """The derived pathways (none before derivation); with --document, those over the document's links."""
        if not self.document:
            return self.model.pathways
        links = {k for _, _, k in self.causal.edges(keys=True)}
        return tuple(p for p in self.model.pathways if any(x in links for s in p.steps for x in s.links))

    @cached_property
    def contesters(self) -> dict[str, tuple[str, ...]]:
        """Claim -> what contests it, as the pathways count it: the claims that attack it, and each issue it is a
        position of (a disagreement the text reports, para 15's "still no consensus" too: README, "Contested")."""
        attackers, issues = self.model.attackers(), self.model.issues_of()
        return {c: (*attackers.get(c, ()), *issues.get(c, ())) for c in {*attackers, *issues}}

    def contested_by(self, claims: tuple[str, ...]) -> tuple[str, ...]:
        """What contests the claims behind a link or requirement: attacking claims and issues, each once."""
        return tuple(dict.fromkeys(x for c in claims for x in self.contesters.get(c, ())))

    def curators_reading(self, data: dict) -> bool:
        """The link or requirement is the curators' reading, never the brief's: the read model's flag, which the
        projection carries (``curators`` on a link, ``inferred`` on a requirement)."""
        return bool(data.get("curators") or data.get("inferred"))

    @cached_property
    def quotes(self) -> tuple[tuple[str, Quote], ...]:
        """(claim IRI, quote) for every quote of the export's claims, by claim then as the text reads them."""
        return tuple((iri, q) for iri in sorted(self.claims) for q in self.quotes_of(iri))

    @cached_property
    def mappings(self) -> dict[str, tuple[Mapping, ...]]:
        from graph.readmodel import mappings

        return mappings(self.kg)

    @cached_property
    def sources(self) -> dict[str, SourceText]:
        """Document IRI -> its source text, where the project names one that is there."""
        return _sources(self.model, self._texts)

    # --- the fields every format carries, in words -------------------------------------------------
    def label(self, iri: str) -> str:
        return self.model.label(iri)

    def speaker(self, claim: Claim) -> str:
        """Who speaks: the rapporteur, a commissioned author, the participants."""
        return self.label(claim.speaker_role)

    def breadth(self, claim: Claim) -> str:
        """How widely the view was held, in the brief's words ("" when the brief states no breadth)."""
        return self.breadth_of(claim.consensus)  # the claim's breadth is its level's rank

    def breadth_of(self, consensus: str) -> str:
        """A consensus level in the brief's words ("" when it states no breadth): an issue's, say."""
        label, rank = self.model.consensus_levels.get(consensus, ("", None))
        return (label or self.label(consensus)) if consensus and rank is not None else ""

    def agents(self, claim: Claim) -> tuple[str, ...]:
        return tuple(self.label(a) for a in claim.agents)

    def quotes_of(self, owner: str) -> tuple[Quote, ...]:
        """A claim's (or an issue's) quotes in the order the text reads them, where it is known (para 33's claim,
        quoted on both sides of a page break: "... contrasted Nigeria with South" before "Africa's attempts ..."),
        else by text."""
        claim = self.claims.get(owner) or self.model.claims.get(owner) or self.model.issues.get(owner)
        if claim is None:
            return ()
        return tuple(sorted(claim.quotes, key=lambda q: ((self.position(q) or (1 << 62, 0))[0], q.exact)))

    def position(self, quote: Quote) -> tuple[int, int] | None:
        """Where the quote stands in its source's text (whitespace collapsed, as the quote check reads it):
        the occurrence its prefix and suffix pick out, else the first; None when the text is unknown."""
        text = self.sources.get(quote.source)
        if text is None:
            return None
        exact = collapse(quote.exact)
        starts = [m.start() for m in re.finditer(re.escape(exact), text.full_text)]
        if not starts:
            return None
        prefix, suffix = collapse(quote.prefix), collapse(quote.suffix)

        def fits(i: int) -> bool:
            before, after = text.full_text[:i].rstrip(), text.full_text[i + len(exact):].lstrip()
            return before.endswith(prefix.rstrip()) and after.startswith(suffix.lstrip())

        start = next((i for i in starts if fits(i)), starts[0])
        return start, start + len(exact)

    def node_type(self, node: str) -> str:
        """The node's most specific class label (several joined with ' / ')."""
        classes = self.model.classes.get(node, ())
        named = [self.label(c) for c in classes if c != _R2P + "DomainEntity"]
        return " / ".join(sorted(named)) or "Domain entity"

    def sectors(self, node: str) -> tuple[str, ...]:
        return tuple(self.label(s) for s in self.model.sectors.get(node, ()))

    def framework(self, node: str) -> tuple[str, ...]:
        """The curators' mappings of a node, as 'relation: concept' (UN Framework risk factors, R2P pillars)."""
        return tuple(f"{self.label(m.relation)}: {self.label(m.concept)}" for m in self.mappings.get(node, ()))

    def section_label(self, claim: Claim) -> str:
        return self.label(claim.section) if claim.section else ""

    def causal_links(self) -> list[tuple[str, str, str, dict]]:
        """(cause, effect, link IRI, attributes) of the causal links, in IRI order."""
        return sorted(((u, v, k, d) for u, v, k, d in self.causal.edges(keys=True, data=True)
                       if not d.get("requirement")), key=lambda e: e[2])

    def requirements(self) -> list[tuple[str, str, str, dict]]:
        """(dependent, prerequisite, requirement IRI, attributes), in IRI order."""
        return sorted(((u, v, k, d) for u, v, k, d in self.causal.edges(keys=True, data=True)
                       if d.get("requirement")), key=lambda e: e[2])

    def claims_text(self, claims: tuple[str, ...], what: str) -> str:
        """One field for the claims behind a link, joined by ' | ': their quotes (each once), or one speaker, breadth
        or attribution per claim, in the claims' order, so that the n-th of each is the n-th claim's."""
        out: list[str] = []
        for iri in claims:
            c = self.claims.get(iri) or self.model.claims.get(iri)
            if c is None:
                continue
            if what == "quote":
                out.extend(q for q in (q.exact for q in self.quotes_of(iri)) if q not in out)
            elif what == "speaker":
                out.append(self.speaker(c))
            elif what == "breadth":
                out.append(self.breadth(c) or "not stated")
            elif what == "attributed_to":
                out.append(", ".join(self.agents(c)))
        return " | ".join(out)


def documents(model: ReadModel) -> dict[str, str]:
    """Document IRI -> slug, for the documents the sections belong to."""
    return {d: d.rsplit("/", 1)[-1] for d in sorted({s.document for s in model.sections.values() if s.document})}


def _sources(model: ReadModel, texts: Texts) -> dict[str, SourceText]:
    """Document IRI -> the project's text of it, where there is one (a missing one leaves its quotes
    without text positions)."""
    out = {}
    for iri in documents(model):
        text = texts.for_document(iri)
        if text is not None:
            out[iri] = text
    return out
