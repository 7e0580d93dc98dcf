//! A tick's decision, shared by the real tick loop and the simulated twin: take the waiting
//! message if there is one, else roll the die for this slot and turn the roll into an action.
//!
//! The roll of a slot depends only on the seed, the machine and the slot ([`super::dice`]), so
//! both engines roll the same in every slot where both see an empty queue, whatever happened in
//! the slots before.

use super::clock::{choose_action, DieAction};
use super::dice::Dice;

/// What one tick does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step<M> {
    /// Take this message from the queue (the receive rule).
    Receive(M),
    /// The queue was empty: the die chose this action.
    Act(DieAction),
}

/// Decide the tick of slot `slot`: `waiting` is the message at the head of the queue, if any.
/// The die is rolled only when nothing is waiting.
pub(crate) fn decide<M>(waiting: Option<M>, dice: &Dice, slot: u64, peers: &[u32]) -> Step<M> {
    match waiting {
        Some(msg) => Step::Receive(msg),
        None => Step::Act(choose_action(dice.roll(slot), peers)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::clock::peers_of;

    #[test]
    fn a_waiting_message_is_taken_whatever_the_die_says() {
        let peers = peers_of(0, 3);
        // With three faces every roll sends: a waiting message still wins.
        let dice = Dice::new(7, 0, 3);
        for slot in 1..=20 {
            assert_eq!(decide(Some(5u8), &dice, slot, &peers), Step::Receive(5));
        }
    }

    #[test]
    fn an_empty_queue_rolls_the_machines_own_die_for_the_slot() {
        let peers = peers_of(1, 3);
        let dice = Dice::new(42, 1, 6);
        for slot in 1..=100 {
            let want = choose_action(dice.roll(slot), &peers);
            assert_eq!(decide::<u8>(None, &dice, slot, &peers), Step::Act(want));
        }
    }
}
