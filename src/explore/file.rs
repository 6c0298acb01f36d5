//! The exploration file: a scenario file with an `[explore]` table (or a
//! file with only the table, when every policy names a scenario file),
//! naming the unknowns and their distributions, the policies (the levers),
//! the outcomes, the design and the conditions for scenario discovery.
//! Read in two stages like a scenario: the TOML table is checked key by key
//! (every problem with its line:column), then every policy and every value
//! an unknown can take is tried on the scenario, so that nothing is run
//! before the whole exploration is known to be sound.
//!
//! ```toml
//! [explore]
//! design = "latin_hypercube"   # or "sobol", "morris", "factorial"
//! worlds = 200                 # sobol: base samples N; morris: trajectories r
//! runs = 1000                  # per experiment (world x policy)
//! outcomes = ["p_catastrophe", "Frontier.p_win"]
//!
//! [[explore.uncertainty]]
//! key = "world.hazard.gap_slope"     # or keys = [...] (one draw for all);
//! uniform = [0.2, 0.6]               # labs.*.KEY is every lab's KEY
//!
//! [[explore.policy]]
//! name = "race"
//! scenario = "race.toml"             # or set = { "KEY" = VALUE, ... }
//!
//! [[explore.condition]]
//! when = "lone-pause.p_catastrophe > race.p_catastrophe"
//! ```

use super::robustness::Better;
use crate::Scenario;
use crate::scenario::error::toml_table;
use crate::scenario::keys::format_number;
use crate::scenario::{Problem, ScenarioError, SourceFile};
use crate::sweep::{KeyPath, Step, key_path_text, line_col_of};
use std::path::Path;
use toml::{Table, Value};

/// The most experiments (worlds x policies) an exploration may have.
pub const MAX_EXPERIMENTS: usize = 2_000_000;

/// The keys of `[explore]`.
const EXPLORE_KEYS: &[&str] = &[
    "design",
    "worlds",
    "levels",
    "runs",
    "seed",
    "outcomes",
    "uncertainty",
    "policy",
    "condition",
];

/// How an unknown is drawn from a point `u` in `[0, 1)`.
#[derive(Debug, Clone, PartialEq)]
pub enum Distribution {
    /// `low + (high − low) u`.
    Uniform(f64, f64),
    /// `low (high / low)^u`: every factor of ten equally likely.
    LogUniform(f64, f64),
    /// Whole numbers `low..=high`, equally likely.
    Integers(i64, i64),
    /// One of the values (numbers, strings, booleans, rule lists), with
    /// probabilities proportional to the weights.
    Values(Vec<Value>, Vec<f64>),
}

impl Distribution {
    /// The index of the value `u` falls on, for discrete distributions.
    fn index(&self, u: f64) -> usize {
        match self {
            Distribution::Integers(low, high) => {
                let m = (high - low + 1) as f64;
                ((u * m).floor() as usize).min((high - low) as usize)
            }
            Distribution::Values(values, weights) => {
                let total: f64 = weights.iter().sum();
                let mut acc = 0.0;
                for (i, w) in weights.iter().enumerate() {
                    acc += w / total;
                    if u < acc {
                        return i;
                    }
                }
                values.len() - 1
            }
            _ => 0,
        }
    }

    /// The parameter as a number: the value of a numeric distribution, the
    /// index of a categorical value (for PRIM, Sobol' and Morris).
    pub fn number(&self, u: f64) -> f64 {
        match self {
            Distribution::Uniform(low, high) => low + (high - low) * u,
            Distribution::LogUniform(low, high) => low * (high / low).powf(u),
            Distribution::Integers(low, _) => (*low + self.index(u) as i64) as f64,
            Distribution::Values(values, _) => {
                let i = self.index(u);
                match &values[i] {
                    Value::Integer(x) => *x as f64,
                    Value::Float(x) => *x,
                    Value::Boolean(b) => f64::from(u8::from(*b)),
                    _ => i as f64,
                }
            }
        }
    }

    /// The value set in the scenario for `u`.
    pub fn value(&self, u: f64) -> Value {
        match self {
            Distribution::Integers(..) => Value::Integer(self.number(u) as i64),
            Distribution::Values(values, _) => values[self.index(u)].clone(),
            _ => Value::Float(self.number(u)),
        }
    }

    /// The value as a CSV cell: a number, a string, or `#i` for the i-th
    /// of a list of alternatives that are not plain values (rule lists).
    pub fn cell(&self, u: f64) -> String {
        match self.value(u) {
            Value::Float(x) => format_number(x),
            Value::Integer(i) => i.to_string(),
            Value::Boolean(b) => b.to_string(),
            Value::String(s) => s,
            _ => format!("#{}", self.index(u)),
        }
    }

    /// Levels of a full factorial: each discrete value once, or `levels`
    /// points of a range from end to end.
    pub fn levels(&self, levels: usize) -> usize {
        match self {
            Distribution::Integers(low, high) => (high - low + 1) as usize,
            Distribution::Values(values, _) => values.len(),
            _ => levels,
        }
    }

    /// The point `u` of level `i` of `m`: the middle of a discrete value's
    /// share (weights are ignored: a factorial takes each value once), or
    /// the range's ends and evenly spaced points between them.
    pub fn level_point(&self, i: usize, m: usize) -> f64 {
        match self {
            Distribution::Integers(..) => (i as f64 + 0.5) / m as f64,
            Distribution::Values(values, weights) => {
                let total: f64 = weights.iter().sum();
                let before: f64 = weights[..i].iter().sum();
                let _ = values;
                (before + weights[i] / 2.0) / total
            }
            _ if m == 1 => 0.5,
            _ => i as f64 / (m - 1) as f64,
        }
    }

    /// The distribution as the file writes it, e.g. `uniform = [0.2, 0.6]`.
    pub fn describe(&self) -> String {
        match self {
            Distribution::Uniform(low, high) => {
                format!(
                    "uniform = [{}, {}]",
                    format_number(*low),
                    format_number(*high)
                )
            }
            Distribution::LogUniform(low, high) => {
                format!(
                    "log_uniform = [{}, {}]",
                    format_number(*low),
                    format_number(*high)
                )
            }
            Distribution::Integers(low, high) => format!("integers = [{low}, {high}]"),
            Distribution::Values(values, weights) => {
                let values: Vec<String> = values.iter().map(Value::to_string).collect();
                let weights: Vec<String> = weights.iter().map(|w| format_number(*w)).collect();
                format!(
                    "values = [{}], weights = [{}]",
                    values.join(", "),
                    weights.join(", ")
                )
            }
        }
    }

    /// The values worth trying on the scenario before anything runs: the
    /// ends of a range, every discrete value.
    fn probes(&self) -> Vec<f64> {
        match self {
            Distribution::Values(values, weights) => (0..values.len())
                .map(|i| self.level_point(i, values.len()))
                .filter(|_| !weights.is_empty())
                .collect(),
            Distribution::Integers(..) => vec![0.0, 1.0 - 1e-12],
            _ => vec![0.0, 1.0],
        }
    }
}

/// One unknown: a distribution, and the keys its one draw sets.
#[derive(Debug, Clone)]
pub struct Uncertainty {
    /// The column name: `name`, else the key as written.
    pub name: String,
    pub distribution: Distribution,
    /// Multiply each key's value in the policy's scenario by the draw.
    pub scale: bool,
    /// Per policy, the keys (a wildcard expanded, one per lab) and, for a
    /// scaled unknown, their values in that policy's scenario.
    targets: Vec<Vec<(KeyPath, f64)>>,
}

/// A policy: a name and the whole scenario document it runs.
#[derive(Debug, Clone)]
pub struct Policy {
    pub name: String,
    doc: Table,
    origin: String,
}

/// What an outcome measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    PCatastrophe,
    PCatastropheSampled,
    PUnwarned,
    PNoWinner,
    FrontierCapability,
    WinStep,
    PWin,
    Utility,
    PausedSteps,
    DelayedSteps,
    FinalCapability,
    FinalSafety,
    PCulprit,
}

/// Headline metrics: name, metric, which way is better.
const HEADLINE: &[(&str, Metric, Better)] = &[
    ("p_catastrophe", Metric::PCatastrophe, Better::Lower),
    (
        "p_catastrophe_sampled",
        Metric::PCatastropheSampled,
        Better::Lower,
    ),
    ("p_unwarned", Metric::PUnwarned, Better::Lower),
    ("p_no_winner", Metric::PNoWinner, Better::Higher),
    (
        "frontier_capability",
        Metric::FrontierCapability,
        Better::Higher,
    ),
    ("win_step", Metric::WinStep, Better::Higher),
];

/// Per-lab metrics, written `LAB.metric`.
const PER_LAB: &[(&str, Metric, Better)] = &[
    ("p_win", Metric::PWin, Better::Higher),
    ("utility", Metric::Utility, Better::Higher),
    ("paused_steps", Metric::PausedSteps, Better::Lower),
    ("delayed_steps", Metric::DelayedSteps, Better::Lower),
    ("final_capability", Metric::FinalCapability, Better::Higher),
    ("final_safety", Metric::FinalSafety, Better::Higher),
    ("p_culprit", Metric::PCulprit, Better::Lower),
];

/// The outcomes an exploration reads, as a sentence.
pub fn outcome_names() -> String {
    let headline: Vec<&str> = HEADLINE.iter().map(|h| h.0).collect();
    let per_lab: Vec<String> = PER_LAB.iter().map(|h| format!("LAB.{}", h.0)).collect();
    format!("{}, {}", headline.join(", "), per_lab.join(", "))
}

/// One outcome to analyse.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub name: String,
    pub metric: Metric,
    /// The lab of a per-lab metric (its index in every policy's scenario).
    pub lab: Option<usize>,
    pub better: Better,
}

/// The design and its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Design {
    LatinHypercube { worlds: usize },
    Sobol { base: usize },
    Morris { trajectories: usize, levels: usize },
    Factorial { levels: usize },
}

impl Design {
    pub fn name(self) -> &'static str {
        match self {
            Design::LatinHypercube { .. } => "latin_hypercube",
            Design::Sobol { .. } => "sobol",
            Design::Morris { .. } => "morris",
            Design::Factorial { .. } => "factorial",
        }
    }
}

/// One side of a condition: a policy's outcome or a number.
#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    Outcome { policy: usize, outcome: usize },
    Number(f64),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Less,
    LessEq,
    Greater,
    GreaterEq,
}

/// A condition for scenario discovery:
/// `POLICY.OUTCOME OP POLICY.OUTCOME [+|- NUMBER]` or `POLICY.OUTCOME OP NUMBER`.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub name: String,
    pub text: String,
    pub left: Term,
    pub op: Op,
    pub right: Term,
    pub offset: f64,
}

impl Condition {
    /// Whether it holds for one world's outcomes `values[policy][outcome]`.
    pub fn holds(&self, values: &[Vec<f64>]) -> bool {
        let term = |t: &Term| match t {
            Term::Outcome { policy, outcome } => values[*policy][*outcome],
            Term::Number(x) => *x,
        };
        let (a, b) = (term(&self.left), term(&self.right) + self.offset);
        match self.op {
            Op::Less => a < b,
            Op::LessEq => a <= b,
            Op::Greater => a > b,
            Op::GreaterEq => a >= b,
        }
    }
}

/// What the command line replaces in the file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Overrides {
    pub runs: Option<u64>,
    pub seed: Option<u64>,
}

/// A checked exploration, every experiment's scenario built.
#[derive(Debug, Clone)]
pub struct Exploration {
    /// The base scenario's name (else the file's stem), which names the
    /// output folder `<name>-explore`.
    pub name: String,
    /// Seed of the design's draws and of every experiment's runs (the same
    /// for all: common random numbers): `--seed`, else `explore.seed`, else
    /// the scenario's.
    pub seed: u64,
    /// Runs per experiment (world x policy): `--runs`, else `explore.runs`,
    /// else the scenario's.
    pub runs: u64,
    /// How the worlds are drawn from the unknowns and how many.
    pub design: Design,
    /// The unknowns, in the order of each point's coordinates.
    pub uncertainties: Vec<Uncertainty>,
    /// The policies compared, each run in every world.
    pub policies: Vec<Policy>,
    /// What is measured in every experiment, in the order of the results.
    pub outcomes: Vec<Outcome>,
    /// The statements whose worlds scenario discovery (PRIM) describes.
    pub conditions: Vec<Condition>,
    /// Per world, its point in the unit cube (one coordinate per unknown).
    pub points: Vec<Vec<f64>>,
    /// Per world, the unknowns as numbers.
    pub values: Vec<Vec<f64>>,
}

/// Problems at places in the file.
struct Problems<'s> {
    source: &'s str,
    list: Vec<Problem>,
}

fn key(k: &str) -> Step {
    Step::Key(k.to_string())
}

/// The entries of `[[explore.SECTION]]`, given its value; `None`,
/// reported, when the value is not a list.
fn entry_list<'t>(value: &'t Value, section: &str, p: &mut Problems) -> Option<&'t [Value]> {
    let Value::Array(list) = value else {
        p.at(
            &[key("explore"), key(section)],
            format!("must be a list of tables: write each as [[explore.{section}]]"),
        );
        return None;
    };
    Some(list)
}

/// The key path of entry `i` of `[[explore.SECTION]]`, or of its key `k`.
fn entry_path(section: &str, i: usize, k: Option<&str>) -> Vec<Step> {
    let mut at = vec![key("explore"), key(section), Step::Index(i)];
    at.extend(k.map(key));
    at
}

/// Entry `i` of `[[explore.SECTION]]` as a table, every key of it not in
/// `keys` reported (`keys_said` lists them in the message); `None`,
/// reported, when it is not a table.
fn entry_table<'t>(
    entry: &'t Value,
    section: &str,
    i: usize,
    keys: &[&str],
    keys_said: &str,
    p: &mut Problems,
) -> Option<&'t Table> {
    let Some(table) = entry.as_table() else {
        p.at(&entry_path(section, i, None), "must be a table");
        return None;
    };
    for k in table.keys() {
        if !keys.contains(&k.as_str()) {
            p.at(
                &entry_path(section, i, Some(k)),
                format!("unknown key: the keys of [[explore.{section}]] are {keys_said}"),
            );
        }
    }
    Some(table)
}

impl Problems<'_> {
    fn at(&mut self, at: &[Step], message: impl Into<String>) {
        self.list.push(Problem {
            line_col: line_col_of(self.source, at),
            key_path: key_path_text(at),
            message: message.into(),
        });
    }
}

fn number(v: &Value) -> Option<f64> {
    v.as_float()
        .or_else(|| v.as_integer().map(|i| i as f64))
        .filter(|x| x.is_finite())
}

fn pair(v: &Value) -> Option<(f64, f64)> {
    match v.as_array()?.as_slice() {
        [a, b] => Some((number(a)?, number(b)?)),
        _ => None,
    }
}

/// Every `[[labs]]` name of a document, in order.
fn lab_names(doc: &Table) -> Vec<String> {
    doc.get("labs")
        .and_then(Value::as_array)
        .map(|labs| {
            labs.iter()
                .enumerate()
                .map(|(i, l)| {
                    l.get("name")
                        .and_then(Value::as_str)
                        .map_or_else(|| i.to_string(), str::to_string)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `labs.*.KEY` as one key per `[[labs]]` entry (by index); else the key.
fn expand(text: &str, doc: &Table) -> Vec<String> {
    match text.strip_prefix("labs.*.") {
        Some(rest) => (0..lab_names(doc).len())
            .map(|i| format!("labs.{i}.{rest}"))
            .collect(),
        None => vec![text.to_string()],
    }
}

impl Exploration {
    /// Reads and checks the exploration file at `path`.
    pub fn load(path: &Path, overrides: Overrides) -> Result<Exploration, ScenarioError> {
        let file = SourceFile::read(path)?;
        let dir = path.parent().unwrap_or(Path::new(""));
        Exploration::from_str_named(&file.text, &file.origin, &file.stem, dir, overrides)
    }

    /// Checks the exploration `source` (named `origin`; scenario files of
    /// policies are found relative to `dir`).
    pub fn from_str_named(
        source: &str,
        origin: &str,
        default_name: &str,
        dir: &Path,
        overrides: Overrides,
    ) -> Result<Exploration, ScenarioError> {
        let invalid = |list: Vec<Problem>| ScenarioError::Invalid {
            origin: origin.to_string(),
            problems: list,
        };
        let mut doc = toml_table(source, origin)?;
        let Some(explore) = doc.remove("explore") else {
            return Err(invalid(vec![Problem::whole_file(
                "no [explore] table: an exploration names its unknowns in [[explore.uncertainty]], \
                 its policies in [[explore.policy]] and its outcomes in explore.outcomes; \
                 `airace new --explore` prints an annotated one",
            )]));
        };
        let mut p = Problems {
            source,
            list: Vec::new(),
        };
        let Some(explore) = explore.as_table() else {
            p.at(&[key("explore")], "must be a table: write [explore]");
            return Err(invalid(p.list));
        };
        for k in explore.keys() {
            if !EXPLORE_KEYS.contains(&k.as_str()) {
                p.at(
                    &[key("explore"), key(k)],
                    format!(
                        "unknown key: the keys of [explore] are {}",
                        EXPLORE_KEYS.join(", ")
                    ),
                );
            }
        }
        // The base scenario: the file's own, if it has labs.
        let base = if doc.contains_key("labs") {
            match Scenario::from_str_named(source, origin, default_name) {
                Ok(s) => Some(s),
                Err(e) => return Err(e),
            }
        } else {
            None
        };
        let name = base.as_ref().map_or_else(
            || {
                doc.get("scenario")
                    .and_then(|s| s.get("name"))
                    .and_then(Value::as_str)
                    .unwrap_or(default_name)
                    .to_string()
            },
            |b| b.meta.name.clone(),
        );
        let before = p.list.len();
        let policies = read_policies(explore, &doc, base.is_some(), dir, &mut p);
        if p.list.len() > before {
            // A policy that could not be read (a scenario file not found,
            // say) leaves the policies and labs unknown: what is checked
            // against them would only list empty sets.
            return Err(invalid(p.list));
        }
        let first = policies.first().and_then(|pol| {
            Scenario::from_str_named(
                &toml::to_string(&pol.doc).expect("a TOML table serializes"),
                &pol.origin,
                default_name,
            )
            .ok()
        });
        let whole = |k: &str, default: Option<u64>, p: &mut Problems| -> Option<u64> {
            match explore.get(k) {
                None => default,
                Some(Value::Integer(n)) if *n >= 1 => Some(*n as u64),
                Some(v) => {
                    p.at(
                        &[key("explore"), key(k)],
                        format!("expected a whole number of at least 1, found `{v}`"),
                    );
                    None
                }
            }
        };
        let runs = whole("runs", first.as_ref().map(|s| s.meta.runs), &mut p).unwrap_or(1);
        let runs = overrides.runs.unwrap_or(runs);
        let seed = match explore.get("seed") {
            None => first.as_ref().map_or(1, |s| s.meta.seed),
            Some(Value::Integer(n)) if *n >= 0 => *n as u64,
            Some(v) => {
                p.at(
                    &[key("explore"), key("seed")],
                    format!("expected a whole number of at least 0, found `{v}`"),
                );
                0
            }
        };
        let seed = overrides.seed.unwrap_or(seed);
        let uncertainties = read_uncertainties(explore, &policies, &mut p);
        let k = uncertainties.len();
        let worlds = whole("worlds", None, &mut p);
        let levels = whole("levels", None, &mut p);
        let design_name = match explore.get("design") {
            None => "latin_hypercube",
            Some(Value::String(s)) => s.as_str(),
            Some(v) => {
                p.at(
                    &[key("explore"), key("design")],
                    format!(
                        "expected \"latin_hypercube\", \"sobol\", \"morris\" or \"factorial\", found `{v}`"
                    ),
                );
                ""
            }
        };
        let at_worlds = [key("explore"), key("worlds")];
        let need_worlds = |p: &mut Problems, what: &str| {
            if worlds.is_none() {
                p.at(&[key("explore")], format!("needs worlds = N: the {what}"));
            }
            worlds.unwrap_or(1) as usize
        };
        let design = match design_name {
            "latin_hypercube" => Some(Design::LatinHypercube {
                worlds: need_worlds(&mut p, "number of worlds drawn"),
            }),
            "sobol" => {
                let base = need_worlds(
                    &mut p,
                    "base samples N of the Saltelli design (N (k + 2) worlds)",
                );
                if worlds.is_some() && base <= k {
                    p.at(
                        &at_worlds,
                        format!(
                            "Sobol' indices need more base samples than unknowns: {base} base \
                             samples for {k} unknowns; allowed {} to {} (a power of two is best)",
                            k + 1,
                            super::design::MAX_SOBOL_POINTS
                        ),
                    );
                } else if base > super::design::MAX_SOBOL_POINTS {
                    p.at(
                        &at_worlds,
                        format!(
                            "at most {} base samples (the Sobol' sequence's length), found {base}",
                            super::design::MAX_SOBOL_POINTS
                        ),
                    );
                }
                if k > super::design::MAX_SOBOL_FACTORS {
                    p.at(
                        &[key("explore"), key("uncertainty")],
                        format!(
                            "the Sobol' design takes at most {} unknowns, found {k}",
                            super::design::MAX_SOBOL_FACTORS
                        ),
                    );
                }
                Some(Design::Sobol { base })
            }
            "morris" => {
                let trajectories =
                    need_worlds(&mut p, "number of Morris trajectories r (r (k + 1) worlds)");
                if worlds.is_some() && trajectories < 2 {
                    p.at(
                        &at_worlds,
                        "Morris needs at least 2 trajectories to estimate sigma, found 1",
                    );
                }
                let levels = levels.unwrap_or(4) as usize;
                if levels < 2 || levels % 2 == 1 {
                    p.at(
                        &[key("explore"), key("levels")],
                        format!("Morris levels must be even and at least 2, found {levels}"),
                    );
                }
                Some(Design::Morris {
                    trajectories,
                    levels,
                })
            }
            "factorial" => {
                if worlds.is_some() {
                    p.at(
                        &at_worlds,
                        "a factorial design takes every combination of levels: give levels = L \
                         (points of each range), not worlds",
                    );
                }
                Some(Design::Factorial {
                    levels: levels.unwrap_or(3) as usize,
                })
            }
            "" => None,
            other => {
                p.at(
                    &[key("explore"), key("design")],
                    format!(
                        "unknown design `{other}`: allowed \"latin_hypercube\", \"sobol\", \"morris\", \"factorial\""
                    ),
                );
                None
            }
        };
        if k == 0 {
            p.at(
                &[key("explore")],
                "nothing is uncertain: add [[explore.uncertainty]] entries with a key and a distribution",
            );
        }
        let lab_lists: Vec<Vec<String>> = policies.iter().map(lab_names_run).collect();
        let outcomes = read_outcomes(explore, &lab_lists, &mut p);
        let conditions = read_conditions(explore, &policies, &outcomes, &mut p);
        if !p.list.is_empty() {
            return Err(invalid(p.list));
        }
        let design = design.expect("a design without problems");
        let points = match design {
            Design::LatinHypercube { worlds } => super::design::latin_hypercube(worlds, k, seed),
            Design::Sobol { base } => super::design::saltelli(base, k, seed),
            Design::Morris {
                trajectories,
                levels,
            } => super::design::morris(trajectories, k, levels, seed).points,
            Design::Factorial { levels } => {
                let counts: Vec<usize> = uncertainties
                    .iter()
                    .map(|u| u.distribution.levels(levels))
                    .collect();
                let total: f64 = counts.iter().map(|&c| c as f64).product();
                if total * policies.len() as f64 > MAX_EXPERIMENTS as f64 {
                    return Err(invalid(vec![Problem::whole_file(format!(
                        "the factorial design has {total} worlds x {} policies, more than \
                         {MAX_EXPERIMENTS} experiments: use fewer levels or a sampled design",
                        policies.len()
                    ))]));
                }
                super::design::full_factorial(&counts)
                    .into_iter()
                    .map(|levels| {
                        levels
                            .iter()
                            .zip(&uncertainties)
                            .zip(&counts)
                            .map(|((&i, u), &m)| u.distribution.level_point(i, m))
                            .collect()
                    })
                    .collect()
            }
        };
        if points.len() * policies.len() > MAX_EXPERIMENTS {
            return Err(invalid(vec![Problem::whole_file(format!(
                "{} worlds x {} policies is more than {MAX_EXPERIMENTS} experiments: use fewer worlds",
                points.len(),
                policies.len()
            ))]));
        }
        let values = points
            .iter()
            .map(|pt| {
                pt.iter()
                    .zip(&uncertainties)
                    .map(|(u, unc)| unc.distribution.number(*u))
                    .collect()
            })
            .collect();
        Ok(Exploration {
            name,
            seed,
            runs,
            design,
            uncertainties,
            policies,
            outcomes,
            conditions,
            points,
            values,
        })
    }

    /// The scenario of policy `policy` in world `world`, with the
    /// exploration's seed and runs.
    pub fn scenario(&self, world: usize, policy: usize) -> Result<Scenario, ScenarioError> {
        let pol = &self.policies[policy];
        let mut doc = pol.doc.clone();
        for (unc, u) in self.uncertainties.iter().zip(&self.points[world]) {
            unc.apply(&mut doc, policy, *u);
        }
        let text = toml::to_string(&doc).expect("a TOML table serializes");
        let mut s = Scenario::from_str_named(&text, &pol.origin, &pol.name)?;
        s.meta.seed = self.seed;
        s.meta.runs = self.runs;
        Ok(s)
    }

    /// A world's unknowns as CSV cells.
    pub fn cells(&self, world: usize) -> Vec<String> {
        self.uncertainties
            .iter()
            .zip(&self.points[world])
            .map(|(unc, u)| {
                if unc.scale {
                    format_number(unc.distribution.number(*u))
                } else {
                    unc.distribution.cell(*u)
                }
            })
            .collect()
    }
}

impl Uncertainty {
    fn apply(&self, doc: &mut Table, policy: usize, u: f64) {
        for (path, base) in &self.targets[policy] {
            let v = if self.scale {
                let x = base * self.distribution.number(u);
                if path.is_integer() {
                    Value::Integer(x.round() as i64)
                } else {
                    Value::Float(x)
                }
            } else {
                match (self.distribution.value(u), path.is_integer()) {
                    (Value::Float(x), true) => Value::Integer(x.round() as i64),
                    (v, _) => v,
                }
            };
            path.set_value(doc, v);
        }
    }
}

/// The labs a policy's scenario runs (with `count` expanded).
fn lab_names_run(policy: &Policy) -> Vec<String> {
    let text = toml::to_string(&policy.doc).expect("a TOML table serializes");
    Scenario::from_str_named(&text, &policy.origin, &policy.name)
        .map(|s| s.labs.iter().map(|l| l.name.clone()).collect())
        .unwrap_or_default()
}

fn read_policies(
    explore: &Table,
    doc: &Table,
    has_base: bool,
    dir: &Path,
    p: &mut Problems,
) -> Vec<Policy> {
    let at = |i: usize, k: Option<&str>| entry_path("policy", i, k);
    let list = match explore.get("policy") {
        None if has_base => {
            return vec![Policy {
                name: "base".into(),
                doc: doc.clone(),
                origin: "the base scenario".into(),
            }];
        }
        None => {
            p.at(
                &[key("explore")],
                "no policies and no scenario: add [[explore.policy]] entries with a scenario = \"FILE\", \
                 or write the scenario in this file",
            );
            return Vec::new();
        }
        Some(value) => match entry_list(value, "policy", p) {
            Some(list) => list,
            None => return Vec::new(),
        },
    };
    let mut policies: Vec<Policy> = Vec::new();
    for (i, entry) in list.iter().enumerate() {
        let keys = ["name", "scenario", "set"];
        let Some(entry) = entry_table(entry, "policy", i, &keys, "name, scenario and set", p)
        else {
            continue;
        };
        let name = match entry.get("name").and_then(Value::as_str) {
            Some(n) if crate::scenario::valid_name(n) => n.to_string(),
            Some(n) => {
                p.at(
                    &at(i, Some("name")),
                    format!(
                        "`{n}` cannot name a policy: use {}",
                        crate::scenario::NAME_RULE
                    ),
                );
                continue;
            }
            None => {
                p.at(&at(i, None), "needs name = \"...\"");
                continue;
            }
        };
        if policies.iter().any(|q| q.name == name) {
            p.at(
                &at(i, Some("name")),
                format!("policy `{name}` is named twice"),
            );
            continue;
        }
        let (mut pdoc, origin) = match entry.get("scenario") {
            Some(Value::String(file)) => {
                let path = dir.join(file);
                let text = match SourceFile::read(&path) {
                    Ok(f) => f,
                    Err(e) => {
                        p.at(&at(i, Some("scenario")), e.to_string());
                        continue;
                    }
                };
                if let Err(e) = Scenario::from_str_named(&text.text, &text.origin, &text.stem) {
                    p.at(
                        &at(i, Some("scenario")),
                        format!("not a valid scenario: {e}"),
                    );
                    continue;
                }
                let mut d: Table = text.text.parse().expect("a valid scenario parses");
                d.remove("sweep");
                d.remove("explore");
                (d, text.origin)
            }
            Some(_) => {
                p.at(
                    &at(i, Some("scenario")),
                    "expected a file name in double quotes",
                );
                continue;
            }
            None if has_base => (doc.clone(), format!("policy {name}")),
            None => {
                p.at(
                    &at(i, None),
                    "needs scenario = \"FILE\": this file has no scenario of its own",
                );
                continue;
            }
        };
        let mut ok = true;
        if let Some(set) = entry.get("set") {
            let Some(set) = set.as_table() else {
                p.at(
                    &at(i, Some("set")),
                    "must be a table of key = value, e.g. set = { \"labs.Frontier.safety_share\" = 0.3 }",
                );
                continue;
            };
            for (k, v) in set {
                let mut set_at = at(i, Some("set"));
                set_at.push(key(k));
                let keys = expand(k, &pdoc);
                for text in keys {
                    match KeyPath::parse_any(&text, &pdoc) {
                        Ok(path) => path.set_value(&mut pdoc, v.clone()),
                        Err(e) => {
                            p.at(&set_at, e.replace(&text, k));
                            ok = false;
                            break;
                        }
                    }
                }
            }
        }
        if ok {
            let text = toml::to_string(&pdoc).expect("a TOML table serializes");
            if let Err(e) = Scenario::from_str_named(&text, &origin, &name) {
                for problem in e.problems() {
                    p.at(
                        &at(i, Some("set")),
                        format!(
                            "policy `{name}` is not a valid scenario: {}: {}",
                            problem.key_path, problem.message
                        ),
                    );
                }
                continue;
            }
            policies.push(Policy {
                name,
                doc: pdoc,
                origin,
            });
        }
    }
    if list.is_empty() {
        p.at(
            &[key("explore"), key("policy")],
            "no policies: give at least one [[explore.policy]]",
        );
    }
    policies
}

fn read_uncertainties(explore: &Table, policies: &[Policy], p: &mut Problems) -> Vec<Uncertainty> {
    let Some(list) = explore
        .get("uncertainty")
        .and_then(|v| entry_list(v, "uncertainty", p))
    else {
        return Vec::new();
    };
    const KEYS: &[&str] = &[
        "key",
        "keys",
        "name",
        "uniform",
        "log_uniform",
        "integers",
        "values",
        "weights",
        "scale",
    ];
    let mut out: Vec<Uncertainty> = Vec::new();
    for (i, entry) in list.iter().enumerate() {
        let at = |k: Option<&str>| entry_path("uncertainty", i, k);
        let Some(entry) = entry_table(entry, "uncertainty", i, KEYS, &KEYS.join(", "), p) else {
            continue;
        };
        let (keys, key_field): (Vec<String>, &str) = match (entry.get("key"), entry.get("keys")) {
            (Some(Value::String(k)), None) => (vec![k.clone()], "key"),
            (None, Some(Value::Array(ks))) if !ks.is_empty() => {
                match ks.iter().map(|k| k.as_str().map(str::to_string)).collect() {
                    Some(ks) => (ks, "keys"),
                    None => {
                        p.at(
                            &at(Some("keys")),
                            "expected a list of key paths in double quotes",
                        );
                        continue;
                    }
                }
            }
            _ => {
                p.at(
                    &at(None),
                    "needs key = \"KEY\" (e.g. \"world.hazard.gap_slope\", \"labs.*.safety_rate\") \
                     or keys = [\"KEY\", ...] (linked: one draw sets them all)",
                );
                continue;
            }
        };
        let scale = match entry.get("scale") {
            None => false,
            Some(Value::Boolean(b)) => *b,
            Some(v) => {
                p.at(
                    &at(Some("scale")),
                    format!("expected true or false, found `{v}`"),
                );
                false
            }
        };
        let given: Vec<&str> = ["uniform", "log_uniform", "integers", "values"]
            .into_iter()
            .filter(|d| entry.contains_key(*d))
            .collect();
        let [field] = given.as_slice() else {
            p.at(
                &at(None),
                "needs exactly one distribution: uniform = [LOW, HIGH], log_uniform = [LOW, HIGH], \
                 integers = [LOW, HIGH] or values = [...] (with weights = [...] if not equally likely)",
            );
            continue;
        };
        let raw = &entry[*field];
        let distribution = match *field {
            "uniform" | "log_uniform" => match pair(raw) {
                Some((low, high)) if low < high && (*field == "uniform" || low > 0.0) => {
                    if *field == "uniform" {
                        Distribution::Uniform(low, high)
                    } else {
                        Distribution::LogUniform(low, high)
                    }
                }
                Some((low, high)) => {
                    let range = format!("[{}, {}]", format_number(low), format_number(high));
                    let message = if *field == "log_uniform" && low <= 0.0 && low < high {
                        format!(
                            "a log-uniform range must be positive: found {range}; allowed [LOW, HIGH] with 0 < LOW < HIGH"
                        )
                    } else {
                        format!(
                            "the range {range} is empty or inverted: allowed [LOW, HIGH] with LOW < HIGH"
                        )
                    };
                    p.at(&at(Some(field)), message);
                    continue;
                }
                None => {
                    p.at(&at(Some(field)), "expected [LOW, HIGH], two finite numbers");
                    continue;
                }
            },
            "integers" => match raw.as_array().map(Vec::as_slice) {
                Some([Value::Integer(low), Value::Integer(high)]) if low <= high => {
                    Distribution::Integers(*low, *high)
                }
                _ => {
                    p.at(
                        &at(Some(field)),
                        format!(
                            "expected [LOW, HIGH], whole numbers with LOW <= HIGH, found `{raw}`"
                        ),
                    );
                    continue;
                }
            },
            _ => {
                let values = raw.as_array().cloned().unwrap_or_default();
                if values.is_empty() {
                    p.at(&at(Some("values")), "expected a list of one or more values");
                    continue;
                }
                let weights = match entry.get("weights") {
                    None => vec![1.0; values.len()],
                    Some(w) => match w
                        .as_array()
                        .and_then(|w| w.iter().map(number).collect::<Option<Vec<f64>>>())
                    {
                        Some(w)
                            if w.len() == values.len()
                                && w.iter().all(|x| *x >= 0.0)
                                && w.iter().sum::<f64>() > 0.0 =>
                        {
                            w
                        }
                        _ => {
                            p.at(
                                &at(Some("weights")),
                                format!(
                                    "expected {} weights, one per value, >= 0 and not all 0",
                                    values.len()
                                ),
                            );
                            continue;
                        }
                    },
                };
                Distribution::Values(values, weights)
            }
        };
        if entry.contains_key("weights") && *field != "values" {
            p.at(&at(Some("weights")), "weights go with values = [...] only");
        }
        let name = match entry.get("name") {
            Some(Value::String(n)) => n.clone(),
            Some(v) => {
                p.at(
                    &at(Some("name")),
                    format!("expected a name in double quotes, found `{v}`"),
                );
                continue;
            }
            None => keys.join("+"),
        };
        if out.iter().any(|u| u.name == name) {
            p.at(
                &at(Some(key_field)),
                format!("`{name}` is uncertain twice: give each key once, or a name = \"...\" of its own"),
            );
            continue;
        }
        // Check the keys against each policy's scenario. A key that one
        // policy lacks (a rule's key where its policy has other rules) is
        // left out of that policy's worlds; a key no policy has is an error.
        let mut targets = Vec::new();
        let mut failures = Vec::new();
        for pol in policies {
            let mut these = Vec::new();
            for text in keys.iter().flat_map(|k| expand(k, &pol.doc)) {
                match check_target(&text, pol, scale) {
                    Ok(t) => these.push(t),
                    Err(e) => {
                        let lab = text
                            .strip_prefix("labs.")
                            .and_then(|r| r.split('.').next())
                            .filter(|_| keys.iter().any(|k| k.starts_with("labs.*.")));
                        failures.push(match lab {
                            Some(i) => {
                                format!("in policy `{}`: {e} (lab {i} of the wildcard)", pol.name)
                            }
                            None => format!("in policy `{}`: {e}", pol.name),
                        });
                    }
                }
            }
            targets.push(these);
        }
        let scaled_fail = scale && !failures.is_empty();
        if targets.iter().all(Vec::is_empty) || scaled_fail {
            if let Some(first) = failures.first() {
                p.at(&at(Some(key_field)), first.clone());
            }
            continue;
        }
        let unc = Uncertainty {
            name,
            distribution,
            scale,
            targets,
        };
        // Every value it can take (a range's ends) must make a valid
        // scenario of every policy.
        'probe: for u in unc.distribution.probes() {
            for (pi, pol) in policies.iter().enumerate() {
                let mut d = pol.doc.clone();
                unc.apply(&mut d, pi, u);
                let text = toml::to_string(&d).expect("a TOML table serializes");
                if let Err(e) = Scenario::from_str_named(&text, &pol.origin, &pol.name) {
                    let shown = unc.distribution.cell(u);
                    for problem in e.problems() {
                        p.at(
                            &at(Some(field)),
                            format!(
                                "the value {shown} is not allowed in policy `{}`: {}: {}",
                                pol.name, problem.key_path, problem.message
                            ),
                        );
                    }
                    break 'probe;
                }
            }
        }
        out.push(unc);
    }
    out
}

/// A key of one policy's scenario with its value there (for `scale`).
fn check_target(text: &str, pol: &Policy, scale: bool) -> Result<(KeyPath, f64), String> {
    use crate::scenario::keys::{Default, Kind};
    let path = KeyPath::parse_any(text, &pol.doc)?;
    if scale && !matches!(path.spec.kind, Kind::Float | Kind::Integer) {
        return Err(format!(
            "`{}` is not a number and cannot be scaled",
            path.text
        ));
    }
    let base = match path.get(&pol.doc) {
        Some(v) => number(v),
        None => match path.spec.default {
            Default::Float(x) => Some(x),
            Default::Integer(i) => Some(i as f64),
            _ => None,
        },
    };
    if scale && base.is_none() {
        return Err(format!(
            "`{}` has no value to scale in policy `{}`: set it in the scenario",
            path.text, pol.name
        ));
    }
    Ok((path, base.unwrap_or(0.0)))
}

fn read_outcomes(explore: &Table, labs: &[Vec<String>], p: &mut Problems) -> Vec<Outcome> {
    let default = vec![Value::String("p_catastrophe".into())];
    let list = match explore.get("outcomes") {
        None => &default,
        Some(Value::Array(a)) if !a.is_empty() => a,
        Some(_) => {
            p.at(
                &[key("explore"), key("outcomes")],
                format!(
                    "expected a list of outcomes, e.g. [\"p_catastrophe\"]; allowed {}",
                    outcome_names()
                ),
            );
            return Vec::new();
        }
    };
    let mut out: Vec<Outcome> = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let at = [key("explore"), key("outcomes"), Step::Index(i)];
        let (name, better) = match item {
            Value::String(s) => (s.clone(), None),
            Value::Table(t) => {
                let better = match t.get("better").and_then(Value::as_str) {
                    Some("lower") => Some(Better::Lower),
                    Some("higher") => Some(Better::Higher),
                    None if !t.contains_key("better") => None,
                    _ => {
                        p.at(&at, "better must be \"lower\" or \"higher\"");
                        None
                    }
                };
                match t.get("name").and_then(Value::as_str) {
                    Some(n) => (n.to_string(), better),
                    None => {
                        p.at(
                            &at,
                            "expected { name = \"OUTCOME\", better = \"lower\" | \"higher\" }",
                        );
                        continue;
                    }
                }
            }
            _ => {
                p.at(&at, "expected an outcome name in double quotes");
                continue;
            }
        };
        let found = HEADLINE
            .iter()
            .find(|h| h.0 == name)
            .map(|h| (h.1, None, h.2))
            .or_else(|| {
                let (lab, metric) = name.rsplit_once('.')?;
                let h = PER_LAB.iter().find(|h| h.0 == metric)?;
                // The lab must be in every policy's scenario, at one index.
                let index = labs.first()?.iter().position(|l| l == lab)?;
                labs.iter()
                    .all(|ls| ls.get(index).is_some_and(|l| l == lab))
                    .then_some((h.1, Some(index), h.2))
            });
        match found {
            Some((metric, lab, default_better)) => {
                if out.iter().any(|o| o.name == name) {
                    p.at(&at, format!("outcome `{name}` is named twice"));
                    continue;
                }
                out.push(Outcome {
                    name,
                    metric,
                    lab,
                    better: better.unwrap_or(default_better),
                });
            }
            None => {
                let lab_list = labs.first().map(|l| l.join(", ")).unwrap_or_default();
                p.at(
                    &at,
                    format!(
                        "unknown outcome `{name}`: allowed {} (LAB one of {lab_list}, the same lab in every policy)",
                        outcome_names()
                    ),
                );
            }
        }
    }
    out
}

fn read_conditions(
    explore: &Table,
    policies: &[Policy],
    outcomes: &[Outcome],
    p: &mut Problems,
) -> Vec<Condition> {
    let Some(list) = explore
        .get("condition")
        .and_then(|v| entry_list(v, "condition", p))
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, entry) in list.iter().enumerate() {
        let at = |k: Option<&str>| entry_path("condition", i, k);
        let Some(entry) = entry_table(entry, "condition", i, &["name", "when"], "name and when", p)
        else {
            continue;
        };
        let Some(text) = entry.get("when").and_then(Value::as_str) else {
            p.at(
                &at(None),
                "needs when = \"POLICY.OUTCOME > POLICY.OUTCOME + NUMBER\" (or < <= >=, or a number on the right)",
            );
            continue;
        };
        match parse_condition(text, policies, outcomes) {
            Ok((left, op, right, offset)) => out.push(Condition {
                name: entry
                    .get("name")
                    .and_then(Value::as_str)
                    .map_or_else(|| format!("condition {}", i + 1), str::to_string),
                text: text.to_string(),
                left,
                op,
                right,
                offset,
            }),
            Err(e) => p.at(&at(Some("when")), e),
        }
    }
    out
}

/// `POLICY.OUTCOME OP (POLICY.OUTCOME [+|- NUMBER] | NUMBER)`, tokens
/// separated by spaces.
fn parse_condition(
    text: &str,
    policies: &[Policy],
    outcomes: &[Outcome],
) -> Result<(Term, Op, Term, f64), String> {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let form = "write POLICY.OUTCOME OP POLICY.OUTCOME [+ NUMBER | - NUMBER] or POLICY.OUTCOME OP NUMBER, \
                with spaces around the operator (OP one of < <= > >=)";
    let term = |t: &str| -> Result<Term, String> {
        if let Ok(x) = t.parse::<f64>()
            && x.is_finite()
        {
            return Ok(Term::Number(x));
        }
        let policy = policies
            .iter()
            .enumerate()
            .filter(|(_, pol)| {
                t.strip_prefix(pol.name.as_str())
                    .is_some_and(|r| r.starts_with('.'))
            })
            .max_by_key(|(_, pol)| pol.name.len());
        let Some((pi, pol)) = policy else {
            let names: Vec<&str> = policies.iter().map(|p| p.name.as_str()).collect();
            return Err(format!(
                "`{t}` names no policy: the policies are {}",
                names.join(", ")
            ));
        };
        let outcome = &t[pol.name.len() + 1..];
        match outcomes.iter().position(|o| o.name == outcome) {
            Some(oi) => Ok(Term::Outcome {
                policy: pi,
                outcome: oi,
            }),
            None => {
                let names: Vec<&str> = outcomes.iter().map(|o| o.name.as_str()).collect();
                Err(format!(
                    "`{t}`: `{outcome}` is not an outcome of this exploration: the outcomes are {} \
                     (add it to explore.outcomes)",
                    names.join(", ")
                ))
            }
        }
    };
    let op = |t: &str| match t {
        "<" => Ok(Op::Less),
        "<=" => Ok(Op::LessEq),
        ">" => Ok(Op::Greater),
        ">=" => Ok(Op::GreaterEq),
        other => Err(format!("`{other}` is not a comparison: {form}")),
    };
    let (left, o, right, offset) = match tokens.as_slice() {
        [l, o, r] => (*l, *o, *r, 0.0),
        [l, o, r, sign @ ("+" | "-"), x] => {
            let x: f64 = x
                .parse()
                .ok()
                .filter(|x: &f64| x.is_finite())
                .ok_or_else(|| format!("`{x}` is not a number: {form}"))?;
            (*l, *o, *r, if *sign == "-" { -x } else { x })
        }
        _ => return Err(format!("cannot read `{text}`: {form}")),
    };
    let left = term(left)?;
    if matches!(left, Term::Number(_)) {
        return Err(format!("the left side must be POLICY.OUTCOME: {form}"));
    }
    Ok((left, op(o)?, term(right)?, offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = concat!(
        crate::scenario::one_lab_scenario!("name = \"t\"\nruns = 10\n"),
        r#"policy = [{ rule = "match_competitors" }]
[[labs]]
name = "B"
capability = 1.0
safety = 1.0
capability_rate = 0.1
safety_rate = 0.05
"#
    );

    fn load(explore: &str) -> Result<Exploration, ScenarioError> {
        Exploration::from_str_named(
            &format!("{BASE}{explore}"),
            "x.toml",
            "x",
            Path::new("."),
            Overrides::default(),
        )
    }

    fn message(explore: &str) -> String {
        load(explore).unwrap_err().to_string()
    }

    const GOOD: &str = r#"
[explore]
worlds = 20
outcomes = ["p_catastrophe", "A.p_win"]
[[explore.uncertainty]]
key = "world.hazard.gap_slope"
uniform = [0.2, 0.6]
[[explore.uncertainty]]
key = "labs.*.safety_rate"
scale = true
log_uniform = [0.5, 2.0]
[[explore.uncertainty]]
key = "labs.A.policy.0.reference"
values = ["mean", "max"]
weights = [3, 1]
[[explore.policy]]
name = "as-is"
[[explore.policy]]
name = "racing"
set = { "labs.*.policy" = [{ rule = "race" }] }
[[explore.condition]]
when = "racing.p_catastrophe > as-is.p_catastrophe + 0.01"
"#;

    #[test]
    fn a_good_file_builds_every_experiment() {
        let e = load(GOOD).unwrap();
        assert_eq!(e.points.len(), 20);
        assert_eq!(e.policies.len(), 2);
        assert_eq!(e.outcomes[1].lab, Some(0));
        for w in 0..20 {
            let s = e.scenario(w, 0).unwrap();
            let gap = e.values[w][0];
            assert!((0.2..0.6).contains(&gap));
            assert_eq!(s.world.hazard.gap_slope, gap);
            // Both labs' safety_rate scaled by the one draw.
            let f = e.values[w][1];
            assert!((s.labs[0].safety_rate - 0.1 * f).abs() < 1e-12);
            assert!((s.labs[1].safety_rate - 0.05 * f).abs() < 1e-12);
            let racing = e.scenario(w, 1).unwrap();
            assert!(matches!(
                racing.labs[0].policy[0],
                crate::policy::Rule::Race
            ));
            assert_eq!(s.meta.runs, 10);
        }
        // The reference takes "mean" about three times in four.
        let means = (0..20).filter(|&w| e.cells(w)[2] == "mean").count();
        assert!((10..=19).contains(&means), "{means}");
    }

    #[test]
    fn bad_input_is_located_and_explained() {
        let unknown_key = GOOD.replace("world.hazard.gap_slope", "world.hazard.gap_slop");
        let m = message(&unknown_key);
        assert!(m.contains("did you mean `world.hazard.gap_slope`"), "{m}");
        assert!(m.contains("explore.uncertainty[0].key"), "{m}");

        let inverted = GOOD.replace("[0.2, 0.6]", "[0.6, 0.2]");
        let m = message(&inverted);
        assert!(m.contains("empty or inverted") && m.contains(":2"), "{m}");

        let bad_value = GOOD.replace("[\"mean\", \"max\"]", "[\"mean\", \"median\"]");
        let m = message(&bad_value);
        assert!(
            m.contains("median") && m.contains("\"mean\", \"max\" or \"leader\""),
            "{m}"
        );

        let bad_policy = GOOD.replace("racing.p_catastrophe >", "racer.p_catastrophe >");
        let m = message(&bad_policy);
        assert!(
            m.contains("names no policy: the policies are as-is, racing"),
            "{m}"
        );

        let bad_outcome = GOOD.replace("as-is.p_catastrophe +", "as-is.p_win +");
        let m = message(&bad_outcome);
        assert!(m.contains("not an outcome of this exploration"), "{m}");

        let sobol = GOOD.replace("worlds = 20", "design = \"sobol\"\nworlds = 3");
        let m = message(&sobol);
        assert!(
            m.contains("more base samples than unknowns: 3 base samples for 3 unknowns"),
            "{m}"
        );
    }

    #[test]
    fn designs_have_their_sizes() {
        let sobol = load(&GOOD.replace("worlds = 20", "design = \"sobol\"\nworlds = 16")).unwrap();
        assert_eq!(sobol.points.len(), 16 * 5);
        let morris = load(&GOOD.replace("worlds = 20", "design = \"morris\"\nworlds = 4")).unwrap();
        assert_eq!(morris.points.len(), 4 * 4);
        let factorial =
            load(&GOOD.replace("worlds = 20", "design = \"factorial\"\nlevels = 3")).unwrap();
        assert_eq!(factorial.points.len(), 3 * 3 * 2);
    }

    #[test]
    fn the_shipped_exploration_is_sound() {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/explore/headline-claims.toml");
        let e = Exploration::load(&path, Overrides::default()).unwrap();
        assert_eq!(e.uncertainties.len(), 10);
        assert_eq!(e.policies.len(), 5);
        assert_eq!(e.points.len(), 128 * 12);
        assert_eq!(e.conditions.len(), 3);
        // The lone pause's Frontier pauses; its rivals race.
        let s = e.scenario(0, 3).unwrap();
        assert!(matches!(
            s.labs[0].policy[0],
            crate::policy::Rule::UnilateralPause(_)
        ));
    }

    #[test]
    fn conditions_compare_policies_in_a_world() {
        let e = load(GOOD).unwrap();
        let c = &e.conditions[0];
        assert!(c.holds(&[vec![0.1, 0.0], vec![0.2, 0.0]]));
        assert!(!c.holds(&[vec![0.1, 0.0], vec![0.105, 0.0]]));
    }
}
