//! Signals: SIGINT and SIGTERM ask airace to stop. The first raises
//! [`INTERRUPTED`], which the engine checks between waves of blocks and the
//! output layer checks before it renames anything into place; a second one
//! exits at once. Kept apart from the commands so that every layer (engine,
//! output, games) can ask [`interrupted`] without importing them.

use anyhow::Context as _;
use std::sync::atomic::{AtomicBool, Ordering};

/// Raised by SIGINT or SIGTERM (see [`install_interrupt_handler`]).
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Makes Ctrl-C and SIGTERM stop a command cleanly: the first signal raises
/// [`INTERRUPTED`]; a second one exits at once with code 130.
pub fn install_interrupt_handler() -> anyhow::Result<()> {
    ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            eprintln!("\ninterrupted again: exiting at once");
            std::process::exit(130);
        }
    })
    .context("cannot install the Ctrl-C handler")
}

/// Whether a signal has asked the command to stop (see [`INTERRUPTED`]).
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Writing stopped by a signal before anything was renamed into place: the
/// folder holds what it held before (its temporary files were removed).
#[derive(Debug, thiserror::Error)]
#[error(
    "interrupted while writing {}: nothing of it was written (its temporary files were removed)",
    folder.display()
)]
pub struct StoppedWriting {
    pub folder: std::path::PathBuf,
}
