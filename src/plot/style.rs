//! Colours, markers and number formats shared by every figure.
//!
//! The palette is Okabe–Ito, safe for the common forms of colour blindness.
//! Labs and scenarios take colours by their position, so a lab keeps its
//! colour across all figures of a run, and lines also differ in dash pattern
//! so they survive greyscale printing.

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

pub const BLACK: Rgb = Rgb(0, 0, 0);
pub const GREY: Rgb = Rgb(110, 110, 110);

/// Okabe–Ito, ordered for contrast on white (yellow last).
pub const PALETTE: [Rgb; 8] = [
    Rgb(0, 114, 178),   // blue
    Rgb(213, 94, 0),    // vermillion
    Rgb(0, 158, 115),   // bluish green
    Rgb(204, 121, 167), // reddish purple
    Rgb(230, 159, 0),   // orange
    Rgb(86, 180, 233),  // sky blue
    Rgb(0, 0, 0),       // black
    Rgb(240, 228, 66),  // yellow
];

/// Paul Tol's "muted" scheme, for the 9th lab or scenario on: distinct from
/// Okabe–Ito and from one another, though not all of it is safe for every
/// form of colour blindness.
pub const MORE: [Rgb; 9] = [
    Rgb(204, 102, 119), // rose
    Rgb(51, 34, 136),   // indigo
    Rgb(221, 204, 119), // sand
    Rgb(17, 119, 51),   // green
    Rgb(136, 34, 85),   // wine
    Rgb(68, 170, 153),  // teal
    Rgb(153, 153, 51),  // olive
    Rgb(170, 68, 153),  // purple
    Rgb(136, 204, 238), // cyan
];

/// The colour of the `i`-th lab or scenario: Okabe–Ito for the first 8,
/// then Tol's muted scheme; colours repeat only after 17.
pub fn color(i: usize) -> Rgb {
    let i = i % (PALETTE.len() + MORE.len());
    PALETTE
        .get(i)
        .copied()
        .unwrap_or_else(|| MORE[i - PALETTE.len()])
}

/// The line pattern of the `i`-th scenario or strategy: five patterns, so
/// that the five scenarios of the default comparison differ in greyscale.
pub fn dash(i: usize) -> super::figure::Dash {
    use super::figure::Dash;
    [
        Dash::Solid,
        Dash::Dashed,
        Dash::Dotted,
        Dash::LongDashed,
        Dash::SparseDotted,
    ][i % 5]
}

/// Marker shapes for scatter points, by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    Circle,
    Square,
    Triangle,
    Cross,
    Diamond,
}

/// The marker of the `i`-th scenario: five shapes, so that the five
/// scenarios of the default comparison differ in greyscale too.
pub fn marker(i: usize) -> Marker {
    [
        Marker::Circle,
        Marker::Square,
        Marker::Triangle,
        Marker::Cross,
        Marker::Diamond,
    ][i % 5]
}

/// A tick label: as few digits as the value needs, at most four decimals.
pub fn tick(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// The viridis colour map (perceptually uniform, greyscale-safe) at `t` in [0, 1].
pub fn viridis(t: f64) -> Rgb {
    // Key colours of matplotlib's viridis at t = 0, 0.25, 0.5, 0.75, 1.
    const KEYS: [(f64, f64, f64); 5] = [
        (68.0, 1.0, 84.0),
        (59.0, 82.0, 139.0),
        (33.0, 145.0, 140.0),
        (94.0, 201.0, 98.0),
        (253.0, 231.0, 37.0),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let pos = t * 4.0;
    let k = (pos.floor() as usize).min(3);
    let f = pos - k as f64;
    let (a, b) = (KEYS[k], KEYS[k + 1]);
    let mix = |x: f64, y: f64| (x + (y - x) * f).round() as u8;
    Rgb(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// The smallest and largest of the finite `values` (infinite and NaN ones
/// are passed over); `(inf, -inf)` when there is none.
pub fn range_of(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        })
}

/// A y range from 0 that fits `max` with a little headroom.
pub fn upper(max: f64) -> f64 {
    if !(max.is_finite()) || max <= 0.0 {
        1.0
    } else {
        max * 1.08
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_short() {
        assert_eq!(tick(0.5), "0.5");
        assert_eq!(tick(10.0), "10");
        assert_eq!(tick(0.00012), "0.0001");
        assert_eq!(tick(-0.0), "0");
    }

    #[test]
    fn viridis_runs_dark_to_light() {
        assert_eq!(viridis(0.0), Rgb(68, 1, 84));
        assert_eq!(viridis(1.0), Rgb(253, 231, 37));
        let lum = |c: Rgb| 0.3 * c.0 as f64 + 0.59 * c.1 as f64 + 0.11 * c.2 as f64;
        assert!(lum(viridis(0.3)) < lum(viridis(0.7)));
    }
}
