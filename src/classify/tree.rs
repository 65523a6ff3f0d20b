//! The page tree → folders and documents: a page with children (in its own
//! organization) is a folder, and also a document when it has content and its
//! rule keeps one; a leaf is a document in its parent's folder; an organization's
//! root page (the space home, or a page cut into its own organization) puts its
//! body at the root and its children at the root. Folders deeper than
//! `max_folder_depth` are flattened into their ancestor with the path in the
//! name; names are made unique per organization as `duplicate_titles` says.

use std::collections::{HashMap, HashSet};

use super::mapping::{DocumentsOpts, DuplicateTitles};
use super::{DocPlan, PageTarget, Plan};
use crate::bundle::{Folder, OrgSource, Organization, PageSource, keys};
use crate::model::{Code, Finding, Page, Space};

/// Makes `name` unique among `taken` (case-insensitive): "Name (2)", "Name (3)", ...
pub fn unique_name(name: &str, taken: &mut HashSet<String>) -> (String, bool) {
    let base = if name.trim().is_empty() {
        "Untitled"
    } else {
        name.trim()
    };
    if taken.insert(base.to_lowercase()) {
        return (base.to_string(), false);
    }
    let mut n = 2;
    loop {
        let candidate = format!("{base} ({n})");
        if taken.insert(candidate.to_lowercase()) {
            return (candidate, true);
        }
        n += 1;
    }
}

/// What classification decided for one page, as the tree needs it.
#[derive(Debug, Clone)]
pub struct PageDecision {
    /// Organization key.
    pub org: String,
    /// The page is its organization's root (the space home, or a cut subtree's top).
    pub org_root: bool,
    /// The page's body becomes a document (when it has content).
    pub document: bool,
    /// Another record the page became (flexible asset, configuration): key, label.
    pub record: Option<(String, String)>,
}

/// Plans every space with the default mapping (no mapping file, tree only).
pub fn plan(spaces: &[Space]) -> Plan {
    let mut plan = Plan::default();
    for space in spaces {
        let org = keys::org(&space.key);
        plan.organizations.push(Organization {
            key: org.clone(),
            name: space.name.clone(),
            match_: "create".into(),
            source: OrgSource {
                space_key: space.key.clone(),
                space_name: space.name.clone(),
                page_id: None,
            },
        });
        let decisions = space
            .pages
            .iter()
            .map(|p| {
                let d = PageDecision {
                    org: org.clone(),
                    org_root: Some(p.id.as_str()) == space.home.as_deref(),
                    document: true,
                    record: None,
                };
                (p.id.clone(), d)
            })
            .collect();
        plan_space(space, &decisions, &DocumentsOpts::default(), &mut plan);
    }
    plan
}

/// Folders and documents of one space.
pub fn plan_space(
    space: &Space,
    decisions: &HashMap<String, PageDecision>,
    opts: &DocumentsOpts,
    plan: &mut Plan,
) {
    let org_of = |id: &str| decisions.get(id).map(|d| d.org.as_str());
    let mut children: HashMap<&str, usize> = HashMap::new();
    for p in &space.pages {
        if let Some(parent) = p.parent.as_deref()
            && org_of(parent) == org_of(&p.id)
            && !decisions.get(&p.id).is_some_and(|d| d.org_root)
        {
            *children.entry(parent).or_default() += 1;
        }
    }
    let has_children = |id: &str| children.get(id).copied().unwrap_or(0) > 0;
    // Pages that are some page's parent (in any organization): only theirs are
    // looked up below, so only theirs are kept (most pages are leaves).
    let parents: HashSet<&str> = space
        .pages
        .iter()
        .filter_map(|p| p.parent.as_deref())
        .collect();
    let mut folder_of: HashMap<&str, Option<String>> = HashMap::new();
    let mut depth_of: HashMap<&str, usize> = HashMap::new();
    let mut prefix_of: HashMap<&str, Vec<String>> = HashMap::new();
    let mut ancestors: HashMap<&str, Vec<String>> = HashMap::new();
    let mut doc_names: HashMap<String, HashSet<String>> = HashMap::new();
    let mut folder_names: HashMap<(String, Option<String>), HashSet<String>> = HashMap::new();
    // `Space::page` walks the list: a lookup table, or the tree costs pages².
    let by_id: HashMap<&str, &Page> = space.pages.iter().map(|p| (p.id.as_str(), p)).collect();
    // Pages come parents first, so a parent's folder is known before its children.
    for page in &space.pages {
        let Some(dec) = decisions.get(&page.id) else {
            continue;
        };
        let anc = match page.parent.as_deref() {
            Some(p) => {
                let mut a = ancestors.get(p).cloned().unwrap_or_default();
                if let Some(pp) = by_id.get(p) {
                    a.push(pp.title.clone());
                }
                a
            }
            None => Vec::new(),
        };
        if parents.contains(page.id.as_str()) {
            ancestors.insert(&page.id, anc.clone());
        }
        // The parent counts only within the same organization, below its root.
        let parent = page
            .parent
            .as_deref()
            .filter(|p| !dec.org_root && org_of(p) == Some(dec.org.as_str()));
        let parent_folder = parent.and_then(|p| folder_of.get(p).cloned().flatten());
        let parent_depth = parent.and_then(|p| depth_of.get(p).copied()).unwrap_or(0);
        let base_prefix = parent
            .and_then(|p| prefix_of.get(p).cloned())
            .unwrap_or_default();
        let mut own_folder = None;
        let mut depth = parent_depth;
        let mut prefix = base_prefix.clone();
        if has_children(&page.id) && !dec.org_root {
            let max = opts.max_folder_depth;
            if max > 0 && parent_depth + 1 > max {
                prefix.push(page.title.trim().to_string());
                plan.findings.push(
                    Finding::new(
                        Code::TreeFlattened,
                        format!(
                            "folder {:?} is deeper than max_folder_depth = {max}; its pages are named \"{} / …\" in the folder above",
                            page.title,
                            prefix.join(" / ")
                        ),
                    )
                    .on_page(&space.key, &page.id),
                );
            } else {
                let key = keys::folder(&space.key, &page.id);
                let taken = folder_names
                    .entry((dec.org.clone(), parent_folder.clone()))
                    .or_default();
                let (name, renamed) = unique_name(&page.title, taken);
                if renamed {
                    plan.findings.push(
                        Finding::new(
                            Code::TitleDuplicateRenamed,
                            format!("folder {:?} renamed {name:?}: its parent folder already has one of that name", page.title),
                        )
                        .on_page(&space.key, &page.id),
                    );
                }
                plan.folders.push(Folder {
                    key: key.clone(),
                    org: dec.org.clone(),
                    name: name.clone(),
                    parent: parent_folder.clone(),
                    position: page.position,
                    source: PageSource {
                        space_key: space.key.clone(),
                        page_id: page.id.clone(),
                    },
                });
                plan.targets.insert(
                    (space.key.clone(), page.id.clone()),
                    PageTarget::Record {
                        key: key.clone(),
                        label: format!("{name} (folder)"),
                    },
                );
                own_folder = Some(key);
                depth = parent_depth + 1;
                prefix = Vec::new();
            }
        }
        if parents.contains(page.id.as_str()) {
            folder_of.insert(
                &page.id,
                own_folder.clone().or_else(|| parent_folder.clone()),
            );
            depth_of.insert(&page.id, depth);
            prefix_of.insert(&page.id, prefix);
        }
        if let Some((key, label)) = &dec.record {
            plan.targets.insert(
                (space.key.clone(), page.id.clone()),
                PageTarget::Record {
                    key: key.clone(),
                    label: label.clone(),
                },
            );
        }
        let has_content =
            page.shows_content() || page.attachments.iter().any(|a| a.entry.is_some());
        if !has_content || !dec.document {
            if !has_content && own_folder.is_none() && dec.record.is_none() {
                let moved = parents.contains(page.id.as_str());
                let why = if moved {
                    "its children went to other organizations"
                } else {
                    "no children"
                };
                plan.findings.push(
                    Finding::new(
                        Code::PageEmpty,
                        format!("page {:?} has no content and {why}; not staged", page.title),
                    )
                    .on_page(&space.key, &page.id)
                    .entry(page.file.clone().unwrap_or_default())
                    .detail(page.id.clone()),
                );
            }
            continue;
        }
        let wanted = if own_folder.is_some() || base_prefix.is_empty() {
            page.title.trim().to_string()
        } else {
            format!("{} / {}", base_prefix.join(" / "), page.title.trim())
        };
        let taken = doc_names.entry(dec.org.clone()).or_default();
        let (name, renamed) = match (opts.duplicate_titles, parent) {
            (DuplicateTitles::Path, Some(p)) if taken.contains(&wanted.to_lowercase()) => {
                let parent_title = by_id.get(p).map(|pp| pp.title.trim()).unwrap_or("");
                let (n, _) = unique_name(&format!("{parent_title} / {wanted}"), taken);
                (n, true)
            }
            _ => unique_name(&wanted, taken),
        };
        if renamed {
            plan.findings.push(
                Finding::new(
                    Code::TitleDuplicateRenamed,
                    format!("document {:?} renamed {name:?}: the organization already has a document of that name", page.title),
                )
                .on_page(&space.key, &page.id),
            );
        }
        let key = keys::document(&space.key, &page.id);
        let (folder, position) = match &own_folder {
            Some(f) => (Some(f.clone()), 0),
            None => (parent_folder, page.position),
        };
        plan.targets.insert(
            (space.key.clone(), page.id.clone()),
            PageTarget::Document {
                key: key.clone(),
                path: keys::document_path(&space.key, &page.id),
            },
        );
        plan.documents.push(DocPlan {
            key,
            org: dec.org.clone(),
            name,
            folder,
            position,
            space: space.key.clone(),
            page_id: page.id.clone(),
            ancestors: anc,
        });
    }
}
