//! The game view: a symmetric two-player game whose payoffs the student
//! types in, analysed by the library's game code as `airace game` analyses
//! an estimated table: which profiles are equilibria, the mixed Nash
//! equilibria, the replicator dynamics and the small-mutation stationary
//! distribution of a finite population (pairwise comparison, Fermi rule).
//!
//! The payoffs are exact (no sampling error), so every verdict is decided.

use crate::game::fermi::{self, Population};
use crate::game::nash::{self, Status};
use crate::game::replicator::{self, Integration, Replicator};
use crate::game::table::{PayoffEstimate, SymmetricTable};
use serde::Serialize;

/// The most strategies the page edits (a 4 x 4 matrix).
pub const MAX_STRATEGIES: usize = 4;

/// A game as the page sends it.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GameInput {
    pub strategies: Vec<String>,
    /// `payoffs[i][j]`: payoff of strategy `i` against strategy `j`.
    pub payoffs: Vec<Vec<f64>>,
    /// `Z`, the population size of the stationary distribution.
    #[serde(default = "default_population")]
    pub population: usize,
    /// `beta`, the intensity of selection.
    #[serde(default = "default_selection")]
    pub selection: f64,
}

fn default_population() -> usize {
    100
}

fn default_selection() -> f64 {
    1.0
}

/// One pure profile: who plays what, and whether it is an equilibrium.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileView {
    /// e.g. `pause vs race`.
    pub label: String,
    /// Per strategy, how many of the two players play it.
    pub counts: Vec<usize>,
    /// `strict`, `weak` or `not an equilibrium`.
    pub status: &'static str,
}

/// Everything the game view shows.
#[derive(Debug, Clone, Serialize)]
pub struct GameView {
    pub strategies: Vec<String>,
    /// `best_response[j]`: the strategies that do best against `j`.
    pub best_response: Vec<Vec<usize>>,
    pub profiles: Vec<ProfileView>,
    /// Symmetric Nash equilibria in mixed strategies (pure ones included):
    /// each a share per strategy.
    pub nash: Vec<Vec<f64>>,
    /// Where replicator trajectories from a grid of interior starts end,
    /// and how many end there.
    pub rest_points: Vec<(Vec<f64>, usize)>,
    /// `(x, dx/dt)` on a grid of the simplex.
    pub flow: Vec<(Vec<f64>, Vec<f64>)>,
    /// Trajectories from a grid of starts, for drawing.
    pub paths: Vec<Vec<Vec<f64>>>,
    /// Share of time a population of `Z` spends all playing each strategy.
    pub stationary: Option<Vec<f64>>,
}

/// Why a game was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct GameError(pub String);

/// Analyses `input`.
pub fn analyse(input: &GameInput) -> Result<GameView, GameError> {
    let m = input.strategies.len();
    if !(2..=MAX_STRATEGIES).contains(&m) {
        return Err(GameError(format!(
            "{m} strategies: the game view takes 2 to {MAX_STRATEGIES}"
        )));
    }
    if input.payoffs.len() != m || input.payoffs.iter().any(|r| r.len() != m) {
        return Err(GameError(format!(
            "payoffs must be a {m} x {m} matrix: a row per strategy, a payoff against each"
        )));
    }
    for (i, row) in input.payoffs.iter().enumerate() {
        for (j, x) in row.iter().enumerate() {
            if !x.is_finite() || x.abs() > 1e9 {
                return Err(GameError(format!(
                    "payoffs[{i}][{j}] is {x}: allowed finite numbers of at most 1e9 in size"
                )));
            }
        }
    }
    if !(2..=10_000).contains(&input.population) {
        return Err(GameError(format!(
            "population is {}: allowed 2 <= population <= 10000",
            input.population
        )));
    }
    if !(input.selection.is_finite() && (0.0..=100.0).contains(&input.selection)) {
        return Err(GameError(format!(
            "selection is {}: allowed 0 <= selection <= 100",
            input.selection
        )));
    }
    let matrix: Vec<Vec<PayoffEstimate>> = input
        .payoffs
        .iter()
        .map(|r| r.iter().map(|&x| PayoffEstimate::exact(x)).collect())
        .collect();
    let table = SymmetricTable::from_matrix(input.strategies.clone(), &matrix);
    let best_response = (0..m)
        .map(|j| {
            let best = (0..m)
                .map(|i| input.payoffs[i][j])
                .fold(f64::NEG_INFINITY, f64::max);
            (0..m).filter(|&i| input.payoffs[i][j] == best).collect()
        })
        .collect();
    let profiles = nash::check_symmetric(&table)
        .iter()
        .map(|c| {
            let counts = table.profiles()[c.profile].clone();
            let names: Vec<&str> = counts
                .iter()
                .enumerate()
                .flat_map(|(s, &k)| std::iter::repeat_n(input.strategies[s].as_str(), k))
                .collect();
            ProfileView {
                label: names.join(" vs "),
                counts,
                status: match c.status {
                    Status::Strict => "strict",
                    Status::Weak => "weak",
                    Status::Undecided => "undecided",
                    Status::NotEquilibrium => "not an equilibrium",
                },
            }
        })
        .collect();
    let field =
        Replicator::new(&table).ok_or_else(|| GameError("the table is incomplete".into()))?;
    let trajectories: Vec<_> = replicator::interior_grid(m, 6.max(m))
        .iter()
        .map(|x| field.integrate(x, &Integration::default()))
        .collect();
    let rest_points = replicator::rest_points(&trajectories)
        .into_iter()
        .map(|r| (r.x, r.starts))
        .collect();
    let paths = trajectories.iter().map(shown_path).collect();
    let flow = replicator::simplex_grid(m, if m == 2 { 20 } else { 12 })
        .into_iter()
        .map(|x| {
            let v = field.velocity(&x);
            (x, v)
        })
        .collect();
    let stationary = fermi::stationary(
        &table,
        &Population {
            size: input.population,
            selection: input.selection,
        },
    )
    .map(|s| s.distribution);
    Ok(GameView {
        strategies: input.strategies.clone(),
        best_response,
        profiles,
        nash: crate::game::mixed::symmetric(&table)
            .into_iter()
            .map(|n| n.mix.into_iter().next().unwrap_or_default())
            .collect(),
        rest_points,
        flow,
        paths,
        stationary,
    })
}

/// A replicator path as the page draws it: about 60 of its points and its
/// end.
pub(super) fn shown_path(t: &replicator::Trajectory) -> Vec<Vec<f64>> {
    let every = (t.points.len() / 60).max(1);
    t.points
        .iter()
        .step_by(every)
        .map(|(_, x)| x.clone())
        .chain(std::iter::once(t.end.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn game(payoffs: [[f64; 2]; 2]) -> GameView {
        analyse(&GameInput {
            strategies: vec!["pause".into(), "race".into()],
            payoffs: payoffs.iter().map(|r| r.to_vec()).collect(),
            population: 100,
            selection: 1.0,
        })
        .unwrap()
    }

    #[test]
    fn a_prisoners_dilemma_has_mutual_defection_as_its_only_equilibrium() {
        let g = game([[3.0, 0.0], [5.0, 1.0]]);
        let statuses: Vec<(&str, &str)> = g
            .profiles
            .iter()
            .map(|p| (p.label.as_str(), p.status))
            .collect();
        assert_eq!(
            statuses,
            [
                ("pause vs pause", "not an equilibrium"),
                ("pause vs race", "not an equilibrium"),
                ("race vs race", "strict")
            ]
        );
        assert_eq!(g.best_response, [vec![1], vec![1]]);
        assert_eq!(g.nash.len(), 1);
        assert!((g.nash[0][1] - 1.0).abs() < 1e-9);
        let s = g.stationary.unwrap();
        assert!(s[1] > 0.99, "{s:?}");
    }

    #[test]
    fn a_stag_hunt_has_both_pure_equilibria_and_a_mixed_one() {
        // Pause pays if the other pauses too: the assurance game.
        let g = game([[4.0, 0.0], [3.0, 3.0]]);
        let strict: Vec<&str> = g
            .profiles
            .iter()
            .filter(|p| p.status == "strict")
            .map(|p| p.label.as_str())
            .collect();
        assert_eq!(strict, ["pause vs pause", "race vs race"]);
        // The mixed one: 4x = 3 -> x = 3/4 pause.
        assert!(
            g.nash.iter().any(|x| (x[0] - 0.75).abs() < 1e-6),
            "{:?}",
            g.nash
        );
        assert_eq!(g.rest_points.len(), 2);
    }

    #[test]
    fn a_malformed_game_is_refused() {
        let bad = GameInput {
            strategies: vec!["a".into()],
            payoffs: vec![vec![1.0]],
            population: 100,
            selection: 1.0,
        };
        assert!(analyse(&bad).unwrap_err().0.contains("2 to 4"));
        let ragged = GameInput {
            strategies: vec!["a".into(), "b".into()],
            payoffs: vec![vec![1.0, 2.0], vec![1.0]],
            ..bad
        };
        assert!(analyse(&ragged).unwrap_err().0.contains("2 x 2"));
    }
}
