// view.js: the canvas: lanes, faults, arrows, marks, selection and cut. Zoomed out, a lane is
// drawn per pixel column (counts by binary search, so the cost does not grow with the run) and
// the arrows one per link and column.
const canvas = document.getElementById(PFX + "view"), ctx = canvas.getContext("2d");
const GUTTER = 64, RULER = 22;
const S = {
  axis: "model", x0: 0, x1: 1, sel: -1, causal: null, hidden: new Set(), kinds: [true, true, true],
  link: "", cut: null, mouseX: null,
};
let W = 800, H = 400, X = null, rows = [], laneY = new Float64Array(M), laneH = 10;

function layout() {
  const r = canvas.getBoundingClientRect(), dpr = window.devicePixelRatio || 1;
  W = Math.max(200, r.width); H = Math.max(100, r.height);
  canvas.width = Math.round(W * dpr); canvas.height = Math.round(H * dpr);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  rows = [];
  for (let m = 0; m < M; m++) if (!S.hidden.has(m)) rows.push(m);
  laneH = (H - RULER - 6) / Math.max(1, rows.length);
  laneY.fill(-1);
  rows.forEach((m, r) => { laneY[m] = RULER + 3 + laneH * (r + 0.5); });
}
const px = (v) => GUTTER + (v - S.x0) / (S.x1 - S.x0) * (W - GUTTER);
const unpx = (x) => S.x0 + (x - GUTTER) / (W - GUTTER) * (S.x1 - S.x0);

function extent() {
  let lo = Infinity, hi = -Infinity;
  for (let m = 0; m < M; m++) { const ev = laneEv[m]; if (!ev.length) continue; lo = Math.min(lo, X[ev[0]]); hi = Math.max(hi, X[ev[ev.length - 1]]); }
  if (!isFinite(lo)) { lo = 0; hi = 1; }
  if (hi <= lo) hi = lo + 1;
  const pad = (hi - lo) * 0.02;
  return [lo - pad, hi + pad];
}

function ruler() {
  const span = S.x1 - S.x0, raw = span / Math.max(2, (W - GUTTER) / 110);
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((f) => f * p).find((s) => s >= raw) || raw;
  ctx.fillStyle = "#444"; ctx.strokeStyle = "#e4e4e4"; ctx.font = "11px sans-serif"; ctx.textAlign = "center";
  const digits = Math.max(0, -Math.floor(Math.log10(step)));
  for (let v = Math.ceil(S.x0 / step) * step; v <= S.x1; v += step) {
    const x = px(v);
    ctx.beginPath(); ctx.moveTo(x, RULER - 4); ctx.lineTo(x, H); ctx.stroke();
    ctx.fillText(v.toFixed(Math.min(6, digits)) + AXES[S.axis].unit, x, 12);
  }
  ctx.textAlign = "left";
  ctx.fillText(AXES[S.axis].name, 4, 12);
}

function faultShading() {
  const colours = { pause: "rgba(255,200,0,0.18)", dead: "rgba(120,120,120,0.22)", delay: "rgba(0,160,255,0.13)", partition: "rgba(220,0,0,0.12)" };
  for (const s of faultSpans) {
    let a = timeOn(S.axis, s.from), b = timeOn(S.axis, s.to);
    if (a === null) { a = nearTime(s.lanes, s.from); b = nearTime(s.lanes, s.to); }
    ctx.fillStyle = colours[s.kind] || "rgba(0,0,0,0.1)";
    for (const m of s.lanes) if (laneY[m] >= 0) ctx.fillRect(px(a), laneY[m] - laneH / 2, Math.max(2, px(b) - px(a)), laneH);
  }
  ctx.font = "10px sans-serif"; ctx.fillStyle = "#900";
  for (const f of faultMarks) {
    let v = timeOn(S.axis, f.t);
    if (v === null) v = nearTime(f.lanes, f.t);
    for (const m of f.lanes) if (laneY[m] >= 0) { const x = px(v); ctx.fillRect(x - 1, laneY[m] - laneH / 2, 2, laneH); if (laneH > 14) ctx.fillText(f.kind, x + 3, laneY[m] - laneH / 2 + 10); }
  }
}
// On a clock axis: the value of the first event at or after time t on the first of `lanes`.
function nearTime(lanes, t) {
  const m = lanes.length ? lanes[0] : 0, ev = laneEv[m];
  let lo = 0, hi = ev.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (tus[ev[mid]] < t) lo = mid + 1; else hi = mid; }
  return ev.length ? X[ev[Math.min(lo, ev.length - 1)]] : 0;
}

// Lane background: the selection's past (blue), future (orange) and concurrent part (grey).
function causalBands(m, y) {
  const c = S.causal, ev = laneEv[m], h = Math.min(laneH * 0.8, 36);
  if (!c || !ev.length) return;
  const xAt = (p) => px(X[ev[Math.max(0, Math.min(ev.length - 1, p))]]);
  const band = (p0, p1, colour) => { if (p1 <= p0) return; ctx.fillStyle = colour; const a = xAt(p0) - 3, b = xAt(p1 - 1) + 3; ctx.fillRect(a, y - h / 2, Math.max(2, b - a), h); };
  band(0, c.pastEnd[m], "rgba(40,110,255,0.16)");
  band(c.pastEnd[m], c.futStart[m], "rgba(150,150,150,0.12)");
  band(c.futStart[m], ev.length, "rgba(255,140,0,0.18)");
}

function marks(m, y, a, b) {
  const ev = laneEv[m], colour = D.lanes[m].colour, r = Math.max(2, Math.min(5, laneH / 4));
  const cols = W - GUTTER;
  ctx.fillStyle = colour; ctx.strokeStyle = colour;
  if (b - a > cols / 3) {
    // Zoomed out: one bar per pixel column, as tall as the log of its events.
    for (let x = GUTTER; x < W; x += 2) {
      const p0 = lowerBound(m, X, unpx(x)), p1 = lowerBound(m, X, unpx(x + 2));
      if (p1 > p0) { const h = Math.min(laneH * 0.45, 3 + Math.log2(p1 - p0 + 1) * 1.5); ctx.fillRect(x, y - h / 2, 2, h); }
    }
    return;
  }
  for (let p = a; p < b; p++) {
    const i = ev[p], k = kind[i];
    if (!S.kinds[k]) continue;
    const x = px(X[i]);
    ctx.beginPath();
    if (k === INTERNAL) { ctx.arc(x, y, r * 0.7, 0, 6.3); ctx.fill(); }
    else if (k === SEND) { ctx.rect(x - r, y - r, 2 * r, 2 * r); ctx.fill(); }
    else { ctx.arc(x, y, r, 0, 6.3); ctx.lineWidth = 1.6; ctx.stroke(); }
  }
}

function linkShown(from, to) { return !S.link || S.link === from + "-" + to; }

function arrowsOf(range) {
  let total = 0;
  for (const m of rows) total += range[m][1] - range[m][0];
  ctx.lineWidth = 1;
  if (total > (W - GUTTER) * 1.5) {
    // Bundled: per receiving lane and column, the first receive's message stands for all; the
    // columns widen and the arrows fade with the lanes, so 64 lanes stay a picture, not a wall.
    const step = Math.max(4, rows.length / 2);
    ctx.globalAlpha = Math.min(0.35, 3 / rows.length);
    for (const m of rows) {
      const ev = laneEv[m], nr = nextRecv[m];
      for (let x = GUTTER; x < W; x += step) {
        const p = nr[lowerBound(m, X, unpx(x))];
        if (p >= ev.length || X[ev[p]] >= unpx(x + step)) continue;
        const r = ev[p], s = src[r];
        if (s < 0 || laneY[lane[s]] < 0 || !linkShown(lane[s], m)) continue;
        ctx.strokeStyle = D.lanes[lane[s]].colour;
        ctx.beginPath(); ctx.moveTo(px(X[s]), laneY[lane[s]]); ctx.lineTo(px(X[r]), laneY[m]); ctx.stroke();
      }
    }
    ctx.globalAlpha = 1;
    return;
  }
  const arrow = (s, r) => {
    const x0 = px(X[s]), y0 = laneY[lane[s]], x1 = px(X[r]), y1 = laneY[lane[r]];
    ctx.strokeStyle = D.lanes[lane[s]].colour; ctx.fillStyle = ctx.strokeStyle;
    ctx.beginPath(); ctx.moveTo(x0, y0); ctx.lineTo(x1, y1); ctx.stroke();
    const ang = Math.atan2(y1 - y0, x1 - x0), hl = 7;
    ctx.beginPath(); ctx.moveTo(x1, y1);
    ctx.lineTo(x1 - hl * Math.cos(ang - 0.35), y1 - hl * Math.sin(ang - 0.35));
    ctx.lineTo(x1 - hl * Math.cos(ang + 0.35), y1 - hl * Math.sin(ang + 0.35)); ctx.fill();
  };
  const visible = (i) => { const m = lane[i]; return laneY[m] >= 0 && pos[i] >= range[m][0] && pos[i] < range[m][1]; };
  for (const m of rows) {
    const ev = laneEv[m];
    for (let p = range[m][0]; p < range[m][1]; p++) {
      const i = ev[p];
      if (kind[i] === SEND) for (let q = outStart[i]; q < outStart[i + 1]; q++) { const r = outList[q]; if (laneY[lane[r]] >= 0 && linkShown(m, lane[r])) arrow(i, r); }
      else if (kind[i] === RECV && src[i] >= 0 && !visible(src[i]) && laneY[lane[src[i]]] >= 0 && linkShown(lane[src[i]], m)) arrow(src[i], i);
    }
  }
  // Messages never received (dashed) and dropped ones (a stub with a cross).
  ctx.setLineDash([4, 3]);
  for (const [s, to] of D.lost) if (visible(s) && laneY[to] >= 0 && linkShown(lane[s], to)) stub(px(X[s]), laneY[lane[s]], laneY[to], "?");
  ctx.setLineDash([]);
  for (const d of D.drops) {
    const [m, to, t, l] = d;
    if (laneY[m] < 0 || laneY[to] < 0 || !linkShown(m, to)) continue;
    const p = lowerBound(m, lam, l), i = laneEv[m][Math.min(p, laneEv[m].length - 1)];
    const v = i !== undefined && lam[i] === l ? X[i] : timeOn(S.axis, t);
    if (v === null || v < S.x0 || v > S.x1) continue;
    stub(px(v), laneY[m], laneY[to], "×");
  }
}
function stub(x, y0, y1, sign) {
  const y = y0 + (y1 - y0) * 0.35, x1 = x + 14;
  ctx.strokeStyle = "#c00"; ctx.beginPath(); ctx.moveTo(x, y0); ctx.lineTo(x1, y); ctx.stroke();
  ctx.fillStyle = "#c00"; ctx.font = "bold 12px sans-serif"; ctx.fillText(sign, x1 - 3, y + 4);
}

// The cut's x on lane m: between its last event in and its first event out.
function cutX(m) {
  const ev = laneEv[m], c = S.cut[m];
  if (!ev.length) return GUTTER;
  if (c === 0) return px(X[ev[0]]) - 6;
  if (c >= ev.length) return px(X[ev[ev.length - 1]]) + 6;
  return (px(X[ev[c - 1]]) + px(X[ev[c]])) / 2;
}

function drawCut() {
  if (!S.cut) return;
  const ok = cutConsistent(S.cut);
  ctx.strokeStyle = ok ? "#0a0" : "#d00"; ctx.lineWidth = 2.5;
  ctx.beginPath();
  rows.forEach((m, r) => { const x = cutX(m); if (r === 0) ctx.moveTo(x, laneY[m] - laneH / 2); else ctx.lineTo(x, laneY[m] - laneH / 2); ctx.lineTo(x, laneY[m] + laneH / 2); });
  ctx.stroke();
  ctx.lineWidth = 3; ctx.strokeStyle = "#d00";
  for (const r of backwardMessages(S.cut, 2000)) {
    const s = src[r];
    if (laneY[lane[s]] < 0 || laneY[lane[r]] < 0) continue;
    ctx.beginPath(); ctx.moveTo(px(X[s]), laneY[lane[s]]); ctx.lineTo(px(X[r]), laneY[lane[r]]); ctx.stroke();
  }
  ctx.lineWidth = 1;
}

function render() {
  ctx.clearRect(0, 0, W, H);
  ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, W, H);
  ruler();
  ctx.save(); ctx.beginPath(); ctx.rect(GUTTER, 0, W - GUTTER, H); ctx.clip();
  faultShading();
  const range = [];
  for (let m = 0; m < M; m++) range.push([0, 0]);
  for (const m of rows) {
    const a = Math.max(0, lowerBound(m, X, S.x0) - 1), b = Math.min(laneLen[m], lowerBound(m, X, S.x1) + 1);
    range[m] = [a, b];
    const y = laneY[m];
    causalBands(m, y);
    ctx.strokeStyle = D.lanes[m].colour; ctx.globalAlpha = 0.5; ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(GUTTER, y); ctx.lineTo(W, y); ctx.stroke(); ctx.globalAlpha = 1;
  }
  arrowsOf(range);
  for (const m of rows) marks(m, laneY[m], range[m][0], range[m][1]);
  if (S.sel >= 0 && laneY[lane[S.sel]] >= 0) {
    ctx.strokeStyle = "#000"; ctx.lineWidth = 2.5;
    ctx.beginPath(); ctx.arc(px(X[S.sel]), laneY[lane[S.sel]], 8, 0, 6.3); ctx.stroke(); ctx.lineWidth = 1;
  }
  drawCut();
  if (PAIR) divergenceMark();
  ctx.restore();
  ctx.font = "11px sans-serif"; ctx.textAlign = "left";
  for (const m of rows) {
    ctx.fillStyle = D.lanes[m].colour;
    if (laneH >= 9) ctx.fillText("m" + D.lanes[m].id, 6, laneY[m] + 4);
    else ctx.fillRect(2, laneY[m] - 1, 14, 2);
  }
}

// The event drawn nearest to (x, y), within 10 pixels, or -1.
function hitTest(x, y) {
  let best = -1, bestD = 100;
  for (const m of rows) {
    const dy = y - laneY[m];
    if (Math.abs(dy) > Math.max(10, laneH / 2)) continue;
    const p = lowerBound(m, X, unpx(x));
    for (const q of [p - 1, p]) {
      if (q < 0 || q >= laneLen[m]) continue;
      const i = laneEv[m][q];
      if (!S.kinds[kind[i]]) continue;
      const dx = px(X[i]) - x, d = dx * dx + dy * dy;
      if (d < bestD) { bestD = d; best = i; }
    }
  }
  return best;
}
