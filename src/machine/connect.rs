//! The set-up phases of a machine: listen on its port, accept its peers' connections, dial each
//! peer and start its link task, and wait until every peer has dialed back.

use std::net::SocketAddr;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_util::codec::Framed;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::commands::{self, ControlChannel};
use super::link;
use super::log_writer::MachineLog;
use super::mesh::{self, Identity, Incoming, Outgoing};
use super::wire::MessageCodec;
use crate::control::{FromMachine, MachineConfig};
use crate::model::clock::peers_of;

/// A dialed connection to a peer, hello sent.
type Connection = Framed<TcpStream, MessageCodec>;

/// The listen phase: bind the machine's port and tell the supervisor where it is.
pub(crate) async fn listen(
    config: &MachineConfig,
    out: &mpsc::UnboundedSender<FromMachine>,
) -> anyhow::Result<TcpListener> {
    use anyhow::Context;
    let listener = TcpListener::bind(config.listen).await.with_context(|| {
        format!(
            "machine {} failed to listen on {}",
            config.id, config.listen
        )
    })?;
    let addr = listener.local_addr()?;
    let _ = out.send(FromMachine::Listening { addr });
    Ok(listener)
}

/// The accept loop's ends: what peers send, who has connected, and how to stop accepting.
pub(crate) struct Accepting {
    pub inbox: mpsc::UnboundedReceiver<Incoming>,
    /// Each peer that completed its handshake.
    pub connected: mpsc::UnboundedReceiver<u32>,
    pub readers: TaskTracker,
    pub cancel: CancellationToken,
}

impl Accepting {
    /// Accept peers' connections until the machine stops; one reader task each, on `readers`.
    pub(crate) fn spawn(
        listener: TcpListener,
        me: Identity,
        stop: &CancellationToken,
        log: MachineLog,
    ) -> Accepting {
        let (inbox_tx, inbox) = mpsc::unbounded_channel();
        let (connected_tx, connected) = mpsc::unbounded_channel();
        let readers = TaskTracker::new();
        let cancel = stop.child_token();
        // On `readers` too, so the stop phase waits for its last count of refused connections.
        readers.spawn(mesh::accept_loop(
            listener,
            me,
            inbox_tx,
            connected_tx,
            readers.clone(),
            cancel.clone(),
            log,
        ));
        Accepting {
            inbox,
            connected,
            readers,
            cancel,
        }
    }
}

/// This machine's side of the mesh: one link task and outbox per peer.
pub(crate) struct Mesh {
    /// One queue per peer, in ascending order of peer id.
    pub outboxes: Vec<mpsc::UnboundedSender<Outgoing>>,
    pub writers: TaskTracker,
}

/// The mesh phase: once the supervisor has told us where the peers listen, dial each, start its
/// link task, wait until each has dialed us too, and say `mesh_ready`. A stop cuts it short;
/// stopped before the addresses came, the machine has no link tasks at all.
pub(crate) async fn mesh(
    config: &MachineConfig,
    me: Identity,
    control: &mut ControlChannel,
    connected: &mut mpsc::UnboundedReceiver<u32>,
    out: &mpsc::UnboundedSender<FromMachine>,
) -> anyhow::Result<Mesh> {
    let addrs = match control.next().await {
        Some(commands::Control::Peers(addrs)) => Some(addrs),
        Some(_) => anyhow::bail!("expected the peers' addresses"),
        None => None,
    };
    let peers = peers_of(config.id, config.machines);
    let writers = TaskTracker::new();
    let mut outboxes = Vec::with_capacity(peers.len());
    if let Some(addrs) = addrs {
        anyhow::ensure!(
            addrs.len() == config.machines as usize,
            "got {} peer addresses for {} machines",
            addrs.len(),
            config.machines
        );
        let (conns, live) = dial_peers(me, &peers, &addrs, &control.stop).await?;
        for (&peer, framed) in peers.iter().zip(conns) {
            let (tx, rx) = mpsc::unbounded_channel();
            let ends = control.link_ends[peer as usize]
                .take()
                .expect("one link task per peer");
            writers.spawn(link::link_loop(
                framed,
                peer,
                rx,
                ends.state,
                ends.commands,
                control.log.clone(),
            ));
            outboxes.push(tx);
        }
        await_dialed_back(live, connected, &control.stop).await?;
        if !control.stop.is_cancelled() {
            let _ = out.send(FromMachine::MeshReady);
        }
    }
    Ok(Mesh { outboxes, writers })
}

/// Dial every peer that is there (all of them, unless this is a restart after which some peer
/// is gone); a peer that is not gets a link that drops until it rejoins. Returns one connection
/// per peer, in the order of `peers` (none when absent or when stopped while dialing), and how
/// many peers were dialed.
async fn dial_peers(
    me: Identity,
    peers: &[u32],
    addrs: &[Option<SocketAddr>],
    stop: &CancellationToken,
) -> anyhow::Result<(Vec<Option<Connection>>, usize)> {
    let live: Vec<u32> = peers
        .iter()
        .copied()
        .filter(|&p| addrs[p as usize].is_some())
        .collect();
    let dials = live.iter().map(|&p| {
        let addr = addrs[p as usize].expect("filtered on live peers");
        mesh::dial(addr, me, p)
    });
    let dialed = tokio::select! {
        biased;
        _ = stop.cancelled() => Vec::new(),
        dialed = futures::future::try_join_all(dials) => dialed?,
    };
    // `dialed` follows `live`, which follows `peers`.
    let mut dialed = dialed.into_iter();
    let conns = peers
        .iter()
        .map(|&p| addrs[p as usize].and_then(|_| dialed.next()))
        .collect();
    Ok((conns, live.len()))
}

/// Wait until `count` peers have dialed this machine, or a stop.
async fn await_dialed_back(
    count: usize,
    connected: &mut mpsc::UnboundedReceiver<u32>,
    stop: &CancellationToken,
) -> anyhow::Result<()> {
    let mut incoming = 0;
    while incoming < count {
        tokio::select! {
            _ = stop.cancelled() => break,
            peer = connected.recv() => match peer {
                Some(_) => incoming += 1,
                None => anyhow::bail!("stopped accepting before the mesh was complete"),
            },
        }
    }
    Ok(())
}
