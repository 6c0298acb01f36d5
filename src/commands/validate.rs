//! `airace validate FILE...`: reads each scenario, game or exploration
//! file as the command that runs it would, and reports every problem of
//! every file at once; warnings of what is sound but probably not meant go
//! to stderr.

use crate::context::InputError;
use crate::scenario::{Scenario, ScenarioError};
use std::path::{Path, PathBuf};

/// `airace validate`'s options.
#[derive(clap::Args)]
pub struct Args {
    /// Scenario or game files (TOML).
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
}

impl Args {
    /// The verdicts on stdout, warnings on stderr; the problems as the error.
    pub fn execute(self) -> anyhow::Result<()> {
        let (sound, problems) = validate_files(&self.scenarios);
        for line in sound {
            for part in line.lines() {
                if part.starts_with("warning: ") {
                    eprintln!("{part}");
                } else {
                    println!("{part}");
                }
            }
        }
        Ok(problems?)
    }
}

/// `airace validate`: checks scenario files (a `[sweep]` table as `airace
/// sweep FILE` would read it), and game files (those with a `[game]` table)
/// as `airace game` reads them; every file's problems
/// together. Returns a line per file that is sound, and the problems of
/// the others.
pub fn validate_files(paths: &[PathBuf]) -> (Vec<String>, Result<(), InputError>) {
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        match validate_file(path) {
            Ok(line) => lines.push(line),
            Err(e) => problems.push(e),
        }
    }
    let result = if problems.is_empty() {
        Ok(())
    } else {
        Err(InputError::Scenarios(problems))
    };
    (lines, result)
}

/// One file of [`validate_files`], read once: a game if it has a top-level
/// `[game]` table (text that is not TOML is left to the scenario reader's
/// messages), else a scenario with its `[sweep]` table.
fn validate_file(path: &Path) -> Result<String, ScenarioError> {
    let file = crate::scenario::SourceFile::read(path)?;
    let is_game = file
        .text
        .parse::<toml::Table>()
        .is_ok_and(|table| table.get("game").is_some_and(toml::Value::is_table));
    let is_exploration = file
        .text
        .parse::<toml::Table>()
        .is_ok_and(|table| table.get("explore").is_some_and(toml::Value::is_table));
    if is_exploration {
        let dir = path.parent().unwrap_or(Path::new(""));
        let e = crate::explore::file::Exploration::from_str_named(
            &file.text,
            &file.origin,
            &file.stem,
            dir,
            Default::default(),
        )?;
        return Ok(format!(
            "ok: exploration {} ({} design, {} worlds x {} policies x {} runs, seed {})",
            e.name,
            e.design.name(),
            e.points.len(),
            e.policies.len(),
            e.runs,
            e.seed
        ));
    }
    if is_game {
        let g = crate::game::game_file::Game::from_str_named(&file.text, &file.origin, &file.stem)?;
        return Ok(format!(
            "ok: game {} ({} players, {} strategies, {} profiles of {} runs of {} steps, seed {})",
            g.scenario.meta.name,
            g.players(),
            g.strategies.len(),
            g.profile_count(),
            g.scenario.meta.runs,
            g.scenario.meta.steps,
            g.scenario.meta.seed
        ));
    }
    let s = Scenario::from_str_named(&file.text, &file.origin, &file.stem)?;
    crate::sweep::check_table(&file.text, &file.origin, &file.stem)?;
    let mut line = format!(
        "ok: {} ({} labs, {} runs of {} steps, seed {})",
        s.meta.name,
        s.labs.len(),
        s.meta.runs,
        s.meta.steps,
        s.meta.seed
    );
    // Sound but probably not what was meant: said, the file still valid.
    for warning in s.warnings() {
        line.push_str(&format!("\nwarning: {}: {warning}", file.origin));
    }
    Ok(line)
}
