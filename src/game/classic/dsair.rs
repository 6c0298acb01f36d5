//! DSAIR, the idealised AI race of Han, Pereira, Santos & Lenaerts, "To
//! Regulate or Not: A Social Dynamics Analysis of an Idealised AI Race"
//! (JAIR 69, 2020), simulated round by round beside its closed-form payoffs.
//!
//! Two players race to complete `W` development steps. Each round a SAFE
//! player advances one step and pays the safety cost `c`; an UNSAFE player
//! advances `s > 1` steps and pays nothing. Each round a benefit `b` is
//! shared in proportion to speed. The first to complete `W` steps wins the
//! prize `B` (shared on a tie). An UNSAFE player loses everything it earned
//! in the race with probability `p_r` (a disaster). A player's payoff is its
//! long-run average payoff per round: what it earned in a race divided by
//! the race's length in rounds (races are repeated).
//!
//! The closed forms (the paper's matrix, derived here from those rules):
//! a race between two SAFE players lasts `W` rounds, one with an UNSAFE
//! player `W / s` rounds, so per round
//!
//! ```text
//!            vs SAFE                              vs UNSAFE
//! SAFE       B/(2W) + b/2 - c                     b/(s+1) - c
//! UNSAFE     (1 - p_r) (s B / W + s b/(s+1))      (1 - p_r) (s B/(2W) + b/2)
//! ```
//!
//! The simulated race counts the last round as the fraction of a round the
//! winner needs to finish (so an UNSAFE race lasts exactly `W / s` rounds
//! even when `s` does not divide `W`); otherwise it follows the rules
//! above, and disasters are drawn. At `s = 1` SAFE and UNSAFE finish
//! together. By default ([`Tie::Unsafe`]) the prize then goes to UNSAFE, as
//! the paper's matrix gives it at every `s` including `s = 1`
//! (`pi_SU = b/2 - c`, `pi_US = (1 - p_r)(B/W + b/2)`), so the heatmap and
//! both boundary curves are the published ones; [`Tie::Split`] (`--tie split`) shares it,
//! as between equals (then `pi_SU = B/(2W) + b/2 - c = pi_SS` and
//! `pi_US = (1 - p_r) K_UU`). Races between two players of the same
//! strategy always share it.
//!
//! The evolutionary analysis is the paper's: pairwise-comparison imitation
//! in a population of `Z = 100` with selection intensity `beta = 0.01`,
//! and the small-mutation stationary distribution (see
//! [`crate::game::fermi`]). Two boundary curves frame it: above
//! `p_r = 1 - (B/(2W) + b/2 - c) / (s B/(2W) + b/2)` society (an all-SAFE
//! population) does better than all-UNSAFE; above
//! `p_r = 1 - (pi_SS + pi_SU) / (K_US + K_UU)` (with `pi_U = (1 - p_r) K_U`)
//! SAFE is risk-dominant (`pi_SS + pi_SU > pi_US + pi_UU`). Between them
//! lies the dilemma: society prefers SAFE but selection favours UNSAFE. In
//! a finite population SAFE and UNSAFE are equally frequent exactly where
//! `(Z - 2) pi_SS + Z pi_SU = Z pi_US + (Z - 2) pi_UU`, for any `beta`.

use crate::game::fermi::{self, Population};
use crate::game::table::{PayoffEstimate, SymmetricTable};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Strategy index of SAFE.
pub const SAFE: usize = 0;
/// Strategy index of UNSAFE.
pub const UNSAFE: usize = 1;

/// Who gets the prize when SAFE and UNSAFE finish together (`s = 1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tie {
    /// The paper's payoff matrix taken at `s = 1`: all to UNSAFE (the default).
    Unsafe,
    /// Shared equally, as between two players of the same strategy.
    Split,
}

impl Tie {
    /// The name used on the command line and in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Tie::Unsafe => "unsafe",
            Tie::Split => "split",
        }
    }
}

/// The parameters of one DSAIR game.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Dsair {
    /// `b`: benefit per round, shared in proportion to speed.
    pub benefit: f64,
    /// `c`: cost per round of following safety precautions.
    pub safety_cost: f64,
    /// `B`: the prize for completing the race first.
    pub prize: f64,
    /// `W`: development steps to complete.
    pub steps: f64,
    /// `s`: speed of an UNSAFE player, in steps per round.
    pub speed: f64,
    /// `p_r`: probability that an UNSAFE player's disaster wipes out its gains.
    pub risk: f64,
    /// Who gets the prize when SAFE and UNSAFE finish together.
    pub tie: Tie,
}

impl Dsair {
    /// The paper's defaults: `b = 4, c = 1, B = 10^4, W = 100`, the
    /// paper's tie rule, with the given speed and risk.
    pub fn paper(speed: f64, risk: f64) -> Self {
        Dsair {
            benefit: 4.0,
            safety_cost: 1.0,
            prize: 1e4,
            steps: 100.0,
            speed,
            risk,
            tie: Tie::Unsafe,
        }
    }

    fn player_speed(&self, strategy: usize) -> f64 {
        if strategy == SAFE { 1.0 } else { self.speed }
    }

    /// The shares of the prize SAFE and UNSAFE get when they race each
    /// other: all to UNSAFE when it is faster (`s > 1`) and, by the paper's
    /// matrix, also when they finish together (`s = 1`); shared at `s = 1`
    /// under [`Tie::Split`].
    fn mixed_race_prize_shares(&self) -> (f64, f64) {
        if self.speed > 1.0 || self.tie == Tie::Unsafe {
            (0.0, 1.0)
        } else {
            (0.5, 0.5)
        }
    }

    /// `pi_SS` and `pi_SU`, which do not depend on `p_r`.
    fn safe_payoffs(&self) -> (f64, f64) {
        let (b, c, s) = (self.benefit, self.safety_cost, self.speed);
        let (share, _) = self.mixed_race_prize_shares();
        (
            self.prize / (2.0 * self.steps) + b / 2.0 - c,
            share * s * self.prize / self.steps + b / (s + 1.0) - c,
        )
    }

    /// `K_US` and `K_UU`: the UNSAFE payoffs before the disaster factor `1 - p_r`.
    fn unsafe_gains(&self) -> (f64, f64) {
        let (b, s) = (self.benefit, self.speed);
        let (_, share) = self.mixed_race_prize_shares();
        (
            share * s * self.prize / self.steps + s * b / (s + 1.0),
            s * self.prize / (2.0 * self.steps) + b / 2.0,
        )
    }

    /// The paper's long-run payoff matrix: `[i][j]` is the payoff of `i`
    /// against `j`, at every `s` including `s = 1` under [`Tie::Unsafe`].
    /// Under [`Tie::Split`] at `s = 1` SAFE and UNSAFE share the prize
    /// (`pi_SU = pi_SS`, `pi_US = (1 - p_r) K_UU`), as the simulated race
    /// then does.
    pub fn closed_form(&self) -> [[f64; 2]; 2] {
        let (ss, su) = self.safe_payoffs();
        let (us, uu) = self.unsafe_gains();
        let keep = 1.0 - self.risk;
        [[ss, su], [keep * us, keep * uu]]
    }

    /// `p_r` above which an all-SAFE population earns more than an
    /// all-UNSAFE one (`pi_SS = pi_UU`), not clamped to [0, 1].
    pub fn society_threshold(&self) -> f64 {
        let (ss, _) = self.safe_payoffs();
        let (_, uu) = self.unsafe_gains();
        1.0 - ss / uu
    }

    /// `p_r` above which SAFE is risk-dominant (`pi_SS + pi_SU = pi_US + pi_UU`).
    pub fn risk_dominance_threshold(&self) -> f64 {
        let (ss, su) = self.safe_payoffs();
        let (us, uu) = self.unsafe_gains();
        1.0 - (ss + su) / (us + uu)
    }

    /// `p_r` at which SAFE and UNSAFE are equally frequent in the stationary
    /// distribution of a population of `z`:
    /// `(Z - 2) pi_SS + Z pi_SU = Z pi_US + (Z - 2) pi_UU`.
    pub fn finite_population_threshold(&self, z: usize) -> f64 {
        let z = z as f64;
        let (ss, su) = self.safe_payoffs();
        let (us, uu) = self.unsafe_gains();
        1.0 - ((z - 2.0) * ss + z * su) / (z * us + (z - 2.0) * uu)
    }

    /// One race between `strategies[0]` and `strategies[1]`. `draws` are
    /// the players' uniform draws: an UNSAFE player whose draw is below
    /// `p_r` suffers the disaster. Returns each player's payoff per round.
    pub fn race(&self, strategies: [usize; 2], draws: [f64; 2]) -> [f64; 2] {
        let v = strategies.map(|s| self.player_speed(s));
        let total_speed = v[0] + v[1];
        let mut position = [0.0f64; 2];
        let mut earned = [0.0f64; 2];
        let mut rounds = 0.0;
        loop {
            // The part of this round until someone completes W steps.
            let to_finish = [0, 1].map(|i| (self.steps - position[i]) / v[i]);
            let t = to_finish[0].min(to_finish[1]).min(1.0);
            for i in 0..2 {
                let cost = if strategies[i] == SAFE {
                    self.safety_cost
                } else {
                    0.0
                };
                earned[i] += t * (self.benefit * v[i] / total_speed - cost);
                position[i] += t * v[i];
            }
            rounds += t;
            // Within rounding of the finish line is there.
            let done = [0, 1].map(|i| to_finish[i] <= t * (1.0 + 1e-12));
            if done[0] || done[1] {
                let mut winners = done;
                // SAFE and UNSAFE together: the paper's matrix gives UNSAFE the prize.
                if done[0] && done[1] && strategies[0] != strategies[1] && self.tie == Tie::Unsafe {
                    winners = strategies.map(|s| s == UNSAFE);
                }
                let count = winners.iter().filter(|&&d| d).count() as f64;
                for i in 0..2 {
                    if winners[i] {
                        earned[i] += self.prize / count;
                    }
                }
                break;
            }
        }
        for i in 0..2 {
            if strategies[i] == UNSAFE && draws[i] < self.risk {
                earned[i] = 0.0;
            }
        }
        earned.map(|e| e / rounds)
    }
}

/// The uniform draws of `runs` runs, two per run, from master seed `seed`:
/// the same for every parameter value (common random numbers).
pub fn draws(runs: u64, seed: u64) -> Vec<[f64; 2]> {
    let base = ChaCha8Rng::seed_from_u64(seed);
    (0..runs)
        .map(|run| {
            let mut rng = base.clone();
            rng.set_stream(run);
            [rng.random::<f64>(), rng.random::<f64>()]
        })
        .collect()
}

/// The payoff matrix estimated by simulating one race per draw of each
/// pairing: SAFE vs SAFE, SAFE vs UNSAFE (which gives both `pi_SU` and
/// `pi_US`), UNSAFE vs UNSAFE (each run's value averaged over the two
/// players).
pub fn simulate_matrix(game: &Dsair, draws: &[[f64; 2]]) -> [[PayoffEstimate; 2]; 2] {
    let ss = PayoffEstimate::of(draws.iter().map(|&d| game.race([SAFE, SAFE], d)[0]));
    let su: Vec<[f64; 2]> = draws
        .iter()
        .map(|&d| game.race([SAFE, UNSAFE], d))
        .collect();
    let uu = PayoffEstimate::of(draws.iter().map(|&d| {
        let r = game.race([UNSAFE, UNSAFE], d);
        0.5 * (r[0] + r[1])
    }));
    [
        [ss, PayoffEstimate::of(su.iter().map(|r| r[0]))],
        [PayoffEstimate::of(su.iter().map(|r| r[1])), uu],
    ]
}

/// A two-strategy table from a DSAIR matrix.
pub fn table(matrix: [[PayoffEstimate; 2]; 2]) -> SymmetricTable {
    SymmetricTable::from_matrix(
        vec!["SAFE".into(), "UNSAFE".into()],
        &[matrix[0].to_vec(), matrix[1].to_vec()],
    )
}

/// Frequency of UNSAFE in the small-mutation stationary distribution.
pub fn unsafe_frequency(matrix: [[PayoffEstimate; 2]; 2], population: &Population) -> f64 {
    fermi::stationary(&table(matrix), population)
        .expect("a complete 2x2 table and Z >= 2")
        .distribution[UNSAFE]
}

/// One cell of the `(s, p_r)` plane.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Cell {
    pub speed: f64,
    pub risk: f64,
    pub simulated: [[PayoffEstimate; 2]; 2],
    pub closed_form: [[f64; 2]; 2],
    pub unsafe_simulated: f64,
    pub unsafe_closed_form: f64,
}

/// Simulates and analyses every `(s, p_r)` of the grid, in parallel, in
/// grid order (speed-major). `cancel` is checked before every cell; once
/// it is set the remaining cells are skipped and `Err` gives the number of
/// cells that were finished.
pub fn plane(
    base: &Dsair,
    speeds: &[f64],
    risks: &[f64],
    draws: &[[f64; 2]],
    population: &Population,
    cancel: &AtomicBool,
) -> Result<Vec<Cell>, u64> {
    let finished = AtomicU64::new(0);
    let points: Vec<(f64, f64)> = speeds
        .iter()
        .flat_map(|&s| risks.iter().map(move |&r| (s, r)))
        .collect();
    let cells: Option<Vec<Cell>> = points
        .par_iter()
        .map(|&(speed, risk)| {
            if cancel.load(Ordering::Relaxed) {
                return None;
            }
            let game = Dsair {
                speed,
                risk,
                ..*base
            };
            let simulated = simulate_matrix(&game, draws);
            let closed_form = game.closed_form();
            let exact = closed_form.map(|row| row.map(PayoffEstimate::exact));
            let cell = Cell {
                speed,
                risk,
                simulated,
                closed_form,
                unsafe_simulated: unsafe_frequency(simulated, population),
                unsafe_closed_form: unsafe_frequency(exact, population),
            };
            finished.fetch_add(1, Ordering::Relaxed);
            Some(cell)
        })
        .collect();
    cells.ok_or_else(|| finished.into_inner())
}

/// The races of one speed, simulated once without disasters: a disaster
/// only zeroes an UNSAFE player's earnings, so the payoffs at any `p_r`
/// follow from these and the draws, bit for bit as [`simulate_matrix`]
/// gives them.
struct Races {
    ss: Vec<f64>,
    su: Vec<[f64; 2]>,
    uu: Vec<[f64; 2]>,
}

impl Races {
    fn new(game: &Dsair, draws: &[[f64; 2]]) -> Races {
        // Draws are in [0, 1): none is below a risk of 0.
        let safe = Dsair { risk: 0.0, ..*game };
        Races {
            ss: draws
                .iter()
                .map(|&d| safe.race([SAFE, SAFE], d)[0])
                .collect(),
            su: draws
                .iter()
                .map(|&d| safe.race([SAFE, UNSAFE], d))
                .collect(),
            uu: draws
                .iter()
                .map(|&d| safe.race([UNSAFE, UNSAFE], d))
                .collect(),
        }
    }

    /// [`simulate_matrix`] at risk `risk`.
    fn matrix(&self, risk: f64, draws: &[[f64; 2]]) -> [[PayoffEstimate; 2]; 2] {
        let kept = |x: f64, draw: f64| if draw < risk { 0.0 } else { x };
        let ss = PayoffEstimate::of(self.ss.iter().copied());
        let uu = PayoffEstimate::of(
            self.uu
                .iter()
                .zip(draws)
                .map(|(r, d)| 0.5 * (kept(r[0], d[0]) + kept(r[1], d[1]))),
        );
        [
            [ss, PayoffEstimate::of(self.su.iter().map(|r| r[0]))],
            [
                PayoffEstimate::of(self.su.iter().zip(draws).map(|(r, d)| kept(r[1], d[1]))),
                uu,
            ],
        ]
    }
}

/// Where UNSAFE's stationary frequency at `game.speed` falls to one half
/// as `p_r` grows from 0 to 1, simulated on `draws` and in closed form:
/// the one computation behind `boundaries.csv`, `summary.json` and the
/// console. Both frequencies fall as `p_r` grows (with common draws, a
/// higher risk only zeroes more UNSAFE earnings), so bisection finds the
/// crossing to 1e-10, whatever grid the heatmap has; `None` where UNSAFE is
/// not the majority at `p_r = 0` or still is at `p_r = 1`.
pub fn half_unsafe(
    game: &Dsair,
    draws: &[[f64; 2]],
    population: &Population,
) -> (Option<f64>, Option<f64>) {
    let races = Races::new(game, draws);
    let simulated = bisect_half(|risk| unsafe_frequency(races.matrix(risk, draws), population));
    let closed_form = bisect_half(|risk| {
        let exact = Dsair { risk, ..*game }
            .closed_form()
            .map(|row| row.map(PayoffEstimate::exact));
        unsafe_frequency(exact, population)
    });
    (simulated, closed_form)
}

/// The `p_r` in [0, 1] where a frequency falling in `p_r` goes from above
/// one half to at most one half (to 1e-10).
fn bisect_half(frequency: impl Fn(f64) -> f64) -> Option<f64> {
    let (mut above, mut below) = (0.0, 1.0);
    if frequency(above) <= 0.5 || frequency(below) > 0.5 {
        return None;
    }
    while below - above > 1e-10 {
        let mid = 0.5 * (above + below);
        if frequency(mid) > 0.5 {
            above = mid;
        } else {
            below = mid;
        }
    }
    Some(below)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where a frequency curve over increasing `p_r` crosses one half, by
    /// linear interpolation; `None` if it does not (the interpolation on the
    /// heatmap's grid, against which the bisection is checked).
    fn half_crossing(risks: &[f64], frequencies: &[f64]) -> Option<f64> {
        for i in 1..risks.len() {
            let (a, b) = (frequencies[i - 1] - 0.5, frequencies[i] - 0.5);
            if a == 0.0 {
                return Some(risks[i - 1]);
            }
            if (a > 0.0) != (b > 0.0) || b == 0.0 {
                return Some(risks[i - 1] + (risks[i] - risks[i - 1]) * a / (a - b));
            }
        }
        None
    }

    #[test]
    fn races_last_as_long_as_the_rules_say() {
        let g = Dsair::paper(2.0, 0.0);
        // SAFE vs SAFE: W rounds, prize shared.
        let r = g.race([SAFE, SAFE], [0.5, 0.5]);
        assert!((r[0] - (1e4 / 200.0 + 2.0 - 1.0)).abs() < 1e-9);
        // SAFE vs UNSAFE at s = 2: 50 rounds; UNSAFE gets 2/3 of b and B.
        let r = g.race([SAFE, UNSAFE], [0.5, 0.5]);
        assert!((r[0] - (4.0 / 3.0 - 1.0)).abs() < 1e-9, "{r:?}");
        assert!((r[1] - (1e4 / 50.0 + 8.0 / 3.0)).abs() < 1e-9, "{r:?}");
        // A disaster wipes out the UNSAFE player's gains.
        let g = Dsair::paper(2.0, 0.3);
        assert_eq!(g.race([SAFE, UNSAFE], [0.9, 0.1])[1], 0.0);
        assert!(g.race([SAFE, UNSAFE], [0.1, 0.9])[1] > 0.0);
        // At s = 1 they finish together: by the paper's matrix the prize
        // goes to UNSAFE; under --tie split they share it.
        let r = Dsair::paper(1.0, 0.0).race([SAFE, UNSAFE], [0.5, 0.5]);
        assert!((r[0] - (2.0 - 1.0)).abs() < 1e-9, "{r:?}");
        assert!((r[1] - (100.0 + 2.0)).abs() < 1e-9, "{r:?}");
        let split = Dsair {
            tie: Tie::Split,
            ..Dsair::paper(1.0, 0.0)
        };
        let r = split.race([SAFE, UNSAFE], [0.5, 0.5]);
        assert!((r[0] - (50.0 + 2.0 - 1.0)).abs() < 1e-9, "{r:?}");
        assert!((r[1] - (50.0 + 2.0)).abs() < 1e-9, "{r:?}");
        // Equals share the prize under either rule.
        for g in [Dsair::paper(1.0, 0.0), split] {
            let r = g.race([UNSAFE, UNSAFE], [0.5, 0.5]);
            assert!(
                (r[0] - 52.0).abs() < 1e-9 && (r[1] - 52.0).abs() < 1e-9,
                "{r:?}"
            );
        }
    }

    /// The paper's payoff matrix, written out as Han et al. give it, with
    /// `p = 1 - p_r`:
    /// `pi_SS = B/(2W) + b/2 - c`, `pi_SU = b/(s+1) - c`,
    /// `pi_US = p (s B/W + s b/(s+1))`, `pi_UU = p (s B/(2W) + b/2)`,
    /// and its two boundaries `p_r = 1 - pi_SS / (s B/(2W) + b/2)` (society)
    /// and `p_r = 1 - (pi_SS + pi_SU) / (3 s B/(2W) + s b/(s+1) + b/2)`
    /// (risk dominance), at every `s` including 1 by default.
    #[test]
    fn the_default_is_the_papers_matrix_at_every_speed_including_one() {
        let (b, c, prize, w) = (4.0, 1.0, 1e4, 100.0);
        for speed in [1.0, 1.1, 1.5, 2.0, 3.0, 5.0] {
            for risk in [0.0, 0.3, 0.9] {
                let s = speed;
                let p = 1.0 - risk;
                let paper = [
                    [prize / (2.0 * w) + b / 2.0 - c, b / (s + 1.0) - c],
                    [
                        p * (s * prize / w + s * b / (s + 1.0)),
                        p * (s * prize / (2.0 * w) + b / 2.0),
                    ],
                ];
                let ours = Dsair::paper(speed, risk).closed_form();
                for i in 0..2 {
                    for j in 0..2 {
                        assert!(
                            (ours[i][j] - paper[i][j]).abs() < 1e-12,
                            "s = {s}, [{i}][{j}]"
                        );
                    }
                }
            }
            let g = Dsair::paper(speed, 0.0);
            let ss = prize / (2.0 * w) + b / 2.0 - c;
            let society = 1.0 - ss / (speed * prize / (2.0 * w) + b / 2.0);
            let dominance = 1.0
                - (ss + b / (speed + 1.0) - c)
                    / (3.0 * speed * prize / (2.0 * w) + speed * b / (speed + 1.0) + b / 2.0);
            assert!((g.society_threshold() - society).abs() < 1e-12);
            assert!((g.risk_dominance_threshold() - dominance).abs() < 1e-12);
        }
        // At s = 1: 1 - 51/52 and 1 - 52/154, the paper's 0.019 and 0.662.
        let g = Dsair::paper(1.0, 0.0);
        assert!((g.society_threshold() - 1.0 / 52.0).abs() < 1e-12);
        assert!((g.risk_dominance_threshold() - 102.0 / 154.0).abs() < 1e-12);
        // Under --tie split both boundaries sit at 1 - 51/52 and 1 - 102/104.
        let split = Dsair {
            tie: Tie::Split,
            ..g
        };
        assert!((split.society_threshold() - 1.0 / 52.0).abs() < 1e-12);
        assert!((split.risk_dominance_threshold() - 2.0 / 104.0).abs() < 1e-12);
    }

    /// The simulated long-run payoffs agree with the paper's closed forms
    /// within 3 standard errors (the exact ones, which have none, to 1e-9),
    /// at speeds that do and do not divide W.
    #[test]
    fn simulated_payoffs_match_the_closed_forms() {
        let draws = draws(4000, 11);
        for (speed, risk) in [(1.0, 0.3), (1.5, 0.3), (2.0, 0.5), (3.0, 0.8), (4.7, 0.1)] {
            let game = Dsair::paper(speed, risk);
            let sim = simulate_matrix(&game, &draws);
            let exact = game.closed_form();
            for i in 0..2 {
                for j in 0..2 {
                    let (p, x) = (sim[i][j], exact[i][j]);
                    let tolerance = 3.0 * p.se + 1e-9 * x.abs().max(1.0);
                    assert!(
                        (p.mean - x).abs() <= tolerance,
                        "s = {speed}, p_r = {risk}, [{i}][{j}]: simulated {} ± {} vs closed form {x}",
                        p.mean,
                        p.se
                    );
                    if i == UNSAFE && risk > 0.0 {
                        assert!(p.se > 0.0, "disasters make UNSAFE payoffs random");
                    }
                }
            }
        }
    }

    #[test]
    fn the_thresholds_are_where_the_payoff_conditions_hold() {
        for speed in [1.5, 3.0] {
            let g = Dsair::paper(speed, 0.0);
            let at = |risk| Dsair { risk, ..g }.closed_form();
            let m = at(g.society_threshold());
            assert!((m[0][0] - m[1][1]).abs() < 1e-9);
            let m = at(g.risk_dominance_threshold());
            assert!((m[0][0] + m[0][1] - m[1][0] - m[1][1]).abs() < 1e-9);
            // With B/W large the thresholds approach 1 - 1/s and 1 - 1/(3s).
            assert!((g.society_threshold() - (1.0 - 1.0 / speed)).abs() < 0.02);
            assert!((g.risk_dominance_threshold() - (1.0 - 1.0 / (3.0 * speed))).abs() < 0.01);
        }
    }

    /// Along p_r the UNSAFE frequency crosses one half exactly at the
    /// finite-population condition, for any selection intensity.
    #[test]
    fn half_frequency_is_the_finite_population_condition() {
        let population = Population {
            size: 100,
            selection: 0.01,
        };
        let risks: Vec<f64> = (0..=200).map(|i| i as f64 / 200.0).collect();
        for speed in [1.5, 3.0] {
            let g = Dsair::paper(speed, 0.0);
            let freq: Vec<f64> = risks
                .iter()
                .map(|&risk| {
                    let m = Dsair { risk, ..g }
                        .closed_form()
                        .map(|r| r.map(PayoffEstimate::exact));
                    unsafe_frequency(m, &population)
                })
                .collect();
            assert!(freq[0] > 0.99 && freq[200] < 0.01, "{freq:?}");
            let crossing = half_crossing(&risks, &freq).unwrap();
            assert!((crossing - g.finite_population_threshold(100)).abs() < 1e-3);
        }
    }

    /// The payoffs the half crossing is searched on are those of the
    /// heatmap's cells, and the crossing lies where the heatmap's
    /// simulated frequency crosses one half.
    #[test]
    fn the_half_crossing_is_that_of_the_simulated_cells() {
        let population = Population {
            size: 100,
            selection: 0.01,
        };
        let draws = draws(300, 5);
        let risks: Vec<f64> = (0..=50).map(|i| i as f64 / 50.0).collect();
        for speed in [1.5, 3.0] {
            let game = Dsair::paper(speed, 0.0);
            let races = Races::new(&game, &draws);
            for &risk in &risks {
                let cell = simulate_matrix(&Dsair { risk, ..game }, &draws);
                assert_eq!(
                    races.matrix(risk, &draws),
                    cell,
                    "s = {speed}, p_r = {risk}"
                );
            }
            let (simulated, closed) = half_unsafe(&game, &draws, &population);
            let simulated = simulated.unwrap();
            let freq = |risk| {
                unsafe_frequency(
                    simulate_matrix(&Dsair { risk, ..game }, &draws),
                    &population,
                )
            };
            assert!(freq(simulated - 1e-9) > 0.5 && freq(simulated) <= 0.5);
            let grid: Vec<f64> = risks.iter().map(|&r| freq(r)).collect();
            let i = grid.iter().position(|&f| f <= 0.5).unwrap();
            assert!(risks[i - 1] < simulated && simulated <= risks[i]);
            let threshold = game.finite_population_threshold(100);
            assert!(
                (closed.unwrap() - threshold).abs() < 1e-4,
                "{closed:?} vs {threshold}"
            );
        }
    }

    #[test]
    fn draws_are_common_and_repeatable() {
        assert_eq!(draws(5, 3), draws(5, 3));
        assert_ne!(draws(5, 3)[4], draws(5, 4)[4]);
        assert_eq!(draws(5, 3)[..3], draws(3, 3)[..]);
        assert_eq!(half_crossing(&[0.0, 1.0], &[1.0, 0.0]), Some(0.5));
        assert_eq!(half_crossing(&[0.0, 1.0], &[1.0, 0.9]), None);
    }
}
