/* r2pkg map page. Start: the first drawing and the opening frame.
 *
 * Text from the data only ever enters the page through textContent / append(string) on
 * elements we create, never innerHTML. graph.render.page concatenates the modules, in the
 * order of MODULES there, inside one function: they share its scope.
 */
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
