//! `airace explore` as a library function taking plain configuration: from
//! an exploration file to `output/<name>-explore/` and a short report on
//! stdout. Every policy runs on every world with the exploration's one
//! seed (common random numbers), on the engine's summary-only path.

use super::done::{Done, Measured};
use super::file::{Exploration, Metric, Outcome, Overrides};
use super::tables::{self, Results};
use crate::context::{self, InputError, thread_pool};
use crate::engine::{self, Aggregate, Control, RaceModel, Stopped};
use crate::output::atomic::AtomicFile;
use crate::output::folder::{self, Folder, Kind, Scope};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Everything `airace explore` needs.
#[derive(Debug, Clone)]
pub struct ExploreConfig {
    pub file: PathBuf,
    /// Overrides the file's runs per experiment.
    pub runs: Option<u64>,
    /// Overrides the file's seed (of the design and of every run).
    pub seed: Option<u64>,
    pub threads: Option<usize>,
    /// The exploration's folder is created under this one.
    pub out: PathBuf,
    pub quiet: bool,
    pub force: bool,
    /// Recorded in the manifest.
    pub command_line: Vec<String>,
    /// Figures to draw (size), or none.
    pub figures: crate::output::FigureOptions,
    /// Go on from the checkpoint of an interrupted run of this exploration.
    pub resume: bool,
    /// Run only this shard of the experiments, into a shard folder.
    pub shard: Option<crate::shard::ShardSpec>,
}

/// What `airace explore` produced.
#[derive(Debug)]
pub struct ExploreReport {
    pub exploration: Exploration,
    pub results: Results,
    pub folder: PathBuf,
    pub seconds: f64,
    /// Nominal lab-steps simulated (runs x steps x labs, summed).
    pub lab_steps: f64,
}

/// The value and standard error of an outcome from an experiment's runs.
/// Proportions have the binomial `sqrt(p (1 − p) / n)`; means with a sum of
/// squares the sample standard error; the rest none (NaN).
pub fn measure(outcome: &Outcome, a: &Aggregate) -> (f64, f64) {
    let n = a.runs as f64;
    let share = |k: u64| {
        let p = k as f64 / n;
        (p, (p * (1.0 - p) / n).sqrt())
    };
    let mean = |sum: f64, sum_sq: f64| {
        let m = sum / n;
        let var = if a.runs > 1 {
            ((sum_sq - n * m * m) / (n - 1.0)).max(0.0)
        } else {
            0.0
        };
        (m, (var / n).sqrt())
    };
    let lab = outcome.lab.map(|i| &a.labs[i]);
    let lab = || lab.expect("a per-lab outcome has a lab");
    match outcome.metric {
        Metric::PCatastrophe => mean(a.p.value(), a.p_sq.value()),
        Metric::PCatastropheSampled => share(a.catastrophes),
        Metric::PUnwarned => share(a.unwarned),
        Metric::PNoWinner => share(a.no_winner),
        Metric::FrontierCapability => mean(a.frontier.value(), a.frontier_sq.value()),
        Metric::WinStep => match a.winners() {
            0 => (f64::NAN, f64::NAN),
            w => (a.win_step.value() / w as f64, f64::NAN),
        },
        Metric::PWin => share(lab().wins),
        Metric::Utility => mean(lab().utility.value(), lab().utility_sq.value()),
        Metric::PausedSteps => (lab().paused_steps as f64 / n, f64::NAN),
        Metric::DelayedSteps => (lab().delayed_steps as f64 / n, f64::NAN),
        Metric::FinalCapability => (lab().capability.value() / n, f64::NAN),
        Metric::FinalSafety => (lab().safety.value() / n, f64::NAN),
        Metric::PCulprit => share(lab().culprit),
    }
}

/// An exploration stopped by a signal: its finished experiments are saved
/// in a checkpoint that `--resume` goes on from; nothing else was written.
#[derive(Debug, thiserror::Error)]
#[error(
    "interrupted: exploration {name} stopped after {completed} of {total} experiments; its progress \
     is saved in {} (the same command with --resume continues it; nothing else of it was written)",
    checkpoint.display()
)]
pub struct Interrupted {
    pub name: String,
    pub completed: usize,
    pub total: usize,
    pub checkpoint: PathBuf,
}

/// The checkpoint of the exploration (or shard) folder `dir`.
fn checkpoint_file(dir: &Path) -> PathBuf {
    crate::output::checkpoint::folder(dir).join(CHECKPOINT)
}

/// The finished experiments a checkpoint file holds.
const CHECKPOINT: &str = "experiments.done";

/// Saves `done` as the checkpoint of `dir`, atomically.
fn save_checkpoint(dir: &Path, done: &Done) -> anyhow::Result<()> {
    let path = checkpoint_file(dir);
    let cannot =
        |e: std::io::Error| anyhow::anyhow!("cannot save a checkpoint in {}: {e}", path.display());
    std::fs::create_dir_all(crate::output::checkpoint::folder(dir)).map_err(cannot)?;
    crate::output::atomic::stage(&path, &done.to_bytes())
        .and_then(AtomicFile::commit)
        .map_err(cannot)
}

/// Removes the checkpoint of `dir` (its file, and its folder if empty).
fn remove_checkpoint(dir: &Path) -> anyhow::Result<()> {
    let path = checkpoint_file(dir);
    match std::fs::remove_file(&path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => anyhow::bail!("cannot remove {}: {e}", path.display()),
    }
    let _ = std::fs::remove_dir(crate::output::checkpoint::folder(dir));
    Ok(())
}

/// Decides, before any work, what of the exploration `identity` is
/// already done in `dir`: with `resume`, what its checkpoint holds;
/// without, nothing, unless that would throw away a checkpoint of this
/// very exploration.
fn plan(dir: &Path, fresh: Done, resume: bool, quiet: bool) -> Result<Done, InputError> {
    let path = checkpoint_file(dir);
    let saved = match std::fs::read(&path) {
        Ok(bytes) => Done::parse(&bytes)
            .map_err(|problem| format!("{} is damaged: {problem}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if resume && !quiet {
                eprintln!(
                    "note: no checkpoint in {}: running it from the start",
                    dir.display()
                );
            }
            return Ok(fresh);
        }
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    };
    let saved = match saved {
        Ok(saved) => saved,
        Err(problem) if resume => {
            return Err(InputError::Usage(format!(
                "cannot resume {}: {problem}; run without --resume to start it over",
                dir.display()
            )));
        }
        Err(_) => return Ok(fresh),
    };
    let same = saved.identity == fresh.identity
        && saved.experiments == fresh.experiments
        && saved.outcomes == fresh.outcomes;
    match (same, resume) {
        (false, true) => Err(InputError::Usage(format!(
            "cannot resume {}: its checkpoint is of another exploration (its file, seed, runs or \
             outcomes differ); run without --resume to start over",
            dir.display()
        ))),
        (false, false) => Ok(fresh),
        (true, true) => {
            if !quiet {
                eprintln!(
                    "resuming {} with {} experiments done",
                    dir.display(),
                    saved.measured.len()
                );
            }
            Ok(saved)
        }
        (true, false) => Err(InputError::Usage(format!(
            "{} holds a checkpoint of this same exploration, stopped after {} experiments: add \
             --resume to continue it, or delete {} to start over",
            dir.display(),
            saved.measured.len(),
            crate::output::checkpoint::folder(dir).display()
        ))),
    }
}

/// Loads, runs, analyses and writes an exploration (or one shard of it).
pub fn run_explore(config: &ExploreConfig) -> anyhow::Result<ExploreReport> {
    let exploration = Exploration::load(
        &config.file,
        Overrides {
            runs: config.runs,
            seed: config.seed,
        },
    )?;
    if config.runs == Some(0) {
        return Err(InputError::Usage("--runs must be at least 1".into()).into());
    }
    let pool = thread_pool(config.threads)?;
    let worlds = exploration.points.len();
    let policies = exploration.policies.len();
    let experiments = worlds * policies;
    // Every experiment's scenario, checked before anything is written.
    let scenarios = pool.install(|| {
        (0..experiments)
            .into_par_iter()
            .map(|x| exploration.scenario(x / policies, x % policies))
            .collect::<Result<Vec<_>, _>>()
    })?;
    let outcome_names: Vec<String> = exploration
        .outcomes
        .iter()
        .map(|o| o.name.clone())
        .collect();
    let identity = super::done::identity(&scenarios, &outcome_names);
    let range = match config.shard {
        Some(spec) => super::shard::range(spec, experiments, &exploration.name)?,
        None => 0..experiments,
    };
    let name = format!("{}-explore", exploration.name);
    let dir = match config.shard {
        Some(spec) => config.out.join(&name).join(spec.folder_name()),
        None => config.out.join(&name),
    };
    let kind = match config.shard {
        Some(_) => Kind::ExplorationShard,
        None => Kind::Exploration,
    };
    let fresh = Done::new(identity, experiments, outcome_names.len());
    // The folder first, locked: another airace writing it refuses this
    // one before its checkpoint, which that one may be writing, is read.
    let mut created = context::Created::default();
    let mut folder = created.claim(&dir, kind, config.force)?;
    let mut done = plan(&dir, fresh, config.resume, config.quiet)?;

    let todo: Vec<usize> = range
        .clone()
        .filter(|x| !done.measured.contains_key(x))
        .collect();
    let bar = context::progress_bar(range.len() as u64, config.quiet, "experiments, {per_sec}");
    bar.set_message(name.clone());
    bar.set_position((range.len() - todo.len()) as u64);
    let started = Instant::now();
    let finished = AtomicU64::new((range.len() - todo.len()) as u64);
    let runs_done = AtomicU64::new(0);
    let stop_after = context::test_stop_after();
    let quiet_progress = |_: u64| {};
    let control = Control {
        progress: &quiet_progress,
        cancel: &context::INTERRUPTED,
    };
    let outcomes = &exploration.outcomes;
    // Waves of experiments in index order, a checkpoint between waves
    // when one is due (and when a signal stops the exploration).
    let wave = 32 * pool.current_num_threads().max(1);
    let mut last_checkpoint = Instant::now();
    for chunk in todo.chunks(wave) {
        let measured: Vec<(usize, Option<Measured>)> = pool.install(|| {
            chunk
                .par_iter()
                .map(|&x| {
                    if context::interrupted() {
                        return (x, None);
                    }
                    let scenario = &scenarios[x];
                    let model = RaceModel::new(scenario);
                    let aggregate = match engine::simulate_summary(
                        &model,
                        scenario.meta.seed,
                        scenario.meta.runs,
                        &mut engine::NoSink,
                        &control,
                    ) {
                        Ok(a) => a,
                        Err(Stopped::Cancelled { .. }) => return (x, None),
                        Err(Stopped::Sink(never)) => match never {},
                    };
                    bar.set_position(finished.fetch_add(1, Ordering::Relaxed) + 1);
                    let runs = runs_done.fetch_add(scenario.meta.runs, Ordering::Relaxed)
                        + scenario.meta.runs;
                    if stop_after.is_some_and(|n| runs >= n) {
                        context::INTERRUPTED.store(true, Ordering::SeqCst);
                    }
                    (
                        x,
                        Some(outcomes.iter().map(|o| measure(o, &aggregate)).collect()),
                    )
                })
                .collect()
        });
        for (x, m) in measured {
            if let Some(m) = m {
                done.measured.insert(x, m);
            }
        }
        if context::interrupted() {
            bar.finish_and_clear();
            save_checkpoint(&dir, &done)?;
            return Err(Interrupted {
                name: exploration.name.clone(),
                completed: range
                    .clone()
                    .filter(|x| done.measured.contains_key(x))
                    .count(),
                total: range.len(),
                checkpoint: crate::output::checkpoint::folder(&dir),
            }
            .into());
        }
        if last_checkpoint.elapsed() >= crate::commands::runner::CHECKPOINT_EVERY {
            save_checkpoint(&dir, &done)?;
            last_checkpoint = Instant::now();
        }
    }
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    let lab_steps: f64 = todo
        .iter()
        .map(|&x| &scenarios[x])
        .map(|s| s.meta.runs as f64 * f64::from(s.meta.steps) * s.lab_count() as f64)
        .sum();
    drop(scenarios);
    // Everything is simulated: kept until the outputs are in place, so a
    // stop while writing them loses no simulation.
    if !todo.is_empty() {
        save_checkpoint(&dir, &done)?;
    }
    if let Some(spec) = config.shard {
        super::shard::write(&mut folder, spec, &done, &range, config, &exploration)?;
        remove_checkpoint(&dir)?;
        if !config.quiet {
            println!(
                "shard {spec} of exploration {}: experiments {}..{} of {experiments}, {seconds:.1} s\n{}",
                exploration.name,
                range.start + 1,
                range.end,
                dir.display()
            );
        }
        let results = Results {
            value: Vec::new(),
            se: Vec::new(),
        };
        return Ok(ExploreReport {
            exploration,
            results,
            folder: dir,
            seconds,
            lab_steps,
        });
    }
    let results = results_of(&done, worlds, policies);
    let a = write_exploration(&exploration, &results, &mut folder, config, &pool)?;
    remove_checkpoint(&dir)?;
    if !config.quiet {
        print!(
            "{}",
            summary(
                &exploration,
                &results,
                &a.sensitivity,
                &a.found,
                &a.checks,
                seconds,
                lab_steps,
                &dir
            )
        );
    }
    Ok(ExploreReport {
        exploration,
        results,
        folder: dir,
        seconds,
        lab_steps,
    })
}

/// The outcomes of every experiment, from finished experiments (all of
/// them).
pub fn results_of(done: &Done, worlds: usize, policies: usize) -> Results {
    let mut results = Results {
        value: vec![vec![Vec::new(); policies]; worlds],
        se: vec![vec![Vec::new(); policies]; worlds],
    };
    for (&x, m) in &done.measured {
        results.value[x / policies][x % policies] = m.iter().map(|v| v.0).collect();
        results.se[x / policies][x % policies] = m.iter().map(|v| v.1).collect();
    }
    results
}

/// The analyses of an exploration's outcomes, for its summary.
pub struct Analysis {
    pub sensitivity: Vec<tables::Sensitivity>,
    pub found: Vec<super::prim::Discovery>,
    pub checks: Vec<tables::Check>,
}

/// Analyses the outcomes of every experiment and writes the exploration's
/// folder: tables, figures, page, manifest.
pub fn write_exploration(
    e: &Exploration,
    results: &Results,
    folder: &mut Folder,
    config: &ExploreConfig,
    pool: &rayon::ThreadPool,
) -> anyhow::Result<Analysis> {
    let units: Vec<usize> = (0..tables::sensitivity_units(e)).collect();
    let sensitivity = pool.install(|| tables::sensitivities(e, results, &units));
    let found = tables::discoveries(e, results);
    let checks = pool.install(|| tables::convergence(e, results));
    let mut files: Vec<(&str, Vec<u8>)> = vec![
        (
            tables::EXPERIMENTS,
            tables::experiments(e, results).into_bytes(),
        ),
        (
            tables::ROBUSTNESS,
            tables::robustness(e, results).into_bytes(),
        ),
        (tables::PAIRWISE, tables::pairwise(e, results).into_bytes()),
    ];
    if !sensitivity.is_empty() {
        files.push((
            tables::SENSITIVITY,
            tables::sensitivity(e, &sensitivity).into_bytes(),
        ));
    }
    if !found.is_empty() {
        files.push((tables::DISCOVERY, tables::discovery(e, &found).into_bytes()));
    }
    files.push((
        tables::CONVERGENCE,
        tables::convergence_csv(&checks).into_bytes(),
    ));
    // The figures and the page are drawn from the tables' bytes, as
    // `airace plot` draws them from the folder.
    let borrowed: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, &b[..])).collect();
    let view = super::report::Tables::parse(&e.name, &borrowed)?;
    let drawn = match config.figures.size {
        Some(size) => crate::plot::draw_all(super::figures::figures(&view)?, &size),
        None => Vec::new(),
    };
    let names: Vec<String> = files
        .iter()
        .map(|(n, _)| n.to_string())
        .chain(
            drawn
                .iter()
                .flat_map(|d| d.files().into_iter().map(|(name, _)| name)),
        )
        .chain([
            super::report::PAGE.to_string(),
            tables::MANIFEST.to_string(),
        ])
        .collect();
    let manifest = manifest(e, config, &names);
    let page = super::report::page(&view, &drawn, &String::from_utf8_lossy(&manifest))?;
    files.push((super::report::PAGE, page.into_bytes()));
    files.push((tables::MANIFEST, manifest));
    if context::interrupted() {
        return Err(crate::interrupt::StoppedWriting {
            folder: folder.dir().to_path_buf(),
        }
        .into());
    }
    write_all(folder, &files, &drawn)?;
    Ok(Analysis {
        sensitivity,
        found,
        checks,
    })
}

/// Stages every file and figure, then commits them all or nothing, the
/// manifest last ([`Folder::commit`]).
fn write_all(
    folder: &mut Folder,
    files: &[(&str, Vec<u8>)],
    drawn: &[crate::plot::Drawn],
) -> anyhow::Result<()> {
    let (manifest, tables) = files.split_last().expect("the manifest is last");
    let dir = folder.dir().to_path_buf();
    let cannot = |e: std::io::Error| anyhow::anyhow!("cannot write to {}: {e}", dir.display());
    let mut staged: Vec<AtomicFile> = tables
        .iter()
        .map(|(name, bytes)| folder.stage(name, bytes).map_err(cannot))
        .collect::<anyhow::Result<_>>()?;
    staged.extend(crate::output::stage_figures(folder, drawn).map_err(cannot)?);
    let manifest = folder.stage(manifest.0, &manifest.1).map_err(cannot)?;
    folder
        .commit(staged, Some(manifest), Scope::Whole)
        .map_err(folder::into_anyhow)
}

/// `manifest.json`: what was run, from what, by which version. It holds no
/// thread count or time, so the folder is the same bytes on any machine.
fn manifest(e: &Exploration, config: &ExploreConfig, files: &[String]) -> Vec<u8> {
    use serde_json::json;
    let uncertainties: Vec<_> = e
        .uncertainties
        .iter()
        .map(|u| json!({ "name": u.name, "distribution": u.distribution.describe(), "scale": u.scale }))
        .collect();
    let outcomes: Vec<_> = e
        .outcomes
        .iter()
        .map(|o| json!({ "name": o.name, "better": o.better.name() }))
        .collect();
    let conditions: Vec<_> = e
        .conditions
        .iter()
        .map(|c| json!({ "name": c.name, "when": c.text }))
        .collect();
    let value = json!({
        "airace_version": env!("CARGO_PKG_VERSION"),
        "kind": "exploration",
        "exploration": e.name,
        "source": config.file.display().to_string(),
        "command_line": config.command_line,
        "seed": e.seed,
        "runs_per_experiment": e.runs,
        "design": e.design.name(),
        "worlds": e.points.len(),
        "policies": e.policies.iter().map(|p| p.name.clone()).collect::<Vec<_>>(),
        "experiments": e.points.len() * e.policies.len(),
        "uncertainties": uncertainties,
        "outcomes": outcomes,
        "conditions": conditions,
        "common_random_numbers": "every policy runs on every world with the same seed",
        "intervals": "best_share and pairwise shares: Wilson 95% over worlds; Sobol' S1/ST: bootstrap 95% percentile intervals over base samples (1000 resamples); *_se columns: standard error over an experiment's runs",
        "files": files,
    });
    let mut bytes = serde_json::to_vec_pretty(&value).expect("a manifest serializes");
    bytes.push(b'\n');
    bytes
}

/// The report on stdout: per outcome, the policies by mean with regret and
/// share of worlds best; the most influential unknowns; each condition's
/// box; the convergence check; the speed.
#[allow(clippy::too_many_arguments)]
fn summary(
    e: &Exploration,
    r: &Results,
    sensitivity: &[tables::Sensitivity],
    found: &[super::prim::Discovery],
    checks: &[tables::Check],
    seconds: f64,
    lab_steps: f64,
    dir: &Path,
) -> String {
    use super::robustness;
    let mut out = String::new();
    let worlds: Vec<usize> = (0..e.points.len()).collect();
    let experiments = e.points.len() * e.policies.len();
    out.push_str(&format!(
        "airace {}: exploration {} ({} design, {} worlds x {} policies x {} runs, seed {}), {:.1} s\n",
        env!("CARGO_PKG_VERSION"),
        e.name,
        e.design.name(),
        e.points.len(),
        e.policies.len(),
        e.runs,
        e.seed,
        seconds
    ));
    for (o, outcome) in e.outcomes.iter().enumerate() {
        out.push_str(&format!(
            "\n{} ({} is better), over {} worlds:\n",
            outcome.name,
            outcome.better.name(),
            worlds.len()
        ));
        let values: Vec<Vec<f64>> = worlds
            .iter()
            .map(|&w| r.value[w].iter().map(|v| v[o]).collect())
            .collect();
        let rows = robustness::robustness(&values, outcome.better);
        for (p, row) in rows.iter().enumerate() {
            out.push_str(&format!(
                "  {:<20} mean {:<10.4} worst {:<10.4} regret mean {:<9.4} max {:<9.4} best in {:.0}% of worlds [{:.0}%, {:.0}%]\n",
                e.policies[p].name,
                row.mean,
                row.worst,
                row.regret_mean,
                row.regret_max,
                100.0 * row.best_share.mean,
                100.0 * row.best_share.ci_low,
                100.0 * row.best_share.ci_high
            ));
        }
        // Which unknowns decide each policy's difference from the first
        // (the reference): the two largest ST (or mu*).
        for p in 1..e.policies.len() {
            let subject = tables::Subject::Difference(0, p);
            let mut rows: Vec<&tables::Sensitivity> = sensitivity
                .iter()
                .filter(|s| s.outcome == o && s.subject == subject)
                .collect();
            if rows.is_empty() {
                continue;
            }
            // ST for Sobol' (the second measure), mu* for Morris (the first).
            let main = |s: &tables::Sensitivity| {
                s.measures
                    .iter()
                    .find(|m| m.0 == "ST" || m.0 == "mu_star")
                    .copied()
                    .expect("a sensitivity has ST or mu*")
            };
            rows.sort_by(|a, b| main(b).1.total_cmp(&main(a).1));
            let top: Vec<String> = rows
                .iter()
                .take(2)
                .map(|s| {
                    let m = main(s);
                    if m.2.is_finite() {
                        format!(
                            "{} ({} {:.2} [{:.2}, {:.2}])",
                            e.uncertainties[s.parameter].name, m.0, m.1, m.2, m.3
                        )
                    } else {
                        format!("{} ({} {:.3})", e.uncertainties[s.parameter].name, m.0, m.1)
                    }
                })
                .collect();
            out.push_str(&format!(
                "  what decides {}: {}\n",
                subject.name(e),
                top.join(", ")
            ));
        }
    }
    for (c, d) in e.conditions.iter().zip(found) {
        let b = d.chosen_box();
        out.push_str(&format!(
            "\n{} (\"{}\") holds in {} of {} worlds; PRIM box: coverage {:.2}, density {:.2}, {} worlds\n",
            c.name,
            c.text,
            d.cases,
            d.worlds,
            b.coverage,
            b.density,
            b.support
        ));
        for (i, u) in e.uncertainties.iter().enumerate() {
            if d.is_restricted(b, i) {
                out.push_str(&format!(
                    "  {} in [{}, {}]\n",
                    u.name, b.bounds[i].0, b.bounds[i].1
                ));
            }
        }
        if b.restricted == 0 {
            out.push_str("  no parameter restricts it: no box does better than all worlds\n");
        }
    }
    let differ: Vec<&tables::Check> = checks.iter().filter(|c| !c.agrees()).collect();
    if differ.is_empty() {
        out.push_str(&format!(
            "\nconvergence: the two halves of the worlds agree on all {} checks\n",
            checks.len()
        ));
    } else {
        out.push_str(&format!(
            "\nconvergence: the two halves of the worlds differ in {} of {} checks; more worlds are needed before these are read:\n",
            differ.len(),
            checks.len()
        ));
        for c in differ.iter().take(8) {
            out.push_str(&format!(
                "  {} / {}: {}: {} vs {}\n",
                c.outcome, c.subject, c.check, c.first, c.second
            ));
        }
    }
    out.push_str(&format!(
        "speed: {:.1} experiments/s, {:.1} M lab-steps/s\n{}\n",
        experiments as f64 / seconds.max(1e-9),
        lab_steps / seconds.max(1e-9) / 1e6,
        dir.display()
    ));
    out
}
