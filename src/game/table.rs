//! Payoff tables of empirical games: what each strategy earns in each
//! strategy profile, as a mean with its standard error.
//!
//! Two shapes. A [`SymmetricTable`] is for games whose players differ only
//! by strategy: a profile is how many players use each strategy (for a
//! symmetric game, who plays what does not matter), and each strategy used
//! has one expected payoff. A [`SeatTable`] is for games whose seats differ
//! (each lab its own template): a profile is a strategy per seat and each
//! seat has its own payoff. Tables hold estimates only; the analyses in
//! [`super::nash`], [`super::replicator`] and [`super::fermi`] are pure
//! functions of them, so they can be checked on hand-made tables.
//!
//! Estimates of different profiles made with common random numbers are
//! correlated, so the standard error of a difference (a deviation gain) is
//! not the two errors added in quadrature. A table may carry the paired
//! standard error of each unilateral deviation; without it the
//! independent-estimates formula is used, which is conservative under
//! positively correlated (common random number) estimates.

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// An estimated expected payoff.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PayoffEstimate {
    pub mean: f64,
    /// Standard error of the mean (0 for exact payoffs).
    pub se: f64,
}

impl PayoffEstimate {
    /// From the sum and sum of squares of `n` values ([`crate::stats::mean_se`]).
    pub fn from_sums(sum: f64, sum_sq: f64, n: f64) -> Self {
        let (mean, se) = crate::stats::mean_se(sum, sum_sq, n);
        PayoffEstimate { mean, se }
    }

    /// From the values themselves ([`crate::stats::mean_se_of`]).
    pub fn of(values: impl IntoIterator<Item = f64>) -> Self {
        let (mean, se) = crate::stats::mean_se_of(values);
        PayoffEstimate { mean, se }
    }
}

impl PayoffEstimate {
    /// An exact payoff (no sampling error), as in a closed-form table.
    pub fn exact(mean: f64) -> Self {
        PayoffEstimate { mean, se: 0.0 }
    }
}

/// Who deviates in a unilateral deviation: in a symmetric game a player of
/// a strategy, in a seat game a seat.
pub type Deviator = usize;

/// Every way of splitting `players` players among `strategies` strategies,
/// as counts per strategy, in a fixed order: the first strategy's count
/// descending, then the next's, and so on (`[2,0]`, `[1,1]`, `[0,2]`).
pub fn compositions(players: usize, strategies: usize) -> Vec<Vec<usize>> {
    fn fill(rest: usize, slot: usize, current: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        let last = current.len() - 1;
        if slot == last {
            current[slot] = rest;
            out.push(current.clone());
            return;
        }
        for k in (0..=rest).rev() {
            current[slot] = k;
            fill(rest - k, slot + 1, current, out);
        }
    }
    if strategies == 0 {
        return Vec::new();
    }
    let mut out = Vec::new();
    fill(players, 0, &mut vec![0; strategies], &mut out);
    out
}

/// `n choose k` as a float (exact for the sizes used here).
pub fn binomial(n: usize, k: usize) -> f64 {
    if k > n {
        return 0.0;
    }
    let k = k.min(n - k);
    (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
}

/// The number of profiles of a symmetric game: `C(players + m - 1, m - 1)`.
pub fn symmetric_profile_count(players: usize, strategies: usize) -> f64 {
    if strategies == 0 {
        return 0.0;
    }
    binomial(players + strategies - 1, strategies - 1)
}

/// A unilateral deviation, read the same way from both kinds of table. The
/// deviator is a player of strategy `from` in a [`SymmetricTable`] and a
/// seat in a [`SeatTable`]; its payoff is a column of the table: before
/// the switch the deviator's own, after it [`Deviating::column_after`].
pub trait Deviating {
    /// The profile after `deviator` in `profile` switches to `to`, if the
    /// switch is possible and the profile is in the table.
    fn deviation_target(&self, profile: usize, deviator: usize, to: usize) -> Option<usize>;

    /// The payoff in column `column` of `profile`, if it is set.
    fn payoff(&self, profile: usize, column: usize) -> Option<PayoffEstimate>;

    /// The column of the deviator's payoff after switching to `to`: the
    /// strategy `to` in a symmetric game, the same seat in a seat game.
    fn column_after(&self, deviator: usize, to: usize) -> usize;

    /// What the table records about deviations beyond the payoffs.
    fn deviations(&self) -> &Deviations;

    /// What `deviator` in `profile` gains by switching to `to`, with its
    /// standard error (paired if recorded, else independent).
    fn gain(&self, profile: usize, deviator: usize, to: usize) -> Option<PayoffEstimate> {
        let target = self.deviation_target(profile, deviator, to)?;
        let before = self.payoff(profile, deviator)?;
        let after = self.payoff(target, self.column_after(deviator, to))?;
        Some(
            self.deviations()
                .gain((profile, deviator, to), before, after),
        )
    }
}

impl Deviating for SymmetricTable {
    fn deviation_target(&self, profile: usize, from: usize, to: usize) -> Option<usize> {
        SymmetricTable::deviation_target(self, profile, from, to)
    }

    fn payoff(&self, profile: usize, strategy: usize) -> Option<PayoffEstimate> {
        SymmetricTable::payoff(self, profile, strategy)
    }

    fn column_after(&self, _from: usize, to: usize) -> usize {
        to
    }

    fn deviations(&self) -> &Deviations {
        &self.deviations
    }
}

impl Deviating for SeatTable {
    fn deviation_target(&self, profile: usize, seat: usize, to: usize) -> Option<usize> {
        SeatTable::deviation_target(self, profile, seat, to)
    }

    fn payoff(&self, profile: usize, seat: usize) -> Option<PayoffEstimate> {
        SeatTable::payoff(self, profile, seat)
    }

    fn column_after(&self, seat: usize, _to: usize) -> usize {
        seat
    }

    fn deviations(&self) -> &Deviations {
        &self.deviations
    }
}

/// The payoff table of a symmetric game.
#[derive(Debug, Clone, PartialEq)]
pub struct SymmetricTable {
    strategies: Vec<String>,
    players: usize,
    profiles: Vec<Vec<usize>>,
    index: BTreeMap<Vec<usize>, usize>,
    /// `[profile][strategy]`: present iff the strategy is used in the profile
    /// and its payoff has been set.
    payoffs: Vec<Vec<Option<PayoffEstimate>>>,
    /// Switches known to tie and gains estimated on paired runs, keyed
    /// `(profile, from, to)`: a player of `from` switching to `to`.
    pub deviations: Deviations,
}

impl SymmetricTable {
    /// An empty table of `players` players choosing among `strategies`.
    pub fn new(strategies: Vec<String>, players: usize) -> Self {
        assert!(players >= 1, "a game has at least one player");
        assert!(!strategies.is_empty(), "a game has at least one strategy");
        let profiles = compositions(players, strategies.len());
        let index = profiles
            .iter()
            .enumerate()
            .map(|(i, p)| (p.clone(), i))
            .collect();
        let payoffs = vec![vec![None; strategies.len()]; profiles.len()];
        SymmetricTable {
            strategies,
            players,
            profiles,
            index,
            payoffs,
            deviations: Deviations::default(),
        }
    }

    /// A two-player game from its matrix: `matrix[i][j]` is the payoff of
    /// strategy `i` against strategy `j`.
    pub fn from_matrix(strategies: Vec<String>, matrix: &[Vec<PayoffEstimate>]) -> Self {
        let m = strategies.len();
        assert!(matrix.len() == m && matrix.iter().all(|row| row.len() == m));
        let mut table = SymmetricTable::new(strategies, 2);
        for (i, row) in matrix.iter().enumerate() {
            for (j, &payoff) in row.iter().enumerate() {
                let mut counts = vec![0; m];
                counts[i] += 1;
                counts[j] += 1;
                let p = table.index_of(&counts).expect("a two-player profile");
                table.set(p, i, payoff);
            }
        }
        table
    }

    pub fn strategies(&self) -> &[String] {
        &self.strategies
    }

    pub fn players(&self) -> usize {
        self.players
    }

    /// Every profile (counts per strategy), in the order of [`compositions`].
    pub fn profiles(&self) -> &[Vec<usize>] {
        &self.profiles
    }

    /// The index of a profile given as counts per strategy.
    pub fn index_of(&self, counts: &[usize]) -> Option<usize> {
        self.index.get(counts).copied()
    }

    /// The profile in which everyone plays `strategy`.
    pub fn monomorphic(&self, strategy: usize) -> usize {
        let mut counts = vec![0; self.strategies.len()];
        counts[strategy] = self.players;
        self.index_of(&counts)
            .expect("every monomorphic profile exists")
    }

    /// Sets the payoff of `strategy` in `profile`.
    ///
    /// # Panics
    /// If no player uses `strategy` in `profile`.
    pub fn set(&mut self, profile: usize, strategy: usize, payoff: PayoffEstimate) {
        assert!(
            self.profiles[profile][strategy] > 0,
            "strategy {strategy} is not used in profile {:?}",
            self.profiles[profile]
        );
        self.payoffs[profile][strategy] = Some(payoff);
    }

    /// The payoff of `strategy` in `profile`, if it is used there and set.
    pub fn payoff(&self, profile: usize, strategy: usize) -> Option<PayoffEstimate> {
        self.payoffs[profile][strategy]
    }

    /// The profile after one player of `from` switches to `to`.
    pub fn deviation_target(&self, profile: usize, from: usize, to: usize) -> Option<usize> {
        let mut counts = self.profiles[profile].clone();
        if counts[from] == 0 || from == to {
            return None;
        }
        counts[from] -= 1;
        counts[to] += 1;
        self.index_of(&counts)
    }

    /// Whether every strategy used in every profile has a payoff.
    pub fn is_complete(&self) -> bool {
        self.profiles
            .iter()
            .zip(&self.payoffs)
            .all(|(counts, row)| counts.iter().zip(row).all(|(&c, p)| c == 0 || p.is_some()))
    }

    /// The smallest and largest payoff in the table.
    pub fn payoff_range(&self) -> (f64, f64) {
        range_of(&self.payoffs)
    }

    /// The payoff of a player of `strategy` whose `n - 1` co-players use the
    /// strategies counted in `opponents`.
    pub fn payoff_against(&self, strategy: usize, opponents: &[usize]) -> Option<PayoffEstimate> {
        let mut counts = opponents.to_vec();
        counts[strategy] += 1;
        self.payoff(self.index_of(&counts)?, strategy)
    }
}

/// Strategy (or seat) names from string literals (for tests).
#[cfg(test)]
pub(crate) fn names(n: &[&str]) -> Vec<String> {
    n.iter().map(|s| s.to_string()).collect()
}

/// A two-player game of exact payoffs from its matrix, strategies named
/// `s0`, `s1`, ... (for tests).
#[cfg(test)]
pub(crate) fn test_matrix(rows: &[&[f64]]) -> SymmetricTable {
    let m = rows
        .iter()
        .map(|r| r.iter().map(|&x| PayoffEstimate::exact(x)).collect())
        .collect::<Vec<_>>();
    let n = (0..rows.len()).map(|i| format!("s{i}")).collect();
    SymmetricTable::from_matrix(n, &m)
}

/// What a payoff table records about unilateral deviations beyond the
/// payoffs, keyed `(profile, player, to)` (a player, by strategy or seat,
/// switching to strategy `to`): strategies known to be the same, and gains
/// estimated on paired runs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Deviations {
    /// Paired estimate of a switch's gain: its mean (when estimated on its
    /// own runs) and standard error.
    gain_se: BTreeMap<(usize, usize, usize), (Option<f64>, f64)>,
    /// Pairs of strategies known to be the same (the same policy), so
    /// that a switch between them provably leaves the payoff unchanged.
    identical: BTreeSet<(usize, usize)>,
}

impl Deviations {
    /// Records that strategies `a` and `b` are the same strategy under two
    /// names: a switch between them is an exact tie in expectation.
    pub fn mark_identical(&mut self, a: usize, b: usize) {
        self.identical.insert((a.min(b), a.max(b)));
    }

    /// Whether strategies `a` and `b` are marked the same.
    pub fn identical(&self, a: usize, b: usize) -> bool {
        self.identical.contains(&(a.min(b), a.max(b)))
    }

    /// Records the paired standard error of a deviation's gain.
    pub fn set_gain_se(&mut self, profile: usize, player: usize, to: usize, se: f64) {
        self.gain_se.insert((profile, player, to), (None, se));
    }

    /// Records a deviation's gain estimated from its own paired runs (which
    /// may be more than either payoff's when runs were added to both
    /// profiles only).
    pub fn set_gain(&mut self, profile: usize, player: usize, to: usize, gain: PayoffEstimate) {
        self.gain_se
            .insert((profile, player, to), (Some(gain.mean), gain.se));
    }

    /// A deviation's gain: the recorded paired estimate, else the difference
    /// of the payoffs with the recorded paired standard error, else with the
    /// independent-estimates one.
    fn gain(
        &self,
        key: (usize, usize, usize),
        before: PayoffEstimate,
        after: PayoffEstimate,
    ) -> PayoffEstimate {
        match self.gain_se.get(&key).copied() {
            Some((mean, se)) => PayoffEstimate {
                mean: mean.unwrap_or(after.mean - before.mean),
                se,
            },
            None => PayoffEstimate {
                mean: after.mean - before.mean,
                se: before.se.hypot(after.se),
            },
        }
    }
}

/// The smallest and largest mean of the payoffs known.
fn range_of(payoffs: &[Vec<Option<PayoffEstimate>>]) -> (f64, f64) {
    payoffs
        .iter()
        .flatten()
        .flatten()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p.mean), hi.max(p.mean))
        })
}

/// The payoff table of a game whose seats differ: a profile is a strategy
/// per seat, and each seat has its own payoff.
#[derive(Debug, Clone, PartialEq)]
pub struct SeatTable {
    strategies: Vec<String>,
    seats: Vec<String>,
    /// Strategy per seat, seat 0 most significant (base `m` counting).
    profiles: Vec<Vec<usize>>,
    /// `[profile][seat]`.
    payoffs: Vec<Vec<Option<PayoffEstimate>>>,
    /// As in [`SymmetricTable`], keyed `(profile, seat, to)`: `seat`
    /// switching to `to`.
    pub deviations: Deviations,
}

impl SeatTable {
    /// An empty table: every seat chooses among the same strategies.
    pub fn new(strategies: Vec<String>, seats: Vec<String>) -> Self {
        assert!(!strategies.is_empty() && !seats.is_empty());
        let m = strategies.len();
        let count = m.pow(seats.len() as u32);
        let profiles: Vec<Vec<usize>> = (0..count)
            .map(|mut code| {
                let mut p = vec![0; seats.len()];
                for slot in p.iter_mut().rev() {
                    *slot = code % m;
                    code /= m;
                }
                p
            })
            .collect();
        let payoffs = vec![vec![None; seats.len()]; profiles.len()];
        SeatTable {
            strategies,
            seats,
            profiles,
            payoffs,
            deviations: Deviations::default(),
        }
    }

    pub fn strategies(&self) -> &[String] {
        &self.strategies
    }

    pub fn seats(&self) -> &[String] {
        &self.seats
    }

    /// Every profile (strategy per seat).
    pub fn profiles(&self) -> &[Vec<usize>] {
        &self.profiles
    }

    /// The index of a profile given as a strategy per seat.
    pub fn index_of(&self, profile: &[usize]) -> Option<usize> {
        let m = self.strategies.len();
        if profile.len() != self.seats.len() || profile.iter().any(|&s| s >= m) {
            return None;
        }
        Some(profile.iter().fold(0, |acc, &s| acc * m + s))
    }

    pub fn set(&mut self, profile: usize, seat: usize, payoff: PayoffEstimate) {
        self.payoffs[profile][seat] = Some(payoff);
    }

    pub fn payoff(&self, profile: usize, seat: usize) -> Option<PayoffEstimate> {
        self.payoffs[profile][seat]
    }

    /// The smallest and largest mean payoff of any seat in any profile.
    pub fn payoff_range(&self) -> (f64, f64) {
        range_of(&self.payoffs)
    }

    /// The profile after `seat` switches to `to`.
    pub fn deviation_target(&self, profile: usize, seat: usize, to: usize) -> Option<usize> {
        let mut p = self.profiles[profile].clone();
        if p[seat] == to {
            return None;
        }
        p[seat] = to;
        self.index_of(&p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compositions_are_counted_and_ordered() {
        assert_eq!(compositions(2, 2), vec![vec![2, 0], vec![1, 1], vec![0, 2]]);
        let c = compositions(3, 3);
        assert_eq!(c.len(), 10);
        assert_eq!(c[0], vec![3, 0, 0]);
        assert_eq!(c[9], vec![0, 0, 3]);
        assert!(c.iter().all(|p| p.iter().sum::<usize>() == 3));
        assert_eq!(symmetric_profile_count(3, 3), 10.0);
        assert_eq!(symmetric_profile_count(10, 4), 286.0);
        assert_eq!(binomial(5, 2), 10.0);
        assert_eq!(binomial(2, 5), 0.0);
    }

    #[test]
    fn a_matrix_fills_every_two_player_profile() {
        let m = |x: f64| PayoffEstimate::exact(x);
        let t = SymmetricTable::from_matrix(
            names(&["A", "B"]),
            &[vec![m(3.0), m(0.0)], vec![m(5.0), m(1.0)]],
        );
        assert!(t.is_complete());
        let ab = t.index_of(&[1, 1]).unwrap();
        assert_eq!(t.payoff(ab, 0).unwrap().mean, 0.0);
        assert_eq!(t.payoff(ab, 1).unwrap().mean, 5.0);
        assert_eq!(t.payoff_against(1, &[1, 0]).unwrap().mean, 5.0);
        assert_eq!(t.payoff_range(), (0.0, 5.0));
        // An A in (A, A) switching to B lands in (A, B) and earns 5 - 3.
        let aa = t.monomorphic(0);
        assert_eq!(t.deviation_target(aa, 0, 1), Some(ab));
        assert_eq!(t.gain(aa, 0, 1).unwrap().mean, 2.0);
        assert_eq!(t.deviation_target(aa, 1, 0), None, "no B to switch");
    }

    #[test]
    fn gains_use_the_paired_error_when_known() {
        let mut t = SymmetricTable::new(names(&["A", "B"]), 2);
        let aa = t.monomorphic(0);
        let ab = t.index_of(&[1, 1]).unwrap();
        t.set(aa, 0, PayoffEstimate { mean: 1.0, se: 0.3 });
        t.set(ab, 1, PayoffEstimate { mean: 2.0, se: 0.4 });
        assert!((t.gain(aa, 0, 1).unwrap().se - 0.5).abs() < 1e-12);
        t.deviations.set_gain_se(aa, 0, 1, 0.1);
        assert_eq!(t.gain(aa, 0, 1).unwrap().se, 0.1);
    }

    #[test]
    fn seat_profiles_count_in_base_m() {
        let t = SeatTable::new(names(&["x", "y", "z"]), names(&["a", "b"]));
        assert_eq!(t.profiles().len(), 9);
        assert_eq!(t.profiles()[5], vec![1, 2]);
        assert_eq!(t.index_of(&[1, 2]), Some(5));
        assert_eq!(t.deviation_target(5, 0, 2), Some(8));
        assert_eq!(t.index_of(&[3, 0]), None);
    }
}
