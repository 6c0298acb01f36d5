//! Sharding: shards run as separate processes and merged give the bytes of
//! one machine running every run, for scenarios, comparisons and sweeps,
//! through `airace` directly and through the shipped Slurm and xargs
//! scripts; shards that do not belong together are refused.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::{assert_same_outputs as assert_same, ok, refused};

const BIN: &str = env!("CARGO_BIN_EXE_airace");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn airace(args: &[&str]) -> Command {
    let mut cmd = common::process();
    cmd.args(args);
    cmd
}

const TWO: [&str; 2] = ["scenarios/race.toml", "scenarios/rsp-2026.toml"];

#[test]
fn shards_run_as_processes_merge_to_the_bytes_of_one_run() {
    let tmp = tempfile::tempdir().unwrap();
    let (whole, shards, merged) = (
        tmp.path().join("whole"),
        tmp.path().join("shards"),
        tmp.path().join("merged"),
    );
    let common = ["--runs", "5000", "--seed", "7", "--quiet"];
    ok(airace(&["run"])
        .args(TWO)
        .args(common)
        .args(["--threads", "2", "--out"])
        .arg(&whole));
    // Three shards at once, as three machines would run them, one thread each.
    let children: Vec<_> = (1..=3)
        .map(|k| {
            airace(&["run"])
                .args(TWO)
                .args(common)
                .args(["--threads", "1", "--shard", &format!("{k}/3"), "--out"])
                .arg(&shards)
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    assert!(shards.join("race/shard-2-of-3/shard.json").is_file());
    ok(airace(&["merge", "--quiet", "--out"])
        .arg(&merged)
        .arg(&shards));
    assert!(merged.join("comparison/comparison.csv").is_file());
    let manifest = fs::read_to_string(merged.join("race/manifest.json")).unwrap();
    assert!(manifest.contains("\"merged_shards\": 3"), "{manifest}");
    assert!(merged.join("rsp-2026/figures/risk.png").is_file());
    assert_same(&merged, &whole);
}

#[test]
fn sweep_shards_merge_to_the_bytes_of_one_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    let sweep = |out: &Path, extra: &[&str]| {
        let mut cmd = airace(&[
            "sweep",
            "scenarios/race.toml",
            "--set",
            "world.spillover=0,0.05,0.1",
            "--set",
            "world.hazard.gap_slope=0.2,0.6",
            "--runs",
            "300",
            "--keep-points",
            "--no-plots",
            "--quiet",
            "--out",
        ]);
        cmd.arg(out).args(extra);
        ok(&mut cmd);
    };
    let (whole, shards, merged) = (
        tmp.path().join("whole"),
        tmp.path().join("shards"),
        tmp.path().join("merged"),
    );
    sweep(&whole, &[]);
    for k in 1..=4 {
        sweep(&shards, &["--shard", &format!("{k}/4")]);
    }
    ok(airace(&["merge", "--quiet", "--no-plots", "--out"])
        .arg(&merged)
        .arg(shards.join("race-sweep")));
    assert!(merged.join("race-sweep/points/0006/summary.json").is_file());
    // The sweep's manifest and sweep.toml too, as the sweep writes them.
    let manifest = fs::read_to_string(merged.join("race-sweep/manifest.json")).unwrap();
    assert!(manifest.contains("\"merged_shards\": 4"), "{manifest}");
    assert!(whole.join("race-sweep/sweep.toml").is_file());
    assert_same(&merged, &whole);
    // Six points split into at most six shards.
    let err = refused(
        airace(&[
            "sweep",
            "scenarios/race.toml",
            "--set",
            "world.spillover=0,0.1",
            "--shard",
            "1/3",
            "--out",
        ])
        .arg(tmp.path().join("x")),
    );
    assert!(
        err.contains("sweep race-sweep has 2 point(s), so it splits into at most 2 shard(s)"),
        "{err}"
    );
}

#[test]
fn shards_that_do_not_belong_together_are_refused_and_nothing_is_written() {
    let (tmp, shards) = common::temp_path("shards");
    let run = |k: u32, seed: &str, out: &Path| {
        ok(airace(&[
            "run",
            "scenarios/race.toml",
            "--runs",
            "3000",
            "--seed",
            seed,
            "--no-plots",
            "--quiet",
            "--shard",
            &format!("{k}/3"),
            "--out",
        ])
        .arg(out));
    };
    run(1, "1", &shards);
    run(3, "1", &shards);
    let merged = tmp.path().join("merged");
    let merge = |inputs: &[&Path]| {
        let mut cmd = airace(&["merge", "--no-plots", "--out"]);
        cmd.arg(&merged).args(inputs);
        cmd
    };
    let err = refused(&mut merge(&[&shards]));
    assert!(
        err.contains("`race` is missing shard(s) 2 of 3 (found 2 in"),
        "{err}"
    );

    // Shard 2 from another seed.
    let other = tmp.path().join("other");
    run(2, "2", &other);
    let err = refused(&mut merge(&[&shards, &other]));
    assert!(
        err.contains("are not from the same study: seed 1 in one, 2 in the other"),
        "{err}"
    );

    // Shard 1 twice.
    let again = tmp.path().join("again");
    run(1, "1", &again);
    run(2, "1", &shards);
    let err = refused(&mut merge(&[&shards, &again]));
    assert!(
        err.contains("shard 1 of 3 of `race` is given twice"),
        "{err}"
    );

    // A damaged shard.
    let rows = shards.join("race/shard-2-of-3/runs.csv");
    let mut bytes = fs::read(&rows).unwrap();
    bytes.truncate(bytes.len() / 2);
    fs::write(&rows, bytes).unwrap();
    let err = refused(&mut merge(&[&shards]));
    assert!(
        err.contains("race/shard-2-of-3 is damaged: runs.csv should hold"),
        "{err}"
    );

    // An edited manifest.
    let manifest = shards.join("race/shard-2-of-3/shard.json");
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(&manifest, text.replace("\"shards\": 3", "\"shards\": 0")).unwrap();
    let err = refused(&mut merge(&[&shards]));
    assert!(
        err.contains("shard-2-of-3/shard.json is damaged: shard 2 of 0 is not possible"),
        "{err}"
    );

    // Not a shard at all.
    let err = refused(&mut merge(&[&tmp.path().join("merged-nothing-here")]));
    assert!(err.contains("merged-nothing-here does not exist"), "{err}");
    let err = refused(&mut merge(&[&manifest]));
    assert!(err.contains("shard.json is not a folder"), "{err}");
    assert!(!merged.exists(), "a refused merge wrote {merged:?}");

    // Merged into the shards' own folder.
    let whole = tmp.path().join("whole");
    for k in 1..=3 {
        run(k, "1", &whole);
    }
    let err = refused(
        airace(&["merge", "--no-plots", "--out"])
            .arg(&whole)
            .arg(&whole),
    );
    assert!(
        err.contains("race would receive the merged results but holds the shard")
            && err.contains("give --out another folder than the shards'"),
        "{err}"
    );

    // More shards than blocks.
    let err = refused(
        airace(&[
            "run",
            "scenarios/race.toml",
            "--runs",
            "2000",
            "--shard",
            "1/3",
            "--out",
        ])
        .arg(tmp.path().join("y")),
    );
    assert!(
        err.contains(
            "scenario race has 2000 runs, 2 block(s) of 1024, so it splits into at most 2 shard(s)"
        ),
        "{err}"
    );
    let err = refused(&mut airace(&["run", "--shard", "4/3"]));
    assert!(
        err.contains("shard 4/3 does not exist: K counts from 1 to N"),
        "{err}"
    );
}

/// Runs a shipped shell script with `bash`.
fn script(path: &str) -> Command {
    let mut cmd = Command::new("bash");
    cmd.current_dir(root()).arg(path).env("AIRACE", BIN);
    cmd
}

#[test]
fn the_slurm_job_scripts_and_the_xargs_recipe_give_the_bytes_of_one_run() {
    let (tmp, whole) = common::temp_path("whole");
    let args = ["scenarios/rsp-2026.toml", "--runs", "4000", "--no-plots"];
    ok(airace(&["run", "--quiet", "--out"]).arg(&whole).args(args));

    // The array tasks' bodies, as Slurm would start them, then the merge job.
    let (shards, merged) = (tmp.path().join("shards"), tmp.path().join("slurm"));
    for k in 1..=4 {
        ok(script("scripts/slurm/shard.sbatch")
            .args(args)
            .env("SLURM_ARRAY_TASK_ID", k.to_string())
            .env("SLURM_ARRAY_TASK_COUNT", "4")
            .env("SHARDS", &shards));
    }
    ok(script("scripts/slurm/merge.sbatch")
        .arg("--no-plots")
        .env("SHARDS", &shards)
        .env("OUT", &merged));
    assert_same(&merged, &whole);

    // submit.sh, without Slurm: the commands it would run.
    let dry = script("scripts/slurm/submit.sh")
        .args(["--dry-run", "4"])
        .arg(tmp.path().join("s"))
        .arg(tmp.path().join("o"))
        .args(args)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&dry.stdout);
    assert!(
        dry.status.success(),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    assert!(text.contains("--array=1-4"), "{text}");
    assert!(text.contains("--dependency=afterok:"), "{text}");

    // Several shards at once on one machine with xargs -P, then the merge.
    let local = tmp.path().join("local");
    ok(script("scripts/shards-local.sh")
        .args(["--jobs", "2", "--merge", "--no-plots", "4"])
        .arg(tmp.path().join("local-shards"))
        .arg(&local)
        .args(args));
    assert_same(&local, &whole);
}
