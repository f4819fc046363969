"""The map views and pages, without a browser: views, counts, escaping, offline pages, determinism, CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.render import INDEX, build_site, list_views, render_views
from graph.render.facts import collect_facts
from graph.render.layout import box_size, layout_view
from graph.render.page import script_json
from graph.render.views import overview
from graph.resources import ontology_file
from graph.store import load_graph

FIX = Path(__file__).resolve().parent / "fixtures" / "render"
BASE = [FIX / "brief.ttl"]
DERIVED = [FIX / "brief-derived.ttl"]
HOSTILE = [FIX / "hostile.ttl"]

# What the fixture must give, counted by hand from brief.ttl and brief-derived.ttl.
EXPECTED = {
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
    return load_graph([ontology_file(), *BASE, *(p for group in extra for p in group)], derive=False)


@pytest.fixture(scope="module")
def kg():
    return fixture_graph(DERIVED)


@pytest.fixture(scope="module")
def site(kg, tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    return out, build_site(kg, out)


def embedded(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="r2p-data">(.*?)</script>', html, re.S)
    assert m, "no embedded data"
    return json.loads(m.group(1))


def test_every_view_is_listed_in_order(kg):
    assert [s.name for s in list_views(kg)] == [
        "overview",
        "arguments",
        "pathways-group-grievance",
        "pathways-political-exclusion",
        "country-nigeria",
        "country-sierra-leone",
        "requirements",
    ]


def test_build_writes_every_view_export_and_index(site):
    out, files = site
    names = {f.name for f in files}
    assert names == {f"{v}.html" for v in EXPECTED} | {"r2pkg-graph.ttl", INDEX}
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
    for spec in list_views(kg):
        assert f'href="{spec.name}.html"' in index
        assert spec.description.replace("'", "&#x27;") in index
    assert 'href="r2pkg-graph.ttl"' in index


def test_pages_make_no_request_to_any_host(site):
    out, files = site
    for f in files:
        if f.suffix != ".html":
            continue
        html = f.read_text(encoding="utf-8")
        assert not re.search(r'(?:src|href)\s*=\s*["\']?\s*(?:https?:)?//', html, re.I), f.name
        assert "Content-Security-Policy" in html and "default-src 'none'" in html
        assert "@import" not in html and "bootstrap" not in html.lower()
        if f.name != INDEX:
            assert "vis.Network" in html and "<script src" not in html


def test_legend_labels_come_from_the_ontology(site):
    out, _ = site
    legend = embedded((out / "overview.html").read_text(encoding="utf-8"))["legend"]
    classes = {c["key"]: c["label"] for c in legend["classes"]}
    relations = {r["key"]: r["label"] for r in legend["relations"]}
    assert classes["r2p:PreventionMeasure"] == "prevention measure"
    assert classes["r2p:Trigger"] == "trigger"
    assert relations["r2p:IncreasesRiskRelation"] == "increases risk of"
    assert {s["label"] for s in legend["sectors"]} == {
        "security sector",
        "justice sector",
        "political sector",
    }
    assert [c["key"] for c in legend["consensus"]][0] == "r2p:ExplicitConsensus"  # most widely held first


def test_pathway_presentation_follows_the_pathways(site):
    out, _ = site
    steps = embedded((out / "pathways-political-exclusion.html").read_text(encoding="utf-8"))["steps"]
    assert steps[0]["nodes"] == ["https://w3id.org/r2pkg/resource/political-exclusion"]
    # The stronger pathway (strength 7) comes first, its prerequisites right after it.
    assert steps[1]["caption"].startswith("Pathway 1 of 2 (weakest consensus: participants agreed)")
    assert "requires" in steps[2]["caption"] and "justice sector reform" in steps[2]["caption"]
    assert steps[-1]["caption"].startswith("Pathway 2 of 2")
    assert steps[-1]["edges"] == ["https://w3id.org/r2pkg/resource/link-8"]


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
    pos = layout_view(view)
    boxes = {n: (pos[n], box_size(view.nodes[n].label)) for n in view.nodes}
    items = list(boxes.items())
    for i, (a, ((ax, ay), (aw, ah))) in enumerate(items):
        for b, ((bx, by), (bw, bh)) in items[i + 1 :]:
            assert abs(ax - bx) >= (aw + bw) / 2 or abs(ay - by) >= (ah + bh) / 2, (a, b)


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
    assert "Validation:" in result.output and not (tmp_path / "a").exists()
    result = runner.invoke(cli, ["build", "--force", "-o", str(tmp_path / "b"), *_inputs(DERIVED)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith(str(tmp_path / "b" / INDEX))
    assert "Built with --force" in (tmp_path / "b" / INDEX).read_text(encoding="utf-8")
    assert (tmp_path / "b" / "overview.html").exists() and (tmp_path / "b" / "r2pkg-graph.ttl").exists()


def test_cli_build_packaged_data(repo_graph, tmp_path):
    """The real brief: build succeeds and every view it lists is written (skips nothing)."""
    result = CliRunner().invoke(cli, ["build", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    index = (tmp_path / INDEX).read_text(encoding="utf-8")
    for spec in list_views(repo_graph):
        assert (tmp_path / f"{spec.name}.html").exists()
        assert f'href="{spec.name}.html"' in index
