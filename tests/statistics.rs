//! The simulator against answers known in closed form, at fixed seeds (so
//! they cannot flake) and with tolerances stated in standard errors.

mod common;

use airace::Scenario;
use airace::model::hazard::hazard_rate;
use common::simulate;
use std::str::FromStr;

/// Labs that never change: no growth, no catch-up, no resource change.
fn frozen_world(runs: u64, steps: u32, labs: &[(&str, f64, f64)]) -> Scenario {
    let mut src = format!(
        "[scenario]\nseed = 2026\nruns = {runs}\nsteps = {steps}\n\
         [world]\nspillover = 0.0\nresource_growth = 0.0\nmarket_feedback = 0.0\n\
         [world.hazard]\nbase = 0.001\ndanger = 5.0\n"
    );
    for (name, c, s) in labs {
        src.push_str(&format!(
            "[[labs]]\nname = \"{name}\"\ncapability = {c}\nsafety = {s}\ncapability_rate = 0.0\nsafety_rate = 0.0\n"
        ));
    }
    Scenario::from_str(&src).unwrap()
}

fn within(observed: f64, expected: f64, se: f64, k: f64) -> bool {
    (observed - expected).abs() <= k * se
}

#[test]
fn constant_hazard_gives_one_minus_exp_of_steps_times_lambda() {
    let (runs, steps) = (40_000, 60);
    let s = frozen_world(runs, steps, &[("Solo", 6.0, 5.0)]);
    let lambda = hazard_rate(&s.world.hazard, 6.0, 5.0);
    let analytic = 1.0 - (-(steps as f64) * lambda).exp();
    let a = simulate(&s);
    let n = a.runs as f64;

    // Expected estimate: exact, every run has the same H.
    let expected = a.p.value() / n;
    assert!(
        (expected - analytic).abs() < 1e-9,
        "expected {expected} vs analytic {analytic}"
    );

    // Sampled estimate: binomial, within 4 standard errors.
    let sampled = a.catastrophes as f64 / n;
    let se = (analytic * (1.0 - analytic) / n).sqrt();
    assert!(
        within(sampled, analytic, se, 4.0),
        "sampled {sampled} vs {analytic} (se {se})"
    );

    // The time of the sampled catastrophe is geometric: P(T <= k) = 1 - exp(-k lambda).
    let mut by_step = 0;
    for (k, step) in a.steps.iter().enumerate() {
        by_step += step.catastrophes;
        if k % 15 == 0 && k > 0 {
            let p_k = 1.0 - (-(k as f64) * lambda).exp();
            let se_k = (p_k * (1.0 - p_k) / n).sqrt();
            assert!(
                within(by_step as f64 / n, p_k, se_k, 4.0),
                "step {k}: {} vs {p_k}",
                by_step as f64 / n
            );
        }
    }
}

#[test]
fn culprits_share_the_blame_in_proportion_to_their_hazard() {
    let s = frozen_world(30_000, 80, &[("Careful", 5.0, 6.0), ("Reckless", 6.0, 3.0)]);
    let rates: Vec<f64> = [(5.0, 6.0), (6.0, 3.0)]
        .iter()
        .map(|&(c, sf)| hazard_rate(&s.world.hazard, c, sf))
        .collect();
    let a = simulate(&s);
    let events = a.catastrophes as f64;
    assert!(events > 1000.0, "{events}");
    let share = rates[1] / (rates[0] + rates[1]);
    let observed = a.labs[1].culprit as f64 / events;
    let se = (share * (1.0 - share) / events).sqrt();
    assert!(
        within(observed, share, se, 4.0),
        "Reckless caused {observed}, expected {share} (se {se})"
    );
    assert_eq!(a.labs[0].culprit + a.labs[1].culprit, a.catastrophes);
}

#[test]
fn sampled_and_expected_estimates_agree_on_a_noisy_scenario() {
    let text = include_str!("../scenarios/rsp-2026.toml");
    let mut s = Scenario::from_str(text).unwrap();
    s.meta.runs = 20_000;
    let a = simulate(&s);
    let n = a.runs as f64;
    let expected = a.p.value() / n;
    let sampled = a.catastrophes as f64 / n;
    // Var(I - p) = E[p (1 - p)] <= pbar (1 - pbar).
    let se = (expected * (1.0 - expected) / n).sqrt();
    assert!(expected > 0.05 && expected < 0.95, "{expected}");
    assert!(
        within(sampled, expected, se, 4.0),
        "sampled {sampled} vs expected {expected} (se {se})"
    );
}

#[test]
fn a_rule_that_never_binds_changes_nothing_common_random_numbers() {
    let race = include_str!("../scenarios/race.toml");
    let never_binding = race.replace(
        "policy = [{ rule = \"race\" }]",
        "policy = [{ rule = \"unilateral_pause\", thresholds = [50.0] }]",
    );
    assert_ne!(race, never_binding);
    let mut a = Scenario::from_str(race).unwrap();
    let mut b = Scenario::from_str(&never_binding).unwrap();
    a.meta.runs = 3000;
    b.meta.runs = 3000;
    assert_eq!(simulate(&a), simulate(&b));
}

#[test]
fn a_lone_lab_with_no_rivals_is_unaffected_by_matching() {
    let base = frozen_world(2000, 30, &[("Solo", 4.0, 3.0)]);
    let mut matched = base.clone();
    matched.labs[0].policy = vec![airace::policy::Rule::MatchCompetitors(
        airace::policy::MatchCompetitors {
            margin: 0.5,
            reference: airace::policy::Reference::Max,
            observe: airace::policy::Observe::Effort,
        },
    )];
    assert_eq!(simulate(&base), simulate(&matched));
}
