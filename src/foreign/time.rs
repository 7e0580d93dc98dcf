//! Timestamps as students write them, to microseconds since the Unix epoch: RFC 3339 with any
//! offset and a fraction of up to 9 digits, or seconds since the epoch as a number.
//!
//! The calendar is the log contract's ([`parse_micros`]): the date and time of day are rewritten
//! in its UTC layout and the offset is subtracted. Fractions below the microsecond are dropped
//! (rounded toward the past).

use crate::log_format::timestamp::parse_micros;

/// Microseconds since the Unix epoch of `YYYY-MM-DDTHH:MM:SS[.f]` followed by `Z` or `±HH:MM`
/// (`t` or a space may stand for `T`, `z` for `Z`), or by nothing: a time without an offset, as
/// Python's `isoformat()` writes a naive `datetime`, is taken as UTC.
pub(crate) fn rfc3339_micros(text: &str) -> Option<i64> {
    let b = text.trim().as_bytes();
    // ASCII up to the seconds, so the slices below fall on character boundaries.
    if b.len() < 19 || !b[..19].is_ascii() || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let date_time = std::str::from_utf8(&b[..19]).ok()?;
    let mut rest = &b[19..];
    let mut fraction = String::new();
    if let Some(after) = rest.strip_prefix(b".") {
        let digits = after.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 || digits > 9 {
            return None;
        }
        fraction.extend(after[..digits.min(6)].iter().map(|&c| c as char));
        rest = &after[digits..];
    }
    while fraction.len() < 6 {
        fraction.push('0');
    }
    let offset_s: i64 = match rest {
        b"Z" | b"z" | b"" => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let digit = |c: u8| c.is_ascii_digit().then(|| i64::from(c - b'0'));
            let (hours, minutes) = (
                digit(*h1)? * 10 + digit(*h2)?,
                digit(*m1)? * 10 + digit(*m2)?,
            );
            if hours > 23 || minutes > 59 {
                return None;
            }
            let s = hours * 3_600 + minutes * 60;
            if *sign == b'-' {
                -s
            } else {
                s
            }
        }
        _ => return None,
    };
    let utc_layout = format!("{}T{}.{fraction}Z", &date_time[..10], &date_time[11..]);
    Some(parse_micros(&utc_layout)? - offset_s * 1_000_000)
}

/// Microseconds of a number of seconds since the epoch written as decimal text (`1700000000`,
/// `1700000000.25`, `1.7e9`): exact for plain decimals, through `f64` with an exponent.
pub(crate) fn epoch_seconds_micros(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.contains(['e', 'E']) {
        let seconds: f64 = text.parse().ok()?;
        let micros = (seconds * 1e6).round();
        return (micros.is_finite() && micros.abs() < 9.0e18).then_some(micros as i64);
    }
    let (negative, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let mut sub = 0i64;
    for (i, c) in fraction.bytes().take(6).enumerate() {
        sub += i64::from(c - b'0') * 10i64.pow(5 - i as u32);
    }
    let micros = whole.checked_mul(1_000_000)?.checked_add(sub)?;
    Some(if negative { -micros } else { micros })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_fractions_of_any_length_read_as_the_same_instant() {
        let utc = rfc3339_micros("2026-12-03T04:00:00.250000Z").unwrap();
        assert_eq!(utc, parse_micros("2026-12-03T04:00:00.250000Z").unwrap());
        for text in [
            "2026-12-03T06:00:00.25+02:00",
            "2026-12-03T06:00:00.250000999+02:00",
            "2026-12-02T23:30:00.25-04:30",
            "2026-12-03 04:00:00.250z",
            "2026-12-03t04:00:00.250Z",
            // No offset: UTC, as Python's isoformat() writes a naive datetime.
            "2026-12-03T04:00:00.25",
        ] {
            assert_eq!(rfc3339_micros(text), Some(utc), "{text}");
        }
        assert_eq!(rfc3339_micros("2026-12-03T04:00:00Z"), Some(utc - 250_000));
    }

    #[test]
    fn what_is_not_rfc_3339_is_none() {
        for text in [
            "",
            "yesterday",
            "2026-12-03",
            "2026-12-03T04:00",
            "2026-12-03T04:00:00.Z",
            "2026-12-03T04:00:00.1234567890Z",
            "2026-12-03T04:00:00+2:00",
            "2026-12-03T04:00:00+24:00",
            "2026-13-03T04:00:00Z",
            "2026-12-03T04:00:00Zjunk",
            "2026-12-0é04:00:00Z",
            "2026-12-03Té04:00:00Z",
        ] {
            assert_eq!(rfc3339_micros(text), None, "{text:?}");
        }
    }

    #[test]
    fn epoch_seconds_are_exact_to_the_microsecond() {
        assert_eq!(
            epoch_seconds_micros("1700000000"),
            Some(1_700_000_000_000_000)
        );
        assert_eq!(
            epoch_seconds_micros("1700000000.123456"),
            Some(1_700_000_000_123_456)
        );
        assert_eq!(
            epoch_seconds_micros("1700000000.1234569"),
            Some(1_700_000_000_123_456)
        );
        assert_eq!(epoch_seconds_micros("1.5e0"), Some(1_500_000));
        assert_eq!(epoch_seconds_micros("-1.5"), Some(-1_500_000));
        for bad in ["", "five", "1.2.3", ".5", "1e999", "99999999999999999999"] {
            assert_eq!(epoch_seconds_micros(bad), None, "{bad:?}");
        }
    }

    proptest::proptest! {
        /// Whatever the text, no panic; and a parsed instant is written back to the same one.
        #[test]
        fn any_text_parses_or_not_without_a_panic(text in "\\PC{0,40}", micros in 0i64..7_258_118_400_000_000) {
            let _ = rfc3339_micros(&text);
            let _ = epoch_seconds_micros(&text);
            let utc = crate::log_format::timestamp::format_micros(micros);
            proptest::prop_assert_eq!(rfc3339_micros(&utc), Some(micros));
            let seconds = format!("{}.{:06}", micros / 1_000_000, micros % 1_000_000);
            proptest::prop_assert_eq!(epoch_seconds_micros(&seconds), Some(micros));
        }
    }
}
