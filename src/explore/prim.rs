//! Scenario discovery with PRIM (Friedman & Fisher 1999): a box in the
//! space of unknowns, bounded in as few parameters as it can, inside which
//! a condition the user names ("the lone pause does not backfire") mostly
//! holds.
//!
//! **Peeling.** Start from the box of all worlds. At each step, for every
//! parameter, try cutting off the `alpha` share of the worlds still in the
//! box with the lowest values, and the `alpha` share with the highest
//! (at least one world; worlds tied at the new bound stay in); keep the one
//! cut that leaves the highest *density* (the share of worlds in the box
//! where the condition holds), the smaller cut on a tie, then the lower
//! parameter, lower side first. Stop when the box would hold fewer than
//! `min_support` of all worlds. No pasting.
//!
//! Each box on this trajectory has a **coverage** (the share of all worlds
//! where the condition holds that are in the box), a density, a support and
//! a number of restricted parameters. The **chosen box**, among those
//! covering at least `min_coverage` of the cases, follows the one-standard-
//! error rule (as CART prunes trees, Breiman et al. 1984): find the highest
//! density `d*` (box support `n*`), then take the first (largest) box whose
//! density is at least `d* − sqrt(d* (1 − d*) / n*)`. Late peels that only
//! chase noise in a few worlds are not chosen.
//!
//! **Pruning.** Each restriction of the chosen box is then tested, in
//! parameter order, as the EMA Workbench's quasi-p-values do: with the
//! restriction lifted the box holds `n'` worlds at density `d'`; the
//! restriction stays if the box's `h` hits are significantly more than
//! `n d'` (one-sided binomial test by the normal approximation,
//! `z = (h − n d') / sqrt(n d' (1 − d'))`, kept if `z > 1.645`, i.e. 5%),
//! and is lifted otherwise. What remains restricts only the parameters
//! that matter to the condition.

/// PRIM's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// The share of the box's worlds each peel removes.
    pub alpha: f64,
    /// The smallest share of all worlds a box may hold.
    pub min_support: f64,
    /// The smallest coverage of the chosen box.
    pub min_coverage: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            alpha: 0.05,
            min_support: 0.05,
            min_coverage: 0.5,
        }
    }
}

/// One box of the peeling trajectory.
#[derive(Debug, Clone, PartialEq)]
pub struct BoxStep {
    /// Per parameter, the box's bounds `[low, high]` (inclusive).
    pub bounds: Vec<(f64, f64)>,
    /// Worlds in the box.
    pub support: usize,
    /// Worlds in the box where the condition holds.
    pub hits: usize,
    pub coverage: f64,
    pub density: f64,
    /// Parameters whose bounds are narrower than the data's.
    pub restricted: usize,
}

/// The peeling trajectory and the index of the chosen box in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Discovery {
    pub trajectory: Vec<BoxStep>,
    pub chosen: usize,
    /// The chosen box with its insignificant restrictions lifted.
    pub pruned: BoxStep,
    /// Worlds where the condition holds, of all worlds.
    pub cases: usize,
    pub worlds: usize,
    /// The data's range per parameter.
    pub range: Vec<(f64, f64)>,
}

impl Discovery {
    /// The chosen box after pruning.
    pub fn chosen_box(&self) -> &BoxStep {
        &self.pruned
    }

    /// Whether parameter `i` is restricted in `step`.
    pub fn is_restricted(&self, step: &BoxStep, i: usize) -> bool {
        step.bounds[i].0 > self.range[i].0 || step.bounds[i].1 < self.range[i].1
    }
}

/// The one-sided 5% point of the standard normal.
const ONE_SIDED_5: f64 = 1.644_853_626_951_472_2;

fn in_box(row: &[f64], bounds: &[(f64, f64)]) -> bool {
    row.iter()
        .zip(bounds)
        .all(|(v, (lo, hi))| *lo <= *v && *v <= *hi)
}

/// Worlds in the box and hits among them.
fn count(x: &[Vec<f64>], y: &[bool], bounds: &[(f64, f64)]) -> (usize, usize) {
    x.iter().zip(y).fold((0, 0), |(n, h), (row, &hit)| {
        if in_box(row, bounds) {
            (n + 1, h + usize::from(hit))
        } else {
            (n, h)
        }
    })
}

/// Runs PRIM on worlds `x` (one row per world, one column per parameter)
/// with `y` the condition in each world. `None` without worlds.
// Parameters are columns of the rows `x[i]`: indexing by parameter reads best.
#[allow(clippy::needless_range_loop)]
pub fn discover(x: &[Vec<f64>], y: &[bool], settings: &Settings) -> Option<Discovery> {
    let n = x.len();
    if n == 0 {
        return None;
    }
    let k = x[0].len();
    let cases = y.iter().filter(|&&b| b).count();
    let range: Vec<(f64, f64)> = (0..k)
        .map(|d| {
            x.iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), r| {
                    (lo.min(r[d]), hi.max(r[d]))
                })
        })
        .collect();
    let min_support = ((settings.min_support * n as f64).ceil() as usize).max(1);
    let mut inside: Vec<usize> = (0..n).collect();
    let mut bounds = range.clone();
    let step = |inside: &[usize], bounds: &[(f64, f64)]| {
        let hits = inside.iter().filter(|&&i| y[i]).count();
        BoxStep {
            bounds: bounds.to_vec(),
            support: inside.len(),
            hits,
            coverage: if cases > 0 {
                hits as f64 / cases as f64
            } else {
                0.0
            },
            density: hits as f64 / inside.len() as f64,
            restricted: (0..k)
                .filter(|&d| bounds[d].0 > range[d].0 || bounds[d].1 < range[d].1)
                .count(),
        }
    };
    let mut trajectory = vec![step(&inside, &bounds)];
    loop {
        let m = inside.len();
        let cut = ((settings.alpha * m as f64).floor() as usize).max(1);
        // (density, removed, dimension, upper side, new bound)
        let mut best: Option<(f64, usize, usize, bool, f64)> = None;
        for d in 0..k {
            let mut values: Vec<f64> = inside.iter().map(|&i| x[i][d]).collect();
            values.sort_by(f64::total_cmp);
            for upper in [false, true] {
                if cut >= m {
                    continue;
                }
                let bound = if upper {
                    values[m - 1 - cut]
                } else {
                    values[cut]
                };
                let keep = |v: f64| if upper { v <= bound } else { v >= bound };
                let (mut kept, mut hits) = (0, 0);
                for &i in &inside {
                    if keep(x[i][d]) {
                        kept += 1;
                        hits += usize::from(y[i]);
                    }
                }
                if kept == m || kept < min_support {
                    continue;
                }
                let density = hits as f64 / kept as f64;
                let removed = m - kept;
                let better = match best {
                    None => true,
                    Some((bd, br, ..)) => density > bd || (density == bd && removed < br),
                };
                if better {
                    best = Some((density, removed, d, upper, bound));
                }
            }
        }
        let Some((_, _, d, upper, bound)) = best else {
            break;
        };
        if upper {
            bounds[d].1 = bound;
            inside.retain(|&i| x[i][d] <= bound);
        } else {
            bounds[d].0 = bound;
            inside.retain(|&i| x[i][d] >= bound);
        }
        trajectory.push(step(&inside, &bounds));
    }
    let eligible = || {
        trajectory
            .iter()
            .enumerate()
            .filter(|(_, s)| s.coverage >= settings.min_coverage)
    };
    let top = eligible().fold(&trajectory[0], |best, (_, s)| {
        if s.density > best.density { s } else { best }
    });
    let noise = (top.density * (1.0 - top.density) / top.support as f64).sqrt();
    let chosen = eligible()
        .find(|(_, s)| s.density >= top.density - noise)
        .map_or(0, |(i, _)| i);
    let mut pruned = trajectory[chosen].bounds.clone();
    for d in 0..k {
        if pruned[d] == range[d] {
            continue;
        }
        let mut relaxed = pruned.clone();
        relaxed[d] = range[d];
        let (n_box, h_box) = count(x, y, &pruned);
        let (n_rel, h_rel) = count(x, y, &relaxed);
        let d_rel = h_rel as f64 / n_rel as f64;
        let spread = (n_box as f64 * d_rel * (1.0 - d_rel)).sqrt();
        let z = (h_box as f64 - n_box as f64 * d_rel) / spread;
        // A relaxed box of density 1 (or 0) cannot be beaten by the
        // restriction: z is then 0/0 or -x/0, and the restriction goes.
        if z.is_nan() || z <= ONE_SIDED_5 {
            pruned = relaxed;
        }
    }
    let pruned_inside: Vec<usize> = (0..n).filter(|&i| in_box(&x[i], &pruned)).collect();
    let pruned = step(&pruned_inside, &pruned);
    Some(Discovery {
        trajectory,
        chosen,
        pruned,
        cases,
        worlds: n,
        range,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explore::design::latin_hypercube;
    use rand::{RngExt, SeedableRng};

    /// The condition holds in the box `x0 >= 0.6, x1 <= 0.3` (x2 plays no
    /// part), with 5% of the worlds' labels flipped at random: PRIM finds
    /// the box's two edges and leaves x2 alone.
    #[test]
    fn recovers_a_planted_box() {
        let x = latin_hypercube(3000, 3, 21);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(4);
        let y: Vec<bool> = x
            .iter()
            .map(|r| {
                let inside = r[0] >= 0.6 && r[1] <= 0.3;
                if rng.random::<f64>() < 0.05 {
                    !inside
                } else {
                    inside
                }
            })
            .collect();
        let found = discover(&x, &y, &Settings::default()).unwrap();
        let chosen = found.chosen_box();
        assert!((chosen.bounds[0].0 - 0.6).abs() < 0.05, "{chosen:?}");
        assert!((chosen.bounds[1].1 - 0.3).abs() < 0.05, "{chosen:?}");
        assert!(!found.is_restricted(chosen, 2), "{chosen:?}");
        assert_eq!(chosen.restricted, 2);
        // Flipped labels outside the box add some 130 cases to the 340 or
        // so inside it: no box covers much more than 70% of the cases.
        assert!(chosen.density > 0.9 && chosen.coverage > 0.6, "{chosen:?}");
        // Along the trajectory support only shrinks and the first box is all.
        assert_eq!(found.trajectory[0].support, 3000);
        assert_eq!(found.trajectory[0].coverage, 1.0);
        assert!(
            found
                .trajectory
                .windows(2)
                .all(|w| w[1].support < w[0].support)
        );
        assert!(found.trajectory.last().unwrap().support >= 150);
    }

    #[test]
    fn no_cases_gives_the_whole_box() {
        let x = latin_hypercube(100, 2, 1);
        let found = discover(&x, &[false; 100], &Settings::default()).unwrap();
        assert_eq!(found.chosen, 0);
        assert_eq!(found.cases, 0);
    }
}
