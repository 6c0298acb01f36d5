//! 95% confidence intervals: normal for means of continuous quantities,
//! Wilson for proportions of events (honest near 0 and 1).

use serde::Serialize;

/// The normal quantile of a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// A point estimate with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    pub mean: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// Mean ± 1.96 standard errors from a sum and a sum of squares over `n`
/// observations, optionally clipped to `[lo, hi]`.
pub fn normal_interval(sum: f64, sum_sq: f64, n: u64, clip: Option<(f64, f64)>) -> Estimate {
    if n == 0 {
        return Estimate {
            mean: f64::NAN,
            ci_low: f64::NAN,
            ci_high: f64::NAN,
        };
    }
    let (mean, se) = super::mean_se(sum, sum_sq, n as f64);
    let half = Z95 * se;
    let (mut low, mut high) = (mean - half, mean + half);
    if let Some((lo, hi)) = clip {
        low = low.clamp(lo, hi);
        high = high.clamp(lo, hi);
    }
    Estimate {
        mean,
        ci_low: low,
        ci_high: high,
    }
}

/// The Wilson score interval for `k` events in `n` trials.
pub fn wilson_interval(k: u64, n: u64) -> Estimate {
    if n == 0 {
        return Estimate {
            mean: f64::NAN,
            ci_low: f64::NAN,
            ci_high: f64::NAN,
        };
    }
    let n_f = n as f64;
    let p = k as f64 / n_f;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n_f;
    let centre = (p + z2 / (2.0 * n_f)) / denom;
    let half = Z95 * (p * (1.0 - p) / n_f + z2 / (4.0 * n_f * n_f)).sqrt() / denom;
    // At the boundaries the interval's end is exact, not a rounding residue.
    let ci_low = if k == 0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let ci_high = if k == n {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    Estimate {
        mean: p,
        ci_low,
        ci_high,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_a_published_value() {
        // 10 successes in 100: Wilson 95% interval (0.0552, 0.1744).
        let e = wilson_interval(10, 100);
        assert!((e.ci_low - 0.05523).abs() < 1e-4, "{e:?}");
        assert!((e.ci_high - 0.17437).abs() < 1e-4, "{e:?}");
    }

    #[test]
    fn wilson_stays_inside_zero_one_and_is_not_degenerate_at_zero() {
        let e = wilson_interval(0, 50);
        assert_eq!(e.ci_low, 0.0);
        assert!(e.ci_high > 0.05 && e.ci_high < 0.1, "{e:?}");
    }

    #[test]
    fn normal_interval_of_known_data() {
        // Data 1, 2, 3, 4: mean 2.5, sd 1.2910, se 0.6455.
        let e = normal_interval(10.0, 30.0, 4, None);
        assert!((e.mean - 2.5).abs() < 1e-12);
        assert!((e.ci_high - e.mean - Z95 * 0.645_497_224_367_902_8).abs() < 1e-12);
    }
}
