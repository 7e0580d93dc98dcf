//! The bounds a scenario's values must keep, named in its error messages.

/// Most machines a scenario may ask for.
pub const MAX_MACHINES: u32 = 64;
/// Highest clock rate, in ticks per model second.
pub const MAX_RATE: u32 = 1_000;
/// Largest die.
pub const MAX_DIE: u32 = 1_000_000;
/// Longest run, in model seconds (one week).
pub const MAX_DURATION_S: f64 = 7.0 * 24.0 * 3600.0;
/// Largest speedup.
pub const MAX_SPEEDUP: f64 = 100_000.0;
/// Smallest speedup (a model second may last at most 1,000 real seconds).
pub const MIN_SPEEDUP: f64 = 0.001;
/// Fastest real tick rate a machine may be asked for (rate x speedup), ticks per real second.
pub const MAX_REAL_RATE: f64 = 1_000_000.0;
/// Largest simulated link latency or jitter, in real microseconds (one minute).
pub const MAX_LATENCY_US: i64 = 60_000_000;
/// Longest grace period a machine may be given to answer `stop`, in real seconds.
pub const MAX_STOP_GRACE_S: f64 = 600.0;
/// Largest seed: 2^53 - 1, the largest integer that every JSON reader (a double: jq, JavaScript,
/// pandas) and every TOML reader (a signed 64-bit integer) holds exactly, so a seed copied out of
/// `manifest.json` re-runs the same run.
pub const MAX_SEED: u64 = (1 << 53) - 1;
/// Largest scenario file read, in bytes (1 MiB; a scenario is a few hundred bytes).
pub const MAX_SCENARIO_BYTES: u64 = 1024 * 1024;
/// Longest scenario `name`: it becomes part of a directory name
/// (`<name>-<UTC time>-seed<seed>-<n>`, or `<name>-batch-...`), which may have 255 bytes.
pub const MAX_NAME_LEN: usize = 128;
