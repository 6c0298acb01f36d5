//! SVG text that renders the same on any machine: the DejaVu Sans subset a
//! figure uses embedded as a web font, or every text drawn as paths.
//!
//! plotters writes each text as `<text font-family="sans-serif">`, so a
//! reader without DejaVu Sans gets another font, with other widths, and the
//! layout that was measured with DejaVu's metrics ([`super::text`]) no
//! longer holds. Two ways out, chosen with `--svg-text`:
//!
//! - [`SvgText::Embedded`] (the default): the glyphs the figure uses are cut
//!   out of DejaVu Sans (regular, and bold where a title needs it) with
//!   `subsetter`, given a `cmap` and `OS/2` table so browsers and editors
//!   accept them as fonts, and embedded as base64 `@font-face` rules in the
//!   SVG; every text names that font first. Text stays text: selectable,
//!   searchable, editable in Inkscape or Illustrator, and what the layout
//!   check of the tests reads; a face's subset is 15-20 KB (most of it
//!   DejaVu's name table and hinting), about 50 KB of base64 for both.
//! - [`SvgText::Paths`]: usvg shapes every text with the embedded DejaVu
//!   and writes its outlines as paths. Nothing to resolve at all, for tools
//!   that ignore `@font-face`; text can no longer be selected or edited.
//!
//! The font's family name is `airace-` and a checksum of the subsets, so
//! several figures inlined in one HTML page, each with its own subset, never
//! take glyphs from another figure's font.

use base64::Engine as _;
use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};
use svg2pdf::usvg;

/// How an SVG figure carries its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SvgText {
    /// `<text>` with the subset of DejaVu Sans it uses embedded.
    #[default]
    Embedded,
    /// Every text drawn as paths.
    Paths,
}

impl SvgText {
    /// The names `--svg-text` takes.
    pub const NAMES: [&str; 2] = ["embedded", "paths"];

    pub fn parse(name: &str) -> Option<SvgText> {
        match name {
            "embedded" => Some(SvgText::Embedded),
            "paths" => Some(SvgText::Paths),
            _ => None,
        }
    }

    /// Makes plotters' SVG travel: see the module's documentation.
    pub fn apply(self, svg: &str) -> String {
        match self {
            SvgText::Embedded => embed_fonts(svg),
            SvgText::Paths => paths(svg),
        }
    }
}

/// The font database usvg (and svg2pdf) shape text with: the two DejaVu
/// faces figures are drawn in, as the `sans-serif` family; no system fonts.
pub fn fontdb() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(dejavu::sans::regular().to_vec());
        db.load_font_data(dejavu::sans::bold().to_vec());
        db.set_sans_serif_family("DejaVu Sans");
        Arc::new(db)
    })
    .clone()
}

/// plotters' SVG parsed by usvg, text shaped with [`fontdb`].
pub fn tree(svg: &str) -> usvg::Tree {
    let options = usvg::Options {
        fontdb: fontdb(),
        font_family: "DejaVu Sans".to_string(),
        ..usvg::Options::default()
    };
    usvg::Tree::from_str(svg, &options).expect("plotters writes well-formed SVG")
}

/// Every text of `svg` as paths (usvg's writer outlines the shaped glyphs).
pub fn paths(svg: &str) -> String {
    let mut out = tree(svg).to_string(&usvg::WriteOptions::default());
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// `svg` with the DejaVu Sans subsets its texts use embedded as
/// `@font-face` rules, and every text naming that font first.
pub fn embed_fonts(svg: &str) -> String {
    let (regular, bold) = characters(svg);
    let faces: Vec<(&str, Vec<u8>)> = [
        ("normal", regular, dejavu::sans::regular()),
        ("bold", bold, dejavu::sans::bold()),
    ]
    .into_iter()
    .filter(|(_, chars, _)| !chars.is_empty())
    .map(|(weight, chars, font)| (weight, subset(font, &chars)))
    .collect();
    if faces.is_empty() {
        return svg.to_string();
    }
    let mut crc = crc32fast::Hasher::new();
    for (_, bytes) in &faces {
        crc.update(bytes);
    }
    let family = format!("airace-{:08x}", crc.finalize());
    let mut style = String::from("<defs><style>");
    for (weight, bytes) in &faces {
        style.push_str(&format!(
            "@font-face{{font-family:\"{family}\";font-weight:{weight};src:url(data:font/ttf;base64,{})}}",
            base64::engine::general_purpose::STANDARD.encode(bytes)
        ));
    }
    style.push_str("</style></defs>\n");
    let body = svg.replace(
        "font-family=\"sans-serif\"",
        &format!("font-family=\"{family}, DejaVu Sans, sans-serif\""),
    );
    // The rules go right after the root element's start tag.
    match body
        .find("<svg")
        .and_then(|at| body[at..].find('>').map(|end| at + end + 1))
    {
        Some(at) => {
            let mut out = String::with_capacity(body.len() + style.len() + 1);
            out.push_str(&body[..at]);
            out.push('\n');
            out.push_str(&style);
            out.push_str(body[at..].trim_start_matches('\n'));
            out
        }
        None => body,
    }
}

/// The characters of the regular and of the bold texts of `svg`.
pub fn characters(svg: &str) -> (BTreeSet<char>, BTreeSet<char>) {
    let (mut regular, mut bold) = (BTreeSet::new(), BTreeSet::new());
    let mut rest = svg;
    while let Some(start) = rest.find("<text") {
        rest = &rest[start..];
        let Some(tag_end) = rest.find('>') else { break };
        let tag = &rest[..tag_end];
        let Some(end) = rest.find("</text>") else {
            break;
        };
        let content = rest[tag_end + 1..end].trim_matches('\n');
        let set = if tag.contains("font-weight=\"bold\"") {
            &mut bold
        } else {
            &mut regular
        };
        set.extend(unescape(content).chars().filter(|c| !c.is_control()));
        rest = &rest[end..];
    }
    (regular, bold)
}

/// XML character references and the five predefined entities resolved.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';') else { break };
        let entity = &rest[1..end];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The glyphs of `chars` (and `.notdef`) cut out of `font`, as a TrueType
/// font a browser accepts: subsetter's subset (made for PDF, it has no
/// `cmap` and no `OS/2`) with a format 4 `cmap` mapping each character to
/// its new glyph and the original `OS/2`.
pub fn subset(font: &[u8], chars: &BTreeSet<char>) -> Vec<u8> {
    use ab_glyph::Font as _;
    let face = ab_glyph::FontRef::try_from_slice(font).expect("DejaVu Sans is valid TrueType");
    let mut remapper = subsetter::GlyphRemapper::new();
    let mut mapped = Vec::new();
    for &c in chars.iter().filter(|c| (**c as u32) < 0xFFFF) {
        let old = face.glyph_id(c).0;
        if old != 0 {
            mapped.push((c as u16, remapper.remap(old)));
        }
    }
    let cut = subsetter::subset(font, 0, &remapper).expect("DejaVu Sans subsets");
    let mut tables = tables(&cut);
    tables.push((*b"cmap", cmap(&mapped)));
    if let Some(os2) = tables_of(font, *b"OS/2") {
        let mut os2 = os2.to_vec();
        // usFirstCharIndex and usLastCharIndex.
        if let (Some(first), Some(last)) = (mapped.first(), mapped.last()) {
            os2[64..66].copy_from_slice(&first.0.to_be_bytes());
            os2[66..68].copy_from_slice(&last.0.to_be_bytes());
        }
        tables.push((*b"OS/2", os2));
    }
    assemble(tables)
}

/// The tables of a font: (tag, bytes).
fn tables(font: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
    let count = u16::from_be_bytes([font[4], font[5]]) as usize;
    (0..count)
        .map(|i| {
            let r = &font[12 + 16 * i..28 + 16 * i];
            let offset = u32::from_be_bytes(r[8..12].try_into().unwrap()) as usize;
            let length = u32::from_be_bytes(r[12..16].try_into().unwrap()) as usize;
            (
                r[..4].try_into().unwrap(),
                font[offset..offset + length].to_vec(),
            )
        })
        .collect()
}

fn tables_of(font: &[u8], tag: [u8; 4]) -> Option<Vec<u8>> {
    tables(font)
        .into_iter()
        .find(|(t, _)| *t == tag)
        .map(|(_, bytes)| bytes)
}

/// A `cmap` with one format 4 subtable (Windows, Unicode BMP): a segment
/// per character, its `idDelta` taking it to its glyph, and the closing
/// `0xFFFF` segment.
fn cmap(mapped: &[(u16, u16)]) -> Vec<u8> {
    let segments = mapped.len() + 1;
    let log = usize::BITS - 1 - segments.leading_zeros();
    let search_range = 2u16 << log;
    let mut sub = Vec::new();
    let length = 16 + 8 * segments;
    for x in [
        4u16,
        length as u16,
        0,
        2 * segments as u16,
        search_range,
        log as u16,
        2 * segments as u16 - search_range,
    ] {
        sub.extend_from_slice(&x.to_be_bytes());
    }
    for &(c, _) in mapped {
        sub.extend_from_slice(&c.to_be_bytes());
    }
    sub.extend_from_slice(&0xFFFFu16.to_be_bytes());
    sub.extend_from_slice(&0u16.to_be_bytes());
    for &(c, _) in mapped {
        sub.extend_from_slice(&c.to_be_bytes());
    }
    sub.extend_from_slice(&0xFFFFu16.to_be_bytes());
    for &(c, glyph) in mapped {
        sub.extend_from_slice(&glyph.wrapping_sub(c).to_be_bytes());
    }
    sub.extend_from_slice(&1u16.to_be_bytes());
    sub.extend(std::iter::repeat_n(0u8, 2 * segments));
    debug_assert_eq!(sub.len(), length);
    let mut out = Vec::new();
    for x in [0u16, 1, 3, 1] {
        out.extend_from_slice(&x.to_be_bytes());
    }
    out.extend_from_slice(&12u32.to_be_bytes());
    out.extend_from_slice(&sub);
    out
}

fn checksum(bytes: &[u8]) -> u32 {
    bytes.chunks(4).fold(0u32, |sum, c| {
        let mut word = [0u8; 4];
        word[..c.len()].copy_from_slice(c);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// A TrueType font of `tables`: sorted directory, 4-byte aligned tables,
/// their checksums and `head.checkSumAdjustment`.
fn assemble(mut tables: Vec<([u8; 4], Vec<u8>)>) -> Vec<u8> {
    tables.sort_by_key(|(tag, _)| *tag);
    let count = tables.len();
    let log = usize::BITS - 1 - count.leading_zeros();
    let search_range = 16u16 << log;
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    for x in [
        count as u16,
        search_range,
        log as u16,
        16 * count as u16 - search_range,
    ] {
        out.extend_from_slice(&x.to_be_bytes());
    }
    let mut offset = 12 + 16 * count;
    let mut head_at = None;
    for (tag, bytes) in &mut tables {
        if tag == b"head" {
            bytes[8..12].fill(0);
            head_at = Some(offset);
        }
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(bytes).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
        offset += bytes.len().div_ceil(4) * 4;
    }
    for (_, bytes) in &tables {
        out.extend_from_slice(bytes);
        out.resize(out.len().div_ceil(4) * 4, 0);
    }
    if let Some(at) = head_at {
        let adjust = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjust.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ab_glyph::Font as _;

    const SVG: &str = "<svg width=\"100\" height=\"50\" viewBox=\"0 0 100 50\" xmlns=\"http://www.w3.org/2000/svg\">\n\
<text x=\"10\" y=\"20\" font-family=\"sans-serif\" font-size=\"12\" font-weight=\"bold\">\nRisk &amp; a\n</text>\n\
<text x=\"10\" y=\"40\" font-family=\"sans-serif\" font-size=\"10\">\nP(x) &lt; 0.5 &#x2248; &#177;\n</text>\n</svg>\n";

    #[test]
    fn the_characters_of_each_weight_are_read_with_entities_resolved() {
        let (regular, bold) = characters(SVG);
        assert_eq!(bold.into_iter().collect::<String>(), " &Raiks");
        assert_eq!(
            regular.into_iter().collect::<String>(),
            " ().05<Px\u{b1}\u{2248}"
        );
    }

    #[test]
    fn a_subset_maps_each_character_to_the_same_outline() {
        let chars: BTreeSet<char> = "Rk±≈".chars().collect();
        let font = dejavu::sans::regular();
        let cut = subset(font, &chars);
        assert!(cut.len() < font.len() / 20, "{} bytes", cut.len());
        let full = ab_glyph::FontRef::try_from_slice(font).unwrap();
        let small = ab_glyph::FontRef::try_from_slice(&cut).expect("the subset parses");
        for c in chars {
            let (a, b) = (full.glyph_id(c), small.glyph_id(c));
            assert_ne!(b.0, 0, "{c} is mapped");
            assert_eq!(
                full.h_advance_unscaled(a),
                small.h_advance_unscaled(b),
                "{c}"
            );
            assert_eq!(
                full.outline(a).map(|o| o.curves.len()),
                small.outline(b).map(|o| o.curves.len()),
                "{c}"
            );
        }
        assert_eq!(
            small.glyph_id('Z').0,
            0,
            "characters not asked for are not in it"
        );
        // The whole font sums to 0xB1B0AFBA, as the OpenType spec requires.
        assert_eq!(checksum(&cut), 0xB1B0_AFBA);
    }

    #[test]
    fn embedding_names_the_font_in_every_text_and_is_deterministic() {
        let out = embed_fonts(SVG);
        assert_eq!(out, embed_fonts(SVG));
        assert_eq!(out.matches("@font-face").count(), 2);
        assert!(out.contains("font-weight:bold"));
        assert!(!out.contains("font-family=\"sans-serif\""));
        let family = out.split("font-family:\"").nth(1).unwrap();
        let family = &family[..family.find('"').unwrap()];
        assert!(family.starts_with("airace-"), "{family}");
        assert_eq!(out.matches(&format!("font-family=\"{family}, ")).count(), 2);
        // The style comes right after the root's start tag.
        assert!(out.lines().nth(1).unwrap().starts_with("<defs><style>"));
    }

    #[test]
    fn paths_leave_no_text() {
        let out = paths(SVG);
        assert!(!out.contains("<text"), "{out}");
        assert!(out.matches("<path").count() >= 2, "{out}");
    }
}
