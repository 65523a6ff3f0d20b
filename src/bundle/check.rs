//! `check`: verifies every file of a bundle against manifest.json and every blob
//! against its name.

use std::fs;
use std::io;
use std::path::Path;

use super::Manifest;

/// One integrity problem, naming the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub reason: String,
}

/// The outcome of a check.
#[derive(Debug, Default)]
pub struct CheckReport {
    pub files_checked: usize,
    pub blobs_checked: usize,
    pub problems: Vec<Problem>,
}

/// Names that may sit in a bundle without being listed in the manifest.
fn unlisted_allowed(rel: &str) -> bool {
    rel == "manifest.json" || rel.starts_with("upload-ledger") || rel.starts_with("blobs/")
}

fn hash_file(path: &Path) -> io::Result<String> {
    let mut hasher = blake3::Hasher::new();
    let mut f = fs::File::open(path)?;
    io::copy(&mut f, &mut hasher)?;
    Ok(hasher.finalize().to_hex().to_string())
}

/// Checks a bundle. Errors only when the manifest itself cannot be read.
pub fn check(bundle: &Path) -> Result<CheckReport, crate::Error> {
    let manifest = Manifest::read(bundle)?;
    let mut report = CheckReport::default();
    for (rel, want) in &manifest.files {
        report.files_checked += 1;
        if rel.contains("..") || rel.starts_with('/') {
            report.problems.push(Problem {
                file: rel.clone(),
                reason: "path leaves the bundle".into(),
            });
            continue;
        }
        let path = bundle.join(rel);
        if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            report.problems.push(Problem {
                file: rel.clone(),
                reason: "is a symbolic link (a bundle holds plain files only)".into(),
            });
            continue;
        }
        match hash_file(&path) {
            Ok(got) if &got == want => {}
            Ok(_) => report.problems.push(Problem {
                file: rel.clone(),
                reason: "content does not match manifest.json (changed after convert)".into(),
            }),
            Err(e) => report.problems.push(Problem {
                file: rel.clone(),
                reason: format!("cannot read: {e}"),
            }),
        }
    }
    let blobs = bundle.join("blobs");
    for entry in walkdir::WalkDir::new(bundle).sort_by_file_name() {
        let entry = entry.map_err(|e| crate::Error::InvalidBundle {
            path: bundle.to_path_buf(),
            reason: e.to_string(),
        })?;
        let rel = entry
            .path()
            .strip_prefix(bundle)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        if entry.file_type().is_symlink() {
            // Not followed: a link could make upload read any file of the machine.
            if !manifest.files.contains_key(&rel) {
                report.problems.push(Problem {
                    file: rel,
                    reason: "is a symbolic link (a bundle holds plain files only)".into(),
                });
            }
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        if entry.path().starts_with(&blobs) {
            report.blobs_checked += 1;
            let name = entry.file_name().to_string_lossy().to_string();
            match hash_file(entry.path()) {
                Ok(got) if got == name => {}
                Ok(_) => report.problems.push(Problem {
                    file: rel,
                    reason: "blob content does not match its name (blake3)".into(),
                }),
                Err(e) => report.problems.push(Problem {
                    file: rel,
                    reason: format!("cannot read: {e}"),
                }),
            }
        } else if !manifest.files.contains_key(&rel) && !unlisted_allowed(&rel) {
            report.problems.push(Problem {
                file: rel,
                reason: "file is not listed in manifest.json".into(),
            });
        }
    }
    Ok(report)
}
