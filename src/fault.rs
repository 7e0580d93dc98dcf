//! Faults on purpose: the `[[fault]]` entries of a scenario, validated, and the timeline of
//! actions the supervisor carries out (kill, pause and resume, link changes).
//!
//! Times (`at_s`, `duration_s`) are model seconds from the start of the tick loops and delays are
//! model milliseconds, so a scenario behaves the same at any speedup.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Longest delay a link may be given, in model milliseconds.
pub const MAX_DELAY_MS: f64 = 60_000.0;

/// A `[[fault]]` table as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum RawFault {
    Kill {
        at_s: f64,
        machine: i64,
        restart_after_s: Option<f64>,
    },
    Pause {
        at_s: f64,
        machine: i64,
        duration_s: f64,
    },
    Delay {
        at_s: f64,
        from: i64,
        to: i64,
        delay_ms: f64,
        #[serde(default)]
        jitter_ms: f64,
        duration_s: f64,
    },
    Partition {
        at_s: f64,
        machines: Vec<i64>,
        duration_s: f64,
        #[serde(default)]
        mode: PartitionMode,
    },
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

/// A validated fault.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// SIGKILL the machine's process; with `restart_after_s`, start it again that much later.
    Kill {
        at_s: f64,
        machine: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        restart_after_s: Option<f64>,
    },
    /// SIGSTOP the machine's process, SIGCONT it `duration_s` later.
    Pause {
        at_s: f64,
        machine: u32,
        duration_s: f64,
    },
    /// Hold every message from `from` to `to` for `delay_ms` (plus up to `jitter_ms`), in order.
    Delay {
        at_s: f64,
        from: u32,
        to: u32,
        delay_ms: f64,
        jitter_ms: f64,
        duration_s: f64,
    },
    /// Cut both directions between two machines.
    Partition {
        at_s: f64,
        machines: [u32; 2],
        duration_s: f64,
        mode: PartitionMode,
    },
}

/// How a machine treats the messages it sends to one peer; the normal state is the default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkState {
    /// Real microseconds each message is held.
    pub delay_us: u64,
    /// Up to this many more real microseconds, drawn per message.
    pub jitter_us: u64,
    /// Messages are held or dropped while this is set.
    pub block: Option<PartitionMode>,
}

/// One thing the supervisor does at a point of the run.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Kill(u32),
    /// Start a killed machine again; it rejoins the mesh with its clock restored from its log.
    Restart(u32),
    Pause(u32),
    Resume(u32),
    /// Set how `from` sends to `to`.
    Link {
        from: u32,
        to: u32,
        state: LinkState,
        /// `delay` or `partition`.
        kind: &'static str,
        /// What to log, e.g. "partition (hold) from machine 2 begins".
        note: String,
    },
}

impl Fault {
    fn at_s(&self) -> f64 {
        match self {
            Fault::Kill { at_s, .. }
            | Fault::Pause { at_s, .. }
            | Fault::Delay { at_s, .. }
            | Fault::Partition { at_s, .. } => *at_s,
        }
    }
}

/// Validate the faults of a scenario with `machines` machines lasting `duration_s`.
/// An error is `(key, message)`, the key like `fault[2].machine`.
pub fn validate(
    raw: Vec<RawFault>,
    machines: u32,
    duration_s: f64,
) -> Result<Vec<Fault>, (String, String)> {
    let mut faults = Vec::with_capacity(raw.len());
    for (n, fault) in raw.into_iter().enumerate() {
        let key = |field: &str| format!("fault[{n}].{field}");
        let machine = |field: &str, id: i64| -> Result<u32, (String, String)> {
            if (0..i64::from(machines)).contains(&id) {
                Ok(id as u32)
            } else {
                Err((
                    key(field),
                    format!("is {id}; allowed: a machine id from 0 to {}", machines - 1),
                ))
            }
        };
        let positive = |field: &str, value: f64| -> Result<f64, (String, String)> {
            if value > 0.0 && value <= crate::scenario::MAX_DURATION_S {
                Ok(value)
            } else {
                Err((
                    key(field),
                    format!(
                        "is {value}; allowed: more than 0, at most {} model seconds",
                        crate::scenario::MAX_DURATION_S
                    ),
                ))
            }
        };
        let at_s = match &fault {
            RawFault::Kill { at_s, .. }
            | RawFault::Pause { at_s, .. }
            | RawFault::Delay { at_s, .. }
            | RawFault::Partition { at_s, .. } => *at_s,
        };
        if !(at_s >= 0.0 && at_s < duration_s) {
            return Err((
                key("at_s"),
                format!(
                    "is {at_s}; allowed: from 0 to less than the run's {duration_s} model seconds"
                ),
            ));
        }
        faults.push(match fault {
            RawFault::Kill {
                machine: m,
                restart_after_s,
                ..
            } => {
                if let Some(after) = restart_after_s {
                    positive("restart_after_s", after)?;
                    if at_s + after >= duration_s {
                        return Err((
                            key("restart_after_s"),
                            format!("is {after}: the restart would come after the run's end; allowed: less than {}", duration_s - at_s),
                        ));
                    }
                }
                Fault::Kill {
                    at_s,
                    machine: machine("machine", m)?,
                    restart_after_s,
                }
            }
            RawFault::Pause {
                machine: m,
                duration_s: d,
                ..
            } => Fault::Pause {
                at_s,
                machine: machine("machine", m)?,
                duration_s: positive("duration_s", d)?,
            },
            RawFault::Delay {
                from,
                to,
                delay_ms,
                jitter_ms,
                duration_s: d,
                ..
            } => {
                let (from, to) = (machine("from", from)?, machine("to", to)?);
                if from == to {
                    return Err((
                        key("to"),
                        format!("is {to}, the same as from; allowed: another machine"),
                    ));
                }
                for (field, ms) in [("delay_ms", delay_ms), ("jitter_ms", jitter_ms)] {
                    if !(0.0..=MAX_DELAY_MS).contains(&ms) {
                        return Err((
                            key(field),
                            format!("is {ms}; allowed: 0 to {MAX_DELAY_MS} model milliseconds"),
                        ));
                    }
                }
                Fault::Delay {
                    at_s,
                    from,
                    to,
                    delay_ms,
                    jitter_ms,
                    duration_s: positive("duration_s", d)?,
                }
            }
            RawFault::Partition {
                machines: pair,
                duration_s: d,
                mode,
                ..
            } => {
                let [a, b] = pair[..] else {
                    return Err((
                        key("machines"),
                        format!("has {} ids; allowed: exactly two, e.g. [0, 2]", pair.len()),
                    ));
                };
                let (a, b) = (machine("machines", a)?, machine("machines", b)?);
                if a == b {
                    return Err((
                        key("machines"),
                        "names one machine twice; allowed: two different machines".into(),
                    ));
                }
                Fault::Partition {
                    at_s,
                    machines: [a, b],
                    duration_s: positive("duration_s", d)?,
                    mode,
                }
            }
        });
    }
    faults.sort_by(|a, b| a.at_s().total_cmp(&b.at_s()));
    Ok(faults)
}

/// The supervisor's actions for `faults`, at real offsets from the start, in time order.
pub fn timeline(faults: &[Fault], speedup: f64) -> Vec<(Duration, Action)> {
    let real = |model_s: f64| Duration::from_secs_f64(model_s / speedup);
    let real_us = |model_ms: f64| (model_ms * 1000.0 / speedup).round() as u64;
    let mut steps = Vec::new();
    for fault in faults {
        match *fault {
            Fault::Kill {
                at_s,
                machine,
                restart_after_s,
            } => {
                steps.push((real(at_s), Action::Kill(machine)));
                if let Some(after) = restart_after_s {
                    steps.push((real(at_s + after), Action::Restart(machine)));
                }
            }
            Fault::Pause {
                at_s,
                machine,
                duration_s,
            } => {
                steps.push((real(at_s), Action::Pause(machine)));
                steps.push((real(at_s + duration_s), Action::Resume(machine)));
            }
            Fault::Delay {
                at_s,
                from,
                to,
                delay_ms,
                jitter_ms,
                duration_s,
            } => {
                let state = LinkState {
                    delay_us: real_us(delay_ms),
                    jitter_us: real_us(jitter_ms),
                    block: None,
                };
                let note =
                    format!("delay of {delay_ms} ms (+ up to {jitter_ms} ms) to machine {to}");
                steps.push((
                    real(at_s),
                    Action::Link {
                        from,
                        to,
                        state,
                        kind: "delay",
                        note: format!("{note} begins"),
                    },
                ));
                steps.push((
                    real(at_s + duration_s),
                    Action::Link {
                        from,
                        to,
                        state: LinkState::default(),
                        kind: "delay",
                        note: format!("{note} ends"),
                    },
                ));
            }
            Fault::Partition {
                at_s,
                machines: [a, b],
                duration_s,
                mode,
            } => {
                let mode_name = match mode {
                    PartitionMode::Hold => "hold",
                    PartitionMode::Drop => "drop",
                };
                for (from, to) in [(a, b), (b, a)] {
                    let note = format!("partition ({mode_name}) from machine {to}");
                    let cut = LinkState {
                        block: Some(mode),
                        ..LinkState::default()
                    };
                    steps.push((
                        real(at_s),
                        Action::Link {
                            from,
                            to,
                            state: cut,
                            kind: "partition",
                            note: format!("{note} begins"),
                        },
                    ));
                    steps.push((
                        real(at_s + duration_s),
                        Action::Link {
                            from,
                            to,
                            state: LinkState::default(),
                            kind: "partition",
                            note: format!("{note} heals"),
                        },
                    ));
                }
            }
        }
    }
    steps.sort_by_key(|(at, _)| *at);
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Fault>, (String, String)> {
        #[derive(Deserialize)]
        struct File {
            fault: Vec<RawFault>,
        }
        let file: File = toml::from_str(text).unwrap();
        validate(file.fault, 3, 60.0)
    }

    #[test]
    fn every_kind_parses_and_is_sorted_by_time() {
        let faults = parse(
            r#"
            [[fault]]
            kind = "partition"
            at_s = 30
            machines = [0, 2]
            duration_s = 5
            [[fault]]
            kind = "kill"
            at_s = 20
            machine = 1
            restart_after_s = 10
            [[fault]]
            kind = "delay"
            at_s = 10
            from = 0
            to = 1
            delay_ms = 200
            duration_s = 5
            [[fault]]
            kind = "pause"
            at_s = 5
            machine = 2
            duration_s = 3
            "#,
        )
        .unwrap();
        let times: Vec<f64> = faults.iter().map(Fault::at_s).collect();
        assert_eq!(times, [5.0, 10.0, 20.0, 30.0]);
        assert!(matches!(
            faults[3],
            Fault::Partition {
                mode: PartitionMode::Hold,
                ..
            }
        ));
    }

    #[test]
    fn bad_faults_name_their_key() {
        for (text, key) in [
            ("[[fault]]\nkind = \"kill\"\nat_s = 1\nmachine = 3", "fault[0].machine"),
            ("[[fault]]\nkind = \"kill\"\nat_s = 99\nmachine = 0", "fault[0].at_s"),
            ("[[fault]]\nkind = \"kill\"\nat_s = 50\nmachine = 0\nrestart_after_s = 10", "fault[0].restart_after_s"),
            ("[[fault]]\nkind = \"pause\"\nat_s = 1\nmachine = 0\nduration_s = 0", "fault[0].duration_s"),
            ("[[fault]]\nkind = \"pause\"\nat_s = 1\nmachine = 0\nduration_s = 1e20", "fault[0].duration_s"),
            ("[[fault]]\nkind = \"delay\"\nat_s = 1\nfrom = 1\nto = 1\ndelay_ms = 5\nduration_s = 1", "fault[0].to"),
            ("[[fault]]\nkind = \"delay\"\nat_s = 1\nfrom = 0\nto = 1\ndelay_ms = -5\nduration_s = 1", "fault[0].delay_ms"),
            ("[[fault]]\nkind = \"partition\"\nat_s = 1\nmachines = [0]\nduration_s = 1", "fault[0].machines"),
            ("[[fault]]\nkind = \"partition\"\nat_s = 1\nmachines = [1, 1]\nduration_s = 1", "fault[0].machines"),
        ] {
            let (k, message) = parse(text).unwrap_err();
            assert_eq!(k, key, "{text}");
            assert!(message.contains("allowed"), "{message}");
        }
    }

    #[test]
    fn the_timeline_scales_to_real_time_and_heals_every_cut() {
        let faults = vec![
            Fault::Pause {
                at_s: 10.0,
                machine: 1,
                duration_s: 5.0,
            },
            Fault::Partition {
                at_s: 20.0,
                machines: [0, 2],
                duration_s: 10.0,
                mode: PartitionMode::Drop,
            },
            Fault::Delay {
                at_s: 1.0,
                from: 2,
                to: 0,
                delay_ms: 1000.0,
                jitter_ms: 0.0,
                duration_s: 1.0,
            },
        ];
        let steps = timeline(&faults, 10.0);
        let at = |s: f64| Duration::from_secs_f64(s);
        assert_eq!(steps[0].0, at(0.1));
        assert!(
            matches!(&steps[0].1, Action::Link { from: 2, to: 0, state, .. } if state.delay_us == 100_000)
        );
        assert_eq!(steps[1].0, at(0.2));
        assert!(
            matches!(&steps[1].1, Action::Link { state, .. } if *state == LinkState::default())
        );
        assert_eq!(steps[2], (at(1.0), Action::Pause(1)));
        assert_eq!(steps[3], (at(1.5), Action::Resume(1)));
        let cuts = steps.iter().filter(|(_, a)| matches!(a, Action::Link { state, .. } if state.block == Some(PartitionMode::Drop))).count();
        let heals = steps
            .iter()
            .filter(|(t, a)| {
                *t == at(3.0) && matches!(a, Action::Link { state, .. } if state.block.is_none())
            })
            .count();
        assert_eq!((cuts, heals), (2, 2));
    }
}
