// main.js: the first paint, then either the page as a user sees it or, with `#selftest`, a run
// of the page's own paths whose results go into <pre id="selftest"> as JSON for the tests:
//   #selftest                  counts and timings
//   #selftest=M:L[,M:L...]     select each event (machine M's log line L) by hit-testing it on
//                              screen; its past, future and concurrent counts and its "why"
//   #selftest=cuts:C[_C...]    judge each cut C (events per lane, `.`-separated) consistent
//                              or not, and check the snaps give consistent cuts around it
//   #VIEW&selftest             open the deep link VIEW first and report the view it gave
let blocked = 0;
document.addEventListener("securitypolicyviolation", () => { blocked++; });
// The hash's self-test part (from `selftest` on) and the view before it.
const hashParts = (() => {
  const h = location.hash.replace(/^#/, ""), at = h.search(/(^|&)selftest/);
  if (at < 0) return { view: h, test: null };
  const start = at === 0 ? 0 : at + 1;
  return { view: h.slice(0, at), test: decodeURIComponent(h.slice(start).replace(/^selftest=?/, "")) };
})();
const selftesting = hashParts.test !== null;

function selftest(arg, firstPaint) {
  const out = { ok: true, events: N, machines: M, first_paint_ms: Math.round(firstPaint), requests: 0, blocked: 0 };
  // The view the deep link opened, before the self-test moves it.
  out.view = {
    axis: S.axis, x0: S.x0, x1: S.x1, axis_menu: $("axis").value,
    sel: S.sel >= 0 ? D.lanes[lane[S.sel]].id + ":" + line[S.sel] : null,
    hidden: [...S.hidden].map((m) => D.lanes[m].id), kinds: S.kinds.slice(), link: S.link,
    cut: S.cut ? Array.from(S.cut) : null, cut_consistent: S.cut ? cutConsistent(S.cut) : null,
    past: S.causal ? S.causal.past : null,
  };
  if (arg.startsWith("cuts:")) {
    out.cuts = [];
    out.snaps_ok = true;
    for (const text of arg.slice(5).split("_").filter(Boolean)) {
      const c = Int32Array.from(text.split(".").map(Number));
      out.cuts.push(cutConsistent(c));
      const down = snapDown(c), up = snapUp(c);
      const ok = cutConsistent(down) && cutConsistent(up) && down.every((v, j) => v <= c[j] && up[j] >= c[j]);
      if (!ok) out.snaps_ok = false;
    }
    out.ok = out.snaps_ok;
  } else if (arg) {
    out.selected = [];
    const t0 = performance.now(), axis0 = S.axis;
    for (const ml of arg.split(",")) {
      const [m, l] = ml.split(":").map(Number), i = eventAt(m, l);
      const r = { m, l, found: i >= 0 };
      if (i >= 0) {
        // Through the user's path: put it on screen, hit-test its mark, select what was hit.
        // Close enough that its lane neighbours are pixels apart; where one shares its time to
        // the microsecond (a real run), on the Lamport axis, where a lane's values all differ.
        zoomTo(i, 2);
        const ev = laneEv[lane[i]], near = [ev[pos[i] - 1], ev[pos[i] + 1]].filter((j) => j !== undefined);
        if (near.some((j) => Math.abs(px(X[j]) - px(X[i])) < 2)) { setAxis("lamport"); zoomTo(i, 2); }
        r.axis = S.axis;
        // A real click: the mouse pressed on the canvas and released over the window.
        const box = canvas.getBoundingClientRect(), at = { clientX: box.left + px(X[i]), clientY: box.top + laneY[lane[i]], bubbles: true };
        canvas.dispatchEvent(new MouseEvent("mousedown", at));
        window.dispatchEvent(new MouseEvent("mouseup", at));
        r.hit = S.sel === i;
        if (S.axis !== axis0) setAxis(axis0);
        const w = why(S.sel);
        Object.assign(r, { past: S.causal.past, future: S.causal.future, concurrent: S.causal.concurrent, kind: w.rule, lamport: w.value, local: w.local, msg: w.msg === undefined ? null : w.msg, why: w.text, vc: w.vc, hlc: hl ? [hl[i], hc[i]] : null });
        if (w.send >= 0) r.send = { m: D.lanes[lane[w.send]].id, l: line[w.send] };
      }
      if (!r.found || !r.hit) out.ok = false;
      out.selected.push(r);
    }
    out.select_ms = Math.round((performance.now() - t0) / Math.max(1, out.selected.length) * 1000) / 1000;
    if (out.selected.length === 1) Object.assign(out, { past: out.selected[0].past, future: out.selected[0].future, concurrent: out.selected[0].concurrent });
    render();
  }
  // Frames while panning, timed after a few to warm up: the view as it is (the whole run, or
  // around the last selected event), then zoomed in to about a hundred events.
  const frames = (count) => {
    const times = [];
    for (let k = 0; k < count + 5; k++) {
      const t = performance.now(); pan(k % 2 ? 37 : -37); render();
      if (k >= 5) times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return Math.round(times[Math.ceil(times.length * 0.95) - 1] * 100) / 100;
  };
  out.frame_p95_ms = frames(40);
  if (N > 0) { zoomTo(laneEv[0].length ? laneEv[0][laneEv[0].length >> 1] : 0, 50); out.frame_close_p95_ms = frames(40); }
  // The wheel zooms in around the mouse, and `c` places a cut there.
  const before = S.x1 - S.x0, box = canvas.getBoundingClientRect();
  canvas.dispatchEvent(new WheelEvent("wheel", { deltaY: -300, clientX: box.left + W / 2, clientY: box.top + H / 2, bubbles: true, cancelable: true }));
  out.wheel_zooms = S.x1 - S.x0 < before;
  if (PAIR) PAIR.active = PFX;
  window.dispatchEvent(new KeyboardEvent("keydown", { key: "c", bubbles: true }));
  out.key_cuts = S.cut !== null && S.cut.length === M;
  if (!out.wheel_zooms || !out.key_cuts) out.ok = false;
  out.requests = performance.getEntriesByType("resource").length;
  out.blocked = blocked;
  if (performance.memory) out.js_heap_mb = Math.round(performance.memory.usedJSHeapSize / 1048576);
  const pre = $(PAIR ? "run-selftest" : "selftest");
  pre.textContent = JSON.stringify(out);
  pre.hidden = false;
}

(function start() {
  try {
    $("title").textContent = PAIR ? PAIR.title(PFX, D) : "logiclock explore · " + D.title;
    if (PAIR) PAIR.add(PFX, { follow, view: () => ({ axis: S.axis, x0: S.x0, x1: S.x1 }), marker: divergenceEvent, show: showDivergence, selected: () => S.sel, pan: (dx) => { pan(dx); draw(); }, events: N });
    layout();
    loadHash(hashParts.view);
    controls();
    render(); status();
    const firstPaint = performance.now();
    if (selftesting) selftest(hashParts.test, firstPaint);
  } catch (e) {
    const pre = $(PAIR ? "run-selftest" : "selftest");
    pre.textContent = JSON.stringify({ ok: false, error: String(e && e.stack || e) });
    pre.hidden = false;
    throw e;
  }
})();
