//! The `airace` command line: parses arguments into the library's plain
//! configuration, calls one function, prints the error chain once.

use airace::commands::classic::{DsairConfig, PrecipiceConfig};
use airace::commands::new::Template;
use airace::commands::{self, run::RunConfig, run::Source};
use airace::context;
use airace::game::classic::{dsair, precipice};
use airace::shard::ShardSpec;
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
  airace new > my.toml                      start a scenario from the annotated template
  airace plot output/rsp-2026 --width 3.5 --height 2.6
                                            redraw figures from the CSV files at column width
  airace run my.toml --shard 3/10 --out shards   one shard of ten (see `airace merge --help`)
  airace run my.toml --resume               continue a run that was interrupted";

/// Seeded Monte Carlo simulator of competitive AI development under safety policies.
#[derive(Parser)]
// clap's own `help` subcommand refuses `airace help --help`; ours is an
// ordinary command, so its `--help` works as every other's.
#[command(
    name = "airace",
    version,
    about,
    after_help = EXAMPLES,
    disable_help_subcommand = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run scenarios and write their results (no scenario: the default comparison).
    #[command(after_help = EXAMPLES)]
    Run(RunArgs),
    /// Check scenario and game files and report every problem, without running them.
    Validate {
        /// Scenario or game files (TOML).
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
    },
    /// Print an annotated template scenario with every key and its default.
    New {
        /// Print an annotated exploration file instead (for `airace explore`).
        #[arg(long, conflicts_with = "game")]
        explore: bool,
        /// Print a game file instead: the scenario keys, the [game] keys and two strategies.
        #[arg(long)]
        game: bool,
    },
    /// Sweep scenario keys over values (a grid) or ranges (a Latin hypercube).
    #[command(after_help = SWEEP_EXAMPLES)]
    Sweep(SweepArgs),
    /// Redraw the figures and report page of output folders from their CSV files.
    Plot {
        /// Output folders: a scenario's, a comparison's, a sweep's, a game's or a classic model's.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        #[command(flatten)]
        figure: FigureArgs,
    },
    /// Join shards (from run or sweep --shard K/N) into the outputs of one whole run.
    #[command(after_help = MERGE_EXAMPLES)]
    Merge(MergeArgs),
    /// Simulate every profile of a game of policies; find its equilibria.
    #[command(after_help = GAME_EXAMPLES)]
    Game(GameArgs),
    /// Run every policy on many sampled worlds: robustness, regret, Sobol'/Morris sensitivity, PRIM.
    #[command(after_help = EXPLORE_EXAMPLES)]
    Explore(ExploreArgs),
    /// Reproduce a published model of AI races.
    #[command(after_help = GAME_EXAMPLES)]
    Classic {
        #[command(subcommand)]
        model: ClassicModel,
    },
    /// Print this message or the help of the given command.
    Help {
        /// The command (and subcommand, as in `classic dsair`) to explain.
        command: Vec<String>,
    },
    /// Explore a scenario in the browser: a local web app (127.0.0.1, a free port).
    #[command(after_help = SERVE_EXAMPLES)]
    Serve(ServeArgs),
}

const SERVE_EXAMPLES: &str = "\
Examples:
  airace serve                              the explorer on the shipped rsp-2026 scenario
  airace serve scenarios/lone-pause.toml --open
  airace serve my.toml --port 8080          a fixed port instead of a free one";

#[derive(clap::Args)]
struct ServeArgs {
    /// The scenario (or game file: its scenario) to start from [default: the
    /// shipped rsp-2026]. The server reads only this file, once, and writes none.
    scenario: Option<PathBuf>,
    /// Port to listen on [default: a free one, printed].
    #[arg(long)]
    port: Option<u16>,
    /// Address to listen on. Anything but loopback lets other machines use it (with a warning).
    #[arg(long, default_value = "127.0.0.1")]
    host: std::net::IpAddr,
    /// Open the page in the default browser.
    #[arg(long)]
    open: bool,
    #[command(flatten)]
    threads: ThreadsArg,
}

const GAME_EXAMPLES: &str = "\
Examples:
  airace game scenarios/games/pause-or-race.toml
                        payoffs, equilibria and dynamics -> output/pause-or-race/
  airace game scenarios/games/pause-or-race.toml --runs 2000 --seed 7
  airace classic dsair  Han et al. 2020 over the (s, p_r) plane -> output/dsair/
  airace classic dsair --steps 1000 --runs 500
  airace classic precipice
                        Armstrong, Bostrom & Shulman 2016 -> output/precipice/
  airace classic precipice --teams 2 --enmity 1 --mu 0.5,1,2";

#[derive(clap::Args)]
struct GameArgs {
    /// The game file: a scenario plus a [game] table of strategies.
    file: PathBuf,
    #[command(flatten)]
    runs: RunsArg,
    #[command(flatten)]
    seed: SeedArg,
    /// Add runs, in seeded rounds, to the profiles of deviations whose
    /// verdict is undecided, until each is decided or --max-runs is reached
    /// [default: true].
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    adaptive: Option<bool>,
    /// Turn --adaptive off: every profile gets --runs runs.
    #[arg(long, conflicts_with = "adaptive")]
    no_adaptive: bool,
    /// With --adaptive, the most runs any profile gets [default: 16 x --runs].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=16_000_000_000))]
    max_runs: Option<u64>,
    #[command(flatten)]
    common: CommonArgs,
}

const EXPLORE_EXAMPLES: &str = "\
Examples:
  airace new --explore > my-explore.toml    start from an annotated exploration file
  airace explore my-explore.toml            -> output/<name>-explore/
  airace explore scenarios/explore/headline-claims.toml --runs 200 --seed 7
  airace explore big.toml --shard 3/20 --out shards   one shard of twenty; `airace merge shards`
  airace explore big.toml --resume                    continue an interrupted exploration";

#[derive(clap::Args)]
struct ExploreArgs {
    /// The exploration file: a scenario with an [explore] table (or only the table).
    file: PathBuf,
    #[command(flatten)]
    runs: RunsArg,
    #[command(flatten)]
    seed: SeedArg,
    /// Run only shard K of N (a contiguous range of experiments) into
    /// OUT/NAME-explore/shard-K-of-N/; `airace merge` joins the shards.
    #[arg(long, value_name = "K/N")]
    shard: Option<ShardSpec>,
    /// Continue an interrupted exploration from its checkpoint (the outputs
    /// equal those of an uninterrupted run, byte for byte).
    #[arg(long)]
    resume: bool,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Subcommand)]
enum ClassicModel {
    /// DSAIR (Han, Pereira, Santos & Lenaerts, JAIR 2020): SAFE vs UNSAFE over the (s, p_r) plane.
    Dsair(DsairArgs),
    /// Racing to the precipice (Armstrong, Bostrom & Shulman 2016): equilibrium safety by information regime.
    Precipice(PrecipiceArgs),
}

/// Options shared by the classic models.
#[derive(clap::Args)]
struct ClassicArgs {
    #[command(flatten)]
    seed: SeedArg,
    #[command(flatten)]
    name: NameArg,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(clap::Args)]
struct DsairArgs {
    #[command(flatten)]
    common: ClassicArgs,
    #[command(flatten)]
    runs: RunsArg,
    /// b: benefit per round, shared in proportion to speed.
    #[arg(long, default_value_t = 4.0)]
    benefit: f64,
    /// c: cost per round of safety precautions.
    #[arg(long, default_value_t = 1.0)]
    cost: f64,
    /// B: the prize for finishing first.
    #[arg(long, default_value_t = 1e4)]
    prize: f64,
    /// W: development steps to finish.
    #[arg(long, default_value_t = 100.0)]
    steps: f64,
    /// Z: population size.
    #[arg(long, default_value_t = 100)]
    population: usize,
    /// beta: intensity of selection.
    #[arg(long, default_value_t = 0.01)]
    selection: f64,
    /// Smallest UNSAFE speed s.
    #[arg(long, default_value_t = 1.0)]
    speed_min: f64,
    /// Largest UNSAFE speed s.
    #[arg(long, default_value_t = 5.0)]
    speed_max: f64,
    /// Step of s.
    #[arg(long, default_value_t = 0.1)]
    speed_step: f64,
    /// Step of p_r (from 0 to 1).
    #[arg(long, default_value_t = 0.02)]
    risk_step: f64,
    /// Who gets the prize B when SAFE and UNSAFE finish together (s = 1):
    /// `unsafe`, as the paper's payoff matrix gives it, or `split` between them.
    #[arg(long, value_enum, default_value_t = TieArg::Unsafe)]
    tie: TieArg,
}

/// `--tie` of `classic dsair`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum TieArg {
    Unsafe,
    Split,
}

#[derive(clap::Args)]
struct PrecipiceArgs {
    #[command(flatten)]
    common: ClassicArgs,
    /// Numbers of teams n.
    #[arg(long, value_delimiter = ',', default_values_t = [2usize, 3, 5])]
    teams: Vec<usize>,
    /// Enmities e (0 to 1).
    #[arg(long, value_delimiter = ',', default_values_t = [0.5, 1.0])]
    enmity: Vec<f64>,
    /// Capability ranges mu [default: 0.25, 0.5, ..., 3].
    #[arg(long, value_delimiter = ',')]
    mu: Vec<f64>,
    /// Capability draws for best responses.
    #[arg(long, default_value_t = 20_000)]
    draws: usize,
    /// Fresh draws for the probability of disaster.
    #[arg(long, default_value_t = 200_000)]
    evaluation_draws: usize,
    /// Safety levels 0, 1/GRID, ..., 1 a best response chooses from.
    #[arg(long, default_value_t = 200)]
    grid: usize,
    /// Bins of own capability (private information; 4x as many gap bins when all know all).
    #[arg(long, default_value_t = 40)]
    bins: usize,
    /// Which equilibrium where there are several (all informed, enmity < 1): the most safe
    /// (the leader takes min(1, D/e) of its lead D) or the least safe (min(1, D)).
    #[arg(long, value_enum, default_value_t = EquilibriumArg::MostSafe)]
    equilibrium: EquilibriumArg,
}

/// `--equilibrium` of `classic precipice`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum EquilibriumArg {
    MostSafe,
    LeastSafe,
}

#[derive(clap::Args)]
struct RunArgs {
    /// Scenario files (TOML); several run with one seed and get a comparison.csv.
    scenarios: Vec<PathBuf>,
    #[command(flatten)]
    runs: RunsArg,
    #[command(flatten)]
    seed: SeedArg,
    #[command(flatten)]
    name: NameArg,
    /// Do not write runs.csv and labs.csv (one row per run), for very large studies.
    #[arg(long)]
    no_run_rows: bool,
    /// Also write trace.csv: every step of the first N runs, lab by lab (capability,
    /// safety, resources, safety effort, paused, delayed, hazard), to follow a result race by race.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    trace: Option<u64>,
    /// Run only shard K of N (a contiguous range of runs) into OUT/SCENARIO/shard-K-of-N/;
    /// `airace merge` joins the shards into the outputs of one whole run.
    #[arg(long, value_name = "K/N")]
    shard: Option<ShardSpec>,
    /// Continue an interrupted run of this same command from its checkpoint
    /// (the outputs equal those of an uninterrupted run, byte for byte).
    #[arg(long)]
    resume: bool,
    /// Seconds between checkpoints of a long run [default: 60]; one is also
    /// taken when a signal stops it.
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    checkpoint_every: Option<u64>,
    #[command(flatten)]
    common: CommonArgs,
}

const MERGE_EXAMPLES: &str = "\
Examples:
  airace run scenarios/rsp-2026.toml --runs 1000000 --shard 3/10 --out shards
                        one of ten shards -> shards/rsp-2026/shard-03-of-10/
  airace merge shards --out output
                        every shard under shards/ -> output/rsp-2026/, as one whole run writes it
  airace sweep scenarios/race.toml --set world.spillover=0,0.05,0.1 --shard 1/3 --out shards
  airace merge shards/race-sweep --out output
  airace explore q.toml --shard 2/4 --out shards && airace merge shards/q-explore --out output";

#[derive(clap::Args)]
struct MergeArgs {
    /// Shard folders, or folders holding them (searched two levels down).
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    #[command(flatten)]
    out: OutArg,
    #[command(flatten)]
    name: NameArg,
    #[command(flatten)]
    output: OutputArgs,
}

const SWEEP_EXAMPLES: &str = "\
Examples:
  airace sweep scenarios/rsp-2026.toml --set world.observation.capability_noise=0,0.5,1,1.5
  airace sweep scenarios/rsp-2026.toml --set labs.Frontier.policy.1.risk=0.0005,0.001,0.002,0.004 \\
      --set world.hazard.gap_slope=0.2,0.4,0.6 --runs 2000
  airace sweep scenarios/race.toml --samples 50 --set labs.Upstart.safety_share=0..0.3 \\
      --set world.spillover=0..0.1
Keys are paths into the scenario: world.KEY, world.hazard.KEY, labs.NAME.KEY,
labs.NAME.policy.INDEX.KEY (rules numbered from 0), scenario.steps, payoff.KEY.
A [sweep] table in the scenario file can list them too:
  [sweep]
  samples = 50            # only with ranges
  [[sweep.parameter]]
  key = \"world.spillover\"
  values = [0.0, 0.05, 0.1]   # or range = [0.0, 0.1]";

#[derive(clap::Args)]
struct SweepArgs {
    /// The base scenario file (TOML).
    scenario: PathBuf,
    /// KEY=V1,V2,... (grid values) or KEY=LOW..HIGH (a range, with --samples); repeatable.
    #[arg(long = "set", value_name = "KEY=VALUES")]
    sets: Vec<String>,
    /// Draw a seeded Latin hypercube of N points over the ranges.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    samples: Option<u64>,
    #[command(flatten)]
    runs: RunsArg,
    #[command(flatten)]
    seed: SeedArg,
    #[command(flatten)]
    name: NameArg,
    /// Also write every point's full outputs under points/NNNN/.
    #[arg(long)]
    keep_points: bool,
    /// Run only shard K of N (a contiguous range of points) into OUT/NAME/shard-K-of-N/.
    #[arg(long, value_name = "K/N")]
    shard: Option<ShardSpec>,
    #[command(flatten)]
    common: CommonArgs,
}

/// What every command that simulates and writes a folder takes (`run`,
/// `sweep`, `game`, `explore`, `classic`): its threads, where its folder
/// goes, and how it writes it.
#[derive(clap::Args)]
struct CommonArgs {
    #[command(flatten)]
    threads: ThreadsArg,
    #[command(flatten)]
    out: OutArg,
    #[command(flatten)]
    output: OutputArgs,
}

impl CommonArgs {
    /// The library's plain copy of these options, with the command line
    /// for the manifests.
    fn options(self) -> commands::CommonOptions {
        self.output.options(self.out.out, self.threads.get())
    }
}

/// `--threads`: `run`, `sweep`, `game`, `explore`, `classic` and `serve`.
#[derive(clap::Args)]
struct ThreadsArg {
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    threads: Option<u64>,
}

impl ThreadsArg {
    fn get(&self) -> Option<usize> {
        self.threads.map(|t| t as usize)
    }
}

/// `--out`: every command that writes folders.
#[derive(clap::Args)]
struct OutArg {
    /// Folder under which the command's output folder(s) go.
    #[arg(long, default_value = "output")]
    out: PathBuf,
}

/// `--name`: the commands whose folder name is not fixed by their input
/// (`run` of several scenarios, `sweep`, `merge`, `classic`).
#[derive(clap::Args)]
struct NameArg {
    /// Output folder name [default: `run`: comparison (several scenarios);
    /// `sweep`: SCENARIO-sweep; `merge`: the name the shards' command used;
    /// `classic`: the model's name].
    #[arg(long)]
    name: Option<String>,
}

/// `--seed`: every command that simulates (`run`, `sweep`, `game`,
/// `explore`, `classic`).
#[derive(clap::Args)]
struct SeedArg {
    /// Master seed [default: the file's; `classic`: 1]. Overrides the file.
    // At most what a TOML file can hold, so the scenario.toml written
    // with the results can be run again.
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    seed: Option<u64>,
}

/// `--runs`: every command whose file (or model) sets how many runs
/// (`run`, `sweep`, `game`, `explore`, `classic dsair`).
#[derive(clap::Args)]
struct RunsArg {
    /// Runs of each scenario, sweep point, game profile, exploration
    /// experiment or DSAIR pairing and cell [default: the file's; `classic
    /// dsair`: 1000]. Overrides the file.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    runs: Option<u64>,
}

/// What every command that writes a folder takes: whether it may write
/// beside other files, how much it prints, and its figures.
#[derive(clap::Args)]
struct OutputArgs {
    /// Write into output folders that hold files airace did not write
    /// (airace never deletes files it did not create).
    #[arg(long)]
    force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
    /// Do not draw figures.
    #[arg(long)]
    no_plots: bool,
    #[command(flatten)]
    figure: FigureArgs,
}

impl OutputArgs {
    /// The library's plain copy of the shared options, with the command
    /// line for the manifests.
    fn options(self, out: PathBuf, threads: Option<usize>) -> commands::CommonOptions {
        commands::CommonOptions {
            threads,
            quiet: self.quiet,
            force: self.force,
            figures: self.figures(),
            command_line: command_line(),
            out,
        }
    }

    /// What to draw: the figure size, or nothing with `--no-plots`.
    fn figures(&self) -> airace::output::FigureOptions {
        self.figure.options(self.no_plots)
    }
}

/// Figure size in physical units.
#[derive(clap::Args)]
struct FigureArgs {
    /// Figure width in inches.
    #[arg(long, default_value_t = 6.5, value_parser = inches)]
    width: f64,
    /// Figure height in inches [default: 4; a figure of several rows of
    /// panels narrower than 5 in is then made taller, 1.1 in + 1.25 in a row].
    #[arg(long, value_parser = inches)]
    height: Option<f64>,
    /// PNG resolution in pixels per inch (SVG is resolution-free).
    #[arg(long, default_value_t = 200.0, value_parser = dpi)]
    dpi: f64,
    /// The figure files to write, a comma-separated list of svg, png and
    /// pdf (vector, fonts embedded).
    #[arg(long, default_value = "svg,png", value_parser = airace::plot::Formats::parse)]
    format: airace::plot::Formats,
    /// How SVG figures carry their text: `embedded` (text, with the subset
    /// of DejaVu Sans it uses embedded) or `paths` (text drawn as outlines,
    /// for tools that ignore embedded fonts).
    #[arg(long, default_value = "embedded", value_parser = svg_text)]
    svg_text: airace::plot::SvgText,
    /// Draw figures without their titles (for a caption that carries them).
    #[arg(long)]
    no_title: bool,
}

impl FigureArgs {
    /// What to draw: this size, or nothing with `--no-plots`.
    fn options(&self, no_plots: bool) -> airace::output::FigureOptions {
        airace::output::FigureOptions {
            size: (!no_plots).then(|| self.size()),
        }
    }

    fn size(&self) -> airace::plot::Size {
        airace::plot::Size {
            width: self.width,
            height: self.height.unwrap_or(4.0),
            dpi: self.dpi,
            formats: self.format,
            svg_text: self.svg_text,
            titles: !self.no_title,
            height_set: self.height.is_some(),
        }
    }
}

impl Command {
    /// The figure options of a command that draws figures, if it does.
    fn figures(&self) -> Option<&FigureArgs> {
        fn drawn(o: &OutputArgs) -> Option<&FigureArgs> {
            (!o.no_plots).then_some(&o.figure)
        }
        match self {
            Command::Run(a) => drawn(&a.common.output),
            Command::Sweep(a) => drawn(&a.common.output),
            Command::Merge(a) => drawn(&a.output),
            Command::Game(a) => drawn(&a.common.output),
            Command::Plot { figure, .. } => Some(figure),
            Command::Classic { model } => match model {
                ClassicModel::Dsair(a) => drawn(&a.common.common.output),
                ClassicModel::Precipice(a) => drawn(&a.common.common.output),
            },
            Command::Explore(a) => drawn(&a.common.output),
            Command::Validate { .. }
            | Command::New { .. }
            | Command::Help { .. }
            | Command::Serve(_) => None,
        }
    }
}

/// The most pixels of a PNG figure: 100 megapixels, 300 MB of bitmap while
/// it is drawn (a paper's full page at 1200 dpi is under 100).
const MAX_PIXELS: f64 = 1e8;

impl FigureArgs {
    /// Refuses a size whose PNG would be too large to draw: every value may
    /// be within its range and their product not.
    fn check(&self) -> Result<(), context::InputError> {
        let (w, h) = airace::plot::render::pixels(&self.size(), self.dpi);
        let pixels = f64::from(w) * f64::from(h);
        if pixels <= MAX_PIXELS {
            return Ok(());
        }
        Err(context::InputError::Usage(format!(
            "--width {} x --height {} inches at --dpi {} is a PNG of {w} x {h} pixels ({:.0} megapixels); \
             airace draws at most {:.0}: lower --dpi or the size (the SVG figures do not depend on --dpi)",
            self.width,
            self.size().height,
            self.dpi,
            pixels / 1e6,
            MAX_PIXELS / 1e6
        )))
    }
}

fn bounded(text: &str, low: f64, high: f64, unit: &str) -> Result<f64, String> {
    let x: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))?;
    if x.is_finite() && (low..=high).contains(&x) {
        Ok(x)
    } else {
        Err(format!(
            "{text} is out of range: allowed {low} to {high} {unit}"
        ))
    }
}

fn inches(text: &str) -> Result<f64, String> {
    bounded(text, 1.0, 40.0, "inches")
}

fn dpi(text: &str) -> Result<f64, String> {
    bounded(text, 30.0, 1200.0, "pixels per inch")
}

fn svg_text(text: &str) -> Result<airace::plot::SvgText, String> {
    airace::plot::SvgText::parse(text).ok_or_else(|| {
        format!(
            "`{text}`: allowed {}",
            airace::plot::SvgText::NAMES.join(", ")
        )
    })
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
    context::install_interrupt_handler()?;
    // No command is `airace run`, with every default as clap gives it.
    let command = match cli.command {
        Some(command) => command,
        None => Cli::parse_from(["airace", "run"])
            .command
            .expect("`run` parses to a command"),
    };
    if let Some(figures) = command.figures() {
        figures.check()?;
    }
    match command {
        Command::Run(args) => {
            commands::run::run(&args.config())?;
        }
        Command::Validate { scenarios } => validate(&scenarios)?,
        Command::Sweep(args) => {
            commands::sweep::sweep(&args.config())?;
        }
        Command::Merge(args) => {
            commands::merge::merge(&args.config())?;
        }
        Command::New { explore, game } => print!(
            "{}",
            commands::new::template(match (explore, game) {
                (true, _) => Template::Exploration,
                (_, true) => Template::Game,
                _ => Template::Scenario,
            })
        ),
        Command::Explore(args) => {
            commands::explore::run_explore(&args.config())?;
        }
        Command::Plot { dirs, figure } => {
            for dir in commands::plot::plot(&dirs, &figure.size())? {
                println!("figures: {}", dir.display());
            }
        }
        Command::Game(args) => {
            commands::game::run_game(&args.config())?;
        }
        Command::Classic {
            model: ClassicModel::Dsair(args),
        } => {
            commands::classic::run_dsair(&args.config())?;
        }
        Command::Classic {
            model: ClassicModel::Precipice(args),
        } => {
            commands::classic::run_precipice(&args.config())?;
        }
        Command::Help { command } => print_help(&command)?,
        Command::Serve(args) => airace::serve::run(&args.config())?,
    }
    Ok(())
}

/// `airace validate`: the verdicts on stdout, warnings on stderr.
fn validate(files: &[PathBuf]) -> anyhow::Result<()> {
    let (sound, problems) = commands::validate::validate_files(files);
    for line in sound {
        for part in line.lines() {
            if part.starts_with("warning: ") {
                eprintln!("{part}");
            } else {
                println!("{part}");
            }
        }
    }
    Ok(problems?)
}

/// The command line as typed, for the manifests.
fn command_line() -> Vec<String> {
    std::env::args().collect()
}

impl RunArgs {
    fn config(self) -> RunConfig {
        RunConfig {
            sources: self.scenarios.into_iter().map(Source::File).collect(),
            runs: self.runs.runs,
            seed: self.seed.seed,
            comparison: self.name.name,
            run_rows: !self.no_run_rows,
            trace: self.trace.unwrap_or(0),
            shard: self.shard,
            resume: self.resume,
            checkpoint_every: self.checkpoint_every.map_or(
                commands::runner::CHECKPOINT_EVERY,
                std::time::Duration::from_secs,
            ),
            common: self.common.options(),
        }
    }
}

impl SweepArgs {
    fn config(self) -> commands::sweep::SweepConfig {
        commands::sweep::SweepConfig {
            scenario: self.scenario,
            sets: self.sets,
            samples: self.samples.map(|n| n as usize),
            runs: self.runs.runs,
            seed: self.seed.seed,
            name: self.name.name,
            keep_points: self.keep_points,
            shard: self.shard,
            common: self.common.options(),
        }
    }
}

impl MergeArgs {
    fn config(self) -> commands::merge::MergeConfig {
        commands::merge::MergeConfig {
            inputs: self.dirs,
            name: self.name.name,
            common: self.output.options(self.out.out, None),
        }
    }
}

impl ExploreArgs {
    fn config(self) -> commands::explore::ExploreConfig {
        commands::explore::ExploreConfig {
            file: self.file,
            runs: self.runs.runs,
            seed: self.seed.seed,
            resume: self.resume,
            shard: self.shard,
            common: self.common.options(),
        }
    }
}

impl GameArgs {
    fn config(self) -> commands::game::GameConfig {
        commands::game::GameConfig {
            file: self.file,
            runs: self.runs.runs,
            seed: self.seed.seed,
            adaptive: !self.no_adaptive && self.adaptive.unwrap_or(true),
            max_runs: self.max_runs,
            common: self.common.options(),
        }
    }
}

impl ServeArgs {
    fn config(self) -> airace::serve::ServeConfig {
        airace::serve::ServeConfig {
            file: self.scenario,
            host: self.host,
            port: self.port.unwrap_or(0),
            open: self.open,
            threads: self.threads.get(),
        }
    }
}

impl DsairArgs {
    fn config(self) -> DsairConfig {
        let defaults = DsairConfig::default();
        let c = self.common;
        DsairConfig {
            runs: self.runs.runs.unwrap_or(defaults.runs),
            seed: c.seed.seed.unwrap_or(defaults.seed),
            name: c.name.name.unwrap_or(defaults.name),
            game: dsair::Dsair {
                benefit: self.benefit,
                safety_cost: self.cost,
                prize: self.prize,
                steps: self.steps,
                tie: match self.tie {
                    TieArg::Unsafe => dsair::Tie::Unsafe,
                    TieArg::Split => dsair::Tie::Split,
                },
                ..defaults.game
            },
            population: self.population,
            selection: self.selection,
            speed_min: self.speed_min,
            speed_max: self.speed_max,
            speed_step: self.speed_step,
            risk_step: self.risk_step,
            common: c.common.options(),
        }
    }
}

impl PrecipiceArgs {
    fn config(self) -> PrecipiceConfig {
        let defaults = PrecipiceConfig::default();
        let c = self.common;
        PrecipiceConfig {
            teams: self.teams,
            enmity: self.enmity,
            mu: if self.mu.is_empty() {
                defaults.mu
            } else {
                self.mu
            },
            solver: precipice::Solver {
                draws: self.draws,
                evaluation_draws: self.evaluation_draws,
                grid: self.grid,
                bins: self.bins,
                seed: c.seed.seed.unwrap_or(defaults.solver.seed),
                selection: match self.equilibrium {
                    EquilibriumArg::MostSafe => precipice::Selection::MostSafe,
                    EquilibriumArg::LeastSafe => precipice::Selection::LeastSafe,
                },
                ..defaults.solver
            },
            name: c.name.name.unwrap_or(defaults.name),
            common: c.common.options(),
        }
    }
}

/// `airace help [COMMAND...]`: the help of the program or of a command.
fn print_help(path: &[String]) -> anyhow::Result<()> {
    use clap::CommandFactory;
    let mut cli = Cli::command();
    cli.build();
    let mut target = &mut cli;
    for name in path {
        let known: Vec<String> = target
            .get_subcommands()
            .map(|c| c.get_name().to_string())
            .collect();
        target = target.find_subcommand_mut(name).ok_or_else(|| {
            context::InputError::Usage(format!(
                "no command `{}`: allowed {}",
                airace::scenario::error::shown(name),
                known.join(", ")
            ))
        })?;
    }
    target.print_help()?;
    Ok(())
}
