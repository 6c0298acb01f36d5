//! `comparison.csv`: one row per scenario of a comparison, with the
//! headline metrics and their intervals, for reading side by side. The same
//! metric columns end each row of a sweep's `sweep.csv`.

use super::folder::{Folder, Scope};
use super::format;
use super::summary::Summary;
use super::{Export, FigureOptions, ScenarioResult, files};
use crate::plot::data::{DataError, Table};
use crate::plot::figures::ComparisonData;
use crate::plot::{Drawn, ScenarioData};
use crate::stats::Estimate;
use anyhow::Context as _;
use std::path::Path;

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
/// and its `manifest.json` (the comparison's name and scenarios), all or
/// nothing. The figures are drawn from the results in memory.
pub fn write_comparison(
    folder: &mut Folder,
    results: &[ScenarioResult],
    figures: &FigureOptions,
) -> anyhow::Result<()> {
    let csv = render(results);
    let name = folder
        .dir()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let origin = folder.dir().join(FILE_NAME).display().to_string();
    let scenarios = results
        .iter()
        .map(|r| {
            let rendered = |e: &dyn Export| e.render(r);
            ScenarioData::parse(
                &r.scenario.meta.name,
                &rendered(&super::timeseries::TimeseriesCsv),
                &rendered(&super::summary::SummaryCsv),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let data = ComparisonData {
        name,
        table: Table::parse(&csv, &origin)?,
        scenarios,
    };
    let drawn = match figures.size {
        Some(size) => crate::plot::comparison_of(&data, &size)?,
        None => Vec::new(),
    };
    let page = super::report::comparison_page(&data.name, &data.table, &drawn)?;
    let mut outputs = vec![FILE_NAME.to_string()];
    outputs.extend(super::page_outputs(&drawn));
    let manifest = manifest(&data.name, results, &outputs);
    let dir = folder.dir().to_path_buf();
    let cannot = || format!("cannot write to {}", dir.display());
    let staged = vec![folder.stage(FILE_NAME, &csv).with_context(cannot)?];
    super::commit_page(folder, staged, &drawn, &page, Some(&manifest), Scope::Whole)
}

/// A comparison's `manifest.json`: its name (which titles use), its
/// scenarios, whose folders beside it `airace plot` redraws it from, and
/// the invocation (threads, command line) as every manifest records it.
fn manifest(name: &str, results: &[ScenarioResult], outputs: &[String]) -> Vec<u8> {
    let scenarios: Vec<&str> = results
        .iter()
        .map(|r| r.scenario.meta.name.as_str())
        .collect();
    let command_line = results
        .first()
        .map_or(&[][..], |r| &r.info.command_line[..]);
    super::Manifest::new()
        .field("kind", "comparison")
        .field("name", name)
        .field("scenarios", scenarios)
        .invocation(results.first().map_or(0, |r| r.info.threads), command_line)
        .outputs(outputs)
        .to_bytes()
}

/// Reads a comparison folder back for `airace plot`: `comparison.csv`, its
/// name from its manifest (the folder's name if the manifest has none, as
/// before comparisons had one) and its scenarios' data from their folders
/// beside it. Every missing scenario folder is named at once.
pub fn read(dir: &Path) -> Result<ComparisonData, DataError> {
    let table = Table::read(&dir.join(FILE_NAME))?;
    let name = std::fs::read(dir.join(files::MANIFEST))
        .ok()
        .and_then(|m| super::Manifest::read_name(Some(&m)))
        .unwrap_or_else(|| {
            dir.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
    let root = dir.parent().unwrap_or(Path::new("."));
    let names = table.text("scenario")?;
    let missing: Vec<String> = names
        .iter()
        .map(|n| root.join(n))
        .filter(|d| !(d.join(files::TIMESERIES).is_file() && d.join(files::SUMMARY_CSV).is_file()))
        .map(|d| d.display().to_string())
        .collect();
    if !missing.is_empty() {
        return Err(DataError::Invalid {
            origin: dir.display().to_string(),
            message: format!(
                "a comparison is redrawn from the folders of its {} scenarios, beside it; missing \
                 (or without {} and {}): {}. Copy them next to it (as `airace run` wrote them) \
                 and plot again",
                names.len(),
                files::TIMESERIES,
                files::SUMMARY_CSV,
                missing.join(", ")
            ),
        });
    }
    let scenarios = names
        .iter()
        .map(|n| ScenarioData::read(&root.join(n)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ComparisonData {
        name,
        table,
        scenarios,
    })
}

/// Redraws a comparison folder's figures, from [`read`].
pub fn redraw(dir: &Path, size: &crate::plot::Size) -> anyhow::Result<(Vec<Drawn>, String)> {
    let data = read(dir)?;
    let drawn = crate::plot::comparison_of(&data, size)?;
    let page = super::report::comparison_page(&data.name, &data.table, &drawn)?;
    Ok((drawn, page))
}
