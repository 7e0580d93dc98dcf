//! Strangers on a machine's port, bounded: how many connections may wait for a handshake, and
//! how refused connections are logged without letting a flood fill the log.
//!
//! Each period, the first [`DETAILED_PER_PERIOD`] refusals get a `refused` line of their own
//! (`count` 1); the rest are counted, and the period ends with one `refused` line whose `count`
//! says how many connections it stands for (its `addr` and `reason` are the last one's). So the
//! counts of a log's `refused` lines add up to every connection refused, and a flood costs at most
//! a few lines per period.

use std::time::Duration;

use crate::log_format::Event;

/// Most connections that may wait for their handshake at once; one beyond it is closed at once.
/// Each waiting connection costs a task and a buffer of at most one frame (about 1 KiB), so
/// strangers can take at most about 64 KiB, far below the machine's 32 MiB bound; a real peer
/// sends its hello at once, so 64 leaves room for a 64-machine mesh dialing in together.
pub const MAX_PENDING_HANDSHAKES: usize = 64;
/// Refusals logged line by line in each period before they are only counted.
pub const DETAILED_PER_PERIOD: u32 = 10;
/// How often the count of refusals without a line of their own is written.
pub const SUMMARY_PERIOD: Duration = Duration::from_secs(10);

/// The refusals of the current period.
#[derive(Debug, Default)]
pub struct Refusals {
    /// Lines written this period.
    detailed: u32,
    /// Refusals counted without a line this period.
    held: u64,
    /// The last counted refusal's address and reason.
    last: Option<(String, String)>,
}

impl Refusals {
    /// A refused connection: its own line while the period's budget lasts, else counted.
    pub fn refuse(&mut self, addr: String, reason: String) -> Option<Event> {
        if self.detailed < DETAILED_PER_PERIOD {
            self.detailed += 1;
            return Some(Event::Refused {
                addr,
                reason,
                count: 1,
            });
        }
        self.held += 1;
        self.last = Some((addr, reason));
        None
    }

    /// The end of a period: the line for the refusals counted in it, if any; a new budget.
    pub fn end_period(&mut self) -> Option<Event> {
        self.detailed = 0;
        let (addr, reason) = self.last.take()?;
        Some(Event::Refused {
            addr,
            reason,
            count: std::mem::take(&mut self.held),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(event: &Event) -> u64 {
        match event {
            Event::Refused { count, .. } => *count,
            other => panic!("not a refused line: {other:?}"),
        }
    }

    #[test]
    fn a_flood_costs_the_detailed_lines_and_one_summary_per_period_and_nothing_is_uncounted() {
        let mut refusals = Refusals::default();
        let mut lines = Vec::new();
        for period in 0..3 {
            for i in 0..1000 {
                lines.extend(refusals.refuse(format!("127.0.0.1:{i}"), format!("p{period}")));
            }
            lines.extend(refusals.end_period());
        }
        assert_eq!(lines.len(), 3 * (DETAILED_PER_PERIOD as usize + 1));
        assert_eq!(lines.iter().map(count).sum::<u64>(), 3000);
        assert_eq!(count(&lines[DETAILED_PER_PERIOD as usize]), 990);
    }

    #[test]
    fn a_quiet_period_writes_no_summary() {
        let mut refusals = Refusals::default();
        assert!(refusals.refuse("a".into(), "r".into()).is_some());
        assert!(refusals.end_period().is_none());
    }
}
