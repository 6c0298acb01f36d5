//! The tables of an exploration's folder, from the outcomes of every
//! experiment already in memory: `experiments.csv`, `robustness.csv`,
//! `pairwise.csv`, `sensitivity.csv`, `discovery.csv` and
//! `convergence.csv`. Pure functions of the numbers: the same bytes for
//! any thread count. Numbers are written shortest-round-trip (`{}`); a
//! number that does not exist (a standard error no run estimates, the win
//! step when no lab won) is an empty cell.

use super::design::{MorrisDesign, SaltelliOutputs, morris};
use super::file::{Design, Exploration};
use super::prim::{self, Discovery};
use super::robustness::{self, Better};
use super::{morris as morris_effects, sobol};

pub use crate::output::exploration_folder::{
    CONVERGENCE, DISCOVERY, EXPERIMENTS, FILES, MANIFEST, PAIRWISE, ROBUSTNESS, SENSITIVITY,
};

/// The outcomes of every experiment: `value[world][policy][outcome]`, and
/// each one's standard error over its runs (NaN where none is estimated).
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    pub value: Vec<Vec<Vec<f64>>>,
    pub se: Vec<Vec<Vec<f64>>>,
}

/// Appends each value as a further CSV field: a comma, then the number
/// (shortest round-trip), or nothing where it is not finite.
fn fields(out: &mut String, values: impl IntoIterator<Item = f64>) {
    for x in values {
        out.push(',');
        if x.is_finite() {
            out.push_str(&format!("{x}"));
        }
    }
}

/// A CSV field, quoted when it must be.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// `experiments.csv`: one row per world and policy.
pub fn experiments(e: &Exploration, r: &Results) -> String {
    let mut out = String::from("world,policy");
    for u in &e.uncertainties {
        out.push(',');
        out.push_str(&field(&u.name));
    }
    for o in &e.outcomes {
        out.push_str(&format!(",{n},{n}_se", n = field(&o.name)));
    }
    out.push('\n');
    for w in 0..e.points.len() {
        let cells = e.cells(w);
        for (p, policy) in e.policies.iter().enumerate() {
            out.push_str(&format!("{},{}", w + 1, field(&policy.name)));
            for c in &cells {
                out.push(',');
                out.push_str(&field(c));
            }
            for o in 0..e.outcomes.len() {
                fields(&mut out, [r.value[w][p][o], r.se[w][p][o]]);
            }
            out.push('\n');
        }
    }
    out
}

/// `values[world][policy]` of outcome `o` over the worlds `worlds`.
fn table(r: &Results, o: usize, worlds: &[usize]) -> Vec<Vec<f64>> {
    worlds
        .iter()
        .map(|&w| r.value[w][..].iter().map(|v| v[o]).collect())
        .collect()
}

/// `robustness.csv`: per outcome and policy.
pub fn robustness(e: &Exploration, r: &Results) -> String {
    let all: Vec<usize> = (0..e.points.len()).collect();
    let mut out = String::from(
        "outcome,better,policy,worlds,mean,q05,q50,q95,worst,regret_mean,regret_max,\
         best_worlds,best_share,best_share_ci_low,best_share_ci_high\n",
    );
    for (o, outcome) in e.outcomes.iter().enumerate() {
        let rows = robustness::robustness(&table(r, o, &all), outcome.better);
        for (p, row) in rows.iter().enumerate() {
            out.push_str(&format!(
                "{},{},{},{}",
                field(&outcome.name),
                outcome.better.name(),
                field(&e.policies[p].name),
                all.len()
            ));
            fields(
                &mut out,
                [
                    row.mean,
                    row.q05,
                    row.q50,
                    row.q95,
                    row.worst,
                    row.regret_mean,
                    row.regret_max,
                ],
            );
            out.push_str(&format!(",{}", row.best_worlds));
            fields(
                &mut out,
                [
                    row.best_share.mean,
                    row.best_share.ci_low,
                    row.best_share.ci_high,
                ],
            );
            out.push('\n');
        }
    }
    out
}

/// `pairwise.csv`: "A beats B in x% of worlds", per outcome.
pub fn pairwise(e: &Exploration, r: &Results) -> String {
    let all: Vec<usize> = (0..e.points.len()).collect();
    let mut out = String::from(
        "outcome,better,policy,other,worlds,wins,ties,share,share_ci_low,share_ci_high\n",
    );
    for (o, outcome) in e.outcomes.iter().enumerate() {
        for pair in robustness::pairwise(&table(r, o, &all), outcome.better) {
            out.push_str(&format!(
                "{},{},{},{},{},{},{}",
                field(&outcome.name),
                outcome.better.name(),
                field(&e.policies[pair.a].name),
                field(&e.policies[pair.b].name),
                all.len(),
                pair.wins,
                pair.ties
            ));
            fields(
                &mut out,
                [pair.share.mean, pair.share.ci_low, pair.share.ci_high],
            );
            out.push('\n');
        }
    }
    out
}

/// What the sensitivity of an outcome is computed for: one policy, or the
/// difference `a − b` between two policies in each world.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Policy(usize),
    Difference(usize, usize),
}

impl Subject {
    pub fn all(policies: usize) -> Vec<Subject> {
        let mut out: Vec<Subject> = (0..policies).map(Subject::Policy).collect();
        for a in 0..policies {
            for b in a + 1..policies {
                out.push(Subject::Difference(a, b));
            }
        }
        out
    }

    pub fn name(self, e: &Exploration) -> String {
        match self {
            Subject::Policy(p) => e.policies[p].name.clone(),
            Subject::Difference(a, b) => {
                format!("{} - {}", e.policies[a].name, e.policies[b].name)
            }
        }
    }

    fn of(self, r: &Results, w: usize, o: usize) -> f64 {
        match self {
            Subject::Policy(p) => r.value[w][p][o],
            Subject::Difference(a, b) => r.value[w][a][o] - r.value[w][b][o],
        }
    }
}

/// One row of a sensitivity analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Sensitivity {
    pub outcome: usize,
    pub subject: Subject,
    pub parameter: usize,
    /// `S1`/`ST` (Sobol') or `mu_star`/`mu`/`sigma` (Morris), each with
    /// its interval where there is one.
    pub measures: Vec<(&'static str, f64, f64, f64)>,
}

/// The Morris design an exploration drew (the trajectories' moves).
fn morris_design(e: &Exploration) -> Option<MorrisDesign> {
    match e.design {
        Design::Morris {
            trajectories,
            levels,
        } => Some(morris(trajectories, e.uncertainties.len(), levels, e.seed)),
        _ => None,
    }
}

/// Sensitivity of every outcome for every subject, over the base samples
/// (Sobol') or trajectories (Morris) `units` (all, or a half for the
/// convergence check). Empty for designs without a sensitivity method.
/// The (outcome, subject) pairs are analysed in parallel on the current
/// rayon pool, each with its own bootstrap seed, and kept in their order:
/// the same rows for any thread count.
pub fn sensitivities(e: &Exploration, r: &Results, units: &[usize]) -> Vec<Sensitivity> {
    use rayon::prelude::*;
    let subjects = Subject::all(e.policies.len());
    let morris = morris_design(e);
    let pairs: Vec<(usize, usize)> = (0..e.outcomes.len())
        .flat_map(|o| (0..subjects.len()).map(move |si| (o, si)))
        .collect();
    pairs
        .par_iter()
        .map(|&(o, si)| sensitivity_of(e, r, units, morris.as_ref(), o, si, subjects[si]))
        .collect::<Vec<Vec<Sensitivity>>>()
        .into_iter()
        .flatten()
        .collect()
}

/// The sensitivity rows of outcome `o` for `subject` (the `si`-th of
/// [`Subject::all`], which seeds its bootstrap).
fn sensitivity_of(
    e: &Exploration,
    r: &Results,
    units: &[usize],
    morris: Option<&MorrisDesign>,
    o: usize,
    si: usize,
    subject: Subject,
) -> Vec<Sensitivity> {
    let k = e.uncertainties.len();
    let subjects = Subject::all(e.policies.len()).len();
    let y: Vec<f64> = (0..e.points.len()).map(|w| subject.of(r, w, o)).collect();
    let mut out = Vec::new();
    match e.design {
        Design::Sobol { .. } => {
            let split = SaltelliOutputs::split(&y, k).subset(units);
            let seed = e
                .seed
                .wrapping_add((o * subjects + si) as u64)
                .wrapping_mul(0x9E37_79B9_7F4A_7C15);
            if let Some(indices) = sobol::indices(&split, sobol::BOOTSTRAP_RESAMPLES, seed) {
                for (i, x) in indices.iter().enumerate() {
                    out.push(Sensitivity {
                        outcome: o,
                        subject,
                        parameter: i,
                        measures: vec![
                            ("S1", x.s1, x.s1_low, x.s1_high),
                            ("ST", x.st, x.st_low, x.st_high),
                        ],
                    });
                }
            }
        }
        Design::Morris { .. } => {
            let full = morris.expect("a Morris design");
            let design = MorrisDesign {
                points: Vec::new(),
                moves: units.iter().map(|&t| full.moves[t].clone()).collect(),
                k,
            };
            let ys: Vec<f64> = units
                .iter()
                .flat_map(|&t| y[t * (k + 1)..(t + 1) * (k + 1)].iter().copied())
                .collect();
            for (i, x) in morris_effects::effects(&design, &ys).iter().enumerate() {
                out.push(Sensitivity {
                    outcome: o,
                    subject,
                    parameter: i,
                    measures: vec![
                        ("mu_star", x.mu_star, f64::NAN, f64::NAN),
                        ("mu", x.mu, f64::NAN, f64::NAN),
                        ("sigma", x.sigma, f64::NAN, f64::NAN),
                    ],
                });
            }
        }
        _ => {}
    }
    out
}

/// The units sensitivity is computed over: base samples or trajectories.
pub fn sensitivity_units(e: &Exploration) -> usize {
    match e.design {
        Design::Sobol { base } => base,
        Design::Morris { trajectories, .. } => trajectories,
        _ => e.points.len(),
    }
}

/// `sensitivity.csv`, tidy: one row per measure.
pub fn sensitivity(e: &Exploration, rows: &[Sensitivity]) -> String {
    let mut out = String::from("outcome,subject,parameter,method,measure,value,ci_low,ci_high\n");
    let method = match e.design {
        Design::Sobol { .. } => "sobol",
        _ => "morris",
    };
    for row in rows {
        for (measure, value, low, high) in &row.measures {
            out.push_str(&format!(
                "{},{},{},{method},{measure}",
                field(&e.outcomes[row.outcome].name),
                field(&row.subject.name(e)),
                field(&e.uncertainties[row.parameter].name)
            ));
            fields(&mut out, [*value, *low, *high]);
            out.push('\n');
        }
    }
    out
}

/// PRIM for every condition, over all worlds (worlds whose condition
/// cannot be judged, as when an outcome is NaN, count as not holding); the
/// conditions in parallel on the current rayon pool, kept in their order.
pub fn discoveries(e: &Exploration, r: &Results) -> Vec<Discovery> {
    use rayon::prelude::*;
    e.conditions
        .par_iter()
        .filter_map(|c| {
            let y: Vec<bool> = (0..e.points.len()).map(|w| c.holds(&r.value[w])).collect();
            prim::discover(&e.values, &y, &prim::Settings::default())
        })
        .collect()
}

/// `discovery.csv`: each condition's peeling trajectory (box 0 is every
/// world), then its chosen box after pruning (`box` = `chosen`), with
/// every parameter's bounds.
pub fn discovery(e: &Exploration, found: &[Discovery]) -> String {
    let mut out = String::from("condition,when,box,support,hits,coverage,density,restricted");
    for u in &e.uncertainties {
        out.push_str(&format!(",{n}_low,{n}_high", n = field(&u.name)));
    }
    out.push('\n');
    for (c, d) in e.conditions.iter().zip(found) {
        let rows = d
            .trajectory
            .iter()
            .enumerate()
            .map(|(i, s)| (i.to_string(), s))
            .chain([("chosen".to_string(), d.chosen_box())]);
        for (label, s) in rows {
            out.push_str(&format!(
                "{},{},{label},{},{}",
                field(&c.name),
                field(&c.text),
                s.support,
                s.hits
            ));
            fields(&mut out, [s.coverage, s.density]);
            out.push_str(&format!(",{}", s.restricted));
            for (low, high) in &s.bounds {
                fields(&mut out, [*low, *high]);
            }
            out.push('\n');
        }
    }
    out
}

/// One check of the convergence table.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub outcome: String,
    pub subject: String,
    pub check: &'static str,
    pub first: String,
    pub second: String,
}

impl Check {
    pub fn agrees(&self) -> bool {
        self.first == self.second
    }
}

/// Policies by mean outcome over `worlds`, best first.
fn ranking(e: &Exploration, r: &Results, o: usize, worlds: &[usize]) -> String {
    let rows = robustness::robustness(&table(r, o, worlds), e.outcomes[o].better);
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&a, &b| {
        let c = rows[a].mean.total_cmp(&rows[b].mean);
        match e.outcomes[o].better {
            Better::Lower => c,
            Better::Higher => c.reverse(),
        }
    });
    order
        .iter()
        .map(|&p| e.policies[p].name.as_str())
        .collect::<Vec<_>>()
        .join(" > ")
}

/// The analyses repeated on the first and the second half of the worlds
/// (of the base samples for Sobol', of the trajectories for Morris): the
/// ranking of policies by mean outcome, and the most influential unknown
/// (largest `ST` or `mu*`) per outcome and subject.
pub fn convergence(e: &Exploration, r: &Results) -> Vec<Check> {
    let units = sensitivity_units(e);
    let half = units / 2;
    // Sobol' base samples and Morris trajectories split in two runs (the
    // first half of a Sobol' sequence of 2^m points is a net of its own);
    // sampled or factorial worlds split odd and even.
    let (first, second): (Vec<usize>, Vec<usize>) = match e.design {
        Design::Sobol { .. } | Design::Morris { .. } => {
            ((0..half).collect(), (half..units).collect())
        }
        _ => (0..units).partition(|i| i % 2 == 0),
    };
    // The worlds of a set of units.
    let worlds = |u: &[usize]| -> Vec<usize> {
        let per = e.points.len() / units.max(1);
        u.iter().flat_map(|&i| i * per..(i + 1) * per).collect()
    };
    let mut checks = Vec::new();
    if half == 0 {
        return checks;
    }
    for (o, outcome) in e.outcomes.iter().enumerate() {
        checks.push(Check {
            outcome: outcome.name.clone(),
            subject: "all policies".into(),
            check: "ranking by mean",
            first: ranking(e, r, o, &worlds(&first)),
            second: ranking(e, r, o, &worlds(&second)),
        });
    }
    let top = |rows: &[Sensitivity], o: usize, s: Subject| -> String {
        rows.iter()
            .filter(|x| x.outcome == o && x.subject == s)
            .max_by(|a, b| {
                let key = |x: &Sensitivity| {
                    x.measures
                        .iter()
                        .find(|m| m.0 == "ST" || m.0 == "mu_star")
                        .map_or(f64::NAN, |m| m.1)
                };
                key(a).total_cmp(&key(b))
            })
            .map_or_else(
                || "(the outcome does not vary)".to_string(),
                |x| e.uncertainties[x.parameter].name.clone(),
            )
    };
    let (a, b) = rayon::join(
        || sensitivities(e, r, &first),
        || sensitivities(e, r, &second),
    );
    if !a.is_empty() || !b.is_empty() {
        for (o, outcome) in e.outcomes.iter().enumerate() {
            for s in Subject::all(e.policies.len()) {
                checks.push(Check {
                    outcome: outcome.name.clone(),
                    subject: s.name(e),
                    check: "most influential unknown",
                    first: top(&a, o, s),
                    second: top(&b, o, s),
                });
            }
        }
    }
    checks
}

/// `convergence.csv`.
pub fn convergence_csv(checks: &[Check]) -> String {
    let mut out = String::from("outcome,subject,check,first_half,second_half,agree\n");
    for c in checks {
        out.push_str(&format!(
            "{},{},{},{},{},{}\n",
            field(&c.outcome),
            field(&c.subject),
            c.check,
            field(&c.first),
            field(&c.second),
            c.agrees()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::explore::file::Overrides;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;
    use std::path::Path;

    /// Two policies, three unknowns, a Sobol' design of `base` samples.
    fn sobol_exploration(base: usize) -> Exploration {
        let source = format!(
            r#"{}[explore]
design = "sobol"
worlds = {base}
outcomes = ["p_catastrophe"]
[[explore.uncertainty]]
key = "world.hazard.gap_slope"
uniform = [0.0, 1.0]
[[explore.uncertainty]]
key = "world.spillover"
uniform = [0.0, 1.0]
[[explore.uncertainty]]
key = "world.hazard.base"
uniform = [0.0, 1.0]
[[explore.policy]]
name = "first"
[[explore.policy]]
name = "second"
"#,
            crate::scenario::one_lab_scenario!("name = \"t\"\nruns = 10\n")
        );
        Exploration::from_str_named(&source, "t.toml", "t", Path::new("."), Overrides::default())
            .unwrap()
    }

    /// Outcomes `f(policy, world, x)` for every world of `e`.
    fn results(e: &Exploration, f: impl Fn(usize, usize, &[f64]) -> f64) -> Results {
        let value: Vec<Vec<Vec<f64>>> = (0..e.points.len())
            .map(|w| (0..2).map(|p| vec![f(p, w, &e.values[w])]).collect())
            .collect();
        let se = vec![vec![vec![f64::NAN]; 2]; e.points.len()];
        Results { value, se }
    }

    /// A clear signal: "first" is lower than "second" by 1 in every world;
    /// "first" moves with the first unknown, "second" with the second, and
    /// their difference mostly with the first (`3 x0` against `x1`).
    fn signal(p: usize, x: &[f64]) -> f64 {
        match p {
            0 => 3.0 * x[0] + 0.2 * x[2],
            _ => 4.0 + x[1],
        }
    }

    /// The convergence checks of [`signal`] plus seeded uniform noise of
    /// width `noise` on a Sobol' design of `base` samples (and that design).
    fn noisy_checks(base: usize, noise: f64, seed: u64) -> (Exploration, Vec<Check>) {
        let e = sobol_exploration(base);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let draws: Vec<f64> = (0..e.points.len() * 2)
            .map(|_| noise * (rng.random::<f64>() - 0.5))
            .collect();
        let r = results(&e, |p, w, x| signal(p, x) + draws[2 * w + p]);
        let checks = convergence(&e, &r);
        (e, checks)
    }

    #[test]
    fn halves_agree_where_the_signal_is_clear() {
        let (_, checks) = noisy_checks(256, 0.01, 1);
        // One ranking, three subjects' top unknowns.
        assert_eq!(checks.len(), 4);
        assert!(checks.iter().all(Check::agrees), "{checks:?}");
        assert_eq!(checks[0].first, "first > second");
        let tops: Vec<&str> = checks[1..].iter().map(|c| c.first.as_str()).collect();
        assert_eq!(
            tops,
            [
                "world.hazard.gap_slope",
                "world.spillover",
                "world.hazard.gap_slope"
            ]
        );
        let csv = convergence_csv(&checks);
        assert!(
            csv.contains(
                "p_catastrophe,all policies,ranking by mean,first > second,first > second,true\n"
            ),
            "{csv}"
        );
    }

    #[test]
    fn halves_differ_where_the_worlds_disagree_by_construction() {
        // The first half of the base samples says one thing, the second
        // the other: the ranking flips and the top unknown moves.
        let e = sobol_exploration(16);
        let per = e.points.len() / 16;
        let r = results(&e, |p, w, x| {
            let first_half = w / per < 8;
            let driver = if first_half { x[0] } else { x[1] };
            let lead = if first_half { 0.0 } else { 2.0 };
            driver + if p == 0 { lead } else { 1.0 }
        });
        let checks = convergence(&e, &r);
        let ranking = &checks[0];
        assert_eq!(ranking.first, "first > second");
        assert_eq!(ranking.second, "second > first");
        assert!(!ranking.agrees());
        // Each policy alone: the top unknown is x0 in one half, x1 in the other.
        for c in &checks[1..3] {
            assert_eq!(
                (c.first.as_str(), c.second.as_str()),
                ("world.hazard.gap_slope", "world.spillover"),
                "{c:?}"
            );
        }
        assert!(convergence_csv(&checks).contains(",false\n"));
    }

    #[test]
    fn too_few_noisy_worlds_are_flagged() {
        // The same clear signal as above, buried in noise 20 times its
        // size, on 8 base samples (4 per half): the halves' analyses are
        // mostly noise and some check differs (seeded, so it cannot flake).
        let (e, checks) = noisy_checks(8, 60.0, 2);
        assert!(checks.iter().any(|c| !c.agrees()), "{checks:?}");
        // The same worlds without the noise agree.
        let clean = convergence(&e, &results(&e, |p, _, x| signal(p, x)));
        assert!(clean.iter().all(Check::agrees), "{clean:?}");
    }

    #[test]
    fn fields_are_quoted_when_needed() {
        assert_eq!(field("a"), "a");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("x,\"y\""), "\"x,\"\"y\"\"\"");
    }
}
