"""A causal link told as a sentence that keeps its hedge, for people: the handout's steps and the maps' links.

"X mitigates Y." when the text asserts it, "X can mitigate Y." for a possibility ("is meant to" for an aim),
"X should ... (a recommendation)", "X could ... (hypothetical)", "The text asks whether ..." or "The text asks
how X might ..." for a question, "The text reports a concern that X may ..." for an open concern, and
"(curators' reading)" when the link is the curators' reading, not the text's words. A link's label says which
form a non-asserted link takes ("aim: ...", "question: how ...", "open concern: ...": docs/MODELLING.md).
"""

from __future__ import annotations

import re

from graph.readmodel import ASSERTED, HYPOTHETICAL, NORMATIVE, POSSIBLE, QUESTIONED, CausalLink

_PREPOSITIONS = {"of", "on", "in", "to", "for", "between", "with", "against", "versus", "from", "by", "into", "among"}
_SINGULAR_IN_S = {"politics", "economics", "news", "means", "crisis", "analysis", "basis", "consensus", "status"}
_IRREGULAR_PLURALS = {"people", "police", "children", "men", "women", "ombudsmen", "media"}


def is_plural(label: str) -> bool:
    """Whether a node label is a plural subject: its head noun (the last word before a preposition) is a
    plural ("government restrictions on prevention work"); "politics" and "crisis" are not."""
    words = re.findall(r"[\w'-]+", label.lower())
    head = []
    for w in words:
        if w in _PREPOSITIONS or w in {"that", "which", "who"}:
            break
        head.append(w)
    if not head:
        return False
    last = head[-1]
    if last in _IRREGULAR_PLURALS:
        return True
    if last in _SINGULAR_IN_S or last.endswith(("ss", "us", "is")):
        return False
    return last.endswith("s")


def verb(relation: str, plural: bool) -> str:
    """A relation label ("increases risk of") conjugated for its subject ("increase risk of")."""
    if not plural:
        return relation
    first, _, rest = relation.partition(" ")
    if first.endswith(("sses", "shes", "ches", "xes", "zes")):
        first = first[:-2]
    elif first.endswith("s") and not first.endswith("ss"):
        first = first[:-1]
    return f"{first} {rest}".strip()


def base_verb(relation: str) -> str:
    """A relation label's bare infinitive ("increases risk of" -> "increase risk of"), each of "a / b"."""
    return " / ".join(verb(part, True) for part in relation.split(" / "))


def finite(relation: str, plural: bool) -> str:
    return " / ".join(verb(part, plural) for part in relation.split(" / "))


# The modalities of r2p:ModalityScheme, firmest first: the order a step's voice is chosen in (the handout's
# ``voice``).
VOICES = (ASSERTED, POSSIBLE, NORMATIVE, HYPOTHETICAL, QUESTIONED)


def say(subject: str, plural: bool, relation: str, target: str, modality: str = ASSERTED, *, aim: bool = False,
        concern: bool = False, how: bool = False, curators: bool = False) -> str:
    """One step as a sentence that keeps the link's hedge: "X mitigates Y." (asserted), "X can mitigate Y."
    (possible; "X is meant to mitigate Y." for an aim), "X should mitigate Y (a recommendation)." (normative),
    "X could mitigate Y (hypothetical)." and "The text asks whether X mitigates Y." (questioned; "The text
    asks how X might mitigate Y." for a question of how, which takes the link as possible and asks about its
    working; "The text reports a concern that X may mitigate Y." for an open concern); "(curators' reading)"
    when the link is the curators' reading, not the text's words ("The curators read a concern that ...", "The
    curators read the text as asking whether ..." for a question or concern). ``subject`` is as printed."""
    notes = []
    if modality == POSSIBLE:
        be = "are" if plural else "is"
        text = f"{subject} {f'{be} meant to' if aim else 'can'} {base_verb(relation)} {target}"
    elif modality == NORMATIVE:
        text = f"{subject} should {base_verb(relation)} {target}"
        notes.append("a recommendation")
    elif modality == HYPOTHETICAL:
        text = f"{subject} could {base_verb(relation)} {target}"
        notes.append("hypothetical")
    elif modality == QUESTIONED and concern:
        # a concern the curators read off the text is theirs to report, not the text's (para 40)
        text = f"{'the curators read a concern' if curators else 'the text reports a concern'} that {subject} may " \
               f"{base_verb(relation)} {target}"
    elif modality == QUESTIONED and how:
        text = f"{'the curators read the text as asking' if curators else 'the text asks'} how {subject} might " \
               f"{base_verb(relation)} {target}"
    elif modality == QUESTIONED:
        text = f"{'the curators read the text as asking' if curators else 'the text asks'} whether {subject} " \
               f"{finite(relation, plural)} {target}"
    else:  # asserted, or a modality outside the scheme (the route's facts line names it)
        text = f"{subject} {finite(relation, plural)} {target}"
    if curators and modality != QUESTIONED:  # a question or concern says whose reading it is in its own words
        notes.append("curators' reading")
    return cap(text) + (f" ({'; '.join(notes)})" if notes else "") + "."


def is_aim(label: str) -> bool:
    """Whether a link's label states an aim ("aim (Nigeria): ...", "curators' reading, aim: ...")."""
    return re.match(r"(?:curators' reading, )?aims?\b", label.strip().lower()) is not None


def is_concern(label: str) -> bool:
    """Whether a link's label reports an open concern rather than a question ("open concern: ...")."""
    return re.match(r"(?:curators' reading, )?open concerns?\b", label.strip().lower()) is not None


def is_how(label: str) -> bool:
    """Whether a link's label poses a question of how, not whether ("question: how ...", "question (an author):
    how ..."): the text then takes the link as possible ("how ... can", "how ... might")."""
    return re.match(r"(?:curators' reading, )?questions?\b[^:]*:\s*how\b", label.strip().lower()) is not None


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def say_link(link: CausalLink, cause: str, effect: str) -> str:
    """One causal link as a sentence in its own voice (its modality, the form its label gives it, whether it is
    the curators' reading), between the labels ``cause`` and ``effect``."""
    return say(cause, is_plural(cause), link.relation_label, effect, link.modality,
               aim=link.modality == POSSIBLE and is_aim(link.label),
               concern=link.modality == QUESTIONED and is_concern(link.label),
               how=link.modality == QUESTIONED and is_how(link.label), curators=link.inferred_by_curators)


def how_put(link: CausalLink) -> str:
    """How the text puts a link, in a few words: "asserted", "a possibility", "an aim", "a recommendation",
    "a hypothetical", "a question", "an open concern" (a modality outside the scheme: its IRI's name)."""
    if link.modality == POSSIBLE:
        return "an aim" if is_aim(link.label) else "a possibility"
    if link.modality == QUESTIONED:
        return "an open concern" if is_concern(link.label) else "a question"
    return {ASSERTED: "asserted", NORMATIVE: "a recommendation",
            HYPOTHETICAL: "a hypothetical"}.get(link.modality, link.modality.rsplit("#", 1)[-1])
