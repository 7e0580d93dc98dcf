use super::*;
use crate::timeline::event::MachineInfo;

fn timeline() -> Timeline {
    let machine = |id| MachineInfo {
        id,
        rate: Some(1),
        interval_us: Some(1e6),
    };
    Timeline {
        dir: "run".into(),
        logs: vec!["machine-0.log".into(), "machine-1.log".into()],
        machines: vec![machine(0), machine(1)],
        origin_us: 1_000,
        speedup: 1.0,
        events: Vec::new(),
        warnings: Vec::new(),
        faults: Vec::new(),
    }
}

fn line(machine: u32, line: u64, timestamp: i64, event: Event) -> Line {
    Line {
        machine,
        line,
        timestamp,
        event,
    }
}

fn send(lamport: u64, vc: Vec<u64>) -> Event {
    Event::Send {
        tick: lamport,
        lamport,
        to: vec![1],
        vc,
        late_us: 0,
        pt_us: None,
        hlc: None,
    }
}

fn recv(lamport: u64, msg_clock: u64, vc: Vec<u64>) -> Event {
    Event::Recv {
        tick: 1,
        lamport,
        from: 0,
        msg_clock,
        queue: 0,
        vc,
        late_us: 0,
        pt_us: None,
        hlc: None,
        msg_hlc: None,
        offset_rejected: false,
    }
}

/// Machine 0 sends twice to machine 1, which receives the second only: the run's lines.
fn run() -> Vec<Line> {
    vec![
        line(0, 2, 1_010, send(1, vec![1, 0])),
        line(0, 3, 1_020, send(2, vec![2, 0])),
        line(1, 2, 1_030, recv(3, 2, vec![2, 1])),
    ]
}

fn collect(from_us: i64, to_us: i64, limit: u64) -> (Collected, bool) {
    let t = timeline();
    let mut c = Collector::new(&t, vec![0, 1], (from_us, to_us), limit);
    for l in run() {
        c.line(&t, &l);
    }
    let over = c.over_limit();
    (c.finish(), over)
}

#[test]
fn a_receive_is_paired_with_its_send_and_a_skipped_send_is_lost() {
    let (c, over) = collect(i64::MIN, i64::MAX, 10);
    assert!(!over);
    let cols = &c.columns;
    assert_eq!(cols.lane, [0, 0, 1]);
    assert_eq!(cols.kind, [SEND, SEND, RECV]);
    assert_eq!(cols.t_us, [10, 20, 30]);
    assert_eq!(cols.src, [Some(1)]);
    assert_eq!(cols.lost, [(0, 1)]);
    assert!(cols.orphan_vc.is_empty());
    assert_eq!(c.end_us, 30);
}

#[test]
fn a_window_keeps_the_clock_before_it_and_the_clock_of_a_receive_sent_before_it() {
    let (c, _) = collect(25, 40, 10);
    let cols = &c.columns;
    assert_eq!(cols.lane, [1]);
    assert_eq!(cols.src, [None]);
    assert_eq!(cols.orphan_vc, [(0, vec![2, 1])]);
    assert_eq!(cols.base, [vec![2, 0], vec![0, 0]]);
    assert!(cols.lost.is_empty(), "the lost send is not in the window");
}

#[test]
fn past_the_limit_events_are_counted_not_kept() {
    let (c, over) = collect(i64::MIN, i64::MAX, 2);
    assert!(over);
    assert_eq!((c.events, c.columns.lane.len()), (3, 2));
}
