//! Tests of [`super`]: the trace-event records of a run, against Perfetto's and catapult's import rules.

use super::flows::{child_slices, Child, Flow, Layout};
use super::*;

fn flow(to: u32, recv_us: i64) -> Flow {
    Flow {
        to,
        id: u64::from(to),
        recv_us,
    }
}

#[test]
fn each_child_slice_ends_before_its_own_receive_and_they_do_not_overlap() {
    // A send at 1000 µs lasting 900 µs; machine 3 receives first, 100 µs after the send.
    let mut flows = [flow(1, 1_800), flow(3, 1_100), flow(2, 1_050)];
    let children = child_slices(&mut Layout::new(1_000.0, 900.0, 3), &mut flows);
    let order: Vec<u32> = children.iter().map(|(f, _)| f.to).collect();
    assert_eq!(order, [2, 3, 1], "in the order of their receives");
    let mut cursor = 1_000_000;
    for (f, c) in &children {
        assert!(c.start_ns >= cursor && c.end_ns >= c.start_ns, "{c:?}");
        assert!(
            c.end_ns <= f.recv_us * 1_000,
            "{c:?} ends after {}",
            f.recv_us
        );
        assert!(c.end_ns <= 1_900_000, "inside the send's slice");
        cursor = c.end_ns;
    }
}

#[test]
fn a_receive_logged_before_its_send_gets_a_child_without_width_at_the_send() {
    let children = child_slices(&mut Layout::new(1_000.0, 900.0, 1), &mut [flow(1, 990)]);
    assert_eq!(
        children[0].1,
        Child {
            start_ns: 1_000_000,
            end_ns: 1_000_000
        }
    );
}

#[test]
fn micros_are_written_exactly() {
    assert_eq!(
        serde_json::to_string(&micros(1_234_567)).unwrap(),
        "1234.567"
    );
    assert_eq!(serde_json::to_string(&micros(5)).unwrap(), "0.005");
}
