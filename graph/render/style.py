"""Colours, shapes and marks: chosen for a projector at the back of a room and for colour-blind viewers.

Every category is told apart by more than hue where it can be:
- node class: shape (box = what people do or say, ellipse = states of the world, database =
  institutions), border (solid or dashed) and fill; classes that share shape and border differ
  in fill by at least 14 CIEDE2000 under deuteranopia and protanopia (tests/test_render.py);
- a causal link says two things, each drawn once: its head says what it does to the node it
  points at (an arrowhead: more of it - enables, strengthens, increases, leads to; a bar: less
  of it - undermines, mitigates, prevents), as in a causal-loop diagram; its colour and line
  say what that does to atrocity risk (vermilion solid: raises it; blue dashed: lowers it). The
  effect is the relation's polarity times whether the target is a harm or risk, so "undermines
  SSR" is a vermilion bar and "strengthens protection norms" a blue arrow;
- consensus breadth: the border weight of a claim (never its fill);
- the speaker's role: a claim's border pattern (participants solid, the rapporteur's own framing
  dashed, a commissioned author's position dotted) and a word in its tooltip and panel.
"""

from __future__ import annotations

from graph.namespaces import R2P

# Legend classes, most specific first: a node takes the first entry among its class's ancestors.
# (class IRI, fill, vis shape with the label inside, dashed border)
CLASS_STYLE: list[tuple[str, str, str, bool]] = [
    (str(R2P.Trigger), "#fb923c", "ellipse", True),
    (str(R2P.RiskFactor), "#fb923c", "ellipse", False),
    (str(R2P.PreventionMeasure), "#93c5fd", "box", False),
    (str(R2P.Approach), "#93c5fd", "box", True),
    (str(R2P.PreventiveOutcome), "#93c5fd", "ellipse", False),
    (str(R2P.Harm), "#7f1d1d", "ellipse", False),
    (str(R2P.Outcome), "#93c5fd", "ellipse", True),
    (str(R2P.Institution), "#5eead4", "database", False),
    (str(R2P.Actor), "#fef08a", "ellipse", False),
    (str(R2P.Norm), "#fef08a", "box", False),
    (str(R2P.Country), "#e5e7eb", "ellipse", False),
    (str(R2P.Place), "#e5e7eb", "ellipse", True),
    (str(R2P.Case), "#e5e7eb", "box", True),
    (str(R2P.Event), "#fef08a", "ellipse", True),
    (str(R2P.DomainEntity), "#6b7280", "box", True),
    (str(R2P.Claim), "#ffffff", "box", False),
    (str(R2P.Issue), "#fef08a", "box", True),
    (str(R2P.CoRequisiteBundle), "#1e3a8a", "box", False),
    (str(R2P.JointCondition), "#fb923c", "box", False),  # risk factors that combine (derived)
]
DEFAULT_BORDER = "#111827"
TEXT_DARK = "#111827"
TEXT_LIGHT = "#ffffff"
NODE_DASHES = [10, 6]

# Effect of a causal link on risk: (colour, dashes, arrowhead). Okabe-Ito vermilion and blue. The
# arrowhead here is the legend's default; a causal link's head comes from its direction (HEAD_OF).
EFFECT_STYLE: dict[str, tuple[str, bool | list[int], str]] = {
    "raises": ("#d55e00", False, "arrow"),
    "lowers": ("#0072b2", [14, 8], "arrow"),
    "unstated": ("#6b7280", False, "arrow"),  # into a node whose class says nothing of risk (graph.render.facts)
    "depends": ("#111827", [4, 6], "diamond"),
}
# "or harm": a link into a harm the text names (a clash of justice values, unintended consequences) says more or
# less of that harm, not of atrocity risk as such
EFFECT_LABEL = {"raises": "raises risk or harm", "lowers": "lowers risk or harm",
                "unstated": "effect on risk not stated", "depends": "dependency (needs)"}
# What a causal link does to the node it points at, by its relation's polarity: the head.
HEAD_OF = {"more": "arrow", "less": "bar", "": "diamond"}
DIRECTION_LABEL = {"more": "more of what it points at", "less": "less of what it points at"}
NEUTRAL_EDGE = "#374151"
# Argument layer and structural edges.
RELATION_STYLE: dict[str, tuple[str, bool | list[int], str]] = {
    str(R2P.Support): ("#009e73", False, "arrow"),
    str(R2P.Attack): ("#b4005a", [14, 8], "bar"),
    str(R2P.prerequisite): EFFECT_STYLE["depends"],
    str(R2P.requires): EFFECT_STYLE["depends"],
    str(R2P.about): ("#9ca3af", [3, 7], "vee"),
    str(R2P.locatedIn): ("#9ca3af", [3, 7], "vee"),
    str(R2P.position): ("#9ca3af", [3, 7], "vee"),
    str(R2P.member): ("#9ca3af", [3, 7], "vee"),
}
DEFAULT_EDGE = ("#374151", False, "arrow")


# Claims: border weight by breadth rank (1 = one participant ... 8 = explicit consensus);
# rank 0 = breadth not stated (the rapporteur's framing, an author's position).
def consensus_border(rank: int) -> int:
    return 2 if rank <= 0 else 2 + rank


SPEAKER_STYLE = {  # border dashes of a claim by the speaker's role
    str(R2P.ParticipantRole): False,
    str(R2P.RapporteurRole): [10, 6],
    str(R2P.CommissionedAuthorRole): [2, 5],
}
SPEAKER_LABEL = {
    str(R2P.ParticipantRole): "participants",
    str(R2P.RapporteurRole): "the rapporteur's framing",
    str(R2P.CommissionedAuthorRole): "a commissioned author's position",
}

# The reading view colours a quote by the breadth of its widest claim: a sequential orange to brown, every
# fill at least 3:1 against the white page (lit text must look lit from the back of a room), the text on
# it dark or white, whichever contrasts more (text_colour). Breadth not stated: a mid grey.
BREADTH_FILL = {
    0: "#6b7280",
    1: "#d97706",
    2: "#c56906",
    3: "#b05c05",
    4: "#9c4e05",
    5: "#874105",
    6: "#733305",
    7: "#5e2604",
    8: "#4a1804",
}

NODE_FONT_SIZE = 22
ANCHOR_FONT_SIZE = 30
EDGE_FONT_SIZE = 22
EDGE_WIDTH = 4
# How the text puts a causal link or requirement, by the weight of its line: a finding of the text (asserted, a
# possibility, a recommendation) full weight; what it only supposes or asks, and the curators' readings, thin.
VOICE_LABEL = {
    "stated": "stated (fact, possibility, advice)",
    "hypothetical": "supposed (hypothetical)",
    "asked": "asked, or an open concern",
    "curators": "the curators' reading",
}
VOICE_WIDTH = {"stated": EDGE_WIDTH, "hypothetical": 1.5, "asked": 1.5, "curators": 1.5}
LABEL_MAX_WIDTH = 240
READABLE_PX = 28  # smallest label, in screen pixels, at 1920x1080: the back of a 30-person room


def luminance(hex_colour: str) -> float:
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def text_colour(fill: str) -> str:
    """Dark or white text, whichever contrasts more with the fill (WCAG relative luminance)."""
    lum = luminance(fill)
    return TEXT_DARK if (lum + 0.05) / (luminance(TEXT_DARK) + 0.05) >= (1.05 / (lum + 0.05)) else TEXT_LIGHT


def fill_groups() -> dict[str, dict[str, str]]:
    """Classes told apart by fill alone: grouped by (shape, border)."""
    groups: dict[str, dict[str, str]] = {}
    for cls, fill, shape, dashed in CLASS_STYLE:
        groups.setdefault(f"{shape}/{'dashed' if dashed else 'solid'}", {})[cls] = fill
    return groups


def edge_colours() -> dict[str, str]:
    out = {k: v[0] for k, v in EFFECT_STYLE.items()}
    out.update({"support": RELATION_STYLE[str(R2P.Support)][0], "attack": RELATION_STYLE[str(R2P.Attack)][0]})
    out["structural"] = RELATION_STYLE[str(R2P.about)][0]
    return out
