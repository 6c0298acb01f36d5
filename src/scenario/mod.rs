//! Scenario files: TOML in, a validated [`Scenario`] out.
//!
//! Reading happens in two stages (as in ripgrep's `LowArgs` → `HiArgs`):
//! serde parses the file into the spanned raw structs of [`raw`], refusing
//! unknown keys; [`validate`] then fills in defaults and checks every value
//! and cross-field rule, collecting all problems with their line and column.
//! Nothing downstream re-checks a `Scenario`.

pub mod error;
pub mod keys;
pub mod raw;
pub(crate) mod validate;

pub use error::{Problem, ScenarioError};
pub use validate::valid_name;

/// The smallest scenario the unit tests start from, as a literal: a
/// `[scenario]` table of ten steps with the keys `head` (e.g. a name), then
/// one `[[labs]]` entry `A` whose table stays open for more keys.
#[cfg(test)]
macro_rules! one_lab_scenario {
    ($head:literal) => {
        concat!(
            "\n[scenario]\n",
            $head,
            "steps = 10\n[[labs]]\nname = \"A\"\ncapability = 1.0\nsafety = 1.0\n\
             capability_rate = 0.1\nsafety_rate = 0.1\n"
        )
    };
}
#[cfg(test)]
pub(crate) use one_lab_scenario;

/// What a name (of a scenario, lab, strategy or output folder) may be, as
/// [`valid_name`] checks it.
/// The largest scenario, game or exploration file airace reads (10 MB).
pub const MAX_FILE_BYTES: u64 = 10_000_000;

/// The longest `scenario.description`, in characters: it is copied into
/// every output folder.
pub const MAX_DESCRIPTION: usize = 10_000;

pub const NAME_RULE: &str = "letters, digits, '_', '-' and '.', not starting with '.', at most \
     100 characters, and not NA, NaN, null or None (CSV readers take those for missing values)";

/// The world's parameter types are the model's (the `[world.hazard]` and
/// `[payoff]` tables); regulation is a rule imposed on labs, the policy's.
pub use crate::model::hazard::Hazard;
pub use crate::model::payoff::Payoff;
use crate::policy::Rule;
pub use crate::policy::regulation::Regulation;
use serde::Serialize;
use std::path::Path;

/// A validated scenario: every default filled in, every value in range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    #[serde(rename = "scenario")]
    pub meta: Meta,
    pub world: World,
    pub payoff: Payoff,
    /// Labs after `count` expansion, in file order.
    pub labs: Vec<Lab>,
    /// `[[regulation]]` entries, in file order (left out when there are none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub regulation: Vec<Regulation>,
}

/// The `[scenario]` table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Meta {
    pub name: String,
    pub description: String,
    pub seed: u64,
    pub runs: u64,
    pub steps: u32,
}

/// The `[world]` table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct World {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decisive_capability: Option<f64>,
    pub returns: f64,
    pub capability_noise: f64,
    pub spillover: f64,
    pub frontier_access: f64,
    pub resource_growth: f64,
    pub market_feedback: f64,
    pub hazard: Hazard,
    pub observation: Observation,
}

/// The `[world.observation]` table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Observation {
    pub capability_noise: f64,
    pub safety_noise: f64,
    pub disclosure_every: u32,
}

impl Observation {
    /// Whether observations at step `t` are exact.
    pub fn is_exact(&self, t: u32) -> bool {
        (self.disclosure_every > 0 && t.is_multiple_of(self.disclosure_every))
            || (self.capability_noise == 0.0 && self.safety_noise == 0.0)
    }
}

/// One lab (after `count` expansion).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lab {
    pub name: String,
    pub capability: f64,
    pub safety: f64,
    pub resources: f64,
    pub capability_rate: f64,
    pub safety_rate: f64,
    pub safety_share: f64,
    pub risk_perception: f64,
    /// sd of the lab's measurement of its own capability (fuzzy evaluations).
    /// This and the next three are left out of a written scenario when
    /// zero, so that scenarios without them write what they wrote before.
    #[serde(skip_serializing_if = "is_zero")]
    pub evaluation_noise: f64,
    /// Added to that measurement (< 0: the lab underrates its models).
    #[serde(skip_serializing_if = "is_zero")]
    pub evaluation_bias: f64,
    /// sd of the lognormal factor on the hazard the lab believes it runs.
    #[serde(skip_serializing_if = "is_zero")]
    pub risk_noise: f64,
    /// k > 0: on steps with t % k == 0 every rival observes this lab exactly.
    #[serde(skip_serializing_if = "is_zero_u32")]
    pub risk_report_every: u32,
    pub policy: Vec<Rule>,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

fn is_zero_u32(x: &u32) -> bool {
    *x == 0
}

impl Lab {
    /// Whether the lab uses fuzzy evaluations or risk reports.
    pub fn is_fuzzy(&self) -> bool {
        self.evaluation_noise != 0.0 || self.evaluation_bias != 0.0 || self.risk_noise != 0.0
    }
}

/// A scenario or game file's text, read for parsing.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub text: String,
    /// The path as given, naming the file in errors.
    pub origin: String,
    /// The file name without its extension: the default name.
    pub stem: String,
}

impl SourceFile {
    /// Reads a file that must be UTF-8 text; a folder, an unreadable file or
    /// a binary one is a [`ScenarioError`] that says so.
    pub fn read(path: &Path) -> Result<SourceFile, ScenarioError> {
        use std::io::Read;
        let unreadable = |error| ScenarioError::Read {
            path: path.to_path_buf(),
            error,
        };
        // Looked at before it is opened: opening a FIFO blocks.
        let meta = std::fs::metadata(path).map_err(unreadable)?;
        if meta.is_dir() {
            return Err(ScenarioError::NotAFile {
                path: path.to_path_buf(),
            });
        }
        if !meta.is_file() {
            return Err(ScenarioError::NotRegular {
                path: path.to_path_buf(),
            });
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(ScenarioError::TooLarge {
                path: path.to_path_buf(),
            });
        }
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
            .map_err(unreadable)?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(ScenarioError::TooLarge {
                path: path.to_path_buf(),
            });
        }
        let origin = path.display().to_string();
        let text = String::from_utf8(bytes).map_err(|e| ScenarioError::Invalid {
            origin: origin.clone(),
            problems: vec![Problem {
                line_col: Some(error::line_col(
                    &String::from_utf8_lossy(&e.as_bytes()[..e.utf8_error().valid_up_to()]),
                    e.utf8_error().valid_up_to(),
                )),
                key_path: String::new(),
                message: "the file is not UTF-8 text (is it a binary file?); a scenario is a TOML text file".into(),
            }],
        })?;
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(SourceFile { text, origin, stem })
    }
}

impl Scenario {
    /// Reads and validates a scenario file. The scenario's name defaults to
    /// the file name without its extension.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let file = SourceFile::read(path)?;
        Scenario::from_str_named(&file.text, &file.origin, &file.stem)
    }

    /// Parses and validates scenario text; `origin` names it in errors and
    /// `default_name` is used when the file sets no `scenario.name`.
    pub fn from_str_named(
        source: &str,
        origin: &str,
        default_name: &str,
    ) -> Result<Scenario, ScenarioError> {
        validate::parse(source, default_name).map_err(|problems| ScenarioError::Invalid {
            origin: origin.to_string(),
            problems,
        })
    }

    /// The scenario as a TOML file with every default written out, which
    /// runs to the same results.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a validated scenario always serializes")
    }

    /// Number of labs.
    pub fn lab_count(&self) -> usize {
        self.labs.len()
    }

    /// Whether a regulation is in the scenario (its outputs then report
    /// violations, audits and penalties).
    pub fn uses_regulation(&self) -> bool {
        !self.regulation.is_empty()
    }

    /// Whether a lab measures its own capability inexactly (its outputs then
    /// report the steps above a threshold it did not notice).
    pub fn uses_fuzzy_evaluations(&self) -> bool {
        self.labs
            .iter()
            .any(|l| l.evaluation_noise != 0.0 || l.evaluation_bias != 0.0)
    }

    /// Per lab: whether its `conditional_pause` commitment is in force, by
    /// the quorum fixed point over every lab's policy ([`bound_labs`]);
    /// `None` for a lab without one.
    ///
    /// [`bound_labs`]: crate::policy::bound_labs
    pub fn in_force(&self) -> Vec<Option<bool>> {
        use crate::policy::{Commitment, bound_labs};
        let commitments: Vec<Commitment> = self
            .labs
            .iter()
            .map(|l| Commitment::of(&l.policy))
            .collect();
        let bound = bound_labs(&commitments);
        self.labs
            .iter()
            .enumerate()
            .map(|(i, l)| {
                l.policy.iter().find_map(|r| match r {
                    Rule::ConditionalPause(c) => Some(c.in_force(&bound, i)),
                    _ => None,
                })
            })
            .collect()
    }

    /// What is sound but probably not meant: a race with no end, rules
    /// that can never act (matching with no rivals, delaying for a risk no
    /// lab can perceive), a conditional pause whose quorum the labs'
    /// policies can never meet, a regulation that starts after the last
    /// step.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if self.world.decisive_capability.is_none() {
            warnings.push(format!(
                "the race has no end: without world.decisive_capability no lab ever wins \
                 (P(no winner) = 1) and every run lasts all {} steps; set it (e.g. \
                 `decisive_capability = 10.0` under [world]) for a race that is won",
                self.meta.steps
            ));
        }
        for lab in &self.labs {
            for rule in &lab.policy {
                match rule {
                    Rule::MatchCompetitors(_) if self.labs.len() < 2 => warnings.push(format!(
                        "lab `{}`: its match_competitors can never act: it has no rivals to match",
                        lab.name
                    )),
                    // 1 - exp(-risk_perception * lambda) is 0 for every hazard.
                    Rule::DelayIfLeading(d) if lab.risk_perception == 0.0 && d.risk > 0.0 => {
                        warnings.push(format!(
                            "lab `{}`: its delay_if_leading can never act: with risk_perception \
                             = 0 the lab perceives no risk, and the rule delays only at a \
                             perceived risk of at least {}",
                            lab.name, d.risk
                        ))
                    }
                    _ => {}
                }
            }
        }
        for (lab, in_force) in self.labs.iter().zip(self.in_force()) {
            if in_force == Some(false) {
                warnings.push(format!(
                    "lab `{}`: its conditional_pause can never be in force: the policies of the \
                     other labs never bind as many of them as its quorum asks (it runs as if \
                     the rule were not there)",
                    lab.name
                ));
            }
        }
        for r in &self.regulation {
            if r.start >= self.meta.steps {
                warnings.push(format!(
                    "regulation `{}` starts at step {}, after the last step ({}): it never applies",
                    r.name,
                    r.start,
                    self.meta.steps - 1
                ));
            }
        }
        warnings
    }

    /// Whether a lab has a `conditional_pause` rule.
    pub fn uses_conditional_pause(&self) -> bool {
        self.in_force().iter().any(Option::is_some)
    }
}

impl std::str::FromStr for Scenario {
    type Err = ScenarioError;

    fn from_str(source: &str) -> Result<Self, Self::Err> {
        Scenario::from_str_named(source, "<scenario>", "scenario")
    }
}
