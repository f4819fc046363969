/* r2pkg map page. Export: PNG at print resolution, SVG, print.
 *
 * Text from the data only ever enters the page through textContent / append(string) on
 * elements we create, never innerHTML. graph.render.page concatenates the modules, in the
 * order of MODULES there, inside one function: they share its scope.
 */
// ---- figures: PNG at print resolution, SVG, print -------------------------
function legendItems() {
  var out = [];
  L.classes.forEach(function (c) { out.push({ kind: "node", fill: c.fill, shape: c.shape, dashed: c.dashed, label: c.label }); });
  L.effects.forEach(function (c) { out.push({ kind: "edge", color: c.color, dashes: c.dashes, head: c.head, label: c.label }); });
  L.directions.forEach(function (c) { out.push({ kind: "edge", color: c.color, dashes: c.dashes, head: c.head, label: "head: " + c.label }); });
  // the line's weight: an exported map keeps what its thin lines mean
  L.voices.forEach(function (c) { out.push({ kind: "edge", color: c.color, head: "", lineWidth: c.width * 1.5, label: "line: " + c.label }); });
  L.relations.forEach(function (c) {
    if (c.color && !c.causal) out.push({ kind: "edge", color: c.color, dashes: c.dashes, head: c.head, label: c.label });
  });
  L.consensus.forEach(function (c) { out.push({ kind: "node", fill: "#ffffff", shape: "box", width: c.width, label: "held by: " + c.label }); });
  L.speakers.forEach(function (c) { out.push({ kind: "node", fill: "#ffffff", shape: "box", dashes: c.dashes, label: "speaker: " + c.label }); });
  return out;
}
var measure = document.createElement("canvas").getContext("2d");
function wrap(label, size, maxW, weight) {
  measure.font = (weight ? weight + " " : "") + size + "px Arial, Helvetica, sans-serif";
  var lines = [], cur = "";
  String(label).split(/\s+/).forEach(function (w) {
    var cand = cur ? cur + " " + w : w;
    if (cur && measure.measureText(cand).width > maxW) { lines.push(cur); cur = w; } else cur = cand;
  });
  lines.push(cur);
  return lines;
}
// The bounding box of the shown nodes, in canvas units.
function mapBounds() {
  var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  shownNodes.forEach(function (id) {
    var b = network.getBoundingBox(id);
    if (!b) return;
    x0 = Math.min(x0, b.left); y0 = Math.min(y0, b.top); x1 = Math.max(x1, b.right); y1 = Math.max(y1, b.bottom);
  });
  if (!isFinite(x0)) { x0 = y0 = 0; x1 = y1 = 100; }
  return { x0: x0, y0: y0, x1: x1, y1: y1 };
}
// Render the whole (filtered) map into a big canvas: the network at the largest scale that fits
// its own shape (a small map fills the space), the title and the whole description above, the
// legend to the right and the source line below.
function exportCanvas(width) {
  loadAll();
  width = width || 3600;
  var mapW = Math.round(width * 0.72), b = mapBounds();
  var aspect = (b.y1 - b.y0 + 60) / (b.x1 - b.x0 + 60);
  var mapH = Math.round(Math.min(Math.max(mapW * aspect, mapW * 0.4), mapW * 1.2));
  var saved = { pos: network.getViewPosition(), scale: network.getScale() };
  var ratio = window.devicePixelRatio || 1;
  network.setSize(mapW / ratio + "px", mapH / ratio + "px");
  network.fit({ nodes: Array.from(shownNodes), animation: false, maxZoomLevel: 20, minZoomLevel: 0.001 });
  network.redraw();
  var src = container.querySelector("canvas");
  var desc = wrap(DATA.view.description, 34, width - 80);
  R.lastExport = { scale: network.getScale(), description: desc.join(" "), width: width, mapHeight: mapH };
  var titleH = 120 + desc.length * 44, footH = 90, items = legendItems();
  var out = document.createElement("canvas");
  out.width = width;
  out.height = titleH + Math.max(mapH, 200 + items.length * 62) + footH;
  var ctx = out.getContext("2d");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(src, 0, titleH, mapW, mapH);
  ctx.fillStyle = "#111827";
  ctx.font = "bold 64px Arial, Helvetica, sans-serif";
  ctx.fillText(DATA.view.title, 40, 86);
  ctx.font = "34px Arial, Helvetica, sans-serif";
  ctx.fillStyle = "#374151";
  desc.forEach(function (line, i) { ctx.fillText(line, 40, 134 + i * 44); });
  var x0 = mapW + 40, y = titleH + 40;
  ctx.fillStyle = "#111827";
  ctx.font = "bold 44px Arial, Helvetica, sans-serif";
  ctx.fillText("Legend", x0, y);
  y += 30;
  ctx.font = "32px Arial, Helvetica, sans-serif";
  items.forEach(function (it) {
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
      ctx.lineWidth = it.lineWidth || 6;
      ctx.setLineDash(it.dashes ? [14, 8] : []);
      ctx.beginPath(); ctx.moveTo(x0, y - 12); ctx.lineTo(x0 + (it.head ? 66 : 80), y - 12); ctx.stroke();
      ctx.setLineDash([]);
      ctx.beginPath();
      if (it.head === "bar") { ctx.rect(x0 + 68, y - 34, 8, 44); }
      else if (it.head === "diamond") { ctx.moveTo(x0 + 66, y - 24); ctx.lineTo(x0 + 78, y - 12); ctx.lineTo(x0 + 66, y); ctx.lineTo(x0 + 54, y - 12); }
      else if (it.head) { ctx.moveTo(x0 + 60, y - 28); ctx.lineTo(x0 + 80, y - 12); ctx.lineTo(x0 + 60, y + 4); }
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
function viaPoint(a, b, sm) {  // vis-network 9.1's curvedCW / curvedCCW control point
  if (!sm || !sm.enabled) return null;
  var i = sm.roundness, dx = b.x - a.x, dy = a.y - b.y, r = Math.sqrt(dx * dx + dy * dy);
  var turn = sm.type === "curvedCW" ? 0.5 * i + 0.5 : -0.5 * i + 0.5;
  var g = (Math.atan2(dy, dx) + turn * Math.PI) % (2 * Math.PI);
  return { x: a.x + (0.5 * i + 0.5) * r * Math.sin(g), y: a.y + (0.5 * i + 0.5) * r * Math.cos(g) };
}
// Where a ray from the centre of box b towards point p leaves the node's outline.
function outlinePoint(b, ellipse, p) {
  var cx = (b.left + b.right) / 2, cy = (b.top + b.bottom) / 2, rx = (b.right - b.left) / 2, ry = (b.bottom - b.top) / 2;
  var dx = p.x - cx, dy = p.y - cy;
  if (!dx && !dy) return { x: cx, y: cy };
  var t = ellipse ? 1 / Math.sqrt((dx * dx) / (rx * rx) + (dy * dy) / (ry * ry))
    : Math.min(dx ? rx / Math.abs(dx) : Infinity, dy ? ry / Math.abs(dy) : Infinity);
  return { x: cx + dx * t, y: cy + dy * t };
}
function quadPoint(a, v, b, t) {
  var u = 1 - t;
  return { x: u * u * a.x + 2 * u * t * v.x + t * t * b.x, y: u * u * a.y + 2 * u * t * v.y + t * t * b.y };
}
function round1(x) { return Math.round(x * 10) / 10; }
// Every visible node and edge as SVG shapes and text (textContent only: data never becomes markup):
// each link ends at its target's outline with its head (arrow, bar, diamond) there, its label at
// its middle; the title, the whole description, the legend and the source around it. `lit`: the
// nodes a tour step shows (the rest drawn faint), for printing steps.
function buildSVG(lit) {
  loadAll();
  var pos = network.getPositions(Array.from(shownNodes));
  var boxes = {};
  Object.keys(pos).forEach(function (id) { boxes[id] = network.getBoundingBox(id); });
  var bb = mapBounds(), x0 = bb.x0, y0 = bb.y0, x1 = bb.x1, y1 = bb.y1;
  var pad = 40, items = legendItems();
  measure.font = "26px Arial, Helvetica, sans-serif";
  var legendW = Math.max(660, 120 + Math.max.apply(null, items.map(function (it) { return measure.measureText(it.label).width; }).concat([0])));
  measure.font = "22px Arial, Helvetica, sans-serif";
  var sourceW = measure.measureText(DATA.view.source).width;
  var desc = wrap(DATA.view.description, 26, Math.max(900, x1 - x0 + legendW));
  var titleH = 90 + desc.length * 34;
  var w = Math.max(x1 - x0 + 2 * pad + legendW, sourceW + 2 * pad), h = Math.max(y1 - y0 + 2 * pad, items.length * 50 + 120) + titleH + 70;
  var top = y0 - pad - titleH;
  var svg = svgEl("svg", { xmlns: SVGNS, width: Math.round(w), height: Math.round(h),
                           viewBox: [x0 - pad, top, w, h].map(round1).join(" "), "font-family": "Arial, Helvetica, sans-serif" });
  svg.append(svgEl("rect", { x: x0 - pad, y: top, width: w, height: h, fill: "#ffffff" }));
  svg.append(svgEl("title", {}, DATA.view.title));
  svg.append(svgEl("desc", {}, DATA.view.description));
  svg.append(svgEl("text", { x: x0, y: top + 56, "font-size": 44, "font-weight": "bold", fill: "#111827" }, DATA.view.title));
  desc.forEach(function (line, i) {
    svg.append(svgEl("text", { class: "description", x: x0, y: top + 96 + i * 34, "font-size": 26, fill: "#374151" }, line));
  });
  var defs = svgEl("defs");
  svg.append(defs);
  var markers = {};
  // markerUnits userSpaceOnUse: heads keep their size whatever the line width; the tip (refX) is
  // the path's end, which lies on the target's outline.
  function marker(colour, head) {
    var key = colour + head;
    if (markers[key]) return markers[key];
    var id = "m" + Object.keys(markers).length;
    var m = svgEl("marker", { id: id, class: "head-" + head, viewBox: "0 0 20 20", refX: head === "bar" ? 18 : head === "diamond" ? 20 : 20,
                              refY: 10, markerWidth: 20, markerHeight: 20, markerUnits: "userSpaceOnUse", orient: "auto" });
    m.append(head === "bar" ? svgEl("rect", { x: 14, y: 0, width: 6, height: 20, fill: colour })
      : head === "diamond" ? svgEl("path", { d: "M0,10 L10,3 L20,10 L10,17 z", fill: colour })
      : head === "vee" ? svgEl("path", { d: "M4,3 L20,10 L4,17", fill: "none", stroke: colour, "stroke-width": 3 })
      : svgEl("path", { d: "M0,2 L20,10 L0,18 z", fill: colour }));
    defs.append(m);
    markers[key] = id;
    return id;
  }
  var edgeLayer = svgEl("g", { class: "edges" }), nodeLayer = svgEl("g", { class: "nodes" }), labelLayer = svgEl("g", { class: "edge-labels" });
  svg.append(edgeLayer, nodeLayer, labelLayer);
  var isEllipse = function (id) { return NODES[id].shape === "ellipse" || NODES[id].shape === "circle"; };
  var faint = function (ids) { return lit && ids.some(function (id) { return !lit.has(id); }); };
  DATA.edges.forEach(function (e) {
    if (!shownEdges.has(e.id)) return;
    var a = pos[e.from], b = pos[e.to];
    if (!a || !b || e.from === e.to) return;
    var via = viaPoint(a, b, e.smooth);
    var start = outlinePoint(boxes[e.from], isEllipse(e.from), via || b);
    var end = outlinePoint(boxes[e.to], isEllipse(e.to), via || a);
    var d = via ? "M" + round1(start.x) + "," + round1(start.y) + " Q" + round1(via.x) + "," + round1(via.y) + " " + round1(end.x) + "," + round1(end.y)
      : "M" + round1(start.x) + "," + round1(start.y) + " L" + round1(end.x) + "," + round1(end.y);
    var head = (e.arrows && e.arrows.to && e.arrows.to.type) || "arrow";
    var p = svgEl("path", { d: d, fill: "none", stroke: e.r2p.colour, "stroke-width": e.width || 3, "data-from": e.from, "data-to": e.to,
                            "data-head": head, "marker-end": "url(#" + marker(e.r2p.colour, head) + ")" });
    if (e.dashes) p.setAttribute("stroke-dasharray", Array.isArray(e.dashes) ? e.dashes.join(" ") : "10 6");
    if (faint([e.from, e.to])) p.setAttribute("opacity", "0.2");
    p.append(svgEl("title", {}, (e.r2p.details && e.r2p.details.title) || e.label || ""));
    edgeLayer.append(p);
    if (e.label) {
      var mid = via ? quadPoint(a, via, b, 0.5) : { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
      var size = DATA.style.edgeFont * k, vadj = labelShift(e);
      labelLayer.append(svgEl("text", { x: round1(mid.x), y: round1(mid.y + vadj), "font-size": size, "text-anchor": "middle",
                                        "dominant-baseline": "middle", fill: "#111827", stroke: "#ffffff", "stroke-width": 6,
                                        "paint-order": "stroke", opacity: faint([e.from, e.to]) ? 0.2 : 1 }, e.label));
    }
  });
  DATA.nodes.forEach(function (n) {
    var b = boxes[n.id];
    if (!b) return;
    var g = svgEl("g", { "data-id": n.id, "data-shape": isEllipse(n.id) ? "ellipse" : "rect" });
    if (faint([n.id])) g.setAttribute("opacity", "0.25");
    var attrs = { fill: n.color.background, stroke: n.color.border, "stroke-width": n.borderWidth || 2 };
    var dash = n.shapeProperties && n.shapeProperties.borderDashes;
    if (dash) attrs["stroke-dasharray"] = Array.isArray(dash) ? dash.join(" ") : "10 6";
    var shape = isEllipse(n.id) ? svgEl("ellipse", Object.assign({ cx: (b.left + b.right) / 2, cy: (b.top + b.bottom) / 2, rx: (b.right - b.left) / 2, ry: (b.bottom - b.top) / 2 }, attrs))
      : svgEl("rect", Object.assign({ x: b.left, y: b.top, width: b.right - b.left, height: b.bottom - b.top, rx: 6 }, attrs));
    g.append(shape);
    var size = n.r2p.font * k, lines = network.body.nodes[n.id].labelModule.lines.map(function (l) {
      return l.blocks.map(function (x) { return x.text; }).join("");
    });
    if (!lines.length) lines = wrap(n.label, size, DATA.style.labelWidth * k - 24 * k);
    var cy = (b.top + b.bottom) / 2 - (lines.length - 1) * size * 0.55;
    lines.forEach(function (line, i) {
      g.append(svgEl("text", { x: (b.left + b.right) / 2, y: cy + i * size * 1.1, "font-size": size, "text-anchor": "middle",
                               "dominant-baseline": "middle", fill: (n.font && n.font.color) || "#111827" }, line));
    });
    nodeLayer.append(g);
  });
  var lx = x1 + pad, ly = y0;
  var legend = svgEl("g", { class: "legend" });
  svg.append(legend);
  legend.append(svgEl("text", { x: lx, y: ly, "font-size": 34, "font-weight": "bold", fill: "#111827" }, "Legend"));
  items.forEach(function (it, i) {
    var y = ly + 50 + i * 50;
    if (it.kind === "node") {
      var a2 = { fill: it.fill, stroke: "#111827", "stroke-width": it.width || 3 };
      if (it.dashed) a2["stroke-dasharray"] = "10 6";
      if (it.dashes && it.dashes.length) a2["stroke-dasharray"] = it.dashes.join(" ");
      legend.append(it.shape === "ellipse" ? svgEl("ellipse", Object.assign({ cx: lx + 30, cy: y - 10, rx: 28, ry: 16 }, a2))
        : svgEl("rect", Object.assign({ x: lx + 2, y: y - 26, width: 56, height: 32 }, a2)));
    } else {
      var l = svgEl("path", { d: "M" + lx + "," + (y - 10) + " L" + (lx + 60) + "," + (y - 10), stroke: it.color,
                              "stroke-width": it.lineWidth || 5 });
      if (it.head) l.setAttribute("marker-end", "url(#" + marker(it.color, it.head) + ")");
      if (it.dashes) l.setAttribute("stroke-dasharray", "12 7");
      legend.append(l);
    }
    legend.append(svgEl("text", { x: lx + 80, y: y, "font-size": 26, fill: "#111827" }, it.label));
  });
  svg.append(svgEl("text", { x: x0, y: top + h - 24, "font-size": 22, fill: "#374151" }, DATA.view.source));
  return svg;
}
function exportSVG() { return new XMLSerializer().serializeToString(buildSVG(null)); }
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

// Printing: the pages are drawings, not the screen. A map prints whole on one page (the SVG:
// title, description, legend); a tour prints one page per step, the step's nodes lit, with its
// caption, narration and quote. Built just before printing, removed after.
var printPages = byId("print-pages");
function preparePrint() {
  printPages.replaceChildren();
  if (DATA.view.tour && DATA.steps.length) {
    DATA.steps.forEach(function (s, i) {
      var q = s.quote && s.quote.text ? quoteBlock(s.quote) : null;
      printPages.append(el("section", { class: "print-page step" },
        el("p", { class: "step-no", text: DATA.view.title + " \u00b7 step " + (i + 1) + " of " + DATA.steps.length }),
        el("h2", { text: s.caption }),
        el("div", { class: "print-figure" }, buildSVG(new Set(s.nodes))),
        s.narration ? el("p", { class: "step-narration", text: s.narration }) : null, q));
    });
  } else {
    printPages.append(el("section", { class: "print-page" }, el("div", { class: "print-figure" }, buildSVG(null))));
  }
  R.printPages = printPages.children.length;
}
R.preparePrint = preparePrint;
window.addEventListener("beforeprint", preparePrint);
window.addEventListener("afterprint", function () { printPages.replaceChildren(); });
byId("print").addEventListener("click", function () { preparePrint(); window.print(); this.blur(); });
