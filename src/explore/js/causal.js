// causal.js: the axes, an event's causal past and future as a prefix and a suffix of each lane
// (from the vector clocks, no graph search), the arithmetic behind a clock value, and cuts.

// Each axis: a value per event, nondecreasing along every lane.
const AXES = {
  model: { name: "model time", unit: "s", of: () => { const a = new Float64Array(N); for (let i = 0; i < N; i++) a[i] = tus[i] / 1e6 * D.speedup; return a; } },
  real: { name: "real time", unit: "s", of: () => { const a = new Float64Array(N); for (let i = 0; i < N; i++) a[i] = tus[i] / 1e6; return a; } },
  lamport: { name: "Lamport clock", unit: "", of: () => lam },
  // Logical order: events ranked by the size of their causal past (a causally consistent
  // order: an event's past strictly contains the past of everything before it causally).
  logical: { name: "logical order", unit: "", of: () => {
    const key = new Float64Array(N);
    for (let i = 0; i < N; i++) { let s = 0; for (let j = 0; j < M; j++) s += vc[i * M + j]; key[i] = (s * 64 + lane[i]) * 8388608 + i; }
    key.sort();
    const a = new Float64Array(N);
    for (let r = 0; r < N; r++) a[key[r] % 8388608] = r;
    return a;
  } },
};
// The hybrid logical clock, where the run has one: l in model seconds, c a fraction of the
// microsecond below it (lexicographic order kept for c below 1000).
if (hl) AXES.hlc = { name: "hybrid logical clock (l, model s)", unit: "s", of: () => { const a = new Float64Array(N); for (let i = 0; i < N; i++) a[i] = hl[i] / 1e6 + hc[i] * 1e-9; return a; } };
const axisCache = {};
function axisValues(name) { return axisCache[name] || (axisCache[name] = AXES[name].of()); }
// The axis value of time `t_us` (drops, faults) on a time axis; null on the others.
function timeOn(axis, t_us) { return axis === "real" ? t_us / 1e6 : axis === "model" ? t_us / 1e6 * D.speedup : null; }

// First position on lane m whose value is >= v (laneLen: none), by binary search.
function lowerBound(m, X, v) {
  const ev = laneEv[m];
  let lo = 0, hi = ev.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (X[ev[mid]] < v) lo = mid + 1; else hi = mid; }
  return lo;
}

// The causal past of event x: on lane j, the first pastEnd[j] events; its future: from
// futStart[j] on. The event itself is in neither.
function causality(x) {
  const a = lane[x], own = vc[x * M + a];
  const pastEnd = new Int32Array(M), futStart = new Int32Array(M);
  let past = 0, future = 0;
  for (let j = 0; j < M; j++) {
    const ev = laneEv[j];
    if (j === a) { pastEnd[j] = pos[x]; futStart[j] = pos[x] + 1; }
    else {
      pastEnd[j] = Math.max(0, Math.min(ev.length, vc[x * M + j] - laneBase[j]));
      let lo = 0, hi = ev.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (vc[ev[mid] * M + a] < own) lo = mid + 1; else hi = mid; }
      futStart[j] = lo;
    }
    past += pastEnd[j];
    future += ev.length - futStart[j];
  }
  return { x, pastEnd, futStart, past, future, concurrent: N - past - future - 1 };
}

// The arithmetic of event x's clocks, as the model computes them.
function why(x) {
  const m = lane[x], p = pos[x] > 0 ? laneEv[m][pos[x] - 1] : -1;
  const local = p >= 0 ? lam[p] : (D.window ? null : 0);
  const vcOf = (i) => Array.from(vc.subarray(i * M, i * M + M));
  const before = p >= 0 ? vcOf(p) : D.base[m].slice();
  const out = { rule: KIND_NAMES[kind[x]], local, value: lam[x], vc: vcOf(x), before };
  if (kind[x] === RECV) {
    const s = src[x];
    out.msg = s >= 0 ? lam[s] : null;
    out.send = s;
    if (s >= 0) out.msg_vc = vcOf(s);
    out.text = "recv: max(" + (local === null ? "?" : local) + ", " + (out.msg === null ? "?" : out.msg) + ") + 1 = " + lam[x];
  } else {
    out.text = out.rule + ": " + (local === null ? "?" : local) + " + 1 = " + lam[x];
  }
  return out;
}

// A cut: per lane, how many of its events are in it. Consistent when every event in it has its
// causal past in it: the last event of each lane is enough, its clock holds the rest.
function cutConsistent(c) {
  for (let j = 0; j < M; j++) {
    if (c[j] === 0) continue;
    const e = laneEv[j][c[j] - 1];
    for (let k = 0; k < M; k++) if (vc[e * M + k] - laneBase[k] > c[k]) return false;
  }
  return true;
}

// Whether the event at position p of lane j has its past inside cut c.
function inside(c, j, p) {
  const e = laneEv[j][p];
  for (let k = 0; k < M; k++) if (vc[e * M + k] - laneBase[k] > c[k]) return false;
  return true;
}

// The latest consistent cut inside c: each lane cut back to its last event whose past is in.
function snapDown(c) {
  c = Int32Array.from(c);
  for (let changed = true; changed;) {
    changed = false;
    for (let j = 0; j < M; j++) {
      if (c[j] === 0 || inside(c, j, c[j] - 1)) continue;
      // Events whose past is inside form a prefix of the lane: find its end.
      let lo = 0, hi = c[j] - 1;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (inside(c, j, mid)) lo = mid + 1; else hi = mid; }
      c[j] = lo;
      changed = true;
    }
  }
  return c;
}

// The earliest consistent cut holding c: c joined with the pasts of its last events.
function snapUp(c) {
  const out = Int32Array.from(c);
  for (let j = 0; j < M; j++) {
    if (c[j] === 0) continue;
    const e = laneEv[j][c[j] - 1];
    for (let k = 0; k < M; k++) out[k] = Math.max(out[k], Math.min(laneLen[k], vc[e * M + k] - laneBase[k]));
  }
  return out;
}

// Messages crossing cut c backwards (received inside, sent outside), at most `cap`.
function backwardMessages(c, cap) {
  const out = [];
  for (let j = 0; j < M && out.length < cap; j++) {
    // The events with a past outside the cut are a suffix of the lane's part in it.
    for (let p = c[j] - 1; p >= 0 && out.length < cap && !inside(c, j, p); p--) {
      const e = laneEv[j][p], s = src[e];
      if (s >= 0 && pos[s] >= c[lane[s]]) out.push(e);
    }
  }
  return out;
}
