//! The folder of `airace classic dsair`: its tables, shaped for the
//! paper's figures, and `summary.json`.
//!
//! | file | what | figure |
//! |---|---|---|
//! | `heatmap.csv` | UNSAFE frequency (simulated and closed form) over the `(s, p_r)` plane, with the payoff matrix | the paper's central heatmap |
//! | `boundaries.csv` | for each `s`, the `p_r` where society prefers SAFE, where SAFE is risk-dominant, where SAFE becomes the more frequent | the two boundary curves over the heatmap |
//! | `curves.csv` | UNSAFE frequency against `p_r` at `s = 1`, `1.5` and `3` | frequency curves |

use super::files::{MANIFEST, SUMMARY_JSON};
use super::format;
use super::game_folder::json_bytes;
use crate::game::classic::dsair::{self, Dsair};
use crate::game::classic::{DsairPlan, DsairStudy};

pub use super::files::dsair::{BOUNDARIES, CURVES, HEATMAP};

/// What the folder holds that its figures and page are drawn from.
pub const FILES: &[&str] = &[HEATMAP, BOUNDARIES, CURVES, SUMMARY_JSON, MANIFEST];

/// The folder's data files (all but the figures, page and manifest), in
/// the order they are listed in the manifest.
pub fn files(plan: &DsairPlan, study: &DsairStudy) -> Vec<(String, Vec<u8>)> {
    let g = &plan.game;
    let summary = serde_json::json!({
        "model": "DSAIR (Han, Pereira, Santos & Lenaerts, JAIR 2020)",
        "parameters": {
            "benefit_b": g.benefit, "safety_cost_c": g.safety_cost, "prize_B": g.prize, "steps_W": g.steps,
            "tie": g.tie.name(),
            "population_Z": plan.population.size, "selection_beta": plan.population.selection,
            "runs_per_cell": plan.runs, "seed": plan.seed,
        },
        "note": "unsafe_frequency is UNSAFE's share of the small-mutation stationary distribution of pairwise-comparison \
                 imitation, from simulated payoffs; thresholds are closed forms of the paper's payoff matrix.",
        "reported_speeds": study.points,
    });
    vec![
        (HEATMAP.to_string(), heatmap_csv(&study.cells).into_bytes()),
        (
            BOUNDARIES.to_string(),
            boundaries_csv(g, &plan.speeds, &study.halves, plan.population.size).into_bytes(),
        ),
        (CURVES.to_string(), curves_csv(&study.curves).into_bytes()),
        (SUMMARY_JSON.to_string(), json_bytes(summary)),
    ]
}

fn cells_csv(cells: &[dsair::Cell], with_payoffs: bool) -> String {
    let mut out = String::from("speed,risk,unsafe_frequency,unsafe_frequency_closed_form");
    if with_payoffs {
        out.push_str(
            ",pi_ss,pi_su,pi_us,pi_uu,pi_us_se,pi_uu_se,pi_ss_closed_form,pi_su_closed_form,pi_us_closed_form,pi_uu_closed_form",
        );
    }
    out.push('\n');
    for c in cells {
        format::value(&mut out, c.speed);
        out.push(',');
        format::value(&mut out, c.risk);
        out.push(',');
        format::prob(&mut out, c.unsafe_simulated);
        out.push(',');
        format::prob(&mut out, c.unsafe_closed_form);
        if with_payoffs {
            let m = &c.simulated;
            for x in [
                m[0][0].mean,
                m[0][1].mean,
                m[1][0].mean,
                m[1][1].mean,
                m[1][0].se,
                m[1][1].se,
            ] {
                out.push(',');
                format::value(&mut out, x);
            }
            for x in c.closed_form.iter().flatten() {
                out.push(',');
                format::value(&mut out, *x);
            }
        }
        out.push('\n');
    }
    out
}

/// `heatmap.csv`: one row per `(s, p_r)`.
pub fn heatmap_csv(cells: &[dsair::Cell]) -> String {
    cells_csv(cells, true)
}

/// `curves.csv`: the UNSAFE frequency along `p_r` at the reported speeds.
pub fn curves_csv(cells: &[dsair::Cell]) -> String {
    cells_csv(cells, false)
}

/// `boundaries.csv`: for each speed, the three thresholds (clamped to
/// `[0, 1]`) and where the stationary UNSAFE frequency crosses one half,
/// simulated and closed form (`halves`, from [`dsair::half_unsafe`]).
pub fn boundaries_csv(
    g: &Dsair,
    speeds: &[f64],
    halves: &[(Option<f64>, Option<f64>)],
    z: usize,
) -> String {
    let mut out = String::from(
        "speed,society_prefers_safe_above,safe_risk_dominant_above,safe_more_frequent_above,half_unsafe_simulated,half_unsafe_closed_form\n",
    );
    for (&speed, &(simulated, closed_form)) in speeds.iter().zip(halves) {
        let game = Dsair { speed, ..*g };
        format::value(&mut out, speed);
        for x in [
            game.society_threshold(),
            game.risk_dominance_threshold(),
            game.finite_population_threshold(z),
        ] {
            out.push(',');
            format::prob(&mut out, x.clamp(0.0, 1.0));
        }
        for half in [simulated, closed_form] {
            out.push(',');
            if let Some(x) = half {
                format::prob(&mut out, x);
            }
        }
        out.push('\n');
    }
    out
}
