//! `timeseries.csv`: a row per step (step 0 is the start), the averages over
//! runs that the risk and capability figures are drawn from.
//!
//! Most columns average over all runs, a won run counting with its frozen
//! final state. `safety_effort_mean_<lab>` is the exception: the safety
//! effort `e_s` the lab spent in step `t`, averaged over the runs that
//! played step `t` only, i.e. that were still racing after step `t - 1`
//! (the `racing` share of the row before, times the runs); the step that
//! ends a run by a win counts, the frozen steps after it do not. It is
//! empty at step 0 (no step played yet) and where no run played the step.
//! It is what averaging `trace.csv`'s `safety_effort` over every run
//! gives.
//!
//! Columns of the extensions come last, only in scenarios that use them,
//! so that other files keep their bytes: `under_penalty` under a
//! regulation; with fuzzy evaluations `unnoticed` (the fraction of labs, over
//! labs and runs, at or above a pause threshold they measure themselves
//! below) and then `unnoticed_<lab>` (the fraction of runs in which that lab
//! is; their mean over labs is `unnoticed`).

use super::format;
use super::{Export, ScenarioResult};
use crate::stats::normal_interval;

/// Quantiles of frontier capability written per step.
pub const FRONTIER_QUANTILES: [(f64, &str); 5] = [
    (0.05, "p05"),
    (0.25, "p25"),
    (0.50, "p50"),
    (0.75, "p75"),
    (0.95, "p95"),
];

pub struct TimeseriesCsv;

impl Export for TimeseriesCsv {
    fn file_name(&self) -> &'static str {
        super::files::TIMESERIES
    }

    fn render(&self, result: &ScenarioResult) -> Vec<u8> {
        let a = &result.aggregate;
        let names: Vec<&str> = result
            .scenario
            .labs
            .iter()
            .map(|l| l.name.as_str())
            .collect();
        let mut out = String::from(
            "step,p_catastrophe,p_catastrophe_ci_low,p_catastrophe_ci_high,p_catastrophe_sampled,racing,frontier_mean",
        );
        for (_, q) in FRONTIER_QUANTILES {
            out.push_str(",frontier_");
            out.push_str(q);
        }
        for metric in [
            "capability_mean",
            "safety_mean",
            "paused",
            "delayed",
            "safety_effort_mean",
        ] {
            for name in &names {
                out.push(',');
                out.push_str(metric);
                out.push('_');
                out.push_str(name);
            }
        }
        // The fraction of labs under a regulation's penalty, only where a
        // regulation is (other files keep their bytes).
        let regulated = result.scenario.uses_regulation();
        if regulated {
            out.push_str(",under_penalty");
        }
        // The fraction of labs above a pause threshold they measure
        // themselves below, only with fuzzy evaluations.
        let fuzzy = result.scenario.uses_fuzzy_evaluations();
        if fuzzy {
            out.push_str(",unnoticed");
            for name in &names {
                out.push_str(",unnoticed_");
                out.push_str(name);
            }
        }
        out.push('\n');
        let runs = a.runs as f64;
        let lab_runs = runs * names.len() as f64;
        let mut sampled = 0;
        // Runs that played the step: all at step 1, then those racing
        // after the step before.
        let mut played = 0;
        for (k, s) in a.steps.iter().enumerate() {
            sampled += s.catastrophes;
            let p = normal_interval(s.p.value(), s.p_sq.value(), a.runs, Some((0.0, 1.0)));
            out.push_str(&k.to_string());
            for x in [
                p.mean,
                p.ci_low,
                p.ci_high,
                sampled as f64 / runs,
                s.racing as f64 / runs,
            ] {
                out.push(',');
                format::prob(&mut out, x);
            }
            out.push(',');
            format::value(&mut out, s.frontier.value() / runs);
            for (q, _) in FRONTIER_QUANTILES {
                out.push(',');
                format::value(&mut out, s.frontier_sketch.quantile(q));
            }
            for sum in s.capability.iter().chain(&s.safety) {
                out.push(',');
                format::value(&mut out, sum.value() / runs);
            }
            for &count in s.paused.iter().chain(&s.delayed) {
                out.push(',');
                format::prob(&mut out, count as f64 / runs);
            }
            for sum in &s.safety_effort {
                out.push(',');
                if k > 0 && played > 0 {
                    format::prob(&mut out, sum.value() / played as f64);
                }
            }
            played = s.racing;
            if regulated {
                out.push(',');
                format::prob(&mut out, s.penalized as f64 / lab_runs);
            }
            if fuzzy {
                out.push(',');
                format::prob(&mut out, s.unnoticed.iter().sum::<u64>() as f64 / lab_runs);
                for &count in &s.unnoticed {
                    out.push(',');
                    format::prob(&mut out, count as f64 / runs);
                }
            }
            out.push('\n');
        }
        out.into_bytes()
    }
}
