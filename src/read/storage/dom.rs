//! A storage-format fragment → a small element tree. The fragment has no root and
//! uses the `ac:`/`ri:` prefixes, so it is wrapped in a root declaring both before
//! quick-xml reads it; HTML named entities are decoded with our own table. The
//! reader is lenient (mismatched end tags, unclosed elements, void HTML tags) and
//! keeps everything read before a syntax error. One page body at a time, so a
//! tree is fine here; entities.xml itself is never held like this.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::events::Event;

use super::entities;

/// Deeper nesting than this is flattened (hostile input must not blow the stack).
const MAX_DEPTH: usize = 120;

const ROOT: &str = "cf2itglue-root";

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Element(Element),
    Text(String),
}

/// An element or attribute name: the usual ones are static strings (no allocation
/// per element of a page), any other is owned.
pub type Name = Cow<'static, str>;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Element {
    pub name: Name,
    pub attrs: Vec<(Name, String)>,
    pub children: Vec<Node>,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first child element named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// All text below this element, in document order (CDATA included verbatim).
    pub fn text(&self) -> String {
        let mut out = String::new();
        self.push_text(&mut out);
        out
    }

    fn push_text(&self, out: &mut String) {
        for n in &self.children {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => e.push_text(out),
            }
        }
    }
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "br" | "hr"
            | "img"
            | "col"
            | "input"
            | "meta"
            | "link"
            | "area"
            | "base"
            | "wbr"
            | "source"
    )
}

/// The names of storage-format markup, matched without allocating.
macro_rules! known_names {
    ($s:expr; $($n:literal)*) => {
        match $s {
            $($n => Cow::Borrowed($n),)*
            other => Cow::Owned(other.to_string()),
        }
    };
}

fn intern(s: &str) -> Name {
    known_names!(s;
        "p" "br" "strong" "em" "b" "i" "u" "s" "span" "a" "div" "code" "pre" "sub" "sup"
        "del" "time" "blockquote" "hr" "img" "table" "tbody" "thead" "tfoot" "tr" "td"
        "th" "colgroup" "col" "ul" "ol" "li" "dl" "dt" "dd" "h1" "h2" "h3" "h4" "h5" "h6"
        "class" "style" "href" "title" "colspan" "rowspan" "datetime" "src" "alt" "width"
        "height" "data-highlight-colour" "data-layout" "data-table-width"
        "ac:structured-macro" "ac:parameter" "ac:rich-text-body" "ac:plain-text-body"
        "ac:name" "ac:schema-version" "ac:macro-id" "ac:local-id" "ac:link" "ac:link-body"
        "ac:plain-text-link-body" "ac:image" "ac:emoticon" "ac:task-list" "ac:task"
        "ac:task-id" "ac:task-status" "ac:task-body" "ac:layout" "ac:layout-section"
        "ac:layout-cell" "ac:anchor" "ac:width" "ac:height" "ac:alt" "ac:title"
        "ac:default-parameter" "ac:inline-comment-marker" "ac:ref" "ac:type"
        "ri:page" "ri:attachment" "ri:user" "ri:url" "ri:value" "ri:filename"
        "ri:content-title" "ri:space-key" "ri:version-at-save" "ri:userkey"
        "ri:account-id" "ri:blog-post" "ri:content-entity" "ri:content-id" "ri:posting-day"
        "ri:space"
    )
}

fn element(start: &quick_xml::events::BytesStart) -> Element {
    let name = intern(start.name().as_ref());
    let attrs = start
        .attributes()
        .with_checks(false)
        .flatten()
        .map(|a| {
            let key = intern(a.key.as_ref());
            let value = entities::unescape(&a.value);
            let value = match clean(&value) {
                Cow::Borrowed(_) => value,
                Cow::Owned(cleaned) => cleaned,
            };
            (key, value)
        })
        .collect();
    Element {
        name,
        attrs,
        children: Vec::new(),
    }
}

/// Drops C0 control characters XML forbids (they occur in real exports).
/// Borrows when there is nothing to drop (the usual case: no copy per text node).
fn clean(s: &str) -> Cow<'_, str> {
    // The unwanted characters are all ASCII: a byte scan finds them.
    if s.bytes()
        .any(|b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
    {
        Cow::Owned(
            s.chars()
                .filter(|c| !entities::is_unwanted_control(*c))
                .collect(),
        )
    } else {
        Cow::Borrowed(s)
    }
}

fn push_text(stack: &mut [Element], text: &str) {
    if text.is_empty() {
        return;
    }
    let top = stack.last_mut().expect("root is always on the stack");
    if let Some(Node::Text(t)) = top.children.last_mut() {
        t.push_str(text);
    } else {
        top.children.push(Node::Text(text.to_string()));
    }
}

/// Parses a fragment. Returns the root (named `cf2itglue-root`) and the syntax
/// error that stopped reading early, if any.
pub fn parse(fragment: &str) -> (Element, Option<String>) {
    let (root, error, _) = parse_repairing(fragment);
    (root, error)
}

/// Like `parse`, but a body whose CDATA section is never closed (hand-edited
/// exports write the inner end as `]] >` so it does not end the outer CDATA of
/// `entities.xml`) is repaired and read again: the section ends at its last
/// `]] >`, else just before the `</ac:plain-text-…>` that follows it. The third
/// value says whether that repair was made.
pub fn parse_repairing(fragment: &str) -> (Element, Option<String>, bool) {
    let (root, error) = parse_raw(fragment);
    if error.as_deref().is_some_and(|e| e.contains("CDATA"))
        && let Some(fixed) = repair_cdata(fragment)
    {
        let (again, error2) = parse_raw(&fixed);
        if error2.is_none() {
            return (again, None, true);
        }
    }
    (root, error, false)
}

/// Closes every CDATA section that has no `]]>` before the end of its
/// plain-text element (or of the fragment). `None` when nothing needed it.
fn repair_cdata(s: &str) -> Option<String> {
    const OPEN: &str = "<![CDATA[";
    let mut out = String::with_capacity(s.len() + 16);
    let mut i = 0;
    let mut changed = false;
    while let Some(rel) = s[i..].find(OPEN) {
        let start = i + rel + OPEN.len();
        out.push_str(&s[i..start]);
        let end_tag = s[start..]
            .find("</ac:plain-text-")
            .map(|p| start + p)
            .unwrap_or(s.len());
        if let Some(close) = s[start..end_tag].find("]]>") {
            let after = start + close + 3;
            out.push_str(&s[start..after]);
            i = after;
            continue;
        }
        changed = true;
        let region = &s[start..end_tag];
        match region.rfind("]] >") {
            Some(p) => {
                out.push_str(&region[..p]);
                out.push_str("]]>");
                out.push_str(&region[p + 4..]);
            }
            None => {
                out.push_str(region);
                out.push_str("]]>");
            }
        }
        i = end_tag;
    }
    out.push_str(&s[i..]);
    changed.then_some(out)
}

fn parse_raw(fragment: &str) -> (Element, Option<String>) {
    let wrapped = format!(
        "<{ROOT} xmlns:ac=\"http://atlassian.com/content\" \
         xmlns:ri=\"http://atlassian.com/resource/identifier\" \
         xmlns:at=\"http://atlassian.com/template\">{fragment}</{ROOT}>"
    );
    let mut reader = Reader::from_str(&wrapped);
    let cfg = reader.config_mut();
    cfg.check_end_names = false;
    cfg.allow_unmatched_ends = true;
    cfg.allow_dangling_amp = true;
    cfg.check_comments = false;
    let mut stack: Vec<Element> = vec![Element::default()];
    let mut skipped = 0usize;
    // White space between the tags of a plain-text body (pretty-printed input)
    // is not content: it is held back and kept only when more escaped text
    // follows, dropped before a CDATA section or the end of the element.
    let mut held = String::new();
    let mut plain_cdata = false;
    let mut error = None;
    loop {
        let event = reader.read_event();
        let in_plain = stack
            .last()
            .is_some_and(|e| e.name.starts_with("ac:plain-text"));
        match &event {
            Ok(Event::Text(t)) if in_plain && t.chars().all(char::is_whitespace) => {
                held.push_str(t);
                continue;
            }
            Ok(Event::Text(_)) | Ok(Event::GeneralRef(_)) => {
                let h = std::mem::take(&mut held);
                push_text(&mut stack, &h);
            }
            // Trailing white space of a body without CDATA is its content.
            Ok(Event::End(_)) if in_plain && !plain_cdata => {
                let h = std::mem::take(&mut held);
                push_text(&mut stack, &h);
            }
            Ok(Event::CData(_)) => {
                plain_cdata |= in_plain;
                held.clear();
            }
            Ok(Event::Start(_)) => {
                plain_cdata = false;
                held.clear();
            }
            _ => held.clear(),
        }
        match event {
            Ok(Event::Start(s)) => {
                let el = element(&s);
                if el.name == ROOT && stack.len() == 1 && stack[0].name.is_empty() {
                    stack[0] = el;
                } else if is_void(&el.name) {
                    let top = stack.last_mut().expect("root");
                    top.children.push(Node::Element(el));
                } else if stack.len() >= MAX_DEPTH {
                    skipped += 1;
                } else {
                    stack.push(el);
                }
            }
            Ok(Event::Empty(s)) => {
                let el = element(&s);
                stack
                    .last_mut()
                    .expect("root")
                    .children
                    .push(Node::Element(el));
            }
            Ok(Event::End(e)) => {
                let qname = e.name();
                let name: &str = qname.as_ref();
                if skipped > 0 {
                    skipped -= 1;
                    continue;
                }
                // Close up to the matching open element; ignore strays.
                if let Some(pos) = stack.iter().rposition(|el| el.name == name)
                    && pos > 0
                {
                    while stack.len() > pos {
                        let done = stack.pop().expect("non-empty");
                        stack
                            .last_mut()
                            .expect("root")
                            .children
                            .push(Node::Element(done));
                    }
                }
            }
            Ok(Event::Text(t)) => push_text(&mut stack, &clean(&t.into_inner())),
            Ok(Event::CData(t)) => push_text(&mut stack, &clean(&t.into_inner())),
            Ok(Event::GeneralRef(r)) => match r.resolve_char_ref() {
                Ok(Some(c)) if !entities::is_unwanted_control(c) => {
                    push_text(&mut stack, c.encode_utf8(&mut [0u8; 4]))
                }
                Ok(Some(_)) => {}
                _ => {
                    let text = entities::resolve(&r).unwrap_or_else(|| format!("&{};", &*r));
                    push_text(&mut stack, &text);
                }
            },
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                error = Some(format!("{e} at byte {}", reader.error_position()));
                break;
            }
        }
    }
    while stack.len() > 1 {
        let done = stack.pop().expect("non-empty");
        stack
            .last_mut()
            .expect("root")
            .children
            .push(Node::Element(done));
    }
    let root = stack.pop().expect("root");
    // The wrapper's own end tag closes the root; anything still open was closed above.
    (root, error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fragment_with_prefixes_entities_and_cdata() {
        let (root, err) = parse(
            "<p>a&nbsp;b</p><ac:structured-macro ac:name=\"code\"><ac:plain-text-body><![CDATA[x]]]]><![CDATA[>y]]></ac:plain-text-body></ac:structured-macro>text",
        );
        assert_eq!(err, None);
        assert_eq!(root.name, ROOT);
        assert_eq!(root.children.len(), 3);
        let m = root.child("ac:structured-macro").unwrap();
        assert_eq!(m.attr("ac:name"), Some("code"));
        assert_eq!(m.text(), "x]]>y");
        assert_eq!(root.child("p").unwrap().text(), "a\u{a0}b");
        // Pretty-printing around the CDATA is not content; escaped text is.
        let (root, _) = parse(
            "<ac:plain-text-body>\n\t\t<![CDATA[  a\n]]>\n\t</ac:plain-text-body><ac:plain-text-body>  &lt;b&gt; \n</ac:plain-text-body>",
        );
        let bodies: Vec<String> = root.elements().map(Element::text).collect();
        assert_eq!(bodies, ["  a\n", "  <b> \n"]);
    }

    #[test]
    fn repairs_unclosed_cdata_of_hand_edited_exports() {
        let body = "<ac:structured-macro ac:name=\"code\"><ac:plain-text-body><![CDATA[a ]] b\n]] ></ac:plain-text-body></ac:structured-macro><p>after</p>";
        let (root, err) = parse_raw(body);
        assert!(err.is_some());
        assert_eq!(root.child("p"), None);
        let (root, err, repaired) = parse_repairing(body);
        assert_eq!(err, None);
        assert!(repaired);
        assert_eq!(
            root.child("ac:structured-macro").unwrap().text(),
            "a ]] b\n"
        );
        assert_eq!(root.child("p").unwrap().text(), "after");
        // No "]] >": closed just before the end tag.
        let body = "<ac:plain-text-body><![CDATA[x</ac:plain-text-body><p>z</p>";
        let (root, err, repaired) = parse_repairing(body);
        assert_eq!((err, repaired), (None, true));
        assert_eq!(root.text(), "xz");
        // A later, closed section is left as it is.
        assert_eq!(
            repair_cdata("<a><![CDATA[x</ac:plain-text-body><b><![CDATA[y]]></b>").as_deref(),
            Some("<a><![CDATA[x]]></ac:plain-text-body><b><![CDATA[y]]></b>")
        );
        // Well-formed bodies are never touched.
        assert_eq!(repair_cdata("<p><![CDATA[ok]]></p>"), None);
    }

    #[test]
    fn tolerates_void_tags_strays_and_unclosed() {
        let (root, _) = parse("<p>a<br>b</span></p><div><p>open");
        assert_eq!(root.child("p").unwrap().children.len(), 3);
        assert_eq!(root.child("div").unwrap().text(), "open");
    }

    #[test]
    fn control_characters_are_dropped_from_text_cdata_and_attributes() {
        let (root, err) = parse("<p title=\"a\u{1}b&amp;c\">x\u{2}y<![CDATA[z\u{1b}w]]>\tv</p>");
        assert_eq!(err, None);
        let p = root.child("p").unwrap();
        assert_eq!(p.attr("title"), Some("ab&c"));
        assert_eq!(p.text(), "xyzw\tv");
    }
}
