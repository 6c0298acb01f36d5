//! Helpers shared by the figure tests (`tests/figures.rs`,
//! `tests/game_figures.rs`): the binary, and checks that figure files and
//! report pages are what they should be.

// Each test file that uses this module compiles it on its own and may not
// use every helper.
#![allow(dead_code)]

use assert_cmd::Command;
use std::fs;
use std::path::Path;

pub fn airace() -> Command {
    let mut cmd = Command::cargo_bin("airace").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// (width, height) of a PNG from its IHDR chunk.
pub fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    (
        u32::from_be_bytes(bytes[16..20].try_into().unwrap()),
        u32::from_be_bytes(bytes[20..24].try_into().unwrap()),
    )
}

/// Checks `dir/figures/` holds exactly `stems` as SVG and PNG of the size,
/// and the page inlines every one of them.
pub fn check_figures(dir: &Path, stems: &[&str], svg_px: (u32, u32), png_px: (u32, u32)) {
    let figures = dir.join("figures");
    let mut found: Vec<String> = fs::read_dir(&figures)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    let mut expected: Vec<String> = stems
        .iter()
        .flat_map(|s| [format!("{s}.png"), format!("{s}.svg")])
        .collect();
    expected.sort();
    assert_eq!(found, expected, "{}", figures.display());
    for stem in stems {
        let svg = fs::read_to_string(figures.join(format!("{stem}.svg"))).unwrap();
        assert!(svg.starts_with("<svg"), "{stem}.svg");
        assert!(svg.trim_end().ends_with("</svg>"), "{stem}.svg is complete");
        assert!(
            svg.contains(&format!("width=\"{}\" height=\"{}\"", svg_px.0, svg_px.1)),
            "{stem}.svg size"
        );
        assert!(svg.contains("<text"), "{stem}.svg has text");
        assert_eq!(
            png_size(&fs::read(figures.join(format!("{stem}.png"))).unwrap()),
            png_px,
            "{stem}.png size"
        );
    }
    let page = fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.trim_end().ends_with("</html>"));
    assert_eq!(
        page.matches("<svg").count(),
        stems.len(),
        "the page inlines every figure"
    );
    assert_eq!(
        page.matches("http://").count(),
        page.matches("xmlns=\"http://www.w3.org").count(),
        "no network"
    );
}
