//! The headline numbers of a scenario with their 95% intervals, computed
//! once from the aggregate and written as `summary.json` and `summary.csv`.

use super::format;
use super::{Export, ScenarioResult};
use crate::engine::Aggregate;
use crate::stats::{Estimate, normal_interval, wilson_interval};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

/// Said in every summary: capability outcomes ignore the catastrophe.
pub const COUNTERFACTUAL_NOTE: &str = "Capability, win and utility outcomes are for each trajectory as simulated, \
     as if no catastrophe had stopped it; p_catastrophe is the expected estimate 1 - exp(-H) averaged over runs \
     (quote this one), p_catastrophe_sampled the fraction of runs whose sampled catastrophe happened.";

/// Frontier capability at the end of the runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Distribution {
    pub mean: f64,
    /// 95% interval of the mean.
    pub ci_low: f64,
    pub ci_high: f64,
    pub p05: f64,
    pub p50: f64,
    pub p95: f64,
}

/// Per-lab outcomes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabSummary {
    pub paused_steps_mean: f64,
    pub delayed_steps_mean: f64,
    pub utility_mean: f64,
    pub utility_ci_low: f64,
    pub utility_ci_high: f64,
    pub final_capability_mean: f64,
    pub final_safety_mean: f64,
    pub final_resources_mean: f64,
    /// Share of runs whose sampled catastrophe this lab caused.
    pub p_culprit: Estimate,
    /// The extensions' numbers, present only where the scenario uses the
    /// mechanic (so that other summaries keep their bytes): whether the
    /// lab's conditional pause is in force,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_force: Option<bool>,
    /// steps per run above a pause threshold it measured itself below,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unnoticed_steps_mean: Option<f64>,
    /// and, under regulation, steps violating, times caught and steps
    /// under penalty, per run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub violating_steps_mean: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub times_caught_mean: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub penalty_steps_mean: Option<f64>,
}

/// A map that keeps lab order (serialized as a JSON object).
#[derive(Debug, Clone, PartialEq)]
pub struct ByLab<T>(pub Vec<(String, T)>);

impl<T: Serialize> Serialize for ByLab<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// Everything in `summary.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub scenario: String,
    pub description: String,
    pub runs: u64,
    pub steps: u32,
    pub seed: u64,
    pub p_catastrophe: Estimate,
    pub p_catastrophe_sampled: Estimate,
    pub p_catastrophe_unwarned: Estimate,
    pub p_win: ByLab<Estimate>,
    pub p_no_winner: Estimate,
    pub win_step_mean: Option<f64>,
    pub frontier_capability: Distribution,
    pub labs: ByLab<LabSummary>,
    pub note: &'static str,
}

impl Summary {
    pub fn new(scenario: &crate::Scenario, seed: u64, a: &Aggregate) -> Self {
        let n = a.runs;
        let runs = n as f64;
        let last = a.steps.last().expect("there is always the initial step");
        let names = scenario.labs.iter().map(|l| l.name.clone());
        let frontier = normal_interval(a.frontier.value(), a.frontier_sq.value(), n, None);
        let in_force = scenario.in_force();
        let fuzzy = scenario.uses_fuzzy_evaluations();
        let regulated = scenario.uses_regulation();
        let per_run = |count: u64, used: bool| used.then(|| count as f64 / runs);
        Summary {
            scenario: scenario.meta.name.clone(),
            description: scenario.meta.description.clone(),
            runs: n,
            steps: scenario.meta.steps,
            seed,
            p_catastrophe: normal_interval(a.p.value(), a.p_sq.value(), n, Some((0.0, 1.0))),
            p_catastrophe_sampled: wilson_interval(a.catastrophes, n),
            p_catastrophe_unwarned: wilson_interval(a.unwarned, n),
            p_win: ByLab(
                names
                    .clone()
                    .zip(a.labs.iter().map(|l| wilson_interval(l.wins, n)))
                    .collect(),
            ),
            p_no_winner: wilson_interval(a.no_winner, n),
            win_step_mean: (a.winners() > 0).then(|| a.win_step.value() / a.winners() as f64),
            frontier_capability: Distribution {
                mean: frontier.mean,
                ci_low: frontier.ci_low,
                ci_high: frontier.ci_high,
                p05: last.frontier_sketch.quantile(0.05),
                p50: last.frontier_sketch.quantile(0.50),
                p95: last.frontier_sketch.quantile(0.95),
            },
            labs: ByLab(
                names
                    .zip(a.labs.iter().zip(&in_force).map(|(l, &in_force)| {
                        let u = normal_interval(l.utility.value(), l.utility_sq.value(), n, None);
                        LabSummary {
                            paused_steps_mean: l.paused_steps as f64 / runs,
                            delayed_steps_mean: l.delayed_steps as f64 / runs,
                            utility_mean: u.mean,
                            utility_ci_low: u.ci_low,
                            utility_ci_high: u.ci_high,
                            final_capability_mean: l.capability.value() / runs,
                            final_safety_mean: l.safety.value() / runs,
                            final_resources_mean: l.resources.value() / runs,
                            p_culprit: wilson_interval(l.culprit, n),
                            in_force,
                            unnoticed_steps_mean: per_run(l.unnoticed_steps, fuzzy),
                            violating_steps_mean: per_run(l.violating_steps, regulated),
                            times_caught_mean: per_run(l.times_caught, regulated),
                            penalty_steps_mean: per_run(l.penalty_steps, regulated),
                        }
                    }))
                    .collect(),
            ),
            note: COUNTERFACTUAL_NOTE,
        }
    }
}

/// `summary.json`.
pub struct SummaryJson;

impl Export for SummaryJson {
    fn file_name(&self) -> &'static str {
        super::files::SUMMARY_JSON
    }

    fn render(&self, result: &ScenarioResult) -> Vec<u8> {
        let mut value = serde_json::to_value(&result.summary).expect("summary serializes");
        format::clean_json(&mut value);
        let mut bytes = serde_json::to_vec_pretty(&value).expect("summary serializes");
        bytes.push(b'\n');
        bytes
    }
}

/// `summary.csv`: the same numbers, one row per metric (and lab).
pub struct SummaryCsv;

impl Export for SummaryCsv {
    fn file_name(&self) -> &'static str {
        super::files::SUMMARY_CSV
    }

    fn render(&self, result: &ScenarioResult) -> Vec<u8> {
        let s = &result.summary;
        let mut out = String::from("metric,lab,mean,ci_low,ci_high\n");
        let prob = |e: &Estimate| [Some(e.mean), Some(e.ci_low), Some(e.ci_high)];
        let f = &s.frontier_capability;
        let mut rows: Vec<(&str, &str, [Option<f64>; 3], Precision)> = vec![
            ("p_catastrophe", "", prob(&s.p_catastrophe), Precision::Prob),
            (
                "p_catastrophe_sampled",
                "",
                prob(&s.p_catastrophe_sampled),
                Precision::Prob,
            ),
            (
                "p_catastrophe_unwarned",
                "",
                prob(&s.p_catastrophe_unwarned),
                Precision::Prob,
            ),
            ("p_no_winner", "", prob(&s.p_no_winner), Precision::Prob),
        ];
        rows.extend(
            s.p_win
                .0
                .iter()
                .map(|(lab, e)| ("p_win", lab.as_str(), prob(e), Precision::Prob)),
        );
        rows.extend(s.labs.0.iter().map(|(lab, l)| {
            (
                "p_culprit",
                lab.as_str(),
                prob(&l.p_culprit),
                Precision::Prob,
            )
        }));
        rows.push((
            "win_step_mean",
            "",
            [s.win_step_mean, None, None],
            Precision::Value,
        ));
        rows.push((
            "frontier_capability_mean",
            "",
            [Some(f.mean), Some(f.ci_low), Some(f.ci_high)],
            Precision::Value,
        ));
        rows.push((
            "frontier_capability_p05",
            "",
            [Some(f.p05), None, None],
            Precision::Value,
        ));
        rows.push((
            "frontier_capability_p50",
            "",
            [Some(f.p50), None, None],
            Precision::Value,
        ));
        rows.push((
            "frontier_capability_p95",
            "",
            [Some(f.p95), None, None],
            Precision::Value,
        ));
        for (lab, l) in &s.labs.0 {
            let one = |x: f64| [Some(x), None, None];
            rows.push((
                "paused_steps_mean",
                lab,
                one(l.paused_steps_mean),
                Precision::Value,
            ));
            rows.push((
                "delayed_steps_mean",
                lab,
                one(l.delayed_steps_mean),
                Precision::Value,
            ));
            rows.push((
                "final_capability_mean",
                lab,
                one(l.final_capability_mean),
                Precision::Value,
            ));
            rows.push((
                "final_safety_mean",
                lab,
                one(l.final_safety_mean),
                Precision::Value,
            ));
            rows.push((
                "final_resources_mean",
                lab,
                one(l.final_resources_mean),
                Precision::Value,
            ));
            if let Some(in_force) = l.in_force {
                let x = if in_force { 1.0 } else { 0.0 };
                rows.push(("in_force", lab, one(x), Precision::Value));
            }
            for (metric, x) in [
                ("unnoticed_steps_mean", l.unnoticed_steps_mean),
                ("violating_steps_mean", l.violating_steps_mean),
                ("times_caught_mean", l.times_caught_mean),
                ("penalty_steps_mean", l.penalty_steps_mean),
            ] {
                if let Some(x) = x {
                    rows.push((metric, lab, one(x), Precision::Value));
                }
            }
        }
        rows.extend(s.labs.0.iter().map(|(lab, l)| {
            (
                "utility_mean",
                lab.as_str(),
                [
                    Some(l.utility_mean),
                    Some(l.utility_ci_low),
                    Some(l.utility_ci_high),
                ],
                Precision::Value,
            )
        }));
        for (metric, lab, values, precision) in rows {
            out.push_str(metric);
            out.push(',');
            out.push_str(lab);
            for v in values {
                out.push(',');
                match (v, precision) {
                    (Some(x), Precision::Prob) => format::prob(&mut out, x),
                    (Some(x), Precision::Value) => format::value(&mut out, x),
                    (None, _) => {}
                }
            }
            out.push('\n');
        }
        out.into_bytes()
    }
}

#[derive(Clone, Copy)]
enum Precision {
    Prob,
    Value,
}
