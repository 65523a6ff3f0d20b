//! The staged bundle on disk (BUNDLE.md): the record types shared by the writer
//! (convert) and the readers (upload, verify, check), keys, the manifest and the
//! integrity check.

pub mod check;
pub mod keys;
pub mod manifest;
pub mod read;
pub mod records;
pub mod store;
pub mod write;

pub use manifest::Manifest;
pub use records::*;

/// The bundle format version this build writes and reads.
pub const FORMAT: &str = "cf2itglue-bundle";
pub const FORMAT_VERSION: u32 = 1;

/// File names of the record files, in the order upload reads them.
pub const RECORD_FILES: [&str; 10] = [
    "organizations.jsonl",
    "flexible_asset_types.jsonl",
    "folders.jsonl",
    "configurations.jsonl",
    "contacts.jsonl",
    "documents.jsonl",
    "attachments.jsonl",
    "flexible_assets.jsonl",
    "passwords.jsonl",
    "related_items.jsonl",
];
