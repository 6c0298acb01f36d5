//! The 2026 commitment to "delay development only if it believes it leads
//! the race and judges the risk of catastrophe significant".

use super::{Decision, View};
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
        view.rival_capability.is_empty() || view.capability - best_rival >= self.lead
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
    fn the_lead_threshold_is_inclusive() {
        assert!(RULE.believes_it_leads(&view(2.5, 0.0, &[2.0])));
    }

    #[test]
    fn a_lone_lab_always_leads() {
        assert!(RULE.believes_it_leads(&view(0.1, 0.0, &[])));
    }

    #[test]
    fn risk_perception_scales_the_believed_hazard() {
        let mut v = view(3.0, 0.006, &[]);
        assert!(!RULE.judges_risk_significant(&v));
        v.risk_perception = 2.0;
        assert!(RULE.judges_risk_significant(&v), "1 - exp(-0.012) > 0.01");
    }
}
