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
