"""The printable handout page: the same text as the Markdown handout, escaped, self-contained, and printed by
headless Chromium on A4 and on Letter without anything running off the page."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import FIXTURES

from graph import load_graph
from graph.pathways import derive_pathways, to_markdown
from graph.pathways.handout_page import PAGE_NAME, to_html
from graph.render.chromium import CHROMIUM, CHROMIUM_ARGS
from graph.resources import data_dir, ontology_file

FIXTURE_INPUTS = [ontology_file(), data_dir() / "sources.ttl", FIXTURES / "pathways" / "brief.ttl"]


@pytest.fixture(scope="module")
def report():
    return derive_pathways(load_graph(FIXTURE_INPUTS))


def test_page_says_what_the_markdown_says_in_the_same_order(report):
    page, text = to_html(report), to_markdown(report)
    md_parts = re.findall(r"^## (.+)$", text, flags=re.M)
    html_parts = [p.replace("&#x27;", "'") for p in re.findall(r"<h2>(.+?)</h2>", page)]
    assert html_parts == md_parts and len(md_parts) >= 4
    md_quotes = re.findall(r"^\s*> “(.+?)” — ", text, flags=re.M)
    html_quotes = [q.replace("&#x27;", "'") for q in re.findall(r"<q>(.+?)</q>", page)]
    assert html_quotes == md_quotes


def test_page_escapes_data_and_loads_nothing(report):
    risk = report.pathways[0].risk
    evil = replace(report, labels={**report.labels, risk: "<script>alert(1)</script>"})
    page = to_html(evil)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "default-src 'none'" in page  # the page may load nothing


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Chromium at {CHROMIUM}")
@pytest.mark.parametrize("paper, width_mm, size_pts", [("A4", 210, (595.92, 842.88)), ("Letter", 215.9, (612, 792))])
def test_page_prints_on_a4_and_letter(report, tmp_path, paper, width_mm, size_pts):
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / PAGE_NAME
    page_file.write_text(to_html(report), encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": round((width_mm - 30) / 25.4 * 96), "height": 900})
            page.goto(page_file.as_uri())
            page.emulate_media(media="print")
            # nothing wider than the printable width (paper less the 15 mm margins on each side)
            assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
            assert page.evaluate("getComputedStyle(document.querySelector('nav')).display") == "none"
            pdf = page.pdf(format=paper)
        finally:
            browser.close()
    assert pdf.startswith(b"%PDF")
    boxes = {tuple(round(float(x), 2) for x in m.groups())
             for m in re.finditer(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)}
    assert boxes == {size_pts}
