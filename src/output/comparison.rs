//! `comparison.csv`: one row per scenario of a comparison, with the
//! headline metrics and their intervals, for reading side by side. The same
//! metric columns end each row of a sweep's `sweep.csv`.

use super::folder::{Folder, Scope};
use super::format;
use super::summary::Summary;
use super::{FigureOptions, ScenarioResult, write_page};
use crate::stats::Estimate;
use anyhow::Context as _;

pub const FILE_NAME: &str = "comparison.csv";

const ESTIMATES: [&str; 4] = [
    "p_catastrophe",
    "p_catastrophe_sampled",
    "p_catastrophe_unwarned",
    "p_no_winner",
];

/// The header of the metric columns, starting with a comma.
pub fn metric_header() -> String {
    let mut out = String::new();
    for e in ESTIMATES {
        out.push_str(&format!(",{e},{e}_ci_low,{e}_ci_high"));
    }
    out.push_str(
        ",win_step_mean,frontier_capability_mean,frontier_capability_mean_ci_low,frontier_capability_mean_ci_high,\
         frontier_capability_p05,frontier_capability_p50,frontier_capability_p95",
    );
    out
}

/// The metric cells of one summary, each preceded by a comma.
pub fn metric_cells(out: &mut String, s: &Summary) {
    let row: [&Estimate; 4] = [
        &s.p_catastrophe,
        &s.p_catastrophe_sampled,
        &s.p_catastrophe_unwarned,
        &s.p_no_winner,
    ];
    for e in row {
        for x in [e.mean, e.ci_low, e.ci_high] {
            out.push(',');
            format::prob(out, x);
        }
    }
    out.push(',');
    if let Some(w) = s.win_step_mean {
        format::value(out, w);
    }
    let f = &s.frontier_capability;
    for x in [f.mean, f.ci_low, f.ci_high, f.p05, f.p50, f.p95] {
        out.push(',');
        format::value(out, x);
    }
}

pub fn render(results: &[ScenarioResult]) -> Vec<u8> {
    let mut out = format!("scenario,runs,steps,seed{}\n", metric_header());
    for r in results {
        let s = &r.summary;
        out.push_str(&format!("{},{},{},{}", s.scenario, s.runs, s.steps, s.seed));
        metric_cells(&mut out, s);
        out.push('\n');
    }
    out.into_bytes()
}

/// Writes a comparison folder: `comparison.csv`, its figures and page,
/// all or nothing.
pub fn write_comparison(
    folder: &mut Folder,
    results: &[ScenarioResult],
    figures: &FigureOptions,
) -> anyhow::Result<()> {
    let csv = render(results);
    let data = crate::plot::comparison_data_from(folder.dir(), &csv)?;
    let drawn = match figures.size {
        Some(size) => crate::plot::comparison_of(&data, &size)?,
        None => Vec::new(),
    };
    let page = super::report::comparison_page(&data.name, &data.table, &drawn)?;
    let cannot = || format!("cannot write to {}", folder.dir().display());
    let table = folder.stage(FILE_NAME, &csv).with_context(cannot)?;
    write_page(folder, vec![table], &drawn, &page, Scope::Whole)
}
