//! An [`Aggregate`] as bytes: the state a checkpoint saves and a shard
//! hands to `airace merge`. Every sum is its exact fixed-point integer and
//! every sketch its integer counts, so a restored aggregate merges and
//! reports exactly as the one that was saved.
//!
//! Layout: the magic `AIRACE-AGGREGATE`, a format version (u32), the lab
//! and step counts, the totals in a fixed order, and an FNV-1a checksum of
//! all that precedes it (all little-endian).
//!
//! Versions: 3 adds each lab's safety effort per step; 4 keeps the labs
//! past an unnoticed threshold per lab and step, where 3 kept their sum
//! over labs. A state of version 3 that counts none (every scenario
//! without fuzzy evaluations) is read as it is: each lab's count is zero.
//! Any other older state is refused, saying so (its runs must be simulated
//! again).

use super::aggregate::{Aggregate, LabTotals, StepTotals};
use crate::stats::codec::{DecodeError, Decoder, Encoder, fnv1a};
use crate::stats::{ProbSum, QuantileSketch, ValueSum};

const MAGIC: &[u8; 16] = b"AIRACE-AGGREGATE";
const VERSION: u32 = 4;
/// The oldest version read: 3, whose steps differ from 4's only in the
/// count of labs past an unnoticed threshold (one sum, not one per lab).
const OLDEST: u32 = 3;

fn prob(e: &mut Encoder, s: &ProbSum) {
    e.i128(s.units());
}
fn value(e: &mut Encoder, s: &ValueSum) {
    e.i128(s.units());
}

impl Aggregate {
    /// The aggregate as bytes (see the module's documentation).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.encode(VERSION)
    }

    /// The bytes in the layout of `version` (this one's, or 3 for the
    /// tests that read an older state).
    fn encode(&self, version: u32) -> Vec<u8> {
        assert!(
            self.detail == super::Detail::Steps,
            "only a per-step aggregate is saved"
        );
        let mut e = Encoder::default();
        e.bytes.extend_from_slice(MAGIC);
        e.u32(version);
        e.u64(self.labs.len() as u64);
        e.u64(self.steps.len() as u64);
        e.u64(self.runs);
        prob(&mut e, &self.p);
        prob(&mut e, &self.p_sq);
        e.u64(self.catastrophes);
        e.u64(self.unwarned);
        e.u64(self.no_winner);
        for s in [&self.win_step, &self.frontier, &self.frontier_sq] {
            value(&mut e, s);
        }
        for l in &self.labs {
            for x in [
                l.wins,
                l.culprit,
                l.paused_steps,
                l.delayed_steps,
                l.unnoticed_steps,
                l.violating_steps,
                l.times_caught,
                l.penalty_steps,
            ] {
                e.u64(x);
            }
            for s in [
                &l.utility,
                &l.utility_sq,
                &l.capability,
                &l.safety,
                &l.resources,
            ] {
                value(&mut e, s);
            }
        }
        for s in &self.steps {
            prob(&mut e, &s.p);
            prob(&mut e, &s.p_sq);
            e.u64(s.catastrophes);
            value(&mut e, &s.frontier);
            s.frontier_sketch.encode(&mut e);
            e.u64(s.racing);
            e.u64(s.penalized);
            if version == 3 {
                e.u64(s.unnoticed.iter().sum());
            }
            for i in 0..self.labs.len() {
                value(&mut e, &s.capability[i]);
                value(&mut e, &s.safety[i]);
                value(&mut e, &s.safety_effort[i]);
                e.u64(s.paused[i]);
                e.u64(s.delayed[i]);
                if version > 3 {
                    e.u64(s.unnoticed[i]);
                }
            }
        }
        let sum = fnv1a(&e.bytes);
        e.u64(sum);
        e.bytes
    }

    /// Reads an aggregate of `labs` labs and `steps` steps written by
    /// [`to_bytes`](Self::to_bytes); any damage, or other dimensions, is
    /// an error saying what is wrong.
    pub fn from_bytes(bytes: &[u8], labs: usize, steps: u32) -> Result<Aggregate, DecodeError> {
        if bytes.len() < MAGIC.len() + 4 + 8 || &bytes[..MAGIC.len()] != MAGIC {
            return Err(DecodeError("not an airace aggregate state".into()));
        }
        let (body, tail) = bytes.split_at(bytes.len() - 8);
        let stored = u64::from_le_bytes(tail.try_into().expect("8 bytes"));
        if fnv1a(body) != stored {
            return Err(DecodeError(
                "checksum mismatch: the file is damaged or truncated".into(),
            ));
        }
        let mut d = Decoder::new(&body[MAGIC.len()..]);
        let version = d.u32()?;
        if !(OLDEST..=VERSION).contains(&version) {
            let why = if version < VERSION {
                "written by an older airace, whose state lacks totals this one keeps: \
                 simulate its runs again"
            } else {
                "written by a newer airace: use that version"
            };
            return Err(DecodeError(format!(
                "format version {version}, but this airace reads version {VERSION} ({why})"
            )));
        }
        let (l, k) = (d.u64()?, d.u64()?);
        if l != labs as u64 || k != u64::from(steps) + 1 {
            return Err(DecodeError(format!(
                "holds {l} labs and {} steps, but the scenario has {labs} labs and {steps} steps",
                k.saturating_sub(1)
            )));
        }
        let p = |d: &mut Decoder<'_>| d.i128().map(ProbSum::from_units);
        let v = |d: &mut Decoder<'_>| d.i128().map(ValueSum::from_units);
        let mut a = Aggregate::new(labs, steps);
        a.runs = d.u64()?;
        a.p = p(&mut d)?;
        a.p_sq = p(&mut d)?;
        a.catastrophes = d.u64()?;
        a.unwarned = d.u64()?;
        a.no_winner = d.u64()?;
        a.win_step = v(&mut d)?;
        a.frontier = v(&mut d)?;
        a.frontier_sq = v(&mut d)?;
        for t in &mut a.labs {
            *t = LabTotals {
                wins: d.u64()?,
                culprit: d.u64()?,
                paused_steps: d.u64()?,
                delayed_steps: d.u64()?,
                unnoticed_steps: d.u64()?,
                violating_steps: d.u64()?,
                times_caught: d.u64()?,
                penalty_steps: d.u64()?,
                utility: v(&mut d)?,
                utility_sq: v(&mut d)?,
                capability: v(&mut d)?,
                safety: v(&mut d)?,
                resources: v(&mut d)?,
            };
        }
        for s in &mut a.steps {
            let StepTotals {
                capability,
                safety,
                safety_effort,
                paused,
                delayed,
                unnoticed,
                ..
            } = s;
            let (sp, sp_sq, catastrophes, frontier) =
                (p(&mut d)?, p(&mut d)?, d.u64()?, v(&mut d)?);
            let sketch = QuantileSketch::decode(&mut d)?;
            let racing = d.u64()?;
            let penalized = d.u64()?;
            // Version 3's sum over labs: only none can be split among them.
            let unnoticed_sum = if version == 3 { d.u64()? } else { 0 };
            if unnoticed_sum > 0 {
                return Err(DecodeError(format!(
                    "format version 3 counts labs past an unnoticed threshold only summed over \
                     labs, but this airace (version {VERSION}) reports them per lab: \
                     simulate its runs again"
                )));
            }
            for i in 0..labs {
                capability[i] = v(&mut d)?;
                safety[i] = v(&mut d)?;
                safety_effort[i] = v(&mut d)?;
                paused[i] = d.u64()?;
                delayed[i] = d.u64()?;
                if version > 3 {
                    unnoticed[i] = d.u64()?;
                }
            }
            s.p = sp;
            s.p_sq = sp_sq;
            s.catastrophes = catastrophes;
            s.frontier = frontier;
            s.frontier_sketch = sketch;
            s.racing = racing;
            s.penalized = penalized;
        }
        if !d.is_empty() {
            return Err(DecodeError(format!(
                "{} bytes left over after the last step",
                body.len() - MAGIC.len() - d.offset()
            )));
        }
        Ok(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{NoSink, RaceModel};

    fn aggregate(runs: u64) -> (Aggregate, usize, u32) {
        let scenario = crate::builtin::load("rsp-2026").unwrap();
        let model = RaceModel::new(&scenario);
        let a = crate::engine::tests::simulate_quietly(&model, 11, runs, &mut NoSink);
        (a, scenario.lab_count(), scenario.meta.steps)
    }

    #[test]
    fn an_aggregate_comes_back_equal_and_merges_the_same() {
        let (a, labs, steps) = aggregate(1500);
        let bytes = a.to_bytes();
        let b = Aggregate::from_bytes(&bytes, labs, steps).unwrap();
        assert_eq!(b.to_bytes(), bytes);
        let mut twice_a = a.clone();
        twice_a.merge(&a);
        let mut twice_b = b.clone();
        twice_b.merge(&b);
        assert_eq!(twice_a.to_bytes(), twice_b.to_bytes());
    }

    #[test]
    fn damage_of_any_byte_or_length_is_an_error_not_a_panic() {
        let (a, labs, steps) = aggregate(300);
        let bytes = a.to_bytes();
        for cut in [0, 10, 20, bytes.len() / 2, bytes.len() - 1] {
            assert!(Aggregate::from_bytes(&bytes[..cut], labs, steps).is_err());
        }
        for at in (0..bytes.len()).step_by(97) {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x40;
            assert!(Aggregate::from_bytes(&damaged, labs, steps).is_err());
        }
        let err = Aggregate::from_bytes(&bytes, labs + 1, steps).unwrap_err();
        assert!(err.0.contains("labs"), "{err}");
    }

    /// A state of version 2 (before the safety effort per step), intact
    /// but for its version: refused, saying why, not misread.
    #[test]
    fn an_older_version_is_refused_with_its_reason() {
        let (a, labs, steps) = aggregate(50);
        let mut bytes = a.to_bytes();
        bytes.truncate(bytes.len() - 8);
        bytes[MAGIC.len()..MAGIC.len() + 4].copy_from_slice(&2u32.to_le_bytes());
        let sum = fnv1a(&bytes);
        bytes.extend_from_slice(&sum.to_le_bytes());
        let err = Aggregate::from_bytes(&bytes, labs, steps).unwrap_err();
        assert!(err.0.contains("format version 2"), "{err}");
        assert!(err.0.contains("older airace"), "{err}");
    }

    #[test]
    fn the_safety_effort_per_step_comes_back() {
        let (a, labs, steps) = aggregate(200);
        let b = Aggregate::from_bytes(&a.to_bytes(), labs, steps).unwrap();
        assert!(a.steps[1].safety_effort.iter().all(|s| s.value() > 0.0));
        for (x, y) in a.steps.iter().zip(&b.steps) {
            assert_eq!(x.safety_effort, y.safety_effort);
        }
    }

    /// A state of version 3 (the labs past an unnoticed threshold summed
    /// over labs) that counts none is read as it is; one that counts some
    /// is refused, saying why, not split among the labs by a guess.
    #[test]
    fn version_3_is_read_when_it_counts_nothing_unnoticed() {
        let (a, labs, steps) = aggregate(300);
        assert!(a.steps.iter().all(|s| s.unnoticed.iter().all(|&u| u == 0)));
        let old = a.encode(3);
        assert_ne!(old, a.to_bytes());
        assert_eq!(Aggregate::from_bytes(&old, labs, steps).unwrap(), a);

        let scenario = crate::builtin::load("fuzzy-red-lines").unwrap();
        let model = RaceModel::new(&scenario);
        let fuzzy = crate::engine::tests::simulate_quietly(&model, 11, 300, &mut NoSink);
        let (labs, steps) = (scenario.lab_count(), scenario.meta.steps);
        assert!(
            fuzzy
                .steps
                .iter()
                .any(|s| s.unnoticed.iter().any(|&u| u > 0))
        );
        let back = Aggregate::from_bytes(&fuzzy.to_bytes(), labs, steps).unwrap();
        assert_eq!(back, fuzzy, "version 4 keeps each lab's count");
        let err = Aggregate::from_bytes(&fuzzy.encode(3), labs, steps).unwrap_err();
        assert!(err.0.contains("format version 3"), "{err}");
        assert!(err.0.contains("simulate its runs again"), "{err}");
    }
}
