//! Statistics over runs, accumulated rather than stored: memory does not
//! grow with the number of runs.
//!
//! Within a block of runs ([`BlockStats`]) sums are plain floats added in run
//! order, which is fast and fixed by the block's runs alone. Blocks are then
//! folded into an [`Aggregate`] of fixed-point sums and integer counts,
//! whose merge is exact and order-independent: the totals are the same bits
//! for any thread count, and for any split of the runs into block-aligned
//! shards.

use super::run::{LabRecord, RunRecord, StepRecorder, StepState};
use crate::stats::{ProbSum, QuantileSketch, ValueSum};

/// Per-block accumulator, filled step by step as runs are simulated.
#[derive(Debug, Clone)]
pub struct BlockStats {
    labs: usize,
    step_p: Vec<f64>,
    step_p_sq: Vec<f64>,
    step_frontier: Vec<f64>,
    step_frontier_sketch: Vec<QuantileSketch>,
    step_racing: Vec<u64>,
    /// Indexed `step * labs + lab`.
    step_capability: Vec<f64>,
    step_safety: Vec<f64>,
    step_paused: Vec<u64>,
    step_delayed: Vec<u64>,
}

impl BlockStats {
    pub fn new(labs: usize, steps: u32) -> Self {
        let rows = steps as usize + 1;
        BlockStats {
            labs,
            step_p: vec![0.0; rows],
            step_p_sq: vec![0.0; rows],
            step_frontier: vec![0.0; rows],
            step_frontier_sketch: vec![QuantileSketch::default(); rows],
            step_racing: vec![0; rows],
            step_capability: vec![0.0; rows * labs],
            step_safety: vec![0.0; rows * labs],
            step_paused: vec![0; rows * labs],
            step_delayed: vec![0; rows * labs],
        }
    }
}

impl StepRecorder for BlockStats {
    #[inline]
    fn record(&mut self, step: u32, s: &StepState<'_>) {
        let k = step as usize;
        let p = crate::model::hazard::catastrophe_probability(s.cumulative_hazard);
        self.step_p[k] += p;
        self.step_p_sq[k] += p * p;
        let frontier = s
            .capability
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        self.step_frontier[k] += frontier;
        self.step_frontier_sketch[k].add(frontier);
        self.step_racing[k] += u64::from(s.racing);
        let base = k * self.labs;
        for i in 0..self.labs {
            self.step_capability[base + i] += s.capability[i];
            self.step_safety[base + i] += s.safety[i];
            self.step_paused[base + i] += u64::from(s.paused[i]);
            self.step_delayed[base + i] += u64::from(s.delayed[i]);
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
    pub utility: ValueSum,
    pub utility_sq: ValueSum,
    pub capability: ValueSum,
    pub safety: ValueSum,
    pub resources: ValueSum,
}

/// Per-step totals over runs (step 0 is the initial state).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StepTotals {
    pub p: ProbSum,
    pub p_sq: ProbSum,
    /// Runs whose sampled catastrophe happened in this step.
    pub catastrophes: u64,
    pub frontier: ValueSum,
    pub frontier_sketch: QuantileSketch,
    pub racing: u64,
    /// One per lab.
    pub capability: Vec<ValueSum>,
    pub safety: Vec<ValueSum>,
    pub paused: Vec<u64>,
    pub delayed: Vec<u64>,
}

/// Everything the summaries and time series are computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    pub runs: u64,
    pub p: ProbSum,
    pub p_sq: ProbSum,
    pub catastrophes: u64,
    pub unwarned: u64,
    pub no_winner: u64,
    pub win_step: ValueSum,
    pub frontier: ValueSum,
    pub labs: Vec<LabTotals>,
    pub steps: Vec<StepTotals>,
}

impl Aggregate {
    pub fn new(labs: usize, steps: u32) -> Self {
        let step = StepTotals {
            capability: vec![ValueSum::default(); labs],
            safety: vec![ValueSum::default(); labs],
            paused: vec![0; labs],
            delayed: vec![0; labs],
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
            labs: vec![LabTotals::default(); labs],
            steps: vec![step; steps as usize + 1],
        }
    }

    /// Folds in a block: its step statistics and its runs' records.
    pub fn absorb(&mut self, block: &BlockStats, runs: &[RunRecord], labs: &[LabRecord]) {
        let n = self.labs.len();
        // Run-level totals: add in block order into floats, then fix them.
        let (mut p, mut p_sq, mut win_step, mut frontier) = (0.0, 0.0, 0.0, 0.0);
        let mut utility = vec![(0.0, 0.0, 0.0, 0.0, 0.0); n];
        for (r, lab_rows) in runs.iter().zip(labs.chunks_exact(n)) {
            let prob = r.catastrophe_probability();
            p += prob;
            p_sq += prob * prob;
            frontier += r.frontier;
            if let Some(step) = r.catastrophe_step {
                self.catastrophes += 1;
                self.steps[step as usize].catastrophes += 1;
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
        for (t, u) in self.labs.iter_mut().zip(&utility) {
            t.utility.add(u.0);
            t.utility_sq.add(u.1);
            t.capability.add(u.2);
            t.safety.add(u.3);
            t.resources.add(u.4);
        }
        for (k, s) in self.steps.iter_mut().enumerate() {
            s.p.add(block.step_p[k]);
            s.p_sq.add(block.step_p_sq[k]);
            s.frontier.add(block.step_frontier[k]);
            s.frontier_sketch.merge(&block.step_frontier_sketch[k]);
            s.racing += block.step_racing[k];
            for i in 0..n {
                s.capability[i].add(block.step_capability[k * n + i]);
                s.safety[i].add(block.step_safety[k * n + i]);
                s.paused[i] += block.step_paused[k * n + i];
                s.delayed[i] += block.step_delayed[k * n + i];
            }
        }
    }

    /// Adds another aggregate (e.g. of other blocks or another shard).
    pub fn merge(&mut self, other: &Aggregate) {
        self.runs += other.runs;
        self.p.merge(&other.p);
        self.p_sq.merge(&other.p_sq);
        self.catastrophes += other.catastrophes;
        self.unwarned += other.unwarned;
        self.no_winner += other.no_winner;
        self.win_step.merge(&other.win_step);
        self.frontier.merge(&other.frontier);
        for (a, b) in self.labs.iter_mut().zip(&other.labs) {
            a.wins += b.wins;
            a.culprit += b.culprit;
            a.paused_steps += b.paused_steps;
            a.delayed_steps += b.delayed_steps;
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
            for i in 0..a.capability.len() {
                a.capability[i].merge(&b.capability[i]);
                a.safety[i].merge(&b.safety[i]);
                a.paused[i] += b.paused[i];
                a.delayed[i] += b.delayed[i];
            }
        }
    }

    /// Runs with a winner.
    pub fn winners(&self) -> u64 {
        self.runs - self.no_winner
    }
}
