//! The random streams of a run (docs/model.md, "Randomness and reproducibility").
//!
//! One ChaCha8 generator is keyed from the master seed; every run reads
//! three streams of its own, numbered from the run index and the stream's
//! purpose. Run k therefore sees the same numbers whatever the thread
//! count, shard or order of execution, and scenarios that differ only in
//! policy share their growth and fate numbers (common random numbers).

use rand::{Rng, SeedableRng, TryRng};
use rand_chacha::ChaCha8Rng;
use std::convert::Infallible;

/// What a stream is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    /// The one uniform `U` that decides when the sampled catastrophe strikes.
    Fate = 0,
    /// One standard normal per lab per step, in lab order, always drawn.
    Growth = 1,
    /// One pair of normals per observing lab and rival, only where read.
    Observation = 2,
}

const PURPOSES: u64 = 3;

/// The keyed generator from which every run's streams are cut.
#[derive(Debug, Clone)]
pub struct Streams {
    keyed: ChaCha8Rng,
}

impl Streams {
    pub fn new(master_seed: u64) -> Self {
        Streams {
            keyed: ChaCha8Rng::seed_from_u64(master_seed),
        }
    }

    /// The stream for `purpose` in run `run`, positioned at its start.
    pub fn stream(&self, run: u64, purpose: Purpose) -> Stream {
        let mut rng = self.keyed.clone();
        rng.set_stream(run * PURPOSES + purpose as u64);
        Stream {
            bytes: [0; BUFFER_BYTES],
            index: BUFFER_WORDS,
            chacha: rng,
        }
    }
}

/// ChaCha8's output is made 16 words a block, four blocks at a time.
const BUFFER_WORDS: usize = 64;
const BUFFER_BYTES: usize = 4 * BUFFER_WORDS;

/// One run's stream: the words of its [`ChaCha8Rng`], the same `u32`s and
/// `u64`s in the same order (the tests check it), read from a buffer of
/// this type's own, refilled 64 words at a time by a call never inlined.
///
/// A draw is a test of the index and one load. `ChaCha8Rng` keeps its
/// index in the first word of its buffer and tests and rebuilds it on every
/// draw. Measured when this type came in (cachegrind, README "Performance",
/// fourth pass): with every mechanic on (benches/all-mechanics.toml), 1.8%
/// fewer instructions than drawing from `ChaCha8Rng` itself; rsp-2026, with
/// fewer draws a lab-step, 0.5% more.
#[derive(Debug, Clone)]
pub struct Stream {
    /// The words, little-endian, as `ChaCha8Rng::fill_bytes` gives them.
    bytes: [u8; BUFFER_BYTES],
    /// The next unread word (`BUFFER_WORDS`: none left).
    index: usize,
    chacha: ChaCha8Rng,
}

impl Stream {
    /// The next 64 words of the stream into the buffer.
    #[inline(never)]
    fn refill(&mut self) {
        self.chacha.fill_bytes(&mut self.bytes);
    }

    #[inline(always)]
    fn word(&self, index: usize) -> u32 {
        let at = 4 * (index % BUFFER_WORDS);
        u32::from_le_bytes([
            self.bytes[at],
            self.bytes[at + 1],
            self.bytes[at + 2],
            self.bytes[at + 3],
        ])
    }
}

impl TryRng for Stream {
    type Error = Infallible;

    #[inline(always)]
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        if self.index >= BUFFER_WORDS {
            self.refill();
            self.index = 0;
        }
        let word = self.word(self.index);
        self.index += 1;
        Ok(word)
    }

    /// Two words, the first the low half (as `ChaCha8Rng` reads them, also
    /// across a refill).
    #[inline(always)]
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let index = self.index;
        if index < BUFFER_WORDS - 1 {
            self.index = index + 2;
            let at = 4 * index;
            let mut word = [0; 8];
            word.copy_from_slice(&self.bytes[at..at + 8]);
            return Ok(u64::from_le_bytes(word));
        }
        let lo = self.try_next_u32()?;
        let hi = self.try_next_u32()?;
        Ok(u64::from(hi) << 32 | u64::from(lo))
    }

    /// Whole words, as `ChaCha8Rng` fills: a last part-word uses up a word.
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(4) {
            let word = self.try_next_u32()?.to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::{prop_assert_eq, proptest};

    #[test]
    fn streams_are_distinct_and_repeatable() {
        let s = Streams::new(7);
        let a = s.stream(5, Purpose::Growth).next_u64();
        assert_eq!(a, Streams::new(7).stream(5, Purpose::Growth).next_u64());
        assert_ne!(a, s.stream(5, Purpose::Fate).next_u64());
        assert_ne!(a, s.stream(6, Purpose::Growth).next_u64());
        assert_ne!(a, Streams::new(8).stream(5, Purpose::Growth).next_u64());
    }

    /// Value stability: these numbers are part of the reproducibility
    /// promise. If this test fails, every golden output changes too.
    #[test]
    fn the_first_numbers_never_change() {
        let s = Streams::new(1);
        let firsts: Vec<u64> = (0..3)
            .map(|run| s.stream(run, Purpose::Growth).next_u64())
            .collect();
        insta::assert_debug_snapshot!(firsts);
    }

    proptest! {
        /// A stream gives the words its `ChaCha8Rng` gives, whatever mix
        /// of `u32`, `u64` and byte reads, across many refills.
        #[test]
        fn a_stream_reads_as_its_chacha(
            run in 0u64..1000,
            reads in proptest::collection::vec((0u8..3, 0usize..13), 1..400),
        ) {
            let s = Streams::new(run ^ 0x5eed);
            let mut ours = s.stream(run, Purpose::Observation);
            let mut theirs = s.keyed.clone();
            theirs.set_stream(run * PURPOSES + Purpose::Observation as u64);
            for (kind, len) in reads {
                match kind {
                    0 => prop_assert_eq!(ours.next_u32(), theirs.next_u32()),
                    1 => prop_assert_eq!(ours.next_u64(), theirs.next_u64()),
                    _ => {
                        let (mut a, mut b) = (vec![0; len], vec![0; len]);
                        ours.fill_bytes(&mut a);
                        theirs.fill_bytes(&mut b);
                        prop_assert_eq!(a, b);
                    }
                }
            }
            prop_assert_eq!(ours.next_u64(), theirs.next_u64());
        }
    }
}
