//! The bug classes of the mutation corpus: each turns a correct run into the logs of a student
//! implementation with that bug, and names the rule that must catch it. A mutation that would
//! not change the logs (no broadcast in the run, no receive ahead of the receiver) gives
//! `None`, and the corpus takes another run.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::replay::{replay, Bugs, RecvRule};
use super::script::{Action, Script};
use crate::foreign::{ForeignEvent, ForeignKind};
use crate::grade::rule::Rule;

/// The bug classes students really make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    NoRecvIncrement,
    IncrementBeforeMax,
    WrongOperand,
    PerRecipientBroadcast,
    NotCarried,
    ResetOnRestart,
    MergeWithoutOwn,
    SendWithoutOwn,
    ReceiveWithNoSend,
    DuplicatedReceive,
    SwappedOnLink,
    WrongIds,
}

/// Every class, with the rule that must catch it.
pub(crate) const CLASSES: [(Class, Rule); 12] = [
    (Class::NoRecvIncrement, Rule::LamportRecv),
    (Class::IncrementBeforeMax, Rule::LamportRecv),
    (Class::WrongOperand, Rule::LamportRecv),
    (Class::PerRecipientBroadcast, Rule::Broadcast),
    (Class::NotCarried, Rule::Carried),
    (Class::ResetOnRestart, Rule::Monotonic),
    (Class::MergeWithoutOwn, Rule::Vector),
    (Class::SendWithoutOwn, Rule::Vector),
    (Class::ReceiveWithNoSend, Rule::Matched),
    (Class::DuplicatedReceive, Rule::Matched),
    (Class::SwappedOnLink, Rule::Fifo),
    (Class::WrongIds, Rule::Ids),
];

type Logs = Vec<Vec<ForeignEvent>>;

/// The logs of `script` with bug `class`, or `None` when this run cannot show it.
pub(crate) fn mutate(class: Class, script: &Script, rng: &mut ChaCha8Rng) -> Option<Logs> {
    let right = replay(script, &Bugs::default());
    let with = |bugs: Bugs| replay(script, &bugs);
    let logs = match class {
        Class::NoRecvIncrement => with(recv(RecvRule::NoIncrement)),
        Class::IncrementBeforeMax => with(recv(RecvRule::IncrementFirst)),
        Class::WrongOperand => with(recv(RecvRule::PreviousMessage)),
        Class::PerRecipientBroadcast => with(Bugs {
            per_recipient: true,
            ..Bugs::default()
        }),
        Class::NotCarried => with(Bugs {
            not_carried: true,
            ..Bugs::default()
        }),
        Class::MergeWithoutOwn => with(Bugs {
            merge_without_own: true,
            ..Bugs::default()
        }),
        Class::SendWithoutOwn => with(Bugs {
            send_without_own: true,
            ..Bugs::default()
        }),
        Class::ResetOnRestart => {
            // A tick (not a receive, whose max could hide the reset) in the second half of a
            // machine's log, once its clock is past 1.
            let machine = rng.random_range(0..script.machines);
            let mine: Vec<usize> = (0..script.steps.len())
                .filter(|&i| script.steps[i].machine == machine)
                .collect();
            let candidates: Vec<usize> = ((mine.len() / 2).max(1)..mine.len())
                .filter(|&p| !matches!(script.steps[mine[p]].action, Action::Recv { .. }))
                .filter(|&p| right[machine as usize][p - 1].lamport > Some(1))
                .map(|p| mine[p])
                .collect();
            let at = *pick(&candidates, rng)?;
            with(Bugs {
                reset_before: Some(at),
                ..Bugs::default()
            })
        }
        Class::ReceiveWithNoSend => {
            // A send someone received, missing from its log.
            let received: Vec<usize> = script
                .steps
                .iter()
                .filter_map(|s| match s.action {
                    Action::Recv { send, .. } => Some(send),
                    _ => None,
                })
                .collect();
            let send = *pick(&received, rng)?;
            let machine = script.steps[send].machine as usize;
            let position = position(script, send);
            let mut logs = right.clone();
            logs[machine].remove(position);
            renumber(&mut logs[machine]);
            logs
        }
        Class::DuplicatedReceive => {
            let recvs = receives(script);
            let i = *pick(&recvs, rng)?;
            let mut twice = script.clone();
            let copy = twice.steps[i].clone();
            twice.steps.insert(i + 1, copy);
            for step in &mut twice.steps[i + 2..] {
                if let Action::Recv { send, .. } = &mut step.action {
                    if *send > i {
                        *send += 1;
                    }
                }
            }
            replay(&twice, &Bugs::default())
        }
        Class::SwappedOnLink => {
            // Two receives in a row on one link whose messages were both in flight.
            let recvs = receives(script);
            let link = |i: usize| match script.steps[i].action {
                Action::Recv { send, .. } => {
                    (script.steps[send].machine, script.steps[i].machine, send)
                }
                _ => unreachable!("receives only"),
            };
            let mut pairs = Vec::new();
            for (k, &i) in recvs.iter().enumerate() {
                let (from, to, _) = link(i);
                let next = recvs[k + 1..]
                    .iter()
                    .find(|&&j| (link(j).0, link(j).1) == (from, to));
                if let Some(&j) = next.filter(|&&j| link(j).2 < i) {
                    pairs.push((i, j));
                }
            }
            let &(i, j) = pick(&pairs, rng)?;
            let mut swapped = script.clone();
            let a = swapped.steps[i].action.clone();
            swapped.steps[i].action = swapped.steps[j].action.clone();
            swapped.steps[j].action = a;
            replay(&swapped, &Bugs::default())
        }
        Class::WrongIds => {
            let mut logs = right.clone();
            let recvs = receives(script);
            let i = *pick(&recvs, rng)?;
            let machine = script.steps[i].machine;
            // `from` off by one: the receiver itself, or one past the last id (1-based ids).
            // (A line naming another machine than its file's is `readable`: the readers skip it.)
            let wrong = if rng.random_bool(0.5) {
                machine
            } else {
                script.machines
            };
            let event = &mut logs[machine as usize][position(script, i)];
            if let ForeignKind::Recv { from, .. } = &mut event.kind {
                *from = wrong;
            }
            logs
        }
    };
    (logs != right).then_some(logs)
}

fn recv(rule: RecvRule) -> Bugs {
    Bugs {
        recv: rule,
        ..Bugs::default()
    }
}

fn pick<'a, T>(items: &'a [T], rng: &mut ChaCha8Rng) -> Option<&'a T> {
    (!items.is_empty()).then(|| &items[rng.random_range(0..items.len())])
}

fn receives(script: &Script) -> Vec<usize> {
    (0..script.steps.len())
        .filter(|&i| matches!(script.steps[i].action, Action::Recv { .. }))
        .collect()
}

/// The index of step `i` in its machine's log.
fn position(script: &Script, i: usize) -> usize {
    let machine = script.steps[i].machine;
    script.steps[..i]
        .iter()
        .filter(|s| s.machine == machine)
        .count()
}

fn renumber(log: &mut [ForeignEvent]) {
    for (i, e) in log.iter_mut().enumerate() {
        e.line = i as u64 + 1;
    }
}
