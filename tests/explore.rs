//! `airace explore` as a researcher meets it: the printed template run
//! small, its tables checked, the same bytes for any thread count, and bad
//! exploration files refused with file:line:col, exit 2 and nothing written.

mod common;

use common::airace;
use predicates::prelude::*;
use std::fs;
use std::path::Path;

fn template() -> String {
    let out = airace().args(["new", "--explore"]).output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

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
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("q.toml");
    fs::write(&file, template().replace("worlds = 64", "worlds = 16")).unwrap();
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
    let file = dir.path().join("q.toml");
    fs::write(
        &file,
        template()
            .replace("worlds = 64", "worlds = 8")
            .replace("design = \"latin_hypercube\"", "design = \"sobol\""),
    )
    .unwrap();
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
    let file = dir.path().join("q.toml");
    let text = template()
        .replace("design = \"latin_hypercube\"", "design = \"sobol\"")
        .replace("worlds = 64", "worlds = 8");
    fs::write(&file, text).unwrap();
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
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bad.toml");
        let text = template();
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
    airace()
        .args(["validate", "scenarios/explore/headline-claims.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "ok: exploration headline-claims (sobol design, 1536 worlds x 5 policies x 200 runs, seed 1)",
        ));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    fs::write(
        &file,
        template().replace("world.spillover", "world.spilover"),
    )
    .unwrap();
    airace()
        .arg("validate")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `world.spillover`?"));
}

/// The small Sobol' exploration of the template (8 base samples, 3
/// unknowns: 40 worlds x 3 policies).
fn small_sobol(dir: &Path) -> std::path::PathBuf {
    let file = dir.join("q.toml");
    fs::write(
        &file,
        template()
            .replace("worlds = 64", "worlds = 8")
            .replace("design = \"latin_hypercube\"", "design = \"sobol\""),
    )
    .unwrap();
    file
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

#[test]
fn shards_merge_into_the_bytes_of_one_whole_exploration() {
    let dir = tempfile::tempdir().unwrap();
    let file = small_sobol(dir.path());
    let whole = dir.path().join("whole");
    explore(&file, &whole, &[]);
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
    airace()
        .args(["merge", "--quiet", "--out"])
        .arg(&merged)
        .arg(&partial)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("shard(s) 2/3 missing"));
    assert!(!merged.exists());
    for k in [1, 3] {
        let name = format!("shard-{k}-of-3");
        fs::rename(
            partial.join(&name),
            shards.join("my-question-explore").join(&name),
        )
        .unwrap();
    }
    airace()
        .args(["merge", "--quiet", "--out"])
        .arg(&merged)
        .arg(&shards)
        .assert()
        .success();
    let (a, b) = (
        files(&whole.join("my-question-explore")),
        files(&merged.join("my-question-explore")),
    );
    assert_eq!(manifest_less_command(&a), manifest_less_command(&b));
    let (a, b) = (results(a), results(b));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert!(x == y, "{} differs between the whole and the merged", x.0);
    }
}

#[test]
fn a_resumed_exploration_equals_an_uninterrupted_one_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let file = small_sobol(dir.path());
    let whole = dir.path().join("whole");
    explore(&file, &whole, &[]);
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
    run()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("add --resume to continue it"));
    run()
        .args(["--resume", "--seed", "9"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "its checkpoint is of another exploration",
        ));
    run().arg("--resume").assert().success();
    assert!(!folder.join(".airace-checkpoint").exists());
    let (a, b) = (files(&whole.join("my-question-explore")), files(&folder));
    assert_eq!(manifest_less_command(&a), manifest_less_command(&b));
    let (a, b) = (results(a), results(b));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert!(x == y, "{} differs between the whole and the resumed", x.0);
    }
}

/// A regulation's keys and a conditional pause's quorum are unknowns like
/// any other: an exploration draws them (a whole number for the quorum)
/// and every experiment's world records the value it ran with.
#[test]
fn regulation_keys_and_the_quorum_can_be_explored() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("q.toml");
    let root = env!("CARGO_MANIFEST_DIR");
    fs::write(
        &file,
        format!(
            "[scenario]\nname = \"law\"\n\
             [explore]\ndesign = \"latin_hypercube\"\nworlds = 6\nruns = 20\nseed = 3\n\
             outcomes = [\"p_catastrophe\"]\n\
             [[explore.uncertainty]]\nkey = \"regulation.national.audit\"\nuniform = [0.0, 1.0]\n\
             [[explore.uncertainty]]\nkey = \"regulation.0.penalty\"\nintegers = [1, 12]\n\
             [[explore.uncertainty]]\nkey = \"labs.Frontier.policy.0.quorum\"\nintegers = [0, 2]\n\
             [[explore.policy]]\nname = \"two-regulated\"\nscenario = \"{root}/scenarios/regulation.toml\"\n\
             [[explore.policy]]\nname = \"all-regulated\"\nscenario = \"{root}/scenarios/regulation-all.toml\"\n"
        ),
    )
    .unwrap();
    // The regulation scenarios' Frontier has no conditional pause: the
    // quorum's path names a rule that is not one, and is refused.
    airace()
        .arg("explore")
        .arg(&file)
        .args(["--quiet", "--out"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("labs.Frontier.policy.0.quorum"));
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
    fs::write(
        &quorum,
        format!(
            "[scenario]\nname = \"quorum\"\n\
             [explore]\ndesign = \"latin_hypercube\"\nworlds = 3\nruns = 20\nseed = 3\n\
             outcomes = [\"p_catastrophe\"]\n\
             [[explore.uncertainty]]\nkey = \"labs.*.policy.0.quorum\"\nintegers = [0, 2]\n\
             [[explore.policy]]\nname = \"conditional\"\nscenario = \"{root}/scenarios/conditional-pause.toml\"\n"
        ),
    )
    .unwrap();
    explore(&quorum, dir.path(), &[]);
    let experiments =
        fs::read_to_string(dir.path().join("quorum-explore/experiments.csv")).unwrap();
    assert!(
        experiments.lines().next().unwrap().contains("quorum"),
        "{experiments}"
    );
}
