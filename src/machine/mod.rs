//! One model machine: a child process of the supervisor, started through the hidden subcommand.
//!
//! - [`commands`]: the supervisor's messages during the machine's life;
//! - [`connect`]: the set-up phases: listen, accept, dial the peers, wait for them;
//! - [`wire`]: the frame codec;
//! - [`mesh`]: listen, dial, handshake, the reader tasks;
//! - [`link`]: the writer task of one link, through its delays and partitions;
//! - [`tick`]: the tick loop, which drives the model machine ([`crate::model`]);
//! - [`ticker`]: the precise (timerfd) timer the tick loop sleeps on;
//! - [`status`]: the tick loop's figures to the supervisor, every 100 ms;
//! - [`shutdown`]: the stop phase: cancel, then wait for every connection, then count;
//! - [`log_writer`]: the JSON-lines log writer, the real machine's [`crate::model::LineSink`];
//! - [`restore`]: what a restarted machine takes over from its log;
//! - [`process`]: the machine's life from `config` to `stopped`, phase by phase, driven by the
//!   control channel.

pub(crate) mod commands;
pub(crate) mod connect;
pub(crate) mod link;
pub(crate) mod log_writer;
pub(crate) mod mesh;
pub(crate) mod process;
pub mod refusals;
pub(crate) mod restore;
pub(crate) mod shutdown;
pub(crate) mod status;
pub(crate) mod tick;
pub mod ticker;
pub mod wire;

pub(crate) use process::main;
