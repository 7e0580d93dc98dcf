//! The hybrid logical clock's timestamp as the log and the wire carry it; its rules are the
//! model's (`crate::model::hlc`).

use serde::{Deserialize, Serialize};

/// An HLC timestamp, written `[l, c]` in the log.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(from = "(u64, u64)", into = "(u64, u64)")]
pub struct Hlc {
    /// The largest physical time heard of, model microseconds.
    pub l: u64,
    /// Events with this `l` before this one, in causal order.
    pub c: u64,
}

impl From<(u64, u64)> for Hlc {
    fn from((l, c): (u64, u64)) -> Hlc {
        Hlc { l, c }
    }
}

impl From<Hlc> for (u64, u64) {
    fn from(h: Hlc) -> (u64, u64) {
        (h.l, h.c)
    }
}
