//! Output files: one file per format behind the small [`Export`] trait
//! (hyperfine's `export/`), each rendered to bytes and written atomically.
//! Per-run rows are streamed by [`rows::RowWriter`] while the engine runs.
//!
//! Every folder is written through [`folder::Folder`]: airace's record of
//! what it wrote there decides what is its own, and nothing is renamed into
//! place until every file of the folder is ready, `manifest.json` last: a
//! folder with a manifest is whole.

pub mod atomic;
pub mod checkpoint;
pub mod comparison;
pub mod dsair_folder;
pub mod exploration_folder;
pub mod folder;
pub mod format;
/// The file names of every output folder (a leaf module `plot` reads too).
pub use crate::file_names as files;
pub mod game_folder;
pub mod game_report;
pub mod game_tables;
pub mod manifest;
pub mod precipice_folder;
pub mod report;
pub mod rows;
pub mod shard_folder;
pub mod summary;
pub mod sweep_folder;
pub mod timeseries;
pub mod trace;

pub use manifest::{Manifest, RunInfo};
pub use summary::Summary;

use crate::Scenario;
use crate::engine::Aggregate;
use anyhow::Context as _;
use atomic::AtomicFile;
use folder::{Folder, Scope};
use std::io;

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

/// The data files rendered from the aggregate (all but the manifest).
pub fn data_exports() -> Vec<Box<dyn Export>> {
    vec![
        Box::new(summary::SummaryJson),
        Box::new(summary::SummaryCsv),
        Box::new(timeseries::TimeseriesCsv),
        Box::new(manifest::ScenarioToml),
    ]
}

/// What to draw, if anything.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FigureOptions {
    /// `None` draws no figures.
    pub size: Option<crate::plot::Size>,
}

/// Why a scenario's outputs could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Io(#[from] io::Error),
    #[error("cannot draw figures: {0}")]
    Plot(#[from] crate::plot::DataError),
    #[error(transparent)]
    Commit(#[from] folder::CommitError),
}

impl WriteError {
    /// As an `anyhow` error whose type tells the exit code: a refusal
    /// ([`folder::Refused`]) and a signal
    /// ([`crate::interrupt::StoppedWriting`]) stay themselves.
    pub fn into_anyhow(self) -> anyhow::Error {
        match self {
            WriteError::Commit(e) => folder::into_anyhow(e),
            other => anyhow::Error::new(other),
        }
    }
}

/// Renders every output of `result` into its folder (data files, figures
/// and the report page) and commits them together with the already-staged
/// `streamed` files, all or nothing; the manifest comes last, so a folder
/// with a manifest is whole.
pub fn write_scenario(
    folder: &mut folder::Folder,
    result: &ScenarioResult,
    streamed: Vec<AtomicFile>,
    figures: &FigureOptions,
) -> Result<(), WriteError> {
    let rendered: Vec<(&'static str, Vec<u8>)> = data_exports()
        .iter()
        .map(|e| (e.file_name(), e.render(result)))
        .collect();
    let bytes = |name: &str| {
        rendered
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| b.as_slice())
            .unwrap_or_default()
    };
    let mut outputs: Vec<String> = rendered.iter().map(|(n, _)| n.to_string()).collect();
    outputs.extend(
        streamed
            .iter()
            .filter_map(|f| f.target().file_name())
            .map(|n| n.to_string_lossy().into_owned()),
    );
    let name = &result.scenario.meta.name;
    let drawn = match figures.size {
        Some(size) => crate::plot::scenario(
            name,
            bytes(files::TIMESERIES),
            bytes(files::SUMMARY_CSV),
            &size,
        )?,
        None => Vec::new(),
    };
    if crate::interrupt::interrupted() {
        // Drawing can take a while: a signal during it stops here.
        return Err(WriteError::Commit(folder::CommitError::Stopped(
            crate::interrupt::StoppedWriting {
                folder: folder.dir().to_path_buf(),
            },
        )));
    }
    outputs.extend(page_outputs(&drawn));
    let record = manifest::ManifestJson { outputs };
    let manifest = record.render(result);

    let mut staged = streamed;
    for (name, bytes) in &rendered {
        staged.push(folder.stage(name, bytes)?);
    }
    staged.extend(stage_figures(folder, &drawn)?);
    let data = crate::plot::ScenarioData::parse(
        name,
        bytes(files::TIMESERIES),
        bytes(files::SUMMARY_CSV),
    )?;
    let page = report::scenario_page(
        &data,
        &result.scenario.meta.description,
        &drawn,
        &String::from_utf8_lossy(bytes(files::SCENARIO_TOML)),
        &String::from_utf8_lossy(&manifest),
    );
    staged.push(folder.stage(report::FILE_NAME, page.as_bytes())?);
    let manifest = folder.stage(files::MANIFEST, &manifest)?;
    folder.commit(staged, Some(manifest), folder::Scope::Whole)?;
    Ok(())
}

/// The files a folder's figures and report page are written to, relative
/// to the folder: `figures/<stem>.<ext>` in each format chosen, then the page.
pub fn page_outputs(drawn: &[crate::plot::Drawn]) -> Vec<String> {
    let mut files = Vec::new();
    for d in drawn {
        files.extend(
            d.files(crate::output::files::FIGURES_DIR)
                .into_iter()
                .map(|(name, _)| name),
        );
    }
    files.push(report::FILE_NAME.to_string());
    files
}

/// Stages `figures/<stem>.<ext>` in each format chosen for each drawn figure.
pub fn stage_figures(
    folder: &folder::Folder,
    drawn: &[crate::plot::Drawn],
) -> io::Result<Vec<AtomicFile>> {
    let mut staged = Vec::new();
    for d in drawn {
        for (name, bytes) in d.files(crate::output::files::FIGURES_DIR) {
            staged.push(folder.stage(&name, bytes)?);
        }
    }
    Ok(staged)
}

/// Commits `staged` with a folder's figures and its report page, all or
/// nothing.
pub fn write_page(
    folder: &mut Folder,
    staged: Vec<AtomicFile>,
    drawn: &[crate::plot::Drawn],
    page: &str,
    scope: Scope,
) -> anyhow::Result<()> {
    commit_page(folder, staged, drawn, page, None, scope)
}

/// [`write_page`] with the folder's `manifest.json`, if given, staged and
/// committed last: files, then manifest, all or nothing.
pub fn commit_page(
    folder: &mut Folder,
    mut staged: Vec<AtomicFile>,
    drawn: &[crate::plot::Drawn],
    page: &str,
    manifest: Option<&[u8]>,
    scope: Scope,
) -> anyhow::Result<()> {
    let dir = folder.dir().to_path_buf();
    let cannot = || format!("cannot write to {}", dir.display());
    staged.extend(stage_figures(folder, drawn).with_context(cannot)?);
    staged.push(
        folder
            .stage(report::FILE_NAME, page.as_bytes())
            .with_context(cannot)?,
    );
    let manifest = match manifest {
        Some(bytes) => Some(folder.stage(files::MANIFEST, bytes).with_context(cannot)?),
        None => None,
    };
    folder
        .commit(staged, manifest, scope)
        .map_err(folder::into_anyhow)
        .with_context(cannot)
}
