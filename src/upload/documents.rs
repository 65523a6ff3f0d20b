//! Upload steps for documents: stubs (drafts, in their folder), inline images
//! through `/document_images`, attachments, then each body written once as
//! sections with every reference rewritten, then publish.

use std::sync::Arc;

use base64::Engine;
use reqwest::Method;
use serde_json::{Value, json};

use super::find::Find;
use super::plan::{image_key, publish_key, section_key};
use super::records::{folder_path, types_of};
use super::rewrite::{self, RefKind};
use super::run::{Run, Stop, each};
use crate::bundle::{AttachmentRecord, Document};

/// The name and folder id a document gets (flat mode: the folder path in the name).
fn placement(run: &Run, d: &Document) -> (String, Option<String>) {
    let Some(folder) = &d.folder else {
        return (d.name.clone(), None);
    };
    if !run.is_flat()
        && let Some(id) = run.id(folder)
    {
        return (d.name.clone(), Some(id));
    }
    let mut path = folder_path(run, folder);
    path.push(d.name.clone());
    (path.join(" / "), None)
}

pub async fn stubs(run: &Arc<Run>) -> Result<(), Stop> {
    let docs: Vec<Document> = run.bundle.records.documents.clone();
    each(run, docs, |run, d| async move {
        let Some(org) = run.id(&d.org) else {
            run.fail(
                &d.key,
                format!("its organization {} is not in IT Glue", d.org),
            );
            return Ok(());
        };
        let (name, folder) = placement(&run, &d);
        if d.folder.is_some() && folder.is_none() && !run.is_flat() {
            run.finding(
                "document-folder-missing",
                Some(&d.key),
                "its folder is not in IT Glue; placed at the root with the folder path in its name"
                    .into(),
            );
        }
        let mut attrs = json!({"name": name});
        if let Some(f) = &folder {
            attrs["document_folder_id"] = json!(f.parse::<u64>().unwrap_or(0));
        }
        let body = json!({"data": {"type": "documents", "attributes": attrs}});
        let path = format!("/organizations/{org}/relationships/documents");
        let what = Find::Document { org, folder, name };
        run.ensure(&d.key, "documents", &path, &body, &what, "resource-url")
            .await
            .map(|_| ())
    })
    .await
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A file name for an inline image: its attachment's name, else one from the hash.
fn image_name(run: &Run, doc: &Document, blob: &str) -> String {
    let atts = &run.bundle.records.attachments;
    atts.iter()
        .find(|a| a.blake3 == blob && a.owner == doc.key)
        .or_else(|| atts.iter().find(|a| a.blake3 == blob))
        .map(|a| a.file_name.clone())
        .unwrap_or_else(|| format!("image-{}.png", &blob[..blob.len().min(12)]))
}

pub async fn images_and_attachments(run: &Arc<Run>) -> Result<(), Stop> {
    let mut images = Vec::new();
    let docs = if run.only.wants("documents") {
        &run.bundle.records.documents[..]
    } else {
        &[]
    };
    for d in docs {
        for blob in &d.images {
            if !run.plan.too_big(blob, &run.limits) {
                images.push((d.clone(), blob.clone()));
            }
        }
    }
    each(run, images, |run, (d, blob)| async move {
        let key = image_key(&d.key, &blob);
        if run.ledger.done(&key).is_some() {
            run.count_done(&key);
            return Ok(());
        }
        let Some(doc_id) = run.id(&d.key) else {
            return Ok(());
        };
        let bytes = match run.bundle.blob(&blob) {
            Ok(b) => b,
            Err(e) => {
                run.fail(&key, e.to_string());
                return Ok(());
            }
        };
        let body = json!({"data": {"type": "document-images", "attributes": {
            "target": {"type": "document", "id": doc_id.parse::<u64>().unwrap_or(0)},
            "image": {"content": b64(&bytes), "file-name": image_name(&run, &d, &blob)}}}});
        // No list route for document images: a lost answer can leave an orphan image.
        run.ensure(
            &key,
            "document-images",
            "/document_images",
            &body,
            &Find::Nothing,
            "inline-resource-url",
        )
        .await
        .map(|_| ())
    })
    .await?;
    let atts: Vec<AttachmentRecord> = run
        .bundle
        .records
        .attachments
        .iter()
        .filter(|a| a.size <= run.limits.max_file_bytes && run.only.wants("attachments"))
        .cloned()
        .collect();
    each(run, atts, |run, a| async move {
        if run.ledger.done(&a.key).is_some() {
            run.count_done(&a.key);
            return Ok(());
        }
        let (Some(owner), Some((rtype, _))) = (run.id(&a.owner), types_of(&a.owner)) else {
            run.fail(&a.key, format!("its owner {} is not in IT Glue", a.owner));
            return Ok(());
        };
        let bytes = match run.bundle.blob(&a.blake3) {
            Ok(b) => b,
            Err(e) => {
                run.fail(&a.key, e.to_string());
                return Ok(());
            }
        };
        let body = json!({"data": {"type": "attachments", "attributes": {
            "attachment": {"content": b64(&bytes), "file_name": a.file_name}}}});
        let path = format!("/{rtype}/{owner}/relationships/attachments");
        let what = Find::Attachment {
            rtype,
            id: owner,
            name: a.file_name.clone(),
        };
        run.ensure(&a.key, "attachments", &path, &body, &what, "download-url")
            .await
            .map(|_| ())
    })
    .await
}

/// The IT Glue URL a reference is rewritten to.
fn resolve(run: &Run, doc: &str, kind: RefKind, value: &str) -> Option<String> {
    match kind {
        RefKind::Blob => run.url(&image_key(doc, value)),
        RefKind::Doc | RefKind::Att | RefKind::Ref => run.url(value),
    }
}

pub async fn sections_and_publish(run: &Arc<Run>) -> Result<(), Stop> {
    let docs: Vec<Document> = run.bundle.records.documents.clone();
    each(run, docs, |run, d| async move {
        let Some(doc_id) = run.id(&d.key) else {
            return Ok(());
        };
        let pieces = run.plan.sections.get(&d.key).cloned().unwrap_or_default();
        let mut all_ok = true;
        for (i, piece) in pieces.iter().enumerate() {
            let key = section_key(&d.key, i);
            if run.ledger.done(&key).is_some() {
                run.count_done(&key);
                continue;
            }
            let (html, missing) = rewrite::rewrite(piece, &|k, v| resolve(&run, &d.key, k, v));
            for (k, v) in missing {
                run.finding(
                    "reference-unresolved",
                    Some(&d.key),
                    format!("{k:?} {v}: not in IT Glue; the text is kept without its target"),
                );
            }
            let body = json!({"data": {"type": "document-sections", "attributes": {
                "resource_type": "Document::Text", "content": html}}});
            let path = format!("/documents/{doc_id}/relationships/sections");
            let what = Find::Section {
                doc: doc_id.clone(),
                sort: i,
            };
            if run
                .ensure(&key, "sections", &path, &body, &what, "")
                .await?
                .is_none()
            {
                all_ok = false;
                break;
            }
        }
        let key = publish_key(&d.key);
        if !all_ok {
            run.fail(&key, "not published: a section failed".into());
            return Ok(());
        }
        if run.ledger.done(&key).is_some() {
            run.count_done(&key);
            return Ok(());
        }
        match run
            .client
            .call(
                "publish",
                Method::PATCH,
                &format!("/documents/{doc_id}/publish"),
                None,
            )
            .await
        {
            Ok(_) => {
                run.count(&key, false);
                run.ledger.finish(&key, Some(doc_id), None, Value::Null)?;
                Ok(())
            }
            Err(e) => run.item_error(&key, e),
        }
    })
    .await
}
