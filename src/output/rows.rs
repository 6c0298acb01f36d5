//! `runs.csv` and `labs.csv`: one row per run and per run and lab, streamed
//! to disk block by block as the engine produces them, so memory does not
//! grow with the number of runs. Rows are formatted in parallel and written
//! in run order.

use super::atomic::AtomicFile;
use super::format;
use crate::engine::{Block, BlockSink};
use std::io::{self, Write};
use std::path::Path;

pub const RUNS_HEADER: &str = "run,cumulative_hazard,p_catastrophe,catastrophe,catastrophe_step,culprit,winner,win_step,\
                               frontier_capability,first_alarm_step,unwarned\n";
pub const LABS_HEADER: &str =
    "run,lab,capability,safety,resources,paused_steps,delayed_steps,won,utility\n";

/// The first bytes of a row file, as a checkpoint records them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prefix {
    pub bytes: u64,
    pub crc32: u32,
}

/// The columns of `labs.csv` beyond [`LABS_HEADER`]'s, there only when the
/// scenario uses their mechanic, so that scenarios without them write the
/// same bytes as before the mechanics existed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabColumns {
    /// `in_force` of each lab's conditional pause (empty for a lab without one).
    pub in_force: Option<Vec<Option<bool>>>,
    /// `unnoticed_steps` (fuzzy evaluations).
    pub unnoticed: bool,
    /// `violating_steps,times_caught,penalty_steps` (regulation).
    pub regulation: bool,
}

impl LabColumns {
    pub fn of(scenario: &crate::Scenario) -> Self {
        LabColumns {
            in_force: scenario
                .uses_conditional_pause()
                .then(|| scenario.in_force()),
            unnoticed: scenario.uses_fuzzy_evaluations(),
            regulation: scenario.uses_regulation(),
        }
    }

    /// The header line of `labs.csv`.
    pub fn header(&self) -> String {
        let mut header = LABS_HEADER.trim_end().to_string();
        if self.in_force.is_some() {
            header.push_str(",in_force");
        }
        if self.unnoticed {
            header.push_str(",unnoticed_steps");
        }
        if self.regulation {
            header.push_str(",violating_steps,times_caught,penalty_steps");
        }
        header.push('\n');
        header
    }
}

/// Writes the per-run files of one scenario to temporary files, to be
/// committed with the rest of the outputs.
pub struct RowWriter {
    names: Vec<String>,
    columns: LabColumns,
    runs: AtomicFile,
    labs: AtomicFile,
}

/// The names of the per-run files.
pub const RUNS_FILE: &str = "runs.csv";
pub const LABS_FILE: &str = "labs.csv";

impl RowWriter {
    /// Writes `work/runs.csv` and `work/labs.csv`, to be renamed into `dir`.
    pub fn create_in(
        work: &Path,
        dir: &Path,
        names: Vec<String>,
        columns: LabColumns,
    ) -> io::Result<Self> {
        Self::open(
            AtomicFile::create_at(work.join(RUNS_FILE), &dir.join(RUNS_FILE))?,
            AtomicFile::create_at(work.join(LABS_FILE), &dir.join(LABS_FILE))?,
            names,
            columns,
        )
    }

    /// Goes on with the files of [`create_in`](Self::create_in) left by an
    /// interrupted run, cut back to the lengths its checkpoint recorded,
    /// whose bytes must have the CRC-32s it recorded.
    pub fn reopen_in(
        work: &Path,
        dir: &Path,
        names: Vec<String>,
        columns: LabColumns,
        [runs, labs]: [Prefix; 2],
    ) -> io::Result<Self> {
        let reopen = |name: &str, p: Prefix| {
            AtomicFile::reopen_at(work.join(name), &dir.join(name), p.bytes, p.crc32)
        };
        Ok(RowWriter {
            names,
            columns,
            runs: reopen(RUNS_FILE, runs)?,
            labs: reopen(LABS_FILE, labs)?,
        })
    }

    fn open(
        mut runs: AtomicFile,
        mut labs: AtomicFile,
        names: Vec<String>,
        columns: LabColumns,
    ) -> io::Result<Self> {
        runs.write_all(RUNS_HEADER.as_bytes())?;
        labs.write_all(columns.header().as_bytes())?;
        Ok(RowWriter {
            names,
            columns,
            runs,
            labs,
        })
    }

    /// Flushes both files to disk; returns what they hold (`runs.csv`'s
    /// then `labs.csv`'s).
    pub fn sync(&mut self) -> io::Result<[Prefix; 2]> {
        self.runs.sync()?;
        self.labs.sync()?;
        Ok([&self.runs, &self.labs].map(|f| Prefix {
            bytes: f.len(),
            crc32: f.crc(),
        }))
    }

    /// Leaves both files in place if dropped uncommitted.
    pub fn keep(&mut self) {
        self.runs.keep();
        self.labs.keep();
    }

    /// The two files, ready to commit.
    pub fn finish(self) -> [AtomicFile; 2] {
        [self.runs, self.labs]
    }
}

/// Bytes reserved per `runs.csv` row and per `labs.csv` row when a block's
/// rows are formatted.
pub(crate) const RUN_ROW_CAPACITY: usize = 96;
pub(crate) const LAB_ROW_CAPACITY: usize = 80;

/// Formats a block's rows: (`runs.csv` rows, `labs.csv` rows).
pub fn format_block(block: &Block, names: &[String], columns: &LabColumns) -> (String, String) {
    let mut runs = String::with_capacity(block.runs.len() * RUN_ROW_CAPACITY);
    let mut labs = String::with_capacity(block.labs.len() * LAB_ROW_CAPACITY);
    let n = names.len();
    for (r, lab_rows) in block.runs.iter().zip(block.labs.chunks_exact(n)) {
        let name = |i: Option<u32>| i.map(|i| names[i as usize].as_str());
        runs.push_str(&r.run.to_string());
        runs.push(',');
        format::prob(&mut runs, r.cumulative_hazard);
        runs.push(',');
        format::prob(&mut runs, r.catastrophe_probability());
        runs.push_str(if r.catastrophe_step.is_some() {
            ",1,"
        } else {
            ",0,"
        });
        format::opt(&mut runs, r.catastrophe_step);
        runs.push(',');
        format::opt(&mut runs, name(r.culprit));
        runs.push(',');
        format::opt(&mut runs, name(r.winner));
        runs.push(',');
        format::opt(&mut runs, r.win_step);
        runs.push(',');
        format::value(&mut runs, r.frontier);
        runs.push(',');
        format::opt(&mut runs, r.first_alarm_step);
        runs.push_str(if r.unwarned() { ",1\n" } else { ",0\n" });
        for (i, l) in lab_rows.iter().enumerate() {
            labs.push_str(&r.run.to_string());
            labs.push(',');
            labs.push_str(&names[i]);
            for x in [l.capability, l.safety, l.resources] {
                labs.push(',');
                format::value(&mut labs, x);
            }
            labs.push(',');
            labs.push_str(&l.paused_steps.to_string());
            labs.push(',');
            labs.push_str(&l.delayed_steps.to_string());
            labs.push_str(if r.winner == Some(i as u32) {
                ",1,"
            } else {
                ",0,"
            });
            format::value(&mut labs, l.utility);
            if let Some(in_force) = &columns.in_force {
                labs.push_str(match in_force[i] {
                    Some(true) => ",1",
                    Some(false) => ",0",
                    None => ",",
                });
            }
            if columns.unnoticed {
                labs.push(',');
                labs.push_str(&l.unnoticed_steps.to_string());
            }
            if columns.regulation {
                for x in [l.violating_steps, l.times_caught, l.penalty_steps] {
                    labs.push(',');
                    labs.push_str(&x.to_string());
                }
            }
            labs.push('\n');
        }
    }
    (runs, labs)
}

impl BlockSink for RowWriter {
    type Prepared = (String, String);
    type Error = io::Error;

    fn prepare(&self, block: &Block) -> Self::Prepared {
        format_block(block, &self.names, &self.columns)
    }

    fn consume(&mut self, _: &Block, (runs, labs): Self::Prepared) -> io::Result<()> {
        self.runs.write_all(runs.as_bytes())?;
        self.labs.write_all(labs.as_bytes())
    }
}
