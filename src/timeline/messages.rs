//! Each send paired with its receive, by [`crate::runlog`]'s one pairing: a message is
//! (from, to, lamport), and a `recv` at `to` with (`from`, `msg_clock`) is the message whose send
//! at `from` had `lamport == msg_clock`.

use crate::runlog::{pair_messages, Message, Step};

use super::event::{Event, Kind};

/// Every message of `events`, in the order of their sends (receives without a send last).
pub fn match_messages(events: &[Event]) -> Vec<Message> {
    pair_messages(events.iter().enumerate().filter_map(|(i, e)| {
        let step = match (&e.kind, e.lamport) {
            (Kind::Send { to }, Some(lamport)) => Step::Send {
                from: e.machine,
                to: *to,
                lamport,
            },
            (
                Kind::Recv {
                    from, msg_clock, ..
                },
                _,
            ) => Step::Recv {
                from: *from,
                to: e.machine,
                msg_clock: *msg_clock,
            },
            _ => return None,
        };
        Some((i, e.ts_us, step))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runlog::IdSet;

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
