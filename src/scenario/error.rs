//! What went wrong with a scenario file, said so that a person can fix it:
//! the file, the line and column, the key, the value found and what is allowed.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

/// One thing wrong in a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line and column of the offending text, when known.
    pub line_col: Option<(usize, usize)>,
    /// Where in the scenario, e.g. `labs[1].policy[0].risk`; empty for
    /// problems with the file as a whole (such as a syntax error).
    pub key_path: String,
    /// What was found and what is allowed.
    pub message: String,
}

impl Problem {
    /// A problem with the file as a whole, at no line and no key (such as
    /// a TOML syntax error, or a table the file lacks).
    pub fn whole_file(message: impl Into<String>) -> Problem {
        Problem {
            line_col: None,
            key_path: String::new(),
            message: message.into(),
        }
    }
}

/// Reads `source` (named `origin` in errors) as a TOML table, for readers
/// that take their own tables out of a scenario file (`[sweep]`,
/// `[explore]`): a syntax error is a problem with the whole file.
pub fn toml_table(source: &str, origin: &str) -> Result<toml::Table, ScenarioError> {
    source
        .parse()
        .map_err(|e: toml::de::Error| ScenarioError::Invalid {
            origin: origin.to_string(),
            problems: vec![Problem::whole_file(e.message())],
        })
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read at all. The reason is part of the
    /// message and deliberately not a `source`: printing the error chain
    /// (`{:#}`) would otherwise say it twice.
    #[error("cannot read scenario file {}: {}", path.display(), read_reason(error))]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The path names a folder.
    #[error("{}: is a directory, not a scenario file (give the path of a .toml file)", path.display())]
    NotAFile { path: PathBuf },
    /// The path names a FIFO, a device or a socket.
    #[error(
        "{}: is not a regular file (a pipe, a device or a socket): airace reads scenario, game \
         and exploration files only from regular files",
        path.display()
    )]
    NotRegular { path: PathBuf },
    /// The file is larger than airace reads.
    #[error(
        "{}: is larger than {} MB (or grew while it was read): a scenario, game or exploration \
         file must be a text file of at most {} MB",
        path.display(),
        super::MAX_FILE_BYTES / 1_000_000,
        super::MAX_FILE_BYTES / 1_000_000
    )]
    TooLarge { path: PathBuf },
    /// The file was read but is not a valid scenario.
    #[error("{}", render(origin, problems))]
    Invalid {
        origin: String,
        problems: Vec<Problem>,
    },
}

impl ScenarioError {
    /// The problems found, empty for read errors.
    pub fn problems(&self) -> &[Problem] {
        match self {
            ScenarioError::Invalid { problems, .. } => problems,
            _ => &[],
        }
    }
}

/// Why a file could not be read, with a hint where the system's own words
/// leave a person guessing.
fn read_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::PermissionDenied => {
            format!("{error}: this user may not read it (check the file's permissions)")
        }
        std::io::ErrorKind::InvalidData => {
            format!("{error}: a scenario is a TOML text file in UTF-8")
        }
        // EIO (5 on Linux and macOS; on Windows 5 means access denied).
        _ if cfg!(unix) && error.raw_os_error() == Some(5) => format!(
            "{error}: the system could not read its contents (a failing disk or network share, \
             or a special file that cannot be read as text)"
        ),
        _ => error.to_string(),
    }
}

fn render(origin: &str, problems: &[Problem]) -> String {
    let mut out = String::new();
    if problems.len() > 1 {
        out.push_str(&format!("{origin}: {} problems\n", problems.len()));
    }
    for (i, p) in problems.iter().enumerate() {
        if problems.len() > 1 {
            out.push_str("  ");
        }
        out.push_str(&p.render(origin));
        if i + 1 < problems.len() {
            out.push('\n');
        }
    }
    out
}

impl Problem {
    /// `file:line:col: key: message`, with control characters from the
    /// file (a terminal's escape sequences) escaped, never echoed raw.
    pub fn render(&self, origin: &str) -> String {
        let place = match self.line_col {
            Some((line, col)) => format!("{origin}:{line}:{col}"),
            None => origin.to_string(),
        };
        let line = if self.key_path.is_empty() {
            format!("{place}: {}", self.message)
        } else {
            format!("{place}: {}: {}", self.key_path, self.message)
        };
        escape_controls(&line)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render("<scenario>"))
    }
}

/// 1-based line and column (in characters) of a byte offset in `source`.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = source.get(..offset).unwrap_or(source);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// The line and column of the start of a span.
pub fn span_start(source: &str, span: &Range<usize>) -> (usize, usize) {
    line_col(source, span.start)
}

/// One step of a path into a TOML document, to find a value's line.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Step {
    Key(String),
    Index(usize),
}

impl Problem {
    /// A problem with the value at `at` in the TOML `source`: its line and
    /// column (see [`line_col_of`]) and its key path as a person reads it.
    pub(crate) fn at(source: &str, at: &[Step], message: impl Into<String>) -> Problem {
        Problem {
            line_col: line_col_of(source, at),
            key_path: key_path_text(at),
            message: message.into(),
        }
    }
}

/// `sweep.parameter[0].range` for the steps of a path.
pub(crate) fn key_path_text(at: &[Step]) -> String {
    let mut text = String::new();
    for step in at {
        match step {
            Step::Key(k) if text.is_empty() => text.push_str(k),
            Step::Key(k) => {
                text.push('.');
                text.push_str(k);
            }
            Step::Index(i) => text.push_str(&format!("[{i}]")),
        }
    }
    text
}

/// The line and column where the value at `at` is written: of its key for
/// a table's entry, of the element for a list's.
pub(crate) fn line_col_of(source: &str, at: &[Step]) -> Option<(usize, usize)> {
    use toml::de::{DeTable, DeValue};
    let doc = DeTable::parse(source).ok()?;
    let mut table = Some(doc.get_ref());
    let mut value: Option<&DeValue> = None;
    let mut span = None;
    for step in at {
        match step {
            Step::Key(k) => {
                let (key, v) = table?.iter().find(|(key, _)| key.get_ref().as_ref() == k)?;
                span = Some(key.span());
                value = Some(v.get_ref());
            }
            Step::Index(i) => {
                let DeValue::Array(items) = value? else {
                    return None;
                };
                let item = items.get(*i)?;
                span = Some(item.span());
                value = Some(item.get_ref());
            }
        }
        table = match value {
            Some(DeValue::Table(t)) => Some(t),
            _ => None,
        };
    }
    // An empty span (as of a `[[table]]` entry) says nothing useful.
    span.filter(|s| !s.is_empty())
        .map(|s| line_col(source, s.start))
}

/// The candidate a mistyped `found` most likely meant, if one is close:
/// first a candidate equal to it but for case (`labs.alpha` for a lab
/// named `Alpha`), else the nearest by Jaro-Winkler similarity of the
/// lower-cased names (above 0.8), the case-exact similarity breaking ties.
/// The one "did you mean" of every reader: scenario keys and rules, sweep
/// key paths, `[game]` and `[explore]` keys.
pub fn nearest<'a>(found: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = found.to_lowercase();
    let candidates: Vec<&str> = candidates.into_iter().collect();
    if let Some(same) = candidates.iter().find(|c| c.to_lowercase() == lower) {
        return Some(same);
    }
    candidates
        .iter()
        .map(|c| {
            let folded = strsim::jaro_winkler(&lower, &c.to_lowercase());
            (folded, strsim::jaro_winkler(found, c), *c)
        })
        .filter(|(folded, _, _)| *folded > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)))
        .map(|(_, _, c)| c)
}

/// `"; did you mean `x`?"` for [`nearest`], or nothing.
pub fn did_you_mean<'a>(found: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    nearest(found, candidates)
        .map(|best| format!("; did you mean `{best}`?"))
        .unwrap_or_default()
}

/// `text` with its control characters (but for line breaks) escaped.
fn escape_controls(text: &str) -> String {
    if !text.chars().any(|c| c.is_control() && c != '\n') {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' {
                c.escape_debug().collect()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Text from a file as an error message shows it: control characters (a
/// terminal's escape sequences among them) escaped, and at most 60
/// characters of it.
pub fn shown(text: &str) -> String {
    let escaped: String = text.escape_debug().collect();
    match escaped.char_indices().nth(60) {
        Some((cut, _)) => format!("{}...", &escaped[..cut]),
        None => escaped,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn escape_bytes_in_a_problem_are_never_echoed_raw() {
        let p = Problem {
            line_col: Some((3, 1)),
            key_path: "scenario".into(),
            message: "unknown field `\u{1b}[31mred`".into(),
        };
        let shown = p.render("f.toml");
        assert!(!shown.contains('\u{1b}'), "{shown}");
        assert!(shown.contains("\\u{1b}[31mred"), "{shown}");
    }

    #[test]
    fn text_from_a_file_is_shown_escaped_and_short() {
        assert_eq!(super::shown("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        let long = "x".repeat(500);
        assert_eq!(super::shown(&long).len(), 63);
        assert_eq!(crate::scenario::keys::format_number(1e308), "1e308");
    }

    use super::*;

    #[test]
    fn suggestions_compare_case_insensitively_first() {
        // Regression: `labs.alpha.safety_share` was answered with
        // `labs.Gamma.safety_share` (closer by case-exact similarity).
        let keys = ["labs.Alpha.safety_share", "labs.Gamma.safety_share"];
        assert_eq!(
            nearest("labs.alpha.safety_share", keys),
            Some("labs.Alpha.safety_share")
        );
        assert_eq!(nearest("retruns", ["returns", "runs"]), Some("returns"));
        assert_eq!(nearest("zzz", ["returns"]), None);
        assert_eq!(
            did_you_mean("Retruns", ["returns"]),
            "; did you mean `returns`?"
        );
    }

    #[test]
    fn line_col_counts_from_one() {
        let src = "a = 1\nbb = 2\n";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 6), (2, 1));
        assert_eq!(line_col(src, 11), (2, 6));
    }

    #[test]
    fn several_problems_are_listed_under_the_file() {
        let p = |k: &str| Problem {
            line_col: Some((2, 3)),
            key_path: k.into(),
            message: "bad".into(),
        };
        let err = ScenarioError::Invalid {
            origin: "x.toml".into(),
            problems: vec![p("a"), p("b")],
        };
        assert_eq!(
            err.to_string(),
            "x.toml: 2 problems\n  x.toml:2:3: a: bad\n  x.toml:2:3: b: bad"
        );
    }
}
