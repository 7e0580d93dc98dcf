//! The scenario file as written, before validation: its TOML shape (unknown keys are errors),
//! the command-line values that replace its keys, and why a scenario could not be loaded.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::fault::RawFault;
use super::model::ExitPolicy;

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("failed to read scenario {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("failed to read scenario {}: it is {what}, not a regular file; give a TOML file", path.display())]
    NotAFile { path: PathBuf, what: &'static str },
    #[error("failed to read scenario {}: it is {size} bytes; at most {} are read", path.display(), super::limits::MAX_SCENARIO_BYTES)]
    TooLarge { path: PathBuf, size: u64 },
    #[error("failed to parse scenario {}: {message}", path.display())]
    Parse { path: PathBuf, message: String },
    #[error("invalid scenario {}: `{key}` {message}", path.display())]
    Invalid {
        path: PathBuf,
        key: String,
        message: String,
    },
    /// An [`ScenarioError::Invalid`] key whose value came from a flag, not from the file.
    #[error("invalid {flag} for scenario {}: `{key}` {message}", path.display())]
    InvalidFlag {
        flag: &'static str,
        path: PathBuf,
        key: String,
        message: String,
    },
}

impl ScenarioError {
    /// This error, naming the flag when its key's value came from `overrides` rather than the
    /// file: the file is not to blame for `--duration 0`. (`--seed` is range-checked by the
    /// flag parser, and a batch sets every run's seed, so a bad seed stays the scenario's.)
    // Clippy only asks this of non-exported methods, which this became with the small public
    // API; the name stays, so that branches still calling it merge.
    #[allow(clippy::wrong_self_convention)]
    pub fn from_flags(self, overrides: &Overrides) -> ScenarioError {
        let ScenarioError::Invalid { path, key, message } = self else {
            return self;
        };
        let flag = match key.as_str() {
            "duration_s" if overrides.duration_s.is_some() => Some("--duration"),
            "speedup" if overrides.speedup.is_some() => Some("--speedup"),
            _ if overrides.set.iter().any(|(set, _)| *set == key) => Some("--sweep value"),
            _ => None,
        };
        match flag {
            Some(flag) => ScenarioError::InvalidFlag {
                flag,
                path,
                key,
                message,
            },
            None => ScenarioError::Invalid { path, key, message },
        }
    }
}

/// The text of the scenario file at `path`. Only a regular file of at most
/// [`super::limits::MAX_SCENARIO_BYTES`] is read: `/dev/zero` would fill the memory, a FIFO
/// would block forever, and neither is a scenario. Checked before the file is opened.
pub(crate) fn read_text(path: &Path) -> Result<String, ScenarioError> {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;
    let read_error = |source| ScenarioError::Read {
        path: path.to_owned(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(read_error)?;
    let kind = meta.file_type();
    let what = if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "something else"
    };
    if !kind.is_file() {
        let path = path.to_owned();
        return Err(ScenarioError::NotAFile { path, what });
    }
    let max = super::limits::MAX_SCENARIO_BYTES;
    let too_large = |size| ScenarioError::TooLarge {
        path: path.to_owned(),
        size,
    };
    if meta.len() > max {
        return Err(too_large(meta.len()));
    }
    // The file may grow between the check and the read: read one byte past the limit at most.
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(max + 1).read_to_string(&mut text))
        .map_err(read_error)?;
    if text.len() as u64 > max {
        return Err(too_large(text.len() as u64));
    }
    Ok(text)
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
    #[serde(default)]
    pub tolerance: RawTolerance,
    /// `[physical_clock]`: absent, every machine's physical clock reads true time.
    pub physical_clock: Option<RawPhysicalClock>,
    pub on_machine_exit: Option<ExitPolicy>,
    pub stop_grace_s: Option<f64>,
    /// `[[fault]]` tables.
    #[serde(default)]
    pub fault: Vec<RawFault>,
}

/// `[tolerance]`
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTolerance {
    pub skipped: Option<f64>,
    pub rate: Option<f64>,
}

/// `[physical_clock]`: each machine's clock offset, drift, granularity and synchronisation.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPhysicalClock {
    pub skew_ms: Option<Vec<f64>>,
    pub max_skew_ms: Option<f64>,
    pub drift_ppm: Option<Vec<f64>>,
    pub max_drift_ppm: Option<f64>,
    pub granularity_us: Option<i64>,
    pub sync_interval_s: Option<f64>,
    pub sync_error_ms: Option<f64>,
    pub max_offset_ms: Option<f64>,
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

impl RawScenario {
    /// Parse scenario text and apply the overrides; `path` names the file in errors.
    pub fn parse(
        text: &str,
        path: &Path,
        overrides: &Overrides,
    ) -> Result<RawScenario, ScenarioError> {
        let parse_error = |e: toml::de::Error| {
            seed_too_large(text, &e, path).unwrap_or_else(|| ScenarioError::Parse {
                path: path.to_owned(),
                message: with_section_hint(e.to_string().trim_end()),
            })
        };
        // Types are checked on the table first, so a value of the wrong type is said in words
        // ("must be a whole number, got the string "3""), not in serde's "expected i64".
        let type_error = |(key, message)| ScenarioError::Invalid {
            path: path.to_owned(),
            key,
            message,
        };
        let mut table: toml::Table = text.parse().map_err(parse_error)?;
        super::schema::check(&table).map_err(type_error)?;
        // Parsed once as written, so errors point at the file's lines and columns.
        let mut raw: RawScenario = toml::from_str(text).map_err(parse_error)?;
        if !overrides.set.is_empty() {
            for (key, value) in &overrides.set {
                set_key(&mut table, key, value.clone());
                replace_the_other_way(&mut table, key);
            }
            super::schema::check(&table).map_err(type_error)?;
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
        Ok(raw)
    }
}

/// serde's "unknown field `die`" for a key written outside its section, with where it goes:
/// `` `die` is a key of [events]: write it under [events] ``.
fn with_section_hint(message: &str) -> String {
    let unknown = message
        .split("unknown field `")
        .nth(1)
        .and_then(|rest| rest.split('`').next());
    let meant = unknown.and_then(|key| {
        let meant = super::schema::suggest(key)?;
        let (section, name) = meant.rsplit_once('.')?;
        (name == key)
            .then(|| format!("`{key}` is a key of [{section}]: write it under [{section}]"))
    });
    match meant {
        Some(hint) => format!("{message}\n{hint}"),
        None => message.to_owned(),
    }
}

/// A top-level `seed` too large for TOML (above `i64::MAX`: half of all `u64` values) fails in the
/// TOML parser itself; say it as the seed's range, as for any other seed out of range.
fn seed_too_large(text: &str, e: &toml::de::Error, path: &Path) -> Option<ScenarioError> {
    let start = e.span()?.start;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let (key, value) = text[line_start..line_end].split_once('=')?;
    let value = value
        .split('#')
        .next()
        .unwrap_or("")
        .trim()
        .replace('_', "");
    let top_level = !text[..line_start]
        .lines()
        .any(|l| l.trim_start().starts_with('['));
    let digits = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
    (key.trim() == "seed" && top_level && digits).then(|| ScenarioError::Invalid {
        path: path.to_owned(),
        key: "seed".into(),
        message: format!(
            "is {value}; allowed: 0 to {} (2^53 - 1, the largest integer every JSON and TOML \
             reader holds exactly)",
            super::limits::MAX_SEED
        ),
    })
}

/// Rates are either fixed (`clock.rates`) or drawn from a range (`clock.min_rate`,
/// `clock.max_rate`), never both, and so are a physical clock's skew and drift (one per machine,
/// or drawn within a bound): a value set for one way replaces the file's other way, so
/// `--sweep 'clock.rates=[1,2,3],[1,1,6]'` runs on a scenario that draws its rates.
fn replace_the_other_way(table: &mut toml::Table, key: &str) {
    let (section, other): (&str, &[&str]) = match key {
        "clock.rates" => ("clock", &["min_rate", "max_rate"]),
        "clock.min_rate" | "clock.max_rate" => ("clock", &["rates"]),
        "physical_clock.skew_ms" => ("physical_clock", &["max_skew_ms"]),
        "physical_clock.max_skew_ms" => ("physical_clock", &["skew_ms"]),
        "physical_clock.drift_ppm" => ("physical_clock", &["max_drift_ppm"]),
        "physical_clock.max_drift_ppm" => ("physical_clock", &["drift_ppm"]),
        _ => return,
    };
    if let Some(toml::Value::Table(clock)) = table.get_mut(section) {
        for name in other {
            clock.remove(*name);
        }
    }
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
