//! The live view of 64 real machines on an 80 x 24 terminal (issue 17): each value right after
//! its letter, the legend on every screen that shows cells, a paused machine's queue marked
//! unknown, and machine colours as backgrounds behind their ids, never as text colours that
//! vanish on a dark or a light background.

use std::time::Duration;

use crate::pty::TerminalRun;
use crate::util;

const LEGEND: &str = "t tick, L lamport, q queue (q? while paused)";

/// Whether `line` holds a ticking machine's cell as the view writes it: `12 t56     L69     q0`.
fn has_cell(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    words.windows(4).any(|w| {
        let after = |word: &str, letter: char| {
            word.strip_prefix(letter)
                .is_some_and(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()))
        };
        w[0].parse::<u32>().is_ok() && after(w[1], 't') && after(w[2], 'L') && after(w[3], 'q')
    })
}

#[test]
fn sixty_four_machines_on_80_by_24_read_value_after_letter_with_the_legend_and_a_paused_queue_unknown(
) {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = util::scenario(
        tmp.path(),
        "many.toml",
        "name = \"many\"\nmachines = 64\nduration_s = 2\n[events]\ndie = 64\n\n\
         [[fault]]\nkind = \"pause\"\nat_s = 0.5\nmachine = 5\nduration_s = 1\n",
    );
    let out = tmp.path().join("run");
    let args = [
        "run",
        scenario.to_str().unwrap(),
        "--seed",
        "2",
        "--out",
        out.to_str().unwrap(),
    ];
    let run = TerminalRun::run(tmp.path(), &args, 24, 80, Duration::from_secs(120));

    let (mut screens_with_cells, mut without_legend, mut paused) = (0, 0, false);
    let screen = run.replay(|screen| {
        let lines = screen.lines();
        // A whole view: its first line (progress) and its last (the count of the machines not
        // shown) are there; a redraw clears the view top-down before it writes it again, so a
        // screen caught between the two lacks one of them.
        let whole = lines.iter().any(|l| l.contains(" s real, "))
            && lines.iter().any(|l| l.starts_with("... and "));
        if whole && lines.iter().any(|l| has_cell(l)) {
            screens_with_cells += 1;
            if !lines.iter().any(|l| l.contains(LEGEND)) {
                without_legend += 1;
            }
        }
        paused |= lines
            .iter()
            .any(|l| l.contains(" 5 paused  L") && l.contains("q?"));
    });
    let text = screen.transcript().join("\n");
    assert!(run.status.success(), "exit {}:\n{text}", run.status);
    assert!(screens_with_cells > 0, "no screen showed a cell:\n{text}");
    assert_eq!(
        without_legend, 0,
        "screens with cells but no legend:\n{text}"
    );
    assert!(paused, "machine 5 never showed paused with q?:\n{text}");

    // Colours: each machine's as the background of its bold id, black or white text on it; no
    // machine colour as a text colour (38;5;N with N a machine's colour).
    let raw = String::from_utf8_lossy(&run.chunks.concat()).into_owned();
    assert!(
        raw.contains("\x1b[1;48;5;26;38;5;231m 0\x1b[0m"),
        "machine 0's id"
    );
    for id in 0..64 {
        let xterm = logiclock_xterm(id);
        for foreground in [format!("\x1b[38;5;{xterm}m"), format!(";38;5;{xterm}m")] {
            if xterm != 16 && xterm != 231 {
                assert!(!raw.contains(&foreground), "machine {id} as a text colour");
            }
        }
    }
}

/// Machine `id`'s xterm colour, from its `#rrggbb` in the library's palette.
fn logiclock_xterm(id: usize) -> u8 {
    let hex = logiclock::palette::hex(id);
    let level = |h: &str| {
        let v = u8::from_str_radix(h, 16).unwrap();
        [0u8, 95, 135, 175, 215, 255]
            .iter()
            .position(|&l| l == v)
            .unwrap() as u8
    };
    16 + 36 * level(&hex[1..3]) + 6 * level(&hex[3..5]) + level(&hex[5..7])
}
