/* r2pkg reading view. Text from the source and the data enters the page only through
 * textContent / append(string) on elements we create. Never innerHTML. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("r2p-reading").textContent);
  function el(tag, attrs) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === undefined || v === null || v === false) return;
      if (k === "class") e.className = v; else if (k === "text") e.textContent = v; else e.setAttribute(k, String(v));
    });
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === undefined || c === null || c === false) continue;
      if (Array.isArray(c)) c.forEach(function (x) { if (x) e.append(x); }); else e.append(c);
    }
    return e;
  }
  var R = window.r2pReading = { ready: false, open: null };
  var panel = document.getElementById("panel");

  function openClaims(ids) {
    panel.replaceChildren();
    var close = el("button", { class: "btn close", type: "button", "aria-label": "Close", text: "\u00d7" });
    close.addEventListener("click", function () { panel.hidden = true; R.open = null; });
    panel.append(close, el("h2", { text: ids.length === 1 ? "1 claim" : ids.length + " claims" }));
    ids.forEach(function (i) {
      var c = DATA.claims[i];
      var box = el("section", { class: "claim" },
        el("h3", { text: c.label }),
        c.statement ? el("p", { class: "statement", text: c.statement }) : null,
        el("p", { class: "meta", text: [c.who, "how widely held: " + c.breadth].filter(Boolean).join(" \u00b7 ") }),
        c.quotes.map(function (q) { return el("blockquote", null, "\u201c" + q + "\u201d"); }));
      if (c.links.length) {
        box.append(el("h4", { text: "Links drawn from it" }),
          el("ul", null, c.links.map(function (l) {
            return el("li", null, l.title + " (" + l.effect + ")" +
                ((l.cases || []).length ? " Case: " + l.cases.join(", ") + "." : ""),
              l.recorded ? el("span", { class: "recorded", text: "Recorded as: " + l.recorded }) : null);
          })));
      }
      if (c.maps.length) {
        box.append(el("h4", { text: "Maps it appears in" }),
          el("ul", { class: "maps" }, c.maps.map(function (m) { return el("li", null, el("a", { href: m.href, text: m.title })); })));
      }
      panel.append(box);
    });
    panel.hidden = false;
    R.open = ids.slice();
  }
  R.openClaims = openClaims;

  var legend = document.getElementById("legend");
  legend.append(el("span", { class: "legend-title", text: "How widely held:" }),
    ...DATA.legend.map(function (l) {
      var s = el("span", { class: "chip", text: l.label });
      s.style.background = l.fill;
      s.style.color = l.text;
      return s;
    }));

  var main = document.getElementById("text");
  var section = null;
  var lit = 0;
  DATA.paragraphs.forEach(function (p) {
    if (p.section !== section) {
      section = p.section;
      main.append(el("h2", { class: "section", text: section }));
    }
    var body = el("p", { class: "body" });
    p.segments.forEach(function (seg) {
      if (!seg[1].length) { body.append(seg[0]); return; }
      var rank = Math.max.apply(null, seg[1].map(function (i) { return DATA.claims[i].rank; }));
      var mark = el("mark", { tabindex: "0", role: "button", "data-claims": seg[1].join(" "), "data-rank": rank,
                              title: seg[1].length + (seg[1].length === 1 ? " claim" : " claims") });
      mark.textContent = seg[0];
      mark.style.background = DATA.fills[String(rank)];
      mark.style.color = DATA.inks[String(rank)];
      mark.addEventListener("click", function () { openClaims(seg[1]); });
      mark.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter" || ev.key === " ") { openClaims(seg[1]); ev.preventDefault(); }
      });
      body.append(mark);
      lit++;
    });
    main.append(el("article", { class: "para" + (p.claims ? "" : " uncovered"), id: "p" + p.n, "data-claims": p.claims },
      el("div", { class: "gutter" }, el("span", { class: "num", text: "\u00b6 " + p.n }),
        el("span", { class: "count", text: p.claims === 1 ? "1 claim" : p.claims + " claims" })),
      body));
  });
  main.append(el("p", { class: "source", text: DATA.source }));
  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") { panel.hidden = true; R.open = null; } });
  R.highlights = lit;
  R.ready = true;
  document.body.dataset.ready = "1";
})();
