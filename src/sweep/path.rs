//! Key paths into a scenario file, such as `world.observation.capability_noise`,
//! `labs.Frontier.safety_share`, `labs.Frontier.policy.1.risk` or
//! `regulation.national.audit` (`regulation.0.audit`): checked
//! against the key table (with a "did you mean" from the keys that exist in
//! this scenario) and set in the file's TOML document.

use crate::scenario::keys::{self, Kind};
use toml::{Table, Value};

/// A checked key path.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyPath {
    /// As the user wrote it.
    pub text: String,
    /// The key table's entry, e.g. `labs.safety_share`.
    pub spec: &'static keys::Key,
    target: Target,
}

#[derive(Debug, Clone, PartialEq)]
enum Target {
    /// A key of `[scenario]`, `[world]`, `[world.hazard]`, `[world.observation]` or `[payoff]`.
    Table(Vec<String>),
    /// A key of the `[[labs]]` entry at this index.
    Lab(usize, String),
    /// A key of rule `rule` of lab entry `lab`.
    Rule {
        lab: usize,
        rule: usize,
        key: String,
    },
    /// A key of the `[[regulation]]` entry at this index.
    Regulation(usize, String),
}

/// The one numeric key that cannot be swept: every point runs with the
/// sweep's one seed, so that points share their random numbers.
const SEED: &str = "scenario.seed";

/// Every key path that exists in this scenario document, for suggestions.
pub fn known_paths(doc: &Table) -> Vec<String> {
    let mut paths: Vec<String> = keys::KEYS
        .iter()
        .filter(|k| {
            !k.path.starts_with("labs.")
                && !k.path.starts_with("rule.")
                && !k.path.starts_with("regulation.")
                && !k.path.starts_with("game.")
                && !k.path.starts_with("sweep.")
        })
        .filter(|k| matches!(k.kind, Kind::Float | Kind::Integer) && k.path != SEED)
        .map(|k| k.path.to_string())
        .collect();
    for (i, lab) in labs(doc).iter().enumerate() {
        let name = lab_name(lab).unwrap_or_else(|| i.to_string());
        for k in keys::keys_under("labs").filter(|k| matches!(k.kind, Kind::Float | Kind::Integer))
        {
            paths.push(format!("labs.{name}.{}", k.name()));
        }
        for (r, rule) in rules(lab).iter().enumerate() {
            if let Some(rule_name) = rule.get("rule").and_then(Value::as_str) {
                for k in keys::keys_under(&format!("rule.{rule_name}"))
                    .filter(|k| matches!(k.kind, Kind::Float | Kind::Integer))
                {
                    paths.push(format!("labs.{name}.policy.{r}.{}", k.name()));
                }
            }
        }
    }
    for (i, regulation) in regulations(doc).iter().enumerate() {
        let name = lab_name(regulation).unwrap_or_else(|| i.to_string());
        for k in
            keys::keys_under("regulation").filter(|k| matches!(k.kind, Kind::Float | Kind::Integer))
        {
            paths.push(format!("regulation.{name}.{}", k.name()));
        }
    }
    paths
}

fn labs(doc: &Table) -> Vec<&Table> {
    doc.get("labs")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_table).collect())
        .unwrap_or_default()
}

fn regulations(doc: &Table) -> Vec<&Table> {
    doc.get("regulation")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_table).collect())
        .unwrap_or_default()
}

fn rules(lab: &Table) -> Vec<&Table> {
    lab.get("policy")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_table).collect())
        .unwrap_or_default()
}

fn lab_name(lab: &Table) -> Option<String> {
    lab.get("name").and_then(Value::as_str).map(str::to_string)
}

/// Why a key path is not usable.
fn unknown(text: &str, doc: &Table, why: &str) -> String {
    let known = known_paths(doc);
    let best = crate::scenario::error::nearest(text, known.iter().map(String::as_str));
    let hint = match best {
        Some(k) => format!("; did you mean `{k}`?"),
        None => {
            let sample: Vec<&str> = known.iter().take(6).map(String::as_str).collect();
            format!("; keys look like {}, ...", sample.join(", "))
        }
    };
    format!("`{text}` {why}{hint}")
}

impl KeyPath {
    /// Checks `text`, a numeric key, against the scenario document `doc`.
    pub fn parse(text: &str, doc: &Table) -> Result<KeyPath, String> {
        KeyPath::parse_kind(text, doc, false)
    }

    /// Checks `text`, a key of any kind (a number, a string such as a rule's
    /// `reference`, or a lab's whole `policy` list), against `doc`; set it
    /// with [`KeyPath::set_value`].
    pub fn parse_any(text: &str, doc: &Table) -> Result<KeyPath, String> {
        KeyPath::parse_kind(text, doc, true)
    }

    fn parse_kind(text: &str, doc: &Table, any: bool) -> Result<KeyPath, String> {
        let parts: Vec<&str> = text.split('.').collect();
        let numeric =
            |spec: &'static keys::Key| any || matches!(spec.kind, Kind::Float | Kind::Integer);
        let rule_key = numeric;
        let kind = if any { "key" } else { "numeric key" };
        match parts.as_slice() {
            ["labs", _, ..] => {
                let entries = labs(doc);
                let (index, rest) =
                    find_lab(&text["labs.".len()..], &entries).ok_or_else(|| {
                        let names: Vec<String> =
                            entries.iter().filter_map(|l| lab_name(l)).collect();
                        unknown(
                            text,
                            doc,
                            &format!("names no lab: the labs are {}", names.join(", ")),
                        )
                    })?;
                let rest: Vec<&str> = match rest {
                    "" => Vec::new(),
                    rest => rest.split('.').collect(),
                };
                match rest.as_slice() {
                    [key] => {
                        let spec = spec_of(
                            &format!("labs.{key}"),
                            numeric,
                            (text, doc),
                            &format!("{kind} of a lab"),
                        )?;
                        Ok(KeyPath {
                            text: text.into(),
                            spec,
                            target: Target::Lab(index, key.to_string()),
                        })
                    }
                    ["policy", rule, key] => {
                        let lab_rules = rules(entries[index]);
                        let r: usize = rule
                            .parse()
                            .ok()
                            .filter(|&r| r < lab_rules.len())
                            .ok_or_else(|| {
                                unknown(
                                    text,
                                    doc,
                                    &format!(
                                        "names no rule: the lab has {} rules, numbered from 0",
                                        lab_rules.len()
                                    ),
                                )
                            })?;
                        let rule_name = lab_rules[r]
                            .get("rule")
                            .and_then(Value::as_str)
                            .unwrap_or("");
                        let spec = spec_of(
                            &format!("rule.{rule_name}.{key}"),
                            rule_key,
                            (text, doc),
                            &format!("{kind} of rule {rule_name}"),
                        )?;
                        Ok(KeyPath {
                            text: text.into(),
                            spec,
                            target: Target::Rule {
                                lab: index,
                                rule: r,
                                key: key.to_string(),
                            },
                        })
                    }
                    _ => Err(unknown(
                        text,
                        doc,
                        "is not a key path of a lab (labs.NAME.KEY or labs.NAME.policy.INDEX.KEY)",
                    )),
                }
            }
            ["regulation", ..] => {
                let entries = regulations(doc);
                let (index, key) =
                    find_lab(&text["regulation.".len()..], &entries).ok_or_else(|| {
                        let names: Vec<String> =
                            entries.iter().filter_map(|r| lab_name(r)).collect();
                        let why = if names.is_empty() {
                            "names no regulation: the scenario has no [[regulation]] entry"
                                .to_string()
                        } else {
                            format!(
                                "names no regulation: the regulations are {} (or their \
                                 index from 0)",
                                names.join(", ")
                            )
                        };
                        unknown(text, doc, &why)
                    })?;
                let spec = keys::KEYS
                    .iter()
                    .find(|k| k.path == format!("regulation.{key}") && numeric(k))
                    .ok_or_else(|| {
                        unknown(
                            text,
                            doc,
                            &format!(
                                "is not a {kind} of a regulation (regulation.NAME.KEY or \
                                 regulation.INDEX.KEY)"
                            ),
                        )
                    })?;
                Ok(KeyPath {
                    text: text.into(),
                    spec,
                    target: Target::Regulation(index, key.to_string()),
                })
            }
            _ if text == SEED => Err(format!(
                "`{SEED}` cannot be swept: a sweep runs every point with one seed (common \
                 random numbers: the points differ only in their parameters); set the sweep's \
                 seed with --seed N, or compare seeds with `airace run --seed N` once per seed"
            )),
            _ => {
                let spec = spec_of(
                    text,
                    |k| numeric(k) && !k.path.starts_with("sweep."),
                    (text, doc),
                    &format!("{kind} of the scenario"),
                )?;
                Ok(KeyPath {
                    text: text.into(),
                    spec,
                    target: Target::Table(parts.iter().map(|s| s.to_string()).collect()),
                })
            }
        }
    }

    /// Whether the key takes whole numbers.
    pub fn is_integer(&self) -> bool {
        self.spec.kind == Kind::Integer
    }

    /// Sets the key to `value` in `doc`, creating tables as needed.
    pub fn set(&self, doc: &mut Table, value: f64) {
        let v = if self.is_integer() {
            Value::Integer(value.round() as i64)
        } else {
            Value::Float(value)
        };
        self.set_value(doc, v);
    }

    /// The key's value in `doc`, if the file gives one.
    pub fn get<'d>(&self, doc: &'d Table) -> Option<&'d Value> {
        match &self.target {
            Target::Table(parts) => {
                let mut table = doc;
                for part in &parts[..parts.len() - 1] {
                    table = table.get(part)?.as_table()?;
                }
                table.get(&parts[parts.len() - 1])
            }
            Target::Lab(index, key) => labs(doc).get(*index)?.get(key),
            Target::Rule { lab, rule, key } => rules(labs(doc).get(*lab)?).get(*rule)?.get(key),
            Target::Regulation(index, key) => regulations(doc).get(*index)?.get(key),
        }
    }

    /// Sets the key to the TOML value `v` in `doc`, creating tables as
    /// needed; the scenario's own checks judge the value when it is read.
    pub fn set_value(&self, doc: &mut Table, v: Value) {
        match &self.target {
            Target::Table(parts) => {
                let mut table = doc;
                for part in &parts[..parts.len() - 1] {
                    table = table
                        .entry(part.clone())
                        .or_insert_with(|| Value::Table(Table::new()))
                        .as_table_mut()
                        .expect("scenario tables are tables");
                }
                table.insert(parts[parts.len() - 1].clone(), v);
            }
            Target::Lab(index, key) => {
                lab_mut(doc, *index).insert(key.clone(), v);
            }
            Target::Rule { lab, rule, key } => {
                let lab = lab_mut(doc, *lab);
                let rule = lab
                    .get_mut("policy")
                    .and_then(Value::as_array_mut)
                    .and_then(|a| a.get_mut(*rule))
                    .and_then(Value::as_table_mut)
                    .expect("the rule was found when the path was checked");
                rule.insert(key.clone(), v);
            }
            Target::Regulation(index, key) => {
                doc.get_mut("regulation")
                    .and_then(Value::as_array_mut)
                    .and_then(|a| a.get_mut(*index))
                    .and_then(Value::as_table_mut)
                    .expect("the regulation was found when the path was checked")
                    .insert(key.clone(), v);
            }
        }
    }
}

/// The entry (a lab, or a regulation) that `after` (a key path after
/// `labs.` or `regulation.`) starts with, and the rest of the path after the
/// entry's name and its dot. Names may hold dots (`v1.5`), so the path is
/// matched against the names, the longest first; a number names the entry
/// at that index.
fn find_lab<'t>(after: &'t str, entries: &[&Table]) -> Option<(usize, &'t str)> {
    let by_name = entries
        .iter()
        .enumerate()
        .filter_map(|(i, lab)| {
            let name = lab_name(lab)?;
            let rest = after.strip_prefix(name.as_str())?;
            let rest = match rest.strip_prefix('.') {
                Some(rest) => rest,
                None if rest.is_empty() => rest,
                None => return None,
            };
            Some((name.len(), i, rest))
        })
        .max_by_key(|(len, _, _)| *len);
    match by_name {
        Some((_, i, rest)) => Some((i, rest)),
        None => {
            let (first, rest) = after.split_once('.').unwrap_or((after, ""));
            let i = first.parse::<usize>().ok().filter(|&i| i < entries.len())?;
            Some((i, rest))
        }
    }
}

/// The key table's entry for `path` if `allowed`, else the message that
/// `text` (written against `doc`) is not a `what`, with a suggestion.
fn spec_of(
    path: &str,
    allowed: impl Fn(&'static keys::Key) -> bool,
    (text, doc): (&str, &Table),
    what: &str,
) -> Result<&'static keys::Key, String> {
    keys::KEYS
        .iter()
        .find(|k| k.path == path && allowed(k))
        .ok_or_else(|| unknown(text, doc, &format!("is not a {what}")))
}

fn lab_mut(doc: &mut Table, index: usize) -> &mut Table {
    doc.get_mut("labs")
        .and_then(Value::as_array_mut)
        .and_then(|a| a.get_mut(index))
        .and_then(Value::as_table_mut)
        .expect("the lab was found when the path was checked")
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"
[scenario]
steps = 10
[[labs]]
name = "Frontier"
capability = 1.0
safety = 1.0
capability_rate = 0.1
safety_rate = 0.1
policy = [{ rule = "match_competitors" }, { rule = "delay_if_leading", risk = 0.01 }]
"#;

    fn doc() -> Table {
        DOC.parse().unwrap()
    }

    /// Asserts that each key path is refused in `d` with a message that
    /// says what it is paired with.
    fn assert_refused(d: &Table, cases: &[(&str, &str)]) {
        for (path, says) in cases {
            let err = KeyPath::parse(path, d).unwrap_err();
            assert!(err.contains(says), "{path}: {err}");
        }
    }

    const REGULATED: &str = "[[labs]]\nname = \"Upstart\"\ncapability = 1.0\nsafety = 1.0\n\
                             capability_rate = 0.1\nsafety_rate = 0.1\n\
                             policy = [{ rule = \"conditional_pause\", thresholds = [3.0], quorum = 1 }]\n\
                             [[regulation]]\nname = \"national\"\nlabs = [\"*\"]\nthresholds = [3.0]\n\
                             [[regulation]]\nname = \"treaty\"\nlabs = [\"Upstart\"]\nthresholds = [5.0]\n";

    #[test]
    fn regulation_keys_are_set_by_name_or_index() {
        // A regression once: `regulation.audit` was taken for a table key
        // and setting it into the [[regulation]] array panicked.
        let mut d: Table = (DOC.to_string() + REGULATED).parse().unwrap();
        let err = KeyPath::parse("regulation.audit", &d).unwrap_err();
        assert!(
            err.contains("names no regulation: the regulations are national, treaty"),
            "{err}"
        );
        for (path, value) in [
            ("regulation.national.audit", 0.4),
            ("regulation.1.compliance", 0.25),
            ("regulation.treaty.penalty", 3.0),
            ("regulation.0.start", 7.0),
        ] {
            KeyPath::parse(path, &d).unwrap().set(&mut d, value);
        }
        let path = KeyPath::parse("regulation.1.penalty", &d).unwrap();
        assert!(path.is_integer());
        assert_eq!(path.get(&d), Some(&Value::Integer(3)));
        let s = crate::Scenario::from_str_named(&toml::to_string(&d).unwrap(), "t", "t").unwrap();
        let (national, treaty) = (&s.regulation[0], &s.regulation[1]);
        assert_eq!((national.audit, national.start), (0.4, 7));
        assert_eq!((treaty.compliance, treaty.penalty), (0.25, 3));
        for p in ["regulation.national.audit", "regulation.treaty.penalty"] {
            assert!(known_paths(&d).iter().any(|k| k == p), "{p}");
        }
        assert_refused(
            &d,
            &[
                (
                    "regulation.national.thresholds",
                    "is not a numeric key of a regulation",
                ),
                (
                    "regulation.nationl.audit",
                    "did you mean `regulation.national.audit`?",
                ),
            ],
        );
        assert_refused(
            &doc(),
            &[("regulation.0.audit", "has no [[regulation]] entry")],
        );
    }

    #[test]
    fn a_conditional_pause_quorum_is_a_whole_number_key() {
        let mut d: Table = (DOC.to_string() + REGULATED).parse().unwrap();
        let path = KeyPath::parse("labs.Upstart.policy.0.quorum", &d).unwrap();
        assert!(path.is_integer());
        path.set(&mut d, 0.0);
        let s = crate::Scenario::from_str_named(&toml::to_string(&d).unwrap(), "t", "t").unwrap();
        match &s.labs[1].policy[0] {
            crate::policy::Rule::ConditionalPause(r) => assert_eq!(r.quorum, 0),
            other => panic!("{other:?}"),
        }
        assert!(
            known_paths(&d)
                .iter()
                .any(|k| k == "labs.Upstart.policy.0.quorum")
        );
    }

    #[test]
    fn paths_reach_world_labs_and_rules() {
        let mut d = doc();
        for (path, value) in [
            ("world.observation.capability_noise", 0.7),
            ("labs.Frontier.safety_share", 0.3),
            ("labs.Frontier.policy.1.risk", 0.05),
        ] {
            KeyPath::parse(path, &d).unwrap().set(&mut d, value);
        }
        KeyPath::parse("scenario.runs", &d)
            .unwrap()
            .set(&mut d, 123.0);
        let s = crate::Scenario::from_str_named(&toml::to_string(&d).unwrap(), "t", "t").unwrap();
        assert_eq!(s.world.observation.capability_noise, 0.7);
        assert_eq!(s.labs[0].safety_share, 0.3);
        assert_eq!(s.meta.runs, 123);
        match &s.labs[0].policy[1] {
            crate::policy::Rule::DelayIfLeading(r) => assert_eq!(r.risk, 0.05),
            other => panic!("{other:?}"),
        }
    }

    /// Regression: a lab named `v1.5` could not be swept ("names no lab",
    /// suggesting the very key typed), as the path was split at every dot.
    #[test]
    fn lab_names_with_dots_are_found() {
        let text = DOC.replace("\"Frontier\"", "\"v1.5\"")
            + "[[labs]]\nname = \"v1\"\ncapability = 1.0\nsafety = 1.0\n\
               capability_rate = 0.1\nsafety_rate = 0.1\n";
        let mut d: Table = text.parse().unwrap();
        KeyPath::parse("labs.v1.5.safety_share", &d)
            .unwrap()
            .set(&mut d, 0.3);
        KeyPath::parse("labs.v1.5.policy.1.risk", &d)
            .unwrap()
            .set(&mut d, 0.05);
        KeyPath::parse("labs.v1.safety_share", &d)
            .unwrap()
            .set(&mut d, 0.2);
        let s = crate::Scenario::from_str_named(&toml::to_string(&d).unwrap(), "t", "t").unwrap();
        assert_eq!(s.labs[0].name, "v1.5");
        assert_eq!(s.labs[0].safety_share, 0.3);
        assert_eq!(s.labs[1].safety_share, 0.2);
        match &s.labs[0].policy[1] {
            crate::policy::Rule::DelayIfLeading(r) => assert_eq!(r.risk, 0.05),
            other => panic!("{other:?}"),
        }
        let err = KeyPath::parse("labs.v1.5", &d).unwrap_err();
        assert!(err.contains("is not a key path of a lab"), "{err}");
        let err = KeyPath::parse("labs.v1.6.safety_share", &d).unwrap_err();
        assert!(err.contains("did you mean `labs.v1"), "{err}");
    }

    #[test]
    fn near_misses_get_a_suggestion() {
        assert_refused(
            &doc(),
            &[
                (
                    "world.observation.capabilty_noise",
                    "did you mean `world.observation.capability_noise`?",
                ),
                ("labs.Fronteir.safety_share", "the labs are Frontier"),
                (
                    "labs.Fronteir.safety_share",
                    "did you mean `labs.Frontier.safety_share`?",
                ),
                (
                    "labs.Frontier.policy.0.risk",
                    "is not a numeric key of rule match_competitors",
                ),
                ("labs.Frontier.policy.5.risk", "the lab has 2 rules"),
            ],
        );
    }
}
