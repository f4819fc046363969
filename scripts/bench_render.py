"""Benchmark: time to interactive of a large map, against bare vis-network and pyvis's own page.

A synthetic graph of 2,000 domain nodes and 5,000 causal links goes through the
real pipeline (load -> views -> layout -> page) and is opened from file:// in
headless Chromium with every non-file request aborted. "Interactive" for our page
is vis-network's first drawing (the page sets window.r2pMap.ready): a large map
hands vis-network its nodes nearest to the opening frame first and streams the
rest in slices, so the benchmark also reports when the last slice is in
(r2pMap.loadedAt) and the longest task after the first drawing (how long a click
may wait meanwhile). The page is then driven (search + focus) to show it responds.

Baseline, measured in the same run: the same nodes and edges (labels and
positions) in a bare vis-network page, physics off, handed over at once, with
none of our code; its "interactive" is its first drawing too. The same nodes and
edges also go into a pyvis Network with its default settings (physics on, its own
template); its page is "interactive" when vis-network reports
stabilizationIterationsDone, capped at --cap seconds. pyvis's default
cdn_resources="local" fetches vis-network from a CDN, so it could not draw
offline at all: we use cdn_resources="in_line", the one change that lets it run
without a network.

With --records: only the time to assemble the node and edge records for vis-network, plain
dicts (the baseline) against the same records assembled with pyvis as the pages do, and
pyvis's own add_node / add_edge (quadratic) for the record; 6,000 nodes / 12,000 edges.

Usage: python scripts/bench_render.py [--nodes 2000] [--edges 5000] [--runs 3] [--cap 180]
       python scripts/bench_render.py --records
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from graph.render.chromium import CHROMIUM, CHROMIUM_ARGS

ARGS = CHROMIUM_ARGS
CLASSES = [
    "StructuralRiskFactor",
    "Trigger",
    "PreventionMeasure",
    "PreventiveOutcome",
    "Harm",
    "StateActor",
    "SecurityInstitution",
    "Norm",
    "Approach",
]
RELATIONS = [
    "IncreasesRiskRelation",
    "MitigatesRelation",
    "PreventsRelation",
    "EnablesRelation",
    "StrengthensRelation",
    "UnderminesRelation",
    "LeadsToRelation",
    "RequiresRelation",
]
WORDS = (
    "security justice reform exclusion grievance trust resilience capacity election police court "
    "ombudsman citizenship integration dialogue inequality"
).split()


def synthetic_turtle(n_nodes: int, n_edges: int, seed: int = 7) -> str:
    """Domain nodes with labels of 2-4 words and random causal links, every one distinct."""
    rng = random.Random(seed)
    lines = [
        "@prefix r2p: <https://w3id.org/r2pkg/ontology#> .",
        "@prefix r2pr: <https://w3id.org/r2pkg/resource/> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
    ]
    for i in range(n_nodes):
        label = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 4))) + f" {i}"
        lines.append(f'r2pr:n{i} a r2p:{rng.choice(CLASSES)} ; rdfs:label "{label}"@en .')
    pairs: set[tuple[int, int]] = set()
    for a in range(n_nodes):  # every node in at least one link, so the overview shows them all
        b = rng.randrange(n_nodes - 1)
        pairs.add((a, b if b < a else b + 1))
    while len(pairs) < n_edges:
        a, b = rng.randrange(n_nodes), rng.randrange(n_nodes)
        if a != b:
            pairs.add((a, b))
    for k, (a, b) in enumerate(sorted(pairs)):
        lines.append(
            f"r2pr:l{k} a r2p:CausalLink ; r2p:cause r2pr:n{a} ; r2p:effect r2pr:n{b} ; "
            f"r2p:relation r2p:{rng.choice(RELATIONS)} ."
        )
    return "\n".join(lines) + "\n"


def build_ours(ttl: Path, out: Path) -> tuple[Path, float, int, int]:
    from graph.render import render_views
    from graph.resources import ontology_file
    from graph.store import load_graph

    t = time.perf_counter()
    kg = load_graph([ontology_file(), ttl])
    [r] = render_views(kg, out, ["overview"], index=False)
    return r.path, time.perf_counter() - t, r.nodes, r.edges


def page_data(ours: Path) -> dict:
    return json.loads(re.search(r'id="r2p-data">(.*?)</script>', ours.read_text(encoding="utf-8"), re.S).group(1))


def build_bare(ours: Path, out: Path) -> Path:
    """The same nodes (label, position) and edges in a bare vis-network page: the library's floor."""
    from graph.render.page import script_json, vis_assets

    data = page_data(ours)
    js, _ = vis_assets()
    nodes = [{"id": n["id"], "label": n["label"], "x": n["x"], "y": n["y"], "shape": n["shape"]} for n in data["nodes"]]
    edges = [{"id": e["id"], "from": e["from"], "to": e["to"]} for e in data["edges"]]
    options = {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "edges": {"smooth": False, "arrows": "to"},
        "nodes": {
            "widthConstraint": {"maximum": data["style"]["labelWidth"]},
            "font": {"size": data["style"]["nodeFont"]},
        },
    }
    path = out / "bare-vis-network.html"
    path.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        "<style>html,body,#map{margin:0;width:100%;height:100%}</style></head><body><div id=\"map\"></div>"
        f'<script type="application/json" id="d">{script_json({"nodes": nodes, "edges": edges})}</script>'
        f"<script>{js}</script><script>"
        'var D = JSON.parse(document.getElementById("d").textContent);'
        'var net = new vis.Network(document.getElementById("map"), '
        f"{{nodes: new vis.DataSet(D.nodes), edges: new vis.DataSet(D.edges)}}, {json.dumps(options)});"
        'net.once("afterDrawing", function () {'
        ' window.readyAt = performance.now(); document.body.dataset.ready = "1"; });'
        "</script></body></html>",
        encoding="utf-8",
    )
    return path


def build_pyvis(ours: Path, out: Path) -> Path:
    """The same nodes and edges (labels included) in a default pyvis Network."""
    from pyvis.network import Network

    data = page_data(ours)
    net = Network(directed=True, cdn_resources="in_line")
    for n in data["nodes"]:
        net.add_node(n["id"], label=n["label"])
    for e in data["edges"]:
        net.add_edge(e["from"], e["to"])
    path = out / "pyvis-default.html"
    net.write_html(str(path))
    return path


def open_page(browser, path: Path):
    # bypass_csp: Playwright's polling wait evaluates strings, which our page's CSP forbids.
    # The CSP changes nothing about how the page loads or draws.
    ctx = browser.new_context(viewport={"width": 1600, "height": 900}, bypass_csp=True)
    blocked: list[str] = []
    errors: list[str] = []

    def route(r):
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    page = ctx.new_page()
    # Every task over 50 ms, from the start: how long a click could have waited.
    page.add_init_script(
        "window.__long = []; new PerformanceObserver(function (l) { l.getEntries().forEach(function (e) "
        "{ __long.push([e.startTime, e.duration]); }); }).observe({type: 'longtask', buffered: true});"
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    return ctx, page, blocked, errors


def time_ours(browser, path: Path) -> dict:
    ctx, page, blocked, errors = open_page(browser, path)
    t0 = time.perf_counter()
    page.goto(path.as_uri(), wait_until="commit")
    page.wait_for_selector("body[data-ready='1']", state="attached", timeout=60000)  # the CSP forbids eval
    wall = time.perf_counter() - t0
    ready_at = page.evaluate("r2pMap.readyAt") / 1000
    page.wait_for_selector("body[data-loaded='1']", state="attached", timeout=60000)
    loaded_at = page.evaluate("r2pMap.loadedAt") / 1000
    page.wait_for_timeout(100)  # the last slice's drawing lands in the long-task list
    longest = page.evaluate("Math.max(0, ...__long.filter(t => t[0] >= r2pMap.readyAt).map(t => t[1]))")
    # Responds at once: focus a node found by search, then clear.
    t1 = time.perf_counter()
    first = page.evaluate("r2pMap.search('security')[0]")
    page.evaluate("id => r2pMap.focus(id)", first)
    shown = page.evaluate("r2pMap.visibleNodeIds().length")
    page.evaluate("r2pMap.clearFocus()")
    focus_s = time.perf_counter() - t1
    ctx.close()
    return {
        "tti": ready_at,
        "loaded": loaded_at,
        "longest": longest,
        "wall": wall,
        "focus": focus_s,
        "focus_nodes": shown,
        "blocked": len(blocked),
        "errors": errors,
    }


def build_reading(out: Path) -> tuple[Path, float]:
    """The reading view of the brief itself (the repository's data and the text its r2pkg.toml finds)."""
    from graph.documents import project_texts
    from graph.project import read_project
    from graph.render.site import render_reading_view
    from graph.store import load_graph

    project = read_project(Path(__file__).resolve().parents[1] / "r2pkg.toml")
    texts = project_texts(project)
    if texts.primary() is None:
        raise SystemExit("; ".join(texts.missing.values()))
    kg = load_graph(project=project)
    t0 = time.perf_counter()
    path = render_reading_view(kg, texts.primary(), out)
    return path, time.perf_counter() - t0


def time_reading(browser, path: Path) -> dict:
    ctx, page, blocked, errors = open_page(browser, path)
    t0 = time.perf_counter()
    page.goto(path.as_uri(), wait_until="commit")
    page.wait_for_selector("body[data-ready='1']", state="attached", timeout=60000)
    wall = time.perf_counter() - t0
    t1 = time.perf_counter()
    page.locator("mark").first.click()
    page.wait_for_selector("#panel:not([hidden])", state="attached")
    click = time.perf_counter() - t1
    n = page.evaluate("document.querySelectorAll('mark').length")
    ctx.close()
    return {"wall": wall, "click": click, "marks": n, "blocked": len(blocked), "errors": errors}


def time_bare(browser, path: Path) -> dict:
    ctx, page, blocked, errors = open_page(browser, path)
    page.goto(path.as_uri(), wait_until="commit")
    page.wait_for_selector("body[data-ready='1']", state="attached", timeout=60000)
    tti = page.evaluate("window.readyAt") / 1000
    ctx.close()
    return {"tti": tti, "blocked": len(blocked), "errors": errors}


def time_pyvis(browser, path: Path, cap: float) -> dict:
    ctx, page, blocked, errors = open_page(browser, path)
    # Listen from the start: the network is built while the page parses.
    page.add_init_script("""
        window.__stab = null;
        const hook = () => {
          if (window.network && window.network.once && !window.__hooked) {
            window.__hooked = true;
            window.network.once('stabilizationIterationsDone', () => { window.__stab = performance.now(); });
          } else if (!window.__hooked) { setTimeout(hook, 5); }
        };
        hook();
    """)
    t0 = time.perf_counter()
    page.goto(path.as_uri(), wait_until="commit")
    capped = False
    try:
        page.wait_for_function("window.__stab !== null", timeout=cap * 1000, polling=50)
        tti = page.evaluate("window.__stab") / 1000
    except Exception:  # noqa: BLE001 - the cap is the result
        capped, tti = True, cap
    wall = time.perf_counter() - t0
    ctx.close()
    return {"tti": tti, "wall": wall, "capped": capped, "blocked": len(blocked), "errors": errors}


def synthetic_view(n_nodes: int, n_edges: int, seed: int = 7):
    """A View of n_nodes boxes and n_edges distinct links, with positions, made directly (no graph, no layout)."""
    from graph.render.view_model import MapEdge, MapNode, View

    rng = random.Random(seed)
    view = View("bench", "bench", "bench")
    for i in range(n_nodes):
        label = " ".join(rng.choice(WORDS) for _ in range(3)) + f" {i}"
        view.nodes[f"n{i}"] = MapNode(f"n{i}", label, "cls", "kind", "#93c5fd", "box", "#111827")
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < n_edges:
        a, b = rng.randrange(n_nodes), rng.randrange(n_nodes)
        if a != b:
            pairs.add((a, b))
    for k, (a, b) in enumerate(sorted(pairs)):
        view.edges.append(MapEdge(f"e{k}", f"n{a}", f"n{b}", "rel", effect="raises", direction="more"))
    positions = {n: (float(i % 100) * 300, float(i // 100) * 200) for i, n in enumerate(view.nodes)}
    return view, positions


def pyvis_one_by_one(nodes: list[dict], edges: list[dict]):
    """The former assembly, for the record: pyvis's add_node / add_edge, each scanning the node list."""
    from pyvis.network import Network

    net = Network(directed=True)
    for rec in nodes:
        opts = dict(rec)
        net.add_node(opts.pop("id"), **opts)
    for rec in edges:
        opts = dict(rec)
        net.add_edge(opts.pop("from"), opts.pop("to"), **opts)
    return net


def bench_records(n_nodes: int, n_edges: int, runs: int) -> int:
    """Node and edge records for vis-network: plain dicts (the baseline) against the same records
    assembled with pyvis as the pages do (graph.render.page.network_data), in the same run."""
    from graph.render.page import edge_records, network_data, node_records

    view, positions = synthetic_view(n_nodes, n_edges)
    plain, ours, old = [], [], []
    for _ in range(runs):  # alternate, so that machine load falls on both alike
        t = time.perf_counter()
        node_records(view, positions), edge_records(view)
        plain.append(time.perf_counter() - t)
        t = time.perf_counter()
        nodes, edges = network_data(view, positions)
        ours.append(time.perf_counter() - t)
        assert len(nodes) == n_nodes and len(edges) == n_edges
    t = time.perf_counter()
    pyvis_one_by_one(node_records(view, positions), edge_records(view))
    old.append(time.perf_counter() - t)
    p, o = statistics.median(plain), statistics.median(ours)
    print(f"records for {n_nodes:,} nodes / {n_edges:,} edges, median of {runs}:")
    print(f"  plain records (baseline)          {p:.3f} s")
    print(f"  with pyvis, one pass (the pages)  {o:.3f} s   ratio {o / p:.2f}x (target <= 1.5x)")
    print(f"  with pyvis add_node/add_edge      {old[0]:.3f} s   ratio {old[0] / p:.1f}x (one run)")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nodes", type=int, default=2000)
    ap.add_argument("--edges", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cap", type=float, default=180.0)
    ap.add_argument("--skip-pyvis", action="store_true")
    ap.add_argument("--records", action="store_true",
                    help="only time assembling the node and edge records (default 6,000 nodes / 12,000 edges)")
    args = ap.parse_args()
    if args.records:
        nodes = args.nodes if args.nodes != 2000 else 6000
        edges = args.edges if args.edges != 5000 else 12000
        return bench_records(nodes, edges, max(args.runs, 5))
    if not Path(CHROMIUM).exists():
        print(f"needs Chromium at {CHROMIUM}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        ttl = out / "synthetic.ttl"
        ttl.write_text(synthetic_turtle(args.nodes, args.edges), encoding="utf-8")
        ours, build_s, n, m = build_ours(ttl, out)
        size_mb = ours.stat().st_size / 1e6
        bare = build_bare(ours, out)
        theirs = build_pyvis(ours, out)
        reading, reading_build = build_reading(out / "reading")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            runs, bases = [], []
            for _ in range(args.runs):  # alternating, so that machine load falls on both alike
                runs.append(time_ours(browser, ours))
                bases.append(time_bare(browser, bare))
            reads = [time_reading(browser, reading) for _ in range(args.runs)]
            pv = None if args.skip_pyvis else time_pyvis(browser, theirs, args.cap)
            version = browser.version
            browser.close()
    tti = statistics.median(r["tti"] for r in runs)
    base = statistics.median(b["tti"] for b in bases)
    print(f"# Map benchmark: {n} nodes, {m} edges")
    print(
        f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, Chromium {version}"
    )
    print(f"build (load + view + layout + edge routing + page, Python): {build_s:.2f} s; page {size_mb:.1f} MB")
    print("| page | time to interactive (first drawing) | all nodes and links in | longest task after | notes |")
    print("|---|---|---|---|---|")
    for i, (r, b) in enumerate(zip(runs, bases, strict=True), 1):
        print(
            f"| r2pkg run {i} | {r['tti']:.2f} s | {r['loaded']:.2f} s | {r['longest']:.0f} ms "
            f"| search+focus {r['focus'] * 1000:.0f} ms "
            f"({r['focus_nodes']} nodes shown); {r['blocked']} requests blocked; errors {len(r['errors'])} |"
        )
        print(
            f"| bare vis-network run {i} | {b['tti']:.2f} s | {b['tti']:.2f} s | - "
            f"| all at once; errors {len(b['errors'])} |"
        )
    print(f"\nratio r2pkg / bare vis-network, time to interactive (median): {tti / base:.2f}x")
    if pv:
        note = f"capped at {args.cap:.0f} s" if pv["capped"] else "stabilization done"
        print(
            f"| pyvis default | {pv['tti']:.2f} s | {pv['wall']:.2f} s | {note}; {pv['blocked']} requests "
            f"blocked; errors {len(pv['errors'])} |"
        )
        print(
            f"\nratio pyvis / r2pkg (median): {pv['tti'] / tti:.1f}x{' (at least)' if pv['capped'] else ''}"
        )
    print(f"target < 1 s: {'met' if tti < 1 else 'NOT met'} (median {tti:.2f} s)")
    print()
    print(f"# Reading view of the brief: build {reading_build:.2f} s (Python)")
    print("| run | navigation to ready | click a quote to panel | quotes lit | notes |")
    print("|---|---|---|---|---|")
    for i, r in enumerate(reads, 1):
        print(
            f"| {i} | {r['wall']:.2f} s | {r['click'] * 1000:.0f} ms | {r['marks']} "
            f"| {r['blocked']} requests blocked; errors {len(r['errors'])} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
