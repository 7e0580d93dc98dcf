//! The live view's layout against hand-written screens, and its promise to fit any terminal.

use std::collections::BTreeSet;

use proptest::prelude::*;

use super::*;

fn clock() -> Clock {
    Clock {
        elapsed: Duration::from_millis(1500),
        total: Duration::from_secs(3),
        speedup: 20.0,
    }
}

fn ticking(n: u32) -> Vec<MachineView> {
    (0..n)
        .map(|id| MachineView {
            id,
            rate: 1 + id % 6,
            figures: Some(Figures {
                tick: 100 + u64::from(id),
                lamport: 200 + u64::from(id),
                queue: u64::from(id % 3),
            }),
            phase: Phase::Ticking,
        })
        .collect()
}

/// The machines that have a cell or a line of their own in `lines`.
fn shown(lines: &[ViewLine]) -> BTreeSet<u32> {
    lines
        .iter()
        .flat_map(|l| &l.0)
        .filter_map(|s| match s.tint {
            Tint::Machine(id) => Some(id),
            _ => None,
        })
        .collect()
}

fn plain(lines: &[ViewLine]) -> Vec<String> {
    lines.iter().map(ViewLine::plain).collect()
}

#[test]
fn three_machines_get_a_line_each_under_the_progress_and_summary_lines() {
    let size = Size {
        rows: 40,
        cols: 160,
    };
    let text = plain(&layout(size, &clock(), &ticking(3)));
    assert_eq!(text.len(), 5, "{text:#?}");
    assert!(
        text[0].ends_with(" 1.5/3.0 s real, 30.0/60.0 s model"),
        "{}",
        text[0]
    );
    assert!(
        text[0].starts_with("███████████████░░░░░░░░░░░░░░░"),
        "{}",
        text[0]
    );
    assert_eq!(
        text[1],
        "3 machines: 3 ticking  |  lamport max 202  |  queue max 2 (machine 2)"
    );
    assert_eq!(
        text[2],
        "machine  0  ticking   rate    1/s  tick     100  lamport     200  queue    0"
    );
    assert_eq!(text[2].chars().count(), FULL);
}

#[test]
fn sixty_four_machines_on_160_by_40_are_all_shown_six_to_a_row() {
    let size = Size {
        rows: 40,
        cols: 160,
    };
    let lines = layout(size, &clock(), &ticking(64));
    let text = plain(&lines);
    // Progress, summary, then 64 cells in rows of 6: 11 rows.
    assert_eq!(text.len(), 13, "{text:#?}");
    assert!(
        text[1].ends_with("t tick, L lamport, q queue (q? while paused)"),
        "{}",
        text[1]
    );
    assert_eq!(
        text[2],
        " 0 t100    L200    q0      1 t101    L201    q1      2 t102    L202    q2      \
         3 t103    L203    q0      4 t104    L204    q1      5 t105    L205    q2   "
    );
    assert_eq!(shown(&lines), (0..64).collect());
}

#[test]
fn on_80_by_24_the_dead_the_paused_and_the_longest_queues_are_shown_and_the_rest_counted() {
    let mut machines = ticking(64);
    machines[63].phase = Phase::Died("killed by signal 9 (SIGKILL)".into());
    machines[62].phase = Phase::Paused;
    machines[40].figures = Some(Figures {
        tick: 5,
        lamport: 9,
        queue: 70,
    });
    let size = Size { rows: 24, cols: 80 };
    let lines = layout(size, &clock(), &machines);
    let text = plain(&lines);
    assert_eq!(text.len(), 23, "{text:#?}");
    // The legend on a line of its own, 19 rows of 3 cells, then the count of the 7 others.
    assert_eq!(
        text[1],
        "64 machines: 62 ticking, 1 paused, 1 died; L max 263; q max 70 (machine 40)"
    );
    assert_eq!(text[2], "t tick, L lamport, q queue (q? while paused)");
    let ids = shown(&lines);
    assert_eq!(ids.len(), 57);
    for id in [40, 62, 63] {
        assert!(ids.contains(&id), "machine {id} is shown: {text:#?}");
    }
    assert_eq!(text[22], "... and 7 more machines (queues of 0 or less)");
    assert!(
        text.iter().any(|l| l.contains("63 DIED    L263    q0")),
        "{text:#?}"
    );
    assert!(
        text.iter().any(|l| l.contains("40 t5      L9      q70")),
        "{text:#?}"
    );
    assert!(
        text.iter().any(|l| l.contains("62 paused  L262    q?")),
        "a paused machine's queue is unknown: {text:#?}"
    );
}

#[test]
fn a_paused_machine_s_line_says_it_is_paused() {
    let mut machines = ticking(3);
    machines[1].phase = Phase::Paused;
    let text = plain(&layout(
        Size {
            rows: 40,
            cols: 160,
        },
        &clock(),
        &machines,
    ));
    assert!(
        text[3].starts_with("machine  1  paused    rate    2/s  tick     101"),
        "{}",
        text[3]
    );
    assert!(text[3].ends_with("queue    ?"), "{}", text[3]);
    assert!(
        text[1].starts_with("3 machines: 2 ticking, 1 paused"),
        "{}",
        text[1]
    );
}

#[test]
fn a_machine_without_figures_yet_says_it_is_starting() {
    let mut machines = ticking(2);
    machines[0].figures = None;
    machines[0].phase = Phase::Starting;
    let text = plain(&layout(
        Size {
            rows: 40,
            cols: 160,
        },
        &clock(),
        &machines,
    ));
    assert_eq!(text[2], "machine  0  starting  rate    1/s");
}

#[test]
fn numbers_too_wide_for_their_column_are_shortened_not_cut() {
    assert_eq!(short(999_999, 6), "999999");
    assert_eq!(short(1_234_567, 6), " 1234k");
    assert_eq!(short(12_345_678_901, 6), "12345M");
    assert_eq!(short(u64::MAX, 4), "####");
    assert_eq!(short(12_345, 4), " 12k");
}

fn any_machine() -> impl Strategy<Value = (Option<(u64, u64, u64)>, u8)> {
    (
        proptest::option::of((0u64..u64::MAX, 0u64..u64::MAX, 0u64..100_000)),
        0u8..6,
    )
}

proptest! {
    #[test]
    fn the_view_always_fits_the_terminal_with_its_progress_line_first(
        rows in 1usize..80,
        cols in 1usize..300,
        machines in proptest::collection::vec(any_machine(), 2..=64),
    ) {
        let machines: Vec<MachineView> = (0u32..)
            .zip(machines)
            .map(|(id, (figures, phase))| MachineView {
                id,
                rate: 1000,
                figures: figures.map(|(tick, lamport, queue)| Figures { tick, lamport, queue }),
                phase: match phase {
                    0 => Phase::Starting,
                    1 => Phase::Ticking,
                    2 => Phase::Paused,
                    3 => Phase::Stopped,
                    4 => Phase::KilledByFault,
                    _ => Phase::Died("killed by signal 9 (SIGKILL)".into()),
                },
            })
            .collect();
        let lines = layout(Size { rows, cols }, &clock(), &machines);
        prop_assert!(lines.len() <= rows.saturating_sub(1).max(1));
        for line in plain(&lines) {
            prop_assert!(line.chars().count() <= cols.saturating_sub(1).max(1), "{line}");
        }
        if cols >= 60 {
            prop_assert!(plain(&lines)[0].contains(" s real, "), "{:?}", plain(&lines)[0]);
        }
        // With room for a summary, the cells' legend (on a line of its own when the summary is
        // long) and a row per 6 machines, every machine is there.
        if cols >= 160 && rows >= 4 + machines.len().div_ceil(6) {
            prop_assert_eq!(shown(&lines).len(), machines.len());
        }
    }
}

#[test]
fn the_legend_is_on_screen_whenever_cells_are() {
    for (rows, cols) in [(24, 80), (40, 160), (12, 60), (30, 100)] {
        let text = plain(&layout(Size { rows, cols }, &clock(), &ticking(64)));
        assert!(
            text.iter()
                .any(|l| l.contains("t tick, L lamport, q queue")),
            "{rows}x{cols}: {text:#?}"
        );
    }
}

#[test]
fn a_cell_puts_each_value_right_after_its_letter() {
    let mut machines = ticking(1);
    machines[0].figures = Some(Figures {
        tick: 56,
        lamport: 69,
        queue: 0,
    });
    let (id, figures) = cell(&machines[0]);
    assert_eq!(format!("{id}{figures}"), " 0 t56     L69     q0   ");
    assert_eq!(format!("{id}{figures}").chars().count(), CELL);
    machines[0].figures = Some(Figures {
        tick: 12_345_678,
        lamport: 99,
        queue: 123_456,
    });
    let (_, figures) = cell(&machines[0]);
    assert_eq!(figures, " t12345k L99     q123k");
}
