//! One `[[fault]]` entry checked against the run: its start, the machines it names, and the keys of
//! its kind; and every entry of a scenario so checked, in file order. An error is
//! `(key, message)`, the key like `fault[2].machine`.

use super::spec::{Fault, RawFault, MAX_DELAY_MS};
use crate::model::link::PartitionMode;
use crate::scenario::limits::MAX_DURATION_S;

/// Validate the faults of a scenario with `machines` machines lasting `duration_s`, in file order
/// (the first bad entry is the one named), and sort them by time.
/// An error is `(key, message)`, the key like `fault[2].machine`.
pub fn validate(
    raw: Vec<RawFault>,
    machines: u32,
    duration_s: f64,
) -> Result<Vec<Fault>, (String, String)> {
    let mut faults = raw
        .into_iter()
        .enumerate()
        .map(|(n, fault)| {
            let entry = Entry {
                n,
                machines,
                duration_s,
            };
            entry.check(fault)
        })
        .collect::<Result<Vec<_>, _>>()?;
    faults.sort_by(|a, b| a.at_s().total_cmp(&b.at_s()));
    Ok(faults)
}

/// Why an entry is refused: the key, like `fault[2].machine`, and what is wrong with it.
pub(super) type KeyError = (String, String);

/// The `n`th `[[fault]]` entry of a run of `machines` machines lasting `duration_s`.
pub(super) struct Entry {
    pub n: usize,
    pub machines: u32,
    pub duration_s: f64,
}

impl Entry {
    /// Check `fault`: its start first, then the keys of its kind, each in the order written.
    pub fn check(&self, fault: RawFault) -> Result<Fault, KeyError> {
        let at_s = self.at_s(&fault)?;
        match fault {
            RawFault::Kill {
                machine,
                restart_after_s,
                ..
            } => self.kill(at_s, machine, restart_after_s),
            RawFault::Pause {
                machine,
                duration_s,
                ..
            } => Ok(Fault::Pause {
                at_s,
                machine: self.machine("machine", machine)?,
                duration_s: self.positive("duration_s", duration_s)?,
            }),
            RawFault::Delay {
                from,
                to,
                delay_ms,
                jitter_ms,
                duration_s,
                ..
            } => self.delay(at_s, (from, to), [delay_ms, jitter_ms], duration_s),
            RawFault::Partition {
                machines,
                duration_s,
                mode,
                ..
            } => self.partition(at_s, &machines, duration_s, mode),
        }
    }

    /// `fault[n].<field>`.
    fn key(&self, field: &str) -> String {
        format!("fault[{}].{field}", self.n)
    }

    /// `at_s`: from 0 to before the run's end, so the fault happens at all.
    fn at_s(&self, fault: &RawFault) -> Result<f64, KeyError> {
        let at_s = match fault {
            RawFault::Kill { at_s, .. }
            | RawFault::Pause { at_s, .. }
            | RawFault::Delay { at_s, .. }
            | RawFault::Partition { at_s, .. } => *at_s,
        };
        if !(at_s >= 0.0 && at_s < self.duration_s) {
            return Err((
                self.key("at_s"),
                format!(
                    "is {at_s}; allowed: from 0 to less than the run's {} model seconds",
                    self.duration_s
                ),
            ));
        }
        Ok(at_s)
    }

    /// A machine id of the run, given as `field`.
    fn machine(&self, field: &str, id: i64) -> Result<u32, KeyError> {
        if (0..i64::from(self.machines)).contains(&id) {
            Ok(id as u32)
        } else {
            Err((
                self.key(field),
                format!(
                    "is {id}; allowed: a machine id from 0 to {}",
                    self.machines - 1
                ),
            ))
        }
    }

    /// A length of time given as `field`: more than 0, at most [`MAX_DURATION_S`] model seconds.
    fn positive(&self, field: &str, value: f64) -> Result<f64, KeyError> {
        if value > 0.0 && value <= MAX_DURATION_S {
            Ok(value)
        } else {
            Err((
                self.key(field),
                format!(
                    "is {value}; allowed: more than 0, at most {} model seconds",
                    MAX_DURATION_S
                ),
            ))
        }
    }

    /// `kill`: a restart, if any, must come before the run's end, so its log says it rejoined.
    fn kill(&self, at_s: f64, machine: i64, restart: Option<f64>) -> Result<Fault, KeyError> {
        if let Some(after) = restart {
            self.positive("restart_after_s", after)?;
            if at_s + after >= self.duration_s {
                return Err((
                    self.key("restart_after_s"),
                    format!(
                        "is {after}: the restart would come after the run's end; allowed: less \
                         than {}",
                        self.duration_s - at_s
                    ),
                ));
            }
        }
        Ok(Fault::Kill {
            at_s,
            machine: self.machine("machine", machine)?,
            restart_after_s: restart,
        })
    }

    /// `delay`: two different machines, and a delay and jitter of at most [`MAX_DELAY_MS`].
    fn delay(
        &self,
        at_s: f64,
        (from, to): (i64, i64),
        [delay_ms, jitter_ms]: [f64; 2],
        duration_s: f64,
    ) -> Result<Fault, KeyError> {
        let (from, to) = (self.machine("from", from)?, self.machine("to", to)?);
        if from == to {
            return Err((
                self.key("to"),
                format!("is {to}, the same as from; allowed: another machine"),
            ));
        }
        for (field, ms) in [("delay_ms", delay_ms), ("jitter_ms", jitter_ms)] {
            if !(0.0..=MAX_DELAY_MS).contains(&ms) {
                return Err((
                    self.key(field),
                    format!("is {ms}; allowed: 0 to {MAX_DELAY_MS} model milliseconds"),
                ));
            }
        }
        Ok(Fault::Delay {
            at_s,
            from,
            to,
            delay_ms,
            jitter_ms,
            duration_s: self.positive("duration_s", duration_s)?,
        })
    }

    /// `partition`: exactly two different machines.
    fn partition(
        &self,
        at_s: f64,
        pair: &[i64],
        duration_s: f64,
        mode: PartitionMode,
    ) -> Result<Fault, KeyError> {
        let [a, b] = pair[..] else {
            return Err((
                self.key("machines"),
                format!("has {} ids; allowed: exactly two, e.g. [0, 2]", pair.len()),
            ));
        };
        let (a, b) = (self.machine("machines", a)?, self.machine("machines", b)?);
        if a == b {
            return Err((
                self.key("machines"),
                "names one machine twice; allowed: two different machines".into(),
            ));
        }
        Ok(Fault::Partition {
            at_s,
            machines: [a, b],
            duration_s: self.positive("duration_s", duration_s)?,
            mode,
        })
    }
}
