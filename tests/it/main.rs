//! Integration tests: each spawns the built `logiclock` binary in a fresh temporary directory,
//! on loopback with automatic ports, with a hard timeout, and checks the run from its files.

// The one way to run the binary: a builder with a hard timeout and a failure description.
mod cmd;

// A finished command: how it exited, what it printed, and a description for a failing test.
mod finished;

// Hand-made run directories from typed log lines, with a raw escape for corrupt input.
mod fixture;

// Reading a run directory back and checking it against the log contract.
mod util;

// `logiclock run`: logs, Lamport rules, message accounting, rates, seeds.
mod run;

// Bad input: scenario errors and output directories, nothing started.
mod bad_input;

// Machines killed, hanging on stop, and faults on purpose.
mod faults;

// Strangers connecting to a machine: refused and logged.
mod network;

// One link's delay, jitter and partitions: the same delivery order and drops, real and twin.
mod link_agreement;

// `logiclock analyze` on hand-made runs with hand-computed answers, alone and several at once.
mod analyze;

// `logiclock import`: foreign logs of a twin run through every command, bad sources refused.
mod import;

// `logiclock analyze` on corrupt copies of the hand-made run: exit 2, a message each.
mod analyze_corrupt;

// Honest verdicts on cut runs: `ended` fails a run that did not run to its end, alone or in a batch.
mod cut_runs;

// `logiclock analyze` on a short real run: the summary agrees with the logs.
mod analyze_real;

// `logiclock analyze` on hand-made fault runs, a restart, and the real faults scenario.
mod analyze_faults;

// The SVG plots of analyze, parsed: count axes, histograms, dead machines, legends, colours.
mod plots;

// Every figure names its run: scenario, seed, rates, engine; a twin's says "ideal time".
mod figure_titles;

// Timing verdicts that help: a FAIL's advice, and the warning before too high a speedup.
mod timing_advice;

// The Markdown tables of analyze's report: model time where the scenario gives it.
mod report_tables;

// A small hand-made run with known clocks, for the diagram and export tests.
mod golden;

// Headless Chromium, found once for the tests that render pages and pictures.
mod browser;

// `logiclock explore`: the page's own self-test in headless Chromium against the logs' clocks.
mod explore;

// `diff` and `export` outputs written whole or not at all on a full disk.
mod atomic_outputs;

// `logiclock diagram`, including its picture rendered by headless Chromium.
mod diagram;

// `logiclock analyze BATCH_DIR`: a batch analyzed as a batch, grouped by what it varied.
mod batch_analyze;

// `logiclock compare`: configurations side by side, checked against each run's own figures.
mod compare;

// The same failure has the same exit code in every command.
mod exits;

// A batch grouped by what each run's manifest records, never by directory names.
mod batch_provenance;

// `logiclock export` to CSV, a corrupt line in every format, a real run's exports.
mod export;

// `logiclock export shiviz`: golden files, several executions, ShiViz's clock rules.
mod export_shiviz;

// `logiclock export perfetto`: the golden trace and the viewers' rules for flows and counters.
mod export_perfetto;

// `logiclock diff`: two runs of one scenario and seed compared tick by tick.
mod diff;

// Physical clocks with skew and drift, and hybrid logical clocks checked by analyze (issue 18).
mod clocks;

// Every clock scored against the vector clocks and true time by analyze (issue 18).
mod clock_scores;

// The exports carry the physical and hybrid clocks of format 6 (issue 18).
mod export_clocks;

// `--sweep physical_clock.max_skew_ms=...` on both engines, compared (issue 18).
mod clock_sweeps;

// `run --engine sim`: the deterministic twin, its faults, and analyze on its runs.
mod sim;

// The same corrupt or cut inputs through analyze, diagram, export and explore: one outcome each.
mod corrupt_input;

// Signals: Ctrl-C / SIGTERM to the supervisor, and a supervisor that dies.
mod signals;

// The supervisor with a frozen machine: Ctrl-C within the grace period.
mod supervisor;

// Pipes, seeds that round-trip, a flood of strangers, a restart just before the end (issue 10).
mod pipes_seeds_strangers;

// Real life: a full disk, scenario files that are not files, names too long for a directory.
mod real_life;

// Runs racing for run directories: one `--out` for two, or one default name in one second.
mod racing;

// A pseudo-terminal to run the binary on, and a screen that replays what it drew.
mod pty;

// What a user sees outside the files: machine names in `ps`, the live view, the final summary.
mod terminal;

// Issue 16's edges: a run too large for its disk, duplicate sweep values, names, hosts, outputs.
mod edges;

// The end of a run: one end rule, kept by each machine even when the supervisor is late.
mod run_end;

// Faults done or recorded, never dropped, and the same fault records from both engines.
mod fault_records;

// No circle of imports between the files or folders of `src/`, read from the source.
mod import_cycles;

// The twin's stops: signals, a full disk, the log size cap.
mod twin_stop;

// One time base: model seconds in every output and flag, real seconds beside, units named.
mod time_base;

// The README's DuckDB recipe, run by real DuckDB on a log longer than its default sample.
mod duckdb;

// Sweeps: rate sets, grids of several keys, key suggestions, type errors in words (issue 17).
mod sweeps;

// `analyze` in a shell: globs over a batch's own outputs, a terminal's width (issue 17).
mod analyze_cli;

// The live view of 64 machines on 80 x 24: legible values, legend, colours (issue 17).
mod live_view;

// Links to sections of the README, the lab notebook and the docs point at headings that exist.
mod doc_links;

// `logiclock grade`: a class of submissions graded, one row each, bad input named (issue 20).
mod grade;
