//! Spreading one exploration over processes or machines:
//! `airace explore FILE --shard K/N` runs the K-th of N contiguous ranges of
//! its experiments (world × policy, in the order of `experiments.csv`) into
//! `<out>/<name>-explore/shard-K-of-N/`, which holds the finished
//! experiments' outcomes exactly ([`super::done`]) and
//! `explore-shard.json`, written last. `airace merge` on the shards checks
//! that they are every shard of one exploration, loads the exploration file
//! again (from the path the shards record; it must be unchanged: every
//! experiment's scenario is checked against the shards' fingerprint) and
//! writes the exploration's folder: the same bytes as one machine running
//! every experiment (the manifest records the merge's command line).

use super::done::Done;
use super::file::{Exploration, Overrides};
use crate::context::{self, InputError};
use crate::output::folder::{self, Folder, Kind, Written};
use crate::output::shard_folder;
use crate::shard::ShardSpec;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

pub use crate::output::exploration_folder::{
    SHARD_EXPERIMENTS as EXPERIMENTS, SHARD_FILES as FILES, SHARD_MANIFEST as MANIFEST,
};
const FORMAT: &str = "airace-explore-shard";
const FORMAT_VERSION: u32 = 1;

/// Every experiment's scenario (world-major, the order of
/// `experiments.csv`), built in parallel on the current thread pool: what
/// `airace explore` runs and what `airace merge` checks its shards against.
pub fn experiment_scenarios(
    e: &Exploration,
) -> Result<Vec<crate::scenario::Scenario>, crate::scenario::ScenarioError> {
    let policies = e.policies.len();
    (0..e.points.len() * policies)
        .into_par_iter()
        .map(|x| e.scenario(x / policies, x % policies))
        .collect()
}

/// `explore-shard.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShardManifest {
    pub format: String,
    pub format_version: u32,
    pub airace_version: String,
    pub exploration: String,
    pub shard: u64,
    pub shards: u64,
    /// The experiments of the whole exploration, and this shard's.
    pub experiments: usize,
    pub first_experiment: usize,
    pub end_experiment: usize,
    /// FNV-1a of every experiment's scenario and the outcomes
    /// ([`super::done::identity`]).
    pub identity: String,
    /// The exploration file as given, and where it was found.
    pub source: String,
    pub source_path: String,
    pub seed: u64,
    pub runs: u64,
    pub files: BTreeMap<String, Written>,
    pub command_line: Vec<String>,
}

/// The experiments of shard `spec` of `experiments`.
pub fn range(spec: ShardSpec, experiments: usize, name: &str) -> Result<Range<usize>, InputError> {
    if spec.n > experiments as u64 {
        return Err(InputError::Usage(format!(
            "--shard {spec}: exploration {name} has {experiments} experiments, so it splits into at \
             most {experiments} shard(s): use N <= {experiments}"
        )));
    }
    let (k, n, e) = (spec.k as usize, spec.n as usize, experiments);
    Ok((k - 1) * e / n..k * e / n)
}

/// Writes a shard's folder, all or nothing: its experiments, then its
/// manifest listing them with their size and CRC-32.
pub fn write(
    folder: &mut Folder,
    spec: ShardSpec,
    done: &Done,
    range: &Range<usize>,
    file: &Path,
    command_line: &[String],
    e: &Exploration,
) -> anyhow::Result<()> {
    let mut mine = Done::new(done.identity.clone(), done.experiments, done.outcomes);
    for x in range.clone() {
        mine.measured.insert(x, done.measured[&x].clone());
    }
    let dir = folder.dir().to_path_buf();
    let cannot = |e: std::io::Error| anyhow::anyhow!("cannot write to {}: {e}", dir.display());
    let staged = vec![
        folder
            .stage(EXPERIMENTS, &mine.to_bytes())
            .map_err(cannot)?,
    ];
    let source_path = std::fs::canonicalize(file)
        .unwrap_or_else(|_| file.to_path_buf())
        .display()
        .to_string();
    let manifest = ShardManifest {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        airace_version: env!("CARGO_PKG_VERSION").into(),
        exploration: e.name.clone(),
        shard: spec.k,
        shards: spec.n,
        experiments: done.experiments,
        first_experiment: range.start,
        end_experiment: range.end,
        identity: done.identity.clone(),
        source: file.display().to_string(),
        source_path,
        seed: e.seed,
        runs: e.runs,
        files: shard_folder::listed(&staged),
        command_line: command_line.to_vec(),
    };
    shard_folder::commit(folder, staged, MANIFEST, &manifest).map_err(folder::into_anyhow)
}

/// Every folder in or under `inputs` (two levels down) holding an
/// exploration shard's manifest.
pub fn find(inputs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for input in inputs {
        shard_folder::find(input, MANIFEST, 2, &mut out);
    }
    out.sort();
    out.dedup();
    out
}

/// One exploration shard read back and checked.
struct Found {
    dir: PathBuf,
    manifest: ShardManifest,
    done: Done,
}

fn read(dir: &Path) -> Result<Found, InputError> {
    let bad = |m: String| InputError::Usage(m);
    let manifest: ShardManifest = shard_folder::read_manifest(
        dir,
        MANIFEST,
        "an exploration shard manifest",
        (FORMAT, FORMAT_VERSION),
    )
    .map_err(bad)?;
    let file = dir.join(EXPERIMENTS);
    if !manifest.files.contains_key(EXPERIMENTS) {
        return Err(bad(format!(
            "shard {} is damaged: its manifest does not list {EXPERIMENTS}",
            dir.display()
        )));
    }
    shard_folder::check_files(dir, &manifest.files).map_err(bad)?;
    let bytes =
        std::fs::read(&file).map_err(|e| bad(format!("cannot read {}: {e}", file.display())))?;
    let done = Done::parse(&bytes)
        .map_err(|problem| bad(format!("{} is damaged: {problem}", file.display())))?;
    let m = &manifest;
    let whole = m.first_experiment <= m.end_experiment && m.end_experiment <= m.experiments;
    let holds = done.identity == m.identity
        && done.experiments == m.experiments
        && done.measured.len() == m.end_experiment.saturating_sub(m.first_experiment)
        && done
            .measured
            .keys()
            .all(|x| (m.first_experiment..m.end_experiment).contains(x));
    if !whole || !holds {
        return Err(bad(format!(
            "shard {} is damaged: its experiments are not those its manifest names",
            dir.display()
        )));
    }
    Ok(Found {
        dir: dir.to_path_buf(),
        manifest,
        done,
    })
}

/// What `airace merge` needs to merge exploration shards.
#[derive(Debug, Clone)]
pub struct MergeConfig {
    pub shards: Vec<PathBuf>,
    pub common: context::CommonOptions,
}

/// `airace merge` of exploration shards: checks every shard first (nothing
/// is written if any is wrong or missing), then writes each exploration's
/// folder. Returns the folders written.
pub fn merge(config: &MergeConfig) -> anyhow::Result<Vec<PathBuf>> {
    let found: Vec<Found> = config
        .shards
        .iter()
        .map(|d| read(d))
        .collect::<Result<_, _>>()?;
    let mut groups: BTreeMap<(String, String), Vec<Found>> = BTreeMap::new();
    for f in found {
        let key = (f.manifest.exploration.clone(), f.manifest.identity.clone());
        groups.entry(key).or_default().push(f);
    }
    let names: Vec<&String> = groups.keys().map(|k| &k.0).collect();
    if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(InputError::Usage(format!(
            "the shards of exploration {} are of different runs of it (its file, seed or runs differ): \
             merge the shards of one run",
            w[0]
        ))
        .into());
    }
    // Every group whole before anything is written.
    for ((name, _), shards) in &mut groups {
        shards.sort_by_key(|f| f.manifest.shard);
        let n = shards[0].manifest.shards;
        let have: Vec<u64> = shards.iter().map(|f| f.manifest.shard).collect();
        let mismatched = shards.iter().find(|f| f.manifest.shards != n);
        if let Some(f) = mismatched {
            return Err(InputError::Usage(format!(
                "exploration {name}: shard {} is one of {} shards, but {} is one of {n}",
                f.dir.display(),
                f.manifest.shards,
                shards[0].dir.display()
            ))
            .into());
        }
        let expected: Vec<u64> = (1..=n).collect();
        if have != expected {
            let missing: Vec<String> = expected
                .iter()
                .filter(|k| !have.contains(k))
                .map(|k| format!("{k}/{n}"))
                .collect();
            let twice: Vec<String> = have
                .windows(2)
                .filter(|w| w[0] == w[1])
                .map(|w| format!("{}/{n}", w[0]))
                .collect();
            return Err(InputError::Usage(format!(
                "exploration {name} is not whole:{}{}",
                if missing.is_empty() {
                    String::new()
                } else {
                    format!(" shard(s) {} missing", missing.join(", "))
                },
                if twice.is_empty() {
                    String::new()
                } else {
                    format!(" shard(s) {} given twice", twice.join(", "))
                }
            ))
            .into());
        }
    }
    let pool = context::thread_pool(config.common.threads)?;
    // Every exploration loaded and checked against its shards.
    let mut ready = Vec::new();
    for ((name, identity), shards) in groups {
        let m = shards[0].manifest.clone();
        let path = PathBuf::from(&m.source_path);
        let e = Exploration::load(
            &path,
            Overrides {
                runs: Some(m.runs),
                seed: Some(m.seed),
            },
        )
        .map_err(|err| {
            InputError::Usage(format!(
                "exploration {name}: its shards were run from {}, which cannot be read as it was: {err}",
                path.display()
            ))
        })?;
        let scenarios = pool.install(|| experiment_scenarios(&e))?;
        let experiments = scenarios.len();
        let outcomes: Vec<String> = e.outcomes.iter().map(|o| o.name.clone()).collect();
        if super::done::identity(&scenarios, &outcomes) != identity {
            return Err(InputError::Usage(format!(
                "exploration {name}: {} (or a scenario it names) changed since its shards were run: \
                 its experiments are no longer the shards'",
                path.display()
            ))
            .into());
        }
        let mut all = Done::new(identity, experiments, outcomes.len());
        for f in shards {
            all.measured.extend(f.done.measured);
        }
        if all.measured.len() != experiments {
            return Err(InputError::Usage(format!(
                "exploration {name}: its shards hold {} of its {experiments} experiments",
                all.measured.len()
            ))
            .into());
        }
        let source = m.source.clone();
        ready.push((e, all, source));
    }
    let mut written = Vec::new();
    for (e, all, source) in ready {
        let dir = config.common.out.join(format!("{}-explore", e.name));
        let mut created = context::Created::default();
        let mut folder = created.claim(&dir, Kind::Exploration, config.common.force)?;
        let results = super::folder::results_of(&all, e.points.len(), e.policies.len());
        let source = PathBuf::from(source);
        let provenance = super::folder::Provenance {
            source: &source,
            command_line: &config.common.command_line,
            figures: config.common.figures,
        };
        super::folder::write_exploration(&e, &results, &mut folder, &provenance, &pool)?;
        if !config.common.quiet {
            println!(
                "merged exploration {}: {} experiments\n{}",
                e.name,
                all.measured.len(),
                dir.display()
            );
        }
        written.push(dir);
    }
    Ok(written)
}
