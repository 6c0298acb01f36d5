//! Broken scenario files and the exact error each one gets.
//!
//! Every `tests/fixtures/bad/NAME.toml` is a mistake someone could make when
//! writing a scenario; `NAME.stderr` next to it is the whole message that
//! `airace validate` prints for it. `airace run` must refuse the same file
//! with the same message, exit code 2, and without creating its output
//! folder.
//!
//! When a message changes on purpose, regenerate the expectations with
//!
//! ```text
//! AIRACE_BLESS=1 cargo test --test bad_scenarios
//! ```
//!
//! and read the diff of `tests/fixtures/bad/*.stderr` before committing it.

use assert_cmd::Command;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// The fixture folder, relative to the crate root: messages name files as
/// given on the command line, so a relative path keeps them stable.
const FIXTURES: &str = "tests/fixtures/bad";

/// Fewer cases than this means fixtures went missing (or the folder moved).
const MIN_CASES: usize = 24;

/// Exit code for input the user must fix.
const INPUT_ERROR: i32 = 2;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn blessing() -> bool {
    std::env::var_os("AIRACE_BLESS").is_some_and(|v| v == "1")
}

/// `airace` run from the crate root.
fn airace() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_airace"));
    cmd.current_dir(root());
    cmd
}

/// What a command did: its exit code and its stderr as text.
struct Outcome {
    code: Option<i32>,
    stderr: String,
}

fn outcome(cmd: &mut Command) -> Outcome {
    let out = cmd.output().expect("airace starts");
    Outcome {
        code: out.status.code(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The fixture names (file stems), sorted, that have a `.toml` file.
fn cases() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(root().join(FIXTURES))
        .expect("the fixture folder exists")
        .map(|entry| entry.expect("the fixture folder is readable").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn fixture(name: &str, ext: &str) -> String {
    format!("{FIXTURES}/{name}.{ext}")
}

/// A line-by-line diff, `-` expected and `+` actual, with the shared lines
/// around changes for context.
fn diff(expected: &str, actual: &str) -> String {
    let expected: Vec<&str> = expected.lines().collect();
    let actual: Vec<&str> = actual.lines().collect();
    let mut out = String::new();
    for i in 0..expected.len().max(actual.len()) {
        match (expected.get(i), actual.get(i)) {
            (Some(e), Some(a)) if e == a => {
                let _ = writeln!(out, "    {e}");
            }
            (e, a) => {
                if let Some(e) = e {
                    let _ = writeln!(out, "  - {e}");
                }
                if let Some(a) = a {
                    let _ = writeln!(out, "  + {a}");
                }
            }
        }
    }
    out
}

/// Checks one command's outcome against the expected message, adding a
/// description of every difference to `failures`.
fn check(failures: &mut Vec<String>, what: &str, got: &Outcome, expected: &str) {
    if got.code != Some(INPUT_ERROR) {
        failures.push(format!(
            "{what}: exit code {:?}, expected {INPUT_ERROR}; stderr:\n{}",
            got.code, got.stderr
        ));
    }
    if got.stderr != expected {
        failures.push(format!(
            "{what}: the message changed (- expected, + actual):\n{}",
            diff(expected, &got.stderr)
        ));
    }
}

#[test]
fn every_bad_scenario_gets_its_exact_message_and_no_output() {
    let cases = cases();
    assert!(
        cases.len() >= MIN_CASES,
        "only {} fixtures in {FIXTURES}, expected at least {MIN_CASES}",
        cases.len()
    );
    let bless = blessing();
    let mut failures = Vec::new();
    for name in &cases {
        let toml = fixture(name, "toml");
        let stderr_path = root().join(fixture(name, "stderr"));

        let validate = outcome(airace().arg("validate").arg(&toml));
        // Whatever the wording, a message must name the file and must not
        // come from a panic; this guards against blessing a bad message.
        if !validate.stderr.starts_with(&format!("error: {toml}")) {
            failures.push(format!(
                "validate {toml}: the message does not start with `error: {toml}`:\n{}",
                validate.stderr
            ));
        }
        if validate.stderr.contains("panicked") {
            failures.push(format!("validate {toml}: panicked:\n{}", validate.stderr));
        }

        let expected = if bless {
            fs::write(&stderr_path, &validate.stderr).expect("can write the .stderr file");
            validate.stderr.clone()
        } else {
            match fs::read_to_string(&stderr_path) {
                Ok(text) => text.replace("\r\n", "\n"),
                Err(e) => {
                    failures.push(format!(
                        "{}: cannot read ({e}); create it with AIRACE_BLESS=1",
                        stderr_path.display()
                    ));
                    continue;
                }
            }
        };
        check(
            &mut failures,
            &format!("airace validate {toml}"),
            &validate,
            &expected,
        );

        let tmp = tempfile::tempdir().expect("a temporary folder");
        let out = tmp.path().join("out");
        let run = outcome(airace().args(["run", "--out"]).arg(&out).arg(&toml));
        check(
            &mut failures,
            &format!("airace run {toml}"),
            &run,
            &expected,
        );
        if out.exists() {
            failures.push(format!(
                "airace run {toml}: created {} although the scenario is invalid",
                out.display()
            ));
        }
    }

    // Expectations whose fixture is gone would silently stop being tested.
    for entry in fs::read_dir(root().join(FIXTURES)).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "stderr") && !path.with_extension("toml").exists()
        {
            failures.push(format!(
                "{} has no matching .toml fixture: delete it or restore the fixture",
                path.display()
            ));
        }
    }

    assert!(
        failures.is_empty(),
        "{} failed check(s) across {} bad scenarios (if a message changed on purpose, \
         rerun with AIRACE_BLESS=1 and review the .stderr diff):\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Runs `airace validate PATH` and `airace run PATH` and checks that both
/// exit with 2 and a message that starts with `error: {prefix}`.
fn assert_refused(path: &Path, prefix: &str) {
    let validate = outcome(airace().arg("validate").arg(path));
    assert_eq!(validate.code, Some(INPUT_ERROR), "{}", validate.stderr);
    assert!(
        validate.stderr.starts_with(&format!("error: {prefix}")),
        "expected `error: {prefix}...`, got:\n{}",
        validate.stderr
    );

    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out: PathBuf = tmp.path().join("out");
    let run = outcome(airace().args(["run", "--out"]).arg(&out).arg(path));
    assert_eq!(run.code, Some(INPUT_ERROR), "{}", run.stderr);
    assert_eq!(run.stderr, validate.stderr);
    assert!(!out.exists(), "run created {}", out.display());
}

#[test]
fn a_directory_is_refused_by_name() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let dir = tmp.path().join("race.toml");
    fs::create_dir(&dir).unwrap();
    assert_refused(
        &dir,
        &format!(
            "{}: is a directory, not a scenario file (give the path of a .toml file)",
            dir.display()
        ),
    );
}

#[test]
fn a_missing_file_is_refused_by_name() {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let missing = tmp.path().join("no-such-scenario.toml");
    assert_refused(
        &missing,
        &format!("cannot read scenario file {}: ", missing.display()),
    );
}

/// What `airace validate` says about a file it cannot read: the file, that
/// it cannot be read, and the system's reason, once.
fn unreadable_message(path: &Path, reason: &str) -> String {
    format!(
        "error: cannot read scenario file {}: {reason}\n",
        path.display()
    )
}

/// Every command that takes a scenario file refuses an unreadable one with
/// the same whole message, exit code 2 and no output folder. (`sweep` and
/// `game` once printed the system's reason twice.)
fn assert_unreadable(path: &Path, expected: &str) {
    assert_refused(path, expected.trim_start_matches("error: "));
    let validate = outcome(airace().arg("validate").arg(path));
    assert_eq!(validate.stderr, expected);
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let out = tmp.path().join("out");
    let commands: [Vec<&std::ffi::OsStr>; 2] = [
        vec![
            "sweep".as_ref(),
            path.as_os_str(),
            "--set".as_ref(),
            "world.spillover=0,0.1".as_ref(),
        ],
        vec!["game".as_ref(), path.as_os_str()],
    ];
    for args in commands {
        let got = outcome(airace().args(&args).arg("--out").arg(&out));
        assert_eq!(got.code, Some(INPUT_ERROR), "{args:?}: {}", got.stderr);
        assert_eq!(got.stderr, expected, "{args:?}");
        assert!(!out.exists(), "{args:?} created {}", out.display());
    }
}

/// `/proc/self/mem` opens but fails on read with EIO: unreadable even for
/// root, who can read a file whatever its permissions.
#[cfg(target_os = "linux")]
#[test]
fn a_file_that_fails_on_read_is_refused_with_the_reason() {
    let path = Path::new("/proc/self/mem");
    let reason = format!(
        "{}: the system could not read its contents (a failing disk or network share, \
         or a special file that cannot be read as text)",
        std::io::Error::from_raw_os_error(5)
    );
    assert_unreadable(path, &unreadable_message(path, &reason));
}

/// A file without read permission. Root reads it anyway, so there the test
/// can only check that it really is readable, and says so.
#[cfg(unix)]
#[test]
fn a_file_without_read_permission_is_refused_with_the_reason() {
    use std::os::unix::fs::PermissionsExt as _;
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let path = tmp.path().join("secret.toml");
    fs::copy(root().join("scenarios/race.toml"), &path).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).unwrap();
    let error = match fs::read(&path) {
        Ok(_) => {
            eprintln!("note: running as a user who reads files without permission (root): skipped");
            return;
        }
        Err(e) => e,
    };
    assert_eq!(error.kind(), std::io::ErrorKind::PermissionDenied);
    let reason = format!("{error}: this user may not read it (check the file's permissions)");
    assert_unreadable(&path, &unreadable_message(&path, &reason));
}
