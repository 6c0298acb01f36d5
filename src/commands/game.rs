//! `airace game` as a library function taking plain configuration: from a
//! game file to an output folder of tables, and a short report on stdout.

use super::args::{CommonArgs, OverrideArgs};
use super::{CommonOptions, Overrides};
use crate::context::{self, InputError, thread_pool};
use crate::engine::Control;
use crate::game::analysis::{self, Analysis};
use crate::game::game_file::Game;
use crate::game::nash;
use crate::game::race_game::{self, Estimates, PayoffTable};
use crate::output::files::game as game_files;
use crate::output::folder::Folder;
use crate::output::game_folder::GameFolder;
use crate::output::game_folder::{self, commit_with_figures};
use crate::output::game_tables;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Examples ending `airace game --help` and `airace classic --help`.
pub const EXAMPLES: &str = "\
Examples:
  airace game scenarios/games/pause-or-race.toml
                        payoffs, equilibria and dynamics -> output/pause-or-race/
  airace game scenarios/games/pause-or-race.toml --runs 2000 --seed 7
  airace classic dsair  Han et al. 2020 over the (s, p_r) plane -> output/dsair/
  airace classic dsair --steps 1000 --runs 500
  airace classic precipice
                        Armstrong, Bostrom & Shulman 2016 -> output/precipice/
  airace classic precipice --teams 2 --enmity 1 --mu 0.5,1,2";

/// `airace game`'s options.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    // This doc is clap's help text: the brackets name a TOML table, not an item.
    #[allow(rustdoc::broken_intra_doc_links)]
    /// The game file: a scenario plus a [game] table of strategies.
    pub file: PathBuf,
    #[command(flatten)]
    pub overrides: OverrideArgs,
    /// Add runs, in seeded rounds, to the profiles of deviations whose
    /// verdict is undecided, until each is decided or --max-runs is reached
    /// [default: true].
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub adaptive: Option<bool>,
    /// Turn --adaptive off: every profile gets --runs runs.
    #[arg(long, conflicts_with = "adaptive")]
    pub no_adaptive: bool,
    /// With --adaptive, the most runs any profile gets [default: 16 x --runs].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=16_000_000_000))]
    pub max_runs: Option<u64>,
    #[command(flatten)]
    pub common: CommonArgs,
}

impl Args {
    /// Plays the game into its folder.
    pub fn execute(self) -> anyhow::Result<()> {
        run_game(&self.config()?)?;
        Ok(())
    }

    fn config(self) -> Result<GameConfig, InputError> {
        Ok(GameConfig {
            file: self.file,
            overrides: self.overrides.get(),
            adaptive: !self.no_adaptive && self.adaptive.unwrap_or(true),
            max_runs: self.max_runs,
            common: self.common.options()?,
        })
    }
}

/// Everything `airace game` needs.
#[derive(Debug, Clone)]
pub struct GameConfig {
    pub file: PathBuf,
    /// What `--runs` and `--seed` replace in the file.
    pub overrides: Overrides,
    pub common: CommonOptions,
    /// Add runs to the profiles of undecided deviations.
    pub adaptive: bool,
    /// The cap on any profile's runs with `adaptive` (default 16 x runs).
    pub max_runs: Option<u64>,
}

/// What `airace game` produced.
#[derive(Debug)]
pub struct GameReport {
    pub game: Game,
    pub estimates: Estimates,
    pub analysis: Analysis,
    pub folder: PathBuf,
}

/// Loads, simulates, analyses and writes a game.
pub fn run_game(config: &GameConfig) -> anyhow::Result<GameReport> {
    let game = Game::load(&config.file)?;
    let runs = config.overrides.runs.unwrap_or(game.scenario.meta.runs);
    let seed = config.overrides.seed.unwrap_or(game.scenario.meta.seed);
    if runs == 0 {
        return Err(InputError::Usage("--runs must be at least 1".into()).into());
    }
    let pool = thread_pool(config.common.threads)?;
    let dir = config.common.out.join(&game.scenario.meta.name);
    let (created, mut folder) = context::claim_folder(
        &dir,
        game_folder::kind(GameFolder::Game),
        config.common.force,
    )?;
    let stopped = |completed| {
        context::abandon(
            &created,
            context::Abandoned {
                command: format!("game {}", game.scenario.meta.name),
                progress: context::Progress {
                    completed,
                    total: runs,
                },
                unit: "runs of every profile",
            },
        )
    };

    let profiles = game.profile_count() as u64;
    let bar = progress_bar(runs, config.common.quiet, &game.scenario.meta.name);
    let started = Instant::now();
    let control = Control {
        progress: &|done| bar.set_position(done),
        cancel: &context::INTERRUPTED,
    };
    let adaptive = if config.adaptive {
        race_game::Adaptive {
            enabled: true,
            max_runs: config
                .max_runs
                .unwrap_or(race_game::Adaptive::default_for(runs).max_runs),
        }
    } else {
        race_game::Adaptive::OFF
    };
    if adaptive.enabled && adaptive.max_runs < runs {
        return Err(InputError::Usage(format!(
            "--max-runs {} is below --runs {runs}: the cap on a profile's runs must be at least the runs every profile gets",
            adaptive.max_runs
        ))
        .into());
    }
    let estimates =
        pool.install(|| race_game::estimate_adaptive(&game, runs, seed, adaptive, &control));
    bar.finish_and_clear();
    let estimates = estimates.map_err(stopped)?;
    let analysis = pool.install(|| analysis::analyse(&game, &estimates));
    let source = crate::scenario::SourceFile::read(&config.file)?.text;
    // The last point at which a signal stops the command: writing is
    // short, and atomic.
    if context::interrupted() {
        return Err(stopped(runs));
    }
    write_game(
        &mut folder,
        config,
        &game,
        &estimates,
        &analysis,
        &source,
        pool.current_num_threads(),
    )?;
    if !config.common.quiet {
        print_report(
            &game,
            &estimates,
            &analysis,
            profiles,
            started.elapsed().as_secs_f64(),
            &dir,
        );
    }
    Ok(GameReport {
        game,
        estimates,
        analysis,
        folder: dir,
    })
}

/// A progress bar over the runs of every profile, named after the game.
fn progress_bar(total: u64, quiet: bool, name: &str) -> indicatif::ProgressBar {
    let bar = context::progress_bar(total, quiet, "runs of every profile");
    bar.set_message(name.to_string());
    bar
}

fn write_game(
    dir: &mut Folder,
    config: &GameConfig,
    game: &Game,
    e: &Estimates,
    a: &Analysis,
    source: &str,
    threads: usize,
) -> anyhow::Result<()> {
    // The tables, by file name; the summary and the game file follow.
    let mut tables: Vec<(&str, String)> = vec![
        (game_files::PAYOFFS, game_tables::payoffs_csv(e)),
        (game_files::DEVIATIONS, game_tables::deviations_csv(e, a)),
        (game_files::EQUILIBRIA, game_tables::equilibria_csv(e, a)),
        (
            game_files::NASH_MIXED,
            game_tables::nash_mixed_csv(&e.table, a),
        ),
    ];
    if let PayoffTable::Symmetric(t) = &e.table {
        let names = t.strategies();
        if names.len() == 2 {
            tables.push((game_files::MIXED, game_tables::mixed_csv(names, a)));
        }
        tables.push((game_files::REPLICATOR_FLOW, game_tables::flow_csv(names, a)));
        tables.push((
            game_files::REPLICATOR_PATHS,
            game_tables::paths_csv(names, a),
        ));
        if let Some(s) = &a.stationary {
            tables.push((
                game_files::STATIONARY,
                game_tables::stationary_csv(names, s),
            ));
            let fixation = game_tables::fixation_csv(names, s, game.population);
            tables.push((game_files::FIXATION, fixation));
        }
        if !a.robust.is_empty() {
            tables.push((
                game_files::REPLICATOR_BOOTSTRAP,
                game_tables::bootstrap_csv(names, a),
            ));
        }
        if !a.mutation.is_empty() {
            tables.push((
                game_files::MUTATION_SWEEP,
                game_tables::mutation_csv(names, a),
            ));
        }
        tables.push((
            game_files::STATIONARY_SWEEP,
            game_tables::sweep_csv(names, a),
        ));
    }
    let mut files: Vec<(String, Vec<u8>)> = tables
        .into_iter()
        .map(|(name, text)| (name.to_string(), text.into_bytes()))
        .collect();
    let mut summary =
        serde_json::to_value(analysis::summary(game, e, a)).expect("a summary serializes");
    crate::output::format::clean_json(&mut summary);
    let mut json = serde_json::to_vec_pretty(&summary).expect("a summary serializes");
    json.push(b'\n');
    files.push((crate::output::files::SUMMARY_JSON.into(), json));
    files.push((game_files::GAME_TOML.into(), source.as_bytes().to_vec()));
    let outputs: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    let manifest = crate::output::Manifest::new()
        .field("name", &game.scenario.meta.name)
        .field("source", config.file.display().to_string())
        .field("seed", e.seed)
        .field("runs", e.runs)
        .invocation(threads, &config.common.command_line)
        .outputs(&outputs)
        .field("adaptive", config.adaptive)
        .field("max_runs", e.max_runs())
        .field("reproduce", reproduce(config, e));
    commit_with_figures(
        dir,
        GameFolder::Game,
        files,
        manifest,
        &config.common.figures,
    )
}

/// The command that writes the same files again.
fn reproduce(config: &GameConfig, e: &Estimates) -> String {
    let mut cmd = format!("airace game game.toml --runs {} --seed {}", e.runs, e.seed);
    match (config.adaptive, config.max_runs) {
        (false, _) => cmd.push_str(" --no-adaptive"),
        (true, Some(cap)) => cmd.push_str(&format!(" --max-runs {cap}")),
        (true, None) => {}
    }
    cmd
}

/// A population state as the console writes it: each strategy's name and
/// share at `decimals` decimals, comma-separated.
fn shares(names: &[String], x: &[f64], decimals: usize) -> String {
    names
        .iter()
        .zip(x)
        .map(|(n, x)| format!("{n} {x:.decimals$}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn print_report(game: &Game, e: &Estimates, a: &Analysis, profiles: u64, secs: f64, dir: &Path) {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let names = match &e.table {
        PayoffTable::Symmetric(t) => t.strategies().to_vec(),
        PayoffTable::Seats(t) => t.strategies().to_vec(),
    };
    let _ = writeln!(
        out,
        "airace game {}: {} players, {} strategies, {} profiles x {} runs, seed {} ({secs:.1} s){}\n",
        game.scenario.meta.name,
        game.players(),
        names.len(),
        profiles,
        e.runs,
        e.seed,
        if game.symmetric { "" } else { ", seats differ" }
    );
    let labels: Vec<String> = (0..a.checks.len())
        .map(|p| analysis::profile_label(&e.table, p))
        .collect();
    let width = labels.iter().map(|l| l.len()).max().unwrap_or(7).max(7);
    let _ = writeln!(
        out,
        "{:<width$}  {:>14}  {:<12}  payoffs (mean ± 2 SE)",
        "profile", "P(catastrophe)", "equilibrium"
    );
    for (c, label) in a.checks.iter().zip(&labels) {
        let payoffs: Vec<String> = match &e.table {
            PayoffTable::Symmetric(t) => (0..names.len())
                .filter_map(|s| {
                    t.payoff(c.profile, s)
                        .map(|p| format!("{} {:.4} ± {:.4}", names[s], p.mean, 2.0 * p.se))
                })
                .collect(),
            PayoffTable::Seats(t) => (0..t.seats().len())
                .filter_map(|seat| {
                    t.payoff(c.profile, seat)
                        .map(|p| format!("{} {:.4} ± {:.4}", t.seats()[seat], p.mean, 2.0 * p.se))
                })
                .collect(),
        };
        let _ = writeln!(
            out,
            "{label:<width$}  {:>14.4}  {:<12}  {}",
            e.catastrophe[c.profile].mean,
            analysis::status_word(c.status),
            payoffs.join("; ")
        );
    }
    let _ = writeln!(
        out,
        "\n(equilibrium: strict = every deviation loses; weak = none gains or is undecided, some have exactly equal payoff; \
         undecided = none gains, some undecided; no = some deviation gains. Gains tested against 0, Holm-corrected over \
         all {} deviations at family-wise level {}%)",
        a.checks.iter().map(|c| c.deviations.len()).sum::<usize>(),
        nash::FAMILY_LEVEL * 100.0
    );
    if e.rounds > 0 {
        let refined = e.profile_runs.iter().filter(|&&r| r > e.runs).count();
        let _ = writeln!(
            out,
            "adaptive: {} rounds added runs to {refined} profiles with undecided deviations (up to {} runs)",
            e.rounds,
            e.max_runs()
        );
    }
    for c in &a.checks {
        for d in c
            .deviations
            .iter()
            .filter(|d| d.verdict == nash::Verdict::Undecided)
        {
            let _ = writeln!(
                out,
                "undecided at {} runs: {}: {} switching {} -> {} gains {:.4} ± {:.4} (± 2 SE)",
                e.deviation_runs(c.profile, d.deviator, d.to),
                labels[c.profile],
                match &e.table {
                    PayoffTable::Symmetric(_) => "a player".to_string(),
                    PayoffTable::Seats(t) => t.seats()[d.deviator].clone(),
                },
                names[d.from],
                names[d.to],
                d.gain.mean,
                2.0 * d.gain.se
            );
        }
    }
    for m in &a.mixed {
        let _ = writeln!(
            out,
            "mixed equilibrium: {} at frequency {:.4} (within sampling error {:.4} to {:.4}), {}",
            names[0],
            m.x,
            m.x_low,
            m.x_high,
            if m.stable { "stable" } else { "unstable" }
        );
    }
    let symmetric = matches!(e.table, PayoffTable::Symmetric(_));
    let _ = writeln!(
        out,
        "Nash equilibria in mixed strategies{} (epsilon = largest gain of a pure deviation ± 2 SE):",
        if symmetric {
            ", everyone playing the same mix"
        } else {
            ""
        }
    );
    for eq in &a.nash_mixed {
        let rows: Vec<String> = eq
            .mix
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let x: Vec<String> = names
                    .iter()
                    .zip(row)
                    .filter(|(_, p)| **p > 0.0)
                    .map(|(n, p)| format!("{n} {p:.3}"))
                    .collect();
                match &e.table {
                    PayoffTable::Symmetric(_) => x.join(", "),
                    PayoffTable::Seats(t) => format!("{}: {}", t.seats()[i], x.join(", ")),
                }
            })
            .collect();
        let replicator = if symmetric {
            format!(
                "; replicator: {} starts end here",
                analysis::replicator_starts(a, &eq.mix[0])
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "  {}{}: epsilon {:.4} ± {:.4}{replicator}",
            rows.join("; "),
            if eq.solved {
                ""
            } else {
                " (approximate: the least-epsilon point of a grid)"
            },
            eq.epsilon,
            2.0 * eq.epsilon_se
        );
    }
    if !a.rest_points.is_empty() {
        let total: usize = a.rest_points.iter().map(|r| r.starts).sum();
        let _ = writeln!(
            out,
            "replicator dynamics from {total} starting points end at:"
        );
        for r in &a.rest_points {
            let _ = writeln!(out, "  {} ({} starts)", shares(&names, &r.x, 3), r.starts);
        }
        for r in &a.robust {
            let _ = writeln!(
                out,
                "  on {} tables resampled from the payoffs' SEs, {} is reached again on {}{}",
                r.replicates,
                shares(&names, &r.x, 3),
                r.agreeing,
                if r.moves_with_noise {
                    ": it MOVES WITH THE NOISE (the payoff differences that decide it are within sampling error)"
                } else {
                    ""
                }
            );
        }
    }
    if let Some(s) = &a.stationary {
        let _ = writeln!(
            out,
            "stationary distribution (Z = {}, beta = {}): {}",
            game.population,
            game.selection,
            shares(&names, &s.distribution, 4)
        );
        if let Some(sentence) = a.limit_sentence() {
            let _ = writeln!(out, "{sentence}");
        }
    }
    let _ = writeln!(out, "results: {}", dir.display());
}
