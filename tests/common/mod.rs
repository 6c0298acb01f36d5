//! Helpers shared by the integration tests: the binary and the shipped runs
//! many tests start from, a temporary place to write, what a finished
//! command must have done (succeeded into a folder, printed, been refused
//! and written nothing), checks that figure files and report pages are what
//! they should be (`tests/figures.rs`, `tests/game_figures.rs`), and output
//! folders compared byte for byte (`tests/interrupt.rs`, `tests/shard.rs`).

// Each test file that uses this module compiles it on its own and may not
// use every helper.
#![allow(dead_code)]

use assert_cmd::Command;

pub mod layout;

/// Solver sizes that make `airace classic precipice` take a second, for
/// tests of its files and figures rather than of its equilibria.
pub const QUICK_PRECIPICE: [&str; 8] = [
    "--draws",
    "500",
    "--evaluation-draws",
    "500",
    "--grid",
    "20",
    "--bins",
    "4",
];
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The binary, run from the crate root (where `scenarios/` is).
pub fn airace() -> Command {
    Command::from_std(process())
}

/// [`airace`] as a plain `std::process::Command`, for tests that spawn it,
/// signal it or read its output as it comes.
pub fn process() -> std::process::Command {
    use assert_cmd::cargo::CommandCargoExt;
    let mut cmd = std::process::Command::cargo_bin("airace").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// `airace run scenarios/race.toml --quiet --runs RUNS`: the shipped
/// three-lab race, quiet.
pub fn race(runs: &str) -> Command {
    let mut cmd = airace();
    cmd.args(["run", "scenarios/race.toml", "--quiet", "--runs", runs]);
    cmd
}

/// `airace sweep scenarios/rsp-2026.toml --set SET`: a sweep of the shipped
/// rsp-2026 (another `--set` makes it a grid).
pub fn rsp_sweep(set: &str) -> Command {
    let mut cmd = airace();
    cmd.args(["sweep", "scenarios/rsp-2026.toml", "--set", set]);
    cmd
}

/// `airace game scenarios/games/pause-or-race.toml --runs RUNS -q`: the
/// shipped game, quiet.
pub fn pause_or_race(runs: &str) -> Command {
    let mut cmd = airace();
    cmd.args(["game", "scenarios/games/pause-or-race.toml", "--runs", runs])
        .arg("-q");
    cmd
}

/// `airace run scenarios/rsp-2026.toml scenarios/lone-pause.toml --quiet
/// --runs RUNS`: two shipped scenarios and their comparison, quiet.
pub fn rsp_and_lone_pause(runs: &str) -> Command {
    let mut cmd = airace();
    cmd.args([
        "run",
        "scenarios/rsp-2026.toml",
        "scenarios/lone-pause.toml",
    ])
    .args(["--quiet", "--runs", runs]);
    cmd
}

/// `airace classic precipice --teams TEAMS --enmity ENMITY --mu MU`: the
/// games of one grid of the precipice model.
pub fn precipice(teams: &str, enmity: &str, mu: &str) -> Command {
    let mut cmd = airace();
    cmd.args(["classic", "precipice", "--teams", teams, "--enmity", enmity])
        .args(["--mu", mu]);
    cmd
}

/// [`precipice`], quiet and with [`QUICK_PRECIPICE`]'s solver sizes.
pub fn quick_precipice(teams: &str, enmity: &str, mu: &str) -> Command {
    let mut cmd = precipice(teams, enmity, mu);
    cmd.arg("-q").args(QUICK_PRECIPICE);
    cmd
}

/// Runs `cmd` and asserts that it succeeded.
pub fn ok(cmd: &mut std::process::Command) {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{:?} failed: {}",
        cmd,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs `cmd`, asserts exit code 2 (refused), and returns what it printed
/// on stderr.
pub fn refused(cmd: &mut std::process::Command) -> String {
    exited(&cmd.output().unwrap(), 2)
}

/// Asserts that a finished airace exited with `code` (2: refused, 130:
/// interrupted) and returns what it printed on stderr.
pub fn exited(output: &std::process::Output, code: i32) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(code), "{stderr}");
    stderr
}

/// (width, height) of a PNG from its IHDR chunk.
pub fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    (
        u32::from_be_bytes(bytes[16..20].try_into().unwrap()),
        u32::from_be_bytes(bytes[20..24].try_into().unwrap()),
    )
}

/// Checks `dir/figures/` holds exactly `stems` as SVG and PNG of the size,
/// and the page inlines every one of them.
pub fn check_figures(dir: &Path, stems: &[&str], svg_px: (u32, u32), png_px: (u32, u32)) {
    let figures = dir.join("figures");
    let mut found: Vec<String> = fs::read_dir(&figures)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    let mut expected: Vec<String> = stems
        .iter()
        .flat_map(|s| [format!("{s}.png"), format!("{s}.svg")])
        .collect();
    expected.sort();
    assert_eq!(found, expected, "{}", figures.display());
    for stem in stems {
        let svg = fs::read_to_string(figures.join(format!("{stem}.svg"))).unwrap();
        assert!(svg.starts_with("<svg"), "{stem}.svg");
        assert!(svg.trim_end().ends_with("</svg>"), "{stem}.svg is complete");
        assert!(
            svg.contains(&format!("width=\"{}\" height=\"{}\"", svg_px.0, svg_px.1)),
            "{stem}.svg size"
        );
        assert!(svg.contains("<text"), "{stem}.svg has text");
        assert_eq!(
            png_size(&fs::read(figures.join(format!("{stem}.png"))).unwrap()),
            png_px,
            "{stem}.png size"
        );
    }
    let page = fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.trim_end().ends_with("</html>"));
    assert_eq!(
        page.matches("<svg").count(),
        stems.len(),
        "the page inlines every figure"
    );
    assert_eq!(
        page.matches("http://").count(),
        page.matches("xmlns=\"http://www.w3.org").count(),
        "no network"
    );
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Every file under `dir` (hidden ones too) by relative path, with its
/// bytes; from `manifest.json`, the fields that record the invocation
/// (`threads`, `command_line`, `merged_shards`) are left out, and so are
/// airace's bookkeeping of the folder (its record, which lists the
/// manifest's checksum, and its lock, which holds the writer's process id).
pub fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut all = Vec::new();
    files(dir, &mut all);
    all.into_iter()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name != ".airace-record.json" && name != ".airace-lock"
        })
        .map(|p| {
            let rel = p.strip_prefix(dir).unwrap().display().to_string();
            let mut bytes = fs::read(&p).unwrap();
            if rel.ends_with("manifest.json") {
                let mut v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                let m = v.as_object_mut().unwrap();
                for field in ["threads", "command_line", "merged_shards"] {
                    m.shift_remove(field);
                }
                bytes = serde_json::to_vec(&v).unwrap();
            }
            (rel, bytes)
        })
        .collect()
}

/// Asserts that two output folders hold the same files with the same bytes
/// (but for the invocation, see [`contents`]).
pub fn assert_same_outputs(a: &Path, b: &Path) {
    let (ca, cb) = (contents(a), contents(b));
    assert_eq!(
        ca.keys().collect::<Vec<_>>(),
        cb.keys().collect::<Vec<_>>(),
        "{} and {} hold other files",
        a.display(),
        b.display()
    );
    for (name, bytes) in &cb {
        assert!(
            ca[name] == *bytes,
            "{name} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

/// Whether Debian's `chromium` is installed; if not, says on stderr that
/// the test skipped and what it left `unchecked`.
pub fn chromium_present(unchecked: &str) -> bool {
    let found = std::process::Command::new("chromium")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!(
            "SKIPPED: chromium is not installed, so {unchecked} (.ci/run and \
             scripts/browser-test.sh install it)"
        );
    }
    found
}

/// Every run of `s` on the current thread pool, with no progress, nothing
/// cancelling and no per-run output: its aggregate.
pub fn simulate(s: &airace::Scenario) -> airace::engine::Aggregate {
    use airace::engine::{self, Control, NoSink, RaceModel};
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let control = Control {
        progress: &|_| {},
        cancel: &cancel,
    };
    match engine::simulate(
        &RaceModel::new(s),
        s.meta.seed,
        s.meta.runs,
        &mut NoSink,
        &control,
    ) {
        Ok(a) => a,
        Err(_) => unreachable!("nothing cancels and NoSink cannot fail"),
    }
}

/// A fresh temporary folder (removed when dropped) and the path `name` in
/// it, not yet created: where a test writes its input or points airace's
/// `--out`.
pub fn temp_path(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    (dir, path)
}

/// Runs `cmd`, asserts that it succeeded with each of `needles` in what it
/// printed on stdout, and returns its output.
pub fn prints(cmd: &mut Command, needles: &[&str]) -> std::process::Output {
    let output = cmd.assert().success().get_output().clone();
    let stdout = String::from_utf8_lossy(&output.stdout);
    for needle in needles {
        assert!(stdout.contains(needle), "{needle:?} is not in {stdout}");
    }
    output
}

/// Runs `cmd` and asserts that it was refused (exit code 2) with `needle`
/// in what it printed on stderr.
pub fn refuses(cmd: &mut Command, needle: &str) {
    cmd.assert()
        .code(2)
        .stderr(predicates::str::contains(needle));
}

/// Runs `cmd` with `--out OUT`, asserts that it was refused (exit code 2)
/// and wrote nothing (no OUT), and returns what it printed on stderr.
pub fn refused_into(cmd: &mut Command, out: &Path) -> String {
    let output = cmd.arg("--out").arg(out).output().unwrap();
    let stderr = exited(&output, 2);
    assert!(!out.exists(), "created {}", out.display());
    stderr
}

/// Runs `cmd` with `--out OUT` and asserts that it succeeded.
pub fn writes_into(cmd: &mut Command, out: &Path) {
    cmd.arg("--out").arg(out).assert().success();
}

/// `airace new --explore`: the annotated exploration template.
pub fn explore_template() -> String {
    let out = airace().args(["new", "--explore"]).output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// The template as a small Sobol' exploration (8 base samples, 3
/// unknowns: 40 worlds x 3 policies), written to `dir/q.toml`.
pub fn small_sobol(dir: &Path) -> PathBuf {
    let file = dir.join("q.toml");
    fs::write(
        &file,
        explore_template()
            .replace("worlds = 64", "worlds = 8")
            .replace("design = \"latin_hypercube\"", "design = \"sobol\""),
    )
    .unwrap();
    file
}
