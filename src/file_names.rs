//! The file names of airace's output folders, named once. Which of them
//! a folder of each kind writes is `output::folder`'s `kind_names`; how
//! each is written and read back is `output`'s. A leaf module, so that
//! `plot` (which `output` draws with) reads the same names without
//! importing `output`: `output` re-exports it as `output::files`.

/// Every folder's record of the run that wrote it, written last.
pub const MANIFEST: &str = "manifest.json";
/// A scenario's (or game's, or classic model's) headline numbers.
pub const SUMMARY_JSON: &str = "summary.json";
/// A scenario's headline numbers, one row per metric.
pub const SUMMARY_CSV: &str = "summary.csv";
/// A scenario's time series, a row per step.
pub const TIMESERIES: &str = "timeseries.csv";
/// The scenario as run, every default written out.
pub const SCENARIO_TOML: &str = "scenario.toml";
/// The subfolder of the figures (SVG and PNG).
pub const FIGURES_DIR: &str = "figures";
/// A shard's (and a checkpoint's) aggregate, in its byte codec.
pub const AGGREGATE: &str = "aggregate.bin";
/// A shard's manifest.
pub const SHARD_MANIFEST: &str = "shard.json";
/// A sweep's results, a row per point.
pub const SWEEP: &str = "sweep.csv";

/// The tables of a game's folder (`airace game`).
pub mod game {
    /// The estimated payoff of each strategy against each.
    pub const PAYOFFS: &str = "payoffs.csv";
    /// Each profile's best unilateral deviation.
    pub const DEVIATIONS: &str = "deviations.csv";
    /// The pure equilibria.
    pub const EQUILIBRIA: &str = "equilibria.csv";
    /// The symmetric mixed equilibrium of two strategies.
    pub const MIXED: &str = "mixed.csv";
    /// The replicator dynamics' flow over the simplex.
    pub const REPLICATOR_FLOW: &str = "replicator_flow.csv";
    /// Replicator paths from chosen starts.
    pub const REPLICATOR_PATHS: &str = "replicator_paths.csv";
    /// The stationary distribution of the finite-population dynamics.
    pub const STATIONARY: &str = "stationary.csv";
    /// Fixation probabilities between strategies.
    pub const FIXATION: &str = "fixation.csv";
    /// The stationary distribution as the selection strength varies.
    pub const STATIONARY_SWEEP: &str = "stationary_sweep.csv";
    /// The stationary distribution as the mutation rate varies.
    pub const MUTATION_SWEEP: &str = "mutation_sweep.csv";
    /// Every mixed Nash equilibrium found.
    pub const NASH_MIXED: &str = "nash_mixed.csv";
    /// Replicator outcomes over bootstrap resamples of the payoffs.
    pub const REPLICATOR_BOOTSTRAP: &str = "replicator_bootstrap.csv";
    /// The game file as run.
    pub const GAME_TOML: &str = "game.toml";
}

/// The tables of `airace classic dsair`'s folder.
pub mod dsair {
    /// UNSAFE frequency over the `(s, p_r)` plane.
    pub const HEATMAP: &str = "heatmap.csv";
    /// The thresholds for each speed.
    pub const BOUNDARIES: &str = "boundaries.csv";
    /// UNSAFE frequency along `p_r` at the reported speeds.
    pub const CURVES: &str = "curves.csv";
}

/// The tables of `airace classic precipice`'s folder.
pub mod precipice {
    /// Equilibrium probability of disaster, a row per game and regime.
    pub const DISASTER: &str = "disaster.csv";
    /// Equilibrium safety, a row per information cell.
    pub const STRATEGIES: &str = "strategies.csv";
}
