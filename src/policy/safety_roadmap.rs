//! Published safety roadmaps as a forcing function (2026): the lab states
//! the safety it will have reached by given steps, and while it is behind
//! the target it spends at least `catch_up` of its effort on safety.

use super::Decision;
use serde::Serialize;

/// `safety_roadmap { milestones = [[step, safety], ...], catch_up = 0.5 }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SafetyRoadmap {
    /// `(step, safety)` pairs, steps strictly ascending.
    pub milestones: Vec<(u32, f64)>,
    /// The safety share kept while behind the target.
    pub catch_up: f64,
}

impl SafetyRoadmap {
    /// The target at step `t`: none before the first milestone, the last
    /// milestone's safety after the last, and between milestones `(t_k, s_k)`
    /// and `(t_{k+1}, s_{k+1})` the straight line
    /// `s_k + (s_{k+1} - s_k) (t - t_k) / (t_{k+1} - t_k)`.
    pub fn target(&self, t: u32) -> Option<f64> {
        let first = self.milestones.first()?;
        if t < first.0 {
            return None;
        }
        let next = self.milestones.iter().position(|&(step, _)| step > t);
        Some(match next {
            None => self.milestones.last().map_or(first.1, |m| m.1),
            Some(k) => {
                let (t0, s0) = self.milestones[k - 1];
                let (t1, s1) = self.milestones[k];
                s0 + (s1 - s0) * f64::from(t - t0) / f64::from(t1 - t0)
            }
        })
    }

    /// While `S_i < target(t)`: `share = max(share, catch_up)`.
    #[inline]
    pub fn apply(&self, t: u32, safety: f64, decision: &mut Decision) {
        if self.target(t).is_some_and(|target| safety < target) {
            decision.share = decision.share.max(self.catch_up);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roadmap() -> SafetyRoadmap {
        SafetyRoadmap {
            milestones: vec![(12, 2.0), (36, 5.0), (48, 5.5)],
            catch_up: 0.6,
        }
    }

    #[test]
    fn the_target_interpolates_between_milestones() {
        let r = roadmap();
        assert_eq!(r.target(0), None);
        assert_eq!(r.target(11), None);
        assert_eq!(r.target(12), Some(2.0));
        // A quarter of the way from step 12 to 36: 2 + 3/4 = 2.75.
        assert_eq!(r.target(18), Some(2.75));
        assert_eq!(r.target(24), Some(3.5));
        assert_eq!(r.target(36), Some(5.0));
        assert_eq!(r.target(42), Some(5.25));
        assert_eq!(r.target(48), Some(5.5));
        assert_eq!(r.target(500), Some(5.5));
    }

    #[test]
    fn behind_the_target_the_lab_spends_catch_up_on_safety() {
        let mut d = Decision::base(0.1);
        roadmap().apply(24, 3.4, &mut d);
        assert_eq!(d.share, 0.6);
        let mut d = Decision::base(0.1);
        roadmap().apply(24, 3.5, &mut d);
        assert_eq!(d.share, 0.1, "on target: nothing changes");
        let mut d = Decision::base(0.8);
        roadmap().apply(24, 0.0, &mut d);
        assert_eq!(d.share, 0.8, "never lowers the share");
        let mut d = Decision::base(0.1);
        roadmap().apply(5, 0.0, &mut d);
        assert_eq!(d.share, 0.1, "no target before the first milestone");
    }
}
