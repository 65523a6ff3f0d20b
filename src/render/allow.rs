//! The allow-list of bundle document HTML: the only elements, attributes and URL
//! schemes a document may hold. The renderer writes nothing else by construction
//! (every tag and attribute name in `html.rs` is a literal from these lists);
//! [`violations`] checks a written document against them (tests and fuzzing).

use scraper::{Html, Node};

/// Elements a document may contain.
pub const ELEMENTS: &[&str] = &[
    "html",
    "head",
    "meta",
    "title",
    "body",
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "table",
    "tbody",
    "tr",
    "th",
    "td",
    "pre",
    "code",
    "div",
    "blockquote",
    "hr",
    "br",
    "strong",
    "em",
    "u",
    "s",
    "sub",
    "sup",
    "span",
    "a",
    "img",
];

/// Attributes a document may contain (on any allowed element). `style` values
/// are fixed strings of the renderer (panels, status lozenges), never source CSS.
pub const ATTRIBUTES: &[&str] = &[
    "charset",
    "id",
    "start",
    "class",
    "style",
    "colspan",
    "rowspan",
    "href",
    "src",
    "alt",
    "width",
    "data-cf2itglue-doc",
    "data-cf2itglue-att",
    "data-cf2itglue-ref",
    "data-cf2itglue-blob",
];

/// Schemes a link may use.
const LINK_SCHEMES: &[&str] = &[
    "https", "http", "mailto", "tel", "ftp", "sftp", "ssh", "rdp", "smb", "file",
];

/// Schemes an image may be loaded from.
const IMAGE_SCHEMES: &[&str] = &["https", "http"];

/// What a URL may become in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlVerdict {
    /// An absolute URL with an allowed scheme.
    Allowed,
    /// No scheme: a relative reference (resolved or dropped by the transform).
    Relative,
    /// A scheme outside the allow-list (`javascript`, `data`, `vbscript`, ...),
    /// lower-cased.
    Blocked(String),
}

/// The scheme of a URL as a browser sees it: leading control characters and
/// spaces are skipped and tabs and newlines anywhere are ignored (so
/// `" java\tscript:"` is `javascript`). Lower-cased; `None` for a relative URL.
pub fn scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let end = cleaned.find(':')?;
    let s = &cleaned[..end];
    let mut chars = s.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then(|| s.to_ascii_lowercase())
}

fn verdict(url: &str, allowed: &[&str]) -> UrlVerdict {
    match scheme(url) {
        None => UrlVerdict::Relative,
        Some(s) if allowed.contains(&s.as_str()) => UrlVerdict::Allowed,
        Some(s) => UrlVerdict::Blocked(s),
    }
}

/// May a document link to `url`?
pub fn link_url(url: &str) -> UrlVerdict {
    verdict(url, LINK_SCHEMES)
}

/// May a document show an image loaded from `url`?
pub fn image_url(url: &str) -> UrlVerdict {
    verdict(url, IMAGE_SCHEMES)
}

/// Everything in a written document that is outside the allow-list, described
/// one per line; empty for a clean document. Comments and processing
/// instructions count as violations too (the renderer writes none).
pub fn violations(document: &str) -> Vec<String> {
    let doc = Html::parse_document(document);
    let mut out = Vec::new();
    for node in doc.tree.root().descendants() {
        match node.value() {
            Node::Element(el) => {
                let name = el.name();
                if !ELEMENTS.contains(&name) {
                    out.push(format!("element <{name}>"));
                }
                for (attr, value) in el.attrs() {
                    if !ATTRIBUTES.contains(&attr) {
                        out.push(format!("attribute {attr:?} on <{name}>"));
                    }
                    let v = match attr {
                        "href" => link_url(value),
                        "src" => image_url(value),
                        _ => continue,
                    };
                    if let UrlVerdict::Blocked(s) = v {
                        out.push(format!("{s}: URL in {attr} of <{name}>"));
                    }
                }
            }
            Node::Comment(_) => out.push("a comment".into()),
            Node::ProcessingInstruction(_) => out.push("a processing instruction".into()),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_as_a_browser_reads_them() {
        assert_eq!(scheme("https://x.example/"), Some("https".into()));
        assert_eq!(
            scheme(" \u{1}JaVa\tScRiPt:alert(1)"),
            Some("javascript".into())
        );
        assert_eq!(scheme("java\nscript:x"), Some("javascript".into()));
        assert_eq!(scheme("page.html#a:b"), None);
        assert_eq!(scheme("/wiki/x:y"), None);
        assert_eq!(scheme("1abc:x"), None);
        assert_eq!(link_url("mailto:a@b.c"), UrlVerdict::Allowed);
        assert_eq!(
            link_url("DATA:text/html,x"),
            UrlVerdict::Blocked("data".into())
        );
        assert_eq!(
            image_url("data:image/png;base64,AA"),
            UrlVerdict::Blocked("data".into())
        );
        assert_eq!(
            image_url("ftp://x/y.png"),
            UrlVerdict::Blocked("ftp".into())
        );
        assert_eq!(link_url("Page_1.html"), UrlVerdict::Relative);
    }

    #[test]
    fn violations_name_what_is_outside_the_list() {
        assert!(violations("<p>a <a href=\"https://x\">b</a></p>").is_empty());
        let v = violations(
            "<p onclick=\"x()\">a</p><script>1</script><a href=\"javascript:x\">y</a><!-- c -->",
        );
        assert_eq!(
            v,
            vec![
                "attribute \"onclick\" on <p>",
                "element <script>",
                "javascript: URL in href of <a>",
                "a comment",
            ]
        );
    }
}
