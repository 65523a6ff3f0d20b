//! attachments, view-file (and its viewpdf / viewdoc / ... aliases) and gallery:
//! links to (or images of) the page's attachments, which are staged with the
//! document anyway.

use super::{Macro, Out};
use crate::model::{AttachmentRef, Block, ImageTarget, Inline, LinkTarget};
use crate::read::storage::Conv;

fn att_ref(page: Option<crate::model::PageRef>, name: &str) -> AttachmentRef {
    AttachmentRef {
        page,
        attachment_id: None,
        file_name: Some(name.to_string()),
        entry: None,
    }
}

fn file_link(name: &str) -> Inline {
    Inline::Link {
        target: LinkTarget::Attachment(att_ref(None, name)),
        content: vec![Inline::Text(name.to_string())],
    }
}

pub fn is_image(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".png", ".jpg", ".jpeg", ".gif", ".bmp", ".svg", ".webp"]
        .iter()
        .any(|e| lower.ends_with(e))
}

pub fn attachments(conv: &mut Conv, _m: &Macro) -> Out {
    conv.converted(
        "attachments",
        "a static list of links to the page's attachments",
    );
    let names = conv.ctx.site.attachments(conv.ctx.page_id);
    if names.is_empty() {
        return Out::Blocks(Vec::new());
    }
    Out::Blocks(vec![Block::List {
        ordered: false,
        start: 1,
        items: names
            .iter()
            .map(|n| vec![Block::Para(vec![file_link(n)])])
            .collect(),
    }])
}

pub fn view_file(conv: &mut Conv, m: &Macro) -> Out {
    let ri = m
        .param_el("name")
        .or_else(|| m.param_el(""))
        .and_then(|p| p.elements().find(|e| e.name == "ri:attachment"));
    let Some(ri) = ri else {
        // Old form: the file name as plain text.
        return match m.param("name").or_else(|| m.param("")) {
            Some(name) => {
                conv.converted(&m.name, "a link to the attached file");
                Out::Inlines(vec![file_link(&name)])
            }
            None => {
                conv.unsupported(&m.name, "it names no file; nothing is kept");
                Out::Inlines(Vec::new())
            }
        };
    };
    let att = conv.attachment_ref(ri);
    let name = att.file_name.clone().unwrap_or_default();
    conv.converted(&m.name, "a link to the attached file");
    Out::Inlines(vec![Inline::Link {
        target: LinkTarget::Attachment(att),
        content: vec![Inline::Text(name)],
    }])
}

pub fn gallery(conv: &mut Conv, m: &Macro) -> Out {
    conv.converted("gallery", "the page's images shown one after another");
    let exclude: Vec<String> = m
        .param("exclude")
        .map(|e| e.split(',').map(|s| s.trim().to_lowercase()).collect())
        .unwrap_or_default();
    let include: Vec<String> = m
        .param("include")
        .map(|e| e.split(',').map(|s| s.trim().to_lowercase()).collect())
        .unwrap_or_default();
    let images: Vec<Inline> = conv
        .ctx
        .site
        .attachments(conv.ctx.page_id)
        .into_iter()
        .filter(|n| is_image(n))
        .filter(|n| !exclude.contains(&n.to_lowercase()))
        .filter(|n| include.is_empty() || include.contains(&n.to_lowercase()))
        .map(|n| Inline::Image {
            target: ImageTarget::Attachment(att_ref(None, &n)),
            alt: Some(n),
            width: None,
        })
        .collect();
    let mut blocks = Vec::new();
    if let Some(title) = m.param("title") {
        blocks.push(Block::Para(vec![Inline::Styled(
            crate::model::Style::Strong,
            vec![Inline::Text(title)],
        )]));
    }
    blocks.extend(images.into_iter().map(|i| Block::Para(vec![i])));
    Out::Blocks(blocks)
}
