//! Pairing each send with its receive: a message is (from, to, lamport), and a `recv` at `to`
//! with (`from`, `msg_clock`) is the message whose send at `from` had `lamport == msg_clock`.

use std::collections::HashMap;

use super::event::{Event, Kind};

/// One message: its send and its receive, as indices into the event list (either may be
/// missing: a message never received, a receive whose send line is lost).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message {
    pub from: u32,
    pub to: u32,
    /// The Lamport value the message carried.
    pub lamport: u64,
    pub send: Option<usize>,
    pub recv: Option<usize>,
}

/// Every message of `events`, in the order of their sends (receives without a send last).
pub fn match_messages(events: &[Event]) -> Vec<Message> {
    let mut messages = Vec::new();
    let mut by_key: HashMap<(u32, u32, u64), usize> = HashMap::new();
    for (i, e) in events.iter().enumerate() {
        if let (Kind::Send { to }, Some(lamport)) = (&e.kind, e.lamport) {
            for to in to.iter() {
                by_key.insert((e.machine, to, lamport), messages.len());
                messages.push(Message {
                    from: e.machine,
                    to,
                    lamport,
                    send: Some(i),
                    recv: None,
                });
            }
        }
    }
    for (i, e) in events.iter().enumerate() {
        if let Kind::Recv {
            from, msg_clock, ..
        } = e.kind
        {
            match by_key.get(&(from, e.machine, msg_clock)) {
                Some(&m) if messages[m].recv.is_none() => messages[m].recv = Some(i),
                _ => messages.push(Message {
                    from,
                    to: e.machine,
                    lamport: msg_clock,
                    send: None,
                    recv: Some(i),
                }),
            }
        }
    }
    messages
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log_format::IdSet;

    fn ev(machine: u32, lamport: u64, kind: Kind) -> Event {
        Event {
            machine,
            line: 1,
            ts_us: 0,
            timestamp: String::new(),
            kind,
            tick: Some(1),
            lamport: Some(lamport),
            vc: vec![],
            late_us: None,
        }
    }

    #[test]
    fn a_multicast_send_is_one_message_per_recipient() {
        let events = vec![
            ev(0, 1, Kind::Send { to: IdSet(0b110) }),
            ev(
                2,
                2,
                Kind::Recv {
                    from: 0,
                    msg_clock: 1,
                    queue: 0,
                },
            ),
            ev(
                1,
                5,
                Kind::Recv {
                    from: 0,
                    msg_clock: 4,
                    queue: 0,
                },
            ),
        ];
        let m = match_messages(&events);
        assert_eq!(m.len(), 3);
        assert_eq!((m[0].to, m[0].recv), (1, None));
        assert_eq!((m[1].to, m[1].send, m[1].recv), (2, Some(0), Some(1)));
        assert_eq!((m[2].from, m[2].send, m[2].recv), (0, None, Some(2)));
    }
}
