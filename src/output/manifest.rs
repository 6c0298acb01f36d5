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
        "manifest.json"
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
        "scenario.toml"
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
