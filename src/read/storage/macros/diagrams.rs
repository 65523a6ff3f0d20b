//! drawio and gliffy: the diagram's PNG preview (the attachment `<name>.png`
//! both apps save next to the diagram) is shown; without it, a finding.

use super::{Macro, Out};
use crate::model::{AttachmentRef, ImageTarget, Inline};
use crate::read::storage::Conv;

pub fn convert(conv: &mut Conv, m: &Macro) -> Out {
    let name = m
        .param("diagramName")
        .or_else(|| m.param("name"))
        .or_else(|| m.param("displayName"))
        .unwrap_or_default();
    let files = conv.ctx.site.attachments(conv.ctx.page_id);
    let preview = [format!("{name}.png"), name.clone()]
        .into_iter()
        .find(|c| !name.is_empty() && files.iter().any(|f| f == c) && super::files::is_image(c));
    match preview {
        Some(file) => {
            conv.converted(
                &m.name,
                "the diagram's preview image is shown (the diagram itself is not editable)",
            );
            Out::Inlines(vec![Inline::Image {
                target: ImageTarget::Attachment(AttachmentRef {
                    page: None,
                    attachment_id: None,
                    file_name: Some(file),
                    entry: None,
                }),
                alt: Some(name),
                width: m.param("width").and_then(|w| w.parse().ok()),
            }])
        }
        None => {
            conv.unsupported(
                &m.name,
                &format!("diagram {name:?} has no preview image in the export; it is lost"),
            );
            Out::Inlines(vec![Inline::Text(format!("[diagram: {name}]"))])
        }
    }
}
