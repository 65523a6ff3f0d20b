//! The output folder: refuse a non-empty `--out` unless `--force`, and even then
//! replace only an earlier bundle (a folder with `manifest.json`), never a folder
//! that is, holds or sits inside an export being read; write into a temporary
//! sibling, and rename it into place only when the bundle is complete. The upload
//! ledgers of a replaced bundle are carried over into the new one.

use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::Error;

fn temp_path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "bundle".into());
    out.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}

/// An absolute path with `.`/`..` resolved and symbolic links followed as far as
/// the path exists (the rest, not yet created, appended as written).
fn resolved(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut existing = abs.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(n), Some(parent)) => {
                rest.push(n.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = fs::canonicalize(&existing).unwrap_or(existing);
    for n in rest.into_iter().rev() {
        out.push(n);
    }
    // Lexical clean-up of what could not be canonicalized.
    let mut clean = PathBuf::new();
    for c in out.components() {
        match c {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            other => clean.push(other),
        }
    }
    clean
}

/// Refuses an `--out` that is an input, holds one, or lies inside one.
fn check_overlap(out: &Path, inputs: &[PathBuf]) -> Result<(), Error> {
    let o = resolved(out);
    for input in inputs {
        let i = resolved(input);
        let reason = if o == i {
            "is the export being read"
        } else if o.starts_with(&i) {
            "is inside the export being read"
        } else if i.starts_with(&o) {
            "holds the export being read"
        } else {
            continue;
        };
        return Err(Error::Output {
            path: out.to_path_buf(),
            reason: format!("{reason} ({}); choose an --out outside it", input.display()),
        });
    }
    Ok(())
}

/// Checks `out` and creates the temporary folder. Returns the temporary folder
/// and the folders created on the way to it (deepest last), so that a failed run
/// can take them away again.
pub fn prepare(
    out: &Path,
    force: bool,
    inputs: &[PathBuf],
) -> Result<(PathBuf, Vec<PathBuf>), Error> {
    check_overlap(out, inputs)?;
    if out.exists() {
        if !out.is_dir() {
            return Err(Error::Output {
                path: out.to_path_buf(),
                reason: "exists and is not a folder".into(),
            });
        }
        let non_empty = fs::read_dir(out)
            .map_err(|e| Error::io(out, e))?
            .next()
            .is_some();
        if non_empty && !force {
            return Err(Error::Output {
                path: out.to_path_buf(),
                reason: "the output folder is not empty; choose another --out or pass --force to replace it".into(),
            });
        }
        if non_empty && !out.join("manifest.json").is_file() {
            return Err(Error::Output {
                path: out.to_path_buf(),
                reason: "is not empty and is not a cf2itglue bundle (no manifest.json); --force replaces only an earlier bundle: choose another --out or empty this folder yourself".into(),
            });
        }
    }
    let mut created = Vec::new();
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        let mut missing = Vec::new();
        let mut p = parent;
        while !p.as_os_str().is_empty() && !p.exists() {
            missing.push(p.to_path_buf());
            match p.parent() {
                Some(up) => p = up,
                None => break,
            }
        }
        if let Some(file) = parent.ancestors().find(|a| a.is_file()) {
            return Err(Error::Output {
                path: out.to_path_buf(),
                reason: format!("{} is a file, not a folder", file.display()),
            });
        }
        fs::create_dir_all(parent).map_err(|e| Error::Output {
            path: out.to_path_buf(),
            reason: format!("cannot create its parent folder {}: {e}", parent.display()),
        })?;
        missing.reverse();
        created = missing;
    }
    remove_stale(out);
    let tmp = temp_path(out);
    if tmp.exists() {
        fs::remove_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;
    }
    if let Err(e) = fs::create_dir(&tmp) {
        abandon(&tmp, &created);
        return Err(Error::Output {
            path: out.to_path_buf(),
            reason: format!("cannot write a bundle here: {e}"),
        });
    }
    Ok((tmp, created))
}

/// After a failed run: removes the temporary folder and the (now empty) parent
/// folders `prepare` created.
pub fn abandon(tmp: &Path, created: &[PathBuf]) {
    let _ = fs::remove_dir_all(tmp);
    for dir in created.iter().rev() {
        let _ = fs::remove_dir(dir);
    }
}

/// Moves upload ledgers (`upload-ledger*`) of the bundle being replaced into the
/// new one: bundle keys are stable across conversions, so the ledger still says
/// what is already in IT Glue, and losing it would let the next upload create
/// everything again.
fn carry_ledgers(old: &Path, tmp: &Path) -> Result<Vec<String>, Error> {
    let mut moved = Vec::new();
    let Ok(entries) = fs::read_dir(old) else {
        return Ok(moved);
    };
    let mut names: Vec<String> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("upload-ledger"))
        .collect();
    names.sort();
    for n in names {
        let to = tmp.join(&n);
        if !to.exists() {
            fs::rename(old.join(&n), &to).map_err(|e| Error::io(&to, e))?;
            moved.push(n);
        }
    }
    Ok(moved)
}

/// Moves the finished bundle into place, replacing an old one (whose upload
/// ledgers move into the new bundle). Returns the names of the ledgers carried over.
pub fn finish(tmp: &Path, out: &Path) -> Result<Vec<String>, Error> {
    let mut carried = Vec::new();
    if out.exists() {
        carried = carry_ledgers(out, tmp)?;
        let old = out.with_file_name(format!(
            ".{}.old-{}",
            out.file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default(),
            std::process::id()
        ));
        fs::rename(out, &old).map_err(|e| Error::io(out, e))?;
        fs::rename(tmp, out).map_err(|e| Error::io(out, e))?;
        fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
    } else {
        fs::rename(tmp, out).map_err(|e| Error::io(out, e))?;
    }
    Ok(carried)
}

/// Removes the temporary folders (`.NAME.partial-PID`, `.NAME.old-PID`) that a
/// killed run of this `--out` left behind, once their process is gone (Linux:
/// no `/proc/PID`). They never look like a bundle, but they hold its secrets.
fn remove_stale(out: &Path) {
    let (Some(parent), Some(name)) = (out.parent(), out.file_name()) else {
        return;
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let name = name.to_string_lossy();
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&format!(".{name}.")) else {
            continue;
        };
        let pid = rest
            .strip_prefix("partial-")
            .or_else(|| rest.strip_prefix("old-"))
            .and_then(|p| p.parse::<u32>().ok());
        let Some(pid) = pid else { continue };
        if pid != std::process::id()
            && cfg!(target_os = "linux")
            && !Path::new("/proc").join(pid.to_string()).exists()
            && e.file_type().is_ok_and(|t| t.is_dir())
        {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}
