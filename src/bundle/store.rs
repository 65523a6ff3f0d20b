//! The content-addressed blob store: `blobs/<aa>/<blake3-hex>`. Files are hashed
//! while they are copied in, and a blob that already exists is not written again.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A blob stored (or found already stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBlob {
    pub hash: String,
    pub size: u64,
}

pub struct BlobStore {
    root: PathBuf,
    counter: AtomicU64,
}

impl BlobStore {
    /// A store under `<bundle>/blobs`.
    pub fn new(bundle: &Path) -> io::Result<BlobStore> {
        let root = bundle.join("blobs");
        fs::create_dir_all(&root)?;
        Ok(BlobStore {
            root,
            counter: AtomicU64::new(0),
        })
    }

    /// Copies `reader` into the store, hashing as it goes; returns the hash and size.
    /// Writes to a temporary file first and renames it into place, so a blob file
    /// always holds exactly the bytes its name promises.
    pub fn put(&self, reader: &mut dyn Read) -> io::Result<StoredBlob> {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let tmp = self.root.join(format!(".tmp-{}-{}", std::process::id(), n));
        let mut file = fs::File::create(&tmp)?;
        let mut hasher = blake3::Hasher::new();
        let mut buf = vec![0u8; 256 * 1024];
        let mut size = 0u64;
        loop {
            let k = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(k) => k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let _ = fs::remove_file(&tmp);
                    return Err(e);
                }
            };
            hasher.update(&buf[..k]);
            if let Err(e) = file.write_all(&buf[..k]) {
                let _ = fs::remove_file(&tmp);
                return Err(e);
            }
            size += k as u64;
        }
        drop(file);
        let hash = hasher.finalize().to_hex().to_string();
        let dir = self.root.join(&hash[..2]);
        fs::create_dir_all(&dir)?;
        let dest = dir.join(&hash);
        if dest.exists() {
            fs::remove_file(&tmp)?;
        } else {
            fs::rename(&tmp, &dest)?;
        }
        Ok(StoredBlob { hash, size })
    }

    /// Stores bytes already in memory.
    pub fn put_bytes(&self, bytes: &[u8]) -> io::Result<StoredBlob> {
        let hash = blake3::hash(bytes).to_hex().to_string();
        let dir = self.root.join(&hash[..2]);
        let dest = dir.join(&hash);
        if !dest.exists() {
            fs::create_dir_all(&dir)?;
            let mut slice = bytes;
            return self.put(&mut slice);
        }
        Ok(StoredBlob {
            hash,
            size: bytes.len() as u64,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_content_is_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::new(dir.path()).unwrap();
        let a = store.put(&mut &b"same bytes"[..]).unwrap();
        let b = store.put(&mut &b"same bytes"[..]).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.hash, blake3::hash(b"same bytes").to_hex().to_string());
        let files: Vec<_> = walkdir::WalkDir::new(dir.path())
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .collect();
        assert_eq!(files.len(), 1, "one blob file, no temporary left over");
    }
}
