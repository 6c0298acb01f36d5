//! Runs too big for the machine are refused before they start: exit code 2,
//! a message with the estimate, what is available and what to change, and
//! no output folder. `AIRACE_MEMORY_LIMIT` and `AIRACE_DISK_LIMIT` stand in
//! for the machine, so the tests do not depend on it.

mod common;

use assert_cmd::Command;
use std::path::Path;

/// Valid, but 100,000 steps x 1,002 labs x a billion runs.
const TOO_BIG: &str = "tests/fixtures/too_big.toml";

/// The binary, with the limits of the environment this test runs in
/// removed.
fn airace() -> Command {
    let mut cmd = common::airace();
    cmd.env_remove("AIRACE_MEMORY_LIMIT");
    cmd.env_remove("AIRACE_DISK_LIMIT");
    cmd
}

/// Runs `cmd` with `--out out` and checks it is refused with exactly
/// `expected`, exit code 2, and leaves no `out`.
fn assert_refused(cmd: &mut Command, out: &Path, expected: &str) {
    assert_eq!(common::refused_into(cmd, out), expected);
}

/// The memory refusal, for an estimate of `size` (with figures to draw,
/// `plots`, it suggests `--no-plots` too).
fn memory_message(size: &str, plots: bool) -> String {
    format!(
        "100000 steps x 1002 labs on 2 thread(s) need about {size} of memory, but 1.0 GiB is \
         available: use fewer steps or labs{}, or fewer --threads (each thread holds 4 blocks of \
         1024 runs; results do not depend on the thread count)\n",
        if plots {
            ", --no-plots (drawing the figures reads the whole time series)"
        } else {
            ""
        }
    )
}

#[test]
fn a_run_too_big_for_memory_is_refused_with_the_estimate() {
    let (_tmp, out) = common::temp_path("out");
    assert_refused(
        airace()
            .args(["run", TOO_BIG, "--threads", "2"])
            .env("AIRACE_MEMORY_LIMIT", "1G"),
        &out,
        &format!("error: {TOO_BIG}: {}", memory_message("85.2 GiB", true)),
    );
}

#[test]
fn a_sweep_too_big_for_memory_is_refused_with_the_estimate() {
    let (_tmp, out) = common::temp_path("out");
    assert_refused(
        airace()
            .args([
                "sweep",
                TOO_BIG,
                "--set",
                "world.spillover=0,0.1",
                "--threads",
                "2",
            ])
            .env("AIRACE_MEMORY_LIMIT", "1G"),
        &out,
        // Less than a run's: the points write no per-run rows.
        &format!(
            "error: {TOO_BIG} at sweep point 1: {}",
            memory_message("65.8 GiB", false)
        ),
    );
}

#[test]
fn a_run_too_big_for_the_disk_is_refused_with_the_estimate() {
    let (_tmp, out) = common::temp_path("out");
    assert_refused(
        airace()
            .args(["run", TOO_BIG, "--threads", "2"])
            .env("AIRACE_MEMORY_LIMIT", "1T")
            .env("AIRACE_DISK_LIMIT", "1T"),
        &out,
        &format!(
            "error: {TOO_BIG}: 1000000000 runs x 1002 labs x 100000 steps would write about 82.9 TiB into {}, \
             but its file system has 1.0 TiB free: use fewer runs, or --no-run-rows (runs.csv and \
             labs.csv, a row per run and per run and lab, are not needed for the summaries and \
             time series)\n",
            out.display()
        ),
    );
}

/// Without per-run rows, the advice is about what does write: the time
/// series and the figures.
#[test]
fn without_rows_the_disk_refusal_names_steps_and_figures() {
    let (_tmp, out) = common::temp_path("out");
    assert_refused(
        airace()
            .args([
                "run",
                "scenarios/race.toml",
                "--runs",
                "200",
                "--no-run-rows",
            ])
            .env("AIRACE_DISK_LIMIT", "300K"),
        &out,
        &format!(
            "error: scenarios/race.toml: 200 runs x 3 labs x 120 steps would write about 845.9 KiB \
             into {}, but its file system has 300.0 KiB free: free some space, use fewer steps, or \
             draw smaller figures (--dpi, --width, --height) or none (--no-plots)\n",
            out.display()
        ),
    );
}

#[test]
fn an_unreadable_limit_is_refused() {
    let (_tmp, out) = common::temp_path("out");
    assert_refused(
        airace()
            .args(["run", "scenarios/race.toml"])
            .env("AIRACE_MEMORY_LIMIT", "lots"),
        &out,
        "error: AIRACE_MEMORY_LIMIT=lots is not a size: give bytes, or a number with K, M, G or T \
         (powers of 1024)\n",
    );
}

/// The limits are only ceilings: an ordinary run under generous ones runs.
#[test]
fn an_ordinary_run_fits() {
    let (_tmp, out) = common::temp_path("out");
    common::writes_into(
        airace()
            .args([
                "run",
                "scenarios/race.toml",
                "--runs",
                "100",
                "--no-plots",
                "-q",
            ])
            .env("AIRACE_MEMORY_LIMIT", "1G")
            .env("AIRACE_DISK_LIMIT", "1G"),
        &out,
    );
    assert!(out.join("race/runs.csv").exists());
}
