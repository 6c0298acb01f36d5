//! Which files of an output folder are airace's, and how they are written.
//!
//! airace never decides by a file's name alone. A folder is airace's only
//! if it holds airace's record of it, [`RECORD`], written before anything
//! else; the record names the folder's kind (a run's scenario, a
//! comparison, a sweep, a game, ...) and lists every file airace wrote there
//! with its size and CRC-32. A file is airace's only if the record lists it
//! and it still has that size and checksum: anything else (a file of the
//! user's, one changed since airace wrote it, a symlink) is the user's, and
//! airace never overwrites or deletes it, `--force` or not. `--force` only
//! lets airace write beside the user's files, never over them.
//!
//! One process writes a folder at a time: [`Folder::claim`] takes an
//! advisory lock (`flock` on [`LOCK`], released by the kernel when the
//! process ends, however it ends) for as long as the [`Folder`] lives; a
//! second airace into the same folder is refused at once, with the
//! holder's process id.
//!
//! [`Folder::commit`] is all or nothing: every file is written and synced
//! under a temporary name first (a full disk shows there), then the
//! temporary names are listed in the record, then everything is renamed
//! into place, the manifest last, and the record rewritten. On a failure
//! or a signal before the renames, the temporary files are removed and the
//! folder is as it was; temporary files left by a killed process are found
//! through the record and removed by the next command into the folder.

use super::atomic::{self, AtomicFile};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// airace's record of a folder: its kind and the files it wrote there.
pub const RECORD: &str = ".airace-record.json";
/// The lock file, held (`flock`) by the one process writing the folder.
pub const LOCK: &str = ".airace-lock";
const FORMAT: &str = "airace-folder";
/// With this variable in the environment, a commit behaves as if a signal
/// had arrived as it began (tests only).
const TEST_STOP_WRITING: &str = "AIRACE_TEST_STOP_WRITING";
const VERSION: u32 = 1;

/// The kinds of folder airace writes. A folder of one kind is never written
/// as another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// One scenario's results (`airace run`, a kept sweep point, a merge).
    Scenario,
    /// A shard of a scenario's runs (`airace run --shard`).
    ScenarioShard,
    /// The side-by-side table of several scenarios.
    Comparison,
    /// A sweep's results.
    Sweep,
    /// A shard of a sweep's points.
    SweepShard,
    /// `airace game`.
    Game,
    /// `airace classic dsair`.
    Dsair,
    /// `airace classic precipice`.
    Precipice,
    /// `airace explore`.
    Exploration,
    /// A shard of an exploration's experiments (`airace explore --shard`).
    ExplorationShard,
}

impl Kind {
    /// In words, for messages.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Scenario => "a scenario's results",
            Kind::ScenarioShard => "a scenario shard",
            Kind::Comparison => "a comparison",
            Kind::Sweep => "a sweep",
            Kind::SweepShard => "a sweep shard",
            Kind::Game => "a game's analysis",
            Kind::Dsair => "the DSAIR model's results",
            Kind::Precipice => "the precipice model's results",
            Kind::Exploration => "an exploration",
            Kind::ExplorationShard => "an exploration shard",
        }
    }

    /// The subfolders a folder of this kind keeps: whatever is in them
    /// comes from airace (the checkpoint's own files, checked by its
    /// manifest, and kept sweep points, each a folder with a record of its
    /// own) or is listed in the record (figures).
    fn subfolders(self) -> &'static [&'static str] {
        match self {
            Kind::Scenario => &[super::files::FIGURES_DIR, super::checkpoint::DIR],
            Kind::ScenarioShard => &[super::checkpoint::DIR],
            Kind::Sweep => &[super::files::FIGURES_DIR, "points"],
            Kind::SweepShard => &["points"],
            Kind::Exploration => &[super::files::FIGURES_DIR, super::checkpoint::DIR],
            Kind::ExplorationShard => &[super::checkpoint::DIR],
            Kind::Comparison | Kind::Game | Kind::Dsair | Kind::Precipice => {
                &[super::files::FIGURES_DIR]
            }
        }
    }

    /// Subfolders whose content airace manages itself (not file by file
    /// in the record).
    fn self_managed(self, name: &str) -> bool {
        name == super::checkpoint::DIR || name == "points"
    }
}

/// A file as airace wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Written {
    pub bytes: u64,
    /// CRC-32, 8 hex digits.
    pub crc32: String,
}

/// A file being renamed into place: where it goes, and what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Staged {
    target: String,
    #[serde(flatten)]
    written: Written,
}

/// The record's bytes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Record {
    format: String,
    version: u32,
    kind: Kind,
    /// Every file airace wrote here, by its path in the folder.
    files: BTreeMap<String, Written>,
    /// Temporary files of a commit under way, by their path in the folder.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    staging: BTreeMap<String, Staged>,
}

impl Record {
    fn new(kind: Kind) -> Record {
        Record {
            format: FORMAT.into(),
            version: VERSION,
            kind,
            files: BTreeMap::new(),
            staging: BTreeMap::new(),
        }
    }

    /// Whether `path`, holding `found`, is a file airace wrote: listed
    /// with those bytes, or about to be renamed there with them.
    fn owns(&self, path: &str, found: &Written) -> bool {
        self.files.get(path) == Some(found)
            || self
                .staging
                .values()
                .any(|s| s.target == path && &s.written == found)
    }
}

/// Why airace will not write into a folder: the user's to fix (exit 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

/// Why a commit did not happen. In every case the folder's final names
/// are as they were.
#[derive(Debug, thiserror::Error)]
pub enum CommitError {
    #[error(transparent)]
    Io(#[from] io::Error),
    #[error(transparent)]
    Refused(#[from] Refused),
    #[error(transparent)]
    Stopped(#[from] crate::interrupt::StoppedWriting),
}

/// What a commit replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The whole folder: what an earlier command wrote and this commit does
    /// not is removed.
    Whole,
    /// The figures and the report page only (`airace plot`): the data files
    /// stay as they are.
    Page,
}

impl Scope {
    /// Whether the file `name` of an earlier commit falls to this one.
    fn covers(self, name: &str) -> bool {
        match self {
            Scope::Whole => true,
            Scope::Page => {
                name == super::report::FILE_NAME
                    || name.starts_with(&format!("{}/", super::files::FIGURES_DIR))
            }
        }
    }
}

/// As an `anyhow` error whose type tells the exit code: a refusal stays a
/// [`Refused`] (2) and a signal a [`crate::interrupt::StoppedWriting`] (130).
pub fn into_anyhow(e: CommitError) -> anyhow::Error {
    match e {
        CommitError::Io(e) => anyhow::Error::new(e),
        CommitError::Refused(e) => anyhow::Error::new(e),
        CommitError::Stopped(e) => anyhow::Error::new(e),
    }
}

/// A folder airace may write, locked for this process while it lives.
#[derive(Debug)]
pub struct Folder {
    dir: PathBuf,
    kind: Kind,
    record: Record,
    /// Holds the `flock`; closed (and so released) on drop.
    _lock: Option<File>,
}

impl std::ops::Deref for Folder {
    type Target = Path;

    /// The folder's path.
    fn deref(&self) -> &Path {
        &self.dir
    }
}

/// What is in a folder, by owner.
#[derive(Debug, Default)]
struct Survey {
    /// Entries that are not airace's, by path in the folder.
    foreign: Vec<String>,
    /// Of those, the ones airace would write over (its own names, or in
    /// its subfolders).
    colliding: Vec<String>,
    /// Temporary files a killed airace left (in the record's staging).
    leftovers: Vec<String>,
}

impl Folder {
    /// Claims `dir` for a folder of `kind`, before any work: creates it if
    /// need be, takes its lock, and checks that nothing of the user's would
    /// be written over. Refused (with what to do) when the folder is of
    /// another kind, is being written by another process, holds files that
    /// are not airace's (without `force`), or holds a file of the user's
    /// where airace would write one of its own (even with `force`).
    pub fn claim(dir: &Path, kind: Kind, force: bool) -> Result<Folder, Refused> {
        Folder::claim_for(dir, kind, force, Scope::Whole)
    }

    /// [`claim`](Self::claim) for a commit of `scope`: only a file of the
    /// user's where that scope writes stands in the way.
    fn claim_for(dir: &Path, kind: Kind, force: bool, scope: Scope) -> Result<Folder, Refused> {
        let shown = dir.display();
        match std::fs::symlink_metadata(dir) {
            Ok(m) if m.is_dir() => {}
            Ok(m) if m.file_type().is_symlink() && dir.is_dir() => {}
            Ok(_) => {
                return Err(Refused(format!(
                    "{shown} exists and is not a folder: choose another --out or --name"
                )));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(Refused(format!(
                    "cannot write to output folder {shown}: {e}"
                )));
            }
        }
        // A first look, before anything is created: a refusal writes nothing.
        if dir.is_dir() {
            let record = read_record(dir)?;
            check(dir, kind, record.as_ref(), force, scope)?;
        }
        let cannot = |e: io::Error| Refused(format!("cannot write to output folder {shown}: {e}"));
        std::fs::create_dir_all(dir).map_err(cannot)?;
        let lock = lock(dir)?;
        // Under the lock, the look that counts.
        let record = read_record(dir)?;
        let survey = check(dir, kind, record.as_ref(), force, scope)?;
        let mut folder = Folder {
            dir: dir.to_path_buf(),
            kind,
            record: record.unwrap_or_else(|| Record::new(kind)),
            _lock: lock,
        };
        for leftover in &survey.leftovers {
            let _ = std::fs::remove_file(dir.join(leftover));
        }
        // A commit killed during its renames: what it renamed is airace's.
        for staged in std::mem::take(&mut folder.record.staging).into_values() {
            let path = dir.join(&staged.target);
            if checksum(&path).is_ok_and(|found| found == staged.written) {
                folder.record.files.insert(staged.target, staged.written);
            }
        }
        folder.save_record().map_err(cannot)?;
        Ok(folder)
    }

    /// Opens a folder airace wrote, to write into it again as the kind its
    /// record names (`airace plot` redraws its figures): `None` if it has no
    /// record. The user's files beside airace's are left as they are.
    pub fn open(dir: &Path) -> Result<Option<Folder>, Refused> {
        match read_record(dir)? {
            None => Ok(None),
            Some(record) => Folder::claim_for(dir, record.kind, true, Scope::Page).map(Some),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Where `name` (a path in the folder, e.g. `figures/risk.png`) is.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Writes `bytes` under a temporary name, to become `name` (a path in
    /// the folder) on [`commit`](Self::commit). A subfolder is made if need
    /// be, and must be a real folder: a symlink is never followed.
    pub fn stage(&self, name: &str, bytes: &[u8]) -> io::Result<AtomicFile> {
        let target = self.dir.join(name);
        if let Some((sub, _)) = name.rsplit_once('/') {
            let sub = self.dir.join(sub);
            match std::fs::symlink_metadata(&sub) {
                Ok(m) if m.is_dir() => {}
                Ok(_) => {
                    return Err(io::Error::new(
                        io::ErrorKind::AlreadyExists,
                        format!(
                            "{} is not a folder airace made (a file or a symlink): \
                             airace does not write through it",
                            sub.display()
                        ),
                    ));
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => std::fs::create_dir(&sub)?,
                Err(e) => return Err(e),
            }
        }
        atomic::stage(&target, bytes)
    }

    /// Renames every staged file into place, all or nothing; `manifest`
    /// (if any) last. Files the record listed before and this commit does
    /// not write are removed (if unchanged since airace wrote them). Before
    /// anything is renamed: every file is synced (so a full disk fails
    /// here), a signal stops the commit, and a target that is not
    /// airace's refuses it; in each case the temporary files are removed
    /// and the folder is as it was, except that per-run rows kept for a
    /// checkpoint stay with it.
    pub fn commit(
        &mut self,
        mut staged: Vec<AtomicFile>,
        manifest: Option<AtomicFile>,
        scope: Scope,
    ) -> Result<(), CommitError> {
        staged.extend(manifest);
        let result = self.commit_all(&mut staged, scope);
        if result.is_err() {
            let checkpoint = self.dir.join(super::checkpoint::DIR);
            for file in &mut staged {
                if file.temp().starts_with(&checkpoint) {
                    file.keep();
                }
            }
        }
        result
    }

    fn commit_all(
        &mut self,
        staged: &mut Vec<AtomicFile>,
        scope: Scope,
    ) -> Result<(), CommitError> {
        let stopped = || crate::interrupt::StoppedWriting {
            folder: self.dir.clone(),
        };
        if std::env::var_os(TEST_STOP_WRITING).is_some() {
            // Tests: a signal that arrives while the outputs are written.
            crate::interrupt::INTERRUPTED.store(true, std::sync::atomic::Ordering::SeqCst);
        }
        let mut written = BTreeMap::new();
        for file in staged.iter_mut() {
            if crate::interrupt::interrupted() {
                return Err(stopped().into());
            }
            file.prepare()?;
            let name = self.relative(file.target())?;
            written.insert(
                name,
                Written {
                    bytes: file.len(),
                    crc32: hex(file.crc()),
                },
            );
        }
        // Nothing of the user's is written over, even if it appeared during
        // the run.
        let mut theirs = Vec::new();
        for name in written.keys() {
            let path = self.dir.join(name);
            match std::fs::symlink_metadata(&path) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Ok(m) if m.is_file() && self.record.owns(name, &checksum(&path)?) => {}
                _ => theirs.push(name.clone()),
            }
        }
        if !theirs.is_empty() {
            return Err(Refused(format!(
                "{} now holds {} that airace did not write (or that changed since): \
                 nothing was written over them; move them away and run again",
                self.dir.display(),
                theirs.join(", ")
            ))
            .into());
        }
        if crate::interrupt::interrupted() {
            return Err(stopped().into());
        }
        // The temporary files, in the record, so a killed process's are
        // found; then the renames.
        for file in staged.iter() {
            let temp = self.relative(file.temp())?;
            if temp.starts_with(super::checkpoint::DIR) {
                continue;
            }
            let target = self.relative(file.target())?;
            let w = written[&target].clone();
            self.record
                .staging
                .insert(temp, Staged { target, written: w });
        }
        self.save_record()?;
        for file in staged.drain(..) {
            file.rename()?;
        }
        sync_dir(&self.dir);
        // What an earlier command wrote and this one did not.
        let previous = std::mem::take(&mut self.record.files);
        for (name, was) in &previous {
            if written.contains_key(name) {
                continue;
            }
            let path = self.dir.join(name);
            let unchanged = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file())
                && checksum(&path).is_ok_and(|found| &found == was);
            if !unchanged {
                continue; // gone, or the user's now: not airace's to touch
            }
            if scope.covers(name) {
                std::fs::remove_file(&path)?;
            } else {
                written.insert(name.clone(), was.clone());
            }
        }
        for sub in self.kind.subfolders() {
            let sub = self.dir.join(sub);
            let is_dir = std::fs::symlink_metadata(&sub).is_ok_and(|m| m.is_dir());
            if is_dir && std::fs::read_dir(&sub).is_ok_and(|mut e| e.next().is_none()) {
                let _ = std::fs::remove_dir(&sub);
            }
        }
        self.record.files = written;
        self.record.staging.clear();
        self.save_record()?;
        Ok(())
    }

    /// `path`'s place in the folder, as the record writes it.
    fn relative(&self, path: &Path) -> io::Result<String> {
        let rel = path.strip_prefix(&self.dir).map_err(|_| {
            io::Error::other(format!(
                "{} is outside the output folder {}",
                path.display(),
                self.dir.display()
            ))
        })?;
        Ok(rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"))
    }

    fn save_record(&self) -> io::Result<()> {
        let mut bytes = serde_json::to_vec_pretty(&self.record).expect("a record serializes");
        bytes.push(b'\n');
        let mut file = atomic::stage(&self.dir.join(RECORD), &bytes)?;
        file.prepare()?;
        file.rename()?;
        sync_dir(&self.dir);
        Ok(())
    }
}

/// The size and CRC-32 of the file at `path`.
pub fn checksum(path: &Path) -> io::Result<Written> {
    let mut file = File::open(path)?;
    let mut hasher = crc32fast::Hasher::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        bytes += n as u64;
    }
    Ok(Written {
        bytes,
        crc32: hex(hasher.finalize()),
    })
}

/// A CRC-32 as it is written in records and manifests: 8 hex digits.
pub fn hex(crc: u32) -> String {
    format!("{crc:08x}")
}

/// Reads `dir`'s record: `None` if it has none; refused if it is damaged.
fn read_record(dir: &Path) -> Result<Option<Record>, Refused> {
    let path = dir.join(RECORD);
    let damaged = |why: String| {
        Refused(format!(
            "{} is damaged ({why}): airace cannot tell which files in {} are its own, so it \
             writes nothing there; choose another --out, or remove the folder",
            path.display(),
            dir.display()
        ))
    };
    match std::fs::symlink_metadata(&path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(damaged(e.to_string())),
        Ok(m) if !m.is_file() => return Err(damaged("not a file".into())),
        Ok(m) if m.len() > 64 << 20 => return Err(damaged("larger than 64 MiB".into())),
        Ok(_) => {}
    }
    let bytes = std::fs::read(&path).map_err(|e| damaged(e.to_string()))?;
    let record: Record = serde_json::from_slice(&bytes).map_err(|e| damaged(e.to_string()))?;
    if record.format != FORMAT || record.version != VERSION {
        return Err(damaged(format!(
            "format {} version {}, expected {FORMAT} version {VERSION}",
            record.format, record.version
        )));
    }
    let safe = |p: &str| {
        !p.is_empty()
            && p.split('/')
                .all(|c| !c.is_empty() && c != "." && c != ".." && !c.contains('\\'))
    };
    if let Some(bad) = record
        .files
        .keys()
        .chain(record.staging.keys())
        .chain(record.staging.values().map(|s| &s.target))
        .find(|p| !safe(p))
    {
        return Err(damaged(format!(
            "it lists a path outside the folder: {bad:?}"
        )));
    }
    Ok(Some(record))
}

/// Looks at every entry of `dir` and decides whether a `kind` folder may be
/// written there.
fn check(
    dir: &Path,
    kind: Kind,
    record: Option<&Record>,
    force: bool,
    scope: Scope,
) -> Result<Survey, Refused> {
    let shown = dir.display();
    if let Some(r) = record.filter(|r| r.kind != kind) {
        return Err(Refused(format!(
            "{shown} holds {} (its record {RECORD} says so), and airace never writes {} into it: \
             choose another --out or --name",
            r.kind.label(),
            kind.label()
        )));
    }
    let mut survey = survey(dir, kind, record)
        .map_err(|e| Refused(format!("cannot read output folder {shown}: {e}")))?;
    survey
        .colliding
        .retain(|name| scope.covers(name) || name == super::files::FIGURES_DIR);
    if !survey.colliding.is_empty() {
        let legacy =
            record.is_none() && survey.colliding.iter().any(|n| n == super::files::MANIFEST);
        return Err(Refused(format!(
            "{shown} holds {} that airace did not write, or that changed since it wrote them, \
             where it would write its own: airace never writes over them, --force or not; move \
             them away or choose another --out or --name{}",
            list(&survey.colliding),
            if legacy {
                " (a folder written by an airace older than 0.1's folder records has no \
                 record of its files: remove it to run there again)"
            } else {
                ""
            }
        )));
    }
    let visible: Vec<String> = survey
        .foreign
        .iter()
        .filter(|n| !n.starts_with('.'))
        .cloned()
        .collect();
    if !visible.is_empty() && !force {
        return Err(Refused(format!(
            "{shown} holds {} that airace did not write: choose another --out or --name, or add \
             --force to write airace's files beside them (airace never writes over or deletes \
             a file it did not write)",
            list(&visible)
        )));
    }
    Ok(survey)
}

/// Up to five names, then how many more.
fn list(names: &[String]) -> String {
    let shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
    let more = names.len().saturating_sub(5);
    format!(
        "{}{}",
        shown.join(", "),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        }
    )
}

/// Sorts `dir`'s entries by owner.
fn survey(dir: &Path, kind: Kind, record: Option<&Record>) -> io::Result<Survey> {
    let mut out = Survey::default();
    let own_name = |name: &str| kind_names(kind).contains(&name);
    let visit =
        |out: &mut Survey, name: String, meta: std::fs::Metadata, in_sub: bool| -> io::Result<()> {
            if let Some(r) = record {
                if r.staging.contains_key(&name) && meta.is_file() {
                    out.leftovers.push(name);
                    return Ok(());
                }
                if meta.is_file() && r.files.contains_key(&name) {
                    let found = checksum(&dir.join(&name))?;
                    if r.owns(&name, &found) {
                        return Ok(());
                    }
                    out.colliding.push(name);
                    return Ok(());
                }
                if meta.is_file() && r.staging.values().any(|s| s.target == name) {
                    let found = checksum(&dir.join(&name))?;
                    if r.owns(&name, &found) {
                        return Ok(());
                    }
                }
            }
            let collides = in_sub || own_name(&name);
            if collides {
                out.colliding.push(name.clone());
            }
            out.foreign.push(name);
            Ok(())
        };
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == RECORD || name == LOCK {
            continue;
        }
        let meta = std::fs::symlink_metadata(entry.path())?;
        let sub = kind.subfolders().contains(&name.as_str());
        if sub && meta.is_dir() && record.is_some() {
            if kind.self_managed(&name) {
                continue;
            }
            let mut inner: Vec<_> = std::fs::read_dir(entry.path())?.collect::<Result<_, _>>()?;
            inner.sort_by_key(|e| e.file_name());
            for e in inner {
                let meta = std::fs::symlink_metadata(e.path())?;
                let inner_name = format!("{name}/{}", e.file_name().to_string_lossy());
                visit(&mut out, inner_name, meta, true)?;
            }
            continue;
        }
        // A subfolder airace would use, but not made by it (or a symlink).
        if sub {
            out.colliding.push(name.clone());
            out.foreign.push(name);
            continue;
        }
        visit(&mut out, name, meta, false)?;
    }
    Ok(out)
}

/// The names a folder of `kind` writes at its top level (a file of the
/// user's by one of these names is refused at the claim, before any work;
/// any other that appears is refused at the commit).
fn kind_names(kind: Kind) -> Vec<&'static str> {
    use super::files::{
        AGGREGATE, MANIFEST, SCENARIO_TOML, SHARD_MANIFEST, SUMMARY_CSV, SUMMARY_JSON, TIMESERIES,
    };
    use super::game_folder::GameFolder;
    use super::rows::{LABS_FILE, RUNS_FILE};
    let page = super::report::FILE_NAME;
    let game = |g: GameFolder| {
        let mut names = g.files().to_vec();
        names.push(page);
        names
    };
    match kind {
        Kind::Scenario => vec![
            SUMMARY_JSON,
            SUMMARY_CSV,
            TIMESERIES,
            RUNS_FILE,
            LABS_FILE,
            SCENARIO_TOML,
            MANIFEST,
            page,
        ],
        Kind::ScenarioShard => vec![
            RUNS_FILE,
            LABS_FILE,
            SCENARIO_TOML,
            AGGREGATE,
            SHARD_MANIFEST,
        ],
        Kind::Comparison => vec![super::comparison::FILE_NAME, MANIFEST, page],
        Kind::Sweep => vec![
            crate::output::sweep_folder::SWEEP_FILE,
            crate::sweep::REPRODUCE_FILE,
            MANIFEST,
            page,
        ],
        Kind::SweepShard => vec![
            crate::output::sweep_folder::SWEEP_FILE,
            crate::sweep::REPRODUCE_FILE,
            SHARD_MANIFEST,
        ],
        Kind::Game => game(GameFolder::Game),
        Kind::Dsair => game(GameFolder::Dsair),
        Kind::Precipice => game(GameFolder::Precipice),
        Kind::Exploration => {
            let mut names = super::exploration_folder::FILES.to_vec();
            names.push(page);
            names
        }
        Kind::ExplorationShard => super::exploration_folder::SHARD_FILES.to_vec(),
    }
}

/// Takes `dir`'s lock, or says who holds it.
#[cfg(unix)]
fn lock(dir: &Path) -> Result<Option<File>, Refused> {
    use rustix::fs::{FlockOperation, flock};
    let path = dir.join(LOCK);
    let cannot = |e: io::Error| {
        Refused(format!(
            "cannot write to output folder {}: {e}",
            dir.display()
        ))
    };
    if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
        return Err(Refused(format!(
            "{} is not a file airace made: remove it to write into {}",
            path.display(),
            dir.display()
        )));
    }
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(cannot)?;
    if let Err(e) = flock(&file, FlockOperation::NonBlockingLockExclusive) {
        if e == rustix::io::Errno::WOULDBLOCK {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = holder.trim();
            return Err(Refused(format!(
                "{} is being written by another airace{}: one process writes a folder at a time; \
                 wait for it to finish, or choose another --out or --name",
                dir.display(),
                if holder.is_empty() || holder.len() > 20 {
                    String::new()
                } else {
                    format!(" (process {holder})")
                }
            )));
        }
        return Err(cannot(e.into()));
    }
    file.set_len(0).map_err(cannot)?;
    write!(file, "{}", std::process::id()).map_err(cannot)?;
    Ok(Some(file))
}

#[cfg(not(unix))]
fn lock(_dir: &Path) -> Result<Option<File>, Refused> {
    Ok(None)
}

/// Takes back a folder claimed but never written (a refused, failed or
/// stopped command): removes its record (listing no file) and its lock if
/// they are all it holds and no other process holds the lock. The folder
/// itself is the caller's to remove.
pub fn remove_if_unused(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    if names.iter().any(|n| n != RECORD && n != LOCK) {
        return;
    }
    let unused = match read_record(dir) {
        Ok(None) => true,
        Ok(Some(record)) => record.files.is_empty(),
        Err(_) => false,
    };
    if !unused {
        return;
    }
    // Not while another process holds it (it may be about to write); this
    // process's own claim (a command taking back its folder) is fine.
    let held = match lock(dir) {
        Ok(held) => held,
        Err(_) => {
            let holder = std::fs::read_to_string(dir.join(LOCK)).unwrap_or_default();
            if holder.trim() != std::process::id().to_string() {
                return;
            }
            None
        }
    };
    let _ = std::fs::remove_file(dir.join(RECORD));
    let _ = std::fs::remove_file(dir.join(LOCK));
    drop(held);
}

/// Makes the renames in `dir` durable (best effort: not every file system
/// syncs a folder).
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_all(folder: &mut Folder, files: &[(&str, &str)]) -> Result<(), CommitError> {
        let staged = files
            .iter()
            .map(|(n, b)| folder.stage(n, b.as_bytes()).unwrap())
            .collect();
        folder.commit(staged, None, Scope::Whole)
    }

    /// A scratch folder and the path `race` in it (not yet made).
    fn race_folder() -> (tempfile::TempDir, PathBuf) {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("race");
        (root, dir)
    }

    /// The text of the file at `path`.
    fn read(path: impl AsRef<Path>) -> String {
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn a_new_folder_is_claimed_written_and_rewritten() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/race");
        let mut f = Folder::claim(&dir, Kind::Scenario, false).unwrap();
        write_all(
            &mut f,
            &[("summary.csv", "x\n"), ("figures/risk.svg", "<svg/>")],
        )
        .unwrap();
        drop(f);
        assert_eq!(read(dir.join("summary.csv")), "x\n");
        let mut f = Folder::claim(&dir, Kind::Scenario, false).unwrap();
        write_all(&mut f, &[("summary.csv", "y\n")]).unwrap();
        assert_eq!(read(dir.join("summary.csv")), "y\n");
        // The figure of the first write is gone, and so is its empty folder.
        assert!(!dir.join("figures").exists());
    }

    #[test]
    fn a_users_file_with_an_output_name_is_never_written_over() {
        let (_root, dir) = race_folder();
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("summary.csv"), "my data").unwrap();
        for force in [false, true] {
            let e = Folder::claim(&dir, Kind::Scenario, force).unwrap_err();
            assert!(e.0.contains("summary.csv"), "{e}");
            assert!(e.0.contains("never writes over"), "{e}");
        }
        assert_eq!(read(dir.join("summary.csv")), "my data");
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(names.len(), 1, "nothing was added");
    }

    #[test]
    fn a_file_changed_since_airace_wrote_it_is_the_users() {
        let (_root, dir) = race_folder();
        let mut f = Folder::claim(&dir, Kind::Scenario, false).unwrap();
        write_all(&mut f, &[("summary.csv", "ours\n"), ("runs.csv", "r\n")]).unwrap();
        drop(f);
        std::fs::write(dir.join("runs.csv"), "R\n").unwrap(); // same size, edited
        let e = Folder::claim(&dir, Kind::Scenario, true).unwrap_err();
        assert!(e.0.contains("runs.csv"), "{e}");
        assert_eq!(read(dir.join("runs.csv")), "R\n");
    }

    #[test]
    fn force_writes_beside_the_users_files_and_keeps_them() {
        let (_root, dir) = race_folder();
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("notes.txt"), "mine").unwrap();
        let e = Folder::claim(&dir, Kind::Scenario, false).unwrap_err();
        assert!(e.0.contains("notes.txt") && e.0.contains("--force"), "{e}");
        let mut f = Folder::claim(&dir, Kind::Scenario, true).unwrap();
        write_all(&mut f, &[("summary.csv", "x")]).unwrap();
        write_all(&mut f, &[("runs.csv", "y")]).unwrap();
        assert_eq!(read(dir.join("notes.txt")), "mine");
        assert!(!dir.join("summary.csv").exists());
    }

    #[test]
    fn a_folder_of_one_kind_is_never_written_as_another() {
        let (_root, dir) = race_folder();
        let mut f = Folder::claim(&dir, Kind::Scenario, false).unwrap();
        write_all(&mut f, &[("summary.csv", "x")]).unwrap();
        drop(f);
        for kind in [Kind::Sweep, Kind::Comparison, Kind::Game] {
            let e = Folder::claim(&dir, kind, true).unwrap_err();
            assert!(e.0.contains("a scenario's results"), "{e}");
        }
    }

    #[test]
    fn a_figures_symlink_is_never_written_through() {
        let (root, dir) = race_folder();
        let mine = root.path().join("mine");
        std::fs::create_dir_all(&mine).unwrap();
        std::fs::write(mine.join("risk.svg"), "my figure").unwrap();
        let mut f = Folder::claim(&dir, Kind::Scenario, false).unwrap();
        drop(f);
        #[cfg(unix)]
        std::os::unix::fs::symlink(&mine, dir.join("figures")).unwrap();
        let e = Folder::claim(&dir, Kind::Scenario, true).unwrap_err();
        assert!(e.0.contains("figures"), "{e}");
        // And if it appears after the claim, staging through it fails.
        std::fs::remove_file(dir.join("figures")).unwrap();
        f = Folder::claim(&dir, Kind::Scenario, false).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&mine, dir.join("figures")).unwrap();
        assert!(f.stage("figures/risk.svg", b"ours").is_err());
        assert_eq!(read(mine.join("risk.svg")), "my figure");
    }

    #[test]
    fn a_second_claim_of_a_locked_folder_is_refused_with_the_holders_pid() {
        let (_root, dir) = race_folder();
        let f = Folder::claim(&dir, Kind::Scenario, false).unwrap();
        let e = Folder::claim(&dir, Kind::Scenario, false).unwrap_err();
        assert!(
            e.0.contains(&format!("process {}", std::process::id())),
            "{e}"
        );
        drop(f);
        Folder::claim(&dir, Kind::Scenario, false).unwrap();
    }

    #[test]
    fn leftovers_of_a_killed_commit_are_removed_and_its_files_are_ours() {
        let (_root, dir) = race_folder();
        let mut f = Folder::claim(&dir, Kind::Scenario, false).unwrap();
        write_all(&mut f, &[("summary.csv", "one")]).unwrap();
        // A commit killed half-way: summary.csv renamed, runs.csv's temp left.
        let temp = ".runs.csv.airace-tmp-999999";
        std::fs::write(dir.join(temp), "rows").unwrap();
        std::fs::write(dir.join("summary.csv"), "two").unwrap();
        for (t, target, bytes) in [
            (".summary.csv.airace-tmp-999999", "summary.csv", "two"),
            (temp, "runs.csv", "rows"),
        ] {
            f.record.staging.insert(
                t.into(),
                Staged {
                    target: target.into(),
                    written: Written {
                        bytes: bytes.len() as u64,
                        crc32: hex(crc32fast::hash(bytes.as_bytes())),
                    },
                },
            );
        }
        f.save_record().unwrap();
        drop(f);
        let mut f = Folder::claim(&dir, Kind::Scenario, false).unwrap();
        assert!(!dir.join(temp).exists());
        write_all(&mut f, &[("summary.csv", "three")]).unwrap();
        assert_eq!(read(dir.join("summary.csv")), "three");
    }

    #[test]
    fn a_failed_commit_leaves_the_final_names_as_they_were() {
        let (_root, dir) = race_folder();
        let mut f = Folder::claim(&dir, Kind::Scenario, false).unwrap();
        write_all(&mut f, &[("summary.csv", "one")]).unwrap();
        // A user's file appears during the run where airace would write.
        let staged = vec![
            f.stage("summary.csv", b"two").unwrap(),
            f.stage("runs.csv", b"rows").unwrap(),
        ];
        std::fs::write(dir.join("runs.csv"), "theirs").unwrap();
        let e = f.commit(staged, None, Scope::Whole).unwrap_err();
        assert!(e.to_string().contains("runs.csv"), "{e}");
        assert_eq!(read(dir.join("summary.csv")), "one");
        assert_eq!(read(dir.join("runs.csv")), "theirs");
        let hidden: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("airace-tmp"))
            .collect();
        assert!(hidden.is_empty(), "{hidden:?}");
    }

    #[test]
    fn a_damaged_record_is_refused() {
        let (_root, dir) = race_folder();
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join(RECORD), "{not json").unwrap();
        let e = Folder::claim(&dir, Kind::Scenario, true).unwrap_err();
        assert!(e.0.contains("damaged"), "{e}");
        std::fs::write(
            dir.join(RECORD),
            r#"{"format":"airace-folder","version":1,"kind":"scenario","files":{"../x":{"bytes":1,"crc32":"00000000"}}}"#,
        )
        .unwrap();
        let e = Folder::claim(&dir, Kind::Scenario, true).unwrap_err();
        assert!(e.0.contains("outside the folder"), "{e}");
    }
}
