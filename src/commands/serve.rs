//! `airace serve [SCENARIO]`: the options of the local web app that explores
//! a scenario in the browser; the app itself is `crate::serve`'s.

use super::args::ThreadsArg;
use std::path::PathBuf;

/// Examples ending `airace serve --help`.
pub const EXAMPLES: &str = "\
Examples:
  airace serve                              the explorer on the shipped rsp-2026 scenario
  airace serve scenarios/lone-pause.toml --open
  airace serve my.toml --port 8080          a fixed port instead of a free one";

/// `airace serve`'s options.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The scenario (or game file: its scenario) to start from [default: the
    /// shipped rsp-2026]. The server reads only this file, once, and writes none.
    pub scenario: Option<PathBuf>,
    /// Port to listen on [default: a free one, printed].
    #[arg(long)]
    pub port: Option<u16>,
    /// Address to listen on. Anything but loopback lets other machines use it (with a warning).
    #[arg(long, default_value = "127.0.0.1")]
    pub host: std::net::IpAddr,
    /// Open the page in the default browser.
    #[arg(long)]
    pub open: bool,
    #[command(flatten)]
    pub threads: ThreadsArg,
}

impl Args {
    /// Serves the explorer until stopped.
    pub fn execute(self) -> anyhow::Result<()> {
        crate::serve::run(&self.config())
    }

    fn config(self) -> crate::serve::ServeConfig {
        crate::serve::ServeConfig {
            file: self.scenario,
            host: self.host,
            port: self.port.unwrap_or(0),
            open: self.open,
            threads: self.threads.get(),
        }
    }
}
