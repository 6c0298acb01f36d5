//! Files that appear whole or not at all: written under a temporary name in
//! the destination folder, then renamed into place. Each file keeps a
//! running CRC-32 of its bytes, which the folder's record
//! ([`super::folder`]) and checkpoints store, so that what airace reads
//! back, or takes for its own, is checked against what it wrote.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file being written; it takes its final name only on [`commit`](Self::commit).
/// Dropped without a commit, the temporary file is removed.
pub struct AtomicFile {
    target: PathBuf,
    temp: PathBuf,
    writer: Option<BufWriter<File>>,
    /// Bytes in the file so far (written or buffered).
    len: u64,
    /// CRC-32 of the bytes so far.
    crc: crc32fast::Hasher,
    /// Left in place when dropped uncommitted (a checkpoint's files).
    keep: bool,
}

impl AtomicFile {
    pub fn create(target: &Path) -> io::Result<Self> {
        Self::create_at(temp_path(target), target)
    }

    /// Writes to `temp` (which may be in another folder of the same file
    /// system) and renames it to `target` on commit.
    pub fn create_at(temp: PathBuf, target: &Path) -> io::Result<Self> {
        let file = File::create(&temp)?;
        Ok(Self::wrap(temp, target, file, 0, crc32fast::Hasher::new()))
    }

    /// Goes on writing a temporary file left by an earlier process, cut
    /// back to its first `len` bytes (what a checkpoint recorded), whose
    /// CRC-32 must be `crc` (what the checkpoint recorded of them): a file
    /// damaged since is refused with [`io::ErrorKind::InvalidData`].
    pub fn reopen_at(temp: PathBuf, target: &Path, len: u64, crc: u32) -> io::Result<Self> {
        use std::io::{Read, Seek, SeekFrom};
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&temp)?;
        let found = file.metadata()?.len();
        if found < len {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "{} holds {found} bytes, fewer than the {len} its checkpoint recorded",
                    temp.display()
                ),
            ));
        }
        let mut hasher = crc32fast::Hasher::new();
        let mut prefix = (&mut file).take(len);
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = prefix.read(&mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        if hasher.clone().finalize() != crc {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{} does not hold the bytes its checkpoint recorded (CRC-32 differs): \
                     it was changed or damaged since",
                    temp.display()
                ),
            ));
        }
        file.set_len(len)?;
        file.seek(SeekFrom::Start(len))?;
        Ok(Self::wrap(temp, target, file, len, hasher))
    }

    fn wrap(temp: PathBuf, target: &Path, file: File, len: u64, crc: crc32fast::Hasher) -> Self {
        AtomicFile {
            target: target.to_path_buf(),
            temp,
            writer: Some(BufWriter::with_capacity(1 << 20, file)),
            len,
            crc,
            keep: false,
        }
    }

    /// CRC-32 of the bytes written so far.
    pub fn crc(&self) -> u32 {
        self.crc.clone().finalize()
    }

    /// The temporary file being written.
    pub fn temp(&self) -> &Path {
        &self.temp
    }

    /// Bytes written so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Flushes and syncs what is written so far to disk (for a checkpoint).
    pub fn sync(&mut self) -> io::Result<()> {
        self.flushed()?.sync_data()
    }

    /// The temporary file with every byte written so far handed to it (the
    /// buffer flushed), to sync.
    fn flushed(&mut self) -> io::Result<&File> {
        let writer = self
            .writer
            .as_mut()
            .expect("writer is present until commit");
        writer.flush()?;
        Ok(writer.get_ref())
    }

    /// Leaves the temporary file in place when dropped uncommitted.
    pub fn keep(&mut self) {
        self.keep = true;
    }

    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Flushes and syncs every byte to disk, so that only a rename is left
    /// to do: a full disk shows here, before anything is renamed.
    pub fn prepare(&mut self) -> io::Result<()> {
        self.flushed()?.sync_all()
    }

    /// Flushes, syncs and renames into place. On failure the temporary
    /// file is removed and the target is as it was.
    pub fn commit(mut self) -> io::Result<()> {
        self.prepare()?;
        self.rename()
    }

    /// Renames a [`prepare`](Self::prepare)d file into place; on failure
    /// the temporary file is removed (dropping `self` does it).
    pub fn rename(mut self) -> io::Result<()> {
        std::fs::rename(&self.temp, &self.target)?;
        self.writer = None;
        Ok(())
    }
}

/// The temporary name a file is written under before it becomes `target`:
/// hidden, beside it, and marked with the writer's process id.
pub fn temp_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.airace-tmp-{}", std::process::id()))
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self
            .writer
            .as_mut()
            .expect("writer is present until commit")
            .write(buf)?;
        self.crc.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.writer
            .as_mut()
            .expect("writer is present until commit")
            .flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.writer.take().is_some() && !self.keep {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// Writes `bytes` to a temporary file beside `target`, to be committed later.
pub fn stage(target: &Path, bytes: &[u8]) -> io::Result<AtomicFile> {
    let mut f = AtomicFile::create(target)?;
    f.write_all(bytes)?;
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_appears_until_commit_and_nothing_is_left_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.csv");
        let f = stage(&target, b"x,y\n").unwrap();
        assert!(!target.exists());
        f.commit().unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"x,y\n");
        drop(stage(&dir.path().join("b.csv"), b"1").unwrap());
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("a.csv")]);
    }
}
