//! A run read into the explorer's columns: one row per clock event (internal, send, receive) in
//! the run's time order, each receive paired with its send by [`crate::runlog`]'s one pairing,
//! the drops of the logs and the faults of the manifest.
//!
//! Vector clocks are not kept: the page derives them from the pairing (own entry + 1, merged
//! with the send's clock on a receive). Only what it cannot derive is kept: each lane's clock
//! just before the window, and the logged clock of a receive whose send is not in the page.

use std::collections::HashMap;

use crate::log_format::{DropReason, Event};
use crate::runlog::{Line, LinkPairing, Pending, Settled};
use crate::timeline::Timeline;

/// Kind code of an internal event in [`Columns::kind`].
pub(crate) const INTERNAL: u8 = 0;
/// Kind code of a send.
pub(crate) const SEND: u8 = 1;
/// Kind code of a receive.
pub(crate) const RECV: u8 = 2;

/// The clock events of a run (or of its window), as columns, in time order.
#[derive(Debug, Default)]
pub(crate) struct Columns {
    /// Lane (index in the manifest's machines) of each event.
    pub lane: Vec<u8>,
    pub kind: Vec<u8>,
    /// System time, µs since the run start.
    pub t_us: Vec<i64>,
    pub lamport: Vec<u64>,
    /// The hybrid logical clock `[l, c]` of each event, for runs whose every event has one
    /// (log format 6 and up); empty otherwise.
    pub hlc: Vec<[u64; 2]>,
    pub tick: Vec<u64>,
    /// Line number in its machine's log, from 1.
    pub line: Vec<u64>,
    /// For each receive (in order): the index of its send, if the send is in the page.
    pub src: Vec<Option<usize>>,
    /// Receives whose send is not in the page: index and logged clock (lane-indexed).
    pub orphan_vc: Vec<(usize, Vec<u64>)>,
    /// Sends never received: index of the send and the recipient's lane.
    pub lost: Vec<(usize, u8)>,
    /// Each lane's vector clock just before the window (lane-indexed; zeros without a window).
    pub base: Vec<Vec<u64>>,
}

impl Columns {
    /// Whether every event carries the hybrid logical clock (a run of log format 6 and up).
    pub(crate) fn has_hlc(&self) -> bool {
        !self.hlc.is_empty() && self.hlc.len() == self.lane.len()
    }
}

/// A `dropped` line: the message a sender gave up on.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Dropped {
    pub lane: u8,
    pub to: u8,
    pub t_us: i64,
    pub lamport: u64,
    pub reason: DropReason,
    pub line: u64,
}

/// What a run gives the page.
#[derive(Debug, Default)]
pub(crate) struct Collected {
    /// The machines in the page: indices into the timeline's machines, one lane each.
    pub kept: Vec<usize>,
    pub columns: Columns,
    pub drops: Vec<Dropped>,
    /// Clock events in the window, counted on after the limit stopped the keeping.
    pub events: u64,
    /// Time of the last line of the run, µs since its start.
    pub end_us: i64,
}

/// Reads lines one by one into a [`Collected`], within a window of system time.
pub(crate) struct Collector {
    /// The window in µs since the run start (inclusive).
    from_us: i64,
    to_us: i64,
    /// Most clock events kept; past it only counted.
    limit: u64,
    /// Lane of each machine id.
    lanes: HashMap<u32, u8>,
    links: HashMap<(u32, u32), LinkPairing>,
    /// The index of each kept receive, ascending: its position here is its slot in
    /// `columns.src` (a sorted list, not a map: 8 bytes a receive at a million events).
    recvs: Vec<usize>,
    out: Collected,
}

impl Collector {
    /// A collector of the clock events of `timeline` between `from_us` and `to_us`, on the
    /// machines at `kept` (indices into the timeline's machines, one lane each, in order).
    pub(crate) fn new(
        timeline: &Timeline,
        kept: Vec<usize>,
        (from_us, to_us): (i64, i64),
        limit: u64,
    ) -> Collector {
        let lanes: HashMap<u32, u8> = kept
            .iter()
            .enumerate()
            .map(|(lane, &i)| (timeline.machines[i].id, lane as u8))
            .collect();
        let mut out = Collected::default();
        out.columns.base = vec![vec![0; lanes.len()]; lanes.len()];
        out.kept = kept;
        Collector {
            from_us,
            to_us,
            limit,
            lanes,
            links: HashMap::new(),
            recvs: Vec::new(),
            out,
        }
    }

    /// Whether more events were found than could be kept.
    pub(crate) fn over_limit(&self) -> bool {
        self.out.events > self.limit
    }

    /// The vector clock `vc` (indexed by machine id) indexed by lane.
    fn by_lane(&self, vc: &[u64]) -> Vec<u64> {
        let mut out = vec![0; self.lanes.len()];
        for (&id, &lane) in &self.lanes {
            out[lane as usize] = vc.get(id as usize).copied().unwrap_or(0);
        }
        out
    }

    /// Read the next line of the run (in time order).
    pub(crate) fn line(&mut self, timeline: &Timeline, e: &Line) {
        let t_us = e.timestamp - timeline.origin_us;
        self.out.end_us = self.out.end_us.max(t_us);
        let Some(&lane) = self.lanes.get(&e.machine) else {
            return;
        };
        let (tick, lamport, kind) = match &e.event {
            Event::Internal { tick, lamport, .. } => (*tick, *lamport, INTERNAL),
            Event::Send { tick, lamport, .. } => (*tick, *lamport, SEND),
            Event::Recv { tick, lamport, .. } => (*tick, *lamport, RECV),
            Event::Dropped {
                to,
                lamport,
                reason,
            } => {
                let to_lane = to.first().and_then(|id| self.lanes.get(id)).copied();
                if let (true, Some(to_lane)) =
                    ((self.from_us..=self.to_us).contains(&t_us), to_lane)
                {
                    self.out.drops.push(Dropped {
                        lane,
                        to: to_lane,
                        t_us,
                        lamport: *lamport,
                        reason: *reason,
                        line: e.line,
                    });
                }
                for &to in to {
                    let msg = pending(*lamport, e.timestamp, usize::MAX);
                    self.links.entry((e.machine, to)).or_default().drop_msg(msg);
                }
                return;
            }
            // Only the clock events are rows; the rest are not drawn.
            Event::Start { .. }
            | Event::Skipped { .. }
            | Event::Stop { .. }
            | Event::Fault { .. }
            | Event::PeerConnected { .. }
            | Event::PeerGone { .. }
            | Event::Refused { .. }
            | Event::Warning { .. }
            | Event::Unknown => return,
        };
        let vc = e.event.vc().unwrap_or(&[]);
        if t_us < self.from_us {
            self.out.columns.base[lane as usize] = self.by_lane(vc);
        }
        let inside = (self.from_us..=self.to_us).contains(&t_us);
        if inside {
            self.out.events += 1;
        }
        // Past the limit (or the window) nothing more is kept: only counted.
        let keep = inside && !self.over_limit();
        let index = self.out.columns.lane.len();
        let index = if keep { index } else { usize::MAX };
        if keep {
            let c = &mut self.out.columns;
            c.lane.push(lane);
            c.kind.push(kind);
            c.t_us.push(t_us);
            c.lamport.push(lamport);
            if let Some(h) = e.event.hlc() {
                c.hlc.push([h.l, h.c]);
            }
            c.tick.push(tick);
            c.line.push(e.line);
            if kind == RECV {
                self.recvs.push(index);
                c.src.push(None);
            }
        }
        let mut settled = Vec::new();
        match &e.event {
            Event::Send { to, .. } => {
                for &to in to {
                    let link = self.links.entry((e.machine, to)).or_default();
                    link.send(pending(lamport, e.timestamp, index), &mut |o| {
                        settled.push((to, o))
                    });
                }
            }
            Event::Recv {
                from, msg_clock, ..
            } => {
                let link = self.links.entry((*from, e.machine)).or_default();
                link.recv(pending(*msg_clock, e.timestamp, index), &mut |o| {
                    settled.push((e.machine, o))
                });
            }
            _ => {}
        }
        for (to, outcome) in settled {
            self.settle(to, outcome);
        }
        if keep && kind == RECV && !self.recv_has_send(index) {
            // Settled later (its send read after it) or never: kept in case.
            let vc = self.by_lane(vc);
            self.out.columns.orphan_vc.push((index, vc));
        }
    }

    /// The slot in `columns.src` of the receive at `index`, if it was kept.
    fn slot(&self, index: usize) -> Option<usize> {
        self.recvs.binary_search(&index).ok()
    }

    fn recv_has_send(&self, index: usize) -> bool {
        self.slot(index)
            .is_some_and(|slot| self.out.columns.src[slot].is_some())
    }

    /// Record what the pairing settled.
    fn settle(&mut self, to: u32, outcome: Settled) {
        match outcome {
            Settled::Matched { send, recv } => {
                if let Some(slot) = self.slot(recv.index) {
                    if send.index != usize::MAX {
                        self.out.columns.src[slot] = Some(send.index);
                    }
                }
            }
            Settled::Lost(send) => {
                // A message to a machine left out of the page is not drawn.
                if let (true, Some(&to)) = (send.index != usize::MAX, self.lanes.get(&to)) {
                    self.out.columns.lost.push((send.index, to));
                }
            }
            Settled::Unmatched(_) => {}
        }
    }

    /// The collected run: sends still pending at the end are lost.
    pub(crate) fn finish(mut self) -> Collected {
        let mut rest = Vec::new();
        for (&(_, to), link) in &mut self.links {
            for send in link.pending_sends() {
                rest.push((to, Settled::Lost(*send)));
            }
        }
        for (to, outcome) in rest {
            self.settle(to, outcome);
        }
        let c = &mut self.out.columns;
        c.lost.sort_unstable();
        // A receive whose send came after it in the file is paired after all: not an orphan.
        let (src, recvs) = (&c.src, &self.recvs);
        c.orphan_vc.retain(|(index, _)| {
            recvs
                .binary_search(index)
                .map_or(true, |slot| src[slot].is_none())
        });
        self.out
    }
}

fn pending(clock: u64, ts: i64, index: usize) -> Pending {
    Pending {
        clock,
        ts,
        line: 0,
        index,
    }
}

#[cfg(test)]
mod tests;
