//! One page file of an HTML export: breadcrumbs, title, metadata, the body from
//! `#main-content` (page chrome left behind), the "Attachments:" list and comments.

use std::collections::BTreeSet;

use scraper::{ElementRef, Html, Selector};

use crate::model::{Block, Comment, Finding};

use super::body::BodyConverter;
use super::index::text_of;

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("valid selector")
}

/// An attachment as listed in the page's "Attachments:" section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub href: String,
    pub name: String,
    pub media_type: Option<String>,
}

/// What one page file holds.
#[derive(Debug)]
pub struct PageFile {
    /// `#title-text`, still prefixed with "Space name : ".
    pub title_text: Option<String>,
    /// Ancestors (href, title), root first, without the space link.
    pub breadcrumbs: Vec<(String, String)>,
    pub author: Option<String>,
    pub editor: Option<String>,
    pub created: Option<String>,
    pub modified: Option<String>,
    /// `None` when the page has no `#main-content` (a Cloud folder), or once parked.
    pub body: Option<Vec<Block>>,
    /// Set when the body was parked on disk.
    pub parked: Option<crate::model::Parked>,
    pub has_body: bool,
    pub has_content: bool,
    pub listed: Vec<Listed>,
    pub comments: Vec<Comment>,
    pub labels: Vec<String>,
    pub base_urls: BTreeSet<String>,
    pub findings: Vec<Finding>,
}

/// Parses one page file.
pub fn parse(html: &str, space: &str, page_id: &str) -> PageFile {
    let doc = Html::parse_document(html);
    let title_text = doc.select(&sel("#title-text")).next().map(text_of);
    let breadcrumbs = doc
        .select(&sel("#breadcrumbs a"))
        .filter_map(|a| {
            let href = a.value().attr("href")?;
            (href != "index.html").then(|| (href.to_string(), text_of(a)))
        })
        .collect();
    let mut page = PageFile {
        title_text,
        breadcrumbs,
        author: None,
        editor: None,
        created: None,
        modified: None,
        body: None,
        parked: None,
        has_body: false,
        has_content: false,
        listed: Vec::new(),
        comments: Vec::new(),
        labels: Vec::new(),
        base_urls: BTreeSet::new(),
        findings: Vec::new(),
    };
    if let Some(meta) = doc.select(&sel(".page-metadata")).next() {
        metadata(meta, &mut page);
    }
    let mut conv = BodyConverter::new(space, page_id);
    if let Some(main) = doc.select(&sel("#main-content")).next() {
        page.body = Some(conv.blocks(main));
    }
    for section in doc.select(&sel("div.pageSection")) {
        let title = section
            .select(&sel(".pageSectionTitle"))
            .next()
            .map(text_of)
            .unwrap_or_default();
        if title.starts_with("Attachments") {
            page.listed = attachments(section);
        } else if title.starts_with("Comments") {
            page.comments = comments(section, &mut conv);
        }
    }
    page.findings = conv.findings;
    page.base_urls = conv.base_urls;
    page
}

/// "Created by A, last modified by B on D" and its variants.
fn metadata(meta: ElementRef, page: &mut PageFile) {
    page.author = meta.select(&sel(".author")).next().map(text_of);
    page.editor = meta.select(&sel(".editor")).next().map(text_of);
    let text = text_of(meta);
    let date = text
        .rsplit_once(" on ")
        .map(|(_, d)| d.trim().to_string())
        .filter(|d| !d.is_empty());
    if text.contains("last modified") {
        page.modified = date;
    } else {
        page.created = date;
    }
}

/// The greybox list: `<a href="attachments/p/a.png">name.png</a> (image/png)`.
fn attachments(section: ElementRef) -> Vec<Listed> {
    let mut out = Vec::new();
    let Some(box_) = section.select(&sel(".greybox")).next() else {
        return out;
    };
    let mut current: Option<Listed> = None;
    for node in box_.children() {
        if let Some(el) = ElementRef::wrap(node) {
            if el.value().name() == "a"
                && let Some(href) = el.value().attr("href")
            {
                if let Some(done) = current.take() {
                    out.push(done);
                }
                current = Some(Listed {
                    href: href.to_string(),
                    name: el.text().collect::<String>().trim().to_string(),
                    media_type: None,
                });
            }
        } else if let Some(text) = node.value().as_text()
            && let Some(c) = current.as_mut()
            && c.media_type.is_none()
        {
            let t = text.trim();
            if let Some(mt) = t.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
                c.media_type = Some(mt.trim().to_string());
            }
        }
    }
    out.extend(current);
    out
}

/// Comments as rendered by Server/DC: one table row per comment, with a
/// "Posted by <user> at <date>" line.
fn comments(section: ElementRef, conv: &mut BodyConverter) -> Vec<Comment> {
    let mut out = Vec::new();
    for tr in section.select(&sel("tr")) {
        let Some(td) = tr
            .select(&sel("td"))
            .max_by_key(|td| td.text().map(str::len).sum::<usize>())
        else {
            continue;
        };
        let mut author = None;
        let mut date = None;
        let mut skip = Vec::new();
        for el in td.descendent_elements() {
            let t = text_of(el);
            if let Some(rest) = t.strip_prefix("Posted by ")
                && el.children().all(|c| {
                    !c.value().is_element()
                        || c.value()
                            .as_element()
                            .is_some_and(|e| e.name() != "div" && e.name() != "p")
                })
            {
                let (who, when) = rest.rsplit_once(" at ").unwrap_or((rest, ""));
                author = Some(who.trim().to_string());
                date = (!when.trim().is_empty()).then(|| when.trim().to_string());
                skip.push(el.id());
            }
        }
        let nodes = td.children().filter(|n| !skip.contains(&n.id()));
        let body = conv.blocks_of(nodes);
        if body.is_empty() && author.is_none() {
            continue;
        }
        out.push(Comment { author, date, body });
    }
    out
}
