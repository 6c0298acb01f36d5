//! Scenario text from the fuzzer: parse and validate it; if it is a valid
//! scenario, write it back as TOML, simulate a few short runs, format their
//! per-run rows and render every data file; and read its `[sweep]` table,
//! if any. Nothing may panic or hang: bad input must come back as an error,
//! and any valid scenario must simulate and be written.

#![no_main]

use airace::Scenario;
use airace::engine::{self, Block, BlockSink, Control, RaceModel};
use airace::output::{self, RunInfo, ScenarioResult};
use libfuzzer_sys::fuzz_target;
use std::sync::atomic::AtomicBool;

/// Caps that keep one input well under a millisecond of simulation.
const MAX_RUNS: u64 = 3;
const MAX_STEPS: u32 = 40;
const MAX_LABS: usize = 8;
/// Sweeps whose grid would be larger are not built (each point is a
/// validated scenario).
const MAX_SWEEP_BYTES: usize = 2048;

/// Formats every block's rows as `runs.csv` and `labs.csv` would get them.
struct Rows(Vec<String>);

impl BlockSink for Rows {
    type Prepared = (String, String);
    type Error = std::convert::Infallible;
    fn prepare(&self, block: &Block) -> (String, String) {
        output::rows::format_block(block, &self.0)
    }
    /// One line per run and one per run and lab.
    fn consume(&mut self, block: &Block, rows: (String, String)) -> Result<(), Self::Error> {
        assert_eq!(rows.0.matches('\n').count(), block.runs.len());
        assert_eq!(rows.1.matches('\n').count(), block.labs.len());
        Ok(())
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(mut scenario) = Scenario::from_str_named(text, "fuzz.toml", "fuzz") else {
        return;
    };
    // A valid scenario writes itself out as TOML that reads back.
    let written = scenario.to_toml();
    if let Err(e) = Scenario::from_str_named(&written, "written.toml", "fuzz") {
        panic!("a validated scenario's own TOML is refused: {e}\n{written}");
    }
    if text.len() <= MAX_SWEEP_BYTES {
        let _ = airace::sweep::Sweep::new(text, "fuzz.toml", "fuzz", Vec::new(), None, None);
    }
    if scenario.labs.len() > MAX_LABS {
        return;
    }
    scenario.meta.runs = scenario.meta.runs.min(MAX_RUNS);
    scenario.meta.steps = scenario.meta.steps.min(MAX_STEPS);
    let model = RaceModel::new(&scenario);
    let cancel = AtomicBool::new(false);
    let control = Control {
        progress: &|_| {},
        cancel: &cancel,
    };
    let mut rows = Rows(scenario.labs.iter().map(|l| l.name.clone()).collect());
    let aggregate =
        match engine::simulate(&model, scenario.meta.seed, scenario.meta.runs, &mut rows, &control)
        {
            Ok(a) => a,
            Err(engine::Stopped::Sink(never)) => match never {},
            Err(engine::Stopped::Cancelled { .. }) => unreachable!("never cancelled"),
        };
    assert_eq!(aggregate.runs, scenario.meta.runs);
    let info = RunInfo {
        airace_version: "fuzz",
        source: "fuzz.toml".into(),
        threads: 1,
        command_line: Vec::new(),
        merged_shards: None,
    };
    let result = ScenarioResult::new(scenario, aggregate, info);
    for export in output::data_exports() {
        export.render(&result);
    }
});
