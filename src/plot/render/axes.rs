//! Axes of every chart: tick values that fit, label areas sized from the
//! measured text they hold, axis titles wrapped to the plot's sides.

use super::*;

/// Length of the axes' tick marks, points.
pub(super) const TICK_MARK: f64 = 3.0;

/// plotters sets tick labels twice the tick mark's length from the axis.
pub(super) const TICK_GAP: f64 = 2.0 * TICK_MARK;

/// Space between the plot's edge and the area's, where no label needs more.
pub(super) const MARGIN: f64 = 8.0;

/// The values plotters marks on an axis over `range` when asked for `n`.
pub(super) fn key_points(range: (f64, f64), n: usize) -> Vec<f64> {
    use plotters::coord::ranged1d::Ranged;
    if !(range.0.is_finite() && range.1.is_finite()) || range.0 >= range.1 {
        return Vec::new();
    }
    plotters::coord::types::RangedCoordf64::from(range.0..range.1).key_points(n)
}

/// The most ticks, at most `want` (and at least 2), whose labels keep
/// `gap` points apart along an axis `length` points long; `extent` is a
/// label's size along the axis, points.
pub(super) fn fitting_ticks(
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
pub(super) struct Axes {
    pub(super) x_ticks: usize,
    pub(super) y_ticks: usize,
    /// Below the plot: tick labels and the x axis title.
    pub(super) x_area: f64,
    /// Left of the plot: the y axis title and tick labels.
    pub(super) y_area: f64,
    pub(super) top: f64,
    pub(super) right: f64,
    /// The axis titles' lines.
    pub(super) x_desc: Vec<String>,
    pub(super) y_desc: Vec<String>,
}

/// Line height of axis titles, points.
pub(super) const DESC_LINE: f64 = LABEL_PT * 1.15;

impl Axes {
    /// Lays out axes over `x` and `y` (data ranges, labelled by `x_fmt` and
    /// `y_fmt`; `want` ticks at most) titled `descs` (empty: none) in an
    /// area of `width` x `height` points, with `top` points above the plot
    /// for a caption and `below` points under the axis for its tick labels.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn plan(
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
    pub(super) fn draw_descs<DB: Backend>(
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
    ) -> Result {
        draw_axis_titles(area, chart, &self.x_desc, &self.y_desc, pt)
    }
}

/// Draws axis titles (`x_desc`, `y_desc`: their lines) around the plot of
/// `chart`, centred on it: the x title at the bottom of `area`, the y
/// title (reading upwards) at its left.
impl Axes {
    /// A chart builder on `area` with these label areas and margins.
    pub(super) fn builder<'a, 'b, DB: DrawingBackend>(
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

pub(super) fn draw_axis_titles<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    chart: &ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    x_desc: &[String],
    y_desc: &[String],
    pt: Pt,
) -> Result {
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
pub(super) fn dims<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, pt: Pt) -> (f64, f64) {
    let (w, h) = area.dim_in_pixel();
    (w as f64 / pt, h as f64 / pt)
}

/// A mesh with the label styles, tick marks and tick counts of `axes`.
pub(super) fn style_mesh<DB: DrawingBackend>(
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

/// A backend pixel (as a chart maps to) in `area`'s own pixels (as
/// `area.draw` takes).
pub(super) fn local<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
) -> (i32, i32) {
    let (x0, y0) = area.get_base_pixel();
    (x - x0, y - y0)
}
