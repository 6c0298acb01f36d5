//! `airace merge DIR...`: join the shards of a run, a sweep or an
//! exploration (each run with `--shard K/N`) into the folders one whole run
//! writes, byte for byte. Which kind of shard the folders hold decides the
//! library call: exploration shards (`explore::shard`), or scenario and
//! sweep shards (`shard`).

use std::path::PathBuf;

pub use crate::shard::MergeConfig;

/// Merges the shards under `config.inputs`; returns the folders written.
pub fn merge(config: &MergeConfig) -> anyhow::Result<Vec<PathBuf>> {
    let explorations = crate::explore::shard::find(&config.inputs);
    if !explorations.is_empty() {
        return crate::explore::shard::merge(&crate::explore::shard::MergeConfig {
            shards: explorations,
            common: config.common.clone(),
        });
    }
    let report = crate::shard::merge(config)?;
    Ok(report
        .folders
        .into_iter()
        .chain(report.comparison)
        .collect())
}
