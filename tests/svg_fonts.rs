//! Figures that travel: an SVG renders the same where DejaVu Sans is not
//! installed, and a PDF is vector with its fonts embedded and the size of
//! the figure.
//!
//! The browser part renders a figure in headless Chromium (Debian's
//! `chromium`) twice, with the machine's fonts and with a fontconfig that
//! rejects every DejaVu font, and compares the pixels. It runs where `chromium` is on the PATH (`.ci/run` and
//! `scripts/browser-test.sh` install it) and otherwise says that it skipped.

use std::fs;
use std::path::{Path, PathBuf};

mod common;

use common::airace;

/// Draws the figures of one shipped scenario at a column's width with
/// `extra` options, into `out`; the folder of its figures.
fn figures(out: &Path, extra: &[&str]) -> PathBuf {
    common::writes_into(
        airace()
            .args(["run", "scenarios/rsp-2026.toml", "--runs", "40", "-q"])
            .args(["--no-run-rows", "--width", "3.5", "--height", "2.6"])
            .args(extra),
        out,
    );
    out.join("rsp-2026/figures")
}

const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    "--force-color-profile=srgb",
];

/// A fontconfig configuration that is the machine's with every DejaVu
/// font rejected: the same rendering settings, the other fonts (Liberation,
/// where installed) to fall back on.
fn fontconfig_without_dejavu(dir: &Path) -> PathBuf {
    let conf = dir.join("fonts.conf");
    fs::write(
        &conf,
        format!(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig>\n\
             <include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>\n\
             <selectfont><rejectfont><glob>*DejaVu*</glob><glob>*dejavu*</glob></rejectfont></selectfont>\n\
             <cachedir>{}</cachedir>\n</fontconfig>\n",
            dir.join("cache").display()
        ),
    )
    .unwrap();
    // fc-list, where installed, confirms no DejaVu font is left.
    if let Ok(out) = std::process::Command::new("fc-list")
        .env("FONTCONFIG_FILE", &conf)
        .output()
    {
        let list = String::from_utf8_lossy(&out.stdout).to_lowercase();
        assert!(!list.contains("dejavu"), "DejaVu still listed: {list}");
    }
    conf
}

/// The RGB pixels of `svg` as headless Chromium draws it in a window of
/// its size, with the fontconfig `conf` (None: the machine's).
fn render(svg: &Path, conf: Option<&Path>, shot: &Path) -> (u32, u32, Vec<u8>) {
    let text = fs::read_to_string(svg).unwrap();
    let number = |key: &str| -> u32 {
        let at = text.find(&format!("{key}=\"")).unwrap() + key.len() + 2;
        text[at..text[at..].find('"').unwrap() + at]
            .parse()
            .unwrap()
    };
    let (w, h) = (number("width"), number("height"));
    let profile = shot.with_extension("profile");
    let mut command = std::process::Command::new("chromium");
    command
        .args(CHROMIUM_FLAGS)
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--window-size={w},{h}"))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", svg.display()));
    if let Some(conf) = conf {
        command.env("FONTCONFIG_FILE", conf);
    }
    let out = command.output().expect("chromium runs");
    assert!(
        shot.exists(),
        "chromium wrote no screenshot of {}: {}",
        svg.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(fs::File::open(shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let rgb = buf[..info.buffer_size()]
        .chunks(channels)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    (info.width, info.height, rgb)
}

/// Pixels that differ between two renders of one size.
fn differing(a: &(u32, u32, Vec<u8>), b: &(u32, u32, Vec<u8>)) -> usize {
    assert_eq!((a.0, a.1), (b.0, b.1));
    a.2.chunks(3)
        .zip(b.2.chunks(3))
        .filter(|(x, y)| x != y)
        .count()
}

#[test]
fn an_svg_renders_the_same_without_dejavu_installed() {
    if !common::chromium_present("the SVG figures were not rendered without DejaVu Sans") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let figures = figures(&dir.path().join("out"), &[]);
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/svg-font-screenshots");
    fs::create_dir_all(&shots).unwrap();
    let conf = fontconfig_without_dejavu(dir.path());
    let embedded = figures.join("outcomes.svg");
    // The control: the same figure with its fonts taken out, naming
    // DejaVu Sans as plotters writes it.
    let text = fs::read_to_string(&embedded).unwrap();
    let style_at = text.find("<defs><style>").expect("fonts are embedded");
    let style_end = text.find("</style></defs>\n").unwrap() + "</style></defs>\n".len();
    let family = &text[text.find("font-family=\"").unwrap() + 13..];
    let family = &family[..family.find('"').unwrap()];
    let bare = (text[..style_at].to_string() + &text[style_end..])
        .replace(family, "DejaVu Sans, sans-serif");
    let bare_path = dir.path().join("bare.svg");
    fs::write(&bare_path, bare).unwrap();

    let with = render(&embedded, None, &shots.join("embedded-with-dejavu.png"));
    let without = render(
        &embedded,
        Some(&conf),
        &shots.join("embedded-without-dejavu.png"),
    );
    let bare_with = render(&bare_path, None, &shots.join("bare-with-dejavu.png"));
    let bare_without = render(
        &bare_path,
        Some(&conf),
        &shots.join("bare-without-dejavu.png"),
    );
    // The check can fail: without the font embedded, another font (or
    // none) draws the text, and many pixels change.
    let control = differing(&bare_with, &bare_without);
    assert!(
        control > 500,
        "without DejaVu the bare SVG should render differently, {control} pixels differ"
    );
    // (The embedded subset has DejaVu's outlines but not its kerning
    // tables, so it is not pixel for pixel the installed DejaVu Sans.)
    eprintln!(
        "pixels differing: bare SVG with and without DejaVu {control}, embedded vs bare with DejaVu {}, embedded with and without DejaVu {}",
        differing(&with, &bare_with),
        differing(&with, &without)
    );
    assert_eq!(
        differing(&with, &without),
        0,
        "the SVG with its fonts embedded renders differently without DejaVu installed \
         (screenshots in {})",
        shots.display()
    );
}

#[test]
fn text_as_paths_leaves_no_text_and_keeps_the_size() {
    let dir = tempfile::tempdir().unwrap();
    let paths = figures(&dir.path().join("paths"), &["--svg-text", "paths"]);
    for stem in ["risk", "capability", "outcomes", "policy"] {
        let svg = fs::read_to_string(paths.join(format!("{stem}.svg"))).unwrap();
        assert!(!svg.contains("<text"), "{stem}: text left");
        assert!(
            svg.contains("width=\"336\" height=\"250\""),
            "{stem}: {svg:.200}"
        );
    }
}

/// The page size of a PDF from its `/MediaBox`, in points.
fn media_box(pdf: &[u8]) -> (f64, f64) {
    let text = String::from_utf8_lossy(pdf);
    let at = text.find("/MediaBox [").expect("a MediaBox") + "/MediaBox [".len();
    let numbers: Vec<f64> = text[at..at + text[at..].find(']').unwrap()]
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    (numbers[2] - numbers[0], numbers[3] - numbers[1])
}

#[test]
fn pdf_figures_are_vector_with_fonts_embedded_at_the_figure_size() {
    let dir = tempfile::tempdir().unwrap();
    for (width, height) in [("3.5", "2.6"), ("6.5", "4")] {
        let out = dir.path().join(width);
        common::writes_into(
            airace()
                .args(["run", "scenarios/rsp-2026.toml", "--runs", "40", "-q"])
                .args(["--no-run-rows", "--format", "pdf,svg"])
                .args(["--width", width, "--height", height]),
            &out,
        );
        let figures = out.join("rsp-2026/figures");
        for stem in ["risk", "capability", "outcomes", "policy"] {
            let pdf = fs::read(figures.join(format!("{stem}.pdf"))).unwrap();
            assert!(pdf.starts_with(b"%PDF-"), "{stem}");
            let (w, h) = media_box(&pdf);
            // The SVG's size in whole pixels (1/96 in), in points: within
            // half a pixel, 0.375 pt, of the size asked for.
            let want = |inches: &str| inches.parse::<f64>().unwrap() * 72.0;
            assert!(
                (w - want(width)).abs() <= 0.375 && (h - want(height)).abs() <= 0.375,
                "{stem} at {width} x {height} in: page {w} x {h} pt"
            );
            let text = String::from_utf8_lossy(&pdf);
            assert!(
                text.contains("/FontFile2"),
                "{stem}: no embedded TrueType font"
            );
            assert!(
                !figures.join(format!("{stem}.png")).exists(),
                "only the formats asked for"
            );
            if let Some(fonts) = pdffonts(&figures.join(format!("{stem}.pdf"))) {
                // pdffonts: name type encoding emb sub uni object ID.
                let rows: Vec<&str> = fonts.lines().skip(2).collect();
                assert!(!rows.is_empty(), "{stem}: {fonts}");
                for row in rows {
                    let cols: Vec<&str> = row.split_whitespace().collect();
                    assert!(row.contains("DejaVuSans"), "{stem}: {row}");
                    assert_eq!(cols[cols.len() - 5], "yes", "{stem}: not embedded: {row}");
                }
            }
        }
    }
    airace()
        .args([
            "run",
            "scenarios/rsp-2026.toml",
            "--runs",
            "10",
            "-q",
            "--format",
            "svg,eps",
        ])
        .arg("--out")
        .arg(dir.path().join("bad"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown figure format `eps`"));
    assert!(!dir.path().join("bad").exists(), "no partial output");
}

/// `pdffonts`'s table of a PDF's fonts, where poppler-utils is installed.
fn pdffonts(pdf: &Path) -> Option<String> {
    let out = std::process::Command::new("pdffonts")
        .arg(pdf)
        .output()
        .ok()?;
    assert!(out.status.success(), "pdffonts reads {}", pdf.display());
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}
