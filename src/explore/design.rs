//! Experimental designs over the unit cube `[0, 1)^k`: where in the space of
//! unknowns the worlds of an exploration are drawn. Each design is seeded
//! and reproducible; the exploration maps a point of the cube to parameter
//! values through each uncertainty's distribution (its inverse CDF).
//!
//! - **Latin hypercube**: `n` points, every one of a factor's `n` equal
//!   strata used exactly once, uniform within its stratum.
//! - **Sobol' / Saltelli**: an Owen-scrambled Sobol' sequence of dimension
//!   `2k` (from the `sobol_burley` crate: seeded, no allocation, up to 2^16
//!   points and 256 dimensions) split into two independent matrices `A`
//!   (first `k` columns) and `B` (last `k`); then `AB_i` is `A` with column
//!   `i` taken from `B`. The design is `N (k + 2)` points, base sample by base
//!   sample: `A_j, B_j, AB_1j, ..., AB_kj` (Saltelli et al. 2010).
//! - **Morris**: `r` trajectories on a grid of `p` levels; each trajectory
//!   starts at a random grid point and moves one factor at a time by
//!   `Δ = p / (2 (p - 1))`, in random order and direction, `k + 1` points
//!   (Morris 1991; Campolongo et al. 2007 use the same steps).
//! - **Full factorial**: every combination of each factor's levels, the
//!   first factor varying slowest.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The most dimensions of the Saltelli scheme: `2k` must fit the Sobol'
/// sequence's 256 dimensions.
pub const MAX_SOBOL_FACTORS: usize = 128;

/// The most points of a Sobol' sequence (`sobol_burley`'s limit).
pub const MAX_SOBOL_POINTS: usize = 1 << 16;

/// The generator of a design: ChaCha8 from the exploration's seed, on a
/// stream of its own (`stream` differs per design) that no run uses.
fn design_rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(u64::MAX - stream);
    rng
}

/// A Latin hypercube of `n` points in `k` dimensions of the unit cube
/// ([`crate::sweep::stratified`], as sweeps draw theirs).
pub fn latin_hypercube(n: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = design_rng(seed, 1);
    crate::sweep::stratified(&mut rng, n, k, |_, s, u| (s as f64 + u) / n as f64)
}

/// The Sobol' sequence's scramble seed from the exploration's 64-bit seed.
fn sobol_seed(seed: u64) -> u32 {
    let mixed = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (mixed >> 32) as u32 ^ mixed as u32
}

/// `n` points of an Owen-scrambled Sobol' sequence in `dims` dimensions
/// (`n <= 2^16`, `dims <= 256`), as `f64` in `[0, 1)`.
pub fn sobol_points(n: usize, dims: usize, seed: u64) -> Vec<Vec<f64>> {
    assert!(n <= MAX_SOBOL_POINTS && dims <= 2 * MAX_SOBOL_FACTORS);
    let scramble = sobol_seed(seed);
    (0..n as u32)
        .map(|i| {
            (0..dims as u32)
                .map(|d| f64::from(sobol_burley::sample(i, d, scramble)))
                .collect()
        })
        .collect()
}

/// The Saltelli design: `n` base samples of `k` factors, `n (k + 2)` points
/// in the order `A_j, B_j, AB_1j, ..., AB_kj` for `j = 0..n`.
pub fn saltelli(n: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
    assert!(k <= MAX_SOBOL_FACTORS);
    let base = sobol_points(n, 2 * k, seed);
    let mut points = Vec::with_capacity(n * (k + 2));
    for row in base {
        let (a, b) = row.split_at(k);
        points.push(a.to_vec());
        points.push(b.to_vec());
        for i in 0..k {
            let mut ab = a.to_vec();
            ab[i] = b[i];
            points.push(ab);
        }
    }
    points
}

/// The outputs of a Saltelli design split into `f(A)`, `f(B)` and
/// `f(AB_i)` (indexed `[i][j]`), from outputs in design order.
pub struct SaltelliOutputs {
    pub a: Vec<f64>,
    pub b: Vec<f64>,
    pub ab: Vec<Vec<f64>>,
}

impl SaltelliOutputs {
    /// Splits `y` (length `n (k + 2)`, design order) for `k` factors.
    pub fn split(y: &[f64], k: usize) -> SaltelliOutputs {
        let n = y.len() / (k + 2);
        let mut out = SaltelliOutputs {
            a: Vec::with_capacity(n),
            b: Vec::with_capacity(n),
            ab: vec![Vec::with_capacity(n); k],
        };
        for chunk in y.chunks_exact(k + 2) {
            out.a.push(chunk[0]);
            out.b.push(chunk[1]);
            for i in 0..k {
                out.ab[i].push(chunk[2 + i]);
            }
        }
        out
    }

    /// The base samples `j` in `keep` only (e.g. one half of the worlds).
    pub fn subset(&self, keep: &[usize]) -> SaltelliOutputs {
        SaltelliOutputs {
            a: keep.iter().map(|&j| self.a[j]).collect(),
            b: keep.iter().map(|&j| self.b[j]).collect(),
            ab: self
                .ab
                .iter()
                .map(|c| keep.iter().map(|&j| c[j]).collect())
                .collect(),
        }
    }
}

/// A Morris design: `r` trajectories of `k + 1` points each, and for each
/// step of a trajectory the factor it moved and the signed step (`±Δ`).
pub struct MorrisDesign {
    pub points: Vec<Vec<f64>>,
    /// Per trajectory, per step: (factor, signed Δ).
    pub moves: Vec<Vec<(usize, f64)>>,
    pub k: usize,
}

/// The step of a `levels`-level Morris grid: `p / (2 (p - 1))`.
pub fn morris_delta(levels: usize) -> f64 {
    levels as f64 / (2.0 * (levels as f64 - 1.0))
}

/// `r` Morris trajectories over `k` factors on a grid of `levels` (even,
/// at least 2) levels `0, 1/(p-1), ..., 1`.
pub fn morris(r: usize, k: usize, levels: usize, seed: u64) -> MorrisDesign {
    assert!(levels >= 2 && levels.is_multiple_of(2));
    let mut rng = design_rng(seed, 2);
    let delta = morris_delta(levels);
    let step = 1.0 / (levels as f64 - 1.0);
    // Levels from which +Δ stays on the grid: the lower half.
    let half = levels / 2;
    let mut points = Vec::with_capacity(r * (k + 1));
    let mut moves = Vec::with_capacity(r);
    for _ in 0..r {
        let mut x: Vec<f64> = (0..k)
            .map(|_| rng.random_range(0..levels) as f64 * step)
            .collect();
        let mut order: Vec<usize> = (0..k).collect();
        for i in (1..k).rev() {
            let j = rng.random_range(0..=i);
            order.swap(i, j);
        }
        points.push(x.clone());
        let mut trajectory = Vec::with_capacity(k);
        for &i in &order {
            let level = (x[i] / step).round() as usize;
            let d = if level < half { delta } else { -delta };
            x[i] = ((level as f64 * step + d) / step).round() * step;
            points.push(x.clone());
            trajectory.push((i, d));
        }
        moves.push(trajectory);
    }
    MorrisDesign { points, moves, k }
}

/// Every combination of `levels[i]` levels per factor, as level indices,
/// the first factor varying slowest.
pub fn full_factorial(levels: &[usize]) -> Vec<Vec<usize>> {
    let mut points: Vec<Vec<usize>> = vec![Vec::new()];
    for &l in levels {
        points = points
            .iter()
            .flat_map(|prefix| {
                (0..l).map(move |v| {
                    let mut p = prefix.clone();
                    p.push(v);
                    p
                })
            })
            .collect();
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_hypercube_uses_every_stratum_once() {
        let n = 50;
        let points = latin_hypercube(n, 3, 7);
        for d in 0..3 {
            let mut strata: Vec<usize> = points
                .iter()
                .map(|p| (p[d] * n as f64).floor() as usize)
                .collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..n).collect::<Vec<_>>());
        }
        assert_eq!(points, latin_hypercube(n, 3, 7));
        assert_ne!(points, latin_hypercube(n, 3, 8));
    }

    #[test]
    fn sobol_points_fill_the_cube_evenly() {
        // A (scrambled) Sobol' sequence of 2^m points has exactly 2^m / 4
        // points in each quarter of every dimension (a (t, m, s)-net).
        let points = sobol_points(256, 6, 3);
        for d in 0..6 {
            let mut counts = [0; 4];
            for p in &points {
                assert!((0.0..1.0).contains(&p[d]));
                counts[(p[d] * 4.0) as usize] += 1;
            }
            assert_eq!(counts, [64; 4], "dimension {d}");
        }
        assert_eq!(points, sobol_points(256, 6, 3));
        assert_ne!(points, sobol_points(256, 6, 4));
    }

    #[test]
    fn saltelli_rows_are_a_b_and_their_mixtures() {
        let (n, k) = (8, 3);
        let points = saltelli(n, k, 1);
        assert_eq!(points.len(), n * (k + 2));
        for chunk in points.chunks(k + 2) {
            let (a, b) = (&chunk[0], &chunk[1]);
            for i in 0..k {
                for d in 0..k {
                    let want = if d == i { b[d] } else { a[d] };
                    assert_eq!(chunk[2 + i][d], want);
                }
            }
        }
        let y: Vec<f64> = (0..points.len()).map(|x| x as f64).collect();
        let split = SaltelliOutputs::split(&y, k);
        assert_eq!(split.a[1], 5.0);
        assert_eq!(split.b[1], 6.0);
        assert_eq!(split.ab[2][1], 9.0);
    }

    #[test]
    #[allow(clippy::needless_range_loop)]
    fn morris_moves_one_factor_by_delta_per_step() {
        let (r, k, p) = (20, 4, 4);
        let design = morris(r, k, p, 5);
        let delta = morris_delta(p);
        assert_eq!(design.points.len(), r * (k + 1));
        for (t, moves) in design.moves.iter().enumerate() {
            let traj = &design.points[t * (k + 1)..(t + 1) * (k + 1)];
            let mut seen = vec![false; k];
            for (s, &(i, d)) in moves.iter().enumerate() {
                seen[i] = true;
                for f in 0..k {
                    let change = traj[s + 1][f] - traj[s][f];
                    let want = if f == i { d } else { 0.0 };
                    assert!((change - want).abs() < 1e-12);
                }
                assert!((d.abs() - delta).abs() < 1e-12);
                assert!((0.0..=1.0).contains(&traj[s + 1][i]));
            }
            assert!(seen.iter().all(|&s| s), "every factor moves once");
        }
    }

    #[test]
    fn full_factorial_counts_and_orders() {
        let points = full_factorial(&[2, 3]);
        assert_eq!(
            points,
            vec![
                vec![0, 0],
                vec![0, 1],
                vec![0, 2],
                vec![1, 0],
                vec![1, 1],
                vec![1, 2]
            ]
        );
    }
}
