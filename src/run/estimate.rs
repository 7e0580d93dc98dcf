//! How much a run will write, known before it starts: lines and bytes from machines x rates x
//! duration, the same for both engines and for every run of a batch; and the check that refuses a
//! run its target file system cannot hold.
//!
//! Every tick of a machine writes one line (`internal`, `send` or `recv`); a machine adds its
//! `start` and `stop` lines and, in a real run, a `peer_connected` and a `peer_gone` line per
//! peer. A line's bytes were measured on today's logs (format 4), as the line's length without its
//! vector clock plus the clock's JSON text:
//!
//! | run | lines | bytes per line | without the clock |
//! |---|---|---|---|
//! | 3 machines, rates 1-6, 60 s, sim | 787 | 138.9 | 127.4 |
//! | 3 machines, rates 1-6, 60 s, real | 801 | 139.6 | 128.5 |
//! | 64 machines at 1,000/s, 2 s, sim | 128,128 | 423.5 | 140.1 |
//!
//! So a line is [`LINE_BYTES_WITHOUT_CLOCK`] (the larger figure) plus its vector clock: one entry
//! per machine, each as many digits as a count growing from 0 to the machine's last tick has on
//! average, and a comma. This gives 152 and 426 bytes per line for the runs above (+9%, +0.6%):
//! an estimate on the safe side.
//!
//! Format 6 adds `pt_us` and `hlc` to every tick line and `msg_hlc` to `recv` lines: two to three
//! times a model time in microseconds, whose digits average those of a count from 0 to the run's
//! duration in µs, and about 30 bytes of names and punctuation. Measured: +42 bytes per line on
//! the first run above, +51 on the third (60,833,145 bytes; its machines send on every tick).

use std::path::{Path, PathBuf};

use super::LogCap;
use crate::manifest::{Engine, Estimate};
use crate::scenario::Scenario;

/// Bytes of an average log line without its vector clock (measured: see the module doc).
pub(crate) const LINE_BYTES_WITHOUT_CLOCK: u64 = 140;

/// Test-only: the free bytes the check sees, instead of the file system's figure, for tests that
/// fill a small disk on purpose (as the machines' [`crate::machine::log_layer::TEST_LOG_LIMIT_ENV`]);
/// never set it otherwise.
pub(crate) const TEST_FREE_BYTES_ENV: &str = "LOGICLOCK_TEST_FREE_BYTES";

/// From this many bytes on, `run` prints the estimate before it starts (1 GB).
pub(crate) const LARGE_BYTES: u64 = 1_000_000_000;

impl Estimate {
    /// The logs of one run of `scenario` by `engine`.
    pub fn of(scenario: &Scenario, engine: Engine) -> Estimate {
        let rates = scenario.machine_rates();
        let machines = rates.len() as u64;
        let last_ticks: Vec<u64> = rates
            .iter()
            .map(|&rate| (f64::from(rate) * scenario.duration_s).ceil() as u64)
            .collect();
        let ticks: u64 = last_ticks.iter().sum();
        let peer_lines = match engine {
            Engine::Real => 2 * machines.saturating_sub(1),
            Engine::Sim | Engine::Imported => 0,
        };
        let lines = ticks + machines * (2 + peer_lines);
        // "[a,b,c]": the digits of each entry, a comma (or the closing bracket) each, the "[".
        let clock_bytes = 1.0
            + last_ticks
                .iter()
                .map(|&n| mean_digits(n) + 1.0)
                .sum::<f64>();
        let hlc_bytes = 30.0 + 3.0 * mean_digits((scenario.duration_s * 1e6) as u64);
        let bytes = lines as f64 * (LINE_BYTES_WITHOUT_CLOCK as f64 + clock_bytes)
            + ticks as f64 * hlc_bytes;
        Estimate {
            lines,
            bytes: bytes.ceil() as u64,
        }
    }

    /// What a run stopped at `cap` (`--max-log-size`) writes at most: the cap, and the lines in
    /// it. (Its stop lines go a little beyond: the margin of a few lines per machine.)
    pub fn capped(self, cap: Option<LogCap>) -> Estimate {
        match cap {
            Some(LogCap(cap)) if cap < self.bytes => Estimate {
                lines: (u128::from(self.lines) * u128::from(cap) / u128::from(self.bytes)) as u64,
                bytes: cap,
            },
            _ => self,
        }
    }

    /// The runs of a batch together.
    pub fn total(estimates: impl IntoIterator<Item = Estimate>) -> Estimate {
        estimates
            .into_iter()
            .fold(Estimate::default(), |sum, e| Estimate {
                lines: sum.lines.saturating_add(e.lines),
                bytes: sum.bytes.saturating_add(e.bytes),
            })
    }

    /// "38.7 billion lines, 29.7 TB".
    pub fn describe(&self) -> String {
        format!("{} lines, {}", count(self.lines), bytes(self.bytes))
    }
}

/// Why a run is refused before it starts: its logs would not fit.
#[derive(Debug, thiserror::Error)]
#[error(
    "the {} would write about {} of logs, but {} has {} free; \
     choose a shorter --duration, fewer machines or lower rates, another --out, \
     or cap the logs with --max-log-size (e.g. --max-log-size 500M)",
    what(*.runs), .estimate.describe(), .path.display(), bytes(*.free)
)]
pub struct TooLarge {
    /// How many runs the estimate adds up (1, or a batch's).
    pub runs: usize,
    pub estimate: Estimate,
    /// The file system's place checked (the output directory or its nearest existing parent).
    pub path: PathBuf,
    pub free: u64,
}

/// Check `estimate` (of `runs` runs) against the free space where `target` will be created:
/// refuse it when it does not fit; print it to standard error when it is large (unless `quiet`).
pub(crate) fn check(
    estimate: Estimate,
    runs: usize,
    target: &Path,
    quiet: bool,
) -> Result<(), TooLarge> {
    let path = existing_ancestor(target);
    // Free space unknown (a file system statvfs cannot read): nothing to refuse on.
    if let Some(free) = free_bytes(&path) {
        if estimate.bytes > free {
            return Err(TooLarge {
                runs,
                estimate,
                path,
                free,
            });
        }
    }
    if estimate.bytes >= LARGE_BYTES && !quiet {
        eprintln!(
            "logiclock: this {} will write about {} of logs",
            what(runs),
            estimate.describe()
        );
    }
    Ok(())
}

/// "run", or "batch of 3 runs".
fn what(runs: usize) -> String {
    match runs {
        1 => "run".to_owned(),
        n => format!("batch of {n} runs"),
    }
}

/// `path` or, when it is not a directory yet, its nearest parent that is one.
fn existing_ancestor(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    absolute
        .ancestors()
        .find(|p| p.is_dir())
        .unwrap_or(Path::new("/"))
        .to_owned()
}

/// Bytes an unprivileged process may still write on the file system holding `path`.
fn free_bytes(path: &Path) -> Option<u64> {
    if let Some(free) = std::env::var(TEST_FREE_BYTES_ENV)
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return Some(free);
    }
    let stat = nix::sys::statvfs::statvfs(path).ok()?;
    #[expect(
        clippy::useless_conversion,
        reason = "the field types differ between platforms"
    )]
    let free = u64::from(stat.blocks_available()).saturating_mul(u64::from(stat.fragment_size()));
    Some(free)
}

/// The mean number of decimal digits of the counts 1..=n.
fn mean_digits(n: u64) -> f64 {
    if n == 0 {
        return 1.0;
    }
    let (mut total, mut low, mut digits) = (0u128, 1u64, 1u128);
    while low <= n {
        let high = low.saturating_mul(10).saturating_sub(1).min(n);
        total += u128::from(high - low + 1) * digits;
        if high == n {
            break;
        }
        low = high + 1;
        digits += 1;
    }
    total as f64 / n as f64
}

/// "787", "128.1 thousand", "38.7 billion".
fn count(n: u64) -> String {
    let n = n as f64;
    match n {
        n if n >= 1e12 => format!("{:.1} trillion", n / 1e12),
        n if n >= 1e9 => format!("{:.1} billion", n / 1e9),
        n if n >= 1e6 => format!("{:.1} million", n / 1e6),
        n if n >= 1e4 => format!("{:.1} thousand", n / 1e3),
        n => format!("{n}"),
    }
}

/// "54.3 MB", "29.7 TB" (powers of 1,000, as `df -H`).
fn bytes(n: u64) -> String {
    let n = n as f64;
    match n {
        n if n >= 1e12 => format!("{:.1} TB", n / 1e12),
        n if n >= 1e9 => format!("{:.1} GB", n / 1e9),
        n if n >= 1e6 => format!("{:.1} MB", n / 1e6),
        n if n >= 1e3 => format!("{:.1} kB", n / 1e3),
        n => format!("{n} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::RateSpec;

    fn scenario(machines: u32, rate: u32, duration_s: f64) -> Scenario {
        Scenario {
            machines,
            rates: RateSpec::Fixed(vec![rate; machines as usize]),
            duration_s,
            ..Scenario::default()
        }
    }

    #[test]
    fn the_measured_runs_are_estimated_within_ten_percent_above() {
        // 64 machines at 1,000/s for 2 s by the twin: 128,128 lines, 60,833,145 bytes measured
        // (format 6; 54,262,111 before the hybrid clocks).
        let e = Estimate::of(&scenario(64, 1000, 2.0), Engine::Sim);
        assert_eq!(e.lines, 128_128);
        let ratio = e.bytes as f64 / 60_833_145.0;
        assert!((1.0..1.1).contains(&ratio), "{e:?}: {ratio}");
    }

    #[test]
    fn the_longest_largest_scenario_is_tens_of_terabytes() {
        let e = Estimate::of(&scenario(64, 1000, 604_800.0), Engine::Sim);
        assert_eq!(e.lines, 64 * 1000 * 604_800 + 128);
        assert!(e.describe().starts_with("38.7 billion lines, "), "{e:?}");
        assert!(e.bytes > 20_000_000_000_000, "{}", e.describe());
    }

    #[test]
    fn a_real_run_adds_its_peer_lines_and_a_batch_adds_up() {
        let real = Estimate::of(&scenario(3, 1, 10.0), Engine::Real);
        assert_eq!(real.lines, 30 + 3 * (2 + 4));
        let twice = Estimate::total([real, real]);
        assert_eq!((twice.lines, twice.bytes), (2 * real.lines, 2 * real.bytes));
    }

    #[test]
    fn a_capped_run_is_estimated_at_its_cap() {
        let e = Estimate::of(&scenario(64, 1000, 604_800.0), Engine::Sim);
        let capped = e.capped(Some(LogCap(500_000_000)));
        assert_eq!(capped.bytes, 500_000_000);
        assert!(capped.lines < e.lines / 1000, "{capped:?}");
        assert_eq!(e.capped(Some(LogCap(u64::MAX))), e);
        assert_eq!(e.capped(None), e);
    }

    #[test]
    fn mean_digits_counts_each_number_once() {
        assert_eq!(mean_digits(9), 1.0);
        assert_eq!(mean_digits(10), 1.1);
        assert_eq!(mean_digits(100), 192.0 / 100.0);
    }

    #[test]
    fn a_run_larger_than_the_free_space_is_refused_with_the_figures() {
        let dir = tempfile::tempdir().unwrap();
        let huge = Estimate {
            lines: 1,
            bytes: u64::MAX,
        };
        let err = check(huge, 1, &dir.path().join("not/yet"), true).unwrap_err();
        assert_eq!(err.path, dir.path());
        let text = err.to_string();
        assert!(
            text.contains("--duration")
                && text.contains("--out")
                && text.contains("--max-log-size"),
            "{text}"
        );
        assert!(check(Estimate::default(), 2, dir.path(), true).is_ok());
        let batch = check(huge, 2, dir.path(), true).unwrap_err().to_string();
        assert!(
            batch.starts_with("the batch of 2 runs would write"),
            "{batch}"
        );
    }
}
