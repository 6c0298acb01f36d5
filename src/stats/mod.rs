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

/// Mean and standard error of `n` values from their sum and sum of
/// squares: `mean = sum / n`, `s^2 = max(0, (sum_sq - n mean^2) / (n - 1))`
/// (0 for `n <= 1`), `se = sqrt(s^2 / n)`. The one such helper of the
/// game payoffs, the DSAIR matrix and the precipice's disaster estimate.
pub fn mean_se(sum: f64, sum_sq: f64, n: f64) -> (f64, f64) {
    let mean = sum / n;
    let var = if n > 1.0 {
        ((sum_sq - n * mean * mean) / (n - 1.0)).max(0.0)
    } else {
        0.0
    };
    (mean, (var / n).sqrt())
}

/// Where `Iterator::sum` of floats starts, whatever the standard library
/// uses (`-0.0` since Rust 1.81): a sum in a loop of our own starts here, to
/// give the same bits.
#[inline]
pub fn sum_start() -> f64 {
    std::iter::empty::<f64>().sum()
}
