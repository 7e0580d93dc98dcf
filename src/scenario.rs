//! Scenario files: the raw TOML shape, and the validated [`Scenario`] a run is made from.
//!
//! Loading is two-staged: [`RawScenario`] mirrors the file (unknown keys are errors), then
//! [`Scenario::from_raw`] checks every value and names the file, the key and what is allowed.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::fault::{Fault, RawFault};

/// Most machines a scenario may ask for.
pub const MAX_MACHINES: u32 = 64;
/// Highest clock rate, in ticks per model second.
pub const MAX_RATE: u32 = 1_000;
/// Largest die.
pub const MAX_DIE: u32 = 1_000_000;
/// Longest run, in model seconds (one week).
pub const MAX_DURATION_S: f64 = 7.0 * 24.0 * 3600.0;
/// Largest speedup.
pub const MAX_SPEEDUP: f64 = 100_000.0;
/// Smallest speedup (a model second may last at most 1,000 real seconds).
pub const MIN_SPEEDUP: f64 = 0.001;
/// Fastest real tick rate a machine may be asked for (rate x speedup), ticks per real second.
pub const MAX_REAL_RATE: f64 = 1_000_000.0;
/// Largest simulated link latency or jitter, in real microseconds (one minute).
pub const MAX_LATENCY_US: i64 = 60_000_000;

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("failed to read scenario {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("failed to parse scenario {}: {message}", path.display())]
    Parse { path: PathBuf, message: String },
    #[error("invalid scenario {}: `{key}` {message}", path.display())]
    Invalid {
        path: PathBuf,
        key: String,
        message: String,
    },
}

/// The scenario file as written, before validation.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub name: Option<String>,
    pub machines: Option<i64>,
    pub duration_s: Option<f64>,
    pub seed: Option<u64>,
    pub speedup: Option<f64>,
    #[serde(default)]
    pub clock: RawClock,
    #[serde(default)]
    pub events: RawEvents,
    #[serde(default)]
    pub network: RawNetwork,
    pub on_machine_exit: Option<ExitPolicy>,
    pub stop_grace_s: Option<f64>,
    /// `[[fault]]` tables.
    #[serde(default)]
    pub fault: Vec<RawFault>,
}

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

/// `[clock]`
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawClock {
    pub min_rate: Option<i64>,
    pub max_rate: Option<i64>,
    pub rates: Option<Vec<i64>>,
}

/// `[events]`
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvents {
    pub die: Option<i64>,
}

/// `[network]`
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNetwork {
    pub host: Option<String>,
    pub ports: Option<Vec<i64>>,
    pub latency_us: Option<i64>,
    pub jitter_us: Option<i64>,
}

/// Values given on the command line; each replaces the scenario's key of the same meaning.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub seed: Option<u64>,
    pub duration_s: Option<f64>,
    pub speedup: Option<f64>,
    /// `(key path, value)` pairs set in the file's table before validation, e.g.
    /// `("events.die", 6)`; this is how a sweep varies one key.
    pub set: Vec<(String, toml::Value)>,
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
}

impl Default for Scenario {
    /// The assignment's set-up (an empty scenario file), with seed 0.
    fn default() -> Scenario {
        Scenario::from_raw(
            RawScenario {
                seed: Some(0),
                ..RawScenario::default()
            },
            Path::new("default.toml"),
        )
        .expect("the defaults are valid")
    }
}

impl Scenario {
    /// Read, parse and validate the scenario at `path`, then apply the command-line overrides.
    pub fn load(path: &Path, overrides: &Overrides) -> Result<Scenario, ScenarioError> {
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Read {
            path: path.to_owned(),
            source,
        })?;
        Scenario::parse(&text, path, overrides)
    }

    /// Parse and validate scenario text; `path` names the file in errors and gives the default name.
    pub fn parse(
        text: &str,
        path: &Path,
        overrides: &Overrides,
    ) -> Result<Scenario, ScenarioError> {
        let parse_error = |e: toml::de::Error| ScenarioError::Parse {
            path: path.to_owned(),
            message: e.to_string().trim_end().to_owned(),
        };
        // Parsed once as written, so errors point at the file's lines and columns.
        let mut raw: RawScenario = toml::from_str(text).map_err(parse_error)?;
        if !overrides.set.is_empty() {
            let mut table: toml::Table = text.parse().map_err(parse_error)?;
            for (key, value) in &overrides.set {
                set_key(&mut table, key, value.clone());
            }
            let keys: Vec<&str> = overrides.set.iter().map(|(k, _)| k.as_str()).collect();
            raw = table
                .try_into()
                .map_err(|e: toml::de::Error| ScenarioError::Parse {
                    path: path.to_owned(),
                    message: format!("with {} set: {}", keys.join(", "), e.message()),
                })?;
        }
        if let Some(seed) = overrides.seed {
            raw.seed = Some(seed);
        }
        if let Some(d) = overrides.duration_s {
            raw.duration_s = Some(d);
        }
        if let Some(s) = overrides.speedup {
            raw.speedup = Some(s);
        }
        Scenario::from_raw(raw, path)
    }

    /// Validate a raw scenario. A missing seed is drawn at random here, so the run can record it.
    pub fn from_raw(raw: RawScenario, path: &Path) -> Result<Scenario, ScenarioError> {
        let invalid = |key: &str, message: String| ScenarioError::Invalid {
            path: path.to_owned(),
            key: key.to_owned(),
            message,
        };

        let name = match raw.name {
            Some(name) => name,
            None => path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "scenario".to_owned()),
        };
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        {
            return Err(invalid(
                "name",
                format!("is {name:?}; allowed: letters, digits, '-', '_' and '.'"),
            ));
        }

        let machines = raw.machines.unwrap_or(3);
        if !(2..=i64::from(MAX_MACHINES)).contains(&machines) {
            return Err(invalid(
                "machines",
                format!("is {machines}; allowed: 2 to {MAX_MACHINES}"),
            ));
        }
        let machines = machines as u32;

        let duration_s = raw.duration_s.unwrap_or(60.0);
        if !(duration_s > 0.0 && duration_s <= MAX_DURATION_S) {
            return Err(invalid(
                "duration_s",
                format!(
                    "is {duration_s}; allowed: more than 0, at most {MAX_DURATION_S} model seconds"
                ),
            ));
        }

        let speedup = raw.speedup.unwrap_or(1.0);
        if !(MIN_SPEEDUP..=MAX_SPEEDUP).contains(&speedup) {
            return Err(invalid(
                "speedup",
                format!("is {speedup}; allowed: {MIN_SPEEDUP} to {MAX_SPEEDUP}"),
            ));
        }

        let check_rate = |key: &'static str, rate: i64| -> Result<u32, ScenarioError> {
            if !(1..=i64::from(MAX_RATE)).contains(&rate) {
                return Err(invalid(
                    key,
                    format!("is {rate}; allowed: 1 to {MAX_RATE} ticks per model second"),
                ));
            }
            Ok(rate as u32)
        };
        let rates = match raw.clock.rates {
            Some(rates) => {
                if raw.clock.min_rate.is_some() || raw.clock.max_rate.is_some() {
                    return Err(invalid(
                        "clock.rates",
                        "cannot be given together with clock.min_rate or clock.max_rate".into(),
                    ));
                }
                if rates.len() != machines as usize {
                    return Err(invalid(
                        "clock.rates",
                        format!(
                            "has {} values; allowed: exactly one per machine ({machines})",
                            rates.len()
                        ),
                    ));
                }
                let rates = rates
                    .into_iter()
                    .map(|r| check_rate("clock.rates", r))
                    .collect::<Result<Vec<_>, _>>()?;
                RateSpec::Fixed(rates)
            }
            None => {
                let min = check_rate("clock.min_rate", raw.clock.min_rate.unwrap_or(1))?;
                let max = check_rate("clock.max_rate", raw.clock.max_rate.unwrap_or(6))?;
                if min > max {
                    return Err(invalid(
                        "clock.min_rate",
                        format!(
                            "is {min}, above clock.max_rate ({max}); allowed: at most max_rate"
                        ),
                    ));
                }
                RateSpec::Range { min, max }
            }
        };
        let fastest = match &rates {
            RateSpec::Range { max, .. } => *max,
            RateSpec::Fixed(r) => r.iter().copied().max().unwrap_or(1),
        };
        let real_rate = f64::from(fastest) * speedup;
        if real_rate > MAX_REAL_RATE {
            return Err(invalid(
                "speedup",
                format!(
                    "is {speedup}: the fastest machine would tick {real_rate} times per real second; \
                     allowed: at most {MAX_REAL_RATE}"
                ),
            ));
        }

        let die = raw.events.die.unwrap_or(10);
        let min_die = i64::from(machines.max(3));
        if !(min_die..=i64::from(MAX_DIE)).contains(&die) {
            return Err(invalid(
                "events.die",
                format!(
                    "is {die}; allowed: {min_die} to {MAX_DIE} (at least 3 and at least the number \
                     of machines, so every send choice has a face)"
                ),
            ));
        }
        let die = die as u32;

        let host_text = raw.network.host.unwrap_or_else(|| "127.0.0.1".to_owned());
        let host: IpAddr = host_text.parse().map_err(|_| {
            invalid(
                "network.host",
                format!(
                    "is {host_text:?}; allowed: a loopback IP address such as 127.0.0.1 or ::1"
                ),
            )
        })?;
        if !host.is_loopback() {
            return Err(invalid(
                "network.host",
                format!("is {host}; allowed: a loopback address only (127.0.0.0/8 or ::1)"),
            ));
        }

        let ports = match raw.network.ports {
            None => vec![0; machines as usize],
            Some(ports) => {
                if ports.len() != machines as usize {
                    return Err(invalid(
                        "network.ports",
                        format!(
                            "has {} values; allowed: exactly one per machine ({machines})",
                            ports.len()
                        ),
                    ));
                }
                let mut out = Vec::with_capacity(ports.len());
                for p in ports {
                    if !(0..=65535).contains(&p) {
                        return Err(invalid(
                            "network.ports",
                            format!("has {p}; allowed: 0 (automatic) or 1 to 65535"),
                        ));
                    }
                    let p = p as u16;
                    if p != 0 && out.contains(&p) {
                        return Err(invalid(
                            "network.ports",
                            format!("has {p} twice; allowed: distinct ports"),
                        ));
                    }
                    out.push(p);
                }
                out
            }
        };

        let mut network_us = [0u64; 2];
        for (slot, key, value, default) in [
            (
                0,
                "network.latency_us",
                raw.network.latency_us,
                default_latency_us(),
            ),
            (1, "network.jitter_us", raw.network.jitter_us, 0),
        ] {
            let value = value.unwrap_or(default as i64);
            if !(0..=MAX_LATENCY_US).contains(&value) {
                return Err(invalid(
                    key,
                    format!("is {value}; allowed: 0 to {MAX_LATENCY_US} real microseconds"),
                ));
            }
            network_us[slot] = value as u64;
        }
        let [latency_us, jitter_us] = network_us;

        let faults = crate::fault::validate(raw.fault, machines, duration_s)
            .map_err(|(key, message)| invalid(&key, message))?;

        let stop_grace_s = raw.stop_grace_s.unwrap_or_else(default_stop_grace_s);
        if !(stop_grace_s > 0.0 && stop_grace_s <= 600.0) {
            return Err(invalid(
                "stop_grace_s",
                format!("is {stop_grace_s}; allowed: more than 0, at most 600 real seconds"),
            ));
        }

        Ok(Scenario {
            stop_grace_s,
            on_machine_exit: raw.on_machine_exit.unwrap_or_default(),
            faults,
            name,
            machines,
            duration_s,
            seed: raw.seed.unwrap_or_else(rand::random),
            speedup,
            rates,
            die,
            host,
            ports,
            latency_us,
            jitter_us,
        })
    }

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

fn default_stop_grace_s() -> f64 {
    10.0
}

/// The simulated link latency when the scenario gives none: about a loopback TCP hop.
fn default_latency_us() -> u64 {
    100
}

/// Set `key` (dotted path, e.g. `events.die`) in `table`, creating sub-tables as needed.
fn set_key(table: &mut toml::Table, key: &str, value: toml::Value) {
    match key.split_once('.') {
        None => {
            table.insert(key.to_owned(), value);
        }
        Some((head, rest)) => {
            let entry = table
                .entry(head.to_owned())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if !entry.is_table() {
                *entry = toml::Value::Table(toml::Table::new());
            }
            let sub = entry.as_table_mut().expect("made a table just above");
            set_key(sub, rest, value);
        }
    }
}

/// The random stream of machine `id`'s die rolls: one ChaCha stream per machine (and per
/// restart of it), from the run seed.
pub fn machine_rng(seed: u64, id: u32, incarnation: u32) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream((u64::from(incarnation) << 32) | (u64::from(id) + 1));
    rng
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Scenario, ScenarioError> {
        Scenario::parse(text, Path::new("configs/test.toml"), &Overrides::default())
    }

    fn error(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn an_empty_file_gives_the_assignment_defaults() {
        let s = parse("seed = 1").unwrap();
        assert_eq!(s.name, "test");
        assert_eq!(s.machines, 3);
        assert_eq!(s.duration_s, 60.0);
        assert_eq!(s.speedup, 1.0);
        assert_eq!(s.rates, RateSpec::Range { min: 1, max: 6 });
        assert_eq!(s.die, 10);
        assert_eq!(s.ports, vec![0, 0, 0]);
    }

    #[test]
    fn the_same_seed_draws_the_same_rates() {
        let a = parse("seed = 7\nmachines = 10").unwrap();
        let b = parse("seed = 7\nmachines = 10").unwrap();
        assert_eq!(a.machine_rates(), b.machine_rates());
        assert!(a.machine_rates().iter().all(|r| (1..=6).contains(r)));
    }

    #[test]
    fn overrides_replace_file_values() {
        let o = Overrides {
            seed: Some(9),
            duration_s: Some(5.0),
            speedup: Some(30.0),
            set: vec![],
        };
        let s = Scenario::parse("seed = 1\nduration_s = 60", Path::new("x.toml"), &o).unwrap();
        assert_eq!((s.seed, s.duration_s, s.speedup), (9, 5.0, 30.0));
    }

    #[test]
    fn set_keys_replace_nested_values_and_are_validated() {
        let o = Overrides {
            set: vec![
                ("events.die".into(), toml::Value::Integer(4)),
                ("clock.max_rate".into(), toml::Value::Integer(2)),
            ],
            ..Overrides::default()
        };
        let s = Scenario::parse("seed = 1\n[events]\ndie = 10\n", Path::new("x.toml"), &o).unwrap();
        assert_eq!(s.die, 4);
        assert_eq!(s.rates, RateSpec::Range { min: 1, max: 2 });

        let o = Overrides {
            set: vec![("events.sides".into(), toml::Value::Integer(4))],
            ..Overrides::default()
        };
        let e = Scenario::parse("", Path::new("x.toml"), &o)
            .unwrap_err()
            .to_string();
        assert!(e.contains("events.sides") && e.contains("sides"), "{e}");
    }

    #[test]
    fn unknown_keys_are_named_with_their_position() {
        let e = error("machines = 3\ncolor = 1\n");
        assert!(e.contains("configs/test.toml"), "{e}");
        assert!(e.contains("color"), "{e}");
        assert!(e.contains("line 2"), "{e}");
    }

    #[test]
    fn wrong_types_are_rejected() {
        let e = error("machines = \"three\"");
        assert!(e.contains("machines") || e.contains("invalid type"), "{e}");
    }

    #[test]
    fn impossible_values_name_key_and_allowed_range() {
        for (text, key) in [
            ("machines = 1", "`machines`"),
            ("machines = 100000", "`machines`"),
            ("duration_s = 0", "`duration_s`"),
            ("duration_s = -3.0", "`duration_s`"),
            ("speedup = 0", "`speedup`"),
            ("speedup = 1e-20", "`speedup`"),
            ("[clock]\nmin_rate = 0", "`clock.min_rate`"),
            ("[clock]\nmax_rate = 100000", "`clock.max_rate`"),
            ("[clock]\nmin_rate = 5\nmax_rate = 2", "`clock.min_rate`"),
            ("[clock]\nrates = [1, 2]", "`clock.rates`"),
            ("[clock]\nrates = [1, 0, 2]", "`clock.rates`"),
            ("[events]\ndie = 2", "`events.die`"),
            ("machines = 5\n[events]\ndie = 4", "`events.die`"),
            ("[network]\nhost = \"8.8.8.8\"", "`network.host`"),
            ("[network]\nhost = \"nonsense\"", "`network.host`"),
            ("[network]\nports = [1, 1, 0]", "`network.ports`"),
            ("[network]\nports = [70000, 0, 0]", "`network.ports`"),
        ] {
            let e = error(text);
            assert!(e.contains(key), "{text:?} gave {e}");
            assert!(e.contains("allowed"), "{text:?} gave {e}");
        }
    }

    #[test]
    fn duration_and_interval_scale_with_speedup() {
        let s = parse("seed = 1\nspeedup = 60").unwrap();
        assert_eq!(s.real_duration(), std::time::Duration::from_secs(1));
        assert_eq!(s.tick_interval(6).as_micros(), 2777);
    }
}
