//! What a figure says about the run it shows: scenario, seed, rates, engine and time base, in one
//! line built from the run's manifest. One helper for every figure the tool draws (analyze's
//! plots, the diagram, and batch figures that show one run), so they all name a run alike.

use std::collections::BTreeSet;

use crate::manifest::{Engine, Manifest};

/// Machines beyond which the rates are given as a range, not one by one.
const LISTED_RATES: usize = 8;

/// The words naming a run, for a figure's title and subtitle.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RunTitle {
    /// "scenario default, seed 42".
    pub run: String,
    /// "rates 1, 3, 6 ticks/s, real processes at speedup 60 (1.0 real s)", or for the twin
    /// "..., twin (--engine sim) in ideal time".
    pub detail: String,
}

impl RunTitle {
    /// Both parts in one line: "scenario default, seed 42 · rates 1, 3, 6 ticks/s · ...".
    pub(crate) fn line(&self) -> String {
        format!("{} · {}", self.run, self.detail)
    }
}

/// The title words of the run of `manifest`; `real_s` is how long it ran in real seconds, when
/// known (a twin's real seconds mean nothing and are never shown).
pub(crate) fn run_title(manifest: &Manifest, real_s: Option<f64>) -> RunTitle {
    let Some(s) = &manifest.scenario else {
        // An imported run: no scenario, seed or rates to name.
        return RunTitle {
            run: manifest.name(),
            detail: format!(
                "{} machines · imported logs, rates and timing unknown",
                manifest.machines.len()
            ),
        };
    };
    let run = format!("scenario {}, seed {}", s.name, s.seed);
    let rates: Vec<u32> = manifest.machines.iter().filter_map(|m| m.rate).collect();
    let engine = match manifest.engine {
        // The twin's clock is model time itself: no host, no speedup to be faithful to.
        Engine::Sim => format!(
            "twin (--engine sim) in ideal time, {} model s",
            s.duration_s
        ),
        Engine::Real => match real_s {
            Some(real) => format!("real processes at speedup {} ({real:.1} real s)", s.speedup),
            None => format!("real processes at speedup {}", s.speedup),
        },
        Engine::Imported => "imported logs".to_owned(),
    };
    RunTitle {
        run,
        detail: format!("{} · {engine}", rates_text(&rates)),
    }
}

/// "rates 1, 3, 6 ticks/s" for a few machines, "64 machines at 1 to 6 ticks/s" for many.
fn rates_text(rates: &[u32]) -> String {
    if rates.len() <= LISTED_RATES {
        let listed: Vec<String> = rates.iter().map(u32::to_string).collect();
        return format!("rates {} ticks/s", listed.join(", "));
    }
    let distinct: BTreeSet<u32> = rates.iter().copied().collect();
    let (lo, hi) = (
        distinct.first().copied().unwrap_or(0),
        distinct.last().copied().unwrap_or(0),
    );
    if lo == hi {
        format!("{} machines at {lo} ticks/s", rates.len())
    } else {
        format!("{} machines at {lo} to {hi} ticks/s", rates.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_rates_are_listed_and_many_given_as_a_range() {
        assert_eq!(rates_text(&[1, 3, 6]), "rates 1, 3, 6 ticks/s");
        let many: Vec<u32> = (0..64).map(|i| 1 + i % 6).collect();
        assert_eq!(rates_text(&many), "64 machines at 1 to 6 ticks/s");
        assert_eq!(rates_text(&[2; 10]), "10 machines at 2 ticks/s");
    }
}
