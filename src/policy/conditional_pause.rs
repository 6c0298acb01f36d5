//! "Pause if others do": the 2023 pause as an assurance contract. It binds a
//! lab only while at least `quorum` other labs are bound too; whether it does
//! is decided once, from every lab's policy, before a run starts
//! ([`bound_labs`]).

use super::{Rule, UnilateralPause};
use serde::Serialize;

/// `conditional_pause { thresholds, required = thresholds, quorum }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConditionalPause {
    /// Capability levels, strictly ascending, as in `unilateral_pause`.
    pub thresholds: Vec<f64>,
    /// Safety needed to pass each threshold, one per threshold.
    pub required: Vec<f64>,
    /// Other labs that must be bound for this lab's commitment to be in force.
    pub quorum: u32,
}

/// What binds a lab, as the quorum fixed point reads its policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Commitment {
    /// No pause rule: never bound.
    None,
    /// A `unilateral_pause`: always bound.
    Unilateral,
    /// The smallest quorum of the lab's `conditional_pause` rules (and no
    /// unilateral one): bound while that many others are.
    Conditional(u32),
}

impl Commitment {
    /// What a policy commits its lab to.
    pub fn of(rules: &[Rule]) -> Self {
        let mut commitment = Commitment::None;
        for rule in rules {
            commitment = match (rule, commitment) {
                (Rule::UnilateralPause(_), _) | (_, Commitment::Unilateral) => {
                    Commitment::Unilateral
                }
                (Rule::ConditionalPause(c), Commitment::Conditional(q)) => {
                    Commitment::Conditional(q.min(c.quorum))
                }
                (Rule::ConditionalPause(c), Commitment::None) => Commitment::Conditional(c.quorum),
                (_, other) => other,
            };
        }
        commitment
    }
}

/// The labs bound by a pause: the largest set in which every conditional
/// lab's quorum is met by the other labs of the set. Start from all labs
/// with a pause rule and remove conditional labs whose quorum the others
/// in the set do not meet, until nothing changes:
///
/// `B_0 = {i : commitment_i != None}`,
/// `B_{k+1} = {i in B_k : unilateral_i or |B_k \ {i}| >= quorum_i}`.
///
/// Removing labs only lowers the count the others see, so the sets shrink
/// to the greatest fixed point. (A conditional rule's own `quorum` is
/// checked per rule in [`ConditionalPause::in_force`]: a lab with several
/// is bound by the first and those of them whose quorum is met.)
pub fn bound_labs(commitments: &[Commitment]) -> Vec<bool> {
    let mut bound: Vec<bool> = commitments.iter().map(|c| *c != Commitment::None).collect();
    loop {
        let count = bound.iter().filter(|&&b| b).count();
        let mut changed = false;
        for (i, c) in commitments.iter().enumerate() {
            if let (true, Commitment::Conditional(quorum)) = (bound[i], c) {
                if (count - 1) < *quorum as usize {
                    bound[i] = false;
                    changed = true;
                }
            }
        }
        if !changed {
            return bound;
        }
    }
}

/// The number of other labs bound, for lab `i`, in the fixed point `bound`.
pub fn others_bound(bound: &[bool], i: usize) -> usize {
    bound.iter().filter(|&&b| b).count() - usize::from(bound[i])
}

impl ConditionalPause {
    /// The pause this rule is while in force.
    pub fn pause(&self) -> UnilateralPause {
        UnilateralPause {
            thresholds: self.thresholds.clone(),
            required: self.required.clone(),
        }
    }

    /// Whether this rule binds lab `i`: it is in the bound set, and at least
    /// `quorum` other labs are bound.
    pub fn in_force(&self, bound: &[bool], i: usize) -> bool {
        bound[i] && others_bound(bound, i) >= self.quorum as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Commitment::{Conditional, None as Free, Unilateral};

    #[test]
    fn three_labs_pausing_if_two_others_do_all_bind() {
        assert_eq!(bound_labs(&[Conditional(2); 3]), vec![true; 3]);
    }

    #[test]
    fn one_racer_unravels_a_quorum_of_two_among_three() {
        // Without the racer only one other lab is bound: neither keeps a quorum of 2.
        assert_eq!(
            bound_labs(&[Conditional(2), Conditional(2), Free]),
            vec![false, false, false]
        );
        // A quorum of 1 holds between the two.
        assert_eq!(
            bound_labs(&[Conditional(1), Conditional(1), Free]),
            vec![true, true, false]
        );
    }

    #[test]
    fn the_fixed_point_removes_labs_in_rounds() {
        // A unilateral lab, quorums 1, 2, 4 and 5, and a racer. The first
        // set is the five with a pause: round one drops the quorum of 5 (4
        // others in the set); round two then drops the quorum of 4 (3
        // others left); quorums 2 and 1 hold with the two others that stay.
        let commitments = [
            Unilateral,
            Conditional(1),
            Conditional(2),
            Conditional(4),
            Conditional(5),
            Free,
        ];
        assert_eq!(
            bound_labs(&commitments),
            vec![true, true, true, false, false, false]
        );
    }

    #[test]
    fn a_unilateral_lab_is_always_bound_and_a_racer_never() {
        assert_eq!(bound_labs(&[Unilateral, Free]), vec![true, false]);
        assert_eq!(bound_labs(&[Conditional(0)]), vec![true]);
        assert_eq!(bound_labs(&[Conditional(1)]), vec![false]);
    }

    #[test]
    fn a_policy_commits_to_its_strongest_pause() {
        let pause = UnilateralPause {
            thresholds: vec![3.0],
            required: vec![3.0],
        };
        let conditional = |quorum| {
            Rule::ConditionalPause(ConditionalPause {
                thresholds: pause.thresholds.clone(),
                required: pause.required.clone(),
                quorum,
            })
        };
        assert_eq!(Commitment::of(&[Rule::Race]), Free);
        assert_eq!(
            Commitment::of(&[conditional(2), conditional(1)]),
            Conditional(1)
        );
        assert_eq!(
            Commitment::of(&[conditional(2), Rule::UnilateralPause(pause.clone())]),
            Unilateral
        );
    }
}
