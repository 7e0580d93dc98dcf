//! The one timestamp codec: RFC 3339 UTC with microseconds (`YYYY-MM-DDTHH:MM:SS.ffffffZ`), as
//! every log line and manifest record carries it, to and from microseconds since the Unix epoch.
//!
//! Both writers (a real machine's log, the twin's, the supervisor's records) format with it and
//! every reader parses with it. Both directions have a fast path: parsing the usual layout by hand
//! (the hot path of `analyze`), and a [`Stamper`] that redoes the date only when the second
//! changes (the twin's writer).

use std::fmt::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Microseconds since the Unix epoch of an RFC 3339 UTC timestamp.
///
/// The layout the machines write, `YYYY-MM-DDTHH:MM:SS.ffffffZ`, is decoded by hand (it is on
/// the hot path of `analyze`); anything else goes through `humantime`.
pub fn parse_micros(text: &str) -> Option<i64> {
    fast(text.as_bytes()).or_else(|| {
        let time = humantime::parse_rfc3339(text).ok()?;
        match time.duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_micros()).ok(),
            Err(e) => i64::try_from(e.duration().as_micros()).ok().map(|m| -m),
        }
    })
}

fn fast(b: &[u8]) -> Option<i64> {
    if b.len() != 27
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'.'
        || b[26] != b'Z'
    {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<i64> {
        b[from..to].iter().try_fold(0i64, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
        })
    };
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    let micros = num(20, 26)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None; // no such date: humantime refuses it too
    }
    if hour > 23 || minute > 59 {
        return None;
    }
    if second > 59 {
        return None; // a leap second: let humantime decide
    }
    let days = days_from_civil(year, month, day);
    Some(((days * 86_400 + hour * 3_600 + minute * 60 + second) * 1_000_000) + micros)
}

/// Days in `month` (1-12) of `year`, proleptic Gregorian.
fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Format microseconds since the epoch as the machines do (`YYYY-MM-DDTHH:MM:SS.ffffffZ`).
pub fn format_micros(micros: i64) -> String {
    let secs = micros.div_euclid(1_000_000);
    let sub = micros.rem_euclid(1_000_000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{sub:06}Z",
        rem / 3_600,
        rem / 60 % 60,
        rem % 60
    )
}

/// Microseconds since the Unix epoch of `at` (negative before it).
pub fn micros_of(at: SystemTime) -> i64 {
    match at.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_micros()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_micros()).map_or(i64::MIN, |m| -m),
    }
}

/// `at` as a log timestamp, `YYYY-MM-DDTHH:MM:SS.ffffffZ` (the wall clock's lines and records).
pub fn format_system(at: SystemTime) -> String {
    format_micros(micros_of(at))
}

/// `at` to the second, `YYYY-MM-DDTHH:MM:SSZ` (a default run directory's name).
pub fn format_seconds(at: SystemTime) -> String {
    let text = format_micros(micros_of(at).div_euclid(1_000_000) * 1_000_000);
    format!("{}Z", &text[..text.len() - ".000000Z".len()])
}

/// Formats the timestamps of a writer whose lines mostly share their second: the date and time
/// of day are redone only when the second changes. Writes what [`format_micros`] writes.
#[derive(Debug, Default)]
pub struct Stamper {
    second: Option<i64>,
    /// `YYYY-MM-DDTHH:MM:SS` of `second`.
    prefix: String,
}

impl Stamper {
    /// Replace `out` with the timestamp of `micros` since the Unix epoch.
    pub fn write(&mut self, micros: i64, out: &mut String) {
        let second = micros.div_euclid(1_000_000);
        if self.second != Some(second) {
            let text = format_micros(second * 1_000_000);
            self.prefix.clear();
            self.prefix.push_str(&text[..text.len() - ".000000Z".len()]);
            self.second = Some(second);
        }
        out.clear();
        out.push_str(&self.prefix);
        let sub = micros.rem_euclid(1_000_000);
        write!(out, ".{sub:06}Z").expect("writing to a String cannot fail");
    }
}

/// The instant `micros` microseconds after the Unix epoch.
pub fn system_of(micros: i64) -> SystemTime {
    let d = Duration::from_micros(micros.unsigned_abs());
    if micros >= 0 {
        UNIX_EPOCH + d
    } else {
        UNIX_EPOCH - d
    }
}

/// The date of a day count since 1970-01-01 (inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_path_agrees_with_humantime() {
        for text in [
            "1970-01-01T00:00:00.000000Z",
            "2026-11-21T08:26:36.993309Z",
            "2000-02-29T23:59:59.999999Z",
            "2100-03-01T00:00:00.000001Z",
        ] {
            let slow = humantime::parse_rfc3339(text)
                .unwrap()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_micros() as i64;
            assert_eq!(fast(text.as_bytes()), Some(slow), "{text}");
        }
    }

    #[test]
    fn a_day_the_month_does_not_have_is_no_timestamp() {
        for text in [
            "2026-02-30T00:00:00.000000Z",
            "2026-02-29T00:00:00.000000Z",
            "2100-02-29T00:00:00.000000Z",
            "2026-04-31T00:00:00.000000Z",
            "2026-02-30T00:00:00Z",
        ] {
            assert_eq!(parse_micros(text), None, "{text}");
        }
        assert!(parse_micros("2024-02-29T00:00:00.000000Z").is_some());
    }

    #[test]
    fn other_layouts_fall_back_and_garbage_is_none() {
        assert_eq!(parse_micros("1970-01-01T00:00:01Z"), Some(1_000_000));
        assert_eq!(parse_micros("1970-01-01T00:00:01.5Z"), Some(1_500_000));
        assert_eq!(parse_micros("yesterday"), None);
        assert_eq!(parse_micros("2026-13-21T08:26:36.993309Z"), None);
    }

    proptest::proptest! {
        /// What the codec writes it reads back, by either writer, and as humantime wrote it
        /// before (so the logs' bytes did not change): 1970 to 2200.
        #[test]
        fn what_it_writes_it_reads_back_and_humantime_wrote_the_same(
            micros in 0i64..7_258_118_400_000_000,
            step in 0i64..3_000_000,
        ) {
            let text = format_micros(micros);
            proptest::prop_assert_eq!(parse_micros(&text), Some(micros));
            proptest::prop_assert_eq!(
                &text,
                &humantime::format_rfc3339_micros(system_of(micros)).to_string()
            );
            proptest::prop_assert_eq!(format_system(system_of(micros)), text.clone());
            let mut stamper = Stamper::default();
            let mut out = String::new();
            for m in [micros, micros + step, micros] {
                stamper.write(m, &mut out);
                proptest::prop_assert_eq!(&out, &format_micros(m));
            }
            proptest::prop_assert_eq!(
                format_seconds(system_of(micros)),
                humantime::format_rfc3339_seconds(system_of(micros)).to_string()
            );
        }
    }

    #[test]
    fn formatting_round_trips() {
        for text in [
            "2026-11-21T08:26:36.000042Z",
            "2000-02-29T23:59:59.999999Z",
            "1970-01-01T00:00:00.000000Z",
        ] {
            assert_eq!(format_micros(parse_micros(text).unwrap()), text);
        }
    }
}
