//! Loading a bundle's records for upload and verify: the integrity check first,
//! then every JSON Lines file into [`Records`], and the manifest's own hash that
//! ties an upload ledger to exactly this bundle.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::{Manifest, Records};
use crate::Error;

/// A checked bundle, ready to upload.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub root: PathBuf,
    pub manifest: Manifest,
    /// blake3 of manifest.json's bytes (which covers every file's hash).
    pub manifest_hash: String,
    pub records: Records,
}

impl Loaded {
    /// Path of a file inside the bundle.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Reads a blob's bytes.
    pub fn blob(&self, hash: &str) -> Result<Vec<u8>, Error> {
        if !is_blob_id(hash) {
            return Err(Error::InvalidBundle {
                path: self.root.clone(),
                reason: format!("{hash:?} is not a blob id (64 hex digits)"),
            });
        }
        let p = self.root.join(super::keys::blob_path(hash));
        std::fs::read(&p).map_err(|e| Error::io(&p, e))
    }

    /// Reads a document body file.
    pub fn document_html(&self, rel: &str) -> Result<String, Error> {
        if !self.manifest.files.contains_key(rel) || !is_inside(rel) {
            return Err(Error::InvalidBundle {
                path: self.root.clone(),
                reason: format!("document file {rel:?} is not a file of manifest.json"),
            });
        }
        let p = self.root.join(rel);
        std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))
    }
}

fn jsonl<T: DeserializeOwned>(root: &Path, name: &str) -> Result<Vec<T>, Error> {
    let path = root.join(name);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(&path, e)),
    };
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let rec = serde_json::from_str(line).map_err(|e| Error::InvalidBundle {
            path: path.clone(),
            reason: format!("line {}: {e}", i + 1),
        })?;
        out.push(rec);
    }
    Ok(out)
}

/// A blob id: 64 lower-case hex digits (a blake3 hash), nothing that could name
/// another path.
pub fn is_blob_id(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A relative path that stays inside the bundle: no `..`, no root, no drive,
/// no backslash, no empty or `.` component.
fn is_inside(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.contains('\\')
        && !rel.contains(':')
        && !rel.contains('\0')
        && rel
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
}

/// Refuses records that would make upload read outside the bundle: a bundle
/// travels between machines and may have been edited by anyone on the way.
fn validate(root: &Path, manifest: &Manifest, records: &Records) -> Result<(), Error> {
    let bad = |file: &str, reason: String| Error::InvalidBundle {
        path: root.join(file),
        reason,
    };
    for d in &records.documents {
        if !is_inside(&d.content) || !manifest.files.contains_key(&d.content) {
            return Err(bad(
                "documents.jsonl",
                format!(
                    "document {:?}: content {:?} is not a file of this bundle listed in manifest.json",
                    d.key, d.content
                ),
            ));
        }
        if let Some(i) = d.images.iter().find(|i| !is_blob_id(i)) {
            return Err(bad(
                "documents.jsonl",
                format!("document {:?}: image {i:?} is not a blob id", d.key),
            ));
        }
    }
    if let Some(a) = records.attachments.iter().find(|a| !is_blob_id(&a.blake3)) {
        return Err(bad(
            "attachments.jsonl",
            format!("attachment {:?}: {:?} is not a blob id", a.key, a.blake3),
        ));
    }
    Ok(())
}

/// Checks the bundle against its manifest and reads all records. A bundle that
/// fails the check is refused (BUNDLE.md: upload refuses a damaged bundle).
pub fn load(root: &Path) -> Result<Loaded, Error> {
    let report = super::check::check(root)?;
    if let Some(p) = report.problems.first() {
        return Err(Error::InvalidBundle {
            path: root.join(&p.file),
            reason: format!(
                "{} ({} problem(s) in all; run `cf2itglue check` for the list, and convert again)",
                p.reason,
                report.problems.len()
            ),
        });
    }
    load_unchecked(root)
}

/// Reads the records without the integrity check (verify uses the check too;
/// tests use this on bundles they just wrote).
pub fn load_unchecked(root: &Path) -> Result<Loaded, Error> {
    let manifest = Manifest::read(root)?;
    let mpath = root.join("manifest.json");
    let bytes = std::fs::read(&mpath).map_err(|e| Error::io(&mpath, e))?;
    let manifest_hash = blake3::hash(&bytes).to_hex().to_string();
    let records = Records {
        organizations: jsonl(root, "organizations.jsonl")?,
        folders: jsonl(root, "folders.jsonl")?,
        documents: jsonl(root, "documents.jsonl")?,
        attachments: jsonl(root, "attachments.jsonl")?,
        flexible_asset_types: jsonl(root, "flexible_asset_types.jsonl")?,
        flexible_assets: jsonl(root, "flexible_assets.jsonl")?,
        configurations: jsonl(root, "configurations.jsonl")?,
        contacts: jsonl(root, "contacts.jsonl")?,
        passwords: jsonl(root, "passwords.jsonl")?,
        related_items: jsonl(root, "related_items.jsonl")?,
    };
    validate(root, &manifest, &records)?;
    Ok(Loaded {
        root: root.to_path_buf(),
        manifest,
        manifest_hash,
        records,
    })
}
