//! `trace.csv` (`airace run --trace N`): every step of the first `N` runs,
//! lab by lab, so that a surprising result can be followed race by race.
//!
//! The runs are simulated again one at a time by the engine's scalar path
//! with the scenario's seed: the same streams, so run `k` here is run `k`
//! of `runs.csv` and `labs.csv` (a test checks that they end in the same
//! state to the bit). A run is traced from its start (step 0) to its last
//! racing step: the winning step, or the scenario's last.

use super::format;
use crate::engine::{RaceModel, StepRecorder, StepState, Streams, Workspace, simulate_run};
use crate::scenario::Scenario;

/// The file's name in a scenario's folder.
pub const FILE_NAME: &str = "trace.csv";

/// The most rows (`runs x (steps + 1) x labs`) a trace may have: about
/// 150 MB of text, built in memory and written with the other outputs
/// (1,000 runs of a 3-lab, 120-step race are 363,000 rows).
pub const MAX_ROWS: u64 = 1_000_000;

/// The header of `trace.csv`.
pub const HEADER: &str = "run,step,lab,capability,safety,resources,safety_effort,paused,delayed,hazard_rate,cumulative_hazard";

/// Rows a trace of `runs` runs of `scenario` may have (at most).
pub fn rows(scenario: &Scenario, runs: u64) -> u64 {
    runs.saturating_mul(u64::from(scenario.meta.steps) + 1)
        .saturating_mul(scenario.lab_count() as u64)
}

/// Why a trace was refused.
pub fn check(scenario: &Scenario, runs: u64) -> Result<(), String> {
    if runs > scenario.meta.runs {
        return Err(format!(
            "--trace {runs}: {} has only {} runs; trace at most that many",
            scenario.meta.name, scenario.meta.runs
        ));
    }
    let rows = rows(scenario, runs);
    if rows > MAX_ROWS {
        return Err(format!(
            "--trace {runs}: {} would write {rows} rows ({runs} runs x {} steps x {} labs); \
             the most is {MAX_ROWS}: trace fewer runs",
            scenario.meta.name,
            u64::from(scenario.meta.steps) + 1,
            scenario.lab_count()
        ));
    }
    Ok(())
}

/// Writes the rows of one run as its steps are recorded.
struct Tracer<'a> {
    run: u64,
    names: &'a [String],
    out: &'a mut String,
}

impl StepRecorder for Tracer<'_> {
    fn record(&mut self, step: u32, s: &StepState<'_>) {
        for (i, name) in self.names.iter().enumerate() {
            let out = &mut *self.out;
            out.push_str(&self.run.to_string());
            out.push(',');
            out.push_str(&step.to_string());
            out.push(',');
            out.push_str(name);
            for x in [s.capability[i], s.safety[i], s.resources[i]] {
                out.push(',');
                format::value(out, x);
            }
            out.push(',');
            if step > 0 {
                format::prob(out, s.safety_effort[i]);
            }
            out.push(',');
            out.push(if s.paused[i] { '1' } else { '0' });
            out.push(',');
            out.push(if s.delayed[i] { '1' } else { '0' });
            out.push(',');
            format::value(out, s.hazard_rate[i]);
            out.push(',');
            format::value(out, s.cumulative_hazard);
            out.push('\n');
        }
    }

    /// A won run is over: its frozen steps are not traced.
    fn record_frozen(&mut self, _: std::ops::RangeInclusive<u32>, _: &StepState<'_>) {}
}

/// `trace.csv` of the first `runs` runs of `scenario`.
pub fn trace_csv(scenario: &Scenario, runs: u64) -> Vec<u8> {
    let model = RaceModel::new(scenario);
    let streams = Streams::new(scenario.meta.seed);
    let names: Vec<String> = scenario.labs.iter().map(|l| l.name.clone()).collect();
    let mut ws = Workspace::default();
    let mut labs = Vec::with_capacity(names.len());
    let mut out = String::from(HEADER);
    out.push('\n');
    for run in 0..runs.min(scenario.meta.runs) {
        let mut tracer = Tracer {
            run,
            names: &names,
            out: &mut out,
        };
        labs.clear();
        simulate_run(&model, &streams, run, &mut ws, &mut tracer, &mut labs);
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    const SCENARIO: &str = "[scenario]\nsteps = 6\nruns = 10\n[world]\ndecisive_capability = 2.0\n\
        [[labs]]\nname = \"A\"\ncapability = 1.0\nsafety = 1.0\ncapability_rate = 0.3\nsafety_rate = 0.1\n\
        policy = [{ rule = \"unilateral_pause\", thresholds = [1.5], required = [1.2] }]\n\
        [[labs]]\nname = \"B\"\ncapability = 1.0\nsafety = 0.5\ncapability_rate = 0.3\nsafety_rate = 0.1\n";

    #[test]
    fn one_row_per_lab_and_step_to_the_end_of_each_run() {
        let s = Scenario::from_str(SCENARIO).unwrap();
        let text = String::from_utf8(trace_csv(&s, 3)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], HEADER);
        let columns = HEADER.split(',').count();
        assert!(lines[1..].iter().all(|l| l.split(',').count() == columns));
        // Every run starts at step 0 with the scenario's starting state.
        assert!(lines[1].starts_with("0,0,A,1,1,1,,0,0,"), "{}", lines[1]);
        assert!(lines[2].starts_with("0,0,B,1,0.5,1,,0,0,"), "{}", lines[2]);
        for run in 0..3 {
            let steps: Vec<u32> = lines[1..]
                .iter()
                .filter(|l| l.starts_with(&format!("{run},")))
                .map(|l| l.split(',').nth(1).unwrap().parse().unwrap())
                .collect();
            assert_eq!(steps.len() % 2, 0);
            let last = *steps.last().unwrap();
            assert!((1..=6).contains(&last));
            assert_eq!(steps.len() as u32, 2 * (last + 1));
        }
    }

    #[test]
    fn refuses_more_runs_than_the_scenario_has_and_huge_traces() {
        let mut s = Scenario::from_str(SCENARIO).unwrap();
        assert!(check(&s, 10).is_ok());
        assert!(check(&s, 11).unwrap_err().contains("only 10 runs"));
        s.meta.runs = 1_000_000_000;
        s.meta.steps = 1000;
        assert!(check(&s, 100_000).unwrap_err().contains("trace fewer runs"));
    }
}
