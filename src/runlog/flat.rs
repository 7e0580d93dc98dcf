//! One log line read field by field, borrowing from the line: the fast path of the one parser,
//! private to [`super::line`], which builds the contract's event from it.

use serde::Deserialize;

/// One log line read field by field: the fast path for readers of long logs (`analyze`).
///
/// Unlike [`crate::log_format::LogLine`] it does not buffer the line to find the event first: every event field is an
/// `Option` at the top level, and the event name and timestamp are borrowed from the line. Which
/// fields an event must have is the reader's business; the names are the same as in
/// [`crate::log_format::Event`].
#[derive(Debug, Default, Deserialize)]
pub(super) struct FlatLine<'a> {
    #[serde(borrow)]
    pub(super) timestamp: &'a str,
    pub(super) machine: u32,
    #[serde(borrow)]
    pub(super) event: &'a str,
    pub(super) format: Option<u32>,
    pub(super) rate: Option<u32>,
    pub(super) interval_us: Option<u64>,
    pub(super) machines: Option<u32>,
    pub(super) tick: Option<u64>,
    pub(super) lamport: Option<u64>,
    pub(super) late_us: Option<u64>,
    pub(super) to: Option<IdSet>,
    pub(super) from: Option<u32>,
    pub(super) msg_clock: Option<u64>,
    pub(super) queue: Option<u64>,
    pub(super) first: Option<u64>,
    pub(super) count: Option<u64>,
    pub(super) ticks: Option<u64>,
    pub(super) skipped: Option<u64>,
    pub(super) cpu_ms: Option<u64>,
    pub(super) max_rss_kb: Option<u64>,
    /// Vector clock of a tick event (format 2 and up).
    pub(super) vc: Option<Vec<u64>>,
    /// Physical clock and hybrid logical clocks of a tick event (format 6 and up).
    pub(super) pt_us: Option<u64>,
    pub(super) hlc: Option<crate::log_format::Hlc>,
    pub(super) msg_hlc: Option<crate::log_format::Hlc>,
    pub(super) offset_rejected: Option<bool>,
    pub(super) peer: Option<u32>,
    pub(super) incarnation: Option<u32>,
    // Text fields of the rarer events; `Cow` because they may hold escapes.
    #[serde(borrow)]
    pub(super) kind: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) addr: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) reason: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) phase: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) detail: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    pub(super) message: Option<std::borrow::Cow<'a, str>>,
}

/// A set of machine ids below 64 (the most a scenario may have), read from a JSON array
/// without allocating.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct IdSet(u64);

impl IdSet {
    /// The ids in the set, ascending.
    pub(super) fn iter(self) -> impl Iterator<Item = u32> {
        (0..64u32).filter(move |i| self.0 & (1u64 << i) != 0)
    }
}

impl<'de> Deserialize<'de> for IdSet {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<IdSet, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = IdSet;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an array of machine ids below 64, or one id")
            }
            // `dropped` lines of formats 1 and 2 name their one recipient bare.
            fn visit_u64<E: serde::de::Error>(self, id: u64) -> Result<IdSet, E> {
                if id >= 64 {
                    return Err(E::custom(format!(
                        "machine id {id} out of range (at most 63)"
                    )));
                }
                Ok(IdSet(1u64 << id))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<IdSet, A::Error> {
                let mut set = 0u64;
                while let Some(id) = seq.next_element::<u32>()? {
                    if id >= 64 {
                        return Err(serde::de::Error::custom(format!(
                            "machine id {id} out of range (at most 63)"
                        )));
                    }
                    set |= 1u64 << id;
                }
                Ok(IdSet(set))
            }
        }
        // `any`: a `dropped` line of format 1 or 2 has a number where a `send` line has an array.
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flat_line_reads_the_same_fields_as_a_log_line() {
        let text = r#"{"timestamp":"2026-01-01T00:00:00.000001Z","machine":2,"event":"send","tick":7,"lamport":12,"to":[0,1],"late_us":3}"#;
        let flat: FlatLine = serde_json::from_str(text).unwrap();
        assert_eq!(flat.event, "send");
        assert_eq!(flat.lamport, Some(12));
        assert_eq!(flat.to.unwrap().iter().collect::<Vec<_>>(), vec![0, 1]);
        assert_eq!(flat.from, None);
        let bad = serde_json::from_str::<FlatLine>(
            r#"{"timestamp":"x","machine":2,"event":"send","to":[64]}"#,
        );
        assert!(bad.unwrap_err().to_string().contains("out of range"));
    }
}
