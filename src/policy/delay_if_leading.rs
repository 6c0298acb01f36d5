//! The 2026 commitment to "delay development only if it believes it leads
//! the race and judges the risk of catastrophe significant".

use super::{Decision, Seen, View};
use serde::Serialize;

/// `delay_if_leading { lead = 0, risk, slowdown = 1 }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DelayIfLeading {
    /// Lead over the best observed rival needed to believe one leads.
    pub lead: f64,
    /// Perceived per-step probability of catastrophe judged significant.
    pub risk: f64,
    /// Fraction of capability effort given up while delaying.
    pub slowdown: f64,
}

impl DelayIfLeading {
    /// Whether the lab believes it leads: `C_i - max_j Chat_ij >= lead`
    /// (a lone lab always leads).
    #[inline]
    pub fn believes_it_leads(&self, view: &View<'_>) -> bool {
        let best_rival = view
            .rival_capability
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        self.leads(view.capability, best_rival, view.rival_capability.len())
    }

    /// `C_i - max_j Chat_ij >= lead`, or no rivals at all.
    #[inline]
    fn leads(&self, capability: f64, best_rival: f64, rivals: usize) -> bool {
        rivals == 0 || capability - best_rival >= self.lead
    }

    /// Whether the perceived risk this step, `1 - exp(-risk_perception * lambda_i)`,
    /// reaches the threshold.
    #[inline]
    pub fn judges_risk_significant(&self, view: &View<'_>) -> bool {
        -(-view.risk_perception * view.hazard_rate).exp_m1() >= self.risk
    }

    /// Both beliefs: `mult *= 1 - slowdown`.
    #[inline]
    pub fn apply(&self, view: &View<'_>, decision: &mut Decision) {
        if self.believes_it_leads(view) && self.judges_risk_significant(view) {
            decision.mult *= 1.0 - self.slowdown;
            decision.delayed = true;
        }
    }

    /// [`apply`](Self::apply) from what the lab saw of its rivals, folded
    /// ([`Seen`]), and `significant`, which judges its risk (with this
    /// rule's [`RiskTest`]): the same decision, without the `exp_m1` almost
    /// always. The risk is judged only when the lab believes it leads
    /// (with risk noise, the believed hazard costs an `exp`).
    #[inline]
    pub fn apply_seen(
        &self,
        capability: f64,
        seen: &Seen,
        significant: impl FnOnce() -> bool,
        decision: &mut Decision,
    ) {
        if self.leads(capability, seen.best_capability(), seen.rivals()) && significant() {
            decision.mult *= 1.0 - self.slowdown;
            decision.delayed = true;
        }
    }
}

/// `-exp_m1(y) >= risk` for `y = -risk_perception * lambda`, the test of
/// [`DelayIfLeading::judges_risk_significant`], answered by comparing `y`
/// with the threshold `ln(1 - risk)` where that settles it.
///
/// `1 - e^y` falls as `y` rises, so the test holds exactly for `y` up to a
/// threshold `y*`. Outside a band of relative width 1e-6 around it the
/// answer is plain; inside, `exp_m1` is called as before. The band is
/// millions of times wider than the error of `exp_m1` and `ln_1p`, so the
/// answer is always the one `exp_m1` gives. For `risk` above 0.5
/// (where `1 - risk` loses digits) or tiny or zero, the band is empty and
/// `exp_m1` always decides.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RiskTest {
    risk: f64,
    /// `y` above this: not significant.
    clearly_below: f64,
    /// `y` below this: significant.
    clearly_above: f64,
    /// The same, a relative `OUTER` further out: where a `y` computed
    /// with an `exp` a few ulps off the system's still settles the answer
    /// ([`significant_believed`](Self::significant_believed)).
    outer_below: f64,
    outer_above: f64,
}

impl RiskTest {
    const BAND: f64 = 1e-6;
    const OUTER: f64 = 1e-9;

    pub fn new(risk: f64) -> Self {
        if risk > 1e-300 && risk <= 0.5 {
            // y* = ln(1 - risk) < 0.
            let threshold = (-risk).ln_1p();
            let (clearly_below, clearly_above) = (
                threshold * (1.0 - Self::BAND),
                threshold * (1.0 + Self::BAND),
            );
            RiskTest {
                risk,
                clearly_below,
                clearly_above,
                outer_below: clearly_below * (1.0 - Self::OUTER),
                outer_above: clearly_above * (1.0 + Self::OUTER),
            }
        } else {
            RiskTest {
                risk,
                clearly_below: f64::INFINITY,
                clearly_above: f64::NEG_INFINITY,
                outer_below: f64::INFINITY,
                outer_above: f64::NEG_INFINITY,
            }
        }
    }

    /// [`significant`](Self::significant) of `y = -perception * believed`,
    /// the believed hazard being `lambda exp(exponent)` with the system's
    /// `exp` ([`believed_hazard_of`](crate::model::evaluation::believed_hazard_of);
    /// `lambda` itself for a zero exponent), answered without that `exp`
    /// almost always: the model's own [`exp`](crate::model::exp::exp),
    /// inlined, is within an ulp of the system's, so the `y` it gives is
    /// within a few ulps of the true one, and outside the band widened by
    /// a relative `1e-9` (millions of times those ulps) it gives the same
    /// answer. Inside, or for a NaN, the system's `exp` decides as before.
    #[inline]
    pub fn significant_believed(&self, perception: f64, hazard: f64, exponent: f64) -> bool {
        if exponent == 0.0 {
            return self.significant(-perception * hazard);
        }
        self.significant_noisy(perception, hazard, exponent)
    }

    /// [`significant_believed`](Self::significant_believed) with risk
    /// noise, out of line: inlined, LLVM took the model's `exp` (pure and
    /// cheap to speculate) out of the delay rules' loop and computed it for
    /// every lab in every step, though only a lab that believes it leads
    /// asks for it.
    #[inline(never)]
    fn significant_noisy(&self, perception: f64, hazard: f64, exponent: f64) -> bool {
        let approximate = -perception * (hazard * crate::model::exp::exp(exponent));
        if approximate > self.outer_below {
            false
        } else if approximate < self.outer_above {
            true
        } else {
            self.significant_exactly(perception, hazard, exponent)
        }
    }

    /// The test with the system's `exp`, out of line: inlined, its `exp`
    /// (which LLVM takes for a pure function) was hoisted out of the
    /// branches that need it and computed for every lab in every step.
    #[cold]
    #[inline(never)]
    fn significant_exactly(&self, perception: f64, hazard: f64, exponent: f64) -> bool {
        let believed = crate::model::evaluation::believed_hazard_of(hazard, exponent);
        self.significant(-perception * believed)
    }

    /// Whether `-exp_m1(y) >= risk`.
    #[inline]
    pub fn significant(&self, y: f64) -> bool {
        if y > self.clearly_below {
            false
        } else if y < self.clearly_above {
            true
        } else {
            -y.exp_m1() >= self.risk
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Decision, View, test_view};
    use super::*;

    const RULE: DelayIfLeading = DelayIfLeading {
        lead: 0.5,
        risk: 0.01,
        slowdown: 0.5,
    };

    fn view<'a>(capability: f64, hazard_rate: f64, rivals: &'a [f64]) -> View<'a> {
        View {
            hazard_rate,
            ..test_view(capability, 0.0, rivals, &[])
        }
    }

    #[test]
    fn delays_only_when_leading_and_at_risk() {
        let at_risk = 0.02;
        let cases = [
            (3.0, at_risk, true),  // leads by 1.0, risk 1.98%
            (2.4, at_risk, false), // leads by 0.4 < 0.5
            (3.0, 0.005, false),   // risk 0.5% < 1%
        ];
        for (capability, hazard, delays) in cases {
            let mut d = Decision::base(0.1);
            RULE.apply(&view(capability, hazard, &[2.0, 1.0]), &mut d);
            assert_eq!(
                d.delayed, delays,
                "capability {capability}, hazard {hazard}"
            );
            assert_eq!(d.mult, if delays { 0.5 } else { 1.0 });
        }
    }

    #[test]
    fn the_best_rival_is_the_fold_of_max() {
        let odd = [
            1.0,
            -2.5,
            0.0,
            -0.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        for a in odd {
            for b in odd {
                for rivals in [&[a, b][..], &[a], &[a, b, a], &[]] {
                    let fold = rivals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    let got = Seen::of(rivals, rivals).best_capability();
                    assert_eq!(got.to_bits(), fold.to_bits(), "{rivals:?}");
                }
            }
        }
    }

    #[test]
    fn the_lead_threshold_is_inclusive() {
        assert!(RULE.believes_it_leads(&view(2.5, 0.0, &[2.0])));
    }

    #[test]
    fn a_lone_lab_always_leads() {
        assert!(RULE.believes_it_leads(&view(0.1, 0.0, &[])));
    }

    #[test]
    fn the_risk_test_answers_as_exp_m1_does() {
        let exact = |risk: f64, y: f64| -y.exp_m1() >= risk;
        let mut uniform = crate::testing::lcg_uniform(1);
        for risk in [0.0, 1e-300, 1e-12, 0.002, 0.01, 0.3, 0.5, 0.7, 1.0] {
            let test = RiskTest::new(risk);
            let threshold = (-risk).ln_1p();
            let mut ys = vec![0.0, -0.0, f64::NEG_INFINITY, f64::NAN, -1e-310, -800.0];
            if threshold.is_finite() {
                // Every float within 2000 ulps of the threshold, and around it.
                let bits = threshold.to_bits();
                ys.extend((bits - 2000..bits + 2000).map(f64::from_bits));
                ys.extend((0..20_000).map(|_| threshold * (1.0 + 4e-6 * (uniform() - 0.5))));
                ys.extend((0..20_000).map(|_| threshold * 4.0 * uniform()));
            }
            for y in ys {
                assert_eq!(test.significant(y), exact(risk, y), "risk {risk}, y {y:e}");
            }
        }
    }

    #[test]
    fn apply_seen_with_the_risk_test_is_apply() {
        for hazard in [
            0.0,
            0.001,
            0.002,
            0.0020020026706730793,
            0.003,
            f64::INFINITY,
        ] {
            for capability in [2.0, 2.5, 3.0] {
                let v = view(capability, hazard, &[2.0]);
                let (mut a, mut b) = (Decision::base(0.1), Decision::base(0.1));
                RULE.apply(&v, &mut a);
                let y = -v.risk_perception * v.hazard_rate;
                let seen = Seen::of(v.rival_capability, v.rival_capability);
                let risk = RiskTest::new(RULE.risk);
                RULE.apply_seen(capability, &seen, || risk.significant(y), &mut b);
                assert_eq!(a, b);
            }
        }
    }

    #[test]
    fn the_believed_risk_test_answers_as_the_system_exp_does() {
        use crate::model::evaluation::believed_hazard_of;
        let mut uniform = crate::testing::lcg_uniform(7);
        for risk in [0.0, 1e-300, 1e-12, 0.002, 0.01, 0.3, 0.5, 0.7, 1.0] {
            let test = RiskTest::new(risk);
            let threshold = (-risk).ln_1p();
            for k in 0..40_000 {
                let perception: f64 = [1.0, 0.5, 2.0, 0.0][k % 4];
                let exponent: f64 =
                    [0.0, 4.0 * (uniform() - 0.5), 1000.0, -1000.0, f64::NAN][k % 5];
                // Hazards whose believed y falls near the threshold (within
                // a few times the band), and anywhere.
                let hazard = if k % 3 == 0 || !threshold.is_finite() {
                    [0.0, 1e-310, 0.01 * uniform(), f64::INFINITY][k % 4]
                } else {
                    let y = threshold * (1.0 + 8e-6 * (uniform() - 0.5));
                    -y / perception.max(0.5) / exponent.exp()
                };
                let exact = test.significant(-perception * believed_hazard_of(hazard, exponent));
                assert_eq!(
                    test.significant_believed(perception, hazard, exponent),
                    exact,
                    "risk {risk}, perception {perception}, hazard {hazard:e}, exponent {exponent}"
                );
            }
        }
    }

    #[test]
    fn risk_perception_scales_the_believed_hazard() {
        let mut v = view(3.0, 0.006, &[]);
        assert!(!RULE.judges_risk_significant(&v));
        v.risk_perception = 2.0;
        assert!(RULE.judges_risk_significant(&v), "1 - exp(-0.012) > 0.01");
    }
}
