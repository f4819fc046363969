"""Colours, shapes and sizes: chosen for a projector at the back of a room.

Fills are light so that dark label text keeps a high contrast; hue separates the
kinds of node, and line colour plus dash pattern separate relation types, so the
map still reads in greyscale or for colour-blind viewers.
"""

from __future__ import annotations

from graph.namespaces import R2P

# Legend classes, most specific first: a node takes the first entry among its class's ancestors.
CLASS_STYLE: list[tuple[str, str, str]] = [
    # (class IRI, fill, vis shape with the label inside)
    (str(R2P.Trigger), "#fecaca", "box"),
    (str(R2P.RiskFactor), "#fed7aa", "box"),
    (str(R2P.PreventionMeasure), "#bfdbfe", "box"),
    (str(R2P.Approach), "#ddd6fe", "box"),
    (str(R2P.PreventiveOutcome), "#bbf7d0", "ellipse"),
    (str(R2P.Harm), "#fca5a5", "ellipse"),
    (str(R2P.Outcome), "#d9f99d", "ellipse"),
    (str(R2P.Institution), "#99f6e4", "database"),
    (str(R2P.Actor), "#fef08a", "ellipse"),
    (str(R2P.Norm), "#fbcfe8", "box"),
    (str(R2P.Country), "#e2e8f0", "ellipse"),
    (str(R2P.Place), "#f1f5f9", "ellipse"),
    (str(R2P.Case), "#e7e5e4", "box"),
    (str(R2P.Event), "#f5f5f4", "box"),
    (str(R2P.DomainEntity), "#f8fafc", "box"),
    (str(R2P.Claim), "#ffffff", "box"),
    (str(R2P.Issue), "#fde68a", "box"),
    (str(R2P.CoRequisiteBundle), "#e9d5ff", "box"),
]
CLASS_BORDER = {str(R2P.Trigger): "#b91c1c", str(R2P.RiskFactor): "#c2410c", str(R2P.Harm): "#991b1b"}
DEFAULT_BORDER = "#1f2937"
TEXT_DARK = "#111827"
TEXT_LIGHT = "#ffffff"

# Relation types of causal links: (colour, dashes). Red raises risk, green lowers it,
# black is a dependency, blue advances something.
RELATION_STYLE: dict[str, tuple[str, bool | list[int]]] = {
    str(R2P.IncreasesRiskRelation): ("#b91c1c", False),
    str(R2P.UnderminesRelation): ("#b91c1c", [10, 6]),
    str(R2P.MitigatesRelation): ("#15803d", False),
    str(R2P.PreventsRelation): ("#15803d", [10, 6]),
    str(R2P.RequiresRelation): ("#111827", False),
    str(R2P.EnablesRelation): ("#1d4ed8", False),
    str(R2P.StrengthensRelation): ("#1d4ed8", [10, 6]),
    str(R2P.LeadsToRelation): ("#7c3aed", False),
    # argument layer and structural edges
    str(R2P.Support): ("#15803d", False),
    str(R2P.Attack): ("#b91c1c", [12, 8]),
    str(R2P.about): ("#6b7280", [4, 6]),
    str(R2P.locatedIn): ("#475569", [2, 6]),
    str(R2P.position): ("#b45309", [8, 4]),
    str(R2P.member): ("#7e22ce", [4, 4]),
    str(R2P.prerequisite): ("#111827", [14, 6]),
}
DEFAULT_EDGE = ("#374151", False)

# Consensus levels by rank (1 = one participant ... 8 = explicit consensus): light to dark,
# so "more widely held" reads as "heavier" even without colour vision.
CONSENSUS_FILL = {
    1: "#ffffd9",
    2: "#edf8b1",
    3: "#c7e9b4",
    4: "#7fcdbb",
    5: "#41b6c4",
    6: "#1d91c0",
    7: "#225ea8",
    8: "#0c2c84",
}  # ColorBrewer YlGnBu

NODE_FONT_SIZE = 22
EDGE_FONT_SIZE = 18
EDGE_WIDTH = 3
LABEL_MAX_WIDTH = 230


def luminance(hex_colour: str) -> float:
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def text_colour(fill: str) -> str:
    """Dark or white text, whichever contrasts more with the fill (WCAG relative luminance)."""
    lum = luminance(fill)
    return TEXT_DARK if (lum + 0.05) / (luminance(TEXT_DARK) + 0.05) >= (1.05 / (lum + 0.05)) else TEXT_LIGHT


def consensus_fill(rank: int) -> str:
    return CONSENSUS_FILL.get(rank, "#ffffff")
