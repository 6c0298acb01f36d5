//! Output files: one file per format behind the small [`Export`] trait
//! (hyperfine's `export/`), each rendered to bytes and written atomically.
//! Per-run rows are streamed by [`rows::RowWriter`] while the engine runs.
//!
//! Nothing is renamed into place until every file of a scenario is ready,
//! and `manifest.json` is renamed last: a folder with a manifest is whole.

pub mod atomic;
pub mod comparison;
pub mod format;
pub mod manifest;
pub mod rows;
pub mod summary;
pub mod timeseries;

pub use manifest::RunInfo;
pub use summary::Summary;

use crate::Scenario;
use crate::engine::Aggregate;
use atomic::AtomicFile;
use std::io;
use std::path::Path;

/// A finished scenario: what was run and what came out.
#[derive(Debug, Clone)]
pub struct ScenarioResult {
    /// As run: overrides of seed and runs applied.
    pub scenario: Scenario,
    pub aggregate: Aggregate,
    pub summary: Summary,
    pub info: RunInfo,
}

impl ScenarioResult {
    pub fn new(scenario: Scenario, aggregate: Aggregate, info: RunInfo) -> Self {
        let summary = Summary::new(&scenario, scenario.meta.seed, &aggregate);
        ScenarioResult {
            scenario,
            aggregate,
            summary,
            info,
        }
    }
}

/// One output file rendered from a finished scenario.
pub trait Export {
    fn file_name(&self) -> &'static str;
    fn render(&self, result: &ScenarioResult) -> Vec<u8>;
}

/// The files rendered from the aggregate, in the order they are listed.
pub fn exports(with_rows: bool) -> Vec<Box<dyn Export>> {
    let mut outputs = vec![
        "summary.json",
        "summary.csv",
        "timeseries.csv",
        "scenario.toml",
    ];
    if with_rows {
        outputs.extend(["runs.csv", "labs.csv"]);
    }
    vec![
        Box::new(summary::SummaryJson),
        Box::new(summary::SummaryCsv),
        Box::new(timeseries::TimeseriesCsv),
        Box::new(manifest::ScenarioToml),
        Box::new(manifest::ManifestJson { outputs }),
    ]
}

/// Renders every export of `result` into `dir` and commits them together
/// with the already-staged `streamed` files; the manifest comes last.
pub fn write_scenario(
    dir: &Path,
    result: &ScenarioResult,
    streamed: Vec<AtomicFile>,
    with_rows: bool,
) -> io::Result<()> {
    let mut staged = streamed;
    for export in exports(with_rows) {
        staged.push(atomic::stage(
            &dir.join(export.file_name()),
            &export.render(result),
        )?);
    }
    for file in staged {
        file.commit()?;
    }
    Ok(())
}
