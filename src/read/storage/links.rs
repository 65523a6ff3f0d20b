//! `ac:link`, `ac:image` and the `ri:` resource identifiers → typed link and image
//! targets. Pages are named by title (+ space key) and attachments by file name,
//! as storage format does; `@self`, `@parent` and `@home` are resolved here.

use super::dom::Element;
use super::{Conv, anchor_id};
use crate::model::{AttachmentRef, Code, ImageTarget, Inline, LinkTarget, PageRef};

impl Conv<'_> {
    /// The first `ri:` child of an element.
    pub fn resource<'e>(&self, el: &'e Element) -> Option<&'e Element> {
        el.elements().find(|e| e.name.starts_with("ri:"))
    }

    /// A page named by `ri:page` / `ri:blog-post` (or `ri:content-entity`).
    pub fn page_ref(&self, ri: &Element) -> Option<PageRef> {
        if ri.name == "ri:content-entity" {
            return ri
                .attr("ri:content-id")
                .map(|id| PageRef::Id(id.to_string()));
        }
        let title = ri.attr("ri:content-title")?.trim();
        let site = self.ctx.site;
        match title {
            "@self" => Some(PageRef::Id(self.ctx.page_id.to_string())),
            "@parent" => site.parent_of(self.ctx.page_id).map(PageRef::Id),
            "@home" => site.home().map(PageRef::Id),
            "" | "@none" => None,
            t => Some(PageRef::Title {
                space: ri.attr("ri:space-key").map(str::to_string),
                title: t.to_string(),
            }),
        }
    }

    /// The page id a page reference points at, when the reader knows it.
    pub fn page_id_of(&self, r: &PageRef) -> Option<String> {
        match r {
            PageRef::Id(id) => Some(id.clone()),
            PageRef::Title { space, title } => self.ctx.site.find_title(space.as_deref(), title),
            PageRef::File(_) => None,
        }
    }

    fn page_title_of(&self, r: &PageRef) -> String {
        match r {
            PageRef::Title { title, .. } => title.clone(),
            PageRef::Id(id) => self.ctx.site.title_of(id).unwrap_or_default(),
            PageRef::File(f) => f.clone(),
        }
    }

    /// An attachment named by `ri:attachment` (optionally on another page).
    pub fn attachment_ref(&self, ri: &Element) -> AttachmentRef {
        let page = ri
            .elements()
            .find(|e| {
                e.name == "ri:page" || e.name == "ri:blog-post" || e.name == "ri:content-entity"
            })
            .and_then(|p| self.page_ref(p));
        let page = match page {
            Some(PageRef::Id(id)) if id == self.ctx.page_id => None,
            other => other,
        };
        AttachmentRef {
            page,
            attachment_id: None,
            file_name: ri.attr("ri:filename").map(str::to_string),
            entry: None,
        }
    }

    /// A mentioned person's display name.
    pub fn user_name(&self, ri: &Element) -> String {
        let key = ri
            .attr("ri:userkey")
            .or(ri.attr("ri:account-id"))
            .or(ri.attr("ri:username"))
            .unwrap_or("");
        self.ctx
            .site
            .user(key)
            .or_else(|| ri.attr("ri:username").map(str::to_string))
            .unwrap_or_else(|| "Unknown user".to_string())
    }

    /// A link target for a resource identifier with an optional anchor, and the
    /// text to show when the link has no body.
    pub fn resource_target(
        &mut self,
        ri: &Element,
        anchor: Option<&str>,
    ) -> Option<(LinkTarget, String)> {
        match ri.name.as_ref() {
            "ri:page" | "ri:blog-post" | "ri:content-entity" => {
                let page = self.page_ref(ri)?;
                let title = self.page_title_of(&page);
                let anchor = anchor.map(|a| anchor_id(&title, a));
                Some((LinkTarget::Page { page, anchor }, title))
            }
            "ri:attachment" => {
                let att = self.attachment_ref(ri);
                let text = att.file_name.clone().unwrap_or_default();
                Some((LinkTarget::Attachment(att), text))
            }
            "ri:url" => {
                let url = ri.attr("ri:value")?.trim().to_string();
                Some((LinkTarget::External(url.clone()), url))
            }
            "ri:space" => {
                let key = ri.attr("ri:space-key")?;
                if key.eq_ignore_ascii_case(self.ctx.space) {
                    let home = self.ctx.site.home()?;
                    let title = self.ctx.site.title_of(&home).unwrap_or_default();
                    Some((
                        LinkTarget::Page {
                            page: PageRef::Id(home),
                            anchor: None,
                        },
                        title,
                    ))
                } else {
                    self.finding(
                        Code::LinkUnresolved,
                        format!("link to space {key:?}, which is not in the export; text kept"),
                    );
                    None
                }
            }
            _ => None,
        }
    }

    pub fn ac_link(&mut self, el: &Element, out: &mut Vec<Inline>) {
        let body = match (
            el.child("ac:link-body"),
            el.child("ac:plain-text-link-body"),
        ) {
            (Some(b), _) => self.inlines(&b.children),
            (None, Some(p)) => vec![Inline::Text(p.text())],
            _ => Vec::new(),
        };
        let anchor = el.attr("ac:anchor").filter(|a| !a.is_empty());
        let ri = self.resource(el);
        if let Some(u) = ri.filter(|r| r.name == "ri:user") {
            let name = self.user_name(u);
            if body.iter().all(Inline::is_blank) {
                out.push(Inline::Text(name));
            } else {
                out.extend(body);
            }
            return;
        }
        let resolved = match ri {
            Some(r) => self.resource_target(r, anchor),
            None => anchor.map(|a| {
                (
                    LinkTarget::Anchor(anchor_id(self.ctx.title, a)),
                    a.to_string(),
                )
            }),
        };
        match resolved {
            Some((target, text)) => {
                let content = if body.iter().all(Inline::is_blank) {
                    vec![Inline::Text(text)]
                } else {
                    body
                };
                out.push(Inline::Link { target, content });
            }
            None => out.extend(body),
        }
    }

    pub fn ac_image(&mut self, el: &Element, out: &mut Vec<Inline>) {
        let Some(ri) = self.resource(el) else { return };
        let width = el.attr("ac:width").and_then(|w| w.trim().parse().ok());
        let alt = el
            .attr("ac:alt")
            .or(el.attr("ac:title"))
            .map(str::to_string);
        let (target, alt) = match ri.name.as_ref() {
            "ri:attachment" => {
                let att = self.attachment_ref(ri);
                let alt = alt.or(att.file_name.clone());
                (ImageTarget::Attachment(att), alt)
            }
            "ri:url" => match ri.attr("ri:value") {
                Some(v) => (ImageTarget::Url(v.trim().to_string()), alt),
                None => return,
            },
            _ => return,
        };
        out.push(Inline::Image { target, alt, width });
    }
}
