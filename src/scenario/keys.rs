//! The one table of every scenario key: its default, the values it allows and
//! what it means.
//!
//! Validation, the `airace new` template and the README's format reference
//! are all read off this table, so the documentation cannot drift from what
//! the parser accepts.

use std::fmt::Write as _;

/// One end of an allowed interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    /// No limit on this side (beyond being a finite number).
    Unbounded,
    /// The value may equal the limit.
    Inclusive(f64),
    /// The value must stay strictly on the allowed side of the limit.
    Exclusive(f64),
}

/// The interval of values a numeric key allows. Non-finite values are always
/// refused.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    pub low: Bound,
    pub high: Bound,
}

impl Range {
    pub const ANY: Range = Range::new(Bound::Unbounded, Bound::Unbounded);

    pub const fn new(low: Bound, high: Bound) -> Self {
        Range { low, high }
    }

    /// Whether `value` is finite and inside the interval.
    pub fn contains(&self, value: f64) -> bool {
        if !value.is_finite() {
            return false;
        }
        let above = match self.low {
            Bound::Unbounded => true,
            Bound::Inclusive(l) => value >= l,
            Bound::Exclusive(l) => value > l,
        };
        let below = match self.high {
            Bound::Unbounded => true,
            Bound::Inclusive(h) => value <= h,
            Bound::Exclusive(h) => value < h,
        };
        above && below
    }

    /// The interval as a person reads it, e.g. `0 < returns <= 1`.
    pub fn describe(&self, name: &str) -> String {
        let num = |x: f64| format_number(x);
        match (self.low, self.high) {
            (Bound::Unbounded, Bound::Unbounded) => format!("{name} is any finite number"),
            (low, Bound::Unbounded) => match low {
                Bound::Inclusive(l) => format!("{name} >= {}", num(l)),
                Bound::Exclusive(l) => format!("{name} > {}", num(l)),
                Bound::Unbounded => unreachable!(),
            },
            (Bound::Unbounded, high) => match high {
                Bound::Inclusive(h) => format!("{name} <= {}", num(h)),
                Bound::Exclusive(h) => format!("{name} < {}", num(h)),
                Bound::Unbounded => unreachable!(),
            },
            (low, high) => {
                let (l, lop) = match low {
                    Bound::Inclusive(l) => (l, "<="),
                    Bound::Exclusive(l) => (l, "<"),
                    Bound::Unbounded => unreachable!(),
                };
                let (h, hop) = match high {
                    Bound::Inclusive(h) => (h, "<="),
                    Bound::Exclusive(h) => (h, "<"),
                    Bound::Unbounded => unreachable!(),
                };
                format!("{} {lop} {name} {hop} {}", num(l), num(h))
            }
        }
    }
}

/// A number as it would be written in a scenario file.
pub fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.1}").trim_end_matches(".0").to_string()
    } else if x.is_finite() && x.abs() >= 1e15 {
        // `{}` would write every one of up to 309 digits.
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// The type of value a key takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Float,
    Integer,
    Text,
    FloatList,
    RuleList,
    TextList,
    PairList,
    /// `[[game.strategies]]`: named policies.
    StrategyList,
    /// `[[sweep.parameter]]`: swept keys with their values.
    ParameterList,
    /// Numbers, or strings for a key that takes text.
    ValueList,
}

impl Kind {
    fn describe(self) -> &'static str {
        match self {
            Kind::Float => "number",
            Kind::Integer => "integer",
            Kind::Text => "string",
            Kind::FloatList => "list of numbers",
            Kind::RuleList => "list of rules",
            Kind::TextList => "list of strings",
            Kind::PairList => "list of [step, safety] pairs",
            Kind::StrategyList => "list of strategies",
            Kind::ParameterList => "list of parameters",
            Kind::ValueList => "list of numbers or strings",
        }
    }
}

/// What happens when a key is left out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Default {
    /// The key must be given.
    Required,
    /// Leaving the key out means the stated thing (e.g. "no end").
    Absent(&'static str),
    Float(f64),
    Integer(i64),
    Text(&'static str),
}

/// One key of the scenario format.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Key {
    /// Dotted path; `labs.` keys belong to each `[[labs]]` entry and
    /// `rule.<name>.` keys to the rule of that name in a lab's `policy`.
    pub path: &'static str,
    pub kind: Kind,
    pub default: Default,
    pub range: Range,
    /// The value the `airace new` template shows for a required key.
    pub example: Option<&'static str>,
    pub doc: &'static str,
}

impl Key {
    /// The last segment of the path, the name a user writes in the file.
    pub fn name(&self) -> &'static str {
        self.path.rsplit('.').next().unwrap_or(self.path)
    }

    /// The default as a number; panics if the table gives none, which is a
    /// bug in the table caught by its unit tests.
    pub fn default_f64(&self) -> f64 {
        match self.default {
            Default::Float(x) => x,
            Default::Integer(i) => i as f64,
            _ => panic!("key {} has no numeric default", self.path),
        }
    }

    /// The allowed values as a sentence fragment.
    pub fn allowed(&self) -> String {
        match (self.kind, self.doc_allowed()) {
            (Kind::Float | Kind::Integer | Kind::FloatList, "") => self.range.describe(self.name()),
            (_, text) => text.to_string(),
        }
    }

    fn doc_allowed(&self) -> &'static str {
        match self.path {
            "scenario.name" | "labs.name" | "regulation.name" => super::NAME_RULE,
            "scenario.description" => "any text",
            "rule.match_competitors.reference" => "\"mean\", \"max\" or \"leader\"",
            "rule.match_competitors.observe" => "\"effort\" or \"commitment\"",
            "labs.policy" => {
                "rules race, unilateral_pause, match_competitors, delay_if_leading, \
                 conditional_pause, safety_roadmap"
            }
            "regulation.labs" => {
                "names of labs: an expanded name (Frontier-2), the name of an entry with count > 1 \
                 (all its labs), or \"*\" (every lab)"
            }
            "rule.safety_roadmap.milestones" => {
                "[step, safety] pairs: steps whole numbers >= 0, strictly ascending; safety >= 0"
            }
            "game.strategies" => "at least 2, each a `name` and a `policy` as in `labs.policy`",
            "sweep.parameter" => {
                "tables, each a `key` and exactly one of `values` and `range`; one entry per key"
            }
            "sweep.parameter.key" => {
                "a key that takes a number (or text, swept by `values`), as written for `--set`; \
                 not scenario.seed"
            }
            "sweep.parameter.values" => {
                "one or more finite numbers, or strings for a key that takes text; \
                 each allowed for the key"
            }
            "sweep.parameter.range" => "[LOW, HIGH], finite numbers with LOW < HIGH",
            _ => "",
        }
    }

    fn default_text(&self) -> String {
        match self.default {
            Default::Required => "required".into(),
            Default::Absent(meaning) => format!("omitted = {meaning}"),
            Default::Float(x) => format_number(x),
            Default::Integer(i) => i.to_string(),
            Default::Text(t) => format!("\"{t}\""),
        }
    }
}

use Bound::{Exclusive as Ex, Inclusive as In, Unbounded as Un};

const fn key(
    path: &'static str,
    kind: Kind,
    default: Default,
    range: Range,
    example: Option<&'static str>,
    doc: &'static str,
) -> Key {
    Key {
        path,
        kind,
        default,
        range,
        example,
        doc,
    }
}

const UNIT: Range = Range::new(In(0.0), In(1.0));
/// Upper limit on capability-like quantities: far above any sensible
/// scenario, low enough that a long run cannot overflow to infinity.
const BIG: f64 = 1e6;

/// Every key of the scenario format, in the order of the template.
pub const KEYS: &[Key] = &[
    key(
        "scenario.name",
        Kind::Text,
        Default::Absent("the file name without .toml"),
        Range::ANY,
        None,
        "Names the output folder and the scenario in comparisons.",
    ),
    key(
        "scenario.description",
        Kind::Text,
        Default::Text(""),
        Range::ANY,
        None,
        "Free text: the question the scenario asks.",
    ),
    key(
        "scenario.seed",
        Kind::Integer,
        Default::Integer(1),
        Range::new(In(0.0), Un),
        None,
        "Master seed of the random number generator.",
    ),
    key(
        "scenario.runs",
        Kind::Integer,
        Default::Integer(10_000),
        Range::new(In(1.0), In(1e9)),
        None,
        "Number of independent races simulated.",
    ),
    key(
        "scenario.steps",
        Kind::Integer,
        Default::Required,
        Range::new(In(1.0), In(100_000.0)),
        Some("120"),
        "Length of each race in steps (one step = one month, a label only).",
    ),
    key(
        "world.decisive_capability",
        Kind::Float,
        Default::Absent("no end"),
        Range::new(Ex(0.0), In(BIG)),
        Some("10.0"),
        "The first lab to reach this capability wins and the race ends.",
    ),
    key(
        "world.returns",
        Kind::Float,
        Default::Float(0.5),
        Range::new(Ex(0.0), In(1.0)),
        None,
        "alpha: diminishing returns to effort.",
    ),
    key(
        "world.capability_noise",
        Kind::Float,
        Default::Float(0.3),
        Range::new(In(0.0), In(5.0)),
        None,
        "sigma_c: sd of the lognormal noise on capability growth.",
    ),
    key(
        "world.spillover",
        Kind::Float,
        Default::Float(0.02),
        UNIT,
        None,
        "kappa: each step a lab closes this fraction of its gap to the frontier.",
    ),
    key(
        "world.frontier_access",
        Kind::Float,
        Default::Float(1.0),
        Range::new(In(0.0), In(10.0)),
        None,
        "gamma: safety research slows by (C / Cmax)^gamma away from the frontier.",
    ),
    key(
        "world.resource_growth",
        Kind::Float,
        Default::Float(0.02),
        Range::new(In(-1.0), In(1.0)),
        None,
        "g_R: growth of every lab's resources per step.",
    ),
    key(
        "world.market_feedback",
        Kind::Float,
        Default::Float(0.01),
        UNIT,
        None,
        "m: leaders gain resources and laggards lose them, in proportion to relative capability.",
    ),
    key(
        "world.hazard.base",
        Kind::Float,
        Default::Float(0.0002),
        UNIT,
        None,
        "lambda_0: hazard per step of a lab at C = danger with S = C.",
    ),
    key(
        "world.hazard.danger",
        Kind::Float,
        Default::Float(5.0),
        Range::new(In(-BIG), In(BIG)),
        None,
        "C_ref: the capability at which the hazard equals base.",
    ),
    key(
        "world.hazard.capability_slope",
        Kind::Float,
        Default::Float(0.4),
        Range::new(In(0.0), In(100.0)),
        None,
        "a: the hazard grows by exp(a) per unit of capability.",
    ),
    key(
        "world.hazard.gap_slope",
        Kind::Float,
        Default::Float(0.4),
        Range::new(In(0.0), In(100.0)),
        None,
        "b: the hazard grows by exp(b) per unit of capability beyond safety.",
    ),
    key(
        "world.hazard.win",
        Kind::Float,
        Default::Float(0.05),
        UNIT,
        None,
        "lambda_win: extra hazard at the decisive moment, times exp(b (C - S)) of the winner.",
    ),
    key(
        "world.observation.capability_noise",
        Kind::Float,
        Default::Float(0.3),
        Range::new(In(0.0), In(BIG)),
        None,
        "sd of what a lab sees of a rival's capability.",
    ),
    key(
        "world.observation.safety_noise",
        Kind::Float,
        Default::Float(0.02),
        Range::new(In(0.0), In(1.0)),
        None,
        "sd of what a lab sees of a rival's safety share (clamped to [0, 1]).",
    ),
    key(
        "world.observation.disclosure_every",
        Kind::Integer,
        Default::Integer(0),
        Range::new(In(0.0), In(100_000.0)),
        None,
        "k > 0: on steps t with t % k == 0 every observation is exact; 0 = never.",
    ),
    key(
        "labs.name",
        Kind::Text,
        Default::Required,
        Range::ANY,
        Some("\"Frontier\""),
        "Lab name, unique after count expansion.",
    ),
    key(
        "labs.count",
        Kind::Integer,
        Default::Integer(1),
        Range::new(In(1.0), In(1000.0)),
        None,
        "More than 1 expands into identical labs NAME-1, NAME-2, ...",
    ),
    key(
        "labs.capability",
        Kind::Float,
        Default::Required,
        Range::new(Ex(0.0), In(BIG)),
        Some("1.0"),
        "C at the start.",
    ),
    key(
        "labs.safety",
        Kind::Float,
        Default::Required,
        Range::new(In(0.0), In(BIG)),
        Some("1.0"),
        "S at the start; S >= C means safety is adequate for the lab's own models.",
    ),
    key(
        "labs.resources",
        Kind::Float,
        Default::Float(1.0),
        Range::new(In(0.0), In(BIG)),
        None,
        "R at the start, relative to a typical frontier lab (1.0).",
    ),
    key(
        "labs.capability_rate",
        Kind::Float,
        Default::Required,
        Range::new(In(0.0), In(1000.0)),
        Some("0.08"),
        "g_i: capability growth per step at full effort and R = 1.",
    ),
    key(
        "labs.safety_rate",
        Kind::Float,
        Default::Required,
        Range::new(In(0.0), In(1000.0)),
        Some("0.08"),
        "h_i: safety growth per step at full effort and R = 1, at the frontier.",
    ),
    key(
        "labs.safety_share",
        Kind::Float,
        Default::Float(0.15),
        UNIT,
        None,
        "sigma_i: base share of effort spent on safety.",
    ),
    key(
        "labs.risk_perception",
        Kind::Float,
        Default::Float(1.0),
        Range::new(In(0.0), In(BIG)),
        None,
        "Multiplies the hazard the lab believes it runs (delay_if_leading).",
    ),
    key(
        "labs.evaluation_noise",
        Kind::Float,
        Default::Float(0.0),
        Range::new(In(0.0), In(BIG)),
        None,
        "sd of the lab's measurement of its own capability, which pauses compare with their thresholds.",
    ),
    key(
        "labs.evaluation_bias",
        Kind::Float,
        Default::Float(0.0),
        Range::new(In(-BIG), In(BIG)),
        None,
        "Added to that measurement (< 0: evaluations underrate the lab's models).",
    ),
    key(
        "labs.risk_noise",
        Kind::Float,
        Default::Float(0.0),
        Range::new(In(0.0), In(10.0)),
        None,
        "sd of a lognormal factor (mean 1) on the hazard the lab believes it runs (delay_if_leading).",
    ),
    key(
        "labs.risk_report_every",
        Kind::Integer,
        Default::Integer(0),
        Range::new(In(0.0), In(100_000.0)),
        None,
        "k > 0: on steps t with t % k == 0 every rival observes this lab's capability and safety effort exactly; 0 = never.",
    ),
    key(
        "labs.policy",
        Kind::RuleList,
        Default::Absent("race"),
        Range::ANY,
        None,
        "The lab's rules, combined by taking the most cautious result.",
    ),
    key(
        "rule.unilateral_pause.thresholds",
        Kind::FloatList,
        Default::Required,
        Range::new(Ex(0.0), In(BIG)),
        Some("[3.0, 6.0]"),
        "Capability levels, strictly ascending, that may not be reached until safety clears the matching bar.",
    ),
    key(
        "rule.unilateral_pause.required",
        Kind::FloatList,
        Default::Absent("the thresholds"),
        Range::new(In(0.0), In(BIG)),
        None,
        "Safety needed to pass each threshold; one per threshold.",
    ),
    key(
        "rule.match_competitors.margin",
        Kind::Float,
        Default::Float(0.0),
        Range::new(In(-1.0), In(1.0)),
        None,
        "Safety share kept above the reference share of rivals.",
    ),
    key(
        "rule.match_competitors.reference",
        Kind::Text,
        Default::Text("mean"),
        Range::ANY,
        None,
        "Which observed rival share to match: the mean, the max, or that of the apparent leader.",
    ),
    key(
        "rule.match_competitors.observe",
        Kind::Text,
        Default::Text("effort"),
        Range::ANY,
        None,
        "What is matched: the safety effort rivals spent last step (pauses and delays included), or the share they committed to.",
    ),
    key(
        "rule.delay_if_leading.lead",
        Kind::Float,
        Default::Float(0.0),
        Range::new(In(-BIG), In(BIG)),
        None,
        "Capability lead over the best observed rival needed to believe one leads.",
    ),
    key(
        "rule.delay_if_leading.risk",
        Kind::Float,
        Default::Required,
        UNIT,
        Some("0.002"),
        "Perceived probability of catastrophe this step that counts as significant.",
    ),
    key(
        "rule.delay_if_leading.slowdown",
        Kind::Float,
        Default::Float(1.0),
        UNIT,
        None,
        "Fraction of capability effort given up while delaying (moved to safety).",
    ),
    key(
        "rule.conditional_pause.thresholds",
        Kind::FloatList,
        Default::Required,
        Range::new(Ex(0.0), In(BIG)),
        Some("[3.0, 6.0]"),
        "As unilateral_pause's, binding only while the commitment is in force.",
    ),
    key(
        "rule.conditional_pause.required",
        Kind::FloatList,
        Default::Absent("the thresholds"),
        Range::new(In(0.0), In(BIG)),
        None,
        "Safety needed to pass each threshold; one per threshold.",
    ),
    key(
        "rule.conditional_pause.quorum",
        Kind::Integer,
        Default::Required,
        Range::new(In(0.0), In(1000.0)),
        Some("2"),
        "In force when at least this many other labs are bound by a pause (at most the number of other labs).",
    ),
    key(
        "rule.safety_roadmap.milestones",
        Kind::PairList,
        Default::Required,
        Range::ANY,
        Some("[[12, 2.0], [36, 4.0]]"),
        "Published safety targets: linear between milestones, none before the first, the last after it.",
    ),
    key(
        "rule.safety_roadmap.catch_up",
        Kind::Float,
        Default::Float(0.5),
        UNIT,
        None,
        "Safety share kept while the lab's safety is below the roadmap's target.",
    ),
    key(
        "payoff.win",
        Kind::Float,
        Default::Float(1.0),
        Range::new(In(-BIG), In(BIG)),
        None,
        "V_win: a lab's payoff for winning, if no catastrophe.",
    ),
    key(
        "payoff.share",
        Kind::Float,
        Default::Float(0.0),
        Range::new(In(-BIG), In(BIG)),
        None,
        "V_share: payoff per unit of final capability share, if no catastrophe.",
    ),
    key(
        "payoff.catastrophe",
        Kind::Float,
        Default::Float(1.0),
        Range::new(In(-BIG), In(BIG)),
        None,
        "V_cat: loss to every lab in a catastrophe.",
    ),
    key(
        "regulation.name",
        Kind::Text,
        Default::Required,
        Range::ANY,
        Some("\"national\""),
        "Names the regulation in outputs.",
    ),
    key(
        "regulation.labs",
        Kind::TextList,
        Default::Required,
        Range::ANY,
        Some("[\"*\"]"),
        "The labs under it; a lab may be under several regulations.",
    ),
    key(
        "regulation.start",
        Kind::Integer,
        Default::Integer(0),
        Range::new(In(0.0), In(100_000.0)),
        None,
        "First step (0-based) it applies.",
    ),
    key(
        "regulation.thresholds",
        Kind::FloatList,
        Default::Required,
        Range::new(Ex(0.0), In(BIG)),
        Some("[3.0, 5.0, 7.0]"),
        "Capability levels, strictly ascending, a regulated lab may not pass until its safety clears the matching bar.",
    ),
    key(
        "regulation.required",
        Kind::FloatList,
        Default::Absent("the thresholds"),
        Range::new(In(0.0), In(BIG)),
        None,
        "Safety needed to pass each threshold; one per threshold.",
    ),
    key(
        "regulation.compliance",
        Kind::Float,
        Default::Float(1.0),
        UNIT,
        None,
        "Probability per step that a lab at a blocked threshold obeys (pauses).",
    ),
    key(
        "regulation.audit",
        Kind::Float,
        Default::Float(0.1),
        UNIT,
        None,
        "Probability per step that a violation is detected.",
    ),
    key(
        "regulation.penalty",
        Kind::Integer,
        Default::Integer(6),
        Range::new(In(0.0), In(100_000.0)),
        None,
        "Steps of forced pause (no capability growth at all) after a detected violation.",
    ),
    key(
        "game.players",
        Kind::Integer,
        Default::Absent("the number of labs"),
        Range::new(In(2.0), In(100.0)),
        Some("3"),
        "Game files only: players in one game. With one [[labs]] template every player is a copy of it (a symmetric game); otherwise give exactly one lab per player.",
    ),
    key(
        "game.population",
        Kind::Integer,
        Default::Integer(50),
        Range::new(In(2.0), In(100_000.0)),
        None,
        "Game files only: Z, the population of labs that imitate each other in the finite-population analysis; at least `players` (the default is 50 or `players` if more).",
    ),
    key(
        "game.selection",
        Kind::Float,
        Default::Float(10.0),
        Range::new(In(0.0), In(BIG)),
        None,
        "Game files only: beta, the intensity of selection of the pairwise-comparison imitation (payoffs are between -V_cat and V_win).",
    ),
    key(
        "game.selection_sweep",
        Kind::FloatList,
        Default::Absent("21 values of beta from 0.01 to 1000, four per decade"),
        Range::new(In(0.0), In(BIG)),
        Some("[0.1, 1.0, 10.0, 100.0]"),
        "Game files only: values of beta at which the stationary distribution is also computed.",
    ),
    key(
        "game.replicator_grid",
        Kind::Integer,
        Default::Integer(10),
        Range::new(In(2.0), In(200.0)),
        None,
        "Game files only: replicator trajectories start from every population share k / replicator_grid inside the simplex.",
    ),
    key(
        "game.strategies",
        Kind::StrategyList,
        Default::Required,
        Range::ANY,
        Some("[[game.strategies]] tables"),
        "Game files only: the strategies, `[[game.strategies]]` tables each with a `name` and a `policy` (a player's policy is its strategy; a game's labs have none).",
    ),
    key(
        "sweep.samples",
        Kind::Integer,
        Default::Absent("a grid: every combination of the parameters' values"),
        Range::new(In(1.0), In(100_000.0)),
        Some("20"),
        "Read by `airace sweep` (a plain run ignores [sweep]): draw a Latin hypercube of this many points over the parameters' ranges (`--samples` overrides it).",
    ),
    key(
        "sweep.parameter",
        Kind::ParameterList,
        Default::Absent("nothing swept but the command line's --set keys"),
        Range::ANY,
        Some("[[sweep.parameter]] tables"),
        "Read by `airace sweep`: the swept keys, `[[sweep.parameter]]` tables each with a `key` and its `values` or `range` (a `--set` of the same key replaces its entry).",
    ),
    key(
        "sweep.parameter.key",
        Kind::Text,
        Default::Required,
        Range::ANY,
        Some("\"world.spillover\""),
        "The key path swept: `scenario.steps`, `world.KEY`, `world.hazard.KEY`, `payoff.KEY`, `labs.NAME.KEY` or `labs.NAME.policy.I.KEY` (the I-th rule of lab NAME).",
    ),
    key(
        "sweep.parameter.values",
        Kind::ValueList,
        Default::Absent("the range"),
        Range::ANY,
        Some("[0.0, 0.05, 0.1]"),
        "The values of a grid; every point takes one value of every parameter.",
    ),
    key(
        "sweep.parameter.range",
        Kind::FloatList,
        Default::Absent("the values"),
        Range::ANY,
        Some("[0.0, 0.1]"),
        "The interval a Latin hypercube (`samples`) draws the key from, one stratum per point.",
    ),
];

/// The rules a lab's policy may contain, in the order they are documented.
pub const RULES: &[(&str, &str)] = &[
    ("race", "No constraint: the base safety share stands."),
    (
        "unilateral_pause",
        "2023 policy: no capability past a threshold until safety reaches its bar; a lab at a blocked threshold pauses and puts all effort into safety.",
    ),
    (
        "match_competitors",
        "2026 policy: keep the safety share at least the observed rivals' (reference) plus margin.",
    ),
    (
        "delay_if_leading",
        "2026 policy: slow down when the lab believes it leads by `lead` and judges its risk significant.",
    ),
    (
        "conditional_pause",
        "The 2023 pause as an assurance contract: binds only while at least `quorum` other labs are bound by a pause (decided once, before the race).",
    ),
    (
        "safety_roadmap",
        "Published safety targets: while safety is below the roadmap's target, the safety share is at least `catch_up`.",
    ),
];

/// Looks a key up by its path; panics on an unknown path, which is a bug in
/// the caller caught by the tests.
pub fn key_spec(path: &str) -> &'static Key {
    KEYS.iter()
        .find(|k| k.path == path)
        .unwrap_or_else(|| panic!("no key {path} in the scenario key table"))
}

/// The keys of one table or rule, e.g. `world.hazard` or `rule.delay_if_leading`.
pub fn keys_under(prefix: &str) -> impl Iterator<Item = &'static Key> + '_ {
    KEYS.iter().filter(move |k| {
        k.path
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix('.'))
            .is_some_and(|rest| !rest.contains('.'))
    })
}

/// The scenario format as a Markdown table, for the README.
pub fn markdown_reference() -> String {
    let mut out = String::new();
    out.push_str("| key | type | default | allowed | meaning |\n");
    out.push_str("|---|---|---|---|---|\n");
    for k in KEYS {
        let shown = match k.path.strip_prefix("rule.") {
            Some(rest) => {
                let (rule, name) = rest.split_once('.').unwrap_or((rest, ""));
                format!("`labs.policy` `{rule}`: `{name}`")
            }
            None => format!("`{}`", k.path),
        };
        let _ = writeln!(
            out,
            "| {shown} | {} | {} | {} | {} |",
            k.kind.describe(),
            k.default_text(),
            k.allowed().replace('|', "\\|"),
            k.doc
        );
    }
    out.push_str("\nRules of `labs.policy`:\n\n");
    for (name, doc) in RULES {
        let _ = writeln!(out, "- `{name}`: {doc}");
    }
    out
}

/// An annotated scenario with every key at its default, printed by `airace new`.
pub fn template() -> String {
    let mut out = String::new();
    out.push_str(
        "# airace scenario template: every key with its default and allowed values.\n\
         # Keys marked (required) must be given; the rest may be deleted to keep the default.\n\
         # Run it with `airace run FILE.toml`; check it with `airace validate FILE.toml`.\n",
    );
    for table in [
        "scenario",
        "world",
        "world.hazard",
        "world.observation",
        "payoff",
    ] {
        let _ = writeln!(out, "\n[{table}]");
        for k in keys_under(table) {
            if k.path == "world.decisive_capability" {
                // Without it no lab ever wins: the template's race ends.
                write_key_set(&mut out, k, "10.0");
            } else {
                write_key(&mut out, k, "");
            }
        }
    }
    out.push_str("\n# One [[labs]] entry per kind of lab.\n[[labs]]\n");
    for k in keys_under("labs") {
        if k.kind == Kind::RuleList {
            continue;
        }
        write_key(&mut out, k, "");
    }
    out.push_str("# policy: the lab's rules, combined by taking the most cautious result (omitted = race).\n");
    for (name, doc) in RULES {
        let _ = writeln!(out, "#   {name}: {doc}");
        for k in keys_under(&format!("rule.{name}")) {
            let required = if matches!(k.default, Default::Required) {
                "required; "
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "#     {} = {}  ({required}{}; {})",
                k.name(),
                k.example
                    .map(str::to_string)
                    .unwrap_or_else(|| k.default_text()),
                k.allowed(),
                k.doc
            );
        }
    }
    out.push_str(
        "policy = [\n  { rule = \"match_competitors\", margin = 0.0, reference = \"mean\" },\n  \
         { rule = \"delay_if_leading\", lead = 0.0, risk = 0.002, slowdown = 1.0 },\n]\n",
    );
    out.push_str(
        "\n# A rival that simply races: the rules above have someone to match and to lead.\n\
         [[labs]]\nname = \"Challenger\"\ncapability = 1.0\nsafety = 0.9\nresources = 1.0\n\
         capability_rate = 0.08\nsafety_rate = 0.06\nsafety_share = 0.1\n\
         policy = [{ rule = \"race\" }]\n",
    );
    out.push_str(
        "\n# Binding regulation (optional): one [[regulation]] entry per regulation.\n\
         # Remove the leading '# ' of the lines below to use one.\n# [[regulation]]\n",
    );
    for k in keys_under("regulation") {
        let mut entry = String::new();
        write_key(&mut entry, k, "");
        commented(&mut out, &entry);
    }
    out.push_str(
        "\n# A parameter sweep (optional): `airace sweep FILE.toml` runs the scenario at every point;\n\
         # `airace run` ignores it. Remove the leading '# ' of the lines below to use it.\n# [sweep]\n",
    );
    let mut entry = String::new();
    for k in keys_under("sweep") {
        if k.kind == Kind::ParameterList {
            let _ = writeln!(entry, "# {} Allowed: {}.", k.doc, k.allowed());
            entry.push_str("[[sweep.parameter]]\n");
            for k in keys_under("sweep.parameter") {
                match k.example {
                    Some(example) if k.path == "sweep.parameter.values" => {
                        write_key_set(&mut entry, k, example)
                    }
                    _ => write_key(&mut entry, k, ""),
                }
            }
        } else {
            write_key(&mut entry, k, "");
        }
    }
    commented(&mut out, &entry);
    out
}

/// `entry`'s lines commented out, so that removing the leading `# ` of
/// each gives back the entry (its comments stay comments).
fn commented(out: &mut String, entry: &str) {
    for line in entry.lines() {
        if line.starts_with('#') {
            let _ = writeln!(out, "#{line}");
        } else {
            let _ = writeln!(out, "# {line}");
        }
    }
}

/// An annotated game file, printed by `airace new --game`: the scenario
/// template's world, payoff and one lab template (with no policy: a
/// player's policy is its strategy), then the `[game]` keys at their
/// defaults and two strategies. `airace validate` and `airace game`
/// accept it as printed.
pub fn game_template() -> String {
    let mut out = String::new();
    out.push_str(
        "# airace game template: a scenario (world, payoff, one lab template) plus a [game] table.\n\
         # Every key is shown with its default and allowed values; keys marked (required) must be given.\n\
         # Check it with `airace validate FILE.toml`; analyse it with `airace game FILE.toml`.\n",
    );
    for table in [
        "scenario",
        "world",
        "world.hazard",
        "world.observation",
        "payoff",
    ] {
        let _ = writeln!(out, "\n[{table}]");
        for k in keys_under(table) {
            write_key(&mut out, k, "");
        }
    }
    out.push_str(
        "\n# The lab every player is (no policy: a player's policy is its strategy).\n[[labs]]\n",
    );
    for k in keys_under("labs") {
        if k.kind != Kind::RuleList {
            write_key(&mut out, k, "");
        }
    }
    out.push_str("\n[game]\n");
    for k in keys_under("game") {
        match k.path {
            "game.strategies" => {}
            "game.players" => {
                let _ = writeln!(
                    out,
                    "# {} Allowed: {}. Omitted = {}.",
                    k.doc,
                    k.allowed(),
                    absent_meaning(k)
                );
                let _ = writeln!(out, "players = {}", k.example.unwrap_or("3"));
            }
            _ => write_key(&mut out, k, ""),
        }
    }
    let strategies = key_spec("game.strategies");
    let _ = writeln!(
        out,
        "\n# {} (required) Allowed: {}.",
        strategies.doc,
        strategies.allowed()
    );
    out.push_str(
        "[[game.strategies]]\nname = \"race\"\npolicy = [{ rule = \"race\" }]\n\n\
         [[game.strategies]]\nname = \"rsp-2026\"\npolicy = [\n  \
         { rule = \"match_competitors\", margin = 0.0, reference = \"mean\" },\n  \
         { rule = \"delay_if_leading\", lead = 0.5, risk = 0.002, slowdown = 0.5 },\n]\n",
    );
    out
}

fn write_key(out: &mut String, k: &Key, indent: &str) {
    let required = if k.default == Default::Required {
        " (required)"
    } else {
        ""
    };
    let allowed = k.allowed();
    let _ = writeln!(out, "{indent}# {}{required} Allowed: {allowed}.", k.doc);
    let value = match (k.default, k.example) {
        (Default::Required, Some(example)) => example.to_string(),
        (Default::Absent(_), Some(example)) => {
            let _ = writeln!(out, "{indent}# Omitted = {}.", absent_meaning(k));
            let _ = writeln!(out, "{indent}# {} = {example}", k.name());
            return;
        }
        (Default::Absent(_), None) => {
            let _ = writeln!(
                out,
                "{indent}# {} = ...  (omitted = {})",
                k.name(),
                absent_meaning(k)
            );
            return;
        }
        (Default::Float(x), _) => format_float(x),
        (Default::Integer(i), _) => i.to_string(),
        (Default::Text(t), _) => format!("\"{t}\""),
        (Default::Required, None) => panic!("required key {} has no example", k.path),
    };
    let _ = writeln!(out, "{indent}{} = {value}", k.name());
}

/// A key whose default is to be absent, written set to `value` (the
/// template's choice), its absence said in the comment.
fn write_key_set(out: &mut String, k: &Key, value: &str) {
    let _ = writeln!(out, "# {} Allowed: {}.", k.doc, k.allowed());
    let _ = writeln!(out, "# Omitted = {}.", absent_meaning(k));
    let _ = writeln!(out, "{} = {value}", k.name());
}

fn absent_meaning(k: &Key) -> &'static str {
    match k.default {
        Default::Absent(m) => m,
        _ => "",
    }
}

/// A float as TOML requires it: always with a decimal point.
fn format_float(x: f64) -> String {
    let s = format_number(x);
    if s.contains('.') || s.contains('e') {
        s
    } else {
        format!("{s}.0")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_a_consistent_default() {
        for k in KEYS {
            match k.default {
                Default::Float(x) => assert!(k.range.contains(x), "{}", k.path),
                Default::Integer(i) => assert!(k.range.contains(i as f64), "{}", k.path),
                Default::Required => assert!(k.example.is_some(), "{} needs an example", k.path),
                _ => {}
            }
        }
    }

    /// A rule's required keys (thresholds, risk) say so in the template,
    /// as the scenario's own do.
    #[test]
    fn the_template_marks_required_rule_keys() {
        let text = template();
        for line in [
            "#     risk = 0.002  (required; ",
            "#     thresholds = [3.0, 6.0]  (required; ",
        ] {
            assert!(text.contains(line), "{line}");
        }
        assert!(text.contains("#     margin = 0  (-1 <= margin"));
    }

    #[test]
    fn ranges_read_as_inequalities() {
        assert_eq!(key_spec("world.returns").allowed(), "0 < returns <= 1");
        assert_eq!(
            key_spec("labs.safety_share").allowed(),
            "0 <= safety_share <= 1"
        );
        assert_eq!(key_spec("scenario.seed").allowed(), "seed >= 0");
    }

    #[test]
    fn ranges_refuse_non_finite_values() {
        assert!(!Range::ANY.contains(f64::NAN));
        assert!(!Range::ANY.contains(f64::INFINITY));
        assert!(Range::ANY.contains(-3.0));
    }

    #[test]
    fn keys_under_lists_direct_children_only() {
        let world: Vec<_> = keys_under("world").map(|k| k.name()).collect();
        assert!(world.contains(&"returns"));
        assert!(!world.contains(&"base"));
    }
}
