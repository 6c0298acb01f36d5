//! A scenario's results in refinements: the first block of runs at once,
//! then ever more, up to the scenario's full run count.
//!
//! Every refinement is the aggregate of runs `0..n` simulated exactly as
//! `airace run` simulates them (the engine continues from the aggregate of
//! the runs before, which gives the aggregate of one pass bit for bit), so
//! the refinement of `n` runs equals `airace run --runs n` and the last one
//! equals `airace run`. A pinned baseline is simulated over the same runs
//! with the same seed: common random numbers, so the paired difference of
//! the expected catastrophe per run has a far narrower interval than the
//! two intervals side by side suggest.

use crate::engine::{self, Aggregate, BLOCK_RUNS, Block, BlockSink, Control, RaceModel, Stopped};
use crate::output::{RunInfo, ScenarioResult, Summary};
use crate::plot::figure::{Dash, Figure, Line};
use crate::scenario::Scenario;
use crate::stats::{Estimate, normal_interval};
use serde::Serialize;
use std::sync::atomic::AtomicBool;

/// The most runs simulated between two refinements: bounds the per-run
/// values kept for the paired difference (8 bytes a run and scenario).
pub const MAX_CHUNK: u64 = 256 * BLOCK_RUNS;

/// The run counts at which results are reported: one block, then four
/// times as many each time (at most [`MAX_CHUNK`] more), then `total`.
pub fn schedule(total: u64) -> Vec<u64> {
    let mut ends = Vec::new();
    let mut end = BLOCK_RUNS;
    while end < total {
        ends.push(end);
        end = (end * 4).min(end + MAX_CHUNK);
    }
    ends.push(total);
    ends
}

/// Collects each run's expected catastrophe `1 - exp(-H)`, in run order.
#[derive(Default)]
struct Expected(Vec<f64>);

impl BlockSink for Expected {
    type Prepared = ();
    type Error = std::convert::Infallible;
    fn prepare(&self, _: &Block) {}
    fn consume(&mut self, block: &Block, _: ()) -> Result<(), Self::Error> {
        self.0
            .extend(block.runs.iter().map(|r| -(-r.cumulative_hazard).exp_m1()));
        Ok(())
    }
}

/// One scenario being refined.
struct Track {
    scenario: Scenario,
    model: RaceModel,
    aggregate: Aggregate,
    expected: Expected,
}

impl Track {
    fn new(scenario: Scenario) -> Track {
        let model = RaceModel::new(&scenario);
        let aggregate = Aggregate::new(scenario.lab_count(), scenario.meta.steps);
        Track {
            scenario,
            model,
            aggregate,
            expected: Expected::default(),
        }
    }

    /// Simulates runs `range`; `false` if cancelled.
    fn advance(&mut self, range: std::ops::Range<u64>, cancel: &AtomicBool) -> bool {
        let start = std::mem::replace(&mut self.aggregate, Aggregate::summary(0));
        let control = Control {
            progress: &|_| {},
            cancel,
        };
        let seed = self.scenario.meta.seed;
        match engine::simulate_range(
            &self.model,
            seed,
            range,
            start,
            &mut self.expected,
            &control,
        ) {
            Ok(a) => {
                self.aggregate = a;
                true
            }
            Err(Stopped::Cancelled { aggregate, .. }) => {
                self.aggregate = *aggregate;
                false
            }
            Err(Stopped::Sink(never)) => match never {},
        }
    }

    fn view(&self, with_figures: bool, overlay: Option<&Track>) -> ScenarioView {
        let result = ScenarioResult::new(self.scenario.clone(), self.aggregate.clone(), served());
        let figures = if with_figures {
            figures(&result, overlay.map(|t| &t.aggregate))
        } else {
            Vec::new()
        };
        ScenarioView {
            summary: result.summary,
            figures,
        }
    }
}

/// A figure as the page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ShownFigure {
    /// The file stem `airace run` gives it (`risk`, `outcomes`, ...).
    pub stem: String,
    pub svg: String,
}

/// One scenario's numbers and figures.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioView {
    pub summary: Summary,
    pub figures: Vec<ShownFigure>,
}

/// The paired difference of the current scenario and the baseline.
#[derive(Debug, Clone, Serialize)]
pub struct Difference {
    /// Mean over runs of `p_current - p_baseline` (expected catastrophe),
    /// with the 95% interval of the paired per-run differences.
    pub p_catastrophe: Estimate,
    /// `lower`, `higher` or `undecided` (the interval contains 0).
    pub verdict: &'static str,
}

/// One refinement, as one line of the stream.
#[derive(Debug, Clone, Serialize)]
pub struct Refinement {
    pub runs: u64,
    pub total: u64,
    pub done: bool,
    /// Milliseconds since the request arrived.
    pub elapsed_ms: f64,
    pub current: ScenarioView,
    pub baseline: Option<ScenarioView>,
    pub difference: Option<Difference>,
}

/// The figures `airace run` draws for `result`, described, built from the
/// bytes of the CSV files it would write (empty if they do not parse).
pub fn run_figures(result: &ScenarioResult) -> Vec<(String, Figure)> {
    let bytes = |name: &str| {
        crate::output::data_exports()
            .iter()
            .find(|e| e.file_name() == name)
            .map(|e| e.render(result))
            .unwrap_or_default()
    };
    let name = &result.scenario.meta.name;
    crate::plot::ScenarioData::parse(
        name,
        &bytes(crate::output::files::TIMESERIES),
        &bytes(crate::output::files::SUMMARY_CSV),
    )
    .and_then(|data| crate::plot::figures::scenario_figures(&data))
    .unwrap_or_default()
}

/// All runs of `scenario` on `pool`, as `airace run` gives them; `None` if
/// `cancel` or Ctrl-C stopped it.
pub fn full_result(
    pool: &rayon::ThreadPool,
    scenario: Scenario,
    cancel: &AtomicBool,
) -> Option<ScenarioResult> {
    let mut track = Track::new(scenario);
    let runs = track.scenario.meta.runs;
    if !pool.install(|| track.advance(0..runs, cancel)) || crate::interrupt::interrupted() {
        return None;
    }
    Some(ScenarioResult::new(
        track.scenario,
        track.aggregate,
        served(),
    ))
}

/// How a result the server simulated records its making: by `airace
/// serve`, on one thread of its pool per track, with no command line.
fn served() -> RunInfo {
    RunInfo {
        airace_version: env!("CARGO_PKG_VERSION"),
        source: "airace serve".into(),
        threads: 1,
        command_line: Vec::new(),
        merged_shards: None,
    }
}

/// The figures `airace run` draws for `result` (SVG only), drawn from the
/// bytes of the CSV files it would write; with `baseline`, the risk figure
/// also shows the baseline's expected curve.
pub fn figures(result: &ScenarioResult, baseline: Option<&Aggregate>) -> Vec<ShownFigure> {
    let mut figures = run_figures(result);
    if let Some(base) = baseline {
        for (stem, figure) in &mut figures {
            if let (true, Figure::Line(chart)) = (stem == "risk", figure) {
                let points: Vec<(f64, f64)> = base
                    .steps
                    .iter()
                    .enumerate()
                    .map(|(t, s)| (t as f64, s.p.value() / base.runs as f64))
                    .collect();
                let top = points.iter().map(|p| p.1).fold(0.0, f64::max);
                chart.y_range.1 = chart.y_range.1.max(crate::plot::style::upper(top));
                chart.lines.push(Line {
                    label: "pinned baseline (expected)".into(),
                    color: crate::plot::style::BLACK,
                    dash: Dash::Dotted,
                    width: 1.5,
                    points,
                });
            }
        }
    }
    crate::plot::render::register_fonts();
    let size = crate::plot::Size::default();
    figures
        .into_iter()
        .map(|(stem, figure)| ShownFigure {
            // As `airace run` writes it, fonts embedded.
            svg: size
                .svg_text
                .apply(&crate::plot::render::svg(&figure, &size)),
            stem,
        })
        .collect()
}

/// Refines `scenario` (and `baseline`, over the same runs and seed) on
/// `pool`, handing each refinement to `emit`; stops early, returning
/// `false`, when `cancel` is raised, Ctrl-C stops the server, or `emit`
/// fails (the page went away).
pub fn refine(
    pool: &rayon::ThreadPool,
    scenario: Scenario,
    baseline: Option<Scenario>,
    cancel: &AtomicBool,
    started: std::time::Instant,
    mut emit: impl FnMut(&Refinement) -> bool,
) -> bool {
    let total = scenario.meta.runs;
    let mut current = Track::new(scenario);
    let mut base = baseline.map(Track::new);
    let (mut sum, mut sum_sq) = (0.0, 0.0);
    let mut from = 0;
    let stop =
        || cancel.load(std::sync::atomic::Ordering::SeqCst) || crate::interrupt::interrupted();
    for end in schedule(total) {
        let whole = pool.install(|| {
            current.advance(from..end, cancel)
                && base.as_mut().is_none_or(|b| b.advance(from..end, cancel))
        });
        if !whole || stop() {
            return false;
        }
        if let Some(b) = &mut base {
            for (p, q) in current.expected.0.iter().zip(&b.expected.0) {
                let d = p - q;
                sum += d;
                sum_sq += d * d;
            }
            b.expected.0.clear();
        }
        current.expected.0.clear();
        from = end;
        let difference = base.as_ref().map(|_| {
            let p = normal_interval(sum, sum_sq, end, None);
            Difference {
                p_catastrophe: p,
                verdict: if p.ci_low > 0.0 {
                    "higher"
                } else if p.ci_high < 0.0 {
                    "lower"
                } else {
                    "undecided"
                },
            }
        });
        let current_view = current.view(true, base.as_ref());
        let baseline_view = base.as_ref().map(|b| b.view(false, None));
        let refinement = Refinement {
            runs: end,
            total,
            done: end == total,
            // Figures included: the time until this answer could be sent.
            elapsed_ms: started.elapsed().as_secs_f64() * 1e3,
            current: current_view,
            baseline: baseline_view,
            difference,
        };
        if !emit(&refinement) {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_starts_with_one_block_and_ends_with_every_run() {
        assert_eq!(schedule(10_000), vec![1024, 4096, 10_000]);
        assert_eq!(schedule(500), vec![500]);
        assert_eq!(schedule(1024), vec![1024]);
        let long = schedule(10_000_000);
        assert!(
            long.windows(2)
                .all(|w| w[1] > w[0] && w[1] - w[0] <= MAX_CHUNK)
        );
        assert!(long.iter().all(|e| e % BLOCK_RUNS == 0 || *e == 10_000_000));
        assert_eq!(*long.last().unwrap(), 10_000_000);
    }

    #[test]
    fn every_refinement_equals_a_run_of_that_many_runs() {
        let scenario = crate::builtin::load("rsp-2026").unwrap();
        let pool = crate::context::thread_pool(Some(2)).unwrap();
        let cancel = AtomicBool::new(false);
        let mut shown = Vec::new();
        let small = Scenario {
            meta: crate::scenario::Meta {
                runs: 5000,
                ..scenario.meta.clone()
            },
            ..scenario.clone()
        };
        let finished = refine(
            &pool,
            small.clone(),
            None,
            &cancel,
            std::time::Instant::now(),
            |r| {
                shown.push((r.runs, r.current.summary.p_catastrophe));
                true
            },
        );
        assert!(finished);
        assert_eq!(
            shown.iter().map(|s| s.0).collect::<Vec<_>>(),
            [1024, 4096, 5000]
        );
        for (runs, p) in shown {
            let once = Scenario {
                meta: crate::scenario::Meta {
                    runs,
                    ..small.meta.clone()
                },
                ..small.clone()
            };
            let model = RaceModel::new(&once);
            let a = engine::simulate(
                &model,
                once.meta.seed,
                runs,
                &mut engine::NoSink,
                &Control {
                    progress: &|_| {},
                    cancel: &cancel,
                },
            )
            .unwrap();
            assert_eq!(Summary::new(&once, once.meta.seed, &a).p_catastrophe, p);
        }
    }

    #[test]
    fn the_same_scenario_as_baseline_differs_by_exactly_zero() {
        let scenario = crate::builtin::load("rsp-2026").unwrap();
        let small = Scenario {
            meta: crate::scenario::Meta {
                runs: 2000,
                ..scenario.meta.clone()
            },
            ..scenario
        };
        let pool = crate::context::thread_pool(Some(2)).unwrap();
        let cancel = AtomicBool::new(false);
        let mut last = None;
        refine(
            &pool,
            small.clone(),
            Some(small),
            &cancel,
            std::time::Instant::now(),
            |r| {
                last = r.difference.clone();
                true
            },
        );
        let d = last.unwrap();
        assert_eq!((d.p_catastrophe.mean, d.verdict), (0.0, "undecided"));
    }

    #[test]
    fn a_raised_cancel_flag_stops_before_the_first_refinement() {
        let scenario = crate::builtin::load("rsp-2026").unwrap();
        let pool = crate::context::thread_pool(Some(1)).unwrap();
        let cancel = AtomicBool::new(true);
        let mut emitted = 0;
        let finished = refine(
            &pool,
            scenario,
            None,
            &cancel,
            std::time::Instant::now(),
            |_| {
                emitted += 1;
                true
            },
        );
        assert!(!finished);
        assert_eq!(emitted, 0);
    }
}
