//! Deciding what each page becomes in IT Glue (MAPPING.md): which Organization,
//! and whether a Document, Flexible Asset, Configuration, Contacts, Passwords or
//! nothing; the page tree becomes document folders; links become related items.
//! Without a mapping file the defaults apply: each space one Organization, every
//! page a Document, password and contact tables extracted.

pub mod contacts;
pub mod draft;
pub mod kv;
pub mod mapping;
pub mod orgs;
#[cfg(test)]
mod parity;
pub mod passwords;
pub mod rules;
mod run;
pub mod tables;
pub mod tree;

use std::collections::HashMap;

use crate::bundle::{
    Configuration, Contact, FlexibleAsset, FlexibleAssetType, Folder, Organization, Password,
    RelatedItem,
};
use crate::model::{Body, Code, Finding};

/// What a page of the export turned into, for links that point at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageTarget {
    /// A document: its key and body path (relative to the bundle root).
    Document { key: String, path: String },
    /// Another record (a folder, a flexible asset, ...): its key and a readable label.
    Record { key: String, label: String },
}

/// A document to write.
#[derive(Debug, Clone)]
pub struct DocPlan {
    pub key: String,
    pub org: String,
    pub name: String,
    pub folder: Option<String>,
    pub position: usize,
    pub space: String,
    pub page_id: String,
    /// Titles of the ancestors, root first.
    pub ancestors: Vec<String>,
}

/// The classification of a whole run.
#[derive(Debug, Default)]
pub struct Plan {
    pub organizations: Vec<Organization>,
    pub folders: Vec<Folder>,
    pub documents: Vec<DocPlan>,
    /// (space, page id) → what links to that page become.
    pub targets: HashMap<(String, String), PageTarget>,
    pub findings: Vec<Finding>,
    pub flexible_asset_types: Vec<FlexibleAssetType>,
    pub flexible_assets: Vec<FlexibleAsset>,
    pub configurations: Vec<Configuration>,
    pub contacts: Vec<Contact>,
    pub passwords: Vec<Password>,
    pub related_items: Vec<RelatedItem>,
    /// What each page became, in tree order (for `scan`).
    pub outcomes: Vec<Outcome>,
    /// Every extracted secret, to replace the copies of it elsewhere.
    pub scrubber: passwords::Scrubber,
}

impl Plan {
    /// Replaces any other copy of an extracted secret in a page's body (prose,
    /// code) by a reference to its Password record; the finding says how many.
    pub fn scrub(&self, space: &str, page_id: &str, body: &mut Body) -> Option<Finding> {
        if self.scrubber.is_empty() {
            return None;
        }
        let n = self.scrubber.scrub(&mut body.blocks);
        (n > 0).then(|| {
            Finding::new(
                Code::PasswordExtracted,
                format!("{n} more copy/copies of an extracted password replaced by a reference"),
            )
            .on_page(space, page_id)
        })
    }
}

/// What one page became, for people.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Outcome {
    pub space: String,
    pub page_id: String,
    pub title: String,
    /// Organization name.
    pub organization: String,
    /// The records, e.g. "flexible asset Server (rule 1)", "document", "3 passwords".
    pub becomes: Vec<String>,
}

pub use run::classify;
pub use tree::plan;

/// The page a record is being made from.
#[derive(Debug, Clone, Copy)]
pub struct PageCtx<'a> {
    pub space: &'a str,
    pub page_id: &'a str,
    pub title: &'a str,
    pub org: &'a str,
}
