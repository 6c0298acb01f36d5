//! Robustness of policies across worlds: how each policy does over the
//! worlds we cannot rule out, how far it falls short of the best policy in
//! each world (regret), how often it is the best, and how often it beats
//! each other policy. Every policy ran on every world with the same random
//! numbers, so a difference within a world is the policy's doing.
//!
//! For an outcome where lower is better (P(catastrophe)), the regret of
//! policy `p` in world `w` is `x_pw − min_q x_qw`; where higher is better
//! (utility), `max_q x_qw − x_pw`. Either way regret is `>= 0` and `0` for
//! the best policy. A policy is *best* in a world when no policy does
//! strictly better (ties count for every policy tied); A *beats* B when
//! A's outcome is strictly better. Shares come with Wilson 95% intervals
//! over worlds (the worlds are the sample; each world's own Monte Carlo
//! error is in the experiments' standard errors, not in these intervals).

use super::quantile;
use crate::stats::interval::{Estimate, wilson_interval};

/// Which way an outcome is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Lower,
    Higher,
}

impl Better {
    pub fn name(self) -> &'static str {
        match self {
            Better::Lower => "lower",
            Better::Higher => "higher",
        }
    }

    /// Whether `a` is strictly better than `b`.
    pub fn beats(self, a: f64, b: f64) -> bool {
        match self {
            Better::Lower => a < b,
            Better::Higher => a > b,
        }
    }
}

/// One policy's robustness on one outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyRobustness {
    pub mean: f64,
    pub q05: f64,
    pub q50: f64,
    pub q95: f64,
    /// The worst value over worlds (the maximum where lower is better).
    pub worst: f64,
    pub regret_mean: f64,
    pub regret_max: f64,
    /// Worlds in which no policy does strictly better.
    pub best_worlds: u64,
    pub best_share: Estimate,
}

/// "A beats B in x% of worlds".
#[derive(Debug, Clone, PartialEq)]
pub struct Pairwise {
    pub a: usize,
    pub b: usize,
    pub wins: u64,
    pub ties: u64,
    pub share: Estimate,
}

/// Robustness of every policy from `values[world][policy]`.
pub fn robustness(values: &[Vec<f64>], better: Better) -> Vec<PolicyRobustness> {
    let worlds = values.len();
    let policies = values.first().map_or(0, Vec::len);
    let best_of = |row: &[f64]| match better {
        Better::Lower => row.iter().copied().fold(f64::INFINITY, f64::min),
        Better::Higher => row.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    };
    (0..policies)
        .map(|p| {
            let mut column: Vec<f64> = values.iter().map(|r| r[p]).collect();
            let mean = column.iter().sum::<f64>() / worlds as f64;
            let regrets: Vec<f64> = values.iter().map(|r| (r[p] - best_of(r)).abs()).collect();
            let best_worlds = values.iter().filter(|r| r[p] == best_of(r)).count() as u64;
            column.sort_by(f64::total_cmp);
            let worst = match better {
                Better::Lower => column[worlds - 1],
                Better::Higher => column[0],
            };
            PolicyRobustness {
                mean,
                q05: quantile(&column, 0.05),
                q50: quantile(&column, 0.5),
                q95: quantile(&column, 0.95),
                worst,
                regret_mean: regrets.iter().sum::<f64>() / worlds as f64,
                regret_max: regrets.iter().copied().fold(0.0, f64::max),
                best_worlds,
                best_share: wilson_interval(best_worlds, worlds as u64),
            }
        })
        .collect()
}

/// "A beats B" for every ordered pair of distinct policies, A-major.
pub fn pairwise(values: &[Vec<f64>], better: Better) -> Vec<Pairwise> {
    let policies = values.first().map_or(0, Vec::len);
    let mut out = Vec::new();
    for a in 0..policies {
        for b in (0..policies).filter(|&b| b != a) {
            let wins = values.iter().filter(|r| better.beats(r[a], r[b])).count() as u64;
            let ties = values.iter().filter(|r| r[a] == r[b]).count() as u64;
            out.push(Pairwise {
                a,
                b,
                wins,
                ties,
                share: wilson_interval(wins, values.len() as u64),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Four worlds, three policies, P(catastrophe) (lower is better),
    /// worked by hand:
    ///
    /// | world | A   | B   | C   | best    | regret A, B, C  |
    /// |-------|-----|-----|-----|---------|-----------------|
    /// | 1     | 0.1 | 0.2 | 0.3 | A       | 0, 0.1, 0.2     |
    /// | 2     | 0.4 | 0.2 | 0.2 | B and C | 0.2, 0, 0       |
    /// | 3     | 0.3 | 0.5 | 0.1 | C       | 0.2, 0.4, 0     |
    /// | 4     | 0.2 | 0.3 | 0.4 | A       | 0, 0.1, 0.2     |
    fn table() -> Vec<Vec<f64>> {
        vec![
            vec![0.1, 0.2, 0.3],
            vec![0.4, 0.2, 0.2],
            vec![0.3, 0.5, 0.1],
            vec![0.2, 0.3, 0.4],
        ]
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn regret_and_best_share_by_hand() {
        let r = robustness(&table(), Better::Lower);
        assert!(close(r[0].mean, 0.25) && close(r[1].mean, 0.3) && close(r[2].mean, 0.25));
        assert!(close(r[0].worst, 0.4) && close(r[1].worst, 0.5) && close(r[2].worst, 0.4));
        assert!(close(r[0].regret_mean, 0.1) && close(r[0].regret_max, 0.2));
        assert!(close(r[1].regret_mean, 0.15) && close(r[1].regret_max, 0.4));
        assert!(close(r[2].regret_mean, 0.1) && close(r[2].regret_max, 0.2));
        assert_eq!(
            [r[0].best_worlds, r[1].best_worlds, r[2].best_worlds],
            [2, 1, 2]
        );
        assert_eq!(r[0].best_share, wilson_interval(2, 4));
        // Type-7 quantiles of A's sorted 0.1, 0.2, 0.3, 0.4.
        assert!(close(r[0].q50, 0.25) && close(r[0].q05, 0.115));
    }

    #[test]
    fn higher_is_better_flips_best_worst_and_regret() {
        let r = robustness(&table(), Better::Higher);
        assert!(close(r[0].worst, 0.1));
        // Best per world: 0.3, 0.4, 0.5, 0.4; A's shortfall 0.2, 0, 0.2, 0.2.
        assert!(close(r[0].regret_mean, 0.15) && close(r[0].regret_max, 0.2));
        assert_eq!(r[0].best_worlds, 1);
    }

    #[test]
    fn pairwise_wins_by_hand() {
        let p = pairwise(&table(), Better::Lower);
        // A vs B: A lower in worlds 1, 3, 4.
        assert_eq!((p[0].a, p[0].b, p[0].wins, p[0].ties), (0, 1, 3, 0));
        // B vs C: B lower in worlds 1 and 4, tied in world 2.
        let bc = p.iter().find(|x| x.a == 1 && x.b == 2).unwrap();
        assert_eq!((bc.wins, bc.ties), (2, 1));
        assert_eq!(bc.share, wilson_interval(2, 4));
        assert_eq!(p.len(), 6);
    }
}
