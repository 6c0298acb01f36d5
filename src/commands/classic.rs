//! `airace classic dsair` and `airace classic precipice`: reproduce a
//! published model of AI races. Each is a short pipeline: options -> a
//! checked plan (`game::classic::DsairPlan`, `PrecipicePlan`) -> the study
//! on the thread pool -> the folder (`output::dsair_folder`,
//! `output::precipice_folder`) -> the console.

use super::CommonOptions;
use super::args::{CommonArgs, NameArg, RunsArg, SeedArg};
use crate::context::{
    Abandoned, Created, InputError, Progress, abandon, claim_folder, thread_pool,
};
use crate::game::classic::dsair::{self, Dsair};
use crate::game::classic::precipice::{self, Solver};
use crate::game::classic::{
    self, DsairPlan, DsairPoint, HEADLINE_REPLICATIONS, Headline, PrecipicePlan, range,
};
use crate::game::fermi::Population;
use crate::output::Manifest;
use crate::output::folder::Folder;
use crate::output::game_folder::{self, GameFolder, commit_with_figures};
use crate::output::{dsair_folder, precipice_folder};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;

/// `airace classic`'s options: the model to reproduce.
#[derive(clap::Args)]
#[command(after_help = super::game::EXAMPLES)]
pub struct Args {
    #[command(subcommand)]
    pub model: Model,
}

/// The published models `airace classic` reproduces.
#[derive(clap::Subcommand)]
pub enum Model {
    /// DSAIR (Han, Pereira, Santos & Lenaerts, JAIR 2020): SAFE vs UNSAFE over the (s, p_r) plane.
    Dsair(DsairArgs),
    /// Racing to the precipice (Armstrong, Bostrom & Shulman 2016): equilibrium safety by information regime.
    Precipice(PrecipiceArgs),
}

impl Args {
    /// Reproduces the model into its folder.
    pub fn execute(self) -> anyhow::Result<()> {
        match self.model {
            Model::Dsair(args) => {
                run_dsair(&args.config()?)?;
            }
            Model::Precipice(args) => {
                run_precipice(&args.config()?)?;
            }
        }
        Ok(())
    }
}

/// Options shared by the classic models.
#[derive(clap::Args)]
pub struct ClassicArgs {
    #[command(flatten)]
    pub seed: SeedArg,
    #[command(flatten)]
    pub name: NameArg,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(clap::Args)]
pub struct DsairArgs {
    #[command(flatten)]
    pub common: ClassicArgs,
    #[command(flatten)]
    pub runs: RunsArg,
    /// b: benefit per round, shared in proportion to speed.
    #[arg(long, default_value_t = 4.0)]
    pub benefit: f64,
    /// c: cost per round of safety precautions.
    #[arg(long, default_value_t = 1.0)]
    pub cost: f64,
    /// B: the prize for finishing first.
    #[arg(long, default_value_t = 1e4)]
    pub prize: f64,
    /// W: development steps to finish.
    #[arg(long, default_value_t = 100.0)]
    pub steps: f64,
    /// Z: population size.
    #[arg(long, default_value_t = 100)]
    pub population: usize,
    /// beta: intensity of selection.
    #[arg(long, default_value_t = 0.01)]
    pub selection: f64,
    /// Smallest UNSAFE speed s.
    #[arg(long, default_value_t = 1.0)]
    pub speed_min: f64,
    /// Largest UNSAFE speed s.
    #[arg(long, default_value_t = 5.0)]
    pub speed_max: f64,
    /// Step of s.
    #[arg(long, default_value_t = 0.1)]
    pub speed_step: f64,
    /// Step of p_r (from 0 to 1).
    #[arg(long, default_value_t = 0.02)]
    pub risk_step: f64,
    /// Who gets the prize B when SAFE and UNSAFE finish together (s = 1):
    /// `unsafe`, as the paper's payoff matrix gives it, or `split` between them.
    #[arg(long, value_enum, default_value_t = TieArg::Unsafe)]
    pub tie: TieArg,
}

/// `--tie` of `classic dsair`.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum TieArg {
    Unsafe,
    Split,
}

#[derive(clap::Args)]
pub struct PrecipiceArgs {
    #[command(flatten)]
    pub common: ClassicArgs,
    /// Numbers of teams n.
    #[arg(long, value_delimiter = ',', default_values_t = [2usize, 3, 5])]
    pub teams: Vec<usize>,
    /// Enmities e (0 to 1).
    #[arg(long, value_delimiter = ',', default_values_t = [0.5, 1.0])]
    pub enmity: Vec<f64>,
    /// Capability ranges mu [default: 0.25, 0.5, ..., 3].
    #[arg(long, value_delimiter = ',')]
    pub mu: Vec<f64>,
    /// Capability draws for best responses.
    #[arg(long, default_value_t = 20_000)]
    pub draws: usize,
    /// Fresh draws for the probability of disaster.
    #[arg(long, default_value_t = 200_000)]
    pub evaluation_draws: usize,
    /// Safety levels 0, 1/GRID, ..., 1 a best response chooses from.
    #[arg(long, default_value_t = 200)]
    pub grid: usize,
    /// Bins of own capability (private information; 4x as many gap bins when all know all).
    #[arg(long, default_value_t = 40)]
    pub bins: usize,
    /// Which equilibrium where there are several (all informed, enmity < 1): the most safe
    /// (the leader takes min(1, D/e) of its lead D) or the least safe (min(1, D)).
    #[arg(long, value_enum, default_value_t = EquilibriumArg::MostSafe)]
    pub equilibrium: EquilibriumArg,
}

/// `--equilibrium` of `classic precipice`.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum EquilibriumArg {
    MostSafe,
    LeastSafe,
}

impl DsairArgs {
    fn config(self) -> Result<DsairConfig, InputError> {
        let defaults = DsairConfig::default();
        let c = self.common;
        Ok(DsairConfig {
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
            common: c.common.options()?,
        })
    }
}

impl PrecipiceArgs {
    fn config(self) -> Result<PrecipiceConfig, InputError> {
        let defaults = PrecipiceConfig::default();
        let c = self.common;
        Ok(PrecipiceConfig {
            study: PrecipicePlan {
                teams: self.teams,
                enmity: self.enmity,
                mu: if self.mu.is_empty() {
                    defaults.study.mu
                } else {
                    self.mu
                },
                solver: precipice::Solver {
                    draws: self.draws,
                    evaluation_draws: self.evaluation_draws,
                    grid: self.grid,
                    bins: self.bins,
                    seed: c.seed.seed.unwrap_or(defaults.study.solver.seed),
                    selection: match self.equilibrium {
                        EquilibriumArg::MostSafe => precipice::Selection::MostSafe,
                        EquilibriumArg::LeastSafe => precipice::Selection::LeastSafe,
                    },
                    ..defaults.study.solver
                },
            },
            name: c.name.name.unwrap_or(defaults.name),
            common: c.common.options()?,
        })
    }
}

/// A classic model's output folder, claimed before any work, with the
/// worker threads that compute what goes in it.
struct ModelFolder {
    created: Created,
    folder: Folder,
    kind: GameFolder,
    pool: rayon::ThreadPool,
}

impl ModelFolder {
    /// Claims `dir` for a folder of `kind` and starts the threads.
    fn claim(dir: &Path, kind: GameFolder, common: &CommonOptions) -> anyhow::Result<Self> {
        let (created, folder) = claim_folder(dir, game_folder::kind(kind), common.force)?;
        let pool = thread_pool(common.threads)?;
        Ok(ModelFolder {
            created,
            folder,
            kind,
            pool,
        })
    }

    /// The error of `command` stopped by a signal after `completed` of
    /// `total` `unit`: it writes nothing and takes back the folders it made.
    fn stopped(
        &self,
        command: &str,
        completed: u64,
        total: u64,
        unit: &'static str,
    ) -> anyhow::Error {
        let stopped = Abandoned {
            command: command.into(),
            progress: Progress { completed, total },
            unit,
        };
        abandon(&self.created, stopped)
    }

    /// Writes `files`, their figures and the manifest: the model's
    /// `fields`, then the threads, the command line and the files.
    fn commit(
        mut self,
        files: Vec<(String, Vec<u8>)>,
        fields: Manifest,
        common: &CommonOptions,
    ) -> anyhow::Result<()> {
        let outputs: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
        let manifest = fields
            .invocation(self.pool.current_num_threads(), &common.command_line)
            .outputs(&outputs);
        commit_with_figures(
            &mut self.folder,
            self.kind,
            files,
            manifest,
            &common.figures,
        )
    }
}

/// Games the console lists when the headline game was not asked for.
const CONSOLE_ROWS: usize = 12;

/// Everything `airace classic dsair` needs.
#[derive(Debug, Clone)]
pub struct DsairConfig {
    /// Races simulated per pairing and `(s, p_r)` cell.
    pub runs: u64,
    pub seed: u64,
    /// The output folder's name under `common.out`.
    pub name: String,
    /// `b`, `c`, `B`, `W`; speed and risk come from the grid.
    pub game: Dsair,
    pub population: usize,
    pub selection: f64,
    /// `s` from `speed_min` to `speed_max` in steps of `speed_step`.
    pub speed_min: f64,
    pub speed_max: f64,
    pub speed_step: f64,
    /// `p_r` from 0 to 1 in steps of `risk_step`.
    pub risk_step: f64,
    pub common: CommonOptions,
}

impl Default for DsairConfig {
    fn default() -> Self {
        DsairConfig {
            runs: 1000,
            seed: 1,
            name: "dsair".into(),
            game: Dsair::paper(1.0, 0.0),
            population: 100,
            selection: 0.01,
            speed_min: 1.0,
            speed_max: 5.0,
            speed_step: 0.1,
            risk_step: 0.02,
            common: CommonOptions::default(),
        }
    }
}

/// What `airace classic dsair` produced.
#[derive(Debug)]
pub struct DsairReport {
    pub cells: Vec<dsair::Cell>,
    pub points: Vec<DsairPoint>,
    pub folder: PathBuf,
}

/// Simulates DSAIR over the `(s, p_r)` plane and writes its folder.
pub fn run_dsair(config: &DsairConfig) -> anyhow::Result<DsairReport> {
    let plan = dsair_plan(config)?;
    let g = &plan.game;
    let (speeds, risks) = (&plan.speeds, &plan.risks);
    let dir = config.common.out.join(&config.name);
    let work = ModelFolder::claim(&dir, GameFolder::Dsair, &config.common)?;
    let total = plan.cells();
    let stopped = |completed| work.stopped("classic dsair", completed, total, "cells");
    let study = work
        .pool
        .install(|| classic::study_dsair(&plan, &crate::context::INTERRUPTED))
        .map_err(stopped)?;
    let files = dsair_folder::files(&plan, &study);
    if crate::context::interrupted() {
        return Err(stopped(total));
    }
    let fields = Manifest::new()
        .field("name", &config.name)
        .field("seed", config.seed)
        .field("runs", config.runs);
    work.commit(files, fields, &config.common)?;
    let points = study.points;
    if !config.common.quiet {
        println!(
            "airace classic dsair: b = {}, c = {}, B = {}, W = {}, Z = {}, beta = {}, tie at s = 1 to {}; {} x {} cells, {} races per pairing, seed {}\n",
            g.benefit,
            g.safety_cost,
            g.prize,
            g.steps,
            config.population,
            config.selection,
            match g.tie {
                dsair::Tie::Unsafe => "UNSAFE (the paper's matrix)",
                dsair::Tie::Split => "both (split)",
            },
            speeds.len(),
            risks.len(),
            config.runs,
            config.seed
        );
        println!(
            "{:>5}  {:>22}  {:>22}  {:>24}  {:>16}  UNSAFE frequency at p_r = 0, .25, .5, .75, 1",
            "s",
            "society prefers SAFE",
            "SAFE risk-dominant",
            "SAFE more frequent (Z)",
            "simulated 50%"
        );
        for p in &points {
            let f: Vec<String> = p
                .unsafe_frequency
                .iter()
                .map(|(_, f)| format!("{f:.3}"))
                .collect();
            println!(
                "{:>5}  {:>22}  {:>22}  {:>24}  {:>16}  {}",
                p.speed,
                format!("p_r > {:.4}", p.society_prefers_safe_above),
                format!("p_r > {:.4}", p.safe_risk_dominant_above),
                format!("p_r > {:.4}", p.safe_more_frequent_above),
                p.simulated_half
                    .map_or("none".to_string(), |x| format!("p_r = {x:.4}")),
                f.join(", ")
            );
        }
        println!("results: {}", dir.display());
    }
    Ok(DsairReport {
        cells: study.cells,
        points,
        folder: dir,
    })
}

/// Checks the options of `classic dsair` and builds its plan.
fn dsair_plan(config: &DsairConfig) -> anyhow::Result<DsairPlan> {
    let g = &config.game;
    check_folder_name(&config.name)?;
    let positive = [
        ("--runs", config.runs as f64),
        ("--prize", g.prize),
        ("--steps", g.steps),
        ("--speed-step", config.speed_step),
        ("--risk-step", config.risk_step),
    ];
    for (flag, x) in positive {
        if !(x.is_finite() && x > 0.0) {
            return Err(usage(format!(
                "{flag} must be a positive number, found {x}"
            )));
        }
    }
    if config.runs > 10_000_000 {
        return Err(usage(format!(
            "--runs: {} is out of range: allowed 1 to 10000000 races per pairing and cell",
            config.runs
        )));
    }
    if !(config.speed_min >= 1.0
        && config.speed_max >= config.speed_min
        && config.speed_max <= 1000.0)
    {
        return Err(usage(format!(
            "speeds must satisfy 1 <= --speed-min <= --speed-max <= 1000 (UNSAFE is at least as fast as SAFE), \
             found {} to {}",
            config.speed_min, config.speed_max
        )));
    }
    if !(g.benefit.is_finite()
        && g.safety_cost.is_finite()
        && g.benefit >= 0.0
        && g.safety_cost >= 0.0)
    {
        return Err(usage("--benefit and --cost must be numbers >= 0".into()));
    }
    if config.population < 2 || !(config.selection.is_finite() && config.selection >= 0.0) {
        return Err(usage(
            "--population must be at least 2 and --selection a number >= 0".into(),
        ));
    }
    let speeds = range(config.speed_min, config.speed_max, config.speed_step);
    let risks = range(0.0, 1.0, config.risk_step);
    if speeds.len() * risks.len() > 1_000_000 {
        return Err(usage(
            "the (s, p_r) grid has more than a million cells: use larger steps".into(),
        ));
    }
    Ok(DsairPlan {
        game: *g,
        population: Population {
            size: config.population,
            selection: config.selection,
        },
        speeds,
        risks,
        runs: config.runs,
        seed: config.seed,
    })
}

/// Everything `airace classic precipice` needs.
#[derive(Debug, Clone)]
pub struct PrecipiceConfig {
    /// The games to solve and how, as asked (checked by `run_precipice`).
    pub study: PrecipicePlan,
    /// The output folder's name under `common.out`.
    pub name: String,
    pub common: CommonOptions,
}

impl Default for PrecipiceConfig {
    fn default() -> Self {
        PrecipiceConfig {
            study: PrecipicePlan {
                teams: vec![2, 3, 5],
                enmity: vec![0.5, 1.0],
                mu: range(0.25, 3.0, 0.25),
                solver: Solver::default(),
            },
            name: "precipice".into(),
            common: CommonOptions::default(),
        }
    }
}

/// What `airace classic precipice` produced.
#[derive(Debug)]
pub struct PrecipiceReport {
    /// The sweep, in the order of `disaster.csv`.
    pub equilibria: Vec<precipice::Equilibrium>,
    /// `n = 2, e = 1, mu = 1` in each regime, if it was asked for (else empty).
    pub headline: Vec<Headline>,
    pub folder: PathBuf,
}

/// Finds the equilibria of every regime over the sweep and writes them.
pub fn run_precipice(config: &PrecipiceConfig) -> anyhow::Result<PrecipiceReport> {
    let plan = precipice_plan(config)?;
    let s = &plan.solver;
    let dir = config.common.out.join(&config.name);
    let work = ModelFolder::claim(&dir, GameFolder::Precipice, &config.common)?;
    let total = plan.solves();
    let finished = AtomicU64::new(0);
    let solved = work
        .pool
        .install(|| classic::study_precipice(&plan, &crate::context::INTERRUPTED, &finished));
    let stopped = || {
        let completed = finished.load(std::sync::atomic::Ordering::Relaxed);
        work.stopped("classic precipice", completed, total, "equilibria")
    };
    let Some(study) = solved else {
        return Err(stopped());
    };
    let files = precipice_folder::files(s, &study);
    if crate::context::interrupted() {
        return Err(stopped());
    }
    let fields = Manifest::new()
        .field("name", &config.name)
        .field("seed", s.seed);
    work.commit(files, fields, &config.common)?;
    let classic::PrecipiceStudy {
        equilibria,
        headline,
    } = study;
    if !config.common.quiet {
        println!(
            "airace classic precipice: {} equilibria ({} draws, safety grid 1/{}, {} bins, {} where several), seed {}\n",
            equilibria.len(),
            s.draws,
            s.grid,
            s.bins,
            s.selection.name().replace('_', " "),
            s.seed
        );
        if headline.is_empty() {
            println!(
                "{:>16}  {:>5}  {:>5}  {:>6}  {:>22}  {:>12}  {:>10}",
                "regime", "n", "e", "mu", "P(disaster) ± 2 SE", "closed form", "converged"
            );
            for e in equilibria.iter().take(CONSOLE_ROWS) {
                println!(
                    "{:>16}  {:>5}  {:>5}  {:>6}  {:>22}  {:>12.4}  {:>10}",
                    e.regime.name(),
                    e.game.teams,
                    e.game.enmity,
                    e.game.mu,
                    format!("{:.4} ± {:.4}", e.p_disaster.mean, 2.0 * e.p_disaster.se),
                    precipice::closed_form_disaster(e.regime, &e.game, e.selection),
                    e.converged
                );
            }
            if equilibria.len() > CONSOLE_ROWS {
                println!(
                    "... and {} more in {}",
                    equilibria.len() - CONSOLE_ROWS,
                    precipice_folder::DISASTER
                );
            }
        } else {
            println!(
                "n = 2, e = 1, mu = 1 ({HEADLINE_REPLICATIONS} independent solves, SE from their spread; \
                 discretisation bias against solves on a grid and bins half as fine; \
                 the 95% interval covers both):"
            );
            println!(
                "{:>16}  {:>20}  {:>15}  {:>18}  {:>12}  {:>10}",
                "regime",
                "P(disaster) ± 2 SE",
                "discretisation",
                "95% interval",
                "closed form",
                "converged"
            );
            for h in &headline {
                println!(
                    "{:>16}  {:>20}  {:>15}  {:>18}  {:>12.4}  {:>10}",
                    h.regime.name(),
                    format!("{:.4} ± {:.4}", h.p_disaster.mean, 2.0 * h.p_disaster.se),
                    format!("{:+.4}", h.discretisation_bias),
                    format!("[{:.4}, {:.4}]", h.interval.0, h.interval.1),
                    h.closed_form,
                    format!("{}/{}", h.converged, h.replications.len())
                );
            }
        }
        let unconverged = equilibria.iter().filter(|e| !e.converged).count();
        if unconverged > 0 {
            println!(
                "note: {unconverged} equilibria of the sweep did not converge (see disaster.csv, max_regret)"
            );
        }
        println!("results: {}", dir.display());
    }
    Ok(PrecipiceReport {
        equilibria,
        headline,
        folder: dir,
    })
}

/// Checks the options of `classic precipice` and builds its plan.
fn precipice_plan(config: &PrecipiceConfig) -> anyhow::Result<PrecipicePlan> {
    check_folder_name(&config.name)?;
    let study = &config.study;
    if study.teams.is_empty() || study.enmity.is_empty() || study.mu.is_empty() {
        return Err(usage(
            "--teams, --enmity and --mu each need at least one value".into(),
        ));
    }
    if let Some(n) = study
        .teams
        .iter()
        .find(|&&n| !(2..=precipice::MAX_TEAMS).contains(&n))
    {
        return Err(usage(format!(
            "--teams: {n} is out of range: allowed 2 to {}",
            precipice::MAX_TEAMS
        )));
    }
    if let Some(e) = study
        .enmity
        .iter()
        .find(|e| !(e.is_finite() && (0.0..=1.0).contains(*e)))
    {
        return Err(usage(format!(
            "--enmity: {e} is out of range: allowed 0 to 1"
        )));
    }
    if let Some(m) = study
        .mu
        .iter()
        .find(|m| !(m.is_finite() && **m > 0.0 && **m <= 1000.0))
    {
        return Err(usage(format!(
            "--mu: {m} is out of range: allowed 0 < mu <= 1000"
        )));
    }
    let s = &study.solver;
    if s.draws < 100 || s.evaluation_draws < 100 || s.grid < 2 || s.bins < 1 || s.max_iterations < 1
    {
        return Err(usage(
            "--draws and --evaluation-draws must be at least 100, --grid at least 2, --bins at least 1".into(),
        ));
    }
    Ok(study.clone())
}

fn usage(message: String) -> anyhow::Error {
    InputError::Usage(message).into()
}

fn check_folder_name(name: &str) -> anyhow::Result<()> {
    if crate::scenario::valid_name(name) {
        Ok(())
    } else {
        Err(usage(format!(
            "--name `{name}` cannot name a folder: use {}",
            crate::scenario::NAME_RULE
        )))
    }
}
