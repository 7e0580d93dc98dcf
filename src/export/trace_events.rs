//! The trace-event records of the Perfetto export, as serde types: metadata, instants, slices and
//! counters, each field in the order the trace-event format lists it.

use serde::Serialize;

/// Metadata naming or ordering a process or thread (`ph` "M").
#[derive(Serialize)]
pub(super) struct Meta<A: Serialize> {
    pub ph: &'static str,
    pub name: &'static str,
    pub pid: u32,
    pub tid: u32,
    pub args: A,
}

/// A track's display name.
#[derive(Serialize)]
pub(super) struct NameArgs {
    pub name: String,
}

/// A process's place among the others.
#[derive(Serialize)]
pub(super) struct SortArgs {
    pub sort_index: usize,
}

/// An instant marker on a thread (`ph` "i", scope "t").
#[derive(Serialize)]
pub(super) struct Instant<'a> {
    pub ph: &'static str,
    pub s: &'static str,
    pub cat: &'static str,
    pub name: &'a str,
    pub pid: u32,
    pub tid: u32,
    pub ts: i64,
    pub args: DetailArgs,
}

/// An instant's text.
#[derive(Serialize)]
pub(super) struct DetailArgs {
    pub detail: String,
}

/// A complete slice (`ph` "X") of a clock event, with the end of the flow it receives.
#[derive(Serialize)]
pub(super) struct TickSlice<'a> {
    pub ph: &'static str,
    pub cat: &'static str,
    pub name: &'a str,
    pub pid: u32,
    pub tid: u32,
    pub ts: Micros,
    /// µs, to the ns.
    pub dur: f64,
    pub args: TickArgs,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bind_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flow_in: Option<bool>,
}

/// A clock event's clocks and message fields; lists as text (`"[1,0,2]"`), as trace viewers
/// show them.
#[derive(Serialize)]
pub(super) struct TickArgs {
    pub lamport: u64,
    pub tick: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vc: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msg_clock: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue: Option<u64>,
    /// The machine's physical clock, model µs (format 6).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pt_us: Option<u64>,
    /// The hybrid logical clock `[l,c]` (format 6).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hlc: Option<String>,
    /// A receive's message's hybrid logical clock `[l,c]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msg_hlc: Option<String>,
}

/// A send's child slice (`ph` "X") holding the start of one message's flow.
#[derive(Serialize)]
pub(super) struct MessageSlice {
    pub ph: &'static str,
    pub cat: &'static str,
    pub name: String,
    pub pid: u32,
    pub tid: u32,
    /// µs, to the ns.
    pub ts: f64,
    /// µs, to the ns.
    pub dur: f64,
    pub bind_id: u64,
    pub flow_out: bool,
    pub args: MessageArgs,
}

/// A child slice's message; no key shared with a receive's arguments (catapult merges both).
#[derive(Serialize)]
pub(super) struct MessageArgs {
    pub message_to: u32,
    pub message_lamport: u64,
}

/// A counter sample (`ph` "C"): `args` holds the series' one value under its key.
#[derive(Serialize)]
pub(super) struct Counter {
    pub ph: &'static str,
    pub name: &'static str,
    pub pid: u32,
    pub tid: u32,
    pub ts: i64,
    pub args: std::collections::BTreeMap<&'static str, u64>,
}

/// The trace's opening: everything before the records.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Header {
    pub display_time_unit: &'static str,
    pub other_data: OtherData,
}

/// What the trace is of.
#[derive(Serialize)]
pub(super) struct OtherData {
    pub run: String,
}

/// A time in µs: whole (written as an integer), or to the ns.
#[derive(Serialize, Debug, Clone, Copy, PartialEq)]
#[serde(untagged)]
pub(super) enum Micros {
    Whole(i64),
    Frac(f64),
}
