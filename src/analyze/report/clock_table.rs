//! The clocks scored against the truth as a table (terminal and `report.md`): one row per clock,
//! exact figures plain, sampled ones marked `≈` with their 95% interval.

use std::fmt::Write as _;

use crate::analyze::run::sample::Estimate;
use crate::analyze::run::scores::ClockScores;

pub(super) const CLOCK_HEADERS: [&str; 7] = [
    "clock",
    "bytes/msg",
    "inverted msgs",
    "inverted steps",
    "inverted hb pairs",
    "orders concurrent",
    "against true time",
];

/// A share as a percentage: plain when exact, `≈x% [low–high]` when sampled.
fn share(e: &Estimate) -> String {
    if e.whole == 0 {
        return "-".to_owned();
    }
    if e.exact {
        format!("{}%", percent(e.share))
    } else {
        format!(
            "≈{}% [{}–{}]",
            percent(e.share),
            percent(e.low),
            percent(e.high)
        )
    }
}

/// A share in percent: two decimals, or three significant digits below 1%.
fn percent(x: f64) -> String {
    let p = 100.0 * x;
    if p == 0.0 || p >= 1.0 {
        return format!("{p:.2}");
    }
    let decimals = (2.0 - p.log10().floor()).clamp(2.0, 9.0) as usize;
    format!("{p:.decimals$}")
}

/// `part/whole`, the exact count of inverted edges.
fn count(part: u64, whole: u64) -> String {
    format!("{part}/{whole}")
}

/// One row per clock: physical, Lamport, HLC, then the vector clock (the truth).
pub(super) fn clock_rows(s: &ClockScores) -> Vec<Vec<String>> {
    s.clocks
        .iter()
        .map(|c| {
            vec![
                c.clock.label().to_owned(),
                c.bytes_per_message.to_string(),
                count(c.inverted_messages, c.messages),
                count(c.inverted_steps, c.steps),
                share(&c.inverted_pairs),
                share(&c.orders_concurrent),
                c.against_true_time.as_ref().map_or("-".to_owned(), share),
            ]
        })
        .collect()
}

/// What the table's figures are and which are sampled, in a few sentences.
pub(super) fn clock_note(s: &ClockScores) -> String {
    let mut out = String::from(
        "Happened-before from the vector clocks, true time from each line's timestamp. Exact: \
         inverted messages (receive not after its send) and steps (consecutive events of one \
         machine), Lamport's share of concurrent pairs ordered, and the inverted pairs of a \
         clock that inverts no edge (happened-before chains edges). ",
    );
    if s.sampled_events == s.events {
        let _ = write!(
            out,
            "Every pairwise share is counted over all {} events (the run fits the sample): exact.",
            s.events
        );
    } else {
        let l = &s.lamport_orders_concurrent_sampled;
        let _ = write!(
            out,
            "≈: estimated over every pair of a uniform sample of {} of the {} events (seed {:#x}), \
             95% interval in brackets (jackknife over events); the sample gives Lamport's ordering \
             share as {}.",
            s.sampled_events,
            s.events,
            s.sample_seed,
            share(l)
        );
    }
    if let Some(why) = &s.missing {
        let _ = write!(out, " Only Lamport and the vector clock: {why}.");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exact_share_reads_plain_and_a_sampled_one_carries_its_interval() {
        assert_eq!(share(&Estimate::exact(1, 8)), "12.50%");
        let sampled = Estimate {
            share: 0.125,
            part: 1,
            whole: 8,
            low: 0.1,
            high: 0.15,
            exact: false,
        };
        assert_eq!(share(&sampled), "≈12.50% [10.00–15.00]");
        assert_eq!(share(&Estimate::exact(0, 0)), "-");
        // Small shares keep three significant digits.
        assert_eq!(share(&Estimate::exact(5, 1_979_768)), "0.000253%");
        assert_eq!(share(&Estimate::exact(3, 1_000)), "0.300%");
    }
}
