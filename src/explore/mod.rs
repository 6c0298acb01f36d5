//! Exploratory modelling: which policy conclusions survive what we do not
//! know. An exploration draws many *worlds* (values of the unknown
//! parameters) from a seeded design, runs every policy on every world with
//! the same random numbers, and asks which policy is robust across worlds
//! ([`robustness`]), which unknowns decide the outcomes ([`sobol`],
//! [`morris`]) and where in the space of unknowns a condition holds
//! ([`prim`]). The methods here are plain functions of numbers, tested
//! against known answers; the exploration file and command build on them.

pub mod design;
pub mod done;
pub mod figures;
pub mod file;
pub mod folder;
pub mod morris;
pub mod prim;
pub mod report;
pub mod robustness;
pub mod shard;
pub mod sobol;
pub mod tables;
pub mod template;

/// The `q` quantile of sorted values, interpolated linearly between order
/// statistics (Hyndman & Fan type 7, as R's and NumPy's default):
/// `h = (n − 1) q`, `x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋ + 1] − x[⌊h⌋])`.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * q;
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::quantile;

    #[test]
    fn type_7_quantiles() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&x, 0.5), 3.0);
        assert_eq!(quantile(&x, 0.0), 1.0);
        assert_eq!(quantile(&x, 1.0), 5.0);
        assert!((quantile(&x, 0.1) - 1.4).abs() < 1e-12);
    }
}
