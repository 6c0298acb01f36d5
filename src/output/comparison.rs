//! `comparison.csv`: one row per scenario of a comparison, with the
//! headline metrics and their intervals, for reading side by side.

use super::ScenarioResult;
use super::format;
use crate::stats::Estimate;

pub const FILE_NAME: &str = "comparison.csv";

pub fn render(results: &[ScenarioResult]) -> Vec<u8> {
    let estimates = [
        "p_catastrophe",
        "p_catastrophe_sampled",
        "p_catastrophe_unwarned",
        "p_no_winner",
    ];
    let mut out = String::from("scenario,runs,steps,seed");
    for e in estimates {
        out.push_str(&format!(",{e},{e}_ci_low,{e}_ci_high"));
    }
    out.push_str(",win_step_mean,frontier_capability_mean,frontier_capability_p05,frontier_capability_p50,frontier_capability_p95\n");
    for r in results {
        let s = &r.summary;
        out.push_str(&format!("{},{},{},{}", s.scenario, s.runs, s.steps, s.seed));
        let row: [&Estimate; 4] = [
            &s.p_catastrophe,
            &s.p_catastrophe_sampled,
            &s.p_catastrophe_unwarned,
            &s.p_no_winner,
        ];
        for e in row {
            for x in [e.mean, e.ci_low, e.ci_high] {
                out.push(',');
                format::prob(&mut out, x);
            }
        }
        out.push(',');
        if let Some(w) = s.win_step_mean {
            format::value(&mut out, w);
        }
        let f = &s.frontier_capability;
        for x in [f.mean, f.p05, f.p50, f.p95] {
            out.push(',');
            format::value(&mut out, x);
        }
        out.push('\n');
    }
    out.into_bytes()
}
