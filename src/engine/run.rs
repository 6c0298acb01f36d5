//! One race, from the scenario's start to its end: the steps of DESIGN.md
//! applied in order, with the run's own random streams.
//!
//! The trajectory is simulated whole (a catastrophe does not change the
//! dynamics before it) and its cumulative hazard `H` kept, which gives both
//! catastrophe estimates: the expected `1 - exp(-H)` and the sampled event.

use super::streams::{Purpose, Streams};
use crate::model::growth::{GrowthParams, capped_capability};
use crate::model::hazard::{hazard_rate, win_hazard};
use crate::model::payoff::utility;
use crate::model::{Power, hazard};
use crate::policy::{View, decide};
use crate::scenario::{Hazard, Lab, Observation, Payoff, Scenario};
use rand::RngExt;
use rand_distr::StandardNormal;

/// A scenario compiled for the hot loop: exponents turned into [`Power`]s,
/// which labs observe their rivals worked out once.
#[derive(Debug, Clone)]
pub struct RaceModel {
    pub steps: u32,
    pub growth: GrowthParams,
    pub hazard: Hazard,
    /// `decisive_capability`, or infinity for no end.
    pub decisive: f64,
    pub observation: Observation,
    pub payoff: Payoff,
    pub labs: Vec<Lab>,
    /// Whether lab i has a rule that reads observations (and has rivals).
    observes: Vec<bool>,
}

impl RaceModel {
    pub fn new(scenario: &Scenario) -> Self {
        let w = &scenario.world;
        let labs = scenario.labs.clone();
        let observes = labs
            .iter()
            .map(|l| labs.len() > 1 && l.policy.iter().any(|r| r.reads_observations()))
            .collect();
        RaceModel {
            steps: scenario.meta.steps,
            growth: GrowthParams {
                returns: Power::new(w.returns),
                frontier_access: Power::new(w.frontier_access),
                capability_noise: w.capability_noise,
                spillover: w.spillover,
                resource_growth: w.resource_growth,
                market_feedback: w.market_feedback,
            },
            hazard: w.hazard,
            decisive: w.decisive_capability.unwrap_or(f64::INFINITY),
            observation: w.observation,
            payoff: scenario.payoff,
            labs,
            observes,
        }
    }

    pub fn lab_count(&self) -> usize {
        self.labs.len()
    }
}

/// What one run reports (a row of `runs.csv`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunRecord {
    pub run: u64,
    /// `H` at the end of the run.
    pub cumulative_hazard: f64,
    /// Step (1-based) in which the sampled catastrophe happened.
    pub catastrophe_step: Option<u32>,
    /// The lab in whose share of that step's hazard the crossing fell.
    pub culprit: Option<u32>,
    pub winner: Option<u32>,
    /// Step (1-based) in which a lab reached the decisive capability.
    pub win_step: Option<u32>,
    /// Highest capability at the end.
    pub frontier: f64,
    /// First step (1-based) in which any lab paused or delayed.
    pub first_alarm_step: Option<u32>,
}

impl RunRecord {
    /// The expected estimate `1 - exp(-H)`.
    pub fn catastrophe_probability(&self) -> f64 {
        hazard::catastrophe_probability(self.cumulative_hazard)
    }

    /// A sampled catastrophe with no pause or delay at or before its step:
    /// the "frog-boiling" outcome. (A lab decides at the start of a step,
    /// before that step's hazard, so an alarm in the same step counts.)
    pub fn unwarned(&self) -> bool {
        match (self.catastrophe_step, self.first_alarm_step) {
            (Some(c), Some(a)) => a > c,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }
}

/// What one lab ends a run with (a row of `labs.csv`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LabRecord {
    pub capability: f64,
    pub safety: f64,
    pub resources: f64,
    pub paused_steps: u32,
    pub delayed_steps: u32,
    pub utility: f64,
}

/// The state of a run after a step, as recorders see it.
#[derive(Debug, Clone, Copy)]
pub struct StepState<'a> {
    pub capability: &'a [f64],
    pub safety: &'a [f64],
    pub paused: &'a [bool],
    pub delayed: &'a [bool],
    pub cumulative_hazard: f64,
    /// False once a lab has won (the run is frozen).
    pub racing: bool,
}

/// Receives the state after every step (and the initial state as step 0).
pub trait StepRecorder {
    fn record(&mut self, step: u32, state: &StepState<'_>);
}

impl StepRecorder for () {
    #[inline]
    fn record(&mut self, _: u32, _: &StepState<'_>) {}
}

/// Buffers reused from run to run, so a run allocates nothing.
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    capability: Vec<f64>,
    safety: Vec<f64>,
    resources: Vec<f64>,
    /// Safety effort spent last step (`safety_share` before the first).
    safety_effort: Vec<f64>,
    /// Hazard rate at the start of the step.
    hazard_rate: Vec<f64>,
    next_capability: Vec<f64>,
    next_safety: Vec<f64>,
    next_resources: Vec<f64>,
    next_effort: Vec<f64>,
    paused: Vec<bool>,
    delayed: Vec<bool>,
    paused_steps: Vec<u32>,
    delayed_steps: Vec<u32>,
    rival_capability: Vec<f64>,
    rival_share: Vec<f64>,
}

impl Workspace {
    fn reset(&mut self, model: &RaceModel) {
        let n = model.lab_count();
        let fill = |v: &mut Vec<f64>, f: &dyn Fn(&Lab) -> f64| {
            v.clear();
            v.extend(model.labs.iter().map(f));
        };
        fill(&mut self.capability, &|l| l.capability);
        fill(&mut self.safety, &|l| l.safety);
        fill(&mut self.resources, &|l| l.resources);
        fill(&mut self.safety_effort, &|l| l.safety_share);
        fill(&mut self.hazard_rate, &|l| {
            hazard_rate(&model.hazard, l.capability, l.safety)
        });
        for v in [
            &mut self.next_capability,
            &mut self.next_safety,
            &mut self.next_resources,
            &mut self.next_effort,
        ] {
            v.clear();
            v.resize(n, 0.0);
        }
        for v in [&mut self.paused, &mut self.delayed] {
            v.clear();
            v.resize(n, false);
        }
        for v in [&mut self.paused_steps, &mut self.delayed_steps] {
            v.clear();
            v.resize(n, 0);
        }
        self.rival_capability.resize(n.saturating_sub(1), 0.0);
        self.rival_share.resize(n.saturating_sub(1), 0.0);
    }

    fn state(&self, cumulative_hazard: f64, racing: bool) -> StepState<'_> {
        StepState {
            capability: &self.capability,
            safety: &self.safety,
            paused: &self.paused,
            delayed: &self.delayed,
            cumulative_hazard,
            racing,
        }
    }
}

/// Simulates run `run` of the model, reports every step to `recorder`, and
/// appends one [`LabRecord`] per lab to `labs_out`.
pub fn simulate_run<R: StepRecorder>(
    model: &RaceModel,
    streams: &Streams,
    run: u64,
    ws: &mut Workspace,
    recorder: &mut R,
    labs_out: &mut Vec<LabRecord>,
) -> RunRecord {
    let n = model.lab_count();
    ws.reset(model);
    let mut fate = streams.stream(run, Purpose::Fate);
    let mut growth = streams.stream(run, Purpose::Growth);
    let mut observation = streams.stream(run, Purpose::Observation);
    // E = -ln U with U in (0, 1]: the catastrophe strikes when H reaches E.
    let fate_threshold = -(1.0 - fate.random::<f64>()).ln();

    let mut record = RunRecord {
        run,
        cumulative_hazard: 0.0,
        catastrophe_step: None,
        culprit: None,
        winner: None,
        win_step: None,
        frontier: 0.0,
        first_alarm_step: None,
    };
    let mut h = 0.0;
    recorder.record(0, &ws.state(0.0, true));

    for t in 0..model.steps {
        let step = t + 1;
        if record.winner.is_some() {
            recorder.record(step, &ws.state(h, false));
            continue;
        }
        let frontier = ws
            .capability
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        let total: f64 = ws.capability.iter().sum();
        let exact = model.observation.is_exact(t);

        // Decide and grow, every lab from the state at the start of the step.
        for i in 0..n {
            let lab = &model.labs[i];
            let observed = model.observes[i];
            if observed {
                observe_rivals(model, ws, i, exact, &mut observation);
            }
            let rivals = if observed { n - 1 } else { 0 };
            let view = View {
                capability: ws.capability[i],
                safety: ws.safety[i],
                hazard_rate: ws.hazard_rate[i],
                risk_perception: lab.risk_perception,
                rival_capability: &ws.rival_capability[..rivals],
                rival_share: &ws.rival_share[..rivals],
            };
            let decision = decide(&lab.policy, lab.safety_share, &view);
            ws.paused[i] = decision.paused;
            ws.delayed[i] = decision.delayed;
            ws.paused_steps[i] += u32::from(decision.paused);
            ws.delayed_steps[i] += u32::from(decision.delayed);

            let capability_effort = decision.capability_effort();
            let safety_effort = 1.0 - capability_effort;
            let z: f64 = growth.sample(StandardNormal);
            let g = &model.growth;
            let (c, r) = (ws.capability[i], ws.resources[i]);
            let dc = g.capability_increment(
                lab.capability_rate,
                r,
                capability_effort,
                g.noise_factor(z),
                c,
                frontier,
            );
            ws.next_capability[i] = capped_capability(c, dc, decision.ceiling);
            ws.next_safety[i] =
                ws.safety[i] + g.safety_increment(lab.safety_rate, r, safety_effort, c, frontier);
            ws.next_resources[i] = g.next_resources(r, c, n, total);
            ws.next_effort[i] = safety_effort;
        }
        std::mem::swap(&mut ws.capability, &mut ws.next_capability);
        std::mem::swap(&mut ws.safety, &mut ws.next_safety);
        std::mem::swap(&mut ws.resources, &mut ws.next_resources);
        std::mem::swap(&mut ws.safety_effort, &mut ws.next_effort);
        if record.first_alarm_step.is_none()
            && (ws.paused.contains(&true) || ws.delayed.contains(&true))
        {
            record.first_alarm_step = Some(step);
        }

        // Hazard of the new state.
        let h_before = h;
        for i in 0..n {
            ws.hazard_rate[i] = hazard_rate(&model.hazard, ws.capability[i], ws.safety[i]);
            h += ws.hazard_rate[i];
        }
        // Decisive capability: the highest lab (lowest index on a tie) wins.
        let mut win_extra = 0.0;
        let mut leader = 0;
        for i in 1..n {
            if ws.capability[i] > ws.capability[leader] {
                leader = i;
            }
        }
        if ws.capability[leader] >= model.decisive {
            record.winner = Some(leader as u32);
            record.win_step = Some(step);
            win_extra = win_hazard(&model.hazard, ws.capability[leader], ws.safety[leader]);
            h += win_extra;
        }
        if record.catastrophe_step.is_none() && h >= fate_threshold {
            record.catastrophe_step = Some(step);
            record.culprit = Some(culprit(
                &ws.hazard_rate,
                h_before,
                fate_threshold,
                record.winner,
                win_extra,
            ));
        }
        recorder.record(step, &ws.state(h, record.winner.is_none()));
    }

    record.cumulative_hazard = h;
    let total: f64 = ws.capability.iter().sum();
    record.frontier = ws
        .capability
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    labs_out.extend((0..n).map(|i| LabRecord {
        capability: ws.capability[i],
        safety: ws.safety[i],
        resources: ws.resources[i],
        paused_steps: ws.paused_steps[i],
        delayed_steps: ws.delayed_steps[i],
        utility: utility(
            &model.payoff,
            h,
            record.winner == Some(i as u32),
            ws.capability[i],
            total,
        ),
    }));
    record
}

/// Fills the workspace's rival buffers with what lab `i` sees this step:
/// `Chat_ij = C_j + sd_c z`, `shat_ij = clamp(e_s_j + sd_s z', 0, 1)`.
#[inline]
fn observe_rivals<G: rand::Rng>(
    model: &RaceModel,
    ws: &mut Workspace,
    i: usize,
    exact: bool,
    rng: &mut G,
) {
    let sd_c = model.observation.capability_noise;
    let sd_s = model.observation.safety_noise;
    let mut k = 0;
    for j in 0..model.lab_count() {
        if j == i {
            continue;
        }
        let (c, s) = (ws.capability[j], ws.safety_effort[j]);
        if exact {
            ws.rival_capability[k] = c;
            ws.rival_share[k] = s;
        } else {
            let zc: f64 = rng.sample(StandardNormal);
            let zs: f64 = rng.sample(StandardNormal);
            ws.rival_capability[k] = c + sd_c * zc;
            ws.rival_share[k] = (s + sd_s * zs).clamp(0.0, 1.0);
        }
        k += 1;
    }
}

/// The lab in whose share of the step's hazard the fate threshold fell:
/// labs in order, then the winner's extra hazard at the decisive moment.
fn culprit(
    rates: &[f64],
    h_before: f64,
    threshold: f64,
    winner: Option<u32>,
    win_extra: f64,
) -> u32 {
    let mut cumulative = h_before;
    let mut last = 0;
    for (i, &rate) in rates.iter().enumerate() {
        if rate > 0.0 {
            last = i as u32;
        }
        cumulative += rate;
        if cumulative >= threshold && rate > 0.0 {
            return i as u32;
        }
    }
    match winner {
        Some(w) if win_extra > 0.0 => w,
        // Rounding put the crossing a hair past the sum: the last contributor.
        _ => last,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    struct Trace(Vec<(u32, Vec<f64>, f64, bool)>);
    impl StepRecorder for Trace {
        fn record(&mut self, step: u32, s: &StepState<'_>) {
            self.0
                .push((step, s.capability.to_vec(), s.cumulative_hazard, s.racing));
        }
    }

    fn scenario(extra_world: &str, labs: &str) -> Scenario {
        Scenario::from_str(&format!(
            "[scenario]\nsteps = 30\n[world]\n{extra_world}\n{labs}"
        ))
        .unwrap()
    }

    const TWO_LABS: &str = "[[labs]]\nname = \"A\"\ncapability = 1.0\nsafety = 1.0\ncapability_rate = 0.2\nsafety_rate = 0.1\n\
                            [[labs]]\nname = \"B\"\ncapability = 1.0\nsafety = 0.5\ncapability_rate = 0.2\nsafety_rate = 0.1\n";

    fn run_once(s: &Scenario, run: u64) -> (RunRecord, Vec<LabRecord>, Trace) {
        let model = RaceModel::new(s);
        let mut trace = Trace(Vec::new());
        let mut labs = Vec::new();
        let r = simulate_run(
            &model,
            &Streams::new(s.meta.seed),
            run,
            &mut Workspace::default(),
            &mut trace,
            &mut labs,
        );
        (r, labs, trace)
    }

    #[test]
    fn capability_never_falls_and_hazard_accumulates() {
        let s = scenario("", TWO_LABS);
        let (r, _, trace) = run_once(&s, 3);
        assert_eq!(trace.0.len(), 31);
        for w in trace.0.windows(2) {
            for i in 0..2 {
                assert!(w[1].1[i] >= w[0].1[i]);
            }
            assert!(w[1].2 > w[0].2);
        }
        assert_eq!(r.cumulative_hazard, trace.0[30].2);
    }

    #[test]
    fn a_run_is_the_same_whatever_came_before() {
        let s = scenario("", TWO_LABS);
        let model = RaceModel::new(&s);
        let streams = Streams::new(1);
        let mut ws = Workspace::default();
        let mut labs = Vec::new();
        let first = simulate_run(&model, &streams, 9, &mut ws, &mut (), &mut labs);
        simulate_run(&model, &streams, 2, &mut ws, &mut (), &mut labs);
        let again = simulate_run(&model, &streams, 9, &mut ws, &mut (), &mut labs);
        assert_eq!(first, again);
        assert_eq!(labs[0..2], labs[4..6]);
    }

    #[test]
    fn the_decisive_capability_ends_and_freezes_the_run() {
        let s = scenario("decisive_capability = 2.0\nhazard.win = 0.5", TWO_LABS);
        let (r, labs, trace) = run_once(&s, 0);
        let step = r.win_step.expect("someone reaches 2.0 within 30 steps") as usize;
        let winner = r.winner.unwrap() as usize;
        assert!(trace.0[step].1[winner] >= 2.0);
        assert!(!trace.0[step].3, "no longer racing at the winning step");
        assert_eq!(trace.0[step].1, trace.0[30].1, "frozen after the win");
        assert_eq!(trace.0[step].2, trace.0[30].2, "no hazard after the win");
        // The winner's extra hazard is in H.
        let before = trace.0[step - 1].2;
        let rates: f64 = (0..2)
            .map(|i| hazard_rate(&s.world.hazard, trace.0[step].1[i], labs[i].safety))
            .sum();
        let extra = win_hazard(
            &s.world.hazard,
            labs[winner].capability,
            labs[winner].safety,
        );
        assert!((trace.0[step].2 - before - rates - extra).abs() < 1e-12);
    }

    #[test]
    fn a_pause_holds_capability_at_the_threshold() {
        let labs = TWO_LABS.replacen(
            "safety_rate = 0.1\n",
            "safety_rate = 0.0\npolicy = [{ rule = \"unilateral_pause\", thresholds = [1.5] }]\n",
            1,
        );
        let s = scenario("", &labs);
        let (_, lab_records, trace) = run_once(&s, 1);
        assert!(trace.0.iter().all(|(_, c, _, _)| c[0] <= 1.5));
        assert!(lab_records[0].paused_steps > 0);
    }

    #[test]
    fn with_zero_noise_and_growth_the_hazard_is_constant() {
        let labs = "[[labs]]\nname = \"A\"\ncapability = 5.0\nsafety = 4.0\ncapability_rate = 0.0\nsafety_rate = 0.0\n";
        let s = scenario("spillover = 0.0\nresource_growth = 0.0\n", labs);
        let (r, _, _) = run_once(&s, 0);
        let rate = hazard_rate(&s.world.hazard, 5.0, 4.0);
        assert!((r.cumulative_hazard - 30.0 * rate).abs() < 1e-15);
    }

    #[test]
    fn the_culprit_is_where_the_threshold_falls() {
        assert_eq!(culprit(&[0.1, 0.2, 0.3], 1.0, 1.05, None, 0.0), 0);
        assert_eq!(culprit(&[0.1, 0.2, 0.3], 1.0, 1.25, None, 0.0), 1);
        assert_eq!(culprit(&[0.1, 0.0, 0.3], 1.0, 1.1, None, 0.0), 0);
        assert_eq!(culprit(&[0.1, 0.2], 1.0, 1.35, Some(1), 0.1), 1);
    }

    #[test]
    fn unwarned_means_no_alarm_at_or_before_the_catastrophe() {
        let base = RunRecord {
            run: 0,
            cumulative_hazard: 1.0,
            catastrophe_step: Some(5),
            culprit: Some(0),
            winner: None,
            win_step: None,
            frontier: 1.0,
            first_alarm_step: None,
        };
        assert!(base.unwarned());
        assert!(
            !RunRecord {
                first_alarm_step: Some(5),
                ..base
            }
            .unwarned()
        );
        assert!(
            RunRecord {
                first_alarm_step: Some(6),
                ..base
            }
            .unwarned()
        );
        assert!(
            !RunRecord {
                catastrophe_step: None,
                ..base
            }
            .unwarned()
        );
    }
}
