//! Every command of docs/tutorial.md runs: the ```sh blocks are read from
//! the file and each `airace ...` line is run with 200 runs (`--runs`
//! replaced or added), into a temporary folder, without figures.

use assert_cmd::Command;
use std::path::Path;

/// The command lines of the file's ```sh blocks, comments stripped.
fn commands(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            inside = !inside && trimmed == "```sh";
            continue;
        }
        if !inside {
            continue;
        }
        let code = trimmed.split(" #").next().unwrap_or("").trim();
        if code.is_empty() || code.starts_with('#') {
            continue;
        }
        out.push(code.split_whitespace().map(str::to_string).collect());
    }
    out
}

#[test]
fn every_tutorial_command_runs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("docs/tutorial.md")).unwrap();
    let lines = commands(&text);
    assert!(lines.len() >= 5, "{lines:?}");
    let out = tempfile::tempdir().unwrap();
    for line in &lines {
        assert_eq!(line[0], "airace", "{line:?}");
        let mut args: Vec<String> = line[1..].to_vec();
        match args.iter().position(|a| a == "--runs") {
            Some(i) => args[i + 1] = "200".into(),
            None => args.extend(["--runs".into(), "200".into()]),
        }
        args.extend(["--no-plots".into(), "--force".into(), "--out".into()]);
        args.push(out.path().display().to_string());
        let assert = Command::cargo_bin("airace")
            .unwrap()
            .current_dir(root)
            .args(&args)
            .assert();
        let output = assert.get_output();
        assert!(
            output.status.success(),
            "{line:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        // The folder the tutorial tells the reader to open.
        let stem = Path::new(&line[2]).file_stem().unwrap();
        assert!(out.path().join(stem).is_dir(), "{line:?}");
    }
    // What the tutorial points at exists.
    let game = out.path().join("pause-or-race");
    for file in [
        "equilibria.csv",
        "deviations.csv",
        "nash_mixed.csv",
        "replicator_bootstrap.csv",
        "stationary.csv",
        "mutation_sweep.csv",
    ] {
        assert!(game.join(file).is_file(), "{file}");
    }
    assert!(
        out.path()
            .join("pause-or-race-seats/nash_mixed.csv")
            .is_file()
    );
}

#[test]
fn the_parser_reads_sh_blocks_only() {
    let text =
        "x\n```sh\nairace run a.toml --runs 5   # note\n# comment\n```\n```toml\nairace no\n```\n";
    assert_eq!(
        commands(text),
        vec![vec!["airace", "run", "a.toml", "--runs", "5"]]
    );
}
