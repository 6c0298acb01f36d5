//! The commands of the `airace` binary, one file each, as short pipelines
//! over plain configuration: options -> validated plan -> library calls ->
//! outputs. The command line (clap) lives only in `main.rs`; what every
//! command shares (interrupts, input errors, folder claims, threads,
//! progress) is in [`crate::context`].
//!
//! `classic` and `explore` still keep their pipelines beside their models
//! (`game::classic`, `explore::command`) and `merge` beside the shard
//! format (`shard`).

pub mod game;
pub mod plot;
pub mod run;
pub mod runner;
pub mod sweep;
pub mod validate;
