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

pub mod commands;
pub mod connect;
pub mod link;
pub mod log_writer;
pub mod mesh;
pub mod process;
pub mod refusals;
pub mod restore;
pub mod shutdown;
pub mod status;
pub mod tick;
pub mod ticker;
pub mod wire;

pub use process::main;
