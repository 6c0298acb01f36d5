//! `airace run --trace N`: trace.csv follows the first N runs step by step,
//! and they are the very runs of runs.csv and labs.csv.

use assert_cmd::Command;
use std::collections::HashMap;
use std::path::Path;

fn rows(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    let rows = lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// `airace run SCENARIO --runs RUNS --trace TRACE --no-plots --out OUT`.
fn run_traced(scenario: &str, runs: &str, trace: &str, out: &Path) -> Command {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cmd = Command::cargo_bin("airace").unwrap();
    cmd.args([
        "run",
        "--runs",
        runs,
        "--trace",
        trace,
        "--no-plots",
        "--out",
    ])
    .arg(out)
    .arg(root.join(scenario));
    cmd
}

fn column(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap()
}

#[test]
fn the_traced_runs_end_where_runs_csv_and_labs_csv_say() {
    let out = tempfile::tempdir().unwrap();
    // lone-pause: pauses, wins and catastrophes all happen in a few runs.
    run_traced("scenarios/lone-pause.toml", "200", "20", out.path())
        .arg("--quiet")
        .assert()
        .success();
    let dir = out.path().join("lone-pause");
    let manifest = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    assert!(
        manifest.contains("\"trace.csv\""),
        "the manifest lists trace.csv"
    );
    let (th, trace) = rows(&dir.join("trace.csv"));
    let (rh, runs) = rows(&dir.join("runs.csv"));
    let (lh, labs) = rows(&dir.join("labs.csv"));

    // The last traced step of each run and lab.
    let mut last: HashMap<(String, String), &Vec<String>> = HashMap::new();
    let mut paused: HashMap<(String, String), u32> = HashMap::new();
    let mut delayed: HashMap<(String, String), u32> = HashMap::new();
    for r in &trace {
        let key = (r[0].clone(), r[column(&th, "lab")].clone());
        *paused.entry(key.clone()).or_default() += r[column(&th, "paused")].parse::<u32>().unwrap();
        *delayed.entry(key.clone()).or_default() +=
            r[column(&th, "delayed")].parse::<u32>().unwrap();
        last.insert(key, r);
    }
    let traced: std::collections::BTreeSet<&String> = trace.iter().map(|r| &r[0]).collect();
    assert_eq!(traced.len(), 20, "runs 0 to 19 are traced");

    let mut won = 0;
    for lab in labs.iter().filter(|l| l[0].parse::<u64>().unwrap() < 20) {
        let key = (lab[0].clone(), lab[column(&lh, "lab")].clone());
        let end = last[&key];
        for q in ["capability", "safety", "resources"] {
            assert_eq!(end[column(&th, q)], lab[column(&lh, q)], "{key:?} {q}");
        }
        assert_eq!(
            paused[&key].to_string(),
            lab[column(&lh, "paused_steps")],
            "{key:?}"
        );
        assert_eq!(
            delayed[&key].to_string(),
            lab[column(&lh, "delayed_steps")],
            "{key:?}"
        );
    }
    for run in runs.iter().filter(|r| r[0].parse::<u64>().unwrap() < 20) {
        let steps: Vec<u32> = trace
            .iter()
            .filter(|t| t[0] == run[0])
            .map(|t| t[1].parse().unwrap())
            .collect();
        let end = trace.iter().rev().find(|t| t[0] == run[0]).unwrap();
        assert_eq!(
            end[column(&th, "cumulative_hazard")],
            run[column(&rh, "cumulative_hazard")]
        );
        // A won run is traced to its winning step, another to the last.
        let last_step = *steps.last().unwrap();
        match run[column(&rh, "win_step")].as_str() {
            "" => assert_eq!(last_step, 120),
            w => {
                won += 1;
                assert_eq!(last_step.to_string(), w);
            }
        }
        // Effort spent is a share, blank at the start.
        for t in trace.iter().filter(|t| t[0] == run[0]) {
            let e = &t[column(&th, "safety_effort")];
            if t[1] == "0" {
                assert!(e.is_empty());
            } else {
                let e: f64 = e.parse().unwrap();
                assert!((0.0..=1.0).contains(&e));
            }
        }
    }
    assert!(won > 0, "some traced runs are won");
}

#[test]
fn a_trace_of_more_runs_than_there_are_is_refused_with_nothing_written() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    run_traced("scenarios/race.toml", "10", "11", out.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("only 10 runs"));
    assert!(!out.path().join("race").exists());
    Command::cargo_bin("airace")
        .unwrap()
        .args(["run", "--trace", "5", "--shard", "1/2", "--out"])
        .arg(out.path())
        .arg(root.join("scenarios/race.toml"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "--trace cannot be used with --shard",
        ));
}

/// `timeseries.csv`'s `safety_effort_mean_<lab>` is `trace.csv`'s
/// `safety_effort` averaged over every run (all traced: N = the runs) that
/// played the step: the trace's rows at that step. Their count is the
/// `racing` share of the step before times the runs. The aggregate sums in
/// fixed point (2^-40, about 1e-12), so the two agree to 1e-11, far below
/// anything a figure or a reader sees.
#[test]
fn the_mean_safety_effort_per_step_is_the_traces_average_over_all_runs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    // lone-pause: a pausing lab's effort jumps, and races are won early.
    let runs = 300;
    Command::cargo_bin("airace")
        .unwrap()
        .args([
            "run",
            "--runs",
            &runs.to_string(),
            "--trace",
            &runs.to_string(),
        ])
        .args(["--no-plots", "--quiet", "--out"])
        .arg(out.path())
        .arg(root.join("scenarios/lone-pause.toml"))
        .assert()
        .success();
    let dir = out.path().join("lone-pause");
    let (th, trace) = rows(&dir.join("trace.csv"));
    let (sh, series) = rows(&dir.join("timeseries.csv"));
    let labs: Vec<String> = sh
        .iter()
        .filter_map(|h| h.strip_prefix("safety_effort_mean_").map(str::to_string))
        .collect();
    assert_eq!(labs.len(), 3, "{sh:?}");
    // Sum and count of the trace's efforts by (step, lab).
    let mut sums: HashMap<(usize, String), (f64, u64)> = HashMap::new();
    for t in &trace {
        let step: usize = t[column(&th, "step")].parse().unwrap();
        if step > 0 {
            let e: f64 = t[column(&th, "safety_effort")].parse().unwrap();
            let s = sums
                .entry((step, t[column(&th, "lab")].clone()))
                .or_default();
            s.0 += e;
            s.1 += 1;
        }
    }
    let racing = column(&sh, "racing");
    let (mut compared, mut thinned) = (0, false);
    for (k, row) in series.iter().enumerate() {
        for lab in &labs {
            let cell = &row[column(&sh, &format!("safety_effort_mean_{lab}"))];
            match sums.get(&(k, lab.clone())) {
                None => assert!(cell.is_empty(), "step {k} {lab}: `{cell}` without a run"),
                Some(&(sum, n)) => {
                    let racing_before: f64 = series[k - 1][racing].parse().unwrap();
                    assert_eq!(n, (racing_before * runs as f64).round() as u64, "step {k}");
                    thinned |= n < runs;
                    let mean: f64 = cell.parse().unwrap();
                    let want = sum / n as f64;
                    assert!(
                        (mean - want).abs() < 1e-11,
                        "step {k} {lab}: {mean} vs {want}"
                    );
                    compared += 1;
                }
            }
        }
        if k == 0 {
            assert!(
                labs.iter()
                    .all(|l| row[column(&sh, &format!("safety_effort_mean_{l}"))].is_empty())
            );
        }
    }
    assert!(compared >= 3 * 60, "{compared} cells compared");
    assert!(thinned, "won runs stop counting");
    // The pausing lab's mean effort is not constant: pauses move effort.
    let frontier: Vec<&String> = series[1..]
        .iter()
        .map(|r| &r[column(&sh, &format!("safety_effort_mean_{}", labs[0]))])
        .collect();
    assert!(frontier.windows(2).any(|w| w[0] != w[1]), "{frontier:?}");
}
