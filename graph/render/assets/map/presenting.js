/* r2pkg map page. Presenting: steps with narration and quote, the rest of the map dimmed.
 *
 * Text from the data only ever enters the page through textContent / append(string) on
 * elements we create, never innerHTML. graph.render.page concatenates the modules, in the
 * order of MODULES there, inside one function: they share its scope.
 */
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
    el("p", { class: "step-hint", text: "\u2190 \u2192 to move \u00b7 Esc or Stop to leave" }));
  caption.style.top = byId("top").getBoundingClientRect().bottom + "px";  // never over the header's Stop button
  caption.hidden = false;
  fitCaption();
  R.step = state.step;
  document.body.dataset.step = String(state.step);
  network.unselectAll();
  apply(true);
}
// A long step (title, narration, quote and its source) shrinks its text a little, down to three quarters,
// rather than hide its end below the fold: nobody scrolls a projected column.
function fitCaption() {
  var scale = 1;
  caption.style.setProperty("--cap-scale", "1");
  while (caption.scrollHeight > caption.clientHeight + 1 && scale > 0.76) {
    scale -= 0.04;
    caption.style.setProperty("--cap-scale", scale.toFixed(2));
  }
}
// Presenting resumes where the trainer left off (at: a step to go to instead).
var resumeAt = 0;
function startPresenting(at) {
  if (!DATA.steps.length) return;
  if (state.presenting && at === undefined) return;  // P never stops, or restarts, a running tour
  state.presenting = true;
  state.step = at === undefined ? resumeAt : at;
  state.focus = null;
  closePanel();
  document.body.classList.add("presenting");
  reserveKeyRoom();
  byId("present").textContent = "Stop";
  showStep();
}
// The narration column ends above the compact key, whatever number of rows the key wraps to in this view
// (a fixed reservation let a three-row key cover the quote's source line).
function reserveKeyRoom() {
  var key = byId("key");
  var room = key ? window.innerHeight - key.getBoundingClientRect().top + 12 : 0;
  document.body.style.setProperty("--key-room", Math.ceil(room) + "px");
}
window.addEventListener("resize", function () { if (state.presenting) { reserveKeyRoom(); fitCaption(); } });
function stopPresenting() {
  if (!state.presenting) return;
  resumeAt = state.step;
  state.presenting = false;
  document.body.classList.remove("presenting");
  caption.hidden = true;
  byId("present").textContent = "Present";
  R.step = null;
  delete document.body.dataset.step;
  apply(false);  // the frame stays where the last step left it (Show all or 0 for the whole map)
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
// The button is the visible Stop while presenting; the key P only ever presents.
byId("present").addEventListener("click", function () {
  if (state.presenting) stopPresenting(); else startPresenting();
  this.blur();
});
