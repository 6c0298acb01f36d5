//! The tables of a game's folder (`airace game`), written from the
//! analyses of its payoff table (`game::analysis`): one CSV per analysis,
//! each shaped for one figure.
//!
//! | file | what | figure |
//! |---|---|---|
//! | `payoffs.csv` | payoff of each strategy (seat) in each profile, with SE and 95% interval | payoff-table heatmap |
//! | `deviations.csv` | every unilateral deviation: gain, SE, verdict | arrows on the heatmap |
//! | `equilibria.csv` | each profile: strict / weak / not an equilibrium | marks on the heatmap |
//! | `mixed.csv` | two strategies: the mixed equilibria | marks on the flow |
//! | `nash_mixed.csv` | every game: Nash equilibria in mixed strategies (symmetric ones in a symmetric game), each with its epsilon and, for a symmetric game, the replicator starts that end there | |
//! | `replicator_flow.csv` | replicator velocity on a grid of the simplex | replicator flow |
//! | `replicator_paths.csv` | trajectories from a grid of starting points | replicator flow |
//! | `stationary.csv`, `fixation.csv` | small-mutation stationary distribution, fixation probabilities | stationary distribution bars |
//! | `mutation_sweep.csv` | exact stationary shares of the imitation process with mutation rate mu, beside the small-mutation limit | |
//! | `stationary_sweep.csv` | stationary distribution as the selection intensity moves | stationary vs parameter |

use super::format;
use crate::game::analysis::{Analysis, deviator_name, replicator_starts, status_word, strategies};
use crate::game::fermi::Stationary;
use crate::game::nash;
use crate::game::race_game::{Estimates, PayoffTable};
use crate::game::table::PayoffEstimate;
use std::fmt::Write as _;

/// The columns that name a profile: a count per strategy, or a strategy per seat.
fn profile_header(table: &PayoffTable) -> String {
    let (prefix, names) = match table {
        PayoffTable::Symmetric(t) => ("n_", t.strategies()),
        PayoffTable::Seats(t) => ("seat_", t.seats()),
    };
    names
        .iter()
        .map(|s| format!("{prefix}{s}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The header line of a table with a row per profile (or per profile and
/// something else): `profile`, the profile's columns, then `columns`.
fn profile_table_header(table: &PayoffTable, columns: &str) -> String {
    format!("profile,{},{columns}\n", profile_header(table))
}

/// A deviation's gain and its standard error, as two fields.
fn gain_fields(out: &mut String, gain: PayoffEstimate) {
    format::prob(out, gain.mean);
    out.push(',');
    format::prob(out, gain.se);
}

fn profile_cells(table: &PayoffTable, profile: usize) -> String {
    match table {
        PayoffTable::Symmetric(t) => t.profiles()[profile]
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join(","),
        PayoffTable::Seats(t) => t.profiles()[profile]
            .iter()
            .map(|&s| t.strategies()[s].clone())
            .collect::<Vec<_>>()
            .join(","),
    }
}

/// `payoffs.csv`: one row per profile and strategy used (symmetric) or
/// seat, with the profile's expected probability of catastrophe.
pub fn payoffs_csv(e: &Estimates) -> String {
    let z = crate::stats::interval::Z95;
    let mut out = format!(
        "profile,{},{},payoff,payoff_se,payoff_ci_low,payoff_ci_high,p_catastrophe,p_catastrophe_se,runs\n",
        profile_header(&e.table),
        match e.table {
            PayoffTable::Symmetric(_) => "strategy,players",
            PayoffTable::Seats(_) => "seat,strategy",
        }
    );
    let rows: Vec<(usize, String, Option<PayoffEstimate>)> = match &e.table {
        PayoffTable::Symmetric(t) => (0..t.profiles().len())
            .flat_map(|p| {
                let counts = t.profiles()[p].clone();
                (0..counts.len())
                    .filter(move |&s| counts[s] > 0)
                    .map(move |s| {
                        let c = t.profiles()[p][s];
                        (p, format!("{},{c}", t.strategies()[s]), t.payoff(p, s))
                    })
            })
            .collect(),
        PayoffTable::Seats(t) => (0..t.profiles().len())
            .flat_map(|p| {
                (0..t.seats().len()).map(move |seat| {
                    let s = t.profiles()[p][seat];
                    (
                        p,
                        format!("{},{}", t.seats()[seat], t.strategies()[s]),
                        t.payoff(p, seat),
                    )
                })
            })
            .collect(),
    };
    for (p, who, payoff) in rows {
        let payoff = payoff.expect("an estimated table is complete");
        let _ = write!(out, "{p},{},{who},", profile_cells(&e.table, p));
        format::value(&mut out, payoff.mean);
        out.push(',');
        format::prob(&mut out, payoff.se);
        out.push(',');
        format::value(&mut out, payoff.mean - z * payoff.se);
        out.push(',');
        format::value(&mut out, payoff.mean + z * payoff.se);
        out.push(',');
        format::prob(&mut out, e.catastrophe[p].mean);
        out.push(',');
        format::prob(&mut out, e.catastrophe[p].se);
        let _ = writeln!(out, ",{}", e.profile_runs[p]);
    }
    out
}

/// `deviations.csv`: every unilateral deviation with its paired gain.
pub fn deviations_csv(e: &Estimates, a: &Analysis) -> String {
    let names = strategies(&e.table);
    let mut out = profile_table_header(
        &e.table,
        "deviator,from,to,target_profile,gain,gain_se,p_value,runs,verdict",
    );
    for c in &a.checks {
        for d in &c.deviations {
            let deviator = deviator_name(&e.table, d);
            let _ = write!(
                out,
                "{},{},{deviator},{},{},{},",
                c.profile,
                profile_cells(&e.table, c.profile),
                names[d.from],
                names[d.to],
                d.target
            );
            gain_fields(&mut out, d.gain);
            out.push(',');
            if let Some(p) = nash::p_value(d.gain) {
                format::prob(&mut out, p);
            }
            let _ = writeln!(
                out,
                ",{},{}",
                e.deviation_runs(c.profile, d.deviator, d.to),
                verdict_word(d.verdict)
            );
        }
    }
    out
}

fn verdict_word(v: nash::Verdict) -> &'static str {
    match v {
        nash::Verdict::Gains => "gains",
        nash::Verdict::Equal => "equal",
        nash::Verdict::Undecided => "undecided",
        nash::Verdict::Loses => "loses",
    }
}

/// `equilibria.csv`: one row per profile.
pub fn equilibria_csv(e: &Estimates, a: &Analysis) -> String {
    let names = strategies(&e.table);
    let mut out = profile_table_header(
        &e.table,
        "equilibrium,deviations_gaining,deviations_undecided,deviations_equal,best_deviation_seat,\
         best_deviation_from,best_deviation_to,best_gain,best_gain_se,p_catastrophe,runs",
    );
    for c in &a.checks {
        let count = |v| c.deviations.iter().filter(|d| d.verdict == v).count();
        let _ = write!(
            out,
            "{},{},{},{},{},{},",
            c.profile,
            profile_cells(&e.table, c.profile),
            status_word(c.status),
            count(nash::Verdict::Gains),
            count(nash::Verdict::Undecided),
            count(nash::Verdict::Equal)
        );
        match c.best_deviation() {
            Some(d) => {
                let _ = write!(
                    out,
                    "{},{},{},",
                    deviator_name(&e.table, d),
                    names[d.from],
                    names[d.to]
                );
                gain_fields(&mut out, d.gain);
            }
            None => out.push_str(",,,,"),
        }
        out.push(',');
        format::prob(&mut out, e.catastrophe[c.profile].mean);
        let _ = writeln!(out, ",{}", e.profile_runs[c.profile]);
    }
    out
}

fn frequency_header(prefix: &str, names: &[String]) -> String {
    names
        .iter()
        .map(|s| format!("{prefix}{s}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn probs(out: &mut String, xs: &[f64]) {
    for (i, &x) in xs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        format::prob(out, x);
    }
}

/// `mixed.csv` (two strategies): each mixed equilibrium.
pub fn mixed_csv(names: &[String], a: &Analysis) -> String {
    let mut out = format!("x_{0},stable,x_{0}_low,x_{0}_high\n", names[0]);
    for m in &a.mixed {
        format::prob(&mut out, m.x);
        let _ = write!(out, ",{},", m.stable);
        format::prob(&mut out, m.x_low);
        out.push(',');
        format::prob(&mut out, m.x_high);
        out.push('\n');
    }
    out
}

/// `nash_mixed.csv`: each mixed equilibrium, a row per seat (one row,
/// `every player`, in a symmetric game).
pub fn nash_mixed_csv(table: &PayoffTable, a: &Analysis) -> String {
    let names = strategies(table);
    let symmetric = matches!(table, PayoffTable::Symmetric(_));
    let mut out = format!(
        "equilibrium,seat,{},epsilon,epsilon_se,solved{}\n",
        frequency_header("p_", names),
        if symmetric { ",replicator_starts" } else { "" }
    );
    for (k, eq) in a.nash_mixed.iter().enumerate() {
        for (i, row) in eq.mix.iter().enumerate() {
            let seat = match table {
                PayoffTable::Symmetric(_) => "every player".to_string(),
                PayoffTable::Seats(t) => t.seats()[i].clone(),
            };
            let _ = write!(out, "{k},{seat},");
            probs(&mut out, row);
            out.push(',');
            format::prob(&mut out, eq.epsilon);
            out.push(',');
            format::prob(&mut out, eq.epsilon_se);
            let _ = write!(out, ",{}", eq.solved);
            if symmetric {
                let _ = write!(out, ",{}", replicator_starts(a, row));
            }
            out.push('\n');
        }
    }
    out
}

/// `replicator_flow.csv`: frequencies, velocities and mean payoff on a grid.
pub fn flow_csv(names: &[String], a: &Analysis) -> String {
    let mut out = format!(
        "{},{},mean_payoff\n",
        frequency_header("x_", names),
        frequency_header("dx_", names)
    );
    for (x, v, mean) in &a.flow {
        probs(&mut out, x);
        out.push(',');
        probs(&mut out, v);
        out.push(',');
        format::value(&mut out, *mean);
        out.push('\n');
    }
    out
}

/// `replicator_paths.csv`: the trajectories, one row per recorded point
/// (time in units of one over the table's payoff spread).
pub fn paths_csv(names: &[String], a: &Analysis) -> String {
    let mut out = format!("start,time,{},converged\n", frequency_header("x_", names));
    for (i, t) in a.trajectories.iter().enumerate() {
        for (time, x) in &t.points {
            let _ = write!(out, "{i},");
            format::value(&mut out, *time);
            out.push(',');
            probs(&mut out, x);
            let _ = writeln!(out, ",{}", t.converged);
        }
    }
    out
}

/// `stationary.csv`: the stationary distribution over monomorphic states.
pub fn stationary_csv(names: &[String], s: &Stationary) -> String {
    let mut out = String::from("strategy,frequency\n");
    for (name, &x) in names.iter().zip(&s.distribution) {
        let _ = write!(out, "{name},");
        format::prob(&mut out, x);
        out.push('\n');
    }
    out
}

/// `fixation.csv`: the probability that one mutant takes over a resident
/// population, beside the neutral `1 / Z`.
pub fn fixation_csv(names: &[String], s: &Stationary, population: usize) -> String {
    let mut out = String::from("resident,mutant,fixation,neutral\n");
    for (i, row) in s.fixation.iter().enumerate() {
        for (j, &rho) in row.iter().enumerate() {
            if i != j {
                let _ = write!(out, "{},{},", names[i], names[j]);
                format::prob(&mut out, rho);
                out.push(',');
                format::prob(&mut out, 1.0 / population as f64);
                out.push('\n');
            }
        }
    }
    out
}

/// `replicator_bootstrap.csv`: each rest point, the starts that reach it,
/// and on how many resampled tables it is found again.
pub fn bootstrap_csv(names: &[String], a: &Analysis) -> String {
    let mut out = format!(
        "{},starts,replicates,agreeing,mean_share_of_starts,moves_with_noise\n",
        frequency_header("x_", names)
    );
    for r in &a.robust {
        probs(&mut out, &r.x);
        let _ = write!(out, ",{},{},{},", r.starts, r.replicates, r.agreeing);
        format::prob(&mut out, r.mean_share);
        let _ = writeln!(out, ",{}", r.moves_with_noise);
    }
    out
}

/// `mutation_sweep.csv`: one row per mutation rate: the mean share of each
/// strategy, the probability the population is all one strategy, and the
/// total variation distance of the shares from the small-mutation limit.
pub fn mutation_csv(names: &[String], a: &Analysis) -> String {
    let mut out = format!(
        "mutation,{},{},distance_from_small_mutation_limit\n",
        frequency_header("share_", names),
        frequency_header("all_", names)
    );
    let limit = a.stationary.as_ref().map(|s| &s.distribution);
    for w in &a.mutation {
        let _ = write!(out, "{:e},", w.mutation);
        probs(&mut out, &w.share);
        out.push(',');
        probs(&mut out, &w.monomorphic);
        out.push(',');
        if let Some(limit) = limit {
            format::prob(&mut out, crate::game::fermi::distance_from_limit(w, limit));
        }
        out.push('\n');
    }
    out
}

/// `stationary_sweep.csv`: one row per selection intensity.
pub fn sweep_csv(names: &[String], a: &Analysis) -> String {
    let mut out = format!("selection,{}\n", names.join(","));
    for (beta, d) in &a.sweep {
        format::prob(&mut out, *beta);
        out.push(',');
        probs(&mut out, d);
        out.push('\n');
    }
    out
}
