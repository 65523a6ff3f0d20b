//! Rendering and writing every planned document (in parallel) and building its
//! record; any other copy of an extracted secret is scrubbed from a body first.

use std::collections::HashMap;

use rayon::prelude::*;

use super::attachments::Staged;
use crate::Error;
use crate::bundle::write::{FileWriter, write_hashed};
use crate::bundle::{Document, DocumentSource};
use crate::classify::Plan;
use crate::model::{Finding, Page, PageKind, Space, Spill};
use crate::render::{RenderContext, render_document};

/// One written document: its record (`doc.content` is where its HTML went),
/// that file's hash, and the finding for any secret scrubbed from its body.
struct Written {
    doc: Document,
    hash: String,
    scrubbed: Option<Finding>,
}

pub fn write(
    spaces: &[Space],
    spill: &Spill,
    plan: &Plan,
    staged: &Staged,
    writer: &mut FileWriter,
    findings: &mut Vec<Finding>,
) -> Result<Vec<Document>, Error> {
    let pages: HashMap<(&str, &str), &Page> = spaces
        .iter()
        .flat_map(|s| {
            s.pages
                .iter()
                .map(move |p| ((s.key.as_str(), p.id.as_str()), p))
        })
        .collect();
    let ctx = RenderContext {
        targets: &plan.targets,
        blobs: &staged.map,
    };
    let mut owned: HashMap<&str, Vec<String>> = HashMap::new();
    for a in &staged.records {
        owned
            .entry(a.owner.as_str())
            .or_default()
            .push(a.key.clone());
    }
    let root = writer.root.to_path_buf();
    let results: Vec<Result<Written, Error>> = plan
        .documents
        .par_iter()
        .map(|d| {
            let page = pages[&(d.space.as_str(), d.page_id.as_str())];
            let mut body = spill
                .body(page)
                .map_err(|e| Error::io(&std::env::temp_dir(), e))?
                .unwrap_or_default();
            let scrubbed = plan.scrub(&d.space, &d.page_id, &mut body);
            let rendered = render_document(&d.name, &body.blocks, &ctx);
            let path = crate::bundle::keys::document_path(&d.space, &d.page_id);
            let hash = write_hashed(&root, &path, rendered.html.as_bytes())?;
            let mut attachments: Vec<String> =
                owned.get(d.key.as_str()).cloned().unwrap_or_default();
            attachments.sort();
            attachments.dedup();
            let doc = Document {
                key: d.key.clone(),
                org: d.org.clone(),
                name: d.name.clone(),
                folder: d.folder.clone(),
                position: d.position,
                content: path,
                images: rendered.images.into_iter().collect(),
                attachments,
                links: rendered.links.into_iter().filter(|l| l != &d.key).collect(),
                source: DocumentSource {
                    kind: match page.kind {
                        PageKind::Page => "page",
                        PageKind::Blogpost => "blogpost",
                        PageKind::FolderPage => "folder-page",
                    }
                    .into(),
                    space_key: d.space.clone(),
                    page_id: d.page_id.clone(),
                    title: page.title.clone(),
                    version: page.version,
                    created: page.created.clone(),
                    modified: page.modified.clone(),
                    author: page.author.clone(),
                    labels: page.labels.clone(),
                    ancestors: d.ancestors.clone(),
                    file: page.file.clone(),
                },
            };
            Ok(Written {
                doc,
                hash,
                scrubbed,
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
            findings.extend(scrubbed);
            Ok(doc)
        })
        .collect()
}
