//! The page tree → organizations, folders and documents: a page with children is a
//! folder (and also a document when it has content); a leaf is a document in its
//! parent's folder; the home page's body is a document at the root and its
//! children sit at the root. Names are made unique per organization.

use std::collections::{HashMap, HashSet};

use super::{DocPlan, PageTarget, Plan};
use crate::bundle::{Folder, OrgSource, Organization, PageSource, keys};
use crate::model::{Code, Finding, Space};

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

/// Plans every space with the default mapping.
pub fn plan(spaces: &[Space]) -> Plan {
    let mut plan = Plan::default();
    for space in spaces {
        plan_space(space, &mut plan);
    }
    plan
}

fn plan_space(space: &Space, plan: &mut Plan) {
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
    let mut children: HashMap<Option<&str>, usize> = HashMap::new();
    for p in &space.pages {
        *children.entry(p.parent.as_deref()).or_default() += 1;
    }
    let has_children = |id: &str| children.get(&Some(id)).copied().unwrap_or(0) > 0;
    let home = space.home.as_deref();
    let mut folder_of: HashMap<&str, Option<String>> = HashMap::new();
    let mut ancestors: HashMap<&str, Vec<String>> = HashMap::new();
    let mut doc_names = HashSet::new();
    let mut folder_names: HashMap<Option<String>, HashSet<String>> = HashMap::new();
    // Pages come parents first, so a parent's folder is known before its children.
    for page in &space.pages {
        let parent_folder = page
            .parent
            .as_deref()
            .and_then(|p| folder_of.get(p).cloned().flatten());
        let anc = match page.parent.as_deref() {
            Some(p) => {
                let mut a = ancestors.get(p).cloned().unwrap_or_default();
                if let Some(pp) = space.page(p) {
                    a.push(pp.title.clone());
                }
                a
            }
            None => Vec::new(),
        };
        ancestors.insert(&page.id, anc.clone());
        let is_home = Some(page.id.as_str()) == home;
        let mut own_folder = None;
        if has_children(&page.id) && !is_home {
            let key = keys::folder(&space.key, &page.id);
            let taken = folder_names.entry(parent_folder.clone()).or_default();
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
                org: org.clone(),
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
        }
        folder_of.insert(&page.id, own_folder.clone());
        let has_content =
            page.shows_content() || page.attachments.iter().any(|a| a.entry.is_some());
        if !has_content {
            if own_folder.is_none() {
                plan.findings.push(
                    Finding::new(
                        Code::PageEmpty,
                        format!(
                            "page {:?} has no content and no children; not staged",
                            page.title
                        ),
                    )
                    .on_page(&space.key, &page.id)
                    .entry(page.file.clone().unwrap_or_default())
                    .detail(page.id.clone()),
                );
            }
            continue;
        }
        let (name, renamed) = unique_name(&page.title, &mut doc_names);
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
            org: org.clone(),
            name,
            folder,
            position,
            space: space.key.clone(),
            page_id: page.id.clone(),
            ancestors: anc,
        });
    }
}
