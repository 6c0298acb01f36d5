//! Output files: one file per format behind the small [`Export`] trait
//! (hyperfine's `export/`), each rendered to bytes and written atomically.
//! Per-run rows are streamed by [`rows::RowWriter`] while the engine runs.
//!
//! Nothing is renamed into place until every file of a scenario is ready,
//! and `manifest.json` is renamed last: a folder with a manifest is whole.

pub mod atomic;
pub mod checkpoint;
pub mod comparison;
pub mod format;
pub mod game_report;
pub mod manifest;
pub mod report;
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
}

/// Renders every output of `result` into `dir` (data files, figures and the
/// report page) and commits them together with the already-staged
/// `streamed` files; the manifest comes last, so a folder with a manifest
/// is whole.
pub fn write_scenario(
    dir: &Path,
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
        Some(size) => {
            crate::plot::scenario(name, bytes("timeseries.csv"), bytes("summary.csv"), &size)?
        }
        None => Vec::new(),
    };
    outputs.extend(page_outputs(&drawn));
    let record = manifest::ManifestJson { outputs };
    let manifest = record.render(result);

    let mut staged = streamed;
    for (name, bytes) in &rendered {
        staged.push(atomic::stage(&dir.join(name), bytes)?);
    }
    staged.extend(stage_figures(dir, &drawn)?);
    let data =
        crate::plot::ScenarioData::parse(name, bytes("timeseries.csv"), bytes("summary.csv"))?;
    let page = report::scenario_page(
        &data,
        &result.scenario.meta.description,
        &drawn,
        &String::from_utf8_lossy(bytes("scenario.toml")),
        &String::from_utf8_lossy(&manifest),
    );
    staged.push(atomic::stage(
        &dir.join(report::FILE_NAME),
        page.as_bytes(),
    )?);
    staged.push(atomic::stage(&dir.join("manifest.json"), &manifest)?);
    let previous = previous_outputs(dir);
    for file in staged {
        file.commit()?;
    }
    let current: Vec<&str> = record.outputs.iter().map(String::as_str).collect();
    remove_stale(dir, &previous, &current)?;
    Ok(())
}

/// The files a folder's figures and report page are written to, relative
/// to the folder: `figures/<stem>.svg` and `.png` for each, then the page.
pub fn page_outputs(drawn: &[crate::plot::Drawn]) -> Vec<String> {
    let mut files = Vec::new();
    for d in drawn {
        files.push(format!("{}/{}.svg", crate::plot::FIGURES_DIR, d.stem));
        files.push(format!("{}/{}.png", crate::plot::FIGURES_DIR, d.stem));
    }
    files.push(report::FILE_NAME.to_string());
    files
}

/// The files the manifest in `dir` lists as written with it (none if there
/// is no readable manifest), as far as they are names airace writes: an
/// entry like `../x` is not followed.
pub fn previous_outputs(dir: &Path) -> Vec<String> {
    std::fs::read(dir.join("manifest.json"))
        .ok()
        .map(|bytes| {
            manifest_outputs(&bytes)
                .into_iter()
                .filter(|name| is_output_name(name))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The `outputs` of a manifest's bytes.
fn manifest_outputs(bytes: &[u8]) -> Vec<&str> {
    #[derive(serde::Deserialize)]
    struct Outputs<'a> {
        #[serde(borrow)]
        outputs: Vec<&'a str>,
    }
    serde_json::from_slice::<Outputs<'_>>(bytes)
        .map(|m| m.outputs)
        .unwrap_or_default()
}

/// A file name airace writes in a scenario folder: a plain name, or
/// `figures/NAME.svg` / `.png`.
fn is_output_name(name: &str) -> bool {
    // Not empty, not hidden (nor `..`), no further folder.
    let plain = |n: &str| !n.is_empty() && !n.starts_with('.') && !n.contains(['/', '\\']);
    match name.split_once('/') {
        None => plain(name),
        Some((dir, file)) => {
            dir == crate::plot::FIGURES_DIR
                && plain(file)
                && (file.ends_with(".svg") || file.ends_with(".png"))
        }
    }
}

/// Removes from `dir` what an earlier command wrote there (`previous`, from
/// its manifest by [`previous_outputs`], which keeps only names airace
/// writes) and this one did not (`current`), and then `figures/` if
/// that leaves it empty: a folder never holds, beside new results, the
/// `runs.csv` or figures of another run. Only files a manifest of airace's
/// lists are touched.
pub fn remove_stale(dir: &Path, previous: &[String], current: &[&str]) -> io::Result<()> {
    for name in previous {
        if current.contains(&name.as_str()) {
            continue;
        }
        match std::fs::remove_file(dir.join(name)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    let figures = dir.join(crate::plot::FIGURES_DIR);
    if std::fs::read_dir(&figures).is_ok_and(|mut entries| entries.next().is_none()) {
        std::fs::remove_dir(&figures)?;
    }
    Ok(())
}

/// Stages `figures/<stem>.svg` and `.png` for each drawn figure.
pub fn stage_figures(dir: &Path, drawn: &[crate::plot::Drawn]) -> io::Result<Vec<AtomicFile>> {
    let mut staged = Vec::new();
    if drawn.is_empty() {
        return Ok(staged);
    }
    let figures = dir.join(crate::plot::FIGURES_DIR);
    std::fs::create_dir_all(&figures)?;
    for d in drawn {
        staged.push(atomic::stage(
            &figures.join(format!("{}.svg", d.stem)),
            d.svg.as_bytes(),
        )?);
        staged.push(atomic::stage(
            &figures.join(format!("{}.png", d.stem)),
            &d.png,
        )?);
    }
    Ok(staged)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_airace_writes_are_taken_from_a_manifest() {
        for name in [
            "runs.csv",
            "index.html",
            "figures/risk.png",
            "figures/a.svg",
        ] {
            assert!(is_output_name(name), "{name}");
        }
        for name in [
            "",
            "..",
            "../x.csv",
            "/etc/passwd",
            "figures/../x.png",
            "figures/x.txt",
            "points/0001",
            ".airace-checkpoint",
            "a\\b",
        ] {
            assert!(!is_output_name(name), "{name}");
        }
    }

    #[test]
    fn a_stale_file_outside_the_folder_is_never_removed() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("scenario");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(root.path().join("x.csv"), "keep").unwrap();
        std::fs::write(dir.join("runs.csv"), "stale").unwrap();
        std::fs::write(
            dir.join("manifest.json"),
            r#"{"outputs": ["../x.csv", "runs.csv", "summary.csv"]}"#,
        )
        .unwrap();
        let previous = previous_outputs(&dir);
        assert_eq!(previous, ["runs.csv", "summary.csv"]);
        remove_stale(&dir, &previous, &["summary.csv"]).unwrap();
        assert!(!dir.join("runs.csv").exists());
        assert!(root.path().join("x.csv").exists());
    }
}
