"""The maps in real headless Chromium, opened from file:// with every network request blocked."""

from __future__ import annotations

import base64
import re
import shutil
import struct
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from test_render import EXPECTED, SOURCE, TOURS, embedded

from graph.render import INDEX, build_site
from graph.render.chromium import CHROMIUM as CHROMIUM_PATH
from graph.render.chromium import CHROMIUM_ARGS
from graph.resources import ontology_file
from graph.source_text import read_source
from graph.store import load_graph

CHROMIUM = Path(CHROMIUM_PATH)
if not CHROMIUM.exists():
    pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install -y chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package")

ARGS = CHROMIUM_ARGS
FIX = Path(__file__).resolve().parent / "fixtures" / "render"
R = "https://w3id.org/r2pkg/resource/"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _site(tmp_path_factory, name: str, files: list[str], tours: Path = TOURS) -> Path:
    kg = load_graph([ontology_file(), *(FIX / f for f in files)])
    out = tmp_path_factory.mktemp(name)
    build_site(kg, out, tours_dir=tours, source=read_source(SOURCE))
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return _site(tmp_path_factory, "site", ["brief.ttl", "brief-derived.ttl"])


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    return _site(tmp_path_factory, "hostile", ["brief.ttl", "brief-derived.ttl", "hostile.ttl"], FIX / "tours-hostile")


@pytest.fixture(scope="module")
def brief_maps(brief_site, source_text) -> Path:
    """The real brief with the shipped tours: the session's one `r2pkg build` (conftest), with its text."""
    assert brief_site.exit_code == 0, brief_site.stdout
    return brief_site.output


def map_pages(folder: Path) -> list[Path]:
    """The map pages of a built site (not the index, the reading view, the handout or the ontology page)."""
    return [f for f in sorted(folder.glob("*.html"))
            if f.name not in (INDEX, "reading.html", "handout.html", "ontology.html")]


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@dataclass
class Opened:
    page: object
    errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture
def open_page(browser) -> Iterator:
    contexts = []

    def go(path: Path, ready: bool = True, width: int = 1400, height: int = 900) -> Opened:
        ctx = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
        contexts.append(ctx)
        page = ctx.new_page()
        o = Opened(page)

        def route(r):  # only file: may load; anything else is recorded and refused
            if r.request.url.startswith("file:"):
                r.continue_()
            else:
                o.blocked.append(r.request.url)
                r.abort()

        ctx.route("**/*", route)
        page.on("console", lambda m: o.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: o.errors.append(str(e)))
        page.on("dialog", lambda d: (o.dialogs.append(d.message), d.dismiss()))
        page.goto(path.as_uri())
        if ready:
            # a selector, not a JS string: the pages' CSP forbids eval, which polling a string needs
            page.wait_for_selector("body[data-ready='1']", state="attached", timeout=15000)
            # tours, and maps too large to open whole, start presenting; most tests want the map
            if page.evaluate("window.r2pMap && r2pMap.step !== null && r2pMap.step !== undefined"):
                page.evaluate("r2pMap.present.stop()")
        return o

    yield go
    for ctx in contexts:
        ctx.close()


def visible(page) -> tuple[int, int]:
    """How many nodes and links the map says it shows, checked against what vis-network draws."""
    said, drawn = page.evaluate(
        """() => { const b = r2pMap.network.body;
        return [[r2pMap.visibleNodeIds(), r2pMap.visibleEdgeIds()],
                [b.nodeIndices.slice().sort(), b.edgeIndices.slice().sort()]]; }"""
    )
    assert said == drawn
    return len(said[0]), len(said[1])


def click_node(page, node_id: str) -> None:
    """A real mouse click on the node where vis-network drew it."""
    x, y = page.evaluate(
        """id => {
        const net = r2pMap.network, p = net.getPositions([id])[id], d = net.canvasToDOM(p);
        const r = document.getElementById('map').getBoundingClientRect();
        return [r.left + d.x, r.top + d.y]; }""",
        node_id,
    )
    page.mouse.click(x, y)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_view_loads_offline_with_expected_counts(site, open_page, name):
    o = open_page(site / f"{name}.html")
    page = o.page
    assert page.evaluate("[r2pMap.nodeCount, r2pMap.edgeCount]") == list(EXPECTED[name])
    assert visible(page) == EXPECTED[name]
    assert page.locator("body").get_attribute("data-node-count") == str(EXPECTED[name][0])
    # vis-network drew every node: positions exist for each id in the page's data
    assert page.evaluate("Object.keys(r2pMap.network.getPositions()).length") == EXPECTED[name][0]
    assert o.errors == [] and o.blocked == []


def test_index_opens_offline_and_links_every_view(site, open_page):
    o = open_page(site / INDEX, ready=False)
    hrefs = o.page.eval_on_selector_all("main a", "as => as.map(a => a.getAttribute('href'))")
    assert {h for h in hrefs if h.endswith(".html")} == {f"{n}.html" for n in EXPECTED} | {"reading.html",
                                                                                           "handout.html"}
    assert all((site / h).exists() for h in hrefs)
    with o.page.expect_navigation():  # wait for the new page before asking it anything
        o.page.click("text=Overview: causes, risks and remedies")
    o.page.wait_for_function("window.r2pMap && window.r2pMap.ready === true", timeout=15000)
    assert o.errors == [] and o.blocked == []


def test_legend_and_filters(site, open_page):
    page = open_page(site / "overview.html").page
    legend = page.locator("#legend")
    for text in (
        "prevention measure",
        "risk factor",
        "increases risk of",
        "justice sector",
        "explicit consensus",
    ):
        assert legend.get_by_text(text, exact=True).is_visible()
    measures = page.locator('input[data-filter="cls"][data-key="r2p:PreventionMeasure"]')
    measures.uncheck()
    assert visible(page) == (6, 5)  # 4 measures gone, and every link touching them
    measures.check()
    assert visible(page) == (10, 11)
    page.locator('input[data-filter="sector"][data-key="r2p:JusticeSector"]').uncheck()
    assert visible(page)[0] == 8  # justice sector reform and the ombudsman
    page.locator('input[data-filter="sector"][data-key="r2p:JusticeSector"]').check()
    page.locator('input[data-filter="rel"][data-key="r2p:IncreasesRiskRelation"]').uncheck()
    assert visible(page) == (10, 8)
    page.click("#reset")
    assert visible(page) == (10, 11)


def test_consensus_filter_on_argument_map(site, open_page):
    page = open_page(site / "arguments.html").page
    page.locator('input[data-filter="consensus"][data-key="r2p:OneParticipant"]').uncheck()
    ids = page.evaluate("r2pMap.visibleNodeIds()")
    assert len(ids) == 9 and R + "claim-p22-02" not in ids and R + "claim-p11-03" not in ids


def test_the_breadth_legend_says_what_it_shows_on_each_map(site, open_page):
    """Claims show breadth by their border; a map of links alone filters by its claims' breadth, with no border."""
    group = '[data-group="consensus"]'
    claims = open_page(site / "arguments.html").page
    assert "the heavier the border" in claims.locator(f"{group} .help").inner_text()
    assert claims.locator(f"{group} .swatch").count() > 0
    links = open_page(site / "overview.html").page
    help_text = links.locator(f"{group} .help").inner_text()
    assert "claims behind each link" in help_text and "border" not in help_text
    assert links.locator(f"{group} .swatch").count() == 0
    assert links.locator(f"{group} label").count() > 0  # still a filter


def test_brief_breadth_legend_names_each_level_once(brief_maps):
    import json

    html = (brief_maps / "arguments.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/json" id="r2p-data">(.*?)</script>', html, re.S).group(1))
    labels = [c["label"] for c in data["legend"]["consensus"]]
    assert "breadth not stated" in labels  # the brief's rapporteur sentences: no breadth, said once
    assert all(label.count("not stated") == (1 if "not stated" in label else 0) for label in labels), labels


def test_search_finds_and_focuses_a_node(site, open_page):
    page = open_page(site / "overview.html").page
    page.fill("#search", "ombuds")
    assert page.locator("#matches button").all_inner_texts() == ["ombudsman"]
    page.press("#search", "Enter")
    assert page.evaluate("r2pMap.focused") == R + "ombudsman"
    panel = page.locator("#panel")
    assert panel.is_visible()
    assert panel.get_by_text("An independent office that hears complaints against the state.").is_visible()
    assert "Defined by" in panel.inner_text() and "the curators" in panel.inner_text()  # not the brief's words
    assert panel.get_by_text("Ombudsmen answer grievances").is_visible()
    assert sorted(page.evaluate("r2pMap.visibleNodeIds()")) == [R + "group-grievance", R + "ombudsman"]
    page.select_option("#depth", "2")
    assert visible(page)[0] == 3  # + mass atrocities, two steps away
    page.keyboard.press("Escape")
    assert visible(page) == (10, 11) and panel.is_hidden()


def test_click_opens_panel_with_claims_quotes_and_source(site, open_page):
    page = open_page(site / "overview.html").page
    click_node(page, R + "political-exclusion")
    panel = page.locator("#panel")
    assert panel.locator("h2").inner_text() == "political exclusion"
    assert panel.get_by_text("Exclusion raises atrocity risk").is_visible()
    assert panel.get_by_text("\u201cexclusion from power is a warning sign\u201d").is_visible()
    assert "When Do Mass Atrocities Occur?, paragraph 10" in panel.inner_text()


def test_presentation_frames_each_step_and_dims_the_rest(site, open_page):
    page = open_page(site / "pathways-political-exclusion.html", width=1920, height=1080).page
    n_steps = page.evaluate("r2pMap.stepCount")
    assert n_steps == 3  # two pathways sharing their first step (told once), a requirement
    page.keyboard.press("p")
    assert page.evaluate("r2pMap.step") == 0
    assert page.evaluate("r2pMap.stepNodeIds()") == [R + "political-exclusion", R + "power-sharing"]
    assert visible(page) == EXPECTED["pathways-political-exclusion"]  # dimmed, never hidden
    assert page.locator("#caption").is_visible()
    for i in range(n_steps):
        if i:
            page.keyboard.press("ArrowRight")
        assert page.evaluate("r2pMap.step") == i
        assert page.evaluate("r2pMap.labelPx()") >= 28
        assert page.evaluate("r2pMap.fullyOnScreen(r2pMap.stepNodeIds())")
        assert page.evaluate("document.querySelectorAll('#caption .step-narration').length") == 1
        assert page.evaluate(DRAWN_DIM_WRONG) == [], i  # drawn dimmed exactly when not in the step
    assert "Power sharing leads to societal resilience." in page.locator("#caption").inner_text()
    assert page.evaluate("r2pMap.network.getSelectedNodes().length") == 0  # no selection blobs
    page.keyboard.press("ArrowRight")  # stays on the last step
    assert page.evaluate("r2pMap.step") == n_steps - 1
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("r2pMap.step") == n_steps - 2
    page.keyboard.press("Escape")
    assert page.locator("#caption").is_hidden() and visible(page) == (5, 5)
    assert page.evaluate(DRAWN_DIM_WRONG) == []  # nothing left dimmed


DRAWN_DIM_WRONG = """() => { const b = r2pMap.network.body, on = r2pMap.stepNodeIds();
  return r2pMap.visibleNodeIds().filter(id =>
    (b.nodes[id].options.color.background === '#f3f4f6') !== (on.length > 0 && !on.includes(id))); }"""


def test_small_map_opens_whole_and_show_all_fits_it_above_scale_1(site, open_page):
    page = open_page(site / "pathways-group-grievance.html", width=1920, height=1080).page
    assert page.evaluate("r2pMap.fullyOnScreen(r2pMap.point)") and page.evaluate("r2pMap.point.length") == 2
    page.click("#reset")
    assert page.evaluate("r2pMap.network.getScale()") > 1.5
    assert page.evaluate("r2pMap.fullyOnScreen(r2pMap.visibleNodeIds())")


def test_png_export_is_print_resolution_and_svg_has_title_and_legend(site, open_page):
    page = open_page(site / "overview.html").page
    with page.expect_download() as info:
        page.click("#png")
    download = info.value
    assert download.suggested_filename == "overview.png"
    data = Path(download.path()).read_bytes()
    assert data[:8] == PNG_SIGNATURE and len(data) > 5000
    width, height = struct.unpack(">II", data[16:24])
    assert width >= 3000 and height > 1000
    url = page.evaluate("r2pMap.exportPNG()")
    assert base64.b64decode(url.split(",", 1)[1])[:8] == PNG_SIGNATURE
    desc = page.evaluate("document.querySelector('.desc').textContent")
    assert page.evaluate("r2pMap.lastExport.description") == desc  # the whole description, wrapped
    small = open_page(site / "pathways-group-grievance.html").page  # two nodes: drawn large, not at scale 1
    small.evaluate("r2pMap.exportPNG()")
    assert small.evaluate("r2pMap.lastExport.scale") > 2
    svg = page.evaluate("r2pMap.exportSVG()")
    assert svg.startswith("<svg") and "Overview: causes, risks and remedies" in svg and "Legend" in svg
    assert "raises risk" in svg and "Source: Fixture brief" in svg and svg.count("<ellipse") >= 5
    with page.expect_download() as info:
        page.click("#svg")
    assert info.value.suggested_filename == "overview.svg"


def _on_outline(svg_root, ns) -> tuple[int, list]:
    """Each link path's end against its target's drawn shape: (links checked, those not on the outline)."""
    shapes = {}
    for g in svg_root.iter(f"{ns}g"):
        if g.get("data-id"):
            shape = g.find(f"{ns}ellipse") if g.get("data-shape") == "ellipse" else g.find(f"{ns}rect")
            shapes[g.get("data-id")] = shape
    off, checked = [], 0
    for path in svg_root.iter(f"{ns}path"):
        if not path.get("data-to"):
            continue
        assert path.get("marker-end", "").startswith("url(#"), path.get("d")
        x, y = (float(v) for v in re.findall(r"-?[\d.]+", path.get("d"))[-2:])
        shape = shapes[path.get("data-to")]
        if shape.tag.endswith("ellipse"):
            cx, cy, rx, ry = (float(shape.get(a)) for a in ("cx", "cy", "rx", "ry"))
            on = abs(((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 - 1) < 0.03
        else:
            x0, y0 = float(shape.get("x")), float(shape.get("y"))
            x1, y1 = x0 + float(shape.get("width")), y0 + float(shape.get("height"))
            inside = x0 - 0.2 <= x <= x1 + 0.2 and y0 - 0.2 <= y <= y1 + 0.2
            on = inside and min(abs(x - x0), abs(x - x1), abs(y - y0), abs(y - y1)) < 0.2
        checked += 1
        if not on:
            off.append((path.get("data-to"), x, y))
    return checked, off


def test_svg_keeps_heads_on_the_outline_labels_legend_and_description(site, open_page):
    import xml.etree.ElementTree as ET

    page = open_page(site / "pathways-political-exclusion.html").page
    root = ET.fromstring(page.evaluate("r2pMap.exportSVG()"))
    ns = "{http://www.w3.org/2000/svg}"
    markers = {m.get("id"): m.get("class") for m in root.iter(f"{ns}marker")}
    links = [p for p in root.iter(f"{ns}path") if p.get("data-to")]
    assert len(links) == EXPECTED["pathways-political-exclusion"][1]
    # each link's head is the one the map draws (arrow: more of the target, bar: less, diamond: needs)
    drawn = dict((e[0], e[1]) for e in page.evaluate(DRAWN_EDGES))
    heads = sorted(markers[p.get("marker-end")[5:-1]].removeprefix("head-") for p in links)
    assert heads == sorted(drawn.values()) and {"arrow", "bar"} <= set(heads)
    checked, off = _on_outline(root, ns)
    assert checked == len(links) and off == []
    texts = [t.text for t in root.iter(f"{ns}text")]
    assert "mitigates" in texts  # edge labels
    assert "Legend" in texts and any(t and t.startswith("head: less of what it points at") for t in texts)
    assert any(t and t.startswith("line: stated") for t in texts)  # what a line's weight means travels with it
    assert root.find(f"{ns}desc").text == page.evaluate("document.querySelector('.desc').textContent")
    assert " ".join(t.text for t in root.iter(f"{ns}text") if t.get("class") == "description") == root.find(
        f"{ns}desc"
    ).text


def test_print_is_the_whole_map_on_one_page_and_a_tour_one_page_per_step(site, open_page, tmp_path):
    page = open_page(site / "overview.html").page
    page.evaluate("r2pMap.zoom(3)")  # a zoomed-in frame on screen: the print is still the whole map
    pdf = page.pdf(format="A4", landscape=True, print_background=True)
    assert pdf[:5] == b"%PDF-" and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    page.evaluate("r2pMap.preparePrint()")
    page.emulate_media(media="print")
    printed = page.locator("#print-pages svg")
    assert printed.count() == 1 and page.locator("#map").is_hidden()
    assert page.locator("#print-pages g[data-id]").count() == EXPECTED["overview"][0]  # every node, not a frame
    text = page.locator("#print-pages").inner_text()
    assert "Legend" in text and "raises risk" in text and "Source:" in text
    tour = open_page(site / "tour-exclusion.html").page
    steps = tour.evaluate("r2pMap.stepCount")
    pdf = tour.pdf(format="A4", landscape=True, print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == steps == 3
    tour.evaluate("r2pMap.preparePrint()")
    pages = tour.locator("#print-pages .print-page")
    assert pages.count() == steps
    assert "Being shut out of power is read as a sign of danger." in pages.nth(0).inner_text()
    assert "\u201caccountability required justice systems to grow\u201d" in pages.nth(2).inner_text()
    out = tmp_path / "tour.pdf"
    out.write_bytes(pdf)
    if shutil.which("pdftoppm"):  # the pages as images, each with its drawing (not blank)
        subprocess.run(["pdftoppm", "-r", "30", "-png", str(out), str(tmp_path / "p")], check=True)
        images = sorted(tmp_path.glob("p-*.png"))
        assert len(images) == steps and all(p.stat().st_size > 3000 for p in images)


def test_keys_work_after_clicking_a_control_and_pan_and_zoom(site, open_page):
    page = open_page(site / "overview.html").page
    page.locator('input[data-filter="cls"][data-key="r2p:PreventionMeasure"]').click()
    page.locator('input[data-filter="cls"][data-key="r2p:PreventionMeasure"]').click()
    page.keyboard.press("p")
    assert page.evaluate("r2pMap.step") == 0
    page.keyboard.press("Escape")
    page.click("#larger")
    before = page.evaluate("[r2pMap.network.getViewPosition().x, r2pMap.network.getScale()]")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("+")
    after = page.evaluate("[r2pMap.network.getViewPosition().x, r2pMap.network.getScale()]")
    assert after[0] > before[0] and after[1] > before[1]



def test_tab_reaches_the_nodes_on_screen_and_enter_opens_one(site, open_page):
    o = open_page(site / "arguments.html", width=1920, height=1080)
    page = o.page
    on_screen = page.evaluate("r2pMap.onScreenNodeIds()")
    page.focus("#map")
    page.keyboard.press("Tab")
    first = page.evaluate("r2pMap.reached")
    assert first in on_screen and page.evaluate("document.activeElement.id") == "map"
    assert page.evaluate("r2pMap.network.getSelectedNodes()") == [first]
    label = page.evaluate("id => r2pMap.network.body.data.nodes.get(id).label", first)
    assert page.locator("#announce").inner_text().startswith(label + ", ")
    page.keyboard.press("Tab")
    second = page.evaluate("r2pMap.reached")
    assert second in on_screen and second != first
    # reading order: the second is not above the first's row
    ys = page.evaluate("ids => ids.map(id => r2pMap.network.getPositions([id])[id].y)", [first, second])
    assert ys[1] >= ys[0] - page.evaluate("r2pMap.fontSize") * 2
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("r2pMap.reached") == first
    page.keyboard.press("Enter")
    assert page.evaluate("r2pMap.focused") == first and page.locator("#panel").is_visible()
    # past the last node Tab leaves the map: no keyboard trap
    for _ in range(len(page.evaluate("r2pMap.onScreenNodeIds()")) + 1):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") != "map"
    assert o.errors == []


OVERLAPS_AND_CROSSINGS = """() => {
  const net = r2pMap.network, ids = r2pMap.visibleNodeIds(), edges = r2pMap.visibleEdgeIds();
  const box = {}; ids.forEach(id => box[id] = net.getBoundingBox(id));
  const over = [];
  for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) {
    const a = box[ids[i]], b = box[ids[j]];
    if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1)
      over.push([ids[i], ids[j]]);
  }
  const cross = [];
  edges.forEach(eid => {
    const e = net.body.edges[eid];
    if (!e || e.fromId === e.toId) return;
    const via = e.edgeType.via || (e.edgeType._getViaCoordinates ? e.edgeType._getViaCoordinates() : undefined);
    for (let k = 1; k < 40; k++) {
      const p = e.edgeType.getPoint(k / 40, via);
      for (const id of ids) {
        if (id === e.fromId || id === e.toId) continue;
        const b = box[id];
        // over the node as drawn: inside its box, and for an ellipse inside the ellipse the box holds
        // (an edge may pass a corner of an ellipse's box without touching the node)
        const inBox = p.x > b.left + 2 && p.x < b.right - 2 && p.y > b.top + 2 && p.y < b.bottom - 2;
        const rx = (b.right - b.left) / 2 - 2, ry = (b.bottom - b.top) / 2 - 2;
        const dx = (p.x - (b.left + b.right) / 2) / rx, dy = (p.y - (b.top + b.bottom) / 2) / ry;
        if (inBox && (net.body.nodes[id].options.shape !== "ellipse" || dx * dx + dy * dy < 1)) {
          cross.push([eid, id]); k = 40; break;
        }
      }
    }
  });
  // edge labels as vis-network drew them: none within 4 units of another label or on a node
  // (vis-network draws the text vadjust below the box it keeps)
  const labels = edges.map(eid => net.body.edges[eid]).filter(e => e && e.options.label)
    .map(e => [e.labelModule.size, e.labelModule.fontOptions.vadjust || 0]);
  const meets = (a, b, g) =>
    a.left < b.right + g && b.left < a.right + g && a.top < b.bottom + g && b.top < a.bottom + g;
  const boxOf = ([s, v]) => ({ left: s.left, right: s.left + s.width, top: s.top + v, bottom: s.top + s.height + v });
  let clash = 0;
  labels.forEach((s, i) => {
    const a = boxOf(s);
    labels.slice(i + 1).forEach(t => { if (meets(a, boxOf(t), 4)) clash++; });
    ids.forEach(id => { if (meets(a, box[id], 0)) clash++; });
  });
  return [over.length, cross.length, clash];
}"""


def test_no_overlap_edge_through_a_box_or_label_clash_in_the_browser_even_after_a_plus(site, open_page):
    for name in sorted(EXPECTED):
        page = open_page(site / f"{name}.html").page
        assert page.evaluate(OVERLAPS_AND_CROSSINGS) == [0, 0, 0], name
        page.click("#larger")
        page.click("#larger")
        assert page.evaluate("r2pMap.fontSize") > 30
        assert page.evaluate(OVERLAPS_AND_CROSSINGS) == [0, 0, 0], name


LABELS_OUTSIDE = """() => r2pMap.visibleNodeIds().filter(id => {
  const n = r2pMap.network.body.nodes[id], b = r2pMap.network.getBoundingBox(id), s = n.labelModule.size;
  const h = b.bottom - b.top, w = b.right - b.left, top = b.top + n.options.margin.top;
  if (s.width > w + 1) return true;  // any shape: the label no wider than the outline
  // a cylinder (institution): the label below the lid (its top third) and above the bottom
  return n.options.shape === 'database' && (top < b.top + h / 3 - 1 || top + s.height > b.bottom + 1);
})"""


# Labels a room reads at 1920x1080: never below 28 px (the back of a 30-person room), and a first
# frame or step never blows a few nodes up past 42 px (1.5 times that) to fill the screen.
READABLE_RANGE = (28, 42)

# The labels (node outlines, edge labels) the frame cuts: partly inside the map's canvas, partly
# outside it or under the narration column, measured as vis-network drew them. With lit=true only
# the labels the frame is for: a step's nodes and the links between them (every label when the
# map does not present a step).
CUT_LABELS = """lit => {
  const net = r2pMap.network, map = document.getElementById('map'), r = map.getBoundingClientRect();
  net.redraw();
  const cap = document.getElementById('caption');
  const right = cap && !cap.hidden ? Math.min(r.width, cap.getBoundingClientRect().left - r.left) : r.width;
  const step = r2pMap.stepNodeIds(), on = id => !lit || !step.length || step.includes(id);
  const boxes = r2pMap.visibleNodeIds().filter(on)
    .map(id => [net.body.data.nodes.get(id).label, net.getBoundingBox(id)]);
  r2pMap.visibleEdgeIds().forEach(id => {
    const e = net.body.edges[id];
    if (!e || !e.options.label || !(on(e.fromId) && on(e.toId))) return;
    const s = e.labelModule.size, v = e.labelModule.fontOptions.vadjust || 0;
    boxes.push([e.options.label,
                { left: s.left, right: s.left + s.width, top: s.top + v, bottom: s.top + s.height + v }]);
  });
  return boxes.filter(([, b]) => {
    const a = net.canvasToDOM({ x: b.left, y: b.top }), z = net.canvasToDOM({ x: b.right, y: b.bottom });
    const meets = z.x > 0 && a.x < right && z.y > 0 && a.y < r.height;
    const inside = a.x >= -1 && z.x <= right + 1 && a.y >= -1 && z.y <= r.height + 1;
    return meets && !inside;
  }).map(([label]) => label);
}"""
# The quote's source line (speaker, breadth, paragraph) of a step is on screen: inside the narration column's
# visible part (not scrolled below it) and above the compact key.
SOURCE_SHOWN = """() => { const cap = document.getElementById('caption'), key = document.getElementById('key');
  const src = cap.querySelector('figcaption');
  if (!src) return true;
  const b = src.getBoundingClientRect().bottom;
  return b <= cap.getBoundingClientRect().bottom + 1 && (!key || b <= key.getBoundingClientRect().top + 1);
}"""
MAP_LEFT_OF_CAPTION = """() => { const cap = document.getElementById('caption');
  const map = document.getElementById('map').getBoundingClientRect();
  return cap.hidden || map.right <= cap.getBoundingClientRect().left + 1; }"""


def test_brief_every_first_frame_and_tour_step_reads_at_28px_with_no_label_clash(brief_maps, open_page, capsys):
    lo, hi = READABLE_RANGE
    sizes = []
    left: dict[str, int] = {}
    guided = 0
    cut_context: dict[str, int] = {}  # dimmed labels of the context a dense map's frame cannot avoid cutting
    for f in map_pages(brief_maps):
        o = open_page(f, ready=False, width=1920, height=1080)
        page = o.page
        page.wait_for_selector("body[data-ready='1']", state="attached", timeout=20000)
        first = page.evaluate("r2pMap.labelPx()")
        sizes.append(first)
        first_step = page.evaluate("r2pMap.step")
        point_whole = page.evaluate("r2pMap.fullyOnScreen(r2pMap.point)")
        # The first frame, as the page opens: readable, not huge, no label cut by the canvas edge
        # or by the narration column.
        assert lo <= first <= hi, (f.name, first)
        assert page.evaluate(CUT_LABELS, True) == [], (f.name, "labels cut in the first frame")
        assert page.evaluate(MAP_LEFT_OF_CAPTION), f.name
        context_cut = page.evaluate(CUT_LABELS, False)
        if f.name.startswith(("pathways-", "requirements")):  # sparse maps: not even a dimmed label cut
            assert context_cut == [], (f.name, "labels cut in the first frame")
        cut_context[f.name] = len(context_cut)
        guided += first_step is not None and not f.name.startswith("tour-")
        opening = page.evaluate("r2pMap.stepNodeIds()") if f.name.startswith("tour-") else None
        if f.name.startswith("tour-"):
            for i in range(page.evaluate("r2pMap.stepCount")):
                page.evaluate(f"r2pMap.present.go({i})")
                px = page.evaluate("r2pMap.labelPx()")
                sizes.append(px)
                assert lo <= px <= hi and page.evaluate("r2pMap.fullyOnScreen(r2pMap.stepNodeIds())"), (f.name, i, px)
                assert page.evaluate(CUT_LABELS, True) == [], (f.name, i, "labels cut")
                assert page.evaluate(SOURCE_SHOWN), (f.name, i, "the quote's source is hidden")
                cut_context[f"{f.name} step {i + 1}"] = len(page.evaluate(CUT_LABELS, False))
            assert opening
        # The first frame holds every node the map exists to show, or the map opens on its first step.
        if f.name.startswith("tour-") or first_step is not None:
            assert first_step == 0, f.name
        else:
            assert point_whole, (f.name, "point cropped")
        page.click("#reset")  # Show all: the whole map, at any scale (above 1 for a small map)
        assert page.evaluate("r2pMap.fullyOnScreen(r2pMap.visibleNodeIds())"), (f.name, "show all")
        if f.name.startswith("tour-"):
            page.evaluate("r2pMap.present.go(0)")
        assert page.evaluate(LABELS_OUTSIDE) == [], f.name
        crossings = page.evaluate(OVERLAPS_AND_CROSSINGS)
        assert crossings[0] == 0 and crossings[2] == 0, (f.name, "node overlaps, -, label clashes", crossings)
        left[f.name] = crossings[1]
        assert o.errors == [] and o.blocked == [], f.name
        page.context.close()
    assert guided >= 3  # the maps that open on a guided first step were among them
    with capsys.disabled():
        print(f"\nlabel px at 1920x1080: min {min(sizes):.1f}, max {max(sizes):.1f} over {len(sizes)} frames")
        print("edges over a box (browser):", {k: v for k, v in left.items() if v} or "none")
        print("dimmed labels cut at the canvas edge:", {k: v for k, v in cut_context.items() if v} or "none")
    assert not any(left.values()), left


def test_brief_a_1280x720_projector_shows_each_frame_as_1920x1080_does_two_thirds_the_size(brief_maps, open_page):
    """The commonest classroom projector: the page is the 1920x1080 picture scaled to fit, so every first
    frame and tour step holds its nodes whole with its quote's source on screen, and labels and the
    page's type keep their share of the screen (28 px of 1080 lines is 18.7 px of 720)."""
    scale = 720 / 1080
    lo, hi = (x * scale for x in READABLE_RANGE)
    for f in map_pages(brief_maps):
        o = open_page(f, ready=False, width=1280, height=720)
        page = o.page
        page.wait_for_selector("body[data-ready='1']", state="attached", timeout=20000)
        assert page.evaluate("r2pMap.readableRange()") == pytest.approx([lo, hi]), f.name
        sizes = page.evaluate("""() => ['header h1', '#search', 'nav#legend h2'].map(
            s => parseFloat(getComputedStyle(document.querySelector(s)).fontSize))""")
        assert sizes == pytest.approx([26 * scale, 18 * scale, 19 * scale], abs=0.05), f.name
        first = [page.evaluate("r2pMap.labelPx()")]
        whole = [page.evaluate("r2pMap.fullyOnScreen(r2pMap.step === null ? r2pMap.point : r2pMap.stepNodeIds())")]
        cut = [page.evaluate(CUT_LABELS, True)]
        shown = []
        if f.name.startswith("tour-"):
            for i in range(page.evaluate("r2pMap.stepCount")):
                page.evaluate(f"r2pMap.present.go({i})")
                first.append(page.evaluate("r2pMap.labelPx()"))
                whole.append(page.evaluate("r2pMap.fullyOnScreen(r2pMap.stepNodeIds())"))
                cut.append(page.evaluate(CUT_LABELS, True))
                shown.append(page.evaluate(SOURCE_SHOWN))
        assert all(lo - 1e-6 <= px <= hi + 1e-6 for px in first), (f.name, first)
        assert all(whole) and not any(cut), (f.name, whole, cut)
        assert all(shown), (f.name, "a step's quote source is below the fold", shown)
        assert o.errors == [] and o.blocked == [], f.name
        page.context.close()


def test_brief_the_compact_key_says_what_each_colour_and_weight_is(brief_maps, open_page):
    """Presenting, only the compact key explains the lines: on the arguments map that is support and attack (its
    colours) and the thin line of the curators' readings, on the overview the effect on risk and the head."""
    keys = {}
    for name in ("arguments.html", "overview.html"):
        o = open_page(brief_maps / name, ready=False, width=1920, height=1080)
        o.page.wait_for_selector("body[data-ready='1']", state="attached", timeout=20000)
        keys[name] = o.page.evaluate("[...document.querySelectorAll('#key li')].map(li => li.lastChild.textContent)")
        o.page.context.close()
    assert {"support", "attack", "thin: supposed, asked or the curators' reading"} <= set(keys["arguments.html"])
    assert {"raises risk or harm", "more of what it points at"} <= set(keys["overview.html"])
    assert "support" not in keys["overview.html"]


# The share of the map's width (left of the caption) that the nodes on screen span, as the frame opens.
SPAN_OF_NODES = """() => { const net = r2pMap.network, w = document.getElementById('map').getBoundingClientRect().width;
  const xs = r2pMap.onScreenNodeIds().flatMap(id => { const b = net.getBoundingBox(id);
    return [net.canvasToDOM({x: b.left, y: b.top}).x, net.canvasToDOM({x: b.right, y: b.bottom}).x]; });
  return (Math.min(w, Math.max(...xs)) - Math.max(0, Math.min(...xs))) / w; }"""


def test_brief_requirements_first_frame_shows_the_next_stage_beside_the_first(brief_maps, open_page):
    """The first stage's nodes have their next column close on the right: a frame that cuts no label by leaving
    that column out put them against the caption with the left half of the screen empty. A slightly smaller
    scale takes the column in."""
    page = open_page(brief_maps / "requirements.html", ready=False, width=1920, height=1080).page
    page.wait_for_selector("body[data-ready='1']", state="attached", timeout=20000)
    assert page.evaluate(SPAN_OF_NODES) >= 0.7
    on_screen, first_stage = page.evaluate("r2pMap.onScreenNodeIds()"), page.evaluate("r2pMap.stepNodeIds()")
    assert set(first_stage) < set(on_screen)  # the next stage's nodes too, dimmed
    assert page.evaluate(CUT_LABELS, False) == []
    page.context.close()


FIRST_STAGE = re.compile(r"Stage 1: (?P<lead>.+?)(?: and (?P<more>\d+) more)? to start from")
LATER_STAGE = re.compile(r"Stage (?P<n>\d+): (?P<lead>.+?) \((?P<k>\d+) prerequisites?\)(?: and (?P<more>\d+) more)?")
PART = re.compile(r" \(\d+ of \d+\)$")  # a step split to fit one frame


def _labels_named(caption: str, labels: set[str]) -> set[str]:
    """The node labels a caption names (a label inside a longer named one is not counted apart)."""
    named = {lb for lb in labels if re.search(rf"(?<!\w){re.escape(lb)}(?!\w)", caption)}
    return {lb for lb in named if not any(lb != other and lb in other for other in named)}


def test_brief_step_titles_are_short_and_say_what_the_step_is_about(brief_maps, open_page):
    """A step's title is what a trainer would write: never a list of the step's nodes. The
    requirements map's stages name the node they are about and count the rest, truly."""
    for f in map_pages(brief_maps):
        data = embedded(f.read_text(encoding="utf-8"))
        labels = {n["label"] for n in data["nodes"]}
        for s in data["steps"]:
            assert len(_labels_named(s["caption"], labels)) <= 3, (f.name, s["caption"])
    data = embedded((brief_maps / "requirements.html").read_text(encoding="utf-8"))
    label = {n["id"]: n["label"] for n in data["nodes"]}
    needs: dict[str, set[str]] = {}
    for e in data["edges"]:
        if e["r2p"]["rel"] in ("r2p:requires", "r2p:RequiresRelation"):
            needs.setdefault(e["from"], set()).add(e["to"])
        elif e["r2p"]["rel"] == "r2p:EnablesRelation":
            needs.setdefault(e["to"], set()).add(e["from"])
    stages: dict[str, list[str]] = {}
    for s in data["steps"]:
        stages.setdefault(PART.sub("", s["caption"]), []).extend(s["nodes"])
    assert len(stages) >= 3
    for number, (title, nodes) in enumerate(stages.items(), 1):
        assert len(title) <= 80, title
        m = (FIRST_STAGE if number == 1 else LATER_STAGE).fullmatch(title)
        assert m, title
        lead = [n for n in nodes if label[n] == m["lead"]]
        assert len(lead) == 1, title  # the node the stage is about is one of its own
        assert int(m["more"] or 0) == len(nodes) - 1, title
        if number > 1:
            assert int(m["n"]) == number and int(m["k"]) == len(needs.get(lead[0], ())), title
    # Projected, the first step's title, narration and quote fit the narration column unscrolled.
    page = open_page(brief_maps / "requirements.html", ready=False, width=1920, height=1080).page
    page.wait_for_selector("body[data-ready='1']", state="attached", timeout=20000)
    assert page.locator("#caption h2").inner_text() == data["steps"][0]["caption"]
    assert page.evaluate("(c => c.scrollHeight <= c.clientHeight + 1)(document.getElementById('caption'))")


DRAWN_EDGES = """() => Object.values(r2pMap.network.body.edges).map(e => [
  e.id, e.options.arrows.to.type, e.options.color.color, !!e.options.dashes])"""


def test_brief_every_drawn_link_reads_right_head_by_relation_colour_by_risk(brief_maps, open_page, repo_graph):
    """An arrowhead means more of the target, a bar less of it; vermilion solid raises risk, blue dashed lowers it,
    grey says nothing of risk (a link into a node that is neither a risk or harm nor a preventive outcome)."""
    polarity = {str(r["l"]): int(r["p"]) for r in repo_graph.select(
        "SELECT ?l ?p WHERE { ?l a r2p:CausalLink ; r2p:relation/r2p:polarity ?p }")}
    def into(classes: str) -> set[str]:
        return {str(r["l"]) for r in repo_graph.select(
            "SELECT ?l WHERE { ?l a r2p:CausalLink ; r2p:effect ?t . ?t a/rdfs:subClassOf* ?c "
            f"VALUES ?c {{ {classes} }} }}")}

    harmful, protective = into("r2p:RiskFactor r2p:Harm"), into("r2p:PreventiveOutcome")
    risk_style = {"raises": ("#d55e00", False), "lowers": ("#0072b2", True), "unstated": ("#6b7280", False)}
    seen = 0
    for f in map_pages(brief_maps):
        o = open_page(f, width=1920, height=1080)
        for eid, head, colour, dashed in o.page.evaluate(DRAWN_EDGES):
            if eid not in polarity or polarity[eid] == 0:
                continue
            p = polarity[eid]
            assert head == ("arrow" if p > 0 else "bar"), (f.name, eid, head)
            effect = ("unstated" if eid not in harmful | protective
                      else "raises" if (p > 0) == (eid in harmful) else "lowers")
            assert (colour, dashed) == risk_style[effect], (f.name, eid, colour, dashed)
            seen += 1
        o.page.context.close()
    assert seen > 150  # every view's causal links, the overview's 98 among them


def test_reading_view_opens_claims_and_maps(site, open_page):
    o = open_page(site / "reading.html", ready=False)
    page = o.page
    page.wait_for_selector("body[data-ready='1']", state="attached", timeout=10000)
    marks = page.locator("mark")
    assert marks.count() == 2
    assert page.locator("#p1 .count").inner_text() == "1 claim"
    assert page.locator("#p4 .count").inner_text() == "0 claims"
    marks.first.click()
    panel = page.locator("#panel")
    assert panel.is_visible() and "Exclusion raises atrocity risk" in panel.inner_text()
    assert "explicit consensus" in panel.inner_text()
    assert panel.locator("a[href='overview.html']").count() == 1
    marks.nth(1).focus()
    page.keyboard.press("Enter")
    assert "Security and justice reform go together" in panel.inner_text()
    assert o.errors == [] and o.blocked == []


CONTRAST = """() => {
  const lum = rgb => { const [r, g, b] = rgb.match(/\\d+/g).slice(0, 3).map(v => {
      v = v / 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const page = getComputedStyle(document.body).backgroundColor;
  return Array.from(document.querySelectorAll('mark')).map(m => {
    const s = getComputedStyle(m);
    return [ratio(s.backgroundColor, page), ratio(s.color, s.backgroundColor)]; });
}"""


def test_brief_reading_view_lit_quotes_stand_out_from_the_page(brief_maps, open_page):
    """Measured in the browser: every lit quote's fill at least 3:1 against the page, its text 4.5:1 on the fill."""
    o = open_page(brief_maps / "reading.html", ready=False, width=1920, height=1080)
    o.page.wait_for_selector("body[data-ready='1']", state="attached", timeout=10000)
    ratios = o.page.evaluate(CONTRAST)
    assert len(ratios) > 150
    assert min(r[0] for r in ratios) >= 3.0, min(r[0] for r in ratios)
    assert min(r[1] for r in ratios) >= 4.5, min(r[1] for r in ratios)


def test_present_resumes_keeps_the_trainers_zoom_and_esc_returns_to_the_frame(site, open_page):
    page = open_page(site / "tour-exclusion.html", width=1920, height=1080).page  # opened, then stopped
    page.keyboard.press("p")
    assert page.evaluate("r2pMap.step") == 0
    page.keyboard.press("ArrowRight")
    page.keyboard.press("p")  # P never stops or restarts a running tour
    assert page.evaluate("r2pMap.step") == 1
    assert page.locator("#present").inner_text() == "Stop" and page.locator("#present").is_visible()
    page.click("#larger")
    page.click("#larger")
    page.keyboard.press("ArrowRight")  # A+ survives a step change: labels stay 1.44 times the readable size
    assert page.evaluate("r2pMap.textScale") == pytest.approx(1.44)
    assert page.evaluate("r2pMap.labelPx()") >= 28 * 1.44
    page.keyboard.press("Escape")
    assert page.evaluate("r2pMap.step") is None
    page.keyboard.press("p")  # presenting again resumes where the trainer left off
    assert page.evaluate("r2pMap.step") == 2
    page.click("#present")  # the visible Stop
    assert page.evaluate("r2pMap.step") is None
    # Esc after a focus returns to the frame before it, not to the whole map
    page.evaluate("r2pMap.zoom(1.5)")
    before = page.evaluate("[r2pMap.network.getScale(), r2pMap.network.getViewPosition()]")
    page.evaluate(f"r2pMap.focus('{R}power-sharing')")
    page.keyboard.press("Escape")
    after = page.evaluate("[r2pMap.network.getScale(), r2pMap.network.getViewPosition()]")
    assert after[0] == pytest.approx(before[0]) and after[1]["x"] == pytest.approx(before[1]["x"], abs=1)


def test_hostile_labels_render_as_text(hostile_site, open_page):
    for page_file in sorted(hostile_site.glob("*.html")):
        o = open_page(page_file, ready=page_file.name not in (INDEX, "handout.html"))
        assert o.dialogs == [] and o.errors == [] and o.blocked == [], page_file.name
    o = open_page(hostile_site / "overview.html")
    page = o.page
    risk = R + "hostile-risk"
    page.fill("#search", "<script>")
    assert page.locator("#matches button").all_inner_texts() == ["<script>alert('label')</script> grievance"]
    page.press("#search", "Enter")
    panel = page.locator("#panel")
    assert page.evaluate("r2pMap.focused") == risk
    assert panel.locator("h2").inner_text() == "<script>alert('label')</script> grievance"
    assert panel.get_by_text("<img src=x onerror=alert('definition')> & friends").is_visible()
    assert panel.get_by_text("\u201c<img src=x onerror=alert('quote')> quoted\u201d").is_visible()
    assert panel.get_by_text("<b onmouseover=alert('claim')>bold claim</b>").is_visible()
    # hover the node so the map shows its tooltip, built from DOM text
    page.keyboard.press("Escape")
    page.mouse.move(5, 400)
    x, y = page.evaluate(
        """id => { const net = r2pMap.network, d = net.canvasToDOM(net.getPositions([id])[id]);
        const r = document.getElementById('map').getBoundingClientRect();
        return [r.left + d.x, r.top + d.y]; }""",
        risk,
    )
    page.mouse.move(x, y)
    page.wait_for_function(
        """t => { const e = document.querySelector('#tip .tip-title');
        return e && e.offsetParent !== null && e.textContent === t; }""",
        arg="<script>alert('label')</script> grievance",
        timeout=5000,
    )
    assert page.evaluate("document.images.length") == 0
    assert page.evaluate("document.querySelectorAll('iframe, b, #panel script').length") == 0
    assert o.dialogs == [] and o.errors == []
    # the tour: caption, narration and quote are text
    t = open_page(hostile_site / "tour-hostile.html").page
    t.evaluate("r2pMap.present.go(0)")
    cap = t.locator("#caption")
    assert "<img src=x onerror=alert('caption')> caption" in cap.inner_text()
    assert "<b onmouseover=alert('narration')>narration</b>" in cap.inner_text()
    assert "\u201c<img src=x onerror=alert('quote')> quoted\u201d" in cap.inner_text()
    assert t.evaluate("document.images.length + document.querySelectorAll('b, iframe').length") == 0
    assert "<script>alert('tour title')</script> tour" in t.locator("h1").inner_text()
    # the reading view: the brief's text and the quote stay text
    r = open_page(hostile_site / "reading.html", ready=False)
    r.page.wait_for_selector("body[data-ready='1']", state="attached", timeout=10000)
    assert "<script>alert('text')</script>" in r.page.locator("#p5").inner_text()
    r.page.locator("#p5 mark").first.click()
    assert "<b onmouseover=alert('claim')>bold claim</b>" in r.page.locator("#panel").inner_text()
    assert r.page.evaluate("document.images.length + document.querySelectorAll('b, iframe, main script').length") == 0
    assert r.dialogs == [] and r.errors == []


def test_large_map_starts_readable_and_show_all_fits_it(tmp_path, open_page, repo_graph):
    """The brief's overview is too big to read whole: it opens on its first step at 28 px; Show all fits it."""
    from graph.render import render_views

    render_views(repo_graph, tmp_path, ["overview"], index=False)
    page = open_page(tmp_path / "overview.html", ready=False, width=1920, height=1080).page
    page.wait_for_selector("body[data-ready='1']", state="attached", timeout=15000)
    assert page.evaluate("r2pMap.step") == 0 and page.locator("#caption").is_visible()
    assert page.evaluate("r2pMap.labelPx()") >= 28 - 1e-6
    assert page.evaluate("r2pMap.fullyOnScreen(r2pMap.stepNodeIds())")
    start = page.evaluate("window.r2pMap.network.getScale()")
    page.click("#reset")
    assert page.evaluate("window.r2pMap.network.getScale()") < start
    assert page.evaluate("r2pMap.fullyOnScreen(r2pMap.visibleNodeIds())")


def test_a_very_large_map_draws_its_subject_first_and_streams_the_rest(tmp_path, open_page):
    """Over 800 nodes, vis-network is handed the nodes nearest the opening frame first, the rest in slices."""
    from graph.render import render_views

    n = 1000
    lines = [
        "@prefix r2p: <https://w3id.org/r2pkg/ontology#> .",
        "@prefix r2pr: <https://w3id.org/r2pkg/resource/> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
    ]
    pairs = sorted({(i, (i * 7 + 1) % n) for i in range(n)} | {(i, (i * 13 + 5) % n) for i in range(n)})
    lines += [f'r2pr:n{i} a r2p:StructuralRiskFactor ; rdfs:label "factor {i}"@en .' for i in range(n)]
    lines += [
        f"r2pr:l{k} a r2p:CausalLink ; r2p:cause r2pr:n{a} ; r2p:effect r2pr:n{b} ; "
        "r2p:relation r2p:IncreasesRiskRelation ."
        for k, (a, b) in enumerate(pairs)
    ]
    (tmp_path / "big.ttl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    render_views(load_graph([ontology_file(), tmp_path / "big.ttl"]), tmp_path, ["overview"], index=False)
    o = open_page(tmp_path / "overview.html", width=1920, height=1080)
    page = o.page
    first = page.evaluate("r2pMap.firstNodeIds")
    assert 0 < len(first) < n
    assert page.evaluate("r2pMap.labelPx()") >= 28
    page.wait_for_selector("body[data-loaded='1']", state="attached", timeout=30000)
    handed = "[Object.keys(r2pMap.network.body.nodes).length, Object.keys(r2pMap.network.body.edges).length]"
    assert page.evaluate(handed) == [n, len(pairs)]
    # the opening frame was whole at the first drawing: every node on screen now was in it
    assert set(page.evaluate("r2pMap.onScreenNodeIds()")) <= set(first)
    assert o.errors == []
    # A command given while the rest streams in takes the whole map first. The focus is given
    # the moment the page is ready: a mutation observer runs before the first slice can.
    o2 = open_page(tmp_path / "overview.html", width=1920, height=1080, ready=False)
    page2 = o2.page
    page2.add_init_script(
        """new MutationObserver((m, obs) => {
          if (!document.body || !document.body.dataset.ready) return;
          obs.disconnect();
          const count = () => Object.keys(r2pMap.network.body.nodes).length, before = count();
          r2pMap.focus("%s");
          const shown = r2pMap.visibleNodeIds();
          window.__focus = [before, count(), shown, Object.keys(r2pMap.network.getPositions(shown)).length];
        }).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-ready"] });"""
        % (R + "n0")
    )
    page2.reload()
    page2.wait_for_selector("body[data-loaded='1']", state="attached", timeout=15000)
    before, after, shown, drawn = page2.evaluate("window.__focus")
    hood = {R + "n0"} | {R + f"n{b}" for a, b in pairs if a == 0} | {R + f"n{a}" for a, b in pairs if b == 0}
    assert before < n and after == n
    assert set(shown) == hood and drawn == len(hood)
    assert o2.errors == []
