//! Runs many races in parallel and folds them into statistics.
//!
//! Runs are cut into blocks of [`BLOCK_RUNS`] consecutive run indices.
//! Blocks are simulated in parallel (rayon, in the current thread pool) in
//! waves ([`fold`], the one such loop); each wave's blocks are then handed,
//! in run order, to a [`BlockSink`] (which streams per-run rows to disk) and
//! folded into the [`Aggregate`]. Every run has streams of its own and the aggregate's merge
//! is exact, so the results are the same bits for any thread count.

pub mod aggregate;
pub mod aggregate_codec;
pub mod fold;
pub mod lanes;
pub mod normal;
pub mod run;
pub mod streams;

pub use aggregate::{Aggregate, BlockStats, Detail};
pub use fold::{BlockFold, FoldStopped, fold_blocks};
pub use lanes::{LANES, LaneWorkspace, lanes_available, simulate_runs, simulate_runs_one_by_one};
pub use normal::standard_normal;
pub use run::{LabRecord, RaceModel, RunRecord, StepRecorder, StepState, Workspace, simulate_run};
pub use streams::{Purpose, Stream, Streams};

use std::sync::atomic::AtomicBool;

/// Runs per block: the unit of parallel work and of aggregation.
pub const BLOCK_RUNS: u64 = 1024;

/// Blocks in flight per worker thread: enough to keep every thread busy.
/// The wave size changes only memory and pacing, never results.
pub const BLOCKS_PER_THREAD: u64 = 4;

/// Blocks simulated together, in one wave, on `threads` threads.
pub fn wave_blocks(threads: usize) -> u64 {
    (threads as u64 * BLOCKS_PER_THREAD).max(1)
}

/// The simulated runs of one block, in run order.
#[derive(Debug, Clone)]
pub struct Block {
    pub first_run: u64,
    pub runs: Vec<RunRecord>,
    /// `runs.len() * labs` records, run by run, labs in order.
    pub labs: Vec<LabRecord>,
}

/// Receives every block in run order: `prepare` runs in parallel right after
/// a block is simulated (e.g. to format its rows), `consume` runs in order.
pub trait BlockSink: Sync {
    type Prepared: Send;
    type Error;
    fn prepare(&self, block: &Block) -> Self::Prepared;
    fn consume(&mut self, block: &Block, prepared: Self::Prepared) -> Result<(), Self::Error>;
    /// Called after each wave, once its blocks are consumed and folded into
    /// `aggregate` (which then holds every run before `next_run`): the
    /// moment a checkpoint can be taken.
    fn wave_done(&mut self, _aggregate: &Aggregate, _next_run: u64) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// A sink that keeps nothing.
pub struct NoSink;

impl BlockSink for NoSink {
    type Prepared = ();
    type Error = std::convert::Infallible;
    fn prepare(&self, _: &Block) {}
    fn consume(&mut self, _: &Block, _: ()) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// Why a simulation stopped early.
#[derive(Debug)]
pub enum Stopped<E> {
    /// The sink failed (e.g. the disk is full).
    Sink(E),
    /// The cancel flag was raised. `aggregate` holds every run before
    /// `next_run` (whole blocks), and the sink has consumed exactly those.
    Cancelled {
        aggregate: Box<Aggregate>,
        next_run: u64,
    },
}

/// Options that change how, never what, is computed.
pub struct Control<'a> {
    /// Called from the calling thread with the number of runs completed.
    pub progress: &'a (dyn Fn(u64) + Sync),
    /// Checked between waves; when set, the simulation stops.
    pub cancel: &'a AtomicBool,
}

/// Simulates runs `0..runs` of `model` with master seed `seed`.
pub fn simulate<S: BlockSink>(
    model: &RaceModel,
    seed: u64,
    runs: u64,
    sink: &mut S,
    control: &Control<'_>,
) -> Result<Aggregate, Stopped<S::Error>> {
    let start = Aggregate::new(model.lab_count(), model.steps);
    simulate_range(model, seed, 0..runs, start, sink, control)
}

/// [`simulate`] keeping only what a [`Summary`](crate::output::Summary)
/// reads ([`Detail::Summary`]): the same summary, without the per-step
/// statistics' cost.
pub fn simulate_summary<S: BlockSink>(
    model: &RaceModel,
    seed: u64,
    runs: u64,
    sink: &mut S,
    control: &Control<'_>,
) -> Result<Aggregate, Stopped<S::Error>> {
    let start = Aggregate::summary(model.lab_count());
    simulate_range(model, seed, 0..runs, start, sink, control)
}

/// Simulates runs `range` of `model` with master seed `seed`, folding them
/// into `start` (e.g. the aggregate of the runs before, from a checkpoint),
/// with the blocks recording what `start` keeps ([`Aggregate::detail`]).
///
/// Blocks are those of the whole run (`BLOCK_RUNS` from run 0), so
/// `range.start` must be a multiple of [`BLOCK_RUNS`], and `range.end`
/// either one too or the last run of the whole: then any split of the runs
/// into ranges, merged, gives the aggregate of one pass, bit for bit.
pub fn simulate_range<S: BlockSink>(
    model: &RaceModel,
    seed: u64,
    range: std::ops::Range<u64>,
    start: Aggregate,
    sink: &mut S,
    control: &Control<'_>,
) -> Result<Aggregate, Stopped<S::Error>> {
    assert!(
        range.start.is_multiple_of(BLOCK_RUNS) && range.start <= range.end,
        "a run range starts at a block boundary"
    );
    let mut fold = EngineFold {
        model,
        streams: Streams::new(seed),
        detail: start.detail,
        aggregate: start,
        sink,
    };
    match fold_blocks(&mut fold, range, BLOCK_RUNS, control) {
        Ok(()) => Ok(fold.aggregate),
        Err(FoldStopped::Failed(e)) => Err(Stopped::Sink(e)),
        Err(FoldStopped::Cancelled { next_run }) => Err(Stopped::Cancelled {
            aggregate: Box::new(fold.aggregate),
            next_run,
        }),
    }
}

/// A scenario's simulation as a fold: each block simulated with the
/// statistics `detail` asks for and prepared by the sink, then, in run
/// order, absorbed into the aggregate and consumed by the sink.
struct EngineFold<'a, S> {
    model: &'a RaceModel,
    streams: Streams,
    detail: Detail,
    aggregate: Aggregate,
    sink: &'a mut S,
}

impl<S: BlockSink> BlockFold for EngineFold<'_, S> {
    type Block = (Block, BlockStats, S::Prepared);
    type Error = S::Error;

    fn simulate(&self, runs: std::ops::Range<u64>) -> Self::Block {
        let (block, stats) = simulate_block_with(self.model, &self.streams, runs, self.detail);
        let prepared = self.sink.prepare(&block);
        (block, stats, prepared)
    }

    fn absorb(&mut self, (block, stats, prepared): Self::Block) -> Result<(), S::Error> {
        self.aggregate.absorb(&stats, &block.runs, &block.labs);
        self.sink.consume(&block, prepared)
    }

    fn wave_done(&mut self, next_run: u64) -> Result<(), S::Error> {
        self.sink.wave_done(&self.aggregate, next_run)
    }
}

/// Simulates the runs of one block in order ([`LANES`] at a time), with
/// every per-step statistic.
pub fn simulate_block(
    model: &RaceModel,
    streams: &Streams,
    runs: std::ops::Range<u64>,
) -> (Block, BlockStats) {
    simulate_block_with(model, streams, runs, Detail::Steps)
}

/// [`simulate_block`] recording `detail`.
pub fn simulate_block_with(
    model: &RaceModel,
    streams: &Streams,
    runs: std::ops::Range<u64>,
    detail: Detail,
) -> (Block, BlockStats) {
    let count = (runs.end - runs.start) as usize;
    let mut stats = match detail {
        Detail::Steps => BlockStats::new(model.lab_count(), model.steps),
        Detail::Summary => BlockStats::summary(model.lab_count()),
    };
    let mut block = Block {
        first_run: runs.start,
        runs: Vec::with_capacity(count),
        labs: Vec::with_capacity(count * model.lab_count()),
    };
    simulate_runs(
        model,
        streams,
        runs,
        &mut LaneWorkspace::default(),
        &mut stats,
        &mut block.runs,
        &mut block.labs,
    );
    stats.flush();
    (block, stats)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// `simulate` with no progress and no cancel.
    pub fn simulate_quietly<S: BlockSink>(
        model: &RaceModel,
        seed: u64,
        runs: u64,
        sink: &mut S,
    ) -> Aggregate {
        range_quietly(
            model,
            seed,
            0..runs,
            Aggregate::new(model.lab_count(), model.steps),
            sink,
        )
    }

    fn range_quietly<S: BlockSink>(
        model: &RaceModel,
        seed: u64,
        range: std::ops::Range<u64>,
        start: Aggregate,
        sink: &mut S,
    ) -> Aggregate {
        let cancel = AtomicBool::new(false);
        let control = Control {
            progress: &|_| {},
            cancel: &cancel,
        };
        match simulate_range(model, seed, range, start, sink, &control) {
            Ok(a) => a,
            Err(_) => panic!("nothing stops a quiet simulation"),
        }
    }

    #[test]
    fn a_summary_only_simulation_gives_the_summary_of_a_full_one() {
        for shipped in crate::builtin::SHIPPED {
            let s = crate::builtin::load(shipped.name).unwrap();
            let model = RaceModel::new(&s);
            let runs = 2 * BLOCK_RUNS + 77;
            let full = simulate_quietly(&model, 5, runs, &mut NoSink);
            let summary = range_quietly(
                &model,
                5,
                0..runs,
                Aggregate::summary(model.lab_count()),
                &mut NoSink,
            );
            assert_eq!(summary.steps.len(), 1, "{}", shipped.name);
            assert!(summary.steps[0].p.value() == 0.0 && summary.steps[0].racing == 0);
            let (full_labs, summary_labs) = (&full.labs, &summary.labs);
            assert_eq!(full_labs, summary_labs, "{}", shipped.name);
            assert_eq!(
                (full.p.value(), full.p_sq.value(), full.catastrophes),
                (
                    summary.p.value(),
                    summary.p_sq.value(),
                    summary.catastrophes
                )
            );
            let [a, b] = [&full, &summary]
                .map(|a| serde_json::to_string(&crate::output::Summary::new(&s, 5, a)).unwrap());
            assert_eq!(a, b, "{}", shipped.name);
        }
    }

    #[test]
    fn ranges_continued_or_merged_give_the_aggregate_of_one_pass() {
        let scenario = crate::builtin::load("pause-2023").unwrap();
        let model = RaceModel::new(&scenario);
        let runs = 5 * BLOCK_RUNS + 300;
        let whole = simulate_quietly(&model, 9, runs, &mut NoSink);
        let empty = || Aggregate::new(model.lab_count(), model.steps);
        // Continued from a checkpoint after two blocks.
        let head = range_quietly(&model, 9, 0..2 * BLOCK_RUNS, empty(), &mut NoSink);
        let resumed = range_quietly(&model, 9, 2 * BLOCK_RUNS..runs, head.clone(), &mut NoSink);
        assert_eq!(resumed.to_bytes(), whole.to_bytes());
        // Shards merged in another order.
        let mut tail = range_quietly(
            &model,
            9,
            2 * BLOCK_RUNS..4 * BLOCK_RUNS,
            empty(),
            &mut NoSink,
        );
        let last = range_quietly(&model, 9, 4 * BLOCK_RUNS..runs, empty(), &mut NoSink);
        tail.merge(&last);
        tail.merge(&head);
        assert_eq!(tail.to_bytes(), whole.to_bytes());
        assert_eq!(tail, whole);
    }
}
