//! The upload plan: what will be sent, in which order, and how many requests of
//! each kind — computed from the bundle (and the ledger, on a rerun) without
//! sending anything. `--dry-run` prints it; the run follows it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::bundle::read::Loaded;
use crate::bundle::{Document, Folder};

use super::rewrite;

/// Request kinds, in execution order.
pub const KINDS: [&str; 19] = [
    "organization-lookups",
    "organizations",
    "flexible-asset-types",
    "flexible-asset-fields",
    "document-folders",
    "configuration-type-lookups",
    "configuration-types",
    "configurations",
    "contacts",
    "documents",
    "password-category-lookups",
    "password-categories",
    "passwords",
    "flexible-assets",
    "document-images",
    "attachments",
    "sections",
    "publish",
    "related-items",
];

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Attachments and images larger than this are reported, not sent.
    pub max_file_bytes: u64,
    /// A body larger than this is split into several sections.
    pub max_section_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 10 * 1024 * 1024,
            max_section_bytes: 1024 * 1024,
        }
    }
}

/// Record kinds `--only` accepts (file names of the bundle without `.jsonl`).
pub const ONLY_KINDS: [&str; 7] = [
    "documents",
    "attachments",
    "configurations",
    "contacts",
    "passwords",
    "flexible_assets",
    "related_items",
];

/// `--only KINDS`: which record kinds a run uploads. Organizations always go
/// (everything belongs to one); folders go with documents, flexible asset
/// types with flexible assets, configuration types with configurations and
/// password categories with passwords.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Only(Option<BTreeSet<String>>);

impl Only {
    /// Everything.
    pub fn all() -> Only {
        Only(None)
    }

    /// Parses `documents,passwords`; an unknown kind is an error naming it.
    pub fn parse(s: &str) -> Result<Only, String> {
        let mut set = BTreeSet::new();
        for k in s.split(',').map(str::trim).filter(|k| !k.is_empty()) {
            let k = k.replace('-', "_");
            if !ONLY_KINDS.contains(&k.as_str()) {
                return Err(format!(
                    "unknown kind {k:?} (one of: {})",
                    ONLY_KINDS.join(", ")
                ));
            }
            set.insert(k);
        }
        if set.is_empty() {
            return Err("no kind given".into());
        }
        Ok(Only(Some(set)))
    }

    pub fn wants(&self, kind: &str) -> bool {
        self.0.as_ref().is_none_or(|s| s.contains(kind))
    }
}

/// A file left out of the upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Oversized {
    /// An attachment key, or `img/<doc key>/<blob>`.
    pub key: String,
    pub size: u64,
}

#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub counts: BTreeMap<&'static str, u64>,
    pub oversized: Vec<Oversized>,
    /// Section pieces per document key (raw, rewritten when written).
    pub sections: HashMap<String, Vec<String>>,
    /// Folders by depth (parents first).
    pub folder_levels: Vec<Vec<String>>,
    pub configuration_types: BTreeSet<String>,
    pub password_categories: BTreeSet<String>,
    /// Blob sizes, for the size cap.
    pub blob_sizes: HashMap<String, u64>,
}

impl Plan {
    pub fn total(&self) -> u64 {
        self.counts.values().sum()
    }

    fn add(&mut self, kind: &'static str, n: u64) {
        if n > 0 {
            *self.counts.entry(kind).or_default() += n;
        }
    }

    pub fn too_big(&self, blob: &str, limits: &Limits) -> bool {
        self.blob_sizes
            .get(blob)
            .is_some_and(|s| *s > limits.max_file_bytes)
    }
}

/// The configuration type used when a configuration names none.
pub const DEFAULT_CONFIGURATION_TYPE: &str = "Other";

fn depth(f: &Folder, by_key: &HashMap<&str, &Folder>) -> usize {
    let mut d = 0;
    let mut cur = f.parent.as_deref();
    while let Some(p) = cur {
        d += 1;
        if d > 1000 {
            break; // a cycle would be a broken bundle; bounded anyway
        }
        cur = by_key.get(p).and_then(|f| f.parent.as_deref());
    }
    d
}

/// Builds the plan. `done` says whether a step key is already done (rerun).
pub fn build(
    b: &Loaded,
    limits: &Limits,
    only: &Only,
    done: &dyn Fn(&str) -> bool,
) -> Result<Plan, crate::Error> {
    let r = &b.records;
    let (docs, fas, cfgs, pws) = (
        only.wants("documents"),
        only.wants("flexible_assets"),
        only.wants("configurations"),
        only.wants("passwords"),
    );
    let mut p = Plan::default();
    for a in &r.attachments {
        p.blob_sizes.insert(a.blake3.clone(), a.size);
    }
    for o in &r.organizations {
        if !done(&o.key) {
            // Each is looked up by name first. `match = "existing"`: assumed
            // found, as the mapping says (if not, the run creates it: one request
            // more than planned); `create`: assumed absent, then created.
            p.add("organization-lookups", 1);
            if o.match_ != "existing" {
                p.add("organizations", 1);
            }
        }
    }
    for t in r.flexible_asset_types.iter().filter(|_| fas) {
        if !done(&t.key) {
            p.add("flexible-asset-types", 1);
            p.add("flexible-asset-fields", 1);
        }
    }
    let by_key: HashMap<&str, &Folder> = r.folders.iter().map(|f| (f.key.as_str(), f)).collect();
    let mut levels: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for f in r.folders.iter().filter(|_| docs) {
        levels
            .entry(depth(f, &by_key))
            .or_default()
            .push(f.key.clone());
        if !done(&f.key) {
            p.add("document-folders", 1);
        }
    }
    p.folder_levels = levels.into_values().collect();
    for c in r.configurations.iter().filter(|_| cfgs) {
        let t = c
            .configuration_type
            .clone()
            .unwrap_or_else(|| DEFAULT_CONFIGURATION_TYPE.into());
        p.configuration_types.insert(t);
        if !done(&c.key) {
            p.add("configurations", 1);
        }
    }
    for t in &p.configuration_types.clone() {
        if !done(&format!("cfgtype/{t}")) {
            p.add("configuration-type-lookups", 1);
            p.add("configuration-types", 1);
        }
    }
    for c in r.contacts.iter().filter(|_| only.wants("contacts")) {
        if !done(&c.key) {
            p.add("contacts", 1);
        }
    }
    for d in r.documents.iter().filter(|_| docs) {
        plan_document(b, d, limits, done, &mut p)?;
    }
    for pw in r.passwords.iter().filter(|_| pws) {
        if let Some(c) = &pw.category {
            p.password_categories.insert(c.clone());
        }
        if !done(&pw.key) {
            p.add("passwords", 1);
        }
    }
    for c in &p.password_categories.clone() {
        if !done(&format!("pwcat/{c}")) {
            p.add("password-category-lookups", 1);
            p.add("password-categories", 1);
        }
    }
    for fa in r.flexible_assets.iter().filter(|_| fas) {
        if !done(&fa.key) {
            p.add("flexible-assets", 1);
        }
    }
    for a in r.attachments.iter().filter(|_| only.wants("attachments")) {
        if a.size > limits.max_file_bytes {
            p.oversized.push(Oversized {
                key: a.key.clone(),
                size: a.size,
            });
        } else if !done(&a.key) {
            p.add("attachments", 1);
        }
    }
    for ri in r
        .related_items
        .iter()
        .filter(|_| only.wants("related_items"))
    {
        if !done(&related_key(&ri.from, &ri.to)) {
            p.add("related-items", 1);
        }
    }
    Ok(p)
}

fn plan_document(
    b: &Loaded,
    d: &Document,
    limits: &Limits,
    done: &dyn Fn(&str) -> bool,
    p: &mut Plan,
) -> Result<(), crate::Error> {
    if !done(&d.key) {
        p.add("documents", 1);
    }
    for blob in &d.images {
        let key = image_key(&d.key, blob);
        if p.too_big(blob, limits) {
            p.oversized.push(Oversized {
                key,
                size: p.blob_sizes[blob],
            });
        } else if !done(&key) {
            p.add("document-images", 1);
        }
    }
    let html = b.document_html(&d.content)?;
    let pieces = rewrite::split(rewrite::body_inner(&html), limits.max_section_bytes);
    for i in 0..pieces.len() {
        if !done(&section_key(&d.key, i)) {
            p.add("sections", 1);
        }
    }
    if !done(&publish_key(&d.key)) {
        p.add("publish", 1);
    }
    p.sections.insert(d.key.clone(), pieces);
    Ok(())
}

pub fn image_key(doc: &str, blob: &str) -> String {
    format!("img/{doc}/{blob}")
}

pub fn section_key(doc: &str, i: usize) -> String {
    format!("sec/{doc}/{i}")
}

pub fn publish_key(doc: &str) -> String {
    format!("pub/{doc}")
}

pub fn related_key(from: &str, to: &str) -> String {
    format!("rel/{from}|{to}")
}
