//! The `airace` command line: the commands, each parsed into its own
//! `Args` (in `airace::commands`, one file per command), one match that
//! calls it, and the exit code of its error chain, printed once.

use airace::commands;
use clap::{CommandFactory, Parser, Subcommand};
use std::process::ExitCode;

/// Seeded Monte Carlo simulator of competitive AI development under safety policies.
#[derive(Parser)]
// clap's own `help` subcommand refuses `airace help --help`; ours is an
// ordinary command, so its `--help` works as every other's.
#[command(
    name = "airace",
    version,
    about,
    after_help = commands::run::EXAMPLES,
    disable_help_subcommand = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

/// Every command: its one-line help (the doc comment) and its options,
/// with their examples (`commands::NAME::Args`).
#[derive(Subcommand)]
enum Command {
    /// Run scenarios and write their results (no scenario: the default comparison).
    Run(commands::run::Args),
    /// Check scenario and game files and report every problem, without running them.
    Validate(commands::validate::Args),
    /// Print an annotated template scenario with every key and its default.
    New(commands::new::Args),
    /// Sweep scenario keys over values (a grid) or ranges (a Latin hypercube).
    Sweep(commands::sweep::Args),
    /// Redraw the figures and report page of output folders from their CSV files.
    Plot(commands::plot::Args),
    /// Join shards (from run or sweep --shard K/N) into the outputs of one whole run.
    Merge(commands::merge::Args),
    /// Simulate every profile of a game of policies; find its equilibria.
    Game(commands::game::Args),
    /// Run every policy on many sampled worlds: robustness, regret, Sobol'/Morris sensitivity, PRIM.
    Explore(commands::explore::Args),
    /// Reproduce a published model of AI races.
    Classic(commands::classic::Args),
    /// Print this message or the help of the given command.
    Help(commands::help::Args),
    /// Explore a scenario in the browser: a local web app (127.0.0.1, a free port).
    Serve(commands::serve::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            if commands::is_input_error(&error) {
                ExitCode::from(2)
            } else if commands::is_interrupted(&error) {
                ExitCode::from(130)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    airace::context::install_interrupt_handler()?;
    // No command is `airace run`, with every default as clap gives it.
    let command = match cli.command {
        Some(command) => command,
        None => Cli::parse_from(["airace", "run"])
            .command
            .expect("`run` parses to a command"),
    };
    match command {
        Command::Run(args) => args.execute(),
        Command::Validate(args) => args.execute(),
        Command::New(args) => args.execute(),
        Command::Sweep(args) => args.execute(),
        Command::Plot(args) => args.execute(),
        Command::Merge(args) => args.execute(),
        Command::Game(args) => args.execute(),
        Command::Explore(args) => args.execute(),
        Command::Classic(args) => args.execute(),
        Command::Help(args) => args.execute(Cli::command()),
        Command::Serve(args) => args.execute(),
    }
}
