//! Restarting a killed machine: what its new process takes over from the log of the old one.
//!
//! The clock is restored (a Lamport clock never goes back on one machine, as if it had been kept
//! in stable storage) and the tick numbering goes on by schedule slot, the downtime being one
//! `skipped` line.

use crate::log_format::{Event, Hlc};
use crate::model::clock::LamportClock;
use crate::runlog::{read_log_lines, RunLogError};

/// What a restarted machine takes over from its previous incarnation's log.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Restored {
    pub clock: LamportClock,
    /// The last vector clock logged; empty if none was.
    pub vc: Vec<u64>,
    /// The last hybrid logical clock logged; zero if none was (a log of format 5 or older).
    pub hlc: Hlc,
    pub last_tick: u64,
}

impl Restored {
    /// Read the last clock value and tick number from machine `id`'s log. A last line cut short
    /// by the kill is ignored (the log writer removes it before the new lines).
    pub(crate) fn from_log(path: &std::path::Path, id: u32) -> Result<Restored, RunLogError> {
        let (lines, _cut) = read_log_lines(path, id)?;
        let mut restored = Restored::default();
        for line in lines {
            if let Some(lamport) = line.event.lamport() {
                restored.clock = LamportClock::restored(lamport);
            }
            if let Some(vc) = line.event.vc().filter(|vc| !vc.is_empty()) {
                restored.vc = vc.to_vec();
            }
            if let Some(hlc) = line.event.hlc() {
                restored.hlc = hlc;
            }
            match line.event {
                Event::Skipped { first, count } => {
                    restored.last_tick = first
                        .saturating_add(count)
                        .saturating_sub(1)
                        .max(restored.last_tick)
                }
                ref event => {
                    if let Some(tick) = event.tick() {
                        restored.last_tick = tick;
                    }
                }
            }
        }
        Ok(restored)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_restart_takes_the_last_clock_and_tick_from_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("machine-1.log");
        std::fs::write(
            &path,
            concat!(
                r#"{"timestamp":"2026-01-01T00:00:00.000001Z","machine":1,"event":"internal","tick":1,"lamport":1,"late_us":0}"#, "\n",
                r#"{"timestamp":"2026-01-01T00:00:00.000002Z","machine":1,"event":"recv","tick":2,"lamport":9,"from":0,"msg_clock":8,"queue":0,"vc":[8,2,0],"late_us":0,"pt_us":250000,"hlc":[260000,3],"msg_hlc":[260000,2]}"#, "\n",
                r#"{"timestamp":"2026-01-01T00:00:00.000003Z","machine":1,"event":"skipped","first":3,"count":4}"#, "\n",
                r#"{"timestamp":"2026-01-01T00:00:00.000004Z","machine":1,"event":"peer_gone","peer":0,"reason":"closed"}"#, "\n",
                r#"{"timestamp":"2026-01-01T00:00:00.0000"#,
            ),
        )
        .unwrap();
        let r = Restored::from_log(&path, 1).unwrap();
        assert_eq!(r.clock.value(), 9);
        assert_eq!(r.last_tick, 6);
        assert_eq!(r.vc, [8, 2, 0]);
        assert_eq!(r.hlc, Hlc { l: 260_000, c: 3 });
    }
}
