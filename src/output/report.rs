//! `index.html`: one self-contained page per output folder (figures inlined
//! as SVG, no scripts, no network) with the scenario's question, the
//! headline table with intervals, the figures, the scenario as run and the
//! manifest. Built from the same files a reader has, so `airace plot`
//! rebuilds it exactly.

use crate::plot::Drawn;
use crate::plot::data::{DataError, ScenarioData, Table};
use std::fmt::Write as _;

pub const FILE_NAME: &str = "index.html";

/// The pages' style. Figures scale to the page's width (their SVG has a
/// `viewBox`), wide tables scroll sideways inside themselves, and long
/// names break, so nothing runs past a window from a phone's 390 px up
/// (checked in headless Chromium by tests/report_browser.rs).
const STYLE: &str = "body{font-family:DejaVu Sans,Verdana,sans-serif;max-width:72em;margin:2em auto;padding:0 1em;color:#222}\
table{border-collapse:collapse;margin:1em 0;display:block;max-width:100%;overflow-x:auto}td,th{border-bottom:1px solid #ddd;padding:.3em .8em;text-align:right}\
td:first-child,th:first-child{text-align:left}figure{margin:1.5em 0}figure svg{width:100%;height:auto}\
pre{background:#f6f6f6;padding:1em;overflow-x:auto;font-size:90%}.note{color:#555;font-size:90%}\
p,li,figcaption,h1,h2,h3{overflow-wrap:anywhere}";

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

pub(crate) fn head(out: &mut String, title: &str) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(title)
    );
}

/// A page's figures section: each drawn figure inline (its SVG), captioned
/// with the names of its files, after `caption(stem)`'s text where that
/// gives one.
fn figures<'a>(out: &mut String, drawn: &[Drawn], caption: impl Fn(&str) -> Option<&'a str>) {
    out.push_str("<h2>Figures</h2>\n");
    for d in drawn {
        let files = d.file_names(crate::output::files::FIGURES_DIR);
        let text = match caption(&d.stem) {
            Some(text) => format!("{} ({files})", escape(text)),
            None => files,
        };
        let _ = writeln!(
            out,
            "<figure id=\"fig-{stem}\">\n{svg}<figcaption class=\"note\">{text}</figcaption>\n</figure>",
            stem = d.stem,
            svg = d.svg,
        );
    }
}

/// As [`figures`], or, where none was drawn (`--no-plots`), a note saying
/// how to draw them.
pub(crate) fn figures_or_note<'a>(
    out: &mut String,
    drawn: &[Drawn],
    caption: impl Fn(&str) -> Option<&'a str>,
) {
    if drawn.is_empty() {
        out.push_str(
            "<h2>Figures</h2>\n<p class=\"note\">Not drawn (--no-plots): <code>airace plot</code> on this folder draws them.</p>\n",
        );
    } else {
        figures(out, drawn, caption);
    }
}

pub(crate) fn interval(e: crate::stats::Estimate, decimals: usize) -> String {
    if e.ci_low.is_nan() {
        format!("{:.*}", decimals, e.mean)
    } else {
        format!(
            "{:.*} [{:.*}, {:.*}]",
            decimals, e.mean, decimals, e.ci_low, decimals, e.ci_high
        )
    }
}

/// The page of one scenario.
pub fn scenario_page(
    data: &ScenarioData,
    description: &str,
    drawn: &[Drawn],
    scenario_toml: &str,
    manifest_json: &str,
) -> String {
    let mut out = String::new();
    head(&mut out, &format!("airace: {}", data.name));
    let _ = writeln!(
        out,
        "<h1>{}</h1>\n<p>{}</p>",
        escape(&data.name),
        escape(description)
    );
    out.push_str("<h2>Headline results</h2>\n<table>\n<tr><th>outcome</th><th>estimate [95% interval]</th></tr>\n");
    let mut row = |label: String, metric: &str, lab: &str, decimals: usize| {
        if let Some(e) = data.estimate(metric, lab) {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td></tr>",
                escape(&label),
                interval(e, decimals)
            );
        }
    };
    row("P(catastrophe), expected".into(), "p_catastrophe", "", 4);
    row(
        "P(catastrophe), sampled".into(),
        "p_catastrophe_sampled",
        "",
        4,
    );
    row(
        "P(unwarned catastrophe)".into(),
        "p_catastrophe_unwarned",
        "",
        4,
    );
    for lab in &data.labs {
        row(format!("P({lab} wins)"), "p_win", lab, 4);
    }
    row("P(no winner)".into(), "p_no_winner", "", 4);
    row("mean step of the win".into(), "win_step_mean", "", 1);
    row(
        "final frontier capability, mean".into(),
        "frontier_capability_mean",
        "",
        3,
    );
    row(
        "final frontier capability, median".into(),
        "frontier_capability_p50",
        "",
        3,
    );
    for lab in &data.labs {
        row(
            format!("{lab}: steps paused, mean"),
            "paused_steps_mean",
            lab,
            2,
        );
        row(
            format!("{lab}: steps delayed, mean"),
            "delayed_steps_mean",
            lab,
            2,
        );
        row(format!("{lab}: utility, mean"), "utility_mean", lab, 4);
    }
    out.push_str("</table>\n<p class=\"note\">");
    out.push_str(&escape(crate::output::summary::COUNTERFACTUAL_NOTE));
    out.push_str("</p>\n");
    figures(&mut out, drawn, |_| None);
    let _ = write!(
        out,
        "<h2>Scenario as run</h2>\n<pre>{}</pre>\n<h2>Manifest</h2>\n\
         <p class=\"note\">As in manifest.json, less the thread count and command line, so that this page, \
         like every result file, is the same for any thread count.</p>\n<pre>{}</pre>\n</body>\n</html>\n",
        escape(scenario_toml),
        escape(&without_invocation(manifest_json))
    );
    out
}

/// The manifest without the fields that record the invocation (so that
/// the page is the same for any thread count, sharded or not).
pub(crate) fn without_invocation(manifest_json: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(manifest_json) {
        Ok(mut v) => {
            if let Some(m) = v.as_object_mut() {
                m.shift_remove("threads");
                m.shift_remove("command_line");
                m.shift_remove("merged_shards");
            }
            serde_json::to_string_pretty(&v).unwrap_or_default()
        }
        Err(_) => manifest_json.to_string(),
    }
}

/// The page of a comparison.
pub fn comparison_page(name: &str, table: &Table, drawn: &[Drawn]) -> Result<String, DataError> {
    let mut out = String::new();
    head(&mut out, &format!("airace: {name}"));
    let _ = writeln!(
        out,
        "<h1>{}</h1>\n<p>Scenarios run with one seed (common random numbers): differences come from policy, not noise.</p>",
        escape(name)
    );
    out.push_str(
        "<table>\n<tr><th>scenario</th><th>runs</th><th>P(catastrophe)</th><th>sampled</th><th>unwarned</th>\
         <th>no winner</th><th>final frontier capability</th></tr>\n",
    );
    let names = table.text("scenario")?;
    let runs = table.text("runs")?;
    let col = |m: &str| table.column(m);
    let est = |m: &str, i: usize| -> Result<crate::stats::Estimate, DataError> {
        Ok(crate::stats::Estimate {
            mean: col(m)?[i],
            ci_low: col(&format!("{m}_ci_low"))?[i],
            ci_high: col(&format!("{m}_ci_high"))?[i],
        })
    };
    for (i, n) in names.iter().enumerate() {
        let _ = writeln!(
            out,
            "<tr><td><a href=\"../{n}/index.html\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(n),
            escape(&runs[i]),
            interval(est("p_catastrophe", i)?, 4),
            interval(est("p_catastrophe_sampled", i)?, 4),
            interval(est("p_catastrophe_unwarned", i)?, 4),
            interval(est("p_no_winner", i)?, 4),
            interval(est("frontier_capability_mean", i)?, 3),
            n = escape(n),
        );
    }
    out.push_str("</table>\n");
    figures(&mut out, drawn, |_| None);
    out.push_str("</body>\n</html>\n");
    Ok(out)
}

/// The page of a sweep: its figures and its table.
pub fn sweep_page(name: &str, table: &Table, drawn: &[Drawn]) -> String {
    let mut out = String::new();
    head(&mut out, &format!("airace: {name}"));
    let _ = writeln!(
        out,
        "<h1>{}</h1>\n<p>Every point runs with one seed (common random numbers). {} points; all columns are in sweep.csv.</p>",
        escape(name),
        table.rows().len()
    );
    figures(&mut out, drawn, |_| None);
    out.push_str("<h2>Points</h2>\n<table>\n<tr>");
    let header = table.header();
    let keep: Vec<usize> = header
        .iter()
        .enumerate()
        .filter(|(_, h)| !h.ends_with("_ci_low") && !h.ends_with("_ci_high") && *h != "design")
        .map(|(i, _)| i)
        .collect();
    for &i in &keep {
        let _ = write!(out, "<th>{}</th>", escape(&header[i]));
    }
    out.push_str("</tr>\n");
    for row in table.rows() {
        out.push_str("<tr>");
        for &i in &keep {
            let _ = write!(out, "<td>{}</td>", escape(&row[i]));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a < b & \"c\""), "a &lt; b &amp; &quot;c&quot;");
    }
}
