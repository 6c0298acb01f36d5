//! Statistics that merge exactly: sums in fixed point and quantiles from
//! integer-count histograms, so that any split of the runs into blocks,
//! threads or shards gives the same bits; and the confidence intervals
//! quoted in every output.

pub mod codec;
pub mod interval;
pub mod sketch;
pub mod sum;

pub use interval::{Estimate, normal_interval, wilson_interval};
pub use sketch::QuantileSketch;
pub use sum::{ProbSum, ValueSum};

/// Where `Iterator::sum` of floats starts, whatever the standard library
/// uses (`-0.0` since Rust 1.81): a sum in a loop of our own starts here, to
/// give the same bits.
#[inline]
pub fn sum_start() -> f64 {
    std::iter::empty::<f64>().sum()
}
