// pair.js: the two-run page: both runs stacked, one shared axis and window (moving one moves
// the other), the first divergence named above them; with `#selftest`, the two runs' own
// self-tests and the pair's checks go into <pre id="selftest"> as one JSON.
const pairData = JSON.parse(document.getElementById("pair").textContent);
const pair = {
  div: pairData.divergence, runs: {}, active: "a-",
  title: (pfx, D) => (pfx === "a-" ? "A" : "B") + " · " + D.title + " · " + (D.engine || "run") + (D.seed !== null ? " seed " + D.seed : ""),
  // An event of the divergence in words: `send to [2], Lamport 5, line 14` or `skipped`.
  say: (side) => {
    if (!side) return "skipped (no event on that tick)";
    const what = side.action === "send" ? "send to [" + side.to.join(", ") + "]" : side.action === "recv" ? "recv from " + side.from : side.action;
    return what + ", Lamport " + side.lamport + ", line " + side.line;
  },
  add: (pfx, run) => { pair.runs[pfx] = run; },
  moved: (from) => {
    const v = pair.runs[from].view();
    for (const [pfx, run] of Object.entries(pair.runs)) if (pfx !== from) run.follow(v.axis, v.x0, v.x1);
  },
};
// The axes both runs have: real time only when both ran for real, the hybrid clock when both carry it.
function pairAxes(pfx) {
  const menu = document.getElementById(pfx + "axis");
  for (const o of [...menu.options]) if ((o.value === "real" && !pairData.real) || (o.value === "hlc" && !pairData.hlc)) o.remove();
}
(function start() {
  const d = pair.div, el = document.getElementById("divergence");
  el.textContent = d
    ? "first divergence: machine " + d.machine + " tick " + d.tick + " (model " + d.model_s.toFixed(3) + " s) · A: " + pair.say(d.a) + " · B: " + pair.say(d.b)
    : "no divergence: the two runs agree on every tick both ran";
  for (const pfx of ["a-", "b-"]) { explorer(pfx, pair); pairAxes(pfx); }
  pair.moved("a-");
  // A click on the divergence's words selects it in both runs, A's window shown.
  const show = () => { pair.runs["b-"].show(); pair.runs["a-"].show(); pair.moved("a-"); };
  if (d) { el.style.cursor = "pointer"; el.title = "select it in both runs"; el.onclick = show; }
  if (!location.hash.includes("selftest")) return;
  const out = { ok: true, requests: 0, blocked: 0, divergence: d };
  for (const pfx of ["a-", "b-"]) {
    const pre = document.getElementById(pfx + "run-selftest");
    const r = JSON.parse(pre.textContent || '{"ok":false}');
    pre.hidden = true;
    const i = pair.runs[pfx].marker();
    r.marker = i >= 0;
    out[pfx[0]] = r;
    out.ok = out.ok && r.ok;
    out.requests += r.requests || 0; out.blocked += r.blocked || 0;
  }
  // One window: a pan of A moves B to the same place.
  pair.runs["a-"].pan(40);
  const va = pair.runs["a-"].view(), vb = pair.runs["b-"].view();
  out.shared_axis = va.axis === vb.axis && va.x0 === vb.x0 && va.x1 === vb.x1;
  out.axes = [...document.getElementById("a-axis").options].map((o) => o.value);
  out.text = el.textContent;
  if (d) {
    el.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    out.click_selects = ["a-", "b-"].every((p) => pair.runs[p].selected() === pair.runs[p].marker() && pair.runs[p].marker() >= 0);
    if (!out.click_selects) out.ok = false;
  }
  if (!out.shared_axis) out.ok = false;
  const pre = document.getElementById("selftest");
  pre.textContent = JSON.stringify(out);
  pre.hidden = false;
})();
