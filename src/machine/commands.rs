//! The supervisor's messages after `config`, read from stdin for the machine's whole life:
//! `stop` (or the end of stdin) cancels the machine, faults are applied to the links at once, a
//! restarted peer is dialed again, and `peers` and `start` go on to the machine's main flow.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::BufReader;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::link::Setting;
use super::log_writer::MachineLog;
use super::mesh::{self, Identity, LinkCommand};
use crate::control::{self, FromMachine, ToMachine};
use crate::fault::LinkState;
use crate::log_format::{Event, FaultKind};

/// The messages the machine's main flow waits for.
#[derive(Debug)]
pub(crate) enum Control {
    Peers(Vec<Option<SocketAddr>>),
    Start(u64),
}

/// The control channel as the machine's phases see it.
pub(crate) struct ControlChannel {
    /// Cancelled by `stop`, or by the end of stdin (the supervisor is gone).
    pub stop: CancellationToken,
    /// `peers` and `start`, in the order they came.
    forwarded: mpsc::UnboundedReceiver<Control>,
    /// How this machine sends to each peer (indexed by peer id); faults change it.
    pub links: Arc<Vec<watch::Sender<Setting>>>,
    /// Each peer's link state and news (dead, or restarted with a new connection), for its link
    /// task, taken when that task starts.
    pub link_ends: Vec<Option<LinkEnds>>,
    /// The machine's log, for every task that has something to write.
    pub log: MachineLog,
}

/// The receiving ends a link task needs from the control channel.
pub(crate) struct LinkEnds {
    pub state: watch::Receiver<Setting>,
    pub commands: mpsc::UnboundedReceiver<LinkCommand>,
}

impl ControlChannel {
    /// Start reading the control channel: `stop` or the end of stdin cancel `stop`; faults are
    /// applied there; the rest comes to `forwarded`.
    pub(crate) fn follow(
        me: Identity,
        stdin: BufReader<tokio::io::Stdin>,
        out: &mpsc::UnboundedSender<FromMachine>,
        log: MachineLog,
    ) -> ControlChannel {
        let (links, states): (Vec<_>, Vec<_>) = (0..me.machines)
            .map(|_| watch::channel(Setting::now(LinkState::default())))
            .unzip();
        let links = Arc::new(links);
        let (link_commands, link_command_rxs): (Vec<_>, Vec<_>) =
            (0..me.machines).map(|_| mpsc::unbounded_channel()).unzip();
        let link_ends = states
            .into_iter()
            .zip(link_command_rxs)
            .map(|(state, commands)| Some(LinkEnds { state, commands }))
            .collect();
        let stop = CancellationToken::new();
        let (forward, forwarded) = mpsc::unbounded_channel();
        tokio::spawn(read(
            stdin,
            Targets {
                me,
                stop: stop.clone(),
                out: out.clone(),
                links: links.clone(),
                link_commands,
                forward,
                log: log.clone(),
            },
        ));
        ControlChannel {
            stop,
            forwarded,
            links,
            link_ends,
            log,
        }
    }

    /// The next of `peers` and `start`; `None` once stopped or when the supervisor is gone
    /// (which also closes the channel). `biased`: a stop wins.
    pub(crate) async fn next(&mut self) -> Option<Control> {
        tokio::select! {
            biased;
            _ = self.stop.cancelled() => None,
            msg = self.forwarded.recv() => msg,
        }
    }
}

/// Where the commands go.
pub(crate) struct Targets {
    pub me: Identity,
    pub stop: CancellationToken,
    pub out: mpsc::UnboundedSender<FromMachine>,
    /// How this machine sends to each peer, by peer id.
    pub links: Arc<Vec<watch::Sender<Setting>>>,
    /// News for each peer's link task, by peer id.
    pub link_commands: Vec<mpsc::UnboundedSender<LinkCommand>>,
    pub forward: mpsc::UnboundedSender<Control>,
    pub log: MachineLog,
}

/// Read control messages until stdin ends (the supervisor is gone: stop by ourselves).
pub(crate) async fn read(mut stdin: BufReader<tokio::io::Stdin>, targets: Targets) {
    let link_commands = Arc::new(targets.link_commands);
    loop {
        match control::recv::<_, ToMachine>(&mut stdin).await {
            Ok(Some(ToMachine::Peers { addrs })) => {
                let _ = targets.forward.send(Control::Peers(addrs));
            }
            Ok(Some(ToMachine::Start { at_unix_us })) => {
                let _ = targets.forward.send(Control::Start(at_unix_us));
            }
            Ok(Some(ToMachine::Rejoin { peer, addr })) => {
                let link_commands = link_commands.clone();
                let me = targets.me;
                let log = targets.log.clone();
                tokio::spawn(async move {
                    match mesh::dial(addr, me, peer).await {
                        Ok(framed) => {
                            if let Some(tx) = link_commands.get(peer as usize) {
                                let _ = tx.send(LinkCommand::Connect(framed));
                            }
                        }
                        Err(e) => log.write(Event::Warning {
                            message: format!("failed to reconnect: {e}"),
                        }),
                    }
                });
            }
            Ok(Some(ToMachine::Stop)) => {
                targets.stop.cancel();
                let _ = targets.out.send(FromMachine::Stopping);
            }
            Ok(Some(ToMachine::Fault {
                kind,
                phase,
                peer,
                detail,
                link,
            })) => {
                let dead = matches!(kind, FaultKind::Kill | FaultKind::Died);
                targets.log.write(Event::Fault {
                    kind,
                    phase,
                    peer,
                    detail,
                });
                if let (true, Some(tx)) = (dead, peer.and_then(|p| link_commands.get(p as usize))) {
                    let _ = tx.send(LinkCommand::Gone);
                }
                if let (Some(peer), Some(state)) = (peer, link) {
                    if let Some(tx) = targets.links.get(peer as usize) {
                        tx.send_replace(Setting::now(state));
                    }
                }
            }
            Ok(Some(ToMachine::Config(_))) => targets.log.write(Event::Warning {
                message: "ignored a second config message".into(),
            }),
            Ok(None) => {
                targets.stop.cancel();
                return;
            }
            Err(e) => targets.log.write(Event::Warning {
                message: format!("control channel: {e}"),
            }),
        }
    }
}
