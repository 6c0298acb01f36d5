//! Helpers for the unit tests: a fixed, dependency-free stream of test
//! inputs, so a test that sweeps many values needs no generator of its own.

/// Knuth's MMIX linear congruential generator from `seed`: `x <- x
/// 6364136223846793005 + 1442695040888963407 (mod 2^64)`, each call the
/// next `x`. Not random enough for the model (its draws come from ChaCha8
/// streams); plenty to scatter a test's inputs, the same on every machine.
pub(crate) fn lcg(seed: u64) -> impl FnMut() -> u64 {
    let mut x = seed;
    move || {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        x
    }
}

/// [`lcg`] as uniforms in `[0, 1)`: its top 53 bits over `2^53`.
pub(crate) fn lcg_uniform(seed: u64) -> impl FnMut() -> f64 {
    let mut next = lcg(seed);
    move || (next() >> 11) as f64 / (1u64 << 53) as f64
}
