//! The folders of `airace game` and of the classic models (`dsair`,
//! `precipice`): their files held in memory, drawn into figures and a page
//! from those bytes, and committed with the manifest last.

use super::FigureOptions;
use super::atomic::AtomicFile;
use super::folder::{self, CommitError, Folder, Kind, Scope};
use crate::plot::game_figures::{Files, GameFolder};
use anyhow::Context as _;

/// The record's kind of a game-like folder.
pub fn kind(folder: GameFolder) -> Kind {
    match folder {
        GameFolder::Game => Kind::Game,
        GameFolder::Dsair => Kind::Dsair,
        GameFolder::Precipice => Kind::Precipice,
    }
}

/// The bytes of `manifest.json`.
pub(crate) fn manifest_bytes(manifest: &serde_json::Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(manifest).expect("a manifest serializes");
    bytes.push(b'\n');
    bytes
}

/// Stages every file, then commits them with the manifest last, all or
/// nothing, so a folder with a manifest is whole.
pub fn commit_all(
    folder: &mut Folder,
    files: Vec<(String, Vec<u8>)>,
    manifest: serde_json::Value,
) -> Result<(), CommitError> {
    let mut staged: Vec<AtomicFile> = Vec::new();
    for (name, bytes) in &files {
        staged.push(folder.stage(name, bytes)?);
    }
    let bytes = manifest_bytes(&manifest);
    let manifest = folder.stage(crate::output::files::MANIFEST, &bytes)?;
    folder.commit(staged, Some(manifest), Scope::Whole)
}

/// Draws the figures (unless `figures` says none) and the report page of a
/// folder of `kind` from the bytes of its `files`, adds them to the files
/// and to the manifest's `outputs`, and commits everything, the manifest
/// last. `airace plot` draws the same from the files on disk.
pub fn commit_with_figures(
    dir: &mut Folder,
    kind: GameFolder,
    mut files: Vec<(String, Vec<u8>)>,
    mut manifest: serde_json::Value,
    figures: &FigureOptions,
) -> anyhow::Result<()> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut data = Files::new(&name, files.clone());
    let drawn = match figures.size {
        Some(size) => crate::plot::game_folder(kind, &data, &size)?,
        None => Vec::new(),
    };
    if let Some(outputs) = manifest.get_mut("outputs").and_then(|o| o.as_array_mut()) {
        for d in &drawn {
            for ext in ["svg", "png"] {
                outputs.push(format!("{}/{}.{ext}", crate::plot::FIGURES_DIR, d.stem).into());
            }
        }
        outputs.push(crate::output::report::FILE_NAME.into());
    }
    data.insert(crate::output::files::MANIFEST, manifest_bytes(&manifest));
    let page = crate::output::game_report::page(kind, &data, &drawn)?;
    for d in &drawn {
        files.extend(d.files().into_iter().map(|(n, b)| (n, b.to_vec())));
    }
    files.push((crate::output::report::FILE_NAME.into(), page.into_bytes()));
    let shown = dir.dir().display().to_string();
    commit_all(dir, files, manifest)
        .map_err(folder::into_anyhow)
        .with_context(|| format!("cannot write results to {shown}"))
}
