//! One direction of a link, sans I/O: what becomes of each message put on it, by the rules both
//! engines follow. The real link task (`machine/link.rs`) drives it with `tokio` instants and a
//! socket; the twin (`sim/network.rs`) with virtual nanoseconds and its event queue.
//!
//! The rules:
//! - **A message's fate is decided when it is sent**, by the link's setting at that moment
//!   ([`LinkState`]): normal or delayed, it is released at a time; a partition in hold mode keeps
//!   it; a partition in drop mode discards it (reason [`DropReason::Partition`]). A message on its
//!   way keeps its release time whatever the link does later: a delay ending does not hurry it,
//!   a partition beginning does not stop it.
//! - **Release time**: `sent + wire latency + wire jitter + delay + delay jitter`, but never
//!   before the previous message on the link: a link is first in, first out. The [`Wire`] is the
//!   twin's network (`[network] latency_us` and `jitter_us`); on a real link the TCP connection is
//!   the wire, so its [`Wire`] is zero.
//! - **Jitter draws**: the wire's first, then the delay's, each drawn only when its bound is not
//!   zero, uniformly from `0..=bound` microseconds; the twin's seeded stream is so consumed in the
//!   same order for the same run.
//! - **A partition lifting** (a setting without a block) sends what it held, oldest first, at
//!   that instant under the new setting. A change from one partition mode to the other keeps
//!   what is held.
//! - **Where a message is**: a fault's hold (a partition, a delay and its jitter) is in the
//!   sender's process (the real link task), the wire is not: a message leaves the sender at
//!   `sent + delay + delay jitter` (never before the previous one, first in, first out) and is on
//!   the wire from then on. So when the sender dies, what a partition holds and what a delay has
//!   not yet let go die with it; what is on the wire arrives.

use std::collections::VecDeque;
use std::time::Duration;

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::log_format::DropReason;

/// How a machine treats the messages it sends to one peer; the normal state is the default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct LinkState {
    /// Real microseconds each message is held.
    pub delay_us: u64,
    /// Up to this many more real microseconds, drawn per message.
    pub jitter_us: u64,
    /// Messages are held or dropped while this is set.
    pub block: Option<PartitionMode>,
}

/// What a partition does with the messages that try to cross it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartitionMode {
    /// Keep them, and deliver them in order when the partition heals.
    #[default]
    Hold,
    /// Discard them; the sender logs each one as `dropped`.
    Drop,
}

/// A point in an engine's time: virtual nanoseconds in the twin, a `tokio` instant in a real
/// machine.
pub(crate) trait Moment: Copy + Ord {
    /// This moment plus `us` microseconds.
    fn plus_us(self, us: u64) -> Self;
}

/// Virtual nanoseconds since the twin's start.
impl Moment for u64 {
    fn plus_us(self, us: u64) -> u64 {
        self + us * 1_000
    }
}

impl Moment for tokio::time::Instant {
    fn plus_us(self, us: u64) -> Self {
        self + Duration::from_micros(us)
    }
}

/// Where a link's jitter comes from: a draw from `0..=max_us`, called only when `max_us > 0`.
pub(crate) trait Jitter {
    /// A jitter in microseconds, at most `max_us`.
    fn draw(&mut self, max_us: u64) -> u64;
}

impl<R: Rng> Jitter for R {
    fn draw(&mut self, max_us: u64) -> u64 {
        self.random_range(0..=max_us)
    }
}

/// The wire under a link: what every message takes before any fault.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Wire {
    /// Real microseconds each message takes.
    pub latency_us: u64,
    /// Up to this many more real microseconds, drawn per message.
    pub jitter_us: u64,
}

/// What the link did with a message put on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fate<T, M> {
    /// It is on its way and leaves the link at this time.
    Release(T),
    /// A partition in hold mode keeps it until it lifts.
    Held,
    /// Discarded: the message handed back, and why.
    Dropped { msg: M, reason: DropReason },
}

/// A message on its way: when it leaves the link, when it left (or leaves) the sender.
#[derive(Debug)]
struct OnWay<T, M> {
    release: T,
    leaves_sender: T,
    msg: M,
}

/// One direction of a link: its setting, the messages on their way (oldest first, with their
/// release times) and the messages a partition holds.
#[derive(Debug)]
pub(crate) struct Link<T, M> {
    wire: Wire,
    setting: LinkState,
    /// Release time of the latest message put on the way.
    last_release: Option<T>,
    /// When the latest message put on the way leaves the sender for the wire.
    last_leave: Option<T>,
    /// Messages on their way, oldest first, with their release times and when they leave the
    /// sender.
    on_way: VecDeque<OnWay<T, M>>,
    held: VecDeque<M>,
}

impl<T: Moment, M> Link<T, M> {
    /// A link in its normal setting over `wire`.
    pub(crate) fn new(wire: Wire) -> Self {
        Link {
            wire,
            setting: LinkState::default(),
            last_release: None,
            last_leave: None,
            on_way: VecDeque::new(),
            held: VecDeque::new(),
        }
    }

    /// The link's current setting.
    pub(crate) fn setting(&self) -> LinkState {
        self.setting
    }

    /// Put `msg`, sent at `sent`, on the link; a release needs jitter from `jitter`.
    pub(crate) fn send(&mut self, msg: M, sent: T, jitter: &mut impl Jitter) -> Fate<T, M> {
        match self.setting.block {
            Some(PartitionMode::Drop) => Fate::Dropped {
                msg,
                reason: DropReason::Partition,
            },
            Some(PartitionMode::Hold) => {
                self.held.push_back(msg);
                Fate::Held
            }
            None => Fate::Release(self.put_on_way(msg, sent, jitter)),
        }
    }

    /// Set the link to `setting` at `now`. When no partition blocks it any more, what it held is
    /// put on its way, oldest first; their release times are returned in that order.
    pub(crate) fn set(&mut self, setting: LinkState, now: T, jitter: &mut impl Jitter) -> Vec<T> {
        self.setting = setting;
        if setting.block.is_some() {
            return Vec::new();
        }
        let held = std::mem::take(&mut self.held);
        held.into_iter()
            .map(|msg| self.put_on_way(msg, now, jitter))
            .collect()
    }

    /// Draw the message's release time by the rules of the module doc and queue it.
    fn put_on_way(&mut self, msg: M, sent: T, jitter: &mut impl Jitter) -> T {
        let mut draw = |max_us| if max_us == 0 { 0 } else { jitter.draw(max_us) };
        let wire_us = self.wire.latency_us + draw(self.wire.jitter_us);
        let fault_us = self.setting.delay_us + draw(self.setting.jitter_us);
        let at = sent.plus_us(wire_us + fault_us);
        let at = self.last_release.map_or(at, |last| at.max(last));
        let leaves = sent.plus_us(fault_us);
        let leaves = self.last_leave.map_or(leaves, |last| leaves.max(last));
        self.last_release = Some(at);
        self.last_leave = Some(leaves);
        self.on_way.push_back(OnWay {
            release: at,
            leaves_sender: leaves,
            msg,
        });
        at
    }

    /// When the next message on its way leaves the link, if one is on its way.
    pub(crate) fn next_release(&self) -> Option<T> {
        self.on_way.front().map(|way| way.release)
    }

    /// The next message on its way and its release time, whether or not it is due.
    #[cfg(test)]
    pub(crate) fn pop_next(&mut self) -> Option<(T, M)> {
        self.on_way.pop_front().map(|way| (way.release, way.msg))
    }

    /// The next message on its way if it is due at `now`.
    pub(crate) fn pop_due(&mut self, now: T) -> Option<M> {
        match self.on_way.front() {
            Some(way) if way.release <= now => self.on_way.pop_front().map(|way| way.msg),
            _ => None,
        }
    }

    /// The sender's process died at `now`: what a partition holds and what a delay has not let
    /// go by then die with it (the real link task runs in the sender's process); what is on the
    /// wire goes on. Returns how many were discarded.
    pub(crate) fn sender_died(&mut self, now: T) -> usize {
        let mut gone = std::mem::take(&mut self.held).len();
        // Leaving times only grow along the queue, so what is still in the sender is its tail.
        while self
            .on_way
            .back()
            .is_some_and(|way| way.leaves_sender > now)
        {
            self.on_way.pop_back();
            gone += 1;
        }
        // A new process of the sender starts a new queue: it waits for none of the dead.
        self.last_release = self.on_way.back().map(|way| way.release);
        self.last_leave = self.on_way.back().map(|way| way.leaves_sender);
        gone
    }

    /// Every message still on the link, on its way then held, oldest first.
    pub(crate) fn pending(&self) -> impl Iterator<Item = &M> {
        self.on_way.iter().map(|way| &way.msg).chain(&self.held)
    }

    /// Take every message still on the link, on its way then held, oldest first: at the end, when
    /// no time is left to wait for.
    pub(crate) fn drain(&mut self) -> impl Iterator<Item = M> + '_ {
        let held = std::mem::take(&mut self.held);
        self.on_way.drain(..).map(|way| way.msg).chain(held)
    }
}

#[cfg(test)]
mod tests;
