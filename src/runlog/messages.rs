//! Every message of a run as a list, sends paired with receives by [`super::pairing`]'s links:
//! what the diagram and the exports draw.

#[cfg(test)]
use std::collections::HashMap;

#[cfg(test)]
use crate::log_format::Event;

#[cfg(test)]
use super::line::Line;
#[cfg(test)]
use super::pairing::{LinkPairing, Pending, Settled};

/// One message: its send and its receive, as indices into the caller's lines (either may be
/// missing: a message never received, a receive whose send line is lost).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Message {
    pub from: u32,
    pub to: u32,
    /// The Lamport value the message carried.
    pub lamport: u64,
    pub send: Option<usize>,
    pub recv: Option<usize>,
}

/// Every message of `lines` (in time order), in the order of their sends (receives without a
/// send last); a message's `send` and `recv` index `lines`. The commands pair as they stream
/// ([`super::pairing`]); this is for readers of a whole run held in memory.
#[cfg(test)]
pub(crate) fn pair_messages(lines: &[Line]) -> Vec<Message> {
    let mut links: HashMap<(u32, u32), LinkPairing> = HashMap::new();
    let mut messages = Vec::new();
    let mut settle = |from: u32, to: u32, outcome: Settled| {
        let message = |send: Option<Pending>, recv: Option<Pending>, clock: u64| Message {
            from,
            to,
            lamport: clock,
            send: send.map(|p| p.index),
            recv: recv.map(|p| p.index),
        };
        messages.push(match outcome {
            Settled::Matched { send, recv } => message(Some(send), Some(recv), send.clock),
            Settled::Lost(send) => message(Some(send), None, send.clock),
            Settled::Unmatched(recv) => message(None, Some(recv), recv.clock),
        });
    };
    for (index, line) in lines.iter().enumerate() {
        let ts = line.timestamp;
        match &line.event {
            Event::Send { to, lamport, .. } => {
                let from = line.machine;
                for &to in to {
                    let msg = Pending {
                        clock: *lamport,
                        ts,
                        line: 0,
                        index,
                    };
                    let link = links.entry((from, to)).or_default();
                    link.send(msg, &mut |o| settle(from, to, o));
                }
            }
            Event::Recv {
                from, msg_clock, ..
            } => {
                let (from, to) = (*from, line.machine);
                let msg = Pending {
                    clock: *msg_clock,
                    ts,
                    line: 0,
                    index,
                };
                let link = links.entry((from, to)).or_default();
                link.recv(msg, &mut |o| settle(from, to, o));
            }
            // Only sends and receives make messages; a new event that carries one must be
            // paired here.
            Event::Start { .. }
            | Event::Internal { .. }
            | Event::Skipped { .. }
            | Event::Stop { .. }
            | Event::Dropped { .. }
            | Event::Fault { .. }
            | Event::PeerConnected { .. }
            | Event::PeerGone { .. }
            | Event::Refused { .. }
            | Event::Warning { .. }
            | Event::Unknown => {}
        }
    }
    for (&(from, to), link) in &mut links {
        for &send in link.pending_sends() {
            settle(from, to, Settled::Lost(send));
        }
        for recv in link.take_pending_recvs() {
            settle(from, to, Settled::Unmatched(recv));
        }
    }
    messages.sort_by_key(|m| (m.send.is_none(), m.send, m.to, m.recv));
    messages
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(machine: u32, timestamp: i64, event: Event) -> Line {
        Line {
            machine,
            line: 1,
            timestamp,
            event,
        }
    }

    fn send(from: u32, to: &[u32], lamport: u64, ts: i64) -> Line {
        let event = Event::Send {
            tick: 1,
            lamport,
            to: to.to_vec(),
            vc: vec![],
            late_us: 0,
            pt_us: None,
            hlc: None,
        };
        line(from, ts, event)
    }

    fn recv(from: u32, to: u32, msg_clock: u64, ts: i64) -> Line {
        let event = Event::Recv {
            tick: 1,
            lamport: msg_clock + 1,
            from,
            msg_clock,
            queue: 0,
            vc: vec![],
            late_us: 0,
            pt_us: None,
            hlc: None,
            msg_hlc: None,
            offset_rejected: false,
        };
        line(to, ts, event)
    }

    #[test]
    fn messages_pair_by_link_and_clock_in_send_order() {
        let lines = vec![
            send(0, &[1, 2], 1, 10),
            recv(0, 2, 1, 20),
            recv(0, 1, 4, 30),
            send(2, &[0], 3, 40),
        ];
        let m = pair_messages(&lines);
        let view: Vec<_> = m
            .iter()
            .map(|m| (m.from, m.to, m.lamport, m.send, m.recv))
            .collect();
        assert_eq!(
            view,
            vec![
                (0, 1, 1, Some(0), None),
                (0, 2, 1, Some(0), Some(1)),
                (2, 0, 3, Some(3), None),
                (0, 1, 4, None, Some(2)),
            ]
        );
    }
}
