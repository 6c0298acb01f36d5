//! Figures as vector PDF, the format most journals ask for.
//!
//! The figure's SVG (as plotters draws it, text as `<text>`) is parsed by
//! usvg with the embedded DejaVu faces ([`super::svg_text::fontdb`]) and
//! written by svg2pdf: lines and fills stay vectors, text stays text in a
//! TrueType subset of DejaVu Sans embedded in the file (`/FontFile2`), so
//! the PDF looks the same in every viewer and its words can be searched.
//!
//! The page is the figure's size in points: an SVG pixel is 1/96 in
//! ([`super::render::SVG_PPI`]) and a PDF unit 1/72 in. The SVG is whole
//! pixels, so the page is within half a pixel (0.375 pt) of the size asked
//! for: 3.5 x 2.6 in (336 x 249.6 px, drawn as 336 x 250) is 252 x 187.5 pt.

use super::render::SVG_PPI;

/// The PDF of plotters' `svg`, the same bytes every time ([`canonical`]).
pub fn from_svg(svg: &str) -> Vec<u8> {
    let tree = super::svg_text::tree(svg);
    let pdf = svg2pdf::to_pdf(
        &tree,
        svg2pdf::ConversionOptions::default(),
        svg2pdf::PageOptions {
            dpi: SVG_PPI as f32,
        },
    )
    .expect("svg2pdf converts what usvg parsed from plotters' SVG");
    canonical(&pdf).expect("svg2pdf writes a plain xref table")
}

/// `pdf` with its objects numbered and written in one order, whatever
/// order svg2pdf wrote them in.
///
/// svg2pdf keeps its fonts and a page's resources in `HashMap`s, so the
/// order of the fonts' objects (and so their numbers) and of the entries
/// of a resource dictionary change from run to run. Here the entries of
/// every dictionary that only holds references (`/Font`, `/ExtGState`,
/// `/XObject`, ...) are sorted by name, and the objects are renumbered in
/// the order a depth-first walk from the trailer's `/Root` and `/Info`
/// first meets them (references read in the order they are written), then
/// written in that order with a new cross-reference table. Streams are
/// copied as they are. `None` if `pdf` is not laid out as pdf-writer
/// writes it (one `xref` table, objects at its offsets).
pub fn canonical(pdf: &[u8]) -> Option<Vec<u8>> {
    let xref_at = find_last(pdf, b"\nxref\n")? + 1;
    let mut tokens = std::str::from_utf8(&pdf[xref_at..])
        .ok()?
        .split_ascii_whitespace();
    tokens.next(); // "xref"
    let (first, count): (usize, usize) =
        (tokens.next()?.parse().ok()?, tokens.next()?.parse().ok()?);
    if first != 0 {
        return None;
    }
    let mut offsets = vec![None; count];
    for slot in offsets.iter_mut() {
        let (offset, _, kind) = (tokens.next()?, tokens.next()?, tokens.next()?);
        if kind == "n" {
            *slot = Some(offset.parse::<usize>().ok()?);
        }
    }
    let trailer: Vec<&str> = tokens.take_while(|t| *t != "startxref").collect();
    let trailer = trailer.join(" ");
    // Each object's bytes: from its offset to the next object or the xref.
    let mut starts: Vec<usize> = offsets.iter().flatten().copied().collect();
    starts.sort_unstable();
    starts.push(xref_at);
    let mut objects: Vec<Option<(Vec<u8>, Vec<u8>)>> = vec![None; count];
    for (id, offset) in offsets.iter().enumerate() {
        let Some(at) = *offset else { continue };
        let end = starts[starts.iter().position(|s| *s == at)? + 1];
        let body = pdf.get(at..end)?;
        let header = format!("{id} 0 obj\n");
        let body = body.strip_prefix(header.as_bytes())?;
        // The dictionary, and the stream (or nothing) after it.
        let split = find(body, b"\nstream\n").unwrap_or(body.len());
        let dict = sorted_references(&body[..split]);
        objects[id] = Some((dict, body[split..].to_vec()));
    }
    // New numbers in the order a depth-first walk meets the objects.
    let mut number = vec![0usize; count];
    let mut next = 1;
    let mut stack: Vec<usize> = references(trailer.as_bytes()).into_iter().rev().collect();
    while let Some(id) = stack.pop() {
        if id >= count || number[id] != 0 || objects[id].is_none() {
            continue;
        }
        number[id] = next;
        next += 1;
        let (dict, _) = objects[id].as_ref()?;
        stack.extend(references(dict).into_iter().rev());
    }
    for (id, object) in objects.iter().enumerate() {
        if object.is_some() && number[id] == 0 {
            number[id] = next;
            next += 1;
        }
    }
    let mut order: Vec<usize> = (0..count).filter(|id| objects[*id].is_some()).collect();
    order.sort_by_key(|id| number[*id]);
    let first_object = *starts.first()?;
    let mut out = pdf[..first_object].to_vec();
    let mut new_offsets = Vec::with_capacity(order.len());
    for id in order {
        let (dict, rest) = objects[id].as_ref()?;
        new_offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", number[id]).as_bytes());
        out.extend_from_slice(&renumbered(dict, &number));
        out.extend_from_slice(rest);
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {next}\n0000000000 65535 f\r\n").as_bytes());
    for offset in new_offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n\r\n").as_bytes());
    }
    let trailer = String::from_utf8(renumbered(trailer.as_bytes(), &number)).ok()?;
    let trailer = trailer
        .replace("<< ", "<<\n  ")
        .replace(" /", "\n  /")
        .replace(" >>", "\n>>")
        .replace(&format!("/Size {count}"), &format!("/Size {next}"));
    out.extend_from_slice(format!("{trailer}\nstartxref\n{xref}\n%%EOF").as_bytes());
    Some(out)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// Where `N 0 R` references are in `text`: (start, end, N), in order.
fn reference_spans(text: &[u8]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if text[i].is_ascii_digit()
            && (i == 0 || !text[i - 1].is_ascii_alphanumeric() && text[i - 1] != b'.')
        {
            let mut j = i;
            while j < text.len() && text[j].is_ascii_digit() {
                j += 1;
            }
            let end = j + 4;
            if text.get(j..end) == Some(b" 0 R")
                && text.get(end).is_none_or(|c| !c.is_ascii_alphanumeric())
            {
                if let Some(n) = std::str::from_utf8(&text[i..j])
                    .ok()
                    .and_then(|s| s.parse().ok())
                {
                    out.push((i, end, n));
                }
                i = end;
                continue;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

fn references(text: &[u8]) -> Vec<usize> {
    reference_spans(text)
        .into_iter()
        .map(|(_, _, n)| n)
        .collect()
}

/// `text` with every reference `N 0 R` made `number[N] 0 R`.
fn renumbered(text: &[u8], number: &[usize]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut at = 0;
    for (start, end, n) in reference_spans(text) {
        out.extend_from_slice(&text[at..start]);
        let new = number.get(n).copied().filter(|m| *m != 0).unwrap_or(n);
        out.extend_from_slice(format!("{new} 0 R").as_bytes());
        at = end;
    }
    out.extend_from_slice(&text[at..]);
    out
}

/// `dict` with the lines of each nested dictionary that holds nothing but
/// `/Name N 0 R` entries sorted by name.
fn sorted_references(dict: &[u8]) -> Vec<u8> {
    let lines: Vec<&[u8]> = dict.split(|b| *b == b'\n').collect();
    let is_entry = |line: &[u8]| {
        let t = line.trim_ascii();
        t.first() == Some(&b'/')
            && reference_spans(t).len() == 1
            && reference_spans(t)[0].1 == t.len()
    };
    let mut out: Vec<Vec<u8>> = Vec::with_capacity(lines.len());
    let mut k = 0;
    while k < lines.len() {
        out.push(lines[k].to_vec());
        if lines[k].trim_ascii_end().ends_with(b"<<") {
            let run = lines[k + 1..].iter().take_while(|l| is_entry(l)).count();
            let closes = lines
                .get(k + 1 + run)
                .is_some_and(|l| l.trim_ascii() == b">>");
            if run > 1 && closes {
                let mut entries: Vec<&[u8]> = lines[k + 1..k + 1 + run].to_vec();
                entries.sort_by_key(|l| {
                    l.trim_ascii()
                        .split(|b| *b == b' ')
                        .next()
                        .map(<[u8]>::to_vec)
                });
                out.extend(entries.into_iter().map(<[u8]>::to_vec));
                k += run;
            }
        }
        k += 1;
    }
    out.join(&b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVG: &str = "<svg width=\"336\" height=\"250\" viewBox=\"0 0 336 250\" xmlns=\"http://www.w3.org/2000/svg\">\n\
<rect x=\"0\" y=\"0\" width=\"336\" height=\"250\" fill=\"#FFFFFF\"/>\n\
<text x=\"10\" y=\"20\" font-family=\"sans-serif\" font-size=\"12\" font-weight=\"bold\">\nRisk by step\n</text>\n\
<text x=\"10\" y=\"40\" font-family=\"sans-serif\" font-size=\"10\">\nP(catastrophe) \u{b1} 95%\n</text>\n</svg>\n";

    #[test]
    fn a_pdf_page_is_the_figure_in_points_with_its_fonts_embedded() {
        let pdf = from_svg(SVG);
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        // 336 x 250 px at 96 px/in: 3.5 x 2.604 in, 252 x 187.5 pt.
        let at = text.find("/MediaBox [").unwrap() + "/MediaBox [".len();
        let page: Vec<f64> = text[at..at + text[at..].find(']').unwrap()]
            .split_whitespace()
            .map(|n| n.parse().unwrap())
            .collect();
        assert_eq!(page, [0.0, 0.0, 252.0, 187.5]);
        assert!(text.contains("/FontFile2"), "a TrueType font is embedded");
        assert_eq!(text.matches("/FontFile2").count(), 2, "regular and bold");
        assert!(text.contains("DejaVuSans"));
        assert_eq!(pdf, from_svg(SVG), "the same bytes every time");
    }

    #[test]
    fn canonical_order_does_not_depend_on_the_order_written() {
        // Two PDFs alike but for the order of their objects and of a
        // resource dictionary's entries, as svg2pdf writes them run to run.
        fn pdf(objects: &[(usize, &str)], root: usize) -> Vec<u8> {
            let mut out = b"%PDF-1.7\n%\x80\x80\x80\x80\n\n".to_vec();
            let mut offsets = vec![0; objects.len() + 1];
            for (id, body) in objects {
                offsets[*id] = out.len();
                out.extend_from_slice(format!("{id} 0 obj\n{body}\nendobj\n\n").as_bytes());
            }
            let xref = out.len();
            out.extend_from_slice(
                format!("xref\n0 {}\n0000000000 65535 f\r\n", offsets.len()).as_bytes(),
            );
            for o in &offsets[1..] {
                out.extend_from_slice(format!("{o:010} 00000 n\r\n").as_bytes());
            }
            out.extend_from_slice(
                format!(
                    "trailer\n<<\n  /Size {}\n  /Root {root} 0 R\n>>\nstartxref\n{xref}\n%%EOF",
                    offsets.len()
                )
                .as_bytes(),
            );
            out
        }
        let a = pdf(
            &[
                (
                    1,
                    "<<\n  /Type /Catalog\n  /Font <<\n    /fo0 2 0 R\n    /fo1 3 0 R\n  >>\n>>",
                ),
                (2, "<<\n  /Name /A\n  /Data 4 0 R\n>>"),
                (3, "<<\n  /Name /B\n  /Data 5 0 R\n>>"),
                (4, "<<\n  /Length 1\n>>\nstream\nx\nendstream"),
                (5, "<<\n  /Length 1\n>>\nstream\ny\nendstream"),
            ],
            1,
        );
        let b = pdf(
            &[
                (3, "<<\n  /Name /B\n  /Data 4 0 R\n>>"),
                (4, "<<\n  /Length 1\n>>\nstream\ny\nendstream"),
                (
                    1,
                    "<<\n  /Type /Catalog\n  /Font <<\n    /fo1 3 0 R\n    /fo0 2 0 R\n  >>\n>>",
                ),
                (2, "<<\n  /Name /A\n  /Data 5 0 R\n>>"),
                (5, "<<\n  /Length 1\n>>\nstream\nx\nendstream"),
            ],
            1,
        );
        assert_ne!(a, b);
        let (ca, cb) = (canonical(&a).unwrap(), canonical(&b).unwrap());
        assert_eq!(String::from_utf8_lossy(&ca), String::from_utf8_lossy(&cb));
        // And the xref points at each object.
        let text = String::from_utf8_lossy(&ca).into_owned();
        let xref = text.rfind("xref\n").unwrap();
        for (k, line) in text[xref..].lines().skip(3).take(5).enumerate() {
            let offset: usize = line[..10].parse().unwrap();
            assert!(
                text[offset..].starts_with(&format!("{} 0 obj\n", k + 1)),
                "{line}"
            );
        }
    }
}
