//! Published models of AI races, reproduced: `airace classic dsair` and
//! `airace classic precipice`.
//!
//! They anchor airace's game analysis to the literature: the same finite-
//! population machinery that analyses the race model's policies must give
//! back Han et al.'s DSAIR results, and the same best-response search must
//! give back the equilibria one can derive for Armstrong, Bostrom &
//! Shulman's model. Each command writes CSV tables shaped for the papers'
//! figures:
//!
//! | file | what | figure |
//! |---|---|---|
//! | `dsair/heatmap.csv` | UNSAFE frequency (simulated and closed form) over the `(s, p_r)` plane, with the payoff matrix | the paper's central heatmap |
//! | `dsair/boundaries.csv` | for each `s`, the `p_r` where society prefers SAFE, where SAFE is risk-dominant, where SAFE becomes the more frequent | the two boundary curves over the heatmap |
//! | `dsair/curves.csv` | UNSAFE frequency against `p_r` at `s = 1`, `1.5` and `3` | frequency curves |
//! | `precipice/disaster.csv` | equilibrium probability of disaster per regime as `mu`, `e`, `n` vary, with the closed form; the headline game `n = 2, e = 1, mu = 1` as the mean of its solves (`solves`) | disaster vs `mu`, a line per regime, panels by `e` and `n` |
//! | `precipice/strategies.csv` | the equilibrium safety per information cell | safety vs capability (or lead) |

pub mod dsair;
pub mod precipice;

use crate::context::InputError;
use crate::context::{Abandoned, thread_pool};
use crate::context::{abandon, claim_folder};
use crate::game::fermi::Population;
use crate::output::FigureOptions;
use crate::output::format;
use crate::output::game_folder::{self, commit_with_figures};
use crate::plot::game_figures::GameFolder;
use dsair::Dsair;
use precipice::{Precipice, Regime, Selection, Solver};
use rayon::prelude::*;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

/// Everything `airace classic dsair` needs.
#[derive(Debug, Clone)]
pub struct DsairConfig {
    /// Races simulated per pairing and `(s, p_r)` cell.
    pub runs: u64,
    pub seed: u64,
    pub threads: Option<usize>,
    pub out: PathBuf,
    /// The output folder's name under `out`.
    pub name: String,
    /// `b`, `c`, `B`, `W`; speed and risk come from the grid.
    pub game: Dsair,
    pub population: usize,
    pub selection: f64,
    /// `s` from `speed_min` to `speed_max` in steps of `speed_step`.
    pub speed_min: f64,
    pub speed_max: f64,
    pub speed_step: f64,
    /// `p_r` from 0 to 1 in steps of `risk_step`.
    pub risk_step: f64,
    pub quiet: bool,
    /// Write into an output folder that holds files airace did not write.
    pub force: bool,
    /// Figures to draw (size), or none.
    pub figures: FigureOptions,
    pub command_line: Vec<String>,
}

impl Default for DsairConfig {
    fn default() -> Self {
        DsairConfig {
            runs: 1000,
            seed: 1,
            threads: None,
            out: PathBuf::from("output"),
            name: "dsair".into(),
            game: Dsair::paper(1.0, 0.0),
            population: 100,
            selection: 0.01,
            speed_min: 1.0,
            speed_max: 5.0,
            speed_step: 0.1,
            risk_step: 0.02,
            quiet: false,
            force: false,
            figures: FigureOptions {
                size: Some(crate::plot::Size::default()),
            },
            command_line: Vec::new(),
        }
    }
}

/// The speeds reported in the summary, the console and `curves.csv`:
/// `s = 1`, where SAFE and UNSAFE finish together (the tie rule decides the
/// prize), and two speeds where UNSAFE is faster.
pub const REPORTED_SPEEDS: [f64; 3] = [1.0, 1.5, 3.0];

/// `lo, lo + step, ..., hi` (the last within rounding of `hi`), each the
/// nearest `f64` to its decimal value when that has at most 12 decimals
/// (so the files say `1.7`, not `1.7000000000000002`).
fn range(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    let n = ((hi - lo) / step + 1e-9).floor() as usize;
    (0..=n)
        .map(|i| {
            let x = lo + i as f64 * step;
            let decimal = (x * 1e12).round() / 1e12;
            if (decimal - x).abs() <= 1e-9 * x.abs().max(1.0) {
                decimal
            } else {
                x
            }
        })
        .collect()
}

fn usage(message: String) -> anyhow::Error {
    InputError::Usage(message).into()
}

fn check_folder_name(name: &str) -> anyhow::Result<()> {
    if crate::scenario::valid_name(name) {
        Ok(())
    } else {
        Err(usage(format!(
            "--name `{name}` cannot name a folder: use {}",
            crate::scenario::NAME_RULE
        )))
    }
}

/// What one reported speed shows.
#[derive(Debug, Clone, Serialize)]
pub struct DsairPoint {
    pub speed: f64,
    /// `p_r` above which society prefers SAFE (`pi_SS > pi_UU`).
    pub society_prefers_safe_above: f64,
    /// `p_r` above which SAFE is risk-dominant (`pi_SS + pi_SU > pi_US + pi_UU`).
    pub safe_risk_dominant_above: f64,
    /// `p_r` above which SAFE is the more frequent in a population of `Z`.
    pub safe_more_frequent_above: f64,
    /// Where the simulated UNSAFE frequency crosses one half.
    pub simulated_half: Option<f64>,
    /// UNSAFE frequency (simulated) at `p_r` = 0, 0.25, 0.5, 0.75, 1.
    pub unsafe_frequency: Vec<(f64, f64)>,
}

/// What `airace classic dsair` produced.
#[derive(Debug)]
pub struct DsairReport {
    pub cells: Vec<dsair::Cell>,
    pub points: Vec<DsairPoint>,
    pub folder: PathBuf,
}

/// Simulates DSAIR over the `(s, p_r)` plane and writes its tables.
pub fn run_dsair(config: &DsairConfig) -> anyhow::Result<DsairReport> {
    let g = &config.game;
    check_folder_name(&config.name)?;
    let positive = [
        ("--runs", config.runs as f64),
        ("--prize", g.prize),
        ("--steps", g.steps),
        ("--speed-step", config.speed_step),
        ("--risk-step", config.risk_step),
    ];
    for (flag, x) in positive {
        if !(x.is_finite() && x > 0.0) {
            return Err(usage(format!(
                "{flag} must be a positive number, found {x}"
            )));
        }
    }
    if !(config.speed_min >= 1.0
        && config.speed_max >= config.speed_min
        && config.speed_max <= 1000.0)
    {
        return Err(usage(format!(
            "speeds must satisfy 1 <= --speed-min <= --speed-max <= 1000 (UNSAFE is at least as fast as SAFE), \
             found {} to {}",
            config.speed_min, config.speed_max
        )));
    }
    if !(g.benefit.is_finite()
        && g.safety_cost.is_finite()
        && g.benefit >= 0.0
        && g.safety_cost >= 0.0)
    {
        return Err(usage("--benefit and --cost must be numbers >= 0".into()));
    }
    if config.population < 2 || !(config.selection.is_finite() && config.selection >= 0.0) {
        return Err(usage(
            "--population must be at least 2 and --selection a number >= 0".into(),
        ));
    }
    let speeds = range(config.speed_min, config.speed_max, config.speed_step);
    let risks = range(0.0, 1.0, config.risk_step);
    if speeds.len() * risks.len() > 1_000_000 {
        return Err(usage(
            "the (s, p_r) grid has more than a million cells: use larger steps".into(),
        ));
    }
    let population = Population {
        size: config.population,
        selection: config.selection,
    };
    let dir = config.out.join(&config.name);
    let (created, mut folder) =
        claim_folder(&dir, game_folder::kind(GameFolder::Dsair), config.force)?;
    let pool = thread_pool(config.threads)?;
    let fine: Vec<f64> = range(0.0, 1.0, 0.01);
    let total = (speeds.len() * risks.len() + REPORTED_SPEEDS.len() * fine.len()) as u64;
    let stopped = |completed| {
        abandon(
            &created,
            Abandoned {
                command: "classic dsair".into(),
                completed,
                total,
                unit: "cells",
            },
        )
    };
    let draws = dsair::draws(config.runs, config.seed);
    let cancel = &crate::context::INTERRUPTED;
    let cells = pool
        .install(|| dsair::plane(g, &speeds, &risks, &draws, &population, cancel))
        .map_err(stopped)?;
    let curves = pool
        .install(|| dsair::plane(g, &REPORTED_SPEEDS, &fine, &draws, &population, cancel))
        .map_err(|done| stopped(cells.len() as u64 + done))?;
    // Where UNSAFE falls to half, for the grid's speeds and the reported
    // ones, by one computation (boundaries.csv, summary.json, console).
    let halves: Vec<(Option<f64>, Option<f64>)> = pool
        .install(|| {
            speeds
                .par_iter()
                .chain(REPORTED_SPEEDS.par_iter())
                .map(|&speed| {
                    (!cancel.load(Ordering::Relaxed))
                        .then(|| dsair::half_unsafe(&Dsair { speed, ..*g }, &draws, &population))
                })
                .collect::<Option<Vec<_>>>()
        })
        .ok_or_else(|| stopped((cells.len() + curves.len()) as u64))?;
    let points: Vec<DsairPoint> = REPORTED_SPEEDS
        .iter()
        .zip(&halves[speeds.len()..])
        .map(|(&speed, &(simulated_half, _))| {
            let game = Dsair { speed, ..*g };
            let row: Vec<&dsair::Cell> = curves.iter().filter(|c| c.speed == speed).collect();
            let freq: Vec<f64> = row.iter().map(|c| c.unsafe_simulated).collect();
            DsairPoint {
                speed,
                society_prefers_safe_above: game.society_threshold(),
                safe_risk_dominant_above: game.risk_dominance_threshold(),
                safe_more_frequent_above: game.finite_population_threshold(config.population),
                simulated_half,
                unsafe_frequency: [0usize, 25, 50, 75, 100]
                    .iter()
                    .map(|&i| (fine[i], freq[i]))
                    .collect(),
            }
        })
        .collect();

    let summary = serde_json::json!({
        "model": "DSAIR (Han, Pereira, Santos & Lenaerts, JAIR 2020)",
        "parameters": {
            "benefit_b": g.benefit, "safety_cost_c": g.safety_cost, "prize_B": g.prize, "steps_W": g.steps,
            "tie": g.tie.name(),
            "population_Z": config.population, "selection_beta": config.selection,
            "runs_per_cell": config.runs, "seed": config.seed,
        },
        "note": "unsafe_frequency is UNSAFE's share of the small-mutation stationary distribution of pairwise-comparison \
                 imitation, from simulated payoffs; thresholds are closed forms of the paper's payoff matrix.",
        "reported_speeds": points,
    });
    let files = vec![
        ("heatmap.csv".to_string(), heatmap_csv(&cells).into_bytes()),
        (
            "boundaries.csv".to_string(),
            boundaries_csv(g, &speeds, &halves[..speeds.len()], config.population).into_bytes(),
        ),
        ("curves.csv".to_string(), curves_csv(&curves).into_bytes()),
        (
            crate::output::files::SUMMARY_JSON.to_string(),
            json_bytes(summary),
        ),
    ];
    if crate::context::interrupted() {
        return Err(stopped(total));
    }
    let outputs: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    let manifest = serde_json::json!({
        "airace_version": env!("CARGO_PKG_VERSION"),
        "seed": config.seed,
        "runs": config.runs,
        "threads": pool.current_num_threads(),
        "command_line": config.command_line,
        "outputs": outputs,
    });
    commit_with_figures(
        &mut folder,
        GameFolder::Dsair,
        files,
        manifest,
        &config.figures,
    )?;
    if !config.quiet {
        println!(
            "airace classic dsair: b = {}, c = {}, B = {}, W = {}, Z = {}, beta = {}, tie at s = 1 to {}; {} x {} cells, {} races per pairing, seed {}\n",
            g.benefit,
            g.safety_cost,
            g.prize,
            g.steps,
            config.population,
            config.selection,
            match g.tie {
                dsair::Tie::Unsafe => "UNSAFE (the paper's matrix)",
                dsair::Tie::Split => "both (split)",
            },
            speeds.len(),
            risks.len(),
            config.runs,
            config.seed
        );
        println!(
            "{:>5}  {:>22}  {:>22}  {:>24}  {:>16}  UNSAFE frequency at p_r = 0, .25, .5, .75, 1",
            "s",
            "society prefers SAFE",
            "SAFE risk-dominant",
            "SAFE more frequent (Z)",
            "simulated 50%"
        );
        for p in &points {
            let f: Vec<String> = p
                .unsafe_frequency
                .iter()
                .map(|(_, f)| format!("{f:.3}"))
                .collect();
            println!(
                "{:>5}  {:>22}  {:>22}  {:>24}  {:>16}  {}",
                p.speed,
                format!("p_r > {:.4}", p.society_prefers_safe_above),
                format!("p_r > {:.4}", p.safe_risk_dominant_above),
                format!("p_r > {:.4}", p.safe_more_frequent_above),
                p.simulated_half
                    .map_or("none".to_string(), |x| format!("p_r = {x:.4}")),
                f.join(", ")
            );
        }
        println!("results: {}", dir.display());
    }
    Ok(DsairReport {
        cells,
        points,
        folder: dir,
    })
}

fn json_bytes(mut value: serde_json::Value) -> Vec<u8> {
    format::clean_json(&mut value);
    let mut bytes = serde_json::to_vec_pretty(&value).expect("JSON serializes");
    bytes.push(b'\n');
    bytes
}

fn cells_csv(cells: &[dsair::Cell], with_payoffs: bool) -> String {
    let mut out = String::from("speed,risk,unsafe_frequency,unsafe_frequency_closed_form");
    if with_payoffs {
        out.push_str(
            ",pi_ss,pi_su,pi_us,pi_uu,pi_us_se,pi_uu_se,pi_ss_closed_form,pi_su_closed_form,pi_us_closed_form,pi_uu_closed_form",
        );
    }
    out.push('\n');
    for c in cells {
        format::value(&mut out, c.speed);
        out.push(',');
        format::value(&mut out, c.risk);
        out.push(',');
        format::prob(&mut out, c.unsafe_simulated);
        out.push(',');
        format::prob(&mut out, c.unsafe_closed_form);
        if with_payoffs {
            let m = &c.simulated;
            for x in [
                m[0][0].mean,
                m[0][1].mean,
                m[1][0].mean,
                m[1][1].mean,
                m[1][0].se,
                m[1][1].se,
            ] {
                out.push(',');
                format::value(&mut out, x);
            }
            for x in c.closed_form.iter().flatten() {
                out.push(',');
                format::value(&mut out, *x);
            }
        }
        out.push('\n');
    }
    out
}

/// `heatmap.csv`: one row per `(s, p_r)`.
pub fn heatmap_csv(cells: &[dsair::Cell]) -> String {
    cells_csv(cells, true)
}

/// `curves.csv`: the UNSAFE frequency along `p_r` at the reported speeds.
pub fn curves_csv(cells: &[dsair::Cell]) -> String {
    cells_csv(cells, false)
}

/// `boundaries.csv`: for each speed, the three thresholds (clamped to
/// `[0, 1]`) and where the stationary UNSAFE frequency crosses one half,
/// simulated and closed form (`halves`, from [`dsair::half_unsafe`]).
pub fn boundaries_csv(
    g: &Dsair,
    speeds: &[f64],
    halves: &[(Option<f64>, Option<f64>)],
    z: usize,
) -> String {
    let mut out = String::from(
        "speed,society_prefers_safe_above,safe_risk_dominant_above,safe_more_frequent_above,half_unsafe_simulated,half_unsafe_closed_form\n",
    );
    for (&speed, &(simulated, closed_form)) in speeds.iter().zip(halves) {
        let game = Dsair { speed, ..*g };
        format::value(&mut out, speed);
        for x in [
            game.society_threshold(),
            game.risk_dominance_threshold(),
            game.finite_population_threshold(z),
        ] {
            out.push(',');
            format::prob(&mut out, x.clamp(0.0, 1.0));
        }
        for half in [simulated, closed_form] {
            out.push(',');
            if let Some(x) = half {
                format::prob(&mut out, x);
            }
        }
        out.push('\n');
    }
    out
}

/// Everything `airace classic precipice` needs.
#[derive(Debug, Clone)]
pub struct PrecipiceConfig {
    pub teams: Vec<usize>,
    pub enmity: Vec<f64>,
    pub mu: Vec<f64>,
    pub solver: Solver,
    pub threads: Option<usize>,
    pub out: PathBuf,
    pub name: String,
    pub quiet: bool,
    /// Write into an output folder that holds files airace did not write.
    pub force: bool,
    /// Figures to draw (size), or none.
    pub figures: FigureOptions,
    pub command_line: Vec<String>,
}

impl Default for PrecipiceConfig {
    fn default() -> Self {
        PrecipiceConfig {
            teams: vec![2, 3, 5],
            enmity: vec![0.5, 1.0],
            mu: range(0.25, 3.0, 0.25),
            solver: Solver::default(),
            threads: None,
            out: PathBuf::from("output"),
            name: "precipice".into(),
            quiet: false,
            force: false,
            figures: FigureOptions {
                size: Some(crate::plot::Size::default()),
            },
            command_line: Vec::new(),
        }
    }
}

/// What `airace classic precipice` produced.
#[derive(Debug)]
pub struct PrecipiceReport {
    /// The sweep, in the order of `disaster.csv`.
    pub equilibria: Vec<precipice::Equilibrium>,
    /// `n = 2, e = 1, mu = 1` in each regime, if it was asked for (else empty).
    pub headline: Vec<Headline>,
    pub folder: PathBuf,
}

/// Independent solves of each headline game, to measure how far the
/// equilibrium search itself (finite sample, grid) moves the answer; made
/// only when the headline game is among the games asked for.
pub const HEADLINE_REPLICATIONS: u64 = 5;

/// Games the console lists when the headline game was not asked for.
const CONSOLE_ROWS: usize = 12;

/// One regime of the headline game `n = 2, e = 1, mu = 1`, solved
/// [`HEADLINE_REPLICATIONS`] times with consecutive seeds.
#[derive(Debug, Clone, Serialize)]
pub struct Headline {
    pub regime: Regime,
    /// Mean over the replications; its standard error is their spread over
    /// the square root of their number, so it covers the search's error as
    /// well as the evaluation's.
    pub p_disaster: crate::game::table::PayoffEstimate,
    pub closed_form: f64,
    pub converged: usize,
    pub replications: Vec<precipice::Equilibrium>,
    /// The same solves on a grid and bins half as fine.
    pub coarse: crate::game::table::PayoffEstimate,
    /// `p_2h - p_h`: the discretisation bias of `p_disaster`, measured
    /// against the coarse solves. The bias is close to linear in the grid
    /// step and the bin width `h` (`p_h = p + b h`), which the coarse
    /// solves double, so `p_2h - p_h = b h`, the bias of `p_h`.
    pub discretisation_bias: f64,
    /// `p_h - (p_2h - p_h)`: `p_disaster` extrapolated to zero step (Richardson).
    pub extrapolated: f64,
    /// A 95% interval covering the sampling and the discretisation: from
    /// the smaller to the larger of `p_disaster` and `extrapolated`, each
    /// widened by 2 of its SEs.
    pub interval: (f64, f64),
}

/// Finds the equilibria of every regime over the sweep and writes them.
pub fn run_precipice(config: &PrecipiceConfig) -> anyhow::Result<PrecipiceReport> {
    check_folder_name(&config.name)?;
    if config.teams.is_empty() || config.enmity.is_empty() || config.mu.is_empty() {
        return Err(usage(
            "--teams, --enmity and --mu each need at least one value".into(),
        ));
    }
    if let Some(n) = config
        .teams
        .iter()
        .find(|&&n| !(2..=precipice::MAX_TEAMS).contains(&n))
    {
        return Err(usage(format!(
            "--teams: {n} is out of range: allowed 2 to {}",
            precipice::MAX_TEAMS
        )));
    }
    if let Some(e) = config
        .enmity
        .iter()
        .find(|e| !(e.is_finite() && (0.0..=1.0).contains(*e)))
    {
        return Err(usage(format!(
            "--enmity: {e} is out of range: allowed 0 to 1"
        )));
    }
    if let Some(m) = config
        .mu
        .iter()
        .find(|m| !(m.is_finite() && **m > 0.0 && **m <= 1000.0))
    {
        return Err(usage(format!(
            "--mu: {m} is out of range: allowed 0 < mu <= 1000"
        )));
    }
    let s = &config.solver;
    if s.draws < 100 || s.evaluation_draws < 100 || s.grid < 2 || s.bins < 1 || s.max_iterations < 1
    {
        return Err(usage(
            "--draws and --evaluation-draws must be at least 100, --grid at least 2, --bins at least 1".into(),
        ));
    }
    let games: Vec<(Regime, Precipice)> = config
        .teams
        .iter()
        .flat_map(|&teams| {
            config.enmity.iter().flat_map(move |&enmity| {
                config
                    .mu
                    .iter()
                    .flat_map(move |&mu| Regime::ALL.map(|r| (r, Precipice { teams, enmity, mu })))
            })
        })
        .collect();
    let dir = config.out.join(&config.name);
    let (created, mut folder) =
        claim_folder(&dir, game_folder::kind(GameFolder::Precipice), config.force)?;
    let pool = thread_pool(config.threads)?;
    // The headline game is replicated only when it was asked for; its
    // sweep solve (seed + 0) is the first replication.
    let headline_game = Precipice {
        teams: 2,
        enmity: 1.0,
        mu: 1.0,
    };
    let extra_solves: Vec<(Regime, u64)> = if games.iter().any(|(_, g)| *g == headline_game) {
        Regime::ALL
            .iter()
            .flat_map(|&r| (1..HEADLINE_REPLICATIONS).map(move |k| (r, k)))
            .collect()
    } else {
        Vec::new()
    };
    // The headline's solves again on a grid and bins half as fine, to
    // measure the discretisation bias.
    let coarse_solves: Vec<(Regime, u64)> = if extra_solves.is_empty() {
        Vec::new()
    } else {
        Regime::ALL
            .iter()
            .flat_map(|&r| (0..HEADLINE_REPLICATIONS).map(move |k| (r, k)))
            .collect()
    };
    let total = (games.len() + extra_solves.len() + coarse_solves.len()) as u64;
    let finished = AtomicU64::new(0);
    let cancel = &crate::context::INTERRUPTED;
    let solve = |r: Regime, g: &Precipice, solver: &Solver| {
        let e = precipice::solve_until(r, g, solver, cancel);
        finished.fetch_add(u64::from(e.is_some()), Ordering::Relaxed);
        e
    };
    let solved = pool.install(|| {
        let sweep: Vec<precipice::Equilibrium> = games
            .par_iter()
            .map(|(r, g)| solve(*r, g, s))
            .collect::<Option<_>>()?;
        let extra: Vec<precipice::Equilibrium> = extra_solves
            .par_iter()
            .map(|&(r, k)| {
                let solver = Solver {
                    seed: s.seed.wrapping_add(k),
                    ..*s
                };
                solve(r, &headline_game, &solver)
            })
            .collect::<Option<_>>()?;
        let coarse: Vec<precipice::Equilibrium> = coarse_solves
            .par_iter()
            .map(|&(r, k)| {
                let solver = Solver {
                    seed: s.seed.wrapping_add(k),
                    grid: (s.grid / 2).max(2),
                    bins: (s.bins / 2).max(1),
                    ..*s
                };
                solve(r, &headline_game, &solver)
            })
            .collect::<Option<_>>()?;
        let headline = if extra.is_empty() {
            Vec::new()
        } else {
            let first = Regime::ALL.iter().filter_map(|&r| {
                sweep
                    .iter()
                    .find(|e| e.regime == r && e.game == headline_game)
            });
            headline(&first.cloned().chain(extra).collect::<Vec<_>>(), &coarse)
        };
        Some((sweep, headline))
    });
    let stopped = || {
        abandon(
            &created,
            Abandoned {
                command: "classic precipice".into(),
                completed: finished.load(Ordering::Relaxed),
                total,
                unit: "equilibria",
            },
        )
    };
    let Some((equilibria, headline)) = solved else {
        return Err(stopped());
    };

    let summary = serde_json::json!({
        "model": "Racing to the precipice (Armstrong, Bostrom & Shulman, AI & Society 2016)",
        "solver": s,
        "equilibrium": s.selection.name(),
        "note": "p_disaster = 1 - E[safety of the winner] in the symmetric equilibrium found by best-response \
                 iteration on simulated capabilities (all informed with enmity e < 1, where every leader safety \
                 from min(1, D) to min(1, D/e) is an equilibrium, the one selected by `equilibrium`); closed forms \
                 are derived in src/game/classic/precipice.rs. The headline's interval covers the spread of its \
                 solves and the discretisation bias, measured against solves on a grid and bins half as fine \
                 (p_disaster_coarse) and extrapolated to zero step (p_disaster_extrapolated).",
        "headline_n2_e1_mu1": headline.iter().map(|h| serde_json::json!({
            "regime": h.regime.name(),
            "p_disaster": h.p_disaster.mean,
            "p_disaster_se": h.p_disaster.se,
            "p_disaster_coarse": h.coarse.mean,
            "discretisation_bias": h.discretisation_bias,
            "p_disaster_extrapolated": h.extrapolated,
            "p_disaster_ci_low": h.interval.0,
            "p_disaster_ci_high": h.interval.1,
            "closed_form": h.closed_form,
            "replications": HEADLINE_REPLICATIONS,
            "converged": h.converged,
            "per_replication": h.replications.iter().map(|e| e.p_disaster.mean).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    let files = vec![
        (
            "disaster.csv".to_string(),
            disaster_csv(&equilibria, &headline).into_bytes(),
        ),
        (
            "strategies.csv".to_string(),
            strategies_csv(&equilibria).into_bytes(),
        ),
        (
            crate::output::files::SUMMARY_JSON.to_string(),
            json_bytes(summary),
        ),
    ];
    if crate::context::interrupted() {
        return Err(stopped());
    }
    let outputs: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    let manifest = serde_json::json!({
        "airace_version": env!("CARGO_PKG_VERSION"),
        "seed": s.seed,
        "threads": pool.current_num_threads(),
        "command_line": config.command_line,
        "outputs": outputs,
    });
    commit_with_figures(
        &mut folder,
        GameFolder::Precipice,
        files,
        manifest,
        &config.figures,
    )?;
    if !config.quiet {
        println!(
            "airace classic precipice: {} equilibria ({} draws, safety grid 1/{}, {} bins, {} where several), seed {}\n",
            equilibria.len(),
            s.draws,
            s.grid,
            s.bins,
            s.selection.name().replace('_', " "),
            s.seed
        );
        if headline.is_empty() {
            println!(
                "{:>16}  {:>5}  {:>5}  {:>6}  {:>22}  {:>12}  {:>10}",
                "regime", "n", "e", "mu", "P(disaster) ± 2 SE", "closed form", "converged"
            );
            for e in equilibria.iter().take(CONSOLE_ROWS) {
                println!(
                    "{:>16}  {:>5}  {:>5}  {:>6}  {:>22}  {:>12.4}  {:>10}",
                    e.regime.name(),
                    e.game.teams,
                    e.game.enmity,
                    e.game.mu,
                    format!("{:.4} ± {:.4}", e.p_disaster.mean, 2.0 * e.p_disaster.se),
                    precipice::closed_form_disaster(e.regime, &e.game, e.selection),
                    e.converged
                );
            }
            if equilibria.len() > CONSOLE_ROWS {
                println!(
                    "... and {} more in disaster.csv",
                    equilibria.len() - CONSOLE_ROWS
                );
            }
        } else {
            println!(
                "n = 2, e = 1, mu = 1 ({HEADLINE_REPLICATIONS} independent solves, SE from their spread; \
                 discretisation bias against solves on a grid and bins half as fine; \
                 the 95% interval covers both):"
            );
            println!(
                "{:>16}  {:>20}  {:>15}  {:>18}  {:>12}  {:>10}",
                "regime",
                "P(disaster) ± 2 SE",
                "discretisation",
                "95% interval",
                "closed form",
                "converged"
            );
            for h in &headline {
                println!(
                    "{:>16}  {:>20}  {:>15}  {:>18}  {:>12.4}  {:>10}",
                    h.regime.name(),
                    format!("{:.4} ± {:.4}", h.p_disaster.mean, 2.0 * h.p_disaster.se),
                    format!("{:+.4}", h.discretisation_bias),
                    format!("[{:.4}, {:.4}]", h.interval.0, h.interval.1),
                    h.closed_form,
                    format!("{}/{}", h.converged, h.replications.len())
                );
            }
        }
        let unconverged = equilibria.iter().filter(|e| !e.converged).count();
        if unconverged > 0 {
            println!(
                "note: {unconverged} equilibria of the sweep did not converge (see disaster.csv, max_regret)"
            );
        }
        println!("results: {}", dir.display());
    }
    Ok(PrecipiceReport {
        equilibria,
        headline,
        folder: dir,
    })
}

/// Mean of the solves' disaster probabilities, with the SE of their spread.
fn spread(solves: &[&precipice::Equilibrium]) -> crate::game::table::PayoffEstimate {
    let n = solves.len() as f64;
    let mean = solves.iter().map(|e| e.p_disaster.mean).sum::<f64>() / n;
    let var = solves
        .iter()
        .map(|e| (e.p_disaster.mean - mean).powi(2))
        .sum::<f64>()
        / (n - 1.0).max(1.0);
    crate::game::table::PayoffEstimate {
        mean,
        se: (var / n).sqrt(),
    }
}

/// Groups the replications of each regime (in `Regime::ALL` order), with
/// their coarse counterparts.
fn headline(solved: &[precipice::Equilibrium], coarse: &[precipice::Equilibrium]) -> Vec<Headline> {
    Regime::ALL
        .iter()
        .map(|&regime| {
            let replications: Vec<precipice::Equilibrium> = solved
                .iter()
                .filter(|e| e.regime == regime)
                .cloned()
                .collect();
            let p = spread(&replications.iter().collect::<Vec<_>>());
            let c = spread(
                &coarse
                    .iter()
                    .filter(|e| e.regime == regime)
                    .collect::<Vec<_>>(),
            );
            let extrapolated = 2.0 * p.mean - c.mean;
            let extrapolated_se = (4.0 * p.se * p.se + c.se * c.se).sqrt();
            Headline {
                regime,
                p_disaster: p,
                coarse: c,
                discretisation_bias: c.mean - p.mean,
                extrapolated,
                interval: (
                    (p.mean - 2.0 * p.se).min(extrapolated - 2.0 * extrapolated_se),
                    (p.mean + 2.0 * p.se).max(extrapolated + 2.0 * extrapolated_se),
                ),
                closed_form: precipice::closed_form_disaster(
                    regime,
                    &replications[0].game,
                    replications[0].selection,
                ),
                converged: replications.iter().filter(|e| e.converged).count(),
                replications,
            }
        })
        .collect()
}

/// `disaster.csv`: one row per regime, teams, enmity and mu. A game of the
/// sweep that is the headline game gets the headline's estimate (the mean
/// of its [`HEADLINE_REPLICATIONS`] solves, of which the sweep's is the
/// first), so the file, `summary.json` and the console give one number:
/// `solves` says how many solves a row averages, and `p_disaster_se` is
/// then their spread's (which covers the search's error), otherwise the
/// evaluation's alone. `iterations` and `max_regret` are the most over the
/// solves, `converged` whether all converged.
pub fn disaster_csv(equilibria: &[precipice::Equilibrium], headline: &[Headline]) -> String {
    let mut out = String::from(
        "regime,teams,enmity,mu,solves,p_disaster,p_disaster_se,p_disaster_closed_form,iterations,converged,max_regret,\
         equilibrium,p_disaster_most_safe_closed_form,p_disaster_least_safe_closed_form,\
         discretisation_bias,p_disaster_ci_low,p_disaster_ci_high\n",
    );
    for e in equilibria {
        let replicated = headline
            .iter()
            .find(|h| h.regime == e.regime && h.replications[0].game == e.game);
        let (solves, p, iterations, converged, max_regret) = match replicated {
            Some(h) => (
                h.replications.len(),
                h.p_disaster,
                h.replications
                    .iter()
                    .map(|r| r.iterations)
                    .max()
                    .unwrap_or(0),
                h.converged == h.replications.len(),
                h.replications
                    .iter()
                    .map(|r| r.max_regret)
                    .fold(0.0, f64::max),
            ),
            None => (1, e.p_disaster, e.iterations, e.converged, e.max_regret),
        };
        let _ = write!(out, "{},{},", e.regime.name(), e.game.teams);
        format::value(&mut out, e.game.enmity);
        out.push(',');
        format::value(&mut out, e.game.mu);
        let _ = write!(out, ",{solves},");
        format::prob(&mut out, p.mean);
        out.push(',');
        format::prob(&mut out, p.se);
        out.push(',');
        format::prob(
            &mut out,
            precipice::closed_form_disaster(e.regime, &e.game, e.selection),
        );
        let _ = write!(out, ",{iterations},{converged},");
        format::prob(&mut out, max_regret);
        let several = precipice::several_equilibria(e.regime, &e.game);
        let _ = write!(
            out,
            ",{},",
            if several {
                e.selection.name()
            } else {
                "unique"
            }
        );
        format::prob(
            &mut out,
            precipice::closed_form_disaster(e.regime, &e.game, Selection::MostSafe),
        );
        out.push(',');
        format::prob(
            &mut out,
            precipice::closed_form_disaster(e.regime, &e.game, Selection::LeastSafe),
        );
        match replicated {
            Some(h) => {
                for x in [h.discretisation_bias, h.interval.0, h.interval.1] {
                    out.push(',');
                    format::prob(&mut out, x);
                }
            }
            None => out.push_str(",,,"),
        }
        out.push('\n');
    }
    out
}

/// `strategies.csv`: the equilibrium safety of every information cell.
pub fn strategies_csv(equilibria: &[precipice::Equilibrium]) -> String {
    let mut out = String::from("regime,teams,enmity,mu,cell,from,to,safety,safety_closed_form\n");
    for e in equilibria {
        for (k, &s) in e.safety.iter().enumerate() {
            let (kind, lo, hi) = e.cell_range(k);
            let _ = write!(out, "{},{},", e.regime.name(), e.game.teams);
            format::value(&mut out, e.game.enmity);
            out.push(',');
            format::value(&mut out, e.game.mu);
            let _ = write!(out, ",{kind},");
            format::value(&mut out, lo);
            out.push(',');
            format::value(&mut out, hi);
            out.push(',');
            format::value(&mut out, s);
            out.push(',');
            format::value(&mut out, precipice::closed_form_safety(e, k));
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_include_their_end() {
        assert_eq!(range(1.0, 5.0, 0.1).len(), 41);
        assert_eq!(range(0.0, 1.0, 0.02).len(), 51);
        assert!((range(0.0, 1.0, 0.02)[50] - 1.0).abs() < 1e-12);
        assert_eq!(range(0.25, 3.0, 0.25).len(), 12);
        // Grid values are the decimals they stand for.
        assert_eq!(range(1.0, 5.0, 0.1)[7], 1.7);
        assert_eq!(range(0.0, 1.0, 0.02)[35], 0.7);
    }
}
