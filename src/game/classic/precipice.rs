//! "Racing to the precipice" (Armstrong, Bostrom & Shulman, AI & Society
//! 31, 2016): how much safety racing teams take in equilibrium, and how
//! that depends on what they know.
//!
//! `n` teams; team `i`'s capability `c_i` is drawn uniformly from `[0, mu]`;
//! each chooses a safety level `s_i` in `[0, 1]`. The team with the highest
//! `c_i - s_i` wins; its AI is safe with probability `s_i`. A team's payoff
//! is 1 if its own AI is safe, `1 - e` if another team's is (`e` is the
//! enmity), 0 on disaster. Three information regimes: no team knows any
//! capability (a strategy is one safety level), each knows its own (a
//! strategy is a function of the own capability), all know all (a function
//! of every capability).
//!
//! Equilibria are found by simulation: capability vectors are drawn once
//! (common random numbers), a strategy is a safety level per *information
//! cell* — the one cell of no information, a bin of own capability, or (all
//! informed) a bin of the leader's lead over the runner-up for the leader
//! and of the own gap to the leader for the others — and each cell's best
//! response over a grid of safety levels is computed exactly on the draws
//! (sorting the margins by which a team would win). Strategies move toward
//! their best responses until no cell can gain more than a tolerance by
//! deviating (an approximate equilibrium on the draws); the remaining
//! regret is reported. The probability of disaster `1 - E[s_winner]` is then
//! estimated on fresh draws.
//!
//! Closed forms derived here (for comparison and tests; the paper's own
//! expressions are not reproduced from it):
//! - *no information*: at a symmetric `s` a deviating team's chance of
//!   winning falls at rate `1/mu` for every `n`, so the first-order
//!   condition `1/n - e s/mu = 0` gives `s = min(1, mu/(n e))` (a global
//!   best response where checked, e.g. `n = 2, e = 1, mu = 1`: `s = 1/2`).
//! - *own capability known*: if the score `c - s(c)` increases with `c` the
//!   most capable team wins, and the first-order condition of a type `c`
//!   is `c (1 - s'(c)) = (n - 1) e s(c)`, whose solution bounded at 0 is
//!   `s(c) = min(1, c / (1 + (n - 1) e))`.
//! - *all capabilities known*: the leader, ahead of the runner-up by `D`,
//!   takes `s = min(1, D)`, the most safety at which no rival can overtake
//!   it even with no safety; rivals take none. For `e = 1` this is the
//!   equilibrium (a rival gets nothing unless it wins, so it undercuts any
//!   leader that takes more); for `e < 1` it is the equilibrium in which
//!   rivals stand ready to undercut. `D / mu` is Beta(1, n) distributed.

use crate::game::table::PayoffEstimate;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};

/// What teams know when they choose their safety.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Regime {
    /// No team knows any capability.
    NoInformation,
    /// Each team knows its own capability.
    Private,
    /// Every team knows every capability.
    Public,
}

impl Regime {
    pub const ALL: [Regime; 3] = [Regime::NoInformation, Regime::Private, Regime::Public];

    pub fn name(self) -> &'static str {
        match self {
            Regime::NoInformation => "no_information",
            Regime::Private => "private",
            Regime::Public => "public",
        }
    }
}

/// One game.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Precipice {
    pub teams: usize,
    /// `e` in `[0, 1]`.
    pub enmity: f64,
    /// `mu > 0`: capabilities are uniform on `[0, mu]`.
    pub mu: f64,
}

/// Which equilibrium of a regime with several the search looks for.
///
/// All informed with enmity `e < 1`, every leader safety from `min(1, D)`
/// to `min(1, D/e)` (`D` the lead) is an equilibrium: the runner-up
/// undercuts a leader taking `s` only if winning with safety just under
/// `s - D` beats the `(1 - e) s` it gets from the leader's safe AI, that is
/// only if `s > D/e`. The other regimes have one equilibrium each, which
/// both selections find.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Selection {
    /// The least safe: searched from no safety, ties broken toward less.
    /// The leader takes `min(1, D)`, kept there by rivals ready to undercut
    /// with no safety, a weakly dominated strategy.
    LeastSafe,
    /// The most safe: searched from full safety, ties broken toward more.
    /// The leader takes `min(1, D/e)`, the most the runner-up tolerates;
    /// every team gets more than in the least safe one.
    MostSafe,
}

impl Selection {
    pub fn name(self) -> &'static str {
        match self {
            Selection::LeastSafe => "least_safe",
            Selection::MostSafe => "most_safe",
        }
    }
}

/// How equilibria are searched for.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Solver {
    /// Capability vectors on which best responses are computed (four times
    /// as many without information, where they are cheap and needed).
    pub draws: usize,
    /// Fresh capability vectors on which the disaster probability is estimated.
    pub evaluation_draws: usize,
    /// Safety levels `0, 1/grid, ..., 1` a best response chooses from.
    pub grid: usize,
    /// Bins of own capability (private); the public regime cuts the
    /// leader's lead and the others' gaps into four times as many.
    pub bins: usize,
    pub max_iterations: usize,
    /// The search has converged when no cell can gain more than this share
    /// of its best expected payoff (averaged over the cell's draws; of
    /// `PAYOFF_FLOOR` where that is smaller) by deviating.
    pub tolerance: f64,
    pub seed: u64,
    /// Which equilibrium to find where there are several.
    pub selection: Selection,
}

impl Default for Solver {
    fn default() -> Self {
        Solver {
            draws: 20_000,
            evaluation_draws: 200_000,
            grid: 200,
            bins: 40,
            max_iterations: 300,
            tolerance: 0.02,
            seed: 1,
            selection: Selection::MostSafe,
        }
    }
}

/// A symmetric equilibrium found by simulation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Equilibrium {
    pub regime: Regime,
    pub game: Precipice,
    /// Safety per information cell (see [`Equilibrium::cell_range`]).
    pub safety: Vec<f64>,
    /// Bins of capability or gap the cells are cut into.
    pub bins: usize,
    pub iterations: usize,
    /// No cell can gain more than the solver's tolerance by deviating.
    pub converged: bool,
    /// Largest gain (in expected payoff, averaged over the cell's draws)
    /// any cell could still make by deviating to a grid safety level.
    pub max_regret: f64,
    /// `1 - E[s_winner]`, on fresh draws.
    pub p_disaster: PayoffEstimate,
    /// The equilibrium selected where the regime has several.
    pub selection: Selection,
}

impl Equilibrium {
    /// What cell `k` holds: its kind and the range of the capability (or
    /// gap) it covers.
    pub fn cell_range(&self, k: usize) -> (&'static str, f64, f64) {
        let bins = self.bins;
        let width = self.game.mu / bins as f64;
        match self.regime {
            Regime::NoInformation => ("all", 0.0, self.game.mu),
            Regime::Private => ("own_capability", k as f64 * width, (k + 1) as f64 * width),
            Regime::Public if k < bins => ("leader_lead", k as f64 * width, (k + 1) as f64 * width),
            Regime::Public => {
                let j = k - bins;
                ("gap_to_leader", j as f64 * width, (j + 1) as f64 * width)
            }
        }
    }
}

/// Draws `count` capability vectors of `teams` teams on `[0, mu]` from
/// stream `stream` of `seed` (independent pseudo-random numbers).
fn capabilities(count: usize, game: &Precipice, seed: u64, stream: u64) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    (0..count * game.teams)
        .map(|_| game.mu * rng.random::<f64>())
        .collect()
}

/// The first primes: Halton bases, one per team.
const PRIMES: [u64; 12] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];

/// Most teams a game may have (one Halton dimension each).
pub const MAX_TEAMS: usize = PRIMES.len();

/// `count` capability vectors spread evenly over `[0, mu]^teams`: a Halton
/// sequence shifted by a random vector (modulo 1) drawn from stream
/// `stream` of `seed` (randomised quasi-Monte Carlo). Best responses depend
/// on how often rival scores fall in thin bands; evenly spread points
/// estimate those frequencies far more precisely than independent draws.
fn spread_capabilities(count: usize, game: &Precipice, seed: u64, stream: u64) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    let shift: Vec<f64> = (0..game.teams).map(|_| rng.random::<f64>()).collect();
    let mut out = Vec::with_capacity(count * game.teams);
    for r in 0..count as u64 {
        for (i, &base) in PRIMES[..game.teams].iter().enumerate() {
            let x = radical_inverse(r + 1, base) + shift[i];
            out.push(game.mu * (x - x.floor()));
        }
    }
    out
}

/// The digits of `k` in `base`, mirrored about the radix point.
fn radical_inverse(mut k: u64, base: u64) -> f64 {
    let (mut x, mut scale) = (0.0, 1.0 / base as f64);
    while k > 0 {
        x += (k % base) as f64 * scale;
        k /= base;
        scale /= base as f64;
    }
    x
}

/// The information cell of every team in every draw.
fn cells(regime: Regime, game: &Precipice, bins: usize, draws: &[f64]) -> Vec<usize> {
    let n = game.teams;
    let bin = |x: f64| ((x / game.mu * bins as f64) as usize).min(bins - 1);
    let mut out = Vec::with_capacity(draws.len());
    for c in draws.chunks_exact(n) {
        match regime {
            Regime::NoInformation => out.extend(std::iter::repeat_n(0, n)),
            Regime::Private => out.extend(c.iter().map(|&x| bin(x))),
            Regime::Public => {
                let (leader, top, second) = top_two(c);
                for (i, &x) in c.iter().enumerate() {
                    out.push(if i == leader {
                        bin(top - second)
                    } else {
                        bins + bin(top - x)
                    });
                }
            }
        }
    }
    out
}

/// Index of the largest value, the largest and the second largest.
fn top_two(values: &[f64]) -> (usize, f64, f64) {
    let (mut best, mut top, mut second) = (0, f64::NEG_INFINITY, f64::NEG_INFINITY);
    for (i, &x) in values.iter().enumerate() {
        if x > top {
            second = top;
            top = x;
            best = i;
        } else if x > second {
            second = x;
        }
    }
    (best, top, second)
}

fn cell_count(regime: Regime, bins: usize) -> usize {
    match regime {
        Regime::NoInformation => 1,
        Regime::Private => bins,
        Regime::Public => 2 * bins,
    }
}

/// For every team of every draw, given everyone's safety: by how much its
/// capability beats the best rival score (`c_i - max_{j != i}(c_j - s_j)`:
/// it wins with any safety below this margin) and the safety of that rival.
fn margins(teams: usize, draws: &[f64], safety: &[f64], out: &mut Vec<(f64, f64)>) {
    out.clear();
    for (c, s) in draws.chunks_exact(teams).zip(safety.chunks_exact(teams)) {
        // The best and second-best scores, to leave one team out in O(1).
        let (mut first, mut second) = (
            (f64::NEG_INFINITY, 0.0, usize::MAX),
            (f64::NEG_INFINITY, 0.0),
        );
        for (i, (&ci, &si)) in c.iter().zip(s).enumerate() {
            let score = ci - si;
            if score > first.0 {
                second = (first.0, first.1);
                first = (score, si, i);
            } else if score > second.0 {
                second = (score, si);
            }
        }
        for (i, &ci) in c.iter().enumerate() {
            let (rival_score, rival_safety) = if i == first.2 {
                second
            } else {
                (first.0, first.1)
            };
            out.push((ci - rival_score, rival_safety));
        }
    }
}

/// Expected payoff of each grid safety level (and of `current`) for the
/// items of one cell: `(margin, rival safety)` pairs, sorted by margin.
fn cell_payoffs(items: &[(f64, f64)], enmity: f64, grid: usize, current: f64) -> (Vec<f64>, f64) {
    let n = items.len() as f64;
    let mut out = Vec::with_capacity(grid + 1);
    // Payoff at safety x: x * #{margin > x} + (1 - e) * sum of rival safety
    // over {margin <= x}, divided by the count.
    let mut k = 0;
    let mut lost_safety = 0.0;
    for g in 0..=grid {
        let x = g as f64 / grid as f64;
        while k < items.len() && items[k].0 <= x {
            lost_safety += items[k].1;
            k += 1;
        }
        out.push((x * (items.len() - k) as f64 + (1.0 - enmity) * lost_safety) / n);
    }
    let win = items.partition_point(|it| it.0 <= current);
    let lost: f64 = items[..win].iter().map(|it| it.1).sum();
    let at_current = (current * (items.len() - win) as f64 + (1.0 - enmity) * lost) / n;
    (out, at_current)
}

/// The draws a solver works on, with every team's information cell.
struct Sample {
    teams: usize,
    draws: Vec<f64>,
    cell_of: Vec<usize>,
    cells: usize,
}

impl Sample {
    /// Each cell's best grid safety level given everyone plays `strategy`
    /// (the current level where nothing does better), the largest regret
    /// (what some cell gains, on average over its draws, by moving from its
    /// current level to its best) and the largest relative regret (regret
    /// over the best payoff, or over `PAYOFF_FLOOR` if that is smaller).
    fn best_responses(&self, strategy: &[f64], enmity: f64, grid: usize) -> (Vec<f64>, f64, f64) {
        let safety: Vec<f64> = self.cell_of.iter().map(|&k| strategy[k]).collect();
        let mut items = Vec::with_capacity(self.draws.len());
        margins(self.teams, &self.draws, &safety, &mut items);
        let mut by_cell: Vec<Vec<(f64, f64)>> = vec![Vec::new(); self.cells];
        for (&item, &k) in items.iter().zip(&self.cell_of) {
            by_cell[k].push(item);
        }
        let mut best = strategy.to_vec();
        let (mut regret, mut relative) = (0.0f64, 0.0f64);
        for (k, cell) in by_cell.iter_mut().enumerate() {
            if cell.is_empty() {
                continue;
            }
            cell.sort_by(|a, b| a.0.total_cmp(&b.0));
            let (payoffs, current) = cell_payoffs(cell, enmity, grid, strategy[k]);
            // The first of the best levels: among equally good levels a
            // team takes the least safety, which keeps the threat of
            // undercutting credible (and is what rivals who cannot win do).
            let (g, top) =
                payoffs
                    .iter()
                    .enumerate()
                    .fold((0, f64::NEG_INFINITY), |acc, (g, &u)| {
                        if u > acc.1 + 1e-12 { (g, u) } else { acc }
                    });
            if top > current + 1e-12 {
                regret = regret.max(top - current);
                relative = relative.max((top - current) / top.max(PAYOFF_FLOOR));
                best[k] = g as f64 / grid as f64;
            }
        }
        (best, regret, relative)
    }
}

/// The smallest step toward the best responses.
const MIN_RATE: f64 = 0.02;

/// Regret is measured relative to a cell's best payoff, or to this where
/// the best payoff is smaller (cells that can hardly win).
const PAYOFF_FLOOR: f64 = 0.1;

/// Finds a symmetric equilibrium of `game` in `regime`.
///
/// Strategies start at no safety and jump to their best responses for as
/// long as that brings them closer to their best responses (stopping at an
/// exact fixed point on the grid). From the first jump that does not,
/// they move toward them with steps shrinking like `2/t` (down to
/// `MIN_RATE`), a damped fictitious play: moving every cell at once by a
/// full step overshoots (each cell's best response assumes the others stay
/// put), and small steps average out the jitter of best responses computed
/// on a finite sample; the search then stops once damped steps have
/// settled and no cell can gain more than `Solver::tolerance` of its
/// payoff by deviating.
pub fn solve(regime: Regime, game: &Precipice, solver: &Solver) -> Equilibrium {
    solve_until(regime, game, solver, &AtomicBool::new(false))
        .expect("a search that is never cancelled finishes")
}

/// [`solve`], giving up (`None`) as soon as `cancel` is set: it is checked
/// before every iteration of the search and before the evaluation.
pub fn solve_until(
    regime: Regime,
    game: &Precipice,
    solver: &Solver,
    cancel: &AtomicBool,
) -> Option<Equilibrium> {
    // The leader's safety follows its lead closely (s = D): finer bins keep
    // the piecewise-constant strategy from rounding it.
    let bins = match regime {
        Regime::Public => 4 * solver.bins.max(1),
        _ => solver.bins.max(1),
    };
    // Without information the payoff is very flat around the equilibrium,
    // and the one cell is cheap: more draws pin it down.
    let count = match regime {
        Regime::NoInformation => 4 * solver.draws,
        _ => solver.draws,
    };
    let draws = spread_capabilities(count, game, solver.seed, 0);
    let cell_of = cells(regime, game, bins, &draws);
    let sample = Sample {
        teams: game.teams,
        draws,
        cell_of,
        cells: cell_count(regime, bins),
    };
    if regime == Regime::Public && solver.selection == Selection::MostSafe && game.enmity < 1.0 {
        let strategy = most_safe_public(game, &sample, bins, solver.grid);
        let (_, regret, relative) = sample.best_responses(&strategy, game.enmity, solver.grid);
        if cancel.load(Ordering::Relaxed) {
            return None;
        }
        return Some(Equilibrium {
            regime,
            game: *game,
            p_disaster: disaster(regime, game, bins, &strategy, solver),
            safety: strategy,
            bins,
            iterations: 1,
            converged: relative <= solver.tolerance,
            max_regret: regret,
            selection: solver.selection,
        });
    }
    let mut strategy = vec![0.0; sample.cells];
    let (mut converged, mut iterations, mut max_regret) = (false, 0, f64::INFINITY);
    let grid_step = 1.0 / solver.grid as f64;
    // While jumping to the best responses brings them closer, keep
    // jumping; from the first jump that does not, or that would return to
    // where the last one started (a cycle), damp.
    let (mut damped_since, mut last_distance) = (None, f64::INFINITY);
    let mut previous: Vec<f64> = Vec::new();
    for iteration in 1..=solver.max_iterations {
        if cancel.load(Ordering::Relaxed) {
            return None;
        }
        iterations = iteration;
        let (best, regret, relative) = sample.best_responses(&strategy, game.enmity, solver.grid);
        max_regret = regret;
        let distance = strategy
            .iter()
            .zip(&best)
            .map(|(s, b)| (b - s).abs())
            .fold(0.0, f64::max);
        // A fixed point of the best responses: jumping leaves every cell
        // on the grid, so a fixed point there is exact.
        if distance < 0.5 * grid_step {
            converged = true;
            break;
        }
        if damped_since.is_none() && (distance > last_distance || best == previous) {
            damped_since = Some(iteration);
        }
        last_distance = distance;
        let rate = match damped_since {
            None => 1.0,
            Some(t0) => (2.0 / (iteration - t0 + 2) as f64).max(MIN_RATE),
        };
        // Damped steps have settled and nothing is left to gain beyond the
        // tolerance: an approximate equilibrium on the draws.
        if damped_since.is_some()
            && relative <= solver.tolerance
            && rate * distance <= 1.5 * grid_step
        {
            converged = true;
            break;
        }
        previous = strategy.clone();
        for (s, b) in strategy.iter_mut().zip(&best) {
            *s += rate * (b - *s);
        }
        if iteration == solver.max_iterations {
            let (_, regret, relative) = sample.best_responses(&strategy, game.enmity, solver.grid);
            max_regret = regret;
            converged = relative <= solver.tolerance;
        }
    }
    fill_empty_cells(&mut strategy, &sample.cell_of, sample.cells, bins);
    if cancel.load(Ordering::Relaxed) {
        return None;
    }
    Some(Equilibrium {
        regime,
        game: *game,
        p_disaster: disaster(regime, game, bins, &strategy, solver),
        safety: strategy,
        bins,
        iterations,
        converged,
        max_regret,
        selection: solver.selection,
    })
}

/// The most safe equilibrium of the all-informed regime, on the draws.
///
/// Each leader cell takes the most grid safety `x` at which, in none of
/// the cell's draws, the runner-up (`D` behind) gains by undercutting: its
/// best undercut, the most grid safety strictly below `x - D`, must not
/// beat the `(1 - e) x` it gets from the leader's safe AI. (Rivals further
/// behind gain less by undercutting.) That is `x = min(1, D/e)` for the
/// cell's smallest lead, up to the grid. Each gap cell then stands ready to
/// undercut any more: its safety is the leader's of the same bin less the
/// bin's smallest gap, which the runner-up's undercut matches exactly (it
/// is indifferent, so this is a best response). `solve_until` checks the
/// result by the regret of every cell, as for the searched equilibria.
fn most_safe_public(game: &Precipice, sample: &Sample, bins: usize, grid: usize) -> Vec<f64> {
    let n = game.teams;
    let step = 1.0 / grid as f64;
    // The smallest lead that fell in each leader cell.
    let mut smallest = vec![f64::INFINITY; bins];
    for c in sample.draws.chunks_exact(n) {
        let (_, top, second) = top_two(c);
        let lead = top - second;
        let k = ((lead / game.mu * bins as f64) as usize).min(bins - 1);
        smallest[k] = smallest[k].min(lead);
    }
    let tolerated = |x: f64, lead: f64| {
        let room = x - lead;
        room <= 0.0 || ((room / step).ceil() - 1.0).max(0.0) * step <= (1.0 - game.enmity) * x
    };
    let mut strategy = vec![0.0; 2 * bins];
    for (k, &lead) in smallest.iter().enumerate() {
        if lead.is_finite() {
            let g = (0..=grid)
                .rev()
                .find(|&g| tolerated(g as f64 * step, lead))
                .unwrap_or(0);
            strategy[k] = g as f64 * step;
        }
    }
    fill_empty_cells(&mut strategy, &sample.cell_of, 2 * bins, bins);
    let width = game.mu / bins as f64;
    for j in 0..bins {
        strategy[bins + j] = (strategy[j] - j as f64 * width).clamp(0.0, 1.0);
    }
    strategy
}

/// Cells no draw fell in keep the strategy of their nearest neighbour of
/// the same kind, so the strategy is defined everywhere.
fn fill_empty_cells(strategy: &mut [f64], cell_of: &[usize], cells: usize, bins: usize) {
    let mut seen = vec![false; cells];
    for &k in cell_of {
        seen[k] = true;
    }
    let groups: Vec<(usize, usize)> = if cells == 2 * bins {
        vec![(0, bins), (bins, 2 * bins)]
    } else {
        vec![(0, cells)]
    };
    for (lo, hi) in groups {
        for k in lo..hi {
            if seen[k] {
                continue;
            }
            let nearest = (lo..hi).filter(|&j| seen[j]).min_by_key(|&j| j.abs_diff(k));
            if let Some(j) = nearest {
                strategy[k] = strategy[j];
            }
        }
    }
}

/// `1 - E[s_winner]` when every team plays `strategy`, on fresh draws.
fn disaster(
    regime: Regime,
    game: &Precipice,
    bins: usize,
    strategy: &[f64],
    solver: &Solver,
) -> PayoffEstimate {
    let n = game.teams;
    let draws = capabilities(solver.evaluation_draws, game, solver.seed, 1);
    let cell_of = cells(regime, game, bins, &draws);
    let (mut sum, mut sum_sq) = (0.0, 0.0);
    for (c, k) in draws.chunks_exact(n).zip(cell_of.chunks_exact(n)) {
        let mut winner = (f64::NEG_INFINITY, 0.0);
        for i in 0..n {
            let s = strategy[k[i]];
            if c[i] - s > winner.0 {
                winner = (c[i] - s, s);
            }
        }
        let p = 1.0 - winner.1;
        sum += p;
        sum_sq += p * p;
    }
    PayoffEstimate::from_sums(sum, sum_sq, solver.evaluation_draws as f64)
}

/// Whether `regime` has more than one equilibrium in `game` (all informed
/// with enmity below 1), so that the selection matters.
pub fn several_equilibria(regime: Regime, game: &Precipice) -> bool {
    regime == Regime::Public && game.enmity < 1.0
}

/// The closed-form disaster probability derived in the module docs, of the
/// selected equilibrium. All informed, the most safe equilibrium's leader
/// takes `min(1, D/e)` where the least safe one's takes `min(1, D)`: as
/// `D/e` is the lead of a game with capabilities on `[0, mu/e]`, its
/// disaster probability is the least safe one's at `mu/e` (0 at `e = 0`).
pub fn closed_form_disaster(regime: Regime, game: &Precipice, selection: Selection) -> f64 {
    if selection == Selection::MostSafe && several_equilibria(regime, game) {
        if game.enmity == 0.0 {
            return 0.0;
        }
        let wider = Precipice {
            mu: game.mu / game.enmity,
            ..*game
        };
        return closed_form_disaster(regime, &wider, Selection::LeastSafe);
    }
    let (n, e, mu) = (game.teams as f64, game.enmity, game.mu);
    match regime {
        Regime::NoInformation => {
            if e == 0.0 {
                0.0
            } else {
                1.0 - (mu / (n * e)).min(1.0)
            }
        }
        Regime::Private => {
            let a = 1.0 + (n - 1.0) * e;
            if mu <= a {
                1.0 - n * mu / ((n + 1.0) * a)
            } else {
                (a / mu).powf(n) / (n + 1.0)
            }
        }
        Regime::Public => {
            if mu <= 1.0 {
                1.0 - mu / (n + 1.0)
            } else {
                1.0 - mu * (1.0 - (1.0 - 1.0 / mu).powf(n + 1.0)) / (n + 1.0)
            }
        }
    }
}

/// The closed-form equilibrium safety of a cell, at its midpoint.
pub fn closed_form_safety(eq: &Equilibrium, k: usize) -> f64 {
    let (kind, lo, hi) = eq.cell_range(k);
    let mid = 0.5 * (lo + hi);
    let g = &eq.game;
    match kind {
        "all" => {
            if g.enmity == 0.0 {
                1.0
            } else {
                (g.mu / (g.teams as f64 * g.enmity)).min(1.0)
            }
        }
        "own_capability" => (mid / (1.0 + (g.teams as f64 - 1.0) * g.enmity)).min(1.0),
        "leader_lead" if eq.selection == Selection::MostSafe && g.enmity < 1.0 => {
            if g.enmity == 0.0 {
                1.0
            } else {
                (mid / g.enmity).min(1.0)
            }
        }
        "leader_lead" => mid.min(1.0),
        // Ready to undercut a leader that took more than min(1, G/e).
        _ if eq.selection == Selection::MostSafe && g.enmity < 1.0 => {
            let leader = if g.enmity == 0.0 {
                1.0
            } else {
                (mid / g.enmity).min(1.0)
            };
            (leader - mid).max(0.0)
        }
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quick() -> Solver {
        Solver {
            draws: 8000,
            evaluation_draws: 40_000,
            grid: 100,
            bins: 20,
            max_iterations: 200,
            tolerance: 0.02,
            seed: 5,
            selection: Selection::LeastSafe,
        }
    }

    /// Asserts that `eq`'s safety in information cell `cell` is within
    /// `tolerance` of `expected`.
    fn assert_safety_near(eq: &Equilibrium, cell: usize, expected: f64, tolerance: f64) {
        assert!(
            (eq.safety[cell] - expected).abs() <= tolerance,
            "{:?} {:?}, cell {cell}: {} vs {expected}",
            eq.regime,
            eq.game,
            eq.safety[cell]
        );
    }

    /// Asserts that `eq`'s estimated probability of disaster is within
    /// `tolerance` of `exact`.
    fn assert_disaster_near(eq: &Equilibrium, exact: f64, tolerance: f64) {
        assert!(
            (eq.p_disaster.mean - exact).abs() <= tolerance,
            "{:?} {:?}: {:?} vs {exact}",
            eq.regime,
            eq.game,
            eq.p_disaster
        );
    }

    /// Solves `game` in `regime` with the quick solver and asserts that the
    /// search converged to a disaster probability within `tolerance` of the
    /// (least safe) closed form; returns the equilibrium and the closed form.
    fn solve_near_closed_form(
        regime: Regime,
        game: &Precipice,
        tolerance: f64,
    ) -> (Equilibrium, f64) {
        let eq = solve(regime, game, &quick());
        assert!(eq.converged, "{eq:?}");
        let exact = closed_form_disaster(regime, game, Selection::LeastSafe);
        assert_disaster_near(&eq, exact, tolerance);
        (eq, exact)
    }

    fn base() -> Precipice {
        Precipice {
            teams: 2,
            enmity: 1.0,
            mu: 1.0,
        }
    }

    #[test]
    fn no_information_matches_the_first_order_condition() {
        for game in [
            base(),
            Precipice { mu: 0.5, ..base() },
            Precipice { teams: 3, ..base() },
        ] {
            let (eq, _) = solve_near_closed_form(Regime::NoInformation, &game, 0.03);
            let s = (game.mu / (game.teams as f64 * game.enmity)).min(1.0);
            // Within two grid steps plus sampling of the best response.
            assert_safety_near(&eq, 0, s, 0.03);
        }
    }

    #[test]
    fn own_capability_known_gives_safety_proportional_to_capability() {
        let (eq, exact) = solve_near_closed_form(Regime::Private, &base(), 0.02);
        assert!((exact - 2.0 / 3.0).abs() < 1e-12);
        for k in 2..20 {
            let expected = closed_form_safety(&eq, k);
            assert_safety_near(&eq, k, expected, 0.04);
        }
    }

    #[test]
    fn all_capabilities_known_leaves_the_leader_its_lead_as_safety() {
        let (eq, exact) = solve_near_closed_form(Regime::Public, &base(), 0.03);
        assert!((exact - 2.0 / 3.0).abs() < 1e-12);
        // More information, more danger (weakly, at e = 1).
        let none = solve(Regime::NoInformation, &base(), &quick());
        assert!(none.p_disaster.mean < eq.p_disaster.mean - 0.1);
    }

    /// Regression: all informed with e < 1 the search found only the least
    /// safe of a range of equilibria. Both ends are found now, each at its
    /// closed form (n = 2, e = 1/2, mu = 1: 2/3 and 5/12), with no cell able
    /// to gain by deviating; at e = 1 the two coincide.
    #[test]
    fn all_informed_with_enmity_below_one_has_a_least_and_a_most_safe_equilibrium() {
        let game = Precipice {
            enmity: 0.5,
            ..base()
        };
        let least = solve(Regime::Public, &game, &quick());
        let most = solve(
            Regime::Public,
            &game,
            &Solver {
                selection: Selection::MostSafe,
                ..quick()
            },
        );
        for (eq, selection, exact) in [
            (&least, Selection::LeastSafe, 2.0 / 3.0),
            (&most, Selection::MostSafe, 5.0 / 12.0),
        ] {
            assert!(eq.converged && eq.max_regret < 0.01, "{eq:?}");
            let closed = closed_form_disaster(Regime::Public, &game, selection);
            assert!((closed - exact).abs() < 1e-12);
            assert_disaster_near(eq, exact, 0.015);
        }
        // The most safe leader takes about its lead over e, capped at 1.
        for k in 2..40 {
            let expected = closed_form_safety(&most, k);
            assert_safety_near(&most, k, expected, 0.04);
        }
        let equal = Precipice {
            enmity: 1.0,
            ..base()
        };
        assert_eq!(
            closed_form_disaster(Regime::Public, &equal, Selection::MostSafe),
            closed_form_disaster(Regime::Public, &equal, Selection::LeastSafe)
        );
        assert_eq!(
            closed_form_disaster(Regime::Private, &game, Selection::MostSafe),
            closed_form_disaster(Regime::Private, &game, Selection::LeastSafe)
        );
        // E[min(1, D/e)] by Monte Carlo: the most safe closed form.
        let draws = capabilities(200_000, &game, 3, 7);
        let mean = draws
            .chunks_exact(2)
            .map(|c| {
                let (_, a, b) = top_two(c);
                ((a - b) / 0.5).min(1.0)
            })
            .sum::<f64>()
            / 200_000.0;
        assert!((1.0 - mean - 5.0 / 12.0).abs() < 0.005, "{mean}");
    }

    #[test]
    fn closed_forms_agree_with_direct_integration() {
        // E[safety of the winner] by Monte Carlo over n uniforms on [0, mu]:
        // all informed min(1, D), D the top gap; own capability known
        // min(1, c_max / a), a = 1 + (n - 1) e.
        for (teams, mu) in [(2, 1.0), (3, 2.5), (2, 0.4)] {
            let game = Precipice {
                teams,
                enmity: 0.5,
                mu,
            };
            let draws = capabilities(200_000, &game, 3, 7);
            let a = 1.0 + (teams as f64 - 1.0) * 0.5;
            let winners_safety = |regime: Regime, c: &[f64]| {
                let (_, first, second) = top_two(c);
                match regime {
                    Regime::Public => (first - second).min(1.0),
                    _ => (first / a).min(1.0),
                }
            };
            for regime in [Regime::Public, Regime::Private] {
                let mean = draws
                    .chunks_exact(teams)
                    .map(|c| winners_safety(regime, c))
                    .sum::<f64>()
                    / 200_000.0;
                let exact = 1.0 - closed_form_disaster(regime, &game, Selection::LeastSafe);
                assert!(
                    (mean - exact).abs() < 0.005,
                    "{regime:?} {teams} {mu}: {mean} vs {exact}"
                );
            }
        }
    }

    #[test]
    fn spread_draws_are_uniform_and_evenly_spread() {
        assert_eq!(radical_inverse(1, 2), 0.5);
        assert_eq!(radical_inverse(6, 2), 0.375);
        assert!((radical_inverse(5, 3) - 7.0 / 9.0).abs() < 1e-15);
        let game = Precipice {
            teams: 3,
            enmity: 1.0,
            mu: 2.0,
        };
        let d = spread_capabilities(3000, &game, 1, 0);
        // Every team's capabilities fill [0, 2] evenly: a tenth in each tenth.
        for team in 0..3 {
            let mut counts = [0usize; 10];
            for c in d.iter().skip(team).step_by(3) {
                counts[(c / 0.2) as usize] += 1;
            }
            assert!(counts.iter().all(|&k| k.abs_diff(300) <= 3), "{counts:?}");
        }
    }

    #[test]
    fn margins_leave_each_team_out() {
        let mut out = Vec::new();
        margins(3, &[0.5, 0.9, 0.2], &[0.1, 0.5, 0.0], &mut out);
        // Scores 0.4, 0.4, 0.2: the first 0.4 is the best score.
        assert_eq!(out[0], (0.5 - 0.4, 0.5));
        assert_eq!(out[1], (0.9 - 0.4, 0.1));
        assert_eq!(out[2], (0.2 - 0.4, 0.1));
    }
}
