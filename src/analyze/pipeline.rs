//! The shell around the analyzer: one reader thread per machine log, records merged in
//! system-time order into the [`Analyzer`].

use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver};

use super::analyzer::{Analysis, Analyzer, Options};
use super::error::AnalyzeError;
use super::read::{self, Record};

/// Batches a reader may run ahead of the merge.
const AHEAD: usize = 4;

type Batches = Receiver<Result<Vec<Record>, AnalyzeError>>;

/// Read and analyze one run directory.
pub fn analyze_dir(dir: &Path, options: &Options) -> Result<Analysis, AnalyzeError> {
    let run = read::open_run(dir)?;
    let layout = |message: String| AnalyzeError::Layout {
        dir: dir.to_owned(),
        message,
    };
    let mut analyzer = Analyzer::new(&run.manifest, options).map_err(layout)?;
    std::thread::scope(|scope| {
        let inputs = run
            .logs
            .iter()
            .zip(&run.manifest.machines)
            .map(|(path, machine)| {
                let (tx, rx) = sync_channel(AHEAD);
                let id = machine.id;
                scope.spawn(move || read::stream(path, id, tx));
                rx
            })
            .collect();
        // `merge` owns the receivers: on an early error they are dropped and the readers stop.
        merge(inputs, &mut analyzer, dir)
    })?;
    analyzer.finish(&dir.display().to_string()).map_err(layout)
}

struct Head {
    rx: Batches,
    batch: Vec<Record>,
    pos: usize,
    done: bool,
}

impl Head {
    /// Make sure a record is at `pos`, unless the log has ended.
    fn fill(&mut self) -> Result<(), AnalyzeError> {
        while !self.done && self.pos == self.batch.len() {
            match self.rx.recv() {
                Ok(Ok(batch)) => {
                    self.batch = batch;
                    self.pos = 0;
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => self.done = true,
            }
        }
        Ok(())
    }
}

/// Feed the records of all logs to the analyzer, earliest timestamp first (ties: lower index).
fn merge(inputs: Vec<Batches>, analyzer: &mut Analyzer, dir: &Path) -> Result<(), AnalyzeError> {
    let mut heads: Vec<Head> = inputs
        .into_iter()
        .map(|rx| Head {
            rx,
            batch: Vec::new(),
            pos: 0,
            done: false,
        })
        .collect();
    for head in &mut heads {
        head.fill()?;
    }
    loop {
        let mut best: Option<(i64, usize)> = None;
        for (i, head) in heads.iter().enumerate() {
            if !head.done {
                let ts = head.batch[head.pos].ts;
                if best.is_none_or(|(b, _)| ts < b) {
                    best = Some((ts, i));
                }
            }
        }
        let Some((_, i)) = best else { return Ok(()) };
        // Take records from this log while it stays the earliest.
        let limit = heads
            .iter()
            .enumerate()
            .filter(|&(j, h)| j != i && !h.done)
            .map(|(j, h)| (h.batch[h.pos].ts, j))
            .min();
        let head = &mut heads[i];
        loop {
            let slot = &mut head.batch[head.pos];
            if limit.is_some_and(|(ts, j)| (slot.ts, i) > (ts, j)) {
                break;
            }
            // Taken, not copied: the vector moves out of the batch, which is not read again.
            let rec = Record {
                vc: std::mem::take(&mut slot.vc),
                ..*slot
            };
            head.pos += 1;
            analyzer
                .feed(i, &rec)
                .map_err(|message| AnalyzeError::Layout {
                    dir: dir.to_owned(),
                    message,
                })?;
            head.fill()?;
            if head.done {
                break;
            }
        }
    }
}
