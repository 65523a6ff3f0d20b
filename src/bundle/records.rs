//! The records of a bundle, one type per JSON Lines file (BUNDLE.md "Records").

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    pub key: String,
    pub name: String,
    /// "create" or "existing".
    #[serde(rename = "match")]
    pub match_: String,
    pub source: OrgSource,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgSource {
    pub space_key: String,
    pub space_name: String,
    pub page_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Folder {
    pub key: String,
    pub org: String,
    pub name: String,
    pub parent: Option<String>,
    pub position: usize,
    pub source: PageSource,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageSource {
    pub space_key: String,
    pub page_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub key: String,
    pub org: String,
    pub name: String,
    pub folder: Option<String>,
    pub position: usize,
    /// Path of the HTML body, relative to the bundle root.
    pub content: String,
    /// Blob ids (blake3 hex) shown inline, sorted, unique.
    pub images: Vec<String>,
    /// Attachment keys, sorted.
    pub attachments: Vec<String>,
    /// Document keys this one links to, sorted, unique.
    pub links: Vec<String>,
    pub source: DocumentSource,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentSource {
    /// page | blogpost | folder-page
    pub kind: String,
    pub space_key: String,
    pub page_id: String,
    pub title: String,
    pub version: Option<u32>,
    pub created: Option<String>,
    pub modified: Option<String>,
    pub author: Option<String>,
    pub labels: Vec<String>,
    /// Titles of the ancestors, root first, the home page included.
    pub ancestors: Vec<String>,
    /// Entry name relative to the export's root folder.
    pub file: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentRecord {
    pub key: String,
    pub owner: String,
    pub file_name: String,
    pub media_type: Option<String>,
    pub size: u64,
    pub blake3: String,
    pub inline: bool,
    pub source: AttachmentSource,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentSource {
    pub page_id: String,
    pub attachment_id: String,
    pub version: Option<u32>,
    pub entry: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlexibleAssetType {
    pub key: String,
    pub name: String,
    pub description: Option<String>,
    pub fields: Vec<FieldDef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldDef {
    pub name: String,
    /// Text, Textbox, Number, Date, Checkbox, Select, Tag, Password, Upload, Header
    pub kind: String,
    pub required: bool,
    pub show_in_list: bool,
    pub tag_type: Option<String>,
    pub options: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlexibleAsset {
    pub key: String,
    pub org: String,
    #[serde(rename = "type")]
    pub type_: String,
    pub traits: BTreeMap<String, serde_json::Value>,
    pub tags: BTreeMap<String, Vec<String>>,
    pub source: PageSource,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Configuration {
    pub key: String,
    pub org: String,
    pub name: String,
    pub configuration_type: Option<String>,
    pub hostname: Option<String>,
    pub primary_ip: Option<String>,
    pub operating_system: Option<String>,
    pub serial_number: Option<String>,
    pub notes: Option<String>,
    pub source: PageSource,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub key: String,
    pub org: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub title: Option<String>,
    pub emails: Vec<ContactEmail>,
    pub phones: Vec<ContactPhone>,
    pub notes: Option<String>,
    pub source: PageSource,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactEmail {
    pub value: String,
    pub primary: bool,
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPhone {
    pub value: String,
    pub extension: Option<String>,
    pub primary: bool,
    pub label: Option<String>,
}

/// A secret. Its `password` is never logged or printed; `Debug` masks it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Password {
    pub key: String,
    pub org: String,
    pub name: String,
    pub username: Option<String>,
    pub password: Option<String>,
    pub url: Option<String>,
    pub notes: Option<String>,
    pub category: Option<String>,
    pub embedded_in: Option<String>,
    pub source: PageSource,
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Password")
            .field("key", &self.key)
            .field("org", &self.org)
            .field("name", &self.name)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "********"))
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RelatedItem {
    pub from: String,
    pub to: String,
    pub notes: Option<String>,
}

/// Everything a bundle holds besides bodies and blobs.
#[derive(Debug, Clone, Default)]
pub struct Records {
    pub organizations: Vec<Organization>,
    pub folders: Vec<Folder>,
    pub documents: Vec<Document>,
    pub attachments: Vec<AttachmentRecord>,
    pub flexible_asset_types: Vec<FlexibleAssetType>,
    pub flexible_assets: Vec<FlexibleAsset>,
    pub configurations: Vec<Configuration>,
    pub contacts: Vec<Contact>,
    pub passwords: Vec<Password>,
    pub related_items: Vec<RelatedItem>,
}
