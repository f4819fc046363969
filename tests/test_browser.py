"""The maps in real headless Chromium, opened from file:// with every network request blocked."""

from __future__ import annotations

import base64
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from test_render import EXPECTED

from graph.render import INDEX, build_site
from graph.render.chromium import CHROMIUM as CHROMIUM_PATH
from graph.render.chromium import CHROMIUM_ARGS
from graph.resources import ontology_file
from graph.store import load_graph

CHROMIUM = Path(CHROMIUM_PATH)
if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Chromium at {CHROMIUM} (apt-get install -y chromium)", allow_module_level=True
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package")

ARGS = CHROMIUM_ARGS
FIX = Path(__file__).resolve().parent / "fixtures" / "render"
R = "https://w3id.org/r2pkg/resource/"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _site(tmp_path_factory, name: str, files: list[str]) -> Path:
    kg = load_graph([ontology_file(), *(FIX / f for f in files)], derive=False)
    out = tmp_path_factory.mktemp(name)
    build_site(kg, out)
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return _site(tmp_path_factory, "site", ["brief.ttl", "brief-derived.ttl"])


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    return _site(tmp_path_factory, "hostile", ["brief.ttl", "brief-derived.ttl", "hostile.ttl"])


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
            page.wait_for_function("window.r2pMap && window.r2pMap.ready === true", timeout=15000)
        return o

    yield go
    for ctx in contexts:
        ctx.close()


def visible(page) -> tuple[int, int]:
    return tuple(page.evaluate("[r2pMap.visibleNodeIds().length, r2pMap.visibleEdgeIds().length]"))


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
    assert {h for h in hrefs if h.endswith(".html")} == {f"{n}.html" for n in EXPECTED}
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


def test_search_finds_and_focuses_a_node(site, open_page):
    page = open_page(site / "overview.html").page
    page.fill("#search", "ombuds")
    assert page.locator("#matches button").all_inner_texts() == ["ombudsman"]
    page.press("#search", "Enter")
    assert page.evaluate("r2pMap.focused") == R + "ombudsman"
    panel = page.locator("#panel")
    assert panel.is_visible()
    assert panel.get_by_text("An independent office that hears complaints against the state.").is_visible()
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


def test_presentation_mode_steps_through_a_pathway(site, open_page):
    page = open_page(site / "pathways-political-exclusion.html").page
    n_steps = page.evaluate("r2pMap.stepCount")
    assert n_steps == 5
    page.keyboard.press("p")
    assert page.evaluate("r2pMap.step") == 0
    assert page.evaluate("r2pMap.visibleNodeIds()") == [R + "political-exclusion"]
    assert page.locator("#caption").is_visible()
    seen = [visible(page)]
    for _ in range(n_steps - 1):
        page.keyboard.press("ArrowRight")
        seen.append(visible(page))
    assert page.evaluate("r2pMap.step") == n_steps - 1
    assert seen == [(1, 0), (2, 1), (4, 4), (4, 4), (5, 5)]
    assert "step 2: power sharing leads to societal resilience" in page.locator("#caption").inner_text()
    page.keyboard.press("ArrowRight")  # stays on the last step
    assert page.evaluate("r2pMap.step") == n_steps - 1
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("r2pMap.step") == n_steps - 2
    page.keyboard.press("Escape")
    assert page.locator("#caption").is_hidden() and visible(page) == (5, 5)


def test_png_export_downloads_an_image(site, open_page):
    page = open_page(site / "overview.html").page
    with page.expect_download() as info:
        page.click("#png")
    download = info.value
    assert download.suggested_filename == "overview.png"
    data = Path(download.path()).read_bytes()
    assert data[:8] == PNG_SIGNATURE and len(data) > 5000
    width, height = struct.unpack(">II", data[16:24])
    assert width > 300 and height > 200
    # the same image straight from the API, as a data URL
    url = page.evaluate("r2pMap.exportPNG()")
    assert base64.b64decode(url.split(",", 1)[1])[:8] == PNG_SIGNATURE


def test_hostile_labels_render_as_text(hostile_site, open_page):
    for page_file in sorted(hostile_site.glob("*.html")):
        o = open_page(page_file, ready=page_file.name != INDEX)
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
    # hover the node so vis-network shows its tooltip, built from DOM text
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
        """t => { const e = document.querySelector('div.vis-tooltip .tip-title');
        return e && e.offsetParent !== null && e.textContent === t; }""",
        arg="<script>alert('label')</script> grievance",
        timeout=5000,
    )
    assert page.evaluate("document.images.length") == 0
    assert page.evaluate("document.querySelectorAll('iframe, b, #panel script').length") == 0
    assert o.dialogs == [] and o.errors == []


def test_large_map_starts_readable_and_show_all_fits_it(tmp_path, open_page, repo_graph):
    """The brief's overview is too big to read fitted whole: it opens zoomed to a readable scale."""
    from graph.render import render_views

    render_views(repo_graph, tmp_path, ["overview"], index=False)
    page = open_page(tmp_path / "overview.html").page
    font = page.evaluate("window.r2pMap.fontSize")
    start = page.evaluate("window.r2pMap.network.getScale()")
    assert start * font >= 16 - 1e-6
    assert "zoomed in to read" in page.locator("#status").inner_text()
    page.click("#reset")
    assert page.evaluate("window.r2pMap.network.getScale()") < start
