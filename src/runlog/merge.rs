//! The one time-ordered merge of a run's logs: one reader thread per machine log, lines handed
//! over in batches and merged earliest timestamp first (ties: the machine listed first in the
//! manifest), each log's lines kept in file order.
//!
//! A batch the merge is done with goes back to the thread that read it, which drops its lines
//! and fills it again: lines are freed by the thread that allocated them, which keeps the
//! allocator off its slow cross-thread path (analyzing 1M lines took 15-20% more CPU time
//! without it).

use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};

use super::dir::RunDir;
use super::error::{RunLogError, Warning};
use super::line::Line;
use super::read::read_log;

/// Lines handed from a reader thread to the merge at a time, at most.
pub(crate) const BATCH: usize = 8_192;

/// Vector entries of one batch summed over the logs: with many machines each reader's batches
/// shrink, so that the lines held ahead of the merge (about `AHEAD + 2` batches per log) stay
/// bounded whatever the number of machines. A line's size grows with the machines too (its
/// vector clock has an entry per machine: about 700 bytes at 64), so the batch shrinks with
/// their square: full batches held 1-2 GB at 64 machines, batches of 384 lines 60 MB.
const ENTRIES_PER_ROUND: usize = 3 * 3 * BATCH;

/// The batch of each reader of a run of `logs` logs: [`BATCH`] for up to three logs, fewer lines
/// (at least 64) for more.
fn batch_size(logs: usize) -> usize {
    let logs = logs.max(1);
    (ENTRIES_PER_ROUND / logs.saturating_mul(logs)).clamp(64, BATCH)
}

/// Batches a reader may run ahead of the merge: two keep the readers busy (each batch is
/// thousands of lines, or tens at many machines), and at 64 machines each more batch is 3 MB
/// of lines held.
const AHEAD: usize = 2;

/// A record with a system time, µs since the Unix epoch, to merge by.
pub(crate) trait Timed {
    fn ts(&self) -> i64;
}

impl Timed for Line {
    fn ts(&self) -> i64 {
        self.timestamp
    }
}

type Batches<T> = Receiver<Result<Vec<T>, RunLogError>>;

/// One log's way into the merge: its batches, and the way back for the batches used up.
type Input<T> = (Batches<T>, Sender<Vec<T>>);

/// Read every log of `run` (on one thread per log) and hand its lines to `sink` with the manifest
/// index of their machine, in time order. Returns the warnings of the logs, in manifest order.
pub(crate) fn merge_run<S>(run: &RunDir, mut sink: S) -> Result<Vec<Warning>, RunLogError>
where
    S: FnMut(usize, Line) -> Result<(), RunLogError>,
{
    merge_run_each(run, |i, line| {
        // What goes back in the batch is a line without heap data.
        let taken = std::mem::replace(
            line,
            Line {
                machine: 0,
                line: 0,
                timestamp: 0,
                event: crate::log_format::Event::Unknown,
            },
        );
        sink(i, taken)
    })
}

/// Like [`merge_run`], lending each line to `sink`: a reader that keeps no line (the analysis)
/// leaves them to be freed by the threads that read them.
pub(crate) fn merge_run_each<S>(run: &RunDir, mut sink: S) -> Result<Vec<Warning>, RunLogError>
where
    S: FnMut(usize, &mut Line) -> Result<(), RunLogError>,
{
    std::thread::scope(|scope| {
        let mut readers = Vec::with_capacity(run.logs.len());
        let mut inputs = Vec::with_capacity(run.logs.len());
        let batch = batch_size(run.logs.len());
        for (path, machine) in run.logs.iter().zip(&run.manifest.machines) {
            let (tx, rx) = sync_channel(AHEAD);
            let (back_tx, back_rx) = channel();
            let id = machine.id;
            readers.push(scope.spawn(move || stream(path, id, batch, tx, back_rx)));
            inputs.push((rx, back_tx));
        }
        // `merge` owns the channels: on an early error they are dropped and the readers stop.
        merge(inputs, &mut sink)?;
        Ok(readers
            .into_iter()
            .filter_map(|r| r.join().expect("a log reader thread does not panic"))
            .collect())
    })
}

/// Read one log and send its lines in batches; an error is sent too and ends the log. Batches
/// that come back are emptied (their lines freed here) and filled again; once the log is read,
/// wait for the rest to come back until the merge ends.
fn stream(
    path: &std::path::Path,
    machine: u32,
    size: usize,
    out: SyncSender<Result<Vec<Line>, RunLogError>>,
    back: Receiver<Vec<Line>>,
) -> Option<Warning> {
    let fresh = |back: &Receiver<Vec<Line>>| match back.try_recv() {
        Ok(mut used) => {
            used.clear();
            used
        }
        Err(_) => Vec::with_capacity(size),
    };
    let mut batch = fresh(&back);
    let result = read_log(path, machine, |line| {
        batch.push(line);
        if batch.len() >= size {
            let full = std::mem::replace(&mut batch, fresh(&back));
            return out.send(Ok(full)).is_ok();
        }
        true
    });
    let warning = match result {
        Ok(warning) => {
            if !batch.is_empty() {
                let _ = out.send(Ok(batch));
            }
            warning
        }
        Err(e) => {
            let _ = out.send(Err(e));
            None
        }
    };
    drop(out);
    // Free the lines of the batches still in the merge here too; ends when the merge ends.
    for used in back {
        drop(used);
    }
    warning
}

struct Head<T> {
    rx: Batches<T>,
    back: Sender<Vec<T>>,
    batch: Vec<T>,
    /// The next record of `batch`.
    next: usize,
    done: bool,
}

impl<T: Timed> Head<T> {
    /// Make sure a record is next, unless the log has ended; a used-up batch goes back.
    fn fill(&mut self) -> Result<(), RunLogError> {
        while !self.done && self.next == self.batch.len() {
            match self.rx.recv() {
                Ok(Ok(batch)) => {
                    let used = std::mem::replace(&mut self.batch, batch);
                    self.next = 0;
                    if !used.is_empty() {
                        // The reader may be gone already; then the batch is freed here.
                        let _ = self.back.send(used);
                    }
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => self.done = true,
            }
        }
        Ok(())
    }

    fn next_ts(&self) -> i64 {
        self.batch[self.next].ts()
    }
}

/// Hand the records of all logs to `sink`, earliest timestamp first (ties: lower index).
fn merge<T: Timed>(
    inputs: Vec<Input<T>>,
    sink: &mut impl FnMut(usize, &mut T) -> Result<(), RunLogError>,
) -> Result<(), RunLogError> {
    let mut heads: Vec<Head<T>> = inputs
        .into_iter()
        .map(|(rx, back)| Head {
            rx,
            back,
            batch: Vec::new(),
            next: 0,
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
                let ts = head.next_ts();
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
            .map(|(j, h)| (h.next_ts(), j))
            .min();
        let head = &mut heads[i];
        loop {
            if limit.is_some_and(|(ts, j)| (head.next_ts(), i) > (ts, j)) {
                break;
            }
            let k = head.next;
            head.next += 1;
            sink(i, &mut head.batch[k])?;
            head.fill()?;
            if head.done {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Timed for (i64, u32) {
        fn ts(&self) -> i64 {
            self.0
        }
    }

    fn feed(logs: Vec<Vec<(i64, u32)>>, batch: usize) -> Vec<(usize, (i64, u32))> {
        let inputs = logs
            .into_iter()
            .map(|log| {
                let (tx, rx) = sync_channel(log.len() + 1);
                for chunk in log.chunks(batch) {
                    tx.send(Ok(chunk.to_vec())).unwrap();
                }
                (rx, channel().0)
            })
            .collect();
        let mut out = Vec::new();
        merge(inputs, &mut |i, r: &mut (i64, u32)| {
            out.push((i, *r));
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn records_come_out_in_time_order_ties_to_the_first_log() {
        let logs = vec![
            vec![(1, 0), (5, 0), (5, 0), (9, 0)],
            vec![(2, 1), (5, 1), (6, 1)],
            vec![],
            vec![(0, 3)],
        ];
        for batch in [1, 2, 100] {
            let ts: Vec<(i64, usize)> = feed(logs.clone(), batch)
                .into_iter()
                .map(|(i, (ts, _))| (ts, i))
                .collect();
            assert_eq!(
                ts,
                vec![
                    (0, 3),
                    (1, 0),
                    (2, 1),
                    (5, 0),
                    (5, 0),
                    (5, 1),
                    (6, 1),
                    (9, 0)
                ]
            );
        }
    }

    #[test]
    fn many_machines_read_smaller_batches_so_the_lines_ahead_stay_bounded() {
        assert_eq!(batch_size(1), BATCH);
        assert_eq!(batch_size(3), BATCH);
        assert_eq!(batch_size(8), 1_152);
        assert_eq!(batch_size(64), 64);
        assert_eq!(batch_size(100_000), 64);
        // The vector entries held ahead stay within those of three machines' full batches.
        for logs in [4, 8, 16, 32] {
            let entries = logs * logs * (AHEAD + 2) * batch_size(logs);
            assert!(entries <= ENTRIES_PER_ROUND * (AHEAD + 2), "{logs} logs");
        }
    }

    #[test]
    fn a_clock_step_back_keeps_one_log_in_file_order() {
        let out = feed(vec![vec![(5, 0), (3, 1), (4, 2)], vec![(4, 9)]], 1);
        let order: Vec<u32> = out.iter().map(|(_, (_, n))| *n).collect();
        assert_eq!(order, vec![9, 0, 1, 2]);
    }

    #[test]
    fn an_error_in_one_log_stops_the_merge() {
        let (tx, rx) = sync_channel(2);
        tx.send(Ok(vec![(1, 0)])).unwrap();
        tx.send(Err(RunLogError::Layout {
            dir: "run".into(),
            message: "bad".into(),
        }))
        .unwrap();
        let mut seen = 0;
        let result = merge(vec![(rx, channel().0)], &mut |_, _: &mut (i64, u32)| {
            seen += 1;
            Ok(())
        });
        assert!(result.unwrap_err().to_string().contains("bad"));
        assert_eq!(seen, 1);
    }
}
