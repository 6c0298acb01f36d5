//! Game files: a scenario file plus a `[game]` table, read into a validated
//! [`Game`] with problems reported as well as a scenario's (file, line,
//! column, key, value, what is allowed), all at once.
//!
//! ```toml
//! [scenario]   # name, seed, runs, steps, as in any scenario
//! [world]      # the world every profile is played in
//! [payoff]     # what a race is worth to a lab: the game's payoffs
//!
//! [[labs]]     # the lab template every player shares (no policy:
//! name = "Lab" # a player's policy is its strategy)
//! capability = 1.0
//! ...
//!
//! [game]
//! players = 3              # omitted = the number of labs
//! population = 50          # Z of the finite-population analysis
//! selection = 10.0         # beta, the intensity of selection
//!
//! [[game.strategies]]
//! name = "race"
//! policy = [{ rule = "race" }]
//! ```
//!
//! One `[[labs]]` template (or several identical labs) makes a symmetric
//! game; labs that differ make a game whose seats differ (each lab its own
//! template), for which only the payoff table and pure equilibria are
//! defined.
//!
//! The scenario part is checked by the scenario parser itself: the `[game]`
//! table's lines are blanked out (so every other line keeps its number) and
//! the rest parsed as a scenario. A strategy's policy is checked the same
//! way, as the policy of a one-lab scenario, and its problems are moved back
//! to their place in the game file.

use super::table::symmetric_profile_count;
use crate::policy::Rule;
use crate::scenario::error::line_col;
use crate::scenario::keys::key_spec;
use crate::scenario::{Lab, Problem, Scenario, ScenarioError};
use serde::Deserialize;
use std::ops::Range;
use std::path::Path;
use toml::Spanned;

/// Most profiles a game may have: each is simulated `runs` times.
pub const MAX_PROFILES: usize = 2000;

/// Default population size `Z`.
pub const DEFAULT_POPULATION: usize = 50;
/// Default intensity of selection `beta`.
pub const DEFAULT_SELECTION: f64 = 10.0;
/// Default resolution of the replicator's grid of starting points.
pub const DEFAULT_REPLICATOR_GRID: usize = 10;

/// One strategy: a named policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Strategy {
    /// Its name in the file and in every table and figure.
    pub name: String,
    /// The rules a lab playing it follows, in place of its template's.
    pub policy: Vec<Rule>,
}

/// A validated game.
#[derive(Debug, Clone, PartialEq)]
pub struct Game {
    /// The world and the seats: `labs` holds one lab per player, with an
    /// empty policy (the strategy fills it in).
    pub scenario: Scenario,
    /// What each player chooses among, in the file's order (a strategy's
    /// index in the payoff tables).
    pub strategies: Vec<Strategy>,
    /// Whether every seat has the same template (the game is symmetric).
    pub symmetric: bool,
    /// `Z` of the finite-population analysis.
    pub population: usize,
    /// `beta` of the finite-population analysis.
    pub selection: f64,
    /// Values of `beta` for the stationary distribution's sweep.
    pub selection_sweep: Vec<f64>,
    /// Starting points of the replicator are `k / replicator_grid`.
    pub replicator_grid: usize,
}

impl Game {
    /// The number of players: one per lab (seat) of the scenario.
    pub fn players(&self) -> usize {
        self.scenario.labs.len()
    }

    /// The number of profiles to simulate.
    pub fn profile_count(&self) -> usize {
        let m = self.strategies.len();
        let n = self.players();
        if self.symmetric {
            symmetric_profile_count(n, m) as usize
        } else {
            m.pow(n as u32)
        }
    }

    /// Reads and validates a game file; its name defaults to the file name.
    pub fn load(path: &Path) -> Result<Game, ScenarioError> {
        let file = crate::scenario::SourceFile::read(path)?;
        Game::from_str_named(&file.text, &file.origin, &file.stem)
    }

    /// Parses and validates game text; `origin` names it in errors.
    pub fn from_str_named(
        source: &str,
        origin: &str,
        default_name: &str,
    ) -> Result<Game, ScenarioError> {
        let invalid = |problems: Vec<Problem>| ScenarioError::Invalid {
            origin: origin.to_string(),
            problems,
        };
        let Some(spans) = game_spans(source) else {
            // A TOML syntax error: the scenario parser says it best.
            return match Scenario::from_str_named(source, origin, default_name) {
                Err(e) => Err(e),
                Ok(_) => Err(invalid(vec![missing_game()])),
            };
        };
        if spans.is_empty() {
            return Err(invalid(vec![missing_game()]));
        }
        let mut problems = Vec::new();
        let scenario =
            match Scenario::from_str_named(&without_game(source, &spans), origin, default_name) {
                Ok(s) => Some(s),
                Err(ScenarioError::Invalid { problems: p, .. }) => {
                    problems.extend(p);
                    None
                }
                Err(e) => return Err(e),
            };
        problems.extend(lab_policies(source));
        // Every refused key of [game] reported, and the rest still read
        // (so an out-of-range value beside an unknown key is reported too).
        let read = crate::scenario::validate::read_blanking::<GameOnly>(
            source,
            crate::scenario::validate::toml_problem,
        );
        problems.extend(read.problems);
        let game = read.value.and_then(|raw| raw.game);
        let result = match (scenario, game) {
            (Some(scenario), Some(game)) => check(source, scenario, game, &mut problems),
            (None, Some(game)) => {
                // Still check the strategies so every problem is reported.
                strategies(source, &game, &mut problems);
                None
            }
            _ => None,
        };
        match result {
            Some(game) if problems.is_empty() => Ok(game),
            _ => {
                problems.sort_by_key(|p| p.line_col.unwrap_or((usize::MAX, 0)));
                problems.dedup();
                Err(invalid(problems))
            }
        }
    }
}

fn missing_game() -> Problem {
    Problem {
        line_col: None,
        key_path: "game".into(),
        message: "a game file is a scenario plus a [game] table with the strategies \
                  (e.g. [[game.strategies]] with name and policy); see scenarios/games/pause-or-race.toml"
            .into(),
    }
}

#[derive(Debug, Deserialize)]
struct GameOnly {
    game: Option<Spanned<RawGame>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGame {
    players: Option<Spanned<i64>>,
    population: Option<Spanned<i64>>,
    selection: Option<Spanned<f64>>,
    selection_sweep: Option<Spanned<Vec<Spanned<f64>>>>,
    replicator_grid: Option<Spanned<i64>>,
    strategies: Option<Spanned<Vec<Spanned<RawStrategy>>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStrategy {
    name: Option<Spanned<String>>,
    policy: Option<Spanned<toml::Value>>,
}

#[derive(Debug, Deserialize)]
struct LabsOnly {
    labs: Option<Vec<LabPolicy>>,
}

#[derive(Debug, Deserialize)]
struct LabPolicy {
    policy: Option<Spanned<toml::Value>>,
}

/// A lab in a game file must not set a policy: its strategy does.
fn lab_policies(source: &str) -> Vec<Problem> {
    let Ok(labs) = toml::from_str::<LabsOnly>(source) else {
        return Vec::new(); // the scenario parser reports a malformed [[labs]]
    };
    labs.labs
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(i, lab)| {
            let policy = lab.policy.as_ref()?;
            Some(Problem {
                line_col: Some(line_col(source, policy.span().start)),
                key_path: format!("labs[{i}].policy"),
                message: "in a game a lab plays the policy of its strategy: remove `policy` here \
                          and list the policies under [[game.strategies]]"
                    .into(),
            })
        })
        .collect()
}

/// Cross-field checks once the scenario and the raw game table are read.
fn check(
    source: &str,
    mut scenario: Scenario,
    raw: Spanned<RawGame>,
    problems: &mut Vec<Problem>,
) -> Option<Game> {
    let at = |span: Range<usize>| Some(line_col(source, span.start));
    let game_at = at(raw.span());
    let strategies = strategies(source, &raw, problems);
    let g = raw.get_ref();

    let players = match &g.players {
        Some(p) => {
            let n = *p.get_ref();
            if let Some(problem) = out_of_range(source, "game.players", n as f64, n, p.span()) {
                problems.push(problem);
                return None;
            }
            let n = n as usize;
            if scenario.labs.len() == 1 && n > 1 {
                let template = scenario.labs[0].clone();
                scenario.labs = (1..=n)
                    .map(|k| Lab {
                        name: format!("{}-{k}", template.name),
                        ..template.clone()
                    })
                    .collect();
            } else if scenario.labs.len() != n {
                problems.push(Problem {
                    line_col: at(p.span()),
                    key_path: "game.players".into(),
                    message: format!(
                        "players = {n} but the labs expand to {} labs: give one [[labs]] template \
                         that every player shares, or exactly one lab per player",
                        scenario.labs.len()
                    ),
                });
                return None;
            }
            n
        }
        None => {
            if scenario.labs.len() < 2 {
                problems.push(Problem {
                    line_col: game_at,
                    key_path: "game.players".into(),
                    message: format!(
                        "a game needs at least two players: set `players` in [game] (e.g. `players = 3`) \
                         to share the one lab template, or give `count = 3` in [[labs]]; found {} lab",
                        scenario.labs.len()
                    ),
                });
                return None;
            }
            scenario.labs.len()
        }
    };
    for (i, strategy) in strategies.iter().flatten().enumerate() {
        for rule in &strategy.policy {
            if let Rule::ConditionalPause(c) = rule {
                if c.quorum as usize > players - 1 {
                    problems.push(Problem {
                        line_col: game_at,
                        key_path: format!("game.strategies[{i}].policy"),
                        message: format!(
                            "strategy `{}`: quorum {} is more than the {} other players: \
                             allowed 0 <= quorum <= {}",
                            strategy.name,
                            c.quorum,
                            players - 1,
                            players - 1
                        ),
                    });
                }
            }
        }
    }
    for lab in &mut scenario.labs {
        lab.policy.clear();
    }
    let first = &scenario.labs[0];
    let symmetric = scenario.labs.iter().all(|l| {
        Lab {
            name: first.name.clone(),
            ..l.clone()
        } == *first
    });

    let population = match &g.population {
        Some(z) => {
            let v = *z.get_ref();
            let spec = key_spec("game.population");
            if v < players as i64 || !spec.range.contains(v as f64) {
                problems.push(Problem {
                    line_col: at(z.span()),
                    key_path: "game.population".into(),
                    message: format!(
                        "{v} is out of range: allowed {}, and at least {players} (the players in one game)",
                        spec.allowed()
                    ),
                });
            }
            v.max(0) as usize
        }
        None => (key_spec("game.population").default_f64() as usize).max(players),
    };
    let mut beta = |value: &Spanned<f64>, path: String| {
        let x = *value.get_ref();
        if let Some(problem) = out_of_range(source, "game.selection", x, x, value.span()) {
            problems.push(Problem {
                key_path: path,
                ..problem
            });
        }
        x
    };
    let selection = g
        .selection
        .as_ref()
        .map_or(key_spec("game.selection").default_f64(), |s| {
            beta(s, "game.selection".into())
        });
    let selection_sweep = match &g.selection_sweep {
        Some(list) => list
            .get_ref()
            .iter()
            .enumerate()
            .map(|(i, s)| beta(s, format!("game.selection_sweep[{i}]")))
            .collect(),
        None => default_sweep(),
    };
    let replicator_grid = match &g.replicator_grid {
        Some(r) => {
            let v = *r.get_ref();
            problems.extend(out_of_range(
                source,
                "game.replicator_grid",
                v as f64,
                v,
                r.span(),
            ));
            v.clamp(2, 200) as usize
        }
        None => key_spec("game.replicator_grid").default_f64() as usize,
    };
    let strategies = strategies?;
    let game = Game {
        scenario,
        strategies,
        symmetric,
        population,
        selection,
        selection_sweep,
        replicator_grid,
    };
    let profiles = if symmetric {
        symmetric_profile_count(players, game.strategies.len())
    } else {
        (game.strategies.len() as f64).powi(players as i32)
    };
    if profiles > MAX_PROFILES as f64 {
        problems.push(Problem {
            line_col: game_at,
            key_path: "game".into(),
            message: format!(
                "{} strategies and {players} players make {profiles} profiles to simulate; allowed at most \
                 {MAX_PROFILES}: use fewer strategies or players{}",
                game.strategies.len(),
                if symmetric { "" } else { " (or identical labs: a symmetric game has far fewer profiles)" }
            ),
        });
        return None;
    }
    Some(game)
}

/// The problem with `value` (written `written`, at `span` of `source`) of
/// the game key `key` when the key table's range does not hold it.
fn out_of_range(
    source: &str,
    key: &str,
    value: f64,
    written: impl std::fmt::Display,
    span: Range<usize>,
) -> Option<Problem> {
    let spec = key_spec(key);
    (!spec.range.contains(value)).then(|| Problem {
        line_col: Some(line_col(source, span.start)),
        key_path: key.into(),
        message: format!("{written} is out of range: allowed {}", spec.allowed()),
    })
}

/// Log-spaced values of beta from 0.01 to 1000, four per decade.
fn default_sweep() -> Vec<f64> {
    (-8..=12).map(|k| 10f64.powf(k as f64 / 4.0)).collect()
}

/// The strategies, each policy checked as a scenario's policy would be.
fn strategies(
    source: &str,
    raw: &Spanned<RawGame>,
    problems: &mut Vec<Problem>,
) -> Option<Vec<Strategy>> {
    let at = |span: Range<usize>| Some(line_col(source, span.start));
    let Some(list) = raw.get_ref().strategies.as_ref() else {
        problems.push(Problem {
            line_col: at(raw.span()),
            key_path: "game.strategies".into(),
            message: "missing required key `strategies` in [game]: add e.g. \
                      `[[game.strategies]]` with `name = \"race\"` and `policy = [{ rule = \"race\" }]`"
                .into(),
        });
        return None;
    };
    if list.get_ref().len() < 2 {
        problems.push(Problem {
            line_col: at(list.span()),
            key_path: "game.strategies".into(),
            message: format!(
                "a game needs at least two strategies to compare; found {}",
                list.get_ref().len()
            ),
        });
    }
    let before = problems.len();
    let mut out = Vec::new();
    for (i, s) in list.get_ref().iter().enumerate() {
        let path = format!("game.strategies[{i}]");
        let name = match &s.get_ref().name {
            Some(n) => {
                let name = n.get_ref();
                if !crate::scenario::valid_name(name) {
                    problems.push(Problem {
                        line_col: at(n.span()),
                        key_path: format!("{path}.name"),
                        message: format!(
                            "`{name}` is not a valid name: allowed {}",
                            crate::scenario::NAME_RULE
                        ),
                    });
                } else if let Some(j) = out.iter().position(|t: &Strategy| &t.name == name) {
                    problems.push(Problem {
                        line_col: at(n.span()),
                        key_path: format!("{path}.name"),
                        message: format!(
                            "strategy name `{name}` is already used by game.strategies[{j}]; names must be unique"
                        ),
                    });
                }
                name.clone()
            }
            None => {
                problems.push(Problem {
                    line_col: at(s.span()),
                    key_path: format!("{path}.name"),
                    message:
                        "missing required key `name` in the strategy: add e.g. `name = \"race\"`"
                            .into(),
                });
                format!("strategy{i}")
            }
        };
        let policy = match &s.get_ref().policy {
            Some(p) => match policy(source, p.span(), &path) {
                Ok(rules) => rules,
                Err(p) => {
                    problems.extend(p);
                    Vec::new()
                }
            },
            None => {
                problems.push(Problem {
                    line_col: at(s.span()),
                    key_path: format!("{path}.policy"),
                    message: "missing required key `policy` in the strategy: add e.g. \
                              `policy = [{ rule = \"race\" }]` (allowed rules race, unilateral_pause, \
                              match_competitors, delay_if_leading)"
                        .into(),
                });
                Vec::new()
            }
        };
        out.push(Strategy { name, policy });
    }
    (problems.len() == before && out.len() >= 2).then_some(out)
}

/// Checks a policy written at `span` of `source` as the policy of a one-lab
/// scenario, and moves its problems back to the game file.
fn policy(source: &str, span: Range<usize>, path: &str) -> Result<Vec<Rule>, Vec<Problem>> {
    // As many labs as a game may have players, so that a conditional
    // pause's quorum is checked against the players by `game` itself.
    const PREFIX: &str = "[scenario]\nsteps = 1\n[[labs]]\nname = \"strategy\"\ncount = 100\n\
                          capability = 1.0\nsafety = 1.0\ncapability_rate = 0.0\nsafety_rate = 0.0\npolicy = ";
    let text = source.get(span.clone()).unwrap_or("");
    let synthetic = format!("{PREFIX}{text}\n");
    let (prefix_line, prefix_col) = line_col(PREFIX, PREFIX.len());
    let (line, col) = line_col(source, span.start);
    match Scenario::from_str_named(&synthetic, "", "strategy") {
        Ok(s) => Ok(s.labs[0].policy.clone()),
        Err(e) => Err(e
            .problems()
            .iter()
            .map(|p| Problem {
                line_col: Some(match p.line_col {
                    Some((l, c)) if l == prefix_line => (line, col + c.saturating_sub(prefix_col)),
                    Some((l, c)) if l > prefix_line => (line + l - prefix_line, c),
                    _ => (line, col),
                }),
                key_path: p
                    .key_path
                    .strip_prefix("labs[0].")
                    .or_else(|| p.key_path.strip_prefix("labs."))
                    .map_or_else(|| path.to_string(), |rest| format!("{path}.{rest}")),
                message: p.message.clone(),
            })
            .collect()),
    }
}

/// The spans of every key, value and header of the `game` table, or `None`
/// if the text is not TOML.
fn game_spans(source: &str) -> Option<Vec<Range<usize>>> {
    use toml::de::{DeTable, DeValue};
    fn collect(value: &Spanned<DeValue<'_>>, out: &mut Vec<Range<usize>>) {
        out.push(value.span());
        match value.get_ref() {
            DeValue::Table(t) => {
                for (k, v) in t.iter() {
                    out.push(k.span());
                    collect(v, out);
                }
            }
            DeValue::Array(a) => a.iter().for_each(|v| collect(v, out)),
            _ => {}
        }
    }
    let root = DeTable::parse(source).ok()?;
    let mut spans = Vec::new();
    for (k, v) in root.get_ref().iter() {
        if k.get_ref().as_ref() == "game" {
            spans.push(k.span());
            collect(v, &mut spans);
        }
    }
    Some(spans)
}

/// The source with every line that holds part of the `game` table blanked
/// (newlines kept), so the rest parses as a scenario with its own line
/// numbers. If blanking would change anything else (an unusual layout), the
/// rest is written out afresh instead.
fn without_game(source: &str, spans: &[Range<usize>]) -> String {
    let mut bytes = source.as_bytes().to_vec();
    for span in spans {
        let start = source[..span.start.min(source.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let end = source[span.end.min(source.len())..]
            .find('\n')
            .map_or(source.len(), |i| span.end + i);
        for b in &mut bytes[start..end] {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    }
    let blanked = String::from_utf8(bytes).expect("only ASCII bytes were written over whole lines");
    let expected = toml::from_str::<toml::Table>(source).ok().map(|mut t| {
        t.remove("game");
        t
    });
    match (toml::from_str::<toml::Table>(&blanked).ok(), expected) {
        (Some(got), Some(want)) if got == want => blanked,
        (_, Some(want)) => toml::to_string(&want).unwrap_or(blanked),
        _ => blanked,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"[scenario]
name = "g"
runs = 10
steps = 20

[world]
decisive_capability = 3.0

[[labs]]
name = "Lab"
capability = 1.0
safety = 1.0
capability_rate = 0.1
safety_rate = 0.05
"#;

    const GAME: &str = r#"
[game]
players = 3
population = 30

[[game.strategies]]
name = "race"
policy = [{ rule = "race" }]

[[game.strategies]]
name = "pause"
policy = [
  { rule = "unilateral_pause", thresholds = [2.0] },
]
"#;

    fn parse(text: &str) -> Result<Game, ScenarioError> {
        Game::from_str_named(text, "g.toml", "g")
    }

    fn problems(text: &str) -> Vec<String> {
        parse(text)
            .unwrap_err()
            .problems()
            .iter()
            .map(|p| p.render("g.toml"))
            .collect()
    }

    #[test]
    fn a_template_and_players_make_a_symmetric_game() {
        let g = parse(&format!("{BASE}{GAME}")).unwrap();
        assert!(g.symmetric);
        assert_eq!(g.players(), 3);
        assert_eq!(g.scenario.labs[2].name, "Lab-3");
        assert!(g.scenario.labs.iter().all(|l| l.policy.is_empty()));
        assert_eq!(g.strategies.len(), 2);
        assert_eq!(g.strategies[1].name, "pause");
        assert!(matches!(
            g.strategies[1].policy[0],
            Rule::UnilateralPause(_)
        ));
        assert_eq!((g.population, g.selection), (30, DEFAULT_SELECTION));
        assert_eq!(g.profile_count(), 4);
        assert_eq!(g.selection_sweep.len(), 21);
        // The game table may come first, too.
        let swapped = format!("{}\n{BASE}", GAME.trim_start());
        assert_eq!(parse(&swapped).unwrap(), g);
    }

    #[test]
    fn labs_that_differ_make_a_seat_game() {
        let text = format!(
            "{BASE}\n[[labs]]\nname = \"Other\"\ncapability = 2.0\nsafety = 1.0\n\
             capability_rate = 0.1\nsafety_rate = 0.05\n{}",
            GAME.replace("players = 3\n", "")
        );
        let g = parse(&text).unwrap();
        assert!(!g.symmetric);
        assert_eq!(g.players(), 2);
        assert_eq!(g.profile_count(), 4);
    }

    /// Where `value` is written on the first line of `text` that contains
    /// `line_with`, as a problem's `g.toml:LINE:COL` prefix.
    fn place(text: &str, line_with: &str, value: &str) -> String {
        let (i, line) = text
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains(line_with))
            .unwrap();
        format!("g.toml:{}:{}", i + 1, line.find(value).unwrap() + 1)
    }

    /// Asserts that the first of the problems `p` starts with `prefix`.
    fn assert_first_starts(p: &[String], prefix: &str) {
        assert!(p[0].starts_with(prefix), "{p:?}");
    }

    #[test]
    fn scenario_problems_keep_their_line_numbers() {
        let text = format!("{GAME}{BASE}").replace("decisive_capability = 3.0", "returns = 1.5");
        let p = problems(&text);
        assert_eq!(p.len(), 1, "{p:?}");
        let at = place(&text, "returns", "1.5");
        assert_first_starts(&p, &format!("{at}: world.returns: 1.5 is out of range"));
    }

    #[test]
    fn policy_problems_point_into_the_game_table() {
        let text =
            format!("{BASE}{GAME}").replace("thresholds = [2.0]", "thresholds = [2.0], risk = 0.1");
        let p = problems(&text);
        assert_eq!(p.len(), 1, "{p:?}");
        // The line and column of the offending value.
        let at = place(&text, "risk = 0.1", "0.1");
        assert_first_starts(&p, &format!("{at}:"));
        assert!(p[0].contains("game.strategies[1].policy[0]"), "{p:?}");
        // A misspelt rule on the first line of an inline policy.
        let text = format!("{BASE}{GAME}").replace("rule = \"race\"", "rule = \"racing\"");
        let p = problems(&text);
        let at = place(&text, "racing", "\"racing\"");
        assert_first_starts(&p, &format!("{at}: game.strategies[0].policy[0].rule"));
    }

    #[test]
    fn every_game_problem_is_reported() {
        let text = format!("{BASE}{GAME}")
            .replace("population = 30", "population = 2\nselectoin = 1.0")
            .replace("name = \"pause\"", "name = \"race\"");
        let p = problems(&text);
        assert!(
            p.iter().any(|m| m.contains("did you mean `selection`")),
            "{p:?}"
        );
        let text = format!("{BASE}{GAME}")
            .replace("population = 30", "population = 2")
            .replace("name = \"pause\"", "name = \"race\"");
        let p = problems(&text);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].contains("game.population: 2 is out of range"), "{p:?}");
        assert!(p[1].contains("already used"), "{p:?}");
    }

    #[test]
    fn a_lab_policy_or_a_missing_game_table_is_explained() {
        let text = format!("{BASE}policy = [{{ rule = \"race\" }}]\n{GAME}");
        let p = problems(&text);
        assert!(
            p[0].contains("labs[0].policy: in a game a lab plays the policy of its strategy"),
            "{p:?}"
        );
        let p = problems(BASE);
        assert!(
            p[0].contains("a game file is a scenario plus a [game] table"),
            "{p:?}"
        );
        let p = problems(&format!("{BASE}{GAME}").replace("players = 3", "players = 1"));
        assert!(p[0].contains("game.players: 1 is out of range"), "{p:?}");
        let text = format!("{BASE}{GAME}").replace(
            "[[labs]]\nname = \"Lab\"",
            "[[labs]]\nname = \"Lab\"\ncount = 2",
        );
        let p = problems(&text);
        assert!(
            p[0].contains("players = 3 but the labs expand to 2 labs"),
            "{p:?}"
        );
        // A syntax error is reported by the scenario parser.
        let p = problems("[game\n");
        assert!(p[0].contains("TOML syntax error"), "{p:?}");
    }

    #[test]
    fn too_many_profiles_are_refused() {
        let mut text = format!("{BASE}{GAME}").replace("players = 3", "players = 100");
        for i in 0..8 {
            text.push_str(&format!(
                "\n[[game.strategies]]\nname = \"s{i}\"\npolicy = [{{ rule = \"race\" }}]\n"
            ));
        }
        text = text.replace("population = 30", "population = 200");
        let p = problems(&text);
        assert!(p[0].contains("profiles to simulate"), "{p:?}");
    }

    /// The `[game]` keys are in the scenario key table (which drives the
    /// README reference and `airace new --game`), with the defaults the
    /// analysis uses, and the game template validates.
    #[test]
    fn the_game_keys_are_in_the_key_table_and_the_template_validates() {
        use crate::scenario::keys::{game_template, key_spec, keys_under, markdown_reference};
        let names: Vec<&str> = keys_under("game").map(|k| k.name()).collect();
        assert_eq!(
            names,
            [
                "players",
                "population",
                "selection",
                "selection_sweep",
                "replicator_grid",
                "strategies"
            ]
        );
        assert_eq!(
            key_spec("game.population").default_f64(),
            DEFAULT_POPULATION as f64
        );
        assert_eq!(key_spec("game.selection").default_f64(), DEFAULT_SELECTION);
        assert_eq!(
            key_spec("game.replicator_grid").default_f64(),
            DEFAULT_REPLICATOR_GRID as f64
        );
        let reference = markdown_reference();
        let template = game_template();
        for name in names {
            assert!(reference.contains(&format!("`game.{name}`")), "{name}");
            assert!(template.contains(name), "{name}");
        }
        let game = Game::from_str_named(&template, "template.toml", "template").unwrap();
        assert_eq!((game.players(), game.strategies.len()), (3, 2));
        assert!(game.symmetric);
        // Out-of-range values are refused with the table's allowed range.
        let bad = template.replace("replicator_grid = 10", "replicator_grid = 1");
        let err = Game::from_str_named(&bad, "bad.toml", "bad")
            .unwrap_err()
            .to_string();
        assert!(err.contains("allowed 2 <= replicator_grid <= 200"), "{err}");
    }
}
