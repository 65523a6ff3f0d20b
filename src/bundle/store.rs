//! The content-addressed blob store: `blobs/<aa>/<blake3-hex>`. Files are hashed
//! while they are copied in, and a blob that already exists is not written again.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// A blob stored (or found already stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBlob {
    pub hash: String,
    pub size: u64,
}

pub struct BlobStore {
    root: PathBuf,
    counter: AtomicU64,
    /// Which `blobs/<aa>` folders exist already (no mkdir per blob).
    made: Vec<AtomicBool>,
}

impl BlobStore {
    /// A store under `<bundle>/blobs`.
    pub fn new(bundle: &Path) -> io::Result<BlobStore> {
        let root = bundle.join("blobs");
        fs::create_dir_all(&root)?;
        Ok(BlobStore {
            root,
            counter: AtomicU64::new(0),
            made: (0..256).map(|_| AtomicBool::new(false)).collect(),
        })
    }

    /// `blobs/<aa>/<hash>`, creating `blobs/<aa>` the first time it is needed.
    fn place(&self, hash: &str) -> io::Result<PathBuf> {
        let dir = self.root.join(&hash[..2]);
        let slot = u8::from_str_radix(&hash[..2], 16).map_err(io::Error::other)? as usize;
        if !self.made[slot].load(Ordering::Acquire) {
            fs::create_dir_all(&dir)?;
            self.made[slot].store(true, Ordering::Release);
        }
        Ok(dir.join(hash))
    }

    /// True when a blob with this hash is stored.
    pub fn contains(&self, hash: &str) -> bool {
        hash.len() > 2 && self.root.join(&hash[..2]).join(hash).exists()
    }

    /// Hashes `reader` without storing it (for content that is probably stored
    /// already): returns what `put` would, without writing a byte.
    pub fn hash_only(&self, reader: &mut dyn Read) -> io::Result<StoredBlob> {
        let mut hasher = blake3::Hasher::new();
        let mut buf = vec![0u8; 256 * 1024];
        let mut size = 0u64;
        loop {
            let k = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(k) => k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            hasher.update(&buf[..k]);
            size += k as u64;
        }
        Ok(StoredBlob {
            hash: hasher.finalize().to_hex().to_string(),
            size,
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
        let dest = self.place(&hash)?;
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
        let dest = self.place(&hash)?;
        if !dest.exists() {
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

    #[test]
    fn hash_only_matches_put_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::new(dir.path()).unwrap();
        let h = store.hash_only(&mut &b"some bytes"[..]).unwrap();
        assert!(!store.contains(&h.hash));
        assert_eq!(
            std::fs::read_dir(dir.path().join("blobs")).unwrap().count(),
            0
        );
        let p = store.put(&mut &b"some bytes"[..]).unwrap();
        assert_eq!(h, p);
        assert!(store.contains(&h.hash));
    }
}
