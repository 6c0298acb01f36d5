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
/// (0 for `n <= 1`), `se = sqrt(s^2 / n)`. The one such helper: the game
/// payoffs, the DSAIR matrix, the precipice's disaster estimate, the
/// exploration's outcomes and [`normal_interval`] all use it.
pub fn mean_se(sum: f64, sum_sq: f64, n: f64) -> (f64, f64) {
    let mean = sum / n;
    let var = if n > 1.0 {
        ((sum_sq - n * mean * mean) / (n - 1.0)).max(0.0)
    } else {
        0.0
    };
    (mean, (var / n).sqrt())
}

/// [`mean_se`] of the values themselves: their sum and sum of squares
/// taken in order (from 0), then the same formula.
pub fn mean_se_of(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    let (mut n, mut sum, mut sum_sq) = (0.0, 0.0, 0.0);
    for x in values {
        n += 1.0;
        sum += x;
        sum_sq += x * x;
    }
    mean_se(sum, sum_sq, n)
}

/// Where `Iterator::sum` of floats starts, whatever the standard library
/// uses (`-0.0` since Rust 1.81): a sum in a loop of our own starts here, to
/// give the same bits.
#[inline]
pub fn sum_start() -> f64 {
    std::iter::empty::<f64>().sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_se_of_values_is_mean_se_of_their_sums() {
        // 1, 2, 3, 4: mean 2.5, s^2 = 5/3, se = sqrt(5/12).
        let (mean, se) = mean_se_of([1.0, 2.0, 3.0, 4.0]);
        assert_eq!(mean, 2.5);
        assert!((se - (5.0f64 / 12.0).sqrt()).abs() < 1e-15);
        let values = [0.1, -0.3, 2.7, 1e-9, 5.5];
        let sum: f64 = values.iter().fold(0.0, |s, x| s + x);
        let sum_sq: f64 = values.iter().fold(0.0, |s, x| s + x * x);
        assert_eq!(mean_se_of(values), mean_se(sum, sum_sq, 5.0));
        assert_eq!(mean_se_of([3.0]), (3.0, 0.0));
    }
}
