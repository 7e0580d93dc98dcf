//! `logiclock grade`: a class's submissions (one folder each, logs of a student's own
//! implementation) checked on the assignment's rules, into one report row per submission.
//!
//! [`rule`] names the rules, the options and a finding; [`rules`] is the checker over one
//! submission (`clocks` for one log's own rules, `links` for matching receives to sends,
//! `vector`, `shape`); [`report`] writes the class report; [`command`] reads the folders,
//! grades them and writes the report.

mod clocks;
pub(crate) mod command;
#[cfg(test)]
mod corpus;
mod links;
pub(crate) mod report;
pub(crate) mod rule;
pub(crate) mod rules;
mod shape;
#[cfg(test)]
mod tests;
mod vector;
