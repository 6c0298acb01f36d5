//! The folders of `airace game` and of the classic models (`dsair`,
//! `precipice`): their kinds ([`GameFolder`]), the files each holds, how to
//! detect one, its files held in memory ([`Files`]), drawn into figures and
//! a page from those bytes, and committed with the manifest last.

use super::FigureOptions;
use super::Manifest;
use super::atomic::AtomicFile;
use super::files::{MANIFEST, SUMMARY_JSON, dsair, game, precipice};
use super::folder::{self, CommitError, Folder, Kind, Scope};
use crate::plot::data::{DataError, NamedFiles};
use crate::plot::figure::Figure;
use crate::plot::game_figures;
use anyhow::Context as _;
use std::path::Path;

/// The record's kind of a game-like folder.
pub fn kind(folder: GameFolder) -> Kind {
    folder.kind()
}

/// The files of a game's, DSAIR's or precipice's folder, by name: what
/// its figures and page are drawn from, in memory as the command writes
/// them or read back from disk by `airace plot`.
#[derive(Debug, Clone)]
pub struct Files {
    /// What titles call the folder's subject: the manifest's `name`.
    name: String,
    files: Vec<(String, Vec<u8>)>,
}

impl Files {
    /// The files of a folder about `name` (a game, a model).
    pub fn new(name: &str, files: Vec<(String, Vec<u8>)>) -> Files {
        Files {
            name: name.to_string(),
            files,
        }
    }

    /// Reads those of `names` that exist in `dir`. The name is the one its
    /// `manifest.json` records; a folder written before manifests named
    /// their subject is named by the folder.
    pub fn read(dir: &Path, names: &[&str]) -> Result<Files, DataError> {
        let mut files = Vec::new();
        for name in names {
            let path = dir.join(name);
            if path.is_file() {
                let bytes = std::fs::read(&path).map_err(|source| DataError::Read {
                    path: path.display().to_string(),
                    source,
                })?;
                files.push((name.to_string(), bytes));
            }
        }
        let mut read = Files {
            name: String::new(),
            files,
        };
        read.name = match Manifest::read_name(read.bytes(MANIFEST)) {
            Some(name) => name,
            None => dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        };
        Ok(read)
    }

    /// Adds (or replaces) a file.
    pub fn insert(&mut self, file: &str, bytes: Vec<u8>) {
        self.files.retain(|(n, _)| n != file);
        self.files.push((file.to_string(), bytes));
    }
}

impl NamedFiles for Files {
    fn name(&self) -> &str {
        &self.name
    }

    fn bytes(&self, file: &str) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|(n, _)| n == file)
            .map(|(_, b)| b.as_slice())
    }

    fn summary(&self) -> Option<serde_json::Value> {
        self.json(SUMMARY_JSON)
    }
}

/// What `airace game` writes that its figures and page are drawn from.
pub const GAME_FILES: &[&str] = &[
    game::PAYOFFS,
    game::DEVIATIONS,
    game::EQUILIBRIA,
    game::MIXED,
    game::REPLICATOR_FLOW,
    game::REPLICATOR_PATHS,
    game::STATIONARY,
    game::FIXATION,
    game::STATIONARY_SWEEP,
    game::MUTATION_SWEEP,
    game::NASH_MIXED,
    game::REPLICATOR_BOOTSTRAP,
    SUMMARY_JSON,
    game::GAME_TOML,
    MANIFEST,
];

/// The kinds of folder `airace game` and `airace classic` write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GameFolder {
    Game,
    Dsair,
    Precipice,
}

impl GameFolder {
    /// The record's kind of such a folder.
    pub fn kind(self) -> Kind {
        match self {
            GameFolder::Game => Kind::Game,
            GameFolder::Dsair => Kind::Dsair,
            GameFolder::Precipice => Kind::Precipice,
        }
    }

    /// Which of these the record's `kind` is, if any.
    pub fn of(kind: Kind) -> Option<GameFolder> {
        match kind {
            Kind::Game => Some(GameFolder::Game),
            Kind::Dsair => Some(GameFolder::Dsair),
            Kind::Precipice => Some(GameFolder::Precipice),
            _ => None,
        }
    }

    /// What kind of folder `dir` is, by the files in it.
    pub fn detect(dir: &Path) -> Option<GameFolder> {
        let has = |f: &str| dir.join(f).is_file();
        if has(game::PAYOFFS) && has(game::EQUILIBRIA) {
            Some(GameFolder::Game)
        } else if has(dsair::HEATMAP) && has(dsair::BOUNDARIES) {
            Some(GameFolder::Dsair)
        } else if has(precipice::DISASTER) {
            Some(GameFolder::Precipice)
        } else {
            None
        }
    }

    /// The files its figures and page are drawn from.
    pub fn files(self) -> &'static [&'static str] {
        match self {
            GameFolder::Game => GAME_FILES,
            GameFolder::Dsair => super::dsair_folder::FILES,
            GameFolder::Precipice => super::precipice_folder::FILES,
        }
    }

    /// Its figures, by file stem.
    pub fn figures(self, files: &Files) -> Result<Vec<(String, Figure)>, DataError> {
        match self {
            GameFolder::Game => game_figures::game_figures(files),
            GameFolder::Dsair => game_figures::dsair_figures(files),
            GameFolder::Precipice => game_figures::precipice_figures(files),
        }
    }
}

/// The bytes of a JSON data file (`summary.json`): numbers cleaned for
/// reading ([`super::format::clean_json`]), pretty, a final newline.
pub fn json_bytes(mut value: serde_json::Value) -> Vec<u8> {
    super::format::clean_json(&mut value);
    let mut bytes = serde_json::to_vec_pretty(&value).expect("JSON serializes");
    bytes.push(b'\n');
    bytes
}

/// Stages every file, then commits them with the manifest last, all or
/// nothing, so a folder with a manifest is whole.
pub fn commit_all(
    folder: &mut Folder,
    files: Vec<(String, Vec<u8>)>,
    manifest: &Manifest,
) -> Result<(), CommitError> {
    let mut staged: Vec<AtomicFile> = Vec::new();
    for (name, bytes) in &files {
        staged.push(folder.stage(name, bytes)?);
    }
    let bytes = manifest.to_bytes();
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
    mut manifest: Manifest,
    figures: &FigureOptions,
) -> anyhow::Result<()> {
    // Titles name the subject the manifest records, never the folder.
    let name = manifest.name().unwrap_or_default().to_string();
    let mut data = Files::new(&name, files.clone());
    let drawn = match figures.size {
        Some(size) => crate::plot::draw_all(kind.figures(&data)?, &size),
        None => Vec::new(),
    };
    manifest.add_outputs(super::page_outputs(&drawn));
    data.insert(crate::output::files::MANIFEST, manifest.to_bytes());
    let page = crate::output::game_report::page(kind, &data, &drawn)?;
    for d in &drawn {
        files.extend(
            d.files(crate::output::files::FIGURES_DIR)
                .into_iter()
                .map(|(n, b)| (n, b.to_vec())),
        );
    }
    files.push((crate::output::report::FILE_NAME.into(), page.into_bytes()));
    let shown = dir.dir().display().to_string();
    commit_all(dir, files, &manifest)
        .map_err(folder::into_anyhow)
        .with_context(|| format!("cannot write results to {shown}"))
}
