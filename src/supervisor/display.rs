//! What the user sees: a live view while the run goes (drawn to fit the terminal by
//! [`super::live_layout`]), notes above it, and a summary at the end.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::live_layout::{self, Clock, Figures, MachineView, Phase, Size, Tint, ViewLine};
use crate::fault::FaultAction;
use crate::manifest::{FaultOutcome, Manifest};
use crate::model::machine::StopReport;
use crate::palette;

/// The one place colors are chosen: the SGR parameters for a piece of the view, if any. A
/// machine's colour is its colour in the plots and the diagram ([`crate::palette`]), as an
/// xterm 256-colour index, shown as the background of its id with black or white text on it,
/// whichever reads better: legible on a dark terminal and on a light one alike, where the
/// colour as text (dark blue on black, yellow on white) may not be. Everything else is in the
/// terminal's own foreground, which its user chose to read.
fn color(tint: Tint) -> Option<String> {
    match tint {
        Tint::Plain | Tint::BarDone => None,
        Tint::Machine(id) => {
            let id = id as usize;
            Some(format!(
                "1;48;5;{};38;5;{}",
                palette::xterm(id),
                text_on(palette::rgb(id))
            ))
        }
        Tint::BarLeft => Some("2".into()),
    }
}

/// The xterm index of black (16) or white (231), whichever contrasts more with `background`
/// (WCAG's contrast ratio of relative luminances).
fn text_on((r, g, b): (u8, u8, u8)) -> u8 {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
    let on_black = (luminance + 0.05) / 0.05;
    let on_white = 1.05 / (luminance + 0.05);
    if on_black >= on_white {
        16
    } else {
        231
    }
}

/// The size assumed when the terminal does not say.
const FALLBACK_SIZE: Size = Size { rows: 24, cols: 80 };

/// The live view: a progress line, a summary line and the machines, redrawn in place to fit the
/// terminal. Hidden with `--quiet` or when stderr is not a terminal; then only a few plain
/// progress notes are printed.
pub(crate) struct LiveView {
    /// One progress bar whose message is the whole view, so indicatif redraws it as one block
    /// and prints notes above it.
    bar: ProgressBar,
    machines: Vec<MachineView>,
    clock: Clock,
    live: bool,
    quiet: bool,
    colored: bool,
}

impl LiveView {
    pub(crate) fn new(rates: &[u32], total: Duration, speedup: f64, quiet: bool) -> LiveView {
        let live = !quiet && std::io::stderr().is_terminal();
        let target = if live {
            // Twice the supervisor's redraw rate, so that no redraw of its is rate-limited away.
            ProgressDrawTarget::stderr_with_hz(20)
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(None, target).with_style(
            ProgressStyle::with_template("{msg}").expect("the live view template is valid"),
        );
        let machines = (0u32..)
            .zip(rates)
            .map(|(id, &rate)| MachineView {
                id,
                rate,
                figures: None,
                phase: Phase::Starting,
            })
            .collect();
        let view = LiveView {
            bar,
            machines,
            clock: Clock {
                elapsed: Duration::ZERO,
                total,
                speedup,
            },
            live,
            quiet,
            // https://no-color.org: any non-empty value turns colors off.
            colored: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        };
        view.draw();
        view
    }

    /// A plain note (set-up steps, warnings): above the live view, or on stderr.
    pub(crate) fn note(&self, text: &str) {
        if !self.quiet {
            self.warn(text);
        }
    }

    /// Something the user must see even with `--quiet`: a machine died, a fault went wrong.
    pub(crate) fn warn(&self, text: &str) {
        if self.live {
            self.bar.println(text);
        } else {
            eprintln!("{text}");
        }
    }

    /// A machine's latest figures.
    pub(crate) fn machine(&mut self, id: u32, tick: u64, lamport: u64, queue: u64) {
        if let Some(m) = self.machines.get_mut(id as usize) {
            m.figures = Some(Figures {
                tick,
                lamport,
                queue,
            });
            // A paused or ended machine's last reports may still be on the way: they change
            // its figures, not what it is doing.
            if m.phase == Phase::Starting {
                m.phase = Phase::Ticking;
            }
        }
    }

    /// A machine stopped on request, with its final figures.
    pub(crate) fn machine_stopped(&mut self, id: u32, report: &StopReport) {
        if let Some(m) = self.machines.get_mut(id as usize) {
            m.figures = Some(Figures {
                tick: report.ticks,
                lamport: report.lamport,
                queue: report.queue,
            });
        }
        self.set_phase(id, Phase::Stopped);
    }

    /// A machine killed by a `kill` fault.
    pub(crate) fn machine_killed(&mut self, id: u32) {
        self.set_phase(id, Phase::KilledByFault);
    }

    /// A machine that died unplanned, and how.
    pub(crate) fn machine_died(&mut self, id: u32, how: &str) {
        self.set_phase(id, Phase::Died(how.to_owned()));
    }

    /// A fault carried out at `model_s` model seconds (its time in the scenario): a note that
    /// says when, and the machines' new phases.
    pub(crate) fn fault(&mut self, model_s: f64, action: &FaultAction, detail: &str) {
        self.note(&format!("fault at {model_s:.1} s model: {detail}"));
        match *action {
            FaultAction::Kill(id) => self.set_phase(id, Phase::KilledByFault),
            FaultAction::Restart(id) => self.set_phase(id, Phase::Starting),
            FaultAction::Pause(id) => self.set_phase(id, Phase::Paused),
            FaultAction::Resume(id) => self.set_phase(id, Phase::Ticking),
            FaultAction::Link(_) => {}
        }
    }

    /// Real time elapsed since the tick loops started; redraws the view.
    pub(crate) fn elapsed(&mut self, elapsed: Duration) {
        self.clock.elapsed = elapsed;
        self.draw();
    }

    /// Stop drawing, and leave the view's last state on the terminal as plain lines, so what
    /// follows (the summary) starts on a line of its own.
    pub(crate) fn finish(&mut self) {
        if !self.live || self.bar.is_finished() {
            return;
        }
        self.bar.finish_and_clear();
        eprintln!("{}", self.render());
    }

    fn set_phase(&mut self, id: u32, phase: Phase) {
        if let Some(m) = self.machines.get_mut(id as usize) {
            m.phase = phase;
            self.draw();
        }
    }

    fn draw(&self) {
        if self.live && !self.bar.is_finished() {
            self.bar.set_message(self.render());
        }
    }

    /// The view for the terminal's current size, colored, as one string of lines.
    fn render(&self) -> String {
        let size = terminal_size().unwrap_or(FALLBACK_SIZE);
        live_layout::layout(size, &self.clock, &self.machines)
            .iter()
            .map(|line| self.paint(line))
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn paint(&self, line: &ViewLine) -> String {
        let mut out = String::new();
        for span in &line.0 {
            match color(span.tint).filter(|_| self.colored) {
                Some(sgr) => out.push_str(&format!("\x1b[{sgr}m{}\x1b[0m", span.text)),
                None => out.push_str(&span.text),
            }
        }
        out
    }
}

/// The size of the terminal on stderr, asked anew at each redraw so a resized window is used.
fn terminal_size() -> Option<Size> {
    let (rows, cols) = crate::stdout::terminal_size(libc::STDERR_FILENO)?;
    (rows > 0 && cols > 0).then_some(Size { rows, cols })
}

/// The end-of-run summary printed on stdout: one row per machine and the run directory.
pub(crate) fn summary(manifest: &Manifest, run_dir: &std::path::Path) -> String {
    let mut out = String::new();
    out.push_str("machine  rate  ticks  skipped  lamport    sent    recv  queue  exit\n");
    let exits = manifest
        .outcome
        .as_ref()
        .map(|o| &o.exits[..])
        .unwrap_or(&[]);
    for m in &manifest.machines {
        let exit = exits.iter().find(|e| e.id == m.id);
        let status = exit.map_or_else(|| "?".to_owned(), |e| e.status.to_string());
        let rate = m.rate.map_or_else(|| "?".to_owned(), |r| r.to_string());
        match exit.and_then(|e| e.report.as_ref()) {
            Some(r) => out.push_str(&format!(
                "{:>7}  {:>4}  {:>5}  {:>7}  {:>7}  {:>6}  {:>6}  {:>5}  {}\n",
                m.id, rate, r.ticks, r.skipped, r.lamport, r.sent, r.received, r.queue, status
            )),
            // No final figures: the machine died; its log has what it did.
            None => out.push_str(&format!(
                "{:>7}  {:>4}  {:>5}  {:>7}  {:>7}  {:>6}  {:>6}  {:>5}  {}\n",
                m.id, rate, "-", "-", "-", "-", "-", "-", status
            )),
        }
    }
    if let Some(outcome) = &manifest.outcome {
        // Either engine: a fault that did not apply is said once more where the run is summed up.
        for fault in &outcome.faults {
            if let FaultOutcome::NotApplicable(why) = &fault.outcome {
                out.push_str(&format!("fault not applicable: {}: {why}\n", fault.detail));
            }
        }
        out.push_str(&format!(
            "run {}: {}\n",
            if outcome.clean { "clean" } else { "NOT clean" },
            outcome.reason
        ));
    }
    out.push_str(&format!("run directory: {}\n", run_dir.display()));
    // One command a line, so a narrow terminal does not wrap them.
    out.push_str(&format!(
        "next: logiclock analyze {0}\n      logiclock explore {0}\n",
        run_dir.display()
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG's contrast ratio between two colours.
    fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
        let l = |(r, g, b): (u8, u8, u8)| {
            let f = |c: u8| {
                let c = f64::from(c) / 255.0;
                if c <= 0.039_28 {
                    c / 12.92
                } else {
                    ((c + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b)
        };
        let (x, y) = (l(a), l(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn every_machine_id_is_legible_on_its_colour_whatever_the_terminal_background() {
        for id in 0..palette::COLOURS {
            let text = match text_on(palette::rgb(id)) {
                16 => (0, 0, 0),
                231 => (255, 255, 255),
                other => panic!("text colour {other}"),
            };
            let ratio = contrast(text, palette::rgb(id));
            // WCAG AA for large or bold text; the id is bold.
            assert!(ratio >= 3.0, "machine {id}: contrast {ratio:.2}");
        }
        assert_eq!(color(Tint::Plain), None);
        assert_eq!(color(Tint::BarDone), None, "the terminal's own foreground");
        assert_eq!(
            color(Tint::Machine(0)).as_deref(),
            Some("1;48;5;26;38;5;231")
        );
    }
}
