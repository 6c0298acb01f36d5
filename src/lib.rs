//! airace: a seeded Monte Carlo simulator of competitive AI development.
//!
//! Labs race to build more capable AI, each under a safety policy (racing,
//! the 2023 unilateral pause, the 2026 "match competitors" and "delay if
//! leading"). A [`scenario::Scenario`] describes the race; the [`engine`]
//! runs thousands of seeded races in parallel; [`output`] writes tables a
//! researcher can trust. The `airace` binary is a thin layer over [`commands`].

pub mod builtin;
pub mod commands;
pub mod context;
pub mod engine;
pub mod explore;
pub mod file_names;
pub mod game;
pub mod interrupt;
pub mod model;
pub mod output;
pub mod plot;
pub mod policy;
pub mod resources;
pub mod scenario;
pub mod serve;
pub mod shard;
pub mod stats;
pub mod sweep;
#[cfg(test)]
mod testing;

pub use scenario::Scenario;
