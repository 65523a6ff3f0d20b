//! Where preview pages live in the bundle and how one page links to another:
//! every link is computed from two bundle-relative paths, so it works from any depth
//! when the bundle is opened straight from disk.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use crate::bundle::keys;

/// Characters escaped in a relative URL path (`/` stays a separator).
const HREF: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'\\')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'|')
    .add(b'^')
    .add(b'[')
    .add(b']')
    .add(b'\'');

/// The preview's top folder.
pub const ROOT: &str = "preview";

/// Landing page of the preview: the list of organizations.
pub fn index() -> String {
    format!("{ROOT}/index.html")
}

/// Folder of an organization's pages: `preview/orgs/<key without "org/">/`.
pub fn org_dir(org_key: &str) -> String {
    format!(
        "{ROOT}/orgs/{}",
        org_key.strip_prefix("org/").unwrap_or(org_key)
    )
}

/// A section page of an organization (`index`, `documents`, `passwords`, ...).
pub fn org_page(org_key: &str, section: &str) -> String {
    format!("{}/{section}.html", org_dir(org_key))
}

/// The preview of a document whose body is at `content` (`documents/S/ID.html`).
/// Same depth below `preview/` as the body below the bundle root, so links between
/// documents (`../S/ID.html`) keep working unchanged.
pub fn document(content: &str) -> String {
    format!("{ROOT}/{content}")
}

/// A blob, relative to the bundle root.
pub fn blob(hash: &str) -> String {
    keys::blob_path(hash)
}

/// An encoded relative URL from the page at `from` to the file at `to` (both
/// relative to the bundle root, `/`-separated), with an optional fragment.
pub fn href(from: &str, to: &str, fragment: Option<&str>) -> String {
    let from_dirs: Vec<&str> = from.split('/').collect();
    let from_dirs = &from_dirs[..from_dirs.len() - 1];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dirs
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count()
        .min(to_parts.len() - 1);
    let mut out = String::new();
    for _ in common..from_dirs.len() {
        out.push_str("../");
    }
    let rest = to_parts[common..].join("/");
    out.push_str(&utf8_percent_encode(&rest, HREF).to_string());
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(&utf8_percent_encode(f, HREF).to_string());
    }
    out
}

/// An element id for a record key (ids may hold any character but spaces).
pub fn anchor(key: &str) -> String {
    key.replace(char::is_whitespace, "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_hrefs() {
        assert_eq!(
            href("report.html", "preview/documents/A/1.html", None),
            "preview/documents/A/1.html"
        );
        assert_eq!(
            href("preview/documents/A/1.html", "blobs/ab/abcd", None),
            "../../../blobs/ab/abcd"
        );
        assert_eq!(
            href(
                "preview/documents/A/1.html",
                "preview/orgs/A/documents.html",
                Some("folder/A/2")
            ),
            "../../orgs/A/documents.html#folder/A/2"
        );
        assert_eq!(
            href(
                "preview/orgs/A/index.html",
                "preview/orgs/A/contacts.html",
                None
            ),
            "contacts.html"
        );
        // A file whose name holds a percent-encoded key part is linked literally.
        assert_eq!(
            href(
                "preview/index.html",
                "preview/orgs/~j%C3%BC/index.html",
                None
            ),
            "orgs/~j%25C3%25BC/index.html"
        );
    }

    #[test]
    fn org_pages_nest_below_the_space() {
        assert_eq!(
            org_page("org/ACME", "index"),
            "preview/orgs/ACME/index.html"
        );
        assert_eq!(
            org_page("org/ACME/98300", "passwords"),
            "preview/orgs/ACME/98300/passwords.html"
        );
    }
}
