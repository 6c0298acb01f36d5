//! Figures as a journal takes them: every SVG that the shipped scenarios, a
//! comparison of seven and one of all of them, a sweep, both games and both classic models draw,
//! at a column's 3.5 x 2.6 in and a page's 6.5 x 4 in, is checked for text
//! that runs into other text, text that leaves the canvas, and text not set
//! at one of the figures' point sizes.
//!
//! Text is measured as airace lays it out (`airace::plot::text`: DejaVu
//! Sans's advances and kerning, a box from 0.76 em above the baseline to
//! 0.24 em below), from what the SVG says: `x`, `y`, `dy`, `text-anchor`,
//! `font-size`, `font-weight` and a `rotate` transform (`tests/common/layout.rs`).

use assert_cmd::Command;
use std::fs;
use std::path::{Path, PathBuf};

mod common;

use common::airace;
use common::layout::{problems, text_boxes};

/// Every SVG under `dir`, recursively.
fn svgs(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(svgs(&path));
        } else if path.extension().is_some_and(|e| e == "svg") {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn shipped_scenarios() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir("scenarios")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

/// Every folder directly under `dir`.
fn folders(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            fs::copy(&path, &target).unwrap();
        }
    }
}

/// Draws every kind of figure at a column's width into `out/column/` (with
/// small samples: the layout, not the numbers, is under test), then
/// redraws a copy at a page's width into `out/page/` with `airace plot`.
fn draw_everything(out: &Path) {
    let column = out.join("column");
    let size = ["--width", "3.5", "--height", "2.6", "--dpi", "50"];
    // Each command at the column's size, into its folder, succeeding.
    let draw = |cmd: &mut Command, into: &Path| common::writes_into(cmd.args(size), into);
    // Fewer draws than `classic precipice` makes by default.
    const SOLVER: [&str; 6] = [
        "--draws",
        "1000",
        "--evaluation-draws",
        "2000",
        "--grid",
        "20",
    ];
    // The shipped scenarios past the first seven, one by one.
    for file in shipped_scenarios().into_iter().skip(7) {
        draw(
            airace()
                .arg("run")
                .arg(file)
                .args(["--runs", "40", "-q", "--no-run-rows"]),
            &column.join("rest"),
        );
    }
    // A seven-scenario comparison, as the author ran it.
    draw(
        airace()
            .arg("run")
            .args(shipped_scenarios().into_iter().take(7))
            .args(["--runs", "40", "-q", "--no-run-rows", "--name", "seven"]),
        &column.join("seven"),
    );
    let one = column.join("one");
    draw(
        airace()
            .args(["sweep", "scenarios/rsp-2026.toml", "--runs", "20", "-q"])
            .args(["--set", "world.spillover=0,0.05,0.1"])
            .args(["--set", "world.hazard.gap_slope=0.2,0.4,0.6"]),
        &one,
    );
    for game in ["pause-or-race", "conditional-pause-game"] {
        draw(
            airace()
                .arg("game")
                .arg(format!("scenarios/games/{game}.toml"))
                .args(["--runs", "10", "--no-adaptive", "-q"]),
            &one,
        );
    }
    draw(
        airace().args(["classic", "dsair", "--runs", "20", "-q"]),
        &one,
    );
    // The default grid of teams and enmities (six panels), fewer draws.
    draw(
        airace()
            .args(["classic", "precipice", "-q", "--mu", "0.5,1,2"])
            .args(SOLVER),
        &one,
    );
    // The shipped exploration, cut to 16 base samples and 10 runs: its
    // PRIM figures' legend ("chosen box, pruned (N unknowns restricted)")
    // ran off the right edge at both sizes.
    let explore = column.join("explore");
    fs::create_dir_all(&explore).unwrap();
    let scenarios = fs::canonicalize("scenarios").unwrap();
    let file = explore.join("headline-claims.toml");
    fs::write(
        &file,
        fs::read_to_string("scenarios/explore/headline-claims.toml")
            .unwrap()
            .replace("worlds = 128", "worlds = 16")
            .replace(
                "scenario = \"../",
                &format!("scenario = \"{}/", scenarios.display()),
            ),
    )
    .unwrap();
    draw(
        airace()
            .arg("explore")
            .arg(&file)
            .args(["--runs", "10", "-q"]),
        &explore,
    );
    fs::remove_file(&file).unwrap();
    // The precipice figure at a column's width with the default height,
    // which its three rows of panels make taller ([`panels_are_tall_enough`]).
    common::writes_into(
        airace()
            .args(["classic", "precipice", "-q", "--mu", "0.5,1,2"])
            .args(["--enmity", "0.25,0.5,1"])
            .args(SOLVER)
            .args(["--width", "3.5", "--dpi", "50"]),
        &column.join("tall"),
    );
    // All the shipped scenarios (fourteen and more) compared: the legend
    // wraps its labels into columns rather than leave the figure.
    draw(
        airace().arg("run").args(shipped_scenarios()).args([
            "--runs",
            "40",
            "-q",
            "--no-run-rows",
            "--name",
            "all",
        ]),
        &column.join("all"),
    );
    let page = out.join("page");
    copy_tree(&column, &page);
    for group in folders(&page) {
        airace()
            .arg("plot")
            .args(folders(&group))
            .args(["--width", "6.5", "--height", "4", "--dpi", "50"])
            .assert()
            .success();
    }
}

/// Everything drawn once ([`draw_everything`]) for all tests of this file.
fn drawn() -> &'static Path {
    static DRAWN: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DRAWN
        .get_or_init(|| {
            let out = tempfile::tempdir().unwrap();
            draw_everything(out.path());
            out
        })
        .path()
}

#[test]
fn no_text_runs_into_text_or_off_the_canvas_and_all_is_in_points() {
    let out = drawn();
    let files = svgs(out);
    assert!(files.len() >= 100, "only {} SVGs", files.len());
    let mut report = Vec::new();
    for file in &files {
        let svg = fs::read_to_string(file).unwrap();
        for p in problems(&svg) {
            report.push(format!(
                "{}: {p}",
                file.strip_prefix(out).unwrap().display()
            ));
        }
    }
    assert!(
        report.is_empty(),
        "{} problems in {} figures:\n{}",
        report.len(),
        files.len(),
        report.join("\n")
    );
}

/// Each panel's plot height in an SVG, inches: the length of each y axis
/// (a vertical black line of two points longer than a tick).
fn panel_heights(svg: &str) -> Vec<f64> {
    let mut out = Vec::new();
    for line in svg.lines() {
        if !(line.starts_with("<polyline") && line.contains("stroke=\"#000000\"")) {
            continue;
        }
        let points = line
            .split("points=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let xy: Vec<(f64, f64)> = points
            .split_whitespace()
            .map(|p| {
                let (x, y) = p.split_once(',').unwrap();
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect();
        if let [(x0, y0), (x1, y1)] = xy[..] {
            if x0 == x1 && (y1 - y0).abs() > 8.0 {
                out.push((y1 - y0).abs() / 96.0);
            }
        }
    }
    out
}

/// Regression: the precipice figure's panels at a column's width were
/// too low to read (three rows at 3.5 x 4 in: 0.5 in each; two rows at
/// 3.5 x 2.6 in: 0.3 in). Drawn at 3.5 in with the default height, each
/// panel's plot area is at least 0.6 in tall, at 6.5 x 4 in too.
#[test]
fn panels_are_tall_enough() {
    const MIN_IN: f64 = 0.6;
    for size in ["column", "page"] {
        let file = drawn()
            .join(size)
            .join("tall/precipice/figures/disaster.svg");
        let svg = fs::read_to_string(&file).unwrap();
        let heights = panel_heights(&svg);
        assert_eq!(heights.len(), 9, "{size}: {heights:?}");
        assert!(
            heights.iter().all(|&h| h >= MIN_IN),
            "{size}: panels {heights:?} in tall, fewer than {MIN_IN} in"
        );
    }
}

/// The checker itself finds what it is for.
#[test]
fn the_checker_sees_overlaps_overflow_and_odd_sizes() {
    let text = |x: f64, y: f64, size: f64, s: &str| {
        format!(
            "<text x=\"{x}\" y=\"{y}\" dy=\"0.76em\" text-anchor=\"start\" font-family=\"sans-serif\" font-size=\"{size}\" opacity=\"1\" fill=\"#000000\">\n{s}\n</text>"
        )
    };
    let page = |body: String| {
        format!(
            "<svg width=\"200\" height=\"100\" viewBox=\"0 0 200 100\" xmlns=\"http://www.w3.org/2000/svg\">\n{body}</svg>\n"
        )
    };
    let px = |pt: f64| pt * 96.0 / 72.0;
    // Apart, inside, in points: nothing to say.
    let ok = page(text(10.0, 10.0, px(7.0), "one") + &text(10.0, 30.0, px(8.0), "two"));
    assert!(problems(&ok).is_empty(), "{:?}", problems(&ok));
    // "transparency" at 7 pt is about 52 px wide: the next word at 40 px
    // runs into it.
    let overlap = page(text(10.0, 10.0, px(7.0), "transparency") + &text(40.0, 12.0, px(7.0), "x"));
    assert!(problems(&overlap).iter().any(|p| p.contains("runs into")));
    let off = page(text(180.0, 10.0, px(7.0), "transparency"));
    assert!(problems(&off).iter().any(|p| p.contains("leaves")));
    let small = page(text(10.0, 10.0, 7.5, "tiny"));
    assert!(problems(&small).iter().any(|p| p.contains("not one of")));
    // Turned text: its width runs up from its anchor.
    let up = format!(
        "<text x=\"50\" y=\"60\" dy=\"0.5ex\" text-anchor=\"end\" font-family=\"sans-serif\" font-size=\"{}\" transform=\"rotate(270, 50, 60)\">\ntransparency\n</text>",
        px(7.0)
    );
    let b = &text_boxes(&up)[0];
    assert!(b.y1 - b.y0 > 50.0 && b.x1 - b.x0 < 10.0, "{b:?}");
    assert!(problems(&page(up)).iter().any(|p| p.contains("leaves")));
}

/// The gallery's name of a figure: the kind of folder it is drawn in (as
/// airace's record of the folder says) and its stem, with an exploration's
/// outcome or number left out (`policies`, `sensitivity`, `discovery`),
/// as `scripts/gallery.sh` names them.
fn gallery_name(kind: &str, stem: &str) -> String {
    let stem = if kind == "exploration" {
        ["policies", "sensitivity", "discovery"]
            .into_iter()
            .find(|k| stem.ends_with(&format!("-{k}")) || stem.starts_with(&format!("{k}-")))
            .unwrap_or(stem)
    } else {
        stem
    };
    format!("{kind}-{stem}")
}

/// Every figure drawn under `dir`, by its gallery name.
fn figure_kinds(dir: &Path, into: &mut std::collections::BTreeSet<String>) {
    let record = dir.join(".airace-record.json");
    if record.is_file() && dir.join("figures").is_dir() {
        let json: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(&record).unwrap()).unwrap();
        let kind = json["kind"].as_str().unwrap().to_string();
        for svg in svgs(&dir.join("figures")) {
            let stem = svg.file_stem().unwrap().to_string_lossy().into_owned();
            into.insert(gallery_name(&kind, &stem));
        }
    }
    for sub in folders(dir) {
        figure_kinds(&sub, into);
    }
}

/// docs/figures.md shows every kind of figure airace draws: those of
/// every folder the layout check draws and of two small explorations (a
/// Latin hypercube and a Sobol' design), found from airace's own output.
#[test]
fn the_gallery_shows_every_kind_of_figure() {
    let mut kinds = std::collections::BTreeSet::new();
    figure_kinds(drawn(), &mut kinds);
    let dir = tempfile::tempdir().unwrap();
    let template = common::explore_template();
    for (name, design) in [("lhs", "latin_hypercube"), ("sobol", "sobol")] {
        let file = dir.path().join(format!("{name}.toml"));
        fs::write(
            &file,
            template.replace("worlds = 64", "worlds = 8").replace(
                "design = \"latin_hypercube\"",
                &format!("design = \"{design}\""),
            ),
        )
        .unwrap();
        common::writes_into(
            airace().arg("explore").arg(&file).args([
                "--runs", "20", "-q", "--width", "3.5", "--height", "2.6", "--dpi", "50",
            ]),
            &dir.path().join(name),
        );
    }
    figure_kinds(dir.path(), &mut kinds);
    for kind in [
        "scenario",
        "comparison",
        "sweep",
        "game",
        "dsair",
        "precipice",
        "exploration",
    ] {
        assert!(
            kinds.iter().any(|k| k.starts_with(&format!("{kind}-"))),
            "no {kind} figure drawn: {kinds:?}"
        );
    }
    let page = fs::read_to_string("docs/figures.md").unwrap();
    let missing: Vec<&String> = kinds
        .iter()
        .filter(|k| {
            !page.contains(&format!("(figures/{k}.png)"))
                || !Path::new("docs/figures").join(format!("{k}.png")).is_file()
        })
        .collect();
    assert!(
        missing.is_empty(),
        "docs/figures.md lacks {missing:?} (scripts/gallery.sh redraws it)"
    );
}
