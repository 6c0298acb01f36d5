//! The 2026 commitment to "match or surpass the safety efforts of
//! competitors": the lab's safety share never falls below the observed share
//! of its rivals plus a margin.

#[cfg(test)]
use super::test_view;
use super::{Decision, Seen, View};
use serde::Serialize;

/// Which observed rival share the lab matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reference {
    /// The mean over rivals.
    Mean,
    /// The most careful rival.
    Max,
    /// The rival with the highest observed capability (lowest index on a tie).
    Leader,
}

/// What of a rival's safety the lab matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Observe {
    /// The safety effort the rival spent last step, including what a pause,
    /// a delay or a penalty moved to safety.
    #[default]
    Effort,
    /// The rival's committed share last step: its `safety_share` raised by
    /// its own `match_competitors` and `safety_roadmap` rules, without what
    /// pauses, delays and penalties forced.
    Commitment,
}

impl Observe {
    fn is_effort(&self) -> bool {
        *self == Observe::Effort
    }
}

/// `match_competitors { margin = 0, reference = "mean", observe = "effort" }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchCompetitors {
    pub margin: f64,
    pub reference: Reference,
    /// Left out of a written scenario when it is the default, so that
    /// scenarios without it write what they wrote before it existed.
    #[serde(skip_serializing_if = "Observe::is_effort")]
    pub observe: Observe,
}

impl MatchCompetitors {
    /// `share = max(share, min(1, ref + margin))`; nothing without rivals.
    #[inline]
    pub fn apply(&self, view: &View<'_>, decision: &mut Decision) {
        let shares = match self.observe {
            Observe::Effort => view.rival_share,
            Observe::Commitment => view.rival_commitment,
        };
        if shares.is_empty() {
            return;
        }
        let reference = match self.reference {
            Reference::Mean => mean(shares),
            Reference::Max => shares.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            Reference::Leader => {
                let mut leader = 0;
                for (j, &c) in view.rival_capability.iter().enumerate() {
                    if c > view.rival_capability[leader] {
                        leader = j;
                    }
                }
                shares[leader]
            }
        };
        decision.share = decision.share.max((reference + self.margin).min(1.0));
    }

    /// [`apply`](Self::apply) from what the lab saw of its rivals, folded.
    #[inline]
    pub fn apply_seen(&self, seen: &Seen, decision: &mut Decision) {
        if seen.rivals() == 0 {
            return;
        }
        let reference = match self.reference {
            Reference::Mean => seen.mean_share(),
            Reference::Max => seen.max_share(),
            Reference::Leader => seen.leader_share(),
        };
        decision.share = decision.share.max((reference + self.margin).min(1.0));
    }
}

/// The mean observed share: the sum in rival order over the count.
#[inline]
fn mean(shares: &[f64]) -> f64 {
    shares.iter().sum::<f64>() / shares.len() as f64
}

#[cfg(test)]
mod tests {
    use super::super::Decision;
    use super::*;

    fn share_after(reference: Reference, margin: f64, caps: &[f64], shares: &[f64]) -> f64 {
        let mut d = Decision::base(0.1);
        MatchCompetitors {
            margin,
            reference,
            observe: Observe::Effort,
        }
        .apply(&test_view(1.0, 1.0, caps, shares), &mut d);
        d.share
    }

    #[test]
    fn matches_the_mean_max_or_leader() {
        let caps = [2.0, 5.0, 5.0];
        let shares = [0.3, 0.2, 0.7];
        assert!((share_after(Reference::Mean, 0.0, &caps, &shares) - 0.4).abs() < 1e-12);
        assert_eq!(share_after(Reference::Max, 0.0, &caps, &shares), 0.7);
        assert_eq!(
            share_after(Reference::Leader, 0.0, &caps, &shares),
            0.2,
            "first of the tied leaders"
        );
    }

    #[test]
    fn the_mean_is_the_sum_over_the_count() {
        let mut lcg = crate::testing::lcg(3);
        let mut next = move || f64::from_bits(lcg() >> 12 | 0x3fe0_0000_0000_0000) - 0.5;
        for len in 1..=17 {
            for _ in 0..2000 {
                let shares: Vec<f64> = (0..len).map(|_| next()).collect();
                let expected = shares.iter().sum::<f64>() / len as f64;
                assert_eq!(mean(&shares).to_bits(), expected.to_bits());
            }
        }
        let tiny = [f64::MIN_POSITIVE * 0.75, f64::MIN_POSITIVE * 0.5];
        assert_eq!(mean(&tiny).to_bits(), ((tiny[0] + tiny[1]) / 2.0).to_bits());
    }

    #[test]
    fn never_lowers_the_share_and_caps_at_one() {
        assert_eq!(share_after(Reference::Mean, 0.0, &[1.0], &[0.05]), 0.1);
        assert_eq!(share_after(Reference::Mean, 0.5, &[1.0], &[0.9]), 1.0);
    }

    #[test]
    fn commitment_matching_reads_committed_shares_not_spent_effort() {
        // Two rivals: one paused last step (all effort on safety) while
        // committed to 0.2; the other spent and committed 0.3.
        let caps = [2.0, 3.0];
        let effort = [1.0, 0.3];
        let committed = [0.2, 0.3];
        let view = View {
            rival_commitment: &committed,
            ..test_view(1.0, 1.0, &caps, &effort)
        };
        let share = |observe| {
            let mut d = Decision::base(0.1);
            MatchCompetitors {
                margin: 0.0,
                reference: Reference::Max,
                observe,
            }
            .apply(&view, &mut d);
            d.share
        };
        assert_eq!(share(Observe::Effort), 1.0, "matches the pause's effort");
        assert_eq!(share(Observe::Commitment), 0.3);
    }

    #[test]
    fn does_nothing_without_rivals() {
        assert_eq!(share_after(Reference::Max, 0.5, &[], &[]), 0.1);
    }
}
