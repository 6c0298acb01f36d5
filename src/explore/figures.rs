//! The figures of an exploration, from its tables (so `airace plot` draws
//! the same): per outcome, each policy across the worlds with its regret;
//! per outcome, the total Sobol' index (or Morris mu*) of each unknown for
//! each policy's difference from the first; per condition, PRIM's peeling
//! trajectory with the chosen box.

use super::report::Tables;
use crate::plot::data::DataError;
use crate::plot::figure::{Band, BarSeries, Bars, Dash, Figure, Labels, Line, LineChart, Point};
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
pub fn figures(t: &Tables) -> Result<Vec<(String, Figure)>, DataError> {
    let mut out = Vec::new();
    let policies = t.policies()?;
    let unknowns = t.unknowns()?;
    for (outcome, better) in t.outcomes()? {
        let rows = t.policy_rows(&outcome)?;
        let worlds = rows.first().map_or(String::new(), |r| r.worlds.clone());
        let spread: Vec<Option<Estimate>> = rows
            .iter()
            .map(|x| {
                Some(Estimate {
                    mean: x.robustness.mean,
                    ci_low: x.robustness.q05,
                    ci_high: x.robustness.q95,
                })
            })
            .collect();
        let regret: Vec<Option<Estimate>> = rows
            .iter()
            .map(|x| {
                Some(Estimate {
                    mean: x.robustness.regret_mean,
                    ci_low: x.robustness.regret_mean,
                    ci_high: x.robustness.regret_max,
                })
            })
            .collect();
        let top = rows
            .iter()
            .flat_map(|x| [x.robustness.q95, x.robustness.regret_max])
            .fold(0.0, f64::max);
        out.push((
            format!("{outcome}-policies"),
            Figure::Bars(Bars {
                title: format!(
                    "{}: {outcome} over {worlds} worlds (whiskers: 5-95% of worlds; regret: to its maximum)",
                    t.name
                ),
                y_label: format!("{outcome} ({better} is better)"),
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
        let mut measure = String::new();
        for (p, other) in policies.iter().enumerate().skip(1) {
            let subject = format!("{} - {other}", policies[0]);
            let rows = t.influences(&outcome, &subject)?;
            if rows.is_empty() {
                continue;
            }
            let values: Vec<Option<Estimate>> = unknowns
                .iter()
                .map(|u| {
                    let m = rows.iter().find(|r| &r.parameter == u)?;
                    measure.clone_from(&m.measure);
                    let (low, high) = if m.low.is_finite() {
                        (m.low, m.high)
                    } else {
                        (m.value, m.value)
                    };
                    top = top.max(high);
                    Some(Estimate {
                        mean: m.value,
                        ci_low: low,
                        ci_high: high,
                    })
                })
                .collect();
            series.push(BarSeries {
                label: subject,
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
                format!("{outcome}-sensitivity"),
                Figure::Bars(Bars {
                    title: format!("{}: which unknowns decide {outcome} differences", t.name),
                    y_label: what.into(),
                    y_max: upper(top),
                    groups: unknowns.iter().map(|u| short(u)).collect(),
                    series,
                }),
            ));
        }
    }
    for (i, c) in t.conditions()?.iter().enumerate() {
        let trajectory: Vec<(f64, f64)> = c
            .trajectory
            .iter()
            .map(|s| (s.coverage, s.density))
            .collect();
        let chosen = &c.chosen;
        out.push((
            format!("discovery-{}", i + 1),
            Figure::Line(LineChart {
                labels: Labels {
                    title: format!("{}: where \"{}\" holds (PRIM peeling)", t.name, c.name),
                    x_label: "coverage".into(),
                    y_label: "density".into(),
                },
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
                ..LineChart::default()
            }),
        ));
    }
    Ok(out)
}
