//! The shard folders: what `airace run|sweep ... --shard K/N` writes
//! (`shard.json` over a scenario's rows and exact aggregate, or a sweep's
//! points) and what `airace explore ... --shard K/N` writes
//! (`explore-shard.json` over its finished experiments), and how `airace
//! merge` finds and reads them back.
//!
//! Both kinds are alike: their files are listed in a manifest with each
//! one's size and CRC-32 ([`listed`]), the manifest is written last, all
//! or nothing ([`commit`]); a merge finds a shard by its manifest ([`find`]),
//! refuses a manifest of another format or version ([`read_manifest`]) and
//! any listed file changed since ([`check_files`]). This module does those
//! once for both; what each kind holds is its own: [`ShardManifest`] here,
//! `explore::shard`'s for an exploration. The orchestration (which runs a
//! shard holds, grouping, merging) is `shard`'s and `explore::shard`'s.

use super::ScenarioResult;
use super::atomic::AtomicFile;
use super::folder::{self, CommitError, Folder, Scope, Written};
use crate::engine::BLOCK_RUNS;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `shard.json`, written last into a scenario's or sweep's shard folder.
pub const MANIFEST: &str = super::files::SHARD_MANIFEST;
/// A scenario shard's exact aggregate.
pub const AGGREGATE: &str = super::files::AGGREGATE;
/// `shard.json`'s format and version (2: a sweep shard holds its sweep's
/// `sweep.toml`; 3: the current).
pub const FORMAT: &str = "airace-shard";
pub const FORMAT_VERSION: u32 = 3;

/// What one shard holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Unit {
    /// Runs `first_run..end_run` of a scenario.
    Scenario {
        runs: u64,
        first_run: u64,
        end_run: u64,
        steps: u32,
        labs: usize,
        run_rows: bool,
        /// FNV-1a of the scenario as run.
        scenario_fnv: String,
        /// Every scenario of the command, in order, and its comparison
        /// folder, so that merge can write the comparison too.
        command_scenarios: Vec<String>,
        comparison: Option<String>,
    },
    /// Points `first_point..end_point` (0-based) of a sweep.
    Sweep {
        points: usize,
        first_point: usize,
        end_point: usize,
        keep_points: bool,
        /// FNV-1a of the sweep's header and every point's values.
        plan_fnv: String,
    },
}

/// `shard.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShardManifest {
    pub format: String,
    pub format_version: u32,
    pub airace_version: String,
    /// The scenario's or the sweep's name (its folder's).
    pub name: String,
    pub shard: u64,
    pub shards: u64,
    pub seed: u64,
    #[serde(flatten)]
    pub unit: Unit,
    /// The files beside it, each with its size and CRC-32: a file changed
    /// or damaged since is refused by merge.
    pub files: BTreeMap<String, Written>,
    /// Where the scenario came from.
    pub source: String,
    pub threads: usize,
    pub command_line: Vec<String>,
}

/// Writes a scenario shard's outputs into its folder, all or nothing: the
/// row files (already streamed), `aggregate.bin`, `scenario.toml`, then
/// `shard.json`, which lists each with its size and CRC-32.
pub fn write_scenario_shard(
    folder: &mut Folder,
    result: &ScenarioResult,
    streamed: Vec<AtomicFile>,
    mut manifest: ShardManifest,
) -> Result<(), CommitError> {
    let mut staged = streamed;
    let aggregate = result.aggregate.to_bytes();
    let toml = super::Export::render(&super::manifest::ScenarioToml, result);
    staged.push(folder.stage(AGGREGATE, &aggregate)?);
    staged.push(folder.stage(super::files::SCENARIO_TOML, &toml)?);
    manifest.files = listed(&staged);
    commit(folder, staged, MANIFEST, &manifest)
}

/// Writes a sweep shard's outputs, all or nothing: `sweep.csv` (its points'
/// rows), the sweep's `sweep.toml` (the same in every shard), then
/// `shard.json`. Kept points are already in `points/`.
pub fn write_sweep_shard(
    folder: &mut Folder,
    csv: &[u8],
    reproduce: &str,
    mut manifest: ShardManifest,
) -> Result<(), CommitError> {
    let staged = vec![
        folder.stage(super::files::SWEEP, csv)?,
        folder.stage(crate::sweep::REPRODUCE_FILE, reproduce.as_bytes())?,
    ];
    manifest.files = listed(&staged);
    commit(folder, staged, MANIFEST, &manifest)
}

/// The files `staged` for a shard's folder, by name, each with its size
/// and CRC-32: the manifest's `files`.
pub fn listed(staged: &[AtomicFile]) -> BTreeMap<String, Written> {
    staged
        .iter()
        .map(|f| {
            let name = f
                .target()
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let written = Written {
                bytes: f.len(),
                crc32: folder::hex(f.crc()),
            };
            (name, written)
        })
        .collect()
}

/// Commits a shard's `staged` files and then its manifest (`file`: pretty
/// JSON and a newline), all or nothing.
pub fn commit(
    folder: &mut Folder,
    staged: Vec<AtomicFile>,
    file: &str,
    manifest: &impl Serialize,
) -> Result<(), CommitError> {
    let mut json = serde_json::to_vec_pretty(manifest).expect("a shard manifest serializes");
    json.push(b'\n');
    let json = folder.stage(file, &json)?;
    folder.commit(staged, Some(json), Scope::Whole)
}

/// Every folder in or under `dir`, down to `depth` levels, holding the
/// manifest `file`, in path order; the folders under a shard are not
/// looked into.
pub fn find(dir: &Path, file: &str, depth: u32, out: &mut Vec<PathBuf>) {
    if dir.join(file).is_file() {
        out.push(dir.to_path_buf());
        return;
    }
    if depth == 0 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut children: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    children.sort();
    for child in children {
        find(&child, file, depth - 1, out);
    }
}

/// A shard manifest's format and version, as every kind records them.
#[derive(Deserialize)]
struct Format {
    format: String,
    format_version: u32,
}

/// Reads the manifest `file` of the shard in `dir`: a `what` (e.g. "shard
/// manifest") of `format` version `version`, or a message saying why not.
pub fn read_manifest<M: DeserializeOwned>(
    dir: &Path,
    file: &str,
    what: &str,
    (format, version): (&str, u32),
) -> Result<M, String> {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let cannot = |e: serde_json::Error| {
        format!(
            "{} is not {what} airace {} can read: {e}",
            path.display(),
            env!("CARGO_PKG_VERSION")
        )
    };
    let found: Format = serde_json::from_str(&text).map_err(cannot)?;
    if found.format != format || found.format_version != version {
        return Err(format!(
            "{} is format {} version {}, but this airace reads {format} version {version}",
            path.display(),
            found.format,
            found.format_version
        ));
    }
    serde_json::from_str(&text).map_err(cannot)
}

/// Checks that every file a shard's manifest lists is in `dir` with the
/// size and CRC-32 it had when the shard wrote it.
pub fn check_files(dir: &Path, files: &BTreeMap<String, Written>) -> Result<(), String> {
    for (file, want) in files {
        let path = dir.join(file);
        let safe = !file.is_empty() && !file.contains(['/', '\\']) && file != "..";
        let found = if safe {
            folder::checksum(&path).ok()
        } else {
            None
        };
        if found.as_ref() != Some(want) {
            return Err(format!(
                "shard {} is damaged: {file} should hold {} bytes with CRC-32 {} but {}",
                dir.display(),
                want.bytes,
                want.crc32,
                match found {
                    None => "is missing".to_string(),
                    Some(f) if f.bytes != want.bytes => format!("holds {}", f.bytes),
                    Some(f) => format!("its CRC-32 is {} (changed or damaged)", f.crc32),
                }
            ));
        }
    }
    Ok(())
}

/// Reads a scenario's or sweep's shard manifest back from `dir` and checks
/// it: its format, a plausible range, every listed file unchanged.
pub fn read(dir: &Path) -> Result<ShardManifest, String> {
    let manifest: ShardManifest =
        read_manifest(dir, MANIFEST, "a shard manifest", (FORMAT, FORMAT_VERSION))?;
    if let Some(problem) = implausible(&manifest) {
        return Err(format!(
            "{} is damaged: {problem}",
            dir.join(MANIFEST).display()
        ));
    }
    check_files(dir, &manifest.files)?;
    Ok(manifest)
}

/// What makes a shard manifest impossible (a damaged or edited file), if
/// anything: the checks that keep the merge's arithmetic in range.
pub fn implausible(m: &ShardManifest) -> Option<String> {
    /// More shards than any study has blocks of runs.
    const MAX_SHARDS: u64 = 1 << 24;
    if !(1 <= m.shard && m.shard <= m.shards && m.shards <= MAX_SHARDS) {
        return Some(format!("shard {} of {} is not possible", m.shard, m.shards));
    }
    match m.unit {
        Unit::Scenario {
            runs,
            first_run,
            end_run,
            ..
        } if !(first_run < end_run && end_run <= runs && first_run % BLOCK_RUNS == 0) => Some(
            format!("runs {first_run}..{end_run} of {runs} are not a shard's range"),
        ),
        Unit::Sweep {
            points,
            first_point,
            end_point,
            ..
        } if !(first_point < end_point && end_point <= points) => Some(format!(
            "points {first_point}..{end_point} of {points} are not a shard's range"
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> Written {
        std::fs::write(dir.join(name), bytes).unwrap();
        folder::checksum(&dir.join(name)).unwrap()
    }

    #[test]
    fn a_listed_file_changed_missing_or_outside_the_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let listed = BTreeMap::from([("a.csv".to_string(), write(d, "a.csv", b"ab\n"))]);
        assert_eq!(check_files(d, &listed), Ok(()));
        write(d, "a.csv", b"abc\n");
        let e = check_files(d, &listed).unwrap_err();
        assert!(
            e.contains("a.csv should hold 3 bytes") && e.ends_with("holds 4"),
            "{e}"
        );
        write(d, "a.csv", b"xy\n");
        let e = check_files(d, &listed).unwrap_err();
        assert!(e.contains("(changed or damaged)"), "{e}");
        std::fs::remove_file(d.join("a.csv")).unwrap();
        assert!(check_files(d, &listed).unwrap_err().ends_with("is missing"));
        let outside = BTreeMap::from([("../a.csv".to_string(), listed["a.csv"].clone())]);
        assert!(
            check_files(d, &outside)
                .unwrap_err()
                .ends_with("is missing")
        );
    }

    #[test]
    fn a_manifest_of_another_format_or_version_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        #[derive(Debug, Deserialize)]
        struct M {
            #[allow(dead_code)]
            format: String,
        }
        write(
            d,
            "m.json",
            br#"{"format": "airace-shard", "format_version": 2}"#,
        );
        let e =
            read_manifest::<M>(d, "m.json", "a shard manifest", ("airace-shard", 3)).unwrap_err();
        assert!(
            e.ends_with(
                "is format airace-shard version 2, but this airace reads airace-shard version 3"
            ),
            "{e}"
        );
        write(d, "m.json", b"{");
        let e =
            read_manifest::<M>(d, "m.json", "a shard manifest", ("airace-shard", 3)).unwrap_err();
        assert!(e.contains("m.json is not a shard manifest airace"), "{e}");
        write(
            d,
            "m.json",
            br#"{"format": "airace-shard", "format_version": 3}"#,
        );
        assert!(read_manifest::<M>(d, "m.json", "a shard manifest", ("airace-shard", 3)).is_ok());
    }

    #[test]
    fn shards_are_found_by_their_manifest_down_to_the_depth_given() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for sub in [
            "x/shard-1-of-2",
            "x/shard-2-of-2",
            "x/shard-2-of-2/inner",
            "y/z/deep",
        ] {
            std::fs::create_dir_all(d.join(sub)).unwrap();
            write(&d.join(sub), "s.json", b"{}");
        }
        let mut found = Vec::new();
        find(d, "s.json", 2, &mut found);
        let names: Vec<String> = found
            .iter()
            .map(|p| p.strip_prefix(d).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["x/shard-1-of-2", "x/shard-2-of-2"]);
    }
}
