//! Rendered page HTML (the `#main-content` of an HTML export page) → model blocks.
//! Generic HTML structure is handled here; Confluence's rendered macros are
//! recognised by their classes in `macros.rs`.

use std::collections::BTreeSet;

use ego_tree::NodeRef;
use scraper::{ElementRef, Node};

use crate::model::{
    Block, Cell, Code, Finding, ImageTarget, Inline, LinkTarget, Row, Style, Table, Task,
};

use super::links::{attachment_ref, classify_href};

/// Converts one page's body. Findings and the old wiki's base URLs seen are
/// collected as it goes.
pub struct BodyConverter<'a> {
    pub space: &'a str,
    pub page: &'a str,
    pub findings: Vec<Finding>,
    pub base_urls: BTreeSet<String>,
    /// Macro families met, reported once per page.
    pub macros: BTreeSet<&'static str>,
    /// Current element nesting, to cap recursion on hostile input.
    depth: usize,
    flattened: bool,
    /// Event-handler attribute names met, reported once per page each.
    handlers: BTreeSet<String>,
}

/// Deeper nesting than this is flattened to its text (and reported once).
const MAX_DEPTH: usize = 200;

/// The allow-list of source elements: those the converter knows. Anything else
/// (`script`, `iframe`, `object`, `embed`, `form`, `svg`, `video`, unknown or
/// custom elements, ...) is removed with everything inside it, and the removal is
/// a finding (`unsafe-content-removed`). What is kept is rebuilt from the model,
/// so no source tag or attribute is ever copied into a document.
const ALLOWED: &[&str] = &[
    // Structure the model keeps.
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
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "caption",
    "pre",
    "blockquote",
    "hr",
    "br",
    "a",
    "img",
    "time",
    "strong",
    "b",
    "em",
    "i",
    "cite",
    "dfn",
    "var",
    "u",
    "ins",
    "s",
    "del",
    "strike",
    "sub",
    "sup",
    "code",
    "tt",
    "kbd",
    "samp",
    // Containers whose content is kept without the container.
    "div",
    "span",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "aside",
    "figure",
    "figcaption",
    "details",
    "summary",
    "main",
    "center",
    "address",
    "fieldset",
    "legend",
    "font",
    "small",
    "big",
    "mark",
    "abbr",
    "acronym",
    "q",
    "label",
    "bdi",
    "bdo",
    "wbr",
    "nobr",
    "ruby",
    "rt",
    "rp",
    "data",
    "hgroup",
    "body",
    "html",
    // Confluence's own markers (inline comments).
    "ac:inline-comment-marker",
];
/// Elements dropped without a finding: presentation only (Confluence puts its own
/// CSS in a `<style>` of most pages), or the task-list checkbox the model renders
/// itself.
const SILENT: &[&str] = &[
    "style", "noscript", "template", "colgroup", "col", "head", "title", "input",
];
/// HTML elements that start a block (shared with the storage-format reader).
pub(crate) const BLOCKS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "dl",
    "table",
    "pre",
    "blockquote",
    "hr",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "aside",
    "figure",
    "details",
    "main",
    "center",
    "address",
    "fieldset",
];

pub fn has_class(el: ElementRef, class: &str) -> bool {
    el.value().classes().any(|c| c == class)
}

impl<'a> BodyConverter<'a> {
    pub fn new(space: &'a str, page: &'a str) -> BodyConverter<'a> {
        BodyConverter {
            space,
            page,
            findings: Vec::new(),
            base_urls: BTreeSet::new(),
            macros: BTreeSet::new(),
            depth: 0,
            flattened: false,
            handlers: BTreeSet::new(),
        }
    }

    pub fn finding(&mut self, code: Code, message: impl Into<String>) {
        self.findings
            .push(Finding::new(code, message).on_page(self.space, self.page));
    }

    /// Blocks of all children of `el`.
    pub fn blocks(&mut self, el: ElementRef) -> Vec<Block> {
        self.blocks_of(el.children())
    }

    pub fn blocks_of<'b>(&mut self, nodes: impl Iterator<Item = NodeRef<'b, Node>>) -> Vec<Block> {
        let mut out = Vec::new();
        let mut pending = Vec::new();
        for node in nodes {
            match node.value() {
                Node::Text(t) => pending.push(Inline::Text(t.to_string())),
                Node::Element(_) => {
                    let el = ElementRef::wrap(node).expect("element node");
                    if self.is_block(el) {
                        flush(&mut pending, &mut out);
                        self.block(el, &mut out);
                    } else {
                        self.inline(el, &mut pending);
                    }
                }
                _ => {}
            }
        }
        flush(&mut pending, &mut out);
        out
    }

    fn is_block(&self, el: ElementRef) -> bool {
        let name = el.value().name();
        BLOCKS.contains(&name)
    }

    fn block(&mut self, el: ElementRef, out: &mut Vec<Block>) {
        if self.too_deep(el, out) {
            return;
        }
        self.depth += 1;
        self.block_inner(el, out);
        self.depth -= 1;
    }

    /// Past `MAX_DEPTH`, an element's text is kept as a paragraph and nothing deeper
    /// is walked; true when that happened.
    fn too_deep(&mut self, el: ElementRef, out: &mut Vec<Block>) -> bool {
        if self.depth < MAX_DEPTH {
            return false;
        }
        if !self.flattened {
            self.flattened = true;
            self.finding(
                Code::UnsafeContentRemoved,
                format!("markup nested deeper than {MAX_DEPTH} levels was flattened to its text"),
            );
        }
        let text: String = el.text().collect();
        let mut pending = vec![Inline::Text(text)];
        flush(&mut pending, out);
        true
    }

    fn block_inner(&mut self, el: ElementRef, out: &mut Vec<Block>) {
        let name = el.value().name();
        if self.drop_element(el) {
            return;
        }
        if self.macro_block(el, out) {
            return;
        }
        match name {
            "p" | "address" => out.extend(self.blocks(el)),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = name[1..].parse().unwrap_or(1);
                let content = normalize(self.inlines(el));
                out.push(Block::Heading {
                    level,
                    anchor: el.value().attr("id").map(str::to_string),
                    content,
                });
            }
            "ul" | "ol" => {
                let mut list = self.list(el, name == "ol");
                if let Block::List { start, .. } = &mut list {
                    *start = el
                        .value()
                        .attr("start")
                        .and_then(|s| s.trim().parse().ok())
                        .unwrap_or(1);
                }
                out.push(list)
            }
            "dl" => out.push(self.list(el, false)),
            "table" => out.push(Block::Table(self.table(el))),
            "pre" => out.push(Block::Code {
                language: None,
                title: None,
                text: el.text().collect(),
            }),
            "blockquote" => out.push(Block::Quote(self.blocks(el))),
            "hr" => out.push(Block::Rule),
            _ => out.extend(self.blocks(el)),
        }
    }

    pub fn list(&mut self, el: ElementRef, ordered: bool) -> Block {
        let mut items: Vec<Vec<Block>> = Vec::new();
        for child in el.child_elements() {
            match child.value().name() {
                "li" | "dt" | "dd" => items.push(self.blocks(child)),
                "ul" | "ol" => {
                    let nested = self.list(child, child.value().name() == "ol");
                    match items.last_mut() {
                        Some(last) => last.push(nested),
                        None => items.push(vec![nested]),
                    }
                }
                _ => {
                    let blocks = self.blocks_of(std::iter::once(*child));
                    if !blocks.is_empty() {
                        items.push(blocks);
                    }
                }
            }
        }
        Block::List {
            ordered,
            start: 1,
            items,
        }
    }

    pub fn tasks(&mut self, el: ElementRef) -> Block {
        let tasks = el
            .child_elements()
            .filter(|c| c.value().name() == "li")
            .map(|li| Task {
                done: has_class(li, "checked"),
                body: self.blocks(li),
            })
            .collect();
        Block::TaskList(tasks)
    }

    fn table(&mut self, el: ElementRef) -> Table {
        let mut table = Table::default();
        for child in el.child_elements() {
            match child.value().name() {
                "thead" | "tbody" | "tfoot" => {
                    for tr in child.child_elements().filter(|c| c.value().name() == "tr") {
                        table.rows.push(self.row(tr));
                    }
                }
                "tr" => table.rows.push(self.row(child)),
                "caption" => {
                    let blocks = self.blocks(child);
                    if !blocks.is_empty() {
                        table.rows.push(Row {
                            cells: vec![Cell {
                                header: true,
                                colspan: 1,
                                rowspan: 1,
                                blocks,
                            }],
                        });
                    }
                }
                _ => {}
            }
        }
        table
    }

    fn row(&mut self, tr: ElementRef) -> Row {
        let span = |el: ElementRef, a: &str| {
            el.value()
                .attr(a)
                .and_then(|v| v.trim().parse::<u32>().ok())
                .filter(|n| (1..=1000).contains(n))
                .unwrap_or(1)
        };
        let cells = tr
            .child_elements()
            .filter(|c| matches!(c.value().name(), "td" | "th"))
            .map(|c| Cell {
                header: c.value().name() == "th",
                colspan: span(c, "colspan"),
                rowspan: span(c, "rowspan"),
                blocks: self.blocks(c),
            })
            .collect();
        Row { cells }
    }

    /// Inlines of all children of `el`.
    pub fn inlines(&mut self, el: ElementRef) -> Vec<Inline> {
        let mut out = Vec::new();
        for node in el.children() {
            match node.value() {
                Node::Text(t) => out.push(Inline::Text(t.to_string())),
                Node::Element(_) => {
                    let child = ElementRef::wrap(node).expect("element node");
                    if self.is_block(child) {
                        // A block inside inline context: keep its text flow.
                        out.push(Inline::Text(" ".into()));
                        self.inline(child, &mut out);
                        out.push(Inline::Text(" ".into()));
                    } else {
                        self.inline(child, &mut out);
                    }
                }
                _ => {}
            }
        }
        out
    }

    fn inline(&mut self, el: ElementRef, out: &mut Vec<Inline>) {
        if self.depth >= MAX_DEPTH {
            let mut blocks = Vec::new();
            if self.too_deep(el, &mut blocks) {
                out.push(Inline::Text(el.text().collect()));
                return;
            }
        }
        self.depth += 1;
        self.inline_inner(el, out);
        self.depth -= 1;
    }

    fn inline_inner(&mut self, el: ElementRef, out: &mut Vec<Inline>) {
        if self.drop_element(el) {
            return;
        }
        if self.macro_inline(el, out) {
            return;
        }
        let styled = |s| Some(s);
        let style = match el.value().name() {
            "strong" | "b" => styled(Style::Strong),
            "em" | "i" | "cite" | "dfn" | "var" => styled(Style::Emphasis),
            "u" | "ins" => styled(Style::Underline),
            "s" | "del" | "strike" => styled(Style::Strike),
            "sub" => styled(Style::Subscript),
            "sup" => styled(Style::Superscript),
            "code" | "tt" | "kbd" | "samp" => styled(Style::Code),
            _ => None,
        };
        if let Some(style) = style {
            let inner = self.inlines(el);
            if !inner.is_empty() {
                out.push(Inline::Styled(style, inner));
            }
            return;
        }
        match el.value().name() {
            "br" => out.push(Inline::LineBreak),
            "a" => self.link(el, out),
            "img" => self.image(el, out),
            "time" => {
                let text: String = el.text().collect();
                let text = if text.trim().is_empty() {
                    el.value().attr("datetime").unwrap_or("").to_string()
                } else {
                    text
                };
                out.push(Inline::Text(text));
            }
            _ => out.extend(self.inlines(el)),
        }
    }

    /// Drops elements outside the allow-list; true when `el` was dropped. Also
    /// reports event-handler attributes (`on*`), which are never copied.
    fn drop_element(&mut self, el: ElementRef) -> bool {
        let name = el.value().name();
        if SILENT.contains(&name) {
            return true;
        }
        if !ALLOWED.contains(&name) {
            self.finding(
                Code::UnsafeContentRemoved,
                format!("removed a <{name}> element and its content"),
            );
            return true;
        }
        for (attr, _) in el.value().attrs() {
            if attr.len() > 2
                && attr.as_bytes()[..2].eq_ignore_ascii_case(b"on")
                && self.handlers.insert(attr.to_ascii_lowercase())
            {
                self.finding(
                    Code::UnsafeContentRemoved,
                    format!("removed {attr:?} event-handler attributes"),
                );
            }
        }
        false
    }

    fn link(&mut self, el: ElementRef, out: &mut Vec<Inline>) {
        let v = el.value();
        if has_class(el, "confluence-userlink") || has_class(el, "user-mention") {
            // A mention: the person's name, without a link to the old wiki profile.
            out.extend(self.inlines(el));
            return;
        }
        if let Some(name) = v
            .attr("name")
            .or(v.attr("id"))
            .filter(|_| v.attr("href").is_none())
        {
            out.push(Inline::Anchor(name.to_string()));
        }
        let Some(href) = v.attr("href").map(str::trim).filter(|h| !h.is_empty()) else {
            out.extend(self.inlines(el));
            return;
        };
        if let Some(base) = v.attr("data-base-url") {
            self.base_urls
                .insert(base.trim_end_matches('/').to_string());
        }
        let mut target = classify_href(href);
        if let LinkTarget::Attachment(att) = &mut target {
            att.file_name = v
                .attr("data-linked-resource-default-alias")
                .map(str::to_string);
        }
        let mut content = self.inlines(el);
        if content.iter().all(Inline::is_blank)
            && !content.iter().any(|i| matches!(i, Inline::Image { .. }))
        {
            let text = v
                .attr("data-linked-resource-default-alias")
                .unwrap_or(href)
                .to_string();
            content = vec![Inline::Text(text)];
        }
        out.push(Inline::Link { target, content });
    }

    fn image(&mut self, el: ElementRef, out: &mut Vec<Inline>) {
        let v = el.value();
        if has_class(el, "emoticon") {
            let name = v
                .attr("data-emoticon-name")
                .map(str::to_string)
                .or_else(|| {
                    el.value()
                        .classes()
                        .find_map(|c| c.strip_prefix("emoticon-").map(str::to_string))
                });
            let text = crate::read::emoticons::text(
                v.attr("data-emoji-fallback"),
                name.as_deref(),
                v.attr("data-emoji-shortname").or(v.attr("alt")),
            );
            out.push(Inline::Text(text));
            return;
        }
        let src = v
            .attr("data-image-src")
            .or(v.attr("src"))
            .unwrap_or("")
            .trim();
        if src.starts_with("images/") || src.is_empty() {
            // Confluence's own icons (bullets, expand arrows, content-type icons).
            return;
        }
        if let Some(base) = v.attr("data-base-url") {
            self.base_urls
                .insert(base.trim_end_matches('/').to_string());
        }
        let alias = v
            .attr("data-linked-resource-default-alias")
            .map(str::to_string);
        let alt = alias
            .clone()
            .or_else(|| v.attr("alt").map(str::to_string))
            .filter(|a| !a.trim().is_empty());
        let width = v.attr("width").and_then(|w| w.trim().parse().ok());
        let target = if let Some(mut att) = attachment_ref(src) {
            att.file_name = alias;
            ImageTarget::Attachment(att)
        } else if src.contains(':') || src.starts_with("//") || src.starts_with('/') {
            ImageTarget::Url(src.to_string())
        } else {
            self.finding(
                Code::ImageMissing,
                format!("image {src:?} is not an attachment of the export"),
            );
            ImageTarget::Missing
        };
        out.push(Inline::Image { target, alt, width });
    }
}

/// Closes a run of inlines into a paragraph, if it shows anything.
pub fn flush(pending: &mut Vec<Inline>, out: &mut Vec<Block>) {
    if pending.is_empty() {
        return;
    }
    let inlines = normalize(std::mem::take(pending));
    if !inlines.is_empty() && !inlines.iter().all(Inline::is_blank)
        || inlines
            .iter()
            .any(|i| matches!(i, Inline::Image { .. } | Inline::Anchor(_)))
    {
        out.push(Block::Para(inlines));
    }
}

/// Collapses white space the way a browser shows it and trims the ends.
pub fn normalize(inlines: Vec<Inline>) -> Vec<Inline> {
    let mut out = collapse(inlines, &mut true);
    trim_end(&mut out);
    out
}

/// Collapses runs of white space in one text to a single space (a no-break space
/// is kept), none at all right after a space. Text that needs no change (most
/// of it) is passed through without a copy.
fn collapse_text(t: String, after_space: &mut bool) -> String {
    if t.is_ascii() {
        let ws = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r');
        let mut after = *after_space;
        let clean = t.bytes().all(|b| {
            let space = ws(b);
            let ok = !space || (b == b' ' && !after);
            after = space;
            ok
        });
        if clean {
            *after_space = after;
            return t;
        }
    }
    let mut s = String::with_capacity(t.len());
    for c in t.chars() {
        if c.is_whitespace() && c != '\u{a0}' {
            if !*after_space {
                s.push(' ');
                *after_space = true;
            }
        } else {
            s.push(c);
            *after_space = false;
        }
    }
    s
}

fn collapse(inlines: Vec<Inline>, after_space: &mut bool) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::with_capacity(inlines.len());
    for i in inlines {
        match i {
            Inline::Text(t) => {
                let s = collapse_text(t, after_space);
                if s.is_empty() {
                    continue;
                }
                if let Some(Inline::Text(prev)) = out.last_mut() {
                    prev.push_str(&s);
                } else {
                    out.push(Inline::Text(s));
                }
            }
            Inline::Styled(st, c) => {
                let c = collapse(c, after_space);
                if !c.is_empty() {
                    out.push(Inline::Styled(st, c));
                }
            }
            Inline::Link { target, content } => {
                let content = collapse(content, after_space);
                out.push(Inline::Link { target, content });
            }
            Inline::LineBreak => {
                if let Some(Inline::Text(prev)) = out.last_mut()
                    && prev.ends_with(' ')
                {
                    prev.pop();
                }
                out.push(Inline::LineBreak);
                *after_space = true;
            }
            other => {
                out.push(other);
                *after_space = false;
            }
        }
    }
    out
}

fn trim_end(inlines: &mut Vec<Inline>) {
    while let Some(last) = inlines.last_mut() {
        match last {
            Inline::Text(t) => {
                let trimmed = t.trim_end_matches(|c: char| c.is_whitespace() && c != '\u{a0}');
                if trimmed.is_empty() {
                    inlines.pop();
                    continue;
                }
                t.truncate(trimmed.len());
                return;
            }
            Inline::LineBreak => {
                inlines.pop();
            }
            Inline::Styled(_, c) => {
                trim_end(c);
                if c.is_empty() {
                    inlines.pop();
                    continue;
                }
                return;
            }
            _ => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::collapse_text;

    fn run(t: &str, after: bool) -> (String, bool) {
        let mut a = after;
        (collapse_text(t.to_string(), &mut a), a)
    }

    #[test]
    fn text_needing_no_change_passes_through() {
        assert_eq!(run("one two", false), ("one two".into(), false));
        assert_eq!(run("ends with ", false), ("ends with ".into(), true));
        assert_eq!(run("", true), ("".into(), true));
    }

    #[test]
    fn runs_of_white_space_become_one_space() {
        assert_eq!(run("a \t\n b", false), ("a b".into(), false));
        assert_eq!(run(" lead", true), ("lead".into(), false));
        assert_eq!(run("\r\nx", false), (" x".into(), false));
        assert_eq!(run("x\x0b\x0cy", false), ("x y".into(), false));
        // Non-ASCII: a no-break space is kept, an em space collapses.
        assert_eq!(run("a\u{a0} \u{2003}b", false), ("a\u{a0} b".into(), false));
    }
}
