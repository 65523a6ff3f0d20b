//! `cf2itglue scan`: an inventory of exports, without writing anything.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::exit;
use super::progress::Output;
use crate::archive::Limits;
use crate::model::{Block, Inline, PageKind};

pub fn run(
    exports: &[PathBuf],
    json: bool,
    mapping: Option<&Path>,
    write_mapping: Option<&Path>,
    out: &Output,
) -> i32 {
    // The inventory is what scan is for: on stdout, so it can be saved or piped.
    let show = |m: &str| println!("{m}");
    let mapping = match mapping.map(crate::classify::mapping::load).transpose() {
        Ok(m) => m.map(|(m, _)| m).unwrap_or_default(),
        Err(e) => return super::fail(&e),
    };
    // A draft never replaces a file (it may be the user's edited mapping): refuse
    // before the long read, and again atomically when writing.
    let exists = || {
        std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "already exists; a draft mapping is never written over a file (remove it or choose another name)",
        )
    };
    if let Some(dest) = write_mapping.filter(|d| d.exists()) {
        return super::fail(&crate::Error::io(dest, exists()));
    }
    out.step("reading exports");
    let spill = match crate::model::Spill::new() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot create a temporary file: {e}");
            return exit::FATAL;
        }
    };
    let read = crate::stage::read_exports(exports, Limits::default(), Some(&spill));
    out.done();
    let mut read = match read {
        Ok(r) => r,
        Err(e) => return super::fail(&e),
    };
    let counts: Vec<usize> = read.iter().map(|(_, s, _)| s.len()).collect();
    let mut all: Vec<crate::model::Space> = read
        .iter_mut()
        .flat_map(|(_, s, _)| std::mem::take(s))
        .collect();
    let reported: Vec<crate::model::Finding> = read
        .iter()
        .flat_map(|(_, _, f)| f.iter().cloned())
        .collect();
    let plan = match crate::classify::classify(&mut all, &mapping, Some(&spill), &reported) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: cannot read a page body back from the temporary file: {e}");
            return exit::FATAL;
        }
    };
    if let Some(dest) = write_mapping {
        let text = match crate::classify::draft::draft(&all, &spill) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: cannot read a page body back from the temporary file: {e}");
                return exit::FATAL;
            }
        };
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(dest)
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    exists()
                } else {
                    e
                }
            })
            .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()));
        if let Err(e) = written {
            return super::fail(&crate::Error::io(dest, e));
        }
        out.say(&format!("draft mapping written: {}", dest.display()));
    }
    let mut it = all.into_iter();
    for ((_, s, _), n) in read.iter_mut().zip(counts) {
        s.extend(it.by_ref().take(n));
    }
    let mut inventory = Vec::new();
    for (archive, spaces, findings) in &read {
        for space in spaces {
            let mut depth: BTreeMap<&str, usize> = BTreeMap::new();
            let mut max_depth = 0;
            for p in &space.pages {
                let d = p
                    .parent
                    .as_deref()
                    .and_then(|pp| depth.get(pp))
                    .map(|d| d + 1)
                    .unwrap_or(0);
                depth.insert(&p.id, d);
                max_depth = max_depth.max(d);
            }
            let atts: Vec<_> = space.pages.iter().flat_map(|p| &p.attachments).collect();
            let present = atts.iter().filter(|a| a.entry.is_some()).count();
            let bytes: u64 = atts
                .iter()
                .filter_map(|a| a.entry.as_deref())
                .filter_map(|e| archive.entry(e))
                .map(|e| e.size)
                .sum();
            let mut images = 0;
            let mut tables = 0;
            for p in &space.pages {
                if let Ok(Some(b)) = spill.body(p) {
                    count(&b.blocks, &mut images, &mut tables);
                }
            }
            let mut codes: BTreeMap<&str, usize> = BTreeMap::new();
            for f in findings {
                *codes.entry(f.code.as_str()).or_default() += 1;
            }
            let folders = space
                .pages
                .iter()
                .filter(|p| p.kind == PageKind::FolderPage)
                .count();
            let comments: usize = space.pages.iter().map(|p| p.comments.len()).sum();
            if !json {
                show(&format!(
                    "{} ({} export, root {:?})",
                    archive.path().display(),
                    archive.kind().as_str(),
                    archive.root()
                ));
                show(&format!("  space {} \"{}\"", space.key, space.name));
                show(&format!(
                    "  pages: {} (tree depth {}), Cloud folders without body: {}",
                    space.pages.len(),
                    max_depth + 1,
                    folders
                ));
                show(&format!(
                    "  pages named in the tree but missing: {}",
                    space.missing_pages.len()
                ));
                show(&format!(
                    "  attachments: {} listed, {} present ({} bytes), {} missing",
                    atts.len(),
                    present,
                    bytes,
                    atts.len() - present
                ));
                show(&format!(
                    "  images in bodies: {images}; tables: {tables}; comments: {comments}"
                ));
                show("  what each page becomes:");
                for o in plan.outcomes.iter().filter(|o| o.space == space.key) {
                    let becomes = if o.becomes.is_empty() {
                        "a folder only, or nothing (empty)".to_string()
                    } else {
                        o.becomes.join(" + ")
                    };
                    show(&format!(
                        "    {:>8}  {}  [{}] → {}",
                        o.page_id, o.title, o.organization, becomes
                    ));
                }
                if !codes.is_empty() {
                    show(
                        "  findings while reading (convert finds more: missing images, unresolved links, …):",
                    );
                }
                for (code, n) in &codes {
                    show(&format!("  {n:>6}  {code}"));
                }
            }
            inventory.push(serde_json::json!({
                "export": archive.path(),
                "kind": archive.kind().as_str(),
                "root": archive.root(),
                "space": {"key": space.key, "name": space.name},
                "pages": space.pages.len(),
                "tree_depth": max_depth + 1,
                "folder_pages": folders,
                "missing_pages": space.missing_pages.len(),
                "attachments": {"listed": atts.len(), "present": present, "bytes": bytes},
                "images": images,
                "tables": tables,
                "comments": comments,
                "findings": codes,
                "pages_become": plan.outcomes.iter().filter(|o| o.space == space.key).collect::<Vec<_>>(),
            }));
        }
    }
    if !json {
        // What the mapping asked for but found nothing to act on.
        for f in plan
            .findings
            .iter()
            .filter(|f| f.code == crate::model::Code::MappingUnused && f.page_id.is_none())
        {
            show(&format!("mapping: {}", f.message));
        }
    }
    if json {
        println!("{}", serde_json::Value::Array(inventory));
    }
    exit::OK
}

fn count(blocks: &[Block], images: &mut usize, tables: &mut usize) {
    for b in blocks {
        match b {
            Block::Para(i) | Block::Heading { content: i, .. } => count_inl(i, images),
            Block::Table(t) => {
                *tables += 1;
                for r in &t.rows {
                    for c in &r.cells {
                        count(&c.blocks, images, tables);
                    }
                }
            }
            Block::List { items, .. } => items.iter().for_each(|i| count(i, images, tables)),
            Block::TaskList(t) => t.iter().for_each(|t| count(&t.body, images, tables)),
            Block::Panel { body, .. }
            | Block::Expand { body, .. }
            | Block::Quote(body)
            | Block::Group(body) => count(body, images, tables),
            _ => {}
        }
    }
}

fn count_inl(inlines: &[Inline], images: &mut usize) {
    for i in inlines {
        match i {
            Inline::Image { .. } => *images += 1,
            Inline::Styled(_, c) | Inline::Link { content: c, .. } => count_inl(c, images),
            _ => {}
        }
    }
}
