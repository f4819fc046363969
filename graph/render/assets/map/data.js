/* r2pkg map page. The map's data: records for vis-network, text scale, and large maps handed over in slices.
 *
 * Text from the data only ever enters the page through textContent / append(string) on
 * elements we create, never innerHTML. graph.render.page concatenates the modules, in the
 * order of MODULES there, inside one function: they share its scope.
 */
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
var READABLE = DATA.style.readable || 28;  // px at 1920x1080
// The page is drawn for a 1920x1080 screen; on a projector of another size it is the same picture
// scaled to fit (1280x720: two thirds), so a label keeps its share of the projected screen and reads
// from the same seats. map.css scales the page's text by the same factor (--u).
function screenScale() { return Math.max(0.5, Math.min(window.innerWidth / 1920, window.innerHeight / 1080)); }
var POS0 = {};
DATA.nodes.forEach(function (n) { POS0[n.id] = { x: n.x, y: n.y }; });
var k = 1;
// A label moved off its edge's middle (two would cover each other) moves with the text scale.
function labelShift(e) { return e.font && e.font.vadjust ? e.font.vadjust * k : 0; }
function nodeRecord(n, dim, strong) {
  var f = n.r2p.font * k;
  var g = f / BASE_FONT;  // a larger font (the view's subject) wraps at a wider label, as in the layout
  var fg = n.font && n.font.color ? n.font.color : "#111827";
  var base = NODES[n.id];
  var col = base.color;
  return {
    id: n.id,
    font: { size: f, color: dim ? "#6b7280" : fg },
    widthConstraint: { maximum: DATA.style.labelWidth * g },
    margin: { top: (n.r2p.marginTop || 10 * n.r2p.font / BASE_FONT) * k, right: 12 * g, bottom: 10 * g, left: 12 * g },
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
var pending = [];     // the others, nearest to the opening frame first
if (large) {
  var seeds = (DATA.view.opening || []).concat(DATA.view.anchor ? [DATA.view.anchor] : [])
    .filter(function (id) { return NODES[id]; });
  if (!seeds.length) seeds = Object.keys(NODES);
  var seedX = 0, seedY = 0;
  seeds.forEach(function (id) { seedX += NODES[id].x; seedY += NODES[id].y; });
  seedX /= seeds.length; seedY /= seeds.length;
  var seedSet = new Set(seeds);
  pending = DATA.nodes.filter(function (n) { return !seedSet.has(n.id); }).map(function (n) {
    return { id: n.id, d: (n.x - seedX) * (n.x - seedX) + (n.y - seedY) * (n.y - seedY) };
  }).sort(function (a, b) { return a.d - b.d; }).map(function (o) { return o.id; });
  loaded = new Set(seeds.concat(pending.splice(0, FIRST_SLICE)));
}
var nodeData = loaded ? new vis.DataView(visNodes, { filter: function (n) { return !loaded || loaded.has(n.id); } }) : visNodes;
var edgeData = loaded ? new vis.DataView(visEdges, {
  filter: function (e) { return !loaded || (loaded.has(e.from) && loaded.has(e.to)); }
}) : visEdges;
function loadSlice(n) {
  if (!loaded) return;
  if (n === undefined || pending.length <= n) loaded = null;
  else pending.splice(0, n).forEach(function (id) { loaded.add(id); });
  nodeData.refresh();
  edgeData.refresh();
  if (!loaded) {
    pending = [];
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
