//! The figures and pages of `airace game` and `airace classic` as a user
//! meets them: every figure file is there, is a valid SVG or PNG of the size
//! asked for, the page inlines them, and `airace plot` redraws the same
//! bytes from the folder's CSV files alone.

use assert_cmd::Command;
use std::fs;
use std::path::Path;

mod common;

use common::{airace, check_figures};

/// Copies the data files of `from` (CSV, JSON, TOML: no figures, no page)
/// into a fresh folder of the same name under `to`.
fn copy_data(from: &Path, to: &Path) -> std::path::PathBuf {
    let dir = to.join(from.file_name().unwrap());
    fs::create_dir_all(&dir).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_file()
            && (name.ends_with(".csv") || name.ends_with(".json") || name.ends_with(".toml"))
        {
            fs::copy(&path, dir.join(&name)).unwrap();
        }
    }
    dir
}

/// The figures and page `airace plot` draws in `copy` are the bytes the
/// command wrote in `original`.
fn assert_same_figures(original: &Path, copy: &Path, stems: &[&str]) {
    for stem in stems {
        for ext in ["svg", "png"] {
            let file = format!("figures/{stem}.{ext}");
            assert!(
                fs::read(original.join(&file)).unwrap() == fs::read(copy.join(&file)).unwrap(),
                "{} differs when redrawn",
                original.join(&file).display()
            );
        }
    }
    assert!(
        fs::read(original.join("index.html")).unwrap()
            == fs::read(copy.join("index.html")).unwrap(),
        "{}/index.html differs when redrawn",
        original.display()
    );
}

const SIZE: [&str; 6] = ["--width", "4", "--height", "3", "--dpi", "100"];

/// Runs `cmd` at [`SIZE`] into `out` and asserts that it succeeded.
fn draw(cmd: &mut Command, out: &Path) {
    common::writes_into(cmd.args(SIZE), out);
}
const GAME_FIGURES: [&str; 4] = ["payoffs", "replicator", "stationary", "stationary-sweep"];

#[test]
fn the_game_draws_every_figure_and_plot_redraws_the_same_bytes() {
    let out = tempfile::tempdir().unwrap();
    common::pause_or_race("200")
        .args(SIZE)
        .arg("--out")
        .arg(out.path())
        .assert()
        .success()
        .stdout("");
    let dir = out.path().join("pause-or-race");
    check_figures(&dir, &GAME_FIGURES, (384, 288), (400, 300));
    let page = fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(page.contains("<h2>Equilibria</h2>") && page.contains("best deviation"));
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let outputs: Vec<&str> = manifest["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap())
        .collect();
    assert!(outputs.contains(&"figures/replicator.png") && outputs.contains(&"index.html"));

    let copies = tempfile::tempdir().unwrap();
    let copy = copy_data(&dir, copies.path());
    airace()
        .arg("plot")
        .arg(&copy)
        .args(SIZE)
        .assert()
        .success();
    assert_same_figures(&dir, &copy, &GAME_FIGURES);
}

#[test]
fn a_game_whose_seats_differ_gets_a_payoff_figure_per_seat() {
    let out = tempfile::tempdir().unwrap();
    draw(
        airace().args([
            "game",
            "scenarios/games/pause-or-race-seats.toml",
            "--runs",
            "100",
            "-q",
        ]),
        out.path(),
    );
    check_figures(
        &out.path().join("pause-or-race-seats"),
        &["payoffs-Challenger", "payoffs-Frontier", "payoffs-Upstart"],
        (384, 288),
        (400, 300),
    );
}

#[test]
fn no_plots_writes_the_page_without_figures_and_plot_draws_them_at_column_width() {
    let out = tempfile::tempdir().unwrap();
    common::writes_into(common::pause_or_race("100").arg("--no-plots"), out.path());
    let dir = out.path().join("pause-or-race");
    assert!(!dir.join("figures").exists());
    let page = fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(!page.contains("<svg") && page.contains("airace plot"));
    airace()
        .arg("plot")
        .arg(&dir)
        .args(["--width", "3.5", "--height", "2.6", "--dpi", "100"])
        .assert()
        .success();
    check_figures(&dir, &GAME_FIGURES, (336, 250), (350, 260));
}

#[test]
fn dsair_and_precipice_draw_their_figures_and_plot_redraws_the_same_bytes() {
    let out = tempfile::tempdir().unwrap();
    draw(
        airace().args([
            "classic",
            "dsair",
            "--runs",
            "100",
            "--speed-min",
            "1.5",
            "--speed-max",
            "3",
            "--speed-step",
            "0.5",
            "--risk-step",
            "0.1",
            "-q",
        ]),
        out.path(),
    );
    draw(
        &mut common::quick_precipice("2,3", "1", "0.5,1"),
        out.path(),
    );
    let dsair = out.path().join("dsair");
    let precipice = out.path().join("precipice");
    check_figures(&dsair, &["heatmap", "curves"], (384, 288), (400, 300));
    check_figures(&precipice, &["disaster"], (384, 288), (400, 300));
    let page = fs::read_to_string(dsair.join("index.html")).unwrap();
    assert!(page.contains("p_r &gt; 0.3377") && page.contains("p_r &gt; 0.7751"));
    // The colour bar keeps a margin from the figure's right edge (it was
    // drawn flush against it): no rectangle but the background reaches it.
    let svg = fs::read_to_string(dsair.join("figures/heatmap.svg")).unwrap();
    let attribute = |line: &str, name: &str| -> f64 {
        let start = line.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        line[start..].split('"').next().unwrap().parse().unwrap()
    };
    let rects: Vec<(f64, f64)> = svg
        .lines()
        .filter(|l| l.starts_with("<rect"))
        .map(|l| (attribute(l, "x"), attribute(l, "width")))
        .collect();
    let width = rects[0].1;
    let right = rects[1..].iter().map(|(x, w)| x + w).fold(0.0, f64::max);
    assert!(
        right <= width - 8.0,
        "the colour bar ends at {right} of {width}"
    );
    let page = fs::read_to_string(precipice.join("index.html")).unwrap();
    assert!(page.contains("no information") && page.contains("closed form"));

    let copies = tempfile::tempdir().unwrap();
    let (dsair_copy, precipice_copy) = (
        copy_data(&dsair, copies.path()),
        copy_data(&precipice, copies.path()),
    );
    airace()
        .arg("plot")
        .args([&dsair_copy, &precipice_copy])
        .args(SIZE)
        .assert()
        .success();
    assert_same_figures(&dsair, &dsair_copy, &["heatmap", "curves"]);
    assert_same_figures(&precipice, &precipice_copy, &["disaster"]);
}

/// Regression: `classic precipice --teams 2 --enmity 1 --mu 1` (one mu,
/// so one point per regime) drew axes and a legend but no data, since a
/// line through one point draws nothing. Each regime's value is now a
/// filled marker: its colour fills a shape in the legend and in the plot.
#[test]
fn a_precipice_figure_of_one_mu_draws_its_points() {
    let out = tempfile::tempdir().unwrap();
    draw(&mut common::quick_precipice("2", "1", "1"), out.path());
    let dir = out.path().join("precipice");
    check_figures(&dir, &["disaster"], (384, 288), (400, 300));
    let svg = fs::read_to_string(dir.join("figures/disaster.svg")).unwrap();
    // The Okabe-Ito colours of the three regimes, as plotters writes them.
    for (shape, fill) in [
        ("<circle", "#0072B2"),
        ("<rect", "#D55E00"),
        ("<polygon", "#009E73"),
    ] {
        let filled = svg
            .lines()
            .filter(|l| l.contains(shape) && l.contains(&format!("fill=\"{fill}\"")))
            .count();
        // A marker that would cover an earlier one is drawn as an outline
        // (a closed polyline in its colour) so that both show.
        let outlined = svg
            .lines()
            .filter(|l| {
                l.starts_with("<polyline")
                    && l.contains(&format!("stroke=\"{fill}\""))
                    && l.split("points=\"").nth(1).is_some_and(|p| {
                        p.split('"').next().unwrap().split_whitespace().count() > 2
                    })
            })
            .count();
        assert_eq!(
            filled + outlined.min(1),
            2,
            "{shape} in {fill}: the legend's and the data's"
        );
    }
}
