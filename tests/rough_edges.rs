//! Rough edges of the command line as a new user met them, each a
//! regression test named after what went wrong.

mod common;

use common::airace;
use predicates::prelude::*;
use std::fs;

/// A scenario with labs `Alpha` and `Gamma`: `labs.alpha` is nearer
/// `labs.Gamma` than `labs.Alpha` by case-exact similarity.
const TWO_LABS: &str = r#"
[scenario]
name = "two"
runs = 100
steps = 20

[world]
decisive_capability = 5.0

[[labs]]
name = "Alpha"
capability = 1.0
safety = 1.0
capability_rate = 0.08
safety_rate = 0.06

[[labs]]
name = "Gamma"
capability = 1.0
safety = 1.0
capability_rate = 0.08
safety_rate = 0.06
"#;

#[test]
fn a_sweep_key_of_the_wrong_case_is_answered_with_the_right_lab() {
    let (dir, base) = common::temp_path("base.toml");
    fs::write(&base, TWO_LABS).unwrap();
    let err = common::refused(
        common::process()
            .args(["sweep", base.to_str().unwrap()])
            .args(["--set", "labs.alpha.safety_share=0,0.1", "--out"])
            .arg(dir.path().join("out")),
    );
    assert!(
        err.contains("did you mean `labs.Alpha.safety_share`?"),
        "{err}"
    );
    assert!(!dir.path().join("out").exists());
}

#[test]
fn a_game_file_reports_an_unknown_key_and_an_out_of_range_value_together() {
    let (_dir, path) = common::temp_path("g.toml");
    let text = fs::read_to_string("scenarios/games/pause-or-race.toml").unwrap();
    let text = text
        .replacen("[game]\n", "[game]\npopulaton = 40\n", 1)
        .replacen("selection = 10.0 ", "selection = -3.0 ", 1);
    assert!(text.contains("populaton = 40") && text.contains("selection = -3.0"));
    fs::write(&path, text).unwrap();
    let err = common::refused(common::process().args(["validate", path.to_str().unwrap()]));
    assert!(err.contains("unknown field `populaton`"), "{err}");
    assert!(err.contains("did you mean `population`?"), "{err}");
    assert!(
        err.contains("game.selection: -3 is out of range"),
        "both problems at once: {err}"
    );
}

#[test]
fn help_help_is_help() {
    common::prints(airace().args(["help", "--help"]), &["Usage"]);
    common::prints(airace().args(["help", "sweep"]), &["--samples"]);
    common::prints(airace().arg("help"), &["Examples:"]);
    let err = common::refused(common::process().args(["help", "nope"]));
    assert!(err.contains("nope"), "{err}");
}

#[cfg(target_os = "linux")]
#[test]
fn an_out_folder_that_cannot_be_written_is_named_as_such() {
    let err = common::refused(common::process().args([
        "run",
        "scenarios/race.toml",
        "--runs",
        "10",
        "--out",
        "/proc/nope",
    ]));
    assert!(err.contains("/proc/nope cannot be written"), "{err}");
    assert!(!err.contains("B free"), "{err}");
}

#[test]
fn the_template_is_a_scenario_worth_running() {
    let dir = tempfile::tempdir().unwrap();
    let out = airace()
        .arg("new")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let path = dir.path().join("mine.toml");
    fs::write(&path, &out).unwrap();
    let validated = airace()
        .args(["validate", path.to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("ok: mine (2 labs,"))
        .get_output()
        .clone();
    assert_eq!(
        String::from_utf8_lossy(&validated.stderr),
        "",
        "the template draws no warning"
    );
    // It ends: some lab wins in some runs.
    common::writes_into(
        airace().args(["run", path.to_str().unwrap(), "--runs", "200", "--no-plots"]),
        &dir.path().join("out"),
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("out/mine/summary.json")).unwrap())
            .unwrap();
    let no_winner = summary["p_no_winner"]["mean"].as_f64().unwrap();
    assert!(no_winner < 1.0, "P(no winner) = {no_winner}");
}

#[test]
fn validate_warns_of_rules_that_can_never_act_and_a_race_with_no_end() {
    let (_dir, path) = common::temp_path("lone.toml");
    fs::write(
        &path,
        r#"
[scenario]
name = "lone"
steps = 50

[[labs]]
name = "Only"
capability = 1.0
safety = 1.0
capability_rate = 0.08
safety_rate = 0.06
risk_perception = 0.0
policy = [
  { rule = "match_competitors" },
  { rule = "delay_if_leading", risk = 0.002 },
]
"#,
    )
    .unwrap();
    let out = common::prints(
        airace().args(["validate", path.to_str().unwrap()]),
        &["ok: lone"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no end"), "{stderr}");
    assert!(
        stderr.contains("match_competitors can never act"),
        "{stderr}"
    );
    assert!(
        stderr.contains("delay_if_leading can never act"),
        "{stderr}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("warning"));
}

#[test]
fn after_resume_the_speed_counts_only_the_runs_of_this_process() {
    let dir = tempfile::tempdir().unwrap();
    let run = || {
        let mut cmd = common::process();
        cmd.args([
            "run",
            "scenarios/race.toml",
            "--runs",
            "20000",
            "--threads",
            "2",
        ])
        .args(["--no-plots", "--no-run-rows", "--out"])
        .arg(dir.path());
        cmd
    };
    // Stopped after its first wave: 8 blocks of 1024 runs on two threads.
    let stopped = run()
        .arg("--quiet")
        .env("AIRACE_TEST_STOP_AFTER", "3000")
        .output()
        .unwrap();
    assert_eq!(stopped.status.code(), Some(130));
    let resumed = run().arg("--resume").output().unwrap();
    assert!(resumed.status.success());
    let stdout = String::from_utf8_lossy(&resumed.stdout);
    assert!(
        stdout.contains("M lab-steps/s over the 11808 runs simulated now; 8192 were resumed"),
        "{stdout}"
    );
}
