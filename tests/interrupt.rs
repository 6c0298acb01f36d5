//! Stopping a run: a signal stops it cleanly, leaves nothing that looks
//! whole but a checkpoint, and `--resume` then ends with the bytes of an
//! uninterrupted run; folders holding other files are not written without
//! --force.

mod common;

use std::fs;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn files_under(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries {
            let path = e.unwrap().path();
            if path.is_dir() {
                out.extend(files_under(&path));
            } else {
                out.push(path.display().to_string());
            }
        }
    }
    out
}

/// Sends `signal` to `child` and waits for it to exit, at most `limit`;
/// returns its output and how long it took to stop.
fn signal_and_wait(
    mut child: std::process::Child,
    signal: &str,
    limit: Duration,
) -> (std::process::Output, Duration) {
    let sent = Instant::now();
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    loop {
        if child.try_wait().unwrap().is_some() {
            return (child.wait_with_output().unwrap(), sent.elapsed());
        }
        if sent.elapsed() > limit {
            let _ = child.kill();
            panic!("airace did not stop within {limit:?} of {signal}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn interrupt_after(signal: &str, wait: Duration) {
    let dir = tempfile::tempdir().unwrap();
    let child = common::process()
        .args([
            "run",
            "scenarios/race.toml",
            "scenarios/rsp-2026.toml",
            "--runs",
            "100000000",
            "--out",
        ])
        .arg(dir.path())
        // Far more rows than any disk holds, but the run is stopped long
        // before: let it start.
        .env("AIRACE_DISK_LIMIT", "1000000T")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(wait);
    let (output, stopped_in) = signal_and_wait(child, signal, Duration::from_secs(10));
    let stderr = common::exited(&output, 130);
    assert!(
        stderr.contains("interrupted: scenario race stopped after"),
        "{stderr}"
    );
    assert!(
        stderr.contains("its progress is saved in") && stderr.contains("--resume"),
        "{stderr}"
    );
    // Nothing that looks like an output: only the hidden checkpoint, and
    // airace's record of the folder (which owns the checkpoint) and lock.
    let left = files_under(dir.path());
    assert!(
        left.iter().all(|f| f.contains("/.airace-checkpoint/")
            || f.ends_with("/race/.airace-record.json")
            || f.ends_with("/race/.airace-lock")),
        "an interrupted run left files: {left:?}"
    );
    assert!(
        left.iter().any(|f| f.ends_with("checkpoint.json")),
        "no checkpoint in {left:?}"
    );
    println!("{signal}: stopped {stopped_in:?} after the signal");
    assert!(stopped_in < Duration::from_secs(5), "took {stopped_in:?}");
}

#[test]
fn sigint_stops_a_run_cleanly_and_leaves_nothing_that_looks_whole() {
    interrupt_after("-INT", Duration::from_millis(1500));
}

#[test]
fn sigterm_does_the_same() {
    interrupt_after("-TERM", Duration::from_millis(1500));
}

#[test]
fn a_folder_with_other_files_needs_force_and_keeps_them() {
    let (dir, theirs) = common::temp_path("race/notes.txt");
    fs::create_dir_all(theirs.parent().unwrap()).unwrap();
    fs::write(&theirs, "my notes").unwrap();
    let run = |force: bool| {
        let mut cmd = common::process();
        cmd.args([
            "run",
            "scenarios/race.toml",
            "--quiet",
            "--runs",
            "50",
            "--no-plots",
            "--out",
        ])
        .arg(dir.path());
        if force {
            cmd.arg("--force");
        }
        cmd.output().unwrap()
    };
    let refused = run(false);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr)
            .contains("holds notes.txt that airace did not write")
    );
    assert!(!dir.path().join("race/summary.json").exists());
    let forced = run(true);
    assert!(forced.status.success());
    assert!(dir.path().join("race/summary.json").exists());
    assert_eq!(fs::read_to_string(&theirs).unwrap(), "my notes");
    // A folder airace wrote is its own: running again needs no --force.
    assert!(
        run(false).status.code() == Some(2),
        "notes.txt is still there"
    );
    fs::remove_file(&theirs).unwrap();
    assert!(run(false).status.success());
}

#[test]
fn an_unwritable_output_location_fails_before_any_work() {
    let (_dir, file) = common::temp_path("a-file");
    fs::write(&file, "").unwrap();
    let out = common::process()
        .args([
            "run",
            "scenarios/race.toml",
            "--quiet",
            "--runs",
            "100000000",
            // Rows of 10^8 runs would not fit on many disks: that refusal
            // would come first.
            "--no-run-rows",
            "--out",
        ])
        .arg(file.join("sub"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot write to output folder"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn airace_in(out: &std::path::Path, args: &[&str]) -> Command {
    let mut cmd = common::process();
    cmd.args(args)
        .args(["--runs", "20000", "--threads", "2", "--quiet", "--out"])
        .arg(out);
    cmd
}

#[test]
fn a_resumed_run_equals_an_uninterrupted_one_byte_for_byte() {
    let scenarios = ["run", "scenarios/race.toml", "scenarios/rsp-2026.toml"];
    let whole = tempfile::tempdir().unwrap();
    assert!(
        airace_in(whole.path(), &scenarios)
            .status()
            .unwrap()
            .success()
    );

    // Stopped in the second scenario: waves are of 8 blocks of 1024 runs
    // on two threads, so after its second wave (20000 + 16384 runs).
    let part = tempfile::tempdir().unwrap();
    let stopped = airace_in(part.path(), &scenarios)
        .env("AIRACE_TEST_STOP_AFTER", "29000")
        .output()
        .unwrap();
    let stderr = common::exited(&stopped, 130);
    assert!(
        stderr.contains("scenario rsp-2026 stopped after 16384 of 20000 runs"),
        "{stderr}"
    );
    assert!(!part.path().join("rsp-2026/summary.json").exists());
    assert!(!part.path().join("comparison/comparison.csv").exists());

    // Without --resume, the checkpoint is not thrown away.
    let err = common::refused(&mut airace_in(part.path(), &scenarios));
    assert!(err.contains("add --resume to continue it"), "{err}");

    // A checkpoint edited by hand is refused, not trusted.
    let json = part
        .path()
        .join("rsp-2026/.airace-checkpoint/checkpoint.json");
    let saved = fs::read_to_string(&json).unwrap();
    fs::write(
        &json,
        saved.replace("\"next_run\": 16384", "\"next_run\": 100"),
    )
    .unwrap();
    let err = common::refused(airace_in(part.path(), &scenarios).arg("--resume"));
    assert!(
        err.contains("is damaged: run 100 is not a block boundary in runs 0..20000 of 20000"),
        "{err}"
    );
    fs::write(&json, saved).unwrap();

    // Rows written after the last checkpoint (as a killed process leaves
    // them) are cut off on resuming.
    let runs = part.path().join("rsp-2026/.airace-checkpoint/runs.csv");
    let mut rows = fs::read(&runs).unwrap();
    rows.extend_from_slice(b"99999,half a row");
    fs::write(&runs, rows).unwrap();

    common::ok(airace_in(part.path(), &scenarios).arg("--resume"));
    common::assert_same_outputs(part.path(), whole.path());

    // A checkpoint of another run is not resumed.
    let other = airace_in(part.path(), &["run", "scenarios/race.toml"])
        .env("AIRACE_TEST_STOP_AFTER", "3000")
        .output()
        .unwrap();
    assert_eq!(other.status.code(), Some(130));
    let err = common::refused(
        airace_in(part.path(), &["run", "scenarios/race.toml", "--seed", "5"]).arg("--resume"),
    );
    assert!(
        err.contains("its checkpoint is of another run (seed 1 there, 5 here)"),
        "{err}"
    );
}

/// A run or sweep stopped by a signal leaves no empty folder: only the
/// folder of the scenario it stopped in, which holds its checkpoint.
#[test]
fn a_stopped_command_leaves_no_empty_folders() {
    let entries = |dir: &std::path::Path| -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let (out, into) = common::temp_path("new/results");
    let scenarios = [
        "run",
        "scenarios/race.toml",
        "scenarios/rsp-2026.toml",
        "scenarios/pause-2023.toml",
    ];
    let stopped = airace_in(&into, &scenarios)
        .env("AIRACE_TEST_STOP_AFTER", "3000")
        .output()
        .unwrap();
    assert_eq!(stopped.status.code(), Some(130));
    assert_eq!(entries(&into), ["race"]);
    assert_eq!(
        entries(&into.join("race")),
        [".airace-checkpoint", ".airace-lock", ".airace-record.json"]
    );

    // A sweep stopped in its first point, into that folder and into a new one.
    let stop_sweep = |into: &std::path::Path| {
        let sweep = [
            "sweep",
            "scenarios/race.toml",
            "--set",
            "world.spillover=0,0.1",
        ];
        let stopped = airace_in(into, &sweep)
            .env("AIRACE_TEST_STOP_AFTER", "3000")
            .output()
            .unwrap();
        assert_eq!(stopped.status.code(), Some(130));
    };
    stop_sweep(&into);
    assert_eq!(entries(&into), ["race"]);
    stop_sweep(&out.path().join("other/place"));
    assert_eq!(entries(out.path()), ["new"]);
}

/// Sends `signal` to `airace ARGS --out DIR/new/place` after 1.5 s; checks
/// that it stops within two seconds with exit code 130 and a one-line
/// message starting with `stopped`, and leaves no folder (`DIR` stays
/// empty).
fn stop_without_checkpoint(args: &[&str], signal: &str, stopped: &str) {
    let dir = tempfile::tempdir().unwrap();
    let child = common::process()
        .args(args)
        .arg("--out")
        // A new folder in a new folder: neither may be left behind.
        .arg(dir.path().join("new/place"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let (output, stopped_in) = signal_and_wait(child, signal, Duration::from_secs(20));
    let stderr = common::exited(&output, 130);
    assert!(
        stderr.starts_with(&format!("error: interrupted: {stopped} stopped after "))
            && stderr.contains("wrote nothing")
            && stderr.contains("does not resume")
            && stderr.lines().count() == 1,
        "{stderr}"
    );
    let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "an interrupted {stopped} left {left:?}");
    println!("{stopped}: stopped {stopped_in:?} after {signal}");
    assert!(stopped_in < Duration::from_secs(2), "took {stopped_in:?}");
}

#[test]
fn sigterm_stops_a_game_promptly_and_it_writes_nothing() {
    stop_without_checkpoint(
        &[
            "game",
            "scenarios/games/pause-or-race.toml",
            "--runs",
            "100000000",
            "--threads",
            "1",
        ],
        "-TERM",
        "game pause-or-race",
    );
}

#[test]
fn sigint_stops_classic_dsair_promptly_and_it_writes_nothing() {
    stop_without_checkpoint(
        &["classic", "dsair", "--runs", "5000"],
        "-INT",
        "classic dsair",
    );
}

#[test]
fn sigterm_stops_classic_precipice_promptly_and_it_writes_nothing() {
    stop_without_checkpoint(&["classic", "precipice"], "-TERM", "classic precipice");
}
