//! Evolution in a finite population: pairwise-comparison (Fermi) imitation
//! and the stationary distribution in the limit of rare mutations, as in
//! the evolutionary-game literature (Traulsen, Nowak & Pacheco 2006;
//! Fudenberg & Imhof 2006) and in Han et al.'s DSAIR analysis.
//!
//! A population of `Z` players plays the symmetric `n`-player game in
//! groups drawn at random (hypergeometric sampling). Each step a random
//! player compares payoffs with another and copies its strategy with
//! probability `1 / (1 + exp(-beta (f_other - f_self)))`; `beta` is the
//! intensity of selection (0 = neutral drift). With two strategies present
//! this is a birth–death chain whose fixation probabilities have a closed
//! form. When mutations are rare the population is almost always
//! monomorphic, and moves between monomorphic states at the rate a single
//! mutant fixes: the stationary distribution of that embedded chain says
//! how much of the time each strategy is the population's.

use super::table::{SymmetricTable, binomial};
use serde::Serialize;

/// A finite population and its imitation process.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Population {
    /// `Z`, at least the number of players in a game.
    pub size: usize,
    /// `beta`, the intensity of selection (>= 0).
    pub selection: f64,
}

/// Average payoffs of a resident and a mutant strategy when `k` of the `Z`
/// players are mutants (`1 <= k <= Z - 1`): each plays with `n - 1`
/// co-players drawn without replacement from the other `Z - 1`.
/// `None` if a payoff is missing.
pub fn fitness(
    table: &SymmetricTable,
    resident: usize,
    mutant: usize,
    mutants: usize,
    population: usize,
) -> Option<(f64, f64)> {
    let n = table.players();
    let m = table.strategies().len();
    let (z, k) = (population, mutants);
    let draws = binomial(z - 1, n - 1);
    let counts = |mutant_count: usize| {
        let mut c = vec![0; m];
        c[mutant] = mutant_count;
        c[resident] = n - mutant_count;
        c
    };
    let (mut f_mutant, mut f_resident) = (0.0, 0.0);
    for j in 0..n {
        // A mutant meets j other mutants among its n - 1 co-players.
        let w = binomial(k - 1, j) * binomial(z - k, n - 1 - j) / draws;
        if w > 0.0 {
            let p = table.index_of(&counts(j + 1))?;
            f_mutant += w * table.payoff(p, mutant)?.mean;
        }
        // A resident meets j mutants.
        let w = binomial(k, j) * binomial(z - k - 1, n - 1 - j) / draws;
        if w > 0.0 {
            let p = table.index_of(&counts(j))?;
            f_resident += w * table.payoff(p, resident)?.mean;
        }
    }
    Some((f_resident, f_mutant))
}

/// The natural logarithm of the probability that one `mutant` in a
/// population of `resident`s takes over:
/// `rho = 1 / (1 + sum_{i=1}^{Z-1} prod_{k=1}^{i} exp(-beta (f_mutant(k) - f_resident(k))))`,
/// summed in log space so that strong selection neither overflows nor
/// underflows.
pub fn log_fixation(
    table: &SymmetricTable,
    resident: usize,
    mutant: usize,
    population: &Population,
) -> Option<f64> {
    let z = population.size;
    let mut log_terms = Vec::with_capacity(z);
    log_terms.push(0.0);
    let mut exponent = 0.0;
    for k in 1..z {
        let (f_resident, f_mutant) = fitness(table, resident, mutant, k, z)?;
        exponent -= population.selection * (f_mutant - f_resident);
        log_terms.push(exponent);
    }
    let top = log_terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let sum: f64 = log_terms.iter().map(|l| (l - top).exp()).sum();
    Some(-(top + sum.ln()))
}

/// The small-mutation limit of the imitation process.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stationary {
    /// Share of time the population is monomorphic in each strategy.
    pub distribution: Vec<f64>,
    /// `fixation[i][j]`: probability that one `j` mutant takes over a
    /// population of `i` (NaN on the diagonal).
    pub fixation: Vec<Vec<f64>>,
}

/// The stationary distribution over monomorphic states: a mutant is equally
/// likely to be any other strategy, so the embedded chain moves from `i` to
/// `j` with probability `rho_ij / (m - 1)`. `None` if a payoff is missing
/// or the population is smaller than a game.
pub fn stationary(table: &SymmetricTable, population: &Population) -> Option<Stationary> {
    let m = table.strategies().len();
    if population.size < table.players() || population.size < 2 {
        return None;
    }
    let mut log_rho = vec![vec![f64::NAN; m]; m];
    for (i, row) in log_rho.iter_mut().enumerate() {
        for (j, cell) in row.iter_mut().enumerate().filter(|(j, _)| *j != i) {
            *cell = log_fixation(table, i, j, population)?;
        }
    }
    let fixation = log_rho
        .iter()
        .map(|row| row.iter().map(|l| l.exp()).collect())
        .collect();
    Some(Stationary {
        distribution: stationary_of_log_rates(&log_rho),
        fixation,
    })
}

/// The stationary distribution of a continuous-time chain with transition
/// rates `rates[i][j]` (`i != j`; the diagonal is ignored).
pub fn stationary_of_rates(rates: &[Vec<f64>]) -> Vec<f64> {
    let logs: Vec<Vec<f64>> = rates
        .iter()
        .map(|row| row.iter().map(|r| r.ln()).collect())
        .collect();
    stationary_of_log_rates(&logs)
}

/// `ln(e^a + e^b)`, exact when either is minus infinity.
fn log_add(a: f64, b: f64) -> f64 {
    let (hi, lo) = if a >= b { (a, b) } else { (b, a) };
    if lo == f64::NEG_INFINITY {
        hi
    } else {
        hi + (lo - hi).exp().ln_1p()
    }
}

/// The stationary distribution from the natural logarithms of the rates
/// (NaN or minus infinity: no transition), by the Grassmann–Taksar–Heyman
/// elimination carried out on logarithms. GTH subtracts nothing, so it
/// stays accurate when rates differ by many orders of magnitude, and on
/// logarithms nothing underflows: under strong selection fixation
/// probabilities reach `exp(-1000)` and below.
pub fn stationary_of_log_rates(log_rates: &[Vec<f64>]) -> Vec<f64> {
    let m = log_rates.len();
    if m == 1 {
        return vec![1.0];
    }
    let mut l: Vec<Vec<f64>> = log_rates
        .iter()
        .enumerate()
        .map(|(i, row)| {
            row.iter()
                .enumerate()
                .map(|(j, &x)| {
                    if i == j || x.is_nan() {
                        f64::NEG_INFINITY
                    } else {
                        x
                    }
                })
                .collect()
        })
        .collect();
    for k in (1..m).rev() {
        let out = l[k][..k]
            .iter()
            .fold(f64::NEG_INFINITY, |a, &b| log_add(a, b));
        // A state that cannot leave for any lower state holds (nearly) all
        // the mass that reaches it: a finite stand-in for log 0.
        let out = out.max(-1e300);
        let (upper, lower) = l.split_at_mut(k);
        let row_k = &lower[0];
        for (i, row) in upper.iter_mut().enumerate() {
            row[k] -= out;
            let lik = row[k];
            if lik == f64::NEG_INFINITY {
                continue;
            }
            for (j, cell) in row[..k].iter_mut().enumerate() {
                if i != j {
                    *cell = log_add(*cell, lik + row_k[j]);
                }
            }
        }
    }
    let mut log_pi = vec![f64::NEG_INFINITY; m];
    log_pi[0] = 0.0;
    for k in 1..m {
        log_pi[k] = (0..k).fold(f64::NEG_INFINITY, |a, i| log_add(a, log_pi[i] + l[i][k]));
    }
    let total = log_pi.iter().fold(f64::NEG_INFINITY, |a, &b| log_add(a, b));
    log_pi.iter().map(|x| (x - total).exp()).collect()
}

/// The exact stationary distribution of the imitation process with
/// mutation at rate `mu`, over every composition of the population.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WithMutation {
    /// `mu`, in (0, 1]: the probability that a player who changes picks
    /// one of the other strategies at random rather than imitating.
    pub mutation: f64,
    /// Compositions of the population (states of the chain).
    pub states: usize,
    /// Mean share of the population playing each strategy.
    pub share: Vec<f64>,
    /// Probability that the whole population plays each strategy.
    pub monomorphic: Vec<f64>,
}

/// The most band entries [`with_mutation`] will store (about 160 MB).
const BAND_LIMIT: usize = 20_000_000;

/// Average payoff of a player of `s` when the population's composition is
/// `k` (`k[s] >= 1`): its `n - 1` co-players are drawn without replacement
/// from the other `Z - 1` (multivariate hypergeometric).
fn fitness_in(table: &SymmetricTable, k: &[usize], s: usize) -> Option<f64> {
    let n = table.players();
    let z: usize = k.iter().sum();
    let mut others = k.to_vec();
    others[s] -= 1;
    let draws = binomial(z - 1, n - 1);
    let mut f = 0.0;
    for c in super::table::compositions(n - 1, k.len()) {
        let w: f64 = c
            .iter()
            .zip(&others)
            .map(|(&ci, &ki)| binomial(ki, ci))
            .product::<f64>()
            / draws;
        if w > 0.0 {
            let mut counts = c;
            counts[s] += 1;
            f += w * table.payoff(table.index_of(&counts)?, s)?.mean;
        }
    }
    Some(f)
}

/// The stationary distribution of the finite-population process with
/// mutation, solved exactly. Each step one of the `Z` players, of strategy
/// `i` (probability `k_i / Z`), changes: with probability `mu` it mutates to
/// one of the other `m - 1` strategies at random; otherwise it meets a
/// random other player, of strategy `j` (probability `k_j / (Z - 1)`), and
/// copies it with probability `1 / (1 + exp(-beta (f_j - f_i)))`. So
///
/// `T(k -> k - e_i + e_j) = (k_i / Z) (mu / (m - 1) + (1 - mu) (k_j / (Z - 1)) fermi(f_j - f_i))`.
///
/// The chain over the `C(Z + m - 1, m - 1)` compositions (1,326 for `Z =
/// 50`, `m = 3`) is irreducible for `mu > 0`; its stationary distribution
/// is found by Grassmann–Taksar–Heyman elimination on the banded transition
/// matrix (compositions in order, a move changes two counts by one, so the
/// band is about `Z` wide for three strategies): exact up to rounding, with
/// no subtraction, so accurate when `mu` is tiny. `None` if a payoff is
/// missing, `mu` is not in (0, 1], or the band would exceed 20 million
/// entries.
pub fn with_mutation(
    table: &SymmetricTable,
    population: &Population,
    mu: f64,
) -> Option<WithMutation> {
    let m = table.strategies().len();
    let z = population.size;
    if !(mu > 0.0 && mu <= 1.0) || z < table.players() || z < 2 || m < 2 {
        return None;
    }
    let states = super::table::compositions(z, m);
    let index: std::collections::BTreeMap<&[usize], usize> = states
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_slice(), i))
        .collect();
    let fermi = |d: f64| 1.0 / (1.0 + (-population.selection * d).exp());
    // Transitions as (from, to, probability).
    let mut moves = Vec::new();
    for (a, k) in states.iter().enumerate() {
        let f: Vec<Option<f64>> = (0..m)
            .map(|s| {
                if k[s] > 0 {
                    fitness_in(table, k, s)
                } else {
                    Some(0.0)
                }
            })
            .collect();
        for i in (0..m).filter(|&i| k[i] > 0) {
            for j in (0..m).filter(|&j| j != i) {
                let imitate = if k[j] > 0 {
                    (k[j] as f64 / (z - 1) as f64) * fermi(f[j]? - f[i]?)
                } else {
                    0.0
                };
                let p = (k[i] as f64 / z as f64) * (mu / (m - 1) as f64 + (1.0 - mu) * imitate);
                let mut next = k.clone();
                next[i] -= 1;
                next[j] += 1;
                moves.push((a, index[next.as_slice()], p));
            }
        }
    }
    let band = moves
        .iter()
        .map(|&(a, b, _)| a.abs_diff(b))
        .max()
        .unwrap_or(0);
    let width = 2 * band + 1;
    if states.len().saturating_mul(width) > BAND_LIMIT {
        return None;
    }
    let pi = gth_banded(states.len(), band, &moves);
    let mut share = vec![0.0; m];
    let mut monomorphic = vec![0.0; m];
    for (k, &p) in states.iter().zip(&pi) {
        for s in 0..m {
            share[s] += p * k[s] as f64 / z as f64;
            if k[s] == z {
                monomorphic[s] = p;
            }
        }
    }
    Some(WithMutation {
        mutation: mu,
        states: states.len(),
        share,
        monomorphic,
    })
}

/// The stationary distribution of a chain of `n` states whose transitions
/// (`(from, to, probability)`, no self-loops) stay within `band` of the
/// diagonal, by Grassmann–Taksar–Heyman elimination in band storage
/// (elimination keeps the band).
fn gth_banded(n: usize, band: usize, moves: &[(usize, usize, f64)]) -> Vec<f64> {
    let width = 2 * band + 1;
    let mut p = vec![0.0; n * width];
    let at = |i: usize, j: usize| i * width + (j + band - i);
    for &(a, b, x) in moves {
        p[at(a, b)] += x;
    }
    let mut out = vec![0.0; n];
    for k in (1..n).rev() {
        let lo = k.saturating_sub(band);
        let s: f64 = (lo..k).map(|j| p[at(k, j)]).sum();
        out[k] = s;
        if s <= 0.0 {
            continue;
        }
        for i in lo..k {
            let pik = p[at(i, k)] / s;
            if pik == 0.0 {
                continue;
            }
            p[at(i, k)] = pik;
            for j in lo..k {
                if j != i {
                    let pkj = p[at(k, j)];
                    p[at(i, j)] += pik * pkj;
                }
            }
        }
    }
    let mut pi = vec![0.0; n];
    pi[0] = 1.0;
    for j in 1..n {
        let lo = j.saturating_sub(band);
        pi[j] = (lo..j).map(|i| pi[i] * p[at(i, j)]).sum();
    }
    let total: f64 = pi.iter().sum();
    pi.iter().map(|x| x / total).collect()
}

/// The mutation rates of the sweep written by `airace game`.
pub const MUTATION_SWEEP: [f64; 14] = [
    0.1, 0.03, 0.01, 3e-3, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-10, 1e-12, 1e-14, 1e-16,
];

/// How far the shares at a mutation rate are from the small-mutation
/// limit: total variation distance `(1/2) sum_s |share_s - limit_s|`.
pub fn distance_from_limit(w: &WithMutation, limit: &[f64]) -> f64 {
    0.5 * w
        .share
        .iter()
        .zip(limit)
        .map(|(a, b)| (a - b).abs())
        .sum::<f64>()
}

/// The largest swept rate below which (it and every smaller rate) the
/// shares are within `tolerance` of the small-mutation limit, if any.
pub fn limit_applies_below(sweep: &[WithMutation], limit: &[f64], tolerance: f64) -> Option<f64> {
    let mut sorted: Vec<&WithMutation> = sweep.iter().collect();
    sorted.sort_by(|a, b| a.mutation.total_cmp(&b.mutation));
    let mut best = None;
    for w in sorted {
        if distance_from_limit(w, limit) <= tolerance {
            best = Some(w.mutation);
        } else {
            break;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::table::{PayoffEstimate, test_matrix as matrix};

    /// The prisoner's dilemma: C vs C 3, C vs D 0, D vs C 5, D vs D 1.
    fn prisoners_dilemma() -> SymmetricTable {
        matrix(&[&[3.0, 0.0], &[5.0, 1.0]])
    }

    /// The small-mutation limit of `table` in a population of `size` at
    /// selection intensity `selection`.
    fn stationary_in(table: &SymmetricTable, size: usize, selection: f64) -> Stationary {
        stationary(table, &Population { size, selection }).unwrap()
    }

    /// A prisoner's dilemma in a population of three, worked by hand.
    ///
    /// Payoffs: C vs C 3, C vs D 0, D vs C 5, D vs D 1. With `k` C players
    /// among `Z = 3`, a C meets a C with probability `(k - 1)/2`, a D meets
    /// a C with probability `k/2`:
    /// - k = 1: f_C = 0,   f_D = (5 + 1)/2 = 3,  f_C - f_D = -3
    /// - k = 2: f_C = 3/2, f_D = 5,             f_C - f_D = -7/2
    ///
    /// So with beta = 1, one C fixes among D's with
    /// `rho_DC = 1 / (1 + e^3 + e^(3 + 7/2))`, one D fixes among C's with
    /// `rho_CD = 1 / (1 + e^(-7/2) + e^(-7/2 - 3))`, and the stationary
    /// share of C is `rho_DC / (rho_DC + rho_CD)`.
    #[test]
    fn a_prisoners_dilemma_by_hand() {
        let pd = prisoners_dilemma();
        assert_eq!(fitness(&pd, 1, 0, 1, 3), Some((3.0, 0.0)));
        assert_eq!(fitness(&pd, 1, 0, 2, 3), Some((5.0, 1.5)));
        let population = Population {
            size: 3,
            selection: 1.0,
        };
        let e = f64::exp;
        let rho_dc = 1.0 / (1.0 + e(3.0) + e(6.5));
        let rho_cd = 1.0 / (1.0 + e(-3.5) + e(-6.5));
        let s = stationary(&pd, &population).unwrap();
        assert!((s.fixation[1][0] - rho_dc).abs() < 1e-15);
        assert!((s.fixation[0][1] - rho_cd).abs() < 1e-15);
        let share_c = rho_dc / (rho_dc + rho_cd);
        assert!((s.distribution[0] - share_c).abs() < 1e-15, "{s:?}");
        assert!((share_c - 0.001_501_3).abs() < 1e-6);
    }

    #[test]
    fn neutral_drift_fixes_with_one_over_z() {
        let pd = prisoners_dilemma();
        let s = stationary_in(&pd, 50, 0.0);
        assert!((s.fixation[0][1] - 0.02).abs() < 1e-12);
        assert!((s.distribution[0] - 0.5).abs() < 1e-12);
    }

    #[test]
    fn rock_paper_scissors_is_uniform_and_strong_selection_does_not_break() {
        let rps = matrix(&[&[0.0, -1.0, 1.0], &[1.0, 0.0, -1.0], &[-1.0, 1.0, 0.0]]);
        let s = stationary_in(&rps, 20, 2.0);
        assert!(s.distribution.iter().all(|x| (x - 1.0 / 3.0).abs() < 1e-12));
        // Selection so strong that the rates span far more than f64's range.
        let pd = prisoners_dilemma();
        let s = stationary_in(&pd, 100, 1000.0);
        assert!(s.distribution[1] > 1.0 - 1e-12 && s.distribution[0].is_finite());
        // Selection so strong that every fixation probability underflows.
        for beta in [1e3, 1e5] {
            let s = stationary_in(&rps, 20, beta);
            assert!(
                s.distribution.iter().all(|x| (x - 1.0 / 3.0).abs() < 1e-9),
                "{s:?}"
            );
        }
    }

    #[test]
    fn the_ratio_of_fixation_probabilities_is_the_sum_of_payoff_differences() {
        // For two strategies, rho_BA / rho_AB = exp(beta sum_k (f_A - f_B)),
        // with three-player groups drawn from Z = 10.
        let mut t = SymmetricTable::new(vec!["A".into(), "B".into()], 3);
        for (p, c) in t.profiles().to_vec().iter().enumerate() {
            if c[0] > 0 {
                t.set(p, 0, PayoffEstimate::exact(1.0 + c[0] as f64 * 0.5));
            }
            if c[1] > 0 {
                t.set(p, 1, PayoffEstimate::exact(2.0 - c[1] as f64 * 0.25));
            }
        }
        let pop = Population {
            size: 10,
            selection: 0.7,
        };
        let lhs = log_fixation(&t, 1, 0, &pop).unwrap() - log_fixation(&t, 0, 1, &pop).unwrap();
        let sum: f64 = (1..10)
            .map(|k| {
                let (f_b, f_a) = fitness(&t, 1, 0, k, 10).unwrap();
                f_a - f_b
            })
            .sum();
        assert!((lhs - 0.7 * sum).abs() < 1e-12);
    }

    #[test]
    fn gth_solves_a_three_state_chain() {
        // Rates 0->1: 1, 1->2: 1, 2->0: 2 (a cycle). Balance of flows:
        // pi_0 * 1 = pi_2 * 2 and pi_1 * 1 = pi_0 * 1, so pi = (2, 2, 1) / 5.
        let rates = vec![
            vec![0.0, 1.0, 0.0],
            vec![0.0, 0.0, 1.0],
            vec![2.0, 0.0, 0.0],
        ];
        let pi = stationary_of_rates(&rates);
        for (a, b) in pi.iter().zip([0.4, 0.4, 0.2]) {
            assert!((a - b).abs() < 1e-15, "{pi:?}");
        }
        // The same chain with rates scaled by e^-2000 (far below f64's range).
        let logs: Vec<Vec<f64>> = rates
            .iter()
            .map(|r| r.iter().map(|x| x.ln() - 2000.0).collect())
            .collect();
        let pi = stationary_of_log_rates(&logs);
        for (a, b) in pi.iter().zip([0.4, 0.4, 0.2]) {
            assert!((a - b).abs() < 1e-12, "{pi:?}");
        }
        // An absorbing state (no way out) takes all the mass.
        let rates = vec![
            vec![0.0, 1.0, 0.0],
            vec![0.0, 0.0, 1.0],
            vec![0.0, 0.0, 0.0],
        ];
        assert_eq!(stationary_of_rates(&rates), vec![0.0, 0.0, 1.0]);
    }

    /// A two-strategy chain is a birth–death chain: with `k` players of
    /// the first strategy, `pi(k + 1) / pi(k) = T+(k) / T-(k + 1)`, with
    /// `T+(k) = ((Z - k)/Z) (mu + (1 - mu) (k/(Z - 1)) fermi(f_0 - f_1))` and
    /// `T-(k) = (k/Z) (mu + (1 - mu) ((Z - k)/(Z - 1)) fermi(f_1 - f_0))`.
    #[test]
    fn with_mutation_matches_the_birth_death_closed_form() {
        let hd = matrix(&[&[-1.0, 2.0], &[0.0, 1.0]]);
        let z = 20;
        let beta = 2.0;
        let population = Population {
            size: z,
            selection: beta,
        };
        let fermi = |d: f64| 1.0 / (1.0 + (-beta * d).exp());
        for mu in [0.2, 0.01, 1e-6] {
            let mut pi = vec![1.0];
            for k in 0..z {
                // k first-strategy players: fitness of each strategy.
                let f = |kk: usize, s: usize| fitness_in(&hd, &[kk, z - kk], s).unwrap();
                let up = if k < z {
                    let imitate = if k > 0 {
                        (k as f64 / (z - 1) as f64) * fermi(f(k, 0) - f(k, 1))
                    } else {
                        0.0
                    };
                    ((z - k) as f64 / z as f64) * (mu + (1.0 - mu) * imitate)
                } else {
                    0.0
                };
                let k1 = k + 1;
                let imitate = if k1 < z {
                    ((z - k1) as f64 / (z - 1) as f64) * fermi(f(k1, 1) - f(k1, 0))
                } else {
                    0.0
                };
                let down = (k1 as f64 / z as f64) * (mu + (1.0 - mu) * imitate);
                pi.push(pi[k] * up / down);
            }
            let total: f64 = pi.iter().sum();
            let share: f64 = pi
                .iter()
                .enumerate()
                .map(|(k, p)| p / total * k as f64 / z as f64)
                .sum();
            let w = with_mutation(&hd, &population, mu).unwrap();
            assert_eq!(w.states, z + 1);
            assert!((w.share[0] - share).abs() < 1e-12, "{mu}: {w:?} vs {share}");
            assert!((w.monomorphic[0] - pi[z] / total).abs() < 1e-12);
            assert!((w.share.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn rare_mutations_give_the_small_mutation_limit_and_fifty_by_three_has_1326_states() {
        // A coordination game with a payoff-dominant corner.
        let t = matrix(&[&[2.0, 0.0, 0.0], &[0.0, 1.0, 0.0], &[0.0, 0.0, 1.5]]);
        let population = Population {
            size: 50,
            selection: 1.0,
        };
        let limit = stationary(&t, &population).unwrap().distribution;
        let rare = with_mutation(&t, &population, 1e-9).unwrap();
        assert_eq!(rare.states, 1326);
        for s in 0..3 {
            assert!(
                (rare.share[s] - limit[s]).abs() < 1e-5,
                "{rare:?} vs {limit:?}"
            );
            assert!((rare.monomorphic[s] - limit[s]).abs() < 1e-5);
        }
        // Frequent mutation pulls the shares towards uniform.
        let frequent = with_mutation(&t, &population, 0.5).unwrap();
        assert!(distance_from_limit(&frequent, &limit) > 0.1, "{frequent:?}");
        let sweep: Vec<WithMutation> = [0.5, 1e-3, 1e-6, 1e-9]
            .iter()
            .map(|&mu| with_mutation(&t, &population, mu).unwrap())
            .collect();
        let below = limit_applies_below(&sweep, &limit, 0.05).unwrap();
        assert!((1e-9..0.5).contains(&below), "{below}");
        assert!(with_mutation(&t, &population, 0.0).is_none());
    }
}
