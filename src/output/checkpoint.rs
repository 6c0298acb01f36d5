//! Checkpoints: what a long run has done so far, saved so that
//! `airace run ... --resume` can go on from the last completed wave of
//! blocks and end with the bytes of an uninterrupted run.
//!
//! While a scenario runs, its per-run rows are written to
//! `DIR/.airace-checkpoint/runs.csv` and `labs.csv` (renamed into `DIR` when
//! it finishes). A checkpoint adds `aggregate.bin` (the exact aggregate of
//! every run before `next_run`) and `checkpoint.json` (which run, which
//! scenario, and how many bytes of each row file belong to it), written
//! atomically, the JSON last. One is taken every `--checkpoint-every`
//! seconds and when a signal stops the run. Everything in the folder is
//! airace's own and is removed when the command completes.

use super::atomic;
use super::rows::{LABS_FILE, Prefix, RUNS_FILE, RowWriter};
use crate::engine::{Aggregate, Block, BlockSink};
use crate::stats::codec::fnv_hex;
use serde::{Deserialize, Serialize};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The checkpoint folder inside a scenario's (or a shard's) folder.
pub const DIR: &str = ".airace-checkpoint";
const FILE: &str = "checkpoint.json";
/// The aggregate state, in the file a shard keeps it in.
use super::files::AGGREGATE;
const FORMAT: &str = "airace-checkpoint";

/// What a checkpoint belongs to: a resumed run must be the same run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub airace_version: String,
    /// FNV-1a of the scenario as run (`Scenario::to_toml`), in hex.
    pub scenario_fnv: String,
    pub seed: u64,
    pub runs: u64,
    /// The runs this folder holds: all of them, or a shard's.
    pub first_run: u64,
    pub end_run: u64,
    pub run_rows: bool,
}

impl Identity {
    /// How `self` (found) differs from `other` (wanted), in words.
    pub fn differences(&self, wanted: &Identity) -> Vec<String> {
        let mut out = Vec::new();
        let mut diff = |what: &str, a: String, b: String| {
            if a != b {
                out.push(format!("{what} {a} there, {b} here"));
            }
        };
        diff(
            "airace",
            self.airace_version.clone(),
            wanted.airace_version.clone(),
        );
        diff("seed", self.seed.to_string(), wanted.seed.to_string());
        diff("runs", self.runs.to_string(), wanted.runs.to_string());
        diff(
            "run range",
            format!("{}..{}", self.first_run, self.end_run),
            format!("{}..{}", wanted.first_run, wanted.end_run),
        );
        diff(
            "per-run rows",
            on_off(self.run_rows),
            on_off(wanted.run_rows),
        );
        if self.scenario_fnv != wanted.scenario_fnv {
            out.push("the scenario differs".into());
        }
        out
    }
}

fn on_off(b: bool) -> String {
    if b { "on" } else { "off" }.to_string()
}

/// `checkpoint.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Checkpoint {
    pub format: String,
    #[serde(flatten)]
    pub identity: Identity,
    /// Every run before this one is in the aggregate and the row files.
    pub next_run: u64,
    /// The scenario ran to its end (its outputs may already be in place).
    pub complete: bool,
    pub runs_csv_bytes: u64,
    pub labs_csv_bytes: u64,
    /// CRC-32 of those first bytes of each row file, 8 hex digits: a row
    /// file changed or damaged since is refused on resume.
    pub runs_csv_crc32: String,
    pub labs_csv_crc32: String,
    /// FNV-1a of `aggregate.bin`, in hex.
    pub aggregate_fnv: String,
    /// The scenario's outputs are written (a command of several scenarios
    /// keeps its finished scenarios' checkpoints until it ends).
    #[serde(default)]
    pub written: bool,
}

impl Checkpoint {
    /// What the checkpoint says of `runs.csv` and `labs.csv`.
    pub fn prefixes(&self) -> Result<[Prefix; 2], String> {
        let crc = |hex: &str, name: &str| {
            u32::from_str_radix(hex, 16)
                .ok()
                .filter(|_| hex.len() == 8)
                .ok_or_else(|| format!("{name}_crc32 {hex:?} is not 8 hex digits"))
        };
        Ok([
            Prefix {
                bytes: self.runs_csv_bytes,
                crc32: crc(&self.runs_csv_crc32, "runs_csv")?,
            },
            Prefix {
                bytes: self.labs_csv_bytes,
                crc32: crc(&self.labs_csv_crc32, "labs_csv")?,
            },
        ])
    }
}

/// A checkpoint read back, with its aggregate.
#[derive(Debug)]
pub struct Saved {
    pub checkpoint: Checkpoint,
    pub aggregate: Aggregate,
}

/// The checkpoint folder of `dir`.
pub fn folder(dir: &Path) -> PathBuf {
    dir.join(DIR)
}

/// Reads the checkpoint in `dir`'s checkpoint folder: `Ok(None)` when there
/// is none, an error (in words) when it is damaged.
pub fn load(dir: &Path, labs: usize, steps: u32) -> Result<Option<Saved>, String> {
    let work = folder(dir);
    let path = work.join(FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let checkpoint: Checkpoint =
        serde_json::from_str(&text).map_err(|e| format!("{} is damaged: {e}", path.display()))?;
    if checkpoint.format != FORMAT {
        return Err(format!("{} is not an airace checkpoint", path.display()));
    }
    let bin = work.join(AGGREGATE);
    let bytes = std::fs::read(&bin).map_err(|e| format!("cannot read {}: {e}", bin.display()))?;
    if fnv_hex(&bytes) != checkpoint.aggregate_fnv {
        return Err(format!(
            "{} does not match its checkpoint.json (damaged, or from another checkpoint)",
            bin.display()
        ));
    }
    let aggregate = Aggregate::from_bytes(&bytes, labs, steps)
        .map_err(|e| format!("{}: {e}", bin.display()))?;
    let id = &checkpoint.identity;
    let next = checkpoint.next_run;
    let aligned = |run: u64| run.is_multiple_of(crate::engine::BLOCK_RUNS);
    let in_range = id.first_run <= next && next <= id.end_run && id.end_run <= id.runs;
    if !(in_range && aligned(id.first_run) && (aligned(next) || next == id.end_run)) {
        return Err(format!(
            "{} is damaged: run {next} is not a block boundary in runs {}..{} of {}",
            path.display(),
            id.first_run,
            id.end_run,
            id.runs
        ));
    }
    if aggregate.runs.checked_add(id.first_run) != Some(checkpoint.next_run) {
        return Err(format!(
            "{} holds {} runs, but its checkpoint says runs {}..{}",
            bin.display(),
            aggregate.runs,
            id.first_run,
            checkpoint.next_run
        ));
    }
    // Once the outputs are written, the rows are in them, not here.
    if checkpoint.identity.run_rows && !checkpoint.written {
        let prefixes = checkpoint
            .prefixes()
            .map_err(|e| format!("{} is damaged: {e}", path.display()))?;
        for (name, p) in [RUNS_FILE, LABS_FILE].into_iter().zip(prefixes) {
            check_prefix(&work.join(name), p)?;
        }
    }
    Ok(Some(Saved {
        checkpoint,
        aggregate,
    }))
}

/// Checks that the row file at `path` begins with the bytes a checkpoint
/// recorded of it: at least `p.bytes` of them, with CRC-32 `p.crc32`.
fn check_prefix(path: &Path, p: Prefix) -> Result<(), String> {
    use std::io::Read;
    let shown = path.display();
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let found = file
        .metadata()
        .map_err(|e| format!("cannot read {shown}: {e}"))?
        .len();
    if found < p.bytes {
        return Err(format!(
            "{shown} holds {found} bytes, fewer than the {} its checkpoint recorded",
            p.bytes
        ));
    }
    let mut hasher = crc32fast::Hasher::new();
    let mut prefix = file.take(p.bytes);
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = prefix
            .read(&mut buf)
            .map_err(|e| format!("cannot read {shown}: {e}"))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    if hasher.finalize() != p.crc32 {
        return Err(format!(
            "{shown} does not hold the bytes its checkpoint recorded (CRC-32 differs): it was \
             changed or damaged since"
        ));
    }
    Ok(())
}

/// Saves a checkpoint: the aggregate, then `checkpoint.json`, each atomically.
pub fn save(
    dir: &Path,
    identity: &Identity,
    aggregate: &Aggregate,
    next_run: u64,
    complete: bool,
    rows: Option<&mut RowWriter>,
) -> io::Result<()> {
    let work = folder(dir);
    let none = Prefix { bytes: 0, crc32: 0 };
    let [runs, labs] = match rows {
        Some(rows) => rows.sync()?,
        None => [none, none],
    };
    let bytes = aggregate.to_bytes();
    let checkpoint = Checkpoint {
        format: FORMAT.into(),
        identity: identity.clone(),
        next_run,
        complete,
        runs_csv_bytes: runs.bytes,
        labs_csv_bytes: labs.bytes,
        runs_csv_crc32: super::folder::hex(runs.crc32),
        labs_csv_crc32: super::folder::hex(labs.crc32),
        aggregate_fnv: fnv_hex(&bytes),
        written: false,
    };
    atomic::stage(&work.join(AGGREGATE), &bytes)?.commit()?;
    write_json(&work, &checkpoint)
}

fn write_json(work: &Path, checkpoint: &Checkpoint) -> io::Result<()> {
    let mut json = serde_json::to_vec_pretty(checkpoint).expect("a checkpoint serializes");
    json.push(b'\n');
    atomic::stage(&work.join(FILE), &json)?.commit()
}

/// Notes in `dir`'s checkpoint that the scenario's outputs are written.
pub fn mark_written(dir: &Path) -> io::Result<()> {
    let work = folder(dir);
    let bytes = std::fs::read(work.join(FILE))?;
    let mut checkpoint: Checkpoint = serde_json::from_slice(&bytes)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    checkpoint.written = true;
    write_json(&work, &checkpoint)
}

/// Removes what airace put in `dir`'s checkpoint folder (its files, by
/// name, and their temporary files), then the folder if that empties it:
/// a file of the user's in it stays, and so does the folder.
pub fn remove(dir: &Path) -> io::Result<()> {
    let work = folder(dir);
    let entries = match std::fs::read_dir(&work) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let ours = [FILE, AGGREGATE, RUNS_FILE, LABS_FILE];
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let temp_of_ours = ours
            .iter()
            .any(|f| name.starts_with(&format!(".{f}.airace-tmp-")));
        if (ours.contains(&name.as_str()) || temp_of_ours) && entry.file_type()?.is_file() {
            std::fs::remove_file(entry.path())?;
        }
    }
    match std::fs::remove_dir(&work) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        // Not empty: something of the user's is in it.
        Err(_) => Ok(()),
    }
}

/// The engine's sink for a scenario: streams rows (if any) and takes a
/// checkpoint every `every` of wall time.
pub struct CheckpointSink<'a> {
    pub dir: &'a Path,
    pub identity: &'a Identity,
    pub rows: Option<RowWriter>,
    pub every: Duration,
    pub last: Instant,
    /// A checkpoint has been saved in this process or an earlier one.
    pub saved: bool,
}

impl CheckpointSink<'_> {
    /// Saves a checkpoint of `aggregate` (every run before `next_run`).
    pub fn save(&mut self, aggregate: &Aggregate, next_run: u64, complete: bool) -> io::Result<()> {
        save(
            self.dir,
            self.identity,
            aggregate,
            next_run,
            complete,
            self.rows.as_mut(),
        )?;
        self.saved = true;
        self.last = Instant::now();
        Ok(())
    }

    /// Notes in the checkpoint that the outputs are written.
    pub fn mark_written(&self) -> io::Result<()> {
        mark_written(self.dir)
    }

    /// The run stopped before its end: keeps the checkpoint, and the rows it
    /// counts, if one was saved; otherwise removes the checkpoint folder and
    /// the partial rows in it. Returns whether a checkpoint was kept.
    pub fn abandon(mut self) -> bool {
        if self.saved {
            if let Some(rows) = self.rows.as_mut() {
                rows.keep();
            }
            true
        } else {
            let dir = self.dir;
            drop(self);
            let _ = remove(dir);
            false
        }
    }
}

impl BlockSink for CheckpointSink<'_> {
    type Prepared = Option<(String, String)>;
    type Error = io::Error;

    fn prepare(&self, block: &Block) -> Self::Prepared {
        self.rows.as_ref().map(|r| r.prepare(block))
    }

    fn consume(&mut self, block: &Block, prepared: Self::Prepared) -> io::Result<()> {
        match (&mut self.rows, prepared) {
            (Some(rows), Some(p)) => rows.consume(block, p),
            _ => Ok(()),
        }
    }

    fn wave_done(&mut self, aggregate: &Aggregate, next_run: u64) -> io::Result<()> {
        if self.last.elapsed() >= self.every && next_run < self.identity.end_run {
            self.save(aggregate, next_run, false)?;
        }
        Ok(())
    }
}

/// FNV-1a of a scenario as run, in hex, but for its seed and runs (which
/// checkpoints and shards record, and compare, on their own).
pub fn scenario_fnv(scenario: &crate::Scenario) -> String {
    let mut s = scenario.clone();
    (s.meta.seed, s.meta.runs) = (0, 0);
    fnv_hex(s.to_toml().as_bytes())
}
