//! The commands of the `airace` binary as plain library functions taking
//! plain configuration: the pipeline from scenario files to output folders.
//! The command-line layer (clap) lives only in `main.rs`.

use crate::builtin::{self, BuiltIn};
use crate::engine::{self, Control, RaceModel, Stopped};
use crate::output::{self, RunInfo, ScenarioResult, rows::RowWriter};
use crate::scenario::{Scenario, ScenarioError};
use anyhow::Context as _;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
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

    let threads = config
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start worker threads")?;
    std::fs::create_dir_all(&config.out)
        .with_context(|| format!("cannot create output folder {}", config.out.display()))?;

    let total_runs: u64 = scenarios.iter().map(|s| s.meta.runs).sum();
    let progress = progress_bar(total_runs, config.quiet);
    let started = Instant::now();
    let cancel = AtomicBool::new(false);
    let mut results = Vec::new();
    let mut folders = Vec::new();
    let mut done_before = 0;
    for (scenario, source) in scenarios.into_iter().zip(&sources) {
        let dir = config.out.join(&scenario.meta.name);
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create output folder {}", dir.display()))?;
        progress.set_message(scenario.meta.name.clone());
        let model = RaceModel::new(&scenario);
        let names: Vec<String> = scenario.labs.iter().map(|l| l.name.clone()).collect();
        let control = Control {
            progress: &|runs| progress.set_position(done_before + runs),
            cancel: &cancel,
        };
        let seed = scenario.meta.seed;
        let runs = scenario.meta.runs;
        let (aggregate, streamed) = if config.run_rows {
            let mut rows = RowWriter::create(&dir, names)
                .with_context(|| format!("cannot write to {}", dir.display()))?;
            let aggregate = pool
                .install(|| engine::simulate(&model, seed, runs, &mut rows, &control))
                .map_err(|e| match e {
                    Stopped::Sink(e) => anyhow::Error::new(e)
                        .context(format!("cannot write per-run rows to {}", dir.display())),
                    Stopped::Cancelled { completed_runs } => {
                        anyhow::anyhow!("cancelled after {completed_runs} runs")
                    }
                })?;
            (aggregate, rows.finish().into())
        } else {
            let aggregate = pool
                .install(|| engine::simulate(&model, seed, runs, &mut engine::NoSink, &control))
                .map_err(|e| match e {
                    Stopped::Sink(never) => match never {},
                    Stopped::Cancelled { completed_runs } => {
                        anyhow::anyhow!("cancelled after {completed_runs} runs")
                    }
                })?;
            (aggregate, Vec::new())
        };
        done_before += runs;
        let info = RunInfo {
            airace_version: env!("CARGO_PKG_VERSION"),
            source: source.describe(),
            threads,
            command_line: config.command_line.clone(),
        };
        let result = ScenarioResult::new(scenario, aggregate, info);
        output::write_scenario(&dir, &result, streamed, config.run_rows)
            .with_context(|| format!("cannot write results to {}", dir.display()))?;
        results.push(result);
        folders.push(dir);
    }
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

/// Whether an error is the user's input to fix (exit code 2).
pub fn is_input_error(error: &anyhow::Error) -> bool {
    error.downcast_ref::<InputError>().is_some() || error.downcast_ref::<ScenarioError>().is_some()
}
