//! The link model's rules, case by case and as properties over any run of sends, settings and
//! jitter.

use proptest::prelude::*;

use super::*;

/// Jitter taken in turn from a list (each value cut to the bound), recording every bound asked.
#[derive(Default)]
struct Draws {
    values: Vec<u64>,
    next: usize,
    asked: Vec<u64>,
}

impl Jitter for Draws {
    fn draw(&mut self, max_us: u64) -> u64 {
        self.asked.push(max_us);
        let value = self.values.get(self.next).copied().unwrap_or(0);
        self.next = (self.next + 1) % self.values.len().max(1);
        value % (max_us + 1)
    }
}

fn delayed(delay_us: u64, jitter_us: u64) -> LinkState {
    LinkState {
        delay_us,
        jitter_us,
        block: None,
    }
}

fn cut(mode: PartitionMode) -> LinkState {
    LinkState {
        block: Some(mode),
        ..LinkState::default()
    }
}

const WIRE: Wire = Wire {
    latency_us: 100,
    jitter_us: 0,
};

#[test]
fn a_message_is_released_after_the_wire_and_the_delay_and_never_before_an_earlier_one() {
    let mut link = Link::new(WIRE);
    let mut none = Draws::default();
    assert_eq!(link.send(1, 1_000u64, &mut none), Fate::Release(101_000));
    link.set(delayed(500, 0), 2_000, &mut none);
    assert_eq!(link.send(2, 2_000, &mut none), Fate::Release(602_000));
    link.set(LinkState::default(), 3_000, &mut none);
    // Alone it would leave at 103 us: it waits for the one ahead of it.
    assert_eq!(link.send(3, 3_000, &mut none), Fate::Release(602_000));
    assert_eq!(link.pop_due(101_000), Some(1));
    assert_eq!(link.pop_due(601_999), None);
    assert_eq!(link.pop_next(), Some((602_000, 2)));
    assert_eq!(link.pop_due(602_000), Some(3));
    assert!(none.asked.is_empty(), "no bound, no draw: {:?}", none.asked);
}

#[test]
fn the_wire_jitter_is_drawn_before_the_delay_jitter_and_only_when_bounded() {
    let wire = Wire {
        latency_us: 10,
        jitter_us: 5,
    };
    let mut link = Link::new(wire);
    let mut draws = Draws {
        values: vec![3, 40],
        ..Draws::default()
    };
    link.set(delayed(1_000, 50), 0u64, &mut draws);
    assert_eq!(link.send('a', 0, &mut draws), Fate::Release(1_053_000));
    assert_eq!(draws.asked, [5, 50]);
    link.set(delayed(1_000, 0), 2_000_000, &mut draws);
    link.send('b', 2_000_000, &mut draws);
    assert_eq!(
        draws.asked,
        [5, 50, 5],
        "a delay without jitter draws nothing"
    );
}

#[test]
fn a_held_partition_releases_in_order_when_it_lifts_and_a_dropping_one_discards() {
    let mut link = Link::new(WIRE);
    let mut none = Draws::default();
    link.set(cut(PartitionMode::Hold), 0u64, &mut none);
    assert_eq!(link.send(1, 0, &mut none), Fate::Held);
    assert_eq!(link.send(2, 5, &mut none), Fate::Held);
    assert_eq!(link.pending().copied().collect::<Vec<_>>(), [1, 2]);
    // A change of mode is no heal: what is held stays held.
    assert!(link.set(cut(PartitionMode::Drop), 10, &mut none).is_empty());
    let dropped = Fate::Dropped {
        msg: 3,
        reason: DropReason::Partition,
    };
    assert_eq!(link.send(3, 20, &mut none), dropped);
    let released = link.set(LinkState::default(), 1_000_000, &mut none);
    assert_eq!(released, [1_100_000, 1_100_000]);
    assert_eq!(link.drain().collect::<Vec<_>>(), [1, 2]);
}

#[test]
fn a_message_on_its_way_keeps_its_release_time_whatever_the_link_does_next() {
    let mut link = Link::new(Wire::default());
    let mut none = Draws::default();
    link.set(delayed(1_000, 0), 0u64, &mut none);
    link.send('a', 0, &mut none);
    link.set(cut(PartitionMode::Drop), 10_000, &mut none);
    link.set(LinkState::default(), 20_000, &mut none);
    assert_eq!(link.pop_next(), Some((1_000_000, 'a')));
}

#[test]
fn a_dying_sender_loses_what_its_delay_and_partition_hold_and_not_what_is_on_the_wire() {
    let mut link = Link::new(WIRE);
    let mut none = Draws::default();
    // On the wire at once: sent at 0, leaves the sender at 0, released at 100 us.
    assert_eq!(link.send(1, 0u64, &mut none), Fate::Release(100_000));
    link.set(delayed(1_000, 0), 0, &mut none);
    // Held by the delay until 1,010 us, then on the wire.
    assert_eq!(link.send(2, 10_000, &mut none), Fate::Release(1_110_000));
    // Held until 1,500 us.
    assert_eq!(link.send(3, 500_000, &mut none), Fate::Release(1_600_000));
    // The sender dies at 1,200 us: 2 has left it, 3 has not.
    assert_eq!(link.sender_died(1_200_000), 1);
    assert_eq!(link.pending().copied().collect::<Vec<_>>(), [1, 2]);
    // A new process sends on a normal link, behind nothing that died.
    link.set(LinkState::default(), 1_300_000, &mut none);
    assert_eq!(link.send(4, 1_300_000, &mut none), Fate::Release(1_400_000));
    link.set(cut(PartitionMode::Hold), 1_400_000, &mut none);
    assert_eq!(link.send(5, 1_400_000, &mut none), Fate::Held);
    assert_eq!(link.sender_died(1_500_000), 1);
    assert_eq!(link.drain().collect::<Vec<_>>(), [1, 2, 4]);
}

#[test]
fn a_real_link_counts_in_tokio_instants() {
    let sent = tokio::time::Instant::now();
    let mut link = Link::new(Wire::default());
    link.set(delayed(250, 0), sent, &mut Draws::default());
    let fate = link.send((), sent, &mut Draws::default());
    assert_eq!(fate, Fate::Release(sent + Duration::from_micros(250)));
}

/// A step of a link's life: a message sent, or a new setting.
#[derive(Debug, Clone)]
enum Step {
    Send,
    Set(LinkState),
}

fn setting() -> impl Strategy<Value = LinkState> {
    prop_oneof![
        Just(LinkState::default()),
        (0..5_000u64, 0..5_000u64).prop_map(|(d, j)| delayed(d, j)),
        Just(cut(PartitionMode::Hold)),
        Just(cut(PartitionMode::Drop)),
    ]
}

fn steps() -> impl Strategy<Value = Vec<(u64, Step)>> {
    let step = prop_oneof![3 => Just(Step::Send), 1 => setting().prop_map(Step::Set)];
    prop::collection::vec((0..3_000u64, step), 1..80)
}

/// What became of messages `0..` sent by `steps` (each after a gap in microseconds), the link
/// set back to normal at the end: `(release time, id)` in the order they leave, the ids
/// dropped, and the ids sent while the link dropped.
fn run(steps: &[(u64, Step)], jitter: Vec<u64>) -> (Vec<(u64, u64)>, Vec<u64>, Vec<u64>) {
    let mut link = Link::new(WIRE);
    let mut draws = Draws {
        values: jitter,
        ..Draws::default()
    };
    let (mut now, mut id) = (0u64, 0u64);
    let (mut dropped, mut sent_while_dropping) = (Vec::new(), Vec::new());
    for (gap, step) in steps {
        now += gap * 1_000;
        match step {
            Step::Send => {
                if link.setting().block == Some(PartitionMode::Drop) {
                    sent_while_dropping.push(id);
                }
                if let Fate::Dropped { msg, .. } = link.send(id, now, &mut draws) {
                    dropped.push(msg);
                }
                id += 1;
            }
            Step::Set(setting) => {
                link.set(*setting, now, &mut draws);
            }
        }
    }
    link.set(LinkState::default(), now, &mut draws);
    let left = std::iter::from_fn(|| link.pop_next()).collect();
    (left, dropped, sent_while_dropping)
}

proptest! {
    #[test]
    fn no_message_leaves_before_one_sent_earlier_under_any_jitter(
        steps in steps(),
        jitter in prop::collection::vec(any::<u64>(), 1..20),
    ) {
        let (left, _, _) = run(&steps, jitter);
        for pair in left.windows(2) {
            prop_assert!(pair[0].1 < pair[1].1, "out of order: {pair:?}");
            prop_assert!(pair[0].0 <= pair[1].0, "released earlier: {pair:?}");
        }
    }

    #[test]
    fn drop_mode_drops_exactly_the_messages_sent_while_it_holds_and_every_other_one_leaves(
        steps in steps(),
        jitter in prop::collection::vec(any::<u64>(), 1..20),
    ) {
        let sent = steps.iter().filter(|(_, s)| matches!(s, Step::Send)).count() as u64;
        let (left, dropped, sent_while_dropping) = run(&steps, jitter);
        prop_assert_eq!(&dropped, &sent_while_dropping);
        let mut all: Vec<u64> = left.iter().map(|(_, id)| *id).chain(dropped).collect();
        all.sort_unstable();
        prop_assert_eq!(all, (0..sent).collect::<Vec<_>>());
    }

    #[test]
    fn a_held_partition_lifting_delivers_everything_it_held_in_order(
        before in 0..10u64,
        held in 1..30u64,
        jitter in prop::collection::vec(any::<u64>(), 1..20),
        delay in 0..5_000u64,
    ) {
        let mut link = Link::new(WIRE);
        let mut draws = Draws { values: jitter, ..Draws::default() };
        link.set(delayed(delay, 2_000), 0u64, &mut draws);
        for id in 0..before {
            prop_assert!(matches!(link.send(id, id * 1_000, &mut draws), Fate::Release(_)));
        }
        link.set(cut(PartitionMode::Hold), before * 1_000, &mut draws);
        for id in before..before + held {
            prop_assert_eq!(link.send(id, id * 1_000, &mut draws), Fate::Held);
        }
        let heal = 1_000_000_000;
        let released = link.set(LinkState::default(), heal, &mut draws);
        prop_assert_eq!(released.len() as u64, held);
        prop_assert!(released.iter().all(|at| *at >= heal + WIRE.latency_us * 1_000));
        let order: Vec<u64> = std::iter::from_fn(|| link.pop_next()).map(|(_, id)| id).collect();
        prop_assert_eq!(order, (0..before + held).collect::<Vec<_>>());
    }

    #[test]
    fn a_delay_ending_releases_in_order(
        during in 1..30u64,
        after in 1..30u64,
        delay in 1..50_000u64,
        jitter in prop::collection::vec(any::<u64>(), 1..20),
    ) {
        let mut link = Link::new(Wire::default());
        let mut draws = Draws { values: jitter, ..Draws::default() };
        link.set(delayed(delay, delay / 2), 0u64, &mut draws);
        for id in 0..during {
            link.send(id, id * 1_000, &mut draws);
        }
        let end = during * 1_000;
        link.set(LinkState::default(), end, &mut draws);
        for id in during..during + after {
            link.send(id, end + id * 10, &mut draws);
        }
        let mut now = 0;
        let mut order = Vec::new();
        while let Some(at) = link.next_release() {
            now = now.max(at);
            while let Some(id) = link.pop_due(now) {
                order.push(id);
            }
        }
        prop_assert_eq!(order, (0..during + after).collect::<Vec<_>>());
    }
}
