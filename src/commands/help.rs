//! `airace help [COMMAND]...`: the help of the program or of a command,
//! as its `--help` prints it. An ordinary command (clap's own `help`
//! subcommand refuses `airace help --help`).

use crate::context::InputError;

/// `airace help`'s options.
#[derive(clap::Args)]
pub struct Args {
    /// The command (and subcommand, as in `classic dsair`) to explain.
    pub command: Vec<String>,
}

impl Args {
    /// Prints the help of the command `self.command` names in `cli`, the
    /// whole command line's definition.
    pub fn execute(self, mut cli: clap::Command) -> anyhow::Result<()> {
        cli.build();
        let mut target = &mut cli;
        for name in &self.command {
            let known: Vec<String> = target
                .get_subcommands()
                .map(|c| c.get_name().to_string())
                .collect();
            target = target.find_subcommand_mut(name).ok_or_else(|| {
                InputError::Usage(format!(
                    "no command `{}`: allowed {}",
                    crate::scenario::error::shown(name),
                    known.join(", ")
                ))
            })?;
        }
        target.print_help()?;
        Ok(())
    }
}
