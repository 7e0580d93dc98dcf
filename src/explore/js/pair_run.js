// pair_run.js (two-run page only): one run's side of the pair: it follows the other run's axis
// and window, and finds, draws and names the first divergence on its lanes.
// PAIR.div: { machine, tick, a, b, model_s } (a, b: that run's event there, null if skipped).
function follow(axis, x0, x1) {
  if (S.axis !== axis) { S.axis = axis; X = axisValues(axis); $("axis").value = axis; }
  S.x0 = x0; S.x1 = x1;
  render(); status();
}
// This run's side of the divergence (its event on the tick, or null where it skipped it).
function divergenceSide() { return PAIR.div ? (PFX === "a-" ? PAIR.div.a : PAIR.div.b) : null; }
// The event the divergence is drawn at: this run's event on that tick, or where it skipped it,
// its next event on that machine; -1 without a divergence or without that machine's lane.
function divergenceEvent() {
  const d = PAIR.div;
  if (!d) return -1;
  const m = D.lanes.findIndex((l) => l.id === d.machine), side = divergenceSide();
  if (m < 0) return -1;
  if (side) return eventAt(d.machine, side.line);
  for (const i of laneEv[m]) if (tick[i] >= d.tick) return i;
  return -1;
}
function divergenceMark() {
  const i = divergenceEvent();
  if (i < 0) return;
  const x = px(X[i]), y = laneY[lane[i]];
  ctx.strokeStyle = "#c0c"; ctx.lineWidth = 2; ctx.setLineDash([6, 4]);
  ctx.beginPath(); ctx.moveTo(x, RULER); ctx.lineTo(x, H); ctx.stroke(); ctx.setLineDash([]);
  if (y >= 0) { ctx.beginPath(); ctx.arc(x, y, 10, 0, 6.3); ctx.stroke(); }
  ctx.lineWidth = 1; ctx.fillStyle = "#a0a"; ctx.font = "bold 11px sans-serif";
  ctx.fillText("first divergence: m" + PAIR.div.machine + " tick " + PAIR.div.tick, x + 5, RULER + 12);
}
// The status's words on the divergence, this run's side.
function divergenceText() {
  if (!PAIR.div) return " · no divergence";
  const side = divergenceSide();
  return " · diverges at m" + PAIR.div.machine + " tick " + PAIR.div.tick + ": " + PAIR.say(side);
}
// Select this run's divergence event and zoom to it (a click on the divergence's words).
function showDivergence() {
  const i = divergenceEvent();
  if (i < 0) return;
  select(i); zoomTo(i, 20); render(); status();
}
