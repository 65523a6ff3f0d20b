//! Rendering and writing every planned document (in parallel) and building its
//! record; any other copy of an extracted secret is scrubbed from a body first.

use std::collections::HashMap;

use rayon::prelude::*;

use super::attachments::Staged;
use crate::Error;
use crate::bundle::write::{FileWriter, write_hashed};
use crate::bundle::{Document, DocumentSource};
use crate::classify::{DocPlan, Plan};
use crate::model::{Finding, Page, PageKind, Space, Spill};
use crate::render::{RenderContext, render_document};

/// One written document: its record (`doc.content` is where its HTML went),
/// that file's hash, and the finding for any secret scrubbed from its body.
struct Written {
    doc: Document,
    hash: String,
    /// Boxed: few documents have one, and every result holds the field.
    scrubbed: Option<Box<Finding>>,
}

/// What a document's record takes from its page, moved out of the page: the
/// pages are dropped once the documents are written, and on a large export a copy
/// of each page's metadata beside its record added to the peak.
#[derive(Clone)]
struct PageMeta {
    title: String,
    created: Option<String>,
    modified: Option<String>,
    author: Option<String>,
    labels: Vec<String>,
    file: Option<String>,
}

impl PageMeta {
    fn take(page: &mut Page) -> PageMeta {
        PageMeta {
            title: std::mem::take(&mut page.title),
            created: page.created.take(),
            modified: page.modified.take(),
            author: page.author.take(),
            labels: std::mem::take(&mut page.labels),
            file: page.file.take(),
        }
    }
}

/// Renders and writes `docs` (the plan's documents, moved in: their fields move
/// into the records) and returns their records in the same order. Takes each
/// documented page's title, dates, author, labels and file name out of `spaces`:
/// the caller drops the pages after this.
pub fn write(
    spaces: &mut [Space],
    spill: &Spill,
    docs: Vec<DocPlan>,
    plan: &Plan,
    staged: &Staged,
    writer: &mut FileWriter,
    findings: &mut Vec<Finding>,
) -> Result<Vec<Document>, Error> {
    // Where each document's page is: (space index, page index).
    let at: Vec<(usize, usize)> = {
        let pages: HashMap<(&str, &str), (usize, usize)> = spaces
            .iter()
            .enumerate()
            .flat_map(|(si, s)| {
                s.pages
                    .iter()
                    .enumerate()
                    .map(move |(pi, p)| ((s.key.as_str(), p.id.as_str()), (si, pi)))
            })
            .collect();
        docs.iter()
            .map(|d| pages[&(d.space.as_str(), d.page_id.as_str())])
            .collect()
    };
    let mut taken: HashMap<(usize, usize), usize> = HashMap::new();
    let mut metas: Vec<PageMeta> = Vec::with_capacity(docs.len());
    for (i, &(si, pi)) in at.iter().enumerate() {
        // One document per page; were there two, the second copies the first's.
        let meta = match taken.get(&(si, pi)) {
            Some(&first) => metas[first].clone(),
            None => {
                taken.insert((si, pi), i);
                PageMeta::take(&mut spaces[si].pages[pi])
            }
        };
        metas.push(meta);
    }
    drop(taken);
    let spaces: &[Space] = spaces;
    let ctx = RenderContext {
        targets: &plan.targets,
        blobs: &staged.map,
    };
    let mut owned: HashMap<&str, Vec<&str>> = HashMap::new();
    for a in &staged.records {
        owned
            .entry(a.owner.as_str())
            .or_default()
            .push(a.key.as_str());
    }
    let root = writer.root.to_path_buf();
    let results: Vec<Result<Written, Error>> = docs
        .into_par_iter()
        .zip(metas)
        .zip(at)
        .map(|((d, meta), (si, pi))| {
            let page = &spaces[si].pages[pi];
            let mut body = spill
                .body(page)
                .map_err(|e| Error::io(&std::env::temp_dir(), e))?
                .unwrap_or_default();
            let scrubbed = plan.scrub(&d.space, &d.page_id, &mut body);
            let rendered = render_document(&d.name, &body.blocks, &ctx);
            let path = crate::bundle::keys::document_path(&d.space, &d.page_id);
            let hash = write_hashed(&root, &path, rendered.html.as_bytes())?;
            let mut attachments: Vec<String> = owned
                .get(d.key.as_str())
                .map(|keys| keys.iter().map(|k| k.to_string()).collect())
                .unwrap_or_default();
            attachments.sort();
            attachments.dedup();
            let links = rendered.links.into_iter().filter(|l| l != &d.key).collect();
            let doc = Document {
                key: d.key,
                org: d.org,
                name: d.name,
                folder: d.folder,
                position: d.position,
                content: path,
                images: rendered.images.into_iter().collect(),
                attachments,
                links,
                source: DocumentSource {
                    kind: match page.kind {
                        PageKind::Page => "page",
                        PageKind::Blogpost => "blogpost",
                        PageKind::FolderPage => "folder-page",
                    }
                    .into(),
                    space_key: d.space,
                    page_id: d.page_id,
                    title: meta.title,
                    version: page.version,
                    created: meta.created,
                    modified: meta.modified,
                    author: meta.author,
                    labels: meta.labels,
                    ancestors: d.ancestors,
                    file: meta.file,
                },
            };
            Ok(Written {
                doc,
                hash,
                scrubbed: scrubbed.map(Box::new),
            })
        })
        .collect();
    // Mapped in place (the records reuse the results' allocation): a large
    // export's documents are not held twice.
    results
        .into_iter()
        .map(|r| {
            let Written {
                doc,
                hash,
                scrubbed,
            } = r?;
            writer.hashes.insert(doc.content.clone(), hash);
            findings.extend(scrubbed.map(|f| *f));
            Ok(doc)
        })
        .collect()
}
