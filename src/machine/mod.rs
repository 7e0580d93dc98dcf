//! One model machine: a child process of the supervisor, started through the hidden subcommand.
//!
//! - [`clock`]: the Lamport rules and the die's actions (pure);
//! - [`wire`]: the frame codec;
//! - [`mesh`]: listen, dial, handshake, reader and writer tasks;
//! - [`tick`]: the interval-driven tick loop;
//! - [`log_layer`]: the JSON-lines log writer;
//! - [`restore`]: what a restarted machine takes over from its log;
//! - [`process`]: the machine's life from `config` to `stopped`, driven by the control channel.

pub mod clock;
pub mod log_layer;
pub mod mesh;
pub mod process;
pub mod restore;
pub mod tick;
pub mod wire;

pub use process::main;
