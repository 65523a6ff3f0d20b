//! The preview: a static site under `<bundle>/preview/`, one part per organization,
//! laid out like IT Glue's sidebar (Documents in their folders, Flexible Assets by
//! type, Configurations, Contacts, Passwords with values masked), so a person can
//! see what upload will create before a single request is sent. Pure: it returns
//! the files (sorted paths, deterministic bytes); the stage writes them.

mod documents;
mod index;
mod layout;
pub mod paths;
mod records;

use std::path::Path;

pub use index::Index;

use crate::Error;
use crate::bundle::Records;
use crate::model::Finding;

/// The masked text shown instead of a secret.
pub const MASK: &str = "\u{2022}\u{2022}\u{2022}\u{2022}\u{2022}\u{2022}\u{2022}\u{2022}";

/// Builds every preview file: (path relative to the bundle root, contents), sorted
/// by path. Holds the whole site in memory: for tests and small bundles; convert
/// uses [`build_each`].
pub fn build(
    records: &Records,
    findings: &[Finding],
    body: &dyn Fn(&str) -> std::io::Result<String>,
) -> Result<Vec<(String, String)>, Error> {
    let mut files = Vec::new();
    build_each(records, findings, body, &mut |path, text| {
        files.push((path, text));
        Ok(())
    })?;
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

/// The files of [`build`], handed to `emit` one at a time as each is made (in no
/// particular order), so a large export's preview is never all in memory: convert
/// writes the preview this way.
pub fn build_each(
    records: &Records,
    findings: &[Finding],
    body: &dyn Fn(&str) -> std::io::Result<String>,
    emit: &mut dyn FnMut(String, String) -> Result<(), Error>,
) -> Result<(), Error> {
    let idx = Index::new(records, findings);
    site_pages(&idx, records, emit)?;
    for doc in &records.documents {
        let (path, text) = document_page(&idx, doc, body)?;
        emit(path, text)?;
    }
    Ok(())
}

/// [`build_each`] with the document pages (most of the site) made in parallel:
/// each worker reads one body, makes its page and hands it to `emit_document`
/// before reading the next, so memory stays bounded. The other pages go to
/// `emit` first. Convert writes the preview this way.
pub fn build_each_parallel(
    records: &Records,
    findings: &[Finding],
    body: &(dyn Fn(&str) -> std::io::Result<String> + Sync),
    emit: &mut dyn FnMut(String, String) -> Result<(), Error>,
    emit_document: &(dyn Fn(String, String) -> Result<(), Error> + Sync),
) -> Result<(), Error> {
    use rayon::prelude::*;
    let idx = Index::new(records, findings);
    site_pages(&idx, records, emit)?;
    records.documents.par_iter().try_for_each(|doc| {
        let (path, text) = document_page(&idx, doc, body)?;
        emit_document(path, text)
    })
}

/// The pages of the site besides the documents': style, index, and each
/// organization's overview and lists.
fn site_pages(
    idx: &Index,
    records: &Records,
    emit: &mut dyn FnMut(String, String) -> Result<(), Error>,
) -> Result<(), Error> {
    emit(
        format!("{}/style.css", paths::ROOT),
        layout::CSS.to_string(),
    )?;
    emit(paths::index(), layout::site_index(idx))?;
    for org in &records.organizations {
        emit(
            paths::org_page(&org.key, "index"),
            records::overview(idx, org),
        )?;
        emit(
            paths::org_page(&org.key, "documents"),
            documents::tree(idx, org),
        )?;
        emit(
            paths::org_page(&org.key, "flexible-assets"),
            records::flexible_assets(idx, org),
        )?;
        emit(
            paths::org_page(&org.key, "configurations"),
            records::configurations(idx, org),
        )?;
        emit(
            paths::org_page(&org.key, "contacts"),
            records::contacts(idx, org),
        )?;
        emit(
            paths::org_page(&org.key, "passwords"),
            records::passwords(idx, org),
        )?;
    }
    Ok(())
}

/// One document's preview page: (path, contents), its body read with `body`.
fn document_page(
    idx: &Index,
    doc: &crate::bundle::Document,
    body: &dyn Fn(&str) -> std::io::Result<String>,
) -> Result<(String, String), Error> {
    let html = body(&doc.content).map_err(|e| Error::io(Path::new(&doc.content), e))?;
    Ok((
        paths::document(&doc.content),
        documents::page_html(idx, doc, &html),
    ))
}

#[cfg(test)]
pub(crate) mod tests;
