//! `airace explore` as a researcher meets it: the printed template run
//! small, its tables checked, the same bytes for any thread count, and bad
//! exploration files refused with file:line:col, exit 2 and nothing written.

mod common;

use common::{airace, explore_template, small_sobol};
use predicates::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};

fn explore(file: &Path, out: &Path, extra: &[&str]) {
    airace()
        .arg("explore")
        .arg(file)
        .args(["--runs", "40", "--quiet", "--out"])
        .arg(out)
        .args(extra)
        .assert()
        .success();
}

/// `airace merge --quiet --out OUT`, to be given the shards to merge.
fn merge(out: &Path) -> assert_cmd::Command {
    let mut cmd = airace();
    cmd.args(["merge", "--quiet", "--out"]).arg(out);
    cmd
}

/// Every file under `dir` (a folder's bytes are empty), by name.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .unwrap()
        .flat_map(|e| {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            if name == ".airace-record.json" || name == ".airace-lock" {
                // airace's bookkeeping of the folder (the record lists the
                // manifest's checksum; the lock, the writer's process id).
                return Vec::new();
            }
            if e.path().is_dir() {
                let mut inner: Vec<(String, Vec<u8>)> = files(&e.path())
                    .into_iter()
                    .map(|(n, b)| (format!("{name}/{n}"), b))
                    .collect();
                inner.insert(0, (name, Vec::new()));
                inner
            } else {
                vec![(name, fs::read(e.path()).unwrap())]
            }
        })
        .collect();
    out.sort();
    out
}

#[test]
fn the_template_runs_and_gives_the_same_bytes_for_any_thread_count() {
    let (dir, file) = common::temp_path("q.toml");
    fs::write(
        &file,
        explore_template().replace("worlds = 64", "worlds = 16"),
    )
    .unwrap();
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    explore(&file, &one, &["--threads", "1"]);
    explore(&file, &two, &["--threads", "2"]);
    let (a, b) = (
        files(&one.join("my-question-explore")),
        files(&two.join("my-question-explore")),
    );
    let names: Vec<&str> = a
        .iter()
        .map(|f| f.0.as_str())
        .filter(|n| !n.starts_with("figures/"))
        .collect();
    assert_eq!(
        names,
        [
            "convergence.csv",
            "discovery.csv",
            "experiments.csv",
            "figures",
            "index.html",
            "manifest.json",
            "pairwise.csv",
            "robustness.csv"
        ]
    );
    // Every table is the same bytes; the manifest records the command
    // line, which names the thread count.
    for (x, y) in a.iter().zip(&b).filter(|(x, _)| x.0 != "manifest.json") {
        assert!(x == y, "{} differs between 1 and 2 threads", x.0);
    }
    // The figures: per outcome the policies and, per condition, PRIM's
    // peeling (this design has no sensitivity figure), as SVG and PNG.
    let figures: Vec<&str> = a
        .iter()
        .filter_map(|f| f.0.strip_prefix("figures/"))
        .collect();
    assert_eq!(
        figures,
        [
            "Frontier.p_win-policies.png",
            "Frontier.p_win-policies.svg",
            "discovery-1.png",
            "discovery-1.svg",
            "p_catastrophe-policies.png",
            "p_catastrophe-policies.svg"
        ]
    );
    let experiments = String::from_utf8(
        a.iter()
            .find(|f| f.0 == "experiments.csv")
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    // A header and 16 worlds x 3 policies.
    assert_eq!(experiments.lines().count(), 1 + 16 * 3);
    assert!(experiments.starts_with(
        "world,policy,world.hazard.gap_slope,world.spillover,labs.*.safety_rate,\
         p_catastrophe,p_catastrophe_se,Frontier.p_win,Frontier.p_win_se\n"
    ));
    // Common random numbers: in every world the three policies' rows share
    // the world's parameters.
    let rows: Vec<Vec<&str>> = experiments
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    for world in rows.chunks(3) {
        assert!(
            world
                .iter()
                .all(|r| r[0] == world[0][0] && r[2..5] == world[0][2..5])
        );
    }
}

#[test]
fn the_page_leads_with_the_headline_and_plot_redraws_it_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let file = small_sobol(dir.path());
    explore(&file, dir.path(), &[]);
    let folder = dir.path().join("my-question-explore");
    let page = fs::read_to_string(folder.join("index.html")).unwrap();
    // The headline: per outcome the policy with the least regret and how
    // it fares against the runner-up, with intervals; the condition; the
    // convergence check. Then the tables, the unknowns that decide, the
    // figures (inlined) and the manifest.
    for needed in [
        "<h2>Headline</h2>",
        "p_catastrophe (lower is better): <b>",
        "has the least regret across worlds",
        "against the runner-up",
        "lone pause backfires",
        "Convergence: the two halves of the worlds",
        "What decides the differences",
        "(ST ",
        "Where the conditions hold (PRIM)",
        "<figure id=\"fig-p_catastrophe-sensitivity\">",
        "<figure id=\"fig-discovery-1\">",
        "<h2>Manifest</h2>",
    ] {
        assert!(page.contains(needed), "the page lacks {needed:?}");
    }
    assert!(!page.contains("command_line"));
    // `airace plot` draws the figures and the page again from the tables,
    // the same bytes; at another size the figures change and nothing else.
    let before = files(&folder);
    airace().arg("plot").arg(&folder).assert().success();
    assert!(before == files(&folder), "airace plot changed the folder");
    airace()
        .args(["plot", "--width", "5"])
        .arg(&folder)
        .assert()
        .success();
    let after = files(&folder);
    for (x, y) in before.iter().zip(&after) {
        assert_eq!(x.0, y.0);
        let redrawn = x.0.starts_with("figures/") || x.0 == "index.html";
        assert_eq!(x.1 == y.1, !redrawn, "{}", x.0);
    }
}

#[test]
fn a_sobol_exploration_writes_indices_with_intervals() {
    let dir = tempfile::tempdir().unwrap();
    let file = small_sobol(dir.path());
    explore(&file, dir.path(), &[]);
    let csv = fs::read_to_string(dir.path().join("my-question-explore/sensitivity.csv")).unwrap();
    assert!(csv.starts_with("outcome,subject,parameter,method,measure,value,ci_low,ci_high\n"));
    // 2 outcomes x (3 policies + 3 differences) x 3 unknowns x (S1, ST),
    // less lone-pause's Frontier.p_win: the paused Frontier never wins, in
    // any world, and an outcome that does not vary has no indices.
    assert_eq!(csv.lines().count(), 1 + 2 * 6 * 3 * 2 - 3 * 2, "{csv}");
    assert!(!csv.contains("Frontier.p_win,lone-pause,"));
    assert!(csv.contains("p_catastrophe,lone-pause - rsp-2026,world.spillover,sobol,ST,"));
    let experiments =
        fs::read_to_string(dir.path().join("my-question-explore/experiments.csv")).unwrap();
    // N (k + 2) worlds.
    assert_eq!(experiments.lines().count(), 1 + 8 * 5 * 3);
}

#[test]
fn bad_explorations_are_refused_with_their_place_and_nothing_is_written() {
    let cases = [
        (
            "key = \"world.spillover\"",
            "key = \"world.spilover\"",
            "did you mean `world.spillover`?",
        ),
        (
            "uniform = [0.2, 0.6]",
            "uniform = [0.6, 0.2]",
            "empty or inverted",
        ),
        (
            "reference = \"mean\" }",
            "reference = \"median\" }",
            "\"mean\", \"max\" or \"leader\"",
        ),
        (
            "when = \"lone-pause.p_catastrophe > race.p_catastrophe\"",
            "when = \"lone-pause.p_catastrophe > racing.p_catastrophe\"",
            "names no policy: the policies are race, lone-pause, rsp-2026",
        ),
        (
            "worlds = 64",
            "worlds = 2",
            "more base samples than unknowns",
        ),
    ];
    for (from, to, message) in cases {
        let (dir, file) = common::temp_path("bad.toml");
        let text = explore_template();
        assert!(text.contains(from), "{from}");
        let mut text = text.replacen(from, to, 1);
        if to == "worlds = 2" {
            text = text.replacen("design = \"latin_hypercube\"", "design = \"sobol\"", 1);
        }
        fs::write(&file, text).unwrap();
        let out = dir.path().join("out");
        airace()
            .arg("explore")
            .arg(&file)
            .arg("--out")
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message))
            .stderr(predicate::str::is_match(r"bad\.toml:\d+:\d+").unwrap());
        assert!(!out.exists(), "{message}: nothing may be written");
    }
}

#[test]
fn validate_checks_an_exploration_as_explore_reads_it() {
    common::prints(
        airace().args(["validate", "scenarios/explore/headline-claims.toml"]),
        &[
            "ok: exploration headline-claims (sobol design, 1536 worlds x 5 policies x 200 runs, seed 1)",
        ],
    );
    let (_dir, file) = common::temp_path("bad.toml");
    fs::write(
        &file,
        explore_template().replace("world.spillover", "world.spilover"),
    )
    .unwrap();
    common::refuses(
        airace().arg("validate").arg(&file),
        "did you mean `world.spillover`?",
    );
}

/// The manifest without the command line that made it.
fn manifest_less_command(files: &[(String, Vec<u8>)]) -> serde_json::Value {
    let bytes = &files.iter().find(|f| f.0 == "manifest.json").unwrap().1;
    let mut v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    v.as_object_mut().unwrap().remove("command_line");
    v
}

/// Every file but the manifest, which records the command line.
fn results(files: Vec<(String, Vec<u8>)>) -> Vec<(String, Vec<u8>)> {
    files
        .into_iter()
        .filter(|f| f.0 != "manifest.json")
        .collect()
}

/// Asserts that the exploration folder `other` (`how`: merged, resumed)
/// holds the bytes of the uninterrupted `whole`, but for the command line
/// in the manifest.
fn assert_same_as_whole(whole: &Path, other: &Path, how: &str) {
    let (a, b) = (files(whole), files(other));
    assert_eq!(manifest_less_command(&a), manifest_less_command(&b));
    let (a, b) = (results(a), results(b));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert!(x == y, "{} differs between the whole and the {how}", x.0);
    }
}

/// [`small_sobol`] in a fresh temporary folder, run whole (in one piece,
/// uninterrupted) into its `whole/`: the bytes that shards merged and a
/// resumed exploration must give. Returns the folder, the file and `whole`.
fn small_sobol_run_whole() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = small_sobol(dir.path());
    let whole = dir.path().join("whole");
    explore(&file, &whole, &[]);
    (dir, file, whole)
}

#[test]
fn shards_merge_into_the_bytes_of_one_whole_exploration() {
    let (dir, file, whole) = small_sobol_run_whole();
    let shards = dir.path().join("shards");
    for k in 1..=3 {
        explore(
            &file,
            &shards,
            &["--shard", &format!("{k}/3"), "--threads", "1"],
        );
    }
    assert!(
        shards
            .join("my-question-explore/shard-2-of-3/explore-shard.json")
            .is_file()
    );
    // A merge with a shard missing is refused, and writes nothing.
    let merged = dir.path().join("merged");
    let partial = dir.path().join("partial");
    fs::create_dir(&partial).unwrap();
    for k in [1, 3] {
        let name = format!("shard-{k}-of-3");
        fs::rename(
            shards.join("my-question-explore").join(&name),
            partial.join(&name),
        )
        .unwrap();
    }
    common::refuses(merge(&merged).arg(&partial), "shard(s) 2/3 missing");
    assert!(!merged.exists());
    for k in [1, 3] {
        let name = format!("shard-{k}-of-3");
        fs::rename(
            partial.join(&name),
            shards.join("my-question-explore").join(&name),
        )
        .unwrap();
    }
    merge(&merged).arg(&shards).assert().success();
    assert_same_as_whole(
        &whole.join("my-question-explore"),
        &merged.join("my-question-explore"),
        "merged",
    );
}

#[test]
fn a_resumed_exploration_equals_an_uninterrupted_one_byte_for_byte() {
    let (dir, file, whole) = small_sobol_run_whole();
    let part = dir.path().join("part");
    let run = || {
        let mut cmd = airace();
        cmd.arg("explore")
            .arg(&file)
            .args(["--runs", "40", "--quiet", "--threads", "1", "--out"])
            .arg(&part);
        cmd
    };
    // Stopped as by a signal once 50 experiments of 40 runs are done.
    run()
        .env("AIRACE_TEST_STOP_AFTER", "2000")
        .assert()
        .code(130)
        .stderr(predicate::str::contains(
            "exploration my-question stopped after 50 of 120 experiments; its progress is saved in",
        ));
    let folder = part.join("my-question-explore");
    assert!(!folder.join("experiments.csv").exists());
    assert!(folder.join(".airace-checkpoint/experiments.done").is_file());
    // Without --resume the checkpoint is not thrown away; with another
    // seed it is not resumed.
    common::refuses(&mut run(), "add --resume to continue it");
    common::refuses(
        run().args(["--resume", "--seed", "9"]),
        "its checkpoint is of another exploration",
    );
    run().arg("--resume").assert().success();
    assert!(!folder.join(".airace-checkpoint").exists());
    assert_same_as_whole(&whole.join("my-question-explore"), &folder, "resumed");
}

/// A regulation's keys and a conditional pause's quorum are unknowns like
/// any other: an exploration draws them (a whole number for the quorum)
/// and every experiment's world records the value it ran with.
#[test]
fn regulation_keys_and_the_quorum_can_be_explored() {
    let (dir, file) = common::temp_path("q.toml");
    let root = env!("CARGO_MANIFEST_DIR");
    // Writes to `path` the exploration `name`: `worlds` Latin-hypercube
    // worlds of 20 runs (seed 3) judged on p_catastrophe, with the
    // uncertainties and policies of `body`.
    let write = |path: &Path, name: &str, worlds: u32, body: String| {
        let head = format!(
            "[scenario]\nname = \"{name}\"\n\
             [explore]\ndesign = \"latin_hypercube\"\nworlds = {worlds}\nruns = 20\nseed = 3\n\
             outcomes = [\"p_catastrophe\"]\n"
        );
        fs::write(path, head + &body).unwrap();
    };
    write(
        &file,
        "law",
        6,
        format!(
            "[[explore.uncertainty]]\nkey = \"regulation.national.audit\"\nuniform = [0.0, 1.0]\n\
             [[explore.uncertainty]]\nkey = \"regulation.0.penalty\"\nintegers = [1, 12]\n\
             [[explore.uncertainty]]\nkey = \"labs.Frontier.policy.0.quorum\"\nintegers = [0, 2]\n\
             [[explore.policy]]\nname = \"two-regulated\"\nscenario = \"{root}/scenarios/regulation.toml\"\n\
             [[explore.policy]]\nname = \"all-regulated\"\nscenario = \"{root}/scenarios/regulation-all.toml\"\n"
        ),
    );
    // The regulation scenarios' Frontier has no conditional pause: the
    // quorum's path names a rule that is not one, and is refused.
    common::refuses(
        airace()
            .arg("explore")
            .arg(&file)
            .args(["--quiet", "--out"])
            .arg(dir.path()),
        "labs.Frontier.policy.0.quorum",
    );
    let text = fs::read_to_string(&file).unwrap();
    let without_quorum = text.replace(
        "[[explore.uncertainty]]\nkey = \"labs.Frontier.policy.0.quorum\"\nintegers = [0, 2]\n",
        "",
    );
    fs::write(&file, without_quorum).unwrap();
    explore(&file, dir.path(), &[]);
    let experiments = fs::read_to_string(dir.path().join("law-explore/experiments.csv")).unwrap();
    let header = experiments.lines().next().unwrap();
    assert!(
        header.contains("regulation.national.audit") && header.contains("regulation.0.penalty"),
        "{header}"
    );
    assert_eq!(experiments.lines().count(), 1 + 6 * 2, "{experiments}");

    // The quorum, on the conditional-pause scenario.
    let quorum = dir.path().join("quorum.toml");
    write(
        &quorum,
        "quorum",
        3,
        format!(
            "[[explore.uncertainty]]\nkey = \"labs.*.policy.0.quorum\"\nintegers = [0, 2]\n\
             [[explore.policy]]\nname = \"conditional\"\nscenario = \"{root}/scenarios/conditional-pause.toml\"\n"
        ),
    );
    explore(&quorum, dir.path(), &[]);
    let experiments =
        fs::read_to_string(dir.path().join("quorum-explore/experiments.csv")).unwrap();
    assert!(
        experiments.lines().next().unwrap().contains("quorum"),
        "{experiments}"
    );
}

/// The shipped exploration copied away from the scenario files its
/// policies name: each missing file is reported once, at its line and
/// column with the path tried, and nothing follows from the policies that
/// could not be read (no empty lists of labs or policies).
#[test]
fn an_exploration_copied_away_from_its_scenarios_names_each_missing_file_once() {
    let (dir, file) = common::temp_path("claims.toml");
    fs::copy("scenarios/explore/headline-claims.toml", &file).unwrap();
    let out = dir.path().join("out");
    let stderr = common::refused_into(airace().arg("explore").arg(&file), &out);
    let text = fs::read_to_string(&file).unwrap();
    for name in ["race", "pause-2023", "rsp-2026", "lone-pause", "lone-2026"] {
        let needle = format!("scenario = \"../{name}.toml\"");
        let line = text.lines().position(|l| l == needle).unwrap() + 1;
        let tried = dir.path().join(format!("../{name}.toml"));
        let at = format!("claims.toml:{line}:");
        let reports: Vec<&str> = stderr.lines().filter(|l| l.contains(&at)).collect();
        assert_eq!(reports.len(), 1, "{name} once:\n{stderr}");
        assert!(
            stderr.contains(&tried.display().to_string()),
            "{name}: the path tried\n{stderr}"
        );
    }
    for nonsense in [
        "one of ,",
        "one of  ",
        "the policies are  ",
        "policies are \n",
    ] {
        assert!(!stderr.contains(nonsense), "`{nonsense}` in\n{stderr}");
    }
    assert!(
        !stderr.contains("outcome"),
        "no follow-on errors:\n{stderr}"
    );
}

/// `airace explore FILE ARGS --out OUT` as a process of its own.
fn explore_process(file: &Path, out: &Path, args: &[&str]) -> std::process::Command {
    let mut cmd = common::process();
    cmd.arg("explore")
        .arg(file)
        .args(args)
        .arg("--out")
        .arg(out);
    cmd
}

/// Two explorations into one folder at once: the second is refused (exit
/// 2) while the first goes on. SIGINT then stops the first, its progress
/// saved; a damaged checkpoint is refused; `--resume` from the intact one
/// ends with the bytes of an uninterrupted exploration.
#[test]
fn a_busy_folder_refuses_a_second_explore_and_sigint_then_resume_gives_the_same_bytes() {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let file = small_sobol(dir.path());
    // 120 experiments of 2,000 runs: seconds on one thread, long enough to
    // be caught running.
    let args = ["--runs", "2000", "--quiet", "--threads", "1"];
    let whole = dir.path().join("whole");
    let ok = explore_process(&file, &whole, &args[..3]).output().unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let part = dir.path().join("part");
    let folder = part.join("my-question-explore");
    let mut first = explore_process(&file, &part, &args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !folder.join(".airace-lock").exists() {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "never started"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let second = explore_process(&file, &part, &args).output().unwrap();
    let stderr = common::exited(&second, 2);
    assert!(
        stderr.contains("is being written by another airace"),
        "{stderr}"
    );
    assert!(
        first.try_wait().unwrap().is_none(),
        "the first finished before it could be interrupted: make it bigger"
    );
    let sent = std::process::Command::new("kill")
        .args(["-INT", &first.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let stopped = first.wait_with_output().unwrap();
    let stderr = common::exited(&stopped, 130);
    assert!(
        stderr.contains("interrupted: exploration my-question stopped after"),
        "{stderr}"
    );
    let checkpoint = folder.join(".airace-checkpoint/experiments.done");
    let saved = fs::read(&checkpoint).unwrap();
    assert!(!folder.join("experiments.csv").exists());
    // A checkpoint cut short, or with a byte changed: refused, exit 2,
    // nothing written.
    let cut = saved.len() / 2;
    let mut flipped = saved.clone();
    flipped[cut] ^= 0x01;
    for damaged in [saved[..cut].to_vec(), flipped] {
        fs::write(&checkpoint, &damaged).unwrap();
        let out = explore_process(&file, &part, &args)
            .arg("--resume")
            .output()
            .unwrap();
        let stderr = common::exited(&out, 2);
        assert!(stderr.contains("is damaged"), "{stderr}");
        assert!(!folder.join("experiments.csv").exists());
    }
    fs::write(&checkpoint, &saved).unwrap();
    let resumed = explore_process(&file, &part, &args)
        .arg("--resume")
        .output()
        .unwrap();
    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    assert_same_as_whole(&whole.join("my-question-explore"), &folder, "resumed");
}

/// Shards that cannot be merged: a damaged shard (its experiments cut
/// short, its manifest cut short) and shards of two different exploration
/// files, each refused with exit 2, saying why, and nothing written.
#[test]
fn damaged_shards_and_shards_of_two_explorations_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = small_sobol(dir.path());
    let shards = dir.path().join("shards");
    for k in 1..=2 {
        explore(&file, &shards, &["--shard", &format!("{k}/2")]);
    }
    let shard = |k: u32| shards.join(format!("my-question-explore/shard-{k}-of-2"));
    let merged = dir.path().join("merged");
    let refused = |inputs: &[&Path], why: &str| {
        let out = merge(&merged).args(inputs).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{why}: {stderr}");
        assert!(stderr.contains(why), "{why}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(!merged.exists(), "{why}: nothing written");
    };
    for name in ["experiments.done", "explore-shard.json"] {
        let path = shard(2).join(name);
        let bytes = fs::read(&path).unwrap();
        fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        let why = if name == "experiments.done" {
            "is damaged"
        } else {
            "is not an exploration shard manifest"
        };
        refused(&[&shards], why);
        fs::write(&path, &bytes).unwrap();
    }
    // Another exploration of the same name (another seed): its shard 2
    // with this one's shard 1.
    let other = dir.path().join("other");
    fs::create_dir(&other).unwrap();
    let other_file = other.join("q.toml");
    // Writes the file `from` into `other_file` with `old` replaced by `new`.
    let edit = |from: &Path, old: &str, new: &str| {
        let text = fs::read_to_string(from).unwrap().replace(old, new);
        fs::write(&other_file, text).unwrap();
    };
    edit(&file, "# seed = 1", "seed = 7");
    let other_shards = dir.path().join("other-shards");
    explore(&other_file, &other_shards, &["--shard", "2/2"]);
    let other_shard = other_shards.join("my-question-explore/shard-2-of-2");
    refused(
        &[&shard(1), &shard(2), &other_shard],
        "the shards of exploration my-question are of different runs of it",
    );
    // And of another name: each is incomplete.
    edit(
        &other_file,
        "name = \"my-question\"",
        "name = \"other-question\"",
    );
    fs::remove_dir_all(&other_shards).unwrap();
    explore(&other_file, &other_shards, &["--shard", "2/2"]);
    let other_shard = other_shards.join("other-question-explore/shard-2-of-2");
    refused(&[&shard(1), &other_shard], "shard(s) 2/2 missing");
    merge(&merged).arg(&shards).assert().success();
}

/// A folder of the exploration's name that airace did not make is never
/// written over: refused without --force; with it, airace's files go
/// beside the user's, and a user's file where airace would write one of
/// its own is refused even with --force. A file of that name is refused.
#[test]
fn a_folder_of_the_same_name_that_airace_did_not_make_is_never_overwritten() {
    let (dir, file) = common::temp_path("q.toml");
    fs::write(&file, explore_template()).unwrap();
    let out = dir.path().join("out");
    let folder = out.join("my-question-explore");
    fs::create_dir_all(&folder).unwrap();
    fs::write(folder.join("notes.txt"), "mine").unwrap();
    let run = |extra: &[&str]| {
        airace()
            .arg("explore")
            .arg(&file)
            .args(["--runs", "20", "--quiet", "--no-plots", "--out"])
            .arg(&out)
            .args(extra)
            .output()
            .unwrap()
    };
    let refused = run(&[]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("notes.txt"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(!folder.join("experiments.csv").exists());
    fs::write(folder.join("robustness.csv"), "my own table").unwrap();
    let refused = run(&["--force"]);
    let stderr = common::exited(&refused, 2);
    assert!(stderr.contains("robustness.csv"), "{stderr}");
    assert_eq!(
        fs::read_to_string(folder.join("robustness.csv")).unwrap(),
        "my own table"
    );
    fs::remove_file(folder.join("robustness.csv")).unwrap();
    assert!(run(&["--force"]).status.success());
    assert!(folder.join("experiments.csv").is_file());
    assert_eq!(
        fs::read_to_string(folder.join("notes.txt")).unwrap(),
        "mine"
    );
    // A file where the folder would be.
    let out2 = dir.path().join("out2");
    fs::create_dir(&out2).unwrap();
    fs::write(out2.join("my-question-explore"), "a file").unwrap();
    let refused = airace()
        .arg("explore")
        .arg(&file)
        .args(["--runs", "20", "--quiet", "--out"])
        .arg(&out2)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("is not a folder"));
    assert_eq!(
        fs::read_to_string(out2.join("my-question-explore")).unwrap(),
        "a file"
    );
}
