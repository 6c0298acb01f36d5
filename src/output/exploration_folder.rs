//! The file names of an exploration's folder (`airace explore`) and of an
//! exploration shard's (`airace explore --shard`), named once: the
//! analyses that fill them are `explore::folder`'s and `explore::tables`',
//! the shard format `explore::shard`'s.

/// Every experiment's outcomes.
pub const EXPERIMENTS: &str = "experiments.csv";
pub const ROBUSTNESS: &str = "robustness.csv";
pub const PAIRWISE: &str = "pairwise.csv";
pub const SENSITIVITY: &str = "sensitivity.csv";
pub const DISCOVERY: &str = "discovery.csv";
pub const CONVERGENCE: &str = "convergence.csv";
pub const MANIFEST: &str = super::files::MANIFEST;

/// Every file an exploration's folder may hold.
pub const FILES: &[&str] = &[
    EXPERIMENTS,
    ROBUSTNESS,
    PAIRWISE,
    SENSITIVITY,
    DISCOVERY,
    CONVERGENCE,
    MANIFEST,
];

/// A shard's finished experiments.
pub const SHARD_EXPERIMENTS: &str = "experiments.done";
/// A shard's manifest, written last.
pub const SHARD_MANIFEST: &str = "explore-shard.json";
/// Every file a shard folder holds.
pub const SHARD_FILES: &[&str] = &[SHARD_EXPERIMENTS, SHARD_MANIFEST];
