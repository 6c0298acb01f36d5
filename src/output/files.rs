//! The file names of airace's output folders, named once. Which of them
//! a folder of each kind writes is [`folder`](super::folder)'s `kind_names`;
//! the folder kinds' own tables (`comparison.csv`, `sweep.csv`, the game's
//! and the classic models' files) are named beside their writers.

/// Every folder's record of the run that wrote it, written last.
pub const MANIFEST: &str = "manifest.json";
/// A scenario's (or game's, or classic model's) headline numbers.
pub const SUMMARY_JSON: &str = "summary.json";
/// A scenario's headline numbers, one row per metric.
pub const SUMMARY_CSV: &str = "summary.csv";
/// A scenario's time series, a row per step.
pub const TIMESERIES: &str = "timeseries.csv";
/// The scenario as run, every default written out.
pub const SCENARIO_TOML: &str = "scenario.toml";
/// The subfolder of the figures (SVG and PNG).
pub const FIGURES_DIR: &str = "figures";
/// A shard's (and a checkpoint's) aggregate, in its byte codec.
pub const AGGREGATE: &str = "aggregate.bin";
/// A shard's manifest.
pub const SHARD_MANIFEST: &str = "shard.json";
