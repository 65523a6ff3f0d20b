//! excerpt, excerpt-include and include: the referenced content is inlined when
//! the page is in the export (cycles are cut); otherwise a link to it is kept
//! with a finding.

use super::{Macro, Out};
use crate::model::{Block, Code, Inline, LinkTarget, PageRef};
use crate::read::storage::Conv;
use crate::read::storage::dom::{self, Element};

/// The page an include macro names: an `ac:link` in its default parameter (or
/// `page`), or a plain title.
fn target(conv: &Conv, m: &Macro) -> Option<(Option<String>, PageRef)> {
    let el = m.param_el("").or_else(|| m.param_el("page"))?;
    let ri = el
        .elements()
        .flat_map(|l| std::iter::once(l).chain(l.elements()))
        .find(|e| e.name == "ri:page" || e.name == "ri:blog-post" || e.name == "ri:content-entity");
    let r = match ri {
        Some(ri) => conv.page_ref(ri)?,
        None => {
            let text = el.text();
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            // Old form: "SPACE:Title".
            match text.split_once(':') {
                Some((s, t)) if !s.is_empty() && !s.contains(' ') => PageRef::Title {
                    space: Some(s.to_string()),
                    title: t.to_string(),
                },
                _ => PageRef::Title {
                    space: None,
                    title: text.to_string(),
                },
            }
        }
    };
    Some((conv.page_id_of(&r), r))
}

fn link_to(r: PageRef, text: String) -> Vec<Block> {
    vec![Block::Para(vec![Inline::Link {
        target: LinkTarget::Page {
            page: r,
            anchor: None,
        },
        content: vec![Inline::Text(text)],
    }])]
}

fn title_of(conv: &Conv, id: Option<&str>, r: &PageRef) -> String {
    match r {
        PageRef::Title { title, .. } => title.clone(),
        _ => id
            .and_then(|i| conv.ctx.site.title_of(i))
            .unwrap_or_default(),
    }
}

/// Converts another page's storage (or a part of it) within this page.
fn inline_page(
    conv: &mut Conv,
    id: &str,
    pick: impl Fn(&Element) -> Option<Element>,
) -> Option<Vec<Block>> {
    if conv.including.iter().any(|i| i == id) || conv.including.len() > 8 {
        conv.finding(
            Code::MacroUnsupported,
            "include macro: the pages include each other; the cycle is cut here",
        );
        return Some(Vec::new());
    }
    let storage = conv.ctx.site.storage_of(id)?;
    let (root, _) = dom::parse(&storage);
    let part = pick(&root)?;
    conv.including.push(id.to_string());
    let blocks = conv.blocks(&part.children);
    conv.including.pop();
    Some(blocks)
}

pub fn excerpt(conv: &mut Conv, m: &Macro) -> Out {
    if m.flag("hidden") {
        conv.converted("excerpt", "a hidden excerpt is not shown on its own page");
        return Out::Blocks(Vec::new());
    }
    let body = m
        .rich_body()
        .map(|b| conv.blocks(&b.children))
        .unwrap_or_default();
    Out::Blocks(body)
}

/// The first excerpt macro of a tree (with the given name, when set).
fn find_excerpt(el: &Element, name: Option<&str>) -> Option<Element> {
    for c in el.elements() {
        if (c.name == "ac:structured-macro" || c.name == "ac:macro")
            && c.attr("ac:name") == Some("excerpt")
        {
            let m = Macro::new(c);
            if name.is_none() || m.param("name").as_deref() == name {
                return m.rich_body().cloned();
            }
        }
        if let Some(found) = find_excerpt(c, name) {
            return Some(found);
        }
    }
    None
}

pub fn excerpt_include(conv: &mut Conv, m: &Macro) -> Out {
    let Some((id, r)) = target(conv, m) else {
        conv.unsupported("excerpt-include", "it names no page; nothing is kept");
        return Out::Blocks(Vec::new());
    };
    let title = title_of(conv, id.as_deref(), &r);
    let name = m.param("name");
    if let Some(id) = &id
        && let Some(blocks) = inline_page(conv, id, |root| find_excerpt(root, name.as_deref()))
    {
        conv.converted(
            "excerpt-include",
            "the excerpt of the named page is copied in",
        );
        return Out::Blocks(blocks);
    }
    conv.unsupported(
        "excerpt-include",
        &format!("the excerpt of page {title:?} is not in the export; a link to the page is kept"),
    );
    Out::Blocks(link_to(r, title))
}

pub fn include(conv: &mut Conv, m: &Macro) -> Out {
    let Some((id, r)) = target(conv, m) else {
        conv.unsupported("include", "it names no page; nothing is kept");
        return Out::Blocks(Vec::new());
    };
    let title = title_of(conv, id.as_deref(), &r);
    if let Some(id) = &id
        && let Some(blocks) = inline_page(conv, id, |root| Some(root.clone()))
    {
        conv.converted("include", "the named page's content is copied in");
        return Out::Blocks(blocks);
    }
    conv.unsupported(
        "include",
        &format!("page {title:?} is not in the export; a link to it is kept"),
    );
    Out::Blocks(link_to(r, title))
}
