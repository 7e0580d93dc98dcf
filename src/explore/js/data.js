// data.js: the run's columns decoded from the JSON blob, each event's vector clock derived
// from the pairing (own entry + 1, merged with the send's clock on a receive), and the lookups
// the view needs (events per lane, position in its lane, receives of each send).
const D = JSON.parse(document.getElementById(PFX + "data").textContent);
if (D.format !== 1) throw new Error("explore: unknown data format " + D.format);
const N = D.n, M = D.lanes.length;
const INTERNAL = 0, SEND = 1, RECV = 2;
const KIND_NAMES = ["internal", "send", "recv"];
const lane = Uint8Array.from(D.lane), kind = Uint8Array.from(D.kind);
const tus = new Float64Array(N), lam = new Float64Array(N);
const tick = new Float64Array(N), line = new Float64Array(N);
const pos = new Int32Array(N);
// The hybrid logical clock [l, c] of each event, when the run has one (log format 6 and up).
const hl = D.dhl ? new Float64Array(N) : null, hc = D.hc ? Float64Array.from(D.hc) : null;
const laneLen = new Int32Array(M);
(function decode() {
  const t = new Float64Array(M), l = new Float64Array(M), k = new Float64Array(M), n = new Float64Array(M), h = new Float64Array(M);
  for (let i = 0; i < N; i++) {
    const m = lane[i];
    tus[i] = t[m] += D.dt[i];
    lam[i] = l[m] += D.dlam[i];
    tick[i] = k[m] += D.dtick[i];
    line[i] = n[m] += D.dline[i];
    // l comes as its difference from the event's model time (floored, as the writer does).
    if (hl) hl[i] = (h[m] += D.dhl[i]) + Math.floor(tus[i] * D.speedup);
    pos[i] = laneLen[m]++;
  }
})();
// The decoded columns replace the blob's: its arrays are let go (a million numbers each).
D.dt = D.dlam = D.dtick = D.dline = D.dhl = D.hc = D.lane = D.kind = null;
// Events of each lane, in lane order.
const laneEv = [];
for (let m = 0; m < M; m++) laneEv.push(new Int32Array(laneLen[m]));
for (let i = 0; i < N; i++) laneEv[lane[i]][pos[i]] = i;
// Events of each lane before the page (a window), from the clock before it.
const laneBase = new Float64Array(M);
for (let m = 0; m < M; m++) laneBase[m] = D.base[m][m];
// The send of each receive (-1: not in the page), and the receives of each send.
const src = new Int32Array(N).fill(-1);
(function pairs() {
  let r = 0;
  for (let i = 0; i < N; i++) if (kind[i] === RECV) { const d = D.src[r++]; if (d !== 0) src[i] = i - d; }
})();
const outStart = new Int32Array(N + 1), outList = new Int32Array(D.src.filter((d) => d !== 0).length);
(function outs() {
  for (let i = 0; i < N; i++) if (src[i] >= 0) outStart[src[i] + 1]++;
  for (let i = 0; i < N; i++) outStart[i + 1] += outStart[i];
  const fill = outStart.slice(0, N);
  for (let i = 0; i < N; i++) if (src[i] >= 0) outList[fill[src[i]]++] = i;
})();
D.src = null;
const orphan = new Map(D.orphan.map(([i, v]) => [i, v]));
// For each lane position, the next receive at or after it (laneLen: none): the arrows of a
// zoomed-out view pick one receive per column without reading every event.
const nextRecv = laneEv.map((ev) => {
  const out = new Int32Array(ev.length + 1);
  out[ev.length] = ev.length;
  for (let p = ev.length - 1; p >= 0; p--) out[p] = kind[ev[p]] === RECV ? p : out[p + 1];
  return out;
});

// Vector clocks, lane-indexed, M entries per event, computed in an order where every send comes
// before its receives (a receive waits, and its lane with it, until its send is done).
const vc = new Uint32Array(N * M);
const done = new Uint8Array(N);
(function clocks() {
  const compute = (i) => {
    const m = lane[i], at = i * M, o = orphan.get(i);
    if (o) { for (let j = 0; j < M; j++) vc[at + j] = o[j]; done[i] = 1; return; }
    if (pos[i] > 0) { const p = laneEv[m][pos[i] - 1] * M; for (let j = 0; j < M; j++) vc[at + j] = vc[p + j]; }
    else for (let j = 0; j < M; j++) vc[at + j] = D.base[m][j];
    const s = src[i];
    if (s >= 0) { const q = s * M; for (let j = 0; j < M; j++) if (vc[q + j] > vc[at + j]) vc[at + j] = vc[q + j]; }
    vc[at + m] += 1;
    done[i] = 1;
  };
  const ready = (i) => kind[i] !== RECV || src[i] < 0 || done[src[i]] === 1;
  const queue = Array.from({ length: M }, () => []), head = new Int32Array(M);
  const waiting = new Map();
  const release = (first) => {
    const stack = [first];
    while (stack.length) {
      const x = stack.pop(), m = waiting.get(x);
      if (m === undefined) continue;
      waiting.delete(x);
      while (head[m] < queue[m].length) {
        const j = queue[m][head[m]];
        if (!ready(j)) { waiting.set(src[j], m); break; }
        compute(j); head[m]++; stack.push(j);
      }
    }
  };
  for (let i = 0; i < N; i++) {
    const m = lane[i];
    if (head[m] < queue[m].length) { queue[m].push(i); continue; }
    if (!ready(i)) { queue[m].push(i); waiting.set(src[i], m); continue; }
    compute(i); release(i);
  }
  // A receive whose send never became ready (a broken log): computed without it.
  for (let m = 0; m < M; m++) for (let h = head[m]; h < queue[m].length; h++) { src[queue[m][h]] = -1; compute(queue[m][h]); }
})();

// The event of machine `id`'s log line `ln` (1-based), or -1.
function eventAt(id, ln) {
  const m = D.lanes.findIndex((l) => l.id === id);
  if (m < 0) return -1;
  const ev = laneEv[m];
  let lo = 0, hi = ev.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (line[ev[mid]] < ln) lo = mid + 1; else hi = mid; }
  return lo < ev.length && line[ev[lo]] === ln ? ev[lo] : -1;
}

// Fault spans (pause, delay, partition; a machine dead from its kill or death to its restart)
// and instants (kill, death, restart), per lane. A partition's two directions are one span.
const faultSpans = [], faultMarks = [];
(function faults() {
  const group = { pause: "pause", resume: "pause", delay: "delay", partition: "partition" };
  const open = new Map();
  for (const [k, phase, lanes, t, detail] of D.faults) {
    if (k === "kill" || k === "died" || k === "restart") {
      faultMarks.push({ kind: k, lanes, t, detail });
      for (const m of lanes) {
        const key = "dead:" + m;
        if (k !== "restart" && !open.has(key)) open.set(key, { kind: "dead", lanes: [m], from: t, to: D.end_us, detail });
        else if (k === "restart" && open.has(key)) { open.get(key).to = t; faultSpans.push(open.get(key)); open.delete(key); }
      }
      continue;
    }
    const key = group[k] + ":" + lanes.slice().sort((a, b) => a - b).join(",");
    if (phase === "begin" && !open.has(key)) open.set(key, { kind: group[k], lanes, from: t, to: D.end_us, detail });
    else if (phase === "end" && open.has(key)) { open.get(key).to = t; faultSpans.push(open.get(key)); open.delete(key); }
    else if (phase !== "begin" && phase !== "end") faultMarks.push({ kind: k, lanes, t, detail });
  }
  for (const s of open.values()) faultSpans.push(s);
})();
