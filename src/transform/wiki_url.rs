//! Recognising absolute URLs into the old wiki: `/wiki/spaces/KEY/pages/ID/…`,
//! `/pages/viewpage.action?pageId=ID`, `/display/KEY/Title`,
//! `/download/attachments/ID/name` and tiny links `/x/CODE`.

use std::collections::BTreeSet;

use percent_encoding::percent_decode_str;

/// What an old-wiki URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WikiRef {
    PageId(String, Option<String>),
    PageTitle {
        space: String,
        title: String,
    },
    SpaceHome(String),
    Attachment {
        page_id: String,
        file_name: String,
    },
    /// Some other page of the old wiki (search, people, ...).
    Other,
}

/// The part of `url` after the wiki's base path, or `None` when `url` does not
/// point into the old wiki.
fn wiki_path<'a>(url: &'a str, base_urls: &BTreeSet<String>) -> Option<&'a str> {
    for base in base_urls {
        if let Some(rest) = url.strip_prefix(base.as_str())
            && (rest.is_empty() || rest.starts_with('/') || rest.starts_with('?'))
        {
            return Some(rest);
        }
    }
    if let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    {
        let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
        if host.ends_with(".atlassian.net") {
            let path = &rest[host.len()..];
            return path
                .strip_prefix("/wiki")
                .filter(|p| p.is_empty() || p.starts_with('/') || p.starts_with('?'));
        }
        return None;
    }
    if url.starts_with('/') && !url.starts_with("//") {
        let path = url.strip_prefix("/wiki").unwrap_or(url);
        let known = ["/spaces/", "/pages/", "/display/", "/download/", "/x/"];
        return known.iter().any(|k| path.starts_with(k)).then_some(path);
    }
    None
}

/// Decodes a tiny-link code (`/x/AbCd`) into a page id.
pub fn tiny_link_id(code: &str) -> Option<String> {
    let mut bits: u64 = 0;
    let mut nbits = 0u32;
    let mut bytes = Vec::new();
    for c in code.chars() {
        let v = match c {
            'A'..='Z' => c as u64 - 'A' as u64,
            'a'..='z' => c as u64 - 'a' as u64 + 26,
            '0'..='9' => c as u64 - '0' as u64 + 52,
            '-' | '+' => 62,
            '_' | '/' => 63,
            _ => return None,
        };
        bits = (bits << 6) | v;
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            bytes.push((bits >> nbits) as u8);
            bits &= (1 << nbits) - 1;
        }
        if bytes.len() > 8 {
            return None;
        }
    }
    let mut id: u64 = 0;
    for (i, b) in bytes.iter().enumerate() {
        id |= (*b as u64) << (8 * i);
    }
    (id > 0).then(|| id.to_string())
}

/// Parses an old-wiki URL; `None` when the URL is not one.
pub fn parse(url: &str, base_urls: &BTreeSet<String>) -> Option<WikiRef> {
    let rest = wiki_path(url, base_urls)?;
    let (path, fragment) = match rest.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string())),
        None => (rest, None),
    };
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let decode = |s: &str| {
        percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .to_string()
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    Some(match parts.as_slice() {
        ["spaces", _, "pages", id, ..] if digits(id) => WikiRef::PageId(id.to_string(), fragment),
        ["spaces", key] | ["spaces", key, "overview"] => WikiRef::SpaceHome(key.to_string()),
        ["pages", action] if action.ends_with(".action") => {
            match query.split('&').find_map(|kv| kv.strip_prefix("pageId=")) {
                Some(id) if digits(id) => WikiRef::PageId(id.to_string(), fragment),
                _ => WikiRef::Other,
            }
        }
        ["display", key, title] => WikiRef::PageTitle {
            space: decode(key),
            title: decode(title),
        },
        ["display", key] => WikiRef::SpaceHome(decode(key)),
        ["download", "attachments", id, name, ..] if digits(id) => WikiRef::Attachment {
            page_id: id.to_string(),
            file_name: decode(name),
        },
        ["x", code] => match tiny_link_id(code) {
            Some(id) => WikiRef::PageId(id, fragment),
            None => WikiRef::Other,
        },
        _ => WikiRef::Other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_wiki_urls() {
        let bases: BTreeSet<String> = ["https://conf.example.com/confluence".to_string()].into();
        assert_eq!(
            parse(
                "https://acme.atlassian.net/wiki/spaces/ACME/pages/98310/Network+Overview",
                &bases
            ),
            Some(WikiRef::PageId("98310".into(), None))
        );
        assert_eq!(
            parse("/wiki/spaces/ACME/pages/98310/X#Top", &bases),
            Some(WikiRef::PageId("98310".into(), Some("Top".into())))
        );
        assert_eq!(
            parse(
                "https://conf.example.com/confluence/pages/viewpage.action?pageId=42",
                &bases
            ),
            Some(WikiRef::PageId("42".into(), None))
        );
        assert_eq!(
            parse(
                "https://conf.example.com/confluence/display/OPS/Backup+Plan",
                &bases
            ),
            Some(WikiRef::PageTitle {
                space: "OPS".into(),
                title: "Backup Plan".into()
            })
        );
        assert_eq!(
            parse(
                "https://acme.atlassian.net/wiki/download/attachments/7/a%20b.png?api=v2",
                &bases
            ),
            Some(WikiRef::Attachment {
                page_id: "7".into(),
                file_name: "a b.png".into()
            })
        );
        assert_eq!(
            parse("https://acme.atlassian.net/browse/OPS-42", &bases),
            None
        );
        assert_eq!(parse("https://www.example.com/display/X/Y", &bases), None);
    }

    #[test]
    fn tiny_links_decode_little_endian_ids() {
        // 98310 = 0x018006 → bytes 06 80 01 → base64 "BoAB".
        assert_eq!(tiny_link_id("BoAB").as_deref(), Some("98310"));
    }
}
