//! Spreading one study over many processes or machines.
//!
//! `airace run ... --shard K/N` runs only the K-th of N contiguous ranges of
//! run indices (whole blocks of [`BLOCK_RUNS`], so every run draws from the
//! streams it has in a single-machine run, and every block is the block it
//! would have been). A shard's folder holds its per-run rows, its exact
//! aggregate (`aggregate.bin`) and `shard.json`, written last. `airace merge`
//! checks that the shards belong together, adds the aggregates (an exact,
//! order-free sum), concatenates the rows and writes the outputs of the
//! whole run: the same bytes as one machine running every run.
//!
//! Sweeps shard by point: shard K of N runs a contiguous range of points.
//! This module is the commands' side (which part a shard runs, grouping
//! and merging); the folder's format is [`output::shard_folder`]'s.

use crate::context::InputError;
use crate::engine::{Aggregate, BLOCK_RUNS};
use crate::output::atomic::AtomicFile;
use crate::output::folder::{Folder, Kind};
use crate::output::rows::{LABS_FILE, LabColumns, RUNS_FILE, RUNS_HEADER};
use crate::output::shard_folder::{self, FORMAT, FORMAT_VERSION};
use crate::output::{self, RunInfo, ScenarioResult};
use crate::scenario::Scenario;
use anyhow::Context as _;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The shard folder's format (its manifest, writers and checks) is
/// [`output::shard_folder`]'s.
pub use crate::output::shard_folder::{
    AGGREGATE, MANIFEST, ShardManifest, Unit, write_scenario_shard, write_sweep_shard,
};

/// Shard `k` of `n` (1-based), as typed after `--shard`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardSpec {
    pub k: u64,
    pub n: u64,
}

impl std::str::FromStr for ShardSpec {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}` is not a shard: write K/N, as in 3/10 for the third of ten");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (k, n): (u64, u64) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if n == 0 || k == 0 || k > n {
            return Err(format!(
                "shard {k}/{n} does not exist: K counts from 1 to N"
            ));
        }
        Ok(ShardSpec { k, n })
    }
}

impl std::fmt::Display for ShardSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

impl ShardSpec {
    /// `shard-03-of-10`: K padded to N's width, so folders sort in order.
    pub fn folder_name(&self) -> String {
        let width = self.n.to_string().len();
        format!("shard-{:0width$}-of-{}", self.k, self.n)
    }

    /// This shard's split of `0..items` into `n` contiguous parts of
    /// `unit` each (the last may be short): item indices.
    fn split(&self, items: u64, unit: u64) -> Range<u64> {
        let units = items.div_ceil(unit);
        let first = (self.k - 1) * units / self.n;
        let end = self.k * units / self.n;
        (first * unit).min(items)..(end * unit).min(items)
    }

    /// The runs of this shard of `runs` (see [`run_range`](Self::run_range)
    /// for the check that every shard has some).
    pub fn runs(&self, runs: u64) -> Range<u64> {
        self.split(runs, BLOCK_RUNS)
    }

    /// The runs of this shard: whole blocks.
    pub fn run_range(&self, runs: u64, scenario: &str) -> Result<Range<u64>, InputError> {
        let blocks = runs.div_ceil(BLOCK_RUNS);
        if self.n > blocks {
            return Err(InputError::Usage(format!(
                "--shard {self}: scenario {scenario} has {runs} runs, {blocks} block(s) of {BLOCK_RUNS}, \
                 so it splits into at most {blocks} shard(s): use N <= {blocks}, or more runs"
            )));
        }
        Ok(self.split(runs, BLOCK_RUNS))
    }

    /// The sweep points of this shard (0-based).
    pub fn point_range(&self, points: usize, sweep: &str) -> Result<Range<usize>, InputError> {
        if self.n > points as u64 {
            return Err(InputError::Usage(format!(
                "--shard {self}: sweep {sweep} has {points} point(s), so it splits into at most \
                 {points} shard(s): use N <= {points}"
            )));
        }
        let r = self.split(points as u64, 1);
        Ok(r.start as usize..r.end as usize)
    }
}

impl ShardManifest {
    /// The manifest of shard `spec` of the scenario or sweep `name`; its
    /// files are listed as they are written.
    pub fn new(name: &str, spec: ShardSpec, seed: u64, unit: Unit, info: &RunInfo) -> Self {
        ShardManifest {
            format: FORMAT.into(),
            format_version: FORMAT_VERSION,
            airace_version: info.airace_version.into(),
            name: name.into(),
            shard: spec.k,
            shards: spec.n,
            seed,
            unit,
            files: BTreeMap::new(),
            source: info.source.clone(),
            threads: info.threads,
            command_line: info.command_line.clone(),
        }
    }
}

/// Everything `airace merge` needs.
#[derive(Debug, Clone)]
pub struct MergeConfig {
    /// Shard folders, or folders holding them (two levels down).
    pub inputs: Vec<PathBuf>,
    /// The comparison folder's name, if the shards' command had several
    /// scenarios (default: the name that command used).
    pub name: Option<String>,
    /// Where the merged folders go and how they are written (`threads` is
    /// not used: merging adds saved states).
    pub common: crate::context::CommonOptions,
}

/// A shard found on disk.
#[derive(Debug, Clone)]
struct Found {
    dir: PathBuf,
    manifest: ShardManifest,
}

/// Every shard folder in or under `inputs` (down to grandchildren).
fn find(inputs: &[PathBuf]) -> Result<Vec<Found>, InputError> {
    let mut dirs = Vec::new();
    for input in inputs {
        if !input.exists() {
            return Err(InputError::Usage(format!(
                "{} does not exist: give shard folders (holding {MANIFEST}) or folders that hold them",
                input.display()
            )));
        }
        if !input.is_dir() {
            return Err(InputError::Usage(format!(
                "{} is not a folder: give shard folders (holding {MANIFEST}) or folders that hold them",
                input.display()
            )));
        }
        let before = dirs.len();
        shard_folder::find(input, MANIFEST, 2, &mut dirs);
        if dirs.len() == before {
            return Err(InputError::Usage(format!(
                "{} holds no shards: no {MANIFEST} in it or in the two levels of folders below it \
                 (shards are written by `airace run ... --shard K/N` and `airace sweep ... --shard K/N`)",
                input.display()
            )));
        }
    }
    dirs.sort();
    dirs.dedup();
    dirs.into_iter()
        .map(|dir| {
            let manifest = shard_folder::read(&dir).map_err(InputError::Usage)?;
            Ok(Found { dir, manifest })
        })
        .collect()
}

/// Shards of one scenario or sweep, checked to make a whole, in order.
struct Group {
    name: String,
    shards: Vec<Found>,
}

impl Group {
    fn first(&self) -> &ShardManifest {
        &self.shards[0].manifest
    }
}

/// How merged results were made: from the shards' source, by this merge.
fn merged_info(first: &ShardManifest, config: &MergeConfig) -> RunInfo {
    RunInfo {
        airace_version: env!("CARGO_PKG_VERSION"),
        source: first.source.clone(),
        threads: 1,
        command_line: config.common.command_line.clone(),
        merged_shards: Some(first.shards),
    }
}

/// Groups shards by name and checks that each group is whole: the same
/// study (version, kind, seed, scenario or plan, runs, N), every K once.
fn group(found: Vec<Found>) -> Result<Vec<Group>, InputError> {
    let mut groups: BTreeMap<String, Vec<Found>> = BTreeMap::new();
    for f in found {
        groups.entry(f.manifest.name.clone()).or_default().push(f);
    }
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for (name, mut shards) in groups {
        shards.sort_by_key(|f| f.manifest.shard);
        let first = shards[0].clone();
        let reference = &first.manifest;
        let mut whole = true;
        for f in &shards[1..] {
            if let Some(difference) = difference(reference, &f.manifest) {
                whole = false;
                problems.push(format!(
                    "shards {} and {} of `{name}` are not from the same study: {}",
                    first.dir.display(),
                    f.dir.display(),
                    difference
                ));
            }
        }
        if !whole {
            continue;
        }
        let n = reference.shards;
        for pair in shards.windows(2) {
            if pair[0].manifest.shard == pair[1].manifest.shard {
                problems.push(format!(
                    "shard {} of {n} of `{name}` is given twice: {} and {}",
                    pair[0].manifest.shard,
                    pair[0].dir.display(),
                    pair[1].dir.display()
                ));
                whole = false;
            }
        }
        let missing: Vec<String> = (1..=n)
            .filter(|k| !shards.iter().any(|f| f.manifest.shard == *k))
            .map(|k| k.to_string())
            .collect();
        if !missing.is_empty() {
            problems.push(format!(
                "`{name}` is missing shard(s) {} of {n} (found {} in {})",
                missing.join(", "),
                shards.len(),
                common_parent(&shards)
            ));
            whole = false;
        }
        if whole {
            out.push(Group { name, shards });
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(InputError::Usage(format!(
            "cannot merge: {}",
            problems.join("\ncannot merge: ")
        )))
    }
}

fn common_parent(shards: &[Found]) -> String {
    shards[0]
        .dir
        .parent()
        .map_or_else(|| ".".into(), |p| p.display().to_string())
}

/// The fields of a shard manifest that differ from shard to shard of one
/// study (which shard, its slice, its files, how it was run).
const PER_SHARD: [&str; 9] = [
    "shard",
    "files",
    "threads",
    "command_line",
    "source",
    "first_run",
    "end_run",
    "first_point",
    "end_point",
];

/// The first field, other than [`PER_SHARD`] ones, in which two shard
/// manifests differ, in words; `None` when they are of one study.
fn difference(a: &ShardManifest, b: &ShardManifest) -> Option<String> {
    let study = |m: &ShardManifest| {
        let mut v = serde_json::to_value(m).unwrap_or_default();
        if let Some(fields) = v.as_object_mut() {
            fields.retain(|k, _| !PER_SHARD.contains(&k.as_str()));
        }
        v
    };
    let (va, vb) = (study(a), study(b));
    if va == vb {
        return None;
    }
    let (Some(ma), Some(mb)) = (va.as_object(), vb.as_object()) else {
        return Some("their manifests differ".into());
    };
    let (k, x, y) = ma
        .iter()
        .map(|(k, x)| (k, x.clone(), mb.get(k).cloned().unwrap_or_default()))
        .chain(
            mb.iter()
                .filter(|(k, _)| !ma.contains_key(*k))
                .map(|(k, y)| (k, Default::default(), y.clone())),
        )
        .find(|(_, x, y)| x != y)?;
    Some(match k.as_str() {
        "scenario_fnv" => "the scenario differs".to_string(),
        "plan_fnv" => "the sweep's points differ".to_string(),
        _ => format!("{k} {x} in one, {y} in the other"),
    })
}

/// What a merge wrote.
#[derive(Debug)]
pub struct MergeReport {
    pub folders: Vec<PathBuf>,
    pub comparison: Option<PathBuf>,
}

/// A scenario group, read and checked, ready to write.
struct ReadyScenario {
    group: Group,
    scenario: Scenario,
    aggregate: Aggregate,
}

/// `airace merge`: checks every input first (nothing is written if any
/// shard is wrong), then writes each study's outputs.
pub fn merge(config: &MergeConfig) -> anyhow::Result<MergeReport> {
    let found = find(&config.inputs)?;
    let shard_dirs: Vec<PathBuf> = found.iter().map(|f| f.dir.clone()).collect();
    let groups = group(found)?;
    let mut scenarios = Vec::new();
    let mut sweeps = Vec::new();
    for g in groups {
        match g.first().unit {
            Unit::Scenario { .. } => scenarios.push(read_scenario_group(g)?),
            Unit::Sweep { .. } => sweeps.push(g),
        }
    }
    // The comparison: when every scenario of the shards' command is here.
    let command = scenarios.first().and_then(|r| match &r.group.first().unit {
        Unit::Scenario {
            command_scenarios,
            comparison,
            ..
        } => Some((command_scenarios.clone(), comparison.clone())),
        Unit::Sweep { .. } => None,
    });
    let mut comparison = None;
    if let Some((names, name)) = command.filter(|(names, _)| names.len() > 1) {
        let mut present: Vec<&str> = scenarios.iter().map(|r| r.group.name.as_str()).collect();
        present.sort_unstable();
        let mut wanted: Vec<&str> = names.iter().map(String::as_str).collect();
        wanted.sort_unstable();
        if present == wanted {
            scenarios.sort_by_key(|r| names.iter().position(|n| *n == r.group.name));
            comparison = config.name.clone().or(name);
        } else if !config.common.quiet {
            eprintln!(
                "note: the shards' command ran {}; merging {} of them, so no comparison is written",
                names.join(", "),
                present.join(", ")
            );
        }
    }
    let mut dirs: Vec<PathBuf> = scenarios
        .iter()
        .map(|r| config.common.out.join(&r.group.name))
        .chain(sweeps.iter().map(|g| config.common.out.join(&g.name)))
        .collect();
    if let Some(name) = &comparison {
        dirs.push(config.common.out.join(name));
    }
    for dir in &dirs {
        // `merge shards --out shards` would write beside the shards.
        if let Some(shard) = shard_dirs.iter().find(|s| {
            // Compared as canonical paths: `./shards` is `shards`.
            let parent = s.parent().and_then(|p| p.canonicalize().ok());
            parent.is_some() && parent == dir.canonicalize().ok()
        }) {
            return Err(InputError::Usage(format!(
                "{} would receive the merged results but holds the shard {} being merged: give --out another folder than the shards' (e.g. --out output)",
                dir.display(),
                shard.display()
            ))
            .into());
        }
    }
    let mut claims = Vec::new();
    for dir in &dirs {
        let kind = if comparison
            .as_ref()
            .is_some_and(|c| config.common.out.join(c) == *dir)
        {
            Kind::Comparison
        } else if sweeps
            .iter()
            .any(|g| config.common.out.join(&g.name) == *dir)
        {
            Kind::Sweep
        } else {
            Kind::Scenario
        };
        claims.push(Folder::claim(dir, kind, config.common.force)?);
    }
    let mut claims = claims.into_iter();

    let mut results = Vec::new();
    let mut folders = Vec::new();
    for ready in scenarios {
        let mut folder = claims.next().expect("one claim a folder");
        results.push(write_scenario_group(ready, &mut folder, config)?);
        folders.push(folder.dir().to_path_buf());
    }
    for g in sweeps {
        let mut folder = claims.next().expect("one claim a folder");
        write_sweep_group(&g, &mut folder, config)?;
        folders.push(folder.dir().to_path_buf());
    }
    let comparison = match claims.next() {
        Some(mut folder) => {
            crate::output::comparison::write_comparison(
                &mut folder,
                &results,
                &config.common.figures,
            )?;
            Some(folder.dir().to_path_buf())
        }
        None => None,
    };
    if !config.common.quiet {
        for f in &folders {
            println!("merged: {}", f.display());
        }
        if let Some(c) = &comparison {
            println!(
                "comparison: {}",
                c.join(output::comparison::FILE_NAME).display()
            );
        }
    }
    Ok(MergeReport {
        folders,
        comparison,
    })
}

/// Reads a scenario group's scenario and aggregates, checking each.
fn read_scenario_group(group: Group) -> Result<ReadyScenario, InputError> {
    let first = &group.shards[0];
    let Unit::Scenario {
        runs,
        labs,
        steps,
        ref scenario_fnv,
        ..
    } = first.manifest.unit
    else {
        unreachable!("grouped as a scenario")
    };
    let path = first.dir.join(crate::output::files::SCENARIO_TOML);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| InputError::Usage(format!("cannot read {}: {e}", path.display())))?;
    let scenario =
        Scenario::from_str_named(&text, &path.display().to_string(), &first.manifest.name)
            .map_err(|e| InputError::Scenarios(vec![e]))?;
    if output::checkpoint::scenario_fnv(&scenario) != *scenario_fnv
        || scenario.meta.runs != runs
        || scenario.lab_count() != labs
        || scenario.meta.steps != steps
    {
        return Err(InputError::Usage(format!(
            "{} is not the scenario its {MANIFEST} describes (edited after the run?)",
            path.display()
        )));
    }
    let mut aggregate = Aggregate::new(labs, steps);
    let mut expected = 0;
    for f in &group.shards {
        let Unit::Scenario {
            first_run, end_run, ..
        } = f.manifest.unit
        else {
            unreachable!("grouped as a scenario")
        };
        if first_run != expected {
            return Err(not_contiguous(&f.dir, "run", first_run, expected));
        }
        expected = end_run;
        let path = f.dir.join(AGGREGATE);
        let bytes = std::fs::read(&path)
            .map_err(|e| InputError::Usage(format!("cannot read {}: {e}", path.display())))?;
        let part = Aggregate::from_bytes(&bytes, labs, steps)
            .map_err(|e| InputError::Usage(format!("{}: {e}", path.display())))?;
        if part.runs != end_run - first_run {
            return Err(InputError::Usage(format!(
                "{} holds {} runs, but its shard is runs {first_run}..{end_run}",
                path.display(),
                part.runs
            )));
        }
        aggregate.merge(&part);
    }
    if expected != runs {
        return Err(InputError::Usage(format!(
            "the shards of `{}` end at run {expected} of {runs}",
            group.name
        )));
    }
    Ok(ReadyScenario {
        group,
        scenario,
        aggregate,
    })
}

/// Concatenates one CSV file of every shard, the header once.
fn concatenate(
    shards: &[&Path],
    file: &str,
    header: &str,
    target: &Path,
) -> anyhow::Result<AtomicFile> {
    let mut out = AtomicFile::create(target)?;
    out.write_all(header.as_bytes())?;
    for dir in shards {
        let path = dir.join(file);
        let mut reader = BufReader::new(
            std::fs::File::open(&path)
                .with_context(|| format!("cannot read {}", path.display()))?,
        );
        let mut first = String::new();
        reader.read_line(&mut first)?;
        if first != header {
            return Err(InputError::Usage(format!(
                "{} does not start with the header airace writes",
                path.display()
            ))
            .into());
        }
        std::io::copy(&mut reader, &mut out)
            .with_context(|| format!("cannot copy {} to {}", path.display(), target.display()))?;
    }
    Ok(out)
}

fn write_scenario_group(
    ready: ReadyScenario,
    folder: &mut Folder,
    config: &MergeConfig,
) -> anyhow::Result<ScenarioResult> {
    let dir = folder.dir().to_path_buf();
    let first = ready.group.first().clone();
    let Unit::Scenario { run_rows, .. } = first.unit else {
        unreachable!("grouped as a scenario")
    };
    let shard_dirs: Vec<&Path> = ready.group.shards.iter().map(|f| f.dir.as_path()).collect();
    let streamed = if run_rows {
        vec![
            concatenate(&shard_dirs, RUNS_FILE, RUNS_HEADER, &dir.join(RUNS_FILE))?,
            concatenate(
                &shard_dirs,
                LABS_FILE,
                &LabColumns::of(&ready.scenario).header(),
                &dir.join(LABS_FILE),
            )?,
        ]
    } else {
        Vec::new()
    };
    let info = merged_info(&first, config);
    let result = ScenarioResult::new(ready.scenario, ready.aggregate, info);
    output::write_scenario(folder, &result, streamed, &config.common.figures)
        .map_err(output::WriteError::into_anyhow)
        .with_context(|| format!("cannot write results to {}", dir.display()))?;
    Ok(result)
}

/// The error for a shard (in `dir`) that does not start where the one
/// before it ended: `starts` and `ends` are numbered as the user sees the
/// `unit`s (runs from 0, points from 1).
fn not_contiguous(
    dir: &Path,
    unit: &str,
    starts: impl std::fmt::Display,
    ends: impl std::fmt::Display,
) -> InputError {
    InputError::Usage(format!(
        "shard {} starts at {unit} {starts}, but the shard before it ends at {unit} {ends}",
        dir.display()
    ))
}

fn write_sweep_group(
    group: &Group,
    folder: &mut Folder,
    config: &MergeConfig,
) -> anyhow::Result<()> {
    let dir_buf = folder.dir().to_path_buf();
    let dir = dir_buf.as_path();
    let mut expected = 0;
    let mut header: Option<String> = None;
    let mut csv = Vec::new();
    for f in &group.shards {
        let Unit::Sweep {
            first_point,
            end_point,
            points,
            ..
        } = f.manifest.unit
        else {
            unreachable!("grouped as a sweep")
        };
        if first_point != expected {
            // Points are numbered from 1 in sweep.csv.
            return Err(not_contiguous(&f.dir, "point", first_point + 1, expected).into());
        }
        expected = end_point;
        let path = f.dir.join(crate::output::sweep_folder::SWEEP_FILE);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let (head, rows) = text.split_once('\n').unwrap_or((&text, ""));
        match &header {
            None => {
                csv.extend_from_slice(head.as_bytes());
                csv.push(b'\n');
                header = Some(head.to_string());
            }
            Some(h) if h != head => {
                return Err(InputError::Usage(format!(
                    "{} has another header than the shards before it",
                    path.display()
                ))
                .into());
            }
            Some(_) => {}
        }
        if rows.lines().count() != end_point - first_point {
            return Err(InputError::Usage(format!(
                "{} should hold {} points' rows (points {}..{} of {points})",
                path.display(),
                end_point - first_point,
                first_point + 1,
                end_point
            ))
            .into());
        }
        csv.extend_from_slice(rows.as_bytes());
    }
    // Kept points: copied, never moved, from the shards.
    for f in &group.shards {
        let points = f.dir.join("points");
        if points.is_dir() {
            copy_tree(&points, &dir.join("points"))?;
        }
    }
    let first = group.first();
    let path = group.shards[0].dir.join(crate::sweep::REPRODUCE_FILE);
    let reproduce = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let info = merged_info(first, config);
    crate::output::sweep_folder::write_sweep(
        folder,
        &String::from_utf8_lossy(&csv),
        &reproduce,
        first.seed,
        &info,
        &config.common.figures,
    )
}

/// Copies a folder's files (atomically each) into `to`.
fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    let mut entries: Vec<_> = std::fs::read_dir(from)
        .with_context(|| format!("cannot read {}", from.display()))?
        .filter_map(|e| e.ok())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let (src, dst) = (e.path(), to.join(&name));
        if src.is_dir() {
            copy_tree(&src, &dst)?;
        } else {
            let mut out = AtomicFile::create(&dst)?;
            let mut input = std::fs::File::open(&src)
                .with_context(|| format!("cannot read {}", src.display()))?;
            std::io::copy(&mut input, &mut out)
                .with_context(|| format!("cannot copy {}", src.display()))?;
            out.commit()
                .with_context(|| format!("cannot write {}", dst.display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_every_block_once_in_order() {
        for runs in [1024u64, 1025, 10_000, 100_000] {
            let blocks = runs.div_ceil(BLOCK_RUNS);
            for n in 1..=blocks.min(13) {
                let mut next = 0;
                for k in 1..=n {
                    let r = ShardSpec { k, n }.run_range(runs, "s").unwrap();
                    assert_eq!(r.start, next);
                    assert_eq!(r.start % BLOCK_RUNS, 0);
                    assert!(r.end > r.start, "shard {k}/{n} of {runs} is empty");
                    next = r.end;
                }
                assert_eq!(next, runs);
            }
        }
        assert!(ShardSpec { k: 1, n: 11 }.run_range(10_000, "s").is_err());
    }

    #[test]
    fn shard_specs_parse_and_name_their_folders() {
        let s: ShardSpec = "3/10".parse().unwrap();
        assert_eq!(s, ShardSpec { k: 3, n: 10 });
        assert_eq!(s.folder_name(), "shard-03-of-10");
        for bad in ["0/3", "4/3", "3", "a/b", "1/0", "-1/3"] {
            assert!(bad.parse::<ShardSpec>().is_err(), "{bad}");
        }
    }
}
