//! Markers and points with error bars both ways, and the scatter charts
//! made of them: bars first, markers over every bar.

use super::*;

/// A marker centred at pixel `at`; hollow markers are an outline on white.
pub(super) fn draw_marker<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    at: (i32, i32),
    marker: usize,
    hollow: bool,
    color: Rgb,
    pt: Pt,
) -> Result {
    let fill = if hollow { Rgb(255, 255, 255) } else { color };
    draw_marker_as(area, at, marker, Some(fill), hollow, color, pt)
}

/// A marker centred at pixel `at`, filled with `fill` (none: see-through)
/// and outlined in `color` when `edge`.
pub(super) fn draw_marker_as<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    at: (i32, i32),
    marker: usize,
    fill: Option<Rgb>,
    edge: bool,
    color: Rgb,
    pt: Pt,
) -> Result {
    let size = (4.0 * pt) as i32;
    let outline = line_style(color, 1.5, pt);
    match style::marker(marker) {
        style::Marker::Circle => {
            if let Some(f) = fill {
                area.draw(&Circle::new(at, size, rgb(f).filled()))?;
            }
            if edge {
                area.draw(&Circle::new(at, size, outline))?;
            }
        }
        style::Marker::Square => {
            let corners = [(at.0 - size, at.1 - size), (at.0 + size, at.1 + size)];
            if let Some(f) = fill {
                area.draw(&Rectangle::new(corners, rgb(f).filled()))?;
            }
            if edge {
                area.draw(&Rectangle::new(corners, outline))?;
            }
        }
        style::Marker::Triangle => {
            let r = (size + 1) as f64;
            let corners: Vec<(i32, i32)> = [90.0f64, 210.0, 330.0]
                .iter()
                .map(|a| {
                    let a = a.to_radians();
                    (
                        at.0 + (r * a.cos()).round() as i32,
                        at.1 - (r * a.sin()).round() as i32,
                    )
                })
                .collect();
            if let Some(f) = fill {
                area.draw(&Polygon::new(corners.clone(), rgb(f).filled()))?;
            }
            if edge {
                let mut closed = corners;
                closed.push(closed[0]);
                area.draw(&PathElement::new(closed, outline))?;
            }
        }
        style::Marker::Cross => {
            area.draw(&Cross::new(at, size, line_style(color, 2.0, pt)))?;
        }
        style::Marker::Diamond => {
            if let Some(f) = fill {
                area.draw(&Polygon::new(diamond(at, size), rgb(f).filled()))?;
            }
            if edge {
                let mut edge = diamond(at, size);
                edge.push(edge[0]);
                area.draw(&PathElement::new(edge, outline))?;
            }
        }
    }
    Ok(())
}

/// Marked points with their error bars: every error bar first, then every
/// marker over them, so no bar hides a marker's shape. A point whose marker
/// would cover an earlier one's (centres closer than a marker's width) is
/// drawn as an outline only, so both show.
pub(super) fn draw_points<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    chart: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    points: &[Point],
    pt: Pt,
) -> Result {
    let shown: Vec<&Point> = points
        .iter()
        .filter(|p| p.x.is_finite() && p.y.is_finite())
        .collect();
    // Bars as plain lines with caps (plotters' ErrorBar also draws a
    // circle at the centre, which would show through other shapes).
    let cap = 3.0 * pt;
    for p in &shown {
        let style = line_style(p.color, 1.2, pt);
        let at = |x: f64, y: f64| local(area, chart.backend_coord(&(x, y)));
        let mut segments: Vec<[(i32, i32); 2]> = Vec::new();
        if p.y_high > p.y_low {
            let (lo, hi) = (at(p.x, p.y_low), at(p.x, p.y_high));
            let c = cap as i32;
            segments.push([lo, hi]);
            segments.push([(lo.0 - c, lo.1), (lo.0 + c, lo.1)]);
            segments.push([(hi.0 - c, hi.1), (hi.0 + c, hi.1)]);
        }
        if p.x_high > p.x_low {
            let (lo, hi) = (at(p.x_low, p.y), at(p.x_high, p.y));
            let c = cap as i32;
            segments.push([lo, hi]);
            segments.push([(lo.0, lo.1 - c), (lo.0, lo.1 + c)]);
            segments.push([(hi.0, hi.1 - c), (hi.0, hi.1 + c)]);
        }
        for segment in segments {
            area.draw(&PathElement::new(segment.to_vec(), style))?;
        }
    }
    let near = 8.0 * pt;
    let mut drawn: Vec<(i32, i32)> = Vec::new();
    for p in &shown {
        let at = local(area, chart.backend_coord(&(p.x, p.y)));
        let covers = drawn.iter().any(|&(x, y)| {
            (((x - at.0) as f64).powi(2) + ((y - at.1) as f64).powi(2)).sqrt() < near
        });
        if covers && !p.hollow {
            draw_marker_as(area, at, p.marker, None, true, p.color, pt)?;
        } else {
            draw_marker(area, at, p.marker, p.hollow, p.color, pt)?;
        }
        drawn.push(at);
    }
    Ok(())
}

/// The corners of a diamond marker of half-width `size + 1` around `at`.
pub(super) fn diamond(at: (i32, i32), size: i32) -> Vec<(i32, i32)> {
    let r = size + 1;
    vec![
        (at.0, at.1 - r),
        (at.0 + r, at.1),
        (at.0, at.1 + r),
        (at.0 - r, at.1),
    ]
}

pub(super) fn draw_scatter<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    s: &Scatter,
    pt: Pt,
) -> Result {
    let (width, height) = dims(area, pt);
    let axes = Axes::plan(
        width,
        height,
        s.x_range,
        s.y_range,
        &|x| style::tick(x),
        &|y| style::tick(y),
        (12, 12),
        (&s.labels.x_label, &s.labels.y_label),
        MARGIN,
        TICK_GAP + TICK_PT,
    );
    let mut chart = axes
        .builder(area, pt)
        .build_cartesian_2d(s.x_range.0..s.x_range.1, s.y_range.0..s.y_range.1)?;
    let mut mesh = chart.configure_mesh();
    style_mesh(&mut mesh, &axes, pt);
    mesh.x_label_formatter(&|x| style::tick(*x))
        .y_label_formatter(&|y| style::tick(*y))
        .draw()?;
    axes.draw_descs(area, &chart, pt)?;
    draw_points(area, &mut chart, &s.points, pt)?;
    Ok(())
}
