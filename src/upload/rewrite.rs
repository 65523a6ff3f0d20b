//! Document bodies at section-write time: the inner HTML of `<body>`, split into
//! sections only when one request would be too large, and every
//! `data-cf2itglue-*` reference rewritten to its IT Glue target (lol_html).

use std::cell::RefCell;

use lol_html::html_content::ContentType;
use lol_html::{RewriteStrSettings, element, rewrite_str};

/// What a reference points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefKind {
    /// An inline image (blob id) → its `inline-resource-url`.
    Blob,
    /// A document key → its IT Glue document URL.
    Doc,
    /// An attachment key → its download URL.
    Att,
    /// Any other record key → its IT Glue URL.
    Ref,
}

/// The inner HTML of `<body>` (the whole text when there is no body element).
pub fn body_inner(html: &str) -> &str {
    let lower = html.to_ascii_lowercase();
    let Some(open) = lower.find("<body") else {
        return html;
    };
    let Some(gt) = lower[open..].find('>') else {
        return html;
    };
    let start = open + gt + 1;
    let end = lower
        .rfind("</body>")
        .filter(|e| *e >= start)
        .unwrap_or(html.len());
    html[start..end].trim_matches('\n')
}

/// Splits a body into pieces of at most `max` bytes at top-level element
/// boundaries (a single larger element stays whole). Bodies under `max` are
/// returned unchanged, as one piece; an empty body gives no piece.
pub fn split(inner: &str, max: usize) -> Vec<String> {
    if inner.trim().is_empty() {
        return Vec::new();
    }
    if inner.len() <= max {
        return vec![inner.to_string()];
    }
    let frag = scraper::Html::parse_fragment(inner);
    let mut pieces = Vec::new();
    let mut cur = String::new();
    let root = frag.root_element();
    for child in root.children() {
        let html = match child.value() {
            scraper::Node::Element(_) => scraper::ElementRef::wrap(child)
                .map(|e| e.html())
                .unwrap_or_default(),
            scraper::Node::Text(t) => t
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;"),
            _ => continue,
        };
        if !cur.is_empty() && cur.len() + html.len() > max {
            pieces.push(std::mem::take(&mut cur));
        }
        cur.push_str(&html);
    }
    if !cur.trim().is_empty() {
        pieces.push(cur);
    }
    pieces
}

/// Rewrites the references of one piece. `resolve` answers the new URL, or None
/// when the target is not in IT Glue (then the link keeps its text and loses its
/// target; an image is replaced by its alt text). Returns the HTML and the
/// references that did not resolve.
pub fn rewrite(
    html: &str,
    resolve: &dyn Fn(RefKind, &str) -> Option<String>,
) -> (String, Vec<(RefKind, String)>) {
    let missing = RefCell::new(Vec::new());
    let miss = |k: RefKind, v: &str| missing.borrow_mut().push((k, v.to_string()));
    let out = rewrite_str(
        html,
        RewriteStrSettings::new().append_element_content_handler(element!("[data-cf2itglue-blob], [data-cf2itglue-doc], [data-cf2itglue-att], [data-cf2itglue-ref]", |el| {
                let (kind, attr) = if el.has_attribute("data-cf2itglue-blob") {
                    (RefKind::Blob, "data-cf2itglue-blob")
                } else if el.has_attribute("data-cf2itglue-doc") {
                    (RefKind::Doc, "data-cf2itglue-doc")
                } else if el.has_attribute("data-cf2itglue-att") {
                    (RefKind::Att, "data-cf2itglue-att")
                } else {
                    (RefKind::Ref, "data-cf2itglue-ref")
                };
                let value = el.get_attribute(attr).unwrap_or_default();
                for a in ["data-cf2itglue-blob", "data-cf2itglue-doc", "data-cf2itglue-att", "data-cf2itglue-ref"] {
                    el.remove_attribute(a);
                }
                let target = resolve(kind, &value);
                let is_img = el.tag_name() == "img";
                match (target, is_img) {
                    (Some(url), true) => el.set_attribute("src", &url)?,
                    (Some(url), false) => el.set_attribute("href", &url)?,
                    (None, true) => {
                        miss(kind, &value);
                        let alt = el.get_attribute("alt").unwrap_or_default();
                        el.replace(&alt, ContentType::Text);
                    }
                    (None, false) => {
                        miss(kind, &value);
                        el.remove_and_keep_content();
                    }
                }
                Ok(())
            })),
    )
    .unwrap_or_else(|_| html.to_string());
    (out, missing.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_every_reference_kind() {
        let html = r#"<!DOCTYPE html><html><head><title>t</title></head><body>
<p><img src="../../blobs/ab/abc" data-cf2itglue-blob="abc" alt="pic"> <a href="../A/1.html" data-cf2itglue-doc="doc/A/1">one</a>
<a href="../../blobs/cd/cd" data-cf2itglue-att="att/A/1/2">file</a> <a data-cf2itglue-ref="pw/A/3/1">Password: x</a>
<a href="../A/9.html" data-cf2itglue-doc="doc/A/9">gone</a><img src="../../blobs/ee/ee" data-cf2itglue-blob="ee" alt="lost"></p>
</body></html>"#;
        let inner = body_inner(html);
        assert!(inner.starts_with("<p>") && inner.ends_with("</p>"));
        let (out, missing) = rewrite(inner, &|k, v| match (k, v) {
            (RefKind::Blob, "abc") => Some("/5/docs/7/images/8".into()),
            (RefKind::Doc, "doc/A/1") => Some("https://x.itglue.com/5/docs/7".into()),
            (RefKind::Att, _) => Some("https://x.itglue.com/attachments/4".into()),
            (RefKind::Ref, _) => Some("https://x.itglue.com/5/passwords/3".into()),
            _ => None,
        });
        assert_eq!(
            out,
            "<p><img src=\"/5/docs/7/images/8\" alt=\"pic\"> <a href=\"https://x.itglue.com/5/docs/7\">one</a>\n\
<a href=\"https://x.itglue.com/attachments/4\">file</a> <a href=\"https://x.itglue.com/5/passwords/3\">Password: x</a>\n\
gonelost</p>"
        );
        assert_eq!(
            missing,
            vec![
                (RefKind::Doc, "doc/A/9".to_string()),
                (RefKind::Blob, "ee".to_string())
            ]
        );
    }

    #[test]
    fn splits_only_large_bodies() {
        assert_eq!(split("<p>a</p><p>b</p>", 100), vec!["<p>a</p><p>b</p>"]);
        // Pieces of at most 18 bytes, cut between top-level elements.
        assert_eq!(
            split("<p>aaa</p><p>bbb</p><p>c</p>", 18),
            vec!["<p>aaa</p>", "<p>bbb</p><p>c</p>"]
        );
        assert_eq!(
            split("<p>aaa</p><p>bbb</p><p>c</p>", 12),
            vec!["<p>aaa</p>", "<p>bbb</p>", "<p>c</p>"]
        );
        // One element larger than the cap stays whole.
        assert_eq!(
            split("<p>aaaaaaaaaaaa</p><p>b</p>", 12),
            vec!["<p>aaaaaaaaaaaa</p>", "<p>b</p>"]
        );
        assert!(split("  \n", 10).is_empty());
    }
}
