//! The mesh: listening for peers, dialing them, the handshake, and the reader tasks (the writer
//! of each link is [`super::link`]).
//!
//! Every pair of machines shares two TCP connections, one per direction: a machine dials each peer
//! and only writes on that connection, and accepts one connection from each peer and only reads
//! from it. A connection's first frame is a hello carrying the run's secret; anything else is
//! refused, logged, and never reaches the model.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::BytesMut;
use futures::{SinkExt, StreamExt};
use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};
use tokio_util::codec::{Decoder, Framed, FramedParts};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::log_writer::MachineLog;
use super::refusals::{Refusals, MAX_PENDING_HANDSHAKES, SUMMARY_PERIOD};
use super::wire::{Message, MessageCodec, WireError};
use crate::log_format::Event;

/// How long a new connection has to send its hello.
pub(crate) const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(2);
/// How long dialing a peer may take, retries included.
pub(crate) const DIAL_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a writer may take to flush and close its connection at shutdown.
pub(crate) const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);

/// Who this machine is, as the handshake proves it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Identity {
    pub id: u32,
    pub machines: u32,
    pub secret: u128,
}

/// A model message waiting in a machine's inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Incoming {
    pub from: u32,
    pub lamport: u64,
    pub hlc: crate::log_format::Hlc,
    pub vc: Vec<u64>,
}

/// A model message on its way to one peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Outgoing {
    pub msg: Message,
    /// When the tick loop sent it; a link delay counts from here.
    pub queued: tokio::time::Instant,
}

/// What a link task is told about its peer from outside its connection.
#[derive(Debug)]
pub(crate) enum LinkCommand {
    /// The peer was restarted: this is a connection to its new process.
    Connect(Framed<TcpStream, MessageCodec>),
    /// The peer is known dead: stop writing to its socket; drop (and log) what comes.
    Gone,
}

/// Why the mesh could not be built.
#[derive(Debug, thiserror::Error)]
pub(crate) enum MeshError {
    #[error("failed to connect to machine {peer} at {addr}: {source}")]
    Dial {
        peer: u32,
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("failed to send the handshake to machine {peer} at {addr}: {source}")]
    Handshake {
        peer: u32,
        addr: SocketAddr,
        source: super::wire::WireError,
    },
}

/// Accept connections until `cancel`; each peer that completes the handshake is announced on
/// `connected` and its messages go into `inbox`. Reader tasks are spawned on `readers`.
///
/// Strangers are bounded (see [`super::refusals`]): at most [`MAX_PENDING_HANDSHAKES`]
/// connections wait for their hello at once, each with a buffer of one frame at most, and a
/// connection beyond that is closed at once; refusals are logged a few at a time with a periodic
/// count.
pub(crate) async fn accept_loop(
    listener: TcpListener,
    me: Identity,
    inbox: mpsc::UnboundedSender<Incoming>,
    connected: mpsc::UnboundedSender<u32>,
    readers: TaskTracker,
    cancel: CancellationToken,
    log: MachineLog,
) {
    let claimed = Arc::new(Mutex::new(HashSet::new()));
    let pending = Arc::new(Semaphore::new(MAX_PENDING_HANDSHAKES));
    let refusals = Arc::new(RefusalLog(Mutex::default(), log.clone()));
    let mut period =
        tokio::time::interval_at(tokio::time::Instant::now() + SUMMARY_PERIOD, SUMMARY_PERIOD);
    loop {
        let (stream, addr) = tokio::select! {
            _ = cancel.cancelled() => return,
            _ = period.tick() => {
                refusals.end_period();
                continue;
            }
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    log.write(Event::Warning { message: format!("failed to accept a connection: {e}") });
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let Ok(permit) = pending.clone().try_acquire_owned() else {
            drop(stream);
            refusals.refuse(
                addr,
                format!("{MAX_PENDING_HANDSHAKES} connections already wait for a handshake"),
            );
            continue;
        };
        let _ = stream.set_nodelay(true);
        readers.spawn(serve_incoming(
            stream,
            addr,
            me,
            Arc::new(Connection {
                inbox: inbox.clone(),
                connected: connected.clone(),
                claimed: claimed.clone(),
                refusals: refusals.clone(),
                log: log.clone(),
            }),
            permit,
        ));
    }
}

/// What every incoming connection's task shares with the accept loop.
struct Connection {
    inbox: mpsc::UnboundedSender<Incoming>,
    connected: mpsc::UnboundedSender<u32>,
    /// Peers with a connection now: a second hello from the same peer is refused.
    claimed: Arc<Mutex<HashSet<u32>>>,
    refusals: Arc<RefusalLog>,
    log: MachineLog,
}

/// The machine's [`Refusals`], shared by the accept loop and the handshake tasks. When the last
/// of them lets go (the machine is stopping, before its `stop` line), the count of the refusals
/// still without a line is written, so none goes uncounted.
#[derive(Debug)]
struct RefusalLog(Mutex<Refusals>, MachineLog);

impl RefusalLog {
    fn refuse(&self, addr: SocketAddr, reason: String) {
        let line = self
            .0
            .lock()
            .expect("refusals lock")
            .refuse(addr.to_string(), reason);
        if let Some(line) = line {
            self.1.write(line);
        }
    }

    fn end_period(&self) {
        let line = self.0.lock().expect("refusals lock").end_period();
        if let Some(line) = line {
            self.1.write(line);
        }
    }
}

impl Drop for RefusalLog {
    fn drop(&mut self) {
        self.end_period();
    }
}

/// Read a connection's first frame into a buffer of at most one frame (a few hundred bytes, not
/// the 8 KiB a `Framed` starts with: what a stranger can make the machine hold stays small).
/// `None` when the connection closed first; the bytes after the frame stay in the buffer.
async fn first_frame(
    stream: &mut TcpStream,
    codec: &mut MessageCodec,
    buf: &mut BytesMut,
) -> Result<Option<Message>, WireError> {
    loop {
        if let Some(message) = codec.decode(buf)? {
            return Ok(Some(message));
        }
        buf.reserve(64);
        if stream.read_buf(buf).await? == 0 {
            return Ok(None);
        }
    }
}

/// Check one incoming connection's handshake, then read its messages into the inbox until it ends.
/// `permit` is its place among the connections waiting for a handshake, given back after it.
async fn serve_incoming(
    mut stream: TcpStream,
    addr: SocketAddr,
    me: Identity,
    shared: Arc<Connection>,
    permit: OwnedSemaphorePermit,
) {
    let refuse = |reason: String| shared.refusals.refuse(addr, reason);
    let mut codec = MessageCodec::default();
    let mut buf = BytesMut::with_capacity(64);
    let hello = tokio::time::timeout(
        HANDSHAKE_TIMEOUT,
        first_frame(&mut stream, &mut codec, &mut buf),
    )
    .await;
    drop(permit);
    let peer = match hello {
        Err(_) => return refuse(format!("no handshake within {HANDSHAKE_TIMEOUT:?}")),
        Ok(Ok(None)) => return refuse("closed before the handshake".into()),
        Ok(Err(e)) => return refuse(format!("bad handshake frame: {e}")),
        Ok(Ok(Some(Message::Hello { from, to, secret }))) => {
            if secret != me.secret {
                return refuse("wrong run secret".into());
            }
            if to != me.id || from >= me.machines || from == me.id {
                return refuse(format!(
                    "handshake from {from} to {to} does not fit this run"
                ));
            }
            if !shared
                .claimed
                .lock()
                .expect("claimed set lock")
                .insert(from)
            {
                return refuse(format!("machine {from} is already connected"));
            }
            from
        }
        Ok(Ok(Some(other))) => return refuse(format!("expected a hello, got {other:?}")),
    };
    let mut parts = FramedParts::new::<Message>(stream, codec);
    parts.read_buf = buf;
    let mut framed = Framed::from_parts(parts);
    shared.log.write(Event::PeerConnected {
        peer,
        addr: addr.to_string(),
    });
    let _ = shared.connected.send(peer);

    let reason = loop {
        match framed.next().await {
            None => break "closed".to_owned(),
            Some(Ok(Message::Clock {
                from,
                lamport,
                hlc,
                vc,
            })) if from == peer => {
                // The inbox lives as long as the machine; a send error means it is shutting down.
                let incoming = Incoming {
                    from,
                    lamport,
                    hlc,
                    vc,
                };
                if shared.inbox.send(incoming).is_err() {
                    break "inbox closed".to_owned();
                }
            }
            Some(Ok(other)) => break format!("unexpected frame {other:?}"),
            Some(Err(e)) => break format!("read failed: {e}"),
        }
    };
    // A restarted peer may connect again.
    shared
        .claimed
        .lock()
        .expect("claimed set lock")
        .remove(&peer);
    shared.log.write(Event::PeerGone { peer, reason });
}

/// Connect to `peer` at `addr` and send the hello; retries until [`DIAL_TIMEOUT`].
pub(crate) async fn dial(
    addr: SocketAddr,
    me: Identity,
    peer: u32,
) -> Result<Framed<TcpStream, MessageCodec>, MeshError> {
    let deadline = tokio::time::Instant::now() + DIAL_TIMEOUT;
    let stream = loop {
        match TcpStream::connect(addr).await {
            Ok(stream) => break stream,
            Err(source) if tokio::time::Instant::now() >= deadline => {
                return Err(MeshError::Dial { peer, addr, source })
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    };
    let _ = stream.set_nodelay(true);
    let mut framed = Framed::new(stream, MessageCodec::default());
    framed
        .send(Message::Hello {
            from: me.id,
            to: peer,
            secret: me.secret,
        })
        .await
        .map_err(|source| MeshError::Handshake { peer, addr, source })?;
    Ok(framed)
}
