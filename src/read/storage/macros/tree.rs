//! toc, children and pagetree: static lists built when the page tree is known
//! (the reader converts bodies after indexing every page). toc lists the
//! headings of the page; children and pagetree link to pages of the tree.

use super::{Macro, Out};
use crate::model::{Block, Inline, LinkTarget, PageRef};
use crate::read::storage::Conv;

/// Nests (level, inline) items into lists by level.
fn nest(items: &[(u8, Inline)], ordered: bool) -> Option<Block> {
    if items.is_empty() {
        return None;
    }
    let base = items.iter().map(|(l, _)| *l).min().unwrap_or(1);
    let mut list: Vec<Vec<Block>> = Vec::new();
    let mut i = 0;
    while i < items.len() {
        let (level, inline) = &items[i];
        let mut j = i + 1;
        while j < items.len() && items[j].0 > base {
            j += 1;
        }
        if *level > base {
            // Deeper items with no parent at this level: their own sub-list.
            list.push(nest(&items[i..j], ordered).into_iter().collect());
        } else {
            let mut item = vec![Block::Para(vec![inline.clone()])];
            item.extend(nest(&items[i + 1..j], ordered));
            list.push(item);
        }
        i = j;
    }
    Some(Block::List {
        ordered,
        start: 1,
        items: list,
    })
}

pub fn toc(conv: &mut Conv, m: &Macro) -> Out {
    conv.converted("toc", "a static list of links to the headings");
    let min: u8 = m
        .param("minLevel")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let max: u8 = m
        .param("maxLevel")
        .and_then(|v| v.parse().ok())
        .unwrap_or(7);
    let items: Vec<(u8, Inline)> = conv
        .headings
        .iter()
        .filter(|(l, _, _)| *l >= min && *l <= max)
        .map(|(l, anchor, text)| {
            (
                *l,
                Inline::Link {
                    target: LinkTarget::Anchor(anchor.clone()),
                    content: vec![Inline::Text(text.clone())],
                },
            )
        })
        .collect();
    let ordered = m.param("style").is_some_and(|s| s == "decimal");
    Out::Blocks(nest(&items, ordered).into_iter().collect())
}

fn page_link(id: &str, title: &str) -> Inline {
    Inline::Link {
        target: LinkTarget::Page {
            page: PageRef::Id(id.to_string()),
            anchor: None,
        },
        content: vec![Inline::Text(title.to_string())],
    }
}

/// The pages below `root`, depth-first, down to `depth` levels (0 = all).
fn descendants(conv: &Conv, root: &str, depth: usize) -> Vec<(u8, Inline)> {
    let mut out = Vec::new();
    let mut stack: Vec<(String, usize)> = vec![(root.to_string(), 0)];
    let mut seen = std::collections::HashSet::new();
    // Depth-first in tree order: push children reversed.
    while let Some((id, level)) = stack.pop() {
        if level > 0 {
            let title = conv.ctx.site.title_of(&id).unwrap_or_default();
            out.push((level.min(250) as u8, page_link(&id, &title)));
        }
        if (depth == 0 || level < depth) && seen.insert(id.clone()) {
            for (cid, _) in conv.ctx.site.children(&id).into_iter().rev() {
                stack.push((cid, level + 1));
            }
        }
    }
    out
}

/// The page named by a macro parameter (an `ac:link` or a plain title).
fn param_page(conv: &Conv, m: &Macro, name: &str) -> Option<String> {
    let el = m.param_el(name)?;
    if let Some(ri) = el
        .elements()
        .flat_map(|l| std::iter::once(l).chain(l.elements()))
        .find(|e| e.name == "ri:page" || e.name == "ri:blog-post")
    {
        let r = conv.page_ref(ri)?;
        return conv.page_id_of(&r);
    }
    let title = el.text().trim().to_string();
    let r = match title.as_str() {
        "" => return None,
        t if t.starts_with('@') => {
            let fake = crate::read::storage::dom::Element {
                name: "ri:page".into(),
                attrs: vec![("ri:content-title".into(), t.to_string())],
                children: Vec::new(),
            };
            conv.page_ref(&fake)?
        }
        t => PageRef::Title {
            space: m.param("spaces").or(m.param("space")),
            title: t.to_string(),
        },
    };
    conv.page_id_of(&r)
}

pub fn children(conv: &mut Conv, m: &Macro) -> Out {
    conv.converted("children", "a static list of links to the child pages");
    let root = param_page(conv, m, "page").unwrap_or_else(|| conv.ctx.page_id.to_string());
    let depth = if m.flag("all") || m.flag("allChildren") {
        0
    } else {
        m.param("depth").and_then(|d| d.parse().ok()).unwrap_or(1)
    };
    let items = descendants(conv, &root, depth);
    Out::Blocks(nest(&items, false).into_iter().collect())
}

pub fn pagetree(conv: &mut Conv, m: &Macro) -> Out {
    conv.converted("pagetree", "a static list of links to the pages");
    let root = param_page(conv, m, "root")
        .or_else(|| conv.ctx.site.home())
        .unwrap_or_else(|| conv.ctx.page_id.to_string());
    let items = descendants(conv, &root, 0);
    Out::Blocks(nest(&items, false).into_iter().collect())
}
