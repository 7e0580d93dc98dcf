//! The hybrid logical clock of Kulkarni, Demirbas et al. ("Logical Physical Clocks", OPODIS
//! 2014): a pair `(l, c)`, `l` the largest physical time heard of (model microseconds, like
//! `pt_us`) and `c` a counter that orders events with the same `l`. With `pt` the machine's
//! physical clock at the event:
//!
//! - send or local event: `l' = max(l, pt)`; `c' = c + 1` if `l' = l`, else `0`;
//! - receive of a message `(l_m, c_m)`: `l' = max(l, l_m, pt)`; `c'` is `max(c, c_m) + 1` if
//!   `l' = l = l_m`, `c + 1` if only `l' = l`, `c_m + 1` if only `l' = l_m`, else `0`.
//!
//! So `l >= pt` always, `l - pt` is at most the largest clock offset, and `c` stays bounded.

pub use crate::log_format::Hlc;

/// The rules, on the log contract's timestamp type.
impl Hlc {
    /// The send or local rule: the timestamp after an event at physical time `pt`.
    pub fn local(self, pt: u64) -> Hlc {
        let l = self.l.max(pt);
        let c = if l == self.l { self.c + 1 } else { 0 };
        Hlc { l, c }
    }

    /// The receive rule: the timestamp after receiving `msg` at physical time `pt`.
    pub fn receive(self, msg: Hlc, pt: u64) -> Hlc {
        let l = self.l.max(msg.l).max(pt);
        let c = if l == self.l && l == msg.l {
            self.c.max(msg.c) + 1
        } else if l == self.l {
            self.c + 1
        } else if l == msg.l {
            msg.c + 1
        } else {
            0
        };
        Hlc { l, c }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(l: u64, c: u64) -> Hlc {
        Hlc { l, c }
    }

    #[test]
    fn a_local_event_takes_a_later_physical_time_and_resets_the_counter() {
        assert_eq!(h(10, 3).local(20), h(20, 0));
    }

    #[test]
    fn a_local_event_at_a_physical_time_not_later_counts_up() {
        assert_eq!(h(10, 3).local(10), h(10, 4));
        assert_eq!(
            h(10, 3).local(5),
            h(10, 4),
            "a clock stepped back does not move l back"
        );
    }

    #[test]
    fn a_receive_with_all_three_equal_takes_the_larger_counter_plus_one() {
        assert_eq!(h(10, 2).receive(h(10, 7), 10), h(10, 8));
        assert_eq!(h(10, 9).receive(h(10, 7), 3), h(10, 10));
    }

    #[test]
    fn a_receive_behind_the_local_l_counts_on_from_the_local_counter() {
        assert_eq!(h(10, 2).receive(h(8, 7), 9), h(10, 3));
    }

    #[test]
    fn a_receive_of_a_message_ahead_counts_on_from_the_messages_counter() {
        assert_eq!(h(10, 2).receive(h(15, 7), 12), h(15, 8));
    }

    #[test]
    fn a_receive_after_both_in_physical_time_resets_the_counter() {
        assert_eq!(h(10, 2).receive(h(15, 7), 20), h(20, 0));
    }

    #[test]
    fn a_timestamp_is_written_as_a_pair() {
        assert_eq!(serde_json::to_string(&h(12, 3)).unwrap(), "[12,3]");
        assert_eq!(serde_json::from_str::<Hlc>("[12,3]").unwrap(), h(12, 3));
    }
}
