//! The folder of `airace classic precipice`: its tables, shaped for the
//! paper's figures, and `summary.json`.
//!
//! | file | what | figure |
//! |---|---|---|
//! | `disaster.csv` | equilibrium probability of disaster per regime as `mu`, `e`, `n` vary, with the closed form; the headline game `n = 2, e = 1, mu = 1` as the mean of its solves (`solves`) | disaster vs `mu`, a line per regime, panels by `e` and `n` |
//! | `strategies.csv` | the equilibrium safety per information cell | safety vs capability (or lead) |

use super::files::{MANIFEST, SUMMARY_JSON};
use super::format;
use super::game_folder::json_bytes;
use crate::game::classic::precipice::{self, Selection, Solver};
use crate::game::classic::{HEADLINE_REPLICATIONS, Headline, PrecipiceStudy};
use std::fmt::Write as _;

pub use super::files::precipice::{DISASTER, STRATEGIES};

/// What the folder holds that its figures and page are drawn from.
pub const FILES: &[&str] = &[DISASTER, STRATEGIES, SUMMARY_JSON, MANIFEST];

/// The folder's data files (all but the figures, page and manifest), in
/// the order they are listed in the manifest.
pub fn files(solver: &Solver, study: &PrecipiceStudy) -> Vec<(String, Vec<u8>)> {
    let s = solver;
    let headline = &study.headline;
    let summary = serde_json::json!({
        "model": "Racing to the precipice (Armstrong, Bostrom & Shulman, AI & Society 2016)",
        "solver": s,
        "equilibrium": s.selection.name(),
        "note": "p_disaster = 1 - E[safety of the winner] in the symmetric equilibrium found by best-response \
                 iteration on simulated capabilities (all informed with enmity e < 1, where every leader safety \
                 from min(1, D) to min(1, D/e) is an equilibrium, the one selected by `equilibrium`); closed forms \
                 are derived in src/game/classic/precipice.rs. The headline's interval covers the spread of its \
                 solves and the discretisation bias, measured against solves on a grid and bins half as fine \
                 (p_disaster_coarse) and extrapolated to zero step (p_disaster_extrapolated).",
        "headline_n2_e1_mu1": headline.iter().map(|h| serde_json::json!({
            "regime": h.regime.name(),
            "p_disaster": h.p_disaster.mean,
            "p_disaster_se": h.p_disaster.se,
            "p_disaster_coarse": h.coarse.mean,
            "discretisation_bias": h.discretisation_bias,
            "p_disaster_extrapolated": h.extrapolated,
            "p_disaster_ci_low": h.interval.0,
            "p_disaster_ci_high": h.interval.1,
            "closed_form": h.closed_form,
            "replications": HEADLINE_REPLICATIONS,
            "converged": h.converged,
            "per_replication": h.replications.iter().map(|e| e.p_disaster.mean).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    vec![
        (
            DISASTER.to_string(),
            disaster_csv(&study.equilibria, headline).into_bytes(),
        ),
        (
            STRATEGIES.to_string(),
            strategies_csv(&study.equilibria).into_bytes(),
        ),
        (SUMMARY_JSON.to_string(), json_bytes(summary)),
    ]
}

/// `disaster.csv`: one row per regime, teams, enmity and mu. A game of the
/// sweep that is the headline game gets the headline's estimate (the mean
/// of its [`HEADLINE_REPLICATIONS`] solves, of which the sweep's is the
/// first), so the file, `summary.json` and the console give one number:
/// `solves` says how many solves a row averages, and `p_disaster_se` is
/// then their spread's (which covers the search's error), otherwise the
/// evaluation's alone. `iterations` and `max_regret` are the most over the
/// solves, `converged` whether all converged.
pub fn disaster_csv(equilibria: &[precipice::Equilibrium], headline: &[Headline]) -> String {
    let mut out = String::from(
        "regime,teams,enmity,mu,solves,p_disaster,p_disaster_se,p_disaster_closed_form,iterations,converged,max_regret,\
         equilibrium,p_disaster_most_safe_closed_form,p_disaster_least_safe_closed_form,\
         discretisation_bias,p_disaster_ci_low,p_disaster_ci_high\n",
    );
    for e in equilibria {
        let replicated = headline
            .iter()
            .find(|h| h.regime == e.regime && h.replications[0].game == e.game);
        let (solves, p, iterations, converged, max_regret) = match replicated {
            Some(h) => (
                h.replications.len(),
                h.p_disaster,
                h.replications
                    .iter()
                    .map(|r| r.iterations)
                    .max()
                    .unwrap_or(0),
                h.converged == h.replications.len(),
                h.replications
                    .iter()
                    .map(|r| r.max_regret)
                    .fold(0.0, f64::max),
            ),
            None => (1, e.p_disaster, e.iterations, e.converged, e.max_regret),
        };
        let _ = write!(out, "{},{},", e.regime.name(), e.game.teams);
        format::value(&mut out, e.game.enmity);
        out.push(',');
        format::value(&mut out, e.game.mu);
        let _ = write!(out, ",{solves},");
        format::prob(&mut out, p.mean);
        out.push(',');
        format::prob(&mut out, p.se);
        out.push(',');
        format::prob(
            &mut out,
            precipice::closed_form_disaster(e.regime, &e.game, e.selection),
        );
        let _ = write!(out, ",{iterations},{converged},");
        format::prob(&mut out, max_regret);
        let several = precipice::several_equilibria(e.regime, &e.game);
        let _ = write!(
            out,
            ",{},",
            if several {
                e.selection.name()
            } else {
                "unique"
            }
        );
        format::prob(
            &mut out,
            precipice::closed_form_disaster(e.regime, &e.game, Selection::MostSafe),
        );
        out.push(',');
        format::prob(
            &mut out,
            precipice::closed_form_disaster(e.regime, &e.game, Selection::LeastSafe),
        );
        match replicated {
            Some(h) => {
                for x in [h.discretisation_bias, h.interval.0, h.interval.1] {
                    out.push(',');
                    format::prob(&mut out, x);
                }
            }
            None => out.push_str(",,,"),
        }
        out.push('\n');
    }
    out
}

/// `strategies.csv`: the equilibrium safety of every information cell.
pub fn strategies_csv(equilibria: &[precipice::Equilibrium]) -> String {
    let mut out = String::from("regime,teams,enmity,mu,cell,from,to,safety,safety_closed_form\n");
    for e in equilibria {
        for (k, &s) in e.safety.iter().enumerate() {
            let (kind, lo, hi) = e.cell_range(k);
            let _ = write!(out, "{},{},", e.regime.name(), e.game.teams);
            format::value(&mut out, e.game.enmity);
            out.push(',');
            format::value(&mut out, e.game.mu);
            let _ = write!(out, ",{kind},");
            format::value(&mut out, lo);
            out.push(',');
            format::value(&mut out, hi);
            out.push(',');
            format::value(&mut out, s);
            out.push(',');
            format::value(&mut out, precipice::closed_form_safety(e, k));
            out.push('\n');
        }
    }
    out
}
