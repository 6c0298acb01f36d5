//! Quantiles of positive values from a histogram with logarithmic bins of
//! fixed edges (the idea of DDSketch): every reported quantile is within
//! 0.1% (relative) of an exact order statistic, and merging is adding
//! integer counts (and taking minima and maxima), so it is exact and
//! order-independent. Each bin also keeps the smallest and largest value it
//! holds, so a bin of equal values reports that value exactly.

/// Ratio of consecutive bin edges: bins are `[G^i, G^(i+1))`.
const GROWTH: f64 = 1.002;

/// The tables of [`QuantileSketch::bin_estimate`].
struct LogTable {
    /// For `c = 1 + (j + 1/2) / 64`: `(1 / c, ln c)`.
    centres: [(f64, f64); 64],
    inverse_ln_growth: f64,
}

static LOG_TABLE: std::sync::LazyLock<LogTable> = std::sync::LazyLock::new(|| LogTable {
    centres: std::array::from_fn(|j| {
        let c = 1.0 + (j as f64 + 0.5) / 64.0;
        (1.0 / c, c.ln())
    }),
    inverse_ln_growth: 1.0 / GROWTH.ln(),
});

use super::codec::{DecodeError, Decoder, Encoder};

/// A mergeable quantile sketch of positive values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuantileSketch {
    /// Bin index of `bins[0]`.
    offset: i32,
    bins: Vec<Bin>,
    /// Values that are zero, negative or NaN (reported as 0).
    non_positive: u64,
    /// Values that are +infinity.
    infinite: u64,
}

/// One bin: how many values it holds, and the smallest and largest.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Bin {
    count: u64,
    min: f64,
    max: f64,
}

impl Bin {
    const EMPTY: Bin = Bin {
        count: 0,
        min: f64::INFINITY,
        max: f64::NEG_INFINITY,
    };
}

impl QuantileSketch {
    /// The bin of a positive value: this formula defines the bins.
    #[inline]
    fn bin(x: f64) -> i32 {
        (x.ln() / GROWTH.ln()).floor() as i32
    }

    /// [`bin`](Self::bin), the same integer, almost always without a `ln`
    /// call.
    ///
    /// An inline logarithm (below) gives `ln(x) / ln(G)` to within 1e-8;
    /// the formula's own rounding (`ln` is faithful to about half an ulp,
    /// the division rounds) is within 1e-9 for any positive double. So
    /// whenever the estimate is farther than 1e-6 from an integer, both
    /// floor to the same bin; otherwise (about one value in 500,000) the
    /// formula decides.
    #[inline]
    fn bin_fast(x: f64) -> i32 {
        Self::bin_estimate(x).unwrap_or_else(|| Self::bin(x))
    }

    /// The bin of `x` where the inline logarithm settles it.
    ///
    /// `x = 2^e m` with `m` in `[1, 2)`; the top six bits of `m` pick a
    /// centre `c` (a 64-entry table of `1 / c` and `ln c`) with `m / c` within
    /// 1/128 of 1, and `ln(m / c)` takes four terms of its series (error
    /// below 1e-11).
    #[inline]
    fn bin_estimate(x: f64) -> Option<i32> {
        const GUARD: f64 = 1e-6;
        let bits = x.to_bits();
        let biased = (bits >> 52) as i32;
        if biased == 0 || biased >= 0x7ff {
            return None; // subnormal (or not a positive finite value)
        }
        let log = &*LOG_TABLE;
        let (inverse, ln_centre) = log.centres[((bits >> 46) & 63) as usize];
        let m = f64::from_bits((bits & ((1 << 52) - 1)) | (1023 << 52));
        let r = m * inverse - 1.0;
        let series = r * (1.0 - r * (0.5 - r * (1.0 / 3.0 - r * 0.25)));
        let ln = f64::from(biased - 1023) * std::f64::consts::LN_2 + ln_centre + series;
        let y = ln * log.inverse_ln_growth;
        let truncated = y as i32;
        let floor = truncated - i32::from(f64::from(truncated) > y);
        let fraction = y - f64::from(floor);
        (fraction > GUARD && fraction < 1.0 - GUARD).then_some(floor)
    }

    /// The value a bin stands for: its geometric centre.
    fn representative(bin: i32) -> f64 {
        GROWTH.powf(bin as f64 + 0.5)
    }

    /// Adds one value.
    #[inline]
    pub fn add(&mut self, x: f64) {
        if x.is_nan() || x <= 0.0 {
            self.non_positive += 1;
        } else if x == f64::INFINITY {
            self.infinite += 1;
        } else {
            self.add_to_bin(Self::bin_fast(x), 1, x, x);
        }
    }

    #[inline]
    fn add_to_bin(&mut self, bin: i32, count: u64, min: f64, max: f64) {
        let index = bin.wrapping_sub(self.offset) as u32 as usize;
        let b = match self.bins.get_mut(index) {
            Some(b) => b,
            None => self.grow_to(bin),
        };
        // Never NaN, so these selects are f64::min and max (and branch-free).
        b.count += count;
        b.min = if min < b.min { min } else { b.min };
        b.max = if max > b.max { max } else { b.max };
    }

    /// Makes room for `bin` (below, above, or in an empty sketch).
    #[cold]
    fn grow_to(&mut self, bin: i32) -> &mut Bin {
        if self.bins.is_empty() {
            self.offset = bin;
        }
        if bin < self.offset {
            let grow = (self.offset - bin) as usize;
            self.bins
                .splice(0..0, std::iter::repeat_n(Bin::EMPTY, grow));
            self.offset = bin;
        }
        let index = (bin - self.offset) as usize;
        if index >= self.bins.len() {
            self.bins.resize(index + 1, Bin::EMPTY);
        }
        &mut self.bins[index]
    }

    /// Adds every value of another sketch.
    pub fn merge(&mut self, other: &QuantileSketch) {
        self.non_positive += other.non_positive;
        self.infinite += other.infinite;
        for (i, b) in other.bins.iter().enumerate() {
            if b.count > 0 {
                self.add_to_bin(other.offset + i as i32, b.count, b.min, b.max);
            }
        }
    }

    /// Writes the sketch's non-empty bins (a canonical form: two sketches
    /// of the same values encode alike however they grew).
    pub fn encode(&self, e: &mut Encoder) {
        e.u64(self.non_positive);
        e.u64(self.infinite);
        let filled: Vec<(usize, &Bin)> = self
            .bins
            .iter()
            .enumerate()
            .filter(|(_, b)| b.count > 0)
            .collect();
        e.u64(filled.len() as u64);
        for (i, b) in filled {
            e.i32(self.offset + i as i32);
            e.u64(b.count);
            e.f64(b.min);
            e.f64(b.max);
        }
    }

    /// Reads a sketch written by [`encode`](Self::encode), checking that
    /// every bin is one its values could have made.
    pub fn decode(d: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        let mut s = QuantileSketch {
            non_positive: d.u64()?,
            infinite: d.u64()?,
            ..QuantileSketch::default()
        };
        let bins = d.count(4 + 8 + 8 + 8)?;
        let mut last = None;
        for _ in 0..bins {
            let (bin, count, min, max) = (d.i32()?, d.u64()?, d.f64()?, d.f64()?);
            let sane = count > 0
                && last.is_none_or(|l| bin > l)
                && min > 0.0
                && min <= max
                && max.is_finite()
                && Self::bin(min) == bin
                && Self::bin(max) == bin;
            if !sane {
                return Err(DecodeError(format!(
                    "quantile sketch bin {bin} (count {count}, min {min}, max {max}) is not valid"
                )));
            }
            last = Some(bin);
            s.add_to_bin(bin, count, min, max);
        }
        Ok(s)
    }

    /// Number of values added.
    pub fn count(&self) -> u64 {
        self.non_positive + self.infinite + self.bins.iter().map(|b| b.count).sum::<u64>()
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
        for (i, b) in self.bins.iter().enumerate() {
            seen += b.count;
            if seen >= rank {
                return Self::representative(self.offset + i as i32).clamp(b.min, b.max);
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
    fn the_fast_bin_is_the_formula() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let mut next = move || rng.next_u64();
        let (mut estimated, mut checked) = (0, 0);
        let mut check = |x: f64| {
            let exact = QuantileSketch::bin(x);
            assert_eq!(QuantileSketch::bin_fast(x), exact, "x = {x:e}");
            if let Some(bin) = QuantileSketch::bin_estimate(x) {
                assert_eq!(bin, exact, "x = {x:e}");
                estimated += 1;
            }
            checked += 1;
        };
        // Any positive double, subnormals and the largest included.
        for _ in 0..300_000 {
            check(f64::from_bits(next() % f64::MAX.to_bits() + 1));
        }
        check(f64::MIN_POSITIVE);
        check(f64::MAX);
        // Dense where capabilities live.
        for _ in 0..1_000_000 {
            check(0.01 + 1e3 * (next() >> 11) as f64 / (1u64 << 53) as f64);
        }
        // Around the edges G^k, where the formula's rounding matters.
        for k in -3000..6000 {
            let edge = GROWTH.powi(k);
            let bits = edge.to_bits();
            for d in 0..40 {
                check(f64::from_bits(bits - 20 + d));
            }
        }
        // Next to the edges the formula decides; elsewhere the estimate.
        assert!(estimated > 1_290_000, "{estimated} of {checked}");
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
