"""The map views and pages, without a browser: views, counts, escaping, offline pages, determinism, CLI."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.exporting import site_exports
from graph.render import INDEX, build_site, list_views, render_views
from graph.render.colour import delta_e, smallest_difference
from graph.render.facts import collect_facts
from graph.render.framing import fits
from graph.render.labels import clear_labels, label_clashes
from graph.render.layout import place
from graph.render.page import edge_style, script_json
from graph.render.routing import crossings, overlaps, shapes
from graph.render.site import all_specs, render_reading_view
from graph.render.style import edge_colours, fill_groups
from graph.render.tour_views import check_tours, load_tours
from graph.render.views import overview
from graph.resources import ontology_file
from graph.source_text import read_source
from graph.store import load_graph

FIX = Path(__file__).resolve().parent / "fixtures" / "render"
REPO = Path(__file__).resolve().parent.parent
BASE = [FIX / "brief.ttl"]
DERIVED = [FIX / "brief-derived.ttl"]
HOSTILE = [FIX / "hostile.ttl"]
TOURS = FIX / "tours"
SOURCE = FIX / "source.txt"

# What the fixture must give, counted by hand from brief.ttl and brief-derived.ttl.
EXPECTED = {
    "tour-exclusion": (7, 7),
    "overview": (10, 11),
    "arguments": (11, 5),
    "pathways-group-grievance": (2, 1),
    "pathways-political-exclusion": (5, 5),
    "country-nigeria": (7, 5),
    "country-sierra-leone": (5, 3),
    "requirements": (4, 5),
}


def fixture_graph(*extra: list[Path]):
    # derive=False: the fixture carries its own derived layer, so these tests do not
    # depend on the pathway derivation's choices (tested in test_pathways.py).
    return load_graph([ontology_file(), *BASE, *(p for group in extra for p in group)])


@pytest.fixture(scope="module")
def kg():
    return fixture_graph(DERIVED)


@pytest.fixture(scope="module")
def site(kg, tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    return out, build_site(kg, out, tours_dir=TOURS, source=read_source(SOURCE))


def embedded(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="r2p-data">(.*?)</script>', html, re.S)
    assert m, "no embedded data"
    return json.loads(m.group(1))


def test_every_view_is_listed_in_order(kg):
    assert [s.name for s in list_views(kg, TOURS)] == [
        "tour-exclusion",
        "overview",
        "arguments",
        "pathways-group-grievance",
        "pathways-political-exclusion",
        "requirements",
        "country-nigeria",
        "country-sierra-leone",
    ]


def test_a_registered_view_family_reaches_the_cli_the_index_and_the_site(kg, tmp_path, monkeypatch):
    """A new kind of map is one decorated function: listed, rendered and given its own index section."""
    from graph.render import registry
    from graph.render.views import overview

    monkeypatch.setattr(registry, "_FAMILIES", dict(registry._FAMILIES))

    @registry.view_family("extra", order=45, heading="Extra maps", intro="A family registered by the test.")
    def extra(ctx):
        build = lambda: overview(ctx.facts)  # noqa: E731
        return [registry.ViewSpec("extra-overview", "Extra", "The overview again.", build, "extra")]

    names = [s.name for s in list_views(kg, TOURS)]
    assert names.index("requirements") < names.index("extra-overview") < names.index("country-nigeria")
    sections = registry.index_sections()
    assert [k for k, _, _ in sections] == ["tour", "whole", "pathways", "measures", "extra", "countries"]
    assert sections[4][1] == "Extra maps" and sections[5][1] == "Country cases"
    build_site(kg, tmp_path, tours_dir=TOURS)
    index = (tmp_path / INDEX).read_text(encoding="utf-8")
    assert '<section data-group="extra"><h2>5. Extra maps</h2>' in index and 'href="extra-overview.html"' in index
    assert "7. Read and reuse" in index
    inputs = [a for f in [ontology_file(), *BASE, *DERIVED] for a in ("--input", str(f))]
    result = CliRunner().invoke(cli, ["render", "--list", *inputs])
    assert result.exit_code == 0, result.output
    assert "extra-overview\tThe overview again." in result.output


def test_build_writes_every_view_export_and_index(site):
    out, files = site
    names = {f.name for f in files}
    # the exports for other tools (graph.exporting.site_exports) sit beside the Turtle export
    exports = {f"r2pkg-{f.name}{'.zip' if f.is_bundle else f.extension}" for f in site_exports()}
    assert len(exports) >= 8
    assert names == ({f"{v}.html" for v in EXPECTED} | {"r2pkg-graph.ttl", INDEX, "reading.html", "handout.html"}
                     | exports)
    assert files[-1] == out / INDEX
    assert not list(out.glob(".*.tmp")), "a temporary file was left behind"
    export = (out / "r2pkg-graph.ttl").read_text(encoding="utf-8")
    assert "political-exclusion" in export and "Pathway" in export


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_view_counts(site, name):
    out, _ = site
    data = embedded((out / f"{name}.html").read_text(encoding="utf-8"))
    assert (len(data["nodes"]), len(data["edges"])) == EXPECTED[name]
    ids = {n["id"] for n in data["nodes"]}
    for e in data["edges"]:
        assert e["from"] in ids and e["to"] in ids
    for n in data["nodes"]:  # positions fixed in Python, physics off in the page
        assert isinstance(n["x"], float | int) and isinstance(n["y"], float | int)
    for step in data["steps"]:
        assert set(step["nodes"]) <= ids


def test_index_lists_every_view_with_description(site, kg):
    out, _ = site
    index = (out / INDEX).read_text(encoding="utf-8")
    for spec in list_views(kg, TOURS):
        assert f'href="{spec.name}.html"' in index
        assert spec.description.replace("'", "&#x27;") in index
    assert 'href="r2pkg-graph.ttl"' in index and 'href="reading.html"' in index
    reuse = index[index.index('data-group="reference"'):]
    for f in site_exports():  # each export in "Read and reuse", with the tool that opens it
        name = f"r2pkg-{f.name}{'.zip' if f.is_bundle else f.extension}"
        assert f'href="{name}"' in reuse and html.escape(f.opens_with) in reuse
    # a workshop guide: tours first, then the views grouped by purpose
    groups = re.findall(r'data-group="([a-z]+)"', index)
    assert groups[0] == "tour" and groups.index("whole") < groups.index("pathways") < groups.index("countries")
    assert index.index("tour-exclusion.html") < index.index("overview.html")


def test_pages_make_no_request_to_any_host(site):
    out, files = site
    for f in files:
        if f.suffix != ".html":
            continue
        html = f.read_text(encoding="utf-8")
        assert not re.search(r'(?:src|href)\s*=\s*["\']?\s*(?:https?:)?//', html, re.I), f.name
        assert "Content-Security-Policy" in html and "default-src 'none'" in html
        assert "@import" not in html and "bootstrap" not in html.lower()
        assert "<script src" not in html
        if f.name not in (INDEX, "reading.html", "handout.html"):
            assert "vis.Network" in html


def test_legend_labels_come_from_the_ontology(site):
    out, _ = site
    legend = embedded((out / "overview.html").read_text(encoding="utf-8"))["legend"]
    classes = {c["key"]: c["label"] for c in legend["classes"]}
    relations = {r["key"]: r["label"] for r in legend["relations"]}
    effects = {e["key"]: e["label"] for e in legend["effects"]}
    assert effects == {"raises": "raises risk or harm", "lowers": "lowers risk or harm",
                       "depends": "dependency (needs)"}
    assert classes["r2p:PreventionMeasure"] == "prevention measure"
    assert classes["r2p:Trigger"] == "trigger"
    assert relations["r2p:IncreasesRiskRelation"] == "increases risk of"
    assert {s["label"] for s in legend["sectors"]} == {
        "security sector",
        "justice sector",
        "political sector",
    }
    assert [c["key"] for c in legend["consensus"]][0] == "r2p:ExplicitConsensus"  # most widely held first
    assert [c["width"] for c in legend["consensus"]] == sorted((c["width"] for c in legend["consensus"]), reverse=True)


def test_pathway_presentation_follows_the_pathways(site):
    out, _ = site
    steps = embedded((out / "pathways-political-exclusion.html").read_text(encoding="utf-8"))["steps"]
    # The first step opens on the risk and the first step of the stronger pathway (strength 7),
    # its prerequisites right after it.
    assert steps[0]["nodes"][0] == "https://w3id.org/r2pkg/resource/political-exclusion"
    assert steps[0]["caption"].startswith("Pathway 1 of 2 (weakest consensus: participants agreed)")
    assert "requires" in steps[1]["caption"] and "justice sector reform" in steps[1]["caption"]
    assert steps[-1]["caption"].startswith("Pathway 2 of 2")
    assert steps[-1]["edges"] == ["https://w3id.org/r2pkg/resource/link-8"]


def test_bundles_are_named_by_their_members_and_pathway_steps_by_the_brief(site, kg):
    out, _ = site
    data = embedded((out / "requirements.html").read_text(encoding="utf-8"))
    bundles = [n for n in data["nodes"] if n["r2p"]["cls"] == "r2p:CoRequisiteBundle"]
    assert bundles
    for n in bundles:
        members = n["r2p"]["details"]["members"]
        assert n["label"].endswith(" advance together") and all(m in n["label"] for m in members)
    facts = collect_facts(kg)
    statements = {c.statement for c in facts.claims.values()}
    steps = embedded((out / "pathways-political-exclusion.html").read_text(encoding="utf-8"))["steps"]
    hops = [s for s in steps if len(s["edges"]) == 1 and len(s["nodes"]) == 2]
    assert hops and all(s["narration"] in statements for s in hops)  # the claim that states the step
    assert len({tuple(s["edges"]) for s in hops}) == len(hops)  # each step told once


def test_without_derived_layer_no_pathway_views_and_index_says_so(tmp_path):
    kg = fixture_graph()
    rendered = render_views(kg, tmp_path)
    assert not [r for r in rendered if r.name.startswith("pathways-")]
    assert "No pathway maps" in (tmp_path / INDEX).read_text(encoding="utf-8")


def test_same_graph_same_bytes(kg, tmp_path):
    a = render_views(kg, tmp_path / "a")
    b = render_views(fixture_graph(DERIVED), tmp_path / "b")
    for ra, rb in zip(a, b, strict=True):
        assert ra.path.read_bytes() == rb.path.read_bytes(), ra.name


def test_spring_layout_boxes_do_not_overlap(kg):
    view = overview(collect_facts(kg))
    pos, _ = place(view)
    assert overlaps(view, pos) == []


def test_script_json_cannot_close_the_script():
    text = script_json({"label": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["label"] == "</script><script>alert(1)</script> & <!--"


def test_hostile_strings_stay_data(tmp_path):
    kg = fixture_graph(DERIVED, HOSTILE)
    files = build_site(kg, tmp_path)
    for f in files:
        if f.suffix != ".html":
            continue
        html = f.read_text(encoding="utf-8")
        for raw in ("<script>alert(", "<img src=x", "<iframe", "<b onmouseover"):
            assert raw not in html, (f.name, raw)
    data = embedded((tmp_path / "overview.html").read_text(encoding="utf-8"))
    labels = {n["label"] for n in data["nodes"]}
    assert "<script>alert('label')</script> grievance" in labels
    index = (tmp_path / INDEX).read_text(encoding="utf-8")
    assert "<script>alert" not in index and "&lt;script&gt;alert" in index


# --- CLI -------------------------------------------------------------------
def _inputs(*groups: list[Path]) -> list[str]:
    args = ["--input", str(ontology_file())]
    for p in [*BASE, *(p for g in groups for p in g)]:
        args += ["--input", str(p)]
    return args


def test_cli_render_one_view_prints_its_path(tmp_path):
    result = CliRunner().invoke(cli, ["render", "--view", "overview", "-o", str(tmp_path), *_inputs(DERIVED)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(tmp_path / "overview.html")
    assert [p.name for p in tmp_path.iterdir()] == ["overview.html"]


def test_cli_render_unknown_view_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(cli, ["render", "--view", "nope", "-o", str(tmp_path), *_inputs()])
    assert result.exit_code == 2
    assert "unknown view nope" in result.output and "overview" in result.output
    assert "Traceback" not in result.output


def test_cli_build_stops_on_validation_errors_unless_forced(tmp_path):
    # The fixture is deliberately thin (no attributions, quotes without source), so SHACL fails.
    runner = CliRunner()
    result = runner.invoke(cli, ["build", "-o", str(tmp_path / "a"), *_inputs(DERIVED)])
    assert result.exit_code == 1
    assert "validation:" in result.output.lower() and not (tmp_path / "a").exists()
    result = runner.invoke(cli, ["build", "--force", "-o", str(tmp_path / "b"), *_inputs(DERIVED)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith(str(tmp_path / "b" / INDEX))
    assert "Built with --force" in (tmp_path / "b" / INDEX).read_text(encoding="utf-8")
    assert (tmp_path / "b" / "overview.html").exists() and (tmp_path / "b" / "r2pkg-graph.ttl").exists()


def test_cli_build_packaged_data(repo_graph, brief_site):
    """The real brief: build succeeds and every view it lists is written (skips nothing)."""
    assert brief_site.exit_code == 0, brief_site.stdout
    index = (brief_site.output / INDEX).read_text(encoding="utf-8")
    for spec in list_views(repo_graph):
        assert (brief_site.output / f"{spec.name}.html").exists()
        assert f'href="{spec.name}.html"' in index


def test_a_claim_that_reports_a_view_says_whose_on_the_map(brief_site):
    """Paragraph 14: participants observed that international actors see resilience as a preconflict task; the
    map keeps the participants as its holders and names the international community as the view's holder."""
    data = embedded((brief_site.output / "arguments.html").read_text(encoding="utf-8"))
    details = {n["id"].rsplit("/", 1)[-1]: n["r2p"]["details"] for n in data["nodes"] if "details" in n["r2p"]}
    reported = details["claim-p14-03"]
    assert reported["heldBy"] == ["the roundtable participants"] and reported["viewOf"] == ["international community"]
    assert "viewOf" not in details["claim-p14-04"]  # the participants' own view ("In reality ...")


def test_an_issue_the_curators_read_off_the_text_never_credits_them_with_its_quote(brief_site):
    """Para 35's "While some participants acknowledged the dangers of this model, ..." is the text's: the issue's
    panel says the curators grouped it as a disagreement, not that they said it."""
    data = embedded((brief_site.output / "arguments.html").read_text(encoding="utf-8"))
    details = {n["id"].rsplit("/", 1)[-1]: n["r2p"]["details"] for n in data["nodes"] if "details" in n["r2p"]}
    ombudsman = details["issue-ombudsman-model"]
    assert ombudsman["heldBy"] == ["grouped as a disagreement by the r2pkg curators"], ombudsman["heldBy"]
    assert any("acknowledged the dangers of this model" in q for q in ombudsman["quotes"])
    assert details["issue-role-of-nonstate-actors"]["heldBy"] == ["the roundtable participants"]


def test_a_support_or_attack_the_text_does_not_state_is_drawn_as_the_curators_reading(brief_site, repo_graph):
    """Para 38 joins "the importance of specific pathways" and "suggested the development of integration
    mandates" with "and": that one calls for the other is the curators' reading, drawn thin and said so, as
    is each relation the graph flags; every other support and attack is drawn as the text's."""
    data = embedded((brief_site.output / "arguments.html").read_text(encoding="utf-8"))
    flagged = {r[0].value for r in repo_graph.query(
        "SELECT ?x WHERE { ?x a r2p:ArgumentRelation ; r2p:inferredByCurators true }")}
    assert "https://w3id.org/r2pkg/resource/support-p38-02" in flagged
    drawn: dict[str, set] = {}
    for e in data["edges"]:
        if e["r2p"].get("details", {}).get("kind") in ("support", "attack"):
            d = e["r2p"]["details"]
            drawn.setdefault(d["iri"].replace("r2pr:", "https://w3id.org/r2pkg/resource/"), set()).add(
                (e["r2p"].get("voice", ""), d["title"].endswith("(curators' reading)"), bool(d.get("reading"))))
    assert {iri for iri, ways in drawn.items() if ways == {("curators", True, True)}} == flagged
    assert all(ways == {("", False, False)} for iri, ways in drawn.items() if iri not in flagged)
    assert "curators" in {v["key"] for v in data["legend"]["voices"]}


def test_a_link_is_drawn_in_its_own_voice_with_whose_reading_it_is(brief_site):
    """The overview never draws a question, a hypothetical or the curators' reading as a finding: the edge's
    title keeps the hedge ("How professionalization of the security sector can transform the sector", para 6:
    the text asks how), and its panel says how the text puts the link and whose reading it is (para 1's
    "inextricably linked to its capacity to manage the triggers of violence" gives no direction)."""
    data = embedded((brief_site.output / "overview.html").read_text(encoding="utf-8"))
    edges = {e["id"].rsplit("/", 1)[-1]: e["r2p"]["details"] for e in data["edges"] if "details" in e["r2p"]}
    asked = edges["link-professionalization-mitigates-security-force-abuse"]
    assert asked["title"] == ("The text asks how security sector professionalization might mitigate rights abuse "
                              "by security forces."), asked["title"]
    assert asked["stated"].startswith("a question") and not asked["reading"]
    assert asked["claimsHeading"] == "Claims that ask about it"
    ours = edges["link-preventive-capacity-mitigates-triggers"]
    assert ours["title"].endswith("(curators' reading).") and ours["reading"].startswith("the curators' reading")
    assert ours["stated"].startswith("a possibility")
    hypothetical = [d for d in edges.values() if d.get("stated", "").startswith("a hypothetical")]
    assert hypothetical and all(" could " in d["title"] and "(hypothetical" in d["title"] for d in hypothetical)
    stated = [d for d in edges.values() if d.get("stated", "").startswith("asserted")]
    assert stated and all(" can " not in d["title"] and not d["title"].startswith("The text") for d in stated)
    # at a glance: what the text only supposes or asks, and the curators' readings, are drawn thin; the legend
    # names each weight and can hide it
    width = {e["id"].rsplit("/", 1)[-1]: (e["width"], e["r2p"]["voice"])
             for e in data["edges"] if e["r2p"].get("voice")}
    assert width["link-professionalization-mitigates-security-force-abuse"][1] == "asked"
    assert width["link-preventive-capacity-mitigates-triggers"][1] == "curators"
    thick = {w for w, v in width.values() if v == "stated"}
    thin = {w for w, v in width.values() if v != "stated"}
    assert len(thick) == 1 and thin and max(thin) < min(thick), (thick, thin)
    assert {v["key"] for v in data["legend"]["voices"]} == {"stated", "hypothetical", "asked", "curators"}
    # a link whose claim the text disputes says so in its panel (para 33: "One participant cautioned the group
    # about the drawbacks to the citizenship model")
    baker = [c for d in edges.values() for c in d.get("claims", []) if c["iri"] == "r2pr:claim-p30-02"]
    assert baker and all(len(c["contestedBy"]) >= 2 for c in baker), baker
    assert all(not c["contestedBy"] for d in edges.values() for c in d.get("claims", [])
               if c["iri"] == "r2pr:claim-p06-03")  # the question nobody disputes


# --- tours ------------------------------------------------------------------
def test_check_tours_accepts_the_fixture_and_the_shipped_tours(kg, repo_graph):
    assert check_tours(kg, TOURS) == []
    assert check_tours(repo_graph) == []  # data/tours against the brief
    names = {t.name for t in load_tours()}
    assert {"when-atrocities-occur", "ssr-needs-jsr", "citizenship-and-inclusion", "ghana-west-africa"} <= names


def test_check_tours_reports_every_missing_name(kg):
    found = check_tours(kg, FIX / "tours-bad")
    by_focus = {f.focus: f for f in found}
    assert all(f.severity == "ERROR" and f.check == "tour" for f in found)
    assert "r2pr:no-such-node" in by_focus
    assert "broken.yaml:3 (step 1)" in by_focus["r2pr:no-such-node"].message
    assert "is not an r2p:Claim" in by_focus["r2pr:mass-atrocities"].message
    assert "not one of" in by_focus["r2pr:claim-p10-01"].message
    unreadable = [f for f in found if f.file.endswith("unreadable.yaml")]
    assert len(unreadable) == 1 and "line 4" in unreadable[0].message and "not valid YAML" in unreadable[0].message
    assert len(found) == 4


def test_tour_plays_its_steps_with_quotes_from_the_data(site):
    out, _ = site
    data = embedded((out / "tour-exclusion.html").read_text(encoding="utf-8"))
    steps = data["steps"]
    assert [s["caption"] for s in steps] == [
        "Exclusion is a warning sign",
        "Power sharing answers exclusion",
        "Courts go with security reform",
    ]
    assert steps[0]["narration"] == "Being shut out of power is read as a sign of danger."
    assert steps[0]["quote"]["text"] == "exclusion from power is a warning sign"  # the claim's own quote
    assert steps[0]["quote"]["breadth"] == "explicit consensus"
    assert steps[2]["quote"]["text"] == "accountability required justice systems to grow"
    # no claim named: the quote of the claim that speaks most of the step's nodes, never an invented one
    assert steps[1]["quote"]["text"] == "exclusion from power is a warning sign"
    assert data["view"]["autoplay"] is True and data["view"]["opening"] == steps[0]["nodes"]


def test_every_shipped_tour_step_ties_what_it_lights_or_says_why_not(repo_graph):
    from graph.render.tour_views import tour_view, untied

    facts = collect_facts(repo_graph)
    apart = 0
    for tour in load_tours():
        view = tour_view(facts, tour)
        for i, (step, source) in enumerate(zip(view.steps, tour.steps, strict=True), 1):
            loose = untied(view, step)
            if loose:
                assert source.apart and source.apart in step.narration, (tour.name, i, loose)
                apart += 1
            # the links the quoted claim states are lit, with their ends
            for lk in facts.links.values():
                if source.claim and source.claim in lk.claims:
                    assert lk.iri in step.edges and {lk.cause, lk.effect} <= set(step.nodes), (tour.name, i)
    assert apart <= 2  # nearly every step draws its argument


# --- encodings ------------------------------------------------------------------
def test_head_says_more_or_less_of_the_target_and_colour_says_risk(site, kg):
    out, _ = site
    data = embedded((out / "overview.html").read_text("utf-8"))
    edges = {e["id"].rsplit("/", 1)[-1]: e for e in data["edges"]}
    raises, mitigates = edges["link-1"], edges["link-4"]  # exclusion -> atrocities; power sharing mitigates exclusion
    assert raises["r2p"]["effect"] == "raises" and mitigates["r2p"]["effect"] == "lowers"
    assert raises["color"]["color"] != mitigates["color"]["color"]
    assert bool(raises["dashes"]) != bool(mitigates["dashes"])
    assert raises["arrows"]["to"]["type"] == "arrow" and mitigates["arrows"]["to"]["type"] == "bar"
    # power sharing strengthens resilience: more of the target (an arrowhead), which lowers risk (blue)
    strengthens = edges["link-8"]
    assert strengthens["arrows"]["to"]["type"] == "arrow"
    assert strengthens["r2p"]["effect"] == "lowers" and strengthens["color"] == mitigates["color"]
    polarity = {
        str(r["r"]): int(r["p"]) for r in kg.select("SELECT ?r ?p WHERE { ?r r2p:polarity ?p }")
    }
    relation = {
        str(r["l"]): str(r["r"]) for r in kg.select("SELECT ?l ?r WHERE { ?l a r2p:CausalLink ; r2p:relation ?r }")
    }
    checked = 0
    for e in data["edges"]:
        if polarity.get(relation.get(e["id"], ""), 0) == 0:
            continue  # not a causal link, or a dependency (a diamond)
        p = polarity[relation[e["id"]]]
        assert e["arrows"]["to"]["type"] == {1: "arrow", -1: "bar"}[p], e["id"]
        colour, dashes, _ = edge_style("", e["r2p"]["effect"], e["r2p"]["direction"])
        assert (e["color"]["color"], bool(e["dashes"])) == (colour, bool(dashes)), e["id"]
        checked += 1
    assert checked == sum(1 for r in relation.values() if polarity.get(r, 0))
    legend = data["legend"]
    assert [d["key"] for d in legend["directions"]] == ["more", "less"]
    assert "mitigates" in legend["directions"][1]["label"] and legend["directions"][1]["head"] == "bar"


def test_breadth_is_the_border_and_speaker_role_its_pattern_never_the_fill(site):
    out, _ = site
    nodes = {n["id"].rsplit("/", 1)[-1]: n for n in embedded((out / "arguments.html").read_text("utf-8"))["nodes"]}
    claims = [n for k, n in nodes.items() if k.startswith("claim-")]
    assert len({n["color"]["background"] for n in claims}) == 1  # consensus is not on the fill
    assert nodes["claim-p21-01"]["borderWidth"] > nodes["claim-p11-03"]["borderWidth"]  # multiple > one participant
    # rapporteur's summary and author's position: breadth not stated, their own border patterns
    assert nodes["claim-p21-02"]["borderWidth"] == nodes["claim-p22-01"]["borderWidth"] == 2
    assert nodes["claim-p21-02"]["shapeProperties"]["borderDashes"] == [10, 6]
    assert nodes["claim-p22-01"]["shapeProperties"]["borderDashes"] == [2, 5]
    assert nodes["claim-p11-03"]["shapeProperties"]["borderDashes"] is False


def test_categories_told_apart_by_colour_alone_survive_colour_blindness(capsys):
    """Smallest CIEDE2000 after Machado (2009) deuteranopia/protanopia simulation."""
    d_fill = smallest_difference(fill_groups())
    d_edge = smallest_difference({"edges": edge_colours()})
    with capsys.disabled():
        print(f"\nsmallest fill dE2000 {d_fill[0]:.1f} ({d_fill[1]}: {d_fill[3]} vs {d_fill[4]})")
        print(f"smallest edge dE2000 {d_edge[0]:.1f} ({d_edge[1]}: {d_edge[3]} vs {d_edge[4]})")
    assert d_fill[0] >= 14
    assert d_edge[0] >= 12
    assert delta_e("#d55e00", "#0072b2", "deuteranopia") > 40  # raises vs lowers risk, the pair that matters most


# --- layouts ------------------------------------------------------------------------
def _views(g, tours=None):
    f = collect_facts(g)
    return f, [(s.name, s.build()) for s in all_specs(f, tours)]


@pytest.mark.parametrize("which", ["fixture", "brief"])
def test_no_edge_over_a_node_no_overlap_and_every_frame_readable(kg, repo_graph, which):
    g, tours = (kg, TOURS) if which == "fixture" else (repo_graph, None)
    f, views = _views(g, tours)
    from graph.render.framing import choose_opening, split_steps

    known: dict[str, int] = {}
    for name, v in views:
        pos, smooth = place(v)
        assert len(crossings(v, pos, smooth)) <= known.get(name, 0), name
        assert overlaps(v, pos) == [], name
        assert label_clashes(v, pos, smooth) == [], name
        split_steps(v, pos)
        choose_opening(v, pos)
        sh = shapes(v)
        for s in v.steps:  # every step fits one 1920x1080 frame at 28 px labels
            assert fits(s.nodes, pos, sh), (name, s.caption)
        # the first frame: the whole point of the map, readable when exploring, or its first step
        assert v.opening and fits(v.opening, pos, sh, presenting=v.guided), name
        if not v.guided:
            assert set(v.point) <= set(v.opening), name
        if v.anchor:
            assert v.anchor in v.opening, name


PLACE_EVERY_BRIEF_MAP = """
import sys
from pathlib import Path

from graph import derive, load_graph
from graph.project import read_project
from graph.render.facts import collect_facts
from graph.render.labels import label_clashes
from graph.render.layout import place
from graph.render.routing import crossings, overlaps
from graph.render.site import all_specs

project = read_project(Path(sys.argv[1]))
kg = load_graph(project=project)
derive(kg, project=project)
facts = collect_facts(kg)
bad = []
for spec in all_specs(facts, None):
    view = spec.build()
    pos, smooth = place(view)
    if crossings(view, pos, smooth) or overlaps(view, pos) or label_clashes(view, pos, smooth):
        bad.append(spec.name)
print(" ".join(bad))
"""


def _cpu_flags() -> set[str]:
    text = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    return set(next((line.split(":", 1)[1].split() for line in text.splitlines() if line.startswith("flags")), []))


@pytest.mark.parametrize("kernel, needs", [("Sandybridge", "avx"), ("Haswell", "avx2"), ("SkylakeX", "avx512f")])
def test_every_brief_map_is_placed_clear_whichever_blas_kernel_computes_its_start(kernel, needs, tmp_path):
    """Kamada-Kawai's solver runs on OpenBLAS, whose kernel (chosen for the CPU) changes its result in the last
    bits, and with it where routing and separating start: AVX-512's left two of Nigeria's claims on each other.
    Each kernel this CPU can run must give maps with no edge over a node, no overlap and no label clash."""
    import os
    import subprocess
    import sys

    if needs not in _cpu_flags():
        pytest.skip(f"this CPU cannot run OpenBLAS's {kernel} kernel (no {needs})")
    env = {**os.environ, "OPENBLAS_CORETYPE": kernel, "R2PKG_CACHE_DIR": str(tmp_path / "cache")}  # placed afresh
    done = subprocess.run([sys.executable, "-c", PLACE_EVERY_BRIEF_MAP, str(REPO / "r2pkg.toml")], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == [], f"maps not placed clear with {kernel}'s BLAS kernel"


def test_crossings_check_catches_an_edge_through_a_node(kg):
    view = overview(collect_facts(kg))
    pos, smooth = place(view)
    e = view.edges[0]
    other = next(n for n in view.nodes if n not in (e.source, e.target))
    (ax, ay), (bx, by) = pos[e.source], pos[e.target]
    pos[other] = ((ax + bx) / 2, (ay + by) / 2)  # drop a node on the middle of the edge
    assert (e.id, other) in crossings(view, pos, {**smooth, e.id: False})


def test_parallel_edges_too_short_for_two_labels_get_them_apart(kg):
    """The fixture's requirements: A requires B and B requires A, one above the other; their
    labels, at each curve's middle, cover each other until clear_labels moves them."""
    from graph.render.layout import layout_view
    from graph.render.routing import route
    from graph.render.views import requirements

    view = requirements(collect_facts(kg))
    pos, smooth = route(view, layout_view(view))
    clash = label_clashes(view, pos, smooth)
    ends = {e.id: {e.source, e.target} for e in view.edges}
    assert any(o in ends and ends[o] == ends[e] for e, o in clash)  # a label on its parallel's label
    pos, smooth = clear_labels(view, pos, smooth)
    assert label_clashes(view, pos, smooth) == []
    assert crossings(view, pos, smooth) == [] and overlaps(view, pos) == []


def test_pathway_views_share_at_most_half_their_nodes(repo_graph):
    """Risk factors whose maps would repeat each other share one map (views.pathway_groups)."""
    _, views = _views(repo_graph)
    assert len([n for n, _ in views if n.startswith("pathways-")]) >= 2
    paths = [(n, set(v.nodes)) for n, v in views if n.startswith("pathways-")]
    for i, (a, na) in enumerate(paths):
        for b, nb in paths[i + 1 :]:
            assert len(na & nb) <= min(len(na), len(nb)) / 2, (a, b, len(na & nb))


# --- reading view ----------------------------------------------------------------
def test_reading_view_lights_quotes_and_counts_claims(kg, tmp_path):
    path = render_reading_view(kg, read_source(SOURCE), tmp_path)
    html = path.read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="r2p-reading">(.*?)</script>', html, re.S).group(1))
    paras = {p["n"]: p for p in data["paragraphs"]}
    lit = [(seg[0], seg[1]) for seg in paras[1]["segments"] if seg[1]]
    assert [t for t, _ in lit] == ["exclusion from power is a warning sign"]
    claim = data["claims"][lit[0][1][0]]
    assert claim["label"] == "Exclusion raises atrocity risk" and claim["breadth"] == "explicit consensus"
    assert paras[1]["claims"] == 1 and paras[4]["claims"] == 0
    assert "".join(seg[0] for seg in paras[3]["segments"]) == read_source(SOURCE).paragraphs[2].text
    assert any("raises risk" in lk["effect"] for lk in claim["links"])


def test_a_link_keeps_what_its_two_nodes_leave_out_on_the_map_and_in_the_reading_view(brief_site):
    """A link's title is built from its two nodes, which drop the recorded label's qualifiers: para 12's non-state
    actors "have spoiled this process in the past", not in the present; para 15's development route is one
    participant's case. The map's panel and the reading view show the recorded label and the case beside it."""
    data = embedded((brief_site.output / "overview.html").read_text(encoding="utf-8"))
    edges = {e["id"].rsplit("/", 1)[-1]: e["r2p"]["details"] for e in data["edges"] if "details" in e["r2p"]}
    spoiled = edges["link-nonstate-actors-undermine-prevention-agenda"]
    assert "in the past" not in spoiled["title"] and "in the past" in spoiled["recorded"]
    html = (brief_site.output / "reading.html").read_text(encoding="utf-8")
    reading = json.loads(re.search(r'id="r2p-reading">(.*?)</script>', html, re.S).group(1))
    links = [lk for c in reading["claims"] for lk in c["links"]]
    assert any("in the past" in lk.get("recorded", "") for lk in links)
    routed = [lk for lk in links if lk.get("recorded", "").startswith("routing prevention through a development")]
    assert routed and all(lk["cases"] for lk in routed), routed


def test_the_index_never_says_the_documents_state_what_only_the_curators_read(brief_site, repo_graph):
    """Para 1 links preventive capacity to "the triggers of violence" without a direction: the one pathway from
    atrocity triggers runs only through the curators' reading, and the index says so; the overview's count of
    links names how many are the curators'."""
    import html as html_lib

    index = html_lib.unescape((brief_site.output / "index.html").read_text(encoding="utf-8"))
    assert "What addresses atrocity triggers in the documents: 1 pathway(s), 1 of them only through the curators' " \
           "reading" in index
    assert "What addresses group grievance in the documents: 2 pathway(s), and" in index
    f = collect_facts(repo_graph)
    n = sum(lk.inferred_by_curators for lk in f.links.values())
    assert n and f"causal links drawn from the documents, {n} of them the curators' reading" in index
    assert "links the documents state" not in index


def test_a_bundle_that_rests_on_the_curators_reading_says_so(brief_site):
    """Para 21 states that military accountability "required the simultaneous growth of justice systems" (SSR
    needs JSR); the reverse is the curators' reading of "interdependent", and so is the bundle the two close."""
    data = embedded((brief_site.output / "requirements.html").read_text(encoding="utf-8"))
    bundles = [n["r2p"]["details"] for n in data["nodes"] if n["r2p"].get("details", {}).get("members")]
    assert bundles and all(d["reading"].startswith("the curators' reading") for d in bundles), bundles


def test_every_frame_of_a_split_tour_step_shows_the_steps_own_quote(brief_site):
    """A tour step too large for one frame is split; the frames after the first showed a quote picked from their
    own nodes (paragraph 25's "why many of these programs fail" under paragraph 18's pillars). Each frame of a
    step shows the quote the step rests on."""
    split = 0
    for page in sorted(brief_site.output.glob("tour-*.html")):
        steps = embedded(page.read_text(encoding="utf-8"))["steps"]
        first: dict[str, dict] = {}
        for s in steps:
            m = re.fullmatch(r"(.*) \((\d+) of \d+\)", s["caption"])
            if m is None:
                continue
            if m.group(2) == "1":
                first[m.group(1)] = s["quote"]
            else:
                split += 1
                assert s["quote"] == first[m.group(1)], (page.name, s["caption"])
    assert split  # the brief's tours have split steps (the pillars, the escalatory crisis)


def test_reading_view_keeps_hostile_text_as_data(tmp_path):
    kg = fixture_graph(DERIVED, HOSTILE)
    html = render_reading_view(kg, read_source(SOURCE), tmp_path).read_text(encoding="utf-8")
    for raw in ("<script>alert(", "<img src=x", "<b onmouseover"):
        assert raw not in html, raw
    assert ".innerHTML" not in html and "insertAdjacentHTML" not in html


def test_maps_are_identical_across_hash_seeds(tmp_path):
    """A projected map must not move between builds: the layout may not depend on set or hash order."""
    import os
    import subprocess
    import sys

    outs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "graph.cli", "render", "--view", "country-ghana", "--view", "overview",
                        "-o", str(out)], cwd=REPO, env=env, check=True, capture_output=True)
        outs.append({p.name: p.read_bytes() for p in sorted(out.glob("*.html"))})
    assert outs[0].keys() == {"country-ghana.html", "overview.html"}
    assert outs[0] == outs[1]


def test_index_numbers_only_the_sections_it_lists(tmp_path, repo_graph):
    """A project without tours (or any other family) gets sections 1, 2, 3..., not 2, 3, 6."""
    from graph.render.site import write_index
    from graph.render.view_model import RenderedView

    def view(name: str, purpose: str) -> RenderedView:
        return RenderedView(name, name.title(), "", tmp_path / f"{name}.html", 3, 2, 0, purpose, frozenset())

    index = write_index(tmp_path, [view("overview", "whole"), view("country-ghana", "countries")],
                        collect_facts(repo_graph), export_path=tmp_path / "graph.ttl").read_text(encoding="utf-8")
    numbers = [int(n) for n in re.findall(r"<h2>(\d+)\. ", index)]
    assert numbers == [1, 2, 3]
    assert "<h2>3. Read and reuse</h2>" in index


def test_a_link_is_coloured_by_risk_only_where_its_target_says_what_it_does_to_risk(repo_graph):
    """More of a risk or a harm raises risk; more of a preventive outcome ("protects against mass atrocities")
    lowers it. A link into anything else says nothing about risk, and is not drawn as if it did."""
    f = collect_facts(repo_graph)
    effect = {lk.iri.rsplit("/", 1)[-1]: f.effect(lk) for lk in f.model.links.values()}
    # para 34: the ICC prompted debates in communities; para 32: the parties adopted rotation, which para 32
    # says then led to a crisis; para 35: the ombudsman model classifies groups, the danger participants saw
    for neither in ("link-icc-outreach-leads-to-community-division", "link-political-parties-lead-to-rotation",
                    "link-ombudsman-model-strengthens-group-classification", "link-train-and-equip-undermines-ssr"):
        assert effect[neither] == "unstated", neither
    assert effect["link-conflict-undermines-trust"] == "raises"  # less of a preventive outcome
    assert effect["link-rotation-leads-to-post-election-crisis"] == "raises"  # more of a trigger
    assert effect["link-jsr-strengthens-trust"] == "lowers"
    assert effect["link-ssr-mitigates-military-politicization"] == "lowers"
    assert edge_style("", "unstated", "less") == ("#6b7280", False, "bar")  # grey, its head still says less
