//! What the user sees: a live line per machine while the run goes, and a summary at the end.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::manifest::Manifest;

/// The live view: one line per machine and a line of elapsed time. Hidden with `--quiet` or
/// when stderr is not a terminal; then only a few plain progress notes are printed.
pub struct LiveView {
    multi: MultiProgress,
    machines: Vec<ProgressBar>,
    rates: Vec<u32>,
    clock: ProgressBar,
    total: Duration,
    speedup: f64,
    live: bool,
    quiet: bool,
}

impl LiveView {
    pub fn new(rates: &[u32], total: Duration, speedup: f64, quiet: bool) -> LiveView {
        let live = !quiet && std::io::stderr().is_terminal();
        let target = if live {
            ProgressDrawTarget::stderr_with_hz(10)
        } else {
            ProgressDrawTarget::hidden()
        };
        let multi = MultiProgress::with_draw_target(target);
        let machines = rates
            .iter()
            .enumerate()
            .map(|(id, _)| {
                // The machine's colour of the plots and the diagram, as an xterm-256 index.
                let color = crate::palette::xterm(id);
                let style = ProgressStyle::with_template(&format!(
                    "{{prefix:.bold.{color}}} {{msg:.{color}}}"
                ))
                .expect("the machine line template is valid");
                let bar = multi.add(ProgressBar::new(0).with_style(style));
                bar.set_prefix(format!("machine {id}"));
                bar.set_message("starting");
                bar
            })
            .collect();
        let clock = multi.add(
            ProgressBar::new(total.as_millis() as u64).with_style(
                ProgressStyle::with_template("{bar:30.white/dim} {msg}")
                    .expect("the clock line template is valid"),
            ),
        );
        LiveView {
            multi,
            machines,
            rates: rates.to_vec(),
            clock,
            total,
            speedup,
            live,
            quiet,
        }
    }

    /// A plain note (set-up steps, warnings): above the live lines, or on stderr.
    pub fn note(&self, text: &str) {
        if self.quiet {
            return;
        }
        if self.live {
            let _ = self.multi.println(text);
        } else {
            eprintln!("{text}");
        }
    }

    /// Something the user must see even with `--quiet`: a machine died, a fault went wrong.
    pub fn warn(&self, text: &str) {
        if self.live {
            let _ = self.multi.println(text);
        } else {
            eprintln!("{text}");
        }
    }

    /// A machine's latest figures.
    pub fn machine(&self, id: u32, tick: u64, lamport: u64, queue: u64) {
        if let Some(bar) = self.machines.get(id as usize) {
            bar.set_message(format!(
                "rate {}/s  tick {tick:>7}  lamport {lamport:>7}  queue {queue:>4}",
                self.rates[id as usize]
            ));
        }
    }

    /// A machine's final state, in words.
    pub fn machine_ended(&self, id: u32, text: &str) {
        if let Some(bar) = self.machines.get(id as usize) {
            bar.set_message(text.to_owned());
        }
    }

    /// Real time elapsed since the tick loops started.
    pub fn elapsed(&self, elapsed: Duration) {
        let elapsed = elapsed.min(self.total);
        self.clock.set_position(elapsed.as_millis() as u64);
        let model = |d: Duration| d.as_secs_f64() * self.speedup;
        self.clock.set_message(format!(
            "{:.1}/{:.1} s real, {:.1}/{:.1} s model",
            elapsed.as_secs_f64(),
            self.total.as_secs_f64(),
            model(elapsed),
            model(self.total)
        ));
    }

    /// Leave the live lines as they are and stop drawing.
    pub fn finish(&self) {
        for bar in &self.machines {
            bar.abandon();
        }
        self.clock.abandon();
    }
}

/// The end-of-run summary printed on stdout: one row per machine and the run directory.
pub fn summary(manifest: &Manifest, run_dir: &std::path::Path) -> String {
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
        match exit.and_then(|e| e.report.as_ref()) {
            Some(r) => out.push_str(&format!(
                "{:>7}  {:>4}  {:>5}  {:>7}  {:>7}  {:>6}  {:>6}  {:>5}  {}\n",
                m.id, m.rate, r.ticks, r.skipped, r.lamport, r.sent, r.received, r.queue, status
            )),
            // No final figures: the machine died; its log has what it did.
            None => out.push_str(&format!(
                "{:>7}  {:>4}  {:>5}  {:>7}  {:>7}  {:>6}  {:>6}  {:>5}  {}\n",
                m.id, m.rate, "-", "-", "-", "-", "-", "-", status
            )),
        }
    }
    if let Some(outcome) = &manifest.outcome {
        out.push_str(&format!(
            "run {}: {}\n",
            if outcome.clean { "clean" } else { "NOT clean" },
            outcome.reason
        ));
    }
    out.push_str(&format!("run directory: {}\n", run_dir.display()));
    out
}
