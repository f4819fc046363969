/* r2pkg map page. Interaction: focus, tooltips, search, keyboard, Tab access to nodes, Show all and A+ / A-.
 *
 * Text from the data only ever enters the page through textContent / append(string) on
 * elements we create, never innerHTML. graph.render.page concatenates the modules, in the
 * order of MODULES there, inside one function: they share its scope.
 */
function focusNode(id, opts) {
  var n = NODES[id];
  if (!n) return false;
  if (!nodePasses(n)) {  // searching for a filtered-out node brings its filters back
    state.off.cls.delete(n.r2p.cls);
    n.r2p.sectors.forEach(function (s) { state.off.sector.delete(s); });
    state.off.consensus.delete(n.r2p.consensus);
    state.off.speaker.delete(n.r2p.speaker);
    (n.r2p.documents || []).forEach(function (d) { state.off.document.delete(d); });
    syncCheckboxes();
  }
  if (state.presenting) stopPresenting();
  // Esc returns to the frame the trainer had before the first focus (not to the whole map).
  if (!state.focus) beforeFocus = { position: network.getViewPosition(), scale: network.getScale() };
  state.focus = id;
  if (opts && opts.depth !== undefined) state.depth = opts.depth;
  openPanel(n.label, n.r2p.details || {}, true);
  apply(true);
  network.selectNodes([id]);
  R.focused = id;
  document.body.dataset.focus = id;
  return true;
}
var beforeFocus = null;
function clearFocus() {
  var back = state.focus ? beforeFocus : null;
  state.focus = null;
  beforeFocus = null;
  R.focused = null;
  delete document.body.dataset.focus;
  network.unselectAll();
  closePanel();
  apply(!back);
  if (back) {
    network.setSize("100%", "100%");
    network.moveTo({ position: back.position, scale: back.scale, animation: false });
  }
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
    startPresenting();
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
