//! Replicator dynamics of a symmetric game: how strategy frequencies move in
//! an infinite population where strategies earning more than average grow.
//!
//! Groups of `n` players are drawn from a population with frequencies `x`,
//! so a player's `n - 1` co-players are a multinomial draw: the expected
//! payoff of strategy `s` is
//! `f_s(x) = sum over co-player counts o of multinomial(o; n - 1, x) pi_s(o + e_s)`,
//! and `dx_s/dt = x_s (f_s(x) - sum_t x_t f_t(x))`. Trajectories are
//! integrated with fourth-order Runge–Kutta from a grid of starting points;
//! where they end are the dynamics' attractors, and how many starts end at
//! each is a measure of its basin.

use super::table::{SymmetricTable, compositions};
use serde::Serialize;

/// The replicator field of a complete symmetric table.
#[derive(Debug, Clone)]
pub struct Replicator {
    strategies: usize,
    /// Every split of the `n - 1` co-players among the strategies, with its
    /// multinomial coefficient and the payoff of each strategy against it
    /// (NaN where the table has none).
    terms: Vec<(Vec<usize>, f64, Vec<f64>)>,
    /// Largest payoff difference in the table: sets the time scale.
    spread: f64,
}

impl Replicator {
    /// The field of `table`; `None` if a payoff is missing.
    pub fn new(table: &SymmetricTable) -> Option<Self> {
        if !table.is_complete() {
            return None;
        }
        let m = table.strategies().len();
        let others = table.players() - 1;
        let terms = compositions(others, m)
            .into_iter()
            .map(|o| {
                let coefficient = multinomial(others, &o);
                let payoffs = (0..m)
                    .map(|s| table.payoff_against(s, &o).map_or(f64::NAN, |p| p.mean))
                    .collect();
                (o, coefficient, payoffs)
            })
            .collect();
        let (lo, hi) = table.payoff_range();
        Some(Replicator {
            strategies: m,
            terms,
            spread: hi - lo,
        })
    }

    /// Expected payoff `f_s(x)` of each strategy at frequencies `x`.
    pub fn fitness(&self, x: &[f64]) -> Vec<f64> {
        let mut f = vec![0.0; self.strategies];
        for (o, coefficient, payoffs) in &self.terms {
            let weight = coefficient
                * o.iter()
                    .zip(x)
                    .map(|(&k, &xi)| xi.powi(k as i32))
                    .product::<f64>();
            if weight == 0.0 {
                continue;
            }
            for (fs, &p) in f.iter_mut().zip(payoffs) {
                *fs += weight * p;
            }
        }
        f
    }

    /// `dx/dt` at `x`.
    pub fn velocity(&self, x: &[f64]) -> Vec<f64> {
        let f = self.fitness(x);
        let mean: f64 = x.iter().zip(&f).map(|(a, b)| a * b).sum();
        x.iter().zip(&f).map(|(xi, fi)| xi * (fi - mean)).collect()
    }

    /// Integrates from `start` (renormalised to sum 1).
    pub fn integrate(&self, start: &[f64], options: &Integration) -> Trajectory {
        let mut x = project(start);
        let mut trajectory = Trajectory {
            start: x.clone(),
            points: vec![(0.0, x.clone())],
            end: x.clone(),
            time: 0.0,
            converged: false,
        };
        if self.spread <= 0.0 || !self.spread.is_finite() {
            trajectory.converged = true;
            return trajectory;
        }
        // Time in units of 1/spread, so that the number of steps does not
        // depend on the payoffs' scale.
        let dt = options.step / self.spread;
        let mut t = 0.0;
        for step in 1..=options.max_steps {
            let k1 = self.velocity(&x);
            let k2 = self.velocity(&add(&x, &k1, dt / 2.0));
            let k3 = self.velocity(&add(&x, &k2, dt / 2.0));
            let k4 = self.velocity(&add(&x, &k3, dt));
            for i in 0..x.len() {
                x[i] += dt / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
            }
            x = project(&x);
            t += dt;
            let speed = self
                .velocity(&x)
                .iter()
                .map(|v| v.abs())
                .fold(0.0, f64::max);
            let done = speed < options.tolerance * self.spread;
            if step % options.record_every == 0 || done {
                trajectory.points.push((t * self.spread, x.clone()));
            }
            if done {
                trajectory.converged = true;
                break;
            }
        }
        trajectory.end = x;
        trajectory.time = t * self.spread;
        trajectory
    }
}

/// How trajectories are integrated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Integration {
    /// Step in units of `1 / (max payoff - min payoff)`.
    pub step: f64,
    pub max_steps: usize,
    /// Stop when every `|dx_s/dt|` is below `tolerance * spread`.
    pub tolerance: f64,
    /// Keep every this many steps in the trajectory.
    pub record_every: usize,
}

impl Default for Integration {
    fn default() -> Self {
        Integration {
            step: 0.05,
            max_steps: 200_000,
            tolerance: 1e-10,
            record_every: 20,
        }
    }
}

/// One integrated trajectory.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trajectory {
    pub start: Vec<f64>,
    /// `(time, x)` along the way, time in units of `1 / spread`.
    pub points: Vec<(f64, Vec<f64>)>,
    pub end: Vec<f64>,
    pub time: f64,
    /// The dynamics came to rest (within the tolerance) before `max_steps`.
    pub converged: bool,
}

/// Where trajectories end, and how many.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RestPoint {
    pub x: Vec<f64>,
    /// Number of starting points whose trajectory ends here.
    pub starts: usize,
    /// Whether all those trajectories came to rest.
    pub converged: bool,
}

/// End points closer than this (largest coordinate difference) are one.
const SAME_POINT: f64 = 1e-3;

/// Groups trajectory ends into rest points, most-reached first.
pub fn rest_points(trajectories: &[Trajectory]) -> Vec<RestPoint> {
    let mut points: Vec<RestPoint> = Vec::new();
    for t in trajectories {
        let near = points.iter_mut().find(|p| {
            p.x.iter()
                .zip(&t.end)
                .all(|(a, b)| (a - b).abs() < SAME_POINT)
        });
        match near {
            Some(p) => {
                p.starts += 1;
                p.converged &= t.converged;
            }
            None => points.push(RestPoint {
                x: t.end.clone(),
                starts: 1,
                converged: t.converged,
            }),
        }
    }
    points.sort_by_key(|p| std::cmp::Reverse(p.starts));
    points
}

/// A rest point of the replicator on the estimated table, and how often
/// it is found again on tables resampled from the payoffs' sampling error.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RobustRestPoint {
    pub x: Vec<f64>,
    /// Starts that end here on the estimated table.
    pub starts: usize,
    /// Resampled tables.
    pub replicates: usize,
    /// Resampled tables on which some start ends within [`AGREE`] of it.
    pub agreeing: usize,
    /// Mean share of the starts ending near it on the resampled tables.
    pub mean_share: f64,
    /// Found on fewer than [`STABLE_SHARE`] of the replicates: the rest
    /// point moves with the noise of the payoffs.
    pub moves_with_noise: bool,
}

/// A rest point of a replicate within this distance (largest coordinate
/// difference) of the estimated table's agrees with it.
pub const AGREE: f64 = 0.05;

/// A rest point found on fewer than this share of the replicates moves
/// with the noise.
pub const STABLE_SHARE: f64 = 0.95;

/// Recomputes the rest points reached from `starts` on `replicates` tables
/// whose payoffs are drawn `mean + se * N(0, 1)`, each independently, from
/// one ChaCha8 stream seeded with `seed` (independent draws ignore the
/// positive correlation of common random numbers, so the payoff
/// differences vary more than they do: a conservative test). Returns the
/// estimated table's rest points with their agreement; `None` if the
/// table is incomplete.
pub fn bootstrap(
    table: &SymmetricTable,
    starts: &[Vec<f64>],
    replicates: usize,
    seed: u64,
) -> Option<Vec<RobustRestPoint>> {
    let field = Replicator::new(table)?;
    let trajectories: Vec<Trajectory> = starts
        .iter()
        .map(|x| field.integrate(x, &Integration::default()))
        .collect();
    bootstrap_from(table, starts, &rest_points(&trajectories), replicates, seed)
}

/// [`bootstrap`] of the rest points `base` already found from `starts` on
/// the estimated table (with the default integration).
pub fn bootstrap_from(
    table: &SymmetricTable,
    starts: &[Vec<f64>],
    base: &[RestPoint],
    replicates: usize,
    seed: u64,
) -> Option<Vec<RobustRestPoint>> {
    use rand::SeedableRng;
    use rand_distr::{Distribution, StandardNormal};
    // Shorter than the default (time 1,000 in units of 1 / spread), so
    // that many replicates stay cheap; a start that has not come to rest
    // by then is counted where it is.
    let options = Integration {
        record_every: usize::MAX,
        max_steps: 20_000,
        tolerance: 1e-8,
        ..Integration::default()
    };
    let ends = |t: &SymmetricTable| -> Option<Vec<RestPoint>> {
        let field = Replicator::new(t)?;
        let trajectories: Vec<Trajectory> = starts
            .iter()
            .map(|x| field.integrate(x, &options))
            .collect();
        Some(rest_points(&trajectories))
    };
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut agreeing = vec![0usize; base.len()];
    let mut share = vec![0.0; base.len()];
    let m = table.strategies().len();
    for _ in 0..replicates {
        let mut t = table.clone();
        for p in 0..table.profiles().len() {
            for s in 0..m {
                if let Some(pay) = table.payoff(p, s) {
                    let z: f64 = StandardNormal.sample(&mut rng);
                    t.set(
                        p,
                        s,
                        super::table::PayoffEstimate {
                            mean: pay.mean + pay.se * z,
                            se: pay.se,
                        },
                    );
                }
            }
        }
        let found = ends(&t)?;
        for (k, r) in base.iter().enumerate() {
            let near: usize = found
                .iter()
                .filter(|f| f.x.iter().zip(&r.x).all(|(a, b)| (a - b).abs() < AGREE))
                .map(|f| f.starts)
                .sum();
            if near > 0 {
                agreeing[k] += 1;
            }
            share[k] += near as f64 / starts.len() as f64;
        }
    }
    Some(
        base.iter()
            .enumerate()
            .map(|(k, r)| RobustRestPoint {
                x: r.x.clone(),
                starts: r.starts,
                replicates,
                agreeing: agreeing[k],
                mean_share: share[k] / replicates.max(1) as f64,
                moves_with_noise: (agreeing[k] as f64) < STABLE_SHARE * replicates as f64,
            })
            .collect(),
    )
}

/// Interior starting points: every `x = k / resolution` with all `k_s >= 1`.
pub fn interior_grid(strategies: usize, resolution: usize) -> Vec<Vec<f64>> {
    if resolution < strategies {
        return Vec::new();
    }
    compositions(resolution - strategies, strategies)
        .into_iter()
        .map(|k| {
            k.iter()
                .map(|&ki| (ki + 1) as f64 / resolution as f64)
                .collect()
        })
        .collect()
}

/// Every point `x = k / resolution` of the simplex, boundary included.
pub fn simplex_grid(strategies: usize, resolution: usize) -> Vec<Vec<f64>> {
    compositions(resolution, strategies)
        .into_iter()
        .map(|k| k.iter().map(|&ki| ki as f64 / resolution as f64).collect())
        .collect()
}

/// `n! / prod k_i!`.
fn multinomial(n: usize, k: &[usize]) -> f64 {
    let mut rest = n;
    let mut out = 1.0;
    for &ki in k {
        out *= super::table::binomial(rest, ki);
        rest -= ki;
    }
    out
}

fn add(x: &[f64], v: &[f64], h: f64) -> Vec<f64> {
    project(&x.iter().zip(v).map(|(a, b)| a + h * b).collect::<Vec<_>>())
}

/// Back onto the simplex: negatives from rounding to zero, sum to one.
fn project(x: &[f64]) -> Vec<f64> {
    let clipped: Vec<f64> = x.iter().map(|&v| v.max(0.0)).collect();
    let sum: f64 = clipped.iter().sum();
    if sum > 0.0 {
        clipped.iter().map(|v| v / sum).collect()
    } else {
        vec![1.0 / x.len() as f64; x.len()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::table::{PayoffEstimate, names, test_matrix as matrix};

    #[test]
    fn hawk_dove_flows_to_half_hawks_from_everywhere() {
        // V = 2, C = 4: the rest point x_H = V / C = 1/2 attracts every
        // interior start; the two pure states are rest points but repel.
        let field = Replicator::new(&matrix(&[&[-1.0, 2.0], &[0.0, 1.0]])).unwrap();
        let ends: Vec<Trajectory> = interior_grid(2, 10)
            .iter()
            .map(|s| field.integrate(s, &Integration::default()))
            .collect();
        assert_eq!(ends.len(), 9);
        let rest = rest_points(&ends);
        assert_eq!(rest.len(), 1, "{rest:?}");
        assert!((rest[0].x[0] - 0.5).abs() < 1e-6 && rest[0].converged);
        assert_eq!(field.velocity(&[1.0, 0.0]), vec![0.0, 0.0]);
        assert!(field.velocity(&[0.9, 0.1])[0] < 0.0);
        assert!(field.velocity(&[0.1, 0.9])[0] > 0.0);
    }

    #[test]
    fn fitness_averages_over_multinomial_co_players() {
        // Three players, two strategies, payoff of A = number of A
        // co-players, of B = 10 + number of A co-players.
        let mut t = SymmetricTable::new(names(&["A", "B"]), 3);
        for (p, c) in t.profiles().to_vec().iter().enumerate() {
            if c[0] > 0 {
                t.set(p, 0, PayoffEstimate::exact((c[0] - 1) as f64));
            }
            if c[1] > 0 {
                t.set(p, 1, PayoffEstimate::exact(10.0 + c[0] as f64));
            }
        }
        let f = Replicator::new(&t).unwrap().fitness(&[0.3, 0.7]);
        // Co-player A count ~ Binomial(2, 0.3): mean 0.6.
        assert!((f[0] - 0.6).abs() < 1e-12 && (f[1] - 10.6).abs() < 1e-12);
    }

    #[test]
    fn rock_paper_scissors_orbits_and_a_dominant_strategy_wins() {
        // Zero-sum RPS: the centre is a rest point and the flow circles it.
        let rps = Replicator::new(&matrix(&[
            &[0.0, -1.0, 1.0],
            &[1.0, 0.0, -1.0],
            &[-1.0, 1.0, 0.0],
        ]))
        .unwrap();
        let v = rps.velocity(&[1.0 / 3.0; 3]);
        assert!(v.iter().all(|x| x.abs() < 1e-15));
        // x A + y B + z C: d/dt (x y z) = 0 for zero-sum RPS.
        let start = [0.5, 0.3, 0.2];
        let t = rps.integrate(
            &start,
            &Integration {
                max_steps: 2000,
                ..Integration::default()
            },
        );
        let product = |x: &[f64]| x.iter().product::<f64>();
        assert!((product(&t.end) - product(&start)).abs() < 1e-6);
        // A strictly dominant third strategy takes over from every start.
        let dominant = Replicator::new(&matrix(&[
            &[1.0, 1.0, 0.0],
            &[1.0, 1.0, 0.0],
            &[2.0, 2.0, 1.0],
        ]))
        .unwrap();
        let ends: Vec<Trajectory> = interior_grid(3, 6)
            .iter()
            .map(|s| dominant.integrate(s, &Integration::default()))
            .collect();
        let rest = rest_points(&ends);
        assert_eq!(rest.len(), 1);
        assert!(rest[0].x[2] > 1.0 - 1e-6);
        assert_eq!(rest[0].starts, 10);
    }

    #[test]
    fn grids_cover_the_simplex() {
        assert_eq!(interior_grid(3, 10).len(), 36);
        assert_eq!(simplex_grid(3, 4).len(), 15);
        assert!(
            interior_grid(3, 10)
                .iter()
                .all(|x| x.iter().all(|&v| v > 0.0) && (x.iter().sum::<f64>() - 1.0).abs() < 1e-12)
        );
        assert!(interior_grid(3, 2).is_empty());
        assert_eq!(multinomial(4, &[2, 1, 1]), 12.0);
    }

    /// Two copies of one strategy, estimated 0.01 apart with a standard
    /// error of 0.02: on the estimate every start runs to the copy that
    /// happens to look better, but on resampled tables many go to the
    /// other: the rest point is flagged.
    #[test]
    fn a_rest_point_that_noise_moves_is_flagged() {
        let p = |mean: f64| crate::game::table::PayoffEstimate { mean, se: 0.02 };
        let t = SymmetricTable::from_matrix(
            vec!["a".into(), "a2".into(), "b".into()],
            &[
                vec![p(1.0), p(1.0), p(2.0)],
                vec![p(1.01), p(1.01), p(2.01)],
                vec![p(0.0), p(0.0), p(0.5)],
            ],
        );
        let starts = interior_grid(3, 5);
        let robust = bootstrap(&t, &starts, 20, 1).unwrap();
        assert!(robust.iter().any(|r| r.moves_with_noise), "{robust:?}");
        // A game whose payoffs are far apart keeps its rest point.
        let hd = SymmetricTable::from_matrix(
            vec!["hawk".into(), "dove".into()],
            &[vec![p(-1.0), p(2.0)], vec![p(0.0), p(1.0)]],
        );
        let robust = bootstrap(&hd, &interior_grid(2, 5), 20, 1).unwrap();
        assert_eq!(robust.len(), 1);
        assert_eq!(robust[0].agreeing, 20, "{robust:?}");
        assert!(!robust[0].moves_with_noise);
        // Seeded: the same seed gives the same answer.
        assert_eq!(robust, bootstrap(&hd, &interior_grid(2, 5), 20, 1).unwrap());
    }
}
