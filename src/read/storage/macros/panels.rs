//! info / note / warning / tip / panel (and Cloud's success / error): a styled
//! block with its title.

use super::{Macro, Out};
use crate::model::{Block, Inline, PanelKind};
use crate::read::storage::Conv;

pub fn convert(conv: &mut Conv, m: &Macro) -> Out {
    let kind = match m.name.as_str() {
        "info" => PanelKind::Info,
        "note" => PanelKind::Note,
        "warning" | "error" => PanelKind::Warning,
        "tip" | "success" => PanelKind::Tip,
        _ => PanelKind::Panel,
    };
    let title = m.param("title").map(|t| vec![Inline::Text(t)]);
    let body = m
        .rich_body()
        .map(|b| conv.blocks(&b.children))
        .unwrap_or_default();
    Out::Blocks(vec![Block::Panel { kind, title, body }])
}
