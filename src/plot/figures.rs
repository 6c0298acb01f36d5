//! The figures of a scenario and of a comparison, built from CSV data.

use super::data::{DataError, ScenarioData, Table};
use super::figure::{Band, BarSeries, Bars, Dash, Figure, Labels, Line, LineChart, Point, Scatter};
use super::style::{self, BLACK, GREY, color};
use crate::stats::Estimate;

fn points(x: &[f64], y: &[f64]) -> Vec<(f64, f64)> {
    x.iter().copied().zip(y.iter().copied()).collect()
}

fn max_of(values: &[f64]) -> f64 {
    values
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
}

fn x_range(steps: &[f64]) -> (f64, f64) {
    (
        0.0,
        steps.last().copied().filter(|s| *s > 0.0).unwrap_or(1.0),
    )
}

/// The smallest and largest of `values`, or, when they are all the same,
/// that value widened by `pad` on each side (an axis needs some width).
fn padded_range(values: &[f64], pad: f64) -> (f64, f64) {
    let (min, max) = style::range_of(values.iter().copied());
    if max > min {
        (min, max)
    } else {
        (min - pad, max + pad)
    }
}

/// Risk over time: the expected cumulative probability with its 95% band,
/// and the sampled fraction as a thin line.
pub fn risk(d: &ScenarioData) -> Result<Figure, DataError> {
    let t = &d.timeseries;
    let step = t.column("step")?;
    let (p, lo, hi, sampled) = (
        t.column("p_catastrophe")?,
        t.column("p_catastrophe_ci_low")?,
        t.column("p_catastrophe_ci_high")?,
        t.column("p_catastrophe_sampled")?,
    );
    Ok(Figure::Line(LineChart {
        labels: Labels {
            title: format!("{}: risk of catastrophe over time", d.name),
            x_label: "step (months)".into(),
            y_label: "P(catastrophe by step)".into(),
        },
        x_range: x_range(&step),
        y_range: (0.0, style::upper(max_of(&hi).max(max_of(&sampled)))),
        bands: vec![Band {
            label: "95% interval".into(),
            color: color(0),
            opacity: 0.3,
            lower: points(&step, &lo),
            upper: points(&step, &hi),
        }],
        lines: vec![
            Line {
                label: "expected, 1 - exp(-H)".into(),
                color: color(0),
                dash: Dash::Solid,
                width: 2.0,
                points: points(&step, &p),
            },
            Line {
                label: "sampled fraction".into(),
                color: color(1),
                dash: Dash::Dashed,
                width: 1.0,
                points: points(&step, &sampled),
            },
        ],
        ..LineChart::default()
    }))
}

/// Capability: the frontier's median with 50% and 90% bands, and each
/// lab's mean capability (solid) and safety (dashed).
pub fn capability(d: &ScenarioData) -> Result<Figure, DataError> {
    let t = &d.timeseries;
    let step = t.column("step")?;
    let q = |name: &str| t.column(&format!("frontier_{name}"));
    let (p05, p25, p50, p75, p95) = (q("p05")?, q("p25")?, q("p50")?, q("p75")?, q("p95")?);
    let mut lines = vec![Line {
        label: "frontier, median".into(),
        color: BLACK,
        dash: Dash::Solid,
        width: 2.0,
        points: points(&step, &p50),
    }];
    let mut top = max_of(&p95);
    for (i, lab) in d.labs.iter().enumerate() {
        for (measure, dash) in [("capability", Dash::Solid), ("safety", Dash::Dashed)] {
            let values = t.column(&format!("{measure}_mean_{lab}"))?;
            top = top.max(max_of(&values));
            lines.push(Line {
                label: format!("{lab} {measure}"),
                color: color(i),
                dash,
                width: 1.3,
                points: points(&step, &values),
            });
        }
    }
    Ok(Figure::Line(LineChart {
        labels: Labels {
            title: format!("{}: capability and safety", d.name),
            x_label: "step (months)".into(),
            y_label: "capability, safety (mean)".into(),
        },
        x_range: x_range(&step),
        y_range: (0.0, style::upper(top)),
        bands: vec![
            Band {
                label: "frontier, 90% of runs".into(),
                color: GREY,
                opacity: 0.15,
                lower: points(&step, &p05),
                upper: points(&step, &p95),
            },
            Band {
                label: "frontier, 50% of runs".into(),
                color: GREY,
                opacity: 0.3,
                lower: points(&step, &p25),
                upper: points(&step, &p75),
            },
        ],
        lines,
        ..LineChart::default()
    }))
}

/// Outcomes: P(catastrophe), P(each lab wins), P(no winner) with 95% bars.
pub fn outcomes(d: &ScenarioData) -> Result<Figure, DataError> {
    let missing = |metric: &str, lab: &str| DataError::Invalid {
        origin: format!("{}/{}", d.name, crate::file_names::SUMMARY_CSV),
        message: format!("no row for metric `{metric}` lab `{lab}`"),
    };
    let get = |metric: &str, lab: &str| d.estimate(metric, lab).ok_or_else(|| missing(metric, lab));
    let mut groups = vec!["catastrophe".to_string()];
    let mut values = vec![get("p_catastrophe", "")?];
    let mut colors = vec![BLACK];
    for (i, lab) in d.labs.iter().enumerate() {
        groups.push(format!("{lab} wins"));
        values.push(get("p_win", lab)?);
        colors.push(color(i));
    }
    groups.push("no winner".into());
    values.push(get("p_no_winner", "")?);
    colors.push(GREY);
    let series = vec![BarSeries {
        label: "probability".into(),
        color: BLACK,
        bar_colors: colors,
        opacity: 0.8,
        values: values.into_iter().map(Some).collect(),
    }];
    Ok(Figure::Bars(Bars {
        title: format!("{}: outcomes (95% intervals)", d.name),
        y_label: "probability".into(),
        y_max: 1.0,
        groups,
        series,
    }))
}

/// Policy activity: the fraction of runs in which each lab is paused
/// (solid) or delayed (dashed), by step; with fuzzy evaluations, the
/// fraction in which each lab is above a threshold it measures itself
/// below (dotted, in the lab's colour), and then a lab that is delayed in
/// no run at any step has no delayed line (three lines a lab crowd a
/// column-wide figure, and a line at zero says nothing the others do not);
/// under a regulation, the fraction of labs paused by a penalty (black,
/// dotted). A time series that has the fuzzy evaluations' `unnoticed` but
/// not its per-lab columns (an older airace wrote it) gets that fraction of
/// labs (grey, long dashes).
pub fn policy(d: &ScenarioData) -> Result<Figure, DataError> {
    let t = &d.timeseries;
    let has = |column: &str| t.header().iter().any(|h| h == column);
    let per_lab_unnoticed =
        has("unnoticed") && d.labs.iter().all(|lab| has(&format!("unnoticed_{lab}")));
    let step = t.column("step")?;
    let mut lines = Vec::new();
    for (i, lab) in d.labs.iter().enumerate() {
        lines.push(Line {
            label: format!("{lab} paused"),
            color: color(i),
            dash: Dash::Solid,
            width: 1.5,
            points: points(&step, &t.column(&format!("paused_{lab}"))?),
        });
        let delayed = t.column(&format!("delayed_{lab}"))?;
        if !per_lab_unnoticed || delayed.iter().any(|&x| x != 0.0) {
            lines.push(Line {
                label: format!("{lab} delayed"),
                color: color(i),
                dash: Dash::Dashed,
                width: 1.5,
                points: points(&step, &delayed),
            });
        }
        if per_lab_unnoticed {
            lines.push(Line {
                label: format!("{lab} unnoticed"),
                color: color(i),
                dash: Dash::Dotted,
                width: 2.0,
                points: points(&step, &t.column(&format!("unnoticed_{lab}"))?),
            });
        }
    }
    if has("under_penalty") {
        lines.push(Line {
            label: "labs under penalty".into(),
            color: BLACK,
            dash: Dash::Dotted,
            width: 2.0,
            points: points(&step, &t.column("under_penalty")?),
        });
    }
    if has("unnoticed") && !per_lab_unnoticed {
        lines.push(Line {
            label: "labs past an unnoticed threshold".into(),
            color: GREY,
            dash: Dash::LongDashed,
            width: 2.0,
            points: points(&step, &t.column("unnoticed")?),
        });
    }
    Ok(Figure::Line(LineChart {
        labels: Labels {
            title: format!("{}: policy activity", d.name),
            x_label: "step (months)".into(),
            y_label: "fraction of runs".into(),
        },
        x_range: x_range(&step),
        y_range: (0.0, 1.0),
        lines,
        ..LineChart::default()
    }))
}

/// The figures of one scenario, by file stem.
pub fn scenario_figures(d: &ScenarioData) -> Result<Vec<(String, Figure)>, DataError> {
    Ok(vec![
        ("risk".into(), risk(d)?),
        ("capability".into(), capability(d)?),
        ("outcomes".into(), outcomes(d)?),
        ("policy".into(), policy(d)?),
    ])
}

/// A comparison's `comparison.csv` and each scenario's time series.
pub struct ComparisonData {
    pub name: String,
    pub table: Table,
    pub scenarios: Vec<ScenarioData>,
}

fn estimate(t: &Table, metric: &str, row: usize) -> Result<Estimate, DataError> {
    Ok(Estimate {
        mean: t.column(metric)?[row],
        ci_low: t.column(&format!("{metric}_ci_low"))?[row],
        ci_high: t.column(&format!("{metric}_ci_high"))?[row],
    })
}

/// The figures of a comparison, by file stem.
pub fn comparison_figures(c: &ComparisonData) -> Result<Vec<(String, Figure)>, DataError> {
    let names = c.table.text("scenario")?;
    // Risk over time, one curve per scenario.
    let mut lines = Vec::new();
    let mut top: f64 = 0.0;
    let mut last_step: f64 = 1.0;
    for (i, s) in c.scenarios.iter().enumerate() {
        let step = s.timeseries.column("step")?;
        let p = s.timeseries.column("p_catastrophe")?;
        top = top.max(max_of(&p));
        last_step = last_step.max(step.last().copied().unwrap_or(1.0));
        lines.push(Line {
            label: s.name.clone(),
            color: color(i),
            dash: style::dash(i),
            width: 1.8,
            points: points(&step, &p),
        });
    }
    let risk = Figure::Line(LineChart {
        labels: Labels {
            title: format!("{}: risk of catastrophe over time", c.name),
            x_label: "step (months)".into(),
            y_label: "P(catastrophe by step), expected".into(),
        },
        x_range: (0.0, last_step),
        y_range: (0.0, style::upper(top)),
        lines,
        ..LineChart::default()
    });

    // Outcomes grouped by scenario.
    let metrics = [
        ("p_catastrophe", "catastrophe"),
        ("p_catastrophe_unwarned", "unwarned catastrophe"),
        ("p_no_winner", "no winner"),
    ];
    let mut series = Vec::new();
    for (k, (metric, label)) in metrics.iter().enumerate() {
        let values = (0..names.len())
            .map(|row| estimate(&c.table, metric, row).map(Some))
            .collect::<Result<_, _>>()?;
        series.push(BarSeries {
            label: (*label).into(),
            color: [BLACK, color(1), GREY][k],
            bar_colors: Vec::new(),
            opacity: 0.8,
            values,
        });
    }
    let outcomes = Figure::Bars(Bars {
        title: format!("{}: outcomes by scenario (95% intervals)", c.name),
        y_label: "probability".into(),
        y_max: 1.0,
        groups: names.clone(),
        series,
    });

    let mut figures = vec![("risk".into(), risk), ("outcomes".into(), outcomes)];
    figures.extend(tradeoff_figures(c, &names)?);
    Ok(figures)
}

/// A scenario's point at `(x, y)` with both intervals.
fn scenario_point(i: usize, name: &str, x: Estimate, y: Estimate) -> Point {
    Point {
        label: name.to_string(),
        color: color(i),
        marker: i,
        hollow: false,
        x: x.mean,
        x_low: x.ci_low,
        x_high: x.ci_high,
        y: y.mean,
        y_low: y.ci_low,
        y_high: y.ci_high,
    }
}

/// A scatter of scenario points, the x axis padded around the intervals.
fn scenario_scatter(title: String, x_label: &str, points: Vec<Point>) -> Figure {
    let xs: Vec<f64> = points
        .iter()
        .flat_map(|p| [p.x_low, p.x_high])
        .filter(|x| x.is_finite())
        .collect();
    let (x_min, x_max) = style::range_of(xs.iter().copied());
    let pad = ((x_max - x_min) * 0.15).max(0.05 * x_max.abs().max(1.0));
    let y_top = points.iter().map(|p| p.y_high).fold(0.0, f64::max);
    Figure::Scatter(Scatter {
        labels: Labels {
            title,
            x_label: x_label.into(),
            y_label: "P(catastrophe)".into(),
        },
        x_range: if xs.is_empty() {
            (0.0, 1.0)
        } else {
            (x_min - pad, x_max + pad)
        },
        y_range: (0.0, style::upper(y_top)),
        points,
    })
}

/// How far apart (a fraction of the larger) the final capabilities of two
/// scenarios must be for the capability view to be drawn.
pub const VARIES: f64 = 0.05;

/// The trade-off between risk and speed, one point per scenario:
///
/// - `tradeoff`: P(catastrophe) against the time to the decisive
///   capability, the mean step of the win over the runs in which a lab
///   reaches it (`win_step_mean`; its interval from the `racing` column of
///   the scenario's time series, [`ScenarioData::win_step`]). Scenarios in
///   which no run reaches it have no point and are named in the title.
///   Drawn when at least one scenario has a winner.
/// - `tradeoff-capability`: P(catastrophe) against the mean final frontier
///   capability, only where that capability varies: when two scenarios'
///   95% intervals of it are disjoint and their means differ by more than
///   [`VARIES`] of the larger (a race that ends at the decisive capability
///   ends every scenario within a few hundredths of it, and the view then
///   says nothing).
///
/// Every bar is a 95% normal interval (the mean plus and minus 1.96
/// standard errors), as in `comparison.csv`.
pub fn tradeoff_figures(
    c: &ComparisonData,
    names: &[String],
) -> Result<Vec<(String, Figure)>, DataError> {
    let runs = c.table.column("runs")?;
    let win_mean = c.table.column("win_step_mean")?;
    let mut out = Vec::new();
    let mut timed = Vec::new();
    let mut never = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let p = estimate(&c.table, "p_catastrophe", i)?;
        let win = match c.scenarios.get(i) {
            Some(s) if win_mean[i].is_finite() => s.win_step(runs[i] as u64)?,
            _ => None,
        };
        match win {
            // The mean as `comparison.csv` has it; the interval from the
            // time series (whose mean is the same number).
            Some(w) => timed.push(scenario_point(
                i,
                name,
                Estimate {
                    mean: win_mean[i],
                    ..w
                },
                p,
            )),
            None => never.push(name.as_str()),
        }
    }
    if !timed.is_empty() {
        let mut title = format!("{}: risk against time to the decisive capability", c.name);
        if !never.is_empty() {
            title.push_str(&format!(" (never reached: {})", never.join(", ")));
        }
        out.push((
            "tradeoff".into(),
            scenario_scatter(
                title,
                "months to the decisive capability, mean over runs won (bars: 95% intervals)",
                timed,
            ),
        ));
    }
    let capability = (0..names.len())
        .map(|i| estimate(&c.table, "frontier_capability_mean", i))
        .collect::<Result<Vec<_>, _>>()?;
    let lowest_high = capability
        .iter()
        .map(|f| f.ci_high)
        .fold(f64::INFINITY, f64::min);
    let highest_low = capability
        .iter()
        .map(|f| f.ci_low)
        .fold(f64::NEG_INFINITY, f64::max);
    let (lowest, highest) = style::range_of(capability.iter().map(|f| f.mean));
    let spread = highest - lowest;
    if highest_low > lowest_high && spread > VARIES * highest.abs().max(lowest.abs()) {
        let points = names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                Ok(scenario_point(
                    i,
                    name,
                    capability[i],
                    estimate(&c.table, "p_catastrophe", i)?,
                ))
            })
            .collect::<Result<Vec<_>, DataError>>()?;
        out.push((
            "tradeoff-capability".into(),
            scenario_scatter(
                format!("{}: risk against final capability", c.name),
                "final frontier capability, mean (bars: 95% intervals)",
                points,
            ),
        ));
    }
    Ok(out)
}

/// The swept keys of a `sweep.csv`: the columns between `design` and `runs`.
pub fn sweep_keys(t: &Table) -> Result<Vec<String>, DataError> {
    let header = t.header();
    let invalid = |message: &str| DataError::Invalid {
        origin: crate::file_names::SWEEP.into(),
        message: message.into(),
    };
    let start = header
        .iter()
        .position(|h| h == "design")
        .ok_or_else(|| invalid("no column `design`"))?;
    let end = header
        .iter()
        .position(|h| h == "runs")
        .ok_or_else(|| invalid("no column `runs`"))?;
    Ok(header[start + 1..end].to_vec())
}

/// Distinct values of a column, in order of first appearance.
fn distinct(values: &[f64]) -> Vec<f64> {
    let mut out: Vec<f64> = Vec::new();
    for &v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

/// The figures of a sweep: for a grid, P(catastrophe) against the first key
/// with its band (one line per value of the second key) and a heatmap over
/// the first two keys; for a Latin hypercube, P(catastrophe) against each
/// key as points with their intervals.
pub fn sweep_figures(t: &Table, name: &str) -> Result<Vec<(String, Figure)>, DataError> {
    let keys = sweep_keys(t)?;
    let design = t.text("design")?.first().cloned().unwrap_or_default();
    let p = t.column("p_catastrophe")?;
    let (lo, hi) = (
        t.column("p_catastrophe_ci_low")?,
        t.column("p_catastrophe_ci_high")?,
    );
    // A categorical key is drawn at 0, 1, 2, ... in the order of its
    // values, which its label names.
    let columns: Vec<Vec<f64>> = keys
        .iter()
        .map(|k| t.column_or_codes(k))
        .collect::<Result<_, _>>()?;
    let keys: Vec<String> = keys
        .into_iter()
        .map(|k| {
            if t.column(&k).is_ok() {
                return k;
            }
            let mut values: Vec<String> = Vec::new();
            for v in t.text(&k).unwrap_or_default() {
                if !values.contains(&v) {
                    values.push(v);
                }
            }
            let codes: Vec<String> = values
                .iter()
                .enumerate()
                .map(|(i, v)| format!("{i} = {v}"))
                .collect();
            format!("{k} ({})", codes.join(", "))
        })
        .collect();
    let mut figures = Vec::new();
    if design != "grid" {
        for (k, key) in keys.iter().enumerate() {
            let x = &columns[k];
            let (x_min, x_max) = style::range_of(x.iter().copied());
            let pad = ((x_max - x_min) * 0.05).max(1e-9);
            let points = (0..x.len())
                .map(|i| Point {
                    label: String::new(),
                    color: color(0),
                    marker: 0,
                    hollow: false,
                    x: x[i],
                    x_low: x[i],
                    x_high: x[i],
                    y: p[i],
                    y_low: lo[i],
                    y_high: hi[i],
                })
                .collect();
            figures.push((
                format!("sweep-{}", k + 1),
                Figure::Scatter(Scatter {
                    labels: Labels {
                        title: format!("{name}: P(catastrophe) against {key}"),
                        x_label: key.clone(),
                        y_label: "P(catastrophe)".into(),
                    },
                    x_range: (x_min - pad, x_max + pad),
                    y_range: (0.0, style::upper(max_of(&hi))),
                    points,
                }),
            ));
        }
        return Ok(figures);
    }
    // Grid: rows vary the first key slowest. Hold keys beyond the second at
    // their first value.
    let held: Vec<usize> = (0..p.len())
        .filter(|&i| (2..keys.len()).all(|k| columns[k][i] == columns[k][0]))
        .collect();
    let xs = distinct(&columns[0]);
    let second = keys.get(1);
    let ys = if second.is_some() {
        distinct(&columns[1])
    } else {
        vec![f64::NAN]
    };
    let held_note = if keys.len() > 2 {
        " (other keys at their first value)"
    } else {
        ""
    };
    let mut lines = Vec::new();
    let mut bands = Vec::new();
    for (j, &y) in ys.iter().enumerate() {
        let rows: Vec<usize> = held
            .iter()
            .copied()
            .filter(|&i| second.is_none() || columns[1][i] == y)
            .collect();
        let line: Vec<(f64, f64)> = rows.iter().map(|&i| (columns[0][i], p[i])).collect();
        let label = match second {
            Some(key) => format!("{key} = {}", style::tick(y)),
            None => "P(catastrophe)".into(),
        };
        bands.push(Band {
            label: String::new(),
            color: color(j),
            opacity: 0.2,
            lower: rows.iter().map(|&i| (columns[0][i], lo[i])).collect(),
            upper: rows.iter().map(|&i| (columns[0][i], hi[i])).collect(),
        });
        lines.push(Line {
            label,
            color: color(j),
            dash: style::dash(j),
            width: 1.8,
            points: line,
        });
    }
    let x_range = padded_range(&xs, 0.5);
    if let Some(first) = bands.first_mut() {
        first.label = "95% interval".into();
    }
    figures.push((
        "sweep-line".into(),
        Figure::Line(LineChart {
            labels: Labels {
                title: format!("{name}: P(catastrophe) against {}{held_note}", keys[0]),
                x_label: keys[0].clone(),
                y_label: "P(catastrophe)".into(),
            },
            x_range,
            y_range: (0.0, style::upper(max_of(&hi))),
            bands,
            lines,
            ..LineChart::default()
        }),
    ));
    if let Some(second) = second {
        let values: Vec<Vec<Option<f64>>> = ys
            .iter()
            .map(|&y| {
                xs.iter()
                    .map(|&x| {
                        held.iter()
                            .find(|&&i| columns[0][i] == x && columns[1][i] == y)
                            .map(|&i| p[i])
                    })
                    .collect()
            })
            .collect();
        let cells: Vec<f64> = values.iter().flatten().flatten().copied().collect();
        let value_range = padded_range(&cells, 0.01);
        figures.push((
            "sweep-heatmap".into(),
            Figure::Heatmap(super::figure::Heatmap {
                labels: Labels {
                    title: format!("{name}: P(catastrophe){held_note}"),
                    x_label: keys[0].clone(),
                    y_label: second.clone(),
                },
                value_label: "P(catastrophe)".into(),
                x_values: xs,
                y_values: ys,
                values,
                value_range,
                overlays: Vec::new(),
                x_names: Vec::new(),
                y_names: Vec::new(),
                cell_text: Vec::new(),
                text_legend: Vec::new(),
                zone: None,
            }),
        ));
    }
    Ok(figures)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The five scenarios of the default comparison differ in line pattern
    /// and marker, not only in colour (greyscale printing).
    #[test]
    fn five_scenarios_differ_in_pattern_and_marker() {
        let patterns: Vec<_> = (0..5).map(|i| style::dash(i).pattern()).collect();
        let markers: Vec<_> = (0..5).map(style::marker).collect();
        for i in 0..5 {
            for j in 0..i {
                assert_ne!(patterns[i], patterns[j], "{i} {j}");
                assert_ne!(markers[i], markers[j], "{i} {j}");
            }
        }
    }

    /// The policy figure of a two-lab time series whose `extra` columns
    /// end each row as `values` do: its lines' labels and dashes.
    fn policy_lines(extra: &str, values: &str) -> Vec<(String, Dash)> {
        let mut csv = format!(
            "step,capability_mean_A,capability_mean_B,paused_A,paused_B,delayed_A,delayed_B{extra}\n"
        );
        csv.push_str(&format!(
            "0,1,1,0,0,0,0{values}\n1,1.1,1.2,0.5,0,0.25,0{values}\n"
        ));
        let d =
            ScenarioData::parse("s", csv.as_bytes(), b"metric,lab,mean,ci_low,ci_high\n").unwrap();
        let Figure::Line(chart) = policy(&d).unwrap() else {
            panic!("the policy figure is a line chart")
        };
        chart.lines.into_iter().map(|l| (l.label, l.dash)).collect()
    }

    /// With fuzzy evaluations each lab gets its unnoticed line, dotted, and
    /// a lab delayed in no run loses its delayed line; without them, or
    /// from a time series with only the share of labs, the lines of before.
    #[test]
    fn the_policy_figure_draws_each_labs_unnoticed_share() {
        let labels = |lines: Vec<(String, Dash)>| -> Vec<String> {
            lines.into_iter().map(|(l, _)| l).collect()
        };
        let fuzzy = policy_lines(",unnoticed,unnoticed_A,unnoticed_B", ",0.1,0.2,0");
        assert_eq!(
            labels(fuzzy.clone()),
            [
                "A paused",
                "A delayed",
                "A unnoticed",
                "B paused",
                "B unnoticed"
            ]
        );
        assert!(
            fuzzy
                .iter()
                .filter(|(l, _)| l.ends_with("unnoticed"))
                .all(|(_, d)| *d == Dash::Dotted)
        );
        assert_eq!(
            labels(policy_lines("", "")),
            ["A paused", "A delayed", "B paused", "B delayed"]
        );
        assert_eq!(
            labels(policy_lines(",unnoticed", ",0.1")),
            [
                "A paused",
                "A delayed",
                "B paused",
                "B delayed",
                "labs past an unnoticed threshold"
            ]
        );
    }
}
