//! The output folder: refuse a non-empty `--out` unless `--force`, write into a
//! temporary sibling, and rename it into place only when the bundle is complete.

use std::fs;
use std::path::{Path, PathBuf};

use crate::Error;

fn temp_path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "bundle".into());
    out.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}

/// Checks `out` and creates the temporary folder.
pub fn prepare(out: &Path, force: bool) -> Result<PathBuf, Error> {
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
    }
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    remove_stale(out);
    let tmp = temp_path(out);
    if tmp.exists() {
        fs::remove_dir_all(&tmp).map_err(|e| Error::io(&tmp, e))?;
    }
    fs::create_dir(&tmp).map_err(|e| Error::io(&tmp, e))?;
    Ok(tmp)
}

/// Moves the finished bundle into place, replacing an old one.
pub fn finish(tmp: &Path, out: &Path) -> Result<(), Error> {
    if out.exists() {
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
    Ok(())
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
