//! Fatal errors of the library, each naming the file or entry it happened in.
//! Per-item problems are findings (model::Finding), not errors.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The input is not something we can read as a Confluence export.
    #[error("{path}: {reason}")]
    NotAnExport { path: PathBuf, reason: String },
    /// The input is a Confluence export of a kind this build cannot convert.
    #[error("{path}: {reason}")]
    Unsupported { path: PathBuf, reason: String },
    /// The archive is damaged or hostile.
    #[error("{path}: {reason}")]
    BadArchive { path: PathBuf, reason: String },
    /// An archive limit (entries, inflated size, ratio) was exceeded.
    #[error("{path}: {reason}")]
    LimitExceeded { path: PathBuf, reason: String },
    /// A bundle that cannot be used.
    #[error("{path}: {reason}")]
    InvalidBundle { path: PathBuf, reason: String },
    /// The output folder is not usable.
    #[error("{path}: {reason}")]
    Output { path: PathBuf, reason: String },
    /// The mapping file is invalid.
    #[error("{path}: {reason}")]
    Mapping { path: PathBuf, reason: String },
}

impl Error {
    pub fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// True for errors that mean "this input is not a usable export or bundle"
    /// (exit status 4 in the CLI).
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            Error::NotAnExport { .. }
                | Error::Unsupported { .. }
                | Error::BadArchive { .. }
                | Error::LimitExceeded { .. }
                | Error::InvalidBundle { .. }
        )
    }
}
