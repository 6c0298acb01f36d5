//! The hazard: how likely a lab's models are to cause a catastrophe in one
//! step, rising with capability and with capability beyond safety.

use super::exp::exp;
use super::lane::Lane;
use serde::Serialize;

/// The `[world.hazard]` table of a scenario:
/// `lambda_0` (`base`), `C_ref` (`danger`), `a` (`capability_slope`), `b`
/// (`gap_slope`) and `lambda_win` (`win`) of the formulas below.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Hazard {
    pub base: f64,
    pub danger: f64,
    pub capability_slope: f64,
    pub gap_slope: f64,
    pub win: f64,
}

/// `lambda_i = lambda_0 exp(a (C - C_ref) + b (C - S))`, of each lane.
#[inline(always)]
pub fn hazard_rate<L: Lane>(hazard: &Hazard, capability: L, safety: L) -> L {
    if hazard.base == 0.0 {
        return L::splat(0.0); // and not 0 * inf when the exponent overflows
    }
    L::splat(hazard.base)
        * (L::splat(hazard.capability_slope) * (capability - L::splat(hazard.danger))
            + L::splat(hazard.gap_slope) * (capability - safety))
            .exp()
}

/// The extra hazard at the decisive moment: `lambda_win exp(b (C_w - S_w))`.
#[inline]
pub fn win_hazard(hazard: &Hazard, capability: f64, safety: f64) -> f64 {
    if hazard.win == 0.0 {
        return 0.0;
    }
    hazard.win * exp(hazard.gap_slope * (capability - safety))
}

/// Probability that a catastrophe has happened given cumulative hazard `H`:
/// `1 - exp(-H)`, accurate for small `H`.
#[inline]
pub fn catastrophe_probability(cumulative_hazard: f64) -> f64 {
    -(-cumulative_hazard).exp_m1()
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: Hazard = Hazard {
        base: 0.001,
        danger: 5.0,
        capability_slope: 0.4,
        gap_slope: 0.3,
        win: 0.05,
    };

    #[test]
    fn equals_base_at_the_danger_level_with_adequate_safety() {
        assert_eq!(hazard_rate(&H, 5.0, 5.0), 0.001);
    }

    #[test]
    fn follows_the_exponential_form() {
        let expected = 0.001 * (0.4f64 * 2.0 + 0.3 * 3.0).exp();
        assert!((hazard_rate(&H, 7.0, 4.0) - expected).abs() < 1e-15);
        assert!((win_hazard(&H, 7.0, 4.0) - 0.05 * 0.9f64.exp()).abs() < 1e-15);
    }

    #[test]
    fn safety_beyond_capability_lowers_the_hazard() {
        assert!(hazard_rate(&H, 5.0, 6.0) < hazard_rate(&H, 5.0, 5.0));
    }

    #[test]
    fn zero_base_is_zero_even_when_the_exponent_overflows() {
        let h = Hazard {
            base: 0.0,
            win: 0.0,
            ..H
        };
        assert_eq!(hazard_rate(&h, 1e6, 0.0), 0.0);
        assert_eq!(win_hazard(&h, 1e6, 0.0), 0.0);
    }

    #[test]
    fn probability_is_one_minus_exp() {
        assert_eq!(catastrophe_probability(0.0), 0.0);
        assert!((catastrophe_probability(1.0) - (1.0 - (-1.0f64).exp())).abs() < 1e-15);
        assert_eq!(catastrophe_probability(f64::INFINITY), 1.0);
    }
}
