//! The validated scenario: the model a run is made from, with its seed resolved, and what
//! follows from it (each machine's rate and tick interval; the die's rolls are the model's,
//! `crate::model::dice`).

use std::net::IpAddr;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::fault::Fault;

/// What the run does when a machine process dies before it is told to stop.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitPolicy {
    /// The other machines log the peer as gone and run to the end.
    #[default]
    Continue,
    /// The supervisor stops the run.
    Stop,
}

/// How each machine's clock rate is chosen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateSpec {
    /// Drawn uniformly from `min..=max` with the run's seed.
    Range { min: u32, max: u32 },
    /// Fixed, one per machine.
    Fixed(Vec<u32>),
}

/// A validated scenario, with its seed resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    pub name: String,
    pub machines: u32,
    /// Model seconds.
    pub duration_s: f64,
    pub seed: u64,
    /// Model seconds per real second.
    pub speedup: f64,
    pub rates: RateSpec,
    /// Faces of the die rolled on a tick with an empty queue.
    pub die: u32,
    pub host: IpAddr,
    /// Listening port per machine; 0 lets the system choose.
    pub ports: Vec<u16>,
    #[serde(default)]
    pub on_machine_exit: ExitPolicy,
    /// Real seconds a machine has to answer `stop` before it is killed.
    #[serde(default = "default_stop_grace_s")]
    pub stop_grace_s: f64,
    /// Faults to cause, in time order.
    #[serde(default)]
    pub faults: Vec<Fault>,
    /// `--engine sim` only: real microseconds a message takes on a link.
    #[serde(default = "default_latency_us")]
    pub latency_us: u64,
    /// `--engine sim` only: up to this many more real microseconds, drawn per message.
    #[serde(default)]
    pub jitter_us: u64,
    /// How far the timing may stray before a run fails its checks.
    #[serde(default)]
    pub tolerance: Tolerance,
    /// How the die's rolls are drawn from the seed (`crate::model::dice::SCHEME`); absent in
    /// manifests written before per-slot dice, when each machine's rolls were one stream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dice: Option<String>,
    /// `[physical_clock]`: each machine's clock model; absent, every clock reads true time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub physical_clock: Option<crate::model::physical::PhysicalClockSpec>,
}

/// How far a run's timing may stray from its schedule and still pass: beyond these a run fails
/// its `skipped` or `rate` check; within them the departures are reported with their figures.
/// (Correctness checks, the clock rules and the accounting of messages, have no tolerance.)
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Tolerance {
    /// Largest share of one machine's tick slots that may be skipped (not counting a pause or
    /// downtime a fault explains).
    pub skipped: f64,
    /// Largest relative error of a machine's achieved tick rate.
    pub rate: f64,
}

impl Default for Tolerance {
    fn default() -> Tolerance {
        Tolerance {
            skipped: 0.01,
            rate: 0.05,
        }
    }
}

impl Scenario {
    /// Each machine's clock rate (ticks per model second): fixed, or drawn with the seed.
    pub fn machine_rates(&self) -> Vec<u32> {
        match &self.rates {
            RateSpec::Fixed(rates) => rates.clone(),
            RateSpec::Range { min, max } => {
                let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
                (0..self.machines)
                    .map(|_| rng.random_range(*min..=*max))
                    .collect()
            }
        }
    }

    /// Real time between two ticks of a machine ticking `rate` times per model second.
    pub fn tick_interval(&self, rate: u32) -> std::time::Duration {
        std::time::Duration::from_secs_f64(1.0 / (f64::from(rate) * self.speedup))
    }

    /// Real time the run lasts.
    pub fn real_duration(&self) -> std::time::Duration {
        std::time::Duration::from_secs_f64(self.duration_s / self.speedup)
    }
}

/// Real seconds a machine has to answer `stop`, when the scenario does not say.
pub(crate) fn default_stop_grace_s() -> f64 {
    10.0
}

/// The simulated link latency when the scenario gives none: the delay from a tick to an idle
/// peer's inbox on loopback (`cargo bench --bench loopback`: p50 95-99 µs).
pub(crate) fn default_latency_us() -> u64 {
    100
}

/// A seed drawn at random, at most [`super::limits::MAX_SEED`], so that jq, pandas and TOML read
/// the recorded seed back exactly.
pub(crate) fn random_seed() -> u64 {
    rand::random::<u64>() >> (64 - 53)
}
