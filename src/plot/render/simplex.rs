//! The ternary plot of three frequencies: paths with arrowheads and
//! marked points inside the triangle.

use super::*;

/// The corners of the simplex in the plane: bottom left, bottom right, top.
pub(super) const CORNERS: [(f64, f64); 3] =
    [(0.0, 0.0), (1.0, 0.0), (0.5, 0.866_025_403_784_438_6)];

pub(super) fn project(x: &[f64; 3]) -> (f64, f64) {
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
pub(super) fn draw_simplex<DB: Backend>(
    area: &DrawingArea<DB, Shift>,
    s: &Simplex,
    pt: Pt,
) -> Result {
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
pub(super) fn arrowhead(points: &[[f64; 3]], scale: f64, size: f64) -> Option<[(f64, f64); 3]> {
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
