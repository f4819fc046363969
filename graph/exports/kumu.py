"""Kumu JSON (a "blueprint"): the causal and requirement layer as elements and connections, for trainers
who map in Kumu. Import: drop the file onto a Kumu map.

Elements are domain entities (id = IRI, label, type, description, tags for
sectors, and fields for the kinds the pathways use and the curators' UN
Framework mappings); connections are causal links and requirements (id = IRI,
from/to element ids, type = the relation, direction "directed") with a field
for every attribute the other exports carry: the link's label (where an aim
or a proposal is said as such), polarity, modality, quotes, speaker, breadth
and attribution (one per claim), claims, what contests it, and cases. Several
values in one field are lists.
"""

from __future__ import annotations

import json

from graph import formats
from graph.exports.content import ExportContent


def blueprint(content: ExportContent) -> dict:
    m = content.model
    elements = []
    for node, data in sorted(content.causal.nodes(data=True)):
        elements.append({
            "id": node, "label": data.get("label") or content.label(node), "type": content.node_type(node),
            "description": m.definitions.get(node, ""), "tags": list(content.sectors(node)),
            "IRI": node, "Pathway role": sorted(data.get("kinds", ())),
            "UN Framework (curators' mapping)": list(content.framework(node)),
        })
    connections = []
    for u, v, key, d in content.causal_links() + content.requirements():
        claims = list(d.get("claims", ()))
        connections.append({
            "id": key, "from": u, "to": v, "type": d.get("relation_label", ""), "direction": "directed",
            "label": content.label(key),  # says an aim, a proposal, an open concern as such
            "IRI": key, "Layer": "requirement" if d.get("requirement") else "causal",
            "Relation IRI": d.get("relation", ""), "Polarity": int(d.get("polarity", 0)),
            "Modality": content.label(d["modality"]) if d.get("modality") else "",
            "Quote": [q.exact for c in claims for q in content.quotes_of(c)],
            "Speaker": content.claims_text(tuple(claims), "speaker"),
            "Breadth": content.claims_text(tuple(claims), "breadth"),
            "Attributed to": content.claims_text(tuple(claims), "attributed_to"),
            "Claims": claims, "Contested": bool(content.contested_by(tuple(claims))),
            "Contested by": list(content.contested_by(tuple(claims))),
            "Inferred by curators": content.curators_reading(d),
            "Curators' note": d.get("note") or "",
            "Cases": [content.label(c) for c in d.get("cases", ())],
        })
    return {"elements": elements, "connections": connections}


@formats.exporter("kumu", media_type="application/json", extension=".json",
                  opens_with="Kumu (drop the file on a map: elements and connections with every field)")
def write_kumu(content: ExportContent) -> str:
    return json.dumps(blueprint(content), ensure_ascii=False, indent=1)
