//! Everything read off an estimated payoff table, and the files it is
//! written to: one CSV per analysis, each shaped for one figure.
//!
//! | file | what | figure |
//! |---|---|---|
//! | `payoffs.csv` | payoff of each strategy (seat) in each profile, with SE and 95% interval | payoff-table heatmap |
//! | `deviations.csv` | every unilateral deviation: gain, SE, verdict | arrows on the heatmap |
//! | `equilibria.csv` | each profile: strict / weak / not an equilibrium | marks on the heatmap |
//! | `mixed.csv` | two strategies: the mixed equilibria | marks on the flow |
//! | `nash_mixed.csv` | every game: Nash equilibria in mixed strategies (symmetric ones in a symmetric game), each with its epsilon and, for a symmetric game, the replicator starts that end there | |
//! | `replicator_flow.csv` | replicator velocity on a grid of the simplex | replicator flow |
//! | `replicator_paths.csv` | trajectories from a grid of starting points | replicator flow |
//! | `stationary.csv`, `fixation.csv` | small-mutation stationary distribution, fixation probabilities | stationary distribution bars |
//! | `mutation_sweep.csv` | exact stationary shares of the imitation process with mutation rate mu, beside the small-mutation limit | |
//! | `stationary_sweep.csv` | stationary distribution as the selection intensity moves | stationary vs parameter |

use super::fermi::{self, Population, Stationary};
use super::game_file::Game;
use super::mixed::{self, MixedNash};
use super::nash::{self, MixedEquilibrium, ProfileCheck, Status};
use super::race_game::{Estimates, PayoffTable};
use super::replicator::{self, Integration, Replicator, RestPoint, Trajectory};
use super::table::SymmetricTable;
use crate::output::format;
use serde::Serialize;
use std::fmt::Write as _;

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

/// The columns that name a profile: a count per strategy, or a strategy per seat.
fn profile_header(table: &PayoffTable) -> String {
    match table {
        PayoffTable::Symmetric(t) => t
            .strategies()
            .iter()
            .map(|s| format!("n_{s}"))
            .collect::<Vec<_>>()
            .join(","),
        PayoffTable::Seats(t) => t
            .seats()
            .iter()
            .map(|s| format!("seat_{s}"))
            .collect::<Vec<_>>()
            .join(","),
    }
}

fn profile_cells(table: &PayoffTable, profile: usize) -> String {
    match table {
        PayoffTable::Symmetric(t) => t.profiles()[profile]
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join(","),
        PayoffTable::Seats(t) => t.profiles()[profile]
            .iter()
            .map(|&s| t.strategies()[s].clone())
            .collect::<Vec<_>>()
            .join(","),
    }
}

fn strategies(table: &PayoffTable) -> &[String] {
    match table {
        PayoffTable::Symmetric(t) => t.strategies(),
        PayoffTable::Seats(t) => t.strategies(),
    }
}

/// `payoffs.csv`: one row per profile and strategy used (symmetric) or
/// seat, with the profile's expected probability of catastrophe.
pub fn payoffs_csv(e: &Estimates) -> String {
    let z = crate::stats::interval::Z95;
    let mut out = format!(
        "profile,{},{},payoff,payoff_se,payoff_ci_low,payoff_ci_high,p_catastrophe,p_catastrophe_se,runs\n",
        profile_header(&e.table),
        match e.table {
            PayoffTable::Symmetric(_) => "strategy,players",
            PayoffTable::Seats(_) => "seat,strategy",
        }
    );
    let rows: Vec<(usize, String, Option<super::table::PayoffEstimate>)> = match &e.table {
        PayoffTable::Symmetric(t) => (0..t.profiles().len())
            .flat_map(|p| {
                let counts = t.profiles()[p].clone();
                (0..counts.len())
                    .filter(move |&s| counts[s] > 0)
                    .map(move |s| {
                        let c = t.profiles()[p][s];
                        (p, format!("{},{c}", t.strategies()[s]), t.payoff(p, s))
                    })
            })
            .collect(),
        PayoffTable::Seats(t) => (0..t.profiles().len())
            .flat_map(|p| {
                (0..t.seats().len()).map(move |seat| {
                    let s = t.profiles()[p][seat];
                    (
                        p,
                        format!("{},{}", t.seats()[seat], t.strategies()[s]),
                        t.payoff(p, seat),
                    )
                })
            })
            .collect(),
    };
    for (p, who, payoff) in rows {
        let payoff = payoff.expect("an estimated table is complete");
        let _ = write!(out, "{p},{},{who},", profile_cells(&e.table, p));
        format::value(&mut out, payoff.mean);
        out.push(',');
        format::prob(&mut out, payoff.se);
        out.push(',');
        format::value(&mut out, payoff.mean - z * payoff.se);
        out.push(',');
        format::value(&mut out, payoff.mean + z * payoff.se);
        out.push(',');
        format::prob(&mut out, e.catastrophe[p].mean);
        out.push(',');
        format::prob(&mut out, e.catastrophe[p].se);
        let _ = writeln!(out, ",{}", e.profile_runs[p]);
    }
    out
}

/// `deviations.csv`: every unilateral deviation with its paired gain.
pub fn deviations_csv(e: &Estimates, a: &Analysis) -> String {
    let names = strategies(&e.table);
    let mut out = format!(
        "profile,{},deviator,from,to,target_profile,gain,gain_se,p_value,runs,verdict\n",
        profile_header(&e.table)
    );
    for c in &a.checks {
        for d in &c.deviations {
            let deviator = deviator_name(&e.table, d);
            let _ = write!(
                out,
                "{},{},{deviator},{},{},{},",
                c.profile,
                profile_cells(&e.table, c.profile),
                names[d.from],
                names[d.to],
                d.target
            );
            format::prob(&mut out, d.gain.mean);
            out.push(',');
            format::prob(&mut out, d.gain.se);
            out.push(',');
            if let Some(p) = nash::p_value(d.gain) {
                format::prob(&mut out, p);
            }
            let _ = writeln!(
                out,
                ",{},{}",
                e.deviation_runs(c.profile, d.deviator, d.to),
                verdict_word(d.verdict)
            );
        }
    }
    out
}

/// Who deviates: a seat's name, or in a symmetric game "a player of" the
/// strategy it leaves (named by the strategy).
pub fn deviator_name(table: &PayoffTable, d: &nash::Deviation) -> String {
    match table {
        PayoffTable::Symmetric(t) => t.strategies()[d.from].clone(),
        PayoffTable::Seats(t) => t.seats()[d.deviator].clone(),
    }
}

fn verdict_word(v: nash::Verdict) -> &'static str {
    match v {
        nash::Verdict::Gains => "gains",
        nash::Verdict::Equal => "equal",
        nash::Verdict::Undecided => "undecided",
        nash::Verdict::Loses => "loses",
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

/// `equilibria.csv`: one row per profile.
pub fn equilibria_csv(e: &Estimates, a: &Analysis) -> String {
    let names = strategies(&e.table);
    let mut out = format!(
        "profile,{},equilibrium,deviations_gaining,deviations_undecided,deviations_equal,best_deviation_seat,best_deviation_from,best_deviation_to,best_gain,best_gain_se,p_catastrophe,runs\n",
        profile_header(&e.table)
    );
    for c in &a.checks {
        let count = |v| c.deviations.iter().filter(|d| d.verdict == v).count();
        let _ = write!(
            out,
            "{},{},{},{},{},{},",
            c.profile,
            profile_cells(&e.table, c.profile),
            status_word(c.status),
            count(nash::Verdict::Gains),
            count(nash::Verdict::Undecided),
            count(nash::Verdict::Equal)
        );
        match c.best_deviation() {
            Some(d) => {
                let _ = write!(
                    out,
                    "{},{},{},",
                    deviator_name(&e.table, d),
                    names[d.from],
                    names[d.to]
                );
                format::prob(&mut out, d.gain.mean);
                out.push(',');
                format::prob(&mut out, d.gain.se);
            }
            None => out.push_str(",,,,"),
        }
        out.push(',');
        format::prob(&mut out, e.catastrophe[c.profile].mean);
        let _ = writeln!(out, ",{}", e.profile_runs[c.profile]);
    }
    out
}

fn frequency_header(prefix: &str, names: &[String]) -> String {
    names
        .iter()
        .map(|s| format!("{prefix}{s}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn probs(out: &mut String, xs: &[f64]) {
    for (i, &x) in xs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        format::prob(out, x);
    }
}

/// `mixed.csv` (two strategies): each mixed equilibrium.
pub fn mixed_csv(names: &[String], a: &Analysis) -> String {
    let mut out = format!("x_{0},stable,x_{0}_low,x_{0}_high\n", names[0]);
    for m in &a.mixed {
        format::prob(&mut out, m.x);
        let _ = write!(out, ",{},", m.stable);
        format::prob(&mut out, m.x_low);
        out.push(',');
        format::prob(&mut out, m.x_high);
        out.push('\n');
    }
    out
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

/// `nash_mixed.csv`: each mixed equilibrium, a row per seat (one row,
/// `every player`, in a symmetric game).
pub fn nash_mixed_csv(table: &PayoffTable, a: &Analysis) -> String {
    let names = strategies(table);
    let symmetric = matches!(table, PayoffTable::Symmetric(_));
    let mut out = format!(
        "equilibrium,seat,{},epsilon,epsilon_se,solved{}\n",
        frequency_header("p_", names),
        if symmetric { ",replicator_starts" } else { "" }
    );
    for (k, eq) in a.nash_mixed.iter().enumerate() {
        for (i, row) in eq.mix.iter().enumerate() {
            let seat = match table {
                PayoffTable::Symmetric(_) => "every player".to_string(),
                PayoffTable::Seats(t) => t.seats()[i].clone(),
            };
            let _ = write!(out, "{k},{seat},");
            probs(&mut out, row);
            out.push(',');
            format::prob(&mut out, eq.epsilon);
            out.push(',');
            format::prob(&mut out, eq.epsilon_se);
            let _ = write!(out, ",{}", eq.solved);
            if symmetric {
                let _ = write!(out, ",{}", replicator_starts(a, row));
            }
            out.push('\n');
        }
    }
    out
}

/// `replicator_flow.csv`: frequencies, velocities and mean payoff on a grid.
pub fn flow_csv(names: &[String], a: &Analysis) -> String {
    let mut out = format!(
        "{},{},mean_payoff\n",
        frequency_header("x_", names),
        frequency_header("dx_", names)
    );
    for (x, v, mean) in &a.flow {
        probs(&mut out, x);
        out.push(',');
        probs(&mut out, v);
        out.push(',');
        format::value(&mut out, *mean);
        out.push('\n');
    }
    out
}

/// `replicator_paths.csv`: the trajectories, one row per recorded point
/// (time in units of one over the table's payoff spread).
pub fn paths_csv(names: &[String], a: &Analysis) -> String {
    let mut out = format!("start,time,{},converged\n", frequency_header("x_", names));
    for (i, t) in a.trajectories.iter().enumerate() {
        for (time, x) in &t.points {
            let _ = write!(out, "{i},");
            format::value(&mut out, *time);
            out.push(',');
            probs(&mut out, x);
            let _ = writeln!(out, ",{}", t.converged);
        }
    }
    out
}

/// `stationary.csv`: the stationary distribution over monomorphic states.
pub fn stationary_csv(names: &[String], s: &Stationary) -> String {
    let mut out = String::from("strategy,frequency\n");
    for (name, &x) in names.iter().zip(&s.distribution) {
        let _ = write!(out, "{name},");
        format::prob(&mut out, x);
        out.push('\n');
    }
    out
}

/// `fixation.csv`: the probability that one mutant takes over a resident
/// population, beside the neutral `1 / Z`.
pub fn fixation_csv(names: &[String], s: &Stationary, population: usize) -> String {
    let mut out = String::from("resident,mutant,fixation,neutral\n");
    for (i, row) in s.fixation.iter().enumerate() {
        for (j, &rho) in row.iter().enumerate() {
            if i != j {
                let _ = write!(out, "{},{},", names[i], names[j]);
                format::prob(&mut out, rho);
                out.push(',');
                format::prob(&mut out, 1.0 / population as f64);
                out.push('\n');
            }
        }
    }
    out
}

/// `replicator_bootstrap.csv`: each rest point, the starts that reach it,
/// and on how many resampled tables it is found again.
pub fn bootstrap_csv(names: &[String], a: &Analysis) -> String {
    let mut out = format!(
        "{},starts,replicates,agreeing,mean_share_of_starts,moves_with_noise\n",
        frequency_header("x_", names)
    );
    for r in &a.robust {
        probs(&mut out, &r.x);
        let _ = write!(out, ",{},{},{},", r.starts, r.replicates, r.agreeing);
        format::prob(&mut out, r.mean_share);
        let _ = writeln!(out, ",{}", r.moves_with_noise);
    }
    out
}

/// `mutation_sweep.csv`: one row per mutation rate: the mean share of each
/// strategy, the probability the population is all one strategy, and the
/// total variation distance of the shares from the small-mutation limit.
pub fn mutation_csv(names: &[String], a: &Analysis) -> String {
    let mut out = format!(
        "mutation,{},{},distance_from_small_mutation_limit\n",
        frequency_header("share_", names),
        frequency_header("all_", names)
    );
    let limit = a.stationary.as_ref().map(|s| &s.distribution);
    for w in &a.mutation {
        let _ = write!(out, "{:e},", w.mutation);
        probs(&mut out, &w.share);
        out.push(',');
        probs(&mut out, &w.monomorphic);
        out.push(',');
        if let Some(limit) = limit {
            format::prob(&mut out, fermi::distance_from_limit(w, limit));
        }
        out.push('\n');
    }
    out
}

/// `stationary_sweep.csv`: one row per selection intensity.
pub fn sweep_csv(names: &[String], a: &Analysis) -> String {
    let mut out = format!("selection,{}\n", names.join(","));
    for (beta, d) in &a.sweep {
        format::prob(&mut out, *beta);
        out.push(',');
        probs(&mut out, d);
        out.push('\n');
    }
    out
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

#[derive(Debug, Clone, Serialize)]
pub struct EquilibriumSummary {
    pub profile: String,
    pub status: &'static str,
    pub p_catastrophe: f64,
    /// The largest deviation gain (negative: every deviation loses).
    pub best_deviation_gain: Option<f64>,
    pub best_deviation_gain_se: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StationarySummary {
    pub population: usize,
    pub selection: f64,
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
