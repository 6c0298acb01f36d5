//! One race, step by step: the run `airace run` simulates as run `k`, with
//! every lab's capability and safety after each step, its pauses and
//! delays, the cumulative hazard and how the run ended.
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
    frontier: Vec<f64>,
}

impl StepRecorder for Recorder {
    fn record(&mut self, _: u32, s: &StepState<'_>) {
        for (i, lab) in self.labs.iter_mut().enumerate() {
            lab.capability.push(s.capability[i]);
            lab.safety.push(s.safety[i]);
            lab.paused.push(s.paused[i]);
            lab.delayed.push(s.delayed[i]);
        }
        self.p.push(-(-s.cumulative_hazard).exp_m1());
        self.frontier.push(s.frontier);
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
            })
            .collect(),
        p: Vec::new(),
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
