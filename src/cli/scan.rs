//! `cf2itglue scan`: an inventory of exports, without writing anything.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::exit;
use super::progress::Output;
use crate::archive::Limits;
use crate::model::{Block, Inline, PageKind};

pub fn run(exports: &[PathBuf], json: bool, out: &Output) -> i32 {
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
    let read = match read {
        Ok(r) => r,
        Err(e) => return super::fail(&e),
    };
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
                out.say(&format!(
                    "{} ({} export, root {:?})",
                    archive.path().display(),
                    archive.kind().as_str(),
                    archive.root()
                ));
                out.say(&format!("  space {} \"{}\"", space.key, space.name));
                out.say(&format!(
                    "  pages: {} (tree depth {}), Cloud folders without body: {}",
                    space.pages.len(),
                    max_depth + 1,
                    folders
                ));
                out.say(&format!(
                    "  pages named in the tree but missing: {}",
                    space.missing_pages.len()
                ));
                out.say(&format!(
                    "  attachments: {} listed, {} present ({} bytes), {} missing",
                    atts.len(),
                    present,
                    bytes,
                    atts.len() - present
                ));
                out.say(&format!(
                    "  images in bodies: {images}; tables: {tables}; comments: {comments}"
                ));
                out.say("  every page becomes: a Document (folders for pages with children)");
                for (code, n) in &codes {
                    out.say(&format!("  {n:>6}  {code}"));
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
            }));
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
