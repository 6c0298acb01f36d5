//! Morris screening (elementary effects): a cheap ranking of which unknowns
//! matter, from `r` one-factor-at-a-time trajectories.
//!
//! Along a trajectory, factor `i` moves once by `±Δ` (on the unit cube);
//! its elementary effect is `EE_i = (f(x + Δ_i e_i) − f(x)) / Δ_i`. Over
//! the `r` trajectories: `μ = mean EE_i`, `μ* = mean |EE_i|` (Campolongo
//! et al. 2007: influence, not cancelled by sign changes) and `σ` = the
//! sample standard deviation of `EE_i` (non-linearity or interactions).
//! Effects are per unit of the unit cube, i.e. per the factor's whole range.

use super::design::MorrisDesign;

/// One factor's screening measures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Effects {
    pub mu: f64,
    pub mu_star: f64,
    pub sigma: f64,
}

/// The measures of every factor from outputs `y` in design order.
pub fn effects(design: &MorrisDesign, y: &[f64]) -> Vec<Effects> {
    let k = design.k;
    let mut ee: Vec<Vec<f64>> = vec![Vec::with_capacity(design.moves.len()); k];
    for (t, moves) in design.moves.iter().enumerate() {
        let base = t * (k + 1);
        for (s, &(i, delta)) in moves.iter().enumerate() {
            ee[i].push((y[base + s + 1] - y[base + s]) / delta);
        }
    }
    ee.iter()
        .map(|e| {
            let r = e.len() as f64;
            let mu = e.iter().sum::<f64>() / r;
            let mu_star = e.iter().map(|x| x.abs()).sum::<f64>() / r;
            let sigma = if e.len() > 1 {
                (e.iter().map(|x| (x - mu).powi(2)).sum::<f64>() / (r - 1.0)).sqrt()
            } else {
                0.0
            };
            Effects { mu, mu_star, sigma }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explore::design::morris;

    /// `f = 10 x0 + 5 x1 x2 + 0 x3`: x0 acts linearly (every effect is 10,
    /// σ = 0); x1 and x2 act through their interaction (σ > 0, and
    /// `μ = 5 E[x_other] ≈ 2.5`); x3 does nothing (μ* = σ = 0).
    #[test]
    fn known_influential_and_inert_factors() {
        let design = morris(200, 4, 4, 9);
        let y: Vec<f64> = design
            .points
            .iter()
            .map(|x| 10.0 * x[0] + 5.0 * x[1] * x[2])
            .collect();
        let e = effects(&design, &y);
        assert!((e[0].mu - 10.0).abs() < 1e-9 && (e[0].mu_star - 10.0).abs() < 1e-9);
        assert!(e[0].sigma < 1e-9);
        for i in [1, 2] {
            // The other factor is uniform on the 4 levels {0, 1/3, 2/3, 1}
            // (mean 0.5, sd ≈ 0.373) at a trajectory's start and moves
            // with it: μ ≈ 2.5, at 4 standard errors of 200 effects.
            let se = 5.0 * 0.373 / (200f64).sqrt();
            assert!((e[i].mu - 2.5).abs() < 4.0 * se, "{i}: {:?}", e[i]);
            assert!(e[i].sigma > 0.5, "{i}: {:?}", e[i]);
        }
        assert_eq!(e[3].mu_star, 0.0);
        assert_eq!(e[3].sigma, 0.0);
        let mut order: Vec<usize> = (0..4).collect();
        order.sort_by(|a, b| e[*b].mu_star.total_cmp(&e[*a].mu_star));
        assert_eq!(order[0], 0);
        assert_eq!(order[3], 3);
    }
}
