//! Raw to validated: every key of a [`RawScenario`] checked, with its default filled in. An error
//! names the file, the key, the value and what is allowed.
//!
//! The top-level keys, `[events]` and `[tolerance]` are checked here; `clock` checks `[clock]`,
//! `network` checks `[network]`, and [`fault::validate`] the `[[fault]]` entries.

mod clock;
mod network;
mod physical;

use std::path::{Path, PathBuf};

use super::fault;
use super::limits::*;
use super::model::{default_stop_grace_s, Scenario, Tolerance};
use super::raw::{Overrides, RawScenario, RawTolerance, ScenarioError};

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
            .map_err(|e| e.from_flags(overrides))
    }

    /// Validate a raw scenario. A missing seed is drawn at random here, so the run can record it.
    /// Keys are checked in this order, so the first bad one is the one named.
    pub fn from_raw(raw: RawScenario, path: &Path) -> Result<Scenario, ScenarioError> {
        let invalid = Invalid(path);
        let name = name(raw.name, path, invalid)?;
        let machines = machines(raw.machines, invalid)?;
        let duration_s = raw.duration_s.unwrap_or(60.0);
        let duration_s = positive("duration_s", duration_s, MAX_DURATION_S, "model", invalid)?;
        let speedup = speedup(raw.speedup, invalid)?;
        let rates = clock::rates(raw.clock, machines, invalid)?;
        clock::check_real_rate(&rates, speedup, invalid)?;
        let die = die(raw.events.die, machines, invalid)?;
        let network = network::network(raw.network, machines, invalid)?;
        let tolerance = tolerance(raw.tolerance, invalid)?;
        let physical_clock = raw
            .physical_clock
            .map(|p| physical::physical_clock(p, machines, invalid))
            .transpose()?;
        let faults = fault::validate(raw.fault, machines, duration_s)
            .map_err(|(key, message)| invalid.at(&key, message))?;
        let grace = raw.stop_grace_s.unwrap_or_else(default_stop_grace_s);
        let stop_grace_s = positive("stop_grace_s", grace, MAX_STOP_GRACE_S, "real", invalid)?;
        let seed = seed(raw.seed, invalid)?;
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
            host: network.host,
            ports: network.ports,
            latency_us: network.latency_us,
            jitter_us: network.jitter_us,
            tolerance,
            dice: Some(crate::model::dice::SCHEME.to_owned()),
            physical_clock,
        })
    }
}

/// A list of `key` with exactly one value per machine (`clock.rates`, `network.ports`).
fn one_per_machine<T>(
    key: &str,
    values: &[T],
    machines: u32,
    invalid: Invalid,
) -> Result<(), ScenarioError> {
    if values.len() != machines as usize {
        return Err(invalid.at(
            key,
            format!(
                "has {} values; allowed: exactly one per machine ({machines})",
                values.len()
            ),
        ));
    }
    Ok(())
}

/// `machines`: from 2, so every machine has a peer, to [`MAX_MACHINES`].
fn machines(machines: Option<i64>, invalid: Invalid) -> Result<u32, ScenarioError> {
    let machines = machines.unwrap_or(3);
    if !(2..=i64::from(MAX_MACHINES)).contains(&machines) {
        return Err(invalid.at(
            "machines",
            format!("is {machines}; allowed: 2 to {MAX_MACHINES}"),
        ));
    }
    Ok(machines as u32)
}

/// A length of time, more than 0 and at most `max` `clock` seconds (`model` or `real`).
fn positive(
    key: &str,
    value: f64,
    max: f64,
    clock: &str,
    invalid: Invalid,
) -> Result<f64, ScenarioError> {
    if !(value > 0.0 && value <= max) {
        return Err(invalid.at(
            key,
            format!("is {value}; allowed: more than 0, at most {max} {clock} seconds"),
        ));
    }
    Ok(value)
}

/// `speedup`: model seconds per real second.
fn speedup(speedup: Option<f64>, invalid: Invalid) -> Result<f64, ScenarioError> {
    let speedup = speedup.unwrap_or(1.0);
    if !(MIN_SPEEDUP..=MAX_SPEEDUP).contains(&speedup) {
        return Err(invalid.at(
            "speedup",
            format!("is {speedup}; allowed: {MIN_SPEEDUP} to {MAX_SPEEDUP}"),
        ));
    }
    Ok(speedup)
}

/// `[events] die`: at least 3 faces and one per machine, so every send choice has a face.
fn die(die: Option<i64>, machines: u32, invalid: Invalid) -> Result<u32, ScenarioError> {
    let die = die.unwrap_or(10);
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
    Ok(die as u32)
}

/// `[tolerance]`: the shares of skipped tick slots and of rate error a run may show and pass.
fn tolerance(raw: RawTolerance, invalid: Invalid) -> Result<Tolerance, ScenarioError> {
    let base = Tolerance::default();
    Ok(Tolerance {
        skipped: share("tolerance.skipped", raw.skipped, base.skipped, invalid)?,
        rate: share("tolerance.rate", raw.rate, base.rate, invalid)?,
    })
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

/// `seed`, or one drawn at random; at most [`MAX_SEED`], so every JSON reader holds it exactly.
fn seed(seed: Option<u64>, invalid: Invalid) -> Result<u64, ScenarioError> {
    match seed {
        Some(seed) if seed > MAX_SEED => Err(invalid.at(
            "seed",
            format!(
                "is {seed}; allowed: 0 to {MAX_SEED} (2^53 - 1, the largest integer \
                 every JSON and TOML reader holds exactly)"
            ),
        )),
        Some(seed) => Ok(seed),
        None => Ok(super::model::random_seed()),
    }
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

/// `name`, or a name made from the file's stem: it names the run directory, so only safe
/// characters.
fn name(name: Option<String>, path: &Path, invalid: Invalid) -> Result<String, ScenarioError> {
    let name = match name {
        Some(name) => name,
        None => {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "scenario".to_owned());
            let derived = name_from_stem(&stem);
            if derived.is_empty() {
                return Err(invalid.at(
                    "name",
                    format!(
                        "is not set, and the file name {stem:?} has no letters or digits to name \
                         the run after; allowed: set `name` to letters, digits, '-', '_' and '.'"
                    ),
                ));
            }
            derived
        }
    };
    if name.is_empty() || !name.chars().all(allowed_in_name) {
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

/// A character a scenario's name (a directory name's start) may hold.
fn allowed_in_name(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'
}

/// A file stem as a valid name: each run of characters not allowed becomes one `_`, none at the
/// ends (`my scenario ü` is `my_scenario`); empty when nothing allowed is left but dots.
fn name_from_stem(stem: &str) -> String {
    let mut name = String::with_capacity(stem.len());
    for c in stem.chars() {
        if allowed_in_name(c) {
            name.push(c);
        } else if !name.ends_with('_') {
            name.push('_');
        }
    }
    let name = name.trim_matches('_');
    if name.chars().all(|c| c == '.') {
        return String::new();
    }
    name.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_made_from_a_stem_with_spaces_and_accents() {
        assert_eq!(name_from_stem("my scenario ü"), "my_scenario");
        assert_eq!(name_from_stem("a  b-c.d"), "a_b-c.d");
        assert_eq!(name_from_stem("ü ü"), "");
        assert_eq!(name_from_stem(".."), "");
    }

    #[test]
    fn a_tolerance_outside_0_to_1_is_refused_as_a_share_naming_its_key() {
        for (text, key, value) in [
            ("[tolerance]\nskipped = 1.5", "tolerance.skipped", "1.5"),
            ("[tolerance]\nrate = -0.01", "tolerance.rate", "-0.01"),
        ] {
            let e = Scenario::parse(text, Path::new("t.toml"), &Overrides::default())
                .unwrap_err()
                .to_string();
            let expected = format!(
                "invalid scenario t.toml: `{key}` is {value}; allowed: 0 to 1 (a share: 0.01 is 1%)"
            );
            assert_eq!(e, expected);
        }
    }
}
