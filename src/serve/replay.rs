//! One race, step by step: the run `airace run` simulates as run `k`, with
//! every lab's capability and safety after each step, its pauses and
//! delays, the cumulative hazard, each lab's part in it, and how the run
//! ended.
//!
//! The hazard is built as in the model (docs/model.md, "Hazard"): in each
//! step every lab adds its rate `lambda_i = lambda_0 exp(a (C_i - C_ref) +
//! b (C_i - S_i))` of its new state, in lab order, and the winner adds
//! `lambda_win exp(b (C_w - S_w))` at the decisive moment. So
//! `H(t) = sum_i H_i(t) + [won by t] H_win`, with `H_i(t)` the sum of lab
//! `i`'s rates over steps `1..=t` (up to the winning step).
//!
//! The run is simulated by the engine's scalar path with the scenario's
//! seed: the same streams, so it is the very race that run `k` of the
//! aggregate is.

use crate::engine::{LabRecord, RaceModel, RunRecord, StepRecorder, StepState, Streams, Workspace};
use crate::scenario::Scenario;
use serde::Serialize;

/// The most runs searched for a run of a kind ([`Pick`]).
pub const SEARCH_RUNS: u64 = 20_000;

/// Which run to replay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// Run `k` (0-based, as in `runs.csv`).
    Run(u64),
    /// The first run in which exactly one lab paused or delayed, and another
    /// lab won: the lone pause that did not pay.
    LonePauserLost,
    /// The first run whose sampled catastrophe happened.
    Catastrophe,
    /// The first run whose sampled catastrophe came with no pause or delay
    /// before it (frog-boiling).
    Unwarned,
}

impl Pick {
    /// Parses `run`, `lone_pauser_lost`, `catastrophe` or `unwarned`.
    pub fn parse(kind: &str, run: Option<u64>) -> Option<Pick> {
        match kind {
            "run" => run.map(Pick::Run),
            "lone_pauser_lost" => Some(Pick::LonePauserLost),
            "catastrophe" => Some(Pick::Catastrophe),
            "unwarned" => Some(Pick::Unwarned),
            _ => None,
        }
    }

    fn matches(self, run: &RunRecord, labs: &[LabRecord]) -> bool {
        match self {
            Pick::Run(k) => run.run == k,
            Pick::LonePauserLost => {
                let cautious: Vec<usize> = labs
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| l.paused_steps > 0 || l.delayed_steps > 0)
                    .map(|(i, _)| i)
                    .collect();
                matches!((cautious.as_slice(), run.winner), ([lone], Some(w)) if *lone != w as usize)
            }
            Pick::Catastrophe => run.catastrophe_step.is_some(),
            Pick::Unwarned => match (run.catastrophe_step, run.first_alarm_step) {
                (Some(c), alarm) => alarm.is_none_or(|a| a > c),
                (None, _) => false,
            },
        }
    }
}

/// One lab's path through the race.
#[derive(Debug, Clone, Serialize)]
pub struct LabPath {
    pub name: String,
    /// After each step (step 0: the start), `steps + 1` values.
    pub capability: Vec<f64>,
    pub safety: Vec<f64>,
    pub paused: Vec<bool>,
    pub delayed: Vec<bool>,
    pub paused_steps: u32,
    pub delayed_steps: u32,
    /// `lambda_i` of the state after each step (step 0: the start), as
    /// `trace.csv`'s `hazard_rate`; after a win, the frozen state's.
    pub hazard_rate: Vec<f64>,
    /// `H_i(t)`: the hazard this lab has added by step t, `steps + 1`
    /// values (0 at step 0; no more after the winning step).
    pub hazard: Vec<f64>,
}

/// A replayed race.
#[derive(Debug, Clone, Serialize)]
pub struct Replay {
    pub run: u64,
    pub steps: u32,
    pub labs: Vec<LabPath>,
    /// `1 - exp(-H(t))`: the probability that a catastrophe has happened by
    /// step t, per step.
    pub p_catastrophe: Vec<f64>,
    /// `H(t)` itself, per step (as `trace.csv`'s `cumulative_hazard`).
    pub cumulative_hazard: Vec<f64>,
    /// The winner's extra hazard at the decisive moment, part of `H` from
    /// the winning step on.
    pub win_hazard: Option<f64>,
    pub frontier: Vec<f64>,
    /// The lab that reached the decisive capability, and the step.
    pub winner: Option<String>,
    pub win_step: Option<u32>,
    /// The run's sampled catastrophe: its step and the lab whose hazard
    /// share it fell in.
    pub catastrophe_step: Option<u32>,
    pub culprit: Option<String>,
    /// The first step in which any lab paused or delayed.
    pub first_alarm_step: Option<u32>,
    /// For a [`Pick`] other than a run number: how many runs were searched.
    pub searched: u64,
}

/// Records every step of one run.
struct Recorder {
    labs: Vec<LabPath>,
    p: Vec<f64>,
    h: Vec<f64>,
    frontier: Vec<f64>,
}

impl Recorder {
    /// Appends the state `s` of one step; `added`: whether the step added
    /// the labs' rates to `H` (a step of the race, not step 0 or a step
    /// after the win).
    fn push(&mut self, s: &StepState<'_>, added: bool) {
        for (i, lab) in self.labs.iter_mut().enumerate() {
            lab.capability.push(s.capability[i]);
            lab.safety.push(s.safety[i]);
            lab.paused.push(s.paused[i]);
            lab.delayed.push(s.delayed[i]);
            lab.hazard_rate.push(s.hazard_rate[i]);
            let before = lab.hazard.last().copied().unwrap_or(0.0);
            lab.hazard
                .push(before + if added { s.hazard_rate[i] } else { 0.0 });
        }
        self.p.push(-(-s.cumulative_hazard).exp_m1());
        self.h.push(s.cumulative_hazard);
        self.frontier.push(s.frontier);
    }
}

impl StepRecorder for Recorder {
    fn record(&mut self, step: u32, s: &StepState<'_>) {
        self.push(s, step > 0);
    }

    /// The steps after the win: the race is over and adds no hazard.
    fn record_frozen(&mut self, steps: std::ops::RangeInclusive<u32>, s: &StepState<'_>) {
        for _ in steps {
            self.push(s, false);
        }
    }
}

/// Why nothing was replayed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    #[error("run {run} does not exist: the scenario has runs 0 to {last}")]
    NoSuchRun { run: u64, last: u64 },
    #[error("none of the first {searched} runs is {what}")]
    NotFound { searched: u64, what: &'static str },
}

/// Replays the run `pick` chooses.
pub fn replay(scenario: &Scenario, pick: Pick) -> Result<Replay, ReplayError> {
    let model = RaceModel::new(scenario);
    let streams = Streams::new(scenario.meta.seed);
    let mut ws = Workspace::default();
    let mut labs = Vec::with_capacity(scenario.lab_count());
    let (run, searched) = match pick {
        Pick::Run(k) if k >= scenario.meta.runs => {
            return Err(ReplayError::NoSuchRun {
                run: k,
                last: scenario.meta.runs - 1,
            });
        }
        Pick::Run(k) => (k, 0),
        _ => {
            let limit = scenario.meta.runs.min(SEARCH_RUNS);
            let found = (0..limit).find(|&k| {
                labs.clear();
                let record =
                    crate::engine::simulate_run(&model, &streams, k, &mut ws, &mut (), &mut labs);
                pick.matches(&record, &labs)
            });
            match found {
                Some(k) => (k, k + 1),
                None => {
                    return Err(ReplayError::NotFound {
                        searched: limit,
                        what: match pick {
                            Pick::LonePauserLost => {
                                "one where exactly one lab paused or delayed and another lab won"
                            }
                            Pick::Catastrophe => "one with a sampled catastrophe",
                            _ => "one with a catastrophe that no pause or delay preceded",
                        },
                    });
                }
            }
        }
    };
    let mut recorder = Recorder {
        labs: scenario
            .labs
            .iter()
            .map(|l| LabPath {
                name: l.name.clone(),
                capability: Vec::new(),
                safety: Vec::new(),
                paused: Vec::new(),
                delayed: Vec::new(),
                paused_steps: 0,
                delayed_steps: 0,
                hazard_rate: Vec::new(),
                hazard: Vec::new(),
            })
            .collect(),
        p: Vec::new(),
        h: Vec::new(),
        frontier: Vec::new(),
    };
    labs.clear();
    let record =
        crate::engine::simulate_run(&model, &streams, run, &mut ws, &mut recorder, &mut labs);
    for (path, lab) in recorder.labs.iter_mut().zip(&labs) {
        path.paused_steps = lab.paused_steps;
        path.delayed_steps = lab.delayed_steps;
    }
    let name = |i: Option<u32>| i.map(|i| scenario.labs[i as usize].name.clone());
    // The winner's state at the winning step is its final one.
    let win_hazard = record.winner.map(|w| {
        let w = &recorder.labs[w as usize];
        let (c, s) = (w.capability.last(), w.safety.last());
        crate::model::hazard::win_hazard(&model.hazard, *c.unwrap_or(&0.0), *s.unwrap_or(&0.0))
    });
    Ok(Replay {
        run,
        steps: scenario.meta.steps,
        winner: name(record.winner),
        win_step: record.win_step,
        catastrophe_step: record.catastrophe_step,
        culprit: name(record.culprit),
        first_alarm_step: record.first_alarm_step,
        labs: recorder.labs,
        p_catastrophe: recorder.p,
        cumulative_hazard: recorder.h,
        win_hazard,
        frontier: recorder.frontier,
        searched,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replayed_run_ends_as_its_record_in_the_engine_says() {
        let scenario = crate::builtin::load("rsp-2026").unwrap();
        let r = replay(&scenario, Pick::Run(7)).unwrap();
        assert_eq!(r.p_catastrophe.len(), scenario.meta.steps as usize + 1);
        assert!(
            r.labs
                .iter()
                .all(|l| l.capability.len() == r.p_catastrophe.len())
        );
        // The engine's lanes give the same run record.
        let model = RaceModel::new(&scenario);
        let (block, _) =
            crate::engine::simulate_block(&model, &Streams::new(scenario.meta.seed), 0..16);
        let record = &block.runs[7];
        let h = record.cumulative_hazard;
        assert_eq!(*r.p_catastrophe.last().unwrap(), -(-h).exp_m1());
        assert_eq!(r.win_step, record.win_step);
        assert_eq!(r.catastrophe_step, record.catastrophe_step);
    }

    #[test]
    fn the_labs_hazard_and_the_winners_extra_add_up_to_the_cumulative_hazard() {
        // rsp-2026 has a decisive capability: find a won run and one that
        // ends unwon (or take what there is).
        let scenario = crate::builtin::load("rsp-2026").unwrap();
        let mut won = 0;
        for k in 0..40 {
            let r = replay(&scenario, Pick::Run(k)).unwrap();
            let steps = r.steps as usize;
            for t in 0..=steps {
                let sum: f64 = r.labs.iter().map(|l| l.hazard[t]).sum();
                let win = match (r.win_step, r.win_hazard) {
                    (Some(w), Some(x)) if t >= w as usize => x,
                    _ => 0.0,
                };
                let h = r.cumulative_hazard[t];
                // The same terms, added in another order.
                assert!(
                    (sum + win - h).abs() <= 1e-12 * h.max(1e-300),
                    "run {k} step {t}"
                );
            }
            assert_eq!(r.labs[0].hazard[0], 0.0);
            if let Some(w) = r.win_step {
                won += 1;
                let w = w as usize;
                assert!(
                    r.labs
                        .iter()
                        .all(|l| l.hazard[w..].iter().all(|&x| x == l.hazard[w]))
                );
            }
        }
        assert!(won > 0, "no run of 40 was won");
    }

    #[test]
    fn the_lone_pauser_that_lost_paused_alone_and_did_not_win() {
        let scenario = crate::builtin::load("lone-pause").unwrap();
        let r = replay(&scenario, Pick::LonePauserLost).unwrap();
        let cautious: Vec<&LabPath> = r
            .labs
            .iter()
            .filter(|l| l.paused_steps + l.delayed_steps > 0)
            .collect();
        assert_eq!(cautious.len(), 1);
        assert!(r.winner.is_some() && r.winner.as_deref() != Some(cautious[0].name.as_str()));
    }

    #[test]
    fn a_run_past_the_last_is_refused() {
        let scenario = crate::builtin::load("race").unwrap();
        let n = scenario.meta.runs;
        assert_eq!(
            replay(&scenario, Pick::Run(n)).unwrap_err(),
            ReplayError::NoSuchRun {
                run: n,
                last: n - 1
            }
        );
    }
}
