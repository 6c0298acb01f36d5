//! `docs/model.md` and the README's "The model in brief" cannot drift from
//! the code where that can be checked:
//! - every equation of the README's short form is in docs/model.md word for word;
//! - every default in docs/model.md's parameter table is the key table's,
//!   and every scenario key is documented there;
//! - the README's Sweeps and Games sections explain every `sweep.` and
//!   `game.` key of the key table;
//! - the worked example, run through `airace run`, gives the numbers the
//!   document works out by hand.

use airace::scenario::keys::{Default, KEYS, format_number, key_spec};
use assert_cmd::Command;
use std::path::Path;

fn read(relative: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(root.join(relative)).unwrap()
}

/// The text of `doc` from the heading `from` to the next heading of the same level.
fn section<'a>(doc: &'a str, from: &str) -> &'a str {
    let start = doc
        .find(from)
        .unwrap_or_else(|| panic!("no section {from}"));
    let level = from.split(' ').next().unwrap();
    let rest = &doc[start + from.len()..];
    let end = rest
        .match_indices(&format!("\n{level} "))
        .map(|(i, _)| i)
        .next()
        .unwrap_or(rest.len());
    &doc[start..start + from.len() + end]
}

/// The inline code spans of a markdown text.
fn code_spans(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

#[test]
fn the_readme_model_in_brief_is_in_docs_model_md() {
    let readme = read("README.md");
    let brief = section(&readme, "## The model in brief");
    let model = read("docs/model.md");
    let equations: Vec<&str> = code_spans(brief)
        .into_iter()
        .filter(|s| !s.starts_with("src/") && s.contains(['=', '+', '*', '^', '<', '>', '(']))
        .collect();
    assert!(
        equations.len() >= 12,
        "too few equations found: {equations:?}"
    );
    let missing: Vec<&&str> = equations.iter().filter(|e| !model.contains(**e)).collect();
    assert!(
        missing.is_empty(),
        "README's model in brief has equations that docs/model.md does not: {missing:?}"
    );
}

/// The default as docs/model.md writes it.
fn written_default(default: Default) -> String {
    match default {
        Default::Required => "required".into(),
        Default::Absent(meaning) => format!("omitted = {meaning}"),
        Default::Float(x) => format_number(x),
        Default::Integer(i) => i.to_string(),
        Default::Text(t) => format!("\"{t}\""),
    }
}

#[test]
fn the_parameter_table_has_the_key_tables_defaults() {
    let model = read("docs/model.md");
    let table = section(&model, "## Parameters");
    let mut rows = 0;
    for line in table.lines().filter(|l| l.starts_with("| ")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | symbol | `key` | default | meaning |
        let Some(path) = cells[2].strip_prefix('`').and_then(|s| s.strip_suffix('`')) else {
            continue; // the header
        };
        let key = key_spec(path);
        assert_eq!(
            cells[3],
            written_default(key.default),
            "docs/model.md gives {path} another default than the key table"
        );
        rows += 1;
    }
    assert!(rows >= 25, "only {rows} parameter rows");
}

#[test]
fn every_scenario_key_is_documented() {
    let model = read("docs/model.md");
    let spans = code_spans(&model);
    let undocumented: Vec<&str> = KEYS
        .iter()
        .filter(|k| {
            !["game.", "sweep.", "scenario."]
                .iter()
                .any(|p| k.path.starts_with(p))
        })
        .filter(|k| {
            let name = k.name();
            // By its path, its name, or its name given a value in the text.
            !spans.iter().any(|s| {
                *s == k.path
                    || *s == name
                    || s.starts_with(&format!("{name} "))
                    || s.contains(&format!("{name} ="))
                    || s.contains(&format!("{name}:"))
            }) && !model.contains(&format!("`{name}`"))
        })
        .map(|k| k.path)
        .collect();
    assert!(
        undocumented.is_empty(),
        "keys docs/model.md does not mention: {undocumented:?}"
    );
}

/// The keys of the `[sweep]` and `[game]` tables are in the key table (which
/// `airace new`, validation and the README's reference read); the README's
/// Sweeps and Games sections explain each of them by name.
#[test]
fn the_readme_explains_every_sweep_and_game_key() {
    let readme = read("README.md");
    for (prefix, heading) in [("sweep.", "## Sweeps"), ("game.", "## Games")] {
        let text = section(&readme, heading);
        let spans = code_spans(text);
        let keys: Vec<_> = KEYS.iter().filter(|k| k.path.starts_with(prefix)).collect();
        assert!(keys.len() >= 5, "{prefix} keys: {}", keys.len());
        let missing: Vec<&str> = keys
            .iter()
            .filter(|k| {
                let name = k.name();
                !text.contains(&format!("\n{name} ="))
                    && !text.contains(&format!(" {name} ="))
                    && !spans.iter().any(|s| *s == k.path || *s == name)
            })
            .map(|k| k.path)
            .collect();
        assert!(missing.is_empty(), "{heading} does not explain {missing:?}");
    }
}

/// The fenced block after `marker`.
fn block_after<'a>(doc: &'a str, marker: &str) -> &'a str {
    let at = doc.find(marker).expect("marker");
    let rest = &doc[at..];
    let open = rest.find("```toml\n").expect("a toml block") + "```toml\n".len();
    let close = rest[open..].find("```").expect("its end");
    &rest[open..open + close]
}

/// The rows of the markdown table after `marker`: first cell, other cells.
fn table_after(doc: &str, marker: &str) -> Vec<(String, Vec<String>)> {
    let at = doc.find(marker).expect("marker");
    doc[at..]
        .lines()
        .skip(1)
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| {
            let cells: Vec<String> = l
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect();
            (cells[0].clone(), cells[1..].to_vec())
        })
        .collect()
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

/// `got`, rounded to as many decimals as the document's `written`, is
/// `written`: within half a unit of its last digit.
fn agrees(got: f64, written: &str, what: &str) {
    let want: f64 = written.parse().unwrap();
    let decimals = written.split('.').nth(1).map_or(0, str::len) as i32;
    let tolerance = 0.5 * 10f64.powi(-decimals) * (1.0 + 1e-9);
    assert!(
        (got - want).abs() <= tolerance,
        "{what}: airace gives {got}, docs/model.md says {written}"
    );
}

/// Runs the worked example of docs/model.md with `airace run`: the text of
/// docs/model.md, and the temporary folder holding `out/worked-example/`.
fn run_worked_example() -> (String, tempfile::TempDir) {
    let model = read("docs/model.md");
    let scenario = block_after(&model, "<!-- worked-example:scenario -->");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("worked-example.toml");
    std::fs::write(&file, scenario).unwrap();
    Command::cargo_bin("airace")
        .unwrap()
        .args(["run", "--no-plots", "--quiet", "--out"])
        .arg(dir.path().join("out"))
        .arg(&file)
        .assert()
        .success();
    (model, dir)
}

#[test]
fn the_worked_example_runs_as_written() {
    let (model, dir) = run_worked_example();
    let folder = dir.path().join("out/worked-example");

    let labs = csv_rows(&folder.join("labs.csv"));
    let column = |name: &str| labs[0].iter().position(|c| c == name).unwrap();
    let lab_row = |lab: &str| labs.iter().find(|r| r[1] == lab).unwrap().clone();
    let written = table_after(&model, "<!-- worked-example:results -->");
    assert_eq!(written.len(), 4, "{written:?}");
    for (quantity, values) in &written {
        let csv_column = match quantity.as_str() {
            "capability" => "capability",
            "safety" => "safety",
            "resources" => "resources",
            "steps delayed" => "delayed_steps",
            other => panic!("unknown row {other}"),
        };
        for (lab, value) in ["Racer", "Matcher"].iter().zip(values) {
            let got = &lab_row(lab)[column(csv_column)];
            if csv_column == "delayed_steps" {
                assert_eq!(got, value, "{lab} {quantity}");
            } else {
                agrees(got.parse().unwrap(), value, &format!("{lab} {quantity}"));
            }
        }
    }

    let runs = csv_rows(&folder.join("runs.csv"));
    let run_column = |name: &str| runs[1][runs[0].iter().position(|c| c == name).unwrap()].clone();
    let written = table_after(&model, "<!-- worked-example:run -->");
    assert_eq!(written.len(), 3, "{written:?}");
    for (quantity, values) in &written {
        let value = &values[0];
        if quantity.starts_with("cumulative hazard") {
            agrees(
                run_column("cumulative_hazard").parse().unwrap(),
                value,
                quantity,
            );
        } else if quantity.starts_with("P(catastrophe)") {
            agrees(
                run_column("p_catastrophe").parse().unwrap(),
                value,
                quantity,
            );
        } else if quantity == "first alarm step" {
            assert_eq!(&run_column("first_alarm_step"), value);
        } else {
            panic!("unknown row {quantity}");
        }
    }
}

#[test]
fn the_worked_examples_first_step_is_as_worked_out() {
    // The first step's numbers in the text, from airace's per-step means of
    // its one run (kept in fixed point: agreement to 1e-12 relative).
    let (model, dir) = run_worked_example();
    let series = csv_rows(&dir.path().join("out/worked-example/timeseries.csv"));
    let at = |name: &str| -> f64 {
        let c = series[0].iter().position(|c| c == name).unwrap();
        series[2][c].parse().unwrap()
    };
    let step = section(&model, "## A worked example");
    for (column, written) in [
        ("capability_mean_Racer", "2.410791918"),
        ("safety_mean_Racer", "1.181659021"),
        ("capability_mean_Matcher", "1.547213595"),
        ("safety_mean_Matcher", "1.044721360"),
        ("p_catastrophe", "0.0008872532017"),
    ] {
        if column != "p_catastrophe" {
            assert!(step.contains(written), "the text no longer shows {written}");
        }
        agrees(at(column), written, column);
    }
    assert!(step.contains("H(1) = 0.0008876470438"));
    // 1 - exp(-H(1)) of the text's H(1).
    agrees(
        -(-0.0008876470438f64).exp_m1(),
        "0.0008872532017",
        "1 - exp(-H(1))",
    );
}

/// Code, docs and outputs cite the model's documentation in the repository
/// (docs/model.md), never a design file that is not in it.
#[test]
fn nothing_cites_a_model_document_outside_the_repository() {
    fn walk(dir: &Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                for (n, line) in text.lines().enumerate() {
                    if line.contains("DESIGN.md") || line.contains("DESIGN's") {
                        found.push(format!("{}:{}", path.display(), n + 1));
                    }
                }
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    for dir in ["src", "docs", "scenarios"] {
        walk(&root.join(dir), &mut found);
    }
    let readme = read("README.md");
    if readme.contains("DESIGN.md") {
        found.push("README.md".into());
    }
    assert!(found.is_empty(), "cites DESIGN.md: {found:?}");
}
