//! How a machine process ended ([`MachineEnd`]), as the manifest records it: a tagged object,
//! with the text of version 1 manifests still read.

use serde::{Deserialize, Serialize};

/// How a machine process ended, as the supervisor saw it.
///
/// Written as a tagged object (`{"how": "exited", "code": 0}`); the text form of earlier
/// manifests ("exit 0", "killed by signal 9 (SIGKILL) (kill fault)", ...) is still read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "how", rename_all = "snake_case", from = "EndOnDisk")]
pub enum MachineEnd {
    /// It exited by itself with this code.
    Exited { code: i32 },
    /// A signal from outside the run ended it.
    Signaled { signal: i32 },
    /// A `kill` fault of the scenario ended it, on purpose.
    KilledByFault,
    /// The supervisor killed it because it did not stop within its grace period, or on a
    /// second Ctrl-C.
    KilledBySupervisor,
    /// Its end was never reported.
    Unknown,
}

impl MachineEnd {
    /// The end of a process that ended by itself (neither the supervisor nor a fault killed it).
    pub fn from_os(code: Option<i32>, signal: Option<i32>) -> MachineEnd {
        match (code, signal) {
            (Some(code), _) => MachineEnd::Exited { code },
            (None, Some(signal)) => MachineEnd::Signaled { signal },
            (None, None) => MachineEnd::Unknown,
        }
    }

    /// Whether something other than the process itself ended it: a signal or a kill.
    pub fn killed(self) -> bool {
        matches!(
            self,
            MachineEnd::Signaled { .. }
                | MachineEnd::KilledByFault
                | MachineEnd::KilledBySupervisor
        )
    }

    /// Read the text form of manifests written before this enum.
    pub fn from_legacy(text: &str) -> MachineEnd {
        if text.ends_with("(kill fault)") {
            return MachineEnd::KilledByFault;
        }
        if text.ends_with("(killed by the supervisor)") {
            return MachineEnd::KilledBySupervisor;
        }
        let number = |rest: &str| rest.split_whitespace().next()?.parse::<i32>().ok();
        if let Some(code) = text.strip_prefix("exit ").and_then(number) {
            return MachineEnd::Exited { code };
        }
        if let Some(signal) = text.strip_prefix("killed by signal ").and_then(number) {
            return MachineEnd::Signaled { signal };
        }
        MachineEnd::Unknown
    }
}

/// The text form of version 1 manifests ("exit 0", "killed by signal 9 (SIGKILL)", ...).
impl From<&str> for MachineEnd {
    fn from(text: &str) -> MachineEnd {
        MachineEnd::from_legacy(text)
    }
}

impl std::fmt::Display for MachineEnd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            MachineEnd::Exited { code } => write!(f, "exit {code}"),
            MachineEnd::Signaled { signal } => {
                write!(f, "killed by signal {signal}{}", signal_name(signal))
            }
            MachineEnd::KilledByFault => f.write_str("killed by a kill fault"),
            MachineEnd::KilledBySupervisor => f.write_str("killed by the supervisor"),
            MachineEnd::Unknown => f.write_str("unknown"),
        }
    }
}

/// " (SIGKILL)" and the like for the signals a machine usually ends by; empty for others.
fn signal_name(signal: i32) -> &'static str {
    match signal {
        libc::SIGKILL => " (SIGKILL)",
        libc::SIGTERM => " (SIGTERM)",
        libc::SIGINT => " (SIGINT)",
        libc::SIGSEGV => " (SIGSEGV)",
        libc::SIGABRT => " (SIGABRT)",
        _ => "",
    }
}

/// Either form of [`MachineEnd`] on disk: the tagged object, or the text of manifest version 1.
#[derive(Deserialize)]
#[serde(untagged)]
enum EndOnDisk {
    Tagged(Tagged),
    Legacy(String),
}

/// The tagged form, read without the `from` conversion (which would recurse).
#[derive(Deserialize)]
#[serde(tag = "how", rename_all = "snake_case")]
enum Tagged {
    Exited { code: i32 },
    Signaled { signal: i32 },
    KilledByFault,
    KilledBySupervisor,
    Unknown,
}

impl From<EndOnDisk> for MachineEnd {
    fn from(on_disk: EndOnDisk) -> MachineEnd {
        match on_disk {
            EndOnDisk::Legacy(text) => MachineEnd::from_legacy(&text),
            EndOnDisk::Tagged(Tagged::Exited { code }) => MachineEnd::Exited { code },
            EndOnDisk::Tagged(Tagged::Signaled { signal }) => MachineEnd::Signaled { signal },
            EndOnDisk::Tagged(Tagged::KilledByFault) => MachineEnd::KilledByFault,
            EndOnDisk::Tagged(Tagged::KilledBySupervisor) => MachineEnd::KilledBySupervisor,
            EndOnDisk::Tagged(Tagged::Unknown) => MachineEnd::Unknown,
        }
    }
}
