//! The empirical game on the race model: every strategy profile simulated
//! with common random numbers, each strategy's expected payoff `U_i`
//! (DESIGN.md, Payoffs) estimated with its standard error.
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
use super::table::{Payoff, SeatTable, SymmetricTable};
use crate::engine::{
    BlockStats, Control, LabRecord, LaneWorkspace, RaceModel, RunRecord, Streams, simulate_runs,
};
use crate::model::hazard::catastrophe_probability;
use rayon::prelude::*;
use std::sync::atomic::Ordering;

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
    pub catastrophe: Vec<Payoff>,
    pub runs: u64,
    pub seed: u64,
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
    table: PayoffTable,
}

fn plan(game: &Game) -> Plan {
    let names: Vec<String> = game.strategies.iter().map(|s| s.name.clone()).collect();
    let n = game.players();
    let m = names.len();
    let model = |seat_strategies: &[usize]| {
        let mut scenario = game.scenario.clone();
        for (lab, &s) in scenario.labs.iter_mut().zip(seat_strategies) {
            lab.policy = game.strategies[s].policy.clone();
        }
        RaceModel::new(&scenario)
    };
    let mut slots = Vec::new();
    let mut slot_of = std::collections::BTreeMap::new();
    let mut deviations = Vec::new();
    let mut deviation_keys = Vec::new();
    if game.symmetric {
        let table = SymmetricTable::new(names, n);
        let mut models = Vec::new();
        for (p, counts) in table.profiles().iter().enumerate() {
            let seats: Vec<usize> = counts
                .iter()
                .enumerate()
                .flat_map(|(s, &c)| std::iter::repeat_n(s, c))
                .collect();
            models.push(model(&seats));
            for s in (0..m).filter(|&s| counts[s] > 0) {
                slot_of.insert((p, s), slots.len());
                slots.push(Slot {
                    profile: p,
                    key: s,
                    seats: (0..n).filter(|&i| seats[i] == s).collect(),
                });
            }
        }
        for p in 0..table.profiles().len() {
            for from in 0..m {
                for to in (0..m).filter(|&t| t != from) {
                    if let Some(target) = table.deviation_target(p, from, to) {
                        deviations.push((slot_of[&(p, from)], slot_of[&(target, to)]));
                        deviation_keys.push((p, from, to));
                    }
                }
            }
        }
        Plan {
            models,
            slots,
            deviations,
            deviation_keys,
            table: PayoffTable::Symmetric(table),
        }
    } else {
        let seat_names = game.scenario.labs.iter().map(|l| l.name.clone()).collect();
        let table = SeatTable::new(names, seat_names);
        let mut models = Vec::new();
        for (p, profile) in table.profiles().iter().enumerate() {
            models.push(model(profile));
            for seat in 0..n {
                slot_of.insert((p, seat), slots.len());
                slots.push(Slot {
                    profile: p,
                    key: seat,
                    seats: vec![seat],
                });
            }
        }
        for p in 0..table.profiles().len() {
            for seat in 0..n {
                for to in 0..m {
                    if let Some(target) = table.deviation_target(p, seat, to) {
                        deviations.push((slot_of[&(p, seat)], slot_of[&(target, seat)]));
                        deviation_keys.push((p, seat, to));
                    }
                }
            }
        }
        Plan {
            models,
            slots,
            deviations,
            deviation_keys,
            table: PayoffTable::Seats(table),
        }
    }
}

/// Sums over runs of payoffs, squared payoffs, deviation gains and
/// catastrophe probabilities.
#[derive(Debug, Clone)]
struct Sums {
    runs: u64,
    payoff: Vec<(f64, f64)>,
    gain: Vec<(f64, f64)>,
    catastrophe: Vec<(f64, f64)>,
}

impl Sums {
    fn new(plan: &Plan) -> Self {
        Sums {
            runs: 0,
            payoff: vec![(0.0, 0.0); plan.slots.len()],
            gain: vec![(0.0, 0.0); plan.deviations.len()],
            catastrophe: vec![(0.0, 0.0); plan.models.len()],
        }
    }

    fn add(&mut self, other: &Sums) {
        self.runs += other.runs;
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

/// Simulates runs `range` of every profile (in lanes where the processor
/// has them), then adds them up run by run, in run order.
fn simulate_block(plan: &Plan, streams: &Streams, range: std::ops::Range<u64>) -> Sums {
    let mut sums = Sums::new(plan);
    let mut ws = LaneWorkspace::default();
    let profiles: Vec<(Vec<RunRecord>, Vec<LabRecord>)> = plan
        .models
        .iter()
        .map(|model| {
            let (mut records, mut labs) = (Vec::new(), Vec::new());
            let mut stats = BlockStats::summary(model.lab_count());
            let runs = range.clone();
            simulate_runs(
                model,
                streams,
                runs,
                &mut ws,
                &mut stats,
                &mut records,
                &mut labs,
            );
            (records, labs)
        })
        .collect();
    let mut values = vec![0.0; plan.slots.len()];
    for k in 0..(range.end - range.start) as usize {
        for (p, (records, _)) in profiles.iter().enumerate() {
            let q = catastrophe_probability(records[k].cumulative_hazard);
            sums.catastrophe[p].0 += q;
            sums.catastrophe[p].1 += q * q;
        }
        for (v, slot) in values.iter_mut().zip(&plan.slots) {
            let n = plan.models[slot.profile].lab_count();
            let u = &profiles[slot.profile].1[k * n..(k + 1) * n];
            *v = slot.seats.iter().map(|&i| u[i].utility).sum::<f64>() / slot.seats.len() as f64;
        }
        for (s, &v) in sums.payoff.iter_mut().zip(&values) {
            s.0 += v;
            s.1 += v * v;
        }
        for (s, &(a, b)) in sums.gain.iter_mut().zip(&plan.deviations) {
            let d = values[b] - values[a];
            s.0 += d;
            s.1 += d * d;
        }
        sums.runs += 1;
    }
    sums
}

/// Mean and standard error from a sum and a sum of squares over `n`.
fn estimate((sum, sum_sq): (f64, f64), n: u64) -> Payoff {
    let n_f = n as f64;
    let mean = sum / n_f;
    let var = if n > 1 {
        ((sum_sq - n_f * mean * mean) / (n_f - 1.0)).max(0.0)
    } else {
        0.0
    };
    Payoff {
        mean,
        se: (var / n_f).sqrt(),
    }
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
    let plan = plan(game);
    let streams = Streams::new(seed);
    let blocks = runs.div_ceil(BLOCK);
    let wave = crate::engine::wave_blocks(rayon::current_num_threads());
    let mut total = Sums::new(&plan);
    let mut next = 0;
    while next < blocks {
        if control.cancel.load(Ordering::Relaxed) {
            return Err(total.runs);
        }
        let end = (next + wave).min(blocks);
        let done: Vec<Sums> = (next..end)
            .into_par_iter()
            .map(|b| simulate_block(&plan, &streams, b * BLOCK..((b + 1) * BLOCK).min(runs)))
            .collect();
        for s in &done {
            total.add(s);
        }
        (control.progress)(total.runs);
        next = end;
    }
    let mut table = plan.table;
    for (slot, &sums) in plan.slots.iter().zip(&total.payoff) {
        let payoff = estimate(sums, total.runs);
        match &mut table {
            PayoffTable::Symmetric(t) => t.set(slot.profile, slot.key, payoff),
            PayoffTable::Seats(t) => t.set(slot.profile, slot.key, payoff),
        }
    }
    for (&(p, a, b), &sums) in plan.deviation_keys.iter().zip(&total.gain) {
        let se = estimate(sums, total.runs).se;
        match &mut table {
            PayoffTable::Symmetric(t) => t.set_gain_se(p, a, b, se),
            PayoffTable::Seats(t) => t.set_gain_se(p, a, b, se),
        }
    }
    Ok(Estimates {
        table,
        catastrophe: total
            .catastrophe
            .iter()
            .map(|&s| estimate(s, total.runs))
            .collect(),
        runs: total.runs,
        seed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
