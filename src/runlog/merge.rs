//! The one time-ordered merge of a run's logs: one reader thread per machine log, lines handed
//! over in batches and merged earliest timestamp first (ties: the machine listed first in the
//! manifest), each log's lines kept in file order.

use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use super::dir::RunDir;
use super::error::{RunLogError, Warning};
use super::line::Line;
use super::read::read_log;

/// Lines handed from a reader thread to the merge at a time.
pub const BATCH: usize = 8_192;

/// Batches a reader may run ahead of the merge.
const AHEAD: usize = 4;

/// A record with a system time, µs since the Unix epoch, to merge by.
pub trait Timed {
    fn ts(&self) -> i64;
}

impl Timed for Line {
    fn ts(&self) -> i64 {
        self.timestamp
    }
}

type Batches<T> = Receiver<Result<Vec<T>, RunLogError>>;

/// Read every log of `run` (on one thread per log) and hand its lines to `sink` with the manifest
/// index of their machine, in time order. Returns the warnings of the logs, in manifest order.
pub fn merge_run<S>(run: &RunDir, mut sink: S) -> Result<Vec<Warning>, RunLogError>
where
    S: FnMut(usize, Line) -> Result<(), RunLogError>,
{
    std::thread::scope(|scope| {
        let mut readers = Vec::with_capacity(run.logs.len());
        let mut inputs = Vec::with_capacity(run.logs.len());
        for (path, machine) in run.logs.iter().zip(&run.manifest.machines) {
            let (tx, rx) = sync_channel(AHEAD);
            let id = machine.id;
            readers.push(scope.spawn(move || stream(path, id, tx)));
            inputs.push(rx);
        }
        // `merge` owns the receivers: on an early error they are dropped and the readers stop.
        merge(inputs, &mut sink)?;
        Ok(readers
            .into_iter()
            .filter_map(|r| r.join().expect("a log reader thread does not panic"))
            .collect())
    })
}

/// Read one log and send its lines in batches; an error is sent too and ends the log.
fn stream(
    path: &std::path::Path,
    machine: u32,
    out: SyncSender<Result<Vec<Line>, RunLogError>>,
) -> Option<Warning> {
    let mut batch = Vec::with_capacity(BATCH);
    let result = read_log(path, machine, |line| {
        batch.push(line);
        if batch.len() == BATCH {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
            return out.send(Ok(full)).is_ok();
        }
        true
    });
    match result {
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
    }
}

struct Head<T> {
    rx: Batches<T>,
    batch: std::vec::IntoIter<T>,
    done: bool,
}

impl<T: Timed> Head<T> {
    /// Make sure a record is next, unless the log has ended.
    fn fill(&mut self) -> Result<(), RunLogError> {
        while !self.done && self.batch.as_slice().is_empty() {
            match self.rx.recv() {
                Ok(Ok(batch)) => self.batch = batch.into_iter(),
                Ok(Err(e)) => return Err(e),
                Err(_) => self.done = true,
            }
        }
        Ok(())
    }

    fn next_ts(&self) -> i64 {
        self.batch.as_slice()[0].ts()
    }
}

/// Hand the records of all logs to `sink`, earliest timestamp first (ties: lower index).
fn merge<T: Timed>(
    inputs: Vec<Batches<T>>,
    sink: &mut impl FnMut(usize, T) -> Result<(), RunLogError>,
) -> Result<(), RunLogError> {
    let mut heads: Vec<Head<T>> = inputs
        .into_iter()
        .map(|rx| Head {
            rx,
            batch: Vec::new().into_iter(),
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
            let rec = head.batch.next().expect("fill leaves a record unless done");
            sink(i, rec)?;
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
                rx
            })
            .collect();
        let mut out = Vec::new();
        merge(inputs, &mut |i, r| {
            out.push((i, r));
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
        let result = merge(vec![rx], &mut |_, _: (i64, u32)| {
            seen += 1;
            Ok(())
        });
        assert!(result.unwrap_err().to_string().contains("bad"));
        assert_eq!(seen, 1);
    }
}
