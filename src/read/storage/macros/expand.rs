//! expand: its title, then its content, always open.

use super::{Macro, Out};
use crate::model::{Block, Inline};
use crate::read::storage::Conv;

pub fn convert(conv: &mut Conv, m: &Macro) -> Out {
    conv.converted("expand", "its content shown under its title, always open");
    let title = m
        .param("title")
        .unwrap_or_else(|| "Click here to expand...".into());
    let body = m
        .rich_body()
        .map(|b| conv.blocks(&b.children))
        .unwrap_or_default();
    Out::Blocks(vec![Block::Expand {
        title: vec![Inline::Text(title)],
        body,
    }])
}
