//! The checks a run is judged by, in report order, each with its name and the rule it holds
//! the logs to.

/// The checks, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CheckId {
    Lamport,
    Matching,
    Lost,
    Skipped,
    Rate,
    Vector,
    Ended,
    Hlc,
}

pub(super) const ALL: [(CheckId, &str, &str); 8] = [
    (
        CheckId::Lamport,
        "lamport",
        "internal/send = previous + 1, recv = max(previous, msg_clock) + 1, stop = last clock",
    ),
    (
        CheckId::Matching,
        "matching",
        "every receive matches exactly one send (same link, same clock, FIFO order)",
    ),
    (
        CheckId::Lost,
        "lost",
        "nothing lost: sent and never received = receivers' stop queues + dropped + lost with a killed machine",
    ),
    (
        CheckId::Skipped,
        "skipped",
        "ticks numbered 1, 2, 3, ... but for skipped slots; skipped slots within tolerance",
    ),
    (
        CheckId::Rate,
        "rate",
        "achieved tick rates within tolerance of the configured ones",
    ),
    (
        CheckId::Vector,
        "vector",
        "vector clocks: own entry + 1 per event; a receive's vector = max(previous, the send's) + own 1, so it dominates the send's",
    ),
    (
        CheckId::Ended,
        "ended",
        "the run ran to its end: the manifest's outcome says completed (not missing, interrupted or stopped early) and every machine's last tick reaches its schedule for the run's duration (within tolerance, or a fault explains it)",
    ),
    (
        CheckId::Hlc,
        "hlc",
        "hybrid logical clocks: internal/send [l, c] = max(l, pt) with c + 1 or 0, recv by the paper's receive rule; l >= pt_us, l - pt_us within epsilon (the largest clock offset seen) plus a period, c bounded",
    ),
];
