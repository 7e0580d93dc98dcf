//! The rules between logs: every receive matched to the message it got (`matched`), messages
//! of a link received in the order sent (`fifo`), and the clock a message carried (`carried`).
//!
//! A link is `from -> to`. Its messages are the sends of `from` that name `to`, in file order,
//! each carrying the value the send rule gives it; its receives are `to`'s receives from
//! `from`, in file order. A receive is matched, in this order:
//! 1. to the first message not yet received that carries its `msg_clock`; a `msg_clock` only
//!    already-received messages carry is a duplicate (`matched`);
//! 2. else, in FIFO order, to the first message not yet received between the messages of the
//!    receives around it: its value was not carried (`carried`), or, without `msg_clock`
//!    (ShiViz), this is the matching itself;
//! 3. else it is a receive with no send (`matched`), as it is at once when its `msg_clock` is
//!    a clock the sender's log never shows (the send line is missing from it), unless that
//!    value is one a broadcast counted per recipient skipped (then step 2's `broadcast` holds).
//!
//! Then a receive of a message sent before one already received on the link is `fifo`.

use std::collections::{HashMap, HashSet};

use super::clocks::{carried, on_a_link, place};
use super::rule::{Finding, Options, Place, Rule, SendRule};
use super::rules::View;
use crate::foreign::ForeignKind;

/// An event: (log index, event index).
pub(crate) type At = (usize, usize);

/// A message of a link: its send and the value it carries.
#[derive(Debug, Clone, Copy)]
struct Message {
    send: At,
    /// The recipient's place in the send's `to`.
    slot: usize,
    value: Option<u64>,
}

/// A receive on a link.
#[derive(Debug, Clone, Copy)]
struct Receive {
    at: At,
    msg_clock: Option<u64>,
}

/// What the matching found.
#[derive(Debug, Default)]
pub(crate) struct Matching {
    pub findings: Vec<Finding>,
    /// The send each receive was matched to (duplicates to the message they repeat).
    pub send_of: HashMap<At, At>,
    /// Receives with no send: (sender machine, msg_clock), which explain a jump of its clock.
    pub orphans: Vec<(u32, u64)>,
}

/// What the Lamport replay already found, which the matching takes into account.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// The send lines whose clock has a finding, with the clock before them: a message of
    /// theirs is not judged `carried` again.
    pub flagged: HashMap<At, u64>,
    /// Per machine, the clocks its lines show: a receive carrying one it never shows (but 0,
    /// which no event has) is of a send missing from its log, not of a clock not carried.
    pub values: HashMap<u32, HashSet<u64>>,
    /// The flagged broadcasts that counted one increment per recipient (see
    /// [`per_recipient`]).
    pub per_recipient: HashSet<At>,
}

/// The flagged broadcasts that counted one increment per recipient, as far as the logs tell:
/// under `--send-rule once`, on a machine with no broadcast counted once, a jump of exactly
/// the number of recipients, and every receive of a value it skipped or logged is by the
/// recipient of that value's slot. (A send line missing before a broadcast jumps the same way,
/// but its value is received by its own recipients, and the broadcast's by all of its own.)
pub(crate) fn per_recipient(
    views: &[View<'_>],
    flagged: &HashMap<At, u64>,
    options: &Options,
) -> HashSet<At> {
    let mut out = HashSet::new();
    if options.send_rule != SendRule::Once {
        return out;
    }
    let wide = |e: &crate::foreign::ForeignEvent| match &e.kind {
        ForeignKind::Send { to } if to.len() > 1 => Some(to.clone()),
        _ => None,
    };
    let mut receivers: HashMap<(u32, u64), Vec<u32>> = HashMap::new();
    let mut counted_once = HashSet::new();
    for (li, view) in views.iter().enumerate() {
        for (ei, e) in view.log.events.iter().enumerate() {
            if let ForeignKind::Recv {
                from,
                msg_clock: Some(m),
                ..
            } = e.kind
            {
                receivers.entry((from, m)).or_default().push(view.own);
            }
            if wide(e).is_some() && !flagged.contains_key(&(li, ei)) {
                counted_once.insert(view.own);
            }
        }
    }
    for (&(li, ei), &before) in flagged {
        let (own, e) = (views[li].own, &views[li].log.events[ei]);
        let (Some(to), Some(after)) = (wide(e), e.lamport) else {
            continue;
        };
        let k = to.len() as u64;
        let consistent = (1..=k).all(|j| {
            receivers
                .get(&(own, before.saturating_add(j)))
                .is_none_or(|rs| rs.iter().all(|r| to[(j - 1) as usize] == *r))
        });
        if !counted_once.contains(&own) && after == before.saturating_add(k) && consistent {
            out.insert((li, ei));
        }
    }
    out
}

/// Match every receive of `views` to its send, knowing what the Lamport replay `found`.
pub(crate) fn match_all(views: &[View<'_>], options: &Options, found: &Found) -> Matching {
    let index: HashMap<u32, usize> = views
        .iter()
        .enumerate()
        .rev()
        .map(|(i, v)| (v.own, i))
        .collect();
    let known = |m: u32| index.contains_key(&m) || m < options.machines;
    let mut sends: HashMap<(u32, u32), Vec<Message>> = HashMap::new();
    let mut recvs: HashMap<(u32, u32), Vec<Receive>> = HashMap::new();
    for (li, view) in views.iter().enumerate() {
        // A second log of the same machine is not a machine of its own.
        if index.get(&view.own) != Some(&li) {
            continue;
        }
        for (ei, e) in view.log.events.iter().enumerate() {
            match &e.kind {
                ForeignKind::Send { to } => {
                    let values = match e.lamport {
                        Some(l) => carried(l, to.len(), options.send_rule)
                            .into_iter()
                            .map(Some)
                            .collect(),
                        None => vec![None; to.len()],
                    };
                    for (slot, (&peer, value)) in to.iter().zip(values).enumerate() {
                        if peer != view.own && index.contains_key(&peer) {
                            let m = Message {
                                send: (li, ei),
                                slot,
                                value,
                            };
                            sends.entry((view.own, peer)).or_default().push(m);
                        }
                    }
                }
                ForeignKind::Recv {
                    from, msg_clock, ..
                } if on_a_link(*from, view.own, &known) => {
                    let r = Receive {
                        at: (li, ei),
                        msg_clock: *msg_clock,
                    };
                    recvs.entry((*from, view.own)).or_default().push(r);
                }
                _ => {}
            }
        }
    }
    let mut out = Matching::default();
    let mut links: Vec<_> = recvs.into_iter().collect();
    links.sort_by_key(|(link, _)| *link);
    for (link, receives) in links {
        let messages = sends.remove(&link).unwrap_or_default();
        match_link(views, link, &messages, &receives, found, &mut out);
    }
    out
}

fn at_place(views: &[View<'_>], (li, ei): At) -> Place {
    place(&views[li].file, &views[li].log.events[ei])
}

/// Match the receives of one link (the module doc's steps).
fn match_link(
    views: &[View<'_>],
    (from, to): (u32, u32),
    messages: &[Message],
    receives: &[Receive],
    found: &Found,
    out: &mut Matching,
) {
    let mut by_value: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, m) in messages.iter().enumerate() {
        if let Some(v) = m.value {
            by_value.entry(v).or_default().push(i);
        }
    }
    let mut used = vec![false; messages.len()];
    let mut first_receive: Vec<Option<At>> = vec![None; messages.len()];
    // Step 1: by value. `None` = not matched yet; duplicates are settled here.
    let mut matched: Vec<Option<usize>> = vec![None; receives.len()];
    let mut duplicate = vec![false; receives.len()];
    for (ri, r) in receives.iter().enumerate() {
        let Some(candidates) = r.msg_clock.and_then(|m| by_value.get(&m)) else {
            continue;
        };
        if let Some(&mi) = candidates.iter().find(|&&mi| !used[mi]) {
            used[mi] = true;
            first_receive[mi] = Some(r.at);
            matched[ri] = Some(mi);
        } else {
            let mi = candidates[candidates.len() - 1];
            duplicate[ri] = true;
            out.send_of.insert(r.at, messages[mi].send);
            let earlier = first_receive[mi].expect("a used message has its receive");
            out.findings.push(Finding {
                rule: Rule::Matched,
                at: at_place(views, r.at),
                expected: format!(
                    "each message received once (the one carrying {} was received at {})",
                    r.msg_clock.unwrap_or_default(),
                    at_place(views, earlier)
                ),
                found: "the same message received again".to_owned(),
                witness: vec![at_place(views, messages[mi].send), at_place(views, earlier)],
            });
        }
    }
    // Step 2 and 3: FIFO between the neighbours, else no send.
    let mut before: Option<usize> = None;
    for ri in 0..receives.len() {
        if duplicate[ri] {
            continue;
        }
        if let Some(mi) = matched[ri] {
            before = Some(mi);
            continue;
        }
        let after = (ri + 1..receives.len())
            .find_map(|rj| matched[rj])
            .unwrap_or(messages.len());
        let start = before.map_or(0, |b| b + 1);
        let r = receives[ri];
        let candidate = (start..after.max(start)).find(|&mi| !used[mi]);
        // A broadcast counted once per recipient: its messages carry the values it skipped.
        let per_recipient = |mi: usize| {
            let m = messages[mi];
            let before = found.flagged.get(&m.send);
            found.per_recipient.contains(&m.send)
                && before.is_some_and(|b| r.msg_clock == Some(b.saturating_add(1 + m.slot as u64)))
        };
        let shown = found.values.get(&from);
        let missing = r
            .msg_clock
            .is_some_and(|m| m >= 1 && !shown.is_some_and(|v| v.contains(&m)))
            && !candidate.is_some_and(per_recipient);
        let candidate = candidate.filter(|_| !missing);
        let Some(mi) = candidate else {
            let m = r
                .msg_clock
                .map_or("no clock".to_owned(), |m| format!("clock {m}"));
            let mut witness = vec![at_place(views, r.at)];
            let mut found = format!("a receive ({m}) of no message machine {from} logged");
            if let Some((before, after)) = r.msg_clock.and_then(|m| around(views, from, m)) {
                found = format!(
                    "{found}; its clock goes from {} at {} to {} at {}",
                    before.1, before.0, after.1, after.0
                );
                witness.extend([before.0, after.0]);
            }
            out.findings.push(Finding {
                rule: Rule::Matched,
                at: at_place(views, r.at),
                expected: format!("a message sent by machine {from} to machine {to} to receive"),
                found,
                witness,
            });
            if let Some(m) = r.msg_clock {
                out.orphans.push((from, m));
            }
            continue;
        };
        used[mi] = true;
        matched[ri] = Some(mi);
        before = Some(mi);
        let message = messages[mi];
        if let (Some(value), Some(m)) = (message.value, r.msg_clock) {
            if !found.flagged.contains_key(&message.send) {
                out.findings.push(Finding {
                    rule: Rule::Carried,
                    at: at_place(views, r.at),
                    expected: format!(
                        "msg_clock {value}, the clock of the send at {}",
                        at_place(views, message.send)
                    ),
                    found: m.to_string(),
                    witness: vec![at_place(views, message.send), at_place(views, r.at)],
                });
            }
        }
    }
    // FIFO.
    let mut latest: Option<(usize, At)> = None;
    for (ri, r) in receives.iter().enumerate() {
        let Some(mi) = matched[ri] else { continue };
        out.send_of.insert(r.at, messages[mi].send);
        match latest {
            Some((lmi, lat)) if mi < lmi => out.findings.push(Finding {
                rule: Rule::Fifo,
                at: at_place(views, r.at),
                expected: format!(
                    "the message sent at {} received before the later one sent at {}",
                    at_place(views, messages[mi].send),
                    at_place(views, messages[lmi].send)
                ),
                found: format!("received after it (received at {})", at_place(views, lat)),
                witness: vec![
                    at_place(views, messages[mi].send),
                    at_place(views, messages[lmi].send),
                    at_place(views, lat),
                    at_place(views, r.at),
                ],
            }),
            _ => latest = Some((mi, r.at)),
        }
    }
}

/// The lines of machine `machine` just before and after its clock passed `m` (where a send
/// carrying `m` would have been), with their clocks.
fn around(views: &[View<'_>], machine: u32, m: u64) -> Option<((Place, u64), (Place, u64))> {
    let view = views.iter().find(|v| v.own == machine)?;
    let events = &view.log.events;
    let after = events.iter().position(|e| e.lamport > Some(m))?;
    let before = events[..after].iter().rev().find(|e| e.lamport.is_some())?;
    let after = &events[after];
    Some((
        (place(&view.file, before), before.lamport?),
        (place(&view.file, after), after.lamport?),
    ))
}
