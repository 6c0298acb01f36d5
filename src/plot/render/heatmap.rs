//! Heatmaps: cells coloured by value with a colour scale, curves and a
//! hatched zone over them, and text in the cells.

use super::*;

pub(super) fn draw_heatmap<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    h: &Heatmap,
    pt: Pt,
) -> Result {
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
        &h.labels.y_label,
        main_h - MARGIN - 4.0 - TICK_GAP - 2.0 * TICK_LINE - 3.0 - 2.0 * DESC_LINE,
    );
    let y_area = widest_y + TICK_GAP + 2.0 + y_desc.len() as f64 * DESC_LINE + 2.0;
    let x_desc = title_lines(&h.labels.x_label, main_w - y_area - MARGIN - 2.0);
    let cell_width = (main_w - y_area - MARGIN - 2.0) / nx as f64;
    // Column names: every `step`-th (from the first named one) so that each
    // has the width of the cells up to the next, wrapped to it, or turned
    // to read upwards when a name cannot break to fit.
    let (named, given) = named_every(&x_names);
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
    let (named_rows, row_gap) = named_every(&y_names);
    let row_gap = row_gap as f64;
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
pub(super) const HATCH_GAP: f64 = 3.5;

/// Hatches a heatmap's zone with diagonals through the cells' corners
/// (every `k`-th diagonal, so that lines are at least [`HATCH_GAP`] apart)
/// and outlines it along the cell edges it shares with other cells.
pub(super) fn draw_zone<DB: Backend>(
    chart: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    zone: &crate::plot::figure::Zone,
    pt: Pt,
) -> Result {
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

/// The indices of the names that are not empty, and the fewest cells
/// between two of them (1 with fewer than two).
fn named_every(names: &[String]) -> (Vec<usize>, usize) {
    let named: Vec<usize> = (0..names.len()).filter(|&i| !names[i].is_empty()).collect();
    let every = named
        .windows(2)
        .map(|w| w[1] - w[0])
        .min()
        .unwrap_or(1)
        .max(1);
    (named, every)
}
