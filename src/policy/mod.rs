//! A lab's safety policy: a list of rules, each in its own file, combined by
//! taking the most cautious result (docs/model.md, step 2 "Decide").
//!
//! Rules are a closed enum matched once per lab-step: no dynamic dispatch
//! and no allocation in the hot loop. The engine runs a [`CompiledPolicy`]:
//! the same rules with `race` dropped and each delay rule's risk threshold
//! worked out once.

mod conditional_pause;
mod delay_if_leading;
mod match_competitors;
pub mod regulation;
mod safety_roadmap;
mod unilateral_pause;

pub use conditional_pause::{Commitment, ConditionalPause, bound_labs};
pub use delay_if_leading::{DelayIfLeading, RiskTest};
pub use match_competitors::{MatchCompetitors, Observe, Reference};
pub use safety_roadmap::{RoadmapSchedule, SafetyRoadmap};
pub use unilateral_pause::{UnilateralPause, blocked_threshold};

use serde::Serialize;

/// One rule of a lab's policy, as validated from the scenario file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Rule {
    /// Plain racing: the base safety share stands (`race.rs` would be empty).
    Race,
    UnilateralPause(UnilateralPause),
    MatchCompetitors(MatchCompetitors),
    DelayIfLeading(DelayIfLeading),
    ConditionalPause(ConditionalPause),
    SafetyRoadmap(SafetyRoadmap),
}

impl Rule {
    /// Whether the rule reads what the lab observes of its rivals; only then
    /// are observation draws made for the lab.
    pub fn reads_observations(&self) -> bool {
        matches!(self, Rule::MatchCompetitors(_) | Rule::DelayIfLeading(_))
    }

    /// Applies the rule to the decision so far, keeping the more cautious
    /// of the two. A `conditional_pause` applies as in force: the engine
    /// leaves out those that are not ([`CompiledPolicy::new_bound`]).
    #[inline]
    pub fn apply(&self, view: &View<'_>, decision: &mut Decision) {
        match self {
            Rule::Race => {}
            Rule::UnilateralPause(rule) => rule.apply(view, decision),
            Rule::MatchCompetitors(rule) => rule.apply(view, decision),
            Rule::DelayIfLeading(rule) => rule.apply(view, decision),
            Rule::ConditionalPause(rule) => rule.pause().apply(view, decision),
            Rule::SafetyRoadmap(rule) => rule.apply(view.step, view.safety, decision),
        }
    }
}

/// What a lab knows when it decides, at the start of a step.
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    /// The lab's own capability C_i (true; pauses read `measured`).
    pub capability: f64,
    /// What the lab measures of its own capability, `Ctilde_i` (fuzzy
    /// evaluations; `C_i` itself when they are exact).
    pub measured: f64,
    /// The step `t` (0-based) being decided.
    pub step: u32,
    /// The lab's own safety S_i (known exactly).
    pub safety: f64,
    /// The lab's own hazard rate lambda_i at the start of the step.
    pub hazard_rate: f64,
    /// Multiplier on the hazard the lab believes it runs.
    pub risk_perception: f64,
    /// Observed capability of each rival, in lab order (the lab itself left out).
    pub rival_capability: &'a [f64],
    /// Observed safety share of each rival, in lab order.
    pub rival_share: &'a [f64],
    /// Observed committed share of each rival, in lab order (read by
    /// `match_competitors` with `observe = "commitment"`).
    pub rival_commitment: &'a [f64],
}

impl View<'_> {
    /// The lab's own part of the view.
    pub fn own(&self) -> Own {
        Own {
            capability: self.capability,
            measured: self.measured,
            step: self.step,
            safety: self.safety,
            hazard_rate: self.hazard_rate,
            risk_exponent: 0.0,
            risk_perception: self.risk_perception,
        }
    }
}

/// What a lab knows exactly of itself when it decides: [`View`] without
/// the rivals.
#[derive(Debug, Clone, Copy)]
pub struct Own {
    pub capability: f64,
    pub measured: f64,
    pub step: u32,
    pub safety: f64,
    /// The hazard rate `lambda_i` before the lab's risk noise.
    pub hazard_rate: f64,
    /// The exponent of the risk noise's lognormal factor,
    /// `risk_noise z - risk_noise^2 / 2` (0 without risk noise).
    pub risk_exponent: f64,
    pub risk_perception: f64,
}

impl Own {
    /// The hazard rate the lab believes it runs,
    /// [`believed_hazard`](crate::model::evaluation::believed_hazard):
    /// `lambda_i exp(risk_exponent)`, and `lambda_i` itself without risk
    /// noise. (The delay rules' risk test,
    /// [`RiskTest::significant_believed`], decides on it without taking
    /// this `exp` almost always.)
    #[inline]
    pub fn believed_hazard(&self) -> f64 {
        if self.risk_exponent == 0.0 {
            self.hazard_rate
        } else {
            crate::model::evaluation::believed_hazard_of(self.hazard_rate, self.risk_exponent)
        }
    }
}

/// The outcome of a lab's policy for one step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decision {
    /// Share of effort on safety.
    pub share: f64,
    /// Multiplier on capability effort (delay).
    pub mult: f64,
    /// Capability the lab will not grow past this step.
    pub ceiling: f64,
    /// All effort goes to safety.
    pub paused: bool,
    /// A delay rule slowed the lab this step.
    pub delayed: bool,
    /// The lab is at or above a pause threshold it measures itself below.
    pub unnoticed: bool,
}

impl Decision {
    /// The starting point before any rule: the lab's base share, no limits.
    pub fn base(safety_share: f64) -> Self {
        Decision {
            share: safety_share,
            mult: 1.0,
            ceiling: f64::INFINITY,
            paused: false,
            delayed: false,
            unnoticed: false,
        }
    }

    /// Effort on capability `e_c`; the rest, `1 - e_c`, goes to safety.
    #[inline]
    pub fn capability_effort(&self) -> f64 {
        if self.paused {
            0.0
        } else {
            (1.0 - self.share) * self.mult
        }
    }
}

/// Applies every rule of a policy, starting from the lab's base share.
#[inline]
pub fn decide(rules: &[Rule], safety_share: f64, view: &View<'_>) -> Decision {
    let mut decision = Decision::base(safety_share);
    for rule in rules {
        rule.apply(view, &mut decision);
    }
    decision
}

/// A lab's policy as the engine runs it: the rules that can change a
/// decision, grouped by kind, each delay rule with its [`RiskTest`].
/// Decides exactly as [`decide`] on the rules it was built from: each kind
/// of rule writes its own part of the decision (pauses the ceiling and the
/// pause, matching the share, delays the multiplier), so only the order
/// within a kind matters, and it is kept. Delay rules share the best
/// observed rival and the perceived hazard, worked out once.
#[derive(Debug, Clone, PartialEq)]
pub struct CompiledPolicy {
    pauses: Vec<UnilateralPause>,
    matches: Vec<MatchCompetitors>,
    /// `match_competitors` with `observe = "commitment"`.
    commitment_matches: Vec<MatchCompetitors>,
    roadmaps: Vec<RoadmapSchedule>,
    delays: Vec<(DelayIfLeading, RiskTest)>,
    /// What the matching rules read of the rivals' spent shares.
    effort_reads: Reads,
    /// What the commitment matching rules read of the committed shares.
    commitment_reads: Reads,
}

impl CompiledPolicy {
    /// Every rule, each `conditional_pause` as in force.
    pub fn new(rules: &[Rule]) -> Self {
        Self::new_bound(rules, |_| true)
    }

    /// The rules, with each `conditional_pause` kept as a pause where
    /// `in_force` says it is in force and left out where not.
    pub fn new_bound(rules: &[Rule], in_force: impl Fn(&ConditionalPause) -> bool) -> Self {
        let mut policy = CompiledPolicy {
            pauses: Vec::new(),
            matches: Vec::new(),
            commitment_matches: Vec::new(),
            roadmaps: Vec::new(),
            delays: Vec::new(),
            effort_reads: Reads::NOTHING,
            commitment_reads: Reads::NOTHING,
        };
        for rule in rules {
            match rule {
                Rule::Race => {}
                Rule::UnilateralPause(r) => policy.pauses.push(r.clone()),
                Rule::MatchCompetitors(r) if r.observe == Observe::Commitment => {
                    policy.commitment_matches.push(r.clone())
                }
                Rule::MatchCompetitors(r) => policy.matches.push(r.clone()),
                Rule::DelayIfLeading(r) => policy.delays.push((r.clone(), RiskTest::new(r.risk))),
                Rule::ConditionalPause(r) if in_force(r) => policy.pauses.push(r.pause()),
                Rule::ConditionalPause(_) => {}
                Rule::SafetyRoadmap(r) => policy.roadmaps.push(RoadmapSchedule::new(r)),
            }
        }
        policy.effort_reads = Reads::of(&policy.matches);
        policy.commitment_reads = Reads::of(&policy.commitment_matches);
        policy
    }

    /// No rule changes anything: the decision is always the base one.
    #[inline]
    pub fn is_race(&self) -> bool {
        self.pauses.is_empty()
            && self.matches.is_empty()
            && self.commitment_matches.is_empty()
            && self.roadmaps.is_empty()
            && self.delays.is_empty()
    }

    /// Whether a rule matches what rivals committed to (not what they spent).
    pub fn observes_commitment(&self) -> bool {
        !self.commitment_matches.is_empty()
    }

    /// What the rules read of the rivals' shares: of those they spent, and
    /// of those they committed to. The engine folds only that ([`Seen`]).
    #[inline]
    pub fn reads(&self) -> (Reads, Reads) {
        (self.effort_reads, self.commitment_reads)
    }

    /// Applies every rule, starting from the lab's base share.
    #[inline]
    pub fn decide(&self, safety_share: f64, view: &View<'_>) -> Decision {
        let seen = Seen::of(view.rival_capability, view.rival_share);
        let committed = Seen::of(view.rival_capability, view.rival_commitment);
        self.decide_seen(safety_share, &view.own(), &seen, &committed)
    }

    /// [`decide`](Self::decide) from the lab's own state and what it saw of
    /// its rivals, folded: what the engine calls, once per lab and step.
    /// `committed` folds the rivals' committed shares (read only by
    /// commitment matching).
    #[inline(always)]
    pub fn decide_seen(
        &self,
        safety_share: f64,
        own: &Own,
        seen: &Seen,
        committed: &Seen,
    ) -> Decision {
        let mut decision = Decision::base(safety_share);
        for rule in &self.pauses {
            rule.apply_measured(own.capability, own.measured, own.safety, &mut decision);
        }
        for rule in &self.matches {
            rule.apply_seen(seen, &mut decision);
        }
        for rule in &self.commitment_matches {
            rule.apply_seen(committed, &mut decision);
        }
        for rule in &self.roadmaps {
            rule.apply(own.step, own.safety, &mut decision);
        }
        // The risk, judged when a delay rule asks: only a lab that believes
        // it leads does (with risk noise, on its believed hazard,
        // Own::believed_hazard, by RiskTest::significant_believed).
        for (rule, risk) in &self.delays {
            let significant = || {
                risk.significant_believed(own.risk_perception, own.hazard_rate, own.risk_exponent)
            };
            rule.apply_seen(own.capability, seen, significant, &mut decision);
        }
        decision
    }
}

/// What a lab's rules read of its rivals, folded in one pass over the
/// observed values in lab order exactly as the rules fold a [`View`]'s
/// slices: the sum and the largest of the shares, the largest capability,
/// and the share of the most capable rival (the first of equals). The
/// engine folds as it observes, so no observation is stored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Seen {
    rivals: usize,
    share_sum: f64,
    share_max: f64,
    best_capability: f64,
    leader_capability: f64,
    leader_share: f64,
}

impl Default for Seen {
    /// No rival seen.
    #[inline]
    fn default() -> Self {
        Seen {
            rivals: 0,
            share_sum: crate::stats::sum_start(),
            share_max: f64::NEG_INFINITY,
            best_capability: f64::NEG_INFINITY,
            leader_capability: f64::NAN,
            leader_share: f64::NAN,
        }
    }
}

/// Which statistics of the rivals' shares a lab's matching rules read:
/// the engine folds only those, the others cost nothing. (The count and
/// the largest capability are always folded.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reads {
    /// The sum, for `reference = "mean"`.
    pub mean: bool,
    /// The largest, for `reference = "max"`.
    pub max: bool,
    /// The most capable rival's, for `reference = "leader"`.
    pub leader: bool,
}

impl Reads {
    pub const NOTHING: Reads = Reads {
        mean: false,
        max: false,
        leader: false,
    };
    pub const ALL: Reads = Reads {
        mean: true,
        max: true,
        leader: true,
    };

    /// What `rules` read.
    pub fn of(rules: &[MatchCompetitors]) -> Self {
        let reads = |reference| rules.iter().any(|r| r.reference == reference);
        Reads {
            mean: reads(Reference::Mean),
            max: reads(Reference::Max),
            leader: reads(Reference::Leader),
        }
    }

    /// Whether any statistic is read.
    #[inline]
    pub fn any(&self) -> bool {
        self.mean | self.max | self.leader
    }
}

impl Seen {
    /// The folds of observed capabilities and shares, rival by rival.
    pub fn of(capability: &[f64], share: &[f64]) -> Self {
        debug_assert_eq!(capability.len(), share.len());
        let mut seen = Seen::default();
        for (&c, &s) in capability.iter().zip(share) {
            seen.add(c, s);
        }
        seen
    }

    /// Takes in the next rival, in lab order: every statistic.
    #[inline]
    pub fn add(&mut self, capability: f64, share: f64) {
        // The first rival leads until one is strictly more capable.
        if self.rivals == 0 || capability > self.leader_capability {
            self.leader_capability = capability;
            self.leader_share = share;
        }
        self.rivals += 1;
        self.share_sum += share;
        self.share_max = self.share_max.max(share);
        self.best_capability = self.best_capability.max(capability);
    }

    /// Takes in the next rival's observed capability, in lab order: the
    /// count, the largest capability and, with `leader`, the most capable
    /// rival (the first leads until one is strictly more capable). Returns
    /// whether this rival now leads (false without `leader`).
    #[inline(always)]
    pub fn add_capability(&mut self, capability: f64, leader: bool) -> bool {
        let leads = leader && (self.rivals == 0 || capability > self.leader_capability);
        if leads {
            self.leader_capability = capability;
        }
        self.rivals += 1;
        self.best_capability = self.best_capability.max(capability);
        leads
    }

    /// Takes in the observed share of the rival just added
    /// ([`add_capability`](Self::add_capability), whose answer is `leads`):
    /// the statistics `reads` asks for, the others left as they are.
    #[inline(always)]
    pub fn add_share(&mut self, reads: Reads, leads: bool, share: f64) {
        if leads {
            self.leader_share = share;
        }
        if reads.mean {
            self.share_sum += share;
        }
        if reads.max {
            self.share_max = self.share_max.max(share);
        }
    }

    /// The fold of the same rivals' capabilities as `other`, whose shares
    /// are another quantity (their committed shares beside those spent).
    #[inline(always)]
    pub fn take_capabilities(&mut self, other: &Seen) {
        self.rivals = other.rivals;
        self.best_capability = other.best_capability;
        self.leader_capability = other.leader_capability;
    }

    pub fn rivals(&self) -> usize {
        self.rivals
    }

    /// `max_j Chat_ij` (minus infinity without rivals).
    pub fn best_capability(&self) -> f64 {
        self.best_capability
    }

    /// `sum / count`. With a power-of-two count (two rivals, four, ...)
    /// that is the sum times the exact `2^-k`: both round the same real
    /// number, so the bits agree, and a multiply is several times cheaper
    /// than a division.
    #[inline]
    pub fn mean_share(&self) -> f64 {
        let n = self.rivals;
        if n.is_power_of_two() {
            self.share_sum * f64::from_bits(u64::from(1023 - n.trailing_zeros()) << 52)
        } else {
            self.share_sum / n as f64
        }
    }

    pub fn max_share(&self) -> f64 {
        self.share_max
    }

    /// The share of the most capable rival (the first of equals).
    pub fn leader_share(&self) -> f64 {
        self.leader_share
    }
}

#[cfg(test)]
pub(crate) fn test_view<'a>(
    capability: f64,
    safety: f64,
    rival_capability: &'a [f64],
    rival_share: &'a [f64],
) -> View<'a> {
    View {
        capability,
        measured: capability,
        step: 0,
        safety,
        hazard_rate: 0.0,
        risk_perception: 1.0,
        rival_capability,
        rival_share,
        rival_commitment: rival_share,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn race_leaves_the_base_share() {
        let d = decide(&[Rule::Race], 0.2, &test_view(1.0, 1.0, &[2.0], &[0.9]));
        assert_eq!(d, Decision::base(0.2));
        assert!((d.capability_effort() - 0.8).abs() < 1e-15);
    }

    #[test]
    fn rules_combine_by_the_most_cautious_result() {
        let rules = [
            Rule::MatchCompetitors(MatchCompetitors {
                margin: 0.0,
                reference: Reference::Max,
                observe: Observe::Effort,
            }),
            Rule::MatchCompetitors(MatchCompetitors {
                margin: 0.0,
                reference: Reference::Mean,
                observe: Observe::Effort,
            }),
            Rule::UnilateralPause(UnilateralPause {
                thresholds: vec![5.0],
                required: vec![5.0],
            }),
            Rule::UnilateralPause(UnilateralPause {
                thresholds: vec![3.0],
                required: vec![3.0],
            }),
        ];
        let d = decide(&rules, 0.1, &test_view(2.0, 1.0, &[1.0, 1.0], &[0.2, 0.6]));
        assert_eq!(d.share, 0.6, "max of the two references");
        assert_eq!(d.ceiling, 3.0, "lower of the two ceilings");
        assert!(!d.paused);
    }

    #[test]
    fn the_compiled_policy_decides_as_the_rules_do() {
        for reference in [Reference::Mean, Reference::Max, Reference::Leader] {
            let rules = [
                Rule::Race,
                Rule::DelayIfLeading(DelayIfLeading {
                    lead: 0.5,
                    risk: 0.002,
                    slowdown: 0.3,
                }),
                Rule::MatchCompetitors(MatchCompetitors {
                    margin: 0.01,
                    reference,
                    observe: Observe::Effort,
                }),
                Rule::MatchCompetitors(MatchCompetitors {
                    margin: -0.05,
                    reference,
                    observe: Observe::Commitment,
                }),
                Rule::SafetyRoadmap(SafetyRoadmap {
                    milestones: vec![(0, 1.5), (3, 2.5)],
                    catch_up: 0.45,
                }),
                Rule::ConditionalPause(ConditionalPause {
                    thresholds: vec![3.0],
                    required: vec![3.2],
                    quorum: 1,
                }),
                Rule::UnilateralPause(UnilateralPause {
                    thresholds: vec![2.0, 4.0],
                    required: vec![1.5, 4.5],
                }),
                Rule::DelayIfLeading(DelayIfLeading {
                    lead: -1.0,
                    risk: 0.7,
                    slowdown: 0.6,
                }),
            ];
            let compiled = CompiledPolicy::new(&rules);
            assert!(!compiled.is_race());
            for k in 0..4000 {
                let x = k as f64 / 4000.0;
                let view = View {
                    capability: 1.0 + 4.0 * x,
                    measured: 1.0 + 4.0 * x - 0.5 * (19.0 * x).fract(),
                    step: k % 5,
                    safety: 1.0 + 3.0 * (7.0 * x).fract(),
                    hazard_rate: 0.004 * (13.0 * x).fract(),
                    risk_perception: 0.5 + (3.0 * x).fract(),
                    rival_capability: &[1.0 + 3.0 * (5.0 * x).fract(), 2.0, 1.0 + 2.0 * x],
                    rival_share: &[0.1, (11.0 * x).fract(), (17.0 * x).fract()],
                    rival_commitment: &[0.2, (23.0 * x).fract(), 0.05],
                };
                for rivals in 0..=3 {
                    let view = View {
                        rival_capability: &view.rival_capability[..rivals],
                        rival_share: &view.rival_share[..rivals],
                        rival_commitment: &view.rival_commitment[..rivals],
                        ..view
                    };
                    assert_eq!(compiled.decide(0.1, &view), decide(&rules, 0.1, &view));
                }
            }
        }
        assert!(CompiledPolicy::new(&[Rule::Race]).is_race());
        assert!(CompiledPolicy::new(&[]).is_race());
    }

    #[test]
    fn folding_the_commitments_beside_is_folding_each() {
        let capability = [1.0, 3.0, f64::NAN, 3.0, -0.0, 0.0, 7.5];
        let share = [0.1, 0.9, 0.3, f64::NAN, 0.2, 0.0, 1.0];
        let committed = [0.5, 0.2, f64::NAN, 0.7, 0.0, -0.0, 0.05];
        for n in 0..=capability.len() {
            let (mut a, mut b) = (Seen::default(), Seen::default());
            for k in 0..n {
                let leads = a.add_capability(capability[k], true);
                a.add_share(Reads::ALL, leads, share[k]);
                b.add_share(Reads::ALL, leads, committed[k]);
            }
            b.take_capabilities(&a);
            let bits = |s: &Seen| format!("{s:?}");
            assert_eq!(bits(&a), bits(&Seen::of(&capability[..n], &share[..n])));
            assert_eq!(bits(&b), bits(&Seen::of(&capability[..n], &committed[..n])));
        }
    }

    /// A fold of only what is read gives those statistics the bits of the
    /// full fold, whatever else is left out.
    #[test]
    fn a_partial_fold_gives_the_bits_of_the_statistics_it_reads() {
        let capability = [1.0, 3.0, f64::NAN, 3.0, -0.0, 0.0, 7.5, 7.5];
        let share = [0.1, 0.9, 0.3, f64::NAN, 0.2, -0.0, 1.0, 0.4];
        for bits in 0..8u8 {
            let reads = Reads {
                mean: bits & 1 != 0,
                max: bits & 2 != 0,
                leader: bits & 4 != 0,
            };
            for n in 1..=capability.len() {
                let mut partial = Seen::default();
                for k in 0..n {
                    let leads = partial.add_capability(capability[k], reads.leader);
                    partial.add_share(reads, leads, share[k]);
                }
                let full = Seen::of(&capability[..n], &share[..n]);
                let same = |a: f64, b: f64| a.to_bits() == b.to_bits();
                assert_eq!(partial.rivals(), full.rivals());
                assert!(same(partial.best_capability(), full.best_capability()));
                assert!(!reads.mean || same(partial.mean_share(), full.mean_share()));
                assert!(!reads.max || same(partial.max_share(), full.max_share()));
                assert!(!reads.leader || same(partial.leader_share(), full.leader_share()));
            }
        }
        let rules = |reference| {
            [MatchCompetitors {
                margin: 0.0,
                reference,
                observe: Observe::Effort,
            }]
        };
        assert_eq!(Reads::of(&[]), Reads::NOTHING);
        assert!(Reads::of(&rules(Reference::Mean)).mean);
        assert!(Reads::of(&rules(Reference::Max)).max);
        assert!(Reads::of(&rules(Reference::Leader)).leader);
        assert!(!Reads::of(&rules(Reference::Leader)).mean);
    }

    #[test]
    fn a_paused_lab_spends_nothing_on_capability() {
        let mut d = Decision::base(0.1);
        d.paused = true;
        d.mult = 0.5;
        assert_eq!(d.capability_effort(), 0.0);
    }
}
