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
