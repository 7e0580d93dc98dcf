//! The Perfetto trace's slices and flows as the lines stream by, keeping only what is still open:
//! each machine's last clock event (its slice's width waits for the machine's next one), the
//! sends with messages still in flight, and the pairing's queues ([`crate::runlog::pairing`]).
//! Memory grows with the messages in flight, never with the run's length.
//!
//! A flow is written when its message is received: the send's child slice (`flow_out`) then,
//! the receive's slice (`flow_in`) when its own width is known. Trace viewers sort the records by
//! time, so they may come in any order in the file. Perfetto sorts records of one timestamp
//! longest slice first, and drops a flow whose end it reads before its start
//! (`flow_end_without_start`); so a child always starts before its receive's slice, and a receive
//! logged at its send's very instant (a link without latency) starts 1 ns after it.

use std::collections::HashMap;

use crate::runlog::{LinkPairing, Pending, Settled};

/// One received message of a send: its recipient, flow id and receive time (µs since the start).
#[derive(Debug, Clone, Copy)]
pub(super) struct Flow {
    pub to: u32,
    pub id: u64,
    pub recv_us: i64,
}

/// A child slice of a send, in ns since the run start.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Child {
    pub start_ns: i64,
    pub end_ns: i64,
}

/// Where a send's child slices go: one share of the send's slice per recipient, one after the
/// other in the order of their receives.
#[derive(Debug, Clone, Copy)]
pub(super) struct Layout {
    start: i64,
    end: i64,
    share: i64,
    cursor: i64,
}

impl Layout {
    /// The layout of a send at `ts` (µs) lasting `dur` (µs) to `recipients` machines.
    pub(super) fn new(ts: f64, dur: f64, recipients: usize) -> Layout {
        let start = (ts * 1_000.0).round() as i64;
        let end = start + (dur * 1_000.0).floor() as i64;
        Layout {
            start,
            end,
            share: (end - start) / recipients.max(1) as i64,
            cursor: start,
        }
    }

    /// The next child, for a message received at `recv_us`.
    ///
    /// Both importers take flow ends in time order and drop or reverse an arrow whose `flow_in`
    /// slice starts before its `flow_out` slice ends (catapult's `flow_slice_ordering_error`,
    /// Perfetto's `flow_end_without_start`). So each child ends before its own receive (1 ns
    /// before, so that it also starts before it); a receive logged at or before its send's start
    /// (no latency, or clock resolution) gets a child without width at the send's start.
    pub(super) fn child(&mut self, recv_us: i64) -> Child {
        let recv_ns = recv_us * 1_000;
        let limit = (recv_ns - 1).max(self.start);
        let start_ns = self.cursor.min(limit).max(self.start);
        let end_ns = (start_ns + self.share * 9 / 10)
            .min(limit)
            .min(self.end)
            .max(start_ns);
        self.cursor = end_ns;
        Child { start_ns, end_ns }
    }
}

/// The next child slices of a send laid out by `layout`, for the flows of `flows` (sorted here in
/// the order of their receives).
pub(super) fn child_slices(layout: &mut Layout, flows: &mut [Flow]) -> Vec<(Flow, Child)> {
    flows.sort_by_key(|f| (f.recv_us, f.to));
    flows
        .iter()
        .map(|&f| (f, layout.child(f.recv_us)))
        .collect()
}

/// A send with messages still in flight.
#[derive(Debug)]
struct Send {
    /// Its time, µs since the start.
    ts: i64,
    recipients: u32,
    /// Messages not yet received, lost or dropped.
    open: u32,
    /// Known once the send's slice is written; the flows received before that wait in
    /// [`Flows::waiting`].
    layout: Option<Layout>,
}

/// A receive's slice not yet written: the flow it ends, and its send's start (ns).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct FlowIn {
    pub id: u64,
    pub send_ns: i64,
}

/// What the matching has to say about one clock event when its slice is written.
#[derive(Debug, Default)]
pub(super) struct Open {
    /// The flow a receive ends.
    pub flow_in: Option<FlowIn>,
}

/// The matching of sends and receives as the lines come.
#[derive(Debug, Default)]
pub(super) struct Flows {
    links: HashMap<(u32, u32), LinkPairing>,
    /// By (sender id, Lamport value of the send).
    sends: HashMap<(u32, u64), Send>,
    /// Flows of sends whose slice is not written yet (at most one per machine).
    waiting: HashMap<(u32, u64), Vec<Flow>>,
    /// Receives whose slice is not written yet, by their sequence number.
    open_recvs: HashMap<usize, Open>,
    /// Children whose send's slice is written: to be written now.
    ready: Vec<ChildOut>,
    next_id: u64,
}

/// A child slice to write: on the sender's track, holding the start of flow `flow.id`.
#[derive(Debug, Clone, Copy)]
pub(super) struct ChildOut {
    pub from: u32,
    pub lamport: u64,
    pub flow: Flow,
    pub child: Child,
}

impl Flows {
    /// A send of machine `from` at `ts` (µs since the start) to `to`, numbered `seq`.
    pub(super) fn send(&mut self, from: u32, lamport: u64, ts: i64, to: &[u32], seq: usize) {
        self.sends.insert(
            (from, lamport),
            Send {
                ts,
                recipients: to.len() as u32,
                open: to.len() as u32,
                layout: None,
            },
        );
        let msg = Pending {
            clock: lamport,
            ts,
            line: 0,
            index: seq,
        };
        for &dest in to {
            let mut settled = Vec::new();
            self.links
                .entry((from, dest))
                .or_default()
                .send(msg, &mut |s| settled.push(s));
            for s in settled {
                self.settle(from, dest, s);
            }
        }
    }

    /// A receive by `to` of the message of `from` with clock `clock`, at `ts`, numbered `seq`.
    pub(super) fn recv(&mut self, from: u32, to: u32, clock: u64, ts: i64, seq: usize) {
        self.open_recvs.insert(seq, Open::default());
        let msg = Pending {
            clock,
            ts,
            line: 0,
            index: seq,
        };
        let mut settled = Vec::new();
        self.links
            .entry((from, to))
            .or_default()
            .recv(msg, &mut |s| settled.push(s));
        for s in settled {
            self.settle(from, to, s);
        }
    }

    /// The sender `from` dropped its message with clock `lamport` to `to`.
    pub(super) fn dropped(&mut self, from: u32, to: u32, lamport: u64, ts: i64) {
        let msg = Pending {
            clock: lamport,
            ts,
            line: 0,
            index: 0,
        };
        self.links.entry((from, to)).or_default().drop_msg(msg);
        self.close(from, lamport);
    }

    /// The children waiting for their send's slice, now that it is written with `layout`.
    pub(super) fn send_written(
        &mut self,
        from: u32,
        lamport: u64,
        ts: f64,
        dur: f64,
    ) -> Vec<ChildOut> {
        let Some(send) = self.sends.get_mut(&(from, lamport)) else {
            return Vec::new();
        };
        let mut layout = Layout::new(ts, dur, send.recipients as usize);
        let mut waiting = self.waiting.remove(&(from, lamport)).unwrap_or_default();
        let out = child_slices(&mut layout, &mut waiting)
            .into_iter()
            .map(|(flow, child)| ChildOut {
                from,
                lamport,
                flow,
                child,
            })
            .collect();
        send.layout = Some(layout);
        if send.open == 0 {
            self.sends.remove(&(from, lamport));
        }
        out
    }

    /// What the matching knows of receive `seq`, whose slice is being written.
    pub(super) fn take_recv(&mut self, seq: usize) -> Open {
        self.open_recvs.remove(&seq).unwrap_or_default()
    }

    /// Children written since the last call.
    pub(super) fn take_children(&mut self) -> Vec<ChildOut> {
        std::mem::take(&mut self.ready)
    }

    fn settle(&mut self, from: u32, to: u32, settled: Settled) {
        match settled {
            Settled::Matched { send, recv } => {
                // A receive whose slice is written already keeps no arrow.
                if let Some(open) = self.open_recvs.get_mut(&recv.index) {
                    if let Some(s) = self.sends.get_mut(&(from, send.clock)) {
                        self.next_id += 1;
                        let flow = Flow {
                            to,
                            id: self.next_id,
                            recv_us: recv.ts,
                        };
                        open.flow_in = Some(FlowIn {
                            id: flow.id,
                            send_ns: s.ts * 1_000,
                        });
                        match &mut s.layout {
                            Some(layout) => self.ready.push(ChildOut {
                                from,
                                lamport: send.clock,
                                flow,
                                child: layout.child(flow.recv_us),
                            }),
                            None => self
                                .waiting
                                .entry((from, send.clock))
                                .or_default()
                                .push(flow),
                        }
                    }
                }
                self.close(from, send.clock);
            }
            Settled::Lost(send) => self.close(from, send.clock),
            Settled::Unmatched(_) => {}
        }
    }

    /// One message of the send of `from` with clock `lamport` is settled.
    fn close(&mut self, from: u32, lamport: u64) {
        if let Some(s) = self.sends.get_mut(&(from, lamport)) {
            s.open = s.open.saturating_sub(1);
            if s.open == 0 && s.layout.is_some() {
                self.sends.remove(&(from, lamport));
            }
        }
    }
}
