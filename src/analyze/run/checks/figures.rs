//! The timing figures of the checks in words: the machine that skipped the largest share of
//! its slots, the largest rate error, each against the scenario's tolerance.

use super::{Checks, MachineCheck};

impl Checks {
    /// The machine that skipped the largest share of its slots, in words, and its index when
    /// that share is beyond the tolerance.
    pub(super) fn skipped_figure(&self) -> (String, Option<usize>) {
        let share = |s: &MachineCheck| s.stalls.skipped as f64 / s.last_tick.max(1) as f64;
        let worst = self
            .state
            .iter()
            .enumerate()
            .max_by(|a, b| share(a.1).total_cmp(&share(b.1)));
        let limit = self.tolerance.skipped;
        let Some((i, s)) = worst.filter(|(_, s)| s.stalls.skipped > 0) else {
            return (
                format!("no slot skipped (tolerance {})", percent(limit)),
                None,
            );
        };
        let beyond = share(s) > limit;
        let note = format!(
            "machine {} skipped {} of {} tick slots ({}), {} the {} tolerance",
            self.machines[i].0,
            s.stalls.skipped,
            s.last_tick,
            percent(share(s)),
            if beyond { "beyond" } else { "within" },
            percent(limit)
        );
        (note, beyond.then_some(i))
    }

    /// The machine with the largest achieved-rate error, if any was measured.
    pub(super) fn rate_worst(&self) -> Option<usize> {
        let errors = self.state.iter().enumerate();
        let errors = errors.filter_map(|(i, s)| Some((i, s.rate_error?)));
        errors.max_by(|a, b| a.1.total_cmp(&b.1)).map(|(i, _)| i)
    }

    /// The largest achieved-rate error, in words; `None` when no rate was measured.
    pub(super) fn rate_figure(&self) -> Option<String> {
        let i = self.rate_worst()?;
        Some(format!(
            "largest rate error {} (machine {}), tolerance {}",
            percent(self.state[i].rate_error?),
            self.machines[i].0,
            percent(self.tolerance.rate)
        ))
    }
}

/// A share as a percentage with enough digits to tell small shares apart.
fn percent(share: f64) -> String {
    let p = share * 100.0;
    if p == 0.0 || p >= 1.0 {
        format!("{p:.1}%")
    } else {
        format!("{p:.3}%")
    }
}
