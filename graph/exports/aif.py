"""AIF JSON, the interchange of AIFdb and OVA, with the AIF+ dialogue layer for who said it.

Claims are I-nodes (text: our paraphrase), supports RA-nodes and attacks
CA-nodes (a relation with two premises is one S-node with two incoming edges;
an attack on a support, an undercutter, is a CA-node with an edge to that
RA-node). Each quote is an L-node whose text is the verbatim quote, anchored
to its claim by a YA-node, with a locution naming the agent who said it (the
claim's prov:wasAttributedTo) and the source document. A view the brief gives
to part of a group ("some participants", "multiple participants", narrower
than r2p:Participants) is not said by the whole group: its speaker is that
part, unnamed, one per claim (`<claim>#speakers`), so the two sides of a
disagreement among participants are never one speaker contradicting itself.
I-, RA- and CA-node ids are the graph's IRIs. A support or attack that is the
curators' reading carries `"curatorsReading": true` (AIF has no such field;
readers ignore it).

The alignment is the ontology's, read from the graph, never restated here: the
AIF node type of a class is the aif: class it is a subclass of, and the scheme
of an S-node (an RA- or CA-node's inference or conflict scheme, a YA-node's
illocution) is the `r2p:aifScheme` of its support kind, its class, or of
`r2p:hasQuote`. AIF has no field for the brief's breadth of agreement: the
Argdown, Kumu and CSV exports carry it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from graph import formats
from graph.errors import InputError
from graph.exports.content import ExportContent

_R2P = "https://w3id.org/r2pkg/ontology#"
_AIF = "http://www.arg.dundee.ac.uk/aif#"


@dataclass(frozen=True)
class Alignment:
    """The ontology's AIF alignment: node type and scheme of each r2p class, scheme of each support kind."""

    node_type: dict[str, str]  # r2p class -> "I", "RA", "CA"
    scheme: dict[str, str]  # r2p class, support kind or property -> AIF scheme name

    def s_node(self, kind: str, support_kind: str) -> tuple[str, str]:
        """(AIF node type, scheme name) of a support or attack of class `kind` and support kind `support_kind`."""
        if kind not in self.node_type or kind not in self.scheme:
            raise InputError(f"the ontology aligns no AIF node type and scheme with <{kind}> (rdfs:subClassOf aif:, "
                             "r2p:aifScheme)")
        return self.node_type[kind], self.scheme.get(support_kind, self.scheme[kind])


def alignment(content: ExportContent) -> Alignment:
    rows = content.kg.query(f"""SELECT ?term ?aif ?scheme WHERE {{
        {{ ?term rdfs:subClassOf ?aif FILTER(STRSTARTS(STR(?aif), "{_AIF}")) }}
        UNION {{ ?term r2p:aifScheme ?scheme }}
        FILTER(STRSTARTS(STR(?term), "{_R2P}")) }}""")
    node_type: dict[str, str] = {}
    scheme: dict[str, str] = {}
    for row in rows:
        term = row["term"].value
        if row["aif"] is not None:
            node_type[term] = row["aif"].value[len(_AIF):].removesuffix("-node")
        if row["scheme"] is not None:
            scheme[term] = row["scheme"].value
    return Alignment(node_type, scheme)


def aif_graph(content: ExportContent) -> dict:
    align = alignment(content)
    claim_type = align.node_type.get(_R2P + "Claim", "I")
    asserting = align.scheme.get(_R2P + "hasQuote", "Asserting")
    nodes: list[dict] = []
    edges: list[dict] = []
    locutions: list[dict] = []
    participants: dict[str, dict] = {}

    def edge(source: str, target: str) -> None:
        edges.append({"edgeID": f"e{len(edges) + 1}", "fromID": source, "toID": target, "formEdgeID": None})

    groups = {row["g"].value for row in content.kg.query("SELECT ?g WHERE { ?g a foaf:Group }")}
    levels = content.model.consensus_levels
    whole = levels.get(_R2P + "Participants", ("", None))[1]
    for iri, claim in content.claims.items():
        nodes.append({"nodeID": iri, "text": claim.statement or claim.label, "type": claim_type})
        person = claim.agents[0] if claim.agents else claim.speaker_role
        rank = levels.get(claim.consensus, ("", None))[1] if claim.consensus else None
        if person in groups and rank is not None and whole is not None and rank < whole:
            part = f"{iri}#speakers"  # "some participants": part of the group, not the group
            participants[part] = {"participantID": part, "firstname": f"{content.breadth(claim)} (of "
                                  f"{content.label(person)}, unnamed)", "surname": ""}
            person = part
        elif person not in participants:
            first, _, last = content.label(person).rpartition(" ")
            participants[person] = {"participantID": person, "firstname": first or last,
                                    "surname": last if first else ""}
        for n, quote in enumerate(content.quotes_of(iri), start=1):
            locution, anchor = f"{iri}#L{n}", f"{iri}#YA{n}"
            nodes.append({"nodeID": locution, "text": quote.exact, "type": "L"})
            nodes.append({"nodeID": anchor, "text": asserting, "type": "YA"})
            edge(locution, anchor)
            edge(anchor, iri)
            locutions.append({"nodeID": locution, "personID": person, "start": None, "end": None,
                              "source": quote.source or None})
    relations: dict[str, list] = {}
    for a in content.arguments:
        relations.setdefault(a.iri, []).append(a)
    # Attacks on an exported support (undercutters): their conclusion is an RA-node, not a claim.
    exported = set(relations)
    for a in content.model.arguments:
        if a.conclusion in exported and a.premise in content.claims:
            relations.setdefault(a.iri, []).append(a)
    for iri, parts in relations.items():
        node_type, scheme = align.s_node(parts[0].kind, parts[0].support_kind)
        default = align.scheme[parts[0].kind]
        node: dict[str, object] = {"nodeID": iri, "text": default, "type": node_type, "scheme": scheme}
        if any(p.inferred_by_curators for p in parts):
            node["curatorsReading"] = True
        nodes.append(node)
        for premise in sorted({p.premise for p in parts}):
            edge(premise, iri)
        for conclusion in sorted({p.conclusion for p in parts}):
            edge(iri, conclusion)
    return {"nodes": nodes, "edges": edges, "locutions": locutions,
            "participants": sorted(participants.values(), key=lambda p: p["participantID"])}


@formats.exporter("aif", media_type="application/json", extension=".json",
                  opens_with="OVA and AIFdb (argument analysis), arguebuf")
def write_aif(content: ExportContent) -> str:
    return json.dumps(aif_graph(content), ensure_ascii=False, indent=1)
