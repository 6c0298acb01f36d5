//! Racing to the precipice: P(disaster) against `mu` per information
//! regime, a panel per enmity and number of teams.

use super::*;
use crate::file_names::precipice;

/// How a regime is named in figures.
pub fn regime_label(regime: &str) -> String {
    match regime {
        "no_information" => "no information".into(),
        "private" => "own capability known".into(),
        "public" => "all capabilities known".into(),
        other => other.replace('_', " "),
    }
}

/// P(disaster) against `mu`, a line per information regime (closed forms
/// dashed), a panel per enmity `e` (rows) and number of teams `n` (columns).
pub fn precipice_disaster(files: &dyn NamedFiles) -> Result<Figure, DataError> {
    let t = files.table(precipice::DISASTER)?;
    let regime = t.text("regime")?;
    let (teams, enmity, mu) = (t.column("teams")?, t.column("enmity")?, t.column("mu")?);
    let (p, exact) = (t.column("p_disaster")?, t.column("p_disaster_closed_form")?);
    let converged = t.text("converged")?;
    let regimes = distinct(&regime);
    let team_values = distinct(&teams);
    let enmity_values = distinct(&enmity);
    let (_, mu_hi) = range_of(mu.iter().copied());
    // A single mu draws points, not lines: put them mid-axis.
    let single_mu = distinct(&mu).len() == 1;
    let x_hi = if mu_hi > 0.0 { mu_hi } else { 1.0 };
    let x_range = (0.0, if single_mu { 2.0 * x_hi } else { x_hi });
    let not_converged = "search did not converge";
    let mut panels = Vec::new();
    let mut any_unconverged = false;
    for &e in &enmity_values {
        for &n in &team_values {
            let mut lines = Vec::new();
            let mut points = Vec::new();
            for (k, r) in regimes.iter().enumerate() {
                let mut rows: Vec<usize> = (0..regime.len())
                    .filter(|&i| regime[i] == *r && teams[i] == n && enmity[i] == e)
                    .collect();
                rows.sort_by(|&a, &b| mu[a].total_cmp(&mu[b]));
                // A line through one point draws nothing: mark the value
                // (a shape per regime, so coinciding ones stay apart) and
                // draw the closed form as a short dashed tick through it.
                if let [i] = rows[..] {
                    points.push(mark(&regime_label(r), color(k), k, false, mu[i], p[i]));
                    let half = 0.08 * x_range.1;
                    lines.push(Line {
                        label: String::new(),
                        color: color(k),
                        dash: Dash::Dashed,
                        width: 0.9,
                        points: vec![(mu[i] - half, exact[i]), (mu[i] + half, exact[i])],
                    });
                }
                lines.push(Line {
                    label: regime_label(r),
                    color: color(k),
                    dash: Dash::Solid,
                    width: 1.6,
                    points: rows.iter().map(|&i| (mu[i], p[i])).collect(),
                });
                lines.push(Line {
                    label: String::new(),
                    color: color(k),
                    dash: Dash::Dashed,
                    width: 0.9,
                    points: rows.iter().map(|&i| (mu[i], exact[i])).collect(),
                });
                for &i in rows.iter().filter(|&&i| converged[i] != "true") {
                    any_unconverged = true;
                    points.push(mark(not_converged, color(k), 3, false, mu[i], p[i]));
                }
            }
            panels.push(LineChart {
                labels: Labels {
                    title: format!("n = {}, e = {}", style::tick(n), style::tick(e)),
                    x_label: "μ, range of capabilities (capability ~ U[0, μ])".into(),
                    y_label: "P(disaster)".into(),
                },
                x_range,
                y_range: (0.0, 1.0),
                lines,
                x_ticks: 7,
                points,
                ..LineChart::default()
            });
        }
    }
    let mut legend: Vec<LegendEntry> = regimes
        .iter()
        .enumerate()
        .map(|(k, r)| LegendEntry {
            label: regime_label(r),
            color: color(k),
            kind: if single_mu {
                LegendKind::Marker(k)
            } else {
                LegendKind::Line(Dash::Solid, 1.6)
            },
        })
        .collect();
    legend.push(LegendEntry {
        label: "closed form".into(),
        color: GREY,
        kind: LegendKind::Line(Dash::Dashed, 0.9),
    });
    if any_unconverged {
        legend.push(LegendEntry {
            label: not_converged.into(),
            color: GREY,
            kind: LegendKind::Marker(3),
        });
    }
    Ok(Figure::Panels(Panels {
        title: format!(
            "{}: probability of disaster by what teams know",
            files.name()
        ),
        columns: team_values.len().max(1),
        panels,
        legend,
    }))
}

/// Every figure of a precipice folder, by file stem.
pub fn precipice_figures(files: &dyn NamedFiles) -> Result<Vec<(String, Figure)>, DataError> {
    Ok(vec![("disaster".into(), precipice_disaster(files)?)])
}
