//! Stopping a run: a signal stops it cleanly and leaves nothing that looks
//! whole; folders holding other files are not written without --force.

use assert_cmd::cargo::CommandCargoExt;
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

fn interrupt_after(signal: &str, wait: Duration) {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::cargo_bin("airace")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "run",
            "scenarios/race.toml",
            "scenarios/rsp-2026.toml",
            "--runs",
            "100000000",
            "--out",
        ])
        .arg(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(wait);
    let sent = Instant::now();
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = loop {
        if child.try_wait().unwrap().is_some() {
            break child.wait_with_output().unwrap();
        }
        assert!(
            sent.elapsed() < Duration::from_secs(10),
            "airace did not stop after {signal}"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let stopped_in = sent.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("interrupted: scenario race stopped after"),
        "{stderr}"
    );
    assert!(stderr.contains("wrote nothing"), "{stderr}");
    let left = files_under(dir.path());
    assert!(left.is_empty(), "an interrupted run left files: {left:?}");
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
    let dir = tempfile::tempdir().unwrap();
    let theirs = dir.path().join("race/notes.txt");
    fs::create_dir_all(theirs.parent().unwrap()).unwrap();
    fs::write(&theirs, "my notes").unwrap();
    let run = |force: bool| {
        let mut cmd = Command::cargo_bin("airace").unwrap();
        cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
            .args([
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
            .contains("holds files airace did not write (notes.txt)")
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
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    fs::write(&file, "").unwrap();
    let out = Command::cargo_bin("airace")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "run",
            "scenarios/race.toml",
            "--quiet",
            "--runs",
            "100000000",
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
