//! The vector clocks of the messages in flight, kept for the receive rule (a receive's vector is
//! the entry-wise max of its machine's previous one and the message's, own entry + 1).
//!
//! A run whose slow machines fall behind has hundreds of thousands of messages queued (a 64-machine
//! twin run of 4M lines ends with 660k), each with a vector of one entry per machine: held as
//! vectors they took 0.5 KB each, more than a gigabyte. So the vectors live in fixed-size slots:
//! the first ones in memory, up to [`MEMORY_BUDGET`] (4 MiB: 8,192 vectors at 64 machines), the
//! rest in an unlinked temporary file (the operating system's page cache holds it, not the
//! analysis; only the slot number stays in memory). A freed slot is reused. Should the file fail (no temporary directory, a full disk),
//! the vectors stay in memory as before: the checks never depend on it.

use std::collections::HashMap;
use std::fs::File;
use std::os::unix::fs::FileExt;

/// Bytes of vectors held in memory before the rest go to the file.
pub(crate) const MEMORY_BUDGET: usize = 4 << 20;

/// A message: (sender id, recipient id, Lamport value of the send).
type Key = (u32, u32, u64);

/// The vectors of the messages in flight.
#[derive(Debug)]
pub(crate) struct InFlight {
    /// Entries of a vector.
    width: usize,
    slots: HashMap<Key, u32>,
    /// Slots `0..memory_slots` in memory, one after the other.
    memory: Vec<u64>,
    memory_slots: u32,
    memory_free: Vec<u32>,
    /// Slots from `memory_slots` on.
    file: Spill,
    /// Vectors the file could not take.
    fallback: HashMap<Key, Vec<u64>>,
}

/// The temporary file of the slots beyond the memory budget.
#[derive(Debug, Default)]
struct Spill {
    /// Created at the first slot it needs; `None` again once it failed.
    file: Option<File>,
    failed: bool,
    /// Slots of the file in use or freed so far.
    used: u32,
    free: Vec<u32>,
}

impl InFlight {
    /// For vectors of `width` entries, holding at most `budget` bytes of them in memory.
    pub(crate) fn new(width: usize, budget: usize) -> InFlight {
        let memory_slots = (budget / (width.max(1) * 8)).min(u32::MAX as usize / 2) as u32;
        InFlight {
            width,
            slots: HashMap::new(),
            memory: Vec::new(),
            memory_slots,
            memory_free: Vec::new(),
            file: Spill::default(),
            fallback: HashMap::new(),
        }
    }

    /// Keep the vector `vc` of message `key`.
    pub(crate) fn insert(&mut self, key: Key, vc: &[u64]) {
        if vc.len() != self.width {
            // Not a vector of this run (the line is an offence already): kept aside.
            self.fallback.insert(key, vc.to_vec());
            return;
        }
        if let Some(old) = self.slots.remove(&key) {
            self.free(old);
        }
        let slot = match self.memory_free.pop() {
            Some(slot) => slot,
            None if (self.memory.len() / self.width.max(1)) < self.memory_slots as usize => {
                let slot = (self.memory.len() / self.width.max(1)) as u32;
                self.memory.resize(self.memory.len() + self.width, 0);
                slot
            }
            None => match self.file.store(vc) {
                Some(j) => {
                    self.slots.insert(key, self.memory_slots + j);
                    return;
                }
                None => {
                    self.fallback.insert(key, vc.to_vec());
                    return;
                }
            },
        };
        let at = slot as usize * self.width;
        self.memory[at..at + self.width].copy_from_slice(vc);
        self.slots.insert(key, slot);
    }

    /// Take the vector of message `key` out, if it was kept.
    pub(crate) fn remove(&mut self, key: &Key) -> Option<Vec<u64>> {
        let Some(slot) = self.slots.remove(key) else {
            return self.fallback.remove(key);
        };
        let vc = if slot < self.memory_slots {
            let at = slot as usize * self.width;
            Some(self.memory[at..at + self.width].to_vec())
        } else {
            self.file.load(slot - self.memory_slots, self.width)
        };
        self.free(slot);
        vc
    }

    fn free(&mut self, slot: u32) {
        if slot < self.memory_slots {
            self.memory_free.push(slot);
        } else {
            self.file.free.push(slot - self.memory_slots);
        }
    }
}

impl Spill {
    /// Write `vc` into a free slot of the file; `None` if the file cannot take it.
    fn store(&mut self, vc: &[u64]) -> Option<u32> {
        if self.file.is_none() && !self.failed {
            self.file = temp_file();
            self.failed = self.file.is_none();
        }
        let file = self.file.as_ref()?;
        let slot = self.free.pop().unwrap_or_else(|| {
            self.used += 1;
            self.used - 1
        });
        let bytes: Vec<u8> = vc.iter().flat_map(|v| v.to_le_bytes()).collect();
        match file.write_all_at(&bytes, u64::from(slot) * bytes.len() as u64) {
            Ok(()) => Some(slot),
            Err(_) => {
                self.free.push(slot);
                None
            }
        }
    }

    /// Read the vector of `width` entries in `slot`.
    fn load(&self, slot: u32, width: usize) -> Option<Vec<u64>> {
        let mut bytes = vec![0u8; width * 8];
        let at = u64::from(slot) * bytes.len() as u64;
        self.file.as_ref()?.read_exact_at(&mut bytes, at).ok()?;
        Some(
            bytes
                .chunks_exact(8)
                .map(|b| u64::from_le_bytes(b.try_into().expect("chunks of 8 bytes")))
                .collect(),
        )
    }
}

/// A new temporary file, already unlinked (it goes away with the process, however it ends).
fn temp_file() -> Option<File> {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        ".logiclock-vectors-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let path = std::env::temp_dir().join(name);
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)
        .ok()?;
    std::fs::remove_file(&path).ok()?;
    Some(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_beyond_the_budget_come_back_from_the_file_and_slots_are_reused() {
        // Room for two vectors of three entries in memory.
        let mut f = InFlight::new(3, 48);
        for k in 0..10u64 {
            f.insert((0, 1, k), &[k, k + 1, k + 2]);
        }
        assert_eq!(f.memory.len(), 6);
        assert_eq!(f.file.used, 8);
        for k in (0..10u64).rev() {
            assert_eq!(f.remove(&(0, 1, k)), Some(vec![k, k + 1, k + 2]));
        }
        assert_eq!(f.remove(&(0, 1, 3)), None);
        for k in 0..10u64 {
            f.insert((2, 0, k), &[7, k, 9]);
        }
        assert_eq!(f.file.used, 8, "freed slots of the file are used again");
        assert_eq!(f.remove(&(2, 0, 9)), Some(vec![7, 9, 9]));
    }

    #[test]
    fn a_vector_of_another_width_is_kept_aside() {
        let mut f = InFlight::new(3, 0);
        f.insert((0, 1, 5), &[1, 2]);
        assert_eq!(f.remove(&(0, 1, 5)), Some(vec![1, 2]));
    }
}
