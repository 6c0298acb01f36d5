//! Draws a [`Figure`] with plotters, to SVG or PNG from the same code.
//!
//! Sizes are physical: the figure is `width x height` inches, fonts and
//! lines are in points, and only the pixel density differs between formats
//! (96 px/in for SVG, `dpi` for PNG). The legend sits in a panel of its own
//! to the right of the plot, so it never covers data.

use super::figure::{
    Bars, Figure, Heatmap, LegendKind, Line, LineChart, Panels, Point, Scatter, Simplex,
};
use super::style::{self, Rgb};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::sync::Once;

/// Physical size and resolution of a figure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Size {
    /// Inches.
    pub width: f64,
    /// Inches.
    pub height: f64,
    /// PNG pixels per inch.
    pub dpi: f64,
}

impl Default for Size {
    fn default() -> Self {
        Size {
            width: 6.5,
            height: 4.0,
            dpi: 200.0,
        }
    }
}

/// Pixels per inch of SVG output (the CSS reference pixel).
pub const SVG_PPI: f64 = 96.0;

const BASE_FONT_PT: f64 = 10.0;

static FONTS: Once = Once::new();

/// Registers the embedded DejaVu fonts with plotters (no system fonts needed).
pub fn register_fonts() {
    FONTS.call_once(|| {
        let ok = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            dejavu::sans::regular(),
        )
        .is_ok()
            && plotters::style::register_font("sans-serif", FontStyle::Bold, dejavu::sans::bold())
                .is_ok();
        assert!(ok, "the embedded DejaVu fonts are valid TrueType");
    });
}

/// Pixel size of a figure at `ppi` pixels per inch.
pub fn pixels(size: &Size, ppi: f64) -> (u32, u32) {
    (
        (size.width * ppi).round().max(16.0) as u32,
        (size.height * ppi).round().max(16.0) as u32,
    )
}

/// The figure as SVG text.
pub fn svg(figure: &Figure, size: &Size) -> String {
    register_fonts();
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, pixels(size, SVG_PPI)).into_drawing_area();
        draw(&root, figure, SVG_PPI).expect("drawing into a string cannot fail");
        root.present().expect("drawing into a string cannot fail");
    }
    out.push('\n');
    out
}

/// The figure as PNG bytes.
pub fn png(figure: &Figure, size: &Size) -> Vec<u8> {
    register_fonts();
    let (w, h) = pixels(size, size.dpi);
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        draw(&root, figure, size.dpi).expect("drawing into a buffer cannot fail");
        root.present().expect("drawing into a buffer cannot fail");
    }
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_pixel_dims(Some(png::PixelDimensions {
            xppu: (size.dpi / 0.0254).round() as u32,
            yppu: (size.dpi / 0.0254).round() as u32,
            unit: png::Unit::Meter,
        }));
        let mut writer = encoder.write_header().expect("PNG header for a valid size");
        writer
            .write_image_data(&rgb)
            .expect("PNG data of the declared size");
    }
    bytes
}

type Result = std::result::Result<(), Box<dyn std::error::Error>>;

fn rgb(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

/// Draws on any backend at `ppi` pixels per inch.
///
/// Narrow figures (a journal column is about 3.5 in) are drawn at a
/// smaller scale, down to 8 pt text, with the legend below the plot.
fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, figure: &Figure, ppi: f64) -> Result
where
    DB::ErrorType: 'static,
{
    let width_in = root.dim_in_pixel().0 as f64 / ppi;
    let pt = ppi / 72.0 * ((6.0 + 0.6 * width_in) / 10.0).clamp(0.8, 1.0);
    // A legend too long for a column beside the plot goes below it, in as
    // many columns as fit (its entries are never cut off at the bottom).
    let legend_rows_beside = {
        let (_, h) = root.dim_in_pixel();
        ((h as f64 / pt - 34.0 - 30.0) / 14.0).floor().max(1.0) as usize
    };
    let legend = figure.legend();
    let legend_below = width_in < 5.0 || figure.legend_below() || legend.len() > legend_rows_beside;
    root.fill(&WHITE)?;
    // The title spans the whole figure, above the plot and the legend.
    let title = figure.title();
    let (w, _) = root.dim_in_pixel();
    let mut title_size = BASE_FONT_PT + 1.0;
    while title_size > 6.0
        && title.chars().count() as f64 * 0.58 * title_size * pt > w as f64 * 0.96
    {
        title_size -= 0.5;
    }
    let title_style = ("sans-serif", title_size * pt)
        .into_font()
        .style(FontStyle::Bold);
    let root = root
        .margin((5.0 * pt) as u32, 0, 0, 0)
        .titled(title, title_style)?;
    let (w, h) = root.dim_in_pixel();
    let longest = legend
        .iter()
        .map(|e| e.label.chars().count())
        .max()
        .unwrap_or(0) as f64;
    let entry_width = ((longest * 0.6 * (BASE_FONT_PT - 1.0) + 34.0) * pt).min(w as f64);
    // The legend's scale: below the plot, a legend that would take more
    // than half the figure is set smaller (down to 60%), in more columns.
    let mut legend_pt = pt;
    let (plot_area, legend_area, columns) = if legend.is_empty() {
        let (a, b) = root.split_horizontally(w);
        (a, b, 1)
    } else if legend_below {
        let fit = |scale: f64| {
            let columns =
                ((w as f64 / (entry_width * scale)).floor() as usize).clamp(1, legend.len());
            let rows = legend.len().div_ceil(columns);
            (columns, ((rows as f64 * 14.0 + 6.0) * pt * scale) as u32)
        };
        let mut scale = 1.0;
        while fit(scale).1 > h / 2 && scale > 0.6 {
            scale -= 0.05;
        }
        let (columns, height) = fit(scale);
        legend_pt = pt * scale;
        let (a, b) = root.split_vertically(h.saturating_sub(height.min(h / 2)));
        (a, b, columns)
    } else {
        let (a, b) = root.split_horizontally(w - (entry_width as u32).min(w * 2 / 5));
        (a, b, 1)
    };
    match figure {
        Figure::Line(chart) => draw_lines(&plot_area, chart, pt)?,
        Figure::Bars(bars) => draw_bars(&plot_area, bars, pt)?,
        Figure::Scatter(scatter) => draw_scatter(&plot_area, scatter, pt)?,
        Figure::Heatmap(heatmap) => draw_heatmap(&plot_area, heatmap, pt)?,
        Figure::Simplex(simplex) => draw_simplex(&plot_area, simplex, pt)?,
        Figure::Panels(panels) => draw_panels(&plot_area, panels, pt)?,
    }
    if !legend.is_empty() {
        let top = if legend_below { 8.0 } else { 34.0 };
        let column_width = (entry_width * legend_pt / pt) as i32;
        draw_legend(&legend_area, &legend, legend_pt, columns, column_width, top)?;
    }
    Ok(())
}

/// How many x ticks fit: about one per 55 points of width.
fn ticks<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, pt: f64) -> usize {
    ((area.dim_in_pixel().0 as f64 / pt / 55.0) as usize).clamp(3, 12)
}

fn font(pt: f64, size: f64) -> FontDesc<'static> {
    ("sans-serif", size * pt).into_font()
}

fn line_style(color: Rgb, width_pt: f64, pt: f64) -> ShapeStyle {
    ShapeStyle {
        color: rgb(color).to_rgba(),
        filled: false,
        stroke_width: (width_pt * pt).round().max(1.0) as u32,
    }
}

/// Adds a polyline in its dash pattern.
fn add_line<DB: DrawingBackend>(
    chart: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    line: &Line,
    pt: f64,
) -> Result
where
    DB::ErrorType: 'static,
{
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
struct LineLayout<'a> {
    /// Points.
    margin: f64,
    x_label_area: f64,
    y_label_area: f64,
    x_desc: bool,
    y_desc: bool,
    caption: Option<&'a str>,
    /// Tick labels, points.
    label_size: f64,
    /// At most this many y ticks (plotters' default otherwise).
    y_ticks: Option<usize>,
}

const ALONE: LineLayout<'static> = LineLayout {
    margin: 8.0,
    x_label_area: 30.0,
    y_label_area: 38.0,
    x_desc: true,
    y_desc: true,
    caption: None,
    label_size: BASE_FONT_PT - 1.0,
    y_ticks: None,
};

fn draw_lines<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, c: &LineChart, pt: f64) -> Result
where
    DB::ErrorType: 'static,
{
    draw_line_chart(area, c, pt, &ALONE)
}

/// A tick label of a log axis at `log10(x)`: the power of ten, or nothing
/// between powers.
fn log_tick(t: f64) -> String {
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

fn draw_line_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    c: &LineChart,
    pt: f64,
    layout: &LineLayout,
) -> Result
where
    DB::ErrorType: 'static,
{
    // A log axis draws log10(x) on a linear axis, with ticks at powers of ten.
    let tx = |x: f64| if c.x_log { x.log10() } else { x };
    let x_range = (tx(c.x_range.0), tx(c.x_range.1));
    let mut builder = ChartBuilder::on(area);
    builder
        .margin((layout.margin * pt) as u32)
        .x_label_area_size((layout.x_label_area * pt) as u32)
        .y_label_area_size((layout.y_label_area * pt) as u32);
    if let Some(caption) = layout.caption {
        builder.caption(caption, font(pt, BASE_FONT_PT - 1.0));
    }
    let mut chart = builder.build_cartesian_2d(x_range.0..x_range.1, c.y_range.0..c.y_range.1)?;
    let x_ticks = if c.x_log {
        ((x_range.1.floor() - x_range.0.ceil()) as usize + 1).clamp(2, ticks(area, pt))
    } else if c.x_ticks > 0 {
        // Denser than the default where the width allows: one per 20 points.
        c.x_ticks
            .min((area.dim_in_pixel().0 as f64 / pt / 20.0) as usize)
            .max(3)
    } else {
        ticks(area, pt)
    };
    let x_fmt = |x: &f64| {
        if c.x_log {
            log_tick(*x)
        } else {
            style::tick(*x)
        }
    };
    let mut mesh = chart.configure_mesh();
    mesh.x_labels(x_ticks);
    if let Some(n) = layout.y_ticks {
        mesh.y_labels(n);
    }
    if layout.x_desc {
        mesh.x_desc(&c.x_label);
    }
    if layout.y_desc {
        mesh.y_desc(&c.y_label);
    }
    mesh.label_style(font(pt, layout.label_size))
        .axis_desc_style(font(pt, BASE_FONT_PT))
        .light_line_style(TRANSPARENT)
        .bold_line_style(RGBColor(215, 215, 215))
        .y_label_formatter(&|y| style::tick(*y))
        .x_label_formatter(&x_fmt)
        .draw()?;
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
    for p in &c.points {
        let p = Point {
            x: tx(p.x),
            x_low: tx(p.x_low),
            x_high: tx(p.x_high),
            ..p.clone()
        };
        if !(p.x.is_finite() && p.y.is_finite()) {
            continue;
        }
        if p.y_high > p.y_low {
            chart.draw_series(std::iter::once(ErrorBar::new_vertical(
                p.x,
                p.y_low,
                p.y,
                p.y_high,
                line_style(p.color, 1.2, pt),
                (6.0 * pt) as u32,
            )))?;
        }
        if p.x_high > p.x_low {
            chart.draw_series(std::iter::once(ErrorBar::new_horizontal(
                p.y,
                p.x_low,
                p.x,
                p.x_high,
                line_style(p.color, 1.2, pt),
                (6.0 * pt) as u32,
            )))?;
        }
        let at = local(area, chart.backend_coord(&(p.x, p.y)));
        draw_marker(area, at, p.marker, p.hollow, p.color, pt)?;
    }
    Ok(())
}

/// A backend pixel (as a chart maps to) in `area`'s own pixels (as
/// `area.draw` takes).
fn local<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, (x, y): (i32, i32)) -> (i32, i32) {
    let (x0, y0) = area.get_base_pixel();
    (x - x0, y - y0)
}

/// A marker centred at pixel `at`; hollow markers are an outline on white.
fn draw_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    at: (i32, i32),
    marker: usize,
    hollow: bool,
    color: Rgb,
    pt: f64,
) -> Result
where
    DB::ErrorType: 'static,
{
    let size = (4.0 * pt) as i32;
    let fill: ShapeStyle = if hollow {
        WHITE.filled()
    } else {
        rgb(color).filled()
    };
    let outline = line_style(color, 1.5, pt);
    match style::marker(marker) {
        style::Marker::Circle => {
            area.draw(&Circle::new(at, size, fill))?;
            if hollow {
                area.draw(&Circle::new(at, size, outline))?;
            }
        }
        style::Marker::Square => {
            let corners = [(at.0 - size, at.1 - size), (at.0 + size, at.1 + size)];
            area.draw(&Rectangle::new(corners, fill))?;
            if hollow {
                area.draw(&Rectangle::new(corners, outline))?;
            }
        }
        style::Marker::Triangle => {
            area.draw(&TriangleMarker::new(at, size + 1, fill))?;
            if hollow {
                area.draw(&TriangleMarker::new(at, size + 1, outline))?;
            }
        }
        style::Marker::Cross => {
            area.draw(&Cross::new(at, size, line_style(color, 2.0, pt)))?;
        }
        style::Marker::Diamond => {
            area.draw(&Polygon::new(diamond(at, size), fill))?;
            if hollow {
                let mut edge = diamond(at, size);
                edge.push(edge[0]);
                area.draw(&PathElement::new(edge, outline))?;
            }
        }
    }
    Ok(())
}

/// The corners of a diamond marker of half-width `size + 1` around `at`.
fn diamond(at: (i32, i32), size: i32) -> Vec<(i32, i32)> {
    let r = size + 1;
    vec![
        (at.0, at.1 - r),
        (at.0 + r, at.1),
        (at.0, at.1 + r),
        (at.0 - r, at.1),
    ]
}

/// Small multiples: a grid of line charts under one title and legend;
/// only the bottom row names the x axis and only the left column the y axis.
fn draw_panels<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, p: &Panels, pt: f64) -> Result
where
    DB::ErrorType: 'static,
{
    let columns = p.columns.clamp(1, p.panels.len().max(1));
    let rows = p.panels.len().div_ceil(columns).max(1);
    let (w, h) = area.dim_in_pixel();
    // Room for the shared axis titles, then equal cells.
    let desc = (16.0 * pt) as u32;
    let (left, rest) = area.split_horizontally(desc.min(w / 4));
    let (grid, bottom) = rest.split_vertically(h.saturating_sub(desc.min(h / 4)));
    let cells = grid.split_evenly((rows, columns));
    // Short panels get fewer y ticks.
    let panel_height = cells.first().map_or(0, |c| c.dim_in_pixel().1) as f64 / pt;
    let y_ticks = if panel_height < 110.0 { 3 } else { 6 };
    for (k, chart) in p.panels.iter().enumerate() {
        let layout = LineLayout {
            margin: 7.0,
            x_label_area: 14.0,
            y_label_area: 24.0,
            x_desc: false,
            y_desc: false,
            caption: Some(&chart.title),
            label_size: BASE_FONT_PT - 2.0,
            y_ticks: Some(y_ticks),
        };
        draw_line_chart(&cells[k], chart, pt, &layout)?;
    }
    if let Some(first) = p.panels.first() {
        let text = font(pt, BASE_FONT_PT).color(&BLACK);
        let (gw, _) = bottom.dim_in_pixel();
        bottom.draw_text(
            &first.x_label,
            &text.pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Center,
                plotters::style::text_anchor::VPos::Center,
            )),
            (gw as i32 / 2, (desc / 2) as i32),
        )?;
        let (_, lh) = left.dim_in_pixel();
        let vertical = font(pt, BASE_FONT_PT)
            .transform(FontTransform::Rotate270)
            .color(&BLACK)
            .pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Center,
                plotters::style::text_anchor::VPos::Center,
            ));
        left.draw_text(
            &first.y_label,
            &vertical,
            ((desc / 2) as i32, lh as i32 / 2),
        )?;
    }
    Ok(())
}

/// The corners of the simplex in the plane: bottom left, bottom right, top.
const CORNERS: [(f64, f64); 3] = [(0.0, 0.0), (1.0, 0.0), (0.5, 0.866_025_403_784_438_6)];

fn project(x: &[f64; 3]) -> (f64, f64) {
    let total = x[0] + x[1] + x[2];
    let total = if total > 0.0 { total } else { 1.0 };
    (
        (x[0] * CORNERS[0].0 + x[1] * CORNERS[1].0 + x[2] * CORNERS[2].0) / total,
        (x[0] * CORNERS[0].1 + x[1] * CORNERS[1].1 + x[2] * CORNERS[2].1) / total,
    )
}

/// A ternary plot: the triangle with faint grid lines at frequencies 1/4,
/// 1/2 and 3/4 of each strategy, its corners named, paths with arrowheads
/// halfway along, and marks.
fn draw_simplex<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, s: &Simplex, pt: f64) -> Result
where
    DB::ErrorType: 'static,
{
    let (w, h) = area.dim_in_pixel();
    let label_font = font(pt, BASE_FONT_PT).style(FontStyle::Bold);
    let widths: Vec<f64> = s
        .corners
        .iter()
        .map(|c| {
            area.estimate_text_size(c, &label_font.clone().into_text_style(area))
                .map(|(w, _)| w as f64)
                .unwrap_or(0.0)
        })
        .collect();
    let line = (BASE_FONT_PT + 4.0) * pt;
    let margin = 6.0 * pt;
    // Pixels per unit, the same both ways, leaving room for the corner names
    // below the base (half their width beyond each bottom corner) and above the top.
    let side = (widths[0].max(widths[1]) / 2.0).max(margin);
    let scale = ((w as f64 - 2.0 * side - 2.0 * margin) / 1.0)
        .min((h as f64 - 2.0 * line - 2.0 * margin) / CORNERS[2].1)
        .max(1.0);
    let origin = (
        (w as f64 - scale) / 2.0,
        (h as f64 + CORNERS[2].1 * scale) / 2.0,
    );
    let px = |(x, y): (f64, f64)| -> (i32, i32) {
        (
            (origin.0 + x * scale).round() as i32,
            (origin.1 - y * scale).round() as i32,
        )
    };
    let grid = line_style(Rgb(215, 215, 215), 0.8, pt);
    for k in 0..3 {
        for level in [0.25, 0.5, 0.75] {
            let (a, b) = ((k + 1) % 3, (k + 2) % 3);
            let mut from = [0.0; 3];
            from[k] = level;
            from[a] = 1.0 - level;
            let mut to = [0.0; 3];
            to[k] = level;
            to[b] = 1.0 - level;
            area.draw(&PathElement::new(
                vec![px(project(&from)), px(project(&to))],
                grid,
            ))?;
        }
    }
    let mut edge: Vec<(i32, i32)> = CORNERS.iter().map(|&c| px(c)).collect();
    edge.push(px(CORNERS[0]));
    area.draw(&PathElement::new(edge, line_style(style::BLACK, 1.0, pt)))?;
    for path in &s.paths {
        let pixels: Vec<(i32, i32)> = path.points.iter().map(|x| px(project(x))).collect();
        area.draw(&PathElement::new(
            pixels.clone(),
            line_style(path.color, path.width, pt),
        ))?;
        if path.arrow {
            if let Some(head) = arrowhead(&path.points, scale, 4.5 * pt) {
                let corners: Vec<(i32, i32)> = head
                    .iter()
                    .map(|&(x, y)| ((origin.0 + x).round() as i32, (origin.1 - y).round() as i32))
                    .collect();
                area.draw(&Polygon::new(corners, rgb(path.color).filled()))?;
            }
        }
    }
    for m in &s.marks {
        draw_marker(area, px(project(&m.at)), m.marker, m.hollow, m.color, pt)?;
    }
    let anchor =
        |h| plotters::style::text_anchor::Pos::new(h, plotters::style::text_anchor::VPos::Center);
    use plotters::style::text_anchor::HPos;
    let text = label_font.color(&BLACK);
    let gap = (line / 2.0 + 2.0 * pt) as i32;
    let (x0, y0) = px(CORNERS[0]);
    let (x1, y1) = px(CORNERS[1]);
    let (x2, y2) = px(CORNERS[2]);
    area.draw_text(
        &s.corners[0],
        &text.pos(anchor(HPos::Center)),
        (x0, y0 + gap),
    )?;
    area.draw_text(
        &s.corners[1],
        &text.pos(anchor(HPos::Center)),
        (x1, y1 + gap),
    )?;
    area.draw_text(
        &s.corners[2],
        &text.pos(anchor(HPos::Center)),
        (x2, y2 - gap),
    )?;
    Ok(())
}

/// The corners (in pixels from the simplex's origin, y up) of an arrowhead
/// `size` pixels long halfway along a path, pointing along it.
fn arrowhead(points: &[[f64; 3]], scale: f64, size: f64) -> Option<[(f64, f64); 3]> {
    let plane: Vec<(f64, f64)> = points
        .iter()
        .map(|x| {
            let (a, b) = project(x);
            (a * scale, b * scale)
        })
        .collect();
    let lengths: Vec<f64> = plane
        .windows(2)
        .map(|w| ((w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2)).sqrt())
        .collect();
    let total: f64 = lengths.iter().sum();
    if total < 2.0 * size {
        return None;
    }
    let mut walked = 0.0;
    for (i, &l) in lengths.iter().enumerate() {
        if walked + l >= total / 2.0 && l > 0.0 {
            let f = (total / 2.0 - walked) / l;
            let (a, b) = (plane[i], plane[i + 1]);
            let tip = (a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f);
            let (dx, dy) = ((b.0 - a.0) / l, (b.1 - a.1) / l);
            let back = (tip.0 - dx * size, tip.1 - dy * size);
            let half = size * 0.45;
            return Some([
                (tip.0 + dx * size * 0.5, tip.1 + dy * size * 0.5),
                (back.0 - dy * half, back.1 + dx * half),
                (back.0 + dy * half, back.1 - dx * half),
            ]);
        }
        walked += l;
    }
    None
}

fn draw_bars<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, b: &Bars, pt: f64) -> Result
where
    DB::ErrorType: 'static,
{
    let groups = b.groups.len().max(1) as f64;
    let per_group = b.series.len().max(1) as f64;
    let y_max = b.y_max;
    let mut chart = ChartBuilder::on(area)
        .margin((8.0 * pt) as u32)
        .x_label_area_size((40.0 * pt) as u32)
        .y_label_area_size((38.0 * pt) as u32)
        .build_cartesian_2d(0.0..groups, 0.0..y_max)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_desc(&b.y_label)
        .label_style(font(pt, BASE_FONT_PT - 1.0))
        .axis_desc_style(font(pt, BASE_FONT_PT))
        .light_line_style(TRANSPARENT)
        .bold_line_style(RGBColor(215, 215, 215))
        .y_label_formatter(&|y| style::tick(*y))
        .draw()?;
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
    // Category labels under the axis, broken into words when they do not
    // fit; a word wider than its bar's slot (many labs, long names) sets
    // every label smaller, down to 6 pt, so that none runs into the next.
    let (_, y_px) = local(area, chart.backend_coord(&(0.0, 0.0)));
    let (left, _) = chart.backend_coord(&(0.0, 0.0));
    let (right, _) = chart.backend_coord(&(1.0, 0.0));
    let slot = (right - left) as f64;
    let char_width = 0.6 * (BASE_FONT_PT - 1.0) * pt;
    let labels: Vec<Vec<&str>> = b
        .groups
        .iter()
        .map(|name| {
            if name.chars().count() as f64 * char_width > slot * 0.95 {
                name.split(' ').collect()
            } else {
                vec![name.as_str()]
            }
        })
        .collect();
    let longest = labels
        .iter()
        .flatten()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(1) as f64;
    let size = (slot / (0.6 * longest * pt)).clamp(6.0, BASE_FONT_PT - 1.0);
    let style = font(pt, size)
        .color(&BLACK)
        .pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Center,
            plotters::style::text_anchor::VPos::Top,
        ));
    let line_height = ((size + 2.0) * pt) as i32;
    for (g, lines) in labels.iter().enumerate() {
        let (x_px, _) = local(area, chart.backend_coord(&(g as f64 + 0.5, 0.0)));
        for (k, line) in lines.iter().enumerate() {
            area.draw_text(
                line,
                &style,
                (x_px, y_px + (5.0 * pt) as i32 + k as i32 * line_height),
            )?;
        }
    }
    Ok(())
}

fn draw_scatter<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, s: &Scatter, pt: f64) -> Result
where
    DB::ErrorType: 'static,
{
    let mut chart = ChartBuilder::on(area)
        .margin((8.0 * pt) as u32)
        .x_label_area_size((30.0 * pt) as u32)
        .y_label_area_size((38.0 * pt) as u32)
        .build_cartesian_2d(s.x_range.0..s.x_range.1, s.y_range.0..s.y_range.1)?;
    chart
        .configure_mesh()
        .x_labels(ticks(area, pt))
        .x_desc(&s.x_label)
        .y_desc(&s.y_label)
        .label_style(font(pt, BASE_FONT_PT - 1.0))
        .axis_desc_style(font(pt, BASE_FONT_PT))
        .light_line_style(TRANSPARENT)
        .bold_line_style(RGBColor(215, 215, 215))
        .x_label_formatter(&|x| style::tick(*x))
        .y_label_formatter(&|y| style::tick(*y))
        .draw()?;
    for p in &s.points {
        let style = line_style(p.color, 1.2, pt);
        chart.draw_series(std::iter::once(ErrorBar::new_vertical(
            p.x,
            p.y_low,
            p.y,
            p.y_high,
            style,
            (6.0 * pt) as u32,
        )))?;
        chart.draw_series(std::iter::once(ErrorBar::new_horizontal(
            p.y,
            p.x_low,
            p.x,
            p.x_high,
            style,
            (6.0 * pt) as u32,
        )))?;
        let marker = style::marker(p.marker);
        let size = (4.0 * pt) as i32;
        let color = rgb(p.color);
        match marker {
            style::Marker::Circle => {
                chart.draw_series(std::iter::once(Circle::new(
                    (p.x, p.y),
                    size,
                    color.filled(),
                )))?;
            }
            style::Marker::Square => {
                let (px, py) = local(area, chart.backend_coord(&(p.x, p.y)));
                area.draw(&Rectangle::new(
                    [(px - size, py - size), (px + size, py + size)],
                    color.filled(),
                ))?;
            }
            style::Marker::Triangle => {
                chart.draw_series(std::iter::once(TriangleMarker::new(
                    (p.x, p.y),
                    size + 1,
                    color.filled(),
                )))?;
            }
            style::Marker::Cross => {
                chart.draw_series(std::iter::once(Cross::new(
                    (p.x, p.y),
                    size,
                    line_style(p.color, 2.0, pt),
                )))?;
            }
            style::Marker::Diamond => {
                let at = local(area, chart.backend_coord(&(p.x, p.y)));
                area.draw(&Polygon::new(diamond(at, size), color.filled()))?;
            }
        }
    }
    Ok(())
}

fn draw_heatmap<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, h: &Heatmap, pt: f64) -> Result
where
    DB::ErrorType: 'static,
{
    let (w, _) = area.dim_in_pixel();
    // The colour scale's column: its labels, the bar, and a margin to the
    // figure's right edge.
    let (main, scale_area) = area.split_horizontally(w - (80.0 * pt) as u32);
    let named = !h.x_names.is_empty() || !h.y_names.is_empty();
    let nx = h.x_values.len().max(h.x_names.len());
    let ny = h.y_values.len().max(h.y_names.len());
    let label_font = font(pt, BASE_FONT_PT - 1.0);
    // Named axes are sized to their longest name (column names may wrap
    // onto a second line).
    let text_width = |t: &str| {
        main.estimate_text_size(t, &label_font.clone().into_text_style(&main))
            .map(|(w, _)| w as f64)
            .unwrap_or(0.0)
    };
    let (x_area, y_area) = if named {
        let longest_y = h.y_names.iter().map(|n| text_width(n)).fold(0.0, f64::max);
        (0.0, (longest_y + 24.0 * pt).max(48.0 * pt))
    } else {
        (30.0 * pt, 48.0 * pt)
    };
    // Column names shrink to fit their cell (down to 6 pt), then break at a
    // hyphen or space.
    // A name has the width of the cells up to the next name.
    let named_cells: Vec<usize> = (0..h.x_names.len())
        .filter(|&i| !h.x_names[i].is_empty())
        .collect();
    let spacing = named_cells
        .windows(2)
        .map(|w| w[1] - w[0])
        .min()
        .unwrap_or(1)
        .max(1);
    let cell_width =
        (main.dim_in_pixel().0 as f64 - y_area - 16.0 * pt) / nx.max(1) as f64 * spacing as f64;
    let widest = h.x_names.iter().map(|n| text_width(n)).fold(0.0, f64::max);
    let x_name_size = if widest > 0.0 {
        ((BASE_FONT_PT - 1.0) * (cell_width * 0.92 / widest).min(1.0)).max(6.0)
    } else {
        BASE_FONT_PT - 1.0
    };
    let x_names: Vec<Vec<String>> = h
        .x_names
        .iter()
        .map(|n| {
            let fits = text_width(n) * x_name_size / (BASE_FONT_PT - 1.0) <= cell_width * 0.92;
            if fits {
                return vec![n.clone()];
            }
            let middle = n.len() / 2;
            match n
                .char_indices()
                .filter(|(_, c)| *c == '-' || *c == ' ')
                .min_by_key(|(i, _)| i.abs_diff(middle))
            {
                Some((i, c)) => {
                    let cut = if c == '-' { i + 1 } else { i };
                    vec![n[..cut].to_string(), n[cut..].trim_start().to_string()]
                }
                None => vec![n.clone()],
            }
        })
        .collect();
    let x_area = if named {
        let lines = x_names.iter().map(Vec::len).max().unwrap_or(1) as f64;
        (lines * (x_name_size + 2.0) + 22.0) * pt
    } else {
        x_area
    };
    let mut chart = ChartBuilder::on(&main)
        .margin((8.0 * pt) as u32)
        .x_label_area_size(x_area as u32)
        .y_label_area_size(y_area as u32)
        .build_cartesian_2d(0.0..nx as f64, 0.0..ny as f64)?;
    let xs = h.x_values.clone();
    let ys = h.y_values.clone();
    let x_fmt = move |x: &f64| cell_label(&xs, *x);
    let y_fmt = move |y: &f64| cell_label(&ys, *y);
    let (x_labels, y_labels) = if named {
        (0, 0)
    } else {
        (nx.min(12) * 2 + 1, ny.min(12) * 2 + 1)
    };
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(&h.x_label)
        .y_desc(&h.y_label)
        .x_labels(x_labels)
        .y_labels(y_labels)
        .label_style(font(pt, BASE_FONT_PT - 1.0))
        .axis_desc_style(font(pt, BASE_FONT_PT))
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .draw()?;
    if named {
        use plotters::style::text_anchor::{HPos, Pos, VPos};
        let tick = line_style(style::BLACK, 0.8, pt);
        let tick_len = (3.0 * pt) as i32;
        let x_font = font(pt, x_name_size);
        for (i, lines) in x_names.iter().enumerate() {
            if lines.iter().all(String::is_empty) {
                continue;
            }
            let (x, y) = local(&main, chart.backend_coord(&(i as f64 + 0.5, 0.0)));
            main.draw(&PathElement::new(vec![(x, y), (x, y + tick_len)], tick))?;
            let style = x_font
                .clone()
                .color(&BLACK)
                .pos(Pos::new(HPos::Center, VPos::Top));
            for (k, part) in lines.iter().enumerate() {
                main.draw_text(
                    part,
                    &style,
                    (
                        x,
                        y + tick_len
                            + (2.0 * pt) as i32
                            + k as i32 * ((x_name_size + 2.0) * pt) as i32,
                    ),
                )?;
            }
        }
        // Row names closer than 1.3 lines keep every other name.
        let named_rows: Vec<usize> = (0..h.y_names.len())
            .filter(|&j| !h.y_names[j].is_empty())
            .collect();
        let row_gap = named_rows
            .windows(2)
            .map(|w| w[1] - w[0])
            .min()
            .unwrap_or(1) as f64;
        let (_, y0) = chart.backend_coord(&(0.0, 0.0));
        let (_, y1) = chart.backend_coord(&(0.0, row_gap));
        let keep_every = if ((y0 - y1).abs() as f64) < 1.3 * (BASE_FONT_PT - 1.0) * pt {
            2
        } else {
            1
        };
        for (j, name) in h.y_names.iter().enumerate() {
            if name.is_empty()
                || named_rows.iter().position(|&r| r == j).unwrap_or(0) % keep_every != 0
            {
                continue;
            }
            let (x, y) = local(&main, chart.backend_coord(&(0.0, j as f64 + 0.5)));
            main.draw(&PathElement::new(vec![(x - tick_len, y), (x, y)], tick))?;
            let style = label_font
                .clone()
                .color(&BLACK)
                .pos(Pos::new(HPos::Right, VPos::Center));
            main.draw_text(name, &style, (x - tick_len - (2.0 * pt) as i32, y))?;
        }
    }
    let (lo, hi) = h.value_range;
    for (j, row) in h.values.iter().enumerate() {
        for (i, v) in row.iter().enumerate() {
            let color = match v {
                Some(v) => rgb(style::viridis(((v - lo) / (hi - lo)).clamp(0.0, 1.0))),
                None => RGBColor(200, 200, 200),
            };
            chart.draw_series(std::iter::once(Rectangle::new(
                [(i as f64, j as f64), (i as f64 + 1.0, j as f64 + 1.0)],
                color.filled(),
            )))?;
        }
    }
    for line in &h.overlays {
        add_line(&mut chart, line, pt)?;
    }
    if !h.cell_text.is_empty() {
        let (x0, y0) = chart.backend_coord(&(0.0, 0.0));
        let (x1, y1) = chart.backend_coord(&(1.0, 1.0));
        let (cell_w, cell_h) = ((x1 - x0).abs() as f64, (y1 - y0).abs() as f64);
        let longest = h
            .cell_text
            .iter()
            .flatten()
            .map(|t| t.chars().count())
            .max()
            .unwrap_or(0)
            .max(1) as f64;
        // As large as fits the cell, at most the label size.
        let size = (BASE_FONT_PT - 1.0)
            .min(cell_w * 0.9 / (longest * 0.6 * pt))
            .min(cell_h * 0.7 / pt);
        if size >= 5.0 {
            for (j, row) in h.cell_text.iter().enumerate() {
                for (i, text) in row.iter().enumerate() {
                    let value = h.values.get(j).and_then(|r| r.get(i)).copied().flatten();
                    let dark = match value {
                        Some(v) => {
                            let c = style::viridis(((v - lo) / (hi - lo)).clamp(0.0, 1.0));
                            (0.299 * c.0 as f64 + 0.587 * c.1 as f64 + 0.114 * c.2 as f64) < 140.0
                        }
                        None => false,
                    };
                    let style = font(pt, size)
                        .color(if dark { &WHITE } else { &BLACK })
                        .pos(plotters::style::text_anchor::Pos::new(
                            plotters::style::text_anchor::HPos::Center,
                            plotters::style::text_anchor::VPos::Center,
                        ));
                    let at = local(
                        &main,
                        chart.backend_coord(&(i as f64 + 0.5, j as f64 + 0.5)),
                    );
                    main.draw_text(text, &style, at)?;
                }
            }
        }
    }
    // Colour scale.
    let mut scale = ChartBuilder::on(&scale_area)
        .margin_top((30.0 * pt) as u32)
        .margin_bottom((38.0 * pt) as u32)
        .margin_left((6.0 * pt) as u32)
        .margin_right((10.0 * pt) as u32)
        .y_label_area_size((40.0 * pt) as u32)
        .build_cartesian_2d(0.0..1.0, lo..hi)?;
    scale
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .y_desc(&h.value_label)
        .label_style(font(pt, BASE_FONT_PT - 2.0))
        .axis_desc_style(font(pt, BASE_FONT_PT - 1.0))
        .y_label_formatter(&|y| style::tick(*y))
        .draw()?;
    let steps = 64;
    for k in 0..steps {
        let a = lo + (hi - lo) * k as f64 / steps as f64;
        let b = lo + (hi - lo) * (k + 1) as f64 / steps as f64;
        let color = rgb(style::viridis((k as f64 + 0.5) / steps as f64));
        scale.draw_series(std::iter::once(Rectangle::new(
            [(0.0, a), (1.0, b)],
            color.filled(),
        )))?;
    }
    Ok(())
}

/// Tick label of a heatmap axis: the value of the cell whose centre the tick is.
fn cell_label(values: &[f64], x: f64) -> String {
    let i = x - 0.5;
    if (i - i.round()).abs() < 1e-9 && i >= 0.0 && (i.round() as usize) < values.len() {
        style::tick(values[i.round() as usize])
    } else {
        String::new()
    }
}

/// Draws legend entries in `columns` columns of `column_width` pixels,
/// starting `top` points below the area's top.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[super::figure::LegendEntry],
    pt: f64,
    columns: usize,
    column_width: i32,
    top: f64,
) -> Result
where
    DB::ErrorType: 'static,
{
    let text = font(pt, BASE_FONT_PT - 1.0);
    let row = (14.0 * pt) as i32;
    let top = (top * pt) as i32;
    let swatch = (22.0 * pt) as i32;
    let rows = entries.len().div_ceil(columns.max(1));
    for (k, e) in entries.iter().enumerate() {
        // Fill column by column, so the order reads down each column.
        let (column, line) = (k / rows, k % rows);
        let x0 = (4.0 * pt) as i32 + column as i32 * column_width;
        let y = top + line as i32 * row;
        match e.kind {
            super::figure::LegendKind::Line(dash, width) => {
                let style = line_style(e.color, width, pt);
                let points = vec![(x0, y), (x0 + swatch, y)];
                match dash.pattern() {
                    None => area.draw(&PathElement::new(points, style))?,
                    Some((on, off)) => {
                        let mut x = x0 as f64;
                        while x < (x0 + swatch) as f64 {
                            let end = (x + on * pt).min((x0 + swatch) as f64);
                            area.draw(&PathElement::new(
                                vec![(x as i32, y), (end as i32, y)],
                                style,
                            ))?;
                            x += (on + off) * pt;
                        }
                    }
                }
            }
            super::figure::LegendKind::Patch(opacity) => {
                let half = (4.0 * pt) as i32;
                area.draw(&Rectangle::new(
                    [(x0, y - half), (x0 + swatch, y + half)],
                    rgb(e.color).mix(opacity).filled(),
                ))?;
            }
            LegendKind::HollowMarker(m) => {
                draw_marker(area, (x0 + swatch / 2, y), m, true, e.color, pt)?;
            }
            super::figure::LegendKind::Marker(m) => {
                draw_marker(area, (x0 + swatch / 2, y), m, false, e.color, pt)?;
            }
        }
        let style = text
            .clone()
            .color(&BLACK)
            .pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Left,
                plotters::style::text_anchor::VPos::Center,
            ));
        area.draw_text(&e.label, &style, (x0 + swatch + (5.0 * pt) as i32, y))?;
    }
    Ok(())
}
