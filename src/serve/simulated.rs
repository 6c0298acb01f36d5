//! The game tab for a game file: its strategies simulated and analysed as
//! `airace game` simulates and analyses them (the same library calls, seed,
//! runs and added runs), so the table on screen is the one `airace game`
//! writes, number for number: the answer carries the bytes of the CSV
//! files `airace game` writes beside the values the page shows.
//!
//! Every game `airace game` plays is played here: symmetric games of any
//! number of players (a profile is how many players play each strategy)
//! and seat games (labs unalike: a profile is a strategy per seat). A seat
//! game has no replicator dynamics or stationary distribution, in
//! `airace game` as here. What is refused: a simulation beyond the
//! explorer's bound on one request ([`super::api::MAX_LAB_STEPS`]).

use crate::engine::Control;
use crate::game::analysis::{self, Analysis};
use crate::game::game_file::Game;
use crate::game::race_game::{self, Adaptive, Estimates, PayoffTable};
use serde::{Deserialize, Serialize};
use std::sync::atomic::AtomicBool;

/// What the page asks: the game file's runs, seed and added runs unless
/// it says otherwise (as `airace game --runs R --seed S --no-adaptive`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulateInput {
    pub page: String,
    pub runs: Option<u64>,
    pub seed: Option<u64>,
    #[serde(default = "yes")]
    pub adaptive: bool,
}

fn yes() -> bool {
    true
}

/// A game file as `/api/start` describes it.
#[derive(Debug, Clone, Serialize)]
pub struct GameSummary {
    pub name: String,
    pub players: usize,
    pub symmetric: bool,
    pub strategies: Vec<String>,
    pub seats: Vec<String>,
    pub profiles: usize,
    pub runs: u64,
    pub seed: u64,
}

impl GameSummary {
    pub fn new(game: &Game) -> GameSummary {
        GameSummary {
            name: game.scenario.meta.name.clone(),
            players: game.players(),
            symmetric: game.symmetric,
            strategies: game.strategies.iter().map(|s| s.name.clone()).collect(),
            seats: game.scenario.labs.iter().map(|l| l.name.clone()).collect(),
            profiles: game.profile_count(),
            runs: game.scenario.meta.runs,
            seed: game.scenario.meta.seed,
        }
    }
}

/// One estimated payoff: a strategy's (symmetric) or a seat's in a profile.
#[derive(Debug, Clone, Serialize)]
pub struct PayoffRow {
    pub profile: usize,
    /// `2 race + 1 pause-2023`, or `A: race, B: pause-2023`.
    pub label: String,
    /// The strategy whose payoff this is (symmetric), or the seat's.
    pub strategy: String,
    /// The seat (seat games only).
    pub seat: Option<String>,
    /// Players of the strategy in the profile (symmetric games only).
    pub players: Option<usize>,
    /// Mean utility over runs, its standard error and 95% interval.
    pub payoff: f64,
    pub payoff_se: f64,
    pub payoff_ci: (f64, f64),
    /// The profile's expected P(catastrophe) and its standard error.
    pub p_catastrophe: f64,
    pub p_catastrophe_se: f64,
    pub runs: u64,
}

/// A profile's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileVerdict {
    pub profile: usize,
    pub label: String,
    /// `strict`, `weak`, `undecided` or `not an equilibrium`.
    pub status: &'static str,
}

/// What the game tab shows of a simulated game.
#[derive(Debug, Clone, Serialize)]
pub struct SimulatedView {
    pub game: GameSummary,
    pub runs: u64,
    pub seed: u64,
    pub adaptive: bool,
    /// Rounds of added runs (0 without `adaptive`).
    pub rounds: u32,
    pub rows: Vec<PayoffRow>,
    pub profiles: Vec<ProfileVerdict>,
    /// Nash equilibria in mixed strategies: a share per strategy for each
    /// seat (one row for everyone in a symmetric game), with the largest
    /// gain of a pure deviation from it.
    pub nash: Vec<crate::game::mixed::MixedNash>,
    /// Symmetric games only (empty or `None` otherwise), as `airace game`
    /// computes them: where replicator trajectories end (and from how many
    /// starts), the flow `(x, dx/dt)`, the trajectories, and the
    /// small-mutation stationary distribution at the file's `Z` and `beta`.
    pub rest_points: Vec<(Vec<f64>, usize)>,
    pub flow: Vec<(Vec<f64>, Vec<f64>)>,
    pub paths: Vec<Vec<Vec<f64>>>,
    pub stationary: Option<Vec<f64>>,
    pub population: usize,
    pub selection: f64,
    /// `(file name, bytes)`: the tables `airace game` writes, the same
    /// bytes.
    pub files: Vec<(String, String)>,
    /// Milliseconds of simulation and analysis.
    pub elapsed_ms: f64,
}

/// Why a game was not simulated.
#[derive(Debug, Clone, PartialEq)]
pub enum Refused {
    /// Beyond the explorer's bound; the message says by how much.
    TooBig(String),
    /// A newer request of the page, or Ctrl-C, stopped it.
    Cancelled,
}

/// Runs and the cap of added runs of `input` for `game`, as `airace game`
/// takes them.
fn plan(game: &Game, input: &SimulateInput) -> (u64, u64, Adaptive) {
    let runs = input.runs.unwrap_or(game.scenario.meta.runs);
    let seed = input.seed.unwrap_or(game.scenario.meta.seed);
    let adaptive = if input.adaptive {
        Adaptive::default_for(runs)
    } else {
        Adaptive::OFF
    };
    (runs, seed, adaptive)
}

/// Refuses a simulation beyond [`super::api::MAX_LAB_STEPS`] lab-steps
/// (every profile at its most runs: with added runs, the cap).
pub fn check_limits(game: &Game, input: &SimulateInput) -> Result<(), Refused> {
    let (runs, _, adaptive) = plan(game, input);
    if runs == 0 {
        return Err(Refused::TooBig("`runs` must be at least 1".into()));
    }
    let most = if adaptive.enabled {
        adaptive.max_runs.max(runs)
    } else {
        runs
    };
    let lab_steps = game.profile_count() as f64
        * most as f64
        * f64::from(game.scenario.meta.steps)
        * game.players() as f64;
    let limit = super::api::MAX_LAB_STEPS;
    if lab_steps > limit {
        return Err(Refused::TooBig(format!(
            "{} profiles x {most} runs{} x {} steps x {} players is {lab_steps:.3e} lab-steps; \
             the explorer simulates at most {limit:.0e} a request: ask for fewer runs{}, or run \
             `airace game` (it has no such bound)",
            game.profile_count(),
            if adaptive.enabled {
                " (with added runs: 16 x runs)"
            } else {
                ""
            },
            game.scenario.meta.steps,
            game.players(),
            if adaptive.enabled {
                " or turn the added runs off"
            } else {
                ""
            },
        )));
    }
    Ok(())
}

/// Simulates and analyses `game` on `pool` as `airace game` does.
pub fn simulate(
    pool: &rayon::ThreadPool,
    game: &Game,
    input: &SimulateInput,
    cancel: &AtomicBool,
) -> Result<SimulatedView, Refused> {
    check_limits(game, input)?;
    let started = std::time::Instant::now();
    let (runs, seed, adaptive) = plan(game, input);
    let control = Control {
        progress: &|_| {},
        cancel,
    };
    let estimates = pool
        .install(|| race_game::estimate_adaptive(game, runs, seed, adaptive, &control))
        .map_err(|_| Refused::Cancelled)?;
    if crate::interrupt::interrupted() {
        return Err(Refused::Cancelled);
    }
    let analysis = pool.install(|| analysis::analyse(game, &estimates));
    Ok(view(game, input, &estimates, &analysis, started))
}

fn view(
    game: &Game,
    input: &SimulateInput,
    e: &Estimates,
    a: &Analysis,
    started: std::time::Instant,
) -> SimulatedView {
    let z = crate::stats::interval::Z95;
    let label = |p| analysis::profile_label(&e.table, p);
    let row = |p: usize, strategy: String, seat, players, payoff: Option<_>| {
        let payoff: crate::game::table::PayoffEstimate =
            payoff.expect("an estimated table is complete");
        PayoffRow {
            profile: p,
            label: label(p),
            strategy,
            seat,
            players,
            payoff: payoff.mean,
            payoff_se: payoff.se,
            payoff_ci: (payoff.mean - z * payoff.se, payoff.mean + z * payoff.se),
            p_catastrophe: e.catastrophe[p].mean,
            p_catastrophe_se: e.catastrophe[p].se,
            runs: e.profile_runs[p],
        }
    };
    let rows = match &e.table {
        PayoffTable::Symmetric(t) => (0..t.profiles().len())
            .flat_map(|p| {
                let counts = &t.profiles()[p];
                (0..counts.len())
                    .filter(|&s| counts[s] > 0)
                    .map(|s| {
                        row(
                            p,
                            t.strategies()[s].clone(),
                            None,
                            Some(counts[s]),
                            t.payoff(p, s),
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .collect(),
        PayoffTable::Seats(t) => (0..t.profiles().len())
            .flat_map(|p| {
                (0..t.seats().len())
                    .map(|seat| {
                        row(
                            p,
                            t.strategies()[t.profiles()[p][seat]].clone(),
                            Some(t.seats()[seat].clone()),
                            None,
                            t.payoff(p, seat),
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .collect(),
    };
    let profiles = a
        .checks
        .iter()
        .map(|c| ProfileVerdict {
            profile: c.profile,
            label: label(c.profile),
            status: match analysis::status_word(c.status) {
                "no" => "not an equilibrium",
                word => word,
            },
        })
        .collect();
    let paths = a.trajectories.iter().map(super::game::shown_path).collect();
    let mut files = vec![
        (
            crate::output::files::game::PAYOFFS.to_string(),
            crate::output::game_tables::payoffs_csv(e),
        ),
        (
            crate::output::files::game::DEVIATIONS.to_string(),
            crate::output::game_tables::deviations_csv(e, a),
        ),
        (
            crate::output::files::game::EQUILIBRIA.to_string(),
            crate::output::game_tables::equilibria_csv(e, a),
        ),
        (
            crate::output::files::game::NASH_MIXED.to_string(),
            crate::output::game_tables::nash_mixed_csv(&e.table, a),
        ),
    ];
    if let (PayoffTable::Symmetric(t), Some(s)) = (&e.table, &a.stationary) {
        files.push((
            crate::output::files::game::STATIONARY.to_string(),
            crate::output::game_tables::stationary_csv(t.strategies(), s),
        ));
    }
    let (runs, seed, adaptive) = plan(game, input);
    SimulatedView {
        game: GameSummary::new(game),
        runs,
        seed,
        adaptive: adaptive.enabled,
        rounds: e.rounds,
        rows,
        profiles,
        nash: a.nash_mixed.clone(),
        rest_points: a
            .rest_points
            .iter()
            .map(|r| (r.x.clone(), r.starts))
            .collect(),
        flow: a
            .flow
            .iter()
            .map(|(x, v, _)| (x.clone(), v.clone()))
            .collect(),
        paths,
        stationary: a.stationary.as_ref().map(|s| s.distribution.clone()),
        population: game.population,
        selection: game.selection,
        files,
        elapsed_ms: started.elapsed().as_secs_f64() * 1e3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn game() -> Game {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/games/pause-or-race.toml"
        ))
        .unwrap();
        Game::from_str_named(&text, "pause-or-race.toml", "pause-or-race").unwrap()
    }

    fn input(runs: u64) -> SimulateInput {
        SimulateInput {
            page: "p".into(),
            runs: Some(runs),
            seed: None,
            adaptive: false,
        }
    }

    #[test]
    fn the_shown_rows_are_the_rows_of_payoffs_csv() {
        let g = game();
        let pool = crate::context::thread_pool(Some(2)).unwrap();
        let v = simulate(&pool, &g, &input(200), &AtomicBool::new(false)).unwrap();
        // 3 players, 3 strategies: 10 profiles; a row per strategy used.
        assert_eq!(v.profiles.len(), 10);
        let csv = &v.files.iter().find(|(n, _)| n == "payoffs.csv").unwrap().1;
        assert_eq!(csv.lines().count() - 1, v.rows.len());
        for (line, row) in csv.lines().skip(1).zip(&v.rows) {
            let cells: Vec<&str> = line.split(',').collect();
            // profile, n_race, n_pause-2023, n_rsp-2026, strategy, players, payoff, ...
            assert_eq!(cells[0].parse::<usize>().unwrap(), row.profile);
            assert_eq!(cells[4], row.strategy);
            assert_eq!(cells[6].parse::<f64>().unwrap(), row.payoff, "{line}");
        }
        assert_eq!(v.stationary.as_ref().map(Vec::len), Some(3));
    }

    #[test]
    fn a_game_beyond_the_bound_is_refused_and_a_raised_flag_cancels() {
        let g = game();
        let big = input(10_000_000);
        match check_limits(&g, &big) {
            Err(Refused::TooBig(m)) => assert!(m.contains("airace game"), "{m}"),
            other => panic!("{other:?}"),
        }
        let pool = crate::context::thread_pool(Some(1)).unwrap();
        let cancelled = simulate(&pool, &g, &input(5000), &AtomicBool::new(true));
        assert_eq!(cancelled.err(), Some(Refused::Cancelled));
    }
}
