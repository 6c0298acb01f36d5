//! `manifest.json` (how the results were made) and `scenario.toml` (the
//! scenario as run, every default written out: run it again to reproduce).

use super::{Export, ScenarioResult};
use serde::Serialize;

/// How a run was made. Everything here but `threads`, `command_line` and
/// `merged_shards` follows from the scenario and seed; those record the
/// invocation and are the only bytes of any output that depend on the
/// thread count or on sharding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunInfo {
    pub airace_version: &'static str,
    /// Where the scenario came from: a path, or `built-in:NAME`.
    pub source: String,
    pub threads: usize,
    pub command_line: Vec<String>,
    /// The number of shards merged into these results, if they were.
    pub merged_shards: Option<u64>,
}

#[derive(Serialize)]
struct Manifest<'a> {
    airace_version: &'a str,
    source: &'a str,
    seed: u64,
    runs: u64,
    steps: u32,
    threads: usize,
    command_line: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    merged_shards: Option<u64>,
    outputs: &'a [String],
    reproduce: String,
    scenario: &'a crate::Scenario,
}

pub struct ManifestJson {
    /// Names of the other files written with it.
    pub outputs: Vec<String>,
}

impl Export for ManifestJson {
    fn file_name(&self) -> &'static str {
        super::files::MANIFEST
    }

    fn render(&self, r: &ScenarioResult) -> Vec<u8> {
        let m = Manifest {
            airace_version: r.info.airace_version,
            source: &r.info.source,
            seed: r.scenario.meta.seed,
            runs: r.scenario.meta.runs,
            steps: r.scenario.meta.steps,
            threads: r.info.threads,
            command_line: &r.info.command_line,
            merged_shards: r.info.merged_shards,
            outputs: &self.outputs,
            reproduce: "airace run scenario.toml".to_string(),
            scenario: &r.scenario,
        };
        let mut bytes = serde_json::to_vec_pretty(&m).expect("manifest serializes");
        bytes.push(b'\n');
        bytes
    }
}

pub struct ScenarioToml;

impl Export for ScenarioToml {
    fn file_name(&self) -> &'static str {
        super::files::SCENARIO_TOML
    }

    fn render(&self, r: &ScenarioResult) -> Vec<u8> {
        format!(
            "# The scenario as run by airace {}, every default written out.\n\
             # `airace run scenario.toml` reproduces these results.\n{}",
            r.info.airace_version,
            r.scenario.to_toml()
        )
        .into_bytes()
    }
}

/// How a sweep was made: `manifest.json` of a sweep's folder. Written from
/// the folder's `sweep.csv`, so a merge of a sweep's shards writes the same
/// bytes as the sweep did but for `threads`, `command_line` and
/// `merged_shards`, which record the invocation as for runs.
#[derive(Debug, Serialize)]
pub struct SweepManifest<'a> {
    pub airace_version: &'a str,
    /// The sweep's name (its folder's, as run), which titles use.
    pub name: String,
    /// Where the base scenario came from.
    pub source: &'a str,
    pub seed: u64,
    /// `grid` or `latin_hypercube`.
    pub design: &'a str,
    pub points: usize,
    /// The swept keys, as in `sweep.csv`'s header.
    pub parameters: Vec<&'a str>,
    pub threads: usize,
    pub command_line: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged_shards: Option<u64>,
    pub outputs: &'a [String],
    pub reproduce: String,
}

impl<'a> SweepManifest<'a> {
    /// The manifest of a sweep whose results are `csv` (`sweep.csv`:
    /// `point,design,KEY...,runs,...`, a row per point).
    pub fn new(
        name: &str,
        csv: &'a str,
        seed: u64,
        info: &'a RunInfo,
        outputs: &'a [String],
    ) -> Self {
        let mut lines = csv.lines();
        let header = lines.next().unwrap_or_default();
        let rows: Vec<&str> = lines.collect();
        SweepManifest {
            airace_version: info.airace_version,
            name: name.to_string(),
            source: &info.source,
            seed,
            design: rows
                .first()
                .and_then(|r| r.split(',').nth(1))
                .unwrap_or_default(),
            points: rows.len(),
            parameters: header
                .split(',')
                .skip(2)
                .take_while(|c| *c != "runs")
                .collect(),
            threads: info.threads,
            command_line: &info.command_line,
            merged_shards: info.merged_shards,
            outputs,
            reproduce: format!(
                "airace sweep {} --seed {seed}",
                crate::sweep::REPRODUCE_FILE
            ),
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("manifest serializes");
        bytes.push(b'\n');
        bytes
    }
}
