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

mod axes;
mod bars;
mod heatmap;
mod lines;
mod points;
mod simplex;

use axes::*;
use bars::*;
use heatmap::*;
use lines::*;
use points::*;
use simplex::*;

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
    /// Whether `height` was asked for (`--height`). If not, it is a
    /// default that a figure of several rows of panels at a column's width
    /// may exceed ([`fitted`]).
    pub height_set: bool,
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
            height_set: false,
        }
    }
}

/// Narrower than this (inches), a figure is drawn for a journal's column.
pub const COLUMN_WIDTH: f64 = 5.0;
/// Inches of a panel figure's height per row of panels at a column's
/// width when the height is not set: a plot area of about 0.8 in, its
/// title above and its tick labels below.
pub const PANEL_ROW_IN: f64 = 1.25;
/// Inches of a panel figure's height for its title, legend and shared
/// axis title at a column's width.
pub const PANEL_FRAME_IN: f64 = 1.1;

/// The size `figure` is drawn at: `size`, except that a figure of several
/// rows of panels narrower than [`COLUMN_WIDTH`] whose height was not set
/// is made tall enough to read, height = max(height, [`PANEL_FRAME_IN`] +
/// rows x [`PANEL_ROW_IN`]) (3.6 in for two rows; at 3.5 x 2.6 in each of
/// the precipice figure's two rows of panels was 0.3 in tall).
pub fn fitted(figure: &Figure, size: &Size) -> Size {
    match figure {
        Figure::Panels(p) if !size.height_set && size.width < COLUMN_WIDTH => {
            let columns = p.columns.clamp(1, p.panels.len().max(1));
            let rows = p.panels.len().div_ceil(columns);
            if rows < 2 {
                return *size;
            }
            Size {
                height: size.height.max(PANEL_FRAME_IN + rows as f64 * PANEL_ROW_IN),
                ..*size
            }
        }
        _ => *size,
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
    let size = &fitted(figure, size);
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
    let size = &fitted(figure, size);
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

/// A plotters backend whose errors can be boxed (they are `'static`): what
/// every chart here is drawn on, the SVG, PNG and PDF backends alike.
trait Backend: DrawingBackend<ErrorType: 'static> {}

impl<DB: DrawingBackend> Backend for DB where DB::ErrorType: 'static {}

fn rgb(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

/// Draws on any backend at the scale `pt`.
///
/// Text has its fixed point size at any width ([`text`]); the title wraps
/// onto more lines rather than shrink. Narrow figures (a journal column is
/// about 3.5 in) put the legend below the plot, in as many columns as its
/// measured entries allow.
fn draw<DB: Backend>(root: &DrawingArea<DB, Shift>, figure: &Figure, pt: Pt) -> Result {
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
    // Beside the plot the legend may take 2/5 of the width: a label that
    // needs more sends it below (where it wraps), rather than off the edge.
    let too_wide_beside = legend
        .iter()
        .map(|e| LEGEND_SWATCH + 4.0 + text::width_pt(&e.label, LABEL_PT, false) + 7.0 + 4.0)
        .any(|w| w * pt > (root.dim_in_pixel().0 * 2 / 5) as f64);
    let legend_below = width_in < COLUMN_WIDTH
        || figure.legend_below()
        || legend.len() > legend_rows_beside
        || too_wide_beside;
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

/// Draws legend entries where `layout` puts them, its first row `top`
/// points below the area's top.
fn draw_legend<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[super::figure::LegendEntry],
    pt: Pt,
    layout: &super::legend::Layout,
    top: f64,
) -> Result {
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
    use crate::plot::figure::{Labels, Scatter};

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
            labels: Labels {
                title: "t".into(),
                x_label: "x".into(),
                y_label: "y".into(),
            },
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
