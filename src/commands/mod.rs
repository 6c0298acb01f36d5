//! The commands of the `airace` binary, one file each, as short pipelines:
//! options (the command's clap `Args`) -> plain configuration -> validated
//! plan -> library calls -> outputs. The options several commands share
//! are flattened groups in [`args`]; what every command shares at run time
//! (interrupts, input errors, folder claims, threads, progress) is in
//! [`crate::context`], and the folders they write are `crate::output`'s.
//!
//! Adding a command touches: a new file here (its `Args` with
//! `#[derive(clap::Args)]`, flattening the groups of [`args`] it takes,
//! its examples as `after_help`, and `Args::execute`), its `pub mod` line
//! below, and in `main.rs` one `Command` variant (the doc comment is its
//! help line) and its match arm. A new
//! kind of output folder adds a module in `output/` and a `folder::Kind`.

pub mod args;
pub mod classic;
pub mod explore;
pub mod game;
pub mod help;
pub mod merge;
pub mod new;
pub mod plot;
pub mod run;
pub mod runner;
pub mod serve;
pub mod sweep;
pub mod validate;

use crate::context::{Abandoned, InputError, Interrupted};

pub use crate::context::CommonOptions;
pub use crate::explore::file::Overrides;

/// Whether a signal stopped the command (exit code 130).
pub fn is_interrupted(error: &anyhow::Error) -> bool {
    error.downcast_ref::<Interrupted>().is_some()
        || error.downcast_ref::<Abandoned>().is_some()
        || error.downcast_ref::<explore::Interrupted>().is_some()
        || error
            .downcast_ref::<crate::interrupt::StoppedWriting>()
            .is_some()
}

/// Whether an error is the user's input to fix (exit code 2).
pub fn is_input_error(error: &anyhow::Error) -> bool {
    error.downcast_ref::<InputError>().is_some()
        || error
            .downcast_ref::<crate::scenario::ScenarioError>()
            .is_some()
        || error
            .downcast_ref::<crate::output::folder::Refused>()
            .is_some()
}
