//! A tick's decision, shared by the real tick loop and the simulated twin: take the waiting
//! message if there is one, else roll the die and turn the roll into an action.
//!
//! The die is rolled only on a tick with an empty queue, so a machine's stream of rolls
//! (`scenario::machine_rng`) is consumed identically by both engines whenever they see the same
//! queue at the same tick.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::clock::{choose_action, Action};

/// What one tick does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step<M> {
    /// Take this message from the queue (the receive rule).
    Receive(M),
    /// The queue was empty: the die chose this action.
    Act(Action),
}

/// Decide a tick: `waiting` is the message at the head of the queue, if any. The die (`1..=die`)
/// is rolled only when nothing is waiting.
pub fn decide<M>(waiting: Option<M>, rng: &mut ChaCha8Rng, die: u32, peers: &[u32]) -> Step<M> {
    match waiting {
        Some(msg) => Step::Receive(msg),
        None => Step::Act(choose_action(rng.random_range(1..=die), peers)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::clock::peers_of;
    use crate::scenario::machine_rng;

    #[test]
    fn a_waiting_message_is_taken_without_rolling_the_die() {
        let peers = peers_of(0, 3);
        let mut rolled = machine_rng(7, 0, 0);
        let mut untouched = machine_rng(7, 0, 0);
        assert_eq!(decide(Some(5u8), &mut rolled, 10, &peers), Step::Receive(5));
        // Both streams are still at their first draw.
        let a = decide::<u8>(None, &mut rolled, 10, &peers);
        let b = decide::<u8>(None, &mut untouched, 10, &peers);
        assert_eq!(a, b);
    }

    #[test]
    fn an_empty_queue_rolls_the_machines_own_stream() {
        let peers = peers_of(1, 3);
        let mut rng = machine_rng(42, 1, 0);
        let mut expected = machine_rng(42, 1, 0);
        for _ in 0..100 {
            let want = choose_action(expected.random_range(1..=6), &peers);
            assert_eq!(decide::<u8>(None, &mut rng, 6, &peers), Step::Act(want));
        }
    }
}
