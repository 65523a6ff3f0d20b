//! Plain XHTML and the structural `ac:` elements of storage format (layouts, task
//! lists, emoticons, placeholders, inline-comment markers, time) → blocks and
//! inlines. Links and images are in `links.rs`, macros in `macros/`.

use super::dom::{Element, Node};
use super::macros::{self, Out};
use super::{Conv, anchor_id};
use crate::model::{Block, Cell, Code, Inline, LinkTarget, Row, Style, Table, Task};
use crate::read::html::body::{BLOCKS, flush, normalize};

/// Storage-format elements that start a block, besides the HTML ones
/// (`html::body::BLOCKS`).
const AC_BLOCKS: &[&str] = &[
    "ac:layout",
    "ac:layout-section",
    "ac:layout-cell",
    "ac:task-list",
    "ac:rich-text-body",
    "ac:adf-extension",
    // Confluence's own markers (inline comments).
    "ac:inline-comment-marker",
];

fn starts_block(name: &str) -> bool {
    BLOCKS.contains(&name) || AC_BLOCKS.contains(&name)
}
/// Elements removed with a finding.
const UNSAFE: &[&str] = &[
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input",
    "button", "select", "textarea", "base", "link", "meta",
];
/// Elements dropped silently: presentation, template hints, resource identifiers
/// met outside a link, parameters met outside a macro.
const SILENT: &[&str] = &[
    "noscript",
    "template",
    "colgroup",
    "col",
    "head",
    "title",
    "ac:placeholder",
    "ac:parameter",
    "ac:default-parameter",
    "ac:caption",
    "ac:task-id",
    "ac:task-uuid",
];

pub fn is_macro(name: &str) -> bool {
    name == "ac:structured-macro" || name == "ac:macro"
}

fn heading_level(name: &str) -> Option<u8> {
    match name {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

/// Every heading of a fragment, in order: (level, anchor, text).
pub fn collect_headings(root: &Element, page_title: &str) -> Vec<(u8, String, String)> {
    let mut out = Vec::new();
    fn walk(el: &Element, title: &str, out: &mut Vec<(u8, String, String)>) {
        for c in el.elements() {
            if let Some(level) = heading_level(&c.name) {
                let text = c.text().trim().to_string();
                if !text.is_empty() {
                    out.push((level, anchor_id(title, &text), text));
                }
            } else if c.name != "ac:plain-text-body" {
                walk(c, title, out);
            }
        }
    }
    walk(root, page_title, &mut out);
    out
}

/// Unicode for a Confluence emoticon name.
fn emoticon(name: &str) -> &'static str {
    match name {
        "smile" => "🙂",
        "sad" => "🙁",
        "cheeky" => "😛",
        "laugh" => "😀",
        "wink" => "😉",
        "thumbs-up" => "👍",
        "thumbs-down" => "👎",
        "information" => "ℹ️",
        "tick" => "✅",
        "cross" => "❌",
        "warning" => "⚠️",
        "plus" => "➕",
        "minus" => "➖",
        "question" => "❓",
        "light-on" => "💡",
        "light-off" => "💡",
        "yellow-star" | "blue-star" | "green-star" | "red-star" => "⭐",
        "heart" => "❤️",
        "broken-heart" => "💔",
        _ => "",
    }
}

impl Conv<'_> {
    /// Blocks of a run of nodes; inline runs become paragraphs.
    pub fn blocks(&mut self, nodes: &[Node]) -> Vec<Block> {
        let mut out = Vec::new();
        let mut pending = Vec::new();
        for node in nodes {
            match node {
                Node::Text(t) => pending.push(Inline::Text(t.clone())),
                Node::Element(el) if is_macro(&el.name) => match macros::dispatch(self, el) {
                    Out::Blocks(b) => {
                        flush(&mut pending, &mut out);
                        out.extend(b);
                    }
                    Out::Inlines(i) => pending.extend(i),
                },
                Node::Element(el) if starts_block(&el.name) => {
                    flush(&mut pending, &mut out);
                    self.block(el, &mut out);
                }
                Node::Element(el) => self.inline(el, &mut pending),
            }
        }
        flush(&mut pending, &mut out);
        out
    }

    /// Reports event-handler attributes (`on*`), which are never copied (the
    /// renderer writes only its own attributes), once per name and page.
    fn event_handlers(&mut self, el: &Element) {
        for (attr, _) in &el.attrs {
            if attr.len() > 2
                && attr.as_bytes()[..2].eq_ignore_ascii_case(b"on")
                && self
                    .reported
                    .insert(format!("on:{}", attr.to_ascii_lowercase()))
            {
                self.finding(
                    Code::UnsafeContentRemoved,
                    format!("removed {attr:?} event-handler attributes"),
                );
            }
        }
    }

    fn block(&mut self, el: &Element, out: &mut Vec<Block>) {
        let name = el.name.as_ref();
        self.event_handlers(el);
        if let Some(level) = heading_level(name) {
            let text = el.text().trim().to_string();
            let anchor = (!text.is_empty()).then(|| anchor_id(self.ctx.title, &text));
            let content = normalize(self.inlines(&el.children));
            out.push(Block::Heading {
                level,
                anchor,
                content,
            });
            return;
        }
        match name {
            "ul" | "ol" | "dl" => out.push(self.list(el, name == "ol")),
            "table" => out.push(Block::Table(self.table(el))),
            "pre" => out.push(Block::Code {
                language: None,
                title: None,
                text: el.text(),
            }),
            "blockquote" => out.push(Block::Quote(self.blocks(&el.children))),
            "hr" => out.push(Block::Rule),
            "ac:task-list" => out.push(self.tasks(el)),
            "ac:adf-extension" => {
                if let Some(fb) = el.child("ac:adf-fallback") {
                    out.extend(self.blocks(&fb.children));
                }
            }
            _ => out.extend(self.blocks(&el.children)),
        }
    }

    fn list(&mut self, el: &Element, ordered: bool) -> Block {
        let start = el
            .attr("start")
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(1);
        let mut items = Vec::new();
        for node in &el.children {
            match node {
                Node::Element(li) if li.name == "li" || li.name == "dd" || li.name == "dt" => {
                    items.push(self.blocks(&li.children))
                }
                Node::Element(other) => {
                    let b = self.blocks(std::slice::from_ref(&Node::Element(other.clone())));
                    if !b.is_empty() {
                        items.push(b)
                    }
                }
                Node::Text(t) if !t.trim().is_empty() => {
                    items.push(vec![Block::Para(vec![Inline::Text(t.trim().to_string())])])
                }
                Node::Text(_) => {}
            }
        }
        Block::List {
            ordered,
            start,
            items,
        }
    }

    fn tasks(&mut self, el: &Element) -> Block {
        let mut tasks = Vec::new();
        for t in el.elements().filter(|e| e.name == "ac:task") {
            let done = t
                .child("ac:task-status")
                .is_some_and(|s| s.text().trim() == "complete");
            let body = t
                .child("ac:task-body")
                .map(|b| self.blocks(&b.children))
                .unwrap_or_default();
            tasks.push(Task { done, body });
        }
        Block::TaskList(tasks)
    }

    fn table(&mut self, el: &Element) -> Table {
        let mut table = Table::default();
        let mut rows: Vec<&Element> = Vec::new();
        for c in el.elements() {
            match c.name.as_ref() {
                "tr" => rows.push(c),
                "thead" | "tbody" | "tfoot" => rows.extend(c.elements().filter(|r| r.name == "tr")),
                _ => {}
            }
        }
        for r in rows {
            let mut row = Row::default();
            for c in r.elements().filter(|c| c.name == "td" || c.name == "th") {
                let span = |a: &str| c.attr(a).and_then(|v| v.trim().parse().ok()).unwrap_or(1);
                row.cells.push(Cell {
                    header: c.name == "th",
                    colspan: span("colspan"),
                    rowspan: span("rowspan"),
                    blocks: self.blocks(&c.children),
                });
            }
            table.rows.push(row);
        }
        table
    }

    /// Inlines of a run of nodes (blocks inside keep their text flow).
    pub fn inlines(&mut self, nodes: &[Node]) -> Vec<Inline> {
        let mut out = Vec::new();
        for node in nodes {
            match node {
                Node::Text(t) => out.push(Inline::Text(t.clone())),
                Node::Element(el) => self.inline(el, &mut out),
            }
        }
        out
    }

    pub fn inline(&mut self, el: &Element, out: &mut Vec<Inline>) {
        let name = el.name.as_ref();
        if SILENT.contains(&name) {
            return;
        }
        self.event_handlers(el);
        if UNSAFE.contains(&name) {
            self.finding(
                Code::UnsafeContentRemoved,
                format!("removed a <{name}> element"),
            );
            return;
        }
        if is_macro(name) {
            match macros::dispatch(self, el) {
                Out::Inlines(i) => out.extend(i),
                Out::Blocks(b) => out.extend(flatten(b)),
            }
            return;
        }
        let style = match name {
            "strong" | "b" => Some(Style::Strong),
            "em" | "i" | "cite" | "dfn" | "var" => Some(Style::Emphasis),
            "u" | "ins" => Some(Style::Underline),
            "s" | "del" | "strike" => Some(Style::Strike),
            "sub" => Some(Style::Subscript),
            "sup" => Some(Style::Superscript),
            "code" | "tt" | "kbd" | "samp" => Some(Style::Code),
            _ => None,
        };
        if let Some(style) = style {
            let inner = self.inlines(&el.children);
            if !inner.is_empty() {
                out.push(Inline::Styled(style, inner));
            }
            return;
        }
        match name {
            "br" => out.push(Inline::LineBreak),
            "a" => self.html_link(el, out),
            "img" => {
                if let Some(src) = el.attr("src").filter(|s| !s.trim().is_empty()) {
                    out.push(Inline::Image {
                        target: crate::model::ImageTarget::Url(src.trim().to_string()),
                        alt: el.attr("alt").map(str::to_string),
                        width: el.attr("width").and_then(|w| w.parse().ok()),
                    });
                }
            }
            "time" => {
                let text = el.text();
                let text = if text.trim().is_empty() {
                    el.attr("datetime").unwrap_or("").to_string()
                } else {
                    text
                };
                out.push(Inline::Text(text));
            }
            "ac:link" => self.ac_link(el, out),
            "ac:image" => self.ac_image(el, out),
            "ac:emoticon" => {
                let text = el
                    .attr("ac:emoji-fallback")
                    .filter(|f| !f.starts_with(':'))
                    .map(str::to_string)
                    .or_else(|| {
                        let e = emoticon(el.attr("ac:name").unwrap_or(""));
                        (!e.is_empty()).then(|| e.to_string())
                    })
                    .or_else(|| el.attr("ac:emoji-shortname").map(str::to_string))
                    .unwrap_or_default();
                out.push(Inline::Text(text));
            }
            "ri:user" => out.push(Inline::Text(self.user_name(el))),
            n if n.starts_with("ri:") => {}
            "ac:plain-text-body" | "ac:plain-text-link-body" => out.push(Inline::Text(el.text())),
            _ => out.extend(self.inlines(&el.children)),
        }
    }

    fn html_link(&mut self, el: &Element, out: &mut Vec<Inline>) {
        let content = self.inlines(&el.children);
        let href = el.attr("href").unwrap_or("").trim();
        let lower = href.to_ascii_lowercase();
        if href.is_empty()
            || lower.starts_with("javascript:")
            || lower.starts_with("vbscript:")
            || lower.starts_with("data:")
        {
            if !href.is_empty() {
                self.finding(
                    Code::UnsafeContentRemoved,
                    "removed a link with a script URL",
                );
            }
            out.extend(content);
            return;
        }
        let target = match href.strip_prefix('#') {
            Some(a) => LinkTarget::Anchor(a.to_string()),
            None => LinkTarget::External(href.to_string()),
        };
        let content = if content.iter().all(Inline::is_blank) {
            vec![Inline::Text(href.to_string())]
        } else {
            content
        };
        out.push(Inline::Link { target, content });
    }
}

/// Block output met in inline context: keep its inlines, separated by spaces.
pub fn flatten(blocks: Vec<Block>) -> Vec<Inline> {
    let mut out = Vec::new();
    for b in blocks {
        if !out.is_empty() {
            out.push(Inline::Text(" ".into()));
        }
        match b {
            Block::Para(i) | Block::Heading { content: i, .. } => out.extend(i),
            Block::Group(bs) | Block::Quote(bs) => out.extend(flatten(bs)),
            Block::Code { text, .. } => {
                out.push(Inline::Styled(Style::Code, vec![Inline::Text(text)]))
            }
            Block::Panel { title, body, .. } => {
                out.extend(title.unwrap_or_default());
                out.extend(flatten(body));
            }
            Block::Expand { title, body } => {
                out.extend(title);
                out.extend(flatten(body));
            }
            Block::List { items, .. } => {
                for i in items {
                    out.extend(flatten(i));
                }
            }
            _ => {}
        }
    }
    out
}
