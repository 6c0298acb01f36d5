//! One race, from the scenario's start to its end: the steps of docs/model.md ("One step")
//! applied in order, with the run's own random streams.
//!
//! The trajectory is simulated whole (a catastrophe does not change the
//! dynamics before it) and its cumulative hazard `H` kept, which gives both
//! catastrophe estimates: the expected `1 - exp(-H)` and the sampled event.
//!
//! This is the hot loop. Per lab and step it draws its normals, decides
//! (nothing to decide for a racing lab), and does the model's arithmetic:
//! two `exp` (noise, hazard), the powers of [`Power`], and no allocation, no
//! dynamic dispatch. A run that has been won is frozen: its remaining steps
//! go to the recorder at once ([`StepRecorder::record_frozen`]).

use super::normal::standard_normal;
use super::streams::{Purpose, Streams};
use crate::model::evaluation::{measured_capability, risk_exponent};
use crate::model::growth::{GrowthParams, LabGrowth, max_num};
use crate::model::hazard::{hazard_rate, win_hazard};
use crate::model::payoff::utility;
use crate::model::{Power, hazard};
use crate::policy::regulation::{Oversight, Regulation};
use crate::policy::{Commitment, CompiledPolicy, Decision, Own, Seen, bound_labs};
use crate::scenario::{Hazard, Lab, Observation, Payoff, Scenario};
use rand::{Rng, RngExt};

/// A scenario compiled for the hot loop: exponents turned into [`Power`]s,
/// policies into [`CompiledPolicy`]s, which labs observe their rivals and
/// the starting state worked out once. Build it with [`RaceModel::new`];
/// the public fields are for reading.
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
    /// What the hot loop reads of each lab.
    pub(super) kernels: Vec<LabKernel>,
    /// Observation normals per step that is not a disclosure step.
    pub(super) observation_draws: usize,
    /// The state every run starts from.
    pub(super) start: Start,
    /// The scenario's regulations.
    pub regulations: Vec<Regulation>,
    /// Per lab: whether its `conditional_pause` commitment is in force
    /// (the quorum fixed point), `None` for a lab without one.
    pub in_force: Vec<Option<bool>>,
    /// Whether a mechanic of the extensions is used that the plain decision
    /// does not make: fuzzy evaluations, risk reports, regulation or
    /// commitment matching. Without them a run takes the plain path, which
    /// draws and computes exactly as before they existed.
    pub(super) extended: bool,
    /// Whether some lab matches what its rivals committed to.
    pub(super) tracks_commitment: bool,
    /// Per lab `risk_report_every` (empty when no lab reports).
    pub(super) reports: Vec<u32>,
    /// Per lab `j` (with reports), where the step's observation normals
    /// of the rivals that observe it start: each the first of a pair.
    pub(super) observed_at: Vec<Vec<usize>>,
}

/// One lab's constants, as the hot loop reads them.
#[derive(Debug, Clone)]
pub(super) struct LabKernel {
    pub(super) capability_rate: f64,
    pub(super) safety_rate: f64,
    pub(super) safety_share: f64,
    pub(super) risk_perception: f64,
    pub(super) policy: CompiledPolicy,
    /// Whether the lab has a rule that reads observations (and has rivals).
    pub(super) observes: bool,
    /// Where the lab's observation normals start in a step's draws.
    pub(super) observation_offset: usize,
    /// `e_c` of a lab whose policy never changes its base decision.
    pub(super) race_effort: f64,
    /// Whether the lab decides each step (its policy can change its
    /// decision, or an extension acts on it).
    pub(super) decides: bool,
    pub(super) evaluation_bias: f64,
    pub(super) evaluation_noise: f64,
    pub(super) risk_noise: f64,
    /// The regulations covering the lab, by index.
    pub(super) regulations: Vec<usize>,
}

/// The initial state of every lab, and its hazard rate.
#[derive(Debug, Clone, Default)]
pub(super) struct Start {
    pub(super) capability: Vec<f64>,
    pub(super) safety: Vec<f64>,
    pub(super) resources: Vec<f64>,
    pub(super) safety_effort: Vec<f64>,
    pub(super) hazard_rate: Vec<f64>,
}

impl RaceModel {
    pub fn new(scenario: &Scenario) -> Self {
        let w = &scenario.world;
        let labs = scenario.labs.clone();
        // Each observing lab draws a pair of normals per rival, in lab order.
        let pairs = labs.len().saturating_sub(1);
        let mut observation_draws = 0;
        // The quorum fixed point, once, from the policies.
        let commitments: Vec<Commitment> = labs.iter().map(|l| Commitment::of(&l.policy)).collect();
        let bound = bound_labs(&commitments);
        let in_force = scenario.in_force();
        let regulations = scenario.regulation.clone();
        let kernels: Vec<LabKernel> = labs
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let observes = labs.len() > 1 && l.policy.iter().any(|r| r.reads_observations());
                let policy = CompiledPolicy::new_bound(&l.policy, |c| c.in_force(&bound, i));
                let regulated: Vec<usize> = regulations
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.labs.contains(&l.name))
                    .map(|(k, _)| k)
                    .collect();
                let observation_offset = observation_draws;
                if observes {
                    observation_draws += 2 * pairs;
                }
                LabKernel {
                    capability_rate: l.capability_rate,
                    safety_rate: l.safety_rate,
                    safety_share: l.safety_share,
                    risk_perception: l.risk_perception,
                    decides: !policy.is_race() || l.is_fuzzy() || !regulated.is_empty(),
                    policy,
                    observes,
                    observation_offset,
                    race_effort: Decision::base(l.safety_share).capability_effort(),
                    evaluation_bias: l.evaluation_bias,
                    evaluation_noise: l.evaluation_noise,
                    risk_noise: l.risk_noise,
                    regulations: regulated,
                }
            })
            .collect();
        let tracks_commitment = kernels.iter().any(|k| k.policy.observes_commitment());
        let reports: Vec<u32> = if labs.iter().any(|l| l.risk_report_every > 0) {
            labs.iter().map(|l| l.risk_report_every).collect()
        } else {
            Vec::new()
        };
        // The pair of normals with which lab `i` observes rival `j`: the
        // `k`-th pair from its offset, `j` its `k`-th rival in lab order.
        let observed_at = if reports.is_empty() {
            Vec::new()
        } else {
            (0..labs.len())
                .map(|j| {
                    let observers = kernels
                        .iter()
                        .enumerate()
                        .filter(|(i, k)| k.observes && *i != j);
                    observers
                        .map(|(i, k)| k.observation_offset + 2 * (j - usize::from(j > i)))
                        .collect()
                })
                .collect()
        };
        let extended = labs.iter().any(Lab::is_fuzzy)
            || !reports.is_empty()
            || kernels.iter().any(|k| !k.regulations.is_empty())
            || tracks_commitment;
        let start = Start {
            capability: labs.iter().map(|l| l.capability).collect(),
            safety: labs.iter().map(|l| l.safety).collect(),
            resources: labs.iter().map(|l| l.resources).collect(),
            safety_effort: labs.iter().map(|l| l.safety_share).collect(),
            hazard_rate: labs
                .iter()
                .map(|l| hazard_rate(&w.hazard, l.capability, l.safety))
                .collect(),
        };
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
            kernels,
            observation_draws,
            start,
            regulations,
            in_force,
            extended,
            tracks_commitment,
            reports,
            observed_at,
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
    /// Run `run` before its first step: nothing has happened yet.
    pub(crate) fn start(run: u64) -> Self {
        RunRecord {
            run,
            cumulative_hazard: 0.0,
            catastrophe_step: None,
            culprit: None,
            winner: None,
            win_step: None,
            frontier: 0.0,
            first_alarm_step: None,
        }
    }

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
    /// Steps spent at or above a pause threshold the lab measured itself
    /// below (fuzzy evaluations; 0 without them).
    pub unnoticed_steps: u32,
    /// Steps in which the lab violated a regulation.
    pub violating_steps: u32,
    /// Violations detected by an audit.
    pub times_caught: u32,
    /// Steps spent paused under a penalty.
    pub penalty_steps: u32,
}

/// What the extensions keep of one lab during a run.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct LabTally {
    pub(super) oversight: Oversight,
    pub(super) unnoticed_steps: u32,
}

/// Which labs publish a risk report in the step being decided: lab `j`
/// on steps `t` with `t % risk_report_every_j == 0`, kept as the next step
/// each lab reports (a division per rival and step would cost more than
/// the rest of the observation). The same for every run: the lanes keep
/// one for all of theirs.
#[derive(Debug, Clone, Default)]
pub(super) struct ReportSchedule {
    /// Per lab, the next step it reports (`u32::MAX`: never).
    next: Vec<u32>,
    /// Per lab, whether it reports in the current step (empty when no lab
    /// reports).
    now: Vec<bool>,
    /// Whether some lab reports in the current step.
    any: bool,
}

impl ReportSchedule {
    /// Before step 0: every reporting lab reports at step 0.
    pub(super) fn reset(&mut self, model: &RaceModel) {
        self.next.clear();
        self.next.extend(
            model
                .reports
                .iter()
                .map(|&every| if every > 0 { 0 } else { u32::MAX }),
        );
        self.now.clear();
        self.now.resize(model.reports.len(), false);
        self.any = false;
    }

    /// Moves to step `t` (steps in order from 0).
    #[inline]
    pub(super) fn advance(&mut self, model: &RaceModel, t: u32) {
        self.any = false;
        for ((now, next), &every) in self.now.iter_mut().zip(&mut self.next).zip(&model.reports) {
            *now = *next == t;
            if *now {
                *next = next.saturating_add(every);
            }
            self.any |= *now;
        }
    }

    /// Per lab, whether it reports this step (empty when no lab reports
    /// in it).
    #[inline]
    pub(super) fn now(&self) -> &[bool] {
        if self.any { &self.now } else { &[] }
    }
}

/// The state of a run after a step, as recorders see it.
#[derive(Debug, Clone, Copy)]
pub struct StepState<'a> {
    pub capability: &'a [f64],
    pub safety: &'a [f64],
    pub paused: &'a [bool],
    pub delayed: &'a [bool],
    /// Whether each lab is paused under a regulation's penalty.
    pub penalized: &'a [bool],
    /// Whether each lab is at or above a pause threshold it measured
    /// itself below (fuzzy evaluations).
    pub unnoticed: &'a [bool],
    /// Each lab's resources.
    pub resources: &'a [f64],
    /// The safety effort `e_s` each lab spent in the step just taken (at
    /// step 0, before any step: its `safety_share`).
    pub safety_effort: &'a [f64],
    /// Each lab's hazard rate `lambda_i` in the state recorded.
    pub hazard_rate: &'a [f64],
    /// The highest capability, `max_i C_i` (as [`frontier`] computes it).
    pub frontier: f64,
    pub cumulative_hazard: f64,
    /// False once a lab has won (the run is frozen).
    pub racing: bool,
}

/// Receives the state after every step (and the initial state as step 0).
///
/// [`simulate_run`] calls `record` for step 0 and each racing step in
/// order, `record_frozen` once if the run is won (for the winning step to
/// the last), then `finish_run`.
pub trait StepRecorder {
    fn record(&mut self, step: u32, state: &StepState<'_>);

    /// Receives one state for every step of `steps`: a run frozen by its
    /// win, from the winning step to the end. The same as recording each
    /// step in turn, which is what it does unless a recorder knows better.
    #[inline]
    fn record_frozen(&mut self, steps: std::ops::RangeInclusive<u32>, state: &StepState<'_>) {
        for step in steps {
            self.record(step, state);
        }
    }

    /// The run is over: every one of its steps has been recorded.
    #[inline]
    fn finish_run(&mut self) {}
}

impl StepRecorder for () {
    #[inline]
    fn record(&mut self, _: u32, _: &StepState<'_>) {}

    #[inline]
    fn record_frozen(&mut self, _: std::ops::RangeInclusive<u32>, _: &StepState<'_>) {}
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
    /// The extensions' counts, per lab.
    tallies: Vec<LabTally>,
    penalized: Vec<bool>,
    unnoticed: Vec<bool>,
    /// Each lab's committed share last step, and this step's.
    committed: Vec<f64>,
    next_committed: Vec<f64>,
    /// This step's decisions: `e_c` and the capability ceiling.
    capability_effort: Vec<f64>,
    ceiling: Vec<f64>,
    /// This step's lognormal growth factors.
    noise: Vec<f64>,
    /// This step's observation normals: for every observing lab in order,
    /// a pair (capability, share) per rival in order.
    observation_z: Vec<f64>,
    reports: ReportSchedule,
}

impl Workspace {
    fn reset(&mut self, model: &RaceModel) {
        let n = model.lab_count();
        let start = &model.start;
        for (v, from) in [
            (&mut self.capability, &start.capability),
            (&mut self.safety, &start.safety),
            (&mut self.resources, &start.resources),
            (&mut self.safety_effort, &start.safety_effort),
            (&mut self.hazard_rate, &start.hazard_rate),
        ] {
            v.clear();
            v.extend_from_slice(from);
        }
        for v in [
            &mut self.next_capability,
            &mut self.next_safety,
            &mut self.next_resources,
            &mut self.next_effort,
            &mut self.noise,
        ] {
            v.clear();
            v.resize(n, 0.0);
        }
        // A racing lab's decision never changes; the others' are made each step.
        self.capability_effort.clear();
        self.capability_effort
            .extend(model.kernels.iter().map(|k| k.race_effort));
        self.ceiling.clear();
        self.ceiling.resize(n, f64::INFINITY);
        for v in [
            &mut self.paused,
            &mut self.delayed,
            &mut self.penalized,
            &mut self.unnoticed,
        ] {
            v.clear();
            v.resize(n, false);
        }
        for v in [&mut self.paused_steps, &mut self.delayed_steps] {
            v.clear();
            v.resize(n, 0);
        }
        self.tallies.clear();
        self.tallies.resize(n, LabTally::default());
        for v in [&mut self.committed, &mut self.next_committed] {
            v.clear();
            v.extend_from_slice(&start.safety_effort);
        }
        self.observation_z.resize(model.observation_draws, 0.0);
        self.reports.reset(model);
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
    let mut growth = streams.stream(run, Purpose::Growth);
    let mut observation = streams.stream(run, Purpose::Observation);
    let fate_threshold = fate_threshold(streams, run);
    let mut record = RunRecord::start(run);
    let mut h = 0.0;

    // Every buffer as a slice of the lab count, for the whole run.
    let Workspace {
        capability,
        safety,
        resources,
        safety_effort,
        hazard_rate: rates,
        next_capability,
        next_safety,
        next_resources,
        next_effort,
        paused,
        delayed,
        paused_steps,
        delayed_steps,
        tallies,
        penalized,
        unnoticed,
        committed,
        next_committed,
        capability_effort,
        ceiling,
        noise,
        observation_z,
        reports,
    } = ws;
    let (tallies, penalized) = (&mut tallies[..n], &mut penalized[..n]);
    let unnoticed = &mut unnoticed[..n];
    let (committed, next_committed) = (&mut committed[..n], &mut next_committed[..n]);
    let mut capability = &mut capability[..n];
    let mut safety = &mut safety[..n];
    let mut resources = &mut resources[..n];
    let mut safety_effort = &mut safety_effort[..n];
    let mut next_capability = &mut next_capability[..n];
    let mut next_safety = &mut next_safety[..n];
    let mut next_resources = &mut next_resources[..n];
    let mut next_effort = &mut next_effort[..n];
    let rates = &mut rates[..n];
    let (paused, delayed) = (&mut paused[..n], &mut delayed[..n]);
    let (paused_steps, delayed_steps) = (&mut paused_steps[..n], &mut delayed_steps[..n]);
    let (capability_effort, ceiling) = (&mut capability_effort[..n], &mut ceiling[..n]);
    let noise = &mut noise[..n];
    let kernels = &model.kernels[..n];
    let g = &model.growth;

    // Cmax of the state at the start of each step (and of the end state).
    let mut frontier = self::frontier(capability);
    // The state as recorders see it, with the cumulative hazard and
    // whether the run is still racing.
    macro_rules! snapshot {
        ($h:expr, $racing:expr) => {
            state(
                (capability, safety, resources),
                (safety_effort, rates),
                paused,
                delayed,
                penalized,
                unnoticed,
                frontier,
                $h,
                $racing,
            )
        };
    }
    recorder.record(0, &snapshot!(0.0, true));
    // The sum of C at the start of each step.
    let mut total: f64 = capability.iter().sum();
    for t in 0..model.steps {
        let step = t + 1;
        let exact = model.observation.is_exact(t);

        // Decide, every lab from the state at the start of the step. The
        // observation stream is read here alone, so its normals can be
        // drawn together first, in the order the labs read them.
        reports.advance(model, t);
        if !exact {
            for z in observation_z.iter_mut() {
                *z = standard_normal(&mut observation);
            }
            see_reports_exactly(model, reports.now(), observation_z);
        }
        let mut alarm = false;
        for (i, lab) in kernels.iter().enumerate() {
            if !lab.decides {
                continue; // its effort and ceiling never change
            }
            let z = (!exact).then_some(&observation_z[..]);
            let decided = decide_lab(
                model,
                model.extended,
                i,
                t,
                (capability, safety_effort),
                || &*committed,
                (safety[i], rates[i]),
                z,
                Some(&mut observation),
                &mut tallies[i],
            );
            alarm |= decided.keep(
                Kept {
                    paused: &mut paused[i],
                    delayed: &mut delayed[i],
                    paused_steps: &mut paused_steps[i],
                    delayed_steps: &mut delayed_steps[i],
                    capability_effort: &mut capability_effort[i],
                    ceiling: &mut ceiling[i],
                },
                || KeptExtended {
                    penalized: &mut penalized[i],
                    unnoticed: &mut unnoticed[i],
                    committed: &mut next_committed[i],
                },
            );
        }
        if alarm && record.first_alarm_step.is_none() {
            record.first_alarm_step = Some(step);
        }
        if model.tracks_commitment {
            committed.copy_from_slice(next_committed);
        }

        // Grow. The growth stream's normals, one per lab in lab order, and
        // their lognormal factors, independent of one another, come first.
        for factor in noise.iter_mut() {
            *factor = g.noise_factor(standard_normal(&mut growth));
        }
        for (i, lab) in kernels.iter().enumerate() {
            let grown = g.grow(
                &LabGrowth {
                    capability_rate: lab.capability_rate,
                    safety_rate: lab.safety_rate,
                    capability: capability[i],
                    safety: safety[i],
                    resources: resources[i],
                    effort: capability_effort[i],
                    ceiling: ceiling[i],
                    noise: noise[i],
                },
                frontier,
                n,
                total,
            );
            next_capability[i] = grown.capability;
            next_safety[i] = grown.safety;
            next_resources[i] = grown.resources;
            next_effort[i] = grown.safety_effort;
        }
        std::mem::swap(&mut capability, &mut next_capability);
        std::mem::swap(&mut safety, &mut next_safety);
        std::mem::swap(&mut resources, &mut next_resources);
        std::mem::swap(&mut safety_effort, &mut next_effort);

        // Hazard of the new state, summed in lab order; in the same pass
        // over the labs, the new Cmax and sum of C (the folds of `frontier`
        // and `Iterator::sum`, in the same order) and the most capable lab
        // (lowest index on a tie).
        let h_before = h;
        frontier = f64::NEG_INFINITY;
        total = crate::stats::sum_start();
        let mut leader = 0;
        let mut leader_capability = capability[0];
        for i in 0..n {
            let c = capability[i];
            rates[i] = hazard_rate(&model.hazard, c, safety[i]);
            h += rates[i];
            frontier = max_num(frontier, c);
            total += c;
            if c > leader_capability {
                leader = i;
                leader_capability = c;
            }
        }
        // Decisive capability: the most capable lab wins.
        let mut win_extra = 0.0;
        if capability[leader] >= model.decisive {
            record.winner = Some(leader as u32);
            record.win_step = Some(step);
            win_extra = win_hazard(&model.hazard, capability[leader], safety[leader]);
            h += win_extra;
        }
        if record.catastrophe_step.is_none() && h >= fate_threshold {
            record.catastrophe_step = Some(step);
            record.culprit = Some(culprit(
                rates,
                h_before,
                fate_threshold,
                record.winner,
                win_extra,
            ));
        }
        if record.winner.is_some() {
            // The winning step as decided; then frozen to the end, with no
            // lab pausing or delaying in a race that is over.
            recorder.record(step, &snapshot!(h, false));
            paused.fill(false);
            delayed.fill(false);
            penalized.fill(false);
            unnoticed.fill(false);
            let frozen = snapshot!(h, false);
            recorder.record_frozen(step + 1..=model.steps, &frozen);
            break;
        }
        let racing = snapshot!(h, true);
        recorder.record(step, &racing);
    }
    recorder.finish_run();

    record.cumulative_hazard = h;
    record.frontier = frontier;
    labs_out.extend((0..n).map(|i| LabRecord {
        capability: capability[i],
        safety: safety[i],
        resources: resources[i],
        paused_steps: paused_steps[i],
        delayed_steps: delayed_steps[i],
        utility: utility(
            &model.payoff,
            h,
            record.winner == Some(i as u32),
            capability[i],
            total,
        ),
        unnoticed_steps: tallies[i].unnoticed_steps,
        violating_steps: tallies[i].oversight.violating_steps,
        times_caught: tallies[i].oversight.times_caught,
        penalty_steps: tallies[i].oversight.penalty_steps,
    }));
    record
}

#[inline]
#[allow(clippy::too_many_arguments)]
pub(super) fn state<'a>(
    (capability, safety, resources): (&'a [f64], &'a [f64], &'a [f64]),
    (safety_effort, hazard_rate): (&'a [f64], &'a [f64]),
    paused: &'a [bool],
    delayed: &'a [bool],
    penalized: &'a [bool],
    unnoticed: &'a [bool],
    frontier: f64,
    cumulative_hazard: f64,
    racing: bool,
) -> StepState<'a> {
    StepState {
        capability,
        safety,
        resources,
        safety_effort,
        hazard_rate,
        paused,
        delayed,
        penalized,
        unnoticed,
        frontier,
        cumulative_hazard,
        racing,
    }
}

/// The highest capability, `max_i C_i` (a NaN counts for nothing).
#[inline]
pub fn frontier(capability: &[f64]) -> f64 {
    capability.iter().copied().fold(f64::NEG_INFINITY, max_num)
}

/// Lab `i`'s decision for the step, from the state at its start (the labs'
/// capabilities and last safety efforts, its own safety and hazard rate):
/// what it sees of its rivals, with the step's observation normals `z` (of
/// every observing lab, in order) or exactly (`None`), then its rules.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(super) fn decide(
    model: &RaceModel,
    i: usize,
    t: u32,
    capability: &[f64],
    safety_effort: &[f64],
    safety: f64,
    hazard_rate: f64,
    z: Option<&[f64]>,
) -> Decision {
    let lab = &model.kernels[i];
    let seen = if lab.observes {
        let z = z.map(|z| &z[lab.observation_offset..]);
        observe_rivals(model, i, capability, safety_effort, None, z).0
    } else {
        Seen::default()
    };
    let own = Own {
        capability: capability[i],
        measured: capability[i],
        step: t,
        safety,
        hazard_rate,
        risk_exponent: 0.0,
        risk_perception: lab.risk_perception,
    };
    lab.policy.decide_seen(lab.safety_share, &own, &seen, &seen)
}

/// Lab `i`'s decision for step `t`, the one [`simulate_run`] and the lanes
/// both make: with the extensions ([`decide_extended`], whose draws come
/// from `rng`, the run's observation stream) when the model uses them,
/// else the plain [`decide`]. `extended` is `model.extended`, passed as a
/// constant where the caller has a copy of its own for each (the lanes).
/// `state` is the labs' capabilities and last
/// safety efforts, `extended` gives their committed shares (asked for with
/// the extensions only), `own` is the lab's safety and hazard rate; `z`
/// is the step's observation normals, risk reports already seen to
/// ([`see_reports_exactly`]).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(super) fn decide_lab<'a, R: Rng>(
    model: &RaceModel,
    extended_model: bool,
    i: usize,
    t: u32,
    state: (&'a [f64], &'a [f64]),
    extended: impl FnOnce() -> &'a [f64],
    own: (f64, f64),
    z: Option<&[f64]>,
    rng: Option<&mut R>,
    tally: &mut LabTally,
) -> Decided {
    let (safety, hazard_rate) = own;
    let (capability, safety_effort) = state;
    debug_assert_eq!(extended_model, model.extended);
    if extended_model {
        let rng = rng.expect("an extended model always has an observation stream");
        let state = Rates {
            capability,
            safety_effort,
            committed: extended(),
        };
        let (decision, committed) =
            decide_extended(model, i, t, state, safety, hazard_rate, z, rng, tally);
        Decided {
            decision,
            extended: Some((committed, tally.oversight.penalized)),
        }
    } else {
        let decision = decide(
            model,
            i,
            t,
            capability,
            safety_effort,
            safety,
            hazard_rate,
            z,
        );
        Decided {
            decision,
            extended: None,
        }
    }
}

/// A lab's decision for a step, and with the extensions its committed
/// share and whether a penalty holds it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Decided {
    decision: Decision,
    extended: Option<(f64, bool)>,
}

/// Where a run keeps one lab's decision for the step.
pub(super) struct Kept<'a> {
    pub(super) paused: &'a mut bool,
    pub(super) delayed: &'a mut bool,
    pub(super) paused_steps: &'a mut u32,
    pub(super) delayed_steps: &'a mut u32,
    /// `e_c` and the ceiling, for this step's growth.
    pub(super) capability_effort: &'a mut f64,
    pub(super) ceiling: &'a mut f64,
}

/// Where a run keeps what the extensions add to a lab's decision.
pub(super) struct KeptExtended<'a> {
    pub(super) penalized: &'a mut bool,
    pub(super) unnoticed: &'a mut bool,
    /// The committed share, for rivals who match it (next step).
    pub(super) committed: &'a mut f64,
}

impl Decided {
    /// Keeps the decision in `to`: the step's flags and counts, `e_c` and
    /// the ceiling; and with the extensions, theirs in `extended` (asked
    /// for only then). Returns whether the lab paused or delayed (an alarm).
    #[inline(always)]
    pub(super) fn keep<'a>(
        &self,
        to: Kept<'_>,
        extended: impl FnOnce() -> KeptExtended<'a>,
    ) -> bool {
        let d = &self.decision;
        if let Some((committed, penalized)) = self.extended {
            let to = extended();
            *to.committed = committed;
            *to.penalized = penalized;
            *to.unnoticed = d.unnoticed;
        }
        *to.paused = d.paused;
        *to.delayed = d.delayed;
        *to.paused_steps += u32::from(d.paused);
        *to.delayed_steps += u32::from(d.delayed);
        *to.capability_effort = d.capability_effort();
        *to.ceiling = d.ceiling;
        d.paused | d.delayed
    }
}

/// The labs' state at the start of a step that a decision reads of them
/// all: capabilities, and safety efforts spent and shares committed last
/// step.
#[derive(Clone, Copy)]
pub(super) struct Rates<'a> {
    pub(super) capability: &'a [f64],
    pub(super) safety_effort: &'a [f64],
    pub(super) committed: &'a [f64],
}

/// Lab `i`'s decision for step `t` with the extensions (docs/model.md's
/// "Extensions"), and its committed share (for rivals who match
/// commitments): what it sees of its rivals (risk reports exact); its own
/// measurement `Ctilde_i` and believed hazard, with their normals drawn
/// from `rng` (the observation stream, after the step's observation
/// normals) when their noise is not zero; its rules; then a penalty owed
/// and its regulations, whose uniforms come from `rng` too. Counts go to
/// `tally`. Inlined into the step, as the plain [`decide`] is.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(super) fn decide_extended<R: Rng>(
    model: &RaceModel,
    i: usize,
    t: u32,
    state: Rates<'_>,
    safety: f64,
    hazard_rate: f64,
    z: Option<&[f64]>,
    rng: &mut R,
    tally: &mut LabTally,
) -> (Decision, f64) {
    let lab = &model.kernels[i];
    let (seen, committed) = if lab.observes {
        let z = z.map(|z| &z[lab.observation_offset..]);
        let commitments = lab.policy.observes_commitment().then_some(state.committed);
        observe_rivals(
            model,
            i,
            state.capability,
            state.safety_effort,
            commitments,
            z,
        )
    } else {
        (Seen::default(), Seen::default())
    };
    let c = state.capability[i];
    let measured = if lab.evaluation_noise != 0.0 {
        let z = standard_normal(rng);
        measured_capability(c, lab.evaluation_bias, lab.evaluation_noise, z)
    } else {
        measured_capability(c, lab.evaluation_bias, 0.0, 0.0)
    };
    // The risk noise's normal is drawn every step; its `exp` is taken only
    // when a delay rule asks for the believed hazard (Own::believed_hazard).
    let risk_exponent = if lab.risk_noise != 0.0 {
        risk_exponent(lab.risk_noise, standard_normal(rng))
    } else {
        0.0
    };
    let own = Own {
        capability: c,
        measured,
        step: t,
        safety,
        hazard_rate,
        risk_exponent,
        risk_perception: lab.risk_perception,
    };
    let mut decision = lab
        .policy
        .decide_seen(lab.safety_share, &own, &seen, &committed);
    let committed_share = decision.share;
    tally.oversight.serve_penalty(c, &mut decision);
    let mut violated = false;
    for &r in &lab.regulations {
        violated |=
            model.regulations[r].apply(t, c, safety, &mut decision, rng, &mut tally.oversight);
    }
    tally.oversight.violating_steps += u32::from(violated);
    tally.unnoticed_steps += u32::from(decision.unnoticed);
    (decision, committed_share)
}

/// What lab `i` sees of its rivals in a step, folded as its rules read it
/// ([`Seen`]):
/// `Chat_ij = C_j + sd_c z`, `shat_ij = clamp(e_s_j + sd_s z', 0, 1)` for
/// each rival `j` in lab order, with `z` the lab's observation normals
/// (those of a rival whose risk report is out set to zero,
/// [`see_reports_exactly`]), or exactly (`None`, a disclosure step). With
/// `committed`, also the rivals' committed shares, seen through the same
/// noise `z'` (the second fold).
#[inline(always)]
fn observe_rivals(
    model: &RaceModel,
    i: usize,
    capability: &[f64],
    effort: &[f64],
    committed: Option<&[f64]>,
    z: Option<&[f64]>,
) -> (Seen, Seen) {
    let rivals = capability.len() - 1;
    // Rivals in lab order, the lab itself left out, with their capability
    // and effort (iterated, not indexed: no bounds checks in the loop).
    let others = capability
        .iter()
        .zip(effort)
        .enumerate()
        .filter(|&(j, _)| j != i);
    let sd_c = model.observation.capability_noise;
    let sd_s = model.observation.safety_noise;
    let mut seen = Seen::default();
    let Some(committed) = committed else {
        // One fold, of every statistic: in a single fold, branching on
        // what the rules read costs more than it saves (measured on
        // rsp-2026).
        match z {
            None => others.for_each(|(_, (&c, &e))| seen.add(c, e)),
            Some(z) => {
                for (pair, (_, (&c, &e))) in z[..2 * rivals].chunks_exact(2).zip(others) {
                    seen.add(c + sd_c * pair[0], (e + sd_s * pair[1]).clamp(0.0, 1.0));
                }
            }
        }
        return (seen, Seen::default());
    };
    // Two folds, spent and committed shares: only the statistics the
    // rules read ([`Reads`](crate::policy::Reads)), the spent shares not at
    // all when no rule reads them.
    let (effort_reads, commitment_reads) = model.kernels[i].policy.reads();
    let leader = effort_reads.leader | commitment_reads.leader;
    let reads_effort = effort_reads.any();
    let mut seen_committed = Seen::default();
    match z {
        None => {
            for (j, (&c, &e)) in others {
                let leads = seen.add_capability(c, leader);
                if reads_effort {
                    seen.add_share(effort_reads, leads, e);
                }
                seen_committed.add_share(commitment_reads, leads, committed[j]);
            }
        }
        Some(z) => {
            for (pair, (j, (&c, &e))) in z[..2 * rivals].chunks_exact(2).zip(others) {
                let (zc, zs) = (pair[0], pair[1]);
                let leads = seen.add_capability(c + sd_c * zc, leader);
                if reads_effort {
                    seen.add_share(effort_reads, leads, (e + sd_s * zs).clamp(0.0, 1.0));
                }
                let share = (committed[j] + sd_s * zs).clamp(0.0, 1.0);
                seen_committed.add_share(commitment_reads, leads, share);
            }
        }
    }
    seen_committed.take_capabilities(&seen);
    (seen, seen_committed)
}

/// Sets to zero the observation normals `z` of the step (of every
/// observing lab, in order) that fall on a rival whose risk report is out
/// (`reporting[j]`, empty when none is): that rival is seen exactly,
/// `C_j + sd_c 0`. Its normals are drawn all the same, and the labs read
/// `z` after this, once per step rather than once per rival.
#[inline]
pub(super) fn see_reports_exactly(model: &RaceModel, reporting: &[bool], z: &mut [f64]) {
    for (&reports, pairs) in reporting.iter().zip(&model.observed_at) {
        if reports {
            for &at in pairs {
                z[at..at + 2].fill(0.0);
            }
        }
    }
}

/// Run `run`'s fate threshold `E = -ln U`, `U` in (0, 1] its fate stream's
/// one uniform: the catastrophe strikes when `H` reaches `E`.
pub(super) fn fate_threshold(streams: &Streams, run: u64) -> f64 {
    let mut fate = streams.stream(run, Purpose::Fate);
    -(1.0 - fate.random::<f64>()).ln()
}

/// The lab in whose share of the step's hazard the fate threshold fell:
/// labs in order, then the winner's extra hazard at the decisive moment.
pub(super) fn culprit(
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

    /// One lab growing without noise toward a threshold it never has the
    /// safety to pass, with `extra` lab keys and `more` of the file.
    fn lone_lab(extra: &str, more: &str) -> Scenario {
        Scenario::from_str(&format!(
            "[scenario]\nsteps = 60\n[world]\ncapability_noise = 0.0\n\
             [[labs]]\nname = \"A\"\ncapability = 1.0\nsafety = 0.5\ncapability_rate = 0.2\nsafety_rate = 0.0\n{extra}\n{more}"
        ))
        .unwrap()
    }

    #[test]
    fn an_evaluation_biased_by_minus_b_pauses_at_the_true_threshold_plus_b() {
        let pause =
            "policy = [{ rule = \"unilateral_pause\", thresholds = [2.0], required = [9.0] }]";
        let exact = lone_lab(pause, "");
        let (_, labs, _) = run_once(&exact, 0);
        assert_eq!(labs[0].capability, 2.0);
        assert_eq!(labs[0].unnoticed_steps, 0);
        let biased = lone_lab(&format!("evaluation_bias = -0.5\n{pause}"), "");
        let (_, labs, trace) = run_once(&biased, 0);
        assert!(
            (labs[0].capability - 2.5).abs() < 1e-12,
            "{}",
            labs[0].capability
        );
        // Paused from the step it reached 2.5 (measured 2.0) to the end.
        let reached = trace
            .0
            .iter()
            .position(|(_, c, _, _)| c[0] >= 2.5 - 1e-12)
            .unwrap();
        assert_eq!(labs[0].paused_steps as usize, 60 - reached);
        // Unnoticed: every step begun at C in [2.0, 2.5).
        let unnoticed = trace.0[..60]
            .iter()
            .filter(|(_, c, _, _)| c[0] >= 2.0 && c[0] < 2.5 - 1e-12)
            .count();
        assert!(unnoticed > 0);
        assert_eq!(labs[0].unnoticed_steps as usize, unnoticed);
    }

    #[test]
    fn with_audit_one_and_compliance_zero_each_violation_costs_exactly_the_penalty() {
        let regulation = "[[regulation]]\nname = \"law\"\nlabs = [\"A\"]\nthresholds = [1.5]\n\
                          compliance = 0.0\naudit = 1.0\npenalty = 4\n";
        let s = lone_lab("", regulation);
        let (_, labs, trace) = run_once(&s, 0);
        let l = labs[0];
        // Steps begun at or above the threshold: a violation (caught at
        // once) and then 4 steps of penalty, over and over.
        let at = trace.0[..60]
            .iter()
            .position(|(_, c, _, _)| c[0] >= 1.5)
            .unwrap();
        let after = (60 - at) as u32;
        assert_eq!(l.violating_steps, l.times_caught);
        assert_eq!(l.violating_steps, after.div_ceil(5));
        assert_eq!(l.penalty_steps, after - l.violating_steps);
        assert_eq!(l.paused_steps, l.penalty_steps);
        // No growth at all while under a penalty.
        let grows: Vec<bool> = trace.0[at..]
            .windows(2)
            .map(|w| w[1].1[0] > w[0].1[0])
            .collect();
        let expected: Vec<bool> = (0..grows.len()).map(|k| k % 5 == 0).collect();
        assert_eq!(grows, expected);
    }

    #[test]
    fn the_quorum_fixed_point_is_decided_before_the_run() {
        let lab = |name: &str, policy: &str| {
            format!(
                "[[labs]]\nname = \"{name}\"\ncapability = 1.0\nsafety = 1.0\ncapability_rate = 0.1\nsafety_rate = 0.1\npolicy = [{policy}]\n"
            )
        };
        let conditional = "{ rule = \"conditional_pause\", thresholds = [3.0], quorum = 2 }";
        let all = [
            lab("A", conditional),
            lab("B", conditional),
            lab("C", conditional),
        ]
        .concat();
        let s = Scenario::from_str(&format!("[scenario]\nsteps = 5\n{all}")).unwrap();
        assert_eq!(RaceModel::new(&s).in_force, vec![Some(true); 3]);
        let racer = lab("C", "{ rule = \"race\" }");
        let two = [lab("A", conditional), lab("B", conditional), racer].concat();
        let s = Scenario::from_str(&format!("[scenario]\nsteps = 5\n{two}")).unwrap();
        assert_eq!(
            RaceModel::new(&s).in_force,
            vec![Some(false), Some(false), None]
        );
    }

    #[test]
    fn without_the_new_keys_the_model_takes_the_plain_path() {
        let transparency = ["transparency-never", "transparency-every-3"];
        for name in crate::builtin::DEFAULT_COMPARISON
            .iter()
            .chain(&transparency)
        {
            let s = crate::builtin::load(name).unwrap();
            assert!(!RaceModel::new(&s).extended, "{name}");
        }
    }

    /// Lab `i` reads its rivals' pairs of normals in lab order from its
    /// offset: a report zeroes the pair each observer reads of the
    /// reporting lab, and no other.
    #[test]
    fn a_risk_report_zeroes_the_normals_its_observers_read_of_it() {
        let lab = |name: &str, every: u32| {
            format!(
                "[[labs]]\nname = \"{name}\"\ncapability = 1.0\nsafety = 1.0\ncapability_rate = 0.1\n\
                 safety_rate = 0.1\nrisk_report_every = {every}\n\
                 policy = [{{ rule = \"match_competitors\", reference = \"mean\" }}]\n"
            )
        };
        let labs = [lab("A", 0), lab("B", 2), lab("C", 0)].concat();
        let s = Scenario::from_str(&format!("[scenario]\nsteps = 5\n{labs}")).unwrap();
        let model = RaceModel::new(&s);
        // A reads (B, C) at 0..4, B (A, C) at 4..8, C (A, B) at 8..12.
        assert_eq!(model.observed_at, vec![vec![4, 8], vec![0, 10], vec![2, 6]]);
        let mut z: Vec<f64> = (1..=12).map(f64::from).collect();
        see_reports_exactly(&model, &[false, true, false], &mut z);
        let zeroed: Vec<usize> = (0..12).filter(|&k| z[k] == 0.0).collect();
        assert_eq!(zeroed, vec![0, 1, 10, 11]);
        see_reports_exactly(&model, &[], &mut z);
        assert_eq!(z.iter().filter(|&&x| x == 0.0).count(), 4);
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
