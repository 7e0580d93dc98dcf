//! Raw to validated: every key of a [`RawScenario`] checked, with its default filled in. An error
//! names the file, the key, the value and what is allowed.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use super::fault;
use super::limits::*;
use super::model::{default_latency_us, default_stop_grace_s, RateSpec, Scenario, Tolerance};
use super::raw::{Overrides, RawClock, RawNetwork, RawScenario, ScenarioError};

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
        let text = super::raw::read_text(path)?;
        Scenario::parse(&text, path, overrides)
    }

    /// Parse and validate scenario text; `path` names the file in errors and gives the default name.
    pub fn parse(
        text: &str,
        path: &Path,
        overrides: &Overrides,
    ) -> Result<Scenario, ScenarioError> {
        Scenario::from_raw(RawScenario::parse(text, path, overrides)?, path)
    }

    /// Validate a raw scenario. A missing seed is drawn at random here, so the run can record it.
    pub fn from_raw(raw: RawScenario, path: &Path) -> Result<Scenario, ScenarioError> {
        let invalid = Invalid(path);
        let name = name(raw.name, path, invalid)?;

        let machines = raw.machines.unwrap_or(3);
        if !(2..=i64::from(MAX_MACHINES)).contains(&machines) {
            return Err(invalid.at(
                "machines",
                format!("is {machines}; allowed: 2 to {MAX_MACHINES}"),
            ));
        }
        let machines = machines as u32;

        let duration_s = raw.duration_s.unwrap_or(60.0);
        if !(duration_s > 0.0 && duration_s <= MAX_DURATION_S) {
            return Err(invalid.at(
                "duration_s",
                format!(
                    "is {duration_s}; allowed: more than 0, at most {MAX_DURATION_S} model seconds"
                ),
            ));
        }

        let speedup = raw.speedup.unwrap_or(1.0);
        if !(MIN_SPEEDUP..=MAX_SPEEDUP).contains(&speedup) {
            return Err(invalid.at(
                "speedup",
                format!("is {speedup}; allowed: {MIN_SPEEDUP} to {MAX_SPEEDUP}"),
            ));
        }

        let rates = rates(raw.clock, machines, invalid)?;
        let fastest = match &rates {
            RateSpec::Range { max, .. } => *max,
            RateSpec::Fixed(r) => r.iter().copied().max().unwrap_or(1),
        };
        let real_rate = f64::from(fastest) * speedup;
        if real_rate > MAX_REAL_RATE {
            return Err(invalid.at(
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
            return Err(invalid.at(
                "events.die",
                format!(
                    "is {die}; allowed: {min_die} to {MAX_DIE} (at least 3 and at least the number \
                     of machines, so every send choice has a face)"
                ),
            ));
        }
        let die = die as u32;

        let host = host(&raw.network, invalid)?;
        let ports = ports(raw.network.ports, machines, invalid)?;
        let latency_us = link_us(
            "network.latency_us",
            raw.network.latency_us,
            default_latency_us(),
            invalid,
        )?;
        let jitter_us = link_us("network.jitter_us", raw.network.jitter_us, 0, invalid)?;
        let base = Tolerance::default();
        let tolerance = Tolerance {
            skipped: share(
                "tolerance.skipped",
                raw.tolerance.skipped,
                base.skipped,
                invalid,
            )?,
            rate: share("tolerance.rate", raw.tolerance.rate, base.rate, invalid)?,
        };

        let faults = fault::validate(raw.fault, machines, duration_s)
            .map_err(|(key, message)| invalid.at(&key, message))?;

        let stop_grace_s = raw.stop_grace_s.unwrap_or_else(default_stop_grace_s);
        if !(stop_grace_s > 0.0 && stop_grace_s <= MAX_STOP_GRACE_S) {
            return Err(invalid.at(
                "stop_grace_s",
                format!(
                    "is {stop_grace_s}; allowed: more than 0, at most {MAX_STOP_GRACE_S} real seconds"
                ),
            ));
        }

        let seed = match raw.seed {
            Some(seed) if seed > MAX_SEED => {
                return Err(invalid.at(
                    "seed",
                    format!(
                        "is {seed}; allowed: 0 to {MAX_SEED} (2^53 - 1, the largest integer \
                         every JSON and TOML reader holds exactly)"
                    ),
                ))
            }
            Some(seed) => seed,
            None => super::model::random_seed(),
        };

        Ok(Scenario {
            stop_grace_s,
            on_machine_exit: raw.on_machine_exit.unwrap_or_default(),
            faults,
            name,
            machines,
            duration_s,
            seed,
            speedup,
            rates,
            die,
            host,
            ports,
            latency_us,
            jitter_us,
            tolerance,
        })
    }
}

/// A share from 0 to 1 (`tolerance.*`).
fn share(
    key: &str,
    value: Option<f64>,
    default: f64,
    invalid: Invalid,
) -> Result<f64, ScenarioError> {
    let value = value.unwrap_or(default);
    if !(0.0..=1.0).contains(&value) {
        return Err(invalid.at(
            key,
            format!("is {value}; allowed: 0 to 1 (a share: 0.01 is 1%)"),
        ));
    }
    Ok(value)
}

/// A simulated link time (`network.latency_us`, `network.jitter_us`), real microseconds.
fn link_us(
    key: &str,
    value: Option<i64>,
    default: u64,
    invalid: Invalid,
) -> Result<u64, ScenarioError> {
    let value = value.unwrap_or(default as i64);
    if !(0..=MAX_LATENCY_US).contains(&value) {
        return Err(invalid.at(
            key,
            format!("is {value}; allowed: 0 to {MAX_LATENCY_US} real microseconds"),
        ));
    }
    Ok(value as u64)
}

/// Makes the error for one key of the file at `.0`.
#[derive(Clone, Copy)]
struct Invalid<'a>(&'a Path);

impl Invalid<'_> {
    fn at(self, key: &str, message: String) -> ScenarioError {
        ScenarioError::Invalid {
            path: PathBuf::from(self.0),
            key: key.to_owned(),
            message,
        }
    }
}

/// `name`, or the file's stem: it names the run directory, so only safe characters.
fn name(name: Option<String>, path: &Path, invalid: Invalid) -> Result<String, ScenarioError> {
    let name = match name {
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
        return Err(invalid.at(
            "name",
            format!("is {name:?}; allowed: letters, digits, '-', '_' and '.'"),
        ));
    }
    if name.len() > MAX_NAME_LEN {
        return Err(invalid.at(
            "name",
            format!(
                "is {} characters long; allowed: at most {MAX_NAME_LEN} (it names the run directory)",
                name.len()
            ),
        ));
    }
    Ok(name)
}

/// `[clock]`: fixed rates, one per machine, or a range to draw them from.
fn rates(clock: RawClock, machines: u32, invalid: Invalid) -> Result<RateSpec, ScenarioError> {
    let check_rate = |key: &'static str, rate: i64| -> Result<u32, ScenarioError> {
        if !(1..=i64::from(MAX_RATE)).contains(&rate) {
            return Err(invalid.at(
                key,
                format!("is {rate}; allowed: 1 to {MAX_RATE} ticks per model second"),
            ));
        }
        Ok(rate as u32)
    };
    let Some(rates) = clock.rates else {
        let min = check_rate("clock.min_rate", clock.min_rate.unwrap_or(1))?;
        let max = check_rate("clock.max_rate", clock.max_rate.unwrap_or(6))?;
        if min > max {
            return Err(invalid.at(
                "clock.min_rate",
                format!("is {min}, above clock.max_rate ({max}); allowed: at most max_rate"),
            ));
        }
        return Ok(RateSpec::Range { min, max });
    };
    if clock.min_rate.is_some() || clock.max_rate.is_some() {
        return Err(invalid.at(
            "clock.rates",
            "cannot be given together with clock.min_rate or clock.max_rate".into(),
        ));
    }
    if rates.len() != machines as usize {
        return Err(invalid.at(
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
    Ok(RateSpec::Fixed(rates))
}

/// `[network] host`: a loopback address only, so a run never listens beyond this host.
fn host(network: &RawNetwork, invalid: Invalid) -> Result<IpAddr, ScenarioError> {
    let host_text = network.host.as_deref().unwrap_or("127.0.0.1");
    let host: IpAddr = host_text.parse().map_err(|_| {
        invalid.at(
            "network.host",
            format!("is {host_text:?}; allowed: a loopback IP address such as 127.0.0.1 or ::1"),
        )
    })?;
    if !host.is_loopback() {
        return Err(invalid.at(
            "network.host",
            format!("is {host}; allowed: a loopback address only (127.0.0.0/8 or ::1)"),
        ));
    }
    Ok(host)
}

/// `[network] ports`: one per machine, distinct unless 0 (automatic).
fn ports(
    ports: Option<Vec<i64>>,
    machines: u32,
    invalid: Invalid,
) -> Result<Vec<u16>, ScenarioError> {
    let Some(ports) = ports else {
        return Ok(vec![0; machines as usize]);
    };
    if ports.len() != machines as usize {
        return Err(invalid.at(
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
            return Err(invalid.at(
                "network.ports",
                format!("has {p}; allowed: 0 (automatic) or 1 to 65535"),
            ));
        }
        let p = p as u16;
        if p != 0 && out.contains(&p) {
            return Err(invalid.at(
                "network.ports",
                format!("has {p} twice; allowed: distinct ports"),
            ));
        }
        out.push(p);
    }
    Ok(out)
}
