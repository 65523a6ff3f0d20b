//! Record keys (BUNDLE.md "Keys"): `<kind>/<space-key>/<source-id>[/<n>]`, ASCII,
//! stable across runs because they derive only from source identifiers.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

/// Characters escaped in a key part: everything outside unreserved ASCII, plus `/`
/// and `%` so a part never splits or becomes ambiguous.
const KEY_PART: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
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
    .add(b']');

/// Escapes one part of a key (non-ASCII is percent-encoded as UTF-8).
pub fn part(s: &str) -> String {
    utf8_percent_encode(s, KEY_PART).to_string()
}

pub fn org(space: &str) -> String {
    format!("org/{}", part(space))
}

pub fn org_from_page(space: &str, page_id: &str) -> String {
    format!("org/{}/{}", part(space), part(page_id))
}

pub fn folder(space: &str, page_id: &str) -> String {
    format!("folder/{}/{}", part(space), part(page_id))
}

pub fn document(space: &str, page_id: &str) -> String {
    format!("doc/{}/{}", part(space), part(page_id))
}

pub fn attachment(space: &str, page_id: &str, attachment_id: &str) -> String {
    format!(
        "att/{}/{}/{}",
        part(space),
        part(page_id),
        part(attachment_id)
    )
}

/// Row `n` (1-based) of the password tables of a page.
pub fn password(space: &str, page_id: &str, n: usize) -> String {
    format!("pw/{}/{}/{n}", part(space), part(page_id))
}

/// Row `n` (1-based) of the contact tables of a page.
pub fn contact(space: &str, page_id: &str, n: usize) -> String {
    format!("contact/{}/{}/{n}", part(space), part(page_id))
}

pub fn flexible_asset(space: &str, page_id: &str) -> String {
    format!("fa/{}/{}", part(space), part(page_id))
}

pub fn configuration(space: &str, page_id: &str) -> String {
    format!("cfg/{}/{}", part(space), part(page_id))
}

/// A flexible asset type, from its name: lowercase, runs of other characters → `-`.
pub fn flexible_asset_type(name: &str) -> String {
    let mut slug = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    format!("fat/{}", part(slug.trim_matches('-')))
}

/// Path of a document body relative to the bundle root.
pub fn document_path(space: &str, page_id: &str) -> String {
    format!("documents/{}/{}.html", part(space), part(page_id))
}

/// Path of a blob relative to the bundle root.
pub fn blob_path(hash: &str) -> String {
    format!("blobs/{}/{}", &hash[..2], hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_ascii_and_escape_separators() {
        assert_eq!(document("ACME", "98310"), "doc/ACME/98310");
        assert_eq!(org("~jürgen"), "org/~j%C3%BCrgen");
        assert_eq!(part("a/b%c"), "a%2Fb%25c");
        assert!(document("Zü rich", "1").is_ascii());
    }
}
