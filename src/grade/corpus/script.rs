//! What a run did, without its clocks: the twin's events in the order it made them, each
//! receive pointing at the send of its message, so a clock implementation (right or buggy)
//! can be replayed over it as a student's would have run.

use std::collections::{HashMap, VecDeque};

use crate::log_format::Event;
use crate::model::sink::Lines;
use crate::scenario::{Overrides, Scenario};
use crate::sim::engine::Engine;

/// Where the logs' timestamps start: 2026-06-01T00:00:00Z, in microseconds.
const EPOCH_US: i64 = 1_780_272_000_000_000;

/// One event of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Step {
    pub machine: u32,
    pub at_us: i64,
    pub action: Action,
}

/// What a step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Action {
    Internal,
    Send {
        to: Vec<u32>,
    },
    /// A receive of the message of step `send` to its `slot`-th recipient.
    Recv {
        send: usize,
        slot: usize,
    },
}

/// A run, in the order its events happened (every send before its receives).
#[derive(Debug, Clone)]
pub(crate) struct Script {
    pub machines: u32,
    pub steps: Vec<Step>,
}

/// The twin's run of `seconds` model seconds of three machines, seed `seed`, as a script.
pub(crate) fn twin(seed: u64, seconds: u32) -> Script {
    let text = format!("machines = 3\nduration_s = {seconds}\nseed = {seed}\n");
    let path = std::path::Path::new("corpus.toml");
    let scenario = Scenario::parse(&text, path, &Overrides::default()).expect("a valid scenario");
    let mut lines = Lines::default();
    Engine::new(&scenario).run(&mut lines);
    let mut steps = Vec::new();
    // The messages in flight per link (from, to): (send step, slot, clock), oldest first.
    type InFlight = VecDeque<(usize, usize, u64)>;
    let mut links: HashMap<(u32, u32), InFlight> = HashMap::new();
    for (at_ns, machine, event) in lines.0 {
        let action = match event {
            Event::Internal { .. } => Action::Internal,
            Event::Send { to, lamport, .. } => {
                for (slot, &peer) in to.iter().enumerate() {
                    let queue = links.entry((machine, peer)).or_default();
                    queue.push_back((steps.len(), slot, lamport));
                }
                Action::Send { to }
            }
            Event::Recv {
                from, msg_clock, ..
            } => {
                let queue = links.entry((from, machine)).or_default();
                let (send, slot, clock) =
                    queue.pop_front().expect("the twin receives what was sent");
                assert_eq!(clock, msg_clock, "the twin's links are FIFO");
                Action::Recv { send, slot }
            }
            _ => continue,
        };
        steps.push(Step {
            machine,
            at_us: EPOCH_US + (at_ns / 1_000) as i64,
            action,
        });
    }
    Script { machines: 3, steps }
}
