//! The exploration's report page (`index.html`) and the tables its figures
//! and page are drawn from. Both are built from the bytes of the folder's
//! CSV files (in memory when `airace explore` writes them, from disk when
//! `airace plot` redraws the folder), so the two give the same bytes, as
//! for runs and games. The page leads with the headline: per outcome the
//! policy with the least regret across worlds, how often it is best and
//! how it fares against the runner-up, with intervals over worlds; then
//! which unknowns decide the differences, where each condition holds
//! (PRIM's box), whether the two halves of the worlds agree, the tables
//! and the figures.

use super::robustness::PolicyRobustness;
use super::tables::{CONVERGENCE, DISCOVERY, MANIFEST, PAIRWISE, ROBUSTNESS, SENSITIVITY};
use crate::output::report::{escape, figures_or_note, head, without_invocation};
use crate::plot::Drawn;
use crate::plot::data::{DataError, Table};
use crate::stats::Estimate;
use std::fmt::Write as _;
use std::path::Path;

/// The page's file name, as for every folder.
pub const PAGE: &str = crate::output::report::FILE_NAME;

/// The tables an exploration's figures and page are drawn from.
#[derive(Debug, Clone)]
pub struct Tables {
    /// The exploration's name (titles name it).
    pub name: String,
    pub robustness: Table,
    pub pairwise: Table,
    pub sensitivity: Option<Table>,
    pub discovery: Option<Table>,
    pub convergence: Table,
}

/// One row of `robustness.csv`: a policy's robustness on one outcome, as
/// [`super::robustness::robustness`] computed it, read back.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyRow {
    pub policy: String,
    /// How many worlds the row is over, as written.
    pub worlds: String,
    pub robustness: PolicyRobustness,
}

/// One sensitivity measure of one unknown (`ST` or `mu_star`).
#[derive(Debug, Clone, PartialEq)]
pub struct Influence {
    pub parameter: String,
    pub measure: String,
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

/// One box of a condition's PRIM trajectory (or its chosen box).
#[derive(Debug, Clone, PartialEq)]
pub struct BoxRow {
    pub support: f64,
    pub hits: f64,
    pub coverage: f64,
    pub density: f64,
    pub restricted: f64,
    pub bounds: Vec<(f64, f64)>,
}

/// A condition's discovery: its peeling and its chosen box.
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionRows {
    pub name: String,
    pub when: String,
    pub trajectory: Vec<BoxRow>,
    pub chosen: BoxRow,
}

impl ConditionRows {
    /// The unknowns the chosen box restricts, with its bounds.
    pub fn restrictions<'a>(&self, unknowns: &'a [String]) -> Vec<(&'a str, f64, f64)> {
        let all = &self.trajectory[0].bounds;
        unknowns
            .iter()
            .zip(&self.chosen.bounds)
            .zip(all)
            .filter(|((_, b), a)| b.0 > a.0 || b.1 < a.1)
            .map(|((u, b), _)| (u.as_str(), b.0, b.1))
            .collect()
    }
}

fn invalid(origin: &str, message: String) -> DataError {
    DataError::Invalid {
        origin: origin.to_string(),
        message,
    }
}

impl Tables {
    /// The tables among `files` (name, bytes); `sensitivity.csv` and
    /// `discovery.csv` may be absent.
    pub fn parse(name: &str, files: &[(&str, &[u8])]) -> Result<Tables, DataError> {
        let get = |file: &str| files.iter().find(|f| f.0 == file).map(|f| f.1);
        let table = |file: &str| -> Result<Option<Table>, DataError> {
            get(file)
                .map(|bytes| Table::parse(bytes, &format!("{name}/{file}")))
                .transpose()
        };
        let needed = |file: &str| -> Result<Table, DataError> {
            table(file)?.ok_or_else(|| invalid(&format!("{name}/{file}"), "missing".into()))
        };
        Ok(Tables {
            name: name.to_string(),
            robustness: needed(ROBUSTNESS)?,
            pairwise: needed(PAIRWISE)?,
            sensitivity: table(SENSITIVITY)?,
            discovery: table(DISCOVERY)?,
            convergence: needed(CONVERGENCE)?,
        })
    }

    /// The tables of the folder `dir`, and its manifest's text.
    pub fn read(dir: &Path) -> Result<(Tables, String), DataError> {
        let read = |file: &str| -> Result<Option<Vec<u8>>, DataError> {
            let path = dir.join(file);
            if !path.is_file() {
                return Ok(None);
            }
            std::fs::read(&path)
                .map(Some)
                .map_err(|source| DataError::Read {
                    path: path.display().to_string(),
                    source,
                })
        };
        let manifest_path = dir.join(MANIFEST).display().to_string();
        let manifest = read(MANIFEST)?.ok_or_else(|| invalid(&manifest_path, "missing".into()))?;
        let manifest = String::from_utf8_lossy(&manifest).into_owned();
        let name = serde_json::from_str::<serde_json::Value>(&manifest)
            .ok()
            .and_then(|v| v.get("exploration")?.as_str().map(str::to_string))
            .ok_or_else(|| invalid(&manifest_path, "no `exploration` name".into()))?;
        let mut files = Vec::new();
        for file in [ROBUSTNESS, PAIRWISE, SENSITIVITY, DISCOVERY, CONVERGENCE] {
            if let Some(bytes) = read(file)? {
                files.push((file, bytes));
            }
        }
        let borrowed: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, &b[..])).collect();
        Ok((Tables::parse(&name, &borrowed)?, manifest))
    }

    /// The outcomes in the file's order, each with which way is better.
    pub fn outcomes(&self) -> Result<Vec<(String, String)>, DataError> {
        let names = self.robustness.text("outcome")?;
        let better = self.robustness.text("better")?;
        let mut out: Vec<(String, String)> = Vec::new();
        for (n, b) in names.into_iter().zip(better) {
            if !out.iter().any(|o| o.0 == n) {
                out.push((n, b));
            }
        }
        Ok(out)
    }

    /// The policies in the file's order.
    pub fn policies(&self) -> Result<Vec<String>, DataError> {
        let first = self.outcomes()?.into_iter().next().map(|o| o.0);
        let outcome = self.robustness.text("outcome")?;
        Ok(self
            .robustness
            .text("policy")?
            .into_iter()
            .zip(outcome)
            .filter(|(_, o)| Some(o) == first.as_ref())
            .map(|(p, _)| p)
            .collect())
    }

    /// `robustness.csv`'s rows of `outcome`, in the policies' order.
    pub fn policy_rows(&self, outcome: &str) -> Result<Vec<PolicyRow>, DataError> {
        let t = &self.robustness;
        let col = |c: &str| t.column(c);
        let (names, outcomes, worlds) = (t.text("policy")?, t.text("outcome")?, t.text("worlds")?);
        let (mean, q05, q50, q95, worst) = (
            col("mean")?,
            col("q05")?,
            col("q50")?,
            col("q95")?,
            col("worst")?,
        );
        let (rm, rx, bw) = (col("regret_mean")?, col("regret_max")?, col("best_worlds")?);
        let (bs, bl, bh) = (
            col("best_share")?,
            col("best_share_ci_low")?,
            col("best_share_ci_high")?,
        );
        Ok((0..names.len())
            .filter(|&i| outcomes[i] == outcome)
            .map(|i| PolicyRow {
                policy: names[i].clone(),
                worlds: worlds[i].clone(),
                robustness: PolicyRobustness {
                    mean: mean[i],
                    q05: q05[i],
                    q50: q50[i],
                    q95: q95[i],
                    worst: worst[i],
                    regret_mean: rm[i],
                    regret_max: rx[i],
                    best_worlds: bw[i] as u64,
                    best_share: Estimate {
                        mean: bs[i],
                        ci_low: bl[i],
                        ci_high: bh[i],
                    },
                },
            })
            .collect())
    }

    /// "`a` beats `b` (strictly) in a share of worlds", with its interval.
    pub fn beats(&self, outcome: &str, a: &str, b: &str) -> Result<Option<Estimate>, DataError> {
        let t = &self.pairwise;
        let (o, pa, pb) = (t.text("outcome")?, t.text("policy")?, t.text("other")?);
        let (s, l, h) = (
            t.column("share")?,
            t.column("share_ci_low")?,
            t.column("share_ci_high")?,
        );
        Ok((0..o.len())
            .find(|&i| o[i] == outcome && pa[i] == a && pb[i] == b)
            .map(|i| Estimate {
                mean: s[i],
                ci_low: l[i],
                ci_high: h[i],
            }))
    }

    /// The unknowns in the file's order (from the sensitivity or discovery
    /// table; empty when the exploration has neither).
    pub fn unknowns(&self) -> Result<Vec<String>, DataError> {
        if let Some(d) = &self.discovery {
            return Ok(d
                .header()
                .iter()
                .filter_map(|h| h.strip_suffix("_low"))
                .map(str::to_string)
                .collect());
        }
        let mut out: Vec<String> = Vec::new();
        if let Some(s) = &self.sensitivity {
            for p in s.text("parameter")? {
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        }
        Ok(out)
    }

    /// The main measure (`ST` for Sobol', `mu_star` for Morris) of every
    /// unknown for `outcome` and `subject`, in the unknowns' order; empty
    /// where there are no indices.
    pub fn influences(&self, outcome: &str, subject: &str) -> Result<Vec<Influence>, DataError> {
        let Some(t) = &self.sensitivity else {
            return Ok(Vec::new());
        };
        let (o, s, p, m) = (
            t.text("outcome")?,
            t.text("subject")?,
            t.text("parameter")?,
            t.text("measure")?,
        );
        let (v, l, h) = (
            t.column("value")?,
            t.column("ci_low")?,
            t.column("ci_high")?,
        );
        Ok((0..o.len())
            .filter(|&i| o[i] == outcome && s[i] == subject && (m[i] == "ST" || m[i] == "mu_star"))
            .map(|i| Influence {
                parameter: p[i].clone(),
                measure: m[i].clone(),
                value: v[i],
                low: l[i],
                high: h[i],
            })
            .collect())
    }

    /// Every condition's trajectory and chosen box, in the file's order.
    pub fn conditions(&self) -> Result<Vec<ConditionRows>, DataError> {
        let Some(t) = &self.discovery else {
            return Ok(Vec::new());
        };
        let unknowns = self.unknowns()?;
        let (names, when, label) = (t.text("condition")?, t.text("when")?, t.text("box")?);
        let cols = |c: &str| t.column(c);
        let (support, hits, coverage, density, restricted) = (
            cols("support")?,
            cols("hits")?,
            cols("coverage")?,
            cols("density")?,
            cols("restricted")?,
        );
        let mut bounds = Vec::new();
        for u in &unknowns {
            bounds.push((cols(&format!("{u}_low"))?, cols(&format!("{u}_high"))?));
        }
        let mut out: Vec<ConditionRows> = Vec::new();
        for i in 0..names.len() {
            let row = BoxRow {
                support: support[i],
                hits: hits[i],
                coverage: coverage[i],
                density: density[i],
                restricted: restricted[i],
                bounds: bounds.iter().map(|(l, h)| (l[i], h[i])).collect(),
            };
            let at = match out.iter().position(|c| c.name == names[i]) {
                Some(at) => at,
                None => {
                    out.push(ConditionRows {
                        name: names[i].clone(),
                        when: when[i].clone(),
                        trajectory: Vec::new(),
                        chosen: row.clone(),
                    });
                    out.len() - 1
                }
            };
            if label[i] == "chosen" {
                out[at].chosen = row;
            } else {
                out[at].trajectory.push(row);
            }
        }
        if let Some(c) = out.iter().find(|c| c.trajectory.is_empty()) {
            return Err(invalid(
                &format!("{}/{DISCOVERY}", self.name),
                format!("condition `{}` has no peeling trajectory", c.name),
            ));
        }
        Ok(out)
    }

    /// The convergence checks: outcome, subject, check, first, second, agree.
    fn checks(&self) -> Result<Vec<[String; 6]>, DataError> {
        let t = &self.convergence;
        let cols = [
            t.text("outcome")?,
            t.text("subject")?,
            t.text("check")?,
            t.text("first_half")?,
            t.text("second_half")?,
            t.text("agree")?,
        ];
        Ok((0..cols[0].len())
            .map(|i| std::array::from_fn(|c| cols[c][i].clone()))
            .collect())
    }
}

/// `airace plot` on an exploration's folder `dir`: its figures and page
/// drawn again from its tables, at `size`.
pub fn redraw(dir: &Path, size: &crate::plot::Size) -> Result<(Vec<Drawn>, String), DataError> {
    let (tables, manifest) = Tables::read(dir)?;
    let drawn = crate::plot::draw_all(super::figures::figures(&tables)?, size);
    let page = page(&tables, &drawn, &manifest)?;
    Ok((drawn, page))
}

/// A number to `d` decimals, or a dash where there is none.
fn fixed(x: f64, d: usize) -> String {
    if x.is_finite() {
        format!("{x:.d$}")
    } else {
        "–".into()
    }
}

/// A bound of a box to four significant digits (an unknown may span
/// 1e-4 to 4e-4, or 8 to 14).
fn bound(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    let d = (3 - x.abs().log10().floor() as i32).clamp(0, 15) as usize;
    format!("{x:.d$}")
}

fn percent(share: Estimate) -> String {
    format!(
        "{:.1}% [{:.1}, {:.1}]",
        100.0 * share.mean,
        100.0 * share.ci_low,
        100.0 * share.ci_high
    )
}

/// How to read each figure.
fn caption(stem: &str) -> &'static str {
    if stem.ends_with("-policies") {
        "Each policy's outcome over the worlds: the bar is its mean, the whisker spans the 5% to the 95% \
         quantile of worlds. Regret is how far it falls short of the best policy in the same world: the bar \
         is its mean, the whisker reaches its maximum."
    } else if stem.ends_with("-sensitivity") {
        "Which unknowns decide each policy's difference from the first policy: the total Sobol' index (the \
         share of the difference's variance that goes with the unknown, alone or with others; whiskers: \
         bootstrap 95% intervals over base samples) or Morris mu* (the mean absolute elementary effect)."
    } else if stem.starts_with("discovery-") {
        "PRIM's peeling: each point a box of worlds, from all worlds (coverage 1) inward; coverage is the \
         share of the worlds where the condition holds that the box keeps, density the share of the box's \
         worlds where it holds. The marked point is the chosen box after pruning."
    } else {
        ""
    }
}

/// The report page of an exploration whose tables are `t`, with its
/// figures and manifest.
pub fn page(t: &Tables, drawn: &[Drawn], manifest_json: &str) -> Result<String, DataError> {
    let manifest: serde_json::Value = serde_json::from_str(manifest_json).unwrap_or_default();
    let field = |k: &str| {
        manifest.get(k).map_or_else(String::new, |v| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    };
    let mut out = String::new();
    head(&mut out, &format!("airace: exploration {}", t.name));
    let _ = writeln!(
        out,
        "<h1>Exploration {}</h1>\n<p>Which policy holds up across the worlds we cannot rule out: {} design, \
         {} worlds &times; {} policies &times; {} runs per experiment, seed {}. Every policy runs on every \
         world with the same seed (common random numbers), so a difference between policies within a world \
         is the policies' doing, not noise. Shares of worlds carry Wilson 95% intervals over worlds.</p>",
        escape(&t.name),
        escape(&field("design")),
        escape(&field("worlds")),
        t.policies()?.len(),
        escape(&field("runs_per_experiment")),
        escape(&field("seed")),
    );
    let outcomes = t.outcomes()?;
    let policies = t.policies()?;
    let unknowns = t.unknowns()?;
    let conditions = t.conditions()?;

    out.push_str("<h2>Headline</h2>\n<ul>\n");
    for (outcome, better) in &outcomes {
        let _ = writeln!(out, "<li>{}</li>", headline(t, outcome, better)?);
    }
    for c in &conditions {
        let all = &c.trajectory[0];
        let restricted: Vec<String> = c
            .restrictions(&unknowns)
            .iter()
            .map(|(u, l, h)| format!("{} in [{}, {}]", escape(u), bound(*l), bound(*h)))
            .collect();
        let where_ = if restricted.is_empty() {
            "no box does better than all worlds".to_string()
        } else {
            format!(
                "mostly where {} (the box holds {:.0}% of those worlds, and the condition holds in {:.0}% of \
                 the box's {} worlds)",
                restricted.join(", "),
                100.0 * c.chosen.coverage,
                100.0 * c.chosen.density,
                c.chosen.support
            )
        };
        let _ = writeln!(
            out,
            "<li>{} (<code>{}</code>) holds in {} of {} worlds ({:.1}%): {}.</li>",
            escape(&c.name),
            escape(&c.when),
            all.hits,
            all.support,
            100.0 * all.hits / all.support.max(1.0),
            where_
        );
    }
    let checks = t.checks()?;
    let differ: Vec<&[String; 6]> = checks.iter().filter(|c| c[5] != "true").collect();
    let _ = writeln!(
        out,
        "<li>{}</li>\n</ul>",
        if differ.is_empty() {
            format!(
                "Convergence: the two halves of the worlds agree on all {} checks (ranking of policies, most \
                 influential unknown).",
                checks.len()
            )
        } else {
            format!(
                "Convergence: the two halves of the worlds differ in {} of {} checks (below): more worlds are \
                 needed before those are read.",
                differ.len(),
                checks.len()
            )
        }
    );

    for (outcome, better) in &outcomes {
        let _ = writeln!(
            out,
            "<h2>{} ({} is better)</h2>\n<table>\n<tr><th>policy</th><th>mean</th><th>5%</th><th>median</th>\
             <th>95%</th><th>worst</th><th>regret, mean</th><th>regret, max</th><th>best in (share of worlds)</th></tr>",
            escape(outcome),
            escape(better)
        );
        for row in t.policy_rows(outcome)? {
            let r = &row.robustness;
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&row.policy),
                fixed(r.mean, 4),
                fixed(r.q05, 4),
                fixed(r.q50, 4),
                fixed(r.q95, 4),
                fixed(r.worst, 4),
                fixed(r.regret_mean, 4),
                fixed(r.regret_max, 4),
                percent(r.best_share)
            );
        }
        out.push_str("</table>\n");
        if policies.len() > 1 {
            out.push_str(
                "<p class=\"note\">Row beats column (strictly) in this share of worlds [Wilson 95%].</p>\n<table>\n<tr><th></th>",
            );
            for p in &policies {
                let _ = write!(out, "<th>{}</th>", escape(p));
            }
            out.push_str("</tr>\n");
            for a in &policies {
                let _ = write!(out, "<tr><td>{}</td>", escape(a));
                for b in &policies {
                    let cell = match t.beats(outcome, a, b)? {
                        Some(s) if a != b => percent(s),
                        _ => String::new(),
                    };
                    let _ = write!(out, "<td>{cell}</td>");
                }
                out.push_str("</tr>\n");
            }
            out.push_str("</table>\n");
        }
        let subjects: Vec<String> = policies
            .iter()
            .skip(1)
            .map(|p| format!("{} - {}", policies[0], p))
            .collect();
        let mut rows = String::new();
        for s in &subjects {
            let mut inf = t.influences(outcome, s)?;
            if inf.is_empty() {
                continue;
            }
            inf.sort_by(|a, b| b.value.total_cmp(&a.value));
            let top: Vec<String> = inf.iter().take(3).map(influence).collect();
            let _ = writeln!(
                rows,
                "<tr><td>{}</td><td>{}</td></tr>",
                escape(s),
                top.join("; ")
            );
        }
        if !rows.is_empty() {
            let _ = write!(
                out,
                "<h3>What decides the differences</h3>\n<table>\n<tr><th>difference</th><th>the three most \
                 influential unknowns</th></tr>\n{rows}</table>\n"
            );
        }
    }

    if !conditions.is_empty() {
        out.push_str("<h2>Where the conditions hold (PRIM)</h2>\n");
        for c in &conditions {
            let _ = writeln!(
                out,
                "<h3>{}: <code>{}</code></h3>\n<p>Chosen box: {} worlds, coverage {:.2}, density {:.2} (all worlds: \
                 density {:.2}).</p>\n<table>\n<tr><th>unknown</th><th>box</th><th>all worlds</th></tr>",
                escape(&c.name),
                escape(&c.when),
                c.chosen.support,
                c.chosen.coverage,
                c.chosen.density,
                c.trajectory[0].density
            );
            let restricted = c.restrictions(&unknowns);
            for (u, (b, a)) in unknowns
                .iter()
                .zip(c.chosen.bounds.iter().zip(&c.trajectory[0].bounds))
            {
                if restricted.iter().any(|r| r.0 == u) {
                    let _ = writeln!(
                        out,
                        "<tr><td>{}</td><td>[{}, {}]</td><td>[{}, {}]</td></tr>",
                        escape(u),
                        bound(b.0),
                        bound(b.1),
                        bound(a.0),
                        bound(a.1)
                    );
                }
            }
            if restricted.is_empty() {
                out.push_str("<tr><td colspan=\"3\">no unknown restricts it</td></tr>\n");
            }
            out.push_str("</table>\n");
        }
    }

    out.push_str(
        "<h2>Convergence</h2>\n<p class=\"note\">The analyses repeated on two halves of the worlds (of the base \
         samples for Sobol', of the trajectories for Morris). Where the halves differ, the full result is not \
         yet settled: run more worlds.</p>\n<table>\n<tr><th>outcome</th><th>subject</th><th>check</th>\
         <th>first half</th><th>second half</th><th>agree</th></tr>\n",
    );
    for c in &checks {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&c[0]),
            escape(&c[1]),
            escape(&c[2]),
            escape(&c[3]),
            escape(&c[4]),
            if c[5] == "true" { "yes" } else { "<b>no</b>" }
        );
    }
    out.push_str("</table>\n");

    figures_or_note(&mut out, drawn, |stem| Some(caption(stem)));
    let _ = write!(
        out,
        "<h2>Manifest</h2>\n<p class=\"note\">As in manifest.json, less the command line, so that this page, \
         like every result file, is the same for any thread count. experiments.csv holds every experiment.</p>\n\
         <pre>{}</pre>\n</body>\n</html>\n",
        escape(&without_invocation(manifest_json))
    );
    Ok(out)
}

fn influence(i: &Influence) -> String {
    let name = if i.measure == "ST" { "ST" } else { "mu*" };
    if i.low.is_finite() {
        format!(
            "{} ({name} {:.2} [{:.2}, {:.2}])",
            escape(&i.parameter),
            i.value,
            i.low,
            i.high
        )
    } else {
        format!("{} ({name} {:.3})", escape(&i.parameter), i.value)
    }
}

/// The headline of one outcome: the policy with the least mean regret, how
/// often it is best, and against the runner-up (by mean regret) the share
/// of worlds each beats the other in; "undecided" where those two shares'
/// intervals overlap.
fn headline(t: &Tables, outcome: &str, better: &str) -> Result<String, DataError> {
    let mut rows = t.policy_rows(outcome)?;
    let o = escape(outcome);
    if rows.is_empty() {
        return Ok(format!("{o}: no policies"));
    }
    rows.sort_by(|a, b| (a.robustness.regret_mean).total_cmp(&b.robustness.regret_mean));
    let first = &rows[0];
    let mut text = format!(
        "{o} ({better} is better): <b>{}</b> has the least regret across worlds (mean {}, at most {}; mean {} \
         over worlds) and is best in {} of worlds",
        escape(&first.policy),
        fixed(first.robustness.regret_mean, 4),
        fixed(first.robustness.regret_max, 4),
        fixed(first.robustness.mean, 4),
        percent(first.robustness.best_share)
    );
    if let Some(second) = rows.get(1) {
        let ab = t.beats(outcome, &first.policy, &second.policy)?;
        let ba = t.beats(outcome, &second.policy, &first.policy)?;
        if let (Some(ab), Some(ba)) = (ab, ba) {
            // Decided only when the two shares' intervals do not overlap.
            let verdict = if ab.ci_low > ba.ci_high {
                "it is more robust"
            } else if ba.ci_low > ab.ci_high {
                "the runner-up beats it in more worlds"
            } else {
                "the two are undecided at this many worlds"
            };
            let _ = write!(
                text,
                "; against the runner-up {} (mean regret {}) {verdict}: it does better in {} of worlds, \
                 worse in {}",
                escape(&second.policy),
                fixed(second.robustness.regret_mean, 4),
                percent(ab),
                percent(ba)
            );
        }
    }
    text.push('.');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROBUSTNESS_CSV: &str =
        "outcome,better,policy,worlds,mean,q05,q50,q95,worst,regret_mean,regret_max,\
best_worlds,best_share,best_share_ci_low,best_share_ci_high
p,lower,a,100,0.2,0.1,0.2,0.3,0.4,0.01,0.1,60,0.6,0.5,0.69
p,lower,b,100,0.25,0.1,0.2,0.3,0.5,0.06,0.2,40,0.4,0.31,0.5
";
    const CONVERGENCE_CSV: &str = "outcome,subject,check,first_half,second_half,agree
p,all policies,ranking by mean,a > b,a > b,true
";

    fn tables(pairwise: &str) -> Tables {
        let files: [(&str, &[u8]); 3] = [
            (ROBUSTNESS, ROBUSTNESS_CSV.as_bytes()),
            (PAIRWISE, pairwise.as_bytes()),
            (CONVERGENCE, CONVERGENCE_CSV.as_bytes()),
        ];
        Tables::parse("t", &files).unwrap()
    }

    fn pairwise(ab: (f64, f64, f64), ba: (f64, f64, f64)) -> String {
        format!(
            "outcome,better,policy,other,worlds,wins,ties,share,share_ci_low,share_ci_high\n\
             p,lower,a,b,100,0,0,{},{},{}\np,lower,b,a,100,0,0,{},{},{}\n",
            ab.0, ab.1, ab.2, ba.0, ba.1, ba.2
        )
    }

    #[test]
    fn the_headline_names_the_least_regret_policy_and_says_when_it_is_undecided() {
        // a beats b in 70% [60, 78] of worlds, b beats a in 30% [22, 40]:
        // the intervals do not overlap.
        let decided = tables(&pairwise((0.7, 0.6, 0.78), (0.3, 0.22, 0.4)));
        let text = headline(&decided, "p", "lower").unwrap();
        assert!(text.contains("<b>a</b> has the least regret"), "{text}");
        assert!(
            text.contains("best in 60.0% [50.0, 69.0] of worlds"),
            "{text}"
        );
        assert!(text.contains("it is more robust"), "{text}");
        assert!(text.contains("does better in 70.0% [60.0, 78.0]"), "{text}");
        // 52% [42, 62] against 48% [38, 58]: within noise.
        let close = tables(&pairwise((0.52, 0.42, 0.62), (0.48, 0.38, 0.58)));
        let text = headline(&close, "p", "lower").unwrap();
        assert!(text.contains("undecided at this many worlds"), "{text}");
    }

    #[test]
    fn bounds_keep_four_significant_digits() {
        assert_eq!(bound(0.000_177_364_185), "0.0001774");
        assert_eq!(bound(10.527_4), "10.53");
        assert_eq!(bound(0.659_3), "0.6593");
        assert_eq!(bound(1234.4), "1234");
        assert_eq!(bound(0.0), "0");
    }

    #[test]
    fn a_page_without_sensitivity_or_conditions_still_reads() {
        let t = tables(&pairwise((0.7, 0.6, 0.78), (0.3, 0.22, 0.4)));
        assert_eq!(t.policies().unwrap(), ["a", "b"]);
        assert!(t.unknowns().unwrap().is_empty());
        let page = page(&t, &[], "{\"design\": \"latin_hypercube\"}").unwrap();
        assert!(page.contains("latin_hypercube design"));
        assert!(page.contains("agree on all 1 checks"));
        assert!(page.contains("Not drawn (--no-plots)"));
        assert!(!page.contains("Where the conditions hold"));
    }
}
