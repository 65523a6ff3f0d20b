//! The seam between readers and everything after them: an export as spaces, pages,
//! attachments and comments, with page bodies as a small typed document tree.

mod body;
mod finding;
mod spill;

pub use body::*;
pub use finding::*;
pub use spill::{Parked, Spill};

/// What kind of Confluence export a source was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportKind {
    Html,
    Xml,
    Csv,
}

impl ExportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ExportKind::Html => "html",
            ExportKind::Xml => "xml",
            ExportKind::Csv => "csv",
        }
    }
}

/// One export (one archive or folder) as read, before any transform.
#[derive(Debug, Clone, Default)]
pub struct Export {
    pub spaces: Vec<Space>,
    pub findings: Vec<Finding>,
}

/// A Confluence space: its pages in tree order (parents before children, siblings in
/// source order).
#[derive(Debug, Clone, Default)]
pub struct Space {
    pub key: String,
    pub name: String,
    pub description: Option<String>,
    /// Page id of the space home page, when known.
    pub home: Option<String>,
    pub pages: Vec<Page>,
    /// Pages the export names (in its tree or breadcrumbs) but does not contain:
    /// id → title. Links to them are reported as pointing outside the export.
    pub missing_pages: std::collections::BTreeMap<String, String>,
    /// Base URLs of the old wiki seen in the export (e.g.
    /// `https://acme.atlassian.net/wiki`), used to recognise absolute links to it.
    pub base_urls: std::collections::BTreeSet<String>,
}

impl Space {
    /// A copy without pages (for lookup tables).
    pub fn clone_meta(&self) -> Space {
        Space {
            key: self.key.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            home: self.home.clone(),
            pages: Vec::new(),
            missing_pages: self.missing_pages.clone(),
            base_urls: self.base_urls.clone(),
        }
    }

    /// The page with this id: a walk of the list, for one-off lookups (index the
    /// pages for lookups per page).
    pub fn page(&self, id: &str) -> Option<&Page> {
        self.pages.iter().find(|p| p.id == id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PageKind {
    /// An ordinary page.
    Page,
    /// A blog post (no place in the tree).
    Blogpost,
    /// A Cloud folder, or any page exported without a body.
    FolderPage,
}

/// A page with its metadata, body and attachments.
#[derive(Debug, Clone)]
pub struct Page {
    pub id: String,
    pub title: String,
    pub kind: PageKind,
    /// Parent page id; `None` for roots (the home page and orphans placed at the root).
    pub parent: Option<String>,
    /// 0-based order among its siblings in the source.
    pub position: usize,
    pub version: Option<u32>,
    pub created: Option<String>,
    pub modified: Option<String>,
    pub author: Option<String>,
    pub labels: Vec<String>,
    /// Entry name of the page's source, relative to the export root (HTML exports).
    pub file: Option<String>,
    /// `None` when the export has no body for the page (a Cloud folder), or while
    /// the body is parked on disk (`parked`).
    pub body: Option<Body>,
    /// Where the body is while parked (see `Spill`).
    pub parked: Option<Parked>,
    /// Whether the body shows anything; kept up to date when a body is parked.
    pub has_content: bool,
    pub attachments: Vec<Attachment>,
    pub comments: Vec<Comment>,
}

impl Page {
    /// True when the page has a body that shows something, parked or not.
    pub fn shows_content(&self) -> bool {
        match &self.body {
            Some(b) => !b.is_empty(),
            None => self.parked.is_some() && self.has_content,
        }
    }

    /// A copy without body and comments (for lookup tables).
    pub fn clone_meta(&self) -> Page {
        Page {
            id: self.id.clone(),
            title: self.title.clone(),
            kind: self.kind,
            parent: self.parent.clone(),
            position: self.position,
            version: self.version,
            created: self.created.clone(),
            modified: self.modified.clone(),
            author: self.author.clone(),
            labels: self.labels.clone(),
            file: self.file.clone(),
            body: None,
            parked: self.parked,
            has_content: self.has_content,
            attachments: self.attachments.clone(),
            comments: Vec::new(),
        }
    }

    pub fn new(id: impl Into<String>, title: impl Into<String>) -> Page {
        Page {
            id: id.into(),
            title: title.into(),
            kind: PageKind::Page,
            parent: None,
            position: 0,
            version: None,
            created: None,
            modified: None,
            author: None,
            labels: Vec::new(),
            file: None,
            body: None,
            parked: None,
            has_content: false,
            attachments: Vec::new(),
            comments: Vec::new(),
        }
    }
}

/// A file attached to a page. `entry` is where its bytes are in the export, if present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub id: String,
    pub page_id: String,
    pub file_name: String,
    pub media_type: Option<String>,
    pub version: Option<u32>,
    /// Entry name relative to the export root; `None` when the export lacks the bytes.
    pub entry: Option<String>,
    /// The entry name the export said the bytes would be at (for findings).
    pub expected_entry: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Comment {
    pub author: Option<String>,
    pub date: Option<String>,
    pub body: Vec<Block>,
}
