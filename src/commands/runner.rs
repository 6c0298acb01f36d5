//! Running scenarios for `airace run` and `airace sweep`: how a scenario's
//! run begins (afresh or from a checkpoint, [`plan`]), and the [`Runner`]
//! that simulates scenarios one after another on one thread pool with one
//! progress bar, taking checkpoints and writing each scenario's folder.

use crate::context::Progress;
use crate::context::{
    INTERRUPTED, InputError, Interrupted, progress_bar, progress_from, thread_pool,
};
use crate::engine::Aggregate;
use crate::engine::{self, Control, RaceModel, Stopped};
use crate::output::checkpoint::{self, CheckpointSink, Identity};
use crate::output::folder::{self, Folder};
use crate::output::{self, FigureOptions, RunInfo, ScenarioResult, rows::RowWriter};
use crate::scenario::Scenario;
use crate::shard::ShardSpec;
use anyhow::Context as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

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
    /// Write `trace.csv` of this many runs (0: none).
    pub trace: u64,
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

/// Default wall time between checkpoints.
pub const CHECKPOINT_EVERY: Duration = Duration::from_secs(60);

/// Runs scenarios one after another on a pool of worker threads, with one
/// progress bar over all of them.
pub struct Runner {
    pub threads: usize,
    pool: rayon::ThreadPool,
    pub(crate) progress: indicatif::ProgressBar,
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
                return Err(self.interrupted(
                    &scenario.meta.name,
                    stopped - range.start,
                    range.end - range.start,
                    kept,
                ));
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
        let mut streamed: Vec<_> = sink
            .rows
            .take()
            .map(|r| r.finish().into())
            .unwrap_or_default();
        if job.trace > 0 && job.shard.is_none() {
            let trace = output::trace::trace_csv(&scenario, job.trace);
            streamed.push(
                folder
                    .stage(output::trace::FILE_NAME, &trace)
                    .with_context(|| format!("cannot write {}", output::trace::FILE_NAME))?,
            );
        }
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
                return Err(self.interrupted(
                    &result.scenario.meta.name,
                    range.end - range.start,
                    range.end - range.start,
                    Some(work.clone()),
                ));
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
                    self.interrupted(&scenario.meta.name, aggregate.runs, runs, None)
                }
            })?;
        self.done += runs;
        self.simulated += runs;
        self.lab_steps +=
            runs as f64 * f64::from(scenario.meta.steps) * scenario.lab_count() as f64;
        Ok(aggregate)
    }

    /// The error of a scenario a signal stopped after `completed` of its
    /// `total` runs, its checkpoint kept in `checkpoint` (if it was).
    fn interrupted(
        &self,
        scenario: &str,
        completed: u64,
        total: u64,
        checkpoint: Option<PathBuf>,
    ) -> anyhow::Error {
        anyhow::Error::new(Interrupted {
            scenario: scenario.to_string(),
            progress: Progress { completed, total },
            finished: self.finished.clone(),
            checkpoint,
        })
    }

    pub fn finish(&self) {
        self.progress.finish_and_clear();
    }
}

/// Output folders must not collide.
pub(crate) fn check_names(
    scenarios: &[Scenario],
    comparison: Option<&str>,
) -> Result<(), InputError> {
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
