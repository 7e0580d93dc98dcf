//! A clock implementation replayed over a [`Script`]: logiclock's rules, or one of the bugs
//! students write, each a switch of [`Bugs`]. The result is one log per machine, as that
//! implementation would have written it.

use super::script::{Action, Script};
use crate::foreign::{ForeignEvent, ForeignKind};

/// How a receive computes the Lamport clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum RecvRule {
    /// `max(prev, m) + 1`.
    #[default]
    Right,
    /// `max(prev, m)`: no +1.
    NoIncrement,
    /// `max(prev + 1, m)`: the +1 before the max.
    IncrementFirst,
    /// `max(prev, the previous message's clock) + 1`: the wrong operand.
    PreviousMessage,
}

/// The bugs of one implementation; the default has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Bugs {
    pub recv: RecvRule,
    /// A send to k peers adds k, its messages carrying prev + 1 ... prev + k.
    pub per_recipient: bool,
    /// Messages carry no clock: the receiver logs (and uses) 0.
    pub not_carried: bool,
    /// Before this step the machine restarts with its clocks at zero.
    pub reset_before: Option<usize>,
    /// A receive's vector is the merge alone, without the own + 1.
    pub merge_without_own: bool,
    /// A send leaves the own vector entry as it was.
    pub send_without_own: bool,
}

/// The logs `bugs` writes for `script`, one per machine (index = id), lines numbered from 1.
pub(crate) fn replay(script: &Script, bugs: &Bugs) -> Vec<Vec<ForeignEvent>> {
    let n = script.machines as usize;
    let mut lamport = vec![0u64; n];
    let mut last_msg = vec![0u64; n];
    let mut vc = vec![vec![0u64; n]; n];
    // Per step: the clocks its messages carry and its vector.
    let mut sent: Vec<(Vec<u64>, Vec<u64>)> = Vec::with_capacity(script.steps.len());
    let mut logs: Vec<Vec<ForeignEvent>> = vec![Vec::new(); n];
    for (i, step) in script.steps.iter().enumerate() {
        let me = step.machine as usize;
        if bugs.reset_before == Some(i) {
            lamport[me] = 0;
            vc[me] = vec![0; n];
        }
        let (kind, carried) = match &step.action {
            Action::Internal => {
                lamport[me] += 1;
                vc[me][me] += 1;
                (ForeignKind::Internal, vec![])
            }
            Action::Send { to } => {
                let k = to.len() as u64;
                let carried = if bugs.per_recipient && k > 1 {
                    lamport[me] += k;
                    (0..k).map(|j| lamport[me] - k + 1 + j).collect()
                } else {
                    lamport[me] += 1;
                    vec![lamport[me]; to.len()]
                };
                if !bugs.send_without_own {
                    vc[me][me] += 1;
                }
                (ForeignKind::Send { to: to.clone() }, carried)
            }
            Action::Recv { send, slot } => {
                let (clocks, their_vc) = &sent[*send];
                let m = if bugs.not_carried { 0 } else { clocks[*slot] };
                let prev = lamport[me];
                lamport[me] = match bugs.recv {
                    RecvRule::Right => prev.max(m) + 1,
                    RecvRule::NoIncrement => prev.max(m),
                    RecvRule::IncrementFirst => (prev + 1).max(m),
                    RecvRule::PreviousMessage => prev.max(last_msg[me]) + 1,
                };
                last_msg[me] = m;
                for (mine, theirs) in vc[me].iter_mut().zip(their_vc) {
                    *mine = (*mine).max(*theirs);
                }
                if !bugs.merge_without_own {
                    vc[me][me] += 1;
                }
                let from = script.steps[*send].machine;
                let kind = ForeignKind::Recv {
                    from,
                    msg_clock: Some(m),
                    queue: None,
                };
                (kind, vec![])
            }
        };
        sent.push((carried, vc[me].clone()));
        let log = &mut logs[me];
        log.push(ForeignEvent {
            line: log.len() as u64 + 1,
            machine: step.machine,
            kind,
            lamport: Some(lamport[me]),
            timestamp_us: Some(step.at_us),
            vc: Some(vc[me].clone()),
        });
    }
    logs
}
