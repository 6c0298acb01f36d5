//! The commands of the `airace` binary as plain library functions taking
//! plain configuration: the pipeline from scenario files to output folders.
//! The command-line layer (clap) lives only in `main.rs`.

use crate::builtin::{self, BuiltIn};
use crate::engine::Aggregate;
use crate::engine::{self, Control, RaceModel, Stopped};
use crate::output::checkpoint::{self, CheckpointSink, Identity};
use crate::output::folder::{self, Folder, Kind, Scope};
use crate::output::{self, FigureOptions, RunInfo, ScenarioResult, rows::RowWriter};
use crate::scenario::{Scenario, ScenarioError};
use crate::shard::ShardSpec;
use anyhow::Context as _;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// Where a scenario comes from.
#[derive(Debug, Clone)]
pub enum Source {
    File(PathBuf),
    BuiltIn(BuiltIn),
}

impl Source {
    fn load(&self) -> Result<Scenario, ScenarioError> {
        match self {
            Source::File(path) => Scenario::load(path),
            Source::BuiltIn(b) => {
                Scenario::from_str_named(b.text, &format!("built-in:{}", b.name), b.name)
            }
        }
    }

    fn describe(&self) -> String {
        match self {
            Source::File(path) => path.display().to_string(),
            Source::BuiltIn(b) => format!("built-in:{}", b.name),
        }
    }
}

pub use crate::interrupt::{INTERRUPTED, install_interrupt_handler, interrupted};

/// A run stopped by a signal. Everything it names as finished is whole;
/// the scenario it stopped in wrote no output, but its progress may be
/// saved in a checkpoint for `--resume`.
#[derive(Debug, thiserror::Error)]
#[error(
    "interrupted: scenario {scenario} stopped after {completed} of {total} runs{}{}",
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
    pub completed: u64,
    pub total: u64,
    pub finished: Vec<PathBuf>,
    /// Where its checkpoint is, if one was saved.
    pub checkpoint: Option<PathBuf>,
}

/// A command that keeps no checkpoint (`game`, `classic`) stopped by a
/// signal: it wrote nothing, and left no output folder it had created.
/// It does not resume; run it again to start over.
#[derive(Debug, thiserror::Error)]
#[error(
    "interrupted: {command} stopped after {completed} of {total} {unit} and wrote nothing \
     (it does not resume: run it again to start over)"
)]
pub struct Abandoned {
    /// What was stopped, e.g. `game pause-or-race`.
    pub command: String,
    pub completed: u64,
    pub total: u64,
    /// What `completed` counts, e.g. `cells`.
    pub unit: &'static str,
}

/// How a scenario's run begins.
#[derive(Debug)]
pub enum Plan {
    /// From its first run (clearing any old checkpoint).
    Fresh,
    /// From a checkpoint.
    Resume(checkpoint::Saved),
    /// Already finished by an earlier, interrupted command (`--resume`).
    Done(checkpoint::Saved),
}

/// Decides how the run of `identity` into `dir` begins, before any work:
/// with `resume`, from its checkpoint; without, afresh, unless that would
/// throw away a checkpoint of this very run.
pub fn plan(
    dir: &Path,
    identity: &Identity,
    (labs, steps): (usize, u32),
    resume: bool,
    quiet: bool,
) -> Result<Plan, InputError> {
    let work = checkpoint::folder(dir);
    let saved = match checkpoint::load(dir, labs, steps) {
        Ok(saved) => saved,
        Err(problem) if resume => {
            return Err(InputError::Usage(format!(
                "cannot resume {}: {problem}; run without --resume to start it over",
                dir.display()
            )));
        }
        Err(_) => None,
    };
    let Some(saved) = saved else {
        if resume && !quiet {
            eprintln!(
                "note: no checkpoint in {}: running it from the start",
                dir.display()
            );
        }
        return Ok(Plan::Fresh);
    };
    let c = &saved.checkpoint;
    let differences = c.identity.differences(identity);
    if !differences.is_empty() {
        if resume {
            return Err(InputError::Usage(format!(
                "cannot resume {}: its checkpoint is of another run ({}); run without --resume to start over",
                dir.display(),
                differences.join(", ")
            )));
        }
        return Ok(Plan::Fresh);
    }
    match (c.complete, resume) {
        (true, true) if c.written => Ok(Plan::Done(saved)),
        (true, false) => Ok(Plan::Fresh),
        // Simulated in full but not written (stopped while writing): the
        // resume writes its outputs.
        (true, true) | (false, true) => {
            if !quiet {
                eprintln!(
                    "resuming {} from run {} of {}",
                    dir.display(),
                    c.next_run - c.identity.first_run,
                    c.identity.end_run - c.identity.first_run
                );
            }
            Ok(Plan::Resume(saved))
        }
        (false, false) => Err(InputError::Usage(format!(
            "{} holds a checkpoint of this same run, stopped after {} of {} runs: add --resume to \
             continue it, or delete {} to start over",
            dir.display(),
            c.next_run - c.identity.first_run,
            c.identity.end_run - c.identity.first_run,
            work.display()
        ))),
    }
}

/// How `Runner::run_scenario` runs a scenario and what it writes.
#[derive(Debug, Clone)]
pub struct ScenarioJob<'a> {
    pub run_rows: bool,
    pub figures: &'a FigureOptions,
    /// Only this shard's runs, written as a shard.
    pub shard: Option<ShardSpec>,
    pub checkpoint_every: Duration,
    /// Keep the finished scenario's checkpoint (for resuming a command of
    /// several scenarios); the caller removes it when the command is done.
    pub keep_complete: bool,
    /// Recorded in a shard's manifest: the command's scenarios, in order,
    /// and its comparison folder.
    pub command_scenarios: &'a [String],
    pub comparison: Option<&'a str>,
}

impl ScenarioJob<'_> {
    /// What a checkpoint of this job must match.
    pub fn identity(&self, scenario: &Scenario) -> Identity {
        let runs = scenario.meta.runs;
        let range = self.shard.map_or(0..runs, |s| s.runs(runs));
        Identity {
            airace_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario_fnv: checkpoint::scenario_fnv(scenario),
            seed: scenario.meta.seed,
            runs,
            first_run: range.start,
            end_run: range.end,
            run_rows: self.run_rows,
        }
    }
}

/// For tests of interruption that must not depend on timing: with
/// `AIRACE_TEST_STOP_AFTER=N` in the environment, a command behaves as if a
/// signal came once N runs (counted over all its scenarios) are done.
/// The engine's progress callback: moves `bar` on from `done` runs, and
/// raises the stop flag past `AIRACE_TEST_STOP_AFTER` runs (tests only).
fn progress_from(bar: &indicatif::ProgressBar, done: u64) -> impl Fn(u64) + Sync + '_ {
    let stop_after = test_stop_after();
    move |runs| {
        bar.set_position(done + runs);
        if stop_after.is_some_and(|n| done + runs >= n) {
            INTERRUPTED.store(true, Ordering::SeqCst);
        }
    }
}

fn test_stop_after() -> Option<u64> {
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

/// Everything `airace run` needs.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Scenarios to run; empty runs the built-in default comparison.
    pub sources: Vec<Source>,
    /// Overrides every scenario's `runs`.
    pub runs: Option<u64>,
    /// Overrides every scenario's `seed`.
    pub seed: Option<u64>,
    /// Worker threads; `None` uses every core.
    pub threads: Option<usize>,
    /// Folder under which each scenario gets its own folder.
    pub out: PathBuf,
    /// Folder name for `comparison.csv` when several scenarios run.
    pub comparison: Option<String>,
    /// Print nothing but errors.
    pub quiet: bool,
    /// Write `runs.csv` and `labs.csv`.
    pub run_rows: bool,
    /// Figures to draw (size), or none.
    pub figures: FigureOptions,
    /// Write into folders that hold files airace did not write.
    pub force: bool,
    /// The command line, recorded in each manifest.
    pub command_line: Vec<String>,
    /// Run only this shard of every scenario, into `OUT/NAME/shard-K-of-N/`.
    pub shard: Option<ShardSpec>,
    /// Go on from the checkpoints of an interrupted run of this command.
    pub resume: bool,
    /// Wall time between checkpoints.
    pub checkpoint_every: Duration,
}

/// Default wall time between checkpoints.
pub const CHECKPOINT_EVERY: Duration = Duration::from_secs(60);

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            sources: Vec::new(),
            runs: None,
            seed: None,
            threads: None,
            out: PathBuf::from("output"),
            comparison: None,
            quiet: false,
            run_rows: true,
            figures: FigureOptions {
                size: Some(crate::plot::Size::default()),
            },
            force: false,
            command_line: Vec::new(),
            shard: None,
            resume: false,
            checkpoint_every: CHECKPOINT_EVERY,
        }
    }
}

/// What a run produced.
#[derive(Debug)]
pub struct RunReport {
    pub results: Vec<ScenarioResult>,
    /// One folder per scenario.
    pub folders: Vec<PathBuf>,
    /// `comparison.csv`, when several scenarios ran.
    pub comparison: Option<PathBuf>,
}

/// Loads every scenario, reporting the problems of all of them at once.
pub fn load_all(sources: &[Source]) -> Result<Vec<Scenario>, InputError> {
    let mut scenarios = Vec::new();
    let mut errors = Vec::new();
    for source in sources {
        match source.load() {
            Ok(s) => scenarios.push(s),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(scenarios)
    } else {
        Err(InputError::Scenarios(errors))
    }
}

/// `airace run`: simulates each scenario and writes its outputs.
pub fn run(config: &RunConfig) -> anyhow::Result<RunReport> {
    let mut created = Created::default();
    let result = run_in(config, &mut created);
    if result.is_err() {
        created.remove_empty();
    }
    result
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

fn run_in(config: &RunConfig, created: &mut Created) -> anyhow::Result<RunReport> {
    let default = config.sources.is_empty();
    let sources: Vec<Source> = if default {
        builtin::DEFAULT_COMPARISON
            .iter()
            .map(|name| {
                Source::BuiltIn(builtin::shipped(name).expect("default scenarios are shipped"))
            })
            .collect()
    } else {
        config.sources.clone()
    };
    let mut scenarios = load_all(&sources)?;
    let comparison_name = match (&config.comparison, default) {
        (Some(name), _) => Some(name.clone()),
        (None, true) => Some(builtin::DEFAULT_COMPARISON_NAME.to_string()),
        (None, false) => (scenarios.len() > 1).then(|| "comparison".to_string()),
    };
    check_names(&scenarios, comparison_name.as_deref())?;
    if let (Some(name), 1, false) = (&config.comparison, scenarios.len(), config.quiet) {
        eprintln!(
            "note: --name {name} names the comparison of several scenarios; with one scenario \
             there is none, so its results go to {}",
            config.out.join(&scenarios[0].meta.name).display()
        );
    }

    // Common random numbers: every scenario of one command uses one seed.
    let seed = config.seed.unwrap_or(scenarios[0].meta.seed);
    for s in &mut scenarios {
        if config.seed.is_none() && s.meta.seed != seed && !config.quiet {
            eprintln!(
                "note: scenario {} sets seed {} but runs with seed {seed}, the first scenario's, \
                 so that the comparison uses common random numbers (--seed sets it)",
                s.meta.name, s.meta.seed
            );
        }
        s.meta.seed = seed;
        if let Some(runs) = config.runs {
            s.meta.runs = runs;
        }
    }

    let folder = |s: &Scenario| match config.shard {
        Some(spec) => config.out.join(&s.meta.name).join(spec.folder_name()),
        None => config.out.join(&s.meta.name),
    };
    if let Some(spec) = config.shard {
        for s in &scenarios {
            spec.run_range(s.meta.runs, &s.meta.name)?;
        }
    }
    // Sized for the runs this command makes (a shard's).
    let sized: Vec<Scenario> = scenarios
        .iter()
        .map(|s| {
            let mut s = s.clone();
            if let Some(spec) = config.shard {
                let r = spec.runs(s.meta.runs);
                s.meta.runs = r.end - r.start;
            }
            s
        })
        .collect();
    crate::resources::check_run(&sized, sources.iter().map(Source::describe), config)?;
    let names: Vec<String> = scenarios.iter().map(|s| s.meta.name.clone()).collect();
    let job = ScenarioJob {
        run_rows: config.run_rows,
        figures: &config.figures,
        shard: config.shard,
        checkpoint_every: config.checkpoint_every,
        keep_complete: true,
        command_scenarios: &names,
        comparison: comparison_name.as_deref().filter(|_| names.len() > 1),
    };
    // Every check before any work: folders, checkpoints.
    let kind = match config.shard {
        Some(_) => Kind::ScenarioShard,
        None => Kind::Scenario,
    };
    let mut plans = Vec::new();
    let mut claims = Vec::new();
    for s in &scenarios {
        let dir = folder(s);
        claims.push(created.claim(&dir, kind, config.force)?);
        plans.push(plan(
            &dir,
            &job.identity(s),
            (s.lab_count(), s.meta.steps),
            config.resume,
            config.quiet,
        )?);
    }
    let comparison_dir = comparison_name
        .as_ref()
        .filter(|_| scenarios.len() > 1 && config.shard.is_none())
        .map(|name| config.out.join(name));
    let comparison_folder = match &comparison_dir {
        Some(dir) => Some(created.claim(dir, Kind::Comparison, config.force)?),
        None => None,
    };
    let mut runner = Runner::new(
        config.threads,
        sized.iter().map(|s| s.meta.runs).sum(),
        config.quiet,
    )?;
    let started = Instant::now();
    let mut results = Vec::new();
    let mut folders = Vec::new();
    for (((scenario, source), plan), claim) in scenarios
        .into_iter()
        .zip(&sources)
        .zip(plans)
        .zip(&mut claims)
    {
        let info = runner.info(source.describe(), &config.command_line);
        let result = runner.run_scenario(scenario, claim, &job, plan, info)?;
        let dir = claim.dir().to_path_buf();
        runner.finished.push(dir.clone());
        results.push(result);
        folders.push(dir);
    }
    // The command is done: its checkpoints are of no more use.
    for dir in &folders {
        checkpoint::remove(dir)
            .with_context(|| format!("cannot remove {}", checkpoint::folder(dir).display()))?;
    }
    let (threads, lab_steps) = (runner.threads, runner.lab_steps);
    let resumed = (runner.resumed > 0).then_some((runner.simulated, runner.resumed));
    let progress = runner.progress;
    progress.finish_and_clear();

    let comparison = match comparison_folder {
        Some(mut dir) => {
            write_comparison(&mut dir, &results, &config.figures)?;
            Some(dir.path(output::comparison::FILE_NAME))
        }
        None => None,
    };
    if !config.quiet {
        print_report(
            &results,
            &folders,
            comparison.as_deref(),
            threads,
            lab_steps,
            resumed,
            started.elapsed().as_secs_f64(),
        );
    }
    Ok(RunReport {
        results,
        folders,
        comparison,
    })
}

/// Writes a comparison folder: `comparison.csv`, its figures and page,
/// all or nothing.
pub fn write_comparison(
    folder: &mut Folder,
    results: &[ScenarioResult],
    figures: &FigureOptions,
) -> anyhow::Result<()> {
    let csv = output::comparison::render(results);
    let data = crate::plot::comparison_data_from(folder.dir(), &csv)?;
    let drawn = match figures.size {
        Some(size) => crate::plot::comparison_of(&data, &size)?,
        None => Vec::new(),
    };
    let page = output::report::comparison_page(&data.name, &data.table, &drawn)?;
    let cannot = || format!("cannot write to {}", folder.dir().display());
    let table = folder
        .stage(output::comparison::FILE_NAME, &csv)
        .with_context(cannot)?;
    write_page(folder, vec![table], &drawn, &page, Scope::Whole)
}

/// Commits `staged` with a folder's figures and its report page, all or
/// nothing.
fn write_page(
    folder: &mut Folder,
    mut staged: Vec<output::atomic::AtomicFile>,
    drawn: &[crate::plot::Drawn],
    page: &str,
    scope: Scope,
) -> anyhow::Result<()> {
    let dir = folder.dir().to_path_buf();
    let cannot = || format!("cannot write to {}", dir.display());
    staged.extend(output::stage_figures(folder, drawn).with_context(cannot)?);
    staged.push(
        folder
            .stage(output::report::FILE_NAME, page.as_bytes())
            .with_context(cannot)?,
    );
    folder
        .commit(staged, None, scope)
        .map_err(folder::into_anyhow)
        .with_context(cannot)
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
        written.push(dir.join(crate::plot::FIGURES_DIR));
    }
    Ok(written)
}

/// [`plot`] for one folder: redraws it as the kind its record names.
fn plot_folder(dir: &Path, size: &crate::plot::Size) -> anyhow::Result<()> {
    use crate::plot::game_figures::{Files, GameFolder};
    let Some(mut folder) = Folder::open(dir)? else {
        let looks_written =
            GameFolder::detect(dir).is_some() || dir.join("manifest.json").is_file();
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
            let (drawn, page) = sweep_page(dir, &csv, &figures)?;
            write_page(&mut folder, Vec::new(), &drawn, &page, Scope::Page)?;
        }
        Kind::Comparison => {
            let data = crate::plot::comparison_data(dir)?;
            let drawn = crate::plot::comparison_of(&data, size)?;
            let page = output::report::comparison_page(&data.name, &data.table, &drawn)?;
            write_page(&mut folder, Vec::new(), &drawn, &page, Scope::Page)?;
        }
        Kind::Scenario => {
            let data = crate::plot::ScenarioData::read(dir)?;
            let drawn = crate::plot::scenario(
                &data.name,
                &read_data(dir, "timeseries.csv")?,
                &read_data(dir, "summary.csv")?,
                size,
            )?;
            let text =
                |f: &str| read_data(dir, f).map(|b| String::from_utf8_lossy(&b).into_owned());
            let description = serde_json::from_str::<serde_json::Value>(&text("summary.json")?)
                .ok()
                .and_then(|v| {
                    v.get("description")
                        .and_then(|d| d.as_str())
                        .map(str::to_string)
                })
                .unwrap_or_default();
            let page = output::report::scenario_page(
                &data,
                &description,
                &drawn,
                &text("scenario.toml")?,
                &text("manifest.json")?,
            );
            write_page(&mut folder, Vec::new(), &drawn, &page, Scope::Page)?;
        }
        Kind::Game | Kind::Dsair | Kind::Precipice => {
            let kind = match folder.kind() {
                Kind::Game => GameFolder::Game,
                Kind::Dsair => GameFolder::Dsair,
                _ => GameFolder::Precipice,
            };
            let files = Files::read(dir, kind.files())?;
            let drawn = crate::plot::game_folder(kind, &files, size)?;
            let page = output::game_report::page(kind, &files, &drawn)?;
            write_page(&mut folder, Vec::new(), &drawn, &page, Scope::Page)?;
        }
        Kind::Exploration => {
            return Err(InputError::Usage(format!(
                "{} is an exploration: its figures are drawn by airace explore, from the \
                 experiments it runs, not redrawn from its tables (run airace explore again, \
                 with --width/--height/--dpi)",
                dir.display()
            ))
            .into());
        }
        Kind::ScenarioShard | Kind::SweepShard => {
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

/// The bytes of a folder's data file, or the error `airace plot` reports.
fn read_data(dir: &Path, name: &str) -> Result<Vec<u8>, crate::plot::DataError> {
    std::fs::read(dir.join(name)).map_err(|source| crate::plot::DataError::Read {
        path: dir.join(name).display().to_string(),
        source,
    })
}

/// Everything `airace sweep` needs.
#[derive(Debug, Clone)]
pub struct SweepConfig {
    pub scenario: PathBuf,
    /// `KEY=V1,V2,...` or `KEY=LOW..HIGH`, as typed.
    pub sets: Vec<String>,
    /// Points of a Latin hypercube (with ranges).
    pub samples: Option<usize>,
    pub runs: Option<u64>,
    pub seed: Option<u64>,
    pub threads: Option<usize>,
    pub out: PathBuf,
    /// Folder name; default `<scenario>-sweep`.
    pub name: Option<String>,
    /// Write every point's full outputs under `points/`.
    pub keep_points: bool,
    /// Write into a folder that holds files airace did not write.
    pub force: bool,
    pub quiet: bool,
    pub figures: FigureOptions,
    pub command_line: Vec<String>,
    /// Run only this shard of the points, into `OUT/NAME/shard-K-of-N/`.
    pub shard: Option<ShardSpec>,
}

/// The file of a sweep's results.
pub const SWEEP_FILE: &str = "sweep.csv";

/// `airace sweep`: runs every point of a parameter sweep with one seed and
/// writes `sweep.csv`, its figures and page. Returns the sweep's folder.
pub fn sweep(config: &SweepConfig) -> anyhow::Result<PathBuf> {
    let mut created = Created::default();
    let result = sweep_in(config, &mut created);
    if result.is_err() {
        created.remove_empty();
    }
    result
}

fn sweep_in(config: &SweepConfig, created: &mut Created) -> anyhow::Result<PathBuf> {
    let crate::scenario::SourceFile {
        text: source,
        origin,
        stem,
    } = crate::scenario::SourceFile::read(&config.scenario)?;
    // Sweep::new parses the base scenario first; a malformed --set is only
    // reported once the file is known to be sound.
    let sets = match config
        .sets
        .iter()
        .map(|s| crate::sweep::parse_set(s))
        .collect()
    {
        Ok(sets) => sets,
        Err(e) => {
            Scenario::from_str_named(&source, &origin, &stem)?;
            return Err(InputError::Usage(e).into());
        }
    };
    let mut plan =
        crate::sweep::Sweep::new(&source, &origin, &stem, sets, config.samples, config.seed)?;
    if let Some(runs) = config.runs {
        // --runs replaces every point's runs, so a swept scenario.runs would
        // be reported in sweep.csv but never run.
        if let Some(p) = plan
            .parameters
            .iter()
            .find(|p| p.key.spec.path == "scenario.runs")
        {
            return Err(InputError::Usage(format!(
                "{origin}: --runs {runs} would run every point {runs} times, but `{}` is swept: \
                 leave out --runs, or do not sweep scenario.runs",
                p.key.text
            ))
            .into());
        }
        plan.points
            .iter_mut()
            .for_each(|p| p.scenario.meta.runs = runs);
    }
    let name = config.name.clone().unwrap_or_else(|| plan.name.clone());
    check_names(&[], Some(&name))?;
    let points = match config.shard {
        Some(spec) => spec.point_range(plan.points.len(), &name)?,
        None => 0..plan.points.len(),
    };
    let dir = match config.shard {
        Some(spec) => config.out.join(&name).join(spec.folder_name()),
        None => config.out.join(&name),
    };
    crate::resources::check_sweep(&plan.points[points.clone()], points.start, &origin, config)?;
    let kind = match config.shard {
        Some(_) => Kind::SweepShard,
        None => Kind::Sweep,
    };
    let mut folder = created.claim(&dir, kind, config.force)?;

    let total: u64 = plan.points[points.clone()]
        .iter()
        .map(|p| p.scenario.meta.runs)
        .sum();
    let mut runner = Runner::new(config.threads, total, config.quiet)?;
    let started = Instant::now();
    let mut csv = String::from("point,design");
    for p in &plan.parameters {
        csv.push(',');
        csv.push_str(&p.key.text);
    }
    csv.push_str(",runs");
    csv.push_str(&output::comparison::metric_header());
    csv.push('\n');
    let header_len = csv.len();
    let job = ScenarioJob {
        run_rows: true,
        figures: &config.figures,
        shard: None,
        checkpoint_every: CHECKPOINT_EVERY,
        keep_complete: false,
        command_scenarios: &[],
        comparison: None,
    };
    let point_count = plan.points.len();
    let sweep_name = name.as_str();
    let at_point = |k: usize| {
        move |e: anyhow::Error| {
            if is_interrupted(&e) {
                e.context(format!(
                    "sweep {sweep_name} stopped at point {} of {point_count} and wrote no \
                     sweep.csv (run it again to start over)",
                    k + 1
                ))
            } else {
                e
            }
        }
    };
    for k in points.clone() {
        let point = &plan.points[k];
        let summary = if config.keep_points {
            let point_dir = dir.join("points").join(format!("{:04}", k + 1));
            let info = runner.info(
                format!("{origin} at sweep point {}", k + 1),
                &config.command_line,
            );
            let mut point_folder = Folder::claim(&point_dir, Kind::Scenario, false)?;
            runner
                .run_scenario(
                    point.scenario.clone(),
                    &mut point_folder,
                    &job,
                    Plan::Fresh,
                    info,
                )
                .map_err(at_point(k))?
                .summary
        } else {
            let aggregate = runner.simulate(&point.scenario).map_err(at_point(k))?;
            output::Summary::new(&point.scenario, point.scenario.meta.seed, &aggregate)
        };
        csv.push_str(&format!("{},{}", k + 1, plan.design.name()));
        for (p, v) in plan.parameters.iter().zip(&point.values) {
            csv.push(',');
            csv.push_str(&p.cell(*v));
        }
        csv.push_str(&format!(",{}", summary.runs));
        output::comparison::metric_cells(&mut csv, &summary);
        csv.push('\n');
    }
    runner.finish();
    if let Some(spec) = config.shard {
        // What every shard of this sweep must agree on: the header and each
        // point's scenario as run.
        let reproduce = plan.to_toml(config.runs);
        let mut fingerprint = csv[..header_len].to_string();
        fingerprint.push_str(&reproduce);
        for p in &plan.points {
            fingerprint.push_str(&checkpoint::scenario_fnv(&p.scenario));
            fingerprint.push('\n');
        }
        let info = runner.info(origin.clone(), &config.command_line);
        let unit = crate::shard::Unit::Sweep {
            points: plan.points.len(),
            first_point: points.start,
            end_point: points.end,
            keep_points: config.keep_points,
            plan_fnv: crate::stats::codec::fnv_hex(fingerprint.as_bytes()),
        };
        let manifest = crate::shard::ShardManifest::new(&name, spec, plan.seed, unit, &info);
        crate::shard::write_sweep_shard(&mut folder, csv.as_bytes(), &reproduce, manifest)
            .map_err(folder::into_anyhow)
            .with_context(|| format!("cannot write to {}", dir.display()))?;
        if !config.quiet {
            println!(
                "airace {}: shard {spec} of sweep {name}: points {}..{} of {}, {:.1} s\nshard: {}",
                env!("CARGO_PKG_VERSION"),
                points.start + 1,
                points.end,
                plan.points.len(),
                started.elapsed().as_secs_f64(),
                dir.display()
            );
        }
        return Ok(dir);
    }
    let info = runner.info(origin.clone(), &config.command_line);
    write_sweep(
        &mut folder,
        &csv,
        &plan.to_toml(config.runs),
        plan.seed,
        &info,
        &config.figures,
    )?;
    if !config.quiet {
        println!(
            "airace {}: sweep of {} ({} points x {} runs, {}, seed {}), {} thread(s), {:.1} s",
            env!("CARGO_PKG_VERSION"),
            origin,
            plan.points.len(),
            plan.points.first().map_or(0, |p| p.scenario.meta.runs),
            plan.design.name().replace('_', " "),
            plan.seed,
            runner.threads,
            started.elapsed().as_secs_f64()
        );
        println!("results: {}", dir.join(SWEEP_FILE).display());
    }
    Ok(dir)
}

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
    let (drawn, page) = sweep_page(folder.dir(), csv.as_bytes(), figures)?;
    let mut outputs = vec![
        SWEEP_FILE.to_string(),
        crate::sweep::REPRODUCE_FILE.to_string(),
    ];
    outputs.extend(output::page_outputs(&drawn));
    let manifest = output::manifest::SweepManifest::new(csv, seed, info, &outputs).to_bytes();
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
        .stage("manifest.json", &manifest)
        .with_context(cannot)?;
    folder
        .commit(staged, Some(manifest), Scope::Whole)
        .map_err(folder::into_anyhow)
        .with_context(cannot)
}

/// The figures and page of the sweep in `dir`, from the bytes of its
/// `sweep.csv`.
fn sweep_page(
    dir: &Path,
    csv: &[u8],
    figures: &FigureOptions,
) -> anyhow::Result<(Vec<crate::plot::Drawn>, String)> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let drawn = match figures.size {
        Some(size) => crate::plot::sweep(&name, csv, &size)?,
        None => Vec::new(),
    };
    let table = crate::plot::data::Table::parse(csv, &format!("{name}/{SWEEP_FILE}"))?;
    let page = output::report::sweep_page(&name, &table, &drawn);
    Ok((drawn, page))
}

/// Runs scenarios one after another on a pool of worker threads, with one
/// progress bar over all of them.
pub struct Runner {
    pub threads: usize,
    pool: rayon::ThreadPool,
    progress: indicatif::ProgressBar,
    done: u64,
    /// Folders completed so far, named if a signal stops the run.
    pub finished: Vec<PathBuf>,
    /// Nominal lab-steps simulated by this process (not those resumed).
    pub lab_steps: f64,
    /// Runs simulated by this process.
    pub simulated: u64,
    /// Runs taken from checkpoints of an earlier, interrupted process.
    pub resumed: u64,
}

impl Runner {
    /// `total_runs` sizes the progress bar.
    pub fn new(threads: Option<usize>, total_runs: u64, quiet: bool) -> anyhow::Result<Runner> {
        let pool = thread_pool(threads)?;
        Ok(Runner {
            threads: pool.current_num_threads(),
            pool,
            progress: progress_bar(total_runs, quiet, "runs, {per_sec}"),
            done: 0,
            finished: Vec::new(),
            lab_steps: 0.0,
            simulated: 0,
            resumed: 0,
        })
    }

    /// The provenance recorded in a manifest.
    pub fn info(&self, source: String, command_line: &[String]) -> RunInfo {
        RunInfo {
            airace_version: env!("CARGO_PKG_VERSION"),
            source,
            threads: self.threads,
            command_line: command_line.to_vec(),
            merged_shards: None,
        }
    }

    /// Simulates `scenario` (all its runs, or a shard's) and writes its
    /// outputs into `dir`, taking checkpoints as it goes; `plan` says
    /// whether it starts afresh or goes on from a checkpoint.
    pub fn run_scenario(
        &mut self,
        scenario: Scenario,
        folder: &mut Folder,
        job: &ScenarioJob<'_>,
        plan: Plan,
        info: RunInfo,
    ) -> anyhow::Result<ScenarioResult> {
        let dir_buf = folder.dir().to_path_buf();
        let dir = dir_buf.as_path();
        let identity = job.identity(&scenario);
        let range = identity.first_run..identity.end_run;
        let (labs, steps) = (scenario.lab_count(), scenario.meta.steps);
        let (start, next_run, row_lens) = match plan {
            Plan::Done(saved) => {
                self.done += range.end - range.start;
                self.resumed += range.end - range.start;
                self.progress.set_position(self.done);
                return Ok(ScenarioResult::new(scenario, saved.aggregate, info));
            }
            Plan::Resume(saved) => {
                let c = &saved.checkpoint;
                let prefixes = c.prefixes().map_err(|e| {
                    InputError::Usage(format!("cannot resume {}: {e}", dir.display()))
                })?;
                (saved.aggregate, c.next_run, Some(prefixes))
            }
            Plan::Fresh => {
                checkpoint::remove(dir).with_context(|| {
                    format!("cannot clear an old checkpoint in {}", dir.display())
                })?;
                (Aggregate::new(labs, steps), range.start, None)
            }
        };
        let work = checkpoint::folder(dir);
        std::fs::create_dir_all(&work)
            .with_context(|| format!("cannot create {}", work.display()))?;
        let names: Vec<String> = scenario.labs.iter().map(|l| l.name.clone()).collect();
        let columns = crate::output::rows::LabColumns::of(&scenario);
        let rows = match (job.run_rows, row_lens) {
            (false, _) => None,
            (true, None) => Some(RowWriter::create_in(&work, dir, names, columns)),
            (true, Some(lens)) => Some(RowWriter::reopen_in(&work, dir, names, columns, lens)),
        }
        .transpose()
        .with_context(|| format!("cannot write per-run rows to {}", work.display()))?;
        let mut sink = CheckpointSink {
            dir,
            identity: &identity,
            rows,
            every: job.checkpoint_every,
            last: Instant::now(),
            saved: row_lens.is_some(),
        };

        self.progress.set_message(scenario.meta.name.clone());
        self.done += next_run - range.start;
        let model = RaceModel::new(&scenario);
        let done = self.done;
        let progress = &self.progress;
        let control = Control {
            progress: &progress_from(progress, done),
            cancel: &INTERRUPTED,
        };
        let outcome = if next_run == range.end {
            // Simulated in full by an earlier process that was stopped
            // while writing: only the outputs are left to write.
            Ok(start)
        } else {
            self.pool.install(|| {
                engine::simulate_range(
                    &model,
                    scenario.meta.seed,
                    next_run..range.end,
                    start,
                    &mut sink,
                    &control,
                )
            })
        };
        let aggregate = match outcome {
            Ok(aggregate) => aggregate,
            Err(Stopped::Cancelled {
                aggregate,
                next_run: stopped,
            }) => {
                progress.finish_and_clear();
                if stopped > next_run {
                    sink.save(&aggregate, stopped, false).with_context(|| {
                        format!("cannot save a checkpoint in {}", work.display())
                    })?;
                }
                let kept = sink.abandon().then(|| work.clone());
                return Err(anyhow::Error::new(Interrupted {
                    scenario: scenario.meta.name.clone(),
                    completed: stopped - range.start,
                    total: range.end - range.start,
                    finished: self.finished.clone(),
                    checkpoint: kept,
                }));
            }
            Err(Stopped::Sink(e)) => {
                sink.abandon();
                return Err(anyhow::Error::new(e)
                    .context(format!("cannot write per-run rows to {}", work.display())));
            }
        };
        self.done = done + (range.end - next_run);
        self.lab_steps += (range.end - next_run) as f64 * f64::from(steps) * labs as f64;
        self.simulated += range.end - next_run;
        self.resumed += next_run - range.start;
        // The whole state first (a command of several scenarios resumes
        // from it), then the outputs, committed together.
        sink.save(&aggregate, range.end, true)
            .with_context(|| format!("cannot save a checkpoint in {}", work.display()))?;
        let streamed: Vec<_> = sink
            .rows
            .take()
            .map(|r| r.finish().into())
            .unwrap_or_default();
        let result = ScenarioResult::new(scenario, aggregate, info);
        let written = match job.shard {
            Some(spec) => {
                let unit = crate::shard::Unit::Scenario {
                    runs: result.scenario.meta.runs,
                    first_run: range.start,
                    end_run: range.end,
                    steps: result.scenario.meta.steps,
                    labs: result.scenario.lab_count(),
                    run_rows: job.run_rows,
                    scenario_fnv: identity.scenario_fnv.clone(),
                    command_scenarios: job.command_scenarios.to_vec(),
                    comparison: job.comparison.map(str::to_string),
                };
                let manifest = crate::shard::ShardManifest::new(
                    &result.scenario.meta.name,
                    spec,
                    result.scenario.meta.seed,
                    unit,
                    &result.info,
                );
                crate::shard::write_scenario_shard(folder, &result, streamed, manifest)
                    .map_err(folder::into_anyhow)
            }
            None => output::write_scenario(folder, &result, streamed, job.figures)
                .map_err(output::WriteError::into_anyhow),
        };
        if let Err(e) = written {
            if e.downcast_ref::<crate::interrupt::StoppedWriting>()
                .is_some()
            {
                // Simulated in full, stopped while writing: the complete
                // checkpoint (rows included) stays for --resume.
                progress.finish_and_clear();
                return Err(anyhow::Error::new(Interrupted {
                    scenario: result.scenario.meta.name.clone(),
                    completed: range.end - range.start,
                    total: range.end - range.start,
                    finished: self.finished.clone(),
                    checkpoint: Some(work.clone()),
                }));
            }
            return Err(e.context(format!("cannot write results to {}", dir.display())));
        }
        if job.keep_complete {
            sink.mark_written()
                .with_context(|| format!("cannot save a checkpoint in {}", work.display()))?;
        } else {
            checkpoint::remove(dir).with_context(|| format!("cannot remove {}", work.display()))?;
        }
        Ok(result)
    }

    /// Simulates `scenario` without writing anything (a sweep's point): the
    /// totals its [`Summary`](output::Summary) reads, without the per-step
    /// statistics ([`engine::simulate_summary`]).
    pub fn simulate(&mut self, scenario: &Scenario) -> anyhow::Result<crate::engine::Aggregate> {
        self.progress.set_message(scenario.meta.name.clone());
        let model = RaceModel::new(scenario);
        let progress = &self.progress;
        let control = Control {
            progress: &progress_from(progress, self.done),
            cancel: &INTERRUPTED,
        };
        let (seed, runs) = (scenario.meta.seed, scenario.meta.runs);
        let aggregate = self
            .pool
            .install(|| engine::simulate_summary(&model, seed, runs, &mut engine::NoSink, &control))
            .map_err(|e| match e {
                Stopped::Sink(never) => match never {},
                Stopped::Cancelled { aggregate, .. } => {
                    progress.finish_and_clear();
                    anyhow::Error::new(Interrupted {
                        scenario: scenario.meta.name.clone(),
                        completed: aggregate.runs,
                        total: runs,
                        finished: self.finished.clone(),
                        checkpoint: None,
                    })
                }
            })?;
        self.done += runs;
        self.simulated += runs;
        self.lab_steps +=
            runs as f64 * f64::from(scenario.meta.steps) * scenario.lab_count() as f64;
        Ok(aggregate)
    }

    pub fn finish(&self) {
        self.progress.finish_and_clear();
    }
}

/// Output folders must not collide.
fn check_names(scenarios: &[Scenario], comparison: Option<&str>) -> Result<(), InputError> {
    for (i, s) in scenarios.iter().enumerate() {
        if let Some(first) = scenarios[..i]
            .iter()
            .position(|t| t.meta.name == s.meta.name)
        {
            return Err(InputError::Usage(format!(
                "scenarios {} and {} are both named `{}`, so their outputs would share a folder: \
                 give one of them another [scenario] name",
                first + 1,
                i + 1,
                s.meta.name
            )));
        }
    }
    if let Some(name) = comparison {
        if !crate::scenario::valid_name(name) {
            return Err(InputError::Usage(format!(
                "--name `{name}` cannot name a folder: use {}",
                crate::scenario::NAME_RULE
            )));
        }
        if scenarios.len() > 1 && scenarios.iter().any(|s| s.meta.name == name) {
            return Err(InputError::Usage(format!(
                "the comparison is named `{name}`, like one of its scenarios: give the comparison another --name"
            )));
        }
    }
    Ok(())
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

fn print_report(
    results: &[ScenarioResult],
    folders: &[PathBuf],
    comparison: Option<&Path>,
    threads: usize,
    lab_steps: f64,
    resumed: Option<(u64, u64)>,
    secs: f64,
) {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    // The speed is of this process's runs only: those resumed from a
    // checkpoint took no time here.
    let over = match resumed {
        Some((simulated, resumed)) => format!(
            " over the {simulated} runs simulated now; {resumed} were resumed from a checkpoint"
        ),
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "airace {}: {} scenario(s), seed {}, {threads} thread(s), {secs:.1} s ({:.1} M lab-steps/s{over})\n",
        env!("CARGO_PKG_VERSION"),
        results.len(),
        results.first().map_or(0, |r| r.scenario.meta.seed),
        lab_steps / secs.max(1e-9) / 1e6
    );
    let width = results
        .iter()
        .map(|r| r.summary.scenario.len())
        .max()
        .unwrap_or(8)
        .max(8);
    let _ = writeln!(
        out,
        "{:<width$}  {:>7}  {:<26}  {:>8}  {:>9}  {:>9}  {:>9}",
        "scenario",
        "runs",
        "P(catastrophe) [95% CI]",
        "sampled",
        "unwarned",
        "no winner",
        "frontier"
    );
    for r in results {
        let s = &r.summary;
        let p = &s.p_catastrophe;
        let _ = writeln!(
            out,
            "{:<width$}  {:>7}  {:.4} [{:.4}, {:.4}]  {:>8.4}  {:>9.4}  {:>9.4}  {:>9.2}",
            s.scenario,
            s.runs,
            p.mean,
            p.ci_low,
            p.ci_high,
            s.p_catastrophe_sampled.mean,
            s.p_catastrophe_unwarned.mean,
            s.p_no_winner.mean,
            s.frontier_capability.p50,
        );
    }
    let _ = writeln!(
        out,
        "\n(frontier = median final frontier capability; capability outcomes are counterfactual, as if no catastrophe had stopped the run)"
    );
    for f in folders {
        let _ = writeln!(out, "results: {}", f.display());
    }
    if let Some(c) = comparison {
        let _ = writeln!(out, "comparison: {}", c.display());
    }
}

/// `airace validate`: checks scenario files (a `[sweep]` table as `airace
/// sweep FILE` would read it), and game files (those with a `[game]` table)
/// as `airace game` reads them; every file's problems
/// together. Returns a line per file that is sound, and the problems of
/// the others.
pub fn validate_files(paths: &[PathBuf]) -> (Vec<String>, Result<(), InputError>) {
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        match validate_file(path) {
            Ok(line) => lines.push(line),
            Err(e) => problems.push(e),
        }
    }
    let result = if problems.is_empty() {
        Ok(())
    } else {
        Err(InputError::Scenarios(problems))
    };
    (lines, result)
}

/// One file of [`validate_files`], read once: a game if it has a top-level
/// `[game]` table (text that is not TOML is left to the scenario reader's
/// messages), else a scenario with its `[sweep]` table.
fn validate_file(path: &Path) -> Result<String, ScenarioError> {
    let file = crate::scenario::SourceFile::read(path)?;
    let is_game = file
        .text
        .parse::<toml::Table>()
        .is_ok_and(|table| table.get("game").is_some_and(toml::Value::is_table));
    let is_exploration = file
        .text
        .parse::<toml::Table>()
        .is_ok_and(|table| table.get("explore").is_some_and(toml::Value::is_table));
    if is_exploration {
        let dir = path.parent().unwrap_or(Path::new(""));
        let e = crate::explore::file::Exploration::from_str_named(
            &file.text,
            &file.origin,
            &file.stem,
            dir,
            Default::default(),
        )?;
        return Ok(format!(
            "ok: exploration {} ({} design, {} worlds x {} policies x {} runs, seed {})",
            e.name,
            e.design.name(),
            e.points.len(),
            e.policies.len(),
            e.runs,
            e.seed
        ));
    }
    if is_game {
        let g = crate::game::game_file::Game::from_str_named(&file.text, &file.origin, &file.stem)?;
        return Ok(format!(
            "ok: game {} ({} players, {} strategies, {} profiles of {} runs of {} steps, seed {})",
            g.scenario.meta.name,
            g.players(),
            g.strategies.len(),
            g.profile_count(),
            g.scenario.meta.runs,
            g.scenario.meta.steps,
            g.scenario.meta.seed
        ));
    }
    let s = Scenario::from_str_named(&file.text, &file.origin, &file.stem)?;
    crate::sweep::check_table(&file.text, &file.origin, &file.stem)?;
    let mut line = format!(
        "ok: {} ({} labs, {} runs of {} steps, seed {})",
        s.meta.name,
        s.labs.len(),
        s.meta.runs,
        s.meta.steps,
        s.meta.seed
    );
    // Sound but probably not what was meant: said, the file still valid.
    for warning in s.warnings() {
        line.push_str(&format!("\nwarning: {}: {warning}", file.origin));
    }
    Ok(line)
}

/// Whether a signal stopped the run (exit code 130).
pub fn is_interrupted(error: &anyhow::Error) -> bool {
    error.downcast_ref::<Interrupted>().is_some()
        || error.downcast_ref::<Abandoned>().is_some()
        || error
            .downcast_ref::<crate::interrupt::StoppedWriting>()
            .is_some()
}

/// Whether an error is the user's input to fix (exit code 2).
pub fn is_input_error(error: &anyhow::Error) -> bool {
    error.downcast_ref::<InputError>().is_some()
        || error.downcast_ref::<ScenarioError>().is_some()
        || error.downcast_ref::<folder::Refused>().is_some()
}
