//! `airace run`: scenario files (or the built-in default comparison) ->
//! checked plan -> each scenario simulated into its folder -> the
//! comparison of several -> the console report.

use super::args::{CommonArgs, NameArg, OverrideArgs};
use super::runner::{CHECKPOINT_EVERY, Runner, ScenarioJob, check_names, plan};
use super::{CommonOptions, Overrides};
use crate::builtin::{self, BuiltIn};
use crate::context::{Created, InputError};
use crate::output::checkpoint;
use crate::output::folder::Kind;
use crate::output::{self, ScenarioResult};
use crate::scenario::{Scenario, ScenarioError};
use crate::shard::ShardSpec;
use anyhow::Context as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Examples of the common commands, ending `airace --help` and `airace
/// run --help`.
pub const EXAMPLES: &str = "\
Examples:
  airace                                    run the default comparison of policy regimes
  airace run scenarios/rsp-2026.toml        run one scenario into output/rsp-2026/
  airace run scenarios/race.toml scenarios/pause-2023.toml --name race-vs-pause
                                            compare two scenarios with common random numbers
  airace run my.toml --runs 100000 --seed 7 --threads 2 --out results
  airace validate my.toml                   check a scenario without running it
  airace new > my.toml                      start a scenario from the annotated template
  airace plot output/rsp-2026 --width 3.5 --height 2.6
                                            redraw figures from the CSV files at column width
  airace run my.toml --shard 3/10 --out shards   one shard of ten (see `airace merge --help`)
  airace run my.toml --resume               continue a run that was interrupted";

/// `airace run`'s options.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Scenario files (TOML); several run with one seed and get a comparison.csv.
    pub scenarios: Vec<PathBuf>,
    #[command(flatten)]
    pub overrides: OverrideArgs,
    #[command(flatten)]
    pub name: NameArg,
    /// Do not write runs.csv and labs.csv (one row per run), for very large studies.
    #[arg(long)]
    pub no_run_rows: bool,
    /// Also write trace.csv: every step of the first N runs, lab by lab (capability,
    /// safety, resources, safety effort, paused, delayed, hazard), to follow a result race by race.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub trace: Option<u64>,
    /// Run only shard K of N (a contiguous range of runs) into OUT/SCENARIO/shard-K-of-N/;
    /// `airace merge` joins the shards into the outputs of one whole run.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<ShardSpec>,
    /// Continue an interrupted run of this same command from its checkpoint
    /// (the outputs equal those of an uninterrupted run, byte for byte).
    #[arg(long)]
    pub resume: bool,
    /// Seconds between checkpoints of a long run [default: 60]; one is also
    /// taken when a signal stops it.
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub checkpoint_every: Option<u64>,
    #[command(flatten)]
    pub common: CommonArgs,
}

impl Args {
    /// Runs the scenarios (the default comparison when none).
    pub fn execute(self) -> anyhow::Result<()> {
        run(&self.config()?)?;
        Ok(())
    }

    fn config(self) -> Result<RunConfig, InputError> {
        Ok(RunConfig {
            sources: self.scenarios.into_iter().map(Source::File).collect(),
            overrides: self.overrides.get(),
            comparison: self.name.name,
            run_rows: !self.no_run_rows,
            trace: self.trace.unwrap_or(0),
            shard: self.shard,
            resume: self.resume,
            checkpoint_every: self
                .checkpoint_every
                .map_or(CHECKPOINT_EVERY, std::time::Duration::from_secs),
            common: self.common.options()?,
        })
    }
}

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

/// Everything `airace run` needs.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Scenarios to run; empty runs the built-in default comparison.
    pub sources: Vec<Source>,
    /// What `--runs` and `--seed` replace in the file.
    pub overrides: Overrides,
    /// Folder name for `comparison.csv` when several scenarios run.
    pub comparison: Option<String>,
    /// Write `runs.csv` and `labs.csv`.
    pub run_rows: bool,
    /// Write `trace.csv`, every step of this many runs (0: none).
    pub trace: u64,
    /// Each scenario gets its own folder under `common.out`.
    pub common: CommonOptions,
    /// Run only this shard of every scenario, into `OUT/NAME/shard-K-of-N/`.
    pub shard: Option<ShardSpec>,
    /// Go on from the checkpoints of an interrupted run of this command.
    pub resume: bool,
    /// Wall time between checkpoints.
    pub checkpoint_every: Duration,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            sources: Vec::new(),
            overrides: Overrides::default(),
            comparison: None,
            run_rows: true,
            trace: 0,
            common: CommonOptions::default(),
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
    if let (Some(name), 1, false) = (&config.comparison, scenarios.len(), config.common.quiet) {
        eprintln!(
            "note: --name {name} names the comparison of several scenarios; with one scenario \
             there is none, so its results go to {}",
            config.common.out.join(&scenarios[0].meta.name).display()
        );
    }

    // Common random numbers: every scenario of one command uses one seed.
    let seed = config.overrides.seed.unwrap_or(scenarios[0].meta.seed);
    for s in &mut scenarios {
        if config.overrides.seed.is_none() && s.meta.seed != seed && !config.common.quiet {
            eprintln!(
                "note: scenario {} sets seed {} but runs with seed {seed}, the first scenario's, \
                 so that the comparison uses common random numbers (--seed sets it)",
                s.meta.name, s.meta.seed
            );
        }
        s.meta.seed = seed;
        if let Some(runs) = config.overrides.runs {
            s.meta.runs = runs;
        }
    }

    let folder = |s: &Scenario| match config.shard {
        Some(spec) => config
            .common
            .out
            .join(&s.meta.name)
            .join(spec.folder_name()),
        None => config.common.out.join(&s.meta.name),
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
    crate::resources::check(
        sized.iter().zip(sources.iter().map(Source::describe)),
        config.common.threads,
        config.run_rows,
        config.common.figures.size.as_ref(),
        &config.common.out,
    )?;
    let names: Vec<String> = scenarios.iter().map(|s| s.meta.name.clone()).collect();
    if config.trace > 0 {
        if config.shard.is_some() {
            return Err(InputError::Usage(
                "--trace cannot be used with --shard: trace an unsharded run (the traced runs are \
                 simulated again, so a few hundred runs take no time)"
                    .into(),
            )
            .into());
        }
        for s in &scenarios {
            output::trace::check(s, config.trace).map_err(InputError::Usage)?;
        }
    }
    let job = ScenarioJob {
        run_rows: config.run_rows,
        trace: config.trace,
        figures: &config.common.figures,
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
        claims.push(created.claim(&dir, kind, config.common.force)?);
        plans.push(plan(
            &dir,
            &job.identity(s),
            (s.lab_count(), s.meta.steps),
            config.resume,
            config.common.quiet,
        )?);
    }
    let comparison_dir = comparison_name
        .as_ref()
        .filter(|_| scenarios.len() > 1 && config.shard.is_none())
        .map(|name| config.common.out.join(name));
    let comparison_folder = match &comparison_dir {
        Some(dir) => Some(created.claim(dir, Kind::Comparison, config.common.force)?),
        None => None,
    };
    let mut runner = Runner::new(
        config.common.threads,
        sized.iter().map(|s| s.meta.runs).sum(),
        config.common.quiet,
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
        let info = runner.info(source.describe(), &config.common.command_line);
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
            output::comparison::write_comparison(&mut dir, &results, &config.common.figures)?;
            Some(dir.path(output::comparison::FILE_NAME))
        }
        None => None,
    };
    if !config.common.quiet {
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
