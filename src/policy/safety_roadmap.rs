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

/// A roadmap as the engine runs it: its target at each step from the first
/// milestone to the last worked out once ([`SafetyRoadmap::target`], the
/// same bits), so a step reads one number instead of searching the
/// milestones and dividing. A roadmap whose milestones span more than
/// [`Self::MAX_TABLE`] steps keeps the rest to be worked out as before.
#[derive(Debug, Clone, PartialEq)]
pub struct RoadmapSchedule {
    roadmap: SafetyRoadmap,
    /// The first milestone's step (`u32::MAX` without milestones).
    first: u32,
    /// `target(first + k)` for each `k` in the table.
    targets: Vec<f64>,
}

impl RoadmapSchedule {
    /// The longest table kept, in steps (32 KiB).
    pub const MAX_TABLE: usize = 4096;

    pub fn new(roadmap: &SafetyRoadmap) -> Self {
        let (first, targets) = match (roadmap.milestones.first(), roadmap.milestones.last()) {
            (Some(&(first, _)), Some(&(last, _))) => {
                let len = ((last - first) as usize + 1).min(Self::MAX_TABLE);
                let targets = (0..len as u32)
                    .map(|k| roadmap.target(first + k).unwrap_or(f64::NAN))
                    .collect();
                (first, targets)
            }
            _ => (u32::MAX, Vec::new()),
        };
        RoadmapSchedule {
            roadmap: roadmap.clone(),
            first,
            targets,
        }
    }

    /// [`SafetyRoadmap::apply`], reading the target from the table.
    #[inline]
    pub fn apply(&self, t: u32, safety: f64, decision: &mut Decision) {
        if t < self.first {
            return;
        }
        let behind = match self.targets.get((t - self.first) as usize) {
            Some(&target) => safety < target,
            // After the table: the last milestone's target, from its step on.
            None => match self.roadmap.milestones.last() {
                Some(&(last, target)) if t >= last => safety < target,
                _ => self.roadmap.target(t).is_some_and(|target| safety < target),
            },
        };
        if behind {
            decision.share = decision.share.max(self.roadmap.catch_up);
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
    fn the_schedule_decides_as_the_roadmap_at_every_step() {
        let long = SafetyRoadmap {
            milestones: vec![(3, 0.5), (5000, 7.0), (9000, 2.0)],
            catch_up: 0.4,
        };
        for r in [roadmap(), long] {
            let schedule = RoadmapSchedule::new(&r);
            assert!(schedule.targets.len() <= RoadmapSchedule::MAX_TABLE);
            for t in (0..200).chain(4090..4110).chain(8990..9010) {
                for safety in [0.0, 1.0, 2.75, 3.4, 5.0, 5.6, 6.99] {
                    for share in [0.1, 0.9] {
                        let (mut a, mut b) = (Decision::base(share), Decision::base(share));
                        r.apply(t, safety, &mut a);
                        schedule.apply(t, safety, &mut b);
                        assert_eq!(a, b, "step {t}, safety {safety}");
                    }
                }
            }
        }
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
