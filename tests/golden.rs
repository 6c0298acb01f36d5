//! Golden outputs of small runs at a fixed seed. Any change in results,
//! intended or not, shows up here as a diff to review
//! (`cargo insta review`, or `INSTA_UPDATE=always cargo test --test golden`).

mod common;

use common::airace;
use std::fs;
use std::path::Path;

fn run(out: &Path) {
    common::writes_into(
        airace()
            .args([
                "run",
                "scenarios/rsp-2026.toml",
                "scenarios/pause-2023.toml",
                "--quiet",
            ])
            .args([
                "--runs",
                "1500",
                "--seed",
                "3",
                "--threads",
                "2",
                "--name",
                "golden",
            ]),
        out,
    );
}

fn head(text: &str, lines: usize) -> String {
    text.lines().take(lines).collect::<Vec<_>>().join("\n")
}

#[test]
fn golden_outputs() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path());
    let read = |p: &str| fs::read_to_string(dir.path().join(p)).unwrap();
    insta::assert_snapshot!("comparison.csv", read("golden/comparison.csv"));
    for name in ["rsp-2026", "pause-2023"] {
        insta::assert_snapshot!(
            format!("{name}-summary.json"),
            read(&format!("{name}/summary.json"))
        );
        insta::assert_snapshot!(
            format!("{name}-summary.csv"),
            read(&format!("{name}/summary.csv"))
        );
        insta::assert_snapshot!(
            format!("{name}-timeseries.csv"),
            read(&format!("{name}/timeseries.csv"))
        );
        insta::assert_snapshot!(
            format!("{name}-runs.csv-head"),
            head(&read(&format!("{name}/runs.csv")), 25)
        );
        insta::assert_snapshot!(
            format!("{name}-labs.csv-head"),
            head(&read(&format!("{name}/labs.csv")), 25)
        );
        insta::assert_snapshot!(
            format!("{name}-scenario.toml"),
            read(&format!("{name}/scenario.toml"))
        );
    }
}

/// The scenarios of the extensions (fuzzy evaluations, conditional pause,
/// regulation, roadmaps and reports, commitment matching), small runs at a
/// fixed seed.
#[test]
fn golden_outputs_of_the_extensions() {
    let dir = tempfile::tempdir().unwrap();
    let names = [
        "fuzzy-red-lines",
        "conditional-pause",
        "regulation",
        "roadmaps-and-reports",
        "match-commitment",
    ];
    common::writes_into(
        airace()
            .arg("run")
            .args(names.map(|n| format!("scenarios/{n}.toml")))
            .args(["--quiet", "--no-plots", "--runs", "600", "--seed", "3"])
            .args(["--threads", "2", "--name", "extensions"]),
        dir.path(),
    );
    let read = |p: &str| fs::read_to_string(dir.path().join(p)).unwrap();
    insta::assert_snapshot!(
        "extensions-comparison.csv",
        read("extensions/comparison.csv")
    );
    for name in names {
        insta::assert_snapshot!(
            format!("{name}-summary.csv"),
            read(&format!("{name}/summary.csv"))
        );
    }
    for name in ["fuzzy-red-lines", "regulation"] {
        insta::assert_snapshot!(
            format!("{name}-labs.csv-head"),
            head(&read(&format!("{name}/labs.csv")), 13)
        );
    }
    insta::assert_snapshot!("regulation-summary.json", read("regulation/summary.json"));
    insta::assert_snapshot!(
        "regulation-timeseries.csv-head",
        head(&read("regulation/timeseries.csv"), 40)
    );
    insta::assert_snapshot!(
        "fuzzy-red-lines-timeseries.csv-head",
        head(&read("fuzzy-red-lines/timeseries.csv"), 40)
    );
}
