//! Nash equilibria in mixed strategies, for symmetric and seat games.
//!
//! A mixed profile gives each seat (in a symmetric game, every player
//! alike) a probability for each strategy. Against it, strategy `s` of seat
//! `i` earns `f_is(sigma) = sum_q prod_{j != i} sigma_j(q_j) u_i(s, q_-i)`,
//! a polynomial in the probabilities; in a symmetric game of `n` players
//! playing `x`, `f_s(x) = sum_c multinomial(n - 1; c) prod_t x_t^c_t
//! u(s | c)` over the counts `c` of the `n - 1` co-players. A profile is an
//! equilibrium when every strategy a seat plays earns the most it can:
//! `f_is = max_t f_it` wherever `sigma_i(s) > 0`. Its `epsilon` is the
//! largest gain of any pure deviation, `max_{i,t} f_it - sum_s sigma_i(s)
//! f_is` (0 at an exact equilibrium of the estimated table), with a
//! standard error from the payoffs' standard errors combined as if
//! independent (conservative under common random numbers).
//!
//! Method: support enumeration. For each choice of supports (a nonempty set
//! of strategies per seat; in a symmetric game one set for everyone) the
//! indifference conditions `f_is = f_i,s0` for `s` in seat `i`'s support
//! are as many polynomial equations as unknown probabilities. One unknown
//! (two strategies in one support): every root in (0, 1) is found by a
//! sign change on a grid of 4,000 points refined by bisection. More
//! unknowns: Newton's method from a grid of starting points in the
//! supports' interiors. A solution is kept when every probability is
//! positive and no strategy outside a support earns more. A game always
//! has an equilibrium (Nash 1951; a symmetric game a symmetric one); if
//! none of the supports yields it (Newton may miss a root), the grid point
//! of least `epsilon` is reported instead, marked approximate, with its
//! `epsilon` saying how far it is from one.

use super::table::{SeatTable, SymmetricTable, binomial, compositions};
use serde::Serialize;

/// A mixed equilibrium: a probability per strategy for each seat (one row
/// for everyone in a symmetric game).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MixedNash {
    pub mix: Vec<Vec<f64>>,
    /// Largest gain of a pure deviation (payoff units).
    pub epsilon: f64,
    /// Its standard error from the payoffs' standard errors.
    pub epsilon_se: f64,
    /// Found by solving its support's indifference conditions (else the
    /// least-epsilon point of a grid: an approximate equilibrium).
    pub solved: bool,
}

impl MixedNash {
    /// Whether some seat mixes (more than one strategy with positive
    /// probability).
    pub fn is_mixed(&self) -> bool {
        self.mix
            .iter()
            .any(|m| m.iter().filter(|&&p| p > SUPPORT).count() > 1)
    }
}

/// Probabilities above this are in the support.
const SUPPORT: f64 = 1e-9;

/// The game as polynomials of the mixed profile: each pure payoff `f_is`
/// is `sum_cell w_cell(sigma) u_cell`, linear in the table's payoffs.
enum Form<'a> {
    Symmetric(&'a SymmetricTable),
    Seats(&'a SeatTable),
}

impl Form<'_> {
    fn strategies(&self) -> usize {
        match self {
            Form::Symmetric(t) => t.strategies().len(),
            Form::Seats(t) => t.strategies().len(),
        }
    }

    /// Rows of the mixed profile: 1 (symmetric) or one per seat.
    fn seats(&self) -> usize {
        match self {
            Form::Symmetric(_) => 1,
            Form::Seats(t) => t.seats().len(),
        }
    }

    /// Keys per profile in the cell numbering `profile * keys + key`.
    fn keys(&self) -> usize {
        match self {
            Form::Symmetric(t) => t.strategies().len(),
            Form::Seats(t) => t.seats().len(),
        }
    }

    fn cells(&self) -> usize {
        let profiles = match self {
            Form::Symmetric(t) => t.profiles().len(),
            Form::Seats(t) => t.profiles().len(),
        };
        profiles * self.keys()
    }

    /// `(mean, se)` of every cell (0 where absent).
    fn payoffs(&self) -> Vec<(f64, f64)> {
        let keys = self.keys();
        (0..self.cells())
            .map(|c| {
                let p = match self {
                    Form::Symmetric(t) => t.payoff(c / keys, c % keys),
                    Form::Seats(t) => t.payoff(c / keys, c % keys),
                };
                p.map_or((0.0, 0.0), |p| (p.mean, p.se))
            })
            .collect()
    }

    /// Adds to `w` the weights of the cells in `f_is(sigma)`.
    fn weights(&self, seat: usize, s: usize, sigma: &[Vec<f64>], w: &mut [f64]) {
        match self {
            Form::Symmetric(t) => {
                let n = t.players();
                let x = &sigma[0];
                for c in compositions(n - 1, x.len()) {
                    let mut weight = 1.0;
                    let mut rest = n - 1;
                    for (t, &k) in c.iter().enumerate() {
                        weight *= binomial(rest, k) * x[t].powi(k as i32);
                        rest -= k;
                    }
                    if weight == 0.0 {
                        continue;
                    }
                    let mut counts = c;
                    counts[s] += 1;
                    let p = t.index_of(&counts).expect("a profile");
                    w[p * x.len() + s] += weight;
                }
            }
            Form::Seats(t) => {
                let seats = t.seats().len();
                for (p, q) in t.profiles().iter().enumerate() {
                    if q[seat] != s {
                        continue;
                    }
                    let weight: f64 = (0..seats)
                        .filter(|&j| j != seat)
                        .map(|j| sigma[j][q[j]])
                        .product();
                    w[p * seats + seat] += weight;
                }
            }
        }
    }

    /// `f_is(sigma)` for every seat and strategy (means).
    fn pure_payoffs(&self, sigma: &[Vec<f64>], means: &[(f64, f64)]) -> Vec<Vec<f64>> {
        let mut w = vec![0.0; self.cells()];
        (0..self.seats())
            .map(|i| {
                (0..self.strategies())
                    .map(|s| {
                        w.iter_mut().for_each(|v| *v = 0.0);
                        self.weights(i, s, sigma, &mut w);
                        w.iter().zip(means).map(|(a, b)| a * b.0).sum()
                    })
                    .collect()
            })
            .collect()
    }

    /// `epsilon` of `sigma` and its standard error.
    fn epsilon(&self, sigma: &[Vec<f64>], payoffs: &[(f64, f64)]) -> (f64, f64) {
        let m = self.strategies();
        let mut best = (f64::NEG_INFINITY, 0.0);
        for i in 0..self.seats() {
            let rows: Vec<Vec<f64>> = (0..m)
                .map(|s| {
                    let mut w = vec![0.0; self.cells()];
                    self.weights(i, s, sigma, &mut w);
                    w
                })
                .collect();
            for t in 0..m {
                // Gain of t over the seat's mix, as weights on the cells.
                let gain: Vec<f64> = (0..self.cells())
                    .map(|c| rows[t][c] - (0..m).map(|s| sigma[i][s] * rows[s][c]).sum::<f64>())
                    .collect();
                let mean: f64 = gain.iter().zip(payoffs).map(|(g, p)| g * p.0).sum();
                if mean > best.0 {
                    let var: f64 = gain
                        .iter()
                        .zip(payoffs)
                        .map(|(g, p)| (g * p.1).powi(2))
                        .sum();
                    best = (mean, var.sqrt());
                }
            }
        }
        (best.0.max(0.0), best.1)
    }
}

/// The mixed equilibria of a symmetric game in which everyone plays the
/// same mix (at least one; see the module's account of the method).
pub fn symmetric(table: &SymmetricTable) -> Vec<MixedNash> {
    solve(&Form::Symmetric(table))
}

/// Mixed equilibria of a seat game (at least one).
pub fn seats(table: &SeatTable) -> Vec<MixedNash> {
    solve(&Form::Seats(table))
}

/// Every nonempty subset of `0..m`, as sorted lists, smallest first.
fn supports(m: usize) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = (1..(1usize << m))
        .map(|bits| (0..m).filter(|s| bits & (1 << s) != 0).collect())
        .collect();
    out.sort_by_key(|s: &Vec<usize>| s.len());
    out
}

/// The mixed profile of free variables `v` on the supports.
fn profile(supports: &[Vec<usize>], v: &[f64], m: usize) -> Vec<Vec<f64>> {
    let mut at = 0;
    supports
        .iter()
        .map(|sup| {
            let mut row = vec![0.0; m];
            let free = &v[at..at + sup.len() - 1];
            at += sup.len() - 1;
            row[sup[0]] = 1.0 - free.iter().sum::<f64>();
            for (k, &s) in sup[1..].iter().enumerate() {
                row[s] = free[k];
            }
            row
        })
        .collect()
}

/// The indifference conditions: `f_is - f_i,s0` for `s` in the support.
fn residual(form: &Form, supports: &[Vec<usize>], v: &[f64], payoffs: &[(f64, f64)]) -> Vec<f64> {
    let sigma = profile(supports, v, form.strategies());
    let f = form.pure_payoffs(&sigma, payoffs);
    supports
        .iter()
        .enumerate()
        .flat_map(|(i, sup)| {
            let f = &f[i];
            sup[1..].iter().map(move |&s| f[s] - f[sup[0]])
        })
        .collect()
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting; `None`
/// if singular.
fn linear_solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-300 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        let (top, rest) = a.split_at_mut(col + 1);
        let pivot_row = &top[col];
        for (offset, row) in rest.iter_mut().enumerate() {
            let f = row[col] / pivot_row[col];
            for (x, p) in row[col..].iter_mut().zip(&pivot_row[col..]) {
                *x -= f * p;
            }
            b[col + 1 + offset] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let s: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    Some(x)
}

/// Newton's method on the indifference conditions from `start`.
fn newton(
    form: &Form,
    supports: &[Vec<usize>],
    start: Vec<f64>,
    payoffs: &[(f64, f64)],
    tolerance: f64,
) -> Option<Vec<f64>> {
    let mut v = start;
    for _ in 0..60 {
        let r = residual(form, supports, &v, payoffs);
        if r.iter().all(|x| x.abs() <= tolerance) {
            return Some(v);
        }
        let h = 1e-7;
        let columns: Vec<Vec<f64>> = (0..v.len())
            .map(|k| {
                let mut w = v.clone();
                w[k] += h;
                residual(form, supports, &w, payoffs)
                    .iter()
                    .zip(&r)
                    .map(|(a, b)| (a - b) / h)
                    .collect()
            })
            .collect();
        let jac: Vec<Vec<f64>> = (0..r.len())
            .map(|row| columns.iter().map(|c| c[row]).collect())
            .collect();
        let step = linear_solve(jac, r.iter().map(|x| -x).collect())?;
        v.iter_mut().zip(&step).for_each(|(a, d)| *a += d);
        if v.iter().any(|x| !x.is_finite() || x.abs() > 10.0) {
            return None;
        }
    }
    None
}

/// Roots in (0, 1) of a function of one variable: sign changes on a grid,
/// refined by bisection.
fn roots(g: impl Fn(f64) -> f64) -> Vec<f64> {
    const GRID: usize = 4000;
    let values: Vec<f64> = (0..=GRID).map(|i| g(i as f64 / GRID as f64)).collect();
    let mut out = Vec::new();
    for i in 0..GRID {
        let (a, b) = (values[i], values[i + 1]);
        let x = if a == 0.0 && i > 0 {
            i as f64 / GRID as f64
        } else if (a > 0.0) != (b > 0.0) && b != 0.0 {
            let (mut lo, mut hi) = (i as f64 / GRID as f64, (i + 1) as f64 / GRID as f64);
            for _ in 0..60 {
                let mid = 0.5 * (lo + hi);
                if (g(mid) > 0.0) == (a > 0.0) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            0.5 * (lo + hi)
        } else {
            continue;
        };
        if x > 0.0 && x < 1.0 {
            out.push(x);
        }
    }
    out
}

/// Interior starting points of the free variables of a support: a grid of
/// its simplex without the boundary.
fn starts(size: usize) -> Vec<Vec<f64>> {
    match size {
        1 => vec![Vec::new()],
        _ => super::replicator::interior_grid(size, size + 2)
            .into_iter()
            .map(|x| x[1..].to_vec())
            .collect(),
    }
}

fn solve(form: &Form) -> Vec<MixedNash> {
    let m = form.strategies();
    let seats = form.seats();
    let payoffs = form.payoffs();
    let scale = payoffs.iter().fold(1.0f64, |a, p| a.max(p.0.abs()));
    let tolerance = 1e-11 * scale;
    let all = supports(m);
    // Every choice of a support per seat (odometer over `all`).
    let mut choice = vec![0usize; seats];
    let mut found: Vec<MixedNash> = Vec::new();
    loop {
        let sups: Vec<Vec<usize>> = choice.iter().map(|&c| all[c].clone()).collect();
        let unknowns: usize = sups.iter().map(|s| s.len() - 1).sum();
        let mut candidates: Vec<Vec<f64>> = Vec::new();
        if unknowns == 0 {
            candidates.push(Vec::new());
        } else if unknowns == 1 {
            let g = |t: f64| residual(form, &sups, &[t], &payoffs)[0];
            candidates.extend(roots(g).into_iter().map(|t| vec![t]));
        } else {
            // Starting points: the product of each support's interior grid.
            let mut grids: Vec<Vec<f64>> = vec![Vec::new()];
            for s in &sups {
                let next: Vec<Vec<f64>> = starts(s.len());
                grids = grids
                    .iter()
                    .flat_map(|g| {
                        next.iter().map(move |n| {
                            let mut v = g.clone();
                            v.extend(n);
                            v
                        })
                    })
                    .collect();
            }
            for start in grids {
                if let Some(v) = newton(form, &sups, start, &payoffs, tolerance) {
                    candidates.push(v);
                }
            }
        }
        for v in candidates {
            let sigma = profile(&sups, &v, m);
            if sigma.iter().flatten().any(|&p| p < -SUPPORT) {
                continue;
            }
            let sigma: Vec<Vec<f64>> = sigma
                .into_iter()
                .map(|row| row.into_iter().map(|p| p.clamp(0.0, 1.0)).collect())
                .collect();
            if sups
                .iter()
                .zip(&sigma)
                .any(|(sup, row)| sup.iter().any(|&s| row[s] <= SUPPORT))
            {
                continue;
            }
            let (epsilon, epsilon_se) = form.epsilon(&sigma, &payoffs);
            if epsilon > 1e-9 * scale {
                continue;
            }
            let duplicate = found.iter().any(|f| {
                f.mix
                    .iter()
                    .flatten()
                    .zip(sigma.iter().flatten())
                    .all(|(a, b)| (a - b).abs() < 1e-6)
            });
            if !duplicate {
                found.push(MixedNash {
                    mix: sigma,
                    epsilon,
                    epsilon_se,
                    solved: true,
                });
            }
        }
        // Next choice of supports.
        let mut k = 0;
        loop {
            if k == seats {
                if found.is_empty() {
                    found.push(least_epsilon(form, &payoffs));
                }
                return found;
            }
            choice[k] += 1;
            if choice[k] < all.len() {
                break;
            }
            choice[k] = 0;
            k += 1;
        }
    }
}

/// The point of a grid of mixed profiles with the least `epsilon`.
fn least_epsilon(form: &Form, payoffs: &[(f64, f64)]) -> MixedNash {
    let m = form.strategies();
    let resolution = match form.seats() {
        1 => 40,
        2 => 12,
        _ => 6,
    };
    let grid = super::replicator::simplex_grid(m, resolution);
    let mut best: Option<MixedNash> = None;
    let mut index = vec![0usize; form.seats()];
    loop {
        let sigma: Vec<Vec<f64>> = index.iter().map(|&i| grid[i].clone()).collect();
        let (epsilon, epsilon_se) = form.epsilon(&sigma, payoffs);
        if best.as_ref().is_none_or(|b| epsilon < b.epsilon) {
            best = Some(MixedNash {
                mix: sigma,
                epsilon,
                epsilon_se,
                solved: false,
            });
        }
        let mut k = 0;
        loop {
            if k == index.len() {
                return best.expect("a grid point");
            }
            index[k] += 1;
            if index[k] < grid.len() {
                break;
            }
            index[k] = 0;
            k += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::table::{PayoffEstimate, names, test_matrix};

    fn close(a: &[f64], b: &[f64]) -> bool {
        a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-9)
    }

    fn has(found: &[MixedNash], mix: &[f64]) -> bool {
        found.iter().any(|f| close(&f.mix[0], mix) && f.solved)
    }

    #[test]
    fn coordination_has_two_pure_and_one_mixed_symmetric_equilibrium() {
        // (A, A) pays 2, (B, B) pays 1, mismatches 0: indifference
        // 2x = 1 - x, so x = 1/3.
        let found = symmetric(&test_matrix(&[&[2.0, 0.0], &[0.0, 1.0]]));
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(has(&found, &[1.0, 0.0]) && has(&found, &[0.0, 1.0]));
        assert!(has(&found, &[1.0 / 3.0, 2.0 / 3.0]), "{found:?}");
        assert!(found.iter().all(|f| f.epsilon < 1e-9));
    }

    #[test]
    fn rock_paper_scissors_mixes_equally() {
        let found = symmetric(&test_matrix(&[
            &[0.0, -1.0, 1.0],
            &[1.0, 0.0, -1.0],
            &[-1.0, 1.0, 0.0],
        ]));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(has(&found, &[1.0 / 3.0; 3]), "{found:?}");
        assert!(found[0].is_mixed());
    }

    #[test]
    fn a_three_player_volunteers_dilemma_solved_by_hand() {
        // Volunteering costs c = 1/4 and gives everyone b = 1; if nobody
        // volunteers everyone gets 0. Indifference: b - c = b (1 - (1 -
        // p)^2), so (1 - p)^2 = c / b and p = 1/2.
        let mut t = SymmetricTable::new(names(&["volunteer", "ignore"]), 3);
        for (p, counts) in t.profiles().to_vec().iter().enumerate() {
            if counts[0] > 0 {
                t.set(p, 0, PayoffEstimate::exact(0.75));
            }
            if counts[1] > 0 {
                t.set(
                    p,
                    1,
                    PayoffEstimate::exact(if counts[0] > 0 { 1.0 } else { 0.0 }),
                );
            }
        }
        let found = symmetric(&t);
        assert_eq!(found.len(), 1, "no pure symmetric equilibrium: {found:?}");
        assert!(has(&found, &[0.5, 0.5]), "{found:?}");
    }

    #[test]
    fn matching_pennies_between_two_seats_mixes_half_and_half() {
        let mut t = SeatTable::new(
            names(&["heads", "tails"]),
            names(&["matcher", "mismatcher"]),
        );
        for (p, q) in t.profiles().to_vec().iter().enumerate() {
            let same = q[0] == q[1];
            t.set(p, 0, PayoffEstimate::exact(if same { 1.0 } else { -1.0 }));
            t.set(p, 1, PayoffEstimate::exact(if same { -1.0 } else { 1.0 }));
        }
        let found = seats(&t);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].solved);
        assert!(close(&found[0].mix[0], &[0.5, 0.5]) && close(&found[0].mix[1], &[0.5, 0.5]));
        // An uneven one: the matcher wins 3 on heads-heads. The mismatcher
        // mixes to make the matcher indifferent: 3y - (1 - y) = -y + (1 -
        // y), y = 1/3; the matcher makes it indifferent: x = 1/2 still
        // (its payoffs are symmetric).
        let hh = t.index_of(&[0, 0]).unwrap();
        t.set(hh, 0, PayoffEstimate::exact(3.0));
        let found = seats(&t);
        assert!(
            close(&found[0].mix[1], &[1.0 / 3.0, 2.0 / 3.0]),
            "{found:?}"
        );
        assert!(close(&found[0].mix[0], &[0.5, 0.5]), "{found:?}");
    }

    #[test]
    fn epsilon_carries_the_payoffs_standard_errors() {
        // Hawk-dove, V = 2, C = 4, payoffs with SE 0.1: the mix x = 1/2.
        let p = |mean| PayoffEstimate { mean, se: 0.1 };
        let t = SymmetricTable::from_matrix(
            names(&["hawk", "dove"]),
            &[vec![p(-1.0), p(2.0)], vec![p(0.0), p(1.0)]],
        );
        let found = symmetric(&t);
        let mixed: Vec<_> = found.iter().filter(|f| f.is_mixed()).collect();
        assert_eq!(mixed.len(), 1);
        assert!(close(&mixed[0].mix[0], &[0.5, 0.5]));
        // Gain of hawk over the mix: (1/2)(f_H - f_D) with f_H - f_D =
        // (1/2)(u_HH - u_DH) + (1/2)(u_HD - u_DD): weights 1/4 on four
        // payoffs of SE 0.1, so SE = 0.1 * sqrt(4) / 4 = 0.05.
        assert!((mixed[0].epsilon_se - 0.05).abs() < 1e-9, "{mixed:?}");
    }
}
