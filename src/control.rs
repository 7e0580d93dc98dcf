//! The control channel between the supervisor and a machine process: one JSON object per line,
//! supervisor to machine on the child's stdin, machine to supervisor on its stdout.
//!
//! The conversation: `config` -> `listening` -> `peers` -> `mesh_ready` -> `start` ->
//! (`status` ...) -> `stop` -> `stopped`. A machine whose stdin closes treats it as `stop`: its
//! supervisor is gone. A machine that cannot go on says `failed`, or `log_failed` when it cannot
//! write its log, and exits.

use std::net::SocketAddr;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::fault::LinkState;
use crate::log_format::{FaultKind, FaultPhase};
use crate::model::machine::StopReport;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};

/// What one machine needs to know before it listens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct MachineConfig {
    pub id: u32,
    pub machines: u32,
    /// Ticks per model second.
    pub rate: u32,
    /// Real time between ticks, nanoseconds.
    pub interval_ns: u64,
    /// Real time the run lasts from its start, nanoseconds: the machine's own end
    /// ([`crate::model::schedule`]'s end rule), kept even when the stop comes late.
    pub run_ns: u64,
    pub seed: u64,
    pub die: u32,
    /// Address to listen on (port 0: the system chooses).
    pub listen: SocketAddr,
    /// Shared by this run's machines only; proves a connection belongs to the run.
    #[serde(with = "hex_u128")]
    pub secret: u128,
    /// Where the machine writes its log.
    pub run_dir: PathBuf,
    /// 0 for the first process of this machine, 1 and up for restarts after a kill fault.
    #[serde(default)]
    pub incarnation: u32,
    /// This machine's share of `--max-log-size` in bytes: once its log reaches it, it says
    /// `log_cap_reached` (and ticks on until told to stop).
    #[serde(default)]
    pub log_share: Option<u64>,
    /// The scenario's `[physical_clock]`; absent, the machine's physical clock reads true time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub physical_clock: Option<crate::model::physical::PhysicalClockSpec>,
}

/// Supervisor to machine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum ToMachine {
    Config(MachineConfig),
    /// Listening address of every machine, indexed by id; `None` for a machine that is gone.
    Peers {
        addrs: Vec<Option<SocketAddr>>,
    },
    /// Machine `peer` was restarted and listens at `addr`: connect to it again.
    Rejoin {
        peer: u32,
        addr: SocketAddr,
    },
    /// Start ticking at this system time (microseconds since the Unix epoch).
    Start {
        at_unix_us: u64,
    },
    /// A fault concerning this machine: log it, and apply `link` to how it sends to `peer`.
    Fault {
        kind: FaultKind,
        phase: FaultPhase,
        peer: Option<u32>,
        detail: String,
        link: Option<LinkState>,
    },
    Stop,
}

/// Machine to supervisor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum FromMachine {
    Listening {
        addr: SocketAddr,
    },
    /// Connected to every peer, and every peer connected to it.
    MeshReady,
    /// The machine got `stop` and is stopping: it has stopped ticking and is draining.
    Stopping,
    /// A periodic view of the tick loop, for the live display.
    Status {
        tick: u64,
        lamport: u64,
        queue: u64,
    },
    /// Its log reached its share of `--max-log-size`: the supervisor stops the run in order.
    LogCapReached,
    /// The machine stopped and flushed its log.
    Stopped(StopReport),
    /// The machine cannot go on.
    Failed {
        message: String,
    },
    /// The machine cannot write its log (a full disk): it stopped ticking at once and exits with
    /// [`EXIT_LOG_FAILED`].
    LogFailed {
        /// The run directory.
        dir: PathBuf,
        /// The operating system's error, as it says it ("No space left on device").
        error: String,
    },
}

/// Exit code of a machine that could not write its log; distinct from 1 (any other failure)
/// and from a panic's 101, so that a supervisor or a person reading `$?` can tell.
pub(crate) const EXIT_LOG_FAILED: u8 = 3;

/// Write one control message as a JSON line and flush it.
pub(crate) async fn send<W: AsyncWrite + Unpin, M: Serialize>(
    out: &mut W,
    msg: &M,
) -> std::io::Result<()> {
    let mut line = serde_json::to_vec(msg).expect("control messages always serialize");
    line.push(b'\n');
    out.write_all(&line).await?;
    out.flush().await
}

/// Read the next control message; `Ok(None)` at end of input.
pub(crate) async fn recv<R: AsyncBufRead + Unpin, M: for<'de> Deserialize<'de>>(
    input: &mut R,
) -> std::io::Result<Option<M>> {
    let mut line = String::new();
    if input.read_line(&mut line).await? == 0 {
        return Ok(None);
    }
    serde_json::from_str(&line).map(Some).map_err(|e| {
        let shown: String = line.trim_end().chars().take(60).collect();
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("bad control message {shown:?}...: {e}"),
        )
    })
}

/// A `u128` as a hex string: JSON numbers that large do not survive every reader.
mod hex_u128 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(value: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{value:032x}"))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        let text = String::deserialize(d)?;
        u128::from_str_radix(&text, 16).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn messages_round_trip_as_json_lines() {
        let config = ToMachine::Config(MachineConfig {
            id: 1,
            machines: 3,
            rate: 6,
            interval_ns: 1_000_000,
            run_ns: 1_000_000_000,
            seed: u64::MAX,
            die: 10,
            listen: "127.0.0.1:0".parse().unwrap(),
            secret: u128::MAX - 5,
            run_dir: "/tmp/x".into(),
            incarnation: 2,
            log_share: Some(1_000_000),
            physical_clock: Some(crate::model::physical::PhysicalClockSpec {
                granularity_us: 1_000,
                ..Default::default()
            }),
        });
        let mut buf = Vec::new();
        send(&mut buf, &config).await.unwrap();
        send(&mut buf, &ToMachine::Stop).await.unwrap();
        let mut input = &buf[..];
        assert_eq!(
            recv::<_, ToMachine>(&mut input).await.unwrap(),
            Some(config)
        );
        assert_eq!(
            recv::<_, ToMachine>(&mut input).await.unwrap(),
            Some(ToMachine::Stop)
        );
        assert_eq!(recv::<_, ToMachine>(&mut input).await.unwrap(), None);
    }
}
