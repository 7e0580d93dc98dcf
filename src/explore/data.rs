//! The page's data: the collected run as one compact JSON object (columns of small integers,
//! times, clocks, ticks and lines as differences from the lane's previous event), read by
//! `page.js`. Field names are short on purpose: a million events make a million of each.

use serde::Serialize;

use super::collect::{Collected, RECV};
use crate::timeline::Timeline;

/// Version of the blob's layout, checked by the page.
pub(crate) const DATA_FORMAT: u32 = 1;

/// One machine of the page.
#[derive(Debug, Serialize)]
struct Lane {
    id: u32,
    /// `null` when unknown (an imported run).
    rate: Option<u32>,
    log: String,
    colour: String,
}

/// A fault of the manifest: kind, phase, lanes, µs since the start, detail.
type Fault = (String, String, Vec<u8>, i64, String);

/// The whole blob.
#[derive(Debug, Serialize)]
struct Blob<'a> {
    format: u32,
    title: String,
    engine: &'a str,
    seed: Option<u64>,
    speedup: f64,
    lanes: Vec<Lane>,
    /// The window asked for, µs since the start, if any.
    window: Option<(i64, i64)>,
    base: &'a [Vec<u64>],
    n: usize,
    /// Lane, kind, and per-lane differences of time (µs), Lamport clock, tick and log line.
    lane: &'a [u8],
    kind: &'a [u8],
    dt: Vec<i64>,
    dlam: Vec<i64>,
    dtick: Vec<i64>,
    dline: Vec<i64>,
    /// The hybrid logical clock, when every event has one: per-lane differences of `l` (model
    /// µs) less the event's model time, and each event's `c`.
    #[serde(skip_serializing_if = "Option::is_none")]
    dhl: Option<Vec<i64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hc: Option<Vec<u64>>,
    /// For each receive: its index minus its send's, 0 without a send in the page.
    src: Vec<i64>,
    orphan: &'a [(usize, Vec<u64>)],
    lost: &'a [(usize, u8)],
    /// Drops: lane, recipient lane, µs, Lamport clock, reason, log line.
    drops: Vec<(u8, u8, i64, u64, String, u64)>,
    faults: Vec<Fault>,
    end_us: i64,
}

/// Per-lane differences of `values`: each value minus the previous one on its lane.
fn lane_deltas(lanes: &[u8], values: impl Iterator<Item = i64>, count: usize) -> Vec<i64> {
    let mut last = vec![0i64; count];
    lanes
        .iter()
        .zip(values)
        .map(|(&l, v)| {
            let d = v - last[l as usize];
            last[l as usize] = v;
            d
        })
        .collect()
}

/// The page's title: the run directory's name.
pub(crate) fn title(timeline: &Timeline) -> String {
    let dir = std::path::absolute(&timeline.dir).unwrap_or_else(|_| timeline.dir.clone());
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| dir.display().to_string())
}

/// A serde name (`"partition"`) of a value with a snake-case serde form.
fn name<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// The JSON of `collected`, ready to sit inside a `<script>` element.
pub(crate) fn json(
    timeline: &Timeline,
    manifest: Option<&crate::manifest::Manifest>,
    collected: &Collected,
    window: Option<(i64, i64)>,
) -> String {
    let c = &collected.columns;
    let kept = &collected.kept;
    let m = kept.len();
    let lane_of = |id: u32| {
        let i = timeline.machine_index(id)?;
        kept.iter().position(|&k| k == i).map(|lane| lane as u8)
    };
    let src = c
        .src
        .iter()
        .scan(
            c.kind.iter().enumerate().filter(|(_, &k)| k == RECV),
            |recvs, send| {
                let (index, _) = recvs.next()?;
                Some(send.map_or(0, |s| index as i64 - s as i64))
            },
        )
        .collect();
    let hlc = c.has_hlc();
    let blob = Blob {
        format: DATA_FORMAT,
        title: title(timeline),
        engine: match manifest.map(|m| m.engine) {
            Some(crate::manifest::Engine::Sim) => "sim",
            Some(crate::manifest::Engine::Imported) => "imported",
            Some(crate::manifest::Engine::Real) => "real",
            None => "",
        },
        seed: manifest.and_then(|m| m.seed()),
        speedup: timeline.speedup,
        lanes: kept
            .iter()
            .map(|&i| (i, &timeline.machines[i]))
            .map(|(i, machine)| Lane {
                id: machine.id,
                rate: machine.rate,
                log: timeline.logs[i]
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                // The machine's colour in every output: by its place in the manifest.
                colour: crate::palette::hex(i),
            })
            .collect(),
        window,
        base: &c.base,
        n: c.lane.len(),
        lane: &c.lane,
        kind: &c.kind,
        dt: lane_deltas(&c.lane, c.t_us.iter().copied(), m),
        dlam: lane_deltas(&c.lane, c.lamport.iter().map(|&v| v as i64), m),
        dtick: lane_deltas(&c.lane, c.tick.iter().map(|&v| v as i64), m),
        dline: lane_deltas(&c.lane, c.line.iter().map(|&v| v as i64), m),
        dhl: hlc.then(|| {
            // `l` less the event's model time (floored, as the page does): near zero, and
            // nearly constant along a lane, so its differences are a digit or two.
            let residual = c
                .hlc
                .iter()
                .zip(&c.t_us)
                .map(|(h, &t)| h[0] as i64 - (t as f64 * timeline.speedup).floor() as i64);
            lane_deltas(&c.lane, residual, m)
        }),
        hc: hlc.then(|| c.hlc.iter().map(|h| h[1]).collect()),
        src,
        orphan: &c.orphan_vc,
        lost: &c.lost,
        drops: collected
            .drops
            .iter()
            .map(|d| (d.lane, d.to, d.t_us, d.lamport, name(&d.reason), d.line))
            .collect(),
        faults: timeline
            .faults
            .iter()
            .map(|(at, f)| {
                let lanes = f.machines.iter().filter_map(|&id| lane_of(id)).collect();
                let phase = f.phase.as_ref().map(name).unwrap_or_default();
                (
                    name(&f.kind),
                    phase,
                    lanes,
                    at - timeline.origin_us,
                    f.detail.clone(),
                )
            })
            .collect(),
        end_us: collected.end_us,
    };
    let text = serde_json::to_string(&blob).expect("the blob holds only numbers and strings");
    // Inside <script>, `</` could end the element: `<\/` is the same JSON string.
    text.replace("</", "<\\/")
}
