"""CSV tables as a Frictionless data package: pandas, R and spreadsheets read them; `datapackage.json` gives
each column's type and the foreign keys, so frictionless validates the package.

Written as a folder, or a zip when the file name ends in .zip. Tables: claims,
quotes (with their position in the source text where the text is known),
causal_links and requirements (the pathways' projection), arguments (support
and attack, premise by premise) and pathways (one row per step of each derived
pathway). Several values in one cell are joined by " | ", IRIs by spaces.
"""

from __future__ import annotations

import csv
import io
import json
import re

from graph import formats
from graph.exports.content import ExportContent
from graph.pathways.report_rdf import route_modality
from graph.readmodel import FORM_CONCEPTS

_R2P = "https://w3id.org/r2pkg/ontology#"

JOIN = " | "
S, N, B = "string", "integer", "boolean"  # Table Schema field types


def _claims(c: ExportContent) -> list[dict]:
    rows = []
    for iri, claim in c.claims.items():
        rows.append({"iri": iri, "label": claim.label, "statement": claim.statement, "section": claim.section,
                     "section_label": c.section_label(claim), "paragraph": claim.paragraph,
                     "document_order": claim.order, "speaker": c.speaker(claim), "speaker_role": claim.speaker_role,
                     "breadth": c.breadth(claim), "breadth_rank": claim.breadth, "consensus": claim.consensus,
                     "attributed_to": JOIN.join(c.agents(claim)), "attributed_to_iri": " ".join(claim.agents),
                     "about": " ".join(claim.about)})
    return rows


def _quotes(c: ExportContent) -> list[dict]:
    rows = []
    for owner, q in c.quotes:
        pos = c.position(q)
        rows.append({"claim": owner, "exact": q.exact, "prefix": q.prefix, "suffix": q.suffix, "source": q.source,
                     "start": pos[0] if pos else None, "end": pos[1] if pos else None})
    return rows


def _link_fields(c: ExportContent, iri: str, d: dict) -> dict:
    claims = tuple(d.get("claims", ()))
    return {"label": c.label(iri),  # says an aim, a proposal, the curators' reading as such
            "modality": c.label(d["modality"]) if d.get("modality") else "", "modality_iri": d.get("modality", ""),
            "claims": " ".join(claims), "cases": " ".join(d.get("cases", ())),
            "quote": c.claims_text(claims, "quote"), "speaker": c.claims_text(claims, "speaker"),
            "breadth": c.claims_text(claims, "breadth"), "attributed_to": c.claims_text(claims, "attributed_to"),
            "contested": bool(c.contested_by(claims)), "contested_by": " ".join(c.contested_by(claims))}


def _causal_links(c: ExportContent) -> list[dict]:
    return [{"iri": k, "cause": u, "cause_label": c.label(u), "effect": v, "effect_label": c.label(v),
             "relation": d.get("relation_label", ""), "relation_iri": d.get("relation", ""),
             "polarity": d.get("polarity"), "inferred_by_curators": c.curators_reading(d),
             **_link_fields(c, k, d)}
            for u, v, k, d in c.causal_links()]


def _requirements(c: ExportContent) -> list[dict]:
    return [{"iri": k, "dependent": u, "dependent_label": c.label(u), "prerequisite": v,
             "prerequisite_label": c.label(v), "inferred_by_curators": c.curators_reading(d),
             **_link_fields(c, k, d)}
            for u, v, k, d in c.requirements()]


def _arguments(c: ExportContent) -> list[dict]:
    return [{"iri": a.iri, "relation": "attack" if a.kind.endswith("#Attack") else "support",
             "support_kind": c.label(a.support_kind) if a.support_kind else "", "premise": a.premise,
             "conclusion": a.conclusion, "inferred_by_curators": a.inferred_by_curators} for a in c.arguments]


def _pathways(c: ExportContent) -> list[dict]:
    return [{"iri": p.iri, "risk": p.risk, "risk_label": c.label(p.risk), "measure": p.measure,
             "measure_label": c.label(p.measure) if p.measure else "",
             # the weakest step's modality, as the pathway's node says it: a hypothetical or a question is never
             # read as a grounded pathway (the handout's "Only hypothetically addressed")
             "modality": c.label(route_modality(p.lead)),
             "form": c.label(_R2P + FORM_CONCEPTS[p.form]) if p.form else "",
             "strength": p.strength, "contested": p.contested,
             "contested_by": " ".join(dict.fromkeys(x for k in p.contests for x in (k.issue, *k.by) if x)),
             "grounding": p.grounding or "", "step": s.index, "step_from": s.source,
             "step_from_label": c.label(s.source), "step_to": s.target, "step_to_label": c.label(s.target),
             "via_links": " ".join(s.links), "step_modality": JOIN.join(c.label(m) for m in s.modalities),
             "step_by_curators": s.curators} for p in c.pathways for s in p.steps]


_LINK = {"label": S, "modality": S, "modality_iri": S, "claims": S, "cases": S, "quote": S, "speaker": S,
         "breadth": S, "attributed_to": S, "contested": B, "contested_by": S}
# name -> (rows, {column: type}, primary key, foreign keys as (column, table, column))
TABLES = {
    "claims": (_claims, {"iri": S, "label": S, "statement": S, "section": S, "section_label": S, "paragraph": N,
                         "document_order": N, "speaker": S, "speaker_role": S, "breadth": S, "breadth_rank": N,
                         "consensus": S, "attributed_to": S, "attributed_to_iri": S, "about": S}, ["iri"], []),
    "quotes": (_quotes, {"claim": S, "exact": S, "prefix": S, "suffix": S, "source": S, "start": N, "end": N},
               ["claim", "exact"], [("claim", "claims", "iri")]),
    "causal_links": (_causal_links, {"iri": S, "cause": S, "cause_label": S, "effect": S, "effect_label": S,
                                     "relation": S, "relation_iri": S, "polarity": N, "inferred_by_curators": B,
                                     **_LINK},
                     ["iri"], []),
    "requirements": (_requirements, {"iri": S, "dependent": S, "dependent_label": S, "prerequisite": S,
                                     "prerequisite_label": S, "inferred_by_curators": B, **_LINK}, ["iri"], []),
    "arguments": (_arguments, {"iri": S, "relation": S, "support_kind": S, "premise": S, "conclusion": S,
                               "inferred_by_curators": B},
                  ["iri", "premise", "conclusion"], [("premise", "claims", "iri"), ("conclusion", "claims", "iri")]),
    "pathways": (_pathways, {"iri": S, "risk": S, "risk_label": S, "measure": S, "measure_label": S,
                             "modality": S, "form": S,
                             "strength": N, "contested": B, "contested_by": S, "grounding": S, "step": N,
                             "step_from": S, "step_from_label": S, "step_to": S, "step_to_label": S, "via_links": S,
                             "step_modality": S, "step_by_curators": B}, ["iri", "step"], []),
}


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _csv(rows: list[dict], columns: list[str]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(columns)
    for row in rows:
        w.writerow([_cell(row[k]) for k in columns])
    return buf.getvalue().encode("utf-8")


def _package_name(document: str) -> str:
    """A Data Package name: lower case letters, digits, '.', '_' and '-' only."""
    return re.sub(r"[^a-z0-9._-]+", "-", "r2pkg-" + (document.rsplit("/", 1)[-1].lower() or "graph"))


def package(content: ExportContent) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    resources = []
    for name, (rows_of, columns, key, foreign) in TABLES.items():
        files[f"{name}.csv"] = _csv(rows_of(content), list(columns))
        schema: dict = {"fields": [{"name": k, "type": t} for k, t in columns.items()], "primaryKey": key}
        if foreign:
            schema["foreignKeys"] = [{"fields": f, "reference": {"resource": r, "fields": rf}} for f, r, rf in foreign]
        resources.append({"name": name, "path": f"{name}.csv", "profile": "tabular-data-resource",
                          "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "schema": schema})
    title = content.label(content.document) if content.document else "r2pkg knowledge graph"
    files["datapackage.json"] = json.dumps(
        {"profile": "tabular-data-package", "name": _package_name(content.document),
         "title": title, "resources": resources}, indent=1, ensure_ascii=False).encode("utf-8")
    return files


@formats.exporter("datapackage", media_type="application/zip", extension="/",
                  opens_with="pandas, R, spreadsheets: CSV tables with a Frictionless datapackage.json")
def write_datapackage(content: ExportContent) -> dict[str, bytes]:
    return package(content)
