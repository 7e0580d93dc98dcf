//! What only the supervisor knows for a run's manifest: each machine's address and processes,
//! and how each ended. The manifest itself is built by the run layer ([`crate::run::manifest`]).

use std::time::SystemTime;

use super::slot::Slot;
use crate::manifest::FaultRecord;
use crate::manifest::{MachineEnd, MachineEntry, MachineExit, Restart};
use crate::run::manifest::Ending;
use crate::scenario::Scenario;

/// The manifest's machines of a run whose machines all listen.
pub(crate) fn machines(scenario: &Scenario, slots: &[Slot]) -> Vec<MachineEntry> {
    (0u32..)
        .zip(slots)
        .map(|(id, s)| {
            let addr = s
                .addr
                .expect("the manifest is written after every machine listens");
            let interval_us = scenario.tick_interval(s.rate).as_secs_f64() * 1e6;
            MachineEntry::new(id, s.rate, interval_us, addr, s.child.pid)
        })
        .collect()
}

/// Each machine's restarts, filled into `machines` (the manifest names each machine's first
/// process; later ones are its restarts).
pub(crate) fn restarts(machines: &mut [MachineEntry], slots: &[Slot]) {
    for (entry, slot) in machines.iter_mut().zip(slots) {
        if slot.earlier.is_empty() {
            continue;
        }
        let later = slot.earlier[1..].iter().copied();
        entry.restarts = later
            .chain([(slot.child.pid, slot.addr)])
            .map(|(pid, addr)| Restart { pid, addr })
            .collect();
    }
}

/// How the run ended, now, after every machine stopped.
pub(crate) fn ending(slots: &[Slot], reason: String, faults: Vec<FaultRecord>) -> Ending {
    Ending {
        ended_at: crate::log_format::timestamp::format_system(SystemTime::now()),
        clean: slots.iter().all(Slot::clean),
        reason,
        faults,
        exits: (0u32..)
            .zip(slots)
            .map(|(id, s)| MachineExit {
                id,
                status: s.state.end().unwrap_or(MachineEnd::Unknown),
                clean: s.clean(),
                report: s.report.clone(),
            })
            .collect(),
    }
}
