"""Prevention pathways: projection, derivation, write-back, CLI and determinism.

Fixture tests run on tests/fixtures/pathways (hand-checked, always present);
real-data tests run on the packaged brief data and skip, naming the node, only
where the data does not contain it yet.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import networkx as nx
import pytest
from click.testing import CliRunner
from conftest import FIXTURES, REPO
from rdflib import URIRef

from graph import InputError, __version__, load_graph
from graph.cli import cli
from graph.namespaces import R2PR
from graph.pathways import DERIVED_NS, derive, derive_pathways, project, to_json, to_markdown, to_turtle
from graph.pathways.model import MEASURE, OUTCOME, RISK
from graph.resources import data_dir, ontology_file

PATHWAY_FIXTURES = FIXTURES / "pathways"
# Each fixture graph is loaded on its own: causal.ttl (direct pathways, requirements, keystones) and
# consequence.ttl (pathways that counter a consequence of a risk factor).
FIXTURE_INPUTS = [ontology_file(), data_dir() / "sources.ttl", PATHWAY_FIXTURES / "causal.ttl"]
CLI_INPUTS = [arg for p in FIXTURE_INPUTS for arg in ("--input", str(p))]
CONSEQUENCE_INPUTS = [ontology_file(), data_dir() / "sources.ttl", PATHWAY_FIXTURES / "consequence.ttl"]
CONSEQUENCE_CLI_INPUTS = [arg for p in CONSEQUENCE_INPUTS for arg in ("--input", str(p))]


def r(slug: str) -> str:
    return str(R2PR[slug])


SSR, JSR = r("security-sector-reform"), r("justice-sector-reform")
GRIEVANCE, EXCLUSION = r("group-grievance"), r("political-exclusion")


@pytest.fixture(scope="module")
def kg():
    return load_graph(FIXTURE_INPUTS)


@pytest.fixture(scope="module")
def report(kg):
    return derive_pathways(kg)


def chains(rep, risk: str, form: str = "direct") -> set[tuple[str, ...]]:
    """Pathways of one form to a risk factor as node chains (measure first, risk factor last), in readable slugs."""
    return {
        tuple(n.rsplit("/", 1)[-1] for n in p.nodes) for p in rep.pathways if p.risk == risk and p.form == form
    }


# --- projection ------------------------------------------------------------
def test_projection_keeps_link_and_claim_iris_with_signed_types(kg):
    g = project(kg)
    link = r("link-ombudsmen-mitigate-marginalization")
    edge = g.edges[r("federal-ombudsmen"), r("group-marginalization"), link]
    assert edge["polarity"] == -1
    assert edge["relation"].endswith("#MitigatesRelation")
    assert edge["claims"] == (r("claim-p34-01"),)
    assert edge["contested"] is True and edge["rank"] == 1
    assert g.edges[SSR, JSR, r("link-ssr-requires-jsr")]["polarity"] == 0
    assert "measure" in g.nodes[SSR]["kinds"] and "risk" in g.nodes[GRIEVANCE]["kinds"]
    assert "risk" in g.nodes[r("contested-election")]["kinds"]  # a risk factor no link touches is still there


def test_projection_runs_a_fixed_number_of_bulk_queries(kg, monkeypatch):
    calls = []
    original = type(kg).select

    def counting(self, sparql, bindings=None):
        calls.append(sparql)
        return original(self, sparql, bindings)

    monkeypatch.setattr(type(kg), "select", counting)
    g = project(kg)
    assert g.number_of_edges() == 17
    assert len(calls) == 3 and all(c.strip().startswith("SELECT") for c in calls)


# --- requirements, bundles, order -------------------------------------------
def test_ssr_requires_jsr_with_sierra_leone_case(kg, report):
    g = project(kg)
    assert g.edges[SSR, JSR, r("link-ssr-requires-jsr")]["cases"] == (r("case-sierra-leone-accountability"),)
    assert JSR in report.requirements[SSR]
    assert report.requirements[r("judicial-integrators")] == (JSR, SSR)  # transitive through the bundle


def test_co_requisite_bundle_and_implementation_order(report):
    assert [b.members for b in report.bundles] == [(JSR, SSR)]
    assert report.bundles[0].claims == (r("claim-p21-02"),)
    order = [s.members for s in report.stages]
    # The bundle first (nothing it requires is outside it), then its dependants, tie broken by IRI.
    assert order == [(JSR, SSR), (r("ddr"),), (r("judicial-integrators"),)]


# --- pathways ----------------------------------------------------------------
def test_pathways_to_group_grievance_follow_the_sign_rule(report):
    assert chains(report, GRIEVANCE) == {
        ("inclusive-politics", "group-grievance"),
        ("federal-ombudsmen", "group-marginalization", "group-grievance"),
        ("justice-sector-reform", "institutional-confidence", "social-trust", "preventive-resilience",
         "group-grievance"),
        # prevents (-1) x undermines (-1) x strengthens (+1) x mitigates (-1) = -1
        ("citizenship-model", "political-exclusion", "social-trust", "preventive-resilience",
         "group-grievance"),
    }


def test_max_steps_bounds_pathway_length(kg):
    g = project(kg)
    longer = derive(g, max_steps=5)
    assert ("judicial-integrators", "justice-sector-reform", "institutional-confidence", "social-trust",
            "preventive-resilience", "group-grievance") in chains(longer, GRIEVANCE)
    shortest = derive(g, max_steps=1)
    assert all(len(p.steps) == 1 for p in shortest.pathways)
    assert chains(shortest, GRIEVANCE) == {("inclusive-politics", "group-grievance")}


def test_a_measure_that_undermines_a_remedy_does_not_address_the_risk(report):
    abuse = chains(report, r("abuse-by-security-forces"))
    assert abuse == {("security-sector-reform", "abuse-by-security-forces")}  # not train-and-equip


def test_structural_risk_factors_reach_a_measure_and_unreached_are_reported(report):
    assert chains(report, EXCLUSION) == {("citizenship-model", "political-exclusion")}
    assert chains(report, GRIEVANCE)
    assert r("contested-election") in report.risks and not chains(report, r("contested-election"))
    assert r("mass-atrocities") not in report.risks  # a harm, not a risk factor


def test_strength_is_the_weakest_step_and_contested_flags_attacked_claims(report):
    by_chain = {tuple(n.rsplit("/", 1)[-1] for n in p.nodes): p for p in report.pathways}
    ombudsmen = by_chain[("federal-ombudsmen", "group-marginalization", "group-grievance")]
    assert ombudsmen.contested and [s.contested for s in ombudsmen.steps] == [True, False]
    assert ombudsmen.strength == 1
    jsr = next(p for p in report.pathways if p.risk == GRIEVANCE and p.measure == JSR)
    assert [s.rank for s in jsr.steps] == [6, 6, 5, 5] and jsr.strength == 5 and not jsr.contested
    assert jsr.prerequisites == (SSR,)
    assert [s.index for s in jsr.steps] == [1, 2, 3, 4] and jsr.steps[0].source == JSR
    assert jsr.steps[-1].target == GRIEVANCE
    assert jsr.label == ("group grievance ← preventive resilience ← social trust ← institutional confidence"
                         " ← justice sector reform")


def test_keystones_count_pathways_through_each_measure(report):
    counts = {x.measure.rsplit("/", 1)[-1]: x.pathway_count for x in report.rankings}
    assert counts["citizenship-model"] == 2 and counts["federal-ombudsmen"] == 2
    assert counts["train-and-equip"] == 0 and counts["ddr"] == 0
    assert [x.pathway_count for x in report.rankings] == sorted((x.pathway_count for x in report.rankings),
                                                                reverse=True)
    assert next(x for x in report.rankings if x.measure == JSR).betweenness > 0


def test_betweenness_matches_networkx_exactly_and_sampling_is_seeded(kg):
    import networkx as nx

    from graph.pathways.derivation import _betweenness

    g = project(kg)
    signed = nx.DiGraph()
    signed.add_nodes_from(g)
    signed.add_edges_from((s, t) for s, t, p in g.edges(data="polarity") if p)
    expected = nx.betweenness_centrality(signed)
    assert _betweenness(g, samples=1000) == pytest.approx(expected, abs=1e-12)
    assert _betweenness(g, samples=5) == _betweenness(g, samples=5) != expected


def test_cap_truncates_and_says_so(kg):
    capped = derive(project(kg), max_pathways_per_risk=1)
    assert len(chains(capped, GRIEVANCE)) == 1 and GRIEVANCE in capped.truncated
    assert r("political-exclusion") not in capped.truncated


def test_pathway_iris_are_stable_content_hashes(kg, report):
    assert all(p.iri.startswith(DERIVED_NS + "pathway-") for p in report.pathways)
    longer = derive(project(kg), max_steps=5)
    assert {p.iri for p in report.pathways} < {p.iri for p in longer.pathways}
    assert len({p.iri for p in report.pathways}) == len(report.pathways)


# --- write-back ------------------------------------------------------------------
def test_sparql_sees_the_derived_pathways(kg, report):
    rows = kg.select("SELECT ?p WHERE { ?p a r2p:Pathway }")
    assert len(rows) == len(report.pathways) > 0
    rows = kg.select(
        """SELECT ?p ?risk ?m ?claim ?label ?run ?version WHERE {
             ?p a r2p:Pathway ; r2p:startsFrom ?risk ; r2p:addressedBy ?m ; rdfs:label ?label ;
                prov:wasDerivedFrom ?claim ; prov:wasGeneratedBy ?run .
             ?run a r2p:DerivationRun ; r2p:softwareVersion ?version }""",
        {"risk": URIRef(EXCLUSION), "m": URIRef(r("citizenship-model")), "claim": URIRef(r("claim-p30-02"))},
    )
    assert len(rows) == 1
    assert str(rows[0]["label"]) == "political exclusion ← citizenship model"
    assert str(rows[0]["version"]) == __version__
    steps = kg.select(
        """SELECT ?risk ?m ?i ?link WHERE { ?p r2p:startsFrom ?risk ; r2p:addressedBy ?m ; r2p:hasStep ?s .
             ?s r2p:stepIndex ?i ; r2p:viaLink ?link ; r2p:contested true } ORDER BY ?i""",
        {"risk": URIRef(GRIEVANCE), "m": URIRef(r("federal-ombudsmen"))},
    )
    link = r("link-ombudsmen-mitigate-marginalization")
    assert [(int(s["i"]), str(s["link"])) for s in steps] == [(1, link)]
    bundle = kg.select(
        "SELECT ?m WHERE { ?b a r2p:CoRequisiteBundle ; r2p:member ?m ; r2p:implementationOrder 1 }"
    )
    assert sorted(str(x["m"]) for x in bundle) == [JSR, SSR]
    ranking = kg.select(
        "SELECT ?m ?n WHERE { ?x a r2p:MeasureRanking ; r2p:rankedMeasure ?m ; r2p:pathwayCount ?n }",
        {"m": URIRef(r("citizenship-model"))},
    )
    assert [int(x["n"]) for x in ranking] == [2]


# --- CLI -----------------------------------------------------------------------------
def run_cli(*args: str):
    return CliRunner().invoke(cli, ["pathways", *args, *CLI_INPUTS])


@pytest.mark.parametrize("term", ["r2pr:group-grievance", GRIEVANCE, f"<{GRIEVANCE}>", "group-grievance"])
def test_cli_accepts_curie_iri_and_slug(term):
    result = run_cli("--risk", term, "--format", "json")
    assert result.exit_code == 0, result.output
    assert result.output.count('"risk": "' + GRIEVANCE) == 4


@pytest.mark.parametrize(
    "args, message",
    [
        (["--risk", "group-grievence"], "did you mean r2pr:group-grievance?"),
        (["--risk", "security-sector-reform"], "is not a risk factor"),
        (["--measure", "nope:x"], "unknown prefix"),
        (["--measure", "group-grievance"], "is not a prevention measure"),
    ],
)
def test_cli_unknown_term_is_one_line_and_exit_2(args, message):
    result = run_cli(*args)
    assert result.exit_code == 2
    assert message in result.output and len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_cli_measure_filter_and_markdown_handout():
    result = run_cli("--measure", "r2pr:federal-ombudsmen", "--format", "markdown")
    assert result.exit_code == 0, result.output
    text = result.output
    assert "### 1. group grievance ← group marginalization ← federal ombudsmen" in text
    assert "1. **Federal ombudsmen** mitigates **group marginalization**." in text
    assert "“internal government actors were able to assess efforts to mitigate group marginalization”" \
        in text
    assert "participant on Latin America (one participant), paragraph 34" in text
    assert "*Contested:* The ombudsman model carries risks" in text
    assert "citizenship model" not in text  # other pathways filtered out


def test_cli_table_and_output_file(tmp_path):
    result = run_cli("--risk", "political-exclusion")
    assert result.exit_code == 0
    assert "political exclusion ← citizenship model" in result.output
    out = tmp_path / "p.ttl"
    assert run_cli("--format", "turtle", "-o", str(out)).exit_code == 0
    assert "r2p:Pathway" in out.read_text(encoding="utf-8")


def test_cli_help_ends_with_an_example():
    text = CliRunner().invoke(cli, ["pathways", "--help"]).output.rstrip().splitlines()
    assert any(line.strip() == "Example:" for line in text)
    assert text[-1].strip().startswith("r2pkg pathways")


# --- determinism -----------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["table", "json", "turtle", "markdown"])
def test_same_input_gives_identical_bytes_across_processes(fmt):
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-m", "graph.cli", "pathways", "--format", fmt, *CLI_INPUTS],
            cwd=REPO, env=env, capture_output=True, check=True,
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] and len(outputs[0]) > 200


def test_two_loads_give_identical_turtle_and_markdown():
    a, b = derive_pathways(load_graph(FIXTURE_INPUTS)), derive_pathways(load_graph(FIXTURE_INPUTS))
    assert to_turtle(a) == to_turtle(b) and to_markdown(a) == to_markdown(b)


# --- pathways that counter a consequence ------------------------------------------------
MASS_ATROCITIES, CRISIS = r("mass-atrocities"), r("escalatory-crisis")


@pytest.fixture(scope="module")
def ckg():
    return load_graph(CONSEQUENCE_INPUTS)


@pytest.fixture(scope="module")
def creport(ckg):
    return derive_pathways(ckg)


def links(p) -> tuple[str, ...]:
    return tuple(s.link.rsplit("/", 1)[-1] for s in p.steps)


def test_a_measure_that_mitigates_what_the_risk_raises_gives_a_consequence_pathway(creport):
    p = next(p for p in creport.pathways if p.label == "group grievance → mass atrocities ← inclusive politics")
    assert p.form == "consequence" and p.risk == GRIEVANCE and p.measure == r("inclusive-politics")
    assert p.consequence == MASS_ATROCITIES
    # Steps: the measure's chain to the consequence, then the link by which the risk raises it,
    # each in its link's own direction (cause -> effect), numbered 1..n.
    assert [(s.index, s.source, s.target) for s in p.steps] == [
        (1, r("inclusive-politics"), MASS_ATROCITIES),
        (2, GRIEVANCE, MASS_ATROCITIES),
    ]
    assert links(p) == ("link-inclusive-politics-mitigates-atrocities", "link-grievance-increases-atrocities")
    assert p.nodes == (r("inclusive-politics"), MASS_ATROCITIES, GRIEVANCE)
    assert [s.index for s in p.measure_steps] == [1] and [s.index for s in p.consequence_steps] == [2]
    # Strength, contested and prerequisites are computed as for direct pathways.
    assert [s.rank for s in p.steps] == [6, 3] and p.strength == 3 and not p.contested
    assert p.claims == (r("claim-c29-02"), r("claim-c29-03"))


def test_every_consequence_pathway_of_the_fixture(creport):
    assert chains(creport, GRIEVANCE) == {("inclusive-politics", "group-grievance")}
    assert chains(creport, GRIEVANCE, "consequence") == {
        ("inclusive-politics", "mass-atrocities", "group-grievance"),
        ("mediation", "escalatory-crisis", "group-grievance"),
        ("mediation", "escalatory-crisis", "mass-atrocities", "group-grievance"),
        ("early-warning", "preventive-capacity", "mass-atrocities", "group-grievance"),
        ("arms-embargo", "repressive-capacity", "mass-atrocities", "group-grievance"),
        # grievance leads to crisis, crisis leads to atrocities: two consequence links, then the measure
        ("inclusive-politics", "mass-atrocities", "escalatory-crisis", "group-grievance"),
        ("early-warning", "preventive-capacity", "mass-atrocities", "escalatory-crisis", "group-grievance"),
        ("arms-embargo", "repressive-capacity", "mass-atrocities", "escalatory-crisis", "group-grievance"),
    }
    # undermines (-1) x mitigates (-1): political exclusion raises mass atrocities through social trust
    assert ("inclusive-politics", "mass-atrocities", "social-trust", "political-exclusion") in chains(
        creport, EXCLUSION, "consequence"
    )
    assert not chains(creport, EXCLUSION)
    ew = next(p for p in creport.pathways if p.form == "consequence" and p.measure == r("early-warning"))
    assert ew.prerequisites == (r("information-sharing"),)
    via_crisis = [p for p in creport.pathways if r("link-grievance-leads-to-crisis") in {s.link for s in p.steps}]
    assert via_crisis and all(p.contested for p in via_crisis)  # the claim behind that link is attacked


def test_the_causal_fixture_gets_consequence_pathways_too(report):
    assert chains(report, EXCLUSION, "consequence") == {
        ("inclusive-politics", "group-grievance", "preventive-resilience", "social-trust", "political-exclusion")
    }
    assert chains(report, r("group-marginalization"), "consequence") == {
        ("inclusive-politics", "group-grievance", "group-marginalization")
    }
    assert not chains(report, GRIEVANCE, "consequence")  # the only measure against atrocities runs through it


def test_a_risk_that_lowers_the_consequence_gets_no_consequence_pathway(creport):
    # economic shock mitigates repressive capacity, which arms embargo also mitigates: the shock lowers
    # what the measure lowers, so the measure counters nothing the shock raises.
    shock = r("economic-shock")
    assert shock in creport.risks
    assert not [p for p in creport.pathways if p.risk == shock]


def test_requires_links_never_carry_a_consequence():
    g = nx.MultiDiGraph(claims={}, unsigned_links=0)
    for node, kind in (("risk", RISK), ("harm", OUTCOME), ("measure", MEASURE)):
        g.add_node(node, label=node, kinds=frozenset([kind]))
    g.add_edge("risk", "harm", key="l-requires", relation="requires", polarity=0)
    g.add_edge("measure", "harm", key="l-mitigates", relation="mitigates", polarity=-1)
    assert not derive(g).pathways
    g.add_edge("risk", "harm", key="l-increases", relation="increases", polarity=1)
    assert [links(p) for p in derive(g).pathways] == [("l-mitigates", "l-increases")]


def test_step_budget_counts_both_halves(ckg):
    g = project(ckg)
    three = derive(g, max_steps=3)
    assert {len(p.nodes) - 1 for p in three.pathways if p.form == "consequence"} == {2, 3}
    assert chains(three, GRIEVANCE, "consequence") == {
        ("inclusive-politics", "mass-atrocities", "group-grievance"),
        ("mediation", "escalatory-crisis", "group-grievance"),
        ("mediation", "escalatory-crisis", "mass-atrocities", "group-grievance"),
        ("early-warning", "preventive-capacity", "mass-atrocities", "group-grievance"),
        ("arms-embargo", "repressive-capacity", "mass-atrocities", "group-grievance"),
        ("inclusive-politics", "mass-atrocities", "escalatory-crisis", "group-grievance"),
    }  # two consequence links + two measure links = 4 > 3: those are gone
    assert chains(derive(g, max_steps=2), GRIEVANCE, "consequence") == {
        ("inclusive-politics", "mass-atrocities", "group-grievance"),
        ("mediation", "escalatory-crisis", "group-grievance"),
    }
    one = derive(g, max_steps=1)
    assert one.pathways and all(p.form == "direct" for p in one.pathways)


def test_direct_pathways_are_not_duplicated_as_consequence_pathways(creport):
    # inclusive politics mitigates group grievance, which raises mass atrocities: the chain
    # inclusive politics -> group grievance -> mass atrocities lowers the consequence only by way of
    # the risk factor itself, which is the direct pathway; it never turns up as a consequence pathway.
    for p in creport.pathways:
        assert len(set(p.nodes)) == len(p.nodes), p.label
        assert p.nodes[-1] == p.risk and p.risk not in p.nodes[:-1]
        assert p.form == "direct" or p.consequence not in (p.risk, p.measure)
    sequences = [(p.risk, tuple(s.link for s in p.steps)) for p in creport.pathways]
    assert len(set(sequences)) == len(sequences)
    assert len({p.iri for p in creport.pathways}) == len(creport.pathways)


def brute_force(g: nx.MultiDiGraph, max_steps: int) -> set[tuple[str, str, tuple[str, ...]]]:
    """Every pathway of both forms by enumerating all simple signed chains: the definition, read literally."""
    paths = []  # (nodes, links, net sign) of every simple chain of 1..max_steps signed links

    def walk(nodes, chain, sign):
        if chain:
            paths.append((nodes, chain, sign))
        if len(chain) == max_steps:
            return
        for _, target, link, polarity in g.out_edges(nodes[-1], keys=True, data="polarity"):
            if polarity and target not in nodes:
                walk((*nodes, target), (*chain, link), sign * polarity)

    for node in g:
        walk((node,), (), 1)
    kinds = {n: g.nodes[n]["kinds"] for n in g}
    lowering = [(n, c) for n, c, s in paths if s == -1 and MEASURE in kinds[n[0]]]
    out = {(n[-1], "direct", c) for n, c in lowering if RISK in kinds[n[-1]]}
    for nodes, chain, sign in paths:
        if sign == 1 and RISK in kinds[nodes[0]]:
            for m_nodes, m_chain in lowering:
                if (m_nodes[-1] == nodes[-1] and len(chain) + len(m_chain) <= max_steps
                        and set(nodes).isdisjoint(m_nodes[:-1])):
                    out.add((nodes[0], "consequence", (*m_chain, *reversed(chain))))
    return out


@pytest.mark.parametrize("seed", range(12))
def test_derivation_matches_the_definition_on_random_graphs(seed):
    import random

    rng = random.Random(seed)
    g = nx.MultiDiGraph(claims={}, unsigned_links=0)
    kinds = [RISK, RISK, RISK, MEASURE, MEASURE, MEASURE, OUTCOME, OUTCOME, OUTCOME, OUTCOME, RISK]
    for i, kind in enumerate(kinds):
        g.add_node(f"n{i:02d}", label=f"node {i}", kinds=frozenset([kind]))
    for k in range(rng.randint(20, 40)):
        a, b = rng.sample(sorted(g), 2)
        g.add_edge(a, b, key=f"l{k:02d}", relation="r", polarity=rng.choice((1, 1, -1, -1, 0)), rank=rng.randint(1, 8))
    for max_steps in (2, 3, 4):
        found = derive(g, max_steps, max_pathways_per_risk=10**6)
        assert {(p.risk, p.form, tuple(s.link for s in p.steps)) for p in found.pathways} == brute_force(
            g, max_steps
        )
        assert not found.truncated


def test_consequence_order_and_cap(ckg, creport):
    mine = [p for p in creport.pathways if p.risk == GRIEVANCE]
    forms = [p.form for p in mine]
    assert forms == sorted(forms, key=lambda f: f != "direct")  # direct first
    via = [p for p in mine if p.form == "consequence"]
    assert [(len(p.steps), p.iri) for p in via] == sorted((len(p.steps), p.iri) for p in via)
    # The cap applies per risk factor to each form (and to the partial chains kept per length, so
    # with a tiny cap the search sees only part of the graph): the risk factor is reported as truncated.
    g = project(ckg)
    for cap in (1, 2, 3):
        capped = derive(g, max_pathways_per_risk=cap)
        kept = [p for p in capped.pathways if p.risk == GRIEVANCE and p.form == "consequence"]
        assert len(kept) == cap and {p.iri for p in kept} <= {p.iri for p in via}
        assert [(len(p.steps), p.iri) for p in kept] == sorted((len(p.steps), p.iri) for p in kept)
        assert len(kept[0].steps) == 2 and GRIEVANCE in capped.truncated
        assert len([p for p in capped.pathways if p.risk == GRIEVANCE and p.form == "direct"]) == 1
    enough = derive(g, max_pathways_per_risk=8)
    assert GRIEVANCE not in enough.truncated
    assert [p.iri for p in enough.pathways if p.risk == GRIEVANCE and p.form == "consequence"] == [p.iri for p in via]


def test_consequence_pathways_in_sparql_with_steps_in_link_direction(ckg):
    rows = ckg.select(
        """SELECT ?risk ?m ?p ?i ?from ?to ?link WHERE {
             ?p a r2p:Pathway ; r2p:startsFrom ?risk ; r2p:addressedBy ?m ;
                r2p:pathwayForm r2p:ConsequencePathway ; r2p:viaConsequence ?c ; r2p:hasStep ?s .
             ?s r2p:stepIndex ?i ; r2p:stepFrom ?from ; r2p:stepTo ?to ; r2p:viaLink ?link .
             ?link r2p:cause ?from ; r2p:effect ?to } ORDER BY ?p ?i""",
        {"risk": URIRef(GRIEVANCE), "m": URIRef(r("mediation"))},
    )
    # Two pathways: mediation -> crisis <- grievance; mediation -> crisis -> atrocities <- grievance.
    assert [(int(x["i"]), str(x["from"]).rsplit("/", 1)[-1], str(x["to"]).rsplit("/", 1)[-1]) for x in rows] in (
        [(1, "mediation", "escalatory-crisis"), (2, "group-grievance", "escalatory-crisis"),
         (1, "mediation", "escalatory-crisis"), (2, "escalatory-crisis", "mass-atrocities"),
         (3, "group-grievance", "mass-atrocities")],
        [(1, "mediation", "escalatory-crisis"), (2, "escalatory-crisis", "mass-atrocities"),
         (3, "group-grievance", "mass-atrocities"),
         (1, "mediation", "escalatory-crisis"), (2, "group-grievance", "escalatory-crisis")],
    )
    forms = ckg.select(
        """SELECT ?form (COUNT(?p) AS ?n) WHERE { ?p a r2p:Pathway ; r2p:pathwayForm/rdfs:label ?form }
           GROUP BY ?form ORDER BY ?form"""
    )
    assert [(str(x["form"]), int(x["n"])) for x in forms] == [
        ("direct pathway", 3),
        ("pathway countering a consequence", 17),
    ]


def test_consequence_pathways_in_json_table_and_markdown(creport):
    doc = json.loads(to_json(creport))
    first = next(p for p in doc["pathways"] if p["label"] == "group grievance → mass atrocities ← inclusive politics")
    assert first["form"] == "consequence" and first["consequence"] == MASS_ATROCITIES
    assert [(s["from"], s["to"]) for s in first["steps"]] == [
        (r("inclusive-politics"), MASS_ATROCITIES), (GRIEVANCE, MASS_ATROCITIES)
    ]
    assert {p["form"] for p in doc["pathways"] if p["risk"] == EXCLUSION} == {"consequence"}
    assert all(p["consequence"] is None for p in doc["pathways"] if p["form"] == "direct")

    text = to_markdown(creport)
    assert "*Counters a consequence:* Group grievance raises the risk of mass atrocities; inclusive politics " \
        "may mitigate mass atrocities." in text
    assert "*Counters a consequence:* Political exclusion raises the risk of mass atrocities through social " \
        "trust; early warning may mitigate mass atrocities through preventive capacity." in text
    assert "*Direct:* Inclusive politics may mitigate group grievance." in text
    assert "r2pr:group-grievance: 9 pathway(s) (1 direct, 8 countering a consequence)." in text
    assert "economic shock (r2pr:economic-shock)" in text.split("## Risk factors no measure reaches")[1]

    result = CliRunner().invoke(cli, ["pathways", "--risk", "economic-shock", *CONSEQUENCE_CLI_INPUTS])
    assert result.exit_code == 0 and "consequence" not in result.output
    result = CliRunner().invoke(cli, ["pathways", "--risk", "political-exclusion", *CONSEQUENCE_CLI_INPUTS])
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if line.startswith("political exclusion → social"))
    assert " consequence " in row
    assert result.output.splitlines()[0].split()[:2] == ["pathway", "form"]


@pytest.mark.parametrize("fmt", ["json", "turtle", "markdown"])
def test_consequence_pathways_are_identical_across_processes(fmt):
    outputs = []
    for seed in ("3", "4"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-m", "graph.cli", "pathways", "--format", fmt, *CONSEQUENCE_CLI_INPUTS],
            cwd=REPO, env=env, capture_output=True, check=True,
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] and b"consequence" in outputs[0].lower()


# --- the brief's data ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def real():
    try:
        kg = load_graph()
    except InputError as e:
        pytest.skip(f"data/brief-2013 does not load yet: {e}")
    return kg, derive_pathways(kg)


def need(kg, *slugs: str) -> None:
    for slug in slugs:
        if not kg.query("ASK { ?n a ?t }", {"n": URIRef(r(slug))}):
            pytest.skip(f"data/brief-2013 does not contain r2pr:{slug} yet")


def test_real_ssr_requires_jsr_with_sierra_leone_case(real):
    kg, rep = real
    need(kg, "security-sector-reform", "justice-sector-reform")
    g = project(kg)
    links = [d for _, t, d in g.out_edges(SSR, data=True) if t == JSR and d["polarity"] == 0]
    assert links, "no requires link from r2pr:security-sector-reform to r2pr:justice-sector-reform"
    cases = {c for d in links for c in d["cases"]}
    places = kg.select(
        "SELECT ?case ?place WHERE { ?case r2p:locatedIn ?place }", {"place": URIRef(r("sierra-leone"))}
    )
    assert cases & {str(row["case"]) for row in places}, f"no Sierra Leone case on the link (cases: {cases})"
    assert JSR in rep.requirements[SSR]


@pytest.mark.parametrize("risk", ["political-exclusion", "group-grievance"])
def test_real_named_structural_risks_reach_a_measure(real, risk):
    kg, rep = real
    need(kg, risk)
    assert kg.query("ASK { ?n a r2p:StructuralRiskFactor }", {"n": URIRef(r(risk))})
    reached = [p for p in rep.pathways if p.risk == r(risk)]
    assert reached, f"no pathway reaches r2pr:{risk} within {rep.max_steps} steps"
    assert all(p.measure in {x.measure for x in rep.rankings} for p in reached)


def test_real_contested_flag_matches_attacks(real):
    kg, rep = real
    rows = kg.select("SELECT DISTINCT ?c WHERE { ?a a r2p:Attack ; r2p:conclusion ?c }")
    attacked = {str(x["c"]) for x in rows}
    if not attacked:
        pytest.skip("data/brief-2013 has no r2p:Attack yet")
    assert any(p.contested for p in rep.pathways), "no pathway runs through an attacked claim"
    for p in rep.pathways:
        assert p.contested == any(c in attacked for s in p.steps for c in s.claims), p.label


def test_real_sparql_sees_pathways(real):
    kg, rep = real
    n = int(kg.select("SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a r2p:Pathway }")[0]["n"])
    assert n == len(rep.pathways) > 0


def test_real_derivation_is_deterministic(real):
    _, rep = real
    again = derive_pathways(load_graph())
    assert to_turtle(again) == to_turtle(rep) and to_markdown(again) == to_markdown(rep)


def test_real_group_grievance_is_countered_through_mass_atrocities(real):
    kg, rep = real
    need(kg, "group-grievance", "mass-atrocities", "inclusive-politics")
    labels = {p.label: p for p in rep.pathways if p.risk == GRIEVANCE}
    p = labels.get("group grievance → mass atrocities ← inclusive politics")
    assert p is not None, sorted(labels)
    assert p.form == "consequence" and p.consequence == r("mass-atrocities") and p.measure == r("inclusive-politics")
    assert [s.index for s in p.steps] == [1, 2] and p.steps[-1].source == GRIEVANCE
