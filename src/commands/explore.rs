//! `airace explore FILE`: from an exploration file to
//! `output/<name>-explore/` and a short report on stdout. Every policy runs
//! on every world with the exploration's one seed (common random numbers),
//! on the engine's summary-only path; the analyses and the folder are
//! `explore::folder`'s.

use super::CommonOptions;
use super::args::{CommonArgs, OverrideArgs};
use crate::context::{self, InputError, thread_pool};
use crate::engine::{self, Control, RaceModel, Stopped};
use crate::explore::done::{Done, Measured};
use crate::explore::file::{Exploration, Overrides};
use crate::explore::folder::{Provenance, measure, results_of, write_exploration};
use crate::explore::tables::{self, Results};
use crate::output::atomic::AtomicFile;
use crate::output::folder::Kind;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Examples ending `airace explore --help`.
pub const EXAMPLES: &str = "\
Examples:
  airace new --explore > my-explore.toml    start from an annotated exploration file
  airace explore my-explore.toml            -> output/<name>-explore/
  airace explore scenarios/explore/headline-claims.toml --runs 200 --seed 7
  airace explore big.toml --shard 3/20 --out shards   one shard of twenty; `airace merge shards`
  airace explore big.toml --resume                    continue an interrupted exploration";

/// `airace explore`'s options.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    // This doc is clap's help text: the brackets name a TOML table, not an item.
    #[allow(rustdoc::broken_intra_doc_links)]
    /// The exploration file: a scenario with an [explore] table (or only the table).
    pub file: PathBuf,
    #[command(flatten)]
    pub overrides: OverrideArgs,
    /// Run only shard K of N (a contiguous range of experiments) into
    /// OUT/NAME-explore/shard-K-of-N/; `airace merge` joins the shards.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<crate::shard::ShardSpec>,
    /// Continue an interrupted exploration from its checkpoint (the outputs
    /// equal those of an uninterrupted run, byte for byte).
    #[arg(long)]
    pub resume: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

impl Args {
    /// Runs the exploration into its folder.
    pub fn execute(self) -> anyhow::Result<()> {
        run_explore(&self.config()?)?;
        Ok(())
    }

    fn config(self) -> Result<ExploreConfig, InputError> {
        Ok(ExploreConfig {
            file: self.file,
            overrides: self.overrides.get(),
            resume: self.resume,
            shard: self.shard,
            common: self.common.options()?,
        })
    }
}

/// Everything `airace explore` needs.
#[derive(Debug, Clone)]
pub struct ExploreConfig {
    pub file: PathBuf,
    /// What `--runs` and `--seed` replace in the file.
    pub overrides: Overrides,
    pub common: CommonOptions,
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
    write_checkpoint(dir, &done.to_bytes())
}

/// Saves the bytes of a [`Done`] as the checkpoint of `dir`, atomically.
fn write_checkpoint(dir: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let path = checkpoint_file(dir);
    let cannot =
        |e: std::io::Error| anyhow::anyhow!("cannot save a checkpoint in {}: {e}", path.display());
    std::fs::create_dir_all(crate::output::checkpoint::folder(dir)).map_err(cannot)?;
    crate::output::atomic::stage(&path, bytes)
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
    let exploration = Exploration::load(&config.file, config.overrides)?;
    if config.overrides.runs == Some(0) {
        return Err(InputError::Usage("--runs must be at least 1".into()).into());
    }
    let pool = thread_pool(config.common.threads)?;
    let worlds = exploration.points.len();
    let policies = exploration.policies.len();
    let experiments = worlds * policies;
    // Every experiment's scenario, checked before anything is written.
    let scenarios = pool.install(|| crate::explore::shard::experiment_scenarios(&exploration))?;
    let outcome_names: Vec<String> = exploration
        .outcomes
        .iter()
        .map(|o| o.name.clone())
        .collect();
    let identity = pool.install(|| crate::explore::done::identity(&scenarios, &outcome_names));
    let range = match config.shard {
        Some(spec) => crate::explore::shard::range(spec, experiments, &exploration.name)?,
        None => 0..experiments,
    };
    let name = format!("{}-explore", exploration.name);
    let dir = match config.shard {
        Some(spec) => config.common.out.join(&name).join(spec.folder_name()),
        None => config.common.out.join(&name),
    };
    let kind = match config.shard {
        Some(_) => Kind::ExplorationShard,
        None => Kind::Exploration,
    };
    let fresh = Done::new(identity, experiments, outcome_names.len());
    // The folder first, locked: another airace writing it refuses this
    // one before its checkpoint, which that one may be writing, is read.
    let mut created = context::Created::default();
    let mut folder = created.claim(&dir, kind, config.common.force)?;
    let done = plan(&dir, fresh, config.resume, config.common.quiet)?;

    let todo: Vec<usize> = range
        .clone()
        .filter(|x| !done.measured.contains_key(x))
        .collect();
    let bar = context::progress_bar(
        range.len() as u64,
        config.common.quiet,
        "experiments, {per_sec}",
    );
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
    // Every experiment to do in one parallel loop, so no core waits for
    // another at a boundary; each finished experiment goes into `done` by
    // its index (the same map whatever the order), and whichever worker
    // finds a checkpoint due takes a copy and saves it.
    let progress = std::sync::Mutex::new((done, Instant::now()));
    pool.install(|| {
        todo.par_iter().try_for_each(|&x| -> anyhow::Result<()> {
            if context::interrupted() {
                return Ok(());
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
                Err(Stopped::Cancelled { .. }) => return Ok(()),
                Err(Stopped::Sink(never)) => match never {},
            };
            let measured: Measured = outcomes.iter().map(|o| measure(o, &aggregate)).collect();
            let due = {
                let mut guard = progress.lock().expect("no worker panics holding it");
                let (done, last_checkpoint) = &mut *guard;
                done.measured.insert(x, measured);
                let due = last_checkpoint.elapsed() >= super::runner::CHECKPOINT_EVERY;
                if due {
                    *last_checkpoint = Instant::now();
                }
                due.then(|| done.to_bytes())
            };
            bar.set_position(finished.fetch_add(1, Ordering::Relaxed) + 1);
            let runs =
                runs_done.fetch_add(scenario.meta.runs, Ordering::Relaxed) + scenario.meta.runs;
            if stop_after.is_some_and(|n| runs >= n) {
                context::INTERRUPTED.store(true, Ordering::SeqCst);
            }
            match due {
                Some(bytes) => write_checkpoint(&dir, &bytes),
                None => Ok(()),
            }
        })
    })?;
    let (done, _) = progress.into_inner().expect("no worker panics holding it");
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
        crate::explore::shard::write(
            &mut folder,
            spec,
            &done,
            &range,
            &config.file,
            &config.common.command_line,
            &exploration,
        )?;
        remove_checkpoint(&dir)?;
        if !config.common.quiet {
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
    let a = write_exploration(
        &exploration,
        &results,
        &mut folder,
        &provenance(config),
        &pool,
    )?;
    remove_checkpoint(&dir)?;
    if !config.common.quiet {
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

/// What the exploration's manifest records of this command.
fn provenance(config: &ExploreConfig) -> Provenance<'_> {
    Provenance {
        source: &config.file,
        command_line: &config.common.command_line,
        figures: config.common.figures,
    }
}

/// The report on stdout: per outcome, the policies by mean with regret and
/// share of worlds best; the most influential unknowns; each condition's
/// box; the convergence check; the speed.
#[allow(clippy::too_many_arguments)]
fn summary(
    e: &Exploration,
    r: &Results,
    sensitivity: &[tables::Sensitivity],
    found: &[crate::explore::prim::Discovery],
    checks: &[tables::Check],
    seconds: f64,
    lab_steps: f64,
    dir: &Path,
) -> String {
    use crate::explore::robustness;
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
