//! `--max-log-size`: a cap on a run's total log bytes, reached as a planned stop short of the
//! duration, in both engines. The twin stops at the event where its logs reach the cap; a real
//! machine gets its share (cap / machines) and asks the supervisor for an orderly stop when its
//! log reaches it. Either way every log ends with its stop line, and the run is not clean (exit 1)
//! with the reason in its manifest.

use std::fmt;
use std::str::FromStr;

/// A cap on a run's log bytes, as `--max-log-size` gives it: `500M`, `2G`, `1.5GB`, `2GiB` or a
/// number of bytes. Units are powers of 1,000 (K, M, G, T) or of 1,024 (Ki, Mi, Gi, Ti), as the
/// size estimate prints them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LogCap(pub u64);

/// Why a `--max-log-size` value cannot be read.
#[derive(Debug, thiserror::Error)]
#[error(
    "{0:?} is not a size: give bytes or a number with K, M, G or T (e.g. 500M, 2G), at least 1 kB"
)]
pub struct BadSize(String);

impl LogCap {
    /// The manifest's reason for a run this cap stopped, in both engines.
    pub fn reason(self) -> String {
        format!("stopped: log size cap of {self} reached")
    }

    /// A machine's share of the cap in a run of `machines`.
    pub fn share(self, machines: u32) -> u64 {
        (self.0 / u64::from(machines.max(1))).max(1)
    }
}

impl FromStr for LogCap {
    type Err = BadSize;

    fn from_str(text: &str) -> Result<LogCap, BadSize> {
        let bad = || BadSize(text.to_owned());
        let trimmed = text.trim();
        let split = trimmed
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(trimmed.len());
        let (number, unit) = trimmed.split_at(split);
        let number: f64 = number.parse().map_err(|_| bad())?;
        let unit = unit.trim().to_ascii_lowercase();
        let unit = unit.strip_suffix('b').unwrap_or(&unit);
        let scale: f64 = match unit {
            "" => 1.0,
            "k" => 1e3,
            "m" => 1e6,
            "g" => 1e9,
            "t" => 1e12,
            "ki" => 1024.0,
            "mi" => 1024.0 * 1024.0,
            "gi" => 1024.0 * 1024.0 * 1024.0,
            "ti" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
            _ => return Err(bad()),
        };
        let bytes = number * scale;
        // Below a kilobyte not even the start lines fit.
        if !bytes.is_finite() || bytes < 1e3 || bytes > u64::MAX as f64 {
            return Err(bad());
        }
        Ok(LogCap(bytes as u64))
    }
}

impl fmt::Display for LogCap {
    /// "500 MB", "1.5 GB", "12345 bytes": powers of 1,000, whole where the figure is.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let units = [(1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB")];
        let n = self.0 as f64;
        match units.iter().find(|(scale, _)| n >= *scale) {
            Some((scale, unit)) => {
                let figure = format!("{:.1}", n / scale);
                let figure = figure.strip_suffix(".0").unwrap_or(&figure);
                write!(f, "{figure} {unit}")
            }
            None => write!(f, "{} bytes", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_size_reads_bytes_and_decimal_or_binary_units() {
        let cap = |s: &str| s.parse::<LogCap>().unwrap().0;
        assert_eq!(cap("500M"), 500_000_000);
        assert_eq!(cap("2G"), 2_000_000_000);
        assert_eq!(cap("1.5GB"), 1_500_000_000);
        assert_eq!(cap("2GiB"), 2 << 30);
        assert_eq!(cap("123456"), 123_456);
        for bad in ["", "M", "5X", "-1G", "12", "1e3"] {
            assert!(bad.parse::<LogCap>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_cap_prints_as_the_estimate_does_and_shares_by_machine() {
        assert_eq!(LogCap(500_000_000).to_string(), "500 MB");
        assert_eq!(LogCap(1_500_000_000).to_string(), "1.5 GB");
        assert_eq!(LogCap(999).to_string(), "999 bytes");
        assert_eq!(LogCap(3_000_000).share(3), 1_000_000);
    }
}
