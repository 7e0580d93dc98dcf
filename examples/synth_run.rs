//! Write a synthetic run directory: `cargo run --release --example synth_run -- DIR [LINES]`.
//! Used by the benchmark's figures and handy to try `logiclock analyze` on a large run.

use logiclock::analyze::synth::{write_run, SynthSpec};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: synth_run DIR [LINES]"))?;
    let lines = match args.next() {
        Some(n) => n.parse()?,
        None => 1_000_000,
    };
    let spec = SynthSpec {
        lines,
        ..SynthSpec::default()
    };
    let written = write_run(std::path::Path::new(&dir), &spec)?;
    println!("wrote {written} lines to {dir}");
    Ok(())
}
