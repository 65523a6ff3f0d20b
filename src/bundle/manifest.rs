//! manifest.json: what a bundle is, where it came from, counts, and the blake3 of
//! every file except itself and the blobs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    pub generator: Generator,
    pub sources: Vec<SourceInfo>,
    pub mapping: Option<MappingInfo>,
    pub counts: BTreeMap<String, u64>,
    pub files: BTreeMap<String, String>,
    /// Written by `convert --redact`: password values were left out, so the
    /// bundle is for review, not for upload. Absent when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub redacted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generator {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceInfo {
    pub file_name: String,
    pub kind: String,
    pub size: u64,
    /// blake3 of the zip file; for a folder, of the sorted list of entry names,
    /// sizes and content hashes is too costly, so of the sorted `name\tsize\n` lines.
    pub blake3: String,
    pub spaces: Vec<SpaceInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceInfo {
    pub key: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingInfo {
    pub file_name: String,
    pub blake3: String,
}

impl Manifest {
    pub fn read(bundle: &std::path::Path) -> Result<Manifest, crate::Error> {
        let path = bundle.join("manifest.json");
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            // A folder without one is no bundle, or a convert that never finished
            // (manifest.json is written last).
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && bundle.is_dir() => {
                return Err(crate::Error::InvalidBundle {
                    path,
                    reason: "no manifest.json: not a bundle, or an unfinished convert".into(),
                });
            }
            Err(e) => return Err(crate::Error::io(&path, e)),
        };
        let m: Manifest =
            serde_json::from_slice(&bytes).map_err(|e| crate::Error::InvalidBundle {
                path: path.clone(),
                reason: format!("manifest.json is not valid: {e}"),
            })?;
        if m.format != super::FORMAT {
            return Err(crate::Error::InvalidBundle {
                path,
                reason: format!("format is {:?}, not {:?}", m.format, super::FORMAT),
            });
        }
        if m.format_version != super::FORMAT_VERSION {
            return Err(crate::Error::InvalidBundle {
                path,
                reason: format!(
                    "format version {} is not supported (this build reads {})",
                    m.format_version,
                    super::FORMAT_VERSION
                ),
            });
        }
        Ok(m)
    }
}
