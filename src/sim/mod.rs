//! `logiclock run --engine sim`: the ideal-time twin of a scenario, a deterministic
//! discrete-event simulation in virtual time, in one process.
//!
//! The twin drives the real machines' model ([`crate::model`]): rates drawn from the seed by
//! [`Scenario::machine_rates`], each machine's roll per slot from its dice
//! ([`crate::model::dice`]), the tick decision (receive if a message waits, else roll), the
//! clocks, the schedule, and the start and stop lines. Machine `i` with period `p` (the real loop's tick
//! interval at the scenario's speedup) ticks at virtual times `0, p, 2p, ...`; the tick at `k p`
//! is tick number `k + 1`, as in the real loop, and the run ends at the scenario's real duration
//! (a tick due exactly at the end does not run).
//!
//! **Time.** Virtual time is real time as a perfect run would see it, so `interval_us` and every
//! figure `analyze` derives from timestamps match a real run's. Timestamps count from the fixed
//! epoch [`EPOCH`] (2026-01-01T00:00:00Z), which is also the manifest's `started_at`: the same
//! scenario and seed always give byte-identical logs. `late_us` is always 0; `cpu_ms` and
//! `max_rss_kb` in `stop` lines are 0 (nothing real was measured).
//!
//! **Order of events at the same virtual instant:** first the scenario's fault actions (in the
//! order of the fault timeline), then message arrivals into inboxes (by receiving machine id,
//! then in the order the messages were sent), then ticks (by machine id). So a message that
//! arrives exactly at a tick is received by that tick, and a machine paused or killed at an
//! instant does not tick at that instant.
//!
//! **Network.** See [`network`]: `[network] latency_us` (default 100, about a loopback TCP hop)
//! plus up to `jitter_us` (default 0) real microseconds per message, FIFO per link.
//!
//! **Faults.** kill (the machine stops; what waits in its inbox or is on its way to it is lost;
//! messages sent to it while it is dead are `dropped` with reason "peer gone"), restart (clocks
//! and tick numbering kept, the same rolls per slot as if it had never died, an empty inbox, a `start` line,
//! then one `skipped` line for the downtime at its first tick), pause (no ticks, the inbox fills,
//! missed slots are skipped), delay (added to the link's latency, with its own jitter), and
//! partition (hold: delivered in order when it heals; drop: each message `dropped`).
//!
//! - [`engine`]: the event queue and its dispatch (pure, synchronous);
//! - `faults`: kill, restart, pause, resume and link changes, as a real run carries them out;
//! - [`machine`]: the model machine ([`crate::model::Machine`]) wired to the event queue and network;
//! - [`network`]: latency, jitter and link faults;
//! - [`run`](mod@run): the run end to end: directory, simulation, manifest (through
//!   [`crate::run`], shared with the real engine);
//! - [`write`]: the log files, and why the twin halts (a signal, the size cap, a failed write);
//! - `cut`: cutting the logs back to one instant after a failed write.

mod cut;
pub mod engine;
mod faults;
#[cfg(test)]
mod hlc_props;
pub(crate) mod machine;
pub(crate) mod network;
pub(crate) mod run;
pub(crate) mod write;

pub use run::run;

#[cfg(doc)]
use crate::scenario::Scenario;
