/* r2pkg map page. Start: the first drawing and the opening frame.
 *
 * Text from the data only ever enters the page through textContent / append(string) on
 * elements we create, never innerHTML. graph.render.page concatenates the modules, in the
 * order of MODULES there, inside one function: they share its scope.
 */
// ---- start -----------------------------------------------------------
// vis-network draws a cylinder's label in its lid, over the outline: once the shapes are measured,
// a top margin centres each label in the body below the lid (the margin does not change the size).
function centreCylinderLabels() {
  var up = [];
  DATA.nodes.forEach(function (n) {
    var body = network.body.nodes[n.id];
    if (n.shape !== "database" || !body) return;
    var b = network.getBoundingBox(n.id), h = b.bottom - b.top, lh = body.labelModule.size.height;
    n.r2p.marginTop = Math.max(10, (2 * h) / 3 - lh / 2) / k;
    up.push(nodeRecord(n, false, false));
  });
  if (up.length) visNodes.update(up.map(function (r) { return { id: r.id, margin: r.margin }; }));
}
network.once("afterDrawing", centreCylinderLabels);
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
// A tour, or a map too large to read whole, opens on its first step. A very large map (streamed in
// slices) opens framed on that step's nodes instead: presenting would take the whole map at once.
if (DATA.view.autoplay && DATA.steps.length && (DATA.view.tour || !large)) startPresenting(0);
