//! Draws a [`Figure`] with plotters, to SVG or PNG from the same code.
//!
//! Sizes are physical: the figure is `width x height` inches, fonts and
//! lines are in points, and only the pixel density differs between formats
//! (96 px/in for SVG, `dpi` for PNG). Text has fixed point sizes
//! ([`super::text`]) and every label area is sized from the measured width
//! of what it holds. The legend sits in a panel of its own beside or below
//! the plot, so it never covers data.

use super::figure::{
    Bars, Figure, Heatmap, LegendKind, Line, LineChart, Panels, Point, Scatter, Simplex,
};
use super::style::{self, Rgb};
use super::text::{self, LABEL_PT, TICK_PT, TITLE_PT};
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
    /// The files each figure is written as (`--format`).
    pub formats: super::Formats,
    /// How SVG files carry their text (`--svg-text`).
    pub svg_text: super::SvgText,
    /// Whether figures carry their titles (`--no-title`: not, for a
    /// caption that carries it).
    pub titles: bool,
}

impl Default for Size {
    fn default() -> Self {
        Size {
            width: 6.5,
            height: 4.0,
            dpi: 200.0,
            formats: super::Formats::default(),
            svg_text: super::SvgText::default(),
            titles: true,
        }
    }
}

/// Pixels per inch of SVG output (the CSS reference pixel).
pub const SVG_PPI: f64 = 96.0;

/// The scale of a drawing: pixels per point, and what plotters needs to
/// set a font at a size in points on this backend.
///
/// plotters' SVG backend writes `font-size` as the font's size divided by
/// 1.24, and its bitmap backend draws glyphs so that the font's height
/// (ascent minus descent, [`text::height_per_em`] em) is the size: the
/// two factors below make both draw text at the point size asked for.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Pt {
    /// Pixels per point.
    px: f64,
    /// plotters' font size per point of text.
    font: f64,
}

impl Pt {
    fn svg() -> Pt {
        let px = SVG_PPI / 72.0;
        Pt {
            px,
            font: px * 1.24,
        }
    }

    fn bitmap(dpi: f64) -> Pt {
        let px = dpi / 72.0;
        Pt {
            px,
            font: px * text::height_per_em(),
        }
    }
}

impl std::ops::Mul<Pt> for f64 {
    type Output = f64;
    fn mul(self, pt: Pt) -> f64 {
        self * pt.px
    }
}

impl std::ops::Div<Pt> for f64 {
    type Output = f64;
    fn div(self, pt: Pt) -> f64 {
        self / pt.px
    }
}

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
        draw(&root, figure, Pt::svg()).expect("drawing into a string cannot fail");
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
        draw(&root, figure, Pt::bitmap(size.dpi)).expect("drawing into a buffer cannot fail");
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

/// Draws on any backend at the scale `pt`.
///
/// Text has its fixed point size at any width ([`text`]); the title wraps
/// onto more lines rather than shrink. Narrow figures (a journal column is
/// about 3.5 in) put the legend below the plot, in as many columns as its
/// measured entries allow.
fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, figure: &Figure, pt: Pt) -> Result
where
    DB::ErrorType: 'static,
{
    let width_in = root.dim_in_pixel().0 as f64 / pt / 72.0;
    // A legend too long for a column beside the plot goes below it, in as
    // many columns as fit (its entries are never cut off at the bottom).
    let legend_rows_beside = {
        let (_, h) = root.dim_in_pixel();
        ((h as f64 / pt - 34.0 - 30.0) / LEGEND_ROW)
            .floor()
            .max(1.0) as usize
    };
    let legend = figure.legend();
    let legend_below = width_in < 5.0 || figure.legend_below() || legend.len() > legend_rows_beside;
    root.fill(&WHITE)?;
    // The title spans the whole figure, above the plot and the legend,
    // in as many lines as it needs.
    let (w, _) = root.dim_in_pixel();
    let title = figure.title();
    let root = if title.is_empty() {
        root.margin((4.0 * pt) as u32, 0, 0, 0)
    } else {
        let lines = text::wrap(title, w as f64 / pt - 8.0, TITLE_PT, true);
        let style = font(pt, TITLE_PT).style(FontStyle::Bold).color(&BLACK).pos(
            plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Center,
                plotters::style::text_anchor::VPos::Top,
            ),
        );
        let line_height = TITLE_PT * 1.2;
        for (k, line) in lines.iter().enumerate() {
            root.draw_text(
                line,
                &style,
                (w as i32 / 2, ((5.0 + k as f64 * line_height) * pt) as i32),
            )?;
        }
        root.margin(
            ((5.0 + lines.len() as f64 * line_height + 2.0) * pt) as u32,
            0,
            0,
            0,
        )
    };
    let (w, h) = root.dim_in_pixel();
    let labels: Vec<&str> = legend.iter().map(|e| e.label.as_str()).collect();
    let (plot_area, legend_area, layout) = if legend.is_empty() {
        let (a, b) = root.split_horizontally(w);
        (a, b, super::legend::beside(&labels))
    } else if legend_below {
        let room = (h * 3 / 5) as f64 / pt;
        let layout = super::legend::below(&labels, w as f64 / pt - 4.0, room);
        let height = (layout.height * pt) as u32;
        let (a, b) = root.split_vertically(h.saturating_sub(height.min(h * 3 / 5)));
        (a, b, layout)
    } else {
        // Entries' widths: a swatch, a gap, the label and room to the next.
        let widest = legend
            .iter()
            .map(|e| LEGEND_SWATCH + 4.0 + text::width_pt(&e.label, LABEL_PT, false) + 7.0)
            .fold(0.0, f64::max)
            + 4.0;
        let (a, b) = root.split_horizontally(w - ((widest * pt) as u32).min(w * 2 / 5));
        (a, b, super::legend::beside(&labels))
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
        draw_legend(&legend_area, &legend, pt, &layout, top)?;
    }
    Ok(())
}

/// Height of a legend row, points.
const LEGEND_ROW: f64 = super::legend::ROW;
/// Length of a legend's swatch, points.
const LEGEND_SWATCH: f64 = super::legend::SWATCH;

/// The font at `size` points.
fn font(pt: Pt, size: f64) -> FontDesc<'static> {
    ("sans-serif", size * pt.font).into_font()
}

fn line_style(color: Rgb, width_pt: f64, pt: Pt) -> ShapeStyle {
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
    pt: Pt,
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
    x_desc: bool,
    y_desc: bool,
    /// A panel's title, above its plot.
    caption: Option<&'a str>,
    /// At most this many ticks on either axis (as many as fit otherwise).
    ticks: usize,
}

const ALONE: LineLayout<'static> = LineLayout {
    x_desc: true,
    y_desc: true,
    caption: None,
    ticks: 12,
};

fn draw_lines<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, c: &LineChart, pt: Pt) -> Result
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

/// Length of the axes' tick marks, points.
const TICK_MARK: f64 = 3.0;
/// plotters sets tick labels twice the tick mark's length from the axis.
const TICK_GAP: f64 = 2.0 * TICK_MARK;
/// Space between the plot's edge and the area's, where no label needs more.
const MARGIN: f64 = 8.0;

/// The values plotters marks on an axis over `range` when asked for `n`.
fn key_points(range: (f64, f64), n: usize) -> Vec<f64> {
    use plotters::coord::ranged1d::Ranged;
    if !(range.0.is_finite() && range.1.is_finite()) || range.0 >= range.1 {
        return Vec::new();
    }
    plotters::coord::types::RangedCoordf64::from(range.0..range.1).key_points(n)
}

/// The most ticks, at most `want` (and at least 2), whose labels keep
/// `gap` points apart along an axis `length` points long; `extent` is a
/// label's size along the axis, points.
fn fitting_ticks(
    range: (f64, f64),
    want: usize,
    length: f64,
    gap: f64,
    extent: &dyn Fn(f64) -> f64,
) -> usize {
    let span = range.1 - range.0;
    for n in (2..=want.max(2)).rev() {
        let at: Vec<(f64, f64)> = key_points(range, n)
            .into_iter()
            .map(|v| ((v - range.0) / span * length, extent(v)))
            .filter(|&(_, e)| e > 0.0)
            .collect();
        if at
            .windows(2)
            .all(|w| (w[1].0 - w[0].0).abs() >= (w[0].1 + w[1].1) / 2.0 + gap)
        {
            return n;
        }
    }
    2
}

/// Label areas and tick counts of a chart with numeric axes, from the
/// measured width of its tick labels and axis titles (points); the titles
/// wrap to the plot's width and height.
#[derive(Debug, Clone)]
struct Axes {
    x_ticks: usize,
    y_ticks: usize,
    /// Below the plot: tick labels and the x axis title.
    x_area: f64,
    /// Left of the plot: the y axis title and tick labels.
    y_area: f64,
    top: f64,
    right: f64,
    /// The axis titles' lines.
    x_desc: Vec<String>,
    y_desc: Vec<String>,
}

/// Line height of axis titles, points.
const DESC_LINE: f64 = LABEL_PT * 1.15;

impl Axes {
    /// Lays out axes over `x` and `y` (data ranges, labelled by `x_fmt` and
    /// `y_fmt`; `want` ticks at most) titled `descs` (empty: none) in an
    /// area of `width` x `height` points, with `top` points above the plot
    /// for a caption and `below` points under the axis for its tick labels.
    #[allow(clippy::too_many_arguments)]
    fn plan(
        width: f64,
        height: f64,
        x: (f64, f64),
        y: (f64, f64),
        x_fmt: &dyn Fn(f64) -> String,
        y_fmt: &dyn Fn(f64) -> String,
        want: (usize, usize),
        descs: (&str, &str),
        top: f64,
        below: f64,
    ) -> Axes {
        // A horizontal tick label is 1 em tall; the top y label reaches
        // half an em above the plot.
        let top = top.max(TICK_PT / 2.0 + 2.0);
        let lines = |text: &str, room: f64| -> Vec<String> {
            if text.is_empty() {
                Vec::new()
            } else {
                text::wrap(text, room, LABEL_PT, false)
            }
        };
        let area_x = |n: usize| {
            below
                + if n > 0 {
                    3.0 + n as f64 * DESC_LINE
                } else {
                    1.0
                }
        };
        let widest_x = key_points(x, want.0)
            .into_iter()
            .map(|v| text::width_pt(&x_fmt(v), TICK_PT, false))
            .fold(0.0, f64::max);
        // The last x label may reach half its width right of the plot.
        let right = MARGIN.max(widest_x / 2.0 + 2.0);
        let mut x_desc = lines(descs.0, width * 0.8);
        loop {
            let x_area = area_x(x_desc.len());
            let plot_height = (height - top - x_area - 2.0).max(10.0);
            let y_ticks = fitting_ticks(y, want.1, plot_height, 3.0, &|_| TICK_PT);
            let widest_y = key_points(y, y_ticks)
                .into_iter()
                .map(|v| text::width_pt(&y_fmt(v), TICK_PT, false))
                .fold(0.0, f64::max);
            let y_desc = lines(descs.1, plot_height);
            let y_area = widest_y
                + TICK_GAP
                + 2.0
                + if y_desc.is_empty() {
                    0.0
                } else {
                    y_desc.len() as f64 * DESC_LINE + 2.0
                };
            let plot_width = (width - y_area - right - 2.0).max(10.0);
            let again = lines(descs.0, plot_width);
            if again.len() > x_desc.len() {
                x_desc = again;
                continue;
            }
            let x_ticks = fitting_ticks(x, want.0, plot_width, 6.0, &|v| {
                text::width_pt(&x_fmt(v), TICK_PT, false)
            });
            return Axes {
                x_ticks,
                y_ticks,
                x_area,
                y_area,
                top,
                right,
                x_desc: again,
                y_desc,
            };
        }
    }

    /// Draws the axis titles around the plot of `chart`, centred on it:
    /// the x title at the bottom of its area, the y title (reading
    /// upwards) at the left of its.
    fn draw_descs<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        chart: &ChartContext<
            '_,
            DB,
            Cartesian2d<
                plotters::coord::types::RangedCoordf64,
                plotters::coord::types::RangedCoordf64,
            >,
        >,
        pt: Pt,
    ) -> Result
    where
        DB::ErrorType: 'static,
    {
        draw_axis_titles(area, chart, &self.x_desc, &self.y_desc, pt)
    }
}

/// Draws axis titles (`x_desc`, `y_desc`: their lines) around the plot of
/// `chart`, centred on it: the x title at the bottom of `area`, the y
/// title (reading upwards) at its left.
impl Axes {
    /// A chart builder on `area` with these label areas and margins.
    fn builder<'a, 'b, DB: DrawingBackend>(
        &self,
        area: &'a DrawingArea<DB, Shift>,
        pt: Pt,
    ) -> ChartBuilder<'a, 'b, DB> {
        let mut builder = ChartBuilder::on(area);
        builder
            .margin_top((self.top * pt) as u32)
            .margin_right((self.right * pt) as u32)
            .margin_left((2.0 * pt) as u32)
            .margin_bottom((2.0 * pt) as u32)
            .x_label_area_size((self.x_area * pt) as u32)
            .y_label_area_size((self.y_area * pt) as u32);
        builder
    }
}

fn draw_axis_titles<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    x_desc: &[String],
    y_desc: &[String],
    pt: Pt,
) -> Result
where
    DB::ErrorType: 'static,
{
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let xr = chart.plotting_area().get_x_axis_pixel_range();
    let yr = chart.plotting_area().get_y_axis_pixel_range();
    let (x0, x1, y0, y1) = (xr.start, xr.end, yr.start, yr.end);
    let base = area.get_base_pixel();
    let (x0, x1, y0, y1) = (x0 - base.0, x1 - base.0, y0 - base.1, y1 - base.1);
    let (_, h) = area.dim_in_pixel();
    let bottom = h as f64 - 2.0 * pt;
    let style = font(pt, LABEL_PT)
        .color(&BLACK)
        .pos(Pos::new(HPos::Center, VPos::Top));
    let n = x_desc.len() as f64;
    for (k, line) in x_desc.iter().enumerate() {
        let y = bottom - (n - k as f64) * DESC_LINE * pt;
        area.draw_text(line, &style, ((x0 + x1) / 2, y as i32))?;
    }
    let style = font(pt, LABEL_PT)
        .transform(FontTransform::Rotate270)
        .color(&BLACK)
        .pos(Pos::new(HPos::Center, VPos::Top));
    for (k, line) in y_desc.iter().enumerate() {
        let x = (2.0 + k as f64 * DESC_LINE) * pt;
        area.draw_text(line, &style, (x as i32, (y0 + y1) / 2))?;
    }
    Ok(())
}

/// The size of an area in points.
fn dims<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, pt: Pt) -> (f64, f64) {
    let (w, h) = area.dim_in_pixel();
    (w as f64 / pt, h as f64 / pt)
}

/// A mesh with the label styles, tick marks and tick counts of `axes`.
fn style_mesh<DB: DrawingBackend>(
    mesh: &mut plotters::chart::MeshStyle<
        '_,
        '_,
        plotters::coord::types::RangedCoordf64,
        plotters::coord::types::RangedCoordf64,
        DB,
    >,
    axes: &Axes,
    pt: Pt,
) {
    mesh.x_labels(axes.x_ticks)
        .y_labels(axes.y_ticks)
        .set_all_tick_mark_size((TICK_MARK * pt) as u32)
        .label_style(font(pt, TICK_PT))
        .axis_desc_style(font(pt, LABEL_PT))
        .light_line_style(TRANSPARENT)
        .bold_line_style(RGBColor(215, 215, 215));
}

fn draw_line_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    c: &LineChart,
    pt: Pt,
    layout: &LineLayout,
) -> Result
where
    DB::ErrorType: 'static,
{
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
            if layout.x_desc { &c.x_label } else { "" },
            if layout.y_desc { &c.y_label } else { "" },
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
    pt: Pt,
) -> Result
where
    DB::ErrorType: 'static,
{
    let fill = if hollow { Rgb(255, 255, 255) } else { color };
    draw_marker_as(area, at, marker, Some(fill), hollow, color, pt)
}

/// A marker centred at pixel `at`, filled with `fill` (none: see-through)
/// and outlined in `color` when `edge`.
fn draw_marker_as<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    at: (i32, i32),
    marker: usize,
    fill: Option<Rgb>,
    edge: bool,
    color: Rgb,
    pt: Pt,
) -> Result
where
    DB::ErrorType: 'static,
{
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
fn draw_points<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    points: &[Point],
    pt: Pt,
) -> Result
where
    DB::ErrorType: 'static,
{
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
fn draw_panels<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, p: &Panels, pt: Pt) -> Result
where
    DB::ErrorType: 'static,
{
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
            caption: Some(&chart.title),
            ticks: 6,
        };
        draw_line_chart(&cells[k], chart, pt, &layout)?;
    }
    if let Some(first) = p.panels.first() {
        let text = font(pt, LABEL_PT).color(&BLACK);
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
        let vertical = font(pt, LABEL_PT)
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
fn draw_simplex<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, s: &Simplex, pt: Pt) -> Result
where
    DB::ErrorType: 'static,
{
    let (w, h) = area.dim_in_pixel();
    let label_font = font(pt, LABEL_PT).style(FontStyle::Bold);
    let widths: Vec<f64> = s
        .corners
        .iter()
        .map(|c| text::width_pt(c, LABEL_PT, true) * pt)
        .collect();
    let line = (LABEL_PT + 4.0) * pt;
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

/// Category names under bars: horizontal lines, or names turned to read
/// upwards (in as many lines side by side as the slot holds) when a name
/// cannot break to fit its slot.
enum CategoryLabels {
    Across(Vec<Vec<String>>),
    Up(Vec<Vec<String>>),
}

/// Height of a line of tick-size text, points.
const TICK_LINE: f64 = TICK_PT * 1.2;

impl CategoryLabels {
    /// The names laid out in slots `slot` points wide, under a plot whose
    /// whole area is `height` points tall.
    fn plan(names: &[String], slot: f64, height: f64) -> CategoryLabels {
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
    fn height(&self) -> f64 {
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
    fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        i: usize,
        (x, y): (i32, i32),
        pt: Pt,
    ) -> Result
    where
        DB::ErrorType: 'static,
    {
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
fn ellipsis(text: &str, room: f64) -> String {
    let mut cut: String = text.trim_end_matches('…').to_string();
    while !cut.is_empty() && text::width_pt(&format!("{cut}…"), TICK_PT, false) > room {
        cut.pop();
    }
    format!("{cut}…")
}

fn draw_bars<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, b: &Bars, pt: Pt) -> Result
where
    DB::ErrorType: 'static,
{
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

fn draw_scatter<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, s: &Scatter, pt: Pt) -> Result
where
    DB::ErrorType: 'static,
{
    let (width, height) = dims(area, pt);
    let axes = Axes::plan(
        width,
        height,
        s.x_range,
        s.y_range,
        &|x| style::tick(x),
        &|y| style::tick(y),
        (12, 12),
        (&s.x_label, &s.y_label),
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

fn draw_heatmap<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, h: &Heatmap, pt: Pt) -> Result
where
    DB::ErrorType: 'static,
{
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let (w, _) = area.dim_in_pixel();
    let (lo, hi) = h.value_range;
    // The colour scale's column: its title, labels, the bar, and a margin
    // to the figure's right edge.
    let scale_ticks = 6;
    let scale_labels = text::widest_pt(
        key_points((lo, hi), scale_ticks)
            .iter()
            .map(|v| style::tick(*v))
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str),
        TICK_PT,
        false,
    );
    let scale_label_area = LABEL_PT + 3.0 + scale_labels + TICK_GAP + 2.0;
    let scale_width = 4.0 + scale_label_area + 10.0 + 6.0;
    let (main, scale_area) = area.split_horizontally(w.saturating_sub((scale_width * pt) as u32));
    // Tick labels: the names given, or the cells' values.
    let x_names: Vec<String> = if h.x_names.is_empty() {
        h.x_values.iter().map(|v| style::tick(*v)).collect()
    } else {
        h.x_names.clone()
    };
    let y_names: Vec<String> = if h.y_names.is_empty() {
        h.y_values.iter().map(|v| style::tick(*v)).collect()
    } else {
        h.y_names.clone()
    };
    let nx = x_names.len().max(1);
    let ny = y_names.len().max(1);
    let (main_w, main_h) = dims(&main, pt);
    let widest_y = text::widest_pt(y_names.iter().map(String::as_str), TICK_PT, false);
    // Axis titles wrap to the plot's sides (its height estimated with two
    // lines of column names).
    let title_lines = |t: &str, room: f64| {
        if t.is_empty() {
            Vec::new()
        } else {
            text::wrap(t, room, LABEL_PT, false)
        }
    };
    let y_desc = title_lines(
        &h.y_label,
        main_h - MARGIN - 4.0 - TICK_GAP - 2.0 * TICK_LINE - 3.0 - 2.0 * DESC_LINE,
    );
    let y_area = widest_y + TICK_GAP + 2.0 + y_desc.len() as f64 * DESC_LINE + 2.0;
    let x_desc = title_lines(&h.x_label, main_w - y_area - MARGIN - 2.0);
    let cell_width = (main_w - y_area - MARGIN - 2.0) / nx as f64;
    // Column names: every `step`-th (from the first named one) so that each
    // has the width of the cells up to the next, wrapped to it, or turned
    // to read upwards when a name cannot break to fit.
    let named: Vec<usize> = (0..x_names.len())
        .filter(|&i| !x_names[i].is_empty())
        .collect();
    let given = named
        .windows(2)
        .map(|w| w[1] - w[0])
        .min()
        .unwrap_or(1)
        .max(1);
    let widest_x = text::widest_pt(x_names.iter().map(String::as_str), TICK_PT, false);
    let mut step = given;
    // Numbers do not wrap: thin them until they fit.
    let numeric = h.x_names.is_empty();
    while numeric && widest_x + 3.0 > cell_width * step as f64 && step < nx {
        step += given;
    }
    let room = cell_width * step as f64 - 3.0;
    let columns = CategoryLabels::plan(
        &x_names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let k = named.iter().position(|&c| c == i);
                if k.is_some_and(|k| k % (step / given) == 0) {
                    n.clone()
                } else {
                    String::new()
                }
            })
            .collect::<Vec<_>>(),
        room,
        main_h,
    );
    let x_area = columns.height() + 3.0 + x_desc.len() as f64 * DESC_LINE + 1.0;
    let mut chart = ChartBuilder::on(&main)
        .margin_top((MARGIN * pt) as u32)
        .margin_right((MARGIN * pt) as u32)
        .margin_left((2.0 * pt) as u32)
        .margin_bottom((2.0 * pt) as u32)
        .x_label_area_size((x_area * pt) as u32)
        .y_label_area_size((y_area * pt) as u32)
        .build_cartesian_2d(0.0..nx as f64, 0.0..ny as f64)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(0)
        .y_labels(0)
        .draw()?;
    draw_axis_titles(&main, &chart, &x_desc, &y_desc, pt)?;
    let tick = line_style(style::BLACK, 0.8, pt);
    let tick_len = (TICK_MARK * pt) as i32;
    for i in 0..nx {
        let (x, y) = local(&main, chart.backend_coord(&(i as f64 + 0.5, 0.0)));
        let below = y + (TICK_GAP * pt) as i32;
        let named = match &columns {
            CategoryLabels::Across(lines) | CategoryLabels::Up(lines) => {
                lines[i].iter().any(|l| !l.is_empty() && l != "…")
            }
        };
        if !named {
            continue;
        }
        columns.draw(&main, i, (x, below), pt)?;
        main.draw(&PathElement::new(vec![(x, y), (x, y + tick_len)], tick))?;
    }
    // Row names closer than 1.2 lines keep every other name (or fewer).
    let named_rows: Vec<usize> = (0..y_names.len())
        .filter(|&j| !y_names[j].is_empty())
        .collect();
    let row_gap = named_rows
        .windows(2)
        .map(|w| w[1] - w[0])
        .min()
        .unwrap_or(1) as f64;
    let (_, y0) = chart.backend_coord(&(0.0, 0.0));
    let (_, y1) = chart.backend_coord(&(0.0, row_gap));
    let spacing = (y0 - y1).abs() as f64 / pt;
    let keep_every = ((1.2 * TICK_PT / spacing.max(0.1)).ceil() as usize).max(1);
    for (j, name) in y_names.iter().enumerate() {
        if name.is_empty() || named_rows.iter().position(|&r| r == j).unwrap_or(0) % keep_every != 0
        {
            continue;
        }
        let (x, y) = local(&main, chart.backend_coord(&(0.0, j as f64 + 0.5)));
        main.draw(&PathElement::new(vec![(x - tick_len, y), (x, y)], tick))?;
        let style = font(pt, TICK_PT)
            .color(&BLACK)
            .pos(Pos::new(HPos::Right, VPos::Center));
        main.draw_text(name, &style, (x - (TICK_GAP * pt) as i32, y))?;
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
    if let Some(zone) = &h.zone {
        draw_zone(&mut chart, zone, pt)?;
    }
    for line in &h.overlays {
        add_line(&mut chart, line, pt)?;
    }
    if !h.cell_text.is_empty() {
        let (x0, y0) = chart.backend_coord(&(0.0, 0.0));
        let (x1, y1) = chart.backend_coord(&(1.0, 1.0));
        let (cell_w, cell_h) = ((x1 - x0).abs() as f64, (y1 - y0).abs() as f64);
        // At the tick size where every text fits its cell, else not at all.
        let fits = h
            .cell_text
            .iter()
            .flatten()
            .all(|t| text::width_pt(t, TICK_PT, false) * pt <= cell_w - 2.0 * pt)
            && TICK_PT * 1.1 * pt <= cell_h;
        let size = TICK_PT;
        if fits {
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
    // Colour scale, beside the cells and as tall.
    let mut scale = ChartBuilder::on(&scale_area)
        .margin_top((MARGIN * pt) as u32)
        .margin_bottom(((x_area + 2.0) * pt) as u32)
        .margin_left((4.0 * pt) as u32)
        .margin_right((6.0 * pt) as u32)
        .y_label_area_size((scale_label_area * pt) as u32)
        .build_cartesian_2d(0.0..1.0, lo..hi)?;
    scale
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .y_labels(scale_ticks)
        .set_all_tick_mark_size((TICK_MARK * pt) as u32)
        .y_desc(&h.value_label)
        .label_style(font(pt, TICK_PT))
        .axis_desc_style(font(pt, LABEL_PT))
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

/// Least distance between the zone's hatching lines, in points.
const HATCH_GAP: f64 = 3.5;

/// Hatches a heatmap's zone with diagonals through the cells' corners
/// (every `k`-th diagonal, so that lines are at least [`HATCH_GAP`] apart)
/// and outlines it along the cell edges it shares with other cells.
fn draw_zone<DB: DrawingBackend>(
    chart: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    zone: &super::figure::Zone,
    pt: Pt,
) -> Result
where
    DB::ErrorType: 'static,
{
    let rows = zone.cells.len();
    let columns = zone.cells.first().map_or(0, Vec::len);
    let inside = |i: isize, j: isize| {
        i >= 0
            && j >= 0
            && zone
                .cells
                .get(j as usize)
                .and_then(|r| r.get(i as usize))
                .copied()
                .unwrap_or(false)
    };
    let (x0, y0) = chart.backend_coord(&(0.0, 0.0));
    let (x1, y1) = chart.backend_coord(&(1.0, 1.0));
    let (w, h) = ((x1 - x0).abs() as f64 / pt, (y1 - y0).abs() as f64 / pt);
    // Distance between neighbouring diagonals `i - j = k` and `k + 1`.
    let gap = w * h / (w * w + h * h).sqrt().max(1e-9);
    let every = (HATCH_GAP / gap.max(1e-9)).ceil().max(1.0) as isize;
    let hatch = line_style(zone.color, 0.5, pt);
    for j in 0..rows as isize {
        for i in 0..columns as isize {
            if inside(i, j) && (i - j).rem_euclid(every) == 0 {
                let (x, y) = (i as f64, j as f64);
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x, y), (x + 1.0, y + 1.0)],
                    hatch,
                )))?;
            }
        }
    }
    let edge = line_style(zone.color, 0.7, pt);
    let mut edges = Vec::new();
    for j in 0..rows as isize {
        for i in 0..columns as isize {
            if !inside(i, j) {
                continue;
            }
            let (x, y) = (i as f64, j as f64);
            if !inside(i - 1, j) {
                edges.push(vec![(x, y), (x, y + 1.0)]);
            }
            if !inside(i + 1, j) {
                edges.push(vec![(x + 1.0, y), (x + 1.0, y + 1.0)]);
            }
            if !inside(i, j - 1) {
                edges.push(vec![(x, y), (x + 1.0, y)]);
            }
            if !inside(i, j + 1) {
                edges.push(vec![(x, y + 1.0), (x + 1.0, y + 1.0)]);
            }
        }
    }
    chart.draw_series(edges.into_iter().map(|e| PathElement::new(e, edge)))?;
    Ok(())
}

/// Draws legend entries where `layout` puts them, its first row `top`
/// points below the area's top.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[super::figure::LegendEntry],
    pt: Pt,
    layout: &super::legend::Layout,
    top: f64,
) -> Result
where
    DB::ErrorType: 'static,
{
    let text = font(pt, LABEL_PT);
    let swatch = (LEGEND_SWATCH * pt) as i32;
    for (e, place) in entries.iter().zip(&layout.entries) {
        let x0 = ((4.0 + layout.columns[place.column]) * pt) as i32;
        let y = ((top + place.y) * pt) as i32;
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
            LegendKind::Hatch => {
                let half = (4.0 * pt) as i32;
                let (left, right) = (x0 + swatch / 2 - half, x0 + swatch / 2 + half);
                let (top, bottom) = (y - half, y + half);
                let thin = line_style(e.color, 0.5, pt);
                area.draw(&PathElement::new(vec![(left, bottom), (right, top)], thin))?;
                area.draw(&PathElement::new(
                    vec![(left, y), (x0 + swatch / 2, top)],
                    thin,
                ))?;
                area.draw(&PathElement::new(
                    vec![(x0 + swatch / 2, bottom), (right, y)],
                    thin,
                ))?;
                area.draw(&Rectangle::new(
                    [(left, top), (right, bottom)],
                    line_style(e.color, 1.0, pt),
                ))?;
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
        for (k, line) in place.lines.iter().enumerate() {
            let y = ((top + place.y + k as f64 * super::legend::LINE) * pt) as i32;
            area.draw_text(line, &style, (x0 + swatch + (4.0 * pt) as i32, y))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::figure::Scatter;

    fn point(marker: usize, color: Rgb, x: f64, y: f64) -> Point {
        Point {
            label: format!("p{marker}"),
            color,
            marker,
            hollow: false,
            x,
            x_low: x - 0.2,
            x_high: x + 0.2,
            y,
            y_low: y - 0.2,
            y_high: y + 0.2,
        }
    }

    /// Two points on the same spot, each with error bars both ways: every
    /// bar comes before every marker in the SVG (no bar over a marker), and
    /// the second marker, a triangle, is an outline (the circle under it
    /// shows through).
    #[test]
    fn markers_sit_on_their_error_bars_and_coinciding_ones_both_show() {
        let (a, b) = (Rgb(0, 114, 178), Rgb(0, 158, 115));
        let figure = Figure::Scatter(Scatter {
            title: "t".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            x_range: (0.0, 1.0),
            y_range: (0.0, 1.0),
            points: vec![point(0, a, 0.5, 0.5), point(2, b, 0.51, 0.5)],
        });
        let svg = svg(&figure, &Size::default());
        let plot = &svg[..svg.find("<text x=\"").map_or(svg.len(), |_| svg.len())];
        let first_marker = plot.find("<circle").expect("a circle marker");
        // Error bars are lines in the points' colours.
        for colour in ["#0072B2", "#009E73"] {
            let last_bar = plot
                .match_indices("<polyline")
                .chain(plot.match_indices("<line"))
                .filter(|(i, _)| {
                    // A bar's segment has two points (a marker's outline more).
                    let tag = plot[*i..].split('>').next().unwrap();
                    let points = tag
                        .split("points=\"")
                        .nth(1)
                        .map(|p| p.split('"').next().unwrap().split_whitespace().count());
                    tag.contains(colour) && points.is_none_or(|n| n == 2)
                })
                .map(|(i, _)| i)
                .max()
                .expect("error bars");
            assert!(last_bar < first_marker, "{colour} bar after a marker");
        }
        // The triangle is an outline: no polygon filled in its colour
        // among the plot's markers (the legend's come after them).
        let markers = &plot[first_marker..];
        let markers = &markers[..markers.find("<text").unwrap_or(markers.len())];
        assert!(!markers.contains("fill=\"#009E73\""), "{markers}");
        assert!(markers.contains("<polyline"), "{markers}");
    }
}
