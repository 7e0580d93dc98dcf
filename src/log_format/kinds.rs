//! The closed sets of strings in the log contract: fault kinds, fault phases and drop reasons.

use serde::{Deserialize, Serialize};

/// What a fault did, in a `fault` line and in the manifest's fault records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// A machine was killed on purpose (SIGKILL).
    Kill,
    /// A machine died without a fault asking for it.
    Died,
    /// A machine was frozen (SIGSTOP).
    Pause,
    /// A paused machine was let go on (SIGCONT).
    Resume,
    /// A killed machine was started again.
    Restart,
    /// A link's messages are held back (from its `begin` to its `end`).
    Delay,
    /// Links between two groups are cut (from its `begin` to its `end`, when it heals).
    Partition,
}

impl FaultKind {
    /// Every kind, in declaration order.
    pub const ALL: [FaultKind; 7] = [
        FaultKind::Kill,
        FaultKind::Died,
        FaultKind::Pause,
        FaultKind::Resume,
        FaultKind::Restart,
        FaultKind::Delay,
        FaultKind::Partition,
    ];

    /// The kind as written in logs and manifests.
    pub fn as_str(self) -> &'static str {
        match self {
            FaultKind::Kill => "kill",
            FaultKind::Died => "died",
            FaultKind::Pause => "pause",
            FaultKind::Resume => "resume",
            FaultKind::Restart => "restart",
            FaultKind::Delay => "delay",
            FaultKind::Partition => "partition",
        }
    }
}

/// Where a fault stands, in a `fault` line (format 5) and in the manifest's fault records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultPhase {
    /// A fault that lasts begins: a pause (its record), a delay, a partition.
    Begin,
    /// A fault that lasted ends: a resume, a delay or partition ending, a paused machine's own
    /// line (written once it runs again).
    End,
    /// A fault without duration: a kill, a death, a restart.
    Instant,
}

impl FaultPhase {
    /// Every phase, in declaration order.
    pub const ALL: [FaultPhase; 3] = [FaultPhase::Begin, FaultPhase::End, FaultPhase::Instant];

    /// The phase as written in logs and manifests.
    pub fn as_str(self) -> &'static str {
        match self {
            FaultPhase::Begin => "begin",
            FaultPhase::End => "end",
            FaultPhase::Instant => "instant",
        }
    }
}

/// Why a message was dropped, in a `dropped` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DropReason {
    /// A partition in drop mode cut the link.
    #[serde(rename = "partition")]
    Partition,
    /// The recipient's connection is gone (it died or was killed).
    #[serde(rename = "peer gone")]
    PeerGone,
}

impl DropReason {
    /// Every reason, in declaration order.
    pub const ALL: [DropReason; 2] = [DropReason::Partition, DropReason::PeerGone];

    /// The reason as written in logs.
    pub fn as_str(self) -> &'static str {
        match self {
            DropReason::Partition => "partition",
            DropReason::PeerGone => "peer gone",
        }
    }
}

/// A closed set of wire strings, parsed and printed as they are written.
macro_rules! wire_strings {
    ($($t:ty),*) => {$(
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $t {
            type Err = String;
            fn from_str(text: &str) -> Result<$t, String> {
                <$t>::ALL
                    .into_iter()
                    .find(|k| k.as_str() == text)
                    .ok_or_else(|| format!("unknown {} {text:?}", stringify!($t)))
            }
        }
    )*};
}
wire_strings!(FaultKind, FaultPhase, DropReason);
