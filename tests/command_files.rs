//! Adding a command is one new file plus one enum arm: each command's
//! options (its clap `Args`) and the code that runs them live in its own
//! `src/commands/NAME.rs`; `src/main.rs` only lists the commands and calls
//! them. These tests read the sources, so a command whose options or
//! conversion creep back into `main.rs`, or a file in `src/commands/`
//! whose `Args` no variant names, fails here.

use assert_cmd::Command;
use std::collections::BTreeSet;
use std::path::Path;

fn source(path: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(root.join(path)).unwrap()
}

/// The files of `src/commands/` that define a command's `Args`, by name.
fn command_files() -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/commands");
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .contains("\npub struct Args {")
        })
        .map(|p| p.file_stem().unwrap().to_str().unwrap().to_string())
        .collect()
}

/// The `Command` variants of `main.rs` as `(Variant, file)`, from lines
/// `Variant(commands::file::Args),`.
fn variants(main: &str) -> Vec<(String, String)> {
    let body = &main[main.find("enum Command {").unwrap()..];
    let body = &body[..body.find("\n}").unwrap()];
    body.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("//") && !l.starts_with("#[") && l.ends_with("::Args),"))
        .map(|l| {
            let (variant, rest) = l.split_once("(commands::").unwrap();
            let file = rest.strip_suffix("::Args),").unwrap();
            (variant.to_string(), file.to_string())
        })
        .collect()
}

#[test]
fn every_command_is_one_file_and_one_arm() {
    let main = source("src/main.rs");
    let variants = variants(&main);
    let named: BTreeSet<String> = variants.iter().map(|(_, f)| f.clone()).collect();
    assert_eq!(named, command_files(), "each command file is one variant");
    for (variant, file) in &variants {
        let arm = format!("Command::{variant}(args) => args.execute(");
        assert!(main.contains(&arm), "main.rs has no arm `{arm}`");
        let text = source(&format!("src/commands/{file}.rs"));
        assert!(
            text.contains("    pub fn execute(self"),
            "src/commands/{file}.rs has no `Args::execute`"
        );
        let module = format!("pub mod {file};");
        assert!(source("src/commands/mod.rs").contains(&module));
    }
    // Nothing of any command's options is written in main.rs.
    for option in ["#[arg(", "#[command(flatten)]", "impl ", "const "] {
        assert!(!main.contains(option), "main.rs holds `{option}`");
    }
}

#[test]
fn every_command_file_is_a_command_the_binary_knows() {
    for file in command_files() {
        // `classic`'s help is its own; `help --help` works too.
        Command::cargo_bin("airace")
            .unwrap()
            .args(["help", &file])
            .assert()
            .success();
    }
}
