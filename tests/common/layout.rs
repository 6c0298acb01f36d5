//! Text boxes of an SVG figure, measured as airace lays text out
//! (`airace::plot::text`), and what is wrong with them: text running into
//! text, text leaving the canvas, sizes other than the figures' points.

use airace::plot::text;

/// A text's box in SVG pixels, and what it says.
#[derive(Debug, Clone)]
pub struct TextBox {
    pub text: String,
    pub size_pt: f64,
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    tag[start..].split('"').next()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Every non-empty text of an SVG figure, measured.
pub fn text_boxes(svg: &str) -> Vec<TextBox> {
    let mut out = Vec::new();
    for t in svg.split("<text").skip(1) {
        let (tag, rest) = t.split_once('>').unwrap();
        let tag = format!(" {tag}");
        let content = unescape(rest.split("</text>").next().unwrap().trim());
        if content.is_empty() {
            continue;
        }
        let num = |name: &str| -> f64 {
            attr(&tag, name)
                .unwrap_or_else(|| panic!("no {name} in <text{tag}>"))
                .parse()
                .unwrap()
        };
        let (x, y, size) = (num("x"), num("y"), num("font-size"));
        let bold = attr(&tag, "font-weight") == Some("bold");
        let width = text::width_em(&content, bold) * size;
        let dy = match attr(&tag, "dy").unwrap_or("0") {
            "0.76em" => 0.76 * size,
            "0.5ex" => 0.5 * text::EX_EM * size,
            "-0.5ex" => -0.5 * text::EX_EM * size,
            "0" => 0.0,
            other => panic!("dy {other}"),
        };
        let shift = match attr(&tag, "text-anchor").unwrap_or("start") {
            "start" => 0.0,
            "middle" => -width / 2.0,
            "end" => -width,
            other => panic!("text-anchor {other}"),
        };
        // In the text's own frame, relative to (x, y).
        let (a0, a1) = (shift, shift + width);
        let (b0, b1) = (dy - text::ASCENT_EM * size, dy + text::DESCENT_EM * size);
        let angle = attr(&tag, "transform")
            .and_then(|t| t.strip_prefix("rotate("))
            .and_then(|t| t.split(',').next())
            .map(|a| a.trim().parse::<f64>().unwrap())
            .unwrap_or(0.0);
        // rotate(a, x, y) turns the frame clockwise by a degrees on screen.
        let (x0, y0, x1, y1) = match angle as i32 {
            0 => (x + a0, y + b0, x + a1, y + b1),
            // (u, v) -> (v, -u)
            270 => (x + b0, y - a1, x + b1, y - a0),
            // (u, v) -> (-v, u)
            90 => (x - b1, y + a0, x - b0, y + a1),
            other => panic!("rotation {other}"),
        };
        out.push(TextBox {
            text: content,
            size_pt: size * 72.0 / 96.0,
            x0,
            y0,
            x1,
            y1,
        });
    }
    out
}

pub fn svg_size(svg: &str) -> (f64, f64) {
    let head = svg.split_once('>').unwrap().0;
    (
        attr(head, "width").unwrap().parse().unwrap(),
        attr(head, "height").unwrap().parse().unwrap(),
    )
}

/// What is wrong with the text of one SVG, one line a problem.
pub fn problems(svg: &str) -> Vec<String> {
    let (w, h) = svg_size(svg);
    let boxes = text_boxes(svg);
    let mut out = Vec::new();
    // Half a pixel of slack for rounding to whole pixels.
    let slack = 0.5;
    for b in &boxes {
        if !text::SIZES.iter().any(|s| (s - b.size_pt).abs() < 1e-6) {
            out.push(format!(
                "{:?} is set at {} pt, not one of {:?}",
                b.text,
                b.size_pt,
                text::SIZES
            ));
        }
        if b.x0 < -slack || b.y0 < -slack || b.x1 > w + slack || b.y1 > h + slack {
            out.push(format!("{:?} leaves the {w} x {h} canvas: {b:?}", b.text));
        }
    }
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let dx = a.x1.min(b.x1) - a.x0.max(b.x0);
            let dy = a.y1.min(b.y1) - a.y0.max(b.y0);
            if dx > slack && dy > slack {
                out.push(format!("{:?} runs into {:?}: {a:?} {b:?}", a.text, b.text));
            }
        }
    }
    out
}
