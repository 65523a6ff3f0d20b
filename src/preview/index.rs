//! Lookups the preview and the report share: records by key, the organization of
//! every key, findings by the key they concern, and where each key is shown.

use std::collections::{BTreeMap, HashMap};

use super::paths;
use crate::bundle::{AttachmentRecord, Document, Folder, Organization, Records};
use crate::model::Finding;

/// A folder's place: (organization key, folder key or None for the root).
pub type Place<'a> = (&'a str, Option<&'a str>);
/// What a folder holds: its subfolders and its documents.
pub type Content<'a> = (Vec<&'a Folder>, Vec<&'a Document>);

pub struct Index<'a> {
    pub records: &'a Records,
    pub orgs: HashMap<&'a str, &'a Organization>,
    pub docs: HashMap<&'a str, &'a Document>,
    pub folders: HashMap<&'a str, &'a Folder>,
    /// Record key → organization key, for every record that has one.
    pub org_of: HashMap<&'a str, &'a str>,
    /// Page key → findings about it, in report order.
    pub findings: HashMap<&'a str, Vec<&'a Finding>>,
    /// Folder key (None = root) → its subfolders and documents, by position then name.
    pub children: BTreeMap<Place<'a>, Content<'a>>,
    /// Owner key → its attachments, by key.
    pub attachments: HashMap<&'a str, Vec<&'a AttachmentRecord>>,
    /// Organization key → how many records of each kind it has (the sidebar of
    /// every page shows them: counted once, not once per page).
    pub counts: HashMap<&'a str, Counts>,
    /// (organization key, flexible asset type key) → assets of that type.
    pub fa_counts: HashMap<(&'a str, &'a str), usize>,
}

/// Records of an organization, by kind.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub documents: usize,
    pub configurations: usize,
    pub contacts: usize,
    pub passwords: usize,
}

impl<'a> Index<'a> {
    pub fn new(records: &'a Records, findings: &'a [Finding]) -> Index<'a> {
        let mut idx = Index {
            records,
            orgs: records
                .organizations
                .iter()
                .map(|o| (o.key.as_str(), o))
                .collect(),
            docs: records
                .documents
                .iter()
                .map(|d| (d.key.as_str(), d))
                .collect(),
            folders: records
                .folders
                .iter()
                .map(|f| (f.key.as_str(), f))
                .collect(),
            org_of: HashMap::new(),
            findings: HashMap::new(),
            children: BTreeMap::new(),
            attachments: HashMap::new(),
            counts: HashMap::new(),
            fa_counts: HashMap::new(),
        };
        let r = records;
        let pairs = r
            .documents
            .iter()
            .map(|d| (&d.key, &d.org))
            .chain(r.folders.iter().map(|f| (&f.key, &f.org)))
            .chain(r.flexible_assets.iter().map(|x| (&x.key, &x.org)))
            .chain(r.configurations.iter().map(|x| (&x.key, &x.org)))
            .chain(r.contacts.iter().map(|x| (&x.key, &x.org)))
            .chain(r.passwords.iter().map(|x| (&x.key, &x.org)));
        for (k, o) in pairs {
            idx.org_of.insert(k.as_str(), o.as_str());
        }
        for d in &r.documents {
            idx.counts.entry(d.org.as_str()).or_default().documents += 1;
        }
        for x in &r.configurations {
            idx.counts.entry(x.org.as_str()).or_default().configurations += 1;
        }
        for x in &r.contacts {
            idx.counts.entry(x.org.as_str()).or_default().contacts += 1;
        }
        for x in &r.passwords {
            idx.counts.entry(x.org.as_str()).or_default().passwords += 1;
        }
        for a in &r.flexible_assets {
            *idx.fa_counts
                .entry((a.org.as_str(), a.type_.as_str()))
                .or_default() += 1;
        }
        for a in &r.attachments {
            idx.attachments.entry(a.owner.as_str()).or_default().push(a);
        }
        for f in findings {
            if let Some(p) = &f.page {
                idx.findings.entry(p.as_str()).or_default().push(f);
            }
        }
        for f in &r.folders {
            idx.children
                .entry((f.org.as_str(), f.parent.as_deref()))
                .or_default()
                .0
                .push(f);
        }
        for d in &r.documents {
            idx.children
                .entry((d.org.as_str(), d.folder.as_deref()))
                .or_default()
                .1
                .push(d);
        }
        for (fs, ds) in idx.children.values_mut() {
            fs.sort_by(|a, b| (a.position, &a.name, &a.key).cmp(&(b.position, &b.name, &b.key)));
            ds.sort_by(|a, b| (a.position, &a.name, &a.key).cmp(&(b.position, &b.name, &b.key)));
        }
        idx
    }

    /// Where a record key is shown in the preview: (page path, fragment).
    pub fn location(&self, key: &str) -> Option<(String, Option<String>)> {
        if let Some(d) = self.docs.get(key) {
            return Some((paths::document(&d.content), None));
        }
        let org = self.org_of.get(key)?;
        let section = match key.split('/').next()? {
            "folder" => "documents",
            "fa" => "flexible-assets",
            "cfg" => "configurations",
            "contact" => "contacts",
            "pw" => "passwords",
            _ => return None,
        };
        Some((paths::org_page(org, section), Some(paths::anchor(key))))
    }

    /// Findings about a document: its own, and those of the folder made from the
    /// same page (a page with children is both).
    pub fn doc_findings(&self, doc: &Document) -> Vec<&'a Finding> {
        let mut out: Vec<&Finding> = self
            .findings
            .get(doc.key.as_str())
            .cloned()
            .unwrap_or_default();
        if let Some(rest) = doc.key.strip_prefix("doc/")
            && let Some(fs) = self.findings.get(format!("folder/{rest}").as_str())
        {
            out.extend(fs.iter().copied());
        }
        out
    }

    /// The folders from the root down to `folder` (inclusive).
    pub fn folder_path(&self, folder: Option<&str>) -> Vec<&'a Folder> {
        let mut out = Vec::new();
        let mut next: Option<&'a Folder> = folder.and_then(|k| self.folders.get(k).copied());
        while let Some(f) = next {
            out.push(f);
            next = f
                .parent
                .as_deref()
                .and_then(|k| self.folders.get(k).copied());
            if out.len() > 1000 {
                break;
            }
        }
        out.reverse();
        out
    }
}
