//! Binding regulation, beside the labs' own rules: thresholds a regulator enforces on
//! the labs under it, with imperfect compliance, random audits and a forced
//! pause as the penalty for a violation that is caught.
//!
//! The regulator measures true capability and safety. Each step from
//! `start`, a regulated lab has a blocked threshold as in the 2023 pause,
//! `blocked = min { thresholds[k] : S_i < required[k] }`:
//! - below it, growth is capped there: `ceiling = min(ceiling, blocked)`;
//! - at or above it, a lab not already paused obeys with probability
//!   `compliance` (paused, with that ceiling) and otherwise violates (no
//!   ceiling, no pause from this regulation); a violation is detected with
//!   probability `audit`, and detection forces a pause for the next
//!   `penalty` steps, with no capability growth at all (spillover included:
//!   `ceiling = min(ceiling, C_i)`).
//!
//! Draws (from the run's observation stream, in lab order): one uniform for
//! compliance per lab at a blocked threshold, one for the audit per
//! violating lab, each only when its probability is strictly between 0 and
//! 1 (at 0 or 1 the outcome is certain).

use super::{Decision, blocked_threshold};
use rand::{Rng, RngExt};
use serde::Serialize;

/// One `[[regulation]]` entry, validated, its labs named after `count`
/// expansion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Regulation {
    pub name: String,
    /// The labs it covers, by expanded name.
    pub labs: Vec<String>,
    /// First step (0-based) it applies.
    pub start: u32,
    pub thresholds: Vec<f64>,
    pub required: Vec<f64>,
    /// Probability per step that a lab at a blocked threshold obeys.
    pub compliance: f64,
    /// Probability per step that a violation is detected.
    pub audit: f64,
    /// Steps of forced pause after a detected violation.
    pub penalty: u32,
}

/// What regulation has done to one lab in a run: the pause it still owes
/// and the counts reported per lab and run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Oversight {
    /// Steps of forced pause still to serve.
    pub penalty_left: u32,
    /// Steps in which the lab violated a regulation.
    pub violating_steps: u32,
    /// Violations detected.
    pub times_caught: u32,
    /// Steps spent under a penalty.
    pub penalty_steps: u32,
    /// The lab is under a penalty this step.
    pub penalized: bool,
}

impl Oversight {
    /// The step's penalty, applied first: while one is owed, the lab is
    /// paused and may not grow at all (`ceiling = min(ceiling, C_i)`).
    #[inline]
    pub fn serve_penalty(&mut self, capability: f64, decision: &mut Decision) {
        self.penalized = self.penalty_left > 0;
        if self.penalized {
            self.penalty_left -= 1;
            self.penalty_steps += 1;
            decision.paused = true;
            decision.ceiling = decision.ceiling.min(capability);
        }
    }
}

/// Whether an event of probability `p` happens: certain at 0 and 1, else
/// one uniform `U` in [0, 1) with `U < p`.
#[inline]
fn happens<R: Rng>(p: f64, rng: &mut R) -> bool {
    if p >= 1.0 {
        true
    } else if p <= 0.0 {
        false
    } else {
        rng.random::<f64>() < p
    }
}

impl Regulation {
    /// Applies the regulation to lab decision `decision` at step `t`, with
    /// the lab's true capability and safety at the start of the step;
    /// returns whether the lab violated it. A detected violation sets the
    /// penalty owed, served from the next step.
    #[inline]
    pub fn apply<R: Rng>(
        &self,
        t: u32,
        capability: f64,
        safety: f64,
        decision: &mut Decision,
        rng: &mut R,
        oversight: &mut Oversight,
    ) -> bool {
        if t < self.start {
            return false;
        }
        let blocked = blocked_threshold(&self.thresholds, &self.required, safety);
        if capability < blocked || decision.paused {
            // Below: capped there. Already paused: it obeys at no cost.
            decision.ceiling = decision.ceiling.min(blocked);
            return false;
        }
        if happens(self.compliance, rng) {
            decision.paused = true;
            decision.ceiling = decision.ceiling.min(blocked);
            return false;
        }
        if happens(self.audit, rng) {
            oversight.times_caught += 1;
            oversight.penalty_left = oversight.penalty_left.max(self.penalty);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn regulation(compliance: f64, audit: f64, penalty: u32) -> Regulation {
        Regulation {
            name: "r".into(),
            labs: vec!["A".into()],
            start: 2,
            thresholds: vec![3.0, 5.0],
            required: vec![3.0, 5.0],
            compliance,
            audit,
            penalty,
        }
    }

    /// `reg` applied at step `t` to a fresh lab at `capability` (safety
    /// 1.0, owing no penalty): whether it violated, and its decision.
    fn applied(reg: &Regulation, t: u32, capability: f64) -> (bool, Decision) {
        let mut d = Decision::base(0.1);
        let mut o = Oversight::default();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let violated = reg.apply(t, capability, 1.0, &mut d, &mut rng, &mut o);
        (violated, d)
    }

    #[test]
    fn below_the_threshold_growth_is_capped_there() {
        let (violated, d) = applied(&regulation(0.0, 1.0, 4), 2, 2.5);
        assert!(!violated);
        assert_eq!(d.ceiling, 3.0);
        assert!(!d.paused);
    }

    #[test]
    fn before_its_start_it_does_nothing() {
        let (violated, d) = applied(&regulation(0.0, 1.0, 4), 1, 3.5);
        assert!(!violated);
        assert_eq!(d, Decision::base(0.1));
    }

    #[test]
    fn a_compliant_lab_pauses_at_the_threshold() {
        let (violated, d) = applied(&regulation(1.0, 0.0, 4), 5, 3.0);
        assert!(!violated);
        assert!(d.paused);
        assert_eq!(d.ceiling, 3.0);
    }

    /// `reg` applied at steps `steps` to a lab held at capability 3.0
    /// (safety 1.0) that serves any penalty first, with the draws of
    /// `seed`: each step's (violated, paused), and its oversight after.
    fn history(
        reg: &Regulation,
        seed: u64,
        steps: std::ops::Range<u32>,
    ) -> (Vec<(bool, bool)>, Oversight) {
        let mut o = Oversight::default();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut history = Vec::new();
        for t in steps {
            let mut d = Decision::base(0.1);
            o.serve_penalty(3.0, &mut d);
            let violated = reg.apply(t, 3.0, 1.0, &mut d, &mut rng, &mut o);
            history.push((violated, d.paused));
        }
        (history, o)
    }

    #[test]
    fn audit_one_compliance_zero_catches_in_the_step_and_pauses_penalty_steps() {
        let (history, o) = history(&regulation(0.0, 1.0, 4), 1, 2..14);
        // Violate and be caught at once, then 4 steps paused, again and again.
        let expected: Vec<(bool, bool)> = [
            (true, false),
            (false, true),
            (false, true),
            (false, true),
            (false, true),
        ]
        .iter()
        .cycle()
        .take(12)
        .copied()
        .collect();
        assert_eq!(history, expected);
        assert_eq!(o.times_caught, 3);
        assert_eq!(o.penalty_steps, 9);
    }

    #[test]
    fn a_penalty_stops_all_growth() {
        let mut o = Oversight {
            penalty_left: 1,
            ..Oversight::default()
        };
        let mut d = Decision::base(0.1);
        o.serve_penalty(2.2, &mut d);
        assert!(d.paused && o.penalized);
        assert_eq!(d.ceiling, 2.2);
        let mut d = Decision::base(0.1);
        o.serve_penalty(2.2, &mut d);
        assert!(!d.paused && !o.penalized);
        assert_eq!(o.penalty_steps, 1);
    }

    #[test]
    fn compliance_and_audit_happen_at_their_rates() {
        // 20000 steps at a threshold with compliance 0.3 and audit 0.5: the
        // violation count is binomial(20000, 0.7), sd = 65; caught
        // binomial(violations, 0.5). Tolerance 4 sd.
        // (No penalty to serve: penalty 0.)
        let (history, o) = history(&regulation(0.3, 0.5, 0), 7, 2..20_002);
        let violations = history.iter().filter(|(violated, _)| *violated).count() as u32;
        assert!(
            (f64::from(violations) - 14_000.0).abs() < 4.0 * 64.8,
            "{violations}"
        );
        let sd = (f64::from(violations) * 0.25).sqrt();
        let expected = 0.5 * f64::from(violations);
        assert!((f64::from(o.times_caught) - expected).abs() < 4.0 * sd);
    }
}
