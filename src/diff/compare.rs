//! How far two runs of one scenario and seed agree, tick by tick (pure).
//!
//! Machine `i` of run A and machine `i` of run B draw the same rate and the same roll in every
//! slot (a slot's roll depends on the seed, the machine and the slot only), so where their
//! inputs agree they do the same thing on the same tick, and a slot skipped in one run moves no
//! other slot's roll. Tick `n` is compared
//! between the two: the **action** (an internal event, a send to the same recipients, a receive
//! from the same sender) and the **Lamport value** after it. A tick that one run ran and the
//! other skipped differs in both. Ticks after the shorter run's last tick are not compared.

use serde::Serialize;

/// What a machine did on one tick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum TickAction {
    Internal,
    Send { to: Vec<u32> },
    Recv { from: u32 },
}

impl std::fmt::Display for TickAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TickAction::Internal => f.write_str("internal"),
            TickAction::Send { to } => write!(f, "send to {to:?}"),
            TickAction::Recv { from } => write!(f, "recv from {from}"),
        }
    }
}

/// One tick of one machine: its number, what it did, and the clock after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TickRecord {
    pub tick: u64,
    #[serde(flatten)]
    pub action: TickAction,
    pub lamport: u64,
}

/// The first tick at which two machines part, and what each did there (`None`: skipped).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Divergence {
    pub tick: u64,
    pub a: Option<TickRecord>,
    pub b: Option<TickRecord>,
}

/// The agreement of one machine across the two runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MachineAgreement {
    pub id: u32,
    /// Ticks compared: `1..=` the smaller of the two last ticks.
    pub ticks: u64,
    /// Ticks whose action is the same in both runs.
    pub same_action: u64,
    /// Ticks whose action and Lamport value are the same in both runs.
    pub same_lamport: u64,
    /// The first tick whose action or Lamport value differs; `None` when none does.
    pub first_difference: Option<Divergence>,
}

impl MachineAgreement {
    /// Share of compared ticks with the same action; `None` when no tick was compared (a
    /// machine with no tick in one run agrees on nothing, it is not 100% alike).
    pub fn same_action_share(&self) -> Option<f64> {
        share(self.same_action, self.ticks)
    }

    /// Share of compared ticks with the same action and Lamport value; `None` as above.
    pub fn same_lamport_share(&self) -> Option<f64> {
        share(self.same_lamport, self.ticks)
    }
}

/// `part / whole`, `None` when there is no whole.
pub(crate) fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Tick `tick` of `ticks` (in tick order), moving the cursor `k` past the earlier ones; `None`
/// when that tick was skipped.
fn at<'a>(ticks: &'a [TickRecord], k: &mut usize, tick: u64) -> Option<&'a TickRecord> {
    while ticks.get(*k).is_some_and(|t| t.tick < tick) {
        *k += 1;
    }
    ticks.get(*k).filter(|t| t.tick == tick)
}

/// Compare machine `id`'s ticks in two runs; each list is in tick order.
pub(crate) fn compare(id: u32, a: &[TickRecord], b: &[TickRecord]) -> MachineAgreement {
    let last = |ticks: &[TickRecord]| ticks.last().map_or(0, |t| t.tick);
    let end = last(a).min(last(b));
    let (mut i, mut j) = (0, 0);
    let mut agreement = MachineAgreement {
        id,
        ticks: end,
        same_action: 0,
        same_lamport: 0,
        first_difference: None,
    };
    for tick in 1..=end {
        let (ta, tb) = (at(a, &mut i, tick), at(b, &mut j, tick));
        let (action, lamport) = match (ta, tb) {
            (Some(x), Some(y)) => (x.action == y.action, x.lamport == y.lamport),
            // Skipped in both: nothing happened in either.
            (None, None) => (true, true),
            _ => (false, false),
        };
        agreement.same_action += u64::from(action);
        agreement.same_lamport += u64::from(action && lamport);
        if !(action && lamport) && agreement.first_difference.is_none() {
            agreement.first_difference = Some(Divergence {
                tick,
                a: ta.cloned(),
                b: tb.cloned(),
            });
        }
    }
    agreement
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(tick: u64, action: TickAction, lamport: u64) -> TickRecord {
        TickRecord {
            tick,
            action,
            lamport,
        }
    }

    #[test]
    fn identical_runs_agree_on_every_tick() {
        let a = vec![
            t(1, TickAction::Internal, 1),
            t(2, TickAction::Send { to: vec![1] }, 2),
            t(3, TickAction::Recv { from: 1 }, 5),
        ];
        let m = compare(0, &a, &a);
        assert_eq!((m.ticks, m.same_action, m.same_lamport), (3, 3, 3));
        assert_eq!(m.first_difference, None);
        assert_eq!(m.same_action_share(), Some(1.0));
    }

    #[test]
    fn a_receive_one_tick_earlier_is_the_first_difference() {
        let a = vec![
            t(1, TickAction::Internal, 1),
            t(2, TickAction::Recv { from: 2 }, 4),
            t(3, TickAction::Internal, 5),
            t(4, TickAction::Internal, 6),
        ];
        let b = vec![
            t(1, TickAction::Internal, 1),
            t(2, TickAction::Internal, 2),
            t(3, TickAction::Recv { from: 2 }, 4),
            t(4, TickAction::Internal, 5),
        ];
        let m = compare(1, &a, &b);
        assert_eq!(m.ticks, 4);
        assert_eq!(m.same_action, 2, "ticks 1 and 4");
        assert_eq!(
            m.same_lamport, 1,
            "tick 4 has the same action, not the same clock"
        );
        let first = m.first_difference.clone().unwrap();
        assert_eq!(first.tick, 2);
        assert_eq!(first.a.unwrap().action, TickAction::Recv { from: 2 });
        assert_eq!(first.b.unwrap().action, TickAction::Internal);
        assert_eq!(m.same_action_share(), Some(0.5));
        assert_eq!(m.same_lamport_share(), Some(0.25));
    }

    #[test]
    fn a_tick_skipped_in_one_run_differs_and_ticks_past_the_shorter_run_are_not_compared() {
        let a = vec![
            t(1, TickAction::Internal, 1),
            t(3, TickAction::Internal, 2),
            t(4, TickAction::Internal, 3),
        ];
        let b = vec![
            t(1, TickAction::Internal, 1),
            t(2, TickAction::Internal, 2),
            t(3, TickAction::Internal, 3),
        ];
        let m = compare(0, &a, &b);
        assert_eq!(m.ticks, 3);
        assert_eq!(m.same_action, 2, "tick 2 ran only in b");
        let first = m.first_difference.unwrap();
        assert_eq!((first.tick, first.a, first.b.is_some()), (2, None, true));
    }

    #[test]
    fn a_machine_with_no_tick_in_one_run_has_no_share_not_a_full_one() {
        let a = vec![t(1, TickAction::Internal, 1)];
        let m = compare(0, &a, &[]);
        assert_eq!(m.ticks, 0);
        assert_eq!(
            (m.same_action_share(), m.same_lamport_share()),
            (None, None)
        );
    }

    #[test]
    fn sends_to_other_recipients_are_other_actions() {
        let a = vec![t(1, TickAction::Send { to: vec![1, 2] }, 1)];
        let b = vec![t(1, TickAction::Send { to: vec![1] }, 1)];
        assert_eq!(compare(0, &a, &b).same_action, 0);
    }
}
