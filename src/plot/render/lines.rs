//! Line charts (lines, bands, marked points) and small multiples of them
//! in panels sharing their axis titles and legend.

use super::*;

/// Adds a polyline in its dash pattern.
pub(super) fn add_line<DB: Backend>(
    chart: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    line: &Line,
    pt: Pt,
) -> Result {
    let style = line_style(line.color, line.width, pt);
    let points = line
        .points
        .iter()
        .copied()
        .filter(|(x, y)| x.is_finite() && y.is_finite());
    match line.dash.pattern() {
        None => {
            chart.draw_series(LineSeries::new(points, style))?;
        }
        Some((on, off)) => {
            chart.draw_series(DashedLineSeries::new(
                points,
                (on * pt) as u32,
                (off * pt) as u32,
                style,
            ))?;
        }
    }
    Ok(())
}

/// How a line chart sits in its area: alone, or as one of several panels.
pub(super) struct LineLayout<'a> {
    pub(super) x_desc: bool,
    pub(super) y_desc: bool,
    /// A panel's title, above its plot.
    pub(super) caption: Option<&'a str>,
    /// At most this many ticks on either axis (as many as fit otherwise).
    pub(super) ticks: usize,
}

pub(super) const ALONE: LineLayout<'static> = LineLayout {
    x_desc: true,
    y_desc: true,
    caption: None,
    ticks: 12,
};

pub(super) fn draw_lines<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    c: &LineChart,
    pt: Pt,
) -> Result {
    draw_line_chart(area, c, pt, &ALONE)
}

/// A tick label of a log axis at `log10(x)`: the power of ten, or nothing
/// between powers.
pub(super) fn log_tick(t: f64) -> String {
    if (t - t.round()).abs() < 1e-9 {
        let x = 10f64.powi(t.round() as i32);
        if x >= 1.0 {
            format!("{x:.0}")
        } else {
            format!("{x}")
        }
    } else {
        String::new()
    }
}

pub(super) fn draw_line_chart<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    c: &LineChart,
    pt: Pt,
    layout: &LineLayout,
) -> Result {
    // A log axis draws log10(x) on a linear axis, with ticks at powers of ten.
    let tx = |x: f64| if c.x_log { x.log10() } else { x };
    let x_range = (tx(c.x_range.0), tx(c.x_range.1));
    let x_fmt = |x: f64| {
        if c.x_log { log_tick(x) } else { style::tick(x) }
    };
    let x_want = if c.x_log {
        ((x_range.1.floor() - x_range.0.ceil()) as usize + 1).clamp(2, layout.ticks)
    } else if c.x_ticks > 0 {
        c.x_ticks
    } else {
        layout.ticks
    };
    let caption_height = match layout.caption {
        Some(_) => 3.0 + LABEL_PT + 2.0 + TICK_PT / 2.0 + 1.0,
        None => MARGIN,
    };
    let (width, height) = dims(area, pt);
    let axes = Axes::plan(
        width,
        height,
        x_range,
        c.y_range,
        &x_fmt,
        &|y| style::tick(y),
        (x_want, layout.ticks),
        (
            if layout.x_desc { &c.labels.x_label } else { "" },
            if layout.y_desc { &c.labels.y_label } else { "" },
        ),
        caption_height,
        TICK_GAP + TICK_PT,
    );
    let mut chart = axes
        .builder(area, pt)
        .build_cartesian_2d(x_range.0..x_range.1, c.y_range.0..c.y_range.1)?;
    if let Some(caption) = layout.caption {
        // Centred over the plot, clear of the top tick label.
        let (left, _) = local(area, chart.backend_coord(&(x_range.0, c.y_range.1)));
        let (right, _) = local(area, chart.backend_coord(&(x_range.1, c.y_range.1)));
        let style = font(pt, LABEL_PT)
            .color(&BLACK)
            .pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Center,
                plotters::style::text_anchor::VPos::Top,
            ));
        area.draw_text(caption, &style, ((left + right) / 2, (3.0 * pt) as i32))?;
    }
    let x_fmt_ref = |x: &f64| x_fmt(*x);
    let mut mesh = chart.configure_mesh();
    style_mesh(&mut mesh, &axes, pt);
    mesh.y_label_formatter(&|y| style::tick(*y))
        .x_label_formatter(&x_fmt_ref)
        .draw()?;
    axes.draw_descs(area, &chart, pt)?;
    let map = |points: &[(f64, f64)]| -> Vec<(f64, f64)> {
        points.iter().map(|&(x, y)| (tx(x), y)).collect()
    };
    for band in &c.bands {
        let (upper, lower) = if c.x_log {
            (map(&band.upper), map(&band.lower))
        } else {
            (band.upper.clone(), band.lower.clone())
        };
        let mut polygon: Vec<(f64, f64)> = upper
            .iter()
            .copied()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .collect();
        polygon.extend(
            lower
                .iter()
                .rev()
                .copied()
                .filter(|(x, y)| x.is_finite() && y.is_finite()),
        );
        let fill = rgb(band.color).mix(band.opacity).filled();
        chart.draw_series(std::iter::once(Polygon::new(polygon, fill)))?;
    }
    for line in &c.lines {
        if c.x_log {
            let mapped = Line {
                points: map(&line.points),
                ..line.clone()
            };
            add_line(&mut chart, &mapped, pt)?;
        } else {
            add_line(&mut chart, line, pt)?;
        }
    }
    let points: Vec<Point> = c
        .points
        .iter()
        .map(|p| Point {
            x: tx(p.x),
            x_low: tx(p.x_low),
            x_high: tx(p.x_high),
            ..p.clone()
        })
        .collect();
    draw_points(area, &mut chart, &points, pt)?;
    Ok(())
}

/// Small multiples: a grid of line charts under one title and legend;
/// only the bottom row names the x axis and only the left column the y axis.
pub(super) fn draw_panels<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    p: &Panels,
    pt: Pt,
) -> Result {
    let columns = p.columns.clamp(1, p.panels.len().max(1));
    let rows = p.panels.len().div_ceil(columns).max(1);
    let (w, h) = area.dim_in_pixel();
    // Room for the shared axis titles, then equal cells.
    let desc = ((LABEL_PT + 6.0) * pt) as u32;
    let (left, rest) = area.split_horizontally(desc.min(w / 4));
    let (grid, bottom) = rest.split_vertically(h.saturating_sub(desc.min(h / 4)));
    let cells = grid.split_evenly((rows, columns));
    for (k, chart) in p.panels.iter().enumerate() {
        let layout = LineLayout {
            x_desc: false,
            y_desc: false,
            caption: Some(&chart.labels.title),
            ticks: 6,
        };
        draw_line_chart(&cells[k], chart, pt, &layout)?;
    }
    if let Some(first) = p.panels.first() {
        let text = font(pt, LABEL_PT).color(&BLACK);
        let (gw, _) = bottom.dim_in_pixel();
        bottom.draw_text(
            &first.labels.x_label,
            &text.pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Center,
                plotters::style::text_anchor::VPos::Center,
            )),
            (gw as i32 / 2, (desc / 2) as i32),
        )?;
        let (_, lh) = left.dim_in_pixel();
        let vertical = font(pt, LABEL_PT)
            .transform(FontTransform::Rotate270)
            .color(&BLACK)
            .pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Center,
                plotters::style::text_anchor::VPos::Center,
            ));
        left.draw_text(
            &first.labels.y_label,
            &vertical,
            ((desc / 2) as i32, lh as i32 / 2),
        )?;
    }
    Ok(())
}
