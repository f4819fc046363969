"""The brief as data: faithful to the text and complete over its body."""

from __future__ import annotations

from graph import load_graph
from graph.stats import compute_stats
from graph.validation import validate


def test_every_quote_verbatim_and_every_shape_satisfied(source_text):
    report = validate(load_graph(), source_text)  # loading is asserted-only: validation checks what is asserted
    assert report.ok, [f for f in report.findings if f.severity == "ERROR"][:10]


def test_every_body_paragraph_has_a_quoted_claim(repo_graph, source_text):
    stats = compute_stats(repo_graph, source_text)
    assert stats.paragraphs_total == 40
    assert stats.paragraphs_unquoted == []
    assert stats.counts["claims"] > 150


def test_every_section_has_claims_in_order(repo_graph):
    stats = compute_stats(repo_graph)
    assert len(stats.claims_per_section) == 8
    assert all(n > 0 for n in stats.claims_per_section.values())


def test_disagreements_the_brief_reports_are_attacks_or_issues(repo_graph, source_text):
    """Each paragraph that reports disagreement holds a claim that is attacked or is a position on an issue."""
    markers = ("no consensus", "did not agree", "disagreed", "cautioned", "challenged", "concerns remained")
    contested = {int(r["p"]) for r in repo_graph.select("""
        SELECT DISTINCT ?p WHERE {
          { ?a a r2p:Attack ; r2p:conclusion|r2p:premise ?c } UNION { ?i r2p:position ?c }
          ?c r2p:paragraph ?p }""")}
    for p in source_text.paragraphs:
        if any(m in p.text for m in markers):
            assert p.number in contested, f"paragraph {p.number} reports a disagreement"
