//! Whether a real run's speedup is within what was measured faithful, said before it starts:
//! beyond it the host cannot keep the compressed schedule, the run skips slots and parts from
//! its twin, and a student should hear that before the run, not read it in a FAIL after.

use crate::manifest::{Engine, SpeedupWarning};
use crate::scenario::Scenario;

/// The highest speedup measured faithful: in the README's fidelity table ("How faithful is a
/// compressed run?", `cargo bench --bench fidelity`, the default scenario's rates of 1 to 6
/// ticks/s on the README's two-core host) every seed's real run agreed with its twin as well as
/// two real-time runs agree with each other up to speedup 200; at 300 one seed of five parted
/// early, at 600 most did, at 6,000 the runs were another execution altogether.
pub(crate) const FAITHFUL_SPEEDUP: f64 = 200.0;

/// The warning for a run of `scenario` by `engine`, when its speedup is beyond the faithful
/// range; `None` for the twin, whose time is ideal at any speedup.
pub(crate) fn speedup_warning(scenario: &Scenario, engine: Engine) -> Option<SpeedupWarning> {
    if engine == Engine::Sim || scenario.speedup <= FAITHFUL_SPEEDUP {
        return None;
    }
    let speedup = scenario.speedup;
    let fastest = scenario.machine_rates().into_iter().max().unwrap_or(0);
    let message = format!(
        "speedup {speedup} is beyond {FAITHFUL_SPEEDUP}, the highest at which real runs kept their \
         schedule on the README's measured host (README, \"How faithful is a compressed run?\"); \
         the fastest machine must tick {:.0} times a real second, so expect skipped slots and \
         a run that parts from its twin: lower --speedup, or use --engine sim for ideal time",
        f64::from(fastest) * speedup
    );
    Some(SpeedupWarning {
        speedup,
        faithful_up_to: FAITHFUL_SPEEDUP,
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(speedup: f64) -> Scenario {
        Scenario {
            speedup,
            ..Scenario::default()
        }
    }

    #[test]
    fn only_a_real_run_beyond_the_faithful_speedup_is_warned() {
        assert_eq!(speedup_warning(&at(200.0), Engine::Real), None);
        assert_eq!(speedup_warning(&at(6000.0), Engine::Sim), None);
        let w = speedup_warning(&at(6000.0), Engine::Real).expect("a warning at 6000");
        assert_eq!((w.speedup, w.faithful_up_to), (6000.0, 200.0));
        assert!(w.message.contains("--engine sim"), "{}", w.message);
    }
}
