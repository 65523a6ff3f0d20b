//! Writing bundle files: JSON Lines record files (sorted, one record a line),
//! owner-only files for secrets, and the manifest's file hashes.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;

/// Creates a file that only its owner can read or write, from the first byte.
pub fn create_private(path: &Path) -> io::Result<fs::File> {
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
}

/// Serializes records as JSON Lines (callers pass them sorted).
pub fn jsonl<T: Serialize>(records: &[T]) -> Vec<u8> {
    let mut out = Vec::new();
    write_jsonl(&mut out, records).expect("writing to memory does not fail");
    out
}

/// Writes records as JSON Lines to `w`, one at a time (no whole-file buffer).
pub fn write_jsonl<T: Serialize>(w: &mut dyn Write, records: &[T]) -> io::Result<()> {
    for r in records {
        serde_json::to_writer(&mut *w, r).map_err(io::Error::other)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

/// A writer that hashes what passes through it.
struct Hashing<W> {
    inner: W,
    hasher: blake3::Hasher,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Writes one bundle file (creating its folder) and returns its blake3, for
/// writers working in parallel that hand the hashes to a [`FileWriter`] after.
pub fn write_hashed(root: &Path, rel: &str, bytes: &[u8]) -> Result<String, crate::Error> {
    let full = root.join(rel);
    if let Some(parent) = full.parent() {
        fs::create_dir_all(parent).map_err(|e| crate::Error::io(parent, e))?;
    }
    fs::write(&full, bytes).map_err(|e| crate::Error::io(&full, e))?;
    Ok(blake3::hash(bytes).to_hex().to_string())
}

/// Writes a bundle file and records its hash for the manifest.
pub struct FileWriter<'a> {
    pub root: &'a Path,
    pub hashes: BTreeMap<String, String>,
}

impl<'a> FileWriter<'a> {
    pub fn new(root: &'a Path) -> FileWriter<'a> {
        FileWriter {
            root,
            hashes: BTreeMap::new(),
        }
    }

    pub fn write(&mut self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.write_with(rel, bytes, false)
    }

    pub fn write_private(&mut self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.write_with(rel, bytes, true)
    }

    fn write_with(&mut self, rel: &str, bytes: &[u8], private: bool) -> io::Result<()> {
        self.stream(rel, private, &mut |w| w.write_all(bytes))
    }

    /// Writes a bundle file as `fill` produces it, hashing on the way: a large
    /// record file or report is never one buffer in memory. `private`: owner-only.
    pub fn stream(
        &mut self,
        rel: &str,
        private: bool,
        fill: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let f = if private {
            create_private(&path)?
        } else {
            fs::File::create(&path)?
        };
        let mut w = io::BufWriter::with_capacity(
            64 * 1024,
            Hashing {
                inner: f,
                hasher: blake3::Hasher::new(),
            },
        );
        fill(&mut w)?;
        let hashing = w.into_inner().map_err(|e| e.into_error())?;
        self.hashes.insert(
            rel.to_string(),
            hashing.hasher.finalize().to_hex().to_string(),
        );
        Ok(())
    }

    /// Records the hash of a file written by someone else (e.g. in parallel).
    pub fn record(&mut self, rel: &str, bytes: &[u8]) {
        self.hashes
            .insert(rel.to_string(), blake3::hash(bytes).to_hex().to_string());
    }
}
