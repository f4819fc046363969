/* r2pkg map page. The page around the map: the network, what is shown, framing, the legend and the side panel.
 *
 * Text from the data only ever enters the page through textContent / append(string) on
 * elements we create, never innerHTML. graph.render.page concatenates the modules, in the
 * order of MODULES there, inside one function: they share its scope.
 */
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
  off: { cls: new Set(), effect: new Set(), direction: new Set(), voice: new Set(), rel: new Set(), sector: new Set(),
         consensus: new Set(), speaker: new Set(), document: new Set() },
  focus: null, depth: 1,
  presenting: false, step: 0
};
var R = window.r2pMap = {
  ready: false, readyAt: null, loaded: false, loadedAt: null, network: network,
  nodeCount: DATA.nodes.length, edgeCount: DATA.edges.length,
  stepCount: DATA.steps.length, step: null, fontSize: BASE_FONT, textScale: 1,
  view: DATA.view.name,
  point: (DATA.view.point || []).slice()  // the nodes the map exists to show (all in its first frame)
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
  return documentPasses(m);
}
// An item passes unless every document it comes from is switched off (items of no document always show).
function documentPasses(m) {
  return !(m.documents && m.documents.length && m.documents.every(function (d) { return state.off.document.has(d); }));
}
function edgePasses(e) {
  var m = e.r2p;
  if (state.off.rel.has(m.rel)) return false;
  if (m.effect && state.off.effect.has(m.effect)) return false;
  if (m.direction && state.off.direction.has(m.direction)) return false;
  if (m.voice && state.off.voice.has(m.voice)) return false;
  if (m.consensus && state.off.consensus.has(m.consensus)) return false;
  return documentPasses(m);
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

// The readable scale: labels at READABLE px (on 1920x1080; see screenScale) at the text size the page
// opened with. A+ and A- scale the text AND the drawing (see nodeRecord), so the same scale keeps the
// trainer's choice (labels 1.2 times larger after A+) on every later frame, step and focus.
function minScale() { return (READABLE * screenScale() + 0.5) / BASE_FONT; }
// The largest scale "Show all" zooms to: labels at POSTER_PX (a small map fills the screen).
var POSTER_PX = 72;
function maxScale() { return POSTER_PX * screenScale() / BASE_FONT; }
// The largest scale of any other frame (opening, step, focus): a few nodes are shown at a size a
// room reads, not blown up to fill the screen (labels between READABLE and FRAME_PX).
var FRAME_PX = READABLE * 1.5;
function frameScale() { return FRAME_PX * screenScale() / BASE_FONT; }
R.readableRange = function () { return [READABLE * screenScale(), FRAME_PX * screenScale()]; };
function frameMargin() { return 16 * screenScale(); }  // screen px kept clear between a frame's labels and the canvas edge

// Every drawn label's box in canvas units: node outlines (the label is inside) and edge labels.
function labelBoxes() {
  var ctx = network.canvas.getContext(), out = [];
  shownNodes.forEach(function (id) {
    var n = network.body.nodes[id];
    if (!n) return;  // a very large map: not streamed in yet
    n.updateBoundingBox(ctx, n.selected);
    var b = n.shape.boundingBox;
    out.push({ left: b.left, right: b.right, top: b.top, bottom: b.bottom });
  });
  shownEdges.forEach(function (eid) {
    var e = network.body.edges[eid];
    if (!e || !e.options.label || e.fromId === e.toId || !e.connected) return;
    var m = e.labelModule, size = m.getTextSize(ctx, e.selected, e.hover);
    var via = e.edgeType.via || (e.edgeType._getViaCoordinates ? e.edgeType._getViaCoordinates() : undefined);
    var p = e.edgeType.getPoint(0.5, via), v = m.fontOptions.vadjust || 0;
    out.push({ left: p.x - size.width / 2, right: p.x + size.width / 2,
               top: p.y - size.height / 2 + v, bottom: p.y + size.height / 2 + v });
  });
  return out;
}
function union(boxes) {
  return boxes.reduce(function (u, b) {
    return { left: Math.min(u.left, b.left), right: Math.max(u.right, b.right),
             top: Math.min(u.top, b.top), bottom: Math.max(u.bottom, b.bottom) };
  });
}
// The view that shows box `t` whole (scale clamped to [lo, hi]), centred on it.
function viewOn(t, w, h, lo, hi) {
  var pad = 2 * frameMargin();
  var s = Math.min((w - pad) / Math.max(1, t.right - t.left), (h - pad) / Math.max(1, t.bottom - t.top));
  return { x: (t.left + t.right) / 2, y: (t.top + t.bottom) / 2, scale: Math.max(lo, Math.min(hi, s)) };
}
// Whether box b lies wholly inside window win, at least m from its edges.
function within(b, win, m) {
  return b.left >= win.left + m && b.right <= win.right - m && b.top >= win.top + m && b.bottom <= win.bottom - m;
}
// The labels a window (canvas units) cuts: partly in it, not wholly inside its margin m.
function cutBy(win, boxes, m) {
  return boxes.filter(function (b) {
    var meets = b.left < win.right && b.right > win.left && b.top < win.bottom && b.bottom > win.top;
    return meets && !within(b, win, m);
  });
}
// Where along one axis the window's low edge may go: every place that keeps `t` inside, and where a
// label is just taken in or just left out (lo, hi: the axis' edge names; size: the window's extent).
function edgesToTry(t, boxes, size, m, lo, hi, now, slack) {
  var min = Math.max(t[hi] + m - size, now - slack), max = Math.min(t[lo] - m, now + slack);
  var out = [now, min, max, (min + max) / 2];
  boxes.forEach(function (b) {
    out.push(b[hi] + m - size, b[lo] - m, b[hi] + m / 4, b[lo] - size - m / 4);
  });
  return out.filter(function (x) { return x >= min - 1e-6 && x <= max + 1e-6; });
}
// The window of this scale that keeps `t` inside and cuts the fewest labels, then leaves the fewest
// in its margin, then shows the most labels whole (a frame that has to move takes the neighbours in
// rather than showing empty canvas: the requirements map's first stage beside the second, not alone
// at the edge of an empty half), then lies nearest the centred one, moved from it by at most `slack`
// of its size.
// Every pair of candidate edges is tried when few labels are near; else one axis, then the other.
function bestWindow(t, boxes, w, h, scale, slack) {
  var m = frameMargin() / scale, W = w / scale, H = h / scale;
  var cx = (t.left + t.right) / 2 - W / 2, cy = (t.top + t.bottom) / 2 - H / 2;
  var near = boxes.filter(function (b) {  // only labels some such window could meet
    return b.right > t.right - W && b.left < t.left + W && b.bottom > t.bottom - H && b.top < t.top + H;
  });
  var cost = function (px, py) {
    var win = { left: px, right: px + W, top: py, bottom: py + H };
    var whole = near.filter(function (b) { return within(b, win, 0); }).length;
    return cutBy(win, near, 0).length * 1e15 + cutBy(win, near, m).length * 1e12 - whole * 1e9 +
      Math.abs(px - cx) + Math.abs(py - cy);
  };
  var xs = edgesToTry(t, near, W, m, "left", "right", cx, slack * W);
  var ys = edgesToTry(t, near, H, m, "top", "bottom", cy, slack * H);
  var x = cx, y = cy, least = cost(x, y);
  var take = function (px, py) { var c = cost(px, py); if (c < least) { least = c; x = px; y = py; } };
  if (xs.length * ys.length * near.length <= 400000) {
    xs.forEach(function (px) { ys.forEach(function (py) { take(px, py); }); });
  } else {
    for (var round = 0; round < 3 && least >= 1e6; round++) {
      xs.forEach(function (px) { take(px, y); });
      ys.forEach(function (py) { take(x, py); });
    }
  }
  var win = { left: x, right: x + W, top: y, bottom: y + H };
  return { x: x + W / 2, y: y + H / 2, scale: scale, cut: cutBy(win, near, 0), tight: cutBy(win, near, m) };
}
// Frame these nodes at the largest scale that fits them, never below the readable scale nor above
// the frame scale, and with no label cut at the canvas edge: a label half on screen is taken in
// (zooming out, not below the readable scale) or the frame moves to leave it out.
function frame(ids, centre) {
  network.setSize("100%", "100%");  // the panel or caption may have just taken space
  ids = ids.filter(function (id) { return network.body.nodes[id]; });
  if (!ids.length) return;
  var w = container.clientWidth, h = container.clientHeight, lo = minScale(), hi = frameScale();
  var boxes = labelBoxes();
  var t = union(ids.map(function (id) { return network.getBoundingBox(id); }));
  var v = viewOn(t, w, h, lo, hi);
  if ((t.right - t.left) * v.scale > w - 2 * frameMargin() || (t.bottom - t.top) * v.scale > h - 2 * frameMargin()) {
    // too large to show whole at the readable scale: centred on `centre`, as near as it can be
    if (centre && network.body.nodes[centre]) { var c = network.getPositions([centre])[centre]; v.x = c.x; v.y = c.y; }
    network.moveTo({ position: { x: v.x, y: v.y }, scale: v.scale, animation: false });
    return;
  }
  // The largest scale, from the fitting one down to the readable one, with a window that cuts no
  // label and keeps the nodes near its middle (taking the neighbours in rather than panning to
  // empty space); failing that, a window moved further.
  var best = null, moved = false;
  [0.15, Infinity].some(function (slack) {
    for (var i = 0; i <= 8; i++) {
      var now = bestWindow(t, boxes, w, h, v.scale * Math.pow(lo / v.scale, i / 8), slack);
      if (!best || now.cut.length < best.cut.length ||
          (now.cut.length === best.cut.length && now.tight.length < best.tight.length)) best = now;
      if (!best.cut.length) { moved = slack === Infinity; return true; }
      if (v.scale <= lo) break;
    }
    return false;
  });
  // A frame that had to move far to cut nothing may leave half the screen empty (the requirements
  // map's first stage at the edge, its next column left out): a somewhat smaller scale, still
  // readable, that takes the neighbours in and leaves no wide empty band is the better frame.
  for (var step = 1; moved && emptyShare(best, boxes, w, h) > EMPTY_SHARE && best.scale > lo && step <= 8; step++) {
    var smaller = bestWindow(t, boxes, w, h, best.scale * Math.pow(lo / best.scale, step / 8), Infinity);
    if (!smaller.cut.length && emptyShare(smaller, boxes, w, h) <= EMPTY_SHARE) best = smaller;
  }
  network.moveTo({ position: { x: best.x, y: best.y }, scale: best.scale, animation: false });
}
// The widest empty band along any edge of a window, as a share of its extent: what the window shows
// is the span of the labels wholly inside it.
var EMPTY_SHARE = 0.3;
function emptyShare(view, boxes, w, h) {
  var W = w / view.scale, H = h / view.scale;
  var win = { left: view.x - W / 2, right: view.x + W / 2, top: view.y - H / 2, bottom: view.y + H / 2 };
  var inside = boxes.filter(function (b) { return within(b, win, 0); });
  if (!inside.length) return 1;
  var u = union(inside);
  return Math.max((u.left - win.left) / W, (win.right - u.right) / W, (u.top - win.top) / H,
                  (win.bottom - u.bottom) / H);
}
// "Show all": the whole map, whatever the scale (the one frame allowed to be small).
function fitTo(ids) {
  loadAll();
  network.setSize("100%", "100%");
  network.fit({ nodes: ids, animation: false, maxZoomLevel: maxScale(), minZoomLevel: 0.001 });
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
function swatchVoice(v) {  // the line's weight: full for what the text states, thin for the rest
  var s = swatchEdge(v);
  s.firstChild.style.borderTopWidth = Math.max(1, Math.round(v.width)) + "px";
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
      "The colour and line: what the link does to the risk of atrocities or to a harm; grey where the text does not say."),
    filterGroup("Arrowhead", "direction", L.directions, swatchEdge,
      "The head: what the link does to the node it points at (\u25b6 more of it, \u2503 less of it)."),
    filterGroup("How the text puts it", "voice", L.voices, swatchVoice,
      "The weight: full where the text states the link, thin where it only supposes or asks it, or the curators read it."),
    filterGroup("Relations", "rel", L.relations, swatchEdge),
    // A map without claims (pathways, requirements) filters its links by their claims' breadth: no border to show.
    DATA.nodes.some(function (n) { return n.r2p.consensus; })
      ? filterGroup("How widely held", "consensus", L.consensus, swatchBreadth, "Claims: the heavier the border, the wider.")
      : filterGroup("How widely held", "consensus", L.consensus, null, "The claims behind each link: untick to hide its links."),
    filterGroup("Who speaks", "speaker", L.speakers, swatchSpeaker, "Claims: the border's pattern."),
    filterGroup("Sectors", "sector", L.sectors, null, "Nodes with no sector always show."),
    filterGroup("Documents", "document", L.documents, null, "What each document says; items of none always show."),
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


// The compact key: colour and head in words, on screen whenever the legend is not (presenting,
// a hidden legend, a narrow screen), so nothing leaves a room to guess which way a link reads.
(function compactKey() {
  var items = L.effects.concat(L.directions);  // a dependency too: a requirements map draws nothing else
  // A map of no causal link (the arguments): its colours are support and attack.
  if (!items.length) items = L.relations.filter(function (r) { return !r.causal && r.color; });
  var thin = L.voices.filter(function (v) { return v.key !== "stated"; });
  if (thin.length) {  // a thin line is never read as a finding: the key says what it is
    items = items.concat([{ color: thin[0].color, width: thin[0].width, head: "",
      short: "thin: supposed, asked or the curators' reading" }]);
  }
  var box = byId("key");
  if (!items.length) { box.remove(); return; }
  box.append(el("ul", null, items.map(function (it) {
    return el("li", null, it.width ? swatchVoice(it) : swatchEdge(it), el("span", { text: it.short || it.label }));
  })));
})();
// ---- side panel ------------------------------------------------------
var panel = byId("panel");
function field(label, value) {
  if (value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length)) return null;
  return el("div", { class: "field" }, el("dt", { text: label }),
    el("dd", { text: Array.isArray(value) ? value.join(", ") : String(value) }));
}
function source(d) {
  var where = [d.document, d.section, d.paragraph ? "paragraph " + d.paragraph : ""].filter(Boolean);
  return where.join(", ");
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
    quotes(c.quotes),
    c.contestedBy && c.contestedBy.length
      ? el("div", { class: "claim-contested", text: "Contested by: " + c.contestedBy.join("; ") }) : null);
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
    field("Relation", d.relation), field("Recorded as", d.recorded), field("How the text puts it", d.stated),
    field("Whose reading", d.reading),
    field("From", d.from), field("To", d.to),
    field("How widely held", d.consensus), field("Who speaks", d.speaker), field("Held by", d.heldBy),
    field("Reports the view of", d.viewOf), field("Source", source(d)),
    field("Sectors", d.sectors), field("Defined by", d.definedBy), field("About", d.about), field("Members", d.members),
    field("Cases", d.cases), field("Identifier", d.iri));
  if (dl.childNodes.length) panel.append(dl);
  var q = quotes(d.quotes);
  if (q) panel.append(el("h3", { text: "Quote from " + (d.document || "the source") }), q);
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
