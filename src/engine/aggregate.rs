//! Statistics over runs, accumulated rather than stored: memory does not
//! grow with the number of runs.
//!
//! Within a block of runs ([`BlockStats`]) sums are plain floats added in run
//! order, which is fast and fixed by the block's runs alone. Blocks are then
//! folded into an [`Aggregate`] of fixed-point sums and integer counts,
//! whose merge is exact and order-independent: the totals are the same bits
//! for any thread count, and for any split of the runs into block-aligned
//! shards.

use super::lanes::LANES;
use super::run::{LabRecord, RunRecord, StepRecorder, StepState};
use crate::model::hazard::catastrophe_probability;
use crate::stats::{ProbSum, QuantileSketch, ValueSum};

/// Per-block accumulator, filled step by step as runs are simulated.
///
/// The labs' states are added as each step is recorded. `H` and the
/// frontier are kept for the run and turned into `1 - exp(-H)` when it ends
/// ([`StepRecorder::finish_run`]): one tight loop of independent `exp_m1`
/// calls, which the processor overlaps, rather than one between every
/// step's other work; and a frozen run's repeated values are worked out
/// once. Every sum still gets its run's value in run order, so the bits are
/// those of adding at every step.
///
/// The frontier sketches (one per step, a histogram too big for the nearest
/// cache) are filled in batches of runs, step by step, so that each step's
/// sketch is hot while a batch goes in ([`BlockStats::flush`]); a sketch is
/// a count per bin, so the order does not matter. A frozen run's frontier is
/// the same at every step of its tail, and the tails go in last, once per
/// block: a sketch of the tails begun so far is merged into each step's,
/// step by step, rather than each tail step's value into its sketch. Frozen
/// frontiers lie just past the decisive capability, in a few bins, so that
/// is one short merge per step instead of a value per run and step.
#[derive(Debug, Clone)]
pub struct BlockStats {
    labs: usize,
    /// One row per step.
    steps: Vec<StepSums>,
    frontier_sketch: Vec<QuantileSketch>,
    /// One row per step and lab, indexed `step * labs + lab`.
    lab_steps: Vec<LabStepSums>,
    /// The current run's `H` and frontier by step, for steps `0..run_steps`;
    /// runs simulated in lanes ([`add_lanes`](Self::add_lanes)) have one
    /// row each, lane `l`'s from `l * rows`.
    run_h: Vec<f64>,
    run_frontier: Vec<f64>,
    run_steps: usize,
    /// Finished runs whose frontiers are not in the sketches yet, and their
    /// frontiers, step by step: run `r`'s at step `k` is
    /// `pending_frontier[k * batch + r]`.
    pending: Vec<PendingRun>,
    pending_frontier: Vec<f64>,
    batch: usize,
    /// The current run's frozen tail: its first step and its frontier.
    run_tail: Option<(usize, f64)>,
    /// Finished runs' tails, whose frontiers are not in the sketches yet:
    /// each from its first step to the last.
    tails: Vec<(usize, f64)>,
    /// What is recorded: a [`Detail::Summary`] block keeps no step.
    detail: Detail,
    /// Whether the current run was still racing at the step recorded last:
    /// then it plays the next step, and that step's safety effort counts.
    playing: bool,
}

/// How much an [`Aggregate`] keeps, and its blocks record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Every statistic, per step too: what `airace run` reports.
    Steps,
    /// The run-level totals and the last step's frontier histogram: all a
    /// [`Summary`](crate::output::Summary) reads, and all a sweep point
    /// needs. The runs skip the per-step statistics, which cost more than
    /// their draws; the summary is the same, to the bit.
    Summary,
}

/// Runs whose frontiers wait together to go into the sketches, for `rows`
/// steps (with step 0): up to 128, as many as 128 KiB of frontiers holds.
/// (A whole block's 1 MiB gains 1% of run time and costs a MiB of memory
/// per thread.)
pub(crate) fn frontier_batch(rows: usize) -> usize {
    ((1 << 14) / rows).clamp(1, 128)
}

/// A finished run whose frontiers wait in [`BlockStats::pending_frontier`].
#[derive(Debug, Clone, Copy)]
struct PendingRun {
    /// Steps recorded.
    steps: usize,
}

/// A block's sums for one step.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct StepSums {
    p: f64,
    p_sq: f64,
    frontier: f64,
    racing: u64,
    /// Labs under a regulation's penalty, over the block's runs.
    penalized: u64,
}

/// A block's sums for one step and lab.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct LabStepSums {
    capability: f64,
    safety: f64,
    /// Safety effort spent in the step, over the runs that played it.
    safety_effort: f64,
    paused: u64,
    delayed: u64,
    /// Runs in which the lab is above a pause threshold it measures
    /// itself below.
    unnoticed: u64,
}

impl BlockStats {
    pub fn new(labs: usize, steps: u32) -> Self {
        let rows = steps as usize + 1;
        let batch = frontier_batch(rows);
        BlockStats {
            labs,
            steps: vec![StepSums::default(); rows],
            frontier_sketch: vec![QuantileSketch::default(); rows],
            lab_steps: vec![LabStepSums::default(); rows * labs],
            run_h: vec![0.0; LANES * rows],
            run_frontier: vec![0.0; LANES * rows],
            run_steps: 0,
            pending: Vec::new(),
            pending_frontier: Vec::new(),
            batch,
            run_tail: None,
            tails: Vec::new(),
            detail: Detail::Steps,
            playing: false,
        }
    }

    /// A block that records no step ([`Detail::Summary`]): its runs are
    /// simulated without a recorder, and only their records are kept.
    pub fn summary(labs: usize) -> Self {
        BlockStats {
            labs,
            steps: Vec::new(),
            frontier_sketch: Vec::new(),
            lab_steps: Vec::new(),
            run_h: Vec::new(),
            run_frontier: Vec::new(),
            run_steps: 0,
            pending: Vec::new(),
            pending_frontier: Vec::new(),
            batch: 1,
            run_tail: None,
            tails: Vec::new(),
            detail: Detail::Summary,
            playing: false,
        }
    }

    /// Whether the block records every step ([`Detail::Steps`]).
    pub fn records_steps(&self) -> bool {
        self.detail == Detail::Steps
    }

    /// Adds the frontiers of the pending runs and tails to the sketches,
    /// step by step. [`simulate_block`](super::simulate_block) does this
    /// before handing the block on; [`Aggregate::absorb`] does it on a copy
    /// if needed.
    pub fn flush(&mut self) {
        self.flush_batch();
        // The batch's buffer is made again if more runs come.
        self.pending_frontier = Vec::new();
        self.flush_tails();
    }

    /// Whether [`flush`](Self::flush) has frontiers to add.
    fn unflushed(&self) -> bool {
        !self.pending.is_empty() || !self.tails.is_empty()
    }

    /// Adds the tails: at each step, every tail begun by then.
    fn flush_tails(&mut self) {
        if self.tails.is_empty() {
            return;
        }
        self.tails.sort_unstable_by_key(|&(first, _)| first);
        let (mut begun, mut any) = (QuantileSketch::default(), false);
        let mut tails = self.tails.iter().peekable();
        for (k, sketch) in self.frontier_sketch.iter_mut().enumerate() {
            while let Some(&(_, frontier)) = tails.next_if(|&&(first, _)| first <= k) {
                begun.add(frontier);
                any = true;
            }
            if any {
                sketch.merge(&begun);
            }
        }
        self.tails.clear();
    }

    fn flush_batch(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let batch = self.batch;
        for (k, sketch) in self.frontier_sketch.iter_mut().enumerate() {
            let column = &self.pending_frontier[k * batch..(k + 1) * batch];
            for (run, &frontier) in self.pending.iter().zip(column) {
                if k < run.steps {
                    sketch.add(frontier);
                }
            }
        }
        self.pending.clear();
    }

    /// Adds the labs' state at step `k` and keeps `H` and the frontier;
    /// their safety efforts too if the run `played` step `k`.
    #[inline(always)]
    fn add_step(&mut self, k: usize, s: &StepState<'_>, played: bool) {
        self.run_h[k] = s.cumulative_hazard;
        self.run_frontier[k] = s.frontier;
        self.steps[k].racing += u64::from(s.racing);
        let n = self.labs;
        let rows = &mut self.lab_steps[k * n..(k + 1) * n];
        let labs = s
            .capability
            .iter()
            .zip(s.safety)
            .zip(s.paused.iter().zip(s.delayed))
            .zip(s.unnoticed);
        for (row, (((&capability, &safety), (&paused, &delayed)), &unnoticed)) in
            rows.iter_mut().zip(labs)
        {
            row.capability += capability;
            row.safety += safety;
            row.paused += u64::from(paused);
            row.delayed += u64::from(delayed);
            row.unnoticed += u64::from(unnoticed);
        }
        if played {
            for (row, &effort) in rows.iter_mut().zip(s.safety_effort) {
                row.safety_effort += effort;
            }
        }
        self.steps[k].penalized += s.penalized.iter().map(|&p| u64::from(p)).sum::<u64>();
    }
}

impl StepRecorder for BlockStats {
    #[inline]
    fn record(&mut self, step: u32, s: &StepState<'_>) {
        let k = step as usize;
        if k == 0 && self.run_steps > 0 {
            self.finish_run(); // a run that was not finished
        }
        // Step 0 is the start, before any effort is spent; a later step
        // was played if the run was racing at the step before (the step
        // that ends a run is played; a won run's frozen steps are not).
        self.add_step(k, s, k > 0 && self.playing);
        self.playing = s.racing;
        self.run_steps = self.run_steps.max(k + 1);
    }

    #[inline]
    fn record_frozen(&mut self, steps: std::ops::RangeInclusive<u32>, s: &StepState<'_>) {
        let (first, last) = (*steps.start() as usize, *steps.end() as usize);
        for k in first..=last {
            self.add_step(k, s, false);
        }
        self.playing = false;
        self.run_steps = self.run_steps.max(last + 1);
        if first <= last {
            self.run_tail = Some((first, s.frontier));
        }
    }

    /// Adds the run's `1 - exp(-H)`, its square and the frontier, step by
    /// step (a value equal to the step before's is not worked out again),
    /// and puts its frontiers in the batch for the sketches, but for a
    /// frozen tail that lasts to the last step, which waits with the tails.
    fn finish_run(&mut self) {
        let n = self.run_steps;
        self.run_steps = 0;
        let tail = self.run_tail.take();
        self.finish(0, n, tail);
    }
}

impl BlockStats {
    /// Adds step `k` of the runs in lanes `0..count`, in lane order, which
    /// is run order: what [`record`](StepRecorder::record) adds, run by run.
    /// Lab `i`'s state in lane `l` is `capability[i][l]`, and so on; its
    /// safety effort `safety_effort[i][l]` is added where `played[l]` (the
    /// run was racing at the step before).
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn add_lanes(
        &mut self,
        k: usize,
        count: usize,
        capability: &[[f64; LANES]],
        safety: &[[f64; LANES]],
        (safety_effort, played): (&[[f64; LANES]], &[bool; LANES]),
        paused: &[[bool; LANES]],
        delayed: &[[bool; LANES]],
        penalized: &[[bool; LANES]],
        unnoticed: &[[bool; LANES]],
        frontier: &[f64; LANES],
        h: &[f64; LANES],
        racing: &[bool; LANES],
    ) {
        let count = count.min(LANES);
        let n = self.labs;
        let rows = self.steps.len();
        for l in 0..count {
            self.run_h[l * rows + k] = h[l];
            self.run_frontier[l * rows + k] = frontier[l];
        }
        let ones = |b: &[bool; LANES]| b[..count].iter().map(|&b| u64::from(b)).sum::<u64>();
        self.steps[k].racing += ones(racing);
        let sums = &mut self.lab_steps[k * n..(k + 1) * n];
        let labs = capability
            .iter()
            .zip(safety)
            .zip(paused.iter().zip(delayed))
            .zip(safety_effort.iter().zip(unnoticed));
        for (row, (((c, s), (p, d)), (e, u))) in sums.iter_mut().zip(labs) {
            // Lane by lane into each sum: the order of run after run.
            let (mut capability, mut safety) = (row.capability, row.safety);
            let mut effort = row.safety_effort;
            for l in 0..count {
                capability += c[l];
                safety += s[l];
                if played[l] {
                    effort += e[l];
                }
            }
            (row.capability, row.safety) = (capability, safety);
            row.safety_effort = effort;
            row.paused += ones(p);
            row.delayed += ones(d);
            row.unnoticed += ones(u);
        }
        self.steps[k].penalized += penalized.iter().map(ones).sum::<u64>();
    }

    /// The end of lane `l`'s run, added to the last step: its `H` and
    /// frontiers, as [`finish_run`](StepRecorder::finish_run) adds them,
    /// with `tail` (the first frozen step and the frontier) if it was won
    /// before the last step.
    pub(crate) fn finish_lane(&mut self, l: usize, tail: Option<(usize, f64)>) {
        self.finish(l * self.steps.len(), self.steps.len(), tail);
    }

    /// Adds a run's `1 - exp(-H)`, square and frontier, steps `0..n`, from
    /// `run_h` and `run_frontier` at `offset`.
    fn finish(&mut self, offset: usize, n: usize, tail: Option<(usize, f64)>) {
        let batched = match tail {
            Some((first, frontier)) if n == self.steps.len() => {
                self.tails.push((first, frontier));
                first
            }
            _ => n,
        };
        let hs = &self.run_h[offset..offset + n];
        let frontiers = &self.run_frontier[offset..offset + n];
        // Starting from NaN is consistent: p(NaN) is NaN.
        let (mut last_h, mut p) = (f64::NAN, f64::NAN);
        for (row, (&h, &frontier)) in self.steps[..n].iter_mut().zip(hs.iter().zip(frontiers)) {
            if h.to_bits() != last_h.to_bits() {
                last_h = h;
                p = catastrophe_probability(h);
            }
            row.p += p;
            row.p_sq += p * p;
            row.frontier += frontier;
        }
        let r = self.pending.len();
        if self.pending_frontier.is_empty() {
            self.pending_frontier = vec![0.0; self.steps.len() * self.batch];
        }
        for (k, &frontier) in frontiers[..batched].iter().enumerate() {
            self.pending_frontier[k * self.batch + r] = frontier;
        }
        self.pending.push(PendingRun { steps: batched });
        if self.pending.len() == self.batch {
            self.flush_batch();
        }
    }
}

/// Per-lab totals over runs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabTotals {
    pub wins: u64,
    /// Sampled catastrophes caused by this lab.
    pub culprit: u64,
    pub paused_steps: u64,
    pub delayed_steps: u64,
    /// The extensions' counts (zero where their mechanic is not used).
    pub unnoticed_steps: u64,
    pub violating_steps: u64,
    pub times_caught: u64,
    pub penalty_steps: u64,
    pub utility: ValueSum,
    pub utility_sq: ValueSum,
    pub capability: ValueSum,
    pub safety: ValueSum,
    pub resources: ValueSum,
}

/// Per-step totals over runs (step 0 is the initial state).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StepTotals {
    /// Sum over runs of the expected catastrophe probability `1 - exp(-H)`
    /// with `H` as it stands after this step (a won run's, frozen).
    pub p: ProbSum,
    /// Sum of the squares of those probabilities, for their spread.
    pub p_sq: ProbSum,
    /// Runs whose sampled catastrophe happened in this step.
    pub catastrophes: u64,
    /// Sum over runs of the highest capability after this step.
    pub frontier: ValueSum,
    /// Those highest capabilities, for their quantiles.
    pub frontier_sketch: QuantileSketch,
    /// Runs still racing after this step (no lab has won yet).
    pub racing: u64,
    /// Labs under a regulation's penalty, summed over labs and runs.
    pub penalized: u64,
    /// One per lab.
    pub capability: Vec<ValueSum>,
    pub safety: Vec<ValueSum>,
    /// Safety effort spent in this step, over the runs that played it:
    /// all runs at step 1, then those still racing at the step before
    /// (`racing` of step `k - 1`). Zero at step 0, before any step.
    pub safety_effort: Vec<ValueSum>,
    pub paused: Vec<u64>,
    pub delayed: Vec<u64>,
    /// Runs in which the lab is at or above a pause threshold it measures
    /// itself below (fuzzy evaluations; zero without them). Their sum over
    /// labs is the step's count of labs past an unnoticed threshold.
    pub unnoticed: Vec<u64>,
}

/// Everything the summaries and time series are computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    /// Runs folded in.
    pub runs: u64,
    /// Sum over runs of the expected catastrophe probability `1 - exp(-H)`
    /// at the end of the run.
    pub p: ProbSum,
    /// Sum of the squares of those probabilities, for the standard error
    /// of their mean.
    pub p_sq: ProbSum,
    /// Runs whose sampled catastrophe happened.
    pub catastrophes: u64,
    /// Of those, the runs with no pause or delay at or before the
    /// catastrophe's step ([`RunRecord::unwarned`]).
    pub unwarned: u64,
    /// Runs in which no lab reached the decisive capability.
    pub no_winner: u64,
    /// Sum of the winning step (1-based) over the runs won.
    pub win_step: ValueSum,
    /// Sum over runs of the highest capability at the end.
    pub frontier: ValueSum,
    /// Sum of the squares of those capabilities.
    pub frontier_sq: ValueSum,
    pub labs: Vec<LabTotals>,
    /// One per step from step 0; in a [`Detail::Summary`] aggregate, one:
    /// the last step, with only its frontier histogram.
    pub steps: Vec<StepTotals>,
    pub detail: Detail,
}

impl Aggregate {
    pub fn new(labs: usize, steps: u32) -> Self {
        let step = StepTotals {
            capability: vec![ValueSum::default(); labs],
            safety: vec![ValueSum::default(); labs],
            safety_effort: vec![ValueSum::default(); labs],
            paused: vec![0; labs],
            delayed: vec![0; labs],
            unnoticed: vec![0; labs],
            ..StepTotals::default()
        };
        Aggregate {
            runs: 0,
            p: ProbSum::default(),
            p_sq: ProbSum::default(),
            catastrophes: 0,
            unwarned: 0,
            no_winner: 0,
            win_step: ValueSum::default(),
            frontier: ValueSum::default(),
            frontier_sq: ValueSum::default(),
            labs: vec![LabTotals::default(); labs],
            steps: vec![step; steps as usize + 1],
            detail: Detail::Steps,
        }
    }

    /// An aggregate of the run-level totals and the final frontiers only
    /// ([`Detail::Summary`]), for [`simulate_summary`](super::simulate_summary).
    pub fn summary(labs: usize) -> Self {
        Aggregate {
            detail: Detail::Summary,
            ..Aggregate::new(labs, 0)
        }
    }

    /// Folds in a block: its step statistics and its runs' records.
    pub fn absorb(&mut self, block: &BlockStats, runs: &[RunRecord], labs: &[LabRecord]) {
        let flushed;
        let block = if !block.unflushed() {
            block
        } else {
            flushed = {
                let mut b = block.clone();
                b.flush();
                b
            };
            &flushed
        };
        let n = self.labs.len();
        // Run-level totals: add in block order into floats, then fix them.
        let (mut p, mut p_sq, mut win_step, mut frontier, mut frontier_sq) =
            (0.0, 0.0, 0.0, 0.0, 0.0);
        let mut utility = vec![(0.0, 0.0, 0.0, 0.0, 0.0); n];
        for (r, lab_rows) in runs.iter().zip(labs.chunks_exact(n)) {
            let prob = r.catastrophe_probability();
            p += prob;
            p_sq += prob * prob;
            frontier += r.frontier;
            frontier_sq += r.frontier * r.frontier;
            if let Some(step) = r.catastrophe_step {
                self.catastrophes += 1;
                if self.detail == Detail::Steps {
                    self.steps[step as usize].catastrophes += 1;
                }
                self.unwarned += u64::from(r.unwarned());
            }
            if let Some(c) = r.culprit {
                self.labs[c as usize].culprit += 1;
            }
            match (r.winner, r.win_step) {
                (Some(w), Some(step)) => {
                    self.labs[w as usize].wins += 1;
                    win_step += f64::from(step);
                }
                _ => self.no_winner += 1,
            }
            for (i, l) in lab_rows.iter().enumerate() {
                let t = &mut self.labs[i];
                t.paused_steps += u64::from(l.paused_steps);
                t.delayed_steps += u64::from(l.delayed_steps);
                t.unnoticed_steps += u64::from(l.unnoticed_steps);
                t.violating_steps += u64::from(l.violating_steps);
                t.times_caught += u64::from(l.times_caught);
                t.penalty_steps += u64::from(l.penalty_steps);
                let u = &mut utility[i];
                u.0 += l.utility;
                u.1 += l.utility * l.utility;
                u.2 += l.capability;
                u.3 += l.safety;
                u.4 += l.resources;
            }
        }
        self.runs += runs.len() as u64;
        self.p.add(p);
        self.p_sq.add(p_sq);
        self.win_step.add(win_step);
        self.frontier.add(frontier);
        self.frontier_sq.add(frontier_sq);
        for (t, u) in self.labs.iter_mut().zip(&utility) {
            t.utility.add(u.0);
            t.utility_sq.add(u.1);
            t.capability.add(u.2);
            t.safety.add(u.3);
            t.resources.add(u.4);
        }
        if self.detail == Detail::Summary {
            // The last step's frontiers are the runs' final frontiers.
            assert!(!block.records_steps(), "a summary takes summary blocks");
            let last = &mut self.steps[0].frontier_sketch;
            for r in runs {
                last.add(r.frontier);
            }
            return;
        }
        assert!(
            block.records_steps(),
            "per-step totals take per-step blocks"
        );
        for (k, s) in self.steps.iter_mut().enumerate() {
            let b = &block.steps[k];
            s.p.add(b.p);
            s.p_sq.add(b.p_sq);
            s.frontier.add(b.frontier);
            s.frontier_sketch.merge(&block.frontier_sketch[k]);
            s.racing += b.racing;
            s.penalized += block.steps[k].penalized;
            for i in 0..n {
                let b = &block.lab_steps[k * n + i];
                s.capability[i].add(b.capability);
                s.safety[i].add(b.safety);
                s.safety_effort[i].add(b.safety_effort);
                s.paused[i] += b.paused;
                s.delayed[i] += b.delayed;
                s.unnoticed[i] += b.unnoticed;
            }
        }
    }

    /// Adds another aggregate (e.g. of other blocks or another shard) that
    /// keeps the same [`Detail`].
    pub fn merge(&mut self, other: &Aggregate) {
        assert_eq!(self.detail, other.detail, "aggregates of one detail merge");
        self.runs += other.runs;
        self.p.merge(&other.p);
        self.p_sq.merge(&other.p_sq);
        self.catastrophes += other.catastrophes;
        self.unwarned += other.unwarned;
        self.no_winner += other.no_winner;
        self.win_step.merge(&other.win_step);
        self.frontier.merge(&other.frontier);
        self.frontier_sq.merge(&other.frontier_sq);
        for (a, b) in self.labs.iter_mut().zip(&other.labs) {
            a.wins += b.wins;
            a.culprit += b.culprit;
            a.paused_steps += b.paused_steps;
            a.delayed_steps += b.delayed_steps;
            a.unnoticed_steps += b.unnoticed_steps;
            a.violating_steps += b.violating_steps;
            a.times_caught += b.times_caught;
            a.penalty_steps += b.penalty_steps;
            a.utility.merge(&b.utility);
            a.utility_sq.merge(&b.utility_sq);
            a.capability.merge(&b.capability);
            a.safety.merge(&b.safety);
            a.resources.merge(&b.resources);
        }
        for (a, b) in self.steps.iter_mut().zip(&other.steps) {
            a.p.merge(&b.p);
            a.p_sq.merge(&b.p_sq);
            a.catastrophes += b.catastrophes;
            a.frontier.merge(&b.frontier);
            a.frontier_sketch.merge(&b.frontier_sketch);
            a.racing += b.racing;
            a.penalized += b.penalized;
            for i in 0..a.capability.len() {
                a.capability[i].merge(&b.capability[i]);
                a.safety[i].merge(&b.safety[i]);
                a.safety_effort[i].merge(&b.safety_effort[i]);
                a.paused[i] += b.paused[i];
                a.delayed[i] += b.delayed[i];
                a.unnoticed[i] += b.unnoticed[i];
            }
        }
    }

    /// Runs with a winner.
    pub fn winners(&self) -> u64 {
        self.runs - self.no_winner
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Scenario;
    use crate::engine::{RaceModel, Streams, Workspace, simulate_run};
    use std::str::FromStr;

    /// Records every step with `record`, as a recorder without a
    /// `record_frozen` of its own does.
    struct StepByStep(BlockStats);

    impl StepRecorder for StepByStep {
        fn record(&mut self, step: u32, state: &StepState<'_>) {
            self.0.record(step, state);
        }
        fn finish_run(&mut self) {
            self.0.finish_run();
        }
    }

    /// Runs `0..3000` into `recorder`, then the totals of `stats(recorder)`.
    fn totals<R: StepRecorder>(
        model: &RaceModel,
        mut recorder: R,
        stats: impl FnOnce(R) -> BlockStats,
    ) -> Aggregate {
        let streams = Streams::new(4);
        let mut ws = Workspace::default();
        let (mut records, mut labs) = (Vec::new(), Vec::new());
        for run in 0..3000 {
            let record = simulate_run(model, &streams, run, &mut ws, &mut recorder, &mut labs);
            records.push(record);
        }
        let mut aggregate = Aggregate::new(model.lab_count(), model.steps);
        aggregate.absorb(&stats(recorder), &records, &labs);
        aggregate
    }

    /// The frozen steps at once, the sketches in batches (more runs than a
    /// batch holds), flushed or not: the same totals, bit for bit, as
    /// recording every step in turn.
    #[test]
    fn shortcuts_give_the_same_totals_as_recording_every_step() {
        let s = Scenario::from_str(
            "[scenario]\nsteps = 40\n[world]\ndecisive_capability = 5.0\ncapability_noise = 0.8\n\
             [[labs]]\nname = \"A\"\ncapability = 1.0\nsafety = 1.0\ncapability_rate = 0.1\nsafety_rate = 0.1\n\
             [[labs]]\nname = \"B\"\ncapability = 1.2\nsafety = 0.5\ncapability_rate = 0.1\nsafety_rate = 0.05\n\
             policy = [{ rule = \"delay_if_leading\", risk = 0.0001 }]\n",
        )
        .unwrap();
        let model = RaceModel::new(&s);
        let fresh = || BlockStats::new(model.lab_count(), model.steps);
        let expected = totals(&model, StepByStep(fresh()), |r| r.0);
        let flushed = totals(&model, fresh(), |mut b| {
            b.flush();
            b
        });
        let unflushed = totals(&model, fresh(), |b| b);
        assert_eq!(flushed, expected);
        assert_eq!(unflushed, expected);
        assert!(
            expected.winners() > 0 && expected.no_winner > 0,
            "both kinds of run"
        );
        assert!(
            expected
                .steps
                .iter()
                .any(|s| s.paused.iter().chain(&s.delayed).any(|&d| d > 0))
        );
    }

    /// Each lab's capability at every step of one run.
    struct Capabilities(Vec<Vec<f64>>);

    impl StepRecorder for Capabilities {
        fn record(&mut self, _: u32, state: &StepState<'_>) {
            self.0.push(state.capability.to_vec());
        }
    }

    /// With `evaluation_bias = -b` and no noise anywhere that matters, a
    /// lab is above a threshold it believes it is below in exactly the
    /// steps it begins at true capability in `[threshold, threshold + b)`,
    /// and in every run; a lab with exact evaluations never is. Each lab's
    /// count per step is that, and their sum is the count of labs.
    #[test]
    fn a_lab_biased_by_minus_b_is_unnoticed_below_threshold_plus_b_in_every_run() {
        let pause =
            "policy = [{ rule = \"unilateral_pause\", thresholds = [2.0], required = [9.0] }]";
        let s = Scenario::from_str(&format!(
            "[scenario]\nsteps = 50\n[world]\ncapability_noise = 0.0\n\
             [[labs]]\nname = \"Biased\"\ncapability = 1.0\nsafety = 0.5\ncapability_rate = 0.2\nsafety_rate = 0.0\n\
             evaluation_bias = -0.5\n{pause}\n\
             [[labs]]\nname = \"Exact\"\ncapability = 1.1\nsafety = 0.5\ncapability_rate = 0.2\nsafety_rate = 0.0\n{pause}\n"
        ))
        .unwrap();
        let model = RaceModel::new(&s);
        let mut trajectory = Capabilities(Vec::new());
        let (mut ws, mut labs) = (Workspace::default(), Vec::new());
        simulate_run(
            &model,
            &Streams::new(4),
            7,
            &mut ws,
            &mut trajectory,
            &mut labs,
        );
        let c = trajectory.0;
        assert_eq!(c.len(), 51, "a run of 50 steps, not won");
        let fresh = BlockStats::new(model.lab_count(), model.steps);
        let a = totals(&model, fresh, |b| b);
        assert_eq!(a.runs, 3000);
        let mut biased_steps = 0;
        for (k, step) in a.steps.iter().enumerate() {
            // Step k begins at step k - 1's state; step 0 is the start.
            // Held at 2.5 (to 1e-12) once paused; nowhere else near an edge.
            let begun = (k > 0).then(|| c[k - 1][0]);
            let at_edge =
                |c: f64| (c - 2.0).abs() < 1e-9 || (1e-12..1e-9).contains(&(c - 2.5).abs());
            assert!(!begun.is_some_and(at_edge), "step {k}: {begun:?}");
            let unnoticed = begun.is_some_and(|c| (2.0..2.5 - 1e-12).contains(&c));
            biased_steps += usize::from(unnoticed);
            assert_eq!(
                step.unnoticed[0],
                if unnoticed { 3000 } else { 0 },
                "step {k}"
            );
            assert_eq!(step.unnoticed[1], 0, "step {k}: exact evaluations");
        }
        assert!(biased_steps >= 2, "the lab passes [2.0, 2.5) in steps");
        assert_eq!(a.labs[0].unnoticed_steps, 3000 * biased_steps as u64);
        let per_step: u64 = a.steps.iter().flat_map(|s| &s.unnoticed).sum();
        assert_eq!(
            per_step,
            a.labs.iter().map(|l| l.unnoticed_steps).sum::<u64>()
        );
        assert!(
            (c[50][0] - 2.5).abs() < 1e-12,
            "paused where it measures 2.0"
        );
    }
}
