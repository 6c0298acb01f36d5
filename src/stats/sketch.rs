//! Quantiles of positive values from a histogram with logarithmic bins of
//! fixed edges (the idea of DDSketch): every reported quantile is within
//! 0.1% (relative) of an exact order statistic, and merging is adding
//! integer counts (and taking minima and maxima), so it is exact and
//! order-independent. Each bin also keeps the smallest and largest value it
//! holds, so a bin of equal values reports that value exactly.

/// Ratio of consecutive bin edges: bins are `[G^i, G^(i+1))`.
const GROWTH: f64 = 1.002;

/// A mergeable quantile sketch of positive values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuantileSketch {
    /// Bin index of `counts[0]`.
    offset: i32,
    counts: Vec<u64>,
    /// Smallest and largest value in each bin.
    min: Vec<f64>,
    max: Vec<f64>,
    /// Values that are zero, negative or NaN (reported as 0).
    non_positive: u64,
    /// Values that are +infinity.
    infinite: u64,
}

impl QuantileSketch {
    fn bin(x: f64) -> i32 {
        (x.ln() / GROWTH.ln()).floor() as i32
    }

    /// The value a bin stands for: its geometric centre.
    fn representative(bin: i32) -> f64 {
        GROWTH.powf(bin as f64 + 0.5)
    }

    /// Adds one value.
    pub fn add(&mut self, x: f64) {
        if x.is_nan() || x <= 0.0 {
            self.non_positive += 1;
        } else if x == f64::INFINITY {
            self.infinite += 1;
        } else {
            self.add_to_bin(Self::bin(x), 1, x, x);
        }
    }

    fn add_to_bin(&mut self, bin: i32, count: u64, min: f64, max: f64) {
        if self.counts.is_empty() {
            self.offset = bin;
        }
        if bin < self.offset {
            let grow = (self.offset - bin) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.min
                .splice(0..0, std::iter::repeat_n(f64::INFINITY, grow));
            self.max
                .splice(0..0, std::iter::repeat_n(f64::NEG_INFINITY, grow));
            self.offset = bin;
        }
        let index = (bin - self.offset) as usize;
        if index >= self.counts.len() {
            self.counts.resize(index + 1, 0);
            self.min.resize(index + 1, f64::INFINITY);
            self.max.resize(index + 1, f64::NEG_INFINITY);
        }
        self.counts[index] += count;
        self.min[index] = self.min[index].min(min);
        self.max[index] = self.max[index].max(max);
    }

    /// Adds every value of another sketch.
    pub fn merge(&mut self, other: &QuantileSketch) {
        self.non_positive += other.non_positive;
        self.infinite += other.infinite;
        for (i, &c) in other.counts.iter().enumerate() {
            if c > 0 {
                self.add_to_bin(other.offset + i as i32, c, other.min[i], other.max[i]);
            }
        }
    }

    /// Number of values added.
    pub fn count(&self) -> u64 {
        self.non_positive + self.infinite + self.counts.iter().sum::<u64>()
    }

    /// The `q`-quantile by the nearest-rank rule (the value of rank
    /// `ceil(q n)`), to within the bin's relative width; NaN when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        let n = self.count();
        if n == 0 {
            return f64::NAN;
        }
        let rank = ((q * n as f64).ceil() as u64).clamp(1, n);
        if rank <= self.non_positive {
            return 0.0;
        }
        let mut seen = self.non_positive;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Self::representative(self.offset + i as i32)
                    .clamp(self.min[i], self.max[i]);
            }
        }
        f64::INFINITY
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_within_a_tenth_of_a_percent() {
        let mut s = QuantileSketch::default();
        let values: Vec<f64> = (1..=1000).map(|i| i as f64 * 0.01).collect();
        values.iter().for_each(|&v| s.add(v));
        for (q, exact) in [(0.05, 0.5), (0.5, 5.0), (0.95, 9.5)] {
            let got = s.quantile(q);
            assert!((got / exact - 1.0).abs() < 1e-3, "q{q}: {got} vs {exact}");
        }
    }

    #[test]
    fn merge_equals_adding_everything_to_one() {
        let mut a = QuantileSketch::default();
        let mut b = QuantileSketch::default();
        let mut all = QuantileSketch::default();
        for i in 0..500 {
            let x = 0.1 + (i as f64).sqrt();
            if i % 3 == 0 {
                a.add(x)
            } else {
                b.add(x)
            }
            all.add(x);
        }
        b.merge(&a);
        assert_eq!(b.quantile(0.5), all.quantile(0.5));
        assert_eq!(b.count(), all.count());
        let mut c = a.clone();
        c.merge(&QuantileSketch::default());
        assert_eq!(c, a);
    }

    #[test]
    fn equal_values_are_reported_exactly() {
        let mut s = QuantileSketch::default();
        (0..10).for_each(|_| s.add(1.0));
        assert_eq!(s.quantile(0.05), 1.0);
        assert_eq!(s.quantile(0.95), 1.0);
    }

    #[test]
    fn odd_values_do_not_break_it() {
        let mut s = QuantileSketch::default();
        s.add(f64::NAN);
        s.add(f64::INFINITY);
        s.add(2.0);
        assert_eq!(s.count(), 3);
        assert_eq!(s.quantile(0.0), 0.0);
        assert_eq!(s.quantile(1.0), f64::INFINITY);
        assert!(QuantileSketch::default().quantile(0.5).is_nan());
    }
}
