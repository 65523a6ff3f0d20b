//! The upload ledger: an append-only JSON Lines file, fsync'd after every line,
//! mapping bundle keys to IT Glue ids. Its first line ties it to one bundle
//! (manifest hash) and one IT Glue URL. A key is first written `pending` (the
//! request may be in flight), then `done` with the id; a rerun skips `done` and
//! looks `pending` ones up before creating them again. Created 0600: it holds
//! ids and URLs only, never the key or a password, but it describes a client.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub ledger: String,
    pub version: u32,
    pub manifest: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    #[serde(rename = "k")]
    pub key: String,
    /// "pending" or "done".
    #[serde(rename = "s")]
    pub state: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, rename = "x", skip_serializing_if = "Value::is_null")]
    pub extra: Value,
}

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}: this ledger belongs to {what}; keep it, and upload with another --ledger file plus --adopt-existing (every record is then looked up in IT Glue before it is created, so nothing is duplicated)"
    )]
    Mismatch { path: PathBuf, what: String },
    #[error("{path}: not an upload ledger: {reason}")]
    Invalid { path: PathBuf, reason: String },
}

pub struct Ledger {
    path: PathBuf,
    file: Mutex<File>,
    entries: Mutex<HashMap<String, Entry>>,
}

fn open_append(path: &Path) -> std::io::Result<File> {
    let mut o = OpenOptions::new();
    o.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let f = o.open(path)?;
    // A ledger that already existed (copied, restored) is made private too.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(f)
}

/// What `open_for_upload` had to change in an existing ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rebound {
    /// Nothing: the ledger was new or already this bundle's and this URL's.
    No,
    /// It was written for an earlier conversion of the bundle (another manifest):
    /// its entries still name what is in IT Glue, since bundle keys are stable.
    EarlierBundle,
    /// It was tied to another URL where nothing was ever created (a first run
    /// that failed on the key, the region or the network): tied to this one now.
    Url(String),
}

/// Rewrites a ledger with a new header, keeping `entries` lines (atomically:
/// a temporary file beside it, renamed over it).
fn rewrite(path: &Path, head: &Header, entries: &[&str]) -> std::io::Result<()> {
    let tmp = path.with_extension("rebind.tmp");
    {
        let _ = std::fs::remove_file(&tmp);
        let mut f = open_append(&tmp)?;
        let mut text = serde_json::to_string(head).expect("header");
        text.push('\n');
        for l in entries.iter().filter(|l| !l.trim().is_empty()) {
            text.push_str(l);
            text.push('\n');
        }
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}

impl Ledger {
    /// Opens the ledger for an upload: like `open`, but a ledger of an earlier
    /// conversion of the bundle is taken over (its entries kept), and one tied to
    /// another URL with nothing done is tied to this URL.
    pub fn open_for_upload(
        path: &Path,
        manifest: &str,
        url: &str,
    ) -> Result<(Ledger, Rebound), LedgerError> {
        let url = url.trim_end_matches('/');
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(_) => return Ok((Ledger::open(path, manifest, url)?, Rebound::No)),
        };
        let mut lines = text.split('\n');
        let Ok(head) = serde_json::from_str::<Header>(lines.next().unwrap_or("")) else {
            return Ok((Ledger::open(path, manifest, url)?, Rebound::No));
        };
        let rest: Vec<&str> = lines.collect();
        let want = Header {
            manifest: manifest.into(),
            url: url.into(),
            ..head.clone()
        };
        let io = |source| LedgerError::Io {
            path: path.to_path_buf(),
            source,
        };
        let rebound = if head.url != url {
            let any_done = rest
                .iter()
                .any(|l| serde_json::from_str::<Entry>(l).is_ok_and(|e| e.state == "done"));
            if any_done {
                return Ok((Ledger::open(path, manifest, url)?, Rebound::No));
            }
            rewrite(path, &want, &[]).map_err(io)?;
            Rebound::Url(head.url)
        } else if head.manifest != manifest {
            rewrite(path, &want, &rest).map_err(io)?;
            Rebound::EarlierBundle
        } else {
            Rebound::No
        };
        Ok((Ledger::open(path, manifest, url)?, rebound))
    }

    /// Opens (or creates) the ledger for this bundle and URL.
    pub fn open(path: &Path, manifest: &str, url: &str) -> Result<Ledger, LedgerError> {
        let io = |source| LedgerError::Io {
            path: path.to_path_buf(),
            source,
        };
        let want = Header {
            ledger: "cf2itglue-upload".into(),
            version: 1,
            manifest: manifest.into(),
            url: url.trim_end_matches('/').into(),
        };
        let mut entries = HashMap::new();
        let existing = match std::fs::read_to_string(path) {
            Ok(t) => Some(t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(io(e)),
        };
        let mut file = open_append(path).map_err(io)?;
        match existing.as_deref() {
            None | Some("") => {
                let mut line = serde_json::to_vec(&want).expect("header");
                line.push(b'\n');
                file.write_all(&line).map_err(io)?;
                file.sync_all().map_err(io)?;
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
                    && let Ok(d) = File::open(dir)
                {
                    let _ = d.sync_all();
                }
            }
            Some(text) => {
                let mut lines = text.split('\n');
                let head: Header =
                    serde_json::from_str(lines.next().unwrap_or("")).map_err(|e| {
                        LedgerError::Invalid {
                            path: path.to_path_buf(),
                            reason: e.to_string(),
                        }
                    })?;
                if head.manifest != want.manifest {
                    return Err(LedgerError::Mismatch {
                        path: path.to_path_buf(),
                        what: format!(
                            "another bundle (manifest {})",
                            &head.manifest[..head.manifest.len().min(12)]
                        ),
                    });
                }
                if head.url != want.url {
                    return Err(LedgerError::Mismatch {
                        path: path.to_path_buf(),
                        what: format!("another IT Glue ({})", head.url),
                    });
                }
                for line in lines {
                    // A torn last line (killed mid-write) is ignored: that step is redone.
                    if let Ok(e) = serde_json::from_str::<Entry>(line) {
                        entries.insert(e.key.clone(), e);
                    }
                }
                if !text.ends_with('\n') {
                    file.write_all(b"\n").map_err(io)?;
                }
            }
        }
        Ok(Ledger {
            path: path.to_path_buf(),
            file: Mutex::new(file),
            entries: Mutex::new(entries),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn get(&self, key: &str) -> Option<Entry> {
        self.entries.lock().expect("ledger").get(key).cloned()
    }

    /// The entry if done.
    pub fn done(&self, key: &str) -> Option<Entry> {
        self.get(key).filter(|e| e.state == "done")
    }

    pub fn is_pending(&self, key: &str) -> bool {
        self.get(key).is_some_and(|e| e.state == "pending")
    }

    /// Appends an entry and makes it durable before returning.
    pub fn put(&self, e: Entry) -> Result<(), LedgerError> {
        let mut line = serde_json::to_vec(&e).expect("entry");
        line.push(b'\n');
        {
            let mut f = self.file.lock().expect("ledger file");
            f.write_all(&line)
                .and_then(|_| f.sync_data())
                .map_err(|source| LedgerError::Io {
                    path: self.path.clone(),
                    source,
                })?;
        }
        self.entries
            .lock()
            .expect("ledger")
            .insert(e.key.clone(), e);
        Ok(())
    }

    pub fn pending(&self, key: &str) -> Result<(), LedgerError> {
        if self.is_pending(key) {
            return Ok(());
        }
        self.put(Entry {
            key: key.into(),
            state: "pending".into(),
            id: None,
            url: None,
            extra: Value::Null,
        })
    }

    pub fn finish(
        &self,
        key: &str,
        id: Option<String>,
        url: Option<String>,
        extra: Value,
    ) -> Result<(), LedgerError> {
        self.put(Entry {
            key: key.into(),
            state: "done".into(),
            id,
            url,
            extra,
        })
    }

    /// Every done entry (for verify).
    pub fn all_done(&self) -> Vec<Entry> {
        let mut v: Vec<Entry> = self
            .entries
            .lock()
            .expect("ledger")
            .values()
            .filter(|e| e.state == "done")
            .cloned()
            .collect();
        v.sort_by(|a, b| a.key.cmp(&b.key));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn survives_a_torn_line_and_refuses_another_bundle() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("l.jsonl");
        {
            let l = Ledger::open(&p, "abc", "http://x").unwrap();
            l.pending("org/A").unwrap();
            l.finish("org/A", Some("5".into()), None, Value::Null)
                .unwrap();
            l.pending("doc/A/1").unwrap();
        }
        std::fs::OpenOptions::new()
            .append(true)
            .open(&p)
            .unwrap()
            .write_all(b"{\"k\":\"doc/A/1\",\"s\":\"do")
            .unwrap();
        let l = Ledger::open(&p, "abc", "http://x/").unwrap();
        assert_eq!(l.done("org/A").unwrap().id.as_deref(), Some("5"));
        assert!(l.is_pending("doc/A/1"));
        l.finish("doc/A/1", Some("9".into()), None, Value::Null)
            .unwrap();
        drop(l);
        let l = Ledger::open(&p, "abc", "http://x").unwrap();
        assert_eq!(l.done("doc/A/1").unwrap().id.as_deref(), Some("9"));
        assert!(matches!(
            Ledger::open(&p, "other", "http://x"),
            Err(LedgerError::Mismatch { .. })
        ));
        // Another URL with work done: refused for uploads too.
        drop(l);
        assert!(matches!(
            Ledger::open_for_upload(&p, "abc", "http://elsewhere"),
            Err(LedgerError::Mismatch { .. })
        ));
        // A later conversion of the bundle takes the ledger over, entries kept.
        let (l, r) = Ledger::open_for_upload(&p, "newer", "http://x/").unwrap();
        assert_eq!(r, Rebound::EarlierBundle);
        assert_eq!(l.done("doc/A/1").unwrap().id.as_deref(), Some("9"));
        drop(l);
        let l = Ledger::open(&p, "newer", "http://x").unwrap();
        assert_eq!(l.done("org/A").unwrap().id.as_deref(), Some("5"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
    }

    #[test]
    fn a_ledger_with_nothing_done_follows_the_url() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("l.jsonl");
        {
            // A first run against the wrong region: it got as far as a pending step.
            let l = Ledger::open(&p, "abc", "https://api.itglue.com").unwrap();
            l.pending("org/A").unwrap();
        }
        let (l, r) = Ledger::open_for_upload(&p, "abc", "https://api.eu.itglue.com").unwrap();
        assert_eq!(r, Rebound::Url("https://api.itglue.com".into()));
        assert!(
            !l.is_pending("org/A"),
            "pending steps of the other server are dropped"
        );
        drop(l);
        assert!(Ledger::open(&p, "abc", "https://api.eu.itglue.com").is_ok());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
    }
}
