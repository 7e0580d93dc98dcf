//! What each ShiViz event was, worked out across every host of a submission.
//!
//! - **Machine ids**: when every host name ends in a number (`machine-2`, `node2`, `p2`) and no two
//!   share one, that number (below 1,000); otherwise hosts are numbered 0, 1, ... in sorted name order.
//! - **Vectors** are indexed by machine id; the entries ShiViz leaves out are zeros.
//! - **From the text**, when it says so: `send`/`sent`/`sending` is a send, `recv`/`receive`/
//!   `received` a receive, `internal`/`local` an internal event; a host name after `to` (several
//!   joined by commas) or `from` is the peer; `lamport=N`, `msg_clock=N` and `queue=N` are read
//!   (logiclock's own export writes all of these).
//! - **From the vectors** otherwise: an event whose vector grew in another host's entry is a
//!   receive, from the host whose event with that entry's value has the largest vector (the
//!   send merged, which knows the other grown entries); an event whose own entry a receive took
//!   that way is a send to every such receiver. A send nobody received reads as internal unless
//!   its text says send (then its `to` is empty); the Lamport clock is `None` unless the text
//!   carries it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{Parsed, RawEvent};
use crate::foreign::collect::number_in_name;
use crate::foreign::{ForeignEvent, ForeignKind, ForeignLog, Problem};

/// What the text of an event says.
#[derive(Debug, Default)]
struct Said {
    kind: Option<Word>,
    peers: Vec<u32>,
    lamport: Option<u64>,
    msg_clock: Option<u64>,
    queue: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Word {
    Send,
    Recv,
    Internal,
}

/// Host numbers from this up are not taken as machine ids (vectors are indexed by id).
const MAX_NUMBERED: u32 = 1_000;

/// Machine ids of host names: their numbers, or their places in sorted order.
fn ids(hosts: &BTreeSet<String>) -> HashMap<String, u32> {
    let numbers: Vec<Option<u32>> = hosts.iter().map(|h| number_in_name(h.as_ref())).collect();
    let distinct: BTreeSet<u32> = numbers.iter().flatten().copied().collect();
    let small = distinct.last().is_none_or(|&n| n < MAX_NUMBERED);
    if numbers.iter().all(Option::is_some) && distinct.len() == hosts.len() && small {
        hosts
            .iter()
            .cloned()
            .zip(numbers.into_iter().flatten())
            .collect()
    } else {
        hosts.iter().cloned().zip(0..).collect()
    }
}

fn read_text(text: &str, ids: &HashMap<String, u32>) -> Said {
    let mut said = Said::default();
    let words: Vec<&str> = text.split_whitespace().collect();
    for (i, word) in words.iter().enumerate() {
        let lower = word.to_lowercase();
        let lower = lower.trim_matches(|c: char| !c.is_alphanumeric() && c != '=' && c != '_');
        if said.kind.is_none() {
            said.kind = if lower.starts_with("send") || lower == "sent" {
                Some(Word::Send)
            } else if lower.starts_with("recv") || lower.starts_with("receiv") {
                Some(Word::Recv)
            } else if lower == "internal" || lower == "local" {
                Some(Word::Internal)
            } else {
                None
            };
        }
        let number = |key: &str| lower.strip_prefix(key).and_then(|v| v.parse().ok());
        said.lamport = said.lamport.or(number("lamport="));
        said.msg_clock = said.msg_clock.or(number("msg_clock="));
        said.queue = said.queue.or(number("queue="));
        if (lower == "to" || lower == "from") && said.peers.is_empty() {
            if let Some(next) = words.get(i + 1) {
                said.peers = next
                    .split(',')
                    .filter_map(|h| ids.get(h.trim_matches(|c: char| c == ':' || c == ';')))
                    .copied()
                    .collect();
            }
        }
    }
    said
}

/// One event placed: its host's id, the filled vector, what its text says.
struct Placed {
    raw: RawEvent,
    file: usize,
    vc: Vec<u64>,
    said: Said,
}

/// The logs of every host in `files` (one ShiViz file, or a submission's several), each event's
/// kind and peers worked out as the module says; a file with no events gives a log of its
/// problems alone.
pub(crate) fn resolve(files: Vec<Parsed>) -> Vec<ForeignLog> {
    let mut hosts = BTreeSet::new();
    for event in files.iter().flat_map(|f| &f.events) {
        hosts.insert(event.host.clone());
        hosts.extend(event.clock.keys().cloned());
    }
    let ids = ids(&hosts);
    let width = ids.values().max().map_or(0, |&m| m as usize + 1);
    let mut by_host: BTreeMap<u32, Vec<Placed>> = BTreeMap::new();
    let mut problems: Vec<Vec<Problem>> = Vec::with_capacity(files.len());
    let mut paths = Vec::with_capacity(files.len());
    for (file, parsed) in files.into_iter().enumerate() {
        for raw in parsed.events {
            let mut vc = vec![0; width];
            for (host, &value) in &raw.clock {
                vc[ids[host] as usize] = value;
            }
            let said = read_text(&raw.text, &ids);
            by_host.entry(ids[&raw.host]).or_default().push(Placed {
                raw,
                file,
                vc,
                said,
            });
        }
        problems.push(parsed.problems);
        paths.push(parsed.file);
    }
    // Each host's events by their own entry, to find the event a receive merged.
    let by_own: HashMap<(u32, u64), usize> = by_host
        .iter()
        .flat_map(|(&h, events)| {
            events
                .iter()
                .enumerate()
                .map(move |(i, e)| ((h, e.vc[h as usize]), i))
        })
        .collect();
    let size = |h: u32, own: u64| -> Option<u64> {
        by_own
            .get(&(h, own))
            .map(|&i| by_host[&h][i].vc.iter().sum())
    };
    // Pass 1: receives and their senders; which send events were received, by whom.
    let mut senders: HashMap<(u32, usize), u32> = HashMap::new();
    let mut received: HashMap<(u32, usize), BTreeSet<u32>> = HashMap::new();
    for (&h, events) in &by_host {
        let mut previous = vec![0; width];
        for (i, e) in events.iter().enumerate() {
            let grown: Vec<u32> = (0..width as u32)
                .filter(|&k| k != h && e.vc[k as usize] > previous[k as usize])
                .collect();
            previous.clone_from(&e.vc);
            let from = match (e.said.kind, e.said.peers.first()) {
                (Some(Word::Recv), Some(&peer)) => Some(peer),
                (Some(Word::Send | Word::Internal), _) => None,
                _ => grown
                    .iter()
                    .copied()
                    .max_by_key(|&k| (size(k, e.vc[k as usize]), std::cmp::Reverse(k))),
            };
            if let Some(from) = from {
                senders.insert((h, i), from);
                if let Some(&sent) = by_own.get(&(from, e.vc[from as usize])) {
                    received.entry((from, sent)).or_default().insert(h);
                }
            }
        }
    }
    // Pass 2: every event's kind.
    let mut logs: Vec<ForeignLog> = Vec::new();
    let mut file_of_log: Vec<usize> = Vec::new();
    for (h, events) in by_host {
        let file = events.first().map_or(0, |e| e.file);
        let mut log = ForeignLog {
            file: paths[file].clone(),
            machine: Some(h),
            ..ForeignLog::default()
        };
        for (i, e) in events.into_iter().enumerate() {
            let kind = match (senders.get(&(h, i)), e.said.kind) {
                (Some(&from), _) => ForeignKind::Recv {
                    from,
                    msg_clock: e.said.msg_clock,
                    queue: e.said.queue,
                },
                (None, Some(Word::Recv)) => {
                    log.problems.push(Problem {
                        file: paths[e.file].clone(),
                        line: Some(e.raw.line),
                        message: "a receive whose sender neither its text nor its vector clock \
                                  tells (read as internal)"
                            .to_owned(),
                    });
                    ForeignKind::Internal
                }
                (None, Some(Word::Send)) if !e.said.peers.is_empty() => ForeignKind::Send {
                    to: e.said.peers.clone(),
                },
                (None, Some(Word::Internal)) => ForeignKind::Internal,
                (None, said) => match received.get(&(h, i)) {
                    Some(to) => ForeignKind::Send {
                        to: to.iter().copied().collect(),
                    },
                    None if said == Some(Word::Send) => ForeignKind::Send { to: Vec::new() },
                    None => ForeignKind::Internal,
                },
            };
            log.events.push(ForeignEvent {
                line: e.raw.line,
                machine: h,
                kind,
                lamport: e.said.lamport,
                timestamp_us: e.raw.timestamp_us,
                vc: Some(e.vc),
            });
        }
        file_of_log.push(file);
        logs.push(log);
    }
    // Each file's own problems go to the first log read from it, or to a log of their own.
    for (file, problems) in problems.into_iter().enumerate() {
        if problems.is_empty() && file_of_log.contains(&file) {
            continue;
        }
        match file_of_log.iter().position(|&f| f == file) {
            Some(at) => logs[at].problems.extend(problems),
            None => logs.push(ForeignLog {
                file: paths[file].clone(),
                machine: None,
                events: Vec::new(),
                problems: if problems.is_empty() {
                    vec![Problem {
                        file: paths[file].clone(),
                        line: None,
                        message: "no event in this ShiViz log".to_owned(),
                    }]
                } else {
                    problems
                },
            }),
        }
    }
    for log in &mut logs {
        log.problems.sort_by_key(|p| p.line);
    }
    logs
}
