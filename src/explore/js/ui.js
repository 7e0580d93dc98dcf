// ui.js: mouse, wheel, keys, the info panel ("why this value"), filters, search, cuts and the
// URL hash that holds the view, so a link reopens the same moment of the run.
const $ = (id) => document.getElementById(PFX + id);
const fmt = (v) => (Math.abs(v - Math.round(v)) < 1e-9 ? String(Math.round(v)) : v.toFixed(6));

function setAxis(name) {
  // The events on screen stay on screen: the new window spans their values on the new axis.
  const old = X;
  S.axis = name; X = axisValues(name);
  if (old) {
    let lo = Infinity, hi = -Infinity;
    for (const m of rows) {
      const a = lowerBound(m, old, S.x0), b = lowerBound(m, old, S.x1);
      if (b > a) { lo = Math.min(lo, X[laneEv[m][a]]); hi = Math.max(hi, X[laneEv[m][b - 1]]); }
    }
    if (isFinite(lo)) { const pad = Math.max(1e-9, (hi - lo) * 0.05); S.x0 = lo - pad; S.x1 = hi + pad; }
    else [S.x0, S.x1] = extent();
  }
  $("axis").value = name;
}

function select(i) {
  S.sel = i;
  S.causal = i >= 0 ? causality(i) : null;
  info();
}

function info() {
  const el = $("info");
  const i = S.sel;
  if (i < 0) { el.innerHTML = ""; el.append(help); return; }
  const m = lane[i], w = why(i), c = S.causal, L = D.lanes[m];
  const link = (j, text) => '<a href="#" data-ev="' + j + '">' + text + "</a>";
  const where = (j) => "m" + D.lanes[lane[j]].id + " " + D.lanes[lane[j]].log + " line " + line[j];
  let h = "<b style='color:" + L.colour + "'>machine " + L.id + "</b> · " + w.rule + " · tick " + tick[i] +
    " · " + L.log + " line " + line[i] + " · real " + fmt(tus[i] / 1e6) + " s · model " + fmt(tus[i] / 1e6 * D.speedup) + " s";
  h += "<br><span class=past>past " + c.past + "</span> · <span class=fut>future " + c.future +
    "</span> · <span class=conc>concurrent " + c.concurrent + "</span> (of " + N + " clock events)";
  h += "<br>Lamport <code>" + w.text + "</code>";
  const vec = (v) => "[" + v.join(", ") + "]";
  if (kind[i] === RECV && w.msg_vc) {
    h += "<br>vector <code>max(" + vec(w.before) + ", " + vec(w.msg_vc) + ") + e" + m + " = " + vec(w.vc) + "</code>";
  } else {
    h += "<br>vector <code>" + vec(w.before) + " + e" + m + " = " + vec(w.vc) + "</code>";
  }
  if (hl) {
    const s = kind[i] === RECV ? src[i] : -1;
    h += "<br>hybrid <code>[" + hl[i] + ", " + hc[i] + "]</code>" + (s >= 0 ? " (the message carried [" + hl[s] + ", " + hc[s] + "])" : "");
  }
  if (kind[i] === RECV) {
    h += "<br>message " + (w.send >= 0 ? "sent by " + link(w.send, where(w.send)) + " with clock " + w.msg : "whose send is not in this page");
  }
  if (kind[i] === SEND) {
    const outs = [];
    for (let q = outStart[i]; q < outStart[i + 1]; q++) outs.push(link(outList[q], "received at " + where(outList[q])));
    for (const [s, to] of D.lost) if (s === i) outs.push("never received by m" + D.lanes[to].id);
    h += "<br>message " + (outs.join("; ") || "—");
  }
  el.innerHTML = h;
}
const help = document.createElement("p");
help.textContent = $("info").textContent;

function centreOn(i) {
  const span = S.x1 - S.x0, v = X[i];
  if (v < S.x0 + span * 0.1 || v > S.x1 - span * 0.1) { S.x0 = v - span / 2; S.x1 = v + span / 2; }
}
function zoomTo(i, events) {
  // About `events` of its lane's events on screen around it.
  const ev = laneEv[lane[i]], p = pos[i];
  const a = X[ev[Math.max(0, p - events)]], b = X[ev[Math.min(ev.length - 1, p + events)]];
  const half = Math.max(1e-6, b - a) / 2 + 1e-9;
  S.x0 = X[i] - half; S.x1 = X[i] + half;
}

let pending = false;
function redraw() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => { pending = false; draw(); });
}
let hashTimer = null;
// The hash follows the view a moment after it settles (browsers limit history updates).
function draw() { render(); status(); if (PAIR) PAIR.moved(PFX); clearTimeout(hashTimer); hashTimer = setTimeout(saveHash, 250); }

function status() {
  let s = N + " events · " + M + " machines · " + D.engine + (D.seed !== null ? " seed " + D.seed : "");
  if (PAIR) s += divergenceText();
  if (S.cut) s += " · cut " + (cutConsistent(S.cut) ? "consistent" : "NOT consistent (" + backwardMessages(S.cut, 1e6).length + " messages cross it backwards)");
  $("status").textContent = s;
}

// --- the URL hash: axis, window, selection, hidden machines, kinds, link, cut.
function saveHash() {
  if (selftesting || PAIR) return;
  const p = ["axis=" + S.axis, "v=" + S.x0.toPrecision(10) + "," + S.x1.toPrecision(10)];
  if (S.sel >= 0) p.push("sel=" + D.lanes[lane[S.sel]].id + ":" + line[S.sel]);
  if (S.hidden.size) p.push("hide=" + [...S.hidden].map((m) => D.lanes[m].id).join("."));
  if (!S.kinds.every(Boolean)) p.push("kinds=" + S.kinds.map((k, i) => (k ? i : "")).join(""));
  if (S.link) p.push("link=" + S.link);
  if (S.cut) p.push("cut=" + S.cut.join("."));
  history.replaceState(null, "", "#" + p.join("&"));
}
function loadHash(hash) {
  const p = new Map(hash.replace(/^#/, "").split("&").map((kv) => { const k = kv.indexOf("="); return k < 0 ? [kv, ""] : [kv.slice(0, k), kv.slice(k + 1)]; }));
  if (AXES[p.get("axis")]) { X = null; S.axis = p.get("axis"); }
  X = axisValues(S.axis);
  [S.x0, S.x1] = extent();
  const v = (p.get("v") || "").split(",").map(Number);
  if (v.length === 2 && v[0] < v[1]) [S.x0, S.x1] = v;
  for (const id of (p.get("hide") || "").split(".").filter(Boolean)) { const m = D.lanes.findIndex((l) => l.id === +id); if (m >= 0) S.hidden.add(m); }
  if (p.has("kinds")) S.kinds = [0, 1, 2].map((k) => p.get("kinds").includes(String(k)));
  if (p.get("link")) S.link = p.get("link");
  const cut = (p.get("cut") || "").split(".").map(Number);
  if (cut.length === M && cut.every((c, m) => c >= 0 && c <= laneLen[m])) S.cut = Int32Array.from(cut);
  const sel = (p.get("sel") || "").split(":").map(Number);
  if (sel.length === 2) { const i = eventAt(sel[0], sel[1]); if (i >= 0) select(i); }
}

// --- the controls.
function controls() {
  const lanes = $("lanes");
  D.lanes.forEach((l, m) => {
    const b = document.createElement("label");
    b.className = "chip"; b.style.borderColor = l.colour;
    b.innerHTML = "<input type=checkbox" + (S.hidden.has(m) ? "" : " checked") + "> m" + l.id;
    b.firstChild.onchange = (e) => { if (e.target.checked) S.hidden.delete(m); else S.hidden.add(m); layout(); redraw(); };
    lanes.append(b);
  });
  const links = new Set();
  for (let i = 0; i < N; i++) if (src[i] >= 0) links.add(lane[src[i]] + "-" + lane[i]);
  for (const k of [...links].sort()) {
    const [a, b] = k.split("-").map(Number), o = document.createElement("option");
    o.value = k; o.textContent = "m" + D.lanes[a].id + " → m" + D.lanes[b].id; $("link").append(o);
  }
  $("link").value = S.link;
  $("link").onchange = (e) => { S.link = e.target.value; redraw(); };
  if (AXES.hlc) { const o = document.createElement("option"); o.value = "hlc"; o.textContent = "hybrid logical clock"; $("axis").append(o); }
  $("axis").value = S.axis;
  $("axis").onchange = (e) => { setAxis(e.target.value); redraw(); };
  [0, 1, 2].forEach((k) => { $("k" + k).checked = S.kinds[k]; $("k" + k).onchange = (e) => { S.kinds[k] = e.target.checked; redraw(); }; });
  $("fit").onclick = () => { [S.x0, S.x1] = extent(); redraw(); };
  $("cutbtn").onclick = () => { cutAt(unpx((GUTTER + W) / 2)); };
  $("clearcut").onclick = () => { S.cut = null; redraw(); };
  $("snapdown").onclick = () => { if (S.cut) { S.cut = snapDown(S.cut); redraw(); } };
  $("snapup").onclick = () => { if (S.cut) { S.cut = snapUp(S.cut); redraw(); } };
  $("search").onkeydown = (e) => { if (e.key === "Enter") search(e.target.value.trim()); };
  $("info").onclick = (e) => { const j = e.target.dataset && e.target.dataset.ev; if (j !== undefined) { e.preventDefault(); select(+j); centreOn(+j); redraw(); } };
}

function cutAt(v) { S.cut = Int32Array.from(D.lanes.map((_, m) => lowerBound(m, X, v))); redraw(); }

// `tick 12`, `lamport 40`, `2:118` (machine 2's log line 118): select and show that event.
function search(q) {
  let i = -1, mm;
  if ((mm = q.match(/^(\d+)\s*:\s*(\d+)$/))) i = eventAt(+mm[1], +mm[2]);
  else if ((mm = q.match(/^(tick|lamport|t|l)\s*(\d+)$/i))) {
    const col = mm[1][0].toLowerCase() === "t" ? tick : lam, v = +mm[2];
    const order = S.sel >= 0 ? [lane[S.sel], ...rows] : rows;
    for (const m of order) { for (const j of laneEv[m]) if (col[j] === v) { i = j; break; } if (i >= 0) break; }
  }
  $("search").classList.toggle("bad", i < 0);
  if (i >= 0) { select(i); zoomTo(i, 30); redraw(); }
}

// --- mouse, wheel, keys.
function zoom(factor, atX) {
  const v = unpx(atX);
  S.x0 = v - (v - S.x0) * factor; S.x1 = v + (S.x1 - v) * factor;
  redraw();
}
function pan(dx) { const d = dx / (W - GUTTER) * (S.x1 - S.x0); S.x0 -= d; S.x1 -= d; redraw(); }
let drag = null;
// Mouse positions on the canvas, from the client coordinates every mouse event has.
const at = (e) => { const r = canvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
canvas.onmousedown = (e) => {
  if (PAIR) PAIR.active = PFX;
  const [x, y] = at(e);
  // Pressed on a lane's cut: dragging moves that lane's cut, as shift-drag does anywhere.
  const onCut = S.cut !== null && rows.some((m) => Math.abs(y - laneY[m]) <= laneH / 2 && Math.abs(x - cutX(m)) <= 5);
  drag = { x, y, last: x, moved: false, shift: e.shiftKey, onCut };
};
window.addEventListener("mousemove", (e) => {
  const r = canvas.getBoundingClientRect();
  S.mouseX = e.clientX - r.left;
  if (!drag) return;
  const x = e.clientX - r.left;
  if (Math.abs(x - drag.x) > 3) drag.moved = true;
  if (drag.moved && (drag.shift || drag.onCut)) moveCut(x, drag.y);
  else if (drag.moved) { pan(x - drag.last); drag.last = x; }
});
window.addEventListener("mouseup", (e) => {
  if (!drag) return;
  const d = drag; drag = null;
  const r = canvas.getBoundingClientRect(), x = e.clientX - r.left, y = e.clientY - r.top;
  if (d.shift || (d.onCut && d.moved)) { moveCut(x, d.y); return; }
  if (!d.moved) { select(hitTest(x, y)); redraw(); }
});
// Shift-click (or shift-drag) sets the cut of the lane under the mouse.
function moveCut(x, y) {
  const m = rows.find((m) => Math.abs(y - laneY[m]) <= laneH / 2);
  if (m === undefined) return;
  if (!S.cut) S.cut = Int32Array.from(D.lanes.map((_, k) => lowerBound(k, X, unpx(x))));
  S.cut[m] = lowerBound(m, X, unpx(x));
  redraw();
}
canvas.addEventListener("wheel", (e) => {
  e.preventDefault();
  if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) pan(-(e.deltaX || e.deltaY));
  else zoom(Math.exp(e.deltaY * (e.ctrlKey ? 0.01 : 0.002)), at(e)[0]);
}, { passive: false });
window.addEventListener("keydown", (e) => {
  if (e.target.tagName === "INPUT" || e.target.tagName === "SELECT") return;
  // Two runs: the keys move the one the mouse was last over (the other follows).
  if (PAIR && PAIR.active !== PFX) return;
  const mid = S.mouseX !== null ? S.mouseX : (GUTTER + W) / 2;
  if (e.key === "ArrowLeft") pan((W - GUTTER) * 0.2);
  else if (e.key === "ArrowRight") pan(-(W - GUTTER) * 0.2);
  else if (e.key === "+" || e.key === "=") zoom(0.7, mid);
  else if (e.key === "-") zoom(1 / 0.7, mid);
  else if (e.key === "0") { [S.x0, S.x1] = extent(); redraw(); }
  else if (e.key === "c") cutAt(unpx(mid));
  else if (e.key === "Escape") { select(-1); redraw(); }
});
window.addEventListener("resize", () => { layout(); redraw(); });
