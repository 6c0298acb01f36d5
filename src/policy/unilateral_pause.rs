//! The 2023 policy: capability thresholds that may not be crossed until the
//! lab's safety clears the bar set for each.

use super::{Decision, View};
use serde::Serialize;

/// `unilateral_pause { thresholds, required = thresholds }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnilateralPause {
    /// Capability levels, strictly ascending.
    pub thresholds: Vec<f64>,
    /// Safety needed to pass each threshold, one per threshold.
    pub required: Vec<f64>,
}

impl UnilateralPause {
    /// `blocked = min { thresholds[k] : S_i < required[k] }`; the lab may not
    /// grow past it, and pauses once it has reached it.
    #[inline]
    pub fn apply(&self, view: &View<'_>, decision: &mut Decision) {
        self.apply_own(view.capability, view.safety, decision);
    }

    /// [`apply`](Self::apply) from the lab's own capability and safety, all
    /// the rule reads.
    #[inline]
    pub fn apply_own(&self, capability: f64, safety: f64, decision: &mut Decision) {
        // Thresholds ascend, so the first blocked one is the lowest.
        let blocked = self
            .thresholds
            .iter()
            .zip(&self.required)
            .find(|&(_, &required)| safety < required)
            .map_or(f64::INFINITY, |(&threshold, _)| threshold);
        decision.ceiling = decision.ceiling.min(blocked);
        decision.paused |= capability >= blocked;
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Decision, test_view};
    use super::*;

    fn rule() -> UnilateralPause {
        UnilateralPause {
            thresholds: vec![3.0, 6.0],
            required: vec![3.5, 7.0],
        }
    }

    #[test]
    fn below_the_first_unmet_threshold_the_lab_grows_up_to_it() {
        let mut d = Decision::base(0.1);
        rule().apply(&test_view(2.0, 1.0, &[], &[]), &mut d);
        assert_eq!(d.ceiling, 3.0);
        assert!(!d.paused);
    }

    #[test]
    fn at_a_blocked_threshold_the_lab_pauses() {
        let mut d = Decision::base(0.1);
        rule().apply(&test_view(3.0, 3.4, &[], &[]), &mut d);
        assert!(d.paused);
        assert_eq!(d.capability_effort(), 0.0);
    }

    #[test]
    fn safety_that_clears_a_bar_unblocks_the_next_threshold() {
        let mut d = Decision::base(0.1);
        rule().apply(&test_view(3.0, 3.5, &[], &[]), &mut d);
        assert_eq!(d.ceiling, 6.0);
        assert!(!d.paused);
    }

    #[test]
    fn clearing_every_bar_lifts_the_ceiling() {
        let mut d = Decision::base(0.1);
        rule().apply(&test_view(8.0, 7.0, &[], &[]), &mut d);
        assert_eq!(d.ceiling, f64::INFINITY);
        assert!(!d.paused);
    }
}
