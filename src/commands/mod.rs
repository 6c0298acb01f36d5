//! The commands of the `airace` binary, one file each, as short pipelines
//! over plain configuration: options -> validated plan -> library calls ->
//! outputs. The command line (clap) lives only in `main.rs`; what every
//! command shares (interrupts, input errors, folder claims, threads,
//! progress) is in [`crate::context`], and the folders they write are
//! `crate::output`'s.
//!
//! Adding a command touches: a new file here with its `...Config` (holding
//! the shared [`CommonOptions`]) and its function, a `pub mod` line below,
//! and in `main.rs` its enum variant, its argument struct (flattening the
//! shared `CommonArgs`, `NameArg`, `SeedArg`, `RunsArg` it takes), its
//! `config()` (`CommonArgs::options()` fills the shared part) and its match
//! arm. A new kind of output folder adds a module in `output/` and a
//! `folder::Kind`.

pub mod classic;
pub mod explore;
pub mod game;
pub mod merge;
pub mod new;
pub mod plot;
pub mod run;
pub mod runner;
pub mod sweep;
pub mod validate;

use crate::context::{Abandoned, InputError, Interrupted};

pub use crate::context::CommonOptions;

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
