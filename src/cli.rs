//! Command-line definitions.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Name of the hidden subcommand the supervisor runs its machine processes with.
pub(crate) const MACHINE_SUBCOMMAND: &str = "__machine";

/// Run and study a scale model of a small asynchronous distributed system with Lamport clocks.
#[derive(Debug, Parser)]
#[command(name = "logiclock", version, about)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run a scenario: one process per model machine, talking over TCP on loopback.
    Run(RunArgs),
    /// Check and measure run directories: report.md, summary.json, CSV series and SVG plots.
    Analyze(AnalyzeArgs),
    /// Draw a run's space-time diagram as SVG: a line per machine, arrows from sends to receives.
    Diagram(DiagramArgs),
    /// Write a run's explorer: one HTML page (no server, no network) to see its causality.
    Explore(ExploreArgs),
    /// Export a run for other tools: ShiViz, Perfetto/chrome://tracing, CSV.
    Export(ExportArgs),
    /// Compare two runs of one scenario and seed (real and sim, two speedups): tick by tick.
    Diff(DiffArgs),
    /// Compare configurations: runs and batches grouped by scenario and swept value, side by side.
    Compare(CompareArgs),
    /// Turn logs of another implementation (JSON lines, CSV, ShiViz) into a run directory, so
    /// analyze, diagram, explore and export read them.
    Import(ImportArgs),
    /// Grade a class: every sub-folder of DIR is a student's submission of logs, checked on the
    /// assignment's rules into grade.md, grade.json and grade.csv.
    Grade(GradeArgs),
    /// (internal) One model machine, driven by the supervisor over stdin/stdout.
    #[command(name = MACHINE_SUBCOMMAND, hide = true)]
    Machine {
        /// The machine's id, for `ps`; the real configuration comes over stdin.
        #[arg(long)]
        id: Option<u32>,
    },
}

#[derive(Debug, clap::Args)]
pub(crate) struct RunArgs {
    /// Scenario file (TOML), e.g. configs/default.toml.
    pub scenario: PathBuf,
    /// Run directory [default: runs/<name>-<time>-seed<seed>].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Seed for the clock rates and die rolls (replaces the scenario's), 0 to 2^53 - 1.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(..=crate::scenario::MAX_SEED))]
    pub seed: Option<u64>,
    /// Length of the run in model seconds (replaces the scenario's).
    #[arg(long, value_name = "SECONDS")]
    pub duration: Option<f64>,
    /// Model seconds per real second (replaces the scenario's).
    #[arg(long, value_name = "K")]
    pub speedup: Option<f64>,
    /// No live view and no set-up notes; the summary is still printed.
    #[arg(long, short)]
    pub quiet: bool,
    /// Run the scenario N times, each with its own seed (consecutive from the scenario's or
    /// --seed) and its own directory inside one batch directory.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub repeat: u32,
    /// Run once per value of a scenario key (times --repeat), e.g. `events.die=4,6,10,20`,
    /// `clock.max_rate=1,3,6` or `'clock.rates=[1,2,3],[1,1,6]'`; every value runs on the same
    /// seeds. Given several times, every combination runs (a grid).
    #[arg(long, value_name = "KEY=V1,V2,...")]
    pub sweep: Vec<crate::sweep::Sweep>,
    /// What runs the scenario: `real` processes on loopback, or `sim`, its deterministic
    /// ideal-time twin in virtual time.
    #[arg(long, value_enum, default_value_t = crate::manifest::Engine::Real)]
    pub engine: crate::manifest::Engine,
    /// Stop the run in order once its logs reach SIZE in all (`500M`, `2G`, or bytes): a run
    /// stopped so is not clean (exit 1), and says so.
    #[arg(long, value_name = "SIZE")]
    pub max_log_size: Option<crate::run::LogCap>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct AnalyzeArgs {
    /// Run directories written by `logiclock run` (or `import`).
    #[arg(required = true, value_name = "RUN_DIR")]
    pub run_dirs: Vec<PathBuf>,
    /// Do not draw the SVG plots.
    #[arg(long)]
    pub no_plots: bool,
    /// Print only each run's verdict (the files are still written).
    #[arg(long, short)]
    pub quiet: bool,
    /// Real milliseconds between drift samples [default: the fastest machine's tick interval].
    #[arg(long, value_name = "MS")]
    pub step_ms: Option<f64>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct DiagramArgs {
    /// Run directory written by `logiclock run` (or `import`).
    #[arg(value_name = "RUN_DIR")]
    pub run_dir: PathBuf,
    /// Window start, model seconds since the run start [default: 0].
    #[arg(long, value_name = "SECONDS")]
    pub from: Option<f64>,
    /// Window end, model seconds since the run start [default: just after the first 150 events].
    #[arg(long, value_name = "SECONDS")]
    pub to: Option<f64>,
    /// SVG file to write, `-` for standard output [default: RUN_DIR/diagram.svg].
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ExportArgs {
    /// Output format.
    #[arg(long, value_enum)]
    pub format: crate::export::Format,
    /// Run directories (several only for ShiViz, as several executions).
    #[arg(required = true, value_name = "RUN_DIR")]
    pub run_dirs: Vec<PathBuf>,
    /// File to write, `-` for standard output [default: RUN_DIR/shiviz.log, trace.json or
    /// events.csv].
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct DiffArgs {
    /// The reference run (e.g. the `--engine sim` twin).
    #[arg(value_name = "RUN_A")]
    pub a: PathBuf,
    /// The run compared with it.
    #[arg(value_name = "RUN_B")]
    pub b: PathBuf,
    /// Where to write the comparison as JSON, `-` for standard output [default: RUN_B/diff.json].
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct CompareArgs {
    /// Runs and batch directories (`run --repeat`/`--sweep`), in any mix.
    #[arg(required = true, value_name = "RUN_OR_BATCH")]
    pub inputs: Vec<PathBuf>,
    /// Directory to write compare.md, .json, .csv and .svg into [default: runs/compare].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ExploreArgs {
    /// Run directory written by `logiclock run` (or `import`).
    #[arg(value_name = "RUN_DIR")]
    pub run_dir: PathBuf,
    /// A second run of as many machines (the twin and a real run of one seed, or two seeds):
    /// both stacked on one axis, the first tick where they part marked; the page goes to
    /// RUN_B/explore-vs-<RUN_DIR's name>.html.
    #[arg(value_name = "RUN_B")]
    pub other: Option<PathBuf>,
    /// Window start, model seconds since the run start [default: the start].
    #[arg(long, value_name = "SECONDS")]
    pub from: Option<f64>,
    /// Window end, model seconds since the run start [default: the end].
    #[arg(long, value_name = "SECONDS")]
    pub to: Option<f64>,
    /// Only these machines, by id (`0,2,5`) [default: all].
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub machines: Vec<u32>,
    /// HTML file to write, `-` for standard output [default: RUN_DIR/explore.html].
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ImportArgs {
    /// Folder holding one log per machine (JSON lines, CSV, or ShiViz).
    #[arg(value_name = "SRC_DIR")]
    pub src: PathBuf,
    /// Run directory to write, new or empty [default: runs/imported-<SRC_DIR's name>, or the
    /// next free name].
    #[arg(long, value_name = "RUN_DIR")]
    pub out: Option<PathBuf>,
    /// A field of the logs under another name, e.g. `--field lamport=clock` (repeatable).
    #[arg(long, value_name = "OURS=THEIRS")]
    pub field: Vec<String>,
    /// A mapping file of field names (`--field` flags apply after it).
    #[arg(long, value_name = "FILE")]
    pub map: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct GradeArgs {
    /// Class folder: one sub-folder per submission, holding one log per machine (JSON lines,
    /// CSV, or a ShiViz/GoVector log).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Directory to write grade.md, grade.json and grade.csv into [default: DIR].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// A student's name for one of our fields or event values, e.g. `lamport=clock` or
    /// `event.send=SND` (repeatable).
    #[arg(long = "field", value_name = "OURS=THEIRS")]
    pub fields: Vec<String>,
    /// A TOML mapping file ([fields] lamport = "clock" ... [events] send = "snd" ...); --field
    /// flags add to it.
    #[arg(long, value_name = "FILE")]
    pub map: Option<PathBuf>,
    /// How a send to several peers moves the Lamport clock: `once` (+1, every message carries
    /// the new value) or `per-message` (+1 per recipient, in the order of `to`).
    #[arg(long, value_enum, default_value_t = crate::grade::rule::SendRule::Once)]
    pub send_rule: crate::grade::rule::SendRule,
    /// Machines each submission should have.
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub machines: u32,
    /// Sides of the assignment's die (internal share (die - N)/die).
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub die: u32,
}
