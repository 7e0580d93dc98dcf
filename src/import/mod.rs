//! `logiclock import`: logs of another implementation of the model (read by [`crate::foreign`])
//! turned into a run directory, so `analyze`, `diagram`, `explore` and `export` read them as
//! they read a run of logiclock's.
//!
//! [`convert`] turns foreign events into the log contract's (pure; what is derived and what is
//! refused is listed there); [`write`] claims the run directory and writes the logs and a
//! manifest whose `engine` is `imported`, with what cannot be known (rates, seed, addresses,
//! processes, the run's end) `null`.

pub(crate) mod command;
pub(crate) mod convert;
pub(crate) mod write;

#[cfg(test)]
mod tests;
