//! The one pairing of receives with sends, one FIFO per link (from, to): streamed by `analyze`,
//! collected into a list of messages by [`super::messages`] for the diagram and the exports.
//!
//! Messages on a link arrive in the order they were sent, and the clocks a sender puts on them
//! strictly increase, so `(from, to, lamport)` names a message. A receive of clock `c` matches the
//! oldest pending send of the link if it carries `c`; pending sends older than it were skipped over
//! and are lost. Records come in system-time order; a receive seen before its send (equal or
//! skewed timestamps) waits in its own queue. Memory is bounded by the messages in flight.
//!
//! A `dropped` line takes its message out of the pending sends (found by clock: usually the
//! oldest, but not when older ones wait in a queue). The sender writes it after the `send` line,
//! yet a drop logged by another task can come first in the file; such a drop waits for its send.

use std::collections::VecDeque;

/// A message sent and not yet received.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Pending {
    pub clock: u64,
    pub ts: i64,
    /// Line of the send (or receive) in its machine's log.
    pub line: u64,
    /// Position of the event in the caller's sequence (0 if the caller does not need it).
    pub index: usize,
}

/// What one send or receive settled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Settled {
    /// A receive matched its send.
    Matched { send: Pending, recv: Pending },
    /// A send that the receiver skipped over: it was never received.
    Lost(Pending),
    /// A receive that matches no send.
    Unmatched(Pending),
}

/// Counts and queues of one link.
#[derive(Debug, Default, Clone)]
pub(crate) struct LinkPairing {
    pub sent: u64,
    pub received: u64,
    pub lost: u64,
    pub unmatched: u64,
    /// Sends the sender logged as dropped.
    pub dropped: u64,
    /// Sends never received because a machine died (settled by the analyzer at the end).
    pub lost_at_death: u64,
    sends: VecDeque<Pending>,
    recvs: VecDeque<Pending>,
    /// Drops read before their send.
    drops: Vec<Pending>,
}

impl LinkPairing {
    /// A message was sent on this link.
    pub(crate) fn send(&mut self, msg: Pending, out: &mut impl FnMut(Settled)) {
        self.sent += 1;
        if let Some(k) = self.drops.iter().position(|d| d.clock == msg.clock) {
            self.drops.swap_remove(k);
            self.dropped += 1;
            return;
        }
        if self.recvs.is_empty() {
            self.sends.push_back(msg);
            return;
        }
        while let Some(&recv) = self.recvs.front() {
            if recv.clock < msg.clock {
                // Received before anything with this clock was sent.
                self.recvs.pop_front();
                self.unmatched += 1;
                out(Settled::Unmatched(recv));
            } else if recv.clock == msg.clock {
                self.recvs.pop_front();
                self.received += 1;
                out(Settled::Matched { send: msg, recv });
                return;
            } else {
                // The waiting receive is for a later message: this one was skipped over.
                self.lost += 1;
                out(Settled::Lost(msg));
                return;
            }
        }
        self.sends.push_back(msg);
    }

    /// A message was received on this link.
    pub(crate) fn recv(&mut self, msg: Pending, out: &mut impl FnMut(Settled)) {
        while let Some(&send) = self.sends.front() {
            if send.clock < msg.clock {
                self.sends.pop_front();
                self.lost += 1;
                out(Settled::Lost(send));
            } else if send.clock == msg.clock {
                self.sends.pop_front();
                self.received += 1;
                out(Settled::Matched { send, recv: msg });
                return;
            } else {
                self.unmatched += 1;
                out(Settled::Unmatched(msg));
                return;
            }
        }
        self.recvs.push_back(msg);
    }

    /// The sender logged the message with clock `msg.clock` as dropped: it will never arrive.
    pub(crate) fn drop_msg(&mut self, msg: Pending) {
        let found = match self.sends.binary_search_by_key(&msg.clock, |p| p.clock) {
            Ok(k) => Some(k),
            // Clocks on a link only increase in a correct log; search a broken one too.
            Err(_) => self.sends.iter().position(|p| p.clock == msg.clock),
        };
        match found {
            Some(k) => {
                self.sends.remove(k);
                self.dropped += 1;
            }
            None => self.drops.push(msg),
        }
    }

    /// `count` of the messages reported lost were lost with a dead machine instead.
    pub(crate) fn reclassify_lost(&mut self, count: u64) {
        self.lost -= count;
        self.lost_at_death += count;
    }

    /// Drops whose send never came: at the end of the run, they match no send.
    pub(crate) fn take_pending_drops(&mut self) -> Vec<Pending> {
        std::mem::take(&mut self.drops)
    }

    /// Sends not received (yet): at the end of the run, the messages left in the queue or lost.
    pub(crate) fn pending_sends(&self) -> impl Iterator<Item = &Pending> {
        self.sends.iter()
    }

    /// Receives still waiting for their send: at the end of the run, unmatched.
    pub(crate) fn take_pending_recvs(&mut self) -> Vec<Pending> {
        self.unmatched += self.recvs.len() as u64;
        self.recvs.drain(..).collect()
    }
}

impl Settled {
    /// System time from send to receive of a matched message (0 if the receive's timestamp is
    /// not later).
    pub(crate) fn delay_us(&self) -> Option<u64> {
        match self {
            Settled::Matched { send, recv } => Some(u64::try_from(recv.ts - send.ts).unwrap_or(0)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(clock: u64, ts: i64, line: u64) -> Pending {
        Pending {
            clock,
            ts,
            line,
            index: 0,
        }
    }

    fn delays(out: &[Settled]) -> Vec<Option<u64>> {
        out.iter().map(Settled::delay_us).collect()
    }

    fn run(link: &mut LinkPairing, steps: &[(bool, Pending)]) -> Vec<Settled> {
        let mut out = Vec::new();
        for &(is_send, msg) in steps {
            if is_send {
                link.send(msg, &mut |o| out.push(o));
            } else {
                link.recv(msg, &mut |o| out.push(o));
            }
        }
        out
    }

    #[test]
    fn fifo_matches_and_measures_delay() {
        let mut link = LinkPairing::default();
        let out = run(
            &mut link,
            &[
                (true, p(1, 100, 3)),
                (true, p(4, 200, 5)),
                (false, p(1, 150, 9)),
                (false, p(4, 260, 10)),
            ],
        );
        assert_eq!(delays(&out), vec![Some(50), Some(60)]);
        assert_eq!(
            (link.sent, link.received, link.pending_sends().count()),
            (2, 2, 0)
        );
    }

    #[test]
    fn a_skipped_message_is_lost_and_named() {
        let mut link = LinkPairing::default();
        let out = run(
            &mut link,
            &[
                (true, p(1, 100, 3)),
                (true, p(2, 200, 4)),
                (true, p(3, 300, 5)),
                (false, p(1, 150, 7)),
                (false, p(3, 350, 8)),
            ],
        );
        assert_eq!(out[1], Settled::Lost(p(2, 200, 4)));
        assert_eq!(out[2].delay_us(), Some(50));
        assert_eq!(link.lost, 1);
    }

    #[test]
    fn a_receive_without_send_is_unmatched() {
        let mut link = LinkPairing::default();
        let out = run(&mut link, &[(true, p(5, 100, 3)), (false, p(4, 150, 7))]);
        assert_eq!(out, vec![Settled::Unmatched(p(4, 150, 7))]);
        let mut link = LinkPairing::default();
        run(&mut link, &[(false, p(4, 150, 7))]);
        assert_eq!(link.take_pending_recvs(), vec![p(4, 150, 7)]);
        assert_eq!(link.unmatched, 1);
    }

    #[test]
    fn a_dropped_message_leaves_the_pending_sends_wherever_it_is() {
        let mut link = LinkPairing::default();
        run(
            &mut link,
            &[
                (true, p(1, 100, 3)),
                (true, p(2, 200, 4)),
                (true, p(3, 300, 5)),
            ],
        );
        // 1 still waits in the receiver's queue; 2 was dropped, not the oldest
        link.drop_msg(p(2, 210, 6));
        let out = run(&mut link, &[(false, p(1, 400, 9)), (false, p(3, 500, 10))]);
        assert_eq!(delays(&out), vec![Some(300), Some(200)]);
        assert_eq!(
            (link.sent, link.received, link.dropped, link.lost),
            (3, 2, 1, 0)
        );
        assert_eq!(link.pending_sends().count(), 0);
    }

    #[test]
    fn a_drop_read_before_its_send_waits_for_it() {
        let mut link = LinkPairing::default();
        link.drop_msg(p(4, 100, 8));
        let out = run(&mut link, &[(true, p(4, 100, 7)), (true, p(5, 120, 9))]);
        assert!(out.is_empty());
        assert_eq!((link.sent, link.dropped), (2, 1));
        assert_eq!(
            link.pending_sends().copied().collect::<Vec<_>>(),
            vec![p(5, 120, 9)]
        );
        assert!(link.take_pending_drops().is_empty());
        // a drop of a message never sent is left over for the matching check
        link.drop_msg(p(9, 300, 12));
        assert_eq!(link.take_pending_drops(), vec![p(9, 300, 12)]);
        assert_eq!(link.dropped, 1);
    }

    #[test]
    fn a_receive_seen_before_its_send_still_matches() {
        let mut link = LinkPairing::default();
        let out = run(&mut link, &[(false, p(2, 100, 7)), (true, p(2, 100, 3))]);
        assert_eq!(delays(&out), vec![Some(0)]);
    }
}
