"""The brief as data: faithful to the text and complete over its body."""

from __future__ import annotations

import re

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


# --- kinds and particulars ---------------------------------------------------------------------------------------

KINDS = "PREFIX r2p: <https://w3id.org/r2pkg/ontology#> PREFIX r2pr: <https://w3id.org/r2pkg/resource/>\n"


def test_particulars_are_classified_under_kinds_of_their_own_class(repo_graph):
    """Each particular shares the domain class of its kind; no kind is a particular, and none is located."""
    pairs = repo_graph.select("SELECT ?p ?k WHERE { ?p r2p:ofKind ?k }")
    assert len(pairs) >= 9
    classes = {}
    for r in repo_graph.select("""SELECT ?n ?c WHERE { ?n a ?c . ?c rdfs:subClassOf+ r2p:DomainEntity
                                    FILTER(?c NOT IN (r2p:Kind)) }"""):
        classes.setdefault(r["n"], set()).add(r["c"])
    kinds = {r["k"] for r in repo_graph.select("SELECT ?k WHERE { ?k a r2p:Kind ; skos:inScheme ?s }")}
    for r in pairs:
        assert r["k"] in kinds and r["p"] not in kinds, r
        assert classes.get(r["p"], set()) & classes.get(r["k"], set()), r
    assert repo_graph.select("SELECT ?k WHERE { ?k a r2p:Kind ; r2p:locatedIn ?place }") == []


def test_the_particulars_the_brief_names_are_not_their_kinds(repo_graph):
    """Argentina's and Sierra Leone's militaries, Ghana's justice sector and Nigeria's parties are particulars:
    the claims about them and the links through them name the particular, and the kind stays general."""
    rows = repo_graph.select("SELECT ?c ?n WHERE { ?c a r2p:Claim ; r2p:about ?n }")
    about = {(str(r["c"]), str(r["n"])) for r in rows}
    r2pr = "https://w3id.org/r2pkg/resource/"
    for claim, particular, kind in [("claim-p26-03", "argentina-military", "military"),
                                    ("claim-p21-03", "sierra-leone-military", "military"),
                                    ("claim-p24-03", "ghana-justice-sector", "justice-institutions"),
                                    ("claim-p32-02", "nigeria-political-parties", "political-parties")]:
        assert (r2pr + claim, r2pr + particular) in about and (r2pr + claim, r2pr + kind) not in about, claim
        assert repo_graph.select(f"SELECT * WHERE {{ r2pr:{particular} r2p:ofKind r2pr:{kind} }}"), particular
    causes = {str(r["c"]) for r in repo_graph.select("SELECT ?c WHERE { ?l a r2p:CausalLink ; r2p:cause ?c }")}
    effects = {str(r["e"]) for r in repo_graph.select("SELECT ?e WHERE { ?l a r2p:CausalLink ; r2p:effect ?e }")}
    assert r2pr + "nigeria-political-parties" in causes and r2pr + "political-parties" not in causes
    assert r2pr + "ghana-justice-sector" in effects
    # the general claims keep the kind ("local political parties", "a society's military, police")
    assert (r2pr + "claim-p34-02", r2pr + "political-parties") in about
    assert (r2pr + "claim-p18-03", r2pr + "military") in about


def test_broader_entities_are_refined_never_bare(repo_graph):
    bare = repo_graph.select("""SELECT ?n WHERE { ?n r2p:broaderEntity ?b
        FILTER NOT EXISTS { ?n r2p:kindOf|r2p:ofKind|r2p:partOf ?b } }""")
    assert bare == []
    assert repo_graph.select("SELECT * WHERE { r2pr:military r2p:kindOf r2pr:security-institutions }")
    assert repo_graph.select(
        "SELECT * WHERE { r2pr:ecowas-human-security-agenda r2p:ofKind r2pr:integration-mandates }")


def test_validation_rejects_a_kind_under_a_kind_and_a_particular_of_a_non_kind():
    for update, shape in [("INSERT DATA { r2pr:police r2p:ofKind r2pr:security-institutions }", "shacl:KindShape"),
                          ("INSERT DATA { r2pr:argentina-military r2p:ofKind r2pr:argentina }",
                           "shacl:DomainEntityShape")]:
        kg = load_graph(derive=False)
        kg.store.update(KINDS + update)
        errors = {f.check for f in validate(kg).findings if f.severity == "ERROR"}
        assert shape in errors, (update, errors)


def test_links_the_text_does_not_state_are_the_curators_reading(repo_graph):
    """Where the brief credits an effect to something else, or states a need rather than a cause, the link drawn
    from it is the curators' reading (drawn thin, never asserted); a quote that names no link asserts none."""
    flagged = {str(r["l"]).rsplit("/", 1)[-1]: str(r["m"]).rsplit("#", 1)[-1] for r in repo_graph.select(
        "SELECT ?l ?m WHERE { ?l a r2p:CausalLink ; r2p:inferredByCurators true ; r2p:modality ?m }")}
    # para 32: "conflict has plagued the rotational system, creating constitutional crises"
    # para 11: "To prevent atrocities, international actors need to develop institutions, norms, and commitment"
    # para 15: "adaptable and plural design as an integral characteristic of successful preventive action"
    for link in ("link-rotation-leads-to-post-election-crisis", "link-commitment-strengthens-preventive-capacity",
                 "link-adaptable-design-strengthens-preventive-capacity"):
        assert flagged.get(link) == "Possible", link
    asserts = {(str(r["c"]).rsplit("/", 1)[-1], str(r["l"]).rsplit("/", 1)[-1]) for r in repo_graph.select(
        "SELECT ?c ?l WHERE { ?l a r2p:CausalLink ; r2p:assertedBy ?c }")}
    # para 11: "fuses institutions, norms, and commitments" states no link; nor does para 2's invitation "to share
    # experiences in navigating the political and institutional challenges of ... building resilient states"
    assert not [link for claim, link in asserts if claim in ("claim-p11-07", "claim-p02-06")]
    # para 7: "support states' efforts to prevent and respond to mass atrocities" names no capacity building
    assert ("claim-p07-04", "link-capacity-building-strengthens-preventive-capacity") not in asserts
    assert ("claim-p07-04", "link-international-community-strengthens-the-state") in asserts


def test_supports_and_attacks_the_text_does_not_state_are_the_curators_reading(repo_graph):
    """A support between sentences the text only sets side by side, or an attack on a claim the disagreement
    never names, is the curators' reading, attributed to them (ontology 0.7.0 lets a relation say so)."""
    rows = repo_graph.select("""SELECT ?x WHERE { ?x a r2p:ArgumentRelation ; r2p:inferredByCurators true ;
        prov:wasAttributedTo r2pr:curators }""")
    flagged = {str(r["x"]).rsplit("/", 1)[-1] for r in rows}
    # para 1: two sentences side by side ("inextricably linked ..."; "In order to build ..."), and a "While"
    # that contrasts pillar three with prevention, not explains it
    # para 15: "Additionally, participants described analytic pluralism" adds, it does not support plural design
    # para 38: "They expressed the importance of specific pathways ... and suggested ... integration mandates"
    # paras 33 and 36: "cautioned the group about the drawbacks to the citizenship model", "Another problem with
    # the citizenship model", "one participant contended that it was time for everyone to simply recognize their
    # differences": none names the commissioned brief's "Citizenship is the ultimate protection"
    assert flagged == {"support-p01-01", "support-p01-02", "support-p15-05", "support-p38-02",
                       "attack-p33-01", "attack-p33-02", "attack-p33-03", "attack-p36-01"}


def test_a_claim_quoting_a_question_says_it_as_a_question(repo_graph):
    """A question is not a finding, in our own words too: the statement of a claim whose quote asks (para 2's
    "invited to consider how an atrocity lens might focus ...") asks, or says that it is asked."""
    from graph import readmodel
    from graph.faithfulness import is_question

    asks = re.compile(r"\b(how|whether|question|ask|asked|asks|consider|considered|considers)\b|\?", re.I)
    model = readmodel.read(repo_graph)
    questions = {i: c for i, c in model.claims.items() if any(is_question(q.exact) for q in c.quotes)}
    assert len(questions) >= 8
    assert {i.rsplit("/", 1)[-1]: c.statement for i, c in questions.items() if not asks.search(c.statement)} == {}
