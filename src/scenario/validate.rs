//! Stage two of reading a scenario: from the raw, spanned file to a
//! [`Scenario`], filling in defaults from the key table and collecting every
//! problem with its place in the file.

use super::error::{Problem, line_col};
use super::keys::{self, Default, Kind, key_spec};
use super::raw::{RawFile, RawLab, RawMilestones, RawRegulation, RawRule, Sp};
use super::{Hazard, Lab, Meta, Observation, Payoff, Regulation, Scenario, World};
use crate::policy::{
    ConditionalPause, DelayIfLeading, MatchCompetitors, Observe, Reference, Rule, SafetyRoadmap,
    UnilateralPause,
};
use std::collections::BTreeMap;
use std::ops::Range;

/// Parses scenario text; on failure returns every problem found.
///
/// serde stops at the first unknown key or value of the wrong type. Such a
/// key on a line of its own is blanked out (with spaces, so that every
/// place after it keeps its line and column) and the text read again, so
/// that its problems and those of the rest of the file are reported
/// together; a key of the wrong type then counts as given, not missing.
/// Anything else serde refuses (a syntax error, a key inside a table
/// written over several lines) ends the reading there.
pub fn parse(source: &str, default_name: &str) -> Result<Scenario, Vec<Problem>> {
    let Blanked {
        value: raw,
        mut problems,
        keys: blanked,
    } = read_blanking::<RawFile>(source, toml_problem);
    let Some(raw) = raw else {
        return Err(sorted(problems));
    };
    let mut checker = Checker {
        source,
        problems: Vec::new(),
        quorums: Vec::new(),
        entries: Vec::new(),
    };
    let scenario = checker.scenario(raw, default_name);
    // A key blanked for its type is not missing from its table.
    checker.problems.retain(|p| {
        let at = (
            without_indices(&p.key_path),
            p.line_col.map_or(0, |(line, _)| line),
        );
        !(p.message.starts_with("missing required key") && blanked.contains(&at))
    });
    problems.extend(checker.problems);
    if problems.is_empty() {
        Ok(scenario)
    } else {
        Err(sorted(problems))
    }
}

/// What [`read_blanking`] read: the value, if serde took the text once
/// the refused keys were blanked, the problems of those keys, and each
/// such key (its path without indices) with the line of its table's
/// header.
pub(crate) struct Blanked<T> {
    pub value: Option<T>,
    pub problems: Vec<Problem>,
    pub keys: Vec<(String, usize)>,
}

/// Deserializes TOML `source` as `T`, reporting every key serde refuses,
/// not only the first: serde stops at the first unknown key or value of
/// the wrong type; such a key on a line of its own is blanked out (with
/// spaces, so that every place after it keeps its line and column) and
/// the text read again. Anything else serde refuses (a syntax error, a key
/// inside a table written over several lines) ends the reading there, with
/// no value. `problem` says what an error is, in the reader's words.
pub(crate) fn read_blanking<T: serde::de::DeserializeOwned>(
    source: &str,
    problem: impl Fn(&str, &toml::de::Error) -> Problem,
) -> Blanked<T> {
    const MOST: usize = 50;
    let mut text = source.to_string();
    let mut problems = Vec::new();
    let mut keys = Vec::new();
    loop {
        let error = match toml::from_str(&text) {
            Ok(value) => {
                return Blanked {
                    value: Some(value),
                    problems,
                    keys,
                };
            }
            Err(e) => e,
        };
        let found = problem(&text, &error);
        let line = error.span().and_then(|s| own_line(&text, s.start));
        let key_path = found.key_path.clone();
        problems.push(found);
        match line {
            Some(line) if problems.len() < MOST => {
                // The key's table: the last header above it (line 1 if none).
                let header = text[..line.start]
                    .lines()
                    .enumerate()
                    .filter(|(_, l)| l.trim_start().starts_with('['))
                    .last()
                    .map_or(1, |(i, _)| i + 1);
                text.replace_range(line.clone(), &" ".repeat(line.len()));
                keys.push((without_indices(&key_path), header));
            }
            _ => {
                return Blanked {
                    value: None,
                    problems,
                    keys,
                };
            }
        }
    }
}

/// `labs[0].policy[1].risk` as `labs.policy.risk`.
fn without_indices(path: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Problems in the order of the file.
fn sorted(mut problems: Vec<Problem>) -> Vec<Problem> {
    problems.sort_by_key(|p| p.line_col.unwrap_or((usize::MAX, 0)));
    problems
}

/// The line holding byte `at`, without its line break, if it is one whole
/// `key = value` by itself (TOML on its own line).
fn own_line(text: &str, at: usize) -> Option<Range<usize>> {
    let start = text.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let line = text[start..end].trim_end_matches('\r');
    let table: toml::Table = line.parse().ok()?;
    (table.len() == 1 && !line.trim_start().starts_with('[')).then_some(start..start + line.len())
}

/// The key path a serde/TOML error names (as in `labs[0].policy`), if any:
/// it is only in the error's text, and only without the input.
pub(crate) fn toml_key_path(error: &toml::de::Error) -> Option<String> {
    let mut bare = error.clone();
    bare.set_input(None);
    bare.to_string().lines().find_map(|l| {
        l.strip_prefix("in `")?
            .strip_suffix('`')
            .map(str::to_string)
    })
}

/// A serde/TOML error as a problem: the key path, the value as written,
/// what is expected in plain words (with the key table's allowed values),
/// and a "did you mean" for near-miss keys. The one such translation of
/// every reader: scenario, `[sweep]` and `[game]`.
pub(crate) fn toml_problem(source: &str, error: &toml::de::Error) -> Problem {
    let span = error.span();
    let message = error.message().trim();
    let key_path = toml_key_path(error).unwrap_or_default();
    let written = span
        .as_ref()
        .and_then(|s| source.get(s.clone()))
        .map(str::trim)
        .unwrap_or("");
    let message = if let Some(hint) = unknown_key_hint(message) {
        format!("{message}{hint}")
    } else if message.starts_with("unknown field `game`") && key_path.is_empty() {
        format!(
            "{message}; a file with a [game] table is a game: run it with `airace game FILE` \
             (`airace validate FILE` checks it)"
        )
    } else if let Some(m) = message.strip_prefix("unknown field `") {
        // A table's key written after another table's header lands there.
        let misplaced = m.split('`').next().filter(|k| {
            ["scenario", "world", "labs", "payoff"].contains(k) && !key_path.is_empty()
        });
        match misplaced {
            Some(k) => format!(
                "{message}; keys after a [table] header belong to that table: \
                 move `{k}` above the first header or give it its own table"
            ),
            None => message.to_string(),
        }
    } else if let Some((found, expected)) = type_mismatch(message) {
        let found = if !written.is_empty() && written.len() <= 40 && !written.contains('\n') {
            format!("`{written}`")
        } else {
            found
        };
        let expected = match expected.as_str() {
            "a table" if !key_path.is_empty() => format!("a [{key_path}] table"),
            _ => expected,
        };
        let mut text = format!("expected {expected}, found {found}");
        if expected == "a number" && written.starts_with('"') {
            text.push_str(" (write numbers without quotes)");
        }
        if key_path == "labs" {
            text.push_str(" (write each lab as its own [[labs]] table, with double brackets)");
        }
        match key_for(&key_path) {
            Some(key) if key.kind == Kind::FloatList => {
                if let Some(e) = key.example {
                    text.push_str(&format!(": e.g. `{} = {e}`", key.name()));
                }
                text.push_str(&format!(" (each {})", key.allowed()));
            }
            Some(key) if key.kind == Kind::RuleList => text.push_str(&format!(
                ": write e.g. `policy = [{{ rule = \"race\" }}]`; allowed {}",
                key.allowed()
            )),
            Some(key) => text.push_str(&format!(": allowed {}", key.allowed())),
            None => {}
        }
        text
    } else {
        let after = span
            .as_ref()
            .and_then(|s| source.get(s.start..))
            .unwrap_or("");
        let before = span
            .as_ref()
            .and_then(|s| source.get(..s.start))
            .unwrap_or("");
        let decimal_comma =
            after.starts_with(',') && before.ends_with(|c: char| c.is_ascii_digit());
        syntax_message(message, written, decimal_comma)
    };
    Problem {
        line_col: span.map(|s| line_col(source, s.start)),
        key_path,
        message,
    }
}

/// serde's "invalid type: string \"1\", expected f64" as (found, expected)
/// in the words of a scenario file.
fn type_mismatch(message: &str) -> Option<(String, String)> {
    let (invalid_value, rest) = match message.strip_prefix("invalid type: ") {
        Some(rest) => (false, rest),
        None => (true, message.strip_prefix("invalid value: ")?),
    };
    let (found, expected) = rest.rsplit_once(", expected ")?;
    let found = match found {
        "map" => "a table".to_string(),
        "sequence" => "a list".to_string(),
        other => other.to_string(),
    };
    let expected = match expected {
        "f64" => "a number".to_string(),
        "i64" if invalid_value => format!(
            "a whole number within what TOML can hold, {} to {}",
            i64::MIN,
            i64::MAX
        ),
        "i64" => "a whole number (no decimal point or exponent)".to_string(),
        "a sequence" => "a list in square brackets `[...]`".to_string(),
        "a string" => "a string in double quotes".to_string(),
        e if e.starts_with("struct ") => "a table".to_string(),
        e => e.to_string(),
    };
    Some((found, expected))
}

/// The key table entry for a path from the TOML layer, e.g. `labs.safety`
/// or `labs.policy.thresholds` (a rule's key).
fn key_for(path: &str) -> Option<&'static keys::Key> {
    keys::KEYS.iter().find(|k| k.path == path).or_else(|| {
        let name = path.strip_prefix("labs.policy.")?;
        let mut rule_keys = keys::KEYS
            .iter()
            .filter(|k| k.path.starts_with("rule.") && k.name() == name);
        let key = rule_keys.next()?;
        // A name several rules share (thresholds) counts when they agree.
        rule_keys
            .all(|k| k.kind == key.kind && k.range == key.range && k.example == key.example)
            .then_some(key)
    })
}

/// A TOML syntax error, said as one, with a hint for common slips.
fn syntax_message(message: &str, written: &str, decimal_comma: bool) -> String {
    let hint = if message == "duplicate key" {
        format!(" `{written}`: each key may be set only once in a table")
    } else if message.starts_with("string values must be quoted")
        && written.starts_with(|c: char| c.is_ascii_digit() || c == '-')
    {
        " (a number is digits only, e.g. 0.15 not 15%; a comment starts with #)".to_string()
    } else if decimal_comma {
        " (a number uses a decimal point, not a comma: 1.2 not 1,2)".to_string()
    } else if message.starts_with("missing comma between array elements") {
        " (is the closing `]` of a list missing above?)".to_string()
    } else if message.starts_with("invalid basic string") {
        " (the closing `\"` of a string is missing)".to_string()
    } else {
        String::new()
    };
    format!("TOML syntax error: {message}{hint}")
}

/// serde says "unknown field `x`, expected one of `a`, `b`"; suggest the
/// nearest expected key.
fn unknown_key_hint(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (found, rest) = rest.split_once('`')?;
    let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    let best = super::error::nearest(found, expected)?;
    Some(format!("; did you mean `{best}`?"))
}

struct Checker<'a> {
    source: &'a str,
    problems: Vec<Problem>,
    /// Each `conditional_pause` quorum with its place, checked against the
    /// number of labs once they are all expanded.
    quorums: Vec<(i64, Range<usize>, String)>,
    /// Each `[[labs]]` entry's name and the names it expanded into.
    entries: Vec<(String, Vec<String>)>,
}

/// Where a value sits: its key path for messages and its span for line:col.
struct Place<'p> {
    path: &'p str,
    span: Option<Range<usize>>,
}

impl<'p> Place<'p> {
    /// The place of a table at `path`, where the file has it (`None`: the
    /// file leaves it out).
    fn of<T>(path: &'p str, table: Option<&Sp<T>>) -> Self {
        Place {
            path,
            span: table.map(|t| t.span()),
        }
    }
}

impl<'a> Checker<'a> {
    fn problem(
        &mut self,
        span: Option<Range<usize>>,
        key_path: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.problems.push(Problem {
            line_col: span.map(|s| line_col(self.source, s.start)),
            key_path: key_path.into(),
            message: message.into(),
        });
    }

    /// A key that names one of `options` (name, value) in the table at
    /// `path`: the first option if absent; an unknown name is a problem
    /// (and reads as the first option, so checking goes on).
    fn choice<T: Copy>(
        &mut self,
        value: &Option<Sp<String>>,
        spec: &str,
        path: &str,
        options: &[(&str, T)],
    ) -> T {
        let first = options[0].1;
        let Some(v) = value else {
            return first;
        };
        let name = v.get_ref().as_str();
        if let Some(&(_, option)) = options.iter().find(|(n, _)| *n == name) {
            return option;
        }
        let key = key_spec(spec);
        self.problem(
            Some(v.span()),
            join(path, key.name()),
            format!("unknown {} `{name}`: allowed {}", key.name(), key.allowed()),
        );
        first
    }

    /// A number key: default if absent (a problem if required), range-checked.
    fn float(&mut self, value: &Option<Sp<f64>>, spec: &str, table: &Place<'_>) -> f64 {
        let key = key_spec(spec);
        let path = join(table.path, key.name());
        match value {
            None => self.absent_value(table, key, &path).unwrap_or(f64::NAN),
            Some(v) => {
                let x = *v.get_ref();
                self.check_range(x, key, &path, v.span());
                x
            }
        }
    }

    fn integer(&mut self, value: &Option<Sp<i64>>, spec: &str, table: &Place<'_>) -> i64 {
        let key = key_spec(spec);
        let path = join(table.path, key.name());
        match value {
            None => self.absent_value(table, key, &path).map_or(0, |x| x as i64),
            Some(v) => {
                let x = *v.get_ref();
                if !key.range.contains(x as f64) {
                    self.problem(
                        Some(v.span()),
                        path,
                        format!("{x} is out of range: allowed {}", key.allowed()),
                    );
                }
                x
            }
        }
    }

    fn check_range(&mut self, x: f64, key: &keys::Key, path: &str, span: Range<usize>) {
        if !x.is_finite() {
            self.problem(
                Some(span),
                path,
                format!("{x} is not a finite number: allowed {}", key.allowed()),
            );
        } else if !key.range.contains(x) {
            self.problem(
                Some(span),
                path,
                format!(
                    "{} is out of range: allowed {}",
                    keys::format_number(x),
                    key.allowed()
                ),
            );
        }
    }

    /// The value of an absent numeric key: its default, or `None` (and a
    /// problem) if it is required.
    fn absent_value(&mut self, table: &Place<'_>, key: &keys::Key, path: &str) -> Option<f64> {
        if key.default == Default::Required {
            self.missing(table, key, path);
            return None;
        }
        Some(key.default_f64())
    }

    /// A required key that is absent: say where, with an example line and
    /// the allowed values from the key table.
    fn missing(&mut self, table: &Place<'_>, key: &keys::Key, path: &str) {
        let name = key.name();
        let example = key
            .example
            .map(|e| format!("; add e.g. `{name} = {e}`"))
            .unwrap_or_default();
        let where_ = if table.path.is_empty() {
            "the file".to_string()
        } else {
            table_name(table.path)
        };
        self.problem(
            table.span.clone(),
            path,
            format!(
                "missing required key `{name}` in {where_}{example} (allowed {})",
                key.allowed()
            ),
        );
    }

    fn scenario(&mut self, raw: RawFile, default_name: &str) -> Scenario {
        let meta = self.meta(&raw, default_name);
        let world = self.world(&raw);
        let payoff = self.payoff(&raw);
        let labs = self.labs(&raw);
        let others = labs.len().saturating_sub(1);
        for (quorum, span, path) in std::mem::take(&mut self.quorums) {
            if quorum > others as i64 {
                self.problem(
                    Some(span),
                    path,
                    format!(
                        "quorum {quorum} is more than the {others} other labs of the scenario: \
                         allowed 0 <= quorum <= {others}"
                    ),
                );
            }
        }
        let regulation = self.regulations(&raw, &labs);
        Scenario {
            meta,
            world,
            payoff,
            labs,
            regulation,
        }
    }

    fn regulations(&mut self, raw: &RawFile, labs: &[Lab]) -> Vec<Regulation> {
        let Some(list) = &raw.regulation else {
            return Vec::new();
        };
        list.get_ref()
            .iter()
            .enumerate()
            .map(|(i, r)| self.regulation(r, &format!("regulation[{i}]"), labs))
            .collect()
    }

    fn regulation(&mut self, raw: &Sp<RawRegulation>, path: &str, labs: &[Lab]) -> Regulation {
        let table = Place::of(path, Some(raw));
        let r = raw.get_ref();
        let name = self
            .required_name(&r.name, "regulation.name", &table)
            .unwrap_or_default();
        let mut covered = vec![false; labs.len()];
        match &r.labs {
            None => self.missing(&table, key_spec("regulation.labs"), &format!("{path}.labs")),
            Some(list) => {
                if list.get_ref().is_empty() {
                    self.problem(
                        Some(list.span()),
                        format!("{path}.labs"),
                        "labs is empty: name at least one lab, or \"*\" for every lab",
                    );
                }
                for (k, pattern) in list.get_ref().iter().enumerate() {
                    let p = pattern.get_ref().as_str();
                    let by_entry = self
                        .entries
                        .iter()
                        .find(|(entry, names)| entry == p && names.len() > 1);
                    let matched: Vec<usize> = if p == "*" {
                        (0..labs.len()).collect()
                    } else if let Some((_, names)) = by_entry {
                        (0..labs.len())
                            .filter(|&i| names.contains(&labs[i].name))
                            .collect()
                    } else {
                        (0..labs.len()).filter(|&i| labs[i].name == p).collect()
                    };
                    if matched.is_empty() {
                        let names: Vec<&str> = labs.iter().map(|l| l.name.as_str()).collect();
                        self.problem(
                            Some(pattern.span()),
                            format!("{path}.labs[{k}]"),
                            format!(
                                "no lab is named `{p}`: the labs are {}; allowed {}",
                                names.join(", "),
                                key_spec("regulation.labs").allowed()
                            ),
                        );
                    }
                    for i in matched {
                        covered[i] = true;
                    }
                }
            }
        }
        let start = self.integer(&r.start, "regulation.start", &table);
        let (thresholds, required) = self.thresholds(
            &r.thresholds,
            &r.required,
            "regulation.thresholds",
            "regulation.required",
            &table,
        );
        Regulation {
            name,
            labs: labs
                .iter()
                .zip(&covered)
                .filter(|(_, c)| **c)
                .map(|(l, _)| l.name.clone())
                .collect(),
            start: start.clamp(0, u32::MAX as i64) as u32,
            thresholds,
            required,
            compliance: self.float(&r.compliance, "regulation.compliance", &table),
            audit: self.float(&r.audit, "regulation.audit", &table),
            penalty: self
                .integer(&r.penalty, "regulation.penalty", &table)
                .clamp(0, u32::MAX as i64) as u32,
        }
    }

    /// A threshold list and its safety bars (default: the thresholds),
    /// checked as the pause's: strictly ascending, not empty, one bar each.
    fn thresholds(
        &mut self,
        raw_thresholds: &Option<Sp<Vec<Sp<f64>>>>,
        raw_required: &Option<Sp<Vec<Sp<f64>>>>,
        thresholds_key: &str,
        required_key: &str,
        table: &Place<'_>,
    ) -> (Vec<f64>, Vec<f64>) {
        let path = table.path;
        let thresholds = self.float_list(raw_thresholds, thresholds_key, table);
        let required = match raw_required {
            None => thresholds.clone(),
            Some(_) => self.float_list(raw_required, required_key, table),
        };
        if thresholds.windows(2).any(|w| w[0] >= w[1]) {
            self.problem(
                raw_thresholds.as_ref().map(|t| t.span()),
                format!("{path}.thresholds"),
                format!("thresholds {thresholds:?} are not strictly ascending: list each capability level once, lowest first"),
            );
        }
        if raw_thresholds.is_some() && thresholds.is_empty() {
            self.problem(
                raw_thresholds.as_ref().map(|t| t.span()),
                format!("{path}.thresholds"),
                "thresholds is empty: give at least one capability level",
            );
        }
        if required.len() != thresholds.len() {
            self.problem(
                raw_required.as_ref().map(|t| t.span()),
                format!("{path}.required"),
                format!(
                    "required has {} values but thresholds has {}: give one safety bar per threshold",
                    required.len(),
                    thresholds.len()
                ),
            );
        }
        (thresholds, required)
    }

    fn meta(&mut self, raw: &RawFile, default_name: &str) -> Meta {
        let span = raw.scenario.as_ref().map(|s| s.span());
        let table = Place {
            path: "scenario",
            span: span.clone().or(Some(0..0)),
        };
        let empty = super::raw::RawMeta {
            name: None,
            description: None,
            seed: None,
            runs: None,
            steps: None,
        };
        let m = raw.scenario.as_ref().map_or(&empty, |s| s.get_ref());
        let name = match &m.name {
            Some(n) => {
                self.check_name(n.get_ref(), "scenario.name", Some(n.span()));
                n.get_ref().clone()
            }
            None => {
                if !valid_name(default_name) {
                    self.problem(
                        span,
                        "scenario.name",
                        format!(
                            "no name is set and the file name `{default_name}` cannot name an output folder; \
                             set `name` in [scenario] ({})",
                            key_spec("scenario.name").allowed()
                        ),
                    );
                }
                default_name.to_string()
            }
        };
        let description = m
            .description
            .as_ref()
            .map(|d| {
                let chars = d.get_ref().chars().count();
                if chars > super::MAX_DESCRIPTION {
                    self.problem(
                        Some(d.span()),
                        "scenario.description",
                        format!(
                            "the description is {chars} characters long: allowed at most {} \
                             (it is copied into every output; keep longer notes in a comment)",
                            super::MAX_DESCRIPTION
                        ),
                    );
                }
                d.get_ref().clone()
            })
            .unwrap_or_default();
        let seed = self.integer(&m.seed, "scenario.seed", &table);
        let runs = self.integer(&m.runs, "scenario.runs", &table);
        let steps = self.integer(&m.steps, "scenario.steps", &table);
        Meta {
            name,
            description,
            seed: seed.max(0) as u64,
            runs: runs.max(1) as u64,
            steps: steps.clamp(1, u32::MAX as i64) as u32,
        }
    }

    fn world(&mut self, raw: &RawFile) -> World {
        let w = raw.world.as_ref();
        let table = Place::of("world", w);
        let w = w.map(|w| w.get_ref());
        let f = |w: Option<&super::raw::RawWorld>,
                 get: fn(&super::raw::RawWorld) -> &Option<Sp<f64>>| {
            w.and_then(|w| get(w).as_ref()).cloned()
        };
        let decisive_capability = match f(w, |w| &w.decisive_capability) {
            Some(v) => {
                self.check_range(
                    *v.get_ref(),
                    key_spec("world.decisive_capability"),
                    "world.decisive_capability",
                    v.span(),
                );
                Some(*v.get_ref())
            }
            None => None,
        };
        let returns = self.float(&f(w, |w| &w.returns), "world.returns", &table);
        let capability_noise = self.float(
            &f(w, |w| &w.capability_noise),
            "world.capability_noise",
            &table,
        );
        let spillover = self.float(&f(w, |w| &w.spillover), "world.spillover", &table);
        let frontier_access = self.float(
            &f(w, |w| &w.frontier_access),
            "world.frontier_access",
            &table,
        );
        let resource_growth = self.float(
            &f(w, |w| &w.resource_growth),
            "world.resource_growth",
            &table,
        );
        let market_feedback = self.float(
            &f(w, |w| &w.market_feedback),
            "world.market_feedback",
            &table,
        );

        let h = w.and_then(|w| w.hazard.as_ref());
        let table = Place::of("world.hazard", h);
        let h = h.map(|h| h.get_ref());
        let hf = |get: fn(&super::raw::RawHazard) -> &Option<Sp<f64>>| {
            h.and_then(|h| get(h).as_ref()).cloned()
        };
        let hazard = Hazard {
            base: self.float(&hf(|h| &h.base), "world.hazard.base", &table),
            danger: self.float(&hf(|h| &h.danger), "world.hazard.danger", &table),
            capability_slope: self.float(
                &hf(|h| &h.capability_slope),
                "world.hazard.capability_slope",
                &table,
            ),
            gap_slope: self.float(&hf(|h| &h.gap_slope), "world.hazard.gap_slope", &table),
            win: self.float(&hf(|h| &h.win), "world.hazard.win", &table),
        };

        let o = w.and_then(|w| w.observation.as_ref());
        let table = Place::of("world.observation", o);
        let o = o.map(|o| o.get_ref());
        let observation = Observation {
            capability_noise: self.float(
                &o.and_then(|o| o.capability_noise.clone()),
                "world.observation.capability_noise",
                &table,
            ),
            safety_noise: self.float(
                &o.and_then(|o| o.safety_noise.clone()),
                "world.observation.safety_noise",
                &table,
            ),
            disclosure_every: self
                .integer(
                    &o.and_then(|o| o.disclosure_every.clone()),
                    "world.observation.disclosure_every",
                    &table,
                )
                .clamp(0, u32::MAX as i64) as u32,
        };
        World {
            decisive_capability,
            returns,
            capability_noise,
            spillover,
            frontier_access,
            resource_growth,
            market_feedback,
            hazard,
            observation,
        }
    }

    fn payoff(&mut self, raw: &RawFile) -> Payoff {
        let p = raw.payoff.as_ref();
        let table = Place::of("payoff", p);
        let p = p.map(|p| p.get_ref());
        Payoff {
            win: self.float(&p.and_then(|p| p.win.clone()), "payoff.win", &table),
            share: self.float(&p.and_then(|p| p.share.clone()), "payoff.share", &table),
            catastrophe: self.float(
                &p.and_then(|p| p.catastrophe.clone()),
                "payoff.catastrophe",
                &table,
            ),
        }
    }

    fn labs(&mut self, raw: &RawFile) -> Vec<Lab> {
        let Some(labs) = raw.labs.as_ref().filter(|l| !l.get_ref().is_empty()) else {
            self.problem(
                raw.labs.as_ref().map(|l| l.span()),
                "labs",
                "a scenario needs at least one lab: add a [[labs]] table with name, capability, safety, \
                 capability_rate and safety_rate",
            );
            return Vec::new();
        };
        let mut expanded = Vec::new();
        // Expanded name -> (entry index, how it arose), to explain duplicates.
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (index, lab) in labs.get_ref().iter().enumerate() {
            let path = format!("labs[{index}]");
            let Some((template, count, name_span)) = self.lab(lab, &path) else {
                continue;
            };
            let first = expanded.len();
            for k in 1..=count {
                let name = if count == 1 {
                    template.name.clone()
                } else {
                    format!("{}-{k}", template.name)
                };
                let origin = if count == 1 {
                    path.clone()
                } else {
                    format!("{path} (count = {count})")
                };
                if let Some(first) = seen.get(&name) {
                    self.problem(
                        name_span.clone(),
                        format!("{path}.name"),
                        format!(
                            "lab name `{name}` from {origin} is already used by {first}; \
                             lab names must be unique after count expansion"
                        ),
                    );
                } else {
                    seen.insert(name.clone(), origin);
                }
                expanded.push(Lab {
                    name,
                    ..template.clone()
                });
            }
            let names = expanded[first..].iter().map(|l| l.name.clone()).collect();
            self.entries.push((template.name.clone(), names));
        }
        expanded
    }

    /// The required `name` of a table (key `spec`): checked, or reported
    /// missing (`None`).
    fn required_name(
        &mut self,
        name: &Option<Sp<String>>,
        spec: &str,
        table: &Place<'_>,
    ) -> Option<String> {
        let path = format!("{}.name", table.path);
        match name {
            Some(n) => {
                self.check_name(n.get_ref(), &path, Some(n.span()));
                Some(n.get_ref().clone())
            }
            None => {
                self.missing(table, key_spec(spec), &path);
                None
            }
        }
    }

    /// One `[[labs]]` entry, before count expansion.
    fn lab(&mut self, raw: &Sp<RawLab>, path: &str) -> Option<(Lab, usize, Option<Range<usize>>)> {
        let table = Place::of(path, Some(raw));
        let l = raw.get_ref();
        let name = self
            .required_name(&l.name, "labs.name", &table)
            .unwrap_or_else(|| format!("lab{path}"));
        let count = self.integer(&l.count, "labs.count", &table);
        let lab = Lab {
            name,
            capability: self.float(&l.capability, "labs.capability", &table),
            safety: self.float(&l.safety, "labs.safety", &table),
            resources: self.float(&l.resources, "labs.resources", &table),
            capability_rate: self.float(&l.capability_rate, "labs.capability_rate", &table),
            safety_rate: self.float(&l.safety_rate, "labs.safety_rate", &table),
            safety_share: self.float(&l.safety_share, "labs.safety_share", &table),
            risk_perception: self.float(&l.risk_perception, "labs.risk_perception", &table),
            evaluation_noise: self.float(&l.evaluation_noise, "labs.evaluation_noise", &table),
            evaluation_bias: self.float(&l.evaluation_bias, "labs.evaluation_bias", &table),
            risk_noise: self.float(&l.risk_noise, "labs.risk_noise", &table),
            risk_report_every: self
                .integer(&l.risk_report_every, "labs.risk_report_every", &table)
                .clamp(0, u32::MAX as i64) as u32,
            policy: self.policy(l, path),
        };
        let count = usize::try_from(count)
            .ok()
            .filter(|&c| (1..=1000).contains(&c))?;
        Some((lab, count, l.name.as_ref().map(|n| n.span())))
    }

    fn policy(&mut self, lab: &RawLab, lab_path: &str) -> Vec<Rule> {
        let Some(policy) = &lab.policy else {
            return vec![Rule::Race];
        };
        policy
            .get_ref()
            .iter()
            .enumerate()
            .filter_map(|(i, rule)| self.rule(rule, &format!("{lab_path}.policy[{i}]")))
            .collect()
    }

    fn rule(&mut self, raw: &Sp<RawRule>, path: &str) -> Option<Rule> {
        let r = raw.get_ref();
        let allowed_rules = keys::RULES
            .iter()
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(", ");
        let Some(name) = &r.rule else {
            self.problem(
                Some(raw.span()),
                path,
                format!(
                    "missing `rule`: every policy entry names its rule, one of {allowed_rules}"
                ),
            );
            return None;
        };
        let rule_name = name.get_ref().as_str();
        if !keys::RULES.iter().any(|(n, _)| *n == rule_name) {
            let hint = super::error::did_you_mean(rule_name, keys::RULES.iter().map(|(n, _)| *n));
            self.problem(
                Some(name.span()),
                format!("{path}.rule"),
                format!("unknown rule `{rule_name}`: allowed {allowed_rules}{hint}"),
            );
            return None;
        }
        let prefix = format!("rule.{rule_name}");
        let own_keys: Vec<&str> = keys::keys_under(&prefix).map(|k| k.name()).collect();
        let mut foreign = false;
        for (key, span) in r.present_keys() {
            if !own_keys.contains(&key) {
                foreign = true;
                let keys_text = if own_keys.is_empty() {
                    "it takes no keys".to_string()
                } else {
                    format!("its keys are {}", own_keys.join(", "))
                };
                self.problem(
                    Some(span),
                    format!("{path}.{key}"),
                    format!("`{key}` is not a key of rule {rule_name}: {keys_text}"),
                );
            }
        }
        let table = Place::of(path, Some(raw));
        let rule = match rule_name {
            "race" => Rule::Race,
            "unilateral_pause" => {
                let (thresholds, required) = self.thresholds(
                    &r.thresholds,
                    &r.required,
                    "rule.unilateral_pause.thresholds",
                    "rule.unilateral_pause.required",
                    &table,
                );
                Rule::UnilateralPause(UnilateralPause {
                    thresholds,
                    required,
                })
            }
            "conditional_pause" => {
                let (thresholds, required) = self.thresholds(
                    &r.thresholds,
                    &r.required,
                    "rule.conditional_pause.thresholds",
                    "rule.conditional_pause.required",
                    &table,
                );
                let quorum = self.integer(&r.quorum, "rule.conditional_pause.quorum", &table);
                if let Some(q) = &r.quorum {
                    self.quorums
                        .push((quorum, q.span(), format!("{path}.quorum")));
                }
                Rule::ConditionalPause(ConditionalPause {
                    thresholds,
                    required,
                    quorum: quorum.clamp(0, u32::MAX as i64) as u32,
                })
            }
            "safety_roadmap" => Rule::SafetyRoadmap(SafetyRoadmap {
                milestones: self.milestones(&r.milestones, &table),
                catch_up: self.float(&r.catch_up, "rule.safety_roadmap.catch_up", &table),
            }),
            "match_competitors" => {
                let margin = self.float(&r.margin, "rule.match_competitors.margin", &table);
                let reference = self.choice(
                    &r.reference,
                    "rule.match_competitors.reference",
                    path,
                    &[
                        ("mean", Reference::Mean),
                        ("max", Reference::Max),
                        ("leader", Reference::Leader),
                    ],
                );
                let observe = self.choice(
                    &r.observe,
                    "rule.match_competitors.observe",
                    path,
                    &[
                        ("effort", Observe::Effort),
                        ("commitment", Observe::Commitment),
                    ],
                );
                Rule::MatchCompetitors(MatchCompetitors {
                    margin,
                    reference,
                    observe,
                })
            }
            "delay_if_leading" => Rule::DelayIfLeading(DelayIfLeading {
                lead: self.float(&r.lead, "rule.delay_if_leading.lead", &table),
                risk: self.float(&r.risk, "rule.delay_if_leading.risk", &table),
                slowdown: self.float(&r.slowdown, "rule.delay_if_leading.slowdown", &table),
            }),
            _ => unreachable!("rule names were checked above"),
        };
        (!foreign).then_some(rule)
    }

    /// A roadmap's `[[step, safety], ...]`: whole steps >= 0, strictly
    /// ascending, safety in range.
    fn milestones(&mut self, value: &Option<RawMilestones>, table: &Place<'_>) -> Vec<(u32, f64)> {
        let key = key_spec("rule.safety_roadmap.milestones");
        let path = join(table.path, key.name());
        let Some(list) = value else {
            self.missing(table, key, &path);
            return Vec::new();
        };
        if list.get_ref().is_empty() {
            self.problem(
                Some(list.span()),
                path.clone(),
                format!("milestones is empty: allowed {}", key.allowed()),
            );
        }
        let mut out: Vec<(u32, f64)> = Vec::new();
        for (i, pair) in list.get_ref().iter().enumerate() {
            let at = format!("{path}[{i}]");
            let values = pair.get_ref();
            let [step, safety] = values.as_slice() else {
                self.problem(
                    Some(pair.span()),
                    at,
                    format!(
                        "a milestone is a pair [step, safety], found {} values: allowed {}",
                        values.len(),
                        key.allowed()
                    ),
                );
                continue;
            };
            let (t, s) = (*step.get_ref(), *safety.get_ref());
            if !(t.is_finite() && t >= 0.0 && t.fract() == 0.0 && t <= 100_000.0) {
                self.problem(
                    Some(step.span()),
                    format!("{at}[0]"),
                    format!(
                        "step {} is not a whole number from 0 to 100000: allowed {}",
                        keys::format_number(t),
                        key.allowed()
                    ),
                );
                continue;
            }
            if !(s.is_finite() && (0.0..=1e6).contains(&s)) {
                self.problem(
                    Some(safety.span()),
                    format!("{at}[1]"),
                    format!(
                        "safety {} is out of range: allowed 0 <= safety <= 1000000",
                        keys::format_number(s)
                    ),
                );
                continue;
            }
            if let Some(&(previous, _)) = out.last() {
                if t as u32 <= previous {
                    self.problem(
                        Some(step.span()),
                        format!("{at}[0]"),
                        format!(
                            "milestone steps are not strictly ascending: step {} comes after step {previous}; \
                             list each step once, earliest first",
                            t as u32
                        ),
                    );
                    continue;
                }
            }
            out.push((t as u32, s));
        }
        out
    }

    fn float_list(
        &mut self,
        value: &Option<Sp<Vec<Sp<f64>>>>,
        spec: &str,
        table: &Place<'_>,
    ) -> Vec<f64> {
        let key = key_spec(spec);
        debug_assert_eq!(key.kind, Kind::FloatList);
        let path = join(table.path, key.name());
        let Some(list) = value else {
            self.missing(table, key, &path);
            return Vec::new();
        };
        list.get_ref()
            .iter()
            .enumerate()
            .map(|(i, v)| {
                self.check_range(*v.get_ref(), key, &format!("{path}[{i}]"), v.span());
                *v.get_ref()
            })
            .collect()
    }

    fn check_name(&mut self, name: &str, path: &str, span: Option<Range<usize>>) {
        if !valid_name(name) {
            self.problem(
                span,
                path,
                format!(
                    "`{}` is not a valid name: allowed {}",
                    super::error::shown(name),
                    super::NAME_RULE
                ),
            );
        }
    }
}

/// Names become folder names and CSV column suffixes, so keep them plain:
/// [`NAME_RULE`](super::NAME_RULE).
pub fn valid_name(name: &str) -> bool {
    // What pandas (by default) and R's read.csv read as a missing value.
    const MISSING: [&str; 5] = ["na", "nan", "-nan", "null", "none"];
    !name.is_empty()
        && !MISSING.contains(&name.to_ascii_lowercase().as_str())
        && name.len() <= 100
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn join(table: &str, key: &str) -> String {
    if table.is_empty() {
        key.to_string()
    } else {
        format!("{table}.{key}")
    }
}

/// How a message names a table: `[world]`, the `[[labs]]` entry `labs[2]`
/// or the policy entry `labs[0].policy[1]`.
fn table_name(path: &str) -> String {
    if path.contains(".policy[") {
        format!("the policy entry `{path}`")
    } else if path.starts_with("labs[") {
        format!("the [[labs]] entry `{path}`")
    } else {
        format!("[{path}]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = crate::scenario::one_lab_scenario!("");

    fn problems(src: &str) -> Vec<String> {
        parse(src, "t")
            .unwrap_err()
            .iter()
            .map(|p| p.render("t.toml"))
            .collect()
    }

    #[test]
    fn a_minimal_scenario_gets_every_default() {
        let s = parse(MINIMAL, "t").unwrap();
        assert_eq!(s.meta.name, "t");
        assert_eq!(s.meta.runs, 10_000);
        assert_eq!(s.world.returns, 0.5);
        assert_eq!(s.world.decisive_capability, None);
        assert_eq!(s.labs[0].policy, vec![Rule::Race]);
        assert_eq!(s.labs[0].safety_share, 0.15);
        assert_eq!(
            s.payoff,
            Payoff {
                win: 1.0,
                share: 0.0,
                catastrophe: 1.0
            }
        );
    }

    #[test]
    fn every_problem_is_reported_with_its_line() {
        let src =
            MINIMAL.replace("capability = 1.0", "capability = -1.0") + "\n[world]\nreturns = 1.5\n";
        let msgs = problems(&src);
        assert_eq!(
            msgs,
            vec![
                "t.toml:6:14: labs[0].capability: -1 is out of range: allowed 0 < capability <= 1000000",
                "t.toml:12:11: world.returns: 1.5 is out of range: allowed 0 < returns <= 1",
            ]
        );
    }

    #[test]
    fn count_expands_names_and_duplicates_are_refused() {
        let src = MINIMAL.replace("name = \"A\"", "name = \"A\"\ncount = 2")
            + "[[labs]]\nname = \"A-2\"\ncapability = 1.0\nsafety = 1.0\ncapability_rate = 0.1\nsafety_rate = 0.1\n";
        let msgs = problems(&src);
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(
            msgs[0].contains("lab name `A-2` from labs[1] is already used by labs[0] (count = 2)"),
            "{}",
            msgs[0]
        );
    }

    #[test]
    fn unknown_keys_get_a_suggestion() {
        let msgs = problems(&(MINIMAL.to_string() + "[world]\nretruns = 0.5\n"));
        assert!(msgs[0].contains("unknown field `retruns`"), "{}", msgs[0]);
        assert!(msgs[0].ends_with("did you mean `returns`?"), "{}", msgs[0]);
    }

    #[test]
    fn rules_are_checked_key_by_key() {
        let src = MINIMAL.to_string()
            + "policy = [{ rule = \"unilateral_pause\", thresholds = [5.0, 3.0], required = [1.0] },\n  \
               { rule = \"delay_if_leading\", margin = 0.1 },\n  { rule = \"pause\" }]\n";
        let msgs = problems(&src);
        let joined = msgs.join("\n");
        assert!(joined.contains("not strictly ascending"), "{joined}");
        assert!(
            joined.contains("required has 1 values but thresholds has 2"),
            "{joined}"
        );
        assert!(
            joined.contains(
                "`margin` is not a key of rule delay_if_leading: its keys are lead, risk, slowdown"
            ),
            "{joined}"
        );
        assert!(joined.contains("missing required key `risk`"), "{joined}");
        assert!(joined.contains("unknown rule `pause`"), "{joined}");
    }

    #[test]
    fn the_template_is_a_valid_scenario() {
        let s = parse(&keys::template(), "template").unwrap();
        assert_eq!(s.labs.len(), 2);
        assert_eq!(s.labs[0].policy.len(), 2);
        assert!(s.world.decisive_capability.is_some());
        assert_eq!(s.warnings(), Vec::<String>::new());
    }

    #[test]
    fn a_scenario_written_out_reads_back_the_same() {
        let s = parse(&keys::template(), "template").unwrap();
        let again = parse(&s.to_toml(), "other").unwrap();
        assert_eq!(s, again);
    }
}
