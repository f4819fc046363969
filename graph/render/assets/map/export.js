/* r2pkg map page. Export: PNG at print resolution, SVG, print.
 *
 * Text from the data only ever enters the page through textContent / append(string) on
 * elements we create, never innerHTML. graph.render.page concatenates the modules, in the
 * order of MODULES there, inside one function: they share its scope.
 */
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
