//! `manifest.json` (how the results were made) and `scenario.toml` (the
//! scenario as run, every default written out: run it again to reproduce).
//!
//! Every output folder's `manifest.json`, of any kind, is a [`Manifest`]:
//! the fields all kinds share (`airace_version` first, the invocation, the
//! files written) are added here, each kind's own fields as a part beside
//! them, and the bytes written in one place ([`Manifest::to_bytes`]).

use super::{Export, ScenarioResult};
use serde::Serialize;
use serde_json::{Map, Value};

/// A folder's `manifest.json`: `airace_version`, then fields in the order
/// they are added. The kinds differ in their own fields and in where they
/// record the invocation and outputs, so each kind adds its fields in its
/// order; the shared ones have one method each.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest(Map<String, Value>);

impl Default for Manifest {
    fn default() -> Self {
        Manifest::new()
    }
}

impl Manifest {
    /// A manifest holding only `airace_version`, this build's.
    pub fn new() -> Manifest {
        let mut fields = Map::new();
        fields.insert("airace_version".into(), env!("CARGO_PKG_VERSION").into());
        Manifest(fields)
    }

    /// Adds one field (a field already there keeps its place and takes the
    /// new value).
    pub fn field(mut self, key: &str, value: impl Serialize) -> Manifest {
        let value = serde_json::to_value(value).expect("a manifest field serializes");
        self.0.insert(key.to_string(), value);
        self
    }

    /// Adds every field of `part` (a struct or map), in its order: a kind's
    /// own fields.
    pub fn part(mut self, part: impl Serialize) -> Manifest {
        match serde_json::to_value(part).expect("a manifest part serializes") {
            Value::Object(fields) => self.0.extend(fields),
            other => panic!("a manifest part is a struct or map, not {other}"),
        }
        self
    }

    /// `threads` and `command_line`: how airace was invoked, the only
    /// fields that differ between runs of the same thing on other thread
    /// counts.
    pub fn invocation(self, threads: usize, command_line: &[String]) -> Manifest {
        self.field("threads", threads)
            .field("command_line", command_line)
    }

    /// `merged_shards`, when the results were merged from shards.
    pub fn merged_shards(self, shards: Option<u64>) -> Manifest {
        match shards {
            Some(n) => self.field("merged_shards", n),
            None => self,
        }
    }

    /// `outputs`: the other files written with it.
    pub fn outputs(self, outputs: &[String]) -> Manifest {
        self.field("outputs", outputs)
    }

    /// Adds names to `outputs` (the figures and page, once drawn).
    pub fn add_outputs(&mut self, names: impl IntoIterator<Item = String>) {
        if let Some(Value::Array(outputs)) = self.0.get_mut("outputs") {
            outputs.extend(names.into_iter().map(Value::String));
        }
    }

    /// The subject's name it records (`"name"`), which titles use.
    pub fn name(&self) -> Option<&str> {
        self.0.get("name").and_then(Value::as_str)
    }

    /// The bytes of `manifest.json`: pretty JSON and a final newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(&self.0).expect("a manifest serializes");
        bytes.push(b'\n');
        bytes
    }

    /// The name a written manifest records (`"name"`), if it does.
    pub fn read_name(bytes: Option<&[u8]>) -> Option<String> {
        let value: Value = serde_json::from_slice(bytes?).ok()?;
        value.get("name")?.as_str().map(str::to_string)
    }
}

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

pub struct ManifestJson {
    /// Names of the other files written with it.
    pub outputs: Vec<String>,
}

impl Export for ManifestJson {
    fn file_name(&self) -> &'static str {
        super::files::MANIFEST
    }

    fn render(&self, r: &ScenarioResult) -> Vec<u8> {
        Manifest::new()
            .field("source", &r.info.source)
            .field("seed", r.scenario.meta.seed)
            .field("runs", r.scenario.meta.runs)
            .field("steps", r.scenario.meta.steps)
            .invocation(r.info.threads, &r.info.command_line)
            .merged_shards(r.info.merged_shards)
            .outputs(&self.outputs)
            .field("reproduce", "airace run scenario.toml")
            .field("scenario", &r.scenario)
            .to_bytes()
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
/// the folder's `sweep.csv` (`point,design,KEY...,runs,...`, a row per
/// point), so a merge of a sweep's shards writes the same bytes as the
/// sweep did but for `threads`, `command_line` and `merged_shards`, which
/// record the invocation as for runs.
pub fn sweep_manifest(
    name: &str,
    csv: &str,
    seed: u64,
    info: &RunInfo,
    outputs: &[String],
) -> Manifest {
    let mut lines = csv.lines();
    let header = lines.next().unwrap_or_default();
    let rows: Vec<&str> = lines.collect();
    let design = rows
        .first()
        .and_then(|r| r.split(',').nth(1))
        .unwrap_or_default();
    let parameters: Vec<&str> = header
        .split(',')
        .skip(2)
        .take_while(|c| *c != "runs")
        .collect();
    Manifest::new()
        .field("name", name)
        .field("source", &info.source)
        .field("seed", seed)
        .field("design", design)
        .field("points", rows.len())
        .field("parameters", parameters)
        .invocation(info.threads, &info.command_line)
        .merged_shards(info.merged_shards)
        .outputs(outputs)
        .field(
            "reproduce",
            format!(
                "airace sweep {} --seed {seed}",
                crate::sweep::REPRODUCE_FILE
            ),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_keeps_its_fields_in_the_order_added_after_the_version() {
        let outputs = vec!["a.csv".to_string()];
        let mut m = Manifest::new()
            .field("name", "x")
            .part(serde_json::json!({ "seed": 7, "design": "grid" }))
            .invocation(2, &["airace".to_string()])
            .merged_shards(None)
            .outputs(&outputs)
            .field("reproduce", "airace run");
        m.add_outputs(["index.html".to_string()]);
        let expected = serde_json::json!({
            "airace_version": env!("CARGO_PKG_VERSION"),
            "name": "x",
            "seed": 7,
            "design": "grid",
            "threads": 2,
            "command_line": ["airace"],
            "outputs": ["a.csv", "index.html"],
            "reproduce": "airace run",
        });
        let mut bytes = serde_json::to_vec_pretty(&expected).unwrap();
        bytes.push(b'\n');
        assert_eq!(String::from_utf8(m.to_bytes()), String::from_utf8(bytes));
        assert_eq!(m.name(), Some("x"));
        assert_eq!(Manifest::read_name(Some(&m.to_bytes())), Some("x".into()));
        let merged = Manifest::new().merged_shards(Some(3)).to_bytes();
        assert!(String::from_utf8_lossy(&merged).contains("\"merged_shards\": 3"));
    }

    #[test]
    fn a_sweep_manifest_reads_its_design_and_parameters_from_sweep_csv() {
        let info = RunInfo {
            airace_version: env!("CARGO_PKG_VERSION"),
            source: "b.toml".into(),
            threads: 1,
            command_line: vec![],
            merged_shards: None,
        };
        let csv = "point,design,world.spillover,labs.A.safety_share,runs,p\n1,grid,0,0.1,5,0.2\n2,grid,0.1,0.1,5,0.3\n";
        let m = sweep_manifest("s", csv, 9, &info, &[]);
        let v: serde_json::Value = serde_json::from_slice(&m.to_bytes()).unwrap();
        assert_eq!(v["design"], "grid");
        assert_eq!(v["points"], 2);
        assert_eq!(
            v["parameters"],
            serde_json::json!(["world.spillover", "labs.A.safety_share"])
        );
        assert_eq!(v["reproduce"], "airace sweep sweep.toml --seed 9");
    }
}
