//! The `airace` command line: parses arguments into the library's plain
//! configuration, calls one function, prints the error chain once.

use airace::app::{self, RunConfig, Source};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

const EXAMPLES: &str = "\
Examples:
  airace                                    run the default comparison of policy regimes
  airace run scenarios/rsp-2026.toml        run one scenario into output/rsp-2026/
  airace run scenarios/race.toml scenarios/pause-2023.toml --name race-vs-pause
                                            compare two scenarios with common random numbers
  airace run my.toml --runs 100000 --seed 7 --threads 2 --out results
  airace validate my.toml                   check a scenario without running it
  airace new > my.toml                      start a scenario from the annotated template";

/// Seeded Monte Carlo simulator of competitive AI development under safety policies.
#[derive(Parser)]
#[command(name = "airace", version, about, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run scenarios and write their results (no scenario: the default comparison).
    #[command(after_help = EXAMPLES)]
    Run(RunArgs),
    /// Check scenario files and report every problem, without running them.
    Validate {
        /// Scenario files (TOML).
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
    },
    /// Print an annotated template scenario with every key and its default.
    New,
}

#[derive(clap::Args, Default)]
struct RunArgs {
    /// Scenario files (TOML); several run with one seed and get a comparison.csv.
    scenarios: Vec<PathBuf>,
    /// Number of runs per scenario (overrides the files).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    runs: Option<u64>,
    /// Master seed (overrides the files).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    threads: Option<u64>,
    /// Folder under which each scenario gets a folder of its own.
    #[arg(long, default_value = "output")]
    out: PathBuf,
    /// Folder name for comparison.csv when several scenarios run [default: comparison].
    #[arg(long)]
    name: Option<String>,
    /// Do not write runs.csv and labs.csv (one row per run), for very large studies.
    #[arg(long)]
    no_run_rows: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            if app::is_input_error(&error) {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or_else(|| {
        Command::Run(RunArgs {
            out: PathBuf::from("output"),
            ..RunArgs::default()
        })
    }) {
        Command::Run(args) => {
            let config = RunConfig {
                sources: args.scenarios.into_iter().map(Source::File).collect(),
                runs: args.runs,
                seed: args.seed,
                threads: args.threads.map(|t| t as usize),
                out: args.out,
                comparison: args.name,
                quiet: args.quiet,
                run_rows: !args.no_run_rows,
                command_line: std::env::args().collect(),
            };
            app::run(&config)?;
        }
        Command::Validate { scenarios } => {
            for s in app::validate(&scenarios)? {
                println!(
                    "ok: {} ({} labs, {} runs of {} steps, seed {})",
                    s.meta.name,
                    s.labs.len(),
                    s.meta.runs,
                    s.meta.steps,
                    s.meta.seed
                );
            }
        }
        Command::New => print!("{}", airace::scenario::keys::template()),
    }
    Ok(())
}
