"""Reading rules of the base layer that a check can see (docs/MODELLING.md, "Rules applied everywhere").

Each function returns warnings for one misreading:

- definition-restated: a mitigates/prevents link whose cause is defined as the absence of its effect
  ("settling disputes ... rather than violence" does not mitigate violent conflict: it is its opposite), or
  whose effect is the absence of its cause (r2p:absenceOf: inclusive politics does not mitigate political
  exclusion).
- joint-cause: a claim quoting a joint condition ("When institutions and norms are in place") asserts one
  link per cause with the same effect and relation, and the split is not flagged as the curators'.
- curators-asserted: a curators' inference (r2p:inferredByCurators true) with modality r2p:Asserted.
- curators-reading-in-claim: a claim a curators' inference rests on states, in its own statement, a
  dependency its quotes do not (the reading put in the speakers' mouths).
- untied-relation: a support or attack between claims of different paragraphs that quotes no textual tie
  (a connective or an explicit reference, as r2p:hasQuote on the relation).
- breadth-marker: a claim whose quote gives no speaker ("One suggestion ... was", "In some cases") but whose
  breadth names one (one participant; some participants).
- undermines-unstated: an undermines link none of whose quotes uses a weakening word ("reshuffles" is not
  "undermines").
- example-premise: an attack whose premise offers an example of something ("an example of hybrid
  systems"): an example illustrates; it is no premise against.
- unattributed-sentence (given the source text): a participant's claim in a sentence that names no speaker and
  carries on no report, or a rapporteur's claim in a sentence that carries on a participant's report. A
  sentence naming no speaker is the rapporteur's unless it carries on the report just before it: it opens
  with words referring back ("However,", "These", "For example,", "The second dimension", a list item), or a
  single participant is telling a case.
"""

from __future__ import annotations

import re
from collections import defaultdict

from graph.findings import Finding, file_of
from graph.namespaces import R2P, curie
from graph.source_text import SourceText
from graph.store import KnowledgeGraph

# Words that introduce what a definition excludes: "rather than violence".
NEGATION_MARKERS = ("rather than", "instead of", "in the absence of", "absence of", "without", "free of", "free from")
# A quoted joint condition: causes that act only together.
JOINT_PATTERNS = (r"\b(?:when|where|if|once)\b[^.;]*\band\b[^.;]*\b(?:are|is) in place\b", r"\ball combine\b",
                  r"\bin combination\b", r"\bjointly\b")
# Quoted words that state a dependency (shared with the requirement-direction check).
STATED_DEPENDENCY = (r"\brequir\w*", r"\bneeds?\b", r"\bnecessary (?:for|to|basis)\b", r"\bprerequisite",
                     r"\bmust\b", r"\bdepend(?:s|ed|ing)? on\b", r"\bdepend on each other\b")
# Words by which the brief says one thing weakens another.
WEAKENING_STEMS = ("undermin", "weak", "corrod", "erod", "limit", "fray", "shatter", "debilitat", "spoil",
                   "incapab", "unprepar", "fail", "problem", "less", "fragil", "gap", "affect", "hamper",
                   "imped", "threat", "damag", "harm", "destabili")
# Openings that give no speaker, with the breadth a reader must not read into them.
NO_SPEAKER = ((r"\b(?:One|A|Another) suggestion\b", "r2p:OneParticipant", R2P.OneParticipant),
              (r"\bIn some cases\b", "r2p:SomeParticipants", R2P.SomeParticipants))
SOME_PARTICIPANTS = re.compile(r"\b(?:some|other) (?:of the )?participants\b", re.IGNORECASE)
EXAMPLE_OF = re.compile(r"\b(?:an|a good|one) example of\b|\bfor example\b|\bas an example\b", re.IGNORECASE)

_NEGATED = re.compile(r"\b(?:" + "|".join(NEGATION_MARKERS) + r")\s+([^.,;:()]+)", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z]+")
_JOINT = re.compile("|".join(JOINT_PATTERNS), re.IGNORECASE)
_STATED_DEPENDENCY = re.compile("|".join(STATED_DEPENDENCY), re.IGNORECASE)
_WEAKENING = re.compile(r"\b(?:" + "|".join(WEAKENING_STEMS) + r")", re.IGNORECASE)


def is_true(value: object) -> bool:
    """An xsd:boolean literal (or a SPARQL EXISTS) that is true; None is false."""
    return value is not None and str(value).lower() == "true"


def _stem(word: str) -> str:
    return word.lower()[:6]


def negated_heads(definition: str) -> list[str]:
    """The head word (last word) of each phrase a definition excludes: "rather than violence" -> "violence"."""
    heads = []
    for m in _NEGATED.finditer(definition):
        words = _WORD.findall(m.group(1))
        if words:
            heads.append(words[-1].lower())
    return heads


def check_definition_restated(kg: KnowledgeGraph) -> list[Finding]:
    findings = [
        Finding("WARNING", "definition-restated", curie(str(row["link"])),
                "the effect is the absence of the cause (r2p:absenceOf): the link restates a definition, it is no "
                "argument of the source", file_of(kg, str(row["link"])))
        for row in kg.select("""
            SELECT DISTINCT ?link WHERE {
              VALUES ?relation { r2p:MitigatesRelation r2p:PreventsRelation }
              ?link a r2p:CausalLink ; r2p:relation ?relation ; r2p:cause ?cause ; r2p:effect ?effect .
              ?effect r2p:absenceOf ?cause .
            } ORDER BY ?link""", asserted_only=True)
    ]
    rows = kg.select("""
        SELECT ?link ?definition ?effect_label WHERE {
          VALUES ?relation { r2p:MitigatesRelation r2p:PreventsRelation }
          ?link a r2p:CausalLink ; r2p:relation ?relation ; r2p:cause ?cause ; r2p:effect ?effect .
          ?cause skos:definition ?definition . ?effect rdfs:label ?effect_label .
        }""", asserted_only=True)
    for row in rows:
        effect_stems = {_stem(w) for w in _WORD.findall(str(row["effect_label"])) if len(w) >= 4}
        heads = [h for h in negated_heads(str(row["definition"])) if _stem(h) in effect_stems]
        if heads:
            link = str(row["link"])
            findings.append(Finding("WARNING", "definition-restated", curie(link),
                                    f"the cause is defined as the absence of its effect (\"{heads[0]}\"): the link "
                                    f"restates a definition, it is no argument of the source", file_of(kg, link)))
    return findings


def is_joint(quote: str) -> bool:
    """A quote that states causes acting only together ("When institutions and norms are in place")."""
    return _JOINT.search(quote) is not None


def check_joint_causes(kg: KnowledgeGraph) -> list[Finding]:
    rows = kg.select("""
        SELECT ?claim ?exact ?link ?cause ?effect ?relation ?flag ?cause_type ?effect_type WHERE {
          ?link a r2p:CausalLink ; r2p:assertedBy ?claim ; r2p:cause ?cause ; r2p:effect ?effect ;
                r2p:relation ?relation .
          ?claim r2p:hasQuote/oa:hasSelector/oa:exact ?exact .
          OPTIONAL { ?link r2p:inferredByCurators ?flag }
          OPTIONAL { ?cause a ?cause_type FILTER(?cause_type = r2p:AtrocityPrecondition) }
          OPTIONAL { ?effect a ?effect_type FILTER(?effect_type = r2p:EscalatoryDynamic) }
        }""", asserted_only=True)
    groups: dict[tuple[str, str, str], dict[str, dict]] = defaultdict(dict)
    for row in rows:
        if is_joint(str(row["exact"])):
            key = (str(row["claim"]), str(row["effect"]), str(row["relation"]))
            groups[key][str(row["cause"])] = row
    findings = []
    for (claim, _, _), by_cause in sorted(groups.items()):
        if len(by_cause) < 2:
            continue
        for row in by_cause.values():
            # The ontology's own joint condition: preconditions feeding an escalatory dynamic (docs/PATHWAYS.md).
            if row.get("cause_type") is not None and row.get("effect_type") is not None:
                continue
            if is_true(row.get("flag")):
                continue
            link = str(row["link"])
            findings.append(Finding("WARNING", "joint-cause", curie(link),
                                    f"{curie(claim)} quotes a joint cause (\"{row['exact']}\") but the link "
                                    "splits it without flagging the split as the curators' "
                                    "(r2p:inferredByCurators true, prov:wasAttributedTo r2pr:curators)",
                                    file_of(kg, link)))
    return findings


def check_curators_readings(kg: KnowledgeGraph) -> list[Finding]:
    rows = kg.select("""
        SELECT ?link ?modality ?claim ?statement (GROUP_CONCAT(?exact; separator=" | ") AS ?quotes) WHERE {
          VALUES ?type { r2p:CausalLink r2p:Requirement }
          ?link a ?type ; r2p:inferredByCurators true ; r2p:assertedBy ?claim .
          OPTIONAL { ?link r2p:modality ?modality }
          ?claim r2p:statement ?statement ; r2p:hasQuote/oa:hasSelector/oa:exact ?exact .
        } GROUP BY ?link ?modality ?claim ?statement""", asserted_only=True)
    findings = []
    asserted = set()
    for row in rows:
        link = str(row["link"])
        if row.get("modality") == R2P.Asserted and link not in asserted:
            asserted.add(link)
            findings.append(Finding("WARNING", "curators-asserted", curie(link),
                                    "a curators' reading is never r2p:Asserted: the source does not assert it",
                                    file_of(kg, link)))
        stated = _STATED_DEPENDENCY.search(str(row["statement"]))
        if stated and not _STATED_DEPENDENCY.search(str(row["quotes"])):
            claim = str(row["claim"])
            findings.append(Finding("WARNING", "curators-reading-in-claim", curie(claim),
                                    f"the statement says \"{stated.group(0)}\" but no quote does: the curators' "
                                    f"reading ({curie(link)}) is put in the speakers' mouths", file_of(kg, claim)))
    return findings


def check_untied_relations(kg: KnowledgeGraph) -> list[Finding]:
    rows = kg.select("""
        SELECT ?rel (GROUP_CONCAT(DISTINCT STR(?pp)) AS ?premise_paragraphs)
               (GROUP_CONCAT(DISTINCT STR(?cp)) AS ?conclusion_paragraphs) WHERE {
          VALUES ?type { r2p:Support r2p:Attack }
          ?rel a ?type ; r2p:premise/r2p:paragraph ?pp ; r2p:conclusion/r2p:paragraph ?cp .
          FILTER NOT EXISTS { ?rel r2p:hasQuote ?tie }
        } GROUP BY ?rel""", asserted_only=True)
    findings = []
    for row in rows:
        premise = set(str(row["premise_paragraphs"]).split())
        conclusion = set(str(row["conclusion_paragraphs"]).split())
        if not premise & conclusion:
            rel = str(row["rel"])
            findings.append(Finding("WARNING", "untied-relation", curie(rel),
                                    f"premise (paragraph {', '.join(sorted(premise))}) and conclusion (paragraph "
                                    f"{', '.join(sorted(conclusion))}) share no paragraph and the relation quotes no "
                                    "textual tie (a connective or an explicit reference) as r2p:hasQuote",
                                    file_of(kg, rel)))
    return findings


def check_breadth_markers(kg: KnowledgeGraph) -> list[Finding]:
    rows = kg.select("""
        SELECT ?claim ?consensus (GROUP_CONCAT(?exact; separator=" | ") AS ?quotes) WHERE {
          ?claim a r2p:Claim ; r2p:consensus ?consensus ; r2p:hasQuote/oa:hasSelector/oa:exact ?exact .
        } GROUP BY ?claim ?consensus""", asserted_only=True)
    findings = []
    for row in rows:
        quotes = str(row["quotes"])
        for pattern, name, level in NO_SPEAKER:
            marker = re.search(pattern, quotes)
            if marker and row["consensus"] == level and not SOME_PARTICIPANTS.search(quotes):
                claim = str(row["claim"])
                findings.append(Finding("WARNING", "breadth-marker", curie(claim),
                                        f"\"{marker.group(0)}\" names no speaker, but the breadth is {name}",
                                        file_of(kg, claim)))
    return findings


def check_undermines_stated(kg: KnowledgeGraph) -> list[Finding]:
    rows = kg.select("""
        SELECT ?link (GROUP_CONCAT(?exact; separator=" | ") AS ?quotes) WHERE {
          ?link a r2p:CausalLink ; r2p:relation r2p:UnderminesRelation ;
                r2p:assertedBy/r2p:hasQuote/oa:hasSelector/oa:exact ?exact .
        } GROUP BY ?link""", asserted_only=True)
    findings = []
    for row in rows:
        if not _WEAKENING.search(str(row["quotes"])):
            link = str(row["link"])
            findings.append(Finding("WARNING", "undermines-unstated", curie(link),
                                    f"no quote says that one thing weakens the other: \"{row['quotes']}\"",
                                    file_of(kg, link)))
    return findings


def check_example_premises(kg: KnowledgeGraph) -> list[Finding]:
    rows = kg.select("""
        SELECT ?attack ?claim ?exact WHERE {
          ?attack a r2p:Attack ; r2p:premise ?claim . ?claim r2p:hasQuote/oa:hasSelector/oa:exact ?exact .
        }""", asserted_only=True)
    findings = []
    for row in rows:
        if EXAMPLE_OF.search(str(row["exact"])):
            attack = str(row["attack"])
            findings.append(Finding("WARNING", "example-premise", curie(attack),
                                    f"the premise {curie(str(row['claim']))} offers an example (\"{row['exact']}\"): "
                                    "an example illustrates; it is no premise of an attack", file_of(kg, attack)))
    return findings


# Sentence ends inside a paragraph ("Dr." is no end); a list item ("- How ...") is a sentence of its own.
_SENTENCE_END = re.compile(r"(?<!\bDr\.)(?<=[.?!:])\s+(?=[-A-Z*\u201c\"])")
_SPEAKER_WORDS = r"\bparticipants?\b|^\W*They\b|\bOne suggestion\b"
# The people a text names as speakers are in the data: those claims are attributed to in a role other than the
# rapporteur's (a brief's commissioned authors, say); a sentence naming one by surname names its speaker.
_NAMED_SPEAKERS = """
SELECT DISTINCT ?name WHERE {
  ?claim a r2p:Claim ; prov:wasAttributedTo ?person ; r2p:speakerRole ?role .
  ?person a foaf:Person ; rdfs:label ?name . FILTER(?role != r2p:RapporteurRole)
}"""
_UNNAMED_SPEAKERS = """
SELECT DISTINCT ?label WHERE {
  ?claim prov:wasAttributedTo ?group . ?group a r2p:UnnamedParticipant ; rdfs:label ?label
}"""
_POST_MODIFIERS = {"of", "on", "in", "at", "from", "for", "with", "about", "who", "that", "to"}
_ONE_SPEAKER = re.compile(r"\b(?:One|Another) (?:of the )?participants?\b")
# Openings by which a sentence carries on the report before it (docs/MODELLING.md, "Who speaks").
_CARRY_ON = re.compile(r"^- |^\W*(?:However|Instead|As a result|Another|These|This|It|They|There|For example|When they"
                       r"|The (?:first|second|third) dimension|Under the (?:first|second|third) dimension)\b"
                       r"|^[^,]{0,60}, (?:for example|however),")
# Agreement covers the sentence that states it: an example after it is the rapporteur's.
_NOT_CARRIED = {R2P.ExplicitConsensus, R2P.ParticipantsAgreed}


def sentences_of(source: SourceText) -> list[tuple[int, str]]:
    """(paragraph number, sentence) for every sentence of the body, in order."""
    return [(p.number, s) for p in source.paragraphs for s in _SENTENCE_END.split(p.text)]


def carries_on(sentence: str) -> bool:
    """The sentence opens with words that refer back to the report before it."""
    return _CARRY_ON.search(sentence) is not None


def head_noun(label: str) -> str:
    """The last word before a label's post-modifier: "fixture participant on the river district" -> "participant",
    "facilitators of the test workshop" -> "facilitators", "participant citing a host government" -> "participant"."""
    words = label.lower().split()
    end = next((i for i, w in enumerate(words) if i and (w in _POST_MODIFIERS or w.endswith("ing"))), len(words))
    return words[end - 1]


def names_speaker(kg: KnowledgeGraph) -> re.Pattern[str]:
    """Words by which a sentence names its speaker: "participants", "They", the surnames of the data's speakers,
    and the head word of each unnamed group's label ("facilitators of the test workshop": "facilitators")."""
    surnames = sorted({str(r["name"]).split()[-1] for r in kg.select(_NAMED_SPEAKERS, asserted_only=True)})
    groups = sorted({head_noun(str(r["label"])).removesuffix("s")
                     for r in kg.select(_UNNAMED_SPEAKERS, asserted_only=True) if str(r["label"]).strip()})
    words = [*(rf"\b{re.escape(s)}\b" for s in surnames), *(rf"\b{re.escape(g)}s?\b" for g in groups)]
    return re.compile("|".join([_SPEAKER_WORDS, *words]), re.IGNORECASE)


def check_unattributed_sentences(kg: KnowledgeGraph, source: SourceText) -> list[Finding]:
    sentences = sentences_of(source)
    names = names_speaker(kg)
    rows = kg.select("""
        SELECT ?claim ?paragraph ?exact ?role ?who ?consensus ?unnamed WHERE {
          ?claim a r2p:Claim ; r2p:paragraph ?paragraph ; r2p:speakerRole ?role ; prov:wasAttributedTo ?who ;
                 r2p:consensus ?consensus ; r2p:hasQuote/oa:hasSelector/oa:exact ?exact .
          BIND(EXISTS { ?who a r2p:UnnamedParticipant } AS ?unnamed)
        }""", asserted_only=True)
    by_sentence: dict[int, dict[str, dict]] = defaultdict(dict)
    for row in rows:
        quote = " ".join(str(row["exact"]).split())
        at = next((i for i, (n, s) in enumerate(sentences) if n == int(str(row["paragraph"])) and quote in s), None)
        if at is not None:
            by_sentence[at].setdefault(str(row["claim"]), row)
    findings = []
    for i, claims in sorted(by_sentence.items()):
        text = sentences[i][1]
        if names.search(text):
            continue
        before = list(by_sentence.get(i - 1, {}).values())
        previous = sentences[i - 1][1] if i else ""
        for claim, row in claims.items():
            who, unnamed = str(row["who"]), is_true(row["unnamed"])
            if row["role"] == R2P.ParticipantRole:
                named = _ONE_SPEAKER if unnamed else names
                same = who in {str(b["who"]) for b in before} or (not before and named.search(previous))
                if not same or not (unnamed or carries_on(text)):
                    findings.append(Finding("WARNING", "unattributed-sentence", curie(claim),
                                            f"the sentence names no speaker and carries on no report of {curie(who)}: "
                                            f"it is the rapporteur's (\"{text[:80]}\")", file_of(kg, claim)))
            elif row["role"] == R2P.RapporteurRole and carries_on(text):
                if any(b["role"] == R2P.ParticipantRole and b["consensus"] not in _NOT_CARRIED for b in before):
                    findings.append(Finding("WARNING", "unattributed-sentence", curie(claim),
                                            f"the sentence carries on the participants' report before it: it is "
                                            f"theirs (\"{text[:80]}\")", file_of(kg, claim)))
    return findings


def check_reading_rules(kg: KnowledgeGraph, source: SourceText | None = None) -> list[Finding]:
    """All the warnings of this module; the sentence rule needs the source text."""
    findings = (check_definition_restated(kg) + check_joint_causes(kg) + check_curators_readings(kg)
                + check_untied_relations(kg) + check_breadth_markers(kg) + check_undermines_stated(kg)
                + check_example_premises(kg))
    if source is not None:
        findings += check_unattributed_sentences(kg, source)
    return findings


__all__ = ["check_reading_rules", "check_definition_restated", "check_joint_causes", "check_curators_readings",
           "check_untied_relations", "check_breadth_markers", "check_undermines_stated", "check_example_premises",
           "check_unattributed_sentences", "negated_heads", "is_joint", "is_true", "sentences_of", "carries_on"]
