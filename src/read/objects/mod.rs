//! The object index shared by the XML and CSV readers: both fill an `Index` of
//! typed records (spaces, content, attachments, bodies on disk, labels, users),
//! then `build` keeps the live content, builds each space's page tree, converts
//! the storage-format bodies (in parallel, parking them in the spill) and
//! returns the model.

pub mod bodies;
mod build;
mod site;

use std::collections::HashMap;

pub use bodies::{BodyStore, Stored};
pub use build::build;

/// What kind of content object a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Page,
    BlogPost,
    Comment,
    SpaceDescription,
    Other,
}

impl Class {
    pub fn from_name(name: &str) -> Class {
        match name.to_ascii_lowercase().as_str() {
            "page" => Class::Page,
            "blogpost" => Class::BlogPost,
            "comment" => Class::Comment,
            "spacedescription" => Class::SpaceDescription,
            _ => Class::Other,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct SpaceRec {
    pub id: String,
    pub key: String,
    pub name: String,
    pub home: Option<String>,
    pub description: Option<String>,
}

/// A page, blog post, comment or space description.
#[derive(Debug, Clone)]
pub struct ContentRec {
    pub id: String,
    pub class: Class,
    pub title: String,
    pub space: Option<String>,
    pub parent: Option<String>,
    /// The page a comment is on.
    pub container: Option<String>,
    pub position: Option<i64>,
    pub version: Option<u32>,
    pub created: Option<String>,
    pub modified: Option<String>,
    /// User key, account id or user name of the creator.
    pub creator: Option<String>,
    pub status: Option<String>,
    /// Set on historical versions (and drafts of a published page).
    pub original: Option<String>,
    /// Source order, for stable output.
    pub seq: usize,
}

impl ContentRec {
    pub fn new(id: String, class: Class, seq: usize) -> ContentRec {
        ContentRec {
            id,
            class,
            title: String::new(),
            space: None,
            parent: None,
            container: None,
            position: None,
            version: None,
            created: None,
            modified: None,
            creator: None,
            status: None,
            original: None,
            seq,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct AttachmentRec {
    pub id: String,
    pub name: String,
    pub container: Option<String>,
    pub version: Option<u32>,
    pub status: Option<String>,
    pub original: Option<String>,
    pub media_type: Option<String>,
    /// ContentProperty ids (the new schema keeps MEDIA_TYPE there).
    pub properties: Vec<String>,
    pub seq: usize,
}

#[derive(Debug, Clone)]
pub struct BodyRec {
    pub owner: String,
    /// 0 wiki markup, 2 storage format, 1 other; `None` in 3.x exports (wiki markup).
    pub body_type: Option<u8>,
    pub at: Stored,
}

/// Everything a reader collected, before any choice about what is live.
pub struct Index {
    /// The entry the objects came from (for findings).
    pub source: String,
    /// `spaceKey` of `exportDescriptor.properties`, when present.
    pub descriptor_space: Option<String>,
    pub spaces: Vec<SpaceRec>,
    pub contents: HashMap<String, ContentRec>,
    pub attachments: Vec<AttachmentRec>,
    pub bodies: Vec<BodyRec>,
    pub store: BodyStore,
    /// Label id → name (global labels only).
    pub labels: HashMap<String, String>,
    /// (label id, content id).
    pub labellings: Vec<(String, String)>,
    /// User key / account id / name → display name.
    pub users: HashMap<String, String>,
    /// ContentProperty id → media type (MEDIA_TYPE properties only).
    pub media_types: HashMap<String, String>,
}

impl Index {
    pub fn new(source: impl Into<String>) -> std::io::Result<Index> {
        Ok(Index {
            source: source.into(),
            descriptor_space: None,
            spaces: Vec::new(),
            contents: HashMap::new(),
            attachments: Vec::new(),
            bodies: Vec::new(),
            store: BodyStore::new()?,
            labels: HashMap::new(),
            labellings: Vec::new(),
            users: HashMap::new(),
            media_types: HashMap::new(),
        })
    }
}

/// `exportDescriptor.properties` → its `spaceKey`.
pub fn descriptor_space(text: &str) -> Option<String> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .find(|(k, _)| k.trim() == "spaceKey")
        .map(|(_, v)| v.trim().replace("\\:", ":").replace("\\=", "="))
        .filter(|v| !v.is_empty())
}

/// `2021-02-08 09:04:21.274` → `2021-02-08T09:04:21`; other forms unchanged.
pub fn iso_date(raw: &str) -> String {
    let t = raw.trim();
    let b = t.as_bytes();
    if b.len() >= 19 && b[4] == b'-' && b[7] == b'-' && b[10] == b' ' && b[13] == b':' {
        format!("{}T{}", &t[..10], &t[11..19])
    } else {
        t.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptor_and_dates() {
        assert_eq!(
            descriptor_space("#Mon Jan 01\nexportType=space\nspaceKey=~clemens\n").as_deref(),
            Some("~clemens")
        );
        assert_eq!(descriptor_space("exportType=all\n"), None);
        assert_eq!(iso_date("2021-02-08 09:04:21.274"), "2021-02-08T09:04:21");
        assert_eq!(iso_date("yesterday"), "yesterday");
    }
}
