//! Runs simulated [`LANES`] at a time, in lockstep.
//!
//! Consecutive runs share every step, each in a lane of its own, so the
//! model's arithmetic (the lognormal noise and the hazard, each an `exp`,
//! growth's powers and divisions) is done for all lanes by the same AVX2
//! instructions, written out with intrinsics. Each lane does what
//! [`simulate_run`] does for its run, operation for operation in the same
//! order, so its results are the same bits; the random draws and the
//! policies' decisions, which branch, are made one lane at a time.
//!
//! A lane whose run is won stops (its state held, its draws over); the
//! group ends when every lane has stopped or the last step is done. The
//! statistics are [`BlockStats`]' alone: each step of the lanes goes in
//! lane by lane, which is run order, so every sum gets its values in the
//! order `simulate_run` gives them. The tests check both ways give the same
//! records and the same statistics, bit for bit, where the processor has
//! AVX2; where it has not, there is one way only.
//!
//! The model's formulas (`model::growth`, `model::hazard`) are written once,
//! generic over [`Lane`](crate::model::Lane): the lanes apply them to
//! [`F64x4`](avx2), one AVX2 register per lab holding its four runs, and
//! the tests here check every lane gets the bits one run at a time gets.

use super::aggregate::BlockStats;
use super::normal::standard_normal;
use super::run::{
    Kept, KeptExtended, LabRecord, LabTally, RaceModel, ReportSchedule, RunRecord, Workspace,
    culprit, decide_lab, fate_threshold, see_reports_exactly, simulate_run,
};
use super::streams::{Purpose, Stream, Streams};
use crate::model::hazard::win_hazard;
use crate::model::payoff::utility;

/// Runs simulated together: four `f64` are one AVX2 register.
pub const LANES: usize = 4;

/// One value per lane.
type V = [f64; LANES];

/// Buffers reused from group to group, so a group allocates nothing.
/// Per-lab state is one [`V`] per lab; per-lane scratch and the kept steps
/// are lane by lane.
#[derive(Debug, Clone, Default)]
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
pub struct LaneWorkspace {
    capability: Vec<V>,
    safety: Vec<V>,
    resources: Vec<V>,
    /// Safety effort spent last step (`safety_share` before the first).
    safety_effort: Vec<V>,
    /// Hazard rate at the start of the step.
    rates: Vec<V>,
    /// This step's decisions: `e_c` and the capability ceiling.
    capability_effort: Vec<V>,
    ceiling: Vec<V>,
    /// This step's growth normals.
    z: Vec<V>,
    paused: Vec<[bool; LANES]>,
    delayed: Vec<[bool; LANES]>,
    paused_steps: Vec<[u32; LANES]>,
    delayed_steps: Vec<[u32; LANES]>,
    penalized: Vec<[bool; LANES]>,
    unnoticed: Vec<[bool; LANES]>,
    /// The extensions' counts, lane by lane (`n` labs per lane).
    tallies: Vec<LabTally>,
    /// Committed shares, lane by lane (`n` labs per lane), and one lane's
    /// for the step being decided.
    committed: Vec<f64>,
    lane_next_committed: Vec<f64>,
    /// Each lane's observation normals for the step, `observation_draws`
    /// per lane.
    observation_z: Vec<f64>,
    /// One lane's capabilities, efforts and rates, lab by lab, for the code
    /// that reads a run's labs as a slice.
    lane_capability: Vec<f64>,
    lane_effort: Vec<f64>,
    lane_rates: Vec<f64>,
    /// The risk reports of the step being decided, the same in every lane.
    reports: ReportSchedule,
    /// For processors without AVX2, which simulate one run at a time.
    scalar: Workspace,
}

#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
impl LaneWorkspace {
    /// Sizes the buffers for `model` and puts every lane at the start.
    fn reset(&mut self, model: &RaceModel) {
        let n = model.lab_count();
        let start = &model.start;
        for (v, from) in [
            (&mut self.capability, &start.capability),
            (&mut self.safety, &start.safety),
            (&mut self.resources, &start.resources),
            (&mut self.safety_effort, &start.safety_effort),
            (&mut self.rates, &start.hazard_rate),
        ] {
            v.clear();
            v.extend(from.iter().map(|&x| [x; LANES]));
        }
        self.capability_effort.clear();
        self.capability_effort
            .extend(model.kernels.iter().map(|k| [k.race_effort; LANES]));
        self.ceiling.clear();
        self.ceiling.resize(n, [f64::INFINITY; LANES]);
        self.z.resize(n, [0.0; LANES]);
        for v in [
            &mut self.paused,
            &mut self.delayed,
            &mut self.penalized,
            &mut self.unnoticed,
        ] {
            v.clear();
            v.resize(n, [false; LANES]);
        }
        self.tallies.clear();
        self.tallies.resize(LANES * n, LabTally::default());
        self.committed.clear();
        for _ in 0..LANES {
            self.committed.extend_from_slice(&start.safety_effort);
        }
        self.lane_next_committed.clear();
        self.lane_next_committed
            .extend_from_slice(&start.safety_effort);
        for v in [&mut self.paused_steps, &mut self.delayed_steps] {
            v.clear();
            v.resize(n, [0; LANES]);
        }
        self.observation_z
            .resize(LANES * model.observation_draws, 0.0);
        for v in [
            &mut self.lane_capability,
            &mut self.lane_effort,
            &mut self.lane_rates,
        ] {
            v.resize(n, 0.0);
        }
        self.reports.reset(model);
    }
}

/// Whether this processor simulates runs in lanes (it has AVX2).
pub fn lanes_available() -> bool {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        return true;
    }
    false
}

/// Simulates runs `runs` of the model into `stats`, [`LANES`] at a time
/// where the processor has AVX2 (one at a time where not), and appends
/// their records to `runs_out` and `labs_out` in run order: the same bits
/// as [`simulate_run`] run after run.
pub fn simulate_runs(
    model: &RaceModel,
    streams: &Streams,
    runs: std::ops::Range<u64>,
    ws: &mut LaneWorkspace,
    stats: &mut BlockStats,
    runs_out: &mut Vec<RunRecord>,
    labs_out: &mut Vec<LabRecord>,
) {
    #[cfg(target_arch = "x86_64")]
    if lanes_available() {
        // SAFETY: the processor has AVX2, as just checked.
        unsafe { avx2::runs(model, streams, runs, ws, stats, runs_out, labs_out) };
        return;
    }
    simulate_runs_one_by_one(model, streams, runs, ws, stats, runs_out, labs_out);
}

/// [`simulate_runs`] one run at a time, with [`simulate_run`]: the
/// reference the lanes are tested against.
pub fn simulate_runs_one_by_one(
    model: &RaceModel,
    streams: &Streams,
    runs: std::ops::Range<u64>,
    ws: &mut LaneWorkspace,
    stats: &mut BlockStats,
    runs_out: &mut Vec<RunRecord>,
    labs_out: &mut Vec<LabRecord>,
) {
    for run in runs {
        let ws = &mut ws.scalar;
        runs_out.push(if stats.records_steps() {
            simulate_run(model, streams, run, ws, stats, labs_out)
        } else {
            simulate_run(model, streams, run, ws, &mut (), labs_out)
        });
    }
}

/// Lane `l`'s decisions for the step, as `simulate_run` makes them: its
/// observation normals, then every lab's policy in order. `extended` is
/// `model.extended`, a constant where it is inlined ([`Deciding::decide`]).
#[inline(always)]
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
#[allow(clippy::too_many_arguments)]
fn decide_lane(
    model: &RaceModel,
    extended: bool,
    ws: &mut LaneWorkspace,
    l: usize,
    observation: Option<&mut Stream>,
    exact: bool,
    record: &mut RunRecord,
    step: u32,
) {
    // (Only a model without observation draws and extensions has no
    // observation stream.)
    let n = model.lab_count();
    let draws = model.observation_draws;
    // `l < LANES` always; the mask tells the compiler so, and every
    // `[l]` below goes without a bounds check.
    let l = l % LANES;
    let LaneWorkspace {
        capability,
        safety,
        safety_effort,
        rates,
        capability_effort,
        ceiling,
        paused,
        delayed,
        paused_steps,
        delayed_steps,
        penalized,
        unnoticed,
        tallies,
        committed,
        lane_next_committed,
        observation_z,
        lane_capability,
        lane_effort,
        reports,
        ..
    } = ws;
    let z = &mut observation_z[l * draws..(l + 1) * draws];
    let mut rng = observation;
    if let (false, Some(rng)) = (exact, rng.as_deref_mut()) {
        for z in z.iter_mut() {
            *z = standard_normal(rng);
        }
        if extended {
            see_reports_exactly(model, reports.now(), z);
        }
    }
    let z = (!exact).then_some(&*z);
    // Every per-lab buffer cut to the lab count once, so that indexing
    // them by lab needs no bounds check.
    let (lane_capability, lane_effort) = (&mut lane_capability[..n], &mut lane_effort[..n]);
    for ((to_c, to_e), (c, e)) in lane_capability
        .iter_mut()
        .zip(lane_effort.iter_mut())
        .zip(capability.iter().zip(safety_effort.iter()))
    {
        *to_c = c[l];
        *to_e = e[l];
    }
    let kernels = &model.kernels[..n];
    let (safety, rates) = (&safety[..n], &rates[..n]);
    let (capability_effort, ceiling) = (&mut capability_effort[..n], &mut ceiling[..n]);
    let (paused, delayed) = (&mut paused[..n], &mut delayed[..n]);
    let (paused_steps, delayed_steps) = (&mut paused_steps[..n], &mut delayed_steps[..n]);
    let (penalized, unnoticed) = (&mut penalized[..n], &mut unnoticed[..n]);
    let tallies = &mut tallies[l * n..(l + 1) * n];
    let committed = &mut committed[l * n..(l + 1) * n];
    let next_committed = &mut lane_next_committed[..n];
    let mut alarm = false;
    let t = step - 1;
    for i in 0..n {
        if !kernels[i].decides {
            continue;
        }
        let decided = decide_lab(
            model,
            extended,
            i,
            t,
            (lane_capability, lane_effort),
            || &*committed,
            (safety[i][l], rates[i][l]),
            z,
            rng.as_deref_mut(),
            &mut tallies[i],
        );
        alarm |= decided.keep(
            Kept {
                paused: &mut paused[i][l],
                delayed: &mut delayed[i][l],
                paused_steps: &mut paused_steps[i][l],
                delayed_steps: &mut delayed_steps[i][l],
                capability_effort: &mut capability_effort[i][l],
                ceiling: &mut ceiling[i][l],
            },
            || KeptExtended {
                penalized: &mut penalized[i][l],
                unnoticed: &mut unnoticed[i][l],
                committed: &mut next_committed[i],
            },
        );
    }
    if alarm && record.first_alarm_step.is_none() {
        record.first_alarm_step = Some(step);
    }
    if extended && model.tracks_commitment {
        committed.copy_from_slice(next_committed);
    }
}

/// The growth normals of a step: for each running lane, one per lab in lab
/// order. Out of line, so that the compiler's choices for the draws and
/// for the step's vector code around them do not change each other.
#[inline(never)]
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
fn draw_growth(growth: &mut [Stream; LANES], active: &[bool; LANES], z: &mut [V]) {
    for (l, (rng, &active)) in growth.iter_mut().zip(active).enumerate() {
        if active {
            for z in z.iter_mut() {
                z[l] = standard_normal(rng);
            }
        }
    }
}

/// The running lanes of a step, deciding.
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
struct Deciding<'a> {
    active: &'a [bool],
    observation: &'a mut [Stream],
    records: &'a mut [RunRecord; LANES],
    exact: bool,
    step: u32,
}

#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
impl Deciding<'_> {
    /// Each running lane's decisions ([`decide_lane`]), lane by lane.
    #[inline(always)]
    fn decide(self, model: &RaceModel, extended: bool, ws: &mut LaneWorkspace) {
        for (l, &active) in self.active.iter().enumerate() {
            if active {
                let rng = self.observation.get_mut(l);
                decide_lane(
                    model,
                    extended,
                    ws,
                    l,
                    rng,
                    self.exact,
                    &mut self.records[l],
                    self.step,
                );
            }
        }
    }
}

/// The lanes with AVX2 intrinsics: each vector operation is the scalar
/// operation of `simulate_run` (and of the model's functions it calls) on
/// four lanes, in the same order, and IEEE arithmetic rounds each lane as
/// it rounds the scalar. (Rust never fuses a multiply and an add.)
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::*;
    use crate::model::Lane;
    use crate::model::exp::exp4;
    use crate::model::growth::{LabGrowth, max_num};
    use crate::model::hazard::hazard_rate;
    use std::arch::x86_64::*;

    type D = __m256d;

    #[inline]
    #[target_feature(enable = "avx2")]
    fn ld(a: &[f64; LANES]) -> D {
        // SAFETY: four f64 from an array of four.
        unsafe { _mm256_loadu_pd(a.as_ptr()) }
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    fn st(a: &mut [f64; LANES], v: D) {
        // SAFETY: four f64 to an array of four.
        unsafe { _mm256_storeu_pd(a.as_mut_ptr(), v) }
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    fn lanes(v: D) -> [f64; LANES] {
        let mut a = [0.0; LANES];
        st(&mut a, v);
        a
    }

    #[inline]
    #[target_feature(enable = "avx2")]
    fn splat(x: f64) -> D {
        _mm256_set1_pd(x)
    }

    /// All bits set in the lanes where `m` is true.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn mask(m: &[bool; LANES]) -> D {
        let bit = |l: usize| -i64::from(m[l]);
        _mm256_castsi256_pd(_mm256_set_epi64x(bit(3), bit(2), bit(1), bit(0)))
    }

    /// Four runs' values, one AVX2 register: the [`Lane`] the model's
    /// formulas are applied to here.
    ///
    /// Its operations call AVX2 intrinsics without `target_feature`
    /// themselves (a trait's methods cannot have one) and are inlined into
    /// this module's `#[target_feature(enable = "avx2")]` functions. That
    /// is sound because a value of this type only exists inside this
    /// module, whose one entry, [`runs`], is only called where the
    /// processor has AVX2.
    #[derive(Clone, Copy)]
    struct F64x4(D);

    /// One AVX2 operation of two registers.
    macro_rules! op {
        ($trait:ident, $method:ident, $intrinsic:ident) => {
            impl std::ops::$trait for F64x4 {
                type Output = F64x4;
                #[inline(always)]
                fn $method(self, other: F64x4) -> F64x4 {
                    // SAFETY: AVX2 is there (F64x4).
                    F64x4(unsafe { $intrinsic(self.0, other.0) })
                }
            }
        };
    }
    op!(Add, add, _mm256_add_pd);
    op!(Sub, sub, _mm256_sub_pd);
    op!(Mul, mul, _mm256_mul_pd);
    op!(Div, div, _mm256_div_pd);

    /// All bits set in the lanes where a comparison holds.
    #[derive(Clone, Copy)]
    struct Mask4(D);

    impl std::ops::BitOr for Mask4 {
        type Output = Mask4;
        #[inline(always)]
        fn bitor(self, other: Mask4) -> Mask4 {
            // SAFETY: AVX2 is there (F64x4).
            Mask4(unsafe { _mm256_or_pd(self.0, other.0) })
        }
    }

    impl Lane for F64x4 {
        type Mask = Mask4;

        #[inline(always)]
        fn splat(x: f64) -> Self {
            // SAFETY: AVX2 is there (F64x4).
            F64x4(unsafe { _mm256_set1_pd(x) })
        }
        #[inline(always)]
        fn exp(self) -> Self {
            // SAFETY: AVX2 is there (F64x4).
            F64x4(unsafe { exp4(self.0) })
        }
        #[inline(always)]
        fn sqrt(self) -> Self {
            // SAFETY: AVX2 is there (F64x4).
            F64x4(unsafe { _mm256_sqrt_pd(self.0) })
        }
        #[inline(always)]
        fn map(self, f: impl Fn(f64) -> f64) -> Self {
            // SAFETY: AVX2 is there (F64x4).
            F64x4(unsafe { ld(&lanes(self.0).map(f)) })
        }
        #[inline(always)]
        fn gt(self, other: Self) -> Mask4 {
            // SAFETY: AVX2 is there (F64x4).
            Mask4(unsafe { _mm256_cmp_pd::<_CMP_GT_OQ>(self.0, other.0) })
        }
        #[inline(always)]
        fn lt(self, other: Self) -> Mask4 {
            // SAFETY: AVX2 is there (F64x4).
            Mask4(unsafe { _mm256_cmp_pd::<_CMP_LT_OQ>(self.0, other.0) })
        }
        #[inline(always)]
        fn eq(self, other: Self) -> Mask4 {
            // SAFETY: AVX2 is there (F64x4).
            Mask4(unsafe { _mm256_cmp_pd::<_CMP_EQ_OQ>(self.0, other.0) })
        }
        #[inline(always)]
        fn is_nan(self) -> Mask4 {
            // SAFETY: AVX2 is there (F64x4).
            Mask4(unsafe { _mm256_cmp_pd::<_CMP_UNORD_Q>(self.0, self.0) })
        }
        #[inline(always)]
        fn select(mask: Mask4, yes: Self, no: Self) -> Self {
            // SAFETY: AVX2 is there (F64x4).
            F64x4(unsafe { _mm256_blendv_pd(no.0, yes.0, mask.0) })
        }
    }

    #[target_feature(enable = "avx2")]
    pub(super) fn runs(
        model: &RaceModel,
        streams: &Streams,
        runs: std::ops::Range<u64>,
        ws: &mut LaneWorkspace,
        stats: &mut BlockStats,
        runs_out: &mut Vec<RunRecord>,
        labs_out: &mut Vec<LabRecord>,
    ) {
        let mut first = runs.start;
        while first < runs.end {
            let count = (runs.end - first).min(LANES as u64) as usize;
            group(model, streams, first, count, ws, stats, runs_out, labs_out);
            first += count as u64;
        }
    }

    /// Runs `first..first + count` (`count <= LANES`) in lockstep.
    #[target_feature(enable = "avx2")]
    #[allow(clippy::too_many_arguments)]
    fn group(
        model: &RaceModel,
        streams: &Streams,
        first: u64,
        count: usize,
        ws: &mut LaneWorkspace,
        stats: &mut BlockStats,
        runs_out: &mut Vec<RunRecord>,
        labs_out: &mut Vec<LabRecord>,
    ) {
        let n = model.lab_count();
        let steps = model.steps;
        let g = &model.growth;
        let hazard = &model.hazard;
        let decides = model.kernels.iter().any(|k| k.decides);
        ws.reset(model);

        let run = |l: usize| first + l as u64;
        // Lanes past `count` hold no run: they start stopped and never draw.
        let mut growth: [Stream; LANES] =
            std::array::from_fn(|l| streams.stream(run(l), Purpose::Growth));
        let mut observation: Vec<Stream> = if model.observation_draws > 0 || model.extended {
            (0..count)
                .map(|l| streams.stream(run(l), Purpose::Observation))
                .collect()
        } else {
            Vec::new()
        };
        let mut threshold = [f64::INFINITY; LANES];
        for (l, t) in threshold.iter_mut().enumerate().take(count) {
            *t = fate_threshold(streams, run(l));
        }
        let mut records: [RunRecord; LANES] = std::array::from_fn(|l| RunRecord::start(run(l)));
        let mut active: [bool; LANES] = std::array::from_fn(|l| l < count);
        // Each won run's frozen tail: its first step and frontier.
        let mut tails: [Option<(usize, f64)>; LANES] = [None; LANES];
        let mut h = [0.0; LANES];
        // The fate thresholds not yet crossed (infinity once crossed).
        let mut pending_fate = threshold;

        // Cmax and the sum of C of the state at the start of each step (and
        // of the end state), folded as `simulate_run` folds them.
        let mut frontier = splat(f64::NEG_INFINITY);
        let mut total = splat(crate::stats::sum_start());
        for c in &ws.capability {
            frontier = max_num(F64x4(frontier), F64x4(ld(c))).0;
            total = _mm256_add_pd(total, ld(c));
        }
        let mut frontier_lanes = lanes(frontier);
        let record_steps = stats.records_steps();
        if record_steps {
            stats.add_lanes(
                0,
                count,
                &ws.capability,
                &ws.safety,
                (&ws.safety_effort, &[false; LANES]),
                &ws.paused,
                &ws.delayed,
                &ws.penalized,
                &ws.unnoticed,
                &frontier_lanes,
                &h,
                &[true; LANES],
            );
        }
        let mut recorded = 0;

        for t in 0..steps {
            if !active.contains(&true) {
                break;
            }
            let step = t + 1;
            let exact = model.observation.is_exact(t);
            if decides {
                ws.reports.advance(model, t);
                let lanes = Deciding {
                    active: &active[..count],
                    observation: &mut observation,
                    records: &mut records,
                    exact,
                    step,
                };
                // Compiled once with the extensions and once without:
                // the plain decisions carry none of their tests.
                if model.extended {
                    lanes.decide(model, true, ws);
                } else {
                    lanes.decide(model, false, ws);
                }
            }

            // Grow: the growth normals of each running lane, lab by lab;
            // then each lab in all lanes at once, kept in running lanes.
            draw_growth(&mut growth, &active, &mut ws.z);
            let running = mask(&active);
            // Each per-lab buffer cut to the lab count: indexed by lab below
            // without bounds checks.
            let kernels = &model.kernels[..n];
            let (capability, safety) = (&mut ws.capability[..n], &mut ws.safety[..n]);
            let (resources, safety_effort) = (&mut ws.resources[..n], &mut ws.safety_effort[..n]);
            let (capability_effort, ceiling) = (&ws.capability_effort[..n], &ws.ceiling[..n]);
            let (z, rates) = (&ws.z[..n], &mut ws.rates[..n]);
            for i in 0..n {
                let lab = &kernels[i];
                let v = |a: &[f64; LANES]| F64x4(ld(a));
                let (c, s, r) = (v(&capability[i]), v(&safety[i]), v(&resources[i]));
                let grown = g.grow(
                    &LabGrowth {
                        capability_rate: lab.capability_rate,
                        safety_rate: lab.safety_rate,
                        capability: c,
                        safety: s,
                        resources: r,
                        effort: v(&capability_effort[i]),
                        ceiling: v(&ceiling[i]),
                        noise: g.noise_factor(v(&z[i])),
                    },
                    F64x4(frontier),
                    n,
                    F64x4(total),
                );
                let e = ld(&safety_effort[i]);
                // Kept in running lanes only.
                let keep = |old: D, new: F64x4| _mm256_blendv_pd(old, new.0, running);
                st(&mut capability[i], keep(c.0, grown.capability));
                st(&mut safety[i], keep(s.0, grown.safety));
                st(&mut resources[i], keep(r.0, grown.resources));
                st(&mut safety_effort[i], keep(e, grown.safety_effort));
            }

            // Hazard of the new state, summed in lab order; the new Cmax and
            // sum of C, and the most capable lab (lowest index on a tie).
            let h_before = h;
            let mut hv = ld(&h);
            frontier = splat(f64::NEG_INFINITY);
            total = splat(crate::stats::sum_start());
            let mut leader = splat(0.0);
            let mut leader_capability = ld(&capability[0]);
            for i in 0..n {
                let c = ld(&capability[i]);
                let rate = hazard_rate(hazard, F64x4(c), F64x4(ld(&safety[i]))).0;
                st(&mut rates[i], rate);
                hv = _mm256_add_pd(hv, rate);
                frontier = max_num(F64x4(frontier), F64x4(c)).0;
                total = _mm256_add_pd(total, c);
                let ahead = _mm256_cmp_pd::<_CMP_GT_OQ>(c, leader_capability);
                leader = _mm256_blendv_pd(leader, splat(i as f64), ahead);
                leader_capability = _mm256_blendv_pd(leader_capability, c, ahead);
            }
            // A stopped run's hazard is over.
            st(&mut h, _mm256_blendv_pd(ld(&h_before), hv, running));
            frontier_lanes = lanes(frontier);

            // Decisive capability and the sampled catastrophe, in the lanes
            // where either happens.
            let won = _mm256_cmp_pd::<_CMP_GE_OQ>(leader_capability, splat(model.decisive));
            let struck = _mm256_cmp_pd::<_CMP_GE_OQ>(ld(&h), ld(&pending_fate));
            let events = _mm256_movemask_pd(_mm256_and_pd(_mm256_or_pd(won, struck), running));
            let mut racing = active;
            if events != 0 {
                let (leader, leader_capability) = (lanes(leader), lanes(leader_capability));
                for l in (0..count).filter(|&l| events & (1 << l) != 0) {
                    let record = &mut records[l];
                    let mut win_extra = 0.0;
                    if leader_capability[l] >= model.decisive {
                        let w = leader[l] as usize;
                        record.winner = Some(w as u32);
                        record.win_step = Some(step);
                        win_extra = win_hazard(hazard, leader_capability[l], ws.safety[w][l]);
                        h[l] += win_extra;
                    }
                    if record.catastrophe_step.is_none() && h[l] >= threshold[l] {
                        for (rate, lane) in ws.lane_rates.iter_mut().zip(&ws.rates) {
                            *rate = lane[l];
                        }
                        record.catastrophe_step = Some(step);
                        record.culprit = Some(culprit(
                            &ws.lane_rates,
                            h_before[l],
                            threshold[l],
                            record.winner,
                            win_extra,
                        ));
                        pending_fate[l] = f64::INFINITY;
                    }
                    racing[l] = record.winner.is_none();
                }
            }
            if record_steps {
                stats.add_lanes(
                    step as usize,
                    count,
                    &ws.capability,
                    &ws.safety,
                    (&ws.safety_effort, &active),
                    &ws.paused,
                    &ws.delayed,
                    &ws.penalized,
                    &ws.unnoticed,
                    &frontier_lanes,
                    &h,
                    &racing,
                );
            }
            recorded = step;
            // A won run is frozen: its state held, no lab pausing or
            // delaying in a race that is over.
            for l in 0..count {
                if active[l] && !racing[l] {
                    active[l] = false;
                    if step < steps {
                        tails[l] = Some((step as usize + 1, frontier_lanes[l]));
                    }
                    for ((p, d), (f, u)) in ws
                        .paused
                        .iter_mut()
                        .zip(&mut ws.delayed)
                        .zip(ws.penalized.iter_mut().zip(&mut ws.unnoticed))
                    {
                        (p[l], d[l], f[l], u[l]) = (false, false, false, false);
                    }
                }
            }
        }
        // The steps after every run has stopped: each run's frozen state.
        for k in (recorded + 1..=steps).filter(|_| record_steps) {
            stats.add_lanes(
                k as usize,
                count,
                &ws.capability,
                &ws.safety,
                (&ws.safety_effort, &[false; LANES]),
                &ws.paused,
                &ws.delayed,
                &ws.penalized,
                &ws.unnoticed,
                &frontier_lanes,
                &h,
                &[false; LANES],
            );
        }

        let total = lanes(total);
        for (l, mut record) in records.into_iter().enumerate().take(count) {
            if record_steps {
                stats.finish_lane(l, tails[l]);
            }
            record.cumulative_hazard = h[l];
            record.frontier = frontier_lanes[l];
            labs_out.extend((0..n).map(|i| LabRecord {
                capability: ws.capability[i][l],
                safety: ws.safety[i][l],
                resources: ws.resources[i][l],
                paused_steps: ws.paused_steps[i][l],
                delayed_steps: ws.delayed_steps[i][l],
                utility: utility(
                    &model.payoff,
                    h[l],
                    record.winner == Some(i as u32),
                    ws.capability[i][l],
                    total[l],
                ),
                unnoticed_steps: ws.tallies[l * n + i].unnoticed_steps,
                violating_steps: ws.tallies[l * n + i].oversight.violating_steps,
                times_caught: ws.tallies[l * n + i].oversight.times_caught,
                penalty_steps: ws.tallies[l * n + i].oversight.penalty_steps,
            }));
            runs_out.push(record);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Scenario;
    use crate::engine::Aggregate;
    use std::str::FromStr;

    /// Runs `runs` both ways: the records (as `Debug` text, which tells
    /// `-0.0` from `0.0`) and the statistics (as the aggregate's bytes).
    /// Without AVX2 both ways are one run at a time, and the comparison is
    /// empty: the tests say so.
    fn both_ways(s: &Scenario, runs: std::ops::Range<u64>) -> [(String, Vec<u8>); 2] {
        if !lanes_available() {
            eprintln!("no AVX2 here: the lanes are not tested on this machine");
        }
        let model = RaceModel::new(s);
        let streams = Streams::new(s.meta.seed);
        let way = |lanes: bool| {
            let mut stats = BlockStats::new(model.lab_count(), model.steps);
            let (mut records, mut labs) = (Vec::new(), Vec::new());
            let mut ws = LaneWorkspace::default();
            let simulate = if lanes {
                simulate_runs
            } else {
                simulate_runs_one_by_one
            };
            simulate(
                &model,
                &streams,
                runs.clone(),
                &mut ws,
                &mut stats,
                &mut records,
                &mut labs,
            );
            let mut aggregate = Aggregate::new(model.lab_count(), model.steps);
            aggregate.absorb(&stats, &records, &labs);
            (format!("{records:?}{labs:?}"), aggregate.to_bytes())
        };
        [way(true), way(false)]
    }

    #[test]
    fn lanes_give_the_bits_of_one_run_at_a_time_for_the_shipped_scenarios() {
        for shipped in crate::builtin::SHIPPED {
            let (name, s) = (shipped.name, crate::builtin::load(shipped.name).unwrap());
            // A last group of three lanes, and runs not from a group's start.
            for runs in [0..1027, 5..30] {
                let [lanes, one_by_one] = both_ways(&s, runs.clone());
                assert!(lanes.0 == one_by_one.0, "{name}: records differ");
                assert!(lanes.1 == one_by_one.1, "{name}: statistics differ");
                // Runs that record no step give the same records.
                let model = RaceModel::new(&s);
                let mut stats = BlockStats::summary(model.lab_count());
                let (mut records, mut labs) = (Vec::new(), Vec::new());
                simulate_runs(
                    &model,
                    &Streams::new(s.meta.seed),
                    runs,
                    &mut LaneWorkspace::default(),
                    &mut stats,
                    &mut records,
                    &mut labs,
                );
                assert!(
                    format!("{records:?}{labs:?}") == lanes.0,
                    "{name}: summary runs differ"
                );
            }
        }
    }

    #[test]
    fn lanes_give_the_bits_of_one_run_at_a_time_at_the_edges() {
        let labs = "[[labs]]\nname = \"A\"\ncapability = 1.0\nsafety = 1.0\ncapability_rate = 0.3\nsafety_rate = 0.1\n\
                    policy = [{ rule = \"unilateral_pause\", thresholds = [2.0, 3.5], required = [1.5, 3.0] }]\n\
                    [[labs]]\nname = \"B\"\ncapability = 1.2\nsafety = 0.5\ncapability_rate = 0.3\nsafety_rate = 0.05\n\
                    policy = [{ rule = \"match_competitors\", margin = 0.1, reference = \"leader\" }, \
                    { rule = \"delay_if_leading\", lead = 0.2, risk = 0.001, slowdown = 0.5 }]\n\
                    [[labs]]\nname = \"C\"\ncapability = 0.05\nsafety = 0.0\nresources = 0.5\ncapability_rate = 0.4\nsafety_rate = 0.0\n";
        for world in [
            // Powers other than 0.5 and 1, a win, disclosure every other step.
            "decisive_capability = 4.0\nreturns = 0.7\nfrontier_access = 0.0\nobservation.disclosure_every = 2\n",
            // No noise at all, no hazard, no end; resources that can run out.
            "capability_noise = 0.0\nhazard.base = 0.0\nmarket_feedback = 1.0\nresource_growth = -0.1\nobservation.capability_noise = 0.0\nobservation.safety_noise = 0.0\n",
            // A hazard whose exponent leaves exp's fast path (overflow to infinity).
            "hazard.capability_slope = 100.0\nhazard.gap_slope = 100.0\nhazard.danger = 0.0\nhazard.base = 0.5\nreturns = 1.0\nfrontier_access = 2.0\n",
            // A catastrophe in the first step, and a win in it too.
            "hazard.base = 1.0\nhazard.danger = 0.0\ndecisive_capability = 1.1\n",
        ] {
            let s = Scenario::from_str(&format!("[scenario]\nsteps = 25\n[world]\n{world}{labs}"))
                .unwrap();
            let [lanes, one_by_one] = both_ways(&s, 0..203);
            assert!(lanes.0 == one_by_one.0, "{world}: records differ");
            assert!(lanes.1 == one_by_one.1, "{world}: statistics differ");
        }
    }

    #[test]
    fn lanes_give_the_bits_of_one_run_at_a_time_with_the_extensions() {
        let labs = "[[labs]]\nname = \"A\"\ncapability = 1.0\nsafety = 1.0\ncapability_rate = 0.3\nsafety_rate = 0.1\n\
                    evaluation_noise = 0.4\nevaluation_bias = -0.3\nrisk_report_every = 3\n\
                    policy = [{ rule = \"conditional_pause\", thresholds = [2.0, 3.5], required = [1.5, 3.0], quorum = 1 }, \
                    { rule = \"safety_roadmap\", milestones = [[2, 1.2], [10, 2.5]], catch_up = 0.4 }]\n\
                    [[labs]]\nname = \"B\"\ncount = 2\ncapability = 1.2\nsafety = 0.5\ncapability_rate = 0.3\nsafety_rate = 0.05\n\
                    risk_noise = 0.8\n\
                    policy = [{ rule = \"match_competitors\", margin = 0.05, reference = \"max\", observe = \"commitment\" }, \
                    { rule = \"match_competitors\", reference = \"mean\" }, \
                    { rule = \"delay_if_leading\", lead = 0.0, risk = 0.0005, slowdown = 0.5 }, \
                    { rule = \"unilateral_pause\", thresholds = [3.0] }]\n\
                    [[labs]]\nname = \"C\"\ncapability = 0.8\nsafety = 0.0\ncapability_rate = 0.4\nsafety_rate = 0.0\n\
                    policy = [{ rule = \"conditional_pause\", thresholds = [2.5], quorum = 3 }]\n\
                    [[regulation]]\nname = \"national\"\nlabs = [\"A\", \"B\"]\nthresholds = [1.8, 2.6]\ncompliance = 0.6\naudit = 0.5\npenalty = 3\n\
                    [[regulation]]\nname = \"treaty\"\nlabs = [\"*\"]\nstart = 4\nthresholds = [2.2]\ncompliance = 0.3\naudit = 0.2\npenalty = 2\n";
        for world in [
            "decisive_capability = 4.0\nobservation.disclosure_every = 4\n",
            "observation.capability_noise = 0.0\nobservation.safety_noise = 0.0\n",
            "hazard.base = 0.05\ndecisive_capability = 3.0\n",
        ] {
            let s = Scenario::from_str(&format!("[scenario]\nsteps = 25\n[world]\n{world}{labs}"))
                .unwrap();
            assert!(RaceModel::new(&s).extended);
            let [lanes, one_by_one] = both_ways(&s, 0..203);
            assert!(lanes.0 == one_by_one.0, "{world}: records differ");
            assert!(lanes.1 == one_by_one.1, "{world}: statistics differ");
            for needle in [
                "violating_steps: 0",
                "penalty_steps: 0",
                "unnoticed_steps: 0",
            ] {
                let seen_nonzero =
                    lanes.0.matches(needle).count() < lanes.0.matches("utility").count();
                assert!(seen_nonzero, "{world}: every {needle}");
            }
        }
    }

    /// Sums each lab's safety effort per step over the steps a run plays:
    /// those it records one by one (step 0 aside), not its frozen tail.
    struct PlayedEffort(Vec<Vec<f64>>);

    impl crate::engine::StepRecorder for PlayedEffort {
        fn record(&mut self, step: u32, s: &crate::engine::StepState<'_>) {
            if step > 0 {
                for (sum, &e) in self.0[step as usize].iter_mut().zip(s.safety_effort) {
                    *sum += e;
                }
            }
        }
        fn record_frozen(
            &mut self,
            _: std::ops::RangeInclusive<u32>,
            _: &crate::engine::StepState<'_>,
        ) {
        }
    }

    /// The per-step safety effort, in lanes and one run at a time, is the
    /// sum over the runs that played the step, to the bit: won runs stop
    /// counting after their winning step, runs still racing go on.
    #[test]
    fn lanes_sum_the_safety_effort_of_the_steps_played() {
        let s = Scenario::from_str(
            "[scenario]\nsteps = 25\n[world]\ndecisive_capability = 3.0\n\
             [[labs]]\nname = \"A\"\ncapability = 1.0\nsafety = 1.0\ncapability_rate = 0.3\nsafety_rate = 0.1\n\
             policy = [{ rule = \"unilateral_pause\", thresholds = [2.0], required = [1.5] }]\n\
             [[labs]]\nname = \"B\"\ncapability = 1.2\nsafety = 0.5\ncapability_rate = 0.3\nsafety_rate = 0.05\n\
             policy = [{ rule = \"match_competitors\", margin = 0.1, reference = \"leader\" }]\n",
        )
        .unwrap();
        let model = RaceModel::new(&s);
        let streams = Streams::new(s.meta.seed);
        let runs = 0..203;
        let mut expected = PlayedEffort(vec![vec![0.0; 2]; 26]);
        let mut ws = crate::engine::Workspace::default();
        let mut labs = Vec::new();
        let mut win_steps = std::collections::BTreeSet::new();
        for run in runs.clone() {
            let r = crate::engine::simulate_run(
                &model,
                &streams,
                run,
                &mut ws,
                &mut expected,
                &mut labs,
            );
            win_steps.extend(r.win_step);
        }
        // Runs won at different steps: some stop counting while others go on.
        assert!(win_steps.len() >= 2, "{win_steps:?}");
        let [lanes, one_by_one] = both_ways(&s, runs.clone());
        assert!(lanes == one_by_one, "lanes and one by one differ");
        let mut stats = BlockStats::new(model.lab_count(), model.steps);
        let (mut records, mut labs) = (Vec::new(), Vec::new());
        simulate_runs(
            &model,
            &streams,
            runs,
            &mut LaneWorkspace::default(),
            &mut stats,
            &mut records,
            &mut labs,
        );
        let mut aggregate = Aggregate::new(model.lab_count(), model.steps);
        aggregate.absorb(&stats, &records, &labs);
        for (k, step) in aggregate.steps.iter().enumerate() {
            for (i, sum) in step.safety_effort.iter().enumerate() {
                let mut want = crate::stats::ValueSum::default();
                want.add(expected.0[k][i]);
                assert_eq!(*sum, want, "step {k}, lab {i}");
            }
        }
        // Fewer runs, but some, play the step after the first win.
        let first_win = *win_steps.first().unwrap() as usize;
        let racing = aggregate.steps[first_win].racing;
        assert!(racing > 0 && racing < 203, "{racing}");
        assert!(expected.0[first_win + 1][0] > 0.0);
    }

    #[test]
    fn lanes_break_ties_as_one_run_at_a_time_does() {
        // Two equal labs without noise reach the decisive capability
        // together: the first wins.
        let s = Scenario::from_str(
            "[scenario]\nsteps = 30\n[world]\ncapability_noise = 0.0\ndecisive_capability = 2.0\n\
             [[labs]]\nname = \"A\"\ncount = 2\ncapability = 1.0\nsafety = 1.0\ncapability_rate = 0.1\nsafety_rate = 0.1\n",
        )
        .unwrap();
        let [lanes, one_by_one] = both_ways(&s, 0..6);
        assert!(one_by_one.0.contains("winner: Some(0)"));
        assert_eq!(lanes, one_by_one);
    }

    #[test]
    fn a_model_of_one_step_and_one_lab_runs_in_lanes_too() {
        let s = Scenario::from_str(
            "[scenario]\nsteps = 1\n[[labs]]\nname = \"A\"\ncapability = 1.0\nsafety = 1.0\ncapability_rate = 0.1\nsafety_rate = 0.1\n",
        )
        .unwrap();
        let [lanes, one_by_one] = both_ways(&s, 0..9);
        assert_eq!(lanes, one_by_one);
    }
}
