//! The commands of the `airace` binary as plain library functions taking
//! plain configuration: the pipeline from scenario files to output folders.
//! The command-line layer (clap) lives only in `main.rs`.

use crate::builtin::{self, BuiltIn};
use crate::engine::{self, Control, RaceModel, Stopped};
use crate::output::{self, FigureOptions, RunInfo, ScenarioResult, rows::RowWriter};
use crate::scenario::{Scenario, ScenarioError};
use anyhow::Context as _;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

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

/// Raised by SIGINT or SIGTERM (see [`install_interrupt_handler`]); the
/// engine checks it between waves of blocks, a fraction of a second apart.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Makes Ctrl-C and SIGTERM stop a run cleanly: the first signal raises
/// [`INTERRUPTED`]; a second one exits at once.
pub fn install_interrupt_handler() -> anyhow::Result<()> {
    ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            eprintln!("\ninterrupted again: exiting at once");
            std::process::exit(130);
        }
    })
    .context("cannot install the Ctrl-C handler")
}

/// A run stopped by a signal. Everything it names as finished is whole;
/// the scenario it stopped in wrote nothing (its temporary files were removed).
#[derive(Debug, thiserror::Error)]
#[error(
    "interrupted: scenario {scenario} stopped after {completed} of {total} runs and wrote nothing \
     (its temporary files were removed){}",
    if finished.is_empty() { String::new() } else {
        format!("; finished before it, and complete: {}", finished.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))
    }
)]
pub struct Interrupted {
    pub scenario: String,
    pub completed: u64,
    pub total: u64,
    pub finished: Vec<PathBuf>,
}

/// Names of everything airace writes in an output folder.
const OUR_NAMES: &[&str] = &[
    "summary.json",
    "summary.csv",
    "timeseries.csv",
    "runs.csv",
    "labs.csv",
    "scenario.toml",
    "manifest.json",
    "index.html",
    "comparison.csv",
    "sweep.csv",
    "figures",
    "points",
];

/// Checks that airace may write into `dir`: it does not exist, is empty, or
/// holds only what airace writes; anything else needs `force`. Then makes
/// sure the folder can be created and written, before any work is done.
pub fn claim_folder(dir: &Path, force: bool) -> Result<(), InputError> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err(InputError::Usage(format!(
                "{} exists and is not a folder: choose another --out or --name",
                dir.display()
            )));
        }
        let entries = std::fs::read_dir(dir).map_err(|e| {
            InputError::Usage(format!("cannot read output folder {}: {e}", dir.display()))
        })?;
        let mut foreign: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| !name.starts_with('.') && !OUR_NAMES.contains(&name.as_str()))
            .collect();
        foreign.sort();
        if !foreign.is_empty() && !force {
            let shown: Vec<&str> = foreign.iter().take(5).map(String::as_str).collect();
            return Err(InputError::Usage(format!(
                "{} holds files airace did not write ({}{}): choose another --out, or add --force to write \
                 airace's files beside them (airace never deletes files it did not create)",
                dir.display(),
                shown.join(", "),
                if foreign.len() > 5 { ", ..." } else { "" }
            )));
        }
    }
    let cannot = |e: std::io::Error| {
        InputError::Usage(format!(
            "cannot write to output folder {}: {e}",
            dir.display()
        ))
    };
    std::fs::create_dir_all(dir).map_err(cannot)?;
    let probe = dir.join(format!(".airace-write-test-{}", std::process::id()));
    std::fs::write(&probe, b"airace").map_err(cannot)?;
    std::fs::remove_file(&probe).map_err(cannot)?;
    Ok(())
}

/// Input the user must fix: reported with exit code 2, before any output.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    Scenarios(Vec<ScenarioError>),
    #[error("{0}")]
    Usage(String),
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
}

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

    crate::resources::check_run(&scenarios, sources.iter().map(Source::describe), config)?;
    for s in &scenarios {
        claim_folder(&config.out.join(&s.meta.name), config.force)?;
    }
    if let Some(name) = comparison_name.as_ref().filter(|_| scenarios.len() > 1) {
        claim_folder(&config.out.join(name), config.force)?;
    }
    let mut runner = Runner::new(
        config.threads,
        scenarios.iter().map(|s| s.meta.runs).sum(),
        config.quiet,
    )?;
    let started = Instant::now();
    let mut results = Vec::new();
    let mut folders = Vec::new();
    for (scenario, source) in scenarios.into_iter().zip(&sources) {
        let dir = config.out.join(&scenario.meta.name);
        let info = runner.info(source.describe(), &config.command_line);
        let result = runner.run_scenario(scenario, &dir, config.run_rows, &config.figures, info)?;
        runner.finished.push(dir.clone());
        results.push(result);
        folders.push(dir);
    }
    let threads = runner.threads;
    let progress = runner.progress;
    progress.finish_and_clear();

    let comparison = match comparison_name.filter(|_| results.len() > 1) {
        Some(name) => {
            let dir = config.out.join(name);
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create output folder {}", dir.display()))?;
            let path = dir.join(output::comparison::FILE_NAME);
            output::atomic::stage(&path, &output::comparison::render(&results))
                .and_then(|f| f.commit())
                .with_context(|| format!("cannot write {}", path.display()))?;
            write_comparison_extras(&dir, &config.figures)?;
            Some(path)
        }
        None => None,
    };
    if !config.quiet {
        print_report(
            &results,
            &folders,
            comparison.as_deref(),
            threads,
            started.elapsed().as_secs_f64(),
        );
    }
    Ok(RunReport {
        results,
        folders,
        comparison,
    })
}

/// The figures and page of a comparison folder, drawn from its CSV files
/// and its scenarios' (siblings of the folder).
fn write_comparison_extras(dir: &Path, figures: &FigureOptions) -> anyhow::Result<()> {
    let drawn = match figures.size {
        Some(size) => crate::plot::comparison(dir, &size)?,
        None => Vec::new(),
    };
    let table = crate::plot::data::Table::read(&dir.join(output::comparison::FILE_NAME))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let page = output::report::comparison_page(&name, &table, &drawn)?;
    let mut staged = output::stage_figures(dir, &drawn)?;
    staged.push(output::atomic::stage(
        &dir.join(output::report::FILE_NAME),
        page.as_bytes(),
    )?);
    for f in staged {
        f.commit()
            .with_context(|| format!("cannot write to {}", dir.display()))?;
    }
    Ok(())
}

/// `airace plot`: redraws the figures (and report page) of output folders
/// from their CSV files alone, without running anything.
pub fn plot(dirs: &[PathBuf], size: &crate::plot::Size) -> anyhow::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for dir in dirs {
        if dir.join(SWEEP_FILE).is_file() {
            write_sweep_extras(dir, &FigureOptions { size: Some(*size) })?;
        } else if dir.join(output::comparison::FILE_NAME).is_file() {
            write_comparison_extras(dir, &FigureOptions { size: Some(*size) })?;
        } else if dir.join("timeseries.csv").is_file() {
            let data = crate::plot::ScenarioData::read(dir)?;
            let read = |f: &str| {
                std::fs::read(dir.join(f))
                    .with_context(|| format!("cannot read {}", dir.join(f).display()))
            };
            let drawn = crate::plot::scenario(
                &data.name,
                &read("timeseries.csv")?,
                &read("summary.csv")?,
                size,
            )?;
            let text = |f: &str| read(f).map(|b| String::from_utf8_lossy(&b).into_owned());
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
            let mut staged = output::stage_figures(dir, &drawn)?;
            staged.push(output::atomic::stage(
                &dir.join(output::report::FILE_NAME),
                page.as_bytes(),
            )?);
            for f in staged {
                f.commit()
                    .with_context(|| format!("cannot write to {}", dir.display()))?;
            }
        } else if let Some(kind) = crate::plot::game_figures::GameFolder::detect(dir) {
            let files = crate::plot::game_figures::Files::read(dir, kind.files())?;
            let drawn = crate::plot::game_folder(kind, &files, size)?;
            let page = output::game_report::page(kind, &files, &drawn)?;
            let mut staged = output::stage_figures(dir, &drawn)?;
            staged.push(output::atomic::stage(
                &dir.join(output::report::FILE_NAME),
                page.as_bytes(),
            )?);
            for f in staged {
                f.commit()
                    .with_context(|| format!("cannot write to {}", dir.display()))?;
            }
        } else {
            return Err(InputError::Usage(format!(
                "{} is not an airace output folder: it has none of timeseries.csv (a scenario), \
                 comparison.csv (a comparison), sweep.csv (a sweep), payoffs.csv (a game), \
                 heatmap.csv (dsair) or disaster.csv (precipice)",
                dir.display()
            ))
            .into());
        }
        written.push(dir.join(crate::plot::FIGURES_DIR));
    }
    Ok(written)
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
}

/// The file of a sweep's results.
pub const SWEEP_FILE: &str = "sweep.csv";

/// `airace sweep`: runs every point of a parameter sweep with one seed and
/// writes `sweep.csv`, its figures and page. Returns the sweep's folder.
pub fn sweep(config: &SweepConfig) -> anyhow::Result<PathBuf> {
    // The base file first, with the scenario's own error messages.
    Scenario::load(&config.scenario)?;
    let source = std::fs::read_to_string(&config.scenario)
        .with_context(|| format!("cannot read {}", config.scenario.display()))?;
    let origin = config.scenario.display().to_string();
    let stem = config
        .scenario
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let sets = config
        .sets
        .iter()
        .map(|s| crate::sweep::parse_set(s))
        .collect::<Result<Vec<_>, _>>()
        .map_err(InputError::Usage)?;
    let mut plan =
        crate::sweep::Sweep::new(&source, &origin, &stem, sets, config.samples, config.seed)
            .map_err(|problems| InputError::Usage(problems.join("\n")))?;
    if let Some(runs) = config.runs {
        plan.points
            .iter_mut()
            .for_each(|p| p.scenario.meta.runs = runs);
    }
    let name = config.name.clone().unwrap_or_else(|| plan.name.clone());
    check_names(&[], Some(&name))?;
    let dir = config.out.join(&name);
    crate::resources::check_sweep(&plan.points, &origin, config)?;
    claim_folder(&dir, config.force)?;

    let total: u64 = plan.points.iter().map(|p| p.scenario.meta.runs).sum();
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
    for (k, point) in plan.points.iter().enumerate() {
        let summary = if config.keep_points {
            let point_dir = dir.join("points").join(format!("{:04}", k + 1));
            let info = runner.info(
                format!("{origin} at sweep point {}", k + 1),
                &config.command_line,
            );
            runner
                .run_scenario(
                    point.scenario.clone(),
                    &point_dir,
                    true,
                    &config.figures,
                    info,
                )?
                .summary
        } else {
            let (aggregate, _) = runner.simulate(&point.scenario, None)?;
            output::Summary::new(&point.scenario, point.scenario.meta.seed, &aggregate)
        };
        csv.push_str(&format!("{},{}", k + 1, plan.design.name()));
        for v in &point.values {
            csv.push(',');
            csv.push_str(&crate::scenario::keys::format_number(*v));
        }
        csv.push_str(&format!(",{}", summary.runs));
        output::comparison::metric_cells(&mut csv, &summary);
        csv.push('\n');
    }
    runner.finish();
    output::atomic::stage(&dir.join(SWEEP_FILE), csv.as_bytes())
        .and_then(|f| f.commit())
        .with_context(|| format!("cannot write {}", dir.join(SWEEP_FILE).display()))?;
    write_sweep_extras(&dir, &config.figures)?;
    if !config.quiet {
        println!(
            "airace {}: sweep of {} ({} points x {} runs, {}, seed {}), {} thread(s), {:.1} s",
            env!("CARGO_PKG_VERSION"),
            origin,
            plan.points.len(),
            plan.points.first().map_or(0, |p| p.scenario.meta.runs),
            plan.design.name().replace('_', " "),
            plan.points.first().map_or(0, |p| p.scenario.meta.seed),
            runner.threads,
            started.elapsed().as_secs_f64()
        );
        println!("results: {}", dir.join(SWEEP_FILE).display());
    }
    Ok(dir)
}

/// The figures and page of a sweep folder, from its `sweep.csv`.
fn write_sweep_extras(dir: &Path, figures: &FigureOptions) -> anyhow::Result<()> {
    let bytes = std::fs::read(dir.join(SWEEP_FILE))
        .with_context(|| format!("cannot read {}", dir.join(SWEEP_FILE).display()))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let drawn = match figures.size {
        Some(size) => crate::plot::sweep(&name, &bytes, &size)?,
        None => Vec::new(),
    };
    let table = crate::plot::data::Table::parse(&bytes, &format!("{name}/{SWEEP_FILE}"))?;
    let page = output::report::sweep_page(&name, &table, &drawn);
    let mut staged = output::stage_figures(dir, &drawn)?;
    staged.push(output::atomic::stage(
        &dir.join(output::report::FILE_NAME),
        page.as_bytes(),
    )?);
    for f in staged {
        f.commit()
            .with_context(|| format!("cannot write to {}", dir.display()))?;
    }
    Ok(())
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
}

impl Runner {
    /// `total_runs` sizes the progress bar.
    pub fn new(threads: Option<usize>, total_runs: u64, quiet: bool) -> anyhow::Result<Runner> {
        let threads =
            threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .context("cannot start worker threads")?;
        Ok(Runner {
            threads,
            pool,
            progress: progress_bar(total_runs, quiet),
            done: 0,
            finished: Vec::new(),
        })
    }

    /// The provenance recorded in a manifest.
    pub fn info(&self, source: String, command_line: &[String]) -> RunInfo {
        RunInfo {
            airace_version: env!("CARGO_PKG_VERSION"),
            source,
            threads: self.threads,
            command_line: command_line.to_vec(),
        }
    }

    /// Simulates `scenario` and writes its outputs into `dir`.
    pub fn run_scenario(
        &mut self,
        scenario: Scenario,
        dir: &Path,
        run_rows: bool,
        figures: &FigureOptions,
        info: RunInfo,
    ) -> anyhow::Result<ScenarioResult> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create output folder {}", dir.display()))?;
        let (aggregate, streamed) = self.simulate(&scenario, Some(dir).filter(|_| run_rows))?;
        let result = ScenarioResult::new(scenario, aggregate, info);
        output::write_scenario(dir, &result, streamed, figures)
            .with_context(|| format!("cannot write results to {}", dir.display()))?;
        Ok(result)
    }

    /// Simulates `scenario`; with `rows_dir`, streams per-run rows there
    /// (staged, to be committed with the other outputs).
    pub fn simulate(
        &mut self,
        scenario: &Scenario,
        rows_dir: Option<&Path>,
    ) -> anyhow::Result<(crate::engine::Aggregate, Vec<output::atomic::AtomicFile>)> {
        self.progress.set_message(scenario.meta.name.clone());
        let model = RaceModel::new(scenario);
        let done = self.done;
        let progress = &self.progress;
        let control = Control {
            progress: &|runs| progress.set_position(done + runs),
            cancel: &INTERRUPTED,
        };
        let (seed, runs) = (scenario.meta.seed, scenario.meta.runs);
        let cancelled = |completed: u64| {
            progress.finish_and_clear();
            anyhow::Error::new(Interrupted {
                scenario: scenario.meta.name.clone(),
                completed,
                total: runs,
                finished: self.finished.clone(),
            })
        };
        let out = match rows_dir {
            Some(dir) => {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create output folder {}", dir.display()))?;
                let names: Vec<String> = scenario.labs.iter().map(|l| l.name.clone()).collect();
                let mut rows = RowWriter::create(dir, names)
                    .with_context(|| format!("cannot write to {}", dir.display()))?;
                let aggregate = self
                    .pool
                    .install(|| engine::simulate(&model, seed, runs, &mut rows, &control))
                    .map_err(|e| match e {
                        Stopped::Sink(e) => anyhow::Error::new(e)
                            .context(format!("cannot write per-run rows to {}", dir.display())),
                        Stopped::Cancelled { completed_runs } => cancelled(completed_runs),
                    })?;
                (aggregate, rows.finish().into())
            }
            None => {
                let aggregate = self
                    .pool
                    .install(|| engine::simulate(&model, seed, runs, &mut engine::NoSink, &control))
                    .map_err(|e| match e {
                        Stopped::Sink(never) => match never {},
                        Stopped::Cancelled { completed_runs } => cancelled(completed_runs),
                    })?;
                (aggregate, Vec::new())
            }
        };
        self.done += runs;
        Ok(out)
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
        let valid = !name.is_empty()
            && !name.starts_with('.')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if !valid {
            return Err(InputError::Usage(format!(
                "--name `{name}` cannot name a folder: use letters, digits, '_', '-' and '.', not starting with '.'"
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

fn progress_bar(total: u64, quiet: bool) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg:>20} [{bar:40}] {pos}/{len} runs, {per_sec}, ETA {eta}",
        )
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
    secs: f64,
) {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let lab_steps: f64 = results
        .iter()
        .map(|r| {
            r.aggregate.runs as f64 * r.scenario.meta.steps as f64 * r.scenario.labs.len() as f64
        })
        .sum();
    let _ = writeln!(
        out,
        "airace {}: {} scenario(s), seed {}, {threads} thread(s), {secs:.1} s ({:.1} M lab-steps/s)\n",
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

/// `airace validate`: loads every scenario; returns them or all problems.
pub fn validate(paths: &[PathBuf]) -> Result<Vec<Scenario>, InputError> {
    let sources: Vec<Source> = paths.iter().cloned().map(Source::File).collect();
    load_all(&sources)
}

/// Whether a signal stopped the run (exit code 130).
pub fn is_interrupted(error: &anyhow::Error) -> bool {
    error.downcast_ref::<Interrupted>().is_some()
}

/// Whether an error is the user's input to fix (exit code 2).
pub fn is_input_error(error: &anyhow::Error) -> bool {
    error.downcast_ref::<InputError>().is_some() || error.downcast_ref::<ScenarioError>().is_some()
}
