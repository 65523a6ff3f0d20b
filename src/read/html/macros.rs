//! Confluence macros as the HTML export renders them, recognised by their classes
//! and turned into clean model blocks: code, information panels, panels, expand,
//! table of contents, children lists, task lists, status lozenges, Jira issues.

use scraper::{ElementRef, Selector};

use crate::model::{AttachmentRef, Block, Code, Inline, LinkTarget, PageRef, PanelKind};

use super::body::{BodyConverter, has_class, normalize};
use super::index::text_of;

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("valid selector")
}

fn first<'a>(el: ElementRef<'a>, s: &str) -> Option<ElementRef<'a>> {
    el.select(&sel(s)).next()
}

/// `brush: powershell; gutter: false` → `powershell`.
fn brush(params: &str) -> Option<String> {
    params.split(';').find_map(|p| {
        let (k, v) = p.split_once(':')?;
        (k.trim() == "brush").then(|| v.trim().to_string())
    })
}

impl BodyConverter<'_> {
    fn converted(&mut self, family: &'static str, what: &str) {
        if self.macros.insert(family) {
            self.finding(
                Code::MacroConverted,
                format!("{family} macro converted: {what}"),
            );
        }
    }

    /// Block-level macros; true when `el` was one.
    pub(super) fn macro_block(&mut self, el: ElementRef, out: &mut Vec<Block>) -> bool {
        let name = el.value().name();
        if name == "ul" && has_class(el, "inline-task-list") {
            out.push(self.tasks(el));
            return true;
        }
        if (name == "ul" || name == "ol") && has_class(el, "childpages-macro") {
            self.converted("children", "a static list of links to the child documents");
            out.push(self.list(el, false));
            return true;
        }
        if name != "div" {
            return false;
        }
        if has_class(el, "confluence-information-macro") {
            let kind = el
                .value()
                .classes()
                .find_map(|c| match c {
                    "confluence-information-macro-information" => Some(PanelKind::Info),
                    "confluence-information-macro-note" => Some(PanelKind::Note),
                    "confluence-information-macro-warning" => Some(PanelKind::Warning),
                    "confluence-information-macro-tip" => Some(PanelKind::Tip),
                    _ => None,
                })
                .unwrap_or(PanelKind::Info);
            let title = first(el, ".title")
                .map(|t| normalize(self.inlines(t)))
                .filter(|t| !t.is_empty());
            let body = match first(el, ".confluence-information-macro-body") {
                Some(b) => self.blocks(b),
                None => self.blocks(el),
            };
            out.push(Block::Panel { kind, title, body });
            return true;
        }
        if has_class(el, "code") && has_class(el, "panel") {
            let title = first(el, ".codeHeader")
                .map(text_of)
                .filter(|t| !t.is_empty());
            let (language, text) = match first(el, "pre") {
                Some(pre) => (
                    pre.value()
                        .attr("data-syntaxhighlighter-params")
                        .and_then(brush),
                    pre.text().collect(),
                ),
                None => (None, el.text().collect()),
            };
            out.push(Block::Code {
                language,
                title,
                text,
            });
            return true;
        }
        if has_class(el, "preformatted") && has_class(el, "panel") {
            let title = first(el, ".preformattedHeader")
                .map(text_of)
                .filter(|t| !t.is_empty());
            let text = first(el, "pre")
                .map(|p| p.text().collect())
                .unwrap_or_default();
            out.push(Block::Code {
                language: None,
                title,
                text,
            });
            return true;
        }
        if has_class(el, "panel") {
            let title = first(el, ".panelHeader")
                .map(|t| normalize(self.inlines(t)))
                .filter(|t| !t.is_empty());
            let body = match first(el, ".panelContent") {
                Some(b) => self.blocks(b),
                None => self.blocks(el),
            };
            out.push(Block::Panel {
                kind: PanelKind::Panel,
                title,
                body,
            });
            return true;
        }
        if has_class(el, "expand-container") {
            self.converted("expand", "its content shown under its title, always open");
            let title = first(el, ".expand-control-text")
                .map(|t| normalize(self.inlines(t)))
                .unwrap_or_default();
            let body = match first(el, ".expand-content") {
                Some(b) => self.blocks(b),
                None => Vec::new(),
            };
            out.push(Block::Expand { title, body });
            return true;
        }
        if el
            .value()
            .classes()
            .any(|c| c == "toc-macro" || c.starts_with("rbtoc"))
        {
            self.converted("toc", "a static list of links to the headings");
            out.extend(self.blocks(el));
            return true;
        }
        if has_class(el, "plugin_attachments_container") {
            self.converted("attachments", "a static list of links to the page's files");
            let mut items = Vec::new();
            for row in el.select(&sel("tr.attachment-row")) {
                let Some(id) = row.value().attr("data-attachment-id") else {
                    continue;
                };
                let name = row
                    .select(&sel("[data-attachment-filename]"))
                    .next()
                    .and_then(|d| d.value().attr("data-attachment-filename"))
                    .map(str::to_string);
                let text = name.clone().unwrap_or_else(|| format!("attachment {id}"));
                items.push(vec![Block::Para(vec![Inline::Link {
                    target: LinkTarget::Attachment(AttachmentRef {
                        page: Some(PageRef::Id(self.page.to_string())),
                        attachment_id: Some(id.to_string()),
                        file_name: name,
                        entry: None,
                    }),
                    content: vec![Inline::Text(text)],
                }])]);
            }
            if !items.is_empty() {
                out.push(Block::List {
                    ordered: false,
                    start: 1,
                    items,
                });
            }
            return true;
        }
        if has_class(el, "plugin_pagetree") {
            self.converted("pagetree", "a static list of links to the pages");
            out.extend(self.blocks(el));
            return true;
        }
        false
    }

    /// Inline macros; true when `el` was one.
    pub(super) fn macro_inline(&mut self, el: ElementRef, out: &mut Vec<Inline>) -> bool {
        if el.value().name() != "span" {
            return false;
        }
        if has_class(el, "status-macro") {
            let colour = el.value().classes().find_map(|c| {
                Some(match c.strip_prefix("aui-lozenge-")? {
                    "success" => "Green",
                    "error" => "Red",
                    "current" => "Yellow",
                    "complete" | "progress" => "Blue",
                    "moved" => "Yellow",
                    _ => return None,
                })
            });
            out.push(Inline::Status {
                text: text_of(el),
                colour: colour.map(str::to_string),
            });
            return true;
        }
        if has_class(el, "confluence-jim-macro") {
            self.converted("jira", "issues became plain links to the Jira server");
            let key = el.value().attr("data-jira-key").map(str::to_string);
            let link = first(el, "a.jira-issue-key, a");
            let text = key
                .clone()
                .or_else(|| link.map(text_of))
                .unwrap_or_default();
            match link.and_then(|a| a.value().attr("href")) {
                Some(href) => out.push(Inline::Link {
                    target: LinkTarget::External(href.to_string()),
                    content: vec![Inline::Text(text)],
                }),
                None => out.push(Inline::Text(text)),
            }
            if let Some(summary) = first(el, ".summary").map(text_of).filter(|s| !s.is_empty()) {
                out.push(Inline::Text(format!(" — {summary}")));
            }
            if let Some(status) = el
                .select(&sel(".aui-lozenge"))
                .find(|s| !has_class(*s, "issue-placeholder"))
                .map(text_of)
                .filter(|s| !s.is_empty())
            {
                out.push(Inline::Text(" ".into()));
                out.push(Inline::Status {
                    text: status,
                    colour: None,
                });
            }
            return true;
        }
        if has_class(el, "confluence-anchor-link") {
            if let Some(id) = el.value().attr("id") {
                out.push(Inline::Anchor(id.to_string()));
            }
            return true;
        }
        if has_class(el, "aui-icon") || has_class(el, "issue-placeholder") {
            return true;
        }
        false
    }
}
