//! Variance-based sensitivity (Sobol') indices from a Saltelli design: how
//! much of an outcome's variance over the worlds each unknown explains
//! alone (first order, `S1`) and with all its interactions (total, `ST`).
//!
//! With `f(A)`, `f(B)`, `f(AB_i)` over `N` base samples and
//! `V = Var[f(A) ∪ f(B)]` (the population variance of the `2N` values):
//!
//! - first order (Saltelli et al. 2010, eq. (b) of table 2):
//!   `S1_i = (1/N) Σ_j f(B)_j (f(AB_i)_j − f(A)_j) / V`
//! - total (Jansen 1999): `ST_i = (1/(2N)) Σ_j (f(A)_j − f(AB_i)_j)² / V`
//!
//! The 95% intervals are bootstrap percentile intervals: the `N` base
//! samples are resampled with replacement (the same resample for every
//! factor, so the indices keep their joint spread), the indices recomputed,
//! and the 2.5% and 97.5% quantiles taken. They cover the Monte Carlo error
//! of the design's `N` worlds, not the error of each world's outcome (which
//! the experiments' runs estimate, and which enters `V`).

use super::design::SaltelliOutputs;
use super::quantile;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Bootstrap resamples of the indices' intervals.
pub const BOOTSTRAP_RESAMPLES: usize = 1000;

/// One factor's indices with their bootstrap 95% intervals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Indices {
    pub s1: f64,
    pub s1_low: f64,
    pub s1_high: f64,
    pub st: f64,
    pub st_low: f64,
    pub st_high: f64,
}

/// The outputs of a Saltelli design laid out base sample by base sample:
/// `ab[j k + i]` is `f(AB_i)_j`, so one pass over a (resampled) list of base
/// samples accumulates every factor's sums side by side.
struct ByBaseSample {
    a: Vec<f64>,
    b: Vec<f64>,
    ab: Vec<f64>,
    k: usize,
}

impl ByBaseSample {
    fn new(out: &SaltelliOutputs) -> ByBaseSample {
        let (n, k) = (out.a.len(), out.ab.len());
        let mut ab = vec![0.0; n * k];
        for (i, column) in out.ab.iter().enumerate() {
            for (j, &y) in column.iter().enumerate() {
                ab[j * k + i] = y;
            }
        }
        ByBaseSample {
            a: out.a.clone(),
            b: out.b.clone(),
            ab,
            k,
        }
    }
}

/// `S1` and `ST` of every factor from the base samples `rows` (indices
/// into `out`, repeated when resampled). `None` when the outcome does not
/// vary (`V = 0`). Each factor's sums run over `rows` in order, whatever
/// the layout, so the indices are the same bits as summing factor by
/// factor.
fn point(out: &ByBaseSample, rows: &[usize]) -> Option<Vec<(f64, f64)>> {
    let n = rows.len() as f64;
    let mean = rows.iter().map(|&j| out.a[j] + out.b[j]).sum::<f64>() / (2.0 * n);
    let variance = rows
        .iter()
        .map(|&j| (out.a[j] - mean).powi(2) + (out.b[j] - mean).powi(2))
        .sum::<f64>()
        / (2.0 * n);
    if variance.is_nan() || variance <= 0.0 {
        return None;
    }
    let k = out.k;
    let (mut first, mut total) = (vec![0.0; k], vec![0.0; k]);
    for &j in rows {
        let (a, b) = (out.a[j], out.b[j]);
        let ab = &out.ab[j * k..(j + 1) * k];
        for ((f, t), &ab) in first.iter_mut().zip(total.iter_mut()).zip(ab) {
            *f += b * (ab - a);
            *t += (a - ab).powi(2);
        }
    }
    Some(
        first
            .into_iter()
            .zip(total)
            .map(|(first, total)| (first / n / variance, total / (2.0 * n) / variance))
            .collect(),
    )
}

/// The indices of every factor with bootstrap intervals (`resamples`
/// resamples from a ChaCha8 generator seeded with `seed`). `None` when the
/// outcome does not vary over the worlds.
pub fn indices(out: &SaltelliOutputs, resamples: usize, seed: u64) -> Option<Vec<Indices>> {
    let n = out.a.len();
    let out = &ByBaseSample::new(out);
    let all: Vec<usize> = (0..n).collect();
    let estimate = point(out, &all)?;
    let k = estimate.len();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut first: Vec<Vec<f64>> = vec![Vec::with_capacity(resamples); k];
    let mut total: Vec<Vec<f64>> = vec![Vec::with_capacity(resamples); k];
    let mut rows = vec![0; n];
    for _ in 0..resamples {
        for r in rows.iter_mut() {
            *r = rng.random_range(0..n);
        }
        // A resample in which the outcome happens not to vary says
        // nothing about the indices: it is left out.
        if let Some(values) = point(out, &rows) {
            for (i, (s1, st)) in values.into_iter().enumerate() {
                first[i].push(s1);
                total[i].push(st);
            }
        }
    }
    Some(
        estimate
            .into_iter()
            .enumerate()
            .map(|(i, (s1, st))| {
                first[i].sort_by(f64::total_cmp);
                total[i].sort_by(f64::total_cmp);
                Indices {
                    s1,
                    s1_low: quantile(&first[i], 0.025),
                    s1_high: quantile(&first[i], 0.975),
                    st,
                    st_low: quantile(&total[i], 0.025),
                    st_high: quantile(&total[i], 0.975),
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explore::design::saltelli;
    use std::f64::consts::PI;

    fn run(f: impl Fn(&[f64]) -> f64, n: usize, k: usize, seed: u64) -> Vec<Indices> {
        let y: Vec<f64> = saltelli(n, k, seed).iter().map(|x| f(x)).collect();
        indices(&SaltelliOutputs::split(&y, k), BOOTSTRAP_RESAMPLES, seed).unwrap()
    }

    fn assert_covered(got: &[Indices], s1: &[f64], st: &[f64]) {
        for i in 0..got.len() {
            let g = got[i];
            assert_within("S1", i, s1[i], (g.s1, g.s1_low, g.s1_high));
            assert_within("ST", i, st[i], (g.st, g.st_low, g.st_high));
        }
    }

    /// That the true index `name[i] = truth` is inside the interval of
    /// `(estimate, low, high)`.
    fn assert_within(name: &str, i: usize, truth: f64, (estimate, low, high): (f64, f64, f64)) {
        assert!(
            low <= truth && truth <= high,
            "{name}[{i}] = {truth} not in [{low}, {high}] (estimate {estimate})"
        );
    }

    /// Ishigami: `sin x1 + a sin² x2 + b x3⁴ sin x1` on `[-π, π]³`, whose
    /// indices are known in closed form (Ishigami & Homma 1990).
    #[test]
    fn ishigami_indices_are_within_their_intervals() {
        let (a, b) = (7.0, 0.1);
        let ishigami = |u: &[f64]| {
            let x: Vec<f64> = u.iter().map(|u| -PI + 2.0 * PI * u).collect();
            x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin()
        };
        let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
        let v2 = a * a / 8.0;
        let v13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
        let v = v1 + v2 + v13;
        let s1 = [v1 / v, v2 / v, 0.0];
        let st = [(v1 + v13) / v, v2 / v, v13 / v];
        // The published values, to three decimals.
        for (got, want) in s1.iter().zip([0.314, 0.442, 0.0]) {
            assert!((got - want).abs() < 1e-3);
        }
        for (got, want) in st.iter().zip([0.558, 0.442, 0.244]) {
            assert!((got - want).abs() < 1e-3);
        }
        let got = run(ishigami, 4096, 3, 11);
        assert_covered(&got, &s1, &st);
        // The intervals are tight enough to say something.
        assert!(got.iter().all(|g| g.st_high - g.st_low < 0.1));
    }

    /// `Y = Σ c_i X_i` with independent uniform `X_i`: `S1_i = ST_i =
    /// c_i² / Σ c²`; a factor with `c = 0` has both zero.
    #[test]
    fn linear_model_indices_are_within_their_intervals() {
        let c = [4.0, 2.0, 1.0, 0.0];
        let sum: f64 = c.iter().map(|c| c * c).sum();
        let want: Vec<f64> = c.iter().map(|c| c * c / sum).collect();
        let got = run(|x| x.iter().zip(&c).map(|(x, c)| x * c).sum(), 2048, 4, 5);
        assert_covered(&got, &want, &want);
        assert_eq!(
            got[3].st, 0.0,
            "a factor with no effect has exactly zero ST"
        );
    }

    #[test]
    fn a_constant_outcome_has_no_indices() {
        let y = vec![1.0; 5 * 16];
        assert!(indices(&SaltelliOutputs::split(&y, 3), 10, 1).is_none());
    }

    #[test]
    fn bootstrap_is_seeded() {
        let f = |x: &[f64]| x[0] + x[1] * x[1];
        assert_eq!(run(f, 64, 2, 3), run(f, 64, 2, 3));
    }
}
