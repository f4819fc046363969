"""AIF JSON, the interchange of AIFdb and OVA, with the AIF+ dialogue layer for who said it.

Claims are I-nodes (text: our paraphrase), supports RA-nodes and attacks
CA-nodes (a relation with two premises is one S-node with two incoming edges);
each quote is an L-node whose text is the verbatim quote, anchored to its claim
by a YA-node ("Asserting"), with a locution naming the participant who said it
(the claim's prov:wasAttributedTo) and the source document. I-, RA- and CA-node
ids are the graph's IRIs; the support kind is the RA-node's scheme. AIF has no
field for the brief's breadth of agreement: the Argdown, Kumu and CSV exports
carry it.
"""

from __future__ import annotations

import json

from graph import formats
from graph.exports.content import ExportContent

_SCHEMES = {"Support": ("RA", "Default Inference"), "Attack": ("CA", "Default Conflict")}


def aif_graph(content: ExportContent) -> dict:
    nodes: list[dict] = []
    edges: list[dict] = []
    locutions: list[dict] = []
    participants: dict[str, dict] = {}

    def edge(source: str, target: str) -> None:
        edges.append({"edgeID": f"e{len(edges) + 1}", "fromID": source, "toID": target, "formEdgeID": None})

    for iri, claim in content.claims.items():
        nodes.append({"nodeID": iri, "text": claim.statement or claim.label, "type": "I"})
        person = claim.agents[0] if claim.agents else claim.speaker_role
        if person not in participants:
            first, _, last = content.label(person).rpartition(" ")
            participants[person] = {"participantID": person, "firstname": first or last,
                                    "surname": last if first else ""}
        for n, quote in enumerate(content.quotes_of(iri), start=1):
            locution, anchor = f"{iri}#L{n}", f"{iri}#YA{n}"
            nodes.append({"nodeID": locution, "text": quote.exact, "type": "L"})
            nodes.append({"nodeID": anchor, "text": "Asserting", "type": "YA"})
            edge(locution, anchor)
            edge(anchor, iri)
            locutions.append({"nodeID": locution, "personID": person, "start": None, "end": None,
                              "source": quote.source or None})
    relations: dict[str, list] = {}
    for a in content.arguments:
        relations.setdefault(a.iri, []).append(a)
    for iri, parts in relations.items():
        kind = parts[0].kind.rsplit("#", 1)[-1]
        node_type, text = _SCHEMES[kind]
        node = {"nodeID": iri, "text": text, "type": node_type}
        if parts[0].support_kind:
            node["scheme"] = content.label(parts[0].support_kind)
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
