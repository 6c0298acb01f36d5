//! What a race is worth to each lab, for game analysis (docs/model.md, Payoffs).

use serde::Serialize;

/// The `[payoff]` table: the values in a lab's utility (docs/model.md, Payoffs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Payoff {
    pub win: f64,
    pub share: f64,
    pub catastrophe: f64,
}

/// `U_i = exp(-H) (V_win [i won] + V_share C_i / sum C) - V_cat (1 - exp(-H))`.
#[inline]
pub fn utility(
    payoff: &Payoff,
    cumulative_hazard: f64,
    won: bool,
    capability: f64,
    total_capability: f64,
) -> f64 {
    let survive = (-cumulative_hazard).exp();
    let win = if won { payoff.win } else { 0.0 };
    survive * (win + payoff.share * capability / total_capability)
        - payoff.catastrophe * (1.0 - survive)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_safe_winner_gets_the_prize_and_its_share() {
        let p = Payoff {
            win: 1.0,
            share: 0.5,
            catastrophe: 2.0,
        };
        assert!((utility(&p, 0.0, true, 3.0, 4.0) - 1.375).abs() < 1e-15);
    }

    #[test]
    fn certain_catastrophe_costs_everyone_the_loss() {
        let p = Payoff {
            win: 1.0,
            share: 0.0,
            catastrophe: 2.0,
        };
        assert_eq!(utility(&p, f64::INFINITY, true, 1.0, 1.0), -2.0);
    }
}
