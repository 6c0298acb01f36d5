//! No import circle among the top-level modules of `src/`: the layers stay
//! layers (scenario above policy above model, commands above output above
//! plot, ...). The same check as `scripts/module-cycles.py`, in Rust so
//! that `cargo test` runs it: an edge `a -> b` is any `crate::b` path in a
//! file of module `a` (or `b::` inside a `use crate::{...}` group),
//! comments and `#[cfg(test)]` modules left out, since a test may reach
//! anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The top-level modules: `src/NAME.rs` and `src/NAME/`, less the crate
/// roots.
fn modules(src: &Path) -> BTreeSet<String> {
    std::fs::read_dir(src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| {
            let name = if p.is_dir() {
                p.file_name()?.to_str()?.to_string()
            } else if p.extension()? == "rs" {
                p.file_stem()?.to_str()?.to_string()
            } else {
                return None;
            };
            (name != "lib" && name != "main").then_some(name)
        })
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// A file's code outside its test module, comment lines dropped.
fn code(text: &str) -> String {
    let mut end = text.len();
    let mut from = 0;
    while let Some(at) = text[from..].find("#[cfg(test)]") {
        let at = from + at;
        let rest = text[at + "#[cfg(test)]".len()..].trim_start();
        let rest = rest
            .strip_prefix("pub(crate) ")
            .or_else(|| rest.strip_prefix("pub "))
            .unwrap_or(rest);
        if rest.starts_with("mod ") {
            end = at;
            break;
        }
        from = at + 1;
    }
    text[..end]
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The lowercase identifier at the start of `s`.
fn ident(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// The modules a file's code names: `crate::NAME`, and `NAME::` inside
/// `use crate::{...}`.
fn named(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find(';').unwrap_or(group.len())];
            for (i, _) in group.match_indices("::") {
                let before = &group[..i];
                let start = before
                    .rfind(|c: char| !(c.is_ascii_lowercase() || c == '_'))
                    .map_or(0, |p| p + 1);
                let boundary = start == 0
                    || matches!(
                        before.as_bytes()[start - 1],
                        b',' | b'{' | b' ' | b'\n' | b'\t'
                    );
                if boundary && start < i {
                    out.insert(before[start..].to_string());
                }
            }
        } else {
            out.insert(ident(rest).to_string());
        }
    }
    out
}

fn edges(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mods = modules(src);
    let mut edges: BTreeMap<String, BTreeSet<String>> =
        mods.iter().map(|m| (m.clone(), BTreeSet::new())).collect();
    let mut files = Vec::new();
    rust_files(src, &mut files);
    for file in files {
        let rel = file.strip_prefix(src).unwrap();
        let mut parts = rel.components();
        let first = parts.next().unwrap().as_os_str().to_str().unwrap();
        let from = if parts.next().is_none() {
            first.trim_end_matches(".rs")
        } else {
            first
        };
        if !mods.contains(from) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for to in named(&code(&text)) {
            if to != from && mods.contains(&to) {
                edges.get_mut(from).unwrap().insert(to);
            }
        }
    }
    edges
}

/// The modules that lie on a circle: those that reach themselves.
fn on_circles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<&str> = edges[from].iter().map(String::as_str).collect();
        while let Some(m) = todo.pop() {
            if seen.insert(m.to_string()) {
                todo.extend(edges[m].iter().map(String::as_str));
            }
        }
        seen
    };
    edges
        .keys()
        .filter(|m| reach(m).contains(*m))
        .cloned()
        .collect()
}

#[test]
fn no_import_circle_among_the_modules_of_src() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let edges = edges(&src);
    assert!(edges.len() > 10, "found only {:?}", edges.keys());
    let circle = on_circles(&edges);
    let shown: Vec<String> = circle
        .iter()
        .flat_map(|a| {
            edges[a]
                .iter()
                .filter(|b| circle.contains(b))
                .map(move |b| format!("{a} -> {b}"))
        })
        .collect();
    assert!(
        circle.is_empty(),
        "modules on an import circle: {}; edges among them: {}",
        circle.join(" "),
        shown.join(", ")
    );
}

#[test]
fn the_check_sees_a_circle_and_what_it_leaves_out() {
    let text = "use crate::{model::x, policy::{A, b}};\n\
                // crate::scenario in a comment\n\
                fn f() { crate::engine::run(); }\n\
                #[cfg(test)]\nmod tests { use crate::output; }\n";
    assert_eq!(
        named(&code(text)),
        ["engine", "model", "policy"]
            .map(String::from)
            .into_iter()
            .collect()
    );
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (a, b) in [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")] {
        edges.entry(a.into()).or_default().insert(b.into());
        edges.entry(b.into()).or_default();
    }
    assert_eq!(on_circles(&edges), ["a", "b", "c"]);
}
