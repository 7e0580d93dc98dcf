//! Write a large run directory with the twin: `cargo run --release --example synth_run -- DIR
//! [LINES]` (about LINES lines, 1,000,000 by default; DIR must not exist). The run the
//! benchmarks measure, and handy to try `logiclock analyze` on a large run.

#[path = "../benches/common/twin_run.rs"]
mod twin_run;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: synth_run DIR [LINES]"))?;
    let lines = match args.next() {
        Some(n) => n.parse()?,
        None => 1_000_000,
    };
    let written = twin_run::write_run(std::path::Path::new(&dir), lines, &twin_run::RATES);
    println!("wrote {written} lines to {dir}");
    Ok(())
}
