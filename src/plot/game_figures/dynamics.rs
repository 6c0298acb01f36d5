//! A game's population dynamics: the replicator flow, paths or frequencies
//! over time, the small-mutation stationary distribution and its sweep
//! over the selection intensity; and every figure of a game folder.

use super::*;
use crate::file_names::game;

/// The replicator figure: the velocity along the line for two strategies,
/// trajectories across the simplex for three, frequencies over time from
/// the most central start for more.
pub fn replicator(
    files: &dyn NamedFiles,
    strategies: &[String],
) -> Result<Option<Figure>, DataError> {
    let name = files.name();
    match strategies.len() {
        0 | 1 => Ok(None),
        2 => {
            let Some(flow) = files.optional(game::REPLICATOR_FLOW)? else {
                return Ok(None);
            };
            let x = flow.column(&format!("x_{}", strategies[0]))?;
            let dx = flow.column(&format!("dx_{}", strategies[0]))?;
            let mut line: Vec<(f64, f64)> = x.iter().copied().zip(dx.iter().copied()).collect();
            line.sort_by(|a, b| a.0.total_cmp(&b.0));
            let (lo, hi) = range_of(dx.iter().copied());
            let pad = ((hi - lo) * 0.08).max(1e-9);
            let mut points = Vec::new();
            let stable = "stable rest point";
            let unstable = "unstable rest point";
            // The ends are rest points: stable if the flow next to them points in.
            if line.len() >= 2 {
                let near_zero = line[1].1;
                let near_one = line[line.len() - 2].1;
                points.push(mark(
                    if near_zero < 0.0 { stable } else { unstable },
                    BLACK,
                    0,
                    near_zero >= 0.0,
                    0.0,
                    0.0,
                ));
                points.push(mark(
                    if near_one > 0.0 { stable } else { unstable },
                    BLACK,
                    0,
                    near_one <= 0.0,
                    1.0,
                    0.0,
                ));
            }
            if let Some(mixed) = files.optional(game::MIXED)? {
                let column = |suffix: &str| mixed.column(&format!("x_{}{suffix}", strategies[0]));
                let (xm, low, high) = (column("")?, column("_low")?, column("_high")?);
                let is_stable = mixed.text("stable")?;
                for i in 0..xm.len() {
                    let s = is_stable[i] == "true";
                    points.push(Point {
                        x_low: low[i],
                        x_high: high[i],
                        ..mark(if s { stable } else { unstable }, BLACK, 0, !s, xm[i], 0.0)
                    });
                }
            }
            // Stable first in the legend.
            points.sort_by_key(|p| p.hollow);
            Ok(Some(Figure::Line(LineChart {
                labels: Labels {
                    title: format!("{name}: replicator dynamics"),
                    x_label: format!(
                        "share playing {} (the rest play {})",
                        strategies[0], strategies[1]
                    ),
                    y_label: "growth of the share, dx/dt".into(),
                },
                x_range: (0.0, 1.0),
                y_range: (lo.min(0.0) - pad, hi.max(0.0) + pad),
                lines: vec![
                    Line {
                        label: String::new(),
                        color: GREY,
                        dash: Dash::Dashed,
                        width: 0.8,
                        points: vec![(0.0, 0.0), (1.0, 0.0)],
                    },
                    Line {
                        label: "dx/dt".into(),
                        color: color(0),
                        dash: Dash::Solid,
                        width: 1.8,
                        points: line,
                    },
                ],
                points,
                ..LineChart::default()
            })))
        }
        m => {
            let Some(paths) = files.optional(game::REPLICATOR_PATHS)? else {
                return Ok(None);
            };
            let start = paths.column("start")?;
            let time = paths.column("time")?;
            let xs: Vec<Vec<f64>> = strategies
                .iter()
                .map(|s| paths.column(&format!("x_{s}")))
                .collect::<Result<_, _>>()?;
            let converged = paths.text("converged")?;
            // Rows of one trajectory are consecutive.
            let mut runs: Vec<(usize, usize)> = Vec::new();
            for r in 0..start.len() {
                match runs.last_mut() {
                    Some((from, to)) if start[*from] == start[r] => *to = r + 1,
                    _ => runs.push((r, r + 1)),
                }
            }
            if m == 3 {
                let mut simplex_paths = Vec::new();
                let mut ends: Vec<(Frequencies, bool)> = Vec::new();
                for (k, &(from, to)) in runs.iter().enumerate() {
                    let points: Vec<Frequencies> =
                        (from..to).map(|r| [xs[0][r], xs[1][r], xs[2][r]]).collect();
                    if let Some(&end) = points.last() {
                        let settled = converged[from] == "true";
                        let near = |e: &(Frequencies, bool)| {
                            (0..3).map(|i| (e.0[i] - end[i]).abs()).fold(0.0, f64::max) < 0.02
                                && e.1 == settled
                        };
                        if !ends.iter().any(near) {
                            ends.push((end, settled));
                        }
                    }
                    simplex_paths.push(SimplexPath {
                        label: if k == 0 {
                            "trajectory (arrow: direction)".into()
                        } else {
                            String::new()
                        },
                        color: color(0),
                        width: 0.9,
                        points,
                        arrow: true,
                    });
                }
                let mut marks: Vec<SimplexMark> = ends
                    .iter()
                    .map(|&(at, settled)| SimplexMark {
                        label: if settled {
                            "where trajectories end".into()
                        } else {
                            "end of an unsettled trajectory".into()
                        },
                        color: color(1),
                        marker: 0,
                        hollow: !settled,
                        at,
                    })
                    .collect();
                // One legend entry per kind of mark.
                for i in 1..marks.len() {
                    if marks[..i].iter().any(|m| m.label == marks[i].label) {
                        marks[i].label = String::new();
                    }
                }
                return Ok(Some(Figure::Simplex(Simplex {
                    title: format!("{name}: replicator dynamics (a corner: all play it)"),
                    corners: [
                        strategies[0].clone(),
                        strategies[1].clone(),
                        strategies[2].clone(),
                    ],
                    paths: simplex_paths,
                    marks,
                })));
            }
            // More than three strategies: the trajectory starting nearest
            // the centre of the simplex, each strategy's share over time.
            let centre = 1.0 / m as f64;
            let Some(&(from, to)) = runs.iter().min_by(|a, b| {
                let d = |r: usize| (0..m).map(|s| (xs[s][r] - centre).powi(2)).sum::<f64>();
                d(a.0).total_cmp(&d(b.0))
            }) else {
                return Ok(None);
            };
            let lines = (0..m)
                .map(|s| Line {
                    label: strategies[s].clone(),
                    color: color(s),
                    dash: style::dash(s),
                    width: 1.8,
                    points: (from..to).map(|r| (time[r], xs[s][r])).collect(),
                })
                .collect();
            let (t0, t1) = range_of(time[from..to].iter().copied());
            Ok(Some(Figure::Line(LineChart {
                labels: Labels {
                    title: format!("{name}: replicator dynamics from the most even start"),
                    x_label: "time (1 / largest payoff difference)".into(),
                    y_label: "share of the population".into(),
                },
                x_range: (t0, if t1 > t0 { t1 } else { t0 + 1.0 }),
                y_range: (0.0, 1.0),
                lines,
                ..LineChart::default()
            })))
        }
    }
}

/// The population size `Z` (from `fixation.csv`'s neutral `1 / Z`) and the
/// selection intensity `beta` (from `summary.json`), when known.
pub(super) fn population(
    files: &dyn NamedFiles,
) -> Result<(Option<usize>, Option<f64>), DataError> {
    let z = match files.optional(game::FIXATION)? {
        Some(t) => t
            .column("neutral")?
            .first()
            .filter(|x| **x > 0.0)
            .map(|x| (1.0 / x).round() as usize),
        None => None,
    };
    let beta = files
        .summary()
        .and_then(|v| v.pointer("/stationary/selection").and_then(|b| b.as_f64()));
    Ok((z, beta))
}

/// The stationary distribution as bars, one per strategy.
pub fn stationary(files: &dyn NamedFiles) -> Result<Option<Figure>, DataError> {
    let Some(t) = files.optional(game::STATIONARY)? else {
        return Ok(None);
    };
    let names = t.text("strategy")?;
    let frequency = t.column("frequency")?;
    let (z, beta) = population(files)?;
    let mut at = Vec::new();
    if let Some(z) = z {
        at.push(format!("Z = {z}"));
    }
    if let Some(beta) = beta {
        at.push(format!("β = {}", style::tick(beta)));
    }
    let at = if at.is_empty() {
        String::new()
    } else {
        format!(" ({})", at.join(", "))
    };
    Ok(Some(Figure::Bars(Bars {
        title: format!("{}: stationary distribution{at}", files.name()),
        y_label: "share of time all play it".into(),
        y_max: 1.0,
        // The values in the names: the smallest bars cannot be seen.
        groups: names
            .iter()
            .zip(&frequency)
            .map(|(n, f)| {
                if *f < 0.0005 {
                    format!("{n}: <0.001")
                } else {
                    format!("{n}: {f:.3}")
                }
            })
            .collect(),
        series: vec![BarSeries {
            label: "stationary distribution".into(),
            color: BLACK,
            bar_colors: (0..names.len()).map(color).collect(),
            opacity: 0.8,
            values: frequency
                .iter()
                .map(|&f| {
                    Some(Estimate {
                        mean: f,
                        ci_low: f,
                        ci_high: f,
                    })
                })
                .collect(),
        }],
    })))
}

/// The stationary distribution against the selection intensity `beta`
/// (log axis when every value is positive), the game's `beta` marked.
pub fn stationary_sweep(files: &dyn NamedFiles) -> Result<Option<Figure>, DataError> {
    let Some(t) = files.optional(game::STATIONARY_SWEEP)? else {
        return Ok(None);
    };
    if t.rows().is_empty() {
        return Ok(None);
    }
    let beta = t.column("selection")?;
    let strategies: Vec<String> = t.header()[1..].to_vec();
    let mut lines = Vec::new();
    for (i, s) in strategies.iter().enumerate() {
        let f = t.column(s)?;
        lines.push(Line {
            label: s.clone(),
            color: color(i),
            dash: style::dash(i),
            width: 1.8,
            points: beta.iter().copied().zip(f).collect(),
        });
    }
    let (lo, hi) = range_of(beta.iter().copied());
    let log = lo > 0.0 && hi / lo >= 10.0;
    let x_range = if hi > lo {
        (lo, hi)
    } else {
        (lo - 0.5, hi + 0.5)
    };
    let (z, game_beta) = population(files)?;
    if let Some(b) = game_beta.filter(|b| (lo..=hi).contains(b)) {
        lines.push(Line {
            label: format!("β of the game ({})", style::tick(b)),
            color: GREY,
            dash: Dash::Dotted,
            width: 1.2,
            points: vec![(b, 0.0), (b, 1.0)],
        });
    }
    let z = z.map_or(String::new(), |z| format!(", Z = {z}"));
    Ok(Some(Figure::Line(LineChart {
        labels: Labels {
            title: format!(
                "{}: stationary distribution against selection{z}",
                files.name()
            ),
            x_label: if log {
                "selection intensity β (log scale)".into()
            } else {
                "selection intensity β".into()
            },
            y_label: "share of time all play it".into(),
        },
        x_range,
        y_range: (0.0, 1.0),
        lines,
        x_log: log,
        ..LineChart::default()
    })))
}

/// Every figure of a game folder, by file stem.
pub fn game_figures(files: &dyn NamedFiles) -> Result<Vec<(String, Figure)>, DataError> {
    let g = GameTables::read(files)?;
    let mut out = payoff_figures(&g, files.name());
    if g.is_symmetric() {
        if let Some(f) = replicator(files, &g.strategies)? {
            out.push(("replicator".into(), f));
        }
        if let Some(f) = stationary(files)? {
            out.push(("stationary".into(), f));
        }
        if let Some(f) = stationary_sweep(files)? {
            out.push(("stationary-sweep".into(), f));
        }
    }
    Ok(out)
}

// DSAIR.
