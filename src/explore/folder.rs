//! An exploration's folder: the analyses of every experiment's outcomes
//! (robustness, sensitivity, discovery, convergence) written as tables,
//! figures, page and manifest, all or nothing. `airace explore` and
//! `airace merge` of exploration shards both write it through here.

use super::done::Done;
use super::file::{Exploration, Metric, Outcome};
use super::tables::{self, Results};
use crate::engine::Aggregate;
use crate::output::atomic::AtomicFile;
use crate::output::folder::{self, Folder, Scope};
use std::path::Path;

/// What an exploration's manifest records of the command that wrote it,
/// and what it draws.
#[derive(Debug, Clone, Copy)]
pub struct Provenance<'a> {
    /// The exploration file, as given.
    pub source: &'a Path,
    pub command_line: &'a [String],
    /// Figures to draw (size), or none.
    pub figures: crate::output::FigureOptions,
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
    let mean = |sum: f64, sum_sq: f64| crate::stats::mean_se(sum, sum_sq, n);
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
    provenance: &Provenance<'_>,
    pool: &rayon::ThreadPool,
) -> anyhow::Result<Analysis> {
    let units: Vec<usize> = (0..tables::sensitivity_units(e)).collect();
    // The analyses are pure functions of the results: run side by side on
    // the pool (each parallel within, too), the same bytes on any threads.
    let ((sensitivity, found), (checks, (experiments, (robustness, pairwise)))) =
        pool.install(|| {
            rayon::join(
                || {
                    rayon::join(
                        || tables::sensitivities(e, results, &units),
                        || tables::discoveries(e, results),
                    )
                },
                || {
                    rayon::join(
                        || tables::convergence(e, results),
                        || {
                            rayon::join(
                                || tables::experiments(e, results),
                                || {
                                    rayon::join(
                                        || tables::robustness(e, results),
                                        || tables::pairwise(e, results),
                                    )
                                },
                            )
                        },
                    )
                },
            )
        });
    let mut files: Vec<(&str, Vec<u8>)> = vec![
        (tables::EXPERIMENTS, experiments.into_bytes()),
        (tables::ROBUSTNESS, robustness.into_bytes()),
        (tables::PAIRWISE, pairwise.into_bytes()),
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
    let drawn = match provenance.figures.size {
        Some(size) => crate::plot::draw_all(super::figures::figures(&view)?, &size),
        None => Vec::new(),
    };
    let names: Vec<String> = files
        .iter()
        .map(|(n, _)| n.to_string())
        .chain(drawn.iter().flat_map(|d| {
            d.files(crate::output::files::FIGURES_DIR)
                .into_iter()
                .map(|(name, _)| name)
        }))
        .chain([
            super::report::PAGE.to_string(),
            tables::MANIFEST.to_string(),
        ])
        .collect();
    let manifest = manifest(e, provenance, &names);
    let page = super::report::page(&view, &drawn, &String::from_utf8_lossy(&manifest))?;
    files.push((super::report::PAGE, page.into_bytes()));
    files.push((tables::MANIFEST, manifest));
    if crate::interrupt::interrupted() {
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
fn manifest(e: &Exploration, provenance: &Provenance<'_>, files: &[String]) -> Vec<u8> {
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
    crate::output::Manifest::new()
        .part(json!({
        "kind": "exploration",
        "exploration": e.name,
        "source": provenance.source.display().to_string(),
        "command_line": provenance.command_line,
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
    }))
    .to_bytes()
}
