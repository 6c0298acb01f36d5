//! Grouped bars with interval whiskers, and category names under them
//! that wrap at any boundary or turn to read upwards.

use super::*;

/// Category names under bars: horizontal lines, or names turned to read
/// upwards (in as many lines side by side as the slot holds) when a name
/// cannot break to fit its slot.
pub(super) enum CategoryLabels {
    Across(Vec<Vec<String>>),
    Up(Vec<Vec<String>>),
}

/// Height of a line of tick-size text, points.
pub(super) const TICK_LINE: f64 = TICK_PT * 1.2;

impl CategoryLabels {
    /// The names laid out in slots `slot` points wide, under a plot whose
    /// whole area is `height` points tall.
    pub(super) fn plan(names: &[String], slot: f64, height: f64) -> CategoryLabels {
        let wrapped: Vec<Vec<String>> = names
            .iter()
            .map(|n| text::wrap(n, slot - 3.0, TICK_PT, false))
            .collect();
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        if wrapped
            .iter()
            .all(|l| text::fits(l, slot - 3.0, TICK_PT, false))
            && lines <= 3
        {
            return CategoryLabels::Across(wrapped);
        }
        // Turned names may take 45% of the height, in as many lines as the
        // slot holds; what does not fit is cut with an ellipsis.
        let room = (height * 0.45).max(24.0);
        let most = (((slot - 2.0) / TICK_LINE).floor() as usize).max(1);
        let up = names
            .iter()
            .map(|n| {
                let mut lines = text::wrap(n, room, TICK_PT, false);
                let cut = lines.len() > most || !text::fits(&lines, room, TICK_PT, false);
                lines.truncate(most);
                if cut {
                    for line in &mut lines {
                        if text::width_pt(line, TICK_PT, false) > room {
                            *line = ellipsis(line, room);
                        }
                    }
                    if let Some(last) = lines.last_mut() {
                        if !last.ends_with('…') {
                            *last = ellipsis(&format!("{last}…"), room);
                        }
                    }
                }
                lines
            })
            .collect();
        CategoryLabels::Up(up)
    }

    /// Points under the axis the names take (with the gap to the axis).
    pub(super) fn height(&self) -> f64 {
        match self {
            CategoryLabels::Across(lines) => {
                let n = lines.iter().map(Vec::len).max().unwrap_or(1) as f64;
                TICK_GAP + n * TICK_LINE + 2.0
            }
            CategoryLabels::Up(names) => {
                TICK_GAP
                    + text::widest_pt(names.iter().flatten().map(String::as_str), TICK_PT, false)
                    + 2.0
            }
        }
    }

    /// Draws the `i`-th name centred on `x` pixels, from `y` pixels down.
    pub(super) fn draw<DB: Backend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        i: usize,
        (x, y): (i32, i32),
        pt: Pt,
    ) -> Result {
        use plotters::style::text_anchor::{HPos, Pos, VPos};
        match self {
            CategoryLabels::Across(lines) => {
                let style = font(pt, TICK_PT)
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Center, VPos::Top));
                for (k, line) in lines[i].iter().enumerate() {
                    let at = (x, y + (k as f64 * TICK_LINE * pt) as i32);
                    area.draw_text(line, &style, at)?;
                }
            }
            CategoryLabels::Up(names) => {
                let style = font(pt, TICK_PT)
                    .transform(FontTransform::Rotate270)
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Right, VPos::Center));
                let n = names[i].len() as f64;
                for (k, line) in names[i].iter().enumerate() {
                    let dx = (k as f64 - (n - 1.0) / 2.0) * TICK_LINE * pt;
                    area.draw_text(line, &style, (x + dx as i32, y))?;
                }
            }
        }
        Ok(())
    }
}

/// `text` cut to at most `room` points at the tick size, ending in '…'.
pub(super) fn ellipsis(text: &str, room: f64) -> String {
    let mut cut: String = text.trim_end_matches('…').to_string();
    while !cut.is_empty() && text::width_pt(&format!("{cut}…"), TICK_PT, false) > room {
        cut.pop();
    }
    format!("{cut}…")
}

pub(super) fn draw_bars<DB: Backend>(area: &DrawingArea<DB, Shift>, b: &Bars, pt: Pt) -> Result {
    let groups = b.groups.len().max(1) as f64;
    let per_group = b.series.len().max(1) as f64;
    let y_max = b.y_max;
    let (width, height) = dims(area, pt);
    let plan = |below: f64| {
        let mut axes = Axes::plan(
            width,
            height,
            (0.0, groups),
            (0.0, y_max),
            &|_| String::new(),
            &|y| style::tick(y),
            (0, 12),
            ("", &b.y_label),
            MARGIN,
            below,
        );
        axes.right = MARGIN;
        axes
    };
    let first = plan(TICK_GAP + TICK_PT);
    let slot = (width - first.y_area - first.right - 2.0) / groups;
    let labels = CategoryLabels::plan(&b.groups, slot, height);
    // The plot is shorter by the names' height: plan again.
    let axes = plan(labels.height());
    let mut chart = axes
        .builder(area, pt)
        .build_cartesian_2d(0.0..groups, 0.0..y_max)?;
    let mut mesh = chart.configure_mesh();
    style_mesh(&mut mesh, &axes, pt);
    mesh.disable_x_mesh()
        .x_labels(0)
        .y_label_formatter(&|y| style::tick(*y))
        .draw()?;
    axes.draw_descs(area, &chart, pt)?;
    let width = 0.8 / per_group;
    for (s, series) in b.series.iter().enumerate() {
        for (g, value) in series.values.iter().enumerate() {
            let Some(v) = value else { continue };
            let x0 = g as f64 + 0.1 + s as f64 * width;
            let x1 = x0 + width * 0.9;
            let color = series.bar_colors.get(g).copied().unwrap_or(series.color);
            let top = v.mean.max(0.0);
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x0, 0.0), (x1, top)],
                rgb(color).mix(series.opacity).filled(),
            )))?;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x0, 0.0), (x1, top)],
                line_style(color, 0.8, pt),
            )))?;
            if v.ci_high > v.ci_low {
                // Error bar: a vertical line with caps a third of the bar wide.
                let mid = (x0 + x1) / 2.0;
                let cap = (x1 - x0) / 6.0;
                let style = line_style(style::BLACK, 1.0, pt);
                for segment in [
                    [(mid, v.ci_low), (mid, v.ci_high)],
                    [(mid - cap, v.ci_low), (mid + cap, v.ci_low)],
                    [(mid - cap, v.ci_high), (mid + cap, v.ci_high)],
                ] {
                    chart
                        .draw_series(std::iter::once(PathElement::new(segment.to_vec(), style)))?;
                }
            }
        }
    }
    // Category names under the axis, in their slots.
    let (_, y_px) = local(area, chart.backend_coord(&(0.0, 0.0)));
    let below = y_px + (TICK_GAP * pt) as i32;
    for g in 0..b.groups.len() {
        let (x_px, _) = local(area, chart.backend_coord(&(g as f64 + 0.5, 0.0)));
        labels.draw(area, g, (x_px, below), pt)?;
    }
    Ok(())
}
