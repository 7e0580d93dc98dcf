//! The supervisor's messages after `config`, read from stdin for the machine's whole life:
//! `stop` (or the end of stdin) cancels the machine, faults are applied to the links at once, a
//! restarted peer is dialed again, and `peers` and `start` go on to the machine's main flow.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::BufReader;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::mesh::{self, Identity, LinkCommand};
use crate::control::{self, FromMachine, ToMachine};
use crate::fault::LinkState;
use crate::log_format::{emit, Event, FaultKind};

/// The messages the machine's main flow waits for.
#[derive(Debug)]
pub enum Control {
    Peers(Vec<Option<SocketAddr>>),
    Start(u64),
}

/// Where the commands go.
pub struct Targets {
    pub me: Identity,
    pub stop: CancellationToken,
    pub out: mpsc::UnboundedSender<FromMachine>,
    /// How this machine sends to each peer, by peer id.
    pub links: Arc<Vec<watch::Sender<LinkState>>>,
    /// News for each peer's link task, by peer id.
    pub link_commands: Vec<mpsc::UnboundedSender<LinkCommand>>,
    pub forward: mpsc::UnboundedSender<Control>,
}

/// Read control messages until stdin ends (the supervisor is gone: stop by ourselves).
pub async fn read(mut stdin: BufReader<tokio::io::Stdin>, targets: Targets) {
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
                tokio::spawn(async move {
                    match mesh::dial(addr, me, peer).await {
                        Ok(framed) => {
                            if let Some(tx) = link_commands.get(peer as usize) {
                                let _ = tx.send(LinkCommand::Connect(framed));
                            }
                        }
                        Err(e) => emit(&Event::Warning {
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
                peer,
                detail,
                link,
            })) => {
                let kind = match kind.parse::<FaultKind>() {
                    Ok(kind) => kind,
                    Err(e) => {
                        emit(&Event::Warning {
                            message: format!("control channel: {e}"),
                        });
                        continue;
                    }
                };
                let dead = matches!(kind, FaultKind::Kill | FaultKind::Died);
                emit(&Event::Fault { kind, peer, detail });
                if let (true, Some(tx)) = (dead, peer.and_then(|p| link_commands.get(p as usize))) {
                    let _ = tx.send(LinkCommand::Gone);
                }
                if let (Some(peer), Some(state)) = (peer, link) {
                    if let Some(tx) = targets.links.get(peer as usize) {
                        tx.send_replace(state);
                    }
                }
            }
            Ok(Some(ToMachine::Config(_))) => emit(&Event::Warning {
                message: "ignored a second config message".into(),
            }),
            Ok(None) => {
                targets.stop.cancel();
                return;
            }
            Err(e) => emit(&Event::Warning {
                message: format!("control channel: {e}"),
            }),
        }
    }
}
