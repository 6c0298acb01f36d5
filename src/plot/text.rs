//! Type in points and text measured with the font it is drawn in.
//!
//! Every text of a figure has one of three fixed sizes, whatever the
//! figure's width and resolution (a journal column is 3.5 in; a page 6.5 in):
//!
//! | what | size |
//! |---|---|
//! | figure titles (bold) | [`TITLE_PT`] = 9 pt |
//! | axis titles, legends, panel titles, corner names | [`LABEL_PT`] = 8 pt |
//! | tick labels, category names, text in cells | [`TICK_PT`] = 7 pt |
//!
//! Widths come from the DejaVu Sans glyph advances and kerning (the font
//! the figures are drawn in, embedded with the `dejavu` crate), so layout
//! decisions (wrapping a label, sizing a label area) hold for what is drawn.
//! A text's box is its advance width by one em: from 0.76 em above the
//! baseline (DejaVu's capitals are 0.73 em tall) to 0.24 em below it (its
//! descenders reach 0.236 em).

use ab_glyph::{Font, FontRef};
use std::sync::OnceLock;

/// Figure titles, bold.
pub const TITLE_PT: f64 = 9.0;
/// Axis titles, legend entries, panel titles, the simplex's corners.
pub const LABEL_PT: f64 = 8.0;
/// Tick labels, category names under bars, text in heatmap cells.
pub const TICK_PT: f64 = 7.0;
/// Every size a figure's text may have.
pub const SIZES: [f64; 3] = [TITLE_PT, LABEL_PT, TICK_PT];

/// The part of a text's box above its baseline, in em.
pub const ASCENT_EM: f64 = 0.76;
/// The part of a text's box below its baseline, in em.
pub const DESCENT_EM: f64 = 0.24;
/// DejaVu Sans's x-height in em (1120 / 2048): the `ex` unit of SVG's `dy`.
pub const EX_EM: f64 = 1120.0 / 2048.0;

/// The two faces figures use.
fn face(bold: bool) -> &'static FontRef<'static> {
    static REGULAR: OnceLock<FontRef<'static>> = OnceLock::new();
    static BOLD: OnceLock<FontRef<'static>> = OnceLock::new();
    let (cell, bytes) = if bold {
        (&BOLD, dejavu::sans::bold())
    } else {
        (&REGULAR, dejavu::sans::regular())
    };
    cell.get_or_init(|| FontRef::try_from_slice(bytes).expect("DejaVu Sans is valid TrueType"))
}

/// The advance width of `text` in em (sum of glyph advances and kerning).
pub fn width_em(text: &str, bold: bool) -> f64 {
    let font = face(bold);
    let units = font.units_per_em().unwrap_or(2048.0) as f64;
    let mut total = 0.0f64;
    let mut prev = None;
    for c in text.chars() {
        let id = font.glyph_id(c);
        total += font.h_advance_unscaled(id) as f64;
        if let Some(p) = prev {
            total += font.kern_unscaled(p, id) as f64;
        }
        prev = Some(id);
    }
    total / units
}

/// The width of `text` set at `size` points, in points.
pub fn width_pt(text: &str, size: f64, bold: bool) -> f64 {
    width_em(text, bold) * size
}

/// The font's height (ascent minus descent) per em: plotters scales a font
/// so that `size` is this height, not the em.
pub fn height_per_em() -> f64 {
    let font = face(false);
    let units = font.units_per_em().unwrap_or(2048.0) as f64;
    (font.ascent_unscaled() - font.descent_unscaled()) as f64 / units
}

/// Where `text` may break: after a space (dropped), after '-', '_', '.',
/// '/' or ',', and between a lower-case letter or digit and a capital
/// (camel case). Returns the pieces, each with the text that joins it to
/// the next when they stay on one line.
fn pieces(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            if !current.is_empty() {
                out.push((std::mem::take(&mut current), " ".into()));
            }
            continue;
        }
        current.push(c);
        let next = chars.get(i + 1).copied();
        let breaks_after = matches!(c, '-' | '_' | '.' | '/' | ',')
            && next.is_some_and(|n| n != ' ' && !(c == '.' && n.is_ascii_digit()))
            && current.chars().count() > 1;
        let camel =
            (c.is_lowercase() || c.is_ascii_digit()) && next.is_some_and(char::is_uppercase);
        if breaks_after || camel {
            out.push((std::mem::take(&mut current), String::new()));
        }
    }
    if !current.is_empty() {
        out.push((current, String::new()));
    }
    out
}

/// `text` in lines no wider than `max_pt` points at `size` points, breaking
/// where [`pieces`] allows and filling each line greedily. A piece wider
/// than `max_pt` stays whole on its own line (check with [`fits`]).
pub fn wrap(text: &str, max_pt: f64, size: f64, bold: bool) -> Vec<String> {
    if width_pt(text, size, bold) <= max_pt {
        return vec![text.to_string()];
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut joiner = String::new();
    for (piece, join) in pieces(text) {
        let candidate = format!("{line}{joiner}{piece}");
        if line.is_empty() || width_pt(&candidate, size, bold) <= max_pt {
            line = candidate;
        } else {
            lines.push(std::mem::take(&mut line));
            line = piece;
        }
        joiner = join;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Whether every line is at most `max_pt` points wide at `size` points.
pub fn fits(lines: &[String], max_pt: f64, size: f64, bold: bool) -> bool {
    lines.iter().all(|l| width_pt(l, size, bold) <= max_pt)
}

/// The widest of `texts` at `size` points, in points.
pub fn widest_pt<'a>(texts: impl IntoIterator<Item = &'a str>, size: f64, bold: bool) -> f64 {
    texts
        .into_iter()
        .map(|t| width_pt(t, size, bold))
        .fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_the_glyphs() {
        // DejaVu Sans: 'i' is 569/2048 em, 'm' 1995/2048 em.
        assert!((width_em("i", false) - 569.0 / 2048.0).abs() < 1e-9);
        assert!((width_em("m", false) - 1995.0 / 2048.0).abs() < 1e-9);
        assert!(width_em("mm", true) > width_em("mm", false));
        assert!((width_pt("m", 8.0, false) - 8.0 * 1995.0 / 2048.0).abs() < 1e-9);
    }

    /// The texts of `text`'s pieces.
    fn texts(text: &str) -> Vec<String> {
        pieces(text).into_iter().map(|p| p.0).collect()
    }

    #[test]
    fn names_without_spaces_break_at_their_joints() {
        assert_eq!(
            texts("transparency-every-3"),
            ["transparency-", "every-", "3"]
        );
        assert_eq!(
            texts("match_commitment.v2"),
            ["match_", "commitment.", "v2"]
        );
        assert_eq!(texts("RoadmapsAndReports"), ["Roadmaps", "And", "Reports"]);
        assert_eq!(
            texts("p_catastrophe 0.5"),
            ["p_", "catastrophe", "0.5"],
            "a decimal point stays"
        );
    }

    #[test]
    fn wrapping_fills_lines_up_to_the_width() {
        let name = "transparency-every-3";
        let whole = width_pt(name, 7.0, false);
        assert_eq!(wrap(name, whole, 7.0, false), [name]);
        let lines = wrap(
            name,
            width_pt("transparency-every-", 7.0, false),
            7.0,
            false,
        );
        assert_eq!(lines, ["transparency-every-", "3"]);
        let lines = wrap(name, width_pt("transparency-", 7.0, false), 7.0, false);
        assert_eq!(lines, ["transparency-", "every-3"]);
        assert!(fits(
            &lines,
            width_pt("transparency-", 7.0, false),
            7.0,
            false
        ));
        let lines = wrap("risk of catastrophe over time", 60.0, 7.0, false);
        assert!(fits(&lines, 60.0, 7.0, false), "{lines:?}");
        assert_eq!(lines.join(" "), "risk of catastrophe over time");
        // A piece wider than the width stays whole.
        assert_eq!(wrap("unbreakable", 5.0, 7.0, false), ["unbreakable"]);
    }
}
