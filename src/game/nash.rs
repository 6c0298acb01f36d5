//! Equilibria read off a payoff table, honest about sampling error.
//!
//! A profile is a pure Nash equilibrium when no player gains by switching
//! strategy alone. With estimated payoffs every unilateral deviation's gain
//! `d` (estimated from paired runs, standard error `se`) is a hypothesis
//! test of `d = 0`, two-sided, `z = d / se`, `p = erfc(|z| / sqrt 2)`. The
//! table's deviations are one family of tests, corrected together by
//! Holm's step-down method at family-wise level [`FAMILY_LEVEL`]: sorted by
//! `p`, the `k`-th smallest of `K` is decided when it and every smaller one
//! has `p <= alpha / (K - k + 1)`. A decided gain *gains* or *loses* by its
//! sign; the others are *undecided* at this many runs. Only a gain that is
//! exactly zero with zero standard error (two strategies with the same
//! payoff in every paired run, or equal exact payoffs) is *equal*.
//!
//! So a profile is a *strict* equilibrium when every deviation loses, a
//! *weak* one when none gains or is undecided and some are exactly equal,
//! *undecided* when none gains but some are undecided, and no equilibrium
//! when some deviation gains. With probability at least `1 - alpha` no
//! deviation of the table is decided with the wrong sign (for the runs
//! fixed in advance; adding runs to undecided profiles and testing again,
//! as `airace game` does, is sequential testing, whose error can exceed
//! `alpha` somewhat).
//!
//! For a symmetric game of two strategies the symmetric mixed equilibria
//! are the frequencies `x` of the first strategy at which both earn the
//! same against co-players drawn at those frequencies: the roots in (0, 1)
//! of the gain function `g(x) = f_A(x) - f_B(x)`, a polynomial of degree
//! `n - 1` in Bernstein form.

use super::table::{Deviating, PayoffEstimate, SeatTable, SymmetricTable, binomial};
use serde::Serialize;

/// The family-wise error level of the table's deviation verdicts.
pub const FAMILY_LEVEL: f64 = 0.05;

/// The half-width, in standard errors, of the band around a mixed
/// equilibrium within which the gain cannot be told from zero.
pub const BAND_SES: f64 = 2.0;

/// Differences below this (relative to the payoffs' size) are rounding,
/// so that exactly equal payoffs of a hand-made table are equal.
const ROUNDING: f64 = 1e-12;

/// What a unilateral deviation does to the deviator's payoff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Gains (decided at the family-wise level): breaks the profile.
    Gains,
    /// Exactly the same payoff: zero gain with zero standard error.
    Equal,
    /// The sign of the gain is not decided at this many runs.
    Undecided,
    /// Loses (decided at the family-wise level).
    Loses,
}

/// The two-sided p-value of a gain against zero, or `None` when the gain
/// is exact (zero standard error): then its sign alone decides.
pub fn p_value(gain: PayoffEstimate) -> Option<f64> {
    if gain.se > 0.0 {
        Some(libm::erfc(
            (gain.mean / gain.se).abs() / std::f64::consts::SQRT_2,
        ))
    } else {
        None
    }
}

/// A deviation's gain as tested: its estimate, whether the two strategies
/// are known to be the same (the gain is then zero in expectation, whatever
/// the sample says), and whether both payoffs are exact (zero standard
/// error, as in a closed-form table).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tested {
    pub gain: PayoffEstimate,
    pub same_strategy: bool,
    pub exact: bool,
}

impl Tested {
    /// An estimated gain of two different strategies.
    pub fn estimated(gain: PayoffEstimate) -> Self {
        Tested {
            gain,
            same_strategy: false,
            exact: false,
        }
    }
}

/// Verdicts on a family of gains, Holm-corrected at family-wise level
/// `level`; `scale` is the size of the payoffs (for rounding). A gain of
/// zero with zero standard error is *equal* only when its payoffs are
/// exact; from a sample (every paired run happened to give the same
/// payoff) it is undecided.
pub fn verdicts(gains: &[Tested], scale: f64, level: f64) -> Vec<Verdict> {
    let rounding = ROUNDING * scale.max(1.0);
    let sign = |g: &PayoffEstimate| {
        if g.mean > 0.0 {
            Verdict::Gains
        } else {
            Verdict::Loses
        }
    };
    let mut out: Vec<Verdict> = gains
        .iter()
        .map(|t| match p_value(t.gain) {
            _ if t.same_strategy => Verdict::Equal,
            None if t.gain.mean.abs() <= rounding && t.exact => Verdict::Equal,
            None if t.gain.mean.abs() <= rounding => Verdict::Undecided,
            None => sign(&t.gain),
            Some(_) => Verdict::Undecided,
        })
        .collect();
    let mut tested: Vec<(usize, f64)> = gains
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.same_strategy)
        .filter_map(|(i, t)| p_value(t.gain).map(|p| (i, p)))
        .collect();
    tested.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let family = tested.len();
    for (k, &(i, p)) in tested.iter().enumerate() {
        if p > level / (family - k) as f64 {
            break;
        }
        out[i] = sign(&gains[i].gain);
    }
    out
}

/// Whether a profile is an equilibrium.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every deviation loses.
    Strict,
    /// No deviation gains or is undecided; some have exactly equal payoff.
    Weak,
    /// No deviation gains, but some are undecided at this many runs.
    Undecided,
    /// Some deviation gains.
    NotEquilibrium,
}

impl Status {
    /// Strict or weak: decided to be an equilibrium.
    pub fn is_equilibrium(self) -> bool {
        matches!(self, Status::Strict | Status::Weak)
    }
}

/// One unilateral deviation from a profile.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Deviation {
    /// The deviator: in a symmetric game the strategy it leaves (`from`), in
    /// a seat game its seat.
    pub deviator: usize,
    pub from: usize,
    pub to: usize,
    /// The profile it leads to.
    pub target: usize,
    pub gain: PayoffEstimate,
    pub verdict: Verdict,
}

/// A profile and every unilateral deviation from it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProfileCheck {
    pub profile: usize,
    pub status: Status,
    pub deviations: Vec<Deviation>,
}

impl ProfileCheck {
    fn new(profile: usize, deviations: Vec<Deviation>) -> Self {
        let any = |v| deviations.iter().any(|d| d.verdict == v);
        let status = if any(Verdict::Gains) {
            Status::NotEquilibrium
        } else if any(Verdict::Undecided) {
            Status::Undecided
        } else if any(Verdict::Equal) {
            Status::Weak
        } else {
            Status::Strict
        };
        ProfileCheck {
            profile,
            status,
            deviations,
        }
    }

    /// The deviation with the largest gain, if any.
    pub fn best_deviation(&self) -> Option<&Deviation> {
        self.deviations
            .iter()
            .max_by(|a, b| a.gain.mean.total_cmp(&b.gain.mean))
    }
}

fn scale(range: (f64, f64)) -> f64 {
    range.0.abs().max(range.1.abs())
}

/// Gives every deviation of the table its verdict, as one Holm family, and
/// groups them by profile.
fn decide(
    profiles: usize,
    mut deviations: Vec<(usize, Deviation)>,
    tested: &[Tested],
    scale: f64,
) -> Vec<ProfileCheck> {
    for ((_, d), v) in deviations
        .iter_mut()
        .zip(verdicts(tested, scale, FAMILY_LEVEL))
    {
        d.verdict = v;
    }
    let mut by_profile = vec![Vec::new(); profiles];
    for (p, d) in deviations {
        by_profile[p].push(d);
    }
    by_profile
        .into_iter()
        .enumerate()
        .map(|(p, ds)| ProfileCheck::new(p, ds))
        .collect()
}

/// The unilateral deviations of a table, gathered to be decided together.
#[derive(Default)]
struct Found {
    deviations: Vec<(usize, Deviation)>,
    tested: Vec<Tested>,
}

impl Found {
    /// The deviation of `deviator` (a strategy or a seat) in profile `p`
    /// from strategy `from` to `to`, landing in profile `target`: its gain
    /// and whether the payoffs before and after are exact.
    fn push(
        &mut self,
        p: usize,
        deviator: usize,
        (from, to, target): (usize, usize, usize),
        gain: PayoffEstimate,
        same_strategy: bool,
        (before, after): (Option<PayoffEstimate>, Option<PayoffEstimate>),
    ) {
        self.tested.push(Tested {
            gain,
            same_strategy,
            exact: before.is_some_and(|p| p.se == 0.0) && after.is_some_and(|p| p.se == 0.0),
        });
        self.deviations.push((
            p,
            Deviation {
                deviator,
                from,
                to,
                target,
                gain,
                verdict: Verdict::Undecided,
            },
        ));
    }

    fn decide(self, profiles: usize, payoff_range: (f64, f64)) -> Vec<ProfileCheck> {
        decide(profiles, self.deviations, &self.tested, scale(payoff_range))
    }
}

/// Checks every profile of a symmetric game. Profiles with a missing payoff
/// are checked on the deviations that can be evaluated.
pub fn check_symmetric(table: &SymmetricTable) -> Vec<ProfileCheck> {
    let m = table.strategies().len();
    let deviators = (0..table.profiles().len()).flat_map(|p| {
        let counts = &table.profiles()[p];
        (0..m)
            .filter(move |&s| counts[s] > 0)
            .map(move |s| (p, s, s))
    });
    check(
        table,
        m,
        deviators,
        table.profiles().len(),
        table.payoff_range(),
    )
}

/// Checks every profile of a seat game.
pub fn check_seats(table: &SeatTable) -> Vec<ProfileCheck> {
    let m = table.strategies().len();
    let deviators = (0..table.profiles().len()).flat_map(|p| {
        (0..table.seats().len()).map(move |seat| (p, seat, table.profiles()[p][seat]))
    });
    check(
        table,
        m,
        deviators,
        table.profiles().len(),
        table.payoff_range(),
    )
}

/// Tests every switch of every `(profile, deviator, its strategy)` to each
/// other of the `m` strategies that the table can evaluate.
fn check(
    table: &impl Deviating,
    m: usize,
    deviators: impl Iterator<Item = (usize, usize, usize)>,
    profiles: usize,
    payoff_range: (f64, f64),
) -> Vec<ProfileCheck> {
    let mut found = Found::default();
    for (p, deviator, from) in deviators {
        for to in (0..m).filter(|&t| t != from) {
            if let (Some(target), Some(gain)) = (
                table.deviation_target(p, deviator, to),
                table.gain(p, deviator, to),
            ) {
                let after = table.column_after(deviator, to);
                let payoffs = (table.payoff(p, deviator), table.payoff(target, after));
                let same = table.deviations().identical(from, to);
                found.push(p, deviator, (from, to, target), gain, same, payoffs);
            }
        }
    }
    found.decide(profiles, payoff_range)
}

/// A symmetric mixed equilibrium of a two-strategy game.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MixedEquilibrium {
    /// Frequency of the first strategy.
    pub x: f64,
    /// Stable under the replicator dynamics (the gain `f_A - f_B` falls
    /// through zero as `x` grows).
    pub stable: bool,
    /// The frequencies around `x` at which the gain is within `BAND_SES`
    /// standard errors of zero: where the equilibrium could be, given the
    /// sampling error (standard errors of the table's deviation gains
    /// combined as if independent).
    pub x_low: f64,
    pub x_high: f64,
}

/// Points at which the gain function is sampled to find its roots.
const ROOT_GRID: usize = 4000;

/// The gain `f_A(x) - f_B(x)` of the first strategy over the second in a
/// two-strategy symmetric game when co-players play the first with
/// probability `x`, and its standard error. `None` if the table is not a
/// complete two-strategy table.
pub fn two_strategy_gain(table: &SymmetricTable, x: f64) -> Option<PayoffEstimate> {
    if table.strategies().len() != 2 {
        return None;
    }
    let n = table.players();
    let (mut mean, mut var) = (0.0, 0.0);
    for j in 0..n {
        // j of the n - 1 co-players play A: an A earns pi_A(j + 1 A's), a B
        // earns pi_B(j A's); the difference is the gain of a B switching to A.
        let weight = binomial(n - 1, j) * x.powi(j as i32) * (1.0 - x).powi((n - 1 - j) as i32);
        let from = table.index_of(&[j, n - j])?;
        let d = table.gain(from, 1, 0)?;
        mean += weight * d.mean;
        var += weight * weight * d.se * d.se;
    }
    Some(PayoffEstimate {
        mean,
        se: var.sqrt(),
    })
}

/// The symmetric mixed equilibria of a two-strategy game, in increasing `x`.
/// Empty if there are none, or if the table is not a complete two-strategy
/// table.
pub fn mixed_equilibria(table: &SymmetricTable) -> Vec<MixedEquilibrium> {
    if table.strategies().len() != 2 || !table.is_complete() {
        return Vec::new();
    }
    let g = |x: f64| two_strategy_gain(table, x).expect("complete two-strategy table");
    let xs: Vec<f64> = (0..=ROOT_GRID)
        .map(|i| i as f64 / ROOT_GRID as f64)
        .collect();
    let values: Vec<PayoffEstimate> = xs.iter().map(|&x| g(x)).collect();
    let mut out = Vec::new();
    for i in 0..ROOT_GRID {
        let (a, b) = (values[i].mean, values[i + 1].mean);
        // A sign change strictly inside (0, 1): bisect it.
        let crosses = (a > 0.0 && b < 0.0) || (a < 0.0 && b > 0.0);
        let touches = a == 0.0 && i > 0 && {
            let before = values[i - 1].mean;
            (before > 0.0 && b < 0.0) || (before < 0.0 && b > 0.0)
        };
        if !(crosses || touches) {
            continue;
        }
        let x = if touches {
            xs[i]
        } else {
            let (mut lo, mut hi) = (xs[i], xs[i + 1]);
            for _ in 0..60 {
                let mid = 0.5 * (lo + hi);
                if (g(mid).mean > 0.0) == (a > 0.0) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            0.5 * (lo + hi)
        };
        if x <= 0.0 || x >= 1.0 {
            continue;
        }
        let stable = if touches {
            values[i - 1].mean > 0.0
        } else {
            a > 0.0
        };
        // The band: grid points next to the root whose gain is within the
        // sampling margin of zero.
        let within = |k: usize| values[k].mean.abs() <= BAND_SES * values[k].se;
        let mut low = i;
        while low > 0 && within(low - 1) {
            low -= 1;
        }
        let mut high = i + 1;
        while high < ROOT_GRID && within(high + 1) {
            high += 1;
        }
        out.push(MixedEquilibrium {
            x,
            stable,
            x_low: if within(low) { xs[low].min(x) } else { x },
            x_high: if within(high) { xs[high].max(x) } else { x },
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::table::names;

    fn exact(rows: &[&[f64]]) -> Vec<Vec<PayoffEstimate>> {
        rows.iter()
            .map(|r| r.iter().map(|&x| PayoffEstimate::exact(x)).collect())
            .collect()
    }

    /// Hawk-Dove with V = 2, C = 4: H vs H (V - C)/2 = -1, H vs D V = 2,
    /// D vs H 0, D vs D V/2 = 1.
    pub(crate) fn hawk_dove() -> SymmetricTable {
        SymmetricTable::from_matrix(
            names(&["hawk", "dove"]),
            &exact(&[&[-1.0, 2.0], &[0.0, 1.0]]),
        )
    }

    #[test]
    fn prisoners_dilemma_has_mutual_defection_only() {
        let t =
            SymmetricTable::from_matrix(names(&["C", "D"]), &exact(&[&[3.0, 0.0], &[5.0, 1.0]]));
        let checks = check_symmetric(&t);
        let status: Vec<Status> = checks.iter().map(|c| c.status).collect();
        // Profiles: [2,0] = CC, [1,1] = CD, [0,2] = DD.
        assert_eq!(
            status,
            vec![
                Status::NotEquilibrium,
                Status::NotEquilibrium,
                Status::Strict
            ]
        );
        let best = checks[0].best_deviation().unwrap();
        assert_eq!((best.from, best.to, best.gain.mean), (0, 1, 2.0));
    }

    #[test]
    fn hawk_dove_has_the_mixed_profile_as_its_pure_equilibrium() {
        let checks = check_symmetric(&hawk_dove());
        let status: Vec<Status> = checks.iter().map(|c| c.status).collect();
        // HH: a hawk turning dove gains 0 - (-1); DD: a dove turning hawk
        // gains 2 - 1; HD: the hawk would lose 2 - 1, the dove 0 - (-1).
        assert_eq!(
            status,
            vec![
                Status::NotEquilibrium,
                Status::Strict,
                Status::NotEquilibrium
            ]
        );
        let mixed = mixed_equilibria(&hawk_dove());
        assert_eq!(mixed.len(), 1);
        // Indifference: -x + 2(1 - x) = 0 x + (1 - x)  =>  x = V/C = 1/2.
        assert!((mixed[0].x - 0.5).abs() < 1e-12, "{mixed:?}");
        assert!(mixed[0].stable);
        assert_eq!((mixed[0].x_low, mixed[0].x_high), (0.5, 0.5));
    }

    #[test]
    fn a_gain_the_data_cannot_sign_is_undecided_not_a_weak_equilibrium() {
        let p = |mean: f64, se: f64| PayoffEstimate { mean, se };
        // Stag hunt-like, but the deviation from (B, B) to A gains 0.15 with
        // a standard error of 0.1 (z = 1.5, p = 0.13): undecided, and so is
        // (B, B). Before, a gain within 2 SE made (B, B) a "weak" equilibrium.
        let t = SymmetricTable::from_matrix(
            names(&["A", "B"]),
            &[
                vec![p(4.0, 0.05), p(0.0, 0.05)],
                vec![p(3.0, 0.05), p(-0.15, 0.1)],
            ],
        );
        let mut t = t;
        let bb = t.monomorphic(1);
        t.deviations.set_gain_se(bb, 1, 0, 0.1);
        let checks = check_symmetric(&t);
        assert_eq!(checks[bb].status, Status::Undecided);
        assert_eq!(checks[bb].deviations[0].verdict, Verdict::Undecided);
        assert!(!checks[bb].status.is_equilibrium());
        assert_eq!(checks[t.monomorphic(0)].status, Status::Strict);
        // The same gain with half the error (z = 3, p = 0.0027, below the
        // Holm threshold 0.05 / 2 for the second-largest p of four) gains.
        t.deviations.set_gain_se(bb, 1, 0, 0.05);
        assert_eq!(check_symmetric(&t)[bb].status, Status::NotEquilibrium);
        // Exactly equal exact payoffs are equal: every profile is weak.
        let flat =
            SymmetricTable::from_matrix(names(&["A", "B"]), &exact(&[&[1.0, 1.0], &[1.0, 1.0]]));
        for c in check_symmetric(&flat) {
            assert_eq!(c.status, Status::Weak);
            assert!(c.deviations.iter().all(|d| d.verdict == Verdict::Equal));
        }
    }

    #[test]
    fn holm_corrects_the_family_of_deviations() {
        let g = |mean: f64| Tested::estimated(PayoffEstimate { mean, se: 1.0 });
        // z = 2.2: p = 0.0278, decided alone at 5%.
        assert_eq!(verdicts(&[g(2.2)], 1.0, 0.05), vec![Verdict::Gains]);
        assert_eq!(verdicts(&[g(-2.2)], 1.0, 0.05), vec![Verdict::Loses]);
        // Among nine clear gains (p = 0) Holm tests it last, at 0.05 / 1,
        // and decides it; among nine undecided ones (z = 0.5) it is tested
        // first, at 0.05 / 10, and stays undecided.
        let mut decided = vec![g(50.0); 9];
        decided.push(g(2.2));
        assert_eq!(verdicts(&decided, 1.0, 0.05), vec![Verdict::Gains; 10]);
        let mut family = vec![g(0.5); 9];
        family.push(g(2.2));
        assert_eq!(verdicts(&family, 1.0, 0.05), vec![Verdict::Undecided; 10]);
        // z = 3.5 (p = 4.7e-4 < 0.05 / 10) is decided among them.
        family[9] = g(3.5);
        assert_eq!(verdicts(&family, 1.0, 0.05)[9], Verdict::Gains);
        // Exact gains: equal when zero, else decided by their sign.
        let exact = |mean| Tested {
            gain: PayoffEstimate::exact(mean),
            same_strategy: false,
            exact: true,
        };
        assert_eq!(
            verdicts(&[exact(0.0), exact(-1e-3)], 1.0, 0.05),
            vec![Verdict::Equal, Verdict::Loses]
        );
        // A zero gain with zero error from a sample (every paired run gave
        // the same payoff) proves nothing: undecided.
        let sampled = Tested::estimated(PayoffEstimate::exact(0.0));
        assert_eq!(verdicts(&[sampled], 1.0, 0.05), vec![Verdict::Undecided]);
        // Two names for one strategy are equal whatever the sample says.
        let same = Tested {
            same_strategy: true,
            ..g(3.0)
        };
        assert_eq!(verdicts(&[same], 1.0, 0.05), vec![Verdict::Equal]);
        assert!((p_value(g(1.959964).gain).unwrap() - 0.05).abs() < 1e-6);
    }

    #[test]
    fn three_player_deviations_move_one_player() {
        // Payoff of a strategy = number of co-players using the same one:
        // a coordination game; all-A and all-B are strict equilibria.
        let mut t = SymmetricTable::new(names(&["A", "B"]), 3);
        for (p, counts) in t.profiles().to_vec().iter().enumerate() {
            for (s, &c) in counts.iter().enumerate() {
                if c > 0 {
                    t.set(p, s, PayoffEstimate::exact((c - 1) as f64));
                }
            }
        }
        let status: Vec<Status> = check_symmetric(&t).iter().map(|c| c.status).collect();
        assert_eq!(
            status,
            vec![
                Status::Strict,
                Status::NotEquilibrium,
                Status::NotEquilibrium,
                Status::Strict
            ]
        );
        // g(x) = 2x - 2(1 - x): unstable root at 1/2.
        let mixed = mixed_equilibria(&t);
        assert_eq!(mixed.len(), 1);
        assert!((mixed[0].x - 0.5).abs() < 1e-9 && !mixed[0].stable);
    }

    #[test]
    fn seat_games_check_each_seat() {
        // Matching pennies between two different seats has no pure
        // equilibrium; a dominant-strategy game has exactly one.
        let mut t = SeatTable::new(names(&["H", "T"]), names(&["row", "col"]));
        for (p, prof) in t.profiles().to_vec().iter().enumerate() {
            let same = prof[0] == prof[1];
            t.set(p, 0, PayoffEstimate::exact(if same { 1.0 } else { -1.0 }));
            t.set(p, 1, PayoffEstimate::exact(if same { -1.0 } else { 1.0 }));
        }
        assert!(check_seats(&t).iter().all(|c| !c.status.is_equilibrium()));
        let mut d = SeatTable::new(names(&["a", "b"]), names(&["x", "y", "z"]));
        for (p, prof) in d.profiles().to_vec().iter().enumerate() {
            for seat in 0..3 {
                // Strategy b adds 1 to the player and costs others 2.
                let own = prof[seat] as f64;
                let others: f64 = (0..3).filter(|&s| s != seat).map(|s| prof[s] as f64).sum();
                d.set(p, seat, PayoffEstimate::exact(own - 2.0 * others));
            }
        }
        let eq: Vec<usize> = check_seats(&d)
            .iter()
            .filter(|c| c.status.is_equilibrium())
            .map(|c| c.profile)
            .collect();
        assert_eq!(eq, vec![d.index_of(&[1, 1, 1]).unwrap()]);
    }
}
