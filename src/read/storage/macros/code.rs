//! code and noformat: a preformatted block, language and title kept, the text
//! byte-exact (CDATA reassembled, leading white space and `]]>` included).

use super::{Macro, Out};
use crate::model::Block;
use crate::read::storage::Conv;

pub fn convert(_conv: &mut Conv, m: &Macro) -> Out {
    let text = m
        .plain_body()
        .or_else(|| m.rich_body().map(|b| b.text()))
        .unwrap_or_default();
    let language = match m.name.as_str() {
        "noformat" => None,
        _ => m
            .param("language")
            .or_else(|| m.param("lang"))
            .map(|l| l.to_lowercase()),
    };
    Out::Blocks(vec![Block::Code {
        language,
        title: m.param("title"),
        text,
    }])
}
