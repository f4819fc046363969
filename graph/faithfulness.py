"""Faithfulness checks: the graph keeps the brief's hedges and reads concessions as concessions.

Two misreadings that would mislead a scholar citing the graph are flagged as warnings
(the reading rules are in docs/MODELLING.md, "Reading modality" and "Hard cases"):

- hedge-modality: a causal link or requirement is r2p:Asserted although a quote of a claim asserting it
  carries a hedge word ("may", "could", "potential", "hypothetical", "should", ...).
- concession-attack: an attack whose attacking claim's quote opens with a concessive connective
  ("though", "however", "while", ...): a concession is not a disagreement unless the brief says so.

Both are warnings, not errors: a hedge word can qualify something other than the link ("the potential for
political interference perpetuated confidence gaps" asserts its effect). A warning the rules say is right
stays, and docs/MODELLING.md lists it with its reason.
"""

from __future__ import annotations

import re

from graph.namespaces import curie
from graph.store import KnowledgeGraph
from graph.validation import Finding

HEDGE_WORDS = ("may", "might", "could", "can", "cannot", "potential", "potentially", "possible", "possibly",
               "hypothetical", "hypothetically", "should", "would")
CONCESSIVES = ("even though", "even if", "in spite of", "although", "though", "however", "while", "whilst",
               "still", "yet", "nevertheless", "nonetheless", "despite", "admittedly", "granted", "albeit")

_HEDGE = re.compile(r"\b(" + "|".join(HEDGE_WORDS) + r")\b", re.IGNORECASE)
# The quote's first words, after any opening punctuation or quotation mark.
_CONCESSIVE_OPENING = re.compile(r"^\W*(" + "|".join(CONCESSIVES) + r")\b", re.IGNORECASE)

_ASSERTED_LINK_QUOTES = """
SELECT ?link ?claim ?exact WHERE {
  VALUES ?type { r2p:CausalLink r2p:Requirement }
  ?link a ?type ; r2p:modality r2p:Asserted ; r2p:assertedBy ?claim .
  ?claim r2p:hasQuote/oa:hasSelector/oa:exact ?exact .
}
"""

_ATTACK_PREMISE_QUOTES = """
SELECT ?attack ?claim ?exact WHERE {
  ?attack a r2p:Attack ; r2p:premise ?claim .
  ?claim r2p:hasQuote/oa:hasSelector/oa:exact ?exact .
}
"""


def hedge_words(text: str) -> list[str]:
    """The hedge words in a quote, lower-cased, in order of appearance."""
    return [m.group(1).lower() for m in _HEDGE.finditer(text)]


def concessive_opening(text: str) -> str | None:
    """The concessive connective a quote opens with, or None."""
    m = _CONCESSIVE_OPENING.match(text)
    return m.group(1).lower() if m else None


def _file(kg: KnowledgeGraph, iri: str) -> str:
    path = kg.origin(iri)
    return str(path) if path else ""


def check_hedged_assertions(kg: KnowledgeGraph) -> list[Finding]:
    findings = []
    for row in kg.select(_ASSERTED_LINK_QUOTES, asserted_only=True):
        words = hedge_words(str(row["exact"]))
        if words:
            link, claim = str(row["link"]), str(row["claim"])
            message = (f"modality is r2p:Asserted but the quote of {curie(claim)} hedges "
                       f"({', '.join(dict.fromkeys(words))}): \"{row['exact']}\"")
            findings.append(Finding("WARNING", "hedge-modality", curie(link), message, _file(kg, link)))
    return findings


def check_concession_attacks(kg: KnowledgeGraph) -> list[Finding]:
    findings = []
    for row in kg.select(_ATTACK_PREMISE_QUOTES, asserted_only=True):
        word = concessive_opening(str(row["exact"]))
        if word:
            attack, claim = str(row["attack"]), str(row["claim"])
            message = (f"the attacking claim {curie(claim)} opens with the concessive \"{word}\": a concession is "
                       f"not a disagreement unless the brief reports one: \"{row['exact']}\"")
            findings.append(Finding("WARNING", "concession-attack", curie(attack), message, _file(kg, attack)))
    return findings


def check_faithfulness(kg: KnowledgeGraph) -> list[Finding]:
    """Warnings for asserted links resting on hedged quotes and for attacks resting on concessions."""
    return sorted(set(check_hedged_assertions(kg) + check_concession_attacks(kg)))


__all__ = ["check_faithfulness", "check_hedged_assertions", "check_concession_attacks", "hedge_words",
           "concessive_opening", "HEDGE_WORDS", "CONCESSIVES"]
