//! The figures of `airace game` and `airace classic`, built from the CSV
//! files those commands write. The commands draw from the bytes they are
//! about to write and `airace plot` from the files on disk, so a folder's
//! figures can always be redrawn from its tables alone.
//!
//! | folder | figure | from |
//! |---|---|---|
//! | game | `payoffs` (`payoffs-SEAT` when seats differ): a player's payoff by its own strategy and the others', best responses outlined, equilibria marked | `payoffs.csv`, `deviations.csv`, `equilibria.csv` |
//! | game | `replicator`: the flow along the line (two strategies), trajectories across the simplex (three), frequencies over time (more) | `replicator_flow.csv`, `replicator_paths.csv`, `mixed.csv` |
//! | game | `stationary`: the small-mutation stationary distribution | `stationary.csv`, `fixation.csv` |
//! | game | `stationary-sweep`: the stationary distribution as the selection intensity moves | `stationary_sweep.csv` |
//! | dsair | `heatmap`: UNSAFE frequency over `(s, p_r)` with the two boundary curves | `heatmap.csv`, `boundaries.csv` |
//! | dsair | `curves`: UNSAFE frequency against `p_r` at the reported speeds | `curves.csv`, `boundaries.csv` |
//! | precipice | `disaster`: P(disaster) against `mu` per information regime, a panel per `(e, n)` | `disaster.csv` |

use super::data::{DataError, NamedFiles, Table};
use super::figure::{
    Band, BarSeries, Bars, Dash, Figure, Frequencies, Heatmap, Labels, LegendEntry, LegendKind,
    Line, LineChart, Panels, Point, Simplex, SimplexMark, SimplexPath, Zone,
};
use super::style::{self, BLACK, GREY, color, range_of};
use crate::stats::Estimate;

mod dsair;
mod dynamics;
mod payoffs;
mod precipice;

pub use dsair::*;
pub use dynamics::*;
pub use payoffs::*;
pub use precipice::*;

fn invalid(origin: &str, message: String) -> DataError {
    DataError::Invalid {
        origin: origin.to_string(),
        message,
    }
}

/// Distinct values in order of first appearance.
fn distinct<T: PartialEq + Clone>(values: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for v in values {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    out
}

/// Tick names for a fine numeric axis of cells: every `k`-th value, with
/// `k` the smallest of 1, 2, 5, 10, 20, 25, 50, ... giving at most `most`.
fn sparse_names(values: &[f64], most: usize) -> Vec<String> {
    let n = values.len();
    let every = [1usize, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000]
        .into_iter()
        .find(|&k| n.div_ceil(k) <= most.max(1))
        .unwrap_or(n.max(1));
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            if i % every == 0 {
                style::tick(*v)
            } else {
                String::new()
            }
        })
        .collect()
}

/// A payoff as written in a cell: three decimals, no negative zero.
fn payoff_text(x: f64) -> String {
    let s = format!("{x:.3}");
    if s == "-0.000" { "0.000".into() } else { s }
}

/// A mark without an interval.
fn mark(label: &str, color: style::Rgb, marker: usize, hollow: bool, x: f64, y: f64) -> Point {
    Point {
        label: label.to_string(),
        color,
        marker,
        hollow,
        x,
        x_low: x,
        x_high: x,
        y,
        y_low: y,
        y_high: y,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::game_folder::Files;

    #[test]
    fn splits_put_the_most_on_the_first_strategy_first() {
        assert_eq!(
            splits(2, 3),
            [
                vec![2, 0, 0],
                vec![1, 1, 0],
                vec![1, 0, 1],
                vec![0, 2, 0],
                vec![0, 1, 1],
                vec![0, 0, 2]
            ]
        );
        assert_eq!(
            tuples(2, 2),
            [vec![0, 0], vec![0, 1], vec![1, 0], vec![1, 1]]
        );
    }

    #[test]
    fn sparse_names_keep_round_values() {
        let speeds: Vec<f64> = (0..41).map(|i| 1.0 + i as f64 * 0.1).collect();
        let names = sparse_names(&speeds, 9);
        let shown: Vec<&str> = names
            .iter()
            .filter(|n| !n.is_empty())
            .map(String::as_str)
            .collect();
        assert_eq!(shown, ["1", "1.5", "2", "2.5", "3", "3.5", "4", "4.5", "5"]);
    }

    const PAYOFFS: &str = "profile,n_hawk,n_dove,strategy,players,payoff,payoff_se,payoff_ci_low,payoff_ci_high,p_catastrophe,p_catastrophe_se\n\
0,2,0,hawk,2,-1.0,0.01,-1.02,-0.98,0.5,0.01\n\
1,1,1,hawk,1,2.0,0.01,1.98,2.02,0.2,0.01\n\
1,1,1,dove,1,0.0,0.01,-0.02,0.02,0.2,0.01\n\
2,0,2,dove,2,1.0,0.01,0.98,1.02,0.1,0.01\n";
    const DEVIATIONS: &str = "profile,n_hawk,n_dove,deviator,from,to,target_profile,gain,gain_se,verdict\n\
0,2,0,hawk,hawk,dove,1,1.0,0.01,gains\n\
1,1,1,hawk,hawk,dove,2,-1.0,0.01,loses\n\
1,1,1,dove,dove,hawk,0,-1.0,0.01,loses\n\
2,0,2,dove,dove,hawk,1,1.0,0.01,gains\n";
    const EQUILIBRIA: &str = "profile,n_hawk,n_dove,equilibrium,deviations_gaining,deviations_tied,best_deviation_from,best_deviation_to,best_gain,best_gain_se,p_catastrophe\n\
0,2,0,no,1,0,hawk,dove,1.0,0.01,0.5\n\
1,1,1,strict,0,0,hawk,dove,-1.0,0.01,0.2\n\
2,0,2,no,1,0,dove,hawk,1.0,0.01,0.1\n";

    fn hawk_dove() -> Files {
        Files::new(
            "hd",
            vec![
                ("payoffs.csv".into(), PAYOFFS.into()),
                ("deviations.csv".into(), DEVIATIONS.into()),
                ("equilibria.csv".into(), EQUILIBRIA.into()),
                (
                    "replicator_flow.csv".into(),
                    "x_hawk,x_dove,dx_hawk,dx_dove,mean_payoff\n0,1,0,0,1\n0.5,0.5,0.25,-0.25,0.5\n0.9,0.1,-0.1,0.1,0\n1,0,0,0,-1\n".into(),
                ),
                (
                    "mixed.csv".into(),
                    "x_hawk,stable,x_hawk_low,x_hawk_high\n0.5,true,0.49,0.51\n".into(),
                ),
            ],
        )
    }

    #[test]
    fn the_payoff_heatmap_outlines_best_responses_and_marks_equilibria() {
        let figures = game_figures(&hawk_dove()).unwrap();
        let stems: Vec<&str> = figures.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(stems, ["payoffs", "replicator"]);
        let Figure::Heatmap(h) = &figures[0].1 else {
            panic!("a heatmap")
        };
        // Rows from the top: the other plays hawk, then dove.
        assert_eq!(h.y_names, ["dove", "hawk"]);
        // The mixed profile is a strict equilibrium: marked in both its cells.
        assert_eq!(h.cell_text[1], ["-1.000", "● 0.000"]);
        assert_eq!(h.cell_text[0], ["● 2.000", "1.000"]);
        assert_eq!(h.text_legend.len(), 1);
        // Best responses: dove against hawk, hawk against dove (two
        // outlines of two lines each).
        assert_eq!(h.overlays.len(), 4);
        let Figure::Line(r) = &figures[1].1 else {
            panic!("a line")
        };
        assert_eq!(r.points.iter().filter(|p| !p.hollow).count(), 1);
        assert_eq!(r.points.iter().filter(|p| p.hollow).count(), 2);
    }

    #[test]
    fn precipice_panels_are_rows_of_enmity_and_columns_of_teams() {
        let mut csv = String::from(
            "regime,teams,enmity,mu,p_disaster,p_disaster_se,p_disaster_closed_form,iterations,converged,max_regret\n",
        );
        for n in [2, 3] {
            for e in [0.5, 1.0] {
                for mu in [0.5, 1.0] {
                    for (r, converged) in [
                        ("no_information", true),
                        ("private", true),
                        ("public", mu < 1.0),
                    ] {
                        csv.push_str(&format!("{r},{n},{e},{mu},0.5,0.01,0.5,3,{converged},0\n"));
                    }
                }
            }
        }
        let files = Files::new("p", vec![("disaster.csv".into(), csv.into_bytes())]);
        let Figure::Panels(p) = precipice_disaster(&files).unwrap() else {
            panic!("panels")
        };
        assert_eq!(p.columns, 2);
        let titles: Vec<&str> = p.panels.iter().map(|c| c.labels.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "n = 2, e = 0.5",
                "n = 3, e = 0.5",
                "n = 2, e = 1",
                "n = 3, e = 1"
            ]
        );
        // A line and its closed form per regime; the unconverged point marked.
        assert_eq!(p.panels[0].lines.len(), 6);
        assert_eq!(p.panels[0].points.len(), 1);
        assert_eq!(p.legend.last().unwrap().label, "search did not converge");
    }

    /// One mu gives one point per regime and panel, which a line cannot
    /// show: each becomes a marker, with its closed form as a short tick.
    #[test]
    fn a_precipice_series_of_one_point_is_marked() {
        let mut csv = String::from(
            "regime,teams,enmity,mu,p_disaster,p_disaster_se,p_disaster_closed_form,iterations,converged,max_regret\n",
        );
        for r in ["no_information", "private", "public"] {
            csv.push_str(&format!("{r},2,1,1,0.5,0.01,0.5,3,true,0\n"));
        }
        let files = Files::new("p", vec![("disaster.csv".into(), csv.into_bytes())]);
        let Figure::Panels(p) = precipice_disaster(&files).unwrap() else {
            panic!("panels")
        };
        let panel = &p.panels[0];
        let markers: Vec<(usize, bool, f64, f64)> = panel
            .points
            .iter()
            .map(|m| (m.marker, m.hollow, m.x, m.y))
            .collect();
        assert_eq!(
            markers,
            [
                (0, false, 1.0, 0.5),
                (1, false, 1.0, 0.5),
                (2, false, 1.0, 0.5)
            ]
        );
        assert_eq!(panel.x_range, (0.0, 2.0), "the points sit mid-axis");
        let ticks = panel.lines.iter().filter(|l| l.points.len() == 2).count();
        assert_eq!(ticks, 3, "a closed-form tick per regime");
        assert_eq!(p.legend[0].kind, LegendKind::Marker(0));
    }

    #[test]
    fn boundary_curves_land_on_cell_centres() {
        let speeds = [1.0, 1.5, 2.0];
        assert_eq!(to_cells(&speeds, 1.0), 0.5);
        assert_eq!(to_cells(&speeds, 2.0), 2.5);
        assert_eq!(to_cells(&speeds, 1.25), 1.0);
    }

    /// The hatched zone is the dilemma of the model's closed forms: at each
    /// speed the cells with `society(s) < p_r < risk_dominant(s)`, and at
    /// `s = 1` (thresholds 1 - 51/52 = 0.0192 and 1 - 52/154 = 0.6623, as
    /// the README works out) the 33 cells from p_r = 0.02 to 0.66.
    #[test]
    fn the_dsair_dilemma_zone_is_the_cells_the_closed_forms_say() {
        use crate::game::classic::dsair::Dsair;
        use crate::output::dsair_folder::boundaries_csv;
        let speeds: Vec<f64> = (0..41).map(|i| 1.0 + i as f64 * 0.1).collect();
        let risks: Vec<f64> = (0..51).map(|j| j as f64 * 0.02).collect();
        let mut heatmap = String::from("speed,risk,unsafe_frequency\n");
        for &s in &speeds {
            for &p in &risks {
                heatmap.push_str(&format!("{s},{p},0.5\n"));
            }
        }
        let g = Dsair::paper(1.0, 0.0);
        let boundaries = boundaries_csv(&g, &speeds, &vec![(None, None); speeds.len()], 100);
        let files = Files::new(
            "dsair",
            vec![
                ("heatmap.csv".into(), heatmap.into_bytes()),
                ("boundaries.csv".into(), boundaries.into_bytes()),
            ],
        );
        let figure = dsair_heatmap(&files).unwrap();
        let legend = figure.legend();
        let Figure::Heatmap(h) = figure else {
            panic!("a heatmap");
        };
        let zone = h.zone.expect("the paper's grid has a dilemma zone");
        assert_eq!(zone.cells.len(), risks.len());
        for (j, &p) in risks.iter().enumerate() {
            for (i, &s) in speeds.iter().enumerate() {
                let game = Dsair { speed: s, ..g };
                let dilemma = game.society_threshold() < p && p < game.risk_dominance_threshold();
                assert_eq!(zone.cells[j][i], dilemma, "s = {s}, p_r = {p}");
            }
        }
        let at_one: Vec<usize> = (0..risks.len()).filter(|&j| zone.cells[j][0]).collect();
        assert_eq!(at_one, (1..=33).collect::<Vec<_>>());
        assert!(
            legend
                .iter()
                .any(|e| e.kind == LegendKind::Hatch && e.label.starts_with("dilemma zone")),
            "{legend:?}"
        );
        // The symbols: a subscript r that the embedded font draws.
        assert!(h.labels.y_label.ends_with("p\u{1d63}") && h.labels.x_label.contains(", s "));
        let font = ab_glyph::FontRef::try_from_slice(dejavu::sans::regular()).unwrap();
        use ab_glyph::Font;
        assert_ne!(font.glyph_id('\u{1d63}').0, 0, "DejaVu Sans has U+1D63");
    }
}
