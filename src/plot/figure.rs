//! What a figure shows, as plain data: lines, bands, bars, points, cells.
//! The figure builders fill these from the CSV outputs; [`super::render`]
//! draws them. Keeping the two apart makes every figure testable as data.

use super::style::Rgb;
use crate::stats::Estimate;

/// How a line is drawn, so lines stay apart in greyscale print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dash {
    Solid,
    Dashed,
    Dotted,
    LongDashed,
    SparseDotted,
}

impl Dash {
    /// Lengths of a dash and of the gap after it, in points (none: solid).
    pub fn pattern(self) -> Option<(f64, f64)> {
        match self {
            Dash::Solid => None,
            Dash::Dashed => Some((5.0, 3.0)),
            Dash::Dotted => Some((1.5, 2.0)),
            Dash::LongDashed => Some((11.0, 3.0)),
            Dash::SparseDotted => Some((1.5, 5.0)),
        }
    }
}

/// The titles of a chart with two axes: the figure's (`--no-title`
/// empties it) and each axis's (long ones wrap).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Labels {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub label: String,
    pub color: Rgb,
    pub dash: Dash,
    /// Points.
    pub width: f64,
    pub points: Vec<(f64, f64)>,
}

/// A shaded region between two curves (an interval).
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub label: String,
    pub color: Rgb,
    pub opacity: f64,
    pub lower: Vec<(f64, f64)>,
    pub upper: Vec<(f64, f64)>,
}

/// Lines and bands over two linear axes. The default is an empty chart:
/// builders name the title, labels, ranges and lines and take the rest
/// (no bands, a linear x axis, ticks as the width allows, no marked
/// points) with `..LineChart::default()`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LineChart {
    pub labels: Labels,
    pub x_range: (f64, f64),
    pub y_range: (f64, f64),
    pub bands: Vec<Band>,
    pub lines: Vec<Line>,
    /// The x axis on a log scale (x values > 0; ticks at powers of 10).
    pub x_log: bool,
    /// Up to this many x ticks where the width allows (one per 20 pt);
    /// 0 lets the width decide (one per 55 pt).
    pub x_ticks: usize,
    /// Marked points (e.g. rest points) drawn over the lines, with their
    /// error bars where the interval is not empty.
    pub points: Vec<Point>,
}

/// One series of bars: a value (with interval) per group.
#[derive(Debug, Clone, PartialEq)]
pub struct BarSeries {
    pub label: String,
    pub color: Rgb,
    /// Per-bar colours overriding `color` (e.g. each lab's own).
    pub bar_colors: Vec<Rgb>,
    pub opacity: f64,
    pub values: Vec<Option<Estimate>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bars {
    pub title: String,
    pub y_label: String,
    pub y_max: f64,
    /// Category names along the x axis.
    pub groups: Vec<String>,
    pub series: Vec<BarSeries>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub label: String,
    pub color: Rgb,
    /// Index into the marker shapes.
    pub marker: usize,
    /// Drawn as an outline (e.g. an unstable rest point) instead of filled.
    pub hollow: bool,
    pub x: f64,
    pub x_low: f64,
    pub x_high: f64,
    pub y: f64,
    pub y_low: f64,
    pub y_high: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scatter {
    pub labels: Labels,
    pub x_range: (f64, f64),
    pub y_range: (f64, f64),
    pub points: Vec<Point>,
}

/// Cells coloured by value over a grid of two parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Heatmap {
    pub labels: Labels,
    pub value_label: String,
    pub x_values: Vec<f64>,
    pub y_values: Vec<f64>,
    /// `values[j][i]` for `y_values[j]`, `x_values[i]`.
    pub values: Vec<Vec<Option<f64>>>,
    pub value_range: (f64, f64),
    /// Curves drawn over the cells, in cell coordinates.
    pub overlays: Vec<Line>,
    /// Names of the columns and rows, used for the tick labels instead of
    /// `x_values` and `y_values` when not empty (an empty name: no tick).
    pub x_names: Vec<String>,
    pub y_names: Vec<String>,
    /// Text written in each cell (`cell_text[j][i]`), when not empty.
    pub cell_text: Vec<Vec<String>>,
    /// Legend entries for symbols written in the cells' text (e.g. `●`).
    pub text_legend: Vec<LegendEntry>,
    /// A region of cells hatched and outlined over the colours (e.g. the
    /// DSAIR dilemma zone), named in the legend.
    pub zone: Option<Zone>,
}

/// Cells of a [`Heatmap`] marked as one region: hatched with diagonal
/// lines and outlined where they border other cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    pub label: String,
    pub color: Rgb,
    /// `cells[j][i]`: whether the cell of row `j`, column `i` is in it.
    pub cells: Vec<Vec<bool>>,
}

/// A point of the simplex of three frequencies `[x_0, x_1, x_2]` (summing to 1).
pub type Frequencies = [f64; 3];

/// A path across the three-strategy simplex, with an arrowhead halfway
/// along it showing its direction.
#[derive(Debug, Clone, PartialEq)]
pub struct SimplexPath {
    pub label: String,
    pub color: Rgb,
    /// Points.
    pub width: f64,
    pub points: Vec<Frequencies>,
    pub arrow: bool,
}

/// A marked point of the simplex.
#[derive(Debug, Clone, PartialEq)]
pub struct SimplexMark {
    pub label: String,
    pub color: Rgb,
    pub marker: usize,
    pub hollow: bool,
    pub at: Frequencies,
}

/// A ternary plot: the triangle whose corners are the populations playing
/// one strategy each (corner `k` is `x_k = 1`; bottom left, bottom right,
/// top), with paths and marks inside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Simplex {
    pub title: String,
    pub corners: [String; 3],
    pub paths: Vec<SimplexPath>,
    pub marks: Vec<SimplexMark>,
}

/// Small multiples: line charts in a grid of `columns` columns sharing
/// their axes' ranges and one legend. Each chart's title names its panel.
#[derive(Debug, Clone, PartialEq)]
pub struct Panels {
    pub title: String,
    pub columns: usize,
    pub panels: Vec<LineChart>,
    pub legend: Vec<LegendEntry>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Figure {
    Line(LineChart),
    Bars(Bars),
    Scatter(Scatter),
    Heatmap(Heatmap),
    Simplex(Simplex),
    Panels(Panels),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LegendKind {
    Line(Dash, f64),
    Patch(f64),
    Marker(usize),
    HollowMarker(usize),
    /// A hatched, outlined square (a heatmap's [`Zone`]).
    Hatch,
}

impl LegendKind {
    /// The marker `marker` (an index into the marker shapes), drawn as an
    /// outline where `hollow`.
    pub fn marker(marker: usize, hollow: bool) -> LegendKind {
        if hollow {
            LegendKind::HollowMarker(marker)
        } else {
            LegendKind::Marker(marker)
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    pub label: String,
    pub color: Rgb,
    pub kind: LegendKind,
}

impl Figure {
    pub fn title(&self) -> &str {
        match self {
            Figure::Line(c) => &c.labels.title,
            Figure::Bars(b) => &b.title,
            Figure::Scatter(s) => &s.labels.title,
            Figure::Heatmap(h) => &h.labels.title,
            Figure::Simplex(s) => &s.title,
            Figure::Panels(p) => &p.title,
        }
    }

    /// The title, to change (`--no-title` empties it: no room is kept).
    pub fn title_mut(&mut self) -> &mut String {
        match self {
            Figure::Line(c) => &mut c.labels.title,
            Figure::Bars(b) => &mut b.title,
            Figure::Scatter(s) => &mut s.labels.title,
            Figure::Heatmap(h) => &mut h.labels.title,
            Figure::Simplex(s) => &mut s.title,
            Figure::Panels(p) => &mut p.title,
        }
    }

    /// Whether the legend goes below the plot at any width: heatmaps with
    /// named rows need the width for their names.
    pub fn legend_below(&self) -> bool {
        matches!(self, Figure::Heatmap(h) if !h.y_names.is_empty())
    }

    /// The legend entries, one per labelled element, in drawing order.
    pub fn legend(&self) -> Vec<LegendEntry> {
        let mut out = Vec::new();
        match self {
            Figure::Line(c) => {
                line_entries(&mut out, &c.lines);
                for b in &c.bands {
                    if !b.label.is_empty() {
                        out.push(LegendEntry {
                            label: b.label.clone(),
                            color: b.color,
                            kind: LegendKind::Patch(b.opacity),
                        });
                    }
                }
                marks(&mut out, &c.points);
            }
            Figure::Bars(b) => {
                if b.series.len() > 1 {
                    for s in &b.series {
                        out.push(LegendEntry {
                            label: s.label.clone(),
                            color: s.color,
                            kind: LegendKind::Patch(s.opacity),
                        });
                    }
                }
            }
            Figure::Scatter(s) => {
                for p in s.points.iter().filter(|p| !p.label.is_empty()) {
                    out.push(LegendEntry {
                        label: p.label.clone(),
                        color: p.color,
                        kind: LegendKind::Marker(p.marker),
                    });
                }
            }
            Figure::Heatmap(h) => {
                line_entries(&mut out, &h.overlays);
                out.extend(h.text_legend.iter().cloned());
                if let Some(z) = &h.zone {
                    out.push(LegendEntry {
                        label: z.label.clone(),
                        color: z.color,
                        kind: LegendKind::Hatch,
                    });
                }
            }
            Figure::Simplex(s) => {
                for p in s.paths.iter().filter(|p| !p.label.is_empty()) {
                    out.push(LegendEntry {
                        label: p.label.clone(),
                        color: p.color,
                        kind: LegendKind::Line(Dash::Solid, p.width),
                    });
                }
                for m in s.marks.iter().filter(|m| !m.label.is_empty()) {
                    out.push(LegendEntry {
                        label: m.label.clone(),
                        color: m.color,
                        kind: LegendKind::marker(m.marker, m.hollow),
                    });
                }
            }
            Figure::Panels(p) => out.extend(p.legend.iter().cloned()),
        }
        out
    }
}

/// Legend entries of labelled lines.
fn line_entries(out: &mut Vec<LegendEntry>, lines: &[Line]) {
    for l in lines.iter().filter(|l| !l.label.is_empty()) {
        out.push(LegendEntry {
            label: l.label.clone(),
            color: l.color,
            kind: LegendKind::Line(l.dash, l.width),
        });
    }
}

/// Legend entries of labelled points, once per label.
fn marks(out: &mut Vec<LegendEntry>, points: &[Point]) {
    for p in points.iter().filter(|p| !p.label.is_empty()) {
        if out.iter().any(|e| e.label == p.label) {
            continue;
        }
        out.push(LegendEntry {
            label: p.label.clone(),
            color: p.color,
            kind: LegendKind::marker(p.marker, p.hollow),
        });
    }
}
