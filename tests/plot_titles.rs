//! Figure and page titles name what was run (the manifest's scenario,
//! comparison, game or model name), never the folder it was copied to;
//! `--no-title` draws figures without them; a comparison folder copied
//! alone says which folders it needs to be redrawn.

mod common;

use common::airace;
use std::fs;
use std::path::Path;

/// `cp -r from to`, hidden files (airace's record) included.
fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The SVG figures of `dir`, by file name.
fn svgs(dir: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = fs::read_dir(dir.join("figures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "svg"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn plot(dir: &Path) -> std::process::Output {
    airace()
        .args([
            "plot",
            dir.to_str().unwrap(),
            "--width",
            "3.5",
            "--height",
            "2.6",
        ])
        .output()
        .unwrap()
}

// Regression (issue 17): `cp -r output/pause-or-race g35; airace plot g35`
// titled every figure "g35: ...".
#[test]
fn a_copied_game_folder_keeps_the_game_name_in_its_titles() {
    let (tmp, out) = common::temp_path("out");
    common::writes_into(
        airace().args([
            "game",
            "scenarios/games/pause-or-race.toml",
            "--runs",
            "60",
            "--no-adaptive",
            "--quiet",
        ]),
        &out,
    );
    let original = out.join("pause-or-race");
    let copy = tmp.path().join("g35");
    copy_dir(&original, &copy);
    for dir in [&original, &copy] {
        let done = plot(dir);
        assert!(done.status.success(), "{done:?}");
    }
    let (a, b) = (svgs(&original), svgs(&copy));
    assert!(!a.is_empty());
    assert_eq!(
        a, b,
        "the copy's figures are the original's, titles and all"
    );
    for (name, svg) in &b {
        assert!(!svg.contains("g35"), "{name} names the folder: {svg:.400}");
    }
    let page = fs::read_to_string(copy.join("index.html")).unwrap();
    assert!(
        page.contains("airace game: pause-or-race"),
        "the page names the game"
    );
    assert!(!page.contains("g35"), "the page names the folder");
}

#[test]
fn no_title_draws_figures_without_their_titles() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |out: &Path, extra: &[&str]| {
        airace()
            .args(["run", "scenarios/race.toml", "--runs", "100", "--quiet"])
            .args(["--out", out.to_str().unwrap()])
            .args(extra)
            .assert()
            .success();
    };
    let (titled, bare) = (tmp.path().join("titled"), tmp.path().join("bare"));
    run(&titled, &[]);
    run(&bare, &["--no-title"]);
    let (titled, bare) = (svgs(&titled.join("race")), svgs(&bare.join("race")));
    assert_eq!(titled.len(), bare.len());
    for ((name, with), (_, without)) in titled.iter().zip(&bare) {
        assert_ne!(with, without, "{name}: --no-title changed nothing");
        assert!(
            !without.contains("race: "),
            "{name} keeps its title: {without:.600}"
        );
    }
    // `airace plot --no-title` too.
    let copy = tmp.path().join("replot");
    copy_dir(&tmp.path().join("titled/race"), &copy);
    let done = airace()
        .args(["plot", copy.to_str().unwrap(), "--no-title"])
        .output()
        .unwrap();
    assert!(done.status.success(), "{done:?}");
    assert_eq!(
        svgs(&copy),
        bare,
        "plot --no-title draws what run --no-title drew"
    );
}

// Regression (issue 17): `cp -r output/default-comparison dc; airace plot dc`
// failed with "cannot read race/timeseries.csv", naming one folder and not
// saying why it was wanted.
#[test]
fn a_comparison_copied_alone_names_every_folder_it_needs() {
    let (tmp, out) = common::temp_path("out");
    common::writes_into(
        airace().args([
            "run",
            "scenarios/race.toml",
            "scenarios/pause-2023.toml",
            "--runs",
            "100",
            "--quiet",
            "--name",
            "two",
        ]),
        &out,
    );
    // Alone: exit 2, both scenario folders named.
    let alone = tmp.path().join("dc");
    copy_dir(&out.join("two"), &alone);
    let done = plot(&alone);
    assert_eq!(done.status.code(), Some(2), "{done:?}");
    let err = String::from_utf8_lossy(&done.stderr);
    for needed in ["race", "pause-2023"] {
        let path = tmp.path().join(needed).display().to_string();
        assert!(err.contains(&path), "{needed} not named: {err}");
    }
    // Beside its scenarios, under another name: redrawn, titled as run.
    let renamed = out.join("dc");
    copy_dir(&out.join("two"), &renamed);
    let done = plot(&renamed);
    assert!(done.status.success(), "{done:?}");
    plot(&out.join("two"));
    assert_eq!(svgs(&renamed), svgs(&out.join("two")));
    let page = fs::read_to_string(renamed.join("index.html")).unwrap();
    assert!(
        page.contains("airace: two"),
        "the page names the comparison"
    );
    assert!(!page.contains("airace: dc"), "the page names the folder");
}
