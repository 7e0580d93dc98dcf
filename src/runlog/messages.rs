//! Every message of a run as a list, sends paired with receives by [`super::pairing`]'s links:
//! what the diagram and the exports draw.

use std::collections::HashMap;

use super::flat::IdSet;
use super::pairing::{Link, Outcome, Pending};

/// One message: its send and its receive, as indices into the caller's events (either may be
/// missing: a message never received, a receive whose send line is lost).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message {
    pub from: u32,
    pub to: u32,
    /// The Lamport value the message carried.
    pub lamport: u64,
    pub send: Option<usize>,
    pub recv: Option<usize>,
}

/// A clock event that sends or receives, as [`pair_messages`] needs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Step {
    /// Machine `from` sent the message with clock `lamport` to every machine in `to`.
    Send { from: u32, to: IdSet, lamport: u64 },
    /// Machine `to` received the message from `from` that carried `msg_clock`.
    Recv { from: u32, to: u32, msg_clock: u64 },
}

/// Every message of `steps` (`(index, timestamp, step)` in time order), in the order of their
/// sends (receives without a send last).
pub fn pair_messages(steps: impl IntoIterator<Item = (usize, i64, Step)>) -> Vec<Message> {
    let mut links: HashMap<(u32, u32), Link> = HashMap::new();
    let mut messages = Vec::new();
    let mut settle = |from: u32, to: u32, outcome: Outcome| {
        let message = |send: Option<Pending>, recv: Option<Pending>, clock: u64| Message {
            from,
            to,
            lamport: clock,
            send: send.map(|p| p.index),
            recv: recv.map(|p| p.index),
        };
        messages.push(match outcome {
            Outcome::Matched { send, recv } => message(Some(send), Some(recv), send.clock),
            Outcome::Lost(send) => message(Some(send), None, send.clock),
            Outcome::Unmatched(recv) => message(None, Some(recv), recv.clock),
        });
    };
    for (index, ts, step) in steps {
        match step {
            Step::Send { from, to, lamport } => {
                for to in to.iter() {
                    let msg = Pending {
                        clock: lamport,
                        ts,
                        line: 0,
                        index,
                    };
                    let link = links.entry((from, to)).or_default();
                    link.send(msg, &mut |o| settle(from, to, o));
                }
            }
            Step::Recv {
                from,
                to,
                msg_clock,
            } => {
                let msg = Pending {
                    clock: msg_clock,
                    ts,
                    line: 0,
                    index,
                };
                let link = links.entry((from, to)).or_default();
                link.recv(msg, &mut |o| settle(from, to, o));
            }
        }
    }
    for (&(from, to), link) in &mut links {
        for &send in link.pending_sends() {
            settle(from, to, Outcome::Lost(send));
        }
        for recv in link.take_pending_recvs() {
            settle(from, to, Outcome::Unmatched(recv));
        }
    }
    messages.sort_by_key(|m| (m.send.is_none(), m.send, m.to, m.recv));
    messages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_pair_by_link_and_clock_in_send_order() {
        let send = |from, to, lamport| Step::Send {
            from,
            to: IdSet(to),
            lamport,
        };
        let recv = |from, to, msg_clock| Step::Recv {
            from,
            to,
            msg_clock,
        };
        let steps = vec![
            (0, 10, send(0, 0b110, 1)),
            (1, 20, recv(0, 2, 1)),
            (2, 30, recv(0, 1, 4)),
            (3, 40, send(2, 0b1, 3)),
        ];
        let m = pair_messages(steps);
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
