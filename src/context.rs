//! What every command shares: the interrupt flag and the errors a stopped
//! command reports, [`InputError`] (the user's input to fix, exit code 2),
//! claiming output folders and taking back those left empty, the worker
//! thread pool and the progress bar.

use crate::output::FigureOptions;
use crate::output::folder::{self, Folder, Kind};
use crate::scenario::ScenarioError;
use anyhow::Context as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

pub use crate::interrupt::{INTERRUPTED, install_interrupt_handler, interrupted};

/// A run stopped by a signal. Everything it names as finished is whole;
/// the scenario it stopped in wrote no output, but its progress may be
/// saved in a checkpoint for `--resume`.
#[derive(Debug, thiserror::Error)]
#[error(
    "interrupted: scenario {scenario} stopped after {progress} runs{}{}",
    match checkpoint {
        Some(c) => format!(
            "; its progress is saved in {} (the same command with --resume continues it; \
             nothing else of it was written)",
            c.display()
        ),
        None => " and wrote nothing (its temporary files were removed)".to_string(),
    },
    if finished.is_empty() { String::new() } else {
        format!("; finished before it, and complete: {}", finished.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))
    }
)]
pub struct Interrupted {
    pub scenario: String,
    /// Its runs done when it stopped, of all it was to run.
    pub progress: Progress,
    /// The scenarios' folders finished before it.
    pub finished: Vec<PathBuf>,
    /// Where its checkpoint is, if one was saved.
    pub checkpoint: Option<PathBuf>,
}

/// A command that keeps no checkpoint (`game`, `classic`) stopped by a
/// signal: it wrote nothing, and left no output folder it had created.
/// It does not resume; run it again to start over.
#[derive(Debug, thiserror::Error)]
#[error(
    "interrupted: {command} stopped after {progress} {unit} and wrote nothing \
     (it does not resume: run it again to start over)"
)]
pub struct Abandoned {
    /// What was stopped, e.g. `game pause-or-race`.
    pub command: String,
    pub progress: Progress,
    /// What `progress` counts, e.g. `cells`.
    pub unit: &'static str,
}

/// How far a command had got when a signal stopped it: `completed` of
/// `total` (runs, cells, equilibria), shown as "COMPLETED of TOTAL".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub completed: u64,
    pub total: u64,
}

impl std::fmt::Display for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} of {}", self.completed, self.total)
    }
}

/// For tests of interruption that must not depend on timing: with
/// `AIRACE_TEST_STOP_AFTER=N` in the environment, a command behaves as if a
/// signal came once N runs (counted over all its scenarios) are done.
/// The engine's progress callback: moves `bar` on from `done` runs, and
/// raises the stop flag past `AIRACE_TEST_STOP_AFTER` runs (tests only).
pub(crate) fn progress_from(bar: &indicatif::ProgressBar, done: u64) -> impl Fn(u64) + Sync + '_ {
    let stop_after = test_stop_after();
    move |runs| {
        bar.set_position(done + runs);
        if stop_after.is_some_and(|n| done + runs >= n) {
            INTERRUPTED.store(true, Ordering::SeqCst);
        }
    }
}

pub(crate) fn test_stop_after() -> Option<u64> {
    std::env::var("AIRACE_TEST_STOP_AFTER").ok()?.parse().ok()
}

/// Input the user must fix: reported with exit code 2, before any output.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    Scenarios(Vec<ScenarioError>),
    #[error("{0}")]
    Usage(String),
}

impl From<folder::Refused> for InputError {
    fn from(refused: folder::Refused) -> Self {
        InputError::Usage(refused.0)
    }
}

/// Folders a command made for its outputs (with the parents it made), so
/// that when it is refused, fails or is stopped it can take back those still
/// empty: it leaves no empty folders behind (a folder with a checkpoint in
/// it is not empty, and stays).
#[derive(Debug, Default)]
pub(crate) struct Created(Vec<PathBuf>);

impl Created {
    /// [`Folder::claim`], noting the folders it makes.
    pub(crate) fn claim(
        &mut self,
        dir: &Path,
        kind: Kind,
        force: bool,
    ) -> Result<Folder, InputError> {
        let mut missing = Vec::new();
        let mut next = Some(dir);
        while let Some(d) = next.filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
            missing.push(d.to_path_buf());
            next = d.parent();
        }
        let claimed = Folder::claim(dir, kind, force);
        self.0.extend(missing);
        Ok(claimed?)
    }

    /// Removes the folders made that hold nothing (but, at most, airace's
    /// record of them, listing no file, and their lock), deepest first.
    pub(crate) fn remove_empty(&self) {
        let mut made: Vec<&PathBuf> = self.0.iter().collect();
        made.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
        for dir in made {
            folder::remove_if_unused(dir);
            let _ = std::fs::remove_dir(dir); // fails, as it should, if not empty
        }
    }
}

/// The worker threads of `--threads`: all cores when not given.
pub fn thread_count(threads: Option<usize>) -> usize {
    threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// A rayon pool of `threads` threads (all cores by default).
pub fn thread_pool(threads: Option<usize>) -> anyhow::Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(thread_count(threads))
        .build()
        .context("cannot start worker threads")
}

/// A progress bar on stderr when it is a terminal (hidden otherwise, or
/// when `quiet`), counting `{pos}/{len} COUNTED`: e.g. `runs, {per_sec}`.
pub fn progress_bar(total: u64, quiet: bool, counted: &str) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template(&format!(
            "{{msg:>20}} [{{bar:40}}] {{pos}}/{{len}} {counted}, ETA {{eta}}"
        ))
        .expect("the template is valid")
        .progress_chars("=> "),
    );
    bar
}

/// Claims `dir` for a folder of `kind` ([`Folder::claim`]), before any
/// work. Returns the folders it made, for [`abandon`], and the folder.
pub(crate) fn claim_folder(
    dir: &Path,
    kind: Kind,
    force: bool,
) -> Result<(Created, Folder), InputError> {
    let mut created = Created::default();
    let folder = created.claim(dir, kind, force)?;
    Ok((created, folder))
}

/// The error of a command that a signal stopped before it wrote anything;
/// removes the folders its [`claim_folder`] made that are still empty
/// (`--out`'s new parents too), so no output folder is left behind.
pub(crate) fn abandon(created: &Created, stopped: Abandoned) -> anyhow::Error {
    created.remove_empty();
    anyhow::Error::new(stopped)
}

/// What every command that simulates and writes a folder takes (`run`,
/// `sweep`, `game`, `explore`, `classic`): where its folder goes, its
/// threads, and how it writes and reports (`commands::args::CommonArgs`), and `merge`, which takes no
/// threads.
#[derive(Debug, Clone)]
pub struct CommonOptions {
    /// The folder under which the command's output folder(s) go.
    pub out: PathBuf,
    /// Worker threads; `None` uses every core.
    pub threads: Option<usize>,
    /// Print nothing but errors.
    pub quiet: bool,
    /// Write into folders that hold files airace did not write.
    pub force: bool,
    /// Figures to draw (size), or none.
    pub figures: FigureOptions,
    /// The command line, recorded in each manifest.
    pub command_line: Vec<String>,
}

impl Default for CommonOptions {
    /// `output/`, every core, figures at the default size.
    fn default() -> Self {
        CommonOptions {
            out: PathBuf::from("output"),
            threads: None,
            quiet: false,
            force: false,
            figures: FigureOptions {
                size: Some(crate::plot::Size::default()),
            },
            command_line: Vec::new(),
        }
    }
}
