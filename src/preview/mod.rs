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
    emit(
        format!("{}/style.css", paths::ROOT),
        layout::CSS.to_string(),
    )?;
    emit(paths::index(), layout::site_index(&idx))?;
    for org in &records.organizations {
        emit(
            paths::org_page(&org.key, "index"),
            records::overview(&idx, org),
        )?;
        emit(
            paths::org_page(&org.key, "documents"),
            documents::tree(&idx, org),
        )?;
        emit(
            paths::org_page(&org.key, "flexible-assets"),
            records::flexible_assets(&idx, org),
        )?;
        emit(
            paths::org_page(&org.key, "configurations"),
            records::configurations(&idx, org),
        )?;
        emit(
            paths::org_page(&org.key, "contacts"),
            records::contacts(&idx, org),
        )?;
        emit(
            paths::org_page(&org.key, "passwords"),
            records::passwords(&idx, org),
        )?;
    }
    for doc in &records.documents {
        let html = body(&doc.content).map_err(|e| Error::io(Path::new(&doc.content), e))?;
        emit(
            paths::document(&doc.content),
            documents::page_html(&idx, doc, &html),
        )?;
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests;
