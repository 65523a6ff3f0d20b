//! Index → model: choose the live content, build each space's tree, attach
//! files, labels and comments, convert bodies.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;

use super::site::{SpaceSite, Tables};
use super::{AttachmentRec, Class, ContentRec, Index, Stored, iso_date};
use crate::archive::Archive;
use crate::model::{
    Attachment, Block, Body, Code, Comment, Export, Finding, Page, PageKind, Space, Spill,
};
use crate::read::storage::{self, PageCtx};

/// Why a content object is not converted, if it is not.
enum Skip {
    Historical(String),
    Draft,
    Deleted(String),
}

fn skip_reason(c: &ContentRec) -> Option<Skip> {
    let status = c
        .status
        .as_deref()
        .unwrap_or("current")
        .to_ascii_lowercase();
    match status.as_str() {
        "draft" => Some(Skip::Draft),
        "deleted" | "trashed" | "purged" => Some(Skip::Deleted(status)),
        _ => c.original.clone().map(Skip::Historical),
    }
}

fn is_doc(c: &ContentRec) -> bool {
    matches!(c.class, Class::Page | Class::BlogPost)
}

/// One space being built.
struct Plan {
    key: String,
    name: String,
    description: Option<String>,
    home: Option<String>,
    /// Live pages and blog posts, in output (tree) order.
    order: Vec<String>,
    parents: HashMap<String, String>,
    positions: HashMap<String, usize>,
    missing: BTreeMap<String, String>,
}

pub fn build(
    ix: Index,
    archive: &Archive,
    spill: Option<&Spill>,
    mut findings: Vec<Finding>,
) -> Export {
    let source = ix.source.clone();
    // 1. Live content, with a finding for everything left out.
    let mut live: HashSet<String> = HashSet::new();
    let mut historical: BTreeMap<String, usize> = BTreeMap::new();
    let mut docs: Vec<&ContentRec> = ix.contents.values().filter(|c| is_doc(c)).collect();
    docs.sort_by_key(|c| c.seq);
    for c in &docs {
        match skip_reason(c) {
            None => {
                live.insert(c.id.clone());
            }
            Some(Skip::Historical(of)) => *historical.entry(of).or_default() += 1,
            Some(Skip::Draft) => findings.push(
                Finding::new(
                    Code::DraftSkipped,
                    format!("draft {:?} (id {}) is not converted", c.title, c.id),
                )
                .entry(source.clone()),
            ),
            Some(Skip::Deleted(status)) => findings.push(
                Finding::new(
                    Code::DeletedSkipped,
                    format!("{status} page {:?} (id {}) is not converted", c.title, c.id),
                )
                .entry(source.clone()),
            ),
        }
    }

    // 2. Spaces: the descriptor's space when the export names one and holds it,
    // else every space with live content.
    let wanted = ix
        .descriptor_space
        .as_ref()
        .filter(|k| ix.spaces.iter().any(|s| &s.key == *k))
        .cloned();
    let space_by_id: HashMap<&str, &super::SpaceRec> =
        ix.spaces.iter().map(|s| (s.id.as_str(), s)).collect();
    let mut groups: BTreeMap<Option<String>, Vec<&ContentRec>> = BTreeMap::new();
    for c in docs.iter().filter(|c| live.contains(&c.id)) {
        let sid = c
            .space
            .clone()
            .filter(|s| space_by_id.contains_key(s.as_str()));
        groups.entry(sid).or_default().push(c);
    }
    let mut plans: Vec<Plan> = Vec::new();
    let unknown_spaces = groups.keys().filter(|k| k.is_none()).count();
    for (sid, members) in &groups {
        let rec = sid.as_deref().and_then(|s| space_by_id.get(s).copied());
        if let (Some(w), Some(r)) = (&wanted, rec)
            && &r.key != w
        {
            continue;
        }
        let key = match rec {
            Some(r) if !r.key.is_empty() => r.key.clone(),
            _ => ix
                .descriptor_space
                .clone()
                .filter(|_| wanted.is_none() || unknown_spaces == 1)
                .unwrap_or_else(|| "SPACE".to_string()),
        };
        let name = rec
            .map(|r| r.name.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| key.clone());
        let description = rec
            .and_then(|r| r.description.as_ref())
            .and_then(|d| description_text(&ix, d));
        let home = rec
            .and_then(|r| r.home.clone())
            .filter(|h| live.contains(h) && members.iter().any(|m| &m.id == h));
        plans.push(tree(
            &ix,
            &key,
            name,
            description,
            home,
            members,
            &live,
            &mut findings,
        ));
    }
    plans.sort_by(|a, b| a.key.cmp(&b.key));

    // 3. Historical versions, reported on their live page.
    for (of, n) in &historical {
        let mut f = Finding::new(
            Code::HistoricalVersionSkipped,
            format!("{n} earlier version(s) of this page are not converted"),
        )
        .entry(source.clone());
        if let Some(p) = plans.iter().find(|p| p.positions.contains_key(of)) {
            f = f.on_page(&p.key, of);
        } else {
            f = f.detail(format!(
                "versions of content id {of}, which is not converted itself"
            ));
        }
        findings.push(f);
    }

    // 4. Attachments of live pages: the current version of each.
    let mut atts: HashMap<String, Vec<Attachment>> = HashMap::new();
    let page_space: HashMap<&str, &str> = plans
        .iter()
        .flat_map(|p| p.order.iter().map(move |id| (id.as_str(), p.key.as_str())))
        .collect();
    let mut recs: Vec<&AttachmentRec> = ix.attachments.iter().collect();
    recs.sort_by_key(|a| a.seq);
    for a in recs {
        let status = a
            .status
            .as_deref()
            .unwrap_or("current")
            .to_ascii_lowercase();
        if a.original.is_some() || status != "current" {
            continue;
        }
        let Some(container) = a.container.as_deref() else {
            continue;
        };
        if !page_space.contains_key(container) {
            continue;
        }
        atts.entry(container.to_string())
            .or_default()
            .push(attachment(&ix, archive, a, container));
    }

    // 5. Labels.
    let mut labels: HashMap<String, Vec<String>> = HashMap::new();
    for (label, content) in &ix.labellings {
        if let Some(name) = ix.labels.get(label) {
            let l = labels.entry(content.clone()).or_default();
            if !l.contains(name) {
                l.push(name.clone());
            }
        }
    }

    // 6. Bodies: the storage-format body of each content object.
    let mut bodies: HashMap<String, (Option<u8>, Stored)> = HashMap::new();
    for b in &ix.bodies {
        let better = match bodies.get(&b.owner) {
            None => true,
            Some((t, _)) => *t != Some(2) && b.body_type == Some(2),
        };
        if better {
            bodies.insert(b.owner.clone(), (b.body_type, b.at));
        }
    }

    // 7. Comments of live pages, oldest first.
    let mut comments: HashMap<String, Vec<&ContentRec>> = HashMap::new();
    for c in ix.contents.values().filter(|c| c.class == Class::Comment) {
        if skip_reason(c).is_some() {
            continue;
        }
        if let Some(p) = c
            .container
            .as_deref()
            .filter(|p| page_space.contains_key(p))
        {
            comments.entry(p.to_string()).or_default().push(c);
        }
    }
    for list in comments.values_mut() {
        list.sort_by(|a, b| (&a.created, a.seq).cmp(&(&b.created, b.seq)));
    }

    // 8. The site tables, then every page converted (in parallel).
    let mut tables = Tables {
        store: &ix.store,
        titles: HashMap::new(),
        parents: HashMap::new(),
        children: HashMap::new(),
        by_title: HashMap::new(),
        homes: HashMap::new(),
        storage: HashMap::new(),
        users: &ix.users,
        files: HashMap::new(),
    };
    for p in &plans {
        if let Some(h) = &p.home {
            tables.homes.insert(p.key.to_lowercase(), h.clone());
        }
        for id in &p.order {
            let c = &ix.contents[id];
            tables.titles.insert(id.clone(), c.title.clone());
            tables
                .by_title
                .entry((p.key.to_lowercase(), c.title.trim().to_lowercase()))
                .or_insert(id.clone());
            if let Some(parent) = p.parents.get(id) {
                tables.parents.insert(id.clone(), parent.clone());
                tables
                    .children
                    .entry(parent.clone())
                    .or_default()
                    .push(id.clone());
            }
            if let Some((Some(2), at)) = bodies.get(id) {
                tables.storage.insert(id.clone(), *at);
            }
        }
    }
    for (page, list) in &atts {
        tables.files.insert(
            page.clone(),
            list.iter().map(|a| a.file_name.clone()).collect(),
        );
    }

    let mut spaces = Vec::new();
    for plan in plans {
        let site = SpaceSite {
            tables: &tables,
            space: plan.key.clone(),
        };
        let converted: Vec<(Page, Vec<Finding>)> = plan
            .order
            .par_iter()
            .map(|id| {
                let c = &ix.contents[id];
                let mut page = Page::new(id.clone(), c.title.clone());
                page.kind = if c.class == Class::BlogPost {
                    PageKind::Blogpost
                } else {
                    PageKind::Page
                };
                page.parent = plan.parents.get(id).cloned();
                page.position = plan.positions[id];
                page.version = c.version;
                page.created = c.created.as_deref().map(iso_date);
                page.modified = c.modified.as_deref().map(iso_date);
                page.author = c.creator.as_deref().map(|k| display(&ix, k));
                page.labels = labels.get(id).cloned().unwrap_or_default();
                page.attachments = atts.get(id).cloned().unwrap_or_default();
                let ctx = PageCtx {
                    site: &site,
                    space: &plan.key,
                    page_id: id,
                    title: &c.title,
                };
                let mut found = Vec::new();
                let blocks = body_blocks(&ix, bodies.get(id), &ctx, &mut found);
                page.body = Some(Body { blocks });
                for cm in comments.get(id).map(Vec::as_slice).unwrap_or_default() {
                    let body = body_blocks(&ix, bodies.get(&cm.id), &ctx, &mut found);
                    page.comments.push(Comment {
                        author: cm.creator.as_deref().map(|k| display(&ix, k)),
                        date: cm.created.as_deref().map(iso_date),
                        body,
                    });
                }
                if let Some(spill) = spill
                    && let Err(e) = spill.park(&mut page)
                {
                    found.push(
                        Finding::new(Code::PageUnreadable, format!("cannot park the body: {e}"))
                            .on_page(&plan.key, id),
                    );
                }
                (page, found)
            })
            .collect();
        let mut space = Space {
            key: plan.key.clone(),
            name: plan.name,
            description: plan.description,
            home: plan.home,
            missing_pages: plan.missing,
            ..Space::default()
        };
        for (page, found) in converted {
            findings.extend(found);
            space.pages.push(page);
        }
        spaces.push(space);
    }
    Export { spaces, findings }
}

/// A user's display name from a key, account id or name (the key itself when unknown).
fn display(ix: &Index, key: &str) -> String {
    ix.users
        .get(key)
        .cloned()
        .unwrap_or_else(|| key.to_string())
}

/// The plain text of the space description.
fn description_text(ix: &Index, desc_id: &str) -> Option<String> {
    let b = ix.bodies.iter().find(|b| b.owner == desc_id)?;
    let raw = ix.store.get(b.at).ok()?;
    let (root, _) = storage::dom::parse(&raw);
    let text = root.text().split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

/// Converts one body: storage format, or wiki markup kept as text.
fn body_blocks(
    ix: &Index,
    body: Option<&(Option<u8>, Stored)>,
    ctx: &PageCtx,
    found: &mut Vec<Finding>,
) -> Vec<Block> {
    let Some((body_type, at)) = body else {
        return Vec::new();
    };
    let raw = match ix.store.get(*at) {
        Ok(r) => r,
        Err(e) => {
            found.push(
                Finding::new(
                    Code::PageUnreadable,
                    format!("cannot read the body back: {e}"),
                )
                .on_page(ctx.space, ctx.page_id),
            );
            return Vec::new();
        }
    };
    match body_type {
        Some(2) => {
            let c = storage::convert(&raw, ctx);
            found.extend(c.findings);
            c.blocks
        }
        Some(1) => Vec::new(),
        _ if raw.trim().is_empty() => Vec::new(),
        _ => {
            found.push(
                Finding::new(
                    Code::WikiMarkupKept,
                    "the body is Confluence 3 wiki markup; it is kept as preformatted text",
                )
                .on_page(ctx.space, ctx.page_id),
            );
            vec![Block::Code {
                language: None,
                title: None,
                text: raw,
            }]
        }
    }
}

/// One current attachment → the model, with the entry of its current version.
fn attachment(ix: &Index, archive: &Archive, a: &AttachmentRec, container: &str) -> Attachment {
    let version = a.version.unwrap_or(1);
    let expected = format!("attachments/{container}/{}/{version}", a.id);
    let flat = format!("attachments/{container}/{}", a.id);
    let entry = if archive.contains(&expected) {
        Some(expected.clone())
    } else if archive.contains(&flat) {
        Some(flat)
    } else {
        None
    };
    let media_type = a.media_type.clone().or_else(|| {
        a.properties
            .iter()
            .find_map(|p| ix.media_types.get(p).cloned())
    });
    Attachment {
        id: a.id.clone(),
        page_id: container.to_string(),
        file_name: if a.name.trim().is_empty() {
            format!("attachment-{}", a.id)
        } else {
            a.name.clone()
        },
        media_type,
        version: Some(version),
        entry,
        expected_entry: Some(expected),
    }
}

/// Sibling order: by position (pages without one last), then title, then source order.
fn sort_siblings(ix: &Index, ids: &mut [String]) {
    ids.sort_by(|a, b| {
        let (a, b) = (&ix.contents[a], &ix.contents[b]);
        (
            a.position.is_none(),
            a.position,
            a.title.to_lowercase(),
            a.seq,
        )
            .cmp(&(
                b.position.is_none(),
                b.position,
                b.title.to_lowercase(),
                b.seq,
            ))
    });
}

#[allow(clippy::too_many_arguments)]
fn tree(
    ix: &Index,
    key: &str,
    name: String,
    description: Option<String>,
    home: Option<String>,
    members: &[&ContentRec],
    live: &HashSet<String>,
    findings: &mut Vec<Finding>,
) -> Plan {
    let here: HashSet<&str> = members.iter().map(|m| m.id.as_str()).collect();
    let mut parents: HashMap<String, String> = HashMap::new();
    let mut missing = BTreeMap::new();
    for m in members.iter().filter(|m| m.class == Class::Page) {
        let Some(p) = m.parent.as_deref() else {
            continue;
        };
        if here.contains(p) && p != m.id {
            parents.insert(m.id.clone(), p.to_string());
            continue;
        }
        let why = match ix.contents.get(p) {
            Some(pc) if !live.contains(p) => {
                missing.insert(p.to_string(), pc.title.clone());
                format!(
                    "its parent {:?} is not live content (draft, deleted or an old version)",
                    pc.title
                )
            }
            Some(pc) => format!("its parent {:?} is in another space", pc.title),
            None => {
                missing.insert(p.to_string(), format!("Page {p}"));
                format!("its parent (id {p}) is not in the export")
            }
        };
        findings.push(
            Finding::new(
                Code::PageNotInTree,
                format!("page {:?} is placed at the space root: {why}", m.title),
            )
            .on_page(key, &m.id)
            .entry(ix.source.clone()),
        );
    }
    // Break parent cycles: walk up from each page; a page met twice loses its parent.
    let ids: Vec<String> = parents.keys().cloned().collect();
    for id in ids {
        let mut seen = HashSet::new();
        let mut cur = id.clone();
        while let Some(p) = parents.get(&cur).cloned() {
            if !seen.insert(cur.clone()) || p == id {
                parents.remove(&id);
                findings.push(
                    Finding::new(
                        Code::PageNotInTree,
                        "the page's ancestors form a cycle; it is placed at the space root",
                    )
                    .on_page(key, &id),
                );
                break;
            }
            cur = p;
        }
    }
    let mut children: HashMap<String, Vec<String>> = HashMap::new();
    let mut roots = Vec::new();
    let mut blogs = Vec::new();
    for m in members {
        match (m.class, parents.get(&m.id)) {
            (Class::BlogPost, _) => blogs.push(m.id.clone()),
            (_, Some(p)) => children.entry(p.clone()).or_default().push(m.id.clone()),
            (_, None) => roots.push(m.id.clone()),
        }
    }
    for list in children.values_mut() {
        sort_siblings(ix, list);
    }
    sort_siblings(ix, &mut roots);
    if let Some(h) = &home
        && let Some(i) = roots.iter().position(|r| r == h)
    {
        let h = roots.remove(i);
        roots.insert(0, h);
    }
    blogs.sort_by(|a, b| {
        let (a, b) = (&ix.contents[a], &ix.contents[b]);
        (&a.created, a.seq).cmp(&(&b.created, b.seq))
    });
    let mut order = Vec::new();
    let mut positions = HashMap::new();
    // Depth-first without recursion (a deep chain of pages must not blow the stack).
    let mut stack: Vec<(String, usize)> = roots
        .iter()
        .rev()
        .cloned()
        .zip((0..roots.len()).rev())
        .collect();
    while let Some((id, pos)) = stack.pop() {
        order.push(id.clone());
        positions.insert(id.clone(), pos);
        if let Some(kids) = children.get(&id) {
            for (i, c) in kids.iter().enumerate().rev() {
                stack.push((c.clone(), i));
            }
        }
    }
    let n = roots.len();
    for (i, b) in blogs.iter().enumerate() {
        order.push(b.clone());
        positions.insert(b.clone(), n + i);
    }
    Plan {
        key: key.to_string(),
        name,
        description,
        home,
        order,
        parents,
        positions,
        missing,
    }
}
