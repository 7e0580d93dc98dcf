//! `[[fault]]` entries: the raw tables as written, and validated faults in time order.
//!
//! Times (`at_s`, `duration_s`) are model seconds from the start of the tick loops and delays are
//! model milliseconds, so a scenario behaves the same at any speedup.

use serde::{Deserialize, Serialize};

use crate::model::link::PartitionMode;

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

impl Fault {
    /// When the fault begins, in model seconds from the start.
    pub(super) fn at_s(&self) -> f64 {
        match self {
            Fault::Kill { at_s, .. }
            | Fault::Pause { at_s, .. }
            | Fault::Delay { at_s, .. }
            | Fault::Partition { at_s, .. } => *at_s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::entry::validate;
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
            ("[[fault]]\nkind = \"partition\"\nat_s = 1\nmachines = [1, 9]\nduration_s = 1", "fault[0].machines"),
            ("[[fault]]\nkind = \"delay\"\nat_s = 1\nfrom = 7\nto = 1\ndelay_ms = 5\nduration_s = 1", "fault[0].from"),
            ("[[fault]]\nkind = \"delay\"\nat_s = 1\nfrom = 0\nto = 1\ndelay_ms = 5\njitter_ms = 1e9\nduration_s = 1", "fault[0].jitter_ms"),
            ("[[fault]]\nkind = \"kill\"\nat_s = 1\nmachine = 0\n[[fault]]\nkind = \"pause\"\nat_s = 0.5\nmachine = 3\nduration_s = 1", "fault[1].machine"),
        ] {
            let (k, message) = parse(text).unwrap_err();
            assert_eq!(k, key, "{text}");
            assert!(message.contains("allowed"), "{message}");
        }
    }
}
