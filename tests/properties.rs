//! Properties that hold for every valid scenario, checked on generated ones
//! (proptest): the parser accepts them, simulation never panics, every
//! probability is in [0, 1], capability never falls, the two catastrophe
//! estimates agree, and results do not depend on the thread count.

mod common;

use airace::Scenario;
use airace::engine::{
    self, Aggregate, BlockStats, LaneWorkspace, RaceModel, StepRecorder, StepState, Streams,
    Workspace,
};
use airace::output::Summary;
use proptest::prelude::*;
use std::str::FromStr;

fn rule() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("{ rule = \"race\" }".to_string()),
        (0.5f64..8.0, 0.0f64..3.0).prop_map(|(t, gap)| format!(
            "{{ rule = \"unilateral_pause\", thresholds = [{t}, {}], required = [{t}, {}] }}",
            t + 1.0 + gap,
            t + gap
        )),
        (
            -0.2f64..0.5,
            prop_oneof![Just("mean"), Just("max"), Just("leader")],
            prop_oneof![Just("effort"), Just("commitment")]
        )
            .prop_map(|(m, r, o)| format!(
                "{{ rule = \"match_competitors\", margin = {m}, reference = \"{r}\", observe = \"{o}\" }}"
            )),
        // QUORUM is replaced by a quorum the scenario's labs allow.
        (0.5f64..8.0, 0u32..3).prop_map(|(t, q)| format!(
            "{{ rule = \"conditional_pause\", thresholds = [{t}, {}], quorum = QUORUM{q} }}",
            t + 2.0
        )),
        (0u32..10, 0.0f64..5.0, 1u32..30, 0.0f64..=1.0).prop_map(|(t, s, dt, c)| format!(
            "{{ rule = \"safety_roadmap\", milestones = [[{t}, {s}], [{}, {}]], catch_up = {c} }}",
            t + dt,
            s + 1.0
        )),
        (-1.0f64..2.0, 0.0f64..0.05, 0.0f64..=1.0).prop_map(|(l, r, s)| format!(
            "{{ rule = \"delay_if_leading\", lead = {l}, risk = {r}, slowdown = {s} }}"
        )),
    ]
}

fn lab(index: usize) -> impl Strategy<Value = String> {
    (
        (0.2f64..3.0, 0.0f64..3.0, 0.0f64..3.0),
        (0.0f64..0.3, 0.0f64..0.3, 0.0f64..=1.0, 0.0f64..4.0),
        1usize..=2,
        prop::collection::vec(rule(), 0..3),
        (
            prop_oneof![Just(0.0), 0.0f64..1.0],
            prop_oneof![Just(0.0), -1.5f64..1.0],
            prop_oneof![Just(0.0), 0.0f64..1.5],
            0u32..4,
        ),
    )
        .prop_map(move |((c, s, r), (g, h, share, rp), count, rules, (en, eb, rn, every))| {
            format!(
                "[[labs]]\nname = \"L{index}\"\ncount = {count}\ncapability = {c}\nsafety = {s}\nresources = {r}\n\
                 capability_rate = {g}\nsafety_rate = {h}\nsafety_share = {share}\nrisk_perception = {rp}\n\
                 evaluation_noise = {en}\nevaluation_bias = {eb}\nrisk_noise = {rn}\nrisk_report_every = {every}\n\
                 policy = [{}]\n",
                rules.join(", ")
            )
        })
}

/// A valid scenario with 1 to 6 labs and every world key set at random.
fn scenario() -> impl Strategy<Value = String> {
    (
        (1u32..40, prop::option::of(2.0f64..12.0), 0.05f64..=1.0, 0.0f64..1.0, 0.0f64..0.2),
        (0.0f64..2.0, -0.1f64..0.1, 0.0f64..0.2),
        (0.0f64..0.01, 0.0f64..8.0, 0.0f64..1.0, 0.0f64..1.0, 0.0f64..0.3),
        (0.0f64..2.0, 0.0f64..0.3, 0u32..5),
        prop::collection::vec(0usize..1, 1..=3),
        prop::option::of((0u32..10, 0.5f64..6.0, 0.0f64..=1.0, 0.0f64..=1.0, 0u32..5)),
    )
        .prop_flat_map(|(a, b, h, o, labs, regulation)| {
            let labs: Vec<_> = (0..labs.len()).map(lab).collect();
            (Just((a, b, h, o, regulation)), labs)
        })
        .prop_map(|(((steps, decisive, returns, noise, spill), (gamma, growth, market), (base, danger, a, b, win), (oc, os, every), regulation), labs)| {
            let decisive = decisive.map(|d| format!("decisive_capability = {d}\n")).unwrap_or_default();
            // Quorums of at most the number of other labs.
            let total: u32 = labs
                .iter()
                .map(|l| l.split("count = ").nth(1).unwrap()[..1].parse::<u32>().unwrap())
                .sum();
            let mut labs = labs.join("");
            for q in 0..3 {
                labs = labs.replace(&format!("QUORUM{q}"), &q.min(total - 1).to_string());
            }
            let regulation = regulation
                .map(|(start, t, compliance, audit, penalty)| {
                    format!(
                        "[[regulation]]\nname = \"law\"\nlabs = [\"*\"]\nstart = {start}\nthresholds = [{t}, {}]\n\
                         compliance = {compliance}\naudit = {audit}\npenalty = {penalty}\n",
                        t + 2.0
                    )
                })
                .unwrap_or_default();
            format!(
                "[scenario]\nname = \"prop\"\nseed = 9\nruns = 40\nsteps = {steps}\n\
                 [world]\n{decisive}returns = {returns}\ncapability_noise = {noise}\nspillover = {spill}\n\
                 frontier_access = {gamma}\nresource_growth = {growth}\nmarket_feedback = {market}\n\
                 [world.hazard]\nbase = {base}\ndanger = {danger}\ncapability_slope = {a}\ngap_slope = {b}\nwin = {win}\n\
                 [world.observation]\ncapability_noise = {oc}\nsafety_noise = {os}\ndisclosure_every = {every}\n{labs}{regulation}",
            )
        })
}

fn simulate(s: &Scenario, threads: usize) -> Aggregate {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| common::simulate(s))
}

/// Records whether capability ever fell and H ever decreased.
struct Monotone {
    last: Vec<f64>,
    last_h: f64,
    ok: bool,
}

impl StepRecorder for Monotone {
    fn record(&mut self, step: u32, s: &StepState<'_>) {
        if step > 0 {
            self.ok &= s
                .capability
                .iter()
                .zip(&self.last)
                .all(|(now, before)| now >= before);
            self.ok &= s.cumulative_hazard >= self.last_h;
        }
        self.last = s.capability.to_vec();
        self.last_h = s.cumulative_hazard;
    }
}

fn in_unit(x: f64) -> bool {
    (0.0..=1.0).contains(&x)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_generated_scenario_runs_within_the_rules(text in scenario()) {
        let s = Scenario::from_str(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let a = simulate(&s, 1);
        prop_assert_eq!(a.runs, 40);

        // Capability never falls and H never decreases, run by run.
        let model = RaceModel::new(&s);
        let streams = Streams::new(s.meta.seed);
        let mut ws = Workspace::default();
        for run in 0..5 {
            let mut m = Monotone { last: Vec::new(), last_h: 0.0, ok: true };
            let mut labs = Vec::new();
            let r = engine::simulate_run(&model, &streams, run, &mut ws, &mut m, &mut labs);
            prop_assert!(m.ok, "capability fell or H decreased in run {}", run);
            prop_assert!(in_unit(r.catastrophe_probability()));
            prop_assert!(r.cumulative_hazard >= 0.0);
        }

        // Every probability in [0, 1], every interval around its mean.
        let sm = Summary::new(&s, s.meta.seed, &a);
        for e in [sm.p_catastrophe, sm.p_catastrophe_sampled, sm.p_catastrophe_unwarned, sm.p_no_winner]
            .iter()
            .chain(sm.p_win.0.iter().map(|(_, e)| e))
        {
            prop_assert!(in_unit(e.mean) && in_unit(e.ci_low) && in_unit(e.ci_high), "{:?}", e);
            prop_assert!(e.ci_low <= e.mean + 1e-12 && e.mean <= e.ci_high + 1e-12, "{:?}", e);
        }
        let wins: f64 = sm.p_win.0.iter().map(|(_, e)| e.mean).sum::<f64>() + sm.p_no_winner.mean;
        prop_assert!((wins - 1.0).abs() < 1e-9, "win probabilities sum to {}", wins);
        for step in &a.steps {
            let p = step.p.value() / a.runs as f64;
            prop_assert!(in_unit(p));
        }

        // The sampled estimate agrees with the expected one: the difference
        // of the means has variance at most pbar (1 - pbar) / n.
        let (expected, sampled) = (sm.p_catastrophe.mean, sm.p_catastrophe_sampled.mean);
        let se = (expected * (1.0 - expected) / 40.0).sqrt();
        prop_assert!((sampled - expected).abs() <= 4.5 * se + 1.0 / 40.0, "sampled {} expected {}", sampled, expected);

        // The same bits on two threads.
        prop_assert!(a == simulate(&s, 2), "results differ between thread counts");

        // The same bits with runs simulated in lanes as one at a time
        // (43 runs: the last group of lanes is not full). Without AVX2 there
        // are no lanes, and both ways are one at a time.
        if !engine::lanes_available() {
            eprintln!("no AVX2 here: the lanes are not tested on this machine");
        }
        let way = |lanes: bool| {
            let mut stats = BlockStats::new(model.lab_count(), model.steps);
            let (mut records, mut labs) = (Vec::new(), Vec::new());
            let simulate = if lanes { engine::simulate_runs } else { engine::simulate_runs_one_by_one };
            simulate(&model, &streams, 0..43, &mut LaneWorkspace::default(), &mut stats, &mut records, &mut labs);
            let mut aggregate = Aggregate::new(model.lab_count(), model.steps);
            aggregate.absorb(&stats, &records, &labs);
            (format!("{records:?}{labs:?}"), aggregate.to_bytes())
        };
        prop_assert!(way(true) == way(false), "lanes and one run at a time differ");
    }
}

#[test]
fn the_generator_makes_valid_scenarios_of_every_rule() {
    // A fixed sample of the strategy, so a generator that drifted into
    // making only invalid or rule-free scenarios fails loudly.
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut seen = std::collections::BTreeSet::new();
    let (mut regulated, mut fuzzy, mut reporting) = (0, 0, 0);
    for _ in 0..50 {
        let text = scenario().new_tree(&mut runner).unwrap().current();
        let s = Scenario::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        regulated += usize::from(s.uses_regulation());
        fuzzy += usize::from(s.labs.iter().any(|l| l.is_fuzzy()));
        reporting += usize::from(s.labs.iter().any(|l| l.risk_report_every > 0));
        for l in &s.labs {
            for r in &l.policy {
                seen.insert(
                    format!("{r:?}")
                        .split(['(', ' '])
                        .next()
                        .unwrap()
                        .to_string(),
                );
            }
        }
    }
    assert_eq!(seen.len(), 6, "{seen:?}");
    assert!(regulated > 0 && fuzzy > 0 && reporting > 0);
}
