//! The empirical game on the race model: every strategy profile simulated
//! with common random numbers, each strategy's expected payoff `U_i`
//! (docs/model.md, Payoffs) estimated with its standard error.
//!
//! Every profile is run on the same run indices with the same master seed,
//! so run `k` of every profile sees the same growth and fate numbers: the
//! profiles differ by policy, not by noise, and payoff differences (the
//! deviation gains that decide equilibria) are estimated from paired runs,
//! with far smaller errors than independent runs would give.
//!
//! In a symmetric game the payoff of a strategy in a profile is, in each
//! run, the average utility of the seats that play it; its standard error
//! comes from these per-run averages, so the correlation between seats of
//! one run is accounted for exactly. Seats are assigned in strategy order
//! (the first strategy's players take the first seats); identical labs make
//! the seats exchangeable, except that a tie for the lead goes to the lower
//! seat, which has probability zero while capability growth is noisy.

use super::game_file::Game;
use super::table::{PayoffEstimate, SeatTable, SymmetricTable};
use crate::engine::{
    BlockFold, BlockStats, Control, LabRecord, LaneWorkspace, RaceModel, RunRecord, Streams,
    fold_blocks, simulate_runs,
};
use crate::model::hazard::catastrophe_probability;

/// Runs per unit of parallel work; fixed, so sums (added block by block in
/// run order) are the same bits for any thread count.
const BLOCK: u64 = 256;

/// The estimated payoff table of a game.
#[derive(Debug, Clone, PartialEq)]
pub enum PayoffTable {
    Symmetric(SymmetricTable),
    Seats(SeatTable),
}

/// What the simulation of every profile estimated.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimates {
    pub table: PayoffTable,
    /// Expected probability of catastrophe `1 - exp(-H)` in each profile.
    pub catastrophe: Vec<PayoffEstimate>,
    /// Runs asked for: every profile has at least these.
    pub runs: u64,
    pub seed: u64,
    /// Runs of each profile (more than `runs` where runs were added).
    pub profile_runs: Vec<u64>,
    /// Runs of each deviation's paired gain, keyed `(profile, from, to)`
    /// (symmetric) or `(profile, seat, to)`.
    pub deviation_runs: std::collections::BTreeMap<(usize, usize, usize), u64>,
    /// Rounds of added runs.
    pub rounds: u32,
}

/// One payoff being estimated: a strategy (symmetric) or seat (seat game)
/// of a profile, and the seats whose utilities it averages.
#[derive(Debug, Clone)]
struct Slot {
    profile: usize,
    /// Strategy or seat index.
    key: usize,
    seats: Vec<usize>,
}

/// What a game needs simulated: one model per profile, the payoff slots and
/// the deviations whose gains are estimated from paired runs.
struct Plan {
    models: Vec<RaceModel>,
    slots: Vec<Slot>,
    /// `(from slot, to slot)` of each unilateral deviation.
    deviations: Vec<(usize, usize)>,
    /// `(profile, from, to)` (symmetric) or `(profile, seat, to)` of each.
    deviation_keys: Vec<(usize, usize, usize)>,
    /// `(profile, target profile)` of each.
    deviation_profiles: Vec<(usize, usize)>,
    table: PayoffTable,
}

/// Pairs of strategies with the same policy under different names.
fn identical_pairs(game: &Game) -> Vec<(usize, usize)> {
    let s = &game.strategies;
    (0..s.len())
        .flat_map(|a| ((a + 1)..s.len()).map(move |b| (a, b)))
        .filter(|&(a, b)| s[a].policy == s[b].policy)
        .collect()
}

/// The models, slots and deviations of a game. A symmetric game has a slot
/// per strategy played in a profile (averaging the seats that play it) and
/// deviations from a strategy to another; a seat game has a slot per seat
/// and deviations of a seat to another strategy.
fn plan(game: &Game) -> Plan {
    let names: Vec<String> = game.strategies.iter().map(|s| s.name.clone()).collect();
    let n = game.players();
    let m = names.len();
    // Per profile: the strategy of each seat, and each slot's key and seats.
    type Slots = Vec<(usize, Vec<usize>)>;
    let (table, seat_strategies, profile_slots): (PayoffTable, Vec<Vec<usize>>, Vec<Slots>) =
        if game.symmetric {
            let mut table = SymmetricTable::new(names, n);
            for (a, b) in identical_pairs(game) {
                table.deviations.mark_identical(a, b);
            }
            let seats: Vec<Vec<usize>> = table
                .profiles()
                .iter()
                .map(|counts| {
                    counts
                        .iter()
                        .enumerate()
                        .flat_map(|(s, &c)| std::iter::repeat_n(s, c))
                        .collect()
                })
                .collect();
            let slots = seats
                .iter()
                .zip(table.profiles())
                .map(|(seats, counts)| {
                    (0..m)
                        .filter(|&s| counts[s] > 0)
                        .map(|s| (s, (0..n).filter(|&i| seats[i] == s).collect()))
                        .collect()
                })
                .collect();
            (PayoffTable::Symmetric(table), seats, slots)
        } else {
            let seat_names = game.scenario.labs.iter().map(|l| l.name.clone()).collect();
            let mut table = SeatTable::new(names, seat_names);
            for (a, b) in identical_pairs(game) {
                table.deviations.mark_identical(a, b);
            }
            let seats = table.profiles().to_vec();
            let slots = seats
                .iter()
                .map(|_| (0..n).map(|seat| (seat, vec![seat])).collect())
                .collect();
            (PayoffTable::Seats(table), seats, slots)
        };
    let models = seat_strategies
        .iter()
        .map(|strategies| {
            let mut scenario = game.scenario.clone();
            for (lab, &s) in scenario.labs.iter_mut().zip(strategies) {
                lab.policy = game.strategies[s].policy.clone();
            }
            RaceModel::new(&scenario)
        })
        .collect();
    let mut slots = Vec::new();
    let mut slot_of = std::collections::BTreeMap::new();
    for (p, keys) in profile_slots.iter().enumerate() {
        for (key, seats) in keys {
            slot_of.insert((p, *key), slots.len());
            slots.push(Slot {
                profile: p,
                key: *key,
                seats: seats.clone(),
            });
        }
    }
    // `(target profile, its slot's key)` of a deviation of `key` in `p` to `to`.
    let target = |p: usize, key: usize, to: usize| match &table {
        PayoffTable::Symmetric(t) => t.deviation_target(p, key, to).map(|t| (t, to)),
        PayoffTable::Seats(t) => t.deviation_target(p, key, to).map(|t| (t, key)),
    };
    let mut deviations = Vec::new();
    let mut deviation_keys = Vec::new();
    let mut deviation_profiles = Vec::new();
    for (p, keys) in profile_slots.iter().enumerate() {
        for &(key, _) in keys {
            for to in 0..m {
                if let Some((target, target_key)) = target(p, key, to) {
                    deviations.push((slot_of[&(p, key)], slot_of[&(target, target_key)]));
                    deviation_keys.push((p, key, to));
                    deviation_profiles.push((p, target));
                }
            }
        }
    }
    Plan {
        models,
        slots,
        deviations,
        deviation_keys,
        deviation_profiles,
        table,
    }
}

/// Sums over runs of payoffs, squared payoffs, deviation gains and
/// catastrophe probabilities, with the runs each was summed over (a
/// profile's runs; a deviation's runs are those of both its profiles).
#[derive(Debug, Clone)]
struct Sums {
    profile_runs: Vec<u64>,
    deviation_runs: Vec<u64>,
    payoff: Vec<(f64, f64)>,
    gain: Vec<(f64, f64)>,
    catastrophe: Vec<(f64, f64)>,
}

impl Sums {
    fn new(plan: &Plan) -> Self {
        Sums {
            profile_runs: vec![0; plan.models.len()],
            deviation_runs: vec![0; plan.deviations.len()],
            payoff: vec![(0.0, 0.0); plan.slots.len()],
            gain: vec![(0.0, 0.0); plan.deviations.len()],
            catastrophe: vec![(0.0, 0.0); plan.models.len()],
        }
    }

    fn add(&mut self, other: &Sums) {
        for (a, b) in [
            (&mut self.profile_runs, &other.profile_runs),
            (&mut self.deviation_runs, &other.deviation_runs),
        ] {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        let pairs = [
            (&mut self.payoff, &other.payoff),
            (&mut self.gain, &other.gain),
            (&mut self.catastrophe, &other.catastrophe),
        ];
        for (a, b) in pairs {
            for (x, y) in a.iter_mut().zip(b) {
                x.0 += y.0;
                x.1 += y.1;
            }
        }
    }
}

/// Simulates runs `range` of the `active` profiles (in lanes where the
/// processor has them), then adds them up run by run, in run order; a
/// deviation's gain is added when both its profiles are active.
fn simulate_block(
    plan: &Plan,
    streams: &Streams,
    range: std::ops::Range<u64>,
    active: &[bool],
) -> Sums {
    let mut sums = Sums::new(plan);
    let mut ws = LaneWorkspace::default();
    let profiles: Vec<Option<(Vec<RunRecord>, Vec<LabRecord>)>> = plan
        .models
        .iter()
        .zip(active)
        .map(|(model, &on)| {
            if !on {
                return None;
            }
            let (mut records, mut labs) = (Vec::new(), Vec::new());
            let mut stats = BlockStats::summary(model.lab_count());
            simulate_runs(
                model,
                streams,
                range.clone(),
                &mut ws,
                &mut stats,
                &mut records,
                &mut labs,
            );
            Some((records, labs))
        })
        .collect();
    let runs = range.end - range.start;
    let mut values = vec![0.0; plan.slots.len()];
    for k in 0..runs as usize {
        for (p, profile) in profiles.iter().enumerate() {
            if let Some((records, _)) = profile {
                let q = catastrophe_probability(records[k].cumulative_hazard);
                sums.catastrophe[p].0 += q;
                sums.catastrophe[p].1 += q * q;
            }
        }
        for ((v, s), slot) in values.iter_mut().zip(&mut sums.payoff).zip(&plan.slots) {
            if let Some((_, labs)) = &profiles[slot.profile] {
                let n = plan.models[slot.profile].lab_count();
                let u = &labs[k * n..(k + 1) * n];
                *v =
                    slot.seats.iter().map(|&i| u[i].utility).sum::<f64>() / slot.seats.len() as f64;
                s.0 += *v;
                s.1 += *v * *v;
            }
        }
        for ((s, &(a, b)), &(p, q)) in sums
            .gain
            .iter_mut()
            .zip(&plan.deviations)
            .zip(&plan.deviation_profiles)
        {
            if active[p] && active[q] {
                let d = values[b] - values[a];
                s.0 += d;
                s.1 += d * d;
            }
        }
    }
    for (r, &on) in sums.profile_runs.iter_mut().zip(active) {
        *r = if on { runs } else { 0 };
    }
    for (r, &(p, q)) in sums.deviation_runs.iter_mut().zip(&plan.deviation_profiles) {
        *r = if active[p] && active[q] { runs } else { 0 };
    }
    sums
}

/// Mean and standard error from a sum and a sum of squares over `n`.
fn estimate((sum, sum_sq): (f64, f64), n: u64) -> PayoffEstimate {
    PayoffEstimate::from_sums(sum, sum_sq, n as f64)
}

/// Adding runs to the profiles whose verdicts are undecided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Adaptive {
    /// Off: every profile gets the same runs and nothing is added.
    pub enabled: bool,
    /// The most runs any profile gets.
    pub max_runs: u64,
}

impl Adaptive {
    /// No runs added.
    pub const OFF: Adaptive = Adaptive {
        enabled: false,
        max_runs: 0,
    };

    /// The default cap: 16 times the runs asked for.
    pub fn default_for(runs: u64) -> Adaptive {
        Adaptive {
            enabled: true,
            max_runs: runs.saturating_mul(16),
        }
    }
}

/// The game's simulation as an engine fold: each block of runs simulated
/// for the `active` profiles ([`simulate_block`]), the blocks' sums added
/// to `total` in run order.
struct GameFold<'a> {
    plan: &'a Plan,
    streams: &'a Streams,
    active: &'a [bool],
    total: &'a mut Sums,
}

impl BlockFold for GameFold<'_> {
    type Block = Sums;
    type Error = std::convert::Infallible;

    fn simulate(&self, runs: std::ops::Range<u64>) -> Sums {
        simulate_block(self.plan, self.streams, runs, self.active)
    }

    fn absorb(&mut self, block: Sums) -> Result<(), Self::Error> {
        self.total.add(&block);
        Ok(())
    }
}

/// Simulates runs `start..end` of the `active` profiles in blocks of
/// [`BLOCK`] runs, adding them to `total` in run order, and reporting the
/// runs done to `control` if `report`. `Err` if cancelled.
fn simulate_range(
    plan: &Plan,
    streams: &Streams,
    (start, end): (u64, u64),
    active: &[bool],
    total: &mut Sums,
    control: &Control<'_>,
    report: bool,
) -> Result<(), ()> {
    let quiet = Control {
        progress: &|_| {},
        cancel: control.cancel,
    };
    let mut fold = GameFold {
        plan,
        streams,
        active,
        total,
    };
    fold_blocks(
        &mut fold,
        start..end,
        BLOCK,
        if report { control } else { &quiet },
    )
    .map_err(|_| ())
}

/// Simulates `runs` runs of every profile of `game` with master seed `seed`
/// in the current rayon pool, reporting the runs done to `control` and
/// checking its cancel flag between waves of blocks (a fraction of a
/// second apart); when it is set, returns `Err` with the runs completed.
pub fn estimate_payoffs(
    game: &Game,
    runs: u64,
    seed: u64,
    control: &Control<'_>,
) -> Result<Estimates, u64> {
    estimate_adaptive(game, runs, seed, Adaptive::OFF, control)
}

/// [`estimate_payoffs`], then, if `adaptive` is on, rounds of added runs:
/// while some deviation's verdict is undecided (see [`super::nash`]) and the
/// runs are below the cap, the profiles of the undecided deviations (both
/// ends of each) get as many new runs as have been done so far (run
/// indices `R..min(2R, cap)`, the same for every profile of the round, so
/// that gains stay paired and the result is one function of the seed).
pub fn estimate_adaptive(
    game: &Game,
    runs: u64,
    seed: u64,
    adaptive: Adaptive,
    control: &Control<'_>,
) -> Result<Estimates, u64> {
    let plan = plan(game);
    let streams = Streams::new(seed);
    let mut total = Sums::new(&plan);
    let everyone = vec![true; plan.models.len()];
    let base = runs;
    simulate_range(
        &plan,
        &streams,
        (0, runs),
        &everyone,
        &mut total,
        control,
        true,
    )
    .map_err(|_| total.profile_runs[0])?;
    let mut done = runs;
    let mut rounds = 0;
    loop {
        let estimates = finish(&plan, &total, base, seed, rounds);
        if !adaptive.enabled || done >= adaptive.max_runs {
            return Ok(estimates);
        }
        let active = estimates.undecided_profiles();
        if !active.iter().any(|&a| a) {
            return Ok(estimates);
        }
        let end = done.saturating_mul(2).min(adaptive.max_runs);
        simulate_range(
            &plan,
            &streams,
            (done, end),
            &active,
            &mut total,
            control,
            false,
        )
        .map_err(|_| base)?;
        done = end;
        rounds += 1;
    }
}

/// The estimates from the sums.
fn finish(plan: &Plan, total: &Sums, runs: u64, seed: u64, rounds: u32) -> Estimates {
    let mut table = plan.table.clone();
    for (slot, &sums) in plan.slots.iter().zip(&total.payoff) {
        let payoff = estimate(sums, total.profile_runs[slot.profile]);
        match &mut table {
            PayoffTable::Symmetric(t) => t.set(slot.profile, slot.key, payoff),
            PayoffTable::Seats(t) => t.set(slot.profile, slot.key, payoff),
        }
    }
    let mut deviation_runs = std::collections::BTreeMap::new();
    for ((&(p, a, b), &sums), &n) in plan
        .deviation_keys
        .iter()
        .zip(&total.gain)
        .zip(&total.deviation_runs)
    {
        let gain = estimate(sums, n);
        deviation_runs.insert((p, a, b), n);
        match &mut table {
            PayoffTable::Symmetric(t) => t.deviations.set_gain(p, a, b, gain),
            PayoffTable::Seats(t) => t.deviations.set_gain(p, a, b, gain),
        }
    }
    Estimates {
        table,
        catastrophe: total
            .catastrophe
            .iter()
            .zip(&total.profile_runs)
            .map(|(&s, &n)| estimate(s, n))
            .collect(),
        runs,
        seed,
        profile_runs: total.profile_runs.clone(),
        deviation_runs,
        rounds,
    }
}

impl Estimates {
    /// The profiles at either end of a deviation whose verdict is
    /// undecided, as a flag per profile.
    pub fn undecided_profiles(&self) -> Vec<bool> {
        let checks = match &self.table {
            PayoffTable::Symmetric(t) => super::nash::check_symmetric(t),
            PayoffTable::Seats(t) => super::nash::check_seats(t),
        };
        let mut active = vec![false; self.catastrophe.len()];
        for c in &checks {
            for d in &c.deviations {
                if d.verdict == super::nash::Verdict::Undecided {
                    active[c.profile] = true;
                    active[d.target] = true;
                }
            }
        }
        active
    }

    /// The most runs any profile got.
    pub fn max_runs(&self) -> u64 {
        self.profile_runs.iter().copied().max().unwrap_or(self.runs)
    }

    /// The runs of a deviation's paired gain, keyed as the table's gains.
    pub fn deviation_runs(&self, profile: usize, deviator: usize, to: usize) -> u64 {
        self.deviation_runs
            .get(&(profile, deviator, to))
            .copied()
            .unwrap_or(self.runs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::table::Deviating;

    /// Estimates without progress or cancellation.
    fn payoffs_of(game: &Game, runs: u64, seed: u64) -> Estimates {
        let cancel = std::sync::atomic::AtomicBool::new(false);
        let control = Control {
            progress: &|_| {},
            cancel: &cancel,
        };
        estimate_payoffs(game, runs, seed, &control).unwrap()
    }

    fn game(text_labs: &str, runs: u64) -> Game {
        let text = format!(
            "[scenario]\nname = \"t\"\nruns = {runs}\nsteps = 40\n[world]\ndecisive_capability = 3.0\n\
             {text_labs}\n[game]\n\
             [[game.strategies]]\nname = \"race\"\npolicy = [{{ rule = \"race\" }}]\n\
             [[game.strategies]]\nname = \"pause\"\npolicy = [{{ rule = \"unilateral_pause\", thresholds = [2.0] }}]\n"
        );
        Game::from_str_named(&text, "t.toml", "t").unwrap()
    }

    const LAB: &str = "[[labs]]\nname = \"Lab\"\ncount = 2\ncapability = 1.0\nsafety = 1.0\n\
                       capability_rate = 0.1\nsafety_rate = 0.05\n";

    #[test]
    fn a_monomorphic_profile_is_the_scenario_run_alone() {
        let g = game(LAB, 300);
        let e = payoffs_of(&g, 300, 4);
        let PayoffTable::Symmetric(t) = &e.table else {
            panic!("identical labs make a symmetric game")
        };
        assert!(t.is_complete());
        // All-race is the scenario with both labs racing: its engine run
        // gives the same mean utility (averaged over the two labs).
        let mut scenario = g.scenario.clone();
        for lab in &mut scenario.labs {
            lab.policy = vec![crate::policy::Rule::Race];
        }
        let agg = crate::engine::simulate(
            &RaceModel::new(&scenario),
            4,
            300,
            &mut crate::engine::NoSink,
            &crate::engine::Control {
                progress: &|_| {},
                cancel: &std::sync::atomic::AtomicBool::new(false),
            },
        )
        .unwrap();
        let engine_mean =
            (agg.labs[0].utility.value() + agg.labs[1].utility.value()) / (2.0 * 300.0);
        let all_race = t.payoff(t.monomorphic(0), 0).unwrap();
        assert!(
            (all_race.mean - engine_mean).abs() < 1e-9,
            "{all_race:?} vs {engine_mean}"
        );
        assert!(all_race.se > 0.0);
        let p = agg.p.value() / 300.0;
        assert!((e.catastrophe[t.monomorphic(0)].mean - p).abs() < 1e-9);
    }

    #[test]
    fn results_do_not_depend_on_the_thread_count() {
        let g = game(LAB, 600);
        let run = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| payoffs_of(&g, 600, 9))
        };
        assert_eq!(run(1), run(3));
    }

    #[test]
    fn paired_gains_are_more_precise_than_independent_ones() {
        let g = game(LAB, 400);
        let e = payoffs_of(&g, 400, 2);
        let PayoffTable::Symmetric(t) = &e.table else {
            unreachable!()
        };
        let p = t.monomorphic(0);
        let paired = t.gain(p, 0, 1).unwrap();
        let target = t.deviation_target(p, 0, 1).unwrap();
        let independent = t
            .payoff(p, 0)
            .unwrap()
            .se
            .hypot(t.payoff(target, 1).unwrap().se);
        assert!(paired.se < independent, "{paired:?} vs {independent}");
    }

    #[test]
    fn labs_that_differ_give_a_payoff_per_seat() {
        let labs = "[[labs]]\nname = \"A\"\ncapability = 1.2\nsafety = 1.0\ncapability_rate = 0.1\nsafety_rate = 0.05\n\
                    [[labs]]\nname = \"B\"\ncapability = 1.0\nsafety = 1.0\ncapability_rate = 0.1\nsafety_rate = 0.05\n";
        let g = game(labs, 200);
        let e = payoffs_of(&g, 200, 1);
        let PayoffTable::Seats(t) = &e.table else {
            panic!("labs that differ make a seat game")
        };
        assert_eq!(t.profiles().len(), 4);
        for p in 0..4 {
            assert!(t.payoff(p, 0).is_some() && t.payoff(p, 1).is_some());
        }
        // The lab that starts ahead does better when both race.
        assert!(t.payoff(0, 0).unwrap().mean > t.payoff(0, 1).unwrap().mean);
    }
}
