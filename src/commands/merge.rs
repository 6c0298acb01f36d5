//! `airace merge DIR...`: join the shards of a run, a sweep or an
//! exploration (each run with `--shard K/N`) into the folders one whole run
//! writes, byte for byte. Which kind of shard the folders hold decides the
//! library call: exploration shards (`explore::shard`), or scenario and
//! sweep shards (`shard`).

use super::args::{NameArg, OutArg, OutputArgs};
use crate::context::InputError;
use std::path::PathBuf;

pub use crate::shard::MergeConfig;

/// Examples ending `airace merge --help`.
pub const EXAMPLES: &str = "\
Examples:
  airace run scenarios/rsp-2026.toml --runs 1000000 --shard 3/10 --out shards
                        one of ten shards -> shards/rsp-2026/shard-03-of-10/
  airace merge shards --out output
                        every shard under shards/ -> output/rsp-2026/, as one whole run writes it
  airace sweep scenarios/race.toml --set world.spillover=0,0.05,0.1 --shard 1/3 --out shards
  airace merge shards/race-sweep --out output
  airace explore q.toml --shard 2/4 --out shards && airace merge shards/q-explore --out output";

/// `airace merge`'s options.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Shard folders, or folders holding them (searched two levels down).
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    #[command(flatten)]
    pub out: OutArg,
    #[command(flatten)]
    pub name: NameArg,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl Args {
    /// Merges the shards into the folders of one whole run.
    pub fn execute(self) -> anyhow::Result<()> {
        merge(&self.config()?)?;
        Ok(())
    }

    fn config(self) -> Result<MergeConfig, InputError> {
        Ok(MergeConfig {
            inputs: self.dirs,
            name: self.name.name,
            common: self.output.options(self.out.out, None)?,
        })
    }
}

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
