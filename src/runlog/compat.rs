//! Reading what older versions wrote: the phase of a fault line (log formats 1 to 4) or a fault
//! record (manifest versions 1 and 2), which then travelled only in prose. Nothing outside this
//! file reads that prose.

use crate::log_format::{FaultKind, FaultPhase};
use crate::manifest::Manifest;

/// The phase of an old fault line or record of `kind` whose text is `detail`: a delay or
/// partition "... begins" (else it ends or heals), a pause record begins and a paused machine's
/// own line ends, a resume ends, kills, deaths and restarts are instants.
pub fn phase_from_prose(kind: FaultKind, detail: &str) -> FaultPhase {
    match kind {
        FaultKind::Delay | FaultKind::Partition if detail.ends_with("begins") => FaultPhase::Begin,
        FaultKind::Delay | FaultKind::Partition | FaultKind::Resume => FaultPhase::End,
        // A pause record is written when the machine is frozen; its own line once it runs again.
        FaultKind::Pause if detail.contains("is now resumed") => FaultPhase::End,
        FaultKind::Pause => FaultPhase::Begin,
        FaultKind::Kill | FaultKind::Died | FaultKind::Restart => FaultPhase::Instant,
    }
}

/// Give every fault record of an older manifest its phase.
pub fn fill_record_phases(manifest: &mut Manifest) {
    if let Some(outcome) = &mut manifest.outcome {
        for record in &mut outcome.faults {
            if record.phase.is_none() {
                record.phase = Some(phase_from_prose(record.kind, &record.detail));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_prose_gives_the_phase_the_new_writers_set() {
        let cases = [
            (
                FaultKind::Delay,
                "delay of 1500 ms (+ up to 500 ms) to machine 1 begins",
                FaultPhase::Begin,
            ),
            (
                FaultKind::Delay,
                "delay of 1500 ms (+ up to 500 ms) to machine 1 ends",
                FaultPhase::End,
            ),
            (
                FaultKind::Partition,
                "partition (hold) from machine 2 begins",
                FaultPhase::Begin,
            ),
            (
                FaultKind::Partition,
                "machine 0: partition (hold) from machine 2 heals",
                FaultPhase::End,
            ),
            (
                FaultKind::Pause,
                "this machine was paused and is now resumed",
                FaultPhase::End,
            ),
            (
                FaultKind::Pause,
                "machine 2 paused (SIGSTOP)",
                FaultPhase::Begin,
            ),
            (
                FaultKind::Resume,
                "machine 2 resumed (SIGCONT)",
                FaultPhase::End,
            ),
            (
                FaultKind::Kill,
                "machine 1 killed (SIGKILL)",
                FaultPhase::Instant,
            ),
            (
                FaultKind::Restart,
                "machine 1 restarted (process 1, pid 7)",
                FaultPhase::Instant,
            ),
        ];
        for (kind, detail, phase) in cases {
            assert_eq!(phase_from_prose(kind, detail), phase, "{kind} {detail:?}");
        }
    }
}
