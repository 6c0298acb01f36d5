//! Throughput of the engine in nominal lab-steps (runs x steps x labs) per
//! second, set against the bare cost of the random numbers it draws.
//!
//! Run with `cargo bench --bench engine` (`AIRACE_BENCH_CASES=rsp-2026,all-mechanics`
//! for some of the scenarios only). For each scenario it measures
//!
//! - `sim/<scenario>/<k>t`: [`engine::simulate`] as `airace run` calls it
//!   (with the per-step statistics, without writing rows), on 1 thread and
//!   on every core;
//! - `summary/<scenario>/<k>t`: [`engine::simulate_summary`] as a sweep
//!   calls it for each point (the totals a summary reads, no per-step
//!   statistics);
//! - `draws/<scenario>/<k>t`: the bare draws of the same runs: for every run
//!   its three streams cut from the keyed generator exactly as the engine
//!   cuts them (ChaCha8 clone + `set_stream`), the one fate uniform, one
//!   standard normal per lab and racing step (growth) and two per observing
//!   lab, rival and racing step that is not a disclosure step (observation),
//!   drawn with the engine's own normal sampler and summed. "Racing steps"
//!   are those up to the win: the counts come from the simulated runs, so
//!   the draws are exactly those the simulator makes, no more (for
//!   `all-mechanics`, less: the extensions' own draws, an evaluation and a
//!   risk normal per lab-step and the regulation's uniforms, are left out).
//!
//! and then prints a table of them, in nominal lab-steps per second of the
//! scenario, and the ratios (simulator time / bare-draw time); and the
//! ratios once more from single-thread runs of the three taken in turn (the
//! median of the ratios within rounds), which a busy machine disturbs least.

use airace::Scenario;
use airace::builtin;
use airace::engine::{self, BLOCK_RUNS, Control, NoSink, Purpose, RaceModel, Streams};
use criterion::{Criterion, SamplingMode, Throughput};
use rand::RngExt;
use rayon::prelude::*;
use std::hint::black_box;
use std::sync::Mutex;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

const SEED: u64 = 1;

/// One benchmarked scenario and the draws its runs make.
struct Case {
    name: &'static str,
    model: RaceModel,
    runs: u64,
    /// Nominal lab-steps of `runs` runs: runs x steps x labs.
    lab_steps: u64,
    /// Per run: growth normals and observation normals the engine draws.
    draws: Vec<(u32, u32)>,
}

/// rsp-2026 with every mechanic of the extensions on (fuzzy evaluations,
/// risk noise, risk reports, commitment matching, a conditional pause in
/// force, a roadmap and a regulation with audits): the speed bar of the
/// newer mechanics is its throughput against rsp-2026's.
const ALL_MECHANICS: &str = include_str!("all-mechanics.toml");

fn shipped(name: &str) -> String {
    builtin::shipped(name)
        .expect("shipped scenario")
        .text
        .to_string()
}

/// rsp-2026 with its three labs expanded to ten (2 + 4 + 4), every lab on
/// the 2026 policy, so each observes nine rivals.
fn ten_labs() -> String {
    let text = shipped("rsp-2026")
        .replace("name = \"rsp-2026\"", "name = \"ten-labs\"")
        .replace("name = \"Frontier\"\n", "name = \"Frontier\"\ncount = 2\n")
        .replace(
            "name = \"Challenger\"\n",
            "name = \"Challenger\"\ncount = 4\n",
        )
        .replace("name = \"Upstart\"\n", "name = \"Upstart\"\ncount = 4\n");
    assert_eq!(text.matches("count = ").count(), 3);
    text
}

impl Case {
    fn new(name: &'static str, text: &str, runs: u64) -> Case {
        let s = Scenario::from_str_named(text, name, name).expect("valid scenario");
        let n = s.labs.len();
        assert!(name != "ten-labs" || n == 10);
        let model = RaceModel::new(&s);
        let observers = if n > 1 {
            s.labs
                .iter()
                .filter(|l| l.policy.iter().any(|r| r.reads_observations()))
                .count()
        } else {
            0
        };
        let streams = Streams::new(SEED);
        let (block, _) = engine::simulate_block(&model, &streams, 0..runs);
        let draws = block
            .runs
            .iter()
            .map(|r| {
                let racing = r.win_step.unwrap_or(s.meta.steps);
                let noisy = (0..racing)
                    .filter(|&t| !s.world.observation.is_exact(t))
                    .count();
                let growth = racing as usize * n;
                let observation = noisy * observers * (n - 1) * 2;
                (growth as u32, observation as u32)
            })
            .collect();
        Case {
            name,
            model,
            runs,
            lab_steps: runs * u64::from(s.meta.steps) * n as u64,
            draws,
        }
    }

    /// The simulator with every per-step statistic (`summary` false), or
    /// with the summary's totals only.
    fn simulate(&self, summary: bool) -> Option<engine::Aggregate> {
        let cancel = AtomicBool::new(false);
        let control = Control {
            progress: &|_| {},
            cancel: &cancel,
        };
        let simulate = if summary {
            engine::simulate_summary
        } else {
            engine::simulate
        };
        simulate(&self.model, SEED, self.runs, &mut NoSink, &control).ok()
    }

    /// The bare draws of runs `first..`, `counts` per run.
    fn draw(streams: &Streams, first: u64, counts: &[(u32, u32)]) -> f64 {
        let mut acc = 0.0;
        for (k, &(growth, observation)) in counts.iter().enumerate() {
            let run = first + k as u64;
            let mut fate = streams.stream(run, Purpose::Fate);
            let mut g = streams.stream(run, Purpose::Growth);
            let mut o = streams.stream(run, Purpose::Observation);
            acc += fate.random::<f64>();
            for _ in 0..growth {
                acc += normal(&mut g);
            }
            for _ in 0..observation {
                acc += normal(&mut o);
            }
        }
        acc
    }

    fn draws(&self) -> f64 {
        let streams = Streams::new(SEED);
        self.draws
            .par_chunks(BLOCK_RUNS as usize)
            .enumerate()
            .map(|(b, counts)| Case::draw(&streams, b as u64 * BLOCK_RUNS, counts))
            .sum()
    }
}

/// The engine's standard normal sampler.
#[inline]
fn normal(rng: &mut engine::Stream) -> f64 {
    engine::standard_normal(rng)
}

/// Seconds per iteration of every sample, by benchmark id.
static TIMES: Mutex<Vec<(String, Vec<f64>)>> = Mutex::new(Vec::new());

fn timed(id: &str, iters: u64, mut f: impl FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        f();
    }
    let elapsed = start.elapsed();
    let per = elapsed.as_secs_f64() / iters as f64;
    let mut times = TIMES.lock().unwrap();
    match times.iter_mut().find(|(k, _)| k == id) {
        Some((_, v)) => v.push(per),
        None => times.push((id.to_string(), vec![per])),
    }
    elapsed
}

/// How a case's scenario text is made.
type Text = fn() -> String;

/// The cases, or those named in `AIRACE_BENCH_CASES` (comma-separated),
/// to time a few in a minute on a shared machine.
fn cases() -> Vec<Case> {
    let only = std::env::var("AIRACE_BENCH_CASES").ok();
    let wanted = |name: &str| {
        only.as_deref()
            .is_none_or(|o| o.split(',').any(|w| w == name))
    };
    let all: [(&'static str, Text, u64); 4] = [
        ("race", || shipped("race"), 8192),
        ("rsp-2026", || shipped("rsp-2026"), 8192),
        ("all-mechanics", || ALL_MECHANICS.to_string(), 8192),
        ("ten-labs", ten_labs, 2048),
    ];
    all.into_iter()
        .filter(|(name, _, _)| wanted(name))
        .map(|(name, text, runs)| Case::new(name, &text(), runs))
        .collect()
}

fn bench_engine(c: &mut Criterion, cases: &[Case], cores: usize) {
    let mut group = c.benchmark_group("engine");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    let mut threads = vec![1];
    if cores > 1 {
        threads.push(cores);
    }
    for case in cases {
        group.throughput(Throughput::Elements(case.lab_steps));
        for &k in &threads {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(k)
                .build()
                .unwrap();
            for (kind, summary) in [("sim", false), ("summary", true)] {
                let id = format!("{kind}/{}/{k}t", case.name);
                group.bench_function(&id, |b| {
                    b.iter_custom(|iters| {
                        timed(&id, iters, || {
                            black_box(pool.install(|| case.simulate(summary)));
                        })
                    })
                });
            }
            let id = format!("draws/{}/{k}t", case.name);
            group.bench_function(&id, |b| {
                b.iter_custom(|iters| {
                    timed(&id, iters, || {
                        black_box(pool.install(|| case.draws()));
                    })
                })
            });
        }
    }
    group.finish();
}

fn quantile(v: &[f64], q: f64) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * q).round() as usize]
}

/// The table: nominal lab-steps per second (median over samples, best in
/// brackets) and the simulators' time over the bare draws' time, of the
/// medians and of the bests.
fn report(cases: &[Case], cores: usize) {
    let times = TIMES.lock().unwrap();
    let get = |id: String| times.iter().find(|(k, _)| *k == id).map(|(_, v)| v.clone());
    println!();
    println!("nominal lab-steps/s (runs x steps x labs), median [best] of the samples above;");
    println!("ratio = simulator time / bare-draw time, of the medians [of the bests];");
    println!("summary = the simulator keeping only what a summary reads (a sweep point)");
    println!(
        "{:<10} {:>3}  {:>20}  {:>20}  {:>20}  {:>13}  {:>13}",
        "scenario", "thr", "simulator", "summary", "bare draws", "ratio", "ratio summary"
    );
    for case in cases {
        for k in [1, cores] {
            let (Some(sim), Some(summary), Some(draws)) = (
                get(format!("sim/{}/{k}t", case.name)),
                get(format!("summary/{}/{k}t", case.name)),
                get(format!("draws/{}/{k}t", case.name)),
            ) else {
                continue;
            };
            let rate = |t: f64| case.lab_steps as f64 / t / 1e6;
            let (sm, sb) = (quantile(&sim, 0.5), quantile(&sim, 0.0));
            let (um, ub) = (quantile(&summary, 0.5), quantile(&summary, 0.0));
            let (dm, db) = (quantile(&draws, 0.5), quantile(&draws, 0.0));
            println!(
                "{:<10} {:>3}  {:>8.1}M [{:>7.1}M]  {:>8.1}M [{:>7.1}M]  {:>8.1}M [{:>7.1}M]  {:>5.2} [{:>5.2}]  {:>5.2} [{:>5.2}]",
                case.name,
                k,
                rate(sm),
                rate(sb),
                rate(um),
                rate(ub),
                rate(dm),
                rate(db),
                sm / dm,
                sb / db,
                um / dm,
                ub / db
            );
            if cores == 1 {
                break;
            }
        }
    }
}

/// The ratios again, on one thread, from the simulator, the summary-only
/// simulator and the bare draws timed in turn, `rounds` times. On a shared
/// machine whose speed drifts (other tenants, turbo), the runs of a round
/// see the same conditions, so the ratios within each round are the
/// steadiest reading: it prints their medians and ranges, and the
/// throughputs of the best rounds.
fn interleaved(cases: &[Case], rounds: usize) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    println!();
    println!(
        "interleaved, 1 thread, {rounds} rounds (simulator, summary-only simulator, bare draws) taken in turn:"
    );
    for case in cases {
        let time = |f: &dyn Fn()| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64()
        };
        let (mut best, mut ratios) = ([f64::INFINITY; 3], [Vec::new(), Vec::new()]);
        for _ in 0..rounds {
            let s = time(&|| {
                black_box(pool.install(|| case.simulate(false)));
            });
            let u = time(&|| {
                black_box(pool.install(|| case.simulate(true)));
            });
            let d = time(&|| {
                black_box(pool.install(|| case.draws()));
            });
            for (b, t) in best.iter_mut().zip([s, u, d]) {
                *b = b.min(t);
            }
            ratios[0].push(s / d);
            ratios[1].push(u / d);
        }
        let rate = |t: f64| case.lab_steps as f64 / t / 1e6;
        let range = |r: &[f64]| {
            format!(
                "{:.2} ({:.2}-{:.2})",
                quantile(r, 0.5),
                quantile(r, 0.0),
                quantile(r, 1.0)
            )
        };
        println!(
            "{:<10}   ratio {}, summary {} (medians of rounds; ranges)   best: {:.1}M/s, summary {:.1}M/s, draws {:.1}M/s",
            case.name,
            range(&ratios[0]),
            range(&ratios[1]),
            rate(best[0]),
            rate(best[1]),
            rate(best[2]),
        );
    }
}

fn main() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cases = cases();
    let mut c = Criterion::default().configure_from_args();
    bench_engine(&mut c, &cases, cores);
    c.final_summary();
    // `cargo bench` passes --bench; `cargo test --benches` runs each case once.
    if std::env::args().any(|a| a == "--bench") {
        report(&cases, cores);
        interleaved(&cases, 24);
    }
}
