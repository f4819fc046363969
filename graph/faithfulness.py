"""Faithfulness checks: the graph keeps the brief's hedges and reads concessions as concessions.

Two misreadings that would mislead a scholar citing the graph are flagged as warnings
(the reading rules are in docs/MODELLING.md, "Reading modality" and "Hard cases"):

- hedge-modality: a causal link or requirement is r2p:Asserted although a quote of a claim asserting it
  carries a hedge word ("may", "could", "potential", "hypothetical", "should", "must", ...).
- concession-attack: an attack whose attacking claim's quote opens with a concessive connective
  ("though", "however", "while", ...): a concession is not a disagreement unless the brief says so.
- question-modality: a causal link or requirement asserted by a quote posed as a question ("How ...",
  "whether ...", "...?") whose modality is not r2p:Questioned: a question is not a finding.
- requirement-as-cause: a causal link resting on "necessary for", "prerequisite", "required": that is a
  dependency (an r2p:Requirement), not evidence that the measure works.
- requirement-direction: a requirement none of whose quotes states a dependency ("requires", "necessary",
  "must", ...; "could entail" is none) and that is not marked as the curators' inference (attributed to
  r2pr:curators, r2p:inferredByCurators true); or a curators' inference not attributed to them.
- hypothetical-counterexample: a counter-example attack resting on a hypothetical case: an example offered
  for a proposal supports it.

The reading rules applied everywhere (definitions, joint causes, curators' readings, textual ties, speakers,
"undermines", examples) are checked in graph/reading_rules.py and reported with these.

Both are warnings, not errors: a hedge word can qualify something other than the link ("the potential for
political interference perpetuated confidence gaps" asserts its effect). A warning the rules say is right
stays, and docs/MODELLING.md lists it with its reason.
"""

from __future__ import annotations

import re

from graph.findings import Finding, file_of
from graph.namespaces import R2P, curie
from graph.reading_rules import check_reading_rules, is_true
from graph.source_text import SourceText
from graph.store import KnowledgeGraph

R2P_QUESTIONED = R2P.Questioned
R2P_CAUSAL_LINK = str(R2P.CausalLink)
HEDGE_WORDS = ("may", "might", "could", "can", "cannot", "potential", "potentially", "possible", "possibly",
               "hypothetical", "hypothetically", "should", "would", "must")
CONCESSIVES = ("even though", "even if", "in spite of", "although", "though", "however", "while", "whilst",
               "still", "yet", "nevertheless", "nonetheless", "despite", "admittedly", "granted", "albeit")

# A question: the quoted sentence opens with one of these (capitalised) or ends with "?"; or it is the indirect
# question of "consider how ...", "interest in how ...", quoted from its "how" or "whether". The same
# construction gets the same modality everywhere (docs/MODELLING.md, "Reading modality").
QUESTION_OPENERS = ("How", "Whether", "Why", "What")
INDIRECT_QUESTIONS = (r"^\W*(?:how|whether)\b", r"\bconsider(?:s|ed|ing)? (?:how|whether)\b", r"\binterest in how\b")
# Words that state a dependency and its direction. "necessary interdependence" and "a necessary common
# ground" state none: a direction read off them is the curators'. "could entail" states what something may
# consist of, not what it depends on.
DEPENDENCY_PATTERNS = (r"\brequir\w*", r"\bneeds? (?:to|for)\b", r"\bnecessary (?:for|to|basis)\b", r"\bprerequisite",
                       r"\bmust\b", r"\bdepend(?:s|ed|ing)? on\b")
REQUIREMENT_PHRASES = (r"necessary (?:for|basis|to)", r"prerequisite", r"\brequired?\b", r"\brequires\b")

_HEDGE = re.compile(r"\b(" + "|".join(HEDGE_WORDS) + r")\b", re.IGNORECASE)
# The quote's first words, after any opening punctuation or quotation mark.
_CONCESSIVE_OPENING = re.compile(r"^\W*(" + "|".join(CONCESSIVES) + r")\b", re.IGNORECASE)

_QUESTION = re.compile(r"^\W*(" + "|".join(QUESTION_OPENERS) + r")\b|\?\W*$")
_INDIRECT_QUESTION = re.compile("|".join(INDIRECT_QUESTIONS), re.IGNORECASE)
_DEPENDENCY = re.compile("|".join(DEPENDENCY_PATTERNS), re.IGNORECASE)
_REQUIREMENT_PHRASE = re.compile("|".join(REQUIREMENT_PHRASES), re.IGNORECASE)

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


_LINK_QUOTES = """
SELECT ?link ?type ?modality ?claim ?exact WHERE {
  VALUES ?type { r2p:CausalLink r2p:Requirement }
  ?link a ?type ; r2p:assertedBy ?claim .
  OPTIONAL { ?link r2p:modality ?modality }
  ?claim r2p:hasQuote/oa:hasSelector/oa:exact ?exact .
}
"""

_REQUIREMENTS = """
SELECT ?req ?inferred ?curators (GROUP_CONCAT(?exact; separator=" | ") AS ?quotes) WHERE {
  ?req a r2p:Requirement .
  OPTIONAL { ?req r2p:inferredByCurators ?inferred }
  BIND(EXISTS { ?req prov:wasAttributedTo r2pr:curators } AS ?curators)
  OPTIONAL { ?req r2p:assertedBy/r2p:hasQuote/oa:hasSelector/oa:exact ?exact }
} GROUP BY ?req ?inferred ?curators
"""

_HYPOTHETICAL_COUNTEREXAMPLES = """
SELECT ?attack ?claim ?exact WHERE {
  ?attack a r2p:Attack ; r2p:supportKind r2p:CounterExampleAttack ; r2p:premise ?claim .
  ?claim r2p:hasQuote/oa:hasSelector/oa:exact ?exact .
  FILTER(REGEX(?exact, "hypothetical", "i"))
}
"""


def hedge_words(text: str) -> list[str]:
    """The hedge words in a quote, lower-cased, in order of appearance."""
    return [m.group(1).lower() for m in _HEDGE.finditer(text)]


def concessive_opening(text: str) -> str | None:
    """The concessive connective a quote opens with, or None."""
    m = _CONCESSIVE_OPENING.match(text)
    return m.group(1).lower() if m else None


def check_hedged_assertions(kg: KnowledgeGraph) -> list[Finding]:
    findings = []
    for row in kg.select(_ASSERTED_LINK_QUOTES, asserted_only=True):
        words = hedge_words(str(row["exact"]))
        if words:
            link, claim = str(row["link"]), str(row["claim"])
            message = (f"modality is r2p:Asserted but the quote of {curie(claim)} hedges "
                       f"({', '.join(dict.fromkeys(words))}): \"{row['exact']}\"")
            findings.append(Finding("WARNING", "hedge-modality", curie(link), message, file_of(kg, link)))
    return findings


def check_concession_attacks(kg: KnowledgeGraph) -> list[Finding]:
    findings = []
    for row in kg.select(_ATTACK_PREMISE_QUOTES, asserted_only=True):
        word = concessive_opening(str(row["exact"]))
        if word:
            attack, claim = str(row["attack"]), str(row["claim"])
            message = (f"the attacking claim {curie(claim)} opens with the concessive \"{word}\": a concession is "
                       f"not a disagreement unless the text reports one: \"{row['exact']}\"")
            findings.append(Finding("WARNING", "concession-attack", curie(attack), message, file_of(kg, attack)))
    return findings


def is_question(text: str) -> bool:
    """A quote posed as a question: a direct one (capitalised question word, or "?") or an indirect one."""
    return _QUESTION.search(text) is not None or _INDIRECT_QUESTION.search(text) is not None


def check_questions_and_requirements(kg: KnowledgeGraph) -> list[Finding]:
    findings = []
    for row in kg.select(_LINK_QUOTES, asserted_only=True):
        link, exact = str(row["link"]), str(row["exact"])
        quoted = f"{curie(str(row['claim']))}: \"{exact}\""
        if is_question(exact) and row.get("modality") != R2P_QUESTIONED:
            findings.append(Finding("WARNING", "question-modality", curie(link),
                                    f"rests on a question but its modality is not r2p:Questioned ({quoted})",
                                    file_of(kg, link)))
        if str(row["type"]) == R2P_CAUSAL_LINK and _REQUIREMENT_PHRASE.search(exact):
            findings.append(Finding("WARNING", "requirement-as-cause", curie(link),
                                    f"a dependency read as a cause: model it as an r2p:Requirement ({quoted})",
                                    file_of(kg, link)))
    return findings


def check_requirement_directions(kg: KnowledgeGraph) -> list[Finding]:
    findings = []
    for row in kg.select(_REQUIREMENTS, asserted_only=True):
        req = str(row["req"])
        inferred, by_curators = is_true(row.get("inferred")), is_true(row["curators"])
        stated = _DEPENDENCY.search(str(row.get("quotes") or "")) is not None
        if not inferred and not stated:
            findings.append(Finding("WARNING", "requirement-direction", curie(req),
                                    "no quote states the dependency: if the direction is the curators' reading, "
                                    "mark it r2p:inferredByCurators true and attribute it to r2pr:curators",
                                    file_of(kg, req)))
        if inferred != by_curators:
            findings.append(Finding("WARNING", "requirement-direction", curie(req),
                                    "a curators' inference is both r2p:inferredByCurators true and "
                                    "prov:wasAttributedTo r2pr:curators", file_of(kg, req)))
    return findings


def check_hypothetical_counterexamples(kg: KnowledgeGraph) -> list[Finding]:
    findings = []
    for row in kg.select(_HYPOTHETICAL_COUNTEREXAMPLES, asserted_only=True):
        attack = str(row["attack"])
        findings.append(Finding("WARNING", "hypothetical-counterexample", curie(attack),
                                f"a hypothetical case is no counter-example ({curie(str(row['claim']))}: "
                                f"\"{row['exact']}\"); an example offered for a proposal supports it",
                                file_of(kg, attack)))
    return findings


def check_faithfulness(kg: KnowledgeGraph, source: SourceText | None = None) -> list[Finding]:
    """Warnings where the graph says more, or other, than the brief: see the module docstring.

    Given the source text, also the rule for sentences that name no speaker (graph/reading_rules.py)."""
    return sorted(set(check_hedged_assertions(kg) + check_concession_attacks(kg) + check_questions_and_requirements(kg)
                      + check_requirement_directions(kg) + check_hypothetical_counterexamples(kg)
                      + check_reading_rules(kg, source)))


__all__ = ["check_faithfulness", "check_hedged_assertions", "check_concession_attacks",
           "check_questions_and_requirements", "check_requirement_directions", "check_hypothetical_counterexamples",
           "hedge_words", "concessive_opening", "is_question", "HEDGE_WORDS", "CONCESSIVES"]
