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
        self.apply_measured(view.capability, view.measured, view.safety, decision);
    }

    /// [`apply`](Self::apply) from the lab's own capability `C_i`, its
    /// measurement of it `Ctilde_i` and its safety, all the rule reads.
    ///
    /// The lab compares what it measures with the threshold,
    /// `paused |= Ctilde_i >= blocked`, and stops where it believes the
    /// threshold is: `ceiling = min(ceiling, blocked - (Ctilde_i - C_i))`.
    /// With an exact measurement (`Ctilde_i = C_i`) that is the 2023 rule
    /// to the bit. A step with `C_i >= blocked > Ctilde_i` is above a
    /// threshold the lab believes it is below (`unnoticed`).
    #[inline]
    pub fn apply_measured(
        &self,
        capability: f64,
        measured: f64,
        safety: f64,
        decision: &mut Decision,
    ) {
        let blocked = blocked_threshold(&self.thresholds, &self.required, safety);
        decision.ceiling = decision.ceiling.min(blocked - (measured - capability));
        decision.paused |= measured >= blocked;
        decision.unnoticed |= capability >= blocked && measured < blocked;
    }
}

/// `blocked = min { thresholds[k] : S < required[k] }` (infinity when safety
/// clears every bar): the pause's and the regulation's threshold.
#[inline]
pub fn blocked_threshold(thresholds: &[f64], required: &[f64], safety: f64) -> f64 {
    // Thresholds ascend, so the first blocked one is the lowest. Every
    // threshold is looked at, last to first, the first blocked kept: no
    // branch on where safety lies, which differs from run to run and
    // was mispredicted.
    let mut blocked = f64::INFINITY;
    for (&threshold, &required) in thresholds.iter().zip(required).rev() {
        if safety < required {
            blocked = threshold;
        }
    }
    blocked
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

    /// The rule's decision for a lab at `capability` and `safety`, measured
    /// exactly, with no rivals.
    fn decided(capability: f64, safety: f64) -> Decision {
        let mut d = Decision::base(0.1);
        rule().apply(&test_view(capability, safety, &[], &[]), &mut d);
        d
    }

    /// Below the first threshold whose bar its safety does not clear, the
    /// lab grows up to it (safety clearing a bar unblocks the next; clearing
    /// every bar lifts the ceiling).
    #[test]
    fn below_the_first_unmet_threshold_the_lab_grows_up_to_it() {
        for (capability, safety, ceiling) in
            [(2.0, 1.0, 3.0), (3.0, 3.5, 6.0), (8.0, 7.0, f64::INFINITY)]
        {
            let d = decided(capability, safety);
            assert_eq!(
                d.ceiling, ceiling,
                "capability {capability}, safety {safety}"
            );
            assert!(!d.paused);
        }
    }

    #[test]
    fn at_a_blocked_threshold_the_lab_pauses() {
        let d = decided(3.0, 3.4);
        assert!(d.paused);
        assert_eq!(d.capability_effort(), 0.0);
    }

    #[test]
    fn an_evaluation_that_underrates_by_b_binds_at_threshold_plus_b() {
        // Bias -0.5, no noise: Ctilde = C - 0.5.
        let mut d = Decision::base(0.1);
        rule().apply_measured(3.2, 2.7, 1.0, &mut d);
        assert_eq!(d.ceiling, 3.5, "the lab stops where it believes 3.0 is");
        assert!(!d.paused);
        assert!(d.unnoticed, "above 3.0 but measured below it");
        let mut d = Decision::base(0.1);
        rule().apply_measured(3.5, 3.0, 1.0, &mut d);
        assert!(
            d.paused,
            "measured at the threshold: the pause binds at 3.0 + 0.5"
        );
        assert!(!d.unnoticed);
    }
}
