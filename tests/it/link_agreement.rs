//! The real link and the twin's agree: one link's delay with jitter, a partition that holds and
//! one that drops give the same delivery order and the same drops in `--engine real` and
//! `--engine sim` on the same seed.
//!
//! Real timing differs from the twin's, so the test compares orders and fates, never times, and
//! the scenario makes those facts independent of timing: machine 0 sends on 2 ticks of 3 at
//! 3 ticks/s, machine 1 takes one message a second, so 1's queue never empties after its first
//! tick and it never rolls (never sends): 0 never receives, its sends are the same in both
//! engines, and 1 receives the first messages of 0's link in link order. Every fault begins and
//! ends half a tick of machine 0 away from its ticks (133 ms real at speedup 1.25: at 2.5, 67 ms
//! was once too little for a supervisor on a loaded host), and so does the run's end, half a
//! second after machine 1's last tick. The run takes 14 s.
//!
//! And both lose what a hold partition or a delay held at a sender killed during it: both hold
//! in the sender's process (its link task), so the heal or the delay's end delivers none of it
//! and `analyze` counts it lost at death.

use std::path::Path;
use std::time::Duration;

use logiclock::log_format::{DropReason, Event};

use crate::cmd::Logiclock;
use crate::util::{self, RunFiles};

/// The scenario; seed [`SEED`] rolls an internal event on both machines' first ticks (per-slot
/// dice, `model/dice.rs`), and three messages fall in the drop partition, so no
/// message races a first tick.
const SCENARIO: &str = r#"
machines = 2
duration_s = 17.5
speedup = 1.25
[clock]
rates = [3, 1]
[events]
die = 3
# The delay's jitter (up to 500 ms) is more than machine 0's tick (333 ms): only FIFO keeps order.
[[fault]]
kind = "delay"
at_s = 1.5
from = 0
to = 1
delay_ms = 600
jitter_ms = 500
duration_s = 2
[[fault]]
kind = "partition"
at_s = 4.5
machines = [0, 1]
duration_s = 1
mode = "hold"
[[fault]]
kind = "partition"
at_s = 6.5
machines = [0, 1]
duration_s = 1
mode = "drop"
"#;

const SEED: u64 = 9;

/// What one run did on the link 0 -> 1.
#[derive(Debug, PartialEq)]
struct LinkFacts {
    /// Machine 0's sends to 1: (tick, Lamport clock), in order.
    sent: Vec<(u64, u64)>,
    /// The clocks of those machine 0 logged dropped by a partition, in order.
    dropped: Vec<u64>,
    /// The message clocks machine 1 received from 0, in order.
    received: Vec<u64>,
}

/// Run the scenario on `engine` into `dir/engine` and read what happened on the link.
fn run(dir: &Path, engine: &str) -> LinkFacts {
    let scenario = util::scenario(dir, "link.toml", SCENARIO);
    let out = dir.join(engine);
    Logiclock::run(scenario)
        .args(["--engine", engine])
        .seed(SEED)
        .quiet()
        .out(&out)
        .timeout(Duration::from_secs(40))
        .finish()
        .success();
    let files = RunFiles::read(&out);
    if let Err(why) = files.check() {
        panic!("the {engine} run breaks the log contract: {why}");
    }
    let (mut sent, mut dropped, mut received) = (Vec::new(), Vec::new(), Vec::new());
    for line in &files.logs[0] {
        match &line.event {
            Event::Send {
                tick, lamport, to, ..
            } if to.contains(&1) => sent.push((*tick, *lamport)),
            Event::Dropped {
                to,
                lamport,
                reason: DropReason::Partition,
            } if to.contains(&1) => dropped.push(*lamport),
            Event::Recv { .. } => panic!("machine 0 received a message in the {engine} run"),
            _ => {}
        }
    }
    let mut rolls = 0;
    for line in &files.logs[1] {
        match &line.event {
            Event::Recv {
                from: 0, msg_clock, ..
            } => received.push(*msg_clock),
            Event::Send { .. } | Event::Internal { .. } => rolls += 1,
            _ => {}
        }
    }
    assert_eq!(
        rolls, 1,
        "machine 1's queue ran empty after its first tick in the {engine} run: the scenario no \
         longer makes the compared facts independent of timing"
    );
    LinkFacts {
        sent,
        dropped,
        received,
    }
}

#[test]
fn one_links_delay_jitter_and_partitions_give_the_same_order_and_drops_in_the_real_and_the_twin() {
    let tmp = tempfile::tempdir().unwrap();
    let twin = run(tmp.path(), "sim");
    let real = run(tmp.path(), "real");

    // Delivered in link order: what machine 1 received is the start of what 0 sent and the link
    // did not drop, in the order it was sent, in each engine.
    for (engine, facts) in [("sim", &twin), ("real", &real)] {
        let delivered: Vec<u64> = facts
            .sent
            .iter()
            .map(|(_, lamport)| *lamport)
            .filter(|lamport| !facts.dropped.contains(lamport))
            .collect();
        assert!(
            delivered.starts_with(&facts.received),
            "{engine}: received {:?}, not the start of the link's order {delivered:?}",
            facts.received
        );
    }
    // The scenario reaches past every fault: the drop partition dropped, and machine 1 received
    // messages sent after it.
    let last_dropped = *twin.dropped.last().expect("the drop partition dropped");
    assert!(twin.received.last() > Some(&last_dropped));

    assert_eq!(real.sent, twin.sent, "machine 0 sent differently");
    assert_eq!(
        real.dropped, twin.dropped,
        "the partition dropped other messages"
    );
    assert_eq!(
        real.received, twin.received,
        "machine 1 received other messages or in another order"
    );
}

/// Machine 0 sends to 1 through a partition in hold mode and is killed during it, for good; the
/// partition heals after. Every change falls half a tick of machine 0 away from its ticks.
const KILLED_DURING_HOLD: &str = r#"
machines = 2
duration_s = 7.5
speedup = 2.5
[clock]
rates = [3, 1]
[events]
die = 3
[[fault]]
kind = "partition"
at_s = 2.5
machines = [0, 1]
duration_s = 2
mode = "hold"
[[fault]]
kind = "kill"
at_s = 3.5
machine = 0
"#;

/// Machine 0 sends to 1 through a 3 s delay and is killed 1 s into it, for good: every message
/// it sent during the delay is still in its link task when it dies. Every change falls half a
/// tick of machine 0 away from its ticks.
pub const KILLED_DURING_DELAY: &str = r#"
machines = 2
duration_s = 7.5
speedup = 2.5
[clock]
rates = [3, 1]
[events]
die = 3
[[fault]]
kind = "delay"
at_s = 2.5
from = 0
to = 1
delay_ms = 3000
duration_s = 4
[[fault]]
kind = "kill"
at_s = 3.5
machine = 0
"#;

/// Run `scenario` (named `name`) on `engine` into `dir/name-engine`; returns the clocks of
/// machine 0's sends to 1 after its link fault of `kind` began, and the clocks machine 1
/// received from 0. `analyze` must pass the run and explain every message of 0 -> 1.
fn run_killed_during(
    dir: &Path,
    name: &str,
    scenario: &str,
    kind: logiclock::log_format::FaultKind,
    engine: &str,
) -> (Vec<u64>, Vec<u64>) {
    let scenario = util::scenario(dir, &format!("{name}.toml"), scenario);
    let out = dir.join(format!("{name}-{engine}"));
    Logiclock::run(scenario)
        .args(["--engine", engine])
        .seed(SEED)
        .quiet()
        .out(&out)
        .timeout(Duration::from_secs(40))
        .finish()
        .success();
    let files = RunFiles::read(&out);
    let mut held = Vec::new();
    let mut faulted = false;
    for line in &files.logs[0] {
        match &line.event {
            Event::Fault { kind: k, .. } if *k == kind => faulted = true,
            Event::Send { lamport, to, .. } if faulted && to.contains(&1) => held.push(*lamport),
            _ => {}
        }
    }
    let received = files.logs[1]
        .iter()
        .filter_map(|line| match &line.event {
            Event::Recv {
                from: 0, msg_clock, ..
            } => Some(*msg_clock),
            _ => None,
        })
        .collect();
    let analyze = Logiclock::analyze(&out).finish();
    assert_eq!(
        analyze.code(),
        Some(0),
        "analyze fails the {engine} run:\n{}",
        analyze.describe()
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let link = summary["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["from"] == 0 && l["to"] == 1)
        .expect("the link 0 -> 1 is in the summary");
    assert_eq!(
        link["lost"], 0,
        "{engine}: a message of 0 -> 1 is unexplained"
    );
    assert!(
        link["lost_at_death"].as_u64().unwrap() >= held.len() as u64,
        "{engine}: the held messages are not lost with their sender: {link}"
    );
    (held, received)
}

/// Run `scenario` on both engines: machine 0 sent messages to 1 during the fault (`what`) and
/// none of them reached 1 after 0 was killed. Each engine's (held, received).
fn held_messages_die_with_their_sender(
    dir: &Path,
    name: &str,
    scenario: &str,
    kind: logiclock::log_format::FaultKind,
    what: &str,
) -> Vec<(Vec<u64>, Vec<u64>)> {
    let mut results = Vec::new();
    for engine in ["sim", "real"] {
        let (held, received) = run_killed_during(dir, name, scenario, kind, engine);
        assert!(
            !held.is_empty(),
            "{engine}: machine 0 sent nothing during the {what}"
        );
        let delivered: Vec<&u64> = held.iter().filter(|c| received.contains(c)).collect();
        assert!(
            delivered.is_empty(),
            "{engine}: machine 1 received {delivered:?}, held at machine 0 by the {what} when it \
             was killed"
        );
        results.push((held, received));
    }
    results
}

#[test]
fn a_message_held_at_a_sender_killed_during_a_hold_partition_is_lost_with_it_in_both_engines() {
    let tmp = tempfile::tempdir().unwrap();
    held_messages_die_with_their_sender(
        tmp.path(),
        "held",
        KILLED_DURING_HOLD,
        logiclock::log_format::FaultKind::Partition,
        "partition",
    );
}

#[test]
fn a_message_held_by_a_delay_at_a_sender_killed_during_it_is_lost_with_it_in_both_engines() {
    let tmp = tempfile::tempdir().unwrap();
    let results = held_messages_die_with_their_sender(
        tmp.path(),
        "delayed",
        KILLED_DURING_DELAY,
        logiclock::log_format::FaultKind::Delay,
        "delay",
    );
    assert_eq!(
        results[0], results[1],
        "the twin (left) and the real run (right) sent or received other messages on 0 -> 1"
    );
}
