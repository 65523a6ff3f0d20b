//! Body → HTML. Only elements this file writes can appear in a bundle document.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

use super::escape::{escape_attr, escape_text};
use crate::bundle::keys;
use crate::classify::PageTarget;
use crate::model::{Block, ImageTarget, Inline, LinkTarget, PanelKind, Style, Table};

/// What rendering needs to know about the rest of the bundle.
pub struct RenderContext<'a> {
    /// (space, page id) → what a link to that page becomes.
    pub targets: &'a HashMap<(String, String), PageTarget>,
    /// (space, page id, attachment id) → (blake3, attachment key).
    pub blobs: &'a HashMap<(String, String, String), (String, String)>,
}

/// A rendered document and the references it holds.
#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub images: BTreeSet<String>,
    pub links: BTreeSet<String>,
    pub attachments: BTreeSet<String>,
}

/// Renders a whole document: a small HTML5 page whose `<body>` is what upload sends.
pub fn render_document(title: &str, blocks: &[Block], ctx: &RenderContext) -> Rendered {
    let mut r = Renderer {
        ctx,
        out: Rendered::default(),
    };
    let mut html = String::with_capacity(4096);
    html.push_str("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>");
    escape_text(title, &mut html);
    html.push_str("</title>\n</head>\n<body>\n");
    r.out.html = html;
    r.blocks(blocks);
    r.out.html.push_str("</body>\n</html>\n");
    r.out
}

struct Renderer<'a, 'b> {
    ctx: &'b RenderContext<'a>,
    out: Rendered,
}

fn panel_style(kind: PanelKind) -> (&'static str, &'static str, Option<&'static str>) {
    match kind {
        PanelKind::Info => ("#0052cc", "#deebff", Some("Info")),
        PanelKind::Note => ("#6554c0", "#eae6ff", Some("Note")),
        PanelKind::Warning => ("#de350b", "#ffebe6", Some("Warning")),
        PanelKind::Tip => ("#00875a", "#e3fcef", Some("Tip")),
        PanelKind::Panel => ("#a5adba", "#f4f5f7", None),
    }
}

impl Renderer<'_, '_> {
    fn push(&mut self, s: &str) {
        self.out.html.push_str(s);
    }

    fn text(&mut self, s: &str) {
        escape_text(s, &mut self.out.html);
    }

    fn attr(&mut self, name: &str, value: &str) {
        self.out.html.push(' ');
        self.out.html.push_str(name);
        self.out.html.push_str("=\"");
        escape_attr(value, &mut self.out.html);
        self.out.html.push('"');
    }

    fn blocks(&mut self, blocks: &[Block]) {
        for b in blocks {
            self.block(b);
        }
    }

    fn block(&mut self, b: &Block) {
        match b {
            Block::Para(i) => {
                self.push("<p>");
                self.inlines(i);
                self.push("</p>\n");
            }
            Block::Heading {
                level,
                anchor,
                content,
            } => {
                let level = (*level).clamp(1, 6);
                let _ = write!(self.out.html, "<h{level}");
                if let Some(a) = anchor {
                    self.attr("id", a);
                }
                self.push(">");
                self.inlines(content);
                let _ = writeln!(self.out.html, "</h{level}>");
            }
            Block::List {
                ordered,
                start,
                items,
            } => {
                let tag = if *ordered { "ol" } else { "ul" };
                if *ordered && *start != 1 {
                    let _ = writeln!(self.out.html, "<ol start=\"{start}\">");
                } else {
                    let _ = writeln!(self.out.html, "<{tag}>");
                }
                for item in items {
                    self.push("<li>");
                    self.item(item);
                    self.push("</li>\n");
                }
                let _ = writeln!(self.out.html, "</{tag}>");
            }
            Block::TaskList(tasks) => {
                self.push("<ul style=\"list-style:none;padding-left:1em\">\n");
                for t in tasks {
                    self.push(if t.done {
                        "<li>\u{2611} "
                    } else {
                        "<li>\u{2610} "
                    });
                    self.item(&t.body);
                    self.push("</li>\n");
                }
                self.push("</ul>\n");
            }
            Block::Table(t) => self.table(t),
            Block::Code {
                language,
                title,
                text,
            } => {
                if let Some(t) = title {
                    self.push("<p><strong>");
                    self.text(t);
                    self.push("</strong></p>\n");
                }
                self.push("<pre><code");
                if let Some(l) = language {
                    self.attr("class", &format!("language-{l}"));
                }
                self.push(">");
                self.text(text);
                self.push("</code></pre>\n");
            }
            Block::Panel { kind, title, body } => {
                let (border, bg, label) = panel_style(*kind);
                let _ = writeln!(
                    self.out.html,
                    "<div style=\"border-left:4px solid {border};background:{bg};padding:4px 12px;margin:8px 0\">"
                );
                match title {
                    Some(t) => {
                        self.push("<p><strong>");
                        self.inlines(t);
                        self.push("</strong></p>\n");
                    }
                    None => {
                        if let Some(l) = label {
                            let _ = writeln!(self.out.html, "<p><strong>{l}</strong></p>");
                        }
                    }
                }
                self.blocks(body);
                self.push("</div>\n");
            }
            Block::Expand { title, body } => {
                self.push("<div style=\"border:1px solid #dfe1e6;padding:4px 12px;margin:8px 0\">\n<p><strong>");
                if title.is_empty() {
                    self.text("Details");
                } else {
                    self.inlines(title);
                }
                self.push("</strong></p>\n");
                self.blocks(body);
                self.push("</div>\n");
            }
            Block::Quote(b) => {
                self.push("<blockquote>\n");
                self.blocks(b);
                self.push("</blockquote>\n");
            }
            Block::Rule => self.push("<hr>\n"),
            Block::Group(b) => self.blocks(b),
        }
    }

    /// A list item or cell: a single paragraph is written without `<p>`.
    fn item(&mut self, blocks: &[Block]) {
        if let [Block::Para(i)] = blocks {
            self.inlines(i);
        } else {
            self.push("\n");
            self.blocks(blocks);
        }
    }

    fn table(&mut self, t: &Table) {
        self.push("<table>\n<tbody>\n");
        for row in &t.rows {
            self.push("<tr>");
            for cell in &row.cells {
                let tag = if cell.header { "th" } else { "td" };
                let _ = write!(self.out.html, "<{tag}");
                if cell.colspan > 1 {
                    let _ = write!(self.out.html, " colspan=\"{}\"", cell.colspan);
                }
                if cell.rowspan > 1 {
                    let _ = write!(self.out.html, " rowspan=\"{}\"", cell.rowspan);
                }
                self.push(">");
                self.item(&cell.blocks);
                let _ = write!(self.out.html, "</{tag}>");
            }
            self.push("</tr>\n");
        }
        self.push("</tbody>\n</table>\n");
    }

    fn inlines(&mut self, inlines: &[Inline]) {
        for i in inlines {
            self.inline(i);
        }
    }

    fn inline(&mut self, i: &Inline) {
        match i {
            Inline::Text(t) => self.text(t),
            Inline::Styled(style, content) => {
                let tag = match style {
                    Style::Strong => "strong",
                    Style::Emphasis => "em",
                    Style::Underline => "u",
                    Style::Strike => "s",
                    Style::Subscript => "sub",
                    Style::Superscript => "sup",
                    Style::Code => "code",
                };
                let _ = write!(self.out.html, "<{tag}>");
                self.inlines(content);
                let _ = write!(self.out.html, "</{tag}>");
            }
            Inline::Link { target, content } => self.link(target, content),
            Inline::Image { target, alt, width } => self.image(target, alt.as_deref(), *width),
            Inline::LineBreak => self.push("<br>"),
            Inline::Anchor(a) => {
                self.push("<a");
                self.attr("id", a);
                self.push("></a>");
            }
            Inline::Status { text, colour } => {
                let c = match colour.as_deref() {
                    Some("Green") => "#006644",
                    Some("Red") => "#bf2600",
                    Some("Yellow") => "#974f0c",
                    Some("Blue") => "#0747a6",
                    Some("Purple") => "#403294",
                    _ => "#42526e",
                };
                let _ = write!(
                    self.out.html,
                    "<span style=\"border:1px solid {c};color:{c};border-radius:3px;padding:0 4px;font-size:smaller;font-weight:bold\">"
                );
                self.text(&text.to_uppercase());
                self.push("</span>");
            }
            Inline::RecordRef { key, text } => {
                self.push("<a");
                self.attr("data-cf2itglue-ref", key);
                self.push(">");
                self.text(text);
                self.push("</a>");
            }
        }
    }

    fn link(&mut self, target: &LinkTarget, content: &[Inline]) {
        match target {
            LinkTarget::Resolved {
                space,
                page_id,
                anchor,
            } => match self
                .ctx
                .targets
                .get(&(space.clone(), page_id.clone()))
                .cloned()
            {
                Some(PageTarget::Document { key, .. }) => {
                    let mut href = format!("../{}/{}.html", keys::part(space), keys::part(page_id));
                    if let Some(a) = anchor {
                        href.push('#');
                        href.push_str(a);
                    }
                    self.push("<a");
                    self.attr("href", &href);
                    self.attr("data-cf2itglue-doc", &key);
                    self.push(">");
                    self.inlines(content);
                    self.push("</a>");
                    self.out.links.insert(key);
                }
                Some(PageTarget::Record { key, .. }) => {
                    self.push("<a");
                    self.attr("data-cf2itglue-ref", &key);
                    self.push(">");
                    self.inlines(content);
                    self.push("</a>");
                }
                None => self.inlines(content),
            },
            LinkTarget::ResolvedAttachment {
                space,
                page_id,
                attachment_id,
            } => match self
                .ctx
                .blobs
                .get(&(space.clone(), page_id.clone(), attachment_id.clone()))
                .cloned()
            {
                Some((hash, key)) => {
                    self.push("<a");
                    self.attr("href", &format!("../../{}", keys::blob_path(&hash)));
                    self.attr("data-cf2itglue-att", &key);
                    self.push(">");
                    self.inlines(content);
                    self.push("</a>");
                    self.out.attachments.insert(key);
                }
                None => self.inlines(content),
            },
            LinkTarget::Anchor(a) => {
                self.push("<a");
                self.attr("href", &format!("#{a}"));
                self.push(">");
                self.inlines(content);
                self.push("</a>");
            }
            LinkTarget::External(url) if safe_url(url) => {
                self.push("<a");
                self.attr("href", url);
                self.push(">");
                self.inlines(content);
                self.push("</a>");
            }
            _ => self.inlines(content),
        }
    }

    fn image(&mut self, target: &ImageTarget, alt: Option<&str>, width: Option<u32>) {
        match target {
            ImageTarget::Resolved {
                space,
                page_id,
                attachment_id,
            } => {
                let Some((hash, _)) = self
                    .ctx
                    .blobs
                    .get(&(space.clone(), page_id.clone(), attachment_id.clone()))
                    .cloned()
                else {
                    self.missing(alt);
                    return;
                };
                self.push("<img");
                self.attr("src", &format!("../../{}", keys::blob_path(&hash)));
                self.attr("data-cf2itglue-blob", &hash);
                self.attr("alt", alt.unwrap_or(""));
                if let Some(w) = width {
                    let _ = write!(self.out.html, " width=\"{w}\"");
                }
                self.push(">");
                self.out.images.insert(hash);
            }
            ImageTarget::Url(url)
                if super::allow::image_url(url) == super::allow::UrlVerdict::Allowed =>
            {
                self.push("<img");
                self.attr("src", url);
                self.attr("alt", alt.unwrap_or(""));
                if let Some(w) = width {
                    let _ = write!(self.out.html, " width=\"{w}\"");
                }
                self.push(">");
            }
            _ => self.missing(alt),
        }
    }

    fn missing(&mut self, alt: Option<&str>) {
        self.push("<em>[missing image");
        if let Some(a) = alt.filter(|a| !a.is_empty()) {
            self.push(": ");
            self.text(a);
        }
        self.push("]</em>");
    }
}

/// URL schemes a document may link to (the allow-list in `allow.rs`); an
/// absolute URL is required, so a relative target never reaches a document here.
fn safe_url(url: &str) -> bool {
    super::allow::link_url(url) == super::allow::UrlVerdict::Allowed
}
