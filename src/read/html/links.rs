//! Classifying an `href` / `src` of an HTML export into a typed target. Page files
//! and attachment paths are recognised here; absolute URLs stay `External` and the
//! link transform decides whether they point into the old wiki.

use percent_encoding::percent_decode_str;

use crate::model::{AttachmentRef, LinkTarget, PageRef};

use super::page_id_from_file;

/// Splits `a#b` into (`a`, Some(`b`)).
pub fn split_fragment(href: &str) -> (&str, Option<&str>) {
    match href.split_once('#') {
        Some((a, f)) => (a, Some(f)),
        None => (href, None),
    }
}

/// Strips a query string (`?width=203`).
pub fn strip_query(href: &str) -> &str {
    href.split_once('?').map(|(a, _)| a).unwrap_or(href)
}

fn has_scheme(href: &str) -> bool {
    match href.find(':') {
        Some(i) => {
            let scheme = &href[..i];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.')
                && !href[..i].contains('/')
        }
        None => false,
    }
}

/// An attachment path `attachments/<pageId>/<attachmentId>[.ext]` (also under
/// `attachments/thumbnails/`), query removed.
pub fn attachment_ref(path: &str) -> Option<AttachmentRef> {
    let path = strip_query(path);
    let rest = path.strip_prefix("attachments/")?;
    let rest = rest.strip_prefix("thumbnails/").unwrap_or(rest);
    let (page, file) = rest.split_once('/')?;
    if page.is_empty() || file.is_empty() || file.contains('/') {
        return None;
    }
    let decoded = percent_decode_str(file).decode_utf8_lossy();
    let id = decoded.split('.').next().unwrap_or(&decoded).to_string();
    Some(AttachmentRef {
        page: Some(PageRef::Id(page.to_string())),
        attachment_id: Some(id),
        file_name: None,
        entry: Some(path.to_string()),
    })
}

/// Classifies a link's href.
pub fn classify_href(href: &str) -> LinkTarget {
    let href = href.trim();
    if let Some(anchor) = href.strip_prefix('#') {
        return LinkTarget::Anchor(anchor.to_string());
    }
    if has_scheme(href) || href.starts_with("//") || href.starts_with('/') {
        return LinkTarget::External(href.to_string());
    }
    if let Some(att) = attachment_ref(href) {
        return LinkTarget::Attachment(att);
    }
    let (file, fragment) = split_fragment(href);
    let file = strip_query(file);
    if page_id_from_file(file).is_some()
        || page_id_from_file(&percent_decode_str(file).decode_utf8_lossy()).is_some()
    {
        return LinkTarget::Page {
            page: PageRef::File(file.to_string()),
            anchor: fragment.map(str::to_string),
        };
    }
    if file.ends_with(".html") {
        // A file of the export we do not know as a page (index.html, ...).
        return LinkTarget::Page {
            page: PageRef::File(file.to_string()),
            anchor: fragment.map(str::to_string),
        };
    }
    LinkTarget::External(href.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_hrefs() {
        assert_eq!(classify_href("#A-b"), LinkTarget::Anchor("A-b".into()));
        assert!(matches!(
            classify_href("https://x.y/z"),
            LinkTarget::External(_)
        ));
        assert!(matches!(
            classify_href("/wiki/spaces/A/pages/1"),
            LinkTarget::External(_)
        ));
        assert_eq!(
            classify_href("Printer-Driver%27s-Quirks_98321.html#top"),
            LinkTarget::Page {
                page: PageRef::File("Printer-Driver%27s-Quirks_98321.html".into()),
                anchor: Some("top".into())
            }
        );
        let LinkTarget::Attachment(a) = classify_href("attachments/98310/99001.png?width=400")
        else {
            panic!("attachment expected")
        };
        assert_eq!(a.attachment_id.as_deref(), Some("99001"));
        assert_eq!(a.entry.as_deref(), Some("attachments/98310/99001.png"));
        assert!(matches!(
            classify_href("mailto:a@b.c"),
            LinkTarget::External(_)
        ));
    }
}
