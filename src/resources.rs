//! How much memory and disk a run will take, worked out from the shape of
//! its scenarios before anything is simulated, so that a run that cannot
//! fit is refused at once (with the estimate and what to change) rather
//! than killed by the system or stopped by a full disk hours later.
//!
//! Memory does not grow with the number of runs: the engine folds blocks of
//! [`BLOCK_RUNS`] runs into fixed-size sums. What it holds at its peak is
//! one wave of `threads * 4` blocks, each with its runs' records, their
//! formatted rows and a [`BlockStats`](crate::engine::BlockStats) of sums per
//! step and per step and lab, and one [`Aggregate`](crate::engine::Aggregate)
//! of sums per step and lab. Both keep a frontier
//! [`QuantileSketch`] per step, whose size
//! depends on how far the frontier spreads across runs: the one part that
//! is not fixed by the shape, allowed for from measurements.
//!
//! Disk, on the other hand, grows with runs: `runs.csv` gets a row per run
//! and `labs.csv` one per run and lab (unless `--no-run-rows`).
//!
//! The estimates were checked against the peak resident memory and the file
//! sizes of real runs (see the tests): they are meant to be at or somewhat
//! above what a run uses, within a factor of two.
//!
//! `AIRACE_MEMORY_LIMIT` and `AIRACE_DISK_LIMIT` (bytes, or with a suffix
//! K, M, G or T, powers of 1024) replace the memory available and the free
//! space of the output folder's file system: to hold airace to less than
//! the machine has, and for tests that must not depend on the machine.

use crate::context::InputError;
use crate::engine::aggregate::{LabStepSums, LabTotals, StepSums, StepTotals, frontier_batch};
use crate::engine::{BLOCK_RUNS, BLOCKS_PER_THREAD, LabRecord, RunRecord, wave_blocks};
use crate::output::rows::{LAB_ROW_CAPACITY, RUN_ROW_CAPACITY};
use crate::scenario::Scenario;
use crate::stats::{QuantileSketch, ValueSum};
use std::mem::size_of;
use std::path::Path;

/// The environment variable that replaces the memory available.
pub const MEMORY_LIMIT_VAR: &str = "AIRACE_MEMORY_LIMIT";
/// The environment variable that replaces the free space for outputs.
pub const DISK_LIMIT_VAR: &str = "AIRACE_DISK_LIMIT";

/// The program itself, its libraries, thread stacks and small outputs
/// (measured: 10.5 MB for a one-step scenario).
const BASE_BYTES: u64 = 16 << 20;
/// Drawing figures: the parsed time series and the like (measured: 16 MB
/// more for 5,000 steps at the default size), and a bitmap of 3 bytes a
/// pixel for each figure drawn at once (one per thread).
const FIGURE_BYTES: u64 = 16 << 20;
const BITMAP_BYTES_PER_PIXEL: u64 = 3;
/// Drawing figures from the time series: its cells parsed (as text, then
/// as numbers) and each lab's lines in the SVG, per cell of
/// `timeseries.csv` (measured: 31 bytes a cell with 1,000 and with 500 labs
/// over 1,500 steps; see the test of measured peaks below).
const FIGURE_BYTES_PER_CELL: u64 = 40;
/// A scenario's figures on disk: 4 PNGs and their SVGs. A PNG compresses
/// better the larger it is (measured: 0.12 bytes a pixel at the default
/// 1300 x 800, 0.03 at 7800 x 4800), so it is estimated as
/// `20 pixels^0.65` bytes; an SVG as 16 KiB and 32 bytes a step (its lines
/// have a point a step). See the test of measured sizes below.
const FIGURES_PER_SCENARIO: u64 = 4;

/// Bytes of one figure's PNG and SVG.
fn figure_bytes(pixels: u64, rows: u64) -> u64 {
    (20.0 * (pixels as f64).powf(0.65)) as u64 + svg_bytes(rows)
}

/// Bytes of one figure's SVG.
fn svg_bytes(rows: u64) -> u64 {
    (16 << 10) + 32 * rows
}
/// Bookkeeping of one heap allocation by the allocator.
const ALLOCATION_BYTES: u64 = 16;
/// A frontier sketch's bins (24 bytes each): measured 0.7 to 0.8 KiB a
/// sketch on average when a decisive capability ends races. Without one
/// the frontier spreads over ever more bins as steps go by: measured 2 KiB
/// a sketch over 120 steps, 5.5 KiB over 2,000, 16 KiB over 5,000 and 21.5
/// KiB over 10,000 in `scenarios/race.toml` without its decisive capability.
/// (A scenario whose frontier spreads faster across runs needs more.)
const SKETCH_BYTES: u64 = 1 << 10;
const SKETCH_BYTES_UNBOUNDED: u64 = 2 << 10;
const SKETCH_BYTES_PER_STEP_UNBOUNDED: f64 = 3.5;
/// Bytes of a `runs.csv` row and a `labs.csv` row besides the lab names in
/// them (measured about 50 and 47 with capabilities below 100).
const RUN_ROW_BYTES: u64 = 96;
const LAB_ROW_BYTES: u64 = 80;
/// Without a decisive capability, capabilities and resources grow for as
/// long as the race lasts and are written with more digits: about one more
/// per number every 200 steps in `scenarios/race.toml` (rows of 332 bytes
/// per run over 2,000 steps, 508 over 5,000, 802 over 10,000), up to the
/// 309 of the largest float.
const STEPS_PER_DIGIT_UNBOUNDED: u64 = 200;
const MAX_DIGITS: u64 = 309;
/// Bytes of a `timeseries.csv` cell.
const CELL_BYTES: u64 = 16;

/// What one scenario needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceNeed {
    /// Peak memory while it runs.
    pub memory: u64,
    /// Of which its aggregate, which the command holds until it ends (a
    /// comparison is made of every scenario's).
    pub aggregate: u64,
    /// Its output files.
    pub disk: u64,
    /// Of which per-run rows.
    pub rows: u64,
}

/// The shape of a run, all that its needs depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub runs: u64,
    pub steps: u32,
    /// Labs after `count` expansion.
    pub labs: usize,
    /// Bytes of all lab names together, and of the longest.
    pub name_bytes: u64,
    pub longest_name: u64,
    /// Whether a decisive capability ends races (and so bounds the frontier).
    pub decisive: bool,
    pub threads: usize,
    /// Whether `runs.csv` and `labs.csv` are written.
    pub run_rows: bool,
    /// Pixels of each PNG figure, or `None` without figures.
    pub figure_pixels: Option<u64>,
}

impl Shape {
    pub fn new(
        scenario: &Scenario,
        threads: usize,
        run_rows: bool,
        figures: Option<&crate::plot::Size>,
    ) -> Shape {
        let names = scenario.labs.iter().map(|l| l.name.len() as u64);
        Shape {
            runs: scenario.meta.runs,
            steps: scenario.meta.steps,
            labs: scenario.labs.len(),
            name_bytes: names.clone().sum(),
            longest_name: names.max().unwrap_or(0),
            decisive: scenario.world.decisive_capability.is_some(),
            threads,
            run_rows,
            figure_pixels: figures.map(pixels),
        }
    }
}

/// Pixels of a PNG figure of `size`.
fn pixels(size: &crate::plot::Size) -> u64 {
    let (w, h) = crate::plot::render::pixels(size, size.dpi);
    u64::from(w) * u64::from(h)
}

/// Estimates the peak memory and the output size of a run of `shape`.
pub fn estimate(shape: &Shape) -> ResourceNeed {
    let rows = u64::from(shape.steps) + 1;
    let labs = shape.labs as u64;
    let sketch = size_of::<QuantileSketch>() as u64
        + ALLOCATION_BYTES
        + if shape.decisive {
            SKETCH_BYTES
        } else {
            SKETCH_BYTES_UNBOUNDED + (SKETCH_BYTES_PER_STEP_UNBOUNDED * rows as f64) as u64
        };

    // The aggregate: per step, totals with six vectors of one entry per lab.
    let per_lab_step = 3 * size_of::<ValueSum>() as u64 + 3 * size_of::<u64>() as u64;
    let aggregate = rows
        * (size_of::<StepTotals>() as u64 + 6 * ALLOCATION_BYTES + labs * per_lab_step + sketch)
        + labs * size_of::<LabTotals>() as u64;

    // One block: its statistics, records and formatted rows.
    let batch = frontier_batch(rows as usize) as u64;
    let step_sums = size_of::<StepSums>() as u64;
    let lab_step_sums = size_of::<LabStepSums>() as u64;
    let block_stats = rows * (step_sums + labs * lab_step_sums + sketch)
        + rows * 2 * size_of::<f64>() as u64
        + rows * batch * size_of::<f64>() as u64;
    let records =
        BLOCK_RUNS * (size_of::<RunRecord>() as u64 + labs * size_of::<LabRecord>() as u64);
    let formatted = if shape.run_rows {
        BLOCK_RUNS * (RUN_ROW_CAPACITY as u64 + labs * LAB_ROW_CAPACITY as u64)
    } else {
        0
    };
    let blocks = wave_blocks(shape.threads)
        .min(shape.runs.div_ceil(BLOCK_RUNS))
        .max(1);

    // The time series, rendered in memory (12 columns, and 5 per lab).
    let cells = rows * (12 + 5 * labs);
    let timeseries = cells * CELL_BYTES;
    // The aggregate, and its bytes when a checkpoint saves it.
    let memory = BASE_BYTES
        + 2 * aggregate
        + blocks * (block_stats + records + formatted)
        + 2 * timeseries
        + shape.figure_pixels.map_or(0, |p| {
            FIGURE_BYTES
                + shape.threads as u64 * BITMAP_BYTES_PER_PIXEL * p
                + cells * FIGURE_BYTES_PER_CELL
        });

    // Digits the growing numbers (the frontier; each lab's capability,
    // safety, resources and utility) gain in a race without end.
    let digits = if shape.decisive {
        0
    } else {
        (rows / STEPS_PER_DIGIT_UNBOUNDED).min(MAX_DIGITS)
    };
    let rows_on_disk = if shape.run_rows {
        shape.runs
            * (RUN_ROW_BYTES
                + digits
                + 2 * shape.longest_name
                + labs * (LAB_ROW_BYTES + 4 * digits)
                + shape.name_bytes)
    } else {
        0
    };
    // The figures, and the report page, which inlines each SVG once more.
    let figures = shape.figure_pixels.map_or(0, |p| {
        FIGURES_PER_SCENARIO * (figure_bytes(p, rows) + svg_bytes(rows))
    });
    ResourceNeed {
        memory,
        aggregate,
        disk: rows_on_disk + timeseries + figures,
        rows: rows_on_disk,
    }
}

/// Refuses, before any folder is made or any work done, scenarios that
/// would need more memory than is available or write more than the output
/// folder's file system has free. Scenarios run one after another, each
/// beside the aggregates of those before it (the command keeps them for
/// its comparison), while their files add up.
pub fn check<'a>(
    scenarios: impl IntoIterator<Item = (&'a Scenario, String)>,
    threads: Option<usize>,
    run_rows: bool,
    figures: Option<&crate::plot::Size>,
    out: &Path,
) -> Result<(), InputError> {
    if let Some(why) = unwritable(out) {
        return Err(InputError::Usage(format!(
            "{} cannot be written: {why}; choose another --out",
            out.display()
        )));
    }
    let threads = crate::context::thread_count(threads);
    let memory = limit(MEMORY_LIMIT_VAR)?.or_else(available_memory);
    let disk = limit(DISK_LIMIT_VAR)?.or_else(|| free_space(out));
    let mut written = 0;
    let mut held = 0;
    for (scenario, origin) in scenarios {
        let shape = Shape::new(scenario, threads, run_rows, figures);
        let mut need = estimate(&shape);
        need.memory += held;
        held += need.aggregate;
        if let Some(available) = memory.filter(|&a| need.memory > a) {
            return Err(InputError::Usage(format!(
                "{origin}: {} steps x {} labs on {threads} thread(s) need about {} of memory, \
                 but {} is available: use fewer steps or labs{}, or fewer --threads (each thread \
                 holds {BLOCKS_PER_THREAD} blocks of {BLOCK_RUNS} runs; results do not depend on \
                 the thread count)",
                shape.steps,
                shape.labs,
                bytes(need.memory),
                bytes(available),
                if shape.figure_pixels.is_some() {
                    ", --no-plots (drawing the figures reads the whole time series)"
                } else {
                    ""
                },
            )));
        }
        written += need.disk;
        if let Some(free) = disk.filter(|&f| written > f) {
            let before = written - need.disk;
            // What to lower: whatever writes the most.
            let advice = if need.rows >= need.disk / 2 {
                "use fewer runs, or --no-run-rows (runs.csv and labs.csv, a row per run and \
                 per run and lab, are not needed for the summaries and time series)"
            } else if shape.figure_pixels.is_some() {
                "free some space, use fewer steps, or draw smaller figures (--dpi, --width, \
                 --height) or none (--no-plots)"
            } else {
                "free some space, or use fewer steps (the time series has a row per step)"
            };
            return Err(InputError::Usage(format!(
                "{origin}: {} runs x {} labs x {} steps would write about {}{} into {}, but its \
                 file system has {} free: {advice}",
                shape.runs,
                shape.labs,
                shape.steps,
                bytes(need.disk),
                if before > 0 {
                    format!(" ({} with the scenarios before it)", bytes(written))
                } else {
                    String::new()
                },
                out.display(),
                bytes(free),
            )));
        }
    }
    Ok(())
}

/// A limit from the environment, if set.
fn limit(var: &str) -> Result<Option<u64>, InputError> {
    match std::env::var(var) {
        Ok(text) => parse_bytes(&text).map(Some).ok_or_else(|| {
            InputError::Usage(format!(
                "{var}={text} is not a size: give bytes, or a number with K, M, G or T (powers of 1024)"
            ))
        }),
        Err(_) => Ok(None),
    }
}

/// `123`, `64K`, `1.5G`: bytes, or a number with a binary suffix.
fn parse_bytes(text: &str) -> Option<u64> {
    let text = text.trim();
    let (number, scale) = match text.char_indices().last()? {
        (i, 'K' | 'k') => (&text[..i], 1u64 << 10),
        (i, 'M' | 'm') => (&text[..i], 1 << 20),
        (i, 'G' | 'g') => (&text[..i], 1 << 30),
        (i, 'T' | 't') => (&text[..i], 1 << 40),
        _ => (text, 1),
    };
    let x: f64 = number.trim().parse().ok()?;
    (x.is_finite() && x >= 0.0).then_some((x * scale as f64) as u64)
}

/// The memory the system can give without swapping (Linux: `MemAvailable`
/// in `/proc/meminfo`); `None` where it cannot be told.
fn available_memory() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    meminfo_available(&meminfo)
}

fn meminfo_available(meminfo: &str) -> Option<u64> {
    let line = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemAvailable:"))?;
    let kib: u64 = line.trim().strip_suffix("kB")?.trim().parse().ok()?;
    Some(kib * 1024)
}

/// The nearest folder of `out` that exists (`out` itself, or the parent
/// it will be made in).
fn nearest_existing(out: &Path) -> Option<&Path> {
    out.ancestors()
        .map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        })
        .find(|p| p.exists())
}

/// Why `out` cannot be written, if it plainly cannot: the nearest of it
/// that exists is on a read-only file system or on one that
/// stores no files (such as `/proc`, which reports 0 B free), or this user
/// may not write there. Checked before the free space, so that such a
/// folder is not answered with "use fewer runs".
#[cfg(unix)]
fn unwritable(out: &Path) -> Option<String> {
    use rustix::fs::{Access, StatVfsMountFlags};
    let existing = nearest_existing(out)?;
    let shown = existing.display();
    if !existing.is_dir() {
        return None; // claiming the folder says so
    }
    let stat = rustix::fs::statvfs(existing).ok()?;
    if stat.f_flag.contains(StatVfsMountFlags::RDONLY) {
        return Some(format!("{shown} is on a read-only file system"));
    }
    if stat.f_blocks == 0 {
        return Some(format!(
            "{shown} is on a file system that stores no files (such as /proc or /sys)"
        ));
    }
    if rustix::fs::access(existing, Access::WRITE_OK).is_err() {
        return Some(format!("this user may not write into {shown}"));
    }
    None
}

#[cfg(not(unix))]
fn unwritable(_: &Path) -> Option<String> {
    None
}

/// Free space for an unprivileged user on the file system that will hold
/// `out` (the nearest folder of it that exists); `None` where it cannot be
/// told.
#[cfg(unix)]
fn free_space(out: &Path) -> Option<u64> {
    let existing = nearest_existing(out)?;
    let stat = rustix::fs::statvfs(existing).ok()?;
    Some(stat.f_bavail.saturating_mul(stat.f_frsize))
}

#[cfg(not(unix))]
fn free_space(_: &Path) -> Option<u64> {
    None
}

/// Bytes for people: `512 B`, `1.5 GiB`.
fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut x = n as f64 / 1024.0;
    let mut unit = 0;
    while x >= 1024.0 && unit + 1 < UNITS.len() {
        x /= 1024.0;
        unit += 1;
    }
    format!("{x:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `scenarios/race.toml` (three labs with names of 8, 10 and 7 bytes),
    /// with `steps` and `Upstart` repeated `count` times.
    fn race(runs: u64, steps: u32, labs: usize, threads: usize, decisive: bool) -> Shape {
        let name_bytes = if labs == 3 {
            25
        } else {
            18 + 11 * (labs as u64 - 2)
        };
        Shape {
            runs,
            steps,
            labs,
            name_bytes,
            longest_name: 11,
            decisive,
            threads,
            run_rows: true,
            figure_pixels: None,
        }
    }

    /// `shape` with figures of the default size.
    fn plotted(shape: Shape) -> Shape {
        Shape {
            figure_pixels: Some(1300 * 800),
            ..shape
        }
    }

    /// Peak resident memory (`/usr/bin/time -v`, KiB) of `airace run` on a
    /// debug build (with `--no-plots` unless `plotted`), for each shape; the
    /// estimate must be at least that (an upper bound) and at most 2.25
    /// times it.
    #[test]
    fn memory_estimates_bound_measured_peaks_within_a_factor_of_two() {
        let measured = [
            (race(8192, 1, 3, 2, true), 10_572),
            (race(4096, 120, 3, 1, true), 11_032),
            (race(8192, 120, 3, 2, true), 14_212),
            (race(4096, 5000, 3, 1, true), 39_256),
            (race(8192, 5000, 3, 2, true), 57_016),
            (race(8192, 20_000, 3, 2, true), 189_168),
            (race(4096, 120, 200, 1, true), 92_196),
            (race(8192, 120, 200, 2, true), 176_632),
            (race(4096, 5000, 200, 1, true), 346_688),
            (race(8192, 120, 3, 2, false), 15_128),
            (race(8192, 2000, 3, 2, false), 118_144),
            (race(4096, 5000, 3, 1, false), 415_924),
            (race(8192, 5000, 3, 2, false), 762_836),
            (race(4096, 10_000, 3, 1, false), 1_103_596),
            // Many labs, with and without figures (default size, 1300 x
            // 800 pixels): the estimate was 25-45% low before figures'
            // parsed time series and the aggregate's checkpoint bytes
            // counted.
            (race(200, 1500, 1000, 2, true), 488_900),
            (plotted(race(200, 1500, 1000, 2, true)), 679_780),
            (race(200, 1500, 500, 2, true), 252_924),
            (plotted(race(200, 1500, 500, 2, true)), 347_404),
        ];
        let mut table = String::new();
        let mut ok = true;
        for (shape, kib) in measured {
            let rss = kib * 1024;
            let e = estimate(&shape).memory;
            let ratio = e as f64 / rss as f64;
            ok &= (1.0..=2.25).contains(&ratio);
            table.push_str(&format!(
                "{:>6} steps {:>3} labs {} thread(s) decisive {:5}: measured {:>10}, estimate {:>10}, ratio {ratio:.2}\n",
                shape.steps, shape.labs, shape.threads, shape.decisive, bytes(rss), bytes(e)
            ));
        }
        eprintln!("{table}");
        assert!(
            ok,
            "estimates out of [1, 2.25] times the measured peaks:\n{table}"
        );
    }

    /// Bytes of `runs.csv` plus `labs.csv` written for each shape.
    #[test]
    fn disk_estimates_bound_measured_rows_within_a_factor_of_two() {
        let measured = [
            (race(8192, 120, 3, 2, true), 1_966_318),
            (race(8192, 120, 200, 2, true), 97_802_516),
            (race(8192, 2000, 3, 2, false), 2_720_311),
            (race(8192, 5000, 3, 2, false), 4_165_655),
            (race(4096, 10_000, 3, 1, false), 3_286_448),
        ];
        let mut table = String::new();
        let mut ok = true;
        for (shape, written) in measured {
            let without = Shape {
                run_rows: false,
                ..shape
            };
            let rows = estimate(&shape).disk - estimate(&without).disk;
            let ratio = rows as f64 / written as f64;
            ok &= (1.0..=2.0).contains(&ratio);
            table.push_str(&format!(
                "{:>6} steps {:>3} labs decisive {:5}: written {:>10}, estimate {:>10}, ratio {ratio:.2}\n",
                shape.steps, shape.labs, shape.decisive, bytes(written), bytes(rows)
            ));
        }
        eprintln!("{table}");
        assert!(
            ok,
            "estimates out of [1, 2] times the bytes written:\n{table}"
        );
    }

    /// Bytes of the figures folder of `scenarios/race.toml` (4 PNGs, 4
    /// SVGs), by size and steps: the estimate must be at least that and at
    /// most twice it.
    #[test]
    fn figure_estimates_bound_measured_sizes_within_a_factor_of_two() {
        let measured = [
            ((1300, 800), 120, 570_107),     // the default 6.5 x 4 in at 200 dpi
            ((1050, 780), 120, 597_729),     // 3.5 x 2.6 in at 300 dpi
            ((7800, 4800), 120, 5_091_455),  // 6.5 x 4 in at 1200 dpi
            ((48000, 2040), 120, 8_981_304), // 40 x 1.7 in at 1200 dpi
            ((1300, 800), 2000, 791_257),
        ];
        for ((w, h), steps, written) in measured {
            let estimate = FIGURES_PER_SCENARIO * figure_bytes(w * h, steps + 1);
            let ratio = estimate as f64 / written as f64;
            assert!(
                (1.0..=2.0).contains(&ratio),
                "{w} x {h}, {steps} steps: estimate {estimate}, written {written}"
            );
        }
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(parse_bytes("1000"), Some(1000));
        assert_eq!(parse_bytes("64K"), Some(65_536));
        assert_eq!(parse_bytes("1.5G"), Some(3 << 29));
        assert_eq!(parse_bytes(" 2 T "), Some(2 << 40));
        assert_eq!(parse_bytes("lots"), None);
        assert_eq!(parse_bytes("-1M"), None);
        assert_eq!(parse_bytes(""), None);
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(3 << 29), "1.5 GiB");
    }

    #[test]
    fn meminfo_gives_available_memory() {
        let meminfo = "MemTotal:       24684292 kB\nMemFree:        22226072 kB\n\
                       MemAvailable:   23575560 kB\nBuffers:          123 kB\n";
        assert_eq!(meminfo_available(meminfo), Some(23_575_560 * 1024));
        assert_eq!(meminfo_available("MemTotal: 1 kB\n"), None);
    }

    #[test]
    fn free_space_is_found_for_a_folder_not_made_yet() {
        let tmp = std::env::temp_dir()
            .join("airace-no-such-folder")
            .join("deeper");
        if cfg!(unix) {
            assert!(free_space(&tmp).is_some_and(|b| b > 0));
            assert!(free_space(Path::new("output")).is_some());
        }
    }
}
