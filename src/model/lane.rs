//! One formula for one run or for four: the model's arithmetic (growth,
//! hazard) is written once, generic over [`Lane`], a number that is either
//! one `f64` (one run at a time, `engine::run`) or one value per run of
//! four runs simulated in lockstep (`engine::lanes`, `F64x4` with AVX2).
//!
//! Each operation of a [`Lane`] is the IEEE operation of `f64`, lane by
//! lane, so a formula gives each lane the bits it gives one run: the lanes'
//! tests check that they do. (Rust never fuses a multiply and an add.)

use std::ops::{Add, Div, Mul, Sub};

/// A value per run: `f64` for one run, `F64x4` for four.
pub trait Lane:
    Copy + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self> + Div<Output = Self>
{
    /// Per lane, a comparison's outcome: `bool` for one run.
    type Mask: Copy + std::ops::BitOr<Output = Self::Mask>;

    /// `x` in every lane.
    fn splat(x: f64) -> Self;
    /// [`exp`](super::exp::exp) of each lane.
    fn exp(self) -> Self;
    fn sqrt(self) -> Self;
    /// `f` of each lane, one at a time (what has no vector form).
    fn map(self, f: impl Fn(f64) -> f64) -> Self;
    /// `self > other`, false where either is NaN.
    fn gt(self, other: Self) -> Self::Mask;
    /// `self < other`, false where either is NaN.
    fn lt(self, other: Self) -> Self::Mask;
    /// `self == other`, false where either is NaN.
    fn eq(self, other: Self) -> Self::Mask;
    fn is_nan(self) -> Self::Mask;
    /// `yes` where `mask` holds, else `no`.
    fn select(mask: Self::Mask, yes: Self, no: Self) -> Self;
}

impl Lane for f64 {
    type Mask = bool;

    #[inline(always)]
    fn splat(x: f64) -> Self {
        x
    }
    #[inline(always)]
    fn exp(self) -> Self {
        super::exp::exp(self)
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        f64::sqrt(self)
    }
    #[inline(always)]
    fn map(self, f: impl Fn(f64) -> f64) -> Self {
        f(self)
    }
    #[inline(always)]
    fn gt(self, other: Self) -> bool {
        self > other
    }
    #[inline(always)]
    fn lt(self, other: Self) -> bool {
        self < other
    }
    #[inline(always)]
    fn eq(self, other: Self) -> bool {
        self == other
    }
    #[inline(always)]
    fn is_nan(self) -> bool {
        f64::is_nan(self)
    }
    #[inline(always)]
    fn select(mask: bool, yes: Self, no: Self) -> Self {
        if mask { yes } else { no }
    }
}
