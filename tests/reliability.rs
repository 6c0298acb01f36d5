//! Nothing a user owns is ever lost, and no output is silently wrong: each
//! test is a reproduction of an attack on an earlier airace (a user's file
//! with an output's name, a symlink, a folder of another kind, a second
//! process into the same folder, a damaged checkpoint or shard, a full
//! disk, a FIFO, a signal while writing), which now ends with the user's
//! files intact, exit code 2 (130 for a signal) and a message that says
//! what happened.

mod common;

use common::airace;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

/// Every file under `dir` (hidden ones too) with its bytes, but for the
/// folders' locks (which hold the last writer's process id).
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.file_name().is_some_and(|n| n == ".airace-lock") {
                continue;
            }
            let meta = fs::symlink_metadata(&p).unwrap();
            let rel = p.strip_prefix(root).unwrap().display().to_string();
            if meta.file_type().is_symlink() {
                out.insert(rel, b"<symlink>".to_vec());
            } else if meta.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(rel, fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// `airace run scenarios/race.toml` with few runs into `out`, and more args.
fn run_race(out: &Path, extra: &[&str]) -> std::process::Output {
    common::race("200")
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

/// A fresh temporary folder holding [`run_race`]'s results (without
/// figures) in `race/`.
fn raced() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    assert!(run_race(dir.path(), &["--no-plots"]).status.success());
    dir
}

fn refused(output: &std::process::Output, says: &[&str]) {
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "exit code; stderr: {err}");
    for s in says {
        assert!(err.contains(s), "stderr lacks {s:?}: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_users_file_with_an_output_name_is_kept_with_or_without_force() {
    let (dir, race) = common::temp_path("race");
    fs::create_dir_all(&race).unwrap();
    fs::write(race.join("summary.csv"), "my data").unwrap();
    fs::write(race.join("index.html"), "my page").unwrap();
    let before = snapshot(dir.path());
    for force in [&[][..], &["--force"][..]] {
        let out = run_race(dir.path(), force);
        refused(&out, &["summary.csv", "never writes over"]);
        assert_eq!(snapshot(dir.path()), before, "nothing changed");
    }
}

#[test]
fn a_sweep_named_as_a_run_leaves_the_run_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    assert!(run_race(dir.path(), &[]).status.success());
    let before = snapshot(dir.path());
    for force in [&[][..], &["--force"][..]] {
        let out = airace()
            .args(["sweep", "scenarios/race.toml", "--quiet", "--runs", "200"])
            .args(["--set", "world.spillover=0,0.1", "--name", "race", "--out"])
            .arg(dir.path())
            .args(force)
            .output()
            .unwrap();
        refused(&out, &["a scenario's results", "a sweep"]);
        assert_eq!(snapshot(dir.path()), before);
    }
}

#[test]
fn a_run_named_like_a_sweep_folder_and_a_comparison_named_like_a_run_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = airace()
        .args(["sweep", "scenarios/race.toml", "--quiet", "--runs", "100"])
        .args(["--set", "world.spillover=0,0.1", "--no-plots", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(sweep.status.success());
    assert!(run_race(dir.path(), &["--no-plots"]).status.success());
    let before = snapshot(dir.path());
    // A scenario whose name is the sweep's folder.
    let scenario = dir.path().join("race-sweep.toml");
    fs::write(
        &scenario,
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/race.toml"))
            .unwrap()
            .replace("name = \"race\"", "name = \"race-sweep\""),
    )
    .unwrap();
    let before_with_file = {
        let mut b = before.clone();
        b.insert("race-sweep.toml".into(), fs::read(&scenario).unwrap());
        b
    };
    let out = airace()
        .args(["run", "--quiet", "--runs", "100", "--force", "--out"])
        .arg(dir.path())
        .arg(&scenario)
        .output()
        .unwrap();
    refused(&out, &["a sweep", "a scenario's results"]);
    assert_eq!(snapshot(dir.path()), before_with_file);
    // A comparison given the run's name.
    let out = airace()
        .args(["run", "scenarios/race.toml", "scenarios/rsp-2026.toml"])
        .args([
            "--quiet", "--runs", "100", "--name", "race", "--force", "--out",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let mut after = snapshot(dir.path());
    after.remove("race-sweep.toml");
    assert_eq!(after, before, "nothing was written, rsp-2026 included");
}

#[cfg(unix)]
#[test]
fn a_figures_symlink_is_never_written_through() {
    let (dir, mine) = common::temp_path("mine");
    fs::create_dir_all(&mine).unwrap();
    fs::write(mine.join("risk.svg"), "my figure").unwrap();
    let out_dir = dir.path().join("out");
    assert!(run_race(&out_dir, &["--no-plots"]).status.success());
    std::os::unix::fs::symlink(&mine, out_dir.join("race/figures")).unwrap();
    let before = snapshot(dir.path());
    for force in [&[][..], &["--force"][..]] {
        let out = run_race(&out_dir, force);
        refused(&out, &["figures"]);
        assert_eq!(snapshot(dir.path()), before);
    }
    assert_eq!(
        fs::read_to_string(mine.join("risk.svg")).unwrap(),
        "my figure"
    );
}

#[test]
fn a_file_changed_since_airace_wrote_it_is_the_users() {
    let dir = raced();
    let runs = dir.path().join("race/runs.csv");
    let mut bytes = fs::read(&runs).unwrap();
    let i = bytes.len() / 2;
    bytes[i] = if bytes[i] == b'1' { b'2' } else { b'1' }; // same size
    fs::write(&runs, &bytes).unwrap();
    let before = snapshot(dir.path());
    let out = run_race(dir.path(), &["--force", "--no-plots"]);
    refused(&out, &["runs.csv"]);
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn two_runs_into_one_folder_one_is_refused_the_other_is_whole() {
    let (dir, shared) = common::temp_path("shared");
    let alone = dir.path().join("alone");
    let start = |out: &Path, seed: &str| {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("airace"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["run", "scenarios/race.toml", "--quiet", "--runs", "60000"])
            .args(["--no-plots", "--threads", "1", "--seed", seed, "--out"])
            .arg(out)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let first = start(&shared, "1");
    // The first holds the folder's lock once its folder exists.
    let t = Instant::now();
    while !shared.join("race/.airace-lock").exists() && t.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(5));
    }
    let second = start(&shared, "2").wait_with_output().unwrap();
    let first = first.wait_with_output().unwrap();
    assert!(first.status.success(), "{first:?}");
    refused(&second, &["being written by another airace", "process"]);
    assert!(run_race_seed(&alone, "1").status.success());
    assert_eq!(
        common::contents(&shared.join("race")),
        common::contents(&alone.join("race")),
        "the folder holds the first run's results alone"
    );
}

fn run_race_seed(out: &Path, seed: &str) -> std::process::Output {
    common::race("60000")
        .args(["--no-plots", "--threads", "1", "--seed", seed, "--out"])
        .arg(out)
        .output()
        .unwrap()
}

/// An interrupted run's checkpoint, in `dir/race`.
fn interrupted_run(dir: &Path) {
    let out = common::race("20000")
        .args(["--no-plots", "--threads", "1", "--out"])
        .arg(dir)
        .env("AIRACE_TEST_STOP_AFTER", "9000")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(130), "{out:?}");
    assert!(
        dir.join("race/.airace-checkpoint/checkpoint.json")
            .is_file()
    );
}

fn resume(dir: &Path) -> std::process::Output {
    common::race("20000")
        .args(["--no-plots", "--threads", "1", "--resume", "--out"])
        .arg(dir)
        .output()
        .unwrap()
}

#[test]
fn a_damaged_checkpoint_is_refused_on_resume() {
    for (file, damage) in [
        ("runs.csv", "flip"),
        ("labs.csv", "flip"),
        ("checkpoint.json", "shorter"),
        ("aggregate.bin", "flip"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        interrupted_run(dir.path());
        let path = dir.path().join("race/.airace-checkpoint").join(file);
        match damage {
            "flip" => {
                let mut bytes = fs::read(&path).unwrap();
                let i = bytes.len() / 3;
                bytes[i] ^= 0x01;
                fs::write(&path, bytes).unwrap();
            }
            _ => {
                let text = fs::read_to_string(&path).unwrap();
                let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
                let n = v["runs_csv_bytes"].as_u64().unwrap();
                v["runs_csv_bytes"] = (n - 1000).into();
                fs::write(&path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
            }
        }
        let before = snapshot(dir.path());
        let out = resume(dir.path());
        refused(&out, &["cannot resume"]);
        assert_eq!(snapshot(dir.path()), before, "{file}: nothing changed");
    }
}

#[test]
fn a_damaged_shard_is_refused_by_merge() {
    for file in ["runs.csv", "labs.csv", "aggregate.bin", "scenario.toml"] {
        let dir = tempfile::tempdir().unwrap();
        for k in ["1/2", "2/2"] {
            let out = common::race("4000")
                .args(["--no-plots", "--shard", k, "--out"])
                .arg(dir.path().join("shards"))
                .output()
                .unwrap();
            assert!(out.status.success(), "{out:?}");
        }
        let path = dir.path().join("shards/race/shard-1-of-2").join(file);
        let mut bytes = fs::read(&path).unwrap();
        let i = bytes.len() / 2;
        bytes[i] = if bytes[i] == b'3' { b'4' } else { b'3' };
        fs::write(&path, bytes).unwrap();
        let out = airace()
            .args(["merge", "--quiet", "--no-plots", "--out"])
            .arg(dir.path().join("merged"))
            .arg(dir.path().join("shards"))
            .output()
            .unwrap();
        refused(&out, &["damaged", file]);
        assert!(
            !dir.path().join("merged").exists(),
            "{file}: nothing written"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_and_a_device_are_refused_at_once() {
    let (dir, fifo) = common::temp_path("fifo.toml");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for path in [fifo.as_path(), Path::new("/dev/zero")] {
        let t = Instant::now();
        let out = airace()
            .args(["run", "--quiet", "--out"])
            .arg(dir.path().join("out"))
            .arg(path)
            .timeout(Duration::from_secs(20))
            .output()
            .unwrap();
        refused(&out, &["not a regular file"]);
        assert!(t.elapsed() < Duration::from_secs(10));
        for cmd in ["validate", "game"] {
            let out = airace()
                .arg(cmd)
                .arg(path)
                .timeout(Duration::from_secs(20))
                .output()
                .unwrap();
            refused(&out, &["not a regular file"]);
        }
    }
    assert!(!dir.path().join("out").exists());
}

#[test]
fn a_file_over_the_size_limit_is_refused() {
    let (_dir, big) = common::temp_path("big.toml");
    let mut text = String::from("# padding\n");
    while text.len() <= 10_000_000 {
        text.push_str("# ............................................................\n");
    }
    fs::write(&big, text).unwrap();
    let out = airace().arg("validate").arg(&big).output().unwrap();
    refused(&out, &["larger than 10 MB"]);
}

#[test]
fn a_signal_while_outputs_are_written_leaves_the_folder_as_it_was_and_resume_finishes() {
    let dir = raced();
    let before = common::contents(&dir.path().join("race"));
    let out = common::race("300")
        .args(["--no-plots", "--seed", "9", "--out"])
        .arg(dir.path())
        .env("AIRACE_TEST_STOP_WRITING", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(130), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("interrupted"), "{err}");
    let mut after = common::contents(&dir.path().join("race"));
    after.retain(|name, _| !name.starts_with(".airace-checkpoint"));
    assert_eq!(after, before, "the earlier results are as they were");
    let leftovers: Vec<String> = snapshot(dir.path())
        .into_keys()
        .filter(|n| n.contains("airace-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // The run had finished simulating: --resume writes its outputs.
    let out = common::race("300")
        .args(["--no-plots", "--seed", "9", "--resume", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let fresh = tempfile::tempdir().unwrap();
    let out = common::race("300")
        .args(["--no-plots", "--seed", "9", "--out"])
        .arg(fresh.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        common::contents(&dir.path().join("race")),
        common::contents(&fresh.path().join("race"))
    );
}

/// A full disk: a small tmpfs (mounted where the test may, as root in CI;
/// elsewhere the test says it skipped). The free-space estimate is lifted
/// so that the writes themselves meet the full disk.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_leaves_the_folder_as_it_was() {
    let (_dir, mnt) = common::temp_path("mnt");
    fs::create_dir_all(&mnt).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=4m", "tmpfs"])
        .arg(&mnt)
        .output()
        .is_ok_and(|o| o.status.success());
    if !mounted {
        eprintln!(
            "SKIPPED: cannot mount a tmpfs here (needs root): the full-disk test did not run"
        );
        return;
    }
    struct Unmount<'a>(&'a Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(self.0).status();
        }
    }
    let _unmount = Unmount(&mnt);
    assert!(run_race(&mnt, &[]).status.success());
    let before = snapshot(&mnt);
    // Fill the disk but for a little room.
    let _ = std::process::Command::new("dd")
        .args(["if=/dev/zero", "bs=4096", "count=100000"])
        .arg(format!("of={}", mnt.join("filler").display()))
        .output();
    fs::remove_file(mnt.join("filler")).ok();
    let filler = mnt.join("filler");
    let room = 60_000u64;
    let free = {
        let o = std::process::Command::new("df")
            .args(["--output=avail", "-B1"])
            .arg(&mnt)
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .nth(1)
            .unwrap()
            .trim()
            .parse::<u64>()
            .unwrap()
    };
    fs::write(&filler, vec![0u8; (free - room) as usize]).unwrap();
    let mut before_full = before.clone();
    before_full.insert("filler".into(), fs::read(&filler).unwrap());
    for extra in [&["--no-run-rows"][..], &[][..]] {
        let out = common::race("3000")
            .args(["--seed", "4", "--out"])
            .arg(&mnt)
            .args(extra)
            .env("AIRACE_DISK_LIMIT", "1T")
            .output()
            .unwrap();
        assert!(!out.status.success(), "{out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(
            snapshot(&mnt),
            before_full,
            "{extra:?}: the folder is as it was"
        );
    }
}

#[test]
fn a_users_file_in_the_checkpoint_folder_is_kept() {
    let dir = raced();
    let work = dir.path().join("race/.airace-checkpoint");
    fs::create_dir_all(&work).unwrap();
    fs::write(work.join("notes.txt"), "mine").unwrap();
    assert!(
        run_race(dir.path(), &["--no-plots", "--seed", "3"])
            .status
            .success()
    );
    assert_eq!(fs::read_to_string(work.join("notes.txt")).unwrap(), "mine");
}
