//! The one loop over blocks of runs that every simulation goes through:
//! blocks simulated in parallel, folded in run order.
//!
//! Runs `range` are cut into blocks of `block_runs` consecutive run indices
//! counted from `range.start`. A wave of [`wave_blocks`] blocks is simulated
//! at once (rayon, in the current thread pool), then each block of the wave
//! is handed to the accumulator in run order. The cancel flag is checked
//! before each wave and the progress reported after it. The wave size
//! changes only memory and pacing: what the accumulator receives, and in
//! which order, is the same for any thread count, so a fold whose blocks
//! draw from streams of their own (as every simulation's do) gives the same
//! bits on any machine.
//!
//! The scenario engine ([`super::simulate_range`]) folds blocks into an
//! [`Aggregate`](super::Aggregate) and a [`BlockSink`](super::BlockSink);
//! the empirical game ([`crate::game::race_game`]) folds blocks of every
//! strategy profile into sums of payoffs.

use super::{Control, wave_blocks};
use rayon::prelude::*;
use std::ops::Range;
use std::sync::atomic::Ordering;

/// An accumulator over blocks of runs: how to simulate one block (in
/// parallel with the others of its wave) and how to fold it in (in run
/// order).
pub trait BlockFold: Sync {
    /// What simulating one block gives.
    type Block: Send;
    /// Why folding a block in may fail (e.g. a full disk).
    type Error;
    /// Simulates runs `runs`, one block; called in parallel.
    fn simulate(&self, runs: Range<u64>) -> Self::Block;
    /// Folds one block in; called in run order.
    fn absorb(&mut self, block: Self::Block) -> Result<(), Self::Error>;
    /// Called after each wave, once every run before `next_run` is folded in
    /// (the moment a checkpoint can be taken).
    fn wave_done(&mut self, _next_run: u64) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// Why [`fold_blocks`] stopped early.
#[derive(Debug, PartialEq, Eq)]
pub enum FoldStopped<E> {
    /// The cancel flag was raised: every run before `next_run` (whole
    /// blocks) is folded in, none after.
    Cancelled { next_run: u64 },
    /// Folding a block in, or the end of a wave, failed.
    Failed(E),
}

/// Simulates runs `range` in blocks of `block_runs` and folds them into
/// `fold` in run order, reporting the runs folded so far (counted from
/// `range.start`) to `control` after each wave and stopping before a wave
/// when its cancel flag is set.
pub fn fold_blocks<F: BlockFold>(
    fold: &mut F,
    range: Range<u64>,
    block_runs: u64,
    control: &Control<'_>,
) -> Result<(), FoldStopped<F::Error>> {
    assert!(block_runs > 0, "a block holds at least one run");
    let blocks = range.end.saturating_sub(range.start).div_ceil(block_runs);
    let wave = wave_blocks(rayon::current_num_threads());
    let first_run = |b: u64| range.start + b * block_runs;
    let mut next = 0;
    while next < blocks {
        if control.cancel.load(Ordering::Relaxed) {
            return Err(FoldStopped::Cancelled {
                next_run: first_run(next),
            });
        }
        let last = (next + wave).min(blocks);
        let shared: &F = fold;
        let done: Vec<F::Block> = (next..last)
            .into_par_iter()
            .map(|b| shared.simulate(first_run(b)..(first_run(b) + block_runs).min(range.end)))
            .collect();
        for block in done {
            fold.absorb(block).map_err(FoldStopped::Failed)?;
        }
        let next_run = first_run(last).min(range.end);
        fold.wave_done(next_run).map_err(FoldStopped::Failed)?;
        (control.progress)(next_run - range.start);
        next = last;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;

    /// Records the blocks it is given and the ends of the waves.
    #[derive(Default)]
    struct Record {
        blocks: Vec<Range<u64>>,
        waves: Vec<u64>,
        fail_at: Option<u64>,
    }

    impl BlockFold for Record {
        type Block = Range<u64>;
        type Error = u64;
        fn simulate(&self, runs: Range<u64>) -> Range<u64> {
            runs
        }
        fn absorb(&mut self, block: Range<u64>) -> Result<(), u64> {
            if self.fail_at == Some(block.start) {
                return Err(block.start);
            }
            self.blocks.push(block);
            Ok(())
        }
        fn wave_done(&mut self, next_run: u64) -> Result<(), u64> {
            self.waves.push(next_run);
            Ok(())
        }
    }

    fn fold_in(
        threads: usize,
        fold: &mut Record,
        range: Range<u64>,
        cancel: bool,
    ) -> Result<(), FoldStopped<u64>> {
        let cancel = AtomicBool::new(cancel);
        let control = Control {
            progress: &|_| {},
            cancel: &cancel,
        };
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| fold_blocks(fold, range, 10, &control))
    }

    #[test]
    fn blocks_arrive_in_run_order_for_any_thread_count() {
        for threads in [1, 2, 3] {
            let mut fold = Record::default();
            fold_in(threads, &mut fold, 5..47, false).unwrap();
            let starts: Vec<u64> = fold.blocks.iter().map(|b| b.start).collect();
            assert_eq!(starts, [5, 15, 25, 35, 45]);
            assert_eq!(fold.blocks.last(), Some(&(45..47)));
            assert_eq!(fold.waves.last(), Some(&47));
            // One wave per `wave_blocks(threads)` blocks.
            assert_eq!(fold.waves.len() as u64, 5u64.div_ceil(wave_blocks(threads)));
        }
    }

    #[test]
    fn a_raised_flag_stops_before_the_first_wave_and_a_failure_is_passed_on() {
        let mut fold = Record::default();
        assert_eq!(
            fold_in(2, &mut fold, 20..100, true),
            Err(FoldStopped::Cancelled { next_run: 20 })
        );
        assert!(fold.blocks.is_empty());
        let mut fold = Record {
            fail_at: Some(30),
            ..Record::default()
        };
        assert_eq!(
            fold_in(1, &mut fold, 0..100, false),
            Err(FoldStopped::Failed(30))
        );
        assert_eq!(fold.blocks, [0..10, 10..20, 20..30]);
        let mut empty = Record::default();
        fold_in(1, &mut empty, 7..7, false).unwrap();
        assert!(empty.blocks.is_empty() && empty.waves.is_empty());
    }
}
