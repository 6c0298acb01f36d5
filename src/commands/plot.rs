//! `airace plot DIR...`: detect each output folder's kind from its record
//! and redraw its figures and page from its files, running nothing.

use super::args::FigureArgs;
use crate::context::InputError;
use crate::output::folder::{Folder, Kind, Scope};
use crate::output::sweep_folder::{SWEEP_FILE, sweep_page};
use crate::output::{self, FigureOptions, write_page};
use std::path::{Path, PathBuf};

/// `airace plot`'s options.
#[derive(clap::Args)]
pub struct Args {
    /// Output folders: a scenario's, a comparison's, a sweep's, a game's or a classic model's.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    #[command(flatten)]
    pub figure: FigureArgs,
}

impl Args {
    /// Redraws each folder; prints where its figures are.
    pub fn execute(self) -> anyhow::Result<()> {
        for dir in plot(&self.dirs, &self.figure.checked_size()?)? {
            println!("figures: {}", dir.display());
        }
        Ok(())
    }
}

/// `airace plot`: redraws the figures (and report page) of output folders
/// from their CSV files alone, without running anything.
pub fn plot(dirs: &[PathBuf], size: &crate::plot::Size) -> anyhow::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for dir in dirs {
        // A folder's files that are missing or cannot be read as airace
        // wrote them are the user's to mend (exit code 2), unlike a figure
        // that cannot be written.
        plot_folder(dir, size).map_err(|e| match e.downcast::<crate::plot::DataError>() {
            Ok(data) => InputError::Usage(format!(
                "cannot draw the figures of {}: {data}",
                dir.display()
            ))
            .into(),
            Err(e) => e,
        })?;
        written.push(dir.join(crate::output::files::FIGURES_DIR));
    }
    Ok(written)
}

/// [`plot`] for one folder: redraws it as the kind its record names.
fn plot_folder(dir: &Path, size: &crate::plot::Size) -> anyhow::Result<()> {
    use crate::output::game_folder::{Files, GameFolder};
    let Some(mut folder) = Folder::open(dir)? else {
        let looks_written =
            GameFolder::detect(dir).is_some() || dir.join(output::files::MANIFEST).is_file();
        let why = if !dir.is_dir() {
            "it is not a folder"
        } else if looks_written {
            "it holds no record of airace's (.airace-record.json): it was written by an older \
             airace, or copied without its hidden files (cp -r copies them)"
        } else {
            "it holds no record of airace's (.airace-record.json), so airace did not write it"
        };
        return Err(InputError::Usage(format!(
            "{} is not an airace output folder: {why}",
            dir.display()
        ))
        .into());
    };
    let figures = FigureOptions { size: Some(*size) };
    match folder.kind() {
        Kind::Sweep => {
            let csv = read_data(dir, SWEEP_FILE)?;
            let (drawn, page) = sweep_page(&output::sweep_folder::read_name(dir), &csv, &figures)?;
            write_page(&mut folder, Vec::new(), &drawn, &page, Scope::Page)?;
        }
        Kind::Comparison => {
            let (drawn, page) = output::comparison::redraw(dir, size)?;
            write_page(&mut folder, Vec::new(), &drawn, &page, Scope::Page)?;
        }
        Kind::Scenario => {
            let text =
                |f: &str| read_data(dir, f).map(|b| String::from_utf8_lossy(&b).into_owned());
            let summary =
                serde_json::from_str::<serde_json::Value>(&text(output::files::SUMMARY_JSON)?).ok();
            let field = |key: &str| {
                summary
                    .as_ref()
                    .and_then(|v| v.get(key).and_then(|d| d.as_str()).map(str::to_string))
            };
            // Titles name the scenario that was run, never the folder.
            let name = field("scenario").unwrap_or_else(|| folder_name(dir));
            let description = field("description").unwrap_or_default();
            let timeseries = read_data(dir, output::files::TIMESERIES)?;
            let summary_csv = read_data(dir, output::files::SUMMARY_CSV)?;
            let data = crate::plot::ScenarioData::parse(&name, &timeseries, &summary_csv)?;
            let drawn = crate::plot::scenario(&name, &timeseries, &summary_csv, size)?;
            let page = output::report::scenario_page(
                &data,
                &description,
                &drawn,
                &text(output::files::SCENARIO_TOML)?,
                &text(output::files::MANIFEST)?,
            );
            write_page(&mut folder, Vec::new(), &drawn, &page, Scope::Page)?;
        }
        Kind::Game | Kind::Dsair | Kind::Precipice => {
            let kind = GameFolder::of(folder.kind()).expect("a game-like kind");
            let files = Files::read(dir, kind.files())?;
            let drawn = crate::plot::draw_all(kind.figures(&files)?, size);
            let page = output::game_report::page(kind, &files, &drawn)?;
            write_page(&mut folder, Vec::new(), &drawn, &page, Scope::Page)?;
        }
        Kind::Exploration => {
            let (drawn, page) = crate::explore::report::redraw(dir, size)?;
            write_page(&mut folder, Vec::new(), &drawn, &page, Scope::Page)?;
        }
        Kind::ScenarioShard | Kind::SweepShard | Kind::ExplorationShard => {
            return Err(InputError::Usage(format!(
                "{} is {}, which has no figures: merge the shards (airace merge) and plot the \
                 merged folder",
                dir.display(),
                folder.kind().label()
            ))
            .into());
        }
    }
    Ok(())
}

/// The last component of `dir`'s path.
fn folder_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The bytes of a folder's data file, or the error `airace plot` reports.
fn read_data(dir: &Path, name: &str) -> Result<Vec<u8>, crate::plot::DataError> {
    std::fs::read(dir.join(name)).map_err(|source| crate::plot::DataError::Read {
        path: dir.join(name).display().to_string(),
        source,
    })
}
