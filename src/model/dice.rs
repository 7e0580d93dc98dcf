//! The die, rolled per slot: a machine's roll for tick slot `k` depends only on the run's seed,
//! the machine and `k`, never on the rolls before it.
//!
//! So a skipped slot (a host stall, a pause) changes no later roll, a restarted machine rolls what
//! it would have rolled had it never died, and the real machines and the twin roll the same in
//! every slot they both run. The draw is counter-based: SplitMix64's finaliser (a bijective
//! 64-bit mixer) over `(seed, machine)` as a key and `(slot, attempt)` as a counter; the word is
//! mapped onto `1..=faces` by Lemire's multiply-and-reject, without modulo bias (a rejected word,
//! rarer than `faces / 2^64`, is followed by the next `attempt`). The scheme's name,
//! [`SCHEME`], is recorded in every run's manifest (`scenario.dice`).

/// Name and version of the scheme, as the manifest records it.
pub(crate) const SCHEME: &str = "splitmix64-slot v1";

/// The odd constant of SplitMix64's sequence (2^64 / golden ratio).
pub(crate) const GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

/// SplitMix64's finaliser: a bijection of 64-bit words that mixes every input bit into every
/// output bit.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// One machine's die: `faces` faces, rolls drawn per slot from the seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Dice {
    key: u64,
    faces: u32,
    /// 2^64 mod faces: the low words below it are the biased zone Lemire's method rejects.
    threshold: u64,
}

impl Dice {
    /// The die of machine `machine` in a run seeded `seed` (the same in every process of it).
    pub(crate) fn new(seed: u64, machine: u32, faces: u32) -> Dice {
        let key = mix(mix(seed.wrapping_add(GAMMA)) ^ u64::from(machine).wrapping_mul(GAMMA));
        let faces = faces.max(1);
        Dice {
            key,
            faces,
            threshold: u64::from(faces).wrapping_neg() % u64::from(faces),
        }
    }

    /// The roll for slot `slot` (its tick number), uniform over `1..=faces`.
    pub(crate) fn roll(&self, slot: u64) -> u32 {
        let faces = u64::from(self.faces);
        let counter = mix(slot.wrapping_mul(GAMMA) ^ self.key);
        let mut attempt = 0u64;
        loop {
            let word = mix(self.key ^ counter.wrapping_add(attempt.wrapping_mul(GAMMA)));
            let product = u128::from(word) * u128::from(faces);
            if product as u64 >= self.threshold {
                return (product >> 64) as u32 + 1;
            }
            attempt += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_roll_is_a_face_and_every_face_comes_up_about_equally() {
        for faces in [1u32, 2, 3, 6, 10, 13] {
            let dice = Dice::new(42, 1, faces);
            let rolls = 60_000u64;
            let mut counts = vec![0u64; faces as usize];
            for slot in 1..=rolls {
                let roll = dice.roll(slot);
                assert!((1..=faces).contains(&roll), "{roll} of {faces}");
                counts[roll as usize - 1] += 1;
            }
            // A loose bound: each face within 6% of its share (about 7 standard deviations for
            // 13 faces, far more for fewer).
            let expected = rolls as f64 / f64::from(faces);
            for (face, &count) in counts.iter().enumerate() {
                let off = (count as f64 - expected).abs() / expected;
                assert!(
                    off < 0.06,
                    "{faces} faces: face {} came up {count} times",
                    face + 1
                );
            }
        }
    }

    #[test]
    fn machines_and_seeds_roll_differently() {
        let rolls = |seed, machine| -> Vec<u32> {
            let dice = Dice::new(seed, machine, 10);
            (1..=50).map(|k| dice.roll(k)).collect()
        };
        assert_ne!(rolls(1, 0), rolls(1, 1));
        assert_ne!(rolls(1, 0), rolls(2, 0));
        assert_eq!(rolls(1, 0), rolls(1, 0));
    }

    #[test]
    fn a_large_die_is_not_biased_toward_low_faces() {
        // With 3 * 2^30 faces, `word % faces` would favour the low third twice over.
        let faces = 3 << 30;
        let dice = Dice::new(7, 0, faces);
        let low = (1..=30_000).filter(|&k| dice.roll(k) <= faces / 3).count();
        assert!(
            (9_000..11_000).contains(&low),
            "{low} of 30000 in the low third"
        );
    }

    proptest! {
        #[test]
        fn a_slots_roll_does_not_depend_on_the_order_or_skips_of_the_draws(
            seed in any::<u64>(),
            machine in 0u32..64,
            faces in 1u32..1_000,
            mut slots in proptest::collection::vec(1u64..1_000_000, 1..60),
            skip in proptest::collection::vec(any::<bool>(), 60),
        ) {
            let dice = Dice::new(seed, machine, faces);
            let in_order: Vec<u32> = slots.iter().map(|&k| dice.roll(k)).collect();
            // Drawn again in reverse, skipping some slots, by a fresh die of the same machine
            // (a restarted process): every slot drawn rolls what it rolled before.
            let again = Dice::new(seed, machine, faces);
            slots.reverse();
            for (i, &k) in slots.iter().enumerate() {
                if skip[i] {
                    continue;
                }
                let first = in_order[slots.len() - 1 - i];
                prop_assert_eq!(again.roll(k), first);
            }
        }
    }
}
