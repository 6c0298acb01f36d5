//! DSAIR's figures: the UNSAFE frequency over `(s, p_r)` with the two
//! boundary curves and the dilemma zone between them, and the frequency
//! against `p_r` at the reported speeds.

use super::*;
use crate::file_names::dsair;

/// One row of `boundaries.csv`: a speed and the `p_r` above which
/// society prefers SAFE and above which SAFE is risk-dominant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Boundary {
    pub speed: f64,
    pub society: f64,
    pub risk_dominant: f64,
}

pub(super) fn boundaries(files: &dyn NamedFiles) -> Result<Vec<Boundary>, DataError> {
    let t = files.table(dsair::BOUNDARIES)?;
    let (speed, society, dominant) = (
        t.column("speed")?,
        t.column("society_prefers_safe_above")?,
        t.column("safe_risk_dominant_above")?,
    );
    Ok((0..speed.len())
        .map(|i| Boundary {
            speed: speed[i],
            society: society[i],
            risk_dominant: dominant[i],
        })
        .collect())
}

/// Maps a value onto the cell axis whose cell centres are `values`.
pub(super) fn to_cells(values: &[f64], v: f64) -> f64 {
    if values.len() < 2 || values[0] == values[values.len() - 1] {
        return 0.5;
    }
    let (lo, hi) = (values[0], values[values.len() - 1]);
    (v - lo) / (hi - lo) * (values.len() - 1) as f64 + 0.5
}

/// The paper's central figure: UNSAFE frequency over `(s, p_r)` with the
/// boundary above which society prefers SAFE and the one above which SAFE
/// is risk-dominant; between them, the dilemma.
pub fn dsair_heatmap(files: &dyn NamedFiles) -> Result<Figure, DataError> {
    let t = files.table(dsair::HEATMAP)?;
    let (speed, risk, freq) = (
        t.column("speed")?,
        t.column("risk")?,
        t.column("unsafe_frequency")?,
    );
    let xs = distinct(&speed);
    let ys = distinct(&risk);
    let mut values = vec![vec![None; xs.len()]; ys.len()];
    for r in 0..speed.len() {
        if let (Some(i), Some(j)) = (
            xs.iter().position(|&x| x == speed[r]),
            ys.iter().position(|&y| y == risk[r]),
        ) {
            values[j][i] = Some(freq[r]);
        }
    }
    let b = boundaries(files)?;
    let mut overlays = Vec::new();
    if !xs.is_empty() && !ys.is_empty() {
        let curve = |f: &dyn Fn(&Boundary) -> f64| -> Vec<(f64, f64)> {
            b.iter()
                .map(|row| (to_cells(&xs, row.speed), to_cells(&ys, f(row))))
                .collect()
        };
        overlays.push(Line {
            label: "society prefers SAFE above".into(),
            color: BLACK,
            dash: Dash::Solid,
            width: 2.2,
            points: curve(&|r| r.society),
        });
        overlays.push(Line {
            label: "SAFE risk-dominant above".into(),
            color: color(1),
            dash: Dash::Dashed,
            width: 2.2,
            points: curve(&|r| r.risk_dominant),
        });
    }
    let zone = Zone {
        label: "dilemma zone".into(),
        color: BLACK,
        cells: dilemma_cells(&xs, &ys, &b),
    };
    Ok(Figure::Heatmap(Heatmap {
        labels: Labels {
            title: format!("{}: frequency of UNSAFE", files.name()),
            x_label: format!("speed of UNSAFE, {SPEED} (SAFE = 1)"),
            y_label: format!("risk of disaster of UNSAFE, {RISK}"),
        },
        value_label: "frequency of UNSAFE".into(),
        x_names: sparse_names(&xs, 9),
        y_names: sparse_names(&ys, 11),
        x_values: xs,
        y_values: ys,
        values,
        value_range: (0.0, 1.0),
        overlays,
        cell_text: Vec::new(),
        text_legend: Vec::new(),
        zone: zone.cells.iter().flatten().any(|&c| c).then_some(zone),
    }))
}

/// DSAIR's risk of disaster `p_r` as figures write it (a subscript r,
/// which DejaVu Sans has).
pub const RISK: &str = "p\u{1d63}";

/// DSAIR's speed of UNSAFE.
pub const SPEED: &str = "s";

/// The cells of the dilemma zone, `cells[j][i]` for risk `risks[j]` and
/// speed `speeds[i]`: where society prefers SAFE but SAFE is not
/// risk-dominant, `society(s) < p_r < risk_dominant(s)`, with the two
/// thresholds of the speed's row of `boundaries.csv` (the closed forms
/// `1 - pi_SS / (s B/(2W) + b/2)` and `1 - (pi_SS + pi_SU) / (K_US + K_UU)`,
/// [`crate::game::classic::dsair::Dsair`]). A speed without a row has no
/// cell in the zone.
pub fn dilemma_cells(speeds: &[f64], risks: &[f64], boundaries: &[Boundary]) -> Vec<Vec<bool>> {
    risks
        .iter()
        .map(|&p| {
            speeds
                .iter()
                .map(|&s| {
                    boundaries
                        .iter()
                        .find(|row| row.speed == s)
                        .is_some_and(|row| row.society < p && p < row.risk_dominant)
                })
                .collect()
        })
        .collect()
}

/// UNSAFE frequency against `p_r` at the reported speeds: simulated
/// (solid) and closed form (dashed), each speed's dilemma zone shaded.
pub fn dsair_curves(files: &dyn NamedFiles) -> Result<Figure, DataError> {
    let t = files.table(dsair::CURVES)?;
    let (speed, risk) = (t.column("speed")?, t.column("risk")?);
    let (simulated, exact) = (
        t.column("unsafe_frequency")?,
        t.column("unsafe_frequency_closed_form")?,
    );
    let b = boundaries(files)?;
    let mut lines = Vec::new();
    let mut bands = Vec::new();
    for (i, &s) in distinct(&speed).iter().enumerate() {
        let rows: Vec<usize> = (0..speed.len()).filter(|&r| speed[r] == s).collect();
        let c = color(i);
        for (which, values, dash, width) in [
            ("", &simulated, Dash::Solid, 2.0),
            (", closed form", &exact, Dash::Dashed, 1.0),
        ] {
            lines.push(Line {
                label: format!("s = {}{which}", style::tick(s)),
                color: c,
                dash,
                width,
                points: rows.iter().map(|&r| (risk[r], values[r])).collect(),
            });
        }
        if let Some(row) = b.iter().find(|row| (row.speed - s).abs() < 1e-6) {
            if row.risk_dominant > row.society {
                bands.push(Band {
                    label: format!("s = {}: dilemma zone", style::tick(s)),
                    color: c,
                    opacity: 0.15,
                    lower: vec![(row.society, 0.0), (row.risk_dominant, 0.0)],
                    upper: vec![(row.society, 1.0), (row.risk_dominant, 1.0)],
                });
            }
        }
    }
    Ok(Figure::Line(LineChart {
        labels: Labels {
            title: format!("{}: frequency of UNSAFE against {RISK}", files.name()),
            x_label: format!("risk of disaster of UNSAFE, {RISK}"),
            y_label: "frequency of UNSAFE".into(),
        },
        x_range: (0.0, 1.0),
        y_range: (0.0, 1.04),
        bands,
        lines,
        x_ticks: 11,
        ..LineChart::default()
    }))
}

/// Every figure of a DSAIR folder, by file stem.
pub fn dsair_figures(files: &dyn NamedFiles) -> Result<Vec<(String, Figure)>, DataError> {
    Ok(vec![
        ("heatmap".into(), dsair_heatmap(files)?),
        ("curves".into(), dsair_curves(files)?),
    ])
}

// Racing to the precipice.
