/* r2pkg map page: legend, filters, search, focus, side panel, presentation mode, PNG export.
 *
 * Safety rule for this file: text from the data is only ever put in the page with
 * textContent / append(string) on elements we create. Never innerHTML.
 */
(function () {
  "use strict";

  var DATA = JSON.parse(document.getElementById("r2p-data").textContent);
  var byId = function (id) { return document.getElementById(id); };

  // el("div", {class: "x"}, child, "text", ...): strings become text nodes, never markup.
  function el(tag, attrs) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === undefined || v === null || v === false) return;
        if (k === "class") e.className = v;
        else if (k === "text") e.textContent = v;
        else e.setAttribute(k, v === true ? "" : String(v));
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === undefined || c === null || c === false) continue;
      if (Array.isArray(c)) c.forEach(function (x) { if (x) e.append(x); });
      else e.append(c);
    }
    return e;
  }

  function clip(s, n) {
    s = String(s || "");
    return s.length > n ? s.slice(0, n - 1) + "\u2026" : s;
  }

  // ---- data ------------------------------------------------------------
  var NODES = {};
  var EDGES = {};
  var adjacency = {};
  DATA.nodes.forEach(function (n) { NODES[n.id] = n; adjacency[n.id] = []; });
  DATA.edges.forEach(function (e) {
    EDGES[e.id] = e;
    if (adjacency[e.from]) adjacency[e.from].push(e);
    if (adjacency[e.to] && e.to !== e.from) adjacency[e.to].push(e);
  });

  // Built when shown (see "tooltips" below), never for every item at load: thousands of
  // DOM trees made at start-up cost a large map a tenth of its time to interactive.
  function tooltip(meta, label) {
    var d = (meta && meta.details) || {};
    var box = el("div", { class: "tip" },
      el("div", { class: "tip-title", text: label || d.title || "" }),
      d.kind ? el("div", { class: "tip-kind", text: d.kind + (d.consensus ? " \u00b7 " + d.consensus : "") }) : null,
      (d.definition || d.statement) ? el("div", { class: "tip-body", text: clip(d.statement || d.definition, 220) }) : null,
      el("div", { class: "tip-hint", text: "Click for details" }));
    return box;
  }

  // ---- geometry and text scale ------------------------------------------
  // A+ and A- change the text scale k: fonts, label widths, margins AND positions are all
  // multiplied by k, so the picture keeps its shape (no label overlaps, no edge over a node).
  var BASE_FONT = DATA.style.nodeFont;
  var READABLE = DATA.style.readable || 28;
  var POS0 = {};
  DATA.nodes.forEach(function (n) { POS0[n.id] = { x: n.x, y: n.y }; });
  var k = 1;
  // A label moved off its edge's middle (two would cover each other) moves with the text scale.
  function labelShift(e) { return e.font && e.font.vadjust ? e.font.vadjust * k : 0; }
  function nodeRecord(n, dim, strong) {
    var f = n.r2p.font * k;
    var fg = n.font && n.font.color ? n.font.color : "#111827";
    var base = NODES[n.id];
    var col = base.color;
    return {
      id: n.id,
      font: { size: f, color: dim ? "#6b7280" : fg },
      widthConstraint: { maximum: DATA.style.labelWidth * k },
      margin: { top: 10 * k, right: 12 * k, bottom: 10 * k, left: 12 * k },
      color: dim ? { background: "#f3f4f6", border: "#cbd5e1", highlight: { background: "#f3f4f6", border: "#cbd5e1" },
                     hover: { background: "#f3f4f6", border: "#cbd5e1" } } : col,
      borderWidth: (base.borderWidth || 2) * (strong ? 2 : 1) * Math.max(1, k * 0.8)
    };
  }

  var visNodes = new vis.DataSet(DATA.nodes.map(function (n) {
    var o = {};
    Object.keys(n).forEach(function (key) { if (key !== "r2p") o[key] = n[key]; });
    o.physics = false;
    return o;
  }));
  var large = DATA.edges.length > 1500 || DATA.nodes.length > 800;
  var FIRST_SLICE = 300, SLICE = 200;  // nodes (and the links among them) per hand-over
  var visEdges = new vis.DataSet(DATA.edges.map(function (e) {
    var o = {};
    Object.keys(e).forEach(function (key) { if (key !== "r2p") o[key] = e[key]; });
    // Thousands of dashed curves cost seconds per frame: a very large map keeps colour and
    // arrowhead (polarity still shown twice) and draws solid lines.
    if (large) o.dashes = false;
    return o;
  }));

  // ---- large maps load outward from their subject --------------------------
  // vis-network spends about 0.1 ms on every node and edge it is handed (options, label,
  // size), so 7,000 items at once keep the page busy for most of a second. A large map hands
  // them over nearest to the opening frame first, in slices small enough that the page keeps
  // answering: the first frame draws at once and the rest streams in around it. Any command
  // that needs the whole map (focus, filters, presenting, exports...) first takes the rest.
  var loaded = null;  // node ids handed to vis-network so far; null once they all are
  var order = [];     // the others, nearest to the opening frame first
  if (large) {
    var seeds = (DATA.view.opening || []).concat(DATA.view.anchor ? [DATA.view.anchor] : [])
      .filter(function (id) { return NODES[id]; });
    if (!seeds.length) seeds = Object.keys(NODES);
    var cx = 0, cy = 0;
    seeds.forEach(function (id) { cx += NODES[id].x; cy += NODES[id].y; });
    cx /= seeds.length; cy /= seeds.length;
    var seedSet = new Set(seeds);
    order = DATA.nodes.filter(function (n) { return !seedSet.has(n.id); }).map(function (n) {
      return { id: n.id, d: (n.x - cx) * (n.x - cx) + (n.y - cy) * (n.y - cy) };
    }).sort(function (a, b) { return a.d - b.d; }).map(function (o) { return o.id; });
    loaded = new Set(seeds.concat(order.splice(0, FIRST_SLICE)));
  }
  var nodeData = loaded ? new vis.DataView(visNodes, { filter: function (n) { return !loaded || loaded.has(n.id); } }) : visNodes;
  var edgeData = loaded ? new vis.DataView(visEdges, {
    filter: function (e) { return !loaded || (loaded.has(e.from) && loaded.has(e.to)); }
  }) : visEdges;
  function loadSlice(n) {
    if (!loaded) return;
    if (n === undefined || order.length <= n) loaded = null;
    else order.splice(0, n).forEach(function (id) { loaded.add(id); });
    nodeData.refresh();
    edgeData.refresh();
    if (!loaded) {
      order = [];
      R.loaded = true;
      R.loadedAt = performance.now();
      document.body.dataset.loaded = "1";
    }
    showStatus();
  }
  function loadAll() { loadSlice(); }
  function streamRest() {
    if (!loaded) return;
    loadSlice(SLICE);
    if (loaded) setTimeout(streamRest, 0);
  }

  var container = byId("map");
  var network = new vis.Network(container, { nodes: nodeData, edges: edgeData }, {
    autoResize: true,
    physics: { enabled: false },
    layout: { improvedLayout: false, randomSeed: 1 },
    interaction: {
      hover: !large, hideEdgesOnDrag: large, hideEdgesOnZoom: large,
      multiselect: false, navigationButtons: false, keyboard: false, selectConnectedEdges: false
    },
    nodes: {
      font: { size: BASE_FONT, face: "Arial, Helvetica, sans-serif", multi: false },
      margin: { top: 10, right: 12, bottom: 10, left: 12 },
      widthConstraint: { maximum: DATA.style.labelWidth },
      shapeProperties: { borderRadius: 6 }
    },
    edges: {
      font: { size: DATA.style.edgeFont, face: "Arial, Helvetica, sans-serif", color: "#111827",
              strokeWidth: 6, strokeColor: "#ffffff", align: "horizontal" },
      selectionWidth: 2,
      hoverWidth: 1.5
    }
  });

  // ---- state -----------------------------------------------------------
  var state = {
    off: { cls: new Set(), effect: new Set(), rel: new Set(), sector: new Set(), consensus: new Set(), speaker: new Set() },
    focus: null, depth: 1,
    presenting: false, step: 0
  };
  var R = window.r2pMap = {
    ready: false, readyAt: null, loaded: false, loadedAt: null, network: network,
    nodeCount: DATA.nodes.length, edgeCount: DATA.edges.length,
    stepCount: DATA.steps.length, step: null, fontSize: BASE_FONT, textScale: 1,
    view: DATA.view.name
  };
  document.body.dataset.nodeCount = String(DATA.nodes.length);
  document.body.dataset.edgeCount = String(DATA.edges.length);
  document.body.dataset.view = DATA.view.name;
  R.labelPx = function () { return network.getScale() * R.fontSize; };

  function nodePasses(n) {
    var m = n.r2p;
    if (state.off.cls.has(m.cls)) return false;
    if (m.sectors.length && m.sectors.every(function (s) { return state.off.sector.has(s); })) return false;
    if (m.consensus && state.off.consensus.has(m.consensus)) return false;
    if (m.speaker && state.off.speaker.has(m.speaker)) return false;
    return true;
  }
  function edgePasses(e) {
    var m = e.r2p;
    if (state.off.rel.has(m.rel)) return false;
    if (m.effect && state.off.effect.has(m.effect)) return false;
    if (m.consensus && state.off.consensus.has(m.consensus)) return false;
    return true;
  }

  // Breadth-first over edges that pass the filters; depth 0 means the whole component.
  function neighbourhood(start, depth, okNode, okEdge) {
    var seen = new Set([start]);
    var frontier = [start];
    for (var d = 0; frontier.length && (depth === 0 || d < depth); d++) {
      var next = [];
      frontier.forEach(function (id) {
        adjacency[id].forEach(function (e) {
          if (!okEdge(e)) return;
          var other = e.from === id ? e.to : e.from;
          if (!seen.has(other) && okNode(NODES[other])) { seen.add(other); next.push(other); }
        });
      });
      frontier = next;
    }
    return seen;
  }

  var started = false;  // the opening frame is set: from now on commands take the whole map
  var statusNote = "";
  function showStatus() {
    byId("status").textContent = "Showing " + shownNodes.size + " of " + DATA.nodes.length + " nodes, " +
      shownEdges.size + " of " + DATA.edges.length + " links" + statusNote +
      (loaded ? " \u2014 loading the map: " + loaded.size + " of " + DATA.nodes.length + " nodes in" : "");
  }
  var shownNodes = new Set(Object.keys(NODES));
  var shownEdges = new Set(Object.keys(EDGES));
  var edgeOff = new Set();  // links hidden by their own filters
  var dimmed = false;

  function currentStep() { return state.presenting ? DATA.steps[state.step] : null; }

  // Presenting dims everything but the step's own nodes and links: the map stays in view.
  // The style each item was last given here, so that a step sends vis-network only the items
  // whose look changes (re-styling thousands costs a large map most of a second).
  var styledNodes = {}, styledEdges = {}, styledAny = false;
  function nodeKey(dim, strong) { return (dim ? "d" : strong ? "s" : "n") + k; }
  function restyle() {
    var s = currentStep();
    var on = s ? new Set(s.nodes) : null;
    var onEdges = s ? new Set(s.edges) : null;
    if (!s && !dimmed && !styledAny) return;
    var nu = [], eu = [];
    DATA.nodes.forEach(function (n) {
      var dim = !!(on && !on.has(n.id)), strong = !!(on && on.has(n.id)), key = nodeKey(dim, strong);
      if (styledNodes[n.id] !== key) { styledNodes[n.id] = key; nu.push(nodeRecord(n, dim, strong)); }
    });
    DATA.edges.forEach(function (e) {
      var lit = !onEdges || onEdges.has(e.id) || (on && on.has(e.from) && on.has(e.to)), key = (lit ? "l" : "d") + k;
      if (styledEdges[e.id] === key) return;
      styledEdges[e.id] = key;
      var c = lit ? e.r2p.colour : "#d1d5db";
      eu.push({ id: e.id, color: { color: c, highlight: c, hover: c }, font: { color: lit ? "#111827" : "#9ca3af",
                size: DATA.style.edgeFont * k, vadjust: labelShift(e) } });
    });
    if (nu.length) visNodes.update(nu);
    if (eu.length) visEdges.update(eu);
    styledAny = true;
    dimmed = !!s;
  }

  function apply(fit) {
    if (started) loadAll();
    var okNode = function (n) { return nodePasses(n); };
    var okEdgeBase = function (e) { return edgePasses(e); };
    var hood = state.focus && NODES[state.focus] ? neighbourhood(state.focus, state.depth, okNode, okEdgeBase) : null;
    var nextNodes = new Set();
    DATA.nodes.forEach(function (n) { if (okNode(n) && (!hood || hood.has(n.id))) nextNodes.add(n.id); });
    var nextEdges = new Set();
    DATA.edges.forEach(function (e) {
      if (okEdgeBase(e) && nextNodes.has(e.from) && nextNodes.has(e.to)) nextEdges.add(e.id);
    });
    // vis-network hides the links of a hidden node itself: a link is hidden here only when its
    // own filters (relation, effect, breadth) take it out, which keeps a focus to node updates.
    var nu = [], eu = [];
    DATA.nodes.forEach(function (n) {
      var was = shownNodes.has(n.id), now = nextNodes.has(n.id);
      if (was !== now) nu.push({ id: n.id, hidden: !now });
    });
    DATA.edges.forEach(function (e) {
      var now = !okEdgeBase(e);
      if (edgeOff.has(e.id) !== now) {
        eu.push({ id: e.id, hidden: now });
        if (now) edgeOff.add(e.id); else edgeOff.delete(e.id);
      }
    });
    if (nu.length) visNodes.update(nu);
    if (eu.length) visEdges.update(eu);
    shownNodes = nextNodes;
    shownEdges = nextEdges;
    restyle();
    document.body.dataset.visibleNodes = String(shownNodes.size);
    document.body.dataset.visibleEdges = String(shownEdges.size);
    if (started) statusNote = "";
    showStatus();
    if (fit && shownNodes.size) {
      var s = currentStep();
      if (s) frame(s.nodes.filter(function (id) { return shownNodes.has(id); }));
      else if (hood) frame(Array.from(shownNodes), state.focus);
      else fitTo(Array.from(shownNodes));
    }
  }

  function minScale() { return (READABLE + 0.5) / R.fontSize; }
  // Frame these nodes so that every label reads at READABLE px or more: fit them, never
  // below the readable scale (centred on `centre` or on their middle), never poster-sized.
  function frame(ids, centre) {
    network.setSize("100%", "100%");  // the panel or caption may have just taken space
    if (!ids.length) return;
    // vis-network's fit stops at scale 1 unless told otherwise: a small frame must zoom in
    network.fit({ nodes: ids, animation: false, maxZoomLevel: 20, minZoomLevel: 0.01 });
    var s = network.getScale();
    var lo = minScale(), hi = lo * 1.3;
    if (s < lo || s > hi) {
      var pos = network.getViewPosition();
      if (s < lo && centre && NODES[centre]) pos = network.getPositions([centre])[centre];
      network.moveTo({ position: pos, scale: s < lo ? lo : hi, animation: false });
    }
  }
  // "Show all": the whole map, whatever the scale (the one frame allowed to be small).
  function fitTo(ids) {
    loadAll();
    network.setSize("100%", "100%");
    network.fit({ nodes: ids, animation: false });
    if (network.getScale() > minScale() * 1.6) {
      network.moveTo({ position: network.getViewPosition(), scale: minScale() * 1.6, animation: false });
    }
  }

  R.visibleNodeIds = function () { return Array.from(shownNodes).sort(); };
  R.visibleEdgeIds = function () { return Array.from(shownEdges).sort(); };
  R.stepNodeIds = function () { var s = currentStep(); return s ? s.nodes.slice().sort() : []; };
  R.dimmedNodeIds = function () {
    var s = currentStep();
    if (!s) return [];
    var on = new Set(s.nodes);
    return Array.from(shownNodes).filter(function (id) { return !on.has(id); }).sort();
  };
  // Nodes whose drawn box lies (at least partly) inside the map's visible area.
  R.onScreenNodeIds = function () {
    var r = container.getBoundingClientRect();
    return Array.from(shownNodes).filter(function (id) {
      var b = network.getBoundingBox(id);
      if (!b) return false;
      var a = network.canvasToDOM({ x: b.left, y: b.top }), z = network.canvasToDOM({ x: b.right, y: b.bottom });
      return z.x > 0 && z.y > 0 && a.x < r.width && a.y < r.height;
    }).sort();
  };
  R.fullyOnScreen = function (ids) {
    var r = container.getBoundingClientRect();
    return ids.every(function (id) {
      var b = network.getBoundingBox(id);
      if (!b) return false;
      var a = network.canvasToDOM({ x: b.left, y: b.top }), z = network.canvasToDOM({ x: b.right, y: b.bottom });
      return a.x >= -1 && a.y >= -1 && z.x <= r.width + 1 && z.y <= r.height + 1;
    });
  };

  // ---- legend and filters ----------------------------------------------
  function swatchNode(c) {
    var s = el("span", { class: "swatch shape-" + c.shape, "aria-hidden": "true" });
    s.style.background = c.fill;
    s.style.borderColor = c.border || "#111827";
    if (c.dashed) s.style.borderStyle = "dashed";
    return s;
  }
  var HEAD_GLYPH = { arrow: "\u25b6", bar: "\u2503", diamond: "\u25c6", vee: "\u203a" };
  function swatchEdge(r) {
    if (!r.color) return el("span", { class: "swatch-none", "aria-hidden": "true" });
    var s = el("span", { class: "swatch-edge", "aria-hidden": "true" },
      el("span", { class: "swatch-line" }), el("span", { class: "swatch-head", text: HEAD_GLYPH[r.head] || "" }));
    s.firstChild.style.borderTopColor = r.color;
    s.firstChild.style.borderTopStyle = r.dashes ? "dashed" : "solid";
    s.lastChild.style.color = r.color;
    return s;
  }
  function swatchBreadth(c) {
    var s = el("span", { class: "swatch shape-box", "aria-hidden": "true" });
    s.style.background = "#ffffff";
    s.style.borderWidth = Math.min(10, c.width) + "px";
    return s;
  }
  function swatchSpeaker(c) {
    var s = el("span", { class: "swatch shape-box", "aria-hidden": "true" });
    s.style.background = "#ffffff";
    s.style.borderStyle = !c.dashes.length ? "solid" : (c.dashes[0] <= 3 ? "dotted" : "dashed");
    s.style.borderWidth = "3px";
    return s;
  }
  function filterGroup(title, key, items, swatch, help) {
    if (!items || !items.length) return null;
    var list = el("ul", { class: "filters" });
    items.forEach(function (it) {
      var box = el("input", { type: "checkbox", checked: true, "data-filter": key, "data-key": it.key });
      box.addEventListener("change", function () {
        if (box.checked) state.off[key].delete(it.key); else state.off[key].add(it.key);
        apply(false);
      });
      var lab = el("label", { title: it.definition || null, class: swatch ? null : "no-swatch" }, box, swatch ? swatch(it) : null,
        el("span", { class: "name", text: it.label }), el("span", { class: "count", text: String(it.count) }));
      list.append(el("li", null, lab));
    });
    return el("section", { class: "legend-group", "data-group": key },
      el("h2", { text: title }), help ? el("p", { class: "help", text: help }) : null, list);
  }
  var L = DATA.legend;
  var legendEl = byId("legend");
  legendEl.append(
    el("button", { id: "legend-toggle", class: "btn small", type: "button", "aria-expanded": "true", text: "Hide legend" }),
    el("div", { id: "legend-body" },
      filterGroup("Node types", "cls", L.classes, swatchNode),
      filterGroup("Effect on risk", "effect", L.effects, swatchEdge,
        "Colour, line and arrowhead all say it: \u25b6 raises risk, \u2503 lowers it."),
      filterGroup("Relations", "rel", L.relations, swatchEdge),
      filterGroup("How widely held", "consensus", L.consensus, swatchBreadth, "Claims: the heavier the border, the wider."),
      filterGroup("Who speaks", "speaker", L.speakers, swatchSpeaker, "Claims: the border's pattern."),
      filterGroup("Sectors", "sector", L.sectors, null, "Nodes with no sector always show."),
      el("p", { class: "help keys", text: "Keys: arrows pan, + and \u2212 zoom, 0 shows all, P presents, / searches, Esc resets. " +
        "In the map, Tab walks the nodes on screen and Enter opens one." })));
  function showLegend(show) {
    document.body.classList.toggle("legend-hidden", !show);
    var t = byId("legend-toggle");
    t.textContent = show ? "Hide legend" : "Legend";
    t.setAttribute("aria-expanded", String(show));
  }
  byId("legend-toggle").addEventListener("click", function () {
    showLegend(document.body.classList.contains("legend-hidden"));
    network.redraw();
    apply(true);
    this.blur();
  });
  // A 1024-pixel projector needs the whole width for the map; the legend is one click away.
  if (window.innerWidth < 1200) showLegend(false);

  // The legend printed beside the map (print stylesheet).
  (function printLegend() {
    var box = byId("print-legend");
    box.append(el("h2", { text: DATA.view.title }));
    [["Node types", L.classes, swatchNode], ["Effect on risk", L.effects, swatchEdge],
     ["Relations", L.relations.filter(function (r) { return r.color; }), swatchEdge],
     ["How widely held", L.consensus, swatchBreadth], ["Who speaks", L.speakers, swatchSpeaker]].forEach(function (g) {
      if (!g[1] || !g[1].length) return;
      box.append(el("h3", { text: g[0] }), el("ul", null, g[1].map(function (it) {
        return el("li", null, g[2](it), el("span", { text: it.label }));
      })));
    });
    box.append(el("p", { class: "source", text: DATA.view.source }));
  })();
  // ---- side panel ------------------------------------------------------
  var panel = byId("panel");
  function field(label, value) {
    if (value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length)) return null;
    return el("div", { class: "field" }, el("dt", { text: label }),
      el("dd", { text: Array.isArray(value) ? value.join(", ") : String(value) }));
  }
  function source(d) {
    if (!d.section && !d.paragraph) return "";
    return (d.section || "") + (d.paragraph ? (d.section ? ", " : "") + "paragraph " + d.paragraph : "");
  }
  function quotes(list) {
    if (!list || !list.length) return null;
    return el("div", { class: "quotes" }, list.map(function (q) {
      return el("blockquote", null, "\u201c" + q + "\u201d");
    }));
  }
  function claimItem(c) {
    return el("li", { class: "claim" },
      el("div", { class: "claim-label", text: c.label }),
      el("div", { class: "claim-meta", text: [c.consensus, c.speaker, (c.heldBy || []).join(", "), source(c)].filter(Boolean).join(" \u00b7 ") }),
      quotes(c.quotes));
  }
  function depthControl() {
    var sel = el("select", { id: "depth", "aria-label": "Neighbourhood depth" },
      [1, 2, 3, 0].map(function (d) {
        return el("option", { value: String(d), selected: d === state.depth, text: d === 0 ? "all connected" : d + (d === 1 ? " step" : " steps") });
      }));
    sel.addEventListener("change", function () { state.depth = Number(sel.value); apply(true); });
    return el("label", { class: "depth" }, "Show neighbours within ", sel);
  }
  function openPanel(title, d, isNode) {
    panel.replaceChildren();
    var close = el("button", { class: "btn small close", type: "button", "aria-label": "Close panel", text: "\u00d7" });
    close.addEventListener("click", function () { closePanel(); apply(true); });  // give the map the room back
    panel.append(close, el("p", { class: "kind", text: d.kind || "" }), el("h2", { text: title }));
    if (isNode) panel.append(depthControl());
    if (d.statement) panel.append(el("p", { class: "statement", text: d.statement }));
    if (d.definition) panel.append(el("p", { class: "definition", text: d.definition }));
    var dl = el("dl", null,
      field("Relation", d.relation), field("From", d.from), field("To", d.to),
      field("How widely held", d.consensus), field("Who speaks", d.speaker), field("Held by", d.heldBy), field("Source", source(d)),
      field("Sectors", d.sectors), field("About", d.about), field("Members", d.members),
      field("Cases", d.cases), field("Identifier", d.iri));
    if (dl.childNodes.length) panel.append(dl);
    var q = quotes(d.quotes);
    if (q) panel.append(el("h3", { text: "Quote from the brief" }), q);
    if (d.claims && d.claims.length) {
      panel.append(el("h3", { text: (d.claimsHeading || "Claims") + " (" + d.claims.length + ")" }),
        el("ul", { class: "claims" }, d.claims.map(claimItem)));
    }
    panel.style.top = byId("top").getBoundingClientRect().bottom + "px";  // the header wraps on narrow screens
    panel.hidden = false;
    document.body.classList.add("panel-open");
  }
  function closePanel() {
    panel.hidden = true;
    document.body.classList.remove("panel-open");
  }

  function focusNode(id, opts) {
    var n = NODES[id];
    if (!n) return false;
    if (!nodePasses(n)) {  // searching for a filtered-out node brings its filters back
      state.off.cls.delete(n.r2p.cls);
      n.r2p.sectors.forEach(function (s) { state.off.sector.delete(s); });
      state.off.consensus.delete(n.r2p.consensus);
      state.off.speaker.delete(n.r2p.speaker);
      syncCheckboxes();
    }
    if (state.presenting) stopPresenting();
    state.focus = id;
    if (opts && opts.depth !== undefined) state.depth = opts.depth;
    openPanel(n.label, n.r2p.details || {}, true);
    apply(true);
    network.selectNodes([id]);
    R.focused = id;
    document.body.dataset.focus = id;
    return true;
  }
  function clearFocus() {
    state.focus = null;
    R.focused = null;
    delete document.body.dataset.focus;
    network.unselectAll();
    closePanel();
    apply(true);
  }
  function syncCheckboxes() {
    document.querySelectorAll("input[data-filter]").forEach(function (b) {
      b.checked = !state.off[b.dataset.filter].has(b.dataset.key);
    });
  }
  R.focus = focusNode;
  R.clearFocus = clearFocus;

  // ---- tooltips ----------------------------------------------------------
  // Our own, not vis-network's title popup: the item under a resting pointer, after a short
  // delay, hidden again on any move, drag, zoom or click.
  var tip = el("div", { id: "tip", role: "tooltip" });
  tip.hidden = true;
  document.body.append(tip);
  var tipTimer = null;
  function hideTip() { clearTimeout(tipTimer); tip.hidden = true; }
  function showTip(x, y) {  // x, y: pointer position in the map element
    var id = network.getNodeAt({ x: x, y: y }), meta, label;
    if (id !== undefined && NODES[id]) {
      meta = NODES[id].r2p; label = NODES[id].label;
    } else {
      var eid = network.getEdgeAt({ x: x, y: y });
      if (eid === undefined || !EDGES[eid]) return;
      meta = EDGES[eid].r2p; label = (meta.details && meta.details.title) || EDGES[eid].label;
    }
    tip.replaceChildren(tooltip(meta, label));
    tip.hidden = false;
    var r = container.getBoundingClientRect(), w = tip.offsetWidth, h = tip.offsetHeight;
    var left = r.left + x + 16, top = r.top + y + 16;
    if (left + w > window.innerWidth - 8) left = Math.max(8, r.left + x - w - 16);
    if (top + h > window.innerHeight - 8) top = Math.max(8, r.top + y - h - 16);
    tip.style.left = left + "px";
    tip.style.top = top + "px";
  }
  container.addEventListener("mousemove", function (ev) {
    hideTip();
    var r = container.getBoundingClientRect(), x = ev.clientX - r.left, y = ev.clientY - r.top;
    tipTimer = setTimeout(function () { showTip(x, y); }, 250);
  });
  container.addEventListener("mouseleave", hideTip);
  ["dragStart", "zoom", "click"].forEach(function (name) { network.on(name, hideTip); });

  network.on("click", function (p) {
    if (p.nodes.length) { focusNode(p.nodes[0]); return; }
    if (p.edges.length) {
      var e = EDGES[p.edges[0]];
      if (e) openPanel((e.r2p.details && e.r2p.details.title) || e.label || "", e.r2p.details || {}, false);
    }
  });

  // ---- search ----------------------------------------------------------
  var search = byId("search");
  var matchList = byId("matches");
  function findNodes(q) {
    q = String(q || "").trim().toLowerCase();
    if (!q) return [];
    var starts = [], contains = [];
    DATA.nodes.forEach(function (n) {
      var label = String(n.label || "").toLowerCase();
      if (label.indexOf(q) === 0) starts.push(n.id);
      else if (label.indexOf(q) > 0 || String(n.id).toLowerCase() === q) contains.push(n.id);
    });
    return starts.concat(contains);
  }
  R.search = findNodes;
  function showMatches() {
    var ids = findNodes(search.value);
    matchList.replaceChildren();
    if (!search.value.trim()) { matchList.hidden = true; return; }
    if (!ids.length) {
      matchList.append(el("li", { class: "none", text: "No node matches" }));
    }
    ids.slice(0, 12).forEach(function (id) {
      var b = el("button", { type: "button", "data-id": id, text: NODES[id].label });
      b.addEventListener("click", function () { focusNode(id); matchList.hidden = true; b.blur(); });
      matchList.append(el("li", null, b));
    });
    if (ids.length > 12) matchList.append(el("li", { class: "none", text: "+" + (ids.length - 12) + " more" }));
    matchList.hidden = false;
  }
  search.addEventListener("input", showMatches);
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var ids = findNodes(search.value);
      // Leave the box so Esc and the arrow keys drive the map again.
      if (ids.length) { focusNode(ids[0]); matchList.hidden = true; search.blur(); }
      ev.preventDefault();
    } else if (ev.key === "Escape") {
      search.value = ""; matchList.hidden = true; search.blur();
    }
  });

  // ---- presentation mode -------------------------------------------------
  var caption = byId("caption");
  function quoteBlock(q) {
    if (!q || !q.text) return null;
    var meta = [q.who, q.breadth ? "how widely held: " + q.breadth : "", q.source].filter(Boolean).join(" \u00b7 ");
    return el("figure", { class: "step-quote" },
      el("blockquote", null, "\u201c" + q.text + "\u201d"),
      el("figcaption", { text: meta }));
  }
  function showStep() {
    var s = DATA.steps[state.step];
    caption.replaceChildren(
      el("p", { class: "step-no", text: "Step " + (state.step + 1) + " of " + DATA.steps.length }),
      el("h2", { class: "step-text", text: s ? s.caption : "" }),
      s && s.narration ? el("p", { class: "step-narration", text: s.narration }) : null,
      s ? quoteBlock(s.quote) : null,
      el("p", { class: "step-hint", text: "\u2190 \u2192 to move \u00b7 Esc to leave" }));
    caption.hidden = false;
    R.step = state.step;
    document.body.dataset.step = String(state.step);
    network.unselectAll();
    apply(true);
  }
  function startPresenting(at) {
    if (!DATA.steps.length) return;
    state.presenting = true;
    state.step = at || 0;
    state.focus = null;
    closePanel();
    document.body.classList.add("presenting");
    byId("present").textContent = "Stop";
    showStep();
  }
  function stopPresenting() {
    state.presenting = false;
    document.body.classList.remove("presenting");
    caption.hidden = true;
    byId("present").textContent = "Present";
    R.step = null;
    delete document.body.dataset.step;
    apply(true);
  }
  function move(delta) {
    if (!state.presenting) return;
    var next = Math.max(0, Math.min(DATA.steps.length - 1, state.step + delta));
    if (next !== state.step) { state.step = next; showStep(); }
  }
  R.present = {
    start: startPresenting, stop: stopPresenting,
    next: function () { move(1); }, prev: function () { move(-1); },
    go: function (i) { if (!state.presenting) startPresenting(i); else { state.step = i; showStep(); } }
  };
  byId("present").disabled = !DATA.steps.length;
  byId("present").addEventListener("click", function () {
    if (state.presenting) stopPresenting(); else startPresenting();
    this.blur();
  });

  // ---- keyboard ----------------------------------------------------------
  function pan(dx, dy) {
    var p = network.getViewPosition(), s = network.getScale();
    network.moveTo({ position: { x: p.x + dx / s, y: p.y + dy / s }, scale: s, animation: false });
  }
  function zoom(f) {
    network.moveTo({ position: network.getViewPosition(), scale: network.getScale() * f, animation: false });
  }
  R.pan = pan;
  R.zoom = zoom;
  function typing(t) {
    if (!t || !t.tagName) return false;
    if (t.isContentEditable || t.tagName === "TEXTAREA") return true;
    return t.tagName === "INPUT" && ["checkbox", "radio", "button", "submit", "reset", "range"].indexOf(t.type) < 0;
  }
  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (typing(t)) return;  // typing in the search box, not commands
    if (t && t.tagName === "SELECT" && ev.key !== "Escape") return;  // arrows change the depth
    var step = 120;
    if (ev.key === "ArrowRight" || ev.key === "PageDown" || (ev.key === " " && state.presenting)) {
      if (state.presenting) move(1); else pan(step, 0);
      ev.preventDefault();
    } else if (ev.key === "ArrowLeft" || ev.key === "PageUp") {
      if (state.presenting) move(-1); else pan(-step, 0);
      ev.preventDefault();
    } else if (ev.key === "ArrowUp") {
      pan(0, -step); ev.preventDefault();
    } else if (ev.key === "ArrowDown") {
      pan(0, step); ev.preventDefault();
    } else if (ev.key === "+" || ev.key === "=") {
      zoom(1.2); ev.preventDefault();
    } else if (ev.key === "-" || ev.key === "_") {
      zoom(1 / 1.2); ev.preventDefault();
    } else if (ev.key === "0") {
      fitTo(Array.from(shownNodes)); ev.preventDefault();
    } else if (ev.key === "Escape") {
      if (state.presenting) stopPresenting(); else clearFocus();
      if (t && t.blur) t.blur();
    } else if (ev.key === "p" || ev.key === "P") {
      if (state.presenting) stopPresenting(); else startPresenting();
    } else if (ev.key === "/") {
      search.focus(); ev.preventDefault();
    }
  });

  // ---- keyboard access to nodes -------------------------------------------
  // Tab into the map, then Tab and Shift+Tab walk the nodes on screen in reading order (top
  // to bottom, left to right) and Enter opens the one reached. Past the last node (or before
  // the first) Tab leaves the map as usual: the map never traps the keyboard.
  var reached = null;
  function readingOrder() {
    var ids = R.onScreenNodeIds(), pos = network.getPositions(ids), row = R.fontSize * 2;
    return ids.sort(function (a, b) {
      var ra = Math.round(pos[a].y / row), rb = Math.round(pos[b].y / row);
      return ra - rb || pos[a].x - pos[b].x || (a < b ? -1 : 1);
    });
  }
  function reach(id) {
    reached = id;
    R.reached = id;
    network.selectNodes([id]);
    if (!R.fullyOnScreen([id])) {
      network.moveTo({ position: network.getPositions([id])[id], scale: network.getScale(), animation: false });
    }
    var d = NODES[id].r2p.details || {};
    byId("announce").textContent = NODES[id].label + (d.kind ? ", " + d.kind : "") + ". Enter opens it.";
  }
  function leaveNodes() {
    if (reached && reached !== state.focus) network.unselectAll();
    reached = null;
    R.reached = null;
  }
  container.addEventListener("keydown", function (ev) {
    if (ev.key === "Tab" && !ev.ctrlKey && !ev.altKey && !ev.metaKey) {
      var order = readingOrder(), at = reached ? order.indexOf(reached) : -1;
      var next = at < 0 ? (ev.shiftKey ? order.length - 1 : 0) : at + (ev.shiftKey ? -1 : 1);
      if (reached === null && ev.shiftKey) next = -1;  // Shift+Tab on the map itself goes back out
      if (next < 0 || next >= order.length) { leaveNodes(); return; }
      reach(order[next]);
      ev.preventDefault();
    } else if (ev.key === "Enter" && reached) {
      var id = reached;
      reached = null;
      focusNode(id);
      reached = id;  // Tab goes on from the node just opened
      R.reached = id;
      ev.preventDefault();
    }
  });
  container.addEventListener("blur", leaveNodes);

  // ---- other tools -----------------------------------------------------
  byId("reset").addEventListener("click", function () {
    Object.keys(state.off).forEach(function (key) { state.off[key].clear(); });
    syncCheckboxes();
    if (state.presenting) stopPresenting();
    clearFocus();
    fitTo(Array.from(shownNodes));
    this.blur();
  });
  // A+ / A-: a new layout at the new text size, the same shape (see nodeRecord).
  function setTextScale(next) {
    next = Math.max(0.6, Math.min(2.0, next));
    if (Math.abs(next - k) < 1e-9) return;
    loadAll();
    var ratio = next / k, view = network.getViewPosition(), scale = network.getScale();
    k = next;
    R.textScale = k;
    R.fontSize = BASE_FONT * k;
    var lit = currentStep() ? new Set(currentStep().nodes) : null;
    visNodes.update(DATA.nodes.map(function (n) {
      var dim = !!(lit && !lit.has(n.id)), strong = !!(lit && lit.has(n.id));
      var r = nodeRecord(n, dim, strong);
      if (styledAny) styledNodes[n.id] = nodeKey(dim, strong);
      r.x = POS0[n.id].x * k;
      r.y = POS0[n.id].y * k;
      return r;
    }));
    network.setOptions({ edges: { font: { size: DATA.style.edgeFont * k } } });
    var shifted = DATA.edges.filter(function (e) { return labelShift(e); });
    if (shifted.length) visEdges.update(shifted.map(function (e) { return { id: e.id, font: { vadjust: labelShift(e) } }; }));
    restyle();  // links styled per item (a presentation's dimming) take the new size too
    network.moveTo({ position: { x: view.x * ratio, y: view.y * ratio }, scale: scale, animation: false });
  }
  R.setTextScale = setTextScale;
  byId("smaller").addEventListener("click", function () { setTextScale(k / 1.2); this.blur(); });
  byId("larger").addEventListener("click", function () { setTextScale(k * 1.2); this.blur(); });

  // ---- figures: PNG at print resolution, SVG -------------------------------
  function legendItems() {
    var out = [];
    L.classes.forEach(function (c) { out.push({ kind: "node", fill: c.fill, shape: c.shape, dashed: c.dashed, label: c.label }); });
    L.effects.forEach(function (c) { out.push({ kind: "edge", color: c.color, dashes: c.dashes, head: c.head, label: c.label }); });
    L.relations.forEach(function (c) { if (c.color) out.push({ kind: "edge", color: c.color, dashes: c.dashes, head: c.head, label: c.label }); });
    L.consensus.forEach(function (c) { out.push({ kind: "node", fill: "#ffffff", shape: "box", width: c.width, label: "held by: " + c.label }); });
    L.speakers.forEach(function (c) { out.push({ kind: "node", fill: "#ffffff", shape: "box", dashes: c.dashes, label: "speaker: " + c.label }); });
    return out;
  }
  // Render the whole (filtered) map into a big canvas: the network drawn at print size, then
  // title above, legend to the right and the source line below.
  function exportCanvas(width) {
    loadAll();
    width = width || 3600;
    var mapW = Math.round(width * 0.76), mapH = Math.round(mapW * 0.62);
    var saved = { pos: network.getViewPosition(), scale: network.getScale() };
    var ratio = window.devicePixelRatio || 1;
    network.setSize(mapW / ratio + "px", mapH / ratio + "px");
    network.fit({ nodes: Array.from(shownNodes), animation: false });
    network.redraw();
    var src = container.querySelector("canvas");
    var titleH = 150, footH = 90;
    var out = document.createElement("canvas");
    out.width = width;
    out.height = titleH + Math.max(mapH, 200 + legendItems().length * 62) + footH;
    var ctx = out.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(src, 0, titleH, mapW, mapH);
    ctx.fillStyle = "#111827";
    ctx.font = "bold 64px Arial, Helvetica, sans-serif";
    ctx.fillText(DATA.view.title, 40, 90);
    ctx.font = "30px Arial, Helvetica, sans-serif";
    ctx.fillStyle = "#374151";
    ctx.fillText(DATA.view.description.slice(0, 180), 40, 134);
    var x0 = mapW + 40, y = titleH + 40;
    ctx.fillStyle = "#111827";
    ctx.font = "bold 44px Arial, Helvetica, sans-serif";
    ctx.fillText("Legend", x0, y);
    y += 30;
    ctx.font = "32px Arial, Helvetica, sans-serif";
    legendItems().forEach(function (it) {
      y += 62;
      if (it.kind === "node") {
        ctx.fillStyle = it.fill;
        ctx.strokeStyle = "#111827";
        ctx.lineWidth = it.width || 3;
        ctx.setLineDash(it.dashed ? [10, 6] : (it.dashes && it.dashes.length ? it.dashes : []));
        ctx.beginPath();
        if (it.shape === "ellipse") ctx.ellipse(x0 + 40, y - 12, 38, 22, 0, 0, 2 * Math.PI);
        else ctx.rect(x0 + 2, y - 34, 76, 44);
        ctx.fill();
        ctx.stroke();
      } else {
        ctx.strokeStyle = it.color;
        ctx.fillStyle = it.color;
        ctx.lineWidth = 6;
        ctx.setLineDash(it.dashes ? [14, 8] : []);
        ctx.beginPath(); ctx.moveTo(x0, y - 12); ctx.lineTo(x0 + 66, y - 12); ctx.stroke();
        ctx.setLineDash([]);
        ctx.beginPath();
        if (it.head === "bar") { ctx.rect(x0 + 68, y - 34, 8, 44); }
        else if (it.head === "diamond") { ctx.moveTo(x0 + 66, y - 24); ctx.lineTo(x0 + 78, y - 12); ctx.lineTo(x0 + 66, y); ctx.lineTo(x0 + 54, y - 12); }
        else { ctx.moveTo(x0 + 60, y - 28); ctx.lineTo(x0 + 80, y - 12); ctx.lineTo(x0 + 60, y + 4); }
        ctx.fill();
      }
      ctx.setLineDash([]);
      ctx.fillStyle = "#111827";
      ctx.fillText(it.label, x0 + 96, y);
    });
    ctx.font = "28px Arial, Helvetica, sans-serif";
    ctx.fillStyle = "#374151";
    ctx.fillText(DATA.view.source, 40, out.height - 36);
    network.setSize("100%", "100%");
    network.moveTo({ position: saved.pos, scale: saved.scale, animation: false });
    network.redraw();
    return out;
  }
  function exportPNG(width) { return exportCanvas(width).toDataURL("image/png"); }
  R.exportPNG = exportPNG;

  var SVGNS = "http://www.w3.org/2000/svg";
  function svgEl(tag, attrs, text) {
    var e = document.createElementNS(SVGNS, tag);
    Object.keys(attrs || {}).forEach(function (a) { e.setAttribute(a, String(attrs[a])); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  var measure = document.createElement("canvas").getContext("2d");
  function wrap(label, size, maxW) {
    measure.font = size + "px Arial, Helvetica, sans-serif";
    var lines = [], cur = "";
    String(label).split(/\s+/).forEach(function (w) {
      var cand = cur ? cur + " " + w : w;
      if (cur && measure.measureText(cand).width > maxW) { lines.push(cur); cur = w; } else cur = cand;
    });
    lines.push(cur);
    return lines;
  }
  function viaPoint(a, b, sm) {  // vis-network 9.1's curvedCW / curvedCCW control point
    if (!sm || !sm.enabled) return null;
    var i = sm.roundness, dx = b.x - a.x, dy = a.y - b.y, r = Math.sqrt(dx * dx + dy * dy);
    var turn = sm.type === "curvedCW" ? 0.5 * i + 0.5 : -0.5 * i + 0.5;
    var g = (Math.atan2(dy, dx) + turn * Math.PI) % (2 * Math.PI);
    return { x: a.x + (0.5 * i + 0.5) * r * Math.sin(g), y: a.y + (0.5 * i + 0.5) * r * Math.cos(g) };
  }
  // Every visible node and edge as SVG shapes and text (textContent only: data never becomes markup).
  function exportSVG() {
    loadAll();
    var pos = network.getPositions(Array.from(shownNodes));
    var boxes = {};
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    Object.keys(pos).forEach(function (id) {
      var b = network.getBoundingBox(id);
      boxes[id] = b;
      x0 = Math.min(x0, b.left); y0 = Math.min(y0, b.top); x1 = Math.max(x1, b.right); y1 = Math.max(y1, b.bottom);
    });
    if (!isFinite(x0)) { x0 = y0 = 0; x1 = y1 = 100; }
    var pad = 40, titleH = 110, legendW = 620, items = legendItems();
    var w = x1 - x0 + 2 * pad + legendW, h = Math.max(y1 - y0 + 2 * pad, items.length * 50 + 120) + titleH + 70;
    var svg = svgEl("svg", { xmlns: SVGNS, width: Math.round(w), height: Math.round(h),
                             viewBox: [x0 - pad, y0 - pad - titleH, w, h].join(" "), "font-family": "Arial, Helvetica, sans-serif" });
    svg.append(svgEl("rect", { x: x0 - pad, y: y0 - pad - titleH, width: w, height: h, fill: "#ffffff" }));
    svg.append(svgEl("title", {}, DATA.view.title));
    svg.append(svgEl("text", { x: x0, y: y0 - pad - titleH + 60, "font-size": 48, "font-weight": "bold", fill: "#111827" }, DATA.view.title));
    var defs = svgEl("defs");
    svg.append(defs);
    var markers = {};
    function marker(colour, head) {
      var key = colour + head;
      if (markers[key]) return markers[key];
      var id = "m" + Object.keys(markers).length;
      var m = svgEl("marker", { id: id, viewBox: "0 0 10 10", refX: head === "bar" ? 5 : 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto-start-reverse" });
      m.append(head === "bar" ? svgEl("rect", { x: 3, y: 0, width: 4, height: 10, fill: colour })
        : head === "diamond" ? svgEl("path", { d: "M0,5 L5,0 L10,5 L5,10 z", fill: colour })
        : svgEl("path", { d: "M0,0 L10,5 L0,10 z", fill: colour }));
      defs.append(m);
      markers[key] = id;
      return id;
    }
    var edgeLayer = svgEl("g", { class: "edges" }), nodeLayer = svgEl("g", { class: "nodes" });
    svg.append(edgeLayer, nodeLayer);
    DATA.edges.forEach(function (e) {
      if (!shownEdges.has(e.id)) return;
      var a = pos[e.from], b = pos[e.to];
      if (!a || !b) return;
      var via = viaPoint(a, b, e.smooth);
      var d = via ? "M" + a.x + "," + a.y + " Q" + via.x + "," + via.y + " " + b.x + "," + b.y : "M" + a.x + "," + a.y + " L" + b.x + "," + b.y;
      var head = (e.arrows && e.arrows.to && e.arrows.to.type) || "arrow";
      var p = svgEl("path", { d: d, fill: "none", stroke: e.r2p.colour, "stroke-width": e.width || 3,
                              "marker-end": "url(#" + marker(e.r2p.colour, head) + ")" });
      if (e.dashes) p.setAttribute("stroke-dasharray", Array.isArray(e.dashes) ? e.dashes.join(" ") : "10 6");
      p.append(svgEl("title", {}, (e.r2p.details && e.r2p.details.title) || e.label || ""));
      edgeLayer.append(p);
    });
    DATA.nodes.forEach(function (n) {
      var b = boxes[n.id];
      if (!b) return;
      var g = svgEl("g", {});
      var attrs = { fill: n.color.background, stroke: n.color.border, "stroke-width": n.borderWidth || 2 };
      var dash = n.shapeProperties && n.shapeProperties.borderDashes;
      if (dash) attrs["stroke-dasharray"] = Array.isArray(dash) ? dash.join(" ") : "10 6";
      var shape = n.shape === "ellipse" ? svgEl("ellipse", Object.assign({ cx: (b.left + b.right) / 2, cy: (b.top + b.bottom) / 2, rx: (b.right - b.left) / 2, ry: (b.bottom - b.top) / 2 }, attrs))
        : svgEl("rect", Object.assign({ x: b.left, y: b.top, width: b.right - b.left, height: b.bottom - b.top, rx: 6 }, attrs));
      g.append(shape);
      var size = n.r2p.font * k, lines = wrap(n.label, size, DATA.style.labelWidth * k - 24 * k);
      var cy = (b.top + b.bottom) / 2 - (lines.length - 1) * size * 0.6;
      lines.forEach(function (line, i) {
        g.append(svgEl("text", { x: (b.left + b.right) / 2, y: cy + i * size * 1.2, "font-size": size, "text-anchor": "middle",
                                 "dominant-baseline": "middle", fill: (n.font && n.font.color) || "#111827" }, line));
      });
      nodeLayer.append(g);
    });
    var lx = x1 + pad, ly = y0;
    svg.append(svgEl("text", { x: lx, y: ly, "font-size": 34, "font-weight": "bold", fill: "#111827" }, "Legend"));
    items.forEach(function (it, i) {
      var y = ly + 50 + i * 50;
      if (it.kind === "node") {
        var a2 = { fill: it.fill, stroke: "#111827", "stroke-width": it.width || 3 };
        if (it.dashed) a2["stroke-dasharray"] = "10 6";
        if (it.dashes && it.dashes.length) a2["stroke-dasharray"] = it.dashes.join(" ");
        svg.append(it.shape === "ellipse" ? svgEl("ellipse", Object.assign({ cx: lx + 30, cy: y - 10, rx: 28, ry: 16 }, a2))
          : svgEl("rect", Object.assign({ x: lx + 2, y: y - 26, width: 56, height: 32 }, a2)));
      } else {
        var l = svgEl("path", { d: "M" + lx + "," + (y - 10) + " L" + (lx + 56) + "," + (y - 10), stroke: it.color, "stroke-width": 5,
                                "marker-end": "url(#" + marker(it.color, it.head) + ")" });
        if (it.dashes) l.setAttribute("stroke-dasharray", "12 7");
        svg.append(l);
      }
      svg.append(svgEl("text", { x: lx + 80, y: y, "font-size": 26, fill: "#111827" }, it.label));
    });
    svg.append(svgEl("text", { x: x0, y: y0 - pad - titleH + h - 24, "font-size": 22, fill: "#374151" }, DATA.view.source));
    return new XMLSerializer().serializeToString(svg);
  }
  R.exportSVG = exportSVG;
  function download(href, name) {
    var a = el("a", { href: href, download: name });
    document.body.append(a);
    a.click();
    a.remove();
  }
  byId("png").addEventListener("click", function () { download(exportPNG(), DATA.view.name + ".png"); this.blur(); });
  byId("svg").addEventListener("click", function () {
    var url = URL.createObjectURL(new Blob([exportSVG()], { type: "image/svg+xml" }));
    download(url, DATA.view.name + ".svg");
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    this.blur();
  });
  // Printing: the whole map, framed, beside its legend.
  window.addEventListener("beforeprint", function () { fitTo(Array.from(shownNodes)); });

  // ---- start -----------------------------------------------------------
  network.once("afterDrawing", function () {
    R.ready = true;
    R.readyAt = performance.now();
    document.body.dataset.ready = "1";
    R.firstNodeIds = (loaded ? Array.from(loaded) : Object.keys(NODES)).sort();  // what the first drawing had
    if (loaded) setTimeout(streamRest, 0);
    else { R.loaded = true; R.loadedAt = R.readyAt; document.body.dataset.loaded = "1"; }
  });
  apply(false);
  // Open framed on the view's subject at a readable size; "Show all" (0) fits the whole map.
  var opening = (DATA.view.opening || []).filter(function (id) { return NODES[id]; });
  frame(opening.length ? opening : Object.keys(NODES), DATA.view.anchor);
  if (opening.length < DATA.nodes.length) {
    statusNote = " \u2014 framed to read: arrow keys pan, Show all (0) for the whole map";
    showStatus();
  }
  started = true;
  if (DATA.view.autoplay && DATA.steps.length) startPresenting(0);
})();
