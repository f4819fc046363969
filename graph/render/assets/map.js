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

  function tooltip(meta, label) {
    var d = (meta && meta.details) || {};
    var box = el("div", { class: "tip" },
      el("div", { class: "tip-title", text: label || d.title || "" }),
      d.kind ? el("div", { class: "tip-kind", text: d.kind + (d.consensus ? " \u00b7 " + d.consensus : "") }) : null,
      (d.definition || d.statement) ? el("div", { class: "tip-body", text: clip(d.statement || d.definition, 220) }) : null,
      el("div", { class: "tip-hint", text: "Click for details" }));
    return box;
  }

  var visNodes = new vis.DataSet(DATA.nodes.map(function (n) {
    var o = {};
    Object.keys(n).forEach(function (k) { if (k !== "r2p") o[k] = n[k]; });
    o.title = tooltip(n.r2p, n.label);
    o.physics = false;
    return o;
  }));
  var visEdges = new vis.DataSet(DATA.edges.map(function (e) {
    var o = {};
    Object.keys(e).forEach(function (k) { if (k !== "r2p") o[k] = e[k]; });
    o.title = tooltip(e.r2p, (e.r2p.details && e.r2p.details.title) || e.label);
    return o;
  }));

  var large = DATA.edges.length > 1500 || DATA.nodes.length > 800;
  var fontSize = DATA.style.nodeFont;
  var READABLE_PX = 16;  // smallest node label, in screen pixels, that a projected map starts with
  var container = byId("map");
  var network = new vis.Network(container, { nodes: visNodes, edges: visEdges }, {
    autoResize: true,
    physics: { enabled: false },
    layout: { improvedLayout: false, randomSeed: 1 },
    interaction: {
      hover: !large, tooltipDelay: 250, hideEdgesOnDrag: large, hideEdgesOnZoom: large,
      multiselect: false, navigationButtons: false, keyboard: false
    },
    nodes: {
      font: { size: fontSize, face: "Arial, Helvetica, sans-serif", multi: false },
      margin: { top: 10, right: 12, bottom: 10, left: 12 },
      widthConstraint: { maximum: DATA.style.labelWidth },
      shapeProperties: { borderRadius: 6 }
    },
    edges: {
      arrows: { to: { enabled: true, scaleFactor: 1.1 } },
      font: { size: DATA.style.edgeFont, face: "Arial, Helvetica, sans-serif", color: "#111827",
              strokeWidth: 5, strokeColor: "#ffffff", align: "horizontal" },
      selectionWidth: 2,
      hoverWidth: 1.5
    }
  });

  // ---- state -----------------------------------------------------------
  var state = {
    off: { cls: new Set(), rel: new Set(), sector: new Set(), consensus: new Set() },
    focus: null, depth: 1,
    presenting: false, step: 0
  };
  var R = window.r2pMap = {
    ready: false, readyAt: null, network: network,
    nodeCount: DATA.nodes.length, edgeCount: DATA.edges.length,
    stepCount: DATA.steps.length
  };
  document.body.dataset.nodeCount = String(DATA.nodes.length);
  document.body.dataset.edgeCount = String(DATA.edges.length);
  document.body.dataset.view = DATA.view.name;

  function nodePasses(n) {
    var m = n.r2p;
    if (state.off.cls.has(m.cls)) return false;
    if (m.sectors.length && m.sectors.every(function (s) { return state.off.sector.has(s); })) return false;
    if (m.consensus && state.off.consensus.has(m.consensus)) return false;
    return true;
  }
  function edgePasses(e) {
    var m = e.r2p;
    if (state.off.rel.has(m.rel)) return false;
    if (m.consensus && state.off.consensus.has(m.consensus)) return false;
    return true;
  }

  function revealed() {
    var ns = new Set(), es = new Set();
    for (var i = 0; i <= state.step && i < DATA.steps.length; i++) {
      DATA.steps[i].nodes.forEach(function (x) { ns.add(x); });
      DATA.steps[i].edges.forEach(function (x) { es.add(x); });
    }
    return { nodes: ns, edges: es };
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

  var shownNodes = new Set(Object.keys(NODES));
  var shownEdges = new Set(Object.keys(EDGES));

  function apply(fit) {
    var rev = state.presenting ? revealed() : null;
    var okNode = function (n) { return nodePasses(n) && (!rev || rev.nodes.has(n.id)); };
    var okEdgeBase = function (e) { return edgePasses(e) && (!rev || rev.edges.has(e.id)); };
    var hood = state.focus && NODES[state.focus] ? neighbourhood(state.focus, state.depth, okNode, okEdgeBase) : null;
    var nextNodes = new Set();
    DATA.nodes.forEach(function (n) { if (okNode(n) && (!hood || hood.has(n.id))) nextNodes.add(n.id); });
    var nextEdges = new Set();
    DATA.edges.forEach(function (e) {
      if (okEdgeBase(e) && nextNodes.has(e.from) && nextNodes.has(e.to)) nextEdges.add(e.id);
    });
    var nu = [], eu = [];
    DATA.nodes.forEach(function (n) {
      var was = shownNodes.has(n.id), now = nextNodes.has(n.id);
      if (was !== now) nu.push({ id: n.id, hidden: !now });
    });
    DATA.edges.forEach(function (e) {
      var was = shownEdges.has(e.id), now = nextEdges.has(e.id);
      if (was !== now) eu.push({ id: e.id, hidden: !now });
    });
    if (nu.length) visNodes.update(nu);
    if (eu.length) visEdges.update(eu);
    shownNodes = nextNodes;
    shownEdges = nextEdges;
    document.body.dataset.visibleNodes = String(shownNodes.size);
    document.body.dataset.visibleEdges = String(shownEdges.size);
    byId("status").textContent = "Showing " + shownNodes.size + " of " + DATA.nodes.length + " nodes, " +
      shownEdges.size + " of " + DATA.edges.length + " links";
    if (fit && shownNodes.size) fitTo(Array.from(shownNodes));
  }

  // Fit, but never blow a handful of nodes up to poster size. No animation: on a projector
  // a jump is easier to follow than a slow zoom, and the map is ready at once.
  function fitTo(ids) {
    network.setSize("100%", "100%");  // the panel or caption may have just taken space
    network.fit({ nodes: ids, animation: false });
    if (network.getScale() > 1.4) {
      network.moveTo({ position: network.getViewPosition(), scale: 1.4, animation: false });
    }
  }

  R.visibleNodeIds = function () { return Array.from(shownNodes).sort(); };
  R.visibleEdgeIds = function () { return Array.from(shownEdges).sort(); };

  // ---- legend and filters ----------------------------------------------
  function swatchNode(c) {
    var s = el("span", { class: "swatch shape-" + c.shape, "aria-hidden": "true" });
    s.style.background = c.fill;
    s.style.borderColor = c.border || "#1f2937";
    return s;
  }
  function swatchEdge(r) {
    var s = el("span", { class: "swatch-line", "aria-hidden": "true" });
    s.style.borderTopColor = r.color;
    s.style.borderTopStyle = r.dashes ? "dashed" : "solid";
    return s;
  }
  function filterGroup(title, key, items, swatch, help) {
    if (!items.length) return null;
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
  function swatchConsensus(c) {
    var s = el("span", { class: "swatch shape-box", "aria-hidden": "true" });
    s.style.background = c.fill;
    return s;
  }
  var L = DATA.legend;
  var legendEl = byId("legend");
  legendEl.append(
    el("button", { id: "legend-toggle", class: "btn small", type: "button", "aria-expanded": "true", text: "Hide legend" }),
    el("div", { id: "legend-body" },
      filterGroup("Node types", "cls", L.classes, swatchNode),
      filterGroup("Relations", "rel", L.relations, swatchEdge),
      filterGroup("Sectors", "sector", L.sectors, null, "Nodes with no sector always show."),
      filterGroup("Consensus level", "consensus", L.consensus, swatchConsensus, "Most widely held first.")));
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
  });
  // A 1024-pixel projector needs the whole width for the map; the legend is one click away.
  if (window.innerWidth < 1200) showLegend(false);

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
      el("div", { class: "claim-meta", text: [c.consensus, (c.heldBy || []).join(", "), source(c)].filter(Boolean).join(" \u00b7 ") }),
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
      field("Consensus", d.consensus), field("Held by", d.heldBy), field("Source", source(d)),
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
      syncCheckboxes();
    }
    if (state.presenting && !revealed().nodes.has(id)) stopPresenting();
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
  function showStep() {
    var s = DATA.steps[state.step];
    caption.replaceChildren(
      el("span", { class: "step-no", text: "Step " + (state.step + 1) + " of " + DATA.steps.length }),
      el("span", { class: "step-text", text: s ? s.caption : "" }),
      el("span", { class: "step-hint", text: "\u2190 \u2192 to move \u00b7 Esc to leave" }));
    caption.hidden = false;
    R.step = state.step;
    document.body.dataset.step = String(state.step);
    var newIds = s ? s.nodes.filter(function (id) { return NODES[id]; }) : [];
    apply(true);
    network.selectNodes(newIds.filter(function (id) { return shownNodes.has(id); }));
  }
  function startPresenting() {
    if (!DATA.steps.length) return;
    state.presenting = true;
    state.step = 0;
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
    network.unselectAll();
    apply(true);
  }
  function move(delta) {
    if (!state.presenting) return;
    var next = Math.max(0, Math.min(DATA.steps.length - 1, state.step + delta));
    if (next !== state.step) { state.step = next; showStep(); }
  }
  R.present = { start: startPresenting, stop: stopPresenting, next: function () { move(1); }, prev: function () { move(-1); } };
  byId("present").disabled = !DATA.steps.length;
  byId("present").addEventListener("click", function () {
    if (state.presenting) stopPresenting(); else startPresenting();
    this.blur();
  });
  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA")) return;  // typing, not commands
    if (t && t.tagName === "SELECT" && ev.key !== "Escape") return;      // arrows change the depth
    // Presenter remotes send PageDown/PageUp; keyboards send the arrows.
    if (ev.key === "ArrowRight" || ev.key === "PageDown" || ev.key === " ") {
      if (state.presenting) { move(1); ev.preventDefault(); }
    } else if (ev.key === "ArrowLeft" || ev.key === "PageUp") {
      if (state.presenting) { move(-1); ev.preventDefault(); }
    } else if (ev.key === "Escape") {
      if (state.presenting) stopPresenting(); else clearFocus();
    } else if (ev.key === "p" || ev.key === "P") {
      if (state.presenting) stopPresenting(); else startPresenting();
    } else if (ev.key === "/") {
      search.focus(); ev.preventDefault();
    }
  });

  // ---- other tools -----------------------------------------------------
  byId("reset").addEventListener("click", function () {
    state.off.cls.clear(); state.off.rel.clear(); state.off.sector.clear(); state.off.consensus.clear();
    syncCheckboxes();
    if (state.presenting) stopPresenting();
    clearFocus();
  });
  function setFont(size) {
    fontSize = Math.max(12, Math.min(40, size));
    network.setOptions({ nodes: { font: { size: fontSize } }, edges: { font: { size: Math.round(fontSize * 0.8) } } });
    R.fontSize = fontSize;
  }
  R.fontSize = fontSize;
  byId("smaller").addEventListener("click", function () { setFont(fontSize - 4); });
  byId("larger").addEventListener("click", function () { setFont(fontSize + 4); });

  // The canvas is transparent: paint it on white so the PNG reads on slides and paper.
  function exportPNG() {
    var src = container.querySelector("canvas");
    var out = document.createElement("canvas");
    out.width = src.width;
    out.height = src.height;
    var ctx = out.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(src, 0, 0);
    return out.toDataURL("image/png");
  }
  R.exportPNG = exportPNG;
  byId("png").addEventListener("click", function () {
    var a = el("a", { href: exportPNG(), download: DATA.view.name + ".png" });
    document.body.append(a);
    a.click();
    a.remove();
  });

  // ---- start -----------------------------------------------------------
  network.once("afterDrawing", function () {
    R.ready = true;
    R.readyAt = performance.now();
    document.body.dataset.ready = "1";
  });
  apply(true);
  readableStart();

  // A large map fitted whole shrinks its labels below what the back of a room can read. Start
  // instead at a readable scale on the most connected node; "Show all" (Esc) still fits it whole.
  function readableStart() {
    var readable = READABLE_PX / fontSize;
    if (network.getScale() >= readable) return;
    var degree = {};
    DATA.edges.forEach(function (e) {
      degree[e.from] = (degree[e.from] || 0) + 1;
      degree[e.to] = (degree[e.to] || 0) + 1;
    });
    var hub = DATA.nodes.reduce(function (best, n) {
      return (degree[n.id] || 0) > (degree[best.id] || 0) ? n : best;
    }, DATA.nodes[0]);
    network.moveTo({ position: network.getPositions([hub.id])[hub.id], scale: readable, animation: false });
    byId("status").textContent += " \u2014 zoomed in to read: drag to pan, Show all to see the whole map";
  }
})();
