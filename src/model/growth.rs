//! Growth of capability, safety and resources in one step.
//!
//! Every formula is generic over [`Lane`]: the engine applies it to one run
//! (`f64`) or to four in lockstep, and both get the same bits.

use super::lane::Lane;

/// `x^p` for an exponent fixed by the scenario, with the common cases
/// (`returns = 0.5`, `frontier_access` 0 or 1) done without `powf`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Power {
    Zero,
    Half,
    One,
    General(f64),
}

impl Power {
    pub fn new(exponent: f64) -> Self {
        match exponent {
            0.0 => Power::Zero,
            0.5 => Power::Half,
            1.0 => Power::One,
            p => Power::General(p),
        }
    }

    /// `x^p`, of each lane. The exponents of the shipped scenarios (0.5
    /// and 1) are tested in line; the others are a call away, lane by lane.
    /// (A four-way `match` here compiles to a jump table: an indirect
    /// branch per use in the hot loop.)
    #[inline(always)]
    pub fn apply<L: Lane>(self, x: L) -> L {
        if self == Power::Half {
            x.sqrt()
        } else if self == Power::One {
            x
        } else {
            x.map(|x| self.apply_other(x))
        }
    }

    #[inline(never)]
    pub(crate) fn apply_other(self, x: f64) -> f64 {
        match self {
            Power::Zero => 1.0,
            Power::Half => x.sqrt(),
            Power::One => x,
            Power::General(p) => x.powf(p),
        }
    }
}

/// The world's parameters of growth, fixed for a scenario.
#[derive(Debug, Clone, Copy)]
pub struct GrowthParams {
    /// alpha, as a power.
    pub returns: Power,
    /// gamma, as a power.
    pub frontier_access: Power,
    /// sigma_c.
    pub capability_noise: f64,
    /// kappa.
    pub spillover: f64,
    /// g_R.
    pub resource_growth: f64,
    /// m.
    pub market_feedback: f64,
}

impl GrowthParams {
    /// The lognormal factor `exp(sigma_c z - sigma_c^2 / 2)`, mean one.
    #[inline(always)]
    pub fn noise_factor<L: Lane>(&self, z: L) -> L {
        let s = self.capability_noise;
        if s == 0.0 {
            L::splat(1.0)
        } else {
            (L::splat(s) * z - L::splat(0.5 * s * s)).exp()
        }
    }

    /// `dC_i = g_i (R_i e_c)^alpha * noise + kappa (Cmax - C_i)`.
    #[inline(always)]
    pub fn capability_increment<L: Lane>(
        &self,
        rate: f64,
        resources: L,
        effort: L,
        noise: L,
        capability: L,
        frontier: L,
    ) -> L {
        L::splat(rate) * self.returns.apply(resources * effort) * noise
            + L::splat(self.spillover) * (frontier - capability)
    }

    /// `dS_i = h_i (R_i e_s)^alpha (C_i / Cmax)^gamma`.
    #[inline(always)]
    pub fn safety_increment<L: Lane>(
        &self,
        rate: f64,
        resources: L,
        effort: L,
        capability: L,
        frontier: L,
    ) -> L {
        L::splat(rate)
            * self.returns.apply(resources * effort)
            * self.frontier_access.apply(capability / frontier)
    }

    /// `R_i' = R_i max(0, 1 + g_R + m (n C_i / sum_j C_j - 1))`.
    #[inline(always)]
    pub fn next_resources<L: Lane>(
        &self,
        resources: L,
        capability: L,
        labs: usize,
        total_capability: L,
    ) -> L {
        let relative = L::splat(labs as f64) * capability / total_capability;
        resources
            * max_num(
                L::splat(1.0 + self.resource_growth)
                    + L::splat(self.market_feedback) * (relative - L::splat(1.0)),
                L::splat(0.0),
            )
    }

    /// One lab's step of growth from the state at the start of the step,
    /// its decision (capability effort `e_c`, ceiling) and its noise
    /// factor, with `Cmax` and `sum_j C_j` of that state: its capability
    /// ([`capped_capability`] of [`capability_increment`](Self::capability_increment)),
    /// safety, resources and the effort spent on safety, `1 - e_c`.
    #[inline(always)]
    pub fn grow<L: Lane>(
        &self,
        lab: &LabGrowth<L>,
        frontier: L,
        labs: usize,
        total: L,
    ) -> Grown<L> {
        let spent_on_safety = L::splat(1.0) - lab.effort;
        let dc = self.capability_increment(
            lab.capability_rate,
            lab.resources,
            lab.effort,
            lab.noise,
            lab.capability,
            frontier,
        );
        Grown {
            capability: capped_capability(lab.capability, dc, lab.ceiling),
            safety: lab.safety
                + self.safety_increment(
                    lab.safety_rate,
                    lab.resources,
                    spent_on_safety,
                    lab.capability,
                    frontier,
                ),
            resources: self.next_resources(lab.resources, lab.capability, labs, total),
            safety_effort: spent_on_safety,
        }
    }
}

/// What [`GrowthParams::grow`] reads of one lab (of one run or several).
#[derive(Debug, Clone, Copy)]
pub struct LabGrowth<L> {
    /// `g_i` and `h_i`.
    pub capability_rate: f64,
    pub safety_rate: f64,
    pub capability: L,
    pub safety: L,
    pub resources: L,
    /// `e_c` and the ceiling this step.
    pub effort: L,
    pub ceiling: L,
    /// The lognormal factor ([`GrowthParams::noise_factor`]).
    pub noise: L,
}

/// A lab after a step of growth: `C_i'`, `S_i'`, `R_i'` and `1 - e_c`.
#[derive(Debug, Clone, Copy)]
pub struct Grown<L> {
    pub capability: L,
    pub safety: L,
    pub resources: L,
    pub safety_effort: L,
}

/// `a.max(b)` written out, so that every lane does the same to the bit:
/// `b` if it is greater or `a` is NaN, else `a`. (`f64::max` may return
/// either zero of `max(-0.0, 0.0)`.)
#[inline(always)]
pub fn max_num<L: Lane>(a: L, b: L) -> L {
    L::select(b.gt(a) | a.is_nan(), b, a)
}

/// `a.min(b)` written out, as [`max_num`]: `b` if it is less or `a` is NaN,
/// else `a`.
#[inline(always)]
pub fn min_num<L: Lane>(a: L, b: L) -> L {
    L::select(b.lt(a) | a.is_nan(), b, a)
}

/// `C_i' = min(C_i + dC_i, max(C_i, ceiling))`: growth stops at a ceiling,
/// and capability never falls.
#[inline(always)]
pub fn capped_capability<L: Lane>(capability: L, increment: L, ceiling: L) -> L {
    let grown = capability + increment;
    let infinity = L::splat(f64::INFINITY);
    // No ceiling (the usual case) is the same as the general formula, as
    // max(C, inf) is inf and min(x, inf) is x, or inf for a NaN x; written
    // apart, one run at a time takes two compares fewer.
    L::select(
        ceiling.eq(infinity),
        L::select(grown.is_nan(), infinity, grown),
        min_num(grown, max_num(capability, ceiling)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: GrowthParams = GrowthParams {
        returns: Power::Half,
        frontier_access: Power::One,
        capability_noise: 0.3,
        spillover: 0.1,
        resource_growth: 0.02,
        market_feedback: 0.5,
    };

    #[test]
    fn powers_agree_with_powf() {
        for p in [0.0, 0.5, 1.0, 0.37, 2.0] {
            for x in [0.0, 0.25, 1.0, 3.5] {
                let expected = if p == 0.0 { 1.0 } else { f64::powf(x, p) };
                assert!((Power::new(p).apply(x) - expected).abs() < 1e-15, "{x}^{p}");
            }
        }
    }

    #[test]
    fn capability_grows_with_effort_and_catches_up() {
        // 0.1 * sqrt(4 * 0.25) * 1 + 0.1 * (3 - 1)
        let d = P.capability_increment(0.1, 4.0, 0.25, 1.0, 1.0, 3.0);
        assert!((d - 0.3).abs() < 1e-15);
    }

    #[test]
    fn safety_research_slows_away_from_the_frontier() {
        let at_frontier = P.safety_increment(0.1, 1.0, 1.0, 2.0, 2.0);
        let behind = P.safety_increment(0.1, 1.0, 1.0, 1.0, 2.0);
        assert!((at_frontier - 0.1).abs() < 1e-15);
        assert!((behind - 0.05).abs() < 1e-15);
    }

    #[test]
    fn resources_follow_relative_capability_and_never_go_negative() {
        assert!((P.next_resources(1.0, 1.0, 2, 2.0) - 1.02).abs() < 1e-15);
        assert!((P.next_resources(1.0, 1.5, 2, 2.0) - 1.27).abs() < 1e-12);
        let harsh = GrowthParams {
            market_feedback: 1.0,
            resource_growth: -0.5,
            ..P
        };
        assert_eq!(harsh.next_resources(1.0, 0.0, 2, 2.0), 0.0);
    }

    #[test]
    fn the_noise_factor_has_mean_one() {
        // E[exp(s z - s^2/2)] = 1: check by quadrature over the normal density.
        let n = 20_000;
        let mut total = 0.0;
        for k in 0..n {
            let z = -8.0 + 16.0 * (k as f64 + 0.5) / n as f64;
            total += P.noise_factor(z) * (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt()
                * 16.0
                / n as f64;
        }
        assert!((total - 1.0).abs() < 1e-9, "{total}");
    }

    #[test]
    fn ceilings_stop_growth_but_never_lower_capability() {
        assert_eq!(capped_capability(2.0, 1.5, 3.0), 3.0);
        assert_eq!(capped_capability(3.2, 1.0, 3.0), 3.2);
        assert_eq!(capped_capability(2.0, 0.5, f64::INFINITY), 2.5);
    }

    #[test]
    fn no_ceiling_is_the_general_formula() {
        let odd = [
            0.0,
            -0.0,
            1.5,
            -2.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            1e308,
        ];
        for c in odd {
            for d in odd {
                let general = (c + d).min(c.max(f64::INFINITY));
                let got = capped_capability(c, d, f64::INFINITY);
                assert_eq!(got.to_bits(), general.to_bits(), "{c} + {d}");
            }
        }
    }
}
