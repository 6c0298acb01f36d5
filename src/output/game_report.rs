//! `index.html` of a game, DSAIR or precipice folder: self-contained like
//! the scenario pages (figures inlined as SVG, no scripts, no network), with
//! the headline table first — the equilibria with their uncertainty, the
//! DSAIR thresholds at the reported speeds, or the disaster probability by
//! information regime — then the figures, each with a caption saying how
//! to read it. Built only from the folder's files, so `airace plot`
//! rebuilds it exactly.

use super::files::game;
use super::game_folder::{Files, GameFolder};
use super::report::{escape, figures_or_note, head, interval, without_invocation};
use crate::plot::Drawn;
use crate::plot::data::DataError;
use crate::plot::data::NamedFiles;
use crate::plot::game_figures::{GameTables, ProfileStatus, regime_label};
use crate::stats::Estimate;
use std::fmt::Write as _;

/// The page of a folder of `kind`.
pub fn page(kind: GameFolder, files: &Files, drawn: &[Drawn]) -> Result<String, DataError> {
    match kind {
        GameFolder::Game => game_page(files, drawn),
        GameFolder::Dsair => Ok(dsair_page(files, drawn)),
        GameFolder::Precipice => Ok(precipice_page(files, drawn)),
    }
}

/// How to read each figure.
fn caption(stem: &str) -> &'static str {
    match stem {
        "payoffs" => {
            "Each cell is the expected payoff of a player that plays the column's strategy while the others play the \
             row's. Outlined cells are best responses to the row (no other strategy gains, each gain tested against \
             zero with Holm's correction over the table at family-wise level 5%). A dot marks a cell whose profile is \
             an equilibrium: filled if strict, open if weak (some deviation to the same strategy under another name); \
             a question mark one whose verdict is undecided at these runs (no deviation gains, some cannot be told \
             from zero)."
        }
        s if s.starts_with("payoffs-") => {
            "Each cell is this seat's expected payoff when it plays the column's strategy and the other seats play \
             the row's. Outlined cells are its best responses to the row (no other strategy gains, Holm-corrected at \
             5%). A dot marks a cell whose profile is an equilibrium: filled if strict, open if weak; a question mark \
             one whose verdict is undecided at these runs."
        }
        "replicator" => {
            "Replicator dynamics of an infinite population: strategies earning more than the average grow. With \
             three strategies each corner is a population all playing one of them; lines are trajectories from a \
             grid of starting mixes, arrows show their direction and dots where they end. With two, the line is \
             the growth of the first strategy's share: where it crosses zero is a rest point, filled if stable."
        }
        "stationary" => {
            "In a finite population that imitates better-paid players and rarely mutates, the share of time \
             everyone plays each strategy."
        }
        "stationary-sweep" => {
            "The stationary distribution as the intensity of selection β grows (β = 0: imitation ignores payoffs, \
             every strategy equally likely); the dotted line is the game's β."
        }
        "heatmap" => {
            "How often a population plays UNSAFE (its share of the stationary distribution) at each speed s and \
             risk p_r. Above the solid black line society prefers SAFE (all-SAFE earns more than all-UNSAFE); above the \
             dashed line SAFE is risk-dominant, so selection favours it. Between the two lies the dilemma, hatched and \
             outlined (the cells with society(s) < p_r < risk-dominant(s), from the closed forms): society \
             would prefer SAFE, but the population plays UNSAFE."
        }
        "curves" => {
            "The frequency of UNSAFE against p_r at the reported speeds, from simulated payoffs (solid) and the \
             closed-form payoffs (dashed). Shaded: the dilemma zone, between the p_r above which society prefers \
             SAFE and the p_r above which SAFE is risk-dominant."
        }
        "disaster" => {
            "The equilibrium probability of disaster (the winner's AI is unsafe) as the range of capabilities μ \
             grows, in each information regime: a line per regime, dashed its closed form; a panel per enmity e \
             (rows) and number of teams n (columns)."
        }
        _ => "",
    }
}

/// `strategy share` (to 3 decimals) for each share of a JSON array of
/// shares, one per strategy, that `keep` keeps (a missing share counts
/// as 0 there and is written NaN).
fn shares(
    xs: Option<&serde_json::Value>,
    strategies: &[String],
    keep: impl Fn(f64) -> bool,
) -> Vec<String> {
    xs.and_then(|x| x.as_array())
        .map(|xs| {
            xs.iter()
                .zip(strategies)
                .filter(|(x, _)| keep(x.as_f64().unwrap_or(0.0)))
                .map(|(x, s)| format!("{} {:.3}", escape(s), x.as_f64().unwrap_or(f64::NAN)))
                .collect()
        })
        .unwrap_or_default()
}

/// The game pages' figures section, each figure with its caption.
fn figures(out: &mut String, drawn: &[Drawn]) {
    figures_or_note(out, drawn, |stem| Some(caption(stem)));
}

fn manifest(out: &mut String, files: &Files) {
    let _ = write!(
        out,
        "<h2>Manifest</h2>\n<p class=\"note\">As in manifest.json, less the thread count and command line, so that \
         this page, like every result file, is the same for any thread count.</p>\n<pre>{}</pre>\n",
        escape(&without_invocation(&files.text(super::files::MANIFEST)))
    );
}

/// A number with its 95% interval from a standard error.
fn with_se(mean: f64, se: f64, decimals: usize) -> String {
    let z = crate::stats::interval::Z95;
    interval(
        Estimate {
            mean,
            ci_low: mean - z * se,
            ci_high: mean + z * se,
        },
        decimals,
    )
}

/// A profile's most profitable deviation, as a table cell.
fn deviation(e: &ProfileStatus) -> String {
    if e.best_from.is_empty() {
        return "none".to_string();
    }
    let who = if e.best_seat.is_empty() || e.best_seat == e.best_from {
        String::new()
    } else {
        format!("{}: ", escape(&e.best_seat))
    };
    format!(
        "{who}{} → {}: {:.4} ± {:.4}",
        escape(&e.best_from),
        escape(&e.best_to),
        e.best_gain,
        2.0 * e.best_gain_se
    )
}

fn game_page(files: &Files, drawn: &[Drawn]) -> Result<String, DataError> {
    let g = GameTables::read(files)?;
    let summary = files.json(super::files::SUMMARY_JSON).unwrap_or_default();
    let text = |key: &str| summary.get(key).and_then(|v| v.as_str()).unwrap_or("");
    let mut out = String::new();
    head(&mut out, &format!("airace game: {}", files.name()));
    let _ = writeln!(
        out,
        "<h1>{}</h1>\n<p>{}</p>",
        escape(files.name()),
        escape(text("description"))
    );
    let runs = summary.get("runs").and_then(|v| v.as_u64());
    let seed = summary.get("seed").and_then(|v| v.as_u64());
    if let (Some(runs), Some(seed)) = (runs, seed) {
        let most = summary
            .get("max_runs")
            .and_then(|v| v.as_u64())
            .unwrap_or(runs);
        let added = if most > runs {
            format!(
                ", and up to {most} times where a deviation's verdict was undecided (the runs column of each table)"
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "<p class=\"note\">Every profile simulated {runs} times with seed {seed} (common random numbers){added}.</p>"
        );
    }

    out.push_str("<h2>Equilibria</h2>\n");
    let equilibria: Vec<_> = g.equilibria.iter().filter(|e| e.status != "no").collect();
    if equilibria.is_empty() {
        out.push_str("<p>No profile is decided to be a pure equilibrium: in each, some player gains by deviating, or a deviation's gain is undecided at these runs (see <code>deviations.csv</code>).</p>\n");
    } else {
        out.push_str(
            "<table>\n<tr><th>profile</th><th>equilibrium</th><th>P(catastrophe) [95% interval]</th>\
             <th>payoffs [95% interval]</th><th>best deviation: gain ± 2 SE</th></tr>\n",
        );
        for e in equilibria {
            let payoffs: Vec<String> = g
                .holders(&e.profile)
                .into_iter()
                .filter_map(|(who, name)| {
                    g.payoff(&e.profile, who)
                        .map(|p| format!("{}: {}", escape(&name), interval(p, 4)))
                })
                .collect();
            let deviation = deviation(e);
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&g.profile_label(&e.profile)),
                escape(&e.status),
                g.catastrophe(&e.profile)
                    .map_or(String::new(), |p| interval(p, 4)),
                payoffs.join("<br>"),
                deviation
            );
        }
        out.push_str("</table>\n");
    }
    let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(text("note")));

    if let Some(mixed) = files.optional(game::MIXED)? {
        let first = g.strategies.first().cloned().unwrap_or_default();
        let column = |suffix: &str| mixed.column(&format!("x_{first}{suffix}"));
        let (x, low, high) = (column("")?, column("_low")?, column("_high")?);
        let stable = mixed.text("stable")?;
        for i in 0..x.len() {
            let _ = writeln!(
                out,
                "<p>Mixed equilibrium: {} at frequency {:.4} (within sampling error {:.4} to {:.4}), {}.</p>",
                escape(&first),
                x[i],
                low[i],
                high[i],
                if stable[i] == "true" {
                    "stable"
                } else {
                    "unstable"
                }
            );
        }
    }
    if let Some(found) = summary.get("nash_mixed").and_then(|v| v.as_array()) {
        out.push_str(
            "<p>Nash equilibria in mixed strategies (in a symmetric game, everyone playing the same mix), found by \
             solving each support's indifference conditions; ε is the largest gain of any pure deviation (± 2 SE from \
             the payoffs' standard errors):</p>\n<ul>\n",
        );
        let seats = g.seat_names();
        for eq in found {
            let rows: Vec<String> = eq
                .get("mix")
                .and_then(|m| m.as_array())
                .map(|rows| {
                    rows.iter()
                        .enumerate()
                        .map(|(i, row)| {
                            let x = shares(Some(row), &g.strategies, |x| x > 0.0);
                            match seats.get(i) {
                                Some(seat) if rows.len() > 1 => {
                                    format!("{}: {}", escape(seat), x.join(", "))
                                }
                                _ => x.join(", "),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            let number = |k: &str| eq.get(k).and_then(|v| v.as_f64()).unwrap_or(f64::NAN);
            let _ = writeln!(
                out,
                "<li>{}: ε = {:.4} ± {:.4}{}</li>",
                rows.join("; "),
                number("epsilon"),
                2.0 * number("epsilon_se"),
                if eq.get("solved").and_then(|v| v.as_bool()) == Some(false) {
                    " (approximate: the least-ε point of a grid)"
                } else {
                    ""
                }
            );
        }
        out.push_str("</ul>\n");
    }
    if let Some(rest) = summary
        .get("replicator_rest_points")
        .and_then(|v| v.as_array())
    {
        let total: u64 = rest
            .iter()
            .filter_map(|r| r.get("starts").and_then(|s| s.as_u64()))
            .sum();
        out.push_str("<p>Replicator dynamics from ");
        let _ = write!(out, "{total} starting points end at:</p>\n<ul>\n");
        for r in rest {
            let x = shares(r.get("x"), &g.strategies, |_| true);
            let _ = writeln!(
                out,
                "<li>{} ({} starts{})</li>",
                x.join(", "),
                r.get("starts").and_then(|s| s.as_u64()).unwrap_or(0),
                if r.get("converged").and_then(|c| c.as_bool()) == Some(false) {
                    ", not settled"
                } else {
                    ""
                }
            );
        }
        out.push_str("</ul>\n");
    }
    if let Some(stationary) = files.optional(game::STATIONARY)? {
        let names = stationary.text("strategy")?;
        let f = stationary.column("frequency")?;
        let at = summary
            .get("stationary")
            .map(|s| {
                format!(
                    " (Z = {}, β = {})",
                    s.get("population").and_then(|v| v.as_u64()).unwrap_or(0),
                    s.get("selection")
                        .and_then(|v| v.as_f64())
                        .unwrap_or(f64::NAN)
                )
            })
            .unwrap_or_default();
        let d: Vec<String> = names
            .iter()
            .zip(&f)
            .map(|(n, x)| format!("{} {x:.4}", escape(n)))
            .collect();
        let _ = writeln!(
            out,
            "<p>Stationary distribution{} in the limit of rare mutations: {}.</p>",
            escape(&at),
            d.join(", ")
        );
        if let Some(note) = summary
            .pointer("/stationary/mutation_note")
            .and_then(|v| v.as_str())
        {
            let _ = writeln!(out, "<p>{}</p>", escape(note));
        }
    }

    out.push_str(
        "<h2>Every profile</h2>\n<table>\n<tr><th>profile</th><th>P(catastrophe) [95% interval]</th>\
         <th>equilibrium</th><th>best deviation: gain ± 2 SE</th></tr>\n",
    );
    for e in &g.equilibria {
        let deviation = deviation(e);
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&g.profile_label(&e.profile)),
            g.catastrophe(&e.profile)
                .map_or(String::new(), |p| interval(p, 4)),
            escape(&e.status),
            deviation
        );
    }
    out.push_str("</table>\n");
    figures(&mut out, drawn);
    let _ = write!(
        out,
        "<h2>Game as run</h2>\n<pre>{}</pre>\n",
        escape(&files.text(game::GAME_TOML))
    );
    manifest(&mut out, files);
    out.push_str("</body>\n</html>\n");
    Ok(out)
}

fn number(v: Option<&serde_json::Value>) -> f64 {
    v.and_then(|v| v.as_f64()).unwrap_or(f64::NAN)
}

/// The opening of a classic model's page, with its `summary.json`: the
/// folder's name as the title and the model it reproduces (`default` if the
/// summary does not name it).
fn model_page_opening(files: &Files, default: &str) -> (String, serde_json::Value) {
    let summary = files.json(super::files::SUMMARY_JSON).unwrap_or_default();
    let mut out = String::new();
    head(&mut out, &format!("airace: {}", files.name()));
    let model = summary
        .get("model")
        .and_then(|m| m.as_str())
        .unwrap_or(default);
    let _ = writeln!(
        out,
        "<h1>{}</h1>\n<p>{}</p>",
        escape(files.name()),
        escape(model)
    );
    (out, summary)
}

fn dsair_page(files: &Files, drawn: &[Drawn]) -> String {
    let (mut out, summary) = model_page_opening(files, "DSAIR");
    if let Some(p) = summary.get("parameters") {
        let get = |k: &str| number(p.get(k));
        let _ = writeln!(
            out,
            "<p class=\"note\">b = {}, c = {}, B = {}, W = {}; {}; population Z = {}, selection β = {}; {} races per pairing and cell, seed {}.</p>",
            get("benefit_b"),
            get("safety_cost_c"),
            get("prize_B"),
            get("steps_W"),
            match p.get("tie").and_then(|t| t.as_str()) {
                Some("split") => "at s = 1 SAFE and UNSAFE share the prize (--tie split)",
                _ => "at s = 1 the prize goes to UNSAFE, as in the paper's payoff matrix",
            },
            get("population_Z"),
            get("selection_beta"),
            get("runs_per_cell"),
            get("seed")
        );
    }
    out.push_str(
        "<h2>Thresholds at the reported speeds</h2>\n<table>\n<tr><th>s</th><th>society prefers SAFE</th>\
         <th>SAFE risk-dominant</th><th>SAFE more frequent (finite Z)</th><th>simulated 50% UNSAFE</th>\
         <th>UNSAFE frequency at p_r = 0, 0.25, 0.5, 0.75, 1</th></tr>\n",
    );
    let empty = Vec::new();
    let points = summary
        .get("reported_speeds")
        .and_then(|v| v.as_array())
        .unwrap_or(&empty);
    for p in points {
        let above = |k: &str| format!("p_r &gt; {:.4}", number(p.get(k)));
        let half = p
            .get("simulated_half")
            .and_then(|v| v.as_f64())
            .map_or("none".to_string(), |x| format!("p_r = {x:.4}"));
        let frequencies: Vec<String> = p
            .get("unsafe_frequency")
            .and_then(|v| v.as_array())
            .map(|pairs| {
                pairs
                    .iter()
                    .map(|pair| format!("{:.3}", number(pair.get(1))))
                    .collect()
            })
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            number(p.get("speed")),
            above("society_prefers_safe_above"),
            above("safe_risk_dominant_above"),
            above("safe_more_frequent_above"),
            half,
            frequencies.join(", ")
        );
    }
    out.push_str("</table>\n");
    if let Some(note) = summary.get("note").and_then(|n| n.as_str()) {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(note));
    }
    figures(&mut out, drawn);
    manifest(&mut out, files);
    out.push_str("</body>\n</html>\n");
    out
}

fn precipice_page(files: &Files, drawn: &[Drawn]) -> String {
    let (mut out, summary) = model_page_opening(files, "Racing to the precipice");
    let empty = Vec::new();
    let headline = summary
        .get("headline_n2_e1_mu1")
        .and_then(|v| v.as_array())
        .unwrap_or(&empty);
    if headline.is_empty() {
        out.push_str(
            "<p>The game n = 2, e = 1, μ = 1 was not among the games solved: \
             every equilibrium is in <code>disaster.csv</code> and the figures below.</p>\n",
        );
    } else {
        out.push_str(
            "<h2>Probability of disaster by information regime</h2>\n<p>Two teams, enmity e = 1, capabilities uniform \
             on [0, 1] (n = 2, e = 1, μ = 1); the interval is from independent solves of the equilibrium, so it \
             covers the search's error as well as the evaluation's, and it spans the discretisation bias, \
             measured against solves on a grid and bins half as fine.</p>\n<table>\n<tr><th>what teams know</th>\
             <th>P(disaster) [95% interval]</th><th>closed form</th><th>solves converged</th></tr>\n",
        );
    }
    for h in headline {
        let regime = h.get("regime").and_then(|r| r.as_str()).unwrap_or("");
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{:.4}</td><td>{} of {}</td></tr>",
            escape(&regime_label(regime)),
            match (h.get("p_disaster_ci_low"), h.get("p_disaster_ci_high")) {
                (Some(low), Some(high)) => interval(
                    Estimate {
                        mean: number(h.get("p_disaster")),
                        ci_low: number(Some(low)),
                        ci_high: number(Some(high)),
                    },
                    4
                ),
                _ => with_se(
                    number(h.get("p_disaster")),
                    number(h.get("p_disaster_se")),
                    4
                ),
            },
            number(h.get("closed_form")),
            h.get("converged").and_then(|c| c.as_u64()).unwrap_or(0),
            h.get("replications").and_then(|c| c.as_u64()).unwrap_or(0),
        );
    }
    if !headline.is_empty() {
        out.push_str("</table>\n");
    }
    if let Some(note) = summary.get("note").and_then(|n| n.as_str()) {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(note));
    }
    if let Some(solver) = summary.get("solver") {
        let _ = writeln!(
            out,
            "<p class=\"note\">Solver: {}</p>",
            escape(&solver.to_string())
        );
    }
    figures(&mut out, drawn);
    manifest(&mut out, files);
    out.push_str("</body>\n</html>\n");
    out
}
