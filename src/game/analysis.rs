//! Everything read off an estimated payoff table: equilibria, mixed
//! equilibria, replicator dynamics, the small-mutation stationary
//! distribution and its sweeps. The files it is written to are
//! `output::game_tables`'.

use super::fermi::{self, Population, Stationary};
use super::game_file::Game;
use super::mixed::{self, MixedNash};
use super::nash::{self, MixedEquilibrium, ProfileCheck, Status};
use super::race_game::{Estimates, PayoffTable};
use super::replicator::{self, Integration, Replicator, RestPoint, Trajectory};
use super::table::SymmetricTable;
use serde::Serialize;

/// The analyses of a game's payoff table.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub checks: Vec<ProfileCheck>,
    /// Two strategies only.
    pub mixed: Vec<MixedEquilibrium>,
    /// Nash equilibria in mixed strategies (symmetric ones in a symmetric
    /// game; pure ones included), at least one.
    pub nash_mixed: Vec<MixedNash>,
    /// Symmetric games only (empty otherwise), as are the fields below.
    pub trajectories: Vec<Trajectory>,
    pub rest_points: Vec<RestPoint>,
    /// `(x, dx/dt, mean payoff)` on a grid of the simplex.
    pub flow: Vec<(Vec<f64>, Vec<f64>, f64)>,
    pub stationary: Option<Stationary>,
    /// `(beta, distribution)`.
    pub sweep: Vec<(f64, Vec<f64>)>,
    /// The rest points with their agreement over resampled tables.
    pub robust: Vec<replicator::RobustRestPoint>,
    /// The exact stationary distribution at each mutation rate of
    /// [`fermi::MUTATION_SWEEP`] (at the game's `Z` and `beta`).
    pub mutation: Vec<fermi::WithMutation>,
}

/// Resampled payoff tables on which the replicator's rest points are
/// recomputed.
pub const BOOTSTRAP_REPLICATES: usize = 20;

/// The seed of their ChaCha8 stream (fixed: the table itself carries the
/// game's seed).
pub const BOOTSTRAP_SEED: u64 = 0x5eed_b007;

/// Shares within this total variation distance of the small-mutation
/// limit are "the small-mutation answer".
pub const LIMIT_TOLERANCE: f64 = 0.05;

impl Analysis {
    /// The sentence saying when the small-mutation answer applies, if
    /// there is a sweep over the mutation rate.
    pub fn limit_sentence(&self) -> Option<String> {
        let limit = &self.stationary.as_ref()?.distribution;
        if self.mutation.is_empty() {
            return None;
        }
        let smallest = self
            .mutation
            .iter()
            .map(|w| w.mutation)
            .fold(f64::INFINITY, f64::min);
        Some(
            match fermi::limit_applies_below(&self.mutation, limit, LIMIT_TOLERANCE) {
                Some(mu) => format!(
                    "The small-mutation stationary distribution applies (the exact shares are within {LIMIT_TOLERANCE} of it in total variation) for mutation rates mu <= {mu:e} of those swept; at higher rates the exact shares differ from it (mutation_sweep.csv)."
                ),
                None => format!(
                    "The small-mutation stationary distribution does not apply at any swept mutation rate down to {smallest:e}: the exact shares stay more than {LIMIT_TOLERANCE} from it in total variation (mutation_sweep.csv)."
                ),
            },
        )
    }
}

/// Resolution of the flow grid: fine in one dimension, coarser in more.
fn flow_resolution(strategies: usize) -> usize {
    match strategies {
        0..=2 => 100,
        3 => 20,
        4 => 10,
        _ => 5,
    }
}

/// Runs every analysis that applies to the table.
pub fn analyse(game: &Game, estimates: &Estimates) -> Analysis {
    match &estimates.table {
        PayoffTable::Seats(t) => Analysis {
            checks: nash::check_seats(t),
            mixed: Vec::new(),
            nash_mixed: mixed::seats(t),
            trajectories: Vec::new(),
            rest_points: Vec::new(),
            flow: Vec::new(),
            stationary: None,
            sweep: Vec::new(),
            mutation: Vec::new(),
            robust: Vec::new(),
        },
        PayoffTable::Symmetric(t) => analyse_symmetric(
            t,
            game.population,
            game.selection,
            &game.selection_sweep,
            game.replicator_grid,
        ),
    }
}

/// The analyses of a symmetric table: equilibria, replicator dynamics from
/// a grid of starts, the stationary distribution at `(Z, beta)` and as
/// `beta` sweeps.
pub fn analyse_symmetric(
    table: &SymmetricTable,
    population: usize,
    selection: f64,
    sweep: &[f64],
    grid: usize,
) -> Analysis {
    let m = table.strategies().len();
    let field = Replicator::new(table).expect("an estimated table is complete");
    let trajectories: Vec<Trajectory> = replicator::interior_grid(m, grid.max(m))
        .iter()
        .map(|x| field.integrate(x, &Integration::default()))
        .collect();
    let flow = replicator::simplex_grid(m, flow_resolution(m))
        .into_iter()
        .map(|x| {
            let f = field.fitness(&x);
            let mean = x.iter().zip(&f).map(|(a, b)| a * b).sum();
            let v = field.velocity(&x);
            (x, v, mean)
        })
        .collect();
    let rest_points = replicator::rest_points(&trajectories);
    let robust = replicator::bootstrap_from(
        table,
        &replicator::interior_grid(m, grid.max(m)),
        &rest_points,
        BOOTSTRAP_REPLICATES,
        BOOTSTRAP_SEED,
    )
    .unwrap_or_default();
    let at = |beta: f64| {
        fermi::stationary(
            table,
            &Population {
                size: population,
                selection: beta,
            },
        )
    };
    Analysis {
        checks: nash::check_symmetric(table),
        mixed: nash::mixed_equilibria(table),
        nash_mixed: mixed::symmetric(table),
        rest_points,
        trajectories,
        flow,
        stationary: at(selection),
        sweep: sweep
            .iter()
            .filter_map(|&b| at(b).map(|s| (b, s.distribution)))
            .collect(),
        robust,
        mutation: fermi::MUTATION_SWEEP
            .iter()
            .filter_map(|&mu| {
                fermi::with_mutation(
                    table,
                    &Population {
                        size: population,
                        selection,
                    },
                    mu,
                )
            })
            .collect(),
    }
}

/// How a profile is named in text: `2 race + 1 pause` or `race, pause, race`.
pub fn profile_label(table: &PayoffTable, profile: usize) -> String {
    match table {
        PayoffTable::Symmetric(t) => {
            let counts = &t.profiles()[profile];
            let used: Vec<usize> = (0..counts.len()).filter(|&s| counts[s] > 0).collect();
            if used.len() == 1 {
                format!("all {}", t.strategies()[used[0]])
            } else {
                used.iter()
                    .map(|&s| format!("{} {}", counts[s], t.strategies()[s]))
                    .collect::<Vec<_>>()
                    .join(" + ")
            }
        }
        PayoffTable::Seats(t) => t.profiles()[profile]
            .iter()
            .zip(t.seats())
            .map(|(&s, seat)| format!("{seat}: {}", t.strategies()[s]))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The strategies of a payoff table, in their order.
pub fn strategies(table: &PayoffTable) -> &[String] {
    match table {
        PayoffTable::Symmetric(t) => t.strategies(),
        PayoffTable::Seats(t) => t.strategies(),
    }
}

/// Who deviates: a seat's name, or in a symmetric game "a player of" the
/// strategy it leaves (named by the strategy).
pub fn deviator_name(table: &PayoffTable, d: &nash::Deviation) -> String {
    match table {
        PayoffTable::Symmetric(t) => t.strategies()[d.from].clone(),
        PayoffTable::Seats(t) => t.seats()[d.deviator].clone(),
    }
}

/// The word for a status in files and reports.
pub fn status_word(s: Status) -> &'static str {
    match s {
        Status::Strict => "strict",
        Status::Weak => "weak",
        Status::Undecided => "undecided",
        Status::NotEquilibrium => "no",
    }
}

/// A rest point within this distance (largest coordinate difference) of
/// a symmetric mixed equilibrium is that equilibrium.
const REST_POINT_MATCH: f64 = 0.01;

/// The replicator starts that end at a symmetric equilibrium `x`.
pub fn replicator_starts(a: &Analysis, x: &[f64]) -> usize {
    a.rest_points
        .iter()
        .filter(|r| {
            r.x.iter()
                .zip(x)
                .all(|(a, b)| (a - b).abs() < REST_POINT_MATCH)
        })
        .map(|r| r.starts)
        .sum()
}

/// The headline results, as written to `summary.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub game: String,
    pub description: String,
    pub players: usize,
    pub symmetric: bool,
    pub strategies: Vec<String>,
    pub runs: u64,
    /// The most runs any profile got (more than `runs` where runs were
    /// added to undecided profiles).
    pub max_runs: u64,
    pub seed: u64,
    pub note: &'static str,
    pub equilibria: Vec<EquilibriumSummary>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mixed_equilibria: Vec<MixedEquilibrium>,
    /// Nash equilibria in mixed strategies (symmetric ones in a symmetric
    /// game), each a probability per strategy for each seat (one row for
    /// every player in a symmetric game).
    pub nash_mixed: Vec<MixedNash>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub replicator_rest_points: Vec<RestPoint>,
    /// The rest points recomputed on resampled payoff tables.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub replicator_bootstrap: Vec<replicator::RobustRestPoint>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stationary: Option<StationarySummary>,
}

/// One profile's equilibrium check, as `summary.json` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct EquilibriumSummary {
    /// The profile as [`profile_label`] writes it (`all race`,
    /// `2 race + 1 pause`, or a strategy per seat).
    pub profile: String,
    /// "strict", "weak", "undecided" or "no" ([`status_word`]).
    pub status: &'static str,
    /// Estimated probability of catastrophe when the profile is played.
    pub p_catastrophe: f64,
    /// The largest deviation gain (negative: every deviation loses).
    pub best_deviation_gain: Option<f64>,
    /// Its standard error (paired if recorded, else of independent
    /// estimates).
    pub best_deviation_gain_se: Option<f64>,
}

/// The small-mutation stationary distribution, as `summary.json` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct StationarySummary {
    /// `Z`, the population size.
    pub population: usize,
    /// `beta`, the intensity of selection.
    pub selection: f64,
    /// Per strategy (by name), the share of time the population is all
    /// of that strategy.
    pub distribution: Vec<(String, f64)>,
    /// When the small-mutation answer applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mutation_note: Option<String>,
}

pub const NOTE: &str = "Payoffs are each strategy's expected utility U_i (README, 'The model in brief') with its standard error; \
    profiles share common random numbers and deviation gains are estimated from paired runs. Every deviation's gain \
    is tested against zero (two-sided, normal) and the table's deviations are corrected together by Holm's method at \
    family-wise level 5%: a decided gain gains or loses, the others are undecided at this many runs; only a gain of \
    exactly zero with zero standard error is equal. A profile is a strict equilibrium if every deviation loses, weak \
    if none gains or is undecided and some are equal, undecided if none gains and some are undecided, no if some \
    deviation gains.";

pub fn summary(game: &Game, e: &Estimates, a: &Analysis) -> Summary {
    let names = strategies(&e.table).to_vec();
    Summary {
        game: game.scenario.meta.name.clone(),
        description: game.scenario.meta.description.clone(),
        players: game.players(),
        symmetric: game.symmetric,
        strategies: names.clone(),
        runs: e.runs,
        max_runs: e.max_runs(),
        seed: e.seed,
        note: NOTE,
        equilibria: a
            .checks
            .iter()
            .filter(|c| c.status.is_equilibrium())
            .map(|c| EquilibriumSummary {
                profile: profile_label(&e.table, c.profile),
                status: status_word(c.status),
                p_catastrophe: e.catastrophe[c.profile].mean,
                best_deviation_gain: c.best_deviation().map(|d| d.gain.mean),
                best_deviation_gain_se: c.best_deviation().map(|d| d.gain.se),
            })
            .collect(),
        mixed_equilibria: a.mixed.clone(),
        nash_mixed: a.nash_mixed.clone(),
        replicator_rest_points: a.rest_points.clone(),
        replicator_bootstrap: a.robust.clone(),
        stationary: a.stationary.as_ref().map(|s| StationarySummary {
            population: game.population,
            selection: game.selection,
            distribution: names
                .iter()
                .cloned()
                .zip(s.distribution.iter().copied())
                .collect(),
            mutation_note: a.limit_sentence(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::table::PayoffEstimate;
    use crate::output::game_tables::{flow_csv, mixed_csv, stationary_csv};

    #[test]
    fn a_hawk_dove_table_gives_every_analysis() {
        let exact = |x| PayoffEstimate::exact(x);
        let t = SymmetricTable::from_matrix(
            vec!["hawk".into(), "dove".into()],
            &[vec![exact(-1.0), exact(2.0)], vec![exact(0.0), exact(1.0)]],
        );
        let a = analyse_symmetric(&t, 20, 1.0, &[0.0, 1.0], 10);
        assert_eq!(a.checks.len(), 3);
        assert_eq!(a.mixed.len(), 1);
        assert_eq!(a.rest_points.len(), 1);
        assert_eq!(a.flow.len(), 101);
        assert_eq!(a.sweep.len(), 2);
        assert!((a.sweep[0].1[0] - 0.5).abs() < 1e-12, "neutral drift");
        let names = t.strategies().to_vec();
        let flow = flow_csv(&names, &a);
        assert!(flow.starts_with("x_hawk,x_dove,dx_hawk,dx_dove,mean_payoff\n"));
        assert_eq!(flow.lines().count(), 102);
        let s = stationary_csv(&names, a.stationary.as_ref().unwrap());
        assert_eq!(s.lines().count(), 3);
        assert!(mixed_csv(&names, &a).contains("0.5,true,"));
        assert_eq!(
            profile_label(&PayoffTable::Symmetric(t.clone()), 1),
            "1 hawk + 1 dove"
        );
        assert_eq!(profile_label(&PayoffTable::Symmetric(t), 0), "all hawk");
    }
}
