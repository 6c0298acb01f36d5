//! A sweep's folder: `sweep.csv` (a row per point), `sweep.toml` (which
//! runs the sweep again), figures, page and manifest, committed together.

use super::folder::{self, Folder, Scope};
use super::{FigureOptions, RunInfo};
use crate::output;
use anyhow::Context as _;
use std::path::Path;

/// The file of a sweep's results.
pub const SWEEP_FILE: &str = super::files::SWEEP;

/// Writes a sweep folder whole: `sweep.csv`, `sweep.toml` (`reproduce`,
/// which runs the sweep again), the figures and page, and last its
/// `manifest.json`, all or nothing.
pub fn write_sweep(
    folder: &mut Folder,
    csv: &str,
    reproduce: &str,
    seed: u64,
    info: &RunInfo,
    figures: &FigureOptions,
) -> anyhow::Result<()> {
    let name = folder_name(folder.dir());
    let (drawn, page) = sweep_page(&name, csv.as_bytes(), figures)?;
    let mut outputs = vec![
        SWEEP_FILE.to_string(),
        crate::sweep::REPRODUCE_FILE.to_string(),
    ];
    outputs.extend(output::page_outputs(&drawn));
    let manifest = output::manifest::sweep_manifest(&name, csv, seed, info, &outputs).to_bytes();
    let dir = folder.dir().to_path_buf();
    let cannot = || format!("cannot write to {}", dir.display());
    let mut staged = vec![
        folder
            .stage(SWEEP_FILE, csv.as_bytes())
            .with_context(cannot)?,
        folder
            .stage(crate::sweep::REPRODUCE_FILE, reproduce.as_bytes())
            .with_context(cannot)?,
    ];
    staged.extend(output::stage_figures(folder, &drawn).with_context(cannot)?);
    staged.push(
        folder
            .stage(output::report::FILE_NAME, page.as_bytes())
            .with_context(cannot)?,
    );
    let manifest = folder
        .stage(super::files::MANIFEST, &manifest)
        .with_context(cannot)?;
    folder
        .commit(staged, Some(manifest), Scope::Whole)
        .map_err(folder::into_anyhow)
        .with_context(cannot)
}

fn folder_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The name of the sweep in `dir` for titles: its manifest's (the
/// folder's, for a sweep written before manifests named it).
pub fn read_name(dir: &Path) -> String {
    std::fs::read(dir.join(super::files::MANIFEST))
        .ok()
        .and_then(|m| super::Manifest::read_name(Some(&m)))
        .unwrap_or_else(|| folder_name(dir))
}

/// The figures and page of the sweep `name`, from the bytes of its
/// `sweep.csv`.
pub(crate) fn sweep_page(
    name: &str,
    csv: &[u8],
    figures: &FigureOptions,
) -> anyhow::Result<(Vec<crate::plot::Drawn>, String)> {
    let drawn = match figures.size {
        Some(size) => crate::plot::sweep(name, csv, &size)?,
        None => Vec::new(),
    };
    let table = crate::plot::data::Table::parse(csv, &format!("{name}/{SWEEP_FILE}"))?;
    let page = output::report::sweep_page(name, &table, &drawn);
    Ok((drawn, page))
}
