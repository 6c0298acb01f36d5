//! The figures of an exploration, from its results in memory: per outcome,
//! each policy across the worlds with its regret; per outcome, the total
//! Sobol' index (or Morris mu*) of each unknown for each policy's
//! difference from the first; per condition, PRIM's peeling trajectory
//! with the chosen box.

use super::file::Exploration;
use super::prim::Discovery;
use super::robustness;
use super::tables::{Results, Sensitivity, Subject};
use crate::plot::figure::{Band, BarSeries, Bars, Dash, Figure, Line, LineChart, Point};
use crate::plot::style::{color, upper};
use crate::stats::Estimate;

/// An unknown's name short enough for an axis: without `world.` (and
/// `world.hazard.` as `hazard `), `labs.*.` as `labs `: a space lets a label wrap.
fn short(name: &str) -> String {
    name.replace("world.hazard.", "hazard ")
        .replace("world.observation.", "obs.")
        .replace("world.", "")
        .replace("labs.*.", "labs ")
}

/// Every figure, named by its file stem.
pub fn figures(
    e: &Exploration,
    r: &Results,
    sensitivity: &[Sensitivity],
    found: &[Discovery],
) -> Vec<(String, Figure)> {
    let mut out = Vec::new();
    let policies: Vec<String> = e.policies.iter().map(|p| p.name.clone()).collect();
    for (o, outcome) in e.outcomes.iter().enumerate() {
        let values: Vec<Vec<f64>> = r
            .value
            .iter()
            .map(|w| w.iter().map(|v| v[o]).collect())
            .collect();
        let rows = robustness::robustness(&values, outcome.better);
        let spread: Vec<Option<Estimate>> = rows
            .iter()
            .map(|x| {
                Some(Estimate {
                    mean: x.mean,
                    ci_low: x.q05,
                    ci_high: x.q95,
                })
            })
            .collect();
        let regret: Vec<Option<Estimate>> = rows
            .iter()
            .map(|x| {
                Some(Estimate {
                    mean: x.regret_mean,
                    ci_low: x.regret_mean,
                    ci_high: x.regret_max,
                })
            })
            .collect();
        let top = rows
            .iter()
            .flat_map(|x| [x.q95, x.regret_max])
            .fold(0.0, f64::max);
        out.push((
            format!("{}-policies", outcome.name),
            Figure::Bars(Bars {
                title: format!(
                    "{}: {} over {} worlds (whiskers: 5-95% of worlds; regret: to its maximum)",
                    e.name,
                    outcome.name,
                    e.points.len()
                ),
                y_label: format!("{} ({} is better)", outcome.name, outcome.better.name()),
                y_max: upper(top),
                groups: policies.clone(),
                series: vec![
                    BarSeries {
                        label: "mean over worlds".into(),
                        color: color(0),
                        bar_colors: Vec::new(),
                        opacity: 0.8,
                        values: spread,
                    },
                    BarSeries {
                        label: "regret, mean".into(),
                        color: color(1),
                        bar_colors: Vec::new(),
                        opacity: 0.8,
                        values: regret,
                    },
                ],
            }),
        ));
        // Sensitivity of each policy's difference from the first.
        let mut series = Vec::new();
        let mut top: f64 = 0.0;
        let mut measure = "";
        for p in 1..e.policies.len() {
            let subject = Subject::Difference(0, p);
            let rows: Vec<&Sensitivity> = sensitivity
                .iter()
                .filter(|s| s.outcome == o && s.subject == subject)
                .collect();
            if rows.is_empty() {
                continue;
            }
            let values: Vec<Option<Estimate>> = rows
                .iter()
                .map(|s| {
                    let m = s
                        .measures
                        .iter()
                        .find(|m| m.0 == "ST" || m.0 == "mu_star")?;
                    measure = m.0;
                    let (low, high) = if m.2.is_finite() {
                        (m.2, m.3)
                    } else {
                        (m.1, m.1)
                    };
                    top = top.max(high);
                    Some(Estimate {
                        mean: m.1,
                        ci_low: low,
                        ci_high: high,
                    })
                })
                .collect();
            series.push(BarSeries {
                label: subject.name(e),
                color: color(p - 1),
                bar_colors: Vec::new(),
                opacity: 0.8,
                values,
            });
        }
        if !series.is_empty() {
            let what = if measure == "ST" {
                "total Sobol' index (bootstrap 95% intervals)"
            } else {
                "Morris mu*"
            };
            out.push((
                format!("{}-sensitivity", outcome.name),
                Figure::Bars(Bars {
                    title: format!(
                        "{}: which unknowns decide {} differences",
                        e.name, outcome.name
                    ),
                    y_label: what.into(),
                    y_max: upper(top),
                    groups: e.uncertainties.iter().map(|u| short(&u.name)).collect(),
                    series,
                }),
            ));
        }
    }
    for (i, (c, d)) in e.conditions.iter().zip(found).enumerate() {
        let trajectory: Vec<(f64, f64)> = d
            .trajectory
            .iter()
            .map(|s| (s.coverage, s.density))
            .collect();
        let chosen = d.chosen_box();
        out.push((
            format!("discovery-{}", i + 1),
            Figure::Line(LineChart {
                title: format!("{}: where \"{}\" holds (PRIM peeling)", e.name, c.name),
                x_label: "coverage".into(),
                y_label: "density".into(),
                x_range: (0.0, 1.0),
                y_range: (0.0, 1.0),
                bands: Vec::<Band>::new(),
                lines: vec![Line {
                    label: "peeling trajectory".into(),
                    color: color(0),
                    dash: Dash::Solid,
                    width: 1.5,
                    points: trajectory,
                }],
                x_log: false,
                x_ticks: 0,
                points: vec![Point {
                    label: format!(
                        "chosen box, pruned ({} unknowns restricted)",
                        chosen.restricted
                    ),
                    color: color(1),
                    marker: 0,
                    hollow: false,
                    x: chosen.coverage,
                    x_low: chosen.coverage,
                    x_high: chosen.coverage,
                    y: chosen.density,
                    y_low: chosen.density,
                    y_high: chosen.density,
                }],
            }),
        ));
    }
    out
}
