//! Deciding what each page becomes in IT Glue. This version applies the default
//! mapping: each space is one Organization, the page tree becomes document folders
//! and every page with content a Document (BUNDLE.md "The tree").

pub mod contacts;
pub mod mapping;
pub mod passwords;
pub mod tables;
pub mod tree;

use std::collections::HashMap;

use crate::bundle::{Folder, Organization};
use crate::model::Finding;

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
}

pub use tree::plan;

/// The page a record is being made from.
#[derive(Debug, Clone, Copy)]
pub struct PageCtx<'a> {
    pub space: &'a str,
    pub page_id: &'a str,
    pub title: &'a str,
    pub org: &'a str,
}
