//! Throughput of the engine on the default comparison's scenarios, in
//! nominal lab-steps (runs x steps x labs) per second, on one thread and on
//! every core. Run with `cargo bench --bench engine`.

use airace::Scenario;
use airace::builtin;
use airace::engine::{self, Control, NoSink, RaceModel};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::sync::atomic::AtomicBool;

const RUNS: u64 = 4096;

fn scenario(name: &str) -> Scenario {
    let b = builtin::shipped(name).expect("shipped scenario");
    Scenario::from_str_named(b.text, b.name, b.name).expect("valid")
}

fn bench_engine(c: &mut Criterion) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut group = c.benchmark_group("engine");
    group.sample_size(10);
    for name in builtin::DEFAULT_COMPARISON {
        let s = scenario(name);
        let model = RaceModel::new(&s);
        let lab_steps = RUNS * u64::from(s.meta.steps) * s.labs.len() as u64;
        group.throughput(Throughput::Elements(lab_steps));
        for threads in [1, cores] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            group.bench_function(format!("{name}/{threads}-threads"), |b| {
                b.iter(|| {
                    let cancel = AtomicBool::new(false);
                    let control = Control {
                        progress: &|_| {},
                        cancel: &cancel,
                    };
                    pool.install(|| engine::simulate(&model, 1, RUNS, &mut NoSink, &control))
                        .ok()
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_engine);
criterion_main!(benches);
