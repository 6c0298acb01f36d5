//! Fuzzy evaluations' unnoticed steps per lab and step, end to end:
//! `timeseries.csv`'s `unnoticed_<lab>` columns (the fraction of runs in
//! which the lab is above a pause threshold it measures itself below)
//! average to the fraction of labs in `unnoticed`; they appear only where
//! the mechanic is on; and they are the same bytes for any thread count,
//! from shards merged, and from a run stopped and resumed.

use std::fs;
use std::path::Path;
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;

mod common;

use common::{assert_same_outputs, ok};

/// The binary, run from the repository's root.
fn airace() -> Command {
    let mut cmd = Command::cargo_bin("airace").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

const FUZZY: &str = "scenarios/fuzzy-red-lines.toml";
const LABS: [&str; 3] = ["Frontier", "Challenger", "Upstart"];

/// `airace run FUZZY` of 10000 runs at seed 3 into `out`, without figures.
fn run(out: &Path, threads: &str) -> Command {
    let mut cmd = airace();
    cmd.args(["run", FUZZY, "--runs", "10000", "--seed", "3", "--quiet"])
        .args(["--no-plots", "--threads", threads, "--out"])
        .arg(out);
    cmd
}

/// The columns of a CSV file: its header and the rows as numbers (an empty
/// field as NaN).
fn columns(csv: &str) -> (Vec<String>, Vec<Vec<f64>>) {
    let mut lines = csv.lines();
    let header = lines.next().unwrap().split(',').map(String::from).collect();
    let rows = lines
        .map(|l| {
            l.split(',')
                .map(|x| x.parse().unwrap_or(f64::NAN))
                .collect()
        })
        .collect();
    (header, rows)
}

#[test]
fn each_labs_unnoticed_share_averages_to_the_share_of_labs() {
    let tmp = tempfile::tempdir().unwrap();
    ok(&mut run(tmp.path(), "2"));
    let text = fs::read_to_string(tmp.path().join("fuzzy-red-lines/timeseries.csv")).unwrap();
    let (header, rows) = columns(&text);
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let all = at("unnoticed");
    let per_lab: Vec<usize> = LABS.iter().map(|l| at(&format!("unnoticed_{l}"))).collect();
    assert_eq!(
        per_lab,
        [all + 1, all + 2, all + 3],
        "after `unnoticed`, last"
    );
    assert_eq!(header.len(), all + 4);
    let mut seen = [false; 3];
    for row in &rows {
        let shares: Vec<f64> = per_lab.iter().map(|&c| row[c]).collect();
        assert!(shares.iter().all(|s| (0.0..=1.0).contains(s)), "{row:?}");
        // Counts over 10000 runs: the mean of three is the count of labs
        // over 30000 lab-runs, to rounding.
        let mean = shares.iter().sum::<f64>() / 3.0;
        assert!((mean - row[all]).abs() < 1e-12, "{row:?}");
        for (s, &x) in seen.iter_mut().zip(&shares) {
            *s |= x > 0.0;
        }
    }
    assert_eq!(seen, [true; 3], "every lab passes a threshold unnoticed");
    assert_eq!(rows[0][all], 0.0, "nothing measured before the first step");
    // Summed over steps, a lab's share is its unnoticed steps per run.
    let summary = fs::read_to_string(tmp.path().join("fuzzy-red-lines/summary.csv")).unwrap();
    for (lab, &c) in LABS.iter().zip(&per_lab) {
        let prefix = format!("unnoticed_steps_mean,{lab},");
        let line = summary.lines().find(|l| l.starts_with(&prefix)).unwrap();
        let mean: f64 = line[prefix.len()..]
            .split(',')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let total: f64 = rows.iter().map(|r| r[c]).sum();
        assert!((total - mean).abs() < 1e-9, "{lab}: {total} against {mean}");
    }

    // Without fuzzy evaluations, no such column.
    ok(airace()
        .args([
            "run",
            "scenarios/pause-2023.toml",
            "--runs",
            "200",
            "--quiet",
        ])
        .args(["--no-plots", "--out"])
        .arg(tmp.path()));
    let text = fs::read_to_string(tmp.path().join("pause-2023/timeseries.csv")).unwrap();
    assert!(!text.lines().next().unwrap().contains("unnoticed"));
}

#[test]
fn the_unnoticed_columns_are_the_same_bytes_by_threads_shards_and_resuming() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = |name: &str| tmp.path().join(name);
    ok(&mut run(&dir("one"), "1"));
    ok(&mut run(&dir("two"), "2"));
    assert_same_outputs(&dir("one"), &dir("two"));
    for k in ["1/2", "2/2"] {
        ok(run(&dir("shards"), "1").args(["--shard", k]));
    }
    ok(airace()
        .args(["merge", "--quiet", "--no-plots", "--out"])
        .arg(dir("merged"))
        .arg(dir("shards")));
    // Stopped after the first wave (4 blocks of 1024 runs on one thread),
    // then resumed from its checkpoint.
    let stopped = run(&dir("resumed"), "1")
        .env("AIRACE_TEST_STOP_AFTER", "4000")
        .output()
        .unwrap();
    assert_eq!(stopped.status.code(), Some(130));
    assert!(!dir("resumed/fuzzy-red-lines/timeseries.csv").exists());
    ok(run(&dir("resumed"), "1").arg("--resume"));
    let whole = fs::read(dir("one/fuzzy-red-lines/timeseries.csv")).unwrap();
    assert!(String::from_utf8_lossy(&whole).contains(",unnoticed_Upstart\n"));
    for other in ["merged", "resumed"] {
        let bytes = fs::read(dir(other).join("fuzzy-red-lines/timeseries.csv")).unwrap();
        assert!(bytes == whole, "{other}: timeseries.csv differs");
        assert_same_outputs(&dir("one"), &dir(other));
    }
}
