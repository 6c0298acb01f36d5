//! `airace sweep`: a base scenario and keys to vary -> the plan of points
//! -> every point simulated with one seed -> `sweep.csv`, its figures and
//! page (or a shard of the points).

use super::args::{CommonArgs, NameArg, OverrideArgs};
use super::is_interrupted;
use super::runner::{CHECKPOINT_EVERY, Plan, Runner, ScenarioJob, check_names};
use super::{CommonOptions, Overrides};
use crate::context::{Created, InputError};
use crate::output;
use crate::output::checkpoint;
use crate::output::folder::{self, Folder, Kind};
use crate::output::sweep_folder::{SWEEP_FILE, write_sweep};
use crate::scenario::Scenario;
use crate::shard::ShardSpec;
use anyhow::Context as _;
use std::path::PathBuf;
use std::time::Instant;

/// Examples ending `airace sweep --help`, with the keys a sweep may set.
pub const EXAMPLES: &str = "\
Examples:
  airace sweep scenarios/rsp-2026.toml --set world.observation.capability_noise=0,0.5,1,1.5
  airace sweep scenarios/rsp-2026.toml --set labs.Frontier.policy.1.risk=0.0005,0.001,0.002,0.004 \\
      --set world.hazard.gap_slope=0.2,0.4,0.6 --runs 2000
  airace sweep scenarios/race.toml --samples 50 --set labs.Upstart.safety_share=0..0.3 \\
      --set world.spillover=0..0.1
Keys are paths into the scenario: world.KEY, world.hazard.KEY, labs.NAME.KEY,
labs.NAME.policy.INDEX.KEY (rules numbered from 0), scenario.steps, payoff.KEY.
A [sweep] table in the scenario file can list them too:
  [sweep]
  samples = 50            # only with ranges
  [[sweep.parameter]]
  key = \"world.spillover\"
  values = [0.0, 0.05, 0.1]   # or range = [0.0, 0.1]";

/// `airace sweep`'s options.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The base scenario file (TOML).
    pub scenario: PathBuf,
    /// KEY=V1,V2,... (grid values) or KEY=LOW..HIGH (a range, with --samples); repeatable.
    #[arg(long = "set", value_name = "KEY=VALUES")]
    pub sets: Vec<String>,
    /// Draw a seeded Latin hypercube of N points over the ranges.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub samples: Option<u64>,
    #[command(flatten)]
    pub overrides: OverrideArgs,
    #[command(flatten)]
    pub name: NameArg,
    /// Also write every point's full outputs under points/NNNN/.
    #[arg(long)]
    pub keep_points: bool,
    /// Run only shard K of N (a contiguous range of points) into OUT/NAME/shard-K-of-N/.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<ShardSpec>,
    #[command(flatten)]
    pub common: CommonArgs,
}

impl Args {
    /// Runs the sweep into its folder.
    pub fn execute(self) -> anyhow::Result<()> {
        sweep(&self.config()?)?;
        Ok(())
    }

    fn config(self) -> Result<SweepConfig, InputError> {
        Ok(SweepConfig {
            scenario: self.scenario,
            sets: self.sets,
            samples: self.samples.map(|n| n as usize),
            overrides: self.overrides.get(),
            name: self.name.name,
            keep_points: self.keep_points,
            shard: self.shard,
            common: self.common.options()?,
        })
    }
}

/// Everything `airace sweep` needs.
#[derive(Debug, Clone)]
pub struct SweepConfig {
    pub scenario: PathBuf,
    /// `KEY=V1,V2,...` or `KEY=LOW..HIGH`, as typed.
    pub sets: Vec<String>,
    /// Points of a Latin hypercube (with ranges).
    pub samples: Option<usize>,
    /// What `--runs` and `--seed` replace in the file.
    pub overrides: Overrides,
    /// Folder name; default `<scenario>-sweep`.
    pub name: Option<String>,
    /// Write every point's full outputs under `points/`.
    pub keep_points: bool,
    pub common: CommonOptions,
    /// Run only this shard of the points, into `OUT/NAME/shard-K-of-N/`.
    pub shard: Option<ShardSpec>,
}

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
    let mut plan = crate::sweep::Sweep::new(
        &source,
        &origin,
        &stem,
        sets,
        config.samples,
        config.overrides.seed,
    )?;
    if let Some(runs) = config.overrides.runs {
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
        Some(spec) => config.common.out.join(&name).join(spec.folder_name()),
        None => config.common.out.join(&name),
    };
    // Only with keep_points does a point write per-run rows or figures.
    crate::resources::check(
        plan.points[points.clone()]
            .iter()
            .enumerate()
            .map(|(k, p)| {
                (
                    &p.scenario,
                    format!("{origin} at sweep point {}", points.start + k + 1),
                )
            }),
        config.common.threads,
        config.keep_points,
        config
            .common
            .figures
            .size
            .as_ref()
            .filter(|_| config.keep_points),
        &config.common.out,
    )?;
    let kind = match config.shard {
        Some(_) => Kind::SweepShard,
        None => Kind::Sweep,
    };
    let mut folder = created.claim(&dir, kind, config.common.force)?;

    let total: u64 = plan.points[points.clone()]
        .iter()
        .map(|p| p.scenario.meta.runs)
        .sum();
    let mut runner = Runner::new(config.common.threads, total, config.common.quiet)?;
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
        trace: 0,
        figures: &config.common.figures,
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
                &config.common.command_line,
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
        let reproduce = plan.to_toml(config.overrides.runs);
        let mut fingerprint = csv[..header_len].to_string();
        fingerprint.push_str(&reproduce);
        for p in &plan.points {
            fingerprint.push_str(&checkpoint::scenario_fnv(&p.scenario));
            fingerprint.push('\n');
        }
        let info = runner.info(origin.clone(), &config.common.command_line);
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
        if !config.common.quiet {
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
    let info = runner.info(origin.clone(), &config.common.command_line);
    write_sweep(
        &mut folder,
        &csv,
        &plan.to_toml(config.overrides.runs),
        plan.seed,
        &info,
        &config.common.figures,
    )?;
    if !config.common.quiet {
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
