//! Where a figure's legend entries go, so that a long legend (a comparison
//! of fourteen scenarios at a column's 3.5 x 2.6 in) stays inside the
//! figure and no entry runs into another.
//!
//! Beside the plot the legend is one column (the renderer puts it below
//! when a label is too wide for that column). Below it, entries fill as many
//! columns as their whole labels allow, column by column ([`columns`]). When
//! that is taller than the room the plot leaves, or a label is wider than
//! the legend, the columns are made equal
//! and the labels wrapped to fit them, breaking at spaces, `-`, `_`, `.` and
//! case changes ([`super::text::wrap`]); the number of columns is the one
//! that makes the legend lowest. A label's further lines are
//! [`LINE`] points apart: 8 pt text, 1 em boxes, 2 pt between them.

use super::text::{self, LABEL_PT};

/// Height of a legend row of one line, points.
pub const ROW: f64 = 12.0;
/// Length of a legend's swatch, points.
pub const SWATCH: f64 = 16.0;
/// Distance between the lines of a wrapped label, and the height of an
/// entry per line in a wrapped legend, points.
pub const LINE: f64 = 10.0;
/// Room around a wrapped legend's entries (top and bottom), points.
const PAD: f64 = 8.0;

/// One entry: its column, the centre of its first line (points below the
/// legend's first row) and its label's lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub column: usize,
    pub y: f64,
    pub lines: Vec<String>,
}

/// Where each entry goes.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Where the columns start, points from the legend's left.
    pub columns: Vec<f64>,
    pub entries: Vec<Placed>,
    /// The legend's height below its first row's centre plus [`PAD`].
    pub height: f64,
}

/// Width of an entry: a swatch, a gap, the label and room to the next.
fn entry_width(label_pt: f64) -> f64 {
    SWATCH + 4.0 + label_pt + 7.0
}

/// One column of whole labels, a row each (beside the plot).
pub fn beside(labels: &[&str]) -> Layout {
    grid(labels, &[0.0], ROW)
}

/// The legend below a plot `width` points wide, at most `max_height`
/// points tall if it can be (see the module's documentation).
pub fn below(labels: &[&str], width: f64, max_height: f64) -> Layout {
    let widths: Vec<f64> = labels
        .iter()
        .map(|l| entry_width(text::width_pt(l, LABEL_PT, false)))
        .collect();
    let whole = grid(labels, &columns(&widths, width), ROW);
    // A label wider than the legend is wrapped whatever the height.
    let too_wide = widths.iter().any(|&w| w > width);
    if (whole.height <= max_height && !too_wide) || labels.is_empty() {
        return whole;
    }
    let mut best = if too_wide {
        Layout {
            height: f64::INFINITY,
            ..whole.clone()
        }
    } else {
        whole.clone()
    };
    for n in 1..=labels.len() {
        let column = width / n as f64;
        let room = column - entry_width(0.0);
        if room < 24.0 {
            break;
        }
        let wrapped: Vec<Vec<String>> = labels
            .iter()
            .map(|l| text::wrap(l, room, LABEL_PT, false))
            .collect();
        if !wrapped.iter().all(|w| text::fits(w, room, LABEL_PT, false)) {
            continue;
        }
        let lines: Vec<usize> = wrapped.iter().map(Vec::len).collect();
        let starts: Vec<f64> = (0..n).map(|k| k as f64 * column).collect();
        if let Some(layout) = packed(&wrapped, &lines, &starts) {
            if layout.height < best.height {
                best = layout;
            }
        }
    }
    if best.height.is_finite() { best } else { whole }
}

/// Entries of `lines[i]` lines each, [`LINE`] points a line, filled column
/// by column into `starts.len()` columns as evenly as order allows.
fn packed(labels: &[Vec<String>], lines: &[usize], starts: &[f64]) -> Option<Layout> {
    let total: usize = lines.iter().sum();
    let tallest = lines.iter().copied().max().unwrap_or(1);
    // The fewest lines per column that take every entry in order.
    let per_column = (total.div_ceil(starts.len()).max(tallest)..=total).find(|&cap| {
        let mut used = 1;
        let mut filled = 0;
        for &l in lines {
            if filled + l > cap {
                used += 1;
                filled = 0;
            }
            filled += l;
        }
        used <= starts.len()
    })?;
    let mut entries = Vec::with_capacity(lines.len());
    let (mut column, mut filled) = (0, 0);
    for (label, &l) in labels.iter().zip(lines) {
        if filled + l > per_column {
            column += 1;
            filled = 0;
        }
        entries.push(Placed {
            column,
            y: filled as f64 * LINE,
            lines: label.clone(),
        });
        filled += l;
    }
    Some(Layout {
        columns: starts[..=column].to_vec(),
        entries,
        height: (per_column - 1) as f64 * LINE + 2.0 * PAD,
    })
}

/// Whole labels in the columns starting at `starts`, filled column by
/// column, entries of one line `row` points apart.
fn grid(labels: &[&str], starts: &[f64], row: f64) -> Layout {
    let rows = labels.len().div_ceil(starts.len().max(1)).max(1);
    Layout {
        columns: starts.to_vec(),
        entries: labels
            .iter()
            .enumerate()
            .map(|(k, l)| Placed {
                column: k / rows,
                y: (k % rows) as f64 * row,
                lines: vec![l.to_string()],
            })
            .collect(),
        height: rows as f64 * row + PAD,
    }
}

/// Where the columns of a legend start (points from its left), filled
/// column by column: as many columns as fit `width` points, each as wide
/// as its widest entry.
pub fn columns(entries: &[f64], width: f64) -> Vec<f64> {
    for n in (2..=entries.len()).rev() {
        let rows = entries.len().div_ceil(n);
        if entries.len().div_ceil(rows) < n {
            continue; // the same rows with fewer columns
        }
        let widths: Vec<f64> = entries
            .chunks(rows)
            .map(|c| c.iter().copied().fold(0.0, f64::max))
            .collect();
        if widths.iter().sum::<f64>() <= width {
            return widths
                .iter()
                .scan(0.0, |x, w| {
                    let at = *x;
                    *x += w;
                    Some(at)
                })
                .collect();
        }
    }
    vec![0.0]
}

#[cfg(test)]
mod tests {
    use super::*;

    const FOURTEEN: [&str; 14] = [
        "conditional-pause-defector",
        "conditional-pause",
        "fuzzy-red-lines",
        "lone-2026",
        "lone-pause",
        "match-commitment",
        "pause-2023",
        "race",
        "regulation-all",
        "regulation",
        "roadmaps-and-reports-6",
        "roadmaps-and-reports",
        "rsp-2026",
        "transparency-every-3",
    ];

    /// Every line's box: (left, top, right, bottom) in points.
    fn boxes(l: &Layout) -> Vec<(f64, f64, f64, f64)> {
        let mut out = Vec::new();
        for e in &l.entries {
            for (k, line) in e.lines.iter().enumerate() {
                let x = l.columns[e.column] + SWATCH + 4.0;
                let y = e.y + k as f64 * LINE;
                let w = text::width_pt(line, LABEL_PT, false);
                out.push((x, y - LABEL_PT / 2.0, x + w, y + LABEL_PT / 2.0));
            }
        }
        out
    }

    #[test]
    fn fourteen_scenarios_fit_a_column_wide_figure_without_overlap() {
        // A 3.5 x 2.6 in figure: 248 pt for the legend, at most 3/5 of the
        // ~165 pt under the title.
        let (width, room) = (248.0, 99.0);
        let whole = below(&FOURTEEN, width, f64::INFINITY);
        assert!(whole.height > room, "whole labels need {} pt", whole.height);
        let l = below(&FOURTEEN, width, room);
        assert!(l.height <= room, "{} pt: {l:?}", l.height);
        let b = boxes(&l);
        for (i, a) in b.iter().enumerate() {
            assert!(a.2 <= width + 0.01 && a.0 >= 0.0, "{a:?} leaves the legend");
            for c in &b[i + 1..] {
                let apart = a.2 <= c.0 || c.2 <= a.0 || a.3 <= c.1 || c.3 <= a.1;
                assert!(apart, "{a:?} and {c:?} overlap");
            }
        }
        // Nothing is lost: the lines of each label join back into it.
        for (e, name) in l.entries.iter().zip(FOURTEEN) {
            assert_eq!(e.lines.concat(), name);
        }
    }

    /// Regression: one label wider than the legend (the PRIM figure's
    /// "chosen box, pruned (3 unknowns restricted)" in a narrow legend)
    /// was kept whole and ran off the figure, as the legend was low enough.
    #[test]
    fn a_label_wider_than_the_legend_wraps_inside_it() {
        let labels = [
            "peeling trajectory",
            "chosen box, pruned (3 unknowns restricted)",
        ];
        let width = 120.0;
        let l = below(&labels, width, 200.0);
        for b in boxes(&l) {
            assert!(
                b.2 <= width + 0.01,
                "{b:?} leaves the {width} pt legend: {l:?}"
            );
        }
        assert!(l.entries[1].lines.len() > 1, "{l:?}");
        for (e, name) in l.entries.iter().zip(labels) {
            assert_eq!(e.lines.join(" ").replace("  ", " "), name);
        }
    }

    #[test]
    fn a_legend_that_fits_keeps_whole_labels_in_rows() {
        let l = below(&["race", "pause-2023", "rsp-2026"], 248.0, 99.0);
        assert_eq!(l.height, ROW + 8.0);
        assert!(l.entries.iter().all(|e| e.lines.len() == 1 && e.y == 0.0));
    }
}
