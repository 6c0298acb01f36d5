//! Parameter sweeps: how the outcomes move as one or more scenario keys move.
//!
//! A sweep is a base scenario plus parameters, each a key path with a list
//! of values (a full grid) or a range (a seeded Latin hypercube of
//! `samples` points). Parameters come from `--set KEY=V1,V2,...` /
//! `--set KEY=LOW..HIGH` on the command line or a `[sweep]` table in the
//! scenario file. Every point is checked as a scenario before anything runs,
//! and every point runs with the same seed (common random numbers).

pub mod path;

pub use path::KeyPath;

use crate::Scenario;
pub(crate) use crate::scenario::error::{Step, key_path_text, line_col_of};
use crate::scenario::error::{line_col, toml_table};
use crate::scenario::{Problem, ScenarioError};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Deserialize;
use toml::Spanned;
use toml::{Table, Value};

/// The most points a sweep may have.
pub const MAX_POINTS: usize = 100_000;

/// What a parameter takes.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// Grid values, in the order given.
    List(Vec<f64>),
    /// A range for Latin hypercube sampling.
    Range(f64, f64),
    /// Grid values of a key that takes text (such as a rule's
    /// `reference`), in the order given; a point holds the index of its
    /// value.
    Categories(Vec<String>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    pub key: KeyPath,
    pub values: Values,
}

impl Parameter {
    /// A point's value of this parameter as written in `sweep.csv` and
    /// messages: the number, or the text of a categorical value.
    pub fn cell(&self, value: f64) -> String {
        match &self.values {
            Values::Categories(c) => c[value as usize].clone(),
            _ => crate::scenario::keys::format_number(value),
        }
    }

    /// Sets this parameter to a point's `value` in `doc`.
    fn set(&self, doc: &mut Table, value: f64) {
        match &self.values {
            Values::Categories(c) => self
                .key
                .set_value(doc, Value::String(c[value as usize].clone())),
            _ => self.key.set(doc, value),
        }
    }
}

/// How the points were chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Design {
    Grid,
    LatinHypercube,
}

impl Design {
    pub fn name(self) -> &'static str {
        match self {
            Design::Grid => "grid",
            Design::LatinHypercube => "latin_hypercube",
        }
    }
}

/// One point of a sweep: the parameter values and the scenario they make.
#[derive(Debug, Clone)]
pub struct Point {
    pub values: Vec<f64>,
    pub scenario: Scenario,
}

/// A checked sweep, ready to run.
#[derive(Debug, Clone)]
pub struct Sweep {
    pub name: String,
    pub parameters: Vec<Parameter>,
    pub design: Design,
    pub points: Vec<Point>,
    /// The seed of every point (and of the Latin hypercube).
    pub seed: u64,
    /// Points of the Latin hypercube, as asked.
    samples: Option<usize>,
    /// The scenario document without its `[sweep]` table.
    base: Table,
    /// The base scenario's name, which every point keeps.
    base_name: String,
}

/// The file in a sweep's folder that runs the sweep again.
pub const REPRODUCE_FILE: &str = "sweep.toml";

impl Sweep {
    /// The sweep as a scenario file with a `[sweep]` table, for
    /// [`REPRODUCE_FILE`]: the base scenario as written (without its
    /// comments) with its name, the seed of the points and `runs` (when
    /// `--runs` replaced the file's), and the parameters as given.
    /// `airace sweep sweep.toml` runs the same points again.
    pub fn to_toml(&self, runs: Option<u64>) -> String {
        let mut doc = self.base.clone();
        let meta = doc
            .entry("scenario")
            .or_insert_with(|| Value::Table(Table::new()))
            .as_table_mut()
            .expect("a valid scenario's [scenario] is a table");
        meta.insert("name".into(), Value::String(self.base_name.clone()));
        // A seed above i64::MAX does not fit TOML; `reproduce` gives --seed.
        if let Ok(seed) = i64::try_from(self.seed) {
            meta.insert("seed".into(), Value::Integer(seed));
        }
        if let Some(runs) = runs.and_then(|r| i64::try_from(r).ok()) {
            meta.insert("runs".into(), Value::Integer(runs));
        }
        let mut sweep = Table::new();
        if self.design == Design::LatinHypercube
            && let Some(n) = self.samples
        {
            sweep.insert("samples".into(), Value::Integer(n as i64));
        }
        let floats = |v: &[f64]| Value::Array(v.iter().map(|x| Value::Float(*x)).collect());
        let parameters = self
            .parameters
            .iter()
            .map(|p| {
                let mut t = Table::new();
                t.insert("key".into(), Value::String(p.key.text.clone()));
                match &p.values {
                    Values::List(v) => t.insert("values".into(), floats(v)),
                    Values::Categories(c) => t.insert(
                        "values".into(),
                        Value::Array(c.iter().map(|x| Value::String(x.clone())).collect()),
                    ),
                    Values::Range(low, high) => t.insert("range".into(), floats(&[*low, *high])),
                };
                Value::Table(t)
            })
            .collect();
        sweep.insert("parameter".into(), Value::Array(parameters));
        doc.insert("sweep".into(), Value::Table(sweep));
        format!(
            "# The sweep as run by airace {}: the base scenario, the seed and runs of\n\
             # every point, and the swept parameters. `airace sweep {REPRODUCE_FILE}` runs it again.\n{}",
            env!("CARGO_PKG_VERSION"),
            toml::to_string(&doc).expect("a TOML table serializes")
        )
    }
}

/// A `--set` argument before its key is checked: `KEY=V1,V2` or
/// `KEY=LOW..HIGH`. A list with a value that is not a number is a list of
/// categories (`KEY=mean,max`); whether the key takes text is checked with
/// the key.
pub fn parse_set(text: &str) -> Result<(String, Values), String> {
    let (key, values) = text
        .split_once('=')
        .ok_or_else(|| format!("--set `{text}`: expected KEY=V1,V2,... or KEY=LOW..HIGH"))?;
    let number = |v: &str| -> Result<f64, String> {
        v.trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| format!("--set `{text}`: `{}` is not a finite number", v.trim()))
    };
    let values = match values.split_once("..") {
        Some((low, high)) => {
            let (low, high) = (number(low)?, number(high)?);
            if low >= high {
                return Err(format!(
                    "--set `{text}`: a range LOW..HIGH needs LOW < HIGH"
                ));
            }
            Values::Range(low, high)
        }
        None => {
            let parsed: Result<Vec<f64>, String> = values.split(',').map(number).collect();
            match parsed {
                Ok(list) => Values::List(list),
                Err(e) if values.trim().is_empty() => return Err(e),
                Err(_) => {
                    Values::Categories(values.split(',').map(|v| v.trim().to_string()).collect())
                }
            }
        }
    };
    Ok((key.trim().to_string(), values))
}

/// A parameter as written, before its key is checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Wanted {
    pub key: String,
    pub values: Values,
    /// Its index in `[[sweep.parameter]]`; `None` for `--set`.
    pub entry: Option<usize>,
}

/// The `[sweep]` table as serde reads it; the scenario's own tables are
/// read by the scenario parser.
#[derive(Debug, Deserialize)]
struct SweepOnly {
    sweep: Option<RawSweep>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSweep {
    samples: Option<Spanned<i64>>,
    #[serde(default)]
    parameter: Vec<RawParameter>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParameter {
    key: Option<String>,
    /// Numbers, or strings for a key that takes text: told apart below.
    values: Option<toml::Value>,
    range: Option<toml::Value>,
}

/// Reads the `[sweep]` table of a scenario document (keys and allowed
/// values in [`crate::scenario::keys`]: `sweep.samples` and a list of
/// `[[sweep.parameter]]` with `key` and either `values` or `range`).
/// Returns the parameters and samples, or every problem found.
fn parse_table(source: &str) -> Result<(Vec<Wanted>, Option<usize>), Vec<Problem>> {
    let read = crate::scenario::validate::read_blanking::<SweepOnly>(
        source,
        crate::scenario::validate::toml_problem,
    );
    let mut problems = read.problems;
    // A key refused above (`key = 3`, or an unknown key in the entry under
    // the header on `entry_line`, likely a misspelt one) is not also missing.
    let blanked = |field: &str, entry_line: Option<usize>| {
        read.keys.iter().any(|(path, header)| {
            *path == format!("sweep.parameter.{field}")
                || (path == "sweep.parameter" && Some(*header) == entry_line)
        })
    };
    let Some(sweep) = read.value.and_then(|v| v.sweep) else {
        return if problems.is_empty() {
            Ok((Vec::new(), None))
        } else {
            Err(problems)
        };
    };
    let samples = sweep.samples.and_then(|n| {
        let spec = crate::scenario::keys::key_spec("sweep.samples");
        let value = *n.get_ref();
        if spec.range.contains(value as f64) {
            Some(value as usize)
        } else {
            problems.push(Problem {
                line_col: Some(line_col(source, n.span().start)),
                key_path: "sweep.samples".into(),
                message: format!("{value} is out of range: allowed {}", spec.allowed()),
            });
            None
        }
    });
    let mut parameters = Vec::new();
    for (i, p) in sweep.parameter.into_iter().enumerate() {
        let at = |k: Option<&str>| {
            let mut at = vec![key("sweep"), key("parameter"), Step::Index(i)];
            at.extend(k.map(key));
            at
        };
        let entry_line = line_col_of(source, &at(None)).map(|(line, _)| line);
        if p.key.is_none() && !blanked("key", entry_line) {
            problems.push(Problem::at(
                source,
                &at(None),
                "needs key = \"...\", the key path to sweep",
            ));
        }
        let numbers = |v: &Value| -> Option<Vec<f64>> {
            v.as_array()?
                .iter()
                .map(|x| x.as_float().or_else(|| x.as_integer().map(|i| i as f64)))
                .collect::<Option<Vec<f64>>>()
                .filter(|v| v.iter().all(|x| x.is_finite()))
        };
        let values = match (&p.values, &p.range) {
            (Some(v), None) => match numbers(v) {
                Some(list) if !list.is_empty() => Some(Values::List(list)),
                _ if v
                    .as_array()
                    .is_some_and(|a| !a.is_empty() && a.iter().all(|x| x.is_str())) =>
                {
                    Some(Values::Categories(
                        v.as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|x| x.as_str().map(str::to_string))
                            .collect(),
                    ))
                }
                _ => {
                    problems.push(Problem::at(
                        source,
                        &at(Some("values")),
                        "must be a list of one or more finite numbers, e.g. values = [0.1, 0.2], \
                         or of strings for a key that takes text, e.g. values = [\"mean\", \"max\"]",
                    ));
                    None
                }
            },
            (None, Some(r)) => match numbers(r).as_deref() {
                Some([low, high]) if low < high => Some(Values::Range(*low, *high)),
                _ => {
                    problems.push(Problem::at(
                        source,
                        &at(Some("range")),
                        "must be [LOW, HIGH] with LOW < HIGH, e.g. range = [0.0, 0.3]",
                    ));
                    None
                }
            },
            (None, None) if blanked("values", entry_line) || blanked("range", entry_line) => None,
            _ => {
                problems.push(Problem::at(
                    source,
                    &at(None),
                    "needs exactly one of values = [...] or range = [LOW, HIGH]",
                ));
                None
            }
        };
        if let (Some(name), Some(values)) = (p.key, values) {
            parameters.push(Wanted {
                key: name,
                values,
                entry: Some(i),
            });
        }
    }
    if problems.is_empty() {
        Ok((parameters, samples))
    } else {
        problems.sort_by_key(|p| p.line_col.unwrap_or((usize::MAX, 0)));
        Err(problems)
    }
}

fn key(k: &str) -> Step {
    Step::Key(k.to_string())
}

/// Checks the `[sweep]` table of a scenario file (`airace validate`) as
/// `airace sweep FILE` would use it: every key, value and point. A file
/// without one passes.
pub fn check_table(source: &str, origin: &str, default_name: &str) -> Result<(), ScenarioError> {
    Sweep::build(source, origin, default_name, Vec::new(), None, None).map(|_| ())
}

impl Sweep {
    /// Builds and checks every point of a sweep of the scenario `source`
    /// (the file's text, named `origin`), from the file's `[sweep]` table and
    /// the command line's parameters (which replace the table's for the
    /// same key). Returns every problem found.
    pub fn new(
        source: &str,
        origin: &str,
        default_name: &str,
        cli: Vec<(String, Values)>,
        cli_samples: Option<usize>,
        seed_override: Option<u64>,
    ) -> Result<Sweep, ScenarioError> {
        Sweep::build(
            source,
            origin,
            default_name,
            cli,
            cli_samples,
            seed_override,
        )?
        .ok_or_else(|| {
            invalid(
                origin,
                vec![Problem::whole_file(
                    "nothing to sweep: give --set KEY=V1,V2,... or a [sweep] table with \
                     [[sweep.parameter]] entries",
                )],
            )
        })
    }

    /// [`Sweep::new`], with `None` when nothing is swept.
    fn build(
        source: &str,
        origin: &str,
        default_name: &str,
        cli: Vec<(String, Values)>,
        cli_samples: Option<usize>,
        seed_override: Option<u64>,
    ) -> Result<Option<Sweep>, ScenarioError> {
        // The base must be a valid scenario on its own.
        let base = Scenario::from_str_named(source, origin, default_name)?;
        let mut doc = toml_table(source, origin)?;
        let (mut wanted, table_samples) =
            parse_table(source).map_err(|problems| invalid(origin, problems))?;
        // A --set replaces the file's entry for its key, but two --set of
        // one key are a slip: the first would be dropped unseen.
        let mut typed: Vec<&str> = cli.iter().map(|(key, _)| key.as_str()).collect();
        typed.sort_unstable();
        if let Some(pair) = typed.windows(2).find(|pair| pair[0] == pair[1]) {
            return Err(invalid(
                origin,
                vec![Problem::whole_file(format!(
                    "--set `{}` is given twice: give each key once, with all its values \
                     (KEY=V1,V2,...)",
                    pair[0]
                ))],
            ));
        }
        for (key, values) in cli {
            wanted.retain(|w| w.key != key);
            wanted.push(Wanted {
                key,
                values,
                entry: None,
            });
        }
        doc.remove("sweep");
        if wanted.is_empty() {
            return Ok(None);
        }
        // A parameter's problem: at its [[sweep.parameter]] entry, or said
        // as a --set key's.
        let at = |entry: Option<usize>, field: &str, message: String| match entry {
            Some(i) => Problem::at(
                source,
                &[key("sweep"), key("parameter"), Step::Index(i), key(field)],
                message,
            ),
            None => Problem::whole_file(format!("sweep key {message}")),
        };
        let mut problems = Vec::new();
        let mut parameters = Vec::new();
        for w in wanted {
            let parsed = match &w.values {
                Values::Categories(c) => KeyPath::parse_any(&w.key, &doc).and_then(|path| {
                    if path.spec.kind == crate::scenario::keys::Kind::Text {
                        Ok(path)
                    } else {
                        // A numeric key given text: said as before there
                        // were categories.
                        let bad = c
                            .iter()
                            .find(|v| v.parse::<f64>().is_err())
                            .cloned()
                            .unwrap_or_default();
                        Err(format!(
                            "`{}` takes {}: `{bad}` is not a finite number",
                            w.key,
                            match path.spec.kind {
                                crate::scenario::keys::Kind::Float
                                | crate::scenario::keys::Kind::Integer => "numbers",
                                _ => "no list of values here (sweep a key that takes a number or a string)",
                            }
                        ))
                    }
                }),
                _ => KeyPath::parse(&w.key, &doc),
            };
            match parsed {
                Ok(path) => {
                    let field = match w.values {
                        Values::List(_) | Values::Categories(_) => "values",
                        Values::Range(..) => "range",
                    };
                    problems.extend(fractional(&path, &w.values).map(|e| at(w.entry, field, e)));
                    parameters.push(Parameter {
                        key: path,
                        values: w.values,
                    });
                }
                Err(e) => problems.push(at(w.entry, "key", e)),
            }
        }
        if !problems.is_empty() {
            return Err(invalid(origin, problems));
        }
        let samples = cli_samples.or(table_samples);
        let ranges = parameters
            .iter()
            .filter(|p| matches!(p.values, Values::Range(..)))
            .count();
        let design = match (samples, ranges) {
            (Some(_), n) if n == parameters.len() => Design::LatinHypercube,
            (Some(_), _) => {
                return Err(invalid(
                    origin,
                    vec![Problem::whole_file(
                        "--samples draws a Latin hypercube over ranges: give every swept key as \
                     KEY=LOW..HIGH (or range = [LOW, HIGH])",
                    )],
                ));
            }
            (None, 0) => Design::Grid,
            (None, _) => {
                return Err(invalid(
                    origin,
                    vec![Problem::whole_file(
                        "a range KEY=LOW..HIGH is sampled: add --samples N (or sweep.samples)",
                    )],
                ));
            }
        };
        let seed = seed_override.unwrap_or(base.meta.seed);
        let values = match design {
            Design::Grid => {
                grid(&parameters).map_err(|e| invalid(origin, vec![Problem::whole_file(e)]))?
            }
            Design::LatinHypercube => latin_hypercube(&parameters, samples.unwrap_or(1), seed),
        };
        let name = format!("{}-sweep", base.meta.name);
        let mut points = Vec::new();
        for (k, vals) in values.into_iter().enumerate() {
            let mut point_doc = doc.clone();
            for (p, v) in parameters.iter().zip(&vals) {
                p.set(&mut point_doc, *v);
            }
            let text = toml::to_string(&point_doc).expect("a TOML table serializes");
            let label = describe(&parameters, &vals);
            match Scenario::from_str_named(&text, origin, default_name) {
                Ok(mut scenario) => {
                    scenario.meta.name = base.meta.name.clone();
                    scenario.meta.seed = seed;
                    points.push(Point {
                        values: vals,
                        scenario,
                    });
                }
                Err(e) => {
                    for p in e.problems() {
                        problems.push(Problem::whole_file(format!(
                            "sweep point {} ({label}): {}: {}",
                            k + 1,
                            p.key_path,
                            p.message
                        )));
                    }
                }
            }
        }
        if problems.is_empty() {
            Ok(Some(Sweep {
                name,
                parameters,
                design,
                points,
                seed,
                samples,
                base: doc,
                base_name: base.meta.name,
            }))
        } else {
            Err(invalid(origin, problems))
        }
    }
}

fn invalid(origin: &str, problems: Vec<Problem>) -> ScenarioError {
    ScenarioError::Invalid {
        origin: origin.to_string(),
        problems,
    }
}

/// A grid value with a fraction for a key that takes whole numbers, said as
/// a scenario file's `steps = 120.5` is. (A Latin hypercube over such a key
/// rounds its draws instead, and records the rounded value.)
fn fractional(key: &KeyPath, values: &Values) -> Option<String> {
    let Values::List(values) = values else {
        return None;
    };
    let v = values
        .iter()
        .find(|v| key.is_integer() && v.fract() != 0.0)?;
    Some(format!(
        "`{}`: expected a whole number (no decimal point or exponent), found `{}`: allowed {}",
        key.text,
        crate::scenario::keys::format_number(*v),
        key.spec.allowed()
    ))
}

/// `key=value, ...` for messages.
pub fn describe(parameters: &[Parameter], values: &[f64]) -> String {
    parameters
        .iter()
        .zip(values)
        .map(|(p, v)| format!("{}={}", p.key.text, p.cell(*v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every combination of the listed values; the first key varies slowest.
pub fn grid(parameters: &[Parameter]) -> Result<Vec<Vec<f64>>, String> {
    let mut points: Vec<Vec<f64>> = vec![Vec::new()];
    for p in parameters {
        let indices: Vec<f64>;
        let values = match &p.values {
            Values::List(values) => values,
            Values::Categories(c) => {
                indices = (0..c.len()).map(|i| i as f64).collect();
                &indices
            }
            Values::Range(..) => unreachable!("a grid has lists only"),
        };
        if values.is_empty() {
            return Err(format!("sweep key `{}` has no values", p.key.text));
        }
        points = points
            .iter()
            .flat_map(|prefix| {
                values
                    .iter()
                    .map(move |v| [prefix.clone(), vec![*v]].concat())
            })
            .collect();
        if points.len() > MAX_POINTS {
            return Err(format!(
                "the sweep grid has more than {MAX_POINTS} points: use fewer values or --samples"
            ));
        }
    }
    Ok(points)
}

/// A Latin hypercube of `n` points over the parameters' ranges: each range
/// is cut into `n` equal strata and every stratum is used exactly once per
/// parameter, with a uniform position inside it. Seeded from the sweep's
/// seed with a stream that no run uses.
pub fn latin_hypercube(parameters: &[Parameter], n: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(u64::MAX);
    stratified(&mut rng, n, parameters.len(), |column, s, u| {
        let p = &parameters[column];
        let Values::Range(low, high) = p.values else {
            unreachable!("a Latin hypercube has ranges only")
        };
        let x = low + (high - low) * (s as f64 + u) / n as f64;
        if p.key.is_integer() { x.round() } else { x }
    })
}

/// The draws of a Latin hypercube of `n` points in `k` dimensions, column
/// by column: a Fisher–Yates permutation of the `n` strata, then one
/// uniform `u` in each; `place(column, stratum, u)` turns them into the
/// coordinate. Returns the points (rows). Sweeps and explorations share it,
/// each with its own generator and scale.
pub(crate) fn stratified<R: rand::Rng>(
    rng: &mut R,
    n: usize,
    k: usize,
    place: impl Fn(usize, usize, f64) -> f64,
) -> Vec<Vec<f64>> {
    let mut columns = Vec::with_capacity(k);
    for column in 0..k {
        let mut strata: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = rng.random_range(0..=i);
            strata.swap(i, j);
        }
        let values: Vec<f64> = strata
            .iter()
            .map(|&s| {
                let u: f64 = rng.random();
                place(column, s, u)
            })
            .collect();
        columns.push(values);
    }
    (0..n)
        .map(|i| columns.iter().map(|c| c[i]).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = crate::scenario::one_lab_scenario!("name = \"base\"\nruns = 50\n");

    /// Each problem as `airace sweep` prints it.
    fn rendered(e: ScenarioError) -> Vec<String> {
        e.problems().iter().map(|p| p.render("b.toml")).collect()
    }

    fn set(text: &str) -> (String, Values) {
        parse_set(text).unwrap()
    }

    /// `airace sweep b.toml --set ARG...` of `base`, without `--samples`
    /// or `--seed`.
    fn sweep_of(base: &str, args: &[&str]) -> Result<Sweep, ScenarioError> {
        let sets = args.iter().map(|a| set(a)).collect();
        Sweep::new(base, "b.toml", "b", sets, None, None)
    }

    /// The problems that refuse [`sweep_of`], as `airace sweep` prints them.
    fn refused(base: &str, args: &[&str]) -> Vec<String> {
        sweep_of(base, args).map_err(rendered).unwrap_err()
    }

    #[test]
    fn set_arguments_parse_lists_and_ranges() {
        assert_eq!(
            set("world.returns=0.5,1"),
            ("world.returns".into(), Values::List(vec![0.5, 1.0]))
        );
        assert_eq!(
            set("world.returns=0.2..0.8"),
            ("world.returns".into(), Values::Range(0.2, 0.8))
        );
        assert!(
            parse_set("world.returns")
                .unwrap_err()
                .contains("expected KEY=V1,V2")
        );
        assert!(
            parse_set("world.returns=0.8..0.2")
                .unwrap_err()
                .contains("LOW < HIGH")
        );
        // Text is a list of categories; the key decides whether it may be.
        assert_eq!(
            set("labs.A.policy.0.reference=mean, max"),
            (
                "labs.A.policy.0.reference".into(),
                Values::Categories(vec!["mean".into(), "max".into()])
            )
        );
        let err = sweep_of(BASE, &["world.returns=0.5,a"]).unwrap_err();
        assert!(
            rendered(err)[0].contains("`world.returns` takes numbers: `a` is not a finite number"),
        );
    }

    /// Regression: `--set labs.Alpha.policy.0.reference=mean,max` was
    /// refused as "not a finite number".
    #[test]
    fn categorical_values_sweep_a_key_that_takes_text() {
        let base = BASE.replace(
            "safety_rate = 0.1\n",
            "safety_rate = 0.1\npolicy = [{ rule = \"match_competitors\" }]\n",
        );
        let s = sweep_of(&base, &["labs.A.policy.0.reference=mean,max,leader"]).unwrap();
        let references: Vec<String> = s
            .points
            .iter()
            .map(|p| match &s.points[0].scenario.labs[0].policy[0] {
                crate::policy::Rule::MatchCompetitors(_) => s.parameters[0].cell(p.values[0]),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(references, ["mean", "max", "leader"]);
        assert!(
            s.points[1]
                .scenario
                .to_toml()
                .contains("reference = \"max\"")
        );
        assert!(
            s.to_toml(None)
                .contains("values = [\"mean\", \"max\", \"leader\"]")
        );
        let err = sweep_of(&base, &["labs.A.policy.0.reference=mean,median"]).unwrap_err();
        assert!(
            rendered(err)[0]
                .contains("unknown reference `median`: allowed \"mean\", \"max\" or \"leader\""),
        );
    }

    #[test]
    fn a_grid_has_every_combination_first_key_slowest() {
        let s = sweep_of(
            BASE,
            &["world.returns=0.5,1", "labs.A.safety_share=0,0.1,0.2"],
        )
        .unwrap();
        assert_eq!(s.design, Design::Grid);
        let values: Vec<Vec<f64>> = s.points.iter().map(|p| p.values.clone()).collect();
        assert_eq!(values.len(), 6);
        assert_eq!(values[0], vec![0.5, 0.0]);
        assert_eq!(values[2], vec![0.5, 0.2]);
        assert_eq!(values[3], vec![1.0, 0.0]);
        assert_eq!(s.points[4].scenario.labs[0].safety_share, 0.1);
        assert_eq!(s.points[4].scenario.world.returns, 1.0);
    }

    #[test]
    fn a_latin_hypercube_uses_every_stratum_once() {
        let n = 40;
        let hypercube = || {
            Sweep::new(
                BASE,
                "b.toml",
                "b",
                vec![
                    set("world.returns=0.2..1"),
                    set("labs.A.safety_share=0..0.5"),
                ],
                Some(n),
                None,
            )
            .unwrap()
        };
        let s = hypercube();
        assert_eq!(s.design, Design::LatinHypercube);
        assert_eq!(s.points.len(), n);
        for (k, (low, high)) in [(0, (0.2, 1.0)), (1, (0.0, 0.5))] {
            let mut strata: Vec<usize> = s
                .points
                .iter()
                .map(|p| ((p.values[k] - low) / (high - low) * n as f64).floor() as usize)
                .collect();
            strata.sort();
            assert_eq!(strata, (0..n).collect::<Vec<_>>(), "parameter {k}");
        }
        // Seeded: the same points again.
        let again = hypercube();
        assert_eq!(
            s.points
                .iter()
                .map(|p| p.values.clone())
                .collect::<Vec<_>>(),
            again
                .points
                .iter()
                .map(|p| p.values.clone())
                .collect::<Vec<_>>()
        );
    }

    /// Regression: sweep.csv listed seeds and fractional step counts that
    /// were never run (one seed for every point; 20.5 steps run as 21).
    #[test]
    fn only_values_that_are_run_are_accepted() {
        let err = refused(BASE, &["scenario.seed=1,2"]);
        assert!(
            err[0].starts_with("b.toml: sweep key `scenario.seed` cannot be swept"),
            "{err:?}"
        );
        let err = refused(BASE, &["scenario.steps=10,20.5"]);
        assert_eq!(
            err,
            vec![
                "b.toml: sweep key `scenario.steps`: expected a whole number (no decimal point \
                 or exponent), found `20.5`: allowed 1 <= steps <= 100000"
            ]
        );
        assert!(refused(BASE, &["labs.A.count=1,2.5"])[0].contains("found `2.5`"));
        // A Latin hypercube rounds its draws for whole-number keys and
        // records what it ran.
        let s = Sweep::new(
            BASE,
            "b.toml",
            "b",
            vec![set("scenario.steps=5..50")],
            Some(8),
            None,
        )
        .unwrap();
        for p in &s.points {
            assert_eq!(p.values[0].fract(), 0.0);
            assert_eq!(p.values[0], f64::from(p.scenario.meta.steps));
        }
    }

    #[test]
    fn the_sweep_table_is_read_and_the_command_line_wins() {
        let text = format!(
            "{BASE}\n[sweep]\n[[sweep.parameter]]\nkey = \"world.returns\"\nvalues = [0.3, 0.6]\n\
             [[sweep.parameter]]\nkey = \"world.spillover\"\nvalues = [0.0, 0.1]\n"
        );
        let s = sweep_of(&text, &["world.spillover=0.05"]).unwrap();
        assert_eq!(s.points.len(), 2);
        assert!(s.points.iter().all(|p| p.scenario.world.spillover == 0.05));
        // A plain run of the same file ignores the sweep.
        assert!(Scenario::from_str_named(&text, "b.toml", "b").is_ok());
    }

    /// The `[sweep]` block of `airace new`, its leading `# ` removed, is a
    /// sweep of the template scenario: a grid over the example's values.
    #[test]
    fn the_templates_sweep_block_uncommented_is_a_sweep() {
        let template = crate::scenario::keys::template();
        let (scenario, block) = template.split_once("# [sweep]\n").unwrap();
        let uncommented: String = block
            .lines()
            .map(|l| l.strip_prefix("# ").unwrap_or(l))
            .map(|l| format!("{l}\n"))
            .collect();
        let text = format!("{scenario}[sweep]\n{uncommented}");
        let s = Sweep::new(&text, "t.toml", "t", Vec::new(), None, None).unwrap();
        assert_eq!(s.design, Design::Grid);
        assert_eq!(s.parameters[0].key.text, "world.spillover");
        assert_eq!(s.points.len(), 3);
        // Every sweep key is explained in it.
        for k in crate::scenario::keys::keys_under("sweep")
            .chain(crate::scenario::keys::keys_under("sweep.parameter"))
        {
            assert!(block.contains(k.doc), "{}", k.path);
        }
    }

    /// Regression: an unknown key of `[sweep]` was reported alone; now every
    /// problem of the table is, with the key table's allowed values.
    #[test]
    fn every_problem_of_the_sweep_table_is_reported_at_once() {
        let text = format!(
            "{BASE}\n[sweep]\nsamles = 3\nsamples = 0\n[[sweep.parameter]]\nkey = 3\nvalues = [1]\n\
             [[sweep.parameter]]\nkey = \"world.returns\"\nvlaues = [0.1]\n"
        );
        let err = refused(&text, &[]);
        let n = BASE.lines().count();
        let want = [
            format!("b.toml:{}:1: sweep: unknown field `samles`", n + 3),
            format!(
                "b.toml:{}:11: sweep.samples: 0 is out of range: allowed 1 <= samples <= 100000",
                n + 4
            ),
            format!(
                "b.toml:{}:7: sweep.parameter.key: expected a string in double quotes, found `3`",
                n + 6
            ),
            format!(
                "b.toml:{}:1: sweep.parameter: unknown field `vlaues`",
                n + 10
            ),
        ];
        assert_eq!(err.len(), want.len(), "{err:#?}");
        for (got, want) in err.iter().zip(&want) {
            assert!(got.starts_with(want.as_str()), "{got}\nwanted {want}");
        }
        assert!(err[0].ends_with("did you mean `samples`?"), "{}", err[0]);
        assert!(err[3].ends_with("did you mean `values`?"), "{}", err[3]);
        assert_eq!(
            crate::scenario::keys::key_spec("sweep.samples").range,
            crate::scenario::keys::Range::new(
                crate::scenario::keys::Bound::Inclusive(1.0),
                crate::scenario::keys::Bound::Inclusive(MAX_POINTS as f64)
            ),
            "sweep.samples allows what a sweep can run"
        );
    }

    #[test]
    fn the_sweep_keys_cannot_be_swept() {
        let err = refused(BASE, &["sweep.samples=2,3"]);
        assert!(
            err[0].contains("is not a numeric key of the scenario"),
            "{}",
            err[0]
        );
    }

    #[test]
    fn bad_points_and_keys_are_reported_before_running() {
        let err = refused(BASE, &["world.returns=0.5,1.5,2"]);
        assert_eq!(err.len(), 2, "{err:?}");
        assert!(
            err[0]
                .contains("sweep point 2 (world.returns=1.5): world.returns: 1.5 is out of range"),
            "{}",
            err[0]
        );
        let err = refused(BASE, &["world.retrns=0.5"]);
        assert!(
            err[0].contains("did you mean `world.returns`?"),
            "{}",
            err[0]
        );
        let err = refused(BASE, &["world.returns=0.2..0.9"]);
        assert!(err[0].contains("add --samples N"), "{}", err[0]);
        let err = refused(BASE, &[]);
        assert!(err[0].contains("nothing to sweep"), "{}", err[0]);
    }
}
