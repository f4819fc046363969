"""W3C Web Annotations (JSON-LD): one oa:Annotation per quote of a claim or of an issue (a disagreement the
text reports), so annotation tools anchor the quotes in the brief's text.

Each annotation targets the source document with a TextQuoteSelector (exact,
and the prefix and suffix the data gives, else the text around the quote
where the source text is known) and, where the text is known, a
TextPositionSelector. Both read the document's text normalised, as the Web
Annotation model asks ("unnecessary whitespace SHOULD be normalized"): its
whitespace collapsed, the form the quote check reads, so a page or line break
in the text file is one space. Its body is the claim's IRI and our paraphrase,
with the speaker, the breadth of agreement and whom the claim is attributed to
as tags; the annotation is the curators' (`creator`), never the brief's. The
collection, its page and each annotation have name-based UUIDs (urn:uuid:), so
they stay the same from one export to the next.
"""

from __future__ import annotations

import json
import uuid

from graph import formats
from graph.exports.content import ExportContent
from graph.namespaces import R2PR
from graph.readmodel import Quote

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
PROFILE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
CONTEXT_CHARS = 32  # prefix and suffix length where the data gives none


def _selectors(content: ExportContent, q: Quote) -> list[dict]:
    quote: dict = {"type": "TextQuoteSelector", "exact": q.exact}
    pos = content.position(q)
    prefix, suffix = q.prefix, q.suffix
    if pos is not None and not (prefix or suffix):
        text = content.sources[q.source].full_text
        prefix, suffix = text[max(0, pos[0] - CONTEXT_CHARS):pos[0]], text[pos[1]:pos[1] + CONTEXT_CHARS]
    if prefix:
        quote["prefix"] = prefix
    if suffix:
        quote["suffix"] = suffix
    out = [quote]
    if pos is not None:
        out.append({"type": "TextPositionSelector", "start": pos[0], "end": pos[1]})
    return out


def _uuid(name: str) -> str:
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, name))


def collection(content: ExportContent) -> dict:
    curators = {"id": str(R2PR.curators), "type": "Organization", "name": content.label(str(R2PR.curators))}

    def annotation(owner: str, q: Quote, label: str, tags: list[str]) -> dict:
        """The quote anchored in its document, described by the owner's label and tagged; the curators' work."""
        body = [{"id": owner}, {"type": "TextualBody", "value": label, "purpose": "describing",
                                "format": "text/plain", "language": "en"},
                *({"type": "TextualBody", "value": t, "purpose": "tagging"} for t in tags)]
        return {"id": _uuid(f"{owner}\n{q.exact}"), "type": "Annotation", "motivation": "describing",
                "creator": curators, "body": body,
                "target": {"source": q.source or content.document, "selector": _selectors(content, q)}}

    items = []
    for owner, q in content.quotes:
        claim = content.claims[owner]
        items.append(annotation(owner, q, claim.label, [
            f"speaker: {content.speaker(claim)}", f"breadth: {content.breadth(claim) or 'not stated'}",
            *(f"attributed to: {agent}" for agent in content.agents(claim))]))
    for iri, issue in sorted(content.issues.items()):  # where the text reports no consensus (para 12, 15, 24 ...)
        ours = str(R2PR.curators) in issue.agents
        tags = ["disagreement: the curators' reading of the text" if ours else "disagreement the text reports",
                f"breadth: {content.breadth_of(issue.consensus) or 'not stated'}",
                *(f"attributed to: {content.label(a)}" for a in issue.agents)]
        items += [annotation(iri, q, issue.label, tags) for q in content.quotes_of(iri)]
    label = content.label(content.document) if content.document else "r2pkg: the quotes of every claim"
    name = f"r2pkg annotations\n{content.document or 'all'}"
    return {"@context": CONTEXT, "id": _uuid(name), "type": "AnnotationCollection", "label": label,
            "total": len(items),
            "first": {"id": _uuid(f"{name}\npage 0"), "type": "AnnotationPage", "startIndex": 0, "items": items}}


@formats.exporter("annotations", media_type=PROFILE, extension=".jsonld",
                  opens_with="Web Annotation tools (Hypothesis-style anchoring of every quote in its document)")
def write_annotations(content: ExportContent) -> str:
    return json.dumps(collection(content), ensure_ascii=False, indent=1)
