//! Published models of AI races, reproduced: `airace classic dsair` and
//! `airace classic precipice`.
//!
//! They anchor airace's game analysis to the literature: the same finite-
//! population machinery that analyses the race model's policies must give
//! back Han et al.'s DSAIR results, and the same best-response search must
//! give back the equilibria one can derive for Armstrong, Bostrom &
//! Shulman's model. This module holds the models and their studies (plain
//! functions of a plan); the commands are in `commands::classic`, and the
//! folders they write (files shaped for the papers' figures) in
//! `output::dsair_folder` and `output::precipice_folder`.

pub mod dsair;
pub mod precipice;

use crate::game::fermi::Population;
use dsair::Dsair;
use precipice::{Precipice, Regime, Solver};
use rayon::prelude::*;
use serde::Serialize;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// The speeds reported in the summary, the console and `curves.csv`:
/// `s = 1`, where SAFE and UNSAFE finish together (the tie rule decides the
/// prize), and two speeds where UNSAFE is faster.
pub const REPORTED_SPEEDS: [f64; 3] = [1.0, 1.5, 3.0];

/// `lo, lo + step, ..., hi` (the last within rounding of `hi`), each the
/// nearest `f64` to its decimal value when that has at most 12 decimals
/// (so the files say `1.7`, not `1.7000000000000002`).
pub fn range(lo: f64, hi: f64, step: f64) -> Vec<f64> {
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

/// What a DSAIR study covers: the game (`b`, `c`, `B`, `W`, the tie
/// rule; speed and risk come from the grid), the population, the
/// `(s, p_r)` grid and the simulated races.
#[derive(Debug, Clone)]
pub struct DsairPlan {
    /// The game's `b`, `c`, `B`, `W` and tie rule; its speed and risk are
    /// replaced by each cell's.
    pub game: Dsair,
    /// The population whose imitation dynamics pick the strategies (`Z`,
    /// `beta`).
    pub population: Population,
    /// The UNSAFE speeds `s` of the grid.
    pub speeds: Vec<f64>,
    /// The risks `p_r` of the grid.
    pub risks: Vec<f64>,
    /// Races simulated per pairing and cell.
    pub runs: u64,
    /// Master seed of the races' uniform draws, the same draws for every
    /// cell (common random numbers).
    pub seed: u64,
}

/// The finer `p_r` grid of the frequency curves at [`REPORTED_SPEEDS`].
fn fine_risks() -> Vec<f64> {
    range(0.0, 1.0, 0.01)
}

impl DsairPlan {
    /// The cells the study computes: the grid and the curves.
    pub fn cells(&self) -> u64 {
        (self.speeds.len() * self.risks.len() + REPORTED_SPEEDS.len() * fine_risks().len()) as u64
    }
}

/// What a DSAIR study found.
#[derive(Debug)]
pub struct DsairStudy {
    /// The grid, speed-major.
    pub cells: Vec<dsair::Cell>,
    /// The curves at [`REPORTED_SPEEDS`] over `p_r` in steps of 0.01.
    pub curves: Vec<dsair::Cell>,
    /// Where UNSAFE falls to half (simulated, closed form) for each speed
    /// of the grid.
    pub halves: Vec<(Option<f64>, Option<f64>)>,
    pub points: Vec<DsairPoint>,
}

/// Simulates DSAIR over the plan's `(s, p_r)` plane and the curves at the
/// reported speeds, on the current rayon pool. `cancel` stops it between
/// cells: `Err` gives the cells finished.
pub fn study_dsair(plan: &DsairPlan, cancel: &AtomicBool) -> Result<DsairStudy, u64> {
    let g = &plan.game;
    let population = &plan.population;
    let fine = fine_risks();
    let draws = dsair::draws(plan.runs, plan.seed);
    let cells = dsair::plane(g, &plan.speeds, &plan.risks, &draws, population, cancel)?;
    let curves = dsair::plane(g, &REPORTED_SPEEDS, &fine, &draws, population, cancel)
        .map_err(|done| cells.len() as u64 + done)?;
    // Where UNSAFE falls to half, for the grid's speeds and the reported
    // ones, by one computation (boundaries.csv, summary.json, console).
    let mut halves: Vec<(Option<f64>, Option<f64>)> = plan
        .speeds
        .par_iter()
        .chain(REPORTED_SPEEDS.par_iter())
        .map(|&speed| {
            (!cancel.load(Ordering::Relaxed))
                .then(|| dsair::half_unsafe(&Dsair { speed, ..*g }, &draws, population))
        })
        .collect::<Option<Vec<_>>>()
        .ok_or((cells.len() + curves.len()) as u64)?;
    let reported = halves.split_off(plan.speeds.len());
    let points: Vec<DsairPoint> = REPORTED_SPEEDS
        .iter()
        .zip(&reported)
        .map(|(&speed, &(simulated_half, _))| {
            let game = Dsair { speed, ..*g };
            let row: Vec<&dsair::Cell> = curves.iter().filter(|c| c.speed == speed).collect();
            let freq: Vec<f64> = row.iter().map(|c| c.unsafe_simulated).collect();
            DsairPoint {
                speed,
                society_prefers_safe_above: game.society_threshold(),
                safe_risk_dominant_above: game.risk_dominance_threshold(),
                safe_more_frequent_above: game.finite_population_threshold(population.size),
                simulated_half,
                unsafe_frequency: [0usize, 25, 50, 75, 100]
                    .iter()
                    .map(|&i| (fine[i], freq[i]))
                    .collect(),
            }
        })
        .collect();
    Ok(DsairStudy {
        cells,
        curves,
        halves,
        points,
    })
}

/// Independent solves of each headline game, to measure how far the
/// equilibrium search itself (finite sample, grid) moves the answer; made
/// only when the headline game is among the games asked for.
pub const HEADLINE_REPLICATIONS: u64 = 5;

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

/// What a precipice study covers: every game of `teams x enmity x mu`
/// in every information regime, solved by `solver`.
#[derive(Debug, Clone)]
pub struct PrecipicePlan {
    /// The numbers of teams `n`.
    pub teams: Vec<usize>,
    /// The enmities `e`: a team's payoff is `1 - e` when a rival's AI is
    /// the safe winner.
    pub enmity: Vec<f64>,
    /// The widths `mu` of the capability draw `U[0, mu]`: how much
    /// capability matters against safety.
    pub mu: Vec<f64>,
    /// How every game's equilibrium is searched for (draws, grid, bins,
    /// tolerance, seed).
    pub solver: Solver,
}

/// A solve of the headline game: its regime and its seed's offset.
type Solve = (Regime, u64);

/// The headline game `n = 2, e = 1, mu = 1`.
const HEADLINE_GAME: Precipice = Precipice {
    teams: 2,
    enmity: 1.0,
    mu: 1.0,
};

impl PrecipicePlan {
    /// The games, in the order of `disaster.csv`.
    pub fn games(&self) -> Vec<(Regime, Precipice)> {
        self.teams
            .iter()
            .flat_map(|&teams| {
                self.enmity.iter().flat_map(move |&enmity| {
                    self.mu.iter().flat_map(move |&mu| {
                        Regime::ALL.map(|r| (r, Precipice { teams, enmity, mu }))
                    })
                })
            })
            .collect()
    }

    /// The headline's extra solves (seed offsets 1..) and its coarse solves
    /// (seed offsets 0..), made only when the headline game is among the
    /// games asked for; its sweep solve (seed + 0) is the first replication.
    fn headline_solves(&self) -> (Vec<Solve>, Vec<Solve>) {
        if !self.games().iter().any(|(_, g)| *g == HEADLINE_GAME) {
            return (Vec::new(), Vec::new());
        }
        let solves = |from: u64| -> Vec<Solve> {
            Regime::ALL
                .iter()
                .flat_map(|&r| (from..HEADLINE_REPLICATIONS).map(move |k| (r, k)))
                .collect()
        };
        (solves(1), solves(0))
    }

    /// Every equilibrium the study solves for.
    pub fn solves(&self) -> u64 {
        let (extra, coarse) = self.headline_solves();
        (self.games().len() + extra.len() + coarse.len()) as u64
    }
}

/// What a precipice study found.
#[derive(Debug)]
pub struct PrecipiceStudy {
    /// The sweep, in the order of `disaster.csv`.
    pub equilibria: Vec<precipice::Equilibrium>,
    /// `n = 2, e = 1, mu = 1` in each regime, if it was asked for (else empty).
    pub headline: Vec<Headline>,
}

/// Finds the equilibria of every regime over the plan's games, on the
/// current rayon pool, counting each solve in `finished`; `None` once
/// `cancel` stops it.
pub fn study_precipice(
    plan: &PrecipicePlan,
    cancel: &AtomicBool,
    finished: &AtomicU64,
) -> Option<PrecipiceStudy> {
    let s = &plan.solver;
    let games = plan.games();
    let (extra_solves, coarse_solves) = plan.headline_solves();
    let solve = |r: Regime, g: &Precipice, solver: &Solver| {
        let e = precipice::solve_until(r, g, solver, cancel);
        finished.fetch_add(u64::from(e.is_some()), Ordering::Relaxed);
        e
    };
    let sweep: Vec<precipice::Equilibrium> = games
        .par_iter()
        .map(|(r, g)| solve(*r, g, s))
        .collect::<Option<_>>()?;
    // The headline game's solves, each seed offset `k` from `solver`'s.
    let solve_headline = |solves: &[Solve], solver: &Solver| -> Option<Vec<_>> {
        solves
            .par_iter()
            .map(|&(r, k)| {
                let solver = Solver {
                    seed: solver.seed.wrapping_add(k),
                    ..*solver
                };
                solve(r, &HEADLINE_GAME, &solver)
            })
            .collect()
    };
    let extra = solve_headline(&extra_solves, s)?;
    // The headline's solves again on a grid and bins half as fine, to
    // measure the discretisation bias.
    let coarse_solver = Solver {
        grid: (s.grid / 2).max(2),
        bins: (s.bins / 2).max(1),
        ..*s
    };
    let coarse = solve_headline(&coarse_solves, &coarse_solver)?;
    let headline = if extra.is_empty() {
        Vec::new()
    } else {
        let first = Regime::ALL.iter().filter_map(|&r| {
            sweep
                .iter()
                .find(|e| e.regime == r && e.game == HEADLINE_GAME)
        });
        headline(&first.cloned().chain(extra).collect::<Vec<_>>(), &coarse)
    };
    Some(PrecipiceStudy {
        equilibria: sweep,
        headline,
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
