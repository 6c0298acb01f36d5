//! Sums of floats kept in fixed point (an `i128` of units of `2^-FRAC`).
//!
//! Integer addition is associative, so a sum merged from blocks computed on
//! any number of threads, in any order, or on other machines, has exactly
//! the same bits as one computed in a single pass. Each addend is rounded to
//! the nearest `2^-FRAC`; the error of a mean over `n` runs is therefore at
//! most `2^-(FRAC+1)`, far below the precision written to any output.

use serde::{Deserialize, Serialize};

/// A mergeable, order-independent sum with `FRAC` fractional bits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixedSum<const FRAC: u32> {
    units: i128,
}

/// For values in [0, 1] (probabilities and their squares): resolution
/// `2^-80`, room for `2^47` runs.
pub type ProbSum = FixedSum<80>;

/// For capabilities, steps and utilities: resolution `2^-40` (about
/// `1e-12`), magnitudes up to about `1e26` in total.
pub type ValueSum = FixedSum<40>;

impl<const FRAC: u32> FixedSum<FRAC> {
    const SCALE: f64 = (1u128 << FRAC) as f64;

    /// Adds one value; non-finite values saturate (NaN counts as zero).
    #[inline]
    pub fn add(&mut self, x: f64) {
        // Scaling by a power of two is exact; `as` saturates out of range.
        self.units = self.units.saturating_add((x * Self::SCALE).round() as i128);
    }

    /// Adds another sum.
    pub fn merge(&mut self, other: &Self) {
        self.units = self.units.saturating_add(other.units);
    }

    /// The sum in units of `2^-FRAC` (exact; for saving and restoring).
    pub fn units(&self) -> i128 {
        self.units
    }

    pub fn from_units(units: i128) -> Self {
        FixedSum { units }
    }

    /// The sum as a float.
    pub fn value(&self) -> f64 {
        self.units as f64 / Self::SCALE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_in_any_grouping_gives_the_same_bits() {
        let xs: Vec<f64> = (0..1000)
            .map(|i| ((i * 7919) % 1000) as f64 / 997.0 + 1e-9 * i as f64)
            .collect();
        let mut whole = ValueSum::default();
        xs.iter().for_each(|&x| whole.add(x));
        let mut left = ValueSum::default();
        let mut right = ValueSum::default();
        xs[..333].iter().for_each(|&x| left.add(x));
        xs[333..].iter().rev().for_each(|&x| right.add(x));
        right.merge(&left);
        assert_eq!(whole, right);
        let exact: f64 = xs.iter().sum();
        assert!((whole.value() - exact).abs() < 1e-9);
    }

    #[test]
    fn probabilities_keep_tiny_values() {
        let mut s = ProbSum::default();
        s.add(1e-18);
        s.add(1e-18);
        assert!((s.value() - 2e-18).abs() < 1e-21);
    }
}
