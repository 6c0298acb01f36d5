//! The `airace` binary as a user meets it.

mod common;

use assert_cmd::Command;
use common::airace;
use predicates::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};

#[test]
fn help_shows_examples() {
    airace()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"))
        .stdout(predicate::str::contains(
            "airace run scenarios/rsp-2026.toml",
        ));
    common::prints(airace().args(["run", "--help"]), &["--threads"]);
}

#[test]
fn no_arguments_at_all_is_the_default_comparison() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::cargo_bin("airace").unwrap();
    common::prints(cmd.current_dir(dir.path()), &["10000"]);
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("output/rsp-2026/summary.json")).unwrap())
            .unwrap();
    assert_eq!(summary["runs"], 10000);
    assert!(
        dir.path()
            .join("output/default-comparison/comparison.csv")
            .is_file()
    );
    // Exactly `airace run`: the same files, figures of the default size.
    let run = tempfile::tempdir().unwrap();
    Command::cargo_bin("airace")
        .unwrap()
        .current_dir(run.path())
        .arg("run")
        .assert()
        .success();
    common::assert_same_outputs(&dir.path().join("output"), &run.path().join("output"));
    let png = fs::read(dir.path().join("output/race/figures/risk.png")).unwrap();
    assert_eq!(common::png_size(&png), (1300, 800), "6.5 x 4 in at 200 dpi");
}

#[test]
fn every_shipped_scenario_validates() {
    let mut names: Vec<String> =
        fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .map(|p| format!("scenarios/{}", p.file_name().unwrap().to_string_lossy()))
            .collect();
    names.sort();
    assert!(names.len() >= 7);
    airace().arg("validate").args(&names).assert().success();
}

/// `validate` reads a game file as `airace game` does, reports the sound
/// files even when another is not, and `run` given a game file says so.
#[test]
fn validate_checks_game_files_and_names_every_file() {
    airace()
        .args(["validate", "scenarios/games/pause-or-race.toml"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "ok: game pause-or-race (3 players, 3 strategies, 10 profiles",
        ));
    let (dir, broken) = common::temp_path("broken-game.toml");
    let game = fs::read_to_string("scenarios/games/pause-or-race.toml").unwrap();
    fs::write(&broken, format!("{game}\nfoo = 1\n")).unwrap();
    airace()
        .arg("validate")
        .arg(&broken)
        .arg("scenarios/race.toml")
        .assert()
        .code(2)
        .stdout(predicate::str::starts_with("ok: race (3 labs"))
        .stderr(predicate::str::contains("unknown field `foo`"));
    common::refuses(
        airace()
            .args(["run", "scenarios/games/pause-or-race.toml", "--out"])
            .arg(dir.path().join("out")),
        "run it with `airace game FILE`",
    );
    assert!(!dir.path().join("out").exists());
}

#[test]
fn no_arguments_runs_the_default_comparison() {
    let dir = tempfile::tempdir().unwrap();
    // The default comparison is built in: it runs from any folder.
    let mut cmd = Command::cargo_bin("airace").unwrap();
    cmd.current_dir(dir.path())
        .args(["run", "--runs", "300"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("pause-2023").and(predicate::str::contains(
                "comparison: output/default-comparison",
            )),
        );
    let out = dir.path().join("output");
    for name in ["race", "pause-2023", "rsp-2026", "lone-pause", "lone-2026"] {
        for file in [
            "summary.json",
            "summary.csv",
            "runs.csv",
            "labs.csv",
            "timeseries.csv",
            "manifest.json",
            "scenario.toml",
        ] {
            assert!(out.join(name).join(file).is_file(), "{name}/{file}");
        }
    }
    let comparison = fs::read_to_string(out.join("default-comparison/comparison.csv")).unwrap();
    assert_eq!(comparison.lines().count(), 6, "{comparison}");
    assert!(comparison.starts_with("scenario,runs,steps,seed,p_catastrophe,p_catastrophe_ci_low"));
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("race/manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["source"], "built-in:race");
    assert_eq!(manifest["runs"], 300);
}

#[test]
fn outputs_are_byte_identical_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    for threads in ["1", "2", "3"] {
        let out = dir.path().join(format!("t{threads}"));
        common::rsp_and_lone_pause("2500")
            .args(["--threads", threads, "--out", out.to_str().unwrap()])
            .assert()
            .success()
            .stdout("");
        outputs.push(out);
    }
    assert!(
        common::contents(&outputs[0]).len() >= 15,
        "{:?}",
        common::contents(&outputs[0]).keys()
    );
    for other in &outputs[1..] {
        common::assert_same_outputs(&outputs[0], other);
    }
    // What the comparison leaves out: the manifests' record of the invocation.
    for out in &outputs {
        for name in common::contents(out).keys() {
            if name.ends_with("manifest.json") {
                let v: serde_json::Value =
                    serde_json::from_slice(&fs::read(out.join(name)).unwrap()).unwrap();
                assert!(v.get("threads").is_some(), "{name}");
                assert!(v.get("command_line").is_some(), "{name}");
            }
        }
    }
}

#[test]
fn the_scenario_as_run_reproduces_the_run() {
    let (dir, first) = common::temp_path("first");
    common::writes_into(
        airace().args([
            "run",
            "scenarios/lone-2026.toml",
            "--quiet",
            "--runs",
            "700",
            "--seed",
            "11",
        ]),
        &first,
    );
    let again = dir.path().join("again");
    common::writes_into(
        airace().args([
            "run",
            first.join("lone-2026/scenario.toml").to_str().unwrap(),
            "--quiet",
        ]),
        &again,
    );
    for file in [
        "summary.json",
        "runs.csv",
        "labs.csv",
        "timeseries.csv",
        "scenario.toml",
    ] {
        assert!(
            fs::read(first.join("lone-2026").join(file)).unwrap()
                == fs::read(again.join("lone-2026").join(file)).unwrap(),
            "{file}"
        );
    }
}

#[test]
fn no_run_rows_skips_the_per_run_files() {
    let dir = tempfile::tempdir().unwrap();
    common::writes_into(
        common::race("100").args(["--no-run-rows", "--no-plots"]),
        dir.path(),
    );
    let written: Vec<String> = common::contents(&dir.path().join("race"))
        .into_keys()
        .collect();
    assert_eq!(
        written,
        [
            "index.html",
            "manifest.json",
            "scenario.toml",
            "summary.csv",
            "summary.json",
            "timeseries.csv"
        ]
    );
}

/// A run into a folder that holds an earlier run's results leaves no file
/// of the earlier run behind (here its per-run rows and figures), and
/// nothing it did not write (a note of the user's, kept with --force).
#[test]
fn a_run_over_an_earlier_one_leaves_none_of_its_files() {
    let dir = tempfile::tempdir().unwrap();
    let run = |out: &Path, extra: &[&str]| {
        common::writes_into(common::race("100").args(extra), out);
    };
    let again = dir.path().join("again");
    run(
        &again,
        &["--width", "3.5", "--height", "2.6", "--dpi", "50"],
    );
    fs::write(again.join("race/notes.txt"), "mine").unwrap();
    let second = ["--seed", "5", "--no-run-rows", "--no-plots", "--force"];
    run(&again, &second);
    let fresh = dir.path().join("fresh");
    run(&fresh, &second);

    let mut left = common::contents(&again.join("race"));
    assert_eq!(left.remove("notes.txt").as_deref(), Some(&b"mine"[..]));
    let want = common::contents(&fresh.join("race"));
    assert_eq!(
        left.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &want {
        if name != "manifest.json" {
            assert_eq!(&left[name], bytes, "{name}");
        }
    }
    assert!(!again.join("race/figures").exists());

    // A sweep's folder likewise (its manifest lists its files).
    let sweep = |extra: &[&str]| {
        common::writes_into(
            airace()
                .args([
                    "sweep",
                    "scenarios/race.toml",
                    "--set",
                    "world.spillover=0,0.1",
                ])
                .args(["--runs", "100", "--quiet", "--dpi", "50"])
                .args(extra),
            &again,
        );
    };
    sweep(&[]);
    assert!(again.join("race-sweep/figures/sweep-line.png").exists());
    sweep(&["--no-plots"]);
    assert!(!again.join("race-sweep/figures").exists());
}

#[test]
fn scenarios_with_one_name_are_refused_before_running() {
    let (_dir, out) = common::temp_path("out");
    common::refuses(
        airace().args([
            "run",
            "scenarios/race.toml",
            "scenarios/race.toml",
            "--out",
            out.to_str().unwrap(),
        ]),
        "scenarios 1 and 2 are both named `race`",
    );
    assert!(!out.exists());
}

#[test]
fn bad_options_exit_with_code_2() {
    common::refuses(airace().args(["run", "--runs", "0"]), "--runs");
    airace().args(["run", "--threads", "zero"]).assert().code(2);
    airace().args(["frobnicate"]).assert().code(2);
    // --name with one scenario: there is no comparison to name, and it says so.
    let dir = tempfile::tempdir().unwrap();
    airace()
        .args(["run", "scenarios/race.toml", "--runs", "100", "--no-plots"])
        .args(["--name", "mine", "--out"])
        .arg(dir.path())
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "note: --name mine names the comparison of several scenarios",
        ));
    assert!(!dir.path().join("mine").exists());
    // Names are at most 100 characters, and the message says so.
    common::refuses(
        airace()
            .args(["run", "scenarios/race.toml", "--name"])
            .arg("x".repeat(101)),
        "at most 100 characters",
    );
    // A seed the scenario.toml written with the results could not hold.
    for command in [
        &["run", "scenarios/race.toml"][..],
        &[
            "sweep",
            "scenarios/race.toml",
            "--set",
            "world.spillover=0,0.1",
        ],
        &["game", "scenarios/games/pause-or-race.toml"],
    ] {
        common::refuses(
            airace()
                .args(command)
                .args(["--seed", "9223372036854775808"]),
            "0..=9223372036854775807",
        );
    }
}

/// `airace run scenarios/rsp-2026.toml --runs RUNS` into a fresh temporary
/// folder; returns the folder and the scenario's results in it.
fn rsp_2026(runs: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    common::writes_into(
        airace().args(["run", "scenarios/rsp-2026.toml", "--quiet", "--runs", runs]),
        dir.path(),
    );
    let results = dir.path().join("rsp-2026");
    (dir, results)
}

#[test]
fn per_run_rows_are_tidy_csv() {
    let (_dir, d) = rsp_2026("50");
    for (file, rows) in [("runs.csv", 50), ("labs.csv", 150), ("timeseries.csv", 121)] {
        let text = fs::read_to_string(d.join(file)).unwrap();
        let mut lines = text.lines();
        let columns = lines.next().unwrap().split(',').count();
        let body: Vec<&str> = lines.collect();
        assert_eq!(body.len(), rows, "{file}");
        assert!(
            body.iter().all(|l| l.split(',').count() == columns),
            "{file} has ragged rows"
        );
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(d.join("summary.json")).unwrap()).unwrap();
    for key in [
        "scenario",
        "runs",
        "steps",
        "seed",
        "p_catastrophe",
        "p_catastrophe_sampled",
        "p_catastrophe_unwarned",
        "p_win",
        "p_no_winner",
        "frontier_capability",
        "labs",
        "win_step_mean",
    ] {
        assert!(summary.get(key).is_some(), "summary.json lacks {key}");
    }
    for lab in ["Frontier", "Challenger", "Upstart"] {
        let l = &summary["labs"][lab];
        for key in [
            "paused_steps_mean",
            "delayed_steps_mean",
            "utility_mean",
            "final_capability_mean",
            "final_safety_mean",
        ] {
            assert!(l.get(key).is_some(), "labs.{lab} lacks {key}");
        }
        assert!(summary["p_win"][lab]["ci_low"].is_number());
    }
}

/// Regression: numbers were written with 10 (probabilities) or 6 decimals,
/// so a CSV value was not the number airace computed, and 1e-11 read as 0.
/// Now every CSV and JSON number is the shortest decimal that reads back to
/// the same f64: the CSV and the JSON summaries agree to the last bit, and
/// a share recomputed from the per-run rows is the summary's exactly.
#[test]
fn numbers_in_csv_and_json_read_back_to_the_same_f64() {
    let (_dir, d) = rsp_2026("60");
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(d.join("summary.json")).unwrap()).unwrap();
    let csv = fs::read_to_string(d.join("summary.csv")).unwrap();
    let mut compared = 0;
    for line in csv.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let (metric, lab) = (cells[0], cells[1]);
        let entry = if lab.is_empty() {
            &summary[metric]
        } else if summary[metric].get(lab).is_some() {
            &summary[metric][lab]
        } else {
            &summary["labs"][lab][metric]
        };
        let json = match entry.get("mean") {
            Some(mean) => mean,
            None => entry,
        };
        if let (Some(json), Ok(text)) = (json.as_f64(), cells[2].parse::<f64>()) {
            assert_eq!(text.to_bits(), json.to_bits(), "{line} vs {json}");
            compared += 1;
        }
    }
    assert!(compared >= 10, "only {compared} numbers compared");
    // The sampled catastrophe share is the count of runs.csv's 1s over 60.
    let runs = fs::read_to_string(d.join("runs.csv")).unwrap();
    let header: Vec<&str> = runs.lines().next().unwrap().split(',').collect();
    let column = header.iter().position(|&c| c == "catastrophe").unwrap();
    let count = runs
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(column) == Some("1"))
        .count();
    let share = csv
        .lines()
        .find(|l| l.starts_with("p_catastrophe_sampled,"))
        .unwrap()
        .split(',')
        .nth(2)
        .unwrap()
        .parse::<f64>()
        .unwrap();
    assert_eq!(share, count as f64 / 60.0);
}

#[test]
fn validate_warns_of_a_quorum_never_met_and_a_regulation_after_the_last_step() {
    let (_dir, path) = common::temp_path("warned.toml");
    let lab = |name: &str, policy: &str| {
        format!(
            "[[labs]]\nname = \"{name}\"\ncapability = 1.0\nsafety = 1.0\ncapability_rate = 0.1\n\
             safety_rate = 0.1\npolicy = [{policy}]\n"
        )
    };
    let conditional = "{ rule = \"conditional_pause\", thresholds = [3.0], quorum = 2 }";
    let text = format!(
        "[scenario]\nsteps = 24\n{}{}{}\n[[regulation]]\nname = \"late\"\nlabs = [\"*\"]\nstart = 30\n\
         thresholds = [3.0]\n",
        lab("A", conditional),
        lab("B", conditional),
        lab("C", "{ rule = \"race\" }"),
    );
    fs::write(&path, text).unwrap();
    let output = airace()
        .arg("validate")
        .arg(&path)
        .assert()
        .success()
        .get_output()
        .clone();
    let (stdout, stderr) = (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    );
    assert!(stdout.starts_with("ok: warned (3 labs"), "{stdout}");
    assert!(!stdout.contains("warning"), "{stdout}");
    for needle in [
        "lab `A`: its conditional_pause can never be in force",
        "lab `B`: its conditional_pause can never be in force",
        "regulation `late` starts at step 30, after the last step (23): it never applies",
    ] {
        assert!(stderr.contains(needle), "{needle} in {stderr}");
    }
    assert!(!stderr.contains("lab `C`"), "{stderr}");
}

#[test]
fn a_scenario_with_the_new_mechanics_reports_their_columns() {
    let dir = tempfile::tempdir().unwrap();
    common::writes_into(
        airace()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args([
                "run",
                "scenarios/regulation.toml",
                "scenarios/fuzzy-red-lines.toml",
            ])
            .args(["--runs", "300", "--no-plots", "--quiet"]),
        dir.path(),
    );
    let read = |p: &str| fs::read_to_string(dir.path().join(p)).unwrap();
    let header = |p: &str| read(p).lines().next().unwrap().to_owned();
    let labs = read("regulation/labs.csv");
    assert!(
        labs.starts_with(
            "run,lab,capability,safety,resources,paused_steps,delayed_steps,won,utility,\
             violating_steps,times_caught,penalty_steps\n"
        ),
        "{labs}"
    );
    assert!(header("regulation/timeseries.csv").ends_with(",under_penalty"));
    let summary = read("regulation/summary.json");
    assert!(summary.contains("\"penalty_steps_mean\""));
    assert!(!summary.contains("unnoticed_steps_mean"));
    assert!(header("fuzzy-red-lines/labs.csv").ends_with(",utility,unnoticed_steps"));
    assert!(read("fuzzy-red-lines/summary.csv").contains("unnoticed_steps_mean,Frontier,"));
    assert!(
        header("fuzzy-red-lines/timeseries.csv").ends_with(",delayed_Upstart,safety_effort_mean_Frontier,safety_effort_mean_Challenger,safety_effort_mean_Upstart,unnoticed,unnoticed_Frontier,unnoticed_Challenger,unnoticed_Upstart")
    );
}

/// `airace new --game` prints a game file that `airace validate` and
/// `airace game` accept as printed (the `[game]` keys were documented only
/// in the shipped files' comments).
#[test]
fn the_game_template_validates_and_plays() {
    let out = airace().args(["new", "--game"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for key in [
        "players = 3",
        "population = 50",
        "selection = 10.0",
        "replicator_grid = 10",
        "[[game.strategies]]",
    ] {
        assert!(text.contains(key), "{key}");
    }
    let (dir, file) = common::temp_path("mygame.toml");
    fs::write(&file, &text).unwrap();
    airace()
        .arg("validate")
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "ok: game mygame (3 players, 2 strategies",
        ));
    common::writes_into(
        airace()
            .arg("game")
            .arg(&file)
            .args(["--runs", "20", "--no-plots"]),
        dir.path(),
    );
    assert!(dir.path().join("mygame").join("summary.json").is_file());
}

/// `--set` reaches a regulation's keys (by its name or index) and a
/// conditional pause's quorum: each point runs with its value, so audits
/// that always catch (`audit = 1`) give penalties and audits that never do
/// give none.
#[test]
fn a_sweep_sets_regulation_keys_and_the_quorum() {
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let sweep = |scenario: &str, set: &str| {
        common::writes_into(
            airace()
                .current_dir(root)
                .args(["sweep", scenario, "--set", set, "--keep-points"])
                .args(["--runs", "200", "--no-plots", "--quiet"]),
            dir.path(),
        );
    };
    sweep("scenarios/regulation.toml", "regulation.national.audit=0,1");
    let point = |p: &str, file: &str| {
        fs::read_to_string(
            dir.path()
                .join("regulation-sweep/points")
                .join(p)
                .join(file),
        )
        .unwrap()
    };
    for (p, audit) in [("0001", "0.0"), ("0002", "1.0")] {
        let toml = point(p, "scenario.toml");
        assert!(toml.contains(&format!("audit = {audit}")), "{toml}");
    }
    let caught = |p: &str| {
        let summary = point(p, "summary.json");
        summary.matches("\"times_caught_mean\": 0.0").count()
    };
    // Never caught at audit 0; at audit 1 only the Upstart, abroad and
    // under no regulation, never is.
    assert_eq!(caught("0001"), 3);
    assert_eq!(caught("0002"), 1);

    sweep(
        "scenarios/conditional-pause.toml",
        "labs.Frontier.policy.0.quorum=0,2",
    );
    let toml = fs::read_to_string(
        dir.path()
            .join("conditional-pause-sweep/points/0001/scenario.toml"),
    )
    .unwrap();
    assert!(toml.contains("quorum = 0"), "{toml}");
    common::refuses(
        airace()
            .current_dir(root)
            .args([
                "sweep",
                "scenarios/regulation.toml",
                "--set",
                "regulation.nationl.audit=0,1",
            ])
            .args(["--runs", "20", "--quiet", "--out"])
            .arg(dir.path().join("bad")),
        "did you mean `regulation.national.audit`?",
    );
}
