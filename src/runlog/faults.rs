//! Fault spans, paired in one place for every reader: a fault that lasts (a pause, a delay, a
//! partition) is a `begin` and an `end` ([`FaultPhase`]) under one key, in the manifest's fault
//! records or in the machines' `fault` lines. The plots pair records, the diagram pairs lines;
//! both pair them here.

use crate::log_format::FaultPhase;

/// A lasting fault: its begin and, unless it was still going on, its end.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Paired<T> {
    /// Index of the begin among the paired items, and its time.
    pub begin: (usize, T),
    /// Index of the end among the paired items, and its time; `None` while it goes on.
    pub end: Option<(usize, T)>,
}

/// Pair the begins and ends of `items` (each under a key, in time order): an end closes the open
/// span of its key; a second begin while its key is open (the other direction of a partition),
/// an end with none open and an instant change nothing. Spans in the order of their begins.
pub(crate) fn pair_spans<K: PartialEq, T: Copy>(
    items: impl IntoIterator<Item = (K, FaultPhase, T)>,
) -> Vec<Paired<T>> {
    let mut spans: Vec<Paired<T>> = Vec::new();
    // The key of each span still open, and its index in `spans`.
    let mut open: Vec<(K, usize)> = Vec::new();
    for (i, (key, phase, at)) in items.into_iter().enumerate() {
        let found = open.iter().position(|(k, _)| *k == key);
        match (phase, found) {
            (FaultPhase::Begin, None) => {
                open.push((key, spans.len()));
                spans.push(Paired {
                    begin: (i, at),
                    end: None,
                });
            }
            (FaultPhase::End, Some(k)) => {
                let (_, span) = open.remove(k);
                spans[span].end = Some((i, at));
            }
            (FaultPhase::Begin, Some(_)) | (FaultPhase::End, None) | (FaultPhase::Instant, _) => {}
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use FaultPhase::{Begin, End, Instant};

    #[test]
    fn ends_close_the_open_span_of_their_key_and_the_rest_stays_open() {
        let items = [
            ("a", Begin, 1),
            ("b", Begin, 2),
            ("a", Begin, 3),
            ("x", Instant, 4),
            ("a", End, 5),
            ("a", End, 6),
            ("c", End, 7),
        ];
        let spans = pair_spans(items);
        assert_eq!(
            spans,
            [
                Paired {
                    begin: (0, 1),
                    end: Some((4, 5))
                },
                Paired {
                    begin: (1, 2),
                    end: None
                },
            ]
        );
    }
}
